// SPDX-License-Identifier: Apache-2.0
/* pcon auto-update: podman's. Each running container labelled
 * io.containers.autoupdate=registry|local that runs in a systemd unit (the
 * PODMAN_SYSTEMD_UNIT label its create took from the unit's environment):
 * registry: a new manifest of its image name on the registry is pulled;
 * local: a new image of that name in the store. Its unit is then restarted
 * (systemctl, no shell), which makes the container again from the new
 * image (generate systemd --new's units do); a restart that fails puts the
 * old image back under the name and restarts again (--rollback). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "../registry/registry.h"
#include "../storage/events.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "cmd.h"
#include "format.h"

#define AUTOUPDATE_LABEL          "io.containers.autoupdate"
#define AUTOUPDATE_AUTHFILE_LABEL "io.containers.autoupdate.authfile"
#define SYSTEMD_UNIT_LABEL        "PODMAN_SYSTEMD_UNIT"

enum { AU_DRY_RUN = 0x300, AU_FORMAT, AU_ROLLBACK };

static const struct cmd_opt autoupdate_opts[] = {
    { CMD_OPT_AUTHFILE, "authfile", 0, "PATH",
      "Path of the authentication file (a container's io.containers.autoupdate.authfile label "
      "wins)" },
    { AU_DRY_RUN, "dry-run", 0, NULL, "Check for pending updates, change nothing" },
    { AU_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { AU_ROLLBACK, "rollback", 0, "BOOL",
      "Put the previous image back if the unit fails to restart (default true)" },
    { CMD_OPT_TLS_VERIFY, "tls-verify", 0, NULL,
      "Require HTTPS and verify certificates (default true; registries.conf may say insecure)" },
    { 0 },
};

enum policy { POLICY_REGISTRY, POLICY_LOCAL };

struct task {
    struct container *c;
    const char *unit, *image; /* the unit it runs in; its image's name */
    const char *authfile;     /* its label's, or NULL */
    enum policy policy;
    const char *status; /* podman's: failed, true, false, pending, rolled back */
};

struct updater {
    struct cmd_ctx *ctx;
    int restarter; /* the socket to the process that restarts units, outside pcon's namespaces */
    struct registry_opts reg;
    bool dry_run, rollback;
    char **pulled; /* image names pulled by this run: once each */
    int failures;
};

static const char *
label_of(const struct ctr_config *g, const char *key)
{
    size_t kl = strlen(key);

    for (size_t i = 0; g->labels && g->labels[i]; i++)
        if (strncmp(g->labels[i], key, kl) == 0 && g->labels[i][kl] == '=')
            return g->labels[i] + kl + 1;
    return NULL;
}

static void
fail(struct updater *u, struct pcon_err *err, const char *fmt, const char *what)
{
    cleanup_free char *why = pcon_err_text(err);

    fprintf(stderr, "Error: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, ": %s\n", why);
    pcon_err_clear(err);
    u->failures++;
}

/* whether an update is there for t (podman ignores a registry it cannot
 * reach: no update then) */
static int
update_available(struct updater *u, struct task *t, bool *available, struct pcon_err *err)
{
    struct store *st = &u->ctx->st;
    struct image img;
    char local[72], remote[72];
    int r;

    *available = false;
    if (t->policy == POLICY_REGISTRY) {
        struct registry_opts o = u->reg;
        struct image mine;
        if (strv_contains(u->pulled, t->image)) {
            *available = true;
            return 0;
        }
        if (t->authfile)
            o.authfile = t->authfile;
        o.quiet = true;
        if (storage_image_lookup(st, t->c->cfg.image_id, &mine, err) < 0)
            return -1;
        r = storage_image_digest(st, &mine, local, err);
        storage_image_free(&mine);
        if (r < 0)
            return -1;
        if (registry_pull_digest(t->image, &o, remote, err) < 0) {
            pcon_err_clear(err);
            return 0;
        }
        *available = strcmp(local, remote) != 0;
        return 0;
    }
    {
        cleanup_close int lock = storage_lock(st, false, err);
        if (lock < 0 || storage_image_lookup(st, t->image, &img, err) < 0)
            return -1;
    }
    *available = strcmp(img.id, t->c->cfg.image_id) != 0;
    storage_image_free(&img);
    return 0;
}

static int
update(struct updater *u, struct task *t, struct pcon_err *err)
{
    struct registry_opts o = u->reg;
    cleanup_free char *name = NULL;
    char id[65];

    if (t->policy == POLICY_LOCAL || strv_contains(u->pulled, t->image))
        return 0;
    if (t->authfile)
        o.authfile = t->authfile;
    if (registry_pull(&u->ctx->st, t->image, &o, &name, id, err) < 0)
        return -1;
    storage_event(&u->ctx->st, "image", "pull", id, t->image, NULL, NULL);
    strv_push(&u->pulled, t->image);
    return 0;
}

/* systemctl [--user] restart UNIT, which waits for the unit's start */
static int
systemctl_restart(const char *unit, struct pcon_err *err)
{
    char *argv[] = { (char *) "systemctl", (char *) "--user", (char *) "restart", (char *) unit,
                     NULL };

    if (getuid() == 0) {
        argv[1] = (char *) "restart";
        argv[2] = (char *) unit;
        argv[3] = NULL;
    }
    if (proc_run(argv, err) < 0)
        return pcon_prefix(err, "restarting unit %s", unit);
    return 0;
}

/* The units restart from a process forked before pcon joins its user and
 * mount namespaces: systemctl, and the pcon its unit runs, see the host as
 * the user does. It takes a unit's name a message and answers "" (done) or
 * the error. */
static int
restarter_start(pid_t *pid, struct pcon_err *err)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create a socket pair");
    fflush(stdout);
    fflush(stderr);
    *pid = fork();
    if (*pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, errno, "fork");
    }
    if (*pid == 0) {
        char unit[512];
        ssize_t n;
        close(sv[0]);
        while ((n = TEMP_FAILURE_RETRY_INT(read(sv[1], unit, sizeof unit - 1))) > 0) {
            struct pcon_err e = { 0 };
            cleanup_free char *why = NULL;
            unit[n] = '\0';
            if (systemctl_restart(unit, &e) < 0)
                why = pcon_err_text(&e);
            pcon_err_clear(&e);
            if (TEMP_FAILURE_RETRY_INT(write(sv[1], why ? why : "", why ? strlen(why) : 0)) < 0)
                _exit(1);
        }
        _exit(0);
    }
    close(sv[1]);
    return sv[0];
}

static int
unit_restart(struct updater *u, const char *unit, struct pcon_err *err)
{
    char why[2048];
    ssize_t n;

    if (TEMP_FAILURE_RETRY_INT(write(u->restarter, unit, strlen(unit))) < 0
        || (n = TEMP_FAILURE_RETRY_INT(read(u->restarter, why, sizeof why - 1))) < 0)
        return pcon_fail(err, errno, "restarting unit %s", unit);
    if (n == 0)
        return 0;
    why[n] = '\0';
    return pcon_fail(err, 0, "%s", why);
}

/* the image it ran before under its name again */
static int
rollback_image(struct updater *u, struct task *t, struct pcon_err *err)
{
    struct store *st = &u->ctx->st;
    cleanup_close int lock = storage_lock(st, true, err);
    struct image img;
    int r;

    if (lock < 0 || storage_image_lookup(st, t->c->cfg.image_id, &img, err) < 0)
        return -1;
    r = storage_image_tag(st, &img, t->image, err);
    storage_image_free(&img);
    /* pulled again by the next update, as podman's */
    for (size_t i = 0; u->pulled && u->pulled[i]; i++)
        if (strcmp(u->pulled[i], t->image) == 0)
            u->pulled[i][0] = '\0';
    return r;
}

static void
update_unit(struct updater *u, const char *unit, struct task *tasks, size_t n)
{
    struct pcon_err err = { 0 };
    bool updated = false;

    for (size_t i = 0; i < n; i++) {
        struct task *t = &tasks[i];
        bool available;
        if (t->unit != unit)
            continue;
        if (update_available(u, t, &available, &err) < 0) {
            t->status = "failed";
            fail(u, &err, "checking image updates for container %s", t->c->cfg.id);
            continue;
        }
        if (!available) {
            t->status = "false";
            continue;
        }
        if (u->dry_run) {
            t->status = "pending";
            continue;
        }
        if (update(u, t, &err) < 0) {
            t->status = "failed";
            fail(u, &err, "updating image for container %s", t->c->cfg.id);
            continue;
        }
        updated = true;
    }
    if (!updated)
        return;
    if (unit_restart(u, unit, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (tasks[i].unit == unit)
                tasks[i].status = "true";
        return;
    }
    {
        cleanup_free char *why = pcon_err_text(&err);
        fprintf(stderr, "Error: %s\n", why);
        pcon_err_clear(&err);
        u->failures++;
    }
    for (size_t i = 0; i < n; i++)
        if (tasks[i].unit == unit)
            tasks[i].status = "failed";
    if (!u->rollback)
        return;
    for (size_t i = 0; i < n; i++)
        if (tasks[i].unit == unit && rollback_image(u, &tasks[i], &err) < 0) {
            cleanup_free char *what = xasprintf("%s in unit %s", tasks[i].c->cfg.id, unit);
            fail(u, &err, "rolling back image for container %s", what);
        }
    if (unit_restart(u, unit, &err) < 0) {
        fail(u, &err, "restarting unit %s during rollback", unit);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (tasks[i].unit == unit)
            tasks[i].status = "rolled back";
}

static char *
task_json(const struct task *t)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *ctr = xasprintf("%.12s (%s)", t->c->cfg.id, t->c->cfg.name);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Unit", t->unit));
    JG(json_gen_kv_str(g, "Container", ctr));
    JG(json_gen_kv_str(g, "ContainerName", t->c->cfg.name));
    JG(json_gen_kv_str(g, "ContainerID", t->c->cfg.id));
    JG(json_gen_kv_str(g, "Image", t->image));
    JG(json_gen_kv_str(g, "Policy", t->policy == POLICY_LOCAL ? "local" : "registry"));
    JG(json_gen_kv_str(g, "Updated", t->status));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
cmd_autoupdate(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const headers[] = { "Unit",        "UNIT",          "Container",
                                           "CONTAINER",   "Image",         "IMAGE",
                                           "Policy",      "POLICY",        "Updated",
                                           "UPDATED",     "ContainerName", "CONTAINER NAME",
                                           "ContainerID", "CONTAINER ID",  NULL };
    cleanup_err struct pcon_err err = { 0 };
    struct updater u = { .ctx = ctx, .reg = { .tls_verify = -1 }, .rollback = true };
    pid_t restarter = -1;
    const char *fmt = "table {{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}";
    cleanup_strv char **rows = NULL, **units = NULL;
    struct container *v = NULL;
    struct task *tasks = NULL;
    size_t n = 0, nt = 0;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_autoupdate_def, argc, argv, &arg)) != -1) {
        if (opt == AU_DRY_RUN)
            u.dry_run = cmd_flag_value(arg);
        else if (opt == AU_ROLLBACK)
            u.rollback = cmd_flag_value(arg);
        else if (opt == AU_FORMAT)
            fmt = arg;
        else if (!cmd_reg_opt(&u.reg, opt, arg))
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_autoupdate_def, "`pcon auto-update` takes no arguments");
    /* a zero-length message would read as "done": no unit has no name */
    u.restarter = restarter_start(&restarter, &err);
    if (u.restarter < 0)
        return cmd_report(&err);
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0) {
        close(u.restarter);
        (void) waitpid(restarter, NULL, 0);
        return cmd_report(&err);
    }
    tasks = xzalloc((n ? n : 1) * sizeof *tasks);
    for (size_t i = 0; i < n; i++) {
        const struct ctr_config *g = &v[i].cfg;
        const char *policy = label_of(g, AUTOUPDATE_LABEL), *unit;
        struct task *t = &tasks[nt];
        if (v[i].state.status != CTR_RUNNING || policy == NULL || *policy == '\0'
            || strcmp(policy, "disabled") == 0)
            continue;
        if (strcmp(policy, "registry") == 0 || strcmp(policy, "image") == 0) {
            t->policy = POLICY_REGISTRY;
        } else if (strcmp(policy, "local") == 0) {
            t->policy = POLICY_LOCAL;
        } else {
            fprintf(stderr,
                    "Error: invalid auto-update policy \"%s\": valid policies are [\"disabled\" "
                    "\"image\" \"local\" \"registry\"]\n",
                    policy);
            u.failures++;
            continue;
        }
        unit = label_of(g, SYSTEMD_UNIT_LABEL);
        if (unit == NULL || *unit == '\0' || strlen(unit) >= 512) {
            fprintf(stderr, "Error: auto-updating container \"%s\": no %s label found\n", g->id,
                    SYSTEMD_UNIT_LABEL);
            u.failures++;
            continue;
        }
        if (g->image_name == NULL || g->image_name[0] == '\0') {
            fprintf(stderr,
                    "Error: locally auto-updating container \"%s\": raw-image name is empty\n",
                    g->id);
            u.failures++;
            continue;
        }
        /* one pointer a unit: its tasks found by it */
        if (!strv_contains(units, unit))
            strv_push(&units, unit);
        for (size_t k = 0; units[k]; k++)
            if (strcmp(units[k], unit) == 0)
                t->unit = units[k];
        t->c = &v[i];
        t->image = g->image_name;
        t->authfile = label_of(g, AUTOUPDATE_AUTHFILE_LABEL);
        t->status = "failed";
        nt++;
    }
    if (nt > 0) {
        storage_event(&ctx->st, "system", "auto-update", NULL, NULL, NULL, NULL);
        for (size_t k = 0; units[k]; k++)
            update_unit(&u, units[k], tasks, nt);
        for (size_t i = 0; i < nt; i++)
            strv_push_take(&rows, task_json(&tasks[i]));
        if (cmd_format_print(fmt, rows, headers, &err) < 0) {
            cmd_report(&err);
            u.failures++;
        }
    }
    close(u.restarter);
    (void) waitpid(restarter, NULL, 0);
    strv_free(u.pulled);
    free(tasks);
    engine_ctr_list_free(v, n);
    return u.failures ? PCON_EXIT_ENGINE : 0;
}

const struct cmd_def cmd_autoupdate_def = {
    "auto-update",
    cmd_autoupdate,
    "Update the containers labelled io.containers.autoupdate whose image has a new version, "
    "restarting their systemd units",
    "[options]",
    autoupdate_opts,
};
