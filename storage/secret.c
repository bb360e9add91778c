// SPDX-License-Identifier: Apache-2.0
/* Secrets in the graph root (podman's file driver, pcon's layout). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "secret.h"

#define SECRET_RECORD_MAX (1 << 20)

bool
storage_secret_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 253)
        return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')
          || (name[0] >= '0' && name[0] <= '9')))
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int
secrets_dir(struct store *st, struct pcon_err *err)
{
    int fd;

    if (mkdirat(st->root_dfd, "secrets", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create secrets directory");
    fd = openat(st->root_dfd, "secrets", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open secrets directory");
    return fd;
}

static int
not_found(const char *name, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                          "no secret with name or id \"%s\": no such secret", name);
}

void
storage_secret_free(struct secret_rec *s)
{
    free(s->name);
    free(s->created);
    free(s->updated);
    strv_free(s->labels);
    memset(s, 0, sizeof *s);
}

void
storage_secret_list_free(struct secret_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        storage_secret_free(&v[i]);
    free(v);
}

static char *
record_json(const struct secret_rec *s)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "id", s->id));
    JG(json_gen_kv_str(g, "name", s->name));
    JG(json_gen_kv_str(g, "created", s->created));
    JG(json_gen_kv_str(g, "updated", s->updated));
    JG(json_gen_kv_strv(g, "labels", s->labels ? s->labels : (char *[]){ NULL }));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

/* the record in directory name of dfd */
static int
load_name(int dfd, const char *name, struct secret_rec *out, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/secret.json", name), *text = NULL;
    cleanup_yajl_val yajl_val root = NULL;
    const char *s, *id;

    memset(out, 0, sizeof *out);
    text = fs_read_all(dfd, path, SECRET_RECORD_MAX, NULL, NULL);
    if (text == NULL)
        return not_found(name, err);
    root = json_parse(text, err);
    if (root == NULL || (s = json_get_str(root, "name")) == NULL || strcmp(s, name) != 0
        || (id = json_get_str(root, "id")) == NULL || strlen(id) != 25
        || strspn(id, "0123456789abcdef") != 25)
        return pcon_fail(err, EINVAL, "invalid record of secret %s", name);
    memcpy(out->id, id, 26);
    out->name = xstrdup(name);
    out->created = xstrdup((s = json_get_str(root, "created")) ? s : "");
    out->updated = xstrdup((s = json_get_str(root, "updated")) ? s : out->created);
    if (json_get_strv(root, "labels", &out->labels, err) < 0) {
        storage_secret_free(out);
        return -1;
    }
    return 0;
}

int
storage_secret_create(struct store *st, const char *name, const void *data, size_t len,
                      char *const *labels, struct secret_rec *out, struct pcon_err *err)
{
    cleanup_close int dfd = -1, sfd = -1;
    cleanup_free char *json = NULL, *tmp = NULL;
    unsigned char r[13];
    char now[64];

    memset(out, 0, sizeof *out);
    if (!storage_secret_name_valid(name))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "secret name \"%s\" must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most"
                              " 253 characters): invalid argument",
                              name);
    if (len == 0 || len >= SECRET_DATA_MAX)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "secret data must be larger than 0 and less than %d bytes",
                              SECRET_DATA_MAX);
    dfd = secrets_dir(st, err);
    if (dfd < 0)
        return -1;
    if (getrandom(r, sizeof r, 0) != (ssize_t) sizeof r)
        return pcon_fail(err, errno, "generate a secret id");
    {
        char hex[2 * sizeof r + 1];
        for (size_t i = 0; i < sizeof r; i++)
            snprintf(hex + 2 * i, 3, "%02x", r[i]);
        memcpy(out->id, hex, 25); /* 25 of the 26 digits */
        out->id[25] = '\0';
    }
    time_format_rfc3339(time_now_ns(), now, sizeof now);
    out->name = xstrdup(name);
    out->created = xstrdup(now);
    out->updated = xstrdup(now);
    out->labels = labels ? strv_dup((char **) labels) : NULL;
    json = record_json(out);
    tmp = xasprintf(".tmp-%s-%d", name, getpid());
    (void) fs_rm_rf_at(dfd, tmp, NULL); /* a killed create's */
    if (mkdirat(dfd, tmp, 0700) < 0) {
        storage_secret_free(out);
        return pcon_fail(err, errno, "create secret %s", name);
    }
    sfd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (sfd < 0 || fs_write_atomic(sfd, "data", data, len, 0600, true, err) < 0
        || fs_write_atomic(sfd, "secret.json", json, strlen(json), 0600, true, err) < 0)
        goto fail;
    if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) < 0) {
        int e = errno;
        (void) fs_rm_rf_at(dfd, tmp, NULL);
        storage_secret_free(out);
        if (e == EEXIST)
            return pcon_fail(err, 0, "%s: secret name in use", name);
        return pcon_fail(err, e, "create secret %s", name);
    }
    return 0;
fail:
    if (err->msg == NULL)
        pcon_fail(err, errno, "create secret %s", name);
    (void) fs_rm_rf_at(dfd, tmp, NULL);
    storage_secret_free(out);
    return -1;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct secret_rec *) a)->name, ((const struct secret_rec *) b)->name);
}

int
storage_secret_list(struct store *st, struct secret_rec **out, size_t *nout, struct pcon_err *err)
{
    cleanup_close int dfd = secrets_dir(st, err);
    cleanup_closedir DIR *d = NULL;
    struct secret_rec *v = NULL;
    struct dirent *de;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (dfd < 0)
        return -1;
    d = fs_opendir_at(dfd);
    if (d == NULL)
        return pcon_fail(err, errno, "list secrets");
    while ((de = readdir(d)) != NULL) {
        if (!storage_secret_name_valid(de->d_name))
            continue; /* ., .., and .tmp- ones being made or removed */
        v = xrealloc(v, (n + 1) * sizeof *v);
        if (load_name(dfd, de->d_name, &v[n], NULL) == 0)
            n++;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_name);
    *out = v;
    *nout = n;
    return 0;
}

int
storage_secret_lookup(struct store *st, const char *key, struct secret_rec *out,
                      struct pcon_err *err)
{
    struct secret_rec *v = NULL;
    size_t n = 0, hits = 0, hit = 0, kl = strlen(key);

    memset(out, 0, sizeof *out);
    if (storage_secret_name_valid(key)) {
        cleanup_close int dfd = secrets_dir(st, err);
        if (dfd < 0)
            return -1;
        if (load_name(dfd, key, out, NULL) == 0)
            return 0;
    }
    if (kl == 0 || kl > 25 || strspn(key, "0123456789abcdef") != kl)
        return not_found(key, err);
    if (storage_secret_list(st, &v, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strncmp(v[i].id, key, kl) == 0) {
            hits++;
            hit = i;
        }
    if (hits == 1) {
        *out = v[hit];
        memset(&v[hit], 0, sizeof v[hit]);
    }
    storage_secret_list_free(v, n);
    if (hits > 1)
        return pcon_fail(err, 0, "more than one secret with id prefix \"%s\"", key);
    return hits == 1 ? 0 : not_found(key, err);
}

char *
storage_secret_data(struct store *st, const struct secret_rec *s, size_t *len, struct pcon_err *err)
{
    cleanup_close int dfd = secrets_dir(st, err), sfd = -1;
    char *data;

    if (dfd < 0)
        return NULL;
    sfd = openat(dfd, s->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (sfd < 0) {
        not_found(s->name, err);
        return NULL;
    }
    data = fs_read_all(sfd, "data", SECRET_DATA_MAX, len, err);
    if (data == NULL)
        pcon_prefix(err, "secret %s", s->name);
    return data;
}

int
storage_secret_remove(struct store *st, const struct secret_rec *s, struct pcon_err *err)
{
    cleanup_close int dfd = secrets_dir(st, err);
    cleanup_free char *gone = NULL;

    if (dfd < 0)
        return -1;
    /* renamed away first: the name is free at once, the data goes after */
    gone = xasprintf(".tmp-rm-%s-%d", s->name, getpid());
    if (renameat(dfd, s->name, dfd, gone) < 0)
        return errno == ENOENT ? not_found(s->name, err)
                               : pcon_fail(err, errno, "remove secret %s", s->name);
    return fs_rm_rf_at(dfd, gone, err);
}
