/* SPDX-License-Identifier: Apache-2.0 */
/* The k8s-file container log: one record a line,
 * "<RFC3339Nano> stdout|stderr F|P <text>" (P: a partial line continued
 * by the next record). The monitor writes it; `pcon logs` and `attach`
 * read it, following a running container; the fuzzer reads records. */
#ifndef PCON_ENGINE_CTR_LOG_H
#define PCON_ENGINE_CTR_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/err.h"

struct store;
struct container;

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

/* --- writing (the monitor) --- */
struct ctr_log_writer {
    int fd;        /* -1: the container is not logged (another driver) */
    long long max; /* bytes before the log starts over; 0: no limit */
};
int engine_ctr_log_open(struct ctr_log_writer *w, struct store *st, const struct container *c,
                        struct pcon_err *err);
void engine_ctr_log_close(struct ctr_log_writer *w);
/* records buf[0..n) of stdout or stderr, a record per line */
void engine_ctr_log_write(struct ctr_log_writer *w, bool err, const char *buf, size_t n);

/* --- reading (logs, attach) --- */
struct engine_log_opts {
    bool follow;          /* until the container stops */
    long tail;            /* the last N lines only; -1: all */
    int64_t since, until; /* ns since the epoch; -1: no bound */
    off_t from;           /* >= 0: only what comes after this offset, following */
};
/* called for each record shown, and with NULL after each batch (a moment
 * to flush what was printed) */
typedef void (*engine_log_cb)(const struct ctr_log_line *l, void *opaque);
int engine_ctr_log_read(struct store *st, struct container *c, const struct engine_log_opts *o,
                        engine_log_cb cb, void *opaque, struct pcon_err *err);
/* the log's size now: where an attach starts to show output */
off_t engine_ctr_log_end(struct store *st, const struct container *c);

#endif
