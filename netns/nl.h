/* SPDX-License-Identifier: Apache-2.0 */
/* Inside netns/: rtnetlink requests of the caller's network namespace,
 * built in one buffer, answered with the kernel's ack. */
#ifndef PCON_NETNS_NL_H
#define PCON_NETNS_NL_H

#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stddef.h>

struct nlreq {
    struct nlmsghdr nh;
    union {
        struct rtmsg rt;
        struct fib_rule_hdr fr;
        struct ifaddrmsg ifa;
        struct ifinfomsg ifi;
    } u;
    char attrs[512];
};

/* a request of type with its header's body (size bytes of it) */
void nl_init(struct nlreq *r, unsigned short type, unsigned short flags, size_t size);
void nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len);
/* a nested attribute opened (its attributes follow) and closed */
struct rtattr *nl_nest(struct nlreq *r, unsigned short type);
void nl_nest_end(struct nlreq *r, struct rtattr *nest);
/* raw bytes (a nested ifinfomsg) */
void nl_put(struct nlreq *r, const void *data, size_t len);
/* sends r and reads the kernel's answer: 0, or -errno (EEXIST is done) */
int nl_talk(struct nlreq *r);
/* the same, EEXIST an error too */
int nl_talk_exact(struct nlreq *r);
/* an IPv6 address on interface index, used at once (no duplicate address
 * detection): 0 or -errno */
int nl_addr6_add(unsigned int index, const struct in6_addr *addr, unsigned int prefix);
/* the IPv6 default route via gw on interface index: 0 or -errno */
int nl_route6_default(unsigned int index, const struct in6_addr *gw);

#endif
