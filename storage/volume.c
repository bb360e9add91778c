// SPDX-License-Identifier: Apache-2.0
/* Named volumes in the graph root. */
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
#include "changes.h"
#include "events.h"
#include "layer.h"
#include "volume.h"

#define VOLUME_RECORD_MAX (1 << 20)

bool
storage_volume_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > 255)
        return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')
          || (name[0] >= '0' && name[0] <= '9')))
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static int
volumes_dir(struct store *st, struct pcon_err *err)
{
    int fd;

    if (mkdirat(st->root_dfd, "volumes", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create volumes directory");
    fd = openat(st->root_dfd, "volumes", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open volumes directory");
    return fd;
}

void
storage_volume_free(struct volume_rec *v)
{
    free(v->name);
    free(v->created);
    strv_free(v->labels);
    strv_free(v->options);
    memset(v, 0, sizeof *v);
}

void
storage_volume_list_free(struct volume_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        storage_volume_free(&v[i]);
    free(v);
}

char *
storage_volume_path(const struct store *st, const char *name)
{
    return xasprintf("%s/volumes/%s/_data", st->graphroot, name);
}

static char *
record_json(const struct volume_rec *v)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "name", v->name));
    JG(json_gen_kv_str(g, "created", v->created));
    JG(json_gen_kv_strv(g, "labels", v->labels ? v->labels : (char *[]){ NULL }));
    JG(json_gen_kv_strv(g, "options", v->options ? v->options : (char *[]){ NULL }));
    JG(json_gen_kv_bool(g, "needs_copy_up", v->needs_copy_up));
    if (v->anonymous)
        JG(json_gen_kv_bool(g, "anonymous", true));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
not_found(const char *name, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0,
                          "no volume with name \"%s\" found: no such volume", name);
}

int
storage_volume_load(struct store *st, const char *name, struct volume_rec *out,
                    struct pcon_err *err)
{
    cleanup_close int dfd = -1;
    cleanup_free char *path = NULL, *text = NULL;
    cleanup_yajl_val yajl_val root = NULL;
    const char *s;

    memset(out, 0, sizeof *out);
    if (!storage_volume_name_valid(name))
        return not_found(name, err);
    dfd = volumes_dir(st, err);
    if (dfd < 0)
        return -1;
    path = xasprintf("%s/volume.json", name);
    text = fs_read_all(dfd, path, VOLUME_RECORD_MAX, NULL, NULL);
    if (text == NULL)
        return not_found(name, err);
    root = json_parse(text, err);
    if (root == NULL || (s = json_get_str(root, "name")) == NULL || strcmp(s, name) != 0)
        return pcon_fail(err, EINVAL, "invalid record of volume %s", name);
    out->name = xstrdup(name);
    out->created = xstrdup((s = json_get_str(root, "created")) ? s : "");
    if (json_get_strv(root, "labels", &out->labels, err) < 0
        || json_get_strv(root, "options", &out->options, err) < 0) {
        storage_volume_free(out);
        return -1;
    }
    out->needs_copy_up = YAJL_IS_TRUE(json_get(root, "needs_copy_up"));
    out->anonymous = YAJL_IS_TRUE(json_get(root, "anonymous"));
    return 0;
}

int
storage_volume_create(struct store *st, const char *name, char *const *labels, char *const *options,
                      bool exists_ok, bool anonymous, struct volume_rec *out, struct pcon_err *err)
{
    cleanup_close int dfd = volumes_dir(st, err), vfd = -1;
    cleanup_free char *json = NULL, *tmp = NULL, *gen = NULL;
    char created[64];

    memset(out, 0, sizeof *out);
    if (dfd < 0)
        return -1;
    if (name == NULL) {
        unsigned char r[32];
        if (getrandom(r, sizeof r, 0) != (ssize_t) sizeof r)
            return pcon_fail(err, errno, "generate a volume name");
        gen = xzalloc(65);
        for (size_t i = 0; i < sizeof r; i++)
            snprintf(gen + 2 * i, 3, "%02x", r[i]);
        name = gen;
    }
    if (!storage_volume_name_valid(name))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "running volume create option: names must match"
                              " [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    out->name = xstrdup(name);
    out->created = xstrdup(created);
    out->labels = labels ? strv_dup((char **) labels) : NULL;
    out->options = options ? strv_dup((char **) options) : NULL;
    out->needs_copy_up = true;
    out->anonymous = anonymous;
    json = record_json(out);
    /* made whole under a temporary name, then renamed into place: a name
     * is either there with its record and content, or not at all */
    tmp = xasprintf(".tmp-%s-%d", name, getpid());
    (void) fs_rm_rf_at(dfd, tmp, NULL); /* a killed create's */
    if (mkdirat(dfd, tmp, 0700) < 0) {
        storage_volume_free(out);
        return pcon_fail(err, errno, "create volume %s", name);
    }
    vfd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (vfd < 0 || mkdirat(vfd, "_data", 0755) < 0
        || fs_write_atomic(vfd, "volume.json", json, strlen(json), 0600, true, err) < 0)
        goto fail;
    if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) < 0) {
        int e = errno;
        (void) fs_rm_rf_at(dfd, tmp, NULL);
        storage_volume_free(out);
        if (e == EEXIST && exists_ok)
            return storage_volume_load(st, name, out, err);
        if (e == EEXIST)
            return pcon_fail(err, 0, "volume with name %s already exists: volume already exists",
                             name);
        return pcon_fail(err, e, "create volume %s", name);
    }
    storage_event(st, "volume", "create", NULL, name, NULL, NULL);
    return 0;
fail:
    if (err->msg == NULL)
        pcon_fail(err, errno, "create volume %s", name);
    (void) fs_rm_rf_at(dfd, tmp, NULL);
    storage_volume_free(out);
    return -1;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct volume_rec *) a)->name, ((const struct volume_rec *) b)->name);
}

int
storage_volume_list(struct store *st, struct volume_rec **out, size_t *nout, struct pcon_err *err)
{
    cleanup_close int dfd = volumes_dir(st, err);
    cleanup_closedir DIR *d = NULL;
    struct volume_rec *v = NULL;
    struct dirent *de;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (dfd < 0)
        return -1;
    d = fs_opendir_at(dfd);
    if (d == NULL)
        return pcon_fail(err, errno, "list volumes");
    while ((de = readdir(d)) != NULL) {
        if (!storage_volume_name_valid(de->d_name))
            continue; /* ., .., and .tmp- ones being made */
        v = xrealloc(v, (n + 1) * sizeof *v);
        if (storage_volume_load(st, de->d_name, &v[n], NULL) == 0)
            n++;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_name);
    *out = v;
    *nout = n;
    return 0;
}

int
storage_volume_remove(struct store *st, const char *name, struct pcon_err *err)
{
    cleanup_close int dfd = volumes_dir(st, err);
    cleanup_free char *gone = NULL;

    if (dfd < 0)
        return -1;
    if (!storage_volume_name_valid(name))
        return not_found(name, err);
    /* renamed away first: the name is free at once, the content goes after */
    gone = xasprintf(".tmp-rm-%s-%d", name, getpid());
    if (renameat(dfd, name, dfd, gone) < 0)
        return errno == ENOENT ? not_found(name, err)
                               : pcon_fail(err, errno, "remove volume %s", name);
    storage_event(st, "volume", "remove", NULL, name, NULL, NULL);
    return fs_rm_rf_at(dfd, gone, err);
}

/* the volume's content directory, opened without following a link */
static int
content_open(struct store *st, const char *name, struct pcon_err *err)
{
    cleanup_free char *path = storage_volume_path(st, name);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return pcon_fail(err, errno, "open volume %s", name);
    return fd;
}

int
storage_volume_export(struct store *st, const char *name, int fd, struct pcon_err *err)
{
    cleanup_close int dfd = content_open(st, name, err);
    struct changes_tar_opts o = { NULL, -1, NULL };

    if (dfd < 0)
        return -1;
    return storage_changes_tar_dir(dfd, fd, &o, err) < 0
               ? pcon_prefix(err, "export volume %s", name)
               : 0;
}

int
storage_volume_import(struct store *st, const char *name, int fd, struct pcon_err *err)
{
    cleanup_close int dfd = content_open(st, name, err);
    long long size;

    if (dfd < 0)
        return -1;
    /* the layers' extraction: every path kept below the volume's root */
    return storage_layer_extract(dfd, fd, NULL, &size, err) < 0
               ? pcon_prefix(err, "import into volume %s", name)
               : 0;
}

int
storage_volume_filled(struct store *st, const char *name, struct pcon_err *err)
{
    struct volume_rec v;
    cleanup_close int dfd = -1, vfd = -1;
    cleanup_free char *json = NULL;
    int r;

    if (storage_volume_load(st, name, &v, err) < 0)
        return -1;
    v.needs_copy_up = false;
    json = record_json(&v);
    dfd = volumes_dir(st, err);
    vfd = dfd < 0 ? -1 : openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    r = vfd < 0 ? pcon_fail(err, errno, "open volume %s", name)
                : fs_write_atomic(vfd, "volume.json", json, strlen(json), 0600, true, err);
    storage_volume_free(&v);
    return r;
}
