// SPDX-License-Identifier: Apache-2.0
/* Unit files, as systemd reads them. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "unitfile.h"

void
unitfile_free(struct unit_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].section);
        free(f->v[i].key);
        free(f->v[i].value);
    }
    free(f->v);
    f->v = NULL;
    f->n = 0;
}

static char *
trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* a key (before eq, blanks around it allowed): letters, digits, - _ . */
static bool
key_valid(const char *line, const char *eq)
{
    const char *b = line, *e = eq;

    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (b == e)
        return false;
    for (const char *c = b; c < e; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '-' || *c == '_' || *c == '.'))
            return false;
    return true;
}

int
unitfile_parse(const char *text, struct unit_file *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(text), *section = NULL, *cont = NULL;
    unsigned lineno = 0, start = 0;
    char *save = NULL, *p = buf;

    memset(out, 0, sizeof *out);
    for (;;) {
        char *nl = strchr(p, '\n'), *line, *eq;
        bool more;
        if (*p == '\0' && nl == NULL)
            break;
        if (nl)
            *nl = '\0';
        lineno++;
        line = trim(p);
        p = nl ? nl + 1 : p + strlen(p);
        (void) save;
        if (cont == NULL && (*line == '#' || *line == ';' || *line == '\0'))
            continue;
        more = line[0] && line[strlen(line) - 1] == '\\';
        if (more)
            line[strlen(line) - 1] = '\0';
        if (cont) {
            char *joined = xasprintf("%s %s", cont, trim(line));
            free(cont);
            cont = joined;
        } else {
            cont = xstrdup(line);
            start = lineno;
        }
        if (more && nl)
            continue;
        line = cont;
        if (line[0] == '[') {
            size_t n = strlen(line);
            if (n < 3 || line[n - 1] != ']') {
                unitfile_free(out);
                free(cont);
                cont = NULL;
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: not a section header",
                                      start);
            }
            free(section);
            section = xstrndup(line + 1, n - 2);
        } else if ((eq = strchr(line, '=')) != NULL && section && key_valid(line, eq)) {
            *eq = '\0';
            out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            out->v[out->n++] = (struct unit_entry){ xstrdup(section), xstrdup(trim(line)),
                                                    xstrdup(trim(eq + 1)), start };
        } else {
            unitfile_free(out);
            free(cont);
            cont = NULL;
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  section ? "line %u: not KEY=VALUE"
                                          : "line %u: an entry before any [Section]",
                                  start);
        }
        free(cont);
        cont = NULL;
        if (nl == NULL)
            break;
    }
    return 0;
}

char **
unitfile_words(const char *value, struct pcon_err *err)
{
    char **words = NULL;
    cleanup_free char *cur = xmalloc(strlen(value) + 1);
    size_t n = 0;
    char quote = 0;
    bool have = false;

    for (const char *c = value;; c++) {
        if (*c == '\0') {
            if (quote) {
                strv_free(words);
                pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unterminated quote in \"%s\"", value);
                return NULL;
            }
            if (have) {
                cur[n] = '\0';
                strv_push(&words, cur);
            }
            break;
        }
        if (*c == '\\' && c[1]) {
            c++;
            cur[n++] = *c == 'n' ? '\n' : *c == 't' ? '\t' : *c;
            have = true;
        } else if (quote) {
            if (*c == quote)
                quote = 0;
            else
                cur[n++] = *c;
        } else if (*c == '"' || *c == '\'') {
            quote = *c;
            have = true;
        } else if (*c == ' ' || *c == '\t') {
            if (have) {
                cur[n] = '\0';
                strv_push(&words, cur);
            }
            n = 0;
            have = false;
        } else {
            cur[n++] = *c;
            have = true;
        }
    }
    if (words == NULL)
        words = xzalloc(sizeof *words);
    return words;
}

char *
unitfile_quote(const char *word, bool literal)
{
    char *out = xmalloc(strlen(word) * 2 + 3), *o = out;
    bool quote = *word == '\0' || strpbrk(word, " \t\n\"'\\;") != NULL;

    if (quote)
        *o++ = '"';
    for (const char *c = word; *c; c++) {
        if (literal && (*c == '%' || *c == '$'))
            *o++ = *c;
        else if (quote && (*c == '"' || *c == '\\'))
            *o++ = '\\';
        if (*c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
            continue;
        }
        *o++ = *c;
    }
    if (quote)
        *o++ = '"';
    *o = '\0';
    return out;
}
