/* SPDX-License-Identifier: Apache-2.0 */
/* Image references: "[registry/]path[:tag][@digest]", normalised as podman
 * does (docker.io with library/ for single names, tag latest). Pure. */
#ifndef PCON_STORAGE_REFERENCE_H
#define PCON_STORAGE_REFERENCE_H

#include <stdbool.h>

#include "../lib/err.h"

struct image_ref {
    char *registry;  /* "docker.io", "localhost", "127.0.0.1:5000" */
    char *path;      /* "library/alpine", "team/app" */
    char *tag;       /* NULL when a digest is given without a tag */
    char *digest;    /* "sha256:..." or NULL */
    bool short_name; /* the input named no registry */
};

/* default_registry: used for short names ("docker.io" for pull,
 * "localhost" for import and tag) */
int storage_ref_parse(const char *s, const char *default_registry, struct image_ref *out,
                      struct pcon_err *err);
void storage_ref_free(struct image_ref *r);
/* "registry/path:tag" (or "registry/path@digest") */
char *storage_ref_string(const struct image_ref *r);
/* true when the stored canonical name would be found by the short input:
 * "bb" finds "localhost/bb:latest" and "docker.io/library/bb:latest" */
bool storage_ref_short_matches(const struct image_ref *short_ref, const char *full_name);

#endif
