/* SPDX-License-Identifier: Apache-2.0 */
/* The service manager's notification protocol (sd_notify(3)): a datagram
 * to $NOTIFY_SOCKET, a path or an abstract name ("@..."). */
#ifndef PCON_LIB_SDNOTIFY_H
#define PCON_LIB_SDNOTIFY_H

#include "err.h"

/* sends text ("READY=1\nMAINPID=42") to $NOTIFY_SOCKET; 0 when there is
 * none to send to */
int sdnotify_send(const char *text, struct pcon_err *err);

#endif
