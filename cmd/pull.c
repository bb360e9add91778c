// SPDX-License-Identifier: Apache-2.0
/* pcon pull */
#include <stdio.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../registry/registry.h"
#include "cmd.h"

static const struct cmd_opt pull_opts[] = {
    { 'a', "all-tags", 'a', NULL, "Pull every tagged image of the repository" },
    CMD_PLATFORM_OPTS,
    { 'q', "quiet", 'q', NULL, "Suppress the progress output (the id is printed)" },
    CMD_REG_OPTS,
    CMD_CONTENT_TRUST_OPT,
    { 0 },
};

/* --all-tags: REGISTRY/REPO (no tag, no digest), each of its tags pulled
 * in the order the registry lists them, each id printed */
static int
pull_all_tags(struct cmd_ctx *ctx, const char *ref, const struct registry_opts *o)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **tags = NULL;
    size_t first = strcspn(ref, "/");
    const char *last = strrchr(ref, '/');
    cleanup_free char *host = NULL;

    if (ref[first] != '/' || strchr(ref, '@') || (last && strchr(last, ':'))) {
        pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                       "--all-tags needs a repository with its registry and without a tag or"
                       " digest (REGISTRY/NAME), not \"%s\"",
                       ref);
        return cmd_report(&err);
    }
    host = xstrndup(ref, first);
    if (registry_tags(host, ref + first + 1, o, &tags, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; tags && tags[i]; i++) {
        cleanup_free char *one = xasprintf("%s:%s", ref, tags[i]), *name = NULL;
        char id[65];
        if (registry_pull(&ctx->st, one, o, &name, id, &err) < 0)
            return cmd_report(&err);
        storage_event(&ctx->st, "image", "pull", id, one, NULL, NULL);
        printf("%s\n", id);
    }
    return 0;
}

static int
cmd_pull(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct registry_opts o = { .tls_verify = -1 };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *name = NULL;
    bool all_tags = false;
    char id[65], *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_pull_def, argc, argv, &arg)) != -1) {
        int r = cmd_platform_opt(&o, opt, arg, &err);
        if (r < 0)
            return cmd_report(&err);
        if (r > 0)
            continue;
        if (opt == 'q')
            o.quiet = cmd_flag_value(arg);
        else if (opt == 'a')
            all_tags = cmd_flag_value(arg);
        else if (!cmd_reg_opt(&o, opt, arg))
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_pull_def, "requires exactly 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all_tags)
        return pull_all_tags(ctx, argv[optind], &o);
    if (registry_pull(&ctx->st, argv[optind], &o, &name, id, &err) < 0)
        return cmd_report(&err);
    storage_event(&ctx->st, "image", "pull", id, argv[optind], NULL, NULL);
    printf("%s\n", id);
    return 0;
}

const struct cmd_def cmd_pull_def = {
    "pull", cmd_pull, "Pull an image from a registry", "[options] IMAGE", pull_opts,
};
