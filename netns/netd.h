/* SPDX-License-Identifier: Apache-2.0 */
/* The user networks' process, pcon-netd: one per user, started by the
 * first container that joins a network and gone a little after the last
 * has left. It holds the network namespace where the networks' bridges
 * are (its agent's), libslirp on that namespace's tap0 as the way out,
 * the DNS responder on each network's gateway and the published ports of
 * the containers on networks. A container's monitor talks to it over
 * <runroot>/netd.sock for the container's whole run: its addresses,
 * names and ports are the connection's and go with it. */
#ifndef PCON_NETNS_NETD_H
#define PCON_NETNS_NETD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "network.h"
#include "port.h"

struct netns_attach_opts {
    const struct netns_network *net;
    const char *ctr_id;
    const char *ifname;            /* eth0, eth1, ... */
    struct in_addr want;           /* --ip; 0: the first free address */
    char *const *names;            /* answered by the network's DNS: name, short id, aliases */
    const unsigned char *want_mac; /* --mac-address (6 bytes); NULL: a random one */
    struct in6_addr want6;         /* --ip6 on a network with IPv6; zero: the first free */
};

struct netns_attachment {
    struct in_addr ip;
    bool has6; /* the network has IPv6: */
    struct in6_addr ip6;
    unsigned char mac[6];
};

/* a connection to the user's pcon-netd (started when none runs) */
int netns_netd_connect(const char *runroot, struct pcon_err *err);
/* an address on a network, kept for the connection */
int netns_netd_alloc(int fd, const struct netns_attach_opts *o, struct netns_attachment *out,
                     struct pcon_err *err);
/* every address allocated on fd given to the network namespace of target:
 * a veth pair each, addressed and routed */
int netns_netd_attach(int fd, pid_t target, struct pcon_err *err);
/* names answered, while fd is open, with the addresses of the container
 * target (another connection's: a pod's members share its infra's) */
int netns_netd_alias(int fd, const char *target, char *const *names, struct pcon_err *err);
/* network connect and disconnect of the running container target (its
 * init) whose monitor holds the addresses: one more network (its veth
 * made now, the address the monitor's), or one less */
int netns_netd_connect_running(const char *runroot, pid_t target, const struct netns_attach_opts *o,
                               struct netns_attachment *out, struct pcon_err *err);
int netns_netd_disconnect_running(const char *runroot, pid_t target, const char *ctr_id,
                                  const char *network, struct pcon_err *err);
/* the user networks' namespace (an fd of it; it lasts while fd is open) */
int netns_netd_netns(int fd, struct pcon_err *err);
/* the ports published to the first address */
int netns_netd_publish(int fd, const struct netns_port *ports, size_t n, struct pcon_err *err);
/* everything of the connection let go of (the host's ports free again once
 * it returns), and the connection closed */
void netns_netd_close(int fd);

#endif
