/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's infra container: no image, a root of its own (a small tmpfs in
 * the init's mount namespace) holding only pcon's infra program. */
#ifndef PCON_ENGINE_INFRA_H
#define PCON_ENGINE_INFRA_H

#include <stddef.h>
#include <sys/types.h>

#include "../lib/err.h"

struct store;

#define ENGINE_INFRA_PATH "/pcon-infra"    /* the program, in the infra's root */
#define ENGINE_INIT_PATH  "/run/pcon-init" /* the same, as --init's PID 1 */

/* the program's bytes (pod/infra/pcon-infra.c, as the build made it) */
const unsigned char *engine_infra_program(size_t *size);
/* writes the program as dfd/name (0555), for --init's bind */
int engine_infra_program_write(int dfd, const char *name, struct pcon_err *err);
/* mounts the infra's root at rootfs: a tmpfs with the program and the
 * directories the container's mounts need, owned by uid:gid (its root) */
int engine_infra_root(const char *rootfs, uid_t uid, gid_t gid, struct pcon_err *err);

/* <runroot>/pods/<pod>/shm: the /dev/shm a pod's containers share (their
 * ipc namespace is one): made by the infra's start, a tmpfs in pcon's mount
 * namespace; malloc'd path */
char *engine_pod_shm_path(const struct store *st, const char *pod);
/* size: bytes (pod create --shm-size), 0 for 64 MiB */
int engine_pod_shm_prepare(const struct store *st, const char *pod, long long size,
                           struct pcon_err *err);
/* unmounts and removes it (pod rm); gone already is fine */
void engine_pod_shm_release(const struct store *st, const char *pod);

#endif
