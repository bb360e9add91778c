/* SPDX-License-Identifier: Apache-2.0 */
/* The Dockerfile instructions that only change an image's config (CMD,
 * ENTRYPOINT, ENV, LABEL, EXPOSE, VOLUME, WORKDIR, USER, STOPSIGNAL, SHELL,
 * ONBUILD, HEALTHCHECK, MAINTAINER), for build and for commit's --change,
 * and the word rules they share: JSON arrays (the exec form), quoted
 * words, KEY=VALUE pairs. Pure functions over untrusted text. */
#ifndef PCON_STORAGE_INSTR_H
#define PCON_STORAGE_INSTR_H

#include <stdbool.h>

#include "../lib/err.h"
#include "ociconfig.h"

/* a JSON array of strings ("exec form"): 1 and *out set; 0 when text is
 * not one (the shell form); -1 on a malformed one */
int instr_exec_form(const char *text, char ***out, struct pcon_err *err);
/* words as a shell would split them (quotes, backslashes), no expansion */
int instr_words(const char *text, char ***out, struct pcon_err *err);
/* KEY=VALUE words (or, legacy, "KEY VALUE" for a single pair when
 * allow_legacy), values unquoted */
int instr_pairs(const char *text, bool allow_legacy, char ***keys, char ***values,
                struct pcon_err *err);

/* Applies instruction keyword (any case) with its argument text to c; the
 * shell form of CMD/ENTRYPOINT uses c's SHELL (default /bin/sh -c). */
int instr_apply(struct oci_config *c, const char *keyword, const char *args, struct pcon_err *err);
/* whether keyword is one of those instr_apply knows */
bool instr_is_config(const char *keyword);

#endif
