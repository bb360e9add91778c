// SPDX-License-Identifier: Apache-2.0
/* tap0 in a container's network namespace: made and configured there by a
 * short-lived, single-threaded child of the helper's, its fd and the
 * namespace's passed back with SCM_RIGHTS (the helper, in pcon's user
 * namespace, could not setns back into the host's network). The helper's
 * agent is a thread of its own that joins the namespace (a network
 * namespace belongs to a thread, not to the process) and hands out sockets
 * connected there, for forwarders: a thread costs the helper a few pages
 * of stack, where a process of its own kept a copy of everything the
 * helper's parent had touched. The rest of the helper stays in the host's
 * network namespace, where libslirp's sockets belong. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/route.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/fdpass.h"
#include "../lib/proc.h"
#include "netns.h"
#include "bridge.h"
#include "nl.h"
#include "tap.h"

static void
sin_set(struct sockaddr *sa, const char *ip)
{
    struct sockaddr_in *sin = (struct sockaddr_in *) sa;

    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    (void) inet_pton(AF_INET, ip, &sin->sin_addr); /* our own constants */
}

/* a sysctl of the namespace set, or -1 with errno */
static int
sysctl_write(const char *path, const char *text)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t n = strlen(text);

    if (fd < 0)
        return -1;
    return write(fd, text, n) == (ssize_t) n ? 0 : -1;
}

static int
if_up(int sock, const char *name, struct pcon_err *err)
{
    struct ifreq ifr = { 0 };

    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "read the flags of %s", name);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "bring %s up", name);
    return 0;
}

static int tap_ipv6(int sock, struct pcon_err *err);

/* address, netmask and MTU of tap0, lo and tap0 up, the default route */
static int
tap_configure(const struct netns_tap_config *c, struct pcon_err *err)
{
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = { 0 };
    struct rtentry rt = { 0 };

    if (sock < 0)
        return pcon_fail(err, errno, "create socket");
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tap0");
    ifr.ifr_mtu = (int) c->mtu;
    if (ioctl(sock, SIOCSIFMTU, &ifr) < 0)
        return pcon_fail(err, errno, "set the MTU of tap0 to %u", c->mtu);
    sin_set(&ifr.ifr_addr, c->address);
    if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
        return pcon_fail(err, errno, "give tap0 the address %s", c->address);
    sin_set(&ifr.ifr_netmask, c->netmask);
    if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
        return pcon_fail(err, errno, "set the netmask of tap0");
    /* Without IPv6, the kernel's router solicitations and address checks
     * on tap0 would wake the helper for nothing; with it, no duplicate
     * address detection on a link that is the container's alone (both
     * written in the namespace's own /proc/sys/net). */
    if (sysctl_write(c->ipv6 ? "/proc/sys/net/ipv6/conf/tap0/accept_dad"
                             : "/proc/sys/net/ipv6/conf/tap0/disable_ipv6",
                     c->ipv6 ? "0" : "1")
            < 0
        && errno != ENOENT)
        return pcon_fail(err, errno, "configure IPv6 on tap0");
    if (if_up(sock, "lo", err) < 0 || if_up(sock, "tap0", err) < 0)
        return -1;
    if (c->ipv6 && tap_ipv6(sock, err) < 0)
        return -1;
    sin_set(&rt.rt_dst, "0.0.0.0");
    sin_set(&rt.rt_genmask, "0.0.0.0");
    sin_set(&rt.rt_gateway, c->gateway);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    rt.rt_dev = (char *) "tap0";
    if (ioctl(sock, SIOCADDRT, &rt) < 0)
        return pcon_fail(err, errno, "add the default route via %s", c->gateway);
    return 0;
}

static int
tap_create(struct pcon_err *err)
{
    cleanup_close int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    struct ifreq ifr = { 0 };

    if (fd < 0)
        return pcon_fail(err, errno, "open /dev/net/tun");
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tap0");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        return pcon_fail(err, errno, "create tap0");
    return steal_fd(&fd);
}

struct tap_reply {
    int errnum;
    char text[512];
};

/* an agent's request: a socket of type connected to dst (from src, when
 * its family is set), or the route that brings back replies from dst */
struct agent_req {
    int op;   /* AGENT_* */
    int type; /* SOCK_DGRAM or SOCK_STREAM */
    struct sockaddr_in dst, src;
    bool six; /* AGENT_CONNECT, AGENT_ROUTE: of dst6 (and src6) */
    struct sockaddr_in6 dst6, src6;
    bool v6;               /* AGENT_DNS: on the IPv6 gateway */
    struct bridge_req br;  /* the user networks' ops (netns/bridge.h) */
    struct bridge_req br2; /* AGENT_ISOLATE*: the other network */
};
enum {
    AGENT_CONNECT = 1,
    AGENT_ROUTE,
    AGENT_UNROUTE,
    AGENT_BRIDGE,
    AGENT_BRIDGE_DOWN,
    AGENT_VETH,
    AGENT_VETH_DEL,
    AGENT_DNS,
    AGENT_ISOLATE,
    AGENT_UNISOLATE,
    AGENT_NETNS,
};

/* the table of the route that delivers replies to a client's kept address
 * locally (to the forwarder's socket bound to it) */
#define KEEP_TABLE 2530

/* Replies from the container's address (af's, alen bytes at addr) and
 * port to a client whose address the forwarder kept belong to the
 * forwarder's socket, not to the network: "from ADDR ipproto P sport PORT
 * lookup KEEP_TABLE", a table where every address is local. */
static int
route_keep_af(int af, const void *addr, size_t alen, uint16_t port, int ipproto, bool drop)
{
    struct nlreq r;
    uint32_t table = KEEP_TABLE, lo = 1, prio = 100;
    struct fib_rule_port_range range = { port, port };
    uint8_t proto = (uint8_t) ipproto;
    int e;

    if (!drop) {
        nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.rt);
        r.u.rt = (struct rtmsg){ .rtm_family = (unsigned char) af,
                                 .rtm_table = RT_TABLE_UNSPEC,
                                 .rtm_protocol = RTPROT_STATIC,
                                 .rtm_scope = RT_SCOPE_HOST,
                                 .rtm_type = RTN_LOCAL };
        nl_attr(&r, RTA_TABLE, &table, sizeof table);
        nl_attr(&r, RTA_OIF, &lo, sizeof lo);
        if ((e = nl_talk(&r)) < 0)
            return e;
    }
    nl_init(&r, drop ? RTM_DELRULE : RTM_NEWRULE, drop ? 0 : NLM_F_CREATE | NLM_F_EXCL,
            sizeof r.u.fr);
    r.u.fr = (struct fib_rule_hdr){ .family = (unsigned char) af,
                                    .src_len = (unsigned char) (alen * 8),
                                    .action = FR_ACT_TO_TBL };
    nl_attr(&r, FRA_TABLE, &table, sizeof table);
    nl_attr(&r, FRA_PRIORITY, &prio, sizeof prio);
    nl_attr(&r, FRA_SRC, addr, alen);
    nl_attr(&r, FRA_IP_PROTO, &proto, sizeof proto);
    nl_attr(&r, FRA_SPORT_RANGE, &range, sizeof range);
    e = nl_talk(&r);
    return drop && e == -ENOENT ? 0 : e;
}

static int
route_keep(const struct sockaddr_in *from, int ipproto, bool drop)
{
    return route_keep_af(AF_INET, &from->sin_addr, sizeof from->sin_addr, ntohs(from->sin_port),
                         ipproto, drop);
}

static int
route_keep6(const struct sockaddr_in6 *from, int ipproto, bool drop)
{
    return route_keep_af(AF_INET6, &from->sin6_addr, sizeof from->sin6_addr, ntohs(from->sin6_port),
                         ipproto, drop);
}

/* tap0's IPv6: the address SLAAC would make of libslirp's prefix and the
 * tap's MAC (EUI-64), and the default route via libslirp's router */
static int
tap_ipv6(int sock, struct pcon_err *err)
{
    struct ifreq ifr = { 0 };
    struct in6_addr addr, router;
    uint32_t index = if_nametoindex("tap0");
    unsigned char *mac = (unsigned char *) ifr.ifr_hwaddr.sa_data;
    int e;

    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tap0");
    if (index == 0 || ioctl(sock, SIOCGIFHWADDR, &ifr) < 0)
        return pcon_fail(err, errno, "read the address of tap0");
    (void) inet_pton(AF_INET6, NETNS_SLIRP_PREFIX6, &addr);
    (void) inet_pton(AF_INET6, NETNS_SLIRP_ROUTER6, &router);
    addr.s6_addr[8] = mac[0] ^ 0x02;
    addr.s6_addr[9] = mac[1];
    addr.s6_addr[10] = mac[2];
    addr.s6_addr[11] = 0xff;
    addr.s6_addr[12] = 0xfe;
    addr.s6_addr[13] = mac[3];
    addr.s6_addr[14] = mac[4];
    addr.s6_addr[15] = mac[5];
    if ((e = nl_addr6_add(index, &addr, 64)) < 0)
        return pcon_fail(err, -e, "give tap0 its IPv6 address");
    if ((e = nl_route6_default(index, &router)) < 0)
        return pcon_fail(err, -e, "add the IPv6 default route via %s", NETNS_SLIRP_ROUTER6);
    return 0;
}

/* whether something in this namespace listens on IPv6 port (a TCP
 * listener, or a bound UDP socket: /proc/net/tcp6, udp6; any address) */
static bool
listens6(int type, uint16_t port)
{
    cleanup_free char *text = fs_read_all(
        AT_FDCWD, type == SOCK_STREAM ? "/proc/thread-self/net/tcp6" : "/proc/thread-self/net/udp6",
        1 << 22, NULL, NULL);
    char *save = NULL;

    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        unsigned lport, st;
        if (sscanf(l, " %*u: %*32[0-9A-Fa-f]:%x %*32[0-9A-Fa-f]:%*x %x", &lport, &st) == 2
            && lport == port && (type != SOCK_STREAM || st == 0x0A))
            return true;
    }
    return false;
}

/* a socket connected to dst inside, from src when given: the client's own
 * address, kept (IP_TRANSPARENT needs CAP_NET_ADMIN in the namespace's
 * user namespace, which is pcon's) */
static int
agent_socket(const struct agent_req *req, int in_fd, int own_ns)
{
    int one = 1, e;
    int fd = socket(req->six ? AF_INET6 : AF_INET, req->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return -1;
    if (req->six) {
        /* a service that listens on IPv4 alone is not reached over IPv6:
         * the caller goes over IPv4 then (looked at in the container's
         * namespace: in_fd, when it is not this one) */
        bool there;
        if (in_fd >= 0 && setns(in_fd, CLONE_NEWNET) < 0)
            goto fail;
        there = listens6(req->type, ntohs(req->dst6.sin6_port));
        if (in_fd >= 0 && setns(own_ns, CLONE_NEWNET) < 0)
            _exit(1); /* an agent elsewhere: the helper is of no more use */
        if (!there) {
            errno = ECONNREFUSED;
            goto fail;
        }
        if (req->src6.sin6_family == AF_INET6
            && (setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof one) < 0
                || bind(fd, (const struct sockaddr *) &req->src6, sizeof req->src6) < 0))
            goto fail;
        if (connect(fd, (const struct sockaddr *) &req->dst6, sizeof req->dst6) < 0
            && errno != EINPROGRESS)
            goto fail;
        return fd;
    }
    if (req->src.sin_family == AF_INET
        && (setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof one) < 0
            || bind(fd, (const struct sockaddr *) &req->src, sizeof req->src) < 0))
        goto fail;
    if (connect(fd, (const struct sockaddr *) &req->dst, sizeof req->dst) < 0
        && errno != EINPROGRESS)
        goto fail;
    return fd;
fail:
    e = errno;
    close(fd);
    errno = e;
    return -1;
}

static int
send_fd(int sock, const struct tap_reply *rep, int fd)
{
    return fdpass_send(sock, rep, sizeof *rep, fd) < 0 ? -1 : 0;
}

/* the fd a reply carries, or -1 with the reply's error */
static int
recv_fd(int sock, struct pcon_err *err)
{
    struct tap_reply rep;
    int fd;
    ssize_t n = fdpass_recv(sock, &rep, sizeof rep, &fd, 0);

    if (n != (ssize_t) sizeof rep) {
        if (fd >= 0)
            close(fd);
        return pcon_fail(err, n < 0 ? errno : EPROTO, "hear from the network namespace");
    }
    if (fd < 0) {
        rep.text[sizeof rep.text - 1] = '\0';
        return pcon_fail(err, rep.errnum, "%s", rep.text);
    }
    return fd;
}

/* one request served: an fd to send back (or -1), the error in rep */
static int
agent_do(const struct agent_req *req, int in_fd, int own_ns, struct tap_reply *rep)
{
    const char *what = NULL;
    int fd = -1, e = 0;

    switch (req->op) {
    case AGENT_ROUTE:
    case AGENT_UNROUTE:
        e = req->six ? route_keep6(&req->dst6, req->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
                                   req->op == AGENT_UNROUTE)
                     : route_keep(&req->dst, req->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP,
                                  req->op == AGENT_UNROUTE);
        what = "route replies to kept client addresses";
        break;
    case AGENT_BRIDGE:
        e = bridge_up(&req->br);
        what = "bring up the network's bridge";
        break;
    case AGENT_BRIDGE_DOWN:
        e = bridge_down(&req->br);
        what = "remove the network's bridge";
        break;
    case AGENT_VETH:
        e = in_fd < 0 ? -EBADF : bridge_veth(&req->br, in_fd, own_ns, &what);
        break;
    case AGENT_VETH_DEL:
        e = in_fd < 0 ? -EBADF : bridge_veth_del(&req->br, in_fd, own_ns);
        what = "remove the container's interface";
        break;
    case AGENT_ISOLATE:
    case AGENT_UNISOLATE:
        e = bridge_isolate(&req->br, &req->br2, req->op == AGENT_ISOLATE);
        what = "isolate the network from the other isolated ones";
        break;
    case AGENT_NETNS:
        if ((fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
            e = -errno;
        what = "open the network namespace";
        break;
    case AGENT_DNS:
        if ((fd = bridge_dns_socket(&req->br, req->type == SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM,
                                    req->v6))
            < 0)
            e = -errno;
        what = "listen for DNS queries on the gateway";
        break;
    default:
        if ((fd = agent_socket(req, in_fd, own_ns)) < 0)
            e = -errno;
        what = "connect inside the container";
    }
    if (e < 0) {
        rep->errnum = -e;
        snprintf(rep->text, sizeof rep->text, "%s", what ? what : "network setup");
    }
    return fd;
}

/* The agent thread: sockets connected inside the namespace, and the other
 * requests, until the helper goes. */
static void
agent_serve(int sock)
{
    int own_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    struct agent_req req;
    int in_fd;

    while (own_ns >= 0 && fdpass_recv(sock, &req, sizeof req, &in_fd, 0) == (ssize_t) sizeof req) {
        struct tap_reply rep = { 0 };
        int fd = agent_do(&req, in_fd, own_ns, &rep);

        if (in_fd >= 0)
            close(in_fd);
        if (send_fd(sock, &rep, fd) < 0) {
            if (fd >= 0)
                close(fd);
            break;
        }
        if (fd >= 0)
            close(fd);
    }
    if (own_ns >= 0)
        close(own_ns);
}

/* In the child: tap0, its fd sent back, then the namespace's. Never
 * returns. */
__attribute__((noreturn)) static void
tap_child(int netns_fd, const struct netns_tap_config *c, int sock)
{
    struct pcon_err err = { 0 };
    struct tap_reply rep = { 0 };
    int fd = -1, ns = -1;

    /* it goes with the helper */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        _exit(1);
    if (netns_fd >= 0 ? setns(netns_fd, CLONE_NEWNET) < 0 : unshare(CLONE_NEWNET) < 0)
        pcon_fail(&err, errno, "%s network namespace",
                  netns_fd >= 0 ? "join the container's" : "create a");
    else if ((fd = tap_create(&err)) >= 0 && tap_configure(c, &err) < 0) {
        close(fd);
        fd = -1;
    }
    /* a router between its bridges and tap0, which answers libslirp's ARP
     * for the addresses behind it */
    if (fd >= 0 && c->router
        && (sysctl_write("/proc/sys/net/ipv4/ip_forward", "1") < 0
            || sysctl_write("/proc/sys/net/ipv4/conf/tap0/proxy_arp", "1") < 0
            || (c->ipv6 && sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1") < 0))) {
        pcon_fail(&err, errno, "make the network namespace a router");
        close(fd);
        fd = -1;
    }
    /* the namespace, for the agent to join (a new one lives on in it) */
    if (fd >= 0 && (ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
        pcon_fail(&err, errno, "open the network namespace");
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        rep.errnum = err.errnum ? err.errnum : EIO;
        snprintf(rep.text, sizeof rep.text, "%s", err.msg ? err.msg : "tap0 failed");
    }
    if (send_fd(sock, &rep, fd) < 0 || fd < 0 || send_fd(sock, &rep, ns) < 0)
        _exit(1);
    _exit(0);
}

/* an answer that carries no fd: its error alone tells */
static int
recv_done(int sock, struct pcon_err *err)
{
    struct pcon_err e = { 0 };

    if (recv_fd(sock, &e) < 0 && e.errnum != 0) {
        *err = e;
        return -1;
    }
    pcon_err_clear(&e);
    return 0;
}

struct agent_start {
    int ns, sock;
};

static void *
agent_thread(void *arg)
{
    const struct agent_start *a = arg;
    struct tap_reply rep = { 0 };
    int sock = a->sock;

    if (setns(a->ns, CLONE_NEWNET) < 0) {
        rep.errnum = errno;
        snprintf(rep.text, sizeof rep.text, "join the network namespace");
    }
    /* a is the starter's, gone once it hears this */
    if (send_fd(sock, &rep, -1) == 0 && rep.errnum == 0)
        agent_serve(sock);
    close(sock); /* the helper's requests fail from now on */
    return NULL;
}

/* the agent thread, in the namespace ns: the helper's end of its socket */
static int
agent_start(int ns, struct pcon_err *err)
{
    struct agent_start a = { ns, -1 };
    sigset_t all, saved;
    pthread_attr_t attr;
    pthread_t thread;
    int sv[2], e;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create socket pair");
    a.sock = sv[1];
    /* the agent mallocs in the helper's arena, not in one of its own */
    (void) mallopt(M_ARENA_MAX, 1);
    /* signals are the helper's loop's to take, never the agent's */
    sigfillset(&all);
    e = pthread_attr_init(&attr);
    if (e == 0) {
        (void) pthread_attr_setstacksize(&attr, 256 * 1024);
        (void) pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        (void) pthread_sigmask(SIG_SETMASK, &all, &saved);
        e = pthread_create(&thread, &attr, agent_thread, &a);
        (void) pthread_sigmask(SIG_SETMASK, &saved, NULL);
        (void) pthread_attr_destroy(&attr);
    }
    if (e != 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, e, "start the network namespace's agent");
    }
    if (recv_done(sv[0], err) < 0) {
        close(sv[0]);
        return -1;
    }
    return sv[0];
}

int
netns_tap_open(pid_t target, const struct netns_tap_config *c, int *agent, struct pcon_err *err)
{
    char path[64];
    cleanup_close int nsfd = -1;
    cleanup_close int ns = -1;
    int sv[2], fd;
    pid_t pid;

    *agent = -1;
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int) target);
    if (target > 0 && (nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return pcon_fail(err, errno, "open %s", path);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create socket pair");
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, errno, "fork");
    }
    if (pid == 0) {
        close(sv[0]);
        tap_child(nsfd, c, sv[1]);
    }
    close(sv[1]);
    fd = recv_fd(sv[0], err);
    if (fd >= 0 && (ns = recv_fd(sv[0], err)) < 0) {
        close(fd);
        fd = -1;
    }
    close(sv[0]);
    (void) proc_wait_exit(pid, NULL);
    if (fd < 0)
        return -1;
    if ((*agent = agent_start(ns, err)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* a request carrying fd (-1: none) */
static int
agent_ask_fd(int agent, const struct agent_req *req, int fd, struct pcon_err *err)
{
    if (fdpass_send(agent, req, sizeof *req, fd) != (ssize_t) sizeof *req)
        return pcon_fail(err, errno, "ask the network namespace");
    return recv_fd(agent, err);
}

/* a request whose answer carries no fd: its error alone tells */
static int
agent_ask_done(int agent, const struct agent_req *req, int fd, struct pcon_err *err)
{
    if (fdpass_send(agent, req, sizeof *req, fd) != (ssize_t) sizeof *req)
        return pcon_fail(err, errno, "ask the network namespace");
    return recv_done(agent, err);
}

int
netns_agent_bridge(int agent, const struct bridge_req *b, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_BRIDGE, .br = *b };

    return agent_ask_done(agent, &req, -1, err);
}

int
netns_agent_bridge_down(int agent, const struct bridge_req *b, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_BRIDGE_DOWN, .br = *b };

    return agent_ask_done(agent, &req, -1, err);
}

int
netns_agent_isolate(int agent, const struct bridge_req *a, const struct bridge_req *b, bool add,
                    struct pcon_err *err)
{
    struct agent_req req = { .op = add ? AGENT_ISOLATE : AGENT_UNISOLATE, .br = *a, .br2 = *b };

    return agent_ask_done(agent, &req, -1, err);
}

int
netns_agent_veth(int agent, int ctr_ns, const struct bridge_req *b, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_VETH, .br = *b };

    return agent_ask_done(agent, &req, ctr_ns, err);
}

int
netns_agent_veth_del(int agent, int ctr_ns, const struct bridge_req *b, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_VETH_DEL, .br = *b };

    return agent_ask_done(agent, &req, ctr_ns, err);
}

int
netns_agent_dns_socket(int agent, const struct bridge_req *b, int type, bool v6,
                       struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_DNS, .type = type, .v6 = v6, .br = *b };

    return agent_ask_fd(agent, &req, -1, err);
}

int
netns_agent_netns(int agent, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_NETNS };

    return agent_ask_fd(agent, &req, -1, err);
}

int
netns_agent_route_drop(int agent, int type, const struct sockaddr_in *from, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_UNROUTE, .type = type, .dst = *from };

    return agent_ask_done(agent, &req, -1, err);
}

const struct sockaddr_in *
netns_agent_kept_source(const struct sockaddr_storage *src, socklen_t len, struct sockaddr_in *buf)
{
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) src;

    if (len == sizeof *buf && src->ss_family == AF_INET)
        memcpy(buf, src, sizeof *buf);
    else if (len == sizeof *sin6 && src->ss_family == AF_INET6
             && IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
        *buf = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = sin6->sin6_port };
        memcpy(&buf->sin_addr, &sin6->sin6_addr.s6_addr[12], sizeof buf->sin_addr);
    } else
        return NULL;
    return (ntohl(buf->sin_addr.s_addr) >> 24) == 127 ? NULL : buf;
}

int
netns_agent_connect(int agent, int type, const struct sockaddr_in *dst,
                    const struct sockaddr_in *src, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_CONNECT, .type = type, .dst = *dst };

    if (src)
        req.src = *src;
    return agent_ask_fd(agent, &req, -1, err);
}

int
netns_agent_connect_kept(int agent, int type, const struct sockaddr_in *dst,
                         const struct sockaddr_in6 *dst6, int ctr_ns,
                         const struct sockaddr_storage *peer, socklen_t len, struct pcon_err *err)
{
    const struct sockaddr_in6 *p6 = (const struct sockaddr_in6 *) peer;
    struct sockaddr_in kept;

    /* an IPv6 client (not mapped IPv4, not the host's own): kept over the
     * container's IPv6 address, when it has one */
    if (dst6 && len == sizeof *p6 && peer->ss_family == AF_INET6
        && !IN6_IS_ADDR_V4MAPPED(&p6->sin6_addr) && !IN6_IS_ADDR_LOOPBACK(&p6->sin6_addr)
        && !IN6_IS_ADDR_LINKLOCAL(&p6->sin6_addr)) {
        struct agent_req req = { .op = AGENT_CONNECT, .type = type, .six = true, .dst6 = *dst6 };
        int fd;
        req.src6 = *p6;
        req.src6.sin6_scope_id = 0;
        if ((fd = agent_ask_fd(agent, &req, ctr_ns, NULL)) >= 0)
            return fd;
        /* nothing there over IPv6: over IPv4, the address not kept */
        return netns_agent_connect(agent, type, dst, NULL, err);
    }
    return netns_agent_connect(agent, type, dst, netns_agent_kept_source(peer, len, &kept), err);
}

int
netns_agent_route_keep6(int agent, int type, const struct sockaddr_in6 *from, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_ROUTE, .type = type, .six = true, .dst6 = *from };

    return agent_ask_done(agent, &req, -1, err);
}

int
netns_agent_route_drop6(int agent, int type, const struct sockaddr_in6 *from, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_UNROUTE, .type = type, .six = true, .dst6 = *from };

    return agent_ask_done(agent, &req, -1, err);
}

int
netns_agent_route_keep(int agent, int type, const struct sockaddr_in *from, struct pcon_err *err)
{
    struct agent_req req = { .op = AGENT_ROUTE, .type = type, .dst = *from };

    return agent_ask_done(agent, &req, -1, err);
}
