// SPDX-License-Identifier: Apache-2.0
/* pcon wait */
#include <stdio.h>

#include "../engine/container.h"
#include "cmd.h"

static int
wait_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    (void) name;
    (void) opaque;
    (void) err; /* waiting cannot fail */
    printf("%d\n", engine_ctr_wait(&ctx->st, c));
    fflush(stdout);
    return 0;
}

static int
cmd_wait(struct cmd_ctx *ctx, int argc, char **argv)
{
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_wait_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (optind >= argc)
        return cmd_usage_error(&cmd_wait_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, wait_one, NULL);
}

const struct cmd_def cmd_wait_def = {
    "wait",
    cmd_wait,
    "Block on one or more containers and print their exit codes",
    "CONTAINER [CONTAINER...]",
    NULL,
};
