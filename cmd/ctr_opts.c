// SPDX-License-Identifier: Apache-2.0
/* Options shared by create and run. */
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../registry/registry.h"
#include "ctr_opts.h"

void
cmd_create_args_init(struct create_args *a)
{
    memset(a, 0, sizeof *a);
    a->o.net.mode = NETNS_SLIRP; /* podman's rootless default */
    a->o.stop_timeout = -1;
    a->o.pull = PULL_MISSING;
    a->reg.tls_verify = -1;
}

void
cmd_create_args_free(struct create_args *a)
{
    strv_free(a->env);
    strv_free(a->env_files);
    strv_free(a->volumes);
    strv_free(a->ports);
}

static int
parse_size(const char *s, long long *out)
{
    char *end;
    double v = strtod(s, &end);
    long long mult = 1;

    if (end == s || v < 0)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024LL * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end != '\0')
        return -1;
    *out = (long long) (v * (double) mult);
    return 0;
}

static int
parse_seconds(const char *s, int *out, const char *what, struct pcon_err *err)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < 0 || v > 100000000)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid %s \"%s\"", what, s);
    *out = (int) v;
    return 0;
}

int
cmd_create_opt(struct create_args *a, int id, const char *arg, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    switch (id) {
    case CO_CIDFILE:
        o->cidfile = arg;
        return 1;
    case CO_ENTRYPOINT:
        o->entrypoint = arg;
        o->entrypoint_set = true;
        return 1;
    case 'e':
        strv_push(&a->env, arg);
        return 1;
    case CO_ENV_FILE:
        strv_push(&a->env_files, arg);
        return 1;
    case 'h':
        if (*arg == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid empty hostname");
        o->hostname = arg;
        return 1;
    case 'i':
        o->interactive = cmd_flag_value(arg);
        return 1;
    case CO_LOG_DRIVER:
        return engine_log_driver_parse(arg, &o->log_driver, err) < 0 ? -1 : 1;
    case CO_LOG_OPT:
        if (strncmp(arg, "max-size=", 9) == 0 && parse_size(arg + 9, &o->log_max_size) == 0)
            return 1;
        if (strncmp(arg, "path=", 5) == 0 || strncmp(arg, "tag=", 4) == 0)
            return 1; /* accepted for compatibility; the log stays in the store */
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid log option \"%s\"", arg);
    case CO_NAME:
        o->name = arg;
        return 1;
    case CO_NETWORK:
        return netns_spec_parse(arg, &o->net, err) < 0 ? -1 : 1;
    case 'p':
        strv_push(&a->ports, arg);
        return 1;
    case CO_REPLACE:
        o->replace = cmd_flag_value(arg);
        return 1;
    case CO_PULL: {
        static const char *const names[] = { "missing", "always", "never", "newer" };
        for (size_t i = 0; i < 4; i++)
            if (strcmp(arg, names[i]) == 0) {
                o->pull = (enum pull_policy) i;
                return 1;
            }
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid pull policy \"%s\" (missing, always, never, newer)", arg);
    }
    case CO_RESTART:
        return engine_restart_parse(arg, &o->restart, &o->restart_max, err) < 0 ? -1 : 1;
    case CO_RM:
        o->rm = cmd_flag_value(arg);
        return 1;
    case CO_STOP_SIGNAL:
        return engine_signal_parse(arg, &o->stop_signal, err) < 0 ? -1 : 1;
    case CO_STOP_TIMEOUT:
        return parse_seconds(arg, &o->stop_timeout, "stop timeout", err) < 0 ? -1 : 1;
    case 't':
        o->tty = cmd_flag_value(arg);
        return 1;
    case CO_TIMEOUT:
        return parse_seconds(arg, &o->timeout, "timeout", err) < 0 ? -1 : 1;
    case 'u':
        o->user = arg;
        return 1;
    case 'v':
        strv_push(&a->volumes, arg);
        return 1;
    case 'w':
        o->workdir = arg;
        return 1;
    default:
        return cmd_reg_opt(&a->reg, id, arg) ? 1 : 0;
    }
}

int
cmd_create_container(struct cmd_ctx *ctx, struct create_args *a, char **operands,
                     struct container *out, struct pcon_err *err)
{
    struct engine_create_opts *o = &a->o;

    if (o->rm && o->restart != RESTART_NO)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "the --rm option conflicts with --restart, when the restartPolicy"
                              " is not \"\" and \"no\"");
    o->image = operands[0];
    o->cmd = operands + 1;
    o->env = a->env;
    o->env_files = a->env_files;
    o->volumes = a->volumes;
    o->ports = a->ports;
    o->reg = &a->reg;
    /* before the store is opened: a taken id file makes nothing */
    if (engine_ctr_cidfile_check(o->cidfile, err) < 0 || cmd_store_open(ctx, err) < 0)
        return -1;
    return engine_ctr_create(&ctx->st, o, out, err);
}
