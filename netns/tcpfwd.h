/* SPDX-License-Identifier: Apache-2.0 */
/* A published TCP port forwarded by pcon itself (podman's "rootlesskit"
 * port handler): connections accepted on the host, each joined to a socket
 * connected inside the container's network namespace (from the helper's
 * agent), the bytes moved by splice(2) through a pipe each way, never
 * copied through user space. Driven by the helper's poll loop. */
#ifndef PCON_NETNS_TCPFWD_H
#define PCON_NETNS_TCPFWD_H

#include <netinet/in.h>
#include <poll.h>

struct netns_tcpfwd;

/* listen_fd: bound and listening, nonblocking (owned from now on); agent:
 * the namespace's agent (netns/tap.h); dst: where to connect inside; dst6:
 * the same port at the container's IPv6 address, for IPv6 clients (NULL:
 * none); ctr_ns: the container's network namespace (not owned) when it
 * is not the agent's, else -1 */
struct netns_tcpfwd *netns_tcpfwd_new(int listen_fd, int agent, const struct sockaddr_in *dst,
                                      const struct sockaddr_in6 *dst6, int ctr_ns);
/* adds this round's fds and events through add (which returns the index in
 * the round's pollfds) */
void netns_tcpfwd_fill(struct netns_tcpfwd *f, int (*add)(int fd, short events, void *opaque),
                       void *opaque);
/* no more connections are taken: the host's port is free again */
void netns_tcpfwd_close_listener(struct netns_tcpfwd *f);
/* the listener, every connection and f itself */
void netns_tcpfwd_free(struct netns_tcpfwd *f);
/* handles this round's events (pfd: the round's pollfds) */
void netns_tcpfwd_poll(struct netns_tcpfwd *f, const struct pollfd *pfd);

#endif
