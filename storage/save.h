/* SPDX-License-Identifier: Apache-2.0 */
/* Writing images out: docker-archive and oci-archive tarballs. */
#ifndef PCON_STORAGE_SAVE_H
#define PCON_STORAGE_SAVE_H

#include <stdbool.h>

#include "../lib/err.h"
#include "blobs.h"
#include "image.h"
#include "layer.h"
#include "store.h"

/* the name of img that arg (a name or short name) means; NULL for an id */
char *storage_save_name_for(const struct image *img, const char *arg);

struct save_item {
    const struct image *img;
    char **names; /* written as its tags (RepoTags, ref.name) */
};

/* Writes the images as a docker-archive (several images share layers) or
 * an oci-archive (one image) to fd. Call with the store lock held. */
int storage_save_archive(struct store *st, const struct save_item *items, size_t n, bool oci,
                         int fd, struct pcon_err *err);

#endif
