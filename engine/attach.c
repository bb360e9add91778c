// SPDX-License-Identifier: Apache-2.0
/* The attach socket: the monitor's server and the client's feeder. The
 * socket is bound and reached through /proc/self/fd/N/attach, so that a
 * long run root stays within sun_path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
 * stdin ending (a terminal's goes on) */
static void
client_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct attach_server *s = opaque;
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof buf);
    size_t i = 0;

    (void) l;
    (void) events;
    if (n > 0 && s->stdin_w >= 0) {
        (void) fs_write_all(s->stdin_w, buf, (size_t) n); /* the container may be gone */
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    while (i < ATTACH_MAX_CLIENTS && s->clients[i] != fd)
        i++;
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
                if (loop_watch(l, c, EPOLLIN, client_cb, s, NULL) < 0)
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

__attribute__((noreturn)) static void
feed_stdin(const char *rundir)
{
    int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char buf[16384];
    ssize_t n;

    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/attach", dfd);
    if (dfd < 0 || fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        _exit(1);
    while ((n = TEMP_FAILURE_RETRY_INT(read(0, buf, sizeof buf))) > 0)
        if (fs_write_all(fd, buf, (size_t) n) < 0)
            _exit(1);
    (void) shutdown(fd, SHUT_WR);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    _exit(0);
}

pid_t
engine_attach_feed_stdin(const char *rundir, struct pcon_err *err)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return pcon_fail(err, errno, "fork the attach client");
    if (pid == 0)
        feed_stdin(rundir);
    return pid;
}
