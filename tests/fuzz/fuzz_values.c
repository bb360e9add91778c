// SPDX-License-Identifier: Apache-2.0
/* Option values from the command line and from images: selector 0, an
 * RFC 3339 time; 1, a --since/--until point; 2, a signal name
 * (--stop-signal, kill -s, an image's StopSignal); 3, `import --change`
 * instructions, one a line, through a real import of an empty layer; 4, a
 * --network mode (later a compose file's network_mode), which must come
 * back the same from its stored form, and a network's options
 * (NAME:OPTS's); 5, --cap-add/--cap-drop names, one
 * a line, normalized once and again the same; 6, a --tmpfs PATH[:OPTS]
 * and a -v SRC:DST[:OPTS] (their paths clean and absolute), a --mount, a
 * --secret (its file's target clean and absolute, its stored form read
 * back the same) and an --entrypoint (its JSON array form). */
#include <arpa/inet.h>

#include "fuzz.h"
#include "../../engine/caps.h"
#include "../../engine/container.h"
#include "../../engine/spec.h"
#include "../../lib/timefmt.h"
#include "../../netns/netns.h"
#include "../../storage/import.h"

#define NOW_NS 1800000000000000000LL /* 2027-01-15 */

static void
times(const char *s, bool point)
{
    int64_t t = point ? time_parse_point(s, NOW_NS) : time_parse_rfc3339(s);
    char buf[64];

    if (t < 0)
        return;
    time_format_rfc3339(t, buf, sizeof buf);
    free(time_human_duration(NOW_NS - t));
}

static void
changes(char *s)
{
    struct store *st = fuzz_store();
    cleanup_strv char **v = NULL;
    cleanup_close int fd = fuzz_empty_tar();
    struct image_import_opts o = { .name = "localhost/fuzz:1" };
    struct pcon_err err = { 0 };
    char id[65];
    char *save = NULL;

    for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        strv_push(&v, l);
    o.changes = v;
    if (storage_import(st, fd, &o, id, &err) == 0)
        fuzz_store_clear(st);
    pcon_err_clear(&err);
}

/* a network's options (--network NAME:OPTS, as records keep them): their
 * canonical form reads back the same */
static void
network_opts(const char *s)
{
    struct net_attach a = { 0 }, b = { 0 };
    struct pcon_err err = { 0 };
    cleanup_free char *first = NULL, *second = NULL;

    if (engine_net_attach_parse(s, &a, &err) < 0) {
        if (err.kind != PCON_ERR_USAGE || err.msg == NULL)
            fuzz_die("refused network options that are no usage error");
        pcon_err_clear(&err);
        engine_net_attach_free(&a);
        return;
    }
    first = engine_net_attach_string(&a);
    if (engine_net_attach_parse(first, &b, NULL) < 0)
        fuzz_die("network options' stored form does not parse");
    second = engine_net_attach_string(&b);
    if (strcmp(first, second) != 0)
        fuzz_die("network options' stored form changes when read back");
    engine_net_attach_free(&a);
    engine_net_attach_free(&b);
}

static void
network(const char *s)
{
    struct netns_spec a, b;
    struct netns_slirp_addrs addrs;
    struct pcon_err err = { 0 };
    cleanup_free char *first = NULL, *second = NULL;
    struct in_addr ip;

    network_opts(s);
    if (netns_spec_parse(s, &a, &err) < 0) {
        if (err.kind != PCON_ERR_USAGE || err.msg == NULL)
            fuzz_die("a refused network mode that is no usage error");
        pcon_err_clear(&err);
        return;
    }
    first = netns_spec_string(&a);
    if (netns_spec_parse(first, &b, &err) < 0)
        fuzz_die("a network mode's stored form does not parse");
    second = netns_spec_string(&b);
    if (strcmp(first, second) != 0)
        fuzz_die("a network mode's stored form changes when read back");
    netns_slirp_addrs(&b, &addrs);
    if (inet_pton(AF_INET, addrs.address, &ip) != 1 || inet_pton(AF_INET, addrs.dns, &ip) != 1
        || inet_pton(AF_INET, addrs.gateway, &ip) != 1 || addrs.prefix < 1 || addrs.prefix > 25)
        fuzz_die("a network's addresses are no addresses");
}

static void
caps(char *s)
{
    cleanup_strv char **v = NULL, **once = NULL, **twice = NULL;
    struct pcon_err err = { 0 };
    uint64_t set, added;
    char *save = NULL;

    for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        strv_push(&v, l);
    if (engine_caps_normalize(v, &once, &err) < 0) {
        if (err.kind != PCON_ERR_USAGE)
            fuzz_die("a refused capability that is no usage error");
        pcon_err_clear(&err);
        return;
    }
    if (engine_caps_normalize(once, &twice, &err) < 0 || strv_len(once) != strv_len(twice))
        fuzz_die("normalized capabilities do not normalize to themselves");
    for (size_t i = 0; once && once[i]; i++)
        if (strcmp(once[i], twice[i]) != 0)
            fuzz_die("normalized capabilities changed");
    engine_caps_compute(once, NULL, &set, &added);
    if ((added & ~set) != 0)
        fuzz_die("added capabilities outside the set");
    strv_free(engine_caps_names(set));
}

static void
mounts(const char *s)
{
    struct tmpfs_mount t;
    struct volume v;
    struct pcon_err err = { 0 };

    if (engine_spec_tmpfs_parse(s, &t, &err) == 0) {
        if (t.dst == NULL || t.dst[0] != '/' || strstr(t.dst, "/../") || t.data == NULL)
            fuzz_die("a tmpfs path that is not clean and absolute");
        engine_spec_tmpfs_free(&t);
    }
    pcon_err_clear(&err);
    if (engine_spec_volume_parse(s, &v, &err) == 0) {
        if (v.dst == NULL || v.dst[0] != '/' || strstr(v.dst, "/../"))
            fuzz_die("a volume target that is not clean and absolute");
        engine_spec_volume_free(&v);
    }
    pcon_err_clear(&err);
    /* --mount: exactly one of the two, itself a spec of its kind or refused there */
    char *vol = NULL, *tmp = NULL;
    if (engine_spec_mount_parse(s, &vol, &tmp, &err) == 0) {
        if ((vol == NULL) == (tmp == NULL))
            fuzz_die("a mount that is neither a volume nor a tmpfs, or both");
        if (vol && engine_spec_volume_parse(vol, &v, NULL) == 0)
            engine_spec_volume_free(&v);
        if (tmp && engine_spec_tmpfs_parse(tmp, &t, NULL) == 0)
            engine_spec_tmpfs_free(&t);
    } else if (vol || tmp || err.kind != PCON_ERR_USAGE)
        fuzz_die("a refused mount with a result, or not a usage error");
    free(vol);
    free(tmp);
    pcon_err_clear(&err);
    struct secret_spec sp, again;
    char *norm = NULL, *norm2 = NULL;
    if (engine_spec_secret_parse(s, &sp, &norm, &err) == 0) {
        if (!sp.env && (sp.target[0] != '/' || strstr(sp.target, "/../")))
            fuzz_die("a secret's file target that is not clean and absolute");
        if (engine_spec_secret_parse(norm, &again, &norm2, NULL) < 0 || strcmp(norm, norm2) != 0)
            fuzz_die("a secret's stored form that does not read back the same");
        engine_spec_secret_free(&again);
        engine_spec_secret_free(&sp);
    } else if (err.kind != PCON_ERR_USAGE) {
        fuzz_die("a refused secret not a usage error");
    }
    free(norm);
    free(norm2);
    pcon_err_clear(&err);
    char **args = NULL;
    if (engine_spec_args(NULL, NULL, s, true, (char *[]){ "x", NULL }, &args, NULL) == 0
        && (args == NULL || args[0] == NULL))
        fuzz_die("an entrypoint that gave no arguments");
    strv_free(args);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_select(&data, &size, 7);
    cleanup_free char *s = fuzz_str(data, size);
    struct pcon_err err = { 0 };
    int sig;

    switch (sel) {
    case 0:
    case 1:
        times(s, sel == 1);
        break;
    case 2:
        if (engine_signal_parse(s, &sig, &err) == 0 && (sig < 1 || sig > 64))
            fuzz_die("a signal out of range");
        pcon_err_clear(&err);
        break;
    case 3:
        changes(s);
        break;
    case 4:
        network(s);
        break;
    case 5:
        caps(s);
        break;
    default:
        mounts(s);
    }
    return 0;
}
