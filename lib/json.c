// SPDX-License-Identifier: Apache-2.0
/* yajl helpers: parsing with typed getters, and generation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "cleanup.h"
#include "mem.h"

/* yajl's tree parser recurses once per level: a document of a few MB of
 * "[" would exhaust the stack. Nesting is counted before it sees it, the
 * brackets inside strings (and escaped quotes) not counted. */
static bool
json_depth_ok(const char *text)
{
    bool in_str = false;
    int depth = 0;

    for (const char *p = text; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_str = false;
        } else if (*p == '"') {
            in_str = true;
        } else if (*p == '[' || *p == '{') {
            if (++depth > JSON_MAX_DEPTH)
                return false;
        } else if (*p == ']' || *p == '}') {
            depth--;
        }
    }
    return true;
}

yajl_val
json_parse(const char *text, struct pcon_err *err)
{
    char ebuf[256];
    yajl_val v;

    if (!json_depth_ok(text)) {
        pcon_fail(err, EINVAL, "JSON document nested deeper than %d levels", JSON_MAX_DEPTH);
        return NULL;
    }
    v = yajl_tree_parse(text, ebuf, sizeof ebuf);
    if (v == NULL) {
        char *nl = strchr(ebuf, '\n');
        if (nl)
            *nl = '\0';
        pcon_fail(err, EINVAL, "parse JSON: %s", ebuf[0] ? ebuf : "invalid document");
    }
    return v;
}

static __thread struct json_index *json_indexes; /* the innermost first */

static uint32_t
key_hash(const char *k)
{
    uint32_t h = 2166136261u;

    for (; *k; k++)
        h = (h ^ (unsigned char) *k) * 16777619u;
    return h;
}

void
json_index_begin(struct json_index *ix, yajl_val obj)
{
    size_t mask = sizeof ix->slot / sizeof ix->slot[0] - 1;

    memset(ix->slot, 0, sizeof ix->slot);
    ix->obj = NULL;
    ix->prev = json_indexes;
    json_indexes = ix;
    /* (a half-full table at most: probes stay short) */
    if (obj == NULL || !YAJL_IS_OBJECT(obj) || obj->u.object.len > mask / 2)
        return;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        size_t h = key_hash(k) & mask;
        bool again = false; /* a name repeated: the first is the one, as a scan finds */
        while (ix->slot[h] && !again) {
            again = strcmp(obj->u.object.keys[ix->slot[h] - 1], k) == 0;
            h = again ? h : (h + 1) & mask;
        }
        if (!again)
            ix->slot[h] = (uint16_t) (i + 1);
    }
    ix->obj = obj;
}

void
json_index_end(struct json_index *ix)
{
    if (json_indexes == ix)
        json_indexes = ix->prev;
}

yajl_val
json_get(yajl_val obj, const char *key)
{
    if (obj == NULL || !YAJL_IS_OBJECT(obj))
        return NULL;
    for (struct json_index *ix = json_indexes; ix; ix = ix->prev) {
        size_t mask = sizeof ix->slot / sizeof ix->slot[0] - 1, h;
        if (ix->obj != obj)
            continue;
        for (h = key_hash(key) & mask; ix->slot[h]; h = (h + 1) & mask)
            if (strcmp(obj->u.object.keys[ix->slot[h] - 1], key) == 0)
                return obj->u.object.values[ix->slot[h] - 1];
        return NULL;
    }
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

const char *
json_get_str(yajl_val obj, const char *key)
{
    yajl_val v = json_get(obj, key);

    return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

yajl_val
json_get_obj(yajl_val obj, const char *key)
{
    yajl_val v = json_get(obj, key);

    return v && YAJL_IS_OBJECT(v) ? v : NULL;
}

yajl_val
json_get_arr(yajl_val obj, const char *key)
{
    yajl_val v = json_get(obj, key);

    return v && YAJL_IS_ARRAY(v) ? v : NULL;
}

bool
json_get_int(yajl_val obj, const char *key, int64_t *out)
{
    yajl_val v = json_get(obj, key);

    if (v == NULL || !YAJL_IS_INTEGER(v))
        return false;
    *out = YAJL_GET_INTEGER(v);
    return true;
}

int
json_get_strv(yajl_val obj, const char *key, char ***out, struct pcon_err *err)
{
    yajl_val v = json_get(obj, key);
    char **r;

    *out = NULL;
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return pcon_fail(err, EINVAL, "field \"%s\" is not an array", key);
    r = xzalloc((v->u.array.len + 1) * sizeof *r);
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val s = v->u.array.values[i];
        if (!YAJL_IS_STRING(s)) {
            strv_free(r);
            return pcon_fail(err, EINVAL, "field \"%s\" holds a non-string", key);
        }
        r[i] = xstrdup(YAJL_GET_STRING(s));
    }
    *out = r;
    return 0;
}

int
json_need_str(yajl_val obj, const char *key, const char **out, struct pcon_err *err)
{
    *out = json_get_str(obj, key);
    if (*out == NULL)
        return pcon_fail(err, EINVAL, "missing string field \"%s\"", key);
    return 0;
}

yajl_gen
json_gen_new(bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);

    if (g == NULL)
        abort();
    if (pretty) {
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_indent_string, "    ");
    }
    return g;
}

yajl_gen_status
json_gen_str(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

yajl_gen_status
json_gen_kv_str(yajl_gen g, const char *k, const char *v)
{
    yajl_gen_status s = json_gen_str(g, k);

    if (s != yajl_gen_status_ok)
        return s;
    return v ? json_gen_str(g, v) : yajl_gen_null(g);
}

yajl_gen_status
json_gen_kv_int(yajl_gen g, const char *k, long long v)
{
    yajl_gen_status s = json_gen_str(g, k);

    return s != yajl_gen_status_ok ? s : yajl_gen_integer(g, v);
}

yajl_gen_status
json_gen_kv_bool(yajl_gen g, const char *k, bool v)
{
    yajl_gen_status s = json_gen_str(g, k);

    return s != yajl_gen_status_ok ? s : yajl_gen_bool(g, v);
}

yajl_gen_status
json_gen_strv(yajl_gen g, char *const *v)
{
    yajl_gen_status s = yajl_gen_array_open(g);

    for (size_t i = 0; s == yajl_gen_status_ok && v && v[i]; i++)
        s = json_gen_str(g, v[i]);
    return s != yajl_gen_status_ok ? s : yajl_gen_array_close(g);
}

yajl_gen_status
json_gen_kv_strv(yajl_gen g, const char *k, char *const *v)
{
    yajl_gen_status s = json_gen_str(g, k);

    if (s != yajl_gen_status_ok)
        return s;
    return v ? json_gen_strv(g, v) : yajl_gen_null(g);
}

char *
json_gen_take(yajl_gen g, size_t *len)
{
    const unsigned char *buf;
    size_t n;
    char *r;

    yajl_gen_get_buf(g, &buf, &n);
    r = xmalloc(n + 1);
    memcpy(r, buf, n);
    r[n] = '\0';
    if (len)
        *len = n;
    return r;
}

int
json_gen_value(yajl_gen g, yajl_val v)
{
    yajl_gen_status s = yajl_gen_status_ok;

    if (v == NULL || YAJL_IS_NULL(v))
        s = yajl_gen_null(g);
    else if (YAJL_IS_STRING(v))
        s = json_gen_str(g, YAJL_GET_STRING(v));
    else if (YAJL_IS_NUMBER(v))
        s = yajl_gen_number(g, YAJL_GET_NUMBER(v), strlen(YAJL_GET_NUMBER(v)));
    else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
        s = yajl_gen_bool(g, YAJL_IS_TRUE(v));
    else if (YAJL_IS_ARRAY(v)) {
        s = yajl_gen_array_open(g);
        for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.array.len; i++)
            s = json_gen_value(g, v->u.array.values[i]) < 0 ? yajl_gen_generation_complete
                                                            : yajl_gen_status_ok;
        if (s == yajl_gen_status_ok)
            s = yajl_gen_array_close(g);
    } else {
        s = yajl_gen_map_open(g);
        for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.object.len; i++) {
            s = json_gen_str(g, v->u.object.keys[i]);
            if (s == yajl_gen_status_ok && json_gen_value(g, v->u.object.values[i]) < 0)
                s = yajl_gen_generation_complete;
        }
        if (s == yajl_gen_status_ok)
            s = yajl_gen_map_close(g);
    }
    return s == yajl_gen_status_ok ? 0 : -1;
}

/* yajl's "[\n\n    ]" and "{\n\n    }" as podman (Go) prints them, "[]"
 * and "{}", in place: a raw newline is never inside a string */
static char *
empty_compact(char *s)
{
    char *o = s;

    for (const char *c = s; *c;) {
        if ((*c == '[' || *c == '{') && c[1] == '\n') {
            const char *e = c + 1;
            char close = *c == '[' ? ']' : '}';
            while (*e == '\n' || *e == ' ')
                e++;
            if (*e == close) {
                *o++ = *c;
                *o++ = close;
                c = e + 1;
                continue;
            }
        }
        *o++ = *c++;
    }
    *o = '\0';
    return s;
}

char *
json_pretty(const char *object, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(true);
    cleanup_yajl_val yajl_val v = json_parse(object, err);

    if (v == NULL)
        return NULL;
    yajl_gen_config(g, yajl_gen_escape_solidus, 0);
    if (json_gen_value(g, v) < 0) {
        pcon_fail(err, EINVAL, "generate JSON");
        return NULL;
    }
    return empty_compact(json_gen_take(g, NULL));
}

char *
json_pretty_array(char **objects, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(true);

    yajl_gen_config(g, yajl_gen_escape_solidus, 0);
    if (yajl_gen_array_open(g) != yajl_gen_status_ok)
        goto fail;
    for (size_t i = 0; objects && objects[i]; i++) {
        cleanup_yajl_val yajl_val v = json_parse(objects[i], err);
        if (v == NULL)
            return NULL;
        if (json_gen_value(g, v) < 0)
            goto fail;
    }
    if (yajl_gen_array_close(g) != yajl_gen_status_ok)
        goto fail;
    return empty_compact(json_gen_take(g, NULL));
fail:
    pcon_fail(err, EINVAL, "generate JSON");
    return NULL;
}
