// SPDX-License-Identifier: Apache-2.0
/* A container's own user namespace: its maps, their shift, keep-id's
 * user. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/lock.h"
#include "../lib/proc.h"
#include "../storage/image.h"
#include "container.h"
#include "usermap.h"
#include "userns.h"

#define AUTO_MIN_SIZE 1024
#define LOCK_NAME     "userns.lock"

enum userns_kind { USERNS_HOST = 0, USERNS_KEEP_ID, USERNS_NOMAP, USERNS_AUTO, USERNS_PATH };

struct userns_spec {
    enum userns_kind kind;
    unsigned long uid, gid, size;
    bool uid_set, gid_set, size_set;
};

static int
number_opt(const char *v, unsigned long *out, bool *set)
{
    char *end;

    if (*v < '0' || *v > '9')
        return -1;
    errno = 0;
    *out = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0' || *out > 0xfffffffeUL)
        return -1;
    *set = true;
    return 0;
}

/* podman's words: "keep-id[:uid=N,gid=N]", "nomap", "auto[:size=N]" */
static int
userns_parse(const char *mode, struct userns_spec *s, struct pcon_err *err)
{
    const char *colon = strchr(mode, ':');
    size_t n = colon ? (size_t) (colon - mode) : strlen(mode);
    cleanup_free char *opts = colon ? xstrdup(colon + 1) : NULL;
    char *save = NULL;

    memset(s, 0, sizeof *s);
    if (n == 0 || (n == 4 && strncmp(mode, "host", 4) == 0 && !colon))
        s->kind = USERNS_HOST;
    else if (n == 7 && strncmp(mode, "keep-id", 7) == 0)
        s->kind = USERNS_KEEP_ID;
    else if (n == 5 && strncmp(mode, "nomap", 5) == 0 && !colon)
        s->kind = USERNS_NOMAP;
    else if (n == 4 && strncmp(mode, "auto", 4) == 0)
        s->kind = USERNS_AUTO;
    else if (n == 2 && strncmp(mode, "ns", 2) == 0) {
        if (!colon || colon[1] != '/')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "--userns ns: needs the absolute path of a user namespace");
        s->kind = USERNS_PATH;
        return 0;
    } else
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "unrecognized namespace mode %s passed",
                              mode);
    for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
        int r = -1;
        if (s->kind == USERNS_KEEP_ID && strncmp(o, "uid=", 4) == 0)
            r = number_opt(o + 4, &s->uid, &s->uid_set);
        else if (s->kind == USERNS_KEEP_ID && strncmp(o, "gid=", 4) == 0)
            r = number_opt(o + 4, &s->gid, &s->gid_set);
        else if (s->kind == USERNS_AUTO && strncmp(o, "size=", 5) == 0)
            r = number_opt(o + 5, &s->size, &s->size_set);
        if (r < 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --userns option \"%s\"", o);
    }
    if (s->kind == USERNS_AUTO && s->size_set && s->size == 0)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "--userns auto: size must be positive");
    return 0;
}

/* pcon's user namespace, as the caller (inside it) sees it: its size and
 * the invoking user's id outside */
static int
own_namespace(const char *file, unsigned long *size, unsigned long *host_id, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, file, 65536, NULL, NULL);
    struct idmap m;
    long first;

    if (text == NULL)
        return pcon_fail(err, errno, "read %s", file);
    if (engine_idmap_parse(text, &m, err) < 0)
        return -1;
    *size = engine_idmap_size(&m);
    first = m.n > 0 && m.e[0].inner == 0 ? (long) m.e[0].outer : 0;
    *host_id = (unsigned long) first;
    if (*size > 0xffffffffUL)
        *size = 0xffffffffUL;
    return 0;
}

static bool
same_file(int a, int b)
{
    struct stat sa, sb;

    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev
           && sa.st_ino == sb.st_ino;
}

/* A child joins the namespace and reads its own maps, which are then
 * given against the namespace's parent, here pcon's: "uid" then "gid"
 * text, NUL-separated, through a pipe. */
static char *
maps_read(int nsfd, size_t *len, struct pcon_err *err)
{
    int p[2];
    pid_t pid;
    char *text;

    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create a pipe"), NULL;
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return pcon_fail(err, e, "fork"), NULL;
    }
    if (pid == 0) {
        cleanup_free char *u = NULL, *g = NULL;
        close(p[0]);
        if (setns(nsfd, CLONE_NEWUSER) < 0)
            _exit(1);
        u = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 65536, NULL, NULL);
        g = fs_read_all(AT_FDCWD, "/proc/self/gid_map", 65536, NULL, NULL);
        if (u == NULL || g == NULL || fs_write_all(p[1], u, strlen(u) + 1) < 0
            || fs_write_all(p[1], g, strlen(g) + 1) < 0)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    text = fs_read_fd(p[0], 1 << 17, len, NULL);
    close(p[0]);
    if (proc_wait_exit(pid, NULL) != 0) {
        free(text);
        return pcon_fail(err, EPERM, "join the user namespace"), NULL;
    }
    return text;
}

int
engine_usermap_open_path(const char *path, char ***uidmap, char ***gidmap, struct pcon_err *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    cleanup_close int own = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    cleanup_close int parent = -1;
    cleanup_free char *text = NULL;
    struct idmap um = { 0 }, gm = { 0 };
    size_t len = 0;

    *uidmap = *gidmap = NULL;
    if (fd < 0)
        return pcon_fail(err, errno, "open user namespace \"%s\"", path);
    if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWUSER)
        return pcon_fail(err, EINVAL, "\"%s\" is not a user namespace", path);
    parent = ioctl(fd, NS_GET_PARENT);
    if (own < 0 || parent < 0 || !same_file(parent, own))
        return pcon_fail(err, parent < 0 && errno != EPERM ? errno : EINVAL,
                         "user namespace \"%s\" is not a child of pcon's (one made in a "
                         "container or by pcon unshare)",
                         path);
    text = maps_read(fd, &len, err);
    if (text == NULL)
        return pcon_prefix(err, "user namespace \"%s\"", path);
    if (memchr(text, '\0', len) == NULL || engine_idmap_parse(text, &um, err) < 0
        || engine_idmap_parse(text + strlen(text) + 1, &gm, err) < 0 || um.n == 0 || gm.n == 0)
        return pcon_fail(err, EINVAL, "user namespace \"%s\" has no id maps", path);
    *uidmap = engine_idmap_to_specs(&um);
    *gidmap = engine_idmap_to_specs(&gm);
    return steal_fd(&fd);
}

/* the largest id the image's /etc/passwd or /etc/group names (the top
 * layer that has them) */
static unsigned long
image_max_id(struct store *st, const struct image *img)
{
    static const char *const files[] = { "etc/passwd", "etc/group" };
    unsigned long max = 0;

    for (size_t f = 0; f < 2; f++)
        for (size_t i = strv_len(img->layers); i-- > 0;) {
            cleanup_free char *dir = xasprintf("%s/diff", img->layers[i]);
            cleanup_close int dfd = openat(st->layers_dfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
            cleanup_close int fd = dfd < 0 ? -1 : fs_open_regular_in_root(dfd, files[f], NULL);
            cleanup_free char *text = fd < 0 ? NULL : fs_read_fd(fd, 4 << 20, NULL, NULL);
            char *save = NULL;

            if (text == NULL)
                continue;
            for (char *line = strtok_r(text, "\n", &save); line;
                 line = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                unsigned long id = c2 ? strtoul(c2 + 1, NULL, 10) : 0;
                char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
                if (id < 65536 && id > max && id != 65534)
                    max = id;
                id = f == 0 && c3 ? strtoul(c3 + 1, NULL, 10) : 0;
                if (id < 65536 && id > max && id != 65534)
                    max = id;
            }
            break;
        }
    return max;
}

/* the lowest slice of size ids from 1 on that no other container's maps
 * touch (those that map the whole namespace, keep-id's, do not count) */
static int
auto_slice(struct store *st, unsigned long ns_size, unsigned long size, struct idmap *out,
           struct pcon_err *err)
{
    struct container *all = NULL;
    size_t n = 0;
    unsigned long base = 1;
    int r = -1;

    if (engine_ctr_list(st, &all, &n, err) < 0)
        return -1;
    for (bool moved = true; moved;) {
        moved = false;
        if (engine_idmap_range(ns_size, base, size, out, err) < 0) {
            pcon_fail(err, ENOSPC, "no %lu free ids are left for --userns auto", size);
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            struct idmap other = { 0 };
            for (size_t k = 0; all[i].cfg.uidmap && all[i].cfg.uidmap[k]; k++)
                (void) engine_idmap_add_spec(&other, all[i].cfg.uidmap[k], ns_size, NULL);
            if (other.n == 0 || engine_idmap_to_inner(&other, 0) >= 0
                || !engine_idmap_overlap(out, &other))
                continue;
            for (size_t k = 0; k < other.n; k++)
                if (other.e[k].outer + other.e[k].count > base && other.e[k].outer < base + size) {
                    base = other.e[k].outer + other.e[k].count;
                    moved = true;
                }
        }
    }
    r = 0;
out:
    engine_ctr_list_free(all, n);
    return r;
}

static int
maps_from_specs(char *const *specs, unsigned long size, struct idmap *m, struct pcon_err *err)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; specs && specs[i]; i++)
        if (engine_idmap_add_spec(m, specs[i], size, err) < 0) {
            err->kind = PCON_ERR_USAGE;
            return -1;
        }
    return 0;
}

/* --subuidname NAME (uid) or --subgidname: NAME's ranges in /etc/subuid
 * (host ids), one after the other from container id 0, as podman's; each
 * must be among the ids pcon's user namespace (file: its map) has, and is
 * given as that namespace's ids ("CTR:HOST:SIZE", as --uidmap's). Podman
 * 4.3 takes the host ids for its own namespace's and fails. */
static int
subid_specs(const char *name, bool uid, const char *file, char ***specs, struct pcon_err *err)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, file, 65536, NULL, NULL);
    struct idrange r[IDMAP_MAX];
    unsigned long ctr = 0;
    struct idmap own;
    int n;

    if (text == NULL)
        return pcon_fail(err, errno, "read %s", file);
    if (engine_idmap_parse(text, &own, err) < 0)
        return -1;
    n = engine_subid_ranges_of(name, uid, r, IDMAP_MAX, err);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        long in = engine_idmap_to_inner(&own, r[i].start);
        long last = r[i].count ? engine_idmap_to_inner(&own, r[i].start + r[i].count - 1) : -1;
        if (in < 0 || last != in + (long) r[i].count - 1)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "%s of \"%s\" (%lu-%lu) is not among this user's subordinate ids:"
                                  " only those can be mapped",
                                  uid ? "the subuid range" : "the subgid range", name, r[i].start,
                                  r[i].start + r[i].count - 1);
        strv_push_take(specs, xasprintf("%lu:%ld:%lu", ctr, in, r[i].count));
        ctr += r[i].count;
    }
    return 0;
}

/* another container's user namespace, joined: its maps (and keep-id's user) */
static int
userns_inherit(struct store *st, struct ctr_config *g, const char *other, bool pod,
               const struct engine_create_opts *o, struct pcon_err *err)
{
    struct container c;
    unsigned long uid, gid;
    int r = 0;

    if (engine_ctr_load(st, other, &c, err) < 0)
        return pcon_prefix(err, "user namespace of container %s", other);
    if (c.cfg.uidmap == NULL) {
        if (!pod)
            r = pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                               "container %s has no user namespace of its own to join", c.cfg.name);
        engine_ctr_free(&c);
        return r < 0 ? -1 : 0;
    }
    g->uidmap = strv_dup(c.cfg.uidmap);
    g->gidmap = strv_dup(c.cfg.gidmap);
    g->userns_from = xstrdup(c.cfg.id);
    /* a pod's members are its keep-id user too, unless told otherwise */
    if (engine_usermap_keep_id(&c.cfg, &uid, &gid)) {
        g->userns = xstrdup(c.cfg.userns);
        if (o->user == NULL) {
            free(g->user);
            g->user = xasprintf("%lu:%lu", uid, gid);
        }
    } else {
        g->userns = xasprintf("container:%s", c.cfg.id);
    }
    engine_ctr_free(&c);
    return 1;
}

int
engine_usermap_configure(struct store *st, struct ctr_config *g, const struct image *img,
                         const struct engine_create_opts *o, struct pcon_err *err)
{
    struct userns_spec s;
    struct idmap um = { 0 }, gm = { 0 };
    unsigned long size, gsize, host_uid, host_gid;
    bool named = o->subuidname || o->subgidname;
    bool asked = (o->userns && *o->userns) || o->uidmaps || o->gidmaps || named;
    cleanup_strv char **uspecs = NULL;
    cleanup_strv char **gspecs = NULL;
    int r;

    if ((o->uidmaps || o->gidmaps || named) && o->userns && *o->userns)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--userns and --uidmap/--gidmap%s are mutually exclusive",
                              named ? "/--subuidname/--subgidname" : "");
    /* a pod's member: the pod's user namespace (pod create --userns) */
    if (o->infra_id && !o->infra) {
        r = userns_inherit(st, g, o->infra_id, true, o, err);
        if (r != 0 && asked)
            return r < 0 ? -1
                         : pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                          "--userns and --pod cannot be set together: the "
                                          "pod's user namespace is its members'");
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    if (o->userns && strncmp(o->userns, "container:", 10) == 0 && o->userns[10] != '\0')
        return userns_inherit(st, g, o->userns + 10, false, o, err) < 0 ? -1 : 0;
    if (userns_parse(o->userns ? o->userns : "", &s, err) < 0)
        return -1;
    if (s.kind == USERNS_HOST && !o->uidmaps && !o->gidmaps && !named)
        return 0;

    if (own_namespace("/proc/self/uid_map", &size, &host_uid, err) < 0
        || own_namespace("/proc/self/gid_map", &gsize, &host_gid, err) < 0)
        return -1;
    if (size < 2 || gsize < 2)
        return pcon_fail_kind(err, PCON_ERR_USAGE, ENOTSUP,
                              "a user namespace of the container's own needs subordinate ids "
                              "(/etc/subuid and /etc/subgid)");
    if (o->pod && !o->infra && o->infra_id)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "--userns and --pod cannot be set together: the pod's user "
                              "namespace is its members' (pod create --userns)");
    switch (s.kind) {
    case USERNS_PATH: {
        /* its maps as they are, kept to shift the root for them */
        int fd = engine_usermap_open_path(o->userns + 3, &g->uidmap, &g->gidmap, err);
        if (fd < 0) {
            err->kind = PCON_ERR_USAGE;
            return -1;
        }
        close(fd);
        g->userns = xstrdup(o->userns);
        return 0;
    }
    case USERNS_KEEP_ID: {
        unsigned long uid = s.uid_set ? s.uid : host_uid, gid = s.gid_set ? s.gid : host_gid;
        if (engine_idmap_keep_id(size, uid, &um, err) < 0
            || engine_idmap_keep_id(gsize, gid, &gm, err) < 0) {
            err->kind = PCON_ERR_USAGE;
            return -1;
        }
        if (o->user == NULL) {
            free(g->user);
            g->user = xasprintf("%lu:%lu", uid, gid);
        }
        g->userns = xasprintf("keep-id:uid=%lu,gid=%lu", uid, gid);
        break;
    }
    case USERNS_NOMAP:
        if (engine_idmap_range(size, 1, size - 1, &um, err) < 0
            || engine_idmap_range(gsize, 1, gsize - 1, &gm, err) < 0)
            return -1;
        g->userns = xstrdup("nomap");
        break;
    case USERNS_AUTO: {
        unsigned long want = s.size_set ? s.size : image_max_id(st, img) + 1;
        if (!s.size_set && want < AUTO_MIN_SIZE)
            want = AUTO_MIN_SIZE;
        if (want >= size || want >= gsize)
            return pcon_fail_kind(err, PCON_ERR_USAGE, ERANGE,
                                  "--userns auto: %lu ids do not fit in the %lu subordinate ones",
                                  want, (size < gsize ? size : gsize) - 1);
        if (auto_slice(st, size < gsize ? size : gsize, want, &um, err) < 0)
            return -1;
        gm = um;
        g->userns = xasprintf("auto:size=%lu", want);
        break;
    }
    case USERNS_HOST:
        /* the named ranges first (either name stands for the other too),
         * then --uidmap/--gidmap: the one given stands for the other too */
        if (named
            && (subid_specs(o->subuidname ? o->subuidname : o->subgidname, true,
                            "/proc/self/uid_map", &uspecs, err)
                    < 0
                || subid_specs(o->subgidname ? o->subgidname : o->subuidname, false,
                               "/proc/self/gid_map", &gspecs, err)
                       < 0))
            return -1;
        for (char *const *m = o->uidmaps ? o->uidmaps : o->gidmaps; m && *m; m++)
            strv_push(&uspecs, *m);
        for (char *const *m = o->gidmaps ? o->gidmaps : o->uidmaps; m && *m; m++)
            strv_push(&gspecs, *m);
        if (maps_from_specs(uspecs, size, &um, err) < 0
            || maps_from_specs(gspecs, gsize, &gm, err) < 0)
            return -1;
        g->userns = xstrdup("private");
        break;
    }
    g->uidmap = engine_idmap_to_specs(&um);
    g->gidmap = engine_idmap_to_specs(&gm);
    return 0;
}

int
engine_usermap_lock(struct store *st, struct pcon_err *err)
{
    return lock_take(st->root_dfd, LOCK_NAME, true, err);
}

/* implements fs_idshift.fn: an image id is the container's id; on disk it
 * becomes the outer id the container sees as it (unmapped ones stay) */
static void
shift_ids(const void *opaque, uid_t *uid, gid_t *gid)
{
    const struct usermap_shift *s = opaque;
    long u = engine_idmap_to_outer(&s->uid, *uid), g = engine_idmap_to_outer(&s->gid, *gid);

    if (u >= 0)
        *uid = (uid_t) u;
    if (g >= 0)
        *gid = (gid_t) g;
}

/* "inner:outer:count" entries joined by ':' into buf */
static bool
view_map(char *const *specs, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; specs[i]; i++) {
        unsigned long a, b, c;
        int n;
        if (sscanf(specs[i], "%lu:%lu:%lu", &a, &b, &c) != 3)
            return false;
        n = snprintf(buf + len, size - len, "%s%lu:%lu:%lu", len ? ":" : "", a, b, c);
        if (n < 0 || (size_t) n >= size - len)
            return false;
        len += (size_t) n;
    }
    return len > 0;
}

int
engine_usermap_shift(const struct ctr_config *g, struct usermap_shift *out, struct pcon_err *err)
{
    cleanup_free char *text = NULL;
    char digest[72];

    memset(out, 0, sizeof *out);
    if (g->uidmap == NULL || g->gidmap == NULL)
        return 0;
    if (maps_from_specs(g->uidmap, 0xffffffffUL, &out->uid, err) < 0
        || maps_from_specs(g->gidmap, 0xffffffffUL, &out->gid, err) < 0)
        return pcon_prefix(err, "id maps of container %.12s", g->id);
    text = xstrdup("uid");
    for (size_t i = 0; g->uidmap[i]; i++)
        xappendf(&text, " %s", g->uidmap[i]);
    xappendf(&text, "%s", " gid");
    for (size_t i = 0; g->gidmap[i]; i++)
        xappendf(&text, " %s", g->gidmap[i]);
    digest_buf(text, strlen(text), digest);
    memcpy(out->key, digest + 7, 16);
    out->key[16] = '\0';
    out->s.key = out->key;
    out->s.ids.fn = shift_ids;
    out->s.ids.opaque = out;
    /* the same maps for fuse-overlayfs: on disk an image's id is the
     * container's, shown as the outer one (none when they do not fit) */
    if (view_map(g->uidmap, out->view_uid, sizeof out->view_uid)
        && view_map(g->gidmap, out->view_gid, sizeof out->view_gid)) {
        out->s.view_uidmap = out->view_uid;
        out->s.view_gidmap = out->view_gid;
    }
    return 1;
}

char *
engine_usermap_proc_text(char *const *specs)
{
    char *text = xstrdup("");

    for (size_t i = 0; specs && specs[i]; i++) {
        unsigned long a, b, c;
        if (sscanf(specs[i], "%lu:%lu:%lu", &a, &b, &c) == 3)
            xappendf(&text, "%lu %lu %lu\n", a, b, c);
    }
    return text;
}

/* whether text has a line whose field (0-based) is id */
static bool
has_id(const char *text, unsigned field, unsigned long id)
{
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n'), *p = line;
        for (unsigned f = 0; f < field && p && (!end || p < end); f++) {
            p = strchr(p, ':');
            p = p ? p + 1 : NULL;
        }
        if (p && (!end || p < end) && *p >= '0' && *p <= '9' && strtoul(p, NULL, 10) == id)
            return true;
        line = end ? end + 1 : NULL;
    }
    return false;
}

static char *
appended(const char *text, char *line)
{
    size_t n = strlen(text);
    char *out = xasprintf("%s%s%s", text, n > 0 && text[n - 1] != '\n' ? "\n" : "", line);

    free(line);
    return out;
}

char *
engine_usermap_group(const char *group, unsigned long gid, const char *name, const char *member)
{
    if (has_id(group, 2, gid))
        return NULL;
    return appended(group, xasprintf("%s:x:%lu:%s\n", name, gid, member));
}

bool
engine_usermap_keep_id(const struct ctr_config *g, unsigned long *uid, unsigned long *gid)
{
    return g->userns && sscanf(g->userns, "keep-id:uid=%lu,gid=%lu", uid, gid) == 2;
}

void
engine_usermap_unshift(const void *opaque, uid_t *uid, gid_t *gid)
{
    const struct usermap_shift *s = opaque;
    long u = engine_idmap_to_inner(&s->uid, *uid), g = engine_idmap_to_inner(&s->gid, *gid);

    *uid = u >= 0 ? (uid_t) u : 65534;
    *gid = g >= 0 ? (gid_t) g : 65534;
}
