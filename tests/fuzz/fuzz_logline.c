// SPDX-License-Identifier: Apache-2.0
/* The k8s-file container log as `pcon logs` reads it: records split at
 * newlines, each parsed, its timestamp read for --since and --until. */
#include "fuzz.h"
#include "../../engine/ctr_log.h"
#include "../../lib/timefmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *) data;
    size_t off = 0;

    while (off < size) {
        const char *nl = memchr(buf + off, '\n', size - off);
        size_t n = nl ? (size_t) (nl - buf) - off : size - off;
        struct ctr_log_line l;

        if (engine_ctr_log_parse_line(buf + off, n, &l)) {
            char ts[64];
            if (l.ts != buf + off || l.tslen > n || l.text < buf + off || l.len > n
                || l.text + l.len > buf + off + n)
                fuzz_die("a log record's fields point outside it");
            snprintf(ts, sizeof ts, "%.*s", (int) l.tslen, l.ts);
            (void) time_parse_rfc3339(ts);
        }
        off += n + 1;
    }
    return 0;
}
