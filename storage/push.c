// SPDX-License-Identifier: Apache-2.0
/* push: every blob the registry lacks (HEAD, then a monolithic upload:
 * POST for a session, PUT with the digest), then the manifest. The blobs
 * are the store's own (storage_image_blobs), so what is pushed is what
 * was pulled or loaded, byte for byte, when the store still holds it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/json.h"
#include "image.h"
#include "layer.h"
#include "reference.h"
#include "regclient.h"
#include "registry.h"
#include "save.h"

static void
progress(const struct reg_opts *o, const char *fmt, const char *digest, const char *state)
{
    if (!o->quiet)
        fprintf(stderr, fmt, digest + 7, state);
}

/* an absolute URL for a Location header (registries send paths) */
static char *
location_url(struct reg_client *cl, const char *loc)
{
    if (strncmp(loc, "http://", 7) == 0 || strncmp(loc, "https://", 8) == 0)
        return xstrdup(loc);
    return xasprintf("%s%s%s", cl->origin, loc[0] == '/' ? "" : "/", loc);
}

static int
blob_exists(struct reg_client *cl, const char *digest, struct pcon_err *err)
{
    cleanup_free char *url = xasprintf("%s/blobs/%s", cl->base, digest);
    struct reg_response r = { .fd = -1 };
    long status = reg_request(cl, "HEAD", url, NULL, NULL, &r, err);

    reg_response_free(&r);
    if (status < 0)
        return -1;
    if (status == 200)
        return 1;
    if (status == 404)
        return 0;
    return pcon_fail(err, 0, "checking blob %s: HTTP %ld (%s)", digest, status,
                     reg_status_text(status));
}

/* one blob, from a buffer or an fd, unless the registry has it */
static int
blob_put(struct reg_client *cl, const char *digest, const struct reg_body *body, const char *what,
         struct pcon_err *err)
{
    cleanup_free char *url = NULL, *put = NULL;
    struct reg_response r = { .fd = -1 };
    int have = blob_exists(cl, digest, err);
    long status;

    if (have < 0)
        return -1;
    if (have) {
        progress(cl->o, "Copying %s %.12s skipped: already exists\n", what, digest);
        return 0;
    }
    url = xasprintf("%s/blobs/uploads/", cl->base);
    status = reg_request(cl, "POST", url, NULL, NULL, &r, err);
    if (status != 202 || r.location == NULL) {
        reg_response_free(&r);
        return status < 0 ? -1
                          : pcon_fail(err, 0, "starting an upload: HTTP %ld (%s)", status,
                                      reg_status_text(status));
    }
    put = location_url(cl, r.location);
    reg_response_free(&r);
    free(url);
    url = xasprintf("%s%cdigest=%s", put, strchr(put, '?') ? '&' : '?', digest);
    if (!cl->o->quiet && isatty(2) && body->fd >= 0)
        r.progress = what;
    status = reg_request(cl, "PUT", url, NULL, body, &r, err);
    reg_response_free(&r);
    if (status != 201)
        return status < 0 ? -1
                          : pcon_fail(err, 0, "uploading blob %s: HTTP %ld (%s)", digest, status,
                                      reg_status_text(status));
    progress(cl->o, "Copying %s %.12s %s\n", digest, "done");
    return 0;
}

static int
push_blobs(struct reg_client *cl, struct store *st, const struct image_blobs *b,
           struct pcon_err *err)
{
    char cdigest[72];

    for (size_t i = 0; i < b->n; i++) {
        cleanup_close int fd = storage_layer_blob_open(st, b->layers[i].chain_id + 7, err);
        struct reg_body body = {
            .fd = fd, .size = b->layers[i].blob_size, .content_type = "application/octet-stream"
        };
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = strcmp(b->layers[k].blob_digest, b->layers[i].blob_digest) == 0;
        if (fd < 0)
            return -1;
        if (!dup && blob_put(cl, b->layers[i].blob_digest, &body, "blob", err) < 0)
            return -1;
    }
    digest_buf(b->config, strlen(b->config), cdigest);
    return blob_put(cl, cdigest,
                    &(struct reg_body){ .buf = b->config, .len = strlen(b->config), .fd = -1,
                                        .content_type = "application/octet-stream" },
                    "config", err);
}

static int
manifest_put(struct reg_client *cl, const struct image_ref *ref, const char *manifest,
             bool docker, struct pcon_err *err)
{
    cleanup_free char *url = xasprintf("%s/manifests/%s", cl->base, ref->tag ? ref->tag : ref->digest);
    struct reg_response r = { .fd = -1 };
    long status;

    if (!cl->o->quiet)
        fprintf(stderr, "Writing manifest to image destination\n");
    status = reg_request(cl, "PUT", url, NULL,
                         &(struct reg_body){ .buf = manifest, .len = strlen(manifest), .fd = -1,
                                             .content_type = docker ? MEDIA_DOCKER_MANIFEST
                                                                    : MEDIA_OCI_MANIFEST },
                         &r, err);
    reg_response_free(&r);
    if (status != 201)
        return status < 0 ? -1
                          : pcon_fail(err, 0, "writing manifest: HTTP %ld (%s)", status,
                                      reg_status_text(status));
    return 0;
}

/* the image's blobs with a manifest in the format asked for */
static int
blobs_for(struct store *st, const struct image *img, enum push_format f, struct image_blobs *b,
          struct pcon_err *err)
{
    if (storage_image_blobs(st, img, f == PUSH_FORMAT_OCI, b, err) < 0)
        return -1;
    if (f == PUSH_FORMAT_V2S2 && !b->docker) {
        free(b->manifest);
        b->manifest = storage_manifest_for(b->config, b->layers, b->n, true);
        b->docker = true;
    }
    return 0;
}

int
storage_image_push(struct store *st, const char *src, const char *dest, enum push_format f,
                   const struct reg_opts *o, char *digest_out, struct pcon_err *err)
{
    cleanup_close int lock = -1;
    cleanup_free char *canon = NULL;
    struct image img = { 0 };
    struct image_blobs b = { 0 };
    struct image_ref ref = { 0 };
    struct reg_client cl = { 0 };
    int r = -1;

    if (dest && strncmp(dest, "docker://", 9) == 0)
        dest += 9;
    lock = storage_lock(st, false, err);
    if (lock < 0 || storage_image_lookup(st, src, &img, err) < 0)
        return -1;
    if (dest == NULL && (dest = img.names ? img.names[0] : NULL) == NULL) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: the image has no name: give a destination", src);
        goto out;
    }
    if (ref_parse(dest, "docker.io", &ref, err) < 0)
        goto out;
    canon = ref_string(&ref);
    if (strcmp(ref.registry, "localhost") == 0) {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: name a registry to push to", canon);
        goto out;
    }
    if (blobs_for(st, &img, f, &b, err) < 0 || reg_client_open(&cl, ref.registry, ref.path, o, err) < 0)
        goto out;
    if (!o->quiet)
        fprintf(stderr, "Getting image source signatures\n");
    if (push_blobs(&cl, st, &b, err) < 0 || manifest_put(&cl, &ref, b.manifest, b.docker, err) < 0)
        goto out;
    if (digest_out)
        digest_buf(b.manifest, strlen(b.manifest), digest_out);
    r = 0;
out:
    if (r < 0 && canon)
        pcon_prefix(err, "push %s", canon);
    reg_client_close(&cl);
    storage_image_blobs_free(&b);
    storage_image_free(&img);
    ref_free(&ref);
    return r;
}

/* --- login --- */

char *
storage_registry_host(const char *arg)
{
    const char *p = arg;
    size_t n;

    if (strncmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncmp(p, "http://", 7) == 0)
        p += 7;
    else if (strncmp(p, "docker://", 9) == 0)
        p += 9;
    n = strcspn(p, "/");
    return xstrndup(p, n);
}

int
storage_registry_login(const char *host, const char *user, const char *password,
                       const struct reg_opts *o, struct pcon_err *err)
{
    cleanup_free char *creds = xasprintf("%s:%s", user, password), *url = NULL;
    struct reg_opts lo = *o;
    struct reg_client cl;
    struct reg_response r = { .fd = -1 };
    long status;
    int ret = -1;

    lo.creds = creds;
    if (reg_client_open(&cl, host, NULL, &lo, err) < 0)
        goto out;
    url = xasprintf("%s/v2/", cl.origin);
    status = reg_request(&cl, "GET", url, NULL, NULL, &r, err);
    reg_response_free(&r);
    if (status == 401 || (status < 0 && err && err->kind == PCON_ERR_USAGE)) {
        pcon_err_clear(err);
        pcon_fail(err, 0, "invalid username/password");
        goto out;
    }
    if (status < 0)
        goto out;
    if (status != 200) {
        pcon_fail(err, 0, "HTTP %ld from %s", status, url);
        goto out;
    }
    ret = regconf_auth_set(o->authfile, host, user, password, err);
out:
    if (ret < 0)
        pcon_prefix(err, "logging into \"%s\"", host);
    reg_client_close(&cl);
    return ret;
}
