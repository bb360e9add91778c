/* SPDX-License-Identifier: Apache-2.0 */
/* Layers: tar streams extracted once, safely, into layers/<chain-id>/diff
 * in the overlay format (whiteouts as 0/0 devices, opaque directories as
 * user.overlay.opaque). */
#ifndef PCON_STORAGE_LAYER_H
#define PCON_STORAGE_LAYER_H

#include "../lib/err.h"
#include "store.h"

struct layer_info {
    char diff_id[72];  /* sha256 of the uncompressed tar */
    char chain_id[72]; /* identifies the layer with its parents */
    long long size;    /* uncompressed bytes */
};

/* Extracts the (possibly compressed) tar stream read from fd as the layer
 * above parent_chain_id (NULL for a base layer). Call with the exclusive
 * store lock. An existing identical layer is reused. */
int storage_layer_create(struct store *st, int fd, const char *parent_chain_id,
                         struct layer_info *out, struct pcon_err *err);

/* Extracts a tar stream below rootfd, refusing every path that would leave
 * it (exposed for the tests' hostile-layer corpus). */
int storage_layer_extract(int rootfd, int tarfd, char diff_id[72], long long *size,
                          struct pcon_err *err);

#endif
