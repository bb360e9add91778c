// SPDX-License-Identifier: Apache-2.0
/* registries.conf, auth.json and certs.d. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/base64.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/toml.h"
#include "../storage/store.h"
#include "conf.h"

#define MAX_CONF (1 << 20)

/* --- registries.conf --- */

static int
conf_cb(void *opaque, const char *table, bool array_table, const char *key,
        const struct toml_value *v, struct pcon_err *err)
{
    struct registry_conf *rc = opaque;
    struct registry_conf_entry *e;

    if (key == NULL) { /* a table starts: [[registry]] is an entry; mirrors and others are not */
        if (array_table && strcmp(table, "registry") == 0) {
            rc->entries = xrealloc(rc->entries, (rc->n + 1) * sizeof *rc->entries);
            rc->entries[rc->n++] = (struct registry_conf_entry){ 0 };
        }
        return 0;
    }
    if (table[0] == '\0') {
        if (v->kind == TOML_ARRAY && strcmp(key, "unqualified-search-registries") == 0) {
            strv_free(rc->search);
            rc->search = strv_dup(v->arr);
        }
        return 0;
    }
    if (!array_table || strcmp(table, "registry") != 0 || rc->n == 0)
        return 0;
    e = &rc->entries[rc->n - 1];
    if ((strcmp(key, "insecure") == 0 || strcmp(key, "blocked") == 0) && v->kind != TOML_BOOL)
        return pcon_fail(err, EINVAL, "registries.conf: [[registry]] %s wants true or false", key);
    /* an empty prefix would match every name (and has no last byte) */
    if (v->kind == TOML_STRING && v->str[0] == '\0'
        && (strcmp(key, "prefix") == 0 || strcmp(key, "location") == 0))
        return pcon_fail(err, EINVAL, "registries.conf: [[registry]] %s is empty", key);
    if (v->kind == TOML_STRING
        && (strcmp(key, "prefix") == 0 || (strcmp(key, "location") == 0 && e->prefix == NULL))) {
        free(e->prefix);
        e->prefix = xstrdup(v->str);
    } else if (v->kind == TOML_BOOL && strcmp(key, "insecure") == 0) {
        e->insecure = v->b;
    } else if (v->kind == TOML_BOOL && strcmp(key, "blocked") == 0) {
        e->blocked = v->b;
    }
    return 0;
}

int
registry_conf_parse(const char *text, struct registry_conf *rc, struct pcon_err *err)
{
    memset(rc, 0, sizeof *rc);
    if (toml_parse(text, "registries.conf", conf_cb, rc, err) < 0)
        goto fail;
    for (size_t i = 0; i < rc->n; i++)
        if (rc->entries[i].prefix == NULL) {
            pcon_fail(err, EINVAL, "registries.conf: a [[registry]] without location or prefix");
            goto fail;
        }
    return 0;
fail:
    registry_conf_free(rc);
    return -1;
}

void
registry_conf_free(struct registry_conf *rc)
{
    for (size_t i = 0; i < rc->n; i++)
        free(rc->entries[i].prefix);
    free(rc->entries);
    strv_free(rc->search);
    memset(rc, 0, sizeof *rc);
}

/* the user's configuration file NAME, or the system's */
static char *
config_path(const char *env, const char *name)
{
    const char *v = getenv(env);
    char *p;

    if (v && *v)
        return xstrdup(v);
    p = storage_conf_user_path(name);
    if (access(p, F_OK) == 0)
        return p;
    free(p);
    return xasprintf("/etc/containers/%s", name);
}

int
registry_conf_load(struct registry_conf *rc, struct pcon_err *err)
{
    cleanup_free char *path = config_path("CONTAINERS_REGISTRIES_CONF", "registries.conf");
    cleanup_free char *text = fs_read_all(AT_FDCWD, path, MAX_CONF, NULL, err);

    memset(rc, 0, sizeof *rc);
    if (text == NULL) {
        if (err && err->errnum == ENOENT) {
            pcon_err_clear(err);
            return 0;
        }
        return pcon_prefix(err, "%s", path);
    }
    if (registry_conf_parse(text, rc, err) < 0)
        return pcon_prefix(err, "%s", path);
    return 0;
}

const struct registry_conf_entry *
registry_conf_find(const struct registry_conf *rc, const char *name)
{
    const struct registry_conf_entry *best = NULL;

    for (size_t i = 0; i < rc->n; i++) {
        const char *p = rc->entries[i].prefix;
        size_t n = strlen(p);
        if (n == 0 || strncmp(name, p, n) != 0
            || (name[n] != '\0' && name[n] != '/' && name[n] != ':' && name[n] != '@'
                && p[n - 1] != '/'))
            continue;
        if (best == NULL || n > strlen(best->prefix))
            best = &rc->entries[i];
    }
    return best;
}

/* --- auth.json --- */

char *
registry_conf_authfile_path(const char *authfile)
{
    const char *env = getenv("REGISTRY_AUTH_FILE"), *run = getenv("XDG_RUNTIME_DIR");

    if (authfile && *authfile)
        return xstrdup(authfile);
    if (env && *env)
        return xstrdup(env);
    if (run && *run)
        return xasprintf("%s/containers/auth.json", run);
    return xasprintf("/run/user/%u/containers/auth.json", (unsigned) getuid());
}

/* 1 with *out set when path holds credentials for host, 0 when it holds
 * none (or does not exist), -1 when it is unreadable as auth.json */
static int
auth_lookup(const char *path, const char *host, char **out, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, path, MAX_CONF, NULL, NULL);
    cleanup_yajl_val yajl_val v = NULL;
    const char *enc;
    char *dec;

    if (text == NULL)
        return 0;
    if ((v = json_parse(text, err)) == NULL)
        return pcon_prefix(err, "%s", path);
    enc = json_get_str(json_get_obj(json_get_obj(v, "auths"), host), "auth");
    if (enc == NULL)
        return 0;
    dec = base64_decode(enc, NULL);
    if (dec == NULL || strchr(dec, ':') == NULL) {
        free(dec);
        return pcon_fail(err, EINVAL, "%s: invalid credentials for %s", path, host);
    }
    *out = dec;
    return 1;
}

int
registry_conf_auth_get(const char *authfile, const char *host, char **out, struct pcon_err *err)
{
    cleanup_free char *path = registry_conf_authfile_path(authfile);
    const char *home = getenv("HOME");
    int r;

    *out = NULL;
    /* the auth file, then (unless one was named) podman's and docker's */
    if ((r = auth_lookup(path, host, out, err)) != 0 || authfile)
        return r;
    if (home) {
        cleanup_free char *user = xasprintf("%s/.config/containers/auth.json", home);
        cleanup_free char *docker = xasprintf("%s/.docker/config.json", home);
        if ((r = auth_lookup(user, host, out, err)) != 0)
            return r;
        return auth_lookup(docker, host, out, err);
    }
    return 0;
}

/* the auths object with host set (or removed); *found says if it was there */
static char *
auth_rewrite(yajl_val old, const char *host, const char *encoded, bool *found)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(true);
    yajl_val auths = json_get_obj(old, "auths");

    *found = false;
    JG(yajl_gen_map_open(g));
    JG(json_gen_str(g, "auths"));
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; auths && YAJL_IS_OBJECT(auths) && i < auths->u.object.len; i++) {
        const char *k = auths->u.object.keys[i];
        if (host == NULL || strcmp(k, host) == 0) {
            *found = true;
            continue;
        }
        JG(json_gen_str(g, k));
        if (json_gen_value(g, auths->u.object.values[i]) < 0)
            goto fail;
    }
    if (encoded) {
        JG(json_gen_str(g, host));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "auth", encoded));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

int
registry_conf_auth_set(const char *authfile, const char *host, const char *user,
                       const char *password, struct pcon_err *err)
{
    cleanup_free char *path = registry_conf_authfile_path(authfile);
    cleanup_free char *text = NULL, *encoded = NULL, *plain = NULL, *out = NULL, *dir = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    cleanup_close int dfd = -1;
    char *slash;
    bool found;

    text = fs_read_all(AT_FDCWD, path, MAX_CONF, NULL, NULL);
    if (text && (v = json_parse(text, err)) == NULL)
        return pcon_prefix(err, "%s", path);
    if (user) {
        plain = xasprintf("%s:%s", user, password);
        encoded = base64_encode(plain, strlen(plain));
    }
    out = auth_rewrite(v, host, encoded, &found);
    if (user == NULL && !found)
        return host ? pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "not logged into %s", host) : 0;
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return pcon_fail(err, EINVAL, "invalid auth file path \"%s\"", path);
    *slash = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create \"%s\"", dir);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", dir);
    return fs_write_atomic(dfd, slash + 1, out, strlen(out), 0600, true, err);
}

/* --- certs.d --- */

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static bool
certs_from(const char *dir, struct registry_certs *out)
{
    cleanup_closedir DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL)
        return false;
    while ((de = readdir(d)) != NULL) {
        if (ends_with(de->d_name, ".crt") && out->ca == NULL) {
            out->ca = xasprintf("%s/%s", dir, de->d_name);
        } else if (ends_with(de->d_name, ".cert") && out->cert == NULL) {
            cleanup_free char *key =
                xasprintf("%s/%.*s.key", dir, (int) strlen(de->d_name) - 5, de->d_name);
            if (access(key, R_OK) == 0) {
                out->cert = xasprintf("%s/%s", dir, de->d_name);
                out->key = steal_ptr(&key);
            }
        }
    }
    return true;
}

void
registry_conf_certs(const char *cert_dir, const char *host, struct registry_certs *out)
{
    cleanup_free char *sub = NULL, *user = NULL, *etc = NULL, *docker = NULL;

    memset(out, 0, sizeof *out);
    if (cert_dir) {
        certs_from(cert_dir, out);
        return;
    }
    sub = xasprintf("certs.d/%s", host);
    user = storage_conf_user_path(sub);
    etc = xasprintf("/etc/containers/certs.d/%s", host);
    docker = xasprintf("/etc/docker/certs.d/%s", host);
    /* the first directory that exists is the one */
    if (!certs_from(user, out) && !certs_from(etc, out))
        certs_from(docker, out);
}

void
registry_conf_certs_free(struct registry_certs *c)
{
    free(c->ca);
    free(c->cert);
    free(c->key);
    memset(c, 0, sizeof *c);
}
