/* SPDX-License-Identifier: Apache-2.0 */
/* The options `create` and `run` share. */
#ifndef PCON_CMD_CTR_OPTS_H
#define PCON_CMD_CTR_OPTS_H

#include "../engine/container.h"
#include "../registry/registry.h"
#include "cmd.h"

enum {
    CO_RM = 0x200,
    CO_NAME,
    CO_ENV_FILE,
    CO_NETWORK,
    CO_ENTRYPOINT,
    CO_RESTART,
    CO_TIMEOUT,
    CO_LOG_DRIVER,
    CO_LOG_OPT,
    CO_STOP_SIGNAL,
    CO_STOP_TIMEOUT,
    CO_CIDFILE,
    CO_REPLACE,
    CO_SIG_PROXY,
    CO_PULL,
    CO_ADD_HOST,
    CO_DNS,
    CO_DNS_OPTION,
    CO_DNS_SEARCH,
    CO_NO_HOSTS,
    CO_POD,
    CO_POD_ID_FILE,
    CO_CAP_ADD,
    CO_CAP_DROP,
    CO_SECURITY_OPT,
    CO_READ_ONLY,
    CO_READ_ONLY_TMPFS,
    CO_TMPFS,
    CO_SECRET,
    CO_HEALTH_CMD,
    CO_HEALTH_INTERVAL,
    CO_HEALTH_RETRIES,
    CO_HEALTH_START_PERIOD,
    CO_HEALTH_TIMEOUT,
    CO_NO_HEALTHCHECK,
    CO_HEALTH_ON_FAILURE,
    CO_INIT,
    CO_PID,
    CO_IPC,
    CO_UTS,
    CO_SHM_SIZE,
    CO_NETWORK_ALIAS,
    CO_IP,
    CO_IP6,
    CO_MAC_ADDRESS,
    CO_LABEL,
    CO_LABEL_FILE,
    CO_MOUNT,
    CO_VOLUMES_FROM,
    CO_SDNOTIFY,
    CO_CGROUPS,
    CO_CONMON_PIDFILE,
    CO_USERNS,
    CO_UIDMAP,
    CO_GIDMAP,
    CO_SUBUIDNAME,
    CO_SUBGIDNAME,
    CO_INIT_CTR,
    CO_ROOTFS,
    CO_PRIVILEGED,
    CO_DEVICE,
    CO_ULIMIT,
    CO_SYSCTL,
    CO_GROUP_ADD,
    CO_HOSTUSER,
    CO_PASSWD,
    CO_CHROOTDIRS,
    CO_IMAGE_VOLUME,
    CO_DISABLE_CONTENT_TRUST,
    CO_PASSWD_ENTRY,
    CO_TZ,
    CO_ENV_HOST,
    CO_INIT_PATH,
    CO_CGROUPNS,
    CO_OOM_SCORE_ADJ,
    CO_MEMORY_SWAP,
    CO_MEMORY_RESERVATION,
    CO_CPUS,
    CO_CPU_QUOTA,
    CO_CPU_PERIOD,
    CO_CPUSET_CPUS,
    CO_CPUSET_MEMS,
    CO_PIDS_LIMIT,
    CO_BLKIO_WEIGHT,
    CO_PIDFILE,
    CO_UMASK,
    CO_PERSONALITY,
    CO_ATTACH,
    CO_ANNOTATION,
    CO_UNSETENV,
    CO_UNSETENV_ALL,
    CO_ENV_MERGE,
    CO_HTTP_PROXY,
    CO_EXPOSE,
    CO_QUIET,
    CO_REQUIRES,
    CO_RMI,
    CO_DEVICE_READ_BPS,
    CO_DEVICE_WRITE_BPS,
    CO_DEVICE_READ_IOPS,
    CO_DEVICE_WRITE_IOPS,
    CO_BLKIO_WEIGHT_DEVICE,
    CO_CGROUP_CONF,
    CO_CGROUP_PARENT,
    CO_MEMORY_SWAPPINESS,
    CO_OOM_KILL_DISABLE,
    CO_CPU_RT_PERIOD,
    CO_CPU_RT_RUNTIME,
    CO_DEVICE_CGROUP_RULE,
    CO_SYSTEMD,
    CO_SECCOMP_POLICY,
};

/* the cgroup options beyond the common limits: create's, update's, clone's */
#define CGROUP_MORE_OPTS                                                                           \
    { CO_BLKIO_WEIGHT_DEVICE, "blkio-weight-device", 0, "DEVICE:WEIGHT",                           \
      "Block IO weight of a device (io.weight)" },                                                 \
        { CO_DEVICE_READ_BPS, "device-read-bps", 0, "DEVICE:RATE",                                 \
          "Read rate limit of a device, bytes a second (io.max)" },                                \
        { CO_DEVICE_WRITE_BPS, "device-write-bps", 0, "DEVICE:RATE",                               \
          "Write rate limit of a device, bytes a second (io.max)" },                               \
        { CO_DEVICE_READ_IOPS, "device-read-iops", 0, "DEVICE:N",                                  \
          "Read operations a second of a device (io.max)" },                                       \
        { CO_DEVICE_WRITE_IOPS, "device-write-iops", 0, "DEVICE:N",                                \
          "Write operations a second of a device (io.max)" },                                      \
        { CO_MEMORY_SWAPPINESS, "memory-swappiness", 0, "N",                                       \
          "Recorded (0 to 100): cgroup v2 has no swappiness" },                                    \
        { CO_CPU_RT_PERIOD, "cpu-rt-period", 0, "USEC", "Recorded: cgroup v2 has no realtime" },   \
    {                                                                                              \
        CO_CPU_RT_RUNTIME, "cpu-rt-runtime", 0, "USEC", "Recorded: cgroup v2 has no realtime"      \
    }

#define CREATE_OPTS                                                                                \
    { CO_ADD_HOST, "add-host", 0, "HOST:IP", "Add a custom host-to-IP mapping (host:ip)" },        \
        { CO_ANNOTATION, "annotation", 0, "KEY=VALUE", "Add an annotation to the container" },     \
        { CO_ENV_MERGE, "env-merge", 0, "KEY=VALUE",                                               \
          "Preprocess an environment variable: ${VAR} from the image's" },                         \
        { CO_EXPOSE, "expose", 0, "PORT[/PROTO]", "Expose a port or a range of ports (for -P)" },  \
        { CO_HTTP_PROXY, "http-proxy", 0, NULL,                                                    \
          "Pass the caller's proxy variables (http_proxy, ...) in (default true)" },               \
        { CO_PIDFILE, "pidfile", 0, "FILE", "Write the container process's pid to the file" },     \
        { CO_QUIET, "quiet", 'q', NULL, "Suppress output information when pulling images" },       \
        { CO_REQUIRES, "requires", 0, "CTR[,CTR]",                                                 \
          "Containers started before this one (its dependencies)" },                               \
        { CO_UMASK, "umask", 0, "MASK", "The container process's umask (default 0022)" },          \
        { CO_ATTACH, "attach", 'a', "STREAM",                                                      \
          "Show only these of the container's streams: stdin, stdout, stderr (repeatable)" },      \
        { CO_PERSONALITY, "personality", 0, "DOMAIN", "The execution domain: LINUX or LINUX32" },  \
        { CO_UNSETENV, "unsetenv", 0, "NAME", "Unset a default (the image's, pcon's) variable" },  \
        { CO_UNSETENV_ALL, "unsetenv-all", 0, NULL, "Unset every default variable" },              \
        { CO_CAP_ADD, "cap-add", 0, "CAP",                                                         \
          "Add capabilities (names, with or without CAP_, or ALL)" },                              \
        { CO_CAP_DROP, "cap-drop", 0, "CAP", "Drop capabilities (names, or ALL)" },                \
        { CO_CIDFILE, "cidfile", 0, "FILE", "Write the container ID to the file" },                \
        { CO_CONMON_PIDFILE, "conmon-pidfile", 0, "FILE",                                          \
          "Write the pid of the container's monitor to the file at each start" },                  \
        { CO_DNS, "dns", 0, "IP", "Set custom DNS servers (none: the image's /etc/resolv.conf)" }, \
        { CO_DNS_OPTION, "dns-option", 0, "OPTION", "Set custom DNS options" },                    \
        { CO_DNS_SEARCH, "dns-search", 0, "DOMAIN", "Set custom DNS search domains (.: none)" },   \
        { CO_ENTRYPOINT, "entrypoint", 0, "CMD",                                                   \
          "Overwrite the default ENTRYPOINT of the image" },                                       \
        { 'e', "env", 'e', "KEY=VALUE", "Set environment variables in the container" },            \
        { CO_ENV_FILE, "env-file", 0, "FILE", "Read in a file of environment variables" },         \
        { 'h', "hostname", 'h', "NAME", "Set the container's host name" },                         \
        { 'i', "interactive", 'i', NULL, "Keep STDIN open" },                                      \
        { CO_LOG_DRIVER, "log-driver", 0, "DRIVER",                                                \
          "Logging driver: k8s-file, none, passthrough" },                                         \
        { CO_LOG_OPT, "log-opt", 0, "max-size=SIZE", "Logging driver option" },                    \
        { CO_IP, "ip", 0, "IPv4",                                                                  \
          "Specify a static IPv4 address for the container (one network)" },                       \
        { CO_IP6, "ip6", 0, "IPv6",                                                                \
          "Specify a static IPv6 address for the container (one network with IPv6)" },             \
        { CO_MAC_ADDRESS, "mac-address", 0, "MAC",                                                 \
          "The container's MAC address on its (first) network" },                                  \
        { 'l', "label", 'l', "KEY=VALUE", "Set metadata on the container" },                       \
        { CO_LABEL_FILE, "label-file", 0, "FILE", "Read in a line delimited file of labels" },     \
        { CO_NAME, "name", 0, "NAME", "Assign a name to the container" },                          \
        { CO_NETWORK, "network", 0, "MODE",                                                        \
          "Network mode: "                                                                         \
          "slirp4netns[:allow_host_loopback=BOOL,cidr=CIDR,enable_ipv6=BOOL,mtu=N,"                \
          "outbound_addr=IP|IFACE,outbound_addr6=IP|IFACE,port_handler=rootlesskit|slirp4netns] "  \
          "(default), private, none, host, ns:PATH, container:NAME, bridge, or networks' "         \
          "names (NAME[,NAME], or --network given again)" },                                       \
        { CO_NETWORK, "net", 0, "MODE", NULL },                                                    \
        { CO_NETWORK_ALIAS, "network-alias", 0, "NAME",                                            \
          "Add a name the container answers to on its networks" },                                 \
        { CO_NO_HOSTS, "no-hosts", 0, NULL,                                                        \
          "Do not create /etc/hosts within the container, instead use the version from the "       \
          "image" },                                                                               \
        { 'p', "publish", 'p', "[IP:][HOSTPORT:]CTRPORT[/PROTO]",                                  \
          "Publish a container's port, or range of ports, to the host" },                          \
        { 'P', "publish-all", 'P', NULL,                                                           \
          "Publish all exposed ports to random ports on the host interfaces" },                    \
        { CO_POD, "pod", 0, "NAME",                                                                \
          "Run the container in a pod (NAME, ID, or new:NAME to create it)" },                     \
        { CO_POD_ID_FILE, "pod-id-file", 0, "FILE", "Read the pod's ID from the file" },           \
        { CO_PULL, "pull", 0, "POLICY",                                                            \
          "Pull the image: missing (default), always, never, newer" },                             \
        { CO_REPLACE, "replace", 0, NULL, "Replace a container of the same name" },                \
        { CO_RESTART, "restart", 0, "POLICY",                                                      \
          "Restart policy: no, on-failure[:max], always, unless-stopped" },                        \
        { CO_RM, "rm", 0, NULL, "Remove the container when it exits" },                            \
        { CO_RMI, "rmi", 0, NULL,                                                                  \
          "Remove the image after the container, unless in use (implies --rm)" },                  \
        { CO_INIT, "init", 0, NULL,                                                                \
          "Run pcon's init as PID 1: it reaps zombies, passes signals on" },                       \
        { CO_IPC, "ipc", 0, "MODE",                                                                \
          "IPC namespace: private, host, container:NAME, shareable, none" },                       \
        { CO_PID, "pid", 0, "MODE", "PID namespace: private, host, container:NAME" },              \
        { CO_UTS, "uts", 0, "MODE", "UTS namespace: private, host, container:NAME" },              \
        { CO_USERNS, "userns", 0, "MODE",                                                          \
          "User namespace: host (pcon's, default), keep-id[:uid=U,gid=G], nomap, auto[:size=N], "  \
          "container:NAME, ns:PATH" },                                                             \
        { CO_UIDMAP, "uidmap", 0, "CTR:HOST:SIZE",                                                 \
          "UID map of a user namespace of the container's own (HOST: pcon's ids)" },               \
        { CO_GIDMAP, "gidmap", 0, "CTR:HOST:SIZE", "GID map, as --uidmap" },                       \
        { CO_SUBUIDNAME, "subuidname", 0, "NAME",                                                  \
          "UID map from NAME's ranges in /etc/subuid (of this user's own ids)" },                  \
        { CO_SUBGIDNAME, "subgidname", 0, "NAME", "GID map from NAME's ranges in /etc/subgid" },   \
        { CO_PRIVILEGED, "privileged", 0, NULL,                                                    \
          "Every capability, no seccomp, no masked paths, the host's devices" },                   \
        { CO_DEVICE, "device", 0, "HOST[:CTR][:PERMS]", "Add a host device to the container" },    \
        { CO_ULIMIT, "ulimit", 0, "NAME=SOFT[:HARD]", "Resource limit (nofile, nproc, core...)" }, \
        { CO_SYSCTL, "sysctl", 0, "KEY=VALUE",                                                     \
          "A namespaced kernel setting (net.*, kernel.shm*, kernel.msg*, kernel.sem, "             \
          "fs.mqueue.*)" },                                                                        \
        { CO_GROUP_ADD, "group-add", 0, "GROUP", "More supplementary groups for the user" },       \
        { CO_HOSTUSER, "hostuser", 0, "USER", "Add a host user's account to /etc/passwd" },        \
        { CO_IMAGE_VOLUME, "image-volume", 0, "MODE",                                              \
          "The image's VOLUMEs: bind (anonymous volumes, default), tmpfs or ignore" },             \
        { CO_DISABLE_CONTENT_TRUST, "disable-content-trust", 0, NULL,                              \
          "Accepted for Docker's command line (does nothing)" },                                   \
        { CO_CHROOTDIRS, "chrootdirs", 0, "DIR",                                                   \
          "A chroot inside the container: pcon's /etc files are bound below it too" },             \
        { CO_PASSWD, "passwd", 0, NULL,                                                            \
          "Add an entry for a --user uid the image lacks to /etc/passwd (default true)" },         \
        { CO_PASSWD_ENTRY, "passwd-entry", 0, "ENTRY",                                             \
          "That entry: $USERNAME, $UID, $GID, $NAME and $HOME replaced" },                         \
        { CO_TZ, "tz", 0, "ZONE|local", "The container's time zone (/etc/localtime)" },            \
        { CO_ENV_HOST, "env-host", 0, NULL, "Pass the caller's environment into the container" },  \
        { CO_INIT_PATH, "init-path", 0, "PATH", "The init --init runs (default: pcon's own)" },    \
        { CO_CGROUPNS, "cgroupns", 0, "host|private", "Cgroup namespace (default host)" },         \
        { CO_OOM_SCORE_ADJ, "oom-score-adj", 0, "N", "OOM score adjustment (-1000 to 1000)" },     \
        { 'm', "memory", 'm', "SIZE", "Memory limit (cgroup v2 with delegation)" },                \
        { CO_MEMORY_SWAP, "memory-swap", 0, "SIZE", "Memory plus swap limit (-1: unlimited)" },    \
        { CO_MEMORY_RESERVATION, "memory-reservation", 0, "SIZE", "Memory soft limit" },           \
        { CO_CPUS, "cpus", 0, "N", "Number of CPUs (a fraction too)" },                            \
        { 'c', "cpu-shares", 'c', "N", "CPU shares (relative weight)" },                           \
        { CO_CPU_QUOTA, "cpu-quota", 0, "USEC", "CPU CFS quota per period" },                      \
        { CO_CPU_PERIOD, "cpu-period", 0, "USEC", "CPU CFS period" },                              \
        { CO_CPUSET_CPUS, "cpuset-cpus", 0, "LIST", "CPUs it may run on (0-3,5)" },                \
        { CO_CPUSET_MEMS, "cpuset-mems", 0, "LIST", "Memory nodes it may use" },                   \
        { CO_PIDS_LIMIT, "pids-limit", 0, "N", "Process limit (-1: unlimited; default 2048)" },    \
        { CO_BLKIO_WEIGHT, "blkio-weight", 0, "N", "Block IO weight (10 to 1000)" },               \
        CGROUP_MORE_OPTS,                                                                          \
        { CO_CGROUP_CONF, "cgroup-conf", 0, "KEY=VALUE",                                           \
          "A file of the container's cgroup v2 written as given (memory.high=1G)" },               \
        { CO_CGROUP_PARENT, "cgroup-parent", 0, "PATH",                                            \
          "The cgroup the container's goes in, below the delegated one" },                         \
        { CO_OOM_KILL_DISABLE, "oom-kill-disable", 0, NULL,                                        \
          "Recorded: cgroup v2 has no OOM killer switch" },                                        \
        { CO_SECCOMP_POLICY, "seccomp-policy", 0, "default|image",                                 \
          "image: the seccomp profile of the image's io.containers.seccomp.profile label" },       \
        { CO_SYSTEMD, "systemd", 0, "true|false|always",                                           \
          "systemd mode (for an init command, or always): tmpfs on /run, /run/lock, /tmp, "        \
          "/var/log/journal, stopped by SIGRTMIN+3" },                                             \
        { CO_DEVICE_CGROUP_RULE, "device-cgroup-rule", 0, "RULE",                                  \
          "Refused: rootless containers get no device cgroup" },                                   \
        { CO_SHM_SIZE, "shm-size", 0, "SIZE", "Size of /dev/shm (default 64m)" },                  \
        { CO_SDNOTIFY, "sdnotify", 0, "container|conmon|healthy|ignore",                           \
          "Who tells a service manager (NOTIFY_SOCKET) the container is ready: the container "     \
          "(default: the socket passed in, proxied), conmon (its monitor), healthy (its monitor, " \
          "once a healthcheck passes), ignore" },                                                  \
        { CO_CGROUPS, "cgroups", 0, "MODE",                                                        \
          "Cgroups mode: enabled, disabled, no-conmon, split (rootless: no limits here)" },        \
        { CO_READ_ONLY, "read-only", 0, NULL, "Make the container's root file system read-only" }, \
        { CO_ROOTFS, "rootfs", 0, NULL,                                                            \
          "The first operand is a root directory, not an image (DIR:O: an overlay over it)" },     \
        { CO_READ_ONLY_TMPFS, "read-only-tmpfs", 0, "BOOL",                                        \
          "With --read-only, tmpfs on /tmp, /run and /var/tmp (default true)" },                   \
        { CO_TMPFS, "tmpfs", 0, "PATH[:OPTS]", "Mount a tmpfs at PATH" },                          \
        { CO_HEALTH_CMD, "health-cmd", 0, "CMD",                                                   \
          "A healthcheck: a shell command, or a JSON array; none disables the image's" },          \
        { CO_HEALTH_INTERVAL, "health-interval", 0, "DURATION",                                    \
          "How often the monitor runs it (default 30s; disable: only healthcheck run)" },          \
        { CO_HEALTH_RETRIES, "health-retries", 0, "N",                                             \
          "Failures in a row that make it unhealthy (default 3)" },                                \
        { CO_HEALTH_START_PERIOD, "health-start-period", 0, "DURATION",                            \
          "Time to start during which failures do not count (default 0s)" },                       \
        { CO_HEALTH_TIMEOUT, "health-timeout", 0, "DURATION",                                      \
          "Time a check may take before it counts as failed (default 30s)" },                      \
        { CO_NO_HEALTHCHECK, "no-healthcheck", 0, NULL, "Disable any healthcheck" },               \
        { CO_HEALTH_ON_FAILURE, "health-on-failure", 0, "ACTION",                                  \
          "Once unhealthy: none (default), kill, restart or stop the container" },                 \
        { CO_SECRET, "secret", 0, "NAME[,OPTS]",                                                   \
          "A secret (pcon secret create) as /run/secrets/NAME; type=env, target=, uid=, gid=,"     \
          " mode=" },                                                                              \
        { CO_SECURITY_OPT, "security-opt", 0, "OPT",                                               \
          "Security options: seccomp=unconfined|PROFILE.json, no-new-privileges, mask=P:P, "       \
          "unmask=P:P|ALL, proc-opts=OPTS, label=..." },                                           \
        { CO_STOP_SIGNAL, "stop-signal", 0, "SIGNAL", "Signal to stop the container" },            \
        { CO_STOP_TIMEOUT, "stop-timeout", 0, "SECONDS", "Seconds before SIGKILL on stop" },       \
        { 't', "tty", 't', NULL, "Allocate a pseudo-TTY" },                                        \
        { CO_TIMEOUT, "timeout", 0, "SECONDS", "Kill the container after this many seconds" },     \
        { 'u', "user", 'u', "USER[:GROUP]",                                                        \
          "Username or UID (format: <name|uid>[:<group|gid>])" },                                  \
        { 'v', "volume", 'v', "HOST:CTR[:ro]", "Bind mount a volume into the container" },         \
        { CO_MOUNT, "mount", 0, "type=bind|volume|tmpfs,src=S,dst=D[,ro]",                         \
          "Attach a file system mount to the container" },                                         \
        { CO_VOLUMES_FROM, "volumes-from", 0, "CTR[:ro|rw]",                                       \
          "Mount the volumes of another container" },                                              \
        { 'w', "workdir", 'w', "DIR", "Working directory inside the container" }, CMD_REG_OPTS,    \
        CMD_PLATFORM_OPTS

struct create_args {
    struct engine_create_opts o;
    char **env, **env_files, **volumes, **ports;
    /* the network's files: values checked one by one as they come, the
     * combinations once all are read */
    char **dns, **dns_search, **dns_options, **add_hosts;
    bool dns_none, add_host_set;
    bool net_set;             /* --network was given */
    const char *pod;          /* --pod NAME|ID|new:NAME */
    char *pod_buf;            /* --pod-id-file's */
    char **caps_in[2];        /* --cap-add, --cap-drop as given (comma lists split) */
    char **caps[2];           /* the same, normalized */
    char **tmpfs;             /* --tmpfs, checked one by one */
    char **secrets;           /* --secret, checked one by one (the names at create) */
    char **labels, **aliases; /* --label (and --label-file's), --network-alias */
    char **volumes_from;      /* --volumes-from CTR[:ro|rw] */
    struct registry_opts reg; /* for a pull */
    bool rootfs;              /* --rootfs: the first operand is a directory */
};

/* handles one option of CREATE_OPTS: 1 when handled, 0 when not one of
 * them, -1 on a bad value */
int cmd_create_opt(struct create_args *a, int id, const char *arg, struct pcon_err *err);
void cmd_create_args_init(struct create_args *a);
void cmd_create_args_free(struct create_args *a);
/* operands: the image, then the command (the caller checked there is an
 * image); the options checked together, then the engine's create */
int cmd_create_container(struct cmd_ctx *ctx, struct create_args *a, char **operands,
                         struct container *out, struct pcon_err *err);
/* what of a makes a template of build's RUN containers, into a->o (its
 * network's files, capabilities, volumes, registry) */
int cmd_create_run_template(struct create_args *a, struct pcon_err *err);
/* the network options checked together, into a->o (pod create's too) */
int cmd_create_net_finish(struct create_args *a, struct pcon_err *err);

#endif
