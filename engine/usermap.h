/* SPDX-License-Identifier: Apache-2.0 */
/* A container's own user namespace (--userns keep-id|nomap|auto|ns:PATH,
 * --uidmap, --gidmap), nested in pcon's: the maps of its mode, worked out
 * at create and kept in the record (inner: the container's ids, outer:
 * pcon's user namespace's, 0 the invoking user); the shift of the image's
 * owners they need; keep-id's passwd and group entries. */
#ifndef PCON_ENGINE_USERMAP_H
#define PCON_ENGINE_USERMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "../storage/rootfs.h"
#include "idmap.h"

struct ctr_config;
struct engine_create_opts;
struct image;

/* At create, under the store's lock and engine_usermap_lock: g->userns,
 * g->uidmap, g->gidmap and keep-id's user from the options; auto's slice
 * is one no other container's slice overlaps. A mode that needs none
 * leaves them NULL (pcon's own namespace). */
int engine_usermap_configure(struct store *st, struct ctr_config *g, const struct image *img,
                             const struct engine_create_opts *o, struct pcon_err *err);
/* --userns ns:PATH: PATH opened (its fd returned), checked to be a user
 * namespace whose parent is pcon's, and its maps against pcon's (a child
 * joins it to read them) */
int engine_usermap_open_path(const char *path, char ***uidmap, char ***gidmap,
                             struct pcon_err *err);
/* serialises the creates that choose auto slices; returns the lock's fd */
int engine_usermap_lock(struct store *st, struct pcon_err *err);

/* The shift of the image's owners for the record's maps. */
struct usermap_shift {
    struct idmap uid, gid;
    char key[17];
    char view_uid[1024], view_gid[1024]; /* fuse-overlayfs's uidmapping= and gidmapping= */
    struct storage_shift s;              /* s.key, s.ids and the views point into this */
};
/* 1 and *out filled when the container has maps of its own, 0 when not */
int engine_usermap_shift(const struct ctr_config *g, struct usermap_shift *out,
                         struct pcon_err *err);
/* implements fs_idshift.fn (opaque: a usermap_shift): the owners of a
 * user namespace of its own back to the image's (unmapped: 65534) */
void engine_usermap_unshift(const void *opaque, uid_t *uid, gid_t *gid);
/* "uid gid count" lines for /proc/PID/{uid,gid}_map */
char *engine_usermap_proc_text(char *const *specs);

/* keep-id: the image's group text with the user's group added, or NULL
 * when it has one for that id already (passwd entries: the monitor's) */
char *engine_usermap_group(const char *group, unsigned long gid, const char *name,
                           const char *member);
/* keep-id's ids and name, from the record */
bool engine_usermap_keep_id(const struct ctr_config *g, unsigned long *uid, unsigned long *gid);

#endif
