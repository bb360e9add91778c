// SPDX-License-Identifier: Apache-2.0
/* Unit files as the quadlet generator reads them: a parsed one has
 * entries with a section, a key without '=' or blanks around it, and a
 * value; every value splits into words or is one usage error. */
#include "fuzz.h"
#include "../../lib/unitfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcon_err err = { 0 };
    struct unit_file f;
    cleanup_free char *text = NULL;

    if (size > 65536)
        return 0;
    text = fuzz_str(data, size);
    if (unitfile_parse(text, &f, &err) < 0) {
        if (err.kind != PCON_ERR_USAGE || f.n != 0)
            fuzz_die("a refused file with entries, or not a usage error");
        pcon_err_clear(&err);
        return 0;
    }
    for (size_t i = 0; i < f.n; i++) {
        const struct unit_entry *e = &f.v[i];
        char **w;
        if (!e->section || !e->key || !e->value || !e->key[0] || strchr(e->key, '=')
            || e->key[strlen(e->key) - 1] == ' ' || e->line == 0)
            fuzz_die("an entry out of shape");
        w = unitfile_words(e->value, &err);
        if (w == NULL) {
            if (err.kind != PCON_ERR_USAGE)
                fuzz_die("a value refused without a usage error");
            pcon_err_clear(&err);
            continue;
        }
        strv_free(w);
    }
    unitfile_free(&f);
    return 0;
}
