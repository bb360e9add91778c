/* SPDX-License-Identifier: Apache-2.0 */
/* Inside netns/: what the agent of the user networks' namespace does
 * there (netns/tap.c's agent runs these): a network's bridge, a
 * container's veth pair, the DNS responder's socket. */
#ifndef PCON_NETNS_BRIDGE_H
#define PCON_NETNS_BRIDGE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

struct bridge_req {
    char bridge[IFNAMSIZ];                /* the network's bridge, in the agent's namespace */
    char ifname[IFNAMSIZ];                /* the container's end: eth0, eth1, ... */
    struct in_addr subnet, addr, gateway; /* addr: the container's */
    unsigned int prefix, mtu;
    bool internal; /* no way out: no default route, nothing forwarded from it */
    bool isolate;  /* no traffic with the other isolated networks (bridge_isolate) */
    unsigned char mac[6];
    unsigned int vlan; /* the bridge's ports untagged members of VLAN vlan; 0: none */
    bool ipv6;         /* an IPv6 subnet too: */
    struct in6_addr subnet6, gateway6, addr6;
    unsigned int prefix6;
};

/* the bridge, with the gateway's address, up (made once; 0 or -errno) */
int bridge_up(const struct bridge_req *b);
/* the rules that keep two isolated networks' traffic apart, both ways:
 * added, or (add false) dropped; 0 or -errno */
int bridge_isolate(const struct bridge_req *a, const struct bridge_req *b, bool add);
/* the bridge (and its veths) gone */
int bridge_down(const struct bridge_req *b);
/* a veth pair: one end on the bridge, the other in the network namespace
 * ctr_ns as b->ifname, addressed, up, routed (own_ns: the caller's, joined
 * again after; 0 or -errno, *what naming the step that failed) */
int bridge_veth(const struct bridge_req *b, int ctr_ns, int own_ns, const char **what);
/* the container's end b->ifname in ctr_ns removed (its pair with it) */
int bridge_veth_del(const struct bridge_req *b, int ctr_ns, int own_ns);
/* a socket on the gateway's port 53 (v6: the IPv6 gateway's), UDP or TCP
 * (type; listening), -1 and errno */
int bridge_dns_socket(const struct bridge_req *b, int type, bool v6);

#endif
