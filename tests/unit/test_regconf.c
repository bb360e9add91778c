// SPDX-License-Identifier: Apache-2.0
/* registries.conf parsing, base64 and the tar writer. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../lib/base64.h"
#include "../../lib/tarwrite.h"
#include "../../registry/conf.h"
#include "tap.h"

static const char conf[] = "# comment\n"
                           "unqualified-search-registries = [\"127.0.0.1:5000\", # first\n"
                           "   'quay.io' ]\n"
                           "short-name-mode = \"permissive\"\n"
                           "\n"
                           "[[registry]]\n"
                           "location = \"127.0.0.1:5000\"\n"
                           "insecure = true\n"
                           "[[registry.mirror]]\n"
                           "location = \"mirror.example\"\n"
                           "insecure = false\n"
                           "[[registry]]\n"
                           "prefix = \"example.com/blocked\"\n"
                           "location = \"example.com\"\n"
                           "blocked = true\n";

static void
test_regconf(void)
{
    struct registry_conf rc;
    const struct registry_conf_entry *e;
    struct pcon_err err = { 0 };

    is_int(registry_conf_parse(conf, &rc, &err), 0, "registries.conf parses");
    ok(rc.search && rc.search[0] && rc.search[1] && !rc.search[2], "two search registries");
    is_str(rc.search ? rc.search[1] : NULL, "quay.io", "single-quoted string in an array");
    is_int(rc.n, 2, "two [[registry]] tables (the mirror is not one)");
    e = registry_conf_find(&rc, "127.0.0.1:5000/team/bb:1");
    ok(e && e->insecure && !e->blocked, "insecure by location; the mirror's insecure ignored");
    e = registry_conf_find(&rc, "example.com/blocked/x");
    ok(e && e->blocked, "prefix wins over location");
    ok(registry_conf_find(&rc, "example.com/other") == NULL, "a prefix matches whole components");
    ok(registry_conf_find(&rc, "127.0.0.1:50001/x") == NULL, "no match on a longer port");
    registry_conf_free(&rc);

    is_int(registry_conf_parse("[[registry]]\nlocation = 'x'\ninsecure = maybe\n", &rc, &err), -1,
           "a bad value is refused");
    ok(err.msg && strstr(err.msg, "insecure"), "naming its key");
    pcon_err_clear(&err);
    is_int(registry_conf_parse("x = \"unterminated\n", &rc, &err), -1,
           "a broken string is refused");
    ok(err.msg && strstr(err.msg, "line 1"), "with its line");
    pcon_err_clear(&err);
    is_int(registry_conf_parse("n = 10\n[aliases]\n\"bb\" = \"quay.io/bb\"\nt = {a = \"b\"}\n", &rc,
                               &err),
           0, "numbers, inline tables and other tables are passed over");
    ok(rc.n == 0 && rc.search == NULL, "and change nothing");
    registry_conf_free(&rc);
    is_int(registry_conf_parse("[[registry]]\ninsecure = true\n", &rc, &err), -1,
           "a registry without location");
    pcon_err_clear(&err);
    is_int(registry_conf_parse("[[registry]]\nlocation = \"\"\n", &rc, &err), -1,
           "an empty location is refused");
    is_str(err.msg, "registries.conf: [[registry]] location is empty", "naming it");
    pcon_err_clear(&err);
    is_int(registry_conf_parse("[[registry]]\nlocation = 'x.io'\nprefix = ''\n", &rc, &err), -1,
           "an empty prefix is refused");
    is_str(err.msg, "registries.conf: [[registry]] prefix is empty", "naming it");
    pcon_err_clear(&err);
}

/* found by fuzz_auth: credentials without a colon were freed, then returned */
static void
test_auth_invalid(void)
{
    char path[] = "/tmp/test-auth-XXXXXX";
    int fd = mkstemp(path);
    static const char doc[] = "{\"auths\":{\"quay.io\":{\"auth\":\"bm9jb2xvbg==\"}}}";
    struct pcon_err err = { 0 };
    char *creds = NULL;

    ok(fd >= 0 && write(fd, doc, sizeof doc - 1) == (ssize_t) (sizeof doc - 1), "auth.json");
    is_int(registry_conf_auth_get(path, "quay.io", &creds, &err), -1,
           "\"nocolon\" is no user:password");
    ok(creds == NULL && err.msg && strstr(err.msg, "invalid credentials for quay.io"),
       "and says so");
    pcon_err_clear(&err);
    is_int(registry_conf_auth_get(path, "docker.io", &creds, &err), 0, "another host: none");
    ok(creds == NULL && err.msg == NULL, "and no error");
    close(fd);
    unlink(path);
}

static void
test_base64(void)
{
    char *s;
    size_t n;

    is_str(s = base64_encode("user:pass", 9), "dXNlcjpwYXNz", "encode");
    free(s);
    is_str(s = base64_encode("ab", 2), "YWI=", "encode with padding");
    free(s);
    is_str(s = base64_decode("dXNlcjpwYXNzMQ==", &n), "user:pass1", "decode with padding");
    is_int(n, 10, "decoded length");
    free(s);
    ok(base64_decode("dXN*", NULL) == NULL, "invalid characters refused");
    ok(base64_decode("abc", NULL) == NULL, "a length not a multiple of 4 refused");
}

static void
test_tar(void)
{
    struct tar_writer t = { 0 };
    struct pcon_err err = { 0 };
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    char buf[16] = { 0 };
    FILE *f = tmpfile();

    t.fd = fileno(f);
    is_int(tar_entry(&t, "a.json", 5, &err), 0, "entry");
    is_int(tar_data(&t, "he", 2, &err), 0, "data, first piece");
    is_int(tar_data(&t, "llo", 3, &err), 0, "data, last piece");
    is_int(tar_entry(&t, "empty", 0, &err), 0, "an empty entry");
    is_int(tar_entry(&t, "short", 3, &err), 0, "an entry");
    is_int(tar_finish(&t, &err), -1, "finish refuses a short entry");
    pcon_err_clear(&err);
    is_int(tar_data(&t, "abc", 3, &err), 0, "its data");
    is_int(tar_finish(&t, &err), 0, "finish");
    lseek(t.fd, 0, SEEK_SET);
    archive_read_support_format_tar(a);
    is_int(archive_read_open_fd(a, t.fd, 10240), ARCHIVE_OK, "libarchive reads it");
    is_int(archive_read_next_header(a, &e), ARCHIVE_OK, "first header");
    is_str(archive_entry_pathname(e), "a.json", "its name");
    is_int(archive_read_data(a, buf, sizeof buf), 5, "its size");
    is_str(buf, "hello", "its data");
    is_int(archive_read_next_header(a, &e), ARCHIVE_OK, "second header");
    is_int(archive_entry_size(e), 0, "empty");
    is_int(archive_read_next_header(a, &e), ARCHIVE_OK, "third header");
    is_int(archive_read_next_header(a, &e), ARCHIVE_EOF, "then the end");
    archive_read_free(a);
    fclose(f);
}

int
main(void)
{
    test_regconf();
    test_auth_invalid();
    test_base64();
    test_tar();
    return tap_done();
}
