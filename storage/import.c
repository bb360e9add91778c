// SPDX-License-Identifier: Apache-2.0
/* pcon import: the layer, a config from --change, the image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "gc.h"
#include "image.h"
#include "import.h"
#include "layer.h"
#include "lock.h"
#include "reference.h"
static void
rfc3339_now(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    size_t l;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    l = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + l, n - l, ".%09ldZ", ts.tv_nsec);
}

/* A Dockerfile-like --change: CMD, ENTRYPOINT (JSON array or shell
 * form), ENV, LABEL, EXPOSE, VOLUME, WORKDIR, USER, STOPSIGNAL. */
struct change_set {
    char **env, **cmd, **entrypoint, **labels, **ports, **volumes;
    const char *workdir, *user, *stop_signal;
};

static int
parse_exec_form(const char *v, char ***out, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val arr = NULL;
    yajl_val holder;
    cleanup_free char *wrapped = NULL;

    strv_free(*out);
    *out = NULL;
    while (*v == ' ')
        v++;
    if (*v != '[') {
        strv_push(out, "/bin/sh");
        strv_push(out, "-c");
        strv_push(out, v);
        return 0;
    }
    wrapped = xasprintf("{\"v\":%s}", v);
    holder = arr = json_parse(wrapped, err);
    if (arr == NULL || json_get_strv(holder, "v", out, err) < 0)
        return pcon_prefix(err, "invalid change \"%s\"", v);
    return 0;
}

/* "K=V" or "K V" (ENV, LABEL) as "K=V" */
static char *
key_value(const char *s)
{
    char *kv = xstrdup(s), *sp = strchr(kv, ' ');

    if (strchr(kv, '=') == NULL && sp)
        *sp = '=';
    return kv;
}

/* words, or a JSON array (VOLUME, EXPOSE) */
static int
parse_list(const char *v, char ***out, struct pcon_err *err)
{
    cleanup_free char *copy = NULL;
    char *save = NULL;

    while (*v == ' ')
        v++;
    if (*v == '[') {
        cleanup_strv char **arr = NULL;
        if (parse_exec_form(v, &arr, err) < 0)
            return -1;
        for (size_t i = 0; arr[i]; i++)
            strv_push(out, arr[i]);
        return 0;
    }
    copy = xstrdup(v);
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        strv_push(out, w);
    return 0;
}

static int
parse_changes(char **changes, struct change_set *cs, struct pcon_err *err)
{
    for (size_t i = 0; changes && changes[i]; i++) {
        char *c = changes[i];
        char *sep = c + strcspn(c, "= ");
        size_t klen = (size_t) (sep - c);

        if (*sep == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid change \"%s\"", c);
        sep++;
        if (klen == 3 && strncasecmp(c, "CMD", 3) == 0) {
            if (parse_exec_form(sep, &cs->cmd, err) < 0)
                return -1;
        } else if (klen == 10 && strncasecmp(c, "ENTRYPOINT", 10) == 0) {
            if (parse_exec_form(sep, &cs->entrypoint, err) < 0)
                return -1;
        } else if (klen == 3 && strncasecmp(c, "ENV", 3) == 0) {
            strv_push_take(&cs->env, key_value(sep));
        } else if (klen == 5 && strncasecmp(c, "LABEL", 5) == 0) {
            strv_push_take(&cs->labels, key_value(sep));
        } else if (klen == 6 && strncasecmp(c, "EXPOSE", 6) == 0) {
            if (parse_list(sep, &cs->ports, err) < 0)
                return -1;
        } else if (klen == 6 && strncasecmp(c, "VOLUME", 6) == 0) {
            if (parse_list(sep, &cs->volumes, err) < 0)
                return -1;
        } else if (klen == 10 && strncasecmp(c, "STOPSIGNAL", 10) == 0) {
            cs->stop_signal = sep;
        } else if (klen == 7 && strncasecmp(c, "WORKDIR", 7) == 0) {
            cs->workdir = sep;
        } else if (klen == 4 && strncasecmp(c, "USER", 4) == 0) {
            cs->user = sep;
        } else {
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid change \"%s\": unsupported"
                                  " instruction",
                                  c);
        }
    }
    return 0;
}

static char *
import_config(const struct layer_info *li, const char *created, const struct change_set *cs,
              const struct image_import_opts *o)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char *const default_env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL
    };

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "created", created));
    JG(json_gen_kv_str(g, "architecture", o->arch ? o->arch : proc_host_arch()));
    JG(json_gen_kv_str(g, "os", o->os ? o->os : "linux"));
    if (o->variant)
        JG(json_gen_kv_str(g, "variant", o->variant));
    JG(json_gen_str(g, "config"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_strv(g, "Env", cs->env ? cs->env : default_env));
    if (cs->entrypoint)
        JG(json_gen_kv_strv(g, "Entrypoint", cs->entrypoint));
    if (cs->cmd)
        JG(json_gen_kv_strv(g, "Cmd", cs->cmd));
    if (cs->workdir)
        JG(json_gen_kv_str(g, "WorkingDir", cs->workdir));
    if (cs->user)
        JG(json_gen_kv_str(g, "User", cs->user));
    if (cs->stop_signal)
        JG(json_gen_kv_str(g, "StopSignal", cs->stop_signal));
    if (cs->labels) {
        JG(json_gen_str(g, "Labels"));
        JG(yajl_gen_map_open(g));
        for (size_t i = 0; cs->labels[i]; i++) {
            char *eq = strchr(cs->labels[i], '=');
            cleanup_free char *k = eq ? xstrndup(cs->labels[i], (size_t) (eq - cs->labels[i]))
                                      : xstrdup(cs->labels[i]);
            JG(json_gen_kv_str(g, k, eq ? eq + 1 : ""));
        }
        JG(yajl_gen_map_close(g));
    }
    for (int set = 0; set < 2; set++) {
        char **v = set ? cs->volumes : cs->ports;
        if (v == NULL)
            continue;
        JG(json_gen_str(g, set ? "Volumes" : "ExposedPorts"));
        JG(yajl_gen_map_open(g));
        for (size_t i = 0; v[i]; i++) {
            cleanup_free char *key =
                !set && strchr(v[i], '/') == NULL ? xasprintf("%s/tcp", v[i]) : xstrdup(v[i]);
            JG(json_gen_str(g, key));
            JG(yajl_gen_map_open(g));
            JG(yajl_gen_map_close(g));
        }
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "rootfs"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "type", "layers"));
    JG(json_gen_kv_strv(g, "diff_ids", (char *[]){ (char *) li->diff_id, NULL }));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "history"));
    JG(yajl_gen_array_open(g));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "created", created));
    JG(json_gen_kv_str(g, "created_by", "pcon import"));
    if (o->message)
        JG(json_gen_kv_str(g, "comment", o->message));
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

int
storage_import(struct store *st, int fd, const struct image_import_opts *opts, char id_out[65],
               struct pcon_err *err)
{
    cleanup_close int lock = -1;
    cleanup_free char *canon = NULL, *config = NULL, *manifest = NULL;
    struct change_set cs = { 0 };
    struct layer_info li;
    struct image img = { 0 };
    struct image_ref ref;
    char created[64], cdigest[72];
    int ret = -1;

    if (opts->name) {
        if (storage_ref_parse(opts->name, "localhost", &ref, err) < 0)
            return -1;
        canon = storage_ref_string(&ref);
        storage_ref_free(&ref);
    }
    if (parse_changes(opts->changes, &cs, err) < 0)
        goto out;
    lock = storage_lock(st, true, err);
    if (lock < 0 || storage_store_begin(st, err) < 0)
        goto out;
    if (storage_layer_create(st, &(struct layer_src){ .fd = fd }, NULL, &li, err) < 0)
        goto out;
    rfc3339_now(created, sizeof created);
    config = import_config(&li, created, &cs, opts);
    digest_buf(config, strlen(config), cdigest);
    manifest = storage_image_manifest_for(config, &li, 1, false);
    memcpy(img.id, cdigest + 7, 65);
    strv_push(&img.layers, li.chain_id + 7);
    img.created = xstrdup(created);
    if (canon)
        strv_push(&img.names, canon);
    if (storage_image_commit(st, &img, config, manifest, err) < 0)
        goto out;
    memcpy(id_out, img.id, 65);
    ret = 0;
out:
    if (lock >= 0) {
        if (ret < 0)
            (void) storage_gc_layers(st, NULL); /* its layer, unless shared */
        storage_store_end(st);
    }
    storage_image_free(&img);
    strv_free(cs.env);
    strv_free(cs.cmd);
    strv_free(cs.entrypoint);
    strv_free(cs.labels);
    strv_free(cs.ports);
    strv_free(cs.volumes);
    return ret;
}
