// SPDX-License-Identifier: Apache-2.0
/* File-system helpers on trees a container controls: recursive removal
 * never changes what a swapped-in link points to, with and without
 * fchmodat2; cp's copies never remove a tree for a non-directory, nor read
 * a FIFO swapped in for a file. The races are staged through an openat
 * that swaps the name. */
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
/* the name an open for reading finds replaced by a FIFO */
static const char *fifo_name;
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
    if (fifo_name && strcmp(path, fifo_name) == 0 && !(flags & (O_DIRECTORY | O_CREAT))) {
        if (unlinkat(dfd, path, 0) < 0 || mkfifoat(dfd, path, 0644) < 0)
            abort();
        fifo_name = NULL;
    }
    fd = (int) syscall(SYS_openat, dfd, path, flags, mode);
    e = errno;
    if (fd < 0 && e == EACCES && swap_name && strcmp(path, swap_name) == 0 && (flags & O_DIRECTORY)
        && !(flags & O_PATH)) {
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

/* dfd/name holds text */
static void
is_text(int dfd, const char *name, const char *text, const char *label)
{
    cleanup_free char *got = fs_read_all(dfd, name, 4096, NULL, NULL);

    is_str(got, text, label);
}

static void
make_dir(int dfd, const char *name)
{
    if (mkdirat(dfd, name, 0755) < 0)
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

static int
dir_at(int dfd, const char *name)
{
    int fd;

    make_dir(dfd, name);
    fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        abort();
    return fd;
}

/* FS_COPY_REPLACE, as pcon cp copies: CTR:/dir/. HOST */
static void
test_copy(int top, const char *topdir)
{
    struct fs_copy_names names = { "ctr:/dir", "/host" };
    cleanup_free char *outside = xasprintf("%s/outside", topdir);
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int s = dir_at(top, "src"), d = dir_at(top, "dst");

    put(s, "victim", "ctr");
    make_dir(d, "victim");
    put(d, "victim/keep", "precious");
    is_int(fs_copy_at(s, NULL, d, NULL, FS_COPY_REPLACE, &names, &err), -1,
           "a file over a directory is refused");
    is_str(err.msg,
           "cannot overwrite directory \"/host/victim\" with non-directory "
           "\"ctr:/dir/victim\"",
           "in docker's words");
    is_text(d, "victim/keep", "precious", "the directory keeps its files");

    is_int(fs_copy_at(s, "victim", d, "victim", FS_COPY_REPLACE, NULL, &err), -1,
           "so is the file named as the source");
    is_str(err.msg, "cannot overwrite directory \"victim\" with non-directory \"victim\"",
           "named by the names given");

    (void) fs_rm_rf_at(s, "victim", NULL);
    (void) fs_rm_rf_at(d, "victim", NULL);
    make_dir(s, "victim");
    put(s, "victim/f", "ctr");
    put(d, "victim", "precious");
    is_int(fs_copy_at(s, NULL, d, NULL, FS_COPY_REPLACE, &names, &err), -1,
           "a directory over a file is refused");
    is_str(err.msg,
           "cannot overwrite non-directory \"/host/victim\" with directory "
           "\"ctr:/dir/victim\"",
           "in docker's words, the other way");
    is_text(d, "victim", "precious", "the file stays");

    /* files replace files, a link is replaced and not written through,
     * directories merge */
    (void) fs_rm_rf_at(s, "victim", NULL);
    (void) fs_rm_rf_at(d, "victim", NULL);
    put(s, "f", "new");
    put(d, "f", "old");
    put(top, "outside", "host");
    put(s, "l", "file");
    if (symlinkat(outside, d, "l") < 0)
        abort();
    put(s, "deep", "x");
    make_dir(s, "sub");
    put(s, "sub/theirs", "ctr");
    make_dir(d, "sub");
    put(d, "sub/mine", "host");
    is_int(fs_copy_at(s, NULL, d, NULL, FS_COPY_REPLACE, &names, &err), 0, "a merge copies");
    is_text(d, "f", "new", "a file replaces a file");
    ok(!is_link(d, "l"), "a link is replaced");
    is_text(top, "outside", "host", "not written through");
    is_text(d, "sub/theirs", "ctr", "directories merge");
    is_text(d, "sub/mine", "host", "what was there stays");

    /* a layer still replaces a directory with a file */
    put(s, "victim", "layer");
    make_dir(d, "victim");
    put(d, "victim/keep", "lower");
    is_int(fs_copy_tree(s, d, FS_COPY_OVERLAY, &err), 0, "a layer lays a file over a directory");
    is_text(d, "victim", "layer", "the layer's file is what is left");

    /* a running container swaps a FIFO in for a file after its stat */
    fifo_name = "f";
    is_int(fs_copy_at(s, "f", d, "fifo-copy", FS_COPY_REPLACE, NULL, &err), -1,
           "a FIFO swapped in is refused, not read");
    is_str(err.msg, "\"f\" is not a regular file", "as not a regular file");
    (void) fs_rm_rf_at(top, "src", NULL);
    (void) fs_rm_rf_at(top, "dst", NULL);
    (void) unlinkat(top, "outside", 0);
}

/* root 0 -> 1000, others as they are */
static void
shift_root(const void *opaque, uid_t *uid, gid_t *gid)
{
    (void) opaque;
    (void) gid;
    if (*uid == 0)
        *uid = 1000;
    else if (*uid == 1000)
        *uid = 0;
}

static void
test_cap_shift(void)
{
    struct fs_idshift ids = { shift_root, NULL };
    char v2[24] = { 0x01, 0, 0, 0x02, 0, 0x04 };
    char v3[24] = { 0x01, 0, 0, 0x03, 0, 0x04, 0, 0, 0, 0,           0,
                    0,    0, 0, 0,    0, 0,    0, 0, 0, (char) 0xe8, 0x03 };
    char odd[24] = { 0x00, 0, 0, 0x01 };

    /* v2 (the reader's root) becomes v3 with the shifted root */
    is_int(fs_cap_xattr_shift(v2, 20, &ids), 24, "v2 grows to v3");
    ok(memcmp(v2, v3, 24) == 0, "v3 keeps the flags and the sets, rootid 1000");
    /* and back: a rootid that is the image's root again is v2 */
    is_int(fs_cap_xattr_shift(v3, 24, &ids), 20, "v3 of root 1000 back to v2");
    ok((unsigned char) v3[3] == 0x02 && v3[0] == 0x01 && v3[5] == 0x04, "v2 magic and sets");
    /* what is not a capability value is left alone */
    is_int(fs_cap_xattr_shift(odd, 20, &ids), 20, "another revision is left alone");
    is_int(fs_cap_xattr_shift(odd, 7, &ids), 7, "a short value is left alone");
    ok(odd[3] == 0x01, "and not changed");
}

int
main(void)
{
    char tmpl[] = "/tmp/pcon-test-fsutil-XXXXXX";
    char *topdir = mkdtemp(tmpl);
    cleanup_close int top = -1;

    if (topdir == NULL || (top = open(topdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        abort();
    setvbuf(stdout, NULL, _IOLBF, 0); /* what ran is shown when the alarm ends the run */
    alarm(20);                        /* a FIFO opened for reading would block forever */
    drop_dac_override();
    test_rm_rf(top, topdir, false);
    test_rm_rf(top, topdir, true);
    test_copy(top, topdir);
    test_cap_shift();
    (void) fs_rm_rf_at(AT_FDCWD, topdir, NULL);
    return tap_done();
}
