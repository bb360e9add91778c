// SPDX-License-Identifier: Apache-2.0
/* Safe layer extraction. libarchive only parses: every file is created by
 * this code with *at calls below the layer root, parents resolved with
 * RESOLVE_IN_ROOT, final components never followed. */
#include <archive.h>
#include <archive_entry.h>
#include <isa-l/igzip_lib.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/dynlib.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/log.h"
#include "layer.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/* The stream as read from its fd: copied to the layer's blob (tee_fd) and
 * hashed when its digest is not known yet. A block read to look at the
 * stream's first bytes is handed out again (pending). */
struct src_stream {
    int fd;
    int tee_fd;                /* -1: not copied */
    struct digest_ctx *digest; /* NULL: not hashed */
    long long size;
    size_t pending;
    int errnum;       /* after a failed read: why */
    const char *what; /* and what failed */
    /* a file still being written: layer_src's more, and its stop_fd */
    layer_more_fn *more;
    void *more_opaque;
    int stop_fd;
    unsigned char buf[1 << 17];
};

/* the next block of the stream; 0 at its end, -1 with errnum and what set */
static la_ssize_t
src_next(struct src_stream *ss, const void **buf)
{
    ssize_t n;

    *buf = ss->buf;
    if (ss->pending) {
        n = (ssize_t) ss->pending;
        ss->pending = 0;
        return n;
    }
    for (;;) {
        int more;

        n = read(ss->fd, ss->buf, sizeof ss->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != 0 || ss->more == NULL)
            break;
        /* the end of what a download wrote so far */
        more = ss->more(ss->more_opaque, ss->stop_fd, &ss->errnum, &ss->what);
        if (more < 0)
            return -1;
        if (more == 0)
            break;
    }
    if (n < 0) {
        ss->errnum = errno;
        ss->what = "read";
        return -1;
    }
    if (n > 0 && ss->tee_fd >= 0 && fs_write_all(ss->tee_fd, ss->buf, (size_t) n) < 0) {
        ss->errnum = errno;
        ss->what = "keep the layer blob";
        return -1;
    }
    if (ss->digest)
        digest_update(ss->digest, ss->buf, (size_t) n);
    ss->size += n;
    return n;
}

static la_ssize_t
src_read_cb(struct archive *a, void *opaque, const void **buf)
{
    struct src_stream *ss = opaque;
    la_ssize_t n = src_next(ss, buf);

    if (n < 0)
        archive_set_error(a, ss->errnum, "%s", ss->what);
    return n;
}

/* gzip through ISA-L's inflate, 2.5-3x zlib's speed here, when libisal
 * is installed (opened at run time, by the commands that meet a gzip
 * layer); libarchive's zlib otherwise. */
static struct {
    void (*init)(struct inflate_state *);
    void (*reset)(struct inflate_state *);
    int (*inflate)(struct inflate_state *);
} isal_fn;
static const struct dynlib_sym isal_syms[] = {
    DYNLIB_SYM("isal_inflate_init", isal_fn.init),
    DYNLIB_SYM("isal_inflate_reset", isal_fn.reset),
    DYNLIB_SYM("isal_inflate", isal_fn.inflate),
    { NULL, NULL },
};
static const char *const isal_names[] = { "libisal.so.2", NULL };
static struct dynlib isal_lib = { isal_names, isal_syms, NULL };

#define GZ_OUT_SIZE ((size_t) 1 << 16)

/* ISA-L's state and buffers: the input is copied in so that the first
 * bytes after a member's end can be looked at across a read's boundary */
struct gunzip {
    struct inflate_state st;
    unsigned char in[sizeof(((struct src_stream *) 0)->buf) + 8];
    unsigned char out[GZ_OUT_SIZE];
    bool eof;   /* the source has ended */
    bool ended; /* the compressed data has: what follows is not gzip */
};

/* The decompressed stream: ISA-L's inflate, or a "raw" libarchive reader,
 * whose bytes are hashed (the DiffID, when digest is set), fed to the tar
 * reader and, for a compression a manifest cannot name, kept as the blob
 * (tee_fd). */
struct raw_stream {
    struct archive *raw; /* NULL with gz */
    struct gunzip *gz;
    struct src_stream *ss;
    struct digest_ctx *digest; /* NULL: not hashed */
    long long size;
    int tee_fd;
    int errnum; /* after a failure: why */
    char errtext[160];
};

static la_ssize_t
raw_fail(struct raw_stream *rs, int errnum, const char *text)
{
    rs->errnum = errnum > 0 ? errnum : EINVAL; /* libarchive's -1: no errno */
    snprintf(rs->errtext, sizeof rs->errtext, "%s", text ? text : "read error");
    return -1;
}

static const char *
isal_error_text(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK:
    case ISAL_INVALID_SYMBOL:
    case ISAL_INVALID_LOOKBACK:
        return "gzip: invalid compressed data";
    case ISAL_INVALID_WRAPPER:
        return "gzip: invalid header";
    case ISAL_UNSUPPORTED_METHOD:
        return "gzip: unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
        return "gzip: incorrect checksum";
    default:
        return "gzip: cannot decompress";
    }
}

/* the next source block appended to what is left of the input */
static int
gz_refill(struct raw_stream *rs)
{
    struct gunzip *gz = rs->gz;
    const void *block;
    la_ssize_t n;

    memmove(gz->in, gz->st.next_in, gz->st.avail_in);
    gz->st.next_in = gz->in;
    if ((n = src_next(rs->ss, &block)) < 0)
        return (int) raw_fail(rs, rs->ss->errnum, rs->ss->what);
    if (n == 0)
        gz->eof = true;
    memcpy(gz->in + gz->st.avail_in, block, (size_t) n);
    gz->st.avail_in += (uint32_t) n;
    return 0;
}

/* Decompressed bytes; 0 at the end of the compressed data. Members follow
 * one another as gzip(1) writes them when concatenated; anything else after
 * a member ends the data, as libarchive takes it, and goes to the digest
 * and the blob with the rest of the source (raw_drain). */
static la_ssize_t
gz_next(struct raw_stream *rs, const void **block)
{
    struct gunzip *gz = rs->gz;
    struct inflate_state *st = &gz->st;

    while (!gz->ended) {
        size_t got;
        int r;

        if (st->block_state == ISAL_BLOCK_FINISH) {
            uint8_t *in;
            uint32_t avail;

            while (st->avail_in < 3 && !gz->eof)
                if (gz_refill(rs) < 0)
                    return -1;
            if (st->avail_in < 3 || st->next_in[0] != 0x1f || st->next_in[1] != 0x8b
                || st->next_in[2] != 8) {
                gz->ended = true;
                break;
            }
            in = st->next_in;
            avail = st->avail_in;
            isal_fn.reset(st);
            st->crc_flag = ISAL_GZIP;
            st->next_in = in;
            st->avail_in = avail;
        }
        if (st->avail_in == 0) {
            if (gz->eof)
                return raw_fail(rs, EINVAL, "gzip: unexpected end of data");
            if (gz_refill(rs) < 0)
                return -1;
            continue;
        }
        st->next_out = gz->out;
        st->avail_out = (uint32_t) GZ_OUT_SIZE;
        r = isal_fn.inflate(st);
        if (r < 0)
            return raw_fail(rs, EINVAL, isal_error_text(r));
        got = GZ_OUT_SIZE - st->avail_out;
        if (got > 0) {
            *block = gz->out;
            return (la_ssize_t) got;
        }
    }
    return 0;
}

/* The next block of the decompressed stream, hashed and kept: its length,
 * 0 at the end, -1 with errnum and errtext set. */
static la_ssize_t
raw_next(struct raw_stream *rs, const void **block)
{
    la_ssize_t n;
    size_t len;

    if (rs->gz) {
        n = gz_next(rs, block);
        if (n <= 0)
            return n;
        len = (size_t) n;
    } else {
        la_int64_t off;
        int r = archive_read_data_block(rs->raw, block, &len, &off);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r != ARCHIVE_OK)
            return raw_fail(rs, archive_errno(rs->raw), archive_error_string(rs->raw));
    }
    if (rs->tee_fd >= 0 && fs_write_all(rs->tee_fd, *block, len) < 0)
        return raw_fail(rs, errno, "keep the layer blob");
    if (rs->digest)
        digest_update(rs->digest, *block, len);
    rs->size += (long long) len;
    return (la_ssize_t) len;
}

/* After the decompressed stream's end: the source's rest, which the
 * decompressor leaves unread after the end of its data, still goes into
 * the blob and its digest (read for that alone: what ISA-L left in its
 * buffer was counted when it was read). -1 with the error set. */
static int
raw_drain(struct raw_stream *rs)
{
    const void *rest;
    la_ssize_t n;

    while ((n = raw_next(rs, &rest)) > 0)
        ;
    if (n < 0)
        return -1;
    while ((n = src_next(rs->ss, &rest)) > 0)
        ;
    if (n < 0)
        return (int) raw_fail(rs, rs->ss->errnum, rs->ss->what);
    return 0;
}

/* Looks at the stream's first block (handed out again after): a gzip
 * stream goes to ISA-L when it can be opened. -1 when the read fails. */
static int
gz_start(struct raw_stream *rs)
{
    struct pcon_err ignored = { 0 };
    const void *first;
    la_ssize_t n = src_next(rs->ss, &first);

    if (n < 0)
        return -1;
    rs->ss->pending = (size_t) n;
    if (n < 3 || rs->ss->buf[0] != 0x1f || rs->ss->buf[1] != 0x8b || rs->ss->buf[2] != 8)
        return 0;
    if (dynlib_load(&isal_lib, &ignored) < 0) {
        pcon_err_clear(&ignored); /* libarchive's zlib does it */
        return 0;
    }
    rs->gz = xmalloc(sizeof *rs->gz);
    isal_fn.init(&rs->gz->st);
    rs->gz->st.crc_flag = ISAL_GZIP;
    rs->gz->st.next_in = rs->gz->in;
    rs->gz->st.avail_in = 0;
    rs->gz->eof = false;
    rs->gz->ended = false;
    return 0;
}

static la_ssize_t
raw_read_cb(struct archive *a, void *opaque, const void **buf)
{
    struct raw_stream *rs = opaque;
    la_ssize_t n = raw_next(rs, buf);

    if (n < 0)
        archive_set_error(a, rs->errnum, "%s", rs->errtext);
    return n;
}

/* The decompression and hashing of the stream on a thread of their own,
 * a few slots ahead of the extraction, so the two take two cores: slots
 * are filled by the thread and read by the tar reader, which holds the
 * slot it was given until its next read (libarchive's contract). One
 * condition serves both sides; every field below mu is under it. */
#define FEED_SLOTS     4
#define FEED_SLOT_SIZE ((size_t) 1 << 16)

struct feed {
    struct raw_stream *rs;
    unsigned char *buf; /* FEED_SLOTS slots of FEED_SLOT_SIZE */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t len[FEED_SLOTS];
    unsigned head, tail; /* slots filled, slots given back */
    bool held;           /* the reader holds slot tail */
    bool done;           /* the thread filled its last slot */
    bool stop;           /* the reader stopped: fill no more */
    int result;          /* when done: 0, or -1 with errnum and errtext */
    int errnum;
    char *errtext;
};

/* the next slot to fill, once one is free; NULL when the reader stopped */
static unsigned char *
feed_slot(struct feed *f)
{
    unsigned char *slot = NULL;

    pthread_mutex_lock(&f->mu);
    while (f->head - f->tail == FEED_SLOTS && !f->stop)
        pthread_cond_wait(&f->cv, &f->mu);
    if (!f->stop)
        slot = f->buf + (f->head % FEED_SLOTS) * FEED_SLOT_SIZE;
    pthread_mutex_unlock(&f->mu);
    return slot;
}

static void
feed_publish(struct feed *f, size_t len)
{
    pthread_mutex_lock(&f->mu);
    f->len[f->head % FEED_SLOTS] = len;
    f->head++;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void *
feed_run(void *opaque)
{
    struct feed *f = opaque;
    unsigned char *slot = NULL;
    size_t fill = 0;
    int r;

    for (;;) {
        const void *block;
        la_ssize_t n = raw_next(f->rs, &block);

        if (n <= 0) {
            r = n < 0 ? -1 : raw_drain(f->rs);
            break;
        }
        for (size_t off = 0; off < (size_t) n;) {
            size_t k;

            if (slot == NULL && (slot = feed_slot(f)) == NULL) {
                r = 0; /* the reader stopped: its error is the one told */
                goto out;
            }
            k = (size_t) n - off < FEED_SLOT_SIZE - fill ? (size_t) n - off : FEED_SLOT_SIZE - fill;
            memcpy(slot + fill, (const char *) block + off, k);
            fill += k;
            off += k;
            if (fill == FEED_SLOT_SIZE) {
                feed_publish(f, fill);
                slot = NULL;
                fill = 0;
            }
        }
    }
    if (r == 0 && fill > 0)
        feed_publish(f, fill);
out:
    pthread_mutex_lock(&f->mu);
    f->done = true;
    f->result = r;
    if (r < 0) {
        f->errnum = f->rs->errnum;
        f->errtext = xstrdup(f->rs->errtext);
    }
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

static la_ssize_t
feed_read_cb(struct archive *a, void *opaque, const void **buf)
{
    struct feed *f = opaque;
    la_ssize_t n;

    pthread_mutex_lock(&f->mu);
    if (f->held) {
        f->tail++;
        f->held = false;
        pthread_cond_broadcast(&f->cv);
    }
    while (f->head == f->tail && !f->done)
        pthread_cond_wait(&f->cv, &f->mu);
    if (f->head != f->tail) {
        *buf = f->buf + (f->tail % FEED_SLOTS) * FEED_SLOT_SIZE;
        n = (la_ssize_t) f->len[f->tail % FEED_SLOTS];
        f->held = true;
    } else if (f->result < 0) {
        archive_set_error(a, f->errnum, "%s", f->errtext);
        n = -1;
    } else {
        n = 0;
    }
    pthread_mutex_unlock(&f->mu);
    return n;
}

/* what feed_start took besides the thread and its locks */
static void
feed_free(struct feed *f)
{
    free(f->buf);
    if (f->rs->ss->stop_fd >= 0) {
        close(f->rs->ss->stop_fd);
        f->rs->ss->stop_fd = -1;
    }
}

/* Starts the thread, with every signal blocked in it (they are the main
 * thread's to take); false when it cannot start: the caller reads the
 * stream itself. */
static bool
feed_start(struct feed *f, struct raw_stream *rs)
{
    sigset_t all, old;
    int r;

    *f = (struct feed){ .rs = rs };
    /* a download's wait for more has to end when the reader stops */
    if (rs->ss->more && (rs->ss->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
        return false;
    f->buf = xmalloc(FEED_SLOTS * FEED_SLOT_SIZE);
    if (pthread_mutex_init(&f->mu, NULL) != 0) {
        feed_free(f);
        return false;
    }
    if (pthread_cond_init(&f->cv, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        feed_free(f);
        return false;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    r = pthread_create(&f->thread, NULL, feed_run, f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
        feed_free(f);
        return false;
    }
    return true;
}

/* Stops the thread where it is (it fills no further slot) and waits for
 * it: the stream's digests and sizes are the caller's again. */
static void
feed_finish(struct feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    /* cannot fail: an eventfd's counter is far from its limit */
    if (f->rs->ss->stop_fd >= 0)
        (void) eventfd_write(f->rs->ss->stop_fd, 1);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    feed_free(f);
    free(f->errtext);
}

struct dir_time {
    char *path;
    struct timespec mtime;
};

struct extract {
    int rootfd;
    struct archive *tar;
    struct dir_time *dirs;
    size_t ndirs;
    bool warned_owner;
    bool file_xattrs; /* a regular file got one */
};

static void
cleanup_archive_fn(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}
#define cleanup_archive __attribute__((cleanup(cleanup_archive_fn)))

/* Applies owner, mode and xattrs to an open fd (or to the link itself
 * through its parent, for a symlink). chown before chmod: chown clears
 * the set-id bits. */
static int
apply_owner(struct extract *x, int fd, int pfd, const char *base, struct archive_entry *e,
            struct pcon_err *err)
{
    uid_t uid = (uid_t) archive_entry_uid(e);
    gid_t gid = (gid_t) archive_entry_gid(e);
    int r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);

    if (r < 0 && errno == EINVAL) {
        /* the id is not mapped in this user namespace (single mapping) */
        if (!x->warned_owner)
            pcon_warn("layer files owned by unmapped ids are owned by root instead");
        x->warned_owner = true;
        r = fd >= 0 ? fchown(fd, 0, 0) : fchownat(pfd, base, 0, 0, AT_SYMLINK_NOFOLLOW);
    }
    if (r < 0)
        return pcon_fail(err, errno, "set owner of \"%s\"", archive_entry_pathname(e));
    if (fd >= 0 && fchmod(fd, archive_entry_perm(e) & 07777) < 0)
        return pcon_fail(err, errno, "set mode of \"%s\"", archive_entry_pathname(e));
    return 0;
}

/* Only user.* (but not the overlay's own user.overlay.*) and file
 * capabilities are kept: trusted.* and overlay xattrs would change how the
 * overlay reads the layer, security.* others are the host's business. */
static bool
xattr_allowed(const char *name)
{
    if (strncmp(name, "user.overlay.", 13) == 0)
        return false;
    return strncmp(name, "user.", 5) == 0 || strcmp(name, "security.capability") == 0;
}

static void
apply_xattrs(struct extract *x, int fd, struct archive_entry *e)
{
    const char *name;
    const void *val;
    size_t len;

    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK)
        if (xattr_allowed(name)) {
            (void) fsetxattr(fd, name, val, len, 0); /* best effort, as podman */
            if (archive_entry_filetype(e) == AE_IFREG)
                x->file_xattrs = true;
        }
}

static int
write_data(struct extract *x, int fd, struct pcon_err *err)
{
    const void *buf;
    size_t len;
    la_int64_t off;
    int r;

    while ((r = archive_read_data_block(x->tar, &buf, &len, &off)) == ARCHIVE_OK) {
        const char *p = buf;
        while (len > 0) {
            ssize_t n = pwrite(fd, p, len, off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return pcon_fail(err, errno, "write file");
            p += n;
            len -= (size_t) n;
            off += n;
        }
    }
    if (r != ARCHIVE_EOF)
        return pcon_fail(err, archive_errno(x->tar), "read layer: %s",
                         archive_error_string(x->tar));
    return 0;
}

/* Removes what an earlier entry of this layer left at base, unless both
 * are directories (tar semantics: the later entry wins). */
static int
clear_for(int pfd, const char *base, bool want_dir, struct pcon_err *err)
{
    struct stat st;

    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (want_dir && S_ISDIR(st.st_mode))
        return 0;
    return fs_rm_rf_at(pfd, base, err);
}

static int
extract_whiteout(struct extract *x, int pfd, const char *base, const char *path,
                 struct pcon_err *err)
{
    (void) x;
    if (strcmp(base, WHITEOUT_OPAQUE) == 0) {
        if (fsetxattr(pfd, "user.overlay.opaque", "y", 1, 0) < 0)
            return pcon_fail(err, errno, "mark \"%s\" opaque", path);
        return 0;
    }
    base += strlen(WHITEOUT_PREFIX);
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0
        || strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
        return 0; /* not a whiteout of a name: ignore as other engines do */
    if (clear_for(pfd, base, false, err) < 0)
        return -1;
    if (mknodat(pfd, base, S_IFCHR | 0, makedev(0, 0)) < 0)
        return pcon_fail(err, errno, "create whiteout for \"%s\"", path);
    return 0;
}

static int
extract_hardlink(struct extract *x, int pfd, const char *base, const char *target,
                 struct pcon_err *err)
{
    cleanup_free char *clean = fs_path_clean_rel(target);
    cleanup_close int tpfd = -1;
    const char *tbase;
    struct stat st;

    if (clean == NULL || *clean == '\0')
        return pcon_fail(err, EINVAL, "hard link target \"%s\" escapes the layer", target);
    tpfd = fs_open_parent_in_root(x->rootfd, clean, false, &tbase, err);
    if (tpfd < 0)
        return pcon_prefix(err, "hard link to \"%s\"", target);
    if (fstatat(tpfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return pcon_fail(err, errno, "hard link to \"%s\"", target);
    if (S_ISDIR(st.st_mode))
        return pcon_fail(err, EPERM, "hard link to directory \"%s\"", target);
    if (clear_for(pfd, base, false, err) < 0)
        return -1;
    if (linkat(tpfd, tbase, pfd, base, 0) < 0)
        return pcon_fail(err, errno, "hard link to \"%s\"", target);
    return 0;
}

static int
extract_entry(struct extract *x, struct archive_entry *e, struct pcon_err *err)
{
    const char *name = archive_entry_pathname(e);
    cleanup_free char *rel = NULL;
    cleanup_close int pfd = -1, fd = -1;
    const char *base;
    mode_t type = archive_entry_filetype(e);
    struct timespec times[2];

    if (name == NULL)
        return pcon_fail(err, EINVAL, "layer entry without a name");
    rel = fs_path_clean_rel(name);
    if (rel == NULL)
        return pcon_fail(err, EPERM, "layer entry \"%s\" escapes the root", name);
    if (*rel == '\0')
        return 0; /* the root itself keeps the store's owner and mode */
    pfd = fs_open_parent_in_root(x->rootfd, rel, true, &base, err);
    if (pfd < 0)
        return pcon_prefix(err, "extract \"%s\"", name);

    if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
        return extract_whiteout(x, pfd, base, name, err);
    if (archive_entry_hardlink(e) != NULL)
        return extract_hardlink(x, pfd, base, archive_entry_hardlink(e), err);

    times[0].tv_sec = times[1].tv_sec = archive_entry_mtime(e);
    times[0].tv_nsec = times[1].tv_nsec = archive_entry_mtime_nsec(e);
    if (clear_for(pfd, base, type == AE_IFDIR, err) < 0)
        return -1;
    switch (type) {
    case AE_IFDIR:
        if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create directory \"%s\"", name);
        fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return pcon_fail(err, errno, "open directory \"%s\"", name);
        /* a directory's time changes with every entry below: set it last */
        x->dirs = xrealloc(x->dirs, (x->ndirs + 1) * sizeof *x->dirs);
        x->dirs[x->ndirs++] = (struct dir_time){ xstrdup(rel), times[1] };
        break;
    case AE_IFREG:
        fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return pcon_fail(err, errno, "create \"%s\"", name);
        if (write_data(x, fd, err) < 0)
            return pcon_prefix(err, "extract \"%s\"", name);
        if (ftruncate(fd, archive_entry_size(e)) < 0) /* sparse tails */
            return pcon_fail(err, errno, "extract \"%s\"", name);
        break;
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        /* the target is kept as written: it is only ever resolved inside
         * the container's root */
        if (target == NULL || symlinkat(target, pfd, base) < 0)
            return pcon_fail(err, target ? errno : EINVAL, "create symlink \"%s\"", name);
        if (apply_owner(x, -1, pfd, base, e, err) < 0)
            return -1;
        (void) utimensat(pfd, base, times, AT_SYMLINK_NOFOLLOW); /* times are cosmetic */
        return 0;
    }
    case AE_IFIFO:
        if (mknodat(pfd, base, S_IFIFO | 0600, 0) < 0)
            return pcon_fail(err, errno, "create fifo \"%s\"", name);
        fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return pcon_fail(err, errno, "open fifo \"%s\"", name);
        if (fchownat(pfd, base, archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0
            || fchmodat(pfd, base, archive_entry_perm(e) & 0777, 0) < 0)
            return pcon_fail(err, errno, "set owner of \"%s\"", name);
        return 0;
    default:
        /* device nodes cannot be made in a user namespace, and the
         * container gets its own /dev; sockets are never content */
        return 0;
    }
    if (apply_owner(x, fd, pfd, base, e, err) < 0)
        return -1;
    apply_xattrs(x, fd, e);
    if (type == AE_IFREG)
        (void) futimens(fd, times); /* times are cosmetic */
    return 0;
}

static void
apply_dir_times(struct extract *x)
{
    for (size_t i = x->ndirs; i-- > 0;) {
        struct timespec t[2] = { x->dirs[i].mtime, x->dirs[i].mtime };
        cleanup_close int fd = fs_open_in_root(x->rootfd, x->dirs[i].path,
                                               O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, NULL);
        if (fd >= 0)
            (void) futimens(fd, t); /* times are cosmetic */
        free(x->dirs[i].path);
    }
    free(x->dirs);
    x->dirs = NULL;
    x->ndirs = 0;
}

/* What unpack keeps of the stream as the layer's blob. */
struct blob_out {
    int fd;            /* the blob file, empty */
    bool linked;       /* the stream is a file that becomes the blob: fd stays empty */
    bool decompressed; /* the stream's compression has no media type: fd gets the tar */
    bool plain;        /* the stream is the tar: the blob's digest is the DiffID */
    enum layer_compression compression;
};

static bool
compression_of(int filter, enum layer_compression *out)
{
    switch (filter) {
    case ARCHIVE_FILTER_NONE:
        *out = LAYER_TAR;
        return true;
    case ARCHIVE_FILTER_GZIP:
        *out = LAYER_GZIP;
        return true;
    case ARCHIVE_FILTER_ZSTD:
        *out = LAYER_ZSTD;
        return true;
    default:
        return false;
    }
}

/* Once the compression is known: a blob in one a manifest cannot name
 * (xz, bzip2...) is kept decompressed instead. An uncompressed stream is
 * hashed once, as the tar: the two digests are of the same bytes. */
static int
blob_choose(struct blob_out *bo, int filter, struct src_stream *ss, struct raw_stream *rs,
            struct pcon_err *err)
{
    if (bo == NULL)
        return 0;
    if (compression_of(filter, &bo->compression)) {
        if (bo->compression == LAYER_TAR && ss->digest) {
            char ignored[72];
            digest_final(ss->digest, ignored);
            ss->digest = NULL;
            bo->plain = true;
        }
        return 0;
    }
    bo->compression = LAYER_TAR;
    bo->linked = false;
    bo->decompressed = true;
    ss->tee_fd = -1;
    rs->tee_fd = bo->fd;
    if (ftruncate(bo->fd, 0) < 0 || lseek(bo->fd, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "reset the layer blob");
    return 0;
}

/* The thread pays off when it has work: decompression or a digest, of a
 * file. A pipe's writer could stall the thread's read, and with it the
 * wait for the thread after an error, for as long as it likes (a file
 * still being written has its stop_fd for that). */
static bool
feed_worth(int filter, const struct raw_stream *rs)
{
    struct stat st;

    return (filter != ARCHIVE_FILTER_NONE || rs->digest || rs->ss->digest)
           && fstat(rs->ss->fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* diff_id NULL: the tar is not hashed */
static int
unpack(int rootfd, struct src_stream *ss, struct blob_out *bo, char diff_id[72], long long *size,
       bool *file_xattrs, struct pcon_err *err)
{
    cleanup_archive struct archive *raw = archive_read_new();
    cleanup_archive struct archive *tar = archive_read_new();
    struct raw_stream rs = { .raw = raw, .ss = ss, .tee_fd = -1 };
    struct extract x = { .rootfd = rootfd, .tar = tar };
    struct archive_entry *e;
    struct feed f;
    bool threaded = false;
    int filter, r, ret = -1;

    if (raw == NULL || tar == NULL)
        abort();
    archive_read_support_format_tar(tar);
    archive_read_support_format_gnutar(tar);
    if (gz_start(&rs) < 0)
        return pcon_fail(err, ss->errnum, "read layer: %s", ss->what);
    if (rs.gz) {
        filter = ARCHIVE_FILTER_GZIP;
    } else {
        archive_read_support_filter_all(raw);
        archive_read_support_format_raw(raw);
        if (archive_read_open(raw, ss, NULL, src_read_cb, NULL) != ARCHIVE_OK
            || archive_read_next_header(raw, &e) != ARCHIVE_OK)
            return pcon_fail(err, archive_errno(raw), "read layer: %s", archive_error_string(raw));
        filter = archive_filter_code(raw, 0);
    }
    if (blob_choose(bo, filter, ss, &rs, err) < 0)
        return -1;
    if (diff_id)
        rs.digest = digest_new();
    threaded = feed_worth(filter, &rs) && feed_start(&f, &rs);
    if (archive_read_open(tar, threaded ? (void *) &f : (void *) &rs, NULL,
                          threaded ? feed_read_cb : raw_read_cb, NULL)
        != ARCHIVE_OK) {
        pcon_fail(err, archive_errno(tar), "read layer: %s", archive_error_string(tar));
        goto out;
    }
    while ((r = archive_read_next_header(tar, &e)) == ARCHIVE_OK)
        if (extract_entry(&x, e, err) < 0)
            goto out;
    if (r != ARCHIVE_EOF) {
        pcon_fail(err, archive_errno(tar) > 0 ? archive_errno(tar) : EINVAL, "read layer: %s",
                  archive_error_string(tar));
        goto out;
    }
    /* the tar reader stops at the end-of-archive blocks: the rest of the
     * stream still goes into the digests and the blob */
    if (threaded) {
        const void *rest;
        la_ssize_t n;
        while ((n = feed_read_cb(tar, &f, &rest)) > 0)
            ;
        if (n < 0) {
            pcon_fail(err, archive_errno(tar), "read layer: %s", archive_error_string(tar));
            goto out;
        }
    } else if (raw_drain(&rs) < 0) {
        pcon_fail(err, rs.errnum, "read layer: %s", rs.errtext);
        goto out;
    }
    ret = 0;
out:
    if (threaded)
        feed_finish(&f);
    apply_dir_times(&x);
    if (rs.digest) {
        char ignored[72];
        digest_final(rs.digest, ret == 0 ? diff_id : ignored);
    }
    free(rs.gz);
    if (size)
        *size = rs.size;
    if (file_xattrs)
        *file_xattrs = x.file_xattrs;
    return ret;
}

int
storage_layer_extract(int rootfd, int tarfd, char diff_id[72], long long *size,
                      struct pcon_err *err)
{
    cleanup_free struct src_stream *ss = xmalloc(sizeof *ss);

    *ss = (struct src_stream){ .fd = tarfd, .tee_fd = -1, .stop_fd = -1 };
    return unpack(rootfd, ss, NULL, diff_id, size, NULL, err);
}

static const char *const compression_names[] = {
    [LAYER_TAR] = "none", [LAYER_GZIP] = "gzip", [LAYER_ZSTD] = "zstd"
};

const char *
storage_layer_media_type(enum layer_compression c, bool docker)
{
    static const char *const oci[] = {
        [LAYER_TAR] = "application/vnd.oci.image.layer.v1.tar",
        [LAYER_GZIP] = "application/vnd.oci.image.layer.v1.tar+gzip",
        [LAYER_ZSTD] = "application/vnd.oci.image.layer.v1.tar+zstd",
    };
    static const char *const dock[] = {
        [LAYER_TAR] = "application/vnd.docker.image.rootfs.diff.tar",
        [LAYER_GZIP] = "application/vnd.docker.image.rootfs.diff.tar.gzip",
        [LAYER_ZSTD] = "application/vnd.docker.image.rootfs.diff.tar.zstd",
    };
    return docker ? dock[c] : oci[c];
}

void
storage_layer_chain_id(const char *parent, const char *diff_id, char out[72])
{
    cleanup_free char *s = NULL;

    if (parent == NULL) {
        memcpy(out, diff_id, 72);
        return;
    }
    s = xasprintf("%s %s", parent, diff_id);
    digest_buf(s, strlen(s), out);
}

static int
write_layer_json(int dfd, const struct layer_info *li, const char *parent, struct pcon_err *err)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *text = NULL;
    size_t len;

    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "id", li->chain_id + 7));
    JG(json_gen_kv_str(g, "diff_id", li->diff_id));
    JG(json_gen_kv_str(g, "parent", parent));
    JG(json_gen_kv_int(g, "size", li->size));
    JG(json_gen_kv_str(g, "blob_digest", li->blob_digest));
    JG(json_gen_kv_int(g, "blob_size", li->blob_size));
    JG(json_gen_kv_str(g, "compression", compression_names[li->compression]));
    if (li->file_xattrs >= 0)
        JG(json_gen_kv_bool(g, "file_xattrs", li->file_xattrs > 0));
    JG(yajl_gen_map_close(g));
    text = json_gen_take(g, &len);
    return fs_write_atomic(dfd, "layer.json", text, len, 0600, true, err);
fail:
    return pcon_fail(err, EINVAL, "generate layer.json");
}

int
storage_layer_read(struct store *st, const char *chain_hex, struct layer_info *out,
                   struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/layer.json", chain_hex);
    cleanup_free char *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    const char *diff, *blob, *comp;
    int64_t size = 0, bsize = 0;
    char chain[72];
    size_t c;

    if (!hex64_valid(chain_hex))
        return pcon_fail(err, EINVAL, "invalid layer id \"%s\"", chain_hex);
    text = fs_read_all(st->layers_dfd, path, 1 << 16, NULL, err);
    if (text == NULL || (v = json_parse(text, err)) == NULL)
        return pcon_prefix(err, "layer %s", chain_hex);
    diff = json_get_str(v, "diff_id");
    blob = json_get_str(v, "blob_digest");
    comp = json_get_str(v, "compression");
    (void) json_get_int(v, "size", &size);
    (void) json_get_int(v, "blob_size", &bsize);
    if (!diff || !digest_valid(diff) || !blob || !digest_valid(blob) || !comp)
        return pcon_fail(err, EINVAL, "layer %s: incomplete layer.json", chain_hex);
    /* chain_hex may point into *out */
    snprintf(chain, sizeof chain, "sha256:%s", chain_hex);
    memset(out, 0, sizeof *out);
    memcpy(out->chain_id, chain, 72);
    memcpy(out->diff_id, diff, 72);
    memcpy(out->blob_digest, blob, 72);
    out->size = size;
    out->blob_size = bsize;
    {
        yajl_val fx = json_get(v, "file_xattrs");
        out->file_xattrs = YAJL_IS_TRUE(fx) ? 1 : YAJL_IS_FALSE(fx) ? 0 : -1;
    }
    for (c = 0; c < sizeof compression_names / sizeof *compression_names; c++)
        if (strcmp(comp, compression_names[c]) == 0)
            break;
    if (c == sizeof compression_names / sizeof *compression_names)
        return pcon_fail(err, EINVAL, "layer %s: unknown compression \"%s\"", chain + 7, comp);
    out->compression = (enum layer_compression) c;
    return 0;
}

bool
storage_layer_exists(struct store *st, const char *chain_hex)
{
    cleanup_free char *path = xasprintf("%s/layer.json", chain_hex);

    return hex64_valid(chain_hex)
           && faccessat(st->layers_dfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
storage_layer_blob_open(struct store *st, const char *chain_hex, struct pcon_err *err)
{
    cleanup_free char *path = xasprintf("%s/blob", chain_hex);
    int fd;

    if (!hex64_valid(chain_hex))
        return pcon_fail(err, EINVAL, "invalid layer id \"%s\"", chain_hex);
    fd = openat(st->layers_dfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open the blob of layer %s", chain_hex);
    return fd;
}

/* The stream was a file: it becomes the blob (a hard link through
 * /proc/self/fd needs no privilege), or a copy on another file system. */
static int
blob_link(int tmpfd, int fd, struct pcon_err *err)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (unlinkat(tmpfd, "blob", 0) < 0)
        return pcon_fail(err, errno, "keep the layer blob");
    if (linkat(AT_FDCWD, path, tmpfd, "blob", AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != EXDEV && errno != EPERM)
        return pcon_fail(err, errno, "keep the layer blob");
    return fs_copy_fd_at(fd, tmpfd, "blob", err);
}

/* layer content: diff/ extracted from src, blob kept (linked or copied) */
static int
layer_fill(int tmpfd, const struct layer_src *src, struct layer_info *out, struct pcon_err *err)
{
    cleanup_free struct src_stream *ss = xmalloc(sizeof *ss);
    cleanup_close int difffd = -1;
    struct blob_out bo = { .linked = src->link };
    int r;

    if (mkdirat(tmpfd, "diff", 0755) < 0
        || (difffd = openat(tmpfd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return pcon_fail(err, errno, "create the layer directory");
    bo.fd = openat(tmpfd, "blob", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (bo.fd < 0)
        return pcon_fail(err, errno, "create the layer blob");
    *ss = (struct src_stream){
        .fd = src->fd,
        .tee_fd = bo.linked ? -1 : bo.fd,
        .digest = src->digest ? NULL : digest_new(),
        .more = src->more,
        .more_opaque = src->more_opaque,
        .stop_fd = -1,
    };
    bool xattrs = true;
    r = unpack(difffd, ss, &bo, out->diff_id, &out->size, &xattrs, err);
    out->file_xattrs = xattrs ? 1 : 0;
    if (ss->digest)
        digest_final(ss->digest, out->blob_digest);
    else if (src->digest)
        memcpy(out->blob_digest, src->digest, 72);
    out->blob_size = ss->size;
    out->compression = bo.compression;
    if (bo.decompressed || bo.plain) {
        /* the blob is the tar */
        memcpy(out->blob_digest, out->diff_id, 72);
        out->blob_size = out->size;
    }
    close(bo.fd);
    if (r < 0 || !bo.linked)
        return r;
    return blob_link(tmpfd, src->fd, err);
}

int
storage_layer_stage(int dir, const char *name, const struct layer_src *src,
                    const char *parent_chain_id, struct layer_info *out, struct pcon_err *err)
{
    cleanup_close int fd = -1;

    if (mkdirat(dir, name, 0700) < 0)
        return pcon_fail(err, errno, "create directory \"%s\"", name);
    fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || layer_fill(fd, src, out, err) < 0) {
        if (fd < 0)
            pcon_fail(err, errno, "open directory \"%s\"", name);
        goto fail;
    }
    storage_layer_chain_id(parent_chain_id, out->diff_id, out->chain_id);
    if (write_layer_json(fd, out, parent_chain_id, err) < 0)
        goto fail;
    return 0;
fail:
    (void) fs_rm_rf_at(dir, name, NULL); /* a failed layer leaves nothing */
    return -1;
}

int
storage_layer_commit(struct store *st, int dir, const char *name, struct layer_info *out,
                     struct pcon_err *err)
{
    /* the finished layer appears at once, under its final name */
    if (renameat(dir, name, st->layers_dfd, out->chain_id + 7) == 0)
        return 0;
    if (errno != EEXIST && errno != ENOTEMPTY) {
        pcon_fail(err, errno, "store layer %s", out->chain_id);
        (void) fs_rm_rf_at(dir, name, NULL);
        return -1;
    }
    /* the same layer is already stored: keep that one, and its record */
    (void) fs_rm_rf_at(dir, name, NULL);
    return storage_layer_read(st, out->chain_id + 7, out, err);
}

int
storage_layer_create(struct store *st, const struct layer_src *src, const char *parent_chain_id,
                     struct layer_info *out, struct pcon_err *err)
{
    cleanup_free char *tmp = storage_tmpname(NULL);

    if (storage_layer_stage(st->layers_dfd, tmp, src, parent_chain_id, out, err) < 0)
        return -1;
    return storage_layer_commit(st, st->layers_dfd, tmp, out, err);
}
