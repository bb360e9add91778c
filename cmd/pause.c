// SPDX-License-Identifier: Apache-2.0
/* pcon pause, pcon unpause: the container's cgroup frozen and thawed (the
 * freezer of a delegated cgroup v2 directory; engine/cgroup.h) */
#include <stdbool.h>
#include <stdio.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
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

enum { PAUSE_CIDFILE = 0x300, PAUSE_FILTER };

static int
pause_main(const struct cmd_def *def, struct cmd_ctx *ctx, int argc, char **argv, bool pause)
{
    cleanup_strv char **names = NULL, **cidfiles = NULL, **filters = NULL;
    struct pause_req r = { pause, false };
    bool latest = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            r.all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = true;
        else if (opt == PAUSE_CIDFILE)
            strv_push(&cidfiles, arg);
        else if (opt == PAUSE_FILTER && (code = cmd_ctr_filter_add(arg, &filters)) != 0)
            return code;
        else if (opt != PAUSE_FILTER)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_ctr_filter_ids(ctx, filters, &names, &err) < 0)
            return cmd_report(&err);
        return names ? cmd_each_container(ctx, names, false, true, PCON_EXIT_ENGINE, pause_one, &r)
                     : 0;
    }
    code = cmd_names_collect(def, cidfiles, false, r.all, argc, argv, &names);
    if (code >= 0)
        return code;
    return cmd_each_container(ctx, r.all ? NULL : names, r.all, false, PCON_EXIT_ENGINE, pause_one,
                              &r);
}

static const struct cmd_opt pause_opts[] = {
    { 'a', "all", 'a', NULL, "All running (pause) or paused (unpause) containers" },
    { PAUSE_CIDFILE, "cidfile", 0, "FILE", "Read the container ID from the file" },
    CMD_FILTER_OPT(PAUSE_FILTER, 'f'),
    CMD_LATEST_OPT,
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
