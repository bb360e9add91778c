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
udpecho(const char *port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(port)) };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[65536];
    bool seen = false;

    if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0) {
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
        if (!seen && peer.ss_family == AF_INET
            && inet_ntop(AF_INET, &((struct sockaddr_in *) &peer)->sin_addr, addr, sizeof addr)) {
            printf("udpecho: first datagram from %s\n", addr); /* the address the container sees */
            fflush(stdout);
            seen = true;
        }
        (void) sendto(fd, buf, (size_t) n, 0, (struct sockaddr *) &peer, len);
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

int
main(int argc, char **argv)
{
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
        return udpecho(argv[2]);
    fprintf(stderr, "usage: probe activated | fdrace STOPFILE | notify TEXT | tiocsti TEXT | "
                    "udpecho PORT | vmsplice | setcap FILE | getcap FILE | capeff\n");
    return 2;
}
