// SPDX-License-Identifier: Apache-2.0
/* ps rows and inspect documents. */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/etc_files.h"
#include "../engine/health.h"
#include "../engine/spec.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "cmd.h"
#include "../engine/caps.h"
#include "../storage/image.h"
#include "../storage/volume.h"
#include "../netns/network.h"
#include "ctr_report.h"
#include "format.h"

static char *
command_line(const struct container *c, bool no_trunc)
{
    char *s = xstrdup("");

    if (c->cfg.infra)
        return s; /* podman shows no command for a pod's infra */
    for (size_t i = 0; c->cfg.args[i]; i++) {
        char *t = xasprintf("%s%s%s", s, i ? " " : "", c->cfg.args[i]);
        free(s);
        s = t;
    }
    if (!no_trunc && strlen(s) > 17) {
        char *t = xasprintf("%.17s...", s);
        free(s);
        s = t;
    }
    return s;
}

static long long
unix_seconds(const char *rfc)
{
    int64_t t = rfc ? time_parse_rfc3339(rfc) : -1;

    return t < 0 ? 0 : t / 1000000000LL;
}

/* the bytes of the container's writable layer (*rw) and of all its root
 * (*root: the image's layers too), as podman's --size counts them */
static void
ctr_sizes(struct store *st, const struct container *c, long long *rw, long long *root)
{
    cleanup_free char *p = engine_ctr_upper_path(st, c->cfg.id);
    int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct image img;

    *rw = fd >= 0 ? fs_tree_size(fd) : 0;
    if (fd >= 0)
        close(fd);
    *root = *rw;
    if (engine_ctr_imageless(&c->cfg) || storage_image_lookup(st, c->cfg.image_id, &img, NULL) < 0)
        return;
    /* the files' sizes, as the writable layer's are counted */
    for (size_t i = 0; img.layers && img.layers[i]; i++) {
        cleanup_free char *diff = xasprintf("layers/%s/diff", img.layers[i]);
        int dfd = openat(st->root_dfd, diff, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd >= 0) {
            *root += fs_tree_size(dfd);
            close(dfd);
        }
    }
    storage_image_free(&img);
}

/* ps --size: "102kB (virtual 1.98MB)" */
static char *
upper_size(struct store *st, const struct container *c)
{
    long long rw, root;
    cleanup_free char *a = NULL, *b = NULL;

    ctr_sizes(st, c, &rw, &root);
    a = cmd_human_size_digits(rw, 3, false);
    b = cmd_human_size_digits(root, 3, false);
    return xasprintf("%s (virtual %s)", a, b);
}

/* Mounts: where the -v binds land */
static yajl_gen_status
ps_mounts(yajl_gen g, const struct container *c)
{
    JG(json_gen_str(g, "Mounts"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; c->cfg.volumes && c->cfg.volumes[i]; i++) {
        struct volume v;
        yajl_gen_status r;
        if (engine_spec_volume_parse(c->cfg.volumes[i], &v, NULL) < 0)
            continue;
        r = json_gen_str(g, v.dst);
        engine_spec_volume_free(&v);
        JG(r);
    }
    return yajl_gen_array_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* the fields only templates use */
static yajl_gen_status
ps_template_fields(yajl_gen g, const struct container *c, bool no_trunc, const char *created_human,
                   const char *ago)
{
    char shortid[13];

    snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
    JG(json_gen_kv_str(g, "ID", no_trunc ? c->cfg.id : shortid));
    JG(json_gen_kv_str(g, "CreatedHuman", created_human));
    JG(json_gen_kv_str(g, "RunningFor", ago));
    JG(json_gen_kv_str(g, "Restarts", ""));
    return json_gen_kv_int(g, "RestartCount", c->state.restart_count);
fail:
    return yajl_gen_in_error_state;
}

/* ps: the PORTS column's text, or podman's objects in JSON (null: none) */
static yajl_gen_status
ps_ports(yajl_gen g, const struct ctr_config *cf, bool template)
{
    cleanup_free struct netns_port *v = NULL;
    size_t n;

    engine_ctr_ports(cf, &v, &n);
    if (template) {
        cleanup_free char *text = netns_ports_format(v, n);
        return json_gen_str(g, text);
    }
    if (n == 0)
        return yajl_gen_null(g);
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < n; i++) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "host_ip", v[i].host_ip));
        JG(json_gen_kv_int(g, "container_port", v[i].ctr_port));
        JG(json_gen_kv_int(g, "host_port", v[i].host_port));
        JG(json_gen_kv_int(g, "range", 1));
        JG(json_gen_kv_str(g, "protocol", v[i].udp ? "udp" : "tcp"));
        JG(yajl_gen_map_close(g));
    }
    return yajl_gen_array_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* NetworkSettings.Ports: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} */
yajl_gen_status
cmd_ctr_report_ports(yajl_gen g, const struct ctr_config *cf)
{
    cleanup_free struct netns_port *v = NULL;
    size_t n;

    engine_ctr_ports(cf, &v, &n);
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; i < n; i++) {
        char key[16], hp[8];
        snprintf(key, sizeof key, "%u/%s", v[i].ctr_port, v[i].udp ? "udp" : "tcp");
        snprintf(hp, sizeof hp, "%u", v[i].host_port);
        JG(json_gen_str(g, key));
        JG(yajl_gen_array_open(g));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "HostIp", v[i].host_ip));
        JG(json_gen_kv_str(g, "HostPort", hp));
        JG(yajl_gen_map_close(g));
        JG(yajl_gen_array_close(g));
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* NetworkSettings as podman 4.3 prints it for a rootless container: the
 * addresses stay empty (it does not report slirp4netns's); SandboxKey is
 * the network namespace while a user-mode network's container runs */
/* on user networks: one entry each, its address while the container runs */
static yajl_gen_status
inspect_networks(yajl_gen g, struct store *st, const struct container *c)
{
    cleanup_free char *buf = xstrdup(c->cfg.net.target);
    char shortid[13], *save = NULL;

    snprintf(shortid, sizeof shortid, "%.12s", c->cfg.id);
    JG(json_gen_str(g, "Networks"));
    JG(yajl_gen_map_open(g));
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        struct netns_network n;
        char gw[INET_ADDRSTRLEN] = "", ip[INET6_ADDRSTRLEN] = "", mac[18] = "";
        char gw6[INET6_ADDRSTRLEN] = "", ip6[INET6_ADDRSTRLEN] = "", net[256], ifname[16];
        unsigned prefix = 0, prefix6 = 0;
        struct net_attach at;
        cleanup_strv char **aliases = NULL;

        (void) engine_net_attach_of(c->cfg.net_opts, w, &at, NULL);
        aliases = steal_ptr(&at.aliases);
        engine_net_attach_free(&at);
        for (size_t i = 0; c->state.networks && c->state.networks[i]; i++)
            if (engine_net_state_parse(c->state.networks[i], net, sizeof net, ip, mac, ifname, ip6)
                && strcmp(net, w) == 0)
                break;
            else
                ip[0] = mac[0] = ip6[0] = '\0';
        if (ip[0] && netns_network_load(st->root_dfd, w, &n, NULL) == 0) {
            inet_ntop(AF_INET, &n.gateway, gw, sizeof gw);
            prefix = n.prefix;
            if (ip6[0] && n.ipv6) {
                inet_ntop(AF_INET6, &n.gateway6, gw6, sizeof gw6);
                prefix6 = n.prefix6;
            }
            netns_network_free(&n);
        }
        JG(json_gen_str(g, w));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "EndpointID", ""));
        JG(json_gen_kv_str(g, "Gateway", gw));
        JG(json_gen_kv_str(g, "IPAddress", ip));
        JG(json_gen_kv_int(g, "IPPrefixLen", prefix));
        JG(json_gen_kv_str(g, "IPv6Gateway", gw6));
        JG(json_gen_kv_str(g, "GlobalIPv6Address", prefix6 ? ip6 : ""));
        JG(json_gen_kv_int(g, "GlobalIPv6PrefixLen", prefix6));
        JG(json_gen_kv_str(g, "MacAddress", mac));
        JG(json_gen_kv_str(g, "NetworkID", w));
        JG(json_gen_str(g, "DriverOpts"));
        JG(yajl_gen_null(g));
        JG(json_gen_str(g, "IPAMConfig"));
        JG(yajl_gen_null(g));
        JG(json_gen_str(g, "Links"));
        JG(yajl_gen_null(g));
        JG(json_gen_str(g, "Aliases"));
        JG(yajl_gen_array_open(g));
        for (size_t i = 0; c->cfg.net_aliases && c->cfg.net_aliases[i]; i++)
            JG(json_gen_str(g, c->cfg.net_aliases[i]));
        for (size_t i = 0; aliases && aliases[i]; i++)
            if (!strv_contains(c->cfg.net_aliases, aliases[i]))
                JG(json_gen_str(g, aliases[i]));
        JG(json_gen_str(g, shortid));
        JG(yajl_gen_array_close(g));
        JG(yajl_gen_map_close(g));
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

static yajl_gen_status
inspect_network(yajl_gen g, struct store *st, const struct container *c)
{
    cleanup_free char *sandbox = NULL;

    if (netns_mode_own(c->cfg.net.mode) && engine_ctr_is_active(c) && c->state.pid > 0)
        sandbox = xasprintf("/proc/%d/ns/net", (int) c->state.pid);
    JG(json_gen_str(g, "NetworkSettings"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "EndpointID", ""));
    JG(json_gen_kv_str(g, "Gateway", ""));
    JG(json_gen_kv_str(g, "IPAddress", ""));
    JG(json_gen_kv_int(g, "IPPrefixLen", 0));
    JG(json_gen_kv_str(g, "IPv6Gateway", ""));
    JG(json_gen_kv_str(g, "GlobalIPv6Address", ""));
    JG(json_gen_kv_int(g, "GlobalIPv6PrefixLen", 0));
    JG(json_gen_kv_str(g, "MacAddress", ""));
    JG(json_gen_kv_str(g, "Bridge", ""));
    JG(json_gen_kv_str(g, "SandboxID", ""));
    JG(json_gen_kv_bool(g, "HairpinMode", false));
    JG(json_gen_kv_str(g, "LinkLocalIPv6Address", ""));
    JG(json_gen_kv_int(g, "LinkLocalIPv6PrefixLen", 0));
    JG(json_gen_str(g, "Ports"));
    JG(cmd_ctr_report_ports(g, &c->cfg));
    JG(json_gen_kv_str(g, "SandboxKey", sandbox ? sandbox : ""));
    if (c->cfg.net.mode == NETNS_BRIDGE)
        JG(inspect_networks(g, st, c));
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

char *
cmd_ctr_report_ps(struct store *st, const struct container *c, const char *pod_name, bool template,
                  bool no_trunc, bool size)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    const struct ctr_state *s = &c->state;
    cleanup_free char *status = engine_ctr_status_human(c);
    cleanup_free char *cmd = command_line(c, no_trunc);
    cleanup_free char *health = engine_ctr_is_active(c) ? engine_health_status(st, c) : NULL;
    cleanup_free char *ago = NULL, *created_human = NULL, *size_text = NULL;
    bool exited = s->status == CTR_EXITED || s->status == CTR_STOPPED;
    bool running = engine_ctr_is_active(c);
    int64_t created = time_parse_rfc3339(c->cfg.created);

    ago = time_human_duration(time_now_ns() - (created < 0 ? time_now_ns() : created));
    created_human = xasprintf("%s ago", ago);
    if (size)
        size_text = upper_size(st, c);
    if (health) { /* podman's "Up 5 seconds ago (healthy)" */
        char *with = xasprintf("%s (%s)", status, health);
        free(status);
        status = with;
    }
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_bool(g, "AutoRemove", c->cfg.rm));
    JG(json_gen_str(g, "Command"));
    if (template)
        JG(json_gen_str(g, cmd));
    else
        JG(json_gen_strv(g, c->cfg.args));
    JG(json_gen_kv_str(g, "CreatedAt", created_human));
    JG(json_gen_kv_bool(g, "Exited", exited));
    JG(json_gen_kv_int(g, "ExitedAt", exited ? unix_seconds(s->finished_at) : -62135596800LL));
    JG(json_gen_kv_int(g, "ExitCode", s->exit_code < 0 ? 0 : s->exit_code));
    JG(json_gen_kv_str(g, "Id", c->cfg.id));
    JG(json_gen_kv_str(g, "Image", c->cfg.image_name));
    JG(json_gen_kv_str(g, "ImageID", c->cfg.image_id));
    JG(json_gen_kv_bool(g, "IsInfra", c->cfg.infra));
    JG(json_gen_str(g, "Labels"));
    JG(c->cfg.labels ? cmd_json_map(g, c->cfg.labels) : yajl_gen_null(g));
    JG(ps_mounts(g, c));
    JG(json_gen_str(g, "Names"));
    if (template)
        JG(json_gen_str(g, c->cfg.name));
    else
        JG(json_gen_strv(g, (char *[]){ c->cfg.name, NULL }));
    JG(json_gen_kv_strv(g, "Networks", (char *[]){ NULL }));
    JG(json_gen_kv_int(g, "Pid", running ? s->pid : 0));
    JG(json_gen_str(g, "Pod"));
    if (c->cfg.pod && template && !no_trunc)
        JG(yajl_gen_string(g, (const unsigned char *) c->cfg.pod, 12));
    else
        JG(json_gen_str(g, c->cfg.pod ? c->cfg.pod : ""));
    JG(json_gen_kv_str(g, "PodName", pod_name ? pod_name : ""));
    JG(json_gen_str(g, "Ports"));
    JG(ps_ports(g, &c->cfg, template));
    JG(json_gen_str(g, "Size"));
    if (size_text)
        JG(json_gen_str(g, size_text));
    else
        JG(yajl_gen_null(g));
    JG(json_gen_kv_int(g, "StartedAt", unix_seconds(s->started_at)));
    /* templates: podman 4.3's {{.State}} is the status in words too */
    JG(json_gen_kv_str(g, "State",
                       template && s->status != CTR_PAUSED && s->status != CTR_STOPPING
                           ? status
                           : engine_ctr_status_name(s->status)));
    JG(json_gen_kv_str(g, "Status", status));
    JG(json_gen_kv_int(g, "Created", created < 0 ? 0 : created / 1000000000LL));
    if (template)
        JG(ps_template_fields(g, c, no_trunc, created_human, ago));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static yajl_gen_status
gen_time(yajl_gen g, const char *key, const char *rfc)
{
    yajl_gen_status s = json_gen_str(g, key);

    return s != yajl_gen_status_ok ? s : json_gen_str(g, rfc ? rfc : "0001-01-01T00:00:00Z");
}

/* State: the status, the processes, the exit and its times */
static yajl_gen_status
inspect_state(yajl_gen g, const struct ctr_state *s, bool running, const char *health)
{
    JG(json_gen_str(g, "State"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "OciVersion", "1.1.0"));
    JG(json_gen_kv_str(g, "Status", engine_ctr_status_name(s->status)));
    JG(json_gen_kv_bool(g, "Running", s->status == CTR_RUNNING || s->status == CTR_STOPPING));
    JG(json_gen_kv_bool(g, "Paused", s->status == CTR_PAUSED));
    JG(json_gen_kv_bool(g, "Restarting", false));
    JG(json_gen_kv_bool(g, "OOMKilled", false));
    JG(json_gen_kv_bool(g, "Dead", false));
    JG(json_gen_kv_int(g, "Pid", running ? s->pid : 0));
    JG(json_gen_kv_int(g, "ConmonPid", running ? s->monitor : 0));
    JG(json_gen_kv_int(g, "ExitCode", s->exit_code < 0 ? 0 : s->exit_code));
    JG(json_gen_kv_str(g, "Error", s->status == CTR_STOPPED ? "exit code unknown" : ""));
    JG(gen_time(g, "StartedAt", s->started_at));
    JG(gen_time(g, "FinishedAt", s->finished_at));
    if (health) {
        /* podman 4.3 has it under both names */
        cleanup_yajl_val yajl_val h = json_parse(health, NULL);
        if (h) {
            JG(json_gen_str(g, "Health"));
            if (json_gen_value(g, h) < 0)
                goto fail;
            JG(json_gen_str(g, "Healthcheck"));
            if (json_gen_value(g, h) < 0)
                goto fail;
        }
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* the /etc files bound into the container ("" for one the image keeps;
 * with container:X, X's) */
static yajl_gen_status
inspect_run_files(yajl_gen g, struct store *st, const struct ctr_config *cf, const char *rundir)
{
    static const struct {
        const char *key;
        enum etc_file file;
    } files[] = {
        { "ResolvConfPath", ETC_RESOLV_CONF },
        { "HostnamePath", ETC_HOSTNAME },
        { "HostsPath", ETC_HOSTS },
    };
    struct etc_plan plan;
    yajl_gen_status r = yajl_gen_status_ok;

    if (engine_etc_plan(st, cf, &plan, NULL) < 0)
        memset(&plan, 0, sizeof plan); /* the other container is gone: none */
    for (size_t i = 0; i < sizeof files / sizeof files[0] && r == yajl_gen_status_ok; i++)
        r = json_gen_kv_str(g, files[i].key,
                            plan.path[files[i].file] ? plan.path[files[i].file] : "");
    engine_etc_plan_free(&plan);
    JG(r);
    return json_gen_kv_str(g, "StaticDir", rundir);
fail:
    return yajl_gen_in_error_state;
}

/* GraphDriver: the writable layer */
static yajl_gen_status
inspect_graph_driver(yajl_gen g, struct store *st, const struct ctr_config *cf)
{
    cleanup_free char *upper = engine_ctr_upper_path(st, cf->id);
    cleanup_free char *work = engine_ctr_work_path(st, cf->id);

    JG(json_gen_str(g, "GraphDriver"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", storage_driver_name(cf->driver)));
    JG(json_gen_str(g, "Data"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "UpperDir", upper));
    JG(json_gen_kv_str(g, "WorkDir", work));
    JG(yajl_gen_map_close(g));
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* one bind or volume of Mounts, as podman lists them */
static yajl_gen_status
inspect_mount(yajl_gen g, struct store *st, const struct volume *v)
{
    cleanup_free char *path = v->named ? storage_volume_path(st, v->src) : NULL;

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Type", v->named ? "volume" : "bind"));
    if (v->named)
        JG(json_gen_kv_str(g, "Name", v->src));
    JG(json_gen_kv_str(g, "Source", v->named ? path : v->src));
    JG(json_gen_kv_str(g, "Destination", v->dst));
    JG(json_gen_kv_str(g, "Driver", v->named ? "local" : ""));
    JG(json_gen_kv_str(g, "Mode", ""));
    JG(json_gen_kv_strv(g, "Options",
                        v->named ? (char *[]){ "nosuid", "nodev", "rbind", NULL }
                                 : (char *[]){ "rbind", NULL }));
    JG(json_gen_kv_bool(g, "RW", !v->ro));
    JG(json_gen_kv_str(g, "Propagation", "rprivate"));
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* Mounts: the -v binds */
static yajl_gen_status
inspect_mounts(yajl_gen g, struct store *st, const struct ctr_config *cf)
{
    JG(json_gen_str(g, "Mounts"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; cf->volumes && cf->volumes[i]; i++) {
        struct volume v;
        yajl_gen_status r;
        if (engine_spec_volume_parse(cf->volumes[i], &v, NULL) < 0)
            continue;
        r = inspect_mount(g, st, &v);
        engine_spec_volume_free(&v);
        JG(r);
    }
    return yajl_gen_array_close(g);
fail:
    return yajl_gen_in_error_state;
}

char **
cmd_ctr_podman_annotations(const struct ctr_config *g)
{
    char **v = NULL;

    strv_push_take(&v, xasprintf("io.kubernetes.cri-o.TTY=%s", g->tty ? "true" : "false"));
    strv_push_take(&v, xasprintf("io.podman.annotations.autoremove=%s", g->rm ? "TRUE" : "FALSE"));
    strv_push_take(&v, xasprintf("io.podman.annotations.init=%s", g->init ? "TRUE" : "FALSE"));
    strv_push_take(
        &v, xasprintf("io.podman.annotations.privileged=%s", g->privileged ? "TRUE" : "FALSE"));
    strv_push_take(&v, xasprintf("io.podman.annotations.publish-all=%s",
                                 cmd_ctr_published_all(g) ? "TRUE" : "FALSE"));
    return v;
}

bool
cmd_ctr_published_all(const struct ctr_config *g)
{
    for (size_t i = 0; g->create_args && g->create_args[i]; i++)
        if (strcmp(g->create_args[i], "-P") == 0 || strcmp(g->create_args[i], "--publish-all") == 0
            || strcmp(g->create_args[i], "--publish-all=true") == 0)
            return true;
    return false;
}

yajl_gen_status
cmd_ctr_report_devices(yajl_gen g, const char *key, char **list, const char *what, bool omit_empty)
{
    bool open = false;

    for (size_t i = 0; list && list[i]; i++) {
        char w[8] = "", path[4096], dev[32];
        long long v;
        if (what ? sscanf(list[i], "%7s %4095s %31s %lld", w, path, dev, &v) != 4
                       || strcmp(w, what) != 0
                 : sscanf(list[i], "%4095s %31s %lld", path, dev, &v) != 3)
            continue;
        if (!open) {
            JG(json_gen_str(g, key));
            JG(yajl_gen_array_open(g));
            open = true;
        }
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "Path", path));
        JG(json_gen_kv_int(g, what ? "Rate" : "Weight", v));
        JG(yajl_gen_map_close(g));
    }
    if (!open && !omit_empty) {
        JG(json_gen_str(g, key));
        JG(yajl_gen_array_open(g));
        open = true;
    }
    return open ? yajl_gen_array_close(g) : yajl_gen_status_ok;
fail:
    return yajl_gen_in_error_state;
}

/* Config: what the process was asked to be */
static yajl_gen_status
inspect_config(yajl_gen g, const struct ctr_config *cf)
{
    JG(json_gen_str(g, "Config"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Hostname", cf->hostname));
    JG(json_gen_kv_str(g, "User", cf->user));
    JG(json_gen_kv_bool(g, "AttachStdin", cf->interactive));
    JG(json_gen_kv_bool(g, "Tty", cf->tty));
    JG(json_gen_kv_bool(g, "OpenStdin", cf->interactive));
    JG(json_gen_kv_strv(g, "Env", cf->env));
    JG(json_gen_kv_strv(g, "Cmd", cf->args));
    JG(json_gen_kv_str(g, "Image", cf->image_name));
    JG(json_gen_kv_str(g, "WorkingDir", cf->workdir ? cf->workdir : "/"));
    JG(json_gen_kv_int(g, "StopSignal", cf->stop_signal));
    JG(json_gen_kv_bool(g, "SystemdMode", cf->systemd_on));
    JG(json_gen_kv_int(g, "Timeout", cf->timeout));
    JG(json_gen_kv_int(g, "StopTimeout", cf->stop_timeout));
    JG(json_gen_str(g, "Labels"));
    JG(cf->labels ? cmd_json_map(g, cf->labels) : yajl_gen_null(g));
    {
        /* --annotation's, and podman's own about the container */
        cleanup_strv char **ann = cf->annotations ? strv_dup(cf->annotations) : NULL;
        cleanup_strv char **own = cmd_ctr_podman_annotations(cf);
        char um[16];
        for (size_t i = 0; own[i]; i++)
            strv_push(&ann, own[i]);
        JG(json_gen_str(g, "Annotations"));
        JG(cmd_json_map(g, ann));
        snprintf(um, sizeof um, "%04o", cf->umask >= 0 ? (unsigned) cf->umask & 0777u : 0022u);
        JG(json_gen_kv_str(g, "Umask", um));
    }
    if (cf->health_test) {
        JG(json_gen_str(g, "Healthcheck"));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_strv(g, "Test", cf->health_test));
        if (cf->health_start_period)
            JG(json_gen_kv_int(g, "StartPeriod", cf->health_start_period));
        JG(json_gen_kv_int(g, "Interval", cf->health_interval));
        JG(json_gen_kv_int(g, "Timeout", cf->health_timeout));
        JG(json_gen_kv_int(g, "Retries", cf->health_retries));
        JG(yajl_gen_map_close(g));
    }
    JG(json_gen_kv_str(g, "HealthcheckOnFailureAction",
                       cf->health_on_failure ? cf->health_on_failure : "none"));
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* HostConfig.CapDrop as podman lists it: the Docker defaults its own set
 * leaves out, with the user's drops, less what was added, sorted */
static yajl_gen_status
inspect_cap_drop(yajl_gen g, const struct ctr_config *cf)
{
    static const char *const left_out[] = { "CAP_AUDIT_WRITE", "CAP_MKNOD", "CAP_NET_RAW" };
    cleanup_strv char **v = NULL;

    if (strv_contains(cf->cap_drop, "ALL"))
        return json_gen_kv_strv(g, "CapDrop", cf->cap_drop);
    for (size_t i = 0; i < sizeof left_out / sizeof left_out[0]; i++)
        if (!strv_contains(cf->cap_add, left_out[i]) && !strv_contains(cf->cap_add, "ALL"))
            strv_push(&v, left_out[i]);
    for (size_t i = 0; cf->cap_drop && cf->cap_drop[i]; i++)
        if (!strv_contains(v, cf->cap_drop[i]))
            strv_push(&v, cf->cap_drop[i]);
    strv_sort(v);
    return json_gen_kv_strv(g, "CapDrop", v ? v : (char *[]){ NULL });
}

/* HostConfig: binds, the log, the network, the restart policy, the names
 * and servers of --dns, --dns-option, --dns-search and --add-host */
static yajl_gen_status
inspect_host_config(yajl_gen g, struct store *st, const struct ctr_config *cf)
{
    cleanup_free char *log = engine_ctr_log_path(st, cf->id);
    cleanup_free char *net = NULL;
    /* podman's: "private" for a user namespace of its own, with its maps;
     * the container or the path of one joined */
    cleanup_free char *userns_mode = cf->userns && strncmp(cf->userns, "ns:", 3) == 0
                                         ? xstrdup(cf->userns)
                                     : cf->userns_from ? xasprintf("container:%s", cf->userns_from)
                                                       : xstrdup(cf->uidmap ? "private" : "");
    char *none[] = { NULL };

    JG(json_gen_str(g, "HostConfig"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_strv(g, "Binds", cf->volumes ? cf->volumes : (char *[]){ NULL }));
    JG(json_gen_str(g, "LogConfig"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Type", engine_log_driver_name(cf->log_driver)));
    JG(json_gen_kv_str(g, "Path", cf->log_driver == LOG_K8S_FILE ? log : ""));
    JG(json_gen_kv_int(g, "Size", cf->log_max_size));
    JG(yajl_gen_map_close(g));
    net = netns_spec_string(&cf->net);
    JG(json_gen_kv_str(g, "NetworkMode", net));
    /* what -p asked, in NetworkSettings.Ports' shape, as podman has it */
    JG(json_gen_str(g, "PortBindings"));
    JG(cmd_ctr_report_ports(g, cf));
    JG(json_gen_str(g, "RestartPolicy"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name",
                       cf->restart == RESTART_NO ? "" : engine_restart_name(cf->restart)));
    JG(json_gen_kv_int(g, "MaximumRetryCount", cf->restart_max));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_bool(g, "AutoRemove", cf->rm));
    JG(json_gen_kv_strv(g, "Dns", cf->dns ? cf->dns : none));
    JG(json_gen_kv_strv(g, "DnsOptions", cf->dns_options ? cf->dns_options : none));
    JG(json_gen_kv_strv(g, "DnsSearch", cf->dns_search ? cf->dns_search : none));
    JG(json_gen_kv_strv(g, "ExtraHosts", cf->add_hosts ? cf->add_hosts : none));
    JG(json_gen_kv_strv(g, "CapAdd", cf->cap_add ? cf->cap_add : none));
    {
        /* podman's: no-new-privileges, seccomp=unconfined|PATH, sorted */
        cleanup_strv char **so = NULL;
        if (cf->no_new_privs)
            strv_push(&so, "no-new-privileges");
        if (cf->seccomp)
            strv_push_take(&so, xasprintf("seccomp=%s", cf->seccomp));
        if (cf->mask) {
            cleanup_free char *j = strv_join(cf->mask, ":");
            strv_push_take(&so, xasprintf("mask=%s", j));
        }
        if (cf->unmask) {
            cleanup_free char *j = strv_join(cf->unmask, ":");
            strv_push_take(&so, xasprintf("unmask=%s", j));
        }
        JG(json_gen_kv_strv(g, "SecurityOpt", so ? so : none));
    }
    JG(inspect_cap_drop(g, cf));
    JG(json_gen_kv_bool(g, "Privileged", cf->privileged));
    JG(json_gen_kv_bool(g, "PublishAllPorts", cmd_ctr_published_all(cf)));
    JG(json_gen_kv_bool(g, "ReadonlyRootfs", cf->read_only));
    JG(json_gen_str(g, "Devices"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; cf->devices && cf->devices[i]; i++) {
        cleanup_free char *d = xstrdup(cf->devices[i]);
        char *c = strchr(d, ':'), *p = c ? strchr(c + 1, ':') : NULL;
        if (p == NULL)
            continue;
        *c++ = '\0';
        *p++ = '\0';
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "PathOnHost", d));
        JG(json_gen_kv_str(g, "PathInContainer", c));
        JG(json_gen_kv_str(g, "CgroupPermissions", p));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(json_gen_str(g, "Ulimits"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; cf->ulimits && cf->ulimits[i]; i++) {
        cleanup_free char *name = NULL;
        const char *eq = strchr(cf->ulimits[i], '=');
        long long soft = 0, hard = 0;
        if (eq == NULL || sscanf(eq + 1, "%lld:%lld", &soft, &hard) != 2)
            continue;
        name = xasprintf("RLIMIT_%.*s", (int) (eq - cf->ulimits[i]), cf->ulimits[i]);
        for (char *q = name; *q; q++)
            *q = (char) toupper((unsigned char) *q);
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "Name", name));
        JG(json_gen_kv_int(g, "Soft", soft));
        JG(json_gen_kv_int(g, "Hard", hard));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(json_gen_str(g, "Sysctls"));
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; cf->sysctls && cf->sysctls[i]; i++) {
        const char *eq = strchr(cf->sysctls[i], '=');
        if (eq == NULL)
            continue;
        JG(yajl_gen_string(g, (const unsigned char *) cf->sysctls[i],
                           (size_t) (eq - cf->sysctls[i])));
        JG(json_gen_str(g, eq + 1));
    }
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_strv(g, "GroupAdd", cf->group_add ? cf->group_add : none));
    JG(json_gen_kv_int(g, "OomScoreAdj", cf->oom_score_adj));
    JG(json_gen_kv_str(g, "CgroupnsMode", cf->cgroupns_private ? "private" : "host"));
    /* podman's names for the cgroup limits */
    {
        const struct cgroup_limits *l = &cf->limits;
        JG(json_gen_kv_str(g, "CgroupMode", cf->cgroups_disabled ? "disabled" : "enabled"));
        JG(json_gen_kv_int(g, "Memory", l->memory));
        JG(json_gen_kv_int(g, "MemorySwap", l->memory_swap));
        JG(json_gen_kv_int(g, "MemoryReservation", l->memory_reservation));
        JG(json_gen_kv_int(g, "NanoCpus",
                           l->cpu_quota && l->cpu_period == 100000 ? l->cpu_quota * 10000 : 0));
        JG(json_gen_kv_int(g, "CpuQuota", l->cpu_quota));
        JG(json_gen_kv_int(g, "CpuPeriod", l->cpu_period));
        JG(json_gen_kv_int(g, "CpuShares", l->cpu_shares));
        JG(json_gen_kv_int(g, "PidsLimit", l->pids_limit));
        JG(json_gen_kv_int(g, "BlkioWeight", l->blkio_weight));
        JG(json_gen_kv_str(g, "CpusetCpus", l->cpuset_cpus ? l->cpuset_cpus : ""));
        JG(json_gen_kv_str(g, "CpusetMems", l->cpuset_mems ? l->cpuset_mems : ""));
        JG(json_gen_kv_int(g, "MemorySwappiness", l->swappiness_set ? l->memory_swappiness : 0));
        JG(json_gen_kv_bool(g, "OomKillDisable", l->oom_kill_disable));
        JG(json_gen_kv_int(g, "CpuRealtimePeriod", l->cpu_rt_period));
        JG(json_gen_kv_int(g, "CpuRealtimeRuntime", l->cpu_rt_runtime));
        JG(json_gen_kv_str(g, "CgroupParent", cf->cgroup_parent ? cf->cgroup_parent : ""));
        /* podman's throttle lists: {"Path", "Rate"} each; weights {"Path", "Weight"} */
        JG(cmd_ctr_report_devices(g, "BlkioDeviceReadBps", l->io_max, "rbps", false));
        JG(cmd_ctr_report_devices(g, "BlkioDeviceWriteBps", l->io_max, "wbps", false));
        JG(cmd_ctr_report_devices(g, "BlkioDeviceReadIOps", l->io_max, "riops", false));
        JG(cmd_ctr_report_devices(g, "BlkioDeviceWriteIOps", l->io_max, "wiops", false));
        JG(cmd_ctr_report_devices(g, "BlkioWeightDevice", l->io_weights, NULL, false));
    }
    JG(json_gen_kv_str(g, "UsernsMode", userns_mode));
    JG(json_gen_str(g, "IDMappings"));
    if (cf->uidmap && cf->gidmap) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_strv(g, "UidMap", cf->uidmap));
        JG(json_gen_kv_strv(g, "GidMap", cf->gidmap));
        JG(yajl_gen_map_close(g));
    } else {
        JG(yajl_gen_null(g));
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

char *
cmd_ctr_report_inspect(struct store *st, const struct container *c, bool size)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(true);
    const struct ctr_config *cf = &c->cfg;
    const struct ctr_state *s = &c->state;
    cleanup_free char *rundir = engine_ctr_rundir(st, cf->id);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Id", cf->id));
    JG(gen_time(g, "Created", cf->created));
    JG(json_gen_kv_str(g, "Path", cf->args[0]));
    JG(json_gen_kv_strv(g, "Args", cf->args + 1));
    {
        cleanup_free char *health = engine_health_json(st, c);
        JG(inspect_state(g, s, engine_ctr_is_active(c), health));
    }
    JG(json_gen_kv_str(g, "Image", cf->image_id));
    JG(json_gen_kv_str(g, "ImageName", cf->image_name));
    JG(json_gen_kv_str(g, "Rootfs", cf->rootfs ? cf->rootfs : ""));
    JG(json_gen_kv_str(g, "Pod", cf->pod ? cf->pod : ""));
    JG(inspect_run_files(g, st, cf, rundir));
    JG(json_gen_kv_str(g, "Name", cf->name));
    JG(json_gen_kv_int(g, "RestartCount", s->restart_count));
    JG(json_gen_kv_str(g, "Driver", storage_driver_name(cf->driver)));
    {
        uint64_t set, added;
        cleanup_strv char **names = NULL;
        engine_ctr_caps(cf, &set, &added);
        names = engine_caps_names(set);
        JG(json_gen_kv_strv(g, "EffectiveCaps", names));
    }
    JG(inspect_graph_driver(g, st, cf));
    if (size) {
        long long rw, root;
        ctr_sizes(st, c, &rw, &root);
        JG(json_gen_kv_int(g, "SizeRw", rw));
        JG(json_gen_kv_int(g, "SizeRootFs", root));
    }
    JG(inspect_mounts(g, st, cf));
    /* what starts before it: --requires, a pod member's infra */
    JG(json_gen_str(g, "Dependencies"));
    JG(yajl_gen_array_open(g));
    if (engine_ctr_joins_infra(cf))
        JG(json_gen_str(g, engine_ctr_infra_of(cf)));
    for (size_t i = 0; cf->requires && cf->requires[i]; i++)
        JG(json_gen_str(g, cf->requires[i]));
    JG(yajl_gen_array_close(g));
    JG(inspect_network(g, st, c));
    JG(json_gen_kv_str(g, "Namespace", ""));
    JG(json_gen_kv_bool(g, "IsInfra", cf->infra));
    JG(json_gen_kv_bool(g, "IsService", false));
    JG(inspect_config(g, cf));
    JG(inspect_host_config(g, st, cf));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}
