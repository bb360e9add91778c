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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "image.h"
#include "layer.h"
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
    fd = fs_open_in_root(dirfd, path, O_RDONLY, 0, err);
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

char *
storage_manifest_for(const char *config, char **diff_ids)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char cdigest[72];

    digest_buf(config, strlen(config), cdigest);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_int(g, "schemaVersion", 2));
    JG(json_gen_kv_str(g, "mediaType", "application/vnd.oci.image.manifest.v1+json"));
    JG(json_gen_str(g, "config"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "mediaType", "application/vnd.oci.image.config.v1+json"));
    JG(json_gen_kv_str(g, "digest", cdigest));
    JG(json_gen_kv_int(g, "size", (long long) strlen(config)));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "layers"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; diff_ids && diff_ids[i]; i++) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "mediaType", "application/vnd.oci.image.layer.v1.tar"));
        JG(json_gen_kv_str(g, "digest", diff_ids[i]));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

int
storage_image_store(struct store *st, const char *config, const char *manifest, int *layer_fds,
                    size_t nlayers, char **names, char ***loaded, char *id_out,
                    struct pcon_err *err)
{
    cleanup_yajl_val yajl_val cv = json_parse(config, err);
    cleanup_strv char **diff_ids = NULL;
    cleanup_free char *own_manifest = NULL;
    struct image img = { 0 };
    char cdigest[72], parent[72] = "";
    const char *created;
    int r = -1;

    if (cv == NULL || json_get_strv(json_get_obj(cv, "rootfs"), "diff_ids", &diff_ids, err) < 0)
        return pcon_prefix(err, "image config");
    if (strv_len(diff_ids) != nlayers || nlayers == 0)
        return pcon_fail(err, 0, "the config lists %zu layers, the manifest %zu",
                         strv_len(diff_ids), nlayers);
    for (size_t i = 0; i < nlayers; i++) {
        struct layer_info li;
        if (storage_layer_create(st, layer_fds[i], parent[0] ? parent : NULL, &li, err) < 0)
            goto out;
        if (strcmp(li.diff_id, diff_ids[i]) != 0) {
            pcon_fail(err, 0, "layer %zu has DiffID %s, the config says %s", i, li.diff_id,
                      diff_ids[i]);
            goto out;
        }
        memcpy(parent, li.chain_id, sizeof parent);
        strv_push(&img.layers, li.chain_id + 7);
    }
    digest_buf(config, strlen(config), cdigest);
    memcpy(img.id, cdigest + 7, 65);
    created = json_get_str(cv, "created");
    img.created = xstrdup(created ? created : "");
    for (size_t i = 0; names && names[i]; i++)
        strv_push(&img.names, names[i]);
    if (manifest == NULL)
        manifest = own_manifest = storage_manifest_for(config, diff_ids);
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
    storage_image_free(&img);
    return r;
}

static void
close_all(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
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

    if (v == NULL || !YAJL_IS_ARRAY(v))
        return pcon_fail(err, EINVAL, "invalid manifest.json");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val e = v->u.array.values[i], layers = json_get_arr(e, "Layers");
        const char *cfgpath = json_get_str(e, "Config");
        cleanup_close int cfd = -1;
        cleanup_free char *config = NULL;
        cleanup_strv char **names = parse_names(json_get_arr(e, "RepoTags"), "docker.io");
        int *fds;
        size_t n;
        int r;

        if (cfgpath == NULL || layers == NULL)
            return pcon_fail(err, EINVAL, "manifest.json: entry without Config or Layers");
        cfd = fs_open_in_root(dir, cfgpath, O_RDONLY, 0, err);
        if (cfd < 0 || (config = read_fd(cfd, err)) == NULL)
            return -1;
        n = layers->u.array.len;
        fds = xmalloc((n ? n : 1) * sizeof *fds);
        for (size_t k = 0; k < n; k++)
            fds[k] = -1;
        for (size_t k = 0; k < n; k++) {
            yajl_val l = layers->u.array.values[k];
            if (!YAJL_IS_STRING(l)
                || (fds[k] = fs_open_in_root(dir, YAJL_GET_STRING(l), O_RDONLY, 0, err)) < 0) {
                close_all(fds, n);
                return err && err->msg ? -1 : pcon_fail(err, EINVAL, "invalid layer entry");
            }
        }
        r = storage_image_store(st, config, NULL, fds, n, names, loaded, NULL, err);
        close_all(fds, n);
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
    int *fds;
    size_t n;
    int r;

    if (mfd < 0 || (manifest = read_fd(mfd, err)) == NULL || (mv = json_parse(manifest, err)) == NULL)
        return pcon_prefix(err, "manifest %s", digest);
    if ((cdigest = json_get_str(json_get_obj(mv, "config"), "digest")) == NULL
        || (layers = json_get_arr(mv, "layers")) == NULL)
        return pcon_fail(err, EINVAL, "manifest %s without config or layers", digest);
    cfd = blob_open(dir, cdigest, err);
    if (cfd < 0 || (config = read_fd(cfd, err)) == NULL)
        return -1;
    n = layers->u.array.len;
    fds = xmalloc((n ? n : 1) * sizeof *fds);
    for (size_t k = 0; k < n; k++)
        fds[k] = -1;
    for (size_t k = 0; k < n; k++) {
        const char *ld = json_get_str(layers->u.array.values[k], "digest");
        if (ld == NULL || (fds[k] = blob_open(dir, ld, err)) < 0) {
            close_all(fds, n);
            return err && err->msg ? -1 : pcon_fail(err, EINVAL, "layer without a digest");
        }
    }
    r = storage_image_store(st, config, manifest, fds, n, names, loaded, NULL, err);
    close_all(fds, n);
    return r;
}

static int
load_oci(struct store *st, int dir, char ***loaded, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(dir, "index.json", MAX_DOC, NULL, err);
    cleanup_yajl_val yajl_val v = text ? json_parse(text, err) : NULL;
    yajl_val manifests = json_get_arr(v, "manifests");

    if (manifests == NULL)
        return pcon_fail(err, EINVAL, "invalid index.json");
    for (size_t i = 0; i < manifests->u.array.len; i++) {
        yajl_val m = manifests->u.array.values[i];
        const char *digest = json_get_str(m, "digest");
        const char *ref = json_get_str(json_get_obj(m, "annotations"),
                                       "org.opencontainers.image.ref.name");
        cleanup_strv char **names = NULL;
        struct image_ref r;

        if (digest == NULL)
            return pcon_fail(err, EINVAL, "index.json: manifest without a digest");
        /* a full name, or only a tag (no name then) */
        if (ref && (strchr(ref, '/') || strchr(ref, ':')) && ref_parse(ref, "localhost", &r, NULL) == 0) {
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
    struct timespec ts;
    char ignored[72];
    long long size;
    int r = -1;

    lock = storage_lock(st, true, err);
    if (lock < 0 || storage_cleanup_temporaries(st, err) < 0)
        return -1;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* a killed load leaves only this, which the next command removes */
    tmp = xasprintf(".tmp-load-%d-%ld", getpid(), ts.tv_nsec);
    if (mkdirat(st->images_dfd, tmp, 0700) < 0)
        return pcon_fail(err, errno, "create a load directory");
    dir = openat(st->images_dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dir < 0) {
        pcon_fail(err, errno, "open the load directory");
        goto out;
    }
    if (storage_layer_extract(dir, fd, ignored, &size, err) < 0) {
        pcon_prefix(err, "read the archive");
        goto out;
    }
    if (faccessat(dir, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        r = load_docker(st, dir, loaded, err);
    else if (faccessat(dir, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        r = load_oci(st, dir, loaded, err);
    else
        pcon_fail(err, 0, "payload does not match any of the supported image formats"
                               " (oci-archive, docker-archive)");
out:
    (void) fs_rm_rf_at(st->images_dfd, tmp, NULL); /* the layers are stored by now */
    if (r < 0)
        (void) storage_layers_gc(st, NULL); /* layers of an image refused: gone too */
    return r;
}
