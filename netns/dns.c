// SPDX-License-Identifier: Apache-2.0
/* DNS queries and answers (RFC 1035), the little the responder needs. */
#include <arpa/inet.h>
#include <stdio.h>
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

/* the header and question of the answer to msg, with n records to come */
static void
answer_head(const uint8_t *msg, const struct dns_query *q, int rcode, size_t n, uint8_t *out)
{
    memcpy(out, msg, q->qend);
    out[2] = (uint8_t) (0x80 | 0x04 | (msg[2] & 0x01)); /* QR, AA, RD as asked */
    out[3] = (uint8_t) (0x80 | (rcode & 0x0f));         /* RA */
    put16(out + 6, (uint16_t) n);
    put16(out + 8, 0);
    put16(out + 10, 0); /* the query's EDNS record is not echoed */
}

/* the answer with n records of type, each alen bytes of addrs */
static size_t
answer_addrs(const uint8_t *msg, const struct dns_query *q, int rcode, uint16_t type,
             const uint8_t *addrs, size_t alen, size_t n, uint8_t *out, size_t cap)
{
    size_t at = q->qend;

    if (n > 64 || at + n * (12 + alen) > cap)
        return 0;
    answer_head(msg, q, rcode, n, out);
    for (size_t i = 0; i < n; i++) {
        put16(out + at, 0xc00c); /* the question's name */
        put16(out + at + 2, type);
        put16(out + at + 4, 1); /* IN */
        put16(out + at + 6, 0);
        put16(out + at + 8, 60); /* TTL */
        put16(out + at + 10, (uint16_t) alen);
        memcpy(out + at + 12, addrs + i * alen, alen);
        at += 12 + alen;
    }
    return at;
}

size_t
dns_answer(const uint8_t *msg, const struct dns_query *q, int rcode, const struct in_addr *addrs,
           size_t n, uint8_t *out, size_t cap)
{
    return answer_addrs(msg, q, rcode, DNS_TYPE_A, (const uint8_t *) addrs, 4, n, out, cap);
}

size_t
dns_answer6(const uint8_t *msg, const struct dns_query *q, int rcode, const struct in6_addr *addrs,
            size_t n, uint8_t *out, size_t cap)
{
    return answer_addrs(msg, q, rcode, DNS_TYPE_AAAA, (const uint8_t *) addrs, 16, n, out, cap);
}

/* name.dns.podman as labels at out (of cap bytes); its length, 0 when it
 * does not fit or a label is empty or too long */
static size_t
name_encode(const char *name, uint8_t *out, size_t cap)
{
    char full[512];
    size_t at = 0, len = (size_t) snprintf(full, sizeof full, "%s.%s", name, DNS_DOMAIN);

    if (len >= sizeof full || len > 253)
        return 0;
    for (const char *p = full; *p;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t) (dot - p) : strlen(p);
        if (l == 0 || l > 63 || at + 1 + l + 1 > cap)
            return 0;
        out[at++] = (uint8_t) l;
        memcpy(out + at, p, l);
        at += l;
        p += l + (dot ? 1 : 0);
    }
    out[at++] = 0;
    return at;
}

size_t
dns_answer_ptr(const uint8_t *msg, const struct dns_query *q, int rcode, char *const *names,
               size_t n, uint8_t *out, size_t cap)
{
    size_t at = q->qend, k = 0;

    if (at > cap || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t nl;
        if (at + 12 > cap || (nl = name_encode(names[i], out + at + 12, cap - at - 12)) == 0)
            return 0;
        put16(out + at, 0xc00c); /* the question's name */
        put16(out + at + 2, DNS_TYPE_PTR);
        put16(out + at + 4, 1); /* IN */
        put16(out + at + 6, 0);
        put16(out + at + 8, 60); /* TTL */
        put16(out + at + 10, (uint16_t) nl);
        at += 12 + nl;
        k++;
    }
    answer_head(msg, q, rcode, k, out);
    return at;
}

bool
dns_reverse_name(const char *name, struct in_addr *out)
{
    unsigned o[4];
    int used = 0;
    char tail[16];

    if (sscanf(name, "%3u.%3u.%3u.%3u.%13s%n", &o[3], &o[2], &o[1], &o[0], tail, &used) != 5
        || (size_t) used != strlen(name) || strcmp(tail, "in-addr.arpa") != 0)
        return false;
    for (int i = 0; i < 4; i++)
        if (o[i] > 255)
            return false;
    /* digits only: no sign or space sscanf would let by */
    for (const char *p = name; p < name + strlen(name) - strlen(tail); p++)
        if ((*p < '0' || *p > '9') && *p != '.')
            return false;
    out->s_addr = htonl((uint32_t) (o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]));
    return true;
}

bool
dns_reverse_name6(const char *name, struct in6_addr *out)
{
    static const char hex[] = "0123456789abcdef";

    /* 32 nibbles, the last first, each and a dot: 64 bytes, then ip6.arpa */
    if (strlen(name) != 64 + 8 || strcmp(name + 64, "ip6.arpa") != 0)
        return false;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 32; i++) {
        const char *at = name + 2 * i, *h = *at ? strchr(hex, *at) : NULL;
        if (h == NULL || at[1] != '.')
            return false;
        /* nibble i counts from the address's end */
        out->s6_addr[15 - i / 2] |= (uint8_t) ((h - hex) << (i % 2 ? 4 : 0));
    }
    return true;
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
