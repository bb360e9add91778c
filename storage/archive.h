/* SPDX-License-Identifier: Apache-2.0 */
/* Loading image archives: docker-archive and oci-archive. */
#ifndef PCON_STORAGE_ARCHIVE_H
#define PCON_STORAGE_ARCHIVE_H

#include "image.h"

/* Loads a docker-archive or oci-archive (any compression) from fd; the
 * names (or ids) of what was loaded are appended to *loaded. Takes the
 * exclusive store lock. */
int storage_archive_load(struct store *st, int fd, char ***loaded, struct pcon_err *err);

#endif
