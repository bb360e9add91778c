// SPDX-License-Identifier: Apache-2.0
/* A small Go-template evaluator over yajl trees. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "json.h"
#include "template.h"

enum node_kind { N_TEXT, N_EXPR, N_RANGE, N_IF, N_WITH };

/* a pipeline's pieces, as Go's text/template has them */
enum op_kind { OP_FIELD, OP_VAR, OP_STR, OP_NUM, OP_BOOL, OP_NIL, OP_FUNC, OP_PIPE };

struct pipeline;

struct operand {
    enum op_kind kind;
    char *text; /* OP_FIELD ".A.B", OP_VAR "$x.A", OP_STR, OP_FUNC: the name */
    double num;
    bool b;
    struct pipeline *sub; /* OP_PIPE: ( ... ) */
};

struct command {
    struct operand *v;
    size_t n;
};

struct pipeline {
    struct command *cmds;
    size_t n;
    char *vars[2]; /* "$x := ..." or "$i, $v := ..." */
    size_t nvars;
};

struct node {
    enum node_kind kind;
    char *text;         /* N_TEXT */
    struct pipeline *p; /* N_EXPR, N_RANGE, N_IF, N_WITH */
    struct node *body;  /* N_RANGE, N_IF, N_WITH: a list */
    size_t nbody;
    struct node *alt; /* {{else}} */
    size_t nalt;
};

struct template
{
    bool table;
    struct node *nodes;
    size_t n;
};

static const char *const functions[] = {
    "and",     "eq",    "ge",    "gt",       "index", "join",     "json",  "le",
    "len",     "lower", "lt",    "ne",       "not",   "or",       "print", "printf",
    "println", "slice", "title", "truncate", "upper", "contains", "split", NULL,
};

#define MAX_DEPTH 32 /* nested ( ) and blocks: a template is short */
/* what one rendering may print: nested ranges multiply (found by fuzz_template) */
#define MAX_OUTPUT (1u << 20)
#define MAX_STEPS  (1u << 20)

static void pipeline_free(struct pipeline *p);

static void
operand_free(struct operand *o)
{
    free(o->text);
    pipeline_free(o->sub);
}

static void
pipeline_free(struct pipeline *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        for (size_t k = 0; k < p->cmds[i].n; k++)
            operand_free(&p->cmds[i].v[k]);
        free(p->cmds[i].v);
    }
    free(p->cmds);
    free(p->vars[0]);
    free(p->vars[1]);
    free(p);
}

static void
nodes_free(struct node *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        pipeline_free(v[i].p);
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

/* --- the action's tokens -------------------------------------------------------- */

enum tok_kind { T_EOF, T_PIPE, T_LPAREN, T_RPAREN, T_DECL, T_COMMA, T_STR, T_WORD };

struct tok {
    enum tok_kind kind;
    char *text; /* T_STR: unquoted; T_WORD */
};

static int
next_tok(const char **pp, struct tok *t, struct pcon_err *err)
{
    const char *p = *pp;

    t->text = NULL;
    while (isspace((unsigned char) *p))
        p++;
    if (*p == '\0') {
        t->kind = T_EOF;
    } else if (*p == '|' || *p == '(' || *p == ')' || *p == ',') {
        t->kind = *p == '|' ? T_PIPE : *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN : T_COMMA;
        p++;
    } else if (p[0] == ':' && p[1] == '=') {
        t->kind = T_DECL;
        p += 2;
    } else if (*p == '"' || *p == '`') {
        char q = *p++;
        size_t n = 0, cap = 16;
        char *buf = xmalloc(cap);
        while (*p && *p != q) {
            char c = *p++;
            if (q == '"' && c == '\\' && *p) {
                c = *p++;
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            if (n + 2 > cap)
                buf = xrealloc(buf, cap *= 2);
            buf[n++] = c;
        }
        buf[n] = '\0';
        if (*p != q) {
            free(buf);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unterminated quoted string");
        }
        p++;
        t->kind = T_STR;
        t->text = buf;
    } else {
        const char *s = p;
        while (*p && !isspace((unsigned char) *p) && !strchr("|(),\"`", *p)
               && !(p[0] == ':' && p[1] == '='))
            p++;
        t->kind = T_WORD;
        t->text = xstrndup(s, (size_t) (p - s));
    }
    *pp = p;
    return 0;
}

static bool
known_function(const char *name)
{
    for (size_t i = 0; functions[i]; i++)
        if (strcmp(functions[i], name) == 0)
            return true;
    return false;
}

static struct pipeline *parse_pipeline(const char **pp, bool in_paren, int depth,
                                       struct pcon_err *err);

static int
parse_operand(const char **pp, struct tok *t, struct operand *o, int depth, struct pcon_err *err)
{
    char *end;

    memset(o, 0, sizeof *o);
    if (t->kind == T_LPAREN) {
        o->kind = OP_PIPE;
        o->sub = parse_pipeline(pp, true, depth + 1, err);
        if (o->sub == NULL)
            return -1;
        /* (index .A 0).B: fields of what the parentheses give */
        if (**pp == '.' && isalpha((unsigned char) (*pp)[1])) {
            const char *s = *pp;
            while (**pp && !isspace((unsigned char) **pp) && !strchr("|(),\"`", **pp))
                (*pp)++;
            o->text = xstrndup(s, (size_t) (*pp - s));
        }
        return 0;
    }
    if (t->kind == T_STR) {
        o->kind = OP_STR;
        o->text = steal_ptr(&t->text);
        return 0;
    }
    if (t->kind != T_WORD)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unexpected token");
    o->text = steal_ptr(&t->text);
    if (o->text[0] == '.') {
        o->kind = OP_FIELD;
    } else if (o->text[0] == '$') {
        o->kind = OP_VAR;
    } else if (strcmp(o->text, "true") == 0 || strcmp(o->text, "false") == 0) {
        o->kind = OP_BOOL;
        o->b = o->text[0] == 't';
    } else if (strcmp(o->text, "nil") == 0) {
        o->kind = OP_NIL;
    } else if (isdigit((unsigned char) o->text[0])
               || ((o->text[0] == '-' || o->text[0] == '+')
                   && isdigit((unsigned char) o->text[1]))) {
        o->kind = OP_NUM;
        o->num = strtod(o->text, &end);
        if (*end)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: bad number syntax: %.32s",
                                  o->text);
    } else if (known_function(o->text)) {
        o->kind = OP_FUNC;
    } else {
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: function \"%.64s\" not defined",
                              o->text);
    }
    return 0;
}

static struct pipeline *
parse_pipeline(const char **pp, bool in_paren, int depth, struct pcon_err *err)
{
    struct pipeline *p = xzalloc(sizeof *p);
    struct tok t = { 0 };
    const char *save = *pp;

    if (depth > MAX_DEPTH) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: nested too deeply");
        goto fail;
    }
    /* "$x := " or "$i, $v := " */
    if (!in_paren) {
        const char *q = *pp;
        struct tok a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
        if (next_tok(&q, &a, err) == 0 && a.kind == T_WORD && a.text[0] == '$'
            && next_tok(&q, &b, err) == 0) {
            if (b.kind == T_DECL) {
                p->vars[p->nvars++] = steal_ptr(&a.text);
                save = q;
            } else if (b.kind == T_COMMA && next_tok(&q, &c, err) == 0 && c.kind == T_WORD
                       && c.text[0] == '$' && next_tok(&q, &d, err) == 0 && d.kind == T_DECL) {
                p->vars[p->nvars++] = steal_ptr(&a.text);
                p->vars[p->nvars++] = steal_ptr(&c.text);
                save = q;
            }
        }
        free(a.text);
        free(b.text);
        free(c.text);
        free(d.text);
        pcon_err_clear(err);
        *pp = save;
    }
    for (;;) {
        struct command *cmd;
        p->cmds = xrealloc(p->cmds, (p->n + 1) * sizeof *p->cmds);
        cmd = &p->cmds[p->n++];
        memset(cmd, 0, sizeof *cmd);
        for (;;) {
            if (next_tok(pp, &t, err) < 0)
                goto fail;
            if (t.kind == T_EOF || t.kind == T_PIPE || t.kind == T_RPAREN)
                break;
            cmd->v = xrealloc(cmd->v, (cmd->n + 1) * sizeof *cmd->v);
            if (parse_operand(pp, &t, &cmd->v[cmd->n], depth, err) < 0) {
                cmd->n++; /* freed with the rest */
                goto fail;
            }
            cmd->n++;
            free(t.text);
            t.text = NULL;
        }
        if (cmd->n == 0) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: missing value for command");
            goto fail;
        }
        if (cmd->v[0].kind != OP_FUNC && cmd->n > 1) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: can't give argument to non-function");
            goto fail;
        }
        if (t.kind == T_PIPE)
            continue;
        if ((t.kind == T_RPAREN) != in_paren) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unbalanced parentheses");
            goto fail;
        }
        break;
    }
    return p;
fail:
    free(t.text);
    pipeline_free(p);
    return NULL;
}

static int
parse_action(const char *a, struct pipeline **out, struct pcon_err *err)
{
    *out = parse_pipeline(&a, false, 0, err);
    return *out ? 0 : -1;
}

/* Parses until "{{end}}" or "{{else}}" (returned in *stop) or the end. */
static int
parse_list(const char **pp, struct node **v, size_t *n, const char **stop, int depth,
           struct pcon_err *err)
{
    const char *p = *pp;

    *stop = NULL;
    if (depth > MAX_DEPTH)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: nested too deeply");
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
        if (strncmp(a, "/*", 2) == 0)
            continue; /* a comment */
        if (strncmp(a, "range ", 6) == 0 || strncmp(a, "if ", 3) == 0
            || strncmp(a, "with ", 5) == 0) {
            enum node_kind kind = a[0] == 'r' ? N_RANGE : a[0] == 'i' ? N_IF : N_WITH;
            size_t skip = kind == N_RANGE ? 6 : kind == N_IF ? 3 : 5;
            size_t idx;
            const char *st;
            struct pipeline *pl;
            if (parse_action(a + skip, &pl, err) < 0)
                return -1;
            idx = *n;
            push(v, n)->kind = kind;
            (*v)[idx].p = pl;
            {
                struct node *body = NULL;
                size_t nb = 0;
                if (parse_list(&p, &body, &nb, &st, depth + 1, err) < 0) {
                    nodes_free(body, nb);
                    return -1;
                }
                (*v)[idx].body = body;
                (*v)[idx].nbody = nb;
            }
            if (st && strcmp(st, "else") == 0) {
                struct node *alt = NULL;
                size_t na = 0;
                if (parse_list(&p, &alt, &na, &st, depth + 1, err) < 0) {
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
            struct pipeline *pl;
            if (parse_action(a, &pl, err) < 0)
                return -1;
            struct node *x = push(v, n);
            x->kind = N_EXPR;
            x->p = pl;
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
    if (parse_list(&p, &t->nodes, &t->n, &stop, 0, err) < 0) {
        template_free(t);
        return NULL;
    }
    if (stop) {
        template_free(t);
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: unexpected {{%s}}", stop);
        return NULL;
    }
    /* a table's columns: as podman, spaces between fields separate them
     * as tabs do ("table {{.Repository}} {{.Tag}}") */
    for (size_t i = 0; t->table && i < t->n; i++) {
        char *o = t->nodes[i].text;
        if (t->nodes[i].kind != N_TEXT)
            continue;
        for (const char *c = t->nodes[i].text; *c;) {
            if (*c == ' ') {
                while (*c == ' ')
                    c++;
                *o++ = '\t'; /* o never passes c: the text rewritten in place */
            } else {
                *o++ = *c++;
            }
        }
        *o = '\0';
    }
    return t;
}

/* grows by doubling (what the allocator gave is the capacity): a
 * reallocation per piece made long outputs churn the heap */
static void
append(char **out, const char *s, size_t n)
{
    size_t cur = *out ? strlen(*out) : 0;
    size_t cap = *out ? malloc_usable_size(*out) : 0;

    if (cur + n + 1 > cap) {
        size_t want = cap * 2 > cur + n + 1 ? cap * 2 : cur + n + 1;
        *out = xrealloc(*out, want < 64 ? 64 : want);
    }
    memcpy(*out + cur, s, n);
    (*out)[cur + n] = '\0';
}

static void
appends(char **out, const char *s)
{
    append(out, s, strlen(s));
}

/* --- values ----------------------------------------------------------------------- */

enum tv_kind { TV_NIL, TV_JSON, TV_STR, TV_NUM, TV_BOOL };

struct tv {
    enum tv_kind k;
    yajl_val j; /* TV_JSON: borrowed from the document */
    char *s;    /* TV_STR: owned */
    double n;
    bool b;
};

static void
tv_free(struct tv *v)
{
    free(v->s);
    memset(v, 0, sizeof *v);
}

static struct tv
tv_json(yajl_val j)
{
    struct tv v = { .k = j && !YAJL_IS_NULL(j) ? TV_JSON : TV_NIL, .j = j };

    return v;
}

static struct tv
tv_str(char *owned)
{
    struct tv v = { .k = TV_STR, .s = owned };

    return v;
}

static struct tv
tv_copy(const struct tv *v)
{
    struct tv c = *v;

    if (v->s)
        c.s = xstrdup(v->s);
    return c;
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

static void
render_tv(const struct tv *v, char **out)
{
    char num[64];

    switch (v->k) {
    case TV_NIL:
        appends(out, "<no value>");
        break;
    case TV_JSON:
        render_value(v->j, out);
        break;
    case TV_STR:
        appends(out, v->s ? v->s : "");
        break;
    case TV_NUM:
        if (v->n > -1e18 && v->n < 1e18 && v->n == (double) (long long) v->n)
            snprintf(num, sizeof num, "%lld", (long long) v->n);
        else
            snprintf(num, sizeof num, "%g", v->n);
        appends(out, num);
        break;
    case TV_BOOL:
        appends(out, v->b ? "true" : "false");
        break;
    }
}

static char *
tv_text(const struct tv *v)
{
    char *s = xstrdup("");

    render_tv(v, &s);
    return s;
}

static bool
tv_number(const struct tv *v, double *out)
{
    char *end;

    if (v->k == TV_NUM) {
        *out = v->n;
        return true;
    }
    if (v->k == TV_JSON && YAJL_IS_NUMBER(v->j)) {
        *out = strtod(YAJL_GET_NUMBER(v->j), &end);
        return true;
    }
    return false;
}

static bool
tv_truthy(const struct tv *v)
{
    yajl_val j = v->j;

    switch (v->k) {
    case TV_NIL:
        return false;
    case TV_STR:
        return v->s && *v->s;
    case TV_NUM:
        return v->n != 0;
    case TV_BOOL:
        return v->b;
    case TV_JSON:
        break;
    }
    if (YAJL_IS_FALSE(j))
        return false;
    if (YAJL_IS_STRING(j))
        return *YAJL_GET_STRING(j) != '\0';
    if (YAJL_IS_NUMBER(j))
        return strtod(YAJL_GET_NUMBER(j), NULL) != 0;
    if (YAJL_IS_ARRAY(j))
        return j->u.array.len > 0;
    if (YAJL_IS_OBJECT(j))
        return j->u.object.len > 0;
    return true;
}

/* --- evaluation ------------------------------------------------------------------- */

struct var {
    char *name; /* "$x" */
    struct tv v;
};

struct scope {
    struct var *v;
    size_t n;
    yajl_val root; /* $ */
    size_t steps;  /* range iterations so far: nested ones multiply */
};

/* after each iteration of a range: within what one rendering may do */
static int
range_budget(struct scope *sc, char *const *out, struct pcon_err *err)
{
    if (++sc->steps > MAX_STEPS)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: too many range iterations");
    if (strlen(*out) > MAX_OUTPUT)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: output too large");
    return 0;
}

static void
scope_set(struct scope *sc, const char *name, struct tv v)
{
    for (size_t i = sc->n; i-- > 0;)
        if (strcmp(sc->v[i].name, name) == 0) {
            tv_free(&sc->v[i].v);
            sc->v[i].v = v;
            return;
        }
    sc->v = xrealloc(sc->v, (sc->n + 1) * sizeof *sc->v);
    sc->v[sc->n].name = xstrdup(name);
    sc->v[sc->n++].v = v;
}

static void
scope_pop(struct scope *sc, size_t to)
{
    while (sc->n > to) {
        sc->n--;
        free(sc->v[sc->n].name);
        tv_free(&sc->v[sc->n].v);
    }
}

/* key and name equal but for case and the key's underscores */
static bool
go_name_matches(const char *key, const char *name)
{
    for (;; key++, name++) {
        while (*key == '_')
            key++;
        if (tolower((unsigned char) *key) != tolower((unsigned char) *name))
            return false;
        if (*key == '\0')
            return true;
    }
}

/* .A.B below v (a JSON object); "" or "." is v itself */
static int
field(yajl_val v, const char *path, yajl_val *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(path);
    char *save = NULL;

    for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
        yajl_val next = NULL;
        bool found = false;

        if (v == NULL || !YAJL_IS_OBJECT(v))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "template: can't evaluate field %s in a non-object", k);
        for (size_t i = 0; i < v->u.object.len && !found; i++)
            if (strcmp(v->u.object.keys[i], k) == 0) {
                next = v->u.object.values[i];
                found = true;
            }
        /* podman's Go field names (.Host.Arch, .HostID) over its JSON keys
         * ("arch", "host_id") */
        for (size_t i = 0; i < v->u.object.len && !found; i++)
            if (go_name_matches(v->u.object.keys[i], k)) {
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

static int eval_pipeline(const struct pipeline *p, struct scope *sc, yajl_val dot, struct tv *out,
                         struct pcon_err *err);

static int
eval_operand(const struct operand *o, struct scope *sc, yajl_val dot, struct tv *out,
             struct pcon_err *err)
{
    yajl_val j;

    memset(out, 0, sizeof *out);
    switch (o->kind) {
    case OP_FIELD:
        if (field(dot, o->text + 1, &j, err) < 0)
            return -1;
        *out = tv_json(j);
        return 0;
    case OP_VAR: {
        const char *dotp = strchr(o->text, '.');
        size_t nl = dotp ? (size_t) (dotp - o->text) : strlen(o->text);
        const struct tv *found = NULL;
        struct tv rootv = tv_json(sc->root);
        if (nl == 1)
            found = &rootv;
        for (size_t i = sc->n; !found && i-- > 0;)
            if (strlen(sc->v[i].name) == nl && strncmp(sc->v[i].name, o->text, nl) == 0)
                found = &sc->v[i].v;
        if (!found)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: undefined variable \"%.*s\"",
                                  (int) nl, o->text);
        if (!dotp) {
            *out = tv_copy(found);
            return 0;
        }
        if (found->k != TV_JSON)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "template: can't evaluate field %s in a non-object", dotp + 1);
        if (field(found->j, dotp + 1, &j, err) < 0)
            return -1;
        *out = tv_json(j);
        return 0;
    }
    case OP_STR:
        *out = tv_str(xstrdup(o->text));
        return 0;
    case OP_NUM:
        out->k = TV_NUM;
        out->n = o->num;
        return 0;
    case OP_BOOL:
        out->k = TV_BOOL;
        out->b = o->b;
        return 0;
    case OP_NIL:
        return 0;
    case OP_PIPE:
        if (eval_pipeline(o->sub, sc, dot, out, err) < 0)
            return -1;
        if (o->text) {
            struct tv whole = *out;
            int r;
            memset(out, 0, sizeof *out);
            r = whole.k == TV_JSON ? field(whole.j, o->text + 1, &j, err)
                                   : pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                                    "template: can't evaluate field %s in a "
                                                    "non-object",
                                                    o->text + 1);
            if (r == 0)
                *out = tv_json(j);
            tv_free(&whole);
            return r;
        }
        return 0;
    case OP_FUNC:
        break;
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s is a function", o->text);
}

static bool
tv_equal(const struct tv *a, const struct tv *b)
{
    double x, y;
    cleanup_free char *s = NULL, *t = NULL;

    if (tv_number(a, &x) && tv_number(b, &y))
        return x == y;
    s = tv_text(a);
    t = tv_text(b);
    return strcmp(s, t) == 0;
}

/* a: negative, zero, positive as a < b, a == b, a > b (numbers or text) */
static int
tv_compare(const struct tv *a, const struct tv *b)
{
    double x, y;
    cleanup_free char *s = NULL, *t = NULL;

    if (tv_number(a, &x) && tv_number(b, &y))
        return x < y ? -1 : x > y;
    s = tv_text(a);
    t = tv_text(b);
    return strcmp(s, t);
}

static int
json_text(const struct tv *v, char **out, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    yajl_gen_config(g, yajl_gen_escape_solidus, 0);
    switch (v->k) {
    case TV_JSON:
        if (json_gen_value(g, v->j) < 0)
            return pcon_fail(err, EINVAL, "template: cannot render JSON");
        break;
    case TV_NIL:
        yajl_gen_null(g);
        break;
    case TV_BOOL:
        yajl_gen_bool(g, v->b);
        break;
    case TV_NUM:
        yajl_gen_double(g, v->n);
        break;
    case TV_STR:
        if (json_gen_str(g, v->s ? v->s : "") != yajl_gen_status_ok)
            return pcon_fail(err, EINVAL, "template: cannot render JSON");
        break;
    }
    *out = json_gen_take(g, NULL);
    return 0;
}

/* printf's verbs: %s %v %d %f %g %x %q %%, with flags, width and precision */
static int
fn_printf(const struct tv *args, size_t n, struct tv *out, struct pcon_err *err)
{
    cleanup_free char *fmt = n ? tv_text(&args[0]) : xstrdup("");
    char *res = xstrdup("");
    size_t ai = 1;

    for (const char *p = fmt; *p; p++) {
        char spec[32], buf[512];
        size_t sl = 0;
        char verb;
        double d;
        if (*p != '%') {
            append(&res, p, 1);
            continue;
        }
        if (p[1] == '%') {
            appends(&res, "%");
            p++;
            continue;
        }
        spec[sl++] = '%';
        p++;
        while (*p && strchr("-+ #0", *p) && sl < 8)
            spec[sl++] = *p++;
        while (*p && (isdigit((unsigned char) *p) || *p == '.') && sl < 20)
            spec[sl++] = *p++;
        verb = *p;
        if (verb == '\0' || !strchr("svdfgxqt", verb)) {
            free(res);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: printf: bad verb");
        }
        if (ai >= n) {
            appends(&res, "%!");
            append(&res, &verb, 1);
            appends(&res, "(MISSING)");
            continue;
        }
        const struct tv *a = &args[ai++];
        if (verb == 'd' || verb == 'x') {
            if (!tv_number(a, &d))
                d = 0;
            spec[sl++] = 'l';
            spec[sl++] = 'l';
            spec[sl++] = verb;
            spec[sl] = '\0';
            snprintf(buf, sizeof buf, spec, d > -9e18 && d < 9e18 ? (long long) d : 0LL);
            appends(&res, buf);
        } else if (verb == 'f' || verb == 'g') {
            if (!tv_number(a, &d))
                d = 0;
            spec[sl++] = verb;
            spec[sl] = '\0';
            snprintf(buf, sizeof buf, spec, d);
            appends(&res, buf);
        } else if (verb == 'q') {
            cleanup_free char *q = NULL, *t = tv_text(a);
            struct tv sv = { .k = TV_STR, .s = t };
            if (json_text(&sv, &q, err) < 0) {
                free(res);
                return -1;
            }
            appends(&res, q);
        } else {
            cleanup_free char *t = tv_text(a);
            spec[sl++] = 's';
            spec[sl] = '\0';
            if (sl == 2) {
                appends(&res, t);
            } else {
                char *w = NULL;
                if (asprintf(&w, spec, t) >= 0) {
                    appends(&res, w);
                    free(w);
                }
            }
        }
    }
    *out = tv_str(res);
    return 0;
}

static int
call(const char *name, struct tv *args, size_t n, struct tv *out, struct pcon_err *err)
{
    memset(out, 0, sizeof *out);
#define NEED(k)                                                                                    \
    do {                                                                                           \
        if (n != (k))                                                                              \
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,                                          \
                                  "template: wrong number of args for %s: want %d got %zu", name,  \
                                  (k), n);                                                         \
    } while (0)
    if (strcmp(name, "json") == 0) {
        NEED(1);
        char *t;
        if (json_text(&args[0], &t, err) < 0)
            return -1;
        *out = tv_str(t);
        return 0;
    }
    if (strcmp(name, "lower") == 0 || strcmp(name, "upper") == 0 || strcmp(name, "title") == 0) {
        NEED(1);
        char *s = tv_text(&args[0]);
        for (char *p = s; *p; p++)
            *p = name[0] == 'l'             ? (char) tolower((unsigned char) *p)
                 : name[0] == 'u'           ? (char) toupper((unsigned char) *p)
                 : (p == s || p[-1] == ' ') ? (char) toupper((unsigned char) *p)
                                            : *p;
        *out = tv_str(s);
        return 0;
    }
    if (strcmp(name, "join") == 0) {
        NEED(2);
        char *s = xstrdup("");
        cleanup_free char *sep = tv_text(&args[1]);
        if (args[0].k == TV_JSON && YAJL_IS_ARRAY(args[0].j)) {
            for (size_t i = 0; i < args[0].j->u.array.len; i++) {
                if (i)
                    appends(&s, sep);
                render_value(args[0].j->u.array.values[i], &s);
            }
        } else {
            render_tv(&args[0], &s);
        }
        *out = tv_str(s);
        return 0;
    }
    if (strcmp(name, "len") == 0) {
        NEED(1);
        yajl_val j = args[0].j;
        out->k = TV_NUM;
        if (args[0].k == TV_STR)
            out->n = (double) strlen(args[0].s);
        else if (args[0].k == TV_JSON && YAJL_IS_STRING(j) && j->u.string)
            out->n = (double) strlen(j->u.string);
        else if (args[0].k == TV_JSON && YAJL_IS_ARRAY(j))
            out->n = (double) j->u.array.len;
        else if (args[0].k == TV_JSON && YAJL_IS_OBJECT(j))
            out->n = (double) j->u.object.len;
        else
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "template: len of a value with no length");
        return 0;
    }
    if (strcmp(name, "index") == 0) {
        yajl_val j;
        if (n < 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: index needs a value");
        if (args[0].k != TV_JSON && args[0].k != TV_NIL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: can't index that value");
        j = args[0].j;
        for (size_t i = 1; i < n; i++) {
            double d;
            if (j && YAJL_IS_ARRAY(j) && tv_number(&args[i], &d)) {
                if (d < 0 || d >= (double) j->u.array.len)
                    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: index out of range");
                j = j->u.array.values[(size_t) d];
            } else if (j && YAJL_IS_OBJECT(j)) {
                cleanup_free char *k = tv_text(&args[i]);
                yajl_val next = NULL;
                for (size_t x = 0; x < j->u.object.len; x++)
                    if (strcmp(j->u.object.keys[x], k) == 0)
                        next = j->u.object.values[x];
                j = next; /* a missing key: no value, as a map's */
            } else {
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: can't index that value");
            }
        }
        *out = tv_json(j);
        return 0;
    }
    if (strcmp(name, "printf") == 0)
        return fn_printf(args, n, out, err);
    if (strcmp(name, "print") == 0 || strcmp(name, "println") == 0) {
        char *s = xstrdup("");
        for (size_t i = 0; i < n; i++) {
            if (i && (name[5] == 'l' || (args[i].k != TV_STR && args[i - 1].k != TV_STR)))
                appends(&s, " ");
            render_tv(&args[i], &s);
        }
        if (name[5] == 'l')
            appends(&s, "\n");
        *out = tv_str(s);
        return 0;
    }
    if (strcmp(name, "eq") == 0 || strcmp(name, "ne") == 0) {
        if (n < 2)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s needs two values", name);
        bool any = false;
        for (size_t i = 1; i < n && !any; i++)
            any = tv_equal(&args[0], &args[i]);
        out->k = TV_BOOL;
        out->b = name[0] == 'e' ? any : !any;
        return 0;
    }
    if (strcmp(name, "lt") == 0 || strcmp(name, "le") == 0 || strcmp(name, "gt") == 0
        || strcmp(name, "ge") == 0) {
        NEED(2);
        int c = tv_compare(&args[0], &args[1]);
        out->k = TV_BOOL;
        out->b =
            name[0] == 'l' ? (name[1] == 't' ? c < 0 : c <= 0) : (name[1] == 't' ? c > 0 : c >= 0);
        return 0;
    }
    if (strcmp(name, "not") == 0) {
        NEED(1);
        out->k = TV_BOOL;
        out->b = !tv_truthy(&args[0]);
        return 0;
    }
    if (strcmp(name, "and") == 0 || strcmp(name, "or") == 0) {
        size_t pick = n ? n - 1 : 0;
        if (n == 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s needs a value", name);
        for (size_t i = 0; i < n; i++)
            if (tv_truthy(&args[i]) == (name[0] == 'o')) {
                pick = i;
                break;
            }
        *out = tv_copy(&args[pick]);
        return 0;
    }
    if (strcmp(name, "truncate") == 0 || strcmp(name, "slice") == 0) {
        double a = 0, b = -1;
        char *s = n ? tv_text(&args[0]) : xstrdup("");
        size_t len = strlen(s);
        if (n < 2 || n > 3 || !tv_number(&args[1], &a) || (n == 3 && !tv_number(&args[2], &b))) {
            free(s);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s needs a string and numbers",
                                  name);
        }
        if (name[0] == 't') { /* podman's truncate S N: the first N */
            b = a;
            a = 0;
        }
        if (b < 0 || b > (double) len)
            b = (double) len;
        if (a < 0 || a > b) {
            free(s);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: %s: index out of range", name);
        }
        memmove(s, s + (size_t) a, (size_t) b - (size_t) a);
        s[(size_t) b - (size_t) a] = '\0';
        *out = tv_str(s);
        return 0;
    }
    if (strcmp(name, "contains") == 0) {
        NEED(2);
        cleanup_free char *a = tv_text(&args[0]), *b = tv_text(&args[1]);
        out->k = TV_BOOL;
        out->b = strstr(a, b) != NULL;
        return 0;
    }
    if (strcmp(name, "split") == 0) {
        NEED(2);
        /* the pieces, joined back with spaces: what a template can print */
        cleanup_free char *a = tv_text(&args[0]), *sep = tv_text(&args[1]);
        char *s = xstrdup("[");
        size_t sl = strlen(sep);
        const char *p = a;
        for (bool first = true;; first = false) {
            const char *q = sl ? strstr(p, sep) : NULL;
            if (!first)
                appends(&s, " ");
            append(&s, p, q ? (size_t) (q - p) : strlen(p));
            if (!q)
                break;
            p = q + sl;
        }
        appends(&s, "]");
        *out = tv_str(s);
        return 0;
    }
#undef NEED
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "template: function \"%s\" not defined", name);
}

static int
eval_command(const struct command *c, struct scope *sc, yajl_val dot, struct tv *prev,
             bool has_prev, struct tv *out, struct pcon_err *err)
{
    struct tv *args;
    size_t n = 0;
    int r;

    if (c->v[0].kind != OP_FUNC) {
        if (has_prev)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "template: can't give argument to non-function");
        return eval_operand(&c->v[0], sc, dot, out, err);
    }
    args = xzalloc((c->n + 1) * sizeof *args);
    for (size_t i = 1; i < c->n; i++, n++)
        if (eval_operand(&c->v[i], sc, dot, &args[n], err) < 0) {
            r = -1;
            goto out;
        }
    if (has_prev) {
        args[n++] = *prev; /* the value piped in is the last argument */
        memset(prev, 0, sizeof *prev);
    }
    r = call(c->v[0].text, args, n, out, err);
out:
    for (size_t i = 0; i < n; i++)
        tv_free(&args[i]);
    free(args);
    return r;
}

static int
eval_pipeline(const struct pipeline *p, struct scope *sc, yajl_val dot, struct tv *out,
              struct pcon_err *err)
{
    struct tv cur = { 0 };

    for (size_t i = 0; i < p->n; i++) {
        struct tv next;
        if (eval_command(&p->cmds[i], sc, dot, &cur, i > 0, &next, err) < 0) {
            tv_free(&cur);
            return -1;
        }
        tv_free(&cur);
        cur = next;
    }
    *out = cur;
    return 0;
}

static int render_nodes(const struct node *v, size_t n, struct scope *sc, yajl_val dot, char **out,
                        struct pcon_err *err);

static int
render_range(const struct node *x, struct scope *sc, yajl_val dot, char **out, struct pcon_err *err)
{
    const struct pipeline *p = x->p;
    struct tv val;
    size_t mark = sc->n, count = 0;
    int r = 0;

    if (eval_pipeline(p, sc, dot, &val, err) < 0)
        return -1;
    if (val.k == TV_JSON && (YAJL_IS_ARRAY(val.j) || YAJL_IS_OBJECT(val.j))) {
        bool arr = YAJL_IS_ARRAY(val.j);
        count = arr ? val.j->u.array.len : val.j->u.object.len;
        for (size_t k = 0; k < count && r == 0; k++) {
            yajl_val e = arr ? val.j->u.array.values[k] : val.j->u.object.values[k];
            if (p->nvars == 2) {
                struct tv key = { .k = TV_NUM, .n = (double) k };
                if (!arr)
                    key = tv_str(xstrdup(val.j->u.object.keys[k]));
                scope_set(sc, p->vars[0], key);
                scope_set(sc, p->vars[1], tv_json(e));
            } else if (p->nvars == 1) {
                scope_set(sc, p->vars[0], tv_json(e));
            }
            r = render_nodes(x->body, x->nbody, sc, e, out, err);
            if (r == 0)
                r = range_budget(sc, out, err);
        }
    } else if (val.k == TV_NUM && val.n >= 0 && val.n < 100000) {
        /* range N: 0..N-1, as Go 1.22 */
        count = (size_t) val.n;
        for (size_t k = 0; k < count && r == 0; k++) {
            struct tv iv = { .k = TV_NUM, .n = (double) k };
            if (p->nvars >= 1)
                scope_set(sc, p->vars[p->nvars - 1], iv);
            r = render_nodes(x->body, x->nbody, sc, dot, out, err);
            if (r == 0)
                r = range_budget(sc, out, err);
        }
    }
    if (r == 0 && count == 0)
        r = render_nodes(x->alt, x->nalt, sc, dot, out, err);
    scope_pop(sc, mark);
    tv_free(&val);
    return r;
}

static int
render_nodes(const struct node *v, size_t n, struct scope *sc, yajl_val dot, char **out,
             struct pcon_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct node *x = &v[i];
        struct tv val;
        size_t mark = sc->n;
        int r = 0;

        switch (x->kind) {
        case N_TEXT:
            appends(out, x->text);
            break;
        case N_EXPR:
            if (eval_pipeline(x->p, sc, dot, &val, err) < 0)
                return -1;
            if (x->p->nvars == 1) {
                scope_set(sc, x->p->vars[0], val); /* lives to the end of the block */
                break;
            }
            render_tv(&val, out);
            tv_free(&val);
            break;
        case N_RANGE:
            if (render_range(x, sc, dot, out, err) < 0)
                return -1;
            break;
        case N_IF:
        case N_WITH:
            if (eval_pipeline(x->p, sc, dot, &val, err) < 0)
                return -1;
            if (tv_truthy(&val)) {
                yajl_val d = dot;
                if (x->kind == N_WITH && val.k == TV_JSON)
                    d = val.j;
                if (x->p->nvars == 1)
                    scope_set(sc, x->p->vars[0], tv_copy(&val));
                r = render_nodes(x->body, x->nbody, sc, d, out, err);
            } else {
                r = render_nodes(x->alt, x->nalt, sc, dot, out, err);
            }
            tv_free(&val);
            scope_pop(sc, mark);
            if (r < 0)
                return -1;
            break;
        }
    }
    return 0;
}

int
template_render(const struct template *t, yajl_val v, char **out, struct pcon_err *err)
{
    struct scope sc = { .root = v };
    int r;

    if (*out == NULL)
        *out = xstrdup("");
    r = render_nodes(t->nodes, t->n, &sc, v, out, err);
    scope_pop(&sc, 0);
    free(sc.v);
    return r;
}

/* the first field a pipeline names (a column's), or NULL */
static const char *
first_field(const struct pipeline *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        for (size_t k = 0; k < p->cmds[i].n; k++) {
            const struct operand *o = &p->cmds[i].v[k];
            const char *f = o->kind == OP_FIELD  ? o->text
                            : o->kind == OP_PIPE ? first_field(o->sub)
                                                 : NULL;
            if (f)
                return f;
        }
    return NULL;
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
            /* the text between the fields stays, as podman's headings have it */
            appends(&out, x->text);
            continue;
        }
        name = first_field(x->p);
        name = name && name[1] ? name + 1 : "";
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
    /* one wide cell pads every row to its width: past this, left as it is */
    size_t limit = 8 * strlen(text) + (1u << 20);

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
                if (out.len > limit) {
                    free(out.s);
                    return xstrdup(text);
                }
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
