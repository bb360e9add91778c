// SPDX-License-Identifier: Apache-2.0
/* Manifest lists in the graph root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "image.h"
#include "../lib/lock.h"
#include "mlist.h"

#define MLIST_DIR        "manifests"
#define MLIST_RECORD_MAX (4 << 20)

void
storage_mlist_entry_free(struct mlist_entry *e)
{
    free(e->media_type);
    free(e->os);
    free(e->arch);
    free(e->variant);
    free(e->os_version);
    strv_free(e->features);
    strv_free(e->os_features);
    strv_free(e->annotations);
    free(e->image_id);
    free(e->source);
    memset(e, 0, sizeof *e);
}

void
storage_mlist_free(struct mlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        storage_mlist_entry_free(&l->v[i]);
    free(l->v);
    strv_free(l->names);
    free(l->created);
    memset(l, 0, sizeof *l);
}

static bool
digest_valid(const char *d)
{
    return d && strlen(d) == 71 && strncmp(d, "sha256:", 7) == 0
           && strspn(d + 7, "0123456789abcdef") == 64;
}

/* a string of the JSON, at most max bytes, printable: else NULL */
static char *
str_of(yajl_val o, const char *key, size_t max)
{
    const char *s = json_get_str(o, key);

    if (s == NULL || strlen(s) > max)
        return NULL;
    for (const char *p = s; *p; p++)
        if ((unsigned char) *p < 0x20)
            return NULL;
    return xstrdup(s);
}

static int
strs_of(yajl_val o, const char *key, char ***out)
{
    yajl_val a = json_get(o, key);

    *out = NULL;
    if (a == NULL)
        return 0;
    if (!YAJL_IS_ARRAY(a) || a->u.array.len > 64)
        return -1;
    for (size_t i = 0; i < a->u.array.len; i++) {
        const char *s = YAJL_GET_STRING(a->u.array.values[i]);
        if (s == NULL || strlen(s) > 256)
            return -1;
        strv_push(out, s);
    }
    return 0;
}

static int
entry_parse(yajl_val m, struct mlist_entry *e)
{
    yajl_val p = json_get_obj(m, "platform"), ann = json_get_obj(m, "annotations");
    const char *d = json_get_str(m, "digest");
    int64_t size;

    memset(e, 0, sizeof *e);
    if (!YAJL_IS_OBJECT(m) || !digest_valid(d) || !json_get_int(m, "size", &size) || size <= 0
        || size > (64 << 20))
        return -1;
    memcpy(e->digest, d, 72);
    e->size = size;
    e->media_type = str_of(m, "mediaType", 128);
    if (e->media_type == NULL
        || (strcmp(e->media_type, MEDIA_OCI_MANIFEST) != 0
            && strcmp(e->media_type, MEDIA_DOCKER_MANIFEST) != 0))
        return -1;
    if (p) {
        e->os = str_of(p, "os", 64);
        e->arch = str_of(p, "architecture", 64);
        e->variant = json_get(p, "variant") ? str_of(p, "variant", 64) : NULL;
        e->os_version = json_get(p, "os.version") ? str_of(p, "os.version", 128) : NULL;
        if ((json_get(p, "os") && !e->os) || (json_get(p, "architecture") && !e->arch)
            || (json_get(p, "variant") && !e->variant)
            || (json_get(p, "os.version") && !e->os_version)
            || strs_of(p, "features", &e->features) < 0
            || strs_of(p, "os.features", &e->os_features) < 0)
            return -1;
    }
    for (size_t i = 0; ann && i < ann->u.object.len && i < 64; i++) {
        const char *v = YAJL_GET_STRING(ann->u.object.values[i]);
        if (v == NULL || strlen(v) > 4096 || strlen(ann->u.object.keys[i]) > 256)
            return -1;
        strv_push_take(&e->annotations, xasprintf("%s=%s", ann->u.object.keys[i], v));
    }
    if (ann && ann->u.object.len > 64)
        return -1;
    /* pcon's own, in records only */
    {
        const char *id = json_get_str(m, "pcon_image"), *src = json_get_str(m, "pcon_source");
        if (id && (strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64))
            return -1;
        e->image_id = id ? xstrdup(id) : NULL;
        e->source = src ? str_of(m, "pcon_source", 512) : NULL;
        if (src && !e->source)
            return -1;
    }
    return 0;
}

int
storage_mlist_parse_entries(const char *text, struct mlist_entry **out, size_t *n,
                            struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    yajl_val ms;
    struct mlist_entry *v = NULL;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (root == NULL)
        return -1;
    ms = json_get_arr(root, "manifests");
    if (ms == NULL || ms->u.array.len > MLIST_MAX_ENTRIES)
        return pcon_fail(err, EINVAL, "not a manifest list");
    v = xzalloc((ms->u.array.len ? ms->u.array.len : 1) * sizeof *v);
    for (; k < ms->u.array.len; k++)
        if (entry_parse(ms->u.array.values[k], &v[k]) < 0) {
            storage_mlist_entry_free(&v[k]);
            for (size_t i = 0; i < k; i++)
                storage_mlist_entry_free(&v[i]);
            free(v);
            return pcon_fail(err, EINVAL, "manifest list entry %zu is not an image's descriptor",
                             k + 1);
        }
    *out = v;
    *n = k;
    return 0;
}

static int
kv_map(yajl_gen g, const char *key, char *const *kv)
{
    if (kv == NULL || kv[0] == NULL)
        return 0;
    if (json_gen_str(g, key) != yajl_gen_status_ok || yajl_gen_map_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; kv[i]; i++) {
        const char *eq = strchr(kv[i], '=');
        cleanup_free char *k = eq ? xstrndup(kv[i], (size_t) (eq - kv[i])) : xstrdup(kv[i]);
        if (json_gen_kv_str(g, k, eq ? eq + 1 : "") != yajl_gen_status_ok)
            return -1;
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* the list's JSON; with ours, pcon's record fields too */
static char *
list_json(const struct mlist *l, bool pretty, bool ours)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(pretty);

    JG(yajl_gen_map_open(g));
    if (ours) {
        JG(json_gen_kv_str(g, "pcon_id", l->id));
        JG(json_gen_kv_strv(g, "pcon_names", l->names));
        JG(json_gen_kv_str(g, "pcon_created", l->created ? l->created : ""));
    }
    JG(json_gen_kv_int(g, "schemaVersion", 2));
    JG(json_gen_kv_str(g, "mediaType", MEDIA_DOCKER_LIST));
    JG(json_gen_str(g, "manifests"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < l->n; i++) {
        const struct mlist_entry *e = &l->v[i];
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "mediaType", e->media_type));
        JG(json_gen_kv_int(g, "size", e->size));
        JG(json_gen_kv_str(g, "digest", e->digest));
        JG(json_gen_str(g, "platform"));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "architecture", e->arch ? e->arch : ""));
        JG(json_gen_kv_str(g, "os", e->os ? e->os : ""));
        if (e->os_version)
            JG(json_gen_kv_str(g, "os.version", e->os_version));
        if (e->os_features)
            JG(json_gen_kv_strv(g, "os.features", e->os_features));
        if (e->variant)
            JG(json_gen_kv_str(g, "variant", e->variant));
        if (e->features)
            JG(json_gen_kv_strv(g, "features", e->features));
        JG(yajl_gen_map_close(g));
        if (kv_map(g, "annotations", e->annotations) < 0)
            goto fail;
        if (ours && e->image_id)
            JG(json_gen_kv_str(g, "pcon_image", e->image_id));
        if (ours && e->source)
            JG(json_gen_kv_str(g, "pcon_source", e->source));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

char *
storage_mlist_json(const struct mlist *l, bool pretty)
{
    return list_json(l, pretty, false);
}

static int
dir_open(struct store *st, struct pcon_err *err)
{
    int fd;

    if (mkdirat(st->root_dfd, MLIST_DIR, 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create %s", MLIST_DIR);
    fd = openat(st->root_dfd, MLIST_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd < 0 ? pcon_fail(err, errno, "open %s", MLIST_DIR) : fd;
}

static int
record_load(int dfd, const char *file, struct mlist *out, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(dfd, file, MLIST_RECORD_MAX, NULL, err);
    cleanup_yajl_val yajl_val root = NULL;
    const char *id;

    memset(out, 0, sizeof *out);
    if (text == NULL || (root = json_parse(text, err)) == NULL)
        return -1;
    id = json_get_str(root, "pcon_id");
    if (id == NULL || strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64
        || json_get_strv(root, "pcon_names", &out->names, err) < 0
        || storage_mlist_parse_entries(text, &out->v, &out->n, err) < 0) {
        storage_mlist_free(out);
        return pcon_fail(err, EINVAL, "invalid manifest list record %s", file);
    }
    memcpy(out->id, id, 65);
    out->created =
        xstrdup(json_get_str(root, "pcon_created") ? json_get_str(root, "pcon_created") : "");
    return 0;
}

/* each record, until fn returns nonzero (its value then) */
static int
each_list(int dfd, int (*fn)(struct mlist *l, void *arg), void *arg)
{
    int fd = dup(dfd), r = 0;
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    struct dirent *de;

    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while (r == 0 && (de = readdir(d)) != NULL) {
        struct mlist l;
        size_t len = strlen(de->d_name);
        if (len != 69 || strcmp(de->d_name + 64, ".json") != 0
            || record_load(dfd, de->d_name, &l, NULL) < 0)
            continue;
        r = fn(&l, arg);
        storage_mlist_free(&l);
    }
    closedir(d);
    return r;
}

struct find_args {
    const char *name;
    struct mlist *out;
    int found;
};

static int
find_cb(struct mlist *l, void *arg)
{
    struct find_args *a = arg;
    size_t n = strlen(a->name);
    bool hit =
        strv_contains(l->names, a->name) || (n >= 3 && n <= 64 && strncmp(l->id, a->name, n) == 0);

    if (!hit)
        return 0;
    if (a->found++ == 0) {
        *a->out = *l;
        memset(l, 0, sizeof *l);
    }
    return strv_contains(a->out->names, a->name) ? 1 : 0; /* a name settles it */
}

int
storage_mlist_find(struct store *st, const char *name, struct mlist *out, struct pcon_err *err)
{
    cleanup_close int dfd = dir_open(st, err);
    struct find_args a = { name, out, 0 };

    memset(out, 0, sizeof *out);
    if (dfd < 0)
        return -1;
    (void) each_list(dfd, find_cb, &a);
    if (a.found == 1 || (a.found > 1 && strv_contains(out->names, name)))
        return 0;
    if (a.found > 1) {
        storage_mlist_free(out);
        return pcon_fail(err, 0, "more than one manifest list matches %s", name);
    }
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "%s: image not known", name);
}

int
storage_mlist_save(struct store *st, const struct mlist *l, struct pcon_err *err)
{
    cleanup_close int dfd = dir_open(st, err);
    cleanup_free char *json = list_json(l, false, true), *file = NULL;

    if (dfd < 0)
        return -1;
    file = xasprintf("%s.json", l->id);
    return fs_write_atomic(dfd, file, json, strlen(json), 0600, false, err);
}

int
storage_mlist_lock(struct store *st, struct pcon_err *err)
{
    cleanup_close int dfd = dir_open(st, err);

    return dfd < 0 ? -1 : lock_take(dfd, ".lock", true, err);
}

int
storage_mlist_create(struct store *st, const char *name, struct mlist *out, struct pcon_err *err)
{
    struct mlist other;
    unsigned char r[32];
    char created[64];
    struct pcon_err e = { 0 };

    memset(out, 0, sizeof *out);
    if (storage_mlist_find(st, name, &other, &e) == 0) {
        int x = pcon_fail(err, 0, "image name \"%s\" is already associated with image \"%s\"", name,
                          other.id);
        storage_mlist_free(&other);
        return x;
    }
    pcon_err_clear(&e);
    if (getrandom(r, sizeof r, 0) != (ssize_t) sizeof r)
        return pcon_fail(err, errno, "make a manifest list id");
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(out->id + 2 * i, 3, "%02x", r[i]);
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    out->created = xstrdup(created);
    strv_push(&out->names, name);
    if (storage_mlist_save(st, out, err) < 0) {
        storage_mlist_free(out);
        return -1;
    }
    return 0;
}

int
storage_mlist_remove(struct store *st, const struct mlist *l, struct pcon_err *err)
{
    cleanup_close int dfd = dir_open(st, err);
    cleanup_free char *file = xasprintf("%s.json", l->id);

    if (dfd < 0)
        return -1;
    if (unlinkat(dfd, file, 0) < 0 && errno != ENOENT)
        return pcon_fail(err, errno, "remove manifest list %.12s", l->id);
    return 0;
}
