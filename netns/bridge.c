// SPDX-License-Identifier: Apache-2.0
/* Bridges and veth pairs of the user networks, by rtnetlink, in the
 * namespace of the agent that runs these. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/route.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "bridge.h"
#include "nl.h"

static void
attr_str(struct nlreq *r, unsigned short type, const char *s)
{
    nl_attr(r, type, s, strlen(s) + 1);
}

static int internal_rule(const struct bridge_req *b, unsigned short type, bool v6);
static int vlan_member(unsigned int index, unsigned int vid, bool self);

static int
addr_add(unsigned int index, struct in_addr addr, unsigned int prefix)
{
    struct nlreq r;
    struct in_addr brd = { htonl(ntohl(addr.s_addr) | ((UINT32_C(1) << (32 - prefix)) - 1)) };

    nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.ifa);
    r.u.ifa = (struct ifaddrmsg){ .ifa_family = AF_INET,
                                  .ifa_prefixlen = (unsigned char) prefix,
                                  .ifa_index = index };
    nl_attr(&r, IFA_LOCAL, &addr, sizeof addr);
    nl_attr(&r, IFA_ADDRESS, &addr, sizeof addr);
    nl_attr(&r, IFA_BROADCAST, &brd, sizeof brd);
    return nl_talk(&r);
}

int
bridge_up(const struct bridge_req *b)
{
    struct nlreq r;
    struct rtattr *info;
    unsigned int index, mtu = b->mtu;
    int e;

    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.ifi);
    r.u.ifi =
        (struct ifinfomsg){ .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    attr_str(&r, IFLA_IFNAME, b->bridge);
    nl_attr(&r, IFLA_MTU, &mtu, sizeof mtu);
    info = nl_nest(&r, IFLA_LINKINFO);
    attr_str(&r, IFLA_INFO_KIND, "bridge");
    if (b->vlan) {
        uint8_t on = 1;
        struct rtattr *data = nl_nest(&r, IFLA_INFO_DATA);
        nl_attr(&r, IFLA_BR_VLAN_FILTERING, &on, sizeof on);
        nl_nest_end(&r, data);
    }
    nl_nest_end(&r, info);
    if ((e = nl_talk(&r)) < 0)
        return e;
    if ((index = if_nametoindex(b->bridge)) == 0)
        return -errno;
    if (b->vlan && (e = vlan_member(index, b->vlan, true)) < 0)
        return e;
    if ((e = addr_add(index, b->gateway, b->prefix)) < 0)
        return e;
    if (b->ipv6 && (e = nl_addr6_add(index, &b->gateway6, b->prefix6)) < 0)
        return e;
    /* nothing from an internal network is routed anywhere (its gateway, a
     * local address, still answers: the local table comes first) */
    if (b->internal && (e = internal_rule(b, RTM_NEWRULE, false)) < 0)
        return e;
    if (b->internal && b->ipv6 && (e = internal_rule(b, RTM_NEWRULE, true)) < 0)
        return e;
    return 0;
}

/* the port index (self: the bridge itself) an untagged member of VLAN
 * vid, its frames tagged vid on the bridge (podman's vlan=) */
static int
vlan_member(unsigned int index, unsigned int vid, bool self)
{
    struct nlreq r;
    struct rtattr *spec;
    struct bridge_vlan_info vi = { .flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED,
                                   .vid = (uint16_t) vid };
    uint16_t flags = BRIDGE_FLAGS_SELF;

    nl_init(&r, RTM_SETLINK, 0, sizeof r.u.ifi);
    r.u.ifi = (struct ifinfomsg){ .ifi_family = AF_BRIDGE, .ifi_index = (int) index };
    spec = nl_nest(&r, IFLA_AF_SPEC);
    if (self)
        nl_attr(&r, IFLA_BRIDGE_FLAGS, &flags, sizeof flags);
    nl_attr(&r, IFLA_BRIDGE_VLAN_INFO, &vi, sizeof vi);
    nl_nest_end(&r, spec);
    return nl_talk(&r);
}

/* the internal network's rule (v6: of its IPv6 subnet), added
 * (RTM_NEWRULE) or dropped */
static int
internal_rule(const struct bridge_req *b, unsigned short type, bool v6)
{
    struct nlreq r;
    uint32_t prio = 200;

    nl_init(&r, type, type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof r.u.fr);
    r.u.fr = (struct fib_rule_hdr){ .family = v6 ? AF_INET6 : AF_INET,
                                    .src_len = (unsigned char) (v6 ? b->prefix6 : b->prefix),
                                    .action = FR_ACT_UNREACHABLE };
    nl_attr(&r, FRA_PRIORITY, &prio, sizeof prio);
    if (v6)
        nl_attr(&r, FRA_SRC, &b->subnet6, sizeof b->subnet6);
    else
        nl_attr(&r, FRA_SRC, &b->subnet, sizeof b->subnet);
    attr_str(&r, FRA_IIFNAME, b->bridge);
    return nl_talk(&r);
}

/* what comes in on from's bridge for to's subnet (v6: its IPv6 one) is
 * unreachable */
static int
isolate_rule(const struct bridge_req *from, const struct bridge_req *to, bool add, bool v6)
{
    struct nlreq r;
    uint32_t prio = 200;
    unsigned short type = add ? RTM_NEWRULE : RTM_DELRULE;
    int e;

    nl_init(&r, type, add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof r.u.fr);
    r.u.fr = (struct fib_rule_hdr){ .family = v6 ? AF_INET6 : AF_INET,
                                    .dst_len = (unsigned char) (v6 ? to->prefix6 : to->prefix),
                                    .action = FR_ACT_UNREACHABLE };
    nl_attr(&r, FRA_PRIORITY, &prio, sizeof prio);
    if (v6)
        nl_attr(&r, FRA_DST, &to->subnet6, sizeof to->subnet6);
    else
        nl_attr(&r, FRA_DST, &to->subnet, sizeof to->subnet);
    attr_str(&r, FRA_IIFNAME, from->bridge);
    e = nl_talk(&r);
    return !add && e == -ENOENT ? 0 : e;
}

/* the rules of one family, both ways */
static int
isolate_pair(const struct bridge_req *a, const struct bridge_req *b, bool add, bool v6)
{
    int e = isolate_rule(a, b, add, v6), e2;

    if (e < 0 && add)
        return e;
    e2 = isolate_rule(b, a, add, v6);
    if (e2 < 0 && add)
        (void) isolate_rule(a, b, false, v6); /* both or neither */
    return e < 0 ? e : e2;
}

int
bridge_isolate(const struct bridge_req *a, const struct bridge_req *b, bool add)
{
    bool v6 = a->ipv6 && b->ipv6;
    int e = isolate_pair(a, b, add, false), e6;

    if (e < 0 && add)
        return e;
    if (!v6)
        return e;
    e6 = isolate_pair(a, b, add, true);
    if (e6 < 0 && add)
        (void) isolate_pair(a, b, false, false);
    return e < 0 ? e : e6;
}

int
bridge_down(const struct bridge_req *b)
{
    struct nlreq r;
    int e;

    if (b->internal && (e = internal_rule(b, RTM_DELRULE, false)) < 0 && e != -ENOENT)
        return e;
    if (b->internal && b->ipv6 && (e = internal_rule(b, RTM_DELRULE, true)) < 0 && e != -ENOENT)
        return e;
    nl_init(&r, RTM_DELLINK, 0, sizeof r.u.ifi);
    r.u.ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC };
    attr_str(&r, IFLA_IFNAME, b->bridge);
    e = nl_talk(&r);
    return e == -ENODEV ? 0 : e;
}

/* the container's end: its address and the default route via the gateway */
static int
veth_inside(const struct bridge_req *b, const char **what)
{
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct rtentry rt = { 0 };
    struct sockaddr_in *sin;
    unsigned int index = if_nametoindex(b->ifname);
    int e;

    *what = "address the container's interface";
    if (sock < 0 || index == 0)
        return -errno;
    if ((e = addr_add(index, b->addr, b->prefix)) < 0)
        return e;
    *what = "give the container's interface its IPv6 address";
    if (b->ipv6 && (e = nl_addr6_add(index, &b->addr6, b->prefix6)) < 0)
        return e;
    *what = "bring up the container's interface";
    {
        struct ifreq ifr = { 0 };
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", b->ifname);
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
            return -errno;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
            return -errno;
    }
    if (b->internal)
        return 0;
    *what = "add the container's default route";
    sin = (struct sockaddr_in *) &rt.rt_dst;
    sin->sin_family = AF_INET;
    sin = (struct sockaddr_in *) &rt.rt_genmask;
    sin->sin_family = AF_INET;
    sin = (struct sockaddr_in *) &rt.rt_gateway;
    sin->sin_family = AF_INET;
    sin->sin_addr = b->gateway;
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    rt.rt_dev = (char *) b->ifname;
    if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST)
        return -errno;
    *what = "add the container's IPv6 default route";
    if (b->ipv6 && (e = nl_route6_default(index, &b->gateway6)) < 0)
        return e;
    return 0;
}

int
bridge_veth(const struct bridge_req *b, int ctr_ns, int own_ns, const char **what)
{
    struct nlreq r;
    struct rtattr *info, *data, *peer;
    /* the peer is not brought up here: until the pair is whole, a veth
     * cannot open (ENOTCONN); inside, once addressed */
    struct ifinfomsg pi = { .ifi_family = AF_UNSPEC };
    unsigned int master = if_nametoindex(b->bridge), mtu = b->mtu, index;
    unsigned char rnd[4];
    char host[IFNAMSIZ];
    int e;

    *what = "find the network's bridge";
    if (master == 0)
        return -errno;
    *what = "name the veth pair";
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
        return -errno;
    snprintf(host, sizeof host, "veth%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.ifi);
    r.u.ifi =
        (struct ifinfomsg){ .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    attr_str(&r, IFLA_IFNAME, host);
    nl_attr(&r, IFLA_MTU, &mtu, sizeof mtu);
    nl_attr(&r, IFLA_MASTER, &master, sizeof master);
    info = nl_nest(&r, IFLA_LINKINFO);
    attr_str(&r, IFLA_INFO_KIND, "veth");
    data = nl_nest(&r, IFLA_INFO_DATA);
    peer = nl_nest(&r, VETH_INFO_PEER);
    nl_put(&r, &pi, sizeof pi);
    attr_str(&r, IFLA_IFNAME, b->ifname);
    nl_attr(&r, IFLA_NET_NS_FD, &ctr_ns, sizeof ctr_ns);
    nl_attr(&r, IFLA_ADDRESS, b->mac, sizeof b->mac);
    nl_attr(&r, IFLA_MTU, &mtu, sizeof mtu);
    nl_nest_end(&r, peer);
    nl_nest_end(&r, data);
    nl_nest_end(&r, info);
    *what = "create the veth pair";
    if ((e = nl_talk_exact(&r)) < 0)
        return e;
    if (b->vlan) {
        *what = "put the container's port on the network's VLAN";
        if ((index = if_nametoindex(host)) == 0)
            return -errno;
        if ((e = vlan_member(index, b->vlan, false)) < 0)
            return e;
    }
    *what = "join the container's network namespace";
    if (setns(ctr_ns, CLONE_NEWNET) < 0)
        return -errno;
    e = veth_inside(b, what);
    /* back home; failing that, the agent (and with it the helper) is of no
     * more use */
    if (setns(own_ns, CLONE_NEWNET) < 0)
        _exit(1);
    return e;
}

int
bridge_dns_socket(const struct bridge_req *b, int type, bool v6)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(53),
                               .sin_addr = b->gateway };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
                                 .sin6_port = htons(53),
                                 .sin6_addr = b->gateway6 };
    int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, e;

    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
        || (v6 ? bind(fd, (struct sockaddr *) &sin6, sizeof sin6)
               : bind(fd, (struct sockaddr *) &sin, sizeof sin))
               < 0
        || (type == SOCK_STREAM && listen(fd, 16) < 0)) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int
bridge_veth_del(const struct bridge_req *b, int ctr_ns, int own_ns)
{
    struct nlreq r;
    int e;

    if (setns(ctr_ns, CLONE_NEWNET) < 0)
        return -errno;
    nl_init(&r, RTM_DELLINK, 0, sizeof r.u.ifi);
    r.u.ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC };
    attr_str(&r, IFLA_IFNAME, b->ifname);
    e = nl_talk(&r);
    if (setns(own_ns, CLONE_NEWNET) < 0)
        _exit(1);
    return e == -ENODEV ? 0 : e;
}
