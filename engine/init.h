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
#include "process.h"

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
    /* a user namespace of the container's own may neither reach the root
     * by path nor pivot into the (locked) copy of a mount its parent made:
     * the parent clones it with the root as its working directory (the new
     * mount namespace's copy of it, then) and root_tree, a detached copy
     * of the root, which the child mounts there and enters; else -1 */
    int root_tree;
    const struct mount_plan *plan;
    const char *hostname;
    bool keep_hostname; /* the uts namespace is joined: its name is the pod's */
    bool infra;         /* a pod's infra: its root is engine_infra_root's */
    bool read_only;     /* --read-only: the root remounted read-only once all is mounted */
    bool private_net;
    char *const *sysctls;       /* --sysctl KEY=VALUE, set in its namespaces */
    struct engine_process proc; /* what runs once the root is entered */
};

__attribute__((noreturn)) void engine_init_main(const struct init_config *c);

#endif
