// SPDX-License-Identifier: Apache-2.0
/* Warnings. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void
pcon_warn(const char *fmt, ...)
{
    va_list ap;

    fputs("WARN[0000] ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
