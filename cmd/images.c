// SPDX-License-Identifier: Apache-2.0
/* pcon images, rmi, tag, untag, image inspect|exists|prune */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "cmd.h"
#include "format.h"

enum { IMG_NO_TRUNC = 0x300, IMG_FORMAT, IMG_FILTER, IMG_DIGESTS };

char *
cmd_human_size(long long b)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
    double v = (double) b;
    int u = 0;

    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    return xasprintf("%.3g %s", v, units[u]);
}

/* one row per name; a nameless image is <none>:<none> */
static void
split_name(const char *name, char **repo, char **tag)
{
    const char *colon = name ? strrchr(name, ':') : NULL;

    if (name == NULL || colon == NULL || strchr(colon, '/')) {
        *repo = xstrdup(name ? name : "<none>");
        *tag = xstrdup("<none>");
        return;
    }
    *repo = xstrndup(name, (size_t) (colon - name));
    *tag = xstrdup(colon + 1);
}

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

    split_name(name, &repo, &tag);
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
        JG(json_gen_str(g, "Size"));
        JG(json_gen_str(g, size));
    }
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const struct cmd_opt images_opts[] = {
    { 'a', "all", 'a', NULL, "Show all images (there are no intermediate ones)" },
    { IMG_DIGESTS, "digests", 0, NULL, "Show the manifest digests" },
    { IMG_FILTER, "filter", 'f', "KEY=VALUE",
      "Filter: reference=PATTERN, dangling=true|false, label=KEY[=VALUE], before=IMAGE,"
      " since=IMAGE" },
    { IMG_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { 'n', "noheading", 'n', NULL, "Do not print the column headings" },
    { IMG_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    { 'q', "quiet", 'q', NULL, "Display only image IDs" },
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
        if (name && strchr(pat, ':') == NULL) {
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

static int
cmd_images(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **rows = NULL;
    cleanup_free char *own_fmt = NULL;
    struct image_filters f = { .dangling = -1, .before = -1, .since = -1 };
    bool quiet = false, no_trunc = false, noheading = false, digests = false, want_digest;
    const char *fmt = NULL;
    struct image *v = NULL;
    size_t n = 0;
    char *arg;
    int opt, lock, r;

    while ((opt = cmd_getopt(&cmd_images_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            break;
        case IMG_DIGESTS:
            digests = cmd_flag_value(arg);
            break;
        case IMG_FILTER:
            if (filter_add(ctx, &f, arg, &err) < 0) {
                image_filters_free(&f);
                return cmd_report(&err);
            }
            break;
        case IMG_FORMAT:
            fmt = arg;
            break;
        case 'n':
            noheading = cmd_flag_value(arg);
            break;
        case IMG_NO_TRUNC:
            no_trunc = cmd_flag_value(arg);
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            image_filters_free(&f);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc) /* podman's positional filter: a reference */
        strv_push_take(&f.refs, xasprintf("reference=%s", argv[optind]));
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, false, &err)) < 0) {
        image_filters_free(&f);
        return cmd_report(&err);
    }
    r = storage_image_list(&ctx->st, &v, &n, &err);
    close(lock);
    if (r < 0) {
        image_filters_free(&f);
        return cmd_report(&err);
    }
    /* the manifest is read only for an output that shows its digest */
    want_digest = digests || (fmt && (strcmp(fmt, "json") == 0 || strstr(fmt, ".Digest")));
    for (size_t i = 0; i < n; i++) {
        size_t names = strv_len(v[i].names);
        bool shown = false;
        char digest[72] = "";
        if (!image_match(&ctx->st, &f, &v[i]))
            continue;
        if (want_digest && !quiet)
            (void) storage_image_digest(&ctx->st, &v[i], digest, NULL); /* "" if unreadable */
        for (size_t k = 0; k < (names ? names : 1); k++) {
            const char *name = names ? v[i].names[k] : NULL;
            if (!reference_match(f.refs, name))
                continue;
            if (quiet) {
                if (!shown)
                    printf("%s%.*s\n", no_trunc ? "sha256:" : "", no_trunc ? 64 : 12, v[i].id);
                shown = true;
                continue;
            }
            strv_push_take(&rows, image_row(&ctx->st, &v[i], name, digest, no_trunc,
                                            !(fmt && strcmp(fmt, "json") == 0)));
        }
    }
    storage_image_list_free(v, n);
    image_filters_free(&f);
    if (quiet)
        return 0;
    if (fmt == NULL)
        fmt = own_fmt =
            xasprintf("%s{{.Repository}}\\t{{.Tag}}\\t%s{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}",
                      noheading ? "" : "table ", digests ? "{{.Digest}}\\t" : "");
    {
        static const char *const headers[] = { "ID",      "IMAGE ID",     "CreatedSince",
                                               "CREATED", "CreatedHuman", "CREATED",
                                               NULL };
        if (cmd_format_print(fmt, rows, headers, &err) < 0)
            return cmd_report(&err);
    }
    return 0;
}

const struct cmd_def cmd_images_def = {
    "images", cmd_images, "List images in local storage", "[options] [REFERENCE]", images_opts,
};

/* --- rmi --- */

static const struct cmd_opt rmi_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all images" },
    { 'f', "force", 'f', NULL, "Remove the containers using the image too" },
    { 'i', "ignore", 'i', NULL, "Ignore errors when a specified image is missing" },
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

/* --- tag, untag --- */

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

/* --- image inspect, exists, prune; the image command group --- */

/* a copied JSON value, or an empty one of its kind when absent */
static yajl_gen_status
gen_copy(yajl_gen g, yajl_val v, bool array)
{
    if (v)
        return json_gen_value(g, v) == 0 ? yajl_gen_status_ok : yajl_gen_invalid_string;
    if ((array ? yajl_gen_array_open(g) : yajl_gen_map_open(g)) != yajl_gen_status_ok)
        return yajl_gen_invalid_string;
    return array ? yajl_gen_array_close(g) : yajl_gen_map_close(g);
}

char *
cmd_image_inspect_json(struct store *st, const struct image *img, struct pcon_err *err)
{
    cleanup_free char *config = storage_image_raw(st, img, "config.json", err);
    cleanup_yajl_val yajl_val cv = config ? json_parse(config, err) : NULL;
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_strv char **repo_digests = NULL;
    char digest[72];
    yajl_val rootfs;
    const char *s;

    /* the manifest's digest, as the registry knows the image */
    if (cv == NULL || storage_image_digest(st, img, digest, err) < 0)
        return NULL;
    for (size_t i = 0; img->names && img->names[i]; i++) {
        cleanup_free char *repo = NULL, *tag = NULL, *rd = NULL;
        split_name(img->names[i], &repo, &tag);
        rd = xasprintf("%s@%s", repo, digest);
        if (!strv_contains(repo_digests, rd))
            strv_push(&repo_digests, rd);
    }
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Id", img->id));
    JG(json_gen_kv_str(g, "Digest", digest));
    JG(json_gen_kv_strv(g, "RepoTags", img->names ? img->names : (char *[]){ NULL }));
    JG(json_gen_kv_strv(g, "RepoDigests", repo_digests ? repo_digests : (char *[]){ NULL }));
    JG(json_gen_kv_str(g, "Parent", ""));
    JG(json_gen_kv_str(g, "Comment", ""));
    JG(json_gen_kv_str(g, "Created", img->created));
    JG(json_gen_str(g, "Config"));
    JG(gen_copy(g, json_get_obj(cv, "config"), false));
    JG(json_gen_kv_str(g, "Version", ""));
    JG(json_gen_kv_str(g, "Author", (s = json_get_str(cv, "author")) ? s : ""));
    JG(json_gen_kv_str(g, "Architecture", (s = json_get_str(cv, "architecture")) ? s : ""));
    JG(json_gen_kv_str(g, "Os", (s = json_get_str(cv, "os")) ? s : ""));
    JG(json_gen_kv_int(g, "Size", storage_image_size(st, img)));
    JG(json_gen_kv_int(g, "VirtualSize", storage_image_size(st, img)));
    JG(json_gen_str(g, "GraphDriver"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", storage_driver_name(st->driver)));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "RootFS"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Type", "layers"));
    JG(json_gen_str(g, "Layers"));
    rootfs = json_get_obj(cv, "rootfs");
    JG(gen_copy(g, json_get_arr(rootfs, "diff_ids"), true));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "History"));
    JG(gen_copy(g, json_get_arr(cv, "history"), true));
    JG(json_gen_kv_strv(g, "NamesHistory", img->names ? img->names : (char *[]){ NULL }));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    pcon_fail(err, EINVAL, "generate the inspect document");
    return NULL;
}

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
    { 0 },
};

static int
cmd_image_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    bool all = false, force = false;
    struct image *v = NULL;
    struct container *cv = NULL;
    size_t n = 0, cn = 0;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_image_prune_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!force) {
        char answer[16] = "";
        fprintf(stderr,
                "WARNING! This command removes all %s images.\n"
                "Are you sure you want to continue? [y/N] ",
                all ? "images not used by containers" : "dangling");
        if (fgets(answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
            return 0;
    }
    if (cmd_store_open(ctx, &err) < 0 || (lock = storage_lock(&ctx->st, true, &err)) < 0
        || storage_image_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    if (engine_ctr_list(&ctx->st, &cv, &cn, &err) < 0) {
        storage_image_list_free(v, n);
        return cmd_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        bool used = false;
        for (size_t k = 0; k < cn; k++)
            used |= strcmp(cv[k].cfg.image_id, v[i].id) == 0;
        if (used || (!all && v[i].names && v[i].names[0]))
            continue;
        if (storage_image_remove(&ctx->st, &v[i], &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        printf("%s\n", v[i].id);
    }
    engine_ctr_list_free(cv, cn);
    storage_image_list_free(v, n);
    return code;
}

const struct cmd_def cmd_image_prune_def = {
    "prune", cmd_image_prune, "Remove unused images", "[options]", image_prune_opts,
};

static const struct cmd_def *const image_subcommands[] = {
    &cmd_image_exists_def, &cmd_import_def,      &cmd_image_inspect_def, &cmd_images_def,
    &cmd_load_def,         &cmd_image_prune_def, &cmd_pull_def,          &cmd_push_def,
    &cmd_rmi_def,          &cmd_save_def,        &cmd_tag_def,           &cmd_untag_def,
};

static int
cmd_image(struct cmd_ctx *ctx, int argc, char **argv)
{
    const char *sub;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("Manage images\n\nUsage:\n  pcon image COMMAND\n\nAvailable Commands:\n");
        for (size_t i = 0; i < sizeof image_subcommands / sizeof image_subcommands[0]; i++)
            printf("  %-12s %s\n", image_subcommands[i]->name, image_subcommands[i]->summary);
        return argc < 2 ? PCON_EXIT_ENGINE : 0;
    }
    sub = argv[1];
    if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
        sub = "images";
    else if (strcmp(sub, "rm") == 0)
        sub = "rmi";
    for (size_t i = 0; i < sizeof image_subcommands / sizeof image_subcommands[0]; i++)
        if (strcmp(sub, image_subcommands[i]->name) == 0) {
            optind = 1;
            return image_subcommands[i]->fn(ctx, argc - 1, argv + 1);
        }
    fprintf(stderr, "Error: unrecognized command `pcon image %s`\n", sub);
    return PCON_EXIT_ENGINE;
}

const struct cmd_def cmd_image_def = {
    "image", cmd_image, "Manage images", "COMMAND", NULL,
};
