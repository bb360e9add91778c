// SPDX-License-Identifier: Apache-2.0
/* Network records in the graph root. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/lock.h"
#include "../lib/timefmt.h"
#include "netns.h"
#include "network.h"

#define NETWORK_RECORD_MAX (1 << 20)
/* podman's id of its default network: sha256("podman") */
#define DEFAULT_NETWORK_ID "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"

bool
netns_network_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 255)
        return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')
          || (name[0] >= '0' && name[0] <= '9')))
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static uint32_t
mask_of(unsigned int prefix)
{
    return prefix == 0 ? 0 : ~((UINT32_C(1) << (32 - prefix)) - 1);
}

static bool
overlaps(struct in_addr a, unsigned int pa, struct in_addr b, unsigned int pb)
{
    uint32_t m = mask_of(pa < pb ? pa : pb);

    return (ntohl(a.s_addr) & m) == (ntohl(b.s_addr) & m);
}

bool
netns_network_host_addr(const struct netns_network *n, struct in_addr ip)
{
    uint32_t m = mask_of(n->prefix), h = ntohl(ip.s_addr), net = ntohl(n->subnet.s_addr);

    return (h & m) == net && h != net && h != (net | ~m) && ip.s_addr != n->gateway.s_addr;
}

/* a, its prefix bits kept, the rest zero */
static struct in6_addr
mask6(const struct in6_addr *a, unsigned int prefix)
{
    struct in6_addr m = *a;

    for (unsigned int i = 0; i < 16; i++) {
        unsigned int bits = prefix > 8 * i ? prefix - 8 * i : 0;
        if (bits < 8)
            m.s6_addr[i] &= (uint8_t) (0xff00u >> bits);
    }
    return m;
}

static bool
overlaps6(const struct in6_addr *a, unsigned int pa, const struct in6_addr *b, unsigned int pb)
{
    unsigned int p = pa < pb ? pa : pb;
    struct in6_addr x = mask6(a, p), y = mask6(b, p);

    return memcmp(&x, &y, sizeof x) == 0;
}

/* in n's IPv6 subnet, and not its network address */
static bool
in_subnet6(const struct netns_network *n, const struct in6_addr *ip)
{
    struct in6_addr net = mask6(ip, n->prefix6);

    return memcmp(&net, &n->subnet6, sizeof net) == 0 && memcmp(ip, &n->subnet6, sizeof *ip) != 0;
}

bool
netns_network_host_addr6(const struct netns_network *n, const struct in6_addr *ip)
{
    return n->ipv6 && in_subnet6(n, ip) && memcmp(ip, &n->gateway6, sizeof *ip) != 0;
}

/* a + 1 (wrapping) */
static void
inc6(struct in6_addr *a)
{
    for (int i = 15; i >= 0 && ++a->s6_addr[i] == 0; i--)
        ;
}

void
netns_network_free(struct netns_network *n)
{
    free(n->name);
    free(n->id);
    free(n->iface);
    free(n->created);
    strv_free(n->labels);
    strv_free(n->options);
    memset(n, 0, sizeof *n);
}

void
netns_network_list_free(struct netns_network *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        netns_network_free(&v[i]);
    free(v);
}

/* A.B.C.D/N, a network address; prefix at most 30 (room for a gateway
 * and a container) */
static int
cidr_parse(const char *s, struct in_addr *addr, unsigned int *prefix)
{
    char buf[INET_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    unsigned long p;
    char *end;

    if (slash == NULL || (size_t) (slash - s) >= sizeof buf || slash[1] < '0' || slash[1] > '9')
        return -1;
    memcpy(buf, s, (size_t) (slash - s));
    buf[slash - s] = '\0';
    p = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || p > 32 || inet_pton(AF_INET, buf, addr) != 1)
        return -1;
    *prefix = (unsigned int) p;
    return 0;
}

/* X::/N, a network address; prefix 8 to 126 (room for a gateway and a
 * container) */
static int
cidr6_parse(const char *s, struct in6_addr *addr, unsigned int *prefix)
{
    char buf[INET6_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    unsigned long p;
    char *end;

    if (slash == NULL || (size_t) (slash - s) >= sizeof buf || slash[1] < '0' || slash[1] > '9')
        return -1;
    memcpy(buf, s, (size_t) (slash - s));
    buf[slash - s] = '\0';
    p = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || p < 8 || p > 126 || inet_pton(AF_INET6, buf, addr) != 1)
        return -1;
    *prefix = (unsigned int) p;
    return 0;
}

/* the last address of net/prefix */
static struct in6_addr
range6_end(const struct in6_addr *net, unsigned int prefix)
{
    struct in6_addr e = *net;

    for (unsigned int i = 0; i < 16; i++) {
        unsigned int bits = prefix > 8 * i ? prefix - 8 * i : 0;
        if (bits < 8)
            e.s6_addr[i] |= (uint8_t) (0xffu >> bits);
    }
    return e;
}

static bool
is_net6(const struct in6_addr *a, unsigned int prefix)
{
    struct in6_addr m = mask6(a, prefix);

    return memcmp(&m, a, sizeof m) == 0;
}

static void
default_network(struct netns_network *n)
{
    memset(n, 0, sizeof *n);
    n->name = xstrdup(NETNS_DEFAULT_NETWORK);
    n->id = xstrdup(DEFAULT_NETWORK_ID);
    n->iface = xstrdup("podman0");
    n->created = xstrdup("");
    (void) inet_pton(AF_INET, "10.88.0.0", &n->subnet);
    (void) inet_pton(AF_INET, "10.88.0.1", &n->gateway);
    n->prefix = 16;
    n->range_first.s_addr = htonl(ntohl(n->subnet.s_addr) + 1);
    n->range_last.s_addr = htonl(ntohl(n->subnet.s_addr) | ~mask_of(16));
    n->range_last.s_addr = htonl(ntohl(n->range_last.s_addr) - 1);
    n->gateway_given = true;
    n->builtin = true;
}

static int
map_gen(yajl_gen g, const char *key, char *const *kv)
{
    if (kv == NULL || kv[0] == NULL)
        return 0;
    if (json_gen_str(g, key) != yajl_gen_status_ok || yajl_gen_map_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; kv[i]; i++) {
        const char *eq = strchr(kv[i], '=');
        cleanup_free char *k = eq ? xstrndup(kv[i], (size_t) (eq - kv[i])) : xstrdup(kv[i]);
        if (json_gen_kv_str(g, k, eq ? eq + 1 : "") != yajl_gen_status_ok)
            return -1;
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* one entry of "subnets": of the IPv4 subnet, or (v6) the IPv6 one */
static int
subnet_gen(yajl_gen g, const struct netns_network *n, bool v6)
{
    int af = v6 ? AF_INET6 : AF_INET;
    char net[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    char cidr[INET6_ADDRSTRLEN + 4];

    inet_ntop(af, v6 ? (const void *) &n->subnet6 : &n->subnet, net, sizeof net);
    inet_ntop(af, v6 ? (const void *) &n->gateway6 : &n->gateway, gw, sizeof gw);
    snprintf(cidr, sizeof cidr, "%s/%u", net, v6 ? n->prefix6 : n->prefix);
    if (yajl_gen_map_open(g) != yajl_gen_status_ok
        || json_gen_kv_str(g, "subnet", cidr) != yajl_gen_status_ok
        || json_gen_kv_str(g, "gateway", gw) != yajl_gen_status_ok)
        return -1;
    if (v6 ? n->range6_given : n->range_given) {
        inet_ntop(af, v6 ? (const void *) &n->range6_first : &n->range_first, a, sizeof a);
        inet_ntop(af, v6 ? (const void *) &n->range6_last : &n->range_last, b, sizeof b);
        if (json_gen_str(g, "lease_range") != yajl_gen_status_ok
            || yajl_gen_map_open(g) != yajl_gen_status_ok
            || json_gen_kv_str(g, "start_ip", a) != yajl_gen_status_ok
            || json_gen_kv_str(g, "end_ip", b) != yajl_gen_status_ok
            || yajl_gen_map_close(g) != yajl_gen_status_ok)
            return -1;
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

char *
netns_network_json(const struct netns_network *n)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "name", n->name));
    JG(json_gen_kv_str(g, "id", n->id));
    JG(json_gen_kv_str(g, "driver", "bridge"));
    JG(json_gen_kv_str(g, "network_interface", n->iface));
    JG(json_gen_kv_str(g, "created", n->created));
    JG(json_gen_str(g, "subnets"));
    JG(yajl_gen_array_open(g));
    if ((n->ipv6 && n->v6_first && subnet_gen(g, n, true) < 0) || subnet_gen(g, n, false) < 0
        || (n->ipv6 && !n->v6_first && subnet_gen(g, n, true) < 0))
        goto fail;
    JG(yajl_gen_array_close(g));
    JG(json_gen_kv_bool(g, "ipv6_enabled", n->ipv6));
    JG(json_gen_kv_bool(g, "internal", n->internal));
    JG(json_gen_kv_bool(g, "dns_enabled", n->dns));
    if (map_gen(g, "labels", n->labels) < 0 || map_gen(g, "options", n->options) < 0)
        goto fail;
    JG(json_gen_str(g, "ipam_options"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "driver", "host-local"));
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
map_get(yajl_val root, const char *key, char ***out)
{
    yajl_val m = json_get_obj(root, key);

    *out = NULL;
    for (size_t i = 0; m && i < m->u.object.len; i++) {
        if (!YAJL_IS_STRING(m->u.object.values[i]))
            return -1;
        strv_push_take(
            out, xasprintf("%s=%s", m->u.object.keys[i], YAJL_GET_STRING(m->u.object.values[i])));
    }
    return 0;
}

static int
mtu_option(const char *v, unsigned int *mtu)
{
    char *end;
    unsigned long m = strtoul(v, &end, 10);

    if (*v == '\0' || *end != '\0' || m < 68 || m > 65520)
        return -1;
    *mtu = (unsigned int) m;
    return 0;
}

/* Go's strconv.ParseBool, as podman parses isolate= */
static int
bool_option(const char *v, bool *out)
{
    static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
    static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

    for (size_t i = 0; i < 6; i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(v, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

/* podman's vlan=N: 0 (none) to 4094 */
static int
vlan_option(const char *v, unsigned int *vlan)
{
    char *end;
    unsigned long id;

    if (*v < '0' || *v > '9')
        return -1;
    id = strtoul(v, &end, 10);
    if (*end != '\0' || id > 4094)
        return -1;
    *vlan = (unsigned int) id;
    return 0;
}

/* the IPv6 entry of a record's "subnets" into n */
static int
subnet6_parse(yajl_val e, struct netns_network *n)
{
    yajl_val lease;
    const char *v;

    if ((v = json_get_str(e, "subnet")) == NULL || cidr6_parse(v, &n->subnet6, &n->prefix6) < 0
        || !is_net6(&n->subnet6, n->prefix6) || (v = json_get_str(e, "gateway")) == NULL
        || inet_pton(AF_INET6, v, &n->gateway6) != 1)
        return -1;
    n->ipv6 = true;
    if (!in_subnet6(n, &n->gateway6))
        return -1;
    n->range6_first = n->subnet6;
    inc6(&n->range6_first);
    n->range6_last = range6_end(&n->subnet6, n->prefix6);
    if ((lease = json_get_obj(e, "lease_range")) != NULL) {
        if ((v = json_get_str(lease, "start_ip")) == NULL
            || inet_pton(AF_INET6, v, &n->range6_first) != 1
            || (v = json_get_str(lease, "end_ip")) == NULL
            || inet_pton(AF_INET6, v, &n->range6_last) != 1 || !in_subnet6(n, &n->range6_first)
            || !in_subnet6(n, &n->range6_last)
            || memcmp(&n->range6_first, &n->range6_last, sizeof n->range6_last) > 0)
            return -1;
        n->range6_given = true;
    }
    return 0;
}

/* the record's fields, checked: a record is trusted no more than input */
static int
record_parse(const char *text, struct netns_network *n, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    yajl_val subnets, s0 = NULL, s6 = NULL, lease;
    const char *v;

    memset(n, 0, sizeof *n);
    if (root == NULL)
        return -1;
    /* one IPv4 subnet, and an IPv6 one before or after it */
    subnets = json_get_arr(root, "subnets");
    for (size_t i = 0; subnets && i < subnets->u.array.len && i < 2; i++) {
        yajl_val e = subnets->u.array.values[i];
        bool six = YAJL_IS_OBJECT(e) && (v = json_get_str(e, "subnet")) && strchr(v, ':');
        if (six && s6 == NULL) {
            s6 = e;
            n->v6_first = i == 0;
        } else if (!six && s0 == NULL)
            s0 = e;
        else
            goto bad;
    }
    if (subnets == NULL || subnets->u.array.len > 2 || (s6 && subnets->u.array.len != 2))
        goto bad;
    if ((v = json_get_str(root, "name")) == NULL || !netns_network_name_valid(v))
        goto bad;
    n->name = xstrdup(v);
    if ((v = json_get_str(root, "id")) == NULL || strlen(v) != 64
        || strspn(v, "0123456789abcdef") != 64)
        goto bad;
    n->id = xstrdup(v);
    if ((v = json_get_str(root, "network_interface")) == NULL || strlen(v) == 0 || strlen(v) >= 16
        || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
        goto bad;
    n->iface = xstrdup(v);
    n->created = xstrdup((v = json_get_str(root, "created")) ? v : "");
    if (!YAJL_IS_OBJECT(s0) || (v = json_get_str(s0, "subnet")) == NULL
        || cidr_parse(v, &n->subnet, &n->prefix) < 0 || n->prefix > 30 || n->prefix < 8
        || (ntohl(n->subnet.s_addr) & mask_of(n->prefix)) != ntohl(n->subnet.s_addr))
        goto bad;
    if ((v = json_get_str(s0, "gateway")) == NULL || inet_pton(AF_INET, v, &n->gateway) != 1)
        goto bad;
    n->gateway_given = true;
    n->range_first.s_addr = htonl(ntohl(n->subnet.s_addr) + 1);
    n->range_last.s_addr = htonl((ntohl(n->subnet.s_addr) | ~mask_of(n->prefix)) - 1);
    if ((lease = json_get_obj(s0, "lease_range")) != NULL) {
        struct netns_network probe = *n;
        if ((v = json_get_str(lease, "start_ip")) == NULL
            || inet_pton(AF_INET, v, &n->range_first) != 1
            || (v = json_get_str(lease, "end_ip")) == NULL
            || inet_pton(AF_INET, v, &n->range_last) != 1)
            goto bad;
        probe.gateway.s_addr = 0;
        if (!netns_network_host_addr(&probe, n->range_first)
            || !netns_network_host_addr(&probe, n->range_last)
            || ntohl(n->range_first.s_addr) > ntohl(n->range_last.s_addr))
            goto bad;
        n->range_given = true;
    }
    if (s6 && subnet6_parse(s6, n) < 0)
        goto bad;
    n->internal = YAJL_IS_TRUE(json_get(root, "internal"));
    n->dns = YAJL_IS_TRUE(json_get(root, "dns_enabled"));
    if (map_get(root, "labels", &n->labels) < 0 || map_get(root, "options", &n->options) < 0)
        goto bad;
    for (size_t i = 0; n->options && n->options[i]; i++)
        if ((strncmp(n->options[i], "mtu=", 4) == 0 && mtu_option(n->options[i] + 4, &n->mtu) < 0)
            || (strncmp(n->options[i], "isolate=", 8) == 0
                && bool_option(n->options[i] + 8, &n->isolate) < 0)
            || (strncmp(n->options[i], "vlan=", 5) == 0
                && vlan_option(n->options[i] + 5, &n->vlan) < 0))
            goto bad;
    return 0;
bad:
    netns_network_free(n);
    return pcon_fail(err, EINVAL, "invalid network record");
}

static int
networks_dir(int dfd, struct pcon_err *err)
{
    int fd;

    if (mkdirat(dfd, "networks", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create networks directory");
    fd = openat(dfd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open networks directory");
    return fd;
}

static int
not_found(const char *name, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                          "unable to find network with name or ID %s: network not found", name);
}

static int
load_name(int ndfd, const char *name, struct netns_network *out, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s.json", name);
    cleanup_free char *text = fs_read_all(ndfd, path, NETWORK_RECORD_MAX, NULL, NULL);

    if (text == NULL)
        return not_found(name, err);
    if (record_parse(text, out, err) < 0 || strcmp(out->name, name) != 0) {
        if (out->name)
            netns_network_free(out);
        return pcon_fail(err, EINVAL, "invalid record of network %s", name);
    }
    return 0;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct netns_network *) a)->name,
                  ((const struct netns_network *) b)->name);
}

/* the stored networks (not the default one) */
static int
list_stored(int ndfd, struct netns_network **out, size_t *nout, struct pcon_err *err)
{
    int fd = dup(ndfd);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    struct netns_network *v = NULL;
    struct dirent *de;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return pcon_fail(err, errno, "list networks");
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        cleanup_free char *name = NULL;
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        name = xstrndup(de->d_name, len - 5);
        if (!netns_network_name_valid(name) || strcmp(name, NETNS_DEFAULT_NETWORK) == 0)
            continue;
        v = xrealloc(v, (n + 1) * sizeof *v);
        if (load_name(ndfd, name, &v[n], NULL) == 0)
            n++;
    }
    closedir(d);
    *out = v;
    *nout = n;
    return 0;
}

int
netns_network_list(int dfd, struct netns_network **out, size_t *nout, struct pcon_err *err)
{
    cleanup_close int ndfd = networks_dir(dfd, err);
    struct netns_network *v;
    size_t n;

    *out = NULL;
    *nout = 0;
    if (ndfd < 0 || list_stored(ndfd, &v, &n, err) < 0)
        return -1;
    v = xrealloc(v, (n + 1) * sizeof *v);
    default_network(&v[n++]);
    qsort(v, n, sizeof *v, cmp_name);
    *out = v;
    *nout = n;
    return 0;
}

int
netns_network_load(int dfd, const char *name_or_id, struct netns_network *out, struct pcon_err *err)
{
    struct netns_network *v = NULL;
    size_t n = 0, len = strlen(name_or_id), found = SIZE_MAX;
    bool many = false;

    memset(out, 0, sizeof *out);
    if (strcmp(name_or_id, NETNS_DEFAULT_NETWORK) == 0) {
        default_network(out);
        return 0;
    }
    if (netns_network_name_valid(name_or_id)) {
        cleanup_close int ndfd = networks_dir(dfd, err);
        struct pcon_err e = { 0 };
        if (ndfd < 0)
            return -1;
        if (load_name(ndfd, name_or_id, out, &e) == 0)
            return 0;
        if (e.kind != PCON_ERR_NOTFOUND) {
            *err = e;
            return -1;
        }
        pcon_err_clear(&e);
    }
    /* an id, or a unique prefix of one */
    if (len == 0 || len > 64 || strspn(name_or_id, "0123456789abcdef") != len
        || netns_network_list(dfd, &v, &n, err) < 0)
        return not_found(name_or_id, err);
    for (size_t i = 0; i < n; i++)
        if (strncmp(v[i].id, name_or_id, len) == 0) {
            many = found != SIZE_MAX;
            found = i;
        }
    if (found != SIZE_MAX && !many) {
        *out = v[found];
        memset(&v[found], 0, sizeof v[found]);
    }
    netns_network_list_free(v, n);
    if (many)
        return pcon_fail(err, 0, "more than one result for network ID %s", name_or_id);
    return found == SIZE_MAX ? not_found(name_or_id, err) : 0;
}

/* a subnet on an interface of the host, or routed there */
static bool
host_uses(struct in_addr net, unsigned int prefix)
{
    struct ifaddrs *ifs = NULL;
    bool used = false;

    if (getifaddrs(&ifs) < 0)
        return false;
    for (struct ifaddrs *i = ifs; i && !used; i = i->ifa_next) {
        const struct sockaddr_in *a = (const struct sockaddr_in *) i->ifa_addr;
        const struct sockaddr_in *m = (const struct sockaddr_in *) i->ifa_netmask;
        unsigned int p;
        if (a == NULL || m == NULL || a->sin_family != AF_INET)
            continue;
        if (ntohl(a->sin_addr.s_addr) >> 24 == 127)
            continue;
        p = (unsigned int) __builtin_popcount(m->sin_addr.s_addr);
        used = overlaps(net, prefix, a->sin_addr, p);
    }
    freeifaddrs(ifs);
    return used;
}

/* taken by a network, the host, or the user namespace's own way out */
static bool
subnet_taken(const struct netns_network *v, size_t n, struct in_addr net, unsigned int prefix)
{
    struct in_addr slirp;

    (void) inet_pton(AF_INET, "10.0.2.0", &slirp);
    if (overlaps(net, prefix, slirp, 24))
        return true;
    for (size_t i = 0; i < n; i++)
        if (overlaps(net, prefix, v[i].subnet, v[i].prefix))
            return true;
    return host_uses(net, prefix);
}

static int
usage(struct pcon_err *err, const char *fmt, const char *arg)
{
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, fmt, arg);
}

/* what create was given, per family: a subnet each, its gateway and range */
struct create_plan {
    const char *sub4, *gw4, *range4;
    const char *sub6, *gw6, *range6;
};

/* a subnet overlapping one of the host's IPv6 addresses (not loopback) */
static bool
host_uses6(const struct in6_addr *net, unsigned int prefix)
{
    struct ifaddrs *ifs = NULL;
    bool used = false;

    if (getifaddrs(&ifs) < 0)
        return false;
    for (struct ifaddrs *i = ifs; i && !used; i = i->ifa_next) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *) i->ifa_addr;
        const struct sockaddr_in6 *m = (const struct sockaddr_in6 *) i->ifa_netmask;
        unsigned int p = 0;
        if (a == NULL || m == NULL || a->sin6_family != AF_INET6
            || IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
            continue;
        for (unsigned int k = 0; k < 16; k++)
            p += (unsigned int) __builtin_popcount(m->sin6_addr.s6_addr[k]);
        used = overlaps6(net, prefix, &a->sin6_addr, p);
    }
    freeifaddrs(ifs);
    return used;
}

/* taken by a network, the host, libslirp's fd00::/64, or no unicast
 * subnet at all (link-local, multicast) */
static bool
subnet6_taken(const struct netns_network *v, size_t n, const struct in6_addr *net,
              unsigned int prefix)
{
    struct in6_addr slirp, ll, mc;

    (void) inet_pton(AF_INET6, "fd00::", &slirp);
    (void) inet_pton(AF_INET6, "fe80::", &ll);
    (void) inet_pton(AF_INET6, "ff00::", &mc);
    if (overlaps6(net, prefix, &slirp, 64) || overlaps6(net, prefix, &ll, 10)
        || overlaps6(net, prefix, &mc, 8))
        return true;
    for (size_t i = 0; i < n; i++)
        if (v[i].ipv6 && overlaps6(net, prefix, &v[i].subnet6, v[i].prefix6))
            return true;
    return host_uses6(net, prefix);
}

static int
option_check(const char *kv, struct netns_network *n, struct pcon_err *err)
{
    if (strncmp(kv, "mtu=", 4) == 0) {
        if (mtu_option(kv + 4, &n->mtu) < 0)
            return usage(err, "invalid mtu %s: must be 68 to 65520", kv + 4);
    } else if (strncmp(kv, "isolate=", 8) == 0) {
        if (bool_option(kv + 8, &n->isolate) < 0)
            return usage(err,
                         "failed to parse isolate option: strconv.ParseBool: parsing \"%s\": "
                         "invalid syntax",
                         kv + 8);
    } else if (strncmp(kv, "vlan=", 5) == 0) {
        if (vlan_option(kv + 5, &n->vlan) < 0)
            return usage(err,
                         kv[5] >= '0' && kv[5] <= '9'
                                 && strspn(kv + 5, "0123456789") == strlen(kv + 5)
                             ? "vlan ID %s must be between 0 and 4094"
                             : "strconv.Atoi: parsing \"%s\": invalid syntax",
                         kv + 5);
    } else
        return usage(err, "unsupported bridge network option %s", kv);
    return 0;
}

/* the options of create, checked into n and p */
static int
create_check(const struct netns_network_opts *o, struct netns_network *n, struct create_plan *p,
             struct pcon_err *err)
{
    size_t nsub = strv_len(o->subnets);
    int i4 = -1, i6 = -1;

    if (o->driver && strcmp(o->driver, "bridge") != 0)
        return usage(err, "unsupported driver %s: invalid argument", o->driver);
    for (size_t i = 0; o->options && o->options[i]; i++)
        if (option_check(o->options[i], n, err) < 0)
            return -1;
    for (size_t i = 0; i < nsub; i++) {
        const char *sub = o->subnets[i];
        if (strchr(sub, ':')) {
            if (i6 >= 0)
                return usage(err, "subnet %s: pcon's networks have at most one IPv6 subnet", sub);
            if (cidr6_parse(sub, &n->subnet6, &n->prefix6) < 0)
                return usage(err, "invalid subnet %s: an IPv6 network X::/N, N 8 to 126", sub);
            if (!is_net6(&n->subnet6, n->prefix6))
                return usage(err, "invalid subnet %s: not a network address (host bits set)", sub);
            i6 = (int) i;
        } else {
            if (i4 >= 0)
                return usage(err, "subnet %s: pcon's networks have one IPv4 subnet", sub);
            if (cidr_parse(sub, &n->subnet, &n->prefix) < 0 || n->prefix < 8 || n->prefix > 30)
                return usage(err, "invalid subnet %s: an IPv4 network A.B.C.D/N, N 8 to 30", sub);
            if ((ntohl(n->subnet.s_addr) & mask_of(n->prefix)) != ntohl(n->subnet.s_addr))
                return usage(err, "invalid subnet %s: not a network address (host bits set)", sub);
            i4 = (int) i;
        }
    }
    if (nsub == 0 && (o->gateways || o->ip_ranges))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "cannot set gateway or range without subnet");
    if (strv_len(o->gateways) > nsub)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "cannot set more gateways than subnets");
    if (strv_len(o->ip_ranges) > nsub)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "cannot set more ranges than subnets");
    if (i6 >= 0 && i4 < 0 && !o->ipv6)
        return usage(err,
                     "subnet %s: an IPv6-only network is not supported by pcon: add --ipv6 (an "
                     "IPv4 subnet is chosen beside it) or an IPv4 --subnet",
                     o->subnets[i6]);
    n->ipv6 = o->ipv6 || i6 >= 0;
    n->v6_first = i6 >= 0 && (i4 < 0 || i6 < i4);
#define NTH(v, i) ((i) >= 0 && (size_t) (i) < strv_len(v) ? (v)[i] : NULL)
    if (i4 >= 0)
        *p = (struct create_plan){
            o->subnets[i4], NTH(o->gateways, i4), NTH(o->ip_ranges, i4), NULL, NULL, NULL
        };
    if (i6 >= 0) {
        p->sub6 = o->subnets[i6];
        p->gw6 = NTH(o->gateways, i6);
        p->range6 = NTH(o->ip_ranges, i6);
    }
#undef NTH
    return 0;
}

/* the gateway and range of n, whose subnet is known */
static int
create_addrs(const struct create_plan *p, struct netns_network *n, struct pcon_err *err)
{
    struct netns_network probe;

    n->gateway.s_addr = htonl(ntohl(n->subnet.s_addr) + 1);
    if (p->gw4) {
        probe = *n;
        probe.gateway.s_addr = 0;
        if (inet_pton(AF_INET, p->gw4, &n->gateway) != 1
            || !netns_network_host_addr(&probe, n->gateway))
            return usage(err, "gateway %s not in subnet or not a host address", p->gw4);
    }
    n->gateway_given = true;
    n->range_first.s_addr = htonl(ntohl(n->subnet.s_addr) + 1);
    n->range_last.s_addr = htonl((ntohl(n->subnet.s_addr) | ~mask_of(n->prefix)) - 1);
    if (p->range4) {
        struct in_addr r;
        unsigned int rp;
        if (cidr_parse(p->range4, &r, &rp) < 0 || rp < n->prefix || rp > 31
            || !overlaps(r, rp, n->subnet, n->prefix))
            return usage(err, "invalid ip-range %s: a range A.B.C.D/N within the subnet",
                         p->range4);
        n->range_first.s_addr = htonl((ntohl(r.s_addr) & mask_of(rp)) | 1);
        n->range_last.s_addr = htonl(((ntohl(r.s_addr) & mask_of(rp)) | ~mask_of(rp)) - 1);
        if (rp == 31)
            n->range_first.s_addr = htonl(ntohl(r.s_addr) & mask_of(rp));
        n->range_given = true;
    }
    return 0;
}

/* the same of the IPv6 subnet: its gateway the first address unless given */
static int
create_addrs6(const struct create_plan *p, struct netns_network *n, struct pcon_err *err)
{
    char net[INET6_ADDRSTRLEN];

    n->gateway6 = n->subnet6;
    inc6(&n->gateway6);
    if (p->gw6) {
        struct in6_addr gw;
        if (inet_pton(AF_INET6, p->gw6, &gw) != 1 || !in_subnet6(n, &gw)) {
            inet_ntop(AF_INET6, &n->subnet6, net, sizeof net);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "gateway %s not in subnet %s/%u", p->gw6,
                                  net, n->prefix6);
        }
        n->gateway6 = gw;
    }
    n->range6_first = n->subnet6;
    inc6(&n->range6_first);
    n->range6_last = range6_end(&n->subnet6, n->prefix6);
    if (p->range6) {
        struct in6_addr r;
        unsigned int rp;
        if (cidr6_parse(p->range6, &r, &rp) < 0 || rp < n->prefix6
            || !overlaps6(&r, rp, &n->subnet6, n->prefix6))
            return usage(err, "invalid ip-range %s: a range X::/N within the subnet", p->range6);
        n->range6_first = mask6(&r, rp);
        inc6(&n->range6_first);
        n->range6_last = range6_end(&r, rp);
        n->range6_given = true;
    }
    return 0;
}

static int
random_id(char out[65], struct pcon_err *err)
{
    unsigned char r[32];

    if (getrandom(r, sizeof r, 0) != (ssize_t) sizeof r)
        return pcon_fail(err, errno, "generate a network id");
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
    return 0;
}

/* under the lock: name, subnet and bridge chosen among the others */
static int
create_locked(int ndfd, const struct netns_network_opts *o, const struct create_plan *p,
              struct netns_network *n, struct pcon_err *err)
{
    struct netns_network *v = NULL;
    size_t nv = 0;
    char id[65], created[64];
    cleanup_free char *json = NULL, *path = NULL, *tmp = NULL, *gen = NULL;
    unsigned int idx;
    int r = -1;

    if (list_stored(ndfd, &v, &nv, err) < 0)
        return -1;
    v = xrealloc(v, (nv + 1) * sizeof *v);
    default_network(&v[nv++]);
    if (o->name == NULL)
        for (unsigned int k = 1; gen == NULL; k++) {
            char cand[32];
            bool used = false;
            snprintf(cand, sizeof cand, "podman%u", k);
            for (size_t i = 0; i < nv && !used; i++)
                used = strcmp(v[i].name, cand) == 0;
            if (!used)
                gen = xstrdup(cand);
        }
    n->name = xstrdup(o->name ? o->name : gen);
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].name, n->name) == 0) {
            pcon_fail(err, 0, "network name %s already used: network already exists", n->name);
            goto out;
        }
    if (p->sub4) {
        if (subnet_taken(v, nv, n->subnet, n->prefix)) {
            pcon_fail(err, 0, "subnet %s is already used on the host or by another config",
                      p->sub4);
            goto out;
        }
    } else {
        bool found = false;
        for (unsigned int k = 0; k < 256 && !found; k++) {
            n->subnet.s_addr = htonl((UINT32_C(10) << 24) | (UINT32_C(89) << 16) | (k << 8));
            n->prefix = 24;
            found = !subnet_taken(v, nv, n->subnet, n->prefix);
        }
        if (!found) {
            pcon_fail(err, 0, "could not find a free subnet in 10.89.0.0/16");
            goto out;
        }
    }
    if (create_addrs(p, n, err) < 0)
        goto out;
    if (p->sub6 && subnet6_taken(v, nv, &n->subnet6, n->prefix6)) {
        pcon_fail(err, 0, "subnet %s is already used on the host or by another config", p->sub6);
        goto out;
    } else if (n->ipv6 && p->sub6 == NULL) {
        /* a unique local /64 (RFC 4193): fd, 40 random bits, 16 more */
        bool found = false;
        for (unsigned int k = 0; k < 16 && !found; k++) {
            memset(&n->subnet6, 0, sizeof n->subnet6);
            n->subnet6.s6_addr[0] = 0xfd;
            if (getrandom(n->subnet6.s6_addr + 1, 7, 0) != 7) {
                pcon_fail(err, errno, "choose an IPv6 subnet");
                goto out;
            }
            n->prefix6 = 64;
            found = !subnet6_taken(v, nv, &n->subnet6, n->prefix6);
        }
        if (!found) {
            pcon_fail(err, 0, "could not find a free IPv6 subnet");
            goto out;
        }
    }
    if (n->ipv6 && create_addrs6(p, n, err) < 0)
        goto out;
    /* the bridge: podmanN, N the first free one */
    for (idx = 1;; idx++) {
        char cand[16];
        bool used = false;
        snprintf(cand, sizeof cand, "podman%u", idx);
        for (size_t i = 0; i < nv && !used; i++)
            used = strcmp(v[i].iface, cand) == 0;
        if (!used) {
            n->iface = xstrdup(cand);
            break;
        }
    }
    if (random_id(id, err) < 0)
        goto out;
    n->id = xstrdup(id);
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    n->created = xstrdup(created);
    n->internal = o->internal;
    n->dns = !o->disable_dns;
    n->labels = o->labels ? strv_dup(o->labels) : NULL;
    n->options = o->options ? strv_dup(o->options) : NULL;
    for (size_t i = 0; n->options && n->options[i]; i++)
        if (strncmp(n->options[i], "isolate=", 8) == 0) { /* podman's, as ParseBool read it */
            free(n->options[i]);
            n->options[i] = xstrdup(n->isolate ? "isolate=true" : "isolate=false");
        }
    json = netns_network_json(n);
    path = xasprintf("%s.json", n->name);
    r = fs_write_atomic(ndfd, path, json, strlen(json), 0600, true, err);
out:
    netns_network_list_free(v, nv);
    return r;
}

int
netns_network_create(int dfd, const struct netns_network_opts *o, struct netns_network *out,
                     struct pcon_err *err)
{
    cleanup_close int ndfd = -1, lock = -1;
    struct create_plan p = { 0 };

    memset(out, 0, sizeof *out);
    if (o->name && !netns_network_name_valid(o->name))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "network name %s invalid: names must match"
                              " [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
                              o->name);
    if (create_check(o, out, &p, err) < 0) {
        netns_network_free(out);
        return -1;
    }
    ndfd = networks_dir(dfd, err);
    if (ndfd < 0 || (lock = lock_take(ndfd, ".lock", true, err)) < 0
        || create_locked(ndfd, o, &p, out, err) < 0) {
        netns_network_free(out);
        return -1;
    }
    return 0;
}

int
netns_network_remove(int dfd, const char *name, struct pcon_err *err)
{
    cleanup_close int ndfd = -1, lock = -1;
    cleanup_free char *path = NULL;

    if (strcmp(name, NETNS_DEFAULT_NETWORK) == 0)
        return pcon_fail(err, 0, "default network %s cannot be removed", name);
    if (!netns_network_name_valid(name))
        return not_found(name, err);
    path = xasprintf("%s.json", name);
    ndfd = networks_dir(dfd, err);
    if (ndfd < 0 || (lock = lock_take(ndfd, ".lock", true, err)) < 0)
        return -1;
    if (unlinkat(ndfd, path, 0) < 0)
        return errno == ENOENT ? not_found(name, err)
                               : pcon_fail(err, errno, "remove network %s", name);
    return 0;
}
