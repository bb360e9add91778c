/* SPDX-License-Identifier: Apache-2.0 */
/* Containers: creating the record, running it in the foreground, removing
 * it. */
#ifndef PCON_ENGINE_CONTAINER_H
#define PCON_ENGINE_CONTAINER_H

#include <stdbool.h>

#include "../lib/err.h"
#include "../netns/netns.h"
#include "../storage/store.h"

struct engine_run_opts {
    const char *image;
    char **cmd;
    const char *name;
    char **env;       /* -e KEY=VALUE or KEY, in order */
    char **env_files; /* --env-file, before -e */
    const char *workdir;
    const char *user;
    char **volumes; /* -v HOST:CTR[:OPTS] */
    const char *hostname;
    enum netns_mode net;
    const char *entrypoint;
    bool entrypoint_set;
    bool interactive;
    bool rm;
};

/* Creates the container, runs it in the foreground with the caller's stdio
 * and waits for it. *exit_code is the container's exit code (128+N when
 * killed by signal N). With rm, nothing of the container is left. */
int engine_container_run(struct store *st, const struct engine_run_opts *o, int *exit_code,
                         struct pcon_err *err);

#endif
