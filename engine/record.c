// SPDX-License-Identifier: Apache-2.0
/* Container records: container.json (what was asked) and state.json (what
 * happened), both in containers/<id>/ of the graph root, so that the truth
 * survives the loss of the run root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/lock.h"
#include "../lib/proc.h"
#include "../lib/timefmt.h"
#include "../storage/rootfs.h"
#include "../storage/volume.h"
#include "container.h"
#include "names.h"
#include "spec.h"

#define MAX_RECORD (4 << 20)

static const char *const status_names[] = {
    [CTR_CREATED] = "created",         [CTR_RUNNING] = "running", [CTR_STOPPING] = "stopping",
    [CTR_PAUSED] = "paused",           [CTR_EXITED] = "exited",   [CTR_STOPPED] = "stopped",
    [CTR_INITIALIZED] = "initialized",
};

const char *
engine_ctr_status_name(enum ctr_status s)
{
    return status_names[s];
}

static const char *const restart_names[] = {
    [RESTART_NO] = "no",
    [RESTART_ON_FAILURE] = "on-failure",
    [RESTART_ALWAYS] = "always",
    [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *
engine_restart_name(enum restart_kind k)
{
    return restart_names[k];
}

int
engine_restart_parse(const char *s, enum restart_kind *kind, int *max, struct pcon_err *err)
{
    *max = 0;
    for (size_t i = 0; i < sizeof restart_names / sizeof restart_names[0]; i++) {
        size_t n = strlen(restart_names[i]);
        if (strncmp(s, restart_names[i], n) != 0)
            continue;
        if (s[n] == '\0') {
            *kind = (enum restart_kind) i;
            return 0;
        }
        if (s[n] == ':' && i == RESTART_ON_FAILURE) {
            char *end;
            long v = strtol(s + n + 1, &end, 10);
            if (*end == '\0' && end != s + n + 1 && v >= 0 && v < 1000000) {
                *kind = RESTART_ON_FAILURE;
                *max = (int) v;
                return 0;
            }
        }
    }
    if (strcmp(s, "") == 0) {
        *kind = RESTART_NO;
        return 0;
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                          "invalid restart policy \"%s\": must be one of"
                          " no, on-failure[:max], always, unless-stopped",
                          s);
}

static const char *const log_names[] = {
    [LOG_K8S_FILE] = "k8s-file",
    [LOG_NONE] = "none",
    [LOG_PASSTHROUGH] = "passthrough",
};

const char *
engine_log_driver_name(enum log_driver d)
{
    return log_names[d];
}

int
engine_log_driver_parse(const char *s, enum log_driver *out, struct pcon_err *err)
{
    for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++)
        if (strcmp(s, log_names[i]) == 0) {
            *out = (enum log_driver) i;
            return 0;
        }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                          "unsupported log driver \"%s\" (k8s-file, none or passthrough)", s);
}

char *
engine_ctr_log_path(struct store *st, const char *id)
{
    return xasprintf("%s/containers/%s/ctr.log", st->graphroot, id);
}

char *
engine_ctr_rundir(struct store *st, const char *id)
{
    return xasprintf("%s/containers/%s", st->runroot, id);
}

char *
engine_ctr_upper_path(struct store *st, const char *id)
{
    return xasprintf("%s/containers/%s/upper", st->graphroot, id);
}

char *
engine_ctr_work_path(struct store *st, const char *id)
{
    return xasprintf("%s/containers/%s/work", st->graphroot, id);
}

void
engine_ctr_free(struct container *c)
{
    struct ctr_config *g = &c->cfg;

    free(g->name);
    free(g->pod);
    free(g->pod_infra);
    free(g->seccomp);
    strv_free(g->tmpfs);
    strv_free(g->secrets);
    strv_free(g->health_test);
    free(g->pid_ns);
    free(g->ipc_ns);
    free(g->uts_ns);
    free(g->userns);
    free(g->userns_from);
    strv_free(g->uidmap);
    strv_free(g->gidmap);
    strv_free(g->devices);
    strv_free(g->mask);
    strv_free(g->unmask);
    free(g->proc_opts);
    strv_free(g->ulimits);
    strv_free(g->sysctls);
    strv_free(g->group_add);
    strv_free(g->hostusers);
    strv_free(g->chrootdirs);
    free(g->health_on_failure);
    free(g->passwd_entry);
    free(g->localtime);
    free(g->init_path);
    engine_cgroup_limits_free(&g->limits);
    engine_cgroup_limits_free(&g->pod_limits);
    free(g->cgroup_parent);
    strv_free(g->systemd_tmpfs);
    strv_free(g->cap_add);
    strv_free(g->cap_drop);
    free(g->image_id);
    free(g->image_name);
    free(g->rootfs);
    free(g->created);
    strv_free(g->args);
    strv_free(g->env);
    free(g->workdir);
    free(g->user);
    free(g->hostname);
    strv_free(g->volumes);
    strv_free(g->labels);
    strv_free(g->create_args);
    free(g->conmon_pidfile);
    free(g->pidfile);
    strv_free(g->annotations);
    strv_free(g->requires);
    strv_free(g->net_aliases);
    free(g->static_ip);
    free(g->static_mac);
    free(g->static_ip6);
    strv_free(g->net_opts);
    strv_free(c->state.networks);
    strv_free(g->ports);
    strv_free(g->dns);
    strv_free(g->dns_search);
    strv_free(g->dns_options);
    strv_free(g->add_hosts);
    free(c->state.started_at);
    free(c->state.finished_at);
    memset(c, 0, sizeof *c);
}

void
engine_ctr_list_free(struct container *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        engine_ctr_free(&v[i]);
    free(v);
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* a record's limits (or its pod's), when it has any */
static int
limits_parse(yajl_val l, struct cgroup_limits *out, struct pcon_err *err)
{
    const char *cs;
    int64_t v;

    if (l == NULL)
        return 0;
    out->memory = json_get_int(l, "memory", &v) ? v : 0;
    out->memory_swap = json_get_int(l, "memory_swap", &v) ? v : 0;
    out->memory_reservation = json_get_int(l, "memory_reservation", &v) ? v : 0;
    out->cpu_quota = json_get_int(l, "cpu_quota", &v) ? v : 0;
    out->cpu_period = json_get_int(l, "cpu_period", &v) ? v : 0;
    out->cpu_shares = json_get_int(l, "cpu_shares", &v) ? v : 0;
    out->pids_limit = json_get_int(l, "pids_limit", &v) ? v : 0;
    out->blkio_weight = json_get_int(l, "blkio_weight", &v) ? v : 0;
    if ((cs = json_get_str(l, "cpuset_cpus")))
        out->cpuset_cpus = xstrdup(cs);
    if ((cs = json_get_str(l, "cpuset_mems")))
        out->cpuset_mems = xstrdup(cs);
    if (json_get_strv(l, "io_max", &out->io_max, err) < 0
        || json_get_strv(l, "io_weights", &out->io_weights, err) < 0
        || json_get_strv(l, "conf", &out->conf, err) < 0)
        return -1;
    out->swappiness_set = json_get_int(l, "memory_swappiness", &v) && v >= 0 && v <= 100;
    out->memory_swappiness = out->swappiness_set ? v : -1;
    out->oom_kill_disable = YAJL_IS_TRUE(json_get(l, "oom_kill_disable"));
    out->cpu_rt_period = json_get_int(l, "cpu_rt_period", &v) ? v : 0;
    out->cpu_rt_runtime = json_get_int(l, "cpu_rt_runtime", &v) ? v : 0;
    if (engine_cgroup_limits_check(out, err) < 0)
        return pcon_prefix(err, "invalid container record: limits");
    return 0;
}

static yajl_gen_status
limits_gen(yajl_gen gen, const char *key, const struct cgroup_limits *l)
{
    if (!engine_cgroup_limits_any(l))
        return yajl_gen_status_ok;
    JG(json_gen_str(gen, key));
    JG(yajl_gen_map_open(gen));
    JG(json_gen_kv_int(gen, "memory", l->memory));
    JG(json_gen_kv_int(gen, "memory_swap", l->memory_swap));
    JG(json_gen_kv_int(gen, "memory_reservation", l->memory_reservation));
    JG(json_gen_kv_int(gen, "cpu_quota", l->cpu_quota));
    JG(json_gen_kv_int(gen, "cpu_period", l->cpu_period));
    JG(json_gen_kv_int(gen, "cpu_shares", l->cpu_shares));
    JG(json_gen_kv_int(gen, "pids_limit", l->pids_limit));
    JG(json_gen_kv_int(gen, "blkio_weight", l->blkio_weight));
    if (l->cpuset_cpus)
        JG(json_gen_kv_str(gen, "cpuset_cpus", l->cpuset_cpus));
    if (l->cpuset_mems)
        JG(json_gen_kv_str(gen, "cpuset_mems", l->cpuset_mems));
    if (l->io_max)
        JG(json_gen_kv_strv(gen, "io_max", l->io_max));
    if (l->io_weights)
        JG(json_gen_kv_strv(gen, "io_weights", l->io_weights));
    if (l->conf)
        JG(json_gen_kv_strv(gen, "conf", l->conf));
    if (l->swappiness_set)
        JG(json_gen_kv_int(gen, "memory_swappiness", l->memory_swappiness));
    if (l->oom_kill_disable)
        JG(json_gen_kv_bool(gen, "oom_kill_disable", true));
    if (l->cpu_rt_period)
        JG(json_gen_kv_int(gen, "cpu_rt_period", l->cpu_rt_period));
    if (l->cpu_rt_runtime)
        JG(json_gen_kv_int(gen, "cpu_rt_runtime", l->cpu_rt_runtime));
    return yajl_gen_map_close(gen);
fail:
    return yajl_gen_generation_complete;
}

static int
config_parse(const char *text, struct ctr_config *g, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    cleanup_json_index struct json_index ix;
    const char *id, *name, *s;
    int64_t v;

    json_index_begin(&ix, root);
    if (root == NULL)
        return -1;
    if (json_need_str(root, "id", &id, err) < 0 || !hex64_valid(id)
        || json_need_str(root, "name", &name, err) < 0)
        return pcon_fail(err, EINVAL, "invalid container record");
    memcpy(g->id, id, 65);
    g->name = xstrdup(name);
    g->image_id = dup_or_null(json_get_str(root, "image_id"));
    g->image_name = dup_or_null(json_get_str(root, "image_name"));
    g->rootfs = dup_or_null(json_get_str(root, "rootfs"));
    if (g->rootfs && g->rootfs[0] != '/')
        return pcon_fail(err, EINVAL, "invalid container record: rootfs");
    g->rootfs_overlay = g->rootfs && YAJL_IS_TRUE(json_get(root, "rootfs_overlay"));
    g->created = xstrdup((s = json_get_str(root, "created")) ? s : "");
    if ((s = json_get_str(root, "driver")) == NULL || storage_driver_parse(s, &g->driver, NULL) < 0)
        g->driver = STORAGE_DRIVER_OVERLAY;
    if (json_get_strv(root, "args", &g->args, err) < 0
        || json_get_strv(root, "env", &g->env, err) < 0
        || json_get_strv(root, "volumes", &g->volumes, err) < 0
        || json_get_strv(root, "labels", &g->labels, err) < 0
        || json_get_strv(root, "create_args", &g->create_args, err) < 0
        || json_get_strv(root, "network_aliases", &g->net_aliases, err) < 0
        || json_get_strv(root, "network_opts", &g->net_opts, err) < 0
        || json_get_strv(root, "cap_add", &g->cap_add, err) < 0
        || json_get_strv(root, "cap_drop", &g->cap_drop, err) < 0)
        return -1;
    if (g->args == NULL || g->args[0] == NULL)
        return pcon_fail(err, EINVAL, "container record without a command");
    g->workdir = dup_or_null(json_get_str(root, "workdir"));
    g->user = xstrdup((s = json_get_str(root, "user")) ? s : "0");
    g->hostname = xstrdup((s = json_get_str(root, "hostname")) ? s : "localhost");
    if ((s = json_get_str(root, "network")) == NULL || netns_spec_parse(s, &g->net, NULL) < 0)
        memset(&g->net, 0, sizeof g->net); /* a record from before: none */
    /* absent in records from before: NULL, the network's own */
    if (json_get_strv(root, "ports", &g->ports, err) < 0
        || json_get_strv(root, "dns", &g->dns, err) < 0
        || json_get_strv(root, "dns_search", &g->dns_search, err) < 0
        || json_get_strv(root, "dns_options", &g->dns_options, err) < 0
        || json_get_strv(root, "add_hosts", &g->add_hosts, err) < 0)
        return -1;
    g->static_ip = dup_or_null(json_get_str(root, "ip"));
    g->static_ip6 = dup_or_null(json_get_str(root, "ip6"));
    g->static_mac = dup_or_null(json_get_str(root, "mac"));
    g->conmon_pidfile = dup_or_null(json_get_str(root, "conmon_pidfile"));
    g->pidfile = dup_or_null(json_get_str(root, "pidfile"));
    if (g->pidfile && g->pidfile[0] != '/')
        return pcon_fail(err, EINVAL, "invalid container record: pidfile");
    g->umask = json_get_int(root, "umask", &v) && v >= 0 && v <= 0777 ? (int) v : -1;
    g->attach = json_get_int(root, "attach", &v) && v > 0 && v < 8 ? (unsigned) v : 0;
    g->personality = json_get_int(root, "personality", &v) && (v == PER_LINUX || v == PER_LINUX32)
                         ? (int) v
                         : -1;
    if (json_get_strv(root, "annotations", &g->annotations, err) < 0
        || json_get_strv(root, "requires", &g->requires, err) < 0)
        return -1;
    for (size_t i = 0; g->requires && g->requires[i]; i++)
        if (!hex64_valid(g->requires[i]))
            return pcon_fail(err, EINVAL, "invalid container record: requires");
    if (g->conmon_pidfile && g->conmon_pidfile[0] != '/')
        return pcon_fail(err, EINVAL, "invalid container record: conmon_pidfile");
    s = json_get_str(root, "sdnotify");
    g->sdnotify = s && strcmp(s, "conmon") == 0    ? SDNOTIFY_CONMON
                  : s && strcmp(s, "ignore") == 0  ? SDNOTIFY_IGNORE
                  : s && strcmp(s, "healthy") == 0 ? SDNOTIFY_HEALTHY
                                                   : SDNOTIFY_CONTAINER;
    g->no_hosts = YAJL_IS_TRUE(json_get(root, "no_hosts"));
    g->no_resolv_conf = YAJL_IS_TRUE(json_get(root, "no_resolv_conf"));
    g->interactive = YAJL_IS_TRUE(json_get(root, "interactive"));
    g->tty = YAJL_IS_TRUE(json_get(root, "tty"));
    g->rm = YAJL_IS_TRUE(json_get(root, "rm"));
    g->rmi = g->rm && YAJL_IS_TRUE(json_get(root, "rmi"));
    if ((s = json_get_str(root, "restart")) == NULL
        || engine_restart_parse(s, &g->restart, &g->restart_max, NULL) < 0)
        g->restart = RESTART_NO;
    if (json_get_int(root, "restart_max", &v))
        g->restart_max = (int) v;
    if ((s = json_get_str(root, "log_driver")) == NULL
        || engine_log_driver_parse(s, &g->log_driver, NULL) < 0)
        g->log_driver = LOG_K8S_FILE;
    g->log_max_size = json_get_int(root, "log_max_size", &v) ? v : 0;
    g->stop_signal = json_get_int(root, "stop_signal", &v) && v > 0 && v < 65 ? (int) v : SIGTERM;
    g->stop_timeout = json_get_int(root, "stop_timeout", &v) && v >= 0 ? (int) v : 10;
    g->timeout = json_get_int(root, "timeout", &v) && v > 0 ? (int) v : 0;
    s = json_get_str(root, "seccomp");
    g->seccomp = s && (strcmp(s, "unconfined") == 0 || strcmp(s, "image") == 0 || s[0] == '/')
                     ? xstrdup(s)
                     : NULL;
    g->no_new_privs = YAJL_IS_TRUE(json_get(root, "no_new_privs"));
    g->read_only = YAJL_IS_TRUE(json_get(root, "read_only"));
    g->init = YAJL_IS_TRUE(json_get(root, "init"));
    g->shm_size = json_get_int(root, "shm_size", &v) && v >= 0 ? v : -1;
    g->pid_ns = dup_or_null(json_get_str(root, "pid_ns"));
    g->ipc_ns = dup_or_null(json_get_str(root, "ipc_ns"));
    g->uts_ns = dup_or_null(json_get_str(root, "uts_ns"));
    g->userns = dup_or_null(json_get_str(root, "userns"));
    g->proc_opts = dup_or_null(json_get_str(root, "proc_opts"));
    g->passwd_entry = dup_or_null(json_get_str(root, "passwd_entry"));
    g->passwd_off = YAJL_IS_TRUE(json_get(root, "passwd_off"));
    g->userns_from = dup_or_null(json_get_str(root, "userns_from"));
    if (g->userns_from && !hex64_valid(g->userns_from))
        return pcon_fail(err, EINVAL, "invalid container record: userns_from");
    if (json_get_strv(root, "uidmap", &g->uidmap, err) < 0
        || json_get_strv(root, "gidmap", &g->gidmap, err) < 0)
        return -1;
    if ((g->uidmap != NULL) != (g->gidmap != NULL) || (g->uidmap != NULL) != (g->userns != NULL))
        return pcon_fail(err, EINVAL, "invalid container record: userns");
    g->privileged = YAJL_IS_TRUE(json_get(root, "privileged"));
    if (json_get_strv(root, "devices", &g->devices, err) < 0
        || json_get_strv(root, "mask", &g->mask, err) < 0
        || json_get_strv(root, "unmask", &g->unmask, err) < 0
        || json_get_strv(root, "ulimits", &g->ulimits, err) < 0
        || json_get_strv(root, "sysctls", &g->sysctls, err) < 0
        || json_get_strv(root, "group_add", &g->group_add, err) < 0
        || json_get_strv(root, "hostusers", &g->hostusers, err) < 0
        || json_get_strv(root, "chrootdirs", &g->chrootdirs, err) < 0)
        return -1;
    g->localtime = dup_or_null(json_get_str(root, "localtime"));
    g->init_path = dup_or_null(json_get_str(root, "init_path"));
    g->cgroupns_private = YAJL_IS_TRUE(json_get(root, "cgroupns_private"));
    g->oom_score_set = json_get_int(root, "oom_score_adj", &v) && v >= -1000 && v <= 1000;
    g->oom_score_adj = g->oom_score_set ? (int) v : 0;
    g->cgroups_disabled = YAJL_IS_TRUE(json_get(root, "cgroups_disabled"));
    g->systemd = json_get_int(root, "systemd", &v) && v >= 0 && v <= 2 ? (int) v : 1;
    g->systemd_on = YAJL_IS_TRUE(json_get(root, "systemd_on"));
    if (json_get_strv(root, "systemd_tmpfs", &g->systemd_tmpfs, err) < 0)
        return -1;
    for (size_t i = 0; g->systemd_tmpfs && g->systemd_tmpfs[i]; i++) {
        struct tmpfs_mount t;
        if (engine_spec_tmpfs_parse(g->systemd_tmpfs[i], &t, err) < 0)
            return pcon_prefix(err, "invalid container record: systemd_tmpfs");
        engine_spec_tmpfs_free(&t);
    }
    {
        const char *cp = json_get_str(root, "cgroup_parent");
        cleanup_free char *clean = cp ? fs_path_clean_clamped(cp) : NULL;
        if (cp && (clean == NULL || strcmp(clean, cp) != 0 || *cp == '\0'))
            return pcon_fail(err, EINVAL, "invalid container record: cgroup_parent");
        g->cgroup_parent = steal_ptr(&clean);
    }
    if (limits_parse(json_get_obj(root, "limits"), &g->limits, err) < 0
        || limits_parse(json_get_obj(root, "pod_limits"), &g->pod_limits, err) < 0)
        return -1;
    g->read_only_no_tmpfs = YAJL_IS_TRUE(json_get(root, "read_only_no_tmpfs"));
    if (json_get_strv(root, "tmpfs", &g->tmpfs, err) < 0
        || json_get_strv(root, "secrets", &g->secrets, err) < 0
        || json_get_strv(root, "health_test", &g->health_test, err) < 0)
        return -1;
    if (g->health_test) {
        g->health_interval = json_get_int(root, "health_interval", &v) && v >= 0 ? v : 0;
        g->health_timeout = json_get_int(root, "health_timeout", &v) && v > 0 ? v : 30000000000LL;
        g->health_start_period = json_get_int(root, "health_start_period", &v) && v >= 0 ? v : 0;
        g->health_retries =
            json_get_int(root, "health_retries", &v) && v > 0 && v < 1000000 ? (int) v : 3;
        s = json_get_str(root, "health_on_failure");
        if (s && (strcmp(s, "kill") == 0 || strcmp(s, "restart") == 0 || strcmp(s, "stop") == 0))
            g->health_on_failure = xstrdup(s);
    }
    g->pod = dup_or_null(json_get_str(root, "pod"));
    if (g->pod && !hex64_valid(g->pod))
        return pcon_fail(err, EINVAL, "invalid container record: pod");
    g->infra = g->pod && YAJL_IS_TRUE(json_get(root, "infra"));
    g->pod_exit_stop = g->infra && YAJL_IS_TRUE(json_get(root, "pod_exit_stop"));
    g->pod_join = json_get_int(root, "pod_join", &v) && g->pod ? (unsigned) v & POD_JOIN_MASK : 0;
    g->pod_infra = g->pod && !g->infra ? dup_or_null(json_get_str(root, "pod_infra")) : NULL;
    if (g->pod_infra && !hex64_valid(g->pod_infra))
        return pcon_fail(err, EINVAL, "invalid container record: pod_infra");
    g->pod_no_infra = g->pod && !g->infra && YAJL_IS_TRUE(json_get(root, "pod_no_infra"));
    g->pod_cgroup = g->pod && YAJL_IS_TRUE(json_get(root, "pod_cgroup"));
    {
        const char *ic = g->pod && !g->infra ? json_get_str(root, "init_ctr") : NULL;
        g->init_ctr = ic == NULL                ? CTR_INIT_NONE
                      : strcmp(ic, "once") == 0 ? CTR_INIT_ONCE
                                                : CTR_INIT_ALWAYS;
    }
    /* a record from before the network could be kept apart */
    if (g->pod && !g->infra && !g->pod_no_infra && g->pod_infra == NULL
        && g->net.mode == NETNS_JOIN_CTR) {
        g->pod_infra = xstrdup(g->net.target);
        g->pod_join |= POD_JOIN_NET;
    }
    return 0;
}

char *
engine_ctr_config_json(const struct ctr_config *g)
{
    cleanup_yajl_gen yajl_gen gen = json_gen_new(false);
    cleanup_free char *net = NULL;

    JG(yajl_gen_map_open(gen));
    JG(json_gen_kv_str(gen, "id", g->id));
    JG(json_gen_kv_str(gen, "name", g->name));
    JG(json_gen_kv_str(gen, "image_id", g->image_id));
    JG(json_gen_kv_str(gen, "image_name", g->image_name));
    if (g->rootfs) {
        JG(json_gen_kv_str(gen, "rootfs", g->rootfs));
        if (g->rootfs_overlay)
            JG(json_gen_kv_bool(gen, "rootfs_overlay", true));
    }
    JG(json_gen_kv_str(gen, "created", g->created));
    JG(json_gen_kv_str(gen, "driver", storage_driver_name(g->driver)));
    JG(json_gen_kv_strv(gen, "args", g->args));
    JG(json_gen_kv_strv(gen, "env", g->env));
    JG(json_gen_kv_str(gen, "workdir", g->workdir));
    JG(json_gen_kv_str(gen, "user", g->user));
    JG(json_gen_kv_str(gen, "hostname", g->hostname));
    net = netns_spec_string(&g->net);
    JG(json_gen_kv_str(gen, "network", net));
    JG(json_gen_kv_strv(gen, "ports", g->ports ? g->ports : (char *[]){ NULL }));
    JG(json_gen_kv_strv(gen, "volumes", g->volumes ? g->volumes : (char *[]){ NULL }));
    if (g->labels)
        JG(json_gen_kv_strv(gen, "labels", g->labels));
    if (g->create_args)
        JG(json_gen_kv_strv(gen, "create_args", g->create_args));
    if (g->conmon_pidfile)
        JG(json_gen_kv_str(gen, "conmon_pidfile", g->conmon_pidfile));
    if (g->pidfile)
        JG(json_gen_kv_str(gen, "pidfile", g->pidfile));
    if (g->umask >= 0)
        JG(json_gen_kv_int(gen, "umask", g->umask));
    if (g->personality >= 0)
        JG(json_gen_kv_int(gen, "personality", g->personality));
    if (g->attach)
        JG(json_gen_kv_int(gen, "attach", g->attach));
    if (g->annotations)
        JG(json_gen_kv_strv(gen, "annotations", g->annotations));
    if (g->requires)
        JG(json_gen_kv_strv(gen, "requires", g->requires));
    if (g->sdnotify != SDNOTIFY_CONTAINER)
        JG(json_gen_kv_str(gen, "sdnotify",
                           g->sdnotify == SDNOTIFY_CONMON    ? "conmon"
                           : g->sdnotify == SDNOTIFY_HEALTHY ? "healthy"
                                                             : "ignore"));
    if (g->net_aliases)
        JG(json_gen_kv_strv(gen, "network_aliases", g->net_aliases));
    if (g->static_ip)
        JG(json_gen_kv_str(gen, "ip", g->static_ip));
    if (g->static_ip6)
        JG(json_gen_kv_str(gen, "ip6", g->static_ip6));
    if (g->static_mac)
        JG(json_gen_kv_str(gen, "mac", g->static_mac));
    if (g->net_opts)
        JG(json_gen_kv_strv(gen, "network_opts", g->net_opts));
    if (g->cap_add)
        JG(json_gen_kv_strv(gen, "cap_add", g->cap_add));
    if (g->cap_drop)
        JG(json_gen_kv_strv(gen, "cap_drop", g->cap_drop));
    if (g->dns)
        JG(json_gen_kv_strv(gen, "dns", g->dns));
    if (g->dns_search)
        JG(json_gen_kv_strv(gen, "dns_search", g->dns_search));
    if (g->dns_options)
        JG(json_gen_kv_strv(gen, "dns_options", g->dns_options));
    if (g->add_hosts)
        JG(json_gen_kv_strv(gen, "add_hosts", g->add_hosts));
    JG(json_gen_kv_bool(gen, "no_hosts", g->no_hosts));
    JG(json_gen_kv_bool(gen, "no_resolv_conf", g->no_resolv_conf));
    JG(json_gen_kv_bool(gen, "interactive", g->interactive));
    JG(json_gen_kv_bool(gen, "tty", g->tty));
    JG(json_gen_kv_bool(gen, "rm", g->rm));
    if (g->rmi)
        JG(json_gen_kv_bool(gen, "rmi", true));
    JG(json_gen_kv_str(gen, "restart", engine_restart_name(g->restart)));
    JG(json_gen_kv_int(gen, "restart_max", g->restart_max));
    JG(json_gen_kv_str(gen, "log_driver", engine_log_driver_name(g->log_driver)));
    JG(json_gen_kv_int(gen, "log_max_size", g->log_max_size));
    JG(json_gen_kv_int(gen, "stop_signal", g->stop_signal));
    JG(json_gen_kv_int(gen, "stop_timeout", g->stop_timeout));
    JG(json_gen_kv_int(gen, "timeout", g->timeout));
    if (g->seccomp)
        JG(json_gen_kv_str(gen, "seccomp", g->seccomp));
    if (g->no_new_privs)
        JG(json_gen_kv_bool(gen, "no_new_privs", true));
    if (g->read_only)
        JG(json_gen_kv_bool(gen, "read_only", true));
    if (g->init)
        JG(json_gen_kv_bool(gen, "init", true));
    if (g->shm_size >= 0)
        JG(json_gen_kv_int(gen, "shm_size", g->shm_size));
    if (g->pid_ns)
        JG(json_gen_kv_str(gen, "pid_ns", g->pid_ns));
    if (g->ipc_ns)
        JG(json_gen_kv_str(gen, "ipc_ns", g->ipc_ns));
    if (g->uts_ns)
        JG(json_gen_kv_str(gen, "uts_ns", g->uts_ns));
    if (g->userns && g->uidmap && g->gidmap) {
        JG(json_gen_kv_str(gen, "userns", g->userns));
        JG(json_gen_kv_strv(gen, "uidmap", g->uidmap));
        JG(json_gen_kv_strv(gen, "gidmap", g->gidmap));
        if (g->userns_from)
            JG(json_gen_kv_str(gen, "userns_from", g->userns_from));
    }
    if (g->privileged)
        JG(json_gen_kv_bool(gen, "privileged", true));
    if (g->devices)
        JG(json_gen_kv_strv(gen, "devices", g->devices));
    if (g->mask)
        JG(json_gen_kv_strv(gen, "mask", g->mask));
    if (g->unmask)
        JG(json_gen_kv_strv(gen, "unmask", g->unmask));
    if (g->proc_opts)
        JG(json_gen_kv_str(gen, "proc_opts", g->proc_opts));
    if (g->ulimits)
        JG(json_gen_kv_strv(gen, "ulimits", g->ulimits));
    if (g->sysctls)
        JG(json_gen_kv_strv(gen, "sysctls", g->sysctls));
    if (g->group_add)
        JG(json_gen_kv_strv(gen, "group_add", g->group_add));
    if (g->hostusers)
        JG(json_gen_kv_strv(gen, "hostusers", g->hostusers));
    if (g->chrootdirs)
        JG(json_gen_kv_strv(gen, "chrootdirs", g->chrootdirs));
    if (g->passwd_entry)
        JG(json_gen_kv_str(gen, "passwd_entry", g->passwd_entry));
    if (g->passwd_off)
        JG(json_gen_kv_bool(gen, "passwd_off", true));
    if (g->localtime)
        JG(json_gen_kv_str(gen, "localtime", g->localtime));
    if (g->init_path)
        JG(json_gen_kv_str(gen, "init_path", g->init_path));
    if (g->cgroupns_private)
        JG(json_gen_kv_bool(gen, "cgroupns_private", true));
    if (g->oom_score_set)
        JG(json_gen_kv_int(gen, "oom_score_adj", g->oom_score_adj));
    if (g->cgroups_disabled)
        JG(json_gen_kv_bool(gen, "cgroups_disabled", true));
    JG(limits_gen(gen, "limits", &g->limits));
    JG(limits_gen(gen, "pod_limits", &g->pod_limits));
    if (g->cgroup_parent)
        JG(json_gen_kv_str(gen, "cgroup_parent", g->cgroup_parent));
    if (g->systemd != 1)
        JG(json_gen_kv_int(gen, "systemd", g->systemd));
    if (g->systemd_on)
        JG(json_gen_kv_bool(gen, "systemd_on", true));
    if (g->systemd_tmpfs)
        JG(json_gen_kv_strv(gen, "systemd_tmpfs", g->systemd_tmpfs));
    if (g->read_only_no_tmpfs)
        JG(json_gen_kv_bool(gen, "read_only_no_tmpfs", true));
    if (g->tmpfs)
        JG(json_gen_kv_strv(gen, "tmpfs", g->tmpfs));
    if (g->secrets)
        JG(json_gen_kv_strv(gen, "secrets", g->secrets));
    if (g->health_test) {
        JG(json_gen_kv_strv(gen, "health_test", g->health_test));
        JG(json_gen_kv_int(gen, "health_interval", g->health_interval));
        JG(json_gen_kv_int(gen, "health_timeout", g->health_timeout));
        JG(json_gen_kv_int(gen, "health_start_period", g->health_start_period));
        JG(json_gen_kv_int(gen, "health_retries", g->health_retries));
        if (g->health_on_failure)
            JG(json_gen_kv_str(gen, "health_on_failure", g->health_on_failure));
    }
    if (g->pod) {
        JG(json_gen_kv_str(gen, "pod", g->pod));
        JG(json_gen_kv_bool(gen, "infra", g->infra));
        JG(json_gen_kv_bool(gen, "pod_exit_stop", g->pod_exit_stop));
        JG(json_gen_kv_int(gen, "pod_join", g->pod_join));
        if (g->pod_infra)
            JG(json_gen_kv_str(gen, "pod_infra", g->pod_infra));
        if (g->pod_no_infra)
            JG(json_gen_kv_bool(gen, "pod_no_infra", true));
        if (g->pod_cgroup)
            JG(json_gen_kv_bool(gen, "pod_cgroup", true));
        if (g->init_ctr != CTR_INIT_NONE)
            JG(json_gen_kv_str(gen, "init_ctr", g->init_ctr == CTR_INIT_ONCE ? "once" : "always"));
    }
    JG(yajl_gen_map_close(gen));
    return json_gen_take(gen, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static void
state_parse(const char *text, struct ctr_state *s)
{
    cleanup_yajl_val yajl_val root = json_parse(text, NULL);
    const char *v;
    int64_t n;

    memset(s, 0, sizeof *s);
    s->exit_code = -1;
    if (root == NULL)
        return;
    if ((v = json_get_str(root, "status")) != NULL)
        for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
            if (strcmp(v, status_names[i]) == 0)
                s->status = (enum ctr_status) i;
    if (json_get_int(root, "pid", &n))
        s->pid = (pid_t) n;
    if (json_get_int(root, "pid_start", &n))
        s->pid_start = (unsigned long long) n;
    if (json_get_int(root, "monitor", &n))
        s->monitor = (pid_t) n;
    if (json_get_int(root, "monitor_start", &n))
        s->monitor_start = (unsigned long long) n;
    if (json_get_int(root, "exit_code", &n))
        s->exit_code = (int) n;
    if (json_get_int(root, "restart_count", &n))
        s->restart_count = (int) n;
    s->stopped_by_user = YAJL_IS_TRUE(json_get(root, "stopped_by_user"));
    s->started_at = dup_or_null(json_get_str(root, "started_at"));
    s->finished_at = dup_or_null(json_get_str(root, "finished_at"));
    (void) json_get_strv(root, "networks", &s->networks, NULL);
}

int
engine_ctr_state_save(struct store *st, const struct container *c, bool sync, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_close int dfd =
        openat(st->containers_dfd, c->cfg.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    const struct ctr_state *s = &c->state;
    cleanup_free char *text = NULL;
    size_t len;

    if (dfd < 0)
        return pcon_fail(err, errno, "open container %.12s", c->cfg.id);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "status", status_names[s->status]));
    JG(json_gen_kv_int(g, "pid", s->pid));
    JG(json_gen_kv_int(g, "pid_start", (long long) s->pid_start));
    JG(json_gen_kv_int(g, "monitor", s->monitor));
    JG(json_gen_kv_int(g, "monitor_start", (long long) s->monitor_start));
    JG(json_gen_kv_int(g, "exit_code", s->exit_code));
    JG(json_gen_kv_str(g, "started_at", s->started_at));
    JG(json_gen_kv_str(g, "finished_at", s->finished_at));
    JG(json_gen_kv_int(g, "restart_count", s->restart_count));
    JG(json_gen_kv_bool(g, "stopped_by_user", s->stopped_by_user));
    if (s->networks)
        JG(json_gen_kv_strv(g, "networks", s->networks));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    return fs_write_atomic(dfd, "state.json", text, len, 0600, sync, err);
fail:
    return pcon_fail(err, EINVAL, "generate state.json");
}

bool
engine_ctr_is_active(const struct container *c)
{
    enum ctr_status s = c->state.status;

    return s == CTR_RUNNING || s == CTR_STOPPING || s == CTR_PAUSED || s == CTR_INITIALIZED;
}

void
engine_ctr_ports(const struct ctr_config *g, struct netns_port **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    /* stored as netns_port_spec wrote them: a record's own that no longer
     * parses is left out */
    for (size_t i = 0; g->ports && g->ports[i]; i++)
        (void) netns_port_parse(g->ports[i], v, n, NULL);
}

bool
engine_ctr_alive(const struct container *c)
{
    return proc_alive(c->state.monitor, c->state.monitor_start)
           || proc_alive(c->state.pid, c->state.pid_start);
}

/* The state on disk may claim a process that is gone (a monitor killed
 * with SIGKILL, a reboot): show what is true. */
static void
state_truth(struct container *c)
{
    if (engine_ctr_is_active(c) && !engine_ctr_alive(c)) {
        c->state.status = CTR_STOPPED;
        c->state.exit_code = -1;
        c->state.pid = 0;
    }
}

void
engine_ctr_state_reload(struct store *st, struct container *c)
{
    cleanup_free char *path = xasprintf("%s/state.json", c->cfg.id);
    cleanup_free char *text = fs_read_all(st->containers_dfd, path, MAX_RECORD, NULL, NULL);

    free(c->state.started_at);
    free(c->state.finished_at);
    strv_free(c->state.networks);
    state_parse(text ? text : "{}", &c->state);
    state_truth(c);
}

static int
load_id(struct store *st, const char *id, struct container *out, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/container.json", id);
    cleanup_free char *text = fs_read_all(st->containers_dfd, path, MAX_RECORD, NULL, err);

    memset(out, 0, sizeof *out);
    if (text == NULL)
        return -1;
    if (config_parse(text, &out->cfg, err) < 0) {
        engine_ctr_free(out);
        return pcon_prefix(err, "container %.12s", id);
    }
    engine_ctr_state_reload(st, out);
    return 0;
}

static int
not_found(const char *name, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                          "no container with name or ID \"%s\" found: no such container", name);
}

int
engine_ctr_load(struct store *st, const char *name_or_id, struct container *out,
                struct pcon_err *err)
{
    char id[65];
    int r = engine_id_resolve(st->root_dfd, st->containers_dfd, name_or_id, id);

    memset(out, 0, sizeof *out);
    if (r == -2)
        return pcon_fail(err, errno, "list containers");
    if (r == -1)
        return pcon_fail(err, 0, "more than one result for container \"%s\"", name_or_id);
    if (r == 0 || load_id(st, id, out, NULL) < 0)
        return not_found(name_or_id, err);
    return 0;
}

static int
cmp_created_desc(const void *a, const void *b)
{
    const struct container *x = a, *y = b;

    return strcmp(y->cfg.created, x->cfg.created);
}

int
engine_ctr_list(struct store *st, struct container **out, size_t *nout, struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(st->containers_dfd);
    struct container *v = NULL;
    struct dirent *de;
    size_t n = 0;

    if (d == NULL)
        return pcon_fail(err, errno, "list containers");
    while ((de = readdir(d)) != NULL) {
        if (!hex64_valid(de->d_name))
            continue;
        v = xrealloc(v, (n + 1) * sizeof *v);
        /* a record being created or removed right now is skipped */
        if (load_id(st, de->d_name, &v[n], NULL) == 0)
            n++;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_created_desc);
    *out = v;
    *nout = n;
    return 0;
}

int
engine_ctr_lock(struct store *st, const char *id, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/lock", id);

    return lock_take(st->containers_dfd, path, true, err);
}

int
engine_ctr_remove_files(struct store *st, const struct container *c, struct pcon_err *err)
{
    cleanup_free char *rundir = engine_ctr_rundir(st, c->cfg.id);

    cleanup_free char *cgroup = c->cfg.cgroups_disabled ? NULL : engine_cgroup_base(NULL);
    cleanup_free char *leaf = engine_ctr_cgroup_leaf(&c->cfg);

    (void) engine_ctr_unmount(st, c, NULL);     /* pcon mount's, if it stayed */
    (void) fs_rm_rf_at(AT_FDCWD, rundir, NULL); /* the run root is rebuilt on start */
    /* its cgroup, if a monitor killed with it left it */
    if (cgroup)
        engine_cgroup_remove(cgroup, leaf);
    if (storage_container_delete(st, c->cfg.id, err) < 0)
        return -1;
    (void) engine_name_release(st->root_dfd, c->cfg.name, c->cfg.id); /* may be gone already */
    engine_ctr_event(st, c, "remove", NULL);
    return 0;
}

void
engine_ctr_event(struct store *st, const struct container *c, const char *status,
                 char *const *attrs)
{
    storage_event(st, "container", status, c->cfg.id, c->cfg.name,
                  c->cfg.image_name ? c->cfg.image_name : "", attrs);
}

char *
engine_ctr_status_human(const struct container *c)
{
    const struct ctr_state *s = &c->state;
    int64_t now = time_now_ns(), t;
    cleanup_free char *ago = NULL;

    switch (s->status) {
    case CTR_CREATED:
        return xstrdup("Created");
    case CTR_STOPPING:
        return xstrdup("Stopping");
    case CTR_STOPPED:
        return xstrdup("Stopped");
    case CTR_INITIALIZED:
        return xstrdup("Initialized");
    case CTR_RUNNING:
    case CTR_PAUSED:
        t = s->started_at ? time_parse_rfc3339(s->started_at) : now;
        ago = time_human_duration(now - t);
        /* podman 4.3's words: "Up 3 seconds ago" */
        return xasprintf("Up %s ago%s", ago, s->status == CTR_PAUSED ? " (Paused)" : "");
    case CTR_EXITED:
        t = s->finished_at ? time_parse_rfc3339(s->finished_at) : now;
        ago = time_human_duration(now - t);
        return xasprintf("Exited (%d) %s ago", s->exit_code, ago);
    }
    return xstrdup("Unknown");
}

int
engine_ctr_config_save(struct store *st, const struct container *c, struct pcon_err *err)
{
    cleanup_free char *json = engine_ctr_config_json(&c->cfg);
    cleanup_close int dfd =
        openat(st->containers_dfd, c->cfg.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

    if (dfd < 0)
        return pcon_fail(err, errno, "open container %.12s", c->cfg.id);
    return fs_write_atomic(dfd, "container.json", json, strlen(json), 0600, true, err);
}

int
engine_ctr_rename(struct store *st, struct container *c, const char *name, struct pcon_err *err)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, err);
    char *reserved = NULL, *old;

    if (lock < 0)
        return -1;
    if (engine_name_reserve(st->root_dfd, name, c->cfg.id, &reserved, err) < 0)
        return -1;
    old = c->cfg.name;
    c->cfg.name = reserved;
    if (engine_ctr_config_save(st, c, err) < 0) {
        (void) engine_name_release(st->root_dfd, reserved, c->cfg.id); /* undo */
        c->cfg.name = old;
        free(reserved);
        return -1;
    }
    (void) engine_name_release(st->root_dfd, old, c->cfg.id); /* the new name is in force */
    free(old);
    return 0;
}

/* another container than g (of v) mounts volume name (--volumes-from) */
static bool
volume_used_elsewhere(const struct container *v, size_t n, const struct ctr_config *g,
                      const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < n; i++)
        for (size_t k = 0;
             strcmp(v[i].cfg.id, g->id) != 0 && v[i].cfg.volumes && v[i].cfg.volumes[k]; k++)
            if (strncmp(v[i].cfg.volumes[k], name, len) == 0 && v[i].cfg.volumes[k][len] == ':')
                return true;
    return false;
}

void
engine_ctr_volumes_release(struct store *st, const struct ctr_config *g)
{
    struct container *all = NULL;
    size_t n = 0;
    bool listed = false;

    for (size_t i = 0; g->volumes && g->volumes[i]; i++) {
        struct volume v;
        struct volume_rec rec;

        if (engine_spec_volume_parse(g->volumes[i], &v, NULL) < 0)
            continue;
        if (v.named && storage_volume_load(st, v.src, &rec, NULL) == 0) {
            /* an anonymous one goes, unless another container has it too
             * (a failure to tell keeps it) */
            if (rec.anonymous && !listed)
                listed = engine_ctr_list(st, &all, &n, NULL) == 0;
            if (rec.anonymous && listed && !volume_used_elsewhere(all, n, g, rec.name))
                (void) storage_volume_remove(st, rec.name, NULL); /* gone already is fine */
            storage_volume_free(&rec);
        }
        engine_spec_volume_free(&v);
    }
    engine_ctr_list_free(all, n);
}

int
engine_passed_fds_check(const struct store *st, unsigned n, struct pcon_err *err)
{
    int fds[] = { st->root_dfd, st->run_dfd, st->layers_dfd, st->images_dfd, st->containers_dfd };

    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 3 && fds[i] < 3 + (int) n)
            return pcon_fail(err, EBADF,
                             "file descriptor %d is pcon's own: --preserve-fds passes the "
                             "caller's only",
                             fds[i]);
    return 0;
}

int
engine_ctr_image(struct store *st, const struct ctr_config *g, struct image *out,
                 struct pcon_err *err)
{
    if (g->rootfs) {
        memset(out, 0, sizeof *out);
        out->layers = xzalloc(sizeof *out->layers);
        return 0;
    }
    return storage_image_lookup(st, g->image_id, out, err);
}

char *
engine_ctr_cgroup_leaf(const struct ctr_config *g)
{
    char *leaf = engine_cgroup_leaf(g->pod_cgroup ? g->pod : NULL, g->id), *in;

    if (g->cgroup_parent == NULL)
        return leaf;
    in = xasprintf("%s/%s", g->cgroup_parent, leaf);
    free(leaf);
    return in;
}
