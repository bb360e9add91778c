// SPDX-License-Identifier: Apache-2.0
/* A container's writable layer: its changes listed, and written as a layer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/mem.h"
#include "../lib/tarwrite.h"
#include "changes.h"

#define OPAQUE_XATTR "user.overlay.opaque"

static bool
is_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool
is_opaque(int dfd)
{
    char v[2];

    return fgetxattr(dfd, OPAQUE_XATTR, v, sizeof v) == 1 && v[0] == 'y';
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* the names in a directory, sorted (NULL-terminated; NULL on error) */
static char **
sorted_names(int dfd)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    struct dirent *de;
    char **v = NULL;

    if (d == NULL)
        return NULL;
    v = xzalloc(sizeof *v); /* an empty directory: an empty list, not NULL */
    while ((errno = 0, de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            strv_push(&v, de->d_name);
    if (errno != 0) {
        strv_free(v);
        return NULL;
    }
    qsort(v, strv_len(v), sizeof *v, name_cmp);
    return v;
}

/* --- diff --------------------------------------------------------------------- */

/* whether the image's layers (top first) have rel: found before a whiteout
 * or an opaque directory above it hides it */
static bool
lower_has(int *layers, size_t n, const char *rel)
{
    for (size_t i = n; i-- > 0;) {
        cleanup_close int pfd = -1;
        const char *base;
        struct stat st;

        pfd = fs_open_parent_in_root(layers[i], rel, false, &base, NULL);
        if (pfd >= 0 && fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return !is_whiteout(&st);
        /* an opaque directory on the way hides the layers below */
        if (pfd >= 0 && strchr(rel, '/') && is_opaque(pfd))
            return false;
    }
    return false;
}

struct list_walk {
    int *layers;
    size_t nlayers;
    char ***lines;
    const char *const *skip;
};

static bool has_kept(const char *const *skip, int dfd, const char *prefix);

/* an engine's own mount point: on the list, and empty (a directory: of
 * anything but such mount points) */
static bool
skipped(const char *const *skip, int dfd, const char *name, const char *rel, const struct stat *st)
{
    bool listed = false;

    for (size_t i = 0; skip && skip[i] && !listed; i++)
        listed = strcmp(skip[i] + (skip[i][0] == '/'), rel) == 0;
    if (!listed)
        return false;
    if (S_ISREG(st->st_mode))
        return st->st_size == 0;
    if (S_ISDIR(st->st_mode)) {
        cleanup_close int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return sub >= 0 && !is_opaque(sub) && !has_kept(skip, sub, rel);
    }
    return false;
}

/* whether a directory of the upper layer holds anything but skipped mount points */
static bool
has_kept(const char *const *skip, int dfd, const char *prefix)
{
    cleanup_strv char **names = sorted_names(dfd);

    for (size_t i = 0; names && names[i]; i++) {
        cleanup_free char *rel = xasprintf("%s/%s", prefix, names[i]);
        struct stat st;
        if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0
            || skipped(skip, dfd, names[i], rel, &st))
            continue;
        if (!S_ISDIR(st.st_mode))
            return true;
        cleanup_close int sub =
            openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 || is_opaque(sub) || has_kept(skip, sub, rel))
            return true;
    }
    return names == NULL;
}

static int
list_dir(struct list_walk *w, int dfd, const char *prefix, struct pcon_err *err)
{
    cleanup_strv char **names = sorted_names(dfd);

    if (names == NULL)
        return pcon_fail(err, errno, "read the container's layer at /%s", prefix);
    for (size_t i = 0; names[i]; i++) {
        cleanup_free char *rel = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", names[i]);
        struct stat st;

        if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* gone since: a running container's */
        if (is_whiteout(&st)) {
            strv_push_take(w->lines, xasprintf("D /%s", rel));
            continue;
        }
        if (skipped(w->skip, dfd, names[i], rel, &st))
            continue;
        bool changed = lower_has(w->layers, w->nlayers, rel);
        size_t at = strv_len(*w->lines);
        strv_push_take(w->lines, xasprintf("%c /%s", changed ? 'C' : 'A', rel));
        if (S_ISDIR(st.st_mode)) {
            cleanup_close int sub =
                openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0 && list_dir(w, sub, rel, err) < 0)
                return -1;
            /* a directory the image has, copied up only for what is skipped */
            if (changed && strv_len(*w->lines) == at + 1 && w->skip && sub >= 0
                && !is_opaque(sub)) {
                free((*w->lines)[at]);
                (*w->lines)[at] = NULL;
            }
        }
    }
    return 0;
}

/* the changes of the tree at ufd over the layers lower[0..n) (base first) */
static int
changes_over(struct store *st, int ufd, char *const *lower, size_t n, const char *const *skip,
             char ***lines, struct pcon_err *err)
{
    int *layers = xzalloc((n + 1) * sizeof *layers);
    struct list_walk w = { layers, 0, lines, skip };
    int r = -1;

    for (size_t i = 0; i < n; i++) {
        cleanup_free char *p = xasprintf("%s/diff", lower[i]);
        layers[i] = openat(st->layers_dfd, p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (layers[i] < 0) {
            pcon_fail(err, errno, "open layer %.12s", lower[i]);
            goto out;
        }
        w.nlayers = i + 1;
    }
    r = list_dir(&w, ufd, "", err);
out:
    for (size_t i = 0; i < w.nlayers; i++)
        close(layers[i]);
    free(layers);
    return r;
}

int
storage_changes_list(struct store *st, const struct image *img, const char *id,
                     const char *const *skip, char ***lines, struct pcon_err *err)
{
    cleanup_free char *upper = xasprintf("%s/upper", id);
    cleanup_close int ufd =
        openat(st->containers_dfd, upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (ufd < 0)
        return pcon_fail(err, errno,
                         "open the writable layer of container %.12s (diff needs an overlay"
                         " driver)",
                         id);
    return changes_over(st, ufd, img->layers, strv_len(img->layers), skip, lines, err);
}

int
storage_image_changes(struct store *st, const struct image *img, char ***lines,
                      struct pcon_err *err)
{
    size_t n = strv_len(img->layers);
    cleanup_free char *top = n ? xasprintf("%s/diff", img->layers[n - 1]) : NULL;
    cleanup_close int ufd = -1;

    if (n == 0)
        return 0;
    ufd = openat(st->layers_dfd, top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ufd < 0)
        return pcon_fail(err, errno, "open layer %.12s", img->layers[n - 1]);
    return changes_over(st, ufd, img->layers, n - 1, NULL, lines, err);
}

/* --- the layer tar ------------------------------------------------------------------ */

struct tar_walk {
    struct tar_writer t;
    const struct changes_tar_opts *o;
    int *layers; /* the image's, to tell a copied-up directory (or NULL) */
    size_t nlayers;
    /* hard links: the first path of each inode with more than one link */
    struct {
        dev_t dev;
        ino_t ino;
        char *path;
    } * links;
    size_t nlinks;
};

static char
tar_type(const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return '5';
    if (S_ISLNK(st->st_mode))
        return '2';
    if (S_ISCHR(st->st_mode))
        return '3';
    if (S_ISBLK(st->st_mode))
        return '4';
    if (S_ISFIFO(st->st_mode))
        return '6';
    return '0';
}

static int
put_entry(struct tar_walk *w, const char *path, const struct stat *st, int dfd, const char *name,
          const char *link_target, const char *hardlink, struct pcon_err *err)
{
    struct tar_header h = {
        .path = path,
        .linkname = hardlink ? hardlink : link_target,
        .type = hardlink ? '1' : tar_type(st),
        .mode = st->st_mode & 07777,
        .size = S_ISREG(st->st_mode) && !hardlink ? st->st_size : 0,
        .mtime = w->o && w->o->mtime >= 0 ? w->o->mtime : st->st_mtim.tv_sec,
        .devmajor = major(st->st_rdev),
        .devminor = minor(st->st_rdev),
    };
    cleanup_strv char **xnames = NULL;
    cleanup_free char *xbuf = NULL;
    cleanup_free const char **xvals = NULL;
    cleanup_free size_t *xsizes = NULL;
    cleanup_close int fd = -1;
    uid_t uid = st->st_uid;
    gid_t gid = st->st_gid;
    char names[4096];
    ssize_t nl = -1;
    size_t nx = 0, used = 0;

    if (w->o && w->o->ids)
        w->o->ids->fn(w->o->ids->opaque, &uid, &gid);
    h.uid = uid;
    h.gid = gid;
    /* xattrs (file capabilities among them), but not overlay's own */
    if (dfd >= 0 && name && !S_ISLNK(st->st_mode)) {
        char proc[64];
        fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (fd >= 0)
            nl = listxattr(proc, names, sizeof names);
        xbuf = xzalloc(65536);
        for (ssize_t off = 0; nl > 0 && off < nl; off += (ssize_t) strlen(names + off) + 1) {
            ssize_t vl;
            if (strncmp(names + off, "user.overlay.", 13) == 0 || used >= 65536)
                continue;
            vl = getxattr(proc, names + off, xbuf + used, 65536 - used);
            if (vl < 0)
                continue;
            /* a shifted root's file capabilities are the image root's */
            if (w->o && w->o->ids && strcmp(names + off, "security.capability") == 0
                && used + 24 <= 65536)
                vl = fs_cap_xattr_shift(xbuf + used, vl, w->o->ids);
            strv_push(&xnames, names + off);
            xvals = xrealloc(xvals, (nx + 1) * sizeof *xvals);
            xsizes = xrealloc(xsizes, (nx + 1) * sizeof *xsizes);
            xvals[nx] = xbuf + used;
            xsizes[nx++] = (size_t) vl;
            used += (size_t) vl;
        }
        h.xattr_names = xnames;
        h.xattr_values = xvals;
        h.xattr_sizes = xsizes;
    }
    if (tar_header_write(&w->t, &h, err) < 0)
        return pcon_prefix(err, "layer entry %s", path);
    if (h.size > 0) {
        cleanup_close int in = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        char buf[65536];
        long long left = h.size;
        ssize_t n;
        if (in < 0)
            return pcon_fail(err, errno, "open %s", path);
        while (
            left > 0
            && (n = read(in, buf,
                         (size_t) (left < (long long) sizeof buf ? left : (long long) sizeof buf)))
                   > 0) {
            if (tar_data(&w->t, buf, (size_t) n, err) < 0)
                return -1;
            left -= n;
        }
        /* a file that shrank while read (a running container's): zeros */
        while (left > 0) {
            size_t z = left < (long long) sizeof buf ? (size_t) left : sizeof buf;
            memset(buf, 0, z);
            if (tar_data(&w->t, buf, z, err) < 0)
                return -1;
            left -= (long long) z;
        }
    }
    return 0;
}

/* an empty regular file: a whiteout's form in a layer */
static int
put_marker(struct tar_walk *w, const char *path, struct pcon_err *err)
{
    struct stat st = { .st_mode = S_IFREG | 0644 };

    return put_entry(w, path, &st, -1, NULL, NULL, NULL, err);
}

static int
tar_dir(struct tar_walk *w, int dfd, const char *prefix, struct pcon_err *err)
{
    cleanup_strv char **names = sorted_names(dfd);

    if (names == NULL)
        return pcon_fail(err, errno, "read the writable layer at /%s", prefix);
    if (*prefix && is_opaque(dfd)) {
        cleanup_free char *m = xasprintf("%s/.wh..wh..opq", prefix);
        if (put_marker(w, m, err) < 0)
            return -1;
    }
    for (size_t i = 0; names[i]; i++) {
        cleanup_free char *rel = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", names[i]);
        const char *hardlink = NULL;
        char target[PATH_MAX];
        struct stat st;

        if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (w->o && skipped(w->o->skip, dfd, names[i], rel, &st))
            continue;
        /* a directory of the image's, copied up only for mount points */
        if (S_ISDIR(st.st_mode) && w->o && w->o->skip && w->layers
            && lower_has(w->layers, w->nlayers, rel)) {
            cleanup_close int sub =
                openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0 && !is_opaque(sub) && !has_kept(w->o->skip, sub, rel))
                continue;
        }
        if (is_whiteout(&st)) {
            cleanup_free char *m = xasprintf("%s%s.wh.%s", prefix, *prefix ? "/" : "", names[i]);
            if (put_marker(w, m, err) < 0)
                return -1;
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlinkat(dfd, names[i], target, sizeof target - 1);
            if (n < 0)
                return pcon_fail(err, errno, "read link %s", rel);
            target[n] = '\0';
        }
        if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
            for (size_t k = 0; k < w->nlinks && !hardlink; k++)
                if (w->links[k].dev == st.st_dev && w->links[k].ino == st.st_ino)
                    hardlink = w->links[k].path;
            if (!hardlink) {
                w->links = xrealloc(w->links, (w->nlinks + 1) * sizeof *w->links);
                w->links[w->nlinks].dev = st.st_dev;
                w->links[w->nlinks].ino = st.st_ino;
                w->links[w->nlinks++].path = xstrdup(rel);
            }
        }
        if (put_entry(w, rel, &st, dfd, names[i], S_ISLNK(st.st_mode) ? target : NULL, hardlink,
                      err)
            < 0)
            return -1;
        if (S_ISDIR(st.st_mode)) {
            cleanup_close int sub =
                openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                return pcon_fail(err, errno, "open %s", rel);
            if (tar_dir(w, sub, rel, err) < 0)
                return -1;
        }
    }
    return 0;
}

int
storage_changes_tar_dir(int dirfd, int fd, const struct changes_tar_opts *o, struct pcon_err *err)
{
    struct tar_walk w = { { fd, 0, 0 }, o, NULL, 0, NULL, 0 };
    int r = tar_dir(&w, dirfd, "", err) < 0 || tar_finish(&w.t, err) < 0 ? -1 : 0;

    for (size_t i = 0; i < w.nlinks; i++)
        free(w.links[i].path);
    free(w.links);
    return r;
}

int
storage_changes_tar(struct store *st, const struct image *img, const char *id, int fd,
                    const struct changes_tar_opts *o, struct pcon_err *err)
{
    cleanup_free char *upper = xasprintf("%s/upper", id);
    cleanup_close int ufd =
        openat(st->containers_dfd, upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    size_t n = strv_len(img->layers), opened = 0;
    int *layers = xzalloc((n + 1) * sizeof *layers);
    struct tar_walk w = { { fd, 0, 0 }, o, layers, 0, NULL, 0 };
    int r = -1;

    if (ufd < 0) {
        pcon_fail(err, errno,
                  "open the writable layer of container %.12s (commit needs an overlay driver)",
                  id);
        goto out;
    }
    for (; opened < n; opened++) {
        cleanup_free char *p = xasprintf("%s/diff", img->layers[opened]);
        layers[opened] = openat(st->layers_dfd, p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (layers[opened] < 0) {
            pcon_fail(err, errno, "open layer %.12s", img->layers[opened]);
            goto out;
        }
    }
    w.nlayers = n;
    r = tar_dir(&w, ufd, "", err) < 0 || tar_finish(&w.t, err) < 0 ? -1 : 0;
out:
    for (size_t i = 0; i < opened; i++)
        close(layers[i]);
    free(layers);
    for (size_t i = 0; i < w.nlinks; i++)
        free(w.links[i].path);
    free(w.links);
    return r;
}
