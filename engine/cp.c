// SPDX-License-Identifier: Apache-2.0
/* pcon cp: files between the host and a container's root. A running
 * container's root is reached through /proc/PID/root (its mounts, volumes
 * included); a stopped one's is mounted in this process's own mount
 * namespace. Container paths resolve inside the root (RESOLVE_IN_ROOT), as
 * the container would see them. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../storage/image.h"
#include "../storage/changes.h"
#include "../storage/rootfs.h"
#include "container.h"
#include "usermap.h"

/* the container's root on dir, in a mount namespace of this process's own */
static int
root_mount(struct store *st, const struct container *c, const struct image *img, const char *dir,
           struct pcon_err *err)
{
    if (fs_mkdir_p(dir, 0700, err) < 0)
        return -1;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return pcon_fail(err, errno, "mount the root of %s", c->cfg.name);
    struct usermap_shift shift;
    int shifted = engine_usermap_shift(&c->cfg, &shift, err);

    if (shifted < 0)
        return -1;
    return storage_rootfs_mount(st, img, c->cfg.id, shifted ? &shift.s : NULL, dir, 0, err);
}

static int
root_open(struct store *st, const struct container *c, struct pcon_err *err)
{
    struct image img;
    cleanup_free char *dir = NULL;
    int fd, r;

    if (c->state.status == CTR_RUNNING && engine_ctr_alive(c)) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/root", (int) c->state.pid);
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        /* opened first, checked after: the root is the recorded process's */
        if (fd >= 0 && proc_alive(c->state.pid, c->state.pid_start))
            return fd;
        if (fd >= 0)
            close(fd);
    }
    if (engine_ctr_image(st, &c->cfg, &img, err) < 0)
        return -1;
    dir = xasprintf("%s/containers/%s/cp", st->runroot, c->cfg.id);
    st->driver = c->cfg.driver;
    r = root_mount(st, c, &img, dir, err);
    storage_image_free(&img);
    if (r < 0)
        return -1;
    fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return pcon_fail(err, errno, "open the root of %s", c->cfg.name);
    return fd;
}

/* "dir/." copies the contents of dir */
static bool
wants_contents(const char *path)
{
    size_t n = strlen(path);

    return n >= 2 && strcmp(path + n - 2, "/.") == 0;
}

/* a/b, a for b "." */
static char *
path_join(const char *a, const char *b)
{
    size_t n = strlen(a);

    if (strcmp(b, ".") == 0)
        return xstrdup(a);
    return xasprintf("%s%s%s", a, n > 0 && a[n - 1] == '/' ? "" : "/", b);
}

/* a directory the copy goes into, inside the root (rootfd) or on the host */
static int
dest_dir_open(int rootfd, const char *path, const char *dst, struct pcon_err *err)
{
    int fd;

    if (rootfd >= 0)
        return fs_open_in_root(rootfd, path, O_RDONLY | O_DIRECTORY, 0, err);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return pcon_fail(err, errno, "destination \"%s\"", dst);
    return fd;
}

/* Where the copy of a source named base lands, docker cp's rules: into an
 * existing directory under base (or as its contents), else as dst itself.
 * shown: that place, as messages name it. */
static int
dest_resolve(int rootfd, const char *dst, const char *base, bool src_dir, bool contents, int *pdir,
             char **name, char **shown, struct pcon_err *err)
{
    cleanup_free char *copy = xstrdup(dst), *copy2 = xstrdup(dst);
    cleanup_close int fd =
        rootfd >= 0 ? fs_open_in_root(rootfd, dst, O_PATH, 0, NULL) : open(dst, O_PATH | O_CLOEXEC);
    struct stat st;

    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (contents) {
            *pdir = dest_dir_open(rootfd, dst, dst, err);
            *name = NULL;
            *shown = xstrdup(dst);
        } else {
            *pdir = dest_dir_open(rootfd, dst, dst, err);
            *name = xstrdup(base);
            *shown = path_join(dst, base);
        }
    } else {
        if (fd >= 0 && src_dir)
            return pcon_fail(err, ENOTDIR, "cannot copy a directory onto file \"%s\"", dst);
        if (dst[0] == '\0' || dst[strlen(dst) - 1] == '/')
            return pcon_fail(err, ENOENT, "destination directory \"%s\"", dst);
        if (rootfd >= 0) {
            /* missing parents inside the container are made, as podman does */
            cleanup_close int made = fs_mkdir_in_root(rootfd, dirname(copy), 0755, err);
            *pdir = made < 0 ? -1 : dest_dir_open(rootfd, copy, dst, err);
        } else {
            *pdir = dest_dir_open(-1, dirname(copy), dst, err);
        }
        *name = xstrdup(basename(copy2));
        *shown = xstrdup(dst);
    }
    if (*pdir < 0) {
        free(*name);
        free(*shown);
        *name = *shown = NULL;
        return -1;
    }
    return 0;
}

/* How messages name a path of the copy: the container's as CONTAINER:PATH,
 * the contents of a directory ("dir/.") as the directory. */
static char *
path_shown(const struct container *c, bool in_ctr, const char *path, bool contents)
{
    cleanup_free char *p = xstrndup(path, strlen(path) - (contents ? 2 : 0));

    if (*p == '\0') {
        free(p);
        p = xstrdup("/");
    }
    return in_ctr ? xasprintf("%s:%s", c->cfg.name, p) : steal_ptr(&p);
}

int
engine_ctr_copy(struct store *st, struct container *c, bool into, const char *src, const char *dst,
                bool overwrite, struct pcon_err *err)
{
    unsigned flags = FS_COPY_REPLACE | (overwrite ? FS_COPY_OVERWRITE : 0);
    cleanup_close int rootfd = root_open(st, c, err);
    cleanup_close int sdir = -1, ddir = -1;
    cleanup_free char *scopy = xstrdup(src), *scopy2 = xstrdup(src), *name = NULL;
    cleanup_free char *dshown = NULL, *sshown = NULL, *dtop = NULL;
    struct fs_copy_names names;
    const char *sbase;
    bool contents = wants_contents(src);
    struct stat sst;
    int r;

    if (rootfd < 0)
        return -1;
    /* the source: its parent directory and its name */
    if (into) {
        sdir = open(contents ? src : dirname(scopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } else {
        sdir = fs_open_in_root(rootfd, contents ? src : dirname(scopy), O_RDONLY | O_DIRECTORY, 0,
                               NULL);
    }
    sbase = contents ? "." : basename(scopy2);
    if (strcmp(sbase, "/") == 0)
        sbase = ".";
    if (sdir < 0 || fstatat(sdir, sbase, &sst, AT_SYMLINK_NOFOLLOW) < 0)
        return pcon_fail(err, errno, "could not find \"%s\" in %s", src,
                         into ? "the host" : "the container");
    if (dest_resolve(into ? rootfd : -1, dst, sbase, S_ISDIR(sst.st_mode), contents, &ddir, &name,
                     &dtop, err)
        < 0)
        return -1;
    names.src = sshown = path_shown(c, !into, src, contents);
    names.dst = dshown = path_shown(c, into, dtop, false);
    if (name == NULL || strcmp(sbase, ".") == 0) {
        /* contents into an existing directory */
        cleanup_close int s = openat(sdir, sbase, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s < 0)
            return pcon_fail(err, errno, "open \"%s\"", src);
        if (name) {
            cleanup_close int d = -1;
            if (mkdirat(ddir, name, 0755) < 0 && errno != EEXIST)
                return pcon_fail(err, errno, "create \"%s\"", dst);
            d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (d < 0)
                return pcon_fail(err, errno, "open \"%s\"", dst);
            r = fs_copy_at(s, NULL, d, NULL, flags, &names, err);
        } else {
            r = fs_copy_at(s, NULL, ddir, NULL, flags, &names, err);
        }
    } else {
        /* copies belong to the container's root inside, to the user outside */
        r = fs_copy_at(sdir, sbase, ddir, name, flags, &names, err);
    }
    return r < 0 ? pcon_prefix(err, "copy \"%s\" to \"%s\"", src, dst) : 0;
}

int
engine_ctr_export(struct store *st, const struct container *c, int fd, struct pcon_err *err)
{
    struct image img = { 0 };
    struct usermap_shift shift;
    struct fs_idshift back = { NULL, NULL };
    struct changes_tar_opts to = { NULL, -1, NULL };
    cleanup_free char *dir = NULL;
    cleanup_close int rootfd = -1;
    int shifted, r;

    if (engine_ctr_imageless(&c->cfg))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "an infra container has no files to export");
    if (engine_ctr_image(st, &c->cfg, &img, err) < 0)
        return -1;
    /* its own mount of the root: a running container's /proc/PID/root
     * would have /proc, /dev and the volumes in it */
    dir = xasprintf("%s/containers/%s/export", st->runroot, c->cfg.id);
    st->driver = c->cfg.driver;
    r = root_mount(st, c, &img, dir, err);
    storage_image_free(&img);
    if (r < 0)
        return -1;
    rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return pcon_fail(err, errno, "open the root of %s", c->cfg.name);
    shifted = engine_usermap_shift(&c->cfg, &shift, err);
    if (shifted < 0)
        return -1;
    if (shifted) {
        back.fn = engine_usermap_unshift;
        back.opaque = &shift;
        to.ids = &back;
    }
    r = storage_changes_tar_dir(rootfd, fd, &to, err);
    (void) storage_rootfs_unmount(dir, NULL);
    return r;
}

/* <rundir>/merged, and whether a file system is mounted there */
static char *
merged_dir(struct store *st, const struct container *c, bool *mounted)
{
    char *dir = xasprintf("%s/containers/%s/merged", st->runroot, c->cfg.id);
    cleanup_free char *parent = xasprintf("%s/containers/%s", st->runroot, c->cfg.id);
    cleanup_close int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);

    *mounted = pfd >= 0 && fs_is_mount_below(pfd, "merged");
    return dir;
}

char *
engine_ctr_mounted(struct store *st, const struct container *c)
{
    bool mounted;
    char *dir = merged_dir(st, c, &mounted);

    if (mounted)
        return dir;
    free(dir);
    return NULL;
}

int
engine_ctr_mount(struct store *st, const struct container *c, char **path, struct pcon_err *err)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, err);
    struct usermap_shift shift;
    struct image img;
    bool mounted;
    char *dir;
    int shifted, r;

    *path = NULL;
    if (lock < 0)
        return -1;
    if (engine_ctr_imageless(&c->cfg))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "an infra container has no files to mount");
    if (c->state.status == CTR_RUNNING && engine_ctr_alive(c)) {
        /* its root is mounted already, in its own namespace */
        *path = xasprintf("/proc/%d/root", (int) c->state.pid);
        return 0;
    }
    dir = merged_dir(st, c, &mounted);
    if (mounted) {
        *path = dir;
        return 0;
    }
    shifted = engine_usermap_shift(&c->cfg, &shift, err);
    if (shifted < 0 || fs_mkdir_p(dir, 0700, err) < 0
        || engine_ctr_image(st, &c->cfg, &img, err) < 0) {
        free(dir);
        return -1;
    }
    st->driver = c->cfg.driver;
    r = storage_rootfs_mount(st, &img, c->cfg.id, shifted ? &shift.s : NULL, dir, 0, err);
    storage_image_free(&img);
    if (r < 0) {
        free(dir);
        return pcon_prefix(err, "mount the root of %s", c->cfg.name);
    }
    *path = dir;
    return 0;
}

int
engine_ctr_unmount(struct store *st, const struct container *c, struct pcon_err *err)
{
    bool mounted;
    cleanup_free char *dir = merged_dir(st, c, &mounted);

    if (mounted && storage_rootfs_unmount(dir, err) < 0)
        return pcon_prefix(err, "unmount the root of %s", c->cfg.name);
    (void) rmdir(dir);
    return 0;
}
