// SPDX-License-Identifier: Apache-2.0
/* tap0 in a container's network namespace: made and configured there by a
 * child of the helper's (setns affects only its caller; the helper, in
 * pcon's user namespace, could not setns back into the host's network),
 * its fd passed back with SCM_RIGHTS. The child stays as the helper's agent
 * in the namespace: it hands out sockets connected there, for forwarders.
 * The helper stays in the host's network namespace, where libslirp's
 * sockets belong. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/proc.h"
#include "tap.h"

static void
sin_set(struct sockaddr *sa, const char *ip)
{
    struct sockaddr_in *sin = (struct sockaddr_in *) sa;

    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    (void) inet_pton(AF_INET, ip, &sin->sin_addr); /* our own constants */
}

static int
if_up(int sock, const char *name, struct pcon_err *err)
{
    struct ifreq ifr = { 0 };

    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "read the flags of %s", name);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
        return pcon_fail(err, errno, "bring %s up", name);
    return 0;
}

/* address, netmask and MTU of tap0, lo and tap0 up, the default route */
static int
tap_configure(const struct netns_tap_config *c, struct pcon_err *err)
{
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = { 0 };
    struct rtentry rt = { 0 };

    if (sock < 0)
        return pcon_fail(err, errno, "create socket");
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tap0");
    ifr.ifr_mtu = (int) c->mtu;
    if (ioctl(sock, SIOCSIFMTU, &ifr) < 0)
        return pcon_fail(err, errno, "set the MTU of tap0 to %u", c->mtu);
    sin_set(&ifr.ifr_addr, c->address);
    if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
        return pcon_fail(err, errno, "give tap0 the address %s", c->address);
    sin_set(&ifr.ifr_netmask, c->netmask);
    if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
        return pcon_fail(err, errno, "set the netmask of tap0");
    if (if_up(sock, "lo", err) < 0 || if_up(sock, "tap0", err) < 0)
        return -1;
    sin_set(&rt.rt_dst, "0.0.0.0");
    sin_set(&rt.rt_genmask, "0.0.0.0");
    sin_set(&rt.rt_gateway, c->gateway);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    rt.rt_dev = (char *) "tap0";
    if (ioctl(sock, SIOCADDRT, &rt) < 0)
        return pcon_fail(err, errno, "add the default route via %s", c->gateway);
    return 0;
}

static int
tap_create(struct pcon_err *err)
{
    cleanup_close int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    struct ifreq ifr = { 0 };

    if (fd < 0)
        return pcon_fail(err, errno, "open /dev/net/tun");
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tap0");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        return pcon_fail(err, errno, "create tap0");
    return steal_fd(&fd);
}

struct tap_reply {
    int errnum;
    char text[512];
};

/* an agent's request: a socket of type connected to dst */
struct agent_req {
    int type; /* SOCK_DGRAM or SOCK_STREAM */
    struct sockaddr_in dst;
};

static int
send_fd(int sock, const struct tap_reply *rep, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { (void *) rep, sizeof *rep };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (fd >= 0) {
        struct cmsghdr *cm;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    }
    return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* the fd a reply carries, or -1 with the reply's error */
static int
recv_fd(int sock, struct pcon_err *err)
{
    struct tap_reply rep;
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { &rep, sizeof rep };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf
    };
    struct cmsghdr *cm;
    ssize_t n = TEMP_FAILURE_RETRY_INT(recvmsg(sock, &mh, MSG_CMSG_CLOEXEC));
    int fd = -1;

    if (n != (ssize_t) sizeof rep)
        return pcon_fail(err, n < 0 ? errno : EPROTO, "hear from the network namespace");
    cm = CMSG_FIRSTHDR(&mh);
    if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    if (fd < 0) {
        rep.text[sizeof rep.text - 1] = '\0';
        return pcon_fail(err, rep.errnum, "%s", rep.text);
    }
    return fd;
}

/* In the agent: sockets connected inside the namespace, until the helper
 * goes. Never returns. */
__attribute__((noreturn)) static void
agent_serve(int sock)
{
    struct agent_req req;
    ssize_t n;

    while ((n = TEMP_FAILURE_RETRY_INT(read(sock, &req, sizeof req))) == (ssize_t) sizeof req) {
        struct tap_reply rep = { 0 };
        int fd = socket(AF_INET, req.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

        if (fd < 0
            || (connect(fd, (struct sockaddr *) &req.dst, sizeof req.dst) < 0
                && errno != EINPROGRESS)) {
            rep.errnum = errno;
            snprintf(rep.text, sizeof rep.text, "connect inside the container");
            if (fd >= 0)
                close(fd);
            fd = -1;
        }
        if (send_fd(sock, &rep, fd) < 0)
            _exit(1);
        if (fd >= 0)
            close(fd);
    }
    _exit(0);
}

/* In the child: tap0, then the agent. Never returns. */
__attribute__((noreturn)) static void
tap_child(int netns_fd, const struct netns_tap_config *c, int sock)
{
    struct pcon_err err = { 0 };
    struct tap_reply rep = { 0 };
    int fd = -1;

    /* it goes with the helper */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        _exit(1);
    if (setns(netns_fd, CLONE_NEWNET) < 0)
        pcon_fail(&err, errno, "join the container's network namespace");
    else if ((fd = tap_create(&err)) >= 0 && tap_configure(c, &err) < 0) {
        close(fd);
        fd = -1;
    }
    close(netns_fd);
    if (fd < 0) {
        rep.errnum = err.errnum ? err.errnum : EIO;
        snprintf(rep.text, sizeof rep.text, "%s", err.msg ? err.msg : "tap0 failed");
    }
    if (send_fd(sock, &rep, fd) < 0 || fd < 0)
        _exit(1);
    close(fd);
    agent_serve(sock);
}

int
netns_tap_open(pid_t target, const struct netns_tap_config *c, int *agent, struct pcon_err *err)
{
    char path[64];
    cleanup_close int nsfd = -1;
    int sv[2], fd;
    pid_t pid;

    *agent = -1;
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int) target);
    nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return pcon_fail(err, errno, "open %s", path);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return pcon_fail(err, errno, "create socket pair");
    pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return pcon_fail(err, errno, "fork");
    }
    if (pid == 0) {
        close(sv[0]);
        tap_child(nsfd, c, sv[1]);
    }
    close(sv[1]);
    fd = recv_fd(sv[0], err);
    if (fd < 0) {
        close(sv[0]);
        (void) proc_wait_exit(pid, NULL);
        return -1;
    }
    *agent = sv[0]; /* the agent is reaped by whoever reaps the helper's children */
    return fd;
}

int
netns_agent_connect(int agent, int type, const struct sockaddr_in *dst, struct pcon_err *err)
{
    struct agent_req req = { .type = type, .dst = *dst };

    if (TEMP_FAILURE_RETRY_INT(write(agent, &req, sizeof req)) != (ssize_t) sizeof req)
        return pcon_fail(err, errno, "ask the network namespace for a socket");
    return recv_fd(agent, err);
}
