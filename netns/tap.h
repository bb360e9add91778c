/* SPDX-License-Identifier: Apache-2.0 */
/* tap0 in the network namespace of another process. */
#ifndef PCON_NETNS_TAP_H
#define PCON_NETNS_TAP_H

#include <sys/types.h>

#include "../lib/err.h"

struct netns_tap_config {
    const char *address, *netmask, *gateway; /* dotted IPv4 */
    unsigned int mtu;
};

/* tap0 (IFF_TAP | IFF_NO_PI) in the network namespace of target, with the
 * address, lo and tap0 up and the default route; returns its fd
 * (nonblocking, close-on-exec) */
int netns_tap_open(pid_t target, const struct netns_tap_config *c, struct pcon_err *err);

#endif
