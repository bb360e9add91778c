// SPDX-License-Identifier: Apache-2.0
/* flock-based locks. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "lock.h"

int
lock_take(int dfd, const char *name, bool exclusive, struct pcon_err *err)
{
    cleanup_close int fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0)
        return pcon_fail(err, errno, "open lock \"%s\"", name);
    if (TEMP_FAILURE_RETRY_INT(flock(fd, exclusive ? LOCK_EX : LOCK_SH)) < 0)
        return pcon_fail(err, errno, "lock \"%s\"", name);
    return steal_fd(&fd);
}

int
lock_try_exclusive(int dfd, const char *name)
{
    cleanup_close int fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
        return -1;
    return steal_fd(&fd);
}
