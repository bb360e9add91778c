// SPDX-License-Identifier: Apache-2.0
/* Repair after killed commands, and the sweep of unused layers. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/lock.h"
#include "gc.h"
#include "image.h"

static bool
has_temporaries(int dfd)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    struct dirent *de;

    while (d && (de = readdir(d)) != NULL)
        if (strncmp(de->d_name, ".tmp-", 5) == 0)
            return true;
    return false;
}

void
storage_gc_recover(struct store *st)
{
    cleanup_close int fd = -1;

    if (!has_temporaries(st->layers_dfd) && !has_temporaries(st->images_dfd))
        return;
    fd = lock_try_exclusive(st->root_dfd, "storage.lock");
    if (fd >= 0)
        (void) storage_gc_temporaries(st, NULL); /* best effort: retried by the next */
}

/* Removes what killed commands left: temporaries (a pull's downloads
 * only once its process is gone); *stale says whether any was there. */
static int
cleanup_dir(int dfd, bool *stale, struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    struct dirent *de;

    if (d == NULL)
        return pcon_fail(err, errno, "open store directory");
    while ((de = readdir(d)) != NULL) {
        int pid;
        if (strncmp(de->d_name, ".tmp-", 5) != 0)
            continue;
        /* a pull downloads and a push compresses outside the lock: its
         * directory is its own while the process lives */
        if ((sscanf(de->d_name, ".tmp-pull-%d-", &pid) == 1
             || sscanf(de->d_name, ".tmp-push-%d-", &pid) == 1)
            && pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
            continue;
        *stale = true;
        if (fs_rm_rf_at(dfd, de->d_name, err) < 0)
            return -1;
    }
    return 0;
}

int
storage_gc_temporaries(struct store *st, struct pcon_err *err)
{
    bool stale = false;

    if (cleanup_dir(st->layers_dfd, &stale, err) < 0
        || cleanup_dir(st->images_dfd, &stale, err) < 0)
        return pcon_prefix(err, "clean up the store");
    /* a command killed while storing may have left whole layers of an
     * image it never recorded */
    if (stale && storage_gc_layers(st, err) < 0)
        return pcon_prefix(err, "clean up the store");
    return 0;
}

int
storage_gc_layers(struct store *st, struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(st->layers_dfd);
    struct image *v = NULL;
    struct dirent *de;
    size_t n = 0;

    if (d == NULL)
        return pcon_fail(err, errno, "list layers");
    if (storage_image_list(st, &v, &n, err) < 0)
        return -1;
    while ((de = readdir(d)) != NULL) {
        cleanup_free char *trash = NULL;
        if (!hex64_valid(de->d_name) || storage_image_list_uses(v, n, de->d_name))
            continue;
        trash = xasprintf(".tmp-rm-%s", de->d_name);
        if (renameat(st->layers_dfd, de->d_name, st->layers_dfd, trash) == 0)
            (void) fs_rm_rf_at(st->layers_dfd, trash, NULL); /* else: the next cleanup */
    }
    storage_image_list_free(v, n);
    return 0;
}
