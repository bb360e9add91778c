// SPDX-License-Identifier: Apache-2.0
/* Network modes (--network) and the loopback interface. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "netns.h"
#include "network.h"

static int
bool_opt(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

/* cidr=A.B.C.D/N: a network address, with room for the container's
 * address at network + 100 (slirp4netns's 1-25) */
static int
cidr_opt(const char *v, struct netns_spec *out)
{
    char addr[INET_ADDRSTRLEN];
    const char *slash = strchr(v, '/');
    unsigned long prefix;
    uint32_t mask;
    char *end;

    if (slash == NULL || (size_t) (slash - v) >= sizeof addr || slash[1] < '0' || slash[1] > '9')
        return -1;
    memcpy(addr, v, (size_t) (slash - v));
    addr[slash - v] = '\0';
    prefix = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || prefix < 1 || prefix > 25 || inet_pton(AF_INET, addr, &out->cidr) != 1)
        return -1;
    mask = htonl(~((UINT32_C(1) << (32 - prefix)) - 1));
    if ((out->cidr.s_addr & mask) != out->cidr.s_addr)
        return -1;
    out->cidr_prefix = (unsigned int) prefix;
    return 0;
}

/* outbound_addr(6)=: an address of the family, or an interface's name */
static int
outbound_opt(const char *v, int family, char *out, size_t size)
{
    unsigned char buf[sizeof(struct in6_addr)];
    size_t n = strlen(v);

    if (n == 0 || n >= size)
        return -1;
    if (inet_pton(family, v, buf) != 1) {
        if (n >= IF_NAMESIZE || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
            return -1;
        for (const char *c = v; *c; c++)
            if (*c <= ' ' || *c == '/' || *c == ':' || *c > '~')
                return -1;
    }
    memcpy(out, v, n + 1);
    return 0;
}

/* slirp4netns's options, comma-separated KEY=VALUE */
static int
slirp_opts_parse(const char *s, const char *opts, struct netns_spec *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(opts);
    char *save = NULL;

    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        char *end;

        if (v == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid network option \"%s\"", kv);
        *v++ = '\0';
        if (strcmp(kv, "allow_host_loopback") == 0) {
            if (bool_opt(v, &out->allow_host_loopback) < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid value \"%s\" for allow_host_loopback", v);
        } else if (strcmp(kv, "enable_ipv6") == 0) {
            bool on;
            if (bool_opt(v, &on) < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid value \"%s\" for enable_ipv6", v);
            out->ipv6_off = !on;
        } else if (strcmp(kv, "cidr") == 0) {
            if (cidr_opt(v, out) < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid cidr \"%s\" (a network address like 10.0.2.0/24,"
                                      " prefix length 1-25)",
                                      v);
        } else if (strcmp(kv, "outbound_addr") == 0 || strcmp(kv, "outbound_addr6") == 0) {
            bool six = kv[13] == '6';
            if (outbound_opt(v, six ? AF_INET6 : AF_INET,
                             six ? out->outbound_addr6 : out->outbound_addr,
                             sizeof out->outbound_addr)
                < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid %s \"%s\" (an IPv%c address or an interface)", kv, v,
                                      six ? '6' : '4');
        } else if (strcmp(kv, "mtu") == 0) {
            unsigned long m = strtoul(v, &end, 10);
            if (*v < '0' || *v > '9' || *end != '\0' || m < 68 || m > 65521)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mtu \"%s\" (68-65521)", v);
            out->mtu = (unsigned int) m;
        } else if (strcmp(kv, "port_handler") == 0) {
            if (strcmp(v, "rootlesskit") == 0)
                out->port_handler = NETNS_PORTS_ROOTLESSKIT;
            else if (strcmp(v, "slirp4netns") == 0)
                out->port_handler = NETNS_PORTS_SLIRP;
            else
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid port_handler \"%s\" (rootlesskit or slirp4netns)",
                                      v);
        } else {
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "unsupported network option \"%s\" in \"%s\"", kv, s);
        }
    }
    return 0;
}

/* NAME[,NAME...], each a network's name, none twice */
static bool
networks_valid(const char *s)
{
    cleanup_free char *buf = xstrdup(s);
    char *save = NULL;
    char **seen = NULL;
    bool ok = *s != '\0' && s[strlen(s) - 1] != ',' && *s != ',' && !strstr(s, ",,");

    for (char *w = strtok_r(buf, ",", &save); ok && w; w = strtok_r(NULL, ",", &save)) {
        ok = netns_network_name_valid(w) && !strv_contains(seen, w);
        strv_push(&seen, w);
    }
    strv_free(seen);
    return ok;
}

int
netns_spec_parse(const char *s, struct netns_spec *out, struct pcon_err *err)
{
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t) (colon - s) : strlen(s);

    memset(out, 0, sizeof *out);
    if ((len == 2 && strncmp(s, "ns", 2) == 0) || (len == 9 && strncmp(s, "container", 9) == 0)) {
        const char *t = colon ? colon + 1 : "";
        if (*t == '\0' || strlen(t) >= sizeof out->target || (len == 2 && *t != '/'))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid network mode \"%s\"%s", s,
                                  len == 2 ? " (ns:PATH, an absolute path)" : "");
        out->mode = len == 2 ? NETNS_JOIN_PATH : NETNS_JOIN_CTR;
        snprintf(out->target, sizeof out->target, "%s", t);
        return 0;
    }
    if (len == 7 && strncmp(s, "private", 7) == 0 && colon == NULL)
        out->mode = NETNS_SLIRP; /* rootless, a new namespace is slirp4netns's */
    else if (len == 4 && strncmp(s, "none", 4) == 0 && colon == NULL)
        out->mode = NETNS_PRIVATE;
    else if (len == 4 && strncmp(s, "host", 4) == 0 && colon == NULL)
        out->mode = NETNS_HOST;
    else if (len == 11 && strncmp(s, "slirp4netns", 11) == 0) {
        out->mode = NETNS_SLIRP;
        if (colon && slirp_opts_parse(s, colon + 1, out, err) < 0)
            return -1;
        if (out->ipv6_off && out->outbound_addr6[0])
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "outbound_addr6 needs IPv6: not with enable_ipv6=false");
    } else if (len == 6 && strncmp(s, "bridge", 6) == 0 && colon == NULL) {
        out->mode = NETNS_BRIDGE;
        snprintf(out->target, sizeof out->target, "%s", NETNS_DEFAULT_NETWORK);
    } else if (colon == NULL && networks_valid(s) && strlen(s) < sizeof out->target) {
        out->mode = NETNS_BRIDGE;
        snprintf(out->target, sizeof out->target, "%s", s);
    } else {
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "unsupported network mode \"%s\" (slirp4netns, private, none, host,"
                              " bridge, ns:PATH, container:NAME or a network's name)",
                              s);
    }
    return 0;
}

int
netns_spec_add(const char *s, struct netns_spec *out, bool first, struct pcon_err *err)
{
    struct netns_spec more;
    size_t n, m;

    if (first)
        return netns_spec_parse(s, out, err);
    if (netns_spec_parse(s, &more, err) < 0)
        return -1;
    if (out->mode != NETNS_BRIDGE || more.mode != NETNS_BRIDGE)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--network: only user networks can be given more than once");
    n = strlen(out->target);
    m = strlen(more.target);
    if (n + 1 + m >= sizeof out->target)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--network: too many networks");
    out->target[n] = ',';
    memcpy(out->target + n + 1, more.target, m + 1);
    return 0;
}

char *
netns_spec_string(const struct netns_spec *s)
{
    char opts[512] = "", cidr[INET_ADDRSTRLEN];
    size_t n = 0;

    if (s->mode == NETNS_HOST)
        return xstrdup("host");
    if (s->mode == NETNS_PRIVATE)
        return xstrdup("none");
    if (s->mode == NETNS_JOIN_PATH)
        return xasprintf("ns:%s", s->target);
    if (s->mode == NETNS_JOIN_CTR)
        return xasprintf("container:%s", s->target);
    if (s->mode == NETNS_BRIDGE)
        return xstrdup(s->target);
    if (s->allow_host_loopback)
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",allow_host_loopback=true");
    if (s->cidr_prefix && inet_ntop(AF_INET, &s->cidr, cidr, sizeof cidr))
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",cidr=%s/%u", cidr, s->cidr_prefix);
    if (s->ipv6_off)
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",enable_ipv6=false");
    if (s->mtu)
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",mtu=%u", s->mtu);
    if (s->outbound_addr[0])
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",outbound_addr=%s", s->outbound_addr);
    if (s->outbound_addr6[0])
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",outbound_addr6=%s", s->outbound_addr6);
    if (s->port_handler == NETNS_PORTS_SLIRP)
        n += (size_t) snprintf(opts + n, sizeof opts - n, ",port_handler=slirp4netns");
    return n ? xasprintf("slirp4netns:%s", opts + 1) : xstrdup("slirp4netns");
}

static void
addr_at(struct in_addr net, uint32_t offset, char *out)
{
    struct in_addr a = { htonl(ntohl(net.s_addr) + offset) };

    (void) inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN);
}

void
netns_slirp_addrs(const struct netns_spec *s, struct netns_slirp_addrs *out)
{
    struct in_addr net = s->cidr, mask;

    out->prefix = s->cidr_prefix ? s->cidr_prefix : 24;
    if (s->cidr_prefix == 0)
        net.s_addr = htonl(0x0a000200); /* 10.0.2.0 */
    mask.s_addr = htonl(~((UINT32_C(1) << (32 - out->prefix)) - 1));
    (void) inet_ntop(AF_INET, &net, out->network, sizeof out->network);
    (void) inet_ntop(AF_INET, &mask, out->netmask, sizeof out->netmask);
    addr_at(net, 2, out->gateway);
    addr_at(net, 3, out->dns);
    addr_at(net, 15, out->dhcp);
    addr_at(net, 100, out->address);
}

int
netns_loopback_up(struct pcon_err *err)
{
    cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;

    if (fd < 0)
        return pcon_fail(err, errno, "create socket");
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "read the flags of lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "bring lo up");
    return 0;
}
