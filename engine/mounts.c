// SPDX-License-Identifier: Apache-2.0
/* Building and performing the mount plan. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "etc_files.h"
#include "mounts.h"
#include "policy.h"

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* The defaults, in the order they are mounted. */
static const struct mount_op default_fs[] = {
    { MOUNT_FS, "proc", "/proc", "proc", NOSUID_NODEV_NOEXEC, NULL, false, false },
    { MOUNT_FS, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", false,
      false },
    { MOUNT_BIND, "/dev/null", "/dev/null", NULL, 0, NULL, false, false },
    { MOUNT_BIND, "/dev/zero", "/dev/zero", NULL, 0, NULL, false, false },
    { MOUNT_BIND, "/dev/full", "/dev/full", NULL, 0, NULL, false, false },
    { MOUNT_BIND, "/dev/random", "/dev/random", NULL, 0, NULL, false, false },
    { MOUNT_BIND, "/dev/urandom", "/dev/urandom", NULL, 0, NULL, false, false },
    { MOUNT_BIND, "/dev/tty", "/dev/tty", NULL, 0, NULL, false, false },
    { MOUNT_FS, "shm", "/dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777,size=65536k", false,
      false },
    { MOUNT_FS, "mqueue", "/dev/mqueue", "mqueue", NOSUID_NODEV_NOEXEC, NULL, false, false },
    { MOUNT_SYMLINK, "pts/ptmx", "/dev/ptmx", NULL, 0, NULL, false, false },
    { MOUNT_SYMLINK, "/proc/self/fd", "/dev/fd", NULL, 0, NULL, false, false },
    { MOUNT_SYMLINK, "/proc/self/fd/0", "/dev/stdin", NULL, 0, NULL, false, false },
    { MOUNT_SYMLINK, "/proc/self/fd/1", "/dev/stdout", NULL, 0, NULL, false, false },
    { MOUNT_SYMLINK, "/proc/self/fd/2", "/dev/stderr", NULL, 0, NULL, false, false },
    { MOUNT_SYMLINK, "/proc/kcore", "/dev/core", NULL, 0, NULL, false, false },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* where --read-only still lets the container write, as podman's */
static const char *const read_only_dirs[] = { "/tmp", "/run", "/var/tmp" };

static struct mount_op *
plan_add(struct mount_plan *p, enum mount_kind kind, const char *src, const char *dst)
{
    struct mount_op *op;

    p->ops = xrealloc(p->ops, (p->n + 1) * sizeof *p->ops);
    op = &p->ops[p->n++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->src = src ? xstrdup(src) : NULL;
    op->dst = xstrdup(dst);
    return op;
}

/* --security-opt unmask=: this default path is not hidden */
static bool
unmasked(const struct mount_plan_opts *o, const char *path)
{
    for (size_t i = 0; o->unmask && o->unmask[i]; i++)
        if (strcmp(o->unmask[i], "ALL") == 0 || strcmp(o->unmask[i], path) == 0)
            return true;
    return false;
}

void
engine_mounts_plan_bind(struct mount_plan *plan, const char *src, const char *dst, bool ro)
{
    struct mount_op *op = plan_add(plan, MOUNT_BIND, src, dst);

    op->ro = ro;
}

/* a --tmpfs PATH[:OPTS] into the plan (freed, on a bad one) */
static int
plan_tmpfs(struct mount_plan *plan, const char *spec, struct pcon_err *err)
{
    struct tmpfs_mount t;
    struct mount_op *op;

    if (engine_spec_tmpfs_parse(spec, &t, err) < 0) {
        engine_mounts_plan_free(plan);
        return -1;
    }
    op = plan_add(plan, MOUNT_FS, "tmpfs", t.dst);
    op->fstype = "tmpfs";
    op->flags = t.flags;
    op->data = op->data_owned = steal_ptr(&t.data);
    engine_spec_tmpfs_free(&t);
    return 0;
}

int
engine_mounts_plan(const struct mount_plan_opts *o, struct mount_plan *plan, struct pcon_err *err)
{
    struct mount_op *op;

    memset(plan, 0, sizeof *plan);
    for (size_t i = 0; i < N(default_fs); i++) {
        if (strcmp(default_fs[i].dst, "/dev/shm") == 0 && (o->shm || o->no_shm || o->host_ipc)) {
            if (o->shm || o->host_ipc) /* the pod's, shared; or the host's */
                plan_add(plan, MOUNT_BIND, o->shm ? o->shm : "/dev/shm", "/dev/shm");
            continue;
        }
        if (strcmp(default_fs[i].dst, "/dev/mqueue") == 0 && o->host_ipc) {
            struct stat sb;
            if (stat("/dev/mqueue", &sb) == 0) /* a host may not have it mounted */
                plan_add(plan, MOUNT_BIND, "/dev/mqueue", "/dev/mqueue");
            continue;
        }
        if (strcmp(default_fs[i].dst, "/proc") == 0 && o->host_pid) {
            plan_add(plan, MOUNT_BIND, "/proc", "/proc")->flags = MS_REC;
            continue;
        }
        bool joined = (o->joined_pid && strcmp(default_fs[i].dst, "/proc") == 0)
                      || (o->joined_ipc && strcmp(default_fs[i].dst, "/dev/mqueue") == 0);
        op = plan_add(plan, joined ? MOUNT_JOINED_FS : default_fs[i].kind, default_fs[i].src,
                      default_fs[i].dst);
        op->fstype = default_fs[i].fstype;
        op->flags = default_fs[i].flags;
        op->data = default_fs[i].data;
        if (strcmp(default_fs[i].dst, "/proc") == 0 && o->proc_opts)
            op->data = o->proc_opts;
        if (strcmp(default_fs[i].dst, "/dev/shm") == 0 && o->shm_size >= 0)
            op->data = op->data_owned = xasprintf("mode=1777,size=%lldk", o->shm_size / 1024);
        if (i == 1) {
            /* devpts goes right after /dev; gid 5 (tty) exists only with a range */
            op = plan_add(plan, MOUNT_FS, "devpts", "/dev/pts");
            op->fstype = "devpts";
            op->flags = MS_NOSUID | MS_NOEXEC;
            op->data = o->single_mapping ? "newinstance,ptmxmode=0666,mode=0620"
                                         : "newinstance,ptmxmode=0666,mode=0620,gid=5";
        }
    }
    if (o->private_net || o->joined_net) {
        /* sysfs can only be mounted by the owner of the network namespace */
        op = plan_add(plan, o->joined_net ? MOUNT_JOINED_FS : MOUNT_FS, "sysfs", "/sys");
        op->fstype = "sysfs";
        op->flags = NOSUID_NODEV_NOEXEC | (o->privileged ? 0 : MS_RDONLY);
    } else {
        op = plan_add(plan, MOUNT_BIND, "/sys", "/sys");
        op->flags = MS_REC;
        op->ro = !o->privileged;
    }
    for (size_t i = 0; o->devices && o->devices[i]; i++) {
        cleanup_free char *host = xstrdup(o->devices[i]);
        char *ctr = strchr(host, ':'), *perms = ctr ? strchr(ctr + 1, ':') : NULL;
        if (ctr == NULL || perms == NULL) {
            engine_mounts_plan_free(plan);
            return pcon_fail(err, EINVAL, "invalid device \"%s\"", o->devices[i]);
        }
        *ctr++ = '\0';
        *perms++ = '\0';
        plan_add(plan, MOUNT_BIND, host, ctr)->ro = strchr(perms, 'w') == NULL;
    }
    /* systemd mode's (podman's order: /run/.containerenv stays seen) */
    for (size_t i = 0; o->early_tmpfs && o->early_tmpfs[i]; i++)
        if (plan_tmpfs(plan, o->early_tmpfs[i], err) < 0)
            return -1;
    if (o->localtime)
        plan_add(plan, MOUNT_BIND, o->localtime, "/etc/localtime")->ro = true;
    for (size_t i = 0; i < ETC_FILES; i++) {
        if (o->etc_skipped & (1u << i))
            continue; /* the image's own file stays */
        cleanup_free char *src = engine_etc_file_path(o->userdata, (enum etc_file) i);
        plan_add(plan, MOUNT_BIND, src, engine_etc_files[i].target);
    }
    for (size_t i = 0; i < o->nvolumes; i++) {
        struct stat st;
        if (stat(o->volumes[i].src, &st) < 0) {
            engine_mounts_plan_free(plan);
            return pcon_fail(err, errno, "invalid volume source \"%s\"", o->volumes[i].src);
        }
        op = plan_add(plan, MOUNT_BIND, o->volumes[i].src, o->volumes[i].dst);
        op->flags = MS_REC;
        op->ro = o->volumes[i].ro;
        op->copy_up = o->volumes[i].copy_up;
    }
    for (size_t i = 0; o->tmpfs && o->tmpfs[i]; i++)
        if (plan_tmpfs(plan, o->tmpfs[i], err) < 0)
            return -1;
    for (size_t i = 0; o->read_only_tmpfs && i < N(read_only_dirs); i++) {
        bool taken = false;
        for (size_t k = 0; k < plan->n; k++)
            taken |= strcmp(plan->ops[k].dst, read_only_dirs[i]) == 0;
        if (taken)
            continue; /* a volume or --tmpfs of the user's own is there */
        op = plan_add(plan, MOUNT_FS, "tmpfs", read_only_dirs[i]);
        op->fstype = "tmpfs";
        op->flags = MS_NOSUID | MS_NODEV;
    }
    if (o->init) {
        op = plan_add(plan, MOUNT_BIND, o->init, "/run/pcon-init");
        op->ro = true;
    }
    for (size_t i = 0; !o->privileged && i < POLICY_N(policy_masked_paths); i++)
        if (!unmasked(o, policy_masked_paths[i]))
            plan_add(plan, MOUNT_MASK, NULL, policy_masked_paths[i])->skip_missing = true;
    for (size_t i = 0; !o->privileged && i < POLICY_N(policy_readonly_paths); i++)
        if (!unmasked(o, policy_readonly_paths[i]))
            plan_add(plan, MOUNT_RO, NULL, policy_readonly_paths[i])->skip_missing = true;
    for (size_t i = 0; o->mask && o->mask[i]; i++)
        plan_add(plan, MOUNT_MASK, NULL, o->mask[i])->skip_missing = true;
    return 0;
}

void
engine_mounts_plan_free(struct mount_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++) {
        free(plan->ops[i].src);
        free(plan->ops[i].dst);
        free(plan->ops[i].data_owned);
    }
    engine_mounts_close_sources(plan);
    free(plan->ops);
    memset(plan, 0, sizeof *plan);
}

static int remount_ro(int fd, unsigned long extra);

static int
fd_mount(const char *src, int fd, const char *fstype, unsigned long flags, const char *data)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return mount(src, path, fstype, flags, data);
}

/* binds a path onto itself, making it a mount point of its own */
static int
fd_bind_self(int fd)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return mount(path, path, NULL, MS_BIND | MS_REC, NULL);
}

/* A read-only remount of a bind mount in a user namespace must repeat the
 * flags the kernel locked on it (nosuid, nodev, noexec, atime ones). */
int
engine_mounts_remount_ro(int fd)
{
    return remount_ro(fd, 0);
}

static int
remount_ro(int fd, unsigned long extra)
{
    struct statvfs sv;
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | extra;

    if (fstatvfs(fd, &sv) < 0)
        return -1;
    if (sv.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    return fd_mount(NULL, fd, NULL, flags, NULL);
}

/* plan->src_fds, one -1 per op, unless made already */
static void
src_fds_ensure(struct mount_plan *plan)
{
    if (plan->src_fds)
        return;
    plan->src_fds = xzalloc((plan->n + 1) * sizeof *plan->src_fds);
    for (size_t i = 0; i < plan->n; i++)
        plan->src_fds[i] = -1;
}

int
engine_mounts_open_sources(struct mount_plan *plan, struct pcon_err *err)
{
    src_fds_ensure(plan);
    for (size_t i = 0; i < plan->n; i++) {
        const struct mount_op *op = &plan->ops[i];
        unsigned rec = op->flags & MS_REC ? AT_RECURSIVE : 0;
        struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
        int fd;

        if (op->kind != MOUNT_BIND)
            continue;
        fd = open_tree(AT_FDCWD, op->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
        if (fd < 0)
            return pcon_fail(err, errno, "bind mount \"%s\"", op->src);
        plan->src_fds[i] = fd;
        if (op->ro && mount_setattr(fd, "", AT_EMPTY_PATH | rec, &ro, sizeof ro) < 0)
            return pcon_fail(err, errno, "make \"%s\" read-only", op->dst);
    }
    return 0;
}

void
engine_mounts_close_sources(struct mount_plan *plan)
{
    for (size_t i = 0; plan->src_fds && i < plan->n; i++)
        if (plan->src_fds[i] >= 0)
            close(plan->src_fds[i]);
    free(plan->src_fds);
    plan->src_fds = NULL;
}

int
engine_proc_opts_check(const char *opts, struct pcon_err *err)
{
    static const char *const hidepid[] = { "0", "1", "2", "invisible", "noaccess", "ptraceable" };
    cleanup_free char *buf = xstrdup(opts);
    char *save = NULL;

    for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        bool good = strcmp(o, "subset=pid") == 0;
        for (size_t i = 0; !good && strncmp(o, "hidepid=", 8) == 0 && i < N(hidepid); i++)
            good = strcmp(o + 8, hidepid[i]) == 0;
        if (!good && strncmp(o, "gid=", 4) == 0 && o[4] >= '0' && o[4] <= '9')
            good = strspn(o + 4, "0123456789") == strlen(o + 4) && strlen(o + 4) < 11;
        if (!good)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid --security-opt proc-opts: \"%s\" (proc takes "
                                  "hidepid=, gid= and subset=pid)",
                                  o);
    }
    if (*opts == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --security-opt proc-opts: empty");
    return 0;
}

static int
fs_detached(const struct mount_op *op)
{
    cleanup_close int fs = fsopen(op->fstype, FSOPEN_CLOEXEC);
    unsigned attrs = (op->flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0)
                     | (op->flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0)
                     | (op->flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0)
                     | (op->flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0);

    cleanup_free char *opts = op->data ? xstrdup(op->data) : NULL;
    char *save = NULL;

    /* the source the mount table shows, as a mount(2) of it would */
    if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "source", op->src, 0) < 0)
        return -1;
    for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
        char *v = strchr(o, '=');
        if (v)
            *v++ = '\0';
        if (fsconfig(fs, v ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, v, 0) < 0)
            return -1;
    }
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return fsmount(fs, FSMOUNT_CLOEXEC, attrs);
}

/* proc shows the pid namespace of its mounter, whose children alone are
 * in the one joined: a child mounts it and hands it over */
static int
proc_detached(const struct mount_op *op)
{
    int sv[2], fd = -1, e = 0;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        int mfd = fs_detached(op);
        int me = mfd < 0 ? errno : 0;
        _exit(fdpass_send(sv[1], &me, sizeof me, mfd) < 0 ? 1 : 0);
    }
    e = errno;
    close(sv[1]);
    if (pid > 0) {
        int ce = EPROTO;
        ssize_t n = fdpass_recv(sv[0], &ce, sizeof ce, &fd, 0);
        e = n == (ssize_t) sizeof ce ? ce : EPROTO;
        (void) proc_wait_exit(pid, NULL);
    }
    close(sv[0]);
    if (fd < 0)
        errno = e ? e : EPROTO;
    return fd;
}

int
engine_mounts_make_joined(struct mount_plan *plan, struct pcon_err *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        const struct mount_op *op = &plan->ops[i];
        int fd;

        if (op->kind != MOUNT_JOINED_FS)
            continue;
        src_fds_ensure(plan);
        fd = strcmp(op->fstype, "proc") == 0 ? proc_detached(op) : fs_detached(op);
        if (fd < 0)
            return pcon_fail(err, errno, "mount %s for \"%s\"", op->fstype, op->dst);
        plan->src_fds[i] = fd;
    }
    return 0;
}

/* A new named volume's first mount: what the image has at the target
 * (resolved inside the root) is copied into the empty volume, owners
 * kept, as podman fills it. Nothing there: nothing to do. */
static int
copy_up(int rootfd, const struct mount_op *op, int src_fd, struct pcon_err *err)
{
    cleanup_close int dst = src_fd >= 0
                                ? openat(src_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                : open(op->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    cleanup_close int src = -1;
    cleanup_closedir DIR *d = NULL;
    struct dirent *de;
    bool empty = true;

    if (dst < 0)
        return pcon_fail(err, errno, "open volume \"%s\"", op->src);
    d = fs_opendir_at(dst);
    while (d && (de = readdir(d)) != NULL)
        empty &= strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
    if (!empty)
        return 0;
    src = fs_open_in_root(rootfd, op->dst, O_RDONLY | O_DIRECTORY, 0, NULL);
    if (src < 0)
        return 0; /* the image has nothing there */
    if (fs_copy_tree(src, dst, FS_COPY_OWNER, err) < 0)
        return pcon_prefix(err, "copy \"%s\" into its volume", op->dst);
    return 0;
}

/* Resolves (creating when missing) the mount point of op inside the root:
 * a directory, or an empty file for a non-directory source. */
static int
mount_target(int rootfd, const struct mount_op *op, bool dir, struct pcon_err *err)
{
    cleanup_free char *rel = fs_path_clean_clamped(op->dst);

    if (rel == NULL || *rel == '\0')
        return pcon_fail(err, EINVAL, "invalid mount destination \"%s\"", op->dst);
    /* the original path, not the cleaned one: its links resolve in the root */
    return fs_mkpath_in_root(rootfd, op->dst, !dir, dir ? 0755 : 0644, err);
}

static int
perform_one(int rootfd, const struct mount_op *op, int src_fd, struct pcon_err *err)
{
    cleanup_close int fd = -1;
    struct stat st;

    switch (op->kind) {
    case MOUNT_FS:
        fd = mount_target(rootfd, op, true, err);
        if (fd < 0)
            return -1;
        if (fd_mount(op->src, fd, op->fstype, op->flags, op->data) < 0)
            return pcon_fail(err, errno, "mount %s on \"%s\"", op->fstype, op->dst);
        return 0;
    case MOUNT_BIND:
        if ((src_fd >= 0 ? fstat(src_fd, &st) : stat(op->src, &st)) < 0)
            return pcon_fail(err, errno, "bind mount \"%s\"", op->src);
        fd = mount_target(rootfd, op, S_ISDIR(st.st_mode), err);
        if (fd < 0)
            return -1;
        if (src_fd >= 0) {
            /* made read-only already */
            if (move_mount(src_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
                < 0)
                return pcon_fail(err, errno, "bind mount \"%s\" on \"%s\"", op->src, op->dst);
            return 0;
        }
        if (fd_mount(op->src, fd, NULL, MS_BIND | op->flags, NULL) < 0)
            return pcon_fail(err, errno, "bind mount \"%s\" on \"%s\"", op->src, op->dst);
        if (op->ro) {
            /* the fd still names the covered directory: reopen the mount */
            cleanup_close int mfd = fs_open_in_root(rootfd, op->dst, O_PATH, 0, err);
            if (mfd < 0 || remount_ro(mfd, 0) < 0)
                return pcon_fail(err, errno, "make \"%s\" read-only", op->dst);
        }
        return 0;
    case MOUNT_JOINED_FS:
        fd = mount_target(rootfd, op, true, err);
        if (fd < 0)
            return -1;
        if (src_fd < 0
            || move_mount(src_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
                   < 0)
            return pcon_fail(err, src_fd < 0 ? EBADF : errno, "mount %s on \"%s\"", op->fstype,
                             op->dst);
        return 0;
    case MOUNT_SYMLINK: {
        cleanup_free char *rel = fs_path_clean_rel(op->dst);
        cleanup_close int pfd = -1;
        const char *base;
        if (rel == NULL)
            return pcon_fail(err, EINVAL, "invalid link \"%s\"", op->dst);
        pfd = fs_open_parent_in_root(rootfd, rel, true, &base, err);
        if (pfd < 0)
            return -1;
        if (symlinkat(op->src, pfd, base) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create link \"%s\"", op->dst);
        return 0;
    }
    case MOUNT_MASK:
        fd = fs_open_in_root(rootfd, op->dst, O_PATH | O_NOFOLLOW, 0, err);
        if (fd < 0)
            return -1;
        if (fstat(fd, &st) < 0)
            return pcon_fail(err, errno, "stat \"%s\"", op->dst);
        if (S_ISDIR(st.st_mode)) {
            if (fd_mount("tmpfs", fd, "tmpfs", MS_RDONLY | NOSUID_NODEV_NOEXEC, "size=0") < 0)
                return pcon_fail(err, errno, "mask \"%s\"", op->dst);
        } else if (fd_mount("/dev/null", fd, NULL, MS_BIND, NULL) < 0) {
            return pcon_fail(err, errno, "mask \"%s\"", op->dst);
        }
        return 0;
    case MOUNT_RO: {
        cleanup_close int mfd = -1;
        fd = fs_open_in_root(rootfd, op->dst, O_PATH | O_NOFOLLOW, 0, err);
        if (fd < 0)
            return -1;
        if (fd_bind_self(fd) < 0)
            return pcon_fail(err, errno, "bind \"%s\"", op->dst);
        mfd = fs_open_in_root(rootfd, op->dst, O_PATH | O_NOFOLLOW, 0, err);
        if (mfd < 0 || remount_ro(mfd, 0) < 0)
            return pcon_fail(err, errno, "make \"%s\" read-only", op->dst);
        return 0;
    }
    }
    return pcon_fail(err, EINVAL, "unknown mount kind");
}

int
engine_mounts_perform(int rootfd, const struct mount_plan *plan, struct pcon_err *err)
{
    /* new volumes first, from the image's own content (nothing of the
     * container's mounts in it yet) */
    for (size_t i = 0; i < plan->n; i++)
        if (plan->ops[i].copy_up
            && copy_up(rootfd, &plan->ops[i], plan->src_fds ? plan->src_fds[i] : -1, err) < 0)
            return -1;
    for (size_t i = 0; i < plan->n; i++) {
        const struct mount_op *op = &plan->ops[i];

        if (perform_one(rootfd, op, plan->src_fds ? plan->src_fds[i] : -1, err) < 0) {
            /* a kernel path this kernel lacks needs no mask; any other
             * failure would start the container unprotected */
            if (op->skip_missing && err->errnum == ENOENT) {
                pcon_err_clear(err);
                continue;
            }
            return -1;
        }
    }
    return 0;
}
