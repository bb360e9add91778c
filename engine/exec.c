// SPDX-License-Identifier: Apache-2.0
/* pcon exec: a process joins a running container's namespaces. The
 * command's process sets its pid_for_children to the container's pid
 * namespace and forks; the child joins the rest (mount, uts, ipc, net) and
 * becomes the container process as the init did (engine/process.c). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/loop.h"
#include "../lib/proc.h"
#include "caps.h"
#include "seccomp.h"
#include "container.h"
#include "process.h"
#include "relay.h"
#include "spec.h"
#include "userns.h"

extern char **environ;

/* the user namespace last, when the container has one of its own: the
 * others are joined with pcon's rights, which own them all (some may be
 * another container's, which the container's own does not own) */
static const char *const joined_ns[] = { "ipc", "uts", "net", "mnt", "user" };
#define NJOINED     5
#define JOINED_USER 4

/* In the child: joins the container's namespaces (its pid namespace was
 * joined by the parent before the fork) and runs the process. */
__attribute__((noreturn)) static void
exec_child(const int nsfds[NJOINED], struct engine_process *p)
{
    struct pcon_err err = { 0 };
    int keep[] = { nsfds[0],  nsfds[1],    nsfds[2],    nsfds[3],   nsfds[4],
                   p->syncfd, p->stdio[0], p->stdio[1], p->stdio[2] };

    /* already in the container's pid namespace, and non-dumpable since the
     * relay made itself so: whatever the relay held is closed before the
     * mount namespace is joined */
    if (proc_close_fds_from_except(3 + p->listen_fds, keep, sizeof keep / sizeof keep[0]) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        engine_process_fail(p->syncfd, &err, 125);
    }
    for (size_t i = 0; i < NJOINED; i++) {
        if (nsfds[i] < 0)
            continue;
        if (setns(nsfds[i], 0) < 0) {
            pcon_fail(&err, errno, "join the container's %s namespace", joined_ns[i]);
            engine_process_fail(p->syncfd, &err, 125);
        }
        if (i == JOINED_USER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
            pcon_fail(&err, errno, "become root in the container's user namespace");
            engine_process_fail(p->syncfd, &err, 125);
        }
    }
    engine_process_exec(p);
}

/* The relay, in our pid namespace: it joins the container's for its
 * children, forks the session, tells its pid, reaps it and exits as it did.
 * pcon itself never changes its pid namespace, so nothing else it forks
 * (a sanitizer's helper thread, say) lands in the container. */
__attribute__((noreturn)) static void
exec_relay(int pidns, const int nsfds[NJOINED], struct engine_process *p, int gpfd)
{
    struct pcon_err err = { 0 };
    int keep[] = { pidns,     nsfds[0], nsfds[1],    nsfds[2],    nsfds[3],   nsfds[4],
                   p->syncfd, gpfd,     p->stdio[0], p->stdio[1], p->stdio[2] };
    pid_t g;
    int status;

    /* The session is born in the container's pid namespace, where its root
     * may open /proc/PID/fd/N of any process it may ptrace: one holding the
     * store's directory fds reaches every file of the user's. Non-dumpable
     * (inherited by the fork; execve resets it) fails that check, and no fd
     * but the session's own is left to find. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        pcon_fail(&err, errno, "make the exec session non-dumpable");
        engine_process_fail(p->syncfd, &err, 125);
    }
    if (proc_close_fds_from_except(3 + p->listen_fds, keep, sizeof keep / sizeof keep[0]) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        engine_process_fail(p->syncfd, &err, 125);
    }
    if (setns(pidns, CLONE_NEWPID) < 0) {
        pcon_fail(&err, errno, "join the container's pid namespace");
        engine_process_fail(p->syncfd, &err, 125);
    }
    g = fork();
    if (g < 0) {
        pcon_fail(&err, errno, "fork the exec session");
        engine_process_fail(p->syncfd, &err, 125);
    }
    if (g == 0)
        exec_child(nsfds, p);
    close(p->syncfd);
    (void) !write(gpfd, &g, sizeof g); /* the caller proxies signals to it */
    close(gpfd);
    if (TEMP_FAILURE_RETRY_INT(waitpid(g, &status, 0)) < 0)
        _exit(125);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int
open_namespaces(const struct container *c, int nsfds[NJOINED], int *pidns, struct pcon_err *err)
{
    char path[64];

    for (size_t i = 0; i < (c->cfg.uidmap ? NJOINED : JOINED_USER); i++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) c->state.pid, joined_ns[i]);
        nsfds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (nsfds[i] < 0)
            return pcon_fail(err, errno, "open %s", path);
    }
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) c->state.pid);
    *pidns = open(path, O_RDONLY | O_CLOEXEC);
    if (*pidns < 0)
        return pcon_fail(err, errno, "open %s", path);
    /* opened first, checked after: the fds are the recorded process's */
    if (!proc_alive(c->state.pid, c->state.pid_start))
        return pcon_fail(err, ESRCH, "container %s is not running", c->cfg.name);
    return 0;
}

/* A session as the command sees it: the relay process, the session in the
 * container, and what pcon relays for it. Without -t the session never
 * holds the user's terminal: a process it left behind in the container
 * could go on reading keystrokes from it. */
struct exec_session {
    pid_t relay, session;
    int pidfd; /* the relay's: SIGCHLD may be lost to a fork wrapper (ASan's)
                * that restores an empty signal mask */
    int pty, outp[2], errp[2], inp[2], null;
    struct relay io;
    bool exited;
    int code;
    struct detach_match keys; /* -it: the detach keys (none: n 0) */
    bool detached;            /* they came: the session goes on without us */
};

static const int exec_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

static void
session_end_check(struct loop *l, struct exec_session *x)
{
    if (x->exited && engine_relay_done(&x->io))
        loop_quit(l);
}

static void
session_output_ended_cb(struct relay *r, void *opaque)
{
    (void) r;
    session_end_check(r->loop, opaque);
}

static void
session_exit_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct exec_session *x = opaque;
    int status;

    (void) events;
    if (waitpid(x->relay, &status, WNOHANG) != x->relay)
        return;
    loop_unwatch(l, fd);
    x->exited = true;
    x->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    engine_relay_stdin_stop(&x->io);
    /* once it has exited, what its pipes hold is all there is to show; a
     * terminal ends by itself when its last user is gone */
    engine_relay_drain(&x->io);
    session_end_check(l, x);
}

static void
session_signal_cb(struct loop *l, const struct signalfd_siginfo *si, void *opaque)
{
    struct exec_session *x = opaque;

    (void) l;
    if (si->ssi_signo == SIGWINCH)
        engine_relay_winsize(&x->io);
    else if (!x->exited)
        (void) kill(x->session, (int) si->ssi_signo); /* it may be gone already */
}

/* Pipes for a session without a terminal: its ends go in p->stdio, ours
 * are nonblocking. A stdin that is no terminal, pipe or socket (a file,
 * /dev/null) cannot be watched, and reads no keystrokes: the session gets
 * it as it is. */
static int
session_pipes(struct exec_session *x, bool interactive, struct engine_process *p)
{
    struct stat st;
    bool feed =
        interactive
        && !(fstat(0, &st) == 0 && !isatty(0) && (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)));

    if (pipe2(x->outp, O_CLOEXEC) < 0 || pipe2(x->errp, O_CLOEXEC) < 0
        || (feed && pipe2(x->inp, O_CLOEXEC) < 0))
        return -1;
    if (fcntl(x->outp[0], F_SETFL, O_NONBLOCK) < 0 || fcntl(x->errp[0], F_SETFL, O_NONBLOCK) < 0
        || (feed && fcntl(x->inp[1], F_SETFL, O_NONBLOCK) < 0))
        return -1;
    p->stdio[0] = x->inp[0];
    p->stdio[1] = x->outp[1];
    p->stdio[2] = x->errp[1];
    return 0;
}

/* Forks the relay and waits for the session's execve. */
static int
session_spawn(struct exec_session *x, const struct engine_exec_opts *o, int pidns,
              const int nsfds[NJOINED], struct engine_process *p, struct pcon_err *err)
{
    int sv[2] = { -1, -1 }, gp[2] = { -1, -1 }, r = -1;
    sigset_t set;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(gp, O_CLOEXEC) < 0
        || (!o->tty && !o->detach && session_pipes(x, o->interactive, p) < 0)) {
        pcon_fail(err, errno, "prepare the exec session");
        goto out;
    }
    p->syncfd = sv[1];
    x->relay = fork();
    if (x->relay < 0) {
        pcon_fail(err, errno, "fork the exec session");
        goto out;
    }
    if (x->relay == 0) {
        close(sv[0]);
        close(gp[0]);
        exec_relay(pidns, nsfds, p, gp[1]);
    }
    /* blocked again: a fork wrapper (ASan's) may have restored the mask */
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof exec_signals / sizeof exec_signals[0]; i++)
        sigaddset(&set, exec_signals[i]);
    (void) sigprocmask(SIG_BLOCK, &set, NULL);
    for (int *fd = (int[]){ sv[1], gp[1], x->outp[1], x->errp[1], x->inp[0] }, i = 0; i < 5; i++)
        if (fd[i] >= 0)
            close(fd[i]); /* the session's ends */
    sv[1] = gp[1] = x->outp[1] = x->errp[1] = x->inp[0] = -1;
    x->pidfd = (int) syscall(SYS_pidfd_open, x->relay, 0);
    if (x->pidfd < 0) {
        pcon_fail(err, errno, "watch the exec session");
        goto out;
    }
    if (engine_process_sync(sv[0], &x->pty, err) < 0) {
        x->code = proc_wait_exit(x->relay, NULL);
        x->relay = -1;
        goto out;
    }
    if (read(gp[0], &x->session, sizeof x->session) != (ssize_t) sizeof x->session) {
        pcon_fail(err, errno, "start the exec session");
        goto out;
    }
    r = 0;
out:
    for (int *fd = (int[]){ sv[0], sv[1], gp[0], gp[1] }, i = 0; i < 4; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return r;
}

/* implements relay.detached: the loop ends, the session goes on */
static void
session_detached_cb(struct relay *r, void *opaque)
{
    struct exec_session *x = opaque;

    x->detached = true;
    loop_quit(r->loop);
}

/* A detached session's terminal is held on by a process of its own that
 * reads what the session writes (to nowhere) until its last user is gone:
 * closed, it would hang the session up. The relay, our child, goes to
 * whoever adopts it. */
static int
session_let_go(struct exec_session *x, struct pcon_err *err)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return pcon_fail(err, errno, "fork the detached session's keeper");
    if (pid == 0) {
        char buf[4096];
        int keep[] = { x->io.pty };
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        pid_t p2 = fork(); /* a grandchild: nobody waits for it */
        if (p2 != 0)
            _exit(p2 < 0);
        if (setsid() < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0
            || proc_close_fds_except(keep, 1) < 0)
            _exit(1);
        (void) fcntl(x->io.pty, F_SETFL, 0); /* blocking: read until EIO */
        while (read(x->io.pty, buf, sizeof buf) > 0 || errno == EINTR)
            ;
        _exit(0);
    }
    (void) proc_wait_exit(pid, NULL);
    return 0;
}

/* Relays until the session has exited and its output ended; returns its
 * exit code. */
static int
session_wait(struct exec_session *x, struct loop *l, bool interactive, struct pcon_err *err)
{
    struct termios saved;
    bool raw = false;
    int r;

    x->io.opaque = x;
    x->io.ended = session_output_ended_cb;
    x->io.echo = true;
    if (x->pty >= 0) {
        x->io.out = x->io.to = x->io.pty = x->pty;
        x->pty = -1; /* the relay's now */
        if (interactive && isatty(0) && tcgetattr(0, &saved) == 0) {
            struct termios t = saved;
            cfmakeraw(&t);
            raw = tcsetattr(0, TCSANOW, &t) == 0;
        }
        engine_relay_winsize(&x->io);
    } else {
        x->io.out = x->outp[0];
        x->io.err = x->errp[0];
        x->io.to = x->inp[1];
        x->io.to_pipe = true;
        x->outp[0] = x->errp[0] = x->inp[1] = -1; /* the relay's now */
    }
    x->io.in = interactive ? 0 : -1;
    if (x->io.pty >= 0 && interactive && x->keys.n) {
        x->io.detach = &x->keys;
        x->io.detached = session_detached_cb;
    }
    r = engine_relay_start(&x->io, l, err);
    if (r == 0)
        r = loop_watch(l, x->pidfd, EPOLLIN, session_exit_cb, x, err);
    if (r == 0)
        r = loop_run(l, err);
    if (raw)
        (void) tcsetattr(0, TCSADRAIN, &saved); /* the user's terminal back */
    if (r == 0 && x->detached && !x->exited)
        return session_let_go(x, err) < 0 ? -1 : 0;
    return r < 0 ? -1 : x->code;
}

static void
session_free(struct exec_session *x)
{
    for (int *fd = (int[]){ x->pidfd, x->pty, x->outp[0], x->outp[1], x->errp[0], x->errp[1],
                            x->inp[0], x->inp[1], x->null },
             i = 0;
         i < 9; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    engine_relay_close(&x->io);
}

int
engine_ctr_exec(struct store *st, struct container *c, const struct engine_exec_opts *o,
                int *exit_code, struct pcon_err *err)
{
    int nsfds[NJOINED] = { -1, -1, -1, -1, -1 }, pidns = -1, ret = -1;
    struct exec_session x = {
        .relay = -1,
        .pidfd = -1,
        .pty = -1,
        .null = -1,
        .code = -1,
        .outp = { -1, -1 },
        .errp = { -1, -1 },
        .inp = { -1, -1 },
    };
    struct engine_process p = {
        .args = o->args,
        .user = o->user ? o->user : c->cfg.user,
        .workdir = o->workdir ? o->workdir : c->cfg.workdir,
        .interactive = o->interactive,
        .tty = o->tty,
        .single_mapping = engine_userns_single_mapping(),
        .stdio = { -1, -1, -1 },
        .listen_fds = o->preserve_fds, /* 3.. the caller's, kept open as a service's */
    };
    struct loop l;
    cleanup_free void *filter = NULL;

    /* the container's own capabilities, as podman's exec */
    engine_ctr_caps(&c->cfg, &p.caps, &p.caps_added);
    if (o->privileged) {
        int last = engine_cap_last();
        uint64_t all = last >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (last + 1)) - 1;
        p.caps_added = all & ~p.caps;
        p.caps = all;
    }
    p.group_add = c->cfg.group_add;
    p.ulimits = c->cfg.ulimits;
    p.umask = c->cfg.umask;
    p.personality = c->cfg.personality;
    p.no_new_privs = c->cfg.no_new_privs;
    if (engine_seccomp_for(st, &c->cfg, p.caps, &filter, &p.seccomp_len, err) < 0)
        return -1;
    p.seccomp = filter;
    if (c->state.status != CTR_RUNNING)
        return pcon_fail_kind(err, PCON_ERR_STATE, 0,
                              "can only create exec sessions on running containers: container"
                              " state improper");
    if (o->args == NULL || o->args[0] == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "exec requires at least one command");
    if (engine_passed_fds_check(st, o->preserve_fds, err) < 0)
        return -1;
    engine_relay_init(&x.io);
    if (loop_init(&l, err) < 0)
        return -1;
    if (o->detach) {
        /* a detached session's output would otherwise hold our caller's pipes */
        x.null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (x.null < 0) {
            pcon_fail(err, errno, "open /dev/null");
            goto out;
        }
        p.stdio[1] = p.stdio[2] = x.null;
        p.interactive = false;
    }
    p.env = strv_dup(c->cfg.env);
    for (size_t i = 0; o->env && o->env[i]; i++)
        engine_spec_env_set(&p.env, o->env[i], environ);
    /* signals are blocked before the fork (the session gets the old mask
     * back before execve): one arriving from now on is passed on */
    if (open_namespaces(c, nsfds, &pidns, err) < 0
        || loop_signals(&l, exec_signals, sizeof exec_signals / sizeof exec_signals[0],
                        session_signal_cb, &x, err)
               < 0)
        goto out;
    p.sigmask = *loop_saved_mask(&l);
    if (session_spawn(&x, o, pidns, nsfds, &p, err) < 0) {
        if (x.relay < 0)
            *exit_code = x.code;
        goto out;
    }
    if (o->detach) {
        /* the session goes on alone: it is reparented to the container's init */
        *exit_code = 0;
        ret = 0;
        goto out;
    }
    memcpy(x.keys.keys, o->detach_keys, sizeof x.keys.keys);
    x.keys.n = o->ndetach < sizeof x.keys.keys ? o->ndetach : 0;
    *exit_code = session_wait(&x, &l, o->interactive, err);
    ret = *exit_code < 0 ? -1 : 0;
out:
    for (int *fd = (int[]){ nsfds[0], nsfds[1], nsfds[2], nsfds[3], nsfds[4], pidns }, i = 0; i < 6;
         i++)
        if (fd[i] >= 0)
            close(fd[i]);
    session_free(&x);
    loop_fini(&l);
    strv_free(p.env);
    return ret;
}
