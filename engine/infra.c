// SPDX-License-Identifier: Apache-2.0
/* The root of a pod's infra container. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "infra.h"

int
engine_infra_root(const char *rootfs, struct pcon_err *err)
{
    static const char *const dirs[] = { "dev", "proc", "sys", "etc", "run", "tmp", NULL };
    cleanup_close int dfd = -1, fd = -1;
    size_t size;
    const unsigned char *prog = engine_infra_program(&size);

    /* a few pages: the program and empty mount points, nothing to keep */
    if (mount("tmpfs", rootfs, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") < 0)
        return pcon_fail(err, errno, "mount the infra container's root");
    dfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return pcon_fail(err, errno, "open the infra container's root");
    for (size_t i = 0; dirs[i]; i++)
        if (mkdirat(dfd, dirs[i], 0755) < 0)
            return pcon_fail(err, errno, "create /%s in the infra container's root", dirs[i]);
    fd = openat(dfd, &ENGINE_INFRA_PATH[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0555);
    if (fd < 0 || fs_write_all(fd, prog, size) < 0)
        return pcon_fail(err, errno, "write the infra program");
    return 0;
}
