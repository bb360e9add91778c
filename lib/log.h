/* SPDX-License-Identifier: Apache-2.0 */
/* Warnings on stderr, one line each, in podman's shape. */
#ifndef PCON_LIB_LOG_H
#define PCON_LIB_LOG_H

void pcon_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --log-level error, fatal or panic: warnings are not shown */
void pcon_log_quiet(void);

#endif
