/* SPDX-License-Identifier: Apache-2.0 */
/* pcon build: a Dockerfile's stages run one instruction at a time over
 * the store. RUN runs a container of the step's image (pcon's default
 * confinement) and commits its writable layer; COPY and ADD write their
 * layer straight from the context (nothing runs); the other instructions
 * change the config. Every step that makes an image is cached by a key of
 * the step before it, its text, the build arguments and the content it
 * copies: an unchanged rebuild makes nothing new. */
#ifndef PCON_BUILDER_BUILD_H
#define PCON_BUILDER_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/err.h"
#include "../storage/store.h"

struct engine_create_opts;
struct registry_opts;

struct build_opts {
    const char *context; /* a directory */
    const char *file;    /* NULL: Containerfile or Dockerfile in the context */
    char **tags;         /* -t: names for the result */
    char **build_args;   /* KEY=VALUE or KEY (from the environment) */
    char **labels;       /* --label KEY=VALUE on the result */
    char **ulimits;      /* --ulimit for RUN\'s containers */
    char **secrets;      /* --secret id=ID,src=PATH, for RUN --mount=type=secret */
    const char *target;  /* --target stage, or NULL: the last */
    const char *iidfile; /* --iidfile */
    const char *network; /* RUN's network mode (podman's names), or NULL */
    bool no_cache, quiet;
    long long timestamp; /* --timestamp: every time in the image, or -1 */
    FILE *out;           /* the step lines */
    int *run_status;     /* set to a failed RUN's exit status (podman's exit code then) */
    /* RUN's containers: a template of their options (confinement, limits,
     * network files, binds, namespaces; NULL: the defaults) */
    const struct engine_create_opts *run;
    const struct registry_opts *reg; /* pulls of FROM images (platform too); NULL: defaults */
    char **env, **unsetenv;          /* --env KEY=VALUE, --unsetenv NAME: the image's */
    const char *from;                /* --from: the first FROM's image */
    const char *ignorefile;          /* --ignorefile, or NULL: the context's */
    char **contexts;                 /* --build-context NAME=VALUE */
    bool omit_history, squash, squash_all;
    bool layers_off;        /* --layers=false (the command line makes it no_cache and squash) */
    bool skip_unused;       /* the stages the target does not need are not built */
    int jobs;               /* --jobs: stages built at once (those that wait on none); 0, 1: one */
    char **cpp_flags;       /* --cpp-flag: cpp's, for a Containerfile named *.in */
    const char *output;     /* --output: type=local|tar,dest=PATH, PATH, or - */
    int retries;            /* --retry: a failed FROM pull tried again this often */
    bool retries_set;       /* else podman's 3 */
    int64_t retry_delay;    /* --retry-delay (ns); 0: podman's 2 s */
    int64_t cache_ttl;      /* --cache-ttl: cached steps younger than this (ns); 0: any */
    const char *os_version; /* --os-version: the result's "os.version" */
    char **os_features;     /* --os-feature F (F-: one of the base's removed) */
};

int builder_build(struct store *st, const struct build_opts *o, char id_out[65],
                  struct pcon_err *err);
/* --output's value: a tar (or a directory) at *dest (malloc'd; "-": stdout) */
int builder_output_parse(const char *spec, bool *tar, char **dest, struct pcon_err *err);

/* the image id with every layer squashed into one (commit --squash): the
 * new image's id in id_out (id's own when it has one layer) */
int builder_squash(struct store *st, const char *id, char id_out[65], struct pcon_err *err);

/* whether the image is one a build made for a step (not its result) */
bool builder_is_intermediate(struct store *st, const char *id);

#endif
