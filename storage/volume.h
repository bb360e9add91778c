/* SPDX-License-Identifier: Apache-2.0 */
/* Named volumes: volumes/<name>/volume.json (what was asked) and
 * volumes/<name>/_data (the content, owned by the container's root, which
 * is the user) in the graph root. A name is made atomically (its
 * directory, under a temporary name first, renamed into place). */
#ifndef PCON_STORAGE_VOLUME_H
#define PCON_STORAGE_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "store.h"

struct volume_rec {
    char *name;
    char *created;      /* RFC 3339, nanoseconds */
    char **labels;      /* KEY=VALUE */
    char **options;     /* --opt KEY=VALUE (driver "local": kept, unused) */
    bool needs_copy_up; /* not yet filled from an image's content */
    bool anonymous;     /* made for a container's -v /path: goes with rm -v and --rm */
};

/* [a-zA-Z0-9][a-zA-Z0-9_.-]* (podman's), at most 255 bytes */
bool storage_volume_name_valid(const char *name);
/* a new volume: name (NULL: a random 64-hex one); an existing name is
 * PCON_ERR_INUSE, unless exists_ok, when it is loaded instead */
int storage_volume_create(struct store *st, const char *name, char *const *labels,
                          char *const *options, bool exists_ok, bool anonymous,
                          struct volume_rec *out, struct pcon_err *err);
int storage_volume_load(struct store *st, const char *name, struct volume_rec *out,
                        struct pcon_err *err);
/* every volume, sorted by name */
int storage_volume_list(struct store *st, struct volume_rec **out, size_t *n, struct pcon_err *err);
/* removes the record and the content */
int storage_volume_remove(struct store *st, const char *name, struct pcon_err *err);
/* the content's directory (malloc'd, absolute) */
char *storage_volume_path(const struct store *st, const char *name);
/* its content as a tar stream into fd, paths relative to it */
int storage_volume_export(struct store *st, const char *name, int fd, struct pcon_err *err);
/* a tar stream (compressed or not) from fd extracted into its content;
 * nothing may land outside it */
int storage_volume_import(struct store *st, const char *name, int fd, struct pcon_err *err);
/* marks a volume filled (its first mount copied the image's content in) */
int storage_volume_filled(struct store *st, const char *name, struct pcon_err *err);
void storage_volume_free(struct volume_rec *v);
void storage_volume_list_free(struct volume_rec *v, size_t n);

#endif
