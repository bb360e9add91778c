// SPDX-License-Identifier: Apache-2.0
/* The pause process: creation with newuidmap/newgidmap mappings from
 * libsubid's ranges, detection of a stale one, and joining it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <shadow/subid.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/dynlib.h"
#include "../lib/fsutil.h"
#include "../lib/lock.h"
#include "../lib/log.h"
#include "../lib/proc.h"
#include "idmap.h"
#include "userns.h"

#define PAUSE_PID_FILE "pause.pid"
#define PAUSE_GONE     (-2)

struct pause_ref {
    pid_t pid;
    unsigned long long starttime;
};

static int
pause_read(int rundfd, struct pause_ref *ref)
{
    cleanup_free char *text = fs_read_all(rundfd, PAUSE_PID_FILE, 128, NULL, NULL);
    int pid;

    if (text == NULL || sscanf(text, "%d %llu", &pid, &ref->starttime) != 2 || pid <= 0)
        return -1;
    ref->pid = pid;
    return 0;
}

void
engine_userns_pause_stop(const char *runroot)
{
    cleanup_close int dfd = open(runroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct pause_ref ref;

    if (dfd >= 0 && pause_read(dfd, &ref) == 0 && proc_alive(ref.pid, ref.starttime))
        (void) kill(ref.pid, SIGKILL); /* it holds namespaces, nothing to save */
}

struct subid_api {
    int (*get_uid_ranges)(const char *owner, struct subid_range **ranges);
    int (*get_gid_ranges)(const char *owner, struct subid_range **ranges);
};

/* libsubid is opened here, the one place that needs it: linked, its shadow
 * dependencies would load into every pcon command. */
static struct subid_api subid_fns;
static const struct dynlib_sym subid_syms[] = {
    DYNLIB_SYM("subid_get_uid_ranges", subid_fns.get_uid_ranges),
    DYNLIB_SYM("subid_get_gid_ranges", subid_fns.get_gid_ranges),
    { NULL, NULL },
};
static const char *const subid_names[] = { "libsubid.so.4", NULL };
static struct dynlib subid_lib = { subid_names, subid_syms, NULL };

/* Returns ids ranges of this user from libsubid, or 0 ranges. */
static int
subid_ranges(bool uid, struct idrange *out, size_t max)
{
    struct passwd *pw = getpwuid(getuid());
    cleanup_err struct pcon_err err = { 0 };
    struct subid_range *r = NULL;
    int n;
    size_t k = 0;

    if (pw == NULL)
        return 0;
    if (dynlib_load(&subid_lib, &err) < 0) {
        pcon_warn("%s", err.msg);
        return 0;
    }
    n = (uid ? subid_fns.get_uid_ranges : subid_fns.get_gid_ranges)(pw->pw_name, &r);
    for (int i = 0; i < n && k < max; i++)
        out[k++] = (struct idrange){ r[i].start, r[i].count };
    free(r);
    return (int) k;
}

int
engine_subid_ranges_of(const char *owner, bool uid, struct idrange *out, size_t max,
                       struct pcon_err *err)
{
    struct subid_range *r = NULL;
    int n;
    size_t k = 0;

    if (dynlib_load(&subid_lib, err) < 0)
        return -1;
    n = (uid ? subid_fns.get_uid_ranges : subid_fns.get_gid_ranges)(owner, &r);
    for (int i = 0; i < n && k < max; i++)
        out[k++] = (struct idrange){ r[i].start, r[i].count };
    free(r);
    if (k == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "no %s ranges found for user \"%s\" in %s",
                              uid ? "subuid" : "subgid", owner,
                              uid ? "/etc/subuid" : "/etc/subgid");
    return (int) k;
}

static int
write_proc_file(pid_t pid, const char *file, const char *text, struct pcon_err *err)
{
    char path[64];
    cleanup_close int fd = -1;

    snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || fs_write_all(fd, text, strlen(text)) < 0)
        return pcon_fail(err, errno, "write %s", path);
    return 0;
}

/* Writes the child's maps: through the setuid helpers with the subordinate
 * ranges, or the caller's own id alone. */
static int
pause_write_maps(pid_t pid, struct pcon_err *err)
{
    struct idrange ur[IDMAP_MAX], gr[IDMAP_MAX];
    int nu = subid_ranges(true, ur, IDMAP_MAX - 2);
    int ng = subid_ranges(false, gr, IDMAP_MAX - 2);
    struct idmap um, gm;
    cleanup_strv char **uargv = NULL;
    cleanup_strv char **gargv = NULL;
    char line[64];

    if (nu > 0 && ng > 0) {
        if (engine_idmap_build(getuid(), ur, (size_t) nu, &um, err) < 0
            || engine_idmap_build(getgid(), gr, (size_t) ng, &gm, err) < 0)
            return -1;
        uargv = engine_idmap_helper_argv("newuidmap", pid, &um);
        gargv = engine_idmap_helper_argv("newgidmap", pid, &gm);
        if (proc_run(uargv, err) < 0 || proc_run(gargv, err) < 0)
            return pcon_prefix(err, "set up the user namespace mappings");
        return 0;
    }
    pcon_warn("no subuid/subgid ranges for the current user in /etc/subuid and /etc/subgid:"
              " using a single id mapping, files owned by other ids cannot be created");
    snprintf(line, sizeof line, "0 %u 1\n", (unsigned) getuid());
    if (write_proc_file(pid, "uid_map", line, err) < 0)
        return -1;
    /* an unprivileged gid_map needs setgroups disabled first */
    if (write_proc_file(pid, "setgroups", "deny", err) < 0)
        return -1;
    snprintf(line, sizeof line, "0 %u 1\n", (unsigned) getgid());
    return write_proc_file(pid, "gid_map", line, err);
}

/* The pause process itself: holds the namespaces and sleeps. */
__attribute__((noreturn)) static void
pause_main(int syncfd)
{
    char c;
    int nullfd;

    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        _exit(1);
    if (write(syncfd, "u", 1) != 1)
        _exit(1);
    /* the parent writes the maps, then answers */
    if (read(syncfd, &c, 1) != 1 || c != 'm')
        _exit(1);
    /* mounts made by pcon stay in this namespace; host mounts still arrive */
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        _exit(1);
    if (setsid() < 0 || chdir("/") < 0)
        _exit(1);
    nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 || dup2(nullfd, 2) < 0)
        _exit(1);
    if (write(syncfd, "r", 1) != 1)
        _exit(1);
    (void) syscall(SYS_close_range, 3, ~0U, 0); /* nothing else may stay open */
    (void) prctl(PR_SET_NAME, "pcon-pause", 0, 0, 0);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    for (;;)
        pause();
}

static int
pause_create(int rundfd, struct pause_ref *ref, struct pcon_err *err)
{
    int sv[2];
    cleanup_close int fd = -1;
    char c, buf[64];
    pid_t pid;
    int n;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create socket pair");
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, errno, "fork the pause process");
    }
    if (pid == 0) {
        close(sv[0]);
        pause_main(sv[1]);
    }
    close(sv[1]);
    fd = sv[0];
    if (read(fd, &c, 1) != 1 || c != 'u') {
        pcon_fail(err, errno, "create the user namespace");
        goto kill_child;
    }
    if (pause_write_maps(pid, err) < 0)
        goto kill_child;
    if (write(fd, "m", 1) != 1 || read(fd, &c, 1) != 1 || c != 'r') {
        pcon_fail(err, errno, "start the pause process");
        goto kill_child;
    }
    ref->pid = pid;
    if (proc_starttime(pid, &ref->starttime) < 0) {
        pcon_fail(err, errno, "read the pause process start time");
        goto kill_child;
    }
    n = snprintf(buf, sizeof buf, "%d %llu\n", (int) pid, ref->starttime);
    if (fs_write_atomic(rundfd, PAUSE_PID_FILE, buf, (size_t) n, 0600, false, err) < 0)
        goto kill_child;
    return 0;

kill_child:
    (void) kill(pid, SIGKILL); /* setup failed: nothing to keep */
    (void) waitpid(pid, NULL, 0);
    return -1;
}

static bool
same_ns(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev
           && sa.st_ino == sb.st_ino;
}

/* Opens the namespaces of ref, checking that the pid was not recycled
 * (the start time is checked after the open, so the fds are the right
 * process's). Returns 1 when already inside, 0 when joined, PAUSE_GONE
 * when the process is gone, -1 on error. */
static int
pause_join(const struct pause_ref *ref, struct pcon_err *err)
{
    char upath[64], mpath[64];
    cleanup_close int ufd = -1, mfd = -1;
    char cwd[PATH_MAX];
    bool have_cwd;

    snprintf(upath, sizeof upath, "/proc/%d/ns/user", (int) ref->pid);
    snprintf(mpath, sizeof mpath, "/proc/%d/ns/mnt", (int) ref->pid);
    ufd = open(upath, O_RDONLY | O_CLOEXEC);
    mfd = open(mpath, O_RDONLY | O_CLOEXEC);
    if (ufd < 0 || mfd < 0 || !proc_alive(ref->pid, ref->starttime))
        return PAUSE_GONE;
    if (same_ns(upath, "/proc/self/ns/user") && same_ns(mpath, "/proc/self/ns/mnt"))
        return 1;
    /* setns(CLONE_NEWNS) moves us to the namespace's root: keep the cwd */
    have_cwd = getcwd(cwd, sizeof cwd) != NULL;
    if (setns(ufd, CLONE_NEWUSER) < 0)
        return pcon_fail(err, errno, "join the user namespace of pause process %d", ref->pid);
    if (setns(mfd, CLONE_NEWNS) < 0)
        return pcon_fail(err, errno, "join the mount namespace of pause process %d", ref->pid);
    if (have_cwd && chdir(cwd) < 0)
        (void) chdir("/"); /* the cwd is not visible here: relative paths will fail */
    return 0;
}

int
engine_userns_join(const char *runroot, struct pcon_err *err)
{
    cleanup_close int rundfd = -1, lockfd = -1;
    struct pause_ref ref;
    int r;

    if (getuid() == 0 && same_ns("/proc/self/ns/user", "/proc/1/ns/user"))
        return 0; /* real root: no namespace needed */
    rundfd = open(runroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rundfd < 0)
        return pcon_fail(err, errno, "open run root \"%s\"", runroot);
    if (pause_read(rundfd, &ref) == 0 && (r = pause_join(&ref, err)) != PAUSE_GONE)
        return r < 0 ? -1 : 0;
    /* missing or stale: one command creates it, the others wait and join */
    lockfd = lock_take(rundfd, "pause.lock", true, err);
    if (lockfd < 0)
        return -1;
    if (pause_read(rundfd, &ref) == 0 && (r = pause_join(&ref, err)) != PAUSE_GONE)
        return r < 0 ? -1 : 0;
    if (pause_create(rundfd, &ref, err) < 0)
        return -1;
    r = pause_join(&ref, err);
    if (r == PAUSE_GONE)
        return pcon_fail(err, ESRCH, "the pause process exited");
    return r < 0 ? -1 : 0;
}

bool
engine_userns_single_mapping(void)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 4096, NULL, NULL);
    struct idmap m;

    if (text == NULL || engine_idmap_parse(text, &m, NULL) < 0)
        return false;
    return engine_idmap_size(&m) == 1;
}
