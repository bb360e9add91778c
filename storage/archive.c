// SPDX-License-Identifier: Apache-2.0
/* Image archives: docker-archive (manifest.json) and oci-archive (an OCI
 * layout: index.json, blobs/sha256/). The archive is unpacked with the
 * same safe extraction as layers into a temporary directory of the store,
 * every blob's digest and every layer's DiffID is checked against what the
 * manifest and the config say, and only then is the image stored. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "gc.h"
#include "image.h"
#include "layer.h"
#include "lock.h"
#include "reference.h"

#define MAX_DOC (4 << 20)

/* the digest of a whole file */
static int
file_digest(int fd, char out[72], struct pcon_err *err)
{
    struct digest_ctx *c = digest_new();
    char buf[1 << 16];
    ssize_t n;

    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            digest_update(c, buf, (size_t) n);
    digest_final(c, out);
    if (n < 0)
        return pcon_fail(err, errno, "read blob");
    return lseek(fd, 0, SEEK_SET) < 0 ? pcon_fail(err, errno, "rewind blob") : 0;
}

/* a blob of an OCI layout, by digest, checked */
static int
blob_open(int dirfd, const char *digest, struct pcon_err *err)
{
    cleanup_free char *path = NULL;
    cleanup_close int fd = -1;
    char got[72];

    if (!digest_valid(digest))
        return pcon_fail(err, EINVAL, "invalid digest \"%s\"", digest);
    path = xasprintf("blobs/sha256/%s", digest + 7);
    fd = fs_open_regular_in_root(dirfd, path, err);
    if (fd < 0)
        return -1;
    if (file_digest(fd, got, err) < 0)
        return -1;
    if (strcmp(got, digest) != 0)
        return pcon_fail(err, 0, "blob %s has digest %s", digest, got);
    return steal_fd(&fd);
}

static char *
read_fd(int fd, struct pcon_err *err)
{
    return fs_read_fd(fd, MAX_DOC, NULL, err);
}

/* Layer i of an image: reused when stored (its chain id follows from the
 * config's DiffIDs), else extracted from its source and checked. */
static int
store_layer(struct store *st, const struct layer_src *src, const char *parent, const char *diff_id,
            size_t i, struct layer_info *out, struct pcon_err *err)
{
    char chain[72];

    if (!digest_valid(diff_id))
        return pcon_fail(err, EINVAL, "invalid DiffID \"%s\"", diff_id);
    storage_layer_chain_id(parent, diff_id, chain);
    if (storage_layer_exists(st, chain + 7))
        return storage_layer_read(st, chain + 7, out, err);
    if (src->fd < 0)
        return pcon_fail_kind(err, PCON_ERR_NOTFOUND, ENOENT, "layer %s is no longer stored",
                              chain);
    if (storage_layer_create(st, src, parent, out, err) < 0)
        return -1;
    if (strcmp(out->diff_id, diff_id) != 0)
        return pcon_fail(err, 0, "layer %zu has DiffID %s, the config says %s", i, out->diff_id,
                         diff_id);
    return 0;
}

int
storage_image_store(struct store *st, const char *config, const char *manifest,
                    const struct layer_src *layers, size_t nlayers, char **names, char ***loaded,
                    char *id_out, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val cv = json_parse(config, err);
    cleanup_strv char **diff_ids = NULL;
    cleanup_free char *own_manifest = NULL;
    cleanup_free struct layer_info *li = NULL;
    struct image img = { 0 };
    char cdigest[72];
    const char *created;
    int r = -1;

    if (cv == NULL || json_get_strv(json_get_obj(cv, "rootfs"), "diff_ids", &diff_ids, err) < 0)
        return pcon_prefix(err, "image config");
    if (strv_len(diff_ids) != nlayers || nlayers == 0)
        return pcon_fail(err, 0, "the config lists %zu layers, the manifest %zu",
                         strv_len(diff_ids), nlayers);
    if (storage_store_begin(st, err) < 0)
        return -1;
    li = xzalloc(nlayers * sizeof *li);
    for (size_t i = 0; i < nlayers; i++) {
        if (store_layer(st, &layers[i], i ? li[i - 1].chain_id : NULL, diff_ids[i], i, &li[i], err)
            < 0)
            goto out;
        strv_push(&img.layers, li[i].chain_id + 7);
    }
    digest_buf(config, strlen(config), cdigest);
    memcpy(img.id, cdigest + 7, 65);
    created = json_get_str(cv, "created");
    img.created = xstrdup(created ? created : "");
    for (size_t i = 0; names && names[i]; i++)
        strv_push(&img.names, names[i]);
    if (manifest == NULL)
        manifest = own_manifest = storage_manifest_for(config, li, nlayers, false);
    if (storage_image_commit(st, &img, config, manifest, err) < 0)
        goto out;
    if (id_out)
        memcpy(id_out, img.id, 65);
    if (img.names == NULL)
        strv_push_take(loaded, xasprintf("sha256:%s", img.id));
    for (size_t i = 0; img.names && img.names[i]; i++)
        strv_push(loaded, img.names[i]);
    r = 0;
out:
    if (r < 0)
        (void) storage_gc_layers(st, NULL); /* layers of a refused image: gone too */
    storage_store_end(st);
    storage_image_free(&img);
    return r;
}

/* layer sources for files of the unpacked archive: linked as the blobs */
static struct layer_src *
sources_new(size_t n)
{
    struct layer_src *v = xzalloc((n ? n : 1) * sizeof *v);

    for (size_t i = 0; i < n; i++)
        v[i] = (struct layer_src){ .fd = -1, .link = true };
    return v;
}

static void
sources_free(struct layer_src *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].fd >= 0)
            close(v[i].fd);
    free(v);
}

static char **
parse_names(yajl_val tags, const char *default_registry)
{
    char **names = NULL;

    for (size_t i = 0; tags && YAJL_IS_ARRAY(tags) && i < tags->u.array.len; i++) {
        struct image_ref r;
        yajl_val t = tags->u.array.values[i];
        if (!YAJL_IS_STRING(t) || ref_parse(YAJL_GET_STRING(t), default_registry, &r, NULL) < 0)
            continue; /* a name we cannot use does not stop the load */
        if (r.tag)
            strv_push_take(&names, ref_string(&r));
        ref_free(&r);
    }
    return names;
}

static int
load_docker(struct store *st, int dir, char ***loaded, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(dir, "manifest.json", MAX_DOC, NULL, err);
    cleanup_yajl_val yajl_val v = text ? json_parse(text, err) : NULL;

    if (text == NULL)
        return -1;
    if (v == NULL)
        return pcon_prefix(err, "invalid manifest.json");
    if (!YAJL_IS_ARRAY(v))
        return pcon_fail(err, EINVAL, "invalid manifest.json");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val e = v->u.array.values[i], layers = json_get_arr(e, "Layers");
        const char *cfgpath = json_get_str(e, "Config");
        cleanup_close int cfd = -1;
        cleanup_free char *config = NULL;
        cleanup_strv char **names = parse_names(json_get_arr(e, "RepoTags"), "docker.io");
        struct layer_src *src;
        size_t n;
        int r;

        if (cfgpath == NULL || layers == NULL)
            return pcon_fail(err, EINVAL, "manifest.json: entry without Config or Layers");
        cfd = fs_open_regular_in_root(dir, cfgpath, err);
        if (cfd < 0 || (config = read_fd(cfd, err)) == NULL)
            return -1;
        n = layers->u.array.len;
        src = sources_new(n);
        for (size_t k = 0; k < n; k++) {
            yajl_val l = layers->u.array.values[k];
            if (!YAJL_IS_STRING(l)
                || (src[k].fd = fs_open_regular_in_root(dir, YAJL_GET_STRING(l), err)) < 0) {
                sources_free(src, n);
                return err && err->msg ? -1 : pcon_fail(err, EINVAL, "invalid layer entry");
            }
        }
        r = storage_image_store(st, config, NULL, src, n, names, loaded, NULL, err);
        sources_free(src, n);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int
load_oci_manifest(struct store *st, int dir, const char *digest, char **names, char ***loaded,
                  struct pcon_err *err)
{
    cleanup_close int mfd = blob_open(dir, digest, err), cfd = -1;
    cleanup_free char *manifest = NULL, *config = NULL;
    cleanup_yajl_val yajl_val mv = NULL;
    yajl_val layers;
    const char *cdigest;
    struct layer_src *src;
    size_t n;
    int r;

    if (mfd < 0 || (manifest = read_fd(mfd, err)) == NULL
        || (mv = json_parse(manifest, err)) == NULL)
        return pcon_prefix(err, "manifest %s", digest);
    if ((cdigest = json_get_str(json_get_obj(mv, "config"), "digest")) == NULL
        || (layers = json_get_arr(mv, "layers")) == NULL)
        return pcon_fail(err, EINVAL, "manifest %s without config or layers", digest);
    cfd = blob_open(dir, cdigest, err);
    if (cfd < 0 || (config = read_fd(cfd, err)) == NULL)
        return -1;
    n = layers->u.array.len;
    src = sources_new(n);
    for (size_t k = 0; k < n; k++) {
        const char *ld = json_get_str(layers->u.array.values[k], "digest");
        if (ld == NULL || (src[k].fd = blob_open(dir, ld, err)) < 0) {
            sources_free(src, n);
            return err && err->msg ? -1 : pcon_fail(err, EINVAL, "layer without a digest");
        }
        src[k].digest = ld; /* checked by blob_open */
    }
    r = storage_image_store(st, config, manifest, src, n, names, loaded, NULL, err);
    sources_free(src, n);
    return r;
}

static int
load_oci(struct store *st, int dir, char ***loaded, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(dir, "index.json", MAX_DOC, NULL, err);
    cleanup_yajl_val yajl_val v = text ? json_parse(text, err) : NULL;
    yajl_val manifests = json_get_arr(v, "manifests");

    if (text == NULL)
        return -1;
    if (v == NULL)
        return pcon_prefix(err, "invalid index.json");
    if (manifests == NULL)
        return pcon_fail(err, EINVAL, "invalid index.json");
    for (size_t i = 0; i < manifests->u.array.len; i++) {
        yajl_val m = manifests->u.array.values[i];
        const char *digest = json_get_str(m, "digest");
        const char *ref =
            json_get_str(json_get_obj(m, "annotations"), "org.opencontainers.image.ref.name");
        cleanup_strv char **names = NULL;
        struct image_ref r;

        if (digest == NULL)
            return pcon_fail(err, EINVAL, "index.json: manifest without a digest");
        /* a full name, or only a tag (no name then) */
        if (ref && (strchr(ref, '/') || strchr(ref, ':'))
            && ref_parse(ref, "localhost", &r, NULL) == 0) {
            if (r.tag)
                strv_push_take(&names, ref_string(&r));
            ref_free(&r);
        }
        if (load_oci_manifest(st, dir, digest, names, loaded, err) < 0)
            return -1;
    }
    return 0;
}

int
storage_image_load(struct store *st, int fd, char ***loaded, struct pcon_err *err)
{
    cleanup_close int lock = -1, dir = -1;
    cleanup_free char *tmp = NULL;
    char ignored[72];
    long long size;
    int r = -1;

    lock = storage_lock(st, true, err);
    if (lock < 0)
        return -1;
    /* a killed load leaves only this, which the next command removes */
    dir = storage_tmpdir(st->images_dfd, "load", &tmp, err);
    if (dir < 0)
        return -1;
    if (storage_layer_extract(dir, fd, ignored, &size, err) < 0) {
        pcon_prefix(err, "read the archive");
        goto out;
    }
    if (faccessat(dir, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        r = load_docker(st, dir, loaded, err);
    else if (faccessat(dir, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        r = load_oci(st, dir, loaded, err);
    else
        pcon_fail(err, 0,
                  "payload does not match any of the supported image formats"
                  " (oci-archive, docker-archive)");
out:
    (void) fs_rm_rf_at(st->images_dfd, tmp, NULL); /* the layers are stored by now */
    return r;
}
