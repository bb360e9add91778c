// SPDX-License-Identifier: Apache-2.0
/* pcon push */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../lib/fsutil.h"
#include "../registry/registry.h"
#include "cmd.h"

enum { PUSH_DIGESTFILE = 0x300, PUSH_COMPRESSION_FORMAT, PUSH_REMOVE_SIGNATURES };

static const struct cmd_opt push_opts[] = {
    { PUSH_COMPRESSION_FORMAT, "compression-format", 0, "FORMAT",
      "gzip only: compressed layers go as stored, uncompressed ones gzipped" },
    { PUSH_DIGESTFILE, "digestfile", 0, "FILE", "Write the digest of the pushed image to FILE" },
    { CMD_OPT_FORMAT, "format", 'f', "FORMAT", "Manifest type: oci or v2s2 (default: as stored)" },
    { 'q', "quiet", 'q', NULL, "Suppress the progress output" },
    { PUSH_REMOVE_SIGNATURES, "remove-signatures", 0, NULL,
      "Discard signatures (pcon keeps none)" },
    CMD_REG_OPTS,
    CMD_CONTENT_TRUST_OPT,
    { 0 },
};

static int
digest_file_write(const char *path, const char *digest, struct pcon_err *err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || fs_write_all(fd, digest, strlen(digest)) < 0)
        return pcon_fail(err, errno, "write \"%s\"", path);
    return 0;
}

static int
cmd_push(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct registry_opts o = { .tls_verify = -1 };
    cleanup_err struct pcon_err err = { 0 };
    enum registry_push_format f = REGISTRY_PUSH_AS_STORED;
    const char *digestfile = NULL;
    char digest[72], *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_push_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case CMD_OPT_FORMAT:
            if (strcmp(arg, "oci") == 0)
                f = REGISTRY_PUSH_OCI;
            else if (strcmp(arg, "v2s2") == 0 || strcmp(arg, "docker") == 0)
                f = REGISTRY_PUSH_V2S2;
            else
                return cmd_usage_error(&cmd_push_def, "unknown format \"%s\": oci or v2s2", arg);
            break;
        case PUSH_DIGESTFILE:
            digestfile = arg;
            break;
        case 'q':
            o.quiet = cmd_flag_value(arg);
            break;
        case PUSH_COMPRESSION_FORMAT:
            if (strcmp(arg, "gzip") != 0)
                return cmd_usage_error(&cmd_push_def,
                                       "compression format \"%s\" is not supported:"
                                       " layers go as stored, uncompressed ones as gzip",
                                       arg);
            break;
        case PUSH_REMOVE_SIGNATURES:
            break;
        default:
            if (!cmd_reg_opt(&o, opt, arg))
                return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cmd_usage_error(&cmd_push_def, "requires 1 or 2 arguments, received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0
        || registry_push(&ctx->st, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, f,
                         &o, digest, &err)
               < 0)
        return cmd_report(&err);
    storage_event(&ctx->st, "image", "push", NULL,
                  argc - optind == 2 ? argv[optind + 1] : argv[optind], NULL, NULL);
    if (digestfile && digest_file_write(digestfile, digest, &err) < 0)
        return cmd_report(&err);
    return 0;
}

const struct cmd_def cmd_push_def = {
    "push", cmd_push, "Push an image to a registry", "[options] IMAGE [DESTINATION]", push_opts,
};
