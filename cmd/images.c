// SPDX-License-Identifier: Apache-2.0
/* pcon images (image ls): the stored images, filtered, one row per name */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../builder/build.h"
#include "cmd.h"
#include "format.h"
#include "image_report.h"

enum { IMG_NO_TRUNC = 0x300, IMG_FORMAT, IMG_FILTER, IMG_DIGESTS, IMG_SORT, IMG_HISTORY };

/* one row; digest: the manifest's, or "" when the output does not show it */
static char *
image_row(struct store *st, const struct image *img, const char *name, const char *digest,
          bool no_trunc, bool template)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *repo = NULL, *tag = NULL, *size = NULL, *ago = NULL, *since = NULL;
    cleanup_free char *fullid = xasprintf("sha256:%s", img->id);
    long long bytes = storage_image_size(st, img);
    int64_t created = time_parse_rfc3339(img->created);
    char shortid[13];

    cmd_image_name_split(name, &repo, &tag);
    size = cmd_human_size(bytes);
    ago = time_human_duration(time_now_ns() - (created < 0 ? time_now_ns() : created));
    since = xasprintf("%s ago", ago);
    snprintf(shortid, sizeof shortid, "%.12s", img->id);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Id", img->id));
    JG(json_gen_kv_str(g, "ParentId", ""));
    JG(json_gen_kv_strv(g, "RepoTags", img->names ? img->names : (char *[]){ NULL }));
    JG(json_gen_kv_strv(g, "Names", img->names ? img->names : (char *[]){ NULL }));
    if (!template)
        JG(json_gen_kv_int(g, "Size", bytes));
    JG(json_gen_kv_int(g, "VirtualSize", bytes));
    JG(json_gen_kv_int(g, "Created", created < 0 ? 0 : created / 1000000000LL));
    JG(json_gen_kv_str(g, "CreatedAt", img->created));
    JG(json_gen_kv_str(g, "Digest", digest));
    if (template) {
        JG(json_gen_kv_str(g, "ID", no_trunc ? fullid : shortid));
        JG(json_gen_kv_str(g, "Repository", repo));
        JG(json_gen_kv_str(g, "Tag", tag));
        JG(json_gen_kv_str(g, "CreatedSince", since));
        JG(json_gen_kv_str(g, "CreatedHuman", since));
        {
            char **h = img->names_history ? img->names_history : img->names;
            cleanup_free char *joined = h ? strv_join(h, ", ") : xstrdup("");
            JG(json_gen_kv_str(g, "History", joined));
        }
        JG(json_gen_str(g, "Size"));
        JG(json_gen_str(g, size));
    }
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const struct cmd_opt images_opts[] = {
    { 'a', "all", 'a', NULL, "Show all images (a build's intermediate ones too)" },
    { IMG_DIGESTS, "digests", 0, NULL, "Show the manifest digests" },
    { IMG_FILTER, "filter", 'f', "KEY=VALUE",
      "Filter: reference=PATTERN, dangling=true|false, label=KEY[=VALUE], before=IMAGE,"
      " since=IMAGE" },
    { IMG_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { IMG_HISTORY, "history", 0, NULL, "Display the names each image has had" },
    { 'n', "noheading", 'n', NULL, "Do not print the column headings" },
    { IMG_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    { 'q', "quiet", 'q', NULL, "Display only image IDs" },
    { IMG_SORT, "sort", 0, "KEY", "Sort by created (newest first), id, repository, size, tag" },
    { 0 },
};

static bool
reference_match(char **filters, const char *name)
{
    bool seen = false;

    for (size_t i = 0; filters && filters[i]; i++) {
        const char *pat = filters[i] + strlen("reference=");
        seen = true;
        if (name
            && (fnmatch(pat, name, 0) == 0
                || (strchr(pat, '/') == NULL && strrchr(name, '/')
                    && fnmatch(pat, strrchr(name, '/') + 1, 0) == 0)))
            return true;
        /* no tag in it (a registry's port is not one): any tag */
        const char *last = strrchr(pat, '/');
        if (name && strchr(last ? last : pat, ':') == NULL) {
            cleanup_free char *with = xasprintf("%s:*", pat);
            if (fnmatch(with, name, 0) == 0
                || (strrchr(name, '/') && fnmatch(with, strrchr(name, '/') + 1, 0) == 0))
                return true;
        }
    }
    return !seen;
}

/* --filter: references are alternatives; the other keys must all hold */
struct image_filters {
    char **refs, **labels;
    int dangling;          /* -1: either */
    int64_t before, since; /* created times, -1: none */
};

static void
image_filters_free(struct image_filters *f)
{
    strv_free(f->refs);
    strv_free(f->labels);
}

static int
filter_time(struct cmd_ctx *ctx, const char *name, int64_t *out, struct pcon_err *err)
{
    struct image img;
    int lock;

    if (cmd_store_open(ctx, err) < 0 || (lock = storage_lock(&ctx->st, false, err)) < 0)
        return -1;
    if (storage_image_lookup(&ctx->st, name, &img, err) < 0) {
        close(lock);
        return -1;
    }
    close(lock);
    *out = time_parse_rfc3339(img.created);
    storage_image_free(&img);
    return 0;
}

static int
filter_add(struct cmd_ctx *ctx, struct image_filters *f, const char *arg, struct pcon_err *err)
{
    const char *eq = strchr(arg, '=');
    const char *v = eq ? eq + 1 : "";

    if (eq == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid filter \"%s\"", arg);
    if (strncmp(arg, "reference=", 10) == 0) {
        strv_push_take(&f->refs, xasprintf("reference=%s", v));
    } else if (strncmp(arg, "label=", 6) == 0) {
        strv_push(&f->labels, v);
    } else if (strncmp(arg, "dangling=", 9) == 0) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid dangling filter \"%s\"", v);
        f->dangling = strcmp(v, "true") == 0;
    } else if (strncmp(arg, "before=", 7) == 0) {
        return filter_time(ctx, v, &f->before, err);
    } else if (strncmp(arg, "since=", 6) == 0) {
        return filter_time(ctx, v, &f->since, err);
    } else {
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid filter \"%s\"", arg);
    }
    return 0;
}

/* the label filters: KEY, or KEY=VALUE, against the config's Labels */
static bool
labels_match(struct store *st, const struct image *img, char **labels)
{
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    yajl_val l;

    if (labels == NULL)
        return true;
    text = storage_image_raw(st, img, "config.json", NULL);
    v = text ? json_parse(text, NULL) : NULL;
    l = json_get_obj(json_get_obj(v, "config"), "Labels");
    for (size_t i = 0; labels[i]; i++) {
        cleanup_free char *key = xstrdup(labels[i]);
        char *eq = strchr(key, '=');
        const char *have;
        if (eq)
            *eq = '\0';
        have = json_get_str(l, key);
        if (have == NULL || (eq && strcmp(have, eq + 1) != 0))
            return false;
    }
    return true;
}

static bool
image_match(struct store *st, const struct image_filters *f, const struct image *img)
{
    int64_t created = time_parse_rfc3339(img->created);

    if (f->dangling >= 0 && (strv_len(img->names) == 0) != (f->dangling == 1))
        return false;
    if (f->before >= 0 && created >= f->before)
        return false;
    if (f->since >= 0 && created <= f->since)
        return false;
    return labels_match(st, img, f->labels);
}

struct images_args {
    struct image_filters f;
    bool quiet, no_trunc, noheading, digests, all, history;
    const char *fmt, *sort;
};

static const char *sort_key;

/* a row's value for --sort, from its JSON (template rows and json rows) */
static long long
row_num(yajl_val v, const char *key)
{
    int64_t n = 0;

    return json_get_int(v, key, &n) ? n : 0;
}

static int
row_cmp(const void *a, const void *b)
{
    cleanup_yajl_val yajl_val x = json_parse(*(char *const *) a, NULL);
    cleanup_yajl_val yajl_val y = json_parse(*(char *const *) b, NULL);
    const char *sx, *sy;
    int r = 0;

    if (x == NULL || y == NULL)
        return 0;
    if (strcmp(sort_key, "size") == 0) {
        long long nx = row_num(x, "VirtualSize"), ny = row_num(y, "VirtualSize");
        r = nx < ny ? -1 : nx > ny;
    } else if (strcmp(sort_key, "id") == 0) {
        r = strcmp((sx = json_get_str(x, "Id")) ? sx : "", (sy = json_get_str(y, "Id")) ? sy : "");
    } else if (strcmp(sort_key, "repository") == 0 || strcmp(sort_key, "tag") == 0) {
        const char *k = sort_key[0] == 'r' ? "Repository" : "Tag";
        r = strcmp((sx = json_get_str(x, k)) ? sx : "", (sy = json_get_str(y, k)) ? sy : "");
    }
    if (r == 0) { /* created, and ties: newest first */
        long long cx = row_num(x, "Created"), cy = row_num(y, "Created");
        r = cx > cy ? -1 : cx < cy;
    }
    return r;
}

/* the options into a; returns -1 to go on, else the exit code */
static int
images_parse(struct cmd_ctx *ctx, struct images_args *a, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_images_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            a->all = cmd_flag_value(arg);
            break;
        case IMG_DIGESTS:
            a->digests = cmd_flag_value(arg);
            break;
        case IMG_FILTER:
            if (filter_add(ctx, &a->f, arg, &err) < 0)
                return cmd_report(&err);
            break;
        case IMG_FORMAT:
            a->fmt = arg;
            break;
        case 'n':
            a->noheading = cmd_flag_value(arg);
            break;
        case IMG_NO_TRUNC:
            a->no_trunc = cmd_flag_value(arg);
            break;
        case 'q':
            a->quiet = cmd_flag_value(arg);
            break;
        case IMG_HISTORY:
            a->history = cmd_flag_value(arg);
            break;
        case IMG_SORT:
            if (strcmp(arg, "created") != 0 && strcmp(arg, "id") != 0
                && strcmp(arg, "repository") != 0 && strcmp(arg, "size") != 0
                && strcmp(arg, "tag") != 0)
                return cmd_usage_error(&cmd_images_def,
                                       "invalid option for --sort, options are: [created id"
                                       " repository size tag]");
            a->sort = arg;
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc) /* podman's positional filter: a reference */
        strv_push_take(&a->f.refs, xasprintf("reference=%s", argv[optind]));
    return -1;
}

/* the rows of the images that match, one per name (--quiet: prints the ids) */
static void
images_rows(struct store *st, const struct images_args *a, struct image *v, size_t n, char ***rows)
{
    const char *fmt = a->fmt;
    /* the manifest is read only for an output that shows its digest */
    bool want_digest = a->digests || (fmt && (strcmp(fmt, "json") == 0 || strstr(fmt, ".Digest")));

    for (size_t i = 0; i < n; i++) {
        size_t names = strv_len(v[i].names);
        bool shown = false;
        char digest[72] = "";
        /* a build's intermediate images (its steps'): with -a only, as podman */
        if (!image_match(st, &a->f, &v[i])
            || (!a->all && !(v[i].names && v[i].names[0]) && builder_is_intermediate(st, v[i].id)))
            continue;
        if (want_digest && !a->quiet)
            (void) storage_image_digest(st, &v[i], digest, NULL); /* "" if unreadable */
        for (size_t k = 0; k < (names ? names : 1); k++) {
            const char *name = names ? v[i].names[k] : NULL;
            if (!reference_match(a->f.refs, name))
                continue;
            if (a->quiet) {
                if (!shown)
                    printf("%s%.*s\n", a->no_trunc ? "sha256:" : "", a->no_trunc ? 64 : 12,
                           v[i].id);
                shown = true;
                continue;
            }
            strv_push_take(rows, image_row(st, &v[i], name, digest, a->no_trunc,
                                           !(fmt && strcmp(fmt, "json") == 0)));
        }
    }
}

static int
images_print(const struct images_args *a, char **rows)
{
    static const char *const headers[] = { "ID",      "IMAGE ID",     "CreatedSince",
                                           "CREATED", "CreatedHuman", "CREATED",
                                           "History", "HISTORY",      NULL };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *own_fmt = NULL;
    const char *fmt = a->fmt;

    if (fmt == NULL)
        fmt = own_fmt =
            xasprintf("%s{{.Repository}}\\t{{.Tag}}\\t%s{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}%s",
                      a->noheading ? "" : "table ", a->digests ? "{{.Digest}}\\t" : "",
                      a->history ? "\\t{{.History}}" : "");
    if (cmd_format_print(fmt, rows, headers, &err) < 0)
        return cmd_report(&err);
    return 0;
}

static int
cmd_images(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **rows = NULL;
    struct images_args a = { .f = { .dangling = -1, .before = -1, .since = -1 } };
    struct image *v = NULL;
    size_t n = 0;
    int lock, r;

    r = images_parse(ctx, &a, argc, argv);
    if (r >= 0) {
        image_filters_free(&a.f);
        return r;
    }
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, false, &err)) < 0) {
        image_filters_free(&a.f);
        return cmd_report(&err);
    }
    r = storage_image_list(&ctx->st, &v, &n, &err);
    close(lock);
    if (r < 0) {
        image_filters_free(&a.f);
        return cmd_report(&err);
    }
    images_rows(&ctx->st, &a, v, n, &rows);
    storage_image_list_free(v, n);
    if (a.sort && rows && rows[0] && rows[1]) {
        sort_key = a.sort;
        qsort(rows, strv_len(rows), sizeof *rows, row_cmp);
    }
    image_filters_free(&a.f);
    return a.quiet ? 0 : images_print(&a, rows);
}

const struct cmd_def cmd_images_def = {
    "images", cmd_images, "List images in local storage", "[options] [REFERENCE]", images_opts,
};
