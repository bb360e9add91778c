/* SPDX-License-Identifier: Apache-2.0 */
/* Published ports: podman's -p syntax, expanded to one entry per port, and
 * the ways ps, port and inspect show them. Pure: no sockets here. */
#ifndef PCON_NETNS_PORT_H
#define PCON_NETNS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/err.h"

struct netns_port {
    char host_ip[46];   /* as given (IPv4 or IPv6, no brackets); "" for every address */
    uint16_t host_port; /* 0: a free one is chosen when the container starts */
    uint16_t ctr_port;
    bool udp;
};

/* Appends the ports spec publishes to *v (of *n), podman's rules:
 *   CTRPORT[/PROTO]                    a random host port
 *   HOSTPORT:CTRPORT[/PROTO]
 *   IP:HOSTPORT:CTRPORT[/PROTO]        IP may be [v6]
 *   IP::CTRPORT[/PROTO]                a random host port on IP
 * PROTO is tcp (default) or udp; a comma separates several specs, as
 * podman reads -p; ports are 1-65535;
 * ranges "8000-8010:80-90" must be of equal length, a container range
 * with a single host port is refused, a container range alone gets random
 * host ports. A bad spec is one usage error naming it; *v is unchanged. */
int netns_port_parse(const char *spec, struct netns_port **v, size_t *n, struct pcon_err *err);
/* the PORTS column of ps: "0.0.0.0:8080->80/tcp, 127.0.0.1:9000-9001->90-91/udp"
 * (consecutive host and container ports of one address and protocol
 * folded into a range, as podman shows them); "" for none */
char *netns_ports_format(const struct netns_port *v, size_t n);
/* v put in the order netns_ports_format shows it (podman's ps and port) */
void netns_ports_sort(struct netns_port *v, size_t n);
/* one port as a spec netns_port_parse takes back: "8080:80/tcp",
 * "127.0.0.1:8080:80/udp", "[::1]:8080:80/tcp" (malloc'd) */
char *netns_port_spec(const struct netns_port *p);
/* one line of `pcon port`: "80/tcp -> 0.0.0.0:8080" */
char *netns_port_line(const struct netns_port *p);

#endif
