// SPDX-License-Identifier: Apache-2.0
/* Starting a container and watching it: the monitor. In the foreground the
 * pcon process itself is the monitor; detached, a forked pcon becomes one
 * (its own session, a subreaper) and outlives the command. One event loop
 * ties the pieces: the spawn (engine/spawn.c), the stdio relay
 * (engine/relay.c) into the log (engine/ctr_log.c), the attach server
 * (engine/attach.c), the state and restart policy (engine/ctr_state.c),
 * signals and the --timeout timer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../storage/secret.h"
#include "../lib/fsutil.h"
#include "../lib/loop.h"
#include "../lib/proc.h"
#include "../netns/netns.h"
#include "../netns/port.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "../storage/volume.h"
#include "attach.h"
#include "caps.h"
#include "confine.h"
#include "seccomp.h"
#include "usermap.h"
#include "container.h"
#include "ctr_log.h"
#include "ctr_state.h"
#include "etc_files.h"
#include "health.h"
#include "infra.h"
#include "../lib/log.h"
#include "../lib/sdnotify.h"
#include "../netns/netd.h"
#include "init.h"
#include "mounts.h"
#include "relay.h"
#include "spawn.h"
#include "spec.h"
#include "userns.h"

#define NOTIFY_DIR "/run/notify" /* the container's notify socket's directory */

struct monitor {
    struct store *st;
    struct container *c;
    struct image img;
    char *rundir, *rootfs;
    struct mount_plan plan;
    struct etc_plan etc; /* which /etc files are bound, and from where */
    struct volume *volumes;
    size_t nvolumes;
    bool mounted; /* the monitor mounted the root (fuse-overlayfs, a user namespace of its own) */
    /* a user namespace of the container's own: its maps and their shift */
    bool own_userns;
    bool userns_created; /* by this start's clone (else joined): its maps to write */
    struct usermap_shift shift;
    /* the delegated cgroup v2 directory its cgroup goes in, or NULL */
    char *cgroup_base;
    bool echo;  /* foreground: the output on our stdout and stderr too */
    bool pipes; /* the output through pipes (the log), else our stdio */
    bool sig_proxy;
    bool stdin_fwd; /* foreground -it: our stdin to the container's terminal */
    bool raw;       /* our terminal is in raw mode: restore it */
    struct termios saved_tio;
    struct loop loop;
    struct relay io;
    struct ctr_log_writer log;
    struct attach_server attach;
    struct loop_timer timeout;
    struct loop_timer health; /* the next healthcheck */
    struct loop_timer trim;   /* a detached monitor's second trim, once it has settled */
    struct netns_port *ports; /* published */
    size_t nports;
    struct netns_helper net; /* the user-mode network's helper, or pid -1 */
    int netd;                /* on user networks: the connection to pcon-netd, or -1 */
    char **net_ips;          /* and the address on each of them (the same across restarts) */
    char **net_ips6;         /* the IPv6 one on each ("" on a network without IPv6) */
    char *net_addr;          /* the first, for /etc/hosts */
    char *net_addr6;         /* the first IPv6 one, for /etc/hosts too */
    char **nameservers;      /* the gateways of those with DNS */
    int notify_fd;           /* --sdnotify=container: the container's NOTIFY_SOCKET, or -1 */
    pid_t health_pid;        /* the healthcheck running, or 0 */
    bool restart_once;   /* --health-on-failure=restart: this exit restarts, whatever the policy */
    bool ready_sent;     /* --sdnotify=healthy: READY=1 told */
    char **notify_env;   /* the container's environment, with NOTIFY_SOCKET */
    bool notify_mainpid; /* MAINPID (this monitor) told the service manager */
    unsigned listen_fds; /* socket activation: fds 3.. for the container (LISTEN_FDS) */
    unsigned pass_fds;   /* fds 3.. the container gets: those, or --preserve-fds's */
    char **ctr_env;      /* the container's environment with what the monitor adds */
    char **secret_env;   /* --secret type=env: NAME=VALUE each */
    pid_t pid;
    int64_t started_ns;
    bool exited;
    int code;
    bool hold;     /* `pcon init`: the command held before execve until a start */
    int held_sync; /* the held init's sync socket, or -1 */
    int start_fd;  /* listening on rundir/start while it is held, or -1 */
    /* a detachable foreground run (-it, detach keys): the keys, and the
     * pipe to the command in front, which waits for the exit code or a
     * detach (-1 once told, or none) */
    struct detach_match detach;
    int front_fd;
};

static const int monitor_signals[] = { SIGCHLD, SIGHUP,  SIGINT,  SIGQUIT,  SIGTERM,
                                       SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH, SIGCONT,
                                       SIGTSTP, SIGTTIN, SIGTTOU };

/* the held init's start socket closed, and gone */
static void
start_close(struct monitor *m)
{
    if (m->start_fd < 0)
        return;
    loop_unwatch(&m->loop, m->start_fd);
    close(m->start_fd);
    m->start_fd = -1;
    {
        cleanup_close int dfd = open(m->rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
            (void) unlinkat(dfd, "start", 0);
    }
}

static void
monitor_free(struct monitor *m)
{
    storage_image_free(&m->img);
    start_close(m);
    if (m->held_sync >= 0)
        close(m->held_sync);
    if (m->cgroup_base) {
        cleanup_free char *leaf = engine_ctr_cgroup_leaf(&m->c->cfg);
        engine_cgroup_remove(m->cgroup_base, leaf); /* empty once the init is reaped */
        free(m->cgroup_base);
    }
    free(m->rundir);
    free(m->rootfs);
    engine_mounts_plan_free(&m->plan);
    engine_etc_plan_free(&m->etc);
    for (size_t i = 0; i < m->nvolumes; i++)
        engine_spec_volume_free(&m->volumes[i]);
    free(m->volumes);
    engine_relay_close(&m->io);
    netns_slirp_stop(&m->net);
    netns_netd_close(m->netd);
    strv_free(m->net_ips);
    strv_free(m->net_ips6);
    free(m->net_addr);
    free(m->net_addr6);
    strv_free(m->nameservers);
    if (m->notify_fd >= 0) {
        loop_unwatch(&m->loop, m->notify_fd);
        close(m->notify_fd);
    }
    strv_free(m->notify_env);
    strv_free(m->ctr_env);
    for (size_t i = 0; m->secret_env && m->secret_env[i]; i++)
        explicit_bzero(m->secret_env[i], strlen(m->secret_env[i]));
    strv_free(m->secret_env);
    free(m->ports);
    engine_ctr_log_close(&m->log);
    engine_attach_close(&m->attach);
    loop_fini(&m->loop); /* the signal mask back as it was */
    if (m->raw)
        (void) tcsetattr(0, TCSADRAIN, &m->saved_tio); /* the user's terminal back */
}

/* the run directory: the mount point and the /etc files bound into the
 * root, written anew at every start (the run root may have been lost);
 * with container:X, this container's name added to X's hosts */
static int
rundir_prepare(struct monitor *m, struct pcon_err *err)
{
    cleanup_close int dfd = -1;

    if (m->rundir == NULL)
        m->rundir = engine_ctr_rundir(m->st, m->c->cfg.id);
    m->rootfs = xasprintf("%s/merged", m->rundir);
    if (fs_mkdir_p(m->rootfs, 0700, err) < 0)
        return -1;
    dfd = open(m->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", m->rundir);
    struct etc_net net = { m->net_addr, m->nameservers, m->net_addr6 };

    engine_etc_plan_free(&m->etc);
    if (engine_etc_plan(m->st, &m->c->cfg, &m->etc, err) < 0
        || engine_etc_files_write(dfd, &m->c->cfg, &m->etc, &net, err) < 0)
        return -1;
    if (m->c->cfg.init && engine_infra_program_write(dfd, "pcon-init", err) < 0)
        return -1;
    return engine_etc_hosts_join(&m->c->cfg, &m->etc, err);
}

/* the /etc files another container's run directory holds: bound from
 * there, where the plan binds this one's */
static void
plan_etc_sources(struct monitor *m)
{
    for (size_t f = 0; f < ETC_FILES; f++) {
        cleanup_free char *own = engine_etc_file_path(m->rundir, (enum etc_file) f);
        if (m->etc.path[f] == NULL || m->etc.own[f])
            continue;
        for (size_t i = 0; i < m->plan.n; i++) {
            struct mount_op *op = &m->plan.ops[i];
            if (op->kind == MOUNT_BIND && op->src && strcmp(op->src, own) == 0) {
                free(op->src);
                op->src = xstrdup(m->etc.path[f]);
                break;
            }
        }
    }
}

/* a named volume's content directory; the first mount copies the image's
 * content at its path in (as podman) */
static int
named_volume_resolve(struct monitor *m, struct volume *v, struct pcon_err *err)
{
    struct volume_rec rec;

    if (storage_volume_load(m->st, v->src, &rec, err) < 0)
        return pcon_prefix(err, "volume of container %s", m->c->cfg.name);
    v->copy_up = rec.needs_copy_up;
    v->name = steal_ptr(&rec.name);
    storage_volume_free(&rec);
    free(v->src);
    v->src = storage_volume_path(m->st, v->name);
    return 0;
}

/* one secret file in the run directory: the owner and mode asked, the
 * data written whole */
static int
secret_file_write(const char *path, const char *data, size_t len, const struct secret_spec *sp,
                  struct pcon_err *err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0 || fs_write_all(fd, data, len) < 0
        || fchown(fd, (uid_t) sp->uid, (gid_t) sp->gid) < 0 || fchmod(fd, (mode_t) sp->mode) < 0)
        return pcon_fail(err, errno, "write secret %s", sp->name);
    return 0;
}

/* --secret: each file written anew into the run directory and bound
 * read-only at its target; each variable kept for the environment. The
 * secret is read at every start, as podman does. */
static int
secrets_prepare(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    int r = 0;

    for (size_t i = 0; m->secret_env && m->secret_env[i]; i++)
        explicit_bzero(m->secret_env[i], strlen(m->secret_env[i]));
    strv_free(m->secret_env);
    m->secret_env = NULL;
    for (size_t i = 0; r == 0 && g->secrets && g->secrets[i]; i++) {
        struct secret_spec sp;
        struct secret_rec rec;
        char *data = NULL;
        size_t len = 0;

        if (engine_spec_secret_parse(g->secrets[i], &sp, NULL, err) < 0)
            return -1;
        r = storage_secret_lookup(m->st, sp.name, &rec, err);
        if (r == 0) {
            data = storage_secret_data(m->st, &rec, &len, err);
            storage_secret_free(&rec);
            r = data ? 0 : -1;
        }
        if (r == 0 && sp.env) {
            strv_push_take(&m->secret_env, xasprintf("%s=%s", sp.target, data));
        } else if (r == 0) {
            cleanup_free char *dir = xasprintf("%s/secrets", m->rundir);
            cleanup_free char *path = xasprintf("%s/%zu", dir, i);
            if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                r = pcon_fail(err, errno, "create %s", dir);
            if (r == 0)
                r = secret_file_write(path, data, len, &sp, err);
            if (r == 0) {
                m->volumes = xrealloc(m->volumes, (m->nvolumes + 1) * sizeof *m->volumes);
                m->volumes[m->nvolumes++] = (struct volume){ .src = steal_ptr(&path),
                                                             .dst = xstrdup(sp.target),
                                                             .ro = true };
            }
        }
        if (data)
            explicit_bzero(data, len);
        free(data);
        engine_spec_secret_free(&sp);
    }
    return r < 0 ? pcon_prefix(err, "container %s", g->name) : 0;
}

/* Whether a namespace joined from container target (a name or id; NULL:
 * none) is one the container's user namespace does not own: its own, or
 * one of a path, against pcon's (or another's) that owns what target
 * has. Then its proc, sysfs or mqueue cannot be mounted by the init:
 * MOUNT_JOINED_FS. */
static bool
joined_unowned(struct monitor *m, const char *target)
{
    const struct ctr_config *g = &m->c->cfg;
    struct container other;
    bool shared;

    if (target == NULL || g->uidmap == NULL)
        return false;
    if (g->userns_from == NULL)
        return true;
    if (engine_ctr_load(m->st, target, &other, NULL) < 0)
        return true;
    /* the one whose user namespace it joins, or one that joins it too */
    shared = strcmp(other.cfg.id, g->userns_from) == 0
             || (other.cfg.userns_from && strcmp(other.cfg.userns_from, g->userns_from) == 0);
    engine_ctr_free(&other);
    return !shared;
}

static const char *
container_target(const char *mode)
{
    return mode && strncmp(mode, "container:", 10) == 0 ? mode + 10 : NULL;
}

static int
plan_prepare(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    bool joined_net = joined_unowned(m, g->net.mode == NETNS_JOIN_CTR ? g->net.target : NULL);
    struct mount_plan_opts po = {
        /* sysfs wants the owner of the network namespace: pcon owns all
         * but the host's and one at a path */
        .private_net = g->net.mode != NETNS_HOST && g->net.mode != NETNS_JOIN_PATH && !joined_net,
        .joined_net = joined_net,
        .joined_pid = joined_unowned(m, container_target(g->pid_ns)),
        .joined_ipc = joined_unowned(m, container_target(g->ipc_ns)),
        .host_pid = g->pid_ns && strcmp(g->pid_ns, "host") == 0,
        .single_mapping = engine_userns_single_mapping(),
        .userdata = m->rundir,
        .etc_skipped = engine_etc_files_skipped(&m->etc),
        .tmpfs = g->tmpfs,
        .early_tmpfs = g->systemd_tmpfs,
        .read_only_tmpfs = g->read_only && !g->read_only_no_tmpfs,
        .host_ipc = g->ipc_ns && strcmp(g->ipc_ns, "host") == 0,
        .no_shm = g->ipc_ns && strcmp(g->ipc_ns, "none") == 0,
        .shm_size = g->shm_size,
    };
    cleanup_free char *init = !g->init       ? NULL
                              : g->init_path ? xstrdup(g->init_path)
                                             : xasprintf("%s/pcon-init", m->rundir);
    cleanup_strv char **devices = g->privileged ? engine_devices_privileged() : NULL;
    cleanup_free char *shm = NULL;

    /* a pod's members share its /dev/shm with their ipc namespace; the
     * infra, started first, makes it */
    if (g->pod && (g->infra || (g->pod_join & POD_JOIN_IPC))) {
        if (g->infra && engine_pod_shm_prepare(m->st, g->pod, g->shm_size, err) < 0)
            return -1;
        po.shm = shm = engine_pod_shm_path(m->st, g->pod);
    }
    for (size_t i = 0; g->volumes && g->volumes[i]; i++) {
        m->volumes = xrealloc(m->volumes, (m->nvolumes + 1) * sizeof *m->volumes);
        struct volume *v = &m->volumes[m->nvolumes];
        if (engine_spec_volume_parse(g->volumes[i], v, err) < 0)
            return -1;
        m->nvolumes++;
        if (v->named && named_volume_resolve(m, v, err) < 0)
            return -1;
    }
    if (m->notify_fd >= 0) {
        /* the proxy's socket at /run/notify/notify.sock inside */
        m->volumes = xrealloc(m->volumes, (m->nvolumes + 1) * sizeof *m->volumes);
        m->volumes[m->nvolumes++] =
            (struct volume){ .src = xasprintf("%s/notify", m->rundir), .dst = xstrdup(NOTIFY_DIR) };
    }
    if (secrets_prepare(m, err) < 0)
        return -1;
    po.volumes = m->volumes;
    po.nvolumes = m->nvolumes;
    for (size_t i = 0; g->ports && g->ports[i]; i++)
        if (netns_port_parse(g->ports[i], &m->ports, &m->nports, err) < 0)
            return -1;
    po.init = init;
    po.privileged = g->privileged;
    po.mask = g->mask;
    po.unmask = g->unmask;
    po.proc_opts = g->proc_opts;
    po.localtime = g->localtime;
    for (size_t i = 0; g->devices && g->devices[i]; i++)
        strv_push(&devices, g->devices[i]);
    po.devices = devices;
    if (engine_mounts_plan(&po, &m->plan, err) < 0)
        return -1;
    plan_etc_sources(m);
    /* --chrootdirs: the /etc files pcon binds, below each too */
    for (size_t d = 0; g->chrootdirs && g->chrootdirs[d]; d++)
        for (size_t i = 0, n = m->plan.n; i < n; i++) {
            const struct mount_op *op = &m->plan.ops[i];
            if (op->kind == MOUNT_BIND && op->src
                && (strcmp(op->dst, "/etc/hosts") == 0 || strcmp(op->dst, "/etc/resolv.conf") == 0
                    || strcmp(op->dst, "/etc/hostname") == 0)) {
                cleanup_free char *src = xstrdup(op->src);
                cleanup_free char *dst = xasprintf("%s%s", g->chrootdirs[d], op->dst);
                engine_mounts_plan_bind(&m->plan, src, dst, op->ro);
            }
        }
    return 0;
}

/* whether passwd text has an entry of that name or uid */
static bool
passwd_has(const char *text, const char *name, size_t len, unsigned long uid)
{
    for (const char *l = text; l && *l;) {
        const char *c = strchr(l, ':'), *id = c ? strchr(c + 1, ':') : NULL;
        if ((name && c && (size_t) (c - l) == len && strncmp(l, name, len) == 0)
            || (id && id[1] >= '0' && id[1] <= '9' && strtoul(id + 1, NULL, 10) == uid))
            return true;
        l = strchr(l, '\n');
        l = l ? l + 1 : NULL;
    }
    return false;
}

/* text with a user's entry added, unless its uid (or, by_name, its name)
 * has one: podman's form, or --passwd-entry's with $USERNAME, $UID, $GID,
 * $NAME and $HOME replaced */
static char *
user_added(char *text, const char *tpl, const char *user, unsigned long uid, unsigned long gid,
           const char *gecos, const char *home, bool by_name)
{
    cleanup_free char *line = NULL;

    if (passwd_has(text, by_name ? user : NULL, strlen(user), uid))
        return text;
    if (tpl == NULL) {
        line = xasprintf("%s:*:%lu:%lu:%s:%s:/bin/sh", user, uid, gid, gecos, home);
    } else {
        line = xstrdup("");
        for (const char *p = tpl; *p;) {
            static const char *const vars[] = { "$USERNAME", "$UID", "$GID", "$NAME", "$HOME" };
            size_t v = 0;
            while (v < 5 && strncmp(p, vars[v], strlen(vars[v])) != 0)
                v++;
            if (v == 5) {
                xappendf(&line, "%c", *p++);
                continue;
            }
            if (v == 0)
                xappendf(&line, "%s", user);
            else if (v == 1 || v == 2)
                xappendf(&line, "%lu", v == 1 ? uid : gid);
            else
                xappendf(&line, "%s", v == 3 ? gecos : home);
            p += strlen(vars[v]);
        }
    }
    xappendf(&text, "%s%s\n", *text && text[strlen(text) - 1] != '\n' ? "\n" : "", line);
    return text;
}

/* the passwd text with --hostuser's entries ("NAME:*:UID:GID:GECOS", as
 * the record keeps them) added, podman's form, but those it has by name
 * or id */
static char *
hostusers_added(char *text, const struct ctr_config *g, const char *home)
{
    for (size_t i = 0; g->hostusers && g->hostusers[i]; i++) {
        const char *e = g->hostusers[i], *c = strchr(e, ':'), *gecos = NULL;
        cleanup_free char *name = c ? xstrndup(e, (size_t) (c - e)) : NULL;
        unsigned long uid, gid;

        for (int k = 0, n = 0; c && c[k] && n < 4; k++)
            if (c[k] == ':' && ++n == 4)
                gecos = c + k + 1;
        if (gecos && sscanf(c, ":*:%lu:%lu:", &uid, &gid) == 2)
            text = user_added(text, NULL, name, uid, gid, gecos, home, true);
    }
    return text;
}

/* --user UID[:GID] as numbers: them (GID 0 when not given), as podman adds
 * an entry for them */
static bool
user_numeric(const char *user, unsigned long *uid, unsigned long *gid)
{
    char *end;

    if (user == NULL || *user < '0' || *user > '9')
        return false;
    *uid = strtoul(user, &end, 10);
    *gid = 0;
    if (*end == ':' && end[1] >= '0' && end[1] <= '9')
        *gid = strtoul(end + 1, &end, 10);
    else if (*end == ':')
        end += strlen(end); /* a group by name: its own gid is the image's business */
    return *end == '\0';
}

/* --userns keep-id and --hostuser: their users in the image's /etc/passwd
 * (keep-id's group in /etc/group) unless there; copies in the run
 * directory, bound over them */
static int
passwd_files(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    unsigned long uid = 0, gid = 0;
    const char *name = NULL, *gecos = "container user";
    cleanup_free char *uname = NULL, *gname = NULL;
    static const char *const files[] = { "etc/passwd", "etc/group" };
    bool keep_id = engine_usermap_keep_id(g, &uid, &gid);
    unsigned long nuid = 0, ngid = 0;
    /* (root, every image's, costs the default start nothing) */
    bool numeric = !keep_id && !g->passwd_off && user_numeric(g->user, &nuid, &ngid) && nuid != 0;

    /* (a --rootfs directory's own /etc files are the user's, as they are) */
    if ((!keep_id && !numeric && g->hostusers == NULL) || engine_ctr_imageless(g) || g->rootfs)
        return 0;
    /* the invoking user's own id: its name and comment (the host's); another
     * id: the number */
    if (keep_id) {
        cleanup_free char *map = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 65536, NULL, NULL);
        unsigned long in, out, n;
        struct passwd *pw = NULL;
        if (map && sscanf(map, "%lu %lu %lu", &in, &out, &n) == 3 && in == 0 && out == uid)
            pw = getpwuid((uid_t) out);
        if (pw && pw->pw_name[0] && strpbrk(pw->pw_name, ":\n") == NULL) {
            name = pw->pw_name;
            gecos = pw->pw_gecos && strpbrk(pw->pw_gecos, ":\n") == NULL ? pw->pw_gecos : "";
        }
    }
    uname = name ? xstrdup(name) : xasprintf("%lu", uid);
    gname = name ? xstrdup(name) : xasprintf("%lu", gid);
    for (size_t f = 0; f < 2; f++) {
        cleanup_free char *text = storage_container_file(m->st, &m->img, g->id, files[f], 4 << 20);
        cleanup_free char *out = NULL, *path = NULL;
        if (f == 1 && !keep_id)
            break;
        if (text == NULL)
            text = xstrdup("");
        if (f == 0) {
            const char *home = g->workdir ? g->workdir : "/";
            cleanup_free char *nname = xasprintf("%lu", nuid);
            out = xstrdup(text);
            if (keep_id)
                out = user_added(out, g->passwd_entry, uname, uid, gid, gecos, home, false);
            if (numeric)
                out = user_added(out, g->passwd_entry, nname, nuid, ngid, "container user", home,
                                 false);
            out = hostusers_added(out, g, home);
            if (strcmp(out, text) == 0) {
                free(out);
                out = NULL;
            }
        } else {
            out = engine_usermap_group(text, gid, gname, uname);
        }
        if (out == NULL)
            continue;
        path = xasprintf("%s/%s", m->rundir, f == 0 ? "passwd" : "group");
        if (fs_write_atomic_path(path, out, strlen(out), 0644, false, err) < 0)
            return -1;
        /* the container's root's, as the image's own */
        if (m->own_userns
            && chown(path, (uid_t) engine_idmap_to_outer(&m->shift.uid, 0),
                     (gid_t) engine_idmap_to_outer(&m->shift.gid, 0))
                   < 0)
            return pcon_fail(err, errno, "give %s to the container's root", path);
        engine_mounts_plan_bind(&m->plan, path, f == 0 ? "/etc/passwd" : "/etc/group", false);
    }
    return 0;
}

/* The root is mounted by the init in its own mount namespace, and goes
 * with it. The exceptions are mounted by the monitor, in a mount namespace
 * of its own: fuse-overlayfs, whose daemon must outlive each init of a
 * restarting container, and the root of a container with a user namespace
 * of its own, whose root may not reach the store (nor mount the layers
 * with the store's owner's rights, as overlay needs). */
static int
rootfs_mount(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    int r;

    r = engine_usermap_shift(g, &m->shift, err);
    if (r < 0)
        return -1;
    m->own_userns = r > 0;
    if (engine_ctr_imageless(g)) {
        /* its root is a tmpfs of its own, the monitor's to make for a user
         * namespace of its own */
        if (!m->own_userns)
            return 0;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
            return pcon_fail(err, errno, "create the monitor's mount namespace");
        if (engine_infra_root(m->rootfs, (uid_t) engine_idmap_to_outer(&m->shift.uid, 0),
                              (gid_t) engine_idmap_to_outer(&m->shift.gid, 0), err)
            < 0)
            return -1;
        m->mounted = true;
        return 0;
    }
    if (engine_ctr_image(m->st, g, &m->img, err) < 0)
        return pcon_prefix(err, "image of container %.12s", g->id);
    m->st->driver = g->driver;
    if (g->driver != STORAGE_DRIVER_FUSE && !m->own_userns)
        return 0;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return pcon_fail(err, errno, "create the monitor's mount namespace");
    /* a first start of a user namespace of its own goes over the view of
     * the layers while their shifted copies are made */
    if (storage_rootfs_mount(m->st, &m->img, g->id, m->own_userns ? &m->shift.s : NULL, m->rootfs,
                             (g->rm ? STORAGE_MOUNT_EPHEMERAL : 0) | STORAGE_MOUNT_VIEW, err)
        < 0)
        return -1;
    m->mounted = true;
    return 0;
}

/* implements relay.tap: the output goes to the log */
static void
log_tap(void *opaque, enum relay_stream s, const char *buf, size_t n)
{
    struct monitor *m = opaque;

    engine_ctr_log_write(&m->log, s == RELAY_STDERR, buf, n);
}

/* the container is over once it has exited and its output has ended */
static void
end_check(struct monitor *m)
{
    if (m->exited && engine_relay_done(&m->io))
        loop_quit(&m->loop);
}

/* implements relay.ended */
static void
output_ended(struct relay *r, void *opaque)
{
    (void) r;
    end_check(opaque);
}

static void
timeout_cb(struct loop *l, void *opaque)
{
    struct monitor *m = opaque;

    (void) l;
    if (!m->exited)
        (void) kill(m->pid, SIGKILL); /* --timeout ran out */
}

/* --sdnotify=healthy: the first healthcheck that passes tells the
 * service manager the container is ready */
static void
health_ready(struct monitor *m)
{
    struct pcon_err err = { 0 };

    if (m->c->cfg.sdnotify != SDNOTIFY_HEALTHY || m->ready_sent || m->exited)
        return;
    m->ready_sent = true;
    if (sdnotify_send("READY=1", &err) < 0) {
        pcon_warn("%s", err.msg);
        pcon_err_clear(&err);
    }
}

/* a healthcheck: run in a child of its own (reaped with the rest), so that
 * a slow check never holds up the container's output */
static void
health_cb(struct loop *l, void *opaque)
{
    struct monitor *m = opaque;
    pid_t pid;

    if (m->exited)
        return;
    pid = fork();
    if (pid == 0) {
        struct pcon_err err = { 0 };
        bool healthy;
        int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
        (void) sigprocmask(SIG_SETMASK, loop_saved_mask(l), NULL);
        if (nul >= 0) {
            (void) dup2(nul, 0);
            (void) dup2(nul, 1);
            (void) dup2(nul, 2);
        }
        engine_ctr_state_reload(m->st, m->c);
        if (engine_health_check(m->st, m->c, &healthy, &err) < 0)
            _exit(125);
        if (!healthy) {
            /* 2: unhealthy now (the retries spent), for --health-on-failure */
            cleanup_free char *status = engine_health_status(m->st, m->c);
            _exit(status && strcmp(status, "unhealthy") == 0 ? 2 : 1);
        }
        _exit(0);
    }
    if (pid > 0)
        m->health_pid = pid;
    loop_timer_arm(l, &m->health, loop_now_ns() + m->c->cfg.health_interval);
}

/* --health-on-failure, once the container turned unhealthy: kill it;
 * stop it (its stop signal, SIGKILL after its stop timeout) as `stop`
 * would, the restart policy aside; or restart it so */
static void
health_failed(struct monitor *m)
{
    const char *action = m->c->cfg.health_on_failure;
    bool stop = action && strcmp(action, "stop") == 0;

    if (action == NULL || m->exited)
        return;
    if (strcmp(action, "kill") == 0) {
        (void) kill(m->pid, SIGKILL);
        return;
    }
    if (stop)
        (void) engine_ctr_mark_stopping(m->st, m->c, true, NULL);
    else
        m->restart_once = true;
    /* the record's stop signal and timeout (1..64, >= 0: as it was read) */
    (void) kill(m->pid, m->c->cfg.stop_signal);
    loop_timer_arm(&m->loop, &m->timeout,
                   loop_now_ns() + (int64_t) m->c->cfg.stop_timeout * 1000000000LL);
}

/* SIGCHLD reaps every child (a detached monitor is a subreaper); the rest
 * are passed on to the init, SIGWINCH as the terminal's size */
static void
signal_cb(struct loop *l, const struct signalfd_siginfo *si, void *opaque)
{
    struct monitor *m = opaque;
    int status;
    pid_t r;

    (void) l;
    if (si->ssi_signo == SIGWINCH && m->io.pty >= 0) {
        if (m->echo)
            engine_relay_winsize(&m->io);
        return;
    }
    if (si->ssi_signo != SIGCHLD) {
        if (m->sig_proxy && !m->exited)
            (void) kill(m->pid, (int) si->ssi_signo); /* it may be gone already */
        return;
    }
    while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
        if (r == m->health_pid) {
            m->health_pid = 0;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                health_ready(m);
            if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
                health_failed(m);
        }
        if (r != m->pid || m->exited)
            continue;
        m->exited = true;
        m->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        netns_slirp_stop(&m->net); /* its namespace is gone */
        if (m->c->cfg.net.mode == NETNS_BRIDGE) {
            netns_netd_close(m->netd); /* its addresses and ports with it */
            m->netd = -1;
        }
        loop_timer_disarm(&m->loop, &m->timeout);
        loop_timer_disarm(&m->loop, &m->health);
        engine_relay_stdin_stop(&m->io);
        end_check(m);
    }
}

/* On user networks: an address on each (the one of the previous run
 * again, after a restart), kept by the connection to pcon-netd. The names
 * the networks' DNS answers: the container's name, its short id, its
 * aliases. */
static int
networks_alloc(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    cleanup_free char *buf = xstrdup(g->net.target);
    cleanup_strv char **names = NULL, **ips = NULL, **ips6 = NULL, **state = NULL, **dns = NULL;
    cleanup_strv char **dns6 = NULL;
    char shortid[13], *save = NULL;
    unsigned idx = 0;

    snprintf(shortid, sizeof shortid, "%.12s", g->id);
    strv_push(&names, g->name);
    strv_push(&names, shortid);
    for (size_t i = 0; g->net_aliases && g->net_aliases[i]; i++)
        strv_push(&names, g->net_aliases[i]);
    m->netd = netns_netd_connect(m->st->runroot, err);
    if (m->netd < 0)
        return -1;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save), idx++) {
        struct netns_network n;
        struct netns_attachment at;
        struct net_attach a;
        char ifname[16], ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
        char ip6[INET6_ADDRSTRLEN] = "", gw6[INET6_ADDRSTRLEN];
        cleanup_strv char **these = strv_dup(names);
        struct netns_attach_opts o = { &n, g->id, ifname, { 0 }, NULL, NULL };
        unsigned char mac[6];
        const char *want = NULL, *want_mac = NULL, *want6 = NULL;
        int r;

        /* its options on this network: its aliases there, its address
         * (kept from the last start, else asked for), MAC and name */
        (void) engine_net_attach_of(g->net_opts, w, &a, NULL); /* checked at create */
        for (size_t i = 0; a.aliases && a.aliases[i]; i++)
            strv_push(&these, a.aliases[i]);
        o.names = these;
        want = m->net_ips && idx < strv_len(m->net_ips) ? m->net_ips[idx]
               : a.ip                                   ? a.ip
               : idx == 0                               ? g->static_ip
                                                        : NULL;
        want6 = m->net_ips6 && idx < strv_len(m->net_ips6) && m->net_ips6[idx][0] ? m->net_ips6[idx]
                : a.ip6                                                           ? a.ip6
                : idx == 0                                                        ? g->static_ip6
                                                                                  : NULL;
        want_mac = a.mac ? a.mac : idx == 0 ? g->static_mac : NULL;
        if (want_mac && engine_mac_parse(want_mac, mac))
            o.want_mac = mac;
        if (a.ifname)
            snprintf(ifname, sizeof ifname, "%s", a.ifname);
        else
            snprintf(ifname, sizeof ifname, "eth%u", idx);
        if (want)
            (void) inet_pton(AF_INET, want, &o.want);
        if (want6)
            (void) inet_pton(AF_INET6, want6, &o.want6);
        engine_net_attach_free(&a);
        if (netns_network_load(m->st->root_dfd, w, &n, err) < 0)
            return pcon_prefix(err, "network of container %s", g->name);
        r = netns_netd_alloc(m->netd, &o, &at, err);
        if (r == 0) {
            inet_ntop(AF_INET, &at.ip, ip, sizeof ip);
            inet_ntop(AF_INET, &n.gateway, gw, sizeof gw);
            if (at.has6) {
                inet_ntop(AF_INET6, &at.ip6, ip6, sizeof ip6);
                inet_ntop(AF_INET6, &n.gateway6, gw6, sizeof gw6);
            }
            strv_push(&ips, ip);
            strv_push(&ips6, ip6);
            strv_push_take(&state,
                           engine_net_state_line(n.name, ip, at.mac, ifname, at.has6 ? ip6 : NULL));
            /* the IPv4 gateways first, as the IPv6 ones may not be reached
             * by every resolver */
            if (n.dns)
                strv_push(&dns, gw);
            if (n.dns && at.has6)
                strv_push(&dns6, gw6);
        }
        netns_network_free(&n);
        if (r < 0)
            return -1;
    }
    strv_free(m->net_ips);
    m->net_ips = steal_ptr(&ips);
    free(m->net_addr);
    m->net_addr = m->net_ips && m->net_ips[0] ? xstrdup(m->net_ips[0]) : NULL;
    strv_free(m->net_ips6);
    m->net_ips6 = steal_ptr(&ips6);
    free(m->net_addr6);
    m->net_addr6 = m->net_ips6 && m->net_ips6[0][0] ? xstrdup(m->net_ips6[0]) : NULL;
    for (size_t i = 0; dns6 && dns6[i]; i++)
        strv_push(&dns, dns6[i]);
    strv_free(m->nameservers);
    m->nameservers = steal_ptr(&dns);
    strv_free(m->c->state.networks); /* recorded with the running state */
    m->c->state.networks = steal_ptr(&state);
    return 0;
}

/* With another container's network (a pod's infra's), on user networks:
 * this one's name and short id answered with its addresses, for as long
 * as this monitor runs (as podman's pods: members are found by name). */
static void
join_aliases(struct monitor *m)
{
    const struct ctr_config *g = &m->c->cfg;
    struct container other;
    char shortid[13];
    char *names[] = { g->name, shortid, NULL };
    struct pcon_err err = { 0 };

    if (g->net.mode != NETNS_JOIN_CTR || engine_ctr_load(m->st, g->net.target, &other, NULL) < 0)
        return;
    snprintf(shortid, sizeof shortid, "%.12s", g->id);
    if (other.cfg.net.mode == NETNS_BRIDGE
        && ((m->netd = netns_netd_connect(m->st->runroot, &err)) < 0
            || netns_netd_alias(m->netd, other.cfg.id, names, &err) < 0))
        pcon_warn("container %s is not found by name on its networks: %s", g->name,
                  err.msg ? err.msg : "");
    pcon_err_clear(&err);
    engine_ctr_free(&other);
}

/* a datagram from the container for the service manager: passed on,
 * after MAINPID (this monitor: the container's own pid means nothing
 * outside) and without the container's MAINPID= */
static void
notify_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct monitor *m = opaque;
    char buf[4096], out[4200];
    struct pcon_err err = { 0 };
    ssize_t n;
    size_t o = 0;

    (void) l;
    (void) events;
    while ((n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT)) > 0) {
        char *save = NULL;
        buf[n] = '\0';
        o = 0;
        if (!m->notify_mainpid)
            o += (size_t) snprintf(out, sizeof out, "MAINPID=%d\n", (int) getpid());
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            if (strncmp(line, "MAINPID=", 8) != 0 && o + strlen(line) + 2 < sizeof out)
                o += (size_t) snprintf(out + o, sizeof out - o, "%s\n", line);
        if (o == 0)
            continue;
        out[o - 1] = '\0';
        if (sdnotify_send(out, &err) < 0) {
            pcon_err_clear(&err);
            continue;
        }
        m->notify_mainpid = true;
    }
}

/* --sdnotify=container under a service manager: a socket of the
 * monitor's in the run directory, bound into the container, its path in
 * the container's NOTIFY_SOCKET */
static int
notify_prepare(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    cleanup_free char *dir = NULL, *path = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    cleanup_close int fd = -1;
    const char *outer = getenv("NOTIFY_SOCKET");

    if (g->sdnotify != SDNOTIFY_CONTAINER || outer == NULL || outer[0] == '\0' || m->notify_fd >= 0)
        return 0;
    dir = xasprintf("%s/notify", m->rundir);
    path = xasprintf("%s/notify.sock", dir);
    strcpy(sun.sun_path, "notify.sock");
    if ((mkdir(dir, 0755) < 0 && errno != EEXIST) || (unlink(path) < 0 && errno != ENOENT))
        return pcon_fail(err, errno, "prepare %s", dir);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return pcon_fail(err, errno, "create the notify socket");
    /* bound by its name in its directory: the run directory's path may be
     * longer than a socket's (108 bytes) */
    {
        cleanup_close int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r, e;
        if (here < 0 || dfd < 0 || fchdir(dfd) < 0)
            return pcon_fail(err, errno, "enter %s", dir);
        r = bind(fd, (struct sockaddr *) &sun, sizeof sun);
        e = errno;
        if (fchdir(here) < 0)
            return pcon_fail(err, errno, "leave %s", dir);
        if (r < 0)
            return pcon_fail(err, e, "bind the notify socket %s", path);
    }
    /* any user of the container may notify, as under systemd itself */
    if (chmod(path, 0777) < 0 || chmod(dir, 0755) < 0)
        return pcon_fail(err, errno, "create the notify socket %s", path);
    if (loop_watch(&m->loop, fd, EPOLLIN, notify_cb, m, err) < 0)
        return -1;
    m->notify_env = strv_dup(g->env);
    strv_push(&m->notify_env, "NOTIFY_SOCKET=" NOTIFY_DIR "/notify.sock");
    m->notify_fd = steal_fd(&fd);
    return 0;
}

static int
maps_write(pid_t pid, const char *file, char *const *specs, struct pcon_err *err)
{
    cleanup_free char *text = engine_usermap_proc_text(specs);
    cleanup_free char *path = xasprintf("/proc/%d/%s", (int) pid, file);

    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
        return pcon_fail(err, errno, "map the container's user namespace (%s)", file);
    return 0;
}

/* implements spawn_req.before_go: the maps of a user namespace of its own,
 * and the user-mode network of the child's namespace, up before the child
 * goes on (its first packet finds it) */
static int
child_prepare(pid_t pid, void *opaque, struct pcon_err *err)
{
    struct monitor *m = opaque;
    cleanup_free char *leaf = engine_ctr_cgroup_leaf(&m->c->cfg);

    if (m->userns_created
        && (maps_write(pid, "uid_map", m->c->cfg.uidmap, err) < 0
            || maps_write(pid, "gid_map", m->c->cfg.gidmap, err) < 0))
        return -1;
    /* its cgroup, before it runs anything */
    if (m->cgroup_base
        && engine_cgroup_enter(m->cgroup_base, leaf, &m->c->cfg.limits,
                               m->c->cfg.pod_cgroup ? &m->c->cfg.pod_limits : NULL, pid, err)
               < 0) {
        if (engine_cgroup_limits_any(&m->c->cfg.limits)
            || (m->c->cfg.pod_cgroup && engine_cgroup_limits_any(&m->c->cfg.pod_limits)))
            return -1;
        /* nothing asked of it: the container runs in the monitor's cgroup */
        pcon_warn("%s", err->msg);
        pcon_err_clear(err);
        free(m->cgroup_base);
        m->cgroup_base = NULL;
    }
    /* here: the init, non-dumpable from GO on, could not write its own */
    if (m->c->cfg.oom_score_set && engine_oom_score_apply(pid, m->c->cfg.oom_score_adj, err) < 0)
        return -1;
    if (!netns_mode_own(m->c->cfg.net.mode))
        return 0;

    if (m->c->cfg.net.mode == NETNS_BRIDGE) {
        if (m->netd < 0 && networks_alloc(m, err) < 0) /* a restart */
            return -1;
        return netns_netd_attach(m->netd, pid, err) < 0
                       || netns_netd_publish(m->netd, m->ports, m->nports, err) < 0
                   ? -1
                   : 0;
    }
    netns_slirp_stop(&m->net); /* a previous run's, if any */
    return netns_slirp_start(pid, &m->c->cfg.net, m->ports, m->nports, &m->net, err);
}

/* The namespaces of container id in bits (POD_JOIN_*, POD_JOIN_NET its
 * network), opened now into fds[kind]. It must be running, and is checked
 * to be the recorded process after its namespaces are opened. */
static int
join_from(struct monitor *m, const char *id, unsigned bits, int fds[NS_KINDS], struct pcon_err *err)
{
    static const struct {
        unsigned bit;
        enum ns_kind kind;
        const char *name;
    } shared[] = {
        { POD_JOIN_NET, NS_NET, "net" },          { POD_JOIN_UTS, NS_UTS, "uts" },
        { POD_JOIN_IPC, NS_IPC, "ipc" },          { POD_JOIN_PID, NS_PID, "pid" },
        { POD_JOIN_CGROUP, NS_CGROUP, "cgroup" },
    };
    struct container other;
    bool alive;

    if (engine_ctr_load(m->st, id, &other, err) < 0)
        return pcon_prefix(err, "%s of container %.12s",
                           bits == POD_JOIN_NET ? "network" : "namespaces", id);
    alive = engine_ctr_is_active(&other) && other.state.pid > 0;
    for (size_t i = 0; alive && i < sizeof shared / sizeof shared[0]; i++) {
        char path[64];
        if (!(bits & shared[i].bit))
            continue;
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) other.state.pid, shared[i].name);
        fds[shared[i].kind] = open(path, O_RDONLY | O_CLOEXEC);
        alive = fds[shared[i].kind] >= 0;
    }
    alive = alive && proc_alive(other.state.pid, other.state.pid_start);
    if (!alive)
        pcon_fail(err, 0, "%s %s, whose namespaces this one joins, is not running",
                  other.cfg.infra ? "the infra container" : "container", other.cfg.name);
    engine_ctr_free(&other);
    return alive ? 0 : -1;
}

/* The namespaces this container joins, opened now into fds[kind] (-1 for
 * the others): the network of --network ns:PATH or another container's
 * (container:ID), and a pod member's infra's: its network when the pod
 * shares it, and what else the pod shares. */
static int
join_fds(struct monitor *m, int fds[NS_KINDS], struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    unsigned infra_bits = g->pod_infra ? g->pod_join : 0;

    if (g->net.mode == NETNS_JOIN_PATH) {
        fds[NS_NET] = open(g->net.target, O_RDONLY | O_CLOEXEC);
        if (fds[NS_NET] < 0)
            return pcon_fail(err, errno, "open network namespace \"%s\"", g->net.target);
    } else if (g->net.mode == NETNS_JOIN_CTR && !(infra_bits & POD_JOIN_NET)
               && join_from(m, g->net.target, POD_JOIN_NET, fds, err) < 0) {
        return -1;
    }
    if (infra_bits && join_from(m, g->pod_infra, infra_bits, fds, err) < 0)
        return -1;
    return 0;
}

/* the user namespace of the container it joins (a pod's infra, --userns
 * container:), which must be running: opened into fds[NS_USER] */
static int
userns_join_fd(struct monitor *m, int fds[NS_KINDS], struct pcon_err *err)
{
    struct container other;
    char path[64];
    bool alive;

    if (engine_ctr_load(m->st, m->c->cfg.userns_from, &other, err) < 0)
        return pcon_prefix(err, "user namespace of container %.12s", m->c->cfg.userns_from);
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int) other.state.pid);
    alive = engine_ctr_is_active(&other) && other.state.pid > 0
            && (fds[NS_USER] = open(path, O_RDONLY | O_CLOEXEC)) >= 0
            && proc_alive(other.state.pid, other.state.pid_start);
    if (!alive)
        pcon_fail(err, 0, "%s %s, whose user namespace this one joins, is not running",
                  other.cfg.infra ? "the infra container" : "container", other.cfg.name);
    engine_ctr_free(&other);
    return alive ? 0 : -1;
}

/* --userns ns:PATH: the namespace there, as long as its maps are still
 * the ones the container's root was shifted for */
static int
userns_path_fd(struct monitor *m, int fds[NS_KINDS], struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    cleanup_strv char **um = NULL, **gm = NULL;
    int fd = engine_usermap_open_path(g->userns + 3, &um, &gm, err);

    if (fd < 0)
        return pcon_prefix(err, "container %s", g->name);
    if (!strv_equal(um, g->uidmap) || !strv_equal(gm, g->gidmap)) {
        close(fd);
        return pcon_fail(err, 0,
                         "the user namespace at %s has other id maps than when container %s "
                         "was created",
                         g->userns + 3, g->name);
    }
    fds[NS_USER] = fd;
    return 0;
}

/* --pid, --ipc, --uts: the host's, or another running container's (its
 * namespace opened now, the container checked to be its recorded process) */
static int
ns_modes_plan(struct monitor *m, struct ns_plan *ns, int fds[NS_KINDS], struct pcon_err *err)
{
    const struct {
        const char *mode;
        enum ns_kind kind;
        const char *name;
    } modes[] = {
        { m->c->cfg.pid_ns, NS_PID, "pid" },
        { m->c->cfg.ipc_ns, NS_IPC, "ipc" },
        { m->c->cfg.uts_ns, NS_UTS, "uts" },
    };

    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *v = modes[i].mode;
        struct container other;
        char path[64];
        bool alive;

        if (v && strcmp(v, "host") == 0) {
            ns->ns[modes[i].kind].mode = NS_HOST;
            continue;
        }
        if (v == NULL || strncmp(v, "container:", 10) != 0 || fds[modes[i].kind] >= 0)
            continue; /* its own (none, shareable: its own too) */
        if (engine_ctr_load(m->st, v + 10, &other, err) < 0)
            return pcon_prefix(err, "%s namespace of container %.12s", modes[i].name, v + 10);
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) other.state.pid, modes[i].name);
        alive = engine_ctr_is_active(&other) && other.state.pid > 0
                && (fds[modes[i].kind] = open(path, O_RDONLY | O_CLOEXEC)) >= 0
                && proc_alive(other.state.pid, other.state.pid_start);
        if (!alive)
            pcon_fail(err, 0, "container %s, whose %s namespace this one joins, is not running",
                      other.cfg.name, modes[i].name);
        engine_ctr_free(&other);
        if (!alive)
            return -1;
        ns->ns[modes[i].kind].mode = NS_JOIN;
        ns->ns[modes[i].kind].fd = fds[modes[i].kind];
    }
    return 0;
}

/* implements spawn_req.before_clone */
static int
joined_fs_make(void *opaque, struct pcon_err *err)
{
    struct monitor *m = opaque;

    return engine_mounts_make_joined(&m->plan, err);
}

/* Spawns an init and makes its stdio the relay's (and attach's). */
/* to the starter on fd (a pipe, or a socket whose end may be gone: no
 * SIGPIPE, which the init would inherit ignored) */
static void
starter_tell(int fd, const void *buf, size_t n)
{
    if (send(fd, buf, n, MSG_NOSIGNAL) < 0 && errno == ENOTSOCK)
        (void) !write(fd, buf, n);
}

/* what the command in front is told: 'D' detached, 'X' and the code */
static void
front_tell(struct monitor *m, char what, int code)
{
    char msg[2] = { what, (char) (unsigned char) code };

    if (m->front_fd < 0)
        return;
    loop_unwatch(&m->loop, m->front_fd);
    /* (it may be gone: no SIGPIPE, which the init would inherit ignored) */
    starter_tell(m->front_fd, msg, what == 'X' ? 2 : 1);
    close(m->front_fd);
    m->front_fd = -1;
}

/* implements relay.detached: the detach keys came. The user's terminal
 * back and our stdio theirs no more; attach clients from now on; the
 * command in front told, which ends, the container going on with us. */
static void
detached_cb(struct relay *r, void *opaque)
{
    struct monitor *m = opaque;
    struct pcon_err err = { 0 };
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    (void) r;
    if (m->raw && tcsetattr(0, TCSADRAIN, &m->saved_tio) == 0)
        m->raw = false;
    m->echo = m->io.echo = false;
    m->stdin_fwd = false;
    if (null >= 0) {
        (void) dup2(null, 0);
        (void) dup2(null, 1);
        (void) dup2(null, 2);
        close(null);
    }
    if (engine_attach_listen(&m->attach, m->rundir, &m->loop, &err) == 0) {
        if (m->io.pty >= 0)
            engine_attach_set_stdin(&m->attach, fcntl(m->io.pty, F_DUPFD_CLOEXEC, 3), true);
    } else {
        pcon_err_clear(&err); /* it runs on, unattachable */
    }
    front_tell(m, 'D', 0);
    proc_trim_resident();
}

/* the command in front is gone (killed): the terminal is the user's shell's
 * again, so we let go of it as at the detach keys */
static void
front_lost_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct monitor *m = opaque;

    (void) l;
    (void) fd;
    (void) events;
    loop_unwatch(&m->loop, m->front_fd);
    close(m->front_fd); /* nobody to tell */
    m->front_fd = -1;
    engine_relay_stdin_stop(&m->io);
    detached_cb(&m->io, m);
}

static int
monitor_spawn(struct monitor *m, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;
    /* --init: pcon's init first, the command after "--" */
    cleanup_free char **args = xzalloc((strv_len(g->args) + 3) * sizeof *args);
    struct init_config ic = {
        .rootfs = m->rootfs,
        .st = m->mounted ? NULL : m->st,
        .img = &m->img,
        .id = g->id,
        .ephemeral = g->rm,
        .plan = &m->plan,
        .hostname = g->hostname,
        .keep_hostname = (g->pod_join & POD_JOIN_UTS) != 0 || g->uts_ns != NULL,
        .read_only = g->read_only,
        .infra = engine_ctr_imageless(g),
        /* a namespace of its own: its loopback is the init's to bring up */
        .private_net = g->net.mode == NETNS_PRIVATE || netns_mode_own(g->net.mode),
        .proc = {
            .args = args,
            .env = NULL, /* ctr_env, made below */
            .user = g->user,
            .workdir = g->workdir,
            .interactive = g->interactive && m->echo,
            .tty = g->tty,
            .single_mapping = engine_userns_single_mapping(),
            .sigmask = *loop_saved_mask(&m->loop),
            .stdio = { -1, -1, -1 },
            .hold = m->hold,
        },
    };
    struct ns_plan ns;
    struct spawn_req req = {
        .ns = &ns,
        .init = &ic,
        .before_go =
            netns_mode_own(g->net.mode) || m->own_userns || g->oom_score_set || m->cgroup_base
                ? child_prepare
                : NULL,
        .before_clone = joined_fs_make,
        .opaque = m,
        .pipes = m->pipes && !g->tty, /* a terminal carries the output itself */
        .stdin_pipe = m->attach.listen_fd >= 0 && !g->tty,
    };
    struct spawn_io sio;
    int fds[NS_KINDS];
    int r, cwd;

    for (size_t k = 0; k < NS_KINDS; k++)
        fds[k] = -1;
    cleanup_free void *filter = NULL;

    /* the environment: the record's, the notify socket's, socket activation's */
    strv_free(m->ctr_env);
    m->ctr_env = strv_dup(m->notify_env ? m->notify_env : g->env);
    if (m->listen_fds) {
        const char *names = getenv("LISTEN_FDNAMES");
        strv_push_take(&m->ctr_env, xasprintf("LISTEN_FDS=%u", m->listen_fds));
        strv_push(&m->ctr_env, "LISTEN_PID=1");
        if (names)
            strv_push_take(&m->ctr_env, xasprintf("LISTEN_FDNAMES=%s", names));
    }
    for (size_t i = 0; m->secret_env && m->secret_env[i]; i++)
        engine_spec_env_set(&m->ctr_env, m->secret_env[i], NULL);
    ic.proc.env = m->ctr_env;
    ic.proc.listen_fds = m->pass_fds;
    size_t na = 0;

    if (g->init) {
        args[na++] = (char *) ENGINE_INIT_PATH;
        args[na++] = (char *) "--";
    }
    for (size_t i = 0; g->args[i]; i++)
        args[na++] = g->args[i];

    engine_ctr_caps(g, &ic.proc.caps, &ic.proc.caps_added);
    ic.proc.group_add = g->group_add;
    ic.proc.ulimits = g->ulimits;
    ic.proc.umask = g->umask;
    ic.proc.personality = g->personality;
    ic.sysctls = g->sysctls;
    ic.proc.no_new_privs = g->no_new_privs;
    if (engine_seccomp_for(m->st, g, ic.proc.caps, &filter, &ic.proc.seccomp_len, err) < 0)
        return -1;
    ic.proc.seccomp = filter;
    engine_ns_plan_container(&ns, g->net.mode == NETNS_HOST);
    if (m->own_userns)
        ns.ns[NS_USER].mode = NS_CREATE;
    if ((g->userns && strncmp(g->userns, "ns:", 3) == 0 && userns_path_fd(m, fds, err) < 0)
        || (g->userns_from && userns_join_fd(m, fds, err) < 0)) {
        if (fds[NS_USER] >= 0)
            close(fds[NS_USER]);
        return -1;
    }
    if (fds[NS_USER] >= 0) {
        ns.ns[NS_USER].mode = NS_JOIN;
        ns.ns[NS_USER].fd = fds[NS_USER];
    }
    m->userns_created = ns.ns[NS_USER].mode == NS_CREATE;
    if (g->cgroupns_private)
        ns.ns[NS_CGROUP].mode = NS_CREATE;
    if (g->net.mode == NETNS_JOIN_PATH || g->net.mode == NETNS_JOIN_CTR
        || (g->pod_infra && g->pod_join)) {
        if (join_fds(m, fds, err) < 0) {
            for (size_t k = 0; k < NS_KINDS; k++)
                if (fds[k] >= 0)
                    close(fds[k]);
            return -1;
        }
        for (size_t k = 0; k < NS_KINDS; k++)
            if (fds[k] >= 0) {
                ns.ns[k].mode = NS_JOIN;
                ns.ns[k].fd = fds[k];
            }
    }
    if (ns_modes_plan(m, &ns, fds, err) < 0) {
        for (size_t k = 0; k < NS_KINDS; k++)
            if (fds[k] >= 0)
                close(fds[k]);
        return -1;
    }
    /* the root and the bind sources, reached here for a child of a user
     * namespace of its own: the root as the working directory it is
     * cloned with, the sources as detached mounts */
    ic.root_tree = -1;
    cwd = m->own_userns ? open(".", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (m->own_userns
        && (cwd < 0 || chdir(m->rootfs) < 0
            || (ic.root_tree = open_tree(AT_FDCWD, m->rootfs,
                                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE))
                   < 0)) {
        pcon_fail(err, errno, "enter the root file system");
        r = -1;
    } else if (m->own_userns && engine_mounts_open_sources(&m->plan, err) < 0) {
        r = -1;
    } else {
        r = engine_spawn_init(&req, &m->pid, &sio, err);
    }
    engine_mounts_close_sources(&m->plan);
    if (ic.root_tree >= 0)
        close(ic.root_tree);
    if (cwd >= 0 && fchdir(cwd) < 0 && r == 0)
        pcon_warn("return to the monitor's directory: %s", strerror(errno));
    if (cwd >= 0)
        close(cwd);
    for (size_t k = 0; k < NS_KINDS; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    if (r < 0)
        return -1;
    /* a new volume filled by this first start is one no longer */
    for (size_t i = 0; i < m->nvolumes; i++)
        if (m->volumes[i].copy_up && m->volumes[i].name
            && storage_volume_filled(m->st, m->volumes[i].name, NULL) == 0)
            m->volumes[i].copy_up = false;
    m->held_sync = sio.sync;
    engine_relay_close(&m->io);
    m->io.out = sio.pty >= 0 ? sio.pty : sio.out;
    m->io.err = sio.err;
    m->io.pty = sio.pty;
    m->io.echo = m->echo;
    m->io.mute[0] = g->attach && !(g->attach & ATTACH_STDOUT);
    m->io.mute[1] = g->attach && !(g->attach & ATTACH_STDERR);
    m->io.tap = log_tap;
    m->io.ended = output_ended;
    m->io.opaque = m;
    if (m->front_fd >= 0 && m->stdin_fwd && m->detach.n) {
        m->io.detach = &m->detach;
        m->io.detached = detached_cb;
    }
    if (sio.pty >= 0 && m->stdin_fwd) {
        m->io.in = 0; /* keys go to the container's terminal as they are typed */
        m->io.to = sio.pty;
    }
    if (m->attach.listen_fd >= 0) {
        /* attach clients type into the stdin pipe, or into the terminal */
        if (sio.pty >= 0)
            engine_attach_set_stdin(&m->attach, fcntl(sio.pty, F_DUPFD_CLOEXEC, 3), true);
        else
            engine_attach_set_stdin(&m->attach, sio.in, false);
    } else if (sio.in >= 0) {
        close(sio.in);
    }
    if (sio.pty >= 0 && m->echo)
        engine_relay_winsize(&m->io);
    m->exited = false;
    m->code = -1;
    return engine_relay_start(&m->io, &m->loop, err);
}

static void
trim_cb(struct loop *l, void *opaque)
{
    (void) l;
    (void) opaque;
    proc_trim_resident();
}

/* an init spawned and recorded as running (or, held, as initialized) */
static int
monitor_start_init(struct monitor *m, struct pcon_err *err)
{
    if (monitor_spawn(m, err) < 0)
        return -1;
    if (m->held_sync >= 0)
        return engine_ctr_state_initialized(m->st, m->c, m->pid, err);
    return engine_ctr_state_running(m->st, m->c, m->pid, &m->started_ns, err);
}

static void monitor_announce(struct monitor *m);

/* A start of the initialized container: its command goes on; the answer
 * is one byte, or the init_msg of its failure (the init has exited then,
 * and its end is recorded as any). */
static void
start_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct monitor *m = opaque;
    struct pcon_err err = { 0 };
    struct init_msg msg = { 0 };
    struct timeval tv = { .tv_sec = 5 };
    cleanup_close int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    char req;
    int sync = m->held_sync;

    (void) l;
    (void) events;
    if (cfd < 0 || setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0
        || TEMP_FAILURE_RETRY_INT(read(cfd, &req, 1)) != 1)
        return; /* not a start */
    start_close(m);
    m->held_sync = -1;
    m->hold = false;
    if (sync < 0 || engine_spawn_release(sync, &err) < 0
        || engine_ctr_state_running(m->st, m->c, m->pid, &m->started_ns, &err) < 0) {
        msg.errnum = err.errnum;
        msg.kind = (int) err.kind;
        snprintf(msg.text, sizeof msg.text, "%s", err.msg ? err.msg : "the container has ended");
        (void) !write(cfd, &msg, sizeof msg);
        pcon_err_clear(&err);
        return;
    }
    if (m->c->cfg.timeout > 0)
        loop_timer_arm(&m->loop, &m->timeout,
                       loop_now_ns() + (int64_t) m->c->cfg.timeout * 1000000000LL);
    monitor_announce(m);
    (void) !write(cfd, &msg, 1);
}

/* rundir/start: where the held init's start comes from */
static int
start_listen(struct monitor *m, struct pcon_err *err)
{
    cleanup_close int dfd = open(m->rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    cleanup_close int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (dfd < 0 || fd < 0)
        return pcon_fail(err, errno, "create the start socket");
    (void) unlinkat(dfd, "start", 0); /* a stale one */
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/start", dfd);
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 4) < 0)
        return pcon_fail(err, errno, "listen on the start socket");
    if (loop_watch(&m->loop, fd, EPOLLIN, start_cb, m, err) < 0)
        return -1;
    m->start_fd = steal_fd(&fd);
    return 0;
}

int
engine_ctr_release(struct store *st, struct container *c, struct pcon_err *err)
{
    cleanup_free char *rundir = engine_ctr_rundir(st, c->cfg.id);
    cleanup_close int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct init_msg msg;
    pid_t held = c->state.pid;
    ssize_t n;

    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/start", dfd);
    if (dfd < 0 || fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0
        || TEMP_FAILURE_RETRY_INT(write(fd, "s", 1)) != 1)
        return pcon_fail(err, errno, "reach the monitor of initialized container %s", c->cfg.name);
    n = TEMP_FAILURE_RETRY_INT(read(fd, &msg, sizeof msg));
    engine_ctr_state_reload(st, c);
    if (n == 1)
        return 0;
    /* failed: its end recorded (a bounded wait) before the caller looks */
    for (int i = 0; i < 500 && c->state.pid == held && engine_ctr_is_active(c); i++) {
        usleep(10000);
        engine_ctr_state_reload(st, c);
    }
    if (n == (ssize_t) sizeof msg) {
        msg.text[sizeof msg.text - 1] = '\0';
        return pcon_fail_kind(err, (enum pcon_errkind) msg.kind, msg.errnum, "%s", msg.text);
    }
    return pcon_fail(err, 0, "the monitor of %.12s ended before the container started", c->cfg.id);
}

/* one run of the init, watched until it has exited and its output ended;
 * returns its exit code */
static int
monitor_run(struct monitor *m, struct pcon_err *err)
{
    if (m->c->cfg.timeout > 0 && m->held_sync < 0) /* held: from its start on */
        loop_timer_arm(&m->loop, &m->timeout,
                       loop_now_ns() + (int64_t) m->c->cfg.timeout * 1000000000LL);
    if (loop_run(&m->loop, err) < 0)
        return -1;
    return m->code;
}

/* Everything up to a running init, recorded as running (before `run -d`
 * returns, so that what follows sees it). The loop is made here, in the
 * process that runs it. */
static int
monitor_begin(struct monitor *m, struct pcon_err *err)
{
    if (loop_init(&m->loop, err) < 0)
        return -1;
    if (m->c->cfg.net.mode == NETNS_BRIDGE && networks_alloc(m, err) < 0)
        return -1;
    join_aliases(m);
    if (rundir_prepare(m, err) < 0 || notify_prepare(m, err) < 0 || plan_prepare(m, err) < 0)
        return -1;
    if (!m->c->cfg.cgroups_disabled)
        m->cgroup_base = engine_cgroup_base(NULL);
    if (engine_ctr_log_open(&m->log, m->st, m->c, err) < 0 || rootfs_mount(m, err) < 0
        || passwd_files(m, err) < 0)
        return -1;
    /* blocked before the clone: a signal arriving now is proxied, not lost */
    if (loop_signals(&m->loop, monitor_signals, sizeof monitor_signals / sizeof monitor_signals[0],
                     signal_cb, m, err)
        < 0)
        return -1;
    if (m->c->cfg.interactive && !m->echo
        && engine_attach_listen(&m->attach, m->rundir, &m->loop, err) < 0)
        return -1;
    if (m->hold && start_listen(m, err) < 0)
        return -1;
    return monitor_start_init(m, err);
}

/* The container runs: its monitor's pid in the run directory (a forking
 * unit's PIDFile=), and with --sdnotify=conmon the service manager told
 * (MAINPID: this monitor, which the container goes with) */
static void
monitor_announce(struct monitor *m)
{
    struct pcon_err err = { 0 };
    char text[64];
    int dfd = m->echo ? -1 : open(m->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    engine_ctr_event(m->st, m->c, "start", NULL);
    if (m->c->cfg.health_test) {
        engine_health_reset(m->st, m->c);
        if (m->c->cfg.health_interval > 0)
            loop_timer_arm(&m->loop, &m->health, loop_now_ns() + m->c->cfg.health_interval);
    }
    snprintf(text, sizeof text, "%d\n", (int) getpid());
    /* only a forking unit reads it, whose ExecStart is a detached start */
    if (!m->echo
        && (dfd < 0
            || fs_write_atomic(dfd, "monitor.pid", text, strlen(text), 0644, false, &err) < 0))
        pcon_err_clear(&err);
    if (dfd >= 0)
        close(dfd);
    if (m->c->cfg.conmon_pidfile
        && fs_write_atomic_path(m->c->cfg.conmon_pidfile, text, strlen(text), 0644, false, &err)
               < 0) {
        pcon_warn("--conmon-pidfile: %s", err.msg);
        pcon_err_clear(&err);
    }
    if (m->c->cfg.pidfile) {
        char ptext[32];
        snprintf(ptext, sizeof ptext, "%d", (int) m->pid); /* podman's: no newline */
        if (fs_write_atomic_path(m->c->cfg.pidfile, ptext, strlen(ptext), 0644, false, &err) < 0) {
            pcon_warn("--pidfile: %s", err.msg);
            pcon_err_clear(&err);
        }
    }
    if (m->c->cfg.sdnotify != SDNOTIFY_CONMON && m->c->cfg.sdnotify != SDNOTIFY_HEALTHY)
        return;
    /* healthy: READY=1 waits for the first healthcheck that passes */
    snprintf(text, sizeof text, "MAINPID=%d%s", (int) getpid(),
             m->c->cfg.sdnotify == SDNOTIFY_CONMON ? "\nREADY=1" : "");
    if (sdnotify_send(text, &err) < 0) {
        pcon_warn("%s", err.msg);
        pcon_err_clear(&err);
    }
}

/* A pod's member that ends for good, in a pod made with --exit-policy
 * stop: the last running one stops the infra, and so the pod. */
static void
pod_exit_check(struct monitor *m)
{
    const struct ctr_config *g = &m->c->cfg;
    struct container infra, *v = NULL;
    bool others = false, killed;
    size_t n = 0;

    /* an init container's end is the members' start, not the pod's end */
    if (!engine_ctr_joins_infra(g) || g->init_ctr != CTR_INIT_NONE
        || engine_ctr_load(m->st, engine_ctr_infra_of(g), &infra, NULL) < 0)
        return;
    if (infra.cfg.pod_exit_stop && engine_ctr_is_active(&infra)
        && engine_ctr_list(m->st, &v, &n, NULL) == 0) {
        for (size_t i = 0; i < n; i++)
            others |= v[i].cfg.pod && strcmp(v[i].cfg.pod, g->pod) == 0 && !v[i].cfg.infra
                      && strcmp(v[i].cfg.id, g->id) != 0 && engine_ctr_is_active(&v[i]);
        engine_ctr_list_free(v, n);
        if (!others)
            (void) engine_ctr_stop(m->st, &infra, infra.cfg.stop_timeout, &killed, NULL);
    }
    engine_ctr_free(&infra);
}

/* After the last exit: unmount, and remove a --rm container. */
static void
monitor_end(struct monitor *m)
{
    pod_exit_check(m);
    engine_etc_hosts_leave(&m->c->cfg, &m->etc); /* with container:X, out of X's hosts */
    if (m->mounted) {
        (void) storage_rootfs_unmount(m->rootfs, NULL); /* the namespace dies with us anyway */
        storage_rootfs_view_unmount(m->st, m->c->cfg.id);
    }
    if (m->c->cfg.rm) {
        cleanup_close int lock = engine_ctr_lock(m->st, m->c->cfg.id, NULL);
        (void) engine_ctr_remove_files(m->st, m->c, NULL); /* best effort, like podman */
        engine_ctr_volumes_release(m->st, &m->c->cfg);
    }
    if (m->c->cfg.rmi)
        engine_image_release(m->st, m->c->cfg.image_id, m->c->cfg.image_name);
}

static int
failure_code(const struct pcon_err *err)
{
    if (err->kind != PCON_ERR_EXEC)
        return 125;
    return err->errnum == ENOENT ? 127 : 126;
}

/* runs the init until the restart policy lets it rest; its last code */
static int
monitor_loop(struct monitor *m)
{
    for (;;) {
        struct pcon_err err = { 0 };
        int code = monitor_run(m, &err);

        if (code < 0) {
            pcon_err_clear(&err);
            code = 125;
        }
        {
            cleanup_free char *a = xasprintf("containerExitCode=%d", code);
            engine_ctr_event(m->st, m->c, "died", (char *[]){ a, NULL });
        }
        if (!engine_ctr_state_exited(m->st, m->c, code, m->restart_once))
            return code;
        m->restart_once = false;
        /* the restart policy: same root, new init */
        usleep(100000);
        if (monitor_start_init(m, &err) < 0) {
            pcon_err_clear(&err);
            (void) engine_ctr_state_exited(m->st, m->c, 125, false);
            return 125;
        }
        engine_ctr_event(m->st, m->c, "restart", NULL);
        if (m->c->cfg.health_test && m->c->cfg.health_interval > 0) {
            engine_health_reset(m->st, m->c);
            loop_timer_arm(&m->loop, &m->health, loop_now_ns() + m->c->cfg.health_interval);
        }
    }
}

/* A monitor of its own (run -d, start, a detachable foreground): a
 * session of its own, which the terminal's closing does not reach, a
 * subreaper, named pcon-monitor, with nothing of the caller's open but fd
 * (its way to the starter) and the fds the container is given: a pipe held
 * here would keep `$(pcon run -d ...)` waiting forever. */
static int
monitor_own_session(struct monitor *m, int fd, struct pcon_err *err)
{
    int keep[] = { fd,
                   m->st->root_dfd,
                   m->st->run_dfd,
                   m->st->layers_dfd,
                   m->st->images_dfd,
                   m->st->containers_dfd };

    if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return pcon_fail(err, errno, "detach the monitor");
    (void) prctl(PR_SET_NAME, "pcon-monitor", 0, 0, 0);
    if (proc_close_fds_from_except(3 + m->pass_fds, keep, sizeof keep / sizeof keep[0]) < 0)
        return pcon_fail(err, errno, "close the caller's file descriptors");
    return 0;
}

/* the start failed: the starter told why, the record says so, and this
 * monitor goes */
__attribute__((noreturn)) static void
monitor_start_failed(struct monitor *m, int fd, const struct pcon_err *err)
{
    struct init_msg msg = { .errnum = err->errnum, .kind = (int) err->kind };

    snprintf(msg.text, sizeof msg.text, "%s", err->msg ? err->msg : "start failed");
    starter_tell(fd, &msg, sizeof msg); /* the starter reports it */
    engine_ctr_state_failed(m->st, m->c, failure_code(err));
    monitor_end(m);
    _exit(1);
}

/* the starter's side: the monitor's first word, one byte once the
 * container runs, else its failure */
static int
monitor_ready_wait(int fd, const struct container *c, struct pcon_err *err)
{
    struct init_msg msg;
    ssize_t n = TEMP_FAILURE_RETRY_INT(read(fd, &msg, sizeof msg));

    if (n == 1)
        return 0;
    if (n == (ssize_t) sizeof msg) {
        msg.text[sizeof msg.text - 1] = '\0';
        return pcon_fail_kind(err, (enum pcon_errkind) msg.kind, msg.errnum, "%s", msg.text);
    }
    return pcon_fail(err, 0, "the monitor of %.12s exited before the container started", c->cfg.id);
}

/* The detached monitor's process. */
__attribute__((noreturn)) static void
monitor_detached(struct monitor *m, int ready_fd)
{
    struct pcon_err err = { 0 };
    struct init_msg msg = { 0 };
    bool passthrough = m->c->cfg.log_driver == LOG_PASSTHROUGH;
    int nullfd;

    if (monitor_own_session(m, ready_fd, &err) < 0)
        goto fail;
    nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (nullfd < 0 || dup2(nullfd, 0) < 0
        || (!passthrough && (dup2(nullfd, 1) < 0 || dup2(nullfd, 2) < 0))) {
        pcon_fail(&err, errno, "detach the monitor's stdio");
        goto fail;
    }
    close(nullfd);
    m->pipes = !passthrough;
    if (monitor_begin(m, &err) < 0)
        goto fail;
    if (m->held_sync < 0)
        monitor_announce(m);
    else
        engine_ctr_event(m->st, m->c, "init", NULL);
    (void) !write(ready_fd, &msg, 1); /* started (or initialized) */
    close(ready_fd);
    /* what starting it needed is not what watching it needs; once more when
     * the loop has run a while (its first calls bind symbols lazily, which
     * touches the loader and libc's symbol tables once) */
    proc_trim_resident();
    loop_timer_arm(&m->loop, &m->trim, loop_now_ns() + 500000000LL);
    monitor_loop(m);
    monitor_end(m);
    _exit(0);
fail:
    monitor_start_failed(m, ready_fd, &err);
}

/* run -d, start: a monitor of its own, which says when the container runs */
static int
start_detached(struct monitor *m, int *exit_code, struct pcon_err *err)
{
    int p[2], r;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create pipe");
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return pcon_fail(err, errno, "fork the monitor");
    }
    if (pid == 0) {
        close(p[0]);
        monitor_detached(m, p[1]);
    }
    close(p[1]);
    r = monitor_ready_wait(p[0], m->c, err);
    close(p[0]);
    if (r < 0)
        return -1;
    *exit_code = 0;
    engine_ctr_state_reload(m->st, m->c);
    return 0;
}

/* the foreground: this process is the monitor; the log needs pipes, a
 * --rm or unlogged container gets our stdio itself */
static int
start_foreground(struct monitor *m, bool sig_proxy, int *exit_code, struct pcon_err *err)
{
    const struct ctr_config *g = &m->c->cfg;

    m->echo = true;
    m->sig_proxy = sig_proxy;
    /* -a without some stream: the output through pipes, to leave it out */
    m->pipes =
        (g->log_driver == LOG_K8S_FILE && !g->rm)
        || (g->attach != 0
            && (g->attach & (ATTACH_STDOUT | ATTACH_STDERR)) != (ATTACH_STDOUT | ATTACH_STDERR));
    m->stdin_fwd = g->tty && g->interactive;
    if (monitor_begin(m, err) < 0) {
        engine_ctr_state_failed(m->st, m->c, failure_code(err));
        monitor_end(m);
        return -1;
    }
    monitor_announce(m);
    if (m->stdin_fwd && isatty(0) && tcgetattr(0, &m->saved_tio) == 0) {
        struct termios raw = m->saved_tio;
        cfmakeraw(&raw);
        m->raw = tcsetattr(0, TCSANOW, &raw) == 0;
    }
    *exit_code = monitor_loop(m);
    monitor_end(m);
    return 0;
}

/* The foreground of a container with -it and detach keys: a monitor of
 * its own (a session of its own, a subreaper), which relays our terminal
 * until the container ends or the keys come; this process waits for the
 * one or the other, passing signals on (the window size always). */
__attribute__((noreturn)) static void
monitor_front_child(struct monitor *m, int fd)
{
    struct pcon_err err = { 0 };
    int code;

    m->front_fd = fd;
    if (monitor_own_session(m, fd, &err) < 0 || monitor_begin(m, &err) < 0)
        monitor_start_failed(m, fd, &err);
    monitor_announce(m);
    starter_tell(fd, "", 1); /* it runs */
    if (loop_watch(&m->loop, fd, EPOLLRDHUP, front_lost_cb, m, &err) < 0)
        pcon_err_clear(&err);
    if (isatty(0) && tcgetattr(0, &m->saved_tio) == 0) {
        struct termios raw = m->saved_tio;
        cfmakeraw(&raw);
        m->raw = tcsetattr(0, TCSANOW, &raw) == 0;
    }
    code = monitor_loop(m);
    if (m->raw && tcsetattr(0, TCSADRAIN, &m->saved_tio) == 0)
        m->raw = false;
    monitor_end(m);
    front_tell(m, 'X', code);
    _exit(0);
}

static int
start_front(struct monitor *m, bool sig_proxy, int *exit_code, struct pcon_err *err)
{
    struct termios saved;
    bool have_tio = isatty(0) && tcgetattr(0, &saved) == 0;
    sigset_t set, old;
    cleanup_close int sfd = -1;
    int p[2], r = 0;
    ssize_t n;
    pid_t pid;

    m->echo = true;
    m->sig_proxy = sig_proxy;
    m->stdin_fwd = true;
    m->pipes = m->c->cfg.log_driver == LOG_K8S_FILE && !m->c->cfg.rm;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof monitor_signals / sizeof monitor_signals[0]; i++)
        sigaddset(&set, monitor_signals[i]);
    /* a socket, not a pipe: the monitor learns of our end (EPOLLRDHUP) and
     * tells us without SIGPIPE when we are gone */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
        return pcon_fail(err, errno, "create socket pair");
    /* blocked before the fork: none is lost, the monitor's loop takes them */
    if (sigprocmask(SIG_BLOCK, &set, &old) < 0 || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
        r = pcon_fail(err, errno, "watch signals");
        goto out;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        r = pcon_fail(err, errno, "fork the monitor");
        goto out;
    }
    if (pid == 0) {
        close(p[0]);
        close(sfd);
        monitor_front_child(m, p[1]);
    }
    close(p[1]);
    p[1] = -1;
    if (monitor_ready_wait(p[0], m->c, err) < 0) {
        r = -1;
        (void) proc_wait_exit(pid, NULL);
        goto out;
    }
    for (;;) {
        struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { sfd, POLLIN, 0 } };
        char what[2];
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            r = pcon_fail(err, errno, "wait for the container");
            break;
        }
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t) sizeof si && si.ssi_signo != SIGCHLD
                && (sig_proxy || si.ssi_signo == SIGWINCH))
                (void) kill(pid, (int) si.ssi_signo); /* our child, not yet reaped */
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP)))
            continue;
        n = TEMP_FAILURE_RETRY_INT(read(p[0], what, sizeof what));
        if (n >= 1 && what[0] == 'D') {
            *exit_code = 0; /* detached: it runs on */
        } else if (n == 2 && what[0] == 'X') {
            *exit_code = (unsigned char) what[1];
            (void) proc_wait_exit(pid, NULL);
        } else {
            /* the monitor went without a word: what the record says */
            (void) proc_wait_exit(pid, NULL);
            engine_ctr_state_reload(m->st, m->c);
            *exit_code = m->c->state.exit_code >= 0 ? m->c->state.exit_code : 125;
        }
        break;
    }
out:
    if (have_tio)
        (void) tcsetattr(0, TCSADRAIN, &saved); /* the terminal as it was, come what may */
    close(p[0]);
    if (p[1] >= 0)
        close(p[1]);
    (void) sigprocmask(SIG_SETMASK, &old, NULL);
    return r;
}

/* a pod's member starts its infra first: the namespaces it joins */
static int
infra_ensure(struct store *st, const struct container *c, struct pcon_err *err)
{
    struct engine_start_opts so = { .detach = true, .ready_fd = -1 };
    struct container infra;
    int code, r = 0;

    if (engine_ctr_load(st, engine_ctr_infra_of(&c->cfg), &infra, err) < 0)
        return pcon_prefix(err, "the infra container of container %s", c->cfg.name);
    if (!engine_ctr_is_active(&infra))
        r = engine_monitor_start(st, &infra, &so, &code, err);
    engine_ctr_free(&infra);
    return r < 0 ? pcon_prefix(err, "start the pod's infra container") : 0;
}

/* --requires: each container it depends on started first */
static int
requires_ensure(struct store *st, const struct container *c, struct pcon_err *err)
{
    for (size_t i = 0; c->cfg.requires && c->cfg.requires[i]; i++) {
        struct engine_start_opts so = { .detach = true, .ready_fd = -1 };
        struct container dep;
        int code, r = 0;
        if (engine_ctr_load(st, c->cfg.requires[i], &dep, err) < 0)
            return pcon_prefix(err, "a dependency of container %s", c->cfg.name);
        if (!engine_ctr_is_active(&dep))
            r = engine_monitor_start(st, &dep, &so, &code, err);
        engine_ctr_free(&dep);
        if (r < 0)
            return pcon_prefix(err, "start the dependency of container %s", c->cfg.name);
    }
    return 0;
}

/* systemd's socket activation of this very process (sd_listen_fds(3)):
 * the count of its sockets at fds 3.., 0 for none */
static unsigned
listen_fds_inherited(void)
{
    const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
    char *end;
    long k;

    if (pid == NULL || n == NULL || strtol(pid, &end, 10) != (long) getpid() || *end != '\0')
        return 0;
    k = strtol(n, &end, 10);
    if (*end != '\0' || k < 1 || k > 64)
        return 0;
    for (long i = 0; i < k; i++)
        if (fcntl(3 + (int) i, F_GETFD) < 0)
            return 0;
    return (unsigned) k;
}

int
engine_monitor_start(struct store *st, struct container *c, const struct engine_start_opts *so,
                     int *exit_code, struct pcon_err *err)
{
    struct monitor m = { .st = st,
                         .c = c,
                         .code = -1,
                         .loop = { .epfd = -1, .sigfd = -1 },
                         .net = { .pid = -1, .pidfd = -1, .control = -1 },
                         .netd = -1,
                         .notify_fd = -1,
                         .hold = so->init_only && so->detach,
                         .held_sync = -1,
                         .start_fd = -1,
                         .front_fd = -1 };
    int ret;

    if (c->state.status == CTR_INITIALIZED && engine_ctr_alive(c)) {
        if (so->init_only)
            return pcon_fail(err, 0,
                             "container %s has already been created in runtime: container state"
                             " improper",
                             c->cfg.id);
        *exit_code = 0;
        return engine_ctr_release(st, c, err);
    }
    if (engine_ctr_is_active(c)) {
        if (so->init_only)
            return pcon_fail(err, 0,
                             "container %s has already been created in runtime: container state"
                             " improper",
                             c->cfg.id);
        if (so->detach) {
            *exit_code = 0;
            return 0; /* already running: nothing to do, as podman */
        }
        return pcon_fail(err, 0, "container %s is already running", c->cfg.name);
    }
    if (requires_ensure(st, c, err) < 0)
        return -1;
    if (engine_ctr_joins_infra(&c->cfg) && infra_ensure(st, c, err) < 0)
        return -1;
    m.listen_fds = c->cfg.infra ? 0 : listen_fds_inherited();
    m.pass_fds = m.listen_fds > so->preserve_fds ? m.listen_fds : so->preserve_fds;
    if (engine_passed_fds_check(st, m.pass_fds, err) < 0)
        return -1;
    m.timeout.cb = timeout_cb;
    m.timeout.opaque = &m;
    m.health.cb = health_cb;
    m.trim.cb = trim_cb;
    m.health.opaque = &m;
    engine_relay_init(&m.io);
    engine_attach_init(&m.attach);
    m.log.fd = -1;
    memcpy(m.detach.keys, so->detach_keys, sizeof m.detach.keys);
    m.detach.n = so->ndetach < sizeof m.detach.keys ? so->ndetach : 0;
    ret = so->detach ? start_detached(&m, exit_code, err)
          : c->cfg.tty && c->cfg.interactive && m.detach.n
              ? start_front(&m, so->sig_proxy, exit_code, err)
              : start_foreground(&m, so->sig_proxy, exit_code, err);
    monitor_free(&m);
    return ret;
}
