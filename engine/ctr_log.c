// SPDX-License-Identifier: Apache-2.0
/* Reading records of the k8s-file container log. */
#include <string.h>

#include "ctr_log.h"

bool
engine_ctr_log_parse_line(const char *p, size_t n, struct ctr_log_line *l)
{
    const char *sp1 = memchr(p, ' ', n), *sp2, *sp3;

    if (sp1 == NULL)
        return false;
    sp2 = memchr(sp1 + 1, ' ', n - (size_t) (sp1 + 1 - p));
    if (sp2 == NULL || sp2 + 3 > p + n)
        return false;
    sp3 = sp2 + 2;
    if (*sp3 != ' ' && sp3 != p + n)
        return false;
    l->ts = p;
    l->tslen = (size_t) (sp1 - p);
    l->err = (size_t) (sp2 - sp1 - 1) == 6 && memcmp(sp1 + 1, "stderr", 6) == 0;
    l->full = sp2[1] == 'F';
    l->text = sp3 < p + n ? sp3 + 1 : p + n;
    l->len = (size_t) (p + n - l->text);
    return true;
}
