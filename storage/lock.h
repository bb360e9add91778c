/* SPDX-License-Identifier: Apache-2.0 */
/* The store lock: flock on storage.lock, shared to read, exclusive to
 * change. */
#ifndef PCON_STORAGE_LOCK_H
#define PCON_STORAGE_LOCK_H

#include <stdbool.h>

#include "../lib/err.h"
#include "store.h"

/* Takes the lock; the returned fd holds it. Taken exclusively, it first
 * removes what killed commands left (storage_gc_temporaries). */
int storage_lock(struct store *st, bool exclusive, struct pcon_err *err);

#endif
