// SPDX-License-Identifier: Apache-2.0
/* Config-only Dockerfile instructions and their word rules. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "instr.h"

#define MAX_WORDS 4096

static const char *
skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static char *
trimmed(const char *s)
{
    const char *p = skip_space(s);
    size_t n = strlen(p);

    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    return xstrndup(p, n);
}

int
instr_exec_form(const char *text, char ***out, struct pcon_err *err)
{
    const char *p = skip_space(text);
    struct pcon_err ignored = { 0 };
    cleanup_yajl_val yajl_val v = NULL;

    (void) err;
    *out = NULL;
    if (*p != '[')
        return 0;
    v = json_parse(p, &ignored);
    pcon_err_clear(&ignored);
    /* not JSON: the shell form, as Docker reads it */
    if (v == NULL || !YAJL_IS_ARRAY(v))
        return 0;
    for (size_t i = 0; i < v->u.array.len; i++)
        if (!YAJL_IS_STRING(v->u.array.values[i]))
            return 0;
    *out = xzalloc((v->u.array.len + 1) * sizeof **out);
    for (size_t i = 0; i < v->u.array.len; i++)
        (*out)[i] = xstrdup(v->u.array.values[i]->u.string);
    return 1;
}

int
instr_words(const char *text, char ***out, struct pcon_err *err)
{
    const char *p = text;
    char **v = xzalloc(sizeof *v);
    size_t n = 0;

    for (;;) {
        cleanup_free char *w = NULL;
        size_t len = 0, cap = 0;
        bool any = false;

        p = skip_space(p);
        if (*p == '\0')
            break;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            char quote = 0;
            if (*p == '"' || *p == '\'') {
                quote = *p++;
                any = true;
                while (*p && *p != quote) {
                    char c = *p++;
                    if (c == '\\' && quote == '"' && (*p == '"' || *p == '\\'))
                        c = *p++;
                    if (len + 2 > cap)
                        w = xrealloc(w, cap = cap * 2 + 16);
                    w[len++] = c;
                }
                if (*p != quote) {
                    strv_free(v);
                    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unmatched %c quote", quote);
                }
                p++;
                continue;
            }
            char c = *p++;
            if (c == '\\' && *p)
                c = *p++;
            if (len + 2 > cap)
                w = xrealloc(w, cap = cap * 2 + 16);
            w[len++] = c;
            any = true;
        }
        if (!any)
            continue;
        if (n == MAX_WORDS) {
            strv_free(v);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "too many words");
        }
        w = w ? w : xstrdup("");
        w[len] = '\0';
        strv_push(&v, w);
        n++;
    }
    *out = v;
    return 0;
}

int
instr_pairs(const char *text, bool allow_legacy, char ***keys, char ***values, struct pcon_err *err)
{
    cleanup_strv char **w = NULL;
    const char *p = skip_space(text);
    size_t klen = strcspn(p, " \t\n=");

    *keys = *values = NULL;
    /* "ENV KEY some value": the legacy form, for one pair */
    if (allow_legacy && p[klen] != '=' && klen > 0) {
        strv_push_take(keys, xstrndup(p, klen));
        strv_push_take(values, trimmed(p + klen));
        return 0;
    }
    if (instr_words(text, &w, err) < 0)
        return -1;
    for (size_t i = 0; w[i]; i++) {
        const char *eq = strchr(w[i], '=');
        if (eq == NULL || eq == w[i]) {
            strv_free(*keys);
            strv_free(*values);
            *keys = *values = NULL;
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "\"%s\" is not KEY=VALUE", w[i]);
        }
        strv_push_take(keys, xstrndup(w[i], (size_t) (eq - w[i])));
        strv_push(values, eq + 1);
    }
    if (*keys == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "needs at least one KEY=VALUE");
    return 0;
}

/* the shell form: SHELL (default /bin/sh -c) and the text */
static char **
shell_form(const struct oci_config *c, const char *text)
{
    char **v = NULL;

    if (c->shell && c->shell[0])
        for (size_t i = 0; c->shell[i]; i++)
            strv_push(&v, c->shell[i]);
    else {
        strv_push(&v, "/bin/sh");
        strv_push(&v, "-c");
    }
    strv_push_take(&v, trimmed(text));
    return v;
}

static int
command_form(const struct oci_config *c, const char *args, char ***out, struct pcon_err *err)
{
    int r = instr_exec_form(args, out, err);

    if (r < 0)
        return -1;
    if (r == 0)
        *out = shell_form(c, args);
    return 0;
}

static bool
port_valid(const char *p)
{
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;

    if (end == p)
        return false;
    if (*end == '-') {
        const char *q = end + 1;
        b = strtoul(q, &end, 10);
        if (end == q)
            return false;
    }
    if (a == 0 || a > 65535 || b < a || b > 65535)
        return false;
    return *end == '\0' || strcmp(end, "/tcp") == 0 || strcmp(end, "/udp") == 0
           || strcmp(end, "/sctp") == 0;
}

/* "30s", "1m30s", "500ms" -> nanoseconds; -1 when invalid */
static long long
duration_ns(const char *s)
{
    long long total = 0;

    if (*s == '\0')
        return -1;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        long long unit;
        if (end == s)
            return -1;
        if (strncmp(end, "ms", 2) == 0) {
            unit = 1000000LL;
            end += 2;
        } else if (*end == 's') {
            unit = 1000000000LL;
            end++;
        } else if (*end == 'm') {
            unit = 60000000000LL;
            end++;
        } else if (*end == 'h') {
            unit = 3600000000000LL;
            end++;
        } else
            return -1;
        /* no more than a day in all: a health check's times are short */
        if (!(v >= 0) || v * (double) unit > 86400e9
            || total + (long long) (v * (double) unit) > 86400000000000LL)
            return -1;
        total += (long long) (v * (double) unit);
        s = end;
    }
    return total;
}

static int
healthcheck(struct oci_config *c, const char *args, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    const char *p = skip_space(args);
    long long interval = 0, timeout = 0, start = 0, retries = 0;
    cleanup_strv char **test = NULL;

    if (strncasecmp(p, "NONE", 4) == 0 && (p[4] == '\0' || isspace((unsigned char) p[4]))) {
        strv_push(&test, "NONE");
    } else {
        while (strncmp(p, "--", 2) == 0) {
            size_t n = strcspn(p, " \t");
            cleanup_free char *opt = xstrndup(p, n);
            char *eq = strchr(opt, '=');
            long long v;
            if (eq == NULL)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "HEALTHCHECK %s: needs a value", opt);
            *eq++ = '\0';
            if (strcmp(opt, "--retries") == 0) {
                char *end;
                v = strtoll(eq, &end, 10);
                if (*end || v < 0)
                    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "HEALTHCHECK --retries=%s", eq);
                retries = v;
            } else {
                v = duration_ns(eq);
                if (v < 0)
                    return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                          "HEALTHCHECK %s=%s: not a duration", opt, eq);
                if (strcmp(opt, "--interval") == 0)
                    interval = v;
                else if (strcmp(opt, "--timeout") == 0)
                    timeout = v;
                else if (strcmp(opt, "--start-period") == 0)
                    start = v;
                else
                    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "HEALTHCHECK: unknown option %s",
                                          opt);
            }
            p = skip_space(p + n);
        }
        if (strncasecmp(p, "CMD", 3) != 0 || (p[3] && !isspace((unsigned char) p[3])))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "HEALTHCHECK: CMD or NONE expected");
        p += 3;
        {
            cleanup_strv char **exec = NULL;
            if (instr_exec_form(p, &exec, err) < 0)
                return -1;
            if (exec) {
                strv_push(&test, "CMD");
                for (size_t i = 0; exec[i]; i++)
                    strv_push(&test, exec[i]);
            } else {
                strv_push(&test, "CMD-SHELL");
                strv_push_take(&test, trimmed(p));
            }
        }
    }
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_strv(g, "Test", test));
    if (interval)
        JG(json_gen_kv_int(g, "Interval", interval));
    if (timeout)
        JG(json_gen_kv_int(g, "Timeout", timeout));
    if (start)
        JG(json_gen_kv_int(g, "StartPeriod", start));
    if (retries)
        JG(json_gen_kv_int(g, "Retries", retries));
    JG(yajl_gen_map_close(g));
    free(c->healthcheck);
    c->healthcheck = json_gen_take(g, NULL);
    return 0;
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static const char *const config_keywords[] = {
    "CMD",  "ENTRYPOINT", "ENV",   "LABEL",   "EXPOSE",      "VOLUME",     "WORKDIR",
    "USER", "STOPSIGNAL", "SHELL", "ONBUILD", "HEALTHCHECK", "MAINTAINER", NULL,
};

bool
instr_is_config(const char *keyword)
{
    for (size_t i = 0; config_keywords[i]; i++)
        if (strcasecmp(keyword, config_keywords[i]) == 0)
            return true;
    return false;
}

/* a config is JSON: its text must be UTF-8 (no overlong forms, no surrogates) */
static bool
utf8_valid(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n = c < 0x80         ? 0
                             : (c >> 5) == 6  ? 1
                             : (c >> 4) == 14 ? 2
                             : (c >> 3) == 30 ? 3
                                              : 9;
        unsigned long cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
        if (n == 9)
            return false;
        s++;
        for (unsigned i = 0; i < n; i++, s++) {
            if ((*s & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (*s & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
    }
    return true;
}

int
instr_apply(struct oci_config *c, const char *keyword, const char *args, struct pcon_err *err)
{
    const char *k = keyword;

    if (!utf8_valid((const unsigned char *) args))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: the text is not UTF-8", keyword);

    if (strcasecmp(k, "CMD") == 0 || strcasecmp(k, "ENTRYPOINT") == 0) {
        char **v = NULL;
        bool entry = strcasecmp(k, "ENTRYPOINT") == 0;
        if (command_form(c, args, &v, err) < 0)
            return -1;
        if (entry) {
            strv_free(c->entrypoint);
            c->entrypoint = v;
            c->entrypoint_null = v[0] == NULL;
            /* an ENTRYPOINT of its own drops the base image's CMD (Docker's rule) */
            strv_free(c->cmd);
            c->cmd = NULL;
            c->cmd_null = false;
        } else {
            strv_free(c->cmd);
            c->cmd = v;
            c->cmd_null = v[0] == NULL;
        }
        return 0;
    }
    if (strcasecmp(k, "ENV") == 0 || strcasecmp(k, "LABEL") == 0) {
        cleanup_strv char **keys = NULL, **values = NULL;
        bool env = strcasecmp(k, "ENV") == 0;
        if (instr_pairs(args, env, &keys, &values, err) < 0)
            return pcon_prefix(err, "%s", env ? "ENV" : "LABEL");
        for (size_t i = 0; keys[i]; i++)
            storage_oci_kv_set(env ? &c->env : &c->labels, keys[i], values[i]);
        return 0;
    }
    if (strcasecmp(k, "EXPOSE") == 0 || strcasecmp(k, "VOLUME") == 0) {
        cleanup_strv char **w = NULL;
        bool expose = strcasecmp(k, "EXPOSE") == 0;
        int r = expose ? 0 : instr_exec_form(args, &w, err);
        if (r < 0 || (r == 0 && instr_words(args, &w, err) < 0))
            return -1;
        if (w[0] == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s needs an argument",
                                  expose ? "EXPOSE" : "VOLUME");
        for (size_t i = 0; w[i]; i++) {
            cleanup_free char *v = NULL;
            if (expose && !port_valid(w[i]))
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "EXPOSE: invalid port \"%s\"", w[i]);
            if (!expose && w[i][0] != '/')
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "VOLUME: \"%s\" is not an absolute path", w[i]);
            v = expose && strchr(w[i], '/') == NULL ? xasprintf("%s/tcp", w[i]) : xstrdup(w[i]);
            if (!strv_contains(expose ? c->exposed : c->volumes, v))
                strv_push(expose ? &c->exposed : &c->volumes, v);
        }
        return 0;
    }
    if (strcasecmp(k, "WORKDIR") == 0) {
        cleanup_free char *t = trimmed(args), *joined = NULL, *clean = NULL;
        if (*t == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "WORKDIR needs a path");
        joined = t[0] == '/' ? xstrdup(t)
                             : xasprintf("%s/%s", c->workdir && *c->workdir ? c->workdir : "", t);
        clean = fs_path_clean_clamped(joined);
        free(c->workdir);
        c->workdir = xasprintf("/%s", clean ? clean : "");
        return 0;
    }
    if (strcasecmp(k, "USER") == 0 || strcasecmp(k, "STOPSIGNAL") == 0
        || strcasecmp(k, "MAINTAINER") == 0) {
        char **dst = k[0] == 'U' || k[0] == 'u'   ? &c->user
                     : k[0] == 'S' || k[0] == 's' ? &c->stop_signal
                                                  : &c->author;
        char *t = trimmed(args);
        if (*t == '\0') {
            free(t);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s needs an argument", k);
        }
        free(*dst);
        *dst = t;
        return 0;
    }
    if (strcasecmp(k, "SHELL") == 0) {
        char **v = NULL;
        int r = instr_exec_form(args, &v, err);
        if (r <= 0 || v[0] == NULL) {
            strv_free(v);
            return r < 0 ? -1
                         : pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                          "SHELL requires the arguments to be in JSON form");
        }
        strv_free(c->shell);
        c->shell = v;
        return 0;
    }
    if (strcasecmp(k, "ONBUILD") == 0) {
        strv_push_take(&c->onbuild, trimmed(args));
        return 0;
    }
    if (strcasecmp(k, "HEALTHCHECK") == 0)
        return healthcheck(c, args, err);
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unknown instruction %s", k);
}
