/* SPDX-License-Identifier: Apache-2.0 */
/* Advisory whole-file locks (flock): shared to read, exclusive to change. */
#ifndef PCON_LIB_LOCK_H
#define PCON_LIB_LOCK_H

#include <stdbool.h>

#include "err.h"

/* opens (creating) dfd/name and locks it; returns the fd, which holds the
 * lock until closed */
int lock_take(int dfd, const char *name, bool exclusive, struct pcon_err *err);
/* the exclusive lock if nobody holds the file locked, else -1 (no wait) */
int lock_try_exclusive(int dfd, const char *name);

#endif
