// SPDX-License-Identifier: Apache-2.0
/* pcon generate systemd: systemd units for containers, as podman 4.x
 * writes them (--new: a unit that makes the container itself; else one
 * that starts and stops an existing one). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/unitfile.h"
#include "../pod/pod.h"
#include "cmd.h"

enum {
    GEN_NEW = 0x800,
    GEN_NAME,
    GEN_FILES,
    GEN_FORMAT,
    GEN_RESTART_POLICY,
    GEN_RESTART_SEC,
    GEN_START_TIMEOUT,
    GEN_STOP_TIMEOUT,
    GEN_CTR_PREFIX,
    GEN_POD_PREFIX,
    GEN_SEPARATOR,
    GEN_NO_HEADER,
    GEN_WANTS,
    GEN_AFTER,
    GEN_REQUIRES,
    GEN_ENV,
    GEN_TEMPLATE,
};

struct gen_opts {
    bool new_, name, files, json, no_header;
    bool template_;             /* --template: NAME@.service, one container per instance (%i) */
    const char *restart_policy; /* NULL: the container's own, else on-failure */
    int restart_sec, start_timeout, stop_timeout; /* -1: not given */
    const char *ctr_prefix, *pod_prefix, *separator;
    char **wants, **after, **requires, **env;
};

/* an argument of the unit's own, with specifiers: it starts with this byte */
#define RAW "\001"
/* the unit's own cidfile */
static const char cidfile_arg[] = RAW "--cidfile=%t/%n.ctr-id";

/* one argument as systemd reads it back: % and $ doubled (no specifiers,
 * variables), quoted when it has blanks, quotes or backslashes; the
 * unit's own as they are */
static char *
unit_arg(const char *a)
{
    if (a[0] == RAW[0])
        return xstrdup(a + 1);
    return unitfile_quote(a, true);
}

/* podman's layout of a command: each option on a line of its own */
static char *
unit_command(char *const *args)
{
    char *text = NULL;

    for (size_t i = 0; args[i]; i++) {
        cleanup_free char *a = unit_arg(args[i]);
        if (i == 0)
            xappendf(&text, "%s", a);
        else if (args[i][0] == '-' || (args[i][0] == RAW[0] && args[i][1] == '-'))
            xappendf(&text, " \\\n\t%s", a);
        else
            xappendf(&text, " %s", a);
    }
    return text;
}

/* pcon itself, as the unit runs it, with the store's roots when they are
 * not the defaults */
static void
exe_args(struct cmd_ctx *ctx, char ***v)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    exe[n > 0 ? n : 0] = '\0';
    strv_push(v, n > 0 ? exe : "pcon");
    if (ctx->g.root_given) {
        strv_push(v, "--root");
        strv_push(v, ctx->g.graphroot);
    }
    if (ctx->g.runroot_given) {
        strv_push(v, "--runroot");
        strv_push(v, ctx->g.runroot);
    }
}

/* the run directory of the unit: %t/... under XDG_RUNTIME_DIR */
static char *
runroot_spec(struct cmd_ctx *ctx)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    size_t n = xdg ? strlen(xdg) : 0;

    if (n && strncmp(ctx->g.runroot, xdg, n) == 0 && ctx->g.runroot[n] == '/')
        return xasprintf("%%t%s", ctx->g.runroot + n);
    return unit_arg(ctx->g.runroot);
}

/* the options run --new drops: the unit gives its own */
static size_t
dropped_option(char *const *args, size_t i)
{
    static const char *const flags[] = { "-d", "--detach", "--rm", "--replace", NULL };
    static const char *const valued[] = { "--cidfile",
                                          "--sdnotify",
                                          "--cgroups",
                                          "--pod",
                                          "--pod-id-file",
                                          "--conmon-pidfile",
                                          "--infra-conmon-pidfile",
                                          "--exit-policy",
                                          NULL };
    const char *a = args[i];

    for (size_t k = 0; flags[k]; k++) {
        size_t n = strlen(flags[k]);
        if (strncmp(a, flags[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
            return 1;
    }
    for (size_t k = 0; valued[k]; k++) {
        size_t n = strlen(valued[k]);
        if (strncmp(a, valued[k], n) == 0 && a[n] == '=')
            return 1;
        if (strcmp(a, valued[k]) == 0)
            return args[i + 1] ? 2 : 1;
    }
    return 0;
}

static bool
has_name_option(char *const *args)
{
    for (size_t i = 0; args && args[i]; i++)
        if (strcmp(args[i], "--name") == 0 || strncmp(args[i], "--name=", 7) == 0)
            return true;
    return false;
}

static const char *
restart_of(const struct container *c, const struct gen_opts *o)
{
    if (o->restart_policy)
        return o->restart_policy;
    switch (c->cfg.restart) {
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
        return "always";
    case RESTART_ON_FAILURE:
    case RESTART_NO:
        break;
    }
    return "on-failure";
}

/* the unit's header comment, and the [Unit] lines every unit has */
static void
unit_head(char **text, const struct gen_opts *o, const char *unit, const char *runroot)
{
    if (!o->no_header) {
        time_t now = time(NULL);
        char when[64];
        strftime(when, sizeof when, "%a %b %e %H:%M:%S %Z %Y", localtime(&now));
        xappendf(text, "# %s%s.service\n# autogenerated by pcon %s\n# %s\n\n", unit,
                 o->template_ ? "@" : "", PCON_VERSION, when);
    }
    xappendf(text, "[Unit]\nDescription=pcon %s.service%s\n", unit, o->template_ ? " for %I" : "");
    xappendf(text, "Wants=network-online.target\nAfter=network-online.target\n");
    xappendf(text, "RequiresMountsFor=%s\n", runroot);
}

/* --wants, --after, --requires */
static void
unit_deps(char **text, const struct gen_opts *o)
{
    for (size_t i = 0; o->wants && o->wants[i]; i++)
        xappendf(text, "Wants=%s\n", o->wants[i]);
    for (size_t i = 0; o->after && o->after[i]; i++)
        xappendf(text, "After=%s\n", o->after[i]);
    for (size_t i = 0; o->requires && o->requires[i]; i++)
        xappendf(text, "Requires=%s\n", o->requires[i]);
}

/* the [Service] lines every unit starts with: its environment, restart
 * policy and timeouts */
static void
service_head(char **text, const struct gen_opts *o, const char *restart, int timeout)
{
    const char *unit = o->template_ ? "%n-%i" : "%n";

    xappendf(text,
             "\n[Service]\nEnvironment=PODMAN_SYSTEMD_UNIT=%s\nEnvironment=PCON_SYSTEMD_UNIT=%s\n",
             unit, unit);
    for (size_t i = 0; o->env && o->env[i]; i++) {
        cleanup_free char *e = unit_arg(o->env[i]);
        xappendf(text, "Environment=%s\n", e);
    }
    xappendf(text, "Restart=%s\n", restart);
    if (o->restart_sec >= 0)
        xappendf(text, "RestartSec=%d\n", o->restart_sec);
    if (o->start_timeout >= 0)
        xappendf(text, "TimeoutStartSec=%d\n", o->start_timeout);
    xappendf(text, "TimeoutStopSec=%d\n", 60 + timeout);
}

/* the unit of container c; pod_unit: the pod's unit, which it is bound to
 * (NULL for none) */
static char *
container_unit(struct cmd_ctx *ctx, const struct container *c, const struct gen_opts *o,
               const char *unit, const char *pod_unit)
{
    cleanup_strv char **start = NULL, **stop = NULL, **post = NULL;
    cleanup_free char *runroot = runroot_spec(ctx), *pidfile = NULL;
    cleanup_free char *s_start = NULL, *s_stop = NULL, *s_post = NULL;
    int timeout = o->stop_timeout >= 0 ? o->stop_timeout : c->cfg.stop_timeout;
    char tbuf[16];
    char *text = NULL;

    snprintf(tbuf, sizeof tbuf, "%d", timeout);
    unit_head(&text, o, unit, runroot);
    unit_deps(&text, o);
    if (pod_unit)
        xappendf(&text, "BindsTo=%s.service\nAfter=%s.service\n", pod_unit, pod_unit);
    service_head(&text, o, restart_of(c, o), timeout);
    if (o->new_) {
        exe_args(ctx, &start);
        strv_push(&start, "run");
        strv_push(&start, cidfile_arg);
        strv_push(&start, "--cgroups=no-conmon");
        strv_push(&start, "--rm");
        if (pod_unit) {
            strv_push(&start, "--pod-id-file");
            strv_push_take(&start, xasprintf(RAW "%%t/%s.pod-id", pod_unit));
        }
        strv_push(&start, "--sdnotify=conmon");
        strv_push(&start, "-d");
        strv_push(&start, "--replace");
        if (!has_name_option(c->cfg.create_args) && o->template_) {
            /* podman's: each instance named after the unit */
            strv_push_take(&start, xasprintf(RAW "--name=%s-%%i", unit));
        } else if (!has_name_option(c->cfg.create_args)) {
            strv_push(&start, "--name");
            strv_push(&start, c->cfg.name);
        }
        for (size_t i = 0; c->cfg.create_args && c->cfg.create_args[i];) {
            const char *a = c->cfg.create_args[i];
            size_t skip = dropped_option(c->cfg.create_args, i);
            if (skip) {
                i += skip;
                continue;
            }
            /* a template's instances: NAME-INSTANCE each */
            if (o->template_ && strcmp(a, "--name") == 0 && c->cfg.create_args[i + 1]) {
                strv_push(&start, a);
                strv_push_take(&start, xasprintf(RAW "%s-%%i", c->cfg.create_args[i + 1]));
                i += 2;
                continue;
            }
            if (o->template_ && strncmp(a, "--name=", 7) == 0) {
                strv_push_take(&start, xasprintf(RAW "--name=%s-%%i", a + 7));
                i++;
                continue;
            }
            strv_push(&start, c->cfg.create_args[i++]);
        }
        exe_args(ctx, &stop);
        strv_push(&stop, "stop");
        strv_push(&stop, "--ignore");
        strv_push(&stop, "-t");
        strv_push(&stop, tbuf);
        strv_push(&stop, cidfile_arg);
        exe_args(ctx, &post);
        strv_push(&post, "rm");
        strv_push(&post, "-f");
        strv_push(&post, "--ignore");
        strv_push(&post, "-t");
        strv_push(&post, tbuf);
        strv_push(&post, cidfile_arg);
        xappendf(&text, "ExecStartPre=/bin/rm \\\n\t-f %%t/%%n.ctr-id\n");
    } else {
        exe_args(ctx, &start);
        strv_push(&start, "start");
        strv_push(&start, c->cfg.name);
        exe_args(ctx, &stop);
        strv_push(&stop, "stop");
        strv_push(&stop, "-t");
        strv_push(&stop, tbuf);
        strv_push(&stop, c->cfg.name);
        exe_args(ctx, &post);
        strv_push(&post, "stop");
        strv_push(&post, "-t");
        strv_push(&post, tbuf);
        strv_push(&post, c->cfg.name);
    }
    s_start = unit_command(start);
    s_stop = unit_command(stop);
    s_post = unit_command(post);
    xappendf(&text, "ExecStart=%s\nExecStop=%s\nExecStopPost=%s\n", s_start, s_stop, s_post);
    if (o->new_)
        xappendf(&text, "Type=notify\nNotifyAccess=all\n");
    else {
        cleanup_free char *rundir = engine_ctr_rundir(&ctx->st, c->cfg.id);
        pidfile = xasprintf("%s/monitor.pid", rundir);
        xappendf(&text, "PIDFile=%s\nType=forking\n", pidfile);
    }
    xappendf(&text, "\n[Install]\nWantedBy=default.target\n");
    return text;
}

/* the unit of pod p (members: the units of its members) */
static char *
pod_unit_text(struct cmd_ctx *ctx, const struct pod *p, const struct container *infra,
              char *const *members, const struct gen_opts *o, const char *unit)
{
    cleanup_strv char **pre = NULL, **start = NULL, **stop = NULL, **post = NULL;
    cleanup_free char *runroot = runroot_spec(ctx);
    cleanup_free char *idfile = xasprintf(RAW "%%t/%s.pod-id", unit);
    cleanup_free char *pidfile = xasprintf(RAW "%%t/%s.pid", unit);
    cleanup_free char *s_pre = NULL, *s_start = NULL, *s_stop = NULL, *s_post = NULL;
    int timeout = o->stop_timeout >= 0 ? o->stop_timeout : infra->cfg.stop_timeout;
    size_t skip = 3, nc = strv_len(p->cfg.create_command); /* "pcon pod create" */
    char tbuf[16];
    char *text = NULL;

    snprintf(tbuf, sizeof tbuf, "%d", timeout);
    unit_head(&text, o, unit, runroot);
    for (size_t i = 0; members && members[i]; i++)
        xappendf(&text, "Wants=%s.service\nBefore=%s.service\n", members[i], members[i]);
    unit_deps(&text, o);
    service_head(&text, o, o->restart_policy ? o->restart_policy : "on-failure", timeout);
    if (o->new_) {
        xappendf(&text, "ExecStartPre=/bin/rm \\\n\t-f %s %s\n", pidfile + 1, idfile + 1);
        exe_args(ctx, &pre);
        strv_push(&pre, "pod");
        strv_push(&pre, "create");
        strv_push(&pre, "--infra-conmon-pidfile");
        strv_push(&pre, pidfile);
        strv_push(&pre, "--pod-id-file");
        strv_push(&pre, idfile);
        strv_push(&pre, "--exit-policy=stop");
        if (!has_name_option(p->cfg.create_command)) {
            strv_push(&pre, "--name");
            strv_push(&pre, p->cfg.name);
        }
        for (size_t i = skip; i < nc;) {
            size_t d = dropped_option(p->cfg.create_command, i);
            if (d) {
                i += d;
                continue;
            }
            strv_push(&pre, p->cfg.create_command[i++]);
        }
        strv_push(&pre, "--replace");
        exe_args(ctx, &start);
        strv_push(&start, "pod");
        strv_push(&start, "start");
        strv_push(&start, "--pod-id-file");
        strv_push(&start, idfile);
        exe_args(ctx, &stop);
        strv_push(&stop, "pod");
        strv_push(&stop, "stop");
        strv_push(&stop, "--ignore");
        strv_push(&stop, "--pod-id-file");
        strv_push(&stop, idfile);
        strv_push(&stop, "-t");
        strv_push(&stop, tbuf);
        exe_args(ctx, &post);
        strv_push(&post, "pod");
        strv_push(&post, "rm");
        strv_push(&post, "--ignore");
        strv_push(&post, "-f");
        strv_push(&post, "--pod-id-file");
        strv_push(&post, idfile);
        s_pre = unit_command(pre);
        xappendf(&text, "ExecStartPre=%s\n", s_pre);
    } else {
        exe_args(ctx, &start);
        strv_push(&start, "pod");
        strv_push(&start, "start");
        strv_push(&start, p->cfg.name);
        exe_args(ctx, &stop);
        strv_push(&stop, "pod");
        strv_push(&stop, "stop");
        strv_push(&stop, "-t");
        strv_push(&stop, tbuf);
        strv_push(&stop, p->cfg.name);
        exe_args(ctx, &post);
        strv_push(&post, "pod");
        strv_push(&post, "stop");
        strv_push(&post, "-t");
        strv_push(&post, tbuf);
        strv_push(&post, p->cfg.name);
    }
    s_start = unit_command(start);
    s_stop = unit_command(stop);
    s_post = unit_command(post);
    xappendf(&text, "ExecStart=%s\nExecStop=%s\nExecStopPost=%s\n", s_start, s_stop, s_post);
    if (o->new_) {
        xappendf(&text, "PIDFile=%s\n", pidfile + 1);
    } else {
        cleanup_free char *rundir = engine_ctr_rundir(&ctx->st, infra->cfg.id);
        xappendf(&text, "PIDFile=%s/monitor.pid\n", rundir);
    }
    xappendf(&text, "Type=forking\n\n[Install]\nWantedBy=default.target\n");
    return text;
}

static char *
unit_name(const char *prefix, const char *sep, const char *name)
{
    return xasprintf("%s%s%s", prefix, prefix[0] ? sep : "", name);
}

/* the units of a container, or of a pod and its members (theirs first) */
static int
units_of(struct cmd_ctx *ctx, const char *target, const struct gen_opts *o, char ***units,
         char ***texts, struct pcon_err *err)
{
    struct pcon_err e = { 0 };
    struct container c, *v = NULL;
    struct pod p;
    cleanup_free char *pod_unit = NULL;
    cleanup_strv char **members = NULL;
    size_t n = 0;

    if (engine_ctr_load(&ctx->st, target, &c, &e) == 0) {
        pcon_err_clear(&e);
        if (c.cfg.pod) {
            pcon_fail(err, 0,
                      "container %s is in a pod: generate the pod's units (and its members')"
                      " with the pod's name",
                      c.cfg.name);
            engine_ctr_free(&c);
            return -1;
        }
        cleanup_free char *u =
            unit_name(o->ctr_prefix, o->separator, o->name ? c.cfg.name : c.cfg.id);
        strv_push_take(texts, container_unit(ctx, &c, o, u, NULL));
        strv_push_take(units, o->template_ ? xasprintf("%s@", u) : xstrdup(u));
        engine_ctr_free(&c);
        return 0;
    }
    if (e.kind != PCON_ERR_NOTFOUND || pod_load(&ctx->st, target, &p, NULL) < 0) {
        *err = e;
        if (e.kind == PCON_ERR_NOTFOUND) {
            pcon_err_clear(err);
            pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                           "%s does not refer to a container or pod: no such pod or container",
                           target);
        }
        return -1;
    }
    pcon_err_clear(&e);
    if (o->template_) {
        pod_free(&p);
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--template is not supported for pods");
    }
    if (pod_containers(&ctx->st, &p, &v, &n, err) < 0 || n == 0 || !v[0].cfg.infra) {
        if (err->msg == NULL)
            pcon_fail(err, 0, "pod %s has no infra container", p.cfg.name);
        engine_ctr_list_free(v, n);
        pod_free(&p);
        return -1;
    }
    pod_unit = unit_name(o->pod_prefix, o->separator, o->name ? p.cfg.name : p.cfg.id);
    for (size_t i = 1; i < n; i++) {
        char *u = unit_name(o->ctr_prefix, o->separator, o->name ? v[i].cfg.name : v[i].cfg.id);
        strv_push(&members, u);
        strv_push_take(units, u);
        strv_push_take(texts, container_unit(ctx, &v[i], o, u, pod_unit));
    }
    strv_push(units, pod_unit);
    strv_push_take(texts, pod_unit_text(ctx, &p, &v[0], members, o, pod_unit));
    engine_ctr_list_free(v, n);
    pod_free(&p);
    return 0;
}

/* printed, as JSON, or written to NAME.service files (their paths printed) */
static int
units_print(const struct gen_opts *o, char **units, char **texts, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = o->json ? json_gen_new(true) : NULL;
    char cwd[PATH_MAX];

    if (getcwd(cwd, sizeof cwd) == NULL)
        cwd[0] = '\0';
    if (g && yajl_gen_map_open(g) != yajl_gen_status_ok)
        abort();
    for (size_t i = 0; units && units[i]; i++) {
        cleanup_free char *file = xasprintf("%s.service", units[i]);
        cleanup_free char *path = xasprintf("%s/%s", cwd, file);
        if (o->files
            && fs_write_atomic(AT_FDCWD, file, texts[i], strlen(texts[i]), 0644, true, err) < 0)
            return -1;
        if (g) {
            if (json_gen_kv_str(g, units[i], o->files ? path : texts[i]) != yajl_gen_status_ok)
                abort();
        } else if (o->files)
            printf("%s\n", path);
        else
            fputs(texts[i], stdout);
    }
    if (g) {
        cleanup_free char *doc = NULL;
        if (yajl_gen_map_close(g) != yajl_gen_status_ok)
            abort();
        doc = json_gen_take(g, NULL);
        printf("%s\n", doc);
    }
    return 0;
}

static const struct cmd_opt systemd_opts[] = {
    { GEN_AFTER, "after", 0, "UNIT", "Add dependencies order to the generated unit file" },
    { GEN_CTR_PREFIX, "container-prefix", 0, "PREFIX", "Systemd unit name prefix for containers" },
    { 'e', "env", 'e', "KEY=VALUE", "Set environment variables to the systemd unit files" },
    { GEN_FILES, "files", 'f', NULL, "Generate .service files instead of printing to stdout" },
    { GEN_FORMAT, "format", 0, "json", "Print the created units in specified format (json)" },
    { GEN_NAME, "name", 'n', NULL, "Use container/pod names instead of IDs" },
    { GEN_NEW, "new", 0, NULL, "Create a new container instead of starting an existing one" },
    { GEN_NO_HEADER, "no-header", 0, NULL, "Skip header generation" },
    { GEN_POD_PREFIX, "pod-prefix", 0, "PREFIX", "Systemd unit name prefix for pods" },
    { GEN_REQUIRES, "requires", 0, "UNIT", "Similar to wants, but declares stronger dependencies" },
    { GEN_RESTART_POLICY, "restart-policy", 0, "POLICY",
      "Systemd restart-policy (no, on-success, on-failure, on-abnormal, on-watchdog, on-abort,"
      " always)" },
    { GEN_RESTART_SEC, "restart-sec", 0, "SECONDS", "Systemd restart-sec" },
    { GEN_SEPARATOR, "separator", 0, "SEP",
      "Systemd unit name separator between name/id and prefix" },
    { GEN_START_TIMEOUT, "start-timeout", 0, "SECONDS", "Start timeout override" },
    { GEN_STOP_TIMEOUT, "stop-timeout", 't', "SECONDS", "Stop timeout override" },
    { GEN_TEMPLATE, "template", 0, NULL,
      "Make it a template file (NAME@.service, a container per instance; implies --new)" },
    { GEN_WANTS, "wants", 0, "UNIT", "Add (weak) dependencies to the generated unit file" },
    { 0 },
};

static int
seconds_opt(const char *arg, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < 0 || v > 86400 * 365)
        return -1;
    *out = (int) v;
    return 0;
}

static int
cmd_generate_systemd(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const policies[] = { "no",          "on-success",  "on-failure",
                                            "on-abnormal", "on-watchdog", "on-abort",
                                            "always",      NULL };
    cleanup_err struct pcon_err err = { 0 };
    struct gen_opts o = { .restart_sec = -1,
                          .start_timeout = -1,
                          .stop_timeout = -1,
                          .ctr_prefix = "container",
                          .pod_prefix = "pod",
                          .separator = "-" };
    cleanup_strv char **units = NULL, **texts = NULL;
    char *arg;
    int opt, r = 0;

    while ((opt = cmd_getopt(&cmd_generate_systemd_def, argc, argv, &arg)) != -1) {
        bool known = true;
        switch (opt) {
        case GEN_NEW:
            o.new_ = cmd_flag_value(arg);
            break;
        case GEN_NAME:
            o.name = cmd_flag_value(arg);
            break;
        case GEN_FILES:
            o.files = cmd_flag_value(arg);
            break;
        case GEN_NO_HEADER:
            o.no_header = cmd_flag_value(arg);
            break;
        case GEN_FORMAT:
            if (strcmp(arg, "json") != 0)
                return cmd_usage_error(&cmd_generate_systemd_def, "unsupported format \"%s\"", arg);
            o.json = true;
            break;
        case GEN_RESTART_POLICY:
            known = false;
            for (size_t i = 0; policies[i]; i++)
                known |= strcmp(arg, policies[i]) == 0;
            if (!known)
                return cmd_usage_error(&cmd_generate_systemd_def,
                                       "%s is not a valid restart policy", arg);
            o.restart_policy = arg;
            break;
        case GEN_RESTART_SEC:
            r = seconds_opt(arg, &o.restart_sec);
            break;
        case GEN_START_TIMEOUT:
            r = seconds_opt(arg, &o.start_timeout);
            break;
        case GEN_STOP_TIMEOUT:
            r = seconds_opt(arg, &o.stop_timeout);
            break;
        case GEN_CTR_PREFIX:
            o.ctr_prefix = arg;
            break;
        case GEN_POD_PREFIX:
            o.pod_prefix = arg;
            break;
        case GEN_SEPARATOR:
            o.separator = arg;
            break;
        case GEN_WANTS:
            strv_push(&o.wants, arg);
            break;
        case GEN_AFTER:
            strv_push(&o.after, arg);
            break;
        case GEN_REQUIRES:
            strv_push(&o.requires, arg);
            break;
        case 'e':
            strv_push(&o.env, arg);
            break;
        case GEN_TEMPLATE:
            o.template_ = cmd_flag_value(arg);
            o.new_ |= o.template_; /* a template's units make their containers */
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
        if (r < 0)
            return cmd_usage_error(&cmd_generate_systemd_def, "invalid number of seconds \"%s\"",
                                   arg);
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_generate_systemd_def, "requires exactly 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        goto fail;
    if (units_of(ctx, argv[optind], &o, &units, &texts, &err) < 0
        || units_print(&o, units, texts, &err) < 0)
        goto fail;
    strv_free(o.wants);
    strv_free(o.after);
    strv_free(o.requires);
    strv_free(o.env);
    return 0;
fail:
    strv_free(o.wants);
    strv_free(o.after);
    strv_free(o.requires);
    strv_free(o.env);
    return cmd_report(&err);
}

const struct cmd_def cmd_generate_systemd_def = {
    "generate systemd",  cmd_generate_systemd, "Generate systemd units",
    "[options] CTR|POD", systemd_opts,
};

static const struct cmd_def *const generate_subcommands[] = {
    &cmd_generate_systemd_def,
    &cmd_kube_generate_def, /* generate kube: podman's older name of kube generate */
};

static int
cmd_generate(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "kube", "generate", NULL };

    return cmd_subcommand(ctx, argc, argv, "generate", "Generate structured data",
                          generate_subcommands,
                          sizeof generate_subcommands / sizeof generate_subcommands[0], aliases);
}

const struct cmd_def cmd_generate_def = {
    "generate",
    cmd_generate,
    "Generate structured data based on containers and pods",
    "COMMAND",
    NULL,
    false,
    generate_subcommands,
    sizeof generate_subcommands / sizeof generate_subcommands[0],
};
