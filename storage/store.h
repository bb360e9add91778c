/* SPDX-License-Identifier: Apache-2.0 */
/* The store: graph root (images, layers, containers) and run root, their
 * directory fds, the temporaries made in them, and the driver. The lock
 * is lock.h's, the repair gc.h's. */
#ifndef PCON_STORAGE_STORE_H
#define PCON_STORAGE_STORE_H

#include <stdbool.h>

#include "../lib/err.h"

enum storage_driver {
    STORAGE_DRIVER_AUTO = 0,
    STORAGE_DRIVER_OVERLAY,
    STORAGE_DRIVER_FUSE,
    STORAGE_DRIVER_VFS,
};

struct store {
    char *graphroot, *runroot;
    int root_dfd, run_dfd;
    int layers_dfd, images_dfd, containers_dfd;
    enum storage_driver driver; /* as asked; AUTO until storage_driver_resolve */
    char *driver_why;           /* who asked, when one was */
};

int storage_store_open(struct store *st, const char *graphroot, const char *runroot,
                       enum storage_driver driver, struct pcon_err *err);
void storage_store_close(struct store *st);
/* A new temporary directory of dfd, ".tmp-KIND-<pid>-<ns>" (kind NULL:
 * ".tmp-<pid>-<ns>"): its fd, its name in *name. What a killed command
 * leaves there goes with the next cleanup ("pull" and "push" ones only
 * once their process is gone). */
int storage_tmpdir(int dfd, const char *kind, char **name, struct pcon_err *err);
/* such a name, not made (malloc'd) */
char *storage_tmpname(const char *kind);
/* Around storing an image (exclusive lock held): a marker that, left by a
 * killed command, makes the next cleanup collect its unrecorded layers. */
int storage_store_begin(struct store *st, struct pcon_err *err);
void storage_store_end(struct store *st);

/* number of images or containers (entries named by a 64-hex id) */
int storage_count(int dfd);

/* the user's containers configuration file NAME:
 * $XDG_CONFIG_HOME/containers/NAME, else ~/.config/containers/NAME */
char *storage_conf_user_path(const char *name);
int storage_driver_parse(const char *name, enum storage_driver *out, struct pcon_err *err);
/* The driver in the user's storage.conf ($CONTAINERS_STORAGE_CONF, else
 * $XDG_CONFIG_HOME/containers/storage.conf): [storage] driver "overlay"
 * (with mount_program fuse-overlayfs: that) or "vfs". AUTO and no path
 * without a file; graphroot and runroot there are podman's store, not
 * pcon's, and are not read. */
int storage_conf_driver(enum storage_driver *out, char **path, struct pcon_err *err);
const char *storage_driver_name(enum storage_driver d);

#endif
