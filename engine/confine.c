// SPDX-License-Identifier: Apache-2.0
/* Limits, kernel settings, devices and the time zone of a container. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/mem.h"
#include "confine.h"

static const struct {
    const char *name;
    int resource;
} rlimits[] = {
    { "as", RLIMIT_AS },
    { "core", RLIMIT_CORE },
    { "cpu", RLIMIT_CPU },
    { "data", RLIMIT_DATA },
    { "fsize", RLIMIT_FSIZE },
    { "locks", RLIMIT_LOCKS },
    { "memlock", RLIMIT_MEMLOCK },
    { "msgqueue", RLIMIT_MSGQUEUE },
    { "nice", RLIMIT_NICE },
    { "nofile", RLIMIT_NOFILE },
    { "nproc", RLIMIT_NPROC },
    { "rss", RLIMIT_RSS },
    { "rtprio", RLIMIT_RTPRIO },
    { "rttime", RLIMIT_RTTIME },
    { "sigpending", RLIMIT_SIGPENDING },
    { "stack", RLIMIT_STACK },
};

static int
rlimit_value(const char *s, size_t n, rlim_t *out)
{
    char buf[32], *end;
    unsigned long long v;

    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strcmp(buf, "-1") == 0 || strcmp(buf, "unlimited") == 0) {
        *out = RLIM_INFINITY;
        return 0;
    }
    if (buf[0] < '0' || buf[0] > '9')
        return -1;
    errno = 0;
    v = strtoull(buf, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (rlim_t) v;
    return 0;
}

/* "NAME=SOFT[:HARD]" -> resource, soft, hard */
static int
ulimit_parse(const char *spec, int *resource, rlim_t *soft, rlim_t *hard, struct pcon_err *err)
{
    const char *eq = strchr(spec, '='), *colon;
    size_t i;

    for (i = 0; eq && i < sizeof rlimits / sizeof rlimits[0]; i++)
        if (strlen(rlimits[i].name) == (size_t) (eq - spec)
            && strncmp(spec, rlimits[i].name, (size_t) (eq - spec)) == 0)
            break;
    if (eq == NULL || i == sizeof rlimits / sizeof rlimits[0])
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid ulimit type: %.*s",
                              eq ? (int) (eq - spec) : (int) strlen(spec), spec);
    *resource = rlimits[i].resource;
    colon = strchr(eq + 1, ':');
    if (rlimit_value(eq + 1, colon ? (size_t) (colon - eq - 1) : strlen(eq + 1), soft) < 0
        || (colon && rlimit_value(colon + 1, strlen(colon + 1), hard) < 0))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid ulimit argument: %s", spec);
    if (!colon)
        *hard = *soft;
    if (*soft > *hard)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "ulimit soft limit must be less than or equal to hard limit: %s",
                              spec);
    return 0;
}

static void
rlim_text(char *buf, size_t n, rlim_t v)
{
    if (v == RLIM_INFINITY)
        snprintf(buf, n, "-1");
    else
        snprintf(buf, n, "%llu", (unsigned long long) v);
}

int
engine_ulimit_check(const char *spec, char **norm, struct pcon_err *err)
{
    struct rlimit now;
    rlim_t soft, hard;
    int res;
    char s[32], h[32];

    if (ulimit_parse(spec, &res, &soft, &hard, err) < 0)
        return -1;
    if (getrlimit(res, &now) < 0)
        return pcon_fail(err, errno, "read the limit of %s", spec);
    /* raising a hard limit needs CAP_SYS_RESOURCE of the host's */
    if (hard != RLIM_INFINITY ? now.rlim_max != RLIM_INFINITY && hard > now.rlim_max
                              : now.rlim_max != RLIM_INFINITY) {
        rlim_text(h, sizeof h, now.rlim_max);
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "ulimit %s: above this user's hard limit (%s), which a rootless "
                              "container cannot raise",
                              spec, h);
    }
    rlim_text(s, sizeof s, soft);
    rlim_text(h, sizeof h, hard);
    *norm = xasprintf("%.*s=%s:%s", (int) (strchr(spec, '=') - spec), spec, s, h);
    return 0;
}

int
engine_ulimits_apply(char *const *specs, struct pcon_err *err)
{
    struct rlimit r;

    /* podman's default: as many open files as the hard limit allows */
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &r);
    }
    for (size_t i = 0; specs && specs[i]; i++) {
        int res;
        if (ulimit_parse(specs[i], &res, &r.rlim_cur, &r.rlim_max, err) < 0)
            return -1;
        if (setrlimit(res, &r) < 0)
            return pcon_fail(err, errno, "set ulimit %s", specs[i]);
    }
    return 0;
}

/* podman's (and Docker's) namespaced sysctls */
static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shm_rmid_forced", "kernel.shmmni",
};

/* the key as a path below /proc/sys: dots are slashes unless it has
 * slashes (an interface name may hold a dot); no empty, . or .. part */
static char *
sysctl_path(const char *spec)
{
    const char *eq = strchr(spec, '=');
    cleanup_free char *key = eq ? xstrndup(spec, (size_t) (eq - spec)) : NULL;
    bool slashes;
    char *save = NULL, *copy;

    if (key == NULL || *key == '\0'
        || strspn(key, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/@:")
               != strlen(key))
        return NULL;
    slashes = strchr(key, '/') != NULL;
    if (!slashes)
        for (char *p = key; *p; p++)
            if (*p == '.')
                *p = '/';
    copy = xstrdup(key);
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
        if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
            free(copy);
            return NULL;
        }
    free(copy);
    if (key[0] == '/' || strstr(key, "//") || key[strlen(key) - 1] == '/')
        return NULL;
    return xasprintf("/proc/sys/%s", key);
}

int
engine_sysctl_check(const char *spec, bool own_net, bool own_ipc, struct pcon_err *err)
{
    const char *eq = strchr(spec, '=');
    cleanup_free char *path = sysctl_path(spec);
    size_t klen = eq ? (size_t) (eq - spec) : 0;
    bool ipc = strncmp(spec, "fs.mqueue.", 10) == 0 || strncmp(spec, "fs/mqueue/", 10) == 0;

    if (path == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "%s is invalid, sysctl values must be in "
                              "the form of KEY=VALUE",
                              spec);
    for (size_t i = 0; !ipc && i < sizeof ipc_sysctls / sizeof ipc_sysctls[0]; i++)
        ipc = strlen(ipc_sysctls[i]) == klen && strncmp(spec, ipc_sysctls[i], klen) == 0;
    if (ipc && !own_ipc)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "sysctl %s can't be set since IPC Namespace set to host", spec);
    if (ipc)
        return 0;
    if (strncmp(spec, "net.", 4) == 0 || strncmp(spec, "net/", 4) == 0) {
        if (!own_net)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "sysctl %s can't be set since Network Namespace set to host",
                                  spec);
        return 0;
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "sysctl '%.*s' is not allowed", (int) klen, spec);
}

int
engine_sysctls_apply(char *const *specs, struct pcon_err *err)
{
    for (size_t i = 0; specs && specs[i]; i++) {
        cleanup_free char *path = sysctl_path(specs[i]);
        const char *value = strchr(specs[i], '=');
        cleanup_close int fd = -1;

        if (path == NULL || value == NULL)
            return pcon_fail(err, EINVAL, "invalid sysctl %s", specs[i]);
        value++;
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t) strlen(value))
            return pcon_fail(err, errno, "set sysctl %s", specs[i]);
    }
    return 0;
}

int
engine_oom_score_check(const char *v, int *out, struct pcon_err *err)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0 || n < -1000 || n > 1000)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid value \"%s\" for --oom-score-adj (-1000 to 1000)", v);
    *out = (int) n;
    return 0;
}

int
engine_oom_score_apply(pid_t pid, int adj, struct pcon_err *err)
{
    char text[16], path[64];
    cleanup_close int fd = -1;

    snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int) pid);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    snprintf(text, sizeof text, "%d", adj);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
        return pcon_fail(err, errno,
                         "set the OOM score adjustment to %d (lowering it needs the host's "
                         "CAP_SYS_RESOURCE)",
                         adj);
    return 0;
}

static bool
perms_valid(const char *p)
{
    return *p != '\0' && strspn(p, "rwm") == strlen(p);
}

int
engine_device_check(const char *spec, char **norm, struct pcon_err *err)
{
    cleanup_free char *copy = xstrdup(spec);
    char *host = copy, *ctr = NULL, *perms = NULL, *c1 = strchr(copy, ':');
    struct stat st;

    if (c1) {
        *c1 = '\0';
        ctr = c1 + 1;
        char *c2 = strchr(ctr, ':');
        if (c2) {
            *c2 = '\0';
            perms = c2 + 1;
        } else if (perms_valid(ctr)) {
            perms = ctr; /* HOST:PERMS */
            ctr = NULL;
        }
    }
    if (ctr && *ctr == '\0')
        ctr = NULL;
    if (host[0] != '/' || (ctr && ctr[0] != '/') || (perms && !perms_valid(perms)))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid device specification: %s", spec);
    if (stat(host, &st) < 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "stat %s", host);
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not a device", host);
    *norm = xasprintf("%s:%s:%s", host, ctr ? ctr : host, perms ? perms : "rwm");
    return 0;
}

char **
engine_devices_privileged(void)
{
    cleanup_closedir DIR *d = opendir("/dev");
    char **out = NULL;
    struct dirent *de;

    while (d && (de = readdir(d)) != NULL) {
        struct stat st;
        cleanup_free char *path = xasprintf("/dev/%s", de->d_name);
        /* the container's own terminal devices stay its own */
        if (de->d_name[0] == '.' || strcmp(de->d_name, "ptmx") == 0
            || strcmp(de->d_name, "console") == 0 || strncmp(de->d_name, "tty", 3) == 0
            || lstat(path, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
            continue;
        strv_push_take(&out, xasprintf("%s:%s:rwm", path, path));
    }
    return out;
}

int
engine_tz_resolve(const char *tz, char **file, struct pcon_err *err)
{
    char real[PATH_MAX];
    struct stat st;

    errno = 0;
    if (strcmp(tz, "local") == 0) {
        if (realpath("/etc/localtime", real) == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--tz local: /etc/localtime");
        *file = xstrdup(real);
        return 0;
    }
    if (*tz == '\0' || tz[0] == '/' || strstr(tz, "..")
        || strspn(tz, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_+-/")
               != strlen(tz))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid time zone \"%s\"", tz);
    *file = xasprintf("/usr/share/zoneinfo/%s", tz);
    if (stat(*file, &st) < 0 || !S_ISREG(st.st_mode)) {
        pcon_fail_kind(err, PCON_ERR_USAGE, errno ? errno : EINVAL, "finding timezone %s: stat %s",
                       tz, *file);
        free(*file);
        *file = NULL;
        return -1;
    }
    return 0;
}
