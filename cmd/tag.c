// SPDX-License-Identifier: Apache-2.0
/* pcon tag, pcon untag: names added to and removed from a stored image */
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "cmd.h"

static int
names_change(struct cmd_ctx *ctx, int argc, char **argv, bool tag, const struct cmd_def *def)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    struct image img;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind < (tag ? 2 : 1))
        return cmd_usage_error(def, "requires at least %d arg(s), only received %d", tag ? 2 : 1,
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, true, &err)) < 0
        || storage_image_lookup(&ctx->st, argv[optind], &img, &err) < 0)
        return cmd_report(&err);
    if (!tag && argc - optind == 1 && storage_image_untag(&ctx->st, &img, NULL, NULL, &err) < 0)
        code = cmd_report(&err);
    for (int i = optind + 1; i < argc && code == 0; i++)
        if ((tag ? storage_image_tag(&ctx->st, &img, argv[i], &err)
                 : storage_image_untag(&ctx->st, &img, argv[i], NULL, &err))
            < 0)
            code = cmd_report(&err);
    storage_image_free(&img);
    return code;
}

static int
cmd_tag(struct cmd_ctx *ctx, int argc, char **argv)
{
    return names_change(ctx, argc, argv, true, &cmd_tag_def);
}

static int
cmd_untag(struct cmd_ctx *ctx, int argc, char **argv)
{
    return names_change(ctx, argc, argv, false, &cmd_untag_def);
}

const struct cmd_def cmd_tag_def = {
    "tag", cmd_tag, "Add an additional name to a local image", "IMAGE TARGET_NAME [TARGET_NAME...]",
    NULL,
};

const struct cmd_def cmd_untag_def = {
    "untag", cmd_untag, "Remove a name from a local image", "IMAGE [IMAGE_NAME...]", NULL,
};
