// SPDX-License-Identifier: Apache-2.0
/* push: every blob the registry lacks (HEAD, then a monolithic upload:
 * POST for a session, PUT with the digest), then the manifest. The blobs
 * are the store's own (storage_blobs_get), so what is pushed is what
 * was pulled or loaded, byte for byte, when the store still holds it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../storage/image.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/reference.h"
#include "../storage/blobs.h"
#include "client.h"
#include "registry.h"

static void __attribute__((format(printf, 2, 3)))
progress(const struct registry_opts *o, const char *fmt, ...)
{
    va_list ap;

    if (o->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* an absolute URL for a Location header (registries send paths) */
static char *
location_url(struct registry_client *cl, const char *loc)
{
    if (strncmp(loc, "http://", 7) == 0 || strncmp(loc, "https://", 8) == 0)
        return xstrdup(loc);
    return xasprintf("%s%s%s", cl->origin, loc[0] == '/' ? "" : "/", loc);
}

static int
blob_exists(struct registry_client *cl, const char *digest, struct pcon_err *err)
{
    cleanup_free char *url = xasprintf("%s/blobs/%s", cl->base, digest);
    struct registry_response r = { .fd = -1 };
    long status = registry_request(cl, "HEAD", url, NULL, NULL, &r, err);

    registry_response_free(&r);
    if (status < 0)
        return -1;
    if (status == 200)
        return 1;
    if (status == 404)
        return 0;
    return pcon_fail(err, 0, "checking blob %s: HTTP %ld (%s)", digest, status,
                     registry_status_text(status));
}

/* one blob, from a buffer or an fd, unless the registry has it */
static int
blob_put(struct registry_client *cl, const char *digest, const struct registry_body *body,
         const char *what, struct pcon_err *err)
{
    cleanup_free char *url = NULL, *put = NULL;
    struct registry_response r = { .fd = -1 };
    int have = blob_exists(cl, digest, err);
    long status;

    if (have < 0)
        return -1;
    if (have) {
        progress(cl->o, "Copying %s %.12s skipped: already exists\n", what, digest + 7);
        return 0;
    }
    url = xasprintf("%s/blobs/uploads/", cl->base);
    status = registry_request(cl, "POST", url, NULL, NULL, &r, err);
    if (status != 202 || r.location == NULL) {
        registry_response_free(&r);
        return status < 0 ? -1
                          : pcon_fail(err, 0, "starting an upload: HTTP %ld (%s)", status,
                                      registry_status_text(status));
    }
    put = location_url(cl, r.location);
    registry_response_free(&r);
    free(url);
    url = xasprintf("%s%cdigest=%s", put, strchr(put, '?') ? '&' : '?', digest);
    if (registry_progress_shown(cl) && body->fd >= 0)
        r.progress = what;
    status = registry_request(cl, "PUT", url, NULL, body, &r, err);
    registry_response_free(&r);
    if (status != 201)
        return status < 0 ? -1
                          : pcon_fail(err, 0, "uploading blob %s: HTTP %ld (%s)", digest, status,
                                      registry_status_text(status));
    progress(cl->o, "Copying %s %.12s done\n", what, digest + 7);
    return 0;
}

/* deflates in to out as gzip, hashing and counting what is written */
static int
gzip_stream(int in, int out, struct digest_ctx *d, long long *written, struct pcon_err *err)
{
    cleanup_free unsigned char *ibuf = xmalloc(1 << 17), *obuf = xmalloc(1 << 17);
    z_stream z = { 0 };
    int flush = Z_NO_FLUSH, zr = Z_OK, r = -1;

    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return pcon_fail(err, ENOMEM, "start gzip");
    while (flush != Z_FINISH) {
        ssize_t n = read(in, ibuf, 1 << 17);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pcon_fail(err, errno, "read");
            goto out;
        }
        flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = ibuf;
        z.avail_in = (uInt) n;
        do {
            size_t have;
            z.next_out = obuf;
            z.avail_out = 1 << 17;
            zr = deflate(&z, flush);
            have = (1 << 17) - z.avail_out;
            if (fs_write_all(out, obuf, have) < 0) {
                pcon_fail(err, errno, "write");
                goto out;
            }
            digest_update(d, obuf, have);
            *written += (long long) have;
        } while (z.avail_out == 0);
    }
    r = zr == Z_STREAM_END ? 0 : pcon_fail(err, 0, "zlib error %d", zr);
out:
    deflateEnd(&z);
    return r;
}

/* gzips an uncompressed layer blob into dir/<i> (registries and their
 * clients expect compressed layers); li gets the new blob's record */
static int
layer_gzip(int in, int dir, size_t i, struct layer_info *li, struct pcon_err *err)
{
    cleanup_close int out = -1;
    struct digest_ctx *d;
    long long written = 0;
    char name[32], digest[72];
    int r;

    snprintf(name, sizeof name, "%zu", i);
    out = openat(dir, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0)
        return pcon_fail(err, errno, "compress layer %s", li->diff_id);
    d = digest_new();
    r = gzip_stream(in, out, d, &written, err);
    digest_final(d, digest);
    if (r < 0)
        return pcon_prefix(err, "compress layer %s", li->diff_id);
    memcpy(li->blob_digest, digest, 72);
    li->blob_size = written;
    li->compression = LAYER_GZIP;
    return steal_fd(&out);
}

/* the blobs to send, one fd per layer (uncompressed ones gzipped into
 * dir); b's manifest follows when a layer changed */
static int
layers_prepare(struct store *st, struct image_blobs *b, int dir, int *fds, struct pcon_err *err)
{
    bool changed = false;

    for (size_t i = 0; i < b->n; i++) {
        cleanup_close int fd = storage_layer_blob_open(st, b->layers[i].chain_id + 7, err);
        if (fd < 0)
            return -1;
        if (b->layers[i].compression == LAYER_TAR) {
            fds[i] = layer_gzip(fd, dir, i, &b->layers[i], err);
            if (fds[i] < 0)
                return -1;
            changed = true;
        } else {
            fds[i] = steal_fd(&fd);
        }
    }
    if (changed) {
        free(b->manifest);
        b->manifest = storage_image_manifest_for(b->config, b->layers, b->n, b->docker);
    }
    return 0;
}

static int
push_blobs(struct registry_client *cl, const struct image_blobs *b, const int *fds,
           struct pcon_err *err)
{
    char cdigest[72];

    for (size_t i = 0; i < b->n; i++) {
        struct registry_body body = { .fd = fds[i],
                                      .size = b->layers[i].blob_size,
                                      .content_type = "application/octet-stream" };
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = strcmp(b->layers[k].blob_digest, b->layers[i].blob_digest) == 0;
        if (!dup && blob_put(cl, b->layers[i].blob_digest, &body, "blob", err) < 0)
            return -1;
    }
    digest_buf(b->config, strlen(b->config), cdigest);
    return blob_put(cl, cdigest,
                    &(struct registry_body){ .buf = b->config,
                                             .len = strlen(b->config),
                                             .fd = -1,
                                             .content_type = "application/octet-stream" },
                    "config", err);
}

/* the manifest (of media type, its digest when reference is NULL) PUT */
static int
manifest_put(struct registry_client *cl, const char *reference, const char *manifest,
             const char *type, struct pcon_err *err)
{
    char digest[72];
    cleanup_free char *url = NULL;
    struct registry_response r = { .fd = -1 };
    long status;

    if (reference == NULL) {
        digest_buf(manifest, strlen(manifest), digest);
        reference = digest;
    }
    url = xasprintf("%s/manifests/%s", cl->base, reference);
    progress(cl->o, strcmp(type, MEDIA_DOCKER_LIST) == 0
                        ? "Writing manifest list to image destination\n"
                        : "Writing manifest to image destination\n");
    status = registry_request(
        cl, "PUT", url, NULL,
        &(struct registry_body){
            .buf = manifest, .len = strlen(manifest), .fd = -1, .content_type = type },
        &r, err);
    registry_response_free(&r);
    if (status != 201)
        return status < 0 ? -1
                          : pcon_fail(err, 0, "writing manifest: HTTP %ld (%s)", status,
                                      registry_status_text(status));
    return 0;
}

/* the manifest in the format asked for */
static void
manifest_format(struct image_blobs *b, enum registry_push_format f)
{
    if ((f == REGISTRY_PUSH_V2S2 && !b->docker) || (f == REGISTRY_PUSH_OCI && b->docker)) {
        b->docker = f == REGISTRY_PUSH_V2S2;
        free(b->manifest);
        b->manifest = storage_image_manifest_for(b->config, b->layers, b->n, b->docker);
    }
}

/* the image's blobs, then its manifest at ref's tag or digest (by_digest:
 * its own, untagged) */
static int
push_image(struct store *st, struct registry_client *cl, const struct image_ref *ref,
           bool by_digest, struct image_blobs *b, enum registry_push_format f, char *digest_out,
           struct pcon_err *err)
{
    cleanup_free char *tmp = NULL;
    cleanup_close int dir = -1;
    int *fds = xzalloc((b->n ? b->n : 1) * sizeof *fds);
    int r = -1;

    for (size_t i = 0; i < b->n; i++)
        fds[i] = -1;
    /* compressed layers go here: the next command removes it once we are gone */
    if ((dir = storage_tmpdir(st->layers_dfd, "push", &tmp, err)) < 0)
        goto out;
    if (layers_prepare(st, b, dir, fds, err) < 0)
        goto out;
    manifest_format(b, f);
    progress(cl->o, "Getting image source signatures\n");
    if (push_blobs(cl, b, fds, err) < 0
        || manifest_put(cl,
                        by_digest  ? NULL
                        : ref->tag ? ref->tag
                                   : ref->digest,
                        b->manifest, b->docker ? MEDIA_DOCKER_MANIFEST : MEDIA_OCI_MANIFEST, err)
               < 0)
        goto out;
    if (digest_out)
        digest_buf(b->manifest, strlen(b->manifest), digest_out);
    r = 0;
out:
    for (size_t i = 0; i < b->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    if (dir >= 0)
        (void) fs_rm_rf_at(st->layers_dfd, tmp, NULL); /* else the next cleanup */
    return r;
}

/* whether src names img by one of its names (else it is an id) */
static bool
src_is_name(const char *src, const struct image *img)
{
    struct image_ref ref = { 0 };
    cleanup_free char *canon = NULL;
    bool found = false;

    if (storage_ref_parse(src, "localhost", &ref, NULL) < 0)
        return false;
    canon = storage_ref_string(&ref);
    storage_ref_free(&ref);
    for (size_t i = 0; img->names && img->names[i] && !found; i++)
        found = strcmp(img->names[i], canon) == 0;
    return found;
}

int
registry_push(struct store *st, const char *src, const char *dest, enum registry_push_format f,
              const struct registry_opts *o, char *digest_out, struct pcon_err *err)
{
    cleanup_close int lock = -1;
    cleanup_free char *canon = NULL;
    struct image img = { 0 };
    struct image_blobs b = { 0 };
    struct image_ref ref = { 0 };
    struct registry_client cl = { 0 };
    int r = -1;

    if (dest && strncmp(dest, "docker://", 9) == 0)
        dest += 9;
    lock = storage_lock(st, false, err);
    if (lock < 0 || storage_image_lookup(st, src, &img, err) < 0)
        return -1;
    /* without a destination, the name the user gave (one of the image's
     * names), not the first of them; an id gives its first name */
    if (dest == NULL && src_is_name(src, &img))
        dest = src;
    if (dest == NULL && (dest = img.names ? img.names[0] : NULL) == NULL) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: the image has no name: give a destination",
                       src);
        goto out;
    }
    if (storage_ref_parse(dest, "docker.io", &ref, err) < 0)
        goto out;
    canon = storage_ref_string(&ref);
    if (strcmp(ref.registry, "localhost") == 0) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: name a registry to push to", canon);
        goto out;
    }
    if (storage_blobs_get(st, &img, false, &b, err) < 0
        || registry_client_open(&cl, ref.registry, ref.path, "pull,push", o, err) < 0
        || push_image(st, &cl, &ref, false, &b, f, digest_out, err) < 0)
        goto out;
    r = 0;
out:
    if (r < 0 && canon)
        pcon_prefix(err, "push %s", canon);
    registry_client_close(&cl);
    storage_blobs_free(&b);
    storage_image_free(&img);
    storage_ref_free(&ref);
    return r;
}

int
registry_push_instance(struct store *st, const char *src, const char *dest,
                       enum registry_push_format f, const struct registry_opts *o,
                       struct registry_pushed *out, struct pcon_err *err)
{
    cleanup_close int lock = -1;
    struct image img = { 0 };
    struct image_blobs b = { 0 };
    struct image_ref ref = { 0 };
    struct registry_client cl = { 0 };
    int r = -1;

    if (strncmp(dest, "docker://", 9) == 0)
        dest += 9;
    lock = storage_lock(st, false, err);
    if (lock < 0 || storage_image_lookup(st, src, &img, err) < 0)
        return -1;
    if (storage_ref_parse(dest, "docker.io", &ref, err) < 0
        || storage_blobs_get(st, &img, false, &b, err) < 0
        || registry_client_open(&cl, ref.registry, ref.path, "pull,push", o, err) < 0
        || push_image(st, &cl, &ref, true, &b, f, out->digest, err) < 0)
        goto out;
    out->size = (long long) strlen(b.manifest);
    out->docker = b.docker;
    r = 0;
out:
    if (r < 0)
        pcon_prefix(err, "push %.12s", img.id);
    registry_client_close(&cl);
    storage_blobs_free(&b);
    storage_image_free(&img);
    storage_ref_free(&ref);
    return r;
}

int
registry_push_list(const char *dest, const char *list, const struct registry_opts *o,
                   char *digest_out, struct pcon_err *err)
{
    struct image_ref ref = { 0 };
    struct registry_client cl = { 0 };
    int r = -1;

    if (strncmp(dest, "docker://", 9) == 0)
        dest += 9;
    if (storage_ref_parse(dest, "docker.io", &ref, err) < 0)
        return -1;
    if (registry_client_open(&cl, ref.registry, ref.path, "pull,push", o, err) < 0
        || manifest_put(&cl, ref.tag ? ref.tag : ref.digest, list, MEDIA_DOCKER_LIST, err) < 0)
        goto out;
    if (digest_out)
        digest_buf(list, strlen(list), digest_out);
    r = 0;
out:
    registry_client_close(&cl);
    storage_ref_free(&ref);
    return r;
}
