// SPDX-License-Identifier: Apache-2.0
/* Safe layer extraction. libarchive only parses: every file is created by
 * this code with *at calls below the layer root, parents resolved with
 * RESOLVE_IN_ROOT, final components never followed. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/log.h"
#include "layer.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/* The decompressed stream: a "raw" libarchive reader whose bytes are
 * hashed (the DiffID) and fed to the tar reader. */
struct raw_stream {
    struct archive *raw;
    struct digest_ctx *digest;
    long long size;
};

static la_ssize_t
raw_read_cb(struct archive *a, void *opaque, const void **buf)
{
    struct raw_stream *rs = opaque;
    const void *block;
    size_t len;
    la_int64_t off;
    int r;

    (void) a;
    r = archive_read_data_block(rs->raw, &block, &len, &off);
    if (r == ARCHIVE_EOF)
        return 0;
    if (r != ARCHIVE_OK) {
        archive_set_error(a, archive_errno(rs->raw), "%s", archive_error_string(rs->raw));
        return -1;
    }
    digest_update(rs->digest, block, len);
    rs->size += (long long) len;
    *buf = block;
    return (la_ssize_t) len;
}

struct dir_time {
    char *path;
    struct timespec mtime;
};

struct extract {
    int rootfd;
    struct archive *tar;
    struct dir_time *dirs;
    size_t ndirs;
    bool warned_owner;
};

static void
cleanup_archive_fn(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}
#define cleanup_archive __attribute__((cleanup(cleanup_archive_fn)))

/* Applies owner, mode and xattrs to an open fd (or to the link itself
 * through its parent, for a symlink). chown before chmod: chown clears
 * the set-id bits. */
static int
apply_owner(struct extract *x, int fd, int pfd, const char *base, struct archive_entry *e,
            struct pcon_err *err)
{
    uid_t uid = (uid_t) archive_entry_uid(e);
    gid_t gid = (gid_t) archive_entry_gid(e);
    int r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);

    if (r < 0 && errno == EINVAL) {
        /* the id is not mapped in this user namespace (single mapping) */
        if (!x->warned_owner)
            pcon_warn("layer files owned by unmapped ids are owned by root instead");
        x->warned_owner = true;
        r = fd >= 0 ? fchown(fd, 0, 0) : fchownat(pfd, base, 0, 0, AT_SYMLINK_NOFOLLOW);
    }
    if (r < 0)
        return pcon_fail(err, errno, "set owner of \"%s\"", archive_entry_pathname(e));
    if (fd >= 0 && fchmod(fd, archive_entry_perm(e) & 07777) < 0)
        return pcon_fail(err, errno, "set mode of \"%s\"", archive_entry_pathname(e));
    return 0;
}

/* Only user.* (but not the overlay's own user.overlay.*) and file
 * capabilities are kept: trusted.* and overlay xattrs would change how the
 * overlay reads the layer, security.* others are the host's business. */
static bool
xattr_allowed(const char *name)
{
    if (strncmp(name, "user.overlay.", 13) == 0)
        return false;
    return strncmp(name, "user.", 5) == 0 || strcmp(name, "security.capability") == 0;
}

static void
apply_xattrs(int fd, struct archive_entry *e)
{
    const char *name;
    const void *val;
    size_t len;

    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK)
        if (xattr_allowed(name))
            (void) fsetxattr(fd, name, val, len, 0); /* best effort, as podman */
}

static int
write_data(struct extract *x, int fd, struct pcon_err *err)
{
    const void *buf;
    size_t len;
    la_int64_t off;
    int r;

    while ((r = archive_read_data_block(x->tar, &buf, &len, &off)) == ARCHIVE_OK) {
        const char *p = buf;
        while (len > 0) {
            ssize_t n = pwrite(fd, p, len, off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return pcon_fail(err, errno, "write file");
            p += n;
            len -= (size_t) n;
            off += n;
        }
    }
    if (r != ARCHIVE_EOF)
        return pcon_fail(err, archive_errno(x->tar), "read layer: %s",
                         archive_error_string(x->tar));
    return 0;
}

/* Removes what an earlier entry of this layer left at base, unless both
 * are directories (tar semantics: the later entry wins). */
static int
clear_for(int pfd, const char *base, bool want_dir, struct pcon_err *err)
{
    struct stat st;

    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (want_dir && S_ISDIR(st.st_mode))
        return 0;
    return fs_rm_rf_at(pfd, base, err);
}

static int
extract_whiteout(struct extract *x, int pfd, const char *base, const char *path,
                 struct pcon_err *err)
{
    (void) x;
    if (strcmp(base, WHITEOUT_OPAQUE) == 0) {
        if (fsetxattr(pfd, "user.overlay.opaque", "y", 1, 0) < 0)
            return pcon_fail(err, errno, "mark \"%s\" opaque", path);
        return 0;
    }
    base += strlen(WHITEOUT_PREFIX);
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0
        || strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
        return 0; /* not a whiteout of a name: ignore as other engines do */
    if (clear_for(pfd, base, false, err) < 0)
        return -1;
    if (mknodat(pfd, base, S_IFCHR | 0, makedev(0, 0)) < 0)
        return pcon_fail(err, errno, "create whiteout for \"%s\"", path);
    return 0;
}

static int
extract_hardlink(struct extract *x, int pfd, const char *base, const char *target,
                 struct pcon_err *err)
{
    cleanup_free char *clean = path_clean_rel(target);
    cleanup_close int tpfd = -1;
    const char *tbase;
    struct stat st;

    if (clean == NULL || *clean == '\0')
        return pcon_fail(err, EINVAL, "hard link target \"%s\" escapes the layer", target);
    tpfd = fs_open_parent_in_root(x->rootfd, clean, false, &tbase, err);
    if (tpfd < 0)
        return pcon_prefix(err, "hard link to \"%s\"", target);
    if (fstatat(tpfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return pcon_fail(err, errno, "hard link to \"%s\"", target);
    if (S_ISDIR(st.st_mode))
        return pcon_fail(err, EPERM, "hard link to directory \"%s\"", target);
    if (clear_for(pfd, base, false, err) < 0)
        return -1;
    if (linkat(tpfd, tbase, pfd, base, 0) < 0)
        return pcon_fail(err, errno, "hard link to \"%s\"", target);
    return 0;
}

static int
extract_entry(struct extract *x, struct archive_entry *e, struct pcon_err *err)
{
    const char *name = archive_entry_pathname(e);
    cleanup_free char *rel = NULL;
    cleanup_close int pfd = -1, fd = -1;
    const char *base;
    mode_t type = archive_entry_filetype(e);
    struct timespec times[2];

    if (name == NULL)
        return pcon_fail(err, EINVAL, "layer entry without a name");
    rel = path_clean_rel(name);
    if (rel == NULL)
        return pcon_fail(err, EPERM, "layer entry \"%s\" escapes the root", name);
    if (*rel == '\0')
        return 0; /* the root itself keeps the store's owner and mode */
    pfd = fs_open_parent_in_root(x->rootfd, rel, true, &base, err);
    if (pfd < 0)
        return pcon_prefix(err, "extract \"%s\"", name);

    if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
        return extract_whiteout(x, pfd, base, name, err);
    if (archive_entry_hardlink(e) != NULL)
        return extract_hardlink(x, pfd, base, archive_entry_hardlink(e), err);

    times[0].tv_sec = times[1].tv_sec = archive_entry_mtime(e);
    times[0].tv_nsec = times[1].tv_nsec = archive_entry_mtime_nsec(e);
    if (clear_for(pfd, base, type == AE_IFDIR, err) < 0)
        return -1;
    switch (type) {
    case AE_IFDIR:
        if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create directory \"%s\"", name);
        fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return pcon_fail(err, errno, "open directory \"%s\"", name);
        /* a directory's time changes with every entry below: set it last */
        x->dirs = xrealloc(x->dirs, (x->ndirs + 1) * sizeof *x->dirs);
        x->dirs[x->ndirs++] = (struct dir_time){ xstrdup(rel), times[1] };
        break;
    case AE_IFREG:
        fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return pcon_fail(err, errno, "create \"%s\"", name);
        if (write_data(x, fd, err) < 0)
            return pcon_prefix(err, "extract \"%s\"", name);
        if (ftruncate(fd, archive_entry_size(e)) < 0) /* sparse tails */
            return pcon_fail(err, errno, "extract \"%s\"", name);
        break;
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        /* the target is kept as written: it is only ever resolved inside
         * the container's root */
        if (target == NULL || symlinkat(target, pfd, base) < 0)
            return pcon_fail(err, target ? errno : EINVAL, "create symlink \"%s\"", name);
        if (apply_owner(x, -1, pfd, base, e, err) < 0)
            return -1;
        (void) utimensat(pfd, base, times, AT_SYMLINK_NOFOLLOW); /* times are cosmetic */
        return 0;
    }
    case AE_IFIFO:
        if (mknodat(pfd, base, S_IFIFO | 0600, 0) < 0)
            return pcon_fail(err, errno, "create fifo \"%s\"", name);
        fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return pcon_fail(err, errno, "open fifo \"%s\"", name);
        if (fchownat(pfd, base, archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0
            || fchmodat(pfd, base, archive_entry_perm(e) & 0777, 0) < 0)
            return pcon_fail(err, errno, "set owner of \"%s\"", name);
        return 0;
    default:
        /* device nodes cannot be made in a user namespace, and the
         * container gets its own /dev; sockets are never content */
        return 0;
    }
    if (apply_owner(x, fd, pfd, base, e, err) < 0)
        return -1;
    apply_xattrs(fd, e);
    if (type == AE_IFREG)
        (void) futimens(fd, times); /* times are cosmetic */
    return 0;
}

static void
apply_dir_times(struct extract *x)
{
    for (size_t i = x->ndirs; i-- > 0;) {
        struct timespec t[2] = { x->dirs[i].mtime, x->dirs[i].mtime };
        cleanup_close int fd = fs_open_in_root(x->rootfd, x->dirs[i].path,
                                               O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, NULL);
        if (fd >= 0)
            (void) futimens(fd, t); /* times are cosmetic */
        free(x->dirs[i].path);
    }
    free(x->dirs);
    x->dirs = NULL;
    x->ndirs = 0;
}

int
storage_layer_extract(int rootfd, int tarfd, char diff_id[72], long long *size,
                      struct pcon_err *err)
{
    cleanup_archive struct archive *raw = archive_read_new();
    cleanup_archive struct archive *tar = archive_read_new();
    struct raw_stream rs = { .raw = raw };
    struct extract x = { .rootfd = rootfd, .tar = tar };
    struct archive_entry *e;
    char ignored[72];
    int r, ret = -1;

    if (raw == NULL || tar == NULL)
        abort();
    archive_read_support_filter_all(raw);
    archive_read_support_format_raw(raw);
    archive_read_support_format_tar(tar);
    archive_read_support_format_gnutar(tar);
    if (archive_read_open_fd(raw, tarfd, 1 << 20) != ARCHIVE_OK
        || archive_read_next_header(raw, &e) != ARCHIVE_OK)
        return pcon_fail(err, archive_errno(raw), "read layer: %s", archive_error_string(raw));
    rs.digest = digest_new();
    if (archive_read_open(tar, &rs, NULL, raw_read_cb, NULL) != ARCHIVE_OK) {
        pcon_fail(err, archive_errno(tar), "read layer: %s", archive_error_string(tar));
        goto out;
    }
    while ((r = archive_read_next_header(tar, &e)) == ARCHIVE_OK)
        if (extract_entry(&x, e, err) < 0)
            goto out;
    if (r != ARCHIVE_EOF) {
        pcon_fail(err, archive_errno(tar) > 0 ? archive_errno(tar) : EINVAL, "read layer: %s",
                  archive_error_string(tar));
        goto out;
    }
    /* the tar reader stops at the end-of-archive blocks: hash the rest */
    for (const void *rest; raw_read_cb(tar, &rs, &rest) > 0;)
        ;
    ret = 0;
out:
    apply_dir_times(&x);
    digest_final(rs.digest, ret == 0 ? diff_id : ignored);
    if (size)
        *size = rs.size;
    return ret;
}

static int
write_layer_json(int dfd, const struct layer_info *li, const char *parent, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *text = NULL;
    size_t len;

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "id", li->chain_id + 7));
    JG(json_gen_kv_str(g, "diff_id", li->diff_id));
    JG(json_gen_kv_str(g, "parent", parent));
    JG(json_gen_kv_int(g, "size", li->size));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    return fs_write_atomic(dfd, "layer.json", text, len, 0600, true, err);
fail:
    return pcon_fail(err, EINVAL, "generate layer.json");
}

int
storage_layer_create(struct store *st, int fd, const char *parent_chain_id,
                     struct layer_info *out, struct pcon_err *err)
{
    cleanup_free char *tmp = NULL;
    cleanup_close int tmpfd = -1, difffd = -1;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    tmp = xasprintf(".tmp-%d-%ld", getpid(), ts.tv_nsec);
    if (mkdirat(st->layers_dfd, tmp, 0700) < 0)
        return pcon_fail(err, errno, "create layer directory");
    tmpfd = openat(st->layers_dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (tmpfd < 0 || mkdirat(tmpfd, "diff", 0755) < 0) {
        pcon_fail(err, errno, "create layer directory");
        goto fail;
    }
    difffd = openat(tmpfd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (difffd < 0) {
        pcon_fail(err, errno, "open layer directory");
        goto fail;
    }
    if (storage_layer_extract(difffd, fd, out->diff_id, &out->size, err) < 0)
        goto fail;
    if (parent_chain_id == NULL) {
        memcpy(out->chain_id, out->diff_id, sizeof out->chain_id);
    } else {
        cleanup_free char *s = xasprintf("%s %s", parent_chain_id, out->diff_id);
        digest_buf(s, strlen(s), out->chain_id);
    }
    if (write_layer_json(tmpfd, out, parent_chain_id, err) < 0)
        goto fail;
    /* the finished layer appears at once, under its final name */
    if (renameat(st->layers_dfd, tmp, st->layers_dfd, out->chain_id + 7) < 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) {
            pcon_fail(err, errno, "store layer %s", out->chain_id);
            goto fail;
        }
        /* the same layer is already stored: keep that one */
        (void) fs_rm_rf_at(st->layers_dfd, tmp, NULL);
    }
    return 0;
fail:
    (void) fs_rm_rf_at(st->layers_dfd, tmp, NULL); /* a failed layer leaves nothing */
    return -1;
}
