// SPDX-License-Identifier: Apache-2.0
/* What loading a seccomp program costs the kernel: N children each set
 * no_new_privs, load the program (or nothing, or a one-instruction
 * filter) and exit; prints the median microseconds per child.
 *   seccomp_load none|allow|FILE N
 * FILE: a raw struct sock_filter array (pcon's cached program). */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = { 1, &allow };
    int n = argc == 3 ? atoi(argv[2]) : 0, load = 1;
    double *t;

    if (n <= 0) {
        fprintf(stderr, "usage: seccomp_load none|allow|FILE N\n");
        return 2;
    }
    if (strcmp(argv[1], "none") == 0)
        load = 0;
    else if (strcmp(argv[1], "allow") != 0) {
        struct stat st;
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % 8 != 0
            || (prog.filter = malloc((size_t) st.st_size)) == NULL
            || read(fd, prog.filter, (size_t) st.st_size) != st.st_size) {
            perror(argv[1]);
            return 1;
        }
        prog.len = (unsigned short) (st.st_size / 8);
        close(fd);
    }
    t = calloc((size_t) n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        int status;
        pid_t pid = fork();
        if (pid == 0) {
            if (load && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
                         || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0))
                _exit(1);
            _exit(0);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
            fprintf(stderr, "seccomp_load: the child failed to load the program\n");
            return 1;
        }
        t[i] = now_us() - t0;
    }
    qsort(t, (size_t) n, sizeof *t, cmp);
    printf("%.0f %u\n", t[n / 2], load ? prog.len : 0);
    return 0;
}
