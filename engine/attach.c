// SPDX-License-Identifier: Apache-2.0
/* The attach socket: the monitor's server and the client's feeder. The
 * socket is bound and reached through /proc/self/fd/N/attach, so that a
 * long run root stays within sun_path. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "attach.h"

void
engine_attach_init(struct attach_server *s)
{
    s->listen_fd = s->stdin_w = -1;
    for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
        s->clients[i] = -1;
    s->stdin_is_pty = false;
    s->loop = NULL;
}

static void
client_drop(struct attach_server *s, size_t i)
{
    loop_unwatch(s->loop, s->clients[i]);
    close(s->clients[i]);
    s->clients[i] = -1;
}

/* a client's stdin goes to the container's; its end is the container's
 * stdin ending (a terminal's goes on), unless it detached first: its
 * out-of-band 'd' */
static void
client_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct attach_server *s = opaque;
    char buf[16384];
    ssize_t n;
    size_t i = 0;

    (void) l;
    while (i < ATTACH_MAX_CLIENTS && s->clients[i] != fd)
        i++;
    if (events & EPOLLPRI) {
        char b = 0;
        if (recv(fd, &b, 1, MSG_OOB | MSG_DONTWAIT) == 1 && b == 'd') {
            /* what came before the mark is the container's still */
            while ((n = read(fd, buf, sizeof buf)) > 0 && s->stdin_w >= 0)
                (void) fs_write_all(s->stdin_w, buf, (size_t) n);
            if (i < ATTACH_MAX_CLIENTS)
                client_drop(s, i); /* the client hears it: its end */
            return;
        }
    }
    n = read(fd, buf, sizeof buf);
    if (n > 0 && s->stdin_w >= 0) {
        (void) fs_write_all(s->stdin_w, buf, (size_t) n); /* the container may be gone */
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (i < ATTACH_MAX_CLIENTS)
        client_drop(s, i);
    if (n == 0 && s->stdin_w >= 0 && !s->stdin_is_pty) {
        close(s->stdin_w); /* EOF for the container */
        s->stdin_w = -1;
    }
}

static void
accept_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct attach_server *s = opaque;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct ucred cred;
    socklen_t cl = sizeof cred;

    (void) events;
    if (c < 0)
        return;
    /* only our own user: the socket's directory is private anyway */
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 && cred.uid == getuid())
        for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
            if (s->clients[i] < 0) {
                if (loop_watch(l, c, EPOLLIN | EPOLLPRI, client_cb, s, NULL) < 0)
                    break;
                s->clients[i] = c;
                return;
            }
    close(c);
}

int
engine_attach_listen(struct attach_server *s, const char *rundir, struct loop *l,
                     struct pcon_err *err)
{
    cleanup_close int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (dfd < 0 || fd < 0)
        return pcon_fail(err, errno, "create the attach socket");
    (void) unlinkat(dfd, "attach", 0); /* a stale one from an earlier start */
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/attach", dfd);
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 4) < 0)
        return pcon_fail(err, errno, "listen on the attach socket");
    if (loop_watch(l, fd, EPOLLIN, accept_cb, s, err) < 0)
        return -1;
    s->loop = l;
    s->listen_fd = steal_fd(&fd);
    return 0;
}

void
engine_attach_set_stdin(struct attach_server *s, int fd, bool is_pty)
{
    if (s->stdin_w >= 0)
        close(s->stdin_w);
    s->stdin_w = fd;
    s->stdin_is_pty = is_pty;
}

void
engine_attach_close(struct attach_server *s)
{
    for (size_t i = 0; i < ATTACH_MAX_CLIENTS; i++)
        if (s->clients[i] >= 0)
            client_drop(s, i);
    if (s->listen_fd >= 0) {
        loop_unwatch(s->loop, s->listen_fd);
        close(s->listen_fd);
    }
    if (s->stdin_w >= 0)
        close(s->stdin_w);
    engine_attach_init(s);
}

int
engine_detach_keys_parse(const char *spec, unsigned char out[32], size_t *n, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(spec);
    char *save = NULL;

    *n = 0;
    for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        unsigned char c;
        if (strlen(k) == 1)
            c = (unsigned char) k[0];
        else if (strncmp(k, "ctrl-", 5) == 0 && strlen(k) == 6
                 && ((k[5] >= 'a' && k[5] <= 'z') || strchr("@[\\]^_", k[5])))
            c = (unsigned char) (k[5] >= 'a' && k[5] <= 'z' ? k[5] - 'a' + 1 : k[5] - '@');
        else
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid detach keys: Unknown character: '%s'", k);
        if (*n >= 32)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid detach keys \"%s\": too long",
                                  spec);
        out[(*n)++] = c;
    }
    return 0;
}

size_t
engine_detach_filter(struct detach_match *d, const char *in, size_t n, char *out, bool *hit)
{
    size_t o = 0;

    *hit = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) in[i];
        if (d->n && c == d->keys[d->matched]) {
            if (++d->matched == d->n) {
                d->matched = 0;
                *hit = true;
                return o;
            }
            continue;
        }
        /* a partial sequence that did not go on is the container's */
        if (d->matched) {
            memcpy(out + o, d->keys, d->matched);
            o += d->matched;
        }
        d->matched = 0;
        if (d->n && c == d->keys[0]) {
            d->matched = 1;
            continue;
        }
        out[o++] = (char) c;
    }
    return o;
}

/* the parent is told (SIGUSR1) that the detach keys came: it goes, the
 * container runs on */
__attribute__((noreturn)) static void
feed_stdin(const char *rundir, const unsigned char *detach, size_t ndetach)
{
    int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char buf[16384], out[16384 + 32];
    struct detach_match d = { .n = ndetach };
    ssize_t n;

    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/attach", dfd);
    if (dfd < 0 || fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        _exit(1);
    memcpy(d.keys, detach, ndetach < sizeof d.keys ? ndetach : sizeof d.keys);
    while ((n = TEMP_FAILURE_RETRY_INT(read(0, buf, sizeof buf))) > 0) {
        bool hit = false;
        size_t o = engine_detach_filter(&d, buf, (size_t) n, out, &hit);
        if (hit) {
            /* detached: said out of band, so that the monitor keeps the
             * container's stdin open; its closing of our connection is the
             * answer (a kernel without AF_UNIX MSG_OOB: our end, the
             * stdin's too) */
            if (o)
                (void) fs_write_all(fd, out, o);
            if (send(fd, "d", 1, MSG_OOB | MSG_NOSIGNAL) == 1)
                while (read(fd, buf, sizeof buf) > 0)
                    ;
            (void) kill(getppid(), SIGUSR1);
            _exit(0);
        }
        if (o && fs_write_all(fd, out, o) < 0)
            _exit(1);
    }
    (void) shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    _exit(0);
}

pid_t
engine_attach_feed_stdin(const char *rundir, const unsigned char *detach, size_t ndetach,
                         struct pcon_err *err)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return pcon_fail(err, errno, "fork the attach client");
    if (pid == 0)
        feed_stdin(rundir, detach, ndetach);
    return pid;
}
