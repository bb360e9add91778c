/* SPDX-License-Identifier: Apache-2.0 */
/* Inside netns/: the libslirp loop of netns/slirp.c, shared by a
 * container's own helper (pcon-net) and the user networks' process
 * (pcon-netd, netns/netd.c), which adds its fds through the hooks. */
#ifndef PCON_NETNS_HELPER_H
#define PCON_NETNS_HELPER_H

#include <netinet/in.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"
#include "netns.h"
#include "port.h"

struct helper_timer;

#define HELPER_PRIMED 16 /* libslirp's ARP table holds 16 addresses */

struct helper {
    Slirp *slirp;
    int tap;
    int agent;                 /* the agent thread, in the namespace: sockets connected there */
    int control;               /* the monitor's: a byte asks to let go of the host's ports */
    struct netns_udpfwd **udp; /* pcon's own forwarders of the published ports */
    size_t nudp;
    struct netns_tcpfwd **tcp;
    size_t ntcp;
    enum netns_port_handler handler;
    struct in_addr guest;   /* the container's address */
    struct in6_addr guest6; /* and its IPv6 one (tap0's, with IPv6) */
    bool has_guest6;
    struct pollfd *pfd;
    size_t npfd, cap;
    struct helper_timer *timers;
    /* pcon-netd: frames come from addresses beyond libslirp's network
     * (routed from the bridges); each new one is announced to libslirp
     * first, so that its answers need no ARP round (primed: the last ones) */
    bool prime_arp;
    uint32_t primed[HELPER_PRIMED];
    unsigned primed_next;
    /* the same for IPv6 (libslirp learns a neighbour only from its own
     * advertisements: neighbour advertisements are made for it) */
    uint8_t primed6[HELPER_PRIMED][16];
    unsigned primed6_next;
    uint8_t tap_mac[6]; /* tap0's, as its frames carry it */
    bool tap_mac_known;
    uint8_t asked6[HELPER_PRIMED][16]; /* addresses libslirp solicited, answered after its call */
    uint8_t asked6_from[HELPER_PRIMED][16];
    uint8_t asked6_mac[HELPER_PRIMED][6];
    unsigned nasked6;
    /* more fds for each round (added with helper_add_fd), and their events */
    void (*fill)(struct helper *h);
    void (*dispatch)(struct helper *h, int polled);
    void *user;
    int64_t wake_ms; /* the hooks' own deadline (loop_now_ns's clock, ms), -1: none */
};

/* libslirp (loaded now) on h->tap, as spec asks; ports published */
int helper_slirp_setup(struct helper *h, const struct netns_spec *spec,
                       const struct netns_port *ports, size_t nports, struct pcon_err *err);
/* an fd for this round, with poll(2) events: its index in h->pfd */
int helper_add_fd(int fd, short events, void *h);
/* Runs until the tap is gone (or, with a control fd, it asks to end). */
__attribute__((noreturn)) void helper_loop(struct helper *h);
/* the socket of a published port on the host, bound (and listening) */
int helper_host_socket(const struct netns_port *p, int type, struct pcon_err *err);

#endif
