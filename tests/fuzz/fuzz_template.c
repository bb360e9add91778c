// SPDX-License-Identifier: Apache-2.0
/* --format templates: the input's first line is the template, the rest
 * the JSON value it is rendered over (as inspect, ps and images do). */
#include "fuzz.h"
#include "../../lib/json.h"
#include "../../lib/template.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const headers[] = { "ID", "CONTAINER ID", "Names", "NAMES", NULL };
    cleanup_free char *s = fuzz_str(data, size), *out = NULL, *head = NULL, *aligned = NULL;
    char *nl = strchr(s, '\n');
    struct pcon_err err = { 0 };
    cleanup_yajl_val yajl_val v = NULL;
    struct template *t;

    if (nl)
        *nl = '\0';
    t = template_parse(s, &err);
    if (t == NULL) {
        pcon_err_clear(&err);
        return 0;
    }
    if (template_is_table(t))
        head = template_header(t, headers);
    v = json_parse(nl ? nl + 1 : "{}", &err);
    pcon_err_clear(&err);
    if (v && template_render(t, v, &out, &err) == 0 && out)
        aligned = template_align(out);
    pcon_err_clear(&err);
    template_free(t);
    return 0;
}
