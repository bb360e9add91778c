/* SPDX-License-Identifier: Apache-2.0 */
/* yajl helpers: typed getters that fail on missing or mistyped fields, and
 * a generator wrapper whose calls jump to one failure label. */
#ifndef PCON_LIB_JSON_H
#define PCON_LIB_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "err.h"

/* deeper documents are refused before they are parsed */
#define JSON_MAX_DEPTH 64

yajl_val json_parse(const char *text, struct pcon_err *err);

/* Lookups of one key in an object; NULL when absent or of another type. */
yajl_val json_get(yajl_val obj, const char *key);
/* An index of one object's keys for the many json_get calls on it of a
 * record read field by field (most of them for keys it lacks, each a scan
 * of all): from json_index_begin to its end, json_get on that object
 * hashes. obj must outlive the index; the cleanup ends it. */
struct json_index {
    yajl_val obj;
    struct json_index *prev;
    uint16_t slot[512]; /* a key's index + 1; 0: empty */
};
void json_index_begin(struct json_index *ix, yajl_val obj);
void json_index_end(struct json_index *ix);
#define cleanup_json_index __attribute__((cleanup(json_index_end)))
const char *json_get_str(yajl_val obj, const char *key);
yajl_val json_get_obj(yajl_val obj, const char *key);
yajl_val json_get_arr(yajl_val obj, const char *key);
bool json_get_int(yajl_val obj, const char *key, int64_t *out);
/* array of strings -> strv (NULL when absent; fails on a non-string item) */
int json_get_strv(yajl_val obj, const char *key, char ***out, struct pcon_err *err);
/* required string field */
int json_need_str(yajl_val obj, const char *key, const char **out, struct pcon_err *err);

static inline void
cleanup_yajl_val_fn(yajl_val *v)
{
    if (*v)
        yajl_tree_free(*v);
}
#define cleanup_yajl_val __attribute__((cleanup(cleanup_yajl_val_fn)))

static inline void
cleanup_yajl_gen_fn(yajl_gen *g)
{
    if (*g)
        yajl_gen_free(*g);
}
#define cleanup_yajl_gen __attribute__((cleanup(cleanup_yajl_gen_fn)))

yajl_gen json_gen_new(bool pretty);
yajl_gen_status json_gen_str(yajl_gen g, const char *s);
yajl_gen_status json_gen_kv_str(yajl_gen g, const char *k, const char *v);
yajl_gen_status json_gen_kv_int(yajl_gen g, const char *k, long long v);
yajl_gen_status json_gen_kv_bool(yajl_gen g, const char *k, bool v);
/* v NULL -> null */
yajl_gen_status json_gen_kv_strv(yajl_gen g, const char *k, char *const *v);
yajl_gen_status json_gen_strv(yajl_gen g, char *const *v);
/* writes a parsed value back out */
int json_gen_value(yajl_gen g, yajl_val v);
/* one object (a JSON text), pretty-printed */
char *json_pretty(const char *object, struct pcon_err *err);
/* the objects (JSON texts) as one pretty-printed array */
char *json_pretty_array(char **objects, struct pcon_err *err);
/* copies the generated text out */
char *json_gen_take(yajl_gen g, size_t *len);

/* in a function with a `fail:` label */
#define JG(call)                                                                                   \
    do {                                                                                           \
        if ((call) != yajl_gen_status_ok)                                                          \
            goto fail;                                                                             \
    } while (0)

#endif
