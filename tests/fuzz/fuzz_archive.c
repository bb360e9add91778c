// SPDX-License-Identifier: Apache-2.0
/* pcon load: selector 0, the input is a docker-archive's manifest.json,
 * in an archive that also holds config.json and layer.tar of the fixed
 * image; 1, an oci-archive's index.json, beside the fixed image's blobs;
 * 2, the whole archive. Every image loaded is removed again. */
#include "fuzz.h"
#include "fuzz_image.h"
#include "../../lib/tarwrite.h"
#include "../../storage/archive.h"

static void
add(struct tar_writer *t, const char *path, const void *buf, size_t len)
{
    if (tar_entry(t, path, (long long) len, NULL) < 0 || tar_data(t, buf, len, NULL) < 0)
        fuzz_die("write the archive");
}

static void
add_blob(struct tar_writer *t, const char *digest, const void *buf, size_t len)
{
    cleanup_free char *path = xasprintf("blobs/sha256/%s", digest + 7);

    add(t, path, buf, len);
}

/* the archive around doc: a docker-archive or an oci-archive */
static int
archive_with(const uint8_t *doc, size_t len, bool oci)
{
    const struct fuzz_image *fi = fuzz_image();
    struct tar_writer t = { .fd = fuzz_memfd("", 0) };

    if (oci) {
        static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
        add(&t, "oci-layout", layout, strlen(layout));
        add(&t, "index.json", doc, len);
        add_blob(&t, fi->config_digest, fi->config, strlen(fi->config));
        add_blob(&t, fi->layer_digest, fi->layer, sizeof fi->layer);
        add_blob(&t, fi->manifest_digest, fi->manifest, strlen(fi->manifest));
    } else {
        add(&t, "manifest.json", doc, len);
        add(&t, "config.json", fi->config, strlen(fi->config));
        add(&t, "layer.tar", fi->layer, sizeof fi->layer);
    }
    if (tar_finish(&t, NULL) < 0 || lseek(t.fd, 0, SEEK_SET) < 0)
        fuzz_die("finish the archive");
    return t.fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_select(&data, &size, 3);
    struct store *st = fuzz_store();
    cleanup_close int fd = sel == 2 ? fuzz_memfd(data, size) : archive_with(data, size, sel == 1);
    cleanup_strv char **loaded = NULL;
    struct pcon_err err = { 0 };

    (void) storage_archive_load(st, fd, &loaded, &err);
    pcon_err_clear(&err);
    if (storage_count(st->images_dfd) > 0) /* loaded, or some of it */
        fuzz_store_clear(st);
    return 0;
}
