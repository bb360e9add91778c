// SPDX-License-Identifier: Apache-2.0
/* Image documents as a registry or an archive hands them over and the
 * store keeps them: selector 0, an image config (stored with one layer
 * the way pull and load store it, then read back as run and save read
 * it); 1, a manifest stored beside the fixed config, then read as save
 * and push read it; 2, any JSON document through the parser and the
 * pretty-printer inspect uses. */
#include "fuzz.h"
#include "fuzz_image.h"
#include "../../lib/json.h"
#include "../../storage/blobs.h"
#include "../../storage/image_store.h"

/* the image stored from config and manifest, read back every way */
static void
store_and_read(const char *config, const char *manifest)
{
    struct store *st = fuzz_store();
    cleanup_close int fd = fuzz_empty_tar(), lock = storage_lock(st, true, NULL);
    struct layer_src src = { .fd = fd };
    char *names[] = { "localhost/fuzz:1", NULL };
    cleanup_strv char **loaded = NULL;
    struct pcon_err err = { 0 };
    struct image img = { 0 };
    struct image_config cfg;
    struct image_blobs b;
    char id[65], digest[72];

    if (lock < 0)
        fuzz_die("lock the store");
    if (storage_image_store(st, config, manifest, &src, 1, names, &loaded, id, &err) < 0) {
        pcon_err_clear(&err);
        return;
    }
    if (storage_image_lookup(st, id, &img, &err) < 0)
        fuzz_die(err.msg ? err.msg : "look the stored image up");
    if (storage_image_config(st, &img, &cfg, &err) == 0)
        storage_image_config_free(&cfg);
    pcon_err_clear(&err);
    for (int oci = 0; oci < 2; oci++) {
        if (storage_blobs_get(st, &img, oci, &b, &err) == 0)
            storage_blobs_free(&b);
        pcon_err_clear(&err);
    }
    (void) storage_image_digest(st, &img, digest, NULL);
    (void) storage_image_size(st, &img);
    storage_image_free(&img);
    close(lock);
    lock = -1;
    fuzz_store_clear(st);
}

static void
any_json(const char *text)
{
    struct pcon_err err = { 0 };
    char *objects[] = { (char *) text, NULL };

    free(json_pretty_array(objects, &err));
    pcon_err_clear(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_select(&data, &size, 3);
    cleanup_free char *text = fuzz_str(data, size);

    if (sel == 0)
        store_and_read(text, NULL);
    else if (sel == 1)
        store_and_read(fuzz_image()->config, text);
    else
        any_json(text);
    return 0;
}
