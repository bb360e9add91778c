// SPDX-License-Identifier: Apache-2.0
/* pcon build */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../builder/build.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum {
    BUILD_ARG = 0x300,
    BUILD_TARGET,
    BUILD_NO_CACHE,
    BUILD_IIDFILE,
    BUILD_LABEL,
    BUILD_NETWORK,
    BUILD_TIMESTAMP,
    BUILD_LAYERS,
    BUILD_PULL,
    BUILD_FORMAT,
    BUILD_SQUASH,
    BUILD_RM,
    BUILD_PULL_ALWAYS,
    BUILD_ULIMIT,
    BUILD_SECRET,
};

static const struct cmd_opt build_opts[] = {
    { BUILD_ARG, "build-arg", 0, "KEY=VALUE",
      "A build argument (KEY alone: from the environment)" },
    { 'f', "file", 'f', "PATH",
      "The Containerfile (default: Containerfile or Dockerfile in the context)" },
    { BUILD_FORMAT, "format", 0, "FORMAT", "oci or docker (pcon stores OCI; both accepted)" },
    { BUILD_IIDFILE, "iidfile", 0, "FILE", "Write the image's id to the file" },
    { BUILD_LABEL, "label", 0, "KEY=VALUE", "A label on the image" },
    { BUILD_LAYERS, "layers", 0, "BOOL", "Cache each step's image (default true)" },
    { BUILD_NETWORK, "network", 0, "MODE",
      "RUN's network: slirp4netns (default), none, host, ..." },
    { BUILD_NO_CACHE, "no-cache", 0, NULL, "Use no cached step: build every one again" },
    { BUILD_PULL, "pull", 0, NULL, "Accepted: a missing base image is pulled" },
    { BUILD_PULL_ALWAYS, "pull-always", 0, NULL, "Accepted: a missing base image is pulled" },
    { 'q', "quiet", 'q', NULL, "Print only the image's id" },
    { BUILD_RM, "rm", 0, "BOOL", "Accepted: the step containers are always removed" },
    { BUILD_SECRET, "secret", 0, "id=ID,src=PATH", "A secret for RUN --mount=type=secret" },
    { BUILD_SQUASH, "squash", 0, NULL, "Not supported yet: refused" },
    { 't', "tag", 't', "NAME", "A name for the image" },
    { BUILD_TARGET, "target", 0, "STAGE", "Build the stage of that name, and what it needs" },
    { BUILD_TIMESTAMP, "timestamp", 0, "SECONDS", "Every time in the image (reproducible builds)" },
    { BUILD_ULIMIT, "ulimit", 0, "NAME=SOFT[:HARD]", "A resource limit for RUN's commands" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_build(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **tags = NULL, **args = NULL, **labels = NULL, **ulimits = NULL,
                      **secrets = NULL;
    int run_status = 0;
    struct build_opts o = { .timestamp = -1, .out = stdout, .run_status = &run_status };
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char id[65];
    char *arg;
    int opt;

    if (epoch && *epoch)
        o.timestamp = strtoll(epoch, NULL, 10);
    while ((opt = cmd_getopt(&cmd_build_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case BUILD_ARG:
            strv_push(&args, arg);
            break;
        case 'f':
            o.file = arg;
            break;
        case BUILD_IIDFILE:
            o.iidfile = arg;
            break;
        case BUILD_LABEL:
            strv_push(&labels, arg);
            break;
        case BUILD_LAYERS:
            o.no_cache = o.no_cache || !cmd_flag_value(arg);
            break;
        case BUILD_NETWORK:
            o.network = arg;
            break;
        case BUILD_NO_CACHE:
            o.no_cache = cmd_flag_value(arg);
            break;
        case 'q':
            o.quiet = cmd_flag_value(arg);
            break;
        case 't':
            strv_push(&tags, arg);
            break;
        case BUILD_TARGET:
            o.target = arg;
            break;
        case BUILD_TIMESTAMP: {
            char *end;
            errno = 0;
            o.timestamp = strtoll(arg, &end, 10);
            if (*arg == '\0' || *end || errno || o.timestamp < 0)
                return cmd_usage_error(&cmd_build_def, "invalid --timestamp \"%s\"", arg);
            break;
        }
        case BUILD_SQUASH:
            return cmd_usage_error(&cmd_build_def, "--squash is not supported yet");
        case BUILD_ULIMIT:
            strv_push(&ulimits, arg);
            break;
        case BUILD_SECRET:
            strv_push(&secrets, arg);
            break;
        case BUILD_FORMAT:
        case BUILD_PULL:
        case BUILD_PULL_ALWAYS:
        case BUILD_RM:
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind > 1)
        return cmd_usage_error(&cmd_build_def, "accepts at most 1 arg(s), received %d",
                               argc - optind);
    o.context = optind < argc ? argv[optind] : ".";
    o.tags = tags;
    o.build_args = args;
    o.labels = labels;
    o.ulimits = ulimits;
    o.secrets = secrets;
    if (cmd_store_open(ctx, &err) < 0 || builder_build(&ctx->st, &o, id, &err) < 0) {
        int code = cmd_report(&err);
        return run_status > 0 ? run_status : code; /* a RUN's own failure: its status, as podman */
    }
    printf("%s\n", id);
    return 0;
}

const struct cmd_def cmd_build_def = {
    "build", cmd_build, "Build an image from a Containerfile", "[options] [CONTEXT]", build_opts,
};
