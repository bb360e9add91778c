// SPDX-License-Identifier: Apache-2.0
/* Id-map arithmetic. */
#include "../../engine/idmap.h"
#include "../../lib/mem.h"
#include "tap.h"

int
main(void)
{
    struct idmap m;
    struct idrange one[] = { { 100000, 65536 } };
    struct idrange two[] = { { 100000, 1000 }, { 300000, 500 } };
    struct idrange holding[] = { { 1000, 10 } };
    struct idrange overflow[] = { { ~0UL - 5, 100 } };
    char **argv;

    is_int(engine_idmap_build(1001, one, 1, &m, NULL), 0, "one range builds");
    is_int(m.n, 2, "two entries");
    ok(m.e[0].inner == 0 && m.e[0].outer == 1001 && m.e[0].count == 1, "0 is the user");
    ok(m.e[1].inner == 1 && m.e[1].outer == 100000 && m.e[1].count == 65536, "1.. the range");
    is_int(engine_idmap_size(&m), 65537, "65537 ids");
    is_int(engine_idmap_to_outer(&m, 0), 1001, "0 -> 1001");
    is_int(engine_idmap_to_outer(&m, 1000), 100999, "1000 -> 100999");
    is_int(engine_idmap_to_outer(&m, 65537), -1, "past the end is unmapped");

    is_int(engine_idmap_build(1001, two, 2, &m, NULL), 0, "two ranges build");
    ok(m.n == 3 && m.e[2].inner == 1001 && m.e[2].outer == 300000, "ranges follow each other");

    is_int(engine_idmap_build(1005, holding, 1, &m, NULL), 0, "a range holding the user's id");
    ok(m.n == 3 && m.e[1].count == 5 && m.e[2].outer == 1006 && m.e[2].count == 4,
       "is split around it");
    is_int(engine_idmap_to_outer(&m, 6), 1006, "no id is mapped twice");

    is_int(engine_idmap_build(1001, overflow, 1, &m, NULL), -1, "an overflowing range is refused");

    is_int(engine_idmap_parse(
               "         0       1001          1\n         1     100000      65536\n", &m, NULL),
           0, "parse /proc uid_map");
    ok(m.n == 2 && m.e[1].outer == 100000 && m.e[1].count == 65536, "parsed entries");
    is_int(engine_idmap_parse("0 1001\n", &m, NULL), -1, "a short line is refused");

    engine_idmap_build(1001, one, 1, &m, NULL);
    argv = engine_idmap_helper_argv("newuidmap", 42, &m);
    is_int(strv_len(argv), 8, "newuidmap PID and two triples");
    is_str(argv[1], "42", "the pid");
    is_str(argv[5], "1", "second inner");
    is_str(argv[6], "100000", "second outer");
    strv_free(argv);
    return tap_done();
}
