/* SPDX-License-Identifier: Apache-2.0 */
/* Container root file systems: choosing the driver (native overlay,
 * fuse-overlayfs, plain copy), creating a container's writable layer, and
 * mounting the root in the caller's mount namespace. */
#ifndef PCON_STORAGE_ROOTFS_H
#define PCON_STORAGE_ROOTFS_H

#include "../lib/err.h"
#include "../lib/fsutil.h"
#include "image.h"
#include "store.h"

/* Settles st->driver when it is AUTO: probed once per run root (the result
 * and the reason are cached there). *reason (may be NULL) says why. */
int storage_driver_resolve(struct store *st, char **reason, struct pcon_err *err);

/* A container of a user namespace of its own sees the image's files through
 * copies of its layers with each owner shifted (ids), made once per layer
 * and shift and kept as layers/<layer>/mapped/<key> (key: [0-9a-f]{16}),
 * going with their layer. (Idmapped mounts would be free, but neither
 * overlay nor the store's file system can be idmapped in a user namespace.)
 * Concurrent callers are fine: the first rename wins. */
struct storage_shift {
    const char *key;
    struct fs_idshift ids;
};
int storage_layers_shift(struct store *st, const struct image *img, const struct storage_shift *s,
                         struct pcon_err *err);

/* Creates containers/<id>/ with the writable layer for img (upper and
 * work, or a copy of the image for vfs): its top owned by the shifted root
 * with a shift (NULL: none). Returns an fd of the directory. */
int storage_container_create(struct store *st, const struct image *img, const char *id,
                             const struct storage_shift *s, struct pcon_err *err);
int storage_container_delete(struct store *st, const char *id, struct pcon_err *err);
/* a container made of a root directory (run --rootfs), into its directory
 * dfd: storage_rootfs_mount of it (an image of no layer) mounts path
 * itself, or with overlay an overlay of it under the container's upper */
int storage_container_rootfs_set(int dfd, const char *path, bool overlay, struct pcon_err *err);
/* The bytes (at most max) of a regular file of the container's root, rel
 * (e.g. "etc/passwd") as its writable layer over img's layers shows it,
 * without mounting it; NULL and errno (ENOENT: none, or deleted) */
char *storage_container_file(struct store *st, const struct image *img, const char *id,
                             const char *rel, size_t max);

/* Mounts the container's root at target (an existing directory), from the
 * layers' copies for shift_key (NULL: the layers themselves).
 * ephemeral: the writable layer is thrown away afterwards, so overlay need
 * not sync it (volatile). */
int storage_rootfs_mount(struct store *st, const struct image *img, const char *id,
                         const char *shift_key, const char *target, bool ephemeral,
                         struct pcon_err *err);
int storage_rootfs_unmount(const char *target, struct pcon_err *err);
/* An image's files, read-only, at target (in the caller's mount namespace). */
int storage_image_mount_ro(struct store *st, const struct image *img, const char *target,
                           struct pcon_err *err);

#endif
