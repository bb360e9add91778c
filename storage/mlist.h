/* SPDX-License-Identifier: Apache-2.0 */
/* Manifest lists (pcon manifest): a list of image manifests, one per
 * platform, kept in the graph root (manifests/<id>.json, written
 * atomically under the lists' own lock) until it is pushed. Each entry is a
 * descriptor (digest, size, media type, platform, annotations) and where
 * its image is: a local image (pushed with the list) or a registry's. */
#ifndef PCON_STORAGE_MLIST_H
#define PCON_STORAGE_MLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "store.h"

#define MLIST_MAX_ENTRIES 256

struct mlist_entry {
    char digest[72];
    long long size;
    char *media_type;
    char *os, *arch, *variant, *os_version; /* NULL: not given */
    char **features, **os_features;
    char **annotations; /* KEY=VALUE */
    char *image_id;     /* a local image's id, or NULL */
    char *source;       /* else the registry's repository it is in (host/path) */
};

struct mlist {
    char id[65];
    char **names; /* canonical */
    char *created;
    struct mlist_entry *v;
    size_t n;
};

/* The entries of a list's JSON (an OCI index or a Docker manifest list, a
 * registry's or a record's): each checked (a sha256 digest, a size, a
 * media type of an image manifest). Untrusted input: fuzzed. */
int storage_mlist_parse_entries(const char *text, struct mlist_entry **out, size_t *n,
                                struct pcon_err *err);
/* the list as a registry gets it (and inspect shows it: pretty), Docker's
 * list media type as podman 4.3 writes it; malloc'd */
char *storage_mlist_json(const struct mlist *l, bool pretty);
/* by canonical name, id or unique id prefix; PCON_ERR_NOTFOUND */
int storage_mlist_find(struct store *st, const char *name, struct mlist *out, struct pcon_err *err);
/* the lists' own lock (exclusive), held while one is read and changed:
 * an fd to close */
int storage_mlist_lock(struct store *st, struct pcon_err *err);
/* a new one (a random id) named name (with the lists' lock held); a name
 * taken by another list fails */
int storage_mlist_create(struct store *st, const char *name, struct mlist *out,
                         struct pcon_err *err);
int storage_mlist_save(struct store *st, const struct mlist *l, struct pcon_err *err);
int storage_mlist_remove(struct store *st, const struct mlist *l, struct pcon_err *err);
void storage_mlist_entry_free(struct mlist_entry *e);
void storage_mlist_free(struct mlist *l);

#endif
