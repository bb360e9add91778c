/* SPDX-License-Identifier: Apache-2.0 */
/* What the libFuzzer targets share: the input as a string or as a file
 * descriptor, a scratch directory per process (on tmpfs where there is
 * one: stores fsync), a store in it, and a one-byte selector for targets
 * that feed several parsers. */
#ifndef PCON_TESTS_FUZZ_H
#define PCON_TESTS_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/cleanup.h"
#include "../../lib/err.h"
#include "../../lib/fsutil.h"
#include "../../lib/mem.h"
#include "../../storage/image.h"
#include "../../storage/lock.h"
#include "../../storage/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a fuzzer's own failure (not a finding): stop at once */
static inline void
fuzz_die(const char *what)
{
    fprintf(stderr, "fuzz harness: %s\n", what);
    abort();
}

/* the input up to its first NUL, terminated: what a reader of a text
 * file or header sees */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
    return xstrndup((const char *) data, size);
}

/* the input as an fd at offset 0 (a memfd: no file system involved) */
static inline int
fuzz_memfd(const void *data, size_t size)
{
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

    if (fd < 0 || fs_write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        fuzz_die("memfd");
    return fd;
}

static char fuzz_dir_path[256];

static inline void
fuzz_dir_remove(void)
{
    if (fuzz_dir_path[0])
        (void) fs_rm_rf_at(AT_FDCWD, fuzz_dir_path, NULL); /* at exit: best effort */
}

/* this process's scratch directory, removed at exit */
static inline const char *
fuzz_dir(void)
{
    const char *base = getenv("PCON_FUZZ_TMPDIR");

    if (fuzz_dir_path[0])
        return fuzz_dir_path;
    if (base == NULL || *base == '\0')
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/pcon-fuzz-XXXXXX", base);
    if (mkdtemp(fuzz_dir_path) == NULL)
        fuzz_die("mkdtemp");
    atexit(fuzz_dir_remove);
    return fuzz_dir_path;
}

/* a path in the scratch directory (static storage) */
static inline const char *
fuzz_path(const char *name)
{
    static char buf[512];

    snprintf(buf, sizeof buf, "%s/%s", fuzz_dir(), name);
    return buf;
}

/* one store per process, opened on first use */
static inline struct store *
fuzz_store(void)
{
    static struct store st;
    static bool open;
    struct pcon_err err = { 0 };
    cleanup_free char *root = NULL, *run = NULL;

    if (open)
        return &st;
    root = xasprintf("%s/root", fuzz_dir());
    run = xasprintf("%s/run", fuzz_dir());
    if (storage_store_open(&st, root, run, STORAGE_DRIVER_VFS, &err) < 0)
        fuzz_die(err.msg ? err.msg : "open the store");
    open = true;
    return &st;
}

/* removes every image an input left (and so their layers): each run
 * starts from an empty store */
static inline void
fuzz_store_clear(struct store *st)
{
    struct image *v = NULL;
    size_t n = 0;
    cleanup_close int lock = storage_lock(st, true, NULL);

    if (lock < 0 || storage_image_list(st, &v, &n, NULL) < 0)
        fuzz_die("list the store's images");
    for (size_t i = 0; i < n; i++)
        if (storage_image_remove(st, &v[i], NULL) < 0)
            fuzz_die("remove an image");
    storage_image_list_free(v, n);
}

/* an empty tar stream: the end-of-archive blocks */
static inline int
fuzz_empty_tar(void)
{
    static const char zeros[1024];

    return fuzz_memfd(zeros, sizeof zeros);
}

/* The first byte picks one of n parsers; the rest is its input. */
static inline unsigned
fuzz_select(const uint8_t **data, size_t *size, unsigned n)
{
    unsigned s;

    if (*size == 0)
        return 0;
    s = **data % n;
    (*data)++;
    (*size)--;
    return s;
}

#endif
