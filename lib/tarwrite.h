/* SPDX-License-Identifier: Apache-2.0 */
/* Writing tar streams of regular files (ustar headers, base-256 sizes
 * past 8 GiB): all image archives need. */
#ifndef PCON_LIB_TARWRITE_H
#define PCON_LIB_TARWRITE_H

#include <stddef.h>

#include "err.h"

struct tar_writer {
    int fd;
    long long pending; /* bytes of the current entry still to come */
    size_t padding;    /* zeros after them */
};

/* a regular file entry (mode 0644, owner 0, time 0) of size bytes; path
 * under 100 bytes */
int tar_entry(struct tar_writer *t, const char *path, long long size, struct pcon_err *err);
/* the entry's data, in pieces; after the last one the entry is padded */
int tar_data(struct tar_writer *t, const void *buf, size_t len, struct pcon_err *err);
/* the end-of-archive blocks */
int tar_finish(struct tar_writer *t, struct pcon_err *err);

#endif
