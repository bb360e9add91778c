// SPDX-License-Identifier: Apache-2.0
/* DNS queries as containers send them to pcon-netd's responder: a parsed
 * one has a name of lowercase labels joined by single dots and a question
 * inside the message; its answer echoes id and question, counts its
 * records and fits the buffer; names of the networks' domain give back
 * what precedes it. */
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
    if (dns_in_domain(q.name, base, sizeof base)) {
        size_t bl = strlen(base);
        if (bl == 0 || bl + 1 + strlen(DNS_DOMAIN) != len || strncmp(q.name, base, bl) != 0)
            fuzz_die("a name of the domain gave back another");
    }
    return 0;
}
