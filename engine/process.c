// SPDX-License-Identifier: Apache-2.0
/* A process entering a container: identity, capabilities, environment,
 * terminal, execve; failures go home on the sync socket. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "caps.h"
#include "confine.h"
#include "process.h"
#include "spec.h"

#define MAX_GROUPS 64

void
engine_process_fail(int syncfd, const struct pcon_err *err, int code)
{
    struct init_msg m = { .errnum = err->errnum, .kind = (int) err->kind };

    snprintf(m.text, sizeof m.text, "%s", err->msg ? err->msg : "container setup failed");
    (void) !write(syncfd, &m, sizeof m); /* nothing more to do if the parent is gone */
    _exit(code);
}

/* the bounding set cut to keep */
static int
caps_bound(uint64_t keep, struct pcon_err *err)
{
    int last = engine_cap_last();

    for (int cap = 0; cap <= last; cap++)
        if (!(keep & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0
            && errno != EINVAL)
            return pcon_fail(err, errno, "drop capability %d", cap);
    return 0;
}

/* effective and permitted (and inheritable, for ambient ones) */
static int
caps_set(uint64_t set, uint64_t inheritable, struct pcon_err *err)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = { { 0 } };

    for (int i = 0; i < 2; i++) {
        data[i].effective = data[i].permitted = (uint32_t) (set >> (32 * i));
        data[i].inheritable = (uint32_t) (inheritable >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        return pcon_fail(err, errno, "set capabilities");
    return 0;
}

/* no_new_privs and the seccomp filter: loaded while the process still has
 * CAP_SYS_ADMIN in its user namespace (the filter then needs no
 * no_new_privs), so the profile must allow what follows: setgroups,
 * setresuid, capset, execve (podman's does) */
static int
confine(const struct engine_process *p, struct pcon_err *err)
{
    struct sock_fprog prog = { (unsigned short) (p->seccomp_len / sizeof(struct sock_filter)),
                               (struct sock_filter *) p->seccomp };

    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return pcon_fail(err, errno, "set no_new_privs");
    if (p->seccomp && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        return pcon_fail(err, errno, "load the seccomp filter");
    return 0;
}

/* a non-root user's added capabilities, kept across exec as ambient ones
 * (podman's way); called after setresuid, with PR_SET_KEEPCAPS */
static int
caps_ambient(uint64_t added, struct pcon_err *err)
{
    if (caps_set(added, added, err) < 0)
        return -1;
    for (int cap = 0; cap < 64; cap++)
        if ((added & (UINT64_C(1) << cap))
            && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return pcon_fail(err, errno, "raise ambient capability %d", cap);
    return 0;
}

/* A terminal from the container's own devpts: the slave becomes the
 * controlling terminal on 0, 1, 2 (owned by the process's user), the master
 * goes home. */
static int
tty_setup(const struct engine_process *p, uid_t uid, struct pcon_err *err)
{
    cleanup_close int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    cleanup_close int slave = -1;
    struct init_msg m = { .kind = INIT_MSG_PTY };
    char name[64];

    if (master < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0)
        return pcon_fail(err, errno, "allocate a terminal");
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return pcon_fail(err, errno, "open terminal %s", name);
    if (fchown(slave, uid, (gid_t) -1) < 0 && errno != EINVAL)
        return pcon_fail(err, errno, "give terminal %s to uid %u", name, (unsigned) uid);
    if (fdpass_send(p->syncfd, &m, sizeof m, master) < 0)
        return pcon_fail(err, errno, "pass the terminal on");
    if (ioctl(slave, TIOCSCTTY, 0) < 0) /* a session of its own already */
        return pcon_fail(err, errno, "make %s the controlling terminal", name);
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0)
            return pcon_fail(err, errno, "set up the terminal");
    return 0;
}

static int
stdio_setup(const struct engine_process *p, struct pcon_err *err)
{
    for (int i = 0; i < 3; i++)
        if (p->stdio[i] >= 0 && dup2(p->stdio[i], i) < 0)
            return pcon_fail(err, errno, "set up stdio");
    if (!p->interactive && p->stdio[0] < 0) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || dup2(fd, 0) < 0)
            return pcon_fail(err, errno, "redirect stdin");
        close(fd);
    }
    return 0;
}

/* Who the process runs as, from the container's own /etc (never the
 * host's NSS); the terminal is set up on the way, before the privileges
 * to own it are gone. */
static int
identity_apply(const struct engine_process *p, char **home, struct pcon_err *err)
{
    cleanup_free char *pw = fs_read_all(AT_FDCWD, "/etc/passwd", 4 << 20, NULL, NULL);
    cleanup_free char *gr = fs_read_all(AT_FDCWD, "/etc/group", 4 << 20, NULL, NULL);
    gid_t groups[MAX_GROUPS];
    int ngroups = MAX_GROUPS;
    uid_t uid;
    gid_t gid;

    if (engine_spec_user_resolve(p->user, pw, gr, &uid, &gid, home, groups, &ngroups, err) < 0)
        return -1;
    /* keep-groups: the invoking user's supplementary groups, as the process
     * inherited them (those pcon's namespace does not map show as 65534) */
    bool keep_groups = strv_contains(p->group_add, "keep-groups");

    for (size_t i = 0; !keep_groups && p->group_add && p->group_add[i]; i++) {
        gid_t extra;
        bool have = false;
        if (engine_spec_group_resolve(p->group_add[i], gr, &extra, err) < 0)
            return -1;
        for (int k = 0; k < ngroups; k++)
            have |= groups[k] == extra;
        if (!have && ngroups < MAX_GROUPS)
            groups[ngroups++] = extra;
    }
    if (engine_ulimits_apply(p->ulimits, err) < 0)
        return -1;
    if (p->tty ? tty_setup(p, uid, err) < 0 : stdio_setup(p, err) < 0)
        return -1;
    /* root keeps the container's set; the inheritable set stays empty:
     * with it, a file's inheritable capabilities would grant a non-root
     * user of the container what its bounding set allows (CVE-2022-27649).
     * A non-root uid loses its capabilities with setresuid, but those
     * --cap-add gave it (ambient). */
    if (caps_bound(p->caps, err) < 0 || confine(p, err) < 0)
        return -1;
    if (uid != 0 && p->caps_added && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return pcon_fail(err, errno, "keep capabilities");
    /* with a single mapping setgroups is denied: keep the (one) group */
    if (!p->single_mapping && !keep_groups && setgroups((size_t) ngroups, groups) < 0)
        return pcon_fail(err, errno, "set supplementary groups");
    if (setresgid(gid, gid, gid) < 0)
        return pcon_fail(err, errno, "set gid %u", (unsigned) gid);
    if (setresuid(uid, uid, uid) < 0)
        return pcon_fail(err, errno, "set uid %u", (unsigned) uid);
    /* the sets last: setgroups and setresgid needed CAP_SETGID */
    if (uid == 0 && caps_set(p->caps, 0, err) < 0)
        return -1;
    if (uid != 0 && p->caps_added && caps_ambient(p->caps_added, err) < 0)
        return -1;
    return 0;
}

/* execve with the container's PATH; ENOENT everywhere -> 127, anything
 * else -> 126 */
static int
exec_args(char **args, char **env, struct pcon_err *err)
{
    int e = proc_execvpe(args[0], args, env, engine_spec_env_get(env, "PATH"));

    if (e == ENOENT && strchr(args[0], '/') == NULL)
        return pcon_fail_kind(err, PCON_ERR_EXEC, ENOENT, "executable file `%s` not found in $PATH",
                              args[0]);
    return pcon_fail_kind(err, PCON_ERR_EXEC, e, "exec \"%s\"", args[0]);
}

void
engine_process_exec(const struct engine_process *p)
{
    struct pcon_err err = { 0 };
    cleanup_free char *home = NULL;
    char **env = strv_dup(p->env);
    int keep[] = { p->syncfd, p->stdio[0], p->stdio[1], p->stdio[2] };

    /* Nothing of pcon's stays open past this point, not even until execve:
     * another process of the container could reach it through /proc. */
    if (proc_close_fds_from_except(3 + p->listen_fds, keep, sizeof keep / sizeof keep[0]) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        engine_process_fail(p->syncfd, &err, 125);
    }
    /* A session of its own, always: in the caller's, the container could
     * open /dev/tty and push keystrokes into the user's shell (TIOCSTI) or
     * read them. With -t the terminal is its own (tty_setup). */
    if (setsid() < 0) {
        pcon_fail(&err, errno, "create a session");
        engine_process_fail(p->syncfd, &err, 125);
    }
    /* the execution domain first: the seccomp profile allows the call with
     * the common domains only */
    if (p->personality >= 0 && personality((unsigned long) p->personality) < 0) {
        pcon_fail(&err, errno, "set the personality");
        engine_process_fail(p->syncfd, &err, 125);
    }
    if (identity_apply(p, &home, &err) < 0)
        engine_process_fail(p->syncfd, &err, 125);
    if (engine_spec_env_get(env, "HOME") == NULL) {
        cleanup_free char *kv = xasprintf("HOME=%s", home);
        engine_spec_env_set(&env, kv, NULL);
    }
    (void) umask(p->umask >= 0 ? (mode_t) p->umask : 0022);
    if (chdir(p->workdir ? p->workdir : "/") < 0) {
        pcon_fail_kind(&err, PCON_ERR_EXEC, errno, "change to workdir \"%s\"", p->workdir);
        engine_process_fail(p->syncfd, &err, 126);
    }
    /* the sync socket and the stdio originals go with execve */
    if (syscall(SYS_close_range, 3 + p->listen_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        engine_process_fail(p->syncfd, &err, 125);
    }
    /* a socket-activated service's sockets are the container's */
    for (unsigned i = 0; i < p->listen_fds; i++)
        if (fcntl(3 + (int) i, F_SETFD, 0) < 0) {
            pcon_fail(&err, errno, "pass on socket activation's fd %u", 3 + i);
            engine_process_fail(p->syncfd, &err, 125);
        }
    /* initialized: everything done but the command, which waits for its
     * start (signals still blocked: only SIGKILL ends it now) */
    if (p->hold) {
        struct init_msg m = { .kind = INIT_MSG_HELD };
        if (TEMP_FAILURE_RETRY_INT(write(p->syncfd, &m, sizeof m)) != (ssize_t) sizeof m
            || TEMP_FAILURE_RETRY_INT(read(p->syncfd, &m, sizeof m)) != (ssize_t) sizeof m
            || m.kind != INIT_MSG_GO)
            _exit(125); /* its monitor is gone */
    }
    if (sigprocmask(SIG_SETMASK, &p->sigmask, NULL) < 0) {
        pcon_fail(&err, errno, "restore the signal mask");
        engine_process_fail(p->syncfd, &err, 125);
    }
    exec_args(p->args, env, &err);
    engine_process_fail(p->syncfd, &err, err.errnum == ENOENT ? 127 : 126);
}

int
engine_process_sync(int syncfd, int *pty, struct pcon_err *err)
{
    *pty = -1;
    for (;;) {
        struct init_msg m;
        int fd;
        ssize_t n = fdpass_recv(syncfd, &m, sizeof m, &fd, 0);

        if (fd >= 0 && (n != (ssize_t) sizeof m || m.kind != INIT_MSG_PTY))
            close(fd); /* only the terminal comes with an fd */
        if (n == 0)
            return 0; /* EOF: execve closed the child's end */
        if (n != (ssize_t) sizeof m) {
            if (*pty >= 0)
                close(*pty);
            *pty = -1;
            return pcon_fail(err, n < 0 ? errno : EPROTO, "read from the container process");
        }
        if (m.kind == INIT_MSG_PTY) {
            if (fd >= 0)
                *pty = fd;
            continue;
        }
        if (m.kind == INIT_MSG_HELD)
            return 1;
        if (*pty >= 0)
            close(*pty);
        *pty = -1;
        m.text[sizeof m.text - 1] = '\0';
        return pcon_fail_kind(err, (enum pcon_errkind) m.kind, m.errnum, "%s", m.text);
    }
}
