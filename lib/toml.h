/* SPDX-License-Identifier: Apache-2.0 */
/* The subset of TOML the containers configuration files use: tables and
 * arrays of tables, string (basic without escapes, literal), boolean and
 * string-array values. Other values (numbers, inline tables) are passed
 * on as TOML_OTHER for the reader to ignore. */
#ifndef PCON_LIB_TOML_H
#define PCON_LIB_TOML_H

#include <stdbool.h>

#include "err.h"

enum toml_kind { TOML_STRING, TOML_BOOL, TOML_ARRAY, TOML_OTHER };

struct toml_value {
    enum toml_kind kind;
    const char *str; /* TOML_STRING */
    bool b;          /* TOML_BOOL */
    char **arr;      /* TOML_ARRAY: NULL-terminated */
};

/* Called for each table header (key NULL) and each key = value, with the
 * current table's name ("" at the top level, "registry" in [[registry]],
 * "storage.options" in [storage.options]); a negative return stops. */
typedef int (*toml_cb)(void *opaque, const char *table, bool array_table, const char *key,
                       const struct toml_value *v, struct pcon_err *err);

/* errors name file and line */
int toml_parse(const char *text, const char *file, toml_cb cb, void *opaque, struct pcon_err *err);

#endif
