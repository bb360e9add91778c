// SPDX-License-Identifier: Apache-2.0
/* rtnetlink requests. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "nl.h"

void
nl_init(struct nlreq *r, unsigned short type, unsigned short flags, size_t size)
{
    memset(r, 0, sizeof *r);
    r->nh.nlmsg_len = (unsigned) NLMSG_LENGTH(size);
    r->nh.nlmsg_type = type;
    r->nh.nlmsg_flags = flags;
}

void
nl_put(struct nlreq *r, const void *data, size_t len)
{
    char *at = (char *) r + NLMSG_ALIGN(r->nh.nlmsg_len);

    memcpy(at, data, len);
    r->nh.nlmsg_len = (unsigned) (NLMSG_ALIGN(r->nh.nlmsg_len) + NLMSG_ALIGN(len));
}

void
nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *) ((char *) r + NLMSG_ALIGN(r->nh.nlmsg_len));

    a->rta_type = type;
    a->rta_len = (unsigned short) RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

struct rtattr *
nl_nest(struct nlreq *r, unsigned short type)
{
    struct rtattr *a = (struct rtattr *) ((char *) r + NLMSG_ALIGN(r->nh.nlmsg_len));

    nl_attr(r, type, NULL, 0);
    return a;
}

void
nl_nest_end(struct nlreq *r, struct rtattr *nest)
{
    nest->rta_len = (unsigned short) ((char *) r + r->nh.nlmsg_len - (char *) nest);
}

int
nl_talk(struct nlreq *r)
{
    int e = nl_talk_exact(r);

    return e == -EEXIST ? 0 : e;
}

int
nl_talk_exact(struct nlreq *r)
{
    cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    char buf[1024];
    struct nlmsghdr *h = (struct nlmsghdr *) buf;
    ssize_t n;
    int e;

    r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (fd < 0 || send(fd, r, r->nh.nlmsg_len, 0) < 0)
        return -errno;
    n = recv(fd, buf, sizeof buf, 0);
    if (n < (ssize_t) sizeof *h || h->nlmsg_type != NLMSG_ERROR)
        return -EPROTO;
    e = ((struct nlmsgerr *) NLMSG_DATA(h))->error;
    return e;
}

int
nl_addr6_add(unsigned int index, const struct in6_addr *addr, unsigned int prefix)
{
    struct nlreq r;

    nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.ifa);
    r.u.ifa = (struct ifaddrmsg){ .ifa_family = AF_INET6,
                                  .ifa_prefixlen = (unsigned char) prefix,
                                  .ifa_flags = IFA_F_NODAD,
                                  .ifa_index = index };
    nl_attr(&r, IFA_LOCAL, addr, sizeof *addr);
    nl_attr(&r, IFA_ADDRESS, addr, sizeof *addr);
    return nl_talk(&r);
}

int
nl_route6_default(unsigned int index, const struct in6_addr *gw)
{
    struct nlreq r;

    nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof r.u.rt);
    r.u.rt = (struct rtmsg){ .rtm_family = AF_INET6,
                             .rtm_table = RT_TABLE_MAIN,
                             .rtm_protocol = RTPROT_STATIC,
                             .rtm_scope = RT_SCOPE_UNIVERSE,
                             .rtm_type = RTN_UNICAST };
    nl_attr(&r, RTA_GATEWAY, gw, sizeof *gw);
    nl_attr(&r, RTA_OIF, &index, sizeof index);
    return nl_talk(&r);
}
