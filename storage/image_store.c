// SPDX-License-Identifier: Apache-2.0
/* Storing a new image, for load and pull: its layers extracted (or found
 * stored already, by the chain ids its config's DiffIDs give) and checked,
 * then the image recorded; a refused image leaves no layer behind. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/json.h"
#include "gc.h"
#include "image.h"
#include "layer.h"
#include "lock.h"
#include "image_store.h"
#include "ociconfig.h"

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
    if (src->staged) {
        *out = src->staged_info;
        /* the stage made it with the same parent and checked its DiffID */
        if (strcmp(out->chain_id, chain) != 0)
            return pcon_fail(err, 0, "layer %zu has DiffID %s, the config says %s", i, out->diff_id,
                             diff_id);
        return storage_layer_commit(st, src->staged_dir, src->staged, out, err);
    }
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
        manifest = own_manifest = storage_image_manifest_for(config, li, nlayers, false);
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

/* sha256 of what fd holds, from its start */
static int
fd_digest(int fd, char out[72], struct pcon_err *err)
{
    struct digest_ctx *d;
    char buf[65536];
    ssize_t n;

    if (lseek(fd, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "rewind the layer");
    d = digest_new();
    while ((n = read(fd, buf, sizeof buf)) > 0)
        digest_update(d, buf, (size_t) n);
    digest_final(d, out);
    if (n < 0)
        return pcon_fail(err, errno, "read the layer");
    if (lseek(fd, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "rewind the layer");
    return 0;
}

int
storage_image_derive(struct store *st, const struct image *base, int tarfd, struct oci_config *c,
                     char **names, char id_out[65], struct pcon_err *err)
{
    size_t nbase = base ? strv_len(base->layers) : 0, n = nbase + (tarfd >= 0);
    cleanup_free struct layer_src *src = NULL;
    cleanup_free char *config = NULL;
    cleanup_strv char **loaded = NULL;
    cleanup_close int lock = -1;
    char diff_id[72];

    if (strv_len(c->diff_ids) != nbase)
        return pcon_fail(err, EINVAL, "the config lists %zu layers, the base image %zu",
                         strv_len(c->diff_ids), nbase);
    if (n == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "an image of no layer cannot be stored: add a file to it");
    if (tarfd >= 0) {
        if (fd_digest(tarfd, diff_id, err) < 0)
            return -1;
        strv_push(&c->diff_ids, diff_id);
    }
    config = storage_oci_config_json(c);
    src = xzalloc(n * sizeof *src);
    for (size_t i = 0; i < n; i++)
        src[i].fd = -1;
    if (tarfd >= 0)
        src[n - 1].fd = tarfd;
    lock = storage_lock(st, true, err);
    if (lock < 0)
        return -1;
    return storage_image_store(st, config, NULL, src, n, names, &loaded, id_out, err);
}
