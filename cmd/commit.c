// SPDX-License-Identifier: Apache-2.0
/* pcon commit, pcon diff, pcon history */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builder/build.h"
#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/changes.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/ociconfig.h"
#include "cmd.h"
#include "format.h"

enum { COMMIT_FORMAT = 0x300, COMMIT_PAUSE, COMMIT_INCLUDE_VOLUMES, COMMIT_SQUASH, COMMIT_IIDFILE };

static const struct cmd_opt commit_opts[] = {
    { 'a', "author", 'a', "AUTHOR", "The image's author" },
    { 'c', "change", 'c', "INSTRUCTION",
      "A Dockerfile instruction for the image (CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, ...)" },
    { COMMIT_FORMAT, "format", 'f', "FORMAT", "oci or docker (pcon stores OCI; both accepted)" },
    { COMMIT_IIDFILE, "iidfile", 0, "FILE", "Write the image's id to the file" },
    { 'm', "message", 'm', "MESSAGE", "The history entry's comment" },
    { COMMIT_PAUSE, "pause", 'p', "BOOL", "Pause the container while committing (accepted)" },
    { 'q', "quiet", 'q', NULL, "Print only the image id" },
    { COMMIT_INCLUDE_VOLUMES, "include-volumes", 0, NULL, "Accepted: volumes stay volumes" },
    { COMMIT_SQUASH, "squash", 's', NULL, "Squash every layer of the image into one" },
    { 0, NULL, 0, NULL, NULL },
};

/* --squash: the committed image's layers as one, its names moved there
 * and the image of many layers gone */
static int
commit_squash(struct cmd_ctx *ctx, char id[65], struct pcon_err *err)
{
    char sq[65];
    struct image img = { 0 }, out = { 0 };
    cleanup_close int lock = -1;
    int r = -1;

    if (builder_squash(&ctx->st, id, sq, err) < 0)
        return -1;
    if (strcmp(sq, id) == 0)
        return 0;
    lock = storage_lock(&ctx->st, true, err);
    if (lock < 0 || storage_image_lookup(&ctx->st, id, &img, err) < 0
        || storage_image_lookup(&ctx->st, sq, &out, err) < 0)
        goto done;
    for (size_t i = 0; img.names && img.names[i]; i++)
        if (storage_image_tag(&ctx->st, &out, img.names[i], err) < 0)
            goto done;
    {
        struct pcon_err e = { 0 };
        struct image again = { 0 };
        /* names gone from it: the many-layer image is no more (a failure
         * leaves it dangling, for image prune) */
        if (storage_image_lookup(&ctx->st, id, &again, &e) == 0
            && storage_image_remove(&ctx->st, &again, &e) < 0)
            pcon_err_clear(&e);
        storage_image_free(&again);
        pcon_err_clear(&e);
    }
    memcpy(id, sq, 65);
    r = 0;
done:
    storage_image_free(&img);
    storage_image_free(&out);
    return r;
}

static int
cmd_commit(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **changes = NULL;
    struct engine_commit_opts o = { 0 };
    struct container c;
    bool quiet = false, squash = false;
    const char *iidfile = NULL;
    char id[65];
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_commit_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case COMMIT_IIDFILE:
            iidfile = arg;
            break;
        case COMMIT_SQUASH:
            squash = cmd_flag_value(arg);
            break;
        case 'a':
            o.author = arg;
            break;
        case 'c':
            strv_push(&changes, arg);
            break;
        case COMMIT_FORMAT:
            if (strcmp(arg, "oci") != 0 && strcmp(arg, "docker") != 0)
                return cmd_usage_error(&cmd_commit_def, "unrecognized image type \"%s\"", arg);
            break;
        case 'm':
            o.message = arg;
            break;
        case COMMIT_PAUSE:
        case COMMIT_INCLUDE_VOLUMES:
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cmd_usage_error(&cmd_commit_def, "requires 1 or 2 arguments");
    o.changes = changes;
    o.image = argc - optind == 2 ? argv[optind + 1] : NULL;
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return cmd_report(&err);
    r = engine_ctr_commit(&ctx->st, &c, &o, id, &err);
    engine_ctr_free(&c);
    if (r < 0)
        return cmd_report(&err);
    if (squash && commit_squash(ctx, id, &err) < 0)
        return cmd_report(&err);
    if (!quiet)
        fprintf(stderr, "Writing manifest to image destination\n");
    if (iidfile) {
        cleanup_free char *t = xasprintf("sha256:%s", id);
        if (fs_write_atomic_path(iidfile, t, strlen(t), 0644, false, &err) < 0)
            return cmd_report(&err);
    }
    printf("%s\n", id);
    return 0;
}

const struct cmd_def cmd_commit_def = {
    "commit",
    cmd_commit,
    "Create a new image from a container's changes",
    "[options] CONTAINER [IMAGE]",
    commit_opts,
};

/* --- diff --------------------------------------------------------------------- */

enum { DIFF_FORMAT = 0x300 };

static const struct cmd_opt diff_opts[] = {
    { DIFF_FORMAT, "format", 0, "FORMAT", "json for a JSON object" },
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_diff(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **lines = NULL;
    const char *fmt = NULL;
    struct container c;
    bool latest = false;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_diff_def, argc, argv, &arg)) != -1) {
        if (opt == DIFF_FORMAT) {
            fmt = arg;
            continue;
        }
        if (opt == 'l') {
            latest = cmd_flag_value(arg);
            continue;
        }
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (r = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return r;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_diff_def, "requires exactly 1 arg(s)");
    if (fmt && strcmp(fmt, "json") != 0)
        return cmd_usage_error(&cmd_diff_def, "--format: only json is supported");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    /* a container first, else an image */
    if (engine_ctr_load(&ctx->st, argv[optind], &c, &err) == 0) {
        struct image img = { 0 };
        cleanup_close int lock = storage_lock(&ctx->st, false, &err);
        r = lock < 0 ? -1 : 0;
        /* a root directory (--rootfs) is no layer of changes to an image:
         * none to show, as podman shows none */
        if (r == 0 && !c.cfg.rootfs)
            r = storage_image_lookup(&ctx->st, c.cfg.image_id, &img, &err);
        if (r == 0 && !c.cfg.rootfs)
            r = storage_changes_list(&ctx->st, &img, c.cfg.id, engine_ctr_placeholders(), &lines,
                                     &err);
        storage_image_free(&img);
        engine_ctr_free(&c);
    } else {
        struct image img = { 0 };
        cleanup_close int lock = -1;
        if (err.kind != PCON_ERR_NOTFOUND)
            return cmd_report(&err);
        pcon_err_clear(&err);
        lock = storage_lock(&ctx->st, false, &err);
        r = lock < 0 ? -1 : storage_image_lookup(&ctx->st, argv[optind], &img, &err);
        if (r < 0 && err.kind == PCON_ERR_NOTFOUND) {
            pcon_err_clear(&err);
            r = pcon_fail_kind(&err, PCON_ERR_NOTFOUND, 0, "%s not found: layer not known",
                               argv[optind]);
        }
        if (r == 0)
            r = storage_image_changes(&ctx->st, &img, &lines, &err);
        storage_image_free(&img);
    }
    if (r < 0)
        return cmd_report(&err);
    if (fmt && lines == NULL) {
        printf("{}\n"); /* podman's for none */
        return 0;
    }
    if (fmt) {
        /* podman's: {"changed": [...], "added": [...], "deleted": [...]} */
        cleanup_yajl_gen yajl_gen g = json_gen_new(true);
        static const char kinds[] = { 'C', 'A', 'D' };
        static const char *const keys[] = { "changed", "added", "deleted" };
        JG(yajl_gen_map_open(g));
        for (size_t k = 0; k < 3; k++) {
            cleanup_strv char **v = NULL;
            for (size_t i = 0; lines && lines[i]; i++)
                if (lines[i][0] == kinds[k])
                    strv_push(&v, lines[i] + 2);
            if (v == NULL)
                continue;
            JG(json_gen_kv_strv(g, keys[k], v));
        }
        JG(yajl_gen_map_close(g));
        {
            cleanup_free char *text = json_gen_take(g, NULL);
            printf("%s\n", text);
        }
        return 0;
    fail:
        abort();
    }
    for (size_t i = 0; lines && lines[i]; i++)
        printf("%s\n", lines[i]);
    return 0;
}

const struct cmd_def cmd_diff_def = {
    "diff",
    cmd_diff,
    "Inspect changes to a container's or an image's file systems",
    "[options] CONTAINER|IMAGE",
    diff_opts,
};

/* --- history ------------------------------------------------------------------ */

enum { HIST_FORMAT = 0x300, HIST_NO_TRUNC, HIST_HUMAN };

static const struct cmd_opt history_opts[] = {
    { HIST_FORMAT, "format", 0, "FORMAT", "Go template or json" },
    { 'H', "human", 'H', "BOOL", "Sizes and dates in human form (default true)" },
    { HIST_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    { 'q', "quiet", 'q', NULL, "Print only the ids" },
    { 0, NULL, 0, NULL, NULL },
};

static const char *const history_headers[] = {
    "ID",   "ID",      "Created", "CREATED",   "CreatedBy",  "CREATED BY", "Size",
    "SIZE", "Comment", "COMMENT", "CreatedAt", "CREATED AT", NULL,
};

/* the id of a stored image whose layers are exactly img's first n, or NULL */
static const char *
image_with_layers(const struct image *all, size_t nall, const struct image *img, size_t n)
{
    for (size_t i = 0; i < nall; i++) {
        bool same = strv_len(all[i].layers) == n;
        for (size_t k = 0; same && k < n; k++)
            same = strcmp(all[i].layers[k], img->layers[k]) == 0;
        if (same)
            return all[i].id;
    }
    return NULL;
}

static int
cmd_history(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **docs = NULL;
    const char *fmt = "table {{.ID}}\\t{{.Created}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";
    bool quiet = false, no_trunc = false, human = true, json;
    struct oci_config cfg = { 0 };
    struct image img = { 0 }, *all = NULL;
    size_t nall = 0, layer;
    cleanup_close int lock = -1;
    char *arg;
    int opt, r = -1;

    while ((opt = cmd_getopt(&cmd_history_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case HIST_FORMAT:
            fmt = arg;
            break;
        case 'H':
            human = cmd_flag_value(arg);
            break;
        case HIST_NO_TRUNC:
            no_trunc = cmd_flag_value(arg);
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_history_def, "requires exactly 1 arg(s)");
    json = strcmp(fmt, "json") == 0;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    lock = storage_lock(&ctx->st, false, &err);
    if (lock < 0 || storage_image_lookup(&ctx->st, argv[optind], &img, &err) < 0
        || storage_oci_config_load(&ctx->st, &img, &cfg, &err) < 0
        || storage_image_list(&ctx->st, &all, &nall, &err) < 0)
        goto out;
    /* newest first; each entry that made a layer is the next layer down */
    layer = strv_len(img.layers);
    for (size_t i = cfg.nhistory; i-- > 0;) {
        const struct oci_history *h = &cfg.history[i];
        cleanup_yajl_gen yajl_gen g = json_gen_new(false);
        cleanup_free char *created = NULL, *by = NULL, *size_s = NULL;
        const char *id = NULL;
        long long size = 0;
        int64_t t = h->created ? time_parse_rfc3339(h->created) : -1;
        char shortid[13];

        if (!h->empty_layer && layer > 0) {
            struct layer_info li;
            if (storage_layer_read(&ctx->st, img.layers[layer - 1], &li, NULL) == 0)
                size = li.size;
            id = layer == strv_len(img.layers) ? img.id : image_with_layers(all, nall, &img, layer);
            layer--;
        } else if (i == cfg.nhistory - 1) {
            id = img.id;
        }
        if (quiet) {
            snprintf(shortid, sizeof shortid, "%.12s", id ? id : "<missing>");
            printf("%s\n", no_trunc && id ? id : id ? shortid : "<missing>");
            continue;
        }
        if (t < 0) {
            created = xstrdup("");
        } else if (human) {
            cleanup_free char *d = time_human_duration(time_now_ns() - t);
            created = xasprintf("%s ago", d);
        } else {
            created = xstrdup(h->created);
        }
        by = xstrdup(h->created_by ? h->created_by : "");
        if (!no_trunc && !json && strlen(by) > 45) {
            by[42] = '\0';
            char *t2 = xasprintf("%s...", by);
            free(by);
            by = t2;
        }
        size_s = human ? cmd_human_size(size) : xasprintf("%lld", size);
        snprintf(shortid, sizeof shortid, "%.12s", id ? id : "");
        JG(yajl_gen_map_open(g));
        if (json) {
            JG(json_gen_kv_str(g, "id", id ? id : "<missing>"));
            JG(json_gen_kv_str(g, "created", h->created ? h->created : ""));
            JG(json_gen_kv_str(g, "CreatedBy", h->created_by ? h->created_by : ""));
            JG(json_gen_kv_int(g, "size", size));
            JG(json_gen_kv_str(g, "comment", h->comment ? h->comment : ""));
        } else {
            JG(json_gen_kv_str(g, "ID", !id ? "<missing>" : no_trunc ? id : shortid));
            JG(json_gen_kv_str(g, "Created", created));
            JG(json_gen_kv_str(g, "CreatedAt", h->created ? h->created : ""));
            JG(json_gen_kv_str(g, "CreatedBy", by));
            JG(json_gen_kv_str(g, "Size", size_s));
            JG(json_gen_kv_str(g, "Comment", h->comment ? h->comment : ""));
        }
        JG(yajl_gen_map_close(g));
        strv_push_take(&docs, json_gen_take(g, NULL));
    }
    r = 0;
    if (!quiet && (docs || !json))
        r = cmd_format_print(fmt, docs, history_headers, &err);
    else if (!quiet)
        printf("[]\n");
out:
    storage_oci_config_free(&cfg);
    storage_image_free(&img);
    for (size_t i = 0; i < nall; i++)
        storage_image_free(&all[i]);
    free(all);
    return r < 0 ? cmd_report(&err) : 0;
fail:
    abort();
}

const struct cmd_def cmd_history_def = {
    "history", cmd_history, "Show the history of an image", "[options] IMAGE", history_opts,
};
