// SPDX-License-Identifier: Apache-2.0
/* pcon-netd, the user networks' process, and its clients' side. One
 * single-threaded poll loop (netns/slirp.c's, with hooks): libslirp on
 * tap0, the clients' requests, the DNS responders, the published ports.
 * Requests are fixed-size messages on a SOCK_SEQPACKET socket; each is
 * answered before the next is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/fsutil.h"
#include "../lib/loop.h"
#include "../lib/proc.h"
#include "bridge.h"
#include "dns.h"
#include "helper.h"
#include "netd.h"
#include "tap.h"
#include "tcpfwd.h"
#include "udpfwd.h"

#define NETD_SOCK       "netd.sock"
#define NETD_LOCK       "netd.lock"
#define NETD_LINGER_MS  2000 /* kept a moment for the next container */
#define NETD_PENDING    256  /* DNS queries forwarded and not yet answered */
#define NETD_PENDING_MS 5000
#define NETD_UPSTREAMS  3
#define NETD_DNS_TCP    8 /* DNS connections at once; a ninth ends the oldest */

enum {
    NETD_ALLOC = 1,
    NETD_ATTACH,
    NETD_PUBLISH,
    NETD_ALIAS,
    NETD_CONNECT,
    NETD_DISCONNECT,
    NETD_BYE,
    NETD_NETNS, /* (after BYE: a running pcon-netd of before knows none) */
};

struct netd_req {
    int op;
    char ctr_id[65];
    char net_name[256];
    struct bridge_req br; /* the network's bridge, subnet, gateway; the interface */
    struct in_addr first, last, want;
    struct in6_addr first6, last6, want6; /* with br.ipv6; want6 zero: the first free */
    unsigned char want_mac[6];
    bool want_mac_set, dns;
    char names[2048]; /* space-separated */
    struct netns_port port;
};

struct netd_reply {
    int errnum;
    int kind; /* enum pcon_errkind */
    char text[512];
    struct in_addr ip;
    struct in6_addr ip6; /* on a network with IPv6 */
    unsigned char mac[6];
};

/* ------------------------------------------------------------------ */
/* the process                                                         */

struct netd_net {
    char name[256];
    struct bridge_req br;
    struct in_addr first, last;
    struct in6_addr first6, last6;
    bool dns;
    int dns_fd, dns_idx;
    int dns_tcp_fd, dns_tcp_idx;                      /* listening, for answers too long for UDP */
    int dns6_fd, dns6_idx, dns6_tcp_fd, dns6_tcp_idx; /* the same on the IPv6 gateway */
    size_t users;
    struct netd_net *next;
};

struct netd_addr {
    struct netd_net *net;
    struct in_addr ip;
    struct in6_addr ip6; /* with net->br.ipv6 */
    unsigned char mac[6];
    char ifname[IFNAMSIZ];
    char **names;
    struct netd_addr *next;
};

struct netd_kept {
    int type;
    struct sockaddr_in from;
    bool six; /* of from6 */
    struct sockaddr_in6 from6;
};

struct netd_client {
    int fd, idx;
    int nsfd;          /* the container's network namespace, once attached; else -1 */
    char ctr_id[65];   /* the container it allocated for */
    char alias_of[65]; /* NETD_ALIAS: whose addresses alias_names name */
    char **alias_names;
    struct netd_addr *addrs;
    struct netns_tcpfwd **tcp;
    size_t ntcp;
    struct netns_udpfwd **udp;
    size_t nudp;
    struct netd_kept *kept;
    size_t nkept;
    struct netd_client *next;
};

/* a container asking the DNS responder: its address, IPv4 or (v6) IPv6 */
struct netd_peer {
    bool v6;
    struct in_addr a;
    struct in6_addr a6;
};

/* A DNS connection over TCP from a container (RFC 7766): its messages,
 * each after a 2-byte length, answered in turn, by the network or over a
 * connection of the host's resolver of its own */
struct netd_dnsconn {
    int fd, idx;
    int up_fd, up_idx; /* the host's resolver, while a query is forwarded; else -1 */
    struct netd_net *net;
    struct netd_peer from;
    uint8_t *in; /* what came, not answered yet */
    size_t in_len;
    uint8_t *up; /* the framed query to send, then the framed answer read */
    size_t up_len, up_sent;
    struct netd_dnsconn *next;
};

struct netd_pending {
    bool used;
    uint16_t id, orig;
    struct netd_net *net;
    struct sockaddr_storage client; /* answered on the net's socket of its family */
    socklen_t clen;
    int64_t at_ms;
};

struct netd {
    struct helper h;
    int listen_fd, listen_idx;
    int lock_fd;
    const char *sock_path;
    struct netd_client *clients;
    struct netd_net *nets;
    int up_fd, up_idx;
    struct sockaddr_in upstream[NETD_UPSTREAMS];
    size_t nupstream;
    struct stat resolv;     /* /etc/resolv.conf as read (its device, inode, mtime) */
    int64_t resolv_checked; /* when it was last looked at (ms) */
    struct netd_pending pending[NETD_PENDING];
    struct netd_dnsconn *dnsconns;
    size_t ndnsconns;
    uint16_t next_id;
    int64_t idle_since;
};

static int64_t
now_ms(void)
{
    return loop_now_ns() / 1000000;
}

static void
reply_send(int fd, const struct netd_reply *rep)
{
    (void) !send(fd, rep, sizeof *rep, MSG_NOSIGNAL);
}

static void
reply_err(struct netd_reply *rep, const struct pcon_err *err)
{
    rep->errnum = err->errnum;
    rep->kind = (int) err->kind;
    snprintf(rep->text, sizeof rep->text, "%s", err->msg ? err->msg : "network failure");
}

static void
dnsconn_free(struct netd *d, struct netd_dnsconn *k)
{
    if (k->fd >= 0)
        close(k->fd);
    if (k->up_fd >= 0)
        close(k->up_fd);
    free(k->in);
    free(k->up);
    free(k);
    d->ndnsconns--;
}

static void
dnsconn_unlink(struct netd *d, struct netd_dnsconn *k)
{
    for (struct netd_dnsconn **l = &d->dnsconns; *l; l = &(*l)->next)
        if (*l == k) {
            *l = k->next;
            break;
        }
    dnsconn_free(d, k);
}

static void
net_free(struct netd *d, struct netd_net *n)
{
    struct pcon_err err = { 0 };

    for (struct netd_net **l = &d->nets; *l; l = &(*l)->next)
        if (*l == n) {
            *l = n->next;
            break;
        }
    for (size_t i = 0; i < NETD_PENDING; i++)
        if (d->pending[i].net == n)
            d->pending[i].used = false;
    if (n->dns_fd >= 0)
        close(n->dns_fd);
    if (n->dns_tcp_fd >= 0)
        close(n->dns_tcp_fd);
    if (n->dns6_fd >= 0)
        close(n->dns6_fd);
    if (n->dns6_tcp_fd >= 0)
        close(n->dns6_tcp_fd);
    for (struct netd_dnsconn *k = d->dnsconns, *kn; k; k = kn) {
        kn = k->next;
        if (k->net == n)
            dnsconn_unlink(d, k);
    }
    for (struct netd_net *o = d->nets; n->br.isolate && o; o = o->next)
        if (o->br.isolate)
            (void) netns_agent_isolate(d->h.agent, &n->br, &o->br, false, &err);
    pcon_err_clear(&err);
    (void) netns_agent_bridge_down(d->h.agent, &n->br, &err);
    pcon_err_clear(&err);
    free(n);
}

static void
client_free(struct netd *d, struct netd_client *c)
{
    struct pcon_err err = { 0 };

    for (size_t i = 0; i < c->ntcp; i++)
        netns_tcpfwd_free(c->tcp[i]);
    for (size_t i = 0; i < c->nudp; i++)
        netns_udpfwd_free(c->udp[i]);
    for (size_t i = 0; i < c->nkept; i++)
        (void) (c->kept[i].six
                    ? netns_agent_route_drop6(d->h.agent, c->kept[i].type, &c->kept[i].from6, &err)
                    : netns_agent_route_drop(d->h.agent, c->kept[i].type, &c->kept[i].from, &err));
    pcon_err_clear(&err);
    while (c->addrs) {
        struct netd_addr *a = c->addrs;
        c->addrs = a->next;
        if (--a->net->users == 0)
            net_free(d, a->net);
        strv_free(a->names);
        free(a);
    }
    for (struct netd_client **l = &d->clients; *l; l = &(*l)->next)
        if (*l == c) {
            *l = c->next;
            break;
        }
    free(c->tcp);
    free(c->udp);
    free(c->kept);
    if (c->nsfd >= 0)
        close(c->nsfd);
    strv_free(c->alias_names);
    close(c->fd);
    free(c);
}

static bool
ip_used(const struct netd *d, const struct netd_net *n, struct in_addr ip)
{
    for (const struct netd_client *c = d->clients; c; c = c->next)
        for (const struct netd_addr *a = c->addrs; a; a = a->next)
            if (a->net == n && a->ip.s_addr == ip.s_addr)
                return true;
    return false;
}

static bool
ip6_used(const struct netd *d, const struct netd_net *n, const struct in6_addr *ip)
{
    for (const struct netd_client *c = d->clients; c; c = c->next)
        for (const struct netd_addr *a = c->addrs; a; a = a->next)
            if (a->net == n && memcmp(&a->ip6, ip, sizeof *ip) == 0)
                return true;
    return false;
}

static bool
same_subnet(const struct bridge_req *a, const struct bridge_req *b)
{
    unsigned int p = a->prefix < b->prefix ? a->prefix : b->prefix;

    return p >= 1 && p <= 32
           && ntohl(a->subnet.s_addr) >> (32 - p) == ntohl(b->subnet.s_addr) >> (32 - p);
}

/* the network the request names, brought up on first use */
static struct netd_net *
net_get(struct netd *d, const struct netd_req *req, struct pcon_err *err)
{
    struct netd_net *n;

    for (n = d->nets; n; n = n->next) {
        if (strcmp(n->name, req->net_name) == 0) {
            if (strcmp(n->br.bridge, req->br.bridge) != 0
                || n->br.subnet.s_addr != req->br.subnet.s_addr || n->br.prefix != req->br.prefix
                || n->br.gateway.s_addr != req->br.gateway.s_addr
                || n->br.internal != req->br.internal || n->br.isolate != req->br.isolate
                || n->dns != req->dns || n->br.vlan != req->br.vlan || n->br.ipv6 != req->br.ipv6
                || (n->br.ipv6
                    && (memcmp(&n->br.subnet6, &req->br.subnet6, sizeof n->br.subnet6) != 0
                        || n->br.prefix6 != req->br.prefix6
                        || memcmp(&n->br.gateway6, &req->br.gateway6, sizeof n->br.gateway6)
                               != 0))) {
                pcon_fail(err, 0,
                          "network %s was recreated while containers of the old one run: stop"
                          " them first",
                          n->name);
                return NULL;
            }
            return n;
        }
        if (strcmp(n->br.bridge, req->br.bridge) == 0 || same_subnet(&n->br, &req->br)) {
            pcon_fail(err, 0, "network %s overlaps network %s, which containers use", req->net_name,
                      n->name);
            return NULL;
        }
    }
    n = xzalloc(sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", req->net_name);
    n->br = req->br;
    n->br.ifname[0] = '\0';
    n->br.addr.s_addr = 0;
    memset(&n->br.addr6, 0, sizeof n->br.addr6);
    n->first = req->first;
    n->last = req->last;
    n->first6 = req->first6;
    n->last6 = req->last6;
    n->dns = req->dns;
    n->dns_fd = n->dns_idx = n->dns_tcp_fd = n->dns_tcp_idx = -1;
    n->dns6_fd = n->dns6_idx = n->dns6_tcp_fd = n->dns6_tcp_idx = -1;
    bool ok =
        netns_agent_bridge(d->h.agent, &n->br, err) == 0
        && (!n->dns
            || ((n->dns_fd = netns_agent_dns_socket(d->h.agent, &n->br, SOCK_DGRAM, false, err))
                    >= 0
                && (n->dns_tcp_fd =
                        netns_agent_dns_socket(d->h.agent, &n->br, SOCK_STREAM, false, err))
                       >= 0))
        && (!n->dns || !n->br.ipv6
            || ((n->dns6_fd = netns_agent_dns_socket(d->h.agent, &n->br, SOCK_DGRAM, true, err))
                    >= 0
                && (n->dns6_tcp_fd =
                        netns_agent_dns_socket(d->h.agent, &n->br, SOCK_STREAM, true, err))
                       >= 0));
    /* apart from the other isolated networks in use (the rules go with
     * whichever of the two goes first) */
    for (struct netd_net *o = d->nets; ok && n->br.isolate && o; o = o->next)
        ok = !o->br.isolate || netns_agent_isolate(d->h.agent, &n->br, &o->br, true, err) == 0;
    if (!ok && n->br.vlan && err->errnum == EOPNOTSUPP)
        pcon_prefix(err, "network %s's vlan=%u: this kernel's bridges have no VLAN filtering",
                    n->name, n->br.vlan);
    if (!ok) {
        net_free(d, n); /* not listed yet: what was made of it goes */
        return NULL;
    }
    n->next = d->nets;
    d->nets = n;
    return n;
}

/* the IPv6 address of an allocation on n: the one asked for, or the first
 * free one of the range (the gateway skipped) */
static int
alloc6(struct netd *d, struct netd_net *n, const struct netd_req *req, struct in6_addr *out,
       struct pcon_err *err)
{
    static const struct in6_addr zero;
    struct in6_addr cand = n->first6;

    if (memcmp(&req->want6, &zero, sizeof zero) != 0) {
        char s[INET6_ADDRSTRLEN];
        if (!ip6_used(d, n, &req->want6)) {
            *out = req->want6;
            return 0;
        }
        inet_ntop(AF_INET6, &req->want6, s, sizeof s);
        return pcon_fail(err, 0,
                         "IPAM error: requested ip address %s is already allocated to another"
                         " container on network %s",
                         s, n->name);
    }
    /* as many tries as there are addresses at most, and not forever */
    for (unsigned k = 0; k < 65536; k++) {
        if (memcmp(&cand, &n->br.gateway6, sizeof cand) != 0 && !ip6_used(d, n, &cand)) {
            *out = cand;
            return 0;
        }
        if (memcmp(&cand, &n->last6, sizeof cand) >= 0)
            break;
        for (int i = 15; i >= 0 && ++cand.s6_addr[i] == 0; i--)
            ;
    }
    return pcon_fail(err, 0, "IPAM error: failed to find free IPv6 address in network %s", n->name);
}

static void
handle_alloc(struct netd *d, struct netd_client *c, struct netd_req *req, struct netd_reply *rep)
{
    struct pcon_err err = { 0 };
    struct netd_net *n;
    struct netd_addr *a;
    struct in_addr ip = { 0 };
    struct in6_addr ip6 = { 0 };
    char *save = NULL;

    req->net_name[sizeof req->net_name - 1] = '\0';
    req->names[sizeof req->names - 1] = '\0';
    req->br.bridge[sizeof req->br.bridge - 1] = '\0';
    req->br.ifname[sizeof req->br.ifname - 1] = '\0';
    for (a = c->addrs; a; a = a->next)
        if (strcmp(a->net->name, req->net_name) == 0) {
            pcon_fail(&err, 0, "container is already connected to network %s", req->net_name);
            goto fail;
        }
    if ((n = net_get(d, req, &err)) == NULL)
        goto fail;
    if (req->want.s_addr) {
        if (ip_used(d, n, req->want)) {
            char s[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &req->want, s, sizeof s);
            pcon_fail(&err, 0,
                      "IPAM error: requested ip address %s is already allocated to another"
                      " container on network %s",
                      s, n->name);
        } else
            ip = req->want;
    } else
        for (uint32_t h = ntohl(n->first.s_addr); h <= ntohl(n->last.s_addr) && !ip.s_addr; h++) {
            struct in_addr cand = { htonl(h) };
            if (cand.s_addr != n->br.gateway.s_addr && !ip_used(d, n, cand))
                ip = cand;
        }
    if (ip.s_addr && n->br.ipv6 && alloc6(d, n, req, &ip6, &err) < 0)
        ip.s_addr = 0;
    if (ip.s_addr == 0) {
        if (err.msg == NULL)
            pcon_fail(&err, 0, "IPAM error: failed to find free IP in network %s", n->name);
        if (n->users == 0)
            net_free(d, n);
        goto fail;
    }
    a = xzalloc(sizeof *a);
    a->net = n;
    a->ip = ip;
    a->ip6 = ip6;
    if (req->want_mac_set) {
        memcpy(a->mac, req->want_mac, sizeof a->mac);
    } else {
        if (getrandom(a->mac, sizeof a->mac, 0) != (ssize_t) sizeof a->mac)
            memcpy(a->mac, &ip, 4);
        a->mac[0] = (unsigned char) ((a->mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
    }
    snprintf(a->ifname, sizeof a->ifname, "%s", req->br.ifname);
    for (char *w = strtok_r(req->names, " ", &save); w; w = strtok_r(NULL, " ", &save))
        strv_push(&a->names, w);
    n->users++;
    req->ctr_id[sizeof req->ctr_id - 1] = '\0';
    memcpy(c->ctr_id, req->ctr_id, sizeof c->ctr_id);
    a->next = c->addrs;
    c->addrs = a;
    rep->ip = ip;
    rep->ip6 = ip6;
    memcpy(rep->mac, a->mac, sizeof a->mac);
    return;
fail:
    reply_err(rep, &err);
    pcon_err_clear(&err);
}

static void
handle_attach(struct netd *d, struct netd_client *c, int nsfd, struct netd_reply *rep)
{
    struct pcon_err err = { 0 };

    if (nsfd < 0) {
        pcon_fail(&err, EBADF, "attach: no network namespace given");
        goto fail;
    }
    for (struct netd_addr *a = c->addrs; a; a = a->next) {
        struct bridge_req br = a->net->br;
        br.addr = a->ip;
        br.addr6 = a->ip6;
        memcpy(br.mac, a->mac, sizeof br.mac);
        snprintf(br.ifname, sizeof br.ifname, "%s", a->ifname);
        if (netns_agent_veth(d->h.agent, nsfd, &br, &err) < 0) {
            pcon_prefix(&err, "connect to network %s", a->net->name);
            goto fail;
        }
    }
    /* kept for the forwarders: what listens there over IPv6 */
    if (c->nsfd < 0)
        c->nsfd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
    return;
fail:
    reply_err(rep, &err);
    pcon_err_clear(&err);
}

static void
handle_publish(struct netd *d, struct netd_client *c, struct netd_req *req, struct netd_reply *rep)
{
    struct pcon_err err = { 0 };
    struct netd_addr *a = c->addrs;
    struct sockaddr_in dst = { .sin_family = AF_INET };
    struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6 };
    int type = req->port.udp ? SOCK_DGRAM : SOCK_STREAM;
    cleanup_close int fd = -1;
    bool six;

    req->port.host_ip[sizeof req->port.host_ip - 1] = '\0';
    while (a && a->next)
        a = a->next; /* the first allocated: the list is newest first */
    if (a == NULL) {
        pcon_fail(&err, 0, "publish: no address on a network");
        goto fail;
    }
    six = a->net->br.ipv6; /* IPv6 clients kept over its IPv6 address */
    dst.sin_addr = a->ip;
    dst.sin_port = htons(req->port.ctr_port);
    dst6.sin6_addr = a->ip6;
    dst6.sin6_port = dst.sin_port;
    fd = helper_host_socket(&req->port, type, &err);
    if (fd < 0 || netns_agent_route_keep(d->h.agent, type, &dst, &err) < 0)
        goto fail;
    c->kept = xrealloc(c->kept, (c->nkept + 1) * sizeof *c->kept);
    c->kept[c->nkept++] = (struct netd_kept){ type, dst, false, dst6 };
    if (six) {
        if (netns_agent_route_keep6(d->h.agent, type, &dst6, &err) < 0)
            goto fail;
        c->kept = xrealloc(c->kept, (c->nkept + 1) * sizeof *c->kept);
        c->kept[c->nkept++] = (struct netd_kept){ type, dst, true, dst6 };
    }
    if (req->port.udp) {
        c->udp = xrealloc(c->udp, (c->nudp + 1) * sizeof *c->udp);
        c->udp[c->nudp++] =
            netns_udpfwd_new(steal_fd(&fd), d->h.agent, &dst, six ? &dst6 : NULL, c->nsfd);
    } else {
        c->tcp = xrealloc(c->tcp, (c->ntcp + 1) * sizeof *c->tcp);
        c->tcp[c->ntcp++] =
            netns_tcpfwd_new(steal_fd(&fd), d->h.agent, &dst, six ? &dst6 : NULL, c->nsfd);
    }
    return;
fail:
    reply_err(rep, &err);
    pcon_err_clear(&err);
}

/* the connection of the running container id (its monitor's), or NULL */
static struct netd_client *
client_of(struct netd *d, const char *id)
{
    for (struct netd_client *c = d->clients; c; c = c->next)
        if (c->addrs && strcmp(c->ctr_id, id) == 0)
            return c;
    return NULL;
}

static void
addr_drop(struct netd *d, struct netd_client *t, struct netd_addr *gone)
{
    for (struct netd_addr **l = &t->addrs; *l; l = &(*l)->next)
        if (*l == gone) {
            *l = gone->next;
            break;
        }
    if (--gone->net->users == 0)
        net_free(d, gone->net);
    strv_free(gone->names);
    free(gone);
}

/* network connect of a running container: an address on one more
 * network, the monitor's connection's, and its veth in nsfd */
static void
handle_connect(struct netd *d, struct netd_req *req, int nsfd, struct netd_reply *rep)
{
    struct pcon_err err = { 0 };
    struct netd_client *t;
    struct bridge_req br;
    struct netd_addr *a;

    req->ctr_id[sizeof req->ctr_id - 1] = '\0';
    if ((t = client_of(d, req->ctr_id)) == NULL || nsfd < 0) {
        pcon_fail(&err, 0, "container %.12s has no running network to connect", req->ctr_id);
        goto fail;
    }
    handle_alloc(d, t, req, rep);
    if (rep->text[0])
        return;
    a = t->addrs; /* the newest */
    br = a->net->br;
    br.addr = a->ip;
    br.addr6 = a->ip6;
    memcpy(br.mac, a->mac, sizeof br.mac);
    snprintf(br.ifname, sizeof br.ifname, "%s", a->ifname);
    if (netns_agent_veth(d->h.agent, nsfd, &br, &err) < 0) {
        pcon_prefix(&err, "connect to network %s", a->net->name);
        addr_drop(d, t, a);
        goto fail;
    }
    return;
fail:
    reply_err(rep, &err);
    pcon_err_clear(&err);
}

/* network disconnect of a running container: its veth on the network
 * removed, the address given back */
static void
handle_disconnect(struct netd *d, struct netd_req *req, int nsfd, struct netd_reply *rep)
{
    struct pcon_err err = { 0 };
    struct netd_client *t;
    struct netd_addr *a = NULL;
    struct bridge_req br;

    req->ctr_id[sizeof req->ctr_id - 1] = '\0';
    req->net_name[sizeof req->net_name - 1] = '\0';
    if ((t = client_of(d, req->ctr_id)) != NULL)
        for (a = t->addrs; a && strcmp(a->net->name, req->net_name) != 0; a = a->next)
            ;
    if (a == NULL || nsfd < 0) {
        pcon_fail(&err, 0, "container %.12s is not connected to network %s", req->ctr_id,
                  req->net_name);
        goto fail;
    }
    br = a->net->br;
    snprintf(br.ifname, sizeof br.ifname, "%s", a->ifname);
    if (netns_agent_veth_del(d->h.agent, nsfd, &br, &err) < 0)
        goto fail;
    addr_drop(d, t, a);
    return;
fail:
    reply_err(rep, &err);
    pcon_err_clear(&err);
}

/* one request of c; false when c is gone */
static bool
client_read(struct netd *d, struct netd_client *c)
{
    static struct netd_req req;
    struct netd_reply rep = { 0 };
    int fd;
    ssize_t n = fdpass_recv(c->fd, &req, sizeof req, &fd, MSG_DONTWAIT);

    if (n < 0 && errno == EAGAIN)
        return true;
    if (n != (ssize_t) sizeof req || req.op == NETD_BYE) {
        bool bye = n == (ssize_t) sizeof req;
        int cfd = dup(c->fd);
        if (fd >= 0)
            close(fd);
        client_free(d, c);
        if (bye && cfd >= 0)
            reply_send(cfd, &rep); /* the ports are free: the next may bind them */
        if (cfd >= 0)
            close(cfd);
        return false;
    }
    switch (req.op) {
    case NETD_ALLOC:
        handle_alloc(d, c, &req, &rep);
        break;
    case NETD_ATTACH:
        handle_attach(d, c, fd, &rep);
        break;
    case NETD_PUBLISH:
        handle_publish(d, c, &req, &rep);
        break;
    case NETD_CONNECT:
        handle_connect(d, &req, fd, &rep);
        break;
    case NETD_DISCONNECT:
        handle_disconnect(d, &req, fd, &rep);
        break;
    case NETD_NETNS: {
        /* the networks' namespace, for as long as the connection is open */
        struct pcon_err err = { 0 };
        int ns = netns_agent_netns(d->h.agent, &err);
        if (ns < 0)
            reply_err(&rep, &err);
        pcon_err_clear(&err);
        if (fd >= 0)
            close(fd);
        (void) fdpass_send(c->fd, &rep, sizeof rep, ns);
        if (ns >= 0)
            close(ns);
        return true;
    }
    case NETD_ALIAS: {
        char *save = NULL;
        req.names[sizeof req.names - 1] = '\0';
        req.ctr_id[sizeof req.ctr_id - 1] = '\0';
        memcpy(c->alias_of, req.ctr_id, sizeof c->alias_of);
        for (char *w = strtok_r(req.names, " ", &save); w; w = strtok_r(NULL, " ", &save))
            strv_push(&c->alias_names, w);
        break;
    }
    default:
        snprintf(rep.text, sizeof rep.text, "unknown request");
        rep.errnum = EPROTO;
    }
    if (fd >= 0)
        close(fd);
    reply_send(c->fd, &rep);
    return true;
}

static void
accept_clients(struct netd *d)
{
    int fd;

    while ((fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
        struct netd_client *c = xzalloc(sizeof *c);
        c->fd = fd;
        c->idx = -1;
        c->nsfd = -1;
        c->next = d->clients;
        d->clients = c;
        d->idle_since = -1;
        d->h.wake_ms = -1;
    }
}

static bool
addr_is(const struct netd_addr *a, const struct netd_peer *p)
{
    return p->v6 ? a->net->br.ipv6 && memcmp(&a->ip6, &p->a6, sizeof p->a6) == 0
                 : a->ip.s_addr == p->a.s_addr;
}

/* the client whose address on n is the peer's (the one asking), or NULL */
static const struct netd_client *
client_at(const struct netd *d, const struct netd_net *n, const struct netd_peer *p)
{
    for (const struct netd_client *c = d->clients; c; c = c->next)
        for (const struct netd_addr *a = c->addrs; a; a = a->next)
            if (a->net == n && addr_is(a, p))
                return c;
    return NULL;
}

/* what a name stands for: the addresses of both families */
struct netd_found {
    struct in_addr v4[16];
    struct in6_addr v6[16];
    size_t n4, n6;
};

static void
found_add(struct netd_found *f, const struct netd_addr *a)
{
    if (f->n4 < 16)
        f->v4[f->n4++] = a->ip;
    if (a->net->br.ipv6 && f->n6 < 16)
        f->v6[f->n6++] = a->ip6;
}

static bool
client_on(const struct netd_client *c, const struct netd_net *n)
{
    for (const struct netd_addr *a = c ? c->addrs : NULL; a; a = a->next)
        if (a->net == n)
            return true;
    return false;
}

/* The addresses of name (at most max) on the networks of the container
 * asking (as aardvark-dns: one on several networks finds the names of all
 * of them through any of its resolvers), or on n alone. */
static size_t
dns_lookup(const struct netd *d, const struct netd_net *n, const struct netd_peer *from,
           const char *name, struct netd_found *f)
{
    const struct netd_client *asker = client_at(d, n, from);

    memset(f, 0, sizeof *f);
    for (const struct netd_client *c = d->clients; c; c = c->next)
        for (const struct netd_addr *a = c->addrs; a; a = a->next) {
            if (a->net != n && !client_on(asker, a->net))
                continue;
            for (size_t i = 0; a->names && a->names[i]; i++)
                if (strcasecmp(a->names[i], name) == 0) {
                    found_add(f, a);
                    break;
                }
        }
    /* names another connection gives to a container's addresses */
    for (const struct netd_client *c = d->clients; c; c = c->next) {
        bool named = false;
        for (size_t i = 0; c->alias_names && c->alias_names[i] && !named; i++)
            named = strcasecmp(c->alias_names[i], name) == 0;
        for (const struct netd_client *t = d->clients; named && t; t = t->next) {
            if (strcmp(t->ctr_id, c->alias_of) != 0)
                continue;
            for (const struct netd_addr *a = t->addrs; a; a = a->next)
                if (a->net == n || client_on(asker, a->net))
                    found_add(f, a);
        }
    }
    return f->n4;
}

static void
dns_forward(struct netd *d, struct netd_net *n, uint8_t *msg, size_t len,
            const struct sockaddr_storage *client, socklen_t clen)
{
    int64_t now = now_ms();
    struct netd_pending *p = NULL;

    for (size_t i = 0; i < NETD_PENDING && p == NULL; i++)
        if (!d->pending[i].used || now - d->pending[i].at_ms > NETD_PENDING_MS)
            p = &d->pending[i];
    if (p == NULL)
        return; /* too many at once: the client asks again */
    *p = (struct netd_pending){ true, ++d->next_id, (uint16_t) ((msg[0] << 8) | msg[1]), n, *client,
                                clen, now };
    msg[0] = (uint8_t) (p->id >> 8);
    msg[1] = (uint8_t) p->id;
    for (size_t i = 0; i < d->nupstream; i++)
        (void) sendto(d->up_fd, msg, len, MSG_DONTWAIT, (struct sockaddr *) &d->upstream[i],
                      sizeof d->upstream[i]);
}

static void upstreams_read(struct netd *d);

/* the host's resolvers again when /etc/resolv.conf changed (a laptop's
 * network, a VPN): looked at once a second at most, and only when there
 * is a query */
static void
upstreams_check(struct netd *d)
{
    int64_t now = now_ms();
    struct stat sb;

    if (now - d->resolv_checked < 1000)
        return;
    d->resolv_checked = now;
    if (stat("/etc/resolv.conf", &sb) < 0)
        memset(&sb, 0, sizeof sb);
    if (sb.st_dev == d->resolv.st_dev && sb.st_ino == d->resolv.st_ino
        && sb.st_mtim.tv_sec == d->resolv.st_mtim.tv_sec
        && sb.st_mtim.tv_nsec == d->resolv.st_mtim.tv_nsec && sb.st_size == d->resolv.st_size)
        return;
    upstreams_read(d);
}

/* The name of the container at ip on the networks of the one asking (or
 * on n): NULL when none has it */
static const char *
dns_lookup_ptr(const struct netd *d, const struct netd_net *n, const struct netd_peer *from,
               const struct netd_peer *ip)
{
    const struct netd_client *asker = client_at(d, n, from);

    for (const struct netd_client *c = d->clients; c; c = c->next)
        for (const struct netd_addr *a = c->addrs; a; a = a->next)
            if (addr_is(a, ip) && (a->net == n || client_on(asker, a->net)) && a->names
                && a->names[0])
                return a->names[0];
    return NULL;
}

/* whether ip is in the subnet of one of the networks in use */
static bool
dns_our_address(const struct netd *d, const struct netd_peer *ip)
{
    for (const struct netd_net *n = d->nets; n; n = n->next) {
        uint32_t mask = n->br.prefix ? htonl(~0U << (32 - n->br.prefix)) : 0;
        bool in6 = n->br.ipv6;
        for (unsigned i = 0; in6 && i < 16; i++) {
            unsigned bits = n->br.prefix6 > 8 * i ? n->br.prefix6 - 8 * i : 0;
            uint8_t m = bits >= 8 ? 0xff : (uint8_t) (0xff00u >> bits);
            in6 = (ip->a6.s6_addr[i] & m) == (n->br.subnet6.s6_addr[i] & m);
        }
        if (ip->v6 ? in6 : (ip->a.s_addr & mask) == (n->br.subnet.s_addr & mask))
            return true;
    }
    return false;
}

/* The answer to the query msg from a container on n: 1 and out (olen)
 * when it is ours to answer, 0 when it goes to the host's resolvers, -1
 * when it is no query to answer */
static int
dns_respond(struct netd *d, struct netd_net *n, const struct netd_peer *from, const uint8_t *msg,
            size_t len, uint8_t *out, size_t cap, size_t *olen)
{
    struct dns_query q;
    struct netd_found f;
    struct netd_peer ip = { 0 };
    char base[256];
    size_t na;
    bool in_domain;
    int rcode = DNS_NOERROR;

    if (dns_query_parse(msg, len, &q) < 0)
        return -1;
    upstreams_check(d);
    /* a reverse lookup of a container's address: its name; of another
     * address of the networks, none */
    if (q.qtype == DNS_TYPE_PTR
        && (dns_reverse_name(q.name, &ip.a) || (ip.v6 = dns_reverse_name6(q.name, &ip.a6)))) {
        const char *name = dns_lookup_ptr(d, n, from, &ip);
        if (name || dns_our_address(d, &ip)) {
            *olen = dns_answer_ptr(msg, &q, name ? DNS_NOERROR : DNS_NXDOMAIN,
                                   name ? (char *const[]){ (char *) name } : NULL, name ? 1 : 0,
                                   out, cap);
            return *olen ? 1 : -1;
        }
        if (d->nupstream == 0) {
            *olen = dns_answer(msg, &q, DNS_SERVFAIL, NULL, 0, out, cap);
            return *olen ? 1 : -1;
        }
        return 0;
    }
    na = dns_lookup(d, n, from, q.name, &f);
    in_domain = na == 0 && dns_in_domain(q.name, base, sizeof base);
    if (in_domain)
        na = dns_lookup(d, n, from, base, &f);
    if (na == 0 && !in_domain) {
        if (d->nupstream > 0)
            return 0;
        rcode = DNS_SERVFAIL;
    } else if (na == 0)
        rcode = DNS_NXDOMAIN;
    /* a known name: its IPv6 addresses (those of networks with IPv6) or
     * its IPv4 ones; other types have none */
    if (q.qtype == DNS_TYPE_AAAA)
        *olen = dns_answer6(msg, &q, rcode, f.v6, na ? f.n6 : 0, out, cap);
    else
        *olen = dns_answer(msg, &q, rcode, f.v4,
                           q.qtype == DNS_TYPE_A || q.qtype == DNS_TYPE_ANY ? na : 0, out, cap);
    return *olen ? 1 : -1;
}

/* the peer at a socket address of either family */
static bool
peer_of(const struct sockaddr_storage *ss, socklen_t len, struct netd_peer *p)
{
    memset(p, 0, sizeof *p);
    if (ss->ss_family == AF_INET && len == sizeof(struct sockaddr_in)) {
        p->a = ((const struct sockaddr_in *) ss)->sin_addr;
        return true;
    }
    if (ss->ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)) {
        p->v6 = true;
        p->a6 = ((const struct sockaddr_in6 *) ss)->sin6_addr;
        return true;
    }
    return false;
}

/* the queries on n's socket fd (its IPv4 or its IPv6 one) */
static void
dns_serve(struct netd *d, struct netd_net *n, int fd)
{
    uint8_t msg[1500], out[1500];
    struct sockaddr_storage client;
    socklen_t clen = sizeof client;
    struct netd_peer peer;
    ssize_t len;

    while ((len = recvfrom(fd, msg, sizeof msg, MSG_DONTWAIT, (struct sockaddr *) &client, &clen))
           >= 0) {
        size_t olen = 0;
        int r = peer_of(&client, clen, &peer)
                    ? dns_respond(d, n, &peer, msg, (size_t) len, out, sizeof out, &olen)
                    : -1;
        if (r == 0)
            dns_forward(d, n, msg, (size_t) len, &client, clen);
        else if (r > 0)
            (void) sendto(fd, out, olen, MSG_DONTWAIT, (struct sockaddr *) &client, clen);
        clen = sizeof client;
    }
}

#define DNS_TCP_MAX (2 + 65535)

/* the framed message at buf to fd, whole (a container's connection takes
 * an answer at once; one that does not is given up) */
static bool
frame_send(int fd, const uint8_t *msg, size_t len)
{
    uint8_t head[2] = { (uint8_t) (len >> 8), (uint8_t) len };
    struct iovec iov[2] = { { head, 2 }, { (void *) msg, len } };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

    return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t) (len + 2);
}

/* a query forwarded over TCP to the host's first resolver */
static bool
dnsconn_forward(struct netd *d, struct netd_dnsconn *k, const uint8_t *msg, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return false;
    if (connect(fd, (struct sockaddr *) &d->upstream[0], sizeof d->upstream[0]) < 0
        && errno != EINPROGRESS) {
        close(fd);
        return false;
    }
    free(k->up);
    k->up = xmalloc(DNS_TCP_MAX);
    k->up[0] = (uint8_t) (len >> 8);
    k->up[1] = (uint8_t) len;
    memcpy(k->up + 2, msg, len);
    k->up_len = len + 2;
    k->up_sent = 0;
    k->up_fd = fd;
    return true;
}

/* the messages that came, answered in turn until one is forwarded; false:
 * the connection is to end */
static bool
dnsconn_process(struct netd *d, struct netd_dnsconn *k)
{
    while (k->up_fd < 0 && k->in_len >= 2) {
        size_t len = (size_t) (k->in[0] << 8 | k->in[1]), olen = 0;
        uint8_t out[1500];
        int r;

        if (k->in_len < len + 2)
            return true; /* more to come */
        r = dns_respond(d, k->net, &k->from, k->in + 2, len, out, sizeof out, &olen);
        if (r < 0 || (r > 0 && !frame_send(k->fd, out, olen))
            || (r == 0 && !dnsconn_forward(d, k, k->in + 2, len)))
            return false;
        memmove(k->in, k->in + 2 + len, k->in_len - 2 - len);
        k->in_len -= 2 + len;
    }
    return true;
}

static void
dns_tcp_accept(struct netd *d, struct netd_net *n, int lfd)
{
    struct sockaddr_storage from;
    socklen_t flen = sizeof from;
    struct netd_peer peer;
    int fd;

    while ((fd = accept4(lfd, (struct sockaddr *) &from, &flen, SOCK_CLOEXEC | SOCK_NONBLOCK))
           >= 0) {
        struct netd_dnsconn *k;
        if (!peer_of(&from, flen, &peer)) {
            close(fd);
            flen = sizeof from;
            continue;
        }
        if (d->ndnsconns >= NETD_DNS_TCP) { /* the oldest is the last */
            struct netd_dnsconn *last = d->dnsconns;
            while (last->next)
                last = last->next;
            dnsconn_unlink(d, last);
        }
        k = xzalloc(sizeof *k);
        *k = (struct netd_dnsconn){ .fd = fd,
                                    .idx = -1,
                                    .up_fd = -1,
                                    .up_idx = -1,
                                    .net = n,
                                    .from = peer,
                                    .in = xmalloc(DNS_TCP_MAX) };
        k->next = d->dnsconns;
        d->dnsconns = k;
        d->ndnsconns++;
        flen = sizeof from;
    }
}

/* one connection's turn: false when it is over */
static bool
dnsconn_poll(struct netd *d, struct netd_dnsconn *k, const struct pollfd *pfd)
{
    if (k->idx >= 0 && pfd[k->idx].revents) {
        ssize_t got;
        if (pfd[k->idx].revents & (POLLERR | POLLHUP) && !(pfd[k->idx].revents & POLLIN))
            return false;
        if (k->up_fd < 0 && (pfd[k->idx].revents & POLLIN)) {
            got = recv(k->fd, k->in + k->in_len, DNS_TCP_MAX - k->in_len, MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
                return false;
            if (got > 0)
                k->in_len += (size_t) got;
            if (!dnsconn_process(d, k))
                return false;
        }
    }
    if (k->up_fd >= 0 && k->up_idx >= 0 && pfd[k->up_idx].revents) {
        ssize_t n;
        if (k->up_sent < k->up_len) {
            n = send(k->up_fd, k->up + k->up_sent, k->up_len - k->up_sent,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return false;
            if (n > 0)
                k->up_sent += (size_t) n;
            if (k->up_sent == k->up_len)
                k->up_len = 0; /* the answer comes into the same buffer */
            return true;
        }
        n = recv(k->up_fd, k->up + k->up_len, DNS_TCP_MAX - k->up_len, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return false;
        if (n > 0)
            k->up_len += (size_t) n;
        if (k->up_len >= 2 && k->up_len >= 2 + (size_t) (k->up[0] << 8 | k->up[1])) {
            size_t len = (size_t) (k->up[0] << 8 | k->up[1]);
            if (!frame_send(k->fd, k->up + 2, len))
                return false;
            close(k->up_fd);
            k->up_fd = k->up_idx = -1;
            return dnsconn_process(d, k);
        }
    }
    return true;
}

static void
upstream_read(struct netd *d)
{
    uint8_t msg[4096];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t len;

    while (
        (len = recvfrom(d->up_fd, msg, sizeof msg, MSG_DONTWAIT, (struct sockaddr *) &from, &flen))
        >= 0) {
        uint16_t id;
        bool known = false;

        if (len < 12 || flen != sizeof from)
            goto next;
        for (size_t i = 0; i < d->nupstream && !known; i++)
            known = d->upstream[i].sin_addr.s_addr == from.sin_addr.s_addr
                    && d->upstream[i].sin_port == from.sin_port;
        id = (uint16_t) ((msg[0] << 8) | msg[1]);
        for (size_t i = 0; known && i < NETD_PENDING; i++) {
            struct netd_pending *p = &d->pending[i];
            if (!p->used || p->id != id)
                continue;
            msg[0] = (uint8_t) (p->orig >> 8);
            msg[1] = (uint8_t) p->orig;
            (void) sendto(p->client.ss_family == AF_INET6 ? p->net->dns6_fd : p->net->dns_fd, msg,
                          (size_t) len, MSG_DONTWAIT, (struct sockaddr *) &p->client, p->clen);
            p->used = false;
            break;
        }
    next:
        flen = sizeof from;
    }
}

/* implements helper.fill */
static void
netd_fill(struct helper *h)
{
    struct netd *d = h->user;

    d->listen_idx = helper_add_fd(d->listen_fd, POLLIN, h);
    d->up_idx = d->up_fd >= 0 ? helper_add_fd(d->up_fd, POLLIN, h) : -1;
    for (struct netd_net *n = d->nets; n; n = n->next) {
        n->dns_idx = n->dns_fd >= 0 ? helper_add_fd(n->dns_fd, POLLIN, h) : -1;
        n->dns_tcp_idx = n->dns_tcp_fd >= 0 ? helper_add_fd(n->dns_tcp_fd, POLLIN, h) : -1;
        n->dns6_idx = n->dns6_fd >= 0 ? helper_add_fd(n->dns6_fd, POLLIN, h) : -1;
        n->dns6_tcp_idx = n->dns6_tcp_fd >= 0 ? helper_add_fd(n->dns6_tcp_fd, POLLIN, h) : -1;
    }
    for (struct netd_dnsconn *k = d->dnsconns; k; k = k->next) {
        /* while a query is forwarded, the next waits: only a hangup counts */
        k->idx = helper_add_fd(k->fd, k->up_fd < 0 ? POLLIN : 0, h);
        k->up_idx = k->up_fd >= 0
                        ? helper_add_fd(k->up_fd, k->up_sent < k->up_len ? POLLOUT : POLLIN, h)
                        : -1;
    }
    for (struct netd_client *c = d->clients; c; c = c->next) {
        c->idx = helper_add_fd(c->fd, POLLIN, h);
        for (size_t i = 0; i < c->ntcp; i++)
            netns_tcpfwd_fill(c->tcp[i], helper_add_fd, h);
        for (size_t i = 0; i < c->nudp; i++)
            netns_udpfwd_fill(c->udp[i], helper_add_fd, h);
    }
}

/* no client for a while: gone, unless one is on its way (it holds the
 * lock shared while it connects) */
static void
idle_check(struct netd *d)
{
    int64_t now = now_ms();

    if (d->clients) {
        d->idle_since = -1;
        d->h.wake_ms = -1;
        return;
    }
    if (d->idle_since < 0) {
        d->idle_since = now;
        d->h.wake_ms = now + NETD_LINGER_MS;
        return;
    }
    if (now < d->h.wake_ms)
        return;
    if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        d->h.wake_ms = now + 100;
        return;
    }
    accept_clients(d);
    if (d->clients == NULL) {
        (void) unlink(d->sock_path);
        _exit(0);
    }
    (void) flock(d->lock_fd, LOCK_UN);
}

/* implements helper.dispatch */
static void
netd_dispatch(struct helper *h, int polled)
{
    struct netd *d = h->user;
    struct netd_client *next;

    if (polled > 0) {
        if (h->pfd[d->listen_idx].revents)
            accept_clients(d);
        if (d->up_idx >= 0 && h->pfd[d->up_idx].revents)
            upstream_read(d);
        for (struct netd_dnsconn *k = d->dnsconns, *kn; k; k = kn) {
            kn = k->next;
            if (!dnsconn_poll(d, k, h->pfd))
                dnsconn_unlink(d, k);
        }
        for (struct netd_net *n = d->nets; n; n = n->next) {
            if (n->dns_idx >= 0 && h->pfd[n->dns_idx].revents)
                dns_serve(d, n, n->dns_fd);
            if (n->dns_tcp_idx >= 0 && h->pfd[n->dns_tcp_idx].revents)
                dns_tcp_accept(d, n, n->dns_tcp_fd);
            if (n->dns6_idx >= 0 && h->pfd[n->dns6_idx].revents)
                dns_serve(d, n, n->dns6_fd);
            if (n->dns6_tcp_idx >= 0 && h->pfd[n->dns6_tcp_idx].revents)
                dns_tcp_accept(d, n, n->dns6_tcp_fd);
        }
        for (struct netd_client *c = d->clients; c; c = next) {
            next = c->next;
            for (size_t i = 0; i < c->ntcp; i++)
                netns_tcpfwd_poll(c->tcp[i], h->pfd);
            for (size_t i = 0; i < c->nudp; i++)
                netns_udpfwd_poll(c->udp[i], h->pfd);
        }
        for (struct netd_client *c = d->clients; c; c = next) {
            next = c->next;
            if (c->idx >= 0 && h->pfd[c->idx].revents)
                (void) client_read(d, c);
        }
    }
    idle_check(d);
}

/* the host's resolvers (IPv4), where names of no container go */
static void
upstreams_read(struct netd *d)
{
    cleanup_close int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
    cleanup_free char *text = NULL;
    char *save = NULL;

    /* what was read is what the next check compares with */
    if (fd < 0 || fstat(fd, &d->resolv) < 0)
        memset(&d->resolv, 0, sizeof d->resolv);
    text = fd >= 0 ? fs_read_fd(fd, 1 << 16, NULL, NULL) : NULL;
    d->nupstream = 0;
    d->resolv_checked = now_ms();

    for (char *line = text ? strtok_r(text, "\n", &save) : NULL;
         line && d->nupstream < NETD_UPSTREAMS; line = strtok_r(NULL, "\n", &save)) {
        char addr[64];
        struct sockaddr_in *s = &d->upstream[d->nupstream];
        if (sscanf(line, " nameserver %63s", addr) != 1)
            continue;
        *s = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(53) };
        if (inet_pton(AF_INET, addr, &s->sin_addr) == 1)
            d->nupstream++;
    }
}

static int
listen_at(const char *path, struct pcon_err *err)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    cleanup_close int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (strlen(path) >= sizeof sun.sun_path)
        return pcon_fail(err, ENAMETOOLONG, "listen on %s", path);
    strcpy(sun.sun_path, path);
    (void) unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0 || listen(fd, 64) < 0)
        return pcon_fail(err, errno, "listen on %s", path);
    return steal_fd(&fd);
}

static int
netd_setup(struct netd *d, const char *runroot, struct pcon_err *err)
{
    struct netns_spec spec = { .mode = NETNS_SLIRP };
    struct netns_slirp_addrs a;
    struct netns_tap_config tc;
    cleanup_free char *lock = xasprintf("%s/%s", runroot, NETD_LOCK);

    netns_slirp_addrs(&spec, &a);
    tc = (struct netns_tap_config){ a.address, a.netmask, a.gateway, NETNS_SLIRP_MTU, true, true };
    d->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (d->lock_fd < 0)
        return pcon_fail(err, errno, "open %s", lock);
    d->up_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    upstreams_read(d);
    d->h.tap = netns_tap_open(0, &tc, &d->h.agent, err);
    if (d->h.tap < 0 || helper_slirp_setup(&d->h, &spec, NULL, 0, err) < 0)
        return -1;
    d->h.prime_arp = true;
    d->h.fill = netd_fill;
    d->h.dispatch = netd_dispatch;
    d->h.user = d;
    d->listen_fd = listen_at(d->sock_path, err);
    return d->listen_fd < 0 ? -1 : 0;
}

/* the process, started by netd_start: never returns */
__attribute__((noreturn)) static void
netd_main(const char *runroot, int ready)
{
    static struct netd d;
    struct netd_reply rep = { 0 };
    struct pcon_err err = { 0 };
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int keep[] = { ready };

    (void) prctl(PR_SET_NAME, "pcon-netd", 0, 0, 0);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0
        || proc_close_fds_except(keep, 1) < 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR
        || chdir("/") < 0)
        _exit(1);
    d.h = (struct helper){ .tap = -1, .agent = -1, .control = -1, .wake_ms = -1 };
    d.listen_fd = d.up_fd = d.lock_fd = -1;
    d.idle_since = -1;
    d.sock_path = xasprintf("%s/%s", runroot, NETD_SOCK);
    if (netd_setup(&d, runroot, &err) < 0)
        reply_err(&rep, &err);
    if (write(ready, &rep, sizeof rep) != (ssize_t) sizeof rep || rep.text[0])
        _exit(1);
    close(ready);
    proc_trim_resident(); /* what setting up touched, let go */
    helper_loop(&d.h);
}

/* ------------------------------------------------------------------ */
/* the clients' side                                                   */

static int
connect_at(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof sun.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* a new pcon-netd, in a session of its own, not the caller's child */
static int
netd_start(const char *runroot, struct pcon_err *err)
{
    struct netd_reply rep;
    int p[2], status;
    pid_t pid;
    ssize_t n;

    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "start the networks' process");
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return pcon_fail(err, errno, "start the networks' process");
    }
    if (pid == 0) {
        close(p[0]);
        if (setsid() < 0)
            _exit(1);
        pid = fork();
        if (pid == 0)
            netd_main(runroot, p[1]);
        _exit(pid < 0);
    }
    close(p[1]);
    (void) TEMP_FAILURE_RETRY_INT(waitpid(pid, &status, 0));
    n = TEMP_FAILURE_RETRY_INT(read(p[0], &rep, sizeof rep));
    close(p[0]);
    if (n != (ssize_t) sizeof rep)
        return pcon_fail(err, n < 0 ? errno : EPROTO, "start the networks' process");
    if (rep.text[0]) {
        rep.text[sizeof rep.text - 1] = '\0';
        return pcon_fail_kind(err, (enum pcon_errkind) rep.kind, rep.errnum,
                              "start the networks' process: %s", rep.text);
    }
    return 0;
}

int
netns_netd_connect(const char *runroot, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s", runroot, NETD_SOCK);
    cleanup_free char *lockp = xasprintf("%s/%s", runroot, NETD_LOCK);
    cleanup_close int lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int fd;

    if (lock < 0)
        return pcon_fail(err, errno, "open %s", lockp);
    /* shared while connecting: the process does not end meanwhile */
    if (TEMP_FAILURE_RETRY_INT(flock(lock, LOCK_SH)) < 0)
        return pcon_fail(err, errno, "lock %s", lockp);
    if ((fd = connect_at(path)) >= 0)
        return fd;
    /* exclusive to start one: only one does */
    if (TEMP_FAILURE_RETRY_INT(flock(lock, LOCK_EX)) < 0)
        return pcon_fail(err, errno, "lock %s", lockp);
    if ((fd = connect_at(path)) >= 0)
        return fd;
    if (netd_start(runroot, err) < 0)
        return -1;
    if ((fd = connect_at(path)) < 0)
        return pcon_fail(err, errno, "connect to the networks' process");
    return fd;
}

static int
ask(int fd, const struct netd_req *req, int pass_fd, struct netd_reply *rep, struct pcon_err *err)
{
    ssize_t n;

    if (fdpass_send(fd, req, sizeof *req, pass_fd) != (ssize_t) sizeof *req)
        return pcon_fail(err, errno, "ask the networks' process");
    n = TEMP_FAILURE_RETRY_INT(recv(fd, rep, sizeof *rep, 0));
    if (n != (ssize_t) sizeof *rep)
        return pcon_fail(err, n < 0 ? errno : EPROTO, "hear from the networks' process");
    if (rep->text[0]) {
        rep->text[sizeof rep->text - 1] = '\0';
        return pcon_fail_kind(err, (enum pcon_errkind) rep->kind, rep->errnum, "%s", rep->text);
    }
    return 0;
}

/* names space-separated into req->names */
static int
names_pack(struct netd_req *req, char *const *names, struct pcon_err *err)
{
    size_t len = 0;

    for (size_t i = 0; names && names[i]; i++) {
        size_t k = strlen(names[i]);
        if (len + k + 2 > sizeof req->names || strchr(names[i], ' '))
            return pcon_fail(err, E2BIG, "too many names for a network");
        memcpy(req->names + len, names[i], k);
        req->names[len + k] = ' ';
        len += k + 1;
    }
    return 0;
}

int
netns_netd_alias(int fd, const char *target, char *const *names, struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;

    memset(&req, 0, sizeof req);
    req.op = NETD_ALIAS;
    snprintf(req.ctr_id, sizeof req.ctr_id, "%s", target);
    if (names_pack(&req, names, err) < 0)
        return -1;
    return ask(fd, &req, -1, &rep, err);
}

static int
alloc_ask(int fd, int op, int nsfd, const struct netns_attach_opts *o, struct netns_attachment *out,
          struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;
    const struct netns_network *n = o->net;

    memset(&req, 0, sizeof req);
    req.op = op;
    snprintf(req.ctr_id, sizeof req.ctr_id, "%s", o->ctr_id);
    snprintf(req.net_name, sizeof req.net_name, "%s", n->name);
    snprintf(req.br.bridge, sizeof req.br.bridge, "%s", n->iface);
    snprintf(req.br.ifname, sizeof req.br.ifname, "%s", o->ifname);
    req.br.subnet = n->subnet;
    req.br.gateway = n->gateway;
    req.br.prefix = n->prefix;
    req.br.mtu = n->mtu ? n->mtu : 1500;
    req.br.internal = n->internal;
    req.br.isolate = n->isolate;
    req.br.vlan = n->vlan;
    req.first = n->range_first;
    req.last = n->range_last;
    req.want = o->want;
    if (n->ipv6) {
        req.br.ipv6 = true;
        req.br.subnet6 = n->subnet6;
        req.br.gateway6 = n->gateway6;
        req.br.prefix6 = n->prefix6;
        req.first6 = n->range6_first;
        req.last6 = n->range6_last;
        req.want6 = o->want6;
    }
    if (o->want_mac) {
        memcpy(req.want_mac, o->want_mac, sizeof req.want_mac);
        req.want_mac_set = true;
    }
    req.dns = n->dns;
    if (names_pack(&req, o->names, err) < 0 || ask(fd, &req, nsfd, &rep, err) < 0)
        return -1;
    out->ip = rep.ip;
    out->has6 = n->ipv6;
    out->ip6 = rep.ip6;
    memcpy(out->mac, rep.mac, sizeof out->mac);
    return 0;
}

int
netns_netd_alloc(int fd, const struct netns_attach_opts *o, struct netns_attachment *out,
                 struct pcon_err *err)
{
    return alloc_ask(fd, NETD_ALLOC, -1, o, out, err);
}

static int
ns_open(pid_t target, struct pcon_err *err)
{
    char path[64];
    int fd;

    snprintf(path, sizeof path, "/proc/%d/ns/net", (int) target);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return pcon_fail(err, errno, "open %s", path);
    return fd;
}

int
netns_netd_connect_running(const char *runroot, pid_t target, const struct netns_attach_opts *o,
                           struct netns_attachment *out, struct pcon_err *err)
{
    cleanup_close int nsfd = ns_open(target, err);
    int fd, r;

    if (nsfd < 0 || (fd = netns_netd_connect(runroot, err)) < 0)
        return -1;
    r = alloc_ask(fd, NETD_CONNECT, nsfd, o, out, err);
    close(fd);
    return r;
}

int
netns_netd_disconnect_running(const char *runroot, pid_t target, const char *ctr_id,
                              const char *network, struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;
    cleanup_close int nsfd = ns_open(target, err);
    int fd, r;

    if (nsfd < 0 || (fd = netns_netd_connect(runroot, err)) < 0)
        return -1;
    memset(&req, 0, sizeof req);
    req.op = NETD_DISCONNECT;
    snprintf(req.ctr_id, sizeof req.ctr_id, "%s", ctr_id);
    snprintf(req.net_name, sizeof req.net_name, "%s", network);
    r = ask(fd, &req, nsfd, &rep, err);
    close(fd);
    return r;
}

int
netns_netd_attach(int fd, pid_t target, struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;
    cleanup_close int nsfd = ns_open(target, err);

    if (nsfd < 0)
        return -1;
    memset(&req, 0, sizeof req);
    req.op = NETD_ATTACH;
    return ask(fd, &req, nsfd, &rep, err);
}

int
netns_netd_netns(int fd, struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;
    int ns;
    ssize_t n;

    memset(&req, 0, sizeof req);
    req.op = NETD_NETNS;
    if (fdpass_send(fd, &req, sizeof req, -1) != (ssize_t) sizeof req)
        return pcon_fail(err, errno, "ask the networks' process");
    n = fdpass_recv(fd, &rep, sizeof rep, &ns, 0);
    if (n != (ssize_t) sizeof rep || ns < 0) {
        if (ns >= 0)
            close(ns);
        rep.text[sizeof rep.text - 1] = '\0';
        return pcon_fail(err, n < 0 ? errno : rep.errnum, "%s",
                         n == (ssize_t) sizeof rep && rep.text[0]
                             ? rep.text
                             : "hear from the networks' process");
    }
    return ns;
}

int
netns_netd_publish(int fd, const struct netns_port *ports, size_t n, struct pcon_err *err)
{
    static struct netd_req req;
    struct netd_reply rep;

    for (size_t i = 0; i < n; i++) {
        memset(&req, 0, sizeof req);
        req.op = NETD_PUBLISH;
        req.port = ports[i];
        if (ask(fd, &req, -1, &rep, err) < 0)
            return -1;
    }
    return 0;
}

void
netns_netd_close(int fd)
{
    static struct netd_req req;
    struct netd_reply rep;
    struct pcon_err err = { 0 };

    if (fd < 0)
        return;
    memset(&req, 0, sizeof req);
    req.op = NETD_BYE;
    (void) ask(fd, &req, -1, &rep, &err);
    pcon_err_clear(&err);
    close(fd);
}
