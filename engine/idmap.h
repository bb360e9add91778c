/* SPDX-License-Identifier: Apache-2.0 */
/* Id-map arithmetic: the mapping of a rootless user namespace (container 0
 * is the invoking user, 1..N the subordinate ranges) and parsing of
 * /proc/PID/{uid,gid}_map. Pure functions. */
#ifndef PCON_ENGINE_IDMAP_H
#define PCON_ENGINE_IDMAP_H

#include <stdbool.h>
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
/* outer id -> inner id; returns -1 when unmapped */
long engine_idmap_to_inner(const struct idmap *m, unsigned long outer);
/* The maps of --userns modes inside pcon's user namespace (size ids: 0 the
 * invoking user, 1.. its subordinate ids): inner ids are the container's.
 * keep-id: id is the invoking user, 0..id-1 are 1..id, the rest as they are. */
int engine_idmap_keep_id(unsigned long size, unsigned long id, struct idmap *out,
                         struct pcon_err *err);
/* count ids from 0 on onto outer..outer+count-1 (nomap: 1, size-1; auto) */
int engine_idmap_range(unsigned long size, unsigned long outer, unsigned long count,
                       struct idmap *out, struct pcon_err *err);
/* appends "CONTAINER:HOST:SIZE" (podman's --uidmap; HOST in pcon's user
 * namespace), checked to fit in size ids and not to overlap */
int engine_idmap_add_spec(struct idmap *m, const char *spec, unsigned long size,
                          struct pcon_err *err);
/* "CONTAINER:HOST:SIZE" each, as records and inspect keep them */
char **engine_idmap_to_specs(const struct idmap *m);
/* whether two maps share an outer id */
bool engine_idmap_overlap(const struct idmap *a, const struct idmap *b);
/* argv for newuidmap/newgidmap: PROG PID inner outer count ... */
char **engine_idmap_helper_argv(const char *prog, int pid, const struct idmap *m);

#endif
