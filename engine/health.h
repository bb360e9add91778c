/* SPDX-License-Identifier: Apache-2.0 */
/* Healthchecks: a check is the container's test run with exec (its output
 * and exit code kept, the last five), the state (starting, healthy,
 * unhealthy, the failures in a row) in health.json of its run directory,
 * written under a lock. The monitor runs one every interval. */
#ifndef PCON_ENGINE_HEALTH_H
#define PCON_ENGINE_HEALTH_H

#include <stdbool.h>

#include "../lib/err.h"
#include "../storage/store.h"
#include "container.h"

/* one check now, recorded; *healthy its result */
int engine_health_check(struct store *st, struct container *c, bool *healthy, struct pcon_err *err);
/* at each start: "starting", no failures, the log kept */
void engine_health_reset(struct store *st, const struct container *c);
/* podman's State.Health document (malloc'd), or NULL without a check */
char *engine_health_json(struct store *st, const struct container *c);
/* its Status word (malloc'd), or NULL */
char *engine_health_status(struct store *st, const struct container *c);

#endif
