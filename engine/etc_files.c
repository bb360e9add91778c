// SPDX-License-Identifier: Apache-2.0
/* Writing the run directory's /etc files of a container, as podman 4.3
 * (containers/common's etchosts and resolvconf) writes them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "container.h"
#include "etc_files.h"

#define PCON_ENGINE_VERSION "pcon-" PCON_VERSION
#define HOST_FILE_MAX       (4u << 20)
#define JOIN_DEPTH_MAX      8

const struct etc_file_name engine_etc_files[ETC_FILES] = {
    [ETC_HOSTS] = { "hosts", "/etc/hosts" },
    [ETC_RESOLV_CONF] = { "resolv.conf", "/etc/resolv.conf" },
    [ETC_HOSTNAME] = { "hostname", "/etc/hostname" },
    [ETC_CONTAINERENV] = { ".containerenv", "/run/.containerenv" },
};

/* Go's regexp \s, and the spaces strings.Fields splits at (\v too) */
static bool
re_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static const char *
re_skip_space(const char *p)
{
    while (re_space(*p))
        p++;
    return p;
}

/* the words of s, split as strings.Fields does */
static void
fields_push(char ***v, const char *s)
{
    static const char sp[] = " \t\n\v\f\r";

    for (s += strspn(s, sp); *s; s += strspn(s, sp)) {
        size_t n = strcspn(s, sp);
        strv_push_take(v, xstrndup(s, n));
        s += n;
    }
}

/* A file of the host's, symlinks followed (as podman reads it): NULL in
 * *out when it does not exist. */
static int
host_file_read(const char *path, char **out, struct pcon_err *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;

    *out = NULL;
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || fstat(fd, &st) < 0)
        return pcon_fail(err, errno, "read %s", path);
    if (!S_ISREG(st.st_mode))
        return pcon_fail(err, 0, "read %s: not a regular file", path);
    *out = fs_read_fd(fd, HOST_FILE_MAX, NULL, err);
    return *out ? 0 : pcon_prefix(err, "read %s", path);
}

/* --- /etc/hosts ------------------------------------------------------ */

struct hosts_entry {
    char *ip;
    char **names;
};

struct hosts {
    struct hosts_entry *v;
    size_t n;
};

static void
hosts_add(struct hosts *h, const char *ip, char **names)
{
    h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
    h->v[h->n].ip = xstrdup(ip);
    h->v[h->n++].names = names;
}

/* a list of one or two names, taken */
static char **
names_of(char *a, char *b)
{
    char **v = NULL;

    strv_push_take(&v, a);
    if (b)
        strv_push_take(&v, b);
    return v;
}

static void
hosts_free(struct hosts *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].ip);
        strv_free(h->v[i].names);
    }
    free(h->v);
    memset(h, 0, sizeof *h);
}

/* etchosts.parseHostsFile: comments cut at '#', an address and its names
 * per line (a line with no name is dropped) */
static void
hosts_parse(const char *text, struct hosts *h)
{
    for (const char *l = text; l && *l;) {
        size_t n = strcspn(l, "\n");
        cleanup_free char *line = xstrndup(l, strcspn(l, "#") < n ? strcspn(l, "#") : n);
        cleanup_strv char **f = NULL;

        fields_push(&f, line);
        if (strv_len(f) >= 2)
            hosts_add(h, f[0], strv_dup(f + 1));
        l += n + (l[n] == '\n');
    }
}

static bool
hosts_has_name(const struct hosts *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strv_contains(h->v[i].names, name))
            return true;
    return false;
}

/* "IP\tNAME NAME\n", of the names not in taken (all without taken) */
static void
hosts_line(char **out, const struct hosts_entry *e, const struct hosts *taken)
{
    const char *sep = "\t";
    bool any = false;

    for (size_t i = 0; e->names && e->names[i]; i++)
        any = any || !taken || !hosts_has_name(taken, e->names[i]);
    if (!any)
        return;
    xappendf(out, "%s", e->ip);
    for (size_t i = 0; e->names[i]; i++)
        if (!taken || !hosts_has_name(taken, e->names[i])) {
            xappendf(out, "%s%s", sep, e->names[i]);
            sep = " ";
        }
    xappendf(out, "\n");
}

/* Go's net.IP.IsGlobalUnicast */
static bool
addr_global_unicast(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *) sa)->sin_addr.s_addr);
        return a != 0 && a != 0xffffffffu && (a >> 24) != 127 && (a >> 28) != 0xe
               && (a >> 16) != 0xa9fe;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *) sa)->sin6_addr;
        return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_MULTICAST(a)
               && !IN6_IS_ADDR_LINKLOCAL(a);
    }
    return false;
}

/* an RTM_NEWADDR's address as getifaddrs gives it (IFA_LOCAL, else
 * IFA_ADDRESS) into sa; false when it has none */
static bool
nl_addr_of(const struct nlmsghdr *h, struct sockaddr_storage *sa)
{
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    int len = (int) h->nlmsg_len - (int) NLMSG_LENGTH(sizeof *ifa);
    const struct rtattr *local = NULL, *address = NULL, *use;
    size_t want = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;

    if (len < 0 || want == 0)
        return false;
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFA_LOCAL)
            local = a;
        else if (a->rta_type == IFA_ADDRESS)
            address = a;
    }
    use = local ? local : address;
    if (use == NULL || RTA_PAYLOAD(use) != want)
        return false;
    memset(sa, 0, sizeof *sa);
    sa->ss_family = ifa->ifa_family;
    if (ifa->ifa_family == AF_INET)
        memcpy(&((struct sockaddr_in *) sa)->sin_addr, RTA_DATA(use), 4);
    else
        memcpy(&((struct sockaddr_in6 *) sa)->sin6_addr, RTA_DATA(use), 16);
    return true;
}

/* host.containers.internal, as rootless podman picks it: the host's first
 * global unicast IPv4 address, else its last IPv6 one, else none (""). The
 * addresses come from one rtnetlink address dump, in the order getifaddrs
 * lists them, without getifaddrs's link dump (half the work, on every
 * start). */
static void
host_internal_addr(char out[INET6_ADDRSTRLEN])
{
    struct {
        struct nlmsghdr nh;
        struct ifaddrmsg ifa;
    } req = { .nh = { .nlmsg_len = sizeof req,
                      .nlmsg_type = RTM_GETADDR,
                      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                      .nlmsg_seq = 1 },
              .ifa = { .ifa_family = AF_UNSPEC } };
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    union {
        struct nlmsghdr h;
        char b[16384];
    } buf;
    bool done = false, v4 = false;
    cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    out[0] = '\0';
    if (fd < 0 || sendto(fd, &req, sizeof req, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
        return; /* podman too goes on without the name */
    while (!done && !v4) {
        struct sockaddr_nl from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(fd, &buf, sizeof buf, 0, (struct sockaddr *) &from, &flen);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || flen != sizeof from || from.nl_pid != 0)
            return;
        /* NLMSG_OK/NLMSG_NEXT by hand: the macros compare signed with
         * unsigned whichever type the length has */
        for (size_t off = 0, left = (size_t) n; left >= sizeof(struct nlmsghdr) && !done && !v4;) {
            const struct nlmsghdr *h = (const struct nlmsghdr *) (buf.b + off);
            struct sockaddr_storage sa;

            if (h->nlmsg_len < sizeof *h || h->nlmsg_len > left)
                return;
            off += NLMSG_ALIGN(h->nlmsg_len);
            left = off < (size_t) n ? (size_t) n - off : 0;
            if (h->nlmsg_seq != req.nh.nlmsg_seq || h->nlmsg_type == NLMSG_DONE
                || h->nlmsg_type == NLMSG_ERROR) {
                done = true;
                break;
            }
            if (h->nlmsg_type != RTM_NEWADDR || !nl_addr_of(h, &sa)
                || !addr_global_unicast((const struct sockaddr *) &sa))
                continue;
            /* a valid address always converts */
            if (sa.ss_family == AF_INET)
                v4 = inet_ntop(AF_INET, &((struct sockaddr_in *) &sa)->sin_addr, out,
                               INET6_ADDRSTRLEN)
                     != NULL;
            else
                (void) inet_ntop(AF_INET6, &((struct sockaddr_in6 *) &sa)->sin6_addr, out,
                                 INET6_ADDRSTRLEN);
        }
    }
}

/* --add-host ("HOST:IP" -> "IP\tHOST"), the host's /etc/hosts, then the
 * names none of those has: localhost, host.containers.internal, the
 * container's hostname and name (at its user-mode network address, at
 * 127.0.0.1 without a network, not at all on any other) */
static int
hosts_text(const struct ctr_config *g, const struct etc_net *net, char **out, struct pcon_err *err)
{
    cleanup_free char *base = NULL;
    struct hosts user = { 0 }, extra = { 0 };
    char hci[INET6_ADDRSTRLEN];
    struct netns_slirp_addrs a;

    if (host_file_read("/etc/hosts", &base, err) < 0)
        return -1;
    for (size_t i = 0; g->add_hosts && g->add_hosts[i]; i++) {
        const char *h = g->add_hosts[i], *colon = strchr(h, ':');
        if (colon && !strchr(h, '\n')) /* checked at create */
            hosts_add(&user, colon + 1, names_of(xstrndup(h, (size_t) (colon - h)), NULL));
    }
    hosts_parse(base, &user);
    hosts_add(&extra, "127.0.0.1", names_of(xstrdup("localhost"), NULL));
    hosts_add(&extra, "::1", names_of(xstrdup("localhost"), NULL));
    host_internal_addr(hci);
    if (hci[0])
        hosts_add(&extra, hci, names_of(xstrdup("host.containers.internal"), NULL));
    netns_slirp_addrs(&g->net, &a);
    if ((g->net.mode == NETNS_SLIRP || g->net.mode == NETNS_PRIVATE) && !strchr(g->hostname, '\n'))
        hosts_add(&extra, g->net.mode == NETNS_SLIRP ? a.address : "127.0.0.1",
                  names_of(xstrdup(g->hostname), xstrdup(g->name)));
    if (g->net.mode == NETNS_BRIDGE && net && net->address && !strchr(g->hostname, '\n'))
        hosts_add(&extra, net->address, names_of(xstrdup(g->hostname), xstrdup(g->name)));
    if (g->net.mode == NETNS_BRIDGE && net && net->address6 && !strchr(g->hostname, '\n'))
        hosts_add(&extra, net->address6, names_of(xstrdup(g->hostname), xstrdup(g->name)));
    *out = xstrdup("");
    for (size_t i = 0; i < user.n; i++)
        hosts_line(out, &user.v[i], NULL);
    for (size_t i = 0; i < extra.n; i++)
        hosts_line(out, &extra.v[i], &user);
    hosts_free(&user);
    hosts_free(&extra);
    return 0;
}

/* --- /etc/resolv.conf ------------------------------------------------ */

/* 1 to 3 digits, at most 255: a block of resolvconf's ipv4Address */
static const char *
ipv4_block(const char *p)
{
    size_t n = 0;

    while (n < 3 && isdigit((unsigned char) p[n]))
        n++;
    return n > 0 && atoi(p) <= 255 ? p + n : NULL;
}

/* resolvconf's ipv4Address or ipv6Address, the whole of s */
static bool
resolv_addr_valid(const char *s)
{
    const char *p = s;
    size_t colons = 0, run = 0;

    for (int i = 0; i < 4 && p; i++)
        if ((p = ipv4_block(p)) != NULL && i < 3)
            p = *p == '.' ? p + 1 : NULL;
    if (p && *p == '\0')
        return true;
    for (p = s; *p && *p != '%'; p++) {
        if (*p == ':') {
            colons++;
            run = 0;
        } else if (!isxdigit((unsigned char) *p) || ++run > 4) {
            return false;
        }
    }
    if (colons < 2 || colons > 7)
        return false;
    if (*p == '%'
        && (p[1] == '\0'
            || strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                             "OPQRSTUVWXYZ0123456789_")
                   != strlen(p + 1)))
        return false;
    return true;
}

/* after "nameserver" and the spaces that follow (at least one when
 * spaced): the rest, or NULL */
static const char *
resolv_after_key(const char *line, const char *key, bool lead, bool spaced)
{
    const char *p = lead ? re_skip_space(line) : line, *q;

    if (strncmp(p, key, strlen(key)) != 0)
        return NULL;
    q = re_skip_space(p + strlen(key));
    return spaced && q == p + strlen(key) ? NULL : q;
}

/* resolvconf's localhostNSRegexp, and nsIPv6Regexp when IPv6 is off: the
 * line is no nameserver for a container with a network of its own */
static bool
resolv_line_filtered(const char *line, bool ipv6)
{
    const char *p = resolv_after_key(line, "nameserver", false, true);

    if (p == NULL)
        return false;
    if (strcmp(p, "::1") == 0)
        return true;
    if (strncmp(p, "127.", 4) == 0) {
        const char *q = p + 4;
        for (int i = 0; i < 3 && q; i++)
            if ((q = ipv4_block(q)) != NULL && i < 2)
                q = *q == '.' ? q + 1 : NULL;
        if (q)
            return true;
    }
    for (int i = 0; i < 2 && !ipv6; i++) {
        size_t n = 0;
        while (n < 4 && isxdigit((unsigned char) p[n]))
            n++;
        if (p[n] != ':')
            return false;
        p += n + 1;
    }
    return !ipv6;
}

/* what resolvconf takes of a resolv.conf: every nameserver, the words of
 * the last search and the last options line */
struct resolv {
    char **servers, **search, **options;
};

static void
resolv_free(struct resolv *r)
{
    strv_free(r->servers);
    strv_free(r->search);
    strv_free(r->options);
    memset(r, 0, sizeof *r);
}

/* filter: as for a container with a network namespace of its own (no
 * loopback servers; no IPv6 ones without IPv6; Google's when none is
 * left) */
static void
resolv_parse(const char *text, bool filter, bool ipv6, struct resolv *r)
{
    memset(r, 0, sizeof *r);
    for (const char *l = text; l && *l;) {
        size_t n = strcspn(l, "\n");
        cleanup_free char *raw = xstrndup(l, n);
        cleanup_free char *line = xstrndup(raw, strcspn(raw, "#"));
        const char *p;

        l += n + (l[n] == '\n');
        if (filter && resolv_line_filtered(raw, ipv6))
            continue;
        if ((p = resolv_after_key(line, "nameserver", true, false)) != NULL) {
            size_t an = strcspn(p, " \t\n\f\r");
            cleanup_free char *addr = xstrndup(p, an);
            if (*re_skip_space(p + an) == '\0' && resolv_addr_valid(addr))
                strv_push(&r->servers, addr);
        } else if ((p = resolv_after_key(line, "search", true, false)) != NULL) {
            strv_free(r->search);
            r->search = NULL;
            fields_push(&r->search, p);
        } else if ((p = resolv_after_key(line, "options", true, false)) != NULL) {
            strv_free(r->options);
            r->options = NULL;
            fields_push(&r->options, p);
        }
    }
    if (filter && r->servers == NULL) {
        strv_push(&r->servers, "8.8.8.8");
        strv_push(&r->servers, "8.8.4.4");
        if (ipv6) {
            strv_push(&r->servers, "2001:4860:4860::8888");
            strv_push(&r->servers, "2001:4860:4860::8844");
        }
    }
}

/* The host's resolv.conf podman starts from: /etc/netns/NAME/resolv.conf
 * for a namespace "ip netns" made, and past a lone local resolver (of
 * systemd-resolved or NetworkManager), the file it reads from. */
static int
resolv_base_read(const struct ctr_config *g, char **out, struct pcon_err *err)
{
    cleanup_free char *netns = NULL, *real = NULL;
    const char *path = "/etc/resolv.conf", *alt = NULL;
    struct resolv r;

    if (g->net.mode == NETNS_JOIN_PATH && strncmp(g->net.target, "/proc/", 6) != 0) {
        cleanup_free char *t = xstrdup(g->net.target);
        char *slash;
        for (size_t n = strlen(t); n > 1 && t[n - 1] == '/'; n--)
            t[n - 1] = '\0';
        slash = strrchr(t, '/');
        netns = xasprintf("/etc/netns/%s/resolv.conf", slash && slash[1] ? slash + 1 : t);
        if (access(netns, F_OK) == 0)
            path = netns;
    }
    if (host_file_read(path, out, err) < 0)
        return -1;
    if (g->net.mode == NETNS_HOST)
        return 0;
    resolv_parse(*out, false, false, &r);
    if (strv_len(r.servers) == 1 && strcmp(r.servers[0], "127.0.0.53") == 0)
        alt = "/run/systemd/resolve/resolv.conf";
    else if (strv_len(r.servers) == 1 && strcmp(r.servers[0], "127.0.0.1") == 0)
        alt = "/run/NetworkManager/no-stub-resolv.conf";
    resolv_free(&r);
    if (alt == NULL)
        return 0;
    if (host_file_read(alt, &real, err) < 0)
        return -1;
    if (real) {
        free(*out);
        *out = steal_ptr(&real);
    }
    return 0;
}

static void
resolv_words(char **out, const char *key, char *const *words)
{
    cleanup_free char *line = NULL;
    size_t i = 0;

    for (; words && words[i]; i++)
        xappendf(&line, "%s%s", i ? " " : "", words[i]);
    /* as resolvconf.build: no line for no words, or for "." alone */
    if (line && line[strspn(line, " ")] != '\0'
        && (strcmp(key, "search") != 0 || strcmp(line + strspn(line, " "), ".") != 0))
        xappendf(out, "%s %s\n", key, line);
}

/* podman's generateResolvConf: the servers --dns gives, else libslirp's
 * and the host's; the search domains --dns-search gives ("." for none),
 * the host's after them unless --dns was given; the same for the options */
static int
resolv_text(const struct ctr_config *g, const struct etc_net *net, char **out, struct pcon_err *err)
{
    bool keep_host = g->dns == NULL;
    bool ipv6 = g->net.mode == NETNS_SLIRP && !g->net.ipv6_off;
    cleanup_free char *base = NULL;
    cleanup_strv char **servers = NULL, **search = NULL, **options = NULL;
    struct netns_slirp_addrs a;
    struct resolv h;

    if (resolv_base_read(g, &base, err) < 0)
        return -1;
    resolv_parse(base, g->net.mode != NETNS_HOST, ipv6, &h);
    netns_slirp_addrs(&g->net, &a);
    /* on networks with DNS, their resolvers alone: they forward the rest */
    bool netdns = net && net->nameservers && net->nameservers[0];

    if (!keep_host)
        servers = strv_dup(g->dns);
    else if (netdns)
        servers = strv_dup(net->nameservers);
    else if (netns_mode_own(g->net.mode))
        strv_push(&servers, a.dns); /* libslirp's, reached through the networks' way out */
    for (size_t i = 0; keep_host && !netdns && h.servers && h.servers[i]; i++)
        strv_push(&servers, h.servers[i]);
    if (netdns && !strv_contains(g->dns_search, "."))
        strv_push(&search, "dns.podman");
    if (!strv_contains(g->dns_search, "."))
        for (size_t i = 0; g->dns_search && g->dns_search[i]; i++)
            strv_push(&search, g->dns_search[i]);
    if (!g->dns_search || (keep_host && search))
        for (size_t i = 0; h.search && h.search[i]; i++)
            strv_push(&search, h.search[i]);
    options = g->dns_options ? strv_dup(g->dns_options) : NULL;
    if (!g->dns_options || keep_host)
        for (size_t i = 0; h.options && h.options[i]; i++)
            strv_push(&options, h.options[i]);
    resolv_free(&h);
    *out = xstrdup("");
    resolv_words(out, "search", search);
    for (size_t i = 0; servers && servers[i]; i++)
        xappendf(out, "nameserver %s\n", servers[i]);
    resolv_words(out, "options", options);
    return 0;
}

/* --- the plan -------------------------------------------------------- */

static int
plan_build(struct store *st, const struct ctr_config *g, struct etc_plan *out, int depth,
           struct pcon_err *err)
{
    cleanup_free char *rundir = engine_ctr_rundir(st, g->id);

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ETC_FILES; i++) {
        out->path[i] = engine_etc_file_path(rundir, (enum etc_file) i);
        out->own[i] = true;
    }
    out->net_none = g->net.mode == NETNS_PRIVATE;
    if (g->net.mode == NETNS_JOIN_CTR) {
        struct container other;
        struct etc_plan op;
        int r;

        if (depth >= JOIN_DEPTH_MAX) {
            engine_etc_plan_free(out);
            return pcon_fail(err, ELOOP, "network of container %.12s", g->net.target);
        }
        if (engine_ctr_load(st, g->net.target, &other, err) < 0) {
            engine_etc_plan_free(out);
            return pcon_prefix(err, "network of container %.12s", g->net.target);
        }
        r = plan_build(st, &other.cfg, &op, depth + 1, err);
        engine_ctr_free(&other);
        if (r < 0) {
            engine_etc_plan_free(out);
            return -1;
        }
        out->net_none = op.net_none;
        for (size_t i = 0; i < 2 && !op.net_none; i++) { /* ETC_HOSTS, ETC_RESOLV_CONF */
            free(out->path[i]);
            out->path[i] = steal_ptr(&op.path[i]);
            out->own[i] = false;
        }
        out->joined = !op.net_none && out->path[ETC_HOSTS] != NULL;
        engine_etc_plan_free(&op);
    }
    if (g->no_hosts) {
        free(steal_ptr(&out->path[ETC_HOSTS]));
        out->joined = false;
    }
    if (g->no_resolv_conf || out->net_none)
        free(steal_ptr(&out->path[ETC_RESOLV_CONF]));
    return 0;
}

int
engine_etc_plan(struct store *st, const struct ctr_config *g, struct etc_plan *out,
                struct pcon_err *err)
{
    return plan_build(st, g, out, 0, err);
}

void
engine_etc_plan_free(struct etc_plan *p)
{
    for (size_t i = 0; i < ETC_FILES; i++)
        free(p->path[i]);
    memset(p, 0, sizeof *p);
}

unsigned
engine_etc_files_skipped(const struct etc_plan *p)
{
    unsigned mask = 0;

    for (size_t i = 0; i < ETC_FILES; i++)
        mask |= p->path[i] ? 0 : 1u << i;
    return mask;
}

int
engine_etc_files_write(int rundfd, const struct ctr_config *g, const struct etc_plan *p,
                       const struct etc_net *net, struct pcon_err *err)
{
    cleanup_free char *hosts = NULL, *resolv = NULL;
    cleanup_free char *hostname = xasprintf("%s\n", g->hostname);
    cleanup_free char *env = xasprintf(
        "engine=\"%s\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\nimageid=\"%s\"\nrootless=%d\n",
        PCON_ENGINE_VERSION, g->name, g->id, g->image_name, g->image_id, proc_in_userns() ? 1 : 0);
    const char *text[ETC_FILES] = {
        [ETC_HOSTNAME] = hostname,
        [ETC_CONTAINERENV] = env,
    };

    if (p->path[ETC_HOSTS] && p->own[ETC_HOSTS] && hosts_text(g, net, &hosts, err) < 0)
        return pcon_prefix(err, "write /etc/hosts of container %.12s", g->id);
    if (p->path[ETC_RESOLV_CONF] && p->own[ETC_RESOLV_CONF]
        && resolv_text(g, net, &resolv, err) < 0)
        return pcon_prefix(err, "write /etc/resolv.conf of container %.12s", g->id);
    text[ETC_HOSTS] = hosts;
    text[ETC_RESOLV_CONF] = resolv;
    for (size_t i = 0; i < ETC_FILES; i++)
        if (p->path[i] && p->own[i]
            && fs_write_atomic(rundfd, engine_etc_files[i].name, text[i], strlen(text[i]), 0644,
                               false, err)
                   < 0)
            return -1;
    return 0;
}

/* the joined hosts file, open and locked against the other joiners */
static int
hosts_joined_open(const char *path, bool append, char **text, struct pcon_err *err)
{
    cleanup_close int fd =
        open(path, (append ? O_WRONLY | O_APPEND : O_WRONLY) | O_CLOEXEC | O_NOFOLLOW);
    cleanup_close int rfd = -1;

    *text = NULL;
    if (fd < 0)
        return pcon_fail(err, errno, "open %s", path);
    if (TEMP_FAILURE_RETRY_INT(flock(fd, LOCK_EX)) < 0)
        return pcon_fail(err, errno, "lock %s", path);
    rfd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (rfd < 0)
        return pcon_fail(err, errno, "open %s", path);
    *text = fs_read_fd(rfd, HOST_FILE_MAX, NULL, err);
    if (*text == NULL)
        return pcon_prefix(err, "read %s", path);
    return steal_fd(&fd);
}

static struct hosts_entry
hosts_joiner(const struct ctr_config *g)
{
    return (struct hosts_entry){ .ip = "127.0.0.1",
                                 .names = names_of(xstrdup(g->hostname), xstrdup(g->name)) };
}

int
engine_etc_hosts_join(const struct ctr_config *g, const struct etc_plan *p, struct pcon_err *err)
{
    struct hosts_entry e;
    struct hosts now = { 0 };
    cleanup_free char *text = NULL, *line = NULL;
    cleanup_close int fd = -1;
    int r = 0;

    if (!p->joined || strchr(g->hostname, '\n'))
        return 0;
    fd = hosts_joined_open(p->path[ETC_HOSTS], true, &text, err);
    if (fd < 0 && err && err->errnum == ENOENT) {
        pcon_err_clear(err); /* not running: joining its network fails next */
        return 0;
    }
    if (fd < 0)
        return -1;
    e = hosts_joiner(g);
    hosts_parse(text, &now);
    hosts_line(&line, &e, &now);
    if (line && fs_write_all(fd, line, strlen(line)) < 0)
        r = pcon_fail(err, errno, "write %s", p->path[ETC_HOSTS]);
    hosts_free(&now);
    strv_free(e.names);
    return r;
}

void
engine_etc_hosts_leave(const struct ctr_config *g, const struct etc_plan *p)
{
    struct hosts_entry e;
    struct hosts now = { 0 };
    cleanup_free char *text = NULL, *rest = NULL;
    cleanup_close int fd = -1;

    if (!p->joined)
        return;
    fd = hosts_joined_open(p->path[ETC_HOSTS], false, &text, NULL);
    if (fd < 0)
        return; /* the other container's files are gone with it */
    e = hosts_joiner(g);
    hosts_parse(text, &now);
    rest = xstrdup("");
    /* etchosts.Remove: every line of 127.0.0.1 with one of the names goes */
    for (size_t i = 0; i < now.n; i++) {
        bool mine = strcmp(now.v[i].ip, e.ip) == 0
                    && (strv_contains(now.v[i].names, e.names[0])
                        || strv_contains(now.v[i].names, e.names[1]));
        if (!mine)
            hosts_line(&rest, &now.v[i], NULL);
    }
    /* in place, as the other container has this inode bound; best effort:
     * its next start writes it anew */
    if (ftruncate(fd, 0) == 0)
        (void) fs_write_all(fd, rest, strlen(rest));
    hosts_free(&now);
    strv_free(e.names);
}

char *
engine_etc_file_path(const char *rundir, enum etc_file f)
{
    return xasprintf("%s/%s", rundir, engine_etc_files[f].name);
}
