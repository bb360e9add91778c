// SPDX-License-Identifier: Apache-2.0
/* The error type: construction, prefixing and formatting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

static int
err_set(struct pcon_err *err, enum pcon_errkind kind, int errnum, const char *fmt, va_list ap)
{
    char *msg = xvasprintf(fmt, ap);

    if (err == NULL) {
        free(msg);
        return -1;
    }
    free(err->msg);
    err->msg = msg;
    err->errnum = errnum;
    err->kind = kind;
    return -1;
}

int
pcon_fail(struct pcon_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_set(err, PCON_ERR_ENGINE, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int
pcon_fail_kind(struct pcon_err *err, enum pcon_errkind kind, int errnum, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_set(err, kind, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int
pcon_prefix(struct pcon_err *err, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *msg;

    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    prefix = xvasprintf(fmt, ap);
    va_end(ap);
    msg = xasprintf("%s: %s", prefix, err->msg ? err->msg : "unknown error");
    free(prefix);
    free(err->msg);
    err->msg = msg;
    return -1;
}

void
pcon_err_clear(struct pcon_err *err)
{
    if (err == NULL)
        return;
    free(err->msg);
    err->msg = NULL;
    err->errnum = 0;
    err->kind = PCON_ERR_ENGINE;
}

char *
pcon_err_text(const struct pcon_err *err)
{
    const char *msg = err->msg ? err->msg : "unknown error";

    if (err->errnum == 0)
        return xstrdup(msg);
    return xasprintf("%s: %s", msg, strerror(err->errnum));
}
