// SPDX-License-Identifier: Apache-2.0
/* -p specs as podman 4.3 takes and refuses them, and the ps and port
 * texts podman prints for them. */
#include <stdlib.h>

#include "../../lib/cleanup.h"
#include "../../netns/port.h"
#include "tap.h"

/* the entries as "IP|HOST|CTR|PROTO" joined by spaces, or "error: MSG" */
static char *
show(const char *spec)
{
    struct netns_port *v = NULL;
    size_t n = 0;
    struct pcon_err err = { 0 };
    char *s;

    if (netns_port_parse(spec, &v, &n, &err) < 0) {
        s = xasprintf("%s: %s", err.kind == PCON_ERR_USAGE ? "error" : "not a usage error",
                      err.msg);
        pcon_err_clear(&err);
        return s;
    }
    s = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *t = xasprintf("%s%s%s|%u|%u|%s", s, i ? " " : "", v[i].host_ip, v[i].host_port,
                            v[i].ctr_port, v[i].udp ? "udp" : "tcp");
        free(s);
        s = t;
    }
    free(v);
    return s;
}

static void
check(const char *spec, const char *want)
{
    cleanup_free char *got = show(spec);

    is_str(got, want, spec);
}

/* the refusal, prefixed as every refusal is */
static void
refused(const char *spec, const char *why)
{
    cleanup_free char *want = xasprintf("error: publish \"%s\": %s", spec, why);

    check(spec, want);
}

/* the ps column for specs given one after another */
static void
column(const char *const *specs, const char *want)
{
    struct netns_port *v = NULL;
    size_t n = 0;
    cleanup_free char *got = NULL, *name = xstrdup("ps:");

    for (size_t i = 0; specs[i]; i++) {
        char *t = xasprintf("%s %s", name, specs[i]);

        free(name);
        name = t;
        if (netns_port_parse(specs[i], &v, &n, NULL) < 0)
            break;
    }
    got = netns_ports_format(v, n);
    is_str(got, want, name);
    free(v);
}

#define COLUMN(want, ...) column((const char *const[]){ __VA_ARGS__, NULL }, want)

static void
line(const char *spec, const char *want)
{
    struct netns_port *v = NULL;
    size_t n = 0;
    cleanup_free char *got = NULL, *name = xasprintf("port line: %s", spec);

    if (netns_port_parse(spec, &v, &n, NULL) == 0 && n > 0)
        got = netns_port_line(&v[0]);
    is_str(got, want, name);
    free(v);
}

static void
forms(void)
{
    check("80", "|0|80|tcp");
    check("80/tcp", "|0|80|tcp");
    check("80/udp", "|0|80|udp");
    check("80/TCP", "|0|80|tcp");
    check("80/Udp", "|0|80|udp");
    check("8080:80", "|8080|80|tcp");
    check("8080:80/udp", "|8080|80|udp");
    check(":80", "|0|80|tcp");
    check("127.0.0.1:8080:80", "127.0.0.1|8080|80|tcp");
    check("127.0.0.1::80/udp", "127.0.0.1|0|80|udp");
    check("0.0.0.0:8080:80", "|8080|80|tcp"); /* podman keeps "" for 0.0.0.0 */
    check("[127.0.0.1]:8080:80", "127.0.0.1|8080|80|tcp");
    check("65535:65535", "|65535|65535|tcp");
    check("1:1", "|1|1|tcp");
    check("080", "|0|80|tcp");
    check("8080:080", "|8080|80|tcp");
    check("", "");
}

static void
ipv6(void)
{
    check("[::1]:8080:80", "::1|8080|80|tcp");
    check("[::1]::80", "::1|0|80|tcp");
    check("[::]:5000:50/udp", "::|5000|50|udp");
    check("[0:0::1]:8080:80", "::1|8080|80|tcp");                 /* canonical, as podman shows */
    check("[::ffff:127.0.0.1]:8080:80", "127.0.0.1|8080|80|tcp"); /* IPv4-mapped is IPv4 */
    check("[2001:DB8::1]:1:2", "2001:db8::1|1|2|tcp");
    check("[::1]:8080-8081:80-81", "::1|8080|80|tcp ::1|8081|81|tcp");
}

static void
ranges(void)
{
    check("8000-8002:90-92", "|8000|90|tcp |8001|91|tcp |8002|92|tcp");
    check("127.0.0.1:8080-8081:80-81/udp", "127.0.0.1|8080|80|udp 127.0.0.1|8081|81|udp");
    check("90-92", "|0|90|tcp |0|91|tcp |0|92|tcp");
    check("127.0.0.1::90-91", "127.0.0.1|0|90|tcp 127.0.0.1|0|91|tcp");
    check("65534-65535:1-2", "|65534|1|tcp |65535|2|tcp");
    {
        struct netns_port *v = NULL;
        size_t n = 0;

        ok(netns_port_parse("1-65535", &v, &n, NULL) == 0, "1-65535 parses");
        is_int(n, 65535, "1-65535 is 65535 ports");
        is_int(n ? v[n - 1].ctr_port : 0, 65535, "the last is 65535");
        free(v);
    }
}

static void
commas(void)
{
    /* podman's -p is a string slice: a comma separates specs */
    check("80,81", "|0|80|tcp |0|81|tcp");
    check("8000-8001:90-91,8080:80/udp", "|8000|90|tcp |8001|91|tcp |8080|80|udp");
    refused("80/tcp,udp", "parsing container port: invalid port number \"udp\"");
    refused("80,", "must provide a non-empty container port to publish");
    refused(",80", "must provide a non-empty container port to publish");
    refused("80,,81", "must provide a non-empty container port to publish");
}

static void
refusals(void)
{
    const char *format = "invalid port format - format is [[hostIP:]hostPort:]containerPort";

    refused("8000-8001:90-92", "host and container port ranges have different lengths: 2 vs 3");
    refused("8000:90-92", "host and container port ranges have different lengths: 1 vs 3");
    refused("8000-8002:90", "host and container port ranges have different lengths: 3 vs 1");
    refused("::1:8080:80", format);
    refused("fe80::1:80:80", format);
    refused("a:b:c:d", format);
    refused("8080:80:90:100", format);
    refused("[::1:8080:80", format);
    refused("[::1]:1:2:3", format);
    refused("[::1]8080:80", "invalid port format - IPv6 address must be followed by a colon (':')");
    refused("[::1]", "invalid port format - IPv6 address must be followed by a colon (':')");
    refused("[::1]:80",
            "invalid port format - must provide host and destination port if specifying an IP");
    refused(":8080:80", "must provide a non-empty container host IP to publish");
    refused("::80", "must provide a non-empty container host IP to publish");
    refused("[]:80:80", "must provide a non-empty container host IP to publish");
    refused("8080:", "must provide a non-empty container port to publish");
    refused(":", "must provide a non-empty container port to publish");
    refused("::", "must provide a non-empty container port to publish");
    refused("/", "must provide a non-empty container port to publish");
    refused("/tcp", "must provide a non-empty container port to publish");
    refused("[::1]:8080:", "must provide a non-empty container port to publish");
    refused("80/", "must provide a non-empty protocol to publish");
    refused("80/tcp/udp", "invalid port format - protocol can only be specified once");
    refused("80/foo", "unrecognized protocol \"foo\" in port mapping");
    refused("80/ udp", "unrecognized protocol \" udp\" in port mapping");
    refused("80/sctp", "protocol \"sctp\" is not supported");
    refused("1.2.3:80:80", "cannot parse \"1.2.3\" as an IP address");
    refused("01.2.3.4:80:80", "cannot parse \"01.2.3.4\" as an IP address");
    refused("localhost:8080:80", "cannot parse \"localhost\" as an IP address");
    refused("[fe80::1%eth0]:80:80", "cannot parse \"fe80::1%eth0\" as an IP address");
    refused("[0123456789012345678901234567890123456789012345678901234567890123456789]:1:1",
            "cannot parse "
            "\"0123456789012345678901234567890123456789012345678901234567890123456789\" as an IP "
            "address");
    refused("1.2.3.4:80", "parsing host port: invalid port number \"1.2.3.4\"");
}

static void
numbers(void)
{
    const char *range = "port numbers must be between 1 and 65535 (inclusive), got";

    refused("0", "parsing container port: port numbers must be between 1 and 65535 (inclusive), "
                 "got 0");
    refused("000", "parsing container port: port numbers must be between 1 and 65535 "
                   "(inclusive), got 0");
    refused("0:80", "parsing host port: port numbers must be between 1 and 65535 (inclusive), "
                    "got 0");
    refused("8080:0", "parsing container port: port numbers must be between 1 and 65535 "
                      "(inclusive), got 0");
    refused("65536:80", "parsing host port: port numbers must be between 1 and 65535 "
                        "(inclusive), got 65536");
    refused("65535-65536", "parsing container port: port numbers must be between 1 and 65535 "
                           "(inclusive), got 65536");
    {
        cleanup_free char *why =
            xasprintf("parsing container port: %s 99999999999999999999999", range);

        refused("99999999999999999999999", why); /* no overflow */
    }
    {
        cleanup_free char *why = xasprintf("parsing container port: %s 4294967377", range);

        refused("4294967377", why); /* 2^32 + 81: would wrap to 81 in 32 bits */
    }
    /* podman's Atoi takes a sign; pcon takes digits only */
    refused("+80", "parsing container port: invalid port number \"+80\"");
    refused("8080:+80", "parsing container port: invalid port number \"+80\"");
    refused("+8080:80", "parsing host port: invalid port number \"+8080\"");
    refused(" 80", "parsing container port: invalid port number \" 80\"");
    refused("80 ", "parsing container port: invalid port number \"80 \"");
    refused("127.0.0.1:80:80 ", "parsing container port: invalid port number \"80 \"");
    refused("abc", "parsing container port: invalid port number \"abc\"");
    refused("0x50", "parsing container port: invalid port number \"0x50\"");
    refused("a-b", "parsing container port: invalid port number \"a\"");
    refused("80-b", "parsing container port: invalid port number \"b\"");
    refused("-80", "parsing container port: port numbers cannot be negative");
    refused("8080:-80", "parsing container port: port numbers cannot be negative");
    refused("80--90", "parsing container port: invalid port format - port ranges are formatted "
                      "as startPort-stopPort");
    refused("80-", "parsing container port: must provide ending number for port range");
    refused("8000-8002:90-92-94", "parsing container port: invalid port format - port ranges are "
                                  "formatted as startPort-stopPort");
    refused("92-90", "parsing container port: the end port of a range must be higher than the "
                     "start port - 90 is not higher than 92");
    refused("80-80", "parsing container port: the end port of a range must be higher than the "
                     "start port - 80 is not higher than 80");
    refused("8081-8080:80-81", "parsing host port: the end port of a range must be higher than "
                               "the start port - 8080 is not higher than 8081");
}

/* a refused spec leaves the vector as it was; a good one appends */
static void
append(void)
{
    struct netns_port *v = NULL, *before;
    size_t n = 0;
    struct pcon_err err = { 0 };

    ok(netns_port_parse("8080:80", &v, &n, &err) == 0, "append: first spec");
    before = v;
    is_int(netns_port_parse("81,82,x", &v, &n, &err), -1, "append: a bad spec fails");
    is_int(err.kind, PCON_ERR_USAGE, "append: a usage error");
    is_str(err.msg, "publish \"81,82,x\": parsing container port: invalid port number \"x\"",
           "append: the message names the whole spec");
    pcon_err_clear(&err);
    ok(v == before, "append: the vector is not moved");
    is_int(n, 1, "append: nothing appended");
    is_int(v[0].host_port, 8080, "append: the first entry is intact");
    ok(netns_port_parse("127.0.0.1::90/udp", &v, &n, &err) == 0, "append: second spec");
    is_int(n, 2, "append: two entries");
    is_str(v[1].host_ip, "127.0.0.1", "append: the new entry's address");
    ok(v[1].udp && v[1].ctr_port == 90 && v[1].host_port == 0, "append: the new entry");
    is_int(v[0].ctr_port, 80, "append: the old entry kept");
    free(v);
}

static void
ps_column(void)
{
    /* each as podman 4.3's ps printed it (its order between addresses
     * and protocols is a Go map's: here the order of first appearance) */
    COLUMN("", "");
    COLUMN("0.0.0.0:8080->80/tcp", "8080:80");
    COLUMN("127.0.0.1:8080->80/tcp", "127.0.0.1:8080:80");
    COLUMN("0.0.0.0:8000-8002->90-92/tcp", "8000-8002:90-92");
    COLUMN("0.0.0.0:8000-8002->90-92/tcp, 0.0.0.0:8080->80/tcp", "8080:80", "8000-8002:90-92");
    COLUMN("0.0.0.0:8000-8001->90-91/tcp", "8001:91", "8000:90");
    COLUMN("0.0.0.0:8000-8002->90-92/tcp", "8002:92", "8000:90", "8001:91");
    COLUMN("0.0.0.0:8000-8002->90-92/tcp", "8000-8001:90-91", "8002:92");
    COLUMN("0.0.0.0:8000->90/tcp, 0.0.0.0:8002->92/tcp, 0.0.0.0:8001->91/udp", "8000:90",
           "8001:91/udp", "8002:92");
    COLUMN("0.0.0.0:8000->90/udp, 0.0.0.0:8000->90/tcp", "8000:90/udp", "8000:90");
    COLUMN("0.0.0.0:8000-8001->90-91/udp", "8000:90/udp", "8001:91/udp");
    COLUMN("0.0.0.0:8000->90/tcp, 127.0.0.1:8001->91/tcp", "8000:90", "127.0.0.1:8001:91");
    COLUMN("0.0.0.0:8000-8001->90-91/tcp", "8000:90", "0.0.0.0:8001:91");
    COLUMN("0.0.0.0:8000->90/tcp, 0.0.0.0:8001->92/tcp", "8000:90", "8001:92");
    COLUMN("0.0.0.0:8000->90/tcp, 0.0.0.0:8002->91/tcp", "8000:90", "8002:91");
    COLUMN("0.0.0.0:8000->91/tcp, 0.0.0.0:8001->90/tcp", "8001:90", "8000:91");
    COLUMN("0.0.0.0:8001->91/tcp, 0.0.0.0:8005->90/tcp", "8005:90", "8001:91");
    COLUMN("0.0.0.0:8000-8001->90-91/tcp, 0.0.0.0:8002->93/tcp", "8000:90", "8001:91", "8002:93");
    COLUMN("0.0.0.0:8080->80/tcp", "8080:80", "8080:80");
    COLUMN("0.0.0.0:8080->80/tcp, 0.0.0.0:8080->81/tcp", "8080:80", "8080:81");
    COLUMN("0.0.0.0:8080->80/tcp, 0.0.0.0:8081->80/tcp", "8081:80", "8080:80");
    COLUMN("::1:8000-8001->90-91/tcp", "[::1]:8000:90", "[::1]:8001:91");
    COLUMN(":::5000->50/tcp", "[::]:5000:50");
    COLUMN("127.0.0.1:9000-9001->90-91/udp", "127.0.0.1:9000-9001:90-91/udp");
    COLUMN("0.0.0.0:65534-65535->1-2/tcp", "65534-65535:1-2");
    /* a host port still to be chosen folds with nothing */
    COLUMN("0.0.0.0:0->90/tcp, 0.0.0.0:0->91/tcp", "90-91");
    COLUMN("0.0.0.0:1-65535->1-65535/tcp", "1-65535:1-65535");
}

static void
port_lines(void)
{
    /* each as podman 4.3's `port` printed it for a running container */
    line("8080:80", "80/tcp -> 0.0.0.0:8080");
    line("0.0.0.0:6000:60", "60/tcp -> 0.0.0.0:6000");
    line("8080:80/udp", "80/udp -> 0.0.0.0:8080");
    line("127.0.0.1:9000:90/udp", "90/udp -> 127.0.0.1:9000");
    line("[::1]:7000:70", "70/tcp -> ::1:7000");
    line("[::]:5000:50", "50/tcp -> :::5000");
}

/* the spec stored for an entry, and that it parses back to the entry */
static void
spec_of(const char *spec, const char *want)
{
    struct netns_port *v = NULL, *back = NULL;
    size_t n = 0, nb = 0;
    cleanup_free char *got = NULL, *name = xasprintf("spec of %s", spec);

    if (netns_port_parse(spec, &v, &n, NULL) == 0 && n == 1)
        got = netns_port_spec(&v[0]);
    is_str(got, want, name);
    ok(got && netns_port_parse(got, &back, &nb, NULL) == 0 && nb == 1
           && strcmp(back[0].host_ip, v[0].host_ip) == 0 && back[0].host_port == v[0].host_port
           && back[0].ctr_port == v[0].ctr_port && back[0].udp == v[0].udp,
       "its spec parses back to it");
    free(v);
    free(back);
}

static void
specs(void)
{
    spec_of("8080:80", "8080:80/tcp");
    spec_of("80", "80/tcp");
    spec_of("80/udp", "80/udp");
    spec_of("0.0.0.0:8080:80", "8080:80/tcp");
    spec_of("127.0.0.1:8080:80/udp", "127.0.0.1:8080:80/udp");
    spec_of("127.0.0.1::80", "127.0.0.1::80/tcp");
    spec_of("[::1]:8080:80", "[::1]:8080:80/tcp");
    spec_of("[::]::53/udp", "[::]::53/udp");
    spec_of("[::ffff:10.0.0.1]:1:2", "10.0.0.1:1:2/tcp");
}

/* netns_ports_sort: port's lines in ps's order */
static void
sorted(const char *const *specs, const char *want)
{
    struct netns_port *v = NULL;
    size_t n = 0;
    cleanup_free char *got = xstrdup(""), *name = xasprintf("sorted: %s ...", specs[0]);

    for (size_t i = 0; specs[i]; i++)
        if (netns_port_parse(specs[i], &v, &n, NULL) < 0)
            break;
    netns_ports_sort(v, n);
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *line = netns_port_line(&v[i]);
        char *t = xasprintf("%s%s%s", got, i ? "; " : "", line);
        free(got);
        got = t;
    }
    is_str(got, want, name);
    free(v);
}

#define SORTED(want, ...) sorted((const char *const[]){ __VA_ARGS__, NULL }, want)

static void
port_order(void)
{
    /* as podman 4.3's port printed them for -p 19300:9000/udp -p 19400:80
     * -p 19050:5000/udp -p 19200:7000, but for its order between groups */
    SORTED("5000/udp -> 0.0.0.0:19050; 9000/udp -> 0.0.0.0:19300; 7000/tcp -> 0.0.0.0:19200; "
           "80/tcp -> 0.0.0.0:19400",
           "19300:9000/udp", "19400:80", "19050:5000/udp", "19200:7000");
    SORTED("80/tcp -> 0.0.0.0:8000", "8000:80");
    SORTED("80/tcp -> 127.0.0.1:8000; 81/tcp -> 0.0.0.0:8001", "127.0.0.1:8000:80", "8001:81");
    SORTED("81/tcp -> 0.0.0.0:8001; 82/tcp -> 0.0.0.0:8002; 80/tcp -> 127.0.0.1:8000", "8002:82",
           "127.0.0.1:8000:80", "8001:81");
}

int
main(void)
{
    forms();
    ipv6();
    ranges();
    commas();
    refusals();
    numbers();
    append();
    ps_column();
    port_lines();
    specs();
    port_order();
    return tap_done();
}
