// SPDX-License-Identifier: Apache-2.0
/* pcon logs: reads the k8s-file log, "<RFC3339Nano> stdout|stderr F|P <text>". */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/ctr_log.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/timefmt.h"
#include "cmd.h"

enum { LOGS_TAIL = 0x300, LOGS_SINCE, LOGS_UNTIL };

static const struct cmd_opt logs_opts[] = {
    { 'f', "follow", 'f', NULL, "Follow log output" },
    { 'l', "latest", 'l', NULL, "Act on the latest container created" },
    { 'n', "names", 'n', NULL, "Output the container name in the log" },
    { LOGS_SINCE, "since", 0, "TIMESTAMP", "Show logs since TIMESTAMP (or a duration: 10m)" },
    { LOGS_TAIL, "tail", 0, "N", "Output the last N lines (default -1: all)" },
    { 't', "timestamps", 't', NULL, "Output the timestamps in the log" },
    { LOGS_UNTIL, "until", 0, "TIMESTAMP", "Show logs until TIMESTAMP" },
    { 0 },
};

struct logs_args {
    bool follow, names, timestamps;
    long tail;
    int64_t since, until;
    off_t from; /* >= 0: only what comes after this offset of the log */
};

static bool
in_window(const struct logs_args *a, const struct ctr_log_line *l)
{
    char ts[64];
    int64_t t;

    if (a->since < 0 && a->until < 0)
        return true;
    snprintf(ts, sizeof ts, "%.*s", (int) l->tslen, l->ts);
    t = time_parse_rfc3339(ts);
    return !(a->since >= 0 && t < a->since) && !(a->until >= 0 && t > a->until);
}

/* midline: per stream, whether a partial line is being continued */
static void
emit(const struct logs_args *a, const struct container *c, const struct ctr_log_line *l,
     bool *midline)
{
    FILE *f = l->err ? stderr : stdout;

    /* keep the log's order where both streams end up together */
    fflush(l->err ? stdout : stderr);
    midline += l->err;
    if (!*midline) {
        if (a->names)
            fprintf(f, "%.12s ", c->cfg.name);
        if (a->timestamps)
            fprintf(f, "%.*s ", (int) l->tslen, l->ts);
    }
    fwrite(l->text, 1, l->len, f);
    if (l->full)
        fputc('\n', f);
    *midline = !l->full;
}

/* Prints the lines of buf[0..n); returns how much was consumed (whole
 * lines only). skip_full: full lines still to skip for --tail. */
static size_t
print_lines(const struct logs_args *a, const struct container *c, const char *buf, size_t n,
            long *skip_full, bool *midline)
{
    size_t off = 0;

    while (off < n) {
        const char *nl = memchr(buf + off, '\n', n - off);
        struct ctr_log_line l;

        if (nl == NULL)
            break;
        if (engine_ctr_log_parse_line(buf + off, (size_t) (nl - buf - off), &l)
            && in_window(a, &l)) {
            if (*skip_full > 0) {
                if (l.full)
                    (*skip_full)--;
            } else {
                emit(a, c, &l, midline);
            }
        }
        off = (size_t) (nl - buf) + 1;
    }
    fflush(stdout);
    fflush(stderr);
    return off;
}

/* lines in the log: every full one, and a last one still partial */
static long
count_lines(const char *buf, size_t n, bool *last_partial)
{
    long count = 0;

    *last_partial = false;
    for (size_t off = 0; off < n;) {
        const char *nl = memchr(buf + off, '\n', n - off);
        struct ctr_log_line l;
        if (nl == NULL)
            break;
        if (engine_ctr_log_parse_line(buf + off, (size_t) (nl - buf - off), &l)) {
            count += l.full;
            *last_partial = !l.full;
        }
        off = (size_t) (nl - buf) + 1;
    }
    return count + *last_partial;
}

static bool
running(const struct container *c)
{
    return c->state.status == CTR_RUNNING || c->state.status == CTR_STOPPING
           || c->state.status == CTR_PAUSED;
}

static int
follow(struct cmd_ctx *ctx, struct container *c, const struct logs_args *a, const char *path,
       off_t off, bool *midline)
{
    cleanup_close int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    long skip = 0;

    if (ino >= 0)
        (void) inotify_add_watch(ino, path, IN_MODIFY); /* else: polling only */
    for (;;) {
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        bool alive;

        engine_ctr_state_reload(&ctx->st, c, NULL);
        alive = running(c);
        if (fd >= 0 && fstat(fd, &st) == 0) {
            if (st.st_size < off)
                off = 0; /* the log was cut at its maximum size */
            if (st.st_size > off) {
                size_t n = (size_t) (st.st_size - off);
                cleanup_free char *buf = xmalloc(n);
                ssize_t r = pread(fd, buf, n, off);
                if (r > 0)
                    off += (off_t) print_lines(a, c, buf, (size_t) r, &skip, midline);
                continue;
            }
        }
        if (!alive)
            return 0;
        {
            struct pollfd pf = { ino, POLLIN, 0 };
            char evbuf[4096];
            if (poll(&pf, ino >= 0 ? 1 : 0, 100) > 0)
                while (read(ino, evbuf, sizeof evbuf) > 0)
                    ;
        }
    }
}

static int
logs_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
         struct pcon_err *err)
{
    const struct logs_args *a = opaque;
    cleanup_free char *path = engine_ctr_log_path(&ctx->st, c->cfg.id);
    cleanup_free char *buf = NULL;
    bool midline[2] = { false, false };
    size_t n = 0, used;
    long skip = 0;

    (void) name;
    if (c->cfg.log_driver != LOG_K8S_FILE)
        return pcon_fail(err, 0,
                         "this container is using the '%s' log driver, cannot read logs:"
                         " this container is not logging output",
                         engine_log_driver_name(c->cfg.log_driver));
    if (a->from >= 0)
        return follow(ctx, c, a, path, a->from, midline);
    buf = fs_read_all(AT_FDCWD, path, (size_t) 1 << 34, &n, NULL);
    if (buf == NULL) {
        buf = xstrdup("");
        n = 0;
    }
    if (a->tail >= 0) {
        bool last_partial;
        long total = count_lines(buf, n, &last_partial);
        /* the lines to skip are all full ones */
        skip = total > a->tail ? total - a->tail : 0;
    }
    used = print_lines(a, c, buf, n, &skip, midline);
    if (a->follow)
        return follow(ctx, c, a, path, (off_t) used, midline);
    return 0;
}

static int
cmd_logs(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct logs_args a = { .tail = -1, .since = -1, .until = -1, .from = -1 };
    cleanup_err struct pcon_err err = { 0 };
    char *arg, *end, *latest[2] = { NULL, NULL };
    bool want_latest = false;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_logs_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'f':
            a.follow = cmd_flag_value(arg);
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
        case LOGS_TAIL:
            a.tail = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0')
                return cmd_usage_error(&cmd_logs_def, "invalid value \"%s\" for --tail", arg);
            break;
        case LOGS_SINCE:
        case LOGS_UNTIL: {
            int64_t t = time_parse_point(arg, time_now_ns());
            if (t < 0)
                return cmd_usage_error(&cmd_logs_def, "invalid time \"%s\"", arg);
            *(opt == LOGS_SINCE ? &a.since : &a.until) = t;
            break;
        }
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (want_latest) {
        struct container *v = NULL;
        size_t n = 0;
        if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        latest[0] = n > 0 ? xstrdup(v[0].cfg.id) : NULL;
        engine_ctr_list_free(v, n);
    } else if (optind >= argc) {
        return cmd_usage_error(&cmd_logs_def, "requires at least 1 arg(s), only received 0");
    }
    if (argc - optind > 1)
        a.names = true;
    code = cmd_each_container(ctx, want_latest ? latest : argv + optind, false, false,
                              PCON_EXIT_ENGINE, logs_one, &a);
    free(latest[0]);
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
    cleanup_free char *path = engine_ctr_log_path(&ctx->st, c->cfg.id);
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : 0;
}

int
cmd_logs_attach(struct cmd_ctx *ctx, struct container *c, off_t from, struct pcon_err *err)
{
    struct logs_args a = { .follow = true, .tail = 0, .since = -1, .until = -1, .from = from };

    return logs_one(ctx, c, c->cfg.name, &a, err);
}
