// SPDX-License-Identifier: Apache-2.0
/* json_get with an index of the object's keys finds what the scan finds:
 * every key, the first of a repeated name, nothing for a missing one,
 * each object its own while indexes nest; a large object is scanned. */
#include <stdio.h>
#include <stdlib.h>

#include "../../lib/json.h"
#include "../../lib/mem.h"
#include "tap.h"

int
main(void)
{
    yajl_val a =
        json_parse("{\"x\": \"1\", \"y\": \"2\", \"x\": \"dup\", \"z\": {\"x\": \"inner\"}}", NULL);
    yajl_val inner = json_get(a, "z");
    char *big_text = xstrdup("{");
    yajl_val big;
    int found = 0;

    ok(a != NULL && inner != NULL, "parsed");
    {
        cleanup_json_index struct json_index ix;
        json_index_begin(&ix, a);
        is_str(json_get_str(a, "x"), "1", "the first of a repeated name, as the scan");
        is_str(json_get_str(a, "y"), "2", "a key");
        ok(json_get(a, "w") == NULL, "a missing key");
        ok(json_get(a, "") == NULL, "an empty name");
        {
            cleanup_json_index struct json_index ix2;
            json_index_begin(&ix2, inner);
            is_str(json_get_str(inner, "x"), "inner", "the inner object's own, indexes nested");
            is_str(json_get_str(a, "y"), "2", "the outer one's still");
        }
        is_str(json_get_str(inner, "x"), "inner", "a scan after the inner index ended");
    }
    for (int i = 0; i < 600; i++)
        xappendf(&big_text, "%s\"k%d\": \"%d\"", i ? ", " : "", i, i);
    xappendf(&big_text, "}");
    big = json_parse(big_text, NULL);
    {
        cleanup_json_index struct json_index ix;
        json_index_begin(&ix, big);
        for (int i = 0; i < 600; i++) {
            char k[16], v[16];
            snprintf(k, sizeof k, "k%d", i);
            snprintf(v, sizeof v, "%d", i);
            found += json_get_str(big, k) && strcmp(json_get_str(big, k), v) == 0;
        }
    }
    is_int(found, 600, "an object too large to index: every key, scanned");
    yajl_tree_free(big);
    yajl_tree_free(a);
    free(big_text);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
