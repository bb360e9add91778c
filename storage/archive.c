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
#include "image.h"
#include "layer.h"
#include "lock.h"
#include "reference.h"
#include "archive.h"
#include "image_store.h"

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
        if (!YAJL_IS_STRING(t)
            || storage_ref_parse(YAJL_GET_STRING(t), default_registry, &r, NULL) < 0)
            continue; /* a name we cannot use does not stop the load */
        if (r.tag)
            strv_push_take(&names, storage_ref_string(&r));
        storage_ref_free(&r);
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
            if (!YAJL_IS_STRING(l)) {
                sources_free(src, n);
                return pcon_fail(err, EINVAL, "invalid layer entry");
            }
            if ((src[k].fd = fs_open_regular_in_root(dir, YAJL_GET_STRING(l), err)) < 0) {
                sources_free(src, n);
                return -1;
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
        if (ld == NULL) {
            sources_free(src, n);
            return pcon_fail(err, EINVAL, "layer without a digest");
        }
        if ((src[k].fd = blob_open(dir, ld, err)) < 0) {
            sources_free(src, n);
            return -1;
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
            && storage_ref_parse(ref, "localhost", &r, NULL) == 0) {
            if (r.tag)
                strv_push_take(&names, storage_ref_string(&r));
            storage_ref_free(&r);
        }
        if (load_oci_manifest(st, dir, digest, names, loaded, err) < 0)
            return -1;
    }
    return 0;
}

int
storage_archive_load(struct store *st, int fd, char ***loaded, struct pcon_err *err)
{
    cleanup_close int lock = -1, dir = -1;
    cleanup_free char *tmp = NULL;
    long long size;
    int r = -1;

    lock = storage_lock(st, true, err);
    if (lock < 0)
        return -1;
    /* a killed load leaves only this, which the next command removes */
    dir = storage_tmpdir(st->images_dfd, "load", &tmp, err);
    if (dir < 0)
        return -1;
    if (storage_layer_extract(dir, fd, NULL, &size, err) < 0) {
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
