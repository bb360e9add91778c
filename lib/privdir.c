// SPDX-License-Identifier: Apache-2.0
/* Whether a directory is private to this user: what pcon keeps there (the
 * store, pause.pid) is trusted, so nobody else may have been able to put
 * or swap anything on the way to it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "privdir.h"

/* An ancestor may also belong to root, and may be writable by others when
 * sticky (/tmp): then nobody else can rename what is ours in it. */
static int
ancestor_check(const char *what, const char *dir, const char *path, struct pcon_err *err)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return pcon_fail(err, errno, "%s \"%s\": stat \"%s\"", what, dir, path);
    if (st.st_uid != getuid() && st.st_uid != 0)
        return pcon_fail(err, 0, "%s \"%s\": \"%s\" is owned by uid %u, not by you or root", what,
                         dir, path, (unsigned) st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
        return pcon_fail(err, 0, "%s \"%s\": \"%s\" is writable by group or others (mode %04o)",
                         what, dir, path, (unsigned) (st.st_mode & 07777));
    return 0;
}

int
privdir_check(const char *what, const char *dir, struct pcon_err *err)
{
    cleanup_free char *real = realpath(dir, NULL);
    struct stat st;
    char *slash;

    if (real == NULL)
        return pcon_fail(err, errno, "%s \"%s\"", what, dir);
    if (stat(real, &st) < 0)
        return pcon_fail(err, errno, "%s \"%s\"", what, dir);
    if (!S_ISDIR(st.st_mode))
        return pcon_fail(err, ENOTDIR, "%s \"%s\"", what, dir);
    if (st.st_uid != getuid())
        return pcon_fail(err, 0, "%s \"%s\" is owned by uid %u, not by you (uid %u)", what, dir,
                         (unsigned) st.st_uid, (unsigned) getuid());
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return pcon_fail(err, 0, "%s \"%s\" is writable by group or others (mode %04o)", what, dir,
                         (unsigned) (st.st_mode & 07777));
    /* every directory above it, up to / */
    while ((slash = strrchr(real, '/')) != NULL) {
        if (slash == real) {
            slash[1] = '\0';
            return ancestor_check(what, dir, real, err);
        }
        *slash = '\0';
        if (ancestor_check(what, dir, real, err) < 0)
            return -1;
    }
    return 0;
}

int
privdir_check_fd(const char *what, int dfd, const char *name, struct pcon_err *err)
{
    struct stat st;

    if (fstat(dfd, &st) < 0)
        return pcon_fail(err, errno, "%s \"%s\"", what, name);
    if (st.st_uid != geteuid())
        return pcon_fail(err, 0, "%s \"%s\" is not owned by you", what, name);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return pcon_fail(err, 0, "%s \"%s\" is writable by group or others (mode %04o)", what, name,
                         (unsigned) (st.st_mode & 07777));
    return 0;
}
