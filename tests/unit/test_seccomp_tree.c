// SPDX-License-Identifier: Apache-2.0
/* The seccomp filter pcon loads (libseccomp's binary tree of the syscall
 * numbers, its dispatch rewritten as runs of numbers) and that tree decide
 * as libseccomp's list of the rules: all compiled from podman's profile,
 * run by a classic BPF interpreter for every syscall number below 600 and
 * every value compared, on each architecture and its neighbours, with a
 * spread of arguments. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../engine/caps.h"
#include "../../engine/seccomp.h"
#include "../../lib/fsutil.h"
#include "bpf_run.h"
#include "tap.h"

static struct bpf_prog
compile(const char *profile, uint64_t caps, int opt)
{
    struct bpf_prog p = { 0 };
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

/* the two programs' actions for those numbers on each architecture (and
 * its neighbours), with arguments the profile's rules look at among others */
static long
differences(const struct bpf_prog *list, const struct bpf_prog *tree, long *checked)
{
    static const uint32_t arches[] = {
        AUDIT_ARCH_X86_64,
        AUDIT_ARCH_I386,
        AUDIT_ARCH_AARCH64,
        0x12345678,
        AUDIT_ARCH_X86_64 - 1,
        AUDIT_ARCH_I386 - 1,
        AUDIT_ARCH_AARCH64 - 1,
        AUDIT_ARCH_X86_64 + 1,
        AUDIT_ARCH_I386 + 1,
        0,
        0xffffffff,
    };
    static const uint64_t vals[] = { 0,          1,          2,          10,         16,
                                     40,         0x10000000, 0x7e020000, 0x20000000, 0xffffffff,
                                     1ULL << 32, 8,          0x0008,     131072,     0x40000000 };
    size_t nn;
    uint32_t *nrs = bpf_numbers(list, tree, &nn);
    long diff = 0;

    for (size_t ai = 0; ai < sizeof arches / sizeof arches[0]; ai++)
        for (size_t ni = 0; ni < nn; ni++)
            for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
                struct bpf_data d = { .nr = (int32_t) nrs[ni], .arch = arches[ai] };
                uint32_t l, t;
                for (int k = 0; k < 6; k++)
                    d.args[k] = vals[(v + (size_t) k * 3) % (sizeof vals / sizeof vals[0])];
                l = bpf_run(list, &d);
                t = bpf_run(tree, &d);
                (*checked)++;
                if (l != t && diff++ < 5)
                    printf("# arch %#x nr %#x arg0 %#llx: %#x, %#x\n", d.arch, (uint32_t) d.nr,
                           (unsigned long long) d.args[0], l, t);
                if ((l & 0xffff0000) == 0xdead0000 && diff++ < 5)
                    printf("# the interpreter does not know instruction %u\n", l & 0xffff);
            }
    free(nrs);
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
        const char *set = s ? "every capability" : "the default capabilities";
        struct bpf_prog list = compile(profile, sets[s], 1), tree = compile(profile, sets[s], 2),
                        runs = compile(profile, sets[s], 3);
        long checked = 0, diff = differences(&list, &tree, &checked);
        char name[128];

        snprintf(name, sizeof name, "compiled, %s", set);
        ok(tree.n > 0 && list.n > 0 && runs.n > 0, name);
        snprintf(name, sizeof name, "the tree decides as the list: %s", set);
        is_int(diff, 0, name);
        checked = 0;
        diff = differences(&list, &runs, &checked);
        snprintf(name, sizeof name, "the runs decide as the list: %s", set);
        is_int(diff, 0, name);
        snprintf(name, sizeof name, "the runs are shorter than the tree: %s", set);
        ok(runs.n < tree.n, name);
        printf("# list %zu, tree %zu, runs %zu instructions; %ld inputs\n", list.n, tree.n, runs.n,
               checked);
        free(list.f);
        free(tree.f);
        free(runs.f);
    }
    free(profile);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
