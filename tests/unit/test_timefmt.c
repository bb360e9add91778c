// SPDX-License-Identifier: Apache-2.0
/* RFC 3339 times, --since/--until points and durations. */
#include <stdlib.h>

#include "../../lib/timefmt.h"
#include "tap.h"

#define NOW 1800000000000000000LL

int
main(void)
{
    char buf[64];

    is_int(time_parse_rfc3339("2026-11-23T02:56:49.123456789Z"), 1795402609123456789LL,
           "RFC 3339 with nanoseconds");
    is_int(time_parse_rfc3339("2026-11-23T03:56:49.5+01:00"), 1795402609500000000LL,
           "with an offset and a short fraction");
    time_format_rfc3339(1795402609123456789LL, buf, sizeof buf);
    is_str(buf, "2026-11-23T02:56:49.123456789Z", "formatted back");
    is_int(time_parse_rfc3339("2026-11-23 02:56:49Z"), -1, "no T: invalid");
    /* found by fuzz_logline: the nanoseconds of years past 2262 overflowed */
    is_int(time_parse_rfc3339("7227-11-23T02:56:49.2Z"), -1, "a year past 2262 is invalid");
    is_int(time_parse_rfc3339("2262-04-11T23:47:15.999999999Z"), 9223372035999999999LL,
           "2262 still fits");
    is_int(time_parse_point("10m", NOW), NOW - 600000000000LL, "a duration back from now");
    is_int(time_parse_point("1h30m", NOW), NOW - 5400000000000LL, "a compound duration");
    is_int(time_parse_point("1700000000", NOW), 1700000000000000000LL, "unix seconds");
    is_int(time_parse_point("2026-11-23", NOW), 1795392000000000000LL, "a date");
    /* found by fuzz_values: out-of-range doubles were converted to integers */
    is_int(time_parse_point("99999999999h", NOW), -1, "a duration past int64 is invalid");
    is_int(time_parse_point("2562047h2562047h", NOW), -1, "so is a sum that overflows");
    is_int(time_parse_point("1e300", NOW), -1, "and unix seconds past it");
    is_int(time_parse_point("9999-01-01", NOW), -1, "and a date past 2262");
    return tap_done();
}
