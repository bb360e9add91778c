/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dnsprobe: DNS lookup latency, for bench/networks.sh.
 *
 *   dnsprobe SERVER NAME COUNT [WARMUP]
 *
 * Sends COUNT queries (type A, recursion desired) for NAME to SERVER:53 over
 * UDP, one at a time: each waits for its answer (1 s at most) before the next
 * goes. WARMUP queries (default 5) go first and are not counted. A query
 * counts when an answer with its id and question comes back with RCODE 0 and
 * at least one A record; its round trip is timed with CLOCK_MONOTONIC around
 * send and receive, in the same process (no fork or exec per lookup).
 * Prints one line:
 *
 *   ok=N fail=N median_us=X p90_us=X min_us=X max_us=X mean_us=X addr=A.B.C.D
 *
 * addr is the first A record of the last answer ("-" when none came). Exits 0
 * when at least one query counted, 1 otherwise, 2 on a usage error.
 * Built by the benchmark (cc -O2 -static), so it runs in a busybox image.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* the query for NAME with ID into buf; its length, or -1 */
static int
build_query(uint8_t *buf, size_t size, const char *name, uint16_t id)
{
    size_t n = 12;
    const char *p = name;

    if (size < 12 + strlen(name) + 6)
        return -1;
    memset(buf, 0, 12);
    buf[0] = id >> 8;
    buf[1] = id & 0xff;
    buf[2] = 0x01; /* RD */
    buf[5] = 1;    /* QDCOUNT */
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t) (dot - p) : strlen(p);
        if (len == 0 || len > 63)
            return -1;
        buf[n++] = (uint8_t) len;
        memcpy(buf + n, p, len);
        n += len;
        p += len;
        if (*p == '.')
            p++;
    }
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = 1; /* QTYPE A */
    buf[n++] = 0;
    buf[n++] = 1; /* QCLASS IN */
    return (int) n;
}

/* skips a (possibly compressed) name at off; the offset after it, or -1 */
static int
skip_name(const uint8_t *m, int len, int off)
{
    while (off < len) {
        uint8_t c = m[off];
        if (c == 0)
            return off + 1;
        if ((c & 0xc0) == 0xc0)
            return off + 2 <= len ? off + 2 : -1;
        off += 1 + c;
    }
    return -1;
}

/* whether the answer m answers query q (same id and question), has RCODE 0
 * and an A record (its address into addr) */
static int
check_answer(const uint8_t *m, int len, const uint8_t *q, int qlen, struct in_addr *addr)
{
    int off, an;

    if (len < qlen || m[0] != q[0] || m[1] != q[1] || !(m[2] & 0x80) || (m[3] & 0x0f) != 0)
        return 0;
    if (m[4] != 0 || m[5] != 1 || memcmp(m + 12, q + 12, (size_t) (qlen - 12)) != 0)
        return 0;
    an = (m[6] << 8) | m[7];
    off = qlen;
    while (an-- > 0) {
        int type, rdlen;
        if ((off = skip_name(m, len, off)) < 0 || off + 10 > len)
            return 0;
        type = (m[off] << 8) | m[off + 1];
        rdlen = (m[off + 8] << 8) | m[off + 9];
        off += 10;
        if (off + rdlen > len)
            return 0;
        if (type == 1 && rdlen == 4) {
            memcpy(addr, m + off, 4);
            return 1;
        }
        off += rdlen;
    }
    return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;

    return (x > y) - (x < y);
}

/* one query: its round trip in ns, or -1 (no valid answer within 1 s) */
static int64_t
probe(int fd, const char *name, uint16_t id, struct in_addr *addr)
{
    uint8_t q[512], a[1500];
    int qlen = build_query(q, sizeof q, name, id);
    int64_t t0, deadline;

    if (qlen < 0)
        return -1;
    t0 = now_ns();
    deadline = t0 + 1000000000;
    if (send(fd, q, (size_t) qlen, 0) != qlen)
        return -1;
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        int64_t left = deadline - now_ns();
        ssize_t n;
        if (left <= 0)
            return -1;
        int r = poll(&pfd, 1, (int) (left / 1000000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        n = recv(fd, a, sizeof a, 0);
        if (n < 0)
            return -1; /* e.g. ECONNREFUSED: nothing listens */
        if (check_answer(a, (int) n, q, qlen, addr))
            return now_ns() - t0;
        if (n >= 2 && a[0] == q[0] && a[1] == q[1])
            return -1; /* our id, but an error or no address */
        /* a late answer to an earlier query: wait on */
    }
}

int
main(int argc, char **argv)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
    struct in_addr addr = { 0 };
    int64_t *rtt, sum = 0;
    long count, warmup = 5, ok = 0, fail = 0;
    char abuf[INET_ADDRSTRLEN] = "-";
    int fd;

    if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1
        || (count = strtol(argv[3], NULL, 10)) <= 0 || count > 1000000
        || (argc == 5 && (warmup = strtol(argv[4], NULL, 10)) < 0)) {
        fprintf(stderr, "usage: dnsprobe SERVER-IPV4 NAME COUNT [WARMUP]\n");
        return 2;
    }
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
        perror("dnsprobe: socket");
        return 1;
    }
    rtt = calloc((size_t) count, sizeof *rtt);
    if (!rtt)
        return 1;
    srand((unsigned) (now_ns() ^ getpid()));
    for (long i = -warmup; i < count; i++) {
        struct in_addr a;
        int64_t t = probe(fd, argv[2], (uint16_t) rand(), &a);
        if (i < 0)
            continue;
        if (t < 0) {
            fail++;
            continue;
        }
        addr = a;
        rtt[ok++] = t;
        sum += t;
    }
    if (ok == 0) {
        printf("ok=0 fail=%ld median_us=- p90_us=- min_us=- max_us=- mean_us=- addr=-\n", fail);
        return 1;
    }
    qsort(rtt, (size_t) ok, sizeof *rtt, cmp_i64);
    inet_ntop(AF_INET, &addr, abuf, sizeof abuf);
    printf("ok=%ld fail=%ld median_us=%.1f p90_us=%.1f min_us=%.1f max_us=%.1f mean_us=%.1f addr=%s\n",
           ok, fail,
           (ok % 2 ? (double) rtt[ok / 2] : (rtt[ok / 2 - 1] + rtt[ok / 2]) / 2.0) / 1e3,
           rtt[(ok * 9) / 10 < ok ? (ok * 9) / 10 : ok - 1] / 1e3, rtt[0] / 1e3, rtt[ok - 1] / 1e3,
           (double) sum / ok / 1e3, abuf);
    return 0;
}
