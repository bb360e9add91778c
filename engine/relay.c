// SPDX-License-Identifier: Apache-2.0
/* Relaying a container process's stdio on an event loop. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/fsutil.h"
#include "relay.h"

void
engine_relay_init(struct relay *r)
{
    memset(r, 0, sizeof *r);
    r->out = r->err = r->in = r->to = r->pty = -1;
}

/* an output has ended: a pipe is closed, the terminal stays its owner's */
static void
output_end(struct relay *r, int *fd)
{
    loop_unwatch(r->loop, *fd);
    if (*fd != r->pty)
        close(*fd);
    *fd = -1;
    if (r->out < 0 && r->err < 0 && r->ended)
        r->ended(r, r->opaque);
}

enum read_result { READ_DATA, READ_AGAIN, READ_END };

/* one read; the end is EOF, or EIO: the terminal's last user left */
static enum read_result
output_read(struct relay *r, int fd, enum relay_stream s)
{
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);

    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? READ_AGAIN : READ_END;
    if (n == 0)
        return READ_END;
    if (r->tap)
        r->tap(r->opaque, s, buf, (size_t) n);
    if (r->echo && !r->mute[s == RELAY_STDOUT ? 0 : 1])
        (void) fs_write_all((int) s, buf, (size_t) n); /* a closed stdout is the user's */
    return READ_DATA;
}

static void
output_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct relay *r = opaque;
    enum relay_stream s = fd == r->out ? RELAY_STDOUT : RELAY_STDERR;

    (void) l;
    (void) events;
    if (output_read(r, fd, s) == READ_END)
        output_end(r, s == RELAY_STDOUT ? &r->out : &r->err);
}

static void stdin_cb(struct loop *l, int fd, uint32_t events, void *opaque);

/* while input is pending, the loop waits for `to` to take it, not for more */
static void
stdin_rearm(struct relay *r)
{
    if (r->in < 0)
        return;
    if (r->plen > 0 || r->in_file) {
        loop_unwatch(r->loop, r->in);
        if (r->to != r->out)
            (void) loop_watch(r->loop, r->to, EPOLLOUT, stdin_cb, r, NULL);
        else /* the terminal is watched for output already: both on one watch */
            (void) loop_watch(r->loop, r->to, EPOLLIN | EPOLLOUT, stdin_cb, r, NULL);
    } else {
        if (r->to == r->out)
            (void) loop_watch(r->loop, r->to, EPOLLIN, output_cb, r, NULL);
        else if (r->to >= 0)
            loop_unwatch(r->loop, r->to);
        (void) loop_watch(r->loop, r->in, EPOLLIN, stdin_cb, r, NULL);
    }
}

static void
stdin_flush(struct relay *r)
{
    ssize_t n = write(r->to, r->pend + r->poff, r->plen);

    if (n > 0) {
        r->poff += (size_t) n;
        r->plen -= (size_t) n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        r->plen = 0; /* the process closed its stdin */
        engine_relay_stdin_stop(r);
    }
}

static void
stdin_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct relay *r = opaque;

    (void) l;
    /* a file is always readable: it is read when `to` can take more */
    if (fd == r->in || (r->in_file && r->plen == 0 && (events & EPOLLOUT))) {
        char keyed[sizeof r->pend - 32];
        ssize_t got =
            read(r->in, r->detach ? keyed : r->pend, r->detach ? sizeof keyed : sizeof r->pend);
        size_t n = got > 0 ? (size_t) got : 0;
        bool hit = false;
        if (got > 0 && r->detach)
            n = engine_detach_filter(r->detach, keyed, n, r->pend, &hit);
        if (got > 0) {
            r->plen = n;
            r->poff = 0;
            if (n > 0)
                stdin_flush(r);
            if (hit) {
                /* what came before the keys is the container's, the rest not */
                engine_relay_stdin_stop(r);
                if (r->detached)
                    r->detached(r, r->opaque);
                return;
            }
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
            engine_relay_stdin_stop(r);
            return;
        }
    } else {
        if ((events & EPOLLIN) && fd == r->out && output_read(r, fd, RELAY_STDOUT) == READ_END) {
            output_end(r, &r->out);
            return;
        }
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            stdin_flush(r);
    }
    stdin_rearm(r);
}

void
engine_relay_stdin_stop(struct relay *r)
{
    if (r->in < 0)
        return;
    loop_unwatch(r->loop, r->in);
    r->in = -1;
    r->plen = 0;
    if (r->to == r->out && r->out >= 0)
        (void) loop_watch(r->loop, r->out, EPOLLIN, output_cb, r, NULL);
    else if (r->to >= 0)
        loop_unwatch(r->loop, r->to);
    if (r->to_pipe && r->to >= 0) {
        close(r->to); /* the process sees the end of its stdin */
        r->to = -1;
    }
}

int
engine_relay_start(struct relay *r, struct loop *l, struct pcon_err *err)
{
    r->loop = l;
    if (r->out >= 0 && loop_watch(l, r->out, EPOLLIN, output_cb, r, err) < 0)
        return -1;
    if (r->err >= 0 && loop_watch(l, r->err, EPOLLIN, output_cb, r, err) < 0)
        return -1;
    if (r->in >= 0 && r->to < 0)
        r->in = -1;
    if (r->in >= 0 && loop_watch(l, r->in, EPOLLIN, stdin_cb, r, err) < 0) {
        if (err->errnum != EPERM)
            return -1;
        pcon_err_clear(err); /* a file or /dev/null: epoll takes no such fd */
        r->in_file = true;
        stdin_rearm(r);
    }
    return 0;
}

void
engine_relay_drain(struct relay *r)
{
    int *fds[] = { &r->out, &r->err };

    for (size_t i = 0; i < 2; i++) {
        int flags;

        if (*fds[i] < 0 || *fds[i] == r->pty)
            continue;
        /* nonblocking now: the first EAGAIN is the end of what there is */
        flags = fcntl(*fds[i], F_GETFL);
        if (flags >= 0)
            (void) fcntl(*fds[i], F_SETFL, flags | O_NONBLOCK);
        while (output_read(r, *fds[i], i == 0 ? RELAY_STDOUT : RELAY_STDERR) == READ_DATA)
            ;
        output_end(r, fds[i]);
    }
}

void
engine_relay_close(struct relay *r)
{
    for (int *fd = (int[]){ r->out, r->err }, i = 0; i < 2; i++)
        if (fd[i] >= 0 && fd[i] != r->pty)
            close(fd[i]);
    if (r->pty >= 0)
        close(r->pty);
    if (r->to_pipe && r->to >= 0)
        close(r->to);
    engine_relay_init(r);
}

bool
engine_relay_done(const struct relay *r)
{
    return r->out < 0 && r->err < 0;
}

void
engine_relay_winsize(const struct relay *r)
{
    struct winsize ws;

    if (r->pty >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
        (void) ioctl(r->pty, TIOCSWINSZ, &ws); /* cosmetic */
}
