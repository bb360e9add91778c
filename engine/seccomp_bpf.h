/* SPDX-License-Identifier: Apache-2.0 */
/* A compiled seccomp program made smaller: its dispatch on the architecture
 * and the syscall number rewritten as a search over runs of numbers that
 * end alike, the rest of it (argument checks) kept as it was. */
#ifndef PCON_ENGINE_SECCOMP_BPF_H
#define PCON_ENGINE_SECCOMP_BPF_H

#include <linux/filter.h>
#include <stddef.h>

/* *out (malloc'd, *outn instructions) decides as in[0..n) for every input,
 * shorter for programs with long runs of numbers (the caller compares);
 * -1 when the program is not one whose dispatch can be followed (an
 * instruction of another kind before the first argument is read) */
int engine_seccomp_bpf_shrink(const struct sock_filter *in, size_t n, struct sock_filter **out,
                              size_t *outn);

#endif
