// SPDX-License-Identifier: Apache-2.0
/* Container process specification helpers. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/fsutil.h"
#include "spec.h"

static bool
env_name_valid(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
           == strlen(s);
}

void
engine_spec_secret_free(struct secret_spec *s)
{
    free(s->name);
    free(s->target);
    memset(s, 0, sizeof *s);
}

int
engine_spec_secret_parse(const char *s, struct secret_spec *out, char **norm, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s);
    char *save = NULL, *t = strtok_r(buf, ",", &save);
    bool ids_set = false;

    memset(out, 0, sizeof *out);
    out->mode = 0444;
    if (t == NULL || strchr(t, '=') != NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --secret \"%s\": no secret named",
                              s);
    out->name = xstrdup(t);
    for (t = strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v = strchr(t, '='), *end;
        if (v == NULL)
            goto bad;
        *v++ = '\0';
        if (strcmp(t, "type") == 0 && (strcmp(v, "mount") == 0 || strcmp(v, "env") == 0)) {
            out->env = v[0] == 'e';
        } else if (strcmp(t, "target") == 0 && *v) {
            free(out->target);
            out->target = xstrdup(v);
        } else if (strcmp(t, "uid") == 0 || strcmp(t, "gid") == 0 || strcmp(t, "mode") == 0) {
            unsigned long n = strtoul(v, &end, t[0] == 'm' ? 8 : 10);
            if (*v == '\0' || *end != '\0' || (t[0] == 'm' ? n > 07777 : n > 0xfffffffeUL))
                goto bad;
            *(t[0] == 'u' ? &out->uid : t[0] == 'g' ? &out->gid : &out->mode) = n;
            ids_set = true;
        } else {
            goto bad;
        }
    }
    if (out->env && ids_set) {
        engine_spec_secret_free(out);
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "UID, GID, Mode options cannot be set with secret option env");
    }
    if (out->env) {
        if (out->target == NULL)
            out->target = xstrdup(out->name);
        if (!env_name_valid(out->target))
            goto bad;
    } else {
        /* a file: below /run/secrets unless absolute, inside the root */
        cleanup_free char *want = out->target == NULL ? xasprintf("/run/secrets/%s", out->name)
                                  : out->target[0] == '/'
                                      ? xstrdup(out->target)
                                      : xasprintf("/run/secrets/%s", out->target);
        cleanup_free char *rel = fs_path_clean_rel(want);
        if (rel == NULL || *rel == '\0')
            goto bad;
        free(out->target);
        out->target = xasprintf("/%s", rel);
    }
    if (norm)
        *norm = out->env ? xasprintf("%s,type=env,target=%s", out->name, out->target)
                         : xasprintf("%s,type=mount,target=%s,uid=%lu,gid=%lu,mode=%04lo",
                                     out->name, out->target, out->uid, out->gid, out->mode);
    return 0;
bad:
    engine_spec_secret_free(out);
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid --secret \"%s\"", s);
}

int
engine_spec_tmpfs_parse(const char *s, struct tmpfs_mount *out, struct pcon_err *err)
{
    static const char *const data_keys[] = { "size=",      "mode=",      "uid=", "gid=",
                                             "nr_inodes=", "nr_blocks=", NULL };
    static const char *const ignored[] = { "rw",          "private", "rprivate", "shared",
                                           "rshared",     "slave",   "rslave",   "tmpcopyup",
                                           "notmpcopyup", "bind",    "rbind",    NULL };
    cleanup_free char *buf = xstrdup(s), *data = xstrdup("");
    char *opts = strchr(buf, ':');
    unsigned long flags = MS_NOSUID | MS_NODEV;

    memset(out, 0, sizeof *out);
    if (opts)
        *opts++ = '\0';
    if (buf[0] != '/')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid tmpfs \"%s\": the path must be absolute", s);
    for (char *save = NULL, *t = opts ? strtok_r(opts, ",", &save) : NULL; t;
         t = strtok_r(NULL, ",", &save)) {
        bool known = false;
        if (strcmp(t, "ro") == 0)
            flags |= MS_RDONLY;
        else if (strcmp(t, "noexec") == 0)
            flags |= MS_NOEXEC;
        else if (strcmp(t, "exec") == 0)
            flags &= ~(unsigned long) MS_NOEXEC;
        else if (strcmp(t, "suid") == 0)
            flags &= ~(unsigned long) MS_NOSUID;
        else if (strcmp(t, "nosuid") == 0)
            flags |= MS_NOSUID;
        else if (strcmp(t, "dev") == 0)
            flags &= ~(unsigned long) MS_NODEV;
        else if (strcmp(t, "nodev") == 0)
            flags |= MS_NODEV;
        else {
            for (size_t i = 0; data_keys[i] && !known; i++)
                if (strncmp(t, data_keys[i], strlen(data_keys[i])) == 0
                    && t[strlen(data_keys[i])] != '\0'
                    && strspn(t + strlen(data_keys[i]), "0123456789kKmMgG%")
                           == strlen(t + strlen(data_keys[i]))) {
                    char *next = xasprintf("%s%s%s", data, *data ? "," : "", t);
                    free(data);
                    data = next;
                    known = true;
                }
            for (size_t i = 0; ignored[i] && !known; i++)
                known = strcmp(t, ignored[i]) == 0;
            if (!known)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "unknown mount option \"%s\": invalid mount option", t);
        }
    }
    {
        cleanup_free char *clean = fs_path_clean_clamped(buf);
        if (clean == NULL || *clean == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid tmpfs path \"%s\"", buf);
        out->dst = xasprintf("/%s", clean);
    }
    out->flags = flags;
    out->data = steal_ptr(&data);
    return 0;
}

void
engine_spec_tmpfs_free(struct tmpfs_mount *t)
{
    free(t->dst);
    free(t->data);
    memset(t, 0, sizeof *t);
}

bool
engine_spec_volume_name_valid(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n <= 255 && name[0] != '.' && name[0] != '_' && name[0] != '-'
           && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
                  == n;
}

void
engine_spec_volume_free(struct volume *v)
{
    free(v->src);
    free(v->dst);
    free(v->name);
    memset(v, 0, sizeof *v);
}

static int
mount_bool(const char *v, bool *out)
{
    if (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

int
engine_spec_mount_parse(const char *s, char **volume, char **tmpfs, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s);
    const char *type = NULL, *src = NULL, *dst = NULL, *size = NULL, *mode = NULL;
    char *save = NULL;
    bool ro = false;

    *volume = *tmpfs = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *v = strchr(kv, '=');
        if (v)
            *v++ = '\0';
        if (v && strchr(v, ':'))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mount \"%s\": %s with a ':'", s,
                                  kv);
        if (strcmp(kv, "type") == 0 && v)
            type = v;
        else if ((strcmp(kv, "source") == 0 || strcmp(kv, "src") == 0) && v && *v)
            src = v;
        else if ((strcmp(kv, "target") == 0 || strcmp(kv, "dst") == 0
                  || strcmp(kv, "destination") == 0)
                 && v && *v)
            dst = v;
        else if (strcmp(kv, "ro") == 0 || strcmp(kv, "readonly") == 0) {
            if (mount_bool(v, &ro) < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mount \"%s\": %s=%s", s, kv,
                                      v);
        } else if (strcmp(kv, "rw") == 0) {
            bool rw;
            if (mount_bool(v, &rw) < 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mount \"%s\": rw=%s", s, v);
            ro = !rw;
        } else if (strcmp(kv, "tmpfs-size") == 0 && v && *v)
            size = v;
        else if (strcmp(kv, "tmpfs-mode") == 0 && v && *v)
            mode = v;
        else if (strcmp(kv, "bind-propagation") != 0 && strcmp(kv, "relabel") != 0
                 && strcmp(kv, "consistency") != 0)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": unknown option \"%s\"", s, kv);
    }
    if (type == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mount \"%s\": type= is required", s);
    if (dst == NULL)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid mount \"%s\": target= is required",
                              s);
    if (strcmp(type, "tmpfs") == 0) {
        if (src)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": a tmpfs has no source", s);
        *tmpfs = xasprintf("%s:%s%s%s%s%s%s", dst, ro ? "ro" : "rw", size ? ",size=" : "",
                           size ? size : "", mode ? ",mode=" : "", mode ? mode : "", "");
    } else if (strcmp(type, "bind") == 0 || strcmp(type, "volume") == 0) {
        if (size || mode)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": tmpfs options on a %s", s, type);
        if (strcmp(type, "bind") == 0 && src == NULL)
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": source= is required", s);
        if (strcmp(type, "bind") == 0 && src[0] != '/' && src[0] != '.')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": a bind's source is a path", s);
        if (strcmp(type, "volume") == 0 && src && !engine_spec_volume_name_valid(src))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid mount \"%s\": a volume's source is its name", s);
        *volume = src ? xasprintf("%s:%s%s", src, dst, ro ? ":ro" : "") : xstrdup(dst);
    } else
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "invalid mount \"%s\": type %s (bind, volume or tmpfs)", s, type);
    return 0;
}

int
engine_spec_volume_parse(const char *s, struct volume *out, struct pcon_err *err)
{
    cleanup_free char *buf = xstrdup(s);
    char *src = buf, *dst, *opts = NULL;
    cleanup_free char *cdst = NULL;

    memset(out, 0, sizeof *out);
    dst = strchr(buf, ':');
    if (dst == NULL && buf[0] == '/') {
        /* -v /path: an anonymous volume, named when the container is made */
        cleanup_free char *clean = fs_path_clean_clamped(buf);
        if (clean == NULL || *clean == '\0')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid container path \"%s\"", buf);
        out->dst = xasprintf("/%s", clean);
        out->named = out->anonymous = true;
        return 0;
    }
    if (dst == NULL || dst == buf)
        return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL,
                              "invalid volume \"%s\": expected"
                              " HOST-DIR:CONTAINER-DIR[:OPTIONS]",
                              s);
    *dst++ = '\0';
    opts = strchr(dst, ':');
    if (opts)
        *opts++ = '\0';
    if (*dst != '/')
        return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL,
                              "invalid container path \"%s\", must be an absolute path", dst);
    if (*src != '/' && *src != '.') {
        if (!engine_spec_volume_name_valid(src))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "invalid volume name \"%s\": names must match"
                                  " [a-zA-Z0-9][a-zA-Z0-9_.-]*",
                                  src);
        out->named = true;
    }
    for (char *save = NULL, *t = opts ? strtok_r(opts, ",", &save) : NULL; t;
         t = strtok_r(NULL, ",", &save)) {
        static const char *const ignored[] = { "rw",    "z",       "Z",        "bind",   "U",
                                               "rbind", "private", "rprivate", "shared", "rshared",
                                               "slave", "rslave",  NULL };
        bool ok = false;
        if (strcmp(t, "ro") == 0) {
            out->ro = true;
            continue;
        }
        for (size_t i = 0; ignored[i]; i++)
            ok |= strcmp(t, ignored[i]) == 0;
        if (!ok)
            return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL, "invalid volume option \"%s\"", t);
    }
    cdst = fs_path_clean_clamped(dst);
    if (cdst == NULL || *cdst == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL, "invalid container path \"%s\"", dst);
    if (*src == '/' || out->named) {
        out->src = xstrdup(src);
    } else {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd) == NULL)
            return pcon_fail(err, errno, "resolve volume source \"%s\"", src);
        out->src = xasprintf("%s/%s", cwd, src);
    }
    out->dst = xasprintf("/%s", cdst);
    return 0;
}

int
engine_spec_args(char *const *img_entrypoint, char *const *img_cmd, const char *entrypoint_opt,
                 bool entrypoint_set, char *const *cmd, char ***out, struct pcon_err *err)
{
    char **args = NULL;
    char *const *ep = img_entrypoint;
    char *const *c = (cmd && cmd[0]) ? cmd : img_cmd;

    if (entrypoint_set) {
        ep = NULL;
        /* a new entrypoint drops the image's Cmd too, as podman does */
        if (!(cmd && cmd[0]))
            c = NULL;
        /* podman's JSON form, '["sh","-c"]': each string an argument */
        if (entrypoint_opt && entrypoint_opt[0] == '[') {
            cleanup_yajl_val yajl_val v = json_parse(entrypoint_opt, NULL);
            bool strings = v && YAJL_IS_ARRAY(v);
            for (size_t i = 0; strings && i < v->u.array.len; i++)
                strings = YAJL_IS_STRING(v->u.array.values[i]);
            for (size_t i = 0; strings && i < v->u.array.len; i++)
                strv_push(&args, YAJL_GET_STRING(v->u.array.values[i]));
            if (strings)
                entrypoint_opt = NULL;
        }
        if (entrypoint_opt && *entrypoint_opt)
            strv_push(&args, entrypoint_opt);
    }
    for (size_t i = 0; ep && ep[i]; i++)
        strv_push(&args, ep[i]);
    for (size_t i = 0; c && c[i]; i++)
        strv_push(&args, c[i]);
    if (args == NULL || args[0] == NULL || args[0][0] == '\0') {
        strv_free(args);
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "no command or entrypoint provided, and no CMD or ENTRYPOINT from"
                              " image");
    }
    *out = args;
    return 0;
}

const char *
engine_spec_env_get(char *const *env, const char *key)
{
    size_t kl = strlen(key);

    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
            return env[i] + kl + 1;
    return NULL;
}

void
engine_spec_env_unset(char ***env, const char *key)
{
    size_t kl = strlen(key), k = 0;

    for (size_t i = 0; *env && (*env)[i]; i++) {
        if (strncmp((*env)[i], key, kl) == 0 && (*env)[i][kl] == '=')
            free((*env)[i]);
        else
            (*env)[k++] = (*env)[i];
    }
    if (*env)
        (*env)[k] = NULL;
}

void
engine_spec_env_set(char ***env, const char *kv, char *const *host_env)
{
    const char *eq = strchr(kv, '=');
    size_t kl = eq ? (size_t) (eq - kv) : strlen(kv);
    char *entry;

    if (kl == 0)
        return;
    if (eq == NULL) {
        cleanup_free char *key = xstrndup(kv, kl);
        const char *v = engine_spec_env_get(host_env, key);
        if (v == NULL)
            return;
        entry = xasprintf("%s=%s", key, v);
    } else {
        entry = xstrdup(kv);
    }
    for (size_t i = 0; *env && (*env)[i]; i++)
        if (strncmp((*env)[i], entry, kl + 1) == 0) {
            free((*env)[i]);
            (*env)[i] = entry;
            return;
        }
    strv_push_take(env, entry);
}

void
engine_spec_env_file(const char *text, char ***env, char *const *host_env)
{
    cleanup_free char *buf = xstrdup(text);
    char *save = NULL;

    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n;
        while (isspace((unsigned char) *line))
            line++;
        n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        engine_spec_env_set(env, line, host_env);
    }
}

static bool
parse_id(const char *s, unsigned long *out)
{
    char *end;

    if (!isdigit((unsigned char) *s))
        return false;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && *end == '\0' && *out < UINT_MAX;
}

/* Finds the line of a passwd/group text whose field 0 (name) or 2 (id)
 * matches; fills fields[] with pointers into a copy. */
static char *
db_find(const char *text, const char *name, unsigned long id, bool by_id, char **fields,
        int nfields)
{
    char *buf, *save = NULL;

    if (text == NULL)
        return NULL;
    buf = xstrdup(text);
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int n = 0;
        char *p = line;
        unsigned long v;

        while (n < nfields) {
            fields[n++] = p;
            p = strchr(p, ':');
            if (p == NULL)
                break;
            *p++ = '\0';
        }
        if (n < 3)
            continue;
        for (int i = n; i < nfields; i++)
            fields[i] = (char *) "";
        if (by_id ? (parse_id(fields[2], &v) && v == id) : strcmp(fields[0], name) == 0)
            return buf;
    }
    free(buf);
    return NULL;
}

int
engine_spec_user_resolve(const char *user, const char *passwd_text, const char *group_text,
                         uid_t *uid, gid_t *gid, char **home, gid_t *groups, int *ngroups,
                         struct pcon_err *err)
{
    cleanup_free char *u = xstrdup(user && *user ? user : "0");
    char *g = strchr(u, ':');
    char *f[7];
    cleanup_free char *line = NULL;
    const char *uname = NULL;
    unsigned long v;
    int max = *ngroups;
    bool uid_numeric;

    if (g)
        *g++ = '\0';
    *ngroups = 0;
    *home = NULL;
    uid_numeric = parse_id(u, &v);
    line = db_find(passwd_text, u, v, uid_numeric, f, 7);
    if (line) {
        unsigned long pg;
        *uid = (uid_t) strtoul(f[2], NULL, 10);
        *gid = parse_id(f[3], &pg) ? (gid_t) pg : 0;
        *home = xstrdup(*f[5] ? f[5] : "/");
        uname = f[0];
    } else if (uid_numeric) {
        *uid = (uid_t) v;
        *gid = 0;
    } else {
        /* podman's 126: the runtime cannot run the command as no one */
        return pcon_fail_kind(err, PCON_ERR_EXEC, 0,
                              "unable to find user %s: no matching entries in passwd file", u);
    }
    if (*home == NULL)
        *home = xstrdup(*uid == 0 ? "/root" : "/");
    if (g && *g) {
        char *gf[4];
        bool gnum = parse_id(g, &v);
        cleanup_free char *gl = db_find(group_text, g, v, gnum, gf, 4);
        if (gl)
            *gid = (gid_t) strtoul(gf[2], NULL, 10);
        else if (gnum)
            *gid = (gid_t) v;
        else
            return pcon_fail_kind(err, PCON_ERR_ENGINE, 0,
                                  "unable to find group %s: no matching entries in group file", g);
        return 0; /* an explicit group: no supplementary groups, as podman */
    }
    /* supplementary groups: every group listing the user by name */
    if (uname && group_text) {
        cleanup_free char *buf = xstrdup(group_text);
        char *save = NULL;
        for (char *l = strtok_r(buf, "\n", &save); l && *ngroups < max;
             l = strtok_r(NULL, "\n", &save)) {
            char *fields[4] = { 0 };
            char *p = l, *msave = NULL;
            int n = 0;
            while (n < 4 && p) {
                fields[n++] = p;
                p = strchr(p, ':');
                if (p)
                    *p++ = '\0';
            }
            if (n < 4 || !parse_id(fields[2], &v))
                continue;
            for (char *m = strtok_r(fields[3], ",", &msave); m; m = strtok_r(NULL, ",", &msave))
                if (strcmp(m, uname) == 0 && (gid_t) v != *gid) {
                    groups[(*ngroups)++] = (gid_t) v;
                    break;
                }
        }
    }
    return 0;
}

int
engine_spec_group_resolve(const char *group, const char *group_text, gid_t *gid,
                          struct pcon_err *err)
{
    char *gf[4];
    unsigned long v;
    bool num = parse_id(group, &v);
    cleanup_free char *line = db_find(group_text, group, v, num, gf, 4);

    if (line)
        *gid = (gid_t) strtoul(gf[2], NULL, 10);
    else if (num)
        *gid = (gid_t) v;
    else
        return pcon_fail_kind(err, PCON_ERR_ENGINE, 0,
                              "unable to find group %s: no matching entries in group file", group);
    return 0;
}

bool
engine_spec_name_valid(const char *name)
{
    if (!isalnum((unsigned char) name[0]))
        return false;
    for (const char *p = name + 1; *p; p++)
        if (!isalnum((unsigned char) *p) && *p != '_' && *p != '.' && *p != '-')
            return false;
    return strlen(name) <= 253;
}
