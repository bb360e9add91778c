// SPDX-License-Identifier: Apache-2.0
/* pcon port: the published ports of a container */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

/* podman's lines: "80/tcp -> 0.0.0.0:8080", all or those of PRIVATE_PORT
 * ("80" or "80/tcp") */
static int
port_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    const char *want = opaque;
    cleanup_free struct netns_port *v = NULL;
    size_t n;
    bool shown = false;

    (void) ctx;
    (void) name;
    engine_ctr_ports(&c->cfg, &v, &n);
    netns_ports_sort(v, n); /* in the order ps shows them */
    for (size_t i = 0; i < n; i++) {
        char key[16];
        snprintf(key, sizeof key, "%u/%s", v[i].ctr_port, v[i].udp ? "udp" : "tcp");
        if (want && strcmp(want, key) != 0
            && !(strchr(want, '/') == NULL && strtoul(want, NULL, 10) == v[i].ctr_port
                 && !v[i].udp))
            continue;
        if (want) {
            /* podman: only where it is published */
            const char *ip = v[i].host_ip[0] ? v[i].host_ip : "0.0.0.0";
            printf("%s:%u\n", ip, v[i].host_port); /* an IPv6 one bare, as podman */
        } else {
            cleanup_free char *line = netns_port_line(&v[i]);
            printf("%s\n", line);
        }
        shown = true;
    }
    if (want && !shown)
        return pcon_fail(err, 0, "failed to find published port \"%s\"", want);
    return 0;
}

/* port --all: every container's, each line after its short id */
static int
port_all(struct cmd_ctx *ctx)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *c = NULL;
    size_t n = 0;

    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &c, &n, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < n; i++) {
        cleanup_free struct netns_port *v = NULL;
        size_t np;
        if (!engine_ctr_is_active(&c[i]))
            continue; /* as podman: the running ones */
        engine_ctr_ports(&c[i].cfg, &v, &np);
        netns_ports_sort(v, np);
        for (size_t k = 0; k < np; k++) {
            cleanup_free char *line = netns_port_line(&v[k]);
            printf("%.12s\t%s\n", c[i].cfg.id, line);
        }
    }
    engine_ctr_list_free(c, n);
    return 0;
}

static const struct cmd_opt port_opts[] = {
    { 'a', "all", 'a', NULL, "Display the published ports of every running container" },
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_port(struct cmd_ctx *ctx, int argc, char **argv)
{
    bool latest = false, all = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_port_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (all) {
        if (argc - optind > 0 || latest)
            return cmd_usage_error(&cmd_port_def, "the --all and --latest options or a container "
                                                  "cannot be given together");
        return port_all(ctx);
    }
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    if (argc - optind < 1)
        return cmd_usage_error(&cmd_port_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, (char *[]){ argv[optind], NULL }, false, false, PCON_EXIT_ENGINE,
                              port_one, argc - optind > 1 ? argv[optind + 1] : NULL);
}

const struct cmd_def cmd_port_def = {
    "port",
    cmd_port,
    "List the published ports of a container",
    "[options] CONTAINER [PRIVATE_PORT]",
    port_opts,
};
