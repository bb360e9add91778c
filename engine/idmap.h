/* SPDX-License-Identifier: Apache-2.0 */
/* Id-map arithmetic: the mapping of a rootless user namespace (container 0
 * is the invoking user, 1..N the subordinate ranges) and parsing of
 * /proc/PID/{uid,gid}_map. Pure functions. */
#ifndef PCON_ENGINE_IDMAP_H
#define PCON_ENGINE_IDMAP_H

#include <stddef.h>

#include "../lib/err.h"

/* The kernel accepts at most 340 lines; newuidmap and the overlay options
 * stay far below this. */
#define IDMAP_MAX 32

struct idrange {
    unsigned long start, count;
};

struct idmap_entry {
    unsigned long inner, outer, count;
};

struct idmap {
    size_t n;
    struct idmap_entry e[IDMAP_MAX];
};

/* 0 -> host_id, then the ranges one after the other from 1 on; a range
 * holding host_id itself is split around it. */
int engine_idmap_build(unsigned long host_id, const struct idrange *ranges, size_t n,
                       struct idmap *out, struct pcon_err *err);
/* "inner outer count" lines as in /proc/PID/uid_map */
int engine_idmap_parse(const char *text, struct idmap *out, struct pcon_err *err);
/* total ids mapped */
unsigned long engine_idmap_size(const struct idmap *m);
/* inner id -> outer id; returns -1 when unmapped */
long engine_idmap_to_outer(const struct idmap *m, unsigned long inner);
/* argv for newuidmap/newgidmap: PROG PID inner outer count ... */
char **engine_idmap_helper_argv(const char *prog, int pid, const struct idmap *m);

#endif
