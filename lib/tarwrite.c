// SPDX-License-Identifier: Apache-2.0
/* Tar writer: ustar headers for regular files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "tarwrite.h"

#define BLOCK 512

static const unsigned char zeros[2 * BLOCK];

static void
octal(unsigned char *field, size_t width, unsigned long long v)
{
    char tmp[24];

    snprintf(tmp, sizeof tmp, "%0*llo", (int) width - 1, v);
    memcpy(field, tmp, width - 1);
}

int
tar_entry(struct tar_writer *t, const char *path, long long size, struct pcon_err *err)
{
    unsigned char h[BLOCK] = { 0 };
    unsigned long long v = (unsigned long long) size;
    unsigned sum = 0;

    if (t->pending != 0)
        return pcon_fail(err, EINVAL, "tar entry before the previous one is complete");
    if (strlen(path) >= 100 || size < 0)
        return pcon_fail(err, EINVAL, "tar entry \"%s\"", path);
    memcpy(h, path, strlen(path));
    octal(h + 100, 8, 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    if (v <= 077777777777ULL) {
        octal(h + 124, 12, v);
    } else { /* base-256, big-endian */
        h[124] = 0x80;
        for (int i = 11; i > 0; i--, v >>= 8)
            h[124 + i] = (unsigned char) (v & 0xff);
    }
    octal(h + 136, 12, 0);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    octal(h + 148, 7, sum);
    if (fs_write_all(t->fd, h, BLOCK) < 0)
        return pcon_fail(err, errno, "write the archive");
    t->pending = size;
    t->padding = (BLOCK - (size_t) (size % BLOCK)) % BLOCK;
    return size == 0 ? tar_data(t, NULL, 0, err) : 0;
}

int
tar_data(struct tar_writer *t, const void *buf, size_t len, struct pcon_err *err)
{
    if ((long long) len > t->pending)
        return pcon_fail(err, EINVAL, "tar entry longer than its header says");
    if (len && fs_write_all(t->fd, buf, len) < 0)
        return pcon_fail(err, errno, "write the archive");
    t->pending -= (long long) len;
    if (t->pending == 0 && t->padding) {
        if (fs_write_all(t->fd, zeros, t->padding) < 0)
            return pcon_fail(err, errno, "write the archive");
        t->padding = 0;
    }
    return 0;
}

int
tar_finish(struct tar_writer *t, struct pcon_err *err)
{
    if (t->pending != 0)
        return pcon_fail(err, EINVAL, "tar entry shorter than its header says");
    if (fs_write_all(t->fd, zeros, sizeof zeros) < 0)
        return pcon_fail(err, errno, "write the archive");
    return 0;
}
