// SPDX-License-Identifier: Apache-2.0
/* The store lock, and the repair its first exclusive taker does. */
#include <unistd.h>

#include "../lib/lock.h"
#include "gc.h"
#include "lock.h"

int
storage_lock(struct store *st, bool exclusive, struct pcon_err *err)
{
    int fd = lock_take(st->root_dfd, "storage.lock", exclusive, err);

    /* whoever changes the store first repairs what a killed command left */
    if (fd >= 0 && exclusive && storage_gc_temporaries(st, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}
