/* SPDX-License-Identifier: Apache-2.0 */
/* systemd's unit file syntax (systemd.syntax(7)): [Section] headers,
 * KEY=VALUE lines, # and ; comments, lines continued by a backslash;
 * and its way of splitting a value into words (quotes, backslashes). */
#ifndef PCON_LIB_UNITFILE_H
#define PCON_LIB_UNITFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct unit_entry {
    char *section, *key, *value;
    unsigned line;
};

struct unit_file {
    struct unit_entry *v;
    size_t n;
};

/* every entry, in order; a line that is none of the above is an error
 * naming its number */
int unitfile_parse(const char *text, struct unit_file *out, struct pcon_err *err);
void unitfile_free(struct unit_file *f);
/* value split into words as systemd splits ExecStart= ("a b" one word,
 * \\ escapes); NULL (and err) on an unterminated quote */
char **unitfile_words(const char *value, struct pcon_err *err);
/* a word as an Exec line takes it back (quoted when it has blanks,
 * quotes, backslashes or a newline); literal: its % and $ doubled, no
 * specifier or variable of systemd's (malloc'd) */
char *unitfile_quote(const char *word, bool literal);

#endif
