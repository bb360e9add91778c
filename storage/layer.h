/* SPDX-License-Identifier: Apache-2.0 */
/* Layers: tar streams extracted once, safely, into layers/<chain-id>/diff
 * in the overlay format (whiteouts as 0/0 devices, opaque directories as
 * user.overlay.opaque), with the stream itself kept as layers/<chain-id>/
 * blob for save and push. */
#ifndef PCON_STORAGE_LAYER_H
#define PCON_STORAGE_LAYER_H

#include <stdbool.h>

#include "../lib/err.h"
#include "store.h"

/* how a layer's blob is stored: a compression a manifest can name */
enum layer_compression {
    LAYER_TAR = 0,
    LAYER_GZIP,
    LAYER_ZSTD,
};

struct layer_info {
    char diff_id[72];     /* sha256 of the uncompressed tar */
    char chain_id[72];    /* identifies the layer with its parents */
    long long size;       /* uncompressed bytes */
    char blob_digest[72]; /* the blob: the stream as it came (or its tar) */
    long long blob_size;
    enum layer_compression compression;
    int file_xattrs; /* its regular files have xattrs: 1, none: 0, not recorded (older): -1 */
};

/* A layer stream: an fd (any compression). When it is a regular file of
 * the store's file system (link), the file itself becomes the layer's blob
 * instead of a copy; digest, when known and already checked, spares
 * hashing it again. */
/* For a source file still being written: called at each end of what the
 * file holds so far, it waits until there is more (1), the file is whole
 * (0: its end is the stream's) or its writer failed (-1, with *errnum and
 * *what set). stop_fd (or -1) becomes readable when the reader gives up:
 * return -1 then. */
typedef int layer_more_fn(void *opaque, int stop_fd, int *errnum, const char **what);

struct layer_src {
    int fd;
    bool link;
    const char *digest;
    /* fd a file still being written (a download), or NULL */
    layer_more_fn *more;
    void *more_opaque;
    /* or extracted already: staged_dir/staged (storage_layer_stage), with
     * its record */
    int staged_dir;
    const char *staged;
    struct layer_info staged_info;
};

/* Extracts src as the layer above parent_chain_id (NULL for a base layer).
 * Call with the exclusive store lock. An existing identical layer is
 * reused. */
int storage_layer_create(struct store *st, const struct layer_src *src, const char *parent_chain_id,
                         struct layer_info *out, struct pcon_err *err);
/* The same in two steps. Extracts src into dir/name, a new directory (dir
 * a directory of the caller's own below layers/, safe from the store's
 * clean-up while the caller lives: a pull's), without the store lock. */
int storage_layer_stage(int dir, const char *name, const struct layer_src *src,
                        const char *parent_chain_id, struct layer_info *out, struct pcon_err *err);
/* With the exclusive store lock: the staged layer dir/name becomes the
 * stored layer in (its record) out. An identical layer stored meanwhile is
 * kept instead, and dir/name removed either way. */
int storage_layer_commit(struct store *st, int dir, const char *name, struct layer_info *out,
                         struct pcon_err *err);
/* a stored layer's record, by chain id (64 hex) */
int storage_layer_read(struct store *st, const char *chain_hex, struct layer_info *out,
                       struct pcon_err *err);
bool storage_layer_exists(struct store *st, const char *chain_hex);
/* the stored blob, for reading */
int storage_layer_blob_open(struct store *st, const char *chain_hex, struct pcon_err *err);
/* the chain id of diff_id above parent (NULL: a base layer) */
void storage_layer_chain_id(const char *parent, const char *diff_id, char out[72]);
/* media types: OCI, or Docker v2 schema 2 */
const char *storage_layer_media_type(enum layer_compression c, bool docker);

/* Extracts a tar stream below rootfd, refusing every path that would leave
 * it (exposed for the tests' hostile-layer corpus); diff_id NULL: the
 * stream is not hashed. */
int storage_layer_extract(int rootfd, int tarfd, char diff_id[72], long long *size,
                          struct pcon_err *err);

#endif
