// SPDX-License-Identifier: Apache-2.0
/* pcon unshare */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/proc.h"
#include "cmd.h"

extern char **environ;

static int
cmd_unshare(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg, *shell_argv[2] = { NULL, NULL };
    char **args;
    int c;

    while ((c = cmd_getopt(&cmd_unshare_def, argc, argv, &arg)) != -1)
        return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (optind < argc) {
        args = argv + optind;
    } else {
        shell_argv[0] = getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
        args = shell_argv;
    }
    setenv("PCON_GRAPHROOT", ctx->g.graphroot, 1);
    setenv("PCON_RUNROOT", ctx->g.runroot, 1);
    pcon_fail_kind(&err, PCON_ERR_EXEC, proc_execvpe(args[0], args, environ, getenv("PATH")),
                   "exec \"%s\"", args[0]);
    return cmd_report(&err);
}

const struct cmd_def cmd_unshare_def = {
    "unshare",
    cmd_unshare,
    "Run a command in pcon's user and mount namespace",
    "[COMMAND [ARG...]]",
    NULL,
    true,
};
