// SPDX-License-Identifier: Apache-2.0
/* Running a container in the foreground: the record, the root file
 * system, the clone into new namespaces, the wait, and the cleanup. The
 * calling pcon process plays the monitor. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "container.h"
#include "init.h"
#include "mounts.h"
#include "names.h"
#include "spec.h"
#include "userns.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define PCON_ENGINE_VERSION "pcon-" PCON_VERSION

extern char **environ;

/* Everything a run holds; released by ctr_free. */
struct ctr {
    char id[65];
    char *name;
    struct image img;
    struct image_config cfg;
    char **args, **env;
    struct volume *volumes;
    size_t nvolumes;
    char *hostname, *workdir, *user;
    char *userdata, *rootfs;
    bool created; /* the store holds the container */
};

static void
ctr_free(struct ctr *c)
{
    storage_image_free(&c->img);
    storage_image_config_free(&c->cfg);
    strv_free(c->args);
    strv_free(c->env);
    for (size_t i = 0; i < c->nvolumes; i++)
        spec_volume_free(&c->volumes[i]);
    free(c->volumes);
    free(c->name);
    free(c->hostname);
    free(c->workdir);
    free(c->user);
    free(c->userdata);
    free(c->rootfs);
}

static void
now_rfc3339(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    size_t l;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    l = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + l, n - l, ".%09ldZ", ts.tv_nsec);
}

/* The environment: image Env, then defaults that are missing, then
 * --env-file, then -e; container and HOSTNAME are always pcon's. */
static int
build_env(struct ctr *c, const struct engine_run_opts *o, struct pcon_err *err)
{
    cleanup_free char *hn = xasprintf("HOSTNAME=%s", c->hostname);

    for (size_t i = 0; c->cfg.env && c->cfg.env[i]; i++)
        spec_env_set(&c->env, c->cfg.env[i], NULL);
    if (spec_env_get(c->env, "PATH") == NULL)
        spec_env_set(&c->env, DEFAULT_PATH, NULL);
    spec_env_set(&c->env, "container=pcon", NULL);
    spec_env_set(&c->env, hn, NULL);
    for (size_t i = 0; o->env_files && o->env_files[i]; i++) {
        cleanup_free char *text = fs_read_all(AT_FDCWD, o->env_files[i], 1 << 20, NULL, err);
        if (text == NULL)
            return pcon_prefix(err, "read env file");
        if (spec_env_file(text, &c->env, environ, err) < 0)
            return -1;
    }
    for (size_t i = 0; o->env && o->env[i]; i++)
        spec_env_set(&c->env, o->env[i], environ);
    return 0;
}

/* Resolves everything the command line and the image say, before
 * anything is created: a bad option costs nothing. */
static int
ctr_prepare(struct store *st, struct ctr *c, const struct engine_run_opts *o, struct pcon_err *err)
{
    if (storage_image_lookup(st, o->image, &c->img, err) < 0)
        return -1;
    if (storage_image_config(st, &c->img, &c->cfg, err) < 0)
        return -1;
    if (spec_args(c->cfg.entrypoint, c->cfg.cmd, o->entrypoint, o->entrypoint_set, o->cmd,
                  &c->args, err) < 0)
        return -1;
    for (size_t i = 0; o->volumes && o->volumes[i]; i++) {
        c->volumes = xrealloc(c->volumes, (c->nvolumes + 1) * sizeof *c->volumes);
        if (spec_volume_parse(o->volumes[i], &c->volumes[c->nvolumes], err) < 0)
            return -1;
        c->nvolumes++;
    }
    if (engine_id_new(c->id, err) < 0)
        return -1;
    c->hostname = xstrdup(o->hostname ? o->hostname : c->id);
    if (!o->hostname)
        c->hostname[12] = '\0';
    if (o->workdir)
        c->workdir = xstrdup(o->workdir);
    else if (c->cfg.workdir)
        c->workdir = xstrdup(c->cfg.workdir);
    if (c->workdir && c->workdir[0] != '/')
        return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL,
                              "workdir \"%s\" must be an absolute path", c->workdir);
    c->user = xstrdup(o->user ? o->user : c->cfg.user ? c->cfg.user : "0");
    return build_env(c, o, err);
}

static int
write_record(struct ctr *c, int dfd, const struct engine_run_opts *o, struct store *st,
             struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *text = NULL;
    char created[64];
    size_t len;

    now_rfc3339(created, sizeof created);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "id", c->id));
    JG(json_gen_kv_str(g, "name", c->name));
    JG(json_gen_kv_str(g, "image_id", c->img.id));
    JG(json_gen_kv_str(g, "image_name", o->image));
    JG(json_gen_kv_str(g, "created", created));
    JG(json_gen_kv_str(g, "driver", storage_driver_name(st->driver)));
    JG(json_gen_kv_strv(g, "args", c->args));
    JG(json_gen_kv_strv(g, "env", c->env));
    JG(json_gen_kv_str(g, "workdir", c->workdir));
    JG(json_gen_kv_str(g, "user", c->user));
    JG(json_gen_kv_str(g, "hostname", c->hostname));
    JG(json_gen_kv_str(g, "network", o->net == NETNS_HOST ? "host" : "none"));
    JG(json_gen_kv_strv(g, "volumes", o->volumes ? o->volumes : (char *[]){ NULL }));
    JG(json_gen_kv_bool(g, "interactive", o->interactive));
    JG(json_gen_kv_bool(g, "rm", o->rm));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    /* a --rm container's record need not survive a crash */
    return fs_write_atomic(dfd, "container.json", text, len, 0600, !o->rm, err);
fail:
    return pcon_fail(err, EINVAL, "generate container.json");
}

/* The record, the name and the writable layer, under the shared store
 * lock so that no image is removed underneath. */
static int
ctr_create(struct store *st, struct ctr *c, const struct engine_run_opts *o,
           struct pcon_err *err)
{
    cleanup_close int dfd = -1;

    if (engine_name_reserve(st->root_dfd, o->name, c->id, &c->name, err) < 0)
        return -1;
    dfd = storage_container_create(st, &c->img, c->id, err);
    if (dfd < 0) {
        (void) engine_name_release(st->root_dfd, c->name, c->id); /* undo the reservation */
        return -1;
    }
    c->created = true;
    return write_record(c, dfd, o, st, err);
}

static int
write_userdata_file(int dfd, const char *name, const char *text, struct pcon_err *err)
{
    return fs_write_atomic(dfd, name, text, strlen(text), 0644, false, err);
}

/* hosts, resolv.conf, hostname and .containerenv, bound into the root */
static int
ctr_userdata(struct store *st, struct ctr *c, const struct engine_run_opts *o,
             struct pcon_err *err)
{
    cleanup_free char *resolv = fs_read_all(AT_FDCWD, "/etc/resolv.conf", 1 << 16, NULL, NULL);
    cleanup_free char *hosts = NULL, *hostname = NULL, *env = NULL;
    cleanup_free char *rel = xasprintf("containers/%s", c->id);
    cleanup_close int dfd = -1;

    c->userdata = xasprintf("%s/%s", st->runroot, rel);
    c->rootfs = xasprintf("%s/merged", c->userdata);
    if (fs_mkdir_p(c->rootfs, 0700, err) < 0)
        return -1;
    dfd = open(c->userdata, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", c->userdata);
    if (o->net == NETNS_HOST) {
        cleanup_free char *host = fs_read_all(AT_FDCWD, "/etc/hosts", 1 << 20, NULL, NULL);
        hosts = xasprintf("%s127.0.1.1\t%s %s\n", host ? host : "", c->hostname, c->name);
    } else {
        hosts = xasprintf("127.0.0.1\tlocalhost localhost.localdomain\n"
                          "::1\tlocalhost localhost.localdomain\n"
                          "127.0.1.1\t%s %s\n",
                          c->hostname, c->name);
    }
    hostname = xasprintf("%s\n", c->hostname);
    env = xasprintf("engine=\"%s\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\nimageid=\"%s\"\n"
                    "rootless=%d\n",
                    PCON_ENGINE_VERSION, c->name, c->id, o->image, c->img.id, getuid() == 0 ? 1 : 0);
    if (write_userdata_file(dfd, "hosts", hosts, err) < 0
        || write_userdata_file(dfd, "resolv.conf", resolv ? resolv : "", err) < 0
        || write_userdata_file(dfd, "hostname", hostname, err) < 0
        || write_userdata_file(dfd, ".containerenv", env, err) < 0)
        return -1;
    return 0;
}

static void
ctr_remove(struct store *st, struct ctr *c)
{
    struct pcon_err ignored = { 0 };

    if (c->userdata) {
        (void) fs_rm_rf_at(AT_FDCWD, c->userdata, &ignored); /* best effort: runroot is tmpfs */
        pcon_err_clear(&ignored);
    }
    if (c->created) {
        (void) storage_container_delete(st, c->id, &ignored);
        pcon_err_clear(&ignored);
        (void) engine_name_release(st->root_dfd, c->name, c->id);
    }
}

static void
ctr_write_state(struct ctr *c, int code)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_close int dfd = open(c->userdata, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_free char *text = NULL;
    char finished[64];
    size_t len;

    if (dfd < 0)
        return;
    now_rfc3339(finished, sizeof finished);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "status", "exited"));
    JG(json_gen_kv_int(g, "exit_code", code));
    JG(json_gen_kv_str(g, "finished_at", finished));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    (void) fs_write_atomic(dfd, "state.json", text, len, 0600, false, NULL); /* see ps */
fail:
    return;
}

static const int proxied_signals[] = { SIGHUP,  SIGINT,   SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                       SIGALRM, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU };

/* Waits for the container, passing on the signals the user sends pcon. */
static int
wait_proxy(pid_t pid, const sigset_t *set, struct pcon_err *err)
{
    for (;;) {
        siginfo_t si;
        int status;
        pid_t r;
        int sig = sigwaitinfo(set, &si);

        if (sig < 0) {
            if (errno == EINTR)
                continue;
            return pcon_fail(err, errno, "wait for signals");
        }
        if (sig != SIGCHLD) {
            (void) kill(pid, sig); /* the container may be gone already */
            continue;
        }
        r = waitpid(pid, &status, WNOHANG);
        if (r < 0)
            return pcon_fail(err, errno, "wait for the container");
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
}

static pid_t
clone_init(const struct engine_run_opts *o)
{
    struct clone_args args = {
        .flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC
                 | (o->net == NETNS_HOST ? 0 : CLONE_NEWNET),
        .exit_signal = SIGCHLD,
    };

    return (pid_t) syscall(SYS_clone3, &args, sizeof args);
}

/* Mounts the root, clones the init and waits. The mount namespace made
 * here is this process's own: the root vanishes with it. */
static int
ctr_start(struct store *st, struct ctr *c, const struct engine_run_opts *o, int *code,
          struct pcon_err *err)
{
    struct mount_plan plan = { 0 };
    struct mount_plan_opts po = {
        .private_net = o->net != NETNS_HOST,
        .single_mapping = engine_userns_single_mapping(),
        .userdata = c->userdata,
        .volumes = c->volumes,
        .nvolumes = c->nvolumes,
    };
    struct init_config ic = {
        .rootfs = c->rootfs,
        .plan = &plan,
        .args = c->args,
        .env = c->env,
        .user = c->user,
        .workdir = c->workdir,
        .hostname = c->hostname,
        .private_net = po.private_net,
        .interactive = o->interactive,
        .single_mapping = po.single_mapping,
    };
    sigset_t set;
    struct init_msg msg;
    int sv[2] = { -1, -1 };
    ssize_t n;
    pid_t pid;
    int ret = -1;

    if (engine_mounts_plan(&po, &plan, err) < 0)
        return -1;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
        pcon_fail(err, errno, "create the monitor's mount namespace");
        goto out;
    }
    if (storage_rootfs_mount(st, &c->img, c->id, c->rootfs, err) < 0)
        goto out;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < sizeof proxied_signals / sizeof proxied_signals[0]; i++)
        sigaddset(&set, proxied_signals[i]);
    /* blocked before the clone: a signal arriving now is proxied, not lost */
    if (sigprocmask(SIG_BLOCK, &set, &ic.sigmask) < 0
        || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        pcon_fail(err, errno, "prepare the container process");
        goto unmount;
    }
    ic.syncfd = sv[1];
    pid = clone_init(o);
    if (pid < 0) {
        pcon_fail(err, errno, "create the container process");
        goto unmount;
    }
    if (pid == 0) {
        close(sv[0]);
        engine_init_main(&ic);
    }
    close(sv[1]);
    sv[1] = -1;
    /* EOF: execve succeeded and closed the child's end */
    n = TEMP_FAILURE_RETRY_INT(read(sv[0], &msg, sizeof msg));
    if (n == (ssize_t) sizeof msg) {
        msg.text[sizeof msg.text - 1] = '\0';
        pcon_fail_kind(err, (enum pcon_errkind) msg.kind, msg.errnum, "%s", msg.text);
        *code = proc_wait_exit(pid, NULL);
        goto unmount;
    }
    *code = wait_proxy(pid, &set, err);
    ret = *code < 0 ? -1 : 0;
unmount:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    (void) sigprocmask(SIG_SETMASK, &ic.sigmask, NULL);
    (void) storage_rootfs_unmount(c->rootfs, NULL); /* the namespace dies with us anyway */
out:
    engine_mounts_plan_free(&plan);
    return ret;
}

int
engine_container_run(struct store *st, const struct engine_run_opts *o, int *exit_code,
                     struct pcon_err *err)
{
    struct ctr c = { 0 };
    int lock, ret = -1, code = -1;

    lock = storage_lock(st, false, err);
    if (lock < 0)
        return -1;
    if (ctr_prepare(st, &c, o, err) < 0 || ctr_create(st, &c, o, err) < 0) {
        close(lock);
        goto fail;
    }
    close(lock);
    if (ctr_userdata(st, &c, o, err) < 0)
        goto fail;
    ret = ctr_start(st, &c, o, &code, err);
    if (ret < 0 && err->kind != PCON_ERR_EXEC)
        goto fail; /* never started: nothing worth keeping */
    if (o->rm)
        ctr_remove(st, &c);
    else
        ctr_write_state(&c, code);
    *exit_code = code;
    ctr_free(&c);
    return ret;
fail:
    ctr_remove(st, &c);
    ctr_free(&c);
    return -1;
}
