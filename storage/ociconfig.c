// SPDX-License-Identifier: Apache-2.0
/* Image configs, read and written whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "ociconfig.h"

#define MAX_CONFIG (4 << 20)

static char *
dup_str(yajl_val obj, const char *key)
{
    const char *s = json_get_str(obj, key);

    return s ? xstrdup(s) : NULL;
}

/* the keys of an object ({"80/tcp": {}}) */
static void
object_keys(yajl_val obj, char ***out)
{
    for (size_t i = 0; obj && YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++)
        strv_push(out, obj->u.object.keys[i]);
}

static char *
value_json(yajl_val v)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    if (json_gen_value(g, v) < 0)
        return NULL;
    return json_gen_take(g, NULL);
}

int
storage_oci_config_parse(const char *text, struct oci_config *out, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    yajl_val cfg, labels, hist, v;

    memset(out, 0, sizeof *out);
    if (root == NULL || !YAJL_IS_OBJECT(root))
        return pcon_fail(err, EINVAL, "image config: not a JSON object");
    out->created = dup_str(root, "created");
    out->architecture = dup_str(root, "architecture");
    out->os = dup_str(root, "os");
    out->variant = dup_str(root, "variant");
    out->os_version = dup_str(root, "os.version");
    out->author = dup_str(root, "author");
    if (json_get_strv(root, "os.features", &out->os_features, err) < 0
        || json_get_strv(json_get_obj(root, "rootfs"), "diff_ids", &out->diff_ids, err) < 0)
        goto fail;
    cfg = json_get_obj(root, "config");
    if (cfg) {
        if (json_get_strv(cfg, "Env", &out->env, err) < 0
            || json_get_strv(cfg, "Cmd", &out->cmd, err) < 0
            || json_get_strv(cfg, "Entrypoint", &out->entrypoint, err) < 0
            || json_get_strv(cfg, "Shell", &out->shell, err) < 0
            || json_get_strv(cfg, "OnBuild", &out->onbuild, err) < 0)
            goto fail;
        out->workdir = dup_str(cfg, "WorkingDir");
        out->user = dup_str(cfg, "User");
        out->stop_signal = dup_str(cfg, "StopSignal");
        labels = json_get_obj(cfg, "Labels");
        for (size_t i = 0; labels && YAJL_IS_OBJECT(labels) && i < labels->u.object.len; i++) {
            yajl_val lv = labels->u.object.values[i];
            strv_push_take(&out->labels, xasprintf("%s=%s", labels->u.object.keys[i],
                                                   YAJL_IS_STRING(lv) ? lv->u.string : ""));
        }
        object_keys(json_get_obj(cfg, "ExposedPorts"), &out->exposed);
        object_keys(json_get_obj(cfg, "Volumes"), &out->volumes);
        if ((v = json_get_obj(cfg, "Healthcheck")) != NULL)
            out->healthcheck = value_json(v);
    }
    hist = json_get_arr(root, "history");
    for (size_t i = 0; hist && i < hist->u.array.len; i++) {
        yajl_val h = hist->u.array.values[i];
        struct oci_history *e;
        if (!YAJL_IS_OBJECT(h))
            continue;
        out->history = xrealloc(out->history, (out->nhistory + 1) * sizeof *out->history);
        e = &out->history[out->nhistory++];
        memset(e, 0, sizeof *e);
        e->created = dup_str(h, "created");
        e->created_by = dup_str(h, "created_by");
        e->comment = dup_str(h, "comment");
        e->author = dup_str(h, "author");
        e->empty_layer = YAJL_IS_TRUE(json_get(h, "empty_layer"));
    }
    return 0;
fail:
    storage_oci_config_free(out);
    return pcon_prefix(err, "image config");
}

char *
storage_oci_config_text(struct store *st, const struct image *img, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", img->id);

    return fs_read_all(st->images_dfd, path, MAX_CONFIG, NULL, err);
}

int
storage_oci_config_load(struct store *st, const struct image *img, struct oci_config *out,
                        struct pcon_err *err)
{
    cleanup_free char *text = storage_oci_config_text(st, img, err);

    if (text == NULL)
        return -1;
    return storage_oci_config_parse(text, out, err);
}

static yajl_gen_status
gen_keys_object(yajl_gen g, const char *key, char *const *keys)
{
    JG(json_gen_str(g, key));
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; keys[i]; i++) {
        JG(json_gen_str(g, keys[i]));
        JG(yajl_gen_map_open(g));
        JG(yajl_gen_map_close(g));
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}

char *
storage_oci_config_json(const struct oci_config *c)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char *none[] = { NULL };

    JG(yajl_gen_map_open(g));
    if (c->created)
        JG(json_gen_kv_str(g, "created", c->created));
    if (c->author)
        JG(json_gen_kv_str(g, "author", c->author));
    JG(json_gen_kv_str(g, "architecture", c->architecture ? c->architecture : proc_host_arch()));
    JG(json_gen_kv_str(g, "os", c->os ? c->os : "linux"));
    if (c->variant && *c->variant)
        JG(json_gen_kv_str(g, "variant", c->variant));
    if (c->os_version && *c->os_version)
        JG(json_gen_kv_str(g, "os.version", c->os_version));
    if (c->os_features && c->os_features[0])
        JG(json_gen_kv_strv(g, "os.features", c->os_features));
    JG(json_gen_str(g, "config"));
    JG(yajl_gen_map_open(g));
    if (c->user && *c->user)
        JG(json_gen_kv_str(g, "User", c->user));
    if (c->exposed)
        JG(gen_keys_object(g, "ExposedPorts", c->exposed));
    if (c->env)
        JG(json_gen_kv_strv(g, "Env", c->env));
    if (c->entrypoint || c->entrypoint_null)
        JG(json_gen_kv_strv(g, "Entrypoint", c->entrypoint ? c->entrypoint : none));
    if (c->cmd || c->cmd_null)
        JG(json_gen_kv_strv(g, "Cmd", c->cmd ? c->cmd : none));
    if (c->volumes)
        JG(gen_keys_object(g, "Volumes", c->volumes));
    if (c->workdir && *c->workdir)
        JG(json_gen_kv_str(g, "WorkingDir", c->workdir));
    if (c->labels) {
        JG(json_gen_str(g, "Labels"));
        JG(yajl_gen_map_open(g));
        for (size_t i = 0; c->labels[i]; i++) {
            const char *eq = strchr(c->labels[i], '=');
            cleanup_free char *k =
                eq ? xstrndup(c->labels[i], (size_t) (eq - c->labels[i])) : xstrdup(c->labels[i]);
            JG(json_gen_kv_str(g, k, eq ? eq + 1 : ""));
        }
        JG(yajl_gen_map_close(g));
    }
    if (c->stop_signal && *c->stop_signal)
        JG(json_gen_kv_str(g, "StopSignal", c->stop_signal));
    if (c->shell)
        JG(json_gen_kv_strv(g, "Shell", c->shell));
    if (c->onbuild)
        JG(json_gen_kv_strv(g, "OnBuild", c->onbuild));
    if (c->healthcheck) {
        struct pcon_err e = { 0 };
        cleanup_yajl_val yajl_val hv = json_parse(c->healthcheck, &e);
        pcon_err_clear(&e);
        if (hv) {
            JG(json_gen_str(g, "Healthcheck"));
            if (json_gen_value(g, hv) < 0)
                goto fail;
        }
    }
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "rootfs"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "type", "layers"));
    JG(json_gen_kv_strv(g, "diff_ids", c->diff_ids ? c->diff_ids : none));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "history"));
    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < c->nhistory; i++) {
        const struct oci_history *h = &c->history[i];
        JG(yajl_gen_map_open(g));
        if (h->created)
            JG(json_gen_kv_str(g, "created", h->created));
        if (h->created_by)
            JG(json_gen_kv_str(g, "created_by", h->created_by));
        if (h->author)
            JG(json_gen_kv_str(g, "author", h->author));
        if (h->comment)
            JG(json_gen_kv_str(g, "comment", h->comment));
        if (h->empty_layer)
            JG(json_gen_kv_bool(g, "empty_layer", true));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

void
storage_oci_config_free(struct oci_config *c)
{
    free(c->created);
    free(c->architecture);
    free(c->os);
    free(c->variant);
    free(c->os_version);
    strv_free(c->os_features);
    free(c->author);
    strv_free(c->env);
    strv_free(c->cmd);
    strv_free(c->entrypoint);
    strv_free(c->shell);
    free(c->workdir);
    free(c->user);
    free(c->stop_signal);
    strv_free(c->labels);
    strv_free(c->exposed);
    strv_free(c->volumes);
    strv_free(c->onbuild);
    free(c->healthcheck);
    strv_free(c->diff_ids);
    for (size_t i = 0; i < c->nhistory; i++) {
        free(c->history[i].created);
        free(c->history[i].created_by);
        free(c->history[i].comment);
        free(c->history[i].author);
    }
    free(c->history);
    memset(c, 0, sizeof *c);
}

void
storage_oci_history_add(struct oci_config *c, const char *created, const char *created_by,
                        const char *comment, bool empty_layer)
{
    struct oci_history *h;

    c->history = xrealloc(c->history, (c->nhistory + 1) * sizeof *c->history);
    h = &c->history[c->nhistory++];
    memset(h, 0, sizeof *h);
    h->created = created ? xstrdup(created) : NULL;
    h->created_by = created_by ? xstrdup(created_by) : NULL;
    h->comment = comment ? xstrdup(comment) : NULL;
    h->empty_layer = empty_layer;
}

void
storage_oci_kv_set(char ***v, const char *key, const char *value)
{
    size_t kl = strlen(key);

    for (size_t i = 0; *v && (*v)[i]; i++)
        if (strncmp((*v)[i], key, kl) == 0 && (*v)[i][kl] == '=') {
            free((*v)[i]);
            (*v)[i] = xasprintf("%s=%s", key, value);
            return;
        }
    strv_push_take(v, xasprintf("%s=%s", key, value));
}
