/* SPDX-License-Identifier: Apache-2.0 */
/* Writing tar streams: regular files (ustar headers, base-256 sizes past
 * 8 GiB), all image archives need, and any entry with its owner, mode,
 * time, link target, device numbers and xattrs, PAX headers carrying what
 * ustar cannot (long names, xattrs), as layers need. */
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
/* any entry; size bytes of data follow for a regular file (tar_data) */
struct tar_header {
    const char *path, *linkname; /* linkname: a symlink's target or a hard link's first path */
    char type;                   /* '0' file, '1' hard link, '2' symlink, '3' char, '4' block,
                                    '5' directory, '6' fifo */
    unsigned mode;
    unsigned long long uid, gid;
    long long size, mtime;
    unsigned devmajor, devminor;
    char *const *xattr_names; /* NULL-terminated, or NULL */
    const char *const *xattr_values;
    const size_t *xattr_sizes;
};
int tar_header_write(struct tar_writer *t, const struct tar_header *h, struct pcon_err *err);
/* the end-of-archive blocks */
int tar_finish(struct tar_writer *t, struct pcon_err *err);

#endif
