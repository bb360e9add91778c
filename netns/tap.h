/* SPDX-License-Identifier: Apache-2.0 */
/* tap0 in the network namespace of another process. */
#ifndef PCON_NETNS_TAP_H
#define PCON_NETNS_TAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../lib/err.h"

struct netns_tap_config {
    const char *address, *netmask, *gateway; /* dotted IPv4 */
    unsigned int mtu;
    bool ipv6;   /* libslirp's fd00::/64 too; else IPv6 is off on tap0 */
    bool router; /* the user networks': forwarding between its bridges and tap0 */
};

struct bridge_req;

/* tap0 (IFF_TAP | IFF_NO_PI) in the network namespace of target, with the
 * address, lo and tap0 up and the default route (with ipv6, also the
 * address SLAAC gives it from libslirp's prefix, and the default route via
 * libslirp's router, both at once: no wait for router advertisements); returns its fd
 * (nonblocking, close-on-exec). A short-lived child makes it there;
 * *agent is the socket of the helper's agent, a thread that joins the
 * namespace to hand out sockets connected there and do the other requests
 * below (one at a time: each asks and waits for the answer). */
/* (target 0: in a new network namespace, which lives as long as the agent) */
int netns_tap_open(pid_t target, const struct netns_tap_config *c, int *agent,
                   struct pcon_err *err);
/* a nonblocking socket of type (SOCK_DGRAM, SOCK_STREAM) created in the
 * namespace and connected to dst there (a stream one may still be
 * connecting: EINPROGRESS); src, when not NULL, is the address it comes
 * from: a client's, kept (see netns_agent_route_keep) */
int netns_agent_connect(int agent, int type, const struct sockaddr_in *dst,
                        const struct sockaddr_in *src, struct pcon_err *err);
/* the client address a forwarder keeps for the container to see, in *buf:
 * src (len bytes; an IPv4 one, or one mapped into IPv6 by a dual-stack
 * listener), unless it is the host's loopback, which means nothing inside;
 * NULL then and for IPv6 clients (the socket comes from the container's
 * own address) */
const struct sockaddr_in *netns_agent_kept_source(const struct sockaddr_storage *src, socklen_t len,
                                                  struct sockaddr_in *buf);
/* replies from the container's from (its address and port, of type) to a
 * kept client address come back to the forwarder's socket */
int netns_agent_route_keep(int agent, int type, const struct sockaddr_in *from,
                           struct pcon_err *err);
/* the same for the container's IPv6 address */
int netns_agent_route_keep6(int agent, int type, const struct sockaddr_in6 *from,
                            struct pcon_err *err);
int netns_agent_route_drop6(int agent, int type, const struct sockaddr_in6 *from,
                            struct pcon_err *err);
/* a forwarder's socket inside for the client at peer (len bytes): an IPv6
 * client's address kept over dst6 (the container's IPv6 address, with its
 * route kept; NULL: none) when something listens there (in ctr_ns, the
 * container's network namespace when it is not the agent's; else -1),
 * else netns_agent_connect to dst with netns_agent_kept_source's address */
int netns_agent_connect_kept(int agent, int type, const struct sockaddr_in *dst,
                             const struct sockaddr_in6 *dst6, int ctr_ns,
                             const struct sockaddr_storage *peer, socklen_t len,
                             struct pcon_err *err);

/* in the user networks' namespace (netns/bridge.h): a network's bridge
 * up; a veth pair into the namespace ctr_ns; a UDP socket on a gateway's
 * port 53; a kept-address route (netns_agent_route_keep's) dropped */
int netns_agent_bridge(int agent, const struct bridge_req *b, struct pcon_err *err);
int netns_agent_bridge_down(int agent, const struct bridge_req *b, struct pcon_err *err);
/* two isolated networks' traffic kept apart (add), or no longer */
int netns_agent_isolate(int agent, const struct bridge_req *a, const struct bridge_req *b, bool add,
                        struct pcon_err *err);
int netns_agent_veth(int agent, int ctr_ns, const struct bridge_req *b, struct pcon_err *err);
int netns_agent_veth_del(int agent, int ctr_ns, const struct bridge_req *b, struct pcon_err *err);
/* the agent's network namespace (an fd of it) */
int netns_agent_netns(int agent, struct pcon_err *err);
/* the gateway's port 53, UDP or TCP (type: SOCK_DGRAM, SOCK_STREAM) */
int netns_agent_dns_socket(int agent, const struct bridge_req *b, int type, bool v6,
                           struct pcon_err *err);
int netns_agent_route_drop(int agent, int type, const struct sockaddr_in *from,
                           struct pcon_err *err);

#endif
