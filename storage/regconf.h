/* SPDX-License-Identifier: Apache-2.0 */
/* The containers configuration a registry client reads: registries.conf
 * (unqualified-search-registries; [[registry]] location, prefix,
 * insecure, blocked), auth.json (credentials pcon login stores) and
 * certs.d (a registry's CA and client certificate). */
#ifndef PCON_STORAGE_REGCONF_H
#define PCON_STORAGE_REGCONF_H

#include <stdbool.h>

#include "../lib/err.h"

struct regconf_entry {
    char *prefix; /* "host[:port][/path]" */
    bool insecure, blocked;
};

struct regconf {
    char **search; /* unqualified-search-registries */
    struct regconf_entry *entries;
    size_t n;
};

/* the user's containers configuration file NAME:
 * $XDG_CONFIG_HOME/containers/NAME, else ~/.config/containers/NAME */
char *regconf_user_path(const char *name);

/* $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf,
 * else /etc/containers/registries.conf; a missing file is an empty one */
int regconf_load(struct regconf *rc, struct pcon_err *err);
/* parses the TOML subset registries.conf uses (exposed for the tests) */
int regconf_parse(const char *text, struct regconf *rc, struct pcon_err *err);
void regconf_free(struct regconf *rc);
/* the entry with the longest prefix matching "host/path", or NULL */
const struct regconf_entry *regconf_find(const struct regconf *rc, const char *name);

/* auth.json: --authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_RUNTIME_DIR/containers/auth.json (reading also falls back to
 * ~/.config/containers/auth.json and ~/.docker/config.json) */
char *regconf_authfile_path(const char *authfile);
/* "user:password" stored for host, or NULL */
char *regconf_auth_get(const char *authfile, const char *host, struct pcon_err *err);
/* stores (user != NULL) or removes (user NULL; host NULL: all) credentials.
 * Fails with PCON_ERR_NOTFOUND when removing what is not there. */
int regconf_auth_set(const char *authfile, const char *host, const char *user, const char *password,
                     struct pcon_err *err);

/* certs.d for host: (cert_dir, else ~/.config/containers/certs.d/HOST,
 * /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST): the first *.crt
 * as CA, a *.cert with its *.key as client certificate */
struct regcerts {
    char *ca, *cert, *key;
};
void regconf_certs(const char *cert_dir, const char *host, struct regcerts *out);
void regconf_certs_free(struct regcerts *c);

#endif
