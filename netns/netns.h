/* SPDX-License-Identifier: Apache-2.0 */
/* Container networking: the modes (--network), the loopback of a private
 * network namespace, and the user-mode network of a container's own
 * namespace: a tap device inside, a libslirp helper outside (netns/slirp.c),
 * with its published ports (netns/port.h). */
#ifndef PCON_NETNS_NETNS_H
#define PCON_NETNS_NETNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"

struct netns_port;

enum netns_mode {
    NETNS_PRIVATE = 0, /* a new network namespace with only loopback ("none") */
    NETNS_HOST,        /* the host's network namespace */
    NETNS_SLIRP,       /* a new one, on the host's network through libslirp ("slirp4netns") */
    NETNS_JOIN_PATH,   /* the namespace at a path ("ns:PATH") */
    NETNS_JOIN_CTR,    /* another container's ("container:NAME|ID"; stored as its id) */
    NETNS_BRIDGE,      /* a new one on user networks ("NAME[,NAME]"; "bridge": podman's) */
};

/* a network namespace of the container's own, with a way out: its ports
 * can be published (slirp4netns, user networks) */
#define netns_mode_own(m) ((m) == NETNS_SLIRP || (m) == NETNS_BRIDGE)

/* who forwards published TCP ports (podman's port_handler) */
enum netns_port_handler {
    NETNS_PORTS_ROOTLESSKIT = 0, /* pcon's own splice forwarder (the default) */
    NETNS_PORTS_SLIRP,           /* libslirp's host forwarding */
};

/* --network MODE[:OPTIONS] */
struct netns_spec {
    enum netns_mode mode;
    bool allow_host_loopback; /* the host's 127.0.0.1 reachable as the gateway */
    bool ipv6_off;            /* enable_ipv6=false (podman's default is true) */
    unsigned int mtu;         /* of tap0; 0: 65520 */
    enum netns_port_handler port_handler;
    struct in_addr cidr;      /* the network (cidr=); 0: 10.0.2.0 */
    unsigned int cidr_prefix; /* 0: 24 */
    char outbound_addr[64];   /* the host's IPv4 address or interface slirp binds to; "": none */
    char outbound_addr6[64];  /* the same for IPv6 */
    /* NETNS_JOIN_PATH: the path; NETNS_JOIN_CTR: the name or id;
     * NETNS_BRIDGE: the networks' names, comma-separated */
    char target[1024];
};

/* the addresses of the user-mode network, as slirp4netns gives them: by
 * default 10.0.2.0/24, else from cidr=, at the same offsets */
#define NETNS_SLIRP_MTU      65520
#define NETNS_SLIRP_PREFIX6  "fd00::" /* /64: the container's address by SLAAC */
#define NETNS_SLIRP_GATEWAY6 "fd00::2"
#define NETNS_SLIRP_DNS6     "fd00::3"
#define NETNS_SLIRP_ROUTER6  "fe80::2" /* where libslirp's router advertisements come from */

struct netns_slirp_addrs {
    char network[INET_ADDRSTRLEN], netmask[INET_ADDRSTRLEN];
    char gateway[INET_ADDRSTRLEN]; /* the host, as the container reaches it: network + 2 */
    char dns[INET_ADDRSTRLEN];     /* libslirp's resolver: network + 3 */
    char dhcp[INET_ADDRSTRLEN];    /* libslirp's first DHCP lease: network + 15 */
    char address[INET_ADDRSTRLEN]; /* the container's: network + 100 */
    unsigned int prefix;
};
void netns_slirp_addrs(const struct netns_spec *s, struct netns_slirp_addrs *out);

/* "none", "host", "private" (slirp4netns: a user's new namespace),
 * "ns:PATH", "container:NAME|ID", "bridge" (the network "podman"), a
 * network's name, several comma-separated,
 * "slirp4netns[:allow_host_loopback=BOOL,cidr=A.B.C.D/N,enable_ipv6=BOOL,mtu=N,
 *  outbound_addr=IPv4|IFACE,outbound_addr6=IPv6|IFACE,port_handler=rootlesskit|slirp4netns]" */
int netns_spec_parse(const char *s, struct netns_spec *out, struct pcon_err *err);
/* another --network added to *out: with both on user networks, the
 * networks joined (podman takes --network a --network b) */
int netns_spec_add(const char *s, struct netns_spec *out, bool first, struct pcon_err *err);
/* the spec as --network takes it back ("slirp4netns:mtu=1500"); malloc'd */
char *netns_spec_string(const struct netns_spec *s);
/* brings "lo" up in the caller's network namespace */
int netns_loopback_up(struct pcon_err *err);

/* The helper of a container's user-mode network: a process of its own
 * (pcon-net), which lives as long as the container's network namespace
 * (it ends when the namespace's tap does, and with the monitor that
 * started it). */
struct netns_helper {
    pid_t pid;
    int pidfd;   /* signalled through it: never a recycled pid */
    int control; /* where it is asked to let go of the host's ports */
};

/* Starts the helper for the network namespace of process target (a child
 * that waits, in the spawn's GO step): tap0 made and configured inside,
 * libslirp outside, the ports published. Returns once all of it works,
 * or with the helper's own error. */
int netns_slirp_start(pid_t target, const struct netns_spec *spec, const struct netns_port *ports,
                      size_t nports, struct netns_helper *out, struct pcon_err *err);
/* ends the helper (if it still runs): once it has let go of the host's
 * ports, so that they can be published again at once; its parent reaps it */
void netns_slirp_stop(struct netns_helper *h);

#endif
