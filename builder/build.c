// SPDX-License-Identifier: Apache-2.0
/* The build loop: stages, steps, the layer cache. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/spec.h"
#include "../engine/usermap.h"
#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/log.h"
#include "../lib/proc.h"
#include "../lib/tarwrite.h"
#include "../lib/timefmt.h"
#include "../registry/registry.h"
#include "../storage/changes.h"
#include "../storage/image_store.h"
#include "../storage/instr.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/ociconfig.h"
#include "../storage/rootfs.h"
#include "build.h"
#include "dockerfile.h"

#define CACHE_DIR "build-cache"

struct stage {
    char *name;  /* AS name, or NULL */
    size_t from; /* the FROM's index */
    size_t end;  /* one past its last instruction */
    bool needed, built;
    char image_id[65]; /* its result */
};

struct build {
    struct store *st;
    const struct build_opts *o;
    struct dockerfile df;
    struct stage *stages;
    size_t nstages;
    char **global_args; /* ARG before the first FROM: KEY=VALUE (or KEY) */
    char **ignore;      /* .containerignore/.dockerignore patterns */
    int ctxfd;          /* the context, O_PATH */
    int stepno, nsteps; /* within the stage */
    int stage_pos, nstages_needed;
    char *tmp; /* a directory of the build's own for mounts */
    int64_t now_ns;
};

/* one stage's state while it runs */
struct state {
    struct image img; /* the step's image; img.id[0] == 0: none yet (scratch) */
    struct oci_config cfg;
    bool dirty; /* cfg has more than img's */
    char key[72];
    char **args;        /* the stage's ARG values, KEY=VALUE */
    size_t base_layers; /* the FROM image's (--squash keeps them) */
};

/* --- little helpers ------------------------------------------------------------------ */

/* --build-context NAME=VALUE for name: the image it names (*dir false) or
 * the directory (*dir true); NULL when name is none of them */
static const char *
named_context(const struct build *b, const char *name, bool *dir)
{
    size_t n = name ? strlen(name) : 0;

    for (size_t i = 0; n && b->o->contexts && b->o->contexts[i]; i++) {
        const char *c = b->o->contexts[i];
        if (strncmp(c, name, n) != 0 || c[n] != '=')
            continue;
        c += n + 1;
        *dir = false;
        if (strncmp(c, "docker-image://", 15) == 0)
            return c + 15;
        if (strncmp(c, "container-image://", 18) == 0)
            return c + 18;
        *dir = true;
        return c;
    }
    return NULL;
}

/* the named contexts' values checked before anything is built */
static int
contexts_check(const struct build *b, struct pcon_err *err)
{
    for (size_t i = 0; b->o->contexts && b->o->contexts[i]; i++) {
        const char *c = b->o->contexts[i], *v = strchr(c, '=') + 1;
        struct stat st;
        if (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0
            || strncmp(v, "oci-layout://", 13) == 0 || strncmp(v, "git@", 4) == 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "--build-context %s: only directories and docker-image:// or "
                                  "container-image:// images are supported",
                                  c);
        if (strncmp(v, "docker-image://", 15) != 0 && strncmp(v, "container-image://", 18) != 0
            && (stat(v, &st) < 0 || !S_ISDIR(st.st_mode)))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--build-context %s: not a directory", c);
    }
    return 0;
}

static void
key_next(char key[72], const char *text)
{
    struct digest_ctx *d = digest_new();

    digest_update(d, key, strlen(key));
    digest_update(d, "\n", 1);
    digest_update(d, text, strlen(text));
    digest_final(d, key);
}

static void
created_now(const struct build *b, char *buf, size_t n)
{
    time_format_rfc3339(b->o->timestamp >= 0 ? b->o->timestamp * 1000000000LL : b->now_ns, buf, n);
}

static char *
cache_path(const char *key)
{
    return xasprintf(CACHE_DIR "/%s", key + 7);
}

/* build-cache/intermediate/<id>: an image made for a step, which images
 * lists with -a only; the build's result is none */
static void
intermediate_mark(struct build *b, const char *id, bool on)
{
    cleanup_close int dfd = -1;
    cleanup_close int fd = -1;

    if (on && mkdirat(b->st->root_dfd, CACHE_DIR "/intermediate", 0700) < 0 && errno != EEXIST)
        return;
    dfd = openat(b->st->root_dfd, CACHE_DIR "/intermediate",
                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || !hex64_valid(id))
        return;
    if (on)
        fd = openat(dfd, id, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    else
        (void) unlinkat(dfd, id, 0);
}

bool
builder_is_intermediate(struct store *st, const char *id)
{
    cleanup_free char *p = xasprintf(CACHE_DIR "/intermediate/%s", id);

    return hex64_valid(id) && faccessat(st->root_dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* the image a step key made before, still stored */
static bool
cache_get(struct build *b, const char *key, struct image *out)
{
    cleanup_free char *p = cache_path(key);
    cleanup_free char *id =
        b->o->no_cache ? NULL : fs_read_all(b->st->root_dfd, p, 128, NULL, NULL);
    cleanup_close int lock = -1;
    struct pcon_err err = { 0 };

    if (id == NULL || strlen(id) < 64)
        return false;
    /* --cache-ttl: a step made longer ago than that is made again (its
     * age the cache entry's, which a --timestamp build's image lacks) */
    if (b->o->cache_ttl > 0) {
        struct stat st;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (fstatat(b->st->root_dfd, p, &st, AT_SYMLINK_NOFOLLOW) < 0
            || (int64_t) (now.tv_sec - st.st_mtim.tv_sec) * 1000000000LL
                       + (now.tv_nsec - st.st_mtim.tv_nsec)
                   >= b->o->cache_ttl)
            return false;
    }
    id[64] = '\0';
    if (!hex64_valid(id))
        return false;
    lock = storage_lock(b->st, false, &err);
    if (lock < 0 || storage_image_lookup(b->st, id, out, &err) < 0) {
        pcon_err_clear(&err);
        return false;
    }
    return strcmp(out->id, id) == 0;
}

static void
cache_put(struct build *b, const char *key, const char *id)
{
    cleanup_close int dfd = -1;
    struct pcon_err err = { 0 };

    if (b->o->no_cache)
        return;
    if (mkdirat(b->st->root_dfd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
        return;
    dfd = openat(b->st->root_dfd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || fs_write_atomic(dfd, key + 7, id, strlen(id), 0600, false, &err) < 0)
        pcon_err_clear(&err); /* a cache, nothing more */
    intermediate_mark(b, id, true);
}

static const char *
var_get(char *const *vars, const char *key)
{
    size_t n = strlen(key);
    const char *v = NULL;

    for (size_t i = 0; vars && vars[i]; i++)
        if (strncmp(vars[i], key, n) == 0 && vars[i][n] == '=')
            v = vars[i] + n + 1;
    return v;
}

/* --build-arg KEY=VALUE, or KEY from the environment */
static const char *
build_arg(const struct build *b, const char *key)
{
    size_t n = strlen(key);
    const char *v = NULL;

    for (size_t i = 0; b->o->build_args && b->o->build_args[i]; i++) {
        const char *a = b->o->build_args[i];
        if (strncmp(a, key, n) == 0 && a[n] == '=')
            v = a + n + 1;
        else if (strcmp(a, key) == 0)
            v = getenv(key);
    }
    return v;
}

/* the variables a step sees: its ARGs, then ENV (which wins) */
static char **
step_vars(const struct state *s)
{
    char **v = NULL;

    for (size_t i = 0; s->args && s->args[i]; i++)
        strv_push(&v, s->args[i]);
    for (size_t i = 0; s->cfg.env && s->cfg.env[i]; i++)
        strv_push(&v, s->cfg.env[i]);
    return v;
}

/* podman's: "STEP 2/5: RUN ...", "[1/2] STEP 2/5: ..." with more stages
 * than one (numbered per stage); args: the text as shown (FROM's expanded) */
static void
step_line(struct build *b, const struct df_instr *in, const char *args)
{
    cleanup_free char *flags = in->flags ? strv_join(in->flags, " ") : NULL;

    b->stepno++;
    if (b->o->quiet)
        return;
    if (b->nstages_needed > 1)
        fprintf(b->o->out, "[%d/%d] ", b->stage_pos, b->nstages_needed);
    fprintf(b->o->out, "STEP %d/%d: %s %s%s%s\n", b->stepno, b->nsteps, in->keyword,
            flags ? flags : "", flags ? " " : "", args ? args : in->args);
    fflush(b->o->out);
}

static void
new_image_line(struct build *b, const char *id, bool cached)
{
    if (b->o->quiet)
        return;
    if (cached)
        fprintf(b->o->out, "--> Using cache %s\n", id);
    fprintf(b->o->out, "--> %.11s\n", id);
    fflush(b->o->out);
}

static int
fail_at(const struct df_instr *in, struct pcon_err *err)
{
    return pcon_prefix(err, "building at STEP \"%s %s\" (line %u)", in->keyword, in->args,
                       in->line);
}

static const char *
flag_value(const struct df_instr *in, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; in->flags && in->flags[i]; i++)
        if (strncmp(in->flags[i], name, n) == 0 && in->flags[i][n] == '=')
            return in->flags[i] + n + 1;
    return NULL;
}

/* the step's image becomes img (its config the state's) */
static int
state_take(struct build *b, struct state *s, struct image *img, struct pcon_err *err)
{
    storage_image_free(&s->img);
    s->img = *img;
    memset(img, 0, sizeof *img);
    storage_oci_config_free(&s->cfg);
    s->dirty = false;
    return storage_oci_config_load(b->st, &s->img, &s->cfg, err);
}

/* stores an image of the state (above its image, a layer from tarfd on
 * top unless -1) and makes it the step's */
static int
state_commit(struct build *b, struct state *s, int tarfd, char **names, struct pcon_err *err)
{
    char id[65];
    struct image img = { 0 };
    cleanup_close int lock = -1;
    char created[64];

    created_now(b, created, sizeof created);
    free(s->cfg.created);
    s->cfg.created = xstrdup(created);
    if (storage_image_derive(b->st, s->img.id[0] ? &s->img : NULL, tarfd, &s->cfg, names, id, err)
        < 0)
        return -1;
    lock = storage_lock(b->st, false, err);
    if (lock < 0 || storage_image_lookup(b->st, id, &img, err) < 0)
        return -1;
    close(lock);
    lock = -1;
    return state_take(b, s, &img, err);
}

/* --- .containerignore ------------------------------------------------------------------ */

static int
ignore_load(struct build *b, struct pcon_err *err)
{
    static const char *const names[] = { ".containerignore", ".dockerignore" };

    for (size_t i = 0; i < 2 && b->ignore == NULL; i++) {
        cleanup_close int fd = b->o->ignorefile
                                   ? (i == 0 ? open(b->o->ignorefile, O_RDONLY | O_CLOEXEC) : -1)
                                   : fs_open_regular_in_root(b->ctxfd, names[i], NULL);
        cleanup_free char *text = fd >= 0 ? fs_read_fd(fd, 1 << 20, NULL, NULL) : NULL;
        if (b->o->ignorefile && i == 0 && text == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--ignorefile %s", b->o->ignorefile);
        char *save = NULL;
        for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
             l = strtok_r(NULL, "\n", &save)) {
            cleanup_free char *clean = NULL;
            bool neg;
            while (*l == ' ' || *l == '\t')
                l++;
            for (size_t n = strlen(l); n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\r'); n--)
                l[n - 1] = '\0';
            if (*l == '\0' || *l == '#')
                continue;
            neg = *l == '!';
            clean = fs_path_clean_clamped(l + neg);
            if (clean && *clean)
                strv_push_take(&b->ignore, xasprintf("%s%s", neg ? "!" : "", clean));
        }
    }
    return 0;
}

/* "**" matches any number of directories */
static bool
pattern_match(const char *pat, const char *path)
{
    if (strstr(pat, "**") == NULL)
        return fnmatch(pat, path, FNM_PATHNAME) == 0;
    return fnmatch(pat, path, 0) == 0;
}

static bool
ignored(const struct build *b, const char *rel)
{
    bool out = false;

    for (size_t i = 0; b->ignore && b->ignore[i]; i++) {
        const char *p = b->ignore[i];
        bool neg = *p == '!';
        size_t n;
        p += neg;
        n = strlen(p);
        /* a pattern matches a path, or a directory above it */
        if (pattern_match(p, rel) || (strncmp(rel, p, n) == 0 && rel[n] == '/'))
            out = !neg;
        else {
            cleanup_free char *dir = xstrdup(rel);
            for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
                *slash = '\0';
                if (pattern_match(p, dir)) {
                    out = !neg;
                    break;
                }
            }
        }
    }
    return out;
}

/* --- COPY and ADD: a layer written from the sources -------------------------------------- */

struct copy_job {
    struct build *b;
    struct tar_writer t;
    bool from_context; /* the ignore file applies */
    bool chown;
    uid_t uid;
    gid_t gid;
    int chmod;       /* -1: the sources' modes */
    bool keep_owner; /* ADD's archives: their own owners */
    struct digest_ctx *src_digest;
};

static int
emit(struct copy_job *j, const char *path, const struct stat *st, int dfd, const char *name,
     struct pcon_err *err)
{
    char target[PATH_MAX];
    struct tar_header h = {
        .path = path,
        .mode = j->chmod >= 0 && !S_ISLNK(st->st_mode) ? (unsigned) j->chmod : st->st_mode & 07777,
        .uid = j->chown        ? j->uid
               : j->keep_owner ? st->st_uid
                               : 0,
        .gid = j->chown        ? j->gid
               : j->keep_owner ? st->st_gid
                               : 0,
        .mtime = j->b->o->timestamp >= 0 ? j->b->o->timestamp : st->st_mtim.tv_sec,
    };

    if (S_ISDIR(st->st_mode))
        h.type = '5';
    else if (S_ISLNK(st->st_mode)) {
        ssize_t n = readlinkat(dfd, name, target, sizeof target - 1);
        if (n < 0)
            return pcon_fail(err, errno, "read link %s", path);
        target[n] = '\0';
        h.type = '2';
        h.linkname = target;
    } else if (S_ISREG(st->st_mode)) {
        h.type = '0';
        h.size = st->st_size;
    } else {
        return 0; /* devices, sockets, fifos of a context: not copied */
    }
    digest_update(j->src_digest, path, strlen(path) + 1);
    if (h.linkname)
        digest_update(j->src_digest, h.linkname, strlen(h.linkname) + 1);
    if (tar_header_write(&j->t, &h, err) < 0)
        return -1;
    if (h.size > 0) {
        cleanup_close int in = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        char buf[65536];
        long long left = h.size;
        if (in < 0)
            return pcon_fail(err, errno, "open %s", path);
        while (left > 0) {
            ssize_t n = read(
                in, buf, (size_t) (left < (long long) sizeof buf ? left : (long long) sizeof buf));
            if (n <= 0)
                return pcon_fail(err, n < 0 ? errno : EIO, "read %s", path);
            digest_update(j->src_digest, buf, (size_t) n);
            if (tar_data(&j->t, buf, (size_t) n, err) < 0)
                return -1;
            left -= n;
        }
    }
    return 0;
}

/* a source directory's contents below dst (rel: its path in the context) */
static int
emit_tree(struct copy_job *j, int dfd, const char *rel, const char *dst, struct pcon_err *err)
{
    cleanup_closedir DIR *d = fs_opendir_at(dfd);
    cleanup_strv char **names = NULL;
    struct dirent *de;

    if (d == NULL)
        return pcon_fail(err, errno, "read %s", rel);
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            strv_push(&names, de->d_name);
    for (size_t i = 0; names && names[i]; i++)
        for (size_t k = i + 1; names[k]; k++)
            if (strcmp(names[k], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[k];
                names[k] = t;
            }
    for (size_t i = 0; names && names[i]; i++) {
        cleanup_free char *crel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        cleanup_free char *cdst = xasprintf("%s/%s", dst, names[i]);
        struct stat st;
        if (j->from_context && ignored(j->b, crel))
            continue;
        if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
            return pcon_fail(err, errno, "stat %s", crel);
        if (emit(j, cdst, &st, dfd, names[i], err) < 0)
            return -1;
        if (S_ISDIR(st.st_mode)) {
            cleanup_close int sub =
                openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || emit_tree(j, sub, crel, cdst, err) < 0)
                return sub < 0 ? pcon_fail(err, errno, "open %s", crel) : -1;
        }
    }
    return 0;
}

/* the parents of dst the image has not, as directories */
static int
emit_parents(struct copy_job *j, int imgfd, const char *dst, struct pcon_err *err)
{
    cleanup_free char *p = xstrdup(dst);
    struct stat st = { .st_mode = S_IFDIR | 0755 };

    st.st_mtim.tv_sec = j->b->o->timestamp >= 0 ? j->b->o->timestamp : j->b->now_ns / 1000000000LL;
    for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
        cleanup_close int fd = -1;
        *slash = '\0';
        fd = imgfd >= 0 ? fs_open_in_root(imgfd, p, O_PATH | O_DIRECTORY, 0, NULL) : -1;
        if (fd < 0) {
            bool own_chown = j->chown;
            j->chown = false; /* parents made on the way are root's */
            int r = emit(j, p, &st, -1, NULL, err);
            j->chown = own_chown;
            if (r < 0)
                return -1;
        }
        *slash = '/';
    }
    return 0;
}

static bool
is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* the context paths a (clean, relative) pattern names, sorted */
static int
glob_in_root(int rootfd, const char *dir, const char *pattern, char ***out)
{
    const char *slash = strchr(pattern, '/');
    cleanup_free char *part =
        slash ? xstrndup(pattern, (size_t) (slash - pattern)) : xstrdup(pattern);
    cleanup_close int dfd = -1;
    cleanup_closedir DIR *d = NULL;
    struct dirent *de;

    dfd = *dir ? fs_open_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY, 0, NULL)
               : openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || (d = fs_opendir_at(dfd)) == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        cleanup_free char *rel = NULL;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || fnmatch(part, de->d_name, 0))
            continue;
        rel = *dir ? xasprintf("%s/%s", dir, de->d_name) : xstrdup(de->d_name);
        if (slash)
            (void) glob_in_root(rootfd, rel, slash + 1, out);
        else
            strv_push(out, rel);
    }
    return 0;
}

static bool
is_archive(int fd)
{
    unsigned char m[512];
    ssize_t n = pread(fd, m, sizeof m, 0);

    if (n < 6)
        return false;
    return (m[0] == 0x1f && m[1] == 0x8b)
           || memcmp(m,
                     "\xfd"
                     "7zXZ",
                     5)
                  == 0
           || memcmp(m, "BZh", 3) == 0 || memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0
           || (n >= 262 && memcmp(m + 257, "ustar", 5) == 0);
}

/* --chown=USER[:GROUP], names from the image's own /etc */
static int
chown_resolve(int imgfd, const char *spec, uid_t *uid, gid_t *gid, struct pcon_err *err)
{
    cleanup_close int pfd = imgfd >= 0 ? fs_open_regular_in_root(imgfd, "etc/passwd", NULL) : -1;
    cleanup_close int gfd = imgfd >= 0 ? fs_open_regular_in_root(imgfd, "etc/group", NULL) : -1;
    cleanup_free char *pw = pfd >= 0 ? fs_read_fd(pfd, 4 << 20, NULL, NULL) : NULL;
    cleanup_free char *gr = gfd >= 0 ? fs_read_fd(gfd, 4 << 20, NULL, NULL) : NULL;
    cleanup_free char *home = NULL;
    gid_t groups[1];
    int ng = 0;

    if (engine_spec_user_resolve(spec, pw, gr, uid, gid, &home, groups, &ng, err) < 0)
        return pcon_prefix(err, "--chown");
    /* USER alone: its own group (the passwd entry's), as Docker */
    return 0;
}

static int
step_copy(struct build *b, struct state *s, const struct df_instr *in, bool add,
          struct pcon_err *err)
{
    cleanup_strv char **words = NULL, **vars = step_vars(s), **srcs = NULL;
    cleanup_free char *dst = NULL, *mnt = NULL, *srcmnt = NULL, *hist = NULL, *keytext = NULL;
    cleanup_close int tarfd = -1, imgfd = -1, srcfd = -1;
    const char *from = flag_value(in, "--from"), *chown = flag_value(in, "--chown");
    const char *chmod_s = flag_value(in, "--chmod");
    struct copy_job j = { .b = b, .chmod = -1 };
    bool mounted = false, srcmounted = false;
    size_t n;
    char diff_id[72], key[72];
    int r = -1;

    for (size_t i = 0; in->flags && in->flags[i]; i++)
        if (strncmp(in->flags[i], "--from=", 7) && strncmp(in->flags[i], "--chown=", 8)
            && strncmp(in->flags[i], "--chmod=", 8) && strncmp(in->flags[i], "--link", 6))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: unknown flag %s", in->keyword,
                                  in->flags[i]);
    {
        cleanup_free char *expanded = NULL;
        if (dockerfile_expand(in->args, vars, b->df.escape, &expanded, err) < 0)
            return -1;
        r = instr_exec_form(expanded, &words, err);
        if (r == 0)
            r = instr_words(expanded, &words, err);
        if (r < 0)
            return -1;
        r = -1;
    }
    n = strv_len(words);
    if (n < 2)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s requires at least two arguments",
                              in->keyword);
    if (chmod_s) {
        char *end;
        long m = strtol(chmod_s, &end, 8);
        if (*end || m < 0 || m > 07777)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --chmod=%s", chmod_s);
        j.chmod = (int) m;
    }
    /* the destination, made absolute from WORKDIR */
    {
        const char *d = words[n - 1];
        cleanup_free char *joined =
            d[0] == '/' ? xstrdup(d) : xasprintf("%s/%s", s->cfg.workdir ? s->cfg.workdir : "", d);
        cleanup_free char *clean = fs_path_clean_clamped(joined);
        size_t dl = strlen(d);
        dst = xasprintf("%s%s", clean ? clean : "",
                        dl
                                && (d[dl - 1] == '/' || (dl > 1 && strcmp(d + dl - 2, "/.") == 0)
                                    || strcmp(d, ".") == 0)
                            ? "/"
                            : "");
    }
    /* the image as it is, to find what dst is and whose names --chown gives */
    mnt = xasprintf("%s/img", b->tmp);
    if (s->img.id[0] && strv_len(s->img.layers) > 0) {
        if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
            return pcon_fail(err, errno, "create %s", mnt);
        if (storage_image_mount_ro(b->st, &s->img, mnt, err) < 0)
            return -1;
        mounted = true;
        imgfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (chown && chown_resolve(imgfd, chown, &j.uid, &j.gid, err) < 0)
        goto out;
    j.chown = chown != NULL;
    /* the sources: the context's, or a stage's or an image's files */
    bool ctx_dir = false;
    const char *named = named_context(b, from, &ctx_dir);
    if (named && !ctx_dir)
        from = named; /* --build-context NAME=docker-image://IMAGE */
    if (named && ctx_dir) {
        /* --build-context NAME=DIR: a context of its own (without the
         * main one's ignore file), as safe */
        srcfd = open(named, O_PATH | O_DIRECTORY | O_CLOEXEC);
    } else if (from) {
        struct image fimg = { 0 };
        const char *fid = NULL;
        char *end;
        unsigned long idx = strtoul(from, &end, 10);
        for (size_t i = 0; i < b->nstages && !fid && !named; i++)
            if ((b->stages[i].name && strcasecmp(b->stages[i].name, from) == 0)
                || (*end == '\0' && idx == i))
                fid = b->stages[i].built ? b->stages[i].image_id : NULL;
        {
            cleanup_close int lock = storage_lock(b->st, false, err);
            if (lock < 0 || storage_image_lookup(b->st, fid ? fid : from, &fimg, err) < 0) {
                pcon_prefix(err, "--from=%s", from);
                goto out;
            }
        }
        srcmnt = xasprintf("%s/from", b->tmp);
        if ((mkdir(srcmnt, 0700) < 0 && errno != EEXIST)
            || storage_image_mount_ro(b->st, &fimg, srcmnt, err) < 0) {
            storage_image_free(&fimg);
            if (err->msg[0] == '\0')
                pcon_fail(err, errno, "create %s", srcmnt);
            goto out;
        }
        storage_image_free(&fimg);
        srcmounted = true;
        srcfd = open(srcmnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
    } else if (in->heredoc_names) {
        /* <<NAME: files of their own, made for the step, copied as the
         * context's are */
        srcmnt = xasprintf("%s/heredoc", b->tmp);
        (void) fs_rm_rf_at(AT_FDCWD, srcmnt, NULL);
        if (mkdir(srcmnt, 0700) < 0) {
            pcon_fail(err, errno, "create %s", srcmnt);
            goto out;
        }
        srcfd = open(srcmnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; srcfd >= 0 && in->heredoc_names[i]; i++) {
            cleanup_free char *body = NULL;
            cleanup_close int wfd = -1;
            if (!in->heredoc_raw[i]
                && dockerfile_expand(in->heredoc_bodies[i], vars, b->df.escape, &body, err) < 0)
                goto out;
            const char *text = body ? body : in->heredoc_bodies[i];
            cleanup_free char *path = xasprintf("%s/%s", srcmnt, in->heredoc_names[i]);
            wfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (wfd < 0 || fchmod(wfd, 0644) < 0 || fs_write_all(wfd, text, strlen(text)) < 0) {
                pcon_fail(err, errno, "write heredoc %s", in->heredoc_names[i]);
                goto out;
            }
        }
        j.from_context = true;
    } else {
        srcfd = dup(b->ctxfd);
        j.from_context = true;
    }
    if (srcfd < 0) {
        pcon_fail(err, errno, "open the sources");
        goto out;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        cleanup_free char *clean = fs_path_clean_clamped(words[i]);
        if (add
            && (strncmp(words[i], "http://", 7) == 0 || strncmp(words[i], "https://", 8) == 0)) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "ADD from a URL (%s) is not supported",
                           words[i]);
            goto out;
        }
        /* ".." cannot leave the context: sources are cleaned and resolved in it */
        if (strstr(words[i], "..") && words[i][0] != '/' && j.from_context) {
            cleanup_free char *raw = xasprintf("/%s", words[i]);
            cleanup_free char *c2 = fs_path_clean_clamped(raw);
            if (strncmp(words[i], "../", 3) == 0 || strcmp(words[i], "..") == 0) {
                pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: \"%s\" is outside the build context",
                               in->keyword, words[i]);
                goto out;
            }
        }
        if (is_glob(clean ? clean : "")) {
            size_t before = strv_len(srcs);
            (void) glob_in_root(srcfd, "", clean, &srcs);
            if (strv_len(srcs) == before) {
                pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: no source files were specified (%s)",
                               in->keyword, words[i]);
                goto out;
            }
        } else {
            strv_push(&srcs, clean && *clean ? clean : ".");
        }
    }
    if ((strv_len(srcs) > 1) && dst[strlen(dst) - 1] != '/') {
        pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                       "%s: with more than one source, the destination must be a directory "
                       "and end with a /",
                       in->keyword);
        goto out;
    }
    tarfd = engine_layer_tmpfile(b->st, err);
    if (tarfd < 0)
        goto out;
    j.t = (struct tar_writer){ tarfd, 0, 0 };
    j.src_digest = digest_new();
    for (size_t i = 0; srcs && srcs[i]; i++) {
        cleanup_close int fd = strcmp(srcs[i], ".") == 0
                                   ? openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                   : fs_open_in_root(srcfd, srcs[i], O_RDONLY, 0, err);
        cleanup_free char *target = NULL;
        bool into_dir = dst[strlen(dst) - 1] == '/';
        struct stat st;
        const char *base = strrchr(srcs[i], '/') ? strrchr(srcs[i], '/') + 1 : srcs[i];

        if (fd < 0 || fstat(fd, &st) < 0) {
            pcon_prefix(err, "%s: %s", in->keyword, words[i]);
            goto out;
        }
        if (j.from_context && strcmp(srcs[i], ".") != 0 && ignored(b, srcs[i])) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: %s is excluded by the ignore file",
                           in->keyword, srcs[i]);
            goto out;
        }
        if (!into_dir && imgfd >= 0 && !S_ISDIR(st.st_mode)) {
            cleanup_close int dfd = fs_open_in_root(imgfd, dst, O_PATH | O_DIRECTORY, 0, NULL);
            into_dir = dfd >= 0;
        }
        /* the directory itself: dst is it (made when missing), its contents go in */
        if (S_ISDIR(st.st_mode)) {
            char *d = xstrndup(dst, strlen(dst) - (dst[strlen(dst) - 1] == '/'));
            free(target);
            target = d;
            {
                cleanup_free char *slashed = xasprintf("%s/", target);
                if (*target && emit_parents(&j, imgfd, slashed, err) < 0)
                    goto out;
            }
            if (*target) {
                cleanup_close int ex =
                    imgfd >= 0 ? fs_open_in_root(imgfd, target, O_PATH | O_DIRECTORY, 0, NULL) : -1;
                if (ex < 0 && emit(&j, target, &st, -1, NULL, err) < 0)
                    goto out;
            }
            if (emit_tree(&j, fd, strcmp(srcs[i], ".") == 0 ? "" : srcs[i], target, err) < 0)
                goto out;
            continue;
        }
        target = into_dir ? xasprintf("%s%s%s", dst, dst[strlen(dst) - 1] == '/' ? "" : "/", base)
                          : xstrdup(dst);
        if (emit_parents(&j, imgfd, target, err) < 0)
            goto out;
        if (add && S_ISREG(st.st_mode) && is_archive(fd)) {
            /* ADD unpacks a local archive, safely, with its own owners */
            cleanup_free char *xdir = xasprintf("%s/x%zu", b->tmp, i);
            cleanup_close int xfd = -1;
            char ign[72];
            long long sz;
            cleanup_free char *dirtarget =
                xstrndup(dst, strlen(dst) - (dst[strlen(dst) - 1] == '/'));
            if (mkdir(xdir, 0700) < 0 || (xfd = open(xdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
                || lseek(fd, 0, SEEK_SET) < 0) {
                pcon_fail(err, errno, "unpack %s", srcs[i]);
                goto out;
            }
            if (storage_layer_extract(xfd, fd, ign, &sz, err) < 0) {
                pcon_prefix(err, "ADD %s", srcs[i]);
                goto out;
            }
            j.keep_owner = true;
            bool fc = j.from_context;
            j.from_context = false;
            r = emit_tree(&j, xfd, "", dirtarget, err);
            j.from_context = fc;
            j.keep_owner = false;
            (void) fs_rm_rf_at(AT_FDCWD, xdir, NULL);
            if (r < 0)
                goto out;
            r = -1;
            continue;
        }
        {
            /* a file (a symlink source is followed, in the context) */
            cleanup_free char *dir = xstrdup(srcs[i]);
            char *slash = strrchr(dir, '/');
            cleanup_close int pfd = -1;
            const char *name = base;
            if (slash)
                *slash = '\0';
            pfd = slash ? fs_open_in_root(srcfd, dir, O_RDONLY | O_DIRECTORY, 0, err)
                        : openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (pfd < 0)
                goto out;
            /* a followed link: the file it names is what is copied */
            {
                struct stat lst;
                if (fstatat(pfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode)) {
                    char proc[64];
                    close(pfd);
                    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
                    pfd = -1;
                    /* copy through the resolved fd */
                    struct tar_header h = {
                        .path = target,
                        .type = '0',
                        .size = st.st_size,
                        .mode = j.chmod >= 0 ? (unsigned) j.chmod : st.st_mode & 07777,
                        .uid = j.chown ? j.uid : 0,
                        .gid = j.chown ? j.gid : 0,
                        .mtime = b->o->timestamp >= 0 ? b->o->timestamp : st.st_mtim.tv_sec,
                    };
                    char buf[65536];
                    ssize_t k;
                    if (!S_ISREG(st.st_mode)) {
                        pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: %s is not a file", in->keyword,
                                       srcs[i]);
                        goto out;
                    }
                    digest_update(j.src_digest, target, strlen(target) + 1);
                    if (tar_header_write(&j.t, &h, err) < 0)
                        goto out;
                    while ((k = read(fd, buf, sizeof buf)) > 0) {
                        digest_update(j.src_digest, buf, (size_t) k);
                        if (tar_data(&j.t, buf, (size_t) k, err) < 0)
                            goto out;
                    }
                    continue;
                }
            }
            if (emit(&j, target, &st, pfd, name, err) < 0)
                goto out;
        }
    }
    if (tar_finish(&j.t, err) < 0)
        goto out;
    digest_final(j.src_digest, diff_id);
    j.src_digest = NULL;
    {
        cleanup_free char *flags = in->flags ? strv_join(in->flags, " ") : xstrdup("");
        keytext = xasprintf("%s %s %s %s", in->keyword, flags, in->args, diff_id);
    }
    memcpy(key, s->key, sizeof key);
    key_next(key, keytext);
    hist = xasprintf("/bin/sh -c #(nop) %s %s:%.64s in %s ", in->keyword,
                     srcs && srcs[1] == NULL ? "file" : "multi", diff_id + 7, dst);
    if (mounted) {
        close(imgfd);
        imgfd = -1;
        (void) umount2(mnt, MNT_DETACH);
        mounted = false;
    }
    {
        struct image hit = { 0 };
        memcpy(s->key, key, sizeof key);
        if (cache_get(b, key, &hit)) {
            new_image_line(b, hit.id, true);
            r = state_take(b, s, &hit, err);
            goto out;
        }
    }
    {
        char created[64];
        created_now(b, created, sizeof created);
        storage_oci_history_add(&s->cfg, created, hist, NULL, false);
    }
    if (state_commit(b, s, tarfd, NULL, err) < 0)
        goto out;
    cache_put(b, key, s->img.id);
    new_image_line(b, s->img.id, false);
    r = 0;
out:
    if (j.src_digest) {
        char ignore[72];
        digest_final(j.src_digest, ignore);
    }
    if (imgfd >= 0)
        close(imgfd);
    if (mounted)
        (void) umount2(mnt, MNT_DETACH);
    if (srcmounted) {
        if (srcfd >= 0)
            close(srcfd);
        srcfd = -1;
        (void) umount2(srcmnt, MNT_DETACH);
    }
    return r;
}

/* --- RUN ------------------------------------------------------------------------------- */

/* what RUN --mount=... adds to the step's container */
struct run_mounts {
    char **volumes; /* HOST:CTR[:ro] */
    char **tmpfs;   /* CTR[:OPTS] */
    char **skip;    /* mount points the layer leaves out */
    char **copies;  /* bind,rw: the copies bound, removed after the step */
    int nfrom;      /* images mounted for from= */
};

/* what a step's mounts leave behind, gone */
static void
run_mounts_free(struct run_mounts *m)
{
    for (size_t i = 0; m->copies && m->copies[i]; i++)
        (void) fs_rm_rf_at(AT_FDCWD, m->copies[i], NULL);
    strv_free(m->copies);
    strv_free(m->volumes);
    strv_free(m->tmpfs);
    strv_free(m->skip);
    *m = (struct run_mounts){ 0 };
}

static const char *
mount_opt(char *const *kv, const char *k)
{
    size_t n = strlen(k);

    for (size_t i = 0; kv && kv[i]; i++)
        if (strncmp(kv[i], k, n) == 0 && (kv[i][n] == '=' || kv[i][n] == '\0'))
            return kv[i][n] == '=' ? kv[i] + n + 1 : "";
    return NULL;
}

/* the host path of fd (a directory or file the build opened) */
static char *
fd_path(int fd)
{
    char proc[64], buf[PATH_MAX];
    ssize_t n;

    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    n = readlink(proc, buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return xstrdup(buf);
}

static int
run_mount(struct build *b, const char *spec, struct run_mounts *m, struct pcon_err *err)
{
    cleanup_strv char **kv = NULL;
    const char *type, *target, *src, *from, *id;
    bool ro;
    char *save = NULL;
    cleanup_free char *copy = xstrdup(spec), *clean = NULL;

    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        strv_push(&kv, t);
    type = mount_opt(kv, "type");
    type = type ? type : "bind";
    target = mount_opt(kv, "target");
    target = target ? target : mount_opt(kv, "dst");
    target = target ? target : mount_opt(kv, "destination");
    src = mount_opt(kv, "source");
    src = src ? src : mount_opt(kv, "src");
    from = mount_opt(kv, "from");
    id = mount_opt(kv, "id");
    ro = mount_opt(kv, "ro") || mount_opt(kv, "readonly");
    if (strcmp(type, "secret") == 0 && !target) {
        if (!id || !*id)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "RUN --mount=type=secret needs an id");
        target = xasprintf("/run/secrets/%s", id);
        strv_push_take(&m->skip, (char *) target);
        target = m->skip[strv_len(m->skip) - 1];
    }
    if (!target || target[0] != '/')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "RUN --mount %s: an absolute target is needed", spec);
    clean = fs_path_clean_clamped(target);
    strv_push_take(&m->skip, xasprintf("/%s", clean ? clean : ""));
    if (strcmp(type, "tmpfs") == 0) {
        const char *size = mount_opt(kv, "size");
        strv_push_take(&m->tmpfs, size ? xasprintf("%s:size=%s", target, size) : xstrdup(target));
        return 0;
    }
    if (strcmp(type, "cache") == 0) {
        /* one directory per id (the target's by default), kept across builds */
        char d[72];
        cleanup_free char *dir = NULL;
        digest_buf(id && *id ? id : target, strlen(id && *id ? id : target), d);
        dir = xasprintf("%s/" CACHE_DIR "/mounts/%.16s", b->st->graphroot, d + 7);
        if (fs_mkdir_p(dir, 0755, err) < 0)
            return -1;
        strv_push_take(&m->volumes, xasprintf("%s:%s%s", dir, target, ro ? ":ro" : ""));
        return 0;
    }
    if (strcmp(type, "secret") == 0) {
        const char *path = NULL;
        for (size_t i = 0; b->o->secrets && b->o->secrets[i] && !path; i++) {
            cleanup_strv char **skv = NULL;
            cleanup_free char *sc = xstrdup(b->o->secrets[i]);
            char *ss = NULL;
            for (char *t = strtok_r(sc, ",", &ss); t; t = strtok_r(NULL, ",", &ss))
                strv_push(&skv, t);
            const char *sid = mount_opt(skv, "id"), *ssrc = mount_opt(skv, "src");
            ssrc = ssrc ? ssrc : mount_opt(skv, "source");
            if (sid && id && strcmp(sid, id) == 0 && ssrc) {
                char real[PATH_MAX];
                if (realpath(ssrc, real) == NULL)
                    return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--secret %s",
                                          b->o->secrets[i]);
                strv_push_take(&m->volumes, xasprintf("%s:%s:ro", real, target));
                path = real;
            }
        }
        if (!path && !mount_opt(kv, "required"))
            return 0; /* BuildKit's: a secret not given is no mount */
        if (!path)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "RUN --mount: no --secret id=%s given",
                                  id ? id : "");
        return 0;
    }
    if (strcmp(type, "bind") == 0) {
        cleanup_close int rootfd = -1, fd = -1;
        cleanup_free char *host = NULL;
        bool rw = mount_opt(kv, "rw") || mount_opt(kv, "readwrite"), ctx_dir = false;
        const char *named = named_context(b, from, &ctx_dir);
        if (named && !ctx_dir)
            from = named;
        if (named && ctx_dir) {
            rootfd = open(named, O_PATH | O_DIRECTORY | O_CLOEXEC);
        } else if (from) {
            struct image fimg = { 0 };
            const char *fid = NULL;
            cleanup_free char *mnt = xasprintf("%s/m%d", b->tmp, m->nfrom++);
            for (size_t i = 0; i < b->nstages && !fid && !named; i++)
                if (b->stages[i].name && strcasecmp(b->stages[i].name, from) == 0
                    && b->stages[i].built)
                    fid = b->stages[i].image_id;
            {
                cleanup_close int lock = storage_lock(b->st, false, err);
                if (lock < 0 || storage_image_lookup(b->st, fid ? fid : from, &fimg, err) < 0)
                    return pcon_prefix(err, "RUN --mount from=%s", from);
            }
            if ((mkdir(mnt, 0700) < 0 && errno != EEXIST)
                || storage_image_mount_ro(b->st, &fimg, mnt, err) < 0) {
                storage_image_free(&fimg);
                return err->msg[0] ? -1 : pcon_fail(err, errno, "create %s", mnt);
            }
            storage_image_free(&fimg);
            rootfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
        } else {
            rootfd = dup(b->ctxfd);
        }
        if (rootfd < 0)
            return pcon_fail(err, errno, "open the bind's source");
        fd = src && *src && strcmp(src, ".")
                 ? fs_open_in_root(rootfd, src, O_PATH, 0, err)
                 : openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return pcon_prefix(err, "RUN --mount source %s", src ? src : ".");
        host = fd_path(fd);
        if (host == NULL)
            return pcon_fail(err, errno, "resolve the bind's source");
        if (rw) {
            /* BuildKit's rw: writes allowed, and discarded: a copy is bound */
            cleanup_free char *tmpl = xasprintf("%s/build-rw-XXXXXX", b->st->graphroot);
            cleanup_close int dfd = -1;
            if (mkdtemp(tmpl) == NULL)
                return pcon_fail(err, errno, "create a copy for the rw bind");
            strv_push(&m->copies, tmpl);
            dfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd < 0 || fs_copy_at(AT_FDCWD, host, dfd, "src", FS_COPY_OWNER, NULL, err) < 0)
                return dfd < 0 ? pcon_fail(err, errno, "open %s", tmpl)
                               : pcon_prefix(err, "copy the rw bind's source");
            strv_push_take(&m->volumes, xasprintf("%s/src:%s", tmpl, target));
            return 0;
        }
        strv_push_take(&m->volumes, xasprintf("%s:%s:ro", host, target));
        return 0;
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "RUN --mount: unknown type %s", type);
}

/* what --cap-add, --dns, -m, --security-opt, ... of build give RUN's
 * container (the rest of co is the step's) */
static void
run_template(struct engine_create_opts *co, const struct engine_create_opts *t)
{
    co->cap_add = t->cap_add;
    co->cap_drop = t->cap_drop;
    co->seccomp_profile = t->seccomp_profile;
    co->no_new_privs = t->no_new_privs;
    co->mask = t->mask;
    co->unmask = t->unmask;
    co->proc_opts = t->proc_opts;
    co->devices = t->devices;
    co->dns = t->dns;
    co->dns_search = t->dns_search;
    co->dns_options = t->dns_options;
    co->add_hosts = t->add_hosts;
    co->no_hosts = t->no_hosts;
    co->no_resolv_conf = t->no_resolv_conf;
    co->no_http_proxy = t->no_http_proxy;
    co->limits = t->limits;
    co->shm_size = t->shm_size;
    co->pid_ns = t->pid_ns;
    co->ipc_ns = t->ipc_ns;
    co->uts_ns = t->uts_ns;
    co->cgroupns = t->cgroupns;
    co->userns = t->userns;
    co->uidmaps = t->uidmaps;
    co->gidmaps = t->gidmaps;
    co->subuidname = t->subuidname;
    co->subgidname = t->subgidname;
    co->cgroup_parent = t->cgroup_parent;
}

static int
step_run(struct build *b, struct state *s, const struct df_instr *in, struct pcon_err *err)
{
    cleanup_strv char **argv = NULL, **env = NULL;
    cleanup_free char *keytext = NULL, *hist = NULL, *args_text = NULL;
    cleanup_close int tarfd = -1;
    const char *net = flag_value(in, "--network");
    struct engine_create_opts co = { 0 };
    struct engine_start_opts so = { .sig_proxy = true, .ready_fd = -1 };
    struct container c;
    struct image hit = { 0 };
    int code = 0, r, saved[2] = { -1, -1 };
    char key[72];

    struct run_mounts mounts = { 0 };
    cleanup_strv char **skip = NULL, **vols = NULL;

    for (size_t i = 0; in->flags && in->flags[i]; i++)
        if (strncmp(in->flags[i], "--network=", 10) != 0
            && strncmp(in->flags[i], "--mount=", 8) != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "RUN %s is not supported yet",
                                  in->flags[i]);
    r = instr_exec_form(in->args, &argv, err);
    if (r < 0)
        return -1;
    if (r == 0) {
        if (s->cfg.shell && s->cfg.shell[0])
            for (size_t i = 0; s->cfg.shell[i]; i++)
                strv_push(&argv, s->cfg.shell[i]);
        else {
            strv_push(&argv, "/bin/sh");
            strv_push(&argv, "-c");
        }
        strv_push(&argv, in->args);
    }
    /* the key: the step before, the command, every build argument's value */
    args_text = s->args ? strv_join(s->args, "\n") : xstrdup("");
    {
        cleanup_free char *flags = in->flags ? strv_join(in->flags, " ") : xstrdup("");
        keytext = xasprintf("RUN %s\n%s\n%s", flags, in->args, args_text);
    }
    memcpy(key, s->key, sizeof key);
    key_next(key, keytext);
    memcpy(s->key, key, sizeof key);
    if (cache_get(b, key, &hit)) {
        new_image_line(b, hit.id, true);
        return state_take(b, s, &hit, err);
    }
    if (s->img.id[0] == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "RUN needs an image with files (FROM scratch has none yet)");
    for (size_t i = 0; in->flags && in->flags[i]; i++)
        if (strncmp(in->flags[i], "--mount=", 8) == 0
            && run_mount(b, in->flags[i] + 8, &mounts, err) < 0)
            goto mounts_fail;
    for (const char *const *p = engine_ctr_placeholders(); *p; p++)
        strv_push(&skip, *p);
    for (size_t i = 0; mounts.skip && mounts.skip[i]; i++)
        strv_push(&skip, mounts.skip[i]);
    for (size_t i = 0; s->cfg.env && s->cfg.env[i]; i++)
        strv_push(&env, s->cfg.env[i]);
    /* build arguments are the command's environment, not the image's */
    for (size_t i = 0; s->args && s->args[i]; i++) {
        size_t kl = strcspn(s->args[i], "=");
        bool in_env = false;
        for (size_t k = 0; s->cfg.env && s->cfg.env[k] && !in_env; k++)
            in_env = strncmp(s->cfg.env[k], s->args[i], kl + 1) == 0;
        if (!in_env)
            strv_push(&env, s->args[i]);
    }
    if (b->o->run)
        run_template(&co, b->o->run);
    co.image = s->img.id;
    co.cmd = argv;
    co.env = env;
    co.workdir = s->cfg.workdir && *s->cfg.workdir ? s->cfg.workdir : NULL;
    co.user = s->cfg.user && *s->cfg.user ? s->cfg.user : NULL;
    co.entrypoint = "";
    co.entrypoint_set = true;
    co.stop_timeout = -1;
    if (b->o->run == NULL)
        co.shm_size = -1;
    co.pull = PULL_NEVER;
    co.log_driver = LOG_NONE;
    co.ulimits = b->o->ulimits;
    /* --volume's binds, then the step's own mounts */
    for (size_t i = 0; b->o->run && b->o->run->volumes && b->o->run->volumes[i]; i++)
        strv_push(&vols, b->o->run->volumes[i]);
    for (size_t i = 0; mounts.volumes && mounts.volumes[i]; i++)
        strv_push(&vols, mounts.volumes[i]);
    co.volumes = vols;
    co.tmpfs = mounts.tmpfs;
    co.net.mode = NETNS_SLIRP;
    if ((net || b->o->network) && netns_spec_parse(net ? net : b->o->network, &co.net, err) < 0)
        goto mounts_fail;
    if (engine_ctr_create(b->st, &co, &c, err) < 0)
        goto mounts_fail;
    fflush(b->o->out);
    if (b->o->quiet) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        saved[0] = fcntl(1, F_DUPFD_CLOEXEC, 3);
        saved[1] = fcntl(2, F_DUPFD_CLOEXEC, 3);
        if (null >= 0) {
            (void) dup2(null, 1);
            (void) dup2(null, 2);
            close(null);
        }
    }
    r = engine_monitor_start(b->st, &c, &so, &code, err);
    for (int i = 0; i < 2; i++)
        if (saved[i] >= 0) {
            (void) dup2(saved[i], i + 1);
            close(saved[i]);
        }
    if (r == 0 && code != 0) {
        r = pcon_fail(err, 0, "while running runtime: exit status %d", code);
        if (b->o->run_status)
            *b->o->run_status = code;
    }
    if (r == 0) {
        struct changes_tar_opts to = { NULL, b->o->timestamp, (const char *const *) skip };
        /* a user namespace of RUN's own (--userns, --userns-uid-map...):
         * its owners given back to the image's, as commit's */
        struct usermap_shift shift;
        struct fs_idshift back = { engine_usermap_unshift, &shift };
        int shifted = engine_usermap_shift(&c.cfg, &shift, err);
        if (shifted > 0)
            to.ids = &back;
        tarfd = shifted < 0 ? -1 : engine_layer_tmpfile(b->st, err);
        r = tarfd < 0 ? -1 : storage_changes_tar(b->st, &s->img, c.cfg.id, tarfd, &to, err);
    }
    {
        struct pcon_err e2 = { 0 };
        if (engine_ctr_remove(b->st, &c, true, &e2) < 0)
            pcon_err_clear(&e2);
    }
    engine_ctr_free(&c);
    run_mounts_free(&mounts);
    if (r < 0)
        return -1;
    hist = xasprintf("/bin/sh -c %s", in->args);
    {
        char created[64];
        created_now(b, created, sizeof created);
        storage_oci_history_add(&s->cfg, created, hist, NULL, false);
    }
    if (state_commit(b, s, tarfd, NULL, err) < 0)
        return -1;
    cache_put(b, key, s->img.id);
    new_image_line(b, s->img.id, false);
    return 0;
mounts_fail:
    run_mounts_free(&mounts);
    return -1;
}

/* --- the stages ------------------------------------------------------------------------ */

/* FROM: the base of the stage (a stage before it, scratch, or an image,
 * pulled when missing) */
/* a FROM image's pull, tried again --retry times (podman's 3), --retry-delay
 * apart (2 s), when it failed on the way (not for a missing image or an
 * authentication, which would fail again) */
static int
pull_retrying(struct build *b, const char *ref, const struct registry_opts *ro, char **name,
              char pulled[65], struct pcon_err *err)
{
    int retries = b->o->retries_set ? b->o->retries : 3;
    int64_t delay = b->o->retry_delay > 0 ? b->o->retry_delay : 2000000000LL;

    for (int attempt = 1;; attempt++) {
        char when[32];
        struct timespec ts = { (time_t) (delay / 1000000000LL), (long) (delay % 1000000000LL) };
        if (registry_pull(b->st, ref, ro, name, pulled, err) == 0)
            return 0;
        if (attempt > retries || err->kind != PCON_ERR_ENGINE || err->errnum == EACCES)
            return -1;
        /* as Go prints a duration: 2s, 500ms */
        if (delay % 1000000000LL == 0)
            snprintf(when, sizeof when, "%llds", (long long) (delay / 1000000000LL));
        else
            snprintf(when, sizeof when, "%lldms", (long long) (delay / 1000000LL));
        {
            cleanup_free char *text = pcon_err_text(err);
            pcon_warn("Failed, retrying in %s ... (%d/%d). Error: %s", when, attempt, retries,
                      text);
        }
        pcon_err_clear(err);
        free(*name);
        *name = NULL;
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
    }
}

static int
step_from(struct build *b, size_t si, struct state *s, struct pcon_err *err)
{
    const struct df_instr *in = &b->df.v[b->stages[si].from];
    cleanup_strv char **w = NULL;
    cleanup_free char *ref = NULL, *keytext = NULL;
    struct image img = { 0 };
    const char *base = NULL;
    bool from_named = false;

    if (dockerfile_expand(in->args, b->global_args, b->df.escape, &ref, err) < 0
        || instr_words(ref, &w, err) < 0)
        return fail_at(in, err);
    if (w[0] == NULL || (w[1] && (strcasecmp(w[1], "AS") != 0 || w[2] == NULL || w[3])))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "line %u: FROM IMAGE [AS NAME]", in->line);
    if (si == 0 && b->o->from) { /* --from: the first FROM's image */
        free(w[0]);
        w[0] = xstrdup(b->o->from);
    }
    {
        bool dir = false;
        const char *named = named_context(b, w[0], &dir);
        if (named && dir)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "line %u: FROM %s: --build-context %s is a directory, not an "
                                  "image",
                                  in->line, w[0], w[0]);
        if (named) {
            free(w[0]);
            w[0] = xstrdup(named);
            from_named = true;
        }
    }
    memset(s, 0, sizeof *s);
    memcpy(s->key, "sha256:", 8);
    if (strcasecmp(w[0], "scratch") == 0) {
        keytext = xstrdup("FROM scratch");
    } else {
        for (size_t i = 0; i < si && !base && !from_named; i++)
            if (b->stages[i].name && strcasecmp(b->stages[i].name, w[0]) == 0)
                base = b->stages[i].image_id;
        {
            cleanup_close int lock = storage_lock(b->st, false, err);
            int r = lock < 0 ? -1 : storage_image_lookup(b->st, base ? base : w[0], &img, err);
            close(lock);
            lock = -1;
            if (r < 0 && err->kind == PCON_ERR_NOTFOUND && !base) {
                struct registry_opts ro = { .tls_verify = -1 };
                if (b->o->reg)
                    ro = *b->o->reg;
                ro.quiet = b->o->quiet;
                cleanup_free char *name = NULL;
                char pulled[65];
                pcon_err_clear(err);
                if (pull_retrying(b, w[0], &ro, &name, pulled, err) < 0)
                    return fail_at(in, err);
                lock = storage_lock(b->st, false, err);
                r = lock < 0 ? -1 : storage_image_lookup(b->st, pulled, &img, err);
            }
            if (r < 0)
                return fail_at(in, err);
        }
        keytext = xasprintf("FROM %s", img.id);
    }
    key_next(s->key, keytext);
    if (img.id[0]) {
        if (state_take(b, s, &img, err) < 0)
            return -1;
    } else {
        s->cfg.architecture = NULL;
        s->cfg.os = xstrdup("linux");
    }
    /* --platform: a base of another platform is not made one by saying so */
    if (b->o->reg && b->o->reg->arch && s->cfg.architecture && *s->cfg.architecture
        && strcmp(b->o->reg->arch, s->cfg.architecture) != 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "line %u: FROM %s is for %s, not %s: pull that platform's image "
                              "first (pull --platform)",
                              in->line, w[0], s->cfg.architecture, b->o->reg->arch);
    s->base_layers = strv_len(s->img.layers);
    /* --env: the image's, from the start (RUN sees it) */
    for (size_t i = 0; b->o->env && b->o->env[i]; i++) {
        const char *eq = strchr(b->o->env[i], '=');
        cleanup_free char *k =
            eq ? xstrndup(b->o->env[i], (size_t) (eq - b->o->env[i])) : xstrdup(b->o->env[i]);
        const char *v = eq ? eq + 1 : getenv(k);
        if (v == NULL)
            continue; /* KEY alone, unset here: as podman, nothing */
        storage_oci_kv_set(&s->cfg.env, k, v);
        cleanup_free char *t = xasprintf("ENV %s=%s", k, v);
        key_next(s->key, t);
        s->dirty = true;
    }
    return 0;
}

static int
step_arg(struct build *b, struct state *s, const struct df_instr *in, struct pcon_err *err)
{
    cleanup_strv char **w = NULL;

    if (instr_words(in->args, &w, err) < 0)
        return fail_at(in, err);
    for (size_t i = 0; w[i]; i++) {
        char *eq = strchr(w[i], '=');
        cleanup_free char *k = eq ? xstrndup(w[i], (size_t) (eq - w[i])) : xstrdup(w[i]);
        const char *v = build_arg(b, k);
        cleanup_free char *dflt = NULL;
        if (!v && eq) {
            cleanup_strv char **vars = step_vars(s);
            if (dockerfile_expand(eq + 1, vars, b->df.escape, &dflt, err) < 0)
                return fail_at(in, err);
            v = dflt;
        }
        /* a global ARG redeclared without a value: the global's */
        if (!v)
            v = var_get(b->global_args, k);
        if (v) {
            storage_oci_kv_set(&s->args, k, v);
            cleanup_free char *t = xasprintf("ARG %s=%s", k, v);
            key_next(s->key, t);
        }
    }
    return 0;
}

static int
step_config(struct build *b, struct state *s, const struct df_instr *in, struct pcon_err *err)
{
    cleanup_free char *args = NULL, *hist = NULL;
    char created[64];

    if (dockerfile_expands(in->keyword)) {
        cleanup_strv char **vars = step_vars(s);
        if (dockerfile_expand(in->args, vars, b->df.escape, &args, err) < 0)
            return fail_at(in, err);
    } else {
        args = xstrdup(in->args);
    }
    if (instr_apply(&s->cfg, in->keyword, args, err) < 0)
        return fail_at(in, err);
    hist = xasprintf("/bin/sh -c #(nop) %s %s", in->keyword, args);
    created_now(b, created, sizeof created);
    storage_oci_history_add(&s->cfg, created, hist, NULL, true);
    key_next(s->key, hist);
    s->dirty = true;
    return 0;
}

/* --- --squash -------------------------------------------------------------------------- */

static bool
dir_opaque(int dfd, const char *name)
{
    cleanup_close int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    char v = 0;

    return fd >= 0 && fgetxattr(fd, "user.overlay.opaque", &v, 1) == 1 && v == 'y';
}

/* A lower layer's tree laid under what merged holds (the layers above):
 * what they have already wins (a file, a whiteout, an opaque directory
 * over everything below it); directories in both merge */
static int
squash_under(int lower, int merged, const char *rel, struct pcon_err *err)
{
    cleanup_close int dup_fd = dup(lower);
    DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
    struct dirent *de;
    int r = 0;

    if (d == NULL)
        return pcon_fail(err, errno, "read layer directory /%s", rel);
    dup_fd = -1;
    while (r == 0 && (de = readdir(d)) != NULL) {
        struct stat ls, ms;
        cleanup_free char *sub = NULL;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
            || fstatat(lower, de->d_name, &ls, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        sub = xasprintf("%s%s%s", rel, *rel ? "/" : "", de->d_name);
        if (fstatat(merged, de->d_name, &ms, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT)
                r = pcon_fail(err, errno, "squash /%s", sub);
            else
                r = fs_copy_at(lower, de->d_name, merged, de->d_name, FS_COPY_OWNER, NULL, err);
        } else if (S_ISDIR(ls.st_mode) && S_ISDIR(ms.st_mode) && !dir_opaque(merged, de->d_name)) {
            cleanup_close int l2 =
                openat(lower, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            cleanup_close int m2 =
                openat(merged, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            r = l2 < 0 || m2 < 0 ? pcon_fail(err, errno, "squash /%s", sub)
                                 : squash_under(l2, m2, sub, err);
        }
    }
    closedir(d);
    return r;
}

/* --squash-all: a base layer hides nothing, so its whiteouts and opaque
 * marks go */
static int
strip_whiteouts(int dfd, struct pcon_err *err)
{
    cleanup_close int dup_fd = dup(dfd);
    DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
    struct dirent *de;
    int r = 0;

    if (d == NULL)
        return pcon_fail(err, errno, "read the squashed layer");
    dup_fd = -1;
    (void) fremovexattr(dfd, "user.overlay.opaque");
    while (r == 0 && (de = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
            || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
            if (unlinkat(dfd, de->d_name, 0) < 0)
                r = pcon_fail(err, errno, "remove a whiteout");
        } else if (S_ISDIR(st.st_mode)) {
            cleanup_close int sub =
                openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            r = sub < 0 ? pcon_fail(err, errno, "open %s", de->d_name) : strip_whiteouts(sub, err);
        }
    }
    closedir(d);
    return r;
}

/* --squash: the layers above the stage's base made one; --squash-all:
 * every layer. The same config, its history's entries (but the last)
 * marked empty: one layer stands for them. */
static int
stage_squash(struct build *b, struct state *s, bool all, struct pcon_err *err)
{
    size_t n = strv_len(s->img.layers), lo = all ? 0 : s->base_layers;
    cleanup_free char *tmpl = NULL;
    cleanup_close int mfd = -1, tarfd = -1;
    struct image hit = { 0 }, base = { 0 };
    struct changes_tar_opts to = { NULL, b->o->timestamp, NULL };
    char *dir = NULL;
    int r = -1;

    if (n <= lo + 1)
        return 0; /* one new layer at most: already as it would be */
    key_next(s->key, all ? "SQUASH ALL" : "SQUASH");
    if (cache_get(b, s->key, &hit))
        return state_take(b, s, &hit, err);
    tmpl = xasprintf("%s/squash-XXXXXX", b->st->graphroot);
    if ((dir = mkdtemp(tmpl)) == NULL)
        return pcon_fail(err, errno, "create a directory to squash the layers in");
    mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mfd < 0) {
        pcon_fail(err, errno, "open %s", dir);
        goto out;
    }
    for (size_t i = n; i-- > lo;) {
        cleanup_free char *p = xasprintf("%s/diff", s->img.layers[i]);
        cleanup_close int lfd = openat(b->st->layers_dfd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (lfd < 0) {
            pcon_fail(err, errno, "open layer %.12s", s->img.layers[i]);
            goto out;
        }
        if (i == n - 1 ? fs_copy_at(lfd, NULL, mfd, NULL, FS_COPY_OWNER, NULL, err) < 0
                       : squash_under(lfd, mfd, "", err) < 0)
            goto out;
    }
    if (all && strip_whiteouts(mfd, err) < 0)
        goto out;
    tarfd = engine_layer_tmpfile(b->st, err);
    if (tarfd < 0 || storage_changes_tar_dir(mfd, tarfd, &to, err) < 0)
        goto out;
    for (size_t i = lo; i < n; i++) {
        free(s->cfg.diff_ids[i]);
        s->cfg.diff_ids[i] = NULL;
    }
    {
        /* the base's entries and the last stay as they were */
        size_t nonempty = 0, base_entries = 0;
        for (size_t i = 0; i < s->cfg.nhistory; i++)
            if (!s->cfg.history[i].empty_layer && nonempty++ < lo)
                base_entries = i + 1;
        for (size_t i = lo ? base_entries : 0; i + 1 < s->cfg.nhistory; i++)
            s->cfg.history[i].empty_layer = true;
    }
    if (lo) {
        /* the base: its layers alone */
        char *kept = s->img.layers[lo];
        s->img.layers[lo] = NULL;
        base.layers = strv_dup(s->img.layers);
        s->img.layers[lo] = kept;
    }
    storage_image_free(&s->img);
    memset(&s->img, 0, sizeof s->img);
    if (lo) {
        memcpy(s->img.id, "squash", 7);
        s->img.layers = steal_ptr(&base.layers);
    }
    r = state_commit(b, s, tarfd, NULL, err);
    if (r == 0)
        cache_put(b, s->key, s->img.id);
out:
    strv_free(base.layers);
    if (dir)
        (void) fs_rm_rf_at(AT_FDCWD, dir, NULL);
    return r;
}

/* the stage's config stored, when a step after its last layer changed it */
static int
stage_finish(struct build *b, struct state *s, bool last, struct pcon_err *err)
{
    struct image hit = { 0 };

    if (last && b->o->unsetenv) {
        for (size_t i = 0; b->o->unsetenv[i]; i++) {
            size_t kl = strlen(b->o->unsetenv[i]);
            cleanup_strv char **kept = NULL;
            for (size_t k = 0; s->cfg.env && s->cfg.env[k]; k++)
                if (strncmp(s->cfg.env[k], b->o->unsetenv[i], kl) != 0 || s->cfg.env[k][kl] != '=')
                    strv_push(&kept, s->cfg.env[k]);
            strv_free(s->cfg.env);
            s->cfg.env = steal_ptr(&kept);
            cleanup_free char *t = xasprintf("UNSETENV %s", b->o->unsetenv[i]);
            key_next(s->key, t);
        }
        s->dirty = true;
    }
    if (last && b->o->reg && (b->o->reg->os || b->o->reg->arch)) {
        /* --platform: what the image says it is for */
        if (b->o->reg->os) {
            free(s->cfg.os);
            s->cfg.os = xstrdup(b->o->reg->os);
        }
        if (b->o->reg->arch) {
            free(s->cfg.architecture);
            s->cfg.architecture = xstrdup(b->o->reg->arch);
        }
        cleanup_free char *t = xasprintf("PLATFORM %s/%s", s->cfg.os ? s->cfg.os : "",
                                         s->cfg.architecture ? s->cfg.architecture : "");
        key_next(s->key, t);
        s->dirty = true;
    }
    if (last && (b->o->os_version || b->o->os_features)) {
        /* what the image says of the OS it needs (as buildah writes them) */
        cleanup_free char *t = NULL;
        if (b->o->os_version) {
            free(s->cfg.os_version);
            s->cfg.os_version = xstrdup(b->o->os_version);
        }
        for (size_t i = 0; b->o->os_features && b->o->os_features[i]; i++) {
            const char *f = b->o->os_features[i];
            size_t n = strlen(f);
            if (n > 1 && f[n - 1] == '-') {
                cleanup_strv char **kept = NULL;
                for (size_t k = 0; s->cfg.os_features && s->cfg.os_features[k]; k++)
                    if (strncmp(s->cfg.os_features[k], f, n - 1) != 0
                        || s->cfg.os_features[k][n - 1] != '\0')
                        strv_push(&kept, s->cfg.os_features[k]);
                strv_free(s->cfg.os_features);
                s->cfg.os_features = steal_ptr(&kept);
            } else if (!strv_contains(s->cfg.os_features, f)) {
                strv_push(&s->cfg.os_features, f);
            }
        }
        t = xasprintf("OS %s %s", b->o->os_version ? b->o->os_version : "",
                      s->cfg.os_features ? "features" : "");
        key_next(s->key, t);
        for (size_t i = 0; s->cfg.os_features && s->cfg.os_features[i]; i++)
            key_next(s->key, s->cfg.os_features[i]);
        s->dirty = true;
    }
    if (last && b->o->omit_history && s->cfg.nhistory) {
        for (size_t i = 0; i < s->cfg.nhistory; i++) {
            free(s->cfg.history[i].created);
            free(s->cfg.history[i].created_by);
            free(s->cfg.history[i].comment);
            free(s->cfg.history[i].author);
        }
        free(s->cfg.history);
        s->cfg.history = NULL;
        s->cfg.nhistory = 0;
        key_next(s->key, "OMIT HISTORY");
        s->dirty = true;
    }
    if (last && b->o->labels) {
        for (size_t i = 0; b->o->labels[i]; i++) {
            const char *eq = strchr(b->o->labels[i], '=');
            cleanup_free char *k = eq ? xstrndup(b->o->labels[i], (size_t) (eq - b->o->labels[i]))
                                      : xstrdup(b->o->labels[i]);
            storage_oci_kv_set(&s->cfg.labels, k, eq ? eq + 1 : "");
            key_next(s->key, b->o->labels[i]);
        }
        s->dirty = true;
    }
    if (!s->dirty)
        return 0;
    if (cache_get(b, s->key, &hit))
        return state_take(b, s, &hit, err);
    if (s->img.id[0] == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "the stage has no layer: an image needs at least one file");
    if (state_commit(b, s, -1, NULL, err) < 0)
        return -1;
    cache_put(b, s->key, s->img.id);
    return 0;
}

/* one instruction after FROM */
static int
step_do(struct build *b, struct state *s, const struct df_instr *in, struct pcon_err *err)
{
    if (strcmp(in->keyword, "ARG") == 0)
        return step_arg(b, s, in, err);
    if (strcmp(in->keyword, "RUN") == 0)
        return step_run(b, s, in, err);
    if (strcmp(in->keyword, "COPY") == 0 || strcmp(in->keyword, "ADD") == 0)
        return step_copy(b, s, in, strcmp(in->keyword, "ADD") == 0, err);
    return step_config(b, s, in, err);
}

/* The FROM image's ONBUILD triggers, run as the stage's first steps (as
 * Docker's): consumed, the image made of them has none of its own */
static int
onbuild_run(struct build *b, struct state *s, struct pcon_err *err)
{
    cleanup_strv char **triggers = steal_ptr(&s->cfg.onbuild);
    struct dockerfile df = { 0 };
    cleanup_free char *text = NULL;
    int r = 0;

    if (triggers == NULL)
        return 0;
    s->dirty = true;
    key_next(s->key, "ONBUILD CONSUMED");
    for (size_t i = 0; triggers[i]; i++) {
        cleanup_free char *word = xstrndup(triggers[i], strcspn(triggers[i], " \t"));
        /* what Docker refuses in a trigger */
        if (strcasecmp(word, "ONBUILD") == 0 || strcasecmp(word, "FROM") == 0
            || strcasecmp(word, "MAINTAINER") == 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "the base image's ONBUILD %s: %s is not allowed as a trigger",
                                  triggers[i], word);
        xappendf(&text, "%s\n", triggers[i]);
    }
    if (text == NULL || dockerfile_parse(text, &df, err) < 0)
        return text ? pcon_prefix(err, "the base image's ONBUILD triggers") : 0;
    for (size_t i = 0; i < df.n && r == 0; i++) {
        if (!b->o->quiet)
            fprintf(b->o->out, "ONBUILD %s %s\n", df.v[i].keyword, df.v[i].args);
        if ((r = step_do(b, s, &df.v[i], err)) < 0)
            pcon_prefix(err, "the base image's ONBUILD %s", df.v[i].keyword);
    }
    dockerfile_free(&df);
    return r;
}

static int
stage_run(struct build *b, size_t si, bool last, struct pcon_err *err)
{
    struct stage *sg = &b->stages[si];
    struct state s = { 0 };
    int r = -1;

    b->stepno = 0;
    b->nsteps = (int) (sg->end - sg->from);
    b->stage_pos++;
    {
        cleanup_free char *shown = NULL;
        if (dockerfile_expand(b->df.v[sg->from].args, b->global_args, b->df.escape, &shown, err)
            < 0)
            goto out;
        step_line(b, &b->df.v[sg->from], shown);
    }
    if (step_from(b, si, &s, err) < 0 || onbuild_run(b, &s, err) < 0)
        goto out;
    for (size_t i = sg->from + 1; i < sg->end; i++) {
        const struct df_instr *in = &b->df.v[i];
        int k;
        step_line(b, in, NULL);
        k = step_do(b, &s, in, err);
        if (k < 0) {
            if (strstr(err->msg, "building at STEP") == NULL)
                fail_at(in, err);
            goto out;
        }
    }
    if (stage_finish(b, &s, last, err) < 0)
        goto out;
    if (last && (b->o->squash || b->o->squash_all)
        && stage_squash(b, &s, b->o->squash_all, err) < 0)
        goto out;
    memcpy(sg->image_id, s.img.id, 65);
    sg->built = true;
    r = 0;
out:
    storage_image_free(&s.img);
    storage_oci_config_free(&s.cfg);
    strv_free(s.args);
    return r;
}

/* the stages stage si builds on: its FROM's, its COPY --from's and its
 * RUN --mount from='s (dep[k] set for each) */
static void
stage_deps(const struct build *b, size_t si, bool *dep)
{
    const struct stage *sg = &b->stages[si];

    for (size_t i = sg->from; i < sg->end; i++) {
        const struct df_instr *in = &b->df.v[i];
        cleanup_strv char **w = NULL, **refs = NULL;
        if (i == sg->from && instr_words(in->args, &w, NULL) == 0 && w[0])
            strv_push(&refs, w[0]);
        for (size_t f = 0; i != sg->from && in->flags && in->flags[f]; f++) {
            const char *fl = in->flags[f], *at;
            if (strncmp(fl, "--from=", 7) == 0)
                strv_push(&refs, fl + 7);
            else if (strncmp(fl, "--mount=", 8) == 0 && (at = strstr(fl, "from=")) != NULL
                     && (at[-1] == ',' || at[-1] == '=')) {
                cleanup_free char *v = xstrndup(at + 5, strcspn(at + 5, ","));
                strv_push(&refs, v);
            }
        }
        for (size_t r = 0; refs && refs[r]; r++) {
            bool named_dir;
            if (named_context(b, refs[r], &named_dir))
                continue; /* --build-context NAME wins */
            for (size_t k = 0; k < si; k++) {
                char *end;
                unsigned long idx = strtoul(refs[r], &end, 10);
                if ((b->stages[k].name && strcasecmp(b->stages[k].name, refs[r]) == 0)
                    || (*end == '\0' && idx == k && i != sg->from))
                    dep[k] = true;
            }
        }
    }
}

/* the stages the target needs: itself, those it builds on */
static void
mark_needed(struct build *b, size_t si)
{
    struct stage *sg = &b->stages[si];
    cleanup_free bool *dep = NULL;

    if (sg->needed)
        return;
    sg->needed = true;
    dep = xzalloc(b->nstages * sizeof *dep);
    stage_deps(b, si, dep);
    for (size_t k = 0; k < si; k++)
        if (dep[k])
            mark_needed(b, k);
}

/* what a stage built in a child of its own says back */
struct stage_result {
    int errnum, kind, run_status;
    char id[65];
    char msg[512];
};

/* The needed stages up to target, jobs at a time: each in a child of its
 * own (its own mount namespace and directory for its mounts) once the
 * stages it builds on are built. A failure lets the others end, then is
 * the build's. */
static int
stages_parallel(struct build *b, size_t target, int jobs, struct pcon_err *err)
{
    struct running {
        pid_t pid;
        int fd;
        size_t si;
    } *run = xzalloc((size_t) jobs * sizeof *run);
    cleanup_free int *pos = xzalloc(b->nstages * sizeof *pos);
    cleanup_free bool *started = xzalloc(b->nstages * sizeof *started);
    int nrun = 0, p = 0;
    bool failed = false;

    for (size_t i = 0; i <= target; i++)
        pos[i] = b->stages[i].needed ? p++ : 0;
    for (;;) {
        /* start what can start */
        for (size_t si = 0; si <= target && nrun < jobs && !failed; si++) {
            cleanup_free bool *dep = NULL;
            bool ready = b->stages[si].needed && !started[si];
            int pfd[2];
            pid_t pid;
            if (!ready)
                continue;
            dep = xzalloc(b->nstages * sizeof *dep);
            stage_deps(b, si, dep);
            for (size_t k = 0; k < si && ready; k++)
                ready = !dep[k] || b->stages[k].built;
            if (!ready)
                continue;
            if (pipe2(pfd, O_CLOEXEC) < 0) {
                pcon_fail(err, errno, "build stage %zu", si + 1);
                failed = true;
                break;
            }
            fflush(b->o->out);
            fflush(stderr);
            if ((pid = fork()) < 0) {
                close(pfd[0]);
                close(pfd[1]);
                pcon_fail(err, errno, "build stage %zu", si + 1);
                failed = true;
                break;
            }
            if (pid == 0) {
                struct stage_result res = { 0 };
                struct pcon_err e = { 0 };
                int status = 0;
                char *tmp = xasprintf("%s/s%zu", b->tmp, si);
                close(pfd[0]);
                b->tmp = tmp;
                b->stage_pos = pos[si];
                if (b->o->run_status)
                    *b->o->run_status = 0;
                if (mkdir(tmp, 0700) < 0 || unshare(CLONE_NEWNS) < 0
                    || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                    pcon_fail(&e, errno, "set up stage %zu", si + 1);
                else if (stage_run(b, si, si == target, &e) == 0)
                    memcpy(res.id, b->stages[si].image_id, sizeof res.id);
                if (e.msg) {
                    res.errnum = e.errnum;
                    res.kind = (int) e.kind;
                    snprintf(res.msg, sizeof res.msg, "%s", e.msg);
                    status = 1;
                }
                res.run_status = b->o->run_status ? *b->o->run_status : 0;
                fflush(b->o->out);
                if (write(pfd[1], &res, sizeof res) != (ssize_t) sizeof res)
                    status = 1;
                _exit(status);
            }
            close(pfd[1]);
            started[si] = true;
            run[nrun++] = (struct running){ pid, pfd[0], si };
        }
        if (nrun == 0)
            break;
        /* one of them ends */
        {
            int status;
            pid_t pid = TEMP_FAILURE_RETRY_INT(waitpid(-1, &status, 0));
            struct stage_result res = { 0 };
            int k;
            for (k = 0; k < nrun && run[k].pid != pid; k++)
                ;
            if (pid < 0 || k == nrun) {
                if (pid < 0 && !failed) {
                    pcon_fail(err, errno, "wait for the stages");
                    failed = true;
                }
                if (pid < 0)
                    break;
                continue; /* not one of ours */
            }
            if (TEMP_FAILURE_RETRY_INT(read(run[k].fd, &res, sizeof res)) != (ssize_t) sizeof res)
                snprintf(res.msg, sizeof res.msg, "stage %zu ended before it said how",
                         run[k].si + 1);
            close(run[k].fd);
            if (res.msg[0] && !failed) {
                pcon_fail_kind(err, (enum pcon_errkind) res.kind, res.errnum, "%s", res.msg);
                if (b->o->run_status && res.run_status)
                    *b->o->run_status = res.run_status;
                failed = true;
            } else if (!res.msg[0]) {
                memcpy(b->stages[run[k].si].image_id, res.id, sizeof res.id);
                b->stages[run[k].si].built = true;
            }
            run[k] = run[--nrun];
        }
    }
    free(run);
    if (!failed && !b->stages[target].built)
        return pcon_fail(err, 0, "the target stage was not built");
    return failed ? -1 : 0;
}

static int
stages_split(struct build *b, struct pcon_err *err)
{
    size_t i = 0;

    /* ARGs before the first FROM are the FROM lines' */
    for (; i < b->df.n && strcmp(b->df.v[i].keyword, "FROM") != 0; i++) {
        cleanup_strv char **w = NULL;
        if (strcmp(b->df.v[i].keyword, "ARG") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "line %u: no FROM before %s (only ARG may come first)",
                                  b->df.v[i].line, b->df.v[i].keyword);
        if (instr_words(b->df.v[i].args, &w, err) < 0)
            return -1;
        for (size_t k = 0; w[k]; k++) {
            char *eq = strchr(w[k], '=');
            cleanup_free char *key = eq ? xstrndup(w[k], (size_t) (eq - w[k])) : xstrdup(w[k]);
            const char *v = build_arg(b, key);
            if (v || eq)
                storage_oci_kv_set(&b->global_args, key, v ? v : eq + 1);
        }
    }
    if (i == b->df.n)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "the Dockerfile has no FROM");
    for (; i < b->df.n; i++) {
        if (strcmp(b->df.v[i].keyword, "FROM") != 0)
            continue;
        cleanup_strv char **w = NULL;
        b->stages = xrealloc(b->stages, (b->nstages + 1) * sizeof *b->stages);
        memset(&b->stages[b->nstages], 0, sizeof *b->stages);
        b->stages[b->nstages].from = i;
        if (b->nstages > 0)
            b->stages[b->nstages - 1].end = i;
        if (instr_words(b->df.v[i].args, &w, NULL) == 0 && w[0] && w[1] && w[2]
            && strcasecmp(w[1], "AS") == 0)
            b->stages[b->nstages].name = xstrdup(w[2]);
        b->nstages++;
    }
    b->stages[b->nstages - 1].end = b->df.n;
    return 0;
}

/* A Containerfile named *.in, run through cpp(1) as buildah does: "-E
 * -iquote CONTEXT -traditional -undef -", then --cpp-flag's; the text on
 * stdin, the result in place of it. cpp runs as the user on the host: what
 * it includes is read with the user's rights, as podman's. */
static int
preprocess(const char *file, const char *context, char *const *flags, char **text,
           struct pcon_err *err)
{
    cleanup_close int in = memfd_create("pcon-containerfile", MFD_CLOEXEC);
    cleanup_strv char **argv = NULL;
    cleanup_free char *out = NULL;
    int p[2], code;
    pid_t pid;

    if (in < 0 || fs_write_all(in, *text, strlen(*text)) < 0 || lseek(in, 0, SEEK_SET) < 0)
        return pcon_fail(err, errno, "preprocessing %s", file);
    for (const char *const *a = (const char *const[]){ "cpp", "-E", "-iquote", context,
                                                       "-traditional", "-undef", "-", NULL };
         *a; a++)
        strv_push(&argv, *a);
    for (size_t i = 0; flags && flags[i]; i++)
        strv_push(&argv, flags[i]);
    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "preprocessing %s", file);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        extern char **environ;
        if (dup2(in, 0) < 0 || dup2(p[1], 1) < 0)
            _exit(126);
        _exit(proc_execvpe("cpp", argv, environ, getenv("PATH")) == ENOENT ? 127 : 126);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return pcon_fail(err, errno, "preprocessing %s", file);
    }
    out = fs_read_fd(p[0], DOCKERFILE_MAX + 1, NULL, NULL);
    close(p[0]);
    code = proc_wait_exit(pid, NULL);
    if (code == 127)
        return pcon_fail_kind(err, PCON_ERR_USAGE, ENOENT,
                              "preprocessing %s: .in support requires cpp to be installed", file);
    /* as buildah: a failure that still gave text is cpp's warning, on stderr */
    if (out == NULL || *out == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "preprocessing %s: preprocessor produced no output (exit %d)", file,
                              code);
    free(*text);
    *text = steal_ptr(&out);
    return 0;
}

/* --output: the result's files into a directory (type=local,dest=DIR, or
 * DIR) or a tar (type=tar,dest=FILE; "-": stdout), as buildah writes them:
 * the image's merged tree, owned by the user */
int
builder_output_parse(const char *spec, bool *tar, char **dest, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(spec);
    const char *type = "local", *d = NULL;

    if (strcmp(spec, "-") == 0) {
        type = "tar";
        d = "-";
    } else if (strncmp(spec, "type=", 5) == 0) {
        char *save = NULL;
        for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            if (strncmp(kv, "type=", 5) == 0)
                type = kv + 5;
            else if (strncmp(kv, "dest=", 5) == 0)
                d = kv + 5;
            else
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--output: unknown option \"%s\"",
                                      kv);
        }
    } else {
        d = spec;
    }
    if (strcmp(type, "local") != 0 && strcmp(type, "tar") != 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--output: type \"%s\": local (a directory) or tar", type);
    if (d == NULL || *d == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--output %s: no dest", spec);
    *tar = strcmp(type, "tar") == 0;
    *dest = xstrdup(d);
    return 0;
}

static int
output_write(struct build *b, const char *id, const char *spec, struct pcon_err *err)
{
    cleanup_free char *mnt = xasprintf("%s/out", b->tmp), *dest = NULL;
    struct changes_tar_opts to = { NULL, b->o->timestamp, NULL };
    cleanup_close int rootfd = -1, dfd = -1, fd = -1;
    struct image img = { 0 };
    bool mounted = false, tar;
    int r = -1;

    if (builder_output_parse(spec, &tar, &dest, err) < 0)
        return -1;
    {
        cleanup_close int lock = storage_lock(b->st, false, err);
        if (lock < 0 || storage_image_lookup(b->st, id, &img, err) < 0)
            return -1;
    }
    if (mkdir(mnt, 0700) < 0 && errno != EEXIST) {
        pcon_fail(err, errno, "create %s", mnt);
        goto out;
    }
    if (strv_len(img.layers) > 0) {
        if (storage_image_mount_ro(b->st, &img, mnt, err) < 0)
            goto out;
        mounted = true;
    }
    rootfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        pcon_fail(err, errno, "open the image's files");
        goto out;
    }
    if (!tar) {
        if (fs_mkdir_p(dest, 0755, err) < 0)
            goto out;
        dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
            pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--output %s", dest);
            goto out;
        }
        r = fs_copy_tree(rootfd, dfd, 0, err);
    } else {
        fd = strcmp(dest, "-") == 0 ? dup(1)
                                    : open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            pcon_fail_kind(err, PCON_ERR_USAGE, errno, "--output %s", dest);
            goto out;
        }
        r = storage_changes_tar_dir(rootfd, fd, &to, err);
    }
    if (r < 0)
        pcon_prefix(err, "--output %s", spec);
out:
    if (mounted)
        (void) umount2(mnt, MNT_DETACH);
    storage_image_free(&img);
    return r;
}

int
builder_build(struct store *st, const struct build_opts *o, char id_out[65], struct pcon_err *err)
{
    struct build b = { .st = st, .o = o, .ctxfd = -1 };
    cleanup_free char *text = NULL, *tmpl = NULL;
    size_t target;
    int r = -1;

    b.now_ns = time_now_ns();
    b.ctxfd = open(o->context, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b.ctxfd < 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, errno, "the build context %s", o->context);
    if (o->file && strcmp(o->file, "-") == 0) {
        text = fs_read_fd(0, DOCKERFILE_MAX + 1, NULL, err); /* -f -: from stdin */
        if (text == NULL) {
            err->kind = PCON_ERR_USAGE;
            goto out;
        }
    } else if (o->file) {
        size_t n = strlen(o->file);
        text = fs_read_all(AT_FDCWD, o->file, DOCKERFILE_MAX + 1, NULL, err);
        if (text == NULL) {
            err->kind = PCON_ERR_USAGE;
            goto out;
        }
        if (n > 3 && strcmp(o->file + n - 3, ".in") == 0
            && preprocess(o->file, o->context, o->cpp_flags, &text, err) < 0)
            goto out;
    } else {
        static const char *const names[] = { "Containerfile", "Dockerfile" };
        for (size_t i = 0; i < 2 && text == NULL; i++) {
            cleanup_close int fd = fs_open_regular_in_root(b.ctxfd, names[i], NULL);
            text = fd >= 0 ? fs_read_fd(fd, DOCKERFILE_MAX + 1, NULL, NULL) : NULL;
        }
        if (text == NULL) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "no Containerfile or Dockerfile in %s",
                           o->context);
            goto out;
        }
    }
    if (contexts_check(&b, err) < 0 || dockerfile_parse(text, &b.df, err) < 0
        || stages_split(&b, err) < 0)
        goto out;
    if (ignore_load(&b, err) < 0)
        goto out;
    target = b.nstages - 1;
    if (o->target) {
        size_t i;
        for (i = 0; i < b.nstages; i++)
            if (b.stages[i].name && strcasecmp(b.stages[i].name, o->target) == 0)
                break;
        if (i == b.nstages) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "the target stage %s is not in the Dockerfile",
                           o->target);
            goto out;
        }
        target = i;
    }
    mark_needed(&b, target);
    for (size_t i = 0; !o->skip_unused && i <= target; i++)
        mark_needed(&b, i); /* --skip-unused-stages=false: every stage up to the target */
    for (size_t i = 0; i <= target; i++)
        b.nstages_needed += b.stages[i].needed;
    /* its own mount namespace: the images it reads are mounted there */
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
        pcon_fail(err, errno, "create the build's mount namespace");
        goto out;
    }
    tmpl = xasprintf("%s/build-XXXXXX", st->runroot);
    b.tmp = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
    if (b.tmp == NULL) {
        pcon_fail(err, errno, "create a directory for the build");
        goto out;
    }
    if (o->jobs > 1 && b.nstages_needed > 1) {
        if (stages_parallel(&b, target, o->jobs, err) < 0)
            goto out;
    } else
        for (size_t i = 0; i <= target; i++)
            if (b.stages[i].needed && stage_run(&b, i, i == target, err) < 0)
                goto out;
    memcpy(id_out, b.stages[target].image_id, 65);
    intermediate_mark(&b, id_out, false); /* the result: listed */
    if (o->tags && !o->quiet)
        fprintf(o->out, "COMMIT %s\n", o->tags[0]);
    if (!o->quiet)
        fprintf(o->out, "--> %.11s\n", id_out);
    for (size_t i = 0; o->tags && o->tags[i]; i++) {
        cleanup_free char *canon = NULL;
        struct image img = { 0 };
        cleanup_close int lock = -1;
        if (engine_image_name_canon(o->tags[i], &canon, err) < 0)
            goto out;
        lock = storage_lock(st, true, err);
        if (lock < 0 || storage_image_lookup(st, id_out, &img, err) < 0
            || storage_image_tag(st, &img, canon, err) < 0) {
            storage_image_free(&img);
            goto out;
        }
        storage_image_free(&img);
        if (!o->quiet)
            fprintf(o->out, "Successfully tagged %s\n", canon);
    }
    if (o->iidfile) {
        cleanup_free char *t = xasprintf("sha256:%s", id_out);
        if (fs_write_atomic_path(o->iidfile, t, strlen(t), 0644, false, err) < 0)
            goto out;
    }
    if (o->output && output_write(&b, id_out, o->output, err) < 0)
        goto out;
    r = 0;
out:
    if (b.tmp) {
        cleanup_free char *a = xasprintf("%s/img", b.tmp), *f = xasprintf("%s/from", b.tmp);
        /* (a stage's child had its mounts in a namespace of its own) */
        (void) umount2(a, MNT_DETACH);
        (void) umount2(f, MNT_DETACH);
        for (int i = 0; i < 64; i++) {
            cleanup_free char *mp = xasprintf("%s/m%d", b.tmp, i);
            (void) umount2(mp, MNT_DETACH);
        }
        (void) fs_rm_rf_at(AT_FDCWD, b.tmp, NULL);
        free(b.tmp);
    }
    if (b.ctxfd >= 0)
        close(b.ctxfd);
    dockerfile_free(&b.df);
    for (size_t i = 0; i < b.nstages; i++)
        free(b.stages[i].name);
    free(b.stages);
    strv_free(b.global_args);
    strv_free(b.ignore);
    return r;
}

int
builder_squash(struct store *st, const char *id, char id_out[65], struct pcon_err *err)
{
    struct build_opts o = { .timestamp = -1, .no_cache = true };
    struct build b = { .st = st, .o = &o, .ctxfd = -1 };
    struct state s = { 0 };
    struct image img = { 0 };
    int r = -1;

    b.now_ns = time_now_ns();
    {
        cleanup_close int lock = storage_lock(st, false, err);
        if (lock < 0 || storage_image_lookup(st, id, &img, err) < 0)
            return -1;
    }
    if (state_take(&b, &s, &img, err) < 0)
        goto out;
    if (stage_squash(&b, &s, true, err) < 0)
        goto out;
    memcpy(id_out, s.img.id, 65);
    r = 0;
out:
    storage_image_free(&img);
    storage_image_free(&s.img);
    storage_oci_config_free(&s.cfg);
    strv_free(s.args);
    return r;
}
