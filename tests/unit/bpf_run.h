/* SPDX-License-Identifier: Apache-2.0 */
/* A classic BPF interpreter for seccomp programs, for the tests that check
 * two programs decide alike: the unit test on podman's profile, the fuzz
 * target on any profile. */
#ifndef PCON_TESTS_BPF_RUN_H
#define PCON_TESTS_BPF_RUN_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bpf_data {
    int32_t nr;
    uint32_t arch;
    uint64_t ip;
    uint64_t args[6];
};

struct bpf_prog {
    struct sock_filter *f;
    size_t n;
};

/* the program's action for d; 0xdead0000 | pc for what is not classic seccomp BPF */
static inline uint32_t
bpf_run(const struct bpf_prog *p, const struct bpf_data *d)
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

static inline int
bpf_u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *) x, b = *(const uint32_t *) y;
    return a < b ? -1 : a > b;
}

/* the numbers to try (malloc'd): every one below 600 (x32's too, with its bit), each
 * value either program compares with and its neighbours, the extremes */
static inline uint32_t *
bpf_numbers(const struct bpf_prog *x, const struct bpf_prog *y, size_t *count)
{
    static const uint32_t edges[] = { 0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff,
                                      0xc0000000, 0xfffffffe, 0xffffffff };
    size_t cap = 1200 + 3 * (x->n + y->n) + sizeof edges / sizeof edges[0], n = 0, m = 0;
    uint32_t *v = malloc(cap * sizeof *v);

    for (uint32_t nr = 0; nr < 600; nr++) {
        v[n++] = nr;
        v[n++] = nr | 0x40000000;
    }
    for (const struct bpf_prog *p = x; p; p = p == x ? y : NULL)
        for (size_t i = 0; i < p->n; i++)
            if (BPF_CLASS(p->f[i].code) == BPF_JMP && BPF_OP(p->f[i].code) != BPF_JA)
                for (int d = -1; d <= 1; d++)
                    v[n++] = p->f[i].k + (uint32_t) d;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        v[n++] = edges[i];
    qsort(v, n, sizeof *v, bpf_u32_cmp);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[i] != v[m - 1])
            v[m++] = v[i];
    *count = m;
    return v;
}

#endif
