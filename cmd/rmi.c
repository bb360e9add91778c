// SPDX-License-Identifier: Apache-2.0
/* pcon rmi (image rm): images removed, or only untagged when named by one
 * of several names */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "cmd.h"

enum { RMI_NO_PRUNE = 0x300 };

static const struct cmd_opt rmi_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all images" },
    { 'f', "force", 'f', NULL, "Remove the containers using the image too" },
    { 'i', "ignore", 'i', NULL, "Ignore errors when a specified image is missing" },
    { RMI_NO_PRUNE, "no-prune", 0, NULL,
      "Accepted: pcon's images have no parent images to prune (a build's steps are not parents)" },
    { 0 },
};

/* a name that is one of several only loses that name */
static bool
given_by_name(const struct image *img, const char *arg)
{
    return strncmp(arg, img->id, strlen(arg)) != 0 && strcmp(arg, img->id) != 0
           && strncmp(arg, "sha256:", 7) != 0;
}

static int
rmi_one(struct cmd_ctx *ctx, struct image *img, const char *arg, bool force, struct pcon_err *err)
{
    struct container *cv = NULL;
    size_t cn = 0;
    int r = 0;

    if (arg && given_by_name(img, arg) && strv_len(img->names) > 1) {
        cleanup_free char *removed = NULL;
        if (storage_image_untag(&ctx->st, img, arg, &removed, err) < 0)
            return -1;
        printf("Untagged: %s\n", removed);
        return 0;
    }
    if (!force && arg && !given_by_name(img, arg) && strv_len(img->names) > 1)
        return pcon_fail(err, 0,
                         "unable to delete image \"%s\" by ID with more than one tag (%s):"
                         " please force removal",
                         img->id, img->names[0]);
    if (engine_ctr_list(&ctx->st, &cv, &cn, err) < 0)
        return -1;
    for (size_t i = 0; i < cn && r == 0; i++) {
        if (strcmp(cv[i].cfg.image_id, img->id) != 0)
            continue;
        if (!force)
            r = pcon_fail_kind(err, PCON_ERR_INUSE, 0,
                               "image used by %s: image is in use by a container: consider listing"
                               " external containers and force-removing image",
                               cv[i].cfg.id);
        else
            r = engine_ctr_remove(&ctx->st, &cv[i], true, err);
    }
    engine_ctr_list_free(cv, cn);
    if (r < 0)
        return -1;
    for (size_t i = 0; img->names && img->names[i]; i++)
        printf("Untagged: %s\n", img->names[i]);
    {
        /* an image mount of it goes first */
        cleanup_free char *dir = xasprintf("%s/image-mounts/%s", ctx->st.runroot, img->id);
        (void) umount2(dir, MNT_DETACH);
        (void) rmdir(dir);
    }
    if (storage_image_remove(&ctx->st, img, err) < 0)
        return -1;
    printf("Deleted: %s\n", img->id);
    return 0;
}

static int
cmd_rmi(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false, force = false, ignore = false;
    cleanup_close int lock = -1;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_rmi_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == 'i')
            ignore = cmd_flag_value(arg);
        else if (opt == RMI_NO_PRUNE)
            continue;
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_rmi_def, "image name or ID must be specified");
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, true, &err)) < 0)
        return cmd_report(&err);
    if (all) {
        struct image *v = NULL;
        size_t n = 0;
        if (storage_image_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            if (rmi_one(ctx, &v[i], NULL, force, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
        storage_image_list_free(v, n);
        return code;
    }
    for (int i = optind; i < argc; i++) {
        struct image img;
        if (storage_image_lookup(&ctx->st, argv[i], &img, &err) < 0) {
            if (!(ignore && err.kind == PCON_ERR_NOTFOUND)) {
                cmd_report(&err);
                code = err.kind == PCON_ERR_NOTFOUND ? 1 : PCON_EXIT_ENGINE;
            }
            pcon_err_clear(&err);
            continue;
        }
        if (rmi_one(ctx, &img, argv[i], force, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        }
        storage_image_free(&img);
    }
    return code;
}

const struct cmd_def cmd_rmi_def = {
    "rmi",    cmd_rmi, "Remove one or more images from local storage", "[options] IMAGE [IMAGE...]",
    rmi_opts,
};
