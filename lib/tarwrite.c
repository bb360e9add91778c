// SPDX-License-Identifier: Apache-2.0
/* Tar writer: ustar headers for regular files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "mem.h"
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

static void
number(unsigned char *field, size_t width, unsigned long long v)
{
    unsigned long long max = 1;

    for (size_t i = 0; i < width - 1; i++)
        max *= 8;
    if (v < max) {
        octal(field, width, v);
        return;
    }
    field[0] = 0x80; /* base-256, big-endian */
    for (size_t i = width - 1; i > 0; i--, v >>= 8)
        field[i] = (unsigned char) (v & 0xff);
}

/* a PAX record: "LEN key=value\n", LEN counting itself */
static void
pax_record(char **buf, size_t *len, const char *key, const void *value, size_t vlen)
{
    size_t body = strlen(key) + vlen + 3, n = body, digits;

    for (;;) {
        char tmp[32];
        digits = (size_t) snprintf(tmp, sizeof tmp, "%zu", n);
        if (body + digits == n)
            break;
        n = body + digits;
    }
    *buf = xrealloc(*buf, *len + n + 1);
    *len += (size_t) sprintf(*buf + *len, "%zu %s=", n, key);
    memcpy(*buf + *len, value, vlen);
    *len += vlen;
    (*buf)[(*len)++] = '\n';
}

static int
header_block(struct tar_writer *t, const char *name, const char *linkname, char type, unsigned mode,
             unsigned long long uid, unsigned long long gid, long long size, long long mtime,
             unsigned major, unsigned minor, struct pcon_err *err)
{
    unsigned char h[BLOCK] = { 0 };
    unsigned sum = 0;

    memcpy(h, name, strlen(name) < 100 ? strlen(name) : 99);
    octal(h + 100, 8, mode & 07777);
    number(h + 108, 8, uid);
    number(h + 116, 8, gid);
    number(h + 124, 12, (unsigned long long) size);
    number(h + 136, 12, mtime < 0 ? 0 : (unsigned long long) mtime);
    h[156] = (unsigned char) type;
    if (linkname)
        memcpy(h + 157, linkname, strlen(linkname) < 100 ? strlen(linkname) : 99);
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (type == '3' || type == '4') {
        octal(h + 329, 8, major);
        octal(h + 337, 8, minor);
    }
    memset(h + 148, ' ', 8);
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    octal(h + 148, 7, sum);
    if (fs_write_all(t->fd, h, BLOCK) < 0)
        return pcon_fail(err, errno, "write the archive");
    return 0;
}

int
tar_header_write(struct tar_writer *t, const struct tar_header *h, struct pcon_err *err)
{
    cleanup_free char *pax = NULL;
    size_t plen = 0;
    long long size = h->type == '0' ? h->size : 0;

    if (t->pending != 0)
        return pcon_fail(err, EINVAL, "tar entry before the previous one is complete");
    if (size < 0)
        return pcon_fail(err, EINVAL, "tar entry \"%s\": negative size", h->path);
    if (strlen(h->path) >= 100)
        pax_record(&pax, &plen, "path", h->path, strlen(h->path));
    if (h->linkname && strlen(h->linkname) >= 100)
        pax_record(&pax, &plen, "linkpath", h->linkname, strlen(h->linkname));
    for (size_t i = 0; h->xattr_names && h->xattr_names[i]; i++) {
        cleanup_free char *key = xasprintf("SCHILY.xattr.%s", h->xattr_names[i]);
        pax_record(&pax, &plen, key, h->xattr_values[i], h->xattr_sizes[i]);
    }
    if (pax) {
        if (header_block(t, "PaxHeaders/entry", NULL, 'x', 0644, 0, 0, (long long) plen, 0, 0, 0,
                         err)
            < 0)
            return -1;
        t->pending = (long long) plen;
        t->padding = (BLOCK - plen % BLOCK) % BLOCK;
        if (tar_data(t, pax, plen, err) < 0)
            return -1;
    }
    if (header_block(t, h->path, h->linkname, h->type, h->mode, h->uid, h->gid, size, h->mtime,
                     h->devmajor, h->devminor, err)
        < 0)
        return -1;
    t->pending = size;
    t->padding = (BLOCK - (size_t) (size % BLOCK)) % BLOCK;
    return size == 0 ? tar_data(t, NULL, 0, err) : 0;
}
