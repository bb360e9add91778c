// SPDX-License-Identifier: Apache-2.0
/* A static probe run inside test containers, for what busybox cannot
 * show. Each mode prints what it could do; the tests judge.
 *   probe fdrace STOPFILE   watch new pids (ns_last_pid) and try to reach
 *                           their fds >= 3 through /proc/PID/fd until
 *                           STOPFILE exists; then prints a summary
 *   probe tiocsti TEXT      push TEXT and a newline into the terminal:
 *                           through /dev/tty, else through stdio
 *   probe udpecho PORT      sends every UDP datagram on PORT back
 *   probe vmsplice          vmsplice into a pipe: ok, or the error
 *   probe setcap FILE       gives FILE cap_net_bind_service+ep (a v2 security.capability)
 *   probe getcap FILE       prints FILE's security.capability, in hex
 *   probe capeff            prints this process's CapEff line
 *   probe udpecho6 PORT     the same on IPv6 and IPv4 both (one dual-stack socket)
 *   probe tcppairs PORT     a TCP server, one connection after another, that
 *                           answers each 2 bytes it reads with those 2 bytes:
 *                           a request that needs both of its parts (Nagle's
 *                           algorithm on the way holds the second one back)
 *   probe dnstcp SERVER TYPE NAME...
 *                           DNS over TCP (SERVER IPv4 or IPv6): the queries
 *                           (TYPE a, aaaa or ptr) sent
 *                           back to back on one connection, then each
 *                           answer printed: "NAME rcode=N" and its records
 */
#define _GNU_SOURCE /* vmsplice */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

static int
last_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return atoi(buf);
}

/* the fds >= 3 of pid that can be read; prints each */
static int
try_fds(int pid)
{
    char path[64], target[256];
    int reached = 0;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        ssize_t n;
        char fdpath[96];

        if (e->d_name[0] == '.' || fd < 3)
            continue;
        snprintf(fdpath, sizeof fdpath, "%s/%d", path, fd);
        n = readlink(fdpath, target, sizeof target - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        printf("reached pid %d fd %d -> %s\n", pid, fd, target);
        reached++;
    }
    closedir(d);
    return reached;
}

static int
fdrace(const char *stopfile)
{
    int nsfd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
    int self = getpid(), seen_last = -1, observed = 0, reached = 0;
    unsigned long iter = 0;

    if (nsfd < 0) {
        perror("open ns_last_pid");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("fdrace: watching\n");
    for (;;) {
        int last = last_pid(nsfd);
        struct stat sb;
        char path[64];

        if (++iter % 4096 == 0 && access(stopfile, F_OK) == 0)
            break;
        if (last <= 0 || last == self)
            continue;
        snprintf(path, sizeof path, "/proc/%d", last);
        if (last != seen_last && stat(path, &sb) == 0) {
            seen_last = last;
            observed++;
        }
        if (reached < 20)
            reached += try_fds(last);
    }
    printf("fdrace: observed %d pids, reached %d fds\n", observed, reached);
    return 0;
}

static int
tiocsti(const char *arg)
{
    int fds[4] = { -1, 0, 1, 2 };
    int injected = 0;
    char text[256];

    snprintf(text, sizeof text, "%s\n", arg);

    fds[0] = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fds[0] < 0)
        printf("open /dev/tty: %s\n", strerror(errno));
    for (int i = 0; i < 4; i++) {
        if (fds[i] < 0 || !isatty(fds[i]))
            continue;
        for (const char *c = text; *c; c++)
            if (ioctl(fds[i], TIOCSTI, c) < 0) {
                printf("TIOCSTI on %s: %s\n", i == 0 ? "/dev/tty" : "stdio", strerror(errno));
                break;
            } else if (c[1] == '\0') {
                injected++;
            }
        if (injected)
            break;
    }
    printf("tiocsti: %s\n", injected ? "injected" : "nothing injected");
    return 0;
}

static int
udpecho(const char *port, bool six)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(port)) };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
                                 .sin6_port = htons((uint16_t) atoi(port)) };
    int fd = socket(six ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), zero = 0;
    char buf[65536];
    bool seen = false;

    if (fd < 0 || (six && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0)
        || (six ? bind(fd, (struct sockaddr *) &sin6, sizeof sin6)
                : bind(fd, (struct sockaddr *) &sin, sizeof sin))
               < 0) {
        perror("udpecho");
        return 1;
    }
    printf("udpecho: listening\n");
    fflush(stdout);
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *) &peer, &len);
        char addr[64] = "?";

        if (n < 0)
            continue;
        if (!seen && peer.ss_family == AF_INET6
            && inet_ntop(AF_INET6, &((struct sockaddr_in6 *) &peer)->sin6_addr, addr,
                         sizeof addr)) {
            printf("udpecho: first datagram from %s\n",
                   strncmp(addr, "::ffff:", 7) == 0 && strchr(addr, '.') ? addr + 7 : addr);
            fflush(stdout);
            seen = true;
        }
        if (!seen && peer.ss_family == AF_INET
            && inet_ntop(AF_INET, &((struct sockaddr_in *) &peer)->sin_addr, addr, sizeof addr)) {
            printf("udpecho: first datagram from %s\n", addr); /* the address the container sees */
            fflush(stdout);
            seen = true;
        }
        (void) sendto(fd, buf, (size_t) n, 0, (struct sockaddr *) &peer, len);
    }
}

static int
tcppairs(const char *port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(port)) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0 || listen(fd, 8) < 0) {
        perror("tcppairs");
        return 1;
    }
    printf("tcppairs: listening\n");
    fflush(stdout);
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        char pair[2];
        size_t got = 0;
        ssize_t n;

        if (c < 0)
            continue;
        while ((n = read(c, pair + got, sizeof pair - got)) > 0) {
            got += (size_t) n;
            if (got == sizeof pair) {
                if (write(c, pair, sizeof pair) != (ssize_t) sizeof pair)
                    break;
                got = 0;
            }
        }
        close(c);
    }
}

/* vmsplice into a pipe: "vmsplice: ok" or its error (podman's seccomp
 * profile refuses it with EPERM) */
static int
vmsplice_try(void)
{
    int p[2];
    char byte = 'x';
    struct iovec iov = { &byte, 1 };

    if (pipe(p) < 0)
        return 1;
    if (vmsplice(p[1], &iov, 1, 0) < 0)
        printf("vmsplice: %s\n", strerror(errno));
    else
        printf("vmsplice: ok\n");
    return 0;
}

/* sd_notify(3) from inside: TEXT to $NOTIFY_SOCKET */
static int
notify(const char *text)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (path == NULL || strlen(path) >= sizeof sun.sun_path) {
        printf("notify: no NOTIFY_SOCKET\n");
        return 1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 || sendto(fd, text, strlen(text), 0, (struct sockaddr *) &sun, sizeof sun) < 0) {
        printf("notify: %s\n", strerror(errno));
        return 1;
    }
    printf("notify: sent to %s\n", path);
    return 0;
}

/* a socket-activated server: one connection accepted on fd 3 (LISTEN_FDS),
 * answered with what the environment said */
static int
activated(void)
{
    const char *n = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
    char line[128];
    int c;

    if (n == NULL || pid == NULL) {
        printf("activated: no LISTEN_FDS\n");
        return 1;
    }
    c = accept(3, NULL, NULL);
    if (c < 0) {
        printf("activated: accept: %s\n", strerror(errno));
        return 1;
    }
    snprintf(line, sizeof line, "fd 3 LISTEN_FDS=%s LISTEN_PID=%s\n", n, pid);
    (void) !write(c, line, strlen(line));
    close(c);
    printf("activated: answered\n");
    return 0;
}

static int
setcap(const char *file)
{
    /* magic v2 with the effective flag; permitted cap_net_bind_service (10),
     * in podman's default set */
    unsigned char v[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x04 };

    if (setxattr(file, "security.capability", v, sizeof v, 0) < 0) {
        printf("setcap: %s\n", strerror(errno));
        return 1;
    }
    printf("setcap: ok\n");
    return 0;
}

static int
getcap(const char *file)
{
    unsigned char v[64];
    ssize_t n = getxattr(file, "security.capability", v, sizeof v);

    if (n < 0) {
        printf("getcap: %s\n", strerror(errno));
        return 1;
    }
    for (ssize_t i = 0; i < n; i++)
        printf("%02x", v[i]);
    printf("\n");
    return 0;
}

static int
capeff(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");

    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "CapEff:", 7) == 0)
            fputs(line, stdout);
    return f ? 0 : 1;
}

static int
read_full(int fd, unsigned char *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0)
            return -1;
        got += (size_t) n;
    }
    return 0;
}

/* a name at msg+*at (compression followed), dotted into out */
static int
dns_name(const unsigned char *msg, size_t len, size_t *at, char *out, size_t cap)
{
    size_t p = *at, o = 0;
    int jumps = 0;
    bool jumped = false;

    for (;;) {
        unsigned l;
        if (p >= len)
            return -1;
        l = msg[p];
        if ((l & 0xc0) == 0xc0) {
            if (p + 1 >= len || ++jumps > 16)
                return -1;
            if (!jumped)
                *at = p + 2;
            jumped = true;
            p = (size_t) ((l & 0x3f) << 8 | msg[p + 1]);
            continue;
        }
        p++;
        if (l == 0)
            break;
        if (p + l > len || o + l + 2 > cap)
            return -1;
        if (o)
            out[o++] = '.';
        memcpy(out + o, msg + p, l);
        o += l;
        p += l;
    }
    out[o] = '\0';
    if (!jumped)
        *at = p;
    return 0;
}

static int
dnstcp(const char *server, const char *type, char **names, int n)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
    bool six = strchr(server, ':') != NULL;
    int fd = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    unsigned qtype = strcmp(type, "ptr") == 0 ? 12 : strcmp(type, "aaaa") == 0 ? 28 : 1;

    if (fd < 0
        || (six ? inet_pton(AF_INET6, server, &sin6.sin6_addr)
                : inet_pton(AF_INET, server, &sin.sin_addr))
               != 1
        || (six ? connect(fd, (struct sockaddr *) &sin6, sizeof sin6)
                : connect(fd, (struct sockaddr *) &sin, sizeof sin))
               < 0) {
        printf("dnstcp: connect: %s\n", strerror(errno));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        unsigned char q[512];
        size_t at = 14;
        const char *p = names[i];
        memset(q, 0, 14);
        q[2] = (unsigned char) (0x10 + i);
        q[3] = 0x34;
        q[4] = 0x01; /* RD */
        q[7] = 1;    /* one question */
        while (*p) {
            const char *dot = strchr(p, '.');
            size_t l = dot ? (size_t) (dot - p) : strlen(p);
            if (l == 0 || l > 63 || at + l + 6 > sizeof q)
                return 2;
            q[at++] = (unsigned char) l;
            memcpy(q + at, p, l);
            at += l;
            p += l + (dot ? 1 : 0);
        }
        q[at++] = 0;
        q[at++] = 0;
        q[at++] = (unsigned char) qtype;
        q[at++] = 0;
        q[at++] = 1;
        q[0] = (unsigned char) ((at - 2) >> 8);
        q[1] = (unsigned char) (at - 2);
        if (write(fd, q, at) != (ssize_t) at)
            return 1;
    }
    for (int i = 0; i < n; i++) {
        unsigned char head[2], msg[65536];
        size_t len, at = 12;
        unsigned an;
        char name[512];
        if (read_full(fd, head, 2) < 0
            || read_full(fd, msg, len = (size_t) (head[0] << 8 | head[1])) < 0 || len < 12) {
            printf("dnstcp: no answer\n");
            return 1;
        }
        an = (unsigned) (msg[6] << 8 | msg[7]);
        if (dns_name(msg, len, &at, name, sizeof name) < 0)
            return 1;
        printf("%s rcode=%u\n", name, msg[3] & 0x0f);
        at += 4;
        for (unsigned k = 0; k < an; k++) {
            unsigned t, rl;
            if (dns_name(msg, len, &at, name, sizeof name) < 0 || at + 10 > len)
                return 1;
            t = (unsigned) (msg[at] << 8 | msg[at + 1]);
            rl = (unsigned) (msg[at + 8] << 8 | msg[at + 9]);
            at += 10;
            if (at + rl > len)
                return 1;
            if (t == 1 && rl == 4)
                printf("A %u.%u.%u.%u\n", msg[at], msg[at + 1], msg[at + 2], msg[at + 3]);
            else if (t == 28 && rl == 16) {
                char a6[INET6_ADDRSTRLEN];
                printf("AAAA %s\n", inet_ntop(AF_INET6, msg + at, a6, sizeof a6));
            } else if (t == 12) {
                size_t r = at;
                if (dns_name(msg, len, &r, name, sizeof name) < 0)
                    return 1;
                printf("PTR %s\n", name);
            }
            at += rl;
        }
    }
    close(fd);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "dnstcp") == 0)
        return dnstcp(argv[2], argv[3], argv + 4, argc - 4);
    if (argc == 3 && strcmp(argv[1], "setcap") == 0)
        return setcap(argv[2]);
    if (argc == 3 && strcmp(argv[1], "getcap") == 0)
        return getcap(argv[2]);
    if (argc == 2 && strcmp(argv[1], "capeff") == 0)
        return capeff();
    if (argc == 2 && strcmp(argv[1], "activated") == 0)
        return activated();
    if (argc == 3 && strcmp(argv[1], "notify") == 0)
        return notify(argv[2]);
    if (argc == 2 && strcmp(argv[1], "vmsplice") == 0)
        return vmsplice_try();
    if (argc == 3 && strcmp(argv[1], "fdrace") == 0)
        return fdrace(argv[2]);
    if (argc == 3 && strcmp(argv[1], "tiocsti") == 0)
        return tiocsti(argv[2]);
    if (argc == 3 && strcmp(argv[1], "udpecho") == 0)
        return udpecho(argv[2], false);
    if (argc == 3 && strcmp(argv[1], "udpecho6") == 0)
        return udpecho(argv[2], true);
    if (argc == 3 && strcmp(argv[1], "tcppairs") == 0)
        return tcppairs(argv[2]);
    fprintf(stderr, "usage: probe activated | fdrace STOPFILE | notify TEXT | tiocsti TEXT | "
                    "udpecho PORT | tcppairs PORT | vmsplice | setcap FILE | getcap FILE | capeff "
                    "| dnstcp SERVER "
                    "TYPE NAME...\n");
    return 2;
}
