// SPDX-License-Identifier: Apache-2.0
/* pcon image tree: an image's layers as podman prints them, each with the
 * images it is the top layer of; --whatrequires: the layers of the images
 * built on it instead. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/image.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "cmd.h"
#include "format.h"

enum { TREE_WHATREQUIRES = 0x700 };

static const struct cmd_opt tree_opts[] = {
    { TREE_WHATREQUIRES, "whatrequires", 0, NULL,
      "Show all child images and layers of the specified image" },
    { 0 },
};

static long long
layer_size(struct store *st, const char *chain)
{
    struct layer_info li;

    return storage_layer_read(st, chain, &li, NULL) < 0 ? 0 : li.size;
}

/* " Top Layer of: [a b]" when layer is the top of any image of all */
static char *
top_of(const struct image *all, size_t n, const char *layer)
{
    char *names = NULL;

    for (size_t i = 0; i < n; i++) {
        size_t k = strv_len(all[i].layers);
        if (k == 0 || strcmp(all[i].layers[k - 1], layer) != 0)
            continue;
        for (size_t j = 0; all[i].names && all[i].names[j]; j++)
            xappendf(&names, "%s%s", names ? " " : "", all[i].names[j]);
        if (all[i].names == NULL || all[i].names[0] == NULL)
            xappendf(&names, "%s<none>", names ? " " : "");
    }
    if (names == NULL)
        return xstrdup("");
    char *out = xasprintf(" Top Layer of: [%s]", names);
    free(names);
    return out;
}

static int
cmd_image_tree(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    cleanup_strv char **shown = NULL;
    struct image img, *all = NULL;
    size_t n = 0, nl, count;
    long long total = 0;
    bool what = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_image_tree_def, argc, argv, &arg)) != -1) {
        if (opt != TREE_WHATREQUIRES)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        what = cmd_flag_value(arg);
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_image_tree_def, "requires exactly 1 arg(s), only received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, false, &err)) < 0
        || storage_image_lookup(&ctx->st, argv[optind], &img, &err) < 0)
        return cmd_report(&err);
    if (storage_image_list(&ctx->st, &all, &n, &err) < 0) {
        storage_image_free(&img);
        return cmd_report(&err);
    }
    nl = strv_len(img.layers);
    for (size_t i = 0; i < nl; i++)
        total += layer_size(&ctx->st, img.layers[i]);
    if (what) {
        /* its top layer, then every layer the images above it add */
        if (nl)
            strv_push(&shown, img.layers[nl - 1]);
        for (size_t i = 0; i < n; i++) {
            size_t k = strv_len(all[i].layers);
            bool above = k > nl;
            for (size_t j = 0; above && j < nl; j++)
                above = strcmp(all[i].layers[j], img.layers[j]) == 0;
            for (size_t j = nl; above && j < k; j++)
                if (!strv_contains(shown, all[i].layers[j]))
                    strv_push(&shown, all[i].layers[j]);
        }
    } else {
        for (size_t i = 0; i < nl; i++)
            strv_push(&shown, img.layers[i]);
    }
    {
        cleanup_free char *size = cmd_human_size_digits(total, 4, false);
        printf("Image ID: %.12s\nTags:     [", img.id);
        for (size_t j = 0; img.names && img.names[j]; j++)
            printf("%s%s", j ? " " : "", img.names[j]);
        printf("]\nSize:     %s\nImage Layers\n", size);
    }
    count = strv_len(shown);
    for (size_t i = 0; i < count; i++) {
        cleanup_free char *size = cmd_human_size_digits(layer_size(&ctx->st, shown[i]), 3, false);
        cleanup_free char *top = top_of(all, n, shown[i]);
        printf("%s ID: %.12s Size: %7s%s\n", i + 1 == count ? "└──" : "├──", shown[i], size, top);
    }
    if (what)
        printf("\n");
    storage_image_list_free(all, n);
    storage_image_free(&img);
    return 0;
}

const struct cmd_def cmd_image_tree_def = {
    "tree",
    cmd_image_tree,
    "Prints layer hierarchy of an image in a tree format",
    "[options] IMAGE",
    tree_opts,
};
