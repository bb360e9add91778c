// SPDX-License-Identifier: Apache-2.0
/* pcon ps */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../pod/pod.h"
#include "cmd.h"
#include "ctr_report.h"
#include "format.h"

enum { PS_NO_TRUNC = 0x300, PS_FORMAT, PS_FILTER, PS_POD };

static const struct cmd_opt ps_opts[] = {
    { 'a', "all", 'a', NULL, "Show all the containers, default is only running containers" },
    { PS_FILTER, "filter", 'f', "KEY=VALUE",
      "Filter: name, id, status, ancestor, exited, pod, label" },
    { PS_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { 'l', "latest", 'l', NULL, "Show the latest container created" },
    { 'n', "last", 'n', "N", "Show the N last created containers" },
    { PS_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    { PS_POD, "pod", 'p', NULL, "Print the ID and name of the pod the containers are in" },
    { 'q', "quiet", 'q', NULL, "Print the numeric IDs of the containers only" },
    { 's', "size", 's', NULL, "Display the total file sizes" },
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

static bool
filter_match(const struct container *c, const char *pod_name, char **filters)
{
    static const char *const keys[] = { "name",   "id",  "status", "ancestor",
                                        "exited", "pod", "label",  NULL };

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
                any |= strcmp(c->cfg.image_name, v) == 0
                       || strncmp(c->cfg.image_id, v, strlen(v)) == 0
                       || (strchr(v, '/') == NULL && strstr(c->cfg.image_name, v) != NULL);
            else if (k == 4)
                any |= c->state.status == CTR_EXITED && c->state.exit_code == atoi(v);
            else if (k == 5) /* a pod by name or id (prefix) */
                any |= c->cfg.pod
                       && (strcmp(pod_name, v) == 0 || strncmp(c->cfg.pod, v, strlen(v)) == 0);
            else
                any |= cmd_label_match(c->cfg.labels, v);
        }
        if (seen && !any)
            return false;
    }
    return true;
}

static int
cmd_ps(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL;
    cleanup_strv char **rows = NULL;
    bool all = false, quiet = false, no_trunc = false, size = false, pod = false;
    bool status_filter = false;
    cleanup_free char *table = NULL;
    struct pod *pods = NULL;
    size_t npods = 0;
    const char *fmt = NULL;
    struct container *v = NULL;
    size_t n = 0;
    long last = -1;
    char *arg, *end;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_ps_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            all = cmd_flag_value(arg);
            break;
        case PS_FILTER:
            if (strchr(arg, '=') == NULL)
                return cmd_usage_error(&cmd_ps_def, "invalid filter \"%s\"", arg);
            strv_push(&filters, arg);
            break;
        case PS_FORMAT:
            fmt = arg;
            break;
        case 'l':
            last = 1;
            break;
        case 'n':
            last = strtol(arg, &end, 10);
            if (*end != '\0' || last < 0)
                return cmd_usage_error(&cmd_ps_def, "invalid value \"%s\" for --last", arg);
            break;
        case PS_NO_TRUNC:
            no_trunc = cmd_flag_value(arg);
            break;
        case PS_POD:
            pod = cmd_flag_value(arg);
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        case 's':
            size = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_ps_def, "accepts no arguments");
    for (size_t i = 0; filters && filters[i]; i++)
        status_filter |= strncmp(filters[i], "status=", 7) == 0;
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < n && pods == NULL; i++)
        if (v[i].cfg.pod && pod_list(&ctx->st, &pods, &npods, &err) < 0) {
            engine_ctr_list_free(v, n);
            return cmd_report(&err);
        }
    for (size_t i = 0, shown = 0; i < n; i++) {
        const struct container *c = &v[i];
        /* as podman: only running ones without -a, unless a status is asked */
        if (!all && last < 0 && !engine_ctr_is_active(c) && !status_filter)
            continue;
        if (!filter_match(c, pod_name_of(pods, npods, c->cfg.pod), filters))
            continue;
        if (last >= 0 && (long) shown >= last)
            break;
        shown++;
        if (quiet)
            printf("%.*s\n", no_trunc ? 64 : 12, c->cfg.id);
        else
            strv_push_take(&rows,
                           cmd_ctr_report_ps(&ctx->st, c, pod_name_of(pods, npods, c->cfg.pod),
                                             !(fmt && strcmp(fmt, "json") == 0), no_trunc, size));
    }
    engine_ctr_list_free(v, n);
    pod_list_free(pods, npods);
    if (quiet)
        return 0;
    if (fmt == NULL) {
        table = xasprintf("table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.CreatedHuman}}"
                          "\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}%s%s",
                          size ? "\\t{{.Size}}" : "", pod ? "\\t{{.Pod}}\\t{{.PodName}}" : "");
        fmt = table;
    }
    r = cmd_format_print(fmt, rows, ps_headers, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_ps_def = {
    "ps", cmd_ps, "List containers", "[options]", ps_opts,
};
