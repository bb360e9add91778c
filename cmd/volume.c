// SPDX-License-Identifier: Apache-2.0
/* pcon volume SUBCOMMAND: create, exists, inspect, ls, prune, rm. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../storage/volume.h"
#include "cmd.h"
#include "format.h"

enum { VOL_LABEL = 0x600, VOL_OPT, VOL_FORMAT, VOL_FILTER, VOL_IGNORE, VOL_NOHEADING, VOL_DRIVER };

/* the containers (of v, engine_ctr_list's) whose -v names the volume
 * (ids, malloc'd strv; NULL for none) */
static char **
volume_users(const struct container *v, size_t n, const char *name)
{
    char **ids = NULL;
    size_t len = strlen(name);

    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; v[i].cfg.volumes && v[i].cfg.volumes[k]; k++)
            if (strncmp(v[i].cfg.volumes[k], name, len) == 0 && v[i].cfg.volumes[k][len] == ':') {
                strv_push(&ids, v[i].cfg.id);
                break;
            }
    return ids;
}

/* podman 4.3's volume document (inspect, ls --format) */
static char *
volume_json(struct cmd_ctx *ctx, const struct volume_rec *v)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *path = storage_volume_path(&ctx->st, v->name);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", v->name));
    JG(json_gen_kv_str(g, "Driver", "local"));
    JG(json_gen_kv_str(g, "Mountpoint", path));
    JG(json_gen_kv_str(g, "CreatedAt", v->created));
    JG(json_gen_str(g, "Labels"));
    JG(cmd_json_map(g, v->labels));
    JG(json_gen_kv_str(g, "Scope", "local"));
    JG(json_gen_str(g, "Options"));
    JG(cmd_json_map(g, v->options));
    JG(json_gen_kv_int(g, "MountCount", 0));
    JG(json_gen_kv_bool(g, "NeedsCopyUp", v->needs_copy_up));
    JG(json_gen_kv_bool(g, "NeedsChown", v->needs_copy_up));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const struct cmd_opt create_opts[] = {
    { VOL_LABEL, "label", 'l', "KEY=VALUE", "Set metadata for a volume" },
    { VOL_OPT, "opt", 'o', "KEY=VALUE", "Set driver specific options" },
    { VOL_IGNORE, "ignore", 0, NULL, "Don't fail if the volume already exists" },
    { VOL_DRIVER, "driver", 'd', "DRIVER", "The volume's driver: local (no plugins here)" },
    { 0 },
};

static int
cmd_volume_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **labels = NULL, **opts = NULL;
    struct volume_rec v;
    bool ignore = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_volume_create_def, argc, argv, &arg)) != -1) {
        if (opt == VOL_LABEL)
            strv_push(&labels, arg);
        else if (opt == VOL_OPT)
            strv_push(&opts, arg);
        else if (opt == VOL_IGNORE)
            ignore = cmd_flag_value(arg);
        else if (opt == VOL_DRIVER) {
            if (strcmp(arg, "local") != 0) {
                pcon_fail(&err, 0,
                          "volume %s uses volume plugin %s but it could not be retrieved: no "
                          "volume plugin with name %s available: required plugin missing",
                          optind < argc ? argv[optind] : "", arg, arg);
                return cmd_report(&err);
            }
        } else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind > 1)
        return cmd_usage_error(&cmd_volume_create_def, "accepts at most 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0
        || storage_volume_create(&ctx->st, optind < argc ? argv[optind] : NULL, labels, opts,
                                 ignore && optind < argc, false, &v, &err)
               < 0)
        return cmd_report(&err);
    printf("%s\n", v.name);
    storage_volume_free(&v);
    return 0;
}

const struct cmd_def cmd_volume_create_def = {
    "volume create", cmd_volume_create, "Create a new volume", "[options] [NAME]", create_opts,
};

static int
cmd_volume_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct volume_rec v;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_volume_exists_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_volume_exists_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (storage_volume_load(&ctx->st, argv[optind], &v, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    storage_volume_free(&v);
    return 0;
}

const struct cmd_def cmd_volume_exists_def = {
    "volume exists", cmd_volume_exists, "Check if volume exists", "VOLUME", NULL,
};

static const struct cmd_opt inspect_opts[] = {
    { VOL_FORMAT, "format", 'f', "FORMAT", "Format volume output using Go template" },
    { 'a', "all", 'a', NULL, "Inspect all volumes" },
    { 0 },
};

static int
cmd_volume_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **docs = NULL, **names = NULL;
    const char *fmt = "json";
    bool all = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_volume_inspect_def, argc, argv, &arg)) != -1) {
        if (opt == VOL_FORMAT)
            fmt = arg;
        else if (opt == 'a')
            all = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_volume_inspect_def,
                               "provide one or more volume names or use --all");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct volume_rec *v = NULL;
        size_t n = 0;
        if (storage_volume_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            strv_push(&names, v[i].name);
        storage_volume_list_free(v, n);
    }
    for (int i = optind; i < argc; i++)
        strv_push(&names, argv[i]);
    for (size_t i = 0; names && names[i]; i++) {
        struct volume_rec v;
        if (storage_volume_load(&ctx->st, names[i], &v, &err) < 0) {
            pcon_prefix(&err, "inspecting object");
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        strv_push_take(&docs, volume_json(ctx, &v));
        storage_volume_free(&v);
    }
    if (docs == NULL && strcmp(fmt, "json") == 0)
        printf("[]\n");
    if (docs && cmd_format_print(fmt, docs, NULL, &err) < 0)
        code = cmd_report(&err);
    return code;
}

const struct cmd_def cmd_volume_inspect_def = {
    "volume inspect",
    cmd_volume_inspect,
    "Display detailed information on one or more volumes",
    "[options] VOLUME [VOLUME...]",
    inspect_opts,
};

static const struct cmd_opt ls_opts[] = {
    { VOL_FILTER, "filter", 'f', "KEY=VALUE", "Filter: name, label, dangling" },
    { VOL_FORMAT, "format", 0, "FORMAT", "Format volume output using Go template, or json" },
    { VOL_NOHEADING, "noheading", 0, NULL, "Do not print headers" },
    { 'q', "quiet", 'q', NULL, "Print volume output in quiet mode" },
    { 0 },
};

static const char *const ls_headers[] = { "Name", "VOLUME NAME", "Driver", "DRIVER", NULL };

/* podman's: values of one key are alternatives, the keys all hold */
static bool
volume_match(const struct container *cv, size_t cn, const struct volume_rec *v, char **filters)
{
    static const char *const keys[] = { "name", "label", "dangling", NULL };

    for (size_t k = 0; keys[k]; k++) {
        size_t kl = strlen(keys[k]);
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *f = filters[i], *val = f + kl + 1;
            if (strncmp(f, keys[k], kl) != 0 || f[kl] != '=')
                continue;
            seen = true;
            if (k == 0) {
                any |= strstr(v->name, val) != NULL;
            } else if (k == 1) {
                any |= cmd_label_match(v->labels, val);
            } else {
                cleanup_strv char **users = volume_users(cv, cn, v->name);
                any |= (users == NULL) == (strcmp(val, "true") == 0);
            }
        }
        if (seen && !any)
            return false;
    }
    return true;
}

static int
cmd_volume_ls(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL, **rows = NULL;
    const char *fmt = "table {{.Driver}}\\t{{.Name}}";
    struct container *cv = NULL;
    size_t cn = 0;
    struct volume_rec *v = NULL;
    bool quiet = false, noheading = false;
    size_t n = 0;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_volume_ls_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case VOL_NOHEADING:
            noheading = cmd_flag_value(arg);
            break;
        case VOL_FILTER:
            if (strncmp(arg, "name=", 5) != 0 && strncmp(arg, "label=", 6) != 0
                && strcmp(arg, "dangling=true") != 0 && strcmp(arg, "dangling=false") != 0)
                return cmd_usage_error(&cmd_volume_ls_def, "invalid filter \"%s\"", arg);
            strv_push(&filters, arg);
            break;
        case VOL_FORMAT:
            fmt = arg;
            break;
        case 'q':
            quiet = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_volume_ls_def, "accepts no arguments");
    if (cmd_store_open(ctx, &err) < 0 || storage_volume_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    /* the containers read once, for dangling= */
    if (n > 0 && engine_ctr_list(&ctx->st, &cv, &cn, &err) < 0) {
        storage_volume_list_free(v, n);
        return cmd_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        if (!volume_match(cv, cn, &v[i], filters))
            continue;
        if (quiet)
            printf("%s\n", v[i].name);
        else
            strv_push_take(&rows, volume_json(ctx, &v[i]));
    }
    engine_ctr_list_free(cv, cn);
    storage_volume_list_free(v, n);
    if (quiet)
        return 0;
    if (rows == NULL && strcmp(fmt, "json") == 0) {
        printf("[]\n");
        return 0;
    }
    if (rows == NULL && (strncmp(fmt, "table", 5) != 0 || noheading))
        return 0;
    r = cmd_format_print(noheading ? cmd_format_no_table(fmt) : fmt, rows, ls_headers, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_volume_ls_def = {
    "volume ls", cmd_volume_ls, "List volumes", "[options]", ls_opts,
};

/* removes a volume (with -f the containers using it first) */
static int
volume_remove(struct cmd_ctx *ctx, const char *name, bool force, int timeout, struct pcon_err *err)
{
    cleanup_strv char **users = NULL;
    struct container *cv = NULL;
    struct volume_rec v;
    size_t cn = 0;

    if (storage_volume_load(&ctx->st, name, &v, err) < 0)
        return -1;
    storage_volume_free(&v);
    if (engine_ctr_list(&ctx->st, &cv, &cn, err) < 0)
        return -1;
    users = volume_users(cv, cn, name);
    engine_ctr_list_free(cv, cn);
    if (users && !force) {
        cleanup_free char *list = strv_join(users, ", ");
        return pcon_fail_kind(err, PCON_ERR_INUSE, 0,
                              "volume %s is being used by the following container(s): %s:"
                              " volume is being used",
                              name, list);
    }
    for (size_t i = 0; users && users[i]; i++) {
        struct container c;
        bool killed;
        if (engine_ctr_load(&ctx->st, users[i], &c, NULL) < 0)
            continue;
        /* --time: stopped first, given that long */
        if (timeout >= 0 && engine_ctr_is_active(&c)
            && engine_ctr_stop(&ctx->st, &c, timeout, &killed, err) < 0) {
            engine_ctr_free(&c);
            return -1;
        }
        if (engine_ctr_remove(&ctx->st, &c, true, err) < 0) {
            engine_ctr_free(&c);
            return -1;
        }
        engine_ctr_free(&c);
    }
    return storage_volume_remove(&ctx->st, name, err);
}

static const struct cmd_opt rm_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all volumes" },
    { 'f', "force", 'f', NULL, "Remove a volume by force, and the containers using it" },
    { 't', "time", 't', "SECONDS",
      "With --force, seconds to let a running container using it stop before it is killed" },
    { 0 },
};

static int
cmd_volume_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **names = NULL;
    bool force = false, all = false;
    char *arg, *end;
    int opt, code = 0, timeout = -1;

    while ((opt = cmd_getopt(&cmd_volume_rm_def, argc, argv, &arg)) != -1) {
        if (opt == 't') {
            timeout = (int) strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || timeout < 0)
                return cmd_usage_error(&cmd_volume_rm_def, "invalid time \"%s\"", arg);
        } else if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == 'a')
            all = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (!all && optind >= argc)
        return cmd_usage_error(&cmd_volume_rm_def, "choose either one or more volumes or all");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct volume_rec *v = NULL;
        size_t n = 0;
        if (storage_volume_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            strv_push(&names, v[i].name);
        storage_volume_list_free(v, n);
    }
    for (int i = optind; i < argc; i++)
        strv_push(&names, argv[i]);
    for (size_t i = 0; names && names[i]; i++) {
        if (volume_remove(ctx, names[i], force, timeout, &err) < 0) {
            code = err.kind == PCON_ERR_NOTFOUND ? (cmd_report(&err), 1) : cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        printf("%s\n", names[i]);
    }
    return code;
}

const struct cmd_def cmd_volume_rm_def = {
    "volume rm", cmd_volume_rm, "Remove one or more volumes", "[options] VOLUME [VOLUME...]",
    rm_opts,
};

static const struct cmd_opt prune_opts[] = {
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { VOL_FILTER, "filter", 0, "KEY=VALUE", "Only those: label=K[=V], label!=K[=V], until=TIME" },
    { 0 },
};

/* every volume no container uses */
int
cmd_volumes_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed, long long *bytes)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *cv = NULL;
    size_t cn = 0;
    struct volume_rec *v = NULL;
    size_t n = 0;
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0 || storage_volume_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    /* which are used: read once, and a failure to read them removes nothing */
    if (n > 0 && engine_ctr_list(&ctx->st, &cv, &cn, &err) < 0) {
        storage_volume_list_free(v, n);
        return cmd_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_strv char **users = volume_users(cv, cn, v[i].name);
        cleanup_free char *path = NULL;
        long long b;
        if (users || !cmd_prune_filter_match(filters, v[i].labels, v[i].created))
            continue;
        path = storage_volume_path(&ctx->st, v[i].name);
        b = fs_path_tree_size(path);
        if (storage_volume_remove(&ctx->st, v[i].name, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        *bytes += b;
        strv_push(removed, v[i].name);
    }
    engine_ctr_list_free(cv, cn);
    storage_volume_list_free(v, n);
    return code;
}

static int
cmd_volume_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **removed = NULL, **filters = NULL;
    cleanup_err struct pcon_err err = { 0 };
    long long bytes = 0;
    bool force = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_volume_prune_def, argc, argv, &arg)) != -1) {
        if (opt == VOL_FILTER)
            strv_push(&filters, arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (cmd_prune_filter_check(filters, &err) < 0)
        return cmd_report(&err);
    if (!force
        && !cmd_confirm("WARNING! This will remove all volumes not used by at least one"
                        " container. The following volumes will be removed:"))
        return 0;
    code = cmd_volumes_prune(ctx, filters, &removed, &bytes);
    for (size_t i = 0; removed && removed[i]; i++)
        printf("%s\n", removed[i]);
    return code;
}

const struct cmd_def cmd_volume_prune_def = {
    "volume prune", cmd_volume_prune, "Remove all unused volumes", "[options]", prune_opts,
};

/* a volume for export or import, not found in podman's words */
static int
volume_named(struct cmd_ctx *ctx, const char *name, struct volume_rec *v, struct pcon_err *err)
{
    if (storage_volume_load(&ctx->st, name, v, err) == 0)
        return 0;
    if (err->kind == PCON_ERR_NOTFOUND) {
        pcon_err_clear(err);
        pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "no such volume %s", name);
    }
    return -1;
}

static const struct cmd_opt export_opts[] = {
    { 'o', "output", 'o', "FILE", "Write to the file (default: standard output, redirected)" },
    { 0 },
};

static int
cmd_volume_export(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    const char *output = NULL;
    struct volume_rec v;
    char *arg, *tmp = NULL;
    int opt, fd, r;

    while ((opt = cmd_getopt(&cmd_volume_export_def, argc, argv, &arg)) != -1) {
        if (opt != 'o')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        output = arg;
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_volume_export_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    fd = cmd_output_open(output, &tmp, &err);
    if (fd < 0)
        return cmd_report(&err);
    r = cmd_store_open(ctx, &err) < 0 || volume_named(ctx, argv[optind], &v, &err) < 0 ? -1 : 0;
    if (r == 0) {
        r = storage_volume_export(&ctx->st, v.name, fd, &err);
        storage_volume_free(&v);
    }
    r = cmd_output_finish(output, tmp, fd, r, &err);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_volume_export_def = {
    "volume export", cmd_volume_export, "Export volumes", "[options] VOLUME", export_opts,
};

/* a tarball (compressed or not) from a file, or - for standard input */
static int
cmd_volume_import(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int fd = -1;
    struct volume_rec v;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_volume_import_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_volume_import_def, "accepts 2 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || volume_named(ctx, argv[optind], &v, &err) < 0)
        return cmd_report(&err);
    fd = strcmp(argv[optind + 1], "-") == 0 ? dup(0) : open(argv[optind + 1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pcon_fail(&err, errno, "open %s", argv[optind + 1]);
        storage_volume_free(&v);
        return cmd_report(&err);
    }
    r = storage_volume_import(&ctx->st, v.name, fd, &err);
    storage_volume_free(&v);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_volume_import_def = {
    "volume import",
    cmd_volume_import,
    "Import a tarball contents into a volume",
    "VOLUME [SOURCE|-]",
    NULL,
};

/* podman's: the volumes of volume plugins added and removed as the plugins
 * have them. pcon has the local driver alone, whose volumes are always
 * the store's: nothing to add or remove (podman prints nothing then) */
static int
cmd_volume_reload(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_volume_reload_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (optind < argc)
        return cmd_usage_error(&cmd_volume_reload_def, "accepts 0 arg(s), received %d",
                               argc - optind);
    return cmd_store_open(ctx, &err) < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_volume_reload_def = {
    "volume reload",
    cmd_volume_reload,
    "Reload the volumes of volume plugins (pcon has the local driver alone: none to reload)",
    "",
    NULL,
};

static const struct cmd_def *const volume_subcommands[] = {
    &cmd_volume_create_def,  &cmd_volume_exists_def,  &cmd_volume_export_def,
    &cmd_volume_import_def,  &cmd_volume_inspect_def, &cmd_volume_ls_def,
    &cmd_volume_prune_def,   &cmd_volume_rm_def,      &cmd_volume_mount_def,
    &cmd_volume_unmount_def, &cmd_volume_reload_def,
};

static int
cmd_volume(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "list", "ls", "remove", "rm", NULL };

    return cmd_subcommand(ctx, argc, argv, "volume", "Manage volumes", volume_subcommands,
                          sizeof volume_subcommands / sizeof volume_subcommands[0], aliases);
}

const struct cmd_def cmd_volume_def = {
    "volume",
    cmd_volume,
    "Manage volumes",
    "COMMAND",
    NULL,
    false,
    volume_subcommands,
    sizeof volume_subcommands / sizeof volume_subcommands[0],
};
