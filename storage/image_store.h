/* SPDX-License-Identifier: Apache-2.0 */
/* Storing a new image from its config, manifest and layer sources. */
#ifndef PCON_STORAGE_IMAGE_STORE_H
#define PCON_STORAGE_IMAGE_STORE_H

#include "image.h"
#include "layer.h"

/* Stores an image from its config text, its manifest text (NULL: one is
 * made), its layer sources (base first; an fd of -1 for a layer expected
 * stored already, else PCON_ERR_NOTFOUND) and names (may be NULL); every
 * layer's DiffID must be the config's. Names or the id are appended to
 * *loaded; id_out (65 bytes, may be NULL) gets the id. Call with the
 * exclusive store lock. */
int storage_image_store(struct store *st, const char *config, const char *manifest,
                        const struct layer_src *layers, size_t nlayers, char **names,
                        char ***loaded, char *id_out, struct pcon_err *err);

struct oci_config;
/* Stores a new image above base (NULL: none) with config c: the layer tar
 * read from tarfd (-1: no new layer) goes on top, its DiffID appended to
 * c's (which must hold base's). names: canonical references, or NULL.
 * Takes the exclusive store lock. */
int storage_image_derive(struct store *st, const struct image *base, int tarfd,
                         struct oci_config *c, char **names, char id_out[65], struct pcon_err *err);

#endif
