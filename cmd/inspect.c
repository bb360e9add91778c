// SPDX-License-Identifier: Apache-2.0
/* pcon inspect (containers; images when an issue asks) */
#include <stdio.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "cmd.h"
#include "ctr_report.h"
#include "format.h"

enum { INSPECT_FORMAT = 0x300, INSPECT_TYPE };

static const struct cmd_opt inspect_opts[] = {
    { INSPECT_FORMAT, "format", 'f', "FORMAT", "Format the output with a Go template, or json" },
    { 'l', "latest", 'l', NULL, "Act on the latest container created" },
    { INSPECT_TYPE, "type", 't', "TYPE", "Type of object: container (default)" },
    { 0 },
};

struct inspect_args {
    char **docs;
};

static int
inspect_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
            struct pcon_err *err)
{
    struct inspect_args *a = opaque;

    (void) name;
    (void) err;
    strv_push_take(&a->docs, ctr_report_inspect(&ctx->st, c));
    return 0;
}

static int
cmd_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct inspect_args a = { NULL };
    const char *fmt = "json";
    bool latest = false;
    char *arg, *latest_name[2] = { NULL, NULL };
    int opt, code;

    while ((opt = cmd_getopt(&cmd_inspect_def, argc, argv, &arg)) != -1) {
        if (opt == INSPECT_FORMAT) {
            fmt = arg;
        } else if (opt == 'l') {
            latest = true;
        } else if (opt == INSPECT_TYPE) {
            if (strcmp(arg, "container") != 0 && strcmp(arg, "all") != 0)
                return cmd_usage_error(&cmd_inspect_def, "unsupported type \"%s\"", arg);
        } else {
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (!latest && optind >= argc)
        return cmd_usage_error(&cmd_inspect_def, "requires at least 1 arg(s), only received 0");
    if (latest) {
        struct container *v = NULL;
        size_t n = 0;
        if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        if (n > 0)
            latest_name[0] = xstrdup(v[0].cfg.id);
        engine_ctr_list_free(v, n);
        if (latest_name[0] == NULL) {
            pcon_fail(&err, 0, "no containers to inspect");
            return cmd_report(&err);
        }
    }
    /* a missing object is reported after what was found, as podman */
    code = cmd_each_container(ctx, latest ? latest_name : argv + optind, false, false,
                              PCON_EXIT_ENGINE, inspect_one, &a);
    free(latest_name[0]);
    if (code != 0 && a.docs == NULL && strcmp(fmt, "json") == 0)
        printf("[]\n");
    if (a.docs && cmd_format_print(fmt, a.docs, NULL, &err) < 0)
        code = cmd_report(&err);
    strv_free(a.docs);
    return code;
}

const struct cmd_def cmd_inspect_def = {
    "inspect", cmd_inspect, "Display the configuration of a container",
    "[options] CONTAINER [CONTAINER...]", inspect_opts,
};
