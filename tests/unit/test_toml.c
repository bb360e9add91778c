// SPDX-License-Identifier: Apache-2.0
/* The TOML subset of the containers configuration files: tables, arrays
 * of tables, strings, booleans, string arrays, comments; everything else
 * passed on as "other"; errors naming the file and the line. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/mem.h"
#include "../../lib/toml.h"
#include "tap.h"

/* every callback as one line: "[table]" or "[[table]]" for a header,
 * "table.key=..." for a value (s:STR, b:true, a:(X,Y), other) */
static int
record(void *opaque, const char *table, bool array_table, const char *key,
       const struct toml_value *v, struct pcon_err *err)
{
    char **out = opaque, *line = NULL, *old = *out;

    (void) err;
    if (key == NULL) {
        line = xasprintf(array_table ? "[[%s]]" : "[%s]", table);
    } else if (v->kind == TOML_STRING) {
        line = xasprintf("%s%s%s=s:%s", table, *table ? "." : "", key, v->str);
    } else if (v->kind == TOML_BOOL) {
        line = xasprintf("%s%s%s=b:%s", table, *table ? "." : "", key, v->b ? "true" : "false");
    } else if (v->kind == TOML_ARRAY) {
        char *items = xstrdup("");
        for (char **a = v->arr; *a; a++) {
            char *n = xasprintf("%s%s%s", items, a == v->arr ? "" : ",", *a);
            free(items);
            items = n;
        }
        line = xasprintf("%s%s%s=a:(%s)", table, *table ? "." : "", key, items);
        free(items);
    } else {
        line = xasprintf("%s%s%s=other", table, *table ? "." : "", key);
    }
    *out = xasprintf("%s%s\n", old, line);
    free(old);
    free(line);
    return 0;
}

/* the transcript of text, or "error: MSG" */
static char *
parse(const char *text)
{
    char *out = xstrdup("");
    struct pcon_err err = { 0 };

    if (toml_parse(text, "t.conf", record, &out, &err) < 0) {
        free(out);
        out = xasprintf("error: %s", err.msg);
        pcon_err_clear(&err);
    }
    return out;
}

static void
parses(const char *text, const char *want, const char *name)
{
    char *got = parse(text);

    is_str(got, want, name);
    free(got);
}

static int
stop_at_b(void *opaque, const char *table, bool array_table, const char *key,
          const struct toml_value *v, struct pcon_err *err)
{
    (void) table;
    (void) array_table;
    (void) v;
    (*(int *) opaque)++;
    if (key && strcmp(key, "b") == 0)
        return pcon_fail(err, 0, "b is refused");
    return 0;
}

int
main(void)
{
    parses("", "", "an empty file");
    parses("# only a comment\n\n  \n", "", "comments and blank lines");
    parses("a = \"x\"\n", "a=s:x\n", "a basic string at the top level");
    parses("a = 'c:\\path'\n", "a=s:c:\\path\n", "a literal string keeps backslashes");
    parses("a=\"x\"", "a=s:x\n", "no spaces, no final newline");
    parses("a = \"x\" # why\n", "a=s:x\n", "a comment after a value");
    parses("a = \"x#y\"\n", "a=s:x#y\n", "# inside a string is text");
    parses("a = \"\"\n", "a=s:\n", "an empty string");
    parses("t = true\nf = false\n", "t=b:true\nf=b:false\n", "booleans");
    parses("a = [\"x\", 'y']\n", "a=a:(x,y)\n", "a string array, both quotes");
    /* found here: [] gave a NULL vector, which the header promises never */
    parses("a = []\n", "a=a:()\n", "an empty array is an empty vector");
    parses("a = [\n  \"x\", # first\n  \"y\",\n]\n", "a=a:(x,y)\n",
           "an array over lines, with comments and a trailing comma");
    parses("n = 5\nd = 1979-05-27\ni = { x = 1 }\n", "n=other\nd=other\ni=other\n",
           "numbers, dates, inline tables are other");
    parses("[storage]\ndriver = \"vfs\"\n", "[storage]\nstorage.driver=s:vfs\n", "a table");
    parses("[ storage . options ]\nk = true\n", "[storage.options]\nstorage.options.k=b:true\n",
           "spaces in a dotted header go");
    parses("[[registry]]\nlocation = \"a\"\n[[registry]]\nlocation = \"b\"\n",
           "[[registry]]\nregistry.location=s:a\n[[registry]]\nregistry.location=s:b\n",
           "arrays of tables, one header each");
    parses("top = \"1\"\n[t]\nin = \"2\"\n", "top=s:1\n[t]\nt.in=s:2\n",
           "keys before the first header are top-level");
    parses("\"quoted key\" = \"v\"\n", "quoted key=s:v\n", "a quoted key");
    parses("a.b-c_9 = \"v\"\n", "a.b-c_9=s:v\n", "a dotted bare key is one key");
    parses("a = \"x\"\r\nb = \"y\"\r\n", "a=s:x\nb=s:y\n", "CRLF line ends");

    /* errors: the file and the line */
    parses("a = \"x\\ty\"\n", "error: t.conf: line 1: escapes in strings are not supported",
           "escapes in basic strings are refused");
    parses("\n\na = \"x\n", "error: t.conf: line 3: unterminated string", "an unterminated string");
    parses("a = 'x\n", "error: t.conf: line 1: unterminated string", "an unterminated literal");
    parses("a\n", "error: t.conf: line 1: expected =", "a key without =");
    parses("a =\n", "error: t.conf: line 1: expected a value", "= without a value");
    parses("a = # c\n", "error: t.conf: line 1: expected a value", "only a comment after =");
    parses("= \"x\"\n", "error: t.conf: line 1: expected a key", "a value without a key");
    parses("[t\n", "error: t.conf: line 1: unterminated table header", "an open table header");
    parses("x = \"1\"\n[[t]\n", "error: t.conf: line 2: unterminated table header",
           "an array-table header closed once");
    parses("a = [1, 2]\n", "error: t.conf: line 1: arrays hold strings here",
           "an array of numbers");
    parses("a = [\"x\" \"y\"]\n", "error: t.conf: line 1: expected , or ] in an array",
           "array items without a comma");
    /* an array open at the end of the file was "arrays hold strings here" */
    parses("a = [\n\"x\",\n", "error: t.conf: line 3: unterminated array",
           "an array left open, at the line the file ends");
    parses("a = [\"x\"", "error: t.conf: line 1: unterminated array",
           "an array open after an item");
    parses("a = \"x\" \"y\"\n", "error: t.conf: line 1: unexpected text after a value",
           "two values on a line");
    parses("[t] x = \"1\"\n", "error: t.conf: line 1: unexpected text after a value",
           "a key after a header on its line");
    parses("a = truex\n", "error: t.conf: line 1: unexpected text after a value",
           "a word that starts like true");
    parses("a = [\n  \"x\",\n  # c\n  \"y\"\n]\nb = \"z\nc\"\n",
           "error: t.conf: line 6: unterminated string", "lines inside arrays are counted");

    /* a callback's error stops the parse and is the one returned */
    {
        int calls = 0;
        struct pcon_err err = { 0 };
        int r = toml_parse("a = \"1\"\nb = \"2\"\nc = \"3\"\n", "t.conf", stop_at_b, &calls, &err);
        is_int(r, -1, "a callback's -1 stops the parse");
        is_int(calls, 2, "no callback after it");
        is_str(err.msg, "b is refused", "its error is kept as it is");
        pcon_err_clear(&err);
    }
    return tap_done();
}
