/* SPDX-License-Identifier: Apache-2.0 */
/* The capabilities a container process keeps: podman's default set. Only
 * engine/init.c includes this table. */
#ifndef PCON_ENGINE_CAPS_H
#define PCON_ENGINE_CAPS_H

#include <linux/capability.h>

static const int default_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FOWNER,  CAP_FSETID, CAP_KILL,       CAP_NET_BIND_SERVICE,
    CAP_SETFCAP, CAP_SETGID,       CAP_SETPCAP, CAP_SETUID, CAP_SYS_CHROOT,
};

#endif
