// SPDX-License-Identifier: Apache-2.0
/* Pods: records, their infra container, their members' lifecycle. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/infra.h"
#include "../engine/names.h"
#include "../lib/cleanup.h"
#include "../storage/events.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/lock.h"
#include "../lib/timefmt.h"
#include "pod.h"

#define POD_RECORD_MAX (1 << 20)

static const struct {
    unsigned bit;
    const char *name;
} share_names[] = {
    { POD_JOIN_UTS, "uts" },       { POD_JOIN_IPC, "ipc" }, { POD_JOIN_PID, "pid" },
    { POD_JOIN_CGROUP, "cgroup" }, { POD_JOIN_NET, "net" },
};

static int
pods_dir(struct store *st, struct pcon_err *err)
{
    int fd;

    if (mkdirat(st->root_dfd, "pods", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create pods directory");
    fd = openat(st->root_dfd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open pods directory");
    return fd;
}

void
pod_free(struct pod *p)
{
    free(p->cfg.name);
    free(p->cfg.created);
    free(p->cfg.hostname);
    free(p->cfg.infra_id);
    strv_free(p->cfg.labels);
    strv_free(p->cfg.create_command);
    memset(p, 0, sizeof *p);
}

void
pod_list_free(struct pod *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pod_free(&v[i]);
    free(v);
}

static char *
pod_json(const struct pod_config *g)
{
    cleanup_yajl_gen yajl_gen gen = json_gen_new(false);
    cleanup_strv char **share = NULL;

    for (size_t i = 0; i < sizeof share_names / sizeof share_names[0]; i++)
        if (g->share & share_names[i].bit)
            strv_push(&share, share_names[i].name);
    JG(yajl_gen_map_open(gen));
    JG(json_gen_kv_str(gen, "id", g->id));
    JG(json_gen_kv_str(gen, "name", g->name));
    JG(json_gen_kv_str(gen, "created", g->created));
    JG(json_gen_kv_str(gen, "hostname", g->hostname));
    JG(json_gen_kv_str(gen, "infra_id", g->infra_id ? g->infra_id : ""));
    JG(json_gen_kv_strv(gen, "share", share ? share : (char *[]){ NULL }));
    JG(json_gen_kv_strv(gen, "labels", g->labels ? g->labels : (char *[]){ NULL }));
    JG(json_gen_kv_str(gen, "exit_policy", g->exit_policy_stop ? "stop" : "continue"));
    JG(json_gen_kv_bool(gen, "create_infra", !g->no_infra));
    JG(json_gen_kv_bool(gen, "share_parent", g->share_parent));
    if (g->pid_host)
        JG(json_gen_kv_str(gen, "pid_ns", "host"));
    if (g->uts_host)
        JG(json_gen_kv_str(gen, "uts_ns", "host"));
    JG(json_gen_kv_strv(gen, "create_command",
                        g->create_command ? g->create_command : (char *[]){ NULL }));
    JG(yajl_gen_map_close(gen));
    return json_gen_take(gen, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
pod_parse(const char *text, struct pod_config *g, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    cleanup_strv char **share = NULL;
    const char *id, *name, *s;

    if (root == NULL)
        return -1;
    if (json_need_str(root, "id", &id, err) < 0 || !hex64_valid(id)
        || json_need_str(root, "name", &name, err) < 0)
        return pcon_fail(err, EINVAL, "invalid pod record");
    memcpy(g->id, id, 65);
    g->name = xstrdup(name);
    g->created = xstrdup((s = json_get_str(root, "created")) ? s : "");
    g->hostname = xstrdup((s = json_get_str(root, "hostname")) && *s ? s : name);
    s = json_get_str(root, "infra_id");
    g->infra_id = xstrdup(s && hex64_valid(s) ? s : "");
    if (json_get_strv(root, "share", &share, err) < 0
        || json_get_strv(root, "labels", &g->labels, err) < 0
        || json_get_strv(root, "create_command", &g->create_command, err) < 0)
        return -1;
    for (size_t i = 0; share && share[i]; i++)
        for (size_t k = 0; k < sizeof share_names / sizeof share_names[0]; k++)
            if (strcmp(share[i], share_names[k].name) == 0)
                g->share |= share_names[k].bit;
    s = json_get_str(root, "exit_policy");
    g->exit_policy_stop = s && strcmp(s, "stop") == 0;
    g->no_infra = YAJL_IS_FALSE(json_get(root, "create_infra"));
    if (json_get(root, "create_infra") == NULL)
        g->share |= POD_JOIN_NET; /* a record from before the network could be kept apart */
    g->share_parent = !YAJL_IS_FALSE(json_get(root, "share_parent"));
    g->pid_host = (s = json_get_str(root, "pid_ns")) && strcmp(s, "host") == 0;
    g->uts_host = (s = json_get_str(root, "uts_ns")) && strcmp(s, "host") == 0;
    return 0;
}

static int
pod_load_id(struct store *st, const char *id, struct pod *out, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("pods/%s/pod.json", id);
    cleanup_free char *text = fs_read_all(st->root_dfd, path, POD_RECORD_MAX, NULL, err);

    memset(out, 0, sizeof *out);
    if (text == NULL)
        return -1;
    if (pod_parse(text, &out->cfg, err) < 0 || strcmp(out->cfg.id, id) != 0) {
        pod_free(out);
        return pcon_fail(err, EINVAL, "invalid record of pod %.12s", id);
    }
    return 0;
}

static int
pod_not_found(const char *name, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "no pod with name or ID %s found: no such pod",
                          name);
}

int
pod_load(struct store *st, const char *name_or_id, struct pod *out, struct pcon_err *err)
{
    cleanup_close int dfd = pods_dir(st, err);
    char id[65];
    int r;

    memset(out, 0, sizeof *out);
    if (dfd < 0)
        return -1;
    /* containers' and pods' names are one namespace, as podman's */
    r = engine_id_resolve(st->root_dfd, dfd, name_or_id, id);
    if (r == -2)
        return pcon_fail(err, errno, "list pods");
    if (r == -1)
        return pcon_fail(err, 0, "more than one result for pod \"%s\"", name_or_id);
    if (r == 0 || pod_load_id(st, id, out, NULL) < 0)
        return pod_not_found(name_or_id, err);
    return 0;
}

int
pod_lock(struct store *st, const struct pod *p, bool exclusive, struct pcon_err *err)
{
    cleanup_close int pods = pods_dir(st, err);
    cleanup_free char *path = xasprintf("%s/lock", p->cfg.id);
    struct stat sb;
    int fd;

    if (pods < 0)
        return -1;
    fd = lock_take(pods, path, exclusive, err);
    if (fd < 0 && err->errnum == ENOENT) {
        pcon_err_clear(err);
        return pod_not_found(p->cfg.name, err); /* removed already */
    }
    if (fd < 0)
        return -1;
    /* removed while we waited: its directory is gone */
    if (fstatat(pods, p->cfg.id, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
        close(fd);
        return pod_not_found(p->cfg.name, err);
    }
    return fd;
}

static int
cmp_pod_created_desc(const void *a, const void *b)
{
    const struct pod *x = a, *y = b;

    return strcmp(y->cfg.created, x->cfg.created);
}

int
pod_list(struct store *st, struct pod **out, size_t *nout, struct pcon_err *err)
{
    cleanup_close int dfd = pods_dir(st, err);
    cleanup_closedir DIR *d = NULL;
    struct pod *v = NULL;
    struct dirent *de;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (dfd < 0)
        return -1;
    d = fs_opendir_at(dfd);
    if (d == NULL)
        return pcon_fail(err, errno, "list pods");
    while ((de = readdir(d)) != NULL) {
        if (!hex64_valid(de->d_name))
            continue; /* a pod being made (.tmp) or anything else */
        v = xrealloc(v, (n + 1) * sizeof *v);
        if (pod_load_id(st, de->d_name, &v[n], NULL) == 0)
            n++;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_pod_created_desc);
    *out = v;
    *nout = n;
    return 0;
}

int
pod_containers(struct store *st, const struct pod *p, struct container **out, size_t *nout,
               struct pcon_err *err)
{
    struct container *all = NULL;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (engine_ctr_list(st, &all, &n, err) < 0)
        return -1;
    pod_containers_take(all, n, p, out, nout);
    engine_ctr_list_free(all, n);
    return 0;
}

void
pod_containers_take(struct container *all, size_t n, const struct pod *p, struct container **out,
                    size_t *nout)
{
    struct container *v = xzalloc((n ? n : 1) * sizeof *v);
    size_t k = 0;

    /* the infra first, the members after it, as listed (newest first) */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (all[i].cfg.pod && strcmp(all[i].cfg.pod, p->cfg.id) == 0
                && all[i].cfg.infra == (pass == 0)) {
                v[k++] = all[i];
                memset(&all[i], 0, sizeof all[i]);
            }
    *out = v;
    *nout = k;
}

const char *
pod_status(const struct container *v, size_t n)
{
    size_t running = 0, stopped = 0, paused = 0, created = 0, total = n;

    for (size_t i = 0; i < total; i++) {
        /* init containers, which end before the others start, do not count */
        if (v[i].cfg.init_ctr != CTR_INIT_NONE) {
            n--;
            continue;
        }
        switch (v[i].state.status) {
        case CTR_RUNNING:
        case CTR_STOPPING:
            running++;
            break;
        case CTR_EXITED:
        case CTR_STOPPED:
            stopped++;
            break;
        case CTR_PAUSED:
            paused++;
            break;
        case CTR_CREATED:
        case CTR_INITIALIZED: /* its command not started yet */
            created++;
            break;
        }
    }
    if (n == 0)
        return "Created";
    if (running > 0 && running < n)
        return "Degraded";
    if (running == n)
        return "Running";
    if (stopped == n)
        return "Exited";
    if (stopped > 0)
        return "Stopped";
    if (paused == n)
        return "Paused";
    if (created == n)
        return "Created";
    return "Error";
}

/* the record written into its directory: made under a temporary name,
 * renamed into place (a reader never sees half of it) */
static int
record_write(struct store *st, const struct pod_config *g, bool fresh, struct pcon_err *err)
{
    cleanup_close int pods = pods_dir(st, err), dfd = -1;
    cleanup_free char *json = pod_json(g);
    cleanup_free char *tmp = xasprintf("%s.tmp", g->id);
    const char *dir = fresh ? tmp : g->id;

    if (pods < 0)
        return -1;
    if (fresh && mkdirat(pods, tmp, 0700) < 0)
        return pcon_fail(err, errno, "create pod directory");
    dfd = openat(pods, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0 || fs_write_atomic(dfd, "pod.json", json, strlen(json), 0600, true, err) < 0) {
        if (dfd < 0)
            pcon_fail(err, errno, "open pod directory");
        if (fresh)
            (void) fs_rm_rf_at(pods, tmp, NULL); /* nothing half-made stays */
        return -1;
    }
    if (fresh && renameat(pods, tmp, pods, g->id) < 0) {
        int e = errno;
        (void) fs_rm_rf_at(pods, tmp, NULL);
        return pcon_fail(err, e, "create pod directory");
    }
    return 0;
}

static void
record_remove(struct store *st, const struct pod_config *g)
{
    cleanup_close int pods = pods_dir(st, NULL);

    if (pods >= 0)
        (void) fs_rm_rf_at(pods, g->id, NULL); /* gone already is fine */
    (void) engine_name_release(st->root_dfd, g->name, g->id);
}

/* the infra container, named <podid12>-infra, in the pod's network */
static int
infra_create(struct store *st, struct pod *p, const struct pod_create_opts *o, struct pcon_err *err)
{
    struct engine_create_opts io = o->infra;
    cleanup_free char *name = xasprintf("%.12s-infra", p->cfg.id);
    struct container c;

    io.name = o->infra_name ? o->infra_name : name;
    io.pod = p->cfg.id;
    io.infra = true;
    io.pod_exit_stop = p->cfg.exit_policy_stop;
    io.infra_id = NULL;
    io.hostname = p->cfg.uts_host ? NULL : p->cfg.hostname; /* the host's, with --uts host */
    /* --infra-image, --infra-command: as podman's, the command replaces
     * the image's entrypoint */
    io.image = o->infra_image;
    io.cmd = o->infra_command;
    io.entrypoint_set = o->infra_image && o->infra_command;
    io.entrypoint = io.entrypoint_set ? "" : NULL;
    io.pod_cgroup = p->cfg.share_parent;
    if (p->cfg.share & POD_JOIN_CGROUP)
        io.cgroupns = "private"; /* the one its members join */
    io.replace = false;
    io.cidfile = NULL;
    /* on user networks the pod answers to its name (as podman's infra),
     * and to its --network-alias names */
    cleanup_strv char **aliases = NULL;
    strv_push(&aliases, p->cfg.name);
    for (size_t i = 0; o->infra.net_aliases && o->infra.net_aliases[i]; i++)
        strv_push(&aliases, o->infra.net_aliases[i]);
    if (io.net.mode == NETNS_BRIDGE)
        io.net_aliases = aliases;
    if (engine_ctr_create(st, &io, &c, err) < 0)
        return pcon_prefix(err, "create the infra container of pod %s", p->cfg.name);
    free(p->cfg.infra_id);
    p->cfg.infra_id = xstrdup(c.cfg.id);
    engine_ctr_free(&c);
    return 0;
}

int
pod_create(struct store *st, const struct pod_create_opts *o, struct pod *out, struct pcon_err *err)
{
    struct pod_config *g = &out->cfg;
    char created[64];
    char *name = NULL;

    memset(out, 0, sizeof *out);
    if (o->replace && o->name) {
        struct pod old;
        if (pod_load(st, o->name, &old, NULL) == 0) {
            int r = pod_remove(st, &old, true, 0, err);
            pod_free(&old);
            if (r < 0)
                return -1;
        }
    }
    if (engine_id_new(g->id, err) < 0)
        return -1;
    if (engine_name_reserve(st->root_dfd, o->name, g->id, &name, err) < 0) {
        if (o->name && err->kind == PCON_ERR_ENGINE) {
            pcon_err_clear(err);
            return pcon_fail(
                err, 0, "adding pod to state: name \"%s\" is in use: pod already exists", o->name);
        }
        return -1;
    }
    g->name = name;
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    g->created = xstrdup(created);
    g->hostname = xstrdup(o->hostname ? o->hostname : name);
    g->infra_id = xstrdup("");
    g->share = o->share & POD_JOIN_MASK;
    g->labels = o->labels ? strv_dup(o->labels) : NULL;
    g->exit_policy_stop = o->exit_policy_stop;
    g->no_infra = o->no_infra;
    g->share_parent = !o->no_share_parent;
    g->pid_host = o->infra.pid_ns && strcmp(o->infra.pid_ns, "host") == 0;
    g->uts_host = o->infra.uts_ns && strcmp(o->infra.uts_ns, "host") == 0;
    g->create_command = o->argv ? strv_dup(o->argv) : NULL;
    /* the record first, then its infra: a pod without one (a killed
     * create) is listed, and removed like any other */
    if (record_write(st, g, true, err) < 0) {
        (void) engine_name_release(st->root_dfd, g->name, g->id);
        pod_free(out);
        return -1;
    }
    if ((!g->no_infra && infra_create(st, out, o, err) < 0)
        || record_write(st, g, false, err) < 0) {
        cleanup_err struct pcon_err e2 = { 0 };
        (void) pod_remove(st, out, true, 0, &e2); /* the infra too, if it was made */
        pod_free(out);
        return -1;
    }
    storage_event(st, "pod", "create", g->id, g->name, NULL, NULL);
    return 0;
}

static int stop_one(struct store *st, struct container *c, int timeout, struct pcon_err *err);

static int
start_one(struct store *st, struct container *c, struct pcon_err *err)
{
    struct engine_start_opts so = { .detach = true, .ready_fd = -1 };
    int code;

    if (engine_ctr_is_active(c))
        return 0;
    if (engine_monitor_start(st, c, &so, &code, err) < 0) {
        if (err->kind == PCON_ERR_EXEC)
            err->kind = PCON_ERR_ENGINE; /* podman's pod start says 125 for any */
        return pcon_prefix(err, "starting container %s", c->cfg.id);
    }
    return 0;
}

/* an init container, run to its end (podman's error when it failed);
 * a once one removed after */
static int
init_run(struct store *st, struct container *c, struct pcon_err *err)
{
    int code;

    if (start_one(st, c, err) < 0)
        return -1;
    code = engine_ctr_wait(st, c);
    if (code != 0)
        return pcon_fail(err, 0, "init container %s exited with code %d", c->cfg.id, code);
    if (c->cfg.init_ctr == CTR_INIT_ONCE) {
        engine_ctr_state_reload(st, c);
        if (engine_ctr_remove(st, c, false, err) < 0)
            return pcon_prefix(err, "failed to remove once init container %s", c->cfg.id);
    }
    return 0;
}

int
pod_start(struct store *st, const struct pod *p, struct pcon_err *err)
{
    struct container *v = NULL;
    size_t n = 0;
    int r = 0;

    if (pod_containers(st, p, &v, &n, err) < 0)
        return -1;
    /* An infra that is gone (killed) took the pod's network with it:
     * members still running are in namespaces nothing serves any more.
     * They are stopped, to come back with the new infra's. */
    if (n > 0 && v[0].cfg.infra && !engine_ctr_is_active(&v[0]))
        for (size_t i = 1; i < n && r == 0; i++)
            r = stop_one(st, &v[i], -1, err);
    /* the infra first (v[0]): the members join its namespaces; then the
     * init containers, oldest first, each to its end; then the rest */
    if (n > 0 && v[0].cfg.infra)
        r = start_one(st, &v[0], err);
    for (size_t i = n; i-- > 0 && r == 0;)
        if (v[i].cfg.init_ctr != CTR_INIT_NONE)
            r = init_run(st, &v[i], err);
    for (size_t i = 0; i < n && r == 0; i++)
        if (v[i].cfg.init_ctr == CTR_INIT_NONE)
            r = start_one(st, &v[i], err);
    engine_ctr_list_free(v, n);
    return r;
}

static int
stop_one(struct store *st, struct container *c, int timeout, struct pcon_err *err)
{
    bool killed = false;

    if (!engine_ctr_is_active(c))
        return 0;
    if (engine_ctr_stop(st, c, timeout < 0 ? c->cfg.stop_timeout : timeout, &killed, err) < 0)
        return pcon_prefix(err, "stopping container %s", c->cfg.id);
    return 0;
}

int
pod_stop(struct store *st, const struct pod *p, int timeout, struct pcon_err *err)
{
    struct container *v = NULL;
    size_t n = 0;
    int r = 0;

    if (pod_containers(st, p, &v, &n, err) < 0)
        return -1;
    /* the members first, the infra (v[0]) last: their network goes with it */
    for (size_t i = n; i-- > 0 && r == 0;)
        r = stop_one(st, &v[i], timeout, err);
    engine_ctr_list_free(v, n);
    return r;
}

int
pod_kill(struct store *st, const struct pod *p, int sig, struct pcon_err *err)
{
    struct container *v = NULL;
    size_t n = 0;
    int r = 0;

    if (pod_containers(st, p, &v, &n, err) < 0)
        return -1;
    for (size_t i = n; i-- > 0 && r == 0;)
        if (engine_ctr_is_active(&v[i]) && engine_ctr_kill(st, &v[i], sig, err) < 0)
            r = pcon_prefix(err, "killing container %s", v[i].cfg.id);
    engine_ctr_list_free(v, n);
    return r;
}

int
pod_remove(struct store *st, const struct pod *p, bool force, int timeout, struct pcon_err *err)
{
    cleanup_close int lock = pod_lock(st, p, true, err);
    struct container *v = NULL;
    size_t n = 0;
    int r = 0;

    /* exclusive: no member is being made while the pod goes */
    if (lock < 0 || pod_containers(st, p, &v, &n, err) < 0)
        return -1;
    /* a running infra alone is no reason to refuse: it goes with its pod */
    for (size_t i = n; i-- > 0 && !force;)
        if (engine_ctr_is_active(&v[i]) && !v[i].cfg.infra) {
            pcon_fail_kind(err, PCON_ERR_INUSE, 0,
                           "removing container %s from pod %s: cannot remove container %s as"
                           " it is running - running or paused containers cannot be removed"
                           " without force: container state improper",
                           v[i].cfg.id, p->cfg.id, v[i].cfg.id);
            engine_ctr_list_free(v, n);
            return -1;
        }
    /* members first, stopped as asked, then the infra they joined */
    for (size_t i = n; i-- > 0 && r == 0;) {
        if (force && timeout != 0)
            (void) stop_one(st, &v[i], timeout, NULL); /* what fails to stop is killed */
        r = engine_ctr_remove(st, &v[i], true, err);
    }
    engine_ctr_list_free(v, n);
    if (r < 0)
        return pcon_prefix(err, "removing pod %s", p->cfg.id);
    engine_pod_shm_release(st, p->cfg.id);
    record_remove(st, &p->cfg);
    storage_event(st, "pod", "remove", p->cfg.id, p->cfg.name, NULL, NULL);
    return 0;
}

int
pod_member_opts(const struct pod *p, struct engine_create_opts *o, bool net_set,
                struct pcon_err *err)
{
    bool net = (p->cfg.share & POD_JOIN_NET) != 0;

    o->pod_cgroup = p->cfg.share_parent && !p->cfg.no_infra;
    if (p->cfg.no_infra) {
        /* grouped, nothing shared: its network, ports, hostname its own */
        o->pod = p->cfg.id;
        o->infra_id = NULL;
        o->pod_join = 0;
        return 0;
    }
    if (net && (o->ports || o->publish_all))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid config provided: published or exposed ports must be"
                              " defined when the pod is created: network cannot be configured"
                              " when it is shared with a pod");
    (void) net_set; /* podman 4.3 takes --network and --dns, and uses the pod's */
    if (net && o->add_hosts)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid config provided: extra host entries must be specified on"
                              " the pod: network cannot be configured when it is shared with a"
                              " pod");
    if (o->hostname && (p->cfg.share & POD_JOIN_UTS))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid config provided: cannot set hostname when joining the"
                              " pod UTS namespace: invalid configuration");
    if (p->cfg.infra_id[0] == '\0')
        return pcon_fail(err, 0, "pod %s has no infra container", p->cfg.name);
    o->pod = p->cfg.id;
    o->infra_id = p->cfg.infra_id;
    /* the infra's network: its /etc/hosts and resolv.conf, no options of
     * the member's own (as container:INFRA); else the member's own */
    if (net) {
        memset(&o->net, 0, sizeof o->net);
        o->net.mode = NETNS_JOIN_CTR;
        snprintf(o->net.target, sizeof o->net.target, "%s", p->cfg.infra_id);
    }
    o->pod_join = p->cfg.share;
    if (p->cfg.share & POD_JOIN_UTS)
        o->hostname = p->cfg.hostname;
    /* the infra in the host's pid or uts namespace: a member sharing it
     * is in the host's too, as the infra came to be (not by setns: only
     * the host's root may join the host's namespaces) */
    if ((p->cfg.share & POD_JOIN_PID) && p->cfg.pid_host) {
        o->pod_join &= ~(unsigned) POD_JOIN_PID;
        o->pid_ns = "host";
    }
    if ((p->cfg.share & POD_JOIN_UTS) && p->cfg.uts_host) {
        o->pod_join &= ~(unsigned) POD_JOIN_UTS;
        o->uts_ns = "host";
        o->hostname = NULL;
    }
    return 0;
}
