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

__attribute__((noreturn)) void _start(void);

__attribute__((noreturn)) void
_start(void)
{
    unsigned long all = ~0UL;
    char info[128]; /* siginfo_t */

    /* every signal blocked, then waited for: as the init of a pid
     * namespace, a signal it has no handler for would be dropped, a
     * blocked one is kept for it */
    if (sys4(__NR_rt_sigprocmask, SIG_BLOCK, (long) &all, 0, SIGSET_BYTES) < 0)
        leave(1);
    for (;;) {
        long sig = sys4(__NR_rt_sigtimedwait, (long) &all, (long) info, 0, SIGSET_BYTES);

        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
            leave(0);
        /* SIGCHLD, or anything: reap every child that has ended */
        while (sys4(__NR_wait4, -1, 0, 1 /* WNOHANG */, 0) > 0)
            ;
    }
}
