// SPDX-License-Identifier: Apache-2.0
/* DNS queries as containers send them to pcon-netd's responder: a parsed
 * one has a name of lowercase labels joined by single dots and a question
 * inside the message; its answer echoes id and question, counts its
 * records and fits the buffer; names of the networks' domain give back
 * what precedes it; ip6.arpa names read back as the address they name. */
#include <arpa/inet.h>
#include <stdio.h>

#include "fuzz.h"
#include "../../netns/dns.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct in_addr addrs[3] = { { 0x0100000a }, { 0x0200000a }, { 0x0300000a } };
    uint8_t out[1500];
    struct dns_query q;
    char base[256];
    size_t n, len;

    if (size > 1500 || dns_query_parse(data, size, &q) < 0)
        return 0;
    len = strlen(q.name);
    if (q.qend > size || q.qend < 17 || len >= sizeof q.name)
        fuzz_die("a question outside the message");
    if (len && (q.name[0] == '.' || q.name[len - 1] == '.' || strstr(q.name, "..")))
        fuzz_die("a name with an empty label");
    for (size_t i = 0; i < len; i++)
        if (q.name[i] >= 'A' && q.name[i] <= 'Z')
            fuzz_die("a name not lowercased");
    for (size_t k = 0; k <= 3; k++) {
        n = dns_answer(data, &q, DNS_NOERROR, addrs, k, out, sizeof out);
        if (n == 0) {
            if (q.qend + 16 * k <= sizeof out)
                fuzz_die("an answer that fits was refused");
            continue;
        }
        if (n != q.qend + 16 * k || memcmp(out, data, 2) != 0
            || memcmp(out + 12, data + 12, q.qend - 12) != 0 || !(out[2] & 0x80) || out[6] != 0
            || out[7] != k)
            fuzz_die("an answer out of shape");
    }
    {
        struct in6_addr six[2];
        memset(six, 0xfd, sizeof six);
        for (size_t k = 0; k <= 2; k++) {
            n = dns_answer6(data, &q, DNS_NOERROR, six, k, out, sizeof out);
            if (n != (q.qend + 28 * k <= sizeof out ? q.qend + 28 * k : 0)
                || (n
                    && (memcmp(out, data, 2) != 0 || out[7] != k
                        || (k && (out[q.qend + 3] != DNS_TYPE_AAAA || out[q.qend + 11] != 16)))))
                fuzz_die("an AAAA answer out of shape");
        }
    }
    /* an ip6.arpa name: the address prints back, nibble by nibble, as it */
    struct in6_addr ip6;
    if (dns_reverse_name6(q.name, &ip6)) {
        char again[80];
        size_t at = 0;
        for (int i = 15; i >= 0; i--)
            at += (size_t) snprintf(again + at, sizeof again - at, "%x.%x.", ip6.s6_addr[i] & 0xf,
                                    ip6.s6_addr[i] >> 4);
        snprintf(again + at, sizeof again - at, "ip6.arpa");
        if (strcmp(again, q.name) != 0)
            fuzz_die("an ip6.arpa name that is not one");
    }
    /* a reverse name: the address it names prints back as the same name */
    struct in_addr ip;
    if (dns_reverse_name(q.name, &ip)) {
        unsigned char *b = (unsigned char *) &ip;
        char again[64];
        snprintf(again, sizeof again, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
        if (strcmp(again, q.name) != 0 && strspn(q.name, "0123456789.") < 7)
            fuzz_die("a reverse name that is not one");
    }
    /* PTR answers: the records counted, inside the buffer; names that
     * cannot be one (an empty label) refused; web.dns.podman is 16 bytes
     * of labels after a record's 12 */
    {
        char *const names[] = { "web", (char *) q.name };
        for (size_t k = 0; k <= 2; k++) {
            n = dns_answer_ptr(data, &q, DNS_NOERROR, names, k, out, sizeof out);
            if (n && (n > sizeof out || n < q.qend || memcmp(out, data, 2) != 0 || out[7] != k))
                fuzz_die("a PTR answer out of shape");
            if (k == 1 && n != (q.qend + 12 + 16 <= sizeof out ? q.qend + 12 + 16 : 0))
                fuzz_die("a PTR answer of web.dns.podman of another length");
        }
    }
    if (dns_in_domain(q.name, base, sizeof base)) {
        size_t bl = strlen(base);
        if (bl == 0 || bl + 1 + strlen(DNS_DOMAIN) != len || strncmp(q.name, base, bl) != 0)
            fuzz_die("a name of the domain gave back another");
    }
    return 0;
}
