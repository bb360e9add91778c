// SPDX-License-Identifier: Apache-2.0
/* pcon search: the repositories of a registry's catalog that hold the
 * term (REGISTRY/TERM, or TERM in each of registries.conf's
 * unqualified-search-registries), or a repository's tags (--list-tags),
 * in podman's columns and documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../registry/conf.h"
#include "../registry/registry.h"
#include "cmd.h"
#include "format.h"

enum { SEARCH_COMPATIBLE = 0x700, SEARCH_LIMIT, SEARCH_LIST_TAGS, SEARCH_NO_TRUNC, SEARCH_FORMAT };

static const struct cmd_opt search_opts[] = {
    { SEARCH_COMPATIBLE, "compatible", 0, NULL,
      "List stars, official and automated columns (Docker compatibility)" },
    { 'f', "filter", 'f', "KEY=VALUE", "Filter: stars=N, is-automated=BOOL, is-official=BOOL" },
    { SEARCH_FORMAT, "format", 0, "FORMAT", "Change the output format to JSON or a Go template" },
    { SEARCH_LIMIT, "limit", 0, "N", "Limit the number of results" },
    { SEARCH_LIST_TAGS, "list-tags", 0, NULL, "List the tags of the repository given" },
    { SEARCH_NO_TRUNC, "no-trunc", 0, NULL, "Do not truncate the output" },
    CMD_REG_OPTS,
    { 0 },
};

static const char *const search_headers[] = {
    "Index",       "INDEX",     "Name",  "NAME",     "Description",
    "DESCRIPTION", "Stars",     "STARS", "Official", "OFFICIAL",
    "Automated",   "AUTOMATED", "Tag",   "TAG",      NULL,
};

/* the first part of a reference names a registry: a dot, a port, localhost */
static bool
is_registry(const char *s, size_t n)
{
    return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && strncmp(s, "localhost", 9) == 0);
}

static char *
row(const char *index, const char *name, const char *tag)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Index", index));
    JG(json_gen_kv_str(g, "Name", name));
    JG(json_gen_kv_str(g, "Description", ""));
    JG(json_gen_kv_int(g, "Stars", 0));
    JG(json_gen_kv_str(g, "Official", ""));
    JG(json_gen_kv_str(g, "Automated", ""));
    JG(json_gen_kv_str(g, "Tag", tag ? tag : ""));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

/* podman's filters: stars=N (at least), is-automated, is-official; a
 * catalog has no stars and nothing official or automated */
static int
filters_pass(char *const *filters, bool *pass, struct pcon_err *err)
{
    *pass = true;
    for (size_t i = 0; filters && filters[i]; i++) {
        const char *f = filters[i];
        if (strncmp(f, "stars=", 6) == 0) {
            char *end;
            long n = strtol(f + 6, &end, 10);
            if (f[6] == '\0' || *end != '\0' || n < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid filter %s", f);
            *pass = *pass && n == 0;
        } else if (strncmp(f, "is-automated=", 13) == 0 || strncmp(f, "is-official=", 12) == 0) {
            const char *v = strchr(f, '=') + 1;
            if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid filter %s", f);
            *pass = *pass && strcmp(v, "false") == 0;
        } else {
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid filter type %s", f);
        }
    }
    return 0;
}

static int
cmd_search(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct registry_opts o = { .tls_verify = -1, .quiet = true };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL, **rows = NULL, **hosts = NULL;
    const char *fmt = NULL, *term = NULL;
    bool compatible = false, list_tags = false, pass;
    long limit = 0;
    char *arg, *end;
    int opt;

    (void) ctx;
    while ((opt = cmd_getopt(&cmd_search_def, argc, argv, &arg)) != -1) {
        if (opt == SEARCH_COMPATIBLE)
            compatible = cmd_flag_value(arg);
        else if (opt == 'f')
            strv_push(&filters, arg);
        else if (opt == SEARCH_FORMAT)
            fmt = arg;
        else if (opt == SEARCH_LIST_TAGS)
            list_tags = cmd_flag_value(arg);
        else if (opt == SEARCH_NO_TRUNC)
            continue; /* nothing here is long enough to cut */
        else if (opt == SEARCH_LIMIT) {
            limit = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || limit < 0)
                return cmd_usage_error(&cmd_search_def, "invalid --limit \"%s\"", arg);
        } else if (!cmd_reg_opt(&o, opt, arg))
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_search_def, "requires exactly 1 arg(s), received %d",
                               argc - optind);
    if (filters_pass(filters, &pass, &err) < 0)
        return cmd_report(&err);
    term = argv[optind];
    {
        size_t first = strcspn(term, "/");
        if (term[first] == '/' && is_registry(term, first)) {
            strv_push_take(&hosts, xstrndup(term, first));
            term += first + 1;
        } else if (list_tags) {
            pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "--list-tags needs a repository with its registry"
                           " (REGISTRY/NAME), not \"%s\"",
                           term);
            return cmd_report(&err);
        } else {
            struct registry_conf rc = { 0 };
            if (registry_conf_load(&rc, &err) < 0)
                return cmd_report(&err);
            for (size_t i = 0; rc.search && rc.search[i]; i++)
                strv_push(&hosts, rc.search[i]);
            registry_conf_free(&rc);
        }
    }
    if (list_tags) {
        cleanup_strv char **tags = NULL;
        cleanup_free char *repo = xstrdup(term);
        char *colon = strrchr(repo, ':');
        if (colon && !strchr(colon, '/'))
            *colon = '\0'; /* a tag given: the repository's are listed */
        if (*repo == '\0') {
            pcon_fail_kind(&err, PCON_ERR_USAGE, 0,
                           "--list-tags needs a repository with its registry (REGISTRY/NAME)");
            return cmd_report(&err);
        }
        if (registry_tags(hosts[0], repo, &o, &tags, &err) < 0)
            return cmd_report(&err);
        for (size_t i = 0; pass && tags && tags[i] && (limit == 0 || (long) i < limit); i++) {
            cleanup_free char *name = xasprintf("%s/%s", hosts[0], repo);
            strv_push_take(&rows, row(hosts[0], name, tags[i]));
        }
    } else {
        for (size_t h = 0; hosts && hosts[h]; h++) {
            cleanup_strv char **repos = NULL;
            if (registry_search(hosts[h], *term ? term : NULL, &o, &repos, &err) < 0)
                return cmd_report(&err);
            for (size_t i = 0; pass && repos && repos[i]; i++) {
                cleanup_free char *name = xasprintf("%s/%s", hosts[h], repos[i]);
                if (limit && (long) strv_len(rows) >= limit)
                    break;
                strv_push_take(&rows, row(hosts[h], name, NULL));
            }
        }
    }
    if (rows == NULL && (fmt == NULL || strcmp(fmt, "json") != 0))
        return 0; /* podman prints no heading for nothing */
    if (fmt == NULL)
        fmt = list_tags    ? "table {{.Name}}\t{{.Tag}}"
              : compatible ? "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t"
                             "{{.Automated}}"
                           : "table {{.Name}}\t{{.Description}}";
    if (cmd_format_print(fmt, rows, search_headers, &err) < 0)
        return cmd_report(&err);
    return 0;
}

const struct cmd_def cmd_search_def = {
    "search", cmd_search, "Search a registry for an image", "[options] TERM", search_opts,
};
