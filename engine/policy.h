/* SPDX-License-Identifier: Apache-2.0 */
/* The confinement policy of a container process, as data: the
 * capabilities it keeps (podman's default set) and the kernel paths it may
 * not read or write (podman's masked and read-only lists). Only the
 * mechanisms include it: engine/process.c (capabilities) and
 * engine/mounts.c (paths). Seccomp rules join them next. */
#ifndef PCON_ENGINE_POLICY_H
#define PCON_ENGINE_POLICY_H

#include <linux/capability.h>

#define POLICY_N(a) (sizeof(a) / sizeof((a)[0]))

static const int policy_default_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FOWNER,  CAP_FSETID, CAP_KILL,       CAP_NET_BIND_SERVICE,
    CAP_SETFCAP, CAP_SETGID,       CAP_SETPCAP, CAP_SETUID, CAP_SYS_CHROOT,
};

/* hidden: /dev/null over a file, an empty read-only tmpfs over a directory;
 * a path this kernel lacks is skipped */
static const char *const policy_masked_paths[] = {
    "/proc/acpi",       "/proc/kcore",       "/proc/keys",        "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware",    "/sys/fs/selinux",   "/sys/dev/block",    "/sys/devices/virtual/powercap",
};

/* bound onto themselves read-only */
static const char *const policy_readonly_paths[] = {
    "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#endif
