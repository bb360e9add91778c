// SPDX-License-Identifier: Apache-2.0
/* seccomp profiles (--security-opt seccomp=PROFILE.json, a user's file):
 * parsed and compiled with libseccomp into a memory file, never loaded. A
 * profile that compiles gives a program of whole BPF instructions; pcon's
 * program, and libseccomp's tree with its dispatch rewritten as runs of
 * syscall numbers whether or not that is shorter, decide as libseccomp's
 * list of the rules. */
#include <linux/audit.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "../../engine/caps.h"
#include "../../engine/seccomp.h"
#include "../../engine/seccomp_bpf.h"
#include "../unit/bpf_run.h"

/* the program of a profile at an optimization level, in p */
static int
compile(const char *profile, int optimize, struct bpf_prog *p)
{
    cleanup_close int fd = memfd_create("fuzz-seccomp", MFD_CLOEXEC);
    struct pcon_err err = { 0 };
    struct stat sb;

    if (fd < 0)
        fuzz_die("memfd_create");
    if (engine_seccomp_compile_opt(profile, engine_caps_default(), optimize, fd, &err) < 0) {
        if (err.msg == NULL)
            fuzz_die("a refused profile without a message");
        pcon_err_clear(&err);
        return -1;
    }
    if (fstat(fd, &sb) < 0 || sb.st_size <= 0 || sb.st_size % 8 != 0)
        fuzz_die("a compiled profile that is no BPF program");
    p->n = (size_t) sb.st_size / sizeof *p->f;
    p->f = xmalloc((size_t) sb.st_size);
    if (pread(fd, p->f, (size_t) sb.st_size, 0) != sb.st_size)
        fuzz_die("read the program");
    return 0;
}

/* both on every number either compares with, on the architectures a
 * profile can name here, with three sets of arguments */
static void
decide_alike(const struct bpf_prog *list, const struct bpf_prog *runs, const char *what)
{
    static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
                                       0x12345678 };
    static const uint64_t vals[] = { 0, ~UINT64_C(0), 16, 0x7e020000, 1ULL << 32 };
    size_t nn;
    cleanup_free uint32_t *nrs = bpf_numbers(list, runs, &nn);

    for (size_t a = 0; a < sizeof arches / sizeof arches[0]; a++)
        for (size_t i = 0; i < nn; i++)
            for (size_t v = 0; v < 3; v++) {
                struct bpf_data d = { .nr = (int32_t) nrs[i], .arch = arches[a] };
                for (int k = 0; k < 6; k++)
                    d.args[k] = vals[(v + (size_t) k) % (sizeof vals / sizeof vals[0])];
                if (bpf_run(list, &d) != bpf_run(runs, &d)) {
                    fprintf(stderr, "arch %#x nr %#x: list %#x, %s %#x\n", d.arch, nrs[i],
                            bpf_run(list, &d), what, bpf_run(runs, &d));
                    abort();
                }
            }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *s = NULL;
    struct bpf_prog list = { 0 }, tree = { 0 }, runs = { 0 }, shrunk = { 0 };

    if (size > 1 << 16)
        return 0;
    s = fuzz_str(data, size);
    if (compile(s, 3, &runs) < 0)
        return 0;
    if (compile(s, 1, &list) < 0 || compile(s, 2, &tree) < 0)
        fuzz_die("a profile that compiles only as runs");
    decide_alike(&list, &runs, "pcon's");
    if (engine_seccomp_bpf_shrink(tree.f, tree.n, &shrunk.f, &shrunk.n) == 0)
        decide_alike(&list, &shrunk, "the rewritten tree");
    free(list.f);
    free(tree.f);
    free(runs.f);
    free(shrunk.f);
    return 0;
}
