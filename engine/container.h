/* SPDX-License-Identifier: Apache-2.0 */
/* Containers: the record (what was asked, container.json), the state (what
 * happened, state.json, both in the graph root), creation, starting with a
 * monitor, and the lifecycle operations. */
#ifndef PCON_ENGINE_CONTAINER_H
#define PCON_ENGINE_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "../netns/netns.h"
#include "../netns/port.h"
#include "../storage/store.h"
#include "cgroup.h"

enum ctr_status {
    CTR_CREATED = 0,
    CTR_RUNNING,
    CTR_STOPPING,
    CTR_PAUSED,
    CTR_EXITED,
    CTR_STOPPED,     /* ended without a recorded exit code (monitor killed, reboot) */
    CTR_INITIALIZED, /* `pcon init`: its processes made, the command not yet run */
};

enum restart_kind {
    RESTART_NO = 0,
    RESTART_ON_FAILURE,
    RESTART_ALWAYS,
    RESTART_UNLESS_STOPPED,
};

enum log_driver {
    LOG_K8S_FILE = 0,
    LOG_NONE,
    LOG_PASSTHROUGH,
};

/* what else of its infra a pod's member shares (podman's --share) */
#define POD_JOIN_UTS    1u
#define POD_JOIN_IPC    2u
#define POD_JOIN_PID    4u
#define POD_JOIN_CGROUP 8u
#define POD_JOIN_NET    16u /* the infra's network (else the member's own) */
#define POD_JOIN_MASK   31u
/* podman's --share default: ipc, net, uts */
#define POD_SHARE_DEFAULT (POD_JOIN_UTS | POD_JOIN_IPC | POD_JOIN_NET)

/* --sdnotify: who tells a service manager the container is up */
enum sdnotify_mode {
    SDNOTIFY_CONTAINER = 0, /* the container (podman's default): NOTIFY_SOCKET, proxied */
    SDNOTIFY_CONMON,        /* the monitor: MAINPID=<its pid> and READY=1 once the container runs */
    SDNOTIFY_IGNORE,        /* no one */
    SDNOTIFY_HEALTHY,       /* the monitor: MAINPID at once, READY=1 once a healthcheck passes */
};

/* -a/--attach: the streams a foreground container shows */
#define ATTACH_STDIN  1u
#define ATTACH_STDOUT 2u
#define ATTACH_STDERR 4u

struct ctr_config {
    char id[65];
    char *name;
    char *image_id, *image_name;
    /* run --rootfs DIR[:O]: its root is that directory (image_id ""), or
     * with :O an overlay of it (storage_container_rootfs_set) */
    char *rootfs;
    bool rootfs_overlay;
    char *created; /* RFC 3339, nanoseconds */
    enum storage_driver driver;
    char **args, **env;
    char *workdir, *user, *hostname;
    struct netns_spec net;
    char **ports; /* published, one port each: "[IP]:HOSTPORT:CTRPORT/PROTO" */
    /* --dns (servers, normalised), --dns-search ("." alone: none), --dns-option,
     * --add-host ("HOST:IP" as given); NULL when not asked */
    char **dns, **dns_search, **dns_options, **add_hosts;
    bool no_hosts;       /* --no-hosts: the image's /etc/hosts stays */
    bool no_resolv_conf; /* --dns none: the image's /etc/resolv.conf stays */
    char **volumes;
    char **labels;        /* --label KEY=VALUE */
    char **create_args;   /* the options and operands of the run or create that made it */
    char *conmon_pidfile; /* --conmon-pidfile: the monitor's pid, written at each start */
    char *pidfile;        /* --pidfile: the container's init's pid, written at each start */
    int umask;            /* --umask, or -1: 0022 */
    int personality;      /* --personality: PER_LINUX or PER_LINUX32, -1: as pcon's */
    unsigned attach;      /* -a: ATTACH_* of the streams shown in the foreground; 0: all */
    char **annotations;   /* --annotation KEY=VALUE */
    char **requires;      /* --requires: the ids of the containers started before it */
    enum sdnotify_mode sdnotify;
    char **net_aliases; /* --network-alias: more names on its user networks */
    char *static_ip;    /* --ip: its address on its (one) user network */
    char *static_ip6;   /* --ip6: its IPv6 address there */
    char *static_mac;   /* --mac-address: its MAC on its first user network */
    /* --network NAME:OPTS and network connect's options, "NAME:OPTS" each
     * (OPTS canonical: engine_net_attach_string) */
    char **net_opts;
    char **cap_add, **cap_drop; /* "CAP_X" or "ALL" (engine/caps.h); NULL: none */
    /* seccomp: NULL, podman's default profile; "unconfined"; or the path
     * --security-opt seccomp=PATH gave, whose profile is kept as it was in
     * the container's directory (seccomp.json) */
    char *seccomp;
    bool no_new_privs; /* --security-opt no-new-privileges */
    char **tmpfs;      /* --tmpfs PATH[:OPTS], checked */
    char **secrets;    /* --secret, in full (engine_spec_secret_parse's norm) */
    bool read_only;    /* --read-only: the root read-only ... */
    /* ... without tmpfs on /tmp, /run, /var/tmp (--read-only-tmpfs=false) */
    bool read_only_no_tmpfs;
    /* --pid, --ipc, --uts: NULL (its own), "host", "container:ID" (resolved
     * at create), for ipc also "none" (no /dev/shm) and "shareable" */
    char *pid_ns, *ipc_ns, *uts_ns;
    /* a user namespace of its own (engine/usermap.h): the mode
     * ("keep-id:uid=U,gid=G", "nomap", "auto:size=N", "private" for
     * --uidmap) and its maps, "CONTAINER:HOST:SIZE" with HOST in pcon's
     * namespace; NULL: pcon's own namespace */
    char *userns;
    char **uidmap, **gidmap;
    char *userns_from; /* the container whose user namespace it joins (--userns container:, a pod's
                          infra) */
    /* --privileged: every capability, no seccomp, no masked paths, the
     * host's devices; the others of engine/confine.h, checked and
     * normalised: --device "HOST:CTR:PERMS", --ulimit "NAME=SOFT:HARD",
     * --sysctl "KEY=VALUE", --group-add, --tz as the host's zone file,
     * --init-path, --cgroupns private */
    bool privileged;
    char **mask, **unmask; /* --security-opt mask=P:P, unmask=P:P|ALL */
    char *proc_opts;       /* --security-opt proc-opts=: the /proc mount's options */
    char **devices, **ulimits, **sysctls, **group_add;
    /* --hostuser: the host's passwd entries, "NAME:*:UID:GID:GECOS" */
    char **hostusers;
    char **chrootdirs;  /* --chrootdirs: pcon's /etc files bound below each too */
    bool passwd_off;    /* --passwd=false: no entry for a --user uid the image lacks */
    char *passwd_entry; /* --passwd-entry: that entry's template */
    char *localtime, *init_path;
    bool oom_score_set, cgroupns_private;
    int oom_score_adj;
    /* --memory, --cpus, --pids-limit, ... (engine/cgroup.h): a cgroup of its
     * own where one can be had; cgroups_disabled: --cgroups disabled */
    struct cgroup_limits limits;
    /* the pod's (pod create --memory, ...): written on the pod's cgroup,
     * pcon-pod-<pod>, by whichever of its containers makes it; the infra's
     * record holds them, each member a copy */
    struct cgroup_limits pod_limits;
    bool cgroups_disabled;
    /* --cgroup-parent: its cgroup below that one (cleaned, relative); a
     * pod's member's (with pod_cgroup) is its pod's, above pcon-pod-<pod> */
    char *cgroup_parent;
    int systemd;          /* --systemd as given: 0 false, 1 true, 2 always */
    bool systemd_on;      /* systemd mode (always, or true with an init for command) */
    char **systemd_tmpfs; /* its tmpfs mounts, PATH:OPTS (those no mount of the user's hides) */
    long long shm_size;   /* --shm-size in bytes; 0: 64 MiB, podman's default */
    bool init; /* --init: pcon's own init (pcon-infra -- ARGS) as PID 1, bound at /run/pcon-init */
    bool interactive, tty, rm;
    bool rmi; /* --rmi: its image (by the name it was made by) removed after it, if unused */
    enum restart_kind restart;
    int restart_max; /* on-failure:N, 0 for unlimited */
    enum log_driver log_driver;
    long long log_max_size; /* bytes, 0 for unlimited */
    int stop_signal;
    int stop_timeout; /* seconds */
    /* the healthcheck: test ("CMD-SHELL", "sh -c text" or "CMD", argv...),
     * NULL for none; times in nanoseconds (interval 0: never run by the
     * monitor, only by healthcheck run) */
    char **health_test;
    int64_t health_interval, health_timeout, health_start_period;
    int health_retries;
    char *health_on_failure; /* --health-on-failure: kill, restart, stop; NULL: none */
    int timeout;             /* --timeout: seconds the container may run, 0 for no limit */
    /* pods (pod/): the pod's id for its infra and its members, else NULL;
     * a member joins its infra (pod_infra) in the namespaces in pod_join
     * (POD_JOIN_*): with POD_JOIN_NET its network is container:INFRA */
    char *pod;
    char *pod_infra;
    bool infra;         /* the pod's infra container: pcon-infra, or an --infra-image's */
    bool pod_exit_stop; /* infra: stopped when the last member ends (--exit-policy stop) */
    bool pod_no_infra;  /* a member of a pod without infra: namespaces of its own */
    bool pod_cgroup;    /* its cgroup is in the pod's (pod create --share-parent) */
    unsigned pod_join;
    /* create --init-ctr: a pod's init container, run to its end by pod
     * start before the members (once: then removed) */
    enum ctr_init_kind { CTR_INIT_NONE, CTR_INIT_ALWAYS, CTR_INIT_ONCE } init_ctr;
};

/* a pod's infra with no image: a tmpfs root holding pcon-infra alone */
static inline bool
engine_ctr_imageless(const struct ctr_config *g)
{
    return g->infra && (g->image_id == NULL || g->image_id[0] == '\0');
}

/* its cgroup below engine_cgroup_base's (engine/cgroup.h): a pod's
 * member's in the pod's, else in its --cgroup-parent; malloc'd */
char *engine_ctr_cgroup_leaf(const struct ctr_config *g);

/* a pod's member that joins its infra's namespaces (and starts it first) */
static inline bool
engine_ctr_joins_infra(const struct ctr_config *g)
{
    return g->pod && !g->infra && !g->pod_no_infra;
}

/* the infra a pod's member joins */
static inline const char *
engine_ctr_infra_of(const struct ctr_config *g)
{
    return g->pod_infra ? g->pod_infra : g->net.target;
}

struct ctr_state {
    enum ctr_status status;
    pid_t pid; /* the container's init, in pcon's pid namespace */
    unsigned long long pid_start;
    pid_t monitor;
    unsigned long long monitor_start;
    int exit_code; /* -1 when unknown */
    char *started_at, *finished_at;
    int restart_count;
    bool stopped_by_user; /* stop/kill was asked: no restart */
    /* on user networks, while it runs: "NETWORK IP MAC" each */
    char **networks;
};

struct container {
    struct ctr_config cfg;
    struct ctr_state state;
};

/* --pull: when the image comes from its registry */
enum pull_policy { PULL_MISSING = 0, PULL_ALWAYS, PULL_NEVER, PULL_NEWER };

struct registry_opts;

/* What create and run are asked (the command line of `create`). */
struct engine_create_opts {
    const char *image;
    char **cmd;
    const char *name;
    char **env;       /* -e KEY=VALUE or KEY, in order */
    char **env_files; /* --env-file, before -e */
    const char *workdir;
    const char *user;
    char **volumes;             /* -v HOST:CTR[:OPTS] */
    char **volumes_from;        /* --volumes-from CTR[:ro|rw] */
    char **labels;              /* --label, --label-file: KEY=VALUE */
    char **create_args;         /* the command line's options and operands, kept */
    const char *conmon_pidfile; /* --conmon-pidfile */
    const char *pidfile;        /* --pidfile */
    const char *umask;          /* --umask (octal), NULL: podman's 0022 */
    const char *personality;    /* --personality LINUX|LINUX32 */
    unsigned attach;            /* -a/--attach: ATTACH_* (0: all of them) */
    char **annotations;         /* --annotation */
    char **unsetenv;            /* --unsetenv NAME: out of the image's and the default env */
    bool unsetenv_all;          /* --unsetenv-all: none of them */
    char **env_merge;           /* --env-merge KEY=VALUE with ${VAR} of the image's env */
    bool no_http_proxy;         /* --http-proxy=false: the caller's proxy variables stay out */
    char **expose;              /* --expose PORT[/PROTO]: published by -P with the image's */
    char **requires;            /* --requires NAME|ID (each, commas split) */
    enum sdnotify_mode sdnotify;
    char **net_aliases;          /* --network-alias */
    const char *static_ip;       /* --ip */
    const char *static_ip6;      /* --ip6 */
    const char *static_mac;      /* --mac-address */
    char **net_opts;             /* --network NAME:OPTS: "NAME:OPTS" each, as given */
    char **cap_add, **cap_drop;  /* --cap-add, --cap-drop, normalized */
    const char *seccomp_profile; /* --security-opt seccomp=: "unconfined", a path, or NULL */
    const char *image_volume;    /* --image-volume: "bind" (NULL), "tmpfs" or "ignore" */
    bool no_new_privs;
    char **tmpfs;
    char **secrets; /* --secret NAME[,OPTS] */
    bool read_only, read_only_no_tmpfs, init;
    const char *pid_ns, *ipc_ns, *uts_ns; /* as given: host, private, container:NAME... */
    const char *userns;                   /* --userns as given, or NULL */
    char **uidmaps, **gidmaps;            /* --uidmap, --gidmap */
    const char *subuidname, *subgidname;  /* --subuidname, --subgidname */
    bool privileged, env_host;
    char **mask, **unmask;                             /* --security-opt mask=, unmask= (ALL) */
    const char *proc_opts;                             /* --security-opt proc-opts= */
    char **devices, **ulimits, **sysctls, **group_add; /* as given */
    char **hostusers;                                  /* --hostuser NAME|UID, as given */
    char **chrootdirs;                                 /* --chrootdirs DIR[,DIR] */
    bool passwd_off;                                   /* --passwd=false */
    const char *passwd_entry;                          /* --passwd-entry */
    const char *tz, *init_path, *cgroupns, *oom_score_adj;
    struct cgroup_limits limits;     /* parsed, not checked */
    struct cgroup_limits pod_limits; /* an infra's: its pod's (pod create --memory, ...) */
    const char *cgroup_parent;       /* --cgroup-parent, as given */
    int systemd;               /* --systemd: 0 false, 1 true (the default: for init), 2 always */
    bool seccomp_policy_image; /* --seccomp-policy image: the image's label's profile */
    bool cgroups_disabled;
    long long shm_size; /* bytes, -1: the default */
    const char *hostname;
    struct netns_spec net;
    char **ports;     /* -p specs as given */
    bool publish_all; /* -P: every port the image exposes, on a random host port */
    char **dns, **dns_search, **dns_options, **add_hosts; /* checked, as ctr_config's */
    bool no_hosts, no_resolv_conf;
    const char *entrypoint;
    bool entrypoint_set;
    bool interactive, tty, rm;
    bool rmi;
    enum restart_kind restart;
    int restart_max;
    enum log_driver log_driver;
    long long log_max_size;
    int stop_signal;
    int stop_timeout;
    int timeout;
    /* --health-cmd (as given: a JSON array or a shell command, "none"),
     * --no-healthcheck; the times as given (NULL: the image's or podman's) */
    const char *health_cmd, *health_interval, *health_timeout, *health_start_period;
    int health_retries;            /* 0: not given */
    const char *health_on_failure; /* none, kill, restart, stop */
    bool no_healthcheck;
    /* around the record: where the image comes from, what the container
     * replaces, where its id is written */
    enum pull_policy pull;
    const struct registry_opts *reg; /* for a pull (always quiet); NULL: the defaults */
    bool replace;                    /* a container of the same name is removed first */
    const char *cidfile;             /* must not exist; gets the id */
    /* a pod's: its id, for the infra (image NULL: pcon-infra, cmd its
     * command if given) or a member, which joins the infra's network and
     * pod_join namespaces (infra_id NULL: a pod without infra) */
    const char *pod;
    bool infra, pod_exit_stop;
    const char *infra_id;
    unsigned pod_join;
    bool pod_cgroup;      /* its cgroup in the pod's (--share-parent) */
    const char *init_ctr; /* --init-ctr always|once, as given */
    const char *rootfs;   /* --rootfs: DIR[:O], the operand where an image would be */
};

/* --- records (engine/record.c) --- */
/* fds 3..3+n-1 the process is given (--preserve-fds, socket activation)
 * are the caller's: none of the store's may be among them */
int engine_passed_fds_check(const struct store *st, unsigned n, struct pcon_err *err);
struct image;
/* the image the container's root is made of: a --rootfs one's has no layer
 * (storage mounts its directory) */
int engine_ctr_image(struct store *st, const struct ctr_config *g, struct image *out,
                     struct pcon_err *err);
int engine_ctr_load(struct store *st, const char *name_or_id, struct container *out,
                    struct pcon_err *err);
/* all containers, newest first */
int engine_ctr_list(struct store *st, struct container **out, size_t *n, struct pcon_err *err);
void engine_ctr_free(struct container *c);
void engine_ctr_list_free(struct container *v, size_t n);
/* re-reads the state from disk (a missing or unreadable one reads as
 * created), checked against its processes */
void engine_ctr_state_reload(struct store *st, struct container *c);
/* an event of the container's in the log (storage/events.h) */
void engine_ctr_event(struct store *st, const struct container *c, const char *status,
                      char *const *attrs);
int engine_ctr_state_save(struct store *st, const struct container *c, bool sync,
                          struct pcon_err *err);
/* the record as stored in container.json */
char *engine_ctr_config_json(const struct ctr_config *g);
/* container.json written anew from c's record (its lock held) */
int engine_ctr_config_save(struct store *st, const struct container *c, struct pcon_err *err);
/* the container's lock (exclusive), held by the returned fd */
int engine_ctr_lock(struct store *st, const char *id, struct pcon_err *err);
/* removes the record, the writable layer, the run directory and the name */
int engine_ctr_remove_files(struct store *st, const struct container *c, struct pcon_err *err);
/* removes the anonymous volumes (-v /path) of a removed container g (rm -v,
 * --rm), as podman; named ones stay */
void engine_ctr_volumes_release(struct store *st, const struct ctr_config *g);
/* --rmi: the image by the name the container was made by (only that name
 * when it has others), or the whole image when no container uses it */
void engine_image_release(struct store *st, const char *image_id, const char *name);
/* gives c a new name (reserved atomically; the old one is released) */
int engine_ctr_rename(struct store *st, struct container *c, const char *name,
                      struct pcon_err *err);
/* the published ports of g, one entry each (*v malloc'd, *n of them) */
void engine_ctr_ports(const struct ctr_config *g, struct netns_port **v, size_t *n);
/* the monitor or the init is alive */
bool engine_ctr_alive(const struct container *c);
/* running, stopping or paused: the status alone. A loaded or reloaded
 * state has been checked against its processes already (gone, it reads
 * as stopped). */
bool engine_ctr_is_active(const struct container *c);
const char *engine_ctr_status_name(enum ctr_status s);
/* "Up 3 seconds", "Exited (0) 2 minutes ago", "Created", "Stopping" */
char *engine_ctr_status_human(const struct container *c);
int engine_restart_parse(const char *s, enum restart_kind *kind, int *max, struct pcon_err *err);
const char *engine_restart_name(enum restart_kind k);
int engine_log_driver_parse(const char *s, enum log_driver *out, struct pcon_err *err);
const char *engine_log_driver_name(enum log_driver d);
/* absolute paths of a container's files: its log, its run directory (in
 * the run root), its writable layer and overlay's work directory */
char *engine_ctr_log_path(struct store *st, const char *id);
char *engine_ctr_rundir(struct store *st, const char *id);
char *engine_ctr_upper_path(struct store *st, const char *id);
char *engine_ctr_work_path(struct store *st, const char *id);

/* --- user networks (engine/networks.c) --- */
/* A container's options on one network: podman's alias=, ip=, mac= and
 * interface_name= (--network NAME:OPTS, network connect's options) */
struct net_attach {
    char **aliases;
    char *ip;     /* IPv4, or NULL: the first free address */
    char *ip6;    /* IPv6 (a network with IPv6), or NULL: the first free one */
    char *mac;    /* "xx:xx:xx:xx:xx:xx", or NULL: a random one */
    char *ifname; /* or NULL: the first free ethN */
};
/* adds what opts says to a (checked, one line on error) */
int engine_net_attach_parse(const char *opts, struct net_attach *a, struct pcon_err *err);
/* a's options, canonical ("" for none; malloc'd) */
char *engine_net_attach_string(const struct net_attach *a);
/* the options on network of entries ("NAME:OPTS" each: a record's
 * net_opts, or --network's as given), all of its entries together */
int engine_net_attach_of(char *const *entries, const char *network, struct net_attach *a,
                         struct pcon_err *err);
void engine_net_attach_free(struct net_attach *a);
/* ip (an --ip, a NAME:ip=; NULL: none) is a host address of n's subnet,
 * else podman's usage error */
struct netns_network;
int engine_net_ip_check(const struct netns_network *n, const char *ip, struct pcon_err *err);
/* the same of an IPv6 address (--ip6, NAME:ip6=) and n's IPv6 subnet */
int engine_net_ip6_check(const struct netns_network *n, const char *ip, struct pcon_err *err);
/* a MAC address "xx:xx:xx:xx:xx:xx", unicast */
bool engine_mac_parse(const char *s, unsigned char out[6]);
/* network connect: one more network (by name or id) for c, in its record
 * and, when it runs, in its namespace at once, with a's options (NULL:
 * none). Connected already: done. */
int engine_ctr_network_connect(struct store *st, struct container *c, const char *network,
                               const struct net_attach *a, struct pcon_err *err);
/* network disconnect: one network less (never the last) */
int engine_ctr_network_disconnect(struct store *st, struct container *c, const char *network,
                                  struct pcon_err *err);
/* a line of ctr_state.networks: "NETWORK IP MAC IFNAME[ IP6]" (ip6 NULL:
 * none; malloc'd) */
char *engine_net_state_line(const char *network, const char *ip, const unsigned char mac[6],
                            const char *ifname, const char *ip6);
/* the fields of such a line (buffers of INET6_ADDRSTRLEN, 18 and 16
 * bytes; ip6 "" when it has none): false when it is no such line */
bool engine_net_state_parse(const char *line, char *network, size_t nsize, char *ip, char *mac,
                            char *ifname, char *ip6);

/* --- creation (engine/create.c) --- */
/* Creates the container o asks for: the id file checked, a container of
 * the same name removed (replace), the image pulled as the policy says,
 * the record made, its id written to the id file (or nothing stays). */
int engine_ctr_create(struct store *st, const struct engine_create_opts *o, struct container *out,
                      struct pcon_err *err);
/* fails when the id file exists; create checks it first, a caller may
 * check it before anything else is done */
int engine_ctr_cidfile_check(const char *cidfile, struct pcon_err *err);

/* --- starting and the monitor (engine/monitor.c) --- */
struct engine_start_opts {
    bool detach;           /* a monitor process of its own; else this process monitors */
    bool sig_proxy;        /* foreground: pass signals on to the container */
    int ready_fd;          /* detach: where to report "started" besides the return (or -1) */
    unsigned preserve_fds; /* --preserve-fds: fds 3.. passed to the container as they are */
    bool init_only;        /* `pcon init` (detached): its command held until a start */
    /* foreground with -it: the keys that detach (--detach-keys), the
     * container going on with a monitor of its own; 0 keys: none */
    unsigned char detach_keys[32];
    size_t ndetach;
};
/* Starts c. In the foreground returns when the container has exited (and
 * no restart policy brings it back), with *exit_code set; detached, returns
 * once the container runs. An initialized container's held command goes
 * on (engine_ctr_release), wherever it is started from. */
int engine_monitor_start(struct store *st, struct container *c, const struct engine_start_opts *so,
                         int *exit_code, struct pcon_err *err);
/* An initialized container's command run: its monitor told (rundir/start),
 * and its answer once the command runs (or failed to) */
int engine_ctr_release(struct store *st, struct container *c, struct pcon_err *err);

/* --- commit (engine/commit.c) --- */
struct engine_commit_opts {
    const char *image;   /* the new image's name, or NULL */
    char **changes;      /* "CMD ...", "ENV K=V": Dockerfile instructions (--change) */
    const char *message; /* the history comment */
    const char *author;
    const char *created_by; /* the history entry's text (default "pcon commit") */
};
/* the container's changes as a new image above its image */
int engine_ctr_commit(struct store *st, const struct container *c,
                      const struct engine_commit_opts *o, char id_out[65], struct pcon_err *err);
/* the container's files (its image's and its changes) as a tar to fd */
int engine_ctr_export(struct store *st, const struct container *c, int fd, struct pcon_err *err);
/* pcon mount: the container's root mounted at <rundir>/merged in pcon's
 * own mount namespace (seen from pcon unshare), staying until unmount or
 * rm; a running container's is its process's; *path malloc'd */
int engine_ctr_mount(struct store *st, const struct container *c, char **path,
                     struct pcon_err *err);
/* its mount, if any, undone */
int engine_ctr_unmount(struct store *st, const struct container *c, struct pcon_err *err);
/* the mount engine_ctr_mount made, or NULL */
char *engine_ctr_mounted(struct store *st, const struct container *c);
/* the mount points a container's root gets from pcon (left out of diff and commit) */
const char *const *engine_ctr_placeholders(void);
/* a name as the store keeps it (localhost/ for a short one) */
int engine_image_name_canon(const char *name, char **out, struct pcon_err *err);
/* an unnamed file in the store for a layer's tar (O_TMPFILE) */
int engine_layer_tmpfile(struct store *st, struct pcon_err *err);

/* --- exec (engine/exec.c) --- */
struct engine_exec_opts {
    char **args;
    char **env; /* -e KEY=VALUE or KEY */
    const char *user, *workdir;
    bool interactive, tty, detach;
    bool privileged;       /* --privileged: every capability (the container's seccomp stays) */
    unsigned preserve_fds; /* --preserve-fds: the caller's fds 3..3+N-1 passed down */
    unsigned char detach_keys[32]; /* -it: the keys that detach (--detach-keys) */
    size_t ndetach;                /* 0: none */
};
/* runs a process in the running container c; *exit_code is its code */
int engine_ctr_exec(struct store *st, struct container *c, const struct engine_exec_opts *o,
                    int *exit_code, struct pcon_err *err);

/* --- cp (engine/cp.c) --- */
/* copies src (a host path when into, else a container path) to dst */
int engine_ctr_copy(struct store *st, struct container *c, bool into, const char *src,
                    const char *dst, bool overwrite, struct pcon_err *err);

/* --- operations (engine/ops.c) --- */
/* stop and kill have been asked for c: no restart policy brings it back
 * (a paused one thawed, so that it sees its signal); stopping: shown as
 * stopping until it exits */
int engine_ctr_mark_stopping(struct store *st, struct container *c, bool stopping,
                             struct pcon_err *err);
/* stop signal, then SIGKILL after timeout seconds (warning); *killed is
 * set when SIGKILL was needed */
int engine_ctr_stop(struct store *st, struct container *c, int timeout, bool *killed,
                    struct pcon_err *err);
int engine_ctr_kill(struct store *st, struct container *c, int sig, struct pcon_err *err);
/* freezes (pause) or thaws a running container in its cgroup (engine/cgroup.h) */
int engine_ctr_pause(struct store *st, struct container *c, bool pause, struct pcon_err *err);
/* waits for the container to exit; returns its exit code (-1: unknown) */
int engine_ctr_wait(struct store *st, struct container *c);
/* removes c; a running container needs force (killed first) */
int engine_ctr_remove(struct store *st, struct container *c, bool force, struct pcon_err *err);
/* the same; deps_checked: the caller found no container joining c's
 * namespaces (engine_ctr_dependents_in over a list of its own: rm of many) */
int engine_ctr_remove_checked(struct store *st, struct container *c, bool force, bool deps_checked,
                              struct pcon_err *err);
/* the ids of the containers that join c's namespaces (with requires, also
 * those that --require it), sorted; NULL: none */
char **engine_ctr_dependents(struct store *st, const struct container *c, bool requires);
/* the same over the list v (joins: those joining its namespaces; requires:
 * its --requires dependents), but those in skip */
char **engine_ctr_dependents_in(const struct container *v, size_t n, const struct container *c,
                                bool joins, bool requires, char *const *skip);
/* podman's refusal naming deps (sorted here), or 0 for none */
int engine_ctr_dependents_error(const struct container *c, char **deps, struct pcon_err *err);
/* "SIGTERM", "TERM", "15" -> 15 */
int engine_signal_parse(const char *s, int *out, struct pcon_err *err);

#endif
