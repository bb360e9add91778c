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
 * Concurrent callers are fine: the first rename wins. Until the copies are
 * made, a container's first start can see the layers as they are through
 * fuse-overlayfs with the maps applied (view_uidmap, view_gidmap: its
 * uidmapping= and gidmapping= values, the maps' "inner:outer:count"
 * entries joined by ':'; NULL: no view). */
struct storage_shift {
    const char *key;
    struct fs_idshift ids;
    const char *view_uidmap, *view_gidmap;
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
 * layers' shifted copies for s (NULL: the layers themselves), made first
 * when missing; with STORAGE_MOUNT_VIEW (native overlay, s with a view,
 * fuse-overlayfs usable, layers without file xattrs) the missing copies
 * are made by a child meanwhile,
 * and this mount's lower layer is the view of the layers as they are, on
 * containers/<id>/view (storage_rootfs_view_unmount). With
 * STORAGE_MOUNT_EPHEMERAL the writable layer is thrown away afterwards, so
 * overlay need not sync it (volatile). */
#define STORAGE_MOUNT_EPHEMERAL 1u
#define STORAGE_MOUNT_VIEW      2u
int storage_rootfs_mount(struct store *st, const struct image *img, const char *id,
                         const struct storage_shift *s, const char *target, unsigned flags,
                         struct pcon_err *err);
int storage_rootfs_unmount(const char *target, struct pcon_err *err);
/* the view a mount of container id's root may have made */
void storage_rootfs_view_unmount(struct store *st, const char *id);

/* An image's files, read-only, at target (in the caller's mount namespace). */
int storage_image_mount_ro(struct store *st, const struct image *img, const char *target,
                           struct pcon_err *err);

#endif
