/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes YAML: the v1 documents kube play reads (Pod, Deployment of
 * one replica, PersistentVolumeClaim, ConfigMap), parsed with libyaml
 * into plain structs and checked field by field (a field pcon does not
 * know is an error naming it, never a silent partial pod), and the Pod
 * (and Service) kube generate writes. Pure: no store here. */
#ifndef PCON_POD_KUBE_H
#define PCON_POD_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/err.h"

struct kube_port {
    uint16_t container_port, host_port; /* host_port 0: not published */
    bool udp;
    char host_ip[46];
};

struct kube_mount {
    char *name, *path;
    bool ro;
};

struct kube_container {
    char *name, *image;
    char **command, **args;
    char **env; /* KEY=VALUE, configMap references resolved */
    char *workdir;
    struct kube_port *ports;
    size_t nports;
    struct kube_mount *mounts;
    size_t nmounts;
    int64_t run_as_user, run_as_group; /* -1: the image's */
    char **cap_add, **cap_drop;
    bool read_only_root, privileged;
};

enum kube_volume_kind { KUBE_HOSTPATH, KUBE_PVC, KUBE_EMPTYDIR };

struct kube_volume {
    char *name;
    enum kube_volume_kind kind;
    char *source; /* the host path or the claim's name; NULL for emptyDir */
};

struct kube_pod {
    char *name, *hostname;
    char **labels;        /* KEY=VALUE */
    char **annotations;   /* KEY=VALUE (the seccomp ones are read) */
    char *restart_policy; /* Always, OnFailure, Never; NULL: Always */
    struct kube_container *ctrs;
    size_t nctrs;
    struct kube_volume *vols;
    size_t nvols;
};

struct kube_file {
    struct kube_pod *pods;
    size_t npods;
    char **claims; /* PersistentVolumeClaims' names */
};

/* parses text (every document of it); configmaps: more ConfigMap
 * documents (--configmap), NULL for none */
int kube_parse(const char *text, size_t len, const char *configmaps, struct kube_file *out,
               struct pcon_err *err);
void kube_file_free(struct kube_file *f);
/* The seccomp profile of container ctr of kp as the pod's annotations
 * (podman's alpha ones) give it: its own annotation, else the pod's;
 * runtime/default and docker/default the default profile (*out NULL),
 * unconfined, or localhost/NAME in the profile root (no way out of it);
 * else podman's error. *out: "seccomp=..." for --security-opt. */
int kube_seccomp_profile(const struct kube_pod *kp, const char *ctr, const char *root, char **out,
                         struct pcon_err *err);

/* a YAML scalar as kube generate writes it: plain when it reads back as
 * the same string, else double-quoted (malloc'd) */
char *kube_yaml_scalar(const char *s);

#endif
