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

long
engine_idmap_to_inner(const struct idmap *m, unsigned long outer)
{
    for (size_t i = 0; i < m->n; i++)
        if (outer >= m->e[i].outer && outer - m->e[i].outer < m->e[i].count)
            return (long) (m->e[i].inner + (outer - m->e[i].outer));
    return -1;
}

int
engine_idmap_keep_id(unsigned long size, unsigned long id, struct idmap *out, struct pcon_err *err)
{
    memset(out, 0, sizeof *out);
    if (id >= size)
        return pcon_fail(err, ERANGE, "id %lu is outside the %lu ids of the user namespace", id,
                         size);
    if (idmap_add(out, 0, 1, id, err) < 0 || idmap_add(out, id, 0, 1, err) < 0
        || idmap_add(out, id + 1, id + 1, size - id - 1, err) < 0)
        return -1;
    return 0;
}

int
engine_idmap_range(unsigned long size, unsigned long outer, unsigned long count, struct idmap *out,
                   struct pcon_err *err)
{
    memset(out, 0, sizeof *out);
    if (count == 0 || outer >= size || count > size - outer)
        return pcon_fail(err, ERANGE,
                         "%lu ids from %lu do not fit in the %lu of the user namespace", count,
                         outer, size);
    return idmap_add(out, 0, outer, count, err);
}

static bool
entries_overlap(unsigned long a, unsigned long an, unsigned long b, unsigned long bn)
{
    return a < b + bn && b < a + an;
}

int
engine_idmap_add_spec(struct idmap *m, const char *spec, unsigned long size, struct pcon_err *err)
{
    unsigned long c, h, n;
    int used = 0;

    if (sscanf(spec, "%lu:%lu:%lu%n", &c, &h, &n, &used) != 3 || spec[used] != '\0'
        || strchr(spec, '-') != NULL || n == 0)
        return pcon_fail(err, EINVAL, "invalid id mapping \"%s\": CONTAINER:HOST:SIZE", spec);
    if (h >= size || n > size - h || c + n < c || c + n > 0xffffffffUL)
        return pcon_fail(err, ERANGE,
                         "id mapping \"%s\" is outside the %lu ids of the user namespace", spec,
                         size);
    for (size_t i = 0; i < m->n; i++)
        if (entries_overlap(c, n, m->e[i].inner, m->e[i].count)
            || entries_overlap(h, n, m->e[i].outer, m->e[i].count))
            return pcon_fail(err, EINVAL, "id mapping \"%s\" overlaps another", spec);
    return idmap_add(m, c, h, n, err);
}

char **
engine_idmap_to_specs(const struct idmap *m)
{
    char **v = NULL;

    for (size_t i = 0; i < m->n; i++)
        strv_push_take(&v, xasprintf("%lu:%lu:%lu", m->e[i].inner, m->e[i].outer, m->e[i].count));
    return v;
}

bool
engine_idmap_overlap(const struct idmap *a, const struct idmap *b)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (entries_overlap(a->e[i].outer, a->e[i].count, b->e[j].outer, b->e[j].count))
                return true;
    return false;
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
