/* SPDX-License-Identifier: Apache-2.0 */
/* Repair and garbage collection: what killed commands left in the store
 * (temporaries, layers of an image they never recorded) and the layers no
 * image uses. */
#ifndef PCON_STORAGE_GC_H
#define PCON_STORAGE_GC_H

#include "../lib/err.h"
#include "store.h"

/* removes temporaries of killed commands ("pull" and "push" ones only once
 * their process is gone) and, when there were any, the layers no image
 * uses; call with the exclusive lock */
int storage_gc_temporaries(struct store *st, struct pcon_err *err);
/* removes the layers no image uses (exclusive lock) */
int storage_gc_layers(struct store *st, struct pcon_err *err);
/* Right after the store is opened: the next command after a killed one
 * repairs the store, whatever it is, when nobody is using the store right
 * then (else whoever next changes it does, under storage_lock). Best
 * effort. */
void storage_gc_recover(struct store *st);

#endif
