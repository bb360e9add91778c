// SPDX-License-Identifier: Apache-2.0
/* Time formatting and parsing. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "timefmt.h"

int64_t
time_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
time_format_rfc3339(int64_t ns, char *buf, size_t n)
{
    time_t sec = (time_t) (ns / 1000000000LL);
    struct tm tm;
    size_t l;

    gmtime_r(&sec, &tm);
    l = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + l, n - l, ".%09lldZ", (long long) (ns % 1000000000LL));
}

/* seconds and nanoseconds as nanoseconds since the epoch; -1 before the
 * epoch or past what int64_t holds (the year 2262) */
static int64_t
ns_of(int64_t sec, int64_t frac)
{
    if (sec < 0 || sec >= INT64_MAX / 1000000000LL)
        return -1;
    return sec * 1000000000LL + frac;
}

int64_t
time_parse_rfc3339(const char *s)
{
    struct tm tm;
    const char *p;
    int64_t frac = 0, sec;
    int digits = 0;

    if (s == NULL)
        return -1; /* a time not recorded */
    memset(&tm, 0, sizeof tm);
    p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (p == NULL)
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char) *p))
            return -1; /* a fraction has at least one digit */
        while (isdigit((unsigned char) *p)) {
            if (digits < 9) {
                frac = frac * 10 + (*p - '0');
                digits++;
            }
            p++;
        }
        while (digits++ < 9)
            frac *= 10;
    }
    sec = (int64_t) timegm(&tm);
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        /* exactly "hh:mm": p += 6 below must not pass the end */
        int hh, mm;
        for (int i = 1; i <= 5; i++)
            if (i == 3 ? p[i] != ':' : !isdigit((unsigned char) p[i]))
                return -1;
        hh = (p[1] - '0') * 10 + (p[2] - '0');
        mm = (p[4] - '0') * 10 + (p[5] - '0');
        if (hh > 23 || mm > 59)
            return -1;
        sec -= (*p == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
        p += 6;
    }
    if (*p != '\0')
        return -1;
    return ns_of(sec, frac);
}

int64_t
time_parse_duration(const char *s)
{
    int64_t total = 0;

    if (*s == '\0')
        return -1;
    if (strcmp(s, "0") == 0)
        return 0; /* Go's one number without a unit */
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        int64_t unit;

        if (end == s)
            return -1;
        if (strncmp(end, "ms", 2) == 0) {
            unit = 1000000LL;
            end += 2;
        } else if (*end == 'h') {
            unit = 3600000000000LL;
            end++;
        } else if (*end == 'm') {
            unit = 60000000000LL;
            end++;
        } else if (*end == 's') {
            unit = 1000000000LL;
            end++;
        } else {
            return -1;
        }
        v *= (double) unit;
        /* a value a long long cannot hold, or a sum that overflows */
        if (!(v > -9e18 && v < 9e18) || __builtin_add_overflow(total, (int64_t) v, &total))
            return -1;
        s = end;
    }
    return total;
}

int64_t
time_parse_point(const char *s, int64_t now_ns)
{
    int64_t t = time_parse_rfc3339(s), d;
    struct tm tm;
    char *end;

    if (t >= 0)
        return t;
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%d", &tm);
    if (end && *end == '\0')
        return ns_of((int64_t) timegm(&tm), 0);
    if (isdigit((unsigned char) *s)) {
        double secs = strtod(s, &end);
        if (*end == '\0')
            return secs < 9e9 ? (int64_t) (secs * 1e9) : -1;
    }
    d = time_parse_duration(s);
    if (d >= 0)
        return now_ns - d;
    return -1;
}

char *
time_human_duration(int64_t ns)
{
    int64_t seconds = ns / 1000000000LL;
    int64_t minutes = seconds / 60;
    int64_t hours = (ns + 1800000000000LL) / 3600000000000LL; /* rounded, as Docker */

    if (seconds < 1)
        return xstrdup("Less than a second");
    if (seconds == 1)
        return xstrdup("1 second");
    if (seconds < 60)
        return xasprintf("%lld seconds", (long long) seconds);
    if (minutes == 1)
        return xstrdup("About a minute");
    if (minutes < 60)
        return xasprintf("%lld minutes", (long long) minutes);
    if (hours == 1)
        return xstrdup("About an hour");
    if (hours < 48)
        return xasprintf("%lld hours", (long long) hours);
    if (hours < 24 * 7 * 2)
        return xasprintf("%lld days", (long long) hours / 24);
    if (hours < 24 * 30 * 2)
        return xasprintf("%lld weeks", (long long) hours / 24 / 7);
    if (hours < 24 * 365 * 2)
        return xasprintf("%lld months", (long long) hours / 24 / 30);
    return xasprintf("%lld years", (long long) (seconds / 3600) / 24 / 365);
}
