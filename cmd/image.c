// SPDX-License-Identifier: Apache-2.0
/* pcon image SUBCOMMAND: exists, inspect, prune, and the image commands
 * also found at the top level. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../storage/image.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/ociconfig.h"
#include "cmd.h"

static const struct cmd_opt image_inspect_opts[] = {
    { CMD_OPT_FORMAT, "format", 'f', "FORMAT", "Format the output with a Go template, or json" },
    { 0 },
};

static int
cmd_image_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_inspect_objects(ctx, argc, argv, &cmd_image_inspect_def, true);
}

const struct cmd_def cmd_image_inspect_def = {
    "inspect",
    cmd_image_inspect,
    "Display the configuration of an image",
    "[options] IMAGE [IMAGE...]",
    image_inspect_opts,
};

static int
cmd_image_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct image img;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_image_exists_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_image_exists_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (storage_image_lookup(&ctx->st, argv[optind], &img, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    storage_image_free(&img);
    return 0;
}

const struct cmd_def cmd_image_exists_def = {
    "exists", cmd_image_exists, "Check if an image exists in local storage", "IMAGE", NULL,
};

static const struct cmd_opt image_prune_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all images not used by containers, not only dangling ones" },
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { 'e', "external", 0, NULL, "Accepted: no other tool's containers use pcon's images" },
    { 'F', "filter", 0, "KEY=VALUE", "Only those: label=K[=V], label!=K[=V], until=TIME" },
    { 0 },
};

/* the layers of all the images, each once */
static long long
images_layer_bytes(struct store *st, const struct image *v, size_t n, bool *gone)
{
    cleanup_strv char **seen = NULL;
    long long total = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; !gone[i] && v[i].layers && v[i].layers[k]; k++) {
            struct layer_info li;
            if (strv_contains(seen, v[i].layers[k])
                || storage_layer_read(st, v[i].layers[k], &li, NULL) < 0)
                continue;
            strv_push(&seen, v[i].layers[k]);
            total += li.size;
        }
    return total;
}

int
cmd_images_prune(struct cmd_ctx *ctx, bool all, char *const *filters, char ***removed,
                 long long *bytes)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    cleanup_free bool *gone = NULL;
    struct image *v = NULL;
    struct container *cv = NULL;
    size_t n = 0, cn = 0;
    long long before;
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, true, &err)) < 0
        || storage_image_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    if (engine_ctr_list(&ctx->st, &cv, &cn, &err) < 0) {
        storage_image_list_free(v, n);
        return cmd_report(&err);
    }
    gone = xzalloc((n ? n : 1) * sizeof *gone);
    before = images_layer_bytes(&ctx->st, v, n, gone);
    for (size_t i = 0; i < n; i++) {
        bool used = false;
        for (size_t k = 0; k < cn; k++)
            used |= strcmp(cv[k].cfg.image_id, v[i].id) == 0;
        if (used || (!all && v[i].names && v[i].names[0]))
            continue;
        if (filters) {
            /* label=, label!=, until= of its config's labels and creation */
            struct oci_config cfg = { 0 };
            bool match = storage_oci_config_load(&ctx->st, &v[i], &cfg, NULL) == 0
                         && cmd_prune_filter_match(filters, cfg.labels, v[i].created);
            storage_oci_config_free(&cfg);
            if (!match)
                continue;
        }
        if (storage_image_remove(&ctx->st, &v[i], &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        gone[i] = true;
        strv_push(removed, v[i].id);
    }
    *bytes += before - images_layer_bytes(&ctx->st, v, n, gone);
    engine_ctr_list_free(cv, cn);
    storage_image_list_free(v, n);
    return code;
}

static int
cmd_image_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **removed = NULL, **filters = NULL;
    cleanup_err struct pcon_err err = { 0 };
    long long bytes = 0;
    bool all = false, force = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_image_prune_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == 'F')
            strv_push(&filters, arg);
        else if (opt != 'e')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (cmd_prune_filter_check(filters, &err) < 0)
        return cmd_report(&err);
    if (!force
        && !cmd_confirm(all ? "WARNING! This command removes all images not used by"
                              " containers images."
                            : "WARNING! This command removes all dangling images."))
        return 0;
    code = cmd_images_prune(ctx, all, filters, &removed, &bytes);
    for (size_t i = 0; removed && removed[i]; i++)
        printf("%s\n", removed[i]);
    return code;
}

const struct cmd_def cmd_image_prune_def = {
    "prune", cmd_image_prune, "Remove unused images", "[options]", image_prune_opts,
};

static const struct cmd_def *const image_subcommands[] = {
    &cmd_build_def,       &cmd_diff_def,          &cmd_image_exists_def, &cmd_history_def,
    &cmd_import_def,      &cmd_image_inspect_def, &cmd_images_def,       &cmd_load_def,
    &cmd_image_mount_def, &cmd_image_unmount_def, &cmd_image_prune_def,  &cmd_pull_def,
    &cmd_push_def,        &cmd_rmi_def,           &cmd_save_def,         &cmd_tag_def,
    &cmd_image_tree_def,  &cmd_untag_def,         &cmd_search_def,
};

static int
cmd_image(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "ls", "images", "list", "images", "rm", "rmi", NULL };

    return cmd_subcommand(ctx, argc, argv, "image", "Manage images", image_subcommands,
                          sizeof image_subcommands / sizeof image_subcommands[0], aliases);
}

const struct cmd_def cmd_image_def = {
    "image", cmd_image, "Manage images",   "COMMAND",
    NULL,    false,     image_subcommands, sizeof image_subcommands / sizeof image_subcommands[0],
};
