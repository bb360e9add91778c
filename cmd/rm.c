// SPDX-License-Identifier: Apache-2.0
/* pcon rm, pcon container prune */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "cmd.h"

enum { RM_CIDFILE = 0x300, RM_FILTER, RM_DEPEND };

static const struct cmd_opt rm_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all containers" },
    { RM_CIDFILE, "cidfile", 0, "FILE", "Read the container ID from the file" },
    { RM_DEPEND, "depend", 0, NULL,
      "Remove the containers that depend on it (--requires it, join its namespaces) first" },
    CMD_FILTER_OPT(RM_FILTER, 0),
    { 'f', "force", 'f', NULL, "Force removal of a running container (killed first)" },
    { 'i', "ignore", 'i', NULL, "Ignore errors when a specified container is missing" },
    CMD_LATEST_OPT,
    { 't', "time", 't', "SECONDS", "Accepted for compatibility: running containers are killed" },
    { 'v', "volumes", 'v', NULL, "Remove the anonymous volumes of the container" },
    { 0 },
};

struct rm_args {
    bool force, all, volumes, depend;
    /* more than one to remove: every container listed once (not once for
     * each removal), and those this command removed since */
    struct container *v;
    size_t n;
    bool listed;
    char **removed;
};

/* a container others --require stays (podman's words), -f or not; and
 * (with the command's own list) one whose namespaces others join */
static int
dependents_refuse(struct cmd_ctx *ctx, struct rm_args *a, const struct container *c,
                  bool *joins_checked, struct pcon_err *err)
{
    cleanup_free char *ids = NULL;
    struct container *v = a->v;
    size_t n = a->n;

    *joins_checked = false;
    if (!a->listed && engine_ctr_list(&ctx->st, &v, &n, NULL) < 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strv_contains(v[i].cfg.requires, c->cfg.id) && !strv_contains(a->removed, v[i].cfg.id))
            xappendf(&ids, "%s%s", ids ? "," : "", v[i].cfg.id);
    if (!a->listed)
        engine_ctr_list_free(v, n);
    if (ids)
        return pcon_fail(err, 0,
                         "container %s has dependent containers which must be removed before it:"
                         " %s: container already exists",
                         c->cfg.id, ids);
    if (a->listed) {
        cleanup_strv char **deps = engine_ctr_dependents_in(v, n, c, true, false, a->removed);
        *joins_checked = true;
        return engine_ctr_dependents_error(c, deps, err);
    }
    return 0;
}

static int rm_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
                  struct pcon_err *err);

/* --depend: those that depend on c, each (and theirs) removed first */
static int
rm_dependents(struct cmd_ctx *ctx, struct rm_args *a, const struct container *c, int depth,
              struct pcon_err *err)
{
    cleanup_strv char **deps = a->listed
                                   ? engine_ctr_dependents_in(a->v, a->n, c, true, true, a->removed)
                                   : engine_ctr_dependents(&ctx->st, c, true);

    if (depth > 64)
        return pcon_fail(err, ELOOP, "container %s: dependencies too deep", c->cfg.name);
    for (size_t i = 0; deps && deps[i]; i++) {
        struct rm_args sub = *a;
        struct container d;
        int r;
        if (engine_ctr_load(&ctx->st, deps[i], &d, NULL) < 0)
            continue; /* gone meanwhile */
        r = rm_dependents(ctx, a, &d, depth + 1, err);
        sub.depend = false;
        if (r == 0)
            r = rm_one(ctx, &d, d.cfg.id, &sub, err);
        a->removed = sub.removed;
        engine_ctr_free(&d);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int
rm_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
       struct pcon_err *err)
{
    struct rm_args *a = opaque;
    bool joins_checked;

    if (c->cfg.infra && a->all)
        return 0; /* --all: a pod's infra goes with its pod (pod rm) */
    if (c->cfg.infra)
        return pcon_fail(err, 0,
                         "container %s is the infra container of pod %s and cannot be removed"
                         " without removing the pod",
                         c->cfg.id, c->cfg.pod);
    if (a->depend && rm_dependents(ctx, a, c, 0, err) < 0)
        return -1;
    if (dependents_refuse(ctx, a, c, &joins_checked, err) < 0)
        return -1;
    if (engine_ctr_remove_checked(&ctx->st, c, a->force, joins_checked, err) < 0)
        return -1;
    strv_push(&a->removed, c->cfg.id);
    if (a->volumes)
        engine_ctr_volumes_release(&ctx->st, &c->cfg);
    printf("%s\n", name);
    return 0;
}

/* each of names removed; more than one: the containers listed once */
static int
rm_each(struct cmd_ctx *ctx, char **names, bool all, bool quiet_missing, struct rm_args *a)
{
    cleanup_err struct pcon_err err = { 0 };
    int code;

    if ((all || strv_len(names) > 1) && cmd_store_open(ctx, &err) == 0
        && engine_ctr_list(&ctx->st, &a->v, &a->n, NULL) == 0)
        a->listed = true;
    code = cmd_each_container(ctx, names, all, quiet_missing, 1, rm_one, a);
    if (a->listed)
        engine_ctr_list_free(a->v, a->n);
    strv_free(a->removed);
    return code;
}

static int
cmd_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **names = NULL, **filters = NULL;
    cleanup_strv char **cidfiles = NULL;
    bool all = false, force = false, ignore = false, volumes = false, latest = false;
    bool depend = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_rm_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'a':
            all = cmd_flag_value(arg);
            break;
        case 'f':
            force = cmd_flag_value(arg);
            break;
        case 'i':
            ignore = cmd_flag_value(arg);
            break;
        case 'v':
            volumes = cmd_flag_value(arg);
            break;
        case 't':
            break;
        case 'l':
            latest = true;
            break;
        case RM_CIDFILE:
            strv_push(&cidfiles, arg);
            break;
        case RM_DEPEND:
            depend = cmd_flag_value(arg);
            break;
        case RM_FILTER:
            if ((code = cmd_ctr_filter_add(arg, &filters)) != 0)
                return code;
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (latest && (code = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return code;
    if (filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_ctr_filter_ids(ctx, filters, &names, &err) < 0)
            return cmd_report(&err);
        return names ? rm_each(ctx, names, false, true,
                               &(struct rm_args){ force, false, volumes, depend, 0 })
                     : 0;
    }
    code = cmd_names_collect(&cmd_rm_def, cidfiles, ignore, all, argc, argv, &names);
    if (code >= 0)
        return code;
    /* a missing container: exit 1, silent with --force or --ignore */
    return rm_each(ctx, names, all, ignore || force,
                   &(struct rm_args){ force, all, volumes, depend, 0 });
}

const struct cmd_def cmd_rm_def = {
    "rm", cmd_rm, "Remove one or more containers", "[options] CONTAINER [CONTAINER...]", rm_opts,
};
