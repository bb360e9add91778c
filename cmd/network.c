// SPDX-License-Identifier: Apache-2.0
/* pcon network SUBCOMMAND: create, exists, inspect, ls, prune, rm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../netns/network.h"
#include "cmd.h"
#include "format.h"

enum {
    NET_DRIVER = 0x700,
    NET_NOHEADING,
    NET_SUBNET,
    NET_GATEWAY,
    NET_IP_RANGE,
    NET_INTERNAL,
    NET_LABEL,
    NET_OPT,
    NET_DISABLE_DNS,
    NET_IPV6,
    NET_FORMAT,
    NET_FILTER,
    NET_NO_TRUNC,
    NET_TIME,
    NET_ALIAS,
    NET_IP,
    NET_IP6,
    NET_MAC,
    NET_IGNORE,
    NET_IPAM,
};

/* the containers (of v) on the network (ids, malloc'd; NULL for none) */
static char **
network_users(const struct container *v, size_t n, const char *name)
{
    char **ids = NULL;

    for (size_t i = 0; i < n; i++) {
        cleanup_free char *buf = NULL;
        char *save = NULL;
        if (v[i].cfg.net.mode != NETNS_BRIDGE)
            continue;
        buf = xstrdup(v[i].cfg.net.target);
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
            if (strcmp(w, name) == 0) {
                strv_push(&ids, v[i].cfg.id);
                break;
            }
    }
    return ids;
}

static const struct cmd_opt create_opts[] = {
    { NET_DISABLE_DNS, "disable-dns", 0, NULL, "Disable DNS (name resolution) on the network" },
    { 'd', "driver", 'd', "DRIVER", "Driver to manage the network (bridge)" },
    { NET_GATEWAY, "gateway", 0, "IP", "Gateway of the subnet (one per --subnet, in order)" },
    { NET_INTERNAL, "internal", 0, NULL, "Restrict external access from this network" },
    { NET_IP_RANGE, "ip-range", 0, "CIDR",
      "Allocate container IPs from a range (one per --subnet, in order)" },
    { NET_IGNORE, "ignore", 0, NULL, "Don't fail if the network already exists" },
    { NET_IPV6, "ipv6", 0, NULL, "Enable IPv6 (dual-stack) networking" },
    { NET_IPAM, "ipam-driver", 0, "DRIVER",
      "IP address management: host-local (pcon's networks give out addresses themselves)" },
    { NET_LABEL, "label", 0, "KEY=VALUE", "Set metadata on a network" },
    { NET_OPT, "opt", 'o', "KEY=VALUE", "Set driver specific options (mtu=N, isolate=B, vlan=N)" },
    { NET_SUBNET, "subnet", 0, "CIDR",
      "Subnet in CIDR format (an IPv4 one, and an IPv6 one with --ipv6)" },
    { 0 },
};

static int
cmd_network_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **labels = NULL, **opts = NULL, **subnets = NULL, **gateways = NULL;
    cleanup_strv char **ranges = NULL;
    struct netns_network_opts o = { 0 };
    struct netns_network n;
    bool ignore = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_network_create_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'd':
            o.driver = arg;
            break;
        case NET_SUBNET:
            strv_push(&subnets, arg);
            break;
        case NET_GATEWAY:
            strv_push(&gateways, arg);
            break;
        case NET_IP_RANGE:
            strv_push(&ranges, arg);
            break;
        case NET_INTERNAL:
            o.internal = cmd_flag_value(arg);
            break;
        case NET_DISABLE_DNS:
            o.disable_dns = cmd_flag_value(arg);
            break;
        case NET_IPV6:
            o.ipv6 = cmd_flag_value(arg);
            break;
        case NET_LABEL:
            strv_push_take(&labels, xasprintf("%s%s", arg, strchr(arg, '=') ? "" : "="));
            break;
        case NET_OPT:
            strv_push(&opts, arg);
            break;
        case NET_IGNORE:
            ignore = cmd_flag_value(arg);
            break;
        case NET_IPAM:
            if (strcmp(arg, "dhcp") == 0 || strcmp(arg, "none") == 0)
                return cmd_usage_error(&cmd_network_create_def,
                                       "ipam driver \"%s\" is not supported by pcon: its networks "
                                       "give out addresses themselves (host-local)",
                                       arg);
            if (strcmp(arg, "host-local") != 0)
                return cmd_usage_error(&cmd_network_create_def, "unsupported ipam driver \"%s\"",
                                       arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind > 1)
        return cmd_usage_error(&cmd_network_create_def, "accepts at most 1 arg(s), received %d",
                               argc - optind);
    o.name = optind < argc ? argv[optind] : NULL;
    o.labels = labels;
    o.options = opts;
    o.subnets = subnets;
    o.gateways = gateways;
    o.ip_ranges = ranges;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    /* --ignore: a network of that name is fine, whatever its options */
    if (ignore && o.name && netns_network_load(ctx->st.root_dfd, o.name, &n, NULL) == 0) {
        printf("%s\n", n.name);
        netns_network_free(&n);
        return 0;
    }
    if (netns_network_create(ctx->st.root_dfd, &o, &n, &err) < 0)
        return cmd_report(&err);
    printf("%s\n", n.name);
    netns_network_free(&n);
    return 0;
}

const struct cmd_def cmd_network_create_def = {
    "network create",   cmd_network_create, "Create networks for containers and pods",
    "[options] [NAME]", create_opts,
};

static int
cmd_network_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct netns_network n;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_network_exists_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_network_exists_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (netns_network_load(ctx->st.root_dfd, argv[optind], &n, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    netns_network_free(&n);
    return 0;
}

const struct cmd_def cmd_network_exists_def = {
    "network exists", cmd_network_exists, "Check if network exists", "NETWORK", NULL,
};

static char *network_row(const struct netns_network *n, bool no_trunc, bool ls);

static const struct cmd_opt inspect_opts[] = {
    { NET_FORMAT, "format", 'f', "FORMAT", "Pretty-print network to JSON or using a Go template" },
    { 0 },
};

static int
cmd_network_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **docs = NULL;
    const char *fmt = "json";
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_network_inspect_def, argc, argv, &arg)) != -1) {
        if (opt != NET_FORMAT)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        fmt = arg;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_network_inspect_def, "requires at least 1 arg(s), only"
                                                         " received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++) {
        struct netns_network n;
        if (netns_network_load(ctx->st.root_dfd, argv[i], &n, &err) < 0) {
            pcon_prefix(&err, "inspecting object: network %s", argv[i]);
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        /* JSON has podman's document; a template, its Go field names */
        strv_push_take(&docs, strcmp(fmt, "json") == 0 ? netns_network_json(&n)
                                                       : network_row(&n, true, false));
        netns_network_free(&n);
    }
    if (docs == NULL && strcmp(fmt, "json") == 0)
        printf("[]\n");
    if (docs && cmd_format_print(fmt, docs, NULL, &err) < 0)
        code = cmd_report(&err);
    return code;
}

const struct cmd_def cmd_network_inspect_def = {
    "network inspect",
    cmd_network_inspect,
    "Displays the network configuration for one or"
    " more networks",
    "[options] NETWORK [NETWORK...]",
    inspect_opts,
};

static const struct cmd_opt ls_opts[] = {
    { NET_FILTER, "filter", 'f', "KEY=VALUE", "Filter: name, id, driver, label" },
    { NET_FORMAT, "format", 0, "FORMAT", "Pretty-print networks to JSON or using a Go template" },
    { NET_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the network ID" },
    { NET_NOHEADING, "noheading", 0, NULL, "Do not print headers" },
    { 'q', "quiet", 'q', NULL, "Display only network names" },
    { 0 },
};

static const char *const ls_headers[] = { "ID",     "NETWORK ID", "Name", "NAME",
                                          "Driver", "DRIVER",     NULL };

/* the document of templates: podman's field names (ls shows the labels
 * as "K=V,K=V", inspect as a map) */
static char *
network_row(const struct netns_network *n, bool no_trunc, bool ls)
{
    cleanup_free char *labels = ls ? strv_join(n->labels, ",") : NULL;
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *doc = netns_network_json(n);
    cleanup_yajl_val yajl_val v = json_parse(doc, NULL);
    char shortid[13];

    snprintf(shortid, sizeof shortid, "%.12s", n->id);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", n->name));
    JG(json_gen_kv_str(g, "ID", no_trunc ? n->id : shortid));
    JG(json_gen_kv_str(g, "Driver", "bridge"));
    JG(json_gen_kv_str(g, "NetworkInterface", n->iface));
    JG(json_gen_kv_str(g, "Created", n->created));
    JG(json_gen_str(g, "Subnets"));
    if (v == NULL || json_gen_value(g, json_get(v, "subnets")) < 0)
        goto fail;
    JG(json_gen_kv_bool(g, "IPv6Enabled", n->ipv6));
    JG(json_gen_kv_bool(g, "Internal", n->internal));
    JG(json_gen_kv_bool(g, "DNSEnabled", n->dns));
    if (ls)
        JG(json_gen_kv_str(g, "Labels", labels ? labels : ""));
    else {
        JG(json_gen_str(g, "Labels"));
        JG(cmd_json_map(g, n->labels));
    }
    JG(json_gen_str(g, "Options"));
    JG(cmd_json_map(g, n->options));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

/* podman's: values of one key are alternatives, the keys all hold */
static bool
network_match(const struct netns_network *n, char *const *filters)
{
    static const char *const keys[] = { "name", "id", "driver", "label", NULL };

    for (size_t k = 0; keys[k]; k++) {
        size_t kl = strlen(keys[k]);
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *f = filters[i], *val = f + kl + 1;
            if (strncmp(f, keys[k], kl) != 0 || f[kl] != '=')
                continue;
            seen = true;
            if (k == 0)
                any |= strstr(n->name, val) != NULL;
            else if (k == 1)
                any |= strncmp(n->id, val, strlen(val)) == 0;
            else if (k == 2)
                any |= strcmp(val, "bridge") == 0;
            else
                any |= cmd_label_match(n->labels, val);
        }
        if (seen && !any)
            return false;
    }
    return true;
}

static int
cmd_network_ls(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL, **rows = NULL;
    const char *fmt = "table {{.ID}}\\t{{.Name}}\\t{{.Driver}}";
    struct netns_network *v = NULL;
    bool quiet = false, no_trunc = false, json, noheading = false;
    size_t n = 0;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_network_ls_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case NET_NOHEADING:
            noheading = cmd_flag_value(arg);
            break;
        case NET_FILTER:
            if (strncmp(arg, "name=", 5) != 0 && strncmp(arg, "id=", 3) != 0
                && strncmp(arg, "driver=", 7) != 0 && strncmp(arg, "label=", 6) != 0)
                return cmd_usage_error(&cmd_network_ls_def, "invalid filter \"%s\"", arg);
            strv_push(&filters, arg);
            break;
        case NET_FORMAT:
            fmt = arg;
            break;
        case NET_NO_TRUNC:
            no_trunc = cmd_flag_value(arg);
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_network_ls_def, "accepts no arguments");
    if (cmd_store_open(ctx, &err) < 0 || netns_network_list(ctx->st.root_dfd, &v, &n, &err) < 0)
        return cmd_report(&err);
    json = strcmp(fmt, "json") == 0;
    for (size_t i = 0; i < n; i++) {
        if (!network_match(&v[i], filters))
            continue;
        if (quiet)
            printf("%s\n", v[i].name);
        else
            strv_push_take(&rows,
                           json ? netns_network_json(&v[i]) : network_row(&v[i], no_trunc, true));
    }
    netns_network_list_free(v, n);
    if (quiet)
        return 0;
    if (rows == NULL && json) {
        printf("[]\n");
        return 0;
    }
    if (rows == NULL && (strncmp(fmt, "table", 5) != 0 || noheading))
        return 0;
    r = cmd_format_print(noheading ? cmd_format_no_table(fmt) : fmt, rows, ls_headers, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_network_ls_def = {
    "network ls", cmd_network_ls, "List networks", "[options]", ls_opts,
};

/* removes a network (with -f the containers on it first) */
static int
network_remove(struct cmd_ctx *ctx, const char *name_or_id, bool force, struct pcon_err *err)
{
    cleanup_strv char **users = NULL;
    struct container *cv = NULL;
    struct netns_network n;
    size_t cn = 0;
    int r;

    if (netns_network_load(ctx->st.root_dfd, name_or_id, &n, err) < 0)
        return -1;
    if (n.builtin) {
        netns_network_free(&n);
        return pcon_fail(err, 0, "default network %s cannot be removed", name_or_id);
    }
    if (engine_ctr_list(&ctx->st, &cv, &cn, err) < 0) {
        netns_network_free(&n);
        return -1;
    }
    users = network_users(cv, cn, n.name);
    engine_ctr_list_free(cv, cn);
    if (users && !force) {
        pcon_fail_kind(err, PCON_ERR_INUSE, 0,
                       "\"%s\" has associated containers with it. Use -f to forcibly delete"
                       " containers and pods: network is being used",
                       n.name);
        netns_network_free(&n);
        return -1;
    }
    for (size_t i = 0; users && users[i]; i++) {
        struct container c;
        if (engine_ctr_load(&ctx->st, users[i], &c, NULL) < 0)
            continue;
        r = engine_ctr_remove(&ctx->st, &c, true, err);
        engine_ctr_free(&c);
        if (r < 0) {
            netns_network_free(&n);
            return -1;
        }
    }
    r = netns_network_remove(ctx->st.root_dfd, n.name, err);
    netns_network_free(&n);
    return r;
}

static const struct cmd_opt rm_opts[] = {
    { 'f', "force", 'f', NULL, "Remove any containers using the network too" },
    { NET_TIME, "time", 't', "SECONDS", "Seconds to wait for running containers to stop" },
    { 0 },
};

static int
cmd_network_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool force = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_network_rm_def, argc, argv, &arg)) != -1) {
        if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt != NET_TIME)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_network_rm_def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++) {
        if (network_remove(ctx, argv[i], force, &err) < 0) {
            int c = cmd_report(&err);
            code = err.kind == PCON_ERR_NOTFOUND ? 1 : err.kind == PCON_ERR_INUSE ? 2 : c;
            pcon_err_clear(&err);
            continue;
        }
        printf("%s\n", argv[i]);
    }
    return code;
}

const struct cmd_def cmd_network_rm_def = {
    "network rm", cmd_network_rm, "Remove networks", "[options] NETWORK [NETWORK...]", rm_opts,
};

static const struct cmd_opt prune_opts[] = {
    { NET_FILTER, "filter", 0, "KEY=VALUE", "Filter: label=K[=V], label!=K[=V], until=T" },
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { 0 },
};

/* every network no container uses (the default one stays) */
int
cmd_networks_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *cv = NULL;
    struct netns_network *v = NULL;
    size_t cn = 0, n = 0;
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0 || netns_network_list(ctx->st.root_dfd, &v, &n, &err) < 0
        || engine_ctr_list(&ctx->st, &cv, &cn, &err) < 0) {
        netns_network_list_free(v, n);
        return cmd_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_strv char **users = network_users(cv, cn, v[i].name);
        if (v[i].builtin || users || !cmd_prune_filter_match(filters, v[i].labels, v[i].created))
            continue;
        if (netns_network_remove(ctx->st.root_dfd, v[i].name, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        strv_push(removed, v[i].name);
    }
    engine_ctr_list_free(cv, cn);
    netns_network_list_free(v, n);
    return code;
}

static int
cmd_network_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **filters = NULL, **removed = NULL;
    bool force = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_network_prune_def, argc, argv, &arg)) != -1) {
        if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == NET_FILTER)
            strv_push(&filters, arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_prune_filter_check(filters, &err) < 0)
            return cmd_report(&err);
    }
    if (!force
        && !cmd_confirm("WARNING! This will remove all networks not used by at least one"
                        " container."))
        return 0;
    code = cmd_networks_prune(ctx, filters, &removed);
    for (size_t i = 0; removed && removed[i]; i++)
        printf("%s\n", removed[i]);
    return code;
}

const struct cmd_def cmd_network_prune_def = {
    "network prune", cmd_network_prune, "Remove all unused networks", "[options]", prune_opts,
};

static const struct cmd_opt connect_opts[] = {
    { NET_ALIAS, "alias", 0, "NAME", "Add a name the container answers to on the network" },
    { NET_IP, "ip", 0, "IP", "Set a static IPv4 address on the network" },
    { NET_IP6, "ip6", 0, "IP", "Set a static IPv6 address on the network" },
    { NET_MAC, "mac-address", 0, "MAC", "Set a static MAC address on the network" },
    { 0 },
};

static int
cmd_network_connect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct net_attach a = { 0 };
    struct container c;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_network_connect_def, argc, argv, &arg)) != -1) {
        cleanup_free char *o = NULL;
        if (opt == NET_ALIAS || opt == NET_IP || opt == NET_IP6 || opt == NET_MAC) {
            o = xasprintf("%s=%s",
                          opt == NET_ALIAS ? "alias"
                          : opt == NET_IP  ? "ip"
                          : opt == NET_IP6 ? "ip6"
                                           : "mac",
                          arg);
            if (engine_net_attach_parse(o, &a, &err) < 0) {
                engine_net_attach_free(&a);
                return cmd_report(&err);
            }
        } else {
            engine_net_attach_free(&a);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind != 2) {
        engine_net_attach_free(&a);
        return cmd_usage_error(&cmd_network_connect_def,
                               "requires exactly 2 arg(s), only"
                               " received %d",
                               argc - optind);
    }
    if (cmd_store_open(ctx, &err) < 0
        || engine_ctr_load(&ctx->st, argv[optind + 1], &c, &err) < 0) {
        engine_net_attach_free(&a);
        return cmd_report(&err);
    }
    r = engine_ctr_network_connect(&ctx->st, &c, argv[optind], &a, &err);
    engine_ctr_free(&c);
    engine_net_attach_free(&a);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_network_connect_def = {
    "network connect",
    cmd_network_connect,
    "Add a container to a network",
    "[options] NETWORK CONTAINER",
    connect_opts,
};

static const struct cmd_opt disconnect_opts[] = {
    { 'f', "force", 'f', NULL, "Accepted for podman's command line" },
    { 0 },
};

static int
cmd_network_disconnect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_network_disconnect_def, argc, argv, &arg)) != -1)
        if (opt != 'f')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_network_disconnect_def,
                               "requires exactly 2 arg(s), only"
                               " received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (engine_ctr_load(&ctx->st, argv[optind + 1], &c, &err) < 0)
        return cmd_report(&err);
    r = engine_ctr_network_disconnect(&ctx->st, &c, argv[optind], &err);
    engine_ctr_free(&c);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_network_disconnect_def = {
    "network disconnect",          cmd_network_disconnect, "Disconnect a container from a network",
    "[options] NETWORK CONTAINER", disconnect_opts,
};

static const struct cmd_def *const network_subcommands[] = {
    &cmd_network_connect_def, &cmd_network_disconnect_def, &cmd_network_create_def,
    &cmd_network_exists_def,  &cmd_network_inspect_def,    &cmd_network_ls_def,
    &cmd_network_prune_def,   &cmd_network_rm_def,
};

static int
cmd_network(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "list", "ls", "remove", "rm", NULL };

    return cmd_subcommand(ctx, argc, argv, "network", "Manage networks", network_subcommands,
                          sizeof network_subcommands / sizeof network_subcommands[0], aliases);
}

const struct cmd_def cmd_network_def = {
    "network",
    cmd_network,
    "Manage networks",
    "COMMAND",
    NULL,
    false,
    network_subcommands,
    sizeof network_subcommands / sizeof network_subcommands[0],
};
