// SPDX-License-Identifier: Apache-2.0
/* pcon logs: reads the k8s-file log, "<RFC3339Nano> stdout|stderr F|P <text>". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/ctr_log.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/log.h"
#include "../lib/timefmt.h"
#include "cmd.h"

enum { LOGS_TAIL = 0x300, LOGS_SINCE, LOGS_UNTIL, LOGS_COLOR };

static const struct cmd_opt logs_opts[] = {
    { LOGS_COLOR, "color", 0, NULL, "Output the containers with different colors in the log" },
    { 'f', "follow", 'f', NULL, "Follow log output" },
    CMD_LATEST_OPT,
    { 'n', "names", 'n', NULL, "Output the container name in the log" },
    { LOGS_SINCE, "since", 0, "TIMESTAMP", "Show logs since TIMESTAMP (or a duration: 10m)" },
    { LOGS_TAIL, "tail", 0, "N", "Output the last N lines (default -1: all)" },
    { 't', "timestamps", 't', NULL, "Output the timestamps in the log" },
    { LOGS_UNTIL, "until", 0, "TIMESTAMP", "Show logs until TIMESTAMP" },
    { 0 },
};

struct logs_args {
    bool names, ids, timestamps;
    bool color;      /* each container's lines in a color of its own, as podman's */
    int next_color;  /* the next container's */
    bool line_flush; /* each line written whole as it comes (several followed at once) */
    struct engine_log_opts o;
};

struct emitter {
    const struct logs_args *a;
    const struct container *c;
    int color;       /* the ANSI code of its lines, or 0 */
    bool midline[2]; /* per stream, whether a partial line is being continued */
};

/* podman's colors, one per container in turn: white, red, green, yellow,
 * blue, magenta, cyan */
static int
color_next(struct logs_args *a)
{
    static const int codes[] = { 37, 31, 32, 33, 34, 35, 36 };

    if (!a->color)
        return 0;
    return codes[a->next_color++ % (int) (sizeof codes / sizeof codes[0])];
}

static void
emit_cb(const struct ctr_log_line *l, void *opaque)
{
    struct emitter *e = opaque;
    FILE *f;
    bool *midline;

    if (l == NULL) {
        fflush(stdout);
        fflush(stderr);
        return;
    }
    f = l->err ? stderr : stdout;
    midline = &e->midline[l->err];
    /* keep the log's order where both streams end up together */
    fflush(l->err ? stdout : stderr);
    if (!*midline) {
        if (e->color)
            fprintf(f, "\033[%dm", e->color);
        if (e->a->names || e->a->ids)
            fprintf(f, e->a->ids ? "%.12s " : "%s ", e->a->ids ? e->c->cfg.id : e->c->cfg.name);
        if (e->a->timestamps)
            fprintf(f, "%.*s ", (int) l->tslen, l->ts);
    }
    fwrite(l->text, 1, l->len, f);
    if (l->full && e->color)
        fputs("\033[0m", f);
    if (l->full)
        fputc('\n', f);
    if (l->full && e->a->line_flush)
        fflush(f);
    *midline = !l->full;
}

/* Several logs followed at once, as podman does: a process each, each
 * line written whole as it comes; done when every container has ended.
 * Returns the exit code (a follower's error is its own to print). */
static int
follow_each(struct cmd_ctx *ctx, struct container *v, size_t n, const struct logs_args *a)
{
    pid_t *pids = xzalloc((n ? n : 1) * sizeof *pids);
    struct logs_args fa = *a;
    int code = 0;

    fa.line_flush = true;
    fflush(stdout);
    fflush(stderr);
    for (size_t i = 0; i < n; i++) {
        int color = color_next(&fa);
        pids[i] = fork();
        if (pids[i] < 0) {
            pcon_warn("fork a log follower: %s", strerror(errno));
            code = PCON_EXIT_ENGINE;
            break;
        }
        if (pids[i] == 0) {
            struct pcon_err err = { 0 };
            struct emitter e = { .a = &fa, .c = &v[i], .color = color };
            int r = engine_ctr_log_read(&ctx->st, &v[i], &fa.o, emit_cb, &e, &err);
            fflush(stdout);
            if (r < 0)
                (void) cmd_report(&err);
            _exit(r < 0 ? PCON_EXIT_ENGINE : 0);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int status;
        if (pids[i] <= 0)
            continue;
        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            code = PCON_EXIT_ENGINE;
    }
    free(pids);
    return code;
}

static int
logs_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    struct logs_args *a = opaque;
    struct emitter e = { .a = a, .c = c, .color = color_next(a) };

    (void) name;
    return engine_ctr_log_read(&ctx->st, c, &a->o, emit_cb, &e, err);
}

static int
cmd_logs(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct logs_args a = { .o = { .tail = -1, .since = -1, .until = -1, .from = -1 } };
    cleanup_err struct pcon_err err = { 0 };
    char *arg, *end;
    bool want_latest = false;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_logs_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'f':
            a.o.follow = cmd_flag_value(arg);
            break;
        case 'l':
            want_latest = true;
            break;
        case 'n':
            a.names = cmd_flag_value(arg);
            break;
        case 't':
            a.timestamps = cmd_flag_value(arg);
            break;
        case LOGS_COLOR:
            a.color = cmd_flag_value(arg);
            break;
        case LOGS_TAIL:
            a.o.tail = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0')
                return cmd_usage_error(&cmd_logs_def, "invalid value \"%s\" for --tail", arg);
            break;
        case LOGS_SINCE:
        case LOGS_UNTIL: {
            int64_t t = time_parse_point(arg, time_now_ns());
            if (t < 0)
                return cmd_usage_error(&cmd_logs_def, "invalid time \"%s\"", arg);
            *(opt == LOGS_SINCE ? &a.o.since : &a.o.until) = t;
            break;
        }
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (want_latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (optind >= argc) {
        return cmd_usage_error(&cmd_logs_def, "requires at least 1 arg(s), only received 0");
    }
    /* several: each line after its container's short id (--names: name) */
    if (argc - optind > 1 && !a.names)
        a.ids = true;
    if (a.o.follow && argc - optind > 1) {
        struct container *v = xzalloc((size_t) (argc - optind) * sizeof *v);
        size_t n = 0;
        cleanup_err struct pcon_err lerr = { 0 };
        code = cmd_store_open(ctx, &lerr) < 0 ? cmd_report(&lerr) : 0;
        for (int i = optind; code == 0 && i < argc; i++) {
            if (engine_ctr_load(&ctx->st, argv[i], &v[n], &lerr) < 0)
                code = cmd_report(&lerr);
            else
                n++;
        }
        if (code == 0)
            code = follow_each(ctx, v, n, &a);
        engine_ctr_list_free(v, n);
        return code;
    }
    code = cmd_each_container(ctx, argv + optind, false, false, PCON_EXIT_ENGINE, logs_one, &a);
    return code;
}

const struct cmd_def cmd_logs_def = {
    "logs",
    cmd_logs,
    "Fetch the logs of one or more containers",
    "[options] CONTAINER [CONTAINER...]",
    logs_opts,
};

off_t
cmd_logs_end(struct cmd_ctx *ctx, const struct container *c)
{
    return engine_ctr_log_end(&ctx->st, c);
}

int
cmd_logs_attach(struct cmd_ctx *ctx, struct container *c, off_t from, struct pcon_err *err)
{
    struct logs_args a = {
        .o = { .follow = true, .tail = 0, .since = -1, .until = -1, .from = from }
    };

    return logs_one(ctx, c, c->cfg.name, &a, err);
}

int
cmd_logs_print(struct cmd_ctx *ctx, struct container *v, size_t n, bool id_prefix, bool names,
               bool color, bool timestamps, const struct engine_log_opts *o)
{
    struct logs_args a = {
        .ids = id_prefix && !names,
        .names = names,
        .color = color,
        .timestamps = timestamps,
        .o = *o,
    };
    cleanup_err struct pcon_err err = { 0 };

    if (o->follow && n > 1)
        return follow_each(ctx, v, n, &a);
    for (size_t i = 0; i < n; i++) {
        struct emitter e = { .a = &a, .c = &v[i], .color = color_next(&a) };
        if (engine_ctr_log_read(&ctx->st, &v[i], &a.o, emit_cb, &e, &err) < 0)
            return cmd_report(&err);
    }
    return 0;
}
