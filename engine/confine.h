/* SPDX-License-Identifier: Apache-2.0 */
/* What a container's process is given or held to besides its namespaces,
 * capabilities and seccomp: resource limits (--ulimit), namespaced kernel
 * settings (--sysctl), the OOM score (--oom-score-adj), host devices
 * (--device, --privileged), the time zone (--tz). Each is checked at create
 * (the errors are create's, one line each) and applied in the child. */
#ifndef PCON_ENGINE_CONFINE_H
#define PCON_ENGINE_CONFINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"

/* --ulimit NAME=SOFT[:HARD] (-1 or unlimited: no limit), as podman names
 * them (nofile, nproc, core, ...); checked against this user's hard
 * limits, which a rootless container cannot raise. *norm gets the
 * normalised "NAME=SOFT:HARD". */
int engine_ulimit_check(const char *spec, char **norm, struct pcon_err *err);
/* In the child: podman's default (the open files' soft limit raised to
 * the hard one), then each of the record's. */
int engine_ulimits_apply(char *const *specs, struct pcon_err *err);

/* --sysctl KEY=VALUE: only those of a namespace the container has of its
 * own (podman's list: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*
 * with its ipc namespace, net.* with its network namespace) */
int engine_sysctl_check(const char *spec, bool own_net, bool own_ipc, struct pcon_err *err);
/* In the child, in its namespaces, through /proc/sys before it is read-only. */
int engine_sysctls_apply(char *const *specs, struct pcon_err *err);

/* --oom-score-adj: -1000..1000 */
int engine_oom_score_check(const char *v, int *out, struct pcon_err *err);
/* by the parent, before GO: the child's */
int engine_oom_score_apply(pid_t pid, int adj, struct pcon_err *err);

/* --device HOST[:CTR][:PERMS]: a device node of the host (char or block),
 * bound at CTR (default: the same path), read-only without w in PERMS.
 * *norm gets "HOST:CTR:PERMS". */
int engine_device_check(const char *spec, char **norm, struct pcon_err *err);
/* --privileged: the host's device nodes at the top of /dev ("PATH:PATH:rwm" each) */
char **engine_devices_privileged(void);

/* --tz: "local" (the host's /etc/localtime) or a zone of the host's
 * /usr/share/zoneinfo; *file gets the host file bound at /etc/localtime */
int engine_tz_resolve(const char *tz, char **file, struct pcon_err *err);

#endif
