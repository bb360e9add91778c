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

static const struct cmd_opt port_opts[] = {
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_port(struct cmd_ctx *ctx, int argc, char **argv)
{
    bool latest = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_port_def, argc, argv, &arg)) != -1) {
        if (opt != 'l')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        latest = true;
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
