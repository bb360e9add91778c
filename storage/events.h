/* SPDX-License-Identifier: Apache-2.0 */
/* The event log, as podman's file backend keeps it: one JSON object a line
 * ({"ID","Image","Name","Status","Time","Type","Attributes"}) appended to
 * events/events.log in the run root, under a lock; past 1 MiB it becomes
 * events.log.1 and a new one begins. Writing an event never fails what it
 * records. */
#ifndef PCON_STORAGE_EVENTS_H
#define PCON_STORAGE_EVENTS_H

#include <stdbool.h>

#include "store.h"

#define EVENTS_LOG_MAX (1 << 20)

/* --events-backend none: nothing is written by this process */
void storage_events_disable(void);
/* type: container, image, pod, volume, network, system; id, name, image
 * may be NULL; attrs: KEY=VALUE pairs or NULL */
void storage_event(struct store *st, const char *type, const char *status, const char *id,
                   const char *name, const char *image, char *const *attrs);
/* the log's path and its rotated one's (malloc'd) */
char *storage_events_path(const struct store *st, bool rotated);

#endif
