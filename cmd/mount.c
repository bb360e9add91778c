// SPDX-License-Identifier: Apache-2.0
/* pcon mount and umount (unmount): a container's root mounted in pcon's
 * own mount namespace, so only a shell of pcon unshare sees it (as
 * podman's rootless mount, which asks for podman unshare first). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
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
