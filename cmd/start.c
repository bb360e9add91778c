// SPDX-License-Identifier: Apache-2.0
/* pcon start, pcon restart, pcon init */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/attach.h"
#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum {
    START_ALL = 0x300,
    START_FILTER,
    RESTART_FILTER,
    START_SIG_PROXY,
    RESTART_CIDFILE,
    RESTART_RUNNING,
    INIT_ALL,
    START_DETACH_KEYS,
};

static const struct cmd_opt start_opts[] = {
    { START_ALL, "all", 0, NULL, "Start all the containers that do not run" },
    { 'a', "attach", 'a', NULL, "Attach the container's output and wait for it to exit" },
    { START_DETACH_KEYS, "detach-keys", 0, "KEYS",
      "With -ai: the keys that detach, the container running on (default ctrl-p,ctrl-q;"
      " \"\": none)" },
    CMD_FILTER_OPT(START_FILTER, 'f'),
    { 'i', "interactive", 'i', NULL, "Keep STDIN open (with --attach)" },
    CMD_LATEST_OPT,
    { START_SIG_PROXY, "sig-proxy", 0, "BOOL",
      "Proxy received signals to the process (with --attach; default true)" },
    { 0 },
};

struct start_args {
    bool attach, interactive, no_sig_proxy;
    int code;
    unsigned char keys[32]; /* --detach-keys */
    size_t nkeys;
};

static int
start_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
          struct pcon_err *err)
{
    struct start_args *a = opaque;
    struct engine_start_opts so = {
        .detach = !a->attach, .sig_proxy = !a->no_sig_proxy, .ready_fd = -1, .ndetach = a->nkeys
    };
    int code = 0;

    memcpy(so.detach_keys, a->keys, sizeof so.detach_keys);
    if (a->interactive)
        c->cfg.interactive = true;
    /* initialized, attached: its output from the log, as attach's */
    if (a->attach && c->state.status == CTR_INITIALIZED && engine_ctr_alive(c))
        return cmd_attach_session(ctx, c, a->interactive, a->keys, a->nkeys, true, &a->code, err);
    if (engine_monitor_start(&ctx->st, c, &so, &code, err) < 0)
        return -1;
    if (a->attach)
        a->code = code;
    else
        printf("%s\n", name);
    return 0;
}

static int
cmd_start(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct start_args a = { 0 };
    cleanup_strv char **filters = NULL, **names = NULL;
    bool latest = false, all = false;
    char *arg;
    int opt, code;

    (void) engine_detach_keys_parse("ctrl-p,ctrl-q", a.keys, &a.nkeys, NULL);
    while ((opt = cmd_getopt(&cmd_start_def, argc, argv, &arg)) != -1) {
        if (opt == START_DETACH_KEYS) {
            cleanup_err struct pcon_err err = { 0 };
            if (engine_detach_keys_parse(arg, a.keys, &a.nkeys, &err) < 0)
                return cmd_report(&err);
        } else if (opt == 'a')
            a.attach = cmd_flag_value(arg);
        else if (opt == 'i')
            a.interactive = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = true;
        else if (opt == START_ALL)
            all = cmd_flag_value(arg);
        else if (opt == START_SIG_PROXY)
            a.no_sig_proxy = !cmd_flag_value(arg);
        else if (opt == START_FILTER && (code = cmd_ctr_filter_add(arg, &filters)) != 0)
            return code;
        else if (opt != START_FILTER)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    /* --all, --filter: those that do not run (of those the filters give) */
    if (all || filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (a.attach)
            return cmd_usage_error(&cmd_start_def, "--attach cannot be used with --all or"
                                                   " --filter");
        if (!filters) {
            strv_push(&filters, "status=created");
            strv_push(&filters, "status=exited");
            strv_push(&filters, "status=stopped");
            strv_push(&filters, "status=initialized");
        }
        if (cmd_ctr_filter_ids(ctx, filters, &names, &err) < 0)
            return cmd_report(&err);
        return names ? cmd_each_container(ctx, names, false, true, PCON_EXIT_ENGINE, start_one, &a)
                     : 0;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_start_def, "requires at least 1 arg(s), only received 0");
    if (a.attach && argc - optind > 1)
        return cmd_usage_error(&cmd_start_def, "you cannot start and attach multiple containers"
                                               " at once");
    code = cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, start_one, &a);
    return code ? code : a.code;
}

const struct cmd_def cmd_start_def = {
    "start",    cmd_start, "Start one or more containers", "[options] CONTAINER [CONTAINER...]",
    start_opts,
};

static const struct cmd_opt restart_opts[] = {
    { 'a', "all", 'a', NULL, "Restart all containers" },
    CMD_FILTER_OPT(RESTART_FILTER, 'f'),
    { 't', "time", 't', "SECONDS", "Seconds to wait for stop before killing the container" },
    CMD_LATEST_OPT,
    { RESTART_CIDFILE, "cidfile", 0, "FILE", "Read the container ID from the file" },
    { RESTART_RUNNING, "running", 0, NULL, "Restart only the running containers" },
    { 0 },
};

static int
restart_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
            struct pcon_err *err)
{
    struct engine_start_opts so = { .detach = true, .ready_fd = -1 };
    int timeout = *(int *) opaque, code;
    bool killed;

    if (engine_ctr_stop(&ctx->st, c, timeout >= 0 ? timeout : c->cfg.stop_timeout, &killed, err)
        < 0)
        return -1;
    if (engine_monitor_start(&ctx->st, c, &so, &code, err) < 0)
        return -1;
    printf("%s\n", name); /* as given, as podman prints it */
    return 0;
}

static int
cmd_restart(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **filters = NULL, **names = NULL, **cidfiles = NULL;
    bool all = false, latest = false, running = false;
    int timeout = -1;
    char *arg, *end;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_restart_def, argc, argv, &arg)) != -1) {
        if (opt == 'a') {
            all = cmd_flag_value(arg);
        } else if (opt == RESTART_CIDFILE) {
            strv_push(&cidfiles, arg);
        } else if (opt == RESTART_RUNNING) {
            running = cmd_flag_value(arg);
        } else if (opt == 't') {
            timeout = (int) strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || timeout < 0)
                return cmd_usage_error(&cmd_restart_def, "invalid time \"%s\"", arg);
        } else if (opt == 'l') {
            latest = true;
        } else if (opt == RESTART_FILTER) {
            if ((code = cmd_ctr_filter_add(arg, &filters)) != 0)
                return code;
        } else {
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    /* --all --running: the running ones alone */
    if (all && running && !filters)
        strv_push(&filters, "status=running");
    if (cidfiles) {
        code = cmd_names_collect(&cmd_restart_def, cidfiles, false, false, argc, argv, &names);
        if (code >= 0)
            return code;
        return cmd_each_container(ctx, names, false, false, PCON_EXIT_ENGINE, restart_one,
                                  &timeout);
    }
    if (filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_ctr_filter_ids(ctx, filters, &names, &err) < 0)
            return cmd_report(&err);
        return names ? cmd_each_container(ctx, names, false, true, PCON_EXIT_ENGINE, restart_one,
                                          &timeout)
                     : 0;
    }
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_restart_def, "requires at least 1 arg(s), only received 0");
    return cmd_each_container(ctx, argv + optind, all, false, PCON_EXIT_ENGINE, restart_one,
                              &timeout);
}

const struct cmd_def cmd_restart_def = {
    "restart",
    cmd_restart,
    "Restart one or more containers",
    "[options] CONTAINER [CONTAINER...]",
    restart_opts,
};

static const struct cmd_opt init_opts[] = {
    { INIT_ALL, "all", 'a', NULL, "Initialize all containers" },
    CMD_LATEST_OPT,
    { 0 },
};

/* everything of a start but the command, which its start runs */
static int
init_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    struct engine_start_opts so = { .detach = true, .init_only = true, .ready_fd = -1 };
    bool all = *(bool *) opaque;
    int code;

    /* --all: those that can be, every id printed, as podman's */
    if ((!all || !engine_ctr_is_active(c))
        && engine_monitor_start(&ctx->st, c, &so, &code, err) < 0)
        return -1;
    printf("%s\n", name);
    return 0;
}

static int
cmd_init(struct cmd_ctx *ctx, int argc, char **argv)
{
    bool all = false, latest = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_init_def, argc, argv, &arg)) != -1) {
        if (opt == INIT_ALL)
            all = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = true;
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_init_def, "requires at least 1 arg(s), only received 0");
    if (all && optind < argc)
        return cmd_usage_error(&cmd_init_def, "--all and containers cannot be used together");
    return cmd_each_container(ctx, argv + optind, all, false, PCON_EXIT_ENGINE, init_one, &all);
}

const struct cmd_def cmd_init_def = {
    "init",
    cmd_init,
    "Initialize one or more containers: their processes, mounts and network made, the command "
    "held until a start",
    "[options] CONTAINER [CONTAINER...]",
    init_opts,
};
