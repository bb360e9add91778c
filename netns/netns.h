/* SPDX-License-Identifier: Apache-2.0 */
/* Container networking. Today: the loopback of a private network
 * namespace. The libslirp helper and port forwarders will live here. */
#ifndef PCON_NETNS_NETNS_H
#define PCON_NETNS_NETNS_H

#include "../lib/err.h"

enum netns_mode {
    NETNS_PRIVATE = 0, /* a new network namespace with only loopback ("none") */
    NETNS_HOST,        /* the host's network namespace */
};

int netns_mode_parse(const char *s, enum netns_mode *out, struct pcon_err *err);
/* brings "lo" up in the caller's network namespace */
int netns_loopback_up(struct pcon_err *err);

#endif
