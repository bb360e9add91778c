/* SPDX-License-Identifier: Apache-2.0 */
/* Import: a root file system tarball becomes a single-layer image. */
#ifndef PCON_STORAGE_IMPORT_H
#define PCON_STORAGE_IMPORT_H

#include "../lib/err.h"
#include "store.h"

struct image_import_opts {
    const char *name;                /* NULL: untagged */
    char **changes;                  /* "CMD=...", "ENV=K=V", "WORKDIR=..." ... (Dockerfile-like) */
    const char *arch, *os, *variant; /* the platform the image says it is for; NULL: the host's */
    const char *message;             /* its history entry's comment, or NULL */
};

/* Imports a root file system tarball (read from fd, any compression) as a
 * single-layer image. Takes the exclusive store lock. */
int storage_import(struct store *st, int fd, const struct image_import_opts *opts, char id_out[65],
                   struct pcon_err *err);

#endif
