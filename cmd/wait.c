// SPDX-License-Identifier: Apache-2.0
/* pcon wait: until each container exits (its exit code printed), or until
 * it is in one of the --condition states (-1 printed, as podman does) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/timefmt.h"
#include "cmd.h"

enum { WAIT_CONDITION = 0x300 };

static const struct cmd_opt wait_opts[] = {
    { WAIT_CONDITION, "condition", 0, "STATE",
      "Wait until the container is in this state: created, running, paused, stopping, exited,"
      " stopped (default); may be given more than once" },
    { 'i', "interval", 'i', "DURATION",
      "How often to look at a state other than exited (default 250ms; a plain number: ms)" },
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

struct wait_req {
    char **states; /* NULL: until it exits */
    int64_t interval_ns;
};

static int
wait_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    const struct wait_req *w = opaque;

    (void) name;
    (void) err; /* waiting cannot fail */
    if (w->states == NULL) {
        /* never started: nothing to wait for, 0 as podman prints it */
        int code = engine_ctr_wait(&ctx->st, c);
        printf("%d\n", c->state.status == CTR_CREATED && code < 0 ? 0 : code);
        fflush(stdout);
        return 0;
    }
    for (;;) {
        const char *now = engine_ctr_status_name(c->state.status);
        bool done = strv_contains(w->states, now);
        if (strv_contains(w->states, "exited") && !engine_ctr_is_active(c)
            && c->state.status != CTR_CREATED) {
            printf("%d\n", c->state.exit_code);
            fflush(stdout);
            return 0;
        }
        if (done)
            break;
        usleep((useconds_t) (w->interval_ns / 1000));
        engine_ctr_state_reload(&ctx->st, c);
    }
    printf("-1\n");
    fflush(stdout);
    return 0;
}

static int
cmd_wait(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const known[] = { "created", "running", "paused",      "stopping",
                                         "exited",  "stopped", "initialized", NULL };
    cleanup_strv char **states = NULL;
    struct wait_req w = { NULL, 250000000LL };
    bool latest = false, until_exit = false;
    char *arg, *end;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_wait_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case WAIT_CONDITION: {
            cleanup_free char *copy = xstrdup(arg);
            char *save = NULL;
            for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
                bool ok = false;
                for (size_t k = 0; known[k]; k++)
                    ok |= strcmp(known[k], s) == 0;
                if (!ok) {
                    fprintf(stderr, "Error: unknown container state: %s\n", s);
                    return PCON_EXIT_ENGINE;
                }
                /* stopped and exited: both mean it ended */
                if (strcmp(s, "stopped") == 0 || strcmp(s, "exited") == 0)
                    until_exit = true;
                else
                    strv_push(&states, s);
            }
            break;
        }
        case 'i':
            w.interval_ns = strtoll(arg, &end, 10) * 1000000LL;
            if (*arg == '\0' || *end != '\0')
                w.interval_ns = time_parse_duration(arg);
            if (w.interval_ns <= 0) {
                fprintf(stderr, "Error: time: invalid duration \"%s\"\n", arg);
                return PCON_EXIT_ENGINE;
            }
            break;
        case 'l':
            latest = true;
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (optind >= argc)
        return cmd_usage_error(&cmd_wait_def, "requires at least 1 arg(s), only received 0");
    if (states && until_exit)
        strv_push(&states, "exited");
    w.states = states;
    return cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, wait_one, &w);
}

const struct cmd_def cmd_wait_def = {
    "wait",
    cmd_wait,
    "Block on one or more containers and print their exit codes",
    "[options] CONTAINER [CONTAINER...]",
    wait_opts,
};
