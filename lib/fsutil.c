// SPDX-License-Identifier: Apache-2.0
/* File-system helpers: atomic writes, recursive removal, root-confined
 * path resolution, tree copies. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

int
fs_mkdir_p(const char *path, mode_t mode, struct pcon_err *err)
{
    cleanup_free char *p = xstrdup(path);

    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create directory \"%s\"", p);
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create directory \"%s\"", p);
    return 0;
}

DIR *
fs_opendir_at(int dfd)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;

    if (fd < 0)
        return NULL;
    d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return d;
}

bool
fs_is_mount_below(int dfd, const char *name)
{
    struct statx a, b;

    /* the mount ids (a bind mount of the same file system has its own) */
    if (statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &a) == 0
        && statx(dfd, ".", 0, STATX_MNT_ID, &b) == 0 && (a.stx_mask & STATX_MNT_ID)
        && (b.stx_mask & STATX_MNT_ID))
        return a.stx_mnt_id != b.stx_mnt_id;
    struct stat sa, sb;
    return fstatat(dfd, name, &sa, AT_SYMLINK_NOFOLLOW) == 0 && fstat(dfd, &sb) == 0
           && S_ISDIR(sa.st_mode) && sa.st_dev != sb.st_dev;
}

static int
rm_children(int dfd, struct pcon_err *err)
{
    cleanup_closedir DIR *d = fdopendir(dfd);
    struct dirent *de;

    if (d == NULL) {
        int e = errno;
        close(dfd);
        return pcon_fail(err, e, "open directory for removal");
    }
    while ((errno = 0, de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        /* never into a mount below (a bind mount too): what is removed
         * stays on the tree's own (a container's root mounted there is not) */
        if ((de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
            && fs_is_mount_below(dirfd(d), de->d_name))
            return pcon_fail(err, EBUSY, "remove \"%s\": something is mounted there", de->d_name);
        if (fs_rm_rf_at(dirfd(d), de->d_name, err) < 0)
            return -1;
    }
    if (errno != 0)
        return pcon_fail(err, errno, "read directory for removal");
    return 0;
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* Linux 6.6; one number on every architecture */
#endif

/* Opens dfd/name, a directory the container made unreadable (we own it),
 * after making it ours to read. Never by its name again: since the unlink
 * that said it was a directory the name may have become a link, which
 * fchmodat(2) would follow to a host file. An O_PATH fd (O_NOFOLLOW with
 * O_DIRECTORY refuses a link) pins the directory; the mode is changed and
 * the directory opened through it. */
static int
open_unreadable_dir(int dfd, const char *name)
{
    cleanup_close int pfd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    char proc[64];

    if (pfd < 0)
        return -1;
    if (syscall(SYS_fchmodat2, pfd, "", 0700, AT_EMPTY_PATH) < 0) {
        /* before Linux 6.6 (ENOSYS, or EPERM from a seccomp filter): the
         * magic link resolves to the pinned directory, not to a name */
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
        if (chmod(proc, 0700) < 0)
            return -1;
    }
    return openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int
fs_rm_rf_at(int dfd, const char *name, struct pcon_err *err)
{
    int fd;

    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return pcon_fail(err, errno, "remove \"%s\"", name);
    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES)
        fd = open_unreadable_dir(dfd, name);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return pcon_fail(err, errno, "open \"%s\" for removal", name);
    }
    if (rm_children(fd, err) < 0)
        return pcon_prefix(err, "remove \"%s\"", name);
    if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return pcon_fail(err, errno, "remove directory \"%s\"", name);
    return 0;
}

int
fs_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int
fs_write_atomic(int dfd, const char *name, const void *buf, size_t len, mode_t mode, bool sync,
                struct pcon_err *err)
{
    cleanup_free char *tmp = NULL;
    cleanup_close int fd = -1;
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    tmp = xasprintf(".tmp-%s-%d-%ld", name, getpid(), ts.tv_nsec);
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return pcon_fail(err, errno, "create \"%s\"", tmp);
    if (fs_write_all(fd, buf, len) < 0 || (sync && fsync(fd) < 0)) {
        int e = errno;
        (void) unlinkat(dfd, tmp, 0); /* the write failed: drop the temporary */
        return pcon_fail(err, e, "write \"%s\"", name);
    }
    if (renameat(dfd, tmp, dfd, name) < 0) {
        int e = errno;
        (void) unlinkat(dfd, tmp, 0); /* the rename failed: drop the temporary */
        return pcon_fail(err, e, "rename \"%s\"", name);
    }
    return 0;
}

int
fs_write_atomic_path(const char *path, const void *buf, size_t len, mode_t mode, bool sync,
                     struct pcon_err *err)
{
    cleanup_free char *dir = xstrdup(path);
    char *base = strrchr(dir, '/');
    cleanup_close int dfd = -1;

    if (base == NULL)
        return fs_write_atomic(AT_FDCWD, path, buf, len, mode, sync, err);
    *base++ = '\0';
    if (*base == '\0')
        return pcon_fail(err, EISDIR, "write \"%s\"", path);
    dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", dir[0] ? dir : "/");
    return fs_write_atomic(dfd, base, buf, len, mode, sync, err);
}

char *
fs_read_fd(int fd, size_t max, size_t *lenp, struct pcon_err *err)
{
    cleanup_free char *buf = NULL;
    size_t len = 0, cap = 0;

    for (;;) {
        ssize_t n;

        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap + 1);
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            pcon_fail(err, errno, "read");
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t) n;
        if (len > max) {
            pcon_fail(err, EFBIG, "read");
            return NULL;
        }
    }
    if (buf == NULL)
        buf = xmalloc(1);
    buf[len] = '\0';
    if (lenp)
        *lenp = len;
    return steal_ptr(&buf);
}

char *
fs_read_all(int dfd, const char *name, size_t max, size_t *lenp, struct pcon_err *err)
{
    /* O_NONBLOCK: a FIFO in its place must not hang the reader */
    cleanup_close int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    char *text;

    if (fd < 0 || fstat(fd, &st) < 0) {
        pcon_fail(err, errno, "open \"%s\"", name);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        pcon_fail(err, 0, "\"%s\" is not a regular file", name);
        return NULL;
    }
    text = fs_read_fd(fd, max, lenp, err);
    if (text == NULL)
        pcon_prefix(err, "\"%s\"", name);
    return text;
}

static char *
path_clean(const char *path, bool clamp)
{
    size_t n = strlen(path);
    char *out = xmalloc(n + 1);
    size_t olen = 0;
    const char *p = path;

    while (*p) {
        const char *e;
        size_t clen;

        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        e = strchrnul(p, '/');
        clen = (size_t) (e - p);
        if (clen == 1 && p[0] == '.') {
            /* nothing */
        } else if (clen == 2 && p[0] == '.' && p[1] == '.') {
            if (olen == 0 && !clamp) {
                free(out);
                return NULL;
            }
            while (olen > 0 && out[olen - 1] != '/')
                olen--;
            if (olen > 0)
                olen--; /* the separator */
        } else {
            if (olen > 0)
                out[olen++] = '/';
            memcpy(out + olen, p, clen);
            olen += clen;
        }
        p = e;
    }
    out[olen] = '\0';
    return out;
}

char *
fs_path_clean_rel(const char *path)
{
    return path_clean(path, false);
}

char *
fs_path_clean_clamped(const char *path)
{
    return path_clean(path, true);
}

int
fs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct pcon_err *err)
{
    struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd;

    if (*path == '\0')
        path = ".";
    fd = (int) TEMP_FAILURE_RETRY_INT(syscall(SYS_openat2, rootfd, path, &how, sizeof how));
    if (fd < 0 && errno == EAGAIN) /* a concurrent rename raced the lookup: retry once */
        fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd < 0)
        return pcon_fail(err, errno, "open \"%s\" in root", path);
    return fd;
}

int
fs_open_regular_in_root(int rootfd, const char *path, struct pcon_err *err)
{
    cleanup_close int fd = fs_open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK, 0, err);
    struct stat st;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        return pcon_fail(err, errno, "stat \"%s\"", path);
    if (!S_ISREG(st.st_mode))
        return pcon_fail(err, 0, "\"%s\" is not a regular file", path);
    /* read as usual from here on */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
        return pcon_fail(err, errno, "open \"%s\"", path);
    return steal_fd(&fd);
}

/* Prepends the components of a symlink target to the pending list. */
static void
splice_link(char ***pending, size_t *pos, const char *target)
{
    cleanup_strv char **rest = strv_dup(*pending + *pos);
    char **next = NULL;
    cleanup_free char *copy = xstrdup(target);
    char *save = NULL;

    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
        strv_push(&next, c);
    for (size_t i = 0; rest[i]; i++)
        strv_push(&next, rest[i]);
    strv_free(*pending);
    *pending = next ? next : xzalloc(sizeof(char *));
    *pos = 0;
}

int
fs_mkpath_in_root(int rootfd, const char *path, bool last_is_file, mode_t mode,
                  struct pcon_err *err)
{
    cleanup_strv char **pending = NULL;
    cleanup_free char *resolved = xstrdup("");
    cleanup_free char *copy = xstrdup(path);
    char *save = NULL;
    size_t pos = 0;
    int links = 0;

    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
        strv_push(&pending, c);
    while (pending && pending[pos]) {
        const char *c = pending[pos++];
        bool last = pending[pos] == NULL;
        cleanup_close int pfd = -1;
        struct stat st;
        char *cand;

        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            /* lexically, and never above the root */
            char *slash = strrchr(resolved, '/');
            if (slash)
                *slash = '\0';
            else
                resolved[0] = '\0';
            continue;
        }
        /* each step starts from a directory resolved inside the root */
        pfd = fs_open_in_root(rootfd, resolved, O_PATH | O_DIRECTORY, 0, err);
        if (pfd < 0)
            return -1;
        if (fstatat(pfd, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT)
                return pcon_fail(err, errno, "stat \"%s\" in root", path);
            if (last && last_is_file) {
                cleanup_close int fd = -1;
                fd = openat(pfd, c, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd < 0 && errno != EEXIST)
                    return pcon_fail(err, errno, "create \"%s\" in root", path);
            } else if (mkdirat(pfd, c, last ? mode : 0755) < 0 && errno != EEXIST) {
                return pcon_fail(err, errno, "create directory \"%s\" in root", path);
            }
            st.st_mode = last && last_is_file ? S_IFREG : S_IFDIR;
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n;

            if (++links > 40)
                return pcon_fail(err, ELOOP, "resolve \"%s\" in root", path);
            n = readlinkat(pfd, c, target, sizeof target - 1);
            if (n < 0)
                return pcon_fail(err, errno, "read link in \"%s\"", path);
            target[n] = '\0';
            if (target[0] == '/')
                resolved[0] = '\0'; /* absolute links are relative to the root */
            splice_link(&pending, &pos, target);
            continue;
        } else if (!S_ISDIR(st.st_mode) && !(last && last_is_file)) {
            return pcon_fail(err, ENOTDIR, "resolve \"%s\" in root", path);
        }
        cand = *resolved ? xasprintf("%s/%s", resolved, c) : xstrdup(c);
        free(resolved);
        resolved = cand;
    }
    return fs_open_in_root(rootfd, resolved, O_PATH, 0, err);
}

int
fs_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct pcon_err *err)
{
    return fs_mkpath_in_root(rootfd, path, false, mode, err);
}

int
fs_open_parent_in_root(int rootfd, const char *relpath, bool create_parents, const char **base,
                       struct pcon_err *err)
{
    const char *slash = strrchr(relpath, '/');
    cleanup_free char *parent = NULL;
    cleanup_close int pfd = -1;
    int fd;

    if (slash == NULL) {
        *base = relpath;
        return fs_open_in_root(rootfd, "", O_RDONLY | O_DIRECTORY, 0, err);
    }
    *base = slash + 1;
    parent = xstrndup(relpath, (size_t) (slash - relpath));
    if (create_parents) {
        pfd = fs_mkdir_in_root(rootfd, parent, 0755, err);
        if (pfd < 0)
            return -1;
    }
    fd = fs_open_in_root(rootfd, parent, O_RDONLY | O_DIRECTORY, 0, err);
    return fd;
}

/* --- tree copy (the vfs driver) --- */

#define CAP_XATTR     "security.capability"
#define CAP_V2_SIZE   20
#define CAP_V3_SIZE   24
#define CAP_REV_MASK  0xff000000U
#define CAP_REV_2     0x02000000U
#define CAP_REV_3     0x03000000U
#define CAP_FLAGS_EFF 0x000001U

static uint32_t
le32_get(const char *p)
{
    const unsigned char *u = (const unsigned char *) p;

    return (uint32_t) u[0] | (uint32_t) u[1] << 8 | (uint32_t) u[2] << 16 | (uint32_t) u[3] << 24;
}

static void
le32_put(char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (char) (v >> (8 * i));
}

ssize_t
fs_cap_xattr_shift(char *val, ssize_t len, const struct fs_idshift *ids)
{
    uint32_t magic, rev;
    uid_t root;
    gid_t gid = 0;

    if (len != CAP_V2_SIZE && len != CAP_V3_SIZE)
        return len;
    magic = le32_get(val);
    rev = magic & CAP_REV_MASK;
    if ((rev == CAP_REV_2 && len != CAP_V2_SIZE) || (rev == CAP_REV_3 && len != CAP_V3_SIZE)
        || (rev != CAP_REV_2 && rev != CAP_REV_3))
        return len;
    /* v2: its root is the reader's namespace's */
    root = rev == CAP_REV_3 ? (uid_t) le32_get(val + CAP_V2_SIZE) : 0;
    ids->fn(ids->opaque, &root, &gid);
    if (root == 0) {
        le32_put(val, CAP_REV_2 | (magic & CAP_FLAGS_EFF));
        return CAP_V2_SIZE;
    }
    le32_put(val, CAP_REV_3 | (magic & CAP_FLAGS_EFF));
    le32_put(val + CAP_V2_SIZE, (uint32_t) root);
    return CAP_V3_SIZE;
}

/* overlay: the source is an overlay layer, whose overlay xattrs are
 * metadata for the stacking and not content; ids: a shifted copy, whose
 * file capabilities belong to the shifted root (set after the owner:
 * chown clears them) */
static int
copy_xattrs(int srcfd, int dstfd, bool overlay, const struct fs_idshift *ids)
{
    char names[4096], val[4096];
    ssize_t n = flistxattr(srcfd, names, sizeof names);

    for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t) strlen(names + off) + 1) {
        ssize_t vl;

        if (overlay && strncmp(names + off, "user.overlay.", 13) == 0)
            continue;
        vl = fgetxattr(srcfd, names + off, val, sizeof val);
        if (vl > 0 && ids && strcmp(names + off, CAP_XATTR) == 0)
            vl = fs_cap_xattr_shift(val, vl, ids);
        if (vl >= 0 && fsetxattr(dstfd, names + off, val, (size_t) vl, 0) < 0 && errno != ENOTSUP
            && errno != EPERM)
            return -1;
    }
    return 0;
}

/* size: what a stat said (-1: unknown); copied that far, the end is not
 * asked for again */
static int
copy_file_data_sized(int in, int out, long long size)
{
    long long done = 0;

    for (;;) {
        ssize_t n;
        if (size >= 0 && done >= size)
            return 0;
        n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0)
            return 0;
        if (n > 0) {
            done += n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
            return -1;
        break;
    }
    for (;;) {
        char buf[65536];
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        if (fs_write_all(out, buf, (size_t) n) < 0)
            return -1;
    }
}

static int
copy_file_data(int in, int out)
{
    return copy_file_data_sized(in, out, -1);
}

int
fs_copy_fd_at(int fd, int ddir, const char *name, struct pcon_err *err)
{
    cleanup_close int out = -1;

    out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0)
        return pcon_fail(err, errno, "create \"%s\"", name);
    if (lseek(fd, 0, SEEK_SET) < 0 || copy_file_data(fd, out) < 0)
        return pcon_fail(err, errno, "copy to \"%s\"", name);
    return 0;
}

/* Where an entry of a copy is, for messages: its names from the top down
 * (NULL: the top itself). */
struct copy_pos {
    const struct copy_pos *up;
    const char *name;
};

struct copy_job {
    unsigned flags;
    const char *src, *dst;        /* the tops, as messages name them */
    const struct fs_idshift *ids; /* NULL: owners as they are */
};

static int copy_dir(const struct copy_job *job, const struct copy_pos *pos, int srcfd, int dstfd,
                    struct pcon_err *err);

static char *
pos_path(const char *top, const struct copy_pos *pos)
{
    cleanup_free char *up = NULL;
    size_t n;

    if (pos == NULL)
        return xstrdup(top);
    up = pos_path(top, pos->up);
    n = strlen(up);
    return xasprintf("%s%s%s", up, n > 0 && up[n - 1] == '/' ? "" : "/", pos->name);
}

/* docker's and podman's words */
static int
copy_conflict(const struct copy_job *job, const struct copy_pos *pos, bool dst_is_dir,
              struct pcon_err *err)
{
    cleanup_free char *s = pos_path(job->src, pos), *d = pos_path(job->dst, pos);

    if (dst_is_dir)
        return pcon_fail(err, 0, "cannot overwrite directory \"%s\" with non-directory \"%s\"", d,
                         s);
    return pcon_fail(err, 0, "cannot overwrite non-directory \"%s\" with directory \"%s\"", d, s);
}

static bool
is_opaque_dir(int dfd)
{
    char v[2];

    return fgetxattr(dfd, "user.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y';
}

/* Makes room for name in ddir. A layer (FS_COPY_OVERLAY) replaces what is in
 * its way, but a directory stays for a directory that is not opaque. A copy
 * with FS_COPY_REPLACE replaces a non-directory with a non-directory only,
 * and refuses a directory and a non-directory in each other's way, as docker
 * and podman cp do: a file a container names like a host directory must not
 * take the host's tree away (nor a host file a container's). */
static int
clear_target(const struct copy_job *job, const struct copy_pos *pos, int ddir, const char *name,
             bool want_dir, bool opaque, struct pcon_err *err)
{
    cleanup_free char *shown = NULL;
    struct stat st;
    int e;

    if (!(job->flags & (FS_COPY_OVERLAY | FS_COPY_REPLACE))
        || fstatat(ddir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (job->flags & FS_COPY_OVERLAY) {
        if (want_dir && S_ISDIR(st.st_mode) && !opaque)
            return 0;
        return fs_rm_rf_at(ddir, name, err);
    }
    if (want_dir != (bool) S_ISDIR(st.st_mode)) {
        if (job->flags & FS_COPY_OVERWRITE)
            return fs_rm_rf_at(ddir, name, err); /* (asked for: --overwrite) */
        return copy_conflict(job, pos, S_ISDIR(st.st_mode), err);
    }
    if (want_dir)
        return 0;
    /* without AT_REMOVEDIR: a directory swapped in since the stat stays */
    if (unlinkat(ddir, name, 0) == 0 || errno == ENOENT)
        return 0;
    e = errno;
    if (e == EISDIR)
        return copy_conflict(job, pos, true, err);
    shown = pos_path(job->dst, pos);
    return pcon_fail(err, e, "remove \"%s\"", shown);
}

/* the umask, read once (setting it back at once: single-threaded) */
static mode_t
process_umask(void)
{
    static int cached = -1;

    if (cached < 0) {
        mode_t m = umask(022);
        umask(m);
        cached = (int) m;
    }
    return (mode_t) cached;
}

/* owner: the source's (shifted), or the caller's */
static int
set_owner(const struct copy_job *job, int fd, int dir, const char *name, const struct stat *st)
{
    uid_t uid = st->st_uid;
    gid_t gid = st->st_gid;

    if (!(job->flags & FS_COPY_OWNER))
        return 0;
    if (job->ids)
        job->ids->fn(job->ids->opaque, &uid, &gid);
    if (fd >= 0)
        return fchown(fd, uid, gid);
    return fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

static int
copy_dir_entry(const struct copy_job *job, const struct copy_pos *pos, int sdir, const char *sname,
               int ddir, const char *name, const struct stat *st, struct pcon_err *err)
{
    bool overlay = job->flags & FS_COPY_OVERLAY;
    cleanup_close int s = -1, d = -1;

    s = openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s < 0)
        return pcon_fail(err, errno, "open directory \"%s\"", sname);
    if (clear_target(job, pos, ddir, name, true, overlay && is_opaque_dir(s), err) < 0)
        return -1;
    if (mkdirat(ddir, name, 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create directory \"%s\"", name);
    d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0)
        return pcon_fail(err, errno, "open directory \"%s\"", name);
    if (copy_dir(job, pos, s, d, err) < 0)
        return -1;
    if (copy_xattrs(s, d, overlay, NULL) < 0)
        return pcon_fail(err, errno, "copy xattrs of \"%s\"", name);
    if (set_owner(job, d, -1, "", st) < 0 || fchmod(d, st->st_mode & 07777) < 0)
        return pcon_fail(err, errno, "set owner of \"%s\"", name);
    return 0;
}

static int
copy_regular(const struct copy_job *job, const struct copy_pos *pos, int sdir, const char *sname,
             int ddir, const char *name, struct pcon_err *err)
{
    /* checked again once open: what a running container put there since the
     * stat is not read (a FIFO would block, a device must not be read) */
    cleanup_close int s =
        openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    cleanup_close int d = -1;
    struct stat st;

    if (s < 0 || fstat(s, &st) < 0)
        return pcon_fail(err, errno, "open \"%s\"", sname);
    if (!S_ISREG(st.st_mode))
        return pcon_fail(err, 0, "\"%s\" is not a regular file", sname);
    if (clear_target(job, pos, ddir, name, false, false, err) < 0)
        return -1;
    /* a shifted copy (the store's own, below a directory of its own) is
     * made with its mode at once: fchmod only for what chown clears or the
     * umask took */
    d = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               job->ids ? st.st_mode & 0777 : 0600);
    if (d < 0)
        return pcon_fail(err, errno, "create \"%s\"", name);
    if (copy_file_data_sized(s, d, st.st_size) < 0)
        return pcon_fail(err, errno, "copy \"%s\"", name);
    /* the owner first: chown clears file capabilities */
    if (set_owner(job, d, -1, "", &st) < 0)
        return pcon_fail(err, errno, "set owner of \"%s\"", name);
    if (!(job->flags & FS_COPY_NO_FILE_XATTRS)
        && copy_xattrs(s, d, job->flags & FS_COPY_OVERLAY, job->ids) < 0)
        return pcon_fail(err, errno, "copy \"%s\"", name);
    if ((!job->ids || (st.st_mode & 07000) || (st.st_mode & 0777 & process_umask()))
        && fchmod(d, st.st_mode & 07777) < 0)
        return pcon_fail(err, errno, "set mode of \"%s\"", name);
    /* times through the fd (no lookup again); cosmetic */
    (void) futimens(d, (struct timespec[]){ st.st_atim, st.st_mtim });
    return 0;
}

/* a link or a node */
static int
copy_special(const struct copy_job *job, const struct copy_pos *pos, int sdir, const char *sname,
             int ddir, const char *name, const struct stat *st, struct pcon_err *err)
{
    char target[PATH_MAX];
    ssize_t n = 0;

    if (S_ISLNK(st->st_mode) && (n = readlinkat(sdir, sname, target, sizeof target - 1)) < 0)
        return pcon_fail(err, errno, "read link \"%s\"", name);
    if (clear_target(job, pos, ddir, name, false, false, err) < 0)
        return -1;
    if (S_ISLNK(st->st_mode)) {
        target[n] = '\0';
        if (symlinkat(target, ddir, name) < 0)
            return pcon_fail(err, errno, "create link \"%s\"", name);
    } else if (mknodat(ddir, name, st->st_mode, st->st_rdev) < 0) {
        return pcon_fail(err, errno, "create node \"%s\"", name);
    }
    if (set_owner(job, -1, ddir, name, st) < 0)
        return pcon_fail(err, errno, "set owner of \"%s\"", name);
    return 0;
}

static int
copy_entry(const struct copy_job *job, const struct copy_pos *pos, int sdir, const char *sname,
           int ddir, const char *name, struct pcon_err *err)
{
    struct stat st;
    struct timespec times[2];
    int r;

    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return pcon_fail(err, errno, "stat \"%s\"", sname);
    if ((job->flags & FS_COPY_OVERLAY) && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
        return fs_rm_rf_at(ddir, name, err); /* a whiteout deletes what lies below */
    if (S_ISDIR(st.st_mode))
        r = copy_dir_entry(job, pos, sdir, sname, ddir, name, &st, err);
    else if (S_ISREG(st.st_mode))
        r = copy_regular(job, pos, sdir, sname, ddir, name, err);
    else if (S_ISLNK(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
             || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        r = copy_special(job, pos, sdir, sname, ddir, name, &st, err);
    else
        return 0;
    if (r < 0)
        return -1;
    if (S_ISREG(st.st_mode))
        return 0; /* copy_regular set them */
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    (void) utimensat(ddir, name, times, AT_SYMLINK_NOFOLLOW); /* times are cosmetic */
    return 0;
}

static int
copy_dir(const struct copy_job *job, const struct copy_pos *pos, int srcfd, int dstfd,
         struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(srcfd);
    struct dirent *de;

    if (d == NULL)
        return pcon_fail(err, errno, "open directory");
    while ((errno = 0, de = readdir(d)) != NULL) {
        struct copy_pos child = { pos, de->d_name };

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        /* a regular file as readdir says: copy_regular stats it once open */
        if (de->d_type == DT_REG
                ? copy_regular(job, &child, srcfd, de->d_name, dstfd, de->d_name, err) < 0
                : copy_entry(job, &child, srcfd, de->d_name, dstfd, de->d_name, err) < 0)
            return -1;
    }
    if (errno != 0)
        return pcon_fail(err, errno, "read directory");
    return 0;
}

int
fs_copy_at(int sdir, const char *sname, int ddir, const char *name, unsigned flags,
           const struct fs_copy_names *names, struct pcon_err *err)
{
    struct copy_job job = { flags, sname ? sname : ".", name ? name : ".", NULL };

    if (names && names->src)
        job.src = names->src;
    if (names && names->dst)
        job.dst = names->dst;
    if (sname == NULL)
        return copy_dir(&job, NULL, sdir, ddir, err);
    return copy_entry(&job, NULL, sdir, sname, ddir, name, err);
}

int
fs_copy_tree(int srcdfd, int dstdfd, unsigned flags, struct pcon_err *err)
{
    return fs_copy_at(srcdfd, NULL, dstdfd, NULL, flags, NULL, err);
}

int
fs_copy_tree_shifted(int srcdfd, int dstdfd, const struct fs_idshift *ids, unsigned flags,
                     struct pcon_err *err)
{
    struct copy_job job = { FS_COPY_OWNER | (flags & FS_COPY_NO_FILE_XATTRS), ".", ".", ids };
    struct stat st;

    if (copy_dir(&job, NULL, srcdfd, dstdfd, err) < 0)
        return -1;
    if (fstat(srcdfd, &st) < 0 || copy_xattrs(srcdfd, dstdfd, false, NULL) < 0
        || set_owner(&job, dstdfd, -1, "", &st) < 0 || fchmod(dstdfd, st.st_mode & 07777) < 0)
        return pcon_fail(err, errno, "copy the top directory's owner and mode");
    return 0;
}

void
fs_mark_topdir(int dfd)
{
    int flags = 0;

    if (ioctl(dfd, FS_IOC_GETFLAGS, &flags) < 0 || (flags & FS_TOPDIR_FL))
        return;
    flags |= FS_TOPDIR_FL;
    (void) ioctl(dfd, FS_IOC_SETFLAGS, &flags); /* an optimisation where the file system has it */
}

long long
fs_path_tree_size(const char *path)
{
    cleanup_close int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    return fd < 0 ? 0 : fs_tree_size(fd);
}

long long
fs_tree_size(int dfd)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    struct dirent *de;
    long long total = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                total += fs_tree_size(sub);
                close(sub);
            }
        } else if (S_ISREG(st.st_mode)) {
            total += st.st_size;
        }
    }
    return total;
}
