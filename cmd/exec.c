// SPDX-License-Identifier: Apache-2.0
/* pcon exec */
#include <stdio.h>
#include <string.h>

#include "../engine/attach.h"
#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum { EXEC_ENV_FILE = 0x300, EXEC_PRIVILEGED, EXEC_PRESERVE_FDS, EXEC_DETACH_KEYS };

static const struct cmd_opt exec_opts[] = {
    { 'd', "detach", 'd', NULL, "Run the command in the background" },
    { EXEC_DETACH_KEYS, "detach-keys", 0, "KEYS",
      "With -it: the keys that detach, the command running on (default ctrl-p,ctrl-q; \"\": "
      "none)" },
    { 'e', "env", 'e', "KEY=VALUE", "Set environment variables" },
    { EXEC_ENV_FILE, "env-file", 0, "FILE", "Read in a file of environment variables" },
    { 'i', "interactive", 'i', NULL, "Keep STDIN open" },
    { EXEC_PRESERVE_FDS, "preserve-fds", 0, "N",
      "Pass down N more file descriptors (3 to 3+N-1) to the process" },
    { EXEC_PRIVILEGED, "privileged", 0, NULL, "Every capability for the process" },
    CMD_LATEST_OPT,
    { 't', "tty", 't', NULL, "Allocate a pseudo-TTY" },
    { 'u', "user", 'u', "USER[:GROUP]", "Run as this user" },
    { 'w', "workdir", 'w', "DIR", "Working directory inside the container" },
    { 0 },
};

static int
cmd_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct engine_exec_opts o = { 0 };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **env = NULL;
    struct container c;
    bool latest = false;
    char *arg;
    int opt, code = 0, r;

    (void) engine_detach_keys_parse("ctrl-p,ctrl-q", o.detach_keys, &o.ndetach, NULL);
    while ((opt = cmd_getopt(&cmd_exec_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'd':
            o.detach = cmd_flag_value(arg);
            break;
        case 'e':
            strv_push(&env, arg);
            break;
        case EXEC_ENV_FILE: {
            cleanup_free char *text = cmd_read_file(arg, &err);
            if (text == NULL)
                return cmd_report(&err);
            for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
                if (*line && *line != '#')
                    strv_push(&env, line);
            break;
        }
        case 'i':
            o.interactive = cmd_flag_value(arg);
            break;
        case 't':
            o.tty = cmd_flag_value(arg);
            break;
        case 'u':
            o.user = arg;
            break;
        case 'w':
            o.workdir = arg;
            break;
        case 'l':
            latest = true;
            break;
        case EXEC_PRIVILEGED:
            o.privileged = cmd_flag_value(arg);
            break;
        case EXEC_DETACH_KEYS:
            if (engine_detach_keys_parse(arg, o.detach_keys, &o.ndetach, &err) < 0)
                return cmd_report(&err);
            break;
        case EXEC_PRESERVE_FDS:
            if (cmd_preserve_fds_check(arg, &o.preserve_fds, &err) < 0)
                return cmd_report(&err);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (argc - optind < 2)
        return cmd_usage_error(&cmd_exec_def, "requires at least 2 arg(s), only received %d",
                               argc - optind);
    o.args = argv + optind + 1;
    o.env = env;
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return cmd_report(&err);
    r = engine_ctr_exec(&ctx->st, &c, &o, &code, &err);
    engine_ctr_free(&c);
    return r < 0 ? cmd_report(&err) : code;
}

const struct cmd_def cmd_exec_def = {
    "exec",
    cmd_exec,
    "Run a process in a running container",
    "[options] CONTAINER COMMAND [ARG...]",
    exec_opts,
    true,
};
