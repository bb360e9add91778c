/* SPDX-License-Identifier: Apache-2.0 */
/* Spawning a container's init: a namespace plan (create, join an fd, or
 * stay in the host's, per namespace), clone3, and the handshake on the
 * sync socket, in numbered steps:
 *   1. cloned: the child waits before it touches anything;
 *   2. the parent does what needs the child to exist (id maps, network,
 *      cgroups: hooks), then sends GO (or kills the child);
 *   3. the child joins the namespaces to join, mounts, pivots, and sends
 *      a terminal's master end (with -t);
 *   4. EOF at execve, or one error {errnum, kind, text} and its exit.
 * Every failure, on either side, ends as one pcon_err. */
#ifndef PCON_ENGINE_SPAWN_H
#define PCON_ENGINE_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "init.h"

enum ns_kind { NS_USER, NS_MNT, NS_PID, NS_NET, NS_UTS, NS_IPC, NS_CGROUP, NS_KINDS };
enum ns_mode {
    NS_HOST = 0, /* stay in the parent's (pcon's user namespace, the host's network) */
    NS_CREATE,
    NS_JOIN, /* setns(fd): a pod's infra, another container */
};

struct ns_plan {
    struct {
        enum ns_mode mode;
        int fd; /* NS_JOIN: an fd of /proc/PID/ns/<kind> */
    } ns[NS_KINDS];
};

/* a container's own pid, mount, uts and ipc namespaces, and a network
 * namespace unless it shares the host's; pcon's user and cgroup ones */
void engine_ns_plan_container(struct ns_plan *p, bool host_net);

struct spawn_io {
    int out, err; /* read ends of the output pipes, or -1 */
    int in;       /* write end of the stdin pipe, or -1 */
    int pty;      /* the terminal's master end (-t), or -1 */
    int sync;     /* held before execve (init->proc.hold): its sync socket, else -1 */
};

struct spawn_req {
    const struct ns_plan *ns;
    struct init_config *init; /* its proc.stdio and proc.syncfd are filled in here */
    bool pipes;               /* output through pipes (else our stdio) */
    bool stdin_pipe;          /* stdin through a pipe (else ours, or /dev/null) */
    /* step 2, in the parent: the child exists and waits; NULL for none */
    int (*before_go)(pid_t pid, void *opaque, struct pcon_err *err);
    /* before the clone, when the namespaces to join are joined then (a pid
     * or a user namespace joined; or some joined by a user namespace of its
     * own, which will not own them): once joined but the user one, with
     * pcon's rights still; NULL for none */
    int (*before_clone)(void *opaque, struct pcon_err *err);
    void *opaque;
};

/* Spawns the init and waits for its execve; *pid is its pid. On failure
 * the child is gone and reaped, and err is its error or ours. */
int engine_spawn_init(const struct spawn_req *r, pid_t *pid, struct spawn_io *io,
                      struct pcon_err *err);
/* A held init goes on to execve; 0 once it has, else -1 with its error
 * (it has exited then). Closes sync. */
int engine_spawn_release(int sync, struct pcon_err *err);

#endif
