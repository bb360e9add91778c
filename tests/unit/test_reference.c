// SPDX-License-Identifier: Apache-2.0
/* Image reference parsing and normalisation. */
#include <stdlib.h>

#include "../../storage/reference.h"
#include "tap.h"

static void
check(const char *in, const char *def, const char *want)
{
    struct image_ref r;
    char *s = NULL;

    if (storage_ref_parse(in, def, &r, NULL) == 0) {
        s = storage_ref_string(&r);
        storage_ref_free(&r);
    }
    is_str(s, want, in);
    free(s);
}

static int
short_matches(const char *in, const char *full)
{
    struct image_ref r;
    int m;

    if (storage_ref_parse(in, "localhost", &r, NULL) < 0)
        return -1;
    m = storage_ref_short_matches(&r, full);
    storage_ref_free(&r);
    return m;
}

int
main(void)
{
    check("alpine", "docker.io", "docker.io/library/alpine:latest");
    check("alpine:3.20", "docker.io", "docker.io/library/alpine:3.20");
    check("bb", "localhost", "localhost/bb:latest");
    check("localhost/bb", "docker.io", "localhost/bb:latest");
    check("127.0.0.1:5000/team/app:1.2", "docker.io", "127.0.0.1:5000/team/app:1.2");
    check("registry:5000/x", "docker.io", "registry:5000/x:latest");
    check("quay.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "docker.io",
          "quay.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    check("team/app", "docker.io", "docker.io/team/app:latest");
    check("x/a.b-c__d/e", "docker.io", "docker.io/x/a.b-c__d/e:latest");
    check("a.b_c/e", "docker.io", NULL); /* a registry has no underscore */
    check("UPPER/case", "docker.io", NULL);
    check("", "docker.io", NULL);
    check("a//b", "docker.io", NULL);
    check("name:", "docker.io", NULL);
    check("name:-bad", "docker.io", NULL);
    check("a@sha256:short", "docker.io", NULL);
    check("a___b", "docker.io", NULL);
    check("-a", "docker.io", NULL);
    {
        char tag[140] = "x:";
        memset(tag + 2, 't', 129);
        tag[131] = '\0';
        check(tag, "docker.io", NULL);
        tag[130] = '\0';
        check(tag, "docker.io",
              "docker.io/library/"
              "x:"
              "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
              "tttttttttttttttttttttttttttttttttttttttttttt");
    }
    {
        /* the normalised name, registry and library/ included, is what
         * must fit in 255: a stored name must parse again */
        char name[260];
        memset(name, 'n', 245);
        name[245] = '\0';
        check(name, "docker.io", NULL);
        name[237] = '\0';
        ok(strlen("docker.io/library/") + strlen(name) == 255, "a 237-byte short name");
        {
            struct image_ref r;
            ok(storage_ref_parse(name, "docker.io", &r, NULL) == 0, "fits in docker.io/library/");
            if (r.path) {
                char *s = storage_ref_string(&r), *colon = strrchr(s, ':');
                struct image_ref again;
                *colon = '\0';
                ok(storage_ref_parse(s, "docker.io", &again, NULL) == 0,
                   "and its normalised name parses");
                storage_ref_free(&again);
                free(s);
            }
            storage_ref_free(&r);
        }
        name[237] = 'n';
        name[238] = '\0';
        check(name, "docker.io", NULL);
    }
    is_int(short_matches("bb", "localhost/bb:latest"), 1, "bb finds localhost/bb");
    is_int(short_matches("bb", "docker.io/library/bb:latest"), 1, "bb finds docker.io/library/bb");
    is_int(short_matches("bb", "localhost/xbb:latest"), 0, "bb is not xbb");
    is_int(short_matches("bb", "localhost/bb:other"), 0, "the tag must match");
    is_int(short_matches("team/app", "quay.io/team/app:latest"), 1, "a path finds any registry");
    is_int(short_matches("localhost/bb", "docker.io/library/bb:latest"), 0,
           "a full name is not short");
    return tap_done();
}
