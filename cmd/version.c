// SPDX-License-Identifier: Apache-2.0
/* pcon version */
#include <stdio.h>

#include "../lib/proc.h"
#include "cmd.h"

static int
cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
    char *arg;
    int c;

    (void) ctx;
    while ((c = cmd_getopt(&cmd_version_def, argc, argv, &arg)) != -1)
        return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    printf("Version:      %s\n", PCON_VERSION);
    printf("Built:        %s\n", __DATE__);
    printf("OS/Arch:      linux/%s\n", proc_host_arch());
    return 0;
}

const struct cmd_def cmd_version_def = {
    "version", cmd_version, "Display the pcon version information", "", NULL,
};
