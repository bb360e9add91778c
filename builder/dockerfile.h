/* SPDX-License-Identifier: Apache-2.0 */
/* Dockerfiles (Containerfiles) read: parser directives (escape), comments,
 * line continuations, instructions with their --flags, and the variable
 * expansion ($VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}) of the instructions
 * that have it, heredocs (<<NAME, <<-NAME, <<"NAME") on RUN, COPY and ADD.
 * Pure functions over untrusted text. A RUN's heredocs go to its shell:
 * a RUN of a heredoc alone runs its content as the script; a command with
 * heredocs gets them as the shell reads them. */
#ifndef PCON_BUILDER_DOCKERFILE_H
#define PCON_BUILDER_DOCKERFILE_H

#include <stdbool.h>

#include "../lib/err.h"

#define DOCKERFILE_MAX (1 << 20)

struct df_instr {
    char *keyword; /* upper case */
    char **flags;  /* "--from=build", "--chown=1:1", in order */
    char *args;    /* the rest, continuation lines joined */
    unsigned line; /* where it starts, 1-based */
    /* COPY and ADD <<NAME heredocs (the marker replaced by NAME in args):
     * their names and contents, in order; raw[i]: the content is not
     * expanded (a quoted <<"NAME") */
    char **heredoc_names, **heredoc_bodies;
    bool *heredoc_raw;
};

struct dockerfile {
    struct df_instr *v;
    size_t n;
    char escape; /* '\\' or '`' */
};

/* errors are PCON_ERR_USAGE and name the line */
int dockerfile_parse(const char *text, struct dockerfile *out, struct pcon_err *err);
void dockerfile_free(struct dockerfile *d);
/* whether the keyword takes variables from ENV and ARG */
bool dockerfile_expands(const char *keyword);
/* text with its variables replaced from vars (KEY=VALUE, later ones win);
 * the escape character keeps a $ as it is */
int dockerfile_expand(const char *text, char *const *vars, char escape, char **out,
                      struct pcon_err *err);

#endif
