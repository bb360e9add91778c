/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets (podman's file driver): secrets/<name>/secret.json (the record:
 * id, dates, labels) and secrets/<name>/data (the secret, 0600) in the
 * graph root, made whole under a temporary name and renamed into place,
 * so a name is either there with its data or not at all. */
#ifndef PCON_STORAGE_SECRET_H
#define PCON_STORAGE_SECRET_H

#include <stddef.h>

#include "../lib/err.h"
#include "store.h"

/* podman's limit on a secret's data */
#define SECRET_DATA_MAX 512000

struct secret_rec {
    char id[26]; /* 25 hex digits, as podman makes them */
    char *name;
    char *created, *updated; /* RFC 3339, nanoseconds */
    char **labels;           /* KEY=VALUE */
};

/* [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 253 bytes */
bool storage_secret_name_valid(const char *name);
/* a new secret; a name in use fails: "NAME: secret name in use" */
int storage_secret_create(struct store *st, const char *name, const void *data, size_t len,
                          char *const *labels, struct secret_rec *out, struct pcon_err *err);
/* by name, full id or a unique id prefix; PCON_ERR_NOTFOUND otherwise */
int storage_secret_lookup(struct store *st, const char *name_or_id, struct secret_rec *out,
                          struct pcon_err *err);
/* every secret, sorted by name */
int storage_secret_list(struct store *st, struct secret_rec **out, size_t *n, struct pcon_err *err);
/* its data (malloc'd, *len bytes, NUL-terminated too) */
char *storage_secret_data(struct store *st, const struct secret_rec *s, size_t *len,
                          struct pcon_err *err);
int storage_secret_remove(struct store *st, const struct secret_rec *s, struct pcon_err *err);
void storage_secret_free(struct secret_rec *s);
void storage_secret_list_free(struct secret_rec *v, size_t n);

#endif
