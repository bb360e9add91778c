/* SPDX-License-Identifier: Apache-2.0 */
/* podman's -p syntax parsed into one entry per published port, and the ps
 * PORTS column and `port` lines made from them; the refusals use podman
 * 4.3's wording, prefixed with the spec. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/cleanup.h"
#include "../lib/mem.h"
#include "port.h"

#define PORT_MAX 65535u

/* a piece of the spec: not NUL-terminated */
struct port_span {
    const char *s;
    size_t len;
};

struct port_range {
    unsigned start, count;
};

static int port_refuse(struct pcon_err *err, const char *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
port_refuse(struct pcon_err *err, const char *spec, const char *fmt, ...)
{
    cleanup_free char *why = NULL;
    va_list ap;

    va_start(ap, fmt);
    why = xvasprintf(fmt, ap);
    va_end(ap);
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "publish \"%s\": %s", spec, why);
}

/* Digits only: podman's strconv.Atoi also takes a sign, pcon does not.
 * Leading zeros are accepted as podman does ("080"). */
static int
port_number(struct port_span p, const char *what, const char *spec, unsigned *out,
            struct pcon_err *err)
{
    unsigned long v = 0;
    size_t z = 0;

    if (p.len > 0 && p.s[0] == '-')
        return port_refuse(err, spec, "parsing %s port: port numbers cannot be negative", what);
    if (p.len == 0)
        return port_refuse(err, spec, "parsing %s port: invalid port number \"\"", what);
    for (size_t i = 0; i < p.len; i++) {
        if (p.s[i] < '0' || p.s[i] > '9')
            return port_refuse(err, spec, "parsing %s port: invalid port number \"%.*s\"", what,
                               (int) p.len, p.s);
        if (v <= PORT_MAX) /* saturates: no overflow however long */
            v = v * 10 + (unsigned long) (p.s[i] - '0');
    }
    while (z + 1 < p.len && p.s[z] == '0')
        z++;
    if (v < 1 || v > PORT_MAX)
        return port_refuse(err, spec,
                           "parsing %s port: port numbers must be between 1 and 65535 (inclusive), "
                           "got %.*s",
                           what, (int) (p.len - z), p.s + z);
    *out = (unsigned) v;
    return 0;
}

/* "N" or "N-M" with N < M */
static int
port_range_parse(struct port_span p, const char *what, const char *spec, struct port_range *r,
                 struct pcon_err *err)
{
    const char *dash = p.len > 1 ? memchr(p.s + 1, '-', p.len - 1) : NULL;
    struct port_span a = p, b;
    unsigned end;

    if (dash == NULL) {
        r->count = 1;
        return port_number(p, what, spec, &r->start, err);
    }
    a.len = (size_t) (dash - p.s);
    b.s = dash + 1;
    b.len = p.len - a.len - 1;
    if (b.len == 0)
        return port_refuse(err, spec, "parsing %s port: must provide ending number for port range",
                           what);
    if (memchr(b.s, '-', b.len) != NULL)
        return port_refuse(err, spec,
                           "parsing %s port: invalid port format - port ranges are formatted as "
                           "startPort-stopPort",
                           what);
    if (port_number(a, what, spec, &r->start, err) < 0 || port_number(b, what, spec, &end, err) < 0)
        return -1;
    if (end <= r->start)
        return port_refuse(err, spec,
                           "parsing %s port: the end port of a range must be higher than the start "
                           "port - %u is not higher than %u",
                           what, end, r->start);
    r->count = end - r->start + 1;
    return 0;
}

/* The canonical text podman keeps (Go's net.IP String()): IPv4-mapped
 * IPv6 as IPv4, 0.0.0.0 as "" (every address). No zones: podman has none. */
static int
port_host_ip(struct port_span p, const char *spec, char out[46], struct pcon_err *err)
{
    char in[64];
    unsigned char a[16];

    if (p.len >= sizeof in)
        goto bad;
    memcpy(in, p.s, p.len);
    in[p.len] = '\0';
    if (inet_pton(AF_INET, in, a) == 1) {
        if (inet_ntop(AF_INET, a, out, 46) == NULL)
            goto bad;
    } else if (inet_pton(AF_INET6, in, a) == 1) {
        static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
        bool v4 = memcmp(a, mapped, sizeof mapped) == 0;

        if (inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? a + 12 : a, out, 46) == NULL)
            goto bad;
    } else {
        goto bad;
    }
    if (strcmp(out, "0.0.0.0") == 0)
        out[0] = '\0';
    return 0;
bad:
    return port_refuse(err, spec, "cannot parse \"%.*s\" as an IP address", (int) p.len, p.s);
}

/* the parts of one comma-separated piece, before any number is read */
struct port_parts {
    struct port_span ip, host, ctr, proto;
    bool has_ip, has_proto;
};

/* [[IP:]HOST:]CTR[/PROTO], IP in brackets when it is IPv6 */
static int
port_split(struct port_span p, const char *spec, struct port_parts *pp, struct pcon_err *err)
{
    static const char *const format = "invalid port format - format is "
                                      "[[hostIP:]hostPort:]containerPort";
    const char *slash = memchr(p.s, '/', p.len), *colon, *colon2 = NULL;
    struct port_span rest = p;

    *pp = (struct port_parts){ 0 };
    if (slash) {
        pp->has_proto = true;
        pp->proto.s = slash + 1;
        pp->proto.len = p.len - (size_t) (slash - p.s) - 1;
        rest.len = (size_t) (slash - p.s);
        if (memchr(pp->proto.s, '/', pp->proto.len))
            return port_refuse(err, spec,
                               "invalid port format - protocol can only be specified once");
    }
    if (rest.len > 0 && rest.s[0] == '[') {
        const char *close = memchr(rest.s, ']', rest.len);

        if (close == NULL)
            return port_refuse(err, spec, "%s", format);
        pp->has_ip = true;
        pp->ip.s = rest.s + 1;
        pp->ip.len = (size_t) (close - rest.s) - 1;
        rest.len -= (size_t) (close + 1 - rest.s);
        rest.s = close + 1;
        if (rest.len == 0 || rest.s[0] != ':')
            return port_refuse(err, spec,
                               "invalid port format - IPv6 address must be followed by a colon "
                               "(':')");
        rest.s++;
        rest.len--;
        if (memchr(rest.s, ':', rest.len) == NULL)
            return port_refuse(err, spec,
                               "invalid port format - must provide host and destination port if "
                               "specifying an IP");
    }
    colon = memchr(rest.s, ':', rest.len);
    if (colon)
        colon2 = memchr(colon + 1, ':', rest.len - (size_t) (colon + 1 - rest.s));
    if (colon2
        && (pp->has_ip
            || memchr(colon2 + 1, ':', rest.len - (size_t) (colon2 + 1 - rest.s)) != NULL))
        return port_refuse(err, spec, "%s", format);
    if (colon2) { /* IP:HOST:CTR */
        pp->has_ip = true;
        pp->ip = (struct port_span){ rest.s, (size_t) (colon - rest.s) };
        rest.len -= pp->ip.len + 1;
        rest.s = colon + 1;
        colon = colon2;
    }
    if (colon) {
        pp->host = (struct port_span){ rest.s, (size_t) (colon - rest.s) };
        pp->ctr = (struct port_span){ colon + 1, rest.len - pp->host.len - 1 };
    } else {
        pp->ctr = rest;
    }
    /* podman's order: the container port, then the IP, then the protocol */
    if (pp->ctr.len == 0)
        return port_refuse(err, spec, "must provide a non-empty container port to publish");
    if (pp->has_ip && pp->ip.len == 0)
        return port_refuse(err, spec, "must provide a non-empty container host IP to publish");
    if (pp->has_proto && pp->proto.len == 0)
        return port_refuse(err, spec, "must provide a non-empty protocol to publish");
    return 0;
}

static int
port_proto(struct port_span p, const char *spec, bool *udp, struct pcon_err *err)
{
    if (p.len == 3 && strncasecmp(p.s, "tcp", 3) == 0)
        *udp = false;
    else if (p.len == 3 && strncasecmp(p.s, "udp", 3) == 0)
        *udp = true;
    else if (p.len == 4 && strncasecmp(p.s, "sctp", 4) == 0) /* podman's third */
        return port_refuse(err, spec, "protocol \"sctp\" is not supported");
    else
        return port_refuse(err, spec, "unrecognized protocol \"%.*s\" in port mapping", (int) p.len,
                           p.s);
    return 0;
}

/* one comma-separated piece, appended to the temporary vector */
static int
port_piece(struct port_span p, const char *spec, struct netns_port **v, size_t *n,
           struct pcon_err *err)
{
    struct port_parts pp;
    struct port_range ctr, host = { 0, 0 };
    struct netns_port proto = { 0 };

    if (port_split(p, spec, &pp, err) < 0)
        return -1;
    if (pp.has_proto && port_proto(pp.proto, spec, &proto.udp, err) < 0)
        return -1;
    if (port_range_parse(pp.ctr, "container", spec, &ctr, err) < 0)
        return -1;
    if (pp.host.len > 0 && port_range_parse(pp.host, "host", spec, &host, err) < 0)
        return -1;
    if (pp.host.len > 0 && host.count != ctr.count)
        return port_refuse(err, spec,
                           "host and container port ranges have different lengths: %u vs %u",
                           host.count, ctr.count);
    if (pp.has_ip && port_host_ip(pp.ip, spec, proto.host_ip, err) < 0)
        return -1;
    *v = xrealloc(*v, (*n + ctr.count) * sizeof **v);
    for (unsigned i = 0; i < ctr.count; i++) {
        struct netns_port *e = &(*v)[(*n)++];

        *e = proto;
        e->ctr_port = (uint16_t) (ctr.start + i);
        e->host_port = (uint16_t) (host.count ? host.start + i : 0);
    }
    return 0;
}

/* Commas separate specs as in podman, whose -p is a string slice: "80,81"
 * is two ports and "80/tcp,udp" is refused ("udp" is no port); "" is none. */
int
netns_port_parse(const char *spec, struct netns_port **v, size_t *n, struct pcon_err *err)
{
    cleanup_free struct netns_port *tmp = NULL;
    size_t tn = 0;
    const char *s = spec;

    while (*spec) {
        const char *comma = strchr(s, ',');
        struct port_span p = { s, comma ? (size_t) (comma - s) : strlen(s) };

        if (port_piece(p, spec, &tmp, &tn, err) < 0)
            return -1;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    if (tn == 0)
        return 0;
    *v = xrealloc(*v, (*n + tn) * sizeof **v);
    memcpy(*v + *n, tmp, tn * sizeof *tmp);
    *n += tn;
    return 0;
}

static const char *
port_ip_shown(const struct netns_port *p)
{
    return p->host_ip[0] ? p->host_ip : "0.0.0.0";
}

static const char *
port_proto_name(const struct netns_port *p)
{
    return p->udp ? "udp" : "tcp";
}

/* the order podman shows: grouped by address and protocol (podman's group
 * order is a Go map's, so random: here the order of first appearance),
 * each group by host port, then container port */
struct port_ord {
    const struct netns_port *p;
    size_t idx, group;
};

static int
port_group_cmp(const struct netns_port *a, const struct netns_port *b)
{
    int c = strcmp(port_ip_shown(a), port_ip_shown(b));

    return c ? c : (int) a->udp - (int) b->udp;
}

static int
port_cmp_key(const void *a, const void *b)
{
    const struct port_ord *x = a, *y = b;
    int c = port_group_cmp(x->p, y->p);

    return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
port_cmp_shown(const void *a, const void *b)
{
    const struct port_ord *x = a, *y = b;

    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->p->host_port != y->p->host_port)
        return (int) x->p->host_port - (int) y->p->host_port;
    if (x->p->ctr_port != y->p->ctr_port)
        return (int) x->p->ctr_port - (int) y->p->ctr_port;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool
port_same(const struct port_ord *a, const struct port_ord *b)
{
    return a->group == b->group && a->p->host_port == b->p->host_port
           && a->p->ctr_port == b->p->ctr_port;
}

/* b continues a's run: host and container ports both one more. A port
 * still to be chosen (0) folds with nothing. */
static bool
port_follows(const struct port_ord *a, const struct port_ord *b)
{
    return a->group == b->group && a->p->host_port != 0 && a->p->host_port < PORT_MAX
           && b->p->host_port == a->p->host_port + 1 && b->p->ctr_port == a->p->ctr_port + 1;
}

/* v's entries in the order shown (n > 0) */
static struct port_ord *
ports_ordered(const struct netns_port *v, size_t n)
{
    struct port_ord *o = xmalloc(n * sizeof *o);

    for (size_t i = 0; i < n; i++)
        o[i] = (struct port_ord){ &v[i], i, 0 };
    /* a group's number is the index of its first entry */
    qsort(o, n, sizeof *o, port_cmp_key);
    for (size_t i = 0; i < n; i++)
        o[i].group = i > 0 && port_group_cmp(o[i - 1].p, o[i].p) == 0 ? o[i - 1].group : o[i].idx;
    qsort(o, n, sizeof *o, port_cmp_shown);
    return o;
}

void
netns_ports_sort(struct netns_port *v, size_t n)
{
    cleanup_free struct port_ord *o = NULL;
    cleanup_free struct netns_port *copy = NULL;

    if (n < 2)
        return;
    o = ports_ordered(v, n);
    copy = xmalloc(n * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = *o[i].p;
    memcpy(v, copy, n * sizeof *v);
}

char *
netns_ports_format(const struct netns_port *v, size_t n)
{
    cleanup_free struct port_ord *o = NULL;
    char *out, *w, *end;
    size_t size;

    if (n == 0)
        return xstrdup("");
    o = ports_ordered(v, n);
    /* an entry: 45 for the address, 11 + 11 + 2 for the ports, 5 for
     * "/udp", 2 for ", " */
    size = n * 80 + 1;
    w = out = xmalloc(size);
    end = out + size;
    *w = '\0';
    for (size_t i = 0; i < n;) {
        const struct netns_port *first = o[i].p;
        size_t last = i;

        /* the run: duplicates (shown once, as podman does) and successors */
        for (size_t j = i + 1;
             j < n && (port_same(&o[last], &o[j]) || port_follows(&o[last], &o[j])); j++)
            last = j;
        w += snprintf(w, (size_t) (end - w), "%s%s:", w == out ? "" : ", ", port_ip_shown(first));
        if (o[last].p->host_port != first->host_port)
            w += snprintf(w, (size_t) (end - w), "%u-%u->%u-%u/%s", first->host_port,
                          o[last].p->host_port, first->ctr_port, o[last].p->ctr_port,
                          port_proto_name(first));
        else
            w += snprintf(w, (size_t) (end - w), "%u->%u/%s", first->host_port, first->ctr_port,
                          port_proto_name(first));
        i = last + 1;
    }
    return out;
}

/* a host port still to be chosen (0) is left out, so the spec parses back */
char *
netns_port_spec(const struct netns_port *p)
{
    bool v6 = strchr(p->host_ip, ':') != NULL;
    char host[8] = "";

    if (p->host_port)
        snprintf(host, sizeof host, "%u", p->host_port);
    if (p->host_ip[0] == '\0' && p->host_port == 0)
        return xasprintf("%u/%s", p->ctr_port, port_proto_name(p));
    if (p->host_ip[0] == '\0')
        return xasprintf("%s:%u/%s", host, p->ctr_port, port_proto_name(p));
    return xasprintf("%s%s%s:%s:%u/%s", v6 ? "[" : "", p->host_ip, v6 ? "]" : "", host, p->ctr_port,
                     port_proto_name(p));
}

/* podman prints an IPv6 address without brackets: "50/tcp -> :::5000" */
char *
netns_port_line(const struct netns_port *p)
{
    return xasprintf("%u/%s -> %s:%u", p->ctr_port, port_proto_name(p), port_ip_shown(p),
                     p->host_port);
}
