/* SPDX-License-Identifier: Apache-2.0 */
/* Pods: a record (pods/<id>/pod.json in the graph root, its name among the
 * containers' names), an infra container holding the shared namespaces
 * (pcon-infra, no image; or --infra-image's), and members that join them.
 * A pod made with --infra=false has none: its members are grouped, their
 * namespaces their own. */
#ifndef PCON_POD_POD_H
#define PCON_POD_POD_H

#include <stdbool.h>
#include <stddef.h>

#include "../engine/container.h"
#include "../lib/err.h"
#include "../storage/store.h"

struct pod_config {
    char id[65];
    char *name;
    char *created;  /* RFC 3339, nanoseconds */
    char *hostname; /* the members' (their uts namespace is the infra's) */
    char *infra_id; /* its infra container */
    unsigned share; /* what members share besides the network (POD_JOIN_*) */
    char **labels;  /* KEY=VALUE */
    bool exit_policy_stop;
    bool no_infra;     /* --infra=false: members with namespaces of their own */
    bool share_parent; /* its containers' cgroups in the pod's (--share-parent) */
    /* --pid host, --uts host: the infra's; a member sharing it is in the
     * host's namespace too (which nobody can join with setns) */
    bool pid_host, uts_host;
    char **create_command;
};

struct pod {
    struct pod_config cfg;
};

struct pod_create_opts {
    const char *name; /* NULL: generated */
    const char *hostname;
    const char *infra_name; /* NULL: <id12>-infra */
    char **labels;
    unsigned share;
    bool exit_policy_stop;
    bool replace; /* a pod of that name goes first */
    bool no_infra;
    bool no_share_parent;
    const char *infra_image; /* NULL: pcon-infra, no image */
    char **infra_command;    /* NULL: the infra image's, or pcon-infra */
    char **argv;             /* the command line, for inspect's CreateCommand */
    /* the infra container's network: --network, -p, --dns, --add-host... */
    struct engine_create_opts infra;
};

int pod_create(struct store *st, const struct pod_create_opts *o, struct pod *out,
               struct pcon_err *err);
int pod_load(struct store *st, const char *name_or_id, struct pod *out, struct pcon_err *err);
/* every pod, newest first */
int pod_list(struct store *st, struct pod **out, size_t *n, struct pcon_err *err);
void pod_free(struct pod *p);
void pod_list_free(struct pod *v, size_t n);

/* The pod's lock: shared while a member is made (the pod is read again
 * under it: it may have been removed meanwhile), exclusive to remove it.
 * Returns the fd that holds it. */
int pod_lock(struct store *st, const struct pod *p, bool exclusive, struct pcon_err *err);

/* the pod's containers, its infra first, then the members, newest first */
int pod_containers(struct store *st, const struct pod *p, struct container **out, size_t *n,
                   struct pcon_err *err);
/* the same from a list engine_ctr_list made (one list for many pods):
 * the pod's containers move out of all, which stays to be freed */
void pod_containers_take(struct container *all, size_t n, const struct pod *p,
                         struct container **out, size_t *nout);
/* podman's pod status of those: Created, Running, Degraded, Stopped,
 * Exited, Paused or Error */
const char *pod_status(const struct container *v, size_t n);

/* the infra, then every member that does not run */
int pod_start(struct store *st, const struct pod *p, struct pcon_err *err);
/* every member (timeout < 0: each one's stop timeout), then the infra */
int pod_stop(struct store *st, const struct pod *p, int timeout, struct pcon_err *err);
/* sig to every running container of the pod, members first */
int pod_kill(struct store *st, const struct pod *p, int sig, struct pcon_err *err);
/* members and infra, then the record; running ones only with force
 * (stopped first, timeout as pod_stop's) */
int pod_remove(struct store *st, const struct pod *p, bool force, int timeout,
               struct pcon_err *err);

/* what a new member of p is created with (o's pod fields and hostname);
 * refuses what the pod decides for it: its own -p, network, hostname */
int pod_member_opts(const struct pod *p, struct engine_create_opts *o, bool net_set,
                    struct pcon_err *err);

#endif
