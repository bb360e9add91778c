/* SPDX-License-Identifier: Apache-2.0 */
/* --format output shared by the listing commands: a JSON array, or a Go
 * template over each object (with "table" headers and aligned columns). */
#ifndef PCON_CMD_FORMAT_H
#define PCON_CMD_FORMAT_H

#include "../lib/err.h"

/* prints objects (JSON texts) through fmt; fmt "json" prints the array.
 * headers maps field names to column titles. */
int cmd_format_print(const char *fmt, char **objects, const char *const *headers,
                     struct pcon_err *err);
/* "2.39 MB", as podman prints sizes */
char *cmd_human_size(long long bytes);

#endif
