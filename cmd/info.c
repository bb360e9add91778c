// SPDX-License-Identifier: Apache-2.0
/* pcon info: the host, the user namespace and the store, as YAML. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../engine/idmap.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../storage/rootfs.h"
#include "cmd.h"

static void
print_idmap(const char *title, const char *file)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, file, 1 << 16, NULL, NULL);
    struct idmap m;

    printf("    %s:\n", title);
    if (text == NULL || engine_idmap_parse(text, &m, NULL) < 0)
        return;
    for (size_t i = 0; i < m.n; i++)
        printf("    - container_id: %lu\n      host_id: %lu\n      size: %lu\n", m.e[i].inner,
               m.e[i].outer, m.e[i].count);
}

static int
cmd_info(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *reason = NULL;
    struct utsname u;
    char *arg;
    int c;

    while ((c = cmd_getopt(&cmd_info_def, argc, argv, &arg)) != -1)
        return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (cmd_store_open(ctx, &err) < 0 || storage_driver_resolve(&ctx->st, &reason, &err) < 0)
        return cmd_report(&err);
    if (uname(&u) < 0)
        memset(&u, 0, sizeof u);
    printf("host:\n");
    printf("  arch: %s\n", proc_host_arch());
    printf("  idMappings:\n");
    print_idmap("gidmap", "/proc/self/gid_map");
    print_idmap("uidmap", "/proc/self/uid_map");
    printf("  kernel: %s\n", u.release);
    printf("  os: linux\n");
    printf("  security:\n    rootless: %s\n", proc_in_userns() ? "true" : "false");
    printf("store:\n");
    printf("  containerStore:\n    number: %d\n", storage_count(ctx->st.containers_dfd));
    printf("  graphDriverName: %s\n", storage_driver_name(ctx->st.driver));
    printf("  graphDriverReason: %s\n", reason);
    printf("  graphRoot: %s\n", ctx->g.graphroot);
    printf("  imageStore:\n    number: %d\n", storage_count(ctx->st.images_dfd));
    printf("  runRoot: %s\n", ctx->g.runroot);
    printf("version:\n  Version: %s\n", PCON_VERSION);
    return 0;
}

const struct cmd_def cmd_info_def = {
    "info", cmd_info, "Display pcon system information", "[options]", NULL,
};
