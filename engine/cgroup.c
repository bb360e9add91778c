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
           || l->cpu_shares || l->pids_limit || l->blkio_weight || l->cpuset_cpus || l->cpuset_mems;
}

void
engine_cgroup_limits_free(struct cgroup_limits *l)
{
    free(l->cpuset_cpus);
    free(l->cpuset_mems);
    l->cpuset_cpus = l->cpuset_mems = NULL;
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

static int
limits_write(int dfd, const struct cgroup_limits *l, struct pcon_err *err)
{
    char v[64];
    long long pids = l->pids_limit ? l->pids_limit : DEFAULT_PIDS_LIMIT;

    if ((l->memory || l->memory_swap || l->memory_reservation) && need(dfd, "memory", err) < 0)
        return -1;
    if ((l->cpu_quota || l->cpu_period || l->cpu_shares) && need(dfd, "cpu", err) < 0)
        return -1;
    if ((l->cpuset_cpus || l->cpuset_mems) && need(dfd, "cpuset", err) < 0)
        return -1;
    if ((l->blkio_weight && need(dfd, "io", err) < 0)
        || (l->pids_limit && need(dfd, "pids", err) < 0))
        return -1;

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
    if (!l->pids_limit && !has_controller(dfd, "pids"))
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

/* the leaf's directory (a pod's, or the base) into *parentfd, the leaf's
 * returned; create: both made, each level's controllers enabled */
static int
leaf_open(const char *base, const char *leaf, bool create, int *parentfd, struct pcon_err *err)
{
    const char *slash = strchr(leaf, '/');
    const char *name = slash ? slash + 1 : leaf;
    int fd;

    *parentfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*parentfd < 0)
        return pcon_fail(err, errno, "open the cgroup %s", base);
    if (slash) {
        cleanup_free char *dir = xstrndup(leaf, (size_t) (slash - leaf));
        int basefd = *parentfd;
        if (create && mkdirat(basefd, dir, 0755) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create the cgroup %s/%s", base, dir);
        if (create && controllers_enable(basefd, err) < 0)
            return -1;
        *parentfd = openat(basefd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(basefd);
        if (*parentfd < 0)
            return pcon_fail(err, errno, "open the cgroup %s/%s", base, dir);
    }
    if (create && mkdirat(*parentfd, name, 0755) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create the cgroup %s/%s", base, leaf);
    fd = openat(*parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return pcon_fail(err, errno, "open the cgroup %s/%s", base, leaf);
    return fd;
}

int
engine_cgroup_enter(const char *base, const char *leaf, const struct cgroup_limits *l, pid_t pid,
                    struct pcon_err *err)
{
    cleanup_close int basefd = -1, fd = -1;
    char v[32];

    fd = leaf_open(base, leaf, true, &basefd, err);
    if (fd < 0 || controllers_enable(basefd, err) < 0 || limits_write(fd, l, err) < 0)
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
    return limits_write(fd, l, err);
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
    /* a pod's, once its last container's is gone (made again as needed) */
    slash = strrchr(path, '/');
    if (strchr(leaf, '/') && slash) {
        *slash = '\0';
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
