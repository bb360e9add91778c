// SPDX-License-Identifier: Apache-2.0
/* Healthchecks, run with exec and recorded in the run directory. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "health.h"

#define HEALTH_OUTPUT_MAX 4096
#define HEALTH_LOG_KEEP   5

/* the run directory, locked for a read-modify-write of health.json */
static int
health_dir(struct store *st, const struct container *c)
{
    cleanup_free char *dir = engine_ctr_rundir(st, c->cfg.id);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static char *
health_read(int dfd)
{
    return fs_read_all(dfd, "health.json", 1 << 20, NULL, NULL);
}

/* health.json anew: status, streak, the log's last entries and one more */
static void
health_write(int dfd, const char *status, long long streak, yajl_val old_log, const char *start,
             const char *end, int code, const char *output)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *text = NULL;
    size_t n = old_log && YAJL_IS_ARRAY(old_log) ? old_log->u.array.len : 0;
    size_t keep = start ? HEALTH_LOG_KEEP - 1 : HEALTH_LOG_KEEP;
    struct pcon_err err = { 0 };

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Status", status));
    JG(json_gen_kv_int(g, "FailingStreak", streak));
    JG(json_gen_str(g, "Log"));
    JG(yajl_gen_array_open(g));
    for (size_t i = n > keep ? n - keep : 0; i < n; i++)
        if (json_gen_value(g, old_log->u.array.values[i]) < 0)
            goto fail;
    if (start) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "Start", start));
        JG(json_gen_kv_str(g, "End", end));
        JG(json_gen_kv_int(g, "ExitCode", code));
        JG(json_gen_kv_str(g, "Output", output));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, NULL);
    if (fs_write_atomic(dfd, "health.json", text, strlen(text), 0600, false, &err) < 0)
        pcon_err_clear(&err); /* the next check writes it again */
    return;
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

void
engine_health_reset(struct store *st, const struct container *c)
{
    cleanup_close int dfd = -1;
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;

    if (c->cfg.health_test == NULL || (dfd = health_dir(st, c)) < 0)
        return;
    text = health_read(dfd);
    v = text ? json_parse(text, NULL) : NULL;
    health_write(dfd, "starting", 0, v ? json_get_arr(v, "Log") : NULL, NULL, NULL, 0, NULL);
}

/* runs the test in c with exec, its stdout and stderr into out (at most
 * HEALTH_OUTPUT_MAX bytes), killed past the timeout; its exit code */
static int
health_run(struct store *st, struct container *c, char **out)
{
    const struct ctr_config *g = &c->cfg;
    cleanup_strv char **args = NULL;
    int p[2], status = 0;
    size_t len = 0;
    int64_t deadline = time_now_ns() + g->health_timeout;
    bool timed_out = false;
    pid_t pid;

    *out = xzalloc(HEALTH_OUTPUT_MAX + 1);
    if (strcmp(g->health_test[0], "CMD-SHELL") == 0) {
        strv_push(&args, "/bin/sh");
        strv_push(&args, "-c");
        strv_push(&args, g->health_test[1]);
    } else {
        for (size_t i = 1; g->health_test[i]; i++)
            strv_push(&args, g->health_test[i]);
    }
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        struct engine_exec_opts o = { .args = args };
        struct pcon_err err = { 0 };
        int code = 125, nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (nul < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(125);
        if (engine_ctr_exec(st, c, &o, &code, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg ? err.msg : "exec failed");
            _exit(err.kind == PCON_ERR_EXEC ? (err.errnum == ENOENT ? 127 : 126) : 125);
        }
        _exit(code);
    }
    close(p[1]);
    for (;;) {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        int64_t left = (deadline - time_now_ns()) / 1000000;
        char buf[1024];
        ssize_t n;
        if (left <= 0) {
            timed_out = true;
            break;
        }
        if (poll(&pfd, 1, (int) (left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
            break;
        if (!(pfd.revents & (POLLIN | POLLHUP)))
            continue;
        n = read(p[0], buf, sizeof buf);
        if (n <= 0)
            break;
        if (len < HEALTH_OUTPUT_MAX) {
            size_t take =
                (size_t) n < HEALTH_OUTPUT_MAX - len ? (size_t) n : HEALTH_OUTPUT_MAX - len;
            memcpy(*out + len, buf, take);
            len += take;
        }
    }
    close(p[0]);
    if (timed_out)
        (void) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out) {
        free(*out);
        *out = xstrdup("healthcheck command exceeded timeout");
        return -1;
    }
    /* the output without its last newline, as podman keeps it */
    while (len > 0 && (*out)[len - 1] == '\n')
        (*out)[--len] = '\0';
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
engine_health_check(struct store *st, struct container *c, bool *healthy, struct pcon_err *err)
{
    cleanup_close int dfd = -1;
    cleanup_free char *out = NULL, *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    char start[64], end[64];
    const char *status = "starting";
    int64_t streak = 0, started = time_parse_rfc3339(c->state.started_at);
    int code;
    bool counted;

    if (c->cfg.health_test == NULL)
        return pcon_fail(err, 0, "container %s has no defined healthcheck", c->cfg.name);
    if (c->state.status != CTR_RUNNING)
        return pcon_fail(err, 0, "container %s is not running", c->cfg.id);
    time_format_rfc3339(time_now_ns(), start, sizeof start);
    code = health_run(st, c, &out);
    time_format_rfc3339(time_now_ns(), end, sizeof end);
    *healthy = code == 0;
    dfd = health_dir(st, c);
    if (dfd < 0)
        return pcon_fail(err, errno, "record the healthcheck of %s", c->cfg.name);
    text = health_read(dfd);
    v = text ? json_parse(text, NULL) : NULL;
    if (v) {
        const char *s = json_get_str(v, "Status");
        if (s && (strcmp(s, "healthy") == 0 || strcmp(s, "unhealthy") == 0))
            status = s;
        if (!json_get_int(v, "FailingStreak", &streak) || streak < 0)
            streak = 0;
    }
    /* failures in the start period do not count, as podman's */
    counted = !(c->cfg.health_start_period > 0 && started > 0
                && time_now_ns() - started < c->cfg.health_start_period);
    if (*healthy) {
        status = "healthy";
        streak = 0;
    } else if (counted && ++streak >= c->cfg.health_retries) {
        status = "unhealthy";
    }
    health_write(dfd, status, streak, v ? json_get_arr(v, "Log") : NULL, start, end, code, out);
    return 0;
}

char *
engine_health_json(struct store *st, const struct container *c)
{
    cleanup_free char *dir = NULL;
    cleanup_close int dfd = -1;

    if (c->cfg.health_test == NULL)
        return NULL;
    dir = engine_ctr_rundir(st, c->cfg.id);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return dfd < 0 ? NULL : health_read(dfd);
}

char *
engine_health_status(struct store *st, const struct container *c)
{
    cleanup_free char *text = engine_health_json(st, c);
    cleanup_yajl_val yajl_val v = text ? json_parse(text, NULL) : NULL;
    const char *s = v ? json_get_str(v, "Status") : NULL;

    return s ? xstrdup(s) : NULL;
}
