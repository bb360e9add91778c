// SPDX-License-Identifier: Apache-2.0
/* clone3 from a namespace plan, and the parent's side of the handshake. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/proc.h"
#include "process.h"
#include "spawn.h"

static const struct {
    unsigned long flag;
    const char *name;
} ns_kinds[NS_KINDS] = {
    [NS_USER] = { CLONE_NEWUSER, "user" },       [NS_MNT] = { CLONE_NEWNS, "mnt" },
    [NS_PID] = { CLONE_NEWPID, "pid" },          [NS_NET] = { CLONE_NEWNET, "net" },
    [NS_UTS] = { CLONE_NEWUTS, "uts" },          [NS_IPC] = { CLONE_NEWIPC, "ipc" },
    [NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" },
};

void
engine_ns_plan_container(struct ns_plan *p, bool host_net)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < NS_KINDS; i++)
        p->ns[i].fd = -1;
    p->ns[NS_MNT].mode = p->ns[NS_PID].mode = NS_CREATE;
    p->ns[NS_UTS].mode = p->ns[NS_IPC].mode = NS_CREATE;
    p->ns[NS_NET].mode = host_net ? NS_HOST : NS_CREATE;
}

/* Whether the namespaces to join are joined before the clone, by
 * clone_in: a pid namespace is entered by the children of whoever joined
 * it; a user namespace joined must own the namespaces the clone creates;
 * and one created does not own those joined, so they must be joined while
 * pcon's rights are still the process's. */
static bool
joins_before_clone(const struct ns_plan *p)
{
    bool any = false;

    for (size_t i = 0; i < NS_KINDS; i++)
        any |= p->ns[i].mode == NS_JOIN;
    return p->ns[NS_PID].mode == NS_JOIN || p->ns[NS_USER].mode == NS_JOIN
           || (p->ns[NS_USER].mode == NS_CREATE && any);
}

/* Joins what p joins but the user namespace: in the child, before
 * anything else, or before the clone (clone_in) */
static int
ns_join(const struct ns_plan *p, struct pcon_err *err)
{
    for (size_t i = 0; i < NS_KINDS; i++)
        if (i != NS_USER && p->ns[i].mode == NS_JOIN
            && setns(p->ns[i].fd, (int) ns_kinds[i].flag) < 0)
            return pcon_fail(err, errno, "join the %s namespace", ns_kinds[i].name);
    return 0;
}

/* what the short-lived child of clone_in tells: the init's pid, or why not */
struct clone_reply {
    pid_t pid;
    int errnum;
    char text[256];
};

/* A pid namespace joined cannot be left again (the host's is not ours to
 * enter), nor can a user namespace: a short-lived child joins what the
 * plan joins, the user namespace last (pcon's rights over the others end
 * there), does r's before_clone there, and clones the init as our child
 * (CLONE_PARENT), so that nothing else we fork (a sanitizer's tracer
 * thread either) lands there. Returns the init's pid, or 0 in the init. */
static pid_t
clone_in(const struct spawn_req *r, struct clone_args *args, struct pcon_err *err)
{
    const struct ns_plan *p = r->ns;
    struct clone_reply rep = { .pid = -1 };
    int pfd[2];
    pid_t mid;
    int e = 0;

    if (pipe2(pfd, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create a pipe");
    mid = fork();
    if (mid < 0) {
        e = errno;
        close(pfd[0]);
        close(pfd[1]);
        return pcon_fail(err, e, "fork");
    }
    if (mid == 0) {
        struct pcon_err jerr = { 0 };
        close(pfd[0]);
        /* the exit signal is then the one this child was forked with */
        args->flags |= CLONE_PARENT;
        args->exit_signal = 0;
        if (ns_join(p, &jerr) == 0
            && (!r->before_clone || r->before_clone(r->opaque, &jerr) == 0)) {
            if (p->ns[NS_USER].mode == NS_JOIN && setns(p->ns[NS_USER].fd, CLONE_NEWUSER) < 0)
                pcon_fail(&jerr, errno, "join the user namespace");
            else if ((rep.pid = (pid_t) syscall(SYS_clone3, args, sizeof *args)) == 0) {
                close(pfd[1]);
                return 0; /* the init */
            } else if (rep.pid < 0)
                pcon_fail(&jerr, errno, "create the container process in the namespaces it joins");
        }
        if (rep.pid < 0) {
            rep.errnum = jerr.errnum;
            snprintf(rep.text, sizeof rep.text, "%s", jerr.msg ? jerr.msg : "create the container");
        }
        (void) !write(pfd[1], &rep, sizeof rep);
        _exit(0);
    }
    close(pfd[1]);
    if (TEMP_FAILURE_RETRY_INT(read(pfd[0], &rep, sizeof rep)) != (ssize_t) sizeof rep) {
        rep.pid = -1;
        rep.errnum = EPROTO;
        snprintf(rep.text, sizeof rep.text, "create the container process");
    }
    close(pfd[0]);
    (void) proc_wait_exit(mid, NULL);
    if (rep.pid < 0)
        return pcon_fail(err, rep.errnum, "%s", rep.text);
    return rep.pid;
}

static pid_t
ns_clone(const struct spawn_req *r, struct pcon_err *err)
{
    const struct ns_plan *p = r->ns;
    struct clone_args args = { .exit_signal = SIGCHLD };
    pid_t pid;

    for (size_t i = 0; i < NS_KINDS; i++)
        if (p->ns[i].mode == NS_CREATE)
            args.flags |= ns_kinds[i].flag;
    if (joins_before_clone(p))
        return clone_in(r, &args, err);
    pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0)
        return pcon_fail(err, errno, "create the container process");
    return pid;
}

/* step 1, in the child: wait for GO; the parent gone means nothing to do */
static void
child_wait_go(const struct spawn_req *r)
{
    struct init_msg m;
    ssize_t n = TEMP_FAILURE_RETRY_INT(read(r->init->proc.syncfd, &m, sizeof m));
    struct pcon_err err = { 0 };

    if (n != (ssize_t) sizeof m || m.kind != INIT_MSG_GO)
        _exit(125);
    if (!joins_before_clone(r->ns) && ns_join(r->ns, &err) < 0)
        engine_process_fail(r->init->proc.syncfd, &err, 125);
    /* a user namespace of its own (mapped now) or joined: its root from here on (the
     * files the init makes are the container's root's) */
    if (r->ns->ns[NS_USER].mode != NS_HOST && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
        pcon_fail(&err, errno, "become root in the container's user namespace");
        engine_process_fail(r->init->proc.syncfd, &err, 125);
    }
}

static int
pipes_make(const struct spawn_req *r, int outp[2], int errp[2], int inp[2], struct pcon_err *err)
{
    if (r->pipes && (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0))
        return pcon_fail(err, errno, "create the output pipes");
    if (r->stdin_pipe && pipe2(inp, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create the stdin pipe");
    r->init->proc.stdio[0] = inp[0];
    r->init->proc.stdio[1] = outp[1];
    r->init->proc.stdio[2] = errp[1];
    return 0;
}

/* step 2, in the parent */
static int
parent_go(const struct spawn_req *r, pid_t pid, int syncfd, struct pcon_err *err)
{
    struct init_msg go = { .kind = INIT_MSG_GO };

    if (r->before_go && r->before_go(pid, r->opaque, err) < 0)
        return -1;
    if (TEMP_FAILURE_RETRY_INT(write(syncfd, &go, sizeof go)) != (ssize_t) sizeof go)
        return pcon_fail(err, errno, "start the container process");
    return 0;
}

int
engine_spawn_init(const struct spawn_req *r, pid_t *pid, struct spawn_io *io, struct pcon_err *err)
{
    int sv[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, inp[2] = { -1, -1 };
    int ret = -1, r_sync;

    io->out = io->err = io->in = io->pty = io->sync = -1;
    *pid = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        pcon_fail(err, errno, "create the sync socket");
        goto out;
    }
    if (pipes_make(r, outp, errp, inp, err) < 0)
        goto out;
    r->init->proc.syncfd = sv[1];
    *pid = ns_clone(r, err);
    if (*pid < 0)
        goto out;
    if (*pid == 0) {
        close(sv[0]);
        child_wait_go(r);
        engine_init_main(r->init);
    }
    for (int *fd = (int[]){ sv[1], outp[1], errp[1], inp[0] }, i = 0; i < 4; i++)
        if (fd[i] >= 0)
            close(fd[i]); /* the child's ends */
    sv[1] = outp[1] = errp[1] = inp[0] = -1;
    /* steps 2 to 4: a failure kills the child; its own error wins */
    if (parent_go(r, *pid, sv[0], err) < 0) {
        (void) kill(*pid, SIGKILL);
        goto reap;
    }
    r_sync = engine_process_sync(sv[0], &io->pty, err);
    if (r_sync < 0)
        goto reap;
    if (r_sync == 1)
        io->sync = steal_fd(&sv[0]);
    io->out = steal_fd(&outp[0]);
    io->err = steal_fd(&errp[0]);
    io->in = steal_fd(&inp[1]);
    ret = 0;
    goto out;
reap:
    (void) proc_wait_exit(*pid, NULL);
    *pid = -1;
out:
    for (int *fd = (int[]){ sv[0], sv[1], outp[0], outp[1], errp[0], errp[1], inp[0], inp[1] },
             i = 0;
         i < 8; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return ret;
}

int
engine_spawn_release(int sync, struct pcon_err *err)
{
    struct init_msg go = { .kind = INIT_MSG_GO };
    int pty = -1, r;

    if (TEMP_FAILURE_RETRY_INT(write(sync, &go, sizeof go)) != (ssize_t) sizeof go) {
        r = pcon_fail(err, errno, "start the container process");
    } else {
        r = engine_process_sync(sync, &pty, err);
        if (r > 0)
            r = pcon_fail(err, EPROTO, "start the container process");
    }
    if (pty >= 0)
        close(pty);
    close(sync);
    return r;
}
