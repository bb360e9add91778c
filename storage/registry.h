/* SPDX-License-Identifier: Apache-2.0 */
/* Pulling images over the OCI distribution API. libcurl is opened when a
 * pull starts: linked, it would load its many libraries into every pcon
 * command. */
#ifndef PCON_STORAGE_REGISTRY_H
#define PCON_STORAGE_REGISTRY_H

#include <stdbool.h>

#include "../lib/err.h"
#include "store.h"

struct pull_opts {
    bool tls_verify;  /* false: plain HTTP (and no certificate checks) */
    const char *arch; /* platform in a manifest list; NULL: the host's */
    const char *os;
};

/* Pulls ref (short names are docker.io's) into the store; *name gets the
 * canonical name and id_out the image id. Every blob's digest and size and
 * every layer's DiffID is verified. Takes the exclusive store lock while
 * storing. */
int storage_image_pull(struct store *st, const char *ref, const struct pull_opts *o, char **name,
                       char id_out[65], struct pcon_err *err);

#endif
