// SPDX-License-Identifier: Apache-2.0
/* The user-mode network helper, pcon-net: libslirp (opened at run time:
 * it brings glib, which no other command should load) between the tap0 of
 * a container's network namespace and the host's sockets. One process per
 * namespace, forked by the monitor in the spawn's GO step; it ends when
 * the tap does (the namespace is gone) or with the monitor. Its loop is
 * poll(2): libslirp names the fds it wants watched afresh each round. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/loop.h"
#include "../lib/dynlib.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "helper.h"
#include "netns.h"
#include "port.h"
#include "tap.h"
#include "tcpfwd.h"
#include "udpfwd.h"

static struct {
    Slirp *(*new_)(const SlirpConfig *cfg, const SlirpCb *callbacks, void *opaque);
    void (*pollfds_fill)(Slirp *s, uint32_t *timeout, SlirpAddPollCb add_poll, void *opaque);
    void (*pollfds_poll)(Slirp *s, int select_error, SlirpGetREventsCb get_revents, void *opaque);
    void (*input)(Slirp *s, const uint8_t *pkt, int pkt_len);
    int (*add_hostfwd)(Slirp *s, int is_udp, struct in_addr host_addr, int host_port,
                       struct in_addr guest_addr, int guest_port);
    void (*handle_timer)(Slirp *s, SlirpTimerId id, void *cb_opaque);
    void (*cleanup)(Slirp *s);
} slirp_fn;

static const struct dynlib_sym slirp_syms[] = {
    DYNLIB_SYM("slirp_new", slirp_fn.new_),
    DYNLIB_SYM("slirp_pollfds_fill", slirp_fn.pollfds_fill),
    DYNLIB_SYM("slirp_pollfds_poll", slirp_fn.pollfds_poll),
    DYNLIB_SYM("slirp_input", slirp_fn.input),
    DYNLIB_SYM("slirp_add_hostfwd", slirp_fn.add_hostfwd),
    DYNLIB_SYM("slirp_handle_timer", slirp_fn.handle_timer),
    DYNLIB_SYM("slirp_cleanup", slirp_fn.cleanup),
    { NULL, NULL },
};
static const char *const slirp_names[] = { "libslirp.so.0", NULL };
static struct dynlib slirp_lib = { slirp_names, slirp_syms, NULL };

struct helper_timer {
    int64_t due_ms; /* -1: not armed */
    SlirpTimerCb cb;
    void *cb_opaque;
    bool opaque_id; /* a timer_new_opaque one: fired through slirp_handle_timer */
    SlirpTimerId id;
    struct helper_timer *next;
};

#define SLIRP_IDLE_TIMEOUT_MS 1000 /* slirp_pollfds_fill's cap when nothing is timed */

static int64_t
now_ms(void)
{
    return loop_now_ns() / 1000000;
}

static void ns_note(struct helper *h, const uint8_t *frame, size_t n);

/* implements SlirpCb.send_packet: a frame for the container; dropped when
 * the tap is full (TCP retransmits) */
static ssize_t
send_packet_cb(const void *buf, size_t len, void *opaque)
{
    struct helper *h = opaque;
    ssize_t n;

    if (h->prime_arp)
        ns_note(h, buf, len);
    n = write(h->tap, buf, len);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return (ssize_t) len;
    return n;
}

/* implements SlirpCb.guest_error */
static void
guest_error_cb(const char *msg, void *opaque)
{
    (void) msg;
    (void) opaque; /* the container's own misbehaviour: nothing to do */
}

/* implements SlirpCb.clock_get_ns */
static int64_t
clock_get_ns_cb(void *opaque)
{
    (void) opaque;
    return now_ms() * 1000000;
}

static struct helper_timer *
timer_add(struct helper *h)
{
    struct helper_timer *t = xzalloc(sizeof *t);

    t->due_ms = -1;
    t->next = h->timers;
    h->timers = t;
    return t;
}

/* implements SlirpCb.timer_new */
static void *
timer_new_cb(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct helper_timer *t = timer_add(opaque);

    t->cb = cb;
    t->cb_opaque = cb_opaque;
    return t;
}

/* implements SlirpCb.timer_new_opaque */
static void *
timer_new_opaque_cb(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct helper_timer *t = timer_add(opaque);

    t->opaque_id = true;
    t->id = id;
    t->cb_opaque = cb_opaque;
    return t;
}

/* implements SlirpCb.timer_free */
static void
timer_free_cb(void *timer, void *opaque)
{
    struct helper *h = opaque;

    for (struct helper_timer **p = &h->timers; *p; p = &(*p)->next)
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
}

/* implements SlirpCb.timer_mod: expire_time is absolute, in ms */
static void
timer_mod_cb(void *timer, int64_t expire_time, void *opaque)
{
    (void) opaque;
    ((struct helper_timer *) timer)->due_ms = expire_time;
}

/* implements SlirpCb.register_poll_fd, SlirpCb.unregister_poll_fd: the fds
 * come with each round's slirp_pollfds_fill */
static void
poll_fd_cb(int fd, void *opaque)
{
    (void) fd;
    (void) opaque;
}

/* implements SlirpCb.notify: a single thread needs no kick */
static void
notify_cb(void *opaque)
{
    (void) opaque;
}

/* implements SlirpCb.init_completed */
static void
init_completed_cb(Slirp *slirp, void *opaque)
{
    (void) slirp;
    (void) opaque;
}

static int
add_poll_cb(int fd, int events, void *opaque)
{
    struct helper *h = opaque;
    short ev = 0;

    if (h->npfd == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->pfd = xrealloc(h->pfd, h->cap * sizeof *h->pfd);
    }
    ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
    ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
    ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
    h->pfd[h->npfd] = (struct pollfd){ fd, ev, 0 };
    return (int) h->npfd++;
}

int
helper_add_fd(int fd, short events, void *opaque)
{
    struct helper *h = opaque;
    int idx = add_poll_cb(fd, 0, h);

    h->pfd[idx].events = events;
    return idx;
}

static int
get_revents_cb(int idx, void *opaque)
{
    struct helper *h = opaque;
    short r = h->pfd[idx].revents;
    int ev = 0;

    ev |= (r & POLLIN) ? SLIRP_POLL_IN : 0;
    ev |= (r & POLLOUT) ? SLIRP_POLL_OUT : 0;
    ev |= (r & POLLPRI) ? SLIRP_POLL_PRI : 0;
    ev |= (r & POLLERR) ? SLIRP_POLL_ERR : 0;
    ev |= (r & POLLHUP) ? SLIRP_POLL_HUP : 0;
    return ev;
}

static void
timers_run(struct helper *h)
{
    int64_t now = now_ms();
    bool fired = true;

    /* a callback may free or re-arm timers: start over after each */
    while (fired) {
        fired = false;
        for (struct helper_timer *t = h->timers; t; t = t->next)
            if (t->due_ms >= 0 && t->due_ms <= now) {
                t->due_ms = -1;
                if (t->opaque_id)
                    slirp_fn.handle_timer(h->slirp, t->id, t->cb_opaque);
                else
                    t->cb(t->cb_opaque);
                fired = true;
                break;
            }
    }
}

static int
timers_timeout(const struct helper *h, uint32_t slirp_timeout)
{
    int64_t now = now_ms(), best = slirp_timeout == UINT32_MAX ? -1 : (int64_t) slirp_timeout;

    if (h->wake_ms >= 0) {
        int64_t left = h->wake_ms > now ? h->wake_ms - now : 0;
        if (best < 0 || left < best)
            best = left;
    }

    for (const struct helper_timer *t = h->timers; t; t = t->next)
        if (t->due_ms >= 0) {
            int64_t left = t->due_ms > now ? t->due_ms - now : 0;
            if (best < 0 || left < best)
                best = left;
        }
    return best > 86400000 ? 86400000 : (int) best;
}

/* A frame routed from a bridge comes from an address beyond libslirp's
 * network: libslirp would answer it only after asking for its MAC (an
 * ARP request and a timer round, half a second). A gratuitous ARP of the
 * address, with the tap's MAC, given to libslirp first teaches it. */
static void
arp_prime(struct helper *h, const uint8_t *frame, size_t n)
{
    uint8_t arp[42] = { 0 };
    uint32_t src;

    if (n < 34 || frame[12] != 0x08 || frame[13] != 0x00)
        return;
    memcpy(&src, frame + 26, sizeof src);
    if ((ntohl(src) & 0xffffff00u) == (ntohl(h->guest.s_addr) & 0xffffff00u) || src == 0)
        return; /* libslirp's own network: it knows how to reach it */
    for (unsigned i = 0; i < HELPER_PRIMED; i++)
        if (h->primed[i] == src)
            return;
    h->primed[h->primed_next] = src;
    h->primed_next = (h->primed_next + 1) % HELPER_PRIMED;
    memset(arp, 0xff, 6);                  /* to everyone */
    memcpy(arp + 6, frame + 6, 6);         /* from the tap */
    arp[12] = 0x08, arp[13] = 0x06;        /* ARP */
    arp[15] = 1, arp[16] = 0x08;           /* Ethernet, IPv4 */
    arp[18] = 6, arp[19] = 4, arp[21] = 1; /* a request */
    memcpy(arp + 22, frame + 6, 6);        /* sender's MAC */
    memcpy(arp + 28, &src, 4);             /* sender's address ... */
    memcpy(arp + 38, &src, 4);             /* ... asked for: gratuitous */
    slirp_fn.input(h->slirp, arp, (int) sizeof arp);
}

/* an IPv6 address behind the tap, not on libslirp's own link: routed there
 * from a bridge (not libslirp's prefix, link-local, multicast or unset) */
static bool
routed6(const uint8_t *a)
{
    static const uint8_t zero[16];
    struct in6_addr prefix;

    (void) inet_pton(AF_INET6, NETNS_SLIRP_PREFIX6, &prefix);
    return memcmp(a, prefix.s6_addr, 8) != 0 && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
           && a[0] != 0xff && memcmp(a, zero, 16) != 0;
}

/* RFC 4443's checksum of an ICMPv6 message from src to dst */
static uint16_t
icmp6_sum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
    uint32_t sum = (uint32_t) len + 58; /* the pseudo-header's length and next header */

    for (size_t i = 0; i < 16; i += 2)
        sum += (uint32_t) (src[i] << 8 | src[i + 1]) + (uint32_t) (dst[i] << 8 | dst[i + 1]);
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t) (msg[i] << 8 | msg[i + 1]);
    if (len % 2)
        sum += (uint32_t) (msg[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

/* A neighbour advertisement of addr at the tap's MAC, given to libslirp:
 * unsolicited to all nodes (to NULL), or in answer to one that asked */
static void
na_inject(struct helper *h, const uint8_t addr[16], const uint8_t *to, const uint8_t *to_mac)
{
    static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    uint8_t f[14 + 40 + 32] = { 0 }, *ip = f + 14, *icmp = f + 54;
    uint16_t sum;

    memcpy(f, to ? to_mac : all_mac, 6);
    memcpy(f + 6, h->tap_mac, 6);
    f[12] = 0x86, f[13] = 0xdd;
    ip[0] = 0x60;
    ip[5] = 32;               /* payload */
    ip[6] = 58, ip[7] = 255;  /* ICMPv6, the hop limit NDP needs */
    memcpy(ip + 8, addr, 16); /* from the address itself */
    memcpy(ip + 24, to ? to : all_nodes, 16);
    icmp[0] = 136;              /* neighbour advertisement */
    icmp[4] = to ? 0x60 : 0x20; /* solicited (when asked), override */
    memcpy(icmp + 8, addr, 16);
    icmp[24] = 2, icmp[25] = 1; /* the target's link-layer address */
    memcpy(icmp + 26, h->tap_mac, 6);
    sum = icmp6_sum(ip + 8, ip + 24, icmp, 32);
    icmp[2] = (uint8_t) (sum >> 8), icmp[3] = (uint8_t) sum;
    slirp_fn.input(h->slirp, f, (int) sizeof f);
}

/* The IPv6 way of arp_prime: a frame from a routed address makes libslirp
 * learn it (the tap's MAC) before it answers */
static void
ndp_prime(struct helper *h, const uint8_t *frame, size_t n)
{
    const uint8_t *src = frame + 22;

    if (n < 54 || frame[12] != 0x86 || frame[13] != 0xdd)
        return;
    memcpy(h->tap_mac, frame + 6, 6);
    h->tap_mac_known = true;
    if (!routed6(src))
        return;
    for (unsigned i = 0; i < HELPER_PRIMED; i++)
        if (memcmp(h->primed6[i], src, 16) == 0)
            return;
    memcpy(h->primed6[h->primed6_next], src, 16);
    h->primed6_next = (h->primed6_next + 1) % HELPER_PRIMED;
    na_inject(h, src, NULL, NULL);
}

/* A neighbour solicitation libslirp sends (it forgot an address: its
 * table holds 16): the kernel's proxy answer would come from the tap's
 * own address, which libslirp would learn instead. Noted here, answered
 * once libslirp's call is over (ns_answer). */
static void
ns_note(struct helper *h, const uint8_t *frame, size_t n)
{
    if (n < 14 + 40 + 24 || frame[12] != 0x86 || frame[13] != 0xdd || frame[20] != 58
        || frame[54] != 135 || !routed6(frame + 62) || h->nasked6 >= HELPER_PRIMED)
        return;
    memcpy(h->asked6[h->nasked6], frame + 62, 16);
    memcpy(h->asked6_from[h->nasked6], frame + 22, 16);
    memcpy(h->asked6_mac[h->nasked6], frame + 6, 6);
    h->nasked6++;
}

static void
ns_answer(struct helper *h)
{
    unsigned n = h->nasked6;

    h->nasked6 = 0;
    for (unsigned i = 0; i < n && h->tap_mac_known; i++)
        na_inject(h, h->asked6[i], h->asked6_from[i], h->asked6_mac[i]);
}

/* every frame the tap holds; false when the tap is gone */
static bool
tap_drain(struct helper *h)
{
    static uint8_t frame[NETNS_SLIRP_MTU + 64];

    for (;;) {
        ssize_t n = read(h->tap, frame, sizeof frame);
        if (n > 0) {
            if (h->prime_arp) {
                arp_prime(h, frame, (size_t) n);
                ndp_prime(h, frame, (size_t) n);
            }
            slirp_fn.input(h->slirp, frame, (int) n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && errno == EAGAIN;
    }
}

/* The host's ports are let go of before the helper's slow end (its tap's
 * unregistering, an RCU grace period): the next container published on
 * them may bind at once. Then the monitor hears it, and the helper ends. */
__attribute__((noreturn)) static void
helper_release(struct helper *h)
{
    char ack = 'x';

    for (size_t i = 0; i < h->nudp; i++)
        netns_udpfwd_close_listener(h->udp[i]);
    for (size_t i = 0; i < h->ntcp; i++)
        netns_tcpfwd_close_listener(h->tcp[i]);
    slirp_fn.cleanup(h->slirp); /* its host forwarding sockets too */
    (void) !write(h->control, &ack, 1);
    _exit(0);
}

__attribute__((noreturn)) void
helper_loop(struct helper *h)
{
    for (;;) {
        uint32_t timeout = UINT32_MAX;
        int r;

        h->npfd = 0;
        add_poll_cb(h->tap, SLIRP_POLL_IN, h);
        add_poll_cb(h->control, SLIRP_POLL_IN, h);
        for (size_t i = 0; i < h->nudp; i++)
            netns_udpfwd_fill(h->udp[i], helper_add_fd, h);
        for (size_t i = 0; i < h->ntcp; i++)
            netns_tcpfwd_fill(h->tcp[i], helper_add_fd, h);
        if (h->fill)
            h->fill(h);
        slirp_fn.pollfds_fill(h->slirp, &timeout, add_poll_cb, h);
        /* libslirp caps the wait at a second whether or not it has anything
         * timed to do (its TCP timers ask for 2 or 500 ms): an idle helper
         * sleeps until something happens */
        if (timeout == SLIRP_IDLE_TIMEOUT_MS)
            timeout = UINT32_MAX;
        r = poll(h->pfd, h->npfd, timers_timeout(h, timeout));
        if (r < 0 && errno != EINTR)
            _exit(1);
        if (r > 0 && (h->pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)))
            _exit(0);
        if (r > 0 && (h->pfd[0].revents & POLLIN) && !tap_drain(h))
            _exit(0);
        if (r > 0 && h->pfd[1].revents)
            helper_release(h); /* asked to stop, or the monitor is gone */
        slirp_fn.pollfds_poll(h->slirp, r < 0, get_revents_cb, h);
        if (r > 0) {
            for (size_t i = 0; i < h->nudp; i++)
                netns_udpfwd_poll(h->udp[i], h->pfd);
            for (size_t i = 0; i < h->ntcp; i++)
                netns_tcpfwd_poll(h->tcp[i], h->pfd);
        }
        if (h->dispatch)
            h->dispatch(h, r);
        timers_run(h);
        if (h->nasked6)
            ns_answer(h);
    }
}

/* net.ipv4.ip_unprivileged_port_start, or -1 */
static long
unprivileged_port_start(void)
{
    cleanup_free char *text =
        fs_read_all(AT_FDCWD, "/proc/sys/net/ipv4/ip_unprivileged_port_start", 64, NULL, NULL);

    return text ? strtol(text, NULL, 10) : -1;
}

static int
publish_error(const struct netns_port *p, int e, struct pcon_err *err)
{
    const char *ip = p->host_ip[0] ? p->host_ip : "0.0.0.0", *proto = p->udp ? "udp" : "tcp";
    long start = unprivileged_port_start();

    /* the classic question: inside the container any port works; on the
     * host a user binds only from this sysctl up */
    if (e == EACCES && start > 0 && p->host_port < start)
        return pcon_fail_kind(err, PCON_ERR_EXEC, 0,
                              "publish %s:%u for %u/%s: host ports below %ld need root, or a"
                              " lower net.ipv4.ip_unprivileged_port_start (a sysctl of the"
                              " host); publish a higher host port, e.g. -p 8080:%u",
                              ip, p->host_port, p->ctr_port, proto, start, p->ctr_port);
    /* podman's 126: the container cannot be run as asked */
    return pcon_fail_kind(err, PCON_ERR_EXEC, e, "publish %s:%u for %u/%s", ip, p->host_port,
                          p->ctr_port, proto);
}

/* The socket of a published port on the host, bound: on its address, or,
 * with none, everywhere: [::] taking IPv4 clients too (as podman's
 * rootlessport), 0.0.0.0 on a host without IPv6. */
int
helper_host_socket(const struct netns_port *p, int type, struct pcon_err *err)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(p->host_port) };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(p->host_port) };
    bool any = p->host_ip[0] == '\0', v6 = any || strchr(p->host_ip, ':') != NULL;
    cleanup_close int fd = -1;
    int one = 1, v6only = !any;

    if ((!any && v6 && inet_pton(AF_INET6, p->host_ip, &sin6.sin6_addr) != 1)
        || (!v6 && inet_pton(AF_INET, p->host_ip, &sin.sin_addr) != 1))
        return pcon_fail(err, EINVAL, "publish on %s: not an address", p->host_ip);
    if (v6 && (fd = socket(AF_INET6, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        if (!any || errno != EAFNOSUPPORT)
            return publish_error(p, errno, err);
        v6 = false;
    }
    if (!v6 && (fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return publish_error(p, errno, err);
    if ((v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
        || (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        || (v6 ? bind(fd, (struct sockaddr *) &sin6, sizeof sin6)
               : bind(fd, (struct sockaddr *) &sin, sizeof sin))
               < 0
        || (type == SOCK_STREAM && listen(fd, 128) < 0))
        return publish_error(p, errno, err);
    return steal_fd(&fd);
}

/* UDP is pcon's own forwarder: libslirp's drops the container's replies to
 * a client on the host's loopback unless the whole loopback is open to
 * the container (allow_host_loopback) */
static int
publish_udp(struct helper *h, const struct netns_port *p, struct pcon_err *err)
{
    cleanup_close int fd = helper_host_socket(p, SOCK_DGRAM, err);
    struct sockaddr_in dst = { .sin_family = AF_INET,
                               .sin_port = htons(p->ctr_port),
                               .sin_addr = h->guest };
    struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6,
                                 .sin6_port = htons(p->ctr_port),
                                 .sin6_addr = h->guest6 };

    /* replies to clients whose address is kept come back to the forwarder */
    if (fd < 0 || netns_agent_route_keep(h->agent, SOCK_DGRAM, &dst, err) < 0
        || (h->has_guest6 && netns_agent_route_keep6(h->agent, SOCK_DGRAM, &dst6, err) < 0))
        return -1;
    h->udp = xrealloc(h->udp, (h->nudp + 1) * sizeof *h->udp);
    h->udp[h->nudp++] =
        netns_udpfwd_new(steal_fd(&fd), h->agent, &dst, h->has_guest6 ? &dst6 : NULL, -1);
    return 0;
}

static int
publish_tcp(struct helper *h, const struct netns_port *p, struct pcon_err *err)
{
    cleanup_close int fd = helper_host_socket(p, SOCK_STREAM, err);
    struct sockaddr_in dst = { .sin_family = AF_INET,
                               .sin_port = htons(p->ctr_port),
                               .sin_addr = h->guest };
    struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6,
                                 .sin6_port = htons(p->ctr_port),
                                 .sin6_addr = h->guest6 };

    /* replies to clients whose address is kept come back to the forwarder */
    if (fd < 0 || netns_agent_route_keep(h->agent, SOCK_STREAM, &dst, err) < 0
        || (h->has_guest6 && netns_agent_route_keep6(h->agent, SOCK_STREAM, &dst6, err) < 0))
        return -1;
    h->tcp = xrealloc(h->tcp, (h->ntcp + 1) * sizeof *h->tcp);
    h->tcp[h->ntcp++] =
        netns_tcpfwd_new(steal_fd(&fd), h->agent, &dst, h->has_guest6 ? &dst6 : NULL, -1);
    return 0;
}

static int
publish(struct helper *h, const struct netns_port *p, struct pcon_err *err)
{
    struct in_addr host = { INADDR_ANY };

    if (p->udp)
        return publish_udp(h, p, err);
    if (h->handler == NETNS_PORTS_ROOTLESSKIT)
        return publish_tcp(h, p, err);
    /* libslirp's own forwarding (slirp_add_hostfwd) is IPv4's */
    if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, &host) != 1)
        return pcon_fail_kind(err, PCON_ERR_EXEC, EAFNOSUPPORT,
                              "publish on %s: port_handler=slirp4netns takes IPv4 addresses only",
                              p->host_ip);
    errno = 0;
    if (slirp_fn.add_hostfwd(h->slirp, 0, host, p->host_port, h->guest, p->ctr_port) < 0)
        return publish_error(p, errno ? errno : EADDRINUSE, err);
    return 0;
}

/* outbound_addr(6)=: the address, or the first of the family an interface
 * of the host has */
static int
outbound_resolve(const char *v, int family, void *sa, struct pcon_err *err)
{
    struct sockaddr_in *sin = sa;
    struct sockaddr_in6 *sin6 = sa;
    void *addr = family == AF_INET ? (void *) &sin->sin_addr : (void *) &sin6->sin6_addr;
    struct ifaddrs *ifs = NULL;
    bool found = false;

    memset(sa, 0, family == AF_INET ? sizeof *sin : sizeof *sin6);
    sin->sin_family = (sa_family_t) family;
    if (inet_pton(family, v, addr) == 1)
        return 0;
    if (getifaddrs(&ifs) < 0)
        return pcon_fail(err, errno, "read the host's interfaces");
    for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == family && strcmp(i->ifa_name, v) == 0) {
            memcpy(sa, i->ifa_addr, family == AF_INET ? sizeof *sin : sizeof *sin6);
            found = true;
        }
    freeifaddrs(ifs);
    if (!found)
        return pcon_fail_kind(err, PCON_ERR_EXEC, 0,
                              "outbound_addr%s: the host has no interface %s with an IPv%c address",
                              family == AF_INET ? "" : "6", v, family == AF_INET ? '4' : '6');
    ((struct sockaddr_in *) sa)->sin_port = 0;
    return 0;
}

int
helper_slirp_setup(struct helper *h, const struct netns_spec *spec, const struct netns_port *ports,
                   size_t nports, struct pcon_err *err)
{
    static const SlirpCb cb = {
        .send_packet = send_packet_cb,
        .guest_error = guest_error_cb,
        .clock_get_ns = clock_get_ns_cb,
        .timer_new = timer_new_cb,
        .timer_free = timer_free_cb,
        .timer_mod = timer_mod_cb,
        .register_poll_fd = poll_fd_cb,
        .unregister_poll_fd = poll_fd_cb,
        .notify = notify_cb,
        .init_completed = init_completed_cb,
        .timer_new_opaque = timer_new_opaque_cb,
    };
    static struct sockaddr_in out4;
    static struct sockaddr_in6 out6;
    unsigned int mtu = spec->mtu ? spec->mtu : NETNS_SLIRP_MTU;
    struct netns_slirp_addrs a;
    SlirpConfig cfg = { .version = 2, .in_enabled = true, .if_mtu = mtu, .if_mru = mtu };

    netns_slirp_addrs(spec, &a);
    if ((spec->outbound_addr[0] && outbound_resolve(spec->outbound_addr, AF_INET, &out4, err) < 0)
        || (spec->outbound_addr6[0]
            && outbound_resolve(spec->outbound_addr6, AF_INET6, &out6, err) < 0))
        return -1;
    if (dynlib_load(&slirp_lib, err) < 0)
        return -1;
    (void) inet_pton(AF_INET, a.network, &cfg.vnetwork);
    (void) inet_pton(AF_INET, a.netmask, &cfg.vnetmask);
    (void) inet_pton(AF_INET, a.gateway, &cfg.vhost);
    (void) inet_pton(AF_INET, a.dns, &cfg.vnameserver);
    (void) inet_pton(AF_INET, a.dhcp, &cfg.vdhcp_start);
    (void) inet_pton(AF_INET, a.address, &h->guest);
    /* with IPv6: tap0's address, as netns/tap.c gives it (libslirp's
     * prefix and the tap's MAC, EUI-64); a tap fd answers for its MAC */
    if (!spec->ipv6_off) {
        struct ifreq ifr = { 0 };
        const unsigned char *mac = (const unsigned char *) ifr.ifr_hwaddr.sa_data;
        if (ioctl(h->tap, SIOCGIFHWADDR, &ifr) == 0) {
            (void) inet_pton(AF_INET6, NETNS_SLIRP_PREFIX6, &h->guest6);
            h->guest6.s6_addr[8] = mac[0] ^ 0x02;
            h->guest6.s6_addr[9] = mac[1];
            h->guest6.s6_addr[10] = mac[2];
            h->guest6.s6_addr[11] = 0xff;
            h->guest6.s6_addr[12] = 0xfe;
            h->guest6.s6_addr[13] = mac[3];
            h->guest6.s6_addr[14] = mac[4];
            h->guest6.s6_addr[15] = mac[5];
            h->has_guest6 = true;
        }
    }
    cfg.in6_enabled = !spec->ipv6_off;
    (void) inet_pton(AF_INET6, NETNS_SLIRP_PREFIX6, &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    (void) inet_pton(AF_INET6, NETNS_SLIRP_GATEWAY6, &cfg.vhost6);
    (void) inet_pton(AF_INET6, NETNS_SLIRP_DNS6, &cfg.vnameserver6);
    cfg.outbound_addr = spec->outbound_addr[0] ? &out4 : NULL;
    cfg.outbound_addr6 = spec->outbound_addr6[0] ? &out6 : NULL;
    cfg.disable_host_loopback = !spec->allow_host_loopback;
    h->handler = spec->port_handler;
    h->slirp = slirp_fn.new_(&cfg, &cb, h);
    if (h->slirp == NULL)
        return pcon_fail(err, 0, "start libslirp");
    for (size_t i = 0; i < nports; i++)
        if (publish(h, &ports[i], err) < 0)
            return -1;
    return 0;
}

static int
helper_setup(struct helper *h, pid_t target, const struct netns_spec *spec,
             const struct netns_port *ports, size_t nports, struct pcon_err *err)
{
    unsigned int mtu = spec->mtu ? spec->mtu : NETNS_SLIRP_MTU;
    struct netns_slirp_addrs a;
    struct netns_tap_config tc;

    netns_slirp_addrs(spec, &a);
    tc = (struct netns_tap_config){ a.address, a.netmask, a.gateway, mtu, !spec->ipv6_off };
    /* outbound_addr= is checked before anything is made */
    if (spec->outbound_addr[0] || spec->outbound_addr6[0]) {
        struct sockaddr_in6 probe;
        if ((spec->outbound_addr[0]
             && outbound_resolve(spec->outbound_addr, AF_INET, &probe, err) < 0)
            || (spec->outbound_addr6[0]
                && outbound_resolve(spec->outbound_addr6, AF_INET6, &probe, err) < 0))
            return -1;
    }
    h->tap = netns_tap_open(target, &tc, &h->agent, err);
    if (h->tap < 0)
        return -1;
    return helper_slirp_setup(h, spec, ports, nports, err);
}

struct helper_msg {
    int errnum;
    int kind; /* enum pcon_errkind */
    char text[512];
};

/* The helper process: never returns. */
__attribute__((noreturn)) static void
helper_main(pid_t target, const struct netns_spec *spec, const struct netns_port *ports,
            size_t nports, int status_fd, pid_t parent)
{
    struct helper h = { .tap = -1, .agent = -1, .control = -1, .wake_ms = -1 };
    struct pcon_err err = { 0 };
    struct helper_msg msg = { 0 };
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int keep[] = { status_fd };

    /* it goes with the monitor, whatever ends it; a peer that goes away
     * is an EPIPE to handle, never a SIGPIPE that takes the whole network
     * down (the agent thread, started below, shares both) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent
        || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        _exit(1);
    (void) prctl(PR_SET_NAME, "pcon-net", 0, 0, 0);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0
        || proc_close_fds_except(keep, 1) < 0)
        _exit(1);
    if (helper_setup(&h, target, spec, ports, nports, &err) < 0) {
        msg.errnum = err.errnum;
        msg.kind = (int) err.kind;
        snprintf(msg.text, sizeof msg.text, "%s", err.msg ? err.msg : "network setup failed");
    }
    if (write(status_fd, &msg, sizeof msg) != (ssize_t) sizeof msg || msg.text[0])
        _exit(1);
    h.control = status_fd;
    proc_trim_resident(); /* what setting up touched, let go */
    helper_loop(&h);
}

int
netns_slirp_start(pid_t target, const struct netns_spec *spec, const struct netns_port *ports,
                  size_t nports, struct netns_helper *out, struct pcon_err *err)
{
    struct helper_msg msg;
    pid_t parent = getpid(), pid;
    int sv[2];
    ssize_t n;

    out->pid = -1;
    out->pidfd = out->control = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create the network helper's socket");
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, errno, "fork the network helper");
    }
    if (pid == 0) {
        close(sv[0]);
        helper_main(target, spec, ports, nports, sv[1], parent);
    }
    close(sv[1]);
    out->pid = pid;
    out->pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    out->control = sv[0];
    n = TEMP_FAILURE_RETRY_INT(read(sv[0], &msg, sizeof msg));
    if (n == (ssize_t) sizeof msg && msg.text[0] == '\0' && out->pidfd >= 0)
        return 0;
    netns_slirp_stop(out);
    if (n != (ssize_t) sizeof msg)
        return pcon_fail(err, n < 0 ? errno : EPROTO, "start the network helper");
    msg.text[sizeof msg.text - 1] = '\0';
    return pcon_fail_kind(err, (enum pcon_errkind) msg.kind, msg.errnum, "%s", msg.text);
}

void
netns_slirp_stop(struct netns_helper *h)
{
    if (h->pid <= 0)
        return;
    /* first the host's ports, let go of and confirmed (a second at most: a
     * helper that does not answer is killed all the same) */
    if (h->control >= 0) {
        struct pollfd pf = { h->control, POLLIN, 0 };
        char c = 's';
        if (write(h->control, &c, 1) == 1 && TEMP_FAILURE_RETRY_INT(poll(&pf, 1, 1000)) > 0)
            (void) !read(h->control, &c, 1);
        close(h->control);
    }
    /* Through the pidfd: the monitor may have reaped it already, and its
     * pid may be another process's by now. Its end is not waited for:
     * closing its tap unregisters the device, an RCU grace period (some
     * 15 ms) that the container's exit need not wait for; the monitor
     * reaps it. */
    if (h->pidfd >= 0) {
        (void) syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
        close(h->pidfd);
    }
    h->pid = -1;
    h->pidfd = h->control = -1;
}
