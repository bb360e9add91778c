// SPDX-License-Identifier: Apache-2.0
/* Starting a container and watching it: the monitor. In the foreground the
 * pcon process itself is the monitor; detached, a forked pcon becomes one
 * (its own session, a subreaper) and outlives the command. The monitor
 * mounts the root in a mount namespace of its own, clones the init, writes
 * the log, records the exit, applies the restart policy and the timeout,
 * and removes a --rm container. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../lib/timefmt.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "container.h"
#include "init.h"
#include "mounts.h"
#include "spec.h"
#include "userns.h"

#define PCON_ENGINE_VERSION "pcon-" PCON_VERSION

struct monitor {
    struct store *st;
    struct container *c;
    struct image img;
    char *rundir, *rootfs;
    struct mount_plan plan;
    struct volume *volumes;
    size_t nvolumes;
    int out_r, err_r; /* container output pipes or terminal, or -1 (inherited stdio) */
    int pty;          /* the terminal's master end, or -1 */
    int in_r;         /* our stdin, forwarded to the terminal (foreground -it), or -1 */
    /* detached -i: the container's stdin is a pipe fed by attach clients */
    int stdin_w, listen_fd, clients[4];
    bool raw; /* our terminal is in raw mode: restore it */
    struct termios saved_tio;
    int logfd;
    bool echo; /* foreground: copy the output to our stdout and stderr */
    bool sig_proxy;
    int sigfd;
    sigset_t oldmask;
    pid_t pid;
    int64_t started_ns;
    bool mounted; /* the monitor mounted the root (fuse-overlayfs) */
};

static const int proxied_signals[] = { SIGHUP,  SIGINT,   SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                       SIGALRM, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU };

static void
monitor_free(struct monitor *m)
{
    storage_image_free(&m->img);
    free(m->rundir);
    free(m->rootfs);
    engine_mounts_plan_free(&m->plan);
    for (size_t i = 0; i < m->nvolumes; i++)
        spec_volume_free(&m->volumes[i]);
    free(m->volumes);
    if (m->out_r >= 0)
        close(m->out_r);
    if (m->err_r >= 0)
        close(m->err_r);
    if (m->logfd >= 0)
        close(m->logfd);
    if (m->sigfd >= 0)
        close(m->sigfd);
    if (m->pty >= 0)
        close(m->pty);
    for (int *fd = (int[]){ m->stdin_w, m->listen_fd, m->clients[0], m->clients[1], m->clients[2],
                            m->clients[3] },
             i = 0;
         i < 6; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    if (m->raw)
        (void) tcsetattr(0, TCSADRAIN, &m->saved_tio); /* the user's terminal back */
}

/* hosts, resolv.conf, hostname and .containerenv, bound into the root;
 * written anew at every start (the run root may have been lost) */
static int
rundir_prepare(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    cleanup_free char *resolv = fs_read_all(AT_FDCWD, "/etc/resolv.conf", 1 << 16, NULL, NULL);
    cleanup_free char *hosts = NULL, *hostname = NULL, *env = NULL;
    cleanup_close int dfd = -1;
    struct {
        const char *name, *text;
    } files[4];

    if (m->rundir == NULL)
        m->rundir = engine_ctr_rundir(m->st, g->id);
    m->rootfs = xasprintf("%s/merged", m->rundir);
    if (fs_mkdir_p(m->rootfs, 0700, err) < 0)
        return -1;
    dfd = open(m->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", m->rundir);
    if (g->net == NETNS_HOST) {
        cleanup_free char *host = fs_read_all(AT_FDCWD, "/etc/hosts", 1 << 20, NULL, NULL);
        hosts = xasprintf("%s127.0.1.1\t%s %s\n", host ? host : "", g->hostname, g->name);
    } else {
        hosts = xasprintf("127.0.0.1\tlocalhost localhost.localdomain\n"
                          "::1\tlocalhost localhost.localdomain\n"
                          "127.0.1.1\t%s %s\n",
                          g->hostname, g->name);
    }
    hostname = xasprintf("%s\n", g->hostname);
    env = xasprintf("engine=\"%s\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\nimageid=\"%s\"\n"
                    "rootless=%d\n",
                    PCON_ENGINE_VERSION, g->name, g->id, g->image_name, g->image_id,
                    proc_in_userns() ? 1 : 0);
    files[0].name = "hosts", files[0].text = hosts;
    files[1].name = "resolv.conf", files[1].text = resolv ? resolv : "";
    files[2].name = "hostname", files[2].text = hostname;
    files[3].name = ".containerenv", files[3].text = env;
    for (size_t i = 0; i < 4; i++)
        if (fs_write_atomic(dfd, files[i].name, files[i].text, strlen(files[i].text), 0644, false,
                            err)
            < 0)
            return -1;
    return 0;
}

static int
plan_prepare(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    struct mount_plan_opts po = {
        .private_net = g->net != NETNS_HOST,
        .single_mapping = engine_userns_single_mapping(),
        .userdata = m->rundir,
    };

    for (size_t i = 0; g->volumes && g->volumes[i]; i++) {
        m->volumes = xrealloc(m->volumes, (m->nvolumes + 1) * sizeof *m->volumes);
        if (spec_volume_parse(g->volumes[i], &m->volumes[m->nvolumes], err) < 0)
            return -1;
        m->nvolumes++;
    }
    po.volumes = m->volumes;
    po.nvolumes = m->nvolumes;
    return engine_mounts_plan(&po, &m->plan, err);
}

/* The root is mounted by the init in its own mount namespace, and goes
 * with it; fuse-overlayfs is the exception: its daemon must outlive each
 * init of a restarting container, so the monitor mounts it, in a mount
 * namespace of its own. */
static int
rootfs_mount(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;

    if (storage_image_lookup(m->st, g->image_id, &m->img, err) < 0)
        return pcon_prefix(err, "image of container %.12s", g->id);
    m->st->driver = g->driver;
    if (g->driver != STORAGE_DRIVER_FUSE)
        return 0;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return pcon_fail(err, errno, "create the monitor's mount namespace");
    if (storage_rootfs_mount(m->st, &m->img, g->id, m->rootfs, g->rm, err) < 0)
        return -1;
    m->mounted = true;
    return 0;
}

static int
open_log(struct monitor *m, struct pcon_err *err)
{
    cleanup_free char *path = NULL;

    m->logfd = -1;
    if (m->c->cfg.log_driver != LOG_K8S_FILE)
        return 0;
    path = engine_ctr_log_path(m->st, m->c->cfg.id);
    m->logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m->logfd < 0)
        return pcon_fail(err, errno, "open log \"%s\"", path);
    return 0;
}

/* k8s-file: "<RFC3339Nano> stdout|stderr F|P <text>", F for a full line,
 * P for the part of one that has not ended yet */
static void
log_write(struct monitor *m, const char *stream, const char *buf, size_t len)
{
    long long max = m->c->cfg.log_max_size, size = 0;
    char ts[64];
    const char *p = buf, *end = buf + len;
    struct stat st;

    if (m->logfd < 0)
        return;
    if (max > 0 && fstat(m->logfd, &st) == 0)
        size = st.st_size;
    time_format_rfc3339(time_now_ns(), ts, sizeof ts);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        struct iovec iov[3];
        char head[96];
        int hl = snprintf(head, sizeof head, "%s %s %c ", ts, stream, nl ? 'F' : 'P');

        iov[0] = (struct iovec){ head, (size_t) hl };
        iov[1] = (struct iovec){ (void *) p, n };
        iov[2] = (struct iovec){ "\n", 1 };
        if (max > 0) {
            long long line = hl + (long long) n + 1;
            if (size + line > max) {
                (void) ftruncate(m->logfd, 0); /* the log starts over, as conmon's */
                size = 0;
            }
            size += line;
        }
        /* one writev per line: concurrent readers never see half a line */
        (void) !writev(m->logfd, iov, 3);
        p += n + (nl ? 1 : 0);
    }
}

/* reads what is there; returns false at EOF */
static bool
pump(struct monitor *m, int *fd, const char *stream, int echo_fd)
{
    char buf[65536];
    ssize_t n = read(*fd, buf, sizeof buf);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        /* a terminal answers EIO once its last user is gone */
        if (*fd != m->pty)
            close(*fd);
        *fd = -1;
        return false;
    }
    log_write(m, stream, buf, (size_t) n);
    if (m->echo)
        (void) fs_write_all(echo_fd, buf, (size_t) n); /* a closed stdout is the user's choice */
    return true;
}

/* the terminal of the container takes the size of ours */
static void
tty_size_copy(struct monitor *m)
{
    struct winsize ws;

    if (m->pty >= 0 && m->echo && ioctl(0, TIOCGWINSZ, &ws) == 0)
        (void) ioctl(m->pty, TIOCSWINSZ, &ws); /* cosmetic */
}

static pid_t
clone_init(const struct ctr_config *g)
{
    struct clone_args args = {
        .flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC
                 | (g->net == NETNS_HOST ? 0 : CLONE_NEWNET),
        .exit_signal = SIGCHLD,
    };

    return (pid_t) syscall(SYS_clone3, &args, sizeof args);
}

/* Clones the init and waits for its execve; on failure the child's own
 * error comes back (exit 126/127 kinds). */
static int
spawn_init(struct monitor *m, bool pipes, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    struct init_config ic = {
        .rootfs = m->rootfs,
        .st = m->mounted ? NULL : m->st,
        .img = &m->img,
        .id = g->id,
        .ephemeral = g->rm,
        .plan = &m->plan,
        .hostname = g->hostname,
        .private_net = g->net != NETNS_HOST,
        .proc = {
            .args = g->args,
            .env = g->env,
            .user = g->user,
            .workdir = g->workdir,
            .interactive = g->interactive && m->echo,
            .tty = g->tty,
            .single_mapping = engine_userns_single_mapping(),
            .sigmask = m->oldmask,
            .stdio = { -1, -1, -1 },
        },
    };
    int sv[2], outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, inp[2] = { -1, -1 };
    pid_t pid;

    pipes = pipes && !g->tty; /* a terminal carries the output itself */
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create the sync socket");
    if (pipes && (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)) {
        pcon_fail(err, errno, "create the output pipes");
        goto fail;
    }
    ic.proc.syncfd = sv[1];
    ic.proc.stdio[1] = outp[1];
    ic.proc.stdio[2] = errp[1];
    if (m->listen_fd >= 0 && !g->tty) {
        if (pipe2(inp, O_CLOEXEC) < 0) {
            pcon_fail(err, errno, "create the stdin pipe");
            goto fail;
        }
        ic.proc.stdio[0] = inp[0];
    }
    pid = clone_init(g);
    if (pid < 0) {
        pcon_fail(err, errno, "create the container process");
        goto fail;
    }
    if (pid == 0) {
        close(sv[0]);
        engine_init_main(&ic);
    }
    close(sv[1]);
    sv[1] = -1;
    if (pipes) {
        close(outp[1]);
        close(errp[1]);
        m->out_r = outp[0];
        m->err_r = errp[0];
    }
    if (inp[0] >= 0) {
        close(inp[0]);
        if (m->stdin_w >= 0)
            close(m->stdin_w);
        m->stdin_w = inp[1];
    }
    if (engine_process_sync(sv[0], &m->pty, err) < 0) {
        close(sv[0]);
        (void) proc_wait_exit(pid, NULL);
        return -1;
    }
    close(sv[0]);
    if (m->pty >= 0) {
        m->out_r = m->pty;
        tty_size_copy(m);
        if (m->listen_fd >= 0) {
            /* attach clients type into the terminal */
            if (m->stdin_w >= 0)
                close(m->stdin_w);
            m->stdin_w = fcntl(m->pty, F_DUPFD_CLOEXEC, 3);
        }
    }
    m->pid = pid;
    return 0;
fail:
    for (int *fd = (int[]){ sv[0], sv[1], outp[0], outp[1], errp[0], errp[1], inp[0], inp[1] },
             i = 0;
         i < 8; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return -1;
}

/* The attach socket of a detached -i container: rundir/attach, bound
 * through /proc/self/fd so that a long run root stays within sun_path. */
static int
attach_listen(struct monitor *m, struct pcon_err *err)
{
    cleanup_close int dfd = open(m->rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (dfd < 0 || fd < 0)
        return pcon_fail(err, errno, "create the attach socket");
    (void) unlinkat(dfd, "attach", 0); /* a stale one from an earlier start */
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/attach", dfd);
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 4) < 0)
        return pcon_fail(err, errno, "listen on the attach socket");
    m->listen_fd = steal_fd(&fd);
    return 0;
}

/* an attach client's stdin goes to the container's; its end is the
 * container's stdin ending */
static void
attach_events(struct monitor *m, struct pollfd *pf)
{
    if (pf[0].revents) {
        int c = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        struct ucred cred;
        socklen_t cl = sizeof cred;
        bool placed = false;

        /* only our own user: the socket's directory is private anyway */
        if (c >= 0 && getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0
            && cred.uid == getuid())
            for (size_t i = 0; i < 4 && !placed; i++)
                if (m->clients[i] < 0) {
                    m->clients[i] = c;
                    placed = true;
                }
        if (c >= 0 && !placed)
            close(c);
    }
    for (size_t i = 0; i < 4; i++) {
        char buf[16384];
        ssize_t n;

        if (m->clients[i] < 0 || !pf[1 + i].revents)
            continue;
        n = read(m->clients[i], buf, sizeof buf);
        if (n > 0 && m->stdin_w >= 0) {
            (void) fs_write_all(m->stdin_w, buf, (size_t) n); /* the container may be gone */
            continue;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        close(m->clients[i]);
        m->clients[i] = -1;
        if (n == 0 && m->stdin_w >= 0 && m->pty < 0) {
            close(m->stdin_w); /* EOF for the container */
            m->stdin_w = -1;
        }
    }
}

static int
state_running(struct monitor *m, struct pcon_err *err)
{
    struct container *c = m->c;
    cleanup_close int lock = engine_ctr_lock(m->st, c->cfg.id, err);
    char now[64];

    if (lock < 0)
        return -1;
    engine_ctr_state_reload(m->st, c, NULL);
    m->started_ns = time_now_ns();
    time_format_rfc3339(m->started_ns, now, sizeof now);
    free(c->state.started_at);
    free(c->state.finished_at);
    c->state.started_at = xstrdup(now);
    c->state.finished_at = NULL;
    c->state.status = CTR_RUNNING;
    c->state.pid = m->pid;
    c->state.exit_code = -1;
    c->state.stopped_by_user = false;
    if (proc_starttime(m->pid, &c->state.pid_start) < 0)
        c->state.pid_start = 0;
    c->state.monitor = getpid();
    if (proc_starttime(getpid(), &c->state.monitor_start) < 0)
        c->state.monitor_start = 0;
    return engine_ctr_state_save(m->st, c, false, err);
}

/* Records the exit; returns true when the restart policy starts it again. */
static bool
state_exited(struct monitor *m, int code)
{
    struct container *c = m->c;
    cleanup_close int lock = engine_ctr_lock(m->st, c->cfg.id, NULL);
    char now[64];
    bool again = false;

    engine_ctr_state_reload(m->st, c, NULL);
    time_format_rfc3339(time_now_ns(), now, sizeof now);
    free(c->state.finished_at);
    c->state.finished_at = xstrdup(now);
    c->state.exit_code = code;
    c->state.pid = 0;
    switch (c->cfg.restart) {
    case RESTART_NO:
        break;
    case RESTART_ON_FAILURE:
        again = code != 0 && !c->state.stopped_by_user
                && (c->cfg.restart_max == 0 || c->state.restart_count < c->cfg.restart_max);
        break;
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
        again = !c->state.stopped_by_user;
        break;
    }
    c->state.status = again ? CTR_RUNNING : CTR_EXITED;
    if (again)
        c->state.restart_count++;
    else
        c->state.monitor = 0;
    (void) engine_ctr_state_save(m->st, c, !c->cfg.rm, NULL); /* best effort: ps shows truth */
    return again;
}

/* The init never ran (exec failed: 126/127): exited, no restart. */
static void
state_failed(struct monitor *m, int code)
{
    struct container *c = m->c;
    cleanup_close int lock = engine_ctr_lock(m->st, c->cfg.id, NULL);
    char now[64];

    engine_ctr_state_reload(m->st, c, NULL);
    time_format_rfc3339(time_now_ns(), now, sizeof now);
    free(c->state.finished_at);
    c->state.finished_at = xstrdup(now);
    c->state.status = CTR_EXITED;
    c->state.exit_code = code;
    c->state.pid = 0;
    c->state.monitor = 0;
    (void) engine_ctr_state_save(m->st, c, false, NULL); /* best effort: ps shows truth */
}

static int
failure_code(const struct pcon_err *err)
{
    if (err->kind != PCON_ERR_EXEC)
        return 125;
    return err->errnum == ENOENT ? 127 : 126;
}

/* Waits for the init, passing output on and signals through; returns its
 * exit code. */
static int
monitor_wait(struct monitor *m)
{
    int64_t deadline =
        m->c->cfg.timeout > 0 ? m->started_ns + (int64_t) m->c->cfg.timeout * 1000000000LL : 0;
    bool exited = false, timed_out = false;
    int code = -1;

    for (;;) {
        struct pollfd pf[9] = {
            { m->sigfd, POLLIN, 0 },      { m->out_r, POLLIN, 0 },
            { m->err_r, POLLIN, 0 },      { exited ? -1 : m->in_r, POLLIN, 0 },
            { m->listen_fd, POLLIN, 0 },  { m->clients[0], POLLIN, 0 },
            { m->clients[1], POLLIN, 0 }, { m->clients[2], POLLIN, 0 },
            { m->clients[3], POLLIN, 0 },
        };
        int timeout = -1;

        if (exited && m->out_r < 0 && m->err_r < 0)
            return code;
        if (deadline && !exited && !timed_out) {
            int64_t left = deadline - time_now_ns();
            if (left <= 0) {
                (void) kill(m->pid, SIGKILL); /* --timeout ran out */
                timed_out = true;
            } else {
                timeout = (int) (left / 1000000) + 1;
            }
        }
        if (poll(pf, 9, timeout) < 0) {
            if (errno == EINTR)
                continue;
            return code;
        }
        if (pf[1].revents)
            pump(m, &m->out_r, "stdout", 1);
        if (pf[2].revents)
            pump(m, &m->err_r, "stderr", 2);
        if (m->listen_fd >= 0)
            attach_events(m, pf + 4);
        if (pf[3].revents) {
            char buf[4096];
            ssize_t n = read(m->in_r, buf, sizeof buf);
            if (n > 0)
                (void) fs_write_all(m->pty, buf, (size_t) n); /* the container may be gone */
            else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                m->in_r = -1; /* our stdin ended */
        }
        if (pf[0].revents) {
            struct signalfd_siginfo si;
            if (read(m->sigfd, &si, sizeof si) != (ssize_t) sizeof si)
                continue;
            if (si.ssi_signo == SIGWINCH && m->pty >= 0) {
                tty_size_copy(m);
                continue;
            }
            if (si.ssi_signo != SIGCHLD) {
                if (m->sig_proxy && !exited)
                    (void) kill(m->pid, (int) si.ssi_signo); /* it may be gone already */
                continue;
            }
            for (;;) {
                int status;
                pid_t r = waitpid(-1, &status, WNOHANG);
                if (r <= 0)
                    break;
                if (r == m->pid) {
                    exited = true;
                    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
            }
        }
    }
}

static int
signals_block(struct monitor *m, struct pcon_err *err)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < sizeof proxied_signals / sizeof proxied_signals[0]; i++)
        sigaddset(&set, proxied_signals[i]);
    /* blocked before the clone: a signal arriving now is proxied, not lost */
    if (sigprocmask(SIG_BLOCK, &set, &m->oldmask) < 0)
        return pcon_fail(err, errno, "block signals");
    m->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m->sigfd < 0)
        return pcon_fail(err, errno, "create signalfd");
    return 0;
}

/* Everything up to a running init. ready_fd (detached) hears the result. */
static int
monitor_begin(struct monitor *m, bool pipes, struct pcon_err *err)
{
    if (rundir_prepare(m, err) < 0 || plan_prepare(m, err) < 0 || open_log(m, err) < 0)
        return -1;
    if (rootfs_mount(m, err) < 0)
        return -1;
    if (signals_block(m, err) < 0)
        return -1;
    if (spawn_init(m, pipes, err) < 0)
        return -1;
    return state_running(m, err);
}

/* After the last exit: unmount, and remove a --rm container. */
static void
monitor_end(struct monitor *m)
{
    if (m->mounted)
        (void) storage_rootfs_unmount(m->rootfs, NULL); /* the namespace dies with us anyway */
    if (m->c->cfg.rm) {
        cleanup_close int lock = engine_ctr_lock(m->st, m->c->cfg.id, NULL);
        (void) engine_ctr_remove_files(m->st, m->c, NULL); /* best effort, like podman */
    }
}

static int
monitor_loop(struct monitor *m, bool pipes)
{
    for (;;) {
        struct pcon_err err = { 0 };
        int code = monitor_wait(m);

        if (!state_exited(m, code))
            return code;
        /* the restart policy: same root, new init */
        usleep(100000);
        if (m->pty >= 0) {
            close(m->pty);
            m->pty = -1;
        }
        if (spawn_init(m, pipes, &err) < 0 || state_running(m, &err) < 0) {
            pcon_err_clear(&err);
            (void) state_exited(m, 125);
            return 125;
        }
    }
}

/* The detached monitor's process. */
__attribute__((noreturn)) static void
monitor_detached(struct monitor *m, int ready_fd)
{
    struct pcon_err err = { 0 };
    struct init_msg msg = { 0 };
    int nullfd;

    /* its own session: the terminal closing does not reach it */
    if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        pcon_fail(&err, errno, "detach the monitor");
        goto fail;
    }
    (void) prctl(PR_SET_NAME, "pcon-monitor", 0, 0, 0);
    /* nothing of the caller's may stay open: a pipe held here would keep
     * `$(pcon run -d ...)` waiting forever */
    {
        int keep[] = { ready_fd,          m->st->root_dfd,   m->st->run_dfd,
                       m->st->layers_dfd, m->st->images_dfd, m->st->containers_dfd };
        if (proc_close_fds_except(keep, sizeof keep / sizeof keep[0]) < 0) {
            pcon_fail(&err, errno, "close the caller's file descriptors");
            goto fail;
        }
    }
    nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (nullfd < 0 || dup2(nullfd, 0) < 0
        || (m->c->cfg.log_driver != LOG_PASSTHROUGH
            && (dup2(nullfd, 1) < 0 || dup2(nullfd, 2) < 0))) {
        pcon_fail(&err, errno, "detach the monitor's stdio");
        goto fail;
    }
    close(nullfd);
    if (m->c->cfg.interactive) {
        m->rundir = engine_ctr_rundir(m->st, m->c->cfg.id);
        if (fs_mkdir_p(m->rundir, 0700, &err) < 0 || attach_listen(m, &err) < 0)
            goto fail;
    }
    if (monitor_begin(m, m->c->cfg.log_driver != LOG_PASSTHROUGH, &err) < 0)
        goto fail;
    (void) !write(ready_fd, &msg, 1); /* started */
    close(ready_fd);
    monitor_loop(m, m->c->cfg.log_driver != LOG_PASSTHROUGH);
    monitor_end(m);
    _exit(0);
fail:
    msg.errnum = err.errnum;
    msg.kind = (int) err.kind;
    snprintf(msg.text, sizeof msg.text, "%s", err.msg ? err.msg : "start failed");
    (void) !write(ready_fd, &msg, sizeof msg); /* the starter reports it */
    state_failed(m, failure_code(&err));
    monitor_end(m);
    _exit(1);
}

int
engine_ctr_start(struct store *st, struct container *c, const struct engine_start_opts *so,
                 int *exit_code, struct pcon_err *err)
{
    struct monitor m = { .st = st,
                         .c = c,
                         .out_r = -1,
                         .err_r = -1,
                         .logfd = -1,
                         .sigfd = -1,
                         .pty = -1,
                         .in_r = -1,
                         .stdin_w = -1,
                         .listen_fd = -1,
                         .clients = { -1, -1, -1, -1 } };
    int ret = -1;

    if (c->state.status == CTR_RUNNING || c->state.status == CTR_STOPPING
        || c->state.status == CTR_PAUSED) {
        if (so->detach) {
            *exit_code = 0;
            return 0; /* already running: nothing to do, as podman */
        }
        return pcon_fail(err, 0, "container %s is already running", c->cfg.name);
    }
    if (so->detach) {
        int p[2];
        struct init_msg msg;
        ssize_t n;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
            return pcon_fail(err, errno, "create pipe");
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
            close(p[0]);
            close(p[1]);
            return pcon_fail(err, errno, "fork the monitor");
        }
        if (pid == 0) {
            close(p[0]);
            monitor_detached(&m, p[1]);
        }
        close(p[1]);
        n = TEMP_FAILURE_RETRY_INT(read(p[0], &msg, sizeof msg));
        close(p[0]);
        if (n == 1) {
            *exit_code = 0;
            return engine_ctr_state_reload(st, c, err);
        }
        if (n == (ssize_t) sizeof msg) {
            msg.text[sizeof msg.text - 1] = '\0';
            return pcon_fail_kind(err, (enum pcon_errkind) msg.kind, msg.errnum, "%s", msg.text);
        }
        return pcon_fail(err, 0, "the monitor of %.12s exited before the container started",
                         c->cfg.id);
    }
    /* foreground: this process is the monitor; the log needs pipes, a
     * --rm or unlogged container gets our stdio itself */
    m.echo = true;
    m.sig_proxy = so->sig_proxy;
    bool pipes = c->cfg.log_driver == LOG_K8S_FILE && !c->cfg.rm;
    if (monitor_begin(&m, pipes, err) < 0) {
        state_failed(&m, failure_code(err));
        monitor_end(&m);
        goto out;
    }
    if (m.pty >= 0 && c->cfg.interactive) {
        /* keys go to the container's terminal as they are typed */
        if (isatty(0) && tcgetattr(0, &m.saved_tio) == 0) {
            struct termios raw = m.saved_tio;
            cfmakeraw(&raw);
            m.raw = tcsetattr(0, TCSANOW, &raw) == 0;
        }
        m.in_r = 0;
    }
    *exit_code = monitor_loop(&m, pipes);
    monitor_end(&m);
    ret = 0;
out:
    if (m.sigfd >= 0)
        (void) sigprocmask(SIG_SETMASK, &m.oldmask, NULL);
    monitor_free(&m);
    return ret;
}
