// SPDX-License-Identifier: Apache-2.0
/* Options shared by create and run. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/timefmt.h"
#include "../registry/registry.h"
#include "../engine/caps.h"
#include "../engine/spec.h"
#include "../pod/pod.h"
#include "../netns/network.h"
#include "../netns/port.h"
#include "ctr_opts.h"

void
cmd_create_args_init(struct create_args *a)
{
    memset(a, 0, sizeof *a);
    a->o.net.mode = NETNS_SLIRP; /* podman's rootless default */
    a->o.stop_timeout = -1;
    a->o.shm_size = -1;
    a->o.pull = PULL_MISSING;
    a->o.systemd = 1; /* podman's default: true */
    a->reg.tls_verify = -1;
}

void
cmd_create_args_free(struct create_args *a)
{
    strv_free(a->env);
    strv_free(a->env_files);
    strv_free(a->volumes);
    strv_free(a->ports);
    strv_free(a->dns);
    strv_free(a->dns_search);
    strv_free(a->dns_options);
    strv_free(a->add_hosts);
    free(a->pod_buf);
    strv_free(a->o.limits.io_max);
    strv_free(a->o.limits.io_weights);
    strv_free(a->o.limits.conf);
    strv_free(a->o.pod_limits.io_max);
    strv_free(a->o.pod_limits.io_weights);
    strv_free(a->o.pod_limits.conf);
    strv_free(a->tmpfs);
    strv_free(a->secrets);
    strv_free(a->labels);
    strv_free(a->aliases);
    strv_free(a->o.net_opts);
    strv_free(a->volumes_from);
    strv_free(a->o.uidmaps);
    strv_free(a->o.gidmaps);
    strv_free(a->o.devices);
    strv_free(a->o.mask);
    strv_free(a->o.unmask);
    strv_free(a->o.ulimits);
    strv_free(a->o.sysctls);
    strv_free(a->o.group_add);
    strv_free(a->o.hostusers);
    strv_free(a->o.chrootdirs);
    strv_free(a->o.annotations);
    strv_free(a->o.env_merge);
    strv_free(a->o.expose);
    strv_free(a->o.unsetenv);
    strv_free(a->o.requires);
    for (int i = 0; i < 2; i++) {
        strv_free(a->caps_in[i]);
        strv_free(a->caps[i]);
    }
}

/* podman reads these options as string slices (a CSV record): commas
 * separate values, an empty argument gives none, and only the first line
 * that is not empty counts (nothing past a newline reaches a file) */
static char **
slice_split(const char *all)
{
    cleanup_free char *line = NULL;
    const char *arg;
    char **v = NULL;

    all += strspn(all, "\r\n");
    line = xstrndup(all, strcspn(all, "\n"));
    if (line[0] && line[strlen(line) - 1] == '\r')
        line[strlen(line) - 1] = '\0'; /* a CRLF line */
    arg = line;
    while (*arg) {
        size_t len = strcspn(arg, ",");
        strv_push_take(&v, xstrndup(arg, len));
        if (arg[len] == '\0')
            break;
        arg += len + 1;
        if (*arg == '\0')
            strv_push(&v, ""); /* "a," is "a" and "" */
    }
    return v;
}

/* an IPv4 or IPv6 address, written as Go prints it (IPv4 in IPv6 as IPv4) */
static bool
ip_normalize(const char *s, char out[INET6_ADDRSTRLEN])
{
    struct in6_addr a6;
    struct in_addr a4;

    if (inet_pton(AF_INET, s, &a4) == 1)
        return inet_ntop(AF_INET, &a4, out, INET6_ADDRSTRLEN) != NULL;
    if (inet_pton(AF_INET6, s, &a6) != 1)
        return false;
    if (IN6_IS_ADDR_V4MAPPED(&a6))
        return inet_ntop(AF_INET, &a6.s6_addr[12], out, INET6_ADDRSTRLEN) != NULL;
    return inet_ntop(AF_INET6, &a6, out, INET6_ADDRSTRLEN) != NULL;
}

/* a label: letters, digits and inner hyphens; its length, 0 when none */
static size_t
domain_label(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    return n > 0 && s[0] != '-' && s[n - 1] != '-' ? n : 0;
}

/* podman's domain check, its regular expression
 * ^(:?LABEL(:?\.LABEL)*)\.?\s*$ with a letter somewhere, the name before
 * the final dot under 255 characters */
static bool
domain_valid(const char *s)
{
    const char *p = s, *name_end;
    size_t n;

    if (strpbrk(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL)
        return false;
    p += *p == ':';
    if ((n = domain_label(p)) == 0)
        return false;
    p += n;
    for (;;) {
        const char *q = p + (*p == ':');
        if (*q != '.' || (n = domain_label(q + 1)) == 0)
            break;
        p = q + 1 + n;
    }
    name_end = p;
    p += *p == '.';
    p += strspn(p, " \t\n\f\r");
    return *p == '\0' && name_end - s < 255;
}

static int
dns_add(struct create_args *a, const char *arg, struct pcon_err *err)
{
    cleanup_strv char **v = slice_split(arg);
    char ip[INET6_ADDRSTRLEN];

    for (size_t i = 0; v && v[i]; i++) {
        if (strcmp(v[i], "none") == 0) {
            a->dns_none = true;
            continue;
        }
        if (!ip_normalize(v[i], ip))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not an ip address", v[i]);
        strv_push(&a->dns, ip);
    }
    return 0;
}

static int
dns_search_add(struct create_args *a, const char *arg, struct pcon_err *err)
{
    cleanup_strv char **v = slice_split(arg);

    for (size_t i = 0; v && v[i]; i++) {
        if (strcmp(v[i], ".") != 0 && !domain_valid(v[i]))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not a valid domain", v[i]);
        strv_push(&a->dns_search, v[i]);
    }
    return 0;
}

/* HOST:IP, split at the first colon (the IP may be IPv6); kept as given */
static int
add_host_add(struct create_args *a, const char *arg, struct pcon_err *err)
{
    cleanup_strv char **v = slice_split(arg);
    char ip[INET6_ADDRSTRLEN];

    a->add_host_set = true;
    for (size_t i = 0; v && v[i]; i++) {
        const char *colon = strchr(v[i], ':');
        cleanup_free char *addr = NULL;
        size_t len;

        if (colon == NULL || colon == v[i])
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "bad format for add-host: \"%s\"", v[i]);
        /* podman trims the address for the check, and writes it as given */
        for (colon++; isspace((unsigned char) *colon); colon++)
            ;
        for (len = strlen(colon); len > 0 && isspace((unsigned char) colon[len - 1]); len--)
            ;
        addr = xstrndup(colon, len);
        if (!ip_normalize(addr, ip))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid IP address in add-host: \"%s\"",
                                  strchr(v[i], ':') + 1);
        strv_push(&a->add_hosts, v[i]);
    }
    return 0;
}

/* the combinations podman refuses, in its order */
static int
net_opts_check(const struct create_args *a, struct pcon_err *err)
{
    bool dns = a->dns || a->dns_none || a->dns_search || a->dns_options;

    if (a->o.no_hosts && a->add_host_set)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--no-hosts and --add-host cannot be set together");
    if (a->dns_none && a->dns)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "none is not allowed to be specified with other DNS ip addresses");
    if (strv_len(a->dns_search) > 1 && strv_contains(a->dns_search, "."))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "cannot pass additional search domains when also specifying '.'");
    if (dns && (a->o.net.mode == NETNS_PRIVATE || a->o.net.mode == NETNS_JOIN_CTR))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "conflicting options: dns and the network mode: %s",
                              a->o.net.mode == NETNS_PRIVATE ? "none" : "container");
    if (a->dns_none && (a->dns_search || a->dns_options))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid config provided: UseImageResolvConf and %s are mutually"
                              " exclusive options",
                              a->dns_search ? "DNSSearch" : "DNSOption");
    return 0;
}

/* What podman checks once the network is known: -p only on a network of
 * the container's own (discarded, with a word, on none, host and
 * container:X; silently on ns:PATH), --add-host not on another's. */
static int
ports_check(struct create_args *a, struct pcon_err *err)
{
    enum netns_mode mode = a->o.net.mode;

    if (a->ports && !netns_mode_own(mode)) {
        if (mode != NETNS_JOIN_PATH)
            fprintf(stderr, "Port mappings have been discarded as one of the Host, Container, Pod,"
                            " and None network modes are in use\n");
        strv_free(a->ports);
        a->ports = NULL;
    }
    if (mode == NETNS_JOIN_CTR && a->add_hosts)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid config provided: cannot set extra host entries when the"
                              " container is joined to another containers network namespace:"
                              " invalid configuration");
    return 0;
}

static int
parse_size(const char *s, long long *out)
{
    char *end;
    double v = strtod(s, &end);
    long long mult = 1;

    if (end == s || v < 0)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024LL * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0')
        return -1;
    *out = (long long) (v * (double) mult);
    return 0;
}

static int
parse_seconds(const char *s, int *out, const char *what, struct pcon_err *err)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < 0 || v > 100000000)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid %s \"%s\"", what, s);
    *out = (int) v;
    return 0;
}

int
cmd_create_opt(struct create_args *a, int id, const char *arg, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    switch (id) {
    case CO_ADD_HOST:
        return add_host_add(a, arg, err) < 0 ? -1 : 1;
    case CO_CIDFILE:
        o->cidfile = arg;
        return 1;
    case CO_DNS:
        return dns_add(a, arg, err) < 0 ? -1 : 1;
    case CO_DNS_OPTION: {
        cleanup_strv char **v = slice_split(arg);
        for (size_t i = 0; v && v[i]; i++)
            strv_push(&a->dns_options, v[i]);
        return 1;
    }
    case CO_DNS_SEARCH:
        return dns_search_add(a, arg, err) < 0 ? -1 : 1;
    case CO_ENTRYPOINT:
        o->entrypoint = arg;
        o->entrypoint_set = true;
        return 1;
    case 'e':
        strv_push(&a->env, arg);
        return 1;
    case CO_ENV_FILE:
        strv_push(&a->env_files, arg);
        return 1;
    case 'h':
        if (*arg == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid empty hostname");
        /* it goes into /etc/hosts and /etc/hostname: no line of its own */
        for (const char *c = arg; *c; c++)
            if ((unsigned char) *c < 0x20 || *c == 0x7f)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid hostname: it holds a control character");
        o->hostname = arg;
        return 1;
    case 'i':
        o->interactive = cmd_flag_value(arg);
        return 1;
    case CO_LOG_DRIVER:
        return engine_log_driver_parse(arg, &o->log_driver, err) < 0 ? -1 : 1;
    case CO_LOG_OPT:
        if (strncmp(arg, "max-size=", 9) == 0 && parse_size(arg + 9, &o->log_max_size) == 0)
            return 1;
        if (strncmp(arg, "path=", 5) == 0 || strncmp(arg, "tag=", 4) == 0)
            return 1; /* accepted for compatibility; the log stays in the store */
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid log option \"%s\"", arg);
    case CO_NAME:
        o->name = arg;
        return 1;
    case CO_NETWORK: {
        /* a network's options (podman's NAME:alias=,ip=,mac=,interface_name=)
         * go with the name; the modes' own are the modes' */
        const char *colon = strchr(arg, ':');
        cleanup_free char *name = colon ? xstrndup(arg, (size_t) (colon - arg)) : NULL;
        bool opts = name && strcmp(name, "ns") != 0 && strcmp(name, "container") != 0
                    && strcmp(name, "slirp4netns") != 0 && netns_network_name_valid(name);
        if (opts) {
            struct net_attach at = { 0 };
            int r = engine_net_attach_parse(colon + 1, &at, err);
            engine_net_attach_free(&at);
            if (r < 0)
                return -1;
            strv_push_take(&o->net_opts,
                           xasprintf("%s:%s",
                                     strcmp(name, "bridge") == 0 ? NETNS_DEFAULT_NETWORK : name,
                                     colon + 1));
        }
        if (netns_spec_add(opts ? name : arg, &o->net, !a->net_set, err) < 0)
            return -1;
        a->net_set = true;
        return 1;
    }
    case CO_MAC_ADDRESS: {
        unsigned char mac[6];
        if (!engine_mac_parse(arg, mac))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid MAC address %s", arg);
        o->static_mac = arg;
        return 1;
    }
    case CO_NETWORK_ALIAS:
        if (!netns_network_name_valid(arg))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid network alias \"%s\": names must match"
                                  " [a-zA-Z0-9][a-zA-Z0-9_.-]*",
                                  arg);
        strv_push(&a->aliases, arg);
        return 1;
    case CO_IP: {
        struct in_addr ip;
        if (inet_pton(AF_INET, arg, &ip) != 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not an IPv4 address", arg);
        o->static_ip = arg;
        return 1;
    }
    case CO_IP6: {
        struct in6_addr ip6;
        if (inet_pton(AF_INET6, arg, &ip6) != 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is not an IPv6 address", arg);
        o->static_ip6 = arg;
        return 1;
    }
    case 'l':
        strv_push_take(&a->labels, xasprintf("%s%s", arg, strchr(arg, '=') ? "" : "="));
        return 1;
    case CO_LABEL_FILE:
        return cmd_label_file_read(arg, &a->labels, err) < 0 ? -1 : 1;
    case CO_POD:
        a->pod = arg;
        return 1;
    case CO_USERNS:
        a->o.userns = arg;
        return 1;
    case CO_PRIVILEGED:
        a->o.privileged = true;
        return 1;
    case CO_ENV_HOST:
        a->o.env_host = true;
        return 1;
    case CO_ANNOTATION:
        if (strchr(arg, '=') == NULL || arg[0] == '=')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "annotations must be formatted KEY=VALUE: %s", arg);
        strv_push(&a->o.annotations, arg);
        return 1;
    case CO_ENV_MERGE:
        if (strchr(arg, '=') == NULL || arg[0] == '=')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "missing = in %s", arg);
        strv_push(&a->o.env_merge, arg);
        return 1;
    case CO_EXPOSE: {
        cleanup_free struct netns_port *v = NULL;
        size_t nv = 0;
        if (netns_port_parse(arg, &v, &nv, err) < 0 || v[0].host_port || v[0].host_ip[0])
            return err->msg ? -1
                            : pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid port format %s", arg);
        strv_push(&a->o.expose, arg);
        return 1;
    }
    case CO_HTTP_PROXY:
        a->o.no_http_proxy = !cmd_flag_value(arg);
        return 1;
    case CO_PIDFILE:
        a->o.pidfile = arg;
        return 1;
    case CO_QUIET:
        return 1; /* pcon's pulls print nothing */
    case CO_REQUIRES:
        strv_push_split(&a->o.requires, arg, ",");
        return 1;
    case CO_ATTACH: {
        cleanup_free char *buf = xstrdup(arg);
        char *save = NULL;
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            unsigned bit = strcasecmp(w, "stdin") == 0    ? ATTACH_STDIN
                           : strcasecmp(w, "stdout") == 0 ? ATTACH_STDOUT
                           : strcasecmp(w, "stderr") == 0 ? ATTACH_STDERR
                                                          : 0;
            if (bit == 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "invalid stream \"%s\" for --attach - must be one of stdin, "
                                      "stdout, or stderr: invalid argument",
                                      w);
            a->o.attach |= bit;
        }
        return 1;
    }
    case CO_PERSONALITY:
        a->o.personality = arg;
        return 1;
    case CO_UMASK:
        a->o.umask = arg;
        return 1;
    case CO_UNSETENV:
        strv_push(&a->o.unsetenv, arg);
        return 1;
    case CO_UNSETENV_ALL:
        a->o.unsetenv_all = cmd_flag_value(arg);
        return 1;
    case CO_DEVICE:
        strv_push(&a->o.devices, arg);
        return 1;
    case CO_ULIMIT:
        strv_push(&a->o.ulimits, arg);
        return 1;
    case CO_SYSCTL:
        strv_push(&a->o.sysctls, arg);
        return 1;
    case CO_GROUP_ADD:
        strv_push(&a->o.group_add, arg);
        return 1;
    case CO_HOSTUSER:
        strv_push(&a->o.hostusers, arg);
        return 1;
    case CO_IMAGE_VOLUME:
        if (strcmp(arg, "bind") != 0 && strcmp(arg, "tmpfs") != 0 && strcmp(arg, "ignore") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid image-volume type \"%s\". Pick one of bind, tmpfs, or "
                                  "ignore",
                                  arg);
        o->image_volume = arg;
        return 1;
    case CO_DISABLE_CONTENT_TRUST:
        return 1;
    case CO_CHROOTDIRS:
        strv_push_split(&a->o.chrootdirs, arg, ",");
        return 1;
    case CO_PASSWD:
        a->o.passwd_off = !cmd_flag_value(arg);
        return 1;
    case CO_PASSWD_ENTRY:
        if (strchr(arg, '\n') != NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--passwd-entry: one line");
        a->o.passwd_entry = arg;
        return 1;
    case CO_TZ:
        a->o.tz = arg;
        return 1;
    case CO_INIT_PATH:
        a->o.init_path = arg;
        return 1;
    case CO_CGROUPNS:
        a->o.cgroupns = arg;
        return 1;
    case CO_OOM_SCORE_ADJ:
        a->o.oom_score_adj = arg;
        return 1;
    case CO_UIDMAP:
    case CO_GIDMAP:
        strv_push(id == CO_UIDMAP ? &a->o.uidmaps : &a->o.gidmaps, arg);
        return 1;
    case CO_INIT_CTR:
        a->o.init_ctr = arg;
        return 1;
    case CO_ROOTFS:
        a->rootfs = cmd_flag_value(arg);
        return 1;
    case CO_SUBUIDNAME:
    case CO_SUBGIDNAME:
        if (*arg == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--%s: a name",
                                  id == CO_SUBUIDNAME ? "subuidname" : "subgidname");
        *(id == CO_SUBUIDNAME ? &a->o.subuidname : &a->o.subgidname) = arg;
        return 1;
    case CO_PID:
    case CO_IPC:
    case CO_UTS: {
        bool ok = strcmp(arg, "private") == 0 || strcmp(arg, "host") == 0
                  || (strncmp(arg, "container:", 10) == 0 && arg[10] != '\0')
                  || (id == CO_IPC && (strcmp(arg, "none") == 0 || strcmp(arg, "shareable") == 0));
        if (!ok)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unrecognized namespace mode %s passed",
                                  arg);
        *(id == CO_PID ? &o->pid_ns : id == CO_IPC ? &o->ipc_ns : &o->uts_ns) = arg;
        return 1;
    }
    case CO_SHM_SIZE:
        if (parse_size(arg, &o->shm_size) < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "unable to translate --shm-size: invalid size: '%s'", arg);
        return 1;
    case CO_INIT:
        o->init = cmd_flag_value(arg);
        return 1;
    case CO_READ_ONLY:
        o->read_only = cmd_flag_value(arg);
        return 1;
    case CO_READ_ONLY_TMPFS:
        if (strcmp(arg, "true") != 0 && strcmp(arg, "false") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid argument \"%s\" for \"--read-only-tmpfs\" flag", arg);
        o->read_only_no_tmpfs = strcmp(arg, "false") == 0;
        return 1;
    case CO_HEALTH_CMD:
        o->health_cmd = arg;
        return 1;
    case CO_HEALTH_INTERVAL:
    case CO_HEALTH_START_PERIOD:
    case CO_HEALTH_TIMEOUT: {
        bool interval = id == CO_HEALTH_INTERVAL;
        if (!(interval && strcmp(arg, "disable") == 0) && time_parse_duration(arg) < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid duration \"%s\"", arg);
        /* (podman's words; what it refuses is a timeout of none at all) */
        if (id == CO_HEALTH_TIMEOUT && time_parse_duration(arg) < 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "healthcheck-timeout must be at least 1 second");
        *(interval                  ? &o->health_interval
          : id == CO_HEALTH_TIMEOUT ? &o->health_timeout
                                    : &o->health_start_period) = arg;
        return 1;
    }
    case CO_HEALTH_RETRIES: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || n < 1 || n > 1000000)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "healthcheck-retries must be greater than 0");
        o->health_retries = (int) n;
        return 1;
    }
    case CO_HEALTH_ON_FAILURE:
        if (strcmp(arg, "none") != 0 && strcmp(arg, "kill") != 0 && strcmp(arg, "restart") != 0
            && strcmp(arg, "stop") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid on-failure action \"%s\" for health check: supported "
                                  "actions are none,kill,restart,stop",
                                  arg);
        o->health_on_failure = arg;
        return 1;
    case CO_NO_HEALTHCHECK:
        o->no_healthcheck = cmd_flag_value(arg);
        return 1;
    case CO_SECRET: {
        struct secret_spec sp;
        if (engine_spec_secret_parse(arg, &sp, NULL, err) < 0)
            return -1;
        engine_spec_secret_free(&sp);
        strv_push(&a->secrets, arg);
        return 1;
    }
    case CO_TMPFS: {
        struct tmpfs_mount t;
        if (engine_spec_tmpfs_parse(arg, &t, err) < 0)
            return -1;
        engine_spec_tmpfs_free(&t);
        strv_push(&a->tmpfs, arg);
        return 1;
    }
    case CO_SECURITY_OPT:
        /* podman's forms: KEY=VALUE, KEY:VALUE for seccomp too */
        if (strncmp(arg, "seccomp=", 8) == 0 || strncmp(arg, "seccomp:", 8) == 0) {
            if (arg[8] == '\0')
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --security-opt 1: \"%s\"",
                                      arg);
            o->seccomp_profile = arg + 8;
        } else if (strcmp(arg, "no-new-privileges") == 0
                   || strcmp(arg, "no-new-privileges=true") == 0
                   || strcmp(arg, "no-new-privileges:true") == 0) {
            o->no_new_privs = true;
        } else if (strcmp(arg, "no-new-privileges=false") == 0
                   || strcmp(arg, "no-new-privileges:false") == 0) {
            o->no_new_privs = false;
        } else if (strncmp(arg, "mask=", 5) == 0 || strncmp(arg, "unmask=", 7) == 0) {
            /* podman's: paths separated by ':', unmask=ALL */
            bool un = arg[0] == 'u';
            cleanup_free char *paths = xstrdup(arg + (un ? 7 : 5));
            char *save = NULL;
            for (char *p = strtok_r(paths, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                if (p[0] != '/' && !(un && strcmp(p, "ALL") == 0))
                    return pcon_fail_kind(
                        err, PCON_ERR_USAGE, 0,
                        "invalid --security-opt %s: \"%s\" is not an absolute path",
                        un ? "unmask" : "mask", p);
                strv_push(un ? &o->unmask : &o->mask, p);
            }
        } else if (strncmp(arg, "proc-opts=", 10) == 0) {
            o->proc_opts = arg + 10;
        } else if (strncmp(arg, "label=", 6) == 0 || strncmp(arg, "label:", 6) == 0) {
            /* SELinux labels: no SELinux here, accepted as podman does */
        } else {
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --security-opt 1: \"%s\"", arg);
        }
        return 1;
    case CO_CAP_ADD:
    case CO_CAP_DROP:
        strv_push_split(&a->caps_in[id == CO_CAP_DROP], arg, ",");
        return 1;
    case CO_POD_ID_FILE:
        free(a->pod_buf);
        a->pod_buf = cmd_read_cidfile(arg, err);
        if (a->pod_buf == NULL)
            return pcon_prefix(err, "reading pod ID file %s", arg);
        a->pod = a->pod_buf;
        return 1;
    case CO_NO_HOSTS:
        o->no_hosts = cmd_flag_value(arg);
        return 1;
    case 'p':
        strv_push(&a->ports, arg);
        return 1;
    case 'P':
        o->publish_all = cmd_flag_value(arg);
        return 1;
    case CO_REPLACE:
        o->replace = cmd_flag_value(arg);
        return 1;
    case CO_PULL: {
        static const char *const names[] = { "missing", "always", "never", "newer" };
        for (size_t i = 0; i < 4; i++)
            if (strcmp(arg, names[i]) == 0) {
                o->pull = (enum pull_policy) i;
                return 1;
            }
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid pull policy \"%s\" (missing, always, never, newer)", arg);
    }
    case CO_RESTART:
        return engine_restart_parse(arg, &o->restart, &o->restart_max, err) < 0 ? -1 : 1;
    case CO_RM:
        o->rm = cmd_flag_value(arg);
        return 1;
    case CO_RMI:
        o->rmi = cmd_flag_value(arg);
        return 1;
    case CO_STOP_SIGNAL:
        return engine_signal_parse(arg, &o->stop_signal, err) < 0 ? -1 : 1;
    case CO_STOP_TIMEOUT:
        return parse_seconds(arg, &o->stop_timeout, "stop timeout", err) < 0 ? -1 : 1;
    case 't':
        o->tty = cmd_flag_value(arg);
        return 1;
    case CO_TIMEOUT:
        return parse_seconds(arg, &o->timeout, "timeout", err) < 0 ? -1 : 1;
    case 'u':
        o->user = arg;
        return 1;
    case 'v':
        strv_push(&a->volumes, arg);
        return 1;
    case CO_MOUNT: {
        char *vol, *tmp;
        struct tmpfs_mount t;
        if (engine_spec_mount_parse(arg, &vol, &tmp, err) < 0)
            return -1;
        if (vol)
            strv_push_take(&a->volumes, vol);
        if (tmp && engine_spec_tmpfs_parse(tmp, &t, err) < 0) {
            free(tmp);
            return -1;
        }
        if (tmp) {
            engine_spec_tmpfs_free(&t);
            strv_push_take(&a->tmpfs, tmp);
        }
        return 1;
    }
    case CO_SDNOTIFY:
        if (strcmp(arg, "conmon") == 0)
            o->sdnotify = SDNOTIFY_CONMON;
        else if (strcmp(arg, "ignore") == 0)
            o->sdnotify = SDNOTIFY_IGNORE;
        else if (strcmp(arg, "container") == 0)
            o->sdnotify = SDNOTIFY_CONTAINER;
        else if (strcmp(arg, "healthy") == 0)
            o->sdnotify = SDNOTIFY_HEALTHY;
        else
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid value \"%s\" for --sdnotify (conmon, container,"
                                  " healthy or ignore)",
                                  arg);
        return 1;
    case CO_CONMON_PIDFILE:
        o->conmon_pidfile = arg;
        return 1;
    case CO_CGROUPS:
        if (strcmp(arg, "enabled") != 0 && strcmp(arg, "disabled") != 0
            && strcmp(arg, "no-conmon") != 0 && strcmp(arg, "split") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid cgroups mode \"%s\" (enabled, disabled, no-conmon,"
                                  " split)",
                                  arg);
        /* the monitor is never in the container's cgroup: no-conmon and split are enabled's */
        o->cgroups_disabled = strcmp(arg, "disabled") == 0;
        return 1;
    case 'm':
    case CO_MEMORY_SWAP:
    case CO_MEMORY_RESERVATION: {
        long long *dst = id == 'm'              ? &o->limits.memory
                         : id == CO_MEMORY_SWAP ? &o->limits.memory_swap
                                                : &o->limits.memory_reservation;
        if (id == CO_MEMORY_SWAP && strcmp(arg, "-1") == 0) {
            *dst = -1;
            return 1;
        }
        if (parse_size(arg, dst) < 0 || *dst < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid size: '%s'", arg);
        return 1;
    }
    case CO_CPUS: {
        char *end;
        double n = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(n > 0) || n > 100000)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid argument \"%s\" for --cpus",
                                  arg);
        o->limits.cpu_period = 100000;
        o->limits.cpu_quota = (long long) (n * 100000 + 0.5);
        return 1;
    }
    case 'c':
    case CO_CPU_QUOTA:
    case CO_CPU_PERIOD:
    case CO_PIDS_LIMIT:
    case CO_BLKIO_WEIGHT: {
        long long *dst = id == 'c'             ? &o->limits.cpu_shares
                         : id == CO_CPU_QUOTA  ? &o->limits.cpu_quota
                         : id == CO_CPU_PERIOD ? &o->limits.cpu_period
                         : id == CO_PIDS_LIMIT ? &o->limits.pids_limit
                                               : &o->limits.blkio_weight;
        char *end;
        errno = 0;
        *dst = strtoll(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || errno != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid number \"%s\"", arg);
        return 1;
    }
    case CO_DEVICE_READ_BPS:
    case CO_DEVICE_WRITE_BPS:
    case CO_DEVICE_READ_IOPS:
    case CO_DEVICE_WRITE_IOPS:
    case CO_BLKIO_WEIGHT_DEVICE: {
        const char *colon = strrchr(arg, ':');
        bool bps = id == CO_DEVICE_READ_BPS || id == CO_DEVICE_WRITE_BPS;
        cleanup_free char *path = colon ? xstrndup(arg, (size_t) (colon - arg)) : NULL;
        long long v = 0;
        char *end;
        if (colon == NULL || colon == arg || colon[1] == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid device option \"%s\"", arg);
        errno = 0;
        if (bps ? parse_size(colon + 1, &v) < 0
                : ((v = strtoll(colon + 1, &end, 10)), *end != '\0' || errno != 0))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid value \"%s\" in \"%s\"",
                                  colon + 1, arg);
        return engine_cgroup_device_limit(&o->limits,
                                          id == CO_DEVICE_READ_BPS     ? "rbps"
                                          : id == CO_DEVICE_WRITE_BPS  ? "wbps"
                                          : id == CO_DEVICE_READ_IOPS  ? "riops"
                                          : id == CO_DEVICE_WRITE_IOPS ? "wiops"
                                                                       : "weight",
                                          path, v, err)
                       < 0
                   ? -1
                   : 1;
    }
    case CO_CGROUP_CONF:
        return engine_cgroup_conf_add(&o->limits, arg, err) < 0 ? -1 : 1;
    case CO_SECCOMP_POLICY:
        if (strcmp(arg, "default") != 0 && strcmp(arg, "image") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid seccomp policy \"%s\": valid policies are "
                                  "[\"default\" \"image\"]",
                                  arg);
        o->seccomp_policy_image = strcmp(arg, "image") == 0;
        return 1;
    case CO_SYSTEMD:
        if (strcmp(arg, "true") == 0)
            o->systemd = 1;
        else if (strcmp(arg, "false") == 0)
            o->systemd = 0;
        else if (strcmp(arg, "always") == 0)
            o->systemd = 2;
        else
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "--systemd: invalid value \"%s\": true, false or always", arg);
        return 1;
    case CO_CGROUP_PARENT:
        o->cgroup_parent = arg;
        return 1;
    case CO_MEMORY_SWAPPINESS: {
        char *end;
        long v = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || v < -1 || v > 100)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid value: %s, valid memory swappiness range is 0-100", arg);
        o->limits.memory_swappiness = v;
        o->limits.swappiness_set = v >= 0;
        return 1;
    }
    case CO_OOM_KILL_DISABLE:
        o->limits.oom_kill_disable = cmd_flag_value(arg);
        return 1;
    case CO_CPU_RT_PERIOD:
    case CO_CPU_RT_RUNTIME: {
        char *end;
        long long v = strtoll(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || v < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid number \"%s\"", arg);
        *(id == CO_CPU_RT_PERIOD ? &o->limits.cpu_rt_period : &o->limits.cpu_rt_runtime) = v;
        return 1;
    }
    case CO_DEVICE_CGROUP_RULE:
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "device cgroup rules are not supported in rootless mode: a "
                              "rootless container gets the devices it is given (--device) and "
                              "no device cgroup");
    case CO_CPUSET_CPUS:
        o->limits.cpuset_cpus = (char *) arg;
        return 1;
    case CO_CPUSET_MEMS:
        o->limits.cpuset_mems = (char *) arg;
        return 1;
    case CO_VOLUMES_FROM:
        strv_push(&a->volumes_from, arg);
        return 1;
    case 'w':
        o->workdir = arg;
        return 1;
    default: {
        int r = cmd_platform_opt(&a->reg, id, arg, err);
        if (r != 0)
            return r;
        return cmd_reg_opt(&a->reg, id, arg) ? 1 : 0;
    }
    }
}

int
cmd_create_net_finish(struct create_args *a, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    if (net_opts_check(a, err) < 0 || ports_check(a, err) < 0)
        return -1;
    o->ports = a->ports;
    o->dns = a->dns;
    o->dns_search = a->dns_search;
    o->dns_options = a->dns_options;
    o->add_hosts = a->add_hosts;
    o->no_resolv_conf = a->dns_none;
    return 0;
}

int
cmd_create_run_template(struct create_args *a, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    if (cmd_create_net_finish(a, err) < 0)
        return -1;
    for (int i = 0; i < 2; i++)
        if (a->caps_in[i] && engine_caps_normalize(a->caps_in[i], &a->caps[i], err) < 0)
            return -1;
    o->cap_add = a->caps[0];
    o->cap_drop = a->caps[1];
    o->volumes = a->volumes;
    o->reg = &a->reg;
    return 0;
}

static int container_create(struct cmd_ctx *ctx, struct create_args *a, char **operands,
                            struct container *out, struct pcon_err *err);

/* --pod: a member of that pod (new:NAME, made now, with the network
 * options); *made: the pod made here, to remove when the member fails */
static int
pod_join(struct cmd_ctx *ctx, struct create_args *a, struct pod *made, bool *is_new,
         struct pcon_err *err)
{
    int r;

    *is_new = strncmp(a->pod, "new:", 4) == 0;
    if (*is_new) {
        struct pod_create_opts po = { .name = a->pod + 4, .share = POD_SHARE_DEFAULT };
        if (cmd_create_net_finish(a, err) < 0)
            return -1;
        po.infra = a->o;
        po.infra.publish_all = false;
        if (pod_create(&ctx->st, &po, made, err) < 0)
            return -1;
        /* the network options were the pod's, stored with its infra */
        strv_free(a->ports);
        strv_free(a->dns);
        strv_free(a->dns_search);
        strv_free(a->dns_options);
        strv_free(a->add_hosts);
        a->ports = a->dns = a->dns_search = a->dns_options = a->add_hosts = NULL;
        a->dns_none = a->add_host_set = a->net_set = false;
        memset(&a->o.net, 0, sizeof a->o.net);
        a->o.hostname = NULL;
        a->o.ports = a->o.dns = a->o.dns_search = a->o.dns_options = a->o.add_hosts = NULL;
        a->o.no_resolv_conf = false;
        return pod_member_opts(made, &a->o, false, err);
    }
    if (pod_load(&ctx->st, a->pod, made, err) < 0)
        return -1;
    a->o.ports = a->ports;
    a->o.add_hosts = a->add_hosts;
    r = pod_member_opts(made, &a->o, a->net_set, err);
    /* the pod's network and DNS are the member's (podman takes the
     * member's own values and drops them) */
    strv_free(a->dns);
    strv_free(a->dns_search);
    strv_free(a->dns_options);
    a->dns = a->dns_search = a->dns_options = NULL;
    a->dns_none = false;
    return r;
}

int
cmd_create_container(struct cmd_ctx *ctx, struct create_args *a, char **operands,
                     struct container *out, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;
    struct pod pod = { 0 };
    bool is_new = false;
    int r;

    if (o->rm && o->restart != RESTART_NO)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "the --rm option conflicts with --restart, when the restartPolicy"
                              " is not \"\" and \"no\"");
    if (a->pod == NULL)
        return container_create(ctx, a, operands, out, err);
    /* before the store is opened: a taken id file makes nothing */
    if (engine_ctr_cidfile_check(o->cidfile, err) < 0 || cmd_store_open(ctx, err) < 0)
        return -1;
    r = pod_join(ctx, a, &pod, &is_new, err);
    if (r == 0) {
        /* shared: the pod is not removed while its member is made */
        cleanup_close int lock = pod_lock(&ctx->st, &pod, false, err);
        r = lock < 0 ? -1 : container_create(ctx, a, operands, out, err);
    }
    if (r < 0 && is_new && pod.cfg.name) {
        cleanup_err struct pcon_err e2 = { 0 };
        (void) pod_remove(&ctx->st, &pod, true, 0, &e2); /* nothing of new:NAME stays */
    }
    pod_free(&pod);
    return r;
}

static int
container_create(struct cmd_ctx *ctx, struct create_args *a, char **operands, struct container *out,
                 struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    /* the network's files, capabilities, volumes and registry as build's
     * RUN takes them, then the rest */
    if (cmd_create_run_template(a, err) < 0)
        return -1;
    o->tmpfs = a->tmpfs;
    o->secrets = a->secrets;
    o->image = a->rootfs ? NULL : operands[0];
    o->rootfs = a->rootfs ? operands[0] : NULL;
    o->cmd = operands + 1;
    o->env = a->env;
    o->env_files = a->env_files;
    o->labels = a->labels;
    o->volumes_from = a->volumes_from;
    o->net_aliases = a->aliases;
    /* before the store is opened: a taken id file makes nothing */
    if (engine_ctr_cidfile_check(o->cidfile, err) < 0 || cmd_store_open(ctx, err) < 0)
        return -1;
    return engine_ctr_create(&ctx->st, o, out, err);
}
