// SPDX-License-Identifier: Apache-2.0
/* pcon export: a container's files as a tar archive */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "cmd.h"

int
cmd_output_open(const char *output, char **tmp, struct pcon_err *err)
{
    int fd;

    *tmp = NULL;
    if (output == NULL) {
        if (isatty(1))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "refusing to export to terminal. Use -o flag or redirect");
        return 1;
    }
    /* a temporary name, renamed into place once whole */
    *tmp = xasprintf("%s.tmp-%d", output, (int) getpid());
    fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        return pcon_fail(err, e, "create %s", output);
    }
    return fd;
}

int
cmd_output_finish(const char *output, char *tmp, int fd, int r, struct pcon_err *err)
{
    if (tmp == NULL)
        return r;
    if (r == 0 && (fsync(fd) < 0 || rename(tmp, output) < 0))
        r = pcon_fail(err, errno, "write %s", output);
    close(fd);
    if (r < 0)
        (void) unlink(tmp);
    free(tmp);
    return r;
}

static const struct cmd_opt export_opts[] = {
    { 'o', "output", 'o', "FILE", "Write to the file (default: standard output)" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_export(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *tmp = NULL;
    const char *output = NULL;
    struct container c;
    int fd, r;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_export_def, argc, argv, &arg)) != -1) {
        if (opt == 'o') {
            output = arg;
            continue;
        }
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_export_def, "requires exactly 1 arg(s), only received %d",
                               argc - optind);
    fd = cmd_output_open(output, &tmp, &err);
    if (fd < 0)
        return cmd_report(&err);
    r = cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0 ? -1
                                                                                               : 0;
    if (r == 0) {
        r = engine_ctr_export(&ctx->st, &c, fd, &err);
        engine_ctr_free(&c);
    }
    r = cmd_output_finish(output, tmp, fd, r, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_export_def = {
    "export",
    cmd_export,
    "Export a container's file system contents as a tar archive",
    "[options] CONTAINER",
    export_opts,
};
