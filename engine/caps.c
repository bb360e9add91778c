// SPDX-License-Identifier: Apache-2.0
/* Capability names and a container's set: podman's default, with
 * --cap-add and --cap-drop. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "caps.h"
#include "container.h"
#include "policy.h"

static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

#define NCAPS ((int) (sizeof cap_names / sizeof cap_names[0]))

int
engine_cap_last(void)
{
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    int last = NCAPS - 1;

    if (f) {
        if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
            last = NCAPS - 1;
        fclose(f);
    }
    return last;
}

/* "net_admin", "CAP_NET_ADMIN": the number, or -1 */
static int
cap_number(const char *name)
{
    for (int i = 0; i < NCAPS; i++)
        if (strcasecmp(name, cap_names[i]) == 0 || strcasecmp(name, cap_names[i] + 4) == 0)
            return i;
    return -1;
}

int
engine_caps_normalize(char *const *in, char ***out, struct pcon_err *err)
{
    cleanup_strv char **v = NULL;

    for (size_t i = 0; in && in[i]; i++) {
        int cap = cap_number(in[i]);
        if (strcasecmp(in[i], "all") == 0) {
            strv_push(&v, "ALL");
            continue;
        }
        if (cap < 0) {
            cleanup_free char *upper =
                xasprintf("%s%s", strncasecmp(in[i], "cap_", 4) == 0 ? "" : "CAP_", in[i]);
            for (char *c = upper; *c; c++)
                *c = (char) toupper((unsigned char) *c);
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "\"%s\": unknown capability", upper);
        }
        if (!strv_contains(v, cap_names[cap]))
            strv_push(&v, cap_names[cap]);
    }
    *out = steal_ptr(&v);
    return 0;
}

static uint64_t
caps_mask(char *const *names, uint64_t all)
{
    uint64_t m = 0;

    for (size_t i = 0; names && names[i]; i++) {
        int cap = cap_number(names[i]);
        if (strcmp(names[i], "ALL") == 0)
            m |= all;
        else if (cap >= 0)
            m |= UINT64_C(1) << cap;
    }
    return m & all;
}

uint64_t
engine_caps_default(void)
{
    uint64_t m = 0;

    for (size_t i = 0; i < POLICY_N(policy_default_caps); i++)
        m |= UINT64_C(1) << policy_default_caps[i];
    return m;
}

void
engine_caps_compute(char *const *add, char *const *drop, uint64_t *set, uint64_t *added)
{
    int last = engine_cap_last();
    uint64_t all = last >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (last + 1)) - 1;
    uint64_t a = caps_mask(add, all), d = caps_mask(drop, all);

    /* podman's order: --cap-drop ALL empties the default, then the added
     * ones come in; otherwise the drops win over the default */
    if (strv_contains(drop, "ALL"))
        *set = a;
    else
        *set = ((engine_caps_default() | a) & ~d) & all;
    if (strv_contains(add, "ALL") && !strv_contains(drop, "ALL"))
        *set = all & ~d;
    *added = a & *set;
}

char **
engine_caps_names(uint64_t set)
{
    char **v = NULL;

    for (int i = 0; i < NCAPS; i++)
        if (set & (UINT64_C(1) << i))
            strv_push(&v, cap_names[i]);
    strv_sort(v);
    return v ? v : xzalloc(sizeof *v);
}

void
engine_ctr_caps(const struct ctr_config *g, uint64_t *set, uint64_t *added)
{
    char *all[] = { (char *) "ALL", NULL };

    engine_caps_compute(g->privileged ? all : g->cap_add, g->cap_drop, set, added);
}
