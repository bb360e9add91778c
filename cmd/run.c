// SPDX-License-Identifier: Apache-2.0
/* pcon run */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum {
    OPT_RM = 0x100,
    OPT_NAME,
    OPT_ENV_FILE,
    OPT_NETWORK,
    OPT_ENTRYPOINT,
};

static const struct cmd_opt run_opts[] = {
    { OPT_ENTRYPOINT, "entrypoint", 0, "CMD", "Overwrite the default ENTRYPOINT of the image" },
    { 'e', "env", 'e', "KEY=VALUE", "Set environment variables in the container" },
    { OPT_ENV_FILE, "env-file", 0, "FILE", "Read in a file of environment variables" },
    { 'h', "hostname", 'h', "NAME", "Set the container's host name" },
    { 'i', "interactive", 'i', NULL, "Keep STDIN open" },
    { OPT_NAME, "name", 0, "NAME", "Assign a name to the container" },
    { OPT_NETWORK, "network", 0, "MODE", "Network mode: none (default) or host" },
    { OPT_RM, "rm", 0, NULL, "Remove the container when it exits" },
    { 'u', "user", 'u', "USER[:GROUP]", "Username or UID (format: <name|uid>[:<group|gid>])" },
    { 'v', "volume", 'v', "HOST:CTR[:ro]", "Bind mount a volume into the container" },
    { 'w', "workdir", 'w', "DIR", "Working directory inside the container" },
    { 0 },
};

static int
cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct engine_run_opts o = { .net = NETNS_PRIVATE };
    cleanup_strv char **env = NULL;
    cleanup_strv char **env_files = NULL;
    cleanup_strv char **volumes = NULL;
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int c, code = 0;

    while ((c = cmd_getopt(&cmd_run_def, argc, argv, &arg)) != -1) {
        switch (c) {
        case OPT_ENTRYPOINT:
            o.entrypoint = arg;
            o.entrypoint_set = true;
            break;
        case 'e':
            strv_push(&env, arg);
            break;
        case OPT_ENV_FILE:
            strv_push(&env_files, arg);
            break;
        case 'h':
            o.hostname = arg;
            break;
        case 'i':
            o.interactive = true;
            break;
        case OPT_NAME:
            o.name = arg;
            break;
        case OPT_NETWORK:
            if (netns_mode_parse(arg, &o.net, &err) < 0)
                return cmd_report(&err);
            break;
        case OPT_RM:
            o.rm = true;
            break;
        case 'u':
            o.user = arg;
            break;
        case 'v':
            strv_push(&volumes, arg);
            break;
        case 'w':
            o.workdir = arg;
            break;
        case CMD_OPT_HELP:
            return 0;
        default:
            return PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_run_def, "requires at least 1 arg(s), only received 0");
    o.image = argv[optind];
    o.cmd = argv + optind + 1;
    o.env = env;
    o.env_files = env_files;
    o.volumes = volumes;
    if (o.hostname && *o.hostname == '\0')
        return cmd_usage_error(&cmd_run_def, "invalid empty hostname");
    if (cmd_store_open(ctx, &err) < 0 || engine_container_run(&ctx->st, &o, &code, &err) < 0)
        return cmd_report(&err);
    return code;
}

const struct cmd_def cmd_run_def = {
    "run", cmd_run, "Run a command in a new container", "[options] IMAGE [COMMAND [ARG...]]",
    run_opts,
};
