// SPDX-License-Identifier: Apache-2.0
/* The container's init side: everything between clone and execve. Runs
 * single-threaded in the new namespaces; every failure goes home on the
 * sync socket as {errnum, kind, text} and ends the process. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../netns/netns.h"
#include "../storage/rootfs.h"
#include "confine.h"
#include "infra.h"
#include "init.h"
#include "spec.h"

__attribute__((noreturn)) static void
init_fail(const struct init_config *c, const struct pcon_err *err, int code)
{
    engine_process_fail(c->proc.syncfd, err, code);
}

static int
enter_root(const struct init_config *c, struct pcon_err *err)
{
    cleanup_close int rootfd = -1;

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return pcon_fail(err, errno, "make the mounts private");
    /* (an infra's root the monitor made is its root_tree) */
    if (c->infra ? c->root_tree < 0 && engine_infra_root(c->rootfs, 0, 0, err) < 0
                 : c->st
                       && storage_rootfs_mount(c->st, c->img, c->id, NULL, c->rootfs,
                                               c->ephemeral ? STORAGE_MOUNT_EPHEMERAL : 0, err)
                              < 0)
        return -1;
    if (c->private_net && netns_loopback_up(err) < 0)
        return -1;
    /* through the host's /proc/sys, before the container's is read-only:
     * these are the files of the namespaces this process is in */
    if (engine_sysctls_apply(c->sysctls, err) < 0)
        return -1;
    if (c->root_tree >= 0
        && (move_mount(c->root_tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0
            || fchdir(c->root_tree) < 0))
        return pcon_fail(err, errno, "mount the root file system");
    rootfd = open(c->root_tree >= 0 ? "." : c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return pcon_fail(err, errno, "open the root file system");
    if (engine_mounts_perform(rootfd, c->plan, err) < 0)
        return -1;
    if (c->proc.workdir) {
        cleanup_close int wfd = fs_mkdir_in_root(rootfd, c->proc.workdir, 0755, err);
        if (wfd < 0) {
            err->kind = PCON_ERR_EXEC;
            return pcon_prefix(err, "workdir \"%s\"", c->proc.workdir);
        }
    }
    /* the root read-only last: the mount points and the workdir are made */
    if (c->read_only && engine_mounts_remount_ro(rootfd) < 0)
        return pcon_fail(err, errno, "make the root file system read-only");
    if (!c->keep_hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
        return pcon_fail(err, errno, "set hostname");
    /* pivot_root(".", "."): stack the old root under the new one, then
     * detach it, leaving nothing of the host reachable */
    if (fchdir(rootfd) < 0)
        return pcon_fail(err, errno, "enter the root file system");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return pcon_fail(err, errno, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        return pcon_fail(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return pcon_fail(err, errno, "enter /");
    return 0;
}

void
engine_init_main(const struct init_config *c)
{
    struct pcon_err err = { 0 };

    /* Until execve this process holds the store's fds and pcon's memory; a
     * process sharing its pid namespace (an exec session, a pod's member)
     * must not reach them through /proc/PID. execve makes it dumpable. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        pcon_fail(&err, errno, "make the container process non-dumpable");
        init_fail(c, &err, 125);
    }
    if (enter_root(c, &err) < 0)
        init_fail(c, &err, 125);
    /* A container goes with its monitor, which holds its network helper,
     * its log and its exit code: one left without it would be reported
     * running with nothing to record its end (and a pod's infra, while
     * its pod has no network). As a service's main pid the monitor is what
     * systemd watches: killed, it takes its container along. (The monitor
     * waits for this execve: it is alive now; the signal stays set across
     * it.) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
        pcon_fail(&err, errno, "tie the container to its monitor");
        init_fail(c, &err, 125);
    }
    engine_process_exec(&c->proc);
}
