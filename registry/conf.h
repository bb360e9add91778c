/* SPDX-License-Identifier: Apache-2.0 */
/* The containers configuration a registry client reads: registries.conf
 * (unqualified-search-registries; [[registry]] location, prefix,
 * insecure, blocked), auth.json (credentials pcon login stores) and
 * certs.d (a registry's CA and client certificate). */
#ifndef PCON_REGISTRY_CONF_H
#define PCON_REGISTRY_CONF_H

#include <stdbool.h>

#include "../lib/err.h"

struct registry_conf_entry {
    char *prefix; /* "host[:port][/path]" */
    bool insecure, blocked;
};

struct registry_conf {
    char **search; /* unqualified-search-registries */
    struct registry_conf_entry *entries;
    size_t n;
};

/* $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf,
 * else /etc/containers/registries.conf; a missing file is an empty one */
int registry_conf_load(struct registry_conf *rc, struct pcon_err *err);
/* parses the TOML subset registries.conf uses (exposed for the tests) */
int registry_conf_parse(const char *text, struct registry_conf *rc, struct pcon_err *err);
void registry_conf_free(struct registry_conf *rc);
/* the entry with the longest prefix matching "host/path", or NULL */
const struct registry_conf_entry *registry_conf_find(const struct registry_conf *rc,
                                                     const char *name);

/* auth.json: --authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json (reading also falls back to
 * ~/.config/containers/auth.json and ~/.docker/config.json) */
char *registry_conf_authfile_path(const char *authfile);
/* 1 with *out = "user:password" stored for host, 0 when none is stored,
 * -1 when an auth file cannot be read as one */
int registry_conf_auth_get(const char *authfile, const char *host, char **out,
                           struct pcon_err *err);
/* stores (user != NULL) or removes (user NULL; host NULL: all) credentials.
 * Fails with PCON_ERR_NOTFOUND when removing what is not there. */
int registry_conf_auth_set(const char *authfile, const char *host, const char *user,
                           const char *password, struct pcon_err *err);

/* certs.d for host: (cert_dir, else ~/.config/containers/certs.d/HOST,
 * /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST): the first *.crt
 * as CA, a *.cert with its *.key as client certificate */
struct registry_certs {
    char *ca, *cert, *key;
};
void registry_conf_certs(const char *cert_dir, const char *host, struct registry_certs *out);
void registry_conf_certs_free(struct registry_certs *c);

#endif
