// SPDX-License-Identifier: Apache-2.0
/* Aborting allocators and string vectors. */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static void
oom(void)
{
    static const char msg[] = "Error: out of memory\n";

    (void) !write(2, msg, sizeof msg - 1);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom();
    return p;
}

void *
xzalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);

    if (p == NULL)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        oom();
    return p;
}

char *
xstrdup(const char *s)
{
    char *p = strdup(s);

    if (p == NULL)
        oom();
    return p;
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (p == NULL)
        oom();
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        oom();
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void
xappendf(char **text, const char *fmt, ...)
{
    size_t have = *text ? strlen(*text) : 0;
    va_list ap;
    char *piece;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    *text = xrealloc(*text, have + strlen(piece) + 1);
    strcpy(*text + have, piece);
    free(piece);
}

size_t
strv_len(char *const *v)
{
    size_t n = 0;

    while (v && v[n])
        n++;
    return n;
}

void
strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

char **
strv_dup(char *const *v)
{
    size_t n = strv_len(v);
    char **r = xmalloc((n + 1) * sizeof *r);

    for (size_t i = 0; i < n; i++)
        r[i] = xstrdup(v[i]);
    r[n] = NULL;
    return r;
}

void
strv_push_split(char ***v, const char *s, const char *sep)
{
    char *buf = xstrdup(s), *save = NULL;

    for (char *w = strtok_r(buf, sep, &save); w; w = strtok_r(NULL, sep, &save))
        strv_push(v, w);
    free(buf);
}

void
strv_push_take(char ***v, char *s)
{
    size_t n = strv_len(*v);

    *v = xrealloc(*v, (n + 2) * sizeof **v);
    (*v)[n] = s;
    (*v)[n + 1] = NULL;
}

void
strv_push(char ***v, const char *s)
{
    strv_push_take(v, xstrdup(s));
}

static int
strv_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

void
strv_sort(char **v)
{
    if (v)
        qsort(v, strv_len(v), sizeof *v, strv_cmp);
}

char *
strv_join(char *const *v, const char *sep)
{
    size_t n = 1, seplen = strlen(sep);
    char *out, *p;

    for (size_t i = 0; v && v[i]; i++)
        n += strlen(v[i]) + (i ? seplen : 0);
    p = out = xmalloc(n);
    for (size_t i = 0; v && v[i]; i++) {
        size_t l = strlen(v[i]);
        if (i) {
            memcpy(p, sep, seplen);
            p += seplen;
        }
        memcpy(p, v[i], l);
        p += l;
    }
    *p = '\0';
    return out;
}

bool
strv_equal(char *const *a, char *const *b)
{
    size_t n = strv_len(a);

    if (n != strv_len(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

bool
strv_contains(char *const *v, const char *s)
{
    for (size_t i = 0; v && v[i]; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}
