// SPDX-License-Identifier: Apache-2.0
/* A container's own cgroup in a delegated cgroup v2 subtree. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/mem.h"
#include "cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define DEFAULT_PIDS_LIMIT 2048

/* the invoking user's uid outside pcon's user namespace */
static unsigned long
host_uid(void)
{
    cleanup_free char *map = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 65536, NULL, NULL);
    unsigned long in, out, n;

    if (map && sscanf(map, "%lu %lu %lu", &in, &out, &n) == 3 && in == 0)
        return out;
    return (unsigned long) getuid();
}

static bool
writable_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode) && access(p, W_OK | X_OK) == 0;
}

char *
engine_cgroup_base(char **why)
{
    const char *env = getenv("PCON_CGROUP_ROOT");
    struct statfs sf;
    char *base;

    if (why)
        *why = NULL;
    if (env && *env) {
        if (env[0] == '/' && writable_dir(env))
            return xstrdup(env);
        if (why)
            *why = xasprintf("PCON_CGROUP_ROOT %s is not a directory of yours", env);
        return NULL;
    }
    if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
        if (why)
            *why = xstrdup("cgroups v1");
        return NULL;
    }
    /* systemd delegates user@UID.service to the user; its user.slice is
     * where podman's cgroupfs manager puts containers too */
    base = xasprintf("/sys/fs/cgroup/user.slice/user-%lu.slice/user@%lu.service/user.slice",
                     host_uid(), host_uid());
    if (writable_dir(base))
        return base;
    if (why)
        *why = xasprintf("no cgroup v2 subtree delegated to this user (%s)", base);
    free(base);
    return NULL;
}

bool
engine_cgroup_limits_any(const struct cgroup_limits *l)
{
    return l->memory || l->memory_swap || l->memory_reservation || l->cpu_quota || l->cpu_period
           || l->cpu_shares || l->pids_limit || l->blkio_weight || l->cpuset_cpus || l->cpuset_mems
           || l->io_max || l->io_weights || l->conf || l->swappiness_set || l->oom_kill_disable
           || l->cpu_rt_period || l->cpu_rt_runtime;
}

void
engine_cgroup_limits_free(struct cgroup_limits *l)
{
    free(l->cpuset_cpus);
    free(l->cpuset_mems);
    l->cpuset_cpus = l->cpuset_mems = NULL;
    strv_free(l->io_max);
    strv_free(l->io_weights);
    strv_free(l->conf);
    l->io_max = l->io_weights = l->conf = NULL;
}

void
engine_cgroup_limits_copy(struct cgroup_limits *dst, const struct cgroup_limits *src)
{
    *dst = *src;
    dst->cpuset_cpus = src->cpuset_cpus ? xstrdup(src->cpuset_cpus) : NULL;
    dst->cpuset_mems = src->cpuset_mems ? xstrdup(src->cpuset_mems) : NULL;
    dst->io_max = src->io_max ? strv_dup(src->io_max) : NULL;
    dst->io_weights = src->io_weights ? strv_dup(src->io_weights) : NULL;
    dst->conf = src->conf ? strv_dup(src->conf) : NULL;
}

/* the block device at path, with its value, as what asks */
int
engine_cgroup_device_limit(struct cgroup_limits *l, const char *what, const char *path, long long v,
                           struct pcon_err *err)
{
    struct stat st;

    if (v <= 0 || (strcmp(what, "weight") == 0 && (v < 10 || v > 1000)))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid %s %lld for %s%s",
                              strcmp(what, "weight") == 0 ? "weight" : "rate", v, path,
                              strcmp(what, "weight") == 0 ? ": 10 to 1000" : "");
    if (path[0] != '/' || stat(path, &st) < 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, path[0] == '/' ? errno : 0, "device %s", path);
    if (!S_ISBLK(st.st_mode))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not a block device", path);
    if (strchr(path, ' '))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "device %s: a path without spaces", path);
    if (strcmp(what, "weight") == 0)
        strv_push_take(&l->io_weights,
                       xasprintf("%s %u:%u %lld", path, major(st.st_rdev), minor(st.st_rdev), v));
    else
        strv_push_take(&l->io_max, xasprintf("%s %s %u:%u %lld", what, path, major(st.st_rdev),
                                             minor(st.st_rdev), v));
    return 0;
}

int
engine_cgroup_conf_add(struct cgroup_limits *l, const char *kv, struct pcon_err *err)
{
    const char *eq = strchr(kv, '=');
    size_t kl = eq ? (size_t) (eq - kv) : 0;

    /* a file of the cgroup's own: CONTROLLER.NAME, nothing more */
    if (eq == NULL || kl == 0 || memchr(kv, '.', kl) == NULL || kv[0] == '.'
        || strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789_.") != kl
        || strncmp(kv, "cgroup.", 7) == 0 || strchr(eq + 1, '\n'))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid --cgroup-conf \"%s\": KEY=VALUE, KEY a file of the "
                              "container's cgroup (memory.high, io.latency, ...)",
                              kv);
    strv_push(&l->conf, kv);
    return 0;
}

void
engine_cgroup_v2_warn(const struct cgroup_limits *l)
{
    if (l->swappiness_set)
        fprintf(stderr, "WARN[0000] Memory swappiness is not supported on cgroups V2 systems: "
                        "ignored\n");
    if (l->oom_kill_disable)
        fprintf(stderr, "WARN[0000] OOM kill disable is not supported on cgroups V2 systems: "
                        "ignored\n");
    if (l->cpu_rt_period)
        fprintf(stderr, "WARN[0000] Realtime period not supported on cgroups V2 systems\n");
    if (l->cpu_rt_runtime)
        fprintf(stderr, "WARN[0000] Realtime runtime not supported on cgroups V2 systems\n");
}

/* "0-3,5" */
static bool
cpuset_valid(const char *s)
{
    if (*s == '\0' || strspn(s, "0123456789,-") != strlen(s))
        return false;
    for (const char *p = s; *p;) {
        unsigned long a, b;
        char *end;
        a = strtoul(p, &end, 10);
        if (end == p)
            return false;
        if (*end == '-') {
            p = end + 1;
            b = strtoul(p, &end, 10);
            if (end == p || b < a)
                return false;
        }
        if (*end == ',' && end[1] == '\0')
            return false;
        p = *end == ',' ? end + 1 : end;
        if (*end != ',' && *end != '\0')
            return false;
    }
    return true;
}

int
engine_cgroup_limits_check(const struct cgroup_limits *l, struct pcon_err *err)
{
    if (l->memory < 0 || l->memory_reservation < 0 || l->cpu_quota < 0 || l->cpu_period < 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "resource limits must not be negative");
    if (l->memory && l->memory < 6 * 1024 * 1024)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "minimum memory limit allowed is 6MB");
    if (l->memory_swap > 0 && l->memory && l->memory_swap < l->memory)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "minimum memoryswap limit should be larger than memory limit, see "
                              "usage");
    if (l->memory_swap && !l->memory)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "you should always set a memory limit when using a memoryswap limit");
    if (l->cpu_period && (l->cpu_period < 1000 || l->cpu_period > 1000000))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "CPU cfs period can not be less than 1ms (i.e. 1000) or larger "
                              "than 1s (i.e. 1000000)");
    if (l->cpu_quota && l->cpu_quota < 1000)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "CPU cfs quota can not be less than 1ms (i.e. 1000)");
    if (l->cpu_shares && (l->cpu_shares < 2 || l->cpu_shares > 262144))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--cpu-shares must be 2 to 262144");
    if (l->blkio_weight && (l->blkio_weight < 10 || l->blkio_weight > 1000))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "range of blkio weight is from 10 to 1000");
    if (l->pids_limit < -1)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --pids-limit");
    if ((l->cpuset_cpus && !cpuset_valid(l->cpuset_cpus))
        || (l->cpuset_mems && !cpuset_valid(l->cpuset_mems)))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid cpuset list \"%s\"",
                              l->cpuset_cpus && !cpuset_valid(l->cpuset_cpus) ? l->cpuset_cpus
                                                                              : l->cpuset_mems);
    return 0;
}

static int
write_file(int dfd, const char *name, const char *value, struct pcon_err *err)
{
    /* O_TRUNC: nothing to cgroupfs, a plain file (a test tree) needs it */
    cleanup_close int fd = openat(dfd, name, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t) strlen(value))
        return pcon_fail(err, errno, "write %s of the container's cgroup", name);
    return 0;
}

/* the controllers of base its children may use: every one it has */
static int
controllers_enable(int basefd, struct pcon_err *err)
{
    cleanup_close int fd = openat(basefd, "cgroup.controllers", O_RDONLY | O_CLOEXEC);
    cleanup_free char *have = fd < 0 ? NULL : fs_read_fd(fd, 4096, NULL, NULL);
    cleanup_free char *want = xstrdup("");
    char *save = NULL;

    if (have == NULL)
        return pcon_fail(err, errno, "read the cgroup's controllers");
    for (char *c = strtok_r(have, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
        if (strcmp(c, "memory") == 0 || strcmp(c, "pids") == 0 || strcmp(c, "cpu") == 0
            || strcmp(c, "io") == 0 || strcmp(c, "cpuset") == 0)
            xappendf(&want, "%s+%s", *want ? " " : "", c);
    if (*want == '\0')
        return 0;
    return write_file(basefd, "cgroup.subtree_control", want, err);
}

/* whether the cgroup at dfd has the controller */
static bool
has_controller(int dfd, const char *name)
{
    cleanup_close int fd = openat(dfd, "cgroup.controllers", O_RDONLY | O_CLOEXEC);
    cleanup_free char *have = fd < 0 ? NULL : fs_read_fd(fd, 4096, NULL, NULL);
    char *save = NULL;

    for (char *c = have ? strtok_r(have, " \n", &save) : NULL; c; c = strtok_r(NULL, " \n", &save))
        if (strcmp(c, name) == 0)
            return true;
    return false;
}

static int
need(int dfd, const char *controller, struct pcon_err *err)
{
    if (has_controller(dfd, controller))
        return 0;
    return pcon_fail(err, 0, "the %s controller is not delegated to this cgroup", controller);
}

/* io.max, a line a device (what the kernel reads a write at a time),
 * and io.weight's per-device lines */
static int
io_write(int dfd, const struct cgroup_limits *l, struct pcon_err *err)
{
    cleanup_strv char **devs = NULL;

    for (size_t i = 0; l->io_max && l->io_max[i]; i++) {
        char what[8], path[4096], dev[32];
        long long v;
        if (sscanf(l->io_max[i], "%7s %4095s %31s %lld", what, path, dev, &v) == 4
            && !strv_contains(devs, dev))
            strv_push(&devs, dev);
    }
    for (size_t d = 0; devs && devs[d]; d++) {
        cleanup_free char *line = xstrdup(devs[d]);
        for (size_t i = 0; l->io_max[i]; i++) {
            char what[8], path[4096], dev[32];
            long long v;
            if (sscanf(l->io_max[i], "%7s %4095s %31s %lld", what, path, dev, &v) == 4
                && strcmp(dev, devs[d]) == 0)
                xappendf(&line, " %s=%lld", what, v);
        }
        if (write_file(dfd, "io.max", line, err) < 0)
            return -1;
    }
    for (size_t i = 0; l->io_weights && l->io_weights[i]; i++) {
        char path[4096], dev[32], line[64];
        long long w;
        if (sscanf(l->io_weights[i], "%4095s %31s %lld", path, dev, &w) != 3)
            continue;
        snprintf(line, sizeof line, "%s %lld", dev, w);
        if (write_file(dfd, "io.weight", line, err) < 0)
            return -1;
    }
    return 0;
}

/* leaf: a container's own (podman's default pids limit), else a pod's */
static int
limits_write(int dfd, const struct cgroup_limits *l, bool leaf, struct pcon_err *err)
{
    char v[64];
    long long pids = l->pids_limit ? l->pids_limit : DEFAULT_PIDS_LIMIT;

    if ((l->memory || l->memory_swap || l->memory_reservation) && need(dfd, "memory", err) < 0)
        return -1;
    if ((l->cpu_quota || l->cpu_period || l->cpu_shares) && need(dfd, "cpu", err) < 0)
        return -1;
    if ((l->cpuset_cpus || l->cpuset_mems) && need(dfd, "cpuset", err) < 0)
        return -1;
    if (((l->blkio_weight || l->io_max || l->io_weights) && need(dfd, "io", err) < 0)
        || (l->pids_limit && need(dfd, "pids", err) < 0))
        return -1;
    if (io_write(dfd, l, err) < 0)
        return -1;
    for (size_t i = 0; l->conf && l->conf[i]; i++) {
        const char *eq = strchr(l->conf[i], '=');
        cleanup_free char *k = xstrndup(l->conf[i], (size_t) (eq - l->conf[i]));
        if (write_file(dfd, k, eq + 1, err) < 0)
            return -1;
    }

    if (l->memory) {
        snprintf(v, sizeof v, "%lld", l->memory);
        if (write_file(dfd, "memory.max", v, err) < 0)
            return -1;
    }
    if (l->memory_swap) {
        /* v2's swap.max is swap alone; podman's --memory-swap is both */
        if (l->memory_swap < 0)
            snprintf(v, sizeof v, "max");
        else
            snprintf(v, sizeof v, "%lld", l->memory_swap - l->memory);
        if (write_file(dfd, "memory.swap.max", v, err) < 0)
            return -1;
    }
    if (l->memory_reservation) {
        snprintf(v, sizeof v, "%lld", l->memory_reservation);
        if (write_file(dfd, "memory.low", v, err) < 0)
            return -1;
    }
    if (l->cpu_quota || l->cpu_period) {
        long long period = l->cpu_period ? l->cpu_period : 100000;
        if (l->cpu_quota)
            snprintf(v, sizeof v, "%lld %lld", l->cpu_quota, period);
        else
            snprintf(v, sizeof v, "max %lld", period);
        if (write_file(dfd, "cpu.max", v, err) < 0)
            return -1;
    }
    if (l->cpu_shares) {
        snprintf(v, sizeof v, "%lld", 1 + ((l->cpu_shares - 2) * 9999) / 262142);
        if (write_file(dfd, "cpu.weight", v, err) < 0)
            return -1;
    }
    if (l->blkio_weight) {
        snprintf(v, sizeof v, "default %lld", l->blkio_weight);
        if (write_file(dfd, "io.weight", v, err) < 0)
            return -1;
    }
    if ((l->cpuset_cpus && write_file(dfd, "cpuset.cpus", l->cpuset_cpus, err) < 0)
        || (l->cpuset_mems && write_file(dfd, "cpuset.mems", l->cpuset_mems, err) < 0))
        return -1;
    /* podman's default pids limit, where the controller is there */
    if (!l->pids_limit && (!leaf || !has_controller(dfd, "pids")))
        return 0;
    if (pids < 0)
        snprintf(v, sizeof v, "max");
    else
        snprintf(v, sizeof v, "%lld", pids);
    return write_file(dfd, "pids.max", v, err);
}

char *
engine_cgroup_pod(const char *pod)
{
    return xasprintf("pcon-pod-%.64s", pod);
}

char *
engine_cgroup_leaf(const char *pod, const char *id)
{
    cleanup_free char *dir = pod ? engine_cgroup_pod(pod) : NULL;

    return dir ? xasprintf("%s/pcon-%.64s", dir, id) : xasprintf("pcon-%.64s", id);
}

/* the leaf's directory (a pod's, a --cgroup-parent's, or the base) into
 * *parentfd, the leaf's returned; create: each level made, its
 * controllers enabled for the next */
static int
leaf_open(const char *base, const char *leaf, bool create, int *parentfd, struct pcon_err *err)
{
    cleanup_free char *path = xstrdup(leaf);
    char *name = path, *slash;
    int fd;

    *parentfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*parentfd < 0)
        return pcon_fail(err, errno, "open the cgroup %s", base);
    while ((slash = strchr(name, '/')) != NULL) {
        int up = *parentfd;
        *slash = '\0';
        if (create && mkdirat(up, name, 0755) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create the cgroup %s/%s", base, path);
        if (create && controllers_enable(up, err) < 0)
            return -1;
        *parentfd = openat(up, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(up);
        if (*parentfd < 0)
            return pcon_fail(err, errno, "open the cgroup %s/%s", base, path);
        *slash = '/';
        name = slash + 1;
    }
    if (create && mkdirat(*parentfd, name, 0755) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create the cgroup %s/%s", base, leaf);
    fd = openat(*parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return pcon_fail(err, errno, "open the cgroup %s/%s", base, leaf);
    return fd;
}

int
engine_cgroup_enter(const char *base, const char *leaf, const struct cgroup_limits *l,
                    const struct cgroup_limits *pod, pid_t pid, struct pcon_err *err)
{
    cleanup_close int basefd = -1, fd = -1;
    char v[32];

    fd = leaf_open(base, leaf, true, &basefd, err);
    /* the pod's limits on the pod's cgroup, the leaf's parent (the same
     * each time a member comes in) */
    if (fd >= 0 && pod && engine_cgroup_limits_any(pod)
        && limits_write(basefd, pod, false, err) < 0)
        return pcon_prefix(err, "the pod's cgroup");
    if (fd < 0 || controllers_enable(basefd, err) < 0 || limits_write(fd, l, true, err) < 0)
        return pcon_prefix(err, "cgroup %s", leaf);
    snprintf(v, sizeof v, "%d", (int) pid);
    return write_file(fd, "cgroup.procs", v, err);
}

int
engine_cgroup_apply(const char *base, const char *leaf, const struct cgroup_limits *l,
                    struct pcon_err *err)
{
    cleanup_close int basefd = -1, fd = -1;

    fd = leaf_open(base, leaf, false, &basefd, err);
    if (fd < 0)
        return -1;
    return limits_write(fd, l, true, err);
}

int
engine_cgroup_freeze(const char *base, const char *leaf, bool frozen, struct pcon_err *err)
{
    cleanup_close int basefd = -1, fd = -1;

    fd = leaf_open(base, leaf, false, &basefd, err);
    if (fd < 0 || write_file(fd, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    /* every task stopped (or going again) is told in cgroup.events */
    for (int i = 0; i < 500; i++) {
        cleanup_close int ev = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
        cleanup_free char *text = ev < 0 ? NULL : fs_read_fd(ev, 4096, NULL, NULL);
        const char *f = text ? strstr(text, "frozen ") : NULL;
        if (f == NULL || f[7] == (frozen ? '1' : '0'))
            return 0;
        usleep(2000);
    }
    return pcon_fail(err, ETIMEDOUT, "the container's cgroup did not %s",
                     frozen ? "freeze" : "thaw");
}

void
engine_cgroup_remove(const char *base, const char *leaf)
{
    cleanup_free char *path = xasprintf("%s/%s", base, leaf);
    char *slash;

    /* the container's last processes may still be on their way out (a
     * killed pid namespace's): a little while, then left for good */
    for (int i = 0; i < 50 && rmdir(path) < 0 && errno == EBUSY; i++)
        usleep(10000);
    /* a pod's, once its last container's is gone (made again as needed);
     * a --cgroup-parent stays */
    slash = strrchr(path, '/');
    if (strchr(leaf, '/') && slash) {
        const char *up;
        *slash = '\0';
        up = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if (strncmp(up, "pcon-pod-", 9) == 0)
            (void) rmdir(path); /* busy or not empty: others still in it */
    }
}

static uint64_t
read_u64(int dfd, const char *name, const char *key)
{
    cleanup_close int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
    cleanup_free char *text = fd < 0 ? NULL : fs_read_fd(fd, 1 << 16, NULL, NULL);
    const char *p;

    if (text == NULL)
        return 0;
    if (key == NULL)
        return strncmp(text, "max", 3) == 0 ? 0 : strtoull(text, NULL, 10);
    for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, strlen(key)) == 0 && p[strlen(key)] == ' ')
            return strtoull(p + strlen(key) + 1, NULL, 10);
    return 0;
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N ..." per device, summed */
static void
read_io(int dfd, uint64_t *r, uint64_t *w)
{
    cleanup_close int fd = openat(dfd, "io.stat", O_RDONLY | O_CLOEXEC);
    cleanup_free char *text = fd < 0 ? NULL : fs_read_fd(fd, 1 << 16, NULL, NULL);
    char *save = NULL;

    *r = *w = 0;
    for (char *t = text ? strtok_r(text, " \n", &save) : NULL; t;
         t = strtok_r(NULL, " \n", &save)) {
        if (strncmp(t, "rbytes=", 7) == 0)
            *r += strtoull(t + 7, NULL, 10);
        else if (strncmp(t, "wbytes=", 7) == 0)
            *w += strtoull(t + 7, NULL, 10);
    }
}

int
engine_cgroup_read(const char *base, const char *leaf, struct cgroup_stats *out,
                   struct pcon_err *err)
{
    cleanup_close int basefd = -1, fd = -1;

    memset(out, 0, sizeof *out);
    fd = leaf_open(base, leaf, false, &basefd, err);
    if (fd < 0)
        return -1;
    out->cpu_usec = read_u64(fd, "cpu.stat", "usage_usec");
    out->mem_current = read_u64(fd, "memory.current", NULL);
    out->mem_max = read_u64(fd, "memory.max", NULL);
    out->pids = read_u64(fd, "pids.current", NULL);
    read_io(fd, &out->io_read, &out->io_write);
    return 0;
}
