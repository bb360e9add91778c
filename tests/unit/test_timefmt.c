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
    is_int(time_parse_duration("0"), 0, "0 is a duration, as Go's");
    is_int(time_parse_duration("0x"), -1, "a unit that is none is invalid");
    is_int(time_parse_point("10m", NOW), NOW - 600000000000LL, "a duration back from now");
    is_int(time_parse_point("1h30m", NOW), NOW - 5400000000000LL, "a compound duration");
    is_int(time_parse_point("1700000000", NOW), 1700000000000000000LL, "unix seconds");
    is_int(time_parse_point("2026-11-23", NOW), 1795392000000000000LL, "a date");
    /* found by fuzz_values: out-of-range doubles were converted to integers */
    is_int(time_parse_point("99999999999h", NOW), -1, "a duration past int64 is invalid");
    is_int(time_parse_point("2562047h2562047h", NOW), -1, "so is a sum that overflows");
    is_int(time_parse_point("1e300", NOW), -1, "and unix seconds past it");
    is_int(time_parse_point("9999-01-01", NOW), -1, "and a date past 2262");

    /* RFC 3339 */
    is_int(time_parse_rfc3339("1970-01-01T00:00:00Z"), 0, "the epoch");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49z"), 1795402609000000000LL,
           "no fraction, a lower-case z");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49"), 1795402609000000000LL,
           "no zone is read as UTC");
    is_int(time_parse_rfc3339("2026-11-23T01:56:49-01:00"), 1795402609000000000LL,
           "a negative offset");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49.1234567891234Z"), 1795402609123456789LL,
           "digits past nanoseconds are dropped");
    is_int(time_parse_rfc3339("1969-12-31T23:59:59Z"), -1, "before the epoch is invalid");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49Zjunk"), -1, "text after the zone");
    is_int(time_parse_rfc3339(""), -1, "an empty string");
    /* found here: the offset was read with sscanf("%2d:%2d") and then
     * skipped as 6 bytes, past the end of "+1:00" */
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+1:00"), -1, "a one-digit offset hour");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+01:0"), -1, "a one-digit offset minute");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+01"), -1, "an offset without minutes");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+"), -1, "a sign alone");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+-1:00"), -1, "a signed offset hour");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+0100"), -1, "an offset without a colon");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+24:00"), -1, "an offset hour past 23");
    is_int(time_parse_rfc3339("2026-11-23T02:56:49+01:60"), -1, "an offset minute past 59");
    /* and "49." was a fraction of no digits */
    is_int(time_parse_rfc3339("2026-11-23T02:56:49.Z"), -1, "a fraction needs a digit");
    time_format_rfc3339(0, buf, sizeof buf);
    is_str(buf, "1970-01-01T00:00:00.000000000Z", "the epoch formatted, nine digits");
    time_format_rfc3339(1795402609000000001LL, buf, sizeof buf);
    is_str(buf, "2026-11-23T02:56:49.000000001Z", "leading zeros of the fraction kept");

    /* --since / --until points */
    is_int(time_parse_point("2026-11-23T02:56:49Z", NOW), 1795402609000000000LL,
           "an RFC 3339 point");
    is_int(time_parse_point("1700000000.5", NOW), 1700000000500000000LL, "fractional unix seconds");
    is_int(time_parse_point("0", NOW), 0, "unix second 0");
    is_int(time_parse_point("30s", NOW), NOW - 30000000000LL, "seconds back");
    is_int(time_parse_point("250ms", NOW), NOW - 250000000LL, "milliseconds back");
    is_int(time_parse_point("1.5h", NOW), NOW - 5400000000000LL, "a fractional duration");
    is_int(time_parse_point("2h45m10s", NOW), NOW - 9910000000000LL, "hours, minutes, seconds");
    is_int(time_parse_point("1m1m", NOW), NOW - 120000000000LL, "a unit twice adds up");
    is_int(time_parse_point("", NOW), -1, "an empty point");
    is_int(time_parse_point("5d", NOW), -1, "days are no unit");
    is_int(time_parse_point("10m5", NOW), -1, "a number left without its unit");
    is_int(time_parse_point("m", NOW), -1, "a unit without a number");
    is_int(time_parse_point("-5m", NOW), -1, "a negative duration");
    is_int(time_parse_point("yesterday", NOW), -1, "a word");
    is_int(time_parse_point("nanh", NOW), -1, "not a number of hours");
    is_int(time_parse_point("2026-13-01", NOW), -1, "a month 13");

    /* durations as podman prints them (Docker's units and rounding) */
    {
        static const struct {
            int64_t s;
            const char *want;
        } d[] = {
            { 0, "Less than a second" },    { 1, "1 second" },
            { 59, "59 seconds" },           { 60, "About a minute" },
            { 119, "About a minute" },      { 120, "2 minutes" },
            { 59 * 60 + 59, "59 minutes" }, { 3600, "About an hour" },
            { 89 * 60, "About an hour" },   { 90 * 60, "2 hours" },
            { 47 * 3600, "47 hours" },      { 48 * 3600, "2 days" },
            { 13 * 86400, "13 days" },      { 14 * 86400, "2 weeks" },
            { 59 * 86400, "8 weeks" },      { 60 * 86400, "2 months" },
            { 729 * 86400, "24 months" },   { 730 * 86400, "2 years" },
        };
        for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
            char *h = time_human_duration(d[i].s * 1000000000LL);
            is_str(h, d[i].want, d[i].want);
            free(h);
        }
        char *h = time_human_duration(999999999LL);
        is_str(h, "Less than a second", "just under a second");
        free(h);
    }
    return tap_done();
}
