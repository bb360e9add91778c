// SPDX-License-Identifier: Apache-2.0
/* -p specs as users give them: a refused spec leaves the vector as it was
 * and is a usage error; a parsed one has ports in range, an address that
 * parses again to itself, and formats without a hole. */
#include "fuzz.h"
#include "../../netns/port.h"

/* every spec of up to 64 bytes may expand to 8 ranges of 65535 ports:
 * longer ones only slow the run */
#define FUZZ_PORT_MAX_INPUT 64

static bool
fuzz_port_equal(const struct netns_port *a, const struct netns_port *b)
{
    return strcmp(a->host_ip, b->host_ip) == 0 && a->host_port == b->host_port
           && a->ctr_port == b->ctr_port && a->udp == b->udp;
}

/* an entry's spec parses to exactly it */
static void
fuzz_port_reparse(const struct netns_port *p)
{
    struct pcon_err err = { 0 };
    struct netns_port *v = NULL;
    size_t n = 0;
    cleanup_free char *spec = netns_port_spec(p);

    if (netns_port_parse(spec, &v, &n, &err) < 0) {
        fprintf(stderr, "an entry's spec \"%s\" does not parse: %s\n", spec, err.msg);
        abort();
    }
    if (n != 1 || !fuzz_port_equal(&v[0], p)) {
        fprintf(stderr, "an entry's spec \"%s\" parses to %zu other entries\n", spec, n);
        abort();
    }
    free(v);
}

static void
fuzz_port_check(const struct netns_port *v, size_t n)
{
    cleanup_free char *column = netns_ports_format(v, n);

    for (size_t i = 0; i < n; i++) {
        cleanup_free char *line = NULL;

        if (v[i].ctr_port == 0 || memchr(v[i].host_ip, '\0', sizeof v[i].host_ip) == NULL)
            fuzz_die("an entry with port 0 or an unterminated address");
        line = netns_port_line(&v[i]);
        if (strstr(line, " -> ") == NULL || strlen(line) > 80)
            fuzz_die("a port line out of shape");
        /* one in 64 is enough to prove the address canonical */
        if (i % 64 == 0)
            fuzz_port_reparse(&v[i]);
    }
    if ((n == 0) != (column[0] == '\0'))
        fuzz_die("the ps column empty for ports or not empty for none");
    if (strlen(column) > n * 80)
        fuzz_die("the ps column longer than its entries");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netns_port sentinel = { "10.0.0.1", 1, 2, true };
    struct pcon_err err = { 0 };
    struct netns_port *v = NULL, *before;
    size_t n = 1;
    cleanup_free char *s = NULL;

    if (size > FUZZ_PORT_MAX_INPUT)
        return 0;
    s = fuzz_str(data, size);
    v = xmalloc(sizeof *v);
    v[0] = sentinel;
    before = v;
    if (netns_port_parse(s, &v, &n, &err) < 0) {
        if (v != before || n != 1 || !fuzz_port_equal(&v[0], &sentinel))
            fuzz_die("a refused spec changed the vector");
        if (err.kind != PCON_ERR_USAGE || err.msg == NULL || strncmp(err.msg, "publish \"", 9))
            fuzz_die("a refusal that is no usage error naming the spec");
        pcon_err_clear(&err);
    } else {
        if (err.msg != NULL)
            fuzz_die("a parsed spec set an error");
        if (n < 1 || !fuzz_port_equal(&v[0], &sentinel))
            fuzz_die("a parsed spec changed the entries before it");
        fuzz_port_check(v + 1, n - 1);
    }
    free(v);
    return 0;
}
