/* SPDX-License-Identifier: Apache-2.0 */
/* File-system helpers: atomic writes, recursive removal, and path
 * resolution confined to a root directory. */
#ifndef PCON_LIB_FSUTIL_H
#define PCON_LIB_FSUTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

int fs_mkdir_p(const char *path, mode_t mode, struct pcon_err *err);
/* a directory stream over dfd's directory with an offset of its own (a
 * dup would share dfd's); NULL with errno set */
DIR *fs_opendir_at(int dfd);
/* removes dfd/name and everything below it, never following a symlink;
 * a missing entry is not an error */
int fs_rm_rf_at(int dfd, const char *name, struct pcon_err *err);
/* whether dfd/name is a mount point below dfd's mount (a bind mount too) */
bool fs_is_mount_below(int dfd, const char *name);
/* writes a temporary file next to name (O_EXCL), optionally fsyncs it,
 * and renames it over name */
int fs_write_atomic(int dfd, const char *name, const void *buf, size_t len, mode_t mode, bool sync,
                    struct pcon_err *err);
/* reads what is left of fd (at most max bytes) as a NUL-terminated buffer */
/* the same at a path (its directory's, an absolute or relative one) */
int fs_write_atomic_path(const char *path, const void *buf, size_t len, mode_t mode, bool sync,
                         struct pcon_err *err);
char *fs_read_fd(int fd, size_t max, size_t *len, struct pcon_err *err);
/* reads a whole regular file (at most max bytes) as a NUL-terminated buffer */
char *fs_read_all(int dfd, const char *name, size_t max, size_t *len, struct pcon_err *err);
int fs_write_all(int fd, const void *buf, size_t len);

/* Cleans a path for use below a root: drops leading '/', '.', empty
 * components and resolves '..' lexically. Returns NULL when the path
 * climbs above the root; "" stands for the root itself. */
char *fs_path_clean_rel(const char *path);

/* As fs_path_clean_rel, but '..' stops at the root instead of failing (how
 * paths inside a container resolve). */
char *fs_path_clean_clamped(const char *path);

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): symlinks, absolute ones
 * included, are resolved as if rootfd were '/', so nothing outside it is
 * reached. */
int fs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct pcon_err *err);
/* mkdir -p of path inside rootfd, following symlinks as the container
 * would see them (absolute ones from rootfd, '..' stopping there), each
 * step opened with RESOLVE_IN_ROOT; with last_is_file the last component
 * is created as an empty file. Returns an O_PATH fd of the result. */
int fs_mkpath_in_root(int rootfd, const char *path, bool last_is_file, mode_t mode,
                      struct pcon_err *err);
int fs_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct pcon_err *err);
/* splits a cleaned relative path into its parent (opened as an O_DIRECTORY
 * fd inside rootfd, created when create_parents) and its last component */
int fs_open_parent_in_root(int rootfd, const char *relpath, bool create_parents, const char **base,
                           struct pcon_err *err);

/* Copy flags. FS_COPY_OVERLAY: the source is an overlay layer laid over
 * what the destination holds: its whiteouts delete, its opaque directories
 * replace, its overlay xattrs are not copied. FS_COPY_OWNER: keep the
 * source's owners (else the caller owns the copies). FS_COPY_REPLACE (pcon
 * cp): a non-directory in the way of a non-directory is replaced, a
 * directory in the way of a directory is merged into, and a directory and a
 * non-directory in each other's way fail the copy: no tree is removed. */
#define FS_COPY_OVERLAY 1u
#define FS_COPY_OWNER   2u
#define FS_COPY_REPLACE 4u
/* the source's regular files have no xattrs (its layer says so): none
 * listed (directories' still are) */
#define FS_COPY_NO_FILE_XATTRS 8u
/* with FS_COPY_REPLACE (pcon cp --overwrite): a directory and a
 * non-directory in each other's way, the target is removed first */
#define FS_COPY_OVERWRITE 16u

/* How messages name the two tops of a copy (pcon cp: the paths given). */
struct fs_copy_names {
    const char *src, *dst;
};

/* Copies the tree below srcdfd into dstdfd with modes, times, symlinks and
 * xattrs (hard links become copies). */
int fs_copy_tree(int srcdfd, int dstdfd, unsigned flags, struct pcon_err *err);
/* An owner translation for copies: fn changes *uid and *gid in place. */
struct fs_idshift {
    void (*fn)(const void *opaque, uid_t *uid, gid_t *gid);
    const void *opaque;
};
/* A security.capability value (len bytes at val, room for 24) for a
 * file whose owners go through ids: its root (v2: the reader's, 0) too,
 * written as v3 with that root, or v2 when it is 0. Returns the new
 * length; other values are left as they are. */
ssize_t fs_cap_xattr_shift(char *val, ssize_t len, const struct fs_idshift *ids);
/* As fs_copy_tree with FS_COPY_OWNER, each owner (the top's too) through
 * ids: whiteouts and overlay xattrs are copied as they are. */
int fs_copy_tree_shifted(int srcdfd, int dstdfd, const struct fs_idshift *ids, unsigned flags,
                         struct pcon_err *err);
/* Copies sdir/sname (a tree, a file, a link) to ddir/name; with sname NULL,
 * as fs_copy_tree, what the directory sdir holds into ddir. names may be
 * NULL (then messages use sname and name). */
int fs_copy_at(int sdir, const char *sname, int ddir, const char *name, unsigned flags,
               const struct fs_copy_names *names, struct pcon_err *err);
/* A regular file below rootfd (fs_open_in_root), for reading: anything
 * else (a FIFO would block, a device must not be read) is refused. */
int fs_open_regular_in_root(int rootfd, const char *path, struct pcon_err *err);
/* the bytes of the regular files below dfd (links not followed) */
long long fs_tree_size(int dfd);
/* the same below a path; 0 when it cannot be opened */
long long fs_path_tree_size(const char *path);
/* Copies what fd holds (from its start) to a new file ddir/name (0600). */
int fs_copy_fd_at(int fd, int ddir, const char *name, struct pcon_err *err);
/* Marks a directory the top of a hierarchy for the ext4 (Orlov) block
 * allocator (chattr +T): each new subdirectory then goes to a block group
 * of its own. For layers that matters: without a journal, ext4 skips
 * inodes freed in the last minute one by one, and a layer extracted right
 * after an rmi would land on exactly those. Silent where unsupported. */
void fs_mark_topdir(int dfd);

#endif
