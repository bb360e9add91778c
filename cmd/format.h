/* SPDX-License-Identifier: Apache-2.0 */
/* --format output shared by the listing commands: a JSON array, or a Go
 * template over each object (with "table" headers and aligned columns). */
#ifndef PCON_CMD_FORMAT_H
#define PCON_CMD_FORMAT_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>

#include "../lib/err.h"

/* prints objects (JSON texts) through fmt; fmt "json" prints the array.
 * headers maps field names to column titles. */
int cmd_format_print(const char *fmt, char **objects, const char *const *headers,
                     struct pcon_err *err);
/* --noheading: fmt without its "table" (rows still aligned on its tabs) */
const char *cmd_format_no_table(const char *fmt);
/* KEY=VALUE pairs (labels, options) as a JSON object, as podman shows them */
yajl_gen_status cmd_json_map(yajl_gen g, char *const *pairs);
/* "2.39 MB", as podman prints sizes */
char *cmd_human_size(long long bytes);
/* the same (go-units' decimal units) with that many significant digits, the
 * unit after a space or not: podman's "2.131MB" in tree, "102kB" in ps --size */
char *cmd_human_size_digits(long long bytes, int digits, bool space);

#endif
