// SPDX-License-Identifier: Apache-2.0
/* pcon pause, pcon unpause: refused, with the reason */
#include <stdbool.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "cmd.h"

/* The freezer needs a cgroup of the container's own: rootless, only a
 * delegated cgroup v2 tree gives one, and pcon creates no cgroups yet. */
static int
pause_unsupported(const char *what)
{
    struct statfs sf;
    cleanup_err struct pcon_err err = { 0 };
    bool v2 = statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == 0x63677270; /* CGROUP2 */

    pcon_fail(&err, 0, "%s is not supported: %s", what,
              v2 ? "pcon does not create container cgroups, and the freezer needs one"
                 : "rootless containers cannot be frozen on cgroups v1 (no freezer is"
                   " delegated)");
    return cmd_report(&err);
}

static int
cmd_pause(struct cmd_ctx *ctx, int argc, char **argv)
{
    char *arg;
    int opt;

    (void) ctx;
    while ((opt = cmd_getopt(&cmd_pause_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    return pause_unsupported("pause");
}

const struct cmd_def cmd_pause_def = {
    "pause",
    cmd_pause,
    "Pause all the processes in one or more containers",
    "CONTAINER [CONTAINER...]",
    NULL,
};

static int
cmd_unpause(struct cmd_ctx *ctx, int argc, char **argv)
{
    char *arg;
    int opt;

    (void) ctx;
    while ((opt = cmd_getopt(&cmd_unpause_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    return pause_unsupported("unpause");
}

const struct cmd_def cmd_unpause_def = {
    "unpause",
    cmd_unpause,
    "Unpause the processes in one or more containers",
    "CONTAINER [CONTAINER...]",
    NULL,
};
