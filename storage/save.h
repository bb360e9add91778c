/* SPDX-License-Identifier: Apache-2.0 */
/* Writing images out: their blobs as stored (for save and push) and
 * docker-archive / oci-archive tarballs. */
#ifndef PCON_STORAGE_SAVE_H
#define PCON_STORAGE_SAVE_H

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
int storage_image_blobs(struct store *st, const struct image *img, bool oci_only,
                        struct image_blobs *out, struct pcon_err *err);
void storage_image_blobs_free(struct image_blobs *b);
/* the name of img that arg (a name or short name) means; NULL for an id */
char *storage_image_name_for(const struct image *img, const char *arg);

struct save_item {
    const struct image *img;
    char **names; /* written as its tags (RepoTags, ref.name) */
};

/* Writes the images as a docker-archive (several images share layers) or
 * an oci-archive (one image) to fd. Call with the store lock held. */
int storage_image_save(struct store *st, const struct save_item *items, size_t n, bool oci, int fd,
                       struct pcon_err *err);

#endif
