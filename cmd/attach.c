// SPDX-License-Identifier: Apache-2.0
/* pcon attach: the container's output from now on (its log), our stdin to
 * its stdin through the monitor's attach socket (containers made with -i),
 * and its exit code. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "../engine/attach.h"
#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum { ATTACH_NO_STDIN = 0x300, ATTACH_SIG_PROXY, ATTACH_DETACH_KEYS };

static const struct cmd_opt attach_opts[] = {
    { ATTACH_DETACH_KEYS, "detach-keys", 0, "KEYS",
      "The keys that detach, the container running on (default ctrl-p,ctrl-q; \"\": none)" },
    { ATTACH_NO_STDIN, "no-stdin", 0, NULL, "Do not attach STDIN" },
    CMD_LATEST_OPT,
    { ATTACH_SIG_PROXY, "sig-proxy", 0, NULL, "Accepted for compatibility" },
    { 0 },
};

/* the detach keys came (the stdin feeder says so): gone, the container on */
static void
detached(int sig)
{
    (void) sig;
    _exit(0);
}

static int
cmd_attach(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool no_stdin = false, latest = false;
    struct container c;
    char *arg;
    int opt, code;
    unsigned char keys[32];
    size_t nkeys = 0;

    if (engine_detach_keys_parse("ctrl-p,ctrl-q", keys, &nkeys, &err) < 0)
        return cmd_report(&err);
    while ((opt = cmd_getopt(&cmd_attach_def, argc, argv, &arg)) != -1) {
        if (opt == ATTACH_DETACH_KEYS) {
            if (engine_detach_keys_parse(arg, keys, &nkeys, &err) < 0)
                return cmd_report(&err);
        } else if (opt == ATTACH_NO_STDIN)
            no_stdin = cmd_flag_value(arg);
        else if (opt == 'l')
            latest = true;
        else if (opt != ATTACH_SIG_PROXY)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_attach_def, "attach requires the name or id of one running"
                                                " container");
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return cmd_report(&err);
    if (c.state.status != CTR_RUNNING) {
        engine_ctr_free(&c);
        pcon_fail(&err, 0, "you can only attach to running containers");
        return cmd_report(&err);
    }
    if (cmd_attach_session(ctx, &c, !no_stdin, keys, nkeys, false, &code, &err) < 0)
        code = cmd_report(&err);
    engine_ctr_free(&c);
    return code;
}

int
cmd_attach_session(struct cmd_ctx *ctx, struct container *c, bool with_stdin,
                   const unsigned char *keys, size_t nkeys, bool release, int *code,
                   struct pcon_err *err)
{
    cleanup_free char *rundir = NULL;
    pid_t feeder = -1;
    off_t from;
    int r = 0;

    /* the output from here on: taken before stdin (or the start) can make
     * the container write */
    from = cmd_logs_end(ctx, c);
    if (c->cfg.interactive && with_stdin) {
        rundir = engine_ctr_rundir(&ctx->st, c->cfg.id);
        if (nkeys)
            signal(SIGUSR1, detached);
        feeder = engine_attach_feed_stdin(rundir, keys, nkeys, err);
        if (feeder < 0)
            return -1;
    }
    if ((release && engine_ctr_release(&ctx->st, c, err) < 0)
        || cmd_logs_attach(ctx, c, from, err) < 0) {
        r = -1;
    } else {
        engine_ctr_state_reload(&ctx->st, c);
        *code = c->state.exit_code < 0 ? 0 : c->state.exit_code;
    }
    if (feeder > 0) {
        (void) kill(feeder, SIGTERM); /* our own child, still unreaped: its pid is its own */
        (void) waitpid(feeder, NULL, 0);
    }
    return r;
}

const struct cmd_def cmd_attach_def = {
    "attach", cmd_attach, "Attach to a running container", "[options] CONTAINER", attach_opts,
};
