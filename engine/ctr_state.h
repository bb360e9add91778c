/* SPDX-License-Identifier: Apache-2.0 */
/* The monitor's transitions of a container's state, each under the
 * container's lock: running, exited (where the restart policy decides),
 * failed before it ran. */
#ifndef PCON_ENGINE_CTR_STATE_H
#define PCON_ENGINE_CTR_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/err.h"

struct store;
struct container;

/* init pid runs, watched by this process; *started_ns is when */
int engine_ctr_state_running(struct store *st, struct container *c, pid_t pid, int64_t *started_ns,
                             struct pcon_err *err);
/* pid holds before its command's execve (`pcon init`) */
int engine_ctr_state_initialized(struct store *st, struct container *c, pid_t pid,
                                 struct pcon_err *err);
/* records the exit with code; true when the restart policy starts it again
 * (or again_anyway: --health-on-failure=restart's) */
bool engine_ctr_state_exited(struct store *st, struct container *c, int code, bool again_anyway);
/* the init never ran (setup or exec failed: 125, 126, 127) */
void engine_ctr_state_failed(struct store *st, struct container *c, int code);

#endif
