// SPDX-License-Identifier: Apache-2.0
/* pcon port: the published ports of a container */
#include <unistd.h>

#include "../engine/container.h"
#include "cmd.h"

static int
port_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    (void) ctx;
    (void) c;
    (void) name;
    (void) opaque;
    (void) err;
    return 0; /* no published ports: networking is none or host */
}

static int
cmd_port(struct cmd_ctx *ctx, int argc, char **argv)
{
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_port_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind < 1)
        return cmd_usage_error(&cmd_port_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, (char *[]){ argv[optind], NULL }, false, false, PCON_EXIT_ENGINE,
                              port_one, NULL);
}

const struct cmd_def cmd_port_def = {
    "port", cmd_port, "List the published ports of a container", "CONTAINER [PRIVATE_PORT]", NULL,
};
