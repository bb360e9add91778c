// SPDX-License-Identifier: Apache-2.0
/* The Dockerfile parser and variable expansion. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/cleanup.h"
#include "../lib/mem.h"
#include "dockerfile.h"

#define MAX_INSTRUCTIONS 10000

static const char *const keywords[] = {
    "FROM",    "RUN",        "CMD",         "LABEL",  "MAINTAINER", "EXPOSE",  "ENV",
    "ADD",     "COPY",       "ENTRYPOINT",  "VOLUME", "USER",       "WORKDIR", "ARG",
    "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",  NULL,
};

/* the instructions whose leading --words are flags */
static bool
takes_flags(const char *k)
{
    return strcmp(k, "FROM") == 0 || strcmp(k, "RUN") == 0 || strcmp(k, "COPY") == 0
           || strcmp(k, "ADD") == 0;
}

void
dockerfile_free(struct dockerfile *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].keyword);
        strv_free(d->v[i].flags);
        free(d->v[i].args);
        strv_free(d->v[i].heredoc_names);
        strv_free(d->v[i].heredoc_bodies);
        free(d->v[i].heredoc_raw);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

static bool
blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

static const char *
skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

/* "# escape=`" and "# syntax=..." at the top, before anything else */
static bool
directive(const char *line, char *escape)
{
    const char *p = skip_ws(line);
    char key[16], val[64];

    if (*p != '#')
        return false;
    p = skip_ws(p + 1);
    if (sscanf(p, "%15[a-zA-Z] = %63s", key, val) != 2
        && sscanf(p, "%15[a-zA-Z]=%63s", key, val) != 2)
        return false;
    if (strcasecmp(key, "escape") == 0 && (strcmp(val, "`") == 0 || strcmp(val, "\\") == 0)) {
        *escape = val[0];
        return true;
    }
    return strcasecmp(key, "syntax") == 0 || strcasecmp(key, "check") == 0;
}

/* a line that ends in the escape character (blanks after it aside)
 * continues; *len is the line without it */
static bool
continues(const char *line, size_t *len, char escape)
{
    size_t n = strlen(line);

    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (n > 0 && line[n - 1] == escape) {
        *len = n - 1;
        return true;
    }
    *len = n;
    return false;
}

static int
instruction(struct dockerfile *d, const char *text, unsigned line, struct pcon_err *err)
{
    const char *p = skip_ws(text);
    size_t kl = strcspn(p, " \t\r");
    cleanup_free char *kw = xstrndup(p, kl);
    struct df_instr *in;
    bool known = false;

    for (char *c = kw; *c; c++)
        *c = (char) toupper((unsigned char) *c);
    for (size_t i = 0; keywords[i] && !known; i++)
        known = strcmp(kw, keywords[i]) == 0;
    if (!known)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: unknown instruction: %.64s", line,
                              kw);
    if (d->n == MAX_INSTRUCTIONS)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: too many instructions", line);
    d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    in = &d->v[d->n++];
    memset(in, 0, sizeof *in);
    in->keyword = steal_ptr(&kw);
    in->line = line;
    p = skip_ws(p + kl);
    while (takes_flags(in->keyword) && strncmp(p, "--", 2) == 0) {
        size_t fl = strcspn(p, " \t\r");
        strv_push_take(&in->flags, xstrndup(p, fl));
        p = skip_ws(p + fl);
    }
    in->args = xstrdup(p);
    /* trailing blanks are not the argument's */
    for (size_t n = strlen(in->args); n > 0 && isspace((unsigned char) in->args[n - 1]); n--)
        in->args[n - 1] = '\0';
    if (*in->args == '\0' && strcmp(in->keyword, "CMD") != 0
        && strcmp(in->keyword, "ENTRYPOINT") != 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: %s requires at least one argument",
                              line, in->keyword);
    return 0;
}

/* a heredoc marker at s: <<NAME, <<-NAME, <<"NAME" or <<'NAME'; its
 * length (0: none) */
static size_t
heredoc_marker(const char *s, char *name, size_t cap, bool *strip, bool *quoted)
{
    const char *p = s + 2;
    char q = 0;
    size_t n = 0;

    if (strncmp(s, "<<", 2) != 0)
        return 0;
    *strip = *p == '-';
    p += *strip;
    if (*p == '"' || *p == '\'')
        q = *p++;
    *quoted = q != 0;
    if (!(isalpha((unsigned char) *p) || *p == '_'))
        return 0;
    while ((isalnum((unsigned char) p[n]) || p[n] == '_' || p[n] == '.' || p[n] == '-')
           && n + 1 < cap)
        n++;
    memcpy(name, p, n);
    name[n] = '\0';
    p += n;
    if (q && *p++ != q)
        return 0;
    return (size_t) (p - s);
}

/* the next raw line of *p (cut in place), NULL at the end */
static char *
next_line(char **p, unsigned *lineno)
{
    char *line = *p, *nl;

    if (line == NULL)
        return NULL;
    nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    *p = nl ? nl + 1 : NULL;
    (*lineno)++;
    return line;
}

/* The heredocs the instruction in names, read from the lines after it:
 * a RUN's become its shell's text, a COPY's or ADD's files. */
static int
heredocs_read(struct df_instr *in, char **p, unsigned *lineno, struct pcon_err *err)
{
    bool run = strcmp(in->keyword, "RUN") == 0;
    bool copy = strcmp(in->keyword, "COPY") == 0 || strcmp(in->keyword, "ADD") == 0;
    cleanup_free char *args = NULL, *bodies = NULL, *first = NULL;
    size_t count = 0;

    if (!run && !copy)
        return 0;
    for (const char *s = in->args; *s;) {
        char name[64];
        bool strip, quoted;
        size_t ml = heredoc_marker(s, name, sizeof name, &strip, &quoted);
        cleanup_free char *body = xstrdup("");
        if (ml == 0) {
            xappendf(&args, "%c", *s++);
            continue;
        }
        for (;;) {
            char *l = next_line(p, lineno);
            if (l == NULL)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "line %u: heredoc %s is not closed by a line %s", in->line,
                                      name, name);
            size_t ll = strlen(l);
            if (ll && l[ll - 1] == '\r')
                l[--ll] = '\0';
            while (strip && *l == '\t')
                l++;
            if (strcmp(l, name) == 0)
                break;
            if (strlen(body) + strlen(l) > DOCKERFILE_MAX)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: heredoc too long",
                                      in->line);
            xappendf(&body, "%s\n", l);
        }
        count++;
        if (copy) {
            xappendf(&args, "%s", name);
            in->heredoc_raw = xrealloc(in->heredoc_raw, count * sizeof *in->heredoc_raw);
            in->heredoc_raw[count - 1] = quoted;
            strv_push(&in->heredoc_names, name);
            strv_push(&in->heredoc_bodies, body);
        } else {
            xappendf(&args, "%.*s", (int) ml, s);
            xappendf(&bodies, "\n%s%s", body, name);
            if (count == 1)
                first = xstrdup(body); /* for a heredoc alone */
        }
        s += ml;
    }
    if (count == 0)
        return 0;
    if (run) {
        /* a heredoc alone: its content is the script */
        const char *a = args ? args : "";
        char name[64];
        bool strip, quoted;
        size_t ml = heredoc_marker(skip_ws(a), name, sizeof name, &strip, &quoted);
        bool alone = count == 1 && ml && blank(skip_ws(a) + ml);
        free(in->args);
        in->args = alone ? steal_ptr(&first) : xasprintf("%s%s", a, bodies);
        return 0;
    }
    free(in->args);
    in->args = steal_ptr(&args);
    return 0;
}

int
dockerfile_parse(const char *text, struct dockerfile *out, struct pcon_err *err)
{
    cleanup_free char *copy = xstrdup(text);
    cleanup_free char *pending = NULL;
    unsigned lineno = 0, start = 0;
    bool top = true;
    char *save = NULL, *p = copy;

    memset(out, 0, sizeof *out);
    out->escape = '\\';
    if (strlen(text) > DOCKERFILE_MAX)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "the Dockerfile is larger than %d bytes",
                              DOCKERFILE_MAX);
    (void) save;
    while (p) {
        char *nl = strchr(p, '\n');
        const char *line = p;
        size_t len;
        bool more;

        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (top && directive(line, &out->escape))
            continue;
        top = false;
        /* comments and blank lines, also between continued lines */
        if (*skip_ws(line) == '#' || blank(line)) {
            if (pending == NULL || !blank(line) || p != NULL)
                continue;
        }
        more = continues(line, &len, out->escape);
        if (pending == NULL) {
            pending = xstrndup(line, len);
            start = lineno;
        } else {
            char *t = xasprintf("%s%.*s", pending, (int) len, line);
            free(pending);
            pending = t;
        }
        if (more && p)
            continue;
        if (!blank(pending)
            && (instruction(out, pending, start, err) < 0
                || heredocs_read(&out->v[out->n - 1], &p, &lineno, err) < 0)) {
            dockerfile_free(out);
            return -1;
        }
        free(pending);
        pending = NULL;
    }
    if (pending && !blank(pending)
        && (instruction(out, pending, start, err) < 0
            || heredocs_read(&out->v[out->n - 1], &p, &lineno, err) < 0)) {
        dockerfile_free(out);
        return -1;
    }
    if (out->n == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "the Dockerfile has no instructions");
    return 0;
}

bool
dockerfile_expands(const char *k)
{
    static const char *const list[] = { "ADD",        "COPY", "ENV",    "EXPOSE",  "FROM", "LABEL",
                                        "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG",  NULL };

    for (size_t i = 0; list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}

static const char *
lookup(char *const *vars, const char *name, size_t n)
{
    const char *found = NULL;

    for (size_t i = 0; vars && vars[i]; i++)
        if (strncmp(vars[i], name, n) == 0 && vars[i][n] == '=')
            found = vars[i] + n + 1;
    return found;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

int
dockerfile_expand(const char *text, char *const *vars, char escape, char **out,
                  struct pcon_err *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char quote = 0;

    append(&buf, &len, &cap, "", 0);
    for (const char *p = text; *p;) {
        if (*p == escape && p[1] == '$') {
            append(&buf, &len, &cap, "$", 1);
            p += 2;
            continue;
        }
        if (*p == '\'' && quote != '"') {
            quote = quote ? 0 : '\'';
            append(&buf, &len, &cap, p++, 1);
            continue;
        }
        if (*p == '"' && quote != '\'')
            quote = quote ? 0 : '"';
        if (*p != '$' || quote == '\'') {
            append(&buf, &len, &cap, p++, 1);
            continue;
        }
        p++;
        if (*p == '{') {
            const char *end = strchr(p, '}'), *name = p + 1;
            size_t n = strcspn(name, ":}");
            const char *v;
            if (end == NULL) {
                free(buf);
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "missing '}' in \"%.64s\"", text);
            }
            v = lookup(vars, name, n);
            if (name[n] == ':' && (name[n + 1] == '-' || name[n + 1] == '+')) {
                const char *word = name + n + 2;
                bool set = v && *v;
                if (name[n + 1] == '-' ? !set : set)
                    append(&buf, &len, &cap, word, (size_t) (end - word));
                else if (name[n + 1] == '-')
                    append(&buf, &len, &cap, v, strlen(v));
            } else if (name[n] == '}') {
                if (v)
                    append(&buf, &len, &cap, v, strlen(v));
            } else {
                free(buf);
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unsupported modifier in \"%.64s\"",
                                      text);
            }
            p = end + 1;
            continue;
        }
        if (isalpha((unsigned char) *p) || *p == '_') {
            size_t n = 0;
            const char *v;
            while (isalnum((unsigned char) p[n]) || p[n] == '_')
                n++;
            v = lookup(vars, p, n);
            if (v)
                append(&buf, &len, &cap, v, strlen(v));
            p += n;
            continue;
        }
        append(&buf, &len, &cap, "$", 1);
    }
    *out = buf;
    return 0;
}
