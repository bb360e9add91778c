// SPDX-License-Identifier: Apache-2.0
/* Published UDP ports, forwarded by pcon: one socket inside per client
 * (libslirp's own UDP forwarding drops the container's answers to a
 * client on the host's loopback unless all of it is open to the
 * container). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/loop.h"
#include "tap.h"
#include "udpfwd.h"

#define UDP_FLOW_IDLE_MS 60000 /* a client's flow is forgotten after this */
#define UDP_FLOWS_MAX    256   /* per published port: the oldest goes first */

/* a client of a published UDP port and its socket in the container */
struct udp_flow {
    struct sockaddr_storage client;
    socklen_t clen;
    int inner;
    int idx; /* in this round's pollfds, or -1 */
    int64_t last_ms;
    struct udp_flow *next;
};

struct netns_udpfwd {
    int outer; /* bound on the host */
    int agent;
    struct sockaddr_in dst;
    struct sockaddr_in6 dst6;
    bool has6;
    int ctr_ns;
    int idx;
    struct udp_flow *flows;
    size_t nflows;
};

static int64_t
now_ms(void)
{
    return loop_now_ns() / 1000000;
}

static void
udp_flow_close(struct netns_udpfwd *f, struct udp_flow **link)
{
    struct udp_flow *fl = *link;

    *link = fl->next;
    close(fl->inner);
    free(fl);
    f->nflows--;
}

/* the client's flow, made on its first datagram (the oldest goes when
 * there are too many) */
static struct udp_flow *
udp_flow_get(struct netns_udpfwd *f, const struct sockaddr_storage *from, socklen_t len)
{
    struct udp_flow *fl, **oldest = NULL;
    int inner;

    for (fl = f->flows; fl; fl = fl->next)
        if (fl->clen == len && memcmp(&fl->client, from, len) == 0)
            return fl;
    if (f->nflows >= UDP_FLOWS_MAX) {
        for (struct udp_flow **p = &f->flows; *p; p = &(*p)->next)
            if (oldest == NULL || (*p)->last_ms < (*oldest)->last_ms)
                oldest = p;
        udp_flow_close(f, oldest);
    }
    /* the client's address kept: the container sees who sends */
    inner = netns_agent_connect_kept(f->agent, SOCK_DGRAM, &f->dst, f->has6 ? &f->dst6 : NULL,
                                     f->ctr_ns, from, len, NULL);
    if (inner < 0)
        return NULL;
    fl = xzalloc(sizeof *fl);
    memcpy(&fl->client, from, len);
    fl->clen = len;
    fl->inner = inner;
    fl->idx = -1;
    fl->next = f->flows;
    f->flows = fl;
    f->nflows++;
    return fl;
}

/* datagrams from clients, to the container */
static void
udp_from_host(struct netns_udpfwd *f)
{
    static char buf[65536];

    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(f->outer, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
        struct udp_flow *fl;

        if (n < 0)
            return; /* EAGAIN: all read */
        fl = udp_flow_get(f, &from, len);
        if (fl == NULL)
            continue; /* nothing listens there yet: the datagram is lost, as on a network */
        fl->last_ms = now_ms();
        (void) send(fl->inner, buf, (size_t) n, MSG_DONTWAIT); /* full or refused: lost */
    }
}

/* the container's answers, to their client */
static void
udp_from_ctr(struct netns_udpfwd *f, struct udp_flow *fl)
{
    static char buf[65536];
    ssize_t n;

    while ((n = recv(fl->inner, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
        fl->last_ms = now_ms();
        (void) sendto(f->outer, buf, (size_t) n, MSG_DONTWAIT, (struct sockaddr *) &fl->client,
                      fl->clen);
    }
}

struct netns_udpfwd *
netns_udpfwd_new(int outer, int agent, const struct sockaddr_in *dst,
                 const struct sockaddr_in6 *dst6, int ctr_ns)
{
    struct netns_udpfwd *f = xzalloc(sizeof *f);

    f->ctr_ns = ctr_ns;
    if (dst6) {
        f->dst6 = *dst6;
        f->has6 = true;
    }

    f->outer = outer;
    f->agent = agent;
    f->dst = *dst;
    f->idx = -1;
    return f;
}

void
netns_udpfwd_fill(struct netns_udpfwd *f, int (*add)(int fd, short events, void *opaque),
                  void *opaque)
{
    int64_t now = now_ms();

    f->idx = add(f->outer, POLLIN, opaque);
    for (struct udp_flow **p = &f->flows; *p;) {
        if (now - (*p)->last_ms > UDP_FLOW_IDLE_MS) {
            udp_flow_close(f, p);
            continue;
        }
        (*p)->idx = add((*p)->inner, POLLIN, opaque);
        p = &(*p)->next;
    }
}

void
netns_udpfwd_poll(struct netns_udpfwd *f, const struct pollfd *pfd)
{
    /* the flows polled this round, before new ones come */
    for (struct udp_flow *fl = f->flows; fl; fl = fl->next)
        if (fl->idx >= 0 && (pfd[fl->idx].revents & POLLIN))
            udp_from_ctr(f, fl);
    if (f->idx >= 0 && (pfd[f->idx].revents & POLLIN))
        udp_from_host(f);
    for (struct udp_flow *fl = f->flows; fl; fl = fl->next)
        fl->idx = -1;
    f->idx = -1;
}

void
netns_udpfwd_close_listener(struct netns_udpfwd *f)
{
    if (f->outer >= 0)
        close(f->outer);
    f->outer = -1;
}

void
netns_udpfwd_free(struct netns_udpfwd *f)
{
    if (f == NULL)
        return;
    netns_udpfwd_close_listener(f);
    while (f->flows)
        udp_flow_close(f, &f->flows);
    free(f);
}
