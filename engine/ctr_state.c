// SPDX-License-Identifier: Apache-2.0
/* A container's state as its monitor changes it, and the restart policy. */
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/proc.h"
#include "../lib/timefmt.h"
#include "container.h"
#include "ctr_state.h"

static int
state_live(struct store *st, struct container *c, enum ctr_status status, pid_t pid,
           int64_t *started_ns, struct pcon_err *err)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, err);
    char **networks = c->state.networks; /* the monitor's, of this run */
    char now[64];

    c->state.networks = NULL;
    if (lock < 0) {
        strv_free(networks);
        return -1;
    }
    engine_ctr_state_reload(st, c);
    strv_free(c->state.networks);
    c->state.networks = networks;
    *started_ns = time_now_ns();
    time_format_rfc3339(*started_ns, now, sizeof now);
    free(c->state.started_at);
    free(c->state.finished_at);
    /* initialized: not started yet */
    c->state.started_at = status == CTR_RUNNING ? xstrdup(now) : NULL;
    c->state.finished_at = NULL;
    c->state.status = status;
    c->state.pid = pid;
    c->state.exit_code = -1;
    c->state.stopped_by_user = false;
    if (proc_starttime(pid, &c->state.pid_start) < 0)
        c->state.pid_start = 0;
    c->state.monitor = getpid();
    if (proc_starttime(getpid(), &c->state.monitor_start) < 0)
        c->state.monitor_start = 0;
    return engine_ctr_state_save(st, c, false, err);
}

int
engine_ctr_state_running(struct store *st, struct container *c, pid_t pid, int64_t *started_ns,
                         struct pcon_err *err)
{
    return state_live(st, c, CTR_RUNNING, pid, started_ns, err);
}

int
engine_ctr_state_initialized(struct store *st, struct container *c, pid_t pid, struct pcon_err *err)
{
    int64_t ns;

    return state_live(st, c, CTR_INITIALIZED, pid, &ns, err);
}

bool
engine_ctr_state_exited(struct store *st, struct container *c, int code, bool again_anyway)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, NULL);
    char now[64];
    bool again = false;

    engine_ctr_state_reload(st, c);
    strv_free(c->state.networks); /* gone with the run */
    c->state.networks = NULL;
    time_format_rfc3339(time_now_ns(), now, sizeof now);
    free(c->state.finished_at);
    c->state.finished_at = xstrdup(now);
    c->state.exit_code = code;
    c->state.pid = 0;
    switch (c->cfg.restart) {
    case RESTART_NO:
        break;
    case RESTART_ON_FAILURE:
        again = code != 0 && !c->state.stopped_by_user
                && (c->cfg.restart_max == 0 || c->state.restart_count < c->cfg.restart_max);
        break;
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
        again = !c->state.stopped_by_user;
        break;
    }
    again |= again_anyway;
    c->state.status = again ? CTR_RUNNING : CTR_EXITED;
    if (again)
        c->state.restart_count++;
    else
        c->state.monitor = 0;
    (void) engine_ctr_state_save(st, c, !c->cfg.rm, NULL); /* best effort: ps shows truth */
    return again;
}

void
engine_ctr_state_failed(struct store *st, struct container *c, int code)
{
    cleanup_close int lock = engine_ctr_lock(st, c->cfg.id, NULL);
    char now[64];

    engine_ctr_state_reload(st, c);
    strv_free(c->state.networks); /* gone with the run */
    c->state.networks = NULL;
    time_format_rfc3339(time_now_ns(), now, sizeof now);
    free(c->state.finished_at);
    c->state.finished_at = xstrdup(now);
    c->state.status = CTR_EXITED;
    c->state.exit_code = code;
    c->state.pid = 0;
    c->state.monitor = 0;
    (void) engine_ctr_state_save(st, c, false, NULL); /* best effort: ps shows truth */
}
