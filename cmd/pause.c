// SPDX-License-Identifier: Apache-2.0
/* pcon pause, pcon unpause: the container's cgroup frozen and thawed (the
 * freezer of a delegated cgroup v2 directory; engine/cgroup.h) */
#include <stdbool.h>
#include <stdio.h>

#include "../engine/container.h"
#include "cmd.h"

struct pause_req {
    bool pause, all;
};

static int
pause_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
          struct pcon_err *err)
{
    const struct pause_req *r = opaque;

    (void) name;
    /* --all: the running ones (pause), the paused ones (unpause) */
    if (r->all && c->state.status != (r->pause ? CTR_RUNNING : CTR_PAUSED))
        return 0;
    if (engine_ctr_pause(&ctx->st, c, r->pause, err) < 0)
        return -1;
    printf("%s\n", c->cfg.id);
    return 0;
}

static int
pause_main(const struct cmd_def *def, struct cmd_ctx *ctx, int argc, char **argv, bool pause)
{
    struct pause_req r = { pause, false };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1) {
        if (opt == 'a') {
            r.all = cmd_flag_value(arg);
            continue;
        }
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!r.all && optind >= argc)
        return cmd_usage_error(def, "you must provide at least one container name or id");
    return cmd_each_container(ctx, r.all ? NULL : argv + optind, r.all, false, PCON_EXIT_ENGINE,
                              pause_one, &r);
}

static const struct cmd_opt pause_opts[] = {
    { 'a', "all", 'a', NULL, "All running (pause) or paused (unpause) containers" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_pause(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pause_main(&cmd_pause_def, ctx, argc, argv, true);
}

const struct cmd_def cmd_pause_def = {
    "pause",
    cmd_pause,
    "Pause all the processes in one or more containers",
    "[options] CONTAINER [CONTAINER...]",
    pause_opts,
};

static int
cmd_unpause(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pause_main(&cmd_unpause_def, ctx, argc, argv, false);
}

const struct cmd_def cmd_unpause_def = {
    "unpause",
    cmd_unpause,
    "Unpause the processes in one or more containers",
    "[options] CONTAINER [CONTAINER...]",
    pause_opts,
};
