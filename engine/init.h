/* SPDX-License-Identifier: Apache-2.0 */
/* The container's first process, between clone and execve: mounts,
 * pivot_root, identity, capabilities, exec. It reports failures to the
 * parent on the sync socket and never returns. */
#ifndef PCON_ENGINE_INIT_H
#define PCON_ENGINE_INIT_H

#include <signal.h>
#include <stdbool.h>

#include "../lib/err.h"
#include "mounts.h"

struct store;
struct image;

struct init_config {
    const char *rootfs; /* where the root is mounted */
    /* when set, the init mounts the root itself, in its own mount
     * namespace (which then takes it along when it ends); else the parent
     * has mounted it */
    struct store *st;
    const struct image *img;
    const char *id;
    bool ephemeral;
    const struct mount_plan *plan;
    char **args, **env;
    const char *user; /* USER[:GROUP] */
    const char *workdir;
    const char *hostname;
    bool private_net, interactive, single_mapping;
    sigset_t sigmask; /* restored before execve */
    int syncfd;
    int stdio[3]; /* dup2'd onto 0, 1, 2 when >= 0; else inherited (stdin: /dev/null unless
                     interactive) */
};

/* sent on the sync socket when the child fails; EOF means execve worked */
struct init_msg {
    int errnum;
    int kind; /* enum pcon_errkind */
    char text[1024];
};

__attribute__((noreturn)) void engine_init_main(const struct init_config *c);

#endif
