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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "container.h"
#include "process.h"
#include "spec.h"
#include "userns.h"

extern char **environ;

static const char *const joined_ns[] = { "ipc", "uts", "net", "mnt" };

/* In the child: joins the container's namespaces (its pid namespace was
 * joined by the parent before the fork) and runs the process. */
__attribute__((noreturn)) static void
exec_child(const int nsfds[4], struct engine_process *p)
{
    struct pcon_err err = { 0 };
    int keep[] = { nsfds[0],  nsfds[1],    nsfds[2],    nsfds[3],
                   p->syncfd, p->stdio[0], p->stdio[1], p->stdio[2] };

    /* already in the container's pid namespace, and non-dumpable since the
     * relay made itself so: whatever the relay held is closed before the
     * mount namespace is joined */
    if (proc_close_fds_except(keep, sizeof keep / sizeof keep[0]) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        engine_process_fail(p->syncfd, &err, 125);
    }
    for (size_t i = 0; i < 4; i++)
        if (setns(nsfds[i], 0) < 0) {
            pcon_fail(&err, errno, "join the container's %s namespace", joined_ns[i]);
            engine_process_fail(p->syncfd, &err, 125);
        }
    engine_process_exec(p);
}

/* The relay, in our pid namespace: it joins the container's for its
 * children, forks the session, tells its pid, reaps it and exits as it did.
 * pcon itself never changes its pid namespace, so nothing else it forks
 * (a sanitizer's helper thread, say) lands in the container. */
__attribute__((noreturn)) static void
exec_relay(int pidns, const int nsfds[4], struct engine_process *p, int gpfd)
{
    struct pcon_err err = { 0 };
    int keep[] = { pidns,     nsfds[0], nsfds[1],    nsfds[2],    nsfds[3],
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
    if (proc_close_fds_except(keep, sizeof keep / sizeof keep[0]) < 0) {
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
    while (waitpid(g, &status, 0) < 0)
        if (errno != EINTR)
            _exit(125);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int
open_namespaces(const struct container *c, int nsfds[4], int *pidns, struct pcon_err *err)
{
    char path[64];

    for (size_t i = 0; i < 4; i++) {
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

/* What pcon relays for a session: its output (the terminal's master end,
 * or pipes) to our stdout and stderr, our stdin to it. The session never
 * holds the user's terminal: a process it leaves behind in the container
 * could go on reading keystrokes from it. */
struct exec_io {
    int out, err; /* from the session; -1 once ended */
    int in;       /* our stdin while forwarded, else -1 */
    int to;       /* the session's stdin: the pty, or a pipe closed at our EOF */
    bool to_pipe;
    int pty; /* the terminal, for its size; or -1 */
    char pend[16384];
    size_t plen, poff; /* stdin read but not yet written: nonblocking, so that a
                        * session not reading its stdin cannot stop its output */
};

/* a nonblocking read end copied to fd; false once it has ended */
static bool
io_copy(int from, int to_fd)
{
    char buf[16384];
    ssize_t n = read(from, buf, sizeof buf);

    if (n > 0) {
        (void) fs_write_all(to_fd, buf, (size_t) n); /* a closed stdout is the user's */
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN); /* EIO: the terminal's last user left */
}

static void
io_stdin(struct exec_io *io, short in_ev, short to_ev)
{
    ssize_t n;

    if (in_ev && io->plen == 0) {
        n = read(io->in, io->pend, sizeof io->pend);
        if (n > 0) {
            io->plen = (size_t) n;
            io->poff = 0;
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            io->in = -1;
            if (io->to_pipe) {
                close(io->to); /* the session sees the end of its stdin */
                io->to = -1;
            }
        }
    }
    if ((to_ev || in_ev) && io->plen > 0 && io->to >= 0) {
        n = write(io->to, io->pend + io->poff, io->plen);
        if (n > 0) {
            io->poff += (size_t) n;
            io->plen -= (size_t) n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            io->plen = 0; /* the session closed its stdin */
            io->in = -1;
        }
    }
}

/* Relays until the session ends; returns its exit code. relay: the
 * session's parent, which mirrors its exit; session: the process in the
 * container, which gets the signals. */
static int
exec_wait(pid_t relay, pid_t session, struct exec_io *io, int sigfd, struct pcon_err *err)
{
    /* the end of the process is seen on a pidfd: SIGCHLD may be lost to a
     * fork wrapper (ASan's) that restores an empty signal mask */
    cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, relay, 0);
    bool exited = false;
    int code = -1;

    if (pidfd < 0)
        return pcon_fail(err, errno, "watch the exec session");
    for (;;) {
        bool pending = io->plen > 0 && io->to >= 0;
        struct pollfd pf[6] = { { sigfd, POLLIN, 0 },
                                { io->out, POLLIN, 0 },
                                { io->err, POLLIN, 0 },
                                { pending ? -1 : io->in, POLLIN, 0 },
                                { pending ? io->to : -1, POLLOUT, 0 },
                                { exited ? -1 : pidfd, POLLIN, 0 } };

        if (exited && io->out < 0 && io->err < 0)
            return code;
        /* once it has exited, what its pipes hold is all there is to show:
         * a process it left behind may hold them open for ever */
        if (poll(pf, 6, exited && io->pty < 0 ? 0 : -1) < 0) {
            if (errno == EINTR)
                continue;
            return pcon_fail(err, errno, "wait for the exec session");
        }
        if (exited && io->pty < 0 && !pf[1].revents && !pf[2].revents)
            return code;
        if (pf[1].revents && !io_copy(io->out, 1))
            io->out = -1;
        if (pf[2].revents && !io_copy(io->err, 2))
            io->err = -1;
        if (pf[3].revents || pf[4].revents)
            io_stdin(io, pf[3].revents, pf[4].revents);
        if (pf[0].revents) {
            struct signalfd_siginfo si;

            if (read(sigfd, &si, sizeof si) != (ssize_t) sizeof si)
                continue;
            if (si.ssi_signo == SIGWINCH && io->pty >= 0) {
                struct winsize ws;
                if (ioctl(0, TIOCGWINSZ, &ws) == 0)
                    (void) ioctl(io->pty, TIOCSWINSZ, &ws); /* cosmetic */
                continue;
            }
            if (si.ssi_signo != SIGCHLD && !exited)
                (void) kill(session, (int) si.ssi_signo); /* it may be gone already */
        }
        if (pf[5].revents) {
            int status;
            if (waitpid(relay, &status, 0) == relay) {
                exited = true;
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
        }
    }
}

/* Pipes for a session without a terminal: its ends go in p->stdio, ours
 * are nonblocking. */
static int
exec_pipes(bool interactive, int outp[2], int errp[2], int inp[2], struct engine_process *p)
{
    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0
        || (interactive && pipe2(inp, O_CLOEXEC) < 0))
        return -1;
    if (fcntl(outp[0], F_SETFL, O_NONBLOCK) < 0 || fcntl(errp[0], F_SETFL, O_NONBLOCK) < 0
        || (interactive && fcntl(inp[1], F_SETFL, O_NONBLOCK) < 0))
        return -1;
    p->stdio[0] = inp[0];
    p->stdio[1] = outp[1];
    p->stdio[2] = errp[1];
    return 0;
}

int
engine_ctr_exec(struct store *st, struct container *c, const struct engine_exec_opts *o,
                int *exit_code, struct pcon_err *err)
{
    static const int proxied[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };
    int nsfds[4] = { -1, -1, -1, -1 }, pidns = -1, sv[2] = { -1, -1 }, sigfd = -1, pty = -1;
    int null = -1, gp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    int inp[2] = { -1, -1 };
    struct exec_io io = { .out = -1, .err = -1, .in = -1, .to = -1, .pty = -1 };
    pid_t session = -1;
    struct engine_process p = {
        .args = o->args,
        .user = o->user ? o->user : c->cfg.user,
        .workdir = o->workdir ? o->workdir : c->cfg.workdir,
        .interactive = o->interactive,
        .tty = o->tty,
        .single_mapping = engine_userns_single_mapping(),
        .stdio = { -1, -1, -1 },
    };
    struct termios saved;
    bool raw = false;
    sigset_t set;
    pid_t pid;
    int ret = -1;

    (void) st;
    if (c->state.status != CTR_RUNNING)
        return pcon_fail(err, 0, "can only create exec sessions on running containers: container"
                                 " state improper");
    if (o->args == NULL || o->args[0] == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "exec requires at least one command");
    if (o->detach) {
        /* a detached session's output would otherwise hold our caller's pipes */
        null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0)
            return pcon_fail(err, errno, "open /dev/null");
        p.stdio[1] = p.stdio[2] = null;
        p.interactive = false;
    }
    p.env = strv_dup(c->cfg.env);
    for (size_t i = 0; o->env && o->env[i]; i++)
        spec_env_set(&p.env, o->env[i], environ);
    if (open_namespaces(c, nsfds, &pidns, err) < 0)
        goto out;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < sizeof proxied / sizeof proxied[0]; i++)
        sigaddset(&set, proxied[i]);
    if (sigprocmask(SIG_BLOCK, &set, &p.sigmask) < 0
        || (sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0
        || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        pcon_fail(err, errno, "prepare the exec session");
        goto out;
    }
    if (pipe2(gp, O_CLOEXEC) < 0
        || (!o->tty && !o->detach && exec_pipes(o->interactive, outp, errp, inp, &p) < 0)) {
        pcon_fail(err, errno, "prepare the exec session");
        goto out;
    }
    p.syncfd = sv[1];
    pid = fork();
    if (pid < 0) {
        pcon_fail(err, errno, "fork the exec session");
        goto out;
    }
    if (pid == 0) {
        close(sv[0]);
        close(gp[0]);
        exec_relay(pidns, nsfds, &p, gp[1]);
    }
    (void) sigprocmask(SIG_BLOCK, &set, NULL); /* again: see exec_wait */
    close(sv[1]);
    sv[1] = -1;
    close(gp[1]);
    gp[1] = -1;
    for (int *fd = (int[]){ outp[1], errp[1], inp[0] }, i = 0; i < 3; i++)
        if (fd[i] >= 0)
            close(fd[i]); /* the session's ends */
    outp[1] = errp[1] = inp[0] = -1;
    if (engine_process_sync(sv[0], &pty, err) < 0) {
        *exit_code = proc_wait_exit(pid, NULL);
        goto out;
    }
    if (read(gp[0], &session, sizeof session) != (ssize_t) sizeof session) {
        pcon_fail(err, errno, "start the exec session");
        goto out;
    }
    if (o->detach) {
        /* the session goes on alone: it is reparented to the container's init */
        *exit_code = 0;
        ret = 0;
        goto out;
    }
    if (pty >= 0 && o->interactive && isatty(0) && tcgetattr(0, &saved) == 0) {
        struct termios t = saved;
        struct winsize ws;
        cfmakeraw(&t);
        raw = tcsetattr(0, TCSANOW, &t) == 0;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0)
            (void) ioctl(pty, TIOCSWINSZ, &ws); /* cosmetic */
    }
    if (pty >= 0) {
        io.out = io.to = io.pty = pty;
    } else {
        io.out = outp[0];
        io.err = errp[0];
        io.to = inp[1];
        io.to_pipe = true;
    }
    io.in = o->interactive && io.to >= 0 ? 0 : -1;
    *exit_code = exec_wait(pid, session, &io, sigfd, err);
    ret = *exit_code < 0 ? -1 : 0;
out:
    if (raw)
        (void) tcsetattr(0, TCSADRAIN, &saved); /* the user's terminal back */
    if (io.to_pipe && io.to >= 0)
        inp[1] = io.to;
    else if (io.to_pipe)
        inp[1] = -1; /* closed at stdin's end */
    for (int *fd = (int[]){ nsfds[0], nsfds[1], nsfds[2], nsfds[3], pidns, sv[0], sv[1], sigfd, pty,
                            null, gp[0], gp[1], outp[0], outp[1], errp[0], errp[1], inp[0],
                            inp[1] },
             i = 0;
         i < 18; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    if (sigfd >= 0)
        (void) sigprocmask(SIG_SETMASK, &p.sigmask, NULL);
    strv_free(p.env);
    return ret;
}
