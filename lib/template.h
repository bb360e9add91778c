/* SPDX-License-Identifier: Apache-2.0 */
/* Go templates as podman users put them in --format, evaluated over a
 * JSON value: fields, pipelines, literals, variables, range/if/with/else,
 * the functions podman's scripts use (json, lower, upper, title, join,
 * index, len, printf, print, println, eq, ne, lt, le, gt, ge, and, or, not,
 * truncate, slice, contains, split), and the "table" prefix with
 * tab-aligned columns. */
#ifndef PCON_LIB_TEMPLATE_H
#define PCON_LIB_TEMPLATE_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "err.h"

struct template;

/* Parses fmt ("\t" and "\n" written as two characters are escapes). A
 * leading "table" asks for a header row and aligned columns. */
struct template *template_parse(const char *fmt, struct pcon_err *err);
void template_free(struct template *t);
bool template_is_table(const struct template *t);
/* the header row of a table: each column's first field, upper-cased and
 * named through headers ({"ID", "CONTAINER ID", ..., NULL}) */
char *template_header(const struct template *t, const char *const *headers);
/* Renders one value; appends to *out. Fails on an unknown field. */
int template_render(const struct template *t, yajl_val v, char **out, struct pcon_err *err);
/* Aligns tab-separated lines as Go's tabwriter (padding 2) */
char *template_align(const char *text);

#endif
