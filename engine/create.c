// SPDX-License-Identifier: Apache-2.0
/* Creating a container: the image pulled as the policy says, everything
 * the command line and the image say resolved before anything is written,
 * then the name, the writable layer and the record appear under the shared
 * store lock; the id file last. */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <netinet/in.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../storage/events.h"
#include "../storage/secret.h"
#include "../lib/fsutil.h"
#include "../lib/log.h"
#include "../lib/proc.h"
#include "../lib/timefmt.h"
#include "../registry/registry.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../storage/rootfs.h"
#include "../storage/volume.h"
#include "../netns/port.h"
#include "../netns/network.h"
#include "container.h"
#include "caps.h"
#include "infra.h"
#include "mounts.h"
#include "confine.h"
#include "../storage/ociconfig.h"
#include "seccomp.h"
#include "usermap.h"
#include "names.h"
#include "spec.h"

extern char **environ;

/* The environment: image Env, then defaults that are missing, then
 * --env-file, then -e; container and HOSTNAME are always pcon's. */
/* --network container:X names X by its id from now on: a rename or a
 * reused name never moves this container to another's network */
static void systemd_mode(struct ctr_config *g, const struct engine_create_opts *o);

static int
net_target_resolve(struct store *st, struct ctr_config *g, struct pcon_err *err)
{
    struct container other;

    if (engine_ctr_load(st, g->net.target, &other, err) < 0)
        return -1;
    snprintf(g->net.target, sizeof g->net.target, "%s", other.cfg.id);
    engine_ctr_free(&other);
    return 0;
}

/* a free port of the host's, for -p without one: the kernel's pick */
static int
port_free(const struct netns_port *p, uint16_t *out, struct pcon_err *err)
{
    bool v6 = strchr(p->host_ip, ':') != NULL;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
    struct sockaddr *sa = v6 ? (struct sockaddr *) &sin6 : (struct sockaddr *) &sin;
    socklen_t len = v6 ? sizeof sin6 : sizeof sin;
    cleanup_close int fd =
        socket(v6 ? AF_INET6 : AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    int ok = v6 ? inet_pton(AF_INET6, p->host_ip, &sin6.sin6_addr)
                : !p->host_ip[0] || inet_pton(AF_INET, p->host_ip, &sin.sin_addr);

    if (ok != 1)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid address \"%s\"", p->host_ip);
    if (fd < 0 || bind(fd, sa, len) < 0 || getsockname(fd, sa, &len) < 0)
        return pcon_fail(err, errno, "find a free port on %s", p->host_ip[0] ? p->host_ip : "*");
    *out = ntohs(v6 ? sin6.sin6_port : sin.sin_port);
    return 0;
}

/* the -p specs, one port each, random host ports chosen now */
static int
ports_store(struct ctr_config *g, char **specs, struct pcon_err *err)
{
    cleanup_free struct netns_port *v = NULL;
    size_t n = 0;

    for (size_t i = 0; specs[i]; i++)
        if (netns_port_parse(specs[i], &v, &n, err) < 0)
            return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i].host_port == 0 && port_free(&v[i], &v[i].host_port, err) < 0)
            return -1;
        strv_push_take(&g->ports, netns_port_spec(&v[i]));
    }
    return 0;
}

/* -P: each port the image exposes that -p did not publish, on a random
 * host port (as podman: nothing on a network without published ports) */
static int
ports_expose(struct ctr_config *g, char *const *exposed, struct pcon_err *err)
{
    cleanup_free struct netns_port *have = NULL;
    cleanup_strv char **specs = NULL;
    size_t n;

    if (!netns_mode_own(g->net.mode))
        return 0;
    engine_ctr_ports(g, &have, &n);
    for (size_t i = 0; exposed && exposed[i]; i++) {
        cleanup_free struct netns_port *v = NULL;
        size_t nv = 0;
        bool published = false;

        if (netns_port_parse(exposed[i], &v, &nv, err) < 0)
            return pcon_prefix(err, "port the image exposes");
        for (size_t j = 0; j < n && !published; j++)
            published = have[j].ctr_port == v[0].ctr_port && have[j].udp == v[0].udp;
        if (!published)
            strv_push(&specs, exposed[i]);
    }
    return specs ? ports_store(g, specs, err) : 0;
}

/* --network NAME[,NAME]: each network there (an id becomes its name),
 * --ip on the one network's subnet, --network-alias only on networks */
static int
networks_resolve(struct store *st, struct ctr_config *g, const struct engine_create_opts *o,
                 struct pcon_err *err)
{
    cleanup_free char *buf = NULL;
    cleanup_strv char **names = NULL;
    cleanup_free char *joined = NULL;
    char *save = NULL;

    if (g->net.mode != NETNS_BRIDGE) {
        if (o->net_aliases)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid config provided: networks and static ip/mac address"
                                  " can only be used with Bridge mode networking");
        if (o->static_ip || o->static_ip6 || o->static_mac)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid config provided: networks and static ip/mac address"
                                  " can only be used with Bridge mode networking");
        return 0;
    }
    buf = xstrdup(g->net.target);
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        struct netns_network n;
        struct net_attach a;
        int r;

        if (netns_network_load(st->root_dfd, w, &n, err) < 0)
            return -1;
        /* NAME:OPTS, given for the name as written (an id too) */
        r = engine_net_attach_of(o->net_opts, w, &a, err);
        if (r == 0)
            r = engine_net_ip_check(&n, o->static_ip, err);
        if (r == 0)
            r = engine_net_ip_check(&n, a.ip, err);
        if (r == 0)
            r = engine_net_ip6_check(&n, o->static_ip6, err);
        if (r == 0)
            r = engine_net_ip6_check(&n, a.ip6, err);
        if (r == 0 && (a.aliases || a.ip || a.ip6 || a.mac || a.ifname)) {
            cleanup_free char *s = engine_net_attach_string(&a);
            strv_push_take(&g->net_opts, xasprintf("%s:%s", n.name, s));
        }
        engine_net_attach_free(&a);
        if (r == 0 && !strv_contains(names, n.name))
            strv_push(&names, n.name);
        netns_network_free(&n);
        if (r < 0)
            return -1;
    }
    if (o->static_ip && strv_len(names) != 1)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--ip can only be set for a single network");
    if (o->static_ip6 && strv_len(names) != 1)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--ip6 can only be set for a single network");
    joined = strv_join(names, ",");
    snprintf(g->net.target, sizeof g->net.target, "%s", joined);
    g->net_aliases = o->net_aliases ? strv_dup(o->net_aliases) : NULL;
    g->static_ip = o->static_ip ? xstrdup(o->static_ip) : NULL;
    g->static_ip6 = o->static_ip6 ? xstrdup(o->static_ip6) : NULL;
    g->static_mac = o->static_mac ? xstrdup(o->static_mac) : NULL;
    return 0;
}

static void
dns_store(struct ctr_config *g, const struct engine_create_opts *o)
{
    g->dns = o->dns ? strv_dup(o->dns) : NULL;
    g->dns_search = o->dns_search ? strv_dup(o->dns_search) : NULL;
    g->dns_options = o->dns_options ? strv_dup(o->dns_options) : NULL;
    g->add_hosts = o->add_hosts ? strv_dup(o->add_hosts) : NULL;
    g->no_hosts = o->no_hosts;
    g->no_resolv_conf = o->no_resolv_conf;
}

/* the healthcheck: --health-* over the image's over podman's defaults */
static int
build_health(struct ctr_config *g, const struct image_config *ic,
             const struct engine_create_opts *o, struct pcon_err *err)
{
    char **test = NULL;

    if (o->no_healthcheck || (o->health_cmd && strcmp(o->health_cmd, "none") == 0))
        return 0;
    if (o->health_cmd && o->health_cmd[0] == '[') {
        cleanup_yajl_val yajl_val v = json_parse(o->health_cmd, NULL);
        bool ok = v && YAJL_IS_ARRAY(v) && v->u.array.len > 0;
        for (size_t i = 0; ok && i < v->u.array.len; i++)
            ok = YAJL_IS_STRING(v->u.array.values[i]);
        if (!ok)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --health-cmd \"%s\"",
                                  o->health_cmd);
        const char *first = YAJL_GET_STRING(v->u.array.values[0]);
        if (strcmp(first, "CMD") != 0 && strcmp(first, "CMD-SHELL") != 0)
            strv_push(&test, "CMD");
        for (size_t i = 0; i < v->u.array.len; i++)
            strv_push(&test, YAJL_GET_STRING(v->u.array.values[i]));
    } else if (o->health_cmd && *o->health_cmd) {
        strv_push(&test, "CMD-SHELL");
        strv_push(&test, o->health_cmd);
    } else if (ic->health_test && ic->health_test[0] && strcmp(ic->health_test[0], "NONE") != 0) {
        test = strv_dup(ic->health_test);
    }
    if (test == NULL || test[1] == NULL
        || (strcmp(test[0], "CMD") != 0 && strcmp(test[0], "CMD-SHELL") != 0)) {
        strv_free(test);
        return 0;
    }
    g->health_test = test;
    g->health_interval = o->health_interval    ? (strcmp(o->health_interval, "disable") == 0
                                                      ? 0
                                                      : time_parse_duration(o->health_interval))
                         : ic->health_interval ? ic->health_interval
                                               : 30000000000LL;
    g->health_timeout = o->health_timeout    ? time_parse_duration(o->health_timeout)
                        : ic->health_timeout ? ic->health_timeout
                                             : 30000000000LL;
    g->health_start_period = o->health_start_period ? time_parse_duration(o->health_start_period)
                                                    : ic->health_start_period;
    if (o->health_on_failure && strcmp(o->health_on_failure, "none") != 0)
        g->health_on_failure = xstrdup(o->health_on_failure);
    g->health_retries = o->health_retries > 0    ? o->health_retries
                        : ic->health_retries > 0 ? ic->health_retries
                                                 : 3;
    if (g->health_timeout <= 0)
        g->health_timeout = 30000000000LL;
    return 0;
}

/* the proxy variables podman passes on from its own environment */
static const char *const proxy_vars[] = { "http_proxy", "https_proxy", "ftp_proxy",
                                          "no_proxy",   "HTTP_PROXY",  "HTTPS_PROXY",
                                          "FTP_PROXY",  "NO_PROXY",    NULL };

/* --env-merge KEY=VALUE: ${VAR} in VALUE from the env so far; a VAR it
 * lacks leaves the variable out (as podman) */
static char *
env_merged(char *const *env, const char *kv)
{
    char *out = xstrdup("");

    for (const char *p = kv; *p;) {
        const char *end;
        if (p[0] == '$' && p[1] == '{' && (end = strchr(p + 2, '}')) != NULL) {
            cleanup_free char *name = xstrndup(p + 2, (size_t) (end - p - 2));
            const char *v = engine_spec_env_get(env, name);
            if (v == NULL) {
                free(out);
                return NULL;
            }
            xappendf(&out, "%s", v);
            p = end + 1;
        } else {
            xappendf(&out, "%c", *p++);
        }
    }
    return out;
}

/* what run adds to the image's and the default environment before the
 * user's own: the proxies, --env-merge, --unsetenv(-all) */
static void
env_defaults_adjust(struct ctr_config *g, const struct engine_create_opts *o)
{
    for (size_t i = 0; !o->no_http_proxy && proxy_vars[i]; i++) {
        const char *v = getenv(proxy_vars[i]);
        if (v && *v) {
            cleanup_free char *kv = xasprintf("%s=%s", proxy_vars[i], v);
            engine_spec_env_set(&g->env, kv, NULL);
        }
    }
    for (size_t i = 0; o->env_merge && o->env_merge[i]; i++) {
        cleanup_free char *kv = env_merged(g->env, o->env_merge[i]);
        if (kv && strchr(kv, '='))
            engine_spec_env_set(&g->env, kv, NULL);
    }
    if (o->unsetenv_all) {
        strv_free(g->env);
        g->env = NULL;
    }
    for (size_t i = 0; o->unsetenv && o->unsetenv[i]; i++)
        engine_spec_env_unset(&g->env, o->unsetenv[i]);
}

static int
build_env(struct ctr_config *g, const struct image_config *ic, const struct engine_create_opts *o,
          struct pcon_err *err)
{
    cleanup_free char *hn = xasprintf("HOSTNAME=%s", g->hostname);
    cleanup_free char *path = xasprintf("PATH=%s", PROC_DEFAULT_PATH);

    for (size_t i = 0; ic->env && ic->env[i]; i++)
        engine_spec_env_set(&g->env, ic->env[i], NULL);
    if (engine_spec_env_get(g->env, "PATH") == NULL)
        engine_spec_env_set(&g->env, path, NULL);
    /* --env-host: the caller's environment over the image's */
    for (size_t i = 0; o->env_host && environ[i]; i++)
        if (strchr(environ[i], '=') != NULL)
            engine_spec_env_set(&g->env, environ[i], NULL);
    engine_spec_env_set(&g->env, "container=pcon", NULL);
    engine_spec_env_set(&g->env, hn, NULL);
    /* podman's default (containers.conf's env), below the image's own */
    if (engine_spec_env_get(g->env, "TERM") == NULL)
        engine_spec_env_set(&g->env, "TERM=xterm", NULL);
    env_defaults_adjust(g, o);
    for (size_t i = 0; o->env_files && o->env_files[i]; i++) {
        cleanup_free char *text = fs_read_all(AT_FDCWD, o->env_files[i], 1 << 20, NULL, err);
        if (text == NULL)
            return pcon_prefix(err, "read env file");
        engine_spec_env_file(text, &g->env, environ);
    }
    for (size_t i = 0; o->env && o->env[i]; i++)
        engine_spec_env_set(&g->env, o->env[i], environ);
    return 0;
}

/* --pid, --ipc, --uts: "private" is the default (stored as nothing),
 * container:NAME the container's id */
static int
ns_mode_store(struct store *st, const char *v, char **out, struct pcon_err *err)
{
    struct container other;

    if (v == NULL || strcmp(v, "private") == 0)
        return 0;
    if (strncmp(v, "container:", 10) != 0) {
        *out = xstrdup(v);
        return 0;
    }
    if (engine_ctr_load(st, v + 10, &other, err) < 0)
        return -1;
    *out = xasprintf("container:%s", other.cfg.id);
    engine_ctr_free(&other);
    return 0;
}

static int
ns_modes_store(struct store *st, struct ctr_config *g, const struct engine_create_opts *o,
               struct pcon_err *err)
{
    return ns_mode_store(st, o->pid_ns, &g->pid_ns, err) < 0
                   || ns_mode_store(st, o->ipc_ns, &g->ipc_ns, err) < 0
                   || ns_mode_store(st, o->uts_ns, &g->uts_ns, err) < 0
               ? -1
               : 0;
}

/* --privileged, --device, --ulimit, --sysctl, --group-add, --tz,
 * --init-path, --cgroupns, --oom-score-adj: checked, kept normalised */
/* --hostuser NAME|UID: the host's entry, as podman writes it in the
 * container's passwd (home and shell are the container's) */
static char *
hostuser_entry(const char *who, struct pcon_err *err)
{
    struct passwd *pw = NULL;
    char *end;

    errno = 0;
    if (*who >= '0' && *who <= '9') {
        unsigned long id = strtoul(who, &end, 10);
        if (*end == '\0' && id < 0xffffffffUL)
            pw = getpwuid((uid_t) id);
    }
    if (pw == NULL && *who != '\0')
        pw = getpwnam(who);
    if (pw == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--hostuser: user: unknown user %s", who),
               NULL;
    if (pw->pw_name[0] == '\0' || strpbrk(pw->pw_name, ":\n") != NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--hostuser %s: the host's name cannot be used", who),
               NULL;
    return xasprintf("%s:*:%lu:%lu:%s", pw->pw_name, (unsigned long) pw->pw_uid,
                     (unsigned long) pw->pw_gid,
                     pw->pw_gecos && strpbrk(pw->pw_gecos, ":\n") == NULL ? pw->pw_gecos : "");
}

static int
confine_store(struct ctr_config *g, const struct engine_create_opts *o, struct pcon_err *err)
{
    bool own_net = g->net.mode != NETNS_HOST && g->net.mode != NETNS_JOIN_CTR
                   && g->net.mode != NETNS_JOIN_PATH;
    bool own_ipc =
        (g->ipc_ns == NULL || strcmp(g->ipc_ns, "shareable") == 0 || strcmp(g->ipc_ns, "none") == 0)
        && !(g->pod_join & POD_JOIN_IPC);

    g->privileged = o->privileged;
    g->mask = o->mask ? strv_dup(o->mask) : NULL;
    g->unmask = o->unmask ? strv_dup(o->unmask) : NULL;
    if (o->proc_opts && engine_proc_opts_check(o->proc_opts, err) < 0)
        return -1;
    g->proc_opts = o->proc_opts ? xstrdup(o->proc_opts) : NULL;
    for (size_t i = 0; o->devices && o->devices[i]; i++) {
        char *norm;
        if (engine_device_check(o->devices[i], &norm, err) < 0)
            return -1;
        strv_push_take(&g->devices, norm);
    }
    for (size_t i = 0; o->ulimits && o->ulimits[i]; i++) {
        char *norm;
        if (engine_ulimit_check(o->ulimits[i], &norm, err) < 0)
            return -1;
        strv_push_take(&g->ulimits, norm);
    }
    for (size_t i = 0; o->sysctls && o->sysctls[i]; i++) {
        if (engine_sysctl_check(o->sysctls[i], own_net, own_ipc, err) < 0)
            return -1;
        strv_push(&g->sysctls, o->sysctls[i]);
    }
    for (size_t i = 0; o->group_add && o->group_add[i]; i++) {
        const char *v = o->group_add[i];
        if (strcmp(v, "keep-groups") == 0 && strv_len(o->group_add) > 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "the '--group-add keep-groups' option is not allowed with any "
                                  "other groups");
        if (*v == '\0' || strpbrk(v, ":\n") != NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid group \"%s\"", v);
        strv_push(&g->group_add, v);
    }
    for (size_t i = 0; o->chrootdirs && o->chrootdirs[i]; i++) {
        cleanup_free char *rel = fs_path_clean_clamped(o->chrootdirs[i]);
        if (o->chrootdirs[i][0] != '/' || rel == NULL || *rel == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "--chrootdirs %s: an absolute path below the root",
                                  o->chrootdirs[i]);
        strv_push_take(&g->chrootdirs, xasprintf("/%s", rel));
    }
    g->passwd_off = o->passwd_off;
    g->passwd_entry = o->passwd_entry ? xstrdup(o->passwd_entry) : NULL;
    for (size_t i = 0; o->hostusers && o->hostusers[i]; i++) {
        char *line = hostuser_entry(o->hostusers[i], err);
        if (line == NULL)
            return -1;
        strv_push_take(&g->hostusers, line);
    }
    if (o->tz && engine_tz_resolve(o->tz, &g->localtime, err) < 0)
        return -1;
    if (o->init_path) {
        char real[PATH_MAX];
        struct stat st;
        if (realpath(o->init_path, real) == NULL || stat(real, &st) < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--init-path %s", o->init_path);
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--init-path %s: not an executable file",
                                  o->init_path);
        g->init_path = xstrdup(real);
    }
    if (o->cgroupns) {
        if (strcmp(o->cgroupns, "private") != 0 && strcmp(o->cgroupns, "host") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid cgroup namespace mode %s (host or private)",
                                  o->cgroupns);
        g->cgroupns_private = strcmp(o->cgroupns, "private") == 0;
    }
    if (engine_cgroup_limits_check(&o->limits, err) < 0
        || engine_cgroup_limits_check(&o->pod_limits, err) < 0)
        return -1;
    g->cgroups_disabled = o->cgroups_disabled;
    engine_cgroup_limits_copy(&g->limits, &o->limits);
    if (o->infra)
        engine_cgroup_limits_copy(&g->pod_limits, &o->pod_limits);
    if (o->cgroup_parent) {
        cleanup_free char *clean = fs_path_clean_clamped(o->cgroup_parent);
        if (clean == NULL || *clean == '\0' || strstr(o->cgroup_parent, "..")
            || strlen(clean) > 512)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid --cgroup-parent \"%s\": a cgroup path below the "
                                  "delegated one",
                                  o->cgroup_parent);
        if (o->pod && !o->infra)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "--cgroup-parent: a pod's container's cgroup is the pod's");
        g->cgroup_parent = steal_ptr(&clean);
    }
    if (engine_cgroup_limits_any(&g->limits) || engine_cgroup_limits_any(&g->pod_limits)) {
        cleanup_free char *why = NULL, *base = engine_cgroup_base(&why);
        /* podman's warning, as podman: the container runs without them */
        if (base == NULL || g->cgroups_disabled)
            fprintf(stderr, "%s%s%s\n", CGROUP_V1_WARNING,
                    why && strcmp(why, "cgroups v1") ? ": " : "",
                    why && strcmp(why, "cgroups v1") ? why : "");
        else if (engine_cgroup_limits_any(&g->limits))
            engine_cgroup_v2_warn(&g->limits);
    }
    if (o->oom_score_adj) {
        if (engine_oom_score_check(o->oom_score_adj, &g->oom_score_adj, err) < 0)
            return -1;
        g->oom_score_set = true;
    }
    return 0;
}

/* g->volumes has a mount at dst */
static bool
volume_at(const struct ctr_config *g, const char *dst)
{
    for (size_t i = 0; g->volumes && g->volumes[i]; i++) {
        struct volume v;
        bool same;
        if (engine_spec_volume_parse(g->volumes[i], &v, NULL) < 0)
            continue;
        same = strcmp(v.dst, dst) == 0;
        engine_spec_volume_free(&v);
        if (same)
            return true;
    }
    return false;
}

/* g has a --tmpfs at dst */
static bool
tmpfs_at(const struct ctr_config *g, const char *dst)
{
    for (size_t i = 0; g->tmpfs && g->tmpfs[i]; i++) {
        struct tmpfs_mount t;
        bool same;
        if (engine_spec_tmpfs_parse(g->tmpfs[i], &t, NULL) < 0)
            continue;
        same = strcmp(t.dst, dst) == 0;
        engine_spec_tmpfs_free(&t);
        if (same)
            return true;
    }
    return false;
}

/* The image's VOLUMEs, as podman mounts them (--image-volume): an
 * anonymous volume each (filled from the image at its first mount, gone
 * with rm -v), a tmpfs each, or nothing; a path the container mounts
 * something at itself is left to that */
static int
image_volumes(struct store *st, struct ctr_config *g, char *const *paths, const char *mode,
              struct pcon_err *err)
{
    for (size_t i = 0; paths && paths[i] && (mode == NULL || strcmp(mode, "ignore") != 0); i++) {
        cleanup_free char *rel = fs_path_clean_clamped(paths[i]);
        cleanup_free char *dst = rel && *rel ? xasprintf("/%s", rel) : NULL;
        struct volume_rec rec;

        if (dst == NULL)
            continue; /* the root itself: nothing to cover */
        if (volume_at(g, dst) || tmpfs_at(g, dst))
            continue;
        if (mode && strcmp(mode, "tmpfs") == 0) {
            strv_push(&g->tmpfs, dst);
            continue;
        }
        if (storage_volume_create(st, NULL, NULL, NULL, false, true, &rec, err) < 0)
            return -1;
        strv_push_take(&g->volumes, xasprintf("%s:%s", rec.name, dst));
        storage_volume_free(&rec);
    }
    return 0;
}

/* --volumes-from CTR[:ro|rw]: the other's volumes and binds (as stored:
 * named and anonymous ones by name), read-only or not as there unless
 * asked; a path this one mounts itself stays its own */
static int
volumes_from(struct store *st, struct ctr_config *g, const struct engine_create_opts *o,
             struct pcon_err *err)
{
    for (size_t i = 0; o->volumes_from && o->volumes_from[i]; i++) {
        cleanup_free char *name = xstrdup(o->volumes_from[i]);
        char *mode = strrchr(name, ':');
        struct container other;

        if (mode)
            *mode++ = '\0';
        if (mode && strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid --volumes-from \"%s\": options are ro or rw",
                                  o->volumes_from[i]);
        if (engine_ctr_load(st, name, &other, err) < 0)
            return -1;
        for (size_t k = 0; other.cfg.volumes && other.cfg.volumes[k]; k++) {
            struct volume v;
            bool ro;
            if (engine_spec_volume_parse(other.cfg.volumes[k], &v, NULL) < 0)
                continue;
            ro = mode ? strcmp(mode, "ro") == 0 : v.ro;
            if (!volume_at(g, v.dst))
                strv_push_take(&g->volumes, xasprintf("%s:%s%s", v.src, v.dst, ro ? ":ro" : ""));
            engine_spec_volume_free(&v);
        }
        engine_ctr_free(&other);
    }
    return 0;
}

/* -h, else the host's name on the host's network (as podman), else the
 * id's first 12 digits */
static int
hostname_default(struct ctr_config *g, const struct engine_create_opts *o, struct pcon_err *err)
{
    char host[HOST_NAME_MAX + 1] = "";

    if (o->hostname) {
        g->hostname = xstrdup(o->hostname);
        return 0;
    }
    if (o->net.mode == NETNS_HOST || (o->uts_ns && strcmp(o->uts_ns, "host") == 0)) {
        if (gethostname(host, sizeof host) < 0)
            return pcon_fail(err, errno, "get the host's name");
        host[HOST_NAME_MAX] = '\0';
        if (host[0] && !strpbrk(host, "\n\r")) {
            g->hostname = xstrdup(host);
            return 0;
        }
    }
    g->hostname = xstrndup(g->id, 12);
    return 0;
}

/* A pod's infra without --infra-image: no image (an empty layer list),
 * pcon-infra as its command (or --infra-command, run in that root), the
 * pod's hostname, network and ports. */
static int
infra_image(struct ctr_config *g, struct image *img, struct image_config *ic,
            const struct engine_create_opts *o)
{
    memset(img, 0, sizeof *img);
    img->layers = xzalloc(sizeof *img->layers);
    memset(ic, 0, sizeof *ic);
    if (o->cmd && o->cmd[0])
        g->args = strv_dup(o->cmd);
    else
        strv_push(&g->args, ENGINE_INFRA_PATH);
    return 0;
}

/* --rootfs DIR[:O]: the directory (as it resolves now) instead of an image,
 * and no image config: the command is the command line's */
static int
rootfs_dir(struct ctr_config *g, struct image *img, const struct engine_create_opts *o,
           struct pcon_err *err)
{
    size_t n = strlen(o->rootfs);
    bool overlay = n > 2 && strcmp(o->rootfs + n - 2, ":O") == 0;
    cleanup_free char *given = xstrndup(o->rootfs, overlay ? n - 2 : n);
    char real[PATH_MAX];
    struct stat st;

    if (realpath(given, real) == NULL || stat(real, &st) < 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "stat %s", given);
    if (!S_ISDIR(st.st_mode))
        return pcon_fail_kind(err, PCON_ERR_USAGE, ENOTDIR, "--rootfs %s", given);
    /* the overlay's options are split at commas and colons */
    if (overlay && strpbrk(real, ",:"))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--rootfs %s:O: a path with a comma or colon cannot be an overlay's"
                              " lower layer",
                              real);
    if (engine_spec_args(NULL, NULL, o->entrypoint, o->entrypoint_set, o->cmd, &g->args, err) < 0)
        return -1;
    if (g->args == NULL || g->args[0] == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "no command or entrypoint provided, and no CMD or ENTRYPOINT from"
                              " image");
    memset(img, 0, sizeof *img);
    img->layers = xzalloc(sizeof *img->layers);
    g->rootfs = xstrdup(real);
    g->rootfs_overlay = overlay;
    return 0;
}

/* the image's name as the user gave it (the one of its names that the
 * reference means: NAME, NAME:latest, REGISTRY/.../NAME), else its first */
static const char *
image_name_of(const struct image *img, const char *ref)
{
    size_t rl = ref ? strlen(ref) : 0;

    for (size_t i = 0; rl && img->names && img->names[i]; i++) {
        const char *n = img->names[i];
        size_t nl = strlen(n);
        bool tagged = strchr(strrchr(ref, '/') ? strrchr(ref, '/') : ref, ':') != NULL;
        cleanup_free char *full = tagged ? xstrdup(ref) : xasprintf("%s:latest", ref);
        size_t fl = strlen(full);
        if (strcmp(n, full) == 0
            || (nl > fl && n[nl - fl - 1] == '/' && strcmp(n + nl - fl, full) == 0))
            return n;
    }
    return img->names && img->names[0] ? img->names[0] : ref ? ref : "";
}

/* image: o's, or the id a pull gave */
static int
config_from_opts(struct store *st, struct ctr_config *g, struct image *img, const char *image,
                 const struct engine_create_opts *o, struct pcon_err *err)
{
    struct image_config ic = { 0 };
    char created[64];
    int r = -1;

    if (o->infra && o->image == NULL) {
        (void) infra_image(g, img, &ic, o);
    } else if (o->rootfs) {
        if (rootfs_dir(g, img, o, err) < 0)
            return -1;
    } else {
        if (storage_image_lookup(st, image, img, err) < 0)
            return -1;
        if (storage_image_config(st, img, &ic, err) < 0)
            return -1;
        if (engine_spec_args(ic.entrypoint, ic.cmd, o->entrypoint, o->entrypoint_set, o->cmd,
                             &g->args, err)
            < 0)
            goto out;
    }
    for (size_t i = 0; o->volumes && o->volumes[i]; i++) {
        struct volume v;
        if (engine_spec_volume_parse(o->volumes[i], &v, err) < 0)
            goto out;
        /* a named one is made on first use (there already is fine) */
        if (v.named) {
            struct volume_rec rec;
            if (storage_volume_create(st, v.src, NULL, NULL, true, v.anonymous, &rec, err) < 0) {
                engine_spec_volume_free(&v);
                goto out;
            }
            free(v.src);
            v.src = steal_ptr(&rec.name); /* an anonymous one's new name */
            storage_volume_free(&rec);
        }
        /* stored resolved: a relative source means the cwd of create */
        strv_push_take(&g->volumes, xasprintf("%s:%s%s", v.src, v.dst, v.ro ? ":ro" : ""));
        engine_spec_volume_free(&v);
    }
    if (volumes_from(st, g, o, err) < 0)
        goto out;
    if (engine_id_new(g->id, err) < 0)
        goto out;
    if (hostname_default(g, o, err) < 0)
        goto out;
    if (o->workdir)
        g->workdir = xstrdup(o->workdir);
    else if (ic.workdir)
        g->workdir = xstrdup(ic.workdir);
    if (g->workdir && g->workdir[0] != '/') {
        pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL, "workdir \"%s\" must be an absolute path",
                       g->workdir);
        goto out;
    }
    g->user = xstrdup(o->user ? o->user : ic.user ? ic.user : "0");
    if (build_env(g, &ic, o, err) < 0 || build_health(g, &ic, o, err) < 0)
        goto out;
    g->image_id = xstrdup(img->id);
    g->image_name = xstrdup(image_name_of(img, image));
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    g->created = xstrdup(created);
    g->net = o->net;
    if (o->pod) {
        g->pod = xstrdup(o->pod);
        g->init_ctr = o->init_ctr == NULL                ? CTR_INIT_NONE
                      : strcmp(o->init_ctr, "once") == 0 ? CTR_INIT_ONCE
                                                         : CTR_INIT_ALWAYS;
        g->infra = o->infra;
        g->pod_exit_stop = o->infra && o->pod_exit_stop;
        g->pod_no_infra = !o->infra && o->infra_id == NULL;
        g->pod_cgroup = o->pod_cgroup;
    }
    if (o->infra_id) {
        /* a member: the infra's network (or its own), and what else the
         * pod shares */
        g->pod_infra = xstrdup(o->infra_id);
        g->pod_join = o->pod_join & POD_JOIN_MASK;
        if (g->pod_join & POD_JOIN_NET) {
            memset(&g->net, 0, sizeof g->net);
            g->net.mode = NETNS_JOIN_CTR;
            snprintf(g->net.target, sizeof g->net.target, "%s", o->infra_id);
        }
    }
    if (g->net.mode == NETNS_JOIN_CTR && net_target_resolve(st, g, err) < 0)
        goto out;
    if (networks_resolve(st, g, o, err) < 0)
        goto out;
    g->labels = o->labels ? strv_dup(o->labels) : NULL;
    /* made by a systemd unit (generate systemd's, quadlet's): the unit, for
     * auto-update, as podman labels it */
    {
        const char *unit = getenv("PODMAN_SYSTEMD_UNIT");
        if (unit && *unit && !g->infra) {
            cleanup_free char *kv = xasprintf("PODMAN_SYSTEMD_UNIT=%s", unit);
            engine_spec_env_set(&g->labels, kv, NULL);
        }
    }
    g->create_args = o->create_args ? strv_dup(o->create_args) : NULL;
    g->umask = -1;
    g->personality = -1;
    g->attach = o->attach;
    if (o->personality) {
        if (strcmp(o->personality, "LINUX") == 0)
            g->personality = PER_LINUX;
        else if (strcmp(o->personality, "LINUX32") == 0)
            g->personality = PER_LINUX32;
        else {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                           "invalid personality domain \"%s\": LINUX or LINUX32", o->personality);
            goto out;
        }
    }
    if (o->umask) {
        char *end;
        long v = strtol(o->umask, &end, 8);
        if (*o->umask == '\0' || *end != '\0' || v < 0 || v > 0777) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid umask string %s", o->umask);
            goto out;
        }
        g->umask = (int) v;
    }
    g->annotations = o->annotations ? strv_dup(o->annotations) : NULL;
    for (size_t i = 0; o->requires && o->requires[i]; i++) {
        struct container dep;
        if (engine_ctr_load(st, o->requires[i], &dep, err) < 0) {
            pcon_prefix(err, "\"%s\" is not a valid container, cannot be used as a dependency",
                        o->requires[i]);
            goto out;
        }
        if (!strv_contains(g->requires, dep.cfg.id))
            strv_push(&g->requires, dep.cfg.id);
        engine_ctr_free(&dep);
    }
    if (o->pidfile) {
        char cwd[PATH_MAX];
        if (o->pidfile[0] != '/' && getcwd(cwd, sizeof cwd) == NULL) {
            pcon_fail(err, errno, "resolve --pidfile \"%s\"", o->pidfile);
            goto out;
        }
        g->pidfile =
            o->pidfile[0] == '/' ? xstrdup(o->pidfile) : xasprintf("%s/%s", cwd, o->pidfile);
    }
    if (o->conmon_pidfile) {
        char cwd[PATH_MAX];
        if (o->conmon_pidfile[0] != '/' && getcwd(cwd, sizeof cwd) == NULL) {
            pcon_fail(err, errno, "resolve --conmon-pidfile \"%s\"", o->conmon_pidfile);
            goto out;
        }
        g->conmon_pidfile = o->conmon_pidfile[0] == '/'
                                ? xstrdup(o->conmon_pidfile)
                                : xasprintf("%s/%s", cwd, o->conmon_pidfile);
    }
    g->sdnotify = o->sdnotify;
    if (g->sdnotify == SDNOTIFY_HEALTHY && (g->health_test == NULL || g->health_interval <= 0)) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                       "--sdnotify=healthy needs a healthcheck that runs (--health-cmd, a"
                       " --health-interval other than disable)");
        goto out;
    }
    /* ports only on a network of its own (cmd/ said so for the others) */
    if (o->ports && netns_mode_own(g->net.mode) && ports_store(g, o->ports, err) < 0)
        goto out;
    if (o->publish_all) {
        cleanup_strv char **exposed = ic.exposed_ports ? strv_dup(ic.exposed_ports) : NULL;
        for (size_t i = 0; o->expose && o->expose[i]; i++)
            strv_push(&exposed, o->expose[i]);
        if (ports_expose(g, exposed, err) < 0)
            goto out;
    }
    dns_store(g, o);
    g->no_new_privs = o->no_new_privs;
    g->read_only = o->read_only;
    g->init = o->init && !o->infra;
    g->shm_size = o->shm_size;
    if (ns_modes_store(st, g, o, err) < 0)
        goto out;
    if (engine_usermap_configure(st, g, img, o, err) < 0 || confine_store(g, o, err) < 0)
        goto out;
    /* a directory of the user's has the user's owners, which a user
     * namespace of the container's own would see as nobody's */
    if (g->rootfs && g->uidmap) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                       "--rootfs: a user namespace of the container's own cannot be had over a"
                       " directory of yours (its files are not shifted)");
        goto out;
    }
    g->read_only_no_tmpfs = o->read_only && o->read_only_no_tmpfs;
    for (size_t i = 0; o->tmpfs && o->tmpfs[i]; i++) {
        struct tmpfs_mount t;
        if (engine_spec_tmpfs_parse(o->tmpfs[i], &t, err) < 0)
            goto out;
        engine_spec_tmpfs_free(&t);
        strv_push(&g->tmpfs, o->tmpfs[i]);
    }
    systemd_mode(g, o);
    if (!o->infra && image_volumes(st, g, ic.volumes, o->image_volume, err) < 0)
        goto out;
    /* a secret must be there when the container is made (and at each start) */
    for (size_t i = 0; o->secrets && o->secrets[i]; i++) {
        struct secret_spec sp;
        struct secret_rec rec;
        char *norm = NULL;
        if (engine_spec_secret_parse(o->secrets[i], &sp, &norm, err) < 0)
            goto out;
        if (storage_secret_lookup(st, sp.name, &rec, err) < 0) {
            engine_spec_secret_free(&sp);
            free(norm);
            goto out;
        }
        storage_secret_free(&rec);
        engine_spec_secret_free(&sp);
        strv_push_take(&g->secrets, norm);
    }
    if (o->seccomp_profile && strcmp(o->seccomp_profile, "unconfined") == 0) {
        g->seccomp = xstrdup("unconfined");
    } else if (o->seccomp_profile) {
        /* for inspect: where it came from (its text is kept in seccomp.json) */
        char cwd[PATH_MAX];
        g->seccomp = o->seccomp_profile[0] == '/'      ? xstrdup(o->seccomp_profile)
                     : getcwd(cwd, sizeof cwd) != NULL ? xasprintf("%s/%s", cwd, o->seccomp_profile)
                                                       : xstrdup("/unknown");
    }
    g->cap_add = o->cap_add ? strv_dup(o->cap_add) : NULL;
    g->cap_drop = o->cap_drop ? strv_dup(o->cap_drop) : NULL;
    g->interactive = o->interactive;
    g->tty = o->tty;
    g->rm = o->rm || o->rmi; /* --rmi implies --rm, as podman's */
    g->rmi = o->rmi;
    g->restart = o->restart;
    g->restart_max = o->restart_max;
    g->log_driver = o->log_driver;
    g->log_max_size = o->log_max_size;
    g->stop_signal = o->stop_signal > 0 ? o->stop_signal : g->systemd_on ? SIGRTMIN + 3 : SIGTERM;
    g->stop_timeout = o->stop_timeout >= 0 ? o->stop_timeout : 10;
    g->timeout = o->timeout;
    r = 0;
out:
    storage_image_config_free(&ic);
    return r;
}

/* podman's systemd mode (--systemd=always, or true with an init as the
 * command): tmpfs on /run, /run/lock, /tmp and /var/log/journal (unless
 * something else is mounted there), stopped by SIGRTMIN+3 */
static void
systemd_mode(struct ctr_config *g, const struct engine_create_opts *o)
{
    static const char *const dirs[] = { "/run", "/run/lock", "/tmp", "/var/log/journal" };
    const char *cmd = g->args && g->args[0] ? g->args[0] : "";
    const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;

    g->systemd = o->systemd;
    g->systemd_on = o->systemd == 2
                    || (o->systemd == 1
                        && (strcmp(cmd, "/sbin/init") == 0 || strcmp(cmd, "/usr/sbin/init") == 0
                            || strcmp(base, "init") == 0 || strcmp(base, "systemd") == 0));
    if (!g->systemd_on)
        return;
    for (size_t d = 0; d < 4; d++) {
        bool taken = false;
        for (size_t i = 0; g->tmpfs && g->tmpfs[i] && !taken; i++)
            taken =
                strncmp(g->tmpfs[i], dirs[d], strlen(dirs[d])) == 0
                && (g->tmpfs[i][strlen(dirs[d])] == '\0' || g->tmpfs[i][strlen(dirs[d])] == ':');
        for (size_t i = 0; o->volumes && o->volumes[i] && !taken; i++) {
            const char *c = strchr(o->volumes[i], ':');
            taken = c && strncmp(c + 1, dirs[d], strlen(dirs[d])) == 0
                    && (c[1 + strlen(dirs[d])] == '\0' || c[1 + strlen(dirs[d])] == ':');
        }
        if (!taken)
            strv_push_take(&g->systemd_tmpfs, xasprintf("%s:rw,nosuid,nodev", dirs[d]));
    }
}

static int
seccomp_check(const char *path, char **text, struct pcon_err *err)
{
    cleanup_close int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

    *text = fs_read_all(AT_FDCWD, path, ENGINE_SECCOMP_MAX, NULL, NULL);
    if (*text == NULL)
        return pcon_fail(err, errno, "opening seccomp profile failed: open %s", path);
    if (null < 0)
        return pcon_fail(err, errno, "open /dev/null");
    if (engine_seccomp_compile(*text, engine_caps_default(), null, err) < 0) {
        err->kind = PCON_ERR_USAGE;
        return pcon_prefix(err, "loading seccomp profile (%s) failed", path);
    }
    return 0;
}

static bool
volume_dst_taken(char *const *volumes, const char *dst)
{
    bool taken = false;

    for (size_t i = 0; volumes && volumes[i] && !taken; i++) {
        struct volume v;
        if (engine_spec_volume_parse(volumes[i], &v, NULL) < 0)
            continue;
        taken = strcmp(v.dst, dst) == 0;
        engine_spec_volume_free(&v);
    }
    return taken;
}

/* the container path of a device "HOST:CTR:PERMS" */
static bool
device_dst_taken(char *const *devices, const char *dev)
{
    const char *d = strchr(dev, ':');
    size_t n = d ? strcspn(d + 1, ":") : 0;

    for (size_t i = 0; d && devices && devices[i]; i++) {
        const char *o = strchr(devices[i], ':');
        if (o && strcspn(o + 1, ":") == n && strncmp(o + 1, d + 1, n) == 0)
            return true;
    }
    return false;
}

/* A pod's member takes what pod create gave the pod's infra, as podman's
 * (InfraInherit): its volumes (one at a destination the member mounts too
 * is podman's error) and devices after the member's own, its seccomp profile (copied) and
 * no-new-privileges, its shm size, where the member set none of its own. */
static int
infra_inherit(struct store *st, struct ctr_config *g, const struct engine_create_opts *o,
              char **profile, struct pcon_err *err)
{
    struct container infra;
    const struct ctr_config *ig = &infra.cfg;
    int r = 0;

    if (g->pod_infra == NULL || g->infra)
        return 0;
    if (engine_ctr_load(st, g->pod_infra, &infra, err) < 0)
        return pcon_prefix(err, "the infra container of pod %s", g->pod);
    for (size_t i = 0; ig->volumes && ig->volumes[i]; i++) {
        struct volume v;
        if (engine_spec_volume_parse(ig->volumes[i], &v, NULL) < 0)
            continue;
        if (volume_dst_taken(g->volumes, v.dst)) {
            r = pcon_fail_kind(err, PCON_ERR_USAGE, 0, "\"%s\": duplicate mount destination",
                               v.dst);
            engine_spec_volume_free(&v);
            goto out;
        }
        strv_push(&g->volumes, ig->volumes[i]);
        engine_spec_volume_free(&v);
    }
    for (size_t i = 0; ig->devices && ig->devices[i]; i++)
        if (!device_dst_taken(g->devices, ig->devices[i]))
            strv_push(&g->devices, ig->devices[i]);
    g->no_new_privs |= ig->no_new_privs;
    /* the pod's cgroup, made by whichever member comes first: each has
     * its place and its limits */
    if (g->pod_cgroup) {
        engine_cgroup_limits_copy(&g->pod_limits, &ig->pod_limits);
        if (ig->cgroup_parent)
            g->cgroup_parent = xstrdup(ig->cgroup_parent);
    }
    if (g->shm_size == 0)
        g->shm_size = ig->shm_size;
    if (g->seccomp == NULL && !o->privileged && ig->seccomp) {
        g->seccomp = xstrdup(ig->seccomp);
        if (strcmp(ig->seccomp, "unconfined") != 0) {
            cleanup_free char *path = xasprintf("%s/seccomp.json", ig->id);
            *profile = fs_read_all(st->containers_dfd, path, 4 << 20, NULL, err);
            if (*profile == NULL)
                r = pcon_prefix(err, "the seccomp profile of pod %s", g->pod);
        }
    }
out:
    engine_ctr_free(&infra);
    return r;
}

/* the record, its name and its writable layer */
static int
record_create(struct store *st, const struct engine_create_opts *o, const char *image,
              struct container *out, struct pcon_err *err)
{
    struct ctr_config *g = &out->cfg;
    struct image img = { 0 };
    cleanup_free char *json = NULL, *profile = NULL;
    cleanup_close int lock = -1, dfd = -1, auto_lock = -1;
    struct usermap_shift shift;
    int shifted;
    char *name = NULL;

    memset(out, 0, sizeof *out);
    /* a profile of the user's own is read and compiled now: its errors are
     * create's, and it is kept as it was */
    if (o->seccomp_profile && strcmp(o->seccomp_profile, "unconfined") != 0
        && seccomp_check(o->seccomp_profile, &profile, err) < 0)
        return -1;
    out->state.exit_code = -1;
    /* shared: no image is removed underneath while the container is made */
    lock = storage_lock(st, false, err);
    if (lock < 0)
        return -1;
    /* auto's slice is chosen among the records: one create at a time */
    if (o->userns && strncmp(o->userns, "auto", 4) == 0
        && (auto_lock = engine_usermap_lock(st, err)) < 0)
        goto fail;
    if (config_from_opts(st, g, &img, image, o, err) < 0
        || infra_inherit(st, g, o, &profile, err) < 0)
        goto fail;
    /* --seccomp-policy image: the profile the image's label holds, when
     * there is one and none was asked for */
    if (o->seccomp_policy_image && !o->seccomp_profile && img.id[0]) {
        struct oci_config ic = { 0 };
        const char *label = NULL;
        size_t kl = strlen(SECCOMP_IMAGE_LABEL);
        if (storage_oci_config_load(st, &img, &ic, err) < 0)
            goto fail;
        for (size_t i = 0; ic.labels && ic.labels[i] && !label; i++)
            if (strncmp(ic.labels[i], SECCOMP_IMAGE_LABEL, kl) == 0 && ic.labels[i][kl] == '=')
                label = ic.labels[i] + kl + 1;
        if (label) {
            cleanup_close int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
            profile = xstrdup(label);
            if (null < 0 || engine_seccomp_compile(profile, engine_caps_default(), null, err) < 0) {
                storage_oci_config_free(&ic);
                if (err->msg)
                    pcon_prefix(err, "the image's seccomp profile (label %s)", SECCOMP_IMAGE_LABEL);
                goto fail;
            }
            free(g->seccomp);
            g->seccomp = xstrdup("image");
        }
        storage_oci_config_free(&ic);
    }
    shifted = engine_usermap_shift(g, &shift, err);
    if (shifted < 0)
        goto fail;
    if (storage_driver_resolve(st, NULL, err) < 0)
        goto fail;
    g->driver = st->driver;
    if (engine_name_reserve(st->root_dfd, o->name, g->id, &name, err) < 0)
        goto fail;
    g->name = name;
    if (g->rootfs && g->rootfs_overlay && st->driver == STORAGE_DRIVER_VFS) {
        pcon_fail_kind(err, PCON_ERR_USAGE, ENOTSUP,
                       "--rootfs DIR:O needs the overlay or fuse-overlayfs driver, not vfs");
        (void) engine_name_release(st->root_dfd, g->name, g->id);
        goto fail;
    }
    dfd = storage_container_create(st, &img, g->id, shifted ? &shift.s : NULL, err);
    if (dfd < 0) {
        (void) engine_name_release(st->root_dfd, g->name, g->id); /* undo the reservation */
        goto fail;
    }
    if (g->rootfs && storage_container_rootfs_set(dfd, g->rootfs, g->rootfs_overlay, err) < 0) {
        (void) engine_ctr_remove_files(st, out, NULL); /* nothing half-made stays */
        goto fail;
    }
    json = engine_ctr_config_json(g);
    /* A --rm container's record need not survive a crash. The first
     * state.json is never synced: it holds what the loader assumes of a
     * container whose state.json is missing, empty or torn (created, exit
     * code -1), so a crash can lose nothing of it; an fsync less (a journal
     * commit, 0.3 ms here) on every create. */
    if ((profile
         && fs_write_atomic(dfd, "seccomp.json", profile, strlen(profile), 0600, !o->rm, err) < 0)
        || fs_write_atomic(dfd, "container.json", json, strlen(json), 0600, !o->rm, err) < 0
        || engine_ctr_state_save(st, out, false, err) < 0) {
        (void) engine_ctr_remove_files(st, out, NULL); /* nothing half-made stays */
        goto fail;
    }
    storage_image_free(&img);
    return 0;
fail:
    storage_image_free(&img);
    engine_ctr_free(out);
    return -1;
}

/* --pull=newer: true when the registry has what is stored (or cannot be
 * asked: the stored image is used, with a warning) */
static bool
image_current(struct store *st, const char *ref, const struct registry_opts *reg,
              const struct image *img)
{
    cleanup_err struct pcon_err err = { 0 };
    char local[72], remote[72];

    if (storage_image_digest(st, img, local, &err) < 0)
        return false;
    if (registry_pull_digest(ref, reg, remote, &err) < 0) {
        cleanup_free char *why = pcon_err_text(&err);
        pcon_warn("%s: cannot check the registry, using the stored image: %s", ref, why);
        return true;
    }
    return strcmp(local, remote) == 0;
}

/* whether the stored image is of the platform --arch/--os/--variant ask
 * for (none asked: any); one of another is pulled again, as podman does */
static bool
image_platform_is(struct store *st, const struct image *img, const struct registry_opts *reg)
{
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    const char *a, *os, *var;

    if (reg->arch == NULL && reg->os == NULL && reg->variant == NULL)
        return true;
    text = storage_image_raw(st, img, "config.json", NULL);
    v = text ? json_parse(text, NULL) : NULL;
    a = v ? json_get_str(v, "architecture") : NULL;
    os = v ? json_get_str(v, "os") : NULL;
    var = v ? json_get_str(v, "variant") : NULL;
    return (reg->arch == NULL || (a && strcmp(a, reg->arch) == 0))
           && (reg->os == NULL || (os && strcmp(os, reg->os) == 0))
           && (reg->variant == NULL || (var && strcmp(var, reg->variant) == 0));
}

/* The image from its registry when asked, when it is missing, or (newer)
 * when the registry's manifest is not the stored one. *pulled: the id the
 * pull gave (the container takes exactly that), else NULL. */
static int
image_ensure(struct store *st, const struct engine_create_opts *o, char **pulled,
             struct pcon_err *err)
{
    struct registry_opts reg = o->reg ? *o->reg : (struct registry_opts){ .tls_verify = -1 };
    cleanup_free char *name = NULL;
    struct image img;
    char id[65];

    *pulled = NULL;
    reg.quiet = true;
    if (o->pull != PULL_ALWAYS) {
        if (storage_image_lookup(st, o->image, &img, err) == 0) {
            bool platform = image_platform_is(st, &img, &reg);
            bool current =
                (o->pull != PULL_NEWER || image_current(st, o->image, &reg, &img)) && platform;
            storage_image_free(&img);
            if (current)
                return 0;
            if (!platform && o->pull == PULL_NEVER)
                return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                                      "%s: no image of the platform asked for is stored, and "
                                      "--pull=never",
                                      o->image);
        } else if (o->pull == PULL_NEVER || err->kind != PCON_ERR_NOTFOUND) {
            return -1;
        }
        pcon_err_clear(err);
    }
    if (registry_pull(st, o->image, &reg, &name, id, err) < 0)
        return -1;
    storage_event(st, "image", "pull", id, o->image, NULL, NULL);
    *pulled = xstrdup(id);
    return 0;
}

/* --replace: the container of that name goes first, running or not */
static int
ctr_replace(struct store *st, const char *name, struct pcon_err *err)
{
    struct container old;
    int r;

    if (engine_ctr_load(st, name, &old, NULL) < 0)
        return 0; /* nothing to replace */
    r = engine_ctr_remove(st, &old, true, err);
    engine_ctr_free(&old);
    return r;
}

int
engine_ctr_cidfile_check(const char *cidfile, struct pcon_err *err)
{
    if (cidfile && access(cidfile, F_OK) == 0)
        return pcon_fail(err, EEXIST,
                         "container id file exists. Ensure another container is not"
                         " using it or delete %s",
                         cidfile);
    return 0;
}

/* O_EXCL: two creates never share an id file; a failed write removes the
 * container, nothing half-made stays */
static int
cidfile_write(struct store *st, struct container *c, const char *cidfile, struct pcon_err *err)
{
    cleanup_close int fd = open(cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

    if (fd < 0 || fs_write_all(fd, c->cfg.id, 64) < 0) {
        int e = errno;
        (void) engine_ctr_remove(st, c, true, NULL); /* the write's error is the one to show */
        engine_ctr_free(c);
        return pcon_fail(err, e, "write container id file %s", cidfile);
    }
    return 0;
}

/* --init-ctr: in podman's words, a pod's, never one already running (its
 * init containers ran when it started) */
static int
init_ctr_check(struct store *st, const struct engine_create_opts *o, struct pcon_err *err)
{
    struct container *all = NULL;
    size_t n = 0;
    bool running = false;

    if (o->init_ctr == NULL)
        return 0;
    if (strcmp(o->init_ctr, "always") != 0 && strcmp(o->init_ctr, "once") != 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "init-ctr value must be 'always' or 'once'");
    if (o->pod == NULL || o->infra)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "must specify pod value with init-ctr");
    if (engine_ctr_list(st, &all, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && !running; i++)
        running = all[i].cfg.pod && strcmp(all[i].cfg.pod, o->pod) == 0
                  && all[i].state.status == CTR_RUNNING;
    engine_ctr_list_free(all, n);
    if (running)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "cannot add init-ctr to a running pod");
    return 0;
}

int
engine_ctr_create(struct store *st, const struct engine_create_opts *o, struct container *out,
                  struct pcon_err *err)
{
    cleanup_free char *pulled = NULL;

    if (engine_ctr_cidfile_check(o->cidfile, err) < 0 || init_ctr_check(st, o, err) < 0)
        return -1;
    if (o->replace && o->name && ctr_replace(st, o->name, err) < 0)
        return -1;
    if (!(o->infra && o->image == NULL) && !o->rootfs && image_ensure(st, o, &pulled, err) < 0)
        return -1;
    if (record_create(st, o, pulled ? pulled : o->image, out, err) < 0)
        return -1;
    if (o->cidfile && cidfile_write(st, out, o->cidfile, err) < 0)
        return -1;
    engine_ctr_event(st, out, "create", NULL);
    return 0;
}
