// SPDX-License-Identifier: Apache-2.0
/* Image reference parsing and normalisation. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "reference.h"

/* path-component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-' */
static bool
component_valid(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !(islower((unsigned char) s[0]) || isdigit((unsigned char) s[0])))
        return false;
    while (i < n) {
        unsigned char c = (unsigned char) s[i];
        if (islower(c) || isdigit(c)) {
            i++;
            continue;
        }
        /* a separator: must be followed by an alphanumeric */
        if (c == '.' || (c == '_' && !(i + 1 < n && s[i + 1] == '_')))
            i++;
        else if (c == '_')
            i += 2;
        else if (c == '-')
            while (i < n && s[i] == '-')
                i++;
        else
            return false;
        if (i >= n || !(islower((unsigned char) s[i]) || isdigit((unsigned char) s[i])))
            return false;
    }
    return true;
}

static bool
path_valid(const char *p)
{
    const char *s = p;

    if (*p == '\0' || strlen(p) > 255)
        return false;
    for (;;) {
        const char *e = strchrnul(s, '/');
        if (!component_valid(s, (size_t) (e - s)))
            return false;
        if (*e == '\0')
            return true;
        s = e + 1;
    }
}

static bool
tag_valid(const char *t)
{
    size_t n = strlen(t);

    if (n == 0 || n > 128 || !(isalnum((unsigned char) t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char) t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
            return false;
    return true;
}

static bool
registry_valid(const char *r)
{
    if (*r == '\0')
        return false;
    for (; *r; r++)
        if (!(isalnum((unsigned char) *r) || *r == '.' || *r == '-' || *r == ':' || *r == '['
              || *r == ']'))
            return false;
    return true;
}

int
storage_ref_parse(const char *s, const char *default_registry, struct image_ref *out,
                  struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s);
    char *name = buf, *at, *slash, *colon;

    memset(out, 0, sizeof *out);
    at = strchr(name, '@');
    if (at) {
        *at = '\0';
        if (!digest_valid(at + 1))
            goto bad;
        out->digest = xstrdup(at + 1);
    }
    slash = strchr(name, '/');
    if (slash
        && (memchr(name, '.', (size_t) (slash - name)) || memchr(name, ':', (size_t) (slash - name))
            || ((size_t) (slash - name) == 9 && strncmp(name, "localhost", 9) == 0))) {
        *slash = '\0';
        if (!registry_valid(name))
            goto bad;
        out->registry = xstrdup(name);
        name = slash + 1;
    } else {
        out->registry = xstrdup(default_registry);
        out->short_name = true;
    }
    /* a ':' after the last '/' starts the tag */
    colon = strrchr(name, ':');
    if (colon && strchr(colon, '/') == NULL) {
        *colon = '\0';
        if (!tag_valid(colon + 1))
            goto bad;
        out->tag = xstrdup(colon + 1);
    } else if (out->digest == NULL) {
        out->tag = xstrdup("latest");
    }
    if (!path_valid(name))
        goto bad;
    if (strcmp(out->registry, "docker.io") == 0 && strchr(name, '/') == NULL)
        out->path = xasprintf("library/%s", name);
    else
        out->path = xstrdup(name);
    /* as Docker: at most 255 for the whole normalised name, so that what
     * is stored under it can be named again */
    if (strlen(out->registry) + 1 + strlen(out->path) > 255)
        goto bad;
    return 0;

bad:
    storage_ref_free(out);
    return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL, "invalid reference format \"%s\"", s);
}

void
storage_ref_free(struct image_ref *r)
{
    free(r->registry);
    free(r->path);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof *r);
}

char *
storage_ref_string(const struct image_ref *r)
{
    if (r->tag)
        return xasprintf("%s/%s:%s", r->registry, r->path, r->tag);
    return xasprintf("%s/%s@%s", r->registry, r->path, r->digest);
}

bool
storage_ref_short_matches(const struct image_ref *sr, const char *full)
{
    const char *slash = strchr(full, '/');
    const char *rest, *tagsep;
    size_t plen;
    const char *path = sr->path;

    if (!sr->short_name || slash == NULL || sr->tag == NULL)
        return false;
    /* the path as typed, without the library/ that normalisation added */
    if (strncmp(path, "library/", 8) == 0 && strcmp(sr->registry, "docker.io") == 0)
        path += 8;
    rest = slash + 1;
    tagsep = strrchr(rest, ':');
    if (tagsep == NULL || strcmp(tagsep + 1, sr->tag) != 0)
        return false;
    plen = (size_t) (tagsep - rest);
    if (plen == strlen(path) && strncmp(rest, path, plen) == 0)
        return true;
    /* docker.io/library/NAME */
    return plen == strlen(path) + 8 && strncmp(rest, "library/", 8) == 0
           && strncmp(rest + 8, path, plen - 8) == 0;
}
