/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound ownership: one cleanup attribute per kind of resource, and the
 * steal_* helpers that hand ownership on. */
#ifndef PCON_LIB_CLEANUP_H
#define PCON_LIB_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"

static inline void
cleanup_free_fn(void *p)
{
    free(*(void **) p);
}

static inline void
cleanup_close_fn(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        (void) close(*fd); /* nothing to do about a failed close of a read end */
        errno = saved;
    }
}

static inline void
cleanup_fclose_fn(FILE **f)
{
    if (*f)
        (void) fclose(*f);
}

static inline void
cleanup_closedir_fn(DIR **d)
{
    if (*d)
        (void) closedir(*d);
}

static inline void
cleanup_strv_fn(char ***v)
{
    strv_free(*v);
}

static inline void
cleanup_err_fn(struct pcon_err *e)
{
    pcon_err_clear(e);
}

#define cleanup_free     __attribute__((cleanup(cleanup_free_fn)))
#define cleanup_close    __attribute__((cleanup(cleanup_close_fn)))
#define cleanup_fclose   __attribute__((cleanup(cleanup_fclose_fn)))
#define cleanup_closedir __attribute__((cleanup(cleanup_closedir_fn)))
#define cleanup_strv     __attribute__((cleanup(cleanup_strv_fn)))
#define cleanup_err      __attribute__((cleanup(cleanup_err_fn)))

static inline int
steal_fd(int *fd)
{
    int r = *fd;
    *fd = -1;
    return r;
}

static inline void *
steal_ptr(void *pp)
{
    void **p = pp;
    void *r = *p;
    *p = NULL;
    return r;
}

#define TEMP_FAILURE_RETRY_INT(expr)                                                               \
    ({                                                                                             \
        long _r;                                                                                   \
        do                                                                                         \
            _r = (long) (expr);                                                                    \
        while (_r == -1L && errno == EINTR);                                                       \
        _r;                                                                                        \
    })

#endif
