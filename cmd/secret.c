// SPDX-License-Identifier: Apache-2.0
/* pcon secret create|ls|inspect|rm: podman's secrets (its file driver),
 * given to containers with run --secret (as a file, or a variable) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/secret.h"
#include "cmd.h"
#include "format.h"

enum { SEC_DRIVER_OPTS = 0x300, SEC_ENV, SEC_FORMAT, SEC_NOHEADING, SEC_PRETTY };

static const struct cmd_opt create_opts[] = {
    { 'd', "driver", 'd', "DRIVER", "Secret driver: file (the only one)" },
    { SEC_DRIVER_OPTS, "driver-opts", 0, "K=V", "Refused: the file driver takes none" },
    { SEC_ENV, "env", 0, NULL, "Read the secret from the environment variable named" },
    { 'l', "label", 'l', "KEY=VALUE", "Set metadata on the secret" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_secret_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **labels = NULL;
    cleanup_free char *data = NULL;
    struct secret_rec rec;
    bool from_env = false;
    size_t len = 0;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_secret_create_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'd':
            if (strcmp(arg, "file") != 0) {
                fprintf(stderr, "Error: unsupported secret driver \"%s\": pcon has the file one\n",
                        arg);
                return PCON_EXIT_ENGINE;
            }
            break;
        case SEC_DRIVER_OPTS:
            return cmd_usage_error(&cmd_secret_create_def, "--driver-opts: the file driver takes"
                                                           " no options");
        case SEC_ENV:
            from_env = cmd_flag_value(arg);
            break;
        case 'l':
            if (strchr(arg, '=') == NULL)
                strv_push_take(&labels, xasprintf("%s=", arg));
            else
                strv_push(&labels, arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_secret_create_def, "accepts 2 arg(s), received %d",
                               argc - optind);
    if (from_env) {
        const char *v = getenv(argv[optind + 1]);
        if (v == NULL) {
            fprintf(stderr,
                    "Error: cannot create store secret data: environment variable %s is"
                    " not set\n",
                    argv[optind + 1]);
            return PCON_EXIT_ENGINE;
        }
        data = xstrdup(v);
        len = strlen(v);
    } else if (strcmp(argv[optind + 1], "-") == 0) {
        data = fs_read_fd(STDIN_FILENO, SECRET_DATA_MAX, &len, &err);
    } else {
        cleanup_close int fd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            pcon_fail(&err, errno, "open %s", argv[optind + 1]);
        else
            data = fs_read_fd(fd, SECRET_DATA_MAX, &len, &err);
    }
    if (data == NULL)
        return cmd_report(&err);
    if (cmd_store_open(ctx, &err) < 0
        || storage_secret_create(&ctx->st, argv[optind], data, len, labels, &rec, &err) < 0) {
        explicit_bzero(data, len);
        return cmd_report(&err);
    }
    explicit_bzero(data, len);
    printf("%s\n", rec.id);
    storage_secret_free(&rec);
    return 0;
}

const struct cmd_def cmd_secret_create_def = {
    "secret create", cmd_secret_create, "Create a new secret", "[options] NAME FILE|-", create_opts,
};

/* podman's inspect document; template: the human dates of ls too */
static char *
secret_json(struct cmd_ctx *ctx, const struct secret_rec *s, bool template)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *path = xasprintf("%s/secrets", ctx->g.graphroot);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "ID", s->id));
    JG(json_gen_kv_str(g, "CreatedAt", s->created));
    JG(json_gen_kv_str(g, "UpdatedAt", s->updated));
    JG(json_gen_str(g, "Spec"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", s->name));
    JG(json_gen_str(g, "Driver"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", "file"));
    JG(json_gen_str(g, "Options"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "path", path));
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "Labels"));
    JG(cmd_json_map(g, s->labels));
    JG(yajl_gen_map_close(g));
    if (template) {
        int64_t now = time_now_ns(), c = time_parse_rfc3339(s->created),
                u = time_parse_rfc3339(s->updated);
        cleanup_free char *ca = time_human_duration(now - (c < 0 ? now : c));
        cleanup_free char *ua = time_human_duration(now - (u < 0 ? now : u));
        cleanup_free char *cs = xasprintf("%s ago", ca), *us = xasprintf("%s ago", ua);
        JG(json_gen_kv_str(g, "Name", s->name));
        JG(json_gen_kv_str(g, "Driver", "file"));
        JG(json_gen_kv_str(g, "Created", cs));
        JG(json_gen_kv_str(g, "Updated", us));
    }
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const struct cmd_opt ls_opts[] = {
    { 'f', "filter", 'f', "KEY=VALUE", "Filter: name=NAME, id=ID (prefixes)" },
    { SEC_FORMAT, "format", 0, "FORMAT", "Pretty-print with a Go template, or json" },
    { SEC_NOHEADING, "noheading", 0, NULL, "Do not print headers" },
    { 'q', "quiet", 'q', NULL, "Print secret IDs only" },
    { 0, NULL, 0, NULL, NULL },
};

static bool
secret_match(const struct secret_rec *s, char *const *filters)
{
    static const char *const keys[] = { "name=", "id=", NULL };

    for (size_t k = 0; keys[k]; k++) {
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *v = filters[i] + strlen(keys[k]);
            if (strncmp(filters[i], keys[k], strlen(keys[k])) != 0)
                continue;
            seen = true;
            any |= strncmp(k == 0 ? s->name : s->id, v, strlen(v)) == 0;
        }
        if (seen && !any)
            return false;
    }
    return true;
}

static int
cmd_secret_ls(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const headers[] = { "ID",      "ID",      "Name",    "NAME",
                                           "Driver",  "DRIVER",  "Created", "CREATED",
                                           "Updated", "UPDATED", NULL };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL, **rows = NULL;
    const char *fmt = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Created}}\t{{.Updated}}";
    struct secret_rec *v = NULL;
    bool quiet = false, noheading = false;
    size_t n = 0;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_secret_ls_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'f':
            if (strncmp(arg, "name=", 5) != 0 && strncmp(arg, "id=", 3) != 0) {
                fprintf(stderr, "Error: invalid filter \"%s\": name= or id=\n", arg);
                return PCON_EXIT_ENGINE;
            }
            strv_push(&filters, arg);
            break;
        case SEC_FORMAT:
            fmt = arg;
            break;
        case SEC_NOHEADING:
            noheading = cmd_flag_value(arg);
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon secret ls` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    if (cmd_store_open(ctx, &err) < 0 || storage_secret_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < n; i++) {
        if (!secret_match(&v[i], filters))
            continue;
        if (quiet)
            printf("%s\n", v[i].id);
        else
            strv_push_take(&rows, secret_json(ctx, &v[i], strcmp(fmt, "json") != 0));
    }
    storage_secret_list_free(v, n);
    if (quiet || (rows == NULL && strncmp(fmt, "table", 5) != 0 && strcmp(fmt, "json") != 0))
        return 0;
    if (rows == NULL && noheading)
        return 0;
    r = cmd_format_print(noheading ? cmd_format_no_table(fmt) : fmt, rows, headers, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_secret_ls_def = {
    "secret ls", cmd_secret_ls, "List secrets", "[options]", ls_opts,
};

static const struct cmd_opt inspect_opts[] = {
    { 'f', "format", 'f', "FORMAT", "Format the output with a Go template" },
    { SEC_PRETTY, "pretty", 0, NULL, "Print in a human-readable form" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_secret_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **docs = NULL;
    const char *fmt = NULL;
    bool pretty = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_secret_inspect_def, argc, argv, &arg)) != -1) {
        if (opt == 'f')
            fmt = arg;
        else if (opt == SEC_PRETTY)
            pretty = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_secret_inspect_def,
                               "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++) {
        struct secret_rec s;
        if (storage_secret_lookup(&ctx->st, argv[i], &s, &err) < 0) {
            pcon_prefix(&err, "inspecting secret");
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        if (pretty) {
            printf("ID:              %s\nName:            %s\nDriver:          file\n"
                   "Created at:      %s\nUpdated at:      %s\n",
                   s.id, s.name, s.created, s.updated);
            for (size_t k = 0; s.labels && s.labels[k]; k++)
                printf("Label:           %s\n", s.labels[k]);
        } else {
            strv_push_take(&docs, secret_json(ctx, &s, false));
        }
        storage_secret_free(&s);
    }
    if (!pretty && cmd_format_print(fmt ? fmt : "json", docs, NULL, &err) < 0)
        return cmd_report(&err);
    return code;
}

const struct cmd_def cmd_secret_inspect_def = {
    "secret inspect", cmd_secret_inspect, "Inspect a secret", "[options] SECRET [SECRET...]",
    inspect_opts,
};

static const struct cmd_opt rm_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all secrets" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_secret_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    bool all = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_secret_rm_def, argc, argv, &arg)) != -1) {
        if (opt != 'a')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        all = cmd_flag_value(arg);
    }
    if (all && optind < argc)
        return cmd_usage_error(&cmd_secret_rm_def, "when using the --all switch, you may not"
                                                   " pass any secret names or IDs");
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_secret_rm_def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct secret_rec *v = NULL;
        size_t n = 0;
        if (storage_secret_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++) {
            if (storage_secret_remove(&ctx->st, &v[i], &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            } else {
                printf("%s\n", v[i].id);
            }
        }
        storage_secret_list_free(v, n);
        return code;
    }
    for (int i = optind; i < argc; i++) {
        struct secret_rec s;
        if (storage_secret_lookup(&ctx->st, argv[i], &s, &err) < 0
            || storage_secret_remove(&ctx->st, &s, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        } else {
            printf("%s\n", s.id);
        }
        storage_secret_free(&s);
    }
    return code;
}

const struct cmd_def cmd_secret_rm_def = {
    "secret rm", cmd_secret_rm, "Remove one or more secrets", "[options] SECRET [SECRET...]",
    rm_opts,
};

static const struct cmd_def *const secret_subcommands[] = {
    &cmd_secret_create_def,
    &cmd_secret_inspect_def,
    &cmd_secret_ls_def,
    &cmd_secret_rm_def,
};

static int
cmd_secret(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "list", "ls", "remove", "rm", NULL };

    return cmd_subcommand(ctx, argc, argv, "secret", "Manage secrets", secret_subcommands,
                          sizeof secret_subcommands / sizeof secret_subcommands[0], aliases);
}

const struct cmd_def cmd_secret_def = {
    "secret",
    cmd_secret,
    "Manage secrets",
    "COMMAND",
    NULL,
    false,
    secret_subcommands,
    sizeof secret_subcommands / sizeof secret_subcommands[0],
};
