// SPDX-License-Identifier: Apache-2.0
/* A small Go-template evaluator over yajl trees. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "json.h"
#include "template.h"

enum node_kind { N_TEXT, N_EXPR, N_RANGE, N_IF };

struct expr {
    char *func; /* NULL, "json", "lower", "upper", "join" */
    char *path; /* ".", ".A.B" */
    char *arg;  /* join's separator */
};

struct node {
    enum node_kind kind;
    char *text;        /* N_TEXT */
    struct expr e;     /* N_EXPR, N_RANGE, N_IF */
    struct node *body; /* N_RANGE, N_IF: a list */
    size_t nbody;
    struct node *alt; /* N_IF else */
    size_t nalt;
};

struct template
{
    bool table;
    struct node *nodes;
    size_t n;
};

static void
nodes_free(struct node *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].e.func);
        free(v[i].e.path);
        free(v[i].e.arg);
        nodes_free(v[i].body, v[i].nbody);
        nodes_free(v[i].alt, v[i].nalt);
    }
    free(v);
}

void
template_free(struct template *t)
{
    if (t == NULL)
        return;
    nodes_free(t->nodes, t->n);
    free(t);
}

bool
template_is_table(const struct template *t)
{
    return t->table;
}

static struct node *
push(struct node **v, size_t *n)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    memset(&(*v)[*n], 0, sizeof **v);
    return &(*v)[(*n)++];
}

static int
parse_expr(const char *s, struct expr *e, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s);
    char *tok[4] = { 0 };
    int n = 0;
    char *p = buf;

    while (*p && n < 4) {
        while (isspace((unsigned char) *p))
            p++;
        if (*p == '\0')
            break;
        if (*p == '"') {
            char *q = strchr(p + 1, '"');
            if (q == NULL)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unterminated string");
            *q = '\0';
            tok[n++] = p; /* keeps the quote as a marker */
            p = q + 1;
            continue;
        }
        tok[n++] = p;
        while (*p && !isspace((unsigned char) *p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (n == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: missing value for command");
    if (tok[0][0] == '.') {
        if (n != 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unexpected \"%s\"", tok[1]);
        e->path = xstrdup(tok[0]);
        return 0;
    }
    if (strcmp(tok[0], "json") != 0 && strcmp(tok[0], "lower") != 0 && strcmp(tok[0], "upper") != 0
        && strcmp(tok[0], "join") != 0 && strcmp(tok[0], "title") != 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: function \"%s\" not defined",
                              tok[0]);
    if (n < 2 || tok[1][0] != '.')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s needs a value", tok[0]);
    e->func = xstrdup(tok[0]);
    e->path = xstrdup(tok[1]);
    if (strcmp(tok[0], "join") == 0) {
        if (n != 3 || tok[2][0] != '"')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: join needs a separator");
        e->arg = xstrdup(tok[2] + 1);
    }
    return 0;
}

/* Parses until "{{end}}" or "{{else}}" (returned in *stop) or the end. */
static int
parse_list(const char **pp, struct node **v, size_t *n, const char **stop, struct pcon_err *err)
{
    const char *p = *pp;

    *stop = NULL;
    while (*p) {
        const char *open = strstr(p, "{{"), *close;
        cleanup_free char *inner = NULL;
        char *a;
        size_t il;

        if (open == NULL)
            open = p + strlen(p);
        if (open > p) {
            struct node *t = push(v, n);
            t->kind = N_TEXT;
            t->text = xstrndup(p, (size_t) (open - p));
        }
        if (*open == '\0') {
            p = open;
            break;
        }
        close = strstr(open + 2, "}}");
        if (close == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unclosed action");
        inner = xstrndup(open + 2, (size_t) (close - open - 2));
        a = inner;
        if (*a == '-')
            a++;
        while (isspace((unsigned char) *a))
            a++;
        il = strlen(a);
        while (il > 0 && (isspace((unsigned char) a[il - 1]) || a[il - 1] == '-'))
            a[--il] = '\0';
        p = close + 2;
        if (strcmp(a, "end") == 0 || strcmp(a, "else") == 0) {
            *stop = strcmp(a, "end") == 0 ? "end" : "else";
            break;
        }
        if (strncmp(a, "range ", 6) == 0 || strncmp(a, "if ", 3) == 0) {
            bool is_range = a[0] == 'r';
            struct node *r = push(v, n);
            size_t idx = *n - 1;
            const char *st;
            r->kind = is_range ? N_RANGE : N_IF;
            if (parse_expr(a + (is_range ? 6 : 3), &r->e, err) < 0)
                return -1;
            {
                struct node *body = NULL;
                size_t nb = 0;
                if (parse_list(&p, &body, &nb, &st, err) < 0) {
                    nodes_free(body, nb);
                    return -1;
                }
                (*v)[idx].body = body;
                (*v)[idx].nbody = nb;
            }
            if (st && strcmp(st, "else") == 0) {
                struct node *alt = NULL;
                size_t na = 0;
                if (parse_list(&p, &alt, &na, &st, err) < 0) {
                    nodes_free(alt, na);
                    return -1;
                }
                (*v)[idx].alt = alt;
                (*v)[idx].nalt = na;
            }
            if (st == NULL || strcmp(st, "end") != 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unexpected EOF");
            continue;
        }
        {
            struct node *x = push(v, n);
            x->kind = N_EXPR;
            if (parse_expr(a, &x->e, err) < 0)
                return -1;
        }
    }
    *pp = p;
    return 0;
}

static char *
unescape(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 't') {
            *o++ = '\t';
            s++;
        } else if (s[0] == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

struct template *
template_parse(const char *fmt, struct pcon_err *err)
{
    struct template *t = xzalloc(sizeof *t);
    cleanup_free char *text = unescape(fmt);
    const char *p = text, *stop;

    if (strncmp(p, "table", 5) == 0 && (p[5] == ' ' || p[5] == '\0' || p[5] == '\t')) {
        t->table = true;
        p += 5;
        while (*p == ' ')
            p++;
    }
    if (parse_list(&p, &t->nodes, &t->n, &stop, err) < 0) {
        template_free(t);
        return NULL;
    }
    if (stop) {
        template_free(t);
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unexpected {{%s}}", stop);
        return NULL;
    }
    return t;
}

static void
append(char **out, const char *s, size_t n)
{
    size_t cur = *out ? strlen(*out) : 0;

    *out = xrealloc(*out, cur + n + 1);
    memcpy(*out + cur, s, n);
    (*out)[cur + n] = '\0';
}

static void
appends(char **out, const char *s)
{
    append(out, s, strlen(s));
}

static int
lookup(yajl_val v, const char *path, yajl_val *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(path);
    char *save = NULL;

    for (char *k = strtok_r(buf + 1, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        yajl_val next;

        if (v == NULL || !YAJL_IS_OBJECT(v))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "template: can't evaluate field %s in a non-object", k);
        bool found = false;

        next = NULL;
        for (size_t i = 0; i < v->u.object.len && !found; i++)
            if (strcmp(v->u.object.keys[i], k) == 0) {
                next = v->u.object.values[i];
                found = true;
            }
        if (!found)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: can't evaluate field %s", k);
        v = next;
    }
    *out = v;
    return 0;
}

static void render_value(yajl_val v, char **out);

static void
render_value(yajl_val v, char **out)
{
    if (v == NULL || YAJL_IS_NULL(v)) {
        appends(out, "<no value>");
    } else if (YAJL_IS_STRING(v)) {
        appends(out, YAJL_GET_STRING(v));
    } else if (YAJL_IS_NUMBER(v)) {
        appends(out, YAJL_GET_NUMBER(v));
    } else if (YAJL_IS_TRUE(v)) {
        appends(out, "true");
    } else if (YAJL_IS_FALSE(v)) {
        appends(out, "false");
    } else if (YAJL_IS_ARRAY(v)) {
        appends(out, "[");
        for (size_t i = 0; i < v->u.array.len; i++) {
            if (i)
                appends(out, " ");
            render_value(v->u.array.values[i], out);
        }
        appends(out, "]");
    } else {
        appends(out, "map[");
        for (size_t i = 0; i < v->u.object.len; i++) {
            if (i)
                appends(out, " ");
            appends(out, v->u.object.keys[i]);
            appends(out, ":");
            render_value(v->u.object.values[i], out);
        }
        appends(out, "]");
    }
}

static int
eval_expr(const struct expr *e, yajl_val dot, char **out, struct pcon_err *err)
{
    yajl_val v;
    cleanup_free char *s = NULL;

    if (lookup(dot, e->path, &v, err) < 0)
        return -1;
    if (e->func == NULL) {
        render_value(v, out);
        return 0;
    }
    if (strcmp(e->func, "json") == 0) {
        cleanup_yajl_gen yajl_gen g = json_gen_new(false);
        cleanup_free char *text = NULL;
        yajl_gen_config(g, yajl_gen_escape_solidus, 0);
        if (json_gen_value(g, v) < 0)
            return pcon_fail(err, EINVAL, "template: cannot render JSON");
        text = json_gen_take(g, NULL);
        appends(out, text);
        return 0;
    }
    if (strcmp(e->func, "join") == 0) {
        if (v == NULL || !YAJL_IS_ARRAY(v)) {
            render_value(v, out);
            return 0;
        }
        for (size_t i = 0; i < v->u.array.len; i++) {
            if (i)
                appends(out, e->arg);
            render_value(v->u.array.values[i], out);
        }
        return 0;
    }
    render_value(v, &s);
    for (char *p = s; p && *p; p++) {
        if (strcmp(e->func, "lower") == 0)
            *p = (char) tolower((unsigned char) *p);
        else if (strcmp(e->func, "upper") == 0)
            *p = (char) toupper((unsigned char) *p);
        else if (p == s || p[-1] == ' ')
            *p = (char) toupper((unsigned char) *p);
    }
    appends(out, s ? s : "");
    return 0;
}

static bool
truthy(yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v) || YAJL_IS_FALSE(v))
        return false;
    if (YAJL_IS_STRING(v))
        return *YAJL_GET_STRING(v) != '\0';
    if (YAJL_IS_NUMBER(v))
        return strtod(YAJL_GET_NUMBER(v), NULL) != 0;
    if (YAJL_IS_ARRAY(v))
        return v->u.array.len > 0;
    if (YAJL_IS_OBJECT(v))
        return v->u.object.len > 0;
    return true;
}

static int
render_nodes(const struct node *v, size_t n, yajl_val dot, char **out, struct pcon_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct node *x = &v[i];
        yajl_val val;

        switch (x->kind) {
        case N_TEXT:
            appends(out, x->text);
            break;
        case N_EXPR:
            if (eval_expr(&x->e, dot, out, err) < 0)
                return -1;
            break;
        case N_RANGE:
            if (lookup(dot, x->e.path, &val, err) < 0)
                return -1;
            if (val && YAJL_IS_ARRAY(val)) {
                for (size_t k = 0; k < val->u.array.len; k++)
                    if (render_nodes(x->body, x->nbody, val->u.array.values[k], out, err) < 0)
                        return -1;
            } else if (val && YAJL_IS_OBJECT(val)) {
                for (size_t k = 0; k < val->u.object.len; k++)
                    if (render_nodes(x->body, x->nbody, val->u.object.values[k], out, err) < 0)
                        return -1;
            }
            break;
        case N_IF:
            if (lookup(dot, x->e.path, &val, err) < 0)
                return -1;
            if (truthy(val)) {
                if (render_nodes(x->body, x->nbody, dot, out, err) < 0)
                    return -1;
            } else if (render_nodes(x->alt, x->nalt, dot, out, err) < 0) {
                return -1;
            }
            break;
        }
    }
    return 0;
}

int
template_render(const struct template *t, yajl_val v, char **out, struct pcon_err *err)
{
    if (*out == NULL)
        *out = xstrdup("");
    return render_nodes(t->nodes, t->n, v, out, err);
}

char *
template_header(const struct template *t, const char *const *headers)
{
    char *out = xstrdup("");

    for (size_t i = 0; i < t->n; i++) {
        const struct node *x = &t->nodes[i];
        const char *name;
        bool mapped = false;

        if (x->kind == N_TEXT) {
            /* separators between columns stay; other text is dropped */
            for (const char *p = x->text; *p; p++)
                if (*p == '\t' || *p == '\n')
                    append(&out, p, 1);
            continue;
        }
        name = x->e.path[1] ? x->e.path + 1 : "";
        if (strrchr(name, '.'))
            name = strrchr(name, '.') + 1;
        for (size_t k = 0; headers && headers[k]; k += 2)
            if (strcmp(headers[k], name) == 0) {
                appends(&out, headers[k + 1]);
                mapped = true;
                break;
            }
        if (!mapped)
            for (const char *p = name; *p; p++) {
                char c = (char) toupper((unsigned char) *p);
                append(&out, &c, 1);
            }
    }
    return out;
}

/* the aligned text, built with its length known: appending a byte at a
 * time to a string measured each time took minutes (and gigabytes under
 * ASan) for a few wide columns, found by fuzz_template */
struct align_buf {
    char *s;
    size_t len, cap;
};

/* n bytes of s, or n spaces when s is NULL */
static void
align_add(struct align_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    if (s)
        memcpy(b->s + b->len, s, n);
    else
        memset(b->s + b->len, ' ', n);
    b->len += n;
    b->s[b->len] = '\0';
}

char *
template_align(const char *text)
{
    size_t widths[64] = { 0 };
    struct align_buf out = { 0 };
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;

    align_add(&out, "", 0);
    /* column widths over all lines */
    for (const char *line = text; *line;) {
        const char *nl = strchrnul(line, '\n');
        size_t col = 0, w = 0;
        for (const char *p = line; p < nl; p++) {
            if (*p == '\t') {
                if (col < 64 && w > widths[col])
                    widths[col] = w;
                col++;
                w = 0;
            } else if (((unsigned char) *p & 0xc0) != 0x80) {
                w++;
            }
        }
        line = *nl ? nl + 1 : nl;
    }
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t col = 0, w = 0;
        for (char *p = line; *p; p++) {
            if (*p == '\t') {
                align_add(&out, NULL, (col < 64 ? widths[col] : w) + 2 - w);
                col++;
                w = 0;
            } else {
                align_add(&out, p, 1);
                if (((unsigned char) *p & 0xc0) != 0x80)
                    w++;
            }
        }
        align_add(&out, "\n", 1);
    }
    return out.s;
}
