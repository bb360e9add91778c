/* SPDX-License-Identifier: Apache-2.0 */
/* The per-user pause process holding pcon's user and mount namespaces, and
 * joining them. */
#ifndef PCON_ENGINE_USERNS_H
#define PCON_ENGINE_USERNS_H

#include <stdbool.h>

#include "../lib/err.h"

/* Joins the pause process's namespaces (creating it when missing or stale)
 * so that the caller runs as root in pcon's user namespace and sees the
 * store's mounts. Must be called while single-threaded. A no-op when
 * already inside, or when running as real root. */
int engine_userns_join(const char *runroot, struct pcon_err *err);
/* ends the pause process pause.pid in runroot names (the recorded one:
 * its start time checked), as system reset does; gone already is fine */
void engine_userns_pause_stop(const char *runroot);
/* the subordinate ranges (host ids) /etc/subuid (uid) or /etc/subgid gives
 * owner, through libsubid: their number (at most max), or -1 with
 * podman's error when there are none */
struct idrange;
int engine_subid_ranges_of(const char *owner, bool uid, struct idrange *out, size_t max,
                           struct pcon_err *err);
/* true when this process runs in a user namespace with a single id mapped */
bool engine_userns_single_mapping(void);

#endif
