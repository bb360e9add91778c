// SPDX-License-Identifier: Apache-2.0
/* search: a registry's repositories from its catalog (GET /v2/_catalog),
 * those whose name holds the term; a repository's tags (GET
 * /v2/NAME/tags/list). Both answers are untrusted JSON, read with limits. */
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "client.h"
#include "registry.h"

/* a registry's answer is never allowed to grow past this */
#define SEARCH_MAX_ENTRIES 10000

int
registry_json_strings(const char *body, size_t len, const char *key, char ***out,
                      struct pcon_err *err)
{
    cleanup_free char *text = xstrndup(body ? body : "", len);
    cleanup_yajl_val yajl_val root = json_parse(text, err);
    yajl_val v;

    if (root == NULL)
        return pcon_prefix(err, "the registry's answer");
    v = json_get_arr(root, key);
    for (size_t i = 0; v && i < v->u.array.len && i < SEARCH_MAX_ENTRIES; i++)
        if (YAJL_IS_STRING(v->u.array.values[i]))
            strv_push(out, YAJL_GET_STRING(v->u.array.values[i]));
    return 0;
}

static int
get_list(const char *host, const char *repo, const char *path, const char *key,
         const struct registry_opts *o, char ***out, struct pcon_err *err)
{
    struct registry_client cl;
    struct registry_response r = { .fd = -1 };
    cleanup_free char *url = NULL;
    long status;
    int ret = -1;

    *out = NULL;
    if (registry_client_open(&cl, host, repo, "pull", o, err) < 0)
        return pcon_prefix(err, "searching %s", host);
    url = xasprintf("%s/v2/%s", cl.origin, path);
    status = registry_request(&cl, "GET", url, "application/json", NULL, &r, err);
    if (status == 200)
        ret = registry_json_strings(r.body, r.len, key, out, err);
    else if (status >= 0)
        pcon_fail(err, 0, "searching %s: %s answered %ld %s", host, path, status,
                  registry_status_text(status));
    registry_response_free(&r);
    registry_client_close(&cl);
    if (ret < 0) {
        strv_free(*out);
        *out = NULL;
    }
    return ret;
}

int
registry_search(const char *host, const char *term, const struct registry_opts *o, char ***repos,
                struct pcon_err *err)
{
    cleanup_strv char **all = NULL;

    *repos = NULL;
    if (get_list(host, NULL, "_catalog?n=1000", "repositories", o, &all, err) < 0)
        return -1;
    for (size_t i = 0; all && all[i]; i++)
        if (term == NULL || strstr(all[i], term))
            strv_push(repos, all[i]);
    return 0;
}

int
registry_tags(const char *host, const char *repo, const struct registry_opts *o, char ***tags,
              struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/tags/list", repo);

    return get_list(host, repo, path, "tags", o, tags, err);
}
