// SPDX-License-Identifier: Apache-2.0
/* Writing images out: the blobs an image is made of as the store holds
 * them (shared with push), and docker-archive and oci-archive tarballs.
 * A docker-archive wants each layer as its uncompressed tar (the DiffID);
 * an oci-archive takes the stored blobs as they are. */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/tarwrite.h"
#include "image.h"
#include "layer.h"
#include "reference.h"
#include "save.h"

char *
storage_save_name_for(const struct image *img, const char *arg)
{
    struct image_ref ref;
    cleanup_free char *canon = NULL;
    char *found = NULL;

    if (storage_ref_parse(arg, "localhost", &ref, NULL) < 0)
        return NULL;
    canon = storage_ref_string(&ref);
    for (size_t i = 0; img->names && img->names[i] && !found; i++)
        if (strcmp(img->names[i], canon) == 0)
            found = xstrdup(canon);
    for (size_t i = 0; ref.short_name && img->names && img->names[i] && !found; i++)
        if (storage_ref_short_matches(&ref, img->names[i]))
            found = xstrdup(img->names[i]);
    storage_ref_free(&ref);
    return found;
}

/* --- the tarball --- */

struct writer {
    struct tar_writer tar;
    char buf[1 << 17];
};

static int
add_text(struct writer *w, const char *path, const char *text, struct pcon_err *err)
{
    size_t len = strlen(text);

    if (tar_entry(&w->tar, path, (long long) len, err) < 0)
        return -1;
    return tar_data(&w->tar, text, len, err);
}

/* copies exactly size bytes from fd */
static int
add_fd(struct writer *w, const char *path, int fd, long long size, struct pcon_err *err)
{
    long long left = size;

    if (tar_entry(&w->tar, path, size, err) < 0)
        return -1;
    while (left > 0) {
        ssize_t n =
            read(fd, w->buf, left < (long long) sizeof w->buf ? (size_t) left : sizeof w->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return pcon_fail(err, errno, "read %s", path);
        if (n == 0)
            return pcon_fail(err, 0, "read %s: shorter than recorded", path);
        if (tar_data(&w->tar, w->buf, (size_t) n, err) < 0)
            return -1;
        left -= n;
    }
    return 0;
}

/* a layer's tar, decompressed from its blob: size bytes (its record) */
static int
add_layer_tar(struct writer *w, struct store *st, const struct layer_info *li, const char *path,
              struct pcon_err *err)
{
    cleanup_close int fd = storage_layer_blob_open(st, li->chain_id + 7, err);
    struct archive *raw = NULL;
    struct archive_entry *e;
    long long left = li->size;
    int r = -1;

    if (fd < 0)
        return -1;
    if (li->compression == LAYER_TAR)
        return add_fd(w, path, fd, li->size, err);
    if ((raw = archive_read_new()) == NULL)
        abort();
    archive_read_support_filter_all(raw);
    archive_read_support_format_raw(raw);
    if (archive_read_open_fd(raw, fd, 1 << 17) != ARCHIVE_OK
        || archive_read_next_header(raw, &e) != ARCHIVE_OK) {
        pcon_fail(err, archive_errno(raw), "read layer %s: %s", li->diff_id,
                  archive_error_string(raw));
        goto out;
    }
    if (tar_entry(&w->tar, path, li->size, err) < 0)
        goto out;
    for (;;) {
        la_ssize_t n = archive_read_data(raw, w->buf, sizeof w->buf);
        if (n < 0) {
            pcon_fail(err, archive_errno(raw), "read layer %s: %s", li->diff_id,
                      archive_error_string(raw));
            goto out;
        }
        if (n == 0 || n > left)
            break;
        if (tar_data(&w->tar, w->buf, (size_t) n, err) < 0)
            goto out;
        left -= n;
    }
    if (left != 0) {
        pcon_fail(err, 0, "layer %s: its blob does not decompress to %lld bytes", li->diff_id,
                  li->size);
        goto out;
    }
    r = 0;
out:
    archive_read_free(raw);
    return r;
}

/* --- docker-archive --- */

static int
docker_image(struct writer *w, struct store *st, const struct save_item *it, char ***done,
             yajl_gen manifest, struct pcon_err *err)
{
    struct image_blobs b;
    char cdigest[72];
    cleanup_free char *cfgpath = NULL;
    int r = -1;

    if (storage_blobs_get(st, it->img, false, &b, err) < 0)
        return -1;
    digest_buf(b.config, strlen(b.config), cdigest);
    cfgpath = xasprintf("%s.json", cdigest + 7);
    if (!strv_contains(*done, cfgpath)) {
        if (add_text(w, cfgpath, b.config, err) < 0)
            goto out;
        strv_push(done, cfgpath);
    }
    for (size_t i = 0; i < b.n; i++) {
        cleanup_free char *path = xasprintf("%s.tar", b.layers[i].diff_id + 7);
        if (strv_contains(*done, path))
            continue;
        if (add_layer_tar(w, st, &b.layers[i], path, err) < 0)
            goto out;
        strv_push(done, path);
    }
    JG(yajl_gen_map_open(manifest));
    JG(json_gen_kv_str(manifest, "Config", cfgpath));
    JG(json_gen_kv_strv(manifest, "RepoTags", it->names));
    JG(json_gen_str(manifest, "Layers"));
    JG(yajl_gen_array_open(manifest));
    for (size_t i = 0; i < b.n; i++) {
        cleanup_free char *path = xasprintf("%s.tar", b.layers[i].diff_id + 7);
        JG(json_gen_str(manifest, path));
    }
    JG(yajl_gen_array_close(manifest));
    JG(yajl_gen_map_close(manifest));
    r = 0;
out:
    storage_blobs_free(&b);
    return r;
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
write_docker(struct writer *w, struct store *st, const struct save_item *items, size_t n,
             struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_strv char **done = NULL;
    cleanup_free char *text = NULL;

    JG(yajl_gen_array_open(g));
    for (size_t i = 0; i < n; i++)
        if (docker_image(w, st, &items[i], &done, g, err) < 0)
            return -1;
    JG(yajl_gen_array_close(g));
    text = json_gen_take(g, NULL);
    return add_text(w, "manifest.json", text, err);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

/* --- oci-archive --- */

static int
write_oci(struct writer *w, struct store *st, const struct save_item *it, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_strv char **done = NULL;
    cleanup_free char *index = NULL, *cpath = NULL, *mpath = NULL;
    struct image_blobs b;
    char cdigest[72], mdigest[72];
    int r = -1;

    if (storage_blobs_get(st, it->img, true, &b, err) < 0)
        return -1;
    digest_buf(b.config, strlen(b.config), cdigest);
    digest_buf(b.manifest, strlen(b.manifest), mdigest);
    cpath = xasprintf("blobs/sha256/%s", cdigest + 7);
    mpath = xasprintf("blobs/sha256/%s", mdigest + 7);
    if (add_text(w, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err) < 0
        || add_text(w, cpath, b.config, err) < 0 || add_text(w, mpath, b.manifest, err) < 0)
        goto out;
    for (size_t i = 0; i < b.n; i++) {
        cleanup_free char *path = xasprintf("blobs/sha256/%s", b.layers[i].blob_digest + 7);
        cleanup_close int fd = -1;
        if (strv_contains(done, path))
            continue;
        fd = storage_layer_blob_open(st, b.layers[i].chain_id + 7, err);
        if (fd < 0 || add_fd(w, path, fd, b.layers[i].blob_size, err) < 0)
            goto out;
        strv_push(&done, path);
    }
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_int(g, "schemaVersion", 2));
    JG(json_gen_str(g, "manifests"));
    JG(yajl_gen_array_open(g));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "mediaType", MEDIA_OCI_MANIFEST));
    JG(json_gen_kv_str(g, "digest", mdigest));
    JG(json_gen_kv_int(g, "size", (long long) strlen(b.manifest)));
    if (it->names && it->names[0]) {
        JG(json_gen_str(g, "annotations"));
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "org.opencontainers.image.ref.name", it->names[0]));
        JG(yajl_gen_map_close(g));
    }
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_array_close(g));
    JG(yajl_gen_map_close(g));
    index = json_gen_take(g, NULL);
    r = add_text(w, "index.json", index, err);
out:
    storage_blobs_free(&b);
    return r;
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

int
storage_save_archive(struct store *st, const struct save_item *items, size_t n, bool oci, int fd,
                     struct pcon_err *err)
{
    cleanup_free struct writer *w = xzalloc(sizeof *w);
    int r;

    if (oci && n != 1)
        return pcon_fail(err, EINVAL, "an oci-archive holds one image");
    w->tar.fd = fd;
    r = oci ? write_oci(w, st, items, err) : write_docker(w, st, items, n, err);
    return r < 0 ? -1 : tar_finish(&w->tar, err);
}
