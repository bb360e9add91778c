// SPDX-License-Identifier: Apache-2.0
/* The root of a pod's infra container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../storage/store.h"
#include "infra.h"

int
engine_infra_root(const char *rootfs, uid_t uid, gid_t gid, struct pcon_err *err)
{
    static const char *const dirs[] = { "dev", "proc", "sys", "etc", "run", "tmp", NULL };
    cleanup_close int dfd = -1, fd = -1;
    size_t size;
    const unsigned char *prog = engine_infra_program(&size);
    char opts[96];

    /* a few pages: the program and empty mount points, nothing to keep;
     * the container's root owns them, as an image's root would be */
    snprintf(opts, sizeof opts, "size=1m,mode=0755,uid=%lu,gid=%lu", (unsigned long) uid,
             (unsigned long) gid);
    if (mount("tmpfs", rootfs, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
        return pcon_fail(err, errno, "mount the infra container's root");
    dfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open the infra container's root");
    for (size_t i = 0; dirs[i]; i++)
        if (mkdirat(dfd, dirs[i], 0755) < 0
            || fchownat(dfd, dirs[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
            return pcon_fail(err, errno, "create /%s in the infra container's root", dirs[i]);
    fd = openat(dfd, &ENGINE_INFRA_PATH[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0555);
    if (fd < 0 || fs_write_all(fd, prog, size) < 0)
        return pcon_fail(err, errno, "write the infra program");
    return 0;
}

int
engine_infra_program_write(int dfd, const char *name, struct pcon_err *err)
{
    size_t size;
    const unsigned char *prog = engine_infra_program(&size);

    return fs_write_atomic(dfd, name, prog, size, 0555, false, err);
}

char *
engine_pod_shm_path(const struct store *st, const char *pod)
{
    return xasprintf("%s/pods/%s/shm", st->runroot, pod);
}

int
engine_pod_shm_prepare(const struct store *st, const char *pod, long long size,
                       struct pcon_err *err)
{
    char data[64];

    cleanup_free char *path = engine_pod_shm_path(st, pod);
    cleanup_free char *parent = xasprintf("%s/pods/%s", st->runroot, pod);
    struct stat a, b;

    if (fs_mkdir_p(parent, 0700, err) < 0)
        return -1;
    if (mkdir(path, 01777) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create the pod's /dev/shm");
    if (stat(path, &a) < 0 || stat(parent, &b) < 0)
        return pcon_fail(err, errno, "read the pod's /dev/shm");
    /* mounted already (a previous start, while pcon's namespace lives):
     * the members that run share it still */
    if (a.st_dev != b.st_dev)
        return 0;
    snprintf(data, sizeof data, "mode=1777,size=%lldk", size > 0 ? size / 1024 : 65536);
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
        return pcon_fail(err, errno, "mount the pod's /dev/shm");
    return 0;
}

void
engine_pod_shm_release(const struct store *st, const char *pod)
{
    cleanup_free char *path = engine_pod_shm_path(st, pod);
    cleanup_free char *parent = xasprintf("%s/pods/%s", st->runroot, pod);

    (void) umount2(path, MNT_DETACH); /* not mounted: EINVAL */
    (void) rmdir(path);
    (void) rmdir(parent);
}
