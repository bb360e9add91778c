/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's infra container: no image, a root of its own (a small tmpfs in
 * the init's mount namespace) holding only pcon's infra program. */
#ifndef PCON_ENGINE_INFRA_H
#define PCON_ENGINE_INFRA_H

#include <stddef.h>

#include "../lib/err.h"

#define ENGINE_INFRA_PATH "/pcon-infra" /* the program, in the infra's root */

/* the program's bytes (pod/infra/pcon-infra.c, as the build made it) */
const unsigned char *engine_infra_program(size_t *size);
/* mounts the infra's root at rootfs: a tmpfs with the program and the
 * directories the container's mounts need */
int engine_infra_root(const char *rootfs, struct pcon_err *err);

#endif
