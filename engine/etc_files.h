/* SPDX-License-Identifier: Apache-2.0 */
/* The files of a container's run directory that are bound into its root:
 * /etc/hosts, /etc/resolv.conf, /etc/hostname and /run/.containerenv.
 * One table names them for the writer, the mount plan and inspect. */
#ifndef PCON_ENGINE_ETC_FILES_H
#define PCON_ENGINE_ETC_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "../storage/store.h"

struct ctr_config;

enum etc_file { ETC_HOSTS, ETC_RESOLV_CONF, ETC_HOSTNAME, ETC_CONTAINERENV, ETC_FILES };

struct etc_file_name {
    const char *name;   /* in the run directory */
    const char *target; /* in the container */
};

extern const struct etc_file_name engine_etc_files[ETC_FILES];

/* Which file is bound at each target, as podman 4.3 decides: the
 * container's own, written at start; none (--no-hosts, --dns none, no
 * resolv.conf without a network: the image's stays); or, with --network
 * container:X, X's hosts and resolv.conf themselves (those X has; with
 * X's network none, a hosts of its own and no resolv.conf) */
struct etc_plan {
    char *path[ETC_FILES]; /* NULL: none bound */
    bool own[ETC_FILES];   /* path is in the container's run directory */
    bool joined;           /* path[ETC_HOSTS] is another's: the container's line is added there */
    bool net_none;         /* the network namespace has only loopback */
};

/* the plan of g's container (another's files named as they are now);
 * fails when the container whose network it joins is gone */
int engine_etc_plan(struct store *st, const struct ctr_config *g, struct etc_plan *out,
                    struct pcon_err *err);
void engine_etc_plan_free(struct etc_plan *p);
/* the files the plan binds from nowhere: a bit (1u << f) each */
unsigned engine_etc_files_skipped(const struct etc_plan *p);
/* on user networks: the container's first address, and the resolvers
 * (the gateways of its networks with DNS) */
struct etc_net {
    const char *address;
    char **nameservers;
    const char *address6; /* the first network's IPv6 one, or NULL */
};

/* writes the plan's own files anew into the run directory open on rundfd
 * (at every start: the run root may have been lost); net NULL off user
 * networks */
int engine_etc_files_write(int rundfd, const struct ctr_config *g, const struct etc_plan *p,
                           const struct etc_net *net, struct pcon_err *err);
/* with a joined hosts file: the container's "127.0.0.1\tHOSTNAME NAME"
 * added to it, the names it lacks only (join, at start), and taken out
 * again (leave, when the container has ended), in place: the other
 * container has it bound */
int engine_etc_hosts_join(const struct ctr_config *g, const struct etc_plan *p,
                          struct pcon_err *err);
void engine_etc_hosts_leave(const struct ctr_config *g, const struct etc_plan *p);
/* rundir/<name of f> */
char *engine_etc_file_path(const char *rundir, enum etc_file f);

#endif
