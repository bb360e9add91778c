/* SPDX-License-Identifier: Apache-2.0 */
/* An image as the blobs the store holds for it (save, push). */
#ifndef PCON_STORAGE_BLOBS_H
#define PCON_STORAGE_BLOBS_H

#include <stdbool.h>

#include "../lib/err.h"
#include "image.h"
#include "layer.h"
#include "store.h"

/* An image as blobs: its config and a manifest naming exactly the blobs
 * the store holds for its layers (the stored manifest when it does, else
 * one made for them). */
struct image_blobs {
    char *config, *manifest;
    bool docker; /* manifest is Docker v2 schema 2, else OCI */
    struct layer_info *layers;
    size_t n;
};

/* Call with the store lock held (shared). oci_only: an OCI manifest even
 * for an image pulled with a Docker one (the config stays the same). */
int storage_blobs_get(struct store *st, const struct image *img, bool oci_only,
                      struct image_blobs *out, struct pcon_err *err);
void storage_blobs_free(struct image_blobs *b);

#endif
