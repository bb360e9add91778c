/* SPDX-License-Identifier: Apache-2.0 */
/* What a container runs, derived from the image configuration and the
 * command line: arguments, environment, user, working directory, volumes.
 * Pure functions (unit-tested). */
#ifndef PCON_ENGINE_SPEC_H
#define PCON_ENGINE_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"

struct volume {
    char *src; /* absolute host path, or a named volume's name */
    char *dst; /* absolute container path */
    bool ro;
    bool named;     /* src is a volume's name (storage/volume.h) */
    char *name;     /* a named one's, once src is its directory */
    bool copy_up;   /* its first mount: the image's content at dst is copied in */
    bool anonymous; /* -v /path: src NULL until create names a volume for it */
};

/* HOST:CTR[:OPTS] or NAME:CTR[:OPTS] (a named volume: no '/', not
 * starting with '.') with OPTS from ro, rw, z, Z, U, rbind, bind, private,
 * rprivate, shared, rshared, slave, rslave (the propagation ones are
 * accepted and ignored). Relative host paths are taken from cwd. */
int engine_spec_volume_parse(const char *s, struct volume *out, struct pcon_err *err);
void engine_spec_volume_free(struct volume *v);
/* a named volume's name: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool engine_spec_volume_name_valid(const char *name);

/* --tmpfs PATH[:OPTS]: a tmpfs at PATH (cleaned, absolute), nosuid and
 * nodev unless suid or dev; ro, noexec, exec and the size=, mode=, uid=,
 * gid=, nr_inodes=, nr_blocks= options; the propagation ones and
 * (no)tmpcopyup accepted and ignored. *data is malloc'd ("" for none). */
struct tmpfs_mount {
    char *dst;
    unsigned long flags;
    char *data;
};
int engine_spec_tmpfs_parse(const char *s, struct tmpfs_mount *out, struct pcon_err *err);
void engine_spec_tmpfs_free(struct tmpfs_mount *t);

/* --secret NAME[,type=mount|env][,target=T][,uid=N][,gid=N][,mode=0NNN]:
 * a file at /run/secrets/NAME (target: relative ones below /run/secrets),
 * 0444 and root's by default; or (type=env) a variable, NAME unless
 * target= names it. *norm is the spec in full, as the record keeps it. */
struct secret_spec {
    char *name, *target;
    bool env;
    unsigned long uid, gid, mode;
};
int engine_spec_secret_parse(const char *s, struct secret_spec *out, char **norm,
                             struct pcon_err *err);
void engine_spec_secret_free(struct secret_spec *s);

/* --mount type=bind|volume|tmpfs,source=S,target=T[,ro|readonly[=BOOL]]
 * [,tmpfs-size=N][,tmpfs-mode=M] (src, dst, destination as podman takes
 * them; bind-propagation, relabel accepted and ignored): the same as a -v
 * (*volume) or --tmpfs (*tmpfs) spec, malloc'd, the other NULL. A volume
 * without a source is an anonymous one. */
int engine_spec_mount_parse(const char *s, char **volume, char **tmpfs, struct pcon_err *err);

/* The process arguments: --entrypoint (when set, "" clears it) replaces the
 * image's; CMD from the command line replaces the image's Cmd. */
int engine_spec_args(char *const *img_entrypoint, char *const *img_cmd, const char *entrypoint_opt,
                     bool entrypoint_set, char *const *cmd, char ***out, struct pcon_err *err);

/* Sets KEY=VALUE in *env, replacing an earlier KEY. A bare KEY takes the
 * value from host_env (and is dropped when unset there). */
void engine_spec_env_set(char ***env, const char *kv, char *const *host_env);
/* removes KEY's entry, if any */
void engine_spec_env_unset(char ***env, const char *key);
const char *engine_spec_env_get(char *const *env, const char *key);
/* Reads an env file: KEY=VALUE lines, '#' comments, blank lines. */
void engine_spec_env_file(const char *text, char ***env, char *const *host_env);

struct passwd_entry {
    uid_t uid;
    gid_t gid;
    char *home;
};

/* Resolves USER[:GROUP] (names or numbers) against the container's
 * /etc/passwd and /etc/group texts (either may be NULL). Numeric ids need
 * no entry; names do. groups gets the supplementary groups of a named or
 * found user. */
/* a group name (the container's /etc/group) or number (--group-add) */
int engine_spec_group_resolve(const char *group, const char *group_text, gid_t *gid,
                              struct pcon_err *err);
int engine_spec_user_resolve(const char *user, const char *passwd_text, const char *group_text,
                             uid_t *uid, gid_t *gid, char **home, gid_t *groups, int *ngroups,
                             struct pcon_err *err);

/* [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool engine_spec_name_valid(const char *name);

#endif
