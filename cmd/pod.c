// SPDX-License-Identifier: Apache-2.0
/* pcon pod SUBCOMMAND: create, exists, inspect, ps (ls, list), rm, start,
 * stop. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../engine/ctr_log.h"
#include "../lib/timefmt.h"
#include "../pod/pod.h"
#include "../engine/cgroup.h"
#include "cmd.h"
#include "ctr_opts.h"
#include "ctr_report.h"
#include "format.h"

enum {
    POD_LABEL = 0x400,
    POD_SHARE,
    POD_EXIT_POLICY,
    POD_ID_FILE,
    POD_INFRA_PIDFILE,
    POD_INFRA,
    POD_INFRA_NAME,
    POD_HOSTNAME,
    POD_IGNORE,
    POD_FORMAT,
    POD_FILTER,
    POD_NO_TRUNC,
    POD_CTR_NAMES,
    POD_CTR_IDS,
    POD_CTR_STATUS,
    POD_NOHEADING,
    POD_SORT,
    POD_NS,
    POD_INFRA_IMAGE,
    POD_INFRA_COMMAND,
    POD_SHARE_PARENT,
};

/* --share: podman's list ("+pid" adds to the default ipc,net,uts) */
static int
share_parse(const char *s, unsigned *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s[0] == '+' ? s + 1 : s);
    unsigned v = s[0] == '+' ? POD_SHARE_DEFAULT : 0;
    char *save = NULL;

    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "net") == 0)
            v |= POD_JOIN_NET;
        else if (strcmp(w, "uts") == 0)
            v |= POD_JOIN_UTS;
        else if (strcmp(w, "ipc") == 0)
            v |= POD_JOIN_IPC;
        else if (strcmp(w, "pid") == 0)
            v |= POD_JOIN_PID;
        else if (strcmp(w, "cgroup") == 0)
            v |= POD_JOIN_CGROUP;
        else
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid kernel namespace to share: %s",
                                  w);
    }
    *out = v;
    return 0;
}

/* pod create's options, pod clone's too (there, what the copy changes) */
#define POD_CREATE_OPTS                                                                            \
    { CO_ADD_HOST, "add-host", 0, "HOST:IP", "Add a custom host-to-IP mapping (host:ip)" },        \
        { CO_DNS, "dns", 0, "IP", "Set custom DNS servers in the pod's /etc/resolv.conf" },        \
        { CO_DNS_OPTION, "dns-option", 0, "OPTION", "Set custom DNS options" },                    \
        { CO_DNS_SEARCH, "dns-search", 0, "DOMAIN", "Set custom DNS search domains" },             \
        { POD_EXIT_POLICY, "exit-policy", 0, "POLICY",                                             \
          "Behaviour when the last container exits: continue (default), stop" },                   \
        { POD_HOSTNAME, "hostname", 0, "NAME", "Set the pod's hostname (default: its name)" },     \
        { POD_INFRA, "infra", 0, "BOOL",                                                           \
          "Create an infra container holding the shared namespaces (default true)" },              \
        { POD_INFRA_COMMAND, "infra-command", 0, "COMMAND",                                        \
          "The infra's command (default: pcon's own infra program; split at spaces)" },            \
        { POD_INFRA_IMAGE, "infra-image", 0, "IMAGE",                                              \
          "Run the infra from this image (default: none, pcon's own infra program)" },             \
        { POD_INFRA_NAME, "infra-name", 0, "NAME",                                                 \
          "The infra container's name (default <podid12>-infra)" },                                \
        { POD_LABEL, "label", 'l', "KEY=VALUE", "Set metadata on the pod" },                       \
        { CO_NAME, "name", 'n', "NAME", "Assign a name to the pod" },                              \
        { CO_NETWORK, "network", 0, "MODE",                                                        \
          "The pod's network: slirp4netns[:OPTIONS] (default), none, host, ns:PATH" },             \
        { CO_NO_HOSTS, "no-hosts", 0, NULL, "Do not create /etc/hosts for the pod" },              \
        { CO_IP, "ip", 0, "IPv4", "The pod's static IPv4 address (its one network)" },             \
        { CO_IP6, "ip6", 0, "IPv6",                                                                \
          "The pod's static IPv6 address (its one network, with IPv6)" },                          \
        { CO_MAC_ADDRESS, "mac-address", 0, "MAC",                                                 \
          "The pod's MAC address on its (first) network" },                                        \
        { CO_NETWORK_ALIAS, "network-alias", 0, "NAME",                                            \
          "Another name of the pod on its networks" },                                             \
        { CO_LABEL_FILE, "label-file", 0, "FILE", "Read the pod's labels from a file" },           \
        { CO_SYSCTL, "sysctl", 0, "KEY=VALUE",                                                     \
          "A sysctl of the pod's namespaces (net.*, kernel.*)" },                                  \
        { CO_DEVICE, "device", 0, "HOST[:CTR][:PERMS]",                                            \
          "A host device for every member of the pod" },                                           \
        { CO_SECURITY_OPT, "security-opt", 0, "OPT",                                               \
          "seccomp=PROFILE|unconfined, no-new-privileges, label=... for every member" },           \
        { CO_SHM_SIZE, "shm-size", 0, "SIZE", "Size of the members' /dev/shm (default 64m)" },     \
        { 'v', "volume", 'v', "HOST:CTR[:OPTS]", "A volume every member of the pod mounts" },      \
        { CO_VOLUMES_FROM, "volumes-from", 0, "CTR[:ro|rw]",                                       \
          "The volumes of a container, for every member of the pod" },                             \
        { 'p', "publish", 'p', "[IP:][HOSTPORT:]CTRPORT[/PROTO]", "Publish a port of the pod" },   \
        { POD_ID_FILE, "pod-id-file", 0, "FILE", "Write the pod ID to the file" },                 \
        { POD_INFRA_PIDFILE, "infra-conmon-pidfile", 0, "FILE",                                    \
          "Write the pid of the infra container's monitor to the file" },                          \
        { CO_REPLACE, "replace", 0, NULL, "Replace a pod of the same name" },                      \
        { CO_USERNS, "userns", 0, "MODE",                                                          \
          "The pod's user namespace, its members' too: keep-id[:uid=,gid=], nomap, "               \
          "auto[:size=]" },                                                                        \
        { CO_UIDMAP, "uidmap", 0, "CTR:HOST:SIZE", "UID map of the pod's user namespace" },        \
        { CO_GIDMAP, "gidmap", 0, "CTR:HOST:SIZE", "GID map of the pod's user namespace" },        \
        { CO_SUBUIDNAME, "subuidname", 0, "NAME",                                                  \
          "UID map of the pod's user namespace from NAME's /etc/subuid ranges" },                  \
        { CO_SUBGIDNAME, "subgidname", 0, "NAME",                                                  \
          "GID map of the pod's user namespace from NAME's /etc/subgid ranges" },                  \
        { POD_SHARE, "share", 0, "NAMESPACES",                                                     \
          "Namespaces the members share: ipc,net,uts (default), +pid, cgroup, any of them; \"\": " \
          "no"                                                                                     \
          " infra" },                                                                              \
        { POD_SHARE_PARENT, "share-parent", 0, "BOOL",                                             \
          "The containers' cgroups in the pod's (default true)" },                                 \
        { CO_PID, "pid", 0, "MODE", "The infra's PID namespace: private (default), host" },        \
        { CO_UTS, "uts", 0, "MODE", "The infra's UTS namespace: private (default), host" },        \
        { 'm', "memory", 'm', "SIZE", "The pod's memory limit (its cgroup's)" },                   \
        { CO_MEMORY_SWAP, "memory-swap", 0, "SIZE",                                                \
          "The pod's memory plus swap limit (-1: unlimited)" },                                    \
        { CO_CPUS, "cpus", 0, "N", "The pod's number of CPUs (at most the host's)" },              \
        { 'c', "cpu-shares", 'c', "N", "The pod's CPU shares (relative weight)" },                 \
        { CO_CPUSET_CPUS, "cpuset-cpus", 0, "LIST", "CPUs the pod may run on (0-3,5)" },           \
        { CO_CPUSET_MEMS, "cpuset-mems", 0, "LIST", "Memory nodes the pod may use" },              \
        { CO_BLKIO_WEIGHT, "blkio-weight", 0, "N", "The pod's block IO weight (10 to 1000)" },     \
        { CO_BLKIO_WEIGHT_DEVICE, "blkio-weight-device", 0, "DEVICE:WEIGHT",                       \
          "The pod's block IO weight on a device" },                                               \
        { CO_DEVICE_READ_BPS, "device-read-bps", 0, "DEVICE:RATE",                                 \
          "The pod's read rate limit from a device (bytes a second)" },                            \
        { CO_DEVICE_WRITE_BPS, "device-write-bps", 0, "DEVICE:RATE",                               \
          "The pod's write rate limit to a device (bytes a second)" },                             \
        { CO_CGROUP_PARENT, "cgroup-parent", 0, "PATH",                                            \
          "The pod's cgroup below this one of the delegated tree" },

static const struct cmd_opt create_opts[] = {
    POD_CREATE_OPTS{ 0 },
};

static int
pod_id_file_write(const char *path, const char *id, struct pcon_err *err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

    if (fd < 0 || fs_write_all(fd, id, 64) < 0)
        return pcon_fail(err, errno, "write pod id file %s", path);
    return 0;
}

/* --infra=false (or --share ""): what needs an infra is refused, in
 * podman's words */
static int
no_infra_check(const struct create_args *a, const char *share, struct pcon_err *err)
{
    const char *exclusive = a->dns           ? "DNSServer"
                            : a->dns_search  ? "DNSSearch"
                            : a->dns_options ? "DNSOption"
                            : a->add_hosts   ? "HostAdd"
                                             : NULL;

    if (a->ports)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "you must have an infra container to publish port bindings to"
                              " the host");
    if (a->net_set)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "NoInfra and network modes cannot be used together");
    if (exclusive)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "NoInfra and %s are mutually exclusive pod options: invalid pod"
                              " spec",
                              exclusive);
    if (a->o.no_hosts)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "cannot specify --no-hosts without an infra container");
    if (share && *share)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "cannot set share(%s) namespaces without an infra container", share);
    if (a->o.userns || a->o.uidmaps || a->o.gidmaps || a->o.subuidname || a->o.subgidname)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "a pod's user namespace needs an infra container to hold it");
    if (engine_cgroup_limits_any(&a->o.limits) || a->o.cgroup_parent)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "the pod's resource limits and --cgroup-parent are its cgroup's,"
                              " which its infra container makes: the pod has none");
    if (a->o.pid_ns || a->o.uts_ns)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--pid and --uts are the infra container's namespaces: the pod has"
                              " none");
    /* podman drops these without a word; the members inherit them from the infra */
    if (a->volumes || a->volumes_from || a->o.devices || a->o.shm_size >= 0 || a->o.seccomp_profile
        || a->o.no_new_privs)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--volume, --volumes-from, --device, --shm-size and --security-opt"
                              " reach the members through the infra container: the pod has"
                              " none");
    return 0;
}

/* pod create's command line made into a pod: into *out when out is not
 * NULL, else its id printed; the exit code */
static int
pod_create_cmdline(struct cmd_ctx *ctx, int argc, char **argv, struct pod *out)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **labels = NULL;
    struct pod_create_opts po = { .share = POD_SHARE_DEFAULT };
    cleanup_strv char **command = NULL;
    const char *id_file = NULL;
    const char *infra_pidfile = NULL; /* --infra-conmon-pidfile */
    const char *share_arg = NULL, *infra_command = NULL;
    bool infra_false = false;
    struct create_args a;
    struct pod p;
    char *arg;
    int opt, r = 0;

    cmd_create_args_init(&a);
    while (r >= 0 && (opt = cmd_getopt(&cmd_pod_create_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case POD_LABEL:
            strv_push(&labels, arg);
            break;
        case POD_SHARE:
            share_arg = arg; /* "": podman's nothing shared, no infra */
            break;
        case POD_SHARE_PARENT:
            po.no_share_parent = !cmd_flag_value(arg);
            break;
        case POD_INFRA_IMAGE:
            po.infra_image = arg;
            break;
        case POD_INFRA_COMMAND:
            infra_command = arg;
            break;
        case POD_EXIT_POLICY:
            if (strcmp(arg, "stop") != 0 && strcmp(arg, "continue") != 0)
                r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                                   "invalid pod exit policy: \"%s\": must be continue or stop",
                                   arg);
            po.exit_policy_stop = strcmp(arg, "stop") == 0;
            break;
        case POD_ID_FILE:
            id_file = arg;
            break;
        case POD_INFRA_NAME:
            po.infra_name = arg;
            break;
        case POD_INFRA_PIDFILE:
            infra_pidfile = arg;
            break;
        case POD_INFRA:
            infra_false = !cmd_flag_value(arg);
            break;
        case POD_HOSTNAME:
        case CO_NAME:
        case CO_REPLACE:
            if (opt == POD_HOSTNAME)
                po.hostname = arg;
            else if (opt == CO_NAME)
                po.name = arg;
            else
                po.replace = cmd_flag_value(arg);
            break;
        case CO_ADD_HOST:
        case CO_DNS:
        case CO_DNS_OPTION:
        case CO_DNS_SEARCH:
        case CO_NETWORK:
        case CO_NO_HOSTS:
        case CO_USERNS:
        case CO_UIDMAP:
        case CO_GIDMAP:
        case CO_SUBUIDNAME:
        case CO_SUBGIDNAME:
        case CO_IP:
        case CO_IP6:
        case CO_MAC_ADDRESS:
        case CO_NETWORK_ALIAS:
        case CO_SYSCTL:
        case CO_DEVICE:
        case CO_SECURITY_OPT:
        case CO_SHM_SIZE:
        case 'v':
        case CO_VOLUMES_FROM:
        case 'p':
        case 'm':
        case CO_MEMORY_SWAP:
        case CO_CPUS:
        case 'c':
        case CO_CPUSET_CPUS:
        case CO_CPUSET_MEMS:
        case CO_BLKIO_WEIGHT:
        case CO_BLKIO_WEIGHT_DEVICE:
        case CO_DEVICE_READ_BPS:
        case CO_DEVICE_WRITE_BPS:
        case CO_CGROUP_PARENT:
            r = cmd_create_opt(&a, opt, arg, &err);
            break;
        case CO_PID:
        case CO_UTS:
            /* the infra's; a member joins it only with --share pid (uts);
             * the infra may join another container's pid namespace */
            if (strcmp(arg, "host") != 0 && strcmp(arg, "private") != 0
                && !(opt == CO_PID && strncmp(arg, "container:", 10) == 0 && arg[10]))
                r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                                   "invalid pod %s namespace mode \"%s\": host, private%s",
                                   opt == CO_PID ? "PID" : "UTS", arg,
                                   opt == CO_PID ? " or container:NAME" : "");
            else
                r = cmd_create_opt(&a, opt, arg, &err);
            break;
        case CO_LABEL_FILE:
            r = cmd_label_file_read(arg, &labels, &err);
            break;
        default:
            cmd_create_args_free(&a);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (r >= 0 && optind < argc)
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0, "accepts no arguments");
    if (r >= 0 && po.hostname && (strpbrk(po.hostname, "\n\r\t ") || !*po.hostname))
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0, "invalid hostname \"%s\"", po.hostname);
    if (r >= 0 && id_file && access(id_file, F_OK) == 0)
        r = pcon_fail(&err, EEXIST,
                      "pod id file exists. Ensure another pod is not using it or"
                      " delete %s",
                      id_file);
    po.no_infra = infra_false || (share_arg && share_arg[0] == '\0');
    if (r >= 0 && po.no_infra)
        r = no_infra_check(&a, share_arg, &err);
    if (r >= 0 && !po.no_infra && share_arg)
        r = share_parse(share_arg, &po.share, &err);
    if (r >= 0 && (po.share & POD_JOIN_CGROUP) && !po.no_share_parent)
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "cannot define the pod as the cgroup parent at the same time as"
                           " joining the infra container's cgroupNS: invalid argument");

    if (r >= 0 && !po.no_infra && po.no_share_parent
        && (engine_cgroup_limits_any(&a.o.limits) || a.o.cgroup_parent))
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "the pod's resource limits and --cgroup-parent are its cgroup's:"
                           " they need --share-parent");
    if (r >= 0 && po.hostname && a.o.uts_ns && strcmp(a.o.uts_ns, "host") == 0)
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "invalid config provided: cannot set hostname when running in the"
                           " host UTS namespace: invalid configuration");
    if (r >= 0)
        r = cmd_create_net_finish(&a, &err);
    if (r >= 0 && (a.aliases || a.o.static_ip || a.o.static_ip6 || a.o.static_mac)
        && a.o.net.mode != NETNS_BRIDGE)
        r = pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "invalid config provided: networks and static ip/mac address can only"
                           " be used with Bridge mode networking");
    if (r >= 0)
        r = cmd_store_open(ctx, &err);
    if (r < 0) {
        cmd_create_args_free(&a);
        return cmd_report(&err);
    }
    /* podman's: the words of --infra-command, split at spaces */
    if (infra_command) {
        cleanup_free char *buf = xstrdup(infra_command);
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
            strv_push(&po.infra_command, w);
    }
    po.labels = labels;
    /* the pod's cgroup's limits, the infra's to hold (not its own): as
     * podman, --cpus at most the host's CPUs */
    a.o.pod_limits = a.o.limits;
    memset(&a.o.limits, 0, sizeof a.o.limits);
    if (a.o.pod_limits.cpu_quota && a.o.pod_limits.cpu_period == 100000) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        if (cpus > 0 && a.o.pod_limits.cpu_quota > cpus * 100000)
            a.o.pod_limits.cpu_quota = cpus * 100000;
    }
    /* the infra's, which every member inherits */
    a.o.volumes = a.volumes;
    a.o.volumes_from = a.volumes_from;
    po.infra = a.o;
    po.infra.net_aliases = a.aliases;
    po.infra.conmon_pidfile = infra_pidfile;
    /* inspect's CreateCommand: the whole command line */
    strv_push(&command, "pcon");
    strv_push(&command, "pod");
    for (int i = 0; i < argc; i++)
        strv_push(&command, argv[i]);
    po.argv = command;
    r = pod_create(&ctx->st, &po, &p, &err);
    cmd_create_args_free(&a);
    strv_free(po.infra_command);
    if (r < 0)
        return cmd_report(&err);
    if (id_file && pod_id_file_write(id_file, p.cfg.id, &err) < 0) {
        cleanup_err struct pcon_err e2 = { 0 };
        (void) pod_remove(&ctx->st, &p, true, 0, &e2); /* nothing half-made stays */
        pod_free(&p);
        return cmd_report(&err);
    }
    if (out) {
        *out = p;
        return 0;
    }
    printf("%s\n", p.cfg.id);
    pod_free(&p);
    return 0;
}

static int
cmd_pod_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_create_cmdline(ctx, argc, argv, NULL);
}

const struct cmd_def cmd_pod_create_def = {
    "pod create", cmd_pod_create, "Create a new empty pod", "[options]", create_opts,
};

/* --- start, stop, rm: each pod named (or all), by name or id --- */

enum pod_op { POD_OP_START, POD_OP_STOP, POD_OP_RM, POD_OP_KILL, POD_OP_RESTART };

struct pod_op_args {
    enum pod_op op;
    bool force, all, ignore;
    int timeout;
    char **id_files;
};

static int
pod_op_one(struct cmd_ctx *ctx, const struct pod_op_args *a, struct pod *p, struct pcon_err *err)
{
    switch (a->op) {
    case POD_OP_START:
        return pod_start(&ctx->st, p, err);
    case POD_OP_STOP:
        return pod_stop(&ctx->st, p, a->timeout, err);
    case POD_OP_RM:
        return pod_remove(&ctx->st, p, a->force, a->timeout, err);
    case POD_OP_KILL:
        return pod_kill(&ctx->st, p, a->timeout, err);
    case POD_OP_RESTART:
        return pod_stop(&ctx->st, p, -1, err) < 0 ? -1 : pod_start(&ctx->st, p, err);
    }
    return -1;
}

static int
pod_op_run(struct cmd_ctx *ctx, const struct cmd_def *def, struct pod_op_args *a, int argc,
           char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **names = NULL;
    int code = 0;

    for (size_t i = 0; a->id_files && a->id_files[i]; i++) {
        char *id = cmd_read_cidfile(a->id_files[i], &err);
        if (id == NULL) {
            if (a->ignore) {
                pcon_err_clear(&err);
                continue;
            }
            return cmd_report(&err);
        }
        strv_push_take(&names, id);
    }
    for (int i = optind; i < argc; i++)
        strv_push(&names, argv[i]);
    if (!a->all && names == NULL)
        return cmd_usage_error(def, "specify one or more pods, or --all");
    if (a->all && optind < argc)
        return cmd_usage_error(def, "--all and pods cannot be used together");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (a->all) {
        struct pod *v = NULL;
        size_t n = 0;
        if (pod_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            strv_push(&names, v[i].cfg.id);
        pod_list_free(v, n);
    }
    for (size_t i = 0; names && names[i]; i++) {
        struct pod p;
        if (pod_load(&ctx->st, names[i], &p, &err) < 0) {
            /* rm -f: a missing pod is no error (podman's) */
            bool quiet = a->ignore || (a->op == POD_OP_RM && a->force);
            if (!(quiet && err.kind == PCON_ERR_NOTFOUND))
                code = err.kind == PCON_ERR_NOTFOUND ? (cmd_report(&err), 1) : cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        if (pod_op_one(ctx, a, &p, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        } else {
            printf("%s\n", p.cfg.id);
        }
        pod_free(&p);
    }
    return code;
}

static const struct cmd_opt start_opts[] = {
    { 'a', "all", 'a', NULL, "Start all pods" },
    { POD_ID_FILE, "pod-id-file", 0, "FILE", "Read the pod ID from the file" },
    CMD_LATEST_POD_OPT,
    { 0 },
};
static const struct cmd_opt stop_opts[] = {
    { 'a', "all", 'a', NULL, "Stop all pods" },
    { POD_IGNORE, "ignore", 'i', NULL, "Ignore errors when a specified pod is missing" },
    { POD_ID_FILE, "pod-id-file", 0, "FILE", "Read the pod ID from the file" },
    { 't', "time", 't', "SECONDS", "Seconds to wait for stop before killing the containers" },
    CMD_LATEST_POD_OPT,
    { 0 },
};
static const struct cmd_opt rm_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all pods" },
    { 'f', "force", 'f', NULL, "Stop and remove running pods" },
    { POD_IGNORE, "ignore", 'i', NULL, "Ignore errors when a specified pod is missing" },
    { POD_ID_FILE, "pod-id-file", 0, "FILE", "Read the pod ID from the file" },
    { 't', "time", 't', "SECONDS", "Seconds to wait for stop before killing the containers" },
    CMD_LATEST_POD_OPT,
    { 0 },
};

static const struct cmd_opt kill_opts[] = {
    { 'a', "all", 'a', NULL, "Kill all pods" },
    { 's', "signal", 's', "SIGNAL", "Signal to send to the containers of the pod (default KILL)" },
    CMD_LATEST_POD_OPT,
    { 0 },
};
static const struct cmd_opt restart_opts[] = {
    { 'a', "all", 'a', NULL, "Restart all pods" },
    CMD_LATEST_POD_OPT,
    { 0 },
};

static int
pod_op_cmd(struct cmd_ctx *ctx, const struct cmd_def *def, enum pod_op op, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct pod_op_args a = { .op = op,
                             .timeout = op == POD_OP_RM     ? 10
                                        : op == POD_OP_KILL ? 9
                                                            : -1 };
    bool latest = false;
    char *arg, *end;
    int opt, code;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            a.all = cmd_flag_value(arg);
            break;
        case 'f':
            a.force = cmd_flag_value(arg);
            break;
        case POD_IGNORE:
            a.ignore = cmd_flag_value(arg);
            break;
        case POD_ID_FILE:
            strv_push(&a.id_files, arg);
            break;
        case 's':
            if (engine_signal_parse(arg, &a.timeout, &err) < 0) {
                strv_free(a.id_files);
                return cmd_report(&err);
            }
            break;
        case 't':
            a.timeout = (int) strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || a.timeout < 0) {
                strv_free(a.id_files);
                return cmd_usage_error(def, "invalid timeout \"%s\"", arg);
            }
            break;
        case 'l':
            latest = true;
            break;
        default:
            strv_free(a.id_files);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0) {
        strv_free(a.id_files);
        return code;
    }
    code = pod_op_run(ctx, def, &a, argc, argv);
    strv_free(a.id_files);
    return code;
}

static int
cmd_pod_start(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_op_cmd(ctx, &cmd_pod_start_def, POD_OP_START, argc, argv);
}
static int
cmd_pod_stop(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_op_cmd(ctx, &cmd_pod_stop_def, POD_OP_STOP, argc, argv);
}
static int
cmd_pod_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_op_cmd(ctx, &cmd_pod_rm_def, POD_OP_RM, argc, argv);
}

static int
cmd_pod_kill(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_op_cmd(ctx, &cmd_pod_kill_def, POD_OP_KILL, argc, argv);
}
static int
cmd_pod_restart(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_op_cmd(ctx, &cmd_pod_restart_def, POD_OP_RESTART, argc, argv);
}

const struct cmd_def cmd_pod_kill_def = {
    "pod kill",
    cmd_pod_kill,
    "Send the specified signal or SIGKILL to containers in a pod",
    "[options] POD [POD...]",
    kill_opts,
};
const struct cmd_def cmd_pod_restart_def = {
    "pod restart", cmd_pod_restart, "Restart one or more pods", "[options] POD [POD...]",
    restart_opts,
};
const struct cmd_def cmd_pod_start_def = {
    "pod start", cmd_pod_start, "Start one or more pods", "[options] POD [POD...]", start_opts,
};
const struct cmd_def cmd_pod_stop_def = {
    "pod stop", cmd_pod_stop, "Stop one or more pods", "[options] POD [POD...]", stop_opts,
};
const struct cmd_def cmd_pod_rm_def = {
    "pod rm",
    cmd_pod_rm,
    "Remove one or more stopped pods and their containers",
    "[options] POD [POD...]",
    rm_opts,
};

/* --- exists, inspect --- */

static int
cmd_pod_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct pod p;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_pod_exists_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_pod_exists_def, "accepts 1 arg(s), received %d", argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (pod_load(&ctx->st, argv[optind], &p, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    pod_free(&p);
    return 0;
}

const struct cmd_def cmd_pod_exists_def = {
    "pod exists", cmd_pod_exists, "Check if a pod exists in local storage", "POD", NULL,
};

static yajl_gen_status
gen_shared(yajl_gen g, unsigned share)
{
    JG(yajl_gen_array_open(g));
    if (share & POD_JOIN_UTS)
        JG(json_gen_str(g, "uts"));
    if (share & POD_JOIN_PID)
        JG(json_gen_str(g, "pid"));
    if (share & POD_JOIN_IPC)
        JG(json_gen_str(g, "ipc"));
    if (share & POD_JOIN_CGROUP)
        JG(json_gen_str(g, "cgroup"));
    if (share & POD_JOIN_NET)
        JG(json_gen_str(g, "net"));
    return yajl_gen_array_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* the pod's cgroup's limits, podman's names, each only when set */
static yajl_gen_status
pod_limits_gen(yajl_gen g, const struct cgroup_limits *l)
{
    if (l->cpu_period)
        JG(json_gen_kv_int(g, "cpu_period", l->cpu_period));
    if (l->cpu_quota)
        JG(json_gen_kv_int(g, "cpu_quota", l->cpu_quota));
    if (l->cpu_shares)
        JG(json_gen_kv_int(g, "cpu_shares", l->cpu_shares));
    if (l->cpuset_cpus)
        JG(json_gen_kv_str(g, "cpuset_cpus", l->cpuset_cpus));
    if (l->cpuset_mems)
        JG(json_gen_kv_str(g, "cpuset_mems", l->cpuset_mems));
    JG(cmd_ctr_report_devices(g, "device_read_bps", l->io_max, "rbps", true));
    JG(cmd_ctr_report_devices(g, "device_write_bps", l->io_max, "wbps", true));
    if (l->memory)
        JG(json_gen_kv_int(g, "memory_limit", l->memory));
    if (l->memory_swap)
        JG(json_gen_kv_int(g, "memory_swap", l->memory_swap));
    if (l->blkio_weight)
        JG(json_gen_kv_int(g, "blkio_weight", l->blkio_weight));
    JG(cmd_ctr_report_devices(g, "blkio_weight_device", l->io_weights, NULL, true));
    return yajl_gen_status_ok;
fail:
    return yajl_gen_in_error_state;
}

/* podman 4.3's `pod inspect` document */
static char *
pod_inspect_json(const struct pod *p, const struct container *v, size_t n, const char *cgroup)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    const struct ctr_config *infra = n > 0 && v[0].cfg.infra ? &v[0].cfg : NULL;

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Id", p->cfg.id));
    JG(json_gen_kv_str(g, "Name", p->cfg.name));
    JG(json_gen_kv_str(g, "Created", p->cfg.created));
    JG(json_gen_kv_strv(g, "CreateCommand",
                        p->cfg.create_command ? p->cfg.create_command : (char *[]){ NULL }));
    JG(json_gen_kv_str(g, "ExitPolicy", p->cfg.exit_policy_stop ? "stop" : "continue"));
    JG(json_gen_kv_str(g, "State", pod_status(v, n)));
    JG(json_gen_kv_str(g, "Hostname", p->cfg.no_infra ? "" : p->cfg.hostname));
    if (p->cfg.labels && p->cfg.labels[0]) {
        JG(json_gen_str(g, "Labels"));
        JG(cmd_json_map(g, p->cfg.labels));
    }
    JG(json_gen_kv_bool(g, "CreateCgroup", p->cfg.share_parent && !p->cfg.no_infra));
    {
        /* as cgroup paths, below the hierarchy's mount ("": none to be had,
         * as on cgroup v1) */
        const char *parent = !cgroup                                       ? ""
                             : strncmp(cgroup, "/sys/fs/cgroup/", 15) == 0 ? cgroup + 14
                                                                           : cgroup;
        cleanup_free char *dir = engine_cgroup_pod(p->cfg.id);
        cleanup_free char *path = NULL, *below = NULL;
        if (cgroup && infra && infra->cgroup_parent)
            parent = below = xasprintf("%s/%s", parent, infra->cgroup_parent);
        if (cgroup && p->cfg.share_parent && !p->cfg.no_infra)
            path = xasprintf("%s/%s", parent, dir);
        JG(json_gen_kv_str(g, "CgroupParent", parent));
        JG(json_gen_kv_str(g, "CgroupPath", path ? path : ""));
    }
    JG(json_gen_kv_bool(g, "CreateInfra", !p->cfg.no_infra));
    if (p->cfg.no_infra)
        goto members;
    JG(json_gen_kv_str(g, "InfraContainerID", p->cfg.infra_id));
    JG(json_gen_str(g, "InfraConfig"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_str(g, "PortBindings"));
    if (infra)
        JG(cmd_ctr_report_ports(g, infra));
    else
        JG(yajl_gen_null(g));
    JG(json_gen_kv_bool(g, "HostNetwork", infra && infra->net.mode == NETNS_HOST));
    JG(json_gen_kv_str(g, "StaticIP", ""));
    JG(json_gen_kv_str(g, "StaticMAC", ""));
    JG(json_gen_kv_bool(g, "NoManageResolvConf", infra && infra->no_resolv_conf));
    JG(json_gen_str(g, "DNSServer"));
    JG(infra && infra->dns ? json_gen_strv(g, infra->dns) : yajl_gen_null(g));
    JG(json_gen_str(g, "DNSSearch"));
    JG(infra && infra->dns_search ? json_gen_strv(g, infra->dns_search) : yajl_gen_null(g));
    JG(json_gen_str(g, "DNSOption"));
    JG(infra && infra->dns_options ? json_gen_strv(g, infra->dns_options) : yajl_gen_null(g));
    JG(json_gen_kv_bool(g, "NoManageHosts", infra && infra->no_hosts));
    JG(json_gen_str(g, "HostAdd"));
    JG(infra && infra->add_hosts ? json_gen_strv(g, infra->add_hosts) : yajl_gen_null(g));
    JG(json_gen_str(g, "Networks"));
    JG(yajl_gen_null(g));
    JG(json_gen_str(g, "NetworkOptions"));
    JG(yajl_gen_null(g));
    if (infra && infra->pod_limits.cpu_period)
        JG(json_gen_kv_int(g, "cpu_period", infra->pod_limits.cpu_period));
    if (infra && infra->pod_limits.cpu_quota)
        JG(json_gen_kv_int(g, "cpu_quota", infra->pod_limits.cpu_quota));
    if (infra && infra->pod_limits.cpuset_cpus)
        JG(json_gen_kv_str(g, "cpuset_cpus", infra->pod_limits.cpuset_cpus));
    JG(json_gen_kv_str(g, "pid_ns", p->cfg.pid_host ? "host" : "private"));
    JG(json_gen_kv_str(g, "userns", infra && infra->userns ? infra->userns : "host"));
    JG(json_gen_kv_str(g, "uts_ns", p->cfg.uts_host ? "host" : "private"));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "SharedNamespaces"));
    JG(gen_shared(g, p->cfg.share));
members:
    JG(json_gen_kv_int(g, "NumContainers", (long long) n));
    JG(json_gen_str(g, "Containers"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < n; i++) {
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "Id", v[i].cfg.id));
        JG(json_gen_kv_str(g, "Name", v[i].cfg.name));
        JG(json_gen_kv_str(g, "State", engine_ctr_status_name(v[i].state.status)));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    if (infra)
        JG(pod_limits_gen(g, &infra->pod_limits));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const struct cmd_opt inspect_opts[] = {
    { POD_FORMAT, "format", 'f', "FORMAT", "Format the output with a Go template, or json" },
    CMD_LATEST_POD_OPT,
    { 0 },
};

static int
cmd_pod_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *cgroup = NULL; /* where the pods' cgroups go, if anywhere */
    const char *fmt = NULL;
    bool latest = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_pod_inspect_def, argc, argv, &arg)) != -1) {
        if (opt == 'l')
            latest = true;
        else if (opt == POD_FORMAT)
            fmt = arg;
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (opt = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0)
        return opt;
    if (optind >= argc)
        return cmd_usage_error(&cmd_pod_inspect_def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    cgroup = engine_cgroup_base(NULL);
    for (int i = optind; i < argc; i++) {
        cleanup_free char *doc = NULL;
        struct container *v = NULL;
        size_t n = 0;
        struct pod p;

        if (pod_load(&ctx->st, argv[i], &p, &err) < 0
            || pod_containers(&ctx->st, &p, &v, &n, &err) < 0) {
            if (err.kind == PCON_ERR_NOTFOUND) {
                pcon_err_clear(&err);
                pcon_fail_kind(&err, PCON_ERR_NOTFOUND, 0, "inspecting object: no such pod %s",
                               argv[i]);
            } else {
                pcon_prefix(&err, "inspecting object");
            }
            code = cmd_report(&err);
            pcon_err_clear(&err);
            pod_free(&p);
            continue;
        }
        doc = pod_inspect_json(&p, v, n, cgroup);
        engine_ctr_list_free(v, n);
        pod_free(&p);
        /* podman 4.3 prints one pod's document as it is, not in an array */
        if (fmt == NULL || strcmp(fmt, "json") == 0) {
            cleanup_free char *pretty = json_pretty(doc, &err);
            if (pretty == NULL) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
                continue;
            }
            fputs(pretty, stdout); /* its newline ends it, as podman's */
        } else if (cmd_format_print(fmt, (char *[]){ doc, NULL }, NULL, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        }
    }
    return code;
}

const struct cmd_def cmd_pod_inspect_def = {
    "pod inspect", cmd_pod_inspect, "Display a pod configuration", "[options] POD [POD...]",
    inspect_opts,
};

/* --- ps --- */

/* pod ps --sort */
static const struct container *sort_ctrs;
static size_t sort_nctrs;
static const char *sort_key;

static size_t
pod_members(const struct pod *p)
{
    size_t k = 0;

    for (size_t i = 0; i < sort_nctrs; i++)
        k += sort_ctrs[i].cfg.pod && strcmp(sort_ctrs[i].cfg.pod, p->cfg.id) == 0;
    return k;
}

static int
pod_cmp(const void *a, const void *b)
{
    const struct pod *x = a, *y = b;
    int r = 0;

    if (strcmp(sort_key, "id") == 0)
        r = strcmp(x->cfg.id, y->cfg.id);
    else if (strcmp(sort_key, "name") == 0)
        r = strcmp(x->cfg.name, y->cfg.name);
    else if (strcmp(sort_key, "number") == 0)
        r = (int) pod_members(x) - (int) pod_members(y);
    return r ? r : strcmp(y->cfg.created, x->cfg.created);
}

static const struct cmd_opt ps_opts[] = {
    { POD_CTR_IDS, "ctr-ids", 0, NULL, "Display the container UUIDs" },
    { POD_CTR_NAMES, "ctr-names", 0, NULL, "Display the container names" },
    { POD_CTR_STATUS, "ctr-status", 0, NULL, "Display the container status" },
    { POD_FILTER, "filter", 'f', "KEY=VALUE",
      "Filter: name, id, status, label, ctr-names, ctr-ids, ctr-status, ctr-number, network,"
      " until" },
    { POD_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    CMD_LATEST_POD_OPT,
    { POD_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate pod and container IDs" },
    { POD_NOHEADING, "noheading", 0, NULL, "Do not print headers" },
    { 'q', "quiet", 'q', NULL, "Print the numeric IDs of the pods only" },
    { POD_SORT, "sort", 0, "KEY", "Sort by created, id, name or number (default created)" },
    { POD_NS, "ns", 0, NULL, "Display the pods' cgroup and namespace" },
    { 0 },
};

static const char *const ps_headers[] = {
    "ID",
    "POD ID",
    "Name",
    "NAME",
    "Status",
    "STATUS",
    "Created",
    "CREATED",
    "InfraID",
    "INFRA ID",
    "Cgroup",
    "CGROUP",
    "Namespace",
    "NAMESPACES",
    "NumberOfContainers",
    "# OF CONTAINERS",
    "ContainerNames",
    "NAMES",
    "ContainerIds",
    "IDS",
    "ContainerStatuses",
    "STATUS",
    "Labels",
    "LABELS",
    NULL,
};

static bool
ctr_any(const struct container *v, size_t n, const char *key, const char *want)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(key, "ctr-names") == 0 && strstr(v[i].cfg.name, want))
            return true;
        if (strcmp(key, "ctr-ids") == 0 && strncmp(v[i].cfg.id, want, strlen(want)) == 0)
            return true;
        if (strcmp(key, "ctr-status") == 0
            && strcmp(engine_ctr_status_name(v[i].state.status), want) == 0)
            return true;
    }
    return false;
}

static const char *const filter_keys[] = {
    "name",       "id",         "status",  "label", "ctr-names", "ctr-ids",
    "ctr-status", "ctr-number", "network", "until", NULL,
};

static int
pod_filters_check(char **filters, struct pcon_err *err)
{
    for (size_t i = 0; filters && filters[i]; i++) {
        bool known = false;
        for (size_t k = 0; filter_keys[k]; k++)
            known |= strncmp(filters[i], filter_keys[k], strlen(filter_keys[k])) == 0
                     && filters[i][strlen(filter_keys[k])] == '=';
        if (!known)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is an invalid filter", filters[i]);
    }
    return 0;
}

/* podman's pod filters: values of one key are alternatives, keys all hold */
static int
pod_filter_match(const struct pod *p, const struct container *v, size_t n, char **filters,
                 bool *match, struct pcon_err *err)
{
    const char *const *keys = filter_keys;

    (void) err;
    *match = true;
    for (size_t k = 0; keys[k] && *match; k++) {
        size_t kl = strlen(keys[k]);
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *f = filters[i], *val = f + kl + 1;
            if (strncmp(f, keys[k], kl) != 0 || f[kl] != '=')
                continue;
            seen = true;
            if (k == 0)
                any |= strstr(p->cfg.name, val) != NULL;
            else if (k == 1)
                any |= strncmp(p->cfg.id, val, strlen(val)) == 0;
            else if (k == 2) {
                cleanup_free char *st = xstrdup(pod_status(v, n));
                for (char *c = st; *c; c++)
                    *c = (char) (*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
                any |= strcmp(st, val) == 0;
            } else if (k == 3)
                any |= cmd_label_match(p->cfg.labels, val);
            else if (k == 7)
                any |= strtol(val, NULL, 10) == (long) n;
            else if (k == 8) /* the infra's networks, the pod's */
                any |= n > 0 && v[0].cfg.infra && cmd_ctr_on_network(&v[0], val);
            else if (k == 9) { /* created before the time */
                int64_t t = time_parse_point(val, time_now_ns());
                any |= t >= 0 && time_parse_rfc3339(p->cfg.created) < t;
            } else
                any |= ctr_any(v, n, keys[k], val);
        }
        if (seen && !any)
            *match = false;
    }
    return 0;
}

/* one `pod ps` row: podman's ListPodsReport for json; for templates the
 * fields they use (ID and InfraID short unless no_trunc, Created as an
 * age, NumberOfContainers, the --ctr-* columns) */
static char *
pod_ps_row(const struct pod *p, const struct container *v, size_t n, bool template, bool no_trunc)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    int64_t created = time_parse_rfc3339(p->cfg.created);
    cleanup_free char *ago =
        time_human_duration(time_now_ns() - (created < 0 ? time_now_ns() : created));
    cleanup_free char *age = xasprintf("%s ago", ago);
    cleanup_strv char **names = NULL, **ids = NULL, **statuses = NULL;
    cleanup_free char *jn = NULL, *ji = NULL, *js = NULL;
    int idlen = no_trunc ? 64 : 12;
    cleanup_free char *sid = xstrndup(p->cfg.id, (size_t) idlen);
    cleanup_free char *sinfra = xstrndup(p->cfg.infra_id, (size_t) idlen);

    JG(yajl_gen_map_open(g));
    {
        /* its cgroup below the delegated one, as the members' are in it */
        cleanup_free char *cg = p->cfg.share_parent ? engine_cgroup_pod(p->cfg.id) : xstrdup("");
        JG(json_gen_kv_str(g, "Cgroup", cg));
    }
    if (!template) {
        JG(json_gen_str(g, "Containers"));
        JG(yajl_gen_array_open(g));
        for (size_t i = 0; i < n; i++) {
            JG(yajl_gen_map_open(g));
            JG(json_gen_kv_str(g, "Id", v[i].cfg.id));
            JG(json_gen_kv_str(g, "Names", v[i].cfg.name));
            JG(json_gen_kv_str(g, "Status", engine_ctr_status_name(v[i].state.status)));
            JG(yajl_gen_map_close(g));
        }
        JG(yajl_gen_array_close(g));
        JG(json_gen_kv_str(g, "Created", p->cfg.created));
        JG(json_gen_kv_str(g, "Id", p->cfg.id));
        JG(json_gen_kv_str(g, "InfraId", p->cfg.infra_id));
    } else {
        for (size_t i = 0; i < n; i++) {
            strv_push(&names, v[i].cfg.name);
            strv_push_take(&ids, xstrndup(v[i].cfg.id, (size_t) idlen));
            strv_push(&statuses, engine_ctr_status_name(v[i].state.status));
        }
        jn = strv_join(names, ",");
        ji = strv_join(ids, ",");
        js = strv_join(statuses, ",");
        JG(json_gen_kv_str(g, "Created", age));
        JG(json_gen_kv_str(g, "ID", sid));
        JG(json_gen_kv_str(g, "InfraID", sinfra));
        JG(json_gen_kv_int(g, "NumberOfContainers", (long long) n));
        JG(json_gen_kv_str(g, "ContainerNames", jn));
        JG(json_gen_kv_str(g, "ContainerIds", ji));
        JG(json_gen_kv_str(g, "ContainerStatuses", js));
    }
    JG(json_gen_kv_str(g, "Name", p->cfg.name));
    JG(json_gen_kv_str(g, "Namespace", ""));
    JG(json_gen_kv_strv(g, "Networks", (char *[]){ NULL }));
    JG(json_gen_kv_str(g, "Status", pod_status(v, n)));
    JG(json_gen_str(g, "Labels"));
    JG(cmd_json_map(g, p->cfg.labels));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
cmd_pod_ps(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL, **rows = NULL;
    bool quiet = false, no_trunc = false, names = false, ids = false, statuses = false, ns = false;
    bool noheading = false, latest = false;
    const char *fmt = NULL, *sort = NULL;
    cleanup_free char *table = NULL;
    struct pod *v = NULL;
    struct container *all = NULL;
    size_t n = 0, nall = 0;
    char *arg;
    int opt, r = 0;

    while ((opt = cmd_getopt(&cmd_pod_ps_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case POD_CTR_IDS:
            ids = cmd_flag_value(arg);
            break;
        case POD_CTR_NAMES:
            names = cmd_flag_value(arg);
            break;
        case POD_CTR_STATUS:
            statuses = cmd_flag_value(arg);
            break;
        case POD_FILTER:
            if (strchr(arg, '=') == NULL)
                return cmd_usage_error(&cmd_pod_ps_def, "invalid filter \"%s\"", arg);
            strv_push(&filters, arg);
            break;
        case POD_FORMAT:
            fmt = arg;
            break;
        case POD_NO_TRUNC:
            no_trunc = cmd_flag_value(arg);
            break;
        case POD_NOHEADING:
            noheading = cmd_flag_value(arg);
            break;
        case 'l':
            latest = true;
            break;
        case POD_NS:
            ns = cmd_flag_value(arg);
            break;
        case POD_SORT:
            if (strcmp(arg, "created") != 0 && strcmp(arg, "id") != 0 && strcmp(arg, "name") != 0
                && strcmp(arg, "number") != 0)
                return cmd_usage_error(&cmd_pod_ps_def,
                                       "invalid option for --sort, options are: created, id,"
                                       " name, number");
            sort = arg;
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_pod_ps_def, "accepts no arguments");
    if (pod_filters_check(filters, &err) < 0 || cmd_store_open(ctx, &err) < 0
        || pod_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    /* the containers read once for all the pods */
    if (n > 0 && engine_ctr_list(&ctx->st, &all, &nall, &err) < 0) {
        pod_list_free(v, n);
        return cmd_report(&err);
    }
    if (sort && !latest && n > 1) {
        sort_ctrs = all;
        sort_nctrs = nall;
        sort_key = sort;
        qsort(v, n, sizeof *v, pod_cmp);
    }
    for (size_t i = 0; i < n && r == 0 && !(latest && i > 0); i++) {
        struct container *cv = NULL;
        size_t cn = 0;
        bool match;

        pod_containers_take(all, nall, &v[i], &cv, &cn);
        if (pod_filter_match(&v[i], cv, cn, filters, &match, &err) < 0) {
            engine_ctr_list_free(cv, cn);
            r = -1;
            break;
        }
        if (match && quiet)
            printf("%.*s\n", no_trunc ? 64 : 12, v[i].cfg.id);
        else if (match)
            strv_push_take(&rows,
                           pod_ps_row(&v[i], cv, cn, !(fmt && strcmp(fmt, "json") == 0), no_trunc));
        engine_ctr_list_free(cv, cn);
    }
    engine_ctr_list_free(all, nall);
    pod_list_free(v, n);
    if (r < 0)
        return cmd_report(&err);
    if (quiet)
        return 0;
    if (fmt == NULL) {
        table = xasprintf(
            "table {{.ID}}\\t{{.Name}}\\t{{.Status}}\\t{{.Created}}\\t{{.InfraID}}%s%s%s%s%s",
            ns ? "\\t{{.Cgroup}}\\t{{.Namespace}}" : "", ids ? "\\t{{.ContainerIds}}" : "",
            names ? "\\t{{.ContainerNames}}" : "", statuses ? "\\t{{.ContainerStatuses}}" : "",
            ids || names || statuses ? "" : "\\t{{.NumberOfContainers}}");
        fmt = table;
    }
    if (rows == NULL && strcmp(fmt, "json") == 0) {
        printf("[]\n");
        return 0;
    }
    if (rows == NULL && (strncmp(fmt, "table", 5) != 0 || noheading))
        return 0;
    if (noheading)
        fmt = cmd_format_no_table(fmt);
    return cmd_format_print(fmt, rows, ps_headers, &err) < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_pod_ps_def = {
    "pod ps", cmd_pod_ps, "List pods", "[options]", ps_opts,
};

static const struct cmd_opt pod_top_opts[] = {
    CMD_LATEST_POD_OPT,
    { 0 },
};

static int
cmd_pod_top(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *rows = NULL;
    struct container *v = NULL;
    size_t n = 0;
    struct pod p;
    bool latest = false;
    char *arg;
    int opt, r = 0;

    while ((opt = cmd_getopt(&cmd_pod_top_def, argc, argv, &arg)) != -1) {
        if (opt != 'l')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        latest = true;
    }
    if (latest && (opt = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0)
        return opt;
    if (argc - optind < 1)
        return cmd_usage_error(&cmd_pod_top_def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0 || pod_load(&ctx->st, argv[optind], &p, &err) < 0)
        return cmd_report(&err);
    if (pod_containers(&ctx->st, &p, &v, &n, &err) < 0) {
        pod_free(&p);
        return cmd_report(&err);
    }
    /* every running container's processes, the infra's first, as podman */
    for (size_t i = 0; i < n && r == 0; i++)
        if (engine_ctr_is_active(&v[i]))
            r = cmd_top_rows(&v[i], &rows, &err);
    if (r == 0 && rows == NULL)
        r = pcon_fail(&err, 0,
                      "pod top can only be used on pods with at least one running"
                      " container");
    engine_ctr_list_free(v, n);
    pod_free(&p);
    if (r < 0)
        return cmd_report(&err);
    cmd_top_print(rows);
    return 0;
}

const struct cmd_def cmd_pod_top_def = {
    "pod top",       cmd_pod_top,  "Display the running processes of containers in a pod",
    "[options] POD", pod_top_opts,
};

enum { POD_LOGS_CONTAINER = 0x500, POD_LOGS_TAIL, POD_LOGS_SINCE, POD_LOGS_UNTIL, POD_LOGS_COLOR };

static const struct cmd_opt logs_opts[] = {
    { POD_LOGS_CONTAINER, "container", 'c', "NAME", "Only the logs of this container of the pod" },
    { POD_LOGS_COLOR, "color", 0, NULL, "Output the containers with different colors in the log" },
    { 'f', "follow", 'f', NULL,
      "Follow the logs, every container's at once, until all have ended" },
    { 'n', "names", 'n', NULL, "Output the container names instead of their IDs" },
    { POD_LOGS_SINCE, "since", 0, "TIMESTAMP", "Show logs since TIMESTAMP (or a duration: 10m)" },
    { POD_LOGS_TAIL, "tail", 0, "N", "Output the last N lines of each (default -1: all)" },
    { 't', "timestamps", 't', NULL, "Output the timestamps in the log" },
    { POD_LOGS_UNTIL, "until", 0, "TIMESTAMP", "Show logs until TIMESTAMP" },
    CMD_LATEST_POD_OPT,
    { 0 },
};

/* each member's log (newest member first), its lines after its short id;
 * with --container that one's alone, as `logs` prints it; -f: all at once */
static int
cmd_pod_logs(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct engine_log_opts o = { .tail = -1, .since = -1, .until = -1, .from = -1 };
    const char *only = NULL;
    bool ts = false, names = false, color = false;
    struct container *v = NULL;
    size_t n = 0, shown = 0;
    struct pod p;
    bool latest = false;
    char *arg, *end;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_pod_logs_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case POD_LOGS_CONTAINER:
            only = arg;
            break;
        case 't':
            ts = cmd_flag_value(arg);
            break;
        case 'f':
            o.follow = cmd_flag_value(arg);
            break;
        case 'n':
            names = cmd_flag_value(arg);
            break;
        case POD_LOGS_COLOR:
            color = cmd_flag_value(arg);
            break;
        case POD_LOGS_TAIL:
            o.tail = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0')
                return cmd_usage_error(&cmd_pod_logs_def, "invalid value \"%s\" for --tail", arg);
            break;
        case POD_LOGS_SINCE:
        case POD_LOGS_UNTIL: {
            int64_t t = time_parse_point(arg, time_now_ns());
            if (t < 0)
                return cmd_usage_error(&cmd_pod_logs_def, "invalid time \"%s\"", arg);
            *(opt == POD_LOGS_SINCE ? &o.since : &o.until) = t;
            break;
        }
        case 'l':
            latest = true;
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (opt = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0)
        return opt;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_pod_logs_def, "accepts 1 arg(s), received %d", argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || pod_load(&ctx->st, argv[optind], &p, &err) < 0)
        return cmd_report(&err);
    if (pod_containers(&ctx->st, &p, &v, &n, &err) < 0) {
        pod_free(&p);
        return cmd_report(&err);
    }
    /* the members shown moved to the front, in order */
    for (size_t i = 0; i < n; i++) {
        if (v[i].cfg.infra && engine_ctr_imageless(&v[i].cfg))
            continue; /* it writes nothing */
        if (only && strcmp(v[i].cfg.name, only) != 0
            && strncmp(v[i].cfg.id, only, strlen(only)) != 0)
            continue;
        struct container t = v[shown];
        v[shown++] = v[i];
        v[i] = t;
    }
    if (only && shown == 0)
        pcon_fail_kind(&err, PCON_ERR_NOTFOUND, 0,
                       "container %s is not in pod %s: no such container", only, p.cfg.name);
    else
        code = cmd_logs_print(ctx, v, shown, only == NULL, names, color, ts, &o);
    engine_ctr_list_free(v, n);
    pod_free(&p);
    return err.msg ? cmd_report(&err) : code;
}

const struct cmd_def cmd_pod_logs_def = {
    "pod logs",      cmd_pod_logs, "Fetch logs for pod with one or more containers",
    "[options] POD", logs_opts,
};

static const struct cmd_opt prune_opts[] = {
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { 0 },
};

/* every pod none of whose containers runs */
int
cmd_pods_prune(struct cmd_ctx *ctx, char ***removed)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *all = NULL;
    size_t nall = 0;
    struct pod *v = NULL;
    size_t n = 0;
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0 || pod_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    if (n > 0 && engine_ctr_list(&ctx->st, &all, &nall, &err) < 0) {
        pod_list_free(v, n);
        return cmd_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        struct container *cv = NULL;
        size_t cn = 0;
        bool running = false;

        pod_containers_take(all, nall, &v[i], &cv, &cn);
        for (size_t k = 0; k < cn; k++)
            running |= engine_ctr_is_active(&cv[k]);
        engine_ctr_list_free(cv, cn);
        if (running)
            continue;
        if (pod_remove(&ctx->st, &v[i], false, 0, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        strv_push(removed, v[i].cfg.id);
    }
    engine_ctr_list_free(all, nall);
    pod_list_free(v, n);
    return code;
}

static int
cmd_pod_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **removed = NULL;
    bool force = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_pod_prune_def, argc, argv, &arg)) != -1) {
        if (opt != 'f')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        force = cmd_flag_value(arg);
    }
    if (!force && !cmd_confirm("WARNING! This will remove all stopped/exited pods.."))
        return 0;
    code = cmd_pods_prune(ctx, &removed);
    for (size_t i = 0; removed && removed[i]; i++)
        printf("%s\n", removed[i]);
    return code;
}

const struct cmd_def cmd_pod_prune_def = {
    "pod prune", cmd_pod_prune, "Remove all stopped pods and their containers",
    "[options]", prune_opts,
};

static const struct cmd_opt pod_pause_opts[] = {
    { 'a', "all", 'a', NULL, "All pods" },
    CMD_LATEST_POD_OPT,
    { 0 },
};

/* pod pause, pod unpause: every container of the pod, in its cgroup (engine_ctr_pause) */
static int
pod_pause_main(const struct cmd_def *def, struct cmd_ctx *ctx, int argc, char **argv, bool pause)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **names = NULL;
    bool latest = false, all = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1) {
        if (opt == 'l')
            latest = true;
        else if (opt == 'a')
            all = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (latest && (opt = cmd_latest_insert(ctx, true, &argc, &argv)) >= 0)
        return opt;
    if (all && optind < argc)
        return cmd_usage_error(def, "--all and pods cannot be used together");
    if (!all && optind >= argc)
        return cmd_usage_error(def, "requires at least 1 arg(s), only received 0");
    {
        cleanup_free char *why = NULL, *base = engine_cgroup_base(&why);
        if (base == NULL) {
            pcon_fail(&err, 0, "%s is not supported: %s", pause ? "pause" : "unpause",
                      strcmp(why, "cgroups v1") == 0
                          ? "rootless containers cannot be frozen on cgroups v1 (no freezer is "
                            "delegated)"
                          : why);
            return cmd_report(&err);
        }
    }
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++)
        strv_push(&names, argv[i]);
    if (all) {
        struct pod *pv = NULL;
        size_t pn = 0;
        if (pod_list(&ctx->st, &pv, &pn, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < pn; i++)
            strv_push(&names, pv[i].cfg.id);
        pod_list_free(pv, pn);
    }
    /* every container of the pod (its infra too) that runs, or is paused */
    for (size_t i = 0; names && names[i]; i++) {
        struct container *v = NULL;
        size_t n = 0;
        struct pod p;
        int r = 0;
        if (pod_load(&ctx->st, names[i], &p, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        r = pod_containers(&ctx->st, &p, &v, &n, &err);
        for (size_t k = 0; r == 0 && k < n; k++)
            if (v[k].state.status == (pause ? CTR_RUNNING : CTR_PAUSED))
                r = engine_ctr_pause(&ctx->st, &v[k], pause, &err);
        if (r == 0)
            printf("%s\n", p.cfg.id);
        else {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        }
        engine_ctr_list_free(v, n);
        pod_free(&p);
    }
    return code;
}

static int
cmd_pod_pause(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_pause_main(&cmd_pod_pause_def, ctx, argc, argv, true);
}
static int
cmd_pod_unpause(struct cmd_ctx *ctx, int argc, char **argv)
{
    return pod_pause_main(&cmd_pod_unpause_def, ctx, argc, argv, false);
}

const struct cmd_def cmd_pod_pause_def = {
    "pod pause", cmd_pod_pause, "Pause one or more pods", "[options] POD [POD...]", pod_pause_opts,
};
const struct cmd_def cmd_pod_unpause_def = {
    "pod unpause",  cmd_pod_unpause, "Unpause one or more pods", "[options] POD [POD...]",
    pod_pause_opts,
};

/* --- clone: the pod again from its own create command, its members too --- */

enum { CLONE_DESTROY = 0x800, CLONE_START };

static const struct cmd_opt clone_opts[] = {
    { CLONE_DESTROY, "destroy", 0, NULL, "Remove the original pod" },
    { CLONE_START, "start", 0, NULL, "Start the copy" },
    POD_CREATE_OPTS{ 0 },
};

/* the original's create words a copy leaves out: how many (its name, id
 * and pid files, --replace) */
static size_t
pod_dropped(char *const *args, size_t i, bool hostname, bool infra_name)
{
    static const char *const flags[] = { "--replace", NULL };
    /* the copy's own hostname and infra name replace the original's */
    const char *valued[7] = { "--name", "-n", "--pod-id-file", "--infra-conmon-pidfile" };
    size_t n = 4;

    if (hostname)
        valued[n++] = "--hostname";
    if (infra_name)
        valued[n++] = "--infra-name";
    valued[n] = NULL;
    return cmd_arg_words(args, i, flags, valued);
}

static int
cmd_pod_clone(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **args = NULL, **extra = NULL;
    cleanup_free char *name = NULL;
    bool destroy = false, start = false, hostname = false, infra_name = false;
    struct container *v = NULL;
    size_t n = 0, nc;
    struct pod p, copy = { 0 };
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_pod_clone_def, argc, argv, &arg)) != -1) {
        if (opt == CLONE_DESTROY)
            destroy = cmd_flag_value(arg);
        else if (opt == CLONE_START)
            start = cmd_flag_value(arg);
        else if (opt == CO_NAME) {
            free(name);
            name = xstrdup(arg);
        } else if (opt == CMD_OPT_HELP || opt == '?') {
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        } else {
            /* any of pod create's: after the original's words, for the copy */
            const struct cmd_opt *o = clone_opts;
            while (o->name && o->id != opt)
                o++;
            if (o->name == NULL)
                return PCON_EXIT_ENGINE;
            hostname |= opt == POD_HOSTNAME;
            infra_name |= opt == POD_INFRA_NAME;
            strv_push_take(&extra,
                           arg ? xasprintf("--%s=%s", o->name, arg) : xasprintf("--%s", o->name));
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cmd_usage_error(&cmd_pod_clone_def,
                               "requires at least 1 and at most 2 arg(s),"
                               " received %d",
                               argc - optind);
    if (argc - optind == 2 && name == NULL)
        name = xstrdup(argv[optind + 1]);
    if (cmd_store_open(ctx, &err) < 0 || pod_load(&ctx->st, argv[optind], &p, &err) < 0)
        return cmd_report(&err);
    if (pod_containers(&ctx->st, &p, &v, &n, &err) < 0) {
        pod_free(&p);
        return cmd_report(&err);
    }
    if (name == NULL)
        name = cmd_clone_name(ctx, p.cfg.name);
    /* "pcon pod create ARGS": ARGS again, under the new name */
    strv_push(&args, "create");
    strv_push(&args, "--name");
    strv_push(&args, name);
    nc = strv_len(p.cfg.create_command);
    for (size_t i = 3; i < nc;) {
        size_t d = pod_dropped(p.cfg.create_command, i, hostname, infra_name);
        if (d) {
            i += d;
            continue;
        }
        strv_push(&args, p.cfg.create_command[i++]);
    }
    for (size_t i = 0; extra && extra[i]; i++)
        strv_push(&args, extra[i]);
    optind = 0; /* getopt starts afresh over the new words */
    code = pod_create_cmdline(ctx, (int) strv_len(args), args, &copy);
    /* the members, oldest first, as NAME-clone in the copy */
    for (size_t i = n; code == 0 && i-- > 0;) {
        cleanup_free char *mname = NULL;
        struct container out;
        if (v[i].cfg.infra)
            continue;
        mname = cmd_clone_name(ctx, v[i].cfg.name);
        if (cmd_ctr_clone(ctx, &v[i], mname, copy.cfg.id, NULL, NULL, &out, &err) < 0) {
            cleanup_err struct pcon_err e2 = { 0 };
            (void) pod_remove(&ctx->st, &copy, true, 0, &e2); /* nothing half-made stays */
            code = cmd_report(&err);
            break;
        }
        engine_ctr_free(&out);
    }
    if (code == 0 && destroy && pod_remove(&ctx->st, &p, true, -1, &err) < 0)
        code = cmd_report(&err);
    if (code == 0 && start && pod_start(&ctx->st, &copy, &err) < 0)
        code = cmd_report(&err);
    if (code == 0)
        printf("%s\n", copy.cfg.id);
    pod_free(&copy);
    engine_ctr_list_free(v, n);
    pod_free(&p);
    return code;
}

const struct cmd_def cmd_pod_clone_def = {
    "pod clone", cmd_pod_clone, "Clone an existing pod", "[options] POD [NAME]", clone_opts,
};

static const struct cmd_def *const pod_subcommands[] = {
    &cmd_pod_clone_def, &cmd_pod_create_def,  &cmd_pod_exists_def, &cmd_pod_inspect_def,
    &cmd_pod_kill_def,  &cmd_pod_logs_def,    &cmd_pod_pause_def,  &cmd_pod_prune_def,
    &cmd_pod_ps_def,    &cmd_pod_restart_def, &cmd_pod_rm_def,     &cmd_pod_start_def,
    &cmd_pod_stats_def, &cmd_pod_stop_def,    &cmd_pod_top_def,    &cmd_pod_unpause_def,
};

static int
cmd_pod(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "ls", "ps", "list", "ps", NULL };

    return cmd_subcommand(ctx, argc, argv, "pod", "Manage pods", pod_subcommands,
                          sizeof pod_subcommands / sizeof pod_subcommands[0], aliases);
}

const struct cmd_def cmd_pod_def = {
    "pod", cmd_pod, "Manage pods",   "COMMAND",
    NULL,  false,   pod_subcommands, sizeof pod_subcommands / sizeof pod_subcommands[0],
};
