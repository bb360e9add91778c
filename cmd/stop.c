// SPDX-License-Identifier: Apache-2.0
/* pcon stop, pcon kill */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum { STOP_IGNORE = 0x300, STOP_CIDFILE, KILL_CIDFILE, STOP_FILTER };

static const struct cmd_opt stop_opts[] = {
    { 'a', "all", 'a', NULL, "Stop all running containers" },
    { STOP_CIDFILE, "cidfile", 0, "FILE", "Read the container ID from the file" },
    CMD_FILTER_OPT(STOP_FILTER, 'f'),
    { 'i', "ignore", 'i', NULL, "Ignore errors when a specified container is missing" },
    { 't', "time", 't', "SECONDS", "Seconds to wait for stop before killing the container" },
    CMD_LATEST_OPT,
    { 0 },
};

struct sig_args {
    int value; /* the timeout of stop, the signal of kill */
    bool all;  /* -a: only the running ones */
};

static int
stop_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    struct sig_args *a = opaque;
    int timeout = a->value;
    bool killed;

    if (a->all && !engine_ctr_is_active(c))
        return 0;
    if (engine_ctr_stop(&ctx->st, c, timeout >= 0 ? timeout : c->cfg.stop_timeout, &killed, err)
        < 0)
        return -1;
    printf("%s\n", name);
    return 0;
}

static int
cmd_stop(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **names = NULL, **filters = NULL;
    cleanup_strv char **cidfiles = NULL;
    struct sig_args a = { .value = -1 };
    bool ignore = false, latest = false;
    char *arg, *end;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_stop_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            a.all = cmd_flag_value(arg);
            break;
        case 'i':
            ignore = cmd_flag_value(arg);
            break;
        case 't':
            a.value = (int) strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || a.value < 0)
                return cmd_usage_error(&cmd_stop_def, "invalid time \"%s\"", arg);
            break;
        case STOP_CIDFILE:
            strv_push(&cidfiles, arg);
            break;
        case 'l':
            latest = true;
            break;
        case STOP_FILTER:
            if ((code = cmd_ctr_filter_add(arg, &filters)) != 0)
                return code;
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_ctr_filter_ids(ctx, filters, &names, &err) < 0)
            return cmd_report(&err);
        return names ? cmd_each_container(ctx, names, false, true, PCON_EXIT_ENGINE, stop_one, &a)
                     : 0;
    }
    code = cmd_names_collect(&cmd_stop_def, cidfiles, ignore, a.all, argc, argv, &names);
    if (code >= 0)
        return code;
    return cmd_each_container(ctx, names, a.all, ignore, PCON_EXIT_ENGINE, stop_one, &a);
}

const struct cmd_def cmd_stop_def = {
    "stop",    cmd_stop, "Stop one or more containers", "[options] CONTAINER [CONTAINER...]",
    stop_opts,
};

static const struct cmd_opt kill_opts[] = {
    { 'a', "all", 'a', NULL, "Signal all running containers" },
    { KILL_CIDFILE, "cidfile", 0, "FILE", "Read the container ID from the file" },
    CMD_LATEST_OPT,
    { 's', "signal", 's', "SIGNAL", "Signal to send to the container (default KILL)" },
    { 0 },
};

static int
kill_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    struct sig_args *a = opaque;

    if (a->all && !engine_ctr_is_active(c))
        return 0;
    if (engine_ctr_kill(&ctx->st, c, a->value, err) < 0)
        return -1;
    printf("%s\n", name);
    return 0;
}

static int
cmd_kill(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **names = NULL, **cidfiles = NULL;
    struct sig_args a = { .value = SIGKILL };
    bool latest = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_kill_def, argc, argv, &arg)) != -1) {
        if (opt == 'a') {
            a.all = cmd_flag_value(arg);
        } else if (opt == 's') {
            if (engine_signal_parse(arg, &a.value, &err) < 0)
                return cmd_report(&err);
        } else if (opt == 'l') {
            latest = true;
        } else if (opt == KILL_CIDFILE) {
            strv_push(&cidfiles, arg);
        } else {
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    code = cmd_names_collect(&cmd_kill_def, cidfiles, false, a.all, argc, argv, &names);
    if (code >= 0)
        return code;
    return cmd_each_container(ctx, names, a.all, false, PCON_EXIT_ENGINE, kill_one, &a);
}

const struct cmd_def cmd_kill_def = {
    "kill",
    cmd_kill,
    "Kill one or more running containers with a specific signal",
    "[options] CONTAINER [CONTAINER...]",
    kill_opts,
};
