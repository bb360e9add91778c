// SPDX-License-Identifier: Apache-2.0
/* The distribution API client: manifests (OCI and Docker v2, indexes and
 * manifest lists), blobs verified by digest and size, bearer tokens from
 * WWW-Authenticate. Blobs go to a temporary directory of the store that a
 * killed pull leaves for the next command to remove. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/lock.h"
#include "image.h"
#include "layer.h"
#include "reference.h"
#include "registry.h"

#define MAX_MANIFEST (4 << 20)
#define ACCEPT                                                                                    \
    "Accept: application/vnd.oci.image.index.v1+json, "                                           \
    "application/vnd.oci.image.manifest.v1+json, "                                                \
    "application/vnd.docker.distribution.manifest.list.v2+json, "                                 \
    "application/vnd.docker.distribution.manifest.v2+json"

/* the few libcurl functions used, opened at run time */
struct curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

static int
curl_open(struct curl_api *c, struct pcon_err *err)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

    if (lib == NULL)
        return pcon_fail(err, 0, "cannot load libcurl.so.4: %s", dlerror());
    *(void **) &c->easy_init = dlsym(lib, "curl_easy_init");
    *(void **) &c->easy_setopt = dlsym(lib, "curl_easy_setopt");
    *(void **) &c->easy_perform = dlsym(lib, "curl_easy_perform");
    *(void **) &c->easy_getinfo = dlsym(lib, "curl_easy_getinfo");
    *(void **) &c->easy_cleanup = dlsym(lib, "curl_easy_cleanup");
    *(void **) &c->easy_strerror = dlsym(lib, "curl_easy_strerror");
    *(void **) &c->slist_append = dlsym(lib, "curl_slist_append");
    *(void **) &c->slist_free_all = dlsym(lib, "curl_slist_free_all");
    if (!c->easy_init || !c->easy_setopt || !c->easy_perform || !c->easy_getinfo
        || !c->easy_cleanup || !c->easy_strerror || !c->slist_append || !c->slist_free_all)
        return pcon_fail(err, 0, "libcurl.so.4 lacks a needed function");
    return 0;
}

struct client {
    struct curl_api api;
    const struct pull_opts *o;
    char *base;  /* "https://host/v2/path" */
    char *token; /* bearer token, or NULL */
};

/* one response: the body in memory (capped) or into a file with a digest */
struct response {
    char *body;
    size_t len, cap;
    int fd; /* >= 0: the body goes here */
    struct digest_ctx *digest;
    long long written;
    char *www_auth;
    char *content_type;
    bool failed;
};

static size_t
header_cb(char *buf, size_t size, size_t n, void *opaque)
{
    struct response *r = opaque;
    size_t len = size * n;

    if (len > 17 && strncasecmp(buf, "www-authenticate:", 17) == 0) {
        free(r->www_auth);
        r->www_auth = xstrndup(buf + 17, len - 17);
    } else if (len > 13 && strncasecmp(buf, "content-type:", 13) == 0) {
        free(r->content_type);
        r->content_type = xstrndup(buf + 13, len - 13);
    }
    return len;
}

static size_t
body_cb(char *buf, size_t size, size_t n, void *opaque)
{
    struct response *r = opaque;
    size_t len = size * n;

    if (r->fd >= 0) {
        if (fs_write_all(r->fd, buf, len) < 0) {
            r->failed = true;
            return 0;
        }
        digest_update(r->digest, buf, len);
        r->written += (long long) len;
        return len;
    }
    if (r->len + len > MAX_MANIFEST) {
        r->failed = true;
        return 0;
    }
    if (r->len + len + 1 > r->cap) {
        r->cap = (r->len + len + 1) * 2;
        r->body = xrealloc(r->body, r->cap);
    }
    memcpy(r->body + r->len, buf, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

static void
response_free(struct response *r)
{
    free(r->body);
    free(r->www_auth);
    free(r->content_type);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

/* GET url; returns the HTTP status, or -1 */
static long
http_get(struct client *cl, const char *url, const char *accept, struct response *r,
         struct pcon_err *err)
{
    struct curl_api *a = &cl->api;
    CURL *h = a->easy_init();
    struct curl_slist *hdrs = NULL;
    cleanup_free char *auth = NULL;
    long status = -1;
    CURLcode rc;

    if (h == NULL)
        return pcon_fail(err, ENOMEM, "start an HTTP request");
    if (accept)
        hdrs = a->slist_append(hdrs, accept);
    if (cl->token) {
        auth = xasprintf("Authorization: Bearer %s", cl->token);
        hdrs = a->slist_append(hdrs, auth);
    }
    a->easy_setopt(h, CURLOPT_URL, url);
    a->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    a->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    a->easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    a->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    a->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    a->easy_setopt(h, CURLOPT_USERAGENT, "pcon/" PCON_VERSION);
    a->easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    a->easy_setopt(h, CURLOPT_HEADERDATA, r);
    a->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
    a->easy_setopt(h, CURLOPT_WRITEDATA, r);
    a->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    a->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (!cl->o->tls_verify) {
        a->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        a->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    rc = a->easy_perform(h);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->failed)) {
        pcon_fail(err, 0, "GET %s: %s", url, a->easy_strerror(rc));
    } else if (r->failed) {
        pcon_fail(err, EFBIG, "GET %s: response too large or not written", url);
    } else {
        a->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    }
    a->slist_free_all(hdrs);
    a->easy_cleanup(h);
    return status;
}

/* `Bearer realm="...",service="...",scope="..."` -> the value of key */
static char *
auth_param(const char *header, const char *key)
{
    cleanup_free char *pat = xasprintf("%s=\"", key);
    const char *p = strstr(header, pat), *e;

    if (p == NULL)
        return NULL;
    p += strlen(pat);
    e = strchr(p, '"');
    return e ? xstrndup(p, (size_t) (e - p)) : NULL;
}

static char *
url_escape(const char *s)
{
    char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
            || strchr("-_.~", *s))
            *o++ = *s;
        else
            o += sprintf(o, "%%%02X", (unsigned char) *s);
    }
    *o = '\0';
    return out;
}

/* A 401: fetch a token from the realm WWW-Authenticate names. */
static int
bearer_login(struct client *cl, const char *www_auth, struct pcon_err *err)
{
    cleanup_free char *realm = auth_param(www_auth, "realm");
    cleanup_free char *service = auth_param(www_auth, "service");
    cleanup_free char *scope = auth_param(www_auth, "scope");
    cleanup_free char *eservice = NULL, *escope = NULL, *url = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    struct response r = { .fd = -1 };
    const char *tok;
    long status;

    if (realm == NULL || strncasecmp(www_auth + strspn(www_auth, " "), "bearer", 6) != 0)
        return pcon_fail(err, EACCES, "the registry asks for authentication pcon cannot give");
    eservice = url_escape(service ? service : "");
    escope = url_escape(scope ? scope : "");
    url = xasprintf("%s%sservice=%s%s%s", realm, strchr(realm, '?') ? "&" : "?", eservice,
                    scope ? "&scope=" : "", scope ? escope : "");
    free(cl->token);
    cl->token = NULL;
    status = http_get(cl, url, NULL, &r, err);
    if (status != 200) {
        response_free(&r);
        return status < 0 ? -1 : pcon_fail(err, EACCES, "token from %s: HTTP %ld", realm, status);
    }
    v = json_parse(r.body ? r.body : "", err);
    response_free(&r);
    if (v == NULL)
        return pcon_prefix(err, "token from %s", realm);
    tok = json_get_str(v, "token");
    if (tok == NULL)
        tok = json_get_str(v, "access_token");
    if (tok == NULL)
        return pcon_fail(err, EACCES, "no token from %s", realm);
    cl->token = xstrdup(tok);
    return 0;
}

/* GET with one retry after a bearer login */
static long
registry_get(struct client *cl, const char *url, const char *accept, struct response *r,
             struct pcon_err *err)
{
    long status = http_get(cl, url, accept, r, err);

    if (status == 401 && r->www_auth && cl->token == NULL) {
        cleanup_free char *www = xstrdup(r->www_auth);
        int fd = r->fd;
        struct digest_ctx *d = r->digest;
        response_free(r);
        r->fd = fd;
        r->digest = d;
        if (bearer_login(cl, www, err) < 0)
            return -1;
        if (fd >= 0 && (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0))
            return pcon_fail(err, errno, "reset a download");
        status = http_get(cl, url, accept, r, err);
    }
    return status;
}

static const char *
host_arch(void)
{
    static struct utsname u;

    if (uname(&u) < 0)
        return "amd64";
    if (strcmp(u.machine, "x86_64") == 0)
        return "amd64";
    if (strcmp(u.machine, "aarch64") == 0)
        return "arm64";
    return u.machine;
}

/* the manifest text for reference (a tag or digest); a list is resolved
 * to the platform's entry */
static char *
manifest_get(struct client *cl, const char *reference, struct pcon_err *err)
{
    char picked[72];

    for (int depth = 0; depth < 2; depth++) {
        cleanup_free char *url = xasprintf("%s/manifests/%s", cl->base, reference);
        cleanup_yajl_val yajl_val v = NULL;
        struct response r = { .fd = -1 };
        yajl_val list;
        const char *want_arch = cl->o->arch ? cl->o->arch : host_arch();
        const char *want_os = cl->o->os ? cl->o->os : "linux";
        char got[72];
        long status = registry_get(cl, url, ACCEPT, &r, err);

        if (status < 0) {
            response_free(&r);
            return NULL;
        }
        if (status != 200) {
            response_free(&r);
            pcon_fail_kind(err, status == 404 ? PCON_ERR_NOTFOUND : PCON_ERR_ENGINE, 0,
                           "reading manifest %s: HTTP %ld", reference, status);
            return NULL;
        }
        digest_buf(r.body ? r.body : "", r.len, got);
        if (strncmp(reference, "sha256:", 7) == 0 && strcmp(got, reference) != 0) {
            response_free(&r);
            pcon_fail(err, 0, "manifest %s has digest %s", reference, got);
            return NULL;
        }
        v = json_parse(r.body ? r.body : "", err);
        if (v == NULL) {
            response_free(&r);
            return NULL;
        }
        list = json_get_arr(v, "manifests");
        if (list == NULL) {
            char *body = steal_ptr(&r.body);
            response_free(&r);
            return body;
        }
        /* an index or manifest list: the entry of our platform */
        {
            const char *pick = NULL;
            for (size_t i = 0; i < list->u.array.len && !pick; i++) {
                yajl_val p = json_get_obj(list->u.array.values[i], "platform");
                const char *a = json_get_str(p, "architecture"), *os = json_get_str(p, "os");
                if (a && os && strcmp(a, want_arch) == 0 && strcmp(os, want_os) == 0)
                    pick = json_get_str(list->u.array.values[i], "digest");
            }
            response_free(&r);
            if (pick == NULL) {
                pcon_fail(err, 0, "no image found in manifest list for architecture %s, OS %s",
                          want_arch, want_os);
                return NULL;
            }
            if (!digest_valid(pick)) {
                pcon_fail(err, 0, "invalid digest in manifest list");
                return NULL;
            }
            /* the next round fetches it by digest */
            memcpy(picked, pick, sizeof picked);
            reference = picked;
        }
    }
    pcon_fail(err, 0, "manifest lists nested too deep");
    return NULL;
}

/* a blob into dir/<hex>, verified; returns an fd at its start */
static int
blob_get(struct client *cl, int dir, const char *digest, long long size, struct pcon_err *err)
{
    cleanup_free char *url = NULL;
    cleanup_close int fd = -1;
    struct response r = { .fd = -1 };
    char got[72];
    long status;

    if (!digest_valid(digest))
        return pcon_fail(err, EINVAL, "invalid digest \"%s\"", digest);
    fd = openat(dir, digest + 7, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return pcon_fail(err, errno, "create a download file");
    url = xasprintf("%s/blobs/%s", cl->base, digest);
    r.fd = fd;
    r.digest = digest_new();
    status = registry_get(cl, url, NULL, &r, err);
    digest_final(r.digest, got);
    r.fd = -1;
    if (status < 0 || status != 200) {
        response_free(&r);
        return status < 0 ? -1 : pcon_fail(err, 0, "fetching blob %s: HTTP %ld", digest, status);
    }
    if (strcmp(got, digest) != 0 || (size >= 0 && r.written != size)) {
        response_free(&r);
        return pcon_fail(err, 0, "blob %s: got digest %s and %lld bytes (want %lld)", digest,
                         got, r.written, size);
    }
    response_free(&r);
    if (lseek(fd, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "rewind a download");
    return steal_fd(&fd);
}

/* The layers of a manifest as sources for storage_image_store: a layer
 * stored already (its chain id follows from the config's DiffIDs) is not
 * downloaded unless fetch_all. */
static int
layers_fetch(struct client *cl, struct store *st, int dir, yajl_val layers, char **diff_ids,
             bool fetch_all, struct layer_src *src, struct pcon_err *err)
{
    char chain[72] = "";

    for (size_t i = 0; i < layers->u.array.len; i++) {
        yajl_val l = layers->u.array.values[i];
        const char *ld = json_get_str(l, "digest");
        int64_t lsize = -1;

        if (ld == NULL || !digest_valid(diff_ids[i]))
            return pcon_fail(err, 0, "layer %zu without a digest", i);
        storage_layer_chain_id(i ? chain : NULL, diff_ids[i], chain);
        if (!fetch_all && storage_layer_exists(st, chain + 7))
            continue;
        (void) json_get_int(l, "size", &lsize);
        src[i].fd = blob_get(cl, dir, ld, lsize, err);
        if (src[i].fd < 0)
            return -1;
        src[i].link = true;
        src[i].digest = ld; /* checked by blob_get */
    }
    return 0;
}

static int
pull_manifest(struct client *cl, struct store *st, int dir, const char *manifest, char **names,
              char ***loaded, char *id_out, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val v = json_parse(manifest, err);
    cleanup_yajl_val yajl_val cv = NULL;
    cleanup_close int cfd = -1;
    cleanup_free char *config = NULL;
    cleanup_strv char **diff_ids = NULL;
    yajl_val cfg, layers;
    const char *cdigest;
    int64_t csize = -1;
    size_t n;
    int r = -1;

    if (v == NULL)
        return pcon_prefix(err, "manifest");
    cfg = json_get_obj(v, "config");
    layers = json_get_arr(v, "layers");
    if ((cdigest = json_get_str(cfg, "digest")) == NULL || layers == NULL)
        return pcon_fail(err, 0, "unsupported manifest (no config or layers)");
    (void) json_get_int(cfg, "size", &csize);
    cfd = blob_get(cl, dir, cdigest, csize, err);
    if (cfd < 0 || (config = fs_read_fd(cfd, MAX_MANIFEST, NULL, err)) == NULL
        || (cv = json_parse(config, err)) == NULL
        || json_get_strv(json_get_obj(cv, "rootfs"), "diff_ids", &diff_ids, err) < 0)
        return pcon_prefix(err, "image config");
    n = layers->u.array.len;
    if (strv_len(diff_ids) != n || n == 0)
        return pcon_fail(err, 0, "the config lists %zu layers, the manifest %zu",
                         strv_len(diff_ids), n);
    /* a layer found stored may be removed before the lock is taken: then
     * once more, downloading everything */
    for (int attempt = 0; attempt < 2 && r < 0; attempt++) {
        struct layer_src *src = xzalloc(n * sizeof *src);
        int lock = -1;

        for (size_t i = 0; i < n; i++)
            src[i].fd = -1;
        if (attempt)
            pcon_err_clear(err);
        if (layers_fetch(cl, st, dir, layers, diff_ids, attempt > 0, src, err) == 0
            && (lock = storage_lock(st, true, err)) >= 0)
            r = storage_image_store(st, config, manifest, src, n, names, loaded, id_out, err);
        if (lock >= 0)
            close(lock);
        for (size_t i = 0; i < n; i++)
            if (src[i].fd >= 0)
                close(src[i].fd);
        free(src);
        if (r < 0 && (err == NULL || err->kind != PCON_ERR_NOTFOUND))
            break;
    }
    return r;
}

int
storage_image_pull(struct store *st, const char *refstr, const struct pull_opts *o, char **name,
                   char id_out[65], struct pcon_err *err)
{
    struct client cl = { .o = o };
    struct image_ref ref;
    cleanup_free char *canon = NULL, *manifest = NULL, *tmp = NULL;
    cleanup_strv char **loaded = NULL;
    cleanup_close int dir = -1;
    const char *host;
    struct timespec ts;
    int r = -1;

    if (ref_parse(refstr, "docker.io", &ref, err) < 0)
        return -1;
    canon = ref_string(&ref);
    host = strcmp(ref.registry, "docker.io") == 0 ? "registry-1.docker.io" : ref.registry;
    cl.base = xasprintf("%s://%s/v2/%s", o->tls_verify ? "https" : "http", host, ref.path);
    if (curl_open(&cl.api, err) < 0)
        goto out;
    manifest = manifest_get(&cl, ref.digest ? ref.digest : ref.tag, err);
    if (manifest == NULL) {
        pcon_prefix(err, "pull %s", canon);
        goto out;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    /* downloads land under a .tmp- name: a killed pull leaves only that */
    tmp = xasprintf(".tmp-pull-%d-%ld", getpid(), ts.tv_nsec);
    if (mkdirat(st->layers_dfd, tmp, 0700) < 0
        || (dir = openat(st->layers_dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        pcon_fail(err, errno, "create a download directory");
        goto out;
    }
    if (pull_manifest(&cl, st, dir, manifest, ref.tag ? (char *[]){ canon, NULL } : NULL,
                      &loaded, id_out, err) < 0) {
        pcon_prefix(err, "pull %s", canon);
        goto out;
    }
    *name = steal_ptr(&canon);
    r = 0;
out:
    if (tmp)
        (void) fs_rm_rf_at(st->layers_dfd, tmp, NULL); /* downloads are stored or refused */
    ref_free(&ref);
    free(cl.base);
    free(cl.token);
    return r;
}
