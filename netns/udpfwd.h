/* SPDX-License-Identifier: Apache-2.0 */
/* A published UDP port forwarded by pcon itself: datagrams received on the
 * host go, per client, through a socket connected inside the container's
 * network namespace (from the helper's agent, bound to the client's own
 * address unless it is the host's loopback), and the answers back to the
 * client. Driven by the helper's poll loop, like netns/tcpfwd.h. */
#ifndef PCON_NETNS_UDPFWD_H
#define PCON_NETNS_UDPFWD_H

#include <netinet/in.h>
#include <poll.h>

struct netns_udpfwd;

/* outer: bound on the host, nonblocking (owned from now on); agent: the
 * namespace's agent (netns/tap.h); dst: where datagrams go inside; dst6:
 * the same port at the container's IPv6 address, for IPv6 clients (NULL:
 * none); ctr_ns: the container's network namespace (not owned) when it
 * is not the agent's, else -1 */
struct netns_udpfwd *netns_udpfwd_new(int outer, int agent, const struct sockaddr_in *dst,
                                      const struct sockaddr_in6 *dst6, int ctr_ns);
/* adds this round's fds through add (which returns the index in the
 * round's pollfds); clients idle for a minute are forgotten */
void netns_udpfwd_fill(struct netns_udpfwd *f, int (*add)(int fd, short events, void *opaque),
                       void *opaque);
/* handles this round's events (pfd: the round's pollfds) */
void netns_udpfwd_poll(struct netns_udpfwd *f, const struct pollfd *pfd);
/* no more datagrams are taken: the host's port is free again */
void netns_udpfwd_close_listener(struct netns_udpfwd *f);
/* the listener, every flow and f itself */
void netns_udpfwd_free(struct netns_udpfwd *f);

#endif
