// SPDX-License-Identifier: Apache-2.0
/* pull: manifests (OCI and Docker v2, indexes and manifest lists), blobs
 * verified by digest and size, layers the store holds not fetched again.
 * Blobs go to a temporary directory of the store that a killed pull
 * leaves for the next command to remove, are extracted there by this
 * process while a child downloads the next, and become the layers' blobs
 * by hard links; the store lock is taken only to put them in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "../storage/image.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/reference.h"
#include "client.h"
#include "conf.h"
#include "registry.h"
#include "../storage/image_store.h"

#define MAX_MANIFEST (4 << 20)
/* a config is read into memory whole: capped before it is fetched, at
 * the limit containers/image has for config blobs */
#define MAX_CONFIG (4 << 20)
#define ACCEPT                                                                                     \
    "Accept: " MEDIA_OCI_INDEX ", " MEDIA_OCI_MANIFEST ", " MEDIA_DOCKER_LIST                      \
    ", " MEDIA_DOCKER_MANIFEST

/* the digest of our platform's entry in an index or manifest list */
static int
index_pick(struct registry_client *cl, yajl_val list, char picked[72], struct pcon_err *err)
{
    const char *want_arch = cl->o->arch ? cl->o->arch : proc_host_arch();
    const char *want_os = cl->o->os ? cl->o->os : "linux";

    for (size_t i = 0; i < list->u.array.len; i++) {
        yajl_val p = json_get_obj(list->u.array.values[i], "platform");
        const char *a = json_get_str(p, "architecture"), *os = json_get_str(p, "os");
        const char *v = json_get_str(p, "variant");
        const char *d = json_get_str(list->u.array.values[i], "digest");
        if (a && os && strcmp(a, want_arch) == 0 && strcmp(os, want_os) == 0
            && (cl->o->variant == NULL || (v && strcmp(v, cl->o->variant) == 0))) {
            if (d == NULL || !digest_valid(d))
                return pcon_fail(err, 0, "invalid digest in manifest list");
            memcpy(picked, d, 72);
            return 0;
        }
    }
    return pcon_fail(err, 0, "no image found in manifest list for architecture %s%s%s, OS %s",
                     want_arch, cl->o->variant ? ", variant " : "",
                     cl->o->variant ? cl->o->variant : "", want_os);
}

/* The manifest text for reference (a tag or digest); a list is resolved
 * to the platform's entry. digest_out gets the manifest's digest. */
static char *
manifest_get(struct registry_client *cl, const char *reference, char digest_out[72],
             struct pcon_err *err)
{
    char picked[72];

    for (int depth = 0; depth < 2; depth++) {
        cleanup_free char *url = xasprintf("%s/manifests/%s", cl->base, reference);
        cleanup_yajl_val yajl_val v = NULL;
        struct registry_response r = { .fd = -1 };
        yajl_val list;
        long status = registry_request(cl, "GET", url, ACCEPT, NULL, &r, err);

        if (status != 200) {
            registry_response_free(&r);
            if (status >= 0)
                pcon_fail_kind(err, status == 404 ? PCON_ERR_NOTFOUND : PCON_ERR_ENGINE, 0,
                               "reading manifest %s: HTTP %ld (%s)", reference, status,
                               registry_status_text(status));
            return NULL;
        }
        digest_buf(r.body ? r.body : "", r.len, digest_out);
        if (strncmp(reference, "sha256:", 7) == 0 && strcmp(digest_out, reference) != 0) {
            pcon_fail(err, 0, "manifest %s has digest %s", reference, digest_out);
            registry_response_free(&r);
            return NULL;
        }
        if ((v = json_parse(r.body ? r.body : "", err)) == NULL) {
            registry_response_free(&r);
            return NULL;
        }
        list = json_get_arr(v, "manifests");
        if (list == NULL) {
            char *body = steal_ptr(&r.body);
            registry_response_free(&r);
            return body;
        }
        registry_response_free(&r);
        if (index_pick(cl, list, picked, err) < 0)
            return NULL;
        reference = picked; /* the next round fetches it by digest */
    }
    pcon_fail(err, 0, "manifest lists nested too deep");
    return NULL;
}

/* A manifest's descriptor of a blob (what: "config", "layer"): its
 * digest and size, required. A blob of no stated size would be fetched
 * without limit; no blob of an image is empty (an empty layer's gzip
 * and an empty config take bytes), so size 0 is refused too. max > 0: the
 * largest size accepted. */
static int
descriptor_get(yajl_val d, const char *what, int64_t max, const char **digest, int64_t *size,
               struct pcon_err *err)
{
    *digest = json_get_str(d, "digest");
    if (*digest == NULL || !digest_valid(*digest))
        return pcon_fail(err, 0, "%s without a valid digest in the manifest", what);
    if (!json_get_int(d, "size", size) || *size <= 0)
        return pcon_fail(err, 0, "%s %s: no size in the manifest", what, *digest);
    if (max > 0 && *size > max)
        return pcon_fail(err, 0, "%s %s: %lld bytes, more than the %lld allowed", what, *digest,
                         (long long) *size, (long long) max);
    return 0;
}

/* from the download child: layer index's file is there, being written
 * (DOWNLOAD_STARTED), or whole and verified (DOWNLOAD_DONE); index -1:
 * why it stopped. Smaller than PIPE_BUF, so written at once. */
enum { DOWNLOAD_STARTED, DOWNLOAD_DONE };
struct download_msg {
    int index;
    int kind;
    int errnum;
    char text[1024];
};

static int
download_tell(int fd, int index, int kind)
{
    struct download_msg m = { .index = index, .kind = kind };

    return write(fd, &m, sizeof m) == (ssize_t) sizeof m ? 0 : -1;
}

/* A blob of size bytes into dir/<hex>, verified; returns an fd at its
 * start. tell_fd >= 0: DOWNLOAD_STARTED for index goes there once the
 * file exists (what is written to it is the blob's, from its start: only
 * a 200's body reaches the file). */
static int
blob_get(struct registry_client *cl, int dir, const char *digest, long long size, const char *what,
         int tell_fd, int index, int progress_up, struct pcon_err *err)
{
    cleanup_free char *url = NULL, *label = NULL;
    cleanup_close int fd = -1;
    struct registry_response r = { .fd = -1 };
    char got[72];
    long status;

    if (!digest_valid(digest))
        return pcon_fail(err, EINVAL, "invalid digest \"%s\"", digest);
    fd = openat(dir, digest + 7, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return pcon_fail(err, errno, "create a download file");
    if (tell_fd >= 0 && download_tell(tell_fd, index, DOWNLOAD_STARTED) < 0)
        return pcon_fail(err, errno, "tell the pull");
    url = xasprintf("%s/blobs/%s", cl->base, digest);
    r.fd = fd;
    r.digest = digest_new();
    r.limit = size; /* a registry sending more is not written to disk */
    if (registry_progress_shown(cl))
        r.progress = label = xasprintf("%s %.12s", what, digest + 7);
    r.progress_up = progress_up;
    status = registry_request(cl, "GET", url, NULL, NULL, &r, err);
    digest_final(r.digest, got);
    if (status != 200 && status >= 0) {
        /* a redirect's host refusing is not the registry refusing */
        bool moved = r.final_url && strcmp(r.final_url, url) != 0;
        pcon_fail(err, 0, "fetching blob %s: HTTP %ld%s%s (%s)", digest, status,
                  moved ? " from " : "", moved ? r.final_url : "", registry_status_text(status));
    }
    registry_response_free(&r);
    if (status != 200)
        return -1;
    if (strcmp(got, digest) != 0 || r.written != size)
        return pcon_fail(err, 0, "blob %s: got digest %s and %lld bytes (want %lld)", digest, got,
                         r.written, size);
    if (lseek(fd, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "rewind a download");
    return steal_fd(&fd);
}

/* Which download child fetches each layer (-1: none), and on which line
 * of the progress block (lines up from its bottom; 0: no progress) */
struct download_plan {
    int *child_of;
    int *up;
};

/* In download child c: the blobs of the layers given it, in order, into
 * dir, each told on fd when it is started and once it is whole; the
 * first failure told instead (index -1) ends the child. A child other
 * than the first gets an HTTP handle of its own first: the inherited
 * connection is its parent's, and the first child's. */
__attribute__((noreturn)) static void
download_child(struct registry_client *cl, int dir, yajl_val layers,
               const struct download_plan *plan, int c, int fd)
{
    struct pcon_err err = { 0 };
    struct download_msg m = { .index = -1 };

    if (c > 0 && registry_client_new_handle(cl, &err) < 0)
        goto fail;
    for (size_t i = 0; i < layers->u.array.len; i++) {
        const char *ld;
        int64_t lsize;
        int bfd;

        if (plan->child_of[i] != c)
            continue;
        if (descriptor_get(layers->u.array.values[i], "layer", 0, &ld, &lsize, &err) < 0
            || (bfd = blob_get(cl, dir, ld, lsize, "blob", fd, (int) i, plan->up[i], &err)) < 0)
            goto fail;
        close(bfd);
        if (download_tell(fd, (int) i, DOWNLOAD_DONE) < 0)
            _exit(1);
    }
    _exit(0);
fail:
    m.errnum = err.errnum;
    snprintf(m.text, sizeof m.text, "%s", err.msg ? err.msg : "download a blob");
    (void) !write(fd, &m, sizeof m); /* unread when the pull is gone */
    _exit(1);
}

/* the download child's next message: layer index's, of kind */
static int
download_expect(int fd, int index, int kind, struct pcon_err *err)
{
    struct download_msg m;
    ssize_t n;

    do
        n = read(fd, &m, sizeof m);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return pcon_fail(err, errno, "read from the download");
    if (n != (ssize_t) sizeof m)
        return pcon_fail(err, 0, "the download ended early");
    if (m.index < 0) {
        m.text[sizeof m.text - 1] = '\0';
        return pcon_fail(err, m.errnum, "%s", m.text);
    }
    if (m.index != index || m.kind != kind)
        return pcon_fail(err, 0, "the download is out of order");
    return 0;
}

/* A layer's blob extracted while the child still writes it (layer_src's
 * more): the file's end is where the writing is, until the child tells it
 * whole; inotify (IN_MODIFY on the blob's file) tells of more. */
struct stream_wait {
    int msg_fd, ino, index;
    bool done;
    struct pcon_err failed; /* the child's error, told as the pull's */
};

static int
stream_more(void *opaque, int stop_fd, int *errnum, const char **what)
{
    struct stream_wait *w = opaque;

    if (w->done)
        return 0;
    for (;;) {
        struct pollfd p[3] = {
            { .fd = w->msg_fd, .events = POLLIN },
            { .fd = w->ino, .events = POLLIN },
            { .fd = stop_fd, .events = POLLIN },
        };
        char events[4096];

        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            *errnum = errno;
            *what = "wait for the download";
            return -1;
        }
        if (p[2].revents) {
            *errnum = ECANCELED; /* the reader's own error is the one told */
            *what = "stopped";
            return -1;
        }
        if (p[0].revents) {
            if (download_expect(w->msg_fd, w->index, DOWNLOAD_DONE, &w->failed) < 0) {
                *errnum = w->failed.errnum;
                *what = w->failed.msg;
                return -1;
            }
            w->done = true;
            return 1; /* what came since the last read, then the end */
        }
        if (p[1].revents) {
            while (read(w->ino, events, sizeof events) > 0)
                ;
            return 1;
        }
    }
}

/* After a failed extraction of a blob that has arrived whole: the
 * child's verdict on it, in w->failed when the blob is not the registry's
 * (a corrupt download explains bad content, and is the error to tell). A
 * blob still arriving is not waited for: its registry may hold the rest
 * back for as long as it likes. */
static void
stream_verdict(struct stream_wait *w, int fd, int64_t size)
{
    struct stat st;

    if (fstat(fd, &st) == 0 && st.st_size == size)
        (void) download_expect(w->msg_fd, w->index, DOWNLOAD_DONE, &w->failed);
}

/* a watch (its descriptor) for the writes to fd's file, or -1: then the
 * blob is extracted once whole */
static int
stream_watch(int ino, int fd)
{
    char path[64];

    if (ino < 0)
        return -1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return inotify_add_watch(ino, path, IN_MODIFY);
}

/* blobs fetched at once, each over a connection of its own: podman's
 * default (containers/image's max parallel downloads) */
#define DOWNLOADS_MAX 6

struct download {
    pid_t pid;
    int fd; /* its messages */
};

/* Starts download child c of dl (the ones before it started already) */
static int
download_start(struct registry_client *cl, int dir, yajl_val layers,
               const struct download_plan *plan, struct download *dl, int c, struct pcon_err *err)
{
    pid_t parent = getpid();
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create a pipe");
    dl[c].pid = fork();
    if (dl[c].pid < 0) {
        close(p[0]);
        close(p[1]);
        return pcon_fail(err, errno, "fork");
    }
    if (dl[c].pid == 0) {
        /* a killed pull downloads no more, killed before this too */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
            _exit(1);
        close(p[0]);
        for (int j = 0; j < c; j++)
            close(dl[j].fd);
        download_child(cl, dir, layers, plan, c, p[1]);
    }
    close(p[1]);
    dl[c].fd = p[0];
    return 0;
}

/* The progress block on the terminal, its lines made: a line per layer
 * when they fit on the screen, else one per download child (each child's
 * blob after blob) */
static void
progress_plan(struct download_plan *plan, size_t n, size_t wanted)
{
    struct winsize ws;
    bool per_layer = ioctl(2, TIOCGWINSZ, &ws) == 0 && wanted + 2 <= ws.ws_row;
    int lines = per_layer ? (int) wanted : (wanted < DOWNLOADS_MAX ? (int) wanted : DOWNLOADS_MAX);

    for (size_t i = 0, rank = 0; i < n; i++)
        if (plan->child_of[i] >= 0)
            plan->up[i] = lines - (per_layer ? (int) rank++ : plan->child_of[i]);
    for (int l = 0; l < lines; l++)
        fputc('\n', stderr);
}

/* The layers of a manifest as sources for storage_image_store, each
 * extracted into dir (outside the store lock) as it arrives, from the
 * blob's first bytes, while up to DOWNLOADS_MAX children download it and
 * the ones after it (the wanted layers dealt out in turn): a pull takes
 * about as long as the longer of the two, not their sum. Nothing
 * extracted is kept before its child has the blob whole and verified by
 * digest and size, and the extracted tar's DiffID is the config's. A
 * layer stored already (its chain id follows from the config's DiffIDs)
 * is not downloaded unless fetch_all. names[i]: layer i's directory in
 * dir. */
static int
layers_fetch(struct registry_client *cl, struct store *st, int dir, yajl_val layers,
             char **diff_ids, bool fetch_all, struct layer_src *src, char **names,
             struct pcon_err *err)
{
    size_t n = layers->u.array.len, wanted = 0;
    cleanup_free int *child_of = xzalloc(n * sizeof *child_of);
    cleanup_free int *up = xzalloc(n * sizeof *up);
    struct download_plan plan = { .child_of = child_of, .up = up };
    cleanup_free char(*chain)[72] = xzalloc(n * sizeof *chain);
    cleanup_close int ino = -1;
    struct download dl[DOWNLOADS_MAX];
    int nchildren = 0, r = -1;

    for (size_t i = 0; i < n; i++) {
        if (!digest_valid(diff_ids[i]))
            return pcon_fail(err, 0, "layer %zu without a digest", i);
        storage_layer_chain_id(i ? chain[i - 1] : NULL, diff_ids[i], chain[i]);
        child_of[i] = -1;
        if (fetch_all || !storage_layer_exists(st, chain[i] + 7))
            child_of[i] = (int) (wanted++ % DOWNLOADS_MAX);
    }
    if (wanted == 0)
        return 0;
    if (registry_progress_shown(cl))
        progress_plan(&plan, n, wanted);
    for (int c = 0; c < DOWNLOADS_MAX && (size_t) c < wanted; c++) {
        if (download_start(cl, dir, layers, &plan, dl, c, err) < 0)
            goto out;
        nchildren++;
    }
    ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    for (size_t i = 0; i < n; i++) {
        int c = child_of[i], staged, wd;
        struct stream_wait w = { .msg_fd = c >= 0 ? dl[c].fd : -1, .ino = ino, .index = (int) i };
        const char *ld;
        int64_t lsize;

        if (c < 0)
            continue;
        if (download_expect(w.msg_fd, (int) i, DOWNLOAD_STARTED, err) < 0
            || descriptor_get(layers->u.array.values[i], "layer", 0, &ld, &lsize, err) < 0)
            goto out;
        src[i].fd = openat(dir, ld + 7, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (src[i].fd < 0) {
            pcon_fail(err, errno, "open the download of %s", ld);
            goto out;
        }
        src[i].link = true;
        src[i].digest = ld; /* checked by blob_get */
        wd = stream_watch(ino, src[i].fd);
        if (wd >= 0) {
            src[i].more = stream_more;
            src[i].more_opaque = &w;
        } else if (download_expect(w.msg_fd, (int) i, DOWNLOAD_DONE, err) < 0) {
            goto out;
        }
        names[i] = xasprintf("layer-%zu", i);
        staged = storage_layer_stage(dir, names[i], &src[i], i ? chain[i - 1] : NULL,
                                     &src[i].staged_info, err);
        src[i].more = NULL;
        src[i].more_opaque = NULL;
        if (wd >= 0)
            (void) inotify_rm_watch(ino, wd); /* cannot fail: the watch is there */
        if (staged < 0 && wd >= 0 && !w.done && w.failed.msg == NULL)
            stream_verdict(&w, src[i].fd, lsize);
        if (w.failed.msg) {
            /* the download's failure, not the extraction's read of it */
            pcon_err_clear(err);
            pcon_fail(err, w.failed.errnum, "%s", w.failed.msg);
            pcon_err_clear(&w.failed);
        }
        if (staged < 0)
            goto out;
        /* the stream is read to its end, which comes after DOWNLOAD_DONE */
        if (wd >= 0 && !w.done) {
            pcon_fail(err, 0, "layer %zu extracted before its download ended", i);
            goto out;
        }
        src[i].staged_dir = dir;
        src[i].staged = names[i];
        if (strcmp(src[i].staged_info.diff_id, diff_ids[i]) != 0) {
            pcon_fail(err, 0, "layer %zu has DiffID %s, the config says %s", i,
                      src[i].staged_info.diff_id, diff_ids[i]);
            goto out;
        }
    }
    r = 0;
out:
    for (int c = 0; c < nchildren; c++) {
        int status;

        if (r < 0)
            (void) kill(dl[c].pid, SIGKILL);
        while (waitpid(dl[c].pid, &status, 0) < 0 && errno == EINTR)
            ;
        close(dl[c].fd);
        if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            r = pcon_fail(err, 0, "the download failed");
    }
    return r;
}

static int
pull_manifest(struct registry_client *cl, struct store *st, int dir, const char *manifest,
              char **names, char *id_out, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val v = json_parse(manifest, err);
    cleanup_yajl_val yajl_val cv = NULL;
    cleanup_close int cfd = -1;
    cleanup_free char *config = NULL;
    cleanup_strv char **diff_ids = NULL, **loaded = NULL;
    yajl_val cfg, layers;
    const char *cdigest, *ld;
    int64_t csize, lsize;
    size_t n;
    int r = -1;

    if (v == NULL)
        return pcon_prefix(err, "manifest");
    cfg = json_get_obj(v, "config");
    layers = json_get_arr(v, "layers");
    if (cfg == NULL || layers == NULL)
        return pcon_fail(err, 0, "unsupported manifest (no config or layers)");
    /* every descriptor checked before the first download */
    if (descriptor_get(cfg, "config", MAX_CONFIG, &cdigest, &csize, err) < 0)
        return -1;
    for (size_t i = 0; i < layers->u.array.len; i++)
        if (descriptor_get(layers->u.array.values[i], "layer", 0, &ld, &lsize, err) < 0)
            return -1;
    cfd = blob_get(cl, dir, cdigest, csize, "config", -1, -1, 0, err);
    if (cfd < 0 || (config = fs_read_fd(cfd, MAX_CONFIG, NULL, err)) == NULL
        || (cv = json_parse(config, err)) == NULL
        || json_get_strv(json_get_obj(cv, "rootfs"), "diff_ids", &diff_ids, err) < 0)
        return pcon_prefix(err, "image config");
    n = layers->u.array.len;
    if (strv_len(diff_ids) != n || n == 0)
        return pcon_fail(err, 0, "the config lists %zu layers, the manifest %zu",
                         strv_len(diff_ids), n);
    /* a layer found stored may be removed before the lock is taken: then
     * once more, downloading everything */
    for (int attempt = 0; attempt < 2 && r < 0; attempt++) {
        struct layer_src *src = xzalloc(n * sizeof *src);
        char **staged = xzalloc(n * sizeof *staged);
        int lock = -1;

        for (size_t i = 0; i < n; i++)
            src[i].fd = -1;
        if (attempt)
            pcon_err_clear(err);
        if (layers_fetch(cl, st, dir, layers, diff_ids, attempt > 0, src, staged, err) == 0
            && (lock = storage_lock(st, true, err)) >= 0)
            r = storage_image_store(st, config, manifest, src, n, names, &loaded, id_out, err);
        if (lock >= 0)
            close(lock);
        for (size_t i = 0; i < n; i++) {
            if (src[i].fd >= 0)
                close(src[i].fd);
            /* what was not stored: gone with the pull's directory anyway */
            if (staged[i])
                (void) fs_rm_rf_at(dir, staged[i], NULL);
            free(staged[i]);
        }
        free(src);
        free(staged);
        if (r < 0 && (err == NULL || err->kind != PCON_ERR_NOTFOUND))
            break;
    }
    return r;
}

/* one candidate name, pulled */
static int
pull_one(struct store *st, const struct image_ref *ref, const struct registry_opts *o, char **name,
         char id_out[65], struct pcon_err *err)
{
    struct registry_client cl;
    cleanup_free char *canon = storage_ref_string(ref), *manifest = NULL, *tmp = NULL;
    cleanup_close int dir = -1;
    char mdigest[72];
    int r = -1;

    if (registry_client_open(&cl, ref->registry, ref->path, "pull", o, err) < 0)
        goto out;
    manifest = manifest_get(&cl, ref->digest ? ref->digest : ref->tag, mdigest, err);
    if (manifest == NULL)
        goto out;
    /* downloads land under a .tmp- name: a killed pull leaves only that */
    if ((dir = storage_tmpdir(st->layers_dfd, "pull", &tmp, err)) < 0)
        goto out;
    if (pull_manifest(&cl, st, dir, manifest, ref->tag ? (char *[]){ canon, NULL } : NULL, id_out,
                      err)
        < 0)
        goto out;
    *name = steal_ptr(&canon);
    r = 0;
out:
    if (r < 0)
        pcon_prefix(err, "pull %s", canon ? canon : "");
    if (tmp)
        (void) fs_rm_rf_at(st->layers_dfd, tmp, NULL); /* downloads are stored or refused */
    registry_client_close(&cl);
    return r;
}

/* the names a reference may mean: itself, or a short name in each search
 * registry (docker.io when registries.conf names none) */
static int
candidates(const char *refstr, struct image_ref **out, size_t *n, struct pcon_err *err)
{
    struct image_ref ref;
    struct registry_conf rc;

    *out = NULL;
    *n = 0;
    if (storage_ref_parse(refstr, "docker.io", &ref, err) < 0)
        return -1;
    if (!ref.short_name) {
        *out = xzalloc(sizeof **out);
        (*out)[(*n)++] = ref;
        return 0;
    }
    storage_ref_free(&ref);
    if (registry_conf_load(&rc, err) < 0)
        return -1;
    *out = xzalloc((strv_len(rc.search) + 1) * sizeof **out);
    for (size_t i = 0; rc.search && rc.search[i]; i++)
        if (storage_ref_parse(refstr, rc.search[i], &(*out)[*n], NULL) == 0)
            (*n)++;
    if (*n == 0 && storage_ref_parse(refstr, "docker.io", &(*out)[(*n)], err) == 0)
        (*n)++;
    registry_conf_free(&rc);
    return *n ? 0 : -1;
}

static void
candidates_free(struct image_ref *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        storage_ref_free(&v[i]);
    free(v);
}

/* fn for each name refstr may mean, until one succeeds; the last one's
 * error is the one reported */
static int
each_candidate(const char *refstr,
               int (*fn)(const struct image_ref *ref, void *opaque, struct pcon_err *err),
               void *opaque, struct pcon_err *err)
{
    struct image_ref *c;
    size_t n;
    int r = -1;

    if (candidates(refstr, &c, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && r < 0; i++) {
        if (i)
            pcon_err_clear(err);
        r = fn(&c[i], opaque, err);
    }
    candidates_free(c, n);
    return r;
}

struct pull_args {
    struct store *st;
    const struct registry_opts *o;
    char **name;
    char *id_out;
};

static int
pull_cb(const struct image_ref *ref, void *opaque, struct pcon_err *err)
{
    struct pull_args *a = opaque;

    return pull_one(a->st, ref, a->o, a->name, a->id_out, err);
}

int
registry_pull(struct store *st, const char *refstr, const struct registry_opts *o, char **name,
              char id_out[65], struct pcon_err *err)
{
    struct pull_args a = { st, o, name, id_out };

    return each_candidate(refstr, pull_cb, &a, err);
}

struct digest_args {
    const struct registry_opts *o;
    char *digest;
};

static int
digest_cb(const struct image_ref *ref, void *opaque, struct pcon_err *err)
{
    struct digest_args *a = opaque;
    struct registry_client cl;
    cleanup_free char *m = NULL;
    int r = -1;

    if (registry_client_open(&cl, ref->registry, ref->path, "pull", a->o, err) == 0
        && (m = manifest_get(&cl, ref->digest ? ref->digest : ref->tag, a->digest, err)) != NULL)
        r = 0;
    registry_client_close(&cl);
    return r;
}

int
registry_pull_digest(const char *refstr, const struct registry_opts *o, char digest[72],
                     struct pcon_err *err)
{
    struct digest_args a = { o, digest };

    return each_candidate(refstr, digest_cb, &a, err);
}

int
registry_manifest_raw(const char *refstr, const struct registry_opts *o, char **body,
                      char digest[72], struct pcon_err *err)
{
    struct image_ref ref = { 0 };
    struct registry_client cl = { 0 };
    struct registry_response r = { .fd = -1 };
    cleanup_free char *url = NULL;
    long status;
    int ret = -1;

    *body = NULL;
    if (strncmp(refstr, "docker://", 9) == 0)
        refstr += 9;
    if (storage_ref_parse(refstr, "docker.io", &ref, err) < 0)
        return -1;
    if (registry_client_open(&cl, ref.registry, ref.path, "pull", o, err) < 0)
        goto out;
    url = xasprintf("%s/manifests/%s", cl.base, ref.digest ? ref.digest : ref.tag);
    status = registry_request(&cl, "GET", url, ACCEPT, NULL, &r, err);
    if (status != 200) {
        if (status >= 0)
            pcon_fail_kind(err, status == 404 ? PCON_ERR_NOTFOUND : PCON_ERR_ENGINE, 0,
                           "reading manifest %s: HTTP %ld (%s)", refstr, status,
                           registry_status_text(status));
        goto out;
    }
    if (r.len > MAX_MANIFEST) {
        pcon_fail(err, EFBIG, "manifest %s is too large", refstr);
        goto out;
    }
    digest_buf(r.body ? r.body : "", r.len, digest);
    if (ref.digest && strcmp(digest, ref.digest) != 0) {
        pcon_fail(err, 0, "manifest %s has digest %s", ref.digest, digest);
        goto out;
    }
    *body = r.body ? steal_ptr(&r.body) : xstrdup("");
    ret = 0;
out:
    registry_response_free(&r);
    registry_client_close(&cl);
    storage_ref_free(&ref);
    return ret;
}
