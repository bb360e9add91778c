// SPDX-License-Identifier: Apache-2.0
/* pcon save */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../storage/reference.h"
#include "../storage/save.h"
#include "cmd.h"

enum { OPT_COMPRESS = 0x100, OPT_UNCOMPRESSED };

static const struct cmd_opt save_opts[] = {
    { 'o', "output", 'o', "FILE", "Write to a file (default: stdout, which must be redirected)" },
    { CMD_OPT_FORMAT, "format", 0, "FORMAT", "docker-archive (default) or oci-archive" },
    { 'm', "multi-image-archive", 'm', NULL,
      "Take further arguments as images, not tags (docker-archive only)" },
    { 'q', "quiet", 'q', NULL, "Suppress the output" },
    { OPT_COMPRESS, "compress", 0, NULL, "Compress layers (only for directory formats)" },
    { OPT_UNCOMPRESSED, "uncompressed", 0, NULL, "Accept uncompressed layers (no effect)" },
    { 0 },
};

struct save_args {
    const char *output;
    bool oci, multi;
};

/* The archive goes to an unnamed file in the target's directory that gets
 * its name only when complete: a failed or killed save leaves nothing. */
static int
output_open(const char *path, int *dirfd, struct pcon_err *err)
{
    cleanup_free char *copy = xstrdup(path);
    const char *dir = dirname(copy);
    int fd;

    *dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*dirfd < 0)
        return pcon_fail(err, errno, "open \"%s\"", dir);
    fd = openat(*dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return pcon_fail(err, errno, "create a file in \"%s\"", dir);
    return fd;
}

static int
output_commit(int fd, int dirfd, const char *path, struct pcon_err *err)
{
    cleanup_free char *copy = xstrdup(path), *tmp = NULL;
    const char *base = basename(copy);
    char proc[64];
    struct timespec ts;

    if (fsync(fd) < 0)
        return pcon_fail(err, errno, "write \"%s\"", path);
    clock_gettime(CLOCK_REALTIME, &ts);
    tmp = xasprintf(".%s.pcon-%d-%ld", base, getpid(), ts.tv_nsec);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) < 0)
        return pcon_fail(err, errno, "create \"%s\"", path);
    if (renameat(dirfd, tmp, dirfd, base) < 0) {
        int saved = errno;
        (void) unlinkat(dirfd, tmp, 0); /* the archive is not wanted under another name */
        return pcon_fail(err, saved, "create \"%s\"", path);
    }
    return 0;
}

/* the images (and their tags) to write, looked up under the lock */
static int
items_collect(struct cmd_ctx *ctx, const struct save_args *a, char **args, size_t nargs,
              struct image *imgs, struct save_item *items, size_t *n, struct pcon_err *err)
{
    size_t nimg = a->multi ? nargs : 1;

    for (size_t i = 0; i < nimg; i++) {
        char *name;
        if (storage_image_lookup(&ctx->st, args[i], &imgs[i], err) < 0)
            return -1;
        *n = i + 1;
        items[i].img = &imgs[i];
        name = storage_save_name_for(&imgs[i], args[i]);
        if (name)
            strv_push_take(&items[i].names, name);
    }
    /* without -m further arguments are more tags of the first image */
    for (size_t i = nimg; i < nargs; i++) {
        struct image_ref ref;
        if (storage_ref_parse(args[i], "localhost", &ref, err) < 0)
            return -1;
        strv_push_take(&items[0].names, storage_ref_string(&ref));
        storage_ref_free(&ref);
    }
    return 0;
}

static int
save_run(struct cmd_ctx *ctx, const struct save_args *a, char **args, size_t nargs,
         struct pcon_err *err)
{
    cleanup_free struct image *imgs = xzalloc(nargs * sizeof *imgs);
    cleanup_free struct save_item *items = xzalloc(nargs * sizeof *items);
    cleanup_close int lock = -1, fd = -1, dirfd = -1;
    size_t n = 0;
    int r = -1;

    if (cmd_store_open(ctx, err) < 0 || (lock = storage_lock(&ctx->st, false, err)) < 0)
        return -1;
    if (items_collect(ctx, a, args, nargs, imgs, items, &n, err) < 0)
        goto out;
    fd = a->output ? output_open(a->output, &dirfd, err) : dup(1);
    if (fd < 0) {
        if (!a->output)
            pcon_fail(err, errno, "stdout");
        goto out;
    }
    if (storage_save_archive(&ctx->st, items, n, a->oci, fd, err) < 0)
        goto out;
    r = a->output ? output_commit(fd, dirfd, a->output, err) : 0;
out:
    for (size_t i = 0; i < n; i++) {
        storage_image_free(&imgs[i]);
        strv_free(items[i].names);
    }
    return r;
}

static int
cmd_save(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct save_args a = { 0 };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_save_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'o':
            a.output = arg;
            break;
        case CMD_OPT_FORMAT:
            if (strcmp(arg, "oci-archive") == 0)
                a.oci = true;
            else if (strcmp(arg, "docker-archive") != 0)
                return cmd_usage_error(
                    &cmd_save_def, "unsupported format \"%s\": docker-archive or oci-archive", arg);
            break;
        case 'm':
            a.multi = true;
            break;
        case OPT_COMPRESS:
            return cmd_usage_error(&cmd_save_def, "--compress can only be set when --format is"
                                                  " either 'oci-dir' or 'docker-dir'");
        case 'q':
        case OPT_UNCOMPRESSED:
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_save_def, "need at least 1 argument");
    if (a.oci && argc - optind > 1)
        return cmd_usage_error(&cmd_save_def, a.multi
                                                  ? "multi-image archives are only supported"
                                                    " in the docker format"
                                                  : "tags can only be used with docker-archive");
    if (a.output && strcmp(a.output, "-") == 0)
        a.output = NULL;
    if (a.output == NULL && isatty(1))
        return cmd_usage_error(&cmd_save_def,
                               "refusing to save to terminal. Use -o flag or redirect");
    if (save_run(ctx, &a, argv + optind, (size_t) (argc - optind), &err) < 0)
        return cmd_report(&err);
    return 0;
}

const struct cmd_def cmd_save_def = {
    "save",
    cmd_save,
    "Save image(s) to a docker-archive or oci-archive tarball",
    "[options] IMAGE [IMAGE...]",
    save_opts,
};
