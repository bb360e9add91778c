// SPDX-License-Identifier: Apache-2.0
/* Credentials: selector 0, an auth.json (read for a few hosts, then a
 * login and a logout rewrite it, and the login must read back); 1, a
 * registry's WWW-Authenticate challenge, its parameters as the Bearer
 * login takes them; 2, a catalog's or a tag list's answer, as search
 * reads it. */
#include "fuzz.h"
#include "../../registry/client.h"
#include "../../registry/conf.h"

static void
auth_json(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = { "docker.io", "127.0.0.1:5000", "quay.io", "" };
    const char *path = fuzz_path("auth.json");
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct pcon_err err = { 0 };
    cleanup_free char *back = NULL;

    if (fd < 0 || fs_write_all(fd, data, size) < 0)
        fuzz_die("write auth.json");
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        char *c = NULL;
        int r = registry_conf_auth_get(path, hosts[i], &c, &err);
        if ((r == 1) != (c != NULL) || (r < 0) != (err.msg != NULL))
            fuzz_die("auth lookup broke its contract");
        free(c);
        pcon_err_clear(&err);
    }
    if (registry_conf_auth_set(path, "fuzz.example", "user", "pa:ss", &err) < 0) {
        pcon_err_clear(&err); /* a file that does not parse is refused */
        return;
    }
    if (registry_conf_auth_get(path, "fuzz.example", &back, &err) != 1
        || strcmp(back, "user:pa:ss") != 0) {
        fprintf(stderr, "login not read back: %s\n", back ? back : err.msg);
        abort();
    }
    if (registry_conf_auth_set(path, "fuzz.example", NULL, NULL, &err) < 0)
        fuzz_die(err.msg ? err.msg : "logout");
}

static void
challenge(const uint8_t *data, size_t size)
{
    static const char *const keys[] = { "realm", "service", "scope", "error", "" };
    cleanup_free char *h = fuzz_str(data, size);

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        free(registry_auth_param(h, keys[i]));
}

static void
listing(const uint8_t *data, size_t size)
{
    static const char *const keys[] = { "repositories", "tags" };
    struct pcon_err err = { 0 };

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char **v = NULL;
        int r = registry_json_strings((const char *) data, size, keys[i], &v, &err);
        if ((r < 0) != (err.msg != NULL) || strv_len(v) > 10000)
            fuzz_die("listing broke its contract");
        strv_free(v);
        pcon_err_clear(&err);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int s = fuzz_select(&data, &size, 3);

    if (s == 0)
        auth_json(data, size);
    else if (s == 1)
        challenge(data, size);
    else
        listing(data, size);
    return 0;
}
