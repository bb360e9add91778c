// SPDX-License-Identifier: Apache-2.0
/* Root file systems of containers. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "rootfs.h"

#define DRIVER_CACHE "storage-driver"
#define VIEW_DIR     "view" /* containers/<id>/view: the layers' view */

/* a layer's tree, relative to the graph root: its own or a shifted copy */
static char *
layer_tree(const char *layer, const char *shift_key)
{
    if (shift_key)
        return xasprintf("layers/%s/mapped/%s", layer, shift_key);
    return xasprintf("layers/%s/diff", layer);
}

/* lowerdir for img, relative to prefix ("" or the graph root and a
 * slash), top layer first */
static char *
lowerdirs(const struct image *img, const char *prefix, const char *shift_key)
{
    size_t n = strv_len(img->layers);
    char *s = xstrdup("");

    for (size_t i = n; i-- > 0;) {
        cleanup_free char *tree = layer_tree(img->layers[i], shift_key);
        char *t = xasprintf("%s%s%s%s", s, *s ? ":" : "", prefix, tree);
        free(s);
        s = t;
    }
    return s;
}

/* overlay's option string must fit one page: paths are relative to the
 * graph root, made the cwd for the mount call. By path, not by fd: overlay
 * refuses layers reached through a mount of another mount namespace, and
 * the store's fds may come from one. */
static int
overlay_mount_rel(const char *graphroot, const char *lower, const char *upper, const char *work,
                  const char *target, bool volatile_upper, struct pcon_err *err)
{
    cleanup_free char *opts =
        xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s%s", lower, upper, work,
                  proc_in_userns() ? ",userxattr" : "", volatile_upper ? ",volatile" : "");
    cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int r, e;

    if (strlen(opts) >= 4096)
        return pcon_fail(err, E2BIG, "mount overlay: too many layers");
    if (cwd < 0 || chdir(graphroot) < 0)
        return pcon_fail(err, errno, "enter the graph root");
    r = mount("overlay", target, "overlay", 0, opts);
    e = errno;
    if (fchdir(cwd) < 0)
        return pcon_fail(err, errno, "return to the working directory");
    if (r < 0)
        return pcon_fail(err, e, "mount overlay on \"%s\"", target);
    return 0;
}

static bool
fuse_usable(void)
{
    return access("/dev/fuse", R_OK | W_OK) == 0
           && (access("/usr/bin/fuse-overlayfs", X_OK) == 0
               || access("/usr/local/bin/fuse-overlayfs", X_OK) == 0);
}

/* Runs in a child with its own mount namespace: can native overlay mount
 * here? Exits with 0 or the errno. */
static int
probe_overlay(struct store *st, struct pcon_err *err)
{
    cleanup_free char *dir = xasprintf(".probe-%d", getpid());
    const char *subs[] = { "lower", "upper", "work", "merged" };
    cleanup_close int dfd = -1;
    pid_t pid;
    int status, ret;

    if (mkdirat(st->root_dfd, dir, 0700) < 0)
        return pcon_fail(err, errno, "create probe directory");
    dfd = openat(st->root_dfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (size_t i = 0; dfd >= 0 && i < 4; i++)
        if (mkdirat(dfd, subs[i], 0700) < 0)
            break;
    pid = fork();
    if (pid == 0) {
        cleanup_free char *m = xasprintf("%s/merged", dir);
        cleanup_free char *l = xasprintf("%s/lower", dir);
        cleanup_free char *u = xasprintf("%s/upper", dir);
        cleanup_free char *w = xasprintf("%s/work", dir);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            _exit(errno);
        if (overlay_mount_rel(st->graphroot, l, u, w, m, false, NULL) < 0)
            _exit(errno ? errno : EINVAL);
        _exit(0);
    }
    ret = pid < 0 ? -1 : 0;
    if (pid > 0 && TEMP_FAILURE_RETRY_INT(waitpid(pid, &status, 0)) == pid)
        ret = WIFEXITED(status) ? WEXITSTATUS(status) : EINVAL;
    (void) fs_rm_rf_at(st->root_dfd, dir, NULL); /* probe leftovers only */
    if (pid < 0)
        return pcon_fail(err, errno, "fork the overlay probe");
    return ret;
}

int
storage_driver_resolve(struct store *st, char **reason, struct pcon_err *err)
{
    cleanup_free char *cache = NULL, *why = NULL;
    enum storage_driver d = STORAGE_DRIVER_VFS;
    char *nl;
    int r;

    if (st->driver != STORAGE_DRIVER_AUTO) {
        if (reason)
            *reason = xstrdup(st->driver_why ? st->driver_why : "chosen with --storage-driver");
        return 0;
    }
    cache = fs_read_all(st->run_dfd, DRIVER_CACHE, 4096, NULL, NULL);
    if (cache && (nl = strchr(cache, '\n')) != NULL) {
        *nl = '\0';
        if (storage_driver_parse(cache, &d, NULL) == 0 && d != STORAGE_DRIVER_AUTO) {
            st->driver = d;
            if (reason)
                *reason = xstrdup(nl + 1);
            return 0;
        }
    }
    r = probe_overlay(st, err);
    if (r < 0)
        return -1;
    if (r == 0) {
        d = STORAGE_DRIVER_OVERLAY;
        why = xstrdup("native overlayfs mounts in the user namespace (userxattr)");
    } else if (fuse_usable()) {
        d = STORAGE_DRIVER_FUSE;
        why = xasprintf("native overlayfs cannot mount here (%s)", strerror(r));
    } else {
        d = STORAGE_DRIVER_VFS;
        why = xasprintf("native overlayfs cannot mount here (%s) and fuse-overlayfs is not"
                        " usable",
                        strerror(r));
    }
    st->driver = d;
    cache = xasprintf("%s\n%s", storage_driver_name(d), why);
    (void) fs_write_atomic(st->run_dfd, DRIVER_CACHE, cache, strlen(cache), 0600, false, NULL);
    if (reason)
        *reason = steal_ptr(&why);
    return 0;
}

static bool
valid_key(const char *key)
{
    size_t n = strspn(key, "0123456789abcdef");

    return n == 16 && key[n] == '\0';
}

/* leftovers of a copy whose maker died (".tmp-KEY-PID") */
static void
shift_sweep(int mdfd)
{
    cleanup_closedir DIR *d = fs_opendir_at(mdfd);
    struct dirent *de;

    while (d && (de = readdir(d)) != NULL) {
        const char *dash = strrchr(de->d_name, '-');
        int pid;

        if (strncmp(de->d_name, ".tmp-", 5) != 0 || dash == NULL
            || sscanf(dash + 1, "%d", &pid) != 1 || pid <= 0
            || (kill(pid, 0) == 0 || errno == EPERM))
            continue;
        (void) fs_rm_rf_at(mdfd, de->d_name, NULL);
    }
}

static int
layer_shift(struct store *st, const char *layer, const struct storage_shift *s,
            struct pcon_err *err)
{
    cleanup_close int ldfd = openat(st->layers_dfd, layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int mdfd = -1, src = -1, tfd = -1;
    char tmp[64];

    if (ldfd < 0)
        return pcon_fail(err, errno, "open layer %.12s", layer);
    if (mkdirat(ldfd, "mapped", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create the shifted copies of layer %.12s", layer);
    mdfd = openat(ldfd, "mapped", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (mdfd < 0)
        return pcon_fail(err, errno, "open the shifted copies of layer %.12s", layer);
    if (faccessat(mdfd, s->key, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return 0;
    shift_sweep(mdfd);
    snprintf(tmp, sizeof tmp, ".tmp-%s-%d", s->key, (int) getpid());
    (void) fs_rm_rf_at(mdfd, tmp, NULL);
    src = openat(ldfd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (src < 0)
        return pcon_fail(err, errno, "open layer %.12s", layer);
    if (mkdirat(mdfd, tmp, 0700) < 0
        || (tfd = openat(mdfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return pcon_fail(err, errno, "create a shifted copy of layer %.12s", layer);
    /* a layer known to have no file xattrs spares listing them per file */
    struct layer_info li;
    unsigned flags = storage_layer_read(st, layer, &li, NULL) == 0 && li.file_xattrs == 0
                         ? FS_COPY_NO_FILE_XATTRS
                         : 0;
    if (fs_copy_tree_shifted(src, tfd, &s->ids, flags, err) < 0 || syncfs(tfd) < 0) {
        if (err->msg[0] == '\0')
            pcon_fail(err, errno, "sync");
        (void) fs_rm_rf_at(mdfd, tmp, NULL);
        return pcon_prefix(err, "shifted copy of layer %.12s", layer);
    }
    if (renameat(mdfd, tmp, mdfd, s->key) < 0) {
        int e = errno;
        (void) fs_rm_rf_at(mdfd, tmp, NULL);
        if (e != EEXIST && e != ENOTEMPTY) /* else another copy won */
            return pcon_fail(err, e, "keep the shifted copy of layer %.12s", layer);
    }
    return 0;
}

int
storage_layers_shift(struct store *st, const struct image *img, const struct storage_shift *s,
                     struct pcon_err *err)
{
    if (!valid_key(s->key))
        return pcon_fail(err, EINVAL, "invalid shift key \"%s\"", s->key);
    for (size_t i = 0; img->layers && img->layers[i]; i++)
        if (layer_shift(st, img->layers[i], s, err) < 0)
            return -1;
    return 0;
}

static int
vfs_populate(struct store *st, const struct image *img, const struct storage_shift *s, int ctrfd,
             struct pcon_err *err)
{
    cleanup_close int rootfd = -1;

    if (mkdirat(ctrfd, "rootfs", 0755) < 0)
        return pcon_fail(err, errno, "create rootfs directory");
    rootfd = openat(ctrfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (rootfd < 0)
        return pcon_fail(err, errno, "open rootfs directory");
    for (size_t i = 0; img->layers[i]; i++) {
        cleanup_free char *p = layer_tree(img->layers[i], s ? s->key : NULL);
        cleanup_close int lfd = openat(st->root_dfd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (lfd < 0)
            return pcon_fail(err, errno, "open layer %.12s", img->layers[i]);
        if (fs_copy_tree(lfd, rootfd, FS_COPY_OVERLAY | FS_COPY_OWNER, err) < 0)
            return pcon_prefix(err, "copy layer %.12s", img->layers[i]);
    }
    return 0;
}

/* whether every layer of img has its shifted copy for key */
static bool
shifted_all(struct store *st, const struct image *img, const char *key)
{
    for (size_t i = 0; img->layers && img->layers[i]; i++) {
        cleanup_free char *p = xasprintf("%s/mapped/%s", img->layers[i], key);
        if (faccessat(st->layers_dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
            return false;
    }
    return true;
}

/* The view shows owners shifted but xattrs as they are: a file capability
 * keeps the root id of pcon's namespace there, which the shifted copy
 * rewrites for the container's root. Only for layers known to have no file
 * xattrs, then. */
static bool
view_usable(struct store *st, const struct image *img, const struct storage_shift *s)
{
    if (!s || !s->view_uidmap || !s->view_gidmap || st->driver != STORAGE_DRIVER_OVERLAY
        || !fuse_usable())
        return false;
    for (size_t i = 0; img->layers && img->layers[i]; i++) {
        struct layer_info li;
        if (storage_layer_read(st, img->layers[i], &li, NULL) < 0 || li.file_xattrs != 0)
            return false;
    }
    return true;
}

int
storage_container_create(struct store *st, const struct image *img, const char *id,
                         const struct storage_shift *s, struct pcon_err *err)
{
    cleanup_close int fd = -1;
    uid_t uid = 0;
    gid_t gid = 0;

    if (storage_driver_resolve(st, NULL, err) < 0)
        return -1;
    if (mkdirat(st->containers_dfd, id, 0700) < 0)
        return pcon_fail(err, errno, "create container directory");
    fd = openat(st->containers_dfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        pcon_fail(err, errno, "open container directory");
        goto fail;
    }
    /* the copies now, unless the first start can go over the view while
     * they are made */
    if (s && !view_usable(st, img, s) && storage_layers_shift(st, img, s, err) < 0)
        goto fail;
    if (st->driver == STORAGE_DRIVER_VFS) {
        if (vfs_populate(st, img, s, fd, err) < 0)
            goto fail;
    } else if (mkdirat(fd, "upper", 0755) < 0 || mkdirat(fd, "work", 0700) < 0) {
        pcon_fail(err, errno, "create container layer");
        goto fail;
    }
    /* the root directory of the container is its root's */
    if (s)
        s->ids.fn(s->ids.opaque, &uid, &gid);
    if (s
        && fchownat(fd, st->driver == STORAGE_DRIVER_VFS ? "rootfs" : "upper", uid, gid,
                    AT_SYMLINK_NOFOLLOW)
               < 0) {
        pcon_fail(err, errno, "give the container's layer to its root");
        goto fail;
    }
    return steal_fd(&fd);
fail:
    (void) fs_rm_rf_at(st->containers_dfd, id, NULL); /* nothing half-made stays */
    return -1;
}

/* 1: read into *text; 0: not in this layer; -1: deleted here (a whiteout) */
static int
layer_file(int dfd, const char *rel, size_t max, char **text)
{
    cleanup_close int fd = -1;
    struct stat sb;

    if (dfd < 0 || fstatat(dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (S_ISCHR(sb.st_mode) && sb.st_rdev == makedev(0, 0))
        return -1;
    fd = fs_open_regular_in_root(dfd, rel, NULL);
    *text = fd < 0 ? NULL : fs_read_fd(fd, max, NULL, NULL);
    return *text ? 1 : -1;
}

char *
storage_container_file(struct store *st, const struct image *img, const char *id, const char *rel,
                       size_t max)
{
    cleanup_free char *top =
        xasprintf("%s/%s", id, st->driver == STORAGE_DRIVER_VFS ? "rootfs" : "upper");
    cleanup_close int tfd =
        openat(st->containers_dfd, top, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    char *text = NULL;
    int r = layer_file(tfd, rel, max, &text);

    for (size_t i = strv_len(img->layers); r == 0 && st->driver != STORAGE_DRIVER_VFS && i-- > 0;) {
        cleanup_free char *dir = xasprintf("%s/diff", img->layers[i]);
        cleanup_close int dfd = openat(st->layers_dfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = layer_file(dfd, rel, max, &text);
    }
    if (r <= 0)
        errno = ENOENT;
    return r > 0 ? text : NULL;
}

#define TRASH_PREFIX ".tmp-rm-"

/* what deleters killed midway left: each not locked by a live deleter */
static void
trash_sweep(struct store *st)
{
    cleanup_closedir DIR *d = fs_opendir_at(st->containers_dfd);
    struct dirent *de;

    while (d && (de = readdir(d)) != NULL) {
        cleanup_close int fd = -1;
        if (strncmp(de->d_name, TRASH_PREFIX, strlen(TRASH_PREFIX)) != 0)
            continue;
        fd =
            openat(st->containers_dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
            (void) fs_rm_rf_at(st->containers_dfd, de->d_name, NULL);
    }
}

/* The container's directory leaves the store at once, renamed to a
 * temporary no listing shows, and is deleted by a process of its own that
 * nobody waits for (a writable layer's thousands of files are not the
 * caller's wait). The deleter holds a lock on the directory: a sweep by
 * the next delete removes only what a killed one left. */
int
storage_container_delete(struct store *st, const char *id, struct pcon_err *err)
{
    char trash[sizeof TRASH_PREFIX + 72];
    cleanup_close int fd = -1;
    pid_t pid;

    snprintf(trash, sizeof trash, TRASH_PREFIX "%s", id);
    trash_sweep(st);
    if (renameat(st->containers_dfd, id, st->containers_dfd, trash) < 0) {
        if (errno == ENOENT)
            return 0;
        return fs_rm_rf_at(st->containers_dfd, id, err);
    }
    fd = openat(st->containers_dfd, trash, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
        return fs_rm_rf_at(st->containers_dfd, trash, err);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        /* a grandchild, reaped by whoever adopts it; it keeps only the
         * store's containers directory and its lock */
        int keep[] = { st->containers_dfd, fd };
        pid_t p2 = fork();
        if (p2 != 0)
            _exit(p2 < 0);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        /* nothing of the caller's stays open: `$(pcon rm ...)` would wait */
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || setsid() < 0
            || proc_close_fds_except(keep, 2) < 0)
            _exit(1);
        (void) fs_rm_rf_at(st->containers_dfd, trash, NULL);
        _exit(0);
    }
    if (pid < 0 || proc_wait_exit(pid, NULL) != 0) {
        /* no deleter: this process deletes */
        close(fd);
        fd = -1;
        return fs_rm_rf_at(st->containers_dfd, trash, err);
    }
    return 0;
}

#define ROOTFS_SOURCE "rootfs-source"

int
storage_container_rootfs_set(int dfd, const char *path, bool overlay, struct pcon_err *err)
{
    cleanup_free char *text = xasprintf("%s\n%s", path, overlay ? "overlay\n" : "");

    return fs_write_atomic(dfd, ROOTFS_SOURCE, text, strlen(text), 0600, false, err);
}

/* run --rootfs DIR[:O]: DIR itself, bound (its changes DIR's), or the lower
 * layer of an overlay whose upper is the container's own */
static int
rootfs_source_mount(struct store *st, const char *id, const char *text, const char *target,
                    bool ephemeral, struct pcon_err *err)
{
    cleanup_free char *path = xstrndup(text, strcspn(text, "\n"));
    bool overlay = strstr(text, "\noverlay\n") != NULL;
    cleanup_free char *upper = xasprintf("containers/%s/upper", id);
    cleanup_free char *work = xasprintf("containers/%s/work", id);

    if (path[0] != '/')
        return pcon_fail(err, EINVAL, "container %.12s: invalid root directory record", id);
    if (!overlay) {
        if (mount(path, target, NULL, MS_BIND | MS_REC, NULL) < 0)
            return pcon_fail(err, errno, "bind mount the root directory %s", path);
        return 0;
    }
    switch (st->driver) {
    case STORAGE_DRIVER_OVERLAY:
        return overlay_mount_rel(st->graphroot, path, upper, work, target, ephemeral, err);
    case STORAGE_DRIVER_FUSE: {
        cleanup_free char *opts = xasprintf("lowerdir=%s,upperdir=%s/%s,workdir=%s/%s", path,
                                            st->graphroot, upper, st->graphroot, work);
        char *argv[] = { "fuse-overlayfs", "-o", opts, (char *) target, NULL };
        if (proc_run(argv, err) < 0)
            return pcon_prefix(err, "mount fuse-overlayfs on \"%s\"", target);
        return 0;
    }
    default:
        return pcon_fail(err, ENOTSUP,
                         "an overlay over a root directory (:O) needs the overlay"
                         " or fuse-overlayfs driver");
    }
}

/* the view's mount is up: its directory is on another file system than
 * the container's directory. By path: the store's fds may be of another
 * mount namespace, which does not have the mount. */
static bool
view_up(const char *view)
{
    cleanup_free char *dir = xstrdup(view);
    struct stat a, b;

    *strrchr(dir, '/') = '\0';
    return stat(dir, &a) == 0 && stat(view, &b) == 0 && a.st_dev != b.st_dev;
}

/* The layers as they are, merged read only by fuse-overlayfs with the
 * container's maps applied to their owners (on disk an image's id is the
 * container's, shown as the outer id the container sees as it: what the
 * shifted copies hold), on containers/<id>/view: *lower, relative to the
 * graph root, for overlay to take as its lower layer. The daemon stays in
 * the foreground, a child of the caller's that dies with it: a killed
 * monitor leaves no daemon holding its mount namespace. */
static int
view_mount(struct store *st, const struct image *img, const char *id, const struct storage_shift *s,
           char **lower, struct pcon_err *err)
{
    cleanup_free char *prefix = xasprintf("%s/", st->graphroot);
    cleanup_free char *layers = lowerdirs(img, prefix, NULL);
    cleanup_free char *view = xasprintf("%s/containers/%s/" VIEW_DIR, st->graphroot, id);
    cleanup_free char *opts = xasprintf("lowerdir=%s,uidmapping=%s,gidmapping=%s", layers,
                                        s->view_uidmap, s->view_gidmap);
    char *argv[] = { "fuse-overlayfs", "-f", "-o", opts, view, NULL };
    cleanup_close int ctrfd =
        openat(st->containers_dfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    pid_t parent = getpid(), pid;
    int status;

    if (ctrfd < 0 || (mkdirat(ctrfd, VIEW_DIR, 0700) < 0 && errno != EEXIST))
        return pcon_fail(err, errno, "create the layers' view of container %.12s", id);
    pid = fork();
    if (pid < 0)
        return pcon_fail(err, errno, "fork");
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent || null < 0
            || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    /* up within moments, or gone */
    for (int i = 0; i < 1000 && !view_up(view); i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return pcon_fail(err, 0,
                             "fuse-overlayfs ended before its view of container %.12s was"
                             " mounted",
                             id);
        usleep(5000);
    }
    if (!view_up(view)) {
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, &status, 0);
        return pcon_fail(err, ETIMEDOUT, "mount the layers' view of container %.12s", id);
    }
    *lower = xasprintf("containers/%s/" VIEW_DIR, id);
    return 0;
}

/* The shifted copies, made by a child of the caller's (which reaps it, or
 * leaves it to its reaper) behind the container: the next start finds
 * them. Its failure is the next start's to see. */
static void
shift_later(struct store *st, const struct image *img, const struct storage_shift *s)
{
    const int keep[] = { st->root_dfd, st->run_dfd, st->layers_dfd, st->images_dfd,
                         st->containers_dfd };
    struct pcon_err err = { 0 };
    int null;
    pid_t pid = fork();

    if (pid != 0)
        return; /* a failed fork: the copies wait for the next start */
    /* nothing of the caller's kept open: no pipe of a container's output
     * or a caller's terminal waits for the copy to end */
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0
        || proc_close_fds_except(keep, sizeof keep / sizeof keep[0]) < 0)
        _exit(1);
    (void) setpriority(PRIO_PROCESS, 0, 10); /* behind the container */
    _exit(storage_layers_shift(st, img, s, &err) < 0 ? 1 : 0);
}

int
storage_rootfs_mount(struct store *st, const struct image *img, const char *id,
                     const struct storage_shift *s, const char *target, unsigned flags,
                     struct pcon_err *err)
{
    cleanup_free char *lower = NULL, *source = NULL;
    cleanup_free char *upper = xasprintf("containers/%s/upper", id);
    cleanup_free char *work = xasprintf("containers/%s/work", id);
    const char *shift_key = s ? s->key : NULL;
    bool ephemeral = flags & STORAGE_MOUNT_EPHEMERAL;

    /* a container of a root directory (--rootfs), not of an image's layers */
    if (img->layers == NULL || img->layers[0] == NULL) {
        cleanup_free char *rel = xasprintf("%s/" ROOTFS_SOURCE, id);
        source = fs_read_all(st->containers_dfd, rel, 8192, NULL, NULL);
        if (source)
            return rootfs_source_mount(st, id, source, target, ephemeral, err);
    }
    if (s && st->driver != STORAGE_DRIVER_VFS && !shifted_all(st, img, s->key)) {
        if ((flags & STORAGE_MOUNT_VIEW) && view_usable(st, img, s)) {
            if (view_mount(st, img, id, s, &lower, err) == 0) {
                shift_later(st, img, s);
                if (overlay_mount_rel(st->graphroot, lower, upper, work, target, ephemeral, err)
                    == 0)
                    return 0;
                storage_rootfs_view_unmount(st, id);
                free(lower);
                lower = NULL;
            }
            /* no view here: the copies first, as without one */
            pcon_err_clear(err);
        }
        if (storage_layers_shift(st, img, s, err) < 0)
            return -1;
    }
    lower = lowerdirs(img, "", shift_key);
    switch (st->driver) {
    case STORAGE_DRIVER_OVERLAY:
        return overlay_mount_rel(st->graphroot, lower, upper, work, target, ephemeral, err);
    case STORAGE_DRIVER_FUSE: {
        /* fuse-overlayfs resolves paths itself: make them absolute */
        cleanup_free char *opts = NULL, *prefix = xasprintf("%s/", st->graphroot);
        cleanup_free char *abs_lower = lowerdirs(img, prefix, shift_key);
        char *argv[] = { "fuse-overlayfs", "-o", NULL, (char *) target, NULL };
        opts = xasprintf("lowerdir=%s,upperdir=%s/%s,workdir=%s/%s", abs_lower, st->graphroot,
                         upper, st->graphroot, work);
        argv[2] = opts;
        if (proc_run(argv, err) < 0)
            return pcon_prefix(err, "mount fuse-overlayfs on \"%s\"", target);
        return 0;
    }
    case STORAGE_DRIVER_VFS: {
        cleanup_free char *src = xasprintf("%s/containers/%s/rootfs", st->graphroot, id);
        if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
            return pcon_fail(err, errno, "bind mount the root file system");
        return 0;
    }
    default:
        return pcon_fail(err, EINVAL, "no storage driver chosen");
    }
}

int
storage_rootfs_unmount(const char *target, struct pcon_err *err)
{
    if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return pcon_fail(err, errno, "unmount \"%s\"", target);
    return 0;
}

void
storage_rootfs_view_unmount(struct store *st, const char *id)
{
    cleanup_free char *view = xasprintf("%s/containers/%s/" VIEW_DIR, st->graphroot, id);

    /* the daemon ends with its mount: it lives in the caller's namespace,
     * which it would keep alive */
    (void) umount2(view, MNT_DETACH); /* not mounted: EINVAL */
}

int
storage_image_mount_ro(struct store *st, const struct image *img, const char *target,
                       struct pcon_err *err)
{
    size_t n = strv_len(img->layers);
    cleanup_free char *lower = lowerdirs(img, "", NULL);
    cleanup_free char *opts =
        xasprintf("lowerdir=%s%s", lower, proc_in_userns() ? ",userxattr" : "");
    cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int r, e;

    if (n == 0)
        return pcon_fail(err, EINVAL, "an image of no layer has no file to read");
    if (n == 1) {
        /* overlay wants two lower layers without an upper one: the layer itself */
        cleanup_free char *src = xasprintf("%s/layers/%s/diff", st->graphroot, img->layers[0]);
        if (mount(src, target, NULL, MS_BIND, NULL) < 0
            || mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
            return pcon_fail(err, errno, "mount image %.12s on \"%s\"", img->id, target);
        return 0;
    }
    if (strlen(opts) >= 4096)
        return pcon_fail(err, E2BIG, "mount overlay: too many layers");
    if (cwd < 0 || chdir(st->graphroot) < 0)
        return pcon_fail(err, errno, "enter the graph root");
    r = mount("overlay", target, "overlay", MS_RDONLY, opts);
    e = errno;
    if (fchdir(cwd) < 0)
        return pcon_fail(err, errno, "return to the working directory");
    if (r < 0)
        return pcon_fail(err, e, "mount image %.12s on \"%s\"", img->id, target);
    return 0;
}
