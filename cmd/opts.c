// SPDX-License-Identifier: Apache-2.0
/* Option tables -> getopt_long, --help, and error reporting. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/userns.h"
#include "../lib/cleanup.h"
#include "../lib/timefmt.h"
#include "../lib/fsutil.h"
#include "../lib/privdir.h"
#include "../pod/pod.h"
#include "../registry/registry.h"
#include "../storage/gc.h"
#include "cmd.h"

static const struct cmd_opt help_opt = { CMD_OPT_HELP, "help", 'h', NULL, "Show this help" };

/* -h is --help unless the command uses it (run: --hostname) */
static bool
short_h_taken(const struct cmd_def *def)
{
    for (size_t i = 0; def->opts && def->opts[i].name; i++)
        if (def->opts[i].short_name == 'h')
            return true;
    return false;
}

static size_t
opts_count(const struct cmd_def *def)
{
    size_t n = 0;

    while (def->opts && def->opts[n].name)
        n++;
    return n;
}

int
cmd_getopt(const struct cmd_def *def, int argc, char **argv, char **optarg_out)
{
    size_t n = opts_count(def);
    struct option *lo = xzalloc((n + 2) * sizeof *lo);
    char *shorts = xzalloc(3 * n + 8);
    size_t k = 0;
    int c;

    /* '+': options end at the first operand (the image, the command) */
    if (def->options_first)
        shorts[k++] = '+';
    shorts[k++] = ':';
    for (size_t i = 0; i <= n; i++) {
        const struct cmd_opt *o = i < n ? &def->opts[i] : &help_opt;
        lo[i].name = o->name;
        /* flags take an optional "=false", as podman's do */
        lo[i].has_arg = o->arg ? required_argument : optional_argument;
        lo[i].val = o->id;
        if (o->short_name && !(i == n && short_h_taken(def))) {
            shorts[k++] = o->short_name;
            if (o->arg)
                shorts[k++] = ':';
        }
    }
    opterr = 0;
    optarg = NULL; /* getopt leaves it stale for options without a value */
    c = getopt_long(argc, argv, shorts, lo, NULL);
    *optarg_out = optarg;
    /* a short option answers with its option's id */
    for (size_t i = 0; i < n && c > 0 && c < 128; i++)
        if (def->opts[i].short_name == c) {
            c = def->opts[i].id;
            break;
        }
    if (c == '?' || c == ':') {
        const char *bad = argv[optind - 1];
        if (c == ':')
            fprintf(stderr, "Error: flag needs an argument: %s\n", bad);
        else if (optopt && optopt != '?')
            fprintf(stderr, "Error: unknown shorthand flag: '%c' in -%c\n", optopt, optopt);
        else
            fprintf(stderr, "Error: unknown flag: %s\n", bad);
        fprintf(stderr, "See 'pcon %s --help'\n", def->name);
        c = '?';
    } else if (c == 'h' && !short_h_taken(def)) {
        c = CMD_OPT_HELP;
    }
    if (c == CMD_OPT_HELP && def->fn)
        cmd_help(def);
    free(lo);
    free(shorts);
    return c;
}

void
cmd_help(const struct cmd_def *def)
{
    size_t n = opts_count(def);

    printf("%s\n\nUsage:\n  pcon %s %s\n", def->summary, def->name, def->usage);
    printf("\nOptions:\n");
    for (size_t i = 0; i <= n; i++) {
        const struct cmd_opt *o = i < n ? &def->opts[i] : &help_opt;
        char sh = (i == n && short_h_taken(def)) ? 0 : o->short_name;
        char left[64];

        if (o->help == NULL)
            continue; /* another name of an option shown */
        if (sh)
            snprintf(left, sizeof left, "-%c, --%s%s%s", sh, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        printf("  %-30s %s\n", left, o->help);
    }
}

int
cmd_report(const struct pcon_err *err)
{
    cleanup_free char *text = pcon_err_text(err);

    fprintf(stderr, "Error: %s\n", text);
    switch (err->kind) {
    case PCON_ERR_EXEC:
        return err->errnum == ENOENT ? PCON_EXIT_NOT_FOUND : PCON_EXIT_CANNOT_INVOKE;
    case PCON_ERR_INUSE:
        return 2;
    case PCON_ERR_STATE:
        return 255;
    default:
        return PCON_EXIT_ENGINE;
    }
}

int
cmd_usage_error(const struct cmd_def *def, const char *fmt, ...)
{
    va_list ap;

    fputs("Error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nSee 'pcon %s --help'\n", def->name);
    return PCON_EXIT_ENGINE;
}

/* without XDG_RUNTIME_DIR the run root is /tmp/pcon-$UID, which anyone
 * may have made first */
static int
runroot_hint(struct pcon_err *err)
{
    cleanup_free char *why = xstrdup(err->msg ? err->msg : "run root unusable");
    int errnum = err->errnum;

    pcon_err_clear(err);
    return pcon_fail(
        err, errnum,
        "%s (XDG_RUNTIME_DIR is not set: set it to a private directory, or use --runroot)", why);
}

size_t
cmd_arg_words(char *const *args, size_t i, const char *const *flags, const char *const *valued)
{
    const char *a = args[i];

    for (size_t k = 0; flags && flags[k]; k++) {
        size_t n = strlen(flags[k]);
        if (strncmp(a, flags[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
            return 1;
    }
    for (size_t k = 0; valued && valued[k]; k++) {
        size_t n = strlen(valued[k]);
        if (strncmp(a, valued[k], n) == 0 && a[n] == '=')
            return 1;
        if (strcmp(a, valued[k]) == 0)
            return args[i + 1] ? 2 : 1;
    }
    return 0;
}

void
cmd_exe_args(struct cmd_ctx *ctx, char ***v)
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

bool
cmd_in_user_namespace(void)
{
    cleanup_free char *map = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 4096, NULL, NULL);
    unsigned long a, b, n;

    return map
           && !(sscanf(map, "%lu %lu %lu", &a, &b, &n) == 3 && a == 0 && b == 0
                && n == 4294967295UL);
}

int
cmd_store_open(struct cmd_ctx *ctx, struct pcon_err *err)
{
    const char *er = getenv("PCON_RUNROOT"), *eg = getenv("PCON_GRAPHROOT");

    if (ctx->store_open)
        return 0;
    /* under pcon unshare (its roots, inside its namespace): checked by it
     * already, from outside, where root and other users can be told apart
     * (inside, both are the overflow id) */
    if (er && eg && strcmp(er, ctx->g.runroot) == 0 && strcmp(eg, ctx->g.graphroot) == 0
        && cmd_in_user_namespace())
        goto open;
    /* Both roots are made and checked before the namespace is joined:
     * only outside it can root and other users be told apart. The run root
     * holds pause.pid, the graph root everything a container runs: a
     * directory someone else made or can change (a predictable
     * /tmp/pcon-$UID, a store under a /tmp/.local another user created)
     * is never trusted. */
    if (fs_mkdir_p(ctx->g.runroot, 0700, err) < 0
        || privdir_check("run root", ctx->g.runroot, err) < 0) {
        if (ctx->g.runroot_fallback)
            return runroot_hint(err);
        return -1;
    }
    if (fs_mkdir_p(ctx->g.graphroot, 0700, err) < 0
        || privdir_check("graph root", ctx->g.graphroot, err) < 0
        || engine_userns_join(ctx->g.runroot, err) < 0)
        return -1;
open:
    /* opened inside: the store's fds then belong to pcon's mount namespace */
    if (storage_store_open(&ctx->st, ctx->g.graphroot, ctx->g.runroot, ctx->g.driver, err) < 0)
        return -1;
    storage_gc_recover(&ctx->st); /* what a killed command left, if nobody is at work */
    if (ctx->g.driver_conf)
        ctx->st.driver_why = xasprintf("chosen in %s", ctx->g.driver_conf);
    ctx->store_open = true;
    return 0;
}

bool
cmd_flag_value(const char *arg)
{
    return arg == NULL || strcmp(arg, "false") != 0;
}

int
cmd_each_container(struct cmd_ctx *ctx, char **names, bool all, bool ignore, int missing_code,
                   int (*fn)(struct cmd_ctx *ctx, struct container *c, const char *name,
                             void *opaque, struct pcon_err *err),
                   void *opaque)
{
    cleanup_err struct pcon_err err = { 0 };
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (all) {
        struct container *v = NULL;
        size_t n = 0;
        if (engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; i < n; i++)
            if (fn(ctx, &v[i], v[i].cfg.id, opaque, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
        engine_ctr_list_free(v, n);
        return code;
    }
    for (size_t i = 0; names && names[i]; i++) {
        struct container c;

        if (engine_ctr_load(&ctx->st, names[i], &c, &err) < 0) {
            if (err.kind == PCON_ERR_NOTFOUND && ignore) {
                pcon_err_clear(&err);
                continue;
            }
            if (err.kind == PCON_ERR_NOTFOUND) {
                cmd_report(&err);
                code = missing_code;
            } else {
                code = cmd_report(&err);
            }
            pcon_err_clear(&err);
            continue;
        }
        if (fn(ctx, &c, names[i], opaque, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
        }
        engine_ctr_free(&c);
    }
    return code;
}

char *
cmd_read_cidfile(const char *path, struct pcon_err *err)
{
    char *text = fs_read_all(AT_FDCWD, path, 4096, NULL, err);

    if (text == NULL)
        return NULL;
    text[strcspn(text, "\r\n")] = '\0';
    return text;
}

char *
cmd_read_file(const char *path, struct pcon_err *err)
{
    return fs_read_all(AT_FDCWD, path, 1 << 20, NULL, err);
}

int
cmd_names_collect(const struct cmd_def *def, char **cidfiles, bool ignore, bool all, int argc,
                  char **argv, char ***names)
{
    cleanup_err struct pcon_err err = { 0 };

    for (size_t i = 0; cidfiles && cidfiles[i]; i++) {
        char *id = cmd_read_cidfile(cidfiles[i], &err);
        if (id == NULL) {
            if (!ignore)
                return cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        strv_push_take(names, id);
    }
    for (int i = optind; i < argc; i++)
        strv_push(names, argv[i]);
    if (!all && *names == NULL)
        return ignore ? 0 : cmd_usage_error(def, "you must provide at least one name or id");
    return -1;
}

int
cmd_platform_opt(struct registry_opts *o, int id, const char *arg, struct pcon_err *err)
{
    /* podman's --platform OS/ARCH[/VARIANT]: its parts live in buf, so
     * o->os pointing there says it was given */
    static char buf[256];
    char *a, *v;

    if (id != CMD_OPT_ARCH && id != CMD_OPT_OS && id != CMD_OPT_VARIANT && id != CMD_OPT_PLATFORM)
        return 0;
    if ((id == CMD_OPT_PLATFORM && (o->arch || o->os))
        || ((id == CMD_OPT_ARCH || id == CMD_OPT_OS) && o->os == buf))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--platform option can not be specified with --arch or --os");
    if (id != CMD_OPT_PLATFORM) {
        if (*arg == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--%s: empty",
                                  id == CMD_OPT_ARCH ? "arch"
                                  : id == CMD_OPT_OS ? "os"
                                                     : "variant");
        *(id == CMD_OPT_ARCH ? &o->arch : id == CMD_OPT_OS ? &o->os : &o->variant) = arg;
        return 1;
    }
    if (strlen(arg) >= sizeof buf)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid platform \"%s\"", arg);
    snprintf(buf, sizeof buf, "%s", arg);
    a = strchr(buf, '/');
    v = a ? strchr(a + 1, '/') : NULL;
    if (a == NULL || a == buf || a[1] == '\0' || a[1] == '/'
        || (v && (v[1] == '\0' || strchr(v + 1, '/'))))
        return pcon_fail_kind(
            err, PCON_ERR_USAGE, 0,
            "invalid platform syntax for --platform=\"%s\": expected OS/ARCH[/VARIANT]", arg);
    *a++ = '\0';
    if (v)
        *v++ = '\0';
    o->os = buf;
    o->arch = a;
    o->variant = v;
    return 1;
}

bool
cmd_reg_opt(struct registry_opts *o, int id, const char *arg)
{
    switch (id) {
    case CMD_OPT_TLS_VERIFY:
        o->tls_verify = cmd_flag_value(arg) ? 1 : 0;
        return true;
    case CMD_OPT_AUTHFILE:
        o->authfile = arg;
        return true;
    case CMD_OPT_CREDS:
        o->creds = arg;
        return true;
    case CMD_OPT_CERT_DIR:
        o->cert_dir = arg;
        return true;
    case CMD_OPT_CONTENT_TRUST:
        return true;
    default:
        return false;
    }
}

int
cmd_latest_insert(struct cmd_ctx *ctx, bool pod, int *argc, char ***argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *id = NULL;
    char **v = NULL;

    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (pod) {
        struct pod *p = NULL;
        size_t n = 0;
        if (pod_list(&ctx->st, &p, &n, &err) < 0)
            return cmd_report(&err);
        id = n > 0 ? xstrdup(p[0].cfg.id) : NULL; /* newest first */
        pod_list_free(p, n);
    } else {
        struct container *c = NULL;
        size_t n = 0;
        if (engine_ctr_list(&ctx->st, &c, &n, &err) < 0)
            return cmd_report(&err);
        id = n > 0 ? xstrdup(c[0].cfg.id) : NULL;
        engine_ctr_list_free(c, n);
    }
    if (id == NULL) {
        fprintf(stderr, "Error: no such %s\n", pod ? "pod" : "container");
        return PCON_EXIT_ENGINE;
    }
    for (int i = 0; i < *argc; i++) {
        if (i == optind)
            strv_push(&v, id);
        strv_push(&v, (*argv)[i]);
    }
    if (optind >= *argc)
        strv_push(&v, id);
    strv_free(ctx->latest_argv);
    ctx->latest_argv = v;
    *argv = v;
    (*argc)++;
    return -1;
}

bool
cmd_confirm(const char *warning)
{
    char answer[16] = "";

    fprintf(stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
    return fgets(answer, sizeof answer, stdin) != NULL && (answer[0] == 'y' || answer[0] == 'Y');
}

bool
cmd_label_match(char *const *labels, const char *want)
{
    size_t kl = strlen(want);

    for (size_t i = 0; labels && labels[i]; i++)
        if (strcmp(labels[i], want) == 0
            || (strchr(want, '=') == NULL && strncmp(labels[i], want, kl) == 0
                && labels[i][kl] == '='))
            return true;
    return false;
}

int
cmd_label_file_read(const char *path, char ***labels, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, path, 1 << 20, NULL, err);
    char *save = NULL;

    if (text == NULL)
        return pcon_prefix(err, "read label file %s", path);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0' || *line == '#')
            continue;
        strv_push_take(labels, xasprintf("%s%s", line, strchr(line, '=') ? "" : "="));
    }
    return 0;
}

/* "pod create" -> "create" */
static const char *
subcommand_name(const struct cmd_def *d)
{
    const char *sp = strrchr(d->name, ' ');

    return sp ? sp + 1 : d->name;
}

int
cmd_subcommand(struct cmd_ctx *ctx, int argc, char **argv, const char *group, const char *title,
               const struct cmd_def *const *subs, size_t n, const char *const *aliases)
{
    const char *sub;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("%s\n\nUsage:\n  pcon %s COMMAND\n\nAvailable Commands:\n", title, group);
        for (size_t i = 0; i < n; i++)
            printf("  %-12s %s\n", subcommand_name(subs[i]), subs[i]->summary);
        return argc < 2 ? PCON_EXIT_ENGINE : 0;
    }
    sub = argv[1];
    for (size_t i = 0; aliases && aliases[i]; i += 2)
        if (strcmp(sub, aliases[i]) == 0) {
            sub = aliases[i + 1];
            break;
        }
    for (size_t i = 0; i < n; i++)
        if (strcmp(sub, subcommand_name(subs[i])) == 0) {
            optind = 0; /* getopt anew, with the subcommand's ordering */
            return subs[i]->fn(ctx, argc - 1, argv + 1);
        }
    fprintf(stderr, "Error: unrecognized command `pcon %s %s`\n", group, sub);
    return PCON_EXIT_ENGINE;
}

int
cmd_prune_filter_check(char *const *filters, struct pcon_err *err)
{
    for (size_t i = 0; filters && filters[i]; i++) {
        const char *f = filters[i];
        if (strncmp(f, "label=", 6) != 0 && strncmp(f, "label!=", 7) != 0
            && strncmp(f, "until=", 6) != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s is an invalid filter", f);
        if (strncmp(f, "until=", 6) == 0 && time_parse_point(f + 6, time_now_ns()) < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid until filter \"%s\"", f + 6);
    }
    return 0;
}

bool
cmd_prune_filter_match(char *const *filters, char *const *labels, const char *created)
{
    /* values of one key are alternatives, the keys all hold (podman's) */
    static const char *const keys[] = { "label=", "label!=", "until=", NULL };

    for (size_t k = 0; keys[k]; k++) {
        size_t kl = strlen(keys[k]);
        bool seen = false, any = false;
        for (size_t i = 0; filters && filters[i]; i++) {
            const char *v = filters[i] + kl;
            if (strncmp(filters[i], keys[k], kl) != 0)
                continue;
            seen = true;
            if (k == 0)
                any |= cmd_label_match(labels, v);
            else if (k == 1)
                any |= !cmd_label_match(labels, v);
            else {
                int64_t t = time_parse_point(v, time_now_ns());
                any |= t >= 0 && created && time_parse_rfc3339(created) < t;
            }
        }
        if (seen && !any)
            return false;
    }
    return true;
}

/* --preserve-fds N: checked at once, before pcon opens anything that could
 * take one of those numbers */
int
cmd_preserve_fds_check(const char *arg, unsigned *out, struct pcon_err *err)
{
    char *end;
    unsigned long n = strtoul(arg, &end, 10);

    if (*arg < '0' || *arg > '9' || *end != '\0' || n > 1024)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid argument \"%s\" for \"--preserve-fds\" flag: "
                              "strconv.ParseUint: parsing \"%s\": invalid syntax",
                              arg, arg);
    for (unsigned long i = 0; i < n; i++)
        if (fcntl(3 + (int) i, F_GETFD) < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "file descriptor %lu is not available - the preserve-fds option "
                                  "requires that all file descriptors must be passed",
                                  3 + i);
    *out = (unsigned) n;
    return 0;
}
