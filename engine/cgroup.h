/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups: whether this user can have any (a cgroup v2 subtree delegated
 * to it, as systemd's user@UID.service is, or PCON_CGROUP_ROOT naming one),
 * a container's own leaf there with the limits asked for, and its figures
 * read back for stats. On cgroup v1 (or v2 without delegation) a rootless
 * container has no cgroup of its own: limits are ignored with podman's
 * warning and stats says why it has nothing. */
#ifndef PCON_ENGINE_CGROUP_H
#define PCON_ENGINE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/err.h"

/* What --memory, --cpus and the others ask; 0 (or NULL): not asked. */
struct cgroup_limits {
    long long memory;             /* bytes: memory.max */
    long long memory_swap;        /* bytes of memory and swap, -1 unlimited: memory.swap.max */
    long long memory_reservation; /* bytes: memory.low */
    long long cpu_quota;          /* microseconds per period: cpu.max (--cpus sets both) */
    long long cpu_period;
    long long cpu_shares;   /* 2..262144: cpu.weight, converted as crun does */
    long long pids_limit;   /* pids.max; -1 unlimited; 0: podman's default 2048 */
    long long blkio_weight; /* 10..1000: io.weight */
    char *cpuset_cpus, *cpuset_mems;
    /* io.max: "rbps|wbps|riops|wiops PATH MAJ:MIN N" each (--device-read-bps, ...) */
    char **io_max;
    char **io_weights; /* io.weight: "PATH MAJ:MIN W" each (--blkio-weight-device) */
    char **conf;       /* --cgroup-conf KEY=VALUE: the cgroup's file KEY written VALUE */
    /* recorded and shown, as podman does, but cgroup v2 has none of them */
    long long memory_swappiness; /* 0..100; -1 (or 0 in a zeroed struct, unset) */
    bool swappiness_set, oom_kill_disable;
    long long cpu_rt_period, cpu_rt_runtime;
};

/* The delegated cgroup v2 directory containers' cgroups go in; NULL and
 * *why (may be NULL) the reason when there is none. */
char *engine_cgroup_base(char **why);
/* podman's words when limits were asked for and cannot be had */
#define CGROUP_V1_WARNING                                                                          \
    "Resource limits are not supported and ignored on cgroups V1 rootless systems"

bool engine_cgroup_limits_any(const struct cgroup_limits *l);
void engine_cgroup_limits_free(struct cgroup_limits *l);
/* a deep copy (the strings and lists its own) */
void engine_cgroup_limits_copy(struct cgroup_limits *dst, const struct cgroup_limits *src);
/* --device-read-bps (what: rbps, ...; v bytes or operations a second)
 * and --blkio-weight-device (what: weight): the block device at path (its
 * numbers read now), checked, added to l */
int engine_cgroup_device_limit(struct cgroup_limits *l, const char *what, const char *path,
                               long long v, struct pcon_err *err);
/* --cgroup-conf KEY=VALUE, checked, added to l */
int engine_cgroup_conf_add(struct cgroup_limits *l, const char *kv, struct pcon_err *err);
/* what of l cgroup v2 has no file for: podman's warnings, on stderr */
void engine_cgroup_v2_warn(const struct cgroup_limits *l);
/* checks the values (ranges, cpuset lists) */
int engine_cgroup_limits_check(const struct cgroup_limits *l, struct pcon_err *err);

/* A container's cgroup below the base, its leaf: pcon-<id>, or
 * pcon-pod-<pod>/pcon-<id> for a pod's container with --share-parent (the
 * pod's made with its first, removed with its last); malloc'd. The
 * functions below take it. */
char *engine_cgroup_leaf(const char *pod, const char *id);
/* the pod's own directory of them: pcon-pod-<pod>; malloc'd */
char *engine_cgroup_pod(const char *pod);
/* base/leaf: made (controllers enabled above it), limited, pid moved in;
 * pod (may be NULL): the limits of the pod's cgroup, leaf's parent */
int engine_cgroup_enter(const char *base, const char *leaf, const struct cgroup_limits *l,
                        const struct cgroup_limits *pod, pid_t pid, struct pcon_err *err);
/* writes the limits into an existing cgroup (update) */
int engine_cgroup_apply(const char *base, const char *leaf, const struct cgroup_limits *l,
                        struct pcon_err *err);
/* freezes (or thaws) it, waiting until the kernel says it is */
int engine_cgroup_freeze(const char *base, const char *leaf, bool frozen, struct pcon_err *err);
/* removes it once empty (and a pod's, once that is) */
void engine_cgroup_remove(const char *base, const char *leaf);

struct cgroup_stats {
    uint64_t cpu_usec;
    uint64_t mem_current, mem_max; /* mem_max 0: no limit */
    uint64_t pids;
    uint64_t io_read, io_write;
};
int engine_cgroup_read(const char *base, const char *leaf, struct cgroup_stats *out,
                       struct pcon_err *err);

#endif
