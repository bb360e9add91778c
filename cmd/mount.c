// SPDX-License-Identifier: Apache-2.0
/* pcon mount and umount (unmount): a container's root mounted in pcon's
 * own mount namespace, so only a shell of pcon unshare sees it (as
 * podman's rootless mount, which asks for podman unshare first). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../storage/rootfs.h"
#include "../storage/volume.h"
#include "cmd.h"

enum { MOUNT_FORMAT = 0x700, MOUNT_NO_TRUNC };

static const struct cmd_opt mount_opts[] = {
    { 'a', "all", 'a', NULL, "Mount all containers" },
    { MOUNT_FORMAT, "format", 0, "json", "Print the mounted containers in JSON" },
    { 'l', "latest", 'l', NULL, "Act on the latest container pcon knows of" },
    { MOUNT_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the container IDs" },
    { 0 },
};

static const struct cmd_opt umount_opts[] = {
    { 'a', "all", 'a', NULL, "Unmount all of the currently mounted containers" },
    { 'f', "force", 'f', NULL, "Force the complete unmount of the specified mounted containers" },
    { 'l', "latest", 'l', NULL, "Act on the latest container pcon knows of" },
    { 0 },
};

static int
refused(const char *what)
{
    cleanup_err struct pcon_err err = { 0 };

    pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                   "cannot run command \"pcon %s\" in rootless mode, must execute `pcon unshare`"
                   " first",
                   what);
    return cmd_report(&err);
}

/* every container whose root pcon mount mounted: "ID PATH" rows, or json */
static int
mount_list(struct cmd_ctx *ctx, bool json, bool no_trunc)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_yajl_gen yajl_gen g = json ? json_gen_new(true) : NULL;
    struct container *v = NULL;
    size_t n = 0;

    if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    if (g && yajl_gen_array_open(g) != yajl_gen_status_ok)
        abort();
    for (size_t i = n; i-- > 0;) { /* oldest first, as ps */
        cleanup_free char *path = engine_ctr_mounted(&ctx->st, &v[i]);
        if (path == NULL)
            continue;
        if (g) {
            if (yajl_gen_map_open(g) != yajl_gen_status_ok
                || json_gen_kv_str(g, "id", v[i].cfg.id) != yajl_gen_status_ok
                || json_gen_kv_strv(g, "Names", (char *[]){ v[i].cfg.name, NULL })
                       != yajl_gen_status_ok
                || json_gen_kv_str(g, "mountpoint", path) != yajl_gen_status_ok
                || yajl_gen_map_close(g) != yajl_gen_status_ok)
                abort();
        } else {
            printf("%.*s  %s\n", no_trunc ? 64 : 12, v[i].cfg.id, path);
        }
    }
    engine_ctr_list_free(v, n);
    if (g) {
        cleanup_free char *doc = NULL;
        if (yajl_gen_array_close(g) != yajl_gen_status_ok)
            abort();
        doc = json_gen_take(g, NULL);
        fputs(doc, stdout);
    }
    return 0;
}

static int
mount_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
          struct pcon_err *err)
{
    cleanup_free char *path = NULL;

    (void) ctx;
    (void) name;
    (void) opaque;
    if (engine_ctr_mount(&ctx->st, c, &path, err) < 0)
        return -1;
    printf("%s\n", path);
    return 0;
}

static int
cmd_mount(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false, latest = false, json = false, no_trunc = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_mount_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = cmd_flag_value(arg);
        else if (opt == MOUNT_NO_TRUNC)
            no_trunc = cmd_flag_value(arg);
        else if (opt == MOUNT_FORMAT) {
            if (strcmp(arg, "json") != 0)
                return cmd_usage_error(&cmd_mount_def, "unknown --format %s (json)", arg);
            json = true;
        } else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!cmd_in_user_namespace())
        return refused("mount");
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct container *v = NULL;
        size_t n = 0;
        int code = 0;
        if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = n; i-- > 0;)
            if (!engine_ctr_imageless(&v[i].cfg) && mount_one(ctx, &v[i], NULL, NULL, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
        engine_ctr_list_free(v, n);
        return code;
    }
    if (optind >= argc)
        return mount_list(ctx, json, no_trunc);
    return cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, mount_one, NULL);
}

const struct cmd_def cmd_mount_def = {
    "mount",
    cmd_mount,
    "Mount a working container's root filesystem (inside pcon unshare)",
    "[options] [CONTAINER...]",
    mount_opts,
};

static int
umount_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
           struct pcon_err *err)
{
    (void) opaque;
    if (engine_ctr_unmount(&ctx->st, c, err) < 0)
        return -1;
    printf("%s\n", name ? name : c->cfg.name);
    return 0;
}

static int
cmd_umount(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false, latest = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_umount_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = cmd_flag_value(arg);
        else if (opt != 'f')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!cmd_in_user_namespace())
        return refused("umount");
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct container *v = NULL;
        size_t n = 0;
        if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = n; i-- > 0;) {
            cleanup_free char *path = engine_ctr_mounted(&ctx->st, &v[i]);
            if (path && umount_one(ctx, &v[i], v[i].cfg.id, NULL, &err) < 0) {
                engine_ctr_list_free(v, n);
                return cmd_report(&err);
            }
        }
        engine_ctr_list_free(v, n);
        return 0;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_umount_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, umount_one, NULL);
}

const struct cmd_def cmd_umount_def = {
    "umount",
    cmd_umount,
    "Unmount working container's root filesystem (inside pcon unshare)",
    "[options] CONTAINER [CONTAINER...]",
    umount_opts,
};

const struct cmd_def cmd_unmount_def = {
    "unmount",
    cmd_umount,
    "Unmount working container's root filesystem (inside pcon unshare)",
    "[options] CONTAINER [CONTAINER...]",
    umount_opts,
};

/* --- image mount: an image's layers read-only, in pcon's mount namespace --- */

/* <runroot>/image-mounts/<id>, and whether something is mounted there */
static char *
image_dir(struct store *st, const struct image *img, bool *mounted)
{
    char *dir = xasprintf("%s/image-mounts/%s", st->runroot, img->id);
    cleanup_free char *parent = xasprintf("%s/image-mounts", st->runroot);
    cleanup_close int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);

    *mounted = pfd >= 0 && fs_is_mount_below(pfd, img->id);
    return dir;
}

void
cmd_image_unmount_all(struct store *st)
{
    struct image *v = NULL;
    size_t n = 0;

    if (storage_image_list(st, &v, &n, NULL) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        bool mounted;
        cleanup_free char *dir = image_dir(st, &v[i], &mounted);
        if (mounted)
            (void) storage_rootfs_unmount(dir, NULL);
        (void) rmdir(dir);
    }
    storage_image_list_free(v, n);
}

static const struct cmd_opt image_mount_opts[] = {
    { 'a', "all", 'a', NULL, "Mount all images" },
    { MOUNT_FORMAT, "format", 0, "json", "Print the mounted images in JSON" },
    { 0 },
};

static int
image_mount_one(struct cmd_ctx *ctx, const char *name, struct pcon_err *err)
{
    cleanup_close int lock = storage_lock(&ctx->st, false, err);
    cleanup_free char *dir = NULL;
    struct image img;
    bool mounted;
    int r = 0;

    if (lock < 0 || storage_image_lookup(&ctx->st, name, &img, err) < 0)
        return -1;
    dir = image_dir(&ctx->st, &img, &mounted);
    if (!mounted)
        r = fs_mkdir_p(dir, 0700, err) < 0 ? -1 : storage_image_mount_ro(&ctx->st, &img, dir, err);
    storage_image_free(&img);
    if (r < 0)
        return pcon_prefix(err, "mount image %s", name);
    printf("%s\n", dir);
    return 0;
}

static int
cmd_image_mount(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false, json = false;
    struct image *v = NULL;
    size_t n = 0;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_image_mount_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == MOUNT_FORMAT) {
            if (strcmp(arg, "json") != 0)
                return cmd_usage_error(&cmd_image_mount_def, "unknown --format %s (json)", arg);
            json = true;
        } else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!cmd_in_user_namespace())
        return refused("image mount");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (optind < argc || all) {
        if (all && storage_image_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            if (image_mount_one(ctx, v[i].id, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
        storage_image_list_free(v, n);
        for (int i = optind; i < argc; i++)
            if (image_mount_one(ctx, argv[i], &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
        return code;
    }
    /* the mounted ones: NAME PATH, or json */
    if (storage_image_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    {
        cleanup_yajl_gen yajl_gen g = json ? json_gen_new(true) : NULL;
        if (g && yajl_gen_array_open(g) != yajl_gen_status_ok)
            abort();
        for (size_t i = 0; i < n; i++) {
            bool mounted;
            cleanup_free char *dir = image_dir(&ctx->st, &v[i], &mounted);
            if (!mounted)
                continue;
            if (g) {
                if (yajl_gen_map_open(g) != yajl_gen_status_ok
                    || json_gen_kv_str(g, "id", v[i].id) != yajl_gen_status_ok
                    || json_gen_kv_strv(g, "Repositories",
                                        v[i].names ? v[i].names : (char *[]){ NULL })
                           != yajl_gen_status_ok
                    || json_gen_kv_str(g, "mountpoint", dir) != yajl_gen_status_ok
                    || yajl_gen_map_close(g) != yajl_gen_status_ok)
                    abort();
            } else {
                printf("%s  %s\n", v[i].names && v[i].names[0] ? v[i].names[0] : v[i].id, dir);
            }
        }
        if (g) {
            cleanup_free char *doc = NULL;
            if (yajl_gen_array_close(g) != yajl_gen_status_ok)
                abort();
            doc = json_gen_take(g, NULL);
            fputs(doc, stdout);
        }
    }
    storage_image_list_free(v, n);
    return 0;
}

const struct cmd_def cmd_image_mount_def = {
    "mount",
    cmd_image_mount,
    "Mount an image's root filesystem (inside pcon unshare)",
    "[options] [IMAGE...]",
    image_mount_opts,
};

static const struct cmd_opt image_unmount_opts[] = {
    { 'a', "all", 'a', NULL, "Unmount all of the currently mounted images" },
    { 'f', "force", 'f', NULL, "Force the complete unmount of the specified mounted images" },
    { 0 },
};

static int
cmd_image_unmount(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_image_unmount_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt != 'f')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!cmd_in_user_namespace())
        return refused("image unmount");
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_image_unmount_def,
                               "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        cmd_image_unmount_all(&ctx->st);
        return 0;
    }
    for (int i = optind; i < argc; i++) {
        cleanup_close int lock = storage_lock(&ctx->st, false, &err);
        struct image img;
        bool mounted;
        if (lock < 0 || storage_image_lookup(&ctx->st, argv[i], &img, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        cleanup_free char *dir = image_dir(&ctx->st, &img, &mounted);
        if (mounted && storage_rootfs_unmount(dir, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        } else {
            (void) rmdir(dir);
            printf("%s\n", img.id);
        }
        storage_image_free(&img);
    }
    return code;
}

const struct cmd_def cmd_image_unmount_def = {
    "unmount",
    cmd_image_unmount,
    "Unmount an image's root filesystem (inside pcon unshare)",
    "[options] IMAGE [IMAGE...]",
    image_unmount_opts,
};

/* --- volume mount: a local volume's content is a directory already --- */

/* each volume named: its directory (mount), or its name (unmount: nothing
 * was mounted) */
static int
volume_mount_each(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv, bool mount)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (!cmd_in_user_namespace())
        return refused(mount ? "volume mount" : "volume unmount");
    if (optind >= argc)
        return cmd_usage_error(def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++) {
        struct volume_rec v;
        if (storage_volume_load(&ctx->st, argv[i], &v, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        if (mount) {
            cleanup_free char *path = storage_volume_path(&ctx->st, v.name);
            printf("%s\n", path);
        } else {
            printf("%s\n", v.name);
        }
        storage_volume_free(&v);
    }
    return code;
}

static int
cmd_volume_mount(struct cmd_ctx *ctx, int argc, char **argv)
{
    return volume_mount_each(ctx, &cmd_volume_mount_def, argc, argv, true);
}

const struct cmd_def cmd_volume_mount_def = {
    "volume mount",
    cmd_volume_mount,
    "Mount volume (inside pcon unshare: its directory)",
    "VOLUME [VOLUME...]",
    NULL,
};

static int
cmd_volume_unmount(struct cmd_ctx *ctx, int argc, char **argv)
{
    return volume_mount_each(ctx, &cmd_volume_unmount_def, argc, argv, false);
}

const struct cmd_def cmd_volume_unmount_def = {
    "volume unmount", cmd_volume_unmount, "Unmount volume", "VOLUME [VOLUME...]", NULL,
};

/* --- container cleanup: what a stopped container left (its pcon mount) --- */

enum { CLEANUP_RM = 0x780, CLEANUP_RMI, CLEANUP_EXEC };

static const struct cmd_opt cleanup_opts[] = {
    { 'a', "all", 'a', NULL, "Cleans up all containers" },
    { CLEANUP_EXEC, "exec", 0, "SESSION", "Clean up the given exec session (nothing to do)" },
    { 'l', "latest", 'l', NULL, "Act on the latest container pcon knows of" },
    { CLEANUP_RM, "rm", 0, NULL, "After cleanup, remove the container entirely" },
    { CLEANUP_RMI, "rmi", 0, NULL, "After cleanup, remove the image entirely" },
    { 0 },
};

static int
cleanup_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
            struct pcon_err *err)
{
    const bool *f = opaque; /* rm, rmi */

    (void) name;
    if (engine_ctr_is_active(c))
        return 0; /* its monitor cleans up after it */
    if (engine_ctr_unmount(&ctx->st, c, err) < 0)
        return -1;
    if (f[0] && !c->cfg.infra && engine_ctr_remove(&ctx->st, c, false, err) < 0)
        return -1;
    if (f[1])
        engine_image_release(&ctx->st, c->cfg.image_id, c->cfg.image_name);
    printf("%s\n", c->cfg.id);
    return 0;
}

static int
cmd_cleanup(struct cmd_ctx *ctx, int argc, char **argv)
{
    bool all = false, latest = false, flags[2] = { false, false };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_cleanup_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = cmd_flag_value(arg);
        else if (opt == CLEANUP_RM)
            flags[0] = cmd_flag_value(arg);
        else if (opt == CLEANUP_RMI)
            flags[1] = cmd_flag_value(arg);
        else if (opt != CLEANUP_EXEC)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_cleanup_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, argv + optind, all, false, PCON_EXIT_ENGINE, cleanup_one, flags);
}

const struct cmd_def cmd_cleanup_def = {
    "cleanup",
    cmd_cleanup,
    "Clean up network and mountpoints of one or more containers",
    "[options] CONTAINER [CONTAINER...]",
    cleanup_opts,
};
