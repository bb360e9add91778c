// SPDX-License-Identifier: Apache-2.0
/* pcon import */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../storage/import.h"
#include "cmd.h"

static const struct cmd_opt import_opts[] = {
    { 'c', "change", 'c', "INSTRUCTION",
      "Apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV,"
      " WORKDIR or USER" },
    { 'q', "quiet", 'q', NULL, "Suppress output (the id is printed)" },
    { 'm', "message", 'm', "MESSAGE", "The history entry's comment" },
    { CMD_OPT_ARCH, "arch", 0, "ARCH", "The architecture the image says it is for" },
    { CMD_OPT_OS, "os", 0, "OS", "The OS the image says it is for" },
    { CMD_OPT_VARIANT, "variant", 0, "VARIANT", "The architecture's variant" },
    { 0 },
};

static int
cmd_import(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct image_import_opts o = { 0 };
    cleanup_strv char **changes = NULL;
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int fd = -1;
    char id[65], *arg;
    const char *src;
    int c;

    while ((c = cmd_getopt(&cmd_import_def, argc, argv, &arg)) != -1) {
        switch (c) {
        case 'c':
            strv_push(&changes, arg);
            break;
        case 'q':
            break;
        case 'm':
            o.message = arg;
            break;
        case CMD_OPT_ARCH:
            o.arch = arg;
            break;
        case CMD_OPT_OS:
            o.os = arg;
            break;
        case CMD_OPT_VARIANT:
            o.variant = arg;
            break;
        case CMD_OPT_HELP:
            return 0;
        default:
            return PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc || argc - optind > 2)
        return cmd_usage_error(&cmd_import_def, "requires 1 or 2 arguments: TARBALL [REFERENCE]");
    src = argv[optind];
    o.name = optind + 1 < argc ? argv[optind + 1] : NULL;
    o.changes = changes;
    if (strcmp(src, "-") == 0) {
        fd = dup(0);
    } else {
        fd = open(src, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            pcon_fail(&err, errno, "open \"%s\"", src);
            return cmd_report(&err);
        }
    }
    if (cmd_store_open(ctx, &err) < 0 || storage_import(&ctx->st, fd, &o, id, &err) < 0)
        return cmd_report(&err);
    storage_event(&ctx->st, "image", "import", id, o.name ? o.name : "", NULL, NULL);
    printf("%s\n", id);
    return 0;
}

const struct cmd_def cmd_import_def = {
    "import",
    cmd_import,
    "Import a tarball to create a file system image",
    "[options] TARBALL|- [REFERENCE]",
    import_opts,
};
