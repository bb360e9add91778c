// SPDX-License-Identifier: Apache-2.0
/* pcon stats (the figures of running containers, from their cgroups) and
 * pcon update (their limits, changed while they run). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "../engine/cgroup.h"
#include "../engine/container.h"
#include "../pod/pod.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "cmd.h"
#include "ctr_opts.h"
#include "format.h"

enum { STATS_NO_STREAM = 0x300, STATS_FORMAT, STATS_NO_RESET, STATS_INTERVAL, STATS_NO_TRUNC };

static const struct cmd_opt stats_opts[] = {
    { 'a', "all", 'a', NULL, "Show all containers (only running ones have figures)" },
    { STATS_FORMAT, "format", 0, "FORMAT", "Go template or json" },
    { 'i', "interval", 'i', "SECONDS", "Seconds between updates (default 5)" },
    { STATS_NO_RESET, "no-reset", 0, NULL, "Do not clear the screen between updates" },
    { STATS_NO_STREAM, "no-stream", 0, NULL, "Print the figures once" },
    { STATS_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the ids" },
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static const struct cmd_opt pod_stats_opts[] = {
    { 'a', "all", 'a', NULL, "Show all pods" },
    { STATS_FORMAT, "format", 0, "FORMAT", "Go template or json" },
    { STATS_NO_RESET, "no-reset", 0, NULL, "Do not clear the screen between updates" },
    { STATS_NO_STREAM, "no-stream", 0, NULL, "Print the figures once" },
    CMD_LATEST_POD_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static bool stats_no_trunc; /* --no-trunc: the ID column's ids whole */

static const char *const stats_headers[] = {
    "ID",      "ID",       "Name",     "NAME",
    "CPUPerc", "CPU %",    "MemUsage", "MEM USAGE / LIMIT",
    "MemPerc", "MEM %",    "NetIO",    "NET IO",
    "BlockIO", "BLOCK IO", "PIDs",     "PIDS",
    "CPU",     "CPU TIME", "AvgCPU",   "AVG CPU %",
    NULL,
};

/* podman's sizes here: three significant digits, no space ("1.25MB") */
static char *
size_text(uint64_t b)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
    double v = (double) b;
    int u = 0;

    while (v >= 1000 && u < 5) {
        v /= 1000;
        u++;
    }
    return xasprintf("%.3g%s", v, units[u]);
}

/* Go's time.Duration text, as podman prints CPU TIME */
static char *
duration_text(uint64_t usec)
{
    if (usec < 1000)
        return xasprintf("%" PRIu64 "µs", usec);
    if (usec < 1000000)
        return xasprintf("%.6gms", (double) usec / 1000);
    if (usec < 60000000)
        return xasprintf("%.9gs", (double) usec / 1e6);
    return xasprintf("%" PRIu64 "m%.9gs", usec / 60000000, (double) (usec % 60000000) / 1e6);
}

static void
net_io(pid_t pid, uint64_t *rx, uint64_t *tx)
{
    char path[64];
    cleanup_free char *text = NULL;
    char *save = NULL;

    *rx = *tx = 0;
    snprintf(path, sizeof path, "/proc/%d/net/dev", (int) pid);
    text = fs_read_all(AT_FDCWD, path, 1 << 16, NULL, NULL);
    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        char name[64];
        unsigned long long r, t, skip;
        if (sscanf(l, " %63[^:]: %llu %llu %llu %llu %llu %llu %llu %llu %llu", name, &r, &skip,
                   &skip, &skip, &skip, &skip, &skip, &skip, &t)
                != 10
            || strcmp(name, "lo") == 0)
            continue;
        *rx += r;
        *tx += t;
    }
}

struct sample {
    uint64_t cpu_usec;
    int64_t at_ns;
};

/* one container's figures as a template document (podman's field names)
 * or, for json, podman's json keys */
static char *
stats_doc(const char *base, const struct container *c, struct sample *prev, bool json,
          const char *pod)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    struct cgroup_stats s = { 0 };
    struct pcon_err err = { 0 };
    bool running = engine_ctr_is_active(c) && c->state.pid > 0;
    cleanup_free char *leaf = engine_ctr_cgroup_leaf(&c->cfg);
    bool have = running && engine_cgroup_read(base, leaf, &s, &err) == 0;
    struct sysinfo si;
    uint64_t limit = s.mem_max, rx = 0, tx = 0;
    int64_t now = time_now_ns(), started = 0;
    double cpu = 0, avg = 0, memp = 0;
    cleanup_free char *mem = NULL, *netio = NULL, *blkio = NULL, *cputime = NULL;
    char cpus[32], avgs[32], mems[32], pids[32], shortid[13];

    pcon_err_clear(&err);
    if (limit == 0 && sysinfo(&si) == 0)
        limit = (uint64_t) si.totalram * si.mem_unit;
    if (have) {
        cleanup_free char *a = size_text(s.mem_current), *b = size_text(limit);
        cleanup_free char *r = NULL, *t = NULL, *ir = size_text(s.io_read),
                          *iw = size_text(s.io_write);
        net_io(c->state.pid, &rx, &tx);
        r = size_text(rx);
        t = size_text(tx);
        mem = xasprintf("%s / %s", a, b);
        netio = xasprintf("%s / %s", r, t);
        blkio = xasprintf("%s / %s", ir, iw);
        cputime = duration_text(s.cpu_usec);
        if (c->state.started_at && (started = time_parse_rfc3339(c->state.started_at)) > 0
            && now > started)
            avg = (double) s.cpu_usec * 1000.0 * 100.0 / (double) (now - started);
        cpu = avg;
        if (prev->at_ns > 0 && now > prev->at_ns && s.cpu_usec >= prev->cpu_usec)
            cpu = (double) (s.cpu_usec - prev->cpu_usec) * 1000.0 * 100.0
                  / (double) (now - prev->at_ns);
        prev->cpu_usec = s.cpu_usec;
        prev->at_ns = now;
        memp = limit ? (double) s.mem_current * 100.0 / (double) limit : 0;
    }
    snprintf(cpus, sizeof cpus, have ? "%.2f%%" : "--", cpu);
    snprintf(avgs, sizeof avgs, have ? "%.2f%%" : "--", avg);
    snprintf(mems, sizeof mems, have ? "%.2f%%" : "--", memp);
    snprintf(pids, sizeof pids, have ? "%" PRIu64 : "--", s.pids);
    snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
    JG(yajl_gen_map_open(g));
    if (pod) {
        char podid[13];
        snprintf(podid, sizeof podid, "%.12s", pod);
        JG(json_gen_kv_str(g, json ? "pod" : "Pod", podid));
        JG(json_gen_kv_str(g, json ? "cid" : "CID", shortid));
    }
    JG(json_gen_kv_str(g, json ? "id" : "ID", stats_no_trunc ? c->cfg.id : shortid));
    JG(json_gen_kv_str(g, json ? "name" : "Name", c->cfg.name));
    JG(json_gen_kv_str(g, json ? "cpu_time" : "CPU", have ? cputime : "--"));
    JG(json_gen_kv_str(g, json ? "cpu_percent" : "CPUPerc", cpus));
    JG(json_gen_kv_str(g, json ? "avg_cpu" : "AvgCPU", avgs));
    JG(json_gen_kv_str(g, json ? "mem_usage" : "MemUsage", have ? mem : "-- / --"));
    JG(json_gen_kv_str(g, json ? "mem_percent" : "MemPerc", mems));
    JG(json_gen_kv_str(g, json ? "net_io" : "NetIO", have ? netio : "-- / --"));
    JG(json_gen_kv_str(g, json ? "block_io" : "BlockIO", have ? blkio : "-- / --"));
    JG(json_gen_kv_str(g, json ? "pids" : "PIDs", pids));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static volatile sig_atomic_t stats_stop;

static void
stats_on_signal(int sig)
{
    (void) sig;
    stats_stop = 1;
}

static int
cmd_stats(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *why = NULL, *base = NULL;
    const char *fmt = "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t"
                      "{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}\\t{{.CPU}}\\t{{.AvgCPU}}";
    bool all = false, no_stream = false, no_reset = false, latest = false;
    struct sample *prev = NULL;
    size_t nprev = 0;
    long interval = 5;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_stats_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            all = cmd_flag_value(arg);
            break;
        case STATS_FORMAT:
            fmt = arg;
            break;
        case 'i': {
            char *end;
            interval = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || interval < 1)
                return cmd_usage_error(&cmd_stats_def, "invalid interval \"%s\"", arg);
            break;
        }
        case STATS_NO_RESET:
            no_reset = cmd_flag_value(arg);
            break;
        case STATS_NO_STREAM:
            no_stream = cmd_flag_value(arg);
            break;
        case STATS_NO_TRUNC:
            stats_no_trunc = cmd_flag_value(arg);
            break;
        case 'l':
            latest = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    base = engine_cgroup_base(&why);
    if (base == NULL) {
        pcon_fail(&err, 0, "stats is not supported in rootless mode without cgroups v2%s%s",
                  strcmp(why, "cgroups v1") ? ": " : "", strcmp(why, "cgroups v1") ? why : "");
        return cmd_report(&err);
    }
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    signal(SIGINT, stats_on_signal);
    signal(SIGTERM, stats_on_signal);
    for (;;) {
        cleanup_strv char **docs = NULL;
        struct container *v = NULL;
        size_t n = 0;
        bool json = strcmp(fmt, "json") == 0;

        if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        if (nprev < n) {
            prev = xrealloc(prev, n * sizeof *prev);
            memset(prev + nprev, 0, (n - nprev) * sizeof *prev);
            nprev = n;
        }
        for (size_t i = 0; i < n; i++) {
            bool named = optind >= argc;
            for (int k = optind; k < argc && !named; k++)
                named = strcmp(argv[k], v[i].cfg.name) == 0
                        || strncmp(v[i].cfg.id, argv[k], strlen(argv[k])) == 0;
            if (!named || (!all && optind >= argc && !engine_ctr_is_active(&v[i])))
                continue;
            strv_push_take(&docs, stats_doc(base, &v[i], &prev[i], json, NULL));
        }
        engine_ctr_list_free(v, n);
        if (!no_stream && !no_reset && !json)
            fputs("\033[2J\033[H", stdout);
        if (docs == NULL && json)
            printf("[]\n");
        else if ((docs || strncmp(fmt, "table", 5) == 0)
                 && cmd_format_print(fmt, docs, stats_headers, &err) < 0) {
            code = cmd_report(&err);
            break;
        }
        fflush(stdout);
        if (no_stream || stats_stop)
            break;
        for (long s = 0; s < interval * 10 && !stats_stop; s++)
            usleep(100000);
        if (stats_stop)
            break;
    }
    free(prev);
    return code;
}

const struct cmd_def cmd_stats_def = {
    "stats",
    cmd_stats,
    "Display a live stream of container resource usage statistics",
    "[options] [CONTAINER...]",
    stats_opts,
};

/* --- pod stats ---------------------------------------------------------------- */

static const char *const pod_stats_headers[] = {
    "Pod",      "POD",     "CID",   "CID",      "Name",
    "NAME",     "CPUPerc", "CPU %", "MemUsage", "MEM USAGE/ LIMIT",
    "MemPerc",  "MEM %",   "NetIO", "NET IO",   "BlockIO",
    "BLOCK IO", "PIDs",    "PIDS",  NULL,
};

static int
cmd_pod_stats(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *why = NULL, *base = NULL;
    cleanup_strv char **docs = NULL;
    const char *fmt = "table {{.Pod}}\\t{{.CID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t"
                      "{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";
    struct pod *pods = NULL;
    size_t npods = 0;
    bool all = false, latest = false;
    char *arg;
    int opt, r = 0;

    while ((opt = cmd_getopt(&cmd_pod_stats_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            all = cmd_flag_value(arg);
            break;
        case 'l':
            latest = cmd_flag_value(arg);
            break;
        case STATS_FORMAT:
            fmt = arg;
            break;
        case STATS_NO_STREAM:
        case STATS_NO_RESET:
            break; /* one reading: pod stats streams not */
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (opt = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0)
        return opt;
    base = engine_cgroup_base(&why);
    if (base == NULL) {
        pcon_fail(&err, 0, "stats is not supported in rootless mode without cgroups v2%s%s",
                  strcmp(why, "cgroups v1") ? ": " : "", strcmp(why, "cgroups v1") ? why : "");
        return cmd_report(&err);
    }
    if (cmd_store_open(ctx, &err) < 0 || pod_list(&ctx->st, &pods, &npods, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < npods && r == 0; i++) {
        bool named = optind >= argc && (all || true);
        struct container *v = NULL;
        size_t n = 0;
        for (int k = optind; k < argc && !named; k++)
            named = strcmp(argv[k], pods[i].cfg.name) == 0
                    || strncmp(pods[i].cfg.id, argv[k], strlen(argv[k])) == 0;
        if (!named)
            continue;
        r = pod_containers(&ctx->st, &pods[i], &v, &n, &err);
        for (size_t k = 0; r == 0 && k < n; k++) {
            struct sample s = { 0 };
            if (engine_ctr_is_active(&v[k]))
                strv_push_take(
                    &docs, stats_doc(base, &v[k], &s, strcmp(fmt, "json") == 0, pods[i].cfg.id));
        }
        engine_ctr_list_free(v, n);
    }
    pod_list_free(pods, npods);
    if (r < 0)
        return cmd_report(&err);
    if (docs == NULL && strcmp(fmt, "json") == 0) {
        printf("[]\n");
        return 0;
    }
    if ((docs || strncmp(fmt, "table", 5) == 0)
        && cmd_format_print(fmt, docs, pod_stats_headers, &err) < 0)
        return cmd_report(&err);
    return 0;
}

const struct cmd_def cmd_pod_stats_def = {
    "pod stats",
    cmd_pod_stats,
    "Display a live stream of resource usage statistics of pods",
    "[options] [POD...]",
    pod_stats_opts,
};

/* --- update ------------------------------------------------------------------ */

static const struct cmd_opt update_opts[] = {
    { 'm', "memory", 'm', "SIZE", "Memory limit" },
    { CO_MEMORY_SWAP, "memory-swap", 0, "SIZE", "Memory plus swap limit (-1: unlimited)" },
    { CO_MEMORY_RESERVATION, "memory-reservation", 0, "SIZE", "Memory soft limit" },
    { CO_CPUS, "cpus", 0, "N", "Number of CPUs" },
    { 'c', "cpu-shares", 'c', "N", "CPU shares (relative weight)" },
    { CO_CPU_QUOTA, "cpu-quota", 0, "USEC", "CPU CFS quota per period" },
    { CO_CPU_PERIOD, "cpu-period", 0, "USEC", "CPU CFS period" },
    { CO_CPUSET_CPUS, "cpuset-cpus", 0, "LIST", "CPUs it may run on" },
    { CO_CPUSET_MEMS, "cpuset-mems", 0, "LIST", "Memory nodes it may use" },
    { CO_PIDS_LIMIT, "pids-limit", 0, "N", "Process limit (-1: unlimited)" },
    { CO_BLKIO_WEIGHT, "blkio-weight", 0, "N", "Block IO weight (10 to 1000)" },
    CGROUP_MORE_OPTS,
    { 0, NULL, 0, NULL, NULL },
};

/* the entry of *rec whose first n fields are those of one in ask
 * replaced by ask's, in place; one that has none added */
static void
entries_merge(char ***rec, char *const *ask, int n)
{
    for (size_t i = 0; ask && ask[i]; i++) {
        size_t keylen = 0, k;
        for (int f = 0; f < n; f++)
            keylen += strcspn(ask[i] + keylen, " ") + 1;
        for (k = 0; *rec && (*rec)[k] && strncmp((*rec)[k], ask[i], keylen) != 0; k++)
            ;
        if (*rec && (*rec)[k]) {
            free((*rec)[k]);
            (*rec)[k] = xstrdup(ask[i]);
        } else
            strv_push(rec, ask[i]);
    }
}

/* the asked limits over the recorded ones */
static void
limits_merge(struct cgroup_limits *rec, const struct cgroup_limits *ask)
{
    if (ask->memory)
        rec->memory = ask->memory;
    if (ask->memory_swap)
        rec->memory_swap = ask->memory_swap;
    if (ask->memory_reservation)
        rec->memory_reservation = ask->memory_reservation;
    if (ask->cpu_quota)
        rec->cpu_quota = ask->cpu_quota;
    if (ask->cpu_period)
        rec->cpu_period = ask->cpu_period;
    if (ask->cpu_shares)
        rec->cpu_shares = ask->cpu_shares;
    if (ask->pids_limit)
        rec->pids_limit = ask->pids_limit;
    if (ask->blkio_weight)
        rec->blkio_weight = ask->blkio_weight;
    if (ask->cpuset_cpus) {
        free(rec->cpuset_cpus);
        rec->cpuset_cpus = xstrdup(ask->cpuset_cpus);
    }
    if (ask->cpuset_mems) {
        free(rec->cpuset_mems);
        rec->cpuset_mems = xstrdup(ask->cpuset_mems);
    }
    /* a device's limit of one kind: the new one (kind, path, numbers) */
    entries_merge(&rec->io_max, ask->io_max, 3);
    entries_merge(&rec->io_weights, ask->io_weights, 2);
    if (ask->swappiness_set) {
        rec->swappiness_set = true;
        rec->memory_swappiness = ask->memory_swappiness;
    }
    if (ask->cpu_rt_period)
        rec->cpu_rt_period = ask->cpu_rt_period;
    if (ask->cpu_rt_runtime)
        rec->cpu_rt_runtime = ask->cpu_rt_runtime;
}

static int
cmd_update(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *why = NULL, *base = NULL;
    struct create_args a = { 0 };
    struct container c;
    cleanup_close int lock = -1;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_update_def, argc, argv, &arg)) != -1) {
        if (opt == CMD_OPT_HELP)
            return 0;
        r = cmd_create_opt(&a, opt, arg, &err);
        if (r <= 0) {
            cmd_create_args_free(&a);
            return r < 0 ? cmd_report(&err) : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind != 1) {
        cmd_create_args_free(&a);
        return cmd_usage_error(&cmd_update_def, "requires exactly 1 arg(s), only received %d",
                               argc - optind);
    }
    if (!engine_cgroup_limits_any(&a.o.limits)) {
        cmd_create_args_free(&a);
        return cmd_usage_error(&cmd_update_def, "no resource limit to update was given");
    }
    if (engine_cgroup_limits_check(&a.o.limits, &err) < 0) {
        cmd_create_args_free(&a);
        return cmd_report(&err);
    }
    base = engine_cgroup_base(&why);
    if (base == NULL) {
        cmd_create_args_free(&a);
        pcon_fail(&err, 0,
                  "updating resource limits is not supported in rootless mode without "
                  "cgroups v2%s%s",
                  strcmp(why, "cgroups v1") ? ": " : "", strcmp(why, "cgroups v1") ? why : "");
        return cmd_report(&err);
    }
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0) {
        cmd_create_args_free(&a);
        return cmd_report(&err);
    }
    lock = engine_ctr_lock(&ctx->st, c.cfg.id, &err);
    r = lock < 0 ? -1 : 0;
    if (r == 0) {
        limits_merge(&c.cfg.limits, &a.o.limits);
        r = engine_cgroup_limits_check(&c.cfg.limits, &err);
    }
    /* the running container's cgroup first: the record says what it has */
    if (r == 0 && engine_ctr_is_active(&c)) {
        cleanup_free char *leaf = engine_ctr_cgroup_leaf(&c.cfg);
        r = engine_cgroup_apply(base, leaf, &c.cfg.limits, &err);
    }
    if (r == 0)
        r = engine_ctr_config_save(&ctx->st, &c, &err);
    if (r == 0)
        printf("%s\n", c.cfg.id);
    engine_ctr_free(&c);
    cmd_create_args_free(&a);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_update_def = {
    "update",    cmd_update, "Update the resource limits of a container", "[options] CONTAINER",
    update_opts,
};
