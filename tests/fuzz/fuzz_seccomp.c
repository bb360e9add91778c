// SPDX-License-Identifier: Apache-2.0
/* seccomp profiles (--security-opt seccomp=PROFILE.json, a user's file):
 * parsed and compiled with libseccomp into a memory file, never loaded. A
 * profile that compiles gives a program of whole BPF instructions. */
#include <sys/mman.h>

#include "fuzz.h"
#include "../../engine/caps.h"
#include "../../engine/seccomp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    cleanup_free char *s = NULL;
    struct pcon_err err = { 0 };
    struct stat sb;

    if (size > 1 << 16)
        return 0;
    if (fd < 0 && (fd = memfd_create("fuzz-seccomp", MFD_CLOEXEC)) < 0)
        fuzz_die("memfd_create");
    if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        fuzz_die("reset the memory file");
    s = fuzz_str(data, size);
    if (engine_seccomp_compile(s, engine_caps_default(), fd, &err) < 0) {
        if (err.msg == NULL)
            fuzz_die("a refused profile without a message");
        pcon_err_clear(&err);
        return 0;
    }
    if (fstat(fd, &sb) < 0 || sb.st_size <= 0 || sb.st_size % 8 != 0)
        fuzz_die("a compiled profile that is no BPF program");
    return 0;
}
