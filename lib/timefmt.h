/* SPDX-License-Identifier: Apache-2.0 */
/* Times as the container world writes them: RFC 3339 with nanoseconds,
 * and human durations as Docker and podman print them. */
#ifndef PCON_LIB_TIMEFMT_H
#define PCON_LIB_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* nanoseconds since the epoch */
int64_t time_now_ns(void);
/* "2026-11-23T02:56:49.123456789Z" */
void time_format_rfc3339(int64_t ns, char *buf, size_t n);
/* parses RFC 3339 (Z or +hh:mm, optional fraction); -1 when invalid or NULL */
int64_t time_parse_rfc3339(const char *s);
/* parses a --since/--until value: RFC 3339, a date, unix seconds, or a
 * duration ("10m", "1h30m", "5s") back from now; -1 when invalid */
int64_t time_parse_point(const char *s, int64_t now_ns);
/* a Go duration ("250ms", "1h30m", "1.5s") in nanoseconds; -1 when invalid */
int64_t time_parse_duration(const char *s);
/* "Less than a second", "3 seconds", "About a minute", "2 hours" ... */
char *time_human_duration(int64_t ns);

#endif
