// SPDX-License-Identifier: Apache-2.0
/* pcon run and pcon create */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/attach.h"
#include "../lib/cleanup.h"
#include "ctr_opts.h"

enum { RUN_DETACH = 0x300, RUN_PRESERVE_FDS, RUN_DETACH_KEYS };

static const struct cmd_opt run_opts[] = {
    CREATE_OPTS,
    { 'd', "detach", 'd', NULL, "Run the container in the background and print its ID" },
    { CO_SIG_PROXY, "sig-proxy", 0, NULL,
      "Proxy received signals to the container (default true)" },
    { RUN_PRESERVE_FDS, "preserve-fds", 0, "N",
      "Pass down N more file descriptors (3 to 3+N-1) to the process" },
    { RUN_DETACH_KEYS, "detach-keys", 0, "KEYS",
      "With -it: the keys that detach, the container running on (default ctrl-p,ctrl-q; \"\":"
      " none)" },
    { 0 },
};

static const struct cmd_opt create_opts[] = {
    CREATE_OPTS,
    { CO_INIT_CTR, "init-ctr", 0, "always|once",
      "A pod's init container: pod start runs it to its end before the members (once: then"
      " removed)" },
    { 0 },
};

static int
cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct create_args a;
    struct engine_start_opts so = { .sig_proxy = true, .ready_fd = -1 };
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    char *arg;

    /* podman's default keys (the run of a container made with -it only) */
    (void) engine_detach_keys_parse("ctrl-p,ctrl-q", so.detach_keys, &so.ndetach, NULL);
    int opt, code = 0, r;

    cmd_create_args_init(&a);
    while ((opt = cmd_getopt(&cmd_run_def, argc, argv, &arg)) != -1) {
        if (opt == 'd') {
            so.detach = cmd_flag_value(arg);
            continue;
        }
        if (opt == CO_SIG_PROXY) {
            so.sig_proxy = cmd_flag_value(arg);
            continue;
        }
        if (opt == RUN_DETACH_KEYS) {
            if (engine_detach_keys_parse(arg, so.detach_keys, &so.ndetach, &err) < 0) {
                cmd_create_args_free(&a);
                return cmd_report(&err);
            }
            continue;
        }
        if (opt == RUN_PRESERVE_FDS) {
            if (cmd_preserve_fds_check(arg, &so.preserve_fds, &err) < 0) {
                cmd_create_args_free(&a);
                return cmd_report(&err);
            }
            continue;
        }
        r = opt == CMD_OPT_HELP || opt == '?' ? 0 : cmd_create_opt(&a, opt, arg, &err);
        if (r <= 0) {
            cmd_create_args_free(&a);
            if (r < 0)
                return cmd_report(&err);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc) {
        cmd_create_args_free(&a);
        return cmd_usage_error(&cmd_run_def, "requires at least 1 arg(s), only received 0");
    }
    a.o.create_args = argv + 1; /* kept for generate systemd */
    r = cmd_create_container(ctx, &a, argv + optind, &c, &err);
    cmd_create_args_free(&a);
    if (r < 0)
        return cmd_report(&err);
    if (engine_monitor_start(&ctx->st, &c, &so, &code, &err) < 0) {
        /* never started: an engine failure leaves nothing; a command that
         * could not run stays, exited, as podman's */
        if (err.kind != PCON_ERR_EXEC && !c.cfg.rm)
            (void) engine_ctr_remove(&ctx->st, &c, true, NULL);
        engine_ctr_free(&c);
        return cmd_report(&err);
    }
    if (so.detach)
        printf("%s\n", c.cfg.id);
    engine_ctr_free(&c);
    return code;
}

static int
cmd_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct create_args a;
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    char *arg;
    int opt, r;

    cmd_create_args_init(&a);
    while ((opt = cmd_getopt(&cmd_create_def, argc, argv, &arg)) != -1) {
        r = opt == CMD_OPT_HELP || opt == '?' ? 0 : cmd_create_opt(&a, opt, arg, &err);
        if (r <= 0) {
            cmd_create_args_free(&a);
            if (r < 0)
                return cmd_report(&err);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc) {
        cmd_create_args_free(&a);
        return cmd_usage_error(&cmd_create_def, "requires at least 1 arg(s), only received 0");
    }
    a.o.create_args = argv + 1; /* kept for generate systemd */
    r = cmd_create_container(ctx, &a, argv + optind, &c, &err);
    cmd_create_args_free(&a);
    if (r < 0)
        return cmd_report(&err);
    printf("%s\n", c.cfg.id);
    engine_ctr_free(&c);
    return 0;
}

const struct cmd_def cmd_run_def = {
    "run",    cmd_run, "Run a command in a new container", "[options] IMAGE [COMMAND [ARG...]]",
    run_opts, true,
};

const struct cmd_def cmd_create_def = {
    "create",
    cmd_create,
    "Create but do not start a container",
    "[options] IMAGE [COMMAND [ARG...]]",
    create_opts,
    true,
};
