// SPDX-License-Identifier: Apache-2.0
/* Image references as users and archives (RepoTags, ref.name) give them:
 * parsed with both default registries; a parsed reference's canonical
 * string must parse again to itself. */
#include "fuzz.h"
#include "../../storage/reference.h"

static void
check(const char *s, const char *default_registry)
{
    static const char *const stored[] = {
        "localhost/bb:latest",
        "docker.io/library/busybox:1.36",
        ("127.0.0.1:5000/team/"
         "app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    };
    struct pcon_err err = { 0 };
    struct image_ref r, again;
    cleanup_free char *canon = NULL, *canon2 = NULL;

    if (storage_ref_parse(s, default_registry, &r, &err) < 0) {
        pcon_err_clear(&err);
        return;
    }
    canon = storage_ref_string(&r);
    for (size_t i = 0; i < sizeof stored / sizeof stored[0]; i++)
        (void) storage_ref_short_matches(&r, stored[i]);
    (void) storage_ref_short_matches(&r, canon);
    if (storage_ref_parse(canon, default_registry, &again, &err) < 0) {
        fprintf(stderr, "\"%s\" parses as \"%s\", which does not: %s\n", s, canon, err.msg);
        abort();
    }
    canon2 = storage_ref_string(&again);
    if (strcmp(canon, canon2) != 0) {
        fprintf(stderr, "\"%s\" parses as \"%s\", then as \"%s\"\n", s, canon, canon2);
        abort();
    }
    storage_ref_free(&again);
    storage_ref_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *s = fuzz_str(data, size);

    check(s, "docker.io");
    check(s, "localhost");
    return 0;
}
