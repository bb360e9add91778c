// SPDX-License-Identifier: Apache-2.0
/* login: user:password checked against the registry (its /v2/, or the
 * token realm it names) before auth.json stores them; logout removes
 * them. */
#include <string.h>

#include "../lib/cleanup.h"
#include "client.h"
#include "conf.h"
#include "registry.h"

char *
registry_login_host(const char *arg)
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
registry_login(const char *host, const char *user, const char *password,
               const struct registry_opts *o, struct pcon_err *err)
{
    cleanup_free char *creds = xasprintf("%s:%s", user, password), *url = NULL;
    struct registry_opts lo = *o;
    struct registry_client cl;
    struct registry_response r = { .fd = -1 };
    long status;
    int ret = -1;

    lo.creds = creds;
    if (registry_client_open(&cl, host, NULL, "pull,push", &lo, err) < 0)
        goto out;
    url = xasprintf("%s/v2/", cl.origin);
    status = registry_request(&cl, "GET", url, NULL, NULL, &r, err);
    registry_response_free(&r);
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
    ret = registry_conf_auth_set(o->authfile, host, user, password, err);
out:
    if (ret < 0)
        pcon_prefix(err, "logging into \"%s\"", host);
    registry_client_close(&cl);
    return ret;
}

int
registry_logout(const char *authfile, const char *host, struct pcon_err *err)
{
    return registry_conf_auth_set(authfile, host, NULL, NULL, err);
}
