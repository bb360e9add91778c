// SPDX-License-Identifier: Apache-2.0
/* pcon inspect (containers; images when an issue asks) */
#include <stdio.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "cmd.h"
#include "ctr_report.h"
#include "format.h"
#include "image_report.h"

enum { INSPECT_TYPE = 0x300 };

static const struct cmd_opt inspect_opts[] = {
    { CMD_OPT_FORMAT, "format", 'f', "FORMAT", "Format the output with a Go template, or json" },
    { 'l', "latest", 'l', NULL, "Act on the latest container created" },
    { 's', "size", 's', NULL, "Display the total file sizes (containers)" },
    { INSPECT_TYPE, "type", 't', "TYPE", "Type of object: container, image or all (default)" },
    { 0 },
};

enum inspect_type { TYPE_ALL, TYPE_CONTAINER, TYPE_IMAGE };

/* a container first, then an image, as podman looks them up */
static char *
inspect_one(struct cmd_ctx *ctx, const char *name, enum inspect_type type, bool size,
            struct pcon_err *err)
{
    struct container c;
    struct image img;
    char *doc;

    if (type != TYPE_IMAGE) {
        if (engine_ctr_load(&ctx->st, name, &c, err) == 0) {
            doc = cmd_ctr_report_inspect(&ctx->st, &c, size);
            engine_ctr_free(&c);
            return doc;
        }
        if (err->kind != PCON_ERR_NOTFOUND || type == TYPE_CONTAINER)
            return NULL;
        pcon_err_clear(err);
    }
    if (storage_image_lookup(&ctx->st, name, &img, err) < 0) {
        if (err->kind == PCON_ERR_NOTFOUND && type == TYPE_ALL) {
            pcon_err_clear(err);
            pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "inspecting object: no such object: \"%s\"",
                           name);
        }
        return NULL;
    }
    doc = cmd_image_inspect_json(&ctx->st, &img, err);
    storage_image_free(&img);
    return doc;
}

int
cmd_inspect_objects(struct cmd_ctx *ctx, int argc, char **argv, const struct cmd_def *def,
                    bool images_only)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **docs = NULL;
    cleanup_strv char **names = NULL;
    enum inspect_type type = images_only ? TYPE_IMAGE : TYPE_ALL;
    const char *fmt = "json";
    bool latest = false, size = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1) {
        if (opt == 's') {
            size = cmd_flag_value(arg);
        } else if (opt == CMD_OPT_FORMAT) {
            fmt = arg;
        } else if (opt == 'l') {
            latest = true;
        } else if (opt == INSPECT_TYPE) {
            if (strcmp(arg, "container") == 0)
                type = TYPE_CONTAINER;
            else if (strcmp(arg, "image") == 0)
                type = TYPE_IMAGE;
            else if (strcmp(arg, "all") != 0)
                return cmd_usage_error(def, "unsupported type \"%s\"", arg);
        } else {
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (!latest && optind >= argc)
        return cmd_usage_error(def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0 || storage_driver_resolve(&ctx->st, NULL, &err) < 0)
        return cmd_report(&err);
    if (latest) {
        struct container *v = NULL;
        size_t n = 0;
        if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        if (n > 0)
            strv_push(&names, v[0].cfg.id);
        engine_ctr_list_free(v, n);
        if (names == NULL) {
            pcon_fail(&err, 0, "no containers to inspect");
            return cmd_report(&err);
        }
        type = TYPE_CONTAINER;
    }
    for (int i = optind; i < argc && !latest; i++)
        strv_push(&names, argv[i]);
    /* a missing object is reported after what was found, as podman */
    for (size_t i = 0; names[i]; i++) {
        char *doc = inspect_one(ctx, names[i], type, size, &err);
        if (doc == NULL) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        strv_push_take(&docs, doc);
    }
    if (docs == NULL && strcmp(fmt, "json") == 0)
        printf("[]\n");
    if (docs && cmd_format_print(fmt, docs, NULL, &err) < 0)
        code = cmd_report(&err);
    return code;
}

static int
cmd_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_inspect_objects(ctx, argc, argv, &cmd_inspect_def, false);
}

const struct cmd_def cmd_inspect_def = {
    "inspect",
    cmd_inspect,
    "Display the configuration of a container or image",
    "[options] NAME [NAME...]",
    inspect_opts,
};
