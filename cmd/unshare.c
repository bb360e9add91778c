// SPDX-License-Identifier: Apache-2.0
/* pcon unshare */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/proc.h"
#include "../netns/netd.h"
#include "cmd.h"

extern char **environ;

enum { UNSHARE_NETNS = 0x700 };

static const struct cmd_opt unshare_opts[] = {
    { UNSHARE_NETNS, "rootless-netns", 0, NULL,
      "Join the user networks' namespace too (where their bridges are)" },
    { 0 },
};

/* into pcon-netd's network namespace (started when none runs), which
 * lasts while the command holds the connection to it, inherited */
static int
join_networks_ns(const char *runroot, struct pcon_err *err)
{
    int fd = netns_netd_connect(runroot, err), ns;

    if (fd < 0 || (ns = netns_netd_netns(fd, err)) < 0)
        return -1;
    if (setns(ns, CLONE_NEWNET) < 0) {
        close(ns);
        return pcon_fail(err, errno, "join the user networks' namespace");
    }
    close(ns);
    if (fcntl(fd, F_SETFD, 0) < 0)
        return pcon_fail(err, errno, "keep the user networks' namespace");
    return 0;
}

static int
cmd_unshare(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg, *shell_argv[2] = { NULL, NULL };
    char **args;
    bool netns = false;
    int c;

    while ((c = cmd_getopt(&cmd_unshare_def, argc, argv, &arg)) != -1) {
        if (c == UNSHARE_NETNS)
            netns = cmd_flag_value(arg);
        else
            return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (cmd_store_open(ctx, &err) < 0 || (netns && join_networks_ns(ctx->g.runroot, &err) < 0))
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
    "[options] [COMMAND [ARG...]]",
    unshare_opts,
    true,
};
