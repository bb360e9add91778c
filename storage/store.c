// SPDX-License-Identifier: Apache-2.0
/* Opening the store, its temporaries, its driver configuration. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/privdir.h"
#include "../lib/toml.h"
#include "store.h"

static int
open_subdir(int dfd, const char *name, struct pcon_err *err)
{
    int fd;

    if (mkdirat(dfd, name, 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create directory \"%s\"", name);
    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open directory \"%s\"", name);
    if (privdir_check_fd("store directory", fd, name, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int store_open_all(struct store *st, const char *graphroot, const char *runroot,
                          enum storage_driver driver, struct pcon_err *err);

int
storage_store_open(struct store *st, const char *graphroot, const char *runroot,
                   enum storage_driver driver, struct pcon_err *err)
{
    if (store_open_all(st, graphroot, runroot, driver, err) < 0) {
        storage_store_close(st); /* what was opened before the failure */
        return -1;
    }
    return 0;
}

static int
store_open_all(struct store *st, const char *graphroot, const char *runroot,
               enum storage_driver driver, struct pcon_err *err)
{
    memset(st, 0, sizeof *st);
    st->root_dfd = st->run_dfd = st->layers_dfd = st->images_dfd = st->containers_dfd = -1;
    st->graphroot = xstrdup(graphroot);
    st->runroot = xstrdup(runroot);
    st->driver = driver;
    if (fs_mkdir_p(graphroot, 0700, err) < 0 || fs_mkdir_p(runroot, 0700, err) < 0)
        return -1;
    st->root_dfd = open(graphroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (st->root_dfd < 0)
        return pcon_fail(err, errno, "open graph root \"%s\"", graphroot);
    st->run_dfd = open(runroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (st->run_dfd < 0)
        return pcon_fail(err, errno, "open run root \"%s\"", runroot);
    st->layers_dfd = open_subdir(st->root_dfd, "layers", err);
    if (st->layers_dfd < 0)
        return -1;
    fs_mark_topdir(st->layers_dfd);
    st->images_dfd = open_subdir(st->root_dfd, "images", err);
    if (st->images_dfd < 0)
        return -1;
    st->containers_dfd = open_subdir(st->root_dfd, "containers", err);
    if (st->containers_dfd < 0)
        return -1;
    fs_mark_topdir(st->containers_dfd);
    return 0;
}

void
storage_store_close(struct store *st)
{
    int *fds[] = { &st->root_dfd, &st->run_dfd, &st->layers_dfd, &st->images_dfd,
                   &st->containers_dfd };

    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (*fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
    free(st->graphroot);
    free(st->runroot);
    free(st->driver_why);
    st->graphroot = st->runroot = st->driver_why = NULL;
}

char *
storage_tmpname(const char *kind)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return kind ? xasprintf(".tmp-%s-%d-%ld", kind, getpid(), ts.tv_nsec)
                : xasprintf(".tmp-%d-%ld", getpid(), ts.tv_nsec);
}

int
storage_tmpdir(int dfd, const char *kind, char **name, struct pcon_err *err)
{
    cleanup_free char *tmp = storage_tmpname(kind);
    int fd;

    if (mkdirat(dfd, tmp, 0700) < 0)
        return pcon_fail(err, errno, "create directory \"%s\"", tmp);
    fd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int saved = errno;
        (void) unlinkat(dfd, tmp, AT_REMOVEDIR); /* empty, and of no use unopened */
        return pcon_fail(err, saved, "open directory \"%s\"", tmp);
    }
    *name = steal_ptr(&tmp);
    return fd;
}

int
storage_store_begin(struct store *st, struct pcon_err *err)
{
    char name[32];
    int fd;

    snprintf(name, sizeof name, ".tmp-store-%d", getpid());
    fd = openat(st->layers_dfd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return pcon_fail(err, errno, "mark the store busy");
    close(fd);
    return 0;
}

void
storage_store_end(struct store *st)
{
    char name[32];

    snprintf(name, sizeof name, ".tmp-store-%d", getpid());
    (void) unlinkat(st->layers_dfd, name, 0); /* else the next cleanup does, and collects */
}

int
storage_driver_parse(const char *name, enum storage_driver *out, struct pcon_err *err)
{
    static const struct {
        const char *name;
        enum storage_driver d;
    } names[] = {
        { "", STORAGE_DRIVER_AUTO },
        { "overlay", STORAGE_DRIVER_OVERLAY },
        { "fuse-overlayfs", STORAGE_DRIVER_FUSE },
        { "vfs", STORAGE_DRIVER_VFS },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].d;
            return 0;
        }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                          "unknown storage driver \"%s\" (overlay, fuse-overlayfs or vfs)", name);
}

struct storage_conf {
    char *driver, *mount_program;
};

static int
storage_conf_cb(void *opaque, const char *table, bool array_table, const char *key,
                const struct toml_value *v, struct pcon_err *err)
{
    struct storage_conf *c = opaque;

    (void) array_table;
    (void) err;
    if (key == NULL || v->kind != TOML_STRING)
        return 0;
    if (strcmp(table, "storage") == 0 && strcmp(key, "driver") == 0) {
        free(c->driver);
        c->driver = xstrdup(v->str);
    } else if ((strcmp(table, "storage.options") == 0
                || strcmp(table, "storage.options.overlay") == 0)
               && strcmp(key, "mount_program") == 0) {
        free(c->mount_program);
        c->mount_program = xstrdup(v->str);
    }
    return 0;
}

char *
storage_conf_user_path(const char *name)
{
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");

    if (xdg && *xdg)
        return xasprintf("%s/containers/%s", xdg, name);
    return xasprintf("%s/.config/containers/%s", home ? home : "/nonexistent", name);
}

int
storage_conf_driver(enum storage_driver *out, char **path, struct pcon_err *err)
{
    const char *env = getenv("CONTAINERS_STORAGE_CONF");
    cleanup_free char *p = NULL, *text = NULL;
    struct storage_conf c = { 0 };
    int r = -1;

    *out = STORAGE_DRIVER_AUTO;
    *path = NULL;
    p = env && *env ? xstrdup(env) : storage_conf_user_path("storage.conf");
    text = fs_read_all(AT_FDCWD, p, 1 << 20, NULL, err);
    if (text == NULL) {
        if (err && err->errnum == ENOENT && !(env && *env)) {
            pcon_err_clear(err);
            return 0;
        }
        return pcon_prefix(err, "%s", p);
    }
    if (toml_parse(text, p, storage_conf_cb, &c, err) < 0)
        goto out;
    if (c.driver == NULL || *c.driver == '\0') {
        r = 0;
    } else if (strcmp(c.driver, "overlay") == 0) {
        *out = c.mount_program && strstr(c.mount_program, "fuse-overlayfs")
                   ? STORAGE_DRIVER_FUSE
                   : STORAGE_DRIVER_OVERLAY;
        r = 0;
    } else if (strcmp(c.driver, "vfs") == 0 || strcmp(c.driver, "fuse-overlayfs") == 0) {
        r = storage_driver_parse(c.driver, out, err);
    } else {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                       "%s: unsupported storage driver \"%s\" (overlay or vfs)", p, c.driver);
    }
    if (r == 0 && *out != STORAGE_DRIVER_AUTO)
        *path = steal_ptr(&p);
out:
    free(c.driver);
    free(c.mount_program);
    return r;
}

const char *
storage_driver_name(enum storage_driver d)
{
    switch (d) {
    case STORAGE_DRIVER_OVERLAY:
        return "overlay";
    case STORAGE_DRIVER_FUSE:
        return "fuse-overlayfs";
    case STORAGE_DRIVER_VFS:
        return "vfs";
    default:
        return "auto";
    }
}

int
storage_count(int dfd)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        n += hex64_valid(de->d_name);
    return n;
}
