// SPDX-License-Identifier: Apache-2.0
/* The k8s-file container log: records, the monitor's writer, the reader
 * of logs and attach (inotify while following, a poll as fallback). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/timefmt.h"
#include "container.h"
#include "ctr_log.h"

bool
engine_ctr_log_parse_line(const char *p, size_t n, struct ctr_log_line *l)
{
    const char *end = p + n, *sp1 = memchr(p, ' ', n), *stream, *flag;
    size_t slen;

    if (sp1 == NULL || sp1 == p)
        return false; /* a timestamp first */
    stream = sp1 + 1;
    flag = memchr(stream, ' ', (size_t) (end - stream));
    if (flag == NULL)
        return false;
    slen = (size_t) (flag - stream);
    flag++;
    if (slen != 6 || (memcmp(stream, "stdout", 6) != 0 && memcmp(stream, "stderr", 6) != 0))
        return false;
    /* "F" or "P", then a space and the text, or nothing: an empty line */
    if (flag >= end || (*flag != 'F' && *flag != 'P') || (flag + 1 < end && flag[1] != ' '))
        return false;
    l->ts = p;
    l->tslen = (size_t) (sp1 - p);
    l->err = stream[5] == 'r';
    l->full = *flag == 'F';
    l->text = flag + 1 < end ? flag + 2 : end;
    l->len = (size_t) (end - l->text);
    return true;
}

/* --- writing --- */

int
engine_ctr_log_open(struct ctr_log_writer *w, struct store *st, const struct container *c,
                    struct pcon_err *err)
{
    cleanup_free char *path = NULL;

    w->fd = -1;
    w->max = c->cfg.log_max_size;
    if (c->cfg.log_driver != LOG_K8S_FILE)
        return 0;
    path = engine_ctr_log_path(st, c->cfg.id);
    w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (w->fd < 0)
        return pcon_fail(err, errno, "open log \"%s\"", path);
    return 0;
}

void
engine_ctr_log_close(struct ctr_log_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

/* F for a full line, P for the part of one that has not ended yet */
void
engine_ctr_log_write(struct ctr_log_writer *w, bool err, const char *buf, size_t len)
{
    long long size = 0;
    char ts[64];
    const char *p = buf, *end = buf + len;
    struct stat st;

    if (w->fd < 0)
        return;
    if (w->max > 0 && fstat(w->fd, &st) == 0)
        size = st.st_size;
    time_format_rfc3339(time_now_ns(), ts, sizeof ts);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        struct iovec iov[3];
        char head[96];
        int hl =
            snprintf(head, sizeof head, "%s %s %c ", ts, err ? "stderr" : "stdout", nl ? 'F' : 'P');

        iov[0] = (struct iovec){ head, (size_t) hl };
        iov[1] = (struct iovec){ (void *) p, n };
        iov[2] = (struct iovec){ "\n", 1 };
        if (w->max > 0) {
            long long line = hl + (long long) n + 1;
            if (size + line > w->max) {
                (void) ftruncate(w->fd, 0); /* the log starts over, as conmon's */
                size = 0;
            }
            size += line;
        }
        /* one writev per line: concurrent readers never see half a line */
        (void) !writev(w->fd, iov, 3);
        p += n + (nl ? 1 : 0);
    }
}

/* --- reading --- */

struct reader {
    const struct engine_log_opts *o;
    engine_log_cb cb;
    void *opaque;
    long skip_full; /* full lines still to skip for --tail */
};

static bool
in_window(const struct engine_log_opts *o, const struct ctr_log_line *l)
{
    char ts[64];
    int64_t t;

    if (o->since < 0 && o->until < 0)
        return true;
    snprintf(ts, sizeof ts, "%.*s", (int) l->tslen, l->ts);
    t = time_parse_rfc3339(ts);
    return !(o->since >= 0 && t < o->since) && !(o->until >= 0 && t > o->until);
}

/* Shows the records of buf[0..n); returns how much was consumed (whole
 * lines only). */
static size_t
show_records(struct reader *r, const char *buf, size_t n)
{
    size_t off = 0;

    while (off < n) {
        const char *nl = memchr(buf + off, '\n', n - off);
        struct ctr_log_line l;

        if (nl == NULL)
            break;
        if (engine_ctr_log_parse_line(buf + off, (size_t) (nl - buf - off), &l)
            && in_window(r->o, &l)) {
            if (r->skip_full > 0)
                r->skip_full -= l.full;
            else
                r->cb(&l, r->opaque);
        }
        off = (size_t) (nl - buf) + 1;
    }
    r->cb(NULL, r->opaque);
    return off;
}

/* lines in the log: every full one, and a last one still partial */
static long
count_lines(const char *buf, size_t n)
{
    bool last_partial = false;
    long count = 0;

    for (size_t off = 0; off < n;) {
        const char *nl = memchr(buf + off, '\n', n - off);
        struct ctr_log_line l;
        if (nl == NULL)
            break;
        if (engine_ctr_log_parse_line(buf + off, (size_t) (nl - buf - off), &l)) {
            count += l.full;
            last_partial = !l.full;
        }
        off = (size_t) (nl - buf) + 1;
    }
    return count + last_partial;
}

/* what is written from off on, until the container is no longer running */
static int
follow(struct store *st, struct container *c, struct reader *r, const char *path, off_t off)
{
    cleanup_close int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

    r->skip_full = 0;
    if (ino >= 0)
        (void) inotify_add_watch(ino, path, IN_MODIFY); /* else: polling only */
    for (;;) {
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        bool alive;

        engine_ctr_state_reload(st, c);
        alive = engine_ctr_is_active(c);
        if (fd >= 0 && fstat(fd, &sb) == 0) {
            if (sb.st_size < off)
                off = 0; /* the log was cut at its maximum size */
            if (sb.st_size > off) {
                size_t n = (size_t) (sb.st_size - off);
                cleanup_free char *buf = xmalloc(n);
                ssize_t got = pread(fd, buf, n, off);
                if (got > 0)
                    off += (off_t) show_records(r, buf, (size_t) got);
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

int
engine_ctr_log_read(struct store *st, struct container *c, const struct engine_log_opts *o,
                    engine_log_cb cb, void *opaque, struct pcon_err *err)
{
    cleanup_free char *path = engine_ctr_log_path(st, c->cfg.id);
    cleanup_free char *buf = NULL;
    struct reader r = { .o = o, .cb = cb, .opaque = opaque };
    size_t n = 0, used;

    if (c->cfg.log_driver != LOG_K8S_FILE)
        return pcon_fail(err, 0,
                         "this container is using the '%s' log driver, cannot read logs:"
                         " this container is not logging output",
                         engine_log_driver_name(c->cfg.log_driver));
    if (o->from >= 0)
        return follow(st, c, &r, path, o->from);
    buf = fs_read_all(AT_FDCWD, path, (size_t) 1 << 34, &n, NULL);
    if (buf == NULL) {
        buf = xstrdup("");
        n = 0;
    }
    if (o->tail >= 0) {
        long total = count_lines(buf, n);
        /* the lines to skip are all full ones */
        r.skip_full = total > o->tail ? total - o->tail : 0;
    }
    used = show_records(&r, buf, n);
    if (o->follow)
        return follow(st, c, &r, path, (off_t) used);
    return 0;
}

off_t
engine_ctr_log_end(struct store *st, const struct container *c)
{
    cleanup_free char *path = engine_ctr_log_path(st, c->cfg.id);
    struct stat sb;

    return stat(path, &sb) == 0 ? sb.st_size : 0;
}
