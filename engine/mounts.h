/* SPDX-License-Identifier: Apache-2.0 */
/* The mount plan of a container: a list of operations built from the
 * defaults and the volumes, validated whole, performed in the child below
 * the new root. */
#ifndef PCON_ENGINE_MOUNTS_H
#define PCON_ENGINE_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "spec.h"

enum mount_kind {
    MOUNT_FS,      /* a new file system: proc, tmpfs, devpts, mqueue, sysfs */
    MOUNT_BIND,    /* a host path bound in (volumes, /etc/hosts, device nodes) */
    MOUNT_SYMLINK, /* a link created in the root (/dev/fd, /dev/ptmx) */
    MOUNT_MASK,    /* hide a path: /dev/null over a file, empty ro tmpfs over a dir */
    MOUNT_RO,      /* make an existing path read-only */
    /* proc, sysfs or mqueue of a namespace the container joins but its
     * user namespace does not own, which only pcon may mount: made before
     * the clone (engine_mounts_make_joined), moved into place */
    MOUNT_JOINED_FS,
};

struct mount_op {
    enum mount_kind kind;
    char *src;           /* host path, fs source, or link target */
    char *dst;           /* absolute path inside the container */
    const char *fstype;  /* MOUNT_FS */
    unsigned long flags; /* MS_* */
    const char *data;
    bool ro;
    bool skip_missing; /* a missing destination is skipped (kernel paths to mask) */
    char *data_owned;  /* data the plan allocated (a --tmpfs's options) */
    bool copy_up;      /* an empty source gets what the root has at dst first (a new volume) */
};

struct mount_plan {
    struct mount_op *ops;
    size_t n;
    /* engine_mounts_open_sources: per op, a detached copy of a bind's
     * source (open_tree), else -1; NULL: sources are reached by path */
    int *src_fds;
};

struct mount_plan_opts {
    bool private_net; /* sysfs can be mounted only with its own netns */
    /* proc, sysfs, mqueue of a joined namespace its user namespace does not
     * own: MOUNT_JOINED_FS */
    bool joined_pid, joined_net, joined_ipc;
    bool single_mapping;      /* no gid 5 for devpts */
    const char *userdata;     /* dir with hosts, resolv.conf, hostname, .containerenv */
    unsigned etc_skipped;     /* of those, not bound: engine_etc_files_skipped() */
    const char *shm;          /* a directory bound at /dev/shm (a pod's), else a tmpfs of its own */
    char *const *tmpfs;       /* --tmpfs PATH[:OPTS], checked at create */
    char *const *early_tmpfs; /* systemd mode's, the same form: before the /etc files */
    bool read_only_tmpfs;     /* --read-only: tmpfs on /tmp, /run, /var/tmp unless mounted there */
    const char *init;         /* --init's program, bound read-only at /run/pcon-init, or NULL */
    bool host_pid;      /* --pid host: the host's /proc bound (no proc of its own can be mounted) */
    bool host_ipc;      /* --ipc host: the host's /dev/shm and /dev/mqueue bound */
    bool no_shm;        /* --ipc none: no /dev/shm */
    long long shm_size; /* bytes of /dev/shm's tmpfs, -1: 64 MiB */
    struct volume *volumes;
    size_t nvolumes;
    bool privileged;       /* --privileged: no masked or read-only kernel paths, sysfs rw */
    char *const *mask;     /* --security-opt mask=: more paths hidden */
    char *const *unmask;   /* --security-opt unmask=: default ones not hidden ("ALL") */
    const char *proc_opts; /* --security-opt proc-opts=: its own /proc's options, checked */
    char *const *devices;  /* --device, --privileged's: "HOST:CTR:PERMS", checked */
    const char *localtime; /* --tz: the host's zone file, bound at /etc/localtime, or NULL */
};

/* --security-opt proc-opts=: only what proc(5) takes (hidepid=, gid=,
 * subset=pid), so that a typo is one error at create */
int engine_proc_opts_check(const char *opts, struct pcon_err *err);
int engine_mounts_plan(const struct mount_plan_opts *o, struct mount_plan *plan,
                       struct pcon_err *err);
void engine_mounts_plan_free(struct mount_plan *plan);
/* appends a bind of src (a file the monitor made) at dst */
void engine_mounts_plan_bind(struct mount_plan *plan, const char *src, const char *dst, bool ro);
/* In the parent, for a child in a user namespace of its own, which may not
 * reach the sources (pcon's directories are the invoking user's, whom the
 * child may not map): each bind's source as a detached mount, read-only
 * ones made so; closed with engine_mounts_close_sources. */
int engine_mounts_open_sources(struct mount_plan *plan, struct pcon_err *err);
void engine_mounts_close_sources(struct mount_plan *plan);
/* In the spawn's short-lived child, in the namespaces to join but still in
 * pcon's user namespace: each MOUNT_JOINED_FS as a detached mount, its fd
 * in plan->src_fds for the init to move into place (proc from a child of
 * its own, the pid namespace being its children's). */
int engine_mounts_make_joined(struct mount_plan *plan, struct pcon_err *err);
/* remounts the mount at fd read-only, with the flags the kernel locked */
int engine_mounts_remount_ro(int fd);
/* In the child: performs the plan below rootfd (the container's root, not
 * yet pivoted into). Every target is resolved inside the root. */
int engine_mounts_perform(int rootfd, const struct mount_plan *plan, struct pcon_err *err);

#endif
