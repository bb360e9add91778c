/* SPDX-License-Identifier: Apache-2.0 */
/* Images and registries over the OCI distribution API: pull, push and
 * login. libcurl is opened when one starts. */
#ifndef PCON_REGISTRY_REGISTRY_H
#define PCON_REGISTRY_REGISTRY_H

#include <stdbool.h>

#include "../lib/err.h"
#include "../storage/store.h"

struct registry_opts {
    int tls_verify;        /* 1: HTTPS, certificates checked; 0: also HTTP, no checks;
                            * -1: as registries.conf says (insecure=true) */
    const char *authfile;  /* NULL: the default auth.json */
    const char *creds;     /* "user:password" instead of auth.json, or NULL */
    const char *cert_dir;  /* NULL: certs.d */
    const char *arch, *os; /* the platform in a manifest list; NULL: the host's */
    const char *variant;   /* and its variant (v8, ...); NULL: any */
    bool quiet;            /* no progress, even on a terminal */
};

/* Pulls ref into the store; a short name is tried in each of the
 * unqualified-search-registries (docker.io when none). *name gets the
 * canonical name and id_out the image id. Every blob's digest and size and
 * every layer's DiffID is verified. Takes the exclusive store lock while
 * storing. */
int registry_pull(struct store *st, const char *ref, const struct registry_opts *o, char **name,
                  char id_out[65], struct pcon_err *err);
/* The digest of the manifest ref names on its registry (after a list,
 * the platform's), for --pull=newer; short names as for pull. */
int registry_pull_digest(const char *ref, const struct registry_opts *o, char digest[72],
                         struct pcon_err *err);

/* The manifest ref names as the registry has it (a list stays one): its
 * text and digest (checked against the reference's digest, if any). */
int registry_manifest_raw(const char *ref, const struct registry_opts *o, char **body,
                          char digest[72], struct pcon_err *err);

enum registry_push_format { REGISTRY_PUSH_AS_STORED = 0, REGISTRY_PUSH_OCI, REGISTRY_PUSH_V2S2 };

/* Pushes the stored image src to dest (NULL: src's name): blobs the
 * registry lacks, then the manifest. digest_out (72 bytes, may be NULL)
 * gets the manifest's digest. Holds the shared store lock. */
int registry_push(struct store *st, const char *src, const char *dest, enum registry_push_format f,
                  const struct registry_opts *o, char *digest_out, struct pcon_err *err);

/* what a pushed image's manifest is: a list's descriptor of it */
struct registry_pushed {
    char digest[72];
    long long size;
    bool docker; /* Docker v2 schema 2, else OCI */
};
/* Pushes the stored image src into the repository dest (host/path, any
 * tag ignored) by its manifest's digest, untagged (a list's instance) */
int registry_push_instance(struct store *st, const char *src, const char *dest,
                           enum registry_push_format f, const struct registry_opts *o,
                           struct registry_pushed *out, struct pcon_err *err);
/* PUTs the manifest list text (Docker's list media type) at dest's tag;
 * digest_out (72 bytes, may be NULL) gets its digest */
int registry_push_list(const char *dest, const char *list, const struct registry_opts *o,
                       char *digest_out, struct pcon_err *err);

/* Checks user:password against the registry (its /v2/ or the token realm
 * it names) and stores them in auth.json. */
int registry_login(const char *host, const char *user, const char *password,
                   const struct registry_opts *o, struct pcon_err *err);
/* the registry part of a login argument ("https://host/x" -> "host") */
char *registry_login_host(const char *arg);
/* Removes the credentials auth.json (authfile NULL: the default) holds
 * for host (NULL: for every registry); PCON_ERR_NOTFOUND when there are
 * none. */
int registry_logout(const char *authfile, const char *host, struct pcon_err *err);
/* host's repositories (its catalog) whose name holds term (NULL: all) */
int registry_search(const char *host, const char *term, const struct registry_opts *o,
                    char ***repos, struct pcon_err *err);
/* the tags of host/repo, as the registry lists them */
int registry_tags(const char *host, const char *repo, const struct registry_opts *o, char ***tags,
                  struct pcon_err *err);

#endif
