/* SPDX-License-Identifier: Apache-2.0 */
/* User-defined networks: their records (networks/<name>.json in the graph
 * root, podman's own network document, written atomically), the choice
 * of a free subnet and bridge name, and podman's default network
 * "podman", which is never stored. Where they run is netns/netd.h's. */
#ifndef PCON_NETNS_NETWORK_H
#define PCON_NETNS_NETWORK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"

#define NETNS_DEFAULT_NETWORK "podman"

struct netns_network {
    char *name, *id;
    char *iface;   /* the bridge in the user's network namespace: podman0, podman1, ... */
    char *created; /* RFC 3339, nanoseconds */
    struct in_addr subnet, gateway;
    unsigned int prefix;
    struct in_addr range_first, range_last; /* addresses given out (--ip-range) */
    bool gateway_given;                     /* --gateway, or the default network's */
    bool range_given;
    bool internal;            /* no way out of the network */
    bool dns;                 /* names answered on the gateway (not with --disable-dns) */
    bool builtin;             /* the default network, "podman" */
    unsigned int mtu;         /* --opt mtu=N; 0: 1500 */
    bool isolate;             /* --opt isolate=true: no traffic with other isolated networks */
    unsigned int vlan;        /* --opt vlan=N; 0: none */
    char **labels, **options; /* KEY=VALUE */
    /* IPv6 (--ipv6, or an IPv6 --subnet): a subnet beside the IPv4 one */
    bool ipv6;
    bool v6_first; /* listed first in the record (as given at create) */
    struct in6_addr subnet6, gateway6;
    unsigned int prefix6;
    struct in6_addr range6_first, range6_last;
    bool range6_given;
};

struct netns_network_opts {
    const char *name; /* NULL: podmanN, the first free one */
    const char *driver;
    char **subnets, **gateways, **ip_ranges; /* in the order given: gateway i is subnet i's */
    bool internal, disable_dns, ipv6;
    char **labels, **options;
};

/* [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 bytes */
bool netns_network_name_valid(const char *name);
/* A new network in the graph root open on dfd: its subnet (given, or
 * the first free 10.89.N.0/24; with IPv6, a random fdXX:XXXX:XXXX:XXXX::/64
 * too unless given), the bridge's name, its record. Under the
 * networks' lock: two creates of one name or subnet, one wins. */
int netns_network_create(int dfd, const struct netns_network_opts *o, struct netns_network *out,
                         struct pcon_err *err);
/* by name, full id or unique id prefix; PCON_ERR_NOTFOUND when none */
int netns_network_load(int dfd, const char *name_or_id, struct netns_network *out,
                       struct pcon_err *err);
/* every network, the default one among them, sorted by name */
int netns_network_list(int dfd, struct netns_network **out, size_t *n, struct pcon_err *err);
int netns_network_remove(int dfd, const char *name, struct pcon_err *err);
/* podman's document of the network (inspect, ls --format json); malloc'd */
char *netns_network_json(const struct netns_network *n);
/* ip within the network's subnet and neither its network, broadcast nor
 * gateway address */
bool netns_network_host_addr(const struct netns_network *n, struct in_addr ip);
/* the same of an IPv6 address and n's IPv6 subnet (false without one) */
bool netns_network_host_addr6(const struct netns_network *n, const struct in6_addr *ip);
void netns_network_free(struct netns_network *n);
void netns_network_list_free(struct netns_network *v, size_t n);

#endif
