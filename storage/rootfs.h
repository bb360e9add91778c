/* SPDX-License-Identifier: Apache-2.0 */
/* Container root file systems: choosing the driver (native overlay,
 * fuse-overlayfs, plain copy), creating a container's writable layer, and
 * mounting the root in the caller's mount namespace. */
#ifndef PCON_STORAGE_ROOTFS_H
#define PCON_STORAGE_ROOTFS_H

#include "../lib/err.h"
#include "image.h"
#include "store.h"

/* Settles st->driver when it is AUTO: probed once per run root (the result
 * and the reason are cached there). *reason (may be NULL) says why. */
int storage_driver_resolve(struct store *st, char **reason, struct pcon_err *err);

/* Creates containers/<id>/ with the writable layer for img (upper and
 * work, or a copy of the image for vfs). Returns an fd of the directory. */
int storage_container_create(struct store *st, const struct image *img, const char *id,
                             struct pcon_err *err);
int storage_container_delete(struct store *st, const char *id, struct pcon_err *err);

/* Mounts the container's root at target (an existing directory).
 * ephemeral: the writable layer is thrown away afterwards, so overlay need
 * not sync it (volatile). */
int storage_rootfs_mount(struct store *st, const struct image *img, const char *id,
                         const char *target, bool ephemeral, struct pcon_err *err);
int storage_rootfs_unmount(const char *target, struct pcon_err *err);

#endif
