// SPDX-License-Identifier: Apache-2.0
/* pcon ps */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/health.h"
#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../pod/pod.h"
#include "cmd.h"
#include "ctr_report.h"
#include "format.h"

enum {
    PS_NO_TRUNC = 0x300,
    PS_FORMAT,
    PS_FILTER,
    PS_POD,
    PS_NOHEADING,
    PS_SORT,
    PS_EXTERNAL,
    PS_SYNC,
    PS_NS
};

static const struct cmd_opt ps_opts[] = {
    { 'a', "all", 'a', NULL, "Show all the containers, default is only running containers" },
    { PS_EXTERNAL, "external", 0, NULL,
      "Accepted: every container of pcon's store is pcon's (a build's are not kept)" },
    { PS_FILTER, "filter", 'f', "KEY=VALUE",
      "Filter: name, id, status, ancestor, exited, pod, label, label!, before, since, volume,"
      " network, restart-policy, until, health" },
    { PS_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { 'l', "latest", 'l', NULL, "Show the latest container created" },
    { 'n', "last", 'n', "N", "Show the N last created containers" },
    { PS_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    { PS_NOHEADING, "noheading", 0, NULL, "Do not print headers" },
    { PS_NS, "ns", 0, NULL, "Display the namespaces of the running containers" },
    { PS_POD, "pod", 'p', NULL, "Print the ID and name of the pod the containers are in" },
    { 'q', "quiet", 'q', NULL, "Print the numeric IDs of the containers only" },
    { 's', "size", 's', NULL, "Display the total file sizes" },
    { PS_SORT, "sort", 0, "KEY",
      "Sort by command, created, id, image, names, runningfor, size or status (default created)" },
    { PS_SYNC, "sync", 0, NULL, "Accepted: the state is always checked against the processes" },
    { 'w', "watch", 'w', "SECONDS", "Show the list again every SECONDS" },
    { 0 },
};

static const char *const ps_headers[] = {
    "ID",      "CONTAINER ID", "CreatedHuman", "CREATED", "CreatedAt", "CREATED", "RunningFor",
    "CREATED", "Pod",          "POD ID",       "PodName", "PODNAME",   NULL,
};

/* the name of pod id, from the pods listed once */
static const char *
pod_name_of(struct pod *pods, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(pods[i].cfg.id, id) == 0)
            return pods[i].cfg.name;
    return "";
}

static const char *const filter_keys[] = {
    "name",   "id",    "status", "ancestor", "exited",         "pod",   "label",  "label!",
    "before", "since", "volume", "network",  "restart-policy", "until", "health", NULL,
};

/* ancestor=IMAGE: the image's name, with or without its tag or registry,
 * or its id's prefix */
static bool
ancestor_match(const struct container *c, const char *v)
{
    const char *name = c->cfg.image_name ? c->cfg.image_name : "";
    size_t vl = strlen(v), nl = strlen(name);
    const char *colon = strrchr(name, ':');
    size_t base = colon && !strchr(colon, '/') ? (size_t) (colon - name) : nl;

    if (strcmp(name, v) == 0 || (vl == base && strncmp(name, v, vl) == 0))
        return true;
    if (c->cfg.image_id && vl >= 3 && strncmp(c->cfg.image_id, v, vl) == 0)
        return true;
    /* a short name: "bb" or "bb:latest" for localhost/bb:latest */
    if (strchr(v, '/') == NULL) {
        const char *slash = strrchr(name, '/');
        const char *tail = slash ? slash + 1 : name;
        size_t tl = strlen(tail), tb = tl - (nl - base);
        return strcmp(tail, v) == 0 || (vl == tb && strncmp(tail, v, vl) == 0);
    }
    return false;
}

/* the created time of the container NAME among v, or -1 */
static int64_t
created_of(const struct container *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].cfg.name, name) == 0
            || (strlen(name) >= 3 && strncmp(v[i].cfg.id, name, strlen(name)) == 0))
            return time_parse_rfc3339(v[i].cfg.created);
    return -1;
}

static bool
volume_match(const struct container *c, const char *v)
{
    for (size_t i = 0; c->cfg.volumes && c->cfg.volumes[i]; i++) {
        const char *s = c->cfg.volumes[i], *colon = strchr(s, ':');
        size_t srcl = colon ? (size_t) (colon - s) : strlen(s);
        const char *dst = colon ? colon + 1 : s;
        size_t dstl = strcspn(dst, ":");
        if ((srcl == strlen(v) && strncmp(s, v, srcl) == 0)
            || (dstl == strlen(v) && strncmp(dst, v, dstl) == 0))
            return true;
    }
    return false;
}

bool
cmd_ctr_on_network(const struct container *c, const char *v)
{
    const char *mode = c->cfg.net.mode == NETNS_BRIDGE ? c->cfg.net.target : "";

    for (const char *p = mode; *p;) {
        size_t l = strcspn(p, ",");
        if (l == strlen(v) && strncmp(p, v, l) == 0)
            return true;
        p += l + (p[l] == ',');
    }
    return false;
}

static bool
filter_match(struct store *st, const struct container *c, const char *pod_name, char **filters,
             const struct container *all, size_t nall)
{
    const char *const *keys = filter_keys;

    for (size_t k = 0; keys[k]; k++) {
        size_t kl = strlen(keys[k]);
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *f = filters[i], *v = f + kl + 1;
            if (strncmp(f, keys[k], kl) != 0 || f[kl] != '=')
                continue;
            seen = true;
            if (k == 0)
                any |= strstr(c->cfg.name, v) != NULL;
            else if (k == 1)
                any |= strncmp(c->cfg.id, v, strlen(v)) == 0;
            else if (k == 2)
                any |= strcmp(engine_ctr_status_name(c->state.status), v) == 0;
            else if (k == 3)
                any |= ancestor_match(c, v);
            else if (k == 4)
                any |= c->state.status == CTR_EXITED && c->state.exit_code == atoi(v);
            else if (k == 5) /* a pod by name or id (prefix) */
                any |= c->cfg.pod
                       && (strcmp(pod_name, v) == 0 || strncmp(c->cfg.pod, v, strlen(v)) == 0);
            else if (k == 6)
                any |= cmd_label_match(c->cfg.labels, v);
            else if (k == 7)
                any |= !cmd_label_match(c->cfg.labels, v);
            else if (k == 8 || k == 9) { /* before=, since= a container */
                int64_t t = created_of(all, nall, v), mine = time_parse_rfc3339(c->cfg.created);
                any |= t >= 0 && (k == 8 ? mine < t : mine > t);
            } else if (k == 10)
                any |= volume_match(c, v);
            else if (k == 11)
                any |= cmd_ctr_on_network(c, v);
            else if (k == 12)
                any |= strcmp(engine_restart_name(c->cfg.restart), v) == 0;
            else if (k == 13) { /* until=TIME: created before it */
                int64_t t = time_parse_point(v, time_now_ns());
                any |= t >= 0 && time_parse_rfc3339(c->cfg.created) < t;
            } else { /* health: healthy, unhealthy, starting, or none without a check */
                cleanup_free char *h = engine_ctr_is_active(c) ? engine_health_status(st, c) : NULL;
                any |= strcmp(v, h ? h : "none") == 0;
            }
        }
        if (seen && !any)
            return false;
    }
    return true;
}

bool
cmd_ctr_filter_valid(const char *f)
{
    size_t kl = strcspn(f, "=");

    for (size_t k = 0; filter_keys[k]; k++)
        if (strlen(filter_keys[k]) == kl && strncmp(filter_keys[k], f, kl) == 0)
            return f[kl] == '=';
    return false;
}

int
cmd_ctr_filter_add(const char *arg, char ***filters)
{
    if (!cmd_ctr_filter_valid(arg)) {
        fprintf(stderr, "Error: %.*s is an invalid filter\n", (int) strcspn(arg, "="), arg);
        return PCON_EXIT_ENGINE;
    }
    strv_push(filters, arg);
    return 0;
}

int
cmd_ctr_filter_ids(struct cmd_ctx *ctx, char *const *filters, char ***ids, struct pcon_err *err)
{
    struct container *v = NULL;
    struct pod *pods = NULL;
    size_t n = 0, npods = 0;

    if (cmd_store_open(ctx, err) < 0 || engine_ctr_list(&ctx->st, &v, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && pods == NULL; i++)
        if (v[i].cfg.pod && pod_list(&ctx->st, &pods, &npods, err) < 0) {
            engine_ctr_list_free(v, n);
            return -1;
        }
    for (size_t i = 0; i < n; i++)
        if (!v[i].cfg.infra
            && filter_match(&ctx->st, &v[i], pod_name_of(pods, npods, v[i].cfg.pod),
                            (char **) filters, v, n))
            strv_push(ids, v[i].cfg.id);
    engine_ctr_list_free(v, n);
    pod_list_free(pods, npods);
    return 0;
}

struct ps_args {
    char **filters;
    bool all, quiet, no_trunc, size, pod, noheading, ns;
    const char *fmt, *sort;
    long last;
};

static const char *sort_key;

static int
ps_cmp(const void *a, const void *b)
{
    const struct container *x = *(const struct container *const *) a;
    const struct container *y = *(const struct container *const *) b;
    int r = 0;

    if (strcmp(sort_key, "command") == 0) {
        cleanup_free char *cx = strv_join(x->cfg.args, " "), *cy = strv_join(y->cfg.args, " ");
        r = strcmp(cx, cy);
    } else if (strcmp(sort_key, "id") == 0) {
        r = strcmp(x->cfg.id, y->cfg.id);
    } else if (strcmp(sort_key, "image") == 0) {
        r = strcmp(x->cfg.image_name ? x->cfg.image_name : "",
                   y->cfg.image_name ? y->cfg.image_name : "");
    } else if (strcmp(sort_key, "names") == 0) {
        r = strcmp(x->cfg.name, y->cfg.name);
    } else if (strcmp(sort_key, "status") == 0) {
        r = strcmp(engine_ctr_status_name(x->state.status),
                   engine_ctr_status_name(y->state.status));
    }
    /* created, runningfor, size, and ties: oldest first, as podman lists them */
    return r ? r : strcmp(x->cfg.created, y->cfg.created);
}

/* --ns: the inode of each namespace of its init, as podman shows them */
static char *
ns_row(const struct container *c)
{
    static const char *const kinds[] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts" };
    static const char *const keys[] = { "Cgroupns", "IPC", "MNT", "NET", "PIDNS", "UserNS", "UTS" };
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char shortid[13];

    snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "ID", shortid));
    JG(json_gen_kv_str(g, "Names", c->cfg.name));
    JG(json_gen_kv_int(g, "PID", engine_ctr_is_active(c) ? c->state.pid : 0));
    for (size_t i = 0; i < 7; i++) {
        char path[64], link[128] = "";
        const char *open_br;
        ssize_t n;
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) c->state.pid, kinds[i]);
        n = engine_ctr_is_active(c) ? readlink(path, link, sizeof link - 1) : -1;
        link[n > 0 ? n : 0] = '\0';
        open_br = strchr(link, '[');
        if (open_br) {
            char num[32];
            snprintf(num, sizeof num, "%.*s", (int) strcspn(open_br + 1, "]"), open_br + 1);
            JG(json_gen_kv_str(g, keys[i], num));
        } else {
            JG(json_gen_kv_str(g, keys[i], ""));
        }
    }
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
ps_once(struct cmd_ctx *ctx, const struct ps_args *a)
{
    static const char *const ns_headers[] = { "ID",    "CONTAINER ID", "Names",    "NAMES", "PID",
                                              "PID",   "Cgroupns",     "CGROUPNS", "IPC",   "IPC",
                                              "MNT",   "MNT",          "NET",      "NET",   "PIDNS",
                                              "PIDNS", "UserNS",       "USERNS",   "UTS",   "UTS",
                                              NULL };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **rows = NULL;
    cleanup_free char *table = NULL;
    struct pod *pods = NULL;
    size_t npods = 0;
    const char *fmt = a->fmt;
    struct container *v = NULL;
    cleanup_free const struct container **sel = NULL;
    size_t n = 0, nsel = 0;
    bool status_filter = false;
    int r;

    for (size_t i = 0; a->filters && a->filters[i]; i++)
        status_filter |= strncmp(a->filters[i], "status=", 7) == 0;
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < n && pods == NULL; i++)
        if (v[i].cfg.pod && pod_list(&ctx->st, &pods, &npods, &err) < 0) {
            engine_ctr_list_free(v, n);
            return cmd_report(&err);
        }
    /* chosen newest first (--last N: the N newest), shown sorted */
    sel = xzalloc((n ? n : 1) * sizeof *sel);
    for (size_t i = 0; i < n; i++) {
        const struct container *c = &v[i];
        /* as podman: only running ones without -a, unless a status is asked */
        if (!a->all && a->last < 0
            && (!engine_ctr_is_active(c) || c->state.status == CTR_INITIALIZED) && !status_filter)
            continue;
        if (!filter_match(&ctx->st, c, pod_name_of(pods, npods, c->cfg.pod), a->filters, v, n))
            continue;
        if (a->last >= 0 && (long) nsel >= a->last)
            break;
        sel[nsel++] = c;
    }
    sort_key = a->sort ? a->sort : "created";
    if (nsel > 1)
        qsort(sel, nsel, sizeof *sel, ps_cmp);
    for (size_t i = 0; i < nsel; i++) {
        const struct container *c = sel[i];
        if (a->quiet)
            printf("%.*s\n", a->no_trunc ? 64 : 12, c->cfg.id);
        else if (a->ns)
            strv_push_take(&rows, ns_row(c));
        else
            strv_push_take(
                &rows, cmd_ctr_report_ps(&ctx->st, c, pod_name_of(pods, npods, c->cfg.pod),
                                         !(fmt && strcmp(fmt, "json") == 0), a->no_trunc, a->size));
    }
    engine_ctr_list_free(v, n);
    pod_list_free(pods, npods);
    if (a->quiet)
        return 0;
    if (fmt == NULL && a->ns) {
        fmt = "table {{.ID}}\t{{.Names}}\t{{.PID}}\t{{.Cgroupns}}\t{{.IPC}}\t{{.MNT}}\t{{.NET}}"
              "\t{{.PIDNS}}\t{{.UserNS}}\t{{.UTS}}";
    } else if (fmt == NULL) {
        table =
            xasprintf("table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.CreatedHuman}}"
                      "\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}%s%s",
                      a->size ? "\\t{{.Size}}" : "", a->pod ? "\\t{{.Pod}}\\t{{.PodName}}" : "");
        fmt = table;
    }
    if (a->noheading)
        fmt = cmd_format_no_table(fmt);
    r = cmd_format_print(fmt, rows, a->ns ? ns_headers : ps_headers, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

static int
cmd_ps(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const sorts[] = { "command",    "created", "id",     "image", "names",
                                         "runningfor", "size",    "status", NULL };
    cleanup_strv char **filters = NULL;
    struct ps_args a = { .last = -1 };
    long watch = 0;
    char *arg, *end;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_ps_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            a.all = cmd_flag_value(arg);
            break;
        case PS_FILTER:
            if (!cmd_ctr_filter_valid(arg)) {
                fprintf(stderr, "Error: %.*s is an invalid filter\n", (int) strcspn(arg, "="), arg);
                return PCON_EXIT_ENGINE;
            }
            strv_push(&filters, arg);
            break;
        case PS_FORMAT:
            a.fmt = arg;
            break;
        case 'l':
            a.last = 1;
            break;
        case 'n':
            a.last = strtol(arg, &end, 10);
            if (*end != '\0' || a.last < 0)
                return cmd_usage_error(&cmd_ps_def, "invalid value \"%s\" for --last", arg);
            break;
        case PS_NO_TRUNC:
            a.no_trunc = cmd_flag_value(arg);
            break;
        case PS_NOHEADING:
            a.noheading = cmd_flag_value(arg);
            break;
        case PS_NS:
            a.ns = cmd_flag_value(arg);
            break;
        case PS_POD:
            a.pod = cmd_flag_value(arg);
            break;
        case 'q':
            a.quiet = cmd_flag_value(arg);
            break;
        case 's':
            a.size = cmd_flag_value(arg);
            break;
        case PS_SORT: {
            bool known = false;
            for (size_t k = 0; sorts[k]; k++)
                known |= strcmp(sorts[k], arg) == 0;
            if (!known)
                return cmd_usage_error(&cmd_ps_def,
                                       "invalid argument \"%s\" for \"--sort\" flag: command,"
                                       " created, id, image, names, runningfor, size, status",
                                       arg);
            a.sort = arg;
            break;
        }
        case 'w':
            watch = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || watch < 0)
                return cmd_usage_error(&cmd_ps_def, "invalid value \"%s\" for --watch", arg);
            break;
        case PS_EXTERNAL:
        case PS_SYNC:
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon ps` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    if (watch > 0 && (a.quiet || (a.fmt && strcmp(a.fmt, "json") == 0)))
        return cmd_usage_error(&cmd_ps_def, "--watch cannot be used with --quiet or json");
    a.filters = filters;
    if (watch == 0)
        return ps_once(ctx, &a);
    for (;;) {
        /* as podman: the screen cleared, the list drawn again */
        printf("\033[H\033[2J");
        if ((code = ps_once(ctx, &a)) != 0)
            return code;
        fflush(stdout);
        sleep((unsigned) watch);
    }
}

const struct cmd_def cmd_ps_def = {
    "ps", cmd_ps, "List containers", "[options]", ps_opts,
};
