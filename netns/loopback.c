// SPDX-License-Identifier: Apache-2.0
/* Network modes and the loopback interface. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "netns.h"

int
netns_mode_parse(const char *s, enum netns_mode *out, struct pcon_err *err)
{
    if (strcmp(s, "none") == 0)
        *out = NETNS_PRIVATE;
    else if (strcmp(s, "host") == 0)
        *out = NETNS_HOST;
    else
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "unsupported network mode \"%s\" (none or host)", s);
    return 0;
}

int
netns_loopback_up(struct pcon_err *err)
{
    cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;

    if (fd < 0)
        return pcon_fail(err, errno, "create socket");
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "read the flags of lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "bring lo up");
    return 0;
}
