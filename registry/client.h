/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP side of the distribution API, for pull, push and login: one
 * libcurl handle per registry (connections are reused), HTTPS unless the
 * registry is insecure, and authentication as the registry asks for it
 * (Basic with stored credentials, or Bearer tokens from the realm of
 * WWW-Authenticate, one per scope). Credentials and tokens go to the
 * registry's own origin and its token realm only, never to a host a
 * redirect names. Internal to registry/. */
#ifndef PCON_REGISTRY_CLIENT_H
#define PCON_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "conf.h"
#include "registry.h"

struct curl_api;
struct digest_ctx;

/* one response: the body in memory (capped) or into a file with a digest */
struct registry_response {
    char *body;
    size_t len, cap;
    int fd; /* >= 0: the body goes here */
    struct digest_ctx *digest;
    long long written;
    long long limit; /* > 0: a longer body fails (a blob of a known size) */
    int status;      /* the status line of the response being read */
    char *www_auth, *content_type, *location;
    char *final_url; /* the URL the last response came from, after redirects */
    bool failed;
    /* progress on a terminal: the label, or NULL; drawn on the current
     * line and ended by a newline, or (progress_up > 0) on the line that
     * many above the cursor, left where it is (downloads at once share a
     * block of lines, one each) */
    const char *progress;
    int progress_up;
};

/* a request body: a buffer, or size bytes of fd (from its start) */
struct registry_body {
    const char *buf;
    size_t len;
    int fd;
    long long size;
    const char *content_type;
};

struct registry_client {
    struct curl_api *api;
    void *curl;
    const struct registry_opts *o;
    char *host;   /* as named: "docker.io", "127.0.0.1:5000" */
    char *origin; /* "https://registry-1.docker.io" */
    char *base;   /* origin + "/v2/" + repository */
    bool verify;  /* certificates checked */
    struct registry_certs certs;
    char *creds; /* "user:password", or NULL */
    bool basic;  /* the registry asked for Basic authentication */
    char *token, *token_scope;
};

/* Opens a client for host/repo (repo may be NULL: login): insecurity from
 * registries.conf or o->tls_verify, credentials (o->creds, else auth.json)
 * and certificates, then pings /v2/ to settle HTTPS or, insecure, HTTP,
 * and authenticates for actions ("pull" or "pull,push") on repo. */
int registry_client_open(struct registry_client *cl, const char *host, const char *repo,
                         const char *actions, const struct registry_opts *o, struct pcon_err *err);
void registry_client_close(struct registry_client *cl);
/* whether transfers show progress: stderr a terminal, and no -q */
bool registry_progress_shown(const struct registry_client *cl);
/* In a child of the process that opened cl: an HTTP handle of its own,
 * whose connections are not another process's (the inherited handle is
 * left as it is: its connections' state is its first owner's) */
int registry_client_new_handle(struct registry_client *cl, struct pcon_err *err);
void registry_response_free(struct registry_response *r);

/* One request (method "GET", "HEAD", "POST", "PUT"), authenticated as the
 * registry asks; returns the HTTP status or -1. */
long registry_request(struct registry_client *cl, const char *method, const char *url,
                      const char *accept, const struct registry_body *body,
                      struct registry_response *r, struct pcon_err *err);

/* the strings of the array key in a registry's JSON answer (a catalog's
 * repositories, a tag list's tags), appended to *out; at most 10000 */
int registry_json_strings(const char *body, size_t len, const char *key, char ***out,
                          struct pcon_err *err);

/* "401 unauthorized" style text for a failed status */
const char *registry_status_text(long status);

/* a parameter of a WWW-Authenticate challenge, `Bearer realm="...",
 * service="...",scope="..."`: the value of key, or NULL (exposed for the
 * fuzz target) */
char *registry_auth_param(const char *header, const char *key);

#endif
