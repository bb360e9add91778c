// SPDX-License-Identifier: Apache-2.0
/* pcon healthcheck run: one check of a running container, recorded as the
 * monitor's are; "unhealthy" and exit 1 when it fails */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/health.h"
#include "../lib/cleanup.h"
#include "cmd.h"

static int
cmd_healthcheck_run(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    bool healthy = false;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_healthcheck_run_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_healthcheck_run_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0) {
        pcon_prefix(&err, "unable to look up %s to perform a health check", argv[optind]);
        return cmd_report(&err);
    }
    r = engine_health_check(&ctx->st, &c, &healthy, &err);
    engine_ctr_free(&c);
    if (r < 0)
        return cmd_report(&err);
    if (!healthy) {
        printf("unhealthy\n");
        return 1;
    }
    return 0;
}

const struct cmd_def cmd_healthcheck_run_def = {
    "healthcheck run",
    cmd_healthcheck_run,
    "Run the health check of a container",
    "CONTAINER",
    NULL,
};

static const struct cmd_def *const healthcheck_subcommands[] = {
    &cmd_healthcheck_run_def,
};

static int
cmd_healthcheck(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_subcommand(ctx, argc, argv, "healthcheck", "Manage health checks on containers",
                          healthcheck_subcommands,
                          sizeof healthcheck_subcommands / sizeof healthcheck_subcommands[0], NULL);
}

const struct cmd_def cmd_healthcheck_def = {
    "healthcheck",
    cmd_healthcheck,
    "Manage health checks on containers",
    "COMMAND",
    NULL,
    false,
    healthcheck_subcommands,
    sizeof healthcheck_subcommands / sizeof healthcheck_subcommands[0],
};
