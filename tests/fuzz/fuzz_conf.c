// SPDX-License-Identifier: Apache-2.0
/* The containers configuration files, through lib/toml.c: selector 0,
 * registries.conf (registry_conf_parse, then lookups of names by each entry's
 * prefix); 1, storage.conf read from the file CONTAINERS_STORAGE_CONF
 * names, as every command does. */
#include "fuzz.h"
#include "../../registry/conf.h"

static void
registries(const char *text)
{
    static const char *const names[] = {
        "docker.io/library/bb:1", "127.0.0.1:5000/team/bb", "quay.io", "", "/", "a:b@c"
    };
    struct pcon_err err = { 0 };
    struct registry_conf rc;

    if (registry_conf_parse(text, &rc, &err) < 0) {
        pcon_err_clear(&err);
        return;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        (void) registry_conf_find(&rc, names[i]);
    for (size_t i = 0; i < rc.n; i++) {
        cleanup_free char *below = xasprintf("%s/x:1", rc.entries[i].prefix);
        (void) registry_conf_find(&rc, rc.entries[i].prefix);
        (void) registry_conf_find(&rc, below);
    }
    registry_conf_free(&rc);
}

static void
storage_conf(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("storage.conf");
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct pcon_err err = { 0 };
    enum storage_driver d;
    cleanup_free char *used = NULL;

    if (fd < 0 || fs_write_all(fd, data, size) < 0)
        fuzz_die("write storage.conf");
    setenv("CONTAINERS_STORAGE_CONF", path, 1);
    (void) storage_conf_driver(&d, &used, &err);
    pcon_err_clear(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_select(&data, &size, 2) == 0) {
        cleanup_free char *text = fuzz_str(data, size);
        registries(text);
    } else {
        storage_conf(data, size);
    }
    return 0;
}
