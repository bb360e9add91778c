// SPDX-License-Identifier: Apache-2.0
/* A small TOML reader for containers configuration files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mem.h"
#include "toml.h"

struct toml {
    const char *p, *file;
    int line;
    struct pcon_err *err;
};

static int
toml_fail(struct toml *t, const char *what)
{
    return pcon_fail(t->err, EINVAL, "%s: line %d: %s", t->file, t->line, what);
}

/* spaces, and with newlines also line ends and comments */
static void
skip(struct toml *t, bool newlines)
{
    for (;;) {
        if (*t->p == ' ' || *t->p == '\t' || *t->p == '\r') {
            t->p++;
        } else if (*t->p == '#') {
            t->p += strcspn(t->p, "\n");
        } else if (newlines && *t->p == '\n') {
            t->p++;
            t->line++;
        } else {
            return;
        }
    }
}

static char *
string(struct toml *t)
{
    char q = *t->p;
    const char *s = ++t->p;
    size_t n = strcspn(s, q == '"' ? "\"\n\\" : "'\n");

    if (s[n] != q) {
        toml_fail(t, s[n] == '\\' ? "escapes in strings are not supported" : "unterminated string");
        return NULL;
    }
    t->p = s + n + 1;
    return xstrndup(s, n);
}

static int
array(struct toml *t, char ***out)
{
    t->p++;
    for (;;) {
        char *s;
        skip(t, true);
        if (*t->p == ']') {
            t->p++;
            return 0;
        }
        if (*t->p == '\0')
            return toml_fail(t, "unterminated array");
        if (*t->p != '"' && *t->p != '\'')
            return toml_fail(t, "arrays hold strings here");
        if ((s = string(t)) == NULL)
            return -1;
        strv_push_take(out, s);
        skip(t, true);
        if (*t->p == ',')
            t->p++;
        else if (*t->p != ']')
            return toml_fail(t, *t->p ? "expected , or ] in an array" : "unterminated array");
    }
}

/* a value; str and arr are owned by the caller afterwards */
static int
value(struct toml *t, struct toml_value *v, char **str, char ***arr)
{
    memset(v, 0, sizeof *v);
    if (*t->p == '"' || *t->p == '\'') {
        v->kind = TOML_STRING;
        return (v->str = *str = string(t)) ? 0 : -1;
    }
    if (strncmp(t->p, "true", 4) == 0 || strncmp(t->p, "false", 5) == 0) {
        v->kind = TOML_BOOL;
        v->b = *t->p == 't';
        t->p += v->b ? 4 : 5;
        return 0;
    }
    if (*t->p == '[') {
        v->kind = TOML_ARRAY;
        if (array(t, arr) < 0)
            return -1;
        if (*arr == NULL) /* [] is an empty vector, never NULL */
            *arr = xzalloc(sizeof **arr);
        v->arr = *arr;
        return 0;
    }
    if (*t->p == '\n' || *t->p == '\0' || *t->p == '#')
        return toml_fail(t, "expected a value");
    /* a number, a date, an inline table: the rest of the line */
    v->kind = TOML_OTHER;
    t->p += strcspn(t->p, "\n");
    return 0;
}

static int
header(struct toml *t, char **table, bool *array_table)
{
    const char *s;
    size_t n;

    *array_table = t->p[1] == '[';
    s = t->p + (*array_table ? 2 : 1);
    n = strcspn(s, "]\n");
    if (s[n] != ']' || (*array_table && s[n + 1] != ']'))
        return toml_fail(t, "unterminated table header");
    free(*table);
    *table = xstrndup(s, n);
    /* "[ storage . options ]" is "storage.options" */
    for (char *r = *table, *w = *table;; r++)
        if (*r != ' ' && *r != '\t' && !(*w++ = *r))
            break;
    t->p = s + n + (*array_table ? 2 : 1);
    return 0;
}

static char *
key(struct toml *t)
{
    size_t n;

    if (*t->p == '"' || *t->p == '\'')
        return string(t);
    n = strspn(t->p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
    if (n == 0) {
        toml_fail(t, "expected a key");
        return NULL;
    }
    t->p += n;
    return xstrndup(t->p - n, n);
}

int
toml_parse(const char *text, const char *file, toml_cb cb, void *opaque, struct pcon_err *err)
{
    struct toml t = { .p = text, .file = file, .line = 1, .err = err };
    cleanup_free char *table = xstrdup("");
    bool array_table = false;

    for (skip(&t, true); *t.p; skip(&t, true)) {
        cleanup_free char *k = NULL, *str = NULL;
        cleanup_strv char **arr = NULL;
        struct toml_value v;

        if (*t.p == '[') {
            if (header(&t, &table, &array_table) < 0
                || cb(opaque, table, array_table, NULL, NULL, err) < 0)
                return -1;
        } else {
            if ((k = key(&t)) == NULL)
                return -1;
            skip(&t, false);
            if (*t.p++ != '=')
                return toml_fail(&t, "expected =");
            skip(&t, false);
            if (value(&t, &v, &str, &arr) < 0 || cb(opaque, table, array_table, k, &v, err) < 0)
                return -1;
        }
        skip(&t, false);
        if (*t.p != '\n' && *t.p != '\0')
            return toml_fail(&t, "unexpected text after a value");
    }
    return 0;
}
