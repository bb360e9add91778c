// SPDX-License-Identifier: Apache-2.0
/* network connect and disconnect: a container's user networks changed in
 * its record, and, while it runs, in its network namespace (through
 * pcon-netd, which gives the address to the container's monitor). */
#include <arpa/inet.h>
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
                      const char *ifname)
{
    return xasprintf("%s %s %02x:%02x:%02x:%02x:%02x:%02x %s", network, ip, mac[0], mac[1], mac[2],
                     mac[3], mac[4], mac[5], ifname);
}

/* the networks of g, as a list (malloc'd) */
static char **
networks_of(const struct ctr_config *g)
{
    cleanup_free char *buf = xstrdup(g->net.target);
    char **v = NULL, *save = NULL;

    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
        strv_push(&v, w);
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
            const char *sp = strrchr(c->state.networks[i], ' ');
            used = sp && strcmp(sp + 1, out) == 0;
        }
        if (!used)
            return;
    }
}

int
engine_ctr_network_connect(struct store *st, struct container *c, const char *network,
                           char *const *aliases, struct pcon_err *err)
{
    cleanup_close int lock = -1;
    cleanup_strv char **nets = NULL, **names = NULL;
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
        char shortid[13], ifname[16], ip[INET_ADDRSTRLEN];
        struct netns_attachment at;
        struct netns_attach_opts o = { &n, c->cfg.id, ifname, { 0 }, NULL };

        snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
        strv_push(&names, c->cfg.name);
        strv_push(&names, shortid);
        for (size_t i = 0; c->cfg.net_aliases && c->cfg.net_aliases[i]; i++)
            strv_push(&names, c->cfg.net_aliases[i]);
        for (size_t i = 0; aliases && aliases[i]; i++)
            strv_push(&names, aliases[i]);
        o.names = names;
        free_ifname(c, ifname);
        if (netns_netd_connect_running(st->runroot, c->state.pid, &o, &at, err) < 0)
            goto out;
        inet_ntop(AF_INET, &at.ip, ip, sizeof ip);
        strv_push_take(&c->state.networks, engine_net_state_line(n.name, ip, at.mac, ifname));
        if (engine_ctr_state_save(st, c, false, err) < 0)
            goto out;
    }
    snprintf(c->cfg.net.target, sizeof c->cfg.net.target, "%s", joined);
    for (size_t i = 0; aliases && aliases[i]; i++)
        if (!strv_contains(c->cfg.net_aliases, aliases[i]))
            strv_push(&c->cfg.net_aliases, aliases[i]);
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
        char **kept = NULL;
        size_t len = strlen(n.name);
        if (netns_netd_disconnect_running(st->runroot, c->state.pid, c->cfg.id, n.name, err) < 0)
            goto out;
        for (size_t i = 0; c->state.networks && c->state.networks[i]; i++)
            if (strncmp(c->state.networks[i], n.name, len) != 0 || c->state.networks[i][len] != ' ')
                strv_push(&kept, c->state.networks[i]);
        strv_free(c->state.networks);
        c->state.networks = kept;
        if (engine_ctr_state_save(st, c, false, err) < 0)
            goto out;
    }
    joined = strv_join(left, ",");
    snprintf(c->cfg.net.target, sizeof c->cfg.net.target, "%s", joined);
    r = engine_ctr_config_save(st, c, err);
out:
    netns_network_free(&n);
    return r;
}
