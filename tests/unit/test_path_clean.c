// SPDX-License-Identifier: Apache-2.0
/* Lexical path cleaning below a root: fs_path_clean_rel refuses a path that
 * climbs above the root, fs_path_clean_clamped stops '..' at the root, as
 * paths inside a container resolve. */
#include <stdlib.h>

#include "../../lib/fsutil.h"
#include "tap.h"

static void
rel(const char *in, const char *want)
{
    char *s = fs_path_clean_rel(in);

    is_str(s, want, in);
    free(s);
}

static void
clamped(const char *in, const char *want)
{
    char *s = fs_path_clean_clamped(in);

    is_str(s, want, in);
    free(s);
}

int
main(void)
{
    /* the root itself */
    rel("", "");
    rel("/", "");
    rel("///", "");
    rel(".", "");
    rel("./", "");
    rel("/./.", "");
    rel("a/..", "");
    /* separators: leading, doubled, trailing */
    rel("a", "a");
    rel("/a/b", "a/b");
    rel("//a//b//", "a/b");
    rel("a/b/", "a/b");
    rel("./a/./b/.", "a/b");
    /* '..' resolved lexically */
    rel("a/b/../c", "a/c");
    rel("a/b/../../c", "c");
    rel("/a/../b/../c/d/..", "c");
    rel("a//..//b", "b");
    /* names that only look like . and .. are names */
    rel("...", "...");
    rel("a/..b/.c", "a/..b/.c");
    rel("a/b../c.", "a/b../c.");
    /* climbing above the root, at the start, in the middle, at the end */
    rel("..", NULL);
    rel("/..", NULL);
    rel("../a", NULL);
    rel("a/../..", NULL);
    rel("a/../../b", NULL);
    rel("a/b/../../../etc/passwd", NULL);
    rel("/./../x", NULL);
    /* clamped: the same cleaning, '..' at the root stays there */
    clamped("..", "");
    clamped("/../..", "");
    clamped("../a", "a");
    clamped("/../../etc/x", "etc/x");
    clamped("a/../../b", "b");
    clamped("a/b/../../../c/./d/", "c/d");
    clamped("//a//..//..//b", "b");
    clamped("a/b/..", "a");
    clamped("", "");
    return tap_done();
}
