// SPDX-License-Identifier: Apache-2.0
/* pcon container clone: a new container made from an existing one's own
 * create arguments (kept in its record), with another name, pod, image or
 * resource limits; --destroy removes the original, --run starts the copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../pod/pod.h"
#include "cmd.h"
#include "ctr_opts.h"

enum { CLONE_DESTROY = 0x700, CLONE_RUN };

static const struct cmd_opt clone_opts[] = {
    { CO_BLKIO_WEIGHT, "blkio-weight", 0, "N", "Block IO weight (10 to 1000)" },
    CGROUP_MORE_OPTS,
    { CO_CPU_PERIOD, "cpu-period", 0, "USEC", "CPU CFS period" },
    { CO_CPU_QUOTA, "cpu-quota", 0, "USEC", "CPU CFS quota per period" },
    { 'c', "cpu-shares", 'c', "N", "CPU shares (relative weight)" },
    { CO_CPUS, "cpus", 0, "N", "Number of CPUs (a fraction too)" },
    { CO_CPUSET_CPUS, "cpuset-cpus", 0, "LIST", "CPUs it may run on (0-3,5)" },
    { CO_CPUSET_MEMS, "cpuset-mems", 0, "LIST", "Memory nodes it may use" },
    { CLONE_DESTROY, "destroy", 0, NULL, "Remove the original container" },
    { 'f', "force", 'f', NULL, "With --destroy, remove the original even when it runs" },
    { 'm', "memory", 'm', "SIZE", "Memory limit" },
    { CO_MEMORY_RESERVATION, "memory-reservation", 0, "SIZE", "Memory soft limit" },
    { CO_MEMORY_SWAP, "memory-swap", 0, "SIZE", "Memory plus swap limit (-1: unlimited)" },
    { CO_NAME, "name", 0, "NAME", "The new container's name (default: NAME-clone)" },
    { CO_POD, "pod", 0, "POD", "Make the copy in this pod" },
    { CLONE_RUN, "run", 0, NULL, "Start the new container" },
    { 0 },
};

/* whether args[i] is one of the options a copy does not take from its
 * original (its name, pod, id file, replacement): how many words it is */
static size_t
dropped(char *const *args, size_t i, bool pod)
{
    static const char *const flags[] = { "--replace", NULL };
    static const char *const own[] = { "--name", "--cidfile", NULL };
    static const char *const with_pod[] = { "--name", "--cidfile", "--pod", "--pod-id-file", NULL };

    return cmd_arg_words(args, i, flags, pod ? with_pod : own);
}

char *
cmd_clone_name(struct cmd_ctx *ctx, const char *name)
{
    for (int i = 0;; i++) {
        char *n = i ? xasprintf("%s-clone%d", name, i) : xasprintf("%s-clone", name);
        struct container c;
        struct pod p;
        bool ctr = engine_ctr_load(&ctx->st, n, &c, NULL) == 0;
        bool pod = !ctr && pod_load(&ctx->st, n, &p, NULL) == 0;
        if (!ctr && !pod)
            return n;
        if (ctr)
            engine_ctr_free(&c);
        if (pod)
            pod_free(&p);
        free(n);
    }
}

int
cmd_ctr_clone(struct cmd_ctx *ctx, const struct container *c, const char *name, const char *pod,
              const char *image, char *const *limits, struct container *out, struct pcon_err *err)
{
    cleanup_strv char **args = NULL;
    struct create_args a;
    size_t nargs, first;
    char *arg;
    int opt, r = 0;

    if (c->cfg.infra || c->cfg.create_args == NULL)
        return pcon_fail(err, 0, "container %s cannot be cloned: %s", c->cfg.name,
                         c->cfg.infra ? "it is a pod's infra container"
                                      : "its create arguments were not kept");
    /* the original's arguments, its name and pod (if another is asked)
     * left out, then the limits asked; the image replaced if given */
    strv_push(&args, "create");
    strv_push(&args, "--name");
    strv_push(&args, name);
    if (pod) {
        strv_push(&args, "--pod");
        strv_push(&args, pod);
    }
    for (size_t i = 0; c->cfg.create_args[i];) {
        size_t d = dropped(c->cfg.create_args, i, pod != NULL);
        if (d) {
            i += d;
            continue;
        }
        strv_push(&args, c->cfg.create_args[i++]);
    }
    nargs = strv_len(args);
    cmd_create_args_init(&a);
    optind = 0; /* getopt starts afresh over the new words */
    while (r >= 0 && (opt = cmd_getopt(&cmd_run_def, (int) nargs, args, &arg)) != -1) {
        if (opt == 'd' || opt == CO_SIG_PROXY)
            continue; /* run's own: not the container's */
        r = opt == CMD_OPT_HELP || opt == '?' || opt == ':' ? -1
                                                            : cmd_create_opt(&a, opt, arg, err);
        if (r <= 0 && err->msg == NULL)
            r = pcon_fail(err, 0, "container %s's create arguments could not be read again",
                          c->cfg.name);
    }
    first = (size_t) optind; /* the image, then the command */
    for (size_t i = 0; r >= 0 && limits && limits[i]; i++) {
        cleanup_free char *key = xstrdup(limits[i] + 2);
        char *eq = strchr(key, '=');
        *eq = '\0';
        for (size_t k = 0; clone_opts[k].name; k++)
            if (strcmp(clone_opts[k].name, key) == 0)
                r = cmd_create_opt(&a, clone_opts[k].id, eq + 1, err);
    }
    if (r >= 0 && first >= nargs)
        r = pcon_fail(err, 0, "container %s's create arguments name no image", c->cfg.name);
    if (r >= 0) {
        if (image) {
            free(args[first]);
            args[first] = xstrdup(image);
        }
        a.o.create_args = args + 1; /* the copy's own, for generate systemd */
        r = cmd_create_container(ctx, &a, args + first, out, err);
    }
    cmd_create_args_free(&a);
    return r < 0 ? -1 : 0;
}

static int
cmd_clone(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **limits = NULL;
    cleanup_free char *name = NULL;
    const char *pod = NULL, *image = NULL;
    bool destroy = false, force = false, run = false;
    struct container c, out;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_clone_def, argc, argv, &arg)) != -1) {
        if (opt == CLONE_DESTROY)
            destroy = cmd_flag_value(arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == CLONE_RUN)
            run = cmd_flag_value(arg);
        else if (opt == CO_NAME) {
            free(name);
            name = xstrdup(arg);
        } else if (opt == CO_POD)
            pod = arg;
        else if (opt == CMD_OPT_HELP || opt == '?' || opt == ':')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        else {
            /* a limit: given to create after the original's, so it wins */
            const struct cmd_opt *o = NULL;
            for (size_t k = 0; clone_opts[k].name && o == NULL; k++)
                if (clone_opts[k].id == opt)
                    o = &clone_opts[k];
            strv_push_take(&limits, xasprintf("--%s=%s", o->name, arg));
        }
    }
    if (argc - optind < 1 || argc - optind > 3)
        return cmd_usage_error(
            &cmd_clone_def, "requires at least 1 and at most 3 arg(s), received %d", argc - optind);
    if (argc - optind >= 2 && name == NULL)
        name = xstrdup(argv[optind + 1]);
    if (argc - optind == 3)
        image = argv[optind + 2];
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return cmd_report(&err);
    /* refused before anything is made */
    if (destroy && engine_ctr_is_active(&c) && !force) {
        pcon_fail_kind(&err, PCON_ERR_INUSE, 0,
                       "cannot remove container %s as it is running - running or paused"
                       " containers cannot be removed without force: container state improper",
                       c.cfg.id);
        engine_ctr_free(&c);
        return cmd_report(&err);
    }
    if (name == NULL)
        name = cmd_clone_name(ctx, c.cfg.name);
    if (cmd_ctr_clone(ctx, &c, name, pod, image, limits, &out, &err) < 0) {
        engine_ctr_free(&c);
        return cmd_report(&err);
    }
    if (destroy)
        (void) engine_ctr_remove(&ctx->st, &c, force, &err);
    if (err.msg == NULL && run) {
        struct engine_start_opts so = { .detach = true, .ready_fd = -1 };
        int code;
        (void) engine_monitor_start(&ctx->st, &out, &so, &code, &err);
    }
    printf("%s\n", out.cfg.id);
    engine_ctr_free(&out);
    engine_ctr_free(&c);
    return err.msg ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_clone_def = {
    "clone",
    cmd_clone,
    "Create a copy of an existing container",
    "[options] CONTAINER [NAME] [IMAGE]",
    clone_opts,
};
