// SPDX-License-Identifier: Apache-2.0
/* DNS queries and answers (RFC 1035), the little the responder needs. */
#include <string.h>

#include "dns.h"

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

int
dns_query_parse(const uint8_t *msg, size_t len, struct dns_query *q)
{
    size_t at = 12, n = 0;

    memset(q, 0, sizeof *q);
    /* a query (QR 0), opcode QUERY, one question */
    if (len < 12 || (msg[2] & 0xf8) != 0 || get16(msg + 4) != 1)
        return -1;
    q->id = get16(msg);
    for (;;) {
        uint8_t l;
        if (at >= len)
            return -1;
        l = msg[at++];
        if (l == 0)
            break;
        if (l > 63 || at + l > len || n + l + 1 >= sizeof q->name)
            return -1; /* compression has no place in a question */
        if (n)
            q->name[n++] = '.';
        for (uint8_t i = 0; i < l; i++) {
            char c = (char) msg[at + i];
            if (c >= 'A' && c <= 'Z')
                c = (char) (c - 'A' + 'a');
            if (c == '\0' || c == '.')
                return -1;
            q->name[n++] = c;
        }
        at += l;
    }
    if (at + 4 > len)
        return -1;
    q->qtype = get16(msg + at);
    q->qclass = get16(msg + at + 2);
    q->qend = at + 4;
    return 0;
}

size_t
dns_answer(const uint8_t *msg, const struct dns_query *q, int rcode, const struct in_addr *addrs,
           size_t n, uint8_t *out, size_t cap)
{
    size_t at = q->qend;

    if (at + n * 16 > cap || n > 64)
        return 0;
    memcpy(out, msg, q->qend);
    out[2] = (uint8_t) (0x80 | 0x04 | (msg[2] & 0x01)); /* QR, AA, RD as asked */
    out[3] = (uint8_t) (0x80 | (rcode & 0x0f));         /* RA */
    put16(out + 6, (uint16_t) n);
    put16(out + 8, 0);
    put16(out + 10, 0); /* the query's EDNS record is not echoed */
    for (size_t i = 0; i < n; i++) {
        put16(out + at, 0xc00c); /* the question's name */
        put16(out + at + 2, DNS_TYPE_A);
        put16(out + at + 4, 1); /* IN */
        put16(out + at + 6, 0);
        put16(out + at + 8, 60); /* TTL */
        put16(out + at + 10, 4);
        memcpy(out + at + 12, &addrs[i], 4);
        at += 16;
    }
    return at;
}

bool
dns_in_domain(const char *name, char *buf, size_t size)
{
    size_t n = strlen(name), d = strlen(DNS_DOMAIN);

    if (n <= d + 1 || name[n - d - 1] != '.' || strcmp(name + n - d, DNS_DOMAIN) != 0
        || n - d - 1 >= size)
        return false;
    memcpy(buf, name, n - d - 1);
    buf[n - d - 1] = '\0';
    return true;
}
