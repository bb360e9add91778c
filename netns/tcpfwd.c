// SPDX-License-Identifier: Apache-2.0
/* Published TCP ports, forwarded with splice(2): for each direction a pipe
 * holds what was read from one socket until the other takes it; the pipe
 * being full stops the reading (back pressure), a read of 0 half-closes
 * the other side once the pipe is empty. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "tap.h"
#include "tcpfwd.h"

#define SPLICE_CHUNK (1 << 20)
#define CONNS_MAX    1024

/* one direction of a connection: from -> pipe -> to */
struct flow {
    int pipe[2];
    size_t held; /* bytes in the pipe */
    bool eof;    /* from has ended */
    bool done;   /* ... and all of it reached to, which was shut for writing */
};

struct conn {
    int fd[2];          /* 0: the host's client, 1: the socket in the container */
    struct flow dir[2]; /* dir[i]: from fd[i] to fd[1 - i] */
    bool connecting;    /* fd[1] has not connected yet */
    int idx[2];         /* in this round's pollfds, or -1 */
    struct conn *next;
};

struct netns_tcpfwd {
    int listen_fd, agent;
    struct sockaddr_in dst;
    struct sockaddr_in6 dst6;
    bool has6;
    int ctr_ns; /* the container's network namespace, when not the agent's; else -1 */
    int idx;
    struct conn *conns;
    size_t nconns;
};

struct netns_tcpfwd *
netns_tcpfwd_new(int listen_fd, int agent, const struct sockaddr_in *dst,
                 const struct sockaddr_in6 *dst6, int ctr_ns)
{
    struct netns_tcpfwd *f = xzalloc(sizeof *f);

    f->ctr_ns = ctr_ns;
    if (dst6) {
        f->dst6 = *dst6;
        f->has6 = true;
    }

    f->listen_fd = listen_fd;
    f->agent = agent;
    f->dst = *dst;
    f->idx = -1;
    return f;
}

static void
conn_free(struct conn *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->fd[i] >= 0)
            close(c->fd[i]);
        for (int j = 0; j < 2; j++)
            if (c->dir[i].pipe[j] >= 0)
                close(c->dir[i].pipe[j]);
    }
    free(c);
}

/* a pipe of a flow, SPLICE_CHUNK large while the user's pipe budget
 * (fs.pipe-user-pages-soft) allows: a sixteenth of the splices the
 * default 64 KiB takes, a third more throughput; the default otherwise */
static int
pipe_open(int p[2])
{
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
        return -1;
    (void) fcntl(p[1], F_SETPIPE_SZ, SPLICE_CHUNK);
    return 0;
}

static void
accept_one(struct netns_tcpfwd *f)
{
    struct sockaddr_storage peer;
    socklen_t len = sizeof peer;
    cleanup_close int a =
        accept4(f->listen_fd, (struct sockaddr *) &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    struct conn *c;

    if (a < 0 || f->nconns >= CONNS_MAX)
        return; /* EAGAIN, or too many: the client sees it closed */
    c = xzalloc(sizeof *c);
    c->fd[0] = c->fd[1] = -1;
    c->dir[0].pipe[0] = c->dir[0].pipe[1] = c->dir[1].pipe[0] = c->dir[1].pipe[1] = -1;
    /* the client's address kept: the container sees who connects */
    if (pipe_open(c->dir[0].pipe) < 0 || pipe_open(c->dir[1].pipe) < 0
        || (c->fd[1] =
                netns_agent_connect_kept(f->agent, SOCK_STREAM, &f->dst, f->has6 ? &f->dst6 : NULL,
                                         f->ctr_ns, &peer, len, NULL))
               < 0) {
        conn_free(c);
        return;
    }
    c->fd[0] = steal_fd(&a);
    /* no Nagle here: the peers chose their own; the forwarder holding a
     * small write back until the last one is acknowledged adds the other
     * side's delayed ACK (40 ms) to every request sent in parts */
    for (int i = 0; i < 2; i++)
        (void) setsockopt(c->fd[i], IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
    c->connecting = true;
    c->next = f->conns;
    f->conns = c;
    f->nconns++;
}

/* moves what it can in direction i; false when the connection is over */
static bool
flow_move(struct conn *c, int i)
{
    struct flow *d = &c->dir[i];
    ssize_t n;

    while (!d->eof && d->held < SPLICE_CHUNK) {
        n = splice(c->fd[i], NULL, d->pipe[1], NULL, SPLICE_CHUNK - d->held,
                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            d->held += (size_t) n;
        } else if (n == 0) {
            d->eof = true;
        } else if (errno == EAGAIN) {
            break;
        } else {
            return false; /* reset: both sides go */
        }
    }
    while (d->held > 0) {
        n = splice(d->pipe[0], NULL, c->fd[1 - i], NULL, d->held,
                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0)
            d->held -= (size_t) n;
        else if (n < 0 && errno == EAGAIN)
            break;
        else
            return false;
    }
    if (d->eof && d->held == 0 && !d->done) {
        (void) shutdown(c->fd[1 - i], SHUT_WR); /* the half-close passed on */
        d->done = true;
    }
    return !(c->dir[0].done && c->dir[1].done);
}

void
netns_tcpfwd_fill(struct netns_tcpfwd *f, int (*add)(int fd, short events, void *opaque),
                  void *opaque)
{
    f->idx = add(f->listen_fd, POLLIN, opaque);
    for (struct conn *c = f->conns; c; c = c->next) {
        if (c->connecting) {
            /* nothing is read before there is somewhere to write it */
            c->idx[0] = add(c->fd[0], 0, opaque);
            c->idx[1] = add(c->fd[1], POLLOUT, opaque);
            continue;
        }
        for (int i = 0; i < 2; i++) {
            short ev = 0;
            /* reading i while its pipe has room, writing i while the other
             * direction's pipe holds something for it */
            if (!c->dir[i].eof && c->dir[i].held < SPLICE_CHUNK)
                ev |= POLLIN;
            if (c->dir[1 - i].held > 0)
                ev |= POLLOUT;
            c->idx[i] = add(c->fd[i], ev, opaque);
        }
    }
}

void
netns_tcpfwd_poll(struct netns_tcpfwd *f, const struct pollfd *pfd)
{
    for (struct conn **p = &f->conns; *p;) {
        struct conn *c = *p;
        bool alive = true;

        if (c->idx[0] >= 0 && c->idx[1] >= 0
            && (pfd[c->idx[0]].revents || pfd[c->idx[1]].revents)) {
            if (c->connecting && pfd[c->idx[1]].revents) {
                int e = 0;
                socklen_t l = sizeof e;
                alive = getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == 0;
                c->connecting = !alive;
            }
            if (alive && !c->connecting)
                alive = flow_move(c, 0) && flow_move(c, 1);
        }
        c->idx[0] = c->idx[1] = -1;
        if (!alive) {
            *p = c->next;
            conn_free(c);
            f->nconns--;
            continue;
        }
        p = &c->next;
    }
    if (f->idx >= 0 && (pfd[f->idx].revents & POLLIN))
        for (int i = 0; i < 16; i++)
            accept_one(f); /* a burst; the rest next round */
    f->idx = -1;
}

void
netns_tcpfwd_close_listener(struct netns_tcpfwd *f)
{
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    f->listen_fd = -1;
}

void
netns_tcpfwd_free(struct netns_tcpfwd *f)
{
    if (f == NULL)
        return;
    netns_tcpfwd_close_listener(f);
    while (f->conns) {
        struct conn *c = f->conns;
        f->conns = c->next;
        conn_free(c);
    }
    free(f);
}
