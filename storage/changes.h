/* SPDX-License-Identifier: Apache-2.0 */
/* A container's changes to its image: the writable layer (overlay's upper
 * directory) walked in name order, listed as podman diff lists them, and
 * written as an OCI layer (a tar stream with whiteouts: ".wh.NAME" for a
 * deletion, ".wh..wh..opq" in a directory that replaces the one below). */
#ifndef PCON_STORAGE_CHANGES_H
#define PCON_STORAGE_CHANGES_H

#include <stdbool.h>

#include "../lib/err.h"
#include "../lib/fsutil.h"
#include "image.h"
#include "store.h"

/* "A /path", "C /path", "D /path" (added, changed, deleted), sorted by
 * path. skip: absolute paths whose empty file or directory is the engine's
 * own (mount points it made), left out, and so are the directories that
 * hold only those (NULL: none). */
int storage_changes_list(struct store *st, const struct image *img, const char *id,
                         const char *const *skip, char ***lines, struct pcon_err *err);

/* the same for an image: its top layer over the others */
int storage_image_changes(struct store *st, const struct image *img, char ***lines,
                          struct pcon_err *err);

struct changes_tar_opts {
    const struct fs_idshift
        *ids;                /* owners back to the image's (a user namespace's shift), or NULL */
    long long mtime;         /* every entry's time, or -1: the files' own */
    const char *const *skip; /* as storage_changes_list's */
};
/* Writes the changes of container id (of image img) as a layer tar to fd. */
int storage_changes_tar(struct store *st, const struct image *img, const char *id, int fd,
                        const struct changes_tar_opts *o, struct pcon_err *err);
/* the same for any directory in the overlay layout (a build's own) */
int storage_changes_tar_dir(int dirfd, int fd, const struct changes_tar_opts *o,
                            struct pcon_err *err);

#endif
