// SPDX-License-Identifier: Apache-2.0
/* network connect and disconnect: a container's user networks changed in
 * its record, and, while it runs, in its network namespace (through
 * pcon-netd, which gives the address to the container's monitor). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../netns/netd.h"
#include "../netns/network.h"
#include "container.h"

char *
engine_net_state_line(const char *network, const char *ip, const unsigned char mac[6],
                      const char *ifname, const char *ip6)
{
    return xasprintf("%s %s %02x:%02x:%02x:%02x:%02x:%02x %s%s%s", network, ip, mac[0], mac[1],
                     mac[2], mac[3], mac[4], mac[5], ifname, ip6 ? " " : "", ip6 ? ip6 : "");
}

bool
engine_net_state_parse(const char *line, char *network, size_t nsize, char *ip, char *mac,
                       char *ifname, char *ip6)
{
    cleanup_free char *buf = xstrdup(line);
    char *save = NULL, *f[5] = { 0 };
    size_t n = 0;

    for (char *w = strtok_r(buf, " ", &save); w && n < 5; w = strtok_r(NULL, " ", &save))
        f[n++] = w;
    if (n < 4 || strlen(f[0]) >= nsize || strlen(f[1]) >= INET6_ADDRSTRLEN || strlen(f[2]) >= 18
        || strlen(f[3]) >= 16 || (f[4] && strlen(f[4]) >= INET6_ADDRSTRLEN))
        return false;
    strcpy(network, f[0]);
    strcpy(ip, f[1]);
    strcpy(mac, f[2]);
    strcpy(ifname, f[3]);
    strcpy(ip6, f[4] ? f[4] : "");
    return true;
}

bool
engine_mac_parse(const char *s, unsigned char out[6])
{
    unsigned v[6];
    int n = 0;

    if (strlen(s) != 17
        || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6
        || n != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char) s[i * 3]) || !isxdigit((unsigned char) s[i * 3 + 1])
            || (i < 5 && s[i * 3 + 2] != ':'))
            return false;
        out[i] = (unsigned char) v[i];
    }
    return (out[0] & 1) == 0; /* not a multicast one */
}

static bool
ifname_valid(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n < 16
           && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n
           && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && strcmp(s, "lo") != 0;
}

static void
set_once(char **slot, const char *v)
{
    free(*slot);
    *slot = xstrdup(v);
}

int
engine_net_attach_parse(const char *opts, struct net_attach *a, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(opts);
    char *save = NULL;

    for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        char *v = strchr(o, '=');
        unsigned char mac[6];
        struct in_addr ip;

        if (v == NULL || v[1] == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid option for network: \"%s\"", o);
        *v++ = '\0';
        if (strcmp(o, "alias") == 0) {
            if (!netns_network_name_valid(v))
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid network alias \"%s\": names must match"
                                      " [a-zA-Z0-9][a-zA-Z0-9_.-]*",
                                      v);
            if (!strv_contains(a->aliases, v))
                strv_push(&a->aliases, v);
        } else if (strcmp(o, "ip") == 0) {
            if (inet_pton(AF_INET, v, &ip) != 1)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not an IPv4 address", v);
            set_once(&a->ip, v);
        } else if (strcmp(o, "mac") == 0) {
            if (!engine_mac_parse(v, mac))
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid MAC address %s", v);
            set_once(&a->mac, v);
        } else if (strcmp(o, "interface_name") == 0) {
            if (!ifname_valid(v))
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid interface name %s", v);
            set_once(&a->ifname, v);
        } else if (strcmp(o, "ip6") == 0) {
            struct in6_addr ip6;
            if (inet_pton(AF_INET6, v, &ip6) != 1)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not an IPv6 address", v);
            set_once(&a->ip6, v);
        } else {
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unknown network option \"%s\"", o);
        }
    }
    return 0;
}

char *
engine_net_attach_string(const struct net_attach *a)
{
    char *s = xstrdup("");

    for (size_t i = 0; a->aliases && a->aliases[i]; i++)
        xappendf(&s, "%salias=%s", *s ? "," : "", a->aliases[i]);
    if (a->ip)
        xappendf(&s, "%sip=%s", *s ? "," : "", a->ip);
    if (a->ip6)
        xappendf(&s, "%sip6=%s", *s ? "," : "", a->ip6);
    if (a->mac)
        xappendf(&s, "%smac=%s", *s ? "," : "", a->mac);
    if (a->ifname)
        xappendf(&s, "%sinterface_name=%s", *s ? "," : "", a->ifname);
    return s;
}

int
engine_net_attach_of(char *const *entries, const char *network, struct net_attach *a,
                     struct pcon_err *err)
{
    size_t n = strlen(network);

    memset(a, 0, sizeof *a);
    for (size_t i = 0; entries && entries[i]; i++)
        if (strncmp(entries[i], network, n) == 0 && entries[i][n] == ':'
            && engine_net_attach_parse(entries[i] + n + 1, a, err) < 0)
            return -1;
    return 0;
}

void
engine_net_attach_free(struct net_attach *a)
{
    strv_free(a->aliases);
    free(a->ip);
    free(a->ip6);
    free(a->mac);
    free(a->ifname);
    memset(a, 0, sizeof *a);
}

int
engine_net_ip_check(const struct netns_network *n, const char *ip, struct pcon_err *err)
{
    struct in_addr a;

    if (ip && (inet_pton(AF_INET, ip, &a) != 1 || !netns_network_host_addr(n, a)))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "requested static ip %s not in any subnet on network %s", ip,
                              n->name);
    return 0;
}

int
engine_net_ip6_check(const struct netns_network *n, const char *ip, struct pcon_err *err)
{
    struct in6_addr a;

    if (ip && (inet_pton(AF_INET6, ip, &a) != 1 || !netns_network_host_addr6(n, &a)))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "requested static ip %s not in any subnet on network %s", ip,
                              n->name);
    return 0;
}

/* the entries of *v of network name ("NAME" then sep: state lines, a
 * record's NAME:OPTS) taken out */
static void
entries_drop(char ***v, const char *name, char sep)
{
    char **kept = NULL;
    size_t len = strlen(name);

    for (size_t i = 0; *v && (*v)[i]; i++)
        if (strncmp((*v)[i], name, len) != 0 || (*v)[i][len] != sep)
            strv_push(&kept, (*v)[i]);
    strv_free(*v);
    *v = kept;
}

/* the networks of g, as a list (malloc'd) */
static char **
networks_of(const struct ctr_config *g)
{
    char **v = NULL;

    strv_push_split(&v, g->net.target, ",");
    return v;
}

static int
bridge_only(const struct container *c, struct pcon_err *err)
{
    cleanup_free char *mode = NULL;

    if (c->cfg.net.mode == NETNS_BRIDGE)
        return 0;
    mode = netns_spec_string(&c->cfg.net);
    return pcon_fail(err, 0,
                     "container %s is in network mode %s: only a container on networks can be"
                     " connected or disconnected",
                     c->cfg.name, mode);
}

/* the first ethN no running network of c has */
static void
free_ifname(const struct container *c, char out[16])
{
    for (unsigned n = 0;; n++) {
        bool used = false;
        snprintf(out, 16, "eth%u", n);
        for (size_t i = 0; c->state.networks && c->state.networks[i] && !used; i++) {
            char net[256], ip[INET6_ADDRSTRLEN], mac[18], ifname[16], ip6[INET6_ADDRSTRLEN];
            used =
                engine_net_state_parse(c->state.networks[i], net, sizeof net, ip, mac, ifname, ip6)
                && strcmp(ifname, out) == 0;
        }
        if (!used)
            return;
    }
}

int
engine_ctr_network_connect(struct store *st, struct container *c, const char *network,
                           const struct net_attach *a, struct pcon_err *err)
{
    static const struct net_attach none = { 0 };
    cleanup_close int lock = -1;
    cleanup_strv char **nets = NULL, **names = NULL;
    cleanup_free char *joined = NULL, *opts = NULL;
    struct netns_network n;
    struct in_addr want = { 0 };
    unsigned char mac[6];
    int r = -1;

    if (a == NULL)
        a = &none;
    if (netns_network_load(st->root_dfd, network, &n, err) < 0)
        return -1;
    if (engine_net_ip_check(&n, a->ip, err) < 0 || engine_net_ip6_check(&n, a->ip6, err) < 0)
        goto out;
    if (a->ip)
        (void) inet_pton(AF_INET, a->ip, &want);
    if (a->mac)
        (void) engine_mac_parse(a->mac, mac);
    if ((lock = engine_ctr_lock(st, c->cfg.id, err)) < 0)
        goto out;
    engine_ctr_state_reload(st, c);
    if (bridge_only(c, err) < 0)
        goto out;
    nets = networks_of(&c->cfg);
    if (strv_contains(nets, n.name)) {
        r = 0; /* as podman: connected already is done */
        goto out;
    }
    strv_push(&nets, n.name);
    joined = strv_join(nets, ",");
    if (strlen(joined) >= sizeof c->cfg.net.target) {
        pcon_fail(err, E2BIG, "container %s: too many networks", c->cfg.name);
        goto out;
    }
    if (engine_ctr_is_active(c) && c->state.pid > 0) {
        char shortid[13], ifname[16], ip[INET_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN];
        struct netns_attachment at;
        struct netns_attach_opts o = { &n, c->cfg.id, ifname, want, NULL, a->mac ? mac : NULL };

        if (a->ip6)
            (void) inet_pton(AF_INET6, a->ip6, &o.want6);

        snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
        strv_push(&names, c->cfg.name);
        strv_push(&names, shortid);
        for (size_t i = 0; c->cfg.net_aliases && c->cfg.net_aliases[i]; i++)
            strv_push(&names, c->cfg.net_aliases[i]);
        for (size_t i = 0; a->aliases && a->aliases[i]; i++)
            strv_push(&names, a->aliases[i]);
        o.names = names;
        if (a->ifname)
            snprintf(ifname, sizeof ifname, "%s", a->ifname);
        else
            free_ifname(c, ifname);
        if (netns_netd_connect_running(st->runroot, c->state.pid, &o, &at, err) < 0)
            goto out;
        inet_ntop(AF_INET, &at.ip, ip, sizeof ip);
        inet_ntop(AF_INET6, &at.ip6, ip6, sizeof ip6);
        strv_push_take(&c->state.networks,
                       engine_net_state_line(n.name, ip, at.mac, ifname, at.has6 ? ip6 : NULL));
        if (engine_ctr_state_save(st, c, false, err) < 0)
            goto out;
    }
    snprintf(c->cfg.net.target, sizeof c->cfg.net.target, "%s", joined);
    opts = engine_net_attach_string(a);
    if (*opts)
        strv_push_take(&c->cfg.net_opts, xasprintf("%s:%s", n.name, opts));
    r = engine_ctr_config_save(st, c, err);
out:
    netns_network_free(&n);
    return r;
}

int
engine_ctr_network_disconnect(struct store *st, struct container *c, const char *network,
                              struct pcon_err *err)
{
    cleanup_close int lock = -1;
    cleanup_strv char **nets = NULL, **left = NULL;
    cleanup_free char *joined = NULL;
    struct netns_network n;
    int r = -1;

    if (netns_network_load(st->root_dfd, network, &n, err) < 0)
        return -1;
    if ((lock = engine_ctr_lock(st, c->cfg.id, err)) < 0)
        goto out;
    engine_ctr_state_reload(st, c);
    if (bridge_only(c, err) < 0)
        goto out;
    nets = networks_of(&c->cfg);
    if (!strv_contains(nets, n.name)) {
        pcon_fail(err, 0, "container %s is not connected to network %s", c->cfg.name, n.name);
        goto out;
    }
    for (size_t i = 0; nets[i]; i++)
        if (strcmp(nets[i], n.name) != 0)
            strv_push(&left, nets[i]);
    if (left == NULL) {
        pcon_fail(err, 0, "container %s is on network %s alone: connect it to another one first",
                  c->cfg.name, n.name);
        goto out;
    }
    if (engine_ctr_is_active(c) && c->state.pid > 0) {
        if (netns_netd_disconnect_running(st->runroot, c->state.pid, c->cfg.id, n.name, err) < 0)
            goto out;
        entries_drop(&c->state.networks, n.name, ' ');
        if (engine_ctr_state_save(st, c, false, err) < 0)
            goto out;
    }
    joined = strv_join(left, ",");
    snprintf(c->cfg.net.target, sizeof c->cfg.net.target, "%s", joined);
    entries_drop(&c->cfg.net_opts, n.name, ':'); /* its options there go with it */
    r = engine_ctr_config_save(st, c, err);
out:
    netns_network_free(&n);
    return r;
}
