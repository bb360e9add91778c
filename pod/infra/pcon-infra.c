// SPDX-License-Identifier: Apache-2.0
/* pcon-infra: a pod's infra process. It holds the pod's shared namespaces
 * by existing, reaps what is reparented to it (it is PID 1 of its pid
 * namespace) and ends at SIGTERM, SIGINT or SIGHUP; nothing else. Built
 * freestanding (no libc, raw system calls) to take a few pages of memory,
 * and embedded in pcon (pod/infra_blob.c), which writes it into the infra
 * container's empty root: no image to pull or build. */
#include <asm/unistd.h>
#include <linux/signal.h>

#define SIGSET_BYTES 8 /* the kernel's sigset_t */

#if defined(__x86_64__)
static long
sys4(long n, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;

    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return r;
}
#elif defined(__aarch64__)
static long
sys4(long n, long a, long b, long c, long d)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;

    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}
#else
#error "pcon-infra: no system call entry for this architecture"
#endif

__attribute__((noreturn)) static void
leave(int code)
{
    for (;;)
        sys4(__NR_exit_group, code, 0, 0, 0);
}

static long
sys1(long n, long a)
{
    return sys4(n, a, 0, 0, 0);
}

static unsigned long
len(const char *s)
{
    unsigned long n = 0;

    while (s[n])
        n++;
    return n;
}

static void
say(const char *a, const char *b)
{
    sys4(__NR_write, 2, (long) a, (long) len(a), 0);
    sys4(__NR_write, 2, (long) b, (long) len(b), 0);
    sys4(__NR_write, 2, (long) "\n", 1, 0);
}

/* execve along PATH (the environment's, else the usual one); returns the
 * last error */
static long
exec_path(char **argv, char **envp)
{
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char buf[4096];
    long e = -2; /* ENOENT */

    for (char **v = envp; *v; v++)
        if ((*v)[0] == 'P' && (*v)[1] == 'A' && (*v)[2] == 'T' && (*v)[3] == 'H' && (*v)[4] == '=')
            path = *v + 5;
    for (const char *c = argv[0]; *c; c++)
        if (*c == '/')
            return sys4(__NR_execve, (long) argv[0], (long) argv, (long) envp, 0);
    while (*path) {
        unsigned long n = 0, k = len(argv[0]);
        while (path[n] && path[n] != ':')
            n++;
        if (n + 1 + k + 1 <= sizeof buf) {
            for (unsigned long i = 0; i < n; i++)
                buf[i] = path[i];
            buf[n] = '/';
            for (unsigned long i = 0; i <= k; i++)
                buf[n + 1 + i] = argv[0][i];
            e = sys4(__NR_execve, (long) (n ? buf : buf + 1), (long) argv, (long) envp, 0);
            if (e != -2 && e != -20) /* ENOENT, ENOTDIR: the next directory */
                break;
        }
        path += n + (path[n] == ':');
    }
    return e;
}

/* the init of `run --init`: never returns */
__attribute__((noreturn)) static void
init_main(char **argv, char **envp, unsigned long *all)
{
    int info[32]; /* siginfo_t: si_signo, si_errno, si_code, ... */
    long child = sys4(__NR_clone, 17 /* SIGCHLD */, 0, 0, 0);
    int status;

    if (child < 0)
        leave(125);
    if (child == 0) {
        int pgrp;
        /* a process group of its own, the terminal's foreground one: the
         * terminal's signals reach it once, not through us again */
        sys4(__NR_setpgid, 0, 0, 0, 0);
        pgrp = (int) sys1(__NR_getpid, 0);
        sys4(__NR_ioctl, 0, 0x5410 /* TIOCSPGRP */, (long) &pgrp, 0);
        sys4(__NR_rt_sigprocmask, SIG_UNBLOCK, (long) all, 0, SIGSET_BYTES);
        if (exec_path(argv, envp) == -2) {
            say("pcon-init: executable file not found: ", argv[0]);
            leave(127);
        }
        say("pcon-init: cannot run ", argv[0]);
        leave(126);
    }
    for (;;) {
        long sig = sys4(__NR_rt_sigtimedwait, (long) all, (long) info, 0, SIGSET_BYTES);
        long pid;

        if (sig > 0 && sig != SIGCHLD) {
            sys4(__NR_kill, child, sig, 0, 0);
            continue;
        }
        while ((pid = sys4(__NR_wait4, -1, (long) &status, 1 /* WNOHANG */, 0)) > 0)
            if (pid == child) {
                if ((status & 0x7f) == 0)
                    leave((status >> 8) & 0xff);
                leave(128 + (status & 0x7f));
            }
    }
}

__attribute__((noreturn)) void start_c(long *sp);
__attribute__((noreturn)) void _start(void);

/* the entry: the stack holds argc, argv[], NULL, envp[], NULL */
#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n xor %rbp,%rbp\n mov %rsp,%rdi\n and $-16,%rsp\n call start_c\n");
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n mov x29, #0\n mov x0, sp\n and sp, x0, #-16\n bl start_c\n");
#endif

__attribute__((noreturn)) void
start_c(long *sp)
{
    unsigned long all = ~0UL;
    char info[128]; /* siginfo_t */
    long argc = sp[0];
    char **argv = (char **) (sp + 1), **envp = argv + argc + 1;

    /* every signal blocked, then waited for: as the init of a pid
     * namespace, a signal it has no handler for would be dropped, a
     * blocked one is kept for it */
    if (sys4(__NR_rt_sigprocmask, SIG_BLOCK, (long) &all, 0, SIGSET_BYTES) < 0)
        leave(1);
    if (argc >= 3 && argv[1][0] == '-' && argv[1][1] == '-' && argv[1][2] == '\0')
        init_main(argv + 2, envp, &all);
    for (;;) {
        long sig = sys4(__NR_rt_sigtimedwait, (long) &all, (long) info, 0, SIGSET_BYTES);

        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
            leave(0);
        /* SIGCHLD, or anything: reap every child that has ended */
        while (sys4(__NR_wait4, -1, 0, 1 /* WNOHANG */, 0) > 0)
            ;
    }
}
