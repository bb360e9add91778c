// SPDX-License-Identifier: Apache-2.0
/* Image records: lookup, listing, names, removal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "events.h"
#include "image.h"
#include "layer.h"
#include "reference.h"

#define MAX_JSON (4 << 20)

void
storage_image_free(struct image *img)
{
    strv_free(img->names);
    strv_free(img->layers);
    free(img->created);
    strv_free(img->names_history);
    memset(img, 0, sizeof *img);
}

void
storage_image_config_free(struct image_config *c)
{
    strv_free(c->env);
    strv_free(c->cmd);
    strv_free(c->entrypoint);
    free(c->workdir);
    free(c->user);
    strv_free(c->exposed_ports);
    strv_free(c->volumes);
    strv_free(c->health_test);
    memset(c, 0, sizeof *c);
}

static int
image_read(struct store *st, const char *id, struct image *out, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/image.json", id);
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val root = NULL;
    const char *created;

    memset(out, 0, sizeof *out);
    text = fs_read_all(st->images_dfd, path, MAX_JSON, NULL, err);
    if (text == NULL)
        return -1;
    root = json_parse(text, err);
    if (root == NULL)
        return pcon_prefix(err, "image %.12s", id);
    if (json_get_strv(root, "names", &out->names, err) < 0
        || json_get_strv(root, "layers", &out->layers, err) < 0
        || json_get_strv(root, "names_history", &out->names_history, err) < 0)
        return pcon_prefix(err, "image %.12s", id);
    for (size_t i = 0; out->layers && out->layers[i]; i++)
        if (!hex64_valid(out->layers[i])) {
            storage_image_free(out);
            return pcon_fail(err, EINVAL, "image %.12s: invalid layer id", id);
        }
    if (out->layers == NULL || out->layers[0] == NULL) {
        storage_image_free(out);
        return pcon_fail(err, EINVAL, "image %.12s: no layers", id);
    }
    created = json_get_str(root, "created");
    out->created = xstrdup(created ? created : "");
    memcpy(out->id, id, 65);
    return 0;
}

static int
image_write(struct store *st, int dfd, const struct image *img, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *text = NULL;
    size_t len;

    (void) st;
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "id", img->id));
    JG(json_gen_kv_strv(g, "names", img->names ? img->names : (char *[]){ NULL }));
    JG(json_gen_kv_strv(g, "layers", img->layers));
    JG(json_gen_kv_str(g, "created", img->created));
    {
        /* the names it has now first, then those it had, once each */
        cleanup_strv char **hist = NULL;
        for (size_t i = 0; img->names && img->names[i]; i++)
            strv_push(&hist, img->names[i]);
        for (size_t i = 0; img->names_history && img->names_history[i]; i++)
            if (!strv_contains(hist, img->names_history[i]) && strv_len(hist) < 64)
                strv_push(&hist, img->names_history[i]);
        if (hist)
            JG(json_gen_kv_strv(g, "names_history", hist));
    }
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    return fs_write_atomic(dfd, "image.json", text, len, 0600, true, err);
fail:
    return pcon_fail(err, EINVAL, "generate image.json");
}

static void
strv_remove(char **v, const char *s)
{
    size_t j = 0;

    for (size_t i = 0; v && v[i]; i++) {
        if (strcmp(v[i], s) == 0)
            free(v[i]);
        else
            v[j++] = v[i];
    }
    if (v)
        v[j] = NULL;
}

static int image_save_names(struct store *st, const struct image *img, struct pcon_err *err);

/* Calls fn for every stored image id until it returns non-zero. */
static int
image_each(struct store *st, int (*fn)(const char *id, void *opaque), void *opaque,
           struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(st->images_dfd);
    struct dirent *de;
    int r = 0;

    if (d == NULL)
        return pcon_fail(err, errno, "list images");
    while (r == 0 && (de = readdir(d)) != NULL)
        if (hex64_valid(de->d_name))
            r = fn(de->d_name, opaque);
    return r;
}

struct find {
    struct store *st;
    const char *name;            /* canonical name, or NULL */
    struct image_ref *short_ref; /* for short names */
    const char *id_prefix;       /* or NULL */
    char found[65];
    char short_found[65];
    int prefix_hits;
    char *index; /* every image's names, "NAME\tID\n" each, for NAME_INDEX */
};

/* A cache of which image has which name, so a lookup by name reads two
 * files, not every image's: written after each full scan (under the store
 * lock, shared or not: the store does not change under either), never
 * trusted, since a hit is checked against the image's own record and a
 * miss scans. */
#define NAME_INDEX ".name-index"

static bool
index_lookup(struct store *st, const char *name, char id[65])
{
    cleanup_free char *text = fs_read_all(st->images_dfd, NAME_INDEX, MAX_JSON, NULL, NULL);
    size_t nl = strlen(name);

    for (const char *l = text; l && *l;) {
        const char *end = strchr(l, '\n');
        if (end == NULL)
            break;
        if ((size_t) (end - l) == nl + 65 && strncmp(l, name, nl) == 0 && l[nl] == '\t') {
            memcpy(id, l + nl + 1, 64);
            id[64] = '\0';
            return hex64_valid(id);
        }
        l = end + 1;
    }
    return false;
}

static int
find_cb(const char *id, void *opaque)
{
    struct find *f = opaque;
    struct image img;

    if (f->id_prefix && strncmp(id, f->id_prefix, strlen(f->id_prefix)) == 0) {
        if (f->prefix_hits++ == 0)
            memcpy(f->found, id, 65);
        return 0;
    }
    if (f->name == NULL || image_read(f->st, id, &img, NULL) < 0)
        return 0;
    for (size_t i = 0; img.names && img.names[i]; i++)
        if (!strchr(img.names[i], '\n') && !strchr(img.names[i], '\t'))
            xappendf(&f->index, "%s\t%s\n", img.names[i], id);
    for (size_t i = 0; img.names && img.names[i]; i++) {
        if (strcmp(img.names[i], f->name) == 0)
            memcpy(f->found, id, 65); /* the scan goes on: the index is of all */
        if (f->short_ref && !f->short_found[0]
            && storage_ref_short_matches(f->short_ref, img.names[i]))
            memcpy(f->short_found, id, 65);
    }
    storage_image_free(&img);
    return 0;
}

int
storage_image_lookup(struct store *st, const char *name, struct image *out, struct pcon_err *err)
{
    struct find f = { .st = st };
    struct image_ref ref;
    cleanup_free char *canon = NULL;
    const char *hex = strncmp(name, "sha256:", 7) == 0 ? name + 7 : name;
    size_t hlen = strspn(hex, "0123456789abcdef");

    if (hex[hlen] == '\0' && hlen == 64) {
        if (image_read(st, hex, out, NULL) == 0)
            return 0;
        return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "%s: image not known", name);
    }
    if (hex[hlen] == '\0' && hlen >= 3)
        f.id_prefix = hex;
    if (storage_ref_parse(name, "localhost", &ref, f.id_prefix ? NULL : err) == 0) {
        canon = storage_ref_string(&ref);
        f.name = canon;
        f.short_ref = ref.short_name ? &ref : NULL;
    } else if (f.id_prefix == NULL) {
        return -1;
    }
    /* a name (that could be no id): the index's image, if it still has it */
    if (f.id_prefix == NULL && index_lookup(st, canon, f.found)) {
        if (image_read(st, f.found, out, NULL) == 0) {
            if (strv_contains(out->names, canon)) {
                storage_ref_free(&ref);
                return 0;
            }
            storage_image_free(out);
        }
        f.found[0] = '\0';
    }
    if (image_each(st, find_cb, &f, err) < 0) {
        storage_ref_free(&ref);
        free(f.index);
        return -1;
    }
    storage_ref_free(&ref);
    if (f.name) {
        struct pcon_err ignored = { 0 };
        if (fs_write_atomic(st->images_dfd, NAME_INDEX, f.index ? f.index : "",
                            f.index ? strlen(f.index) : 0, 0600, false, &ignored)
            < 0)
            pcon_err_clear(&ignored); /* only a cache */
        free(f.index);
    }
    if (f.found[0] == '\0' && f.prefix_hits == 0 && f.short_found[0])
        memcpy(f.found, f.short_found, 65);
    if (f.prefix_hits > 1 && f.found[0] && f.id_prefix && strncmp(f.found, f.id_prefix, hlen) == 0)
        return pcon_fail(err, 0, "%s: image id prefix is ambiguous", name);
    if (f.found[0] == '\0')
        return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "%s: image not known", name);
    return image_read(st, f.found, out, err);
}

int
storage_image_config(struct store *st, const struct image *img, struct image_config *out,
                     struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", img->id);
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val root = NULL;
    yajl_val cfg, exposed;
    const char *s;

    memset(out, 0, sizeof *out);
    text = fs_read_all(st->images_dfd, path, MAX_JSON, NULL, err);
    if (text == NULL)
        return -1;
    root = json_parse(text, err);
    if (root == NULL)
        return pcon_prefix(err, "image %.12s config", img->id);
    cfg = json_get_obj(root, "config");
    if (cfg == NULL)
        return 0;
    if (json_get_strv(cfg, "Env", &out->env, err) < 0
        || json_get_strv(cfg, "Cmd", &out->cmd, err) < 0
        || json_get_strv(cfg, "Entrypoint", &out->entrypoint, err) < 0) {
        storage_image_config_free(out);
        return pcon_prefix(err, "image %.12s config", img->id);
    }
    if ((s = json_get_str(cfg, "WorkingDir")) && *s)
        out->workdir = xstrdup(s);
    if ((s = json_get_str(cfg, "User")) && *s)
        out->user = xstrdup(s);
    if ((exposed = json_get_obj(cfg, "ExposedPorts")) != NULL)
        for (size_t i = 0; i < exposed->u.object.len; i++)
            strv_push(&out->exposed_ports, exposed->u.object.keys[i]);
    if ((exposed = json_get_obj(cfg, "Volumes")) != NULL)
        for (size_t i = 0; i < exposed->u.object.len; i++)
            strv_push(&out->volumes, exposed->u.object.keys[i]);
    if ((exposed = json_get_obj(cfg, "Healthcheck")) != NULL) {
        int64_t v;
        if (json_get_strv(exposed, "Test", &out->health_test, NULL) < 0)
            out->health_test = NULL;
        out->health_interval = json_get_int(exposed, "Interval", &v) && v > 0 ? v : 0;
        out->health_timeout = json_get_int(exposed, "Timeout", &v) && v > 0 ? v : 0;
        out->health_start_period = json_get_int(exposed, "StartPeriod", &v) && v > 0 ? v : 0;
        out->health_retries =
            json_get_int(exposed, "Retries", &v) && v > 0 && v < 1000000 ? (int) v : 0;
    }
    return 0;
}

char *
storage_image_manifest_for(const char *config, const struct layer_info *layers, size_t n,
                           bool docker)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char cdigest[72];

    digest_buf(config, strlen(config), cdigest);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_int(g, "schemaVersion", 2));
    JG(json_gen_kv_str(g, "mediaType", docker ? MEDIA_DOCKER_MANIFEST : MEDIA_OCI_MANIFEST));
    JG(json_gen_str(g, "config"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "mediaType", docker ? MEDIA_DOCKER_CONFIG : MEDIA_OCI_CONFIG));
    JG(json_gen_kv_int(g, "size", (long long) strlen(config)));
    JG(json_gen_kv_str(g, "digest", cdigest));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "layers"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < n; i++) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "mediaType",
                           storage_layer_media_type(layers[i].compression, docker)));
        JG(json_gen_kv_int(g, "size", layers[i].blob_size));
        JG(json_gen_kv_str(g, "digest", layers[i].blob_digest));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

struct untag {
    struct store *st;
    const char *name;
    const char *keep_id;
    struct pcon_err *err;
};

/* A name belongs to one image: moving it takes it from the other. */
static int
untag_cb(const char *id, void *opaque)
{
    struct untag *u = opaque;
    struct image img;
    cleanup_close int dfd = -1;
    int r = 0;

    if (strcmp(id, u->keep_id) == 0 || image_read(u->st, id, &img, NULL) < 0)
        return 0;
    if (strv_contains(img.names, u->name)) {
        strv_remove(img.names, u->name);
        dfd = openat(u->st->images_dfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd < 0 || image_write(u->st, dfd, &img, u->err) < 0)
            r = dfd < 0 ? pcon_fail(u->err, errno, "open image %.12s", id) : -1;
    }
    storage_image_free(&img);
    return r;
}

static int
image_store_new(struct store *st, const struct image *img, const char *config, const char *manifest,
                struct pcon_err *err)
{
    cleanup_free char *tmp = xasprintf(".tmp-%s-%d", img->id, getpid());
    cleanup_close int dfd = -1;

    if (mkdirat(st->images_dfd, tmp, 0700) < 0)
        return pcon_fail(err, errno, "create image directory");
    dfd = openat(st->images_dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0) {
        pcon_fail(err, errno, "open image directory");
        goto fail;
    }
    if (fs_write_atomic(dfd, "config.json", config, strlen(config), 0600, true, err) < 0
        || fs_write_atomic(dfd, "manifest.json", manifest, strlen(manifest), 0600, true, err) < 0
        || image_write(st, dfd, img, err) < 0)
        goto fail;
    if (renameat(st->images_dfd, tmp, st->images_dfd, img->id) < 0) {
        pcon_fail(err, errno, "store image %.12s", img->id);
        goto fail;
    }
    return 0;
fail:
    (void) fs_rm_rf_at(st->images_dfd, tmp, NULL); /* nothing half-made stays */
    return -1;
}

int
storage_image_commit(struct store *st, const struct image *img, const char *config,
                     const char *manifest, struct pcon_err *err)
{
    struct image existing;
    int r;

    for (size_t i = 0; img->names && img->names[i]; i++) {
        struct untag u = { st, img->names[i], img->id, err };
        if (image_each(st, untag_cb, &u, err) < 0)
            return -1;
    }
    if (image_read(st, img->id, &existing, NULL) < 0)
        return image_store_new(st, img, config, manifest, err);
    /* the very same config: the names are new, and the manifest it came by
     * is its digest from now on (podman's: a pull of it by another manifest,
     * a push's compression, makes that the one the registry is compared to) */
    for (size_t i = 0; img->names && img->names[i]; i++)
        if (!strv_contains(existing.names, img->names[i]))
            strv_push(&existing.names, img->names[i]);
    r = image_save_names(st, &existing, err);
    if (r == 0 && manifest) {
        cleanup_free char *path = xasprintf("%s/manifest.json", img->id);
        cleanup_free char *old = fs_read_all(st->images_dfd, path, MAX_JSON, NULL, NULL);
        cleanup_close int dfd =
            openat(st->images_dfd, img->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (old == NULL || strcmp(old, manifest) != 0)
            r = dfd < 0 ? pcon_fail(err, errno, "open image %.12s", img->id)
                        : fs_write_atomic(dfd, "manifest.json", manifest, strlen(manifest), 0600,
                                          true, err);
    }
    storage_image_free(&existing);
    return r;
}

/* --- listing, names, removal --- */

struct collect {
    struct store *st;
    struct image *v;
    size_t n;
};

static int
collect_cb(const char *id, void *opaque)
{
    struct collect *c = opaque;

    c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    /* an image being written or removed right now is skipped */
    if (image_read(c->st, id, &c->v[c->n], NULL) == 0)
        c->n++;
    return 0;
}

static int
cmp_created_desc(const void *a, const void *b)
{
    const struct image *x = a, *y = b;

    return strcmp(y->created, x->created);
}

int
storage_image_list(struct store *st, struct image **out, size_t *n, struct pcon_err *err)
{
    struct collect c = { st, NULL, 0 };

    if (image_each(st, collect_cb, &c, err) < 0) {
        storage_image_list_free(c.v, c.n);
        return -1;
    }
    if (c.n > 1)
        qsort(c.v, c.n, sizeof *c.v, cmp_created_desc);
    *out = c.v;
    *n = c.n;
    return 0;
}

void
storage_image_list_free(struct image *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        storage_image_free(&v[i]);
    free(v);
}

static int
image_save_names(struct store *st, const struct image *img, struct pcon_err *err)
{
    cleanup_close int dfd =
        openat(st->images_dfd, img->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

    if (dfd < 0)
        return pcon_fail(err, errno, "open image %.12s", img->id);
    return image_write(st, dfd, img, err);
}

int
storage_image_tag(struct store *st, struct image *img, const char *name, struct pcon_err *err)
{
    struct image_ref ref;
    cleanup_free char *canon = NULL;
    struct untag u = { st, NULL, img->id, err };

    if (storage_ref_parse(name, "localhost", &ref, err) < 0)
        return -1;
    if (ref.tag == NULL) {
        storage_ref_free(&ref);
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "tag \"%s\": a digest is not a tag", name);
    }
    canon = storage_ref_string(&ref);
    storage_ref_free(&ref);
    u.name = canon;
    if (image_each(st, untag_cb, &u, err) < 0)
        return -1;
    if (strv_contains(img->names, canon))
        return 0;
    strv_push(&img->names, canon);
    if (image_save_names(st, img, err) < 0)
        return -1;
    storage_event(st, "image", "tag", img->id, canon, NULL, NULL);
    return 0;
}

int
storage_image_untag(struct store *st, struct image *img, const char *name, char **removed,
                    struct pcon_err *err)
{
    struct image_ref ref;
    cleanup_free char *canon = NULL;

    if (name == NULL) {
        strv_free(img->names);
        img->names = NULL;
        return image_save_names(st, img, err);
    }
    if (storage_ref_parse(name, "localhost", &ref, err) < 0)
        return -1;
    canon = storage_ref_string(&ref);
    storage_ref_free(&ref);
    if (!strv_contains(img->names, canon)) {
        /* a short name given: the stored name it stands for */
        for (size_t i = 0; img->names && img->names[i]; i++) {
            struct image_ref sr;
            if (storage_ref_parse(name, "localhost", &sr, NULL) == 0) {
                bool m = storage_ref_short_matches(&sr, img->names[i]);
                storage_ref_free(&sr);
                if (m) {
                    free(canon);
                    canon = xstrdup(img->names[i]);
                    break;
                }
            }
        }
    }
    if (!strv_contains(img->names, canon))
        return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "%s: tag not known", name);
    strv_remove(img->names, canon);
    if (image_save_names(st, img, err) < 0)
        return -1;
    storage_event(st, "image", "untag", img->id, canon, NULL, NULL);
    if (removed)
        *removed = steal_ptr(&canon);
    return 0;
}

bool
storage_image_list_uses(const struct image *v, size_t n, const char *layer)
{
    for (size_t i = 0; i < n; i++)
        if (strv_contains(v[i].layers, layer))
            return true;
    return false;
}

int
storage_image_remove(struct store *st, const struct image *img, struct pcon_err *err)
{
    cleanup_free char *trash = xasprintf(".tmp-rm-%s", img->id);
    struct image *v = NULL;
    size_t n = 0;

    /* out of sight at once, then deleted: a crash leaves a .tmp- entry
     * that the next import removes */
    if (renameat(st->images_dfd, img->id, st->images_dfd, trash) < 0)
        return pcon_fail(err, errno, "remove image %.12s", img->id);
    if (fs_rm_rf_at(st->images_dfd, trash, err) < 0)
        return -1;
    if (storage_image_list(st, &v, &n, err) < 0)
        return -1;
    for (size_t i = 0; img->layers[i]; i++) {
        cleanup_free char *ltrash = NULL;
        if (storage_image_list_uses(v, n, img->layers[i]))
            continue;
        ltrash = xasprintf(".tmp-rm-%s", img->layers[i]);
        if (renameat(st->layers_dfd, img->layers[i], st->layers_dfd, ltrash) == 0)
            (void) fs_rm_rf_at(st->layers_dfd, ltrash, NULL); /* else: the next cleanup */
    }
    storage_image_list_free(v, n);
    storage_event(st, "image", "remove", img->id, img->names && img->names[0] ? img->names[0] : "",
                  NULL, NULL);
    return 0;
}

long long
storage_image_size(struct store *st, const struct image *img)
{
    long long total = 0;

    for (size_t i = 0; img->layers && img->layers[i]; i++) {
        cleanup_free char *path = xasprintf("%s/layer.json", img->layers[i]);
        cleanup_free char *text = fs_read_all(st->layers_dfd, path, MAX_JSON, NULL, NULL);
        cleanup_yajl_val yajl_val v = text ? json_parse(text, NULL) : NULL;
        int64_t size;
        if (v && json_get_int(v, "size", &size))
            total += size;
    }
    return total;
}

char *
storage_image_raw(struct store *st, const struct image *img, const char *file, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s", img->id, file);

    return fs_read_all(st->images_dfd, path, MAX_JSON, NULL, err);
}

int
storage_image_digest(struct store *st, const struct image *img, char out[72], struct pcon_err *err)
{
    cleanup_free char *manifest = storage_image_raw(st, img, "manifest.json", err);

    if (manifest == NULL)
        return -1;
    digest_buf(manifest, strlen(manifest), out);
    return 0;
}
