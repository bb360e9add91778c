/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation that aborts on exhaustion, so no caller carries an ENOMEM path. */
#ifndef PCON_LIB_MEM_H
#define PCON_LIB_MEM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* appends to a malloc'd text (*text NULL: a new one) */
void xappendf(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* NULL-terminated string vectors */
size_t strv_len(char *const *v);
void strv_free(char **v);
char **strv_dup(char *const *v);
bool strv_contains(char *const *v, const char *s);
/* the same strings in the same order (NULL as an empty vector) */
bool strv_equal(char *const *a, char *const *b);
/* sorts v in place (strcmp order) */
void strv_sort(char **v);
/* the strings joined by sep, malloc'd ("" for none) */
char *strv_join(char *const *v, const char *sep);
/* appends a copy of s, reallocating *v */
void strv_push(char ***v, const char *s);
/* appends s without copying it */
void strv_push_take(char ***v, char *s);
/* appends a copy of each non-empty piece of s between sep's characters */
void strv_push_split(char ***v, const char *s, const char *sep);

#endif
