// SPDX-License-Identifier: Apache-2.0
/* Registry HTTP client: libcurl opened at run time, one handle per
 * registry, authentication as asked. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <string.h>
#include <unistd.h>

#include "../lib/base64.h"
#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/dynlib.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "client.h"

#define MAX_BODY (4 << 20)

/* the few libcurl functions used, opened at run time: linked, libcurl
 * would load its many libraries into every pcon command */
struct curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

static struct curl_api curl_fns;

static const struct dynlib_sym curl_syms[] = {
    DYNLIB_SYM("curl_easy_init", curl_fns.easy_init),
    DYNLIB_SYM("curl_easy_setopt", curl_fns.easy_setopt),
    DYNLIB_SYM("curl_easy_perform", curl_fns.easy_perform),
    DYNLIB_SYM("curl_easy_getinfo", curl_fns.easy_getinfo),
    DYNLIB_SYM("curl_easy_reset", curl_fns.easy_reset),
    DYNLIB_SYM("curl_easy_cleanup", curl_fns.easy_cleanup),
    DYNLIB_SYM("curl_easy_strerror", curl_fns.easy_strerror),
    DYNLIB_SYM("curl_slist_append", curl_fns.slist_append),
    DYNLIB_SYM("curl_slist_free_all", curl_fns.slist_free_all),
    { NULL, NULL },
};

static const char *const curl_names[] = { "libcurl.so.4", NULL };
static struct dynlib curl_lib = { curl_names, curl_syms, NULL };

static struct curl_api *
curl_api_get(struct pcon_err *err)
{
    if (dynlib_load(&curl_lib, err) < 0)
        return NULL;
    return &curl_fns;
}

/* --- responses --- */

static void
header_take(char **field, const char *buf, size_t len, size_t skip)
{
    while (skip < len && (buf[skip] == ' ' || buf[skip] == '\t'))
        skip++;
    while (len > skip && (buf[len - 1] == '\r' || buf[len - 1] == '\n' || buf[len - 1] == ' '))
        len--;
    free(*field);
    *field = xstrndup(buf + skip, len - skip);
}

static size_t
header_cb(char *buf, size_t size, size_t n, void *opaque)
{
    struct registry_response *r = opaque;
    size_t len = size * n;

    if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* a response's status line (each of a redirect's too) */
        const char *sp = memchr(buf, ' ', len);
        r->status = 0;
        for (size_t i = sp ? (size_t) (sp + 1 - buf) : len; i < len && r->status < 1000; i++) {
            if (buf[i] < '0' || buf[i] > '9')
                break;
            r->status = r->status * 10 + (buf[i] - '0');
        }
    } else if (len > 17 && strncasecmp(buf, "www-authenticate:", 17) == 0)
        header_take(&r->www_auth, buf, len, 17);
    else if (len > 13 && strncasecmp(buf, "content-type:", 13) == 0)
        header_take(&r->content_type, buf, len, 13);
    else if (len > 9 && strncasecmp(buf, "location:", 9) == 0)
        header_take(&r->location, buf, len, 9);
    return len;
}

static size_t
body_cb(char *buf, size_t size, size_t n, void *opaque)
{
    struct registry_response *r = opaque;
    size_t len = size * n;

    if (r->fd >= 0) {
        /* the file gets a blob, never an error's body: a pull extracts
         * from it as it grows */
        if (r->status < 200 || r->status > 299)
            return len;
        if ((r->limit > 0 && r->written + (long long) len > r->limit)
            || fs_write_all(r->fd, buf, len) < 0) {
            r->failed = true;
            return 0;
        }
        if (r->digest)
            digest_update(r->digest, buf, len);
        r->written += (long long) len;
        return len;
    }
    if (r->len + len > MAX_BODY) {
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

void
registry_response_free(struct registry_response *r)
{
    free(r->body);
    free(r->www_auth);
    free(r->content_type);
    free(r->location);
    free(r->final_url);
    r->body = r->www_auth = r->content_type = r->location = r->final_url = NULL;
    r->len = r->cap = 0;
}

/* before a retry: the body so far is dropped */
static int
response_reset(struct registry_response *r, struct pcon_err *err)
{
    registry_response_free(r);
    r->failed = false;
    r->written = 0;
    if (r->digest) {
        char ignored[72];
        digest_final(r->digest, ignored);
        r->digest = digest_new();
    }
    if (r->fd >= 0 && (ftruncate(r->fd, 0) < 0 || lseek(r->fd, 0, SEEK_SET) < 0))
        return pcon_fail(err, errno, "reset a download");
    return 0;
}

/* --- upload bodies --- */

struct upload {
    int fd;
    long long left;
};

static size_t
read_cb(char *buf, size_t size, size_t n, void *opaque)
{
    struct upload *u = opaque;
    size_t want = size * n;
    ssize_t got;

    if ((long long) want > u->left)
        want = (size_t) u->left;
    do
        got = read(u->fd, buf, want);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return CURL_READFUNC_ABORT;
    u->left -= got;
    return (size_t) got;
}

/* --- progress on a terminal --- */

/* one state of r's progress line, in one write (downloads at once draw
 * their lines of a block between each other's writes); in a block, cut to
 * the terminal's width: a wrapped line would move the block */
static void
progress_draw(const struct registry_response *r, const char *text)
{
    struct winsize ws;
    char line[320];
    int n, width = 200;

    if (r->progress_up > 0 && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && ws.ws_col <= 200)
        width = ws.ws_col - 1;
    if (r->progress_up > 0)
        n = snprintf(line, sizeof line, "\033[%dA\r\033[2K%.*s\033[%dB\r", r->progress_up, width,
                     text, r->progress_up);
    else
        n = snprintf(line, sizeof line, "\r%s", text);
    if (n > 0)
        (void) fs_write_all(2, line, (size_t) n < sizeof line ? (size_t) n : sizeof line - 1);
}

static int
progress_cb(void *opaque, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
    const struct registry_response *r = opaque;
    curl_off_t total = ultotal ? ultotal : dltotal, now = ultotal ? ulnow : dlnow;
    char bar[31], text[200];
    int fill;

    if (total <= 0)
        return 0;
    fill = (int) (now * 30 / total);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[30] = '\0';
    snprintf(text, sizeof text, "Copying %s [%s] %.1fMiB / %.1fMiB", r->progress, bar,
             (double) now / 1048576, (double) total / 1048576);
    progress_draw(r, text);
    return 0;
}

/* --- requests --- */

/* Redirects are followed (registries send blobs to a CDN), over HTTP(S)
 * only and, from HTTPS, to HTTPS only: neither the request's headers nor
 * the response may cross the network in the clear after a redirect.
 * libcurl drops an Authorization header when a redirect changes host,
 * port or scheme (since 7.83, with CURLOPT_UNRESTRICTED_AUTH off); the
 * _STR options came with 7.85, and an older libcurl is refused rather
 * than left to follow redirects unrestricted. */
static int
set_redirects(struct curl_api *a, CURL *h, const char *url, struct pcon_err *err)
{
    bool https = strncasecmp(url, "https://", 8) == 0;

    if (a->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK
        || a->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https")
               != CURLE_OK)
        return pcon_fail(err, 0, "libcurl 7.85 or newer is needed to restrict redirects");
    a->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    a->easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    a->easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    return 0;
}

static int
set_common(struct registry_client *cl, CURL *h, const char *url, struct curl_slist *hdrs,
           struct registry_response *r, struct pcon_err *err)
{
    struct curl_api *a = cl->api;

    a->easy_setopt(h, CURLOPT_URL, url);
    a->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (set_redirects(a, h, url, err) < 0)
        return -1;
    a->easy_setopt(h, CURLOPT_USERAGENT, "pcon/" PCON_VERSION);
    a->easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    a->easy_setopt(h, CURLOPT_HEADERDATA, r);
    a->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
    a->easy_setopt(h, CURLOPT_WRITEDATA, r);
    a->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    a->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    /* a stalled transfer ends: under 1 byte/s for a minute */
    a->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    a->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    if (!cl->verify) {
        a->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        a->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cl->certs.ca)
        a->easy_setopt(h, CURLOPT_CAINFO, cl->certs.ca);
    if (cl->certs.cert) {
        a->easy_setopt(h, CURLOPT_SSLCERT, cl->certs.cert);
        a->easy_setopt(h, CURLOPT_SSLKEY, cl->certs.key);
    }
    if (r->progress) {
        a->easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        a->easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
        a->easy_setopt(h, CURLOPT_XFERINFODATA, r);
    }
    return 0;
}

/* the Authorization header the registry asked for, or NULL */
static char *
auth_header(struct registry_client *cl)
{
    cleanup_free char *enc = NULL;

    if (cl->token)
        return xasprintf("Authorization: Bearer %s", cl->token);
    if (!cl->basic || !cl->creds)
        return NULL;
    enc = base64_encode(cl->creds, strlen(cl->creds));
    return xasprintf("Authorization: Basic %s", enc);
}

/* one HTTP exchange, no retries; auth: an Authorization header, or NULL */
static long
perform(struct registry_client *cl, const char *method, const char *url, const char *accept,
        const struct registry_body *body, struct registry_response *r, const char *auth,
        struct pcon_err *err)
{
    struct curl_api *a = cl->api;
    CURL *h = cl->curl;
    struct curl_slist *hdrs = NULL;
    cleanup_free char *ctype = NULL;
    struct upload up = { .fd = -1 };
    const char *final = NULL;
    long status = -1;
    CURLcode rc;

    a->easy_reset(h);
    if (accept)
        hdrs = a->slist_append(hdrs, accept);
    if (auth)
        hdrs = a->slist_append(hdrs, auth);
    if (body && body->content_type) {
        ctype = xasprintf("Content-Type: %s", body->content_type);
        hdrs = a->slist_append(hdrs, ctype);
    }
    if (set_common(cl, h, url, hdrs, r, err) < 0) {
        a->slist_free_all(hdrs);
        return -1;
    }
    if (strcmp(method, "HEAD") == 0) {
        a->easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (body && body->fd >= 0) {
        up = (struct upload){ .fd = body->fd, .left = body->size };
        if (lseek(body->fd, 0, SEEK_SET) < 0) {
            a->slist_free_all(hdrs);
            return pcon_fail(err, errno, "rewind an upload");
        }
        a->easy_setopt(h, CURLOPT_UPLOAD, 1L);
        a->easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
        a->easy_setopt(h, CURLOPT_READDATA, &up);
        a->easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) body->size);
        a->easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "GET") != 0) {
        a->easy_setopt(h, CURLOPT_POSTFIELDS, body ? body->buf : "");
        a->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (body ? body->len : 0));
        a->easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    rc = a->easy_perform(h);
    if (r->progress && r->progress_up > 0) {
        cleanup_free char *text =
            xasprintf("Copying %s %s", r->progress,
                      rc == CURLE_OK && r->status / 100 == 2 ? "done" : "failed");
        progress_draw(r, text);
    } else if (r->progress) {
        fputc('\n', stderr);
    }
    if (a->easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &final) == CURLE_OK && final) {
        free(r->final_url);
        r->final_url = xstrdup(final);
    }
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && final && strcmp(final, url) != 0)
        pcon_fail(err, 0, "%s %s: redirect to %s refused (HTTPS only)", method, url, final);
    else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->failed))
        pcon_fail(err, 0, "%s %s: %s", method, url, a->easy_strerror(rc));
    else if (r->failed)
        pcon_fail(err, EFBIG, "%s %s: response too large or not written", method, url);
    else
        a->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    a->slist_free_all(hdrs);
    return status;
}

/* `Bearer realm="...",service="...",scope="..."` -> the value of key */
char *
registry_auth_param(const char *header, const char *key)
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

/* A Bearer challenge: a token for its scope from its realm, with the
 * stored credentials when there are any. */
static int
bearer_login(struct registry_client *cl, const char *www_auth, struct pcon_err *err)
{
    cleanup_free char *realm = registry_auth_param(www_auth, "realm");
    cleanup_free char *service = registry_auth_param(www_auth, "service");
    cleanup_free char *scope = registry_auth_param(www_auth, "scope");
    cleanup_free char *eservice = NULL, *escope = NULL, *url = NULL, *basic = NULL, *enc = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    struct registry_response r = { .fd = -1 };
    const char *tok;
    long status;

    if (realm == NULL)
        return pcon_fail(err, EACCES, "the registry's Bearer challenge names no realm");
    /* over plain HTTP anyone on the way reads Basic credentials: a secure
     * registry's realm gets them over HTTPS only (an insecure registry's
     * is the user's choice); without credentials nothing is secret */
    if (cl->creds && cl->verify && strncasecmp(realm, "https://", 8) != 0)
        return pcon_fail(err, 0, "token realm %s is not HTTPS: credentials not sent", realm);
    eservice = url_escape(service ? service : "");
    escope = url_escape(scope ? scope : "");
    url = xasprintf("%s%sservice=%s%s%s", realm, strchr(realm, '?') ? "&" : "?", eservice,
                    scope ? "&scope=" : "", scope ? escope : "");
    if (cl->creds) {
        enc = base64_encode(cl->creds, strlen(cl->creds));
        basic = xasprintf("Authorization: Basic %s", enc);
    }
    free(cl->token);
    cl->token = NULL;
    status = perform(cl, "GET", url, NULL, NULL, &r, basic, err);
    if (status != 200) {
        registry_response_free(&r);
        if (status < 0)
            return -1;
        return pcon_fail_kind(err, status == 401 ? PCON_ERR_USAGE : PCON_ERR_ENGINE, EACCES,
                              "token from %s: HTTP %ld%s", realm, status,
                              status == 401 ? " (invalid username/password?)" : "");
    }
    v = json_parse(r.body ? r.body : "", err);
    registry_response_free(&r);
    if (v == NULL)
        return pcon_prefix(err, "token from %s", realm);
    tok = json_get_str(v, "token");
    if (tok == NULL)
        tok = json_get_str(v, "access_token");
    if (tok == NULL)
        return pcon_fail(err, EACCES, "no token from %s", realm);
    cl->token = xstrdup(tok);
    free(cl->token_scope);
    cl->token_scope = xstrdup(scope ? scope : "");
    return 0;
}

/* A 401: whether to try again, authenticated as the challenge asks.
 * 0: retry; 1: nothing more to try. */
static int
authenticate(struct registry_client *cl, const char *www_auth, struct pcon_err *err)
{
    const char *kind = www_auth + strspn(www_auth, " ");

    if (strncasecmp(kind, "basic", 5) == 0) {
        if (cl->creds == NULL || cl->basic)
            return 1;
        cl->basic = true;
        return 0;
    }
    if (strncasecmp(kind, "bearer", 6) == 0) {
        cleanup_free char *scope = registry_auth_param(www_auth, "scope");
        if (cl->token && cl->token_scope && strcmp(cl->token_scope, scope ? scope : "") == 0)
            return 1; /* this very token was refused */
        return bearer_login(cl, www_auth, err) < 0 ? -1 : 0;
    }
    return 1;
}

/* whether url is on the registry's origin: its scheme, host and port */
static bool
url_own(const struct registry_client *cl, const char *url)
{
    size_t olen = strlen(cl->origin);

    return url && strncasecmp(url, cl->origin, olen) == 0 && url[olen] == '/';
}

long
registry_request(struct registry_client *cl, const char *method, const char *url,
                 const char *accept, const struct registry_body *body, struct registry_response *r,
                 struct pcon_err *err)
{
    /* credentials go to the registry's own origin only (an upload
     * Location may name another host) */
    bool own = url_own(cl, url);
    long status = -1;

    for (int attempt = 0; attempt < 3; attempt++) {
        cleanup_free char *www = NULL, *auth = own ? auth_header(cl) : NULL;
        int a;

        status = perform(cl, method, url, accept, body, r, auth, err);
        /* Only the registry's own challenge is answered: a 401 from a
         * host a redirect named would have the credentials sent to a
         * realm of that host's choosing. */
        if (status != 401 || r->www_auth == NULL || !own || !url_own(cl, r->final_url))
            return status;
        www = xstrdup(r->www_auth);
        a = authenticate(cl, www, err);
        if (a < 0)
            return -1;
        if (a > 0)
            return status;
        if (response_reset(r, err) < 0)
            return -1;
    }
    return status;
}

const char *
registry_status_text(long status)
{
    switch (status) {
    case 401:
        return "unauthorized: authentication required";
    case 403:
        return "denied: requested access to the resource is denied";
    case 404:
        return "not found";
    default:
        return "unexpected status";
    }
}

/* --- opening --- */

static int
client_config(struct registry_client *cl, const char *name, struct pcon_err *err)
{
    struct registry_conf rc;
    const struct registry_conf_entry *e;
    bool insecure = false;

    if (registry_conf_load(&rc, err) < 0)
        return -1;
    e = registry_conf_find(&rc, name);
    if (e && e->blocked) {
        registry_conf_free(&rc);
        return pcon_fail(err, EACCES, "registry %s is blocked in registries.conf", cl->host);
    }
    insecure = e && e->insecure;
    registry_conf_free(&rc);
    cl->verify = cl->o->tls_verify > 0 || (cl->o->tls_verify < 0 && !insecure);
    return 0;
}

static int
client_credentials(struct registry_client *cl, struct pcon_err *err)
{
    if (cl->o->creds) {
        if (strchr(cl->o->creds, ':') == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--creds wants USERNAME:PASSWORD");
        cl->creds = xstrdup(cl->o->creds);
        return 0;
    }
    return registry_conf_auth_get(cl->o->authfile, cl->host, &cl->creds, err) < 0 ? -1 : 0;
}

/* GET /v2/ over HTTPS; an insecure registry may answer over HTTP. The
 * challenge of a 401 goes to *challenge. */
static int
client_ping(struct registry_client *cl, char **challenge, struct pcon_err *err)
{
    const char *api_host = strcmp(cl->host, "docker.io") == 0 ? "registry-1.docker.io" : cl->host;
    long status = -1;

    for (int plain = 0; plain < 2 && status < 0; plain++) {
        cleanup_free char *url = NULL;
        struct registry_response r = { .fd = -1 };
        if (plain) {
            if (cl->verify)
                return pcon_prefix(err, "pinging container registry %s", cl->host);
            pcon_err_clear(err);
        }
        free(cl->origin);
        cl->origin = xasprintf("%s://%s", plain ? "http" : "https", api_host);
        url = xasprintf("%s/v2/", cl->origin);
        status = perform(cl, "GET", url, NULL, NULL, &r, NULL, err);
        if (status == 401 && r.www_auth && url_own(cl, r.final_url)) /* as in registry_request */
            *challenge = steal_ptr(&r.www_auth);
        registry_response_free(&r);
    }
    return status < 0 ? pcon_prefix(err, "pinging container registry %s", cl->host) : 0;
}

/* Authenticates before the first request as the ping's challenge asks: a
 * token for the repository's scope up front saves a 401 per request (and
 * a push then has push rights from the start, as registries that check
 * the scope want). */
static int
client_preauth(struct registry_client *cl, const char *challenge, const char *repo,
               const char *actions, struct pcon_err *err)
{
    const char *kind = challenge + strspn(challenge, " ");
    cleanup_free char *scoped = NULL;

    if (strncasecmp(kind, "basic", 5) == 0) {
        cl->basic = cl->creds != NULL;
        return 0;
    }
    if (strncasecmp(kind, "bearer", 6) != 0 || repo == NULL)
        return 0;
    scoped = xasprintf("%s,scope=\"repository:%s:%s\"", challenge, repo, actions);
    return bearer_login(cl, scoped, err);
}

int
registry_client_open(struct registry_client *cl, const char *host, const char *repo,
                     const char *actions, const struct registry_opts *o, struct pcon_err *err)
{
    cleanup_free char *name = xasprintf("%s/%s", host, repo ? repo : "");
    cleanup_free char *challenge = NULL;

    memset(cl, 0, sizeof *cl);
    cl->o = o;
    cl->host = xstrdup(host);
    if ((cl->api = curl_api_get(err)) == NULL)
        return -1;
    if ((cl->curl = cl->api->easy_init()) == NULL)
        return pcon_fail(err, ENOMEM, "start an HTTP client");
    if (client_config(cl, name, err) < 0 || client_credentials(cl, err) < 0)
        return -1;
    registry_conf_certs(o->cert_dir, host, &cl->certs);
    if (client_ping(cl, &challenge, err) < 0)
        return -1;
    if (challenge && client_preauth(cl, challenge, repo, actions, err) < 0)
        return -1;
    cl->base = xasprintf("%s/v2/%s", cl->origin, repo ? repo : "");
    return 0;
}

bool
registry_progress_shown(const struct registry_client *cl)
{
    return !cl->o->quiet && isatty(2);
}

int
registry_client_new_handle(struct registry_client *cl, struct pcon_err *err)
{
    CURL *h = cl->api->easy_init();

    if (h == NULL)
        return pcon_fail(err, ENOMEM, "start an HTTP client");
    cl->curl = h;
    return 0;
}

void
registry_client_close(struct registry_client *cl)
{
    if (cl->curl)
        cl->api->easy_cleanup(cl->curl);
    free(cl->host);
    free(cl->origin);
    free(cl->base);
    free(cl->creds);
    free(cl->token);
    free(cl->token_scope);
    registry_conf_certs_free(&cl->certs);
    memset(cl, 0, sizeof *cl);
}
