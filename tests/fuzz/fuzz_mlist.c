// SPDX-License-Identifier: Apache-2.0
/* Manifest lists as registries serve them (manifest add docker://...,
 * manifest inspect): a parsed list's entries are image manifests' valid
 * descriptors, and a list made of them reads back as the same entries. */
#include "fuzz.h"
#include "../../storage/mlist.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *text = xstrndup((const char *) data, size);
    struct pcon_err err = { 0 };
    struct mlist l = { 0 }, again = { 0 };
    cleanup_free char *json = NULL;

    if (storage_mlist_parse_entries(text, &l.v, &l.n, &err) < 0) {
        pcon_err_clear(&err);
        return 0;
    }
    for (size_t i = 0; i < l.n; i++)
        if (strlen(l.v[i].digest) != 71 || l.v[i].size <= 0 || l.v[i].media_type == NULL)
            fuzz_die("an entry that is no descriptor");
    json = storage_mlist_json(&l, false);
    if (storage_mlist_parse_entries(json, &again.v, &again.n, &err) < 0 || again.n != l.n)
        fuzz_die("a list pcon wrote does not read back");
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.v[i].digest, again.v[i].digest) != 0 || l.v[i].size != again.v[i].size
            || strcmp(l.v[i].media_type, again.v[i].media_type) != 0)
            fuzz_die("a list entry changed when read back");
    storage_mlist_free(&again);
    storage_mlist_free(&l);
    return 0;
}
