// SPDX-License-Identifier: Apache-2.0
/* The container's init side: everything between clone and execve. Runs
 * single-threaded in the new namespaces; every failure goes home on the
 * sync socket as {errnum, kind, text} and ends the process. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../netns/netns.h"
#include "../storage/rootfs.h"
#include "caps.h"
#include "init.h"
#include "spec.h"

#define MAX_GROUPS 64

__attribute__((noreturn)) static void
init_fail(const struct init_config *c, const struct pcon_err *err, int code)
{
    struct init_msg m = { .errnum = err->errnum, .kind = (int) err->kind };

    snprintf(m.text, sizeof m.text, "%s", err->msg ? err->msg : "container setup failed");
    (void) !write(c->syncfd, &m, sizeof m); /* nothing more to do if the parent is gone */
    _exit(code);
}

static int
caps_apply(bool root, struct pcon_err *err)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = { { 0 } };
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

    if (f) {
        if (fscanf(f, "%d", &last) != 1)
            last = CAP_LAST_CAP;
        fclose(f);
    }
    for (int cap = 0; cap <= last; cap++) {
        bool keep = false;
        for (size_t i = 0; i < sizeof default_caps / sizeof default_caps[0]; i++)
            keep |= default_caps[i] == cap;
        if (!keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return pcon_fail(err, errno, "drop capability %d", cap);
    }
    if (!root)
        return 0; /* a non-zero uid lost its capabilities with setresuid */
    for (size_t i = 0; i < sizeof default_caps / sizeof default_caps[0]; i++) {
        int cap = default_caps[i];
        data[cap / 32].effective |= 1U << (cap % 32);
        data[cap / 32].permitted |= 1U << (cap % 32);
        data[cap / 32].inheritable |= 1U << (cap % 32);
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        return pcon_fail(err, errno, "set capabilities");
    return 0;
}

static char *
read_etc(const char *path)
{
    return fs_read_all(AT_FDCWD, path, 4 << 20, NULL, NULL);
}

/* After pivot_root: who the process runs as. */
static int
identity_apply(const struct init_config *c, char **home, struct pcon_err *err)
{
    cleanup_free char *pw = read_etc("/etc/passwd");
    cleanup_free char *gr = read_etc("/etc/group");
    gid_t groups[MAX_GROUPS];
    int ngroups = MAX_GROUPS;
    uid_t uid;
    gid_t gid;

    if (spec_user_resolve(c->user, pw, gr, &uid, &gid, home, groups, &ngroups, err) < 0)
        return -1;
    if (caps_apply(uid == 0, err) < 0)
        return -1;
    /* with a single mapping setgroups is denied: keep the (one) group */
    if (!c->single_mapping && setgroups((size_t) ngroups, groups) < 0)
        return pcon_fail(err, errno, "set supplementary groups");
    if (setresgid(gid, gid, gid) < 0)
        return pcon_fail(err, errno, "set gid %u", (unsigned) gid);
    if (setresuid(uid, uid, uid) < 0)
        return pcon_fail(err, errno, "set uid %u", (unsigned) uid);
    return 0;
}

static int
enter_root(const struct init_config *c, struct pcon_err *err)
{
    cleanup_close int rootfd = -1;

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return pcon_fail(err, errno, "make the mounts private");
    if (c->st && storage_rootfs_mount(c->st, c->img, c->id, c->rootfs, c->ephemeral, err) < 0)
        return -1;
    if (c->private_net && netns_loopback_up(err) < 0)
        return -1;
    rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return pcon_fail(err, errno, "open the root file system");
    if (engine_mounts_perform(rootfd, c->plan, err) < 0)
        return -1;
    if (c->workdir) {
        cleanup_close int wfd = fs_mkdir_in_root(rootfd, c->workdir, 0755, err);
        if (wfd < 0) {
            err->kind = PCON_ERR_EXEC;
            return pcon_prefix(err, "workdir \"%s\"", c->workdir);
        }
    }
    if (sethostname(c->hostname, strlen(c->hostname)) < 0)
        return pcon_fail(err, errno, "set hostname");
    /* pivot_root(".", "."): stack the old root under the new one, then
     * detach it, leaving nothing of the host reachable */
    if (fchdir(rootfd) < 0)
        return pcon_fail(err, errno, "enter the root file system");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return pcon_fail(err, errno, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        return pcon_fail(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return pcon_fail(err, errno, "enter /");
    return 0;
}

/* execve with the container's PATH; ENOENT everywhere -> 127, anything
 * else -> 126 */
static int
exec_args(char **args, char **env, struct pcon_err *err)
{
    int e = proc_execvpe(args[0], args, env, spec_env_get(env, "PATH"));

    if (e == ENOENT && strchr(args[0], '/') == NULL)
        return pcon_fail_kind(err, PCON_ERR_EXEC, ENOENT,
                              "executable file `%s` not found in $PATH", args[0]);
    return pcon_fail_kind(err, PCON_ERR_EXEC, e, "exec \"%s\"", args[0]);
}

void
engine_init_main(const struct init_config *c)
{
    struct pcon_err err = { 0 };
    cleanup_free char *home = NULL;
    char **env = strv_dup(c->env);

    if (enter_root(c, &err) < 0)
        init_fail(c, &err, 125);
    if (identity_apply(c, &home, &err) < 0)
        init_fail(c, &err, 125);
    if (spec_env_get(env, "HOME") == NULL) {
        cleanup_free char *kv = xasprintf("HOME=%s", home);
        spec_env_set(&env, kv, NULL);
    }
    if (chdir(c->workdir ? c->workdir : "/") < 0) {
        pcon_fail_kind(&err, PCON_ERR_EXEC, errno, "change to workdir \"%s\"", c->workdir);
        init_fail(c, &err, 126);
    }
    for (int i = 0; i < 3; i++)
        if (c->stdio[i] >= 0 && dup2(c->stdio[i], i) < 0) {
            pcon_fail(&err, errno, "set up stdio");
            init_fail(c, &err, 125);
        }
    if (!c->interactive && c->stdio[0] < 0) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || dup2(fd, 0) < 0) {
            pcon_fail(&err, errno, "redirect stdin");
            init_fail(c, &err, 125);
        }
        close(fd);
    }
    /* no fd of pcon's may reach the container */
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        pcon_fail(&err, errno, "close file descriptors");
        init_fail(c, &err, 125);
    }
    if (sigprocmask(SIG_SETMASK, &c->sigmask, NULL) < 0) {
        pcon_fail(&err, errno, "restore the signal mask");
        init_fail(c, &err, 125);
    }
    exec_args(c->args, env, &err);
    init_fail(c, &err, err.errnum == ENOENT ? 127 : 126);
}
