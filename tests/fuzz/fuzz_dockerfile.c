// SPDX-License-Identifier: Apache-2.0
/* Dockerfiles as pcon build reads them: a parsed one has instructions
 * with an upper-case keyword, flags that start with "--" and a line; every
 * argument expands (or is one usage error), and every config instruction
 * applies to a config (or is one usage error) that then writes as JSON
 * and reads back. */
#include "fuzz.h"
#include "../../builder/dockerfile.h"
#include "../../storage/instr.h"
#include "../../storage/ociconfig.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcon_err err = { 0 };
    struct dockerfile df;
    struct oci_config cfg = { 0 };
    cleanup_free char *text = NULL;
    char *vars[] = { (char *) "A=1", (char *) "HOME=/root", (char *) "EMPTY=", NULL };

    if (size > 65536)
        return 0;
    text = fuzz_str(data, size);
    if (dockerfile_parse(text, &df, &err) < 0) {
        if (err.kind != PCON_ERR_USAGE || df.n != 0)
            fuzz_die("a refused Dockerfile with instructions, or not a usage error");
        pcon_err_clear(&err);
        return 0;
    }
    for (size_t i = 0; i < df.n; i++) {
        const struct df_instr *in = &df.v[i];
        cleanup_free char *expanded = NULL;
        if (!in->keyword || !in->args || in->line == 0)
            fuzz_die("an instruction out of shape");
        for (const char *k = in->keyword; *k; k++)
            if (*k >= 'a' && *k <= 'z')
                fuzz_die("a keyword not upper case");
        for (size_t f = 0; in->flags && in->flags[f]; f++)
            if (strncmp(in->flags[f], "--", 2) != 0)
                fuzz_die("a flag without --");
        if (dockerfile_expand(in->args, vars, df.escape, &expanded, &err) < 0) {
            if (err.kind != PCON_ERR_USAGE)
                fuzz_die("an expansion refused without a usage error");
            pcon_err_clear(&err);
            continue;
        }
        if (instr_is_config(in->keyword) && instr_apply(&cfg, in->keyword, expanded, &err) < 0) {
            if (err.kind != PCON_ERR_USAGE)
                fuzz_die("an instruction refused without a usage error");
            pcon_err_clear(&err);
        }
    }
    {
        cleanup_free char *json = storage_oci_config_json(&cfg);
        struct oci_config back;
        if (storage_oci_config_parse(json, &back, &err) < 0)
            fuzz_die("a written config does not read back");
        if (strv_len(back.env) != strv_len(cfg.env)
            || strv_len(back.labels) != strv_len(cfg.labels))
            fuzz_die("a config read back differs");
        storage_oci_config_free(&back);
    }
    storage_oci_config_free(&cfg);
    dockerfile_free(&df);
    return 0;
}
