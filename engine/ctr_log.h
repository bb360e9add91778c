/* SPDX-License-Identifier: Apache-2.0 */
/* The k8s-file container log as the monitor writes it: one record a line,
 * "<RFC3339Nano> stdout|stderr F|P <text>" (P: a partial line continued
 * by the next record). Pure: `pcon logs` reads it, the fuzzer too. */
#ifndef PCON_ENGINE_CTR_LOG_H
#define PCON_ENGINE_CTR_LOG_H

#include <stdbool.h>
#include <stddef.h>

struct ctr_log_line {
    const char *ts; /* the timestamp as written, not terminated */
    size_t tslen;
    bool err, full; /* from stderr; a whole line (F) */
    const char *text;
    size_t len;
};

/* Splits the record p[0..n) (without its newline); the fields point into
 * p. false when it is not one. */
bool engine_ctr_log_parse_line(const char *p, size_t n, struct ctr_log_line *l);

#endif
