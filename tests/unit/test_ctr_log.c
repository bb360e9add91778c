// SPDX-License-Identifier: Apache-2.0
/* The k8s-file record reader: "<timestamp> stdout|stderr F|P <text>",
 * what it splits out of good records and which records it refuses. */
#include <stdlib.h>
#include <string.h>

#include "../../engine/ctr_log.h"
#include "../../lib/mem.h"
#include "tap.h"

#define TS "2026-11-23T02:56:49.123456789Z"

/* the fields of record s as "TS|out|F|text", or "refused" */
static char *
fields(const char *s, size_t n)
{
    struct ctr_log_line l;

    if (!engine_ctr_log_parse_line(s, n, &l))
        return xstrdup("refused");
    return xasprintf("%.*s|%s|%c|%.*s", (int) l.tslen, l.ts, l.err ? "err" : "out",
                     l.full ? 'F' : 'P', (int) l.len, l.text);
}

static void
parses(const char *s, const char *want, const char *name)
{
    char *got = fields(s, strlen(s));

    is_str(got, want, name);
    free(got);
}

int
main(void)
{
    parses(TS " stdout F hello", TS "|out|F|hello", "a full line on stdout");
    parses(TS " stderr F oops", TS "|err|F|oops", "a full line on stderr");
    parses(TS " stdout P part", TS "|out|P|part", "a partial line");
    parses(TS " stdout F ", TS "|out|F|", "an empty line");
    parses(TS " stdout F  two  spaces ", TS "|out|F| two  spaces ",
           "the text is kept as written, spaces and all");
    parses(TS " stderr F a F b", TS "|err|F|a F b", "fields in the text are text");

    /* the text ends where the caller says, not at a NUL */
    {
        const char rec[] = TS " stdout F ab\0cd";
        char *got = fields(rec, sizeof rec - 1);
        struct ctr_log_line l;

        ok(engine_ctr_log_parse_line(rec, sizeof rec - 1, &l) && l.len == 5
               && memcmp(l.text, "ab\0cd", 5) == 0,
           "a NUL in the text is text");
        free(got);
        got = fields(rec, strlen(TS " stdout F a"));
        is_str(got, TS "|out|F|a", "the length bounds the record");
        free(got);
    }

    /* what is not a record */
    parses("", "refused", "an empty record");
    parses(TS, "refused", "a timestamp alone");
    parses(TS " stdout", "refused", "no flag");
    parses(TS " stdout ", "refused", "an empty flag");
    parses(TS " stdout FF text", "refused", "a flag of two letters");
    parses(TS " stdout Ftext", "refused", "no space after the flag");
    /* a record may end at its flag: an empty line from a writer that
     * leaves out the space */
    parses(TS " stdout F", TS "|out|F|", "a record ending at the flag");
    parses(TS " stderr P", TS "|err|P|", "a partial one too");

    /* the stream and the flag are checked; the timestamp is parsed only
     * where --since/--until need it, but must be there */
    parses(TS " other F x", "refused", "a stream other than stdout or stderr");
    parses(TS " stdoutx F x", "refused", "a longer stream name");
    parses(TS " stdout X x", "refused", "a flag other than F or P");
    parses("not-a-time stdout F x", "not-a-time|out|F|x", "the timestamp is not parsed here");
    parses(" stdout F x", "refused", "but it is required");
    return tap_done();
}
