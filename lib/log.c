// SPDX-License-Identifier: Apache-2.0
/* Warnings. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int quiet;

void
pcon_log_quiet(void)
{
    quiet = 1;
}

void
pcon_warn(const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    fputs("WARN[0000] ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
