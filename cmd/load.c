// SPDX-License-Identifier: Apache-2.0
/* pcon load */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../storage/image.h"
#include "cmd.h"
#include "../storage/archive.h"

static const struct cmd_opt load_opts[] = {
    { 'i', "input", 'i', "FILE", "Read from an archive file (default: stdin)" },
    { 'q', "quiet", 'q', NULL, "Suppress the progress output" },
    { 0 },
};

static int
cmd_load(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **loaded = NULL;
    cleanup_close int fd = -1;
    const char *input = NULL;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_load_def, argc, argv, &arg)) != -1) {
        if (opt == 'i')
            input = arg;
        else if (opt != 'q')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_load_def, "accepts no arguments");
    if (input == NULL || strcmp(input, "-") == 0) {
        if (isatty(0))
            return cmd_usage_error(&cmd_load_def, "cannot read from terminal, use command-line"
                                                  " redirection or the --input flag");
        fd = dup(0);
    } else {
        fd = open(input, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        pcon_fail(&err, errno, "open \"%s\"", input ? input : "stdin");
        return cmd_report(&err);
    }
    if (cmd_store_open(ctx, &err) < 0 || storage_archive_load(&ctx->st, fd, &loaded, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; loaded && loaded[i]; i++) {
        storage_event(&ctx->st, "image", "loadfromarchive", NULL, loaded[i], NULL, NULL);
        printf("Loaded image: %s\n", loaded[i]);
    }
    return 0;
}

const struct cmd_def cmd_load_def = {
    "load",      cmd_load,  "Load image(s) from a docker-archive or oci-archive tarball",
    "[options]", load_opts,
};
