// SPDX-License-Identifier: Apache-2.0
/* The seccomp filter pcon loads (libseccomp's binary tree of the syscall
 * numbers) decides as the list of rules it replaced: both compiled from
 * podman's profile, run by a classic BPF interpreter for every syscall
 * number of each architecture and a spread of arguments. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../engine/caps.h"
#include "../../engine/seccomp.h"
#include "../../lib/fsutil.h"
#include "tap.h"

struct data {
    int32_t nr;
    uint32_t arch;
    uint64_t ip;
    uint64_t args[6];
};

struct prog {
    struct sock_filter *f;
    size_t n;
};

/* the program's action for d; 0xdead0000 | pc for what is not classic seccomp BPF */
static uint32_t
run(const struct prog *p, const struct data *d)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
    const unsigned char *bytes = (const unsigned char *) d;

    for (size_t pc = 0; pc < p->n; pc++) {
        const struct sock_filter *i = &p->f[pc];
        uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
        switch (BPF_CLASS(i->code)) {
        case BPF_LD:
            if (BPF_MODE(i->code) == BPF_ABS && BPF_SIZE(i->code) == BPF_W && i->k % 4 == 0
                && i->k + 4 <= sizeof *d)
                memcpy(&a, bytes + i->k, 4);
            else if (BPF_MODE(i->code) == BPF_IMM)
                a = i->k;
            else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
                a = mem[i->k];
            else
                return 0xdead0000 | (uint32_t) pc;
            break;
        case BPF_LDX:
            if (BPF_MODE(i->code) == BPF_IMM)
                x = i->k;
            else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
                x = mem[i->k];
            else
                return 0xdead0000 | (uint32_t) pc;
            break;
        case BPF_ST:
        case BPF_STX:
            if (i->k >= BPF_MEMWORDS)
                return 0xdead0000 | (uint32_t) pc;
            mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
            break;
        case BPF_ALU:
            switch (BPF_OP(i->code)) {
            case BPF_ADD:
                a += src;
                break;
            case BPF_SUB:
                a -= src;
                break;
            case BPF_MUL:
                a *= src;
                break;
            case BPF_DIV:
                if (src == 0)
                    return 0;
                a /= src;
                break;
            case BPF_MOD:
                if (src == 0)
                    return 0;
                a %= src;
                break;
            case BPF_OR:
                a |= src;
                break;
            case BPF_AND:
                a &= src;
                break;
            case BPF_XOR:
                a ^= src;
                break;
            case BPF_LSH:
                a = src < 32 ? a << src : 0;
                break;
            case BPF_RSH:
                a = src < 32 ? a >> src : 0;
                break;
            case BPF_NEG:
                a = -a;
                break;
            default:
                return 0xdead0000 | (uint32_t) pc;
            }
            break;
        case BPF_JMP: {
            bool t;
            if (BPF_OP(i->code) == BPF_JA) {
                pc += i->k;
                continue;
            }
            switch (BPF_OP(i->code)) {
            case BPF_JEQ:
                t = a == src;
                break;
            case BPF_JGT:
                t = a > src;
                break;
            case BPF_JGE:
                t = a >= src;
                break;
            case BPF_JSET:
                t = (a & src) != 0;
                break;
            default:
                return 0xdead0000 | (uint32_t) pc;
            }
            pc += t ? i->jt : i->jf;
            break;
        }
        case BPF_RET:
            return BPF_RVAL(i->code) == BPF_A ? a : i->k;
        case BPF_MISC:
            if (BPF_MISCOP(i->code) == BPF_TAX)
                x = a;
            else
                a = x;
            break;
        }
    }
    return 0xdeadffff; /* ran off the end */
}

static struct prog
compile(const char *profile, uint64_t caps, int opt)
{
    struct prog p = { 0 };
    struct pcon_err err = { 0 };
    int fd = memfd_create("test-seccomp", MFD_CLOEXEC);
    struct stat st;

    if (fd < 0 || engine_seccomp_compile_opt(profile, caps, opt, fd, &err) < 0
        || fstat(fd, &st) < 0) {
        printf("# compile (optimize %d): %s\n", opt, err.msg ? err.msg : strerror(errno));
        exit(1);
    }
    p.n = (size_t) st.st_size / sizeof *p.f;
    p.f = malloc((size_t) st.st_size + 1);
    if (p.f == NULL || pread(fd, p.f, (size_t) st.st_size, 0) != st.st_size)
        exit(1);
    close(fd);
    return p;
}

/* every number of each architecture (x32's with its bit), arguments the
 * profile's rules look at among others */
static long
differences(const struct prog *list, const struct prog *tree, long *checked)
{
    static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
                                       0x12345678 };
    static const uint64_t vals[] = { 0,          1,          2,          10,         16,
                                     40,         0x10000000, 0x7e020000, 0x20000000, 0xffffffff,
                                     1ULL << 32, 8,          0x0008,     131072,     0x40000000 };
    long diff = 0;

    for (size_t ai = 0; ai < sizeof arches / sizeof arches[0]; ai++)
        for (int x32 = 0; x32 < 2; x32++)
            for (int32_t nr = -1; nr < 600; nr++)
                for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
                    struct data d = { .nr = nr | (x32 ? 0x40000000 : 0), .arch = arches[ai] };
                    uint32_t l, t;
                    for (int k = 0; k < 6; k++)
                        d.args[k] = vals[(v + (size_t) k * 3) % (sizeof vals / sizeof vals[0])];
                    l = run(list, &d);
                    t = run(tree, &d);
                    (*checked)++;
                    if (l != t && diff++ < 5)
                        printf("# arch %#x nr %d arg0 %#llx: list %#x, tree %#x\n", d.arch, d.nr,
                               (unsigned long long) d.args[0], l, t);
                    if ((l & 0xffff0000) == 0xdead0000 && diff++ < 5)
                        printf("# the interpreter does not know instruction %u\n", l & 0xffff);
                }
    return diff;
}

int
main(void)
{
    char *profile = fs_read_all(AT_FDCWD, ENGINE_SECCOMP_DEFAULT, ENGINE_SECCOMP_MAX, NULL, NULL);
    uint64_t sets[] = { engine_caps_default(), ~UINT64_C(0) };

    if (profile == NULL) {
        printf("1..0 # SKIP no %s\n", ENGINE_SECCOMP_DEFAULT);
        return 0;
    }
    for (size_t s = 0; s < 2; s++) {
        struct prog list = compile(profile, sets[s], 1), tree = compile(profile, sets[s], 2);
        long checked = 0, diff = differences(&list, &tree, &checked);
        ok(tree.n > 0 && list.n > 0,
           s ? "compiled, every capability" : "compiled, the default set");
        is_int(diff, 0,
               s ? "the tree decides as the list: every capability"
                 : "the tree decides as the list: the default capabilities");
        printf("# %zu and %zu instructions, %ld inputs\n", list.n, tree.n, checked);
        free(list.f);
        free(tree.f);
    }
    free(profile);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
