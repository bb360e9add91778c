/* SPDX-License-Identifier: Apache-2.0 */
/* A process entering a container: the identity (user, groups,
 * capabilities), the environment, the working directory, stdio or a
 * terminal, and execve. Shared by the container's init and by exec. The
 * child reports on a sync socket: a terminal's master end (SCM_RIGHTS),
 * then either an error or EOF when execve succeeded. */
#ifndef PCON_ENGINE_PROCESS_H
#define PCON_ENGINE_PROCESS_H

#include <signal.h>
#include <stdint.h>
#include <stdbool.h>

#include "../lib/err.h"

struct engine_process {
    char **args, **env;
    const char *user;    /* USER[:GROUP], resolved in the container's /etc */
    const char *workdir; /* NULL: / */
    bool interactive;    /* keep stdin (else /dev/null) */
    bool tty;            /* a terminal from the container's devpts on 0, 1, 2 */
    bool single_mapping; /* no setgroups */
    /* the capabilities (engine/caps.h): root's set, and of it what was
     * added, which a non-root user gets as ambient capabilities */
    uint64_t caps, caps_added;
    /* a seccomp program (sock_filter array, len bytes) loaded before the
     * capabilities go, or NULL; no_new_privs: PR_SET_NO_NEW_PRIVS too */
    const void *seccomp;
    size_t seccomp_len;
    bool no_new_privs;
    char *const *group_add; /* --group-add: names or numbers, more supplementary groups */
    char *const *ulimits;   /* --ulimit "NAME=SOFT:HARD" (engine/confine.h) */
    int stdio[3];           /* dup2'd onto 0, 1, 2 when >= 0 */
    unsigned listen_fds;    /* socket activation: fds 3 .. 3 + n - 1 stay open for it */
    int umask;              /* --umask, or -1 for podman's 0022 */
    int personality;        /* --personality's domain, or -1 */
    sigset_t sigmask;       /* restored before execve */
    int syncfd;
    bool hold; /* `pcon init`: HELD sent before execve, which waits for GO */
};

/* sent on the sync socket */
struct init_msg {
    int errnum;
    int kind; /* enum pcon_errkind, or INIT_MSG_PTY, INIT_MSG_GO, INIT_MSG_HELD */
    char text[1024];
};
#define INIT_MSG_PTY  (-1) /* child -> parent: the terminal's master end (SCM_RIGHTS) */
#define INIT_MSG_GO   (-2) /* parent -> child: what needed the child is done (engine/spawn.h) */
#define INIT_MSG_HELD (-3) /* child -> parent: ready to execve, waiting for a GO (hold) */

/* In the child, inside the container's root: never returns. */
__attribute__((noreturn)) void engine_process_exec(const struct engine_process *p);
/* In the child: reports err home and exits with code. */
__attribute__((noreturn)) void engine_process_fail(int syncfd, const struct pcon_err *err,
                                                   int code);
/* In the parent: waits for the child's execve. *pty gets the terminal's
 * master end (or -1). Returns 0 when execve succeeded, 1 when the child
 * holds before it (GO on syncfd lets it go on: sync again then), -1 with
 * the child's error. */
int engine_process_sync(int syncfd, int *pty, struct pcon_err *err);

#endif
