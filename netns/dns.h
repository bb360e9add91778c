/* SPDX-License-Identifier: Apache-2.0 */
/* DNS messages for the user networks' responder (netns/netd.c): a query
 * read, an answer made. Pure: no sockets here (fuzzed by fuzz_dns). */
#ifndef PCON_NETNS_DNS_H
#define PCON_NETNS_DNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_TYPE_A    1
#define DNS_TYPE_PTR  12
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_ANY  255
#define DNS_NOERROR   0
#define DNS_SERVFAIL  2
#define DNS_NXDOMAIN  3
#define DNS_DOMAIN    "dns.podman" /* podman's search domain of its networks */

struct dns_query {
    uint16_t id, qtype, qclass;
    char name[256]; /* lowercased, without the trailing dot */
    size_t qend;    /* where the question ends in the message */
};

/* a standard query of one question (0), else -1 */
int dns_query_parse(const uint8_t *msg, size_t len, struct dns_query *q);
/* The answer to the query in msg (q its parse): the question echoed, rcode,
 * and an A record (TTL 60) for each of the n addresses. Its length in out
 * (of cap bytes), 0 when it does not fit. */
size_t dns_answer(const uint8_t *msg, const struct dns_query *q, int rcode,
                  const struct in_addr *addrs, size_t n, uint8_t *out, size_t cap);
/* the same with an AAAA record for each of the n IPv6 addresses */
size_t dns_answer6(const uint8_t *msg, const struct dns_query *q, int rcode,
                   const struct in6_addr *addrs, size_t n, uint8_t *out, size_t cap);
/* The answer to a PTR query: rcode and a PTR record (TTL 60) for each of
 * the n names (each made NAME.dns.podman). As dns_answer. */
size_t dns_answer_ptr(const uint8_t *msg, const struct dns_query *q, int rcode, char *const *names,
                      size_t n, uint8_t *out, size_t cap);
/* name is D.C.B.A.in-addr.arpa: the IPv4 address A.B.C.D in *out */
bool dns_reverse_name(const char *name, struct in_addr *out);
/* name is the ip6.arpa name of an IPv6 address (32 nibbles): it in *out */
bool dns_reverse_name6(const char *name, struct in6_addr *out);
/* name is NAME.dns.podman: NAME in buf (a container's name or alias
 * asked with podman's search domain; unknown, NXDOMAIN, never forwarded) */
bool dns_in_domain(const char *name, char *buf, size_t size);

#endif
