/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp: podman's JSON profile format (defaultAction, syscalls with names,
 * action, errnoRet, args, includes and excludes by caps, arches and
 * minKernel) compiled with libseccomp into a BPF program, cached by digest,
 * loaded by the container's process before it drops its capabilities. */
#ifndef PCON_ENGINE_SECCOMP_H
#define PCON_ENGINE_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/err.h"

struct store;

/* where podman's profile lives (Debian's golang-github-containers-common) */
#define ENGINE_SECCOMP_DEFAULT "/usr/share/containers/seccomp.json"
#define ENGINE_SECCOMP_MAX     (1 << 20) /* the largest profile read */

/* compiles a profile for a process with capabilities caps, the program
 * written to fd (seccomp_export_bpf's raw sock_filter array) */
int engine_seccomp_compile(const char *profile, uint64_t caps, int fd, struct pcon_err *err);
/* the same at an optimization level: 1 libseccomp's list of the rules, 2
 * its binary tree of the syscall numbers, 3 (engine_seccomp_compile's) that
 * tree's dispatch rewritten as a search of runs of numbers
 * (engine_seccomp_bpf_shrink) */
int engine_seccomp_compile_opt(const char *profile, uint64_t caps, int optimize, int fd,
                               struct pcon_err *err);
/* the image label a profile comes in with --seccomp-policy image (podman's) */
#define SECCOMP_IMAGE_LABEL "io.containers.seccomp.profile"
/* the program for profile (NULL: podman's default profile, else pcon's
 * own when that file is missing) and caps, from the cache in the run root
 * or compiled into it; *prog is malloc'd, *len in bytes */
int engine_seccomp_program(struct store *st, const char *profile, uint64_t caps, void **prog,
                           size_t *len, struct pcon_err *err);

struct ctr_config;
/* the program c's configuration asks for: NULL (unconfined) or its
 * profile's, for caps */
int engine_seccomp_for(struct store *st, const struct ctr_config *c, uint64_t caps, void **prog,
                       size_t *len, struct pcon_err *err);

#endif
