// SPDX-License-Identifier: Apache-2.0
/* Id-map arithmetic. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/mem.h"
#include "idmap.h"

static int
idmap_add(struct idmap *m, unsigned long inner, unsigned long outer, unsigned long count,
          struct pcon_err *err)
{
    if (count == 0)
        return 0;
    if (m->n == IDMAP_MAX)
        return pcon_fail(err, E2BIG, "too many id ranges (at most %d)", IDMAP_MAX);
    m->e[m->n++] = (struct idmap_entry){ inner, outer, count };
    return 0;
}

int
engine_idmap_build(unsigned long host_id, const struct idrange *ranges, size_t n, struct idmap *out,
                   struct pcon_err *err)
{
    unsigned long next = 1;

    memset(out, 0, sizeof *out);
    if (idmap_add(out, 0, host_id, 1, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned long s = ranges[i].start, c = ranges[i].count;

        if (c == 0)
            continue;
        if (s + c < s || next + c < next)
            return pcon_fail(err, ERANGE, "id range %lu+%lu overflows", s, c);
        if (host_id >= s && host_id < s + c) {
            /* never map the user's own id twice */
            unsigned long before = host_id - s, after = s + c - host_id - 1;
            if (idmap_add(out, next, s, before, err) < 0)
                return -1;
            next += before;
            if (idmap_add(out, next, host_id + 1, after, err) < 0)
                return -1;
            next += after;
            continue;
        }
        if (idmap_add(out, next, s, c, err) < 0)
            return -1;
        next += c;
    }
    return 0;
}

int
engine_idmap_parse(const char *text, struct idmap *out, struct pcon_err *err)
{
    const char *p = text;

    memset(out, 0, sizeof *out);
    while (*p) {
        unsigned long a, b, c;
        int used = 0;

        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (sscanf(p, "%lu %lu %lu%n", &a, &b, &c, &used) != 3)
            return pcon_fail(err, EINVAL, "malformed id map line");
        if (idmap_add(out, a, b, c, err) < 0)
            return -1;
        p += used;
    }
    return 0;
}

unsigned long
engine_idmap_size(const struct idmap *m)
{
    unsigned long t = 0;

    for (size_t i = 0; i < m->n; i++)
        t += m->e[i].count;
    return t;
}

long
engine_idmap_to_outer(const struct idmap *m, unsigned long inner)
{
    for (size_t i = 0; i < m->n; i++)
        if (inner >= m->e[i].inner && inner - m->e[i].inner < m->e[i].count)
            return (long) (m->e[i].outer + (inner - m->e[i].inner));
    return -1;
}

char **
engine_idmap_helper_argv(const char *prog, int pid, const struct idmap *m)
{
    char **argv = NULL;

    strv_push(&argv, prog);
    strv_push_take(&argv, xasprintf("%d", pid));
    for (size_t i = 0; i < m->n; i++) {
        strv_push_take(&argv, xasprintf("%lu", m->e[i].inner));
        strv_push_take(&argv, xasprintf("%lu", m->e[i].outer));
        strv_push_take(&argv, xasprintf("%lu", m->e[i].count));
    }
    return argv;
}
