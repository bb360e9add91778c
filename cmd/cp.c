// SPDX-License-Identifier: Apache-2.0
/* pcon cp */
#include <stdio.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

/* "CONTAINER:PATH" -> the container part, NULL for a host path (a path
 * with a '/' before the first ':' is the host's) */
static char *
split_ref(const char *arg, const char **path)
{
    const char *colon = strchr(arg, ':');

    if (colon == NULL || colon == arg || memchr(arg, '/', (size_t) (colon - arg)))
        return NULL;
    *path = colon + 1;
    return xstrndup(arg, (size_t) (colon - arg));
}

enum { CP_ARCHIVE = 0x300, CP_OVERWRITE };

static const struct cmd_opt cp_opts[] = {
    { CP_ARCHIVE, "archive", 'a', NULL,
      "Copies into a container are its root's, out of it the user's (default true; pcon's only "
      "way)" },
    { CP_OVERWRITE, "overwrite", 0, NULL,
      "Overwrite a directory with a non-directory and the reverse" },
    { 0 },
};

static int
cmd_cp(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *sctr = NULL, *dctr = NULL;
    const char *spath = NULL, *dpath = NULL;
    struct container c;
    bool overwrite = false;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_cp_def, argc, argv, &arg)) != -1) {
        if (opt == CP_OVERWRITE)
            overwrite = cmd_flag_value(arg);
        else if (opt == CP_ARCHIVE) {
            if (!cmd_flag_value(arg))
                return cmd_usage_error(&cmd_cp_def,
                                       "--archive=false is not supported: the copies' owners are "
                                       "the container's root inside and the user outside");
        } else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_cp_def, "accepts 2 arg(s), received %d", argc - optind);
    sctr = split_ref(argv[optind], &spath);
    dctr = split_ref(argv[optind + 1], &dpath);
    if ((sctr == NULL) == (dctr == NULL))
        return cmd_usage_error(&cmd_cp_def,
                               "copying %s is not supported: one of SRC and DEST"
                               " must be CONTAINER:PATH",
                               sctr ? "between containers" : "between host paths");
    if (*(sctr ? spath : dpath) == '\0')
        return cmd_usage_error(&cmd_cp_def, "empty container path");
    if (cmd_store_open(ctx, &err) < 0
        || engine_ctr_load(&ctx->st, sctr ? sctr : dctr, &c, &err) < 0)
        return cmd_report(&err);
    r = engine_ctr_copy(&ctx->st, &c, dctr != NULL, sctr ? spath : argv[optind],
                        dctr ? dpath : argv[optind + 1], overwrite, &err);
    engine_ctr_free(&c);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_cp_def = {
    "cp",
    cmd_cp,
    "Copy files between a container and the host",
    "[options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
    cp_opts,
};
