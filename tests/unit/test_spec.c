// SPDX-License-Identifier: Apache-2.0
/* Process specification helpers: volumes, args, environment, users. */
#include <stdlib.h>

#include "../../engine/spec.h"
#include "../../lib/fsutil.h"
#include "../../lib/mem.h"
#include "tap.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "tester:x:1000:1000:t:/home/tester:/bin/sh\n"
                             "nohome:x:1200:1200::\n";
static const char group[] = "root:x:0:\ntester:x:1000:\nextra:x:2000:tester,other\n"
                            "more:x:3000:other,tester\n";

static void
volume(const char *in, const char *src, const char *dst, int ro)
{
    struct volume v;
    int r = engine_spec_volume_parse(in, &v, NULL);

    if (src == NULL) {
        is_int(r, -1, in);
        return;
    }
    ok(r == 0 && strcmp(v.src, src) == 0 && strcmp(v.dst, dst) == 0 && v.ro == ro, in);
    if (r == 0)
        engine_spec_volume_free(&v);
}

/* -v /path: an anonymous volume, no source yet */
static void
anonymous(const char *in, const char *dst)
{
    struct volume v;
    int r = engine_spec_volume_parse(in, &v, NULL);

    ok(r == 0 && v.src == NULL && v.anonymous && v.named && strcmp(v.dst, dst) == 0, in);
    if (r == 0)
        engine_spec_volume_free(&v);
}

static void
clean(const char *in, const char *want)
{
    char *s = fs_path_clean_rel(in);

    is_str(s, want, in);
    free(s);
}

int
main(void)
{
    char **args = NULL, **env = NULL;
    char *img_ep[] = { "/entry", NULL }, *img_cmd[] = { "default", NULL };
    char *cli[] = { "given", "x", NULL }, *host[] = { "FROMHOST=h", NULL };
    uid_t uid;
    gid_t gid, groups[8];
    int ng = 8;
    char *home = NULL;

    volume("/a:/b:ro", "/a", "/b", 1);
    volume("/a:/b", "/a", "/b", 0);
    volume("/a:/b:rw,z", "/a", "/b", 0);
    volume("/a:/b/../c", "/a", "/c", 0);
    volume("/a:/../../x", "/a", "/x", 0);
    volume("/a:relative", NULL, NULL, 0);
    volume("/a:/b:bogus", NULL, NULL, 0);
    volume("named:/data", "named", "/data", 0); /* a named volume */
    volume("named:/data:z,ro", "named", "/data", 1);
    volume("bad name:/data", NULL, NULL, 0);
    volume("-dash:/data", NULL, NULL, 0);
    volume("/a:/", NULL, NULL, 0);
    anonymous("/a", "/a");
    anonymous("/a/../b", "/b");
    volume("a", NULL, NULL, 0);

    is_int(engine_spec_args(img_ep, img_cmd, NULL, false, NULL, &args, NULL), 0, "image args");
    ok(strv_len(args) == 2 && strcmp(args[1], "default") == 0, "entrypoint + cmd");
    strv_free(args);
    is_int(engine_spec_args(img_ep, img_cmd, NULL, false, cli, &args, NULL), 0, "cli args");
    ok(strv_len(args) == 3 && strcmp(args[1], "given") == 0, "cli replaces cmd");
    strv_free(args);
    is_int(engine_spec_args(img_ep, img_cmd, "", true, cli, &args, NULL), 0, "empty entrypoint");
    is_str(args[0], "given", "--entrypoint '' clears the image's");
    strv_free(args);
    is_int(engine_spec_args(img_ep, img_cmd, "[\"sh\",\"-c\"]", true, cli, &args, NULL), 0,
           "JSON entrypoint");
    ok(strv_len(args) >= 3 && strcmp(args[0], "sh") == 0 && strcmp(args[1], "-c") == 0,
       "--entrypoint '[\"sh\",\"-c\"]': two arguments");
    strv_free(args);
    is_int(engine_spec_args(img_ep, img_cmd, "[not json", true, cli, &args, NULL), 0, "not JSON");
    is_str(args[0], "[not json", "a '[' that is not a JSON array is one name");
    strv_free(args);
    is_int(engine_spec_args(img_ep, img_cmd, "[1,2]", true, cli, &args, NULL), 0, "numbers");
    is_str(args[0], "[1,2]", "an array of other than strings is one name");
    strv_free(args);
    is_int(engine_spec_args(NULL, NULL, NULL, false, NULL, &args, NULL), -1, "nothing to run");

    engine_spec_env_set(&env, "A=1", NULL);
    engine_spec_env_set(&env, "B=2", NULL);
    engine_spec_env_set(&env, "A=3", NULL);
    is_str(engine_spec_env_get(env, "A"), "3", "a later value replaces");
    is_int(strv_len(env), 2, "no duplicate keys");
    engine_spec_env_set(&env, "FROMHOST", host);
    is_str(engine_spec_env_get(env, "FROMHOST"), "h", "a bare key comes from the host");
    engine_spec_env_set(&env, "UNSET", host);
    is_str(engine_spec_env_get(env, "UNSET"), NULL, "an unset bare key is dropped");
    engine_spec_env_file("# c\n\nF=1\r\n  G=two words\n", &env, host);
    is_str(engine_spec_env_get(env, "F"), "1", "env file, CRLF");
    is_str(engine_spec_env_get(env, "G"), "two words", "env file, spaces kept");
    strv_free(env);

    is_int(engine_spec_user_resolve("tester", passwd, group, &uid, &gid, &home, groups, &ng, NULL),
           0, "user by name");
    ok(uid == 1000 && gid == 1000 && strcmp(home, "/home/tester") == 0, "uid, gid, home");
    ok(ng == 2 && groups[0] == 2000 && groups[1] == 3000, "supplementary groups");
    free(home);
    ng = 8;
    is_int(
        engine_spec_user_resolve("1000:2000", passwd, group, &uid, &gid, &home, groups, &ng, NULL),
        0, "numeric pair");
    ok(uid == 1000 && gid == 2000 && ng == 0, "explicit group, no supplementary");
    free(home);
    ng = 8;
    engine_spec_user_resolve("4242", passwd, group, &uid, &gid, &home, groups, &ng, NULL);
    ok(uid == 4242 && gid == 0 && strcmp(home, "/") == 0, "unknown numeric uid: gid 0, HOME /");
    free(home);
    ng = 8;
    engine_spec_user_resolve("0", NULL, NULL, &uid, &gid, &home, groups, &ng, NULL);
    is_str(home, "/root", "root without passwd: /root");
    free(home);
    ng = 8;
    is_int(engine_spec_user_resolve("ghost", passwd, group, &uid, &gid, &home, groups, &ng, NULL),
           -1, "unknown name");
    ng = 8;
    is_int(engine_spec_user_resolve("tester:nogroup", passwd, group, &uid, &gid, &home, groups, &ng,
                                    NULL),
           -1, "unknown group name");
    free(home);

    ok(engine_spec_name_valid("web-1.a_b"), "valid name");
    ok(!engine_spec_name_valid("-web"), "leading dash");
    ok(!engine_spec_name_valid("a/b"), "slash");
    ok(!engine_spec_name_valid(""), "empty");

    clean("/a/b", "a/b");
    clean("a/../b", "b");
    clean("../x", NULL);
    clean("/../x", NULL);
    clean("./a/./b//c/", "a/b/c");
    clean("/", "");
    clean("a/b/../../..", NULL);
    {
        char *c = fs_path_clean_clamped("/../../etc/x");
        is_str(c, "etc/x", "clamped at the root");
        free(c);
    }
    return tap_done();
}
