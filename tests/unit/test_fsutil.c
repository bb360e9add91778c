// SPDX-License-Identifier: Apache-2.0
/* File-system helpers on trees a container controls: recursive removal
 * never changes what a swapped-in link points to, with and without
 * fchmodat2. The race is staged through an openat that swaps the name. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../lib/cleanup.h"
#include "../../lib/fsutil.h"
#include "tap.h"

/* the name whose failing directory open swaps it for a link to swap_target */
static const char *swap_name, *swap_target;
static bool no_fchmodat2;

/* Interposes libc's openat for the objects linked here: when the open of
 * swap_name as a directory fails with EACCES, the directory is renamed away
 * and a link put in its place, as a container could between two calls. */
int
openat(int dfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    int fd, e;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    fd = (int) syscall(SYS_openat, dfd, path, flags, mode);
    e = errno;
    if (fd < 0 && e == EACCES && swap_name && strcmp(path, swap_name) == 0
        && (flags & O_DIRECTORY) && !(flags & O_PATH)) {
        if (renameat(dfd, path, dfd, "moved-away") == 0)
            (void) symlinkat(swap_target, dfd, path); /* checked by the caller's stat */
        swap_name = NULL;
    }
    errno = e;
    return fd;
}

/* Interposes syscall(2) to stand for a kernel without fchmodat2. */
long
syscall(long n, ...)
{
    static long (*real)(long, ...);
    long a[6];
    va_list ap;

    if (n == 452 && no_fchmodat2) {
        errno = ENOSYS;
        return -1;
    }
    if (real == NULL)
        real = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
    /* as glibc's own wrapper: six register-sized arguments, used or not */
    va_start(ap, n);
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    return real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static mode_t
mode_of(int dfd, const char *name)
{
    struct stat st;

    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? (mode_t) -1 : st.st_mode & 07777;
}

static bool
is_link(int dfd, const char *name)
{
    struct stat st;

    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

static void
put(int dfd, const char *name, const char *text)
{
    cleanup_close int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || fs_write_all(fd, text, strlen(text)) < 0)
        abort();
}

/* an unreadable directory holding a file and an unreadable subdirectory */
static void
make_locked_tree(int dfd, const char *name)
{
    cleanup_close int d = -1;

    if (mkdirat(dfd, name, 0755) < 0 || (d = openat(dfd, name, O_RDONLY | O_DIRECTORY)) < 0)
        abort();
    put(d, "file", "x");
    if (mkdirat(d, "sub", 0755) < 0)
        abort();
    put(d, "sub/deep", "y");
    if (fchmodat(d, "sub", 0, 0) < 0 || fchmod(d, 0) < 0)
        abort();
}

static void
test_rm_rf(int top, const char *topdir, bool fallback)
{
    cleanup_free char *outside = xasprintf("%s/outside", topdir);
    cleanup_err struct pcon_err err = { 0 };
    const char *how = fallback ? " (no fchmodat2)" : "";
    char name[128];
    int r;

    no_fchmodat2 = fallback;
    make_locked_tree(top, "locked");
    r = fs_rm_rf_at(top, "locked", &err);
    snprintf(name, sizeof name, "an unreadable tree is removed%s", how);
    is_int(r, 0, name);
    if (r < 0)
        printf("#   %s\n", err.msg);
    snprintf(name, sizeof name, "nothing of it is left%s", how);
    is_int(mode_of(top, "locked"), (mode_t) -1, name);

    /* the directory becomes a link to a host file between the open that
     * fails and the change of its mode */
    put(top, "outside", "host");
    (void) fchmodat(top, "outside", 0640, 0);
    if (mkdirat(top, "victim", 0) < 0)
        abort();
    swap_name = "victim";
    swap_target = outside;
    (void) fs_rm_rf_at(top, "victim", NULL); /* refused or not: what it touched counts */
    snprintf(name, sizeof name, "the link was swapped in%s", how);
    ok(swap_name == NULL && is_link(top, "victim"), name);
    snprintf(name, sizeof name, "the link's target keeps its mode%s", how);
    is_int(mode_of(top, "outside"), 0640, name);
    (void) unlinkat(top, "victim", 0);
    (void) fchmodat(top, "moved-away", 0700, 0);
    (void) unlinkat(top, "moved-away", AT_REMOVEDIR);
    (void) unlinkat(top, "outside", 0);
    no_fchmodat2 = false;
}

/* root reads an unreadable directory anyway: without these, as a user */
static void
drop_dac_override(void)
{
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d) < 0)
        abort();
    d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    if (syscall(SYS_capset, &h, d) < 0)
        abort();
}

int
main(void)
{
    char tmpl[] = "/tmp/pcon-test-fsutil-XXXXXX";
    char *topdir = mkdtemp(tmpl);
    cleanup_close int top = -1;

    if (topdir == NULL || (top = open(topdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        abort();
    drop_dac_override();
    test_rm_rf(top, topdir, false);
    test_rm_rf(top, topdir, true);
    (void) fs_rm_rf_at(AT_FDCWD, topdir, NULL);
    return tap_done();
}
