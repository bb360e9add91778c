// SPDX-License-Identifier: Apache-2.0
/* Lifecycle operations on running containers: stop, kill, wait, remove.
 * Every process is signalled only after its start time proved the pid is
 * still the one recorded; waits use pidfds, not sleeps. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "../lib/proc.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "container.h"
#include "names.h"

static const struct {
    const char *name;
    int sig;
} signal_names[] = {
    { "HUP", SIGHUP },       { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
    { "TRAP", SIGTRAP },     { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
    { "FPE", SIGFPE },       { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
    { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
    { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
    { "WINCH", SIGWINCH },   { "IO", SIGIO },     { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

int
engine_signal_parse(const char *s, int *out, struct pcon_err *err)
{
    const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    char *end;
    long v;

    /* digits only: strtol alone would take " 15" and "+15" */
    v = strtol(s, &end, 10);
    if (*s >= '0' && *s <= '9' && *end == '\0') {
        if (v > 0 && v <= 64) {
            *out = (int) v;
            return 0;
        }
    } else {
        for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
            if (strcasecmp(name, signal_names[i].name) == 0) {
                *out = signal_names[i].sig;
                return 0;
            }
        if (strncasecmp(name, "RTMIN+", 6) == 0 && name[6] >= '0' && name[6] <= '9') {
            v = strtol(name + 6, &end, 10);
            if (*end == '\0' && v >= 0 && v <= SIGRTMAX - SIGRTMIN) {
                *out = SIGRTMIN + (int) v;
                return 0;
            }
        }
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid signal: %s", s);
}

static const char *
signal_name(int sig)
{
    for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
        if (signal_names[i].sig == sig)
            return signal_names[i].name;
    return "?";
}

/* A pidfd of pid if it is still the process that started at start. */
static int
pidfd_checked(pid_t pid, unsigned long long start)
{
    int fd;

    if (pid <= 0)
        return -1;
    fd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return -1;
    /* checked after opening: the fd now pins this very process */
    if (!proc_alive(pid, start)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Waits until the process behind pidfd exits; false on timeout. */
static bool
pidfd_wait(int fd, int timeout_ms)
{
    struct pollfd pf = { fd, POLLIN, 0 };
    int r;

    r = (int) TEMP_FAILURE_RETRY_INT(poll(&pf, 1, timeout_ms));
    return r > 0;
}

int
engine_ctr_mark_stopping(struct store *st, struct container *c, bool stopping, struct pcon_err *err)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, err);

    if (lock < 0)
        return -1;
    engine_ctr_state_reload(st, c);
    c->state.stopped_by_user = true;
    /* a paused one is thawed: a frozen process would not see its signal */
    if (c->state.status == CTR_PAUSED) {
        cleanup_free char *base = engine_cgroup_base(NULL);
        struct pcon_err ignored = { 0 };
        cleanup_free char *leaf = engine_ctr_cgroup_leaf(&c->cfg);
        if (base && engine_cgroup_freeze(base, leaf, false, &ignored) < 0)
            pcon_err_clear(&ignored);
        c->state.status = CTR_RUNNING;
    }
    if (stopping && (c->state.status == CTR_RUNNING || c->state.status == CTR_INITIALIZED))
        c->state.status = CTR_STOPPING;
    return engine_ctr_state_save(st, c, false, err);
}

int
engine_ctr_pause(struct store *st, struct container *c, bool pause, struct pcon_err *err)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, err);
    cleanup_free char *why = NULL, *base = NULL;

    if (lock < 0)
        return -1;
    engine_ctr_state_reload(st, c);
    if (pause ? c->state.status != CTR_RUNNING : c->state.status != CTR_PAUSED)
        return pcon_fail(err, 0, "\"%s\" is not %s, can't %s: container state improper",
                         c->cfg.name, pause ? "running" : "paused", pause ? "pause" : "unpause");
    base = c->cfg.cgroups_disabled ? NULL : engine_cgroup_base(&why);
    if (base == NULL)
        return pcon_fail(err, 0, "%s is not supported: %s", pause ? "pause" : "unpause",
                         c->cfg.cgroups_disabled ? "the container has no cgroup of its own "
                                                   "(--cgroups disabled)"
                         : strcmp(why, "cgroups v1") == 0
                             ? "rootless containers cannot be frozen on cgroups v1 (no freezer is "
                               "delegated)"
                             : why);
    cleanup_free char *leaf = engine_ctr_cgroup_leaf(&c->cfg);
    if (engine_cgroup_freeze(base, leaf, pause, err) < 0)
        return pcon_prefix(err, "%s %s", pause ? "pause" : "unpause", c->cfg.name);
    c->state.status = pause ? CTR_PAUSED : CTR_RUNNING;
    if (engine_ctr_state_save(st, c, false, err) < 0)
        return -1;
    engine_ctr_event(st, c, pause ? "pause" : "unpause", NULL);
    return 0;
}

/* After the init is gone, the monitor records the exit (and, for --rm,
 * removes the container); wait for it so the caller sees the result. */
static void
wait_monitor(struct store *st, struct container *c)
{
    cleanup_close int mfd = pidfd_checked(c->state.monitor, c->state.monitor_start);

    for (int i = 0; i < 500; i++) {
        if (mfd >= 0 && pidfd_wait(mfd, 10))
            break;
        if (mfd < 0)
            usleep(10000);
        engine_ctr_state_reload(st, c);
        if (!engine_ctr_is_active(c))
            break;
    }
    engine_ctr_state_reload(st, c);
}

int
engine_ctr_stop(struct store *st, struct container *c, int timeout, bool *killed,
                struct pcon_err *err)
{
    cleanup_close int pfd = -1;
    bool held;

    *killed = false;
    if (!engine_ctr_is_active(c))
        return 0; /* stopping a stopped container is no error, as podman */
    pfd = pidfd_checked(c->state.pid, c->state.pid_start);
    held = c->state.status == CTR_INITIALIZED;
    if (engine_ctr_mark_stopping(st, c, true, err) < 0)
        return -1;
    if (pfd >= 0 && held) {
        /* its command never ran: nothing to ask to stop */
        if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
            return pcon_fail(err, errno, "kill %s", c->cfg.name);
        (void) pidfd_wait(pfd, 10000);
    } else if (pfd >= 0) {
        if (syscall(SYS_pidfd_send_signal, pfd, c->cfg.stop_signal, NULL, 0) < 0 && errno != ESRCH)
            return pcon_fail(err, errno, "send %s to %s", signal_name(c->cfg.stop_signal),
                             c->cfg.name);
        if (!pidfd_wait(pfd, timeout * 1000)) {
            pcon_warn("StopSignal SIG%s failed to stop container %s in %d seconds, resorting to"
                      " SIGKILL",
                      signal_name(c->cfg.stop_signal), c->cfg.name, timeout);
            *killed = true;
            if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
                return pcon_fail(err, errno, "kill %s", c->cfg.name);
            (void) pidfd_wait(pfd, 10000);
        }
    }
    wait_monitor(st, c);
    engine_ctr_event(st, c, "stop", NULL);
    return 0;
}

int
engine_ctr_kill(struct store *st, struct container *c, int sig, struct pcon_err *err)
{
    cleanup_close int pfd = -1;

    if (!engine_ctr_is_active(c) || c->state.status == CTR_INITIALIZED
        || (pfd = pidfd_checked(c->state.pid, c->state.pid_start)) < 0)
        return pcon_fail(err, 0,
                         "can only kill running containers. %s is in state %s: container state"
                         " improper",
                         c->cfg.id, engine_ctr_status_name(c->state.status));
    if (sig == SIGKILL || sig == c->cfg.stop_signal) {
        if (engine_ctr_mark_stopping(st, c, false, err) < 0)
            return -1;
    }
    if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0)
        return pcon_fail(err, errno, "send signal %d to %s", sig, c->cfg.name);
    {
        cleanup_free char *a = xasprintf("signal=%d", sig);
        engine_ctr_event(st, c, "kill", (char *[]){ a, NULL });
    }
    return 0;
}

int
engine_ctr_wait(struct store *st, struct container *c)
{
    while (engine_ctr_is_active(c)) {
        cleanup_close int mfd = pidfd_checked(c->state.monitor, c->state.monitor_start);
        if (mfd >= 0)
            (void) pidfd_wait(mfd, 50);
        else
            usleep(20000);
        engine_ctr_state_reload(st, c);
    }
    return c->state.exit_code;
}

char **
engine_ctr_dependents_in(const struct container *v, size_t n, const struct container *c, bool joins,
                         bool requires, char *const *skip)
{
    char **deps = NULL;

    for (size_t i = 0; i < n; i++) {
        const struct ctr_config *o = &v[i].cfg;
        char *const joined[] = { o->pid_ns, o->ipc_ns, o->uts_ns };
        bool dep = joins && o->net.mode == NETNS_JOIN_CTR && strcmp(o->net.target, c->cfg.id) == 0;
        for (size_t k = 0; joins && k < 3; k++)
            dep |= joined[k] && strncmp(joined[k], "container:", 10) == 0
                   && strcmp(joined[k] + 10, c->cfg.id) == 0;
        dep |= requires && strv_contains(o->requires, c->cfg.id);
        if (dep && strcmp(o->id, c->cfg.id) != 0 && !strv_contains(skip, o->id))
            strv_push(&deps, o->id);
    }
    if (deps)
        strv_sort(deps);
    return deps;
}

char **
engine_ctr_dependents(struct store *st, const struct container *c, bool requires)
{
    struct container *v = NULL;
    char **deps = NULL;
    size_t n = 0;

    if (engine_ctr_list(st, &v, &n, NULL) < 0)
        return NULL;
    deps = engine_ctr_dependents_in(v, n, c, true, requires, NULL);
    engine_ctr_list_free(v, n);
    return deps;
}

int
engine_ctr_dependents_error(const struct container *c, char **deps, struct pcon_err *err)
{
    cleanup_free char *list = NULL;

    if (deps == NULL)
        return 0;
    strv_sort(deps);
    list = strv_join(deps, ", ");
    return pcon_fail(err, 0,
                     "container %s has dependent containers which must be removed before it: %s:"
                     " container already exists",
                     c->cfg.id, list);
}

/* podman's refusal to remove a container whose network others join,
 * forced or not: they go first (their ids sorted, as podman lists them) */
static int
dependents_check(struct store *st, const struct container *c, struct pcon_err *err)
{
    struct container *v = NULL;
    size_t n = 0;
    cleanup_strv char **deps = NULL;

    if (engine_ctr_list(st, &v, &n, NULL) < 0)
        return 0;
    deps = engine_ctr_dependents_in(v, n, c, true, false, NULL);
    engine_ctr_list_free(v, n);
    return engine_ctr_dependents_error(c, deps, err);
}

int
engine_ctr_remove(struct store *st, struct container *c, bool force, struct pcon_err *err)
{
    return engine_ctr_remove_checked(st, c, force, false, err);
}

int
engine_ctr_remove_checked(struct store *st, struct container *c, bool force, bool deps_checked,
                          struct pcon_err *err)
{
    cleanup_close int lock = -1;

    /* an initialized one goes without force, as podman's */
    if (engine_ctr_is_active(c) && c->state.status != CTR_INITIALIZED && !force)
        return pcon_fail_kind(err, PCON_ERR_INUSE, 0,
                              "cannot remove container %s as it is %s - running or paused"
                              " containers cannot be removed without force: container state"
                              " improper",
                              c->cfg.id, engine_ctr_status_name(c->state.status));
    if (!deps_checked && dependents_check(st, c, err) < 0)
        return -1;
    if (engine_ctr_is_active(c)) {
        cleanup_close int pfd = -1;
        pfd = pidfd_checked(c->state.pid, c->state.pid_start);
        if (engine_ctr_mark_stopping(st, c, false, err) < 0)
            return -1;
        if (pfd >= 0) {
            (void) syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0); /* may be gone */
            (void) pidfd_wait(pfd, 10000);
        }
        wait_monitor(st, c);
    }
    lock = engine_ctr_lock(st, c->cfg.id, err);
    if (lock < 0) {
        if (err && err->errnum == ENOENT) {
            pcon_err_clear(err);
            /* removed by its own monitor (--rm) meanwhile, which frees its
             * name last: free now, for a create of that name next */
            (void) engine_name_release(st->root_dfd, c->cfg.name, c->cfg.id);
            return 0;
        }
        return -1;
    }
    return engine_ctr_remove_files(st, c, err);
}

void
engine_image_release(struct store *st, const char *image_id, const char *name)
{
    cleanup_close int lock = storage_lock(st, true, NULL);
    struct container *v = NULL;
    size_t n = 0;
    struct image img;
    bool used = false;

    if (lock < 0 || storage_image_lookup(st, image_id, &img, NULL) < 0)
        return;
    /* one of its names: that name goes, as rmi NAME does */
    if (name && strv_len(img.names) > 1 && strv_contains(img.names, name)) {
        cleanup_free char *removed = NULL;
        (void) storage_image_untag(st, &img, name, &removed, NULL);
        storage_image_free(&img);
        return;
    }
    if (engine_ctr_list(st, &v, &n, NULL) == 0)
        for (size_t i = 0; i < n && !used; i++)
            used = strcmp(v[i].cfg.image_id, image_id) == 0;
    engine_ctr_list_free(v, n);
    if (!used)
        (void) storage_image_remove(st, &img, NULL); /* in use: it stays, as podman's */
    storage_image_free(&img);
}
