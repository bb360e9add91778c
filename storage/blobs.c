// SPDX-License-Identifier: Apache-2.0
/* An image as the blobs the store holds for it, for save and push: its
 * config, and a manifest naming exactly those blobs. */
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "blobs.h"

void
storage_blobs_free(struct image_blobs *b)
{
    free(b->config);
    free(b->manifest);
    free(b->layers);
    memset(b, 0, sizeof *b);
}

/* true when every layer the manifest names is the blob stored for it */
static bool
manifest_matches(yajl_val m, const struct layer_info *li, size_t n)
{
    yajl_val layers = json_get_arr(m, "layers");

    if (layers == NULL || layers->u.array.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *d = json_get_str(layers->u.array.values[i], "digest");
        if (d == NULL || strcmp(d, li[i].blob_digest) != 0)
            return false;
    }
    return true;
}

int
storage_blobs_get(struct store *st, const struct image *img, bool oci_only, struct image_blobs *out,
                  struct pcon_err *err)
{
    cleanup_yajl_val yajl_val m = NULL;
    const char *type;
    bool docker;

    memset(out, 0, sizeof *out);
    out->n = strv_len(img->layers);
    out->layers = xzalloc((out->n ? out->n : 1) * sizeof *out->layers);
    for (size_t i = 0; i < out->n; i++)
        if (storage_layer_read(st, img->layers[i], &out->layers[i], err) < 0)
            goto fail;
    out->config = storage_image_raw(st, img, "config.json", err);
    out->manifest = storage_image_raw(st, img, "manifest.json", err);
    if (out->config == NULL || out->manifest == NULL
        || (m = json_parse(out->manifest, err)) == NULL)
        goto fail;
    type = json_get_str(m, "mediaType");
    docker = type && strcmp(type, MEDIA_DOCKER_MANIFEST) == 0;
    out->docker = docker && !oci_only;
    if (!(docker && oci_only) && manifest_matches(m, out->layers, out->n))
        return 0;
    /* a layer shared with an image that brought it in another compression,
     * or a Docker manifest where OCI is wanted: one for the blobs we have */
    free(out->manifest);
    out->manifest = storage_image_manifest_for(out->config, out->layers, out->n, out->docker);
    return 0;
fail:
    storage_blobs_free(out);
    return pcon_prefix(err, "image %.12s", img->id);
}
