// SPDX-License-Identifier: Apache-2.0
/* Kubernetes YAML, read with libyaml's document API. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../lib/cleanup.h"
#include "kube.h"

#define KUBE_MAX_DOCS 64

typedef yaml_document_t ydoc;

static yaml_node_t *
ynode(ydoc *d, int i)
{
    return yaml_document_get_node(d, i);
}

static const char *
yscalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *) n->data.scalar.value : NULL;
}

static bool
ymap(const yaml_node_t *n)
{
    return n && n->type == YAML_MAPPING_NODE;
}

static bool
yseq(const yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE;
}

static yaml_node_t *
yget(ydoc *d, const yaml_node_t *m, const char *key)
{
    if (!ymap(m))
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = yscalar(ynode(d, p->key));
        if (k && strcmp(k, key) == 0)
            return ynode(d, p->value);
    }
    return NULL;
}

static size_t
ylen(const yaml_node_t *s)
{
    return yseq(s) ? (size_t) (s->data.sequence.items.top - s->data.sequence.items.start) : 0;
}

static yaml_node_t *
yitem(ydoc *d, const yaml_node_t *s, size_t i)
{
    return ynode(d, s->data.sequence.items.start[i]);
}

static int
bad(struct pcon_err *err, const char *path, const char *what)
{
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "kube: %s: %s", path, what);
}

/* every key of m is known (read) or ignored (podman writes it, nothing
 * follows from it here) */
static int
keys_check(ydoc *d, const yaml_node_t *m, const char *path, const char *const *known,
           const char *const *ignored, struct pcon_err *err)
{
    if (!ymap(m))
        return bad(err, path, "not a mapping");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = yscalar(ynode(d, p->key));
        bool ok = false;
        for (size_t i = 0; k && known[i] && !ok; i++)
            ok = strcmp(k, known[i]) == 0;
        for (size_t i = 0; k && ignored && ignored[i] && !ok; i++)
            ok = strcmp(k, ignored[i]) == 0;
        if (!ok) {
            cleanup_free char *at = xasprintf("%s.%s", path, k ? k : "?");
            return bad(err, at, "field not supported by pcon");
        }
    }
    return 0;
}

/* a scalar field, or NULL when absent; a present non-scalar is an error */
static int
str_field(ydoc *d, const yaml_node_t *m, const char *key, const char *path, char **out,
          struct pcon_err *err)
{
    yaml_node_t *n = yget(d, m, key);

    *out = NULL;
    if (n == NULL)
        return 0;
    if (yscalar(n) == NULL) {
        cleanup_free char *at = xasprintf("%s.%s", path, key);
        return bad(err, at, "not a string");
    }
    *out = xstrdup(yscalar(n));
    return 0;
}

static int
strv_field(ydoc *d, const yaml_node_t *m, const char *key, const char *path, char ***out,
           struct pcon_err *err)
{
    yaml_node_t *n = yget(d, m, key);
    cleanup_free char *at = xasprintf("%s.%s", path, key);

    *out = NULL;
    if (n == NULL)
        return 0;
    if (!yseq(n))
        return bad(err, at, "not a list");
    for (size_t i = 0; i < ylen(n); i++) {
        const char *s = yscalar(yitem(d, n, i));
        if (s == NULL) {
            strv_free(*out);
            *out = NULL;
            return bad(err, at, "not a list of strings");
        }
        strv_push(out, s);
    }
    return 0;
}

/* a map of strings as KEY=VALUE */
static int
map_field(ydoc *d, const yaml_node_t *m, const char *key, const char *path, char ***out,
          struct pcon_err *err)
{
    yaml_node_t *n = yget(d, m, key);
    cleanup_free char *at = xasprintf("%s.%s", path, key);

    *out = NULL;
    if (n == NULL)
        return 0;
    if (!ymap(n))
        return bad(err, at, "not a mapping");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = yscalar(ynode(d, p->key)), *v = yscalar(ynode(d, p->value));
        if (k == NULL || v == NULL || strchr(k, '=')) {
            strv_free(*out);
            *out = NULL;
            return bad(err, at, "not a mapping of strings");
        }
        strv_push_take(out, xasprintf("%s=%s", k, v));
    }
    return 0;
}

static int
int_field(ydoc *d, const yaml_node_t *m, const char *key, const char *path, int64_t min,
          int64_t max, int64_t *out, struct pcon_err *err)
{
    const char *s;
    char *end;
    long long v;
    yaml_node_t *n = yget(d, m, key);

    if (n == NULL)
        return 0;
    s = yscalar(n);
    errno = 0;
    v = s ? strtoll(s, &end, 10) : 0;
    if (s == NULL || *s == '\0' || *end != '\0' || errno || v < min || v > max) {
        cleanup_free char *at = xasprintf("%s.%s", path, key);
        return bad(err, at, "not a number in range");
    }
    *out = v;
    return 0;
}

static int
bool_field(ydoc *d, const yaml_node_t *m, const char *key, const char *path, bool *out,
           struct pcon_err *err)
{
    const char *s = yscalar(yget(d, m, key));

    if (yget(d, m, key) == NULL)
        return 0;
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0))
        *out = true;
    else if (s && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0))
        *out = false;
    else {
        cleanup_free char *at = xasprintf("%s.%s", path, key);
        return bad(err, at, "not true or false");
    }
    return 0;
}

/* ConfigMaps: name -> KEY=VALUE data */
struct cmaps {
    char **names;
    char ***data;
    size_t n;
};

static const char *
cmap_value(const struct cmaps *cm, const char *name, const char *key)
{
    size_t kl = strlen(key);

    for (size_t i = 0; i < cm->n; i++)
        if (strcmp(cm->names[i], name) == 0)
            for (size_t k = 0; cm->data[i] && cm->data[i][k]; k++)
                if (strncmp(cm->data[i][k], key, kl) == 0 && cm->data[i][k][kl] == '=')
                    return cm->data[i][k] + kl + 1;
    return NULL;
}

static char *const *
cmap_all(const struct cmaps *cm, const char *name)
{
    static char *const none[] = { NULL };

    for (size_t i = 0; i < cm->n; i++)
        if (strcmp(cm->names[i], name) == 0)
            return cm->data[i] ? cm->data[i] : none;
    return NULL;
}

static int
env_parse(ydoc *d, const yaml_node_t *c, const char *path, const struct cmaps *cm,
          struct kube_container *out, struct pcon_err *err)
{
    static const char *const e_known[] = { "name", "value", "valueFrom", NULL };
    yaml_node_t *env = yget(d, c, "env"), *from = yget(d, c, "envFrom");
    cleanup_free char *at = NULL;

    if (from && !yseq(from))
        return bad(err, path, "envFrom is not a list");
    for (size_t i = 0; i < ylen(from); i++) {
        static const char *const f_known[] = { "configMapRef", NULL };
        yaml_node_t *f = yitem(d, from, i), *ref;
        const char *name;
        char *const *all;
        free(at);
        at = xasprintf("%s.envFrom[%zu]", path, i);
        if (keys_check(d, f, at, f_known, NULL, err) < 0)
            return -1;
        ref = yget(d, f, "configMapRef");
        if ((name = yscalar(yget(d, ref, "name"))) == NULL)
            return bad(err, at, "configMapRef without a name");
        if ((all = cmap_all(cm, name)) == NULL)
            return bad(err, at, "no such ConfigMap");
        for (size_t k = 0; all[k]; k++)
            strv_push(&out->env, all[k]);
    }
    if (env && !yseq(env))
        return bad(err, path, "env is not a list");
    for (size_t i = 0; i < ylen(env); i++) {
        yaml_node_t *e = yitem(d, env, i), *vf;
        const char *name, *value = NULL;
        free(at);
        at = xasprintf("%s.env[%zu]", path, i);
        if (keys_check(d, e, at, e_known, NULL, err) < 0)
            return -1;
        if ((name = yscalar(yget(d, e, "name"))) == NULL || *name == '\0' || strchr(name, '='))
            return bad(err, at, "a name is required");
        if ((vf = yget(d, e, "valueFrom")) != NULL) {
            static const char *const vf_known[] = { "configMapKeyRef", NULL };
            static const char *const r_known[] = { "name", "key", "optional", NULL };
            yaml_node_t *ref = yget(d, vf, "configMapKeyRef");
            const char *cmn, *key, *opt;
            if (keys_check(d, vf, at, vf_known, NULL, err) < 0
                || keys_check(d, ref, at, r_known, NULL, err) < 0)
                return -1;
            cmn = yscalar(yget(d, ref, "name"));
            key = yscalar(yget(d, ref, "key"));
            opt = yscalar(yget(d, ref, "optional"));
            if (cmn == NULL || key == NULL)
                return bad(err, at, "configMapKeyRef needs name and key");
            value = cmap_value(cm, cmn, key);
            if (value == NULL && !(opt && strcmp(opt, "true") == 0))
                return bad(err, at, "no such ConfigMap key");
            if (value == NULL)
                continue;
        } else if ((value = yscalar(yget(d, e, "value"))) == NULL)
            value = "";
        strv_push_take(&out->env, xasprintf("%s=%s", name, value));
    }
    return 0;
}

static int
ports_parse(ydoc *d, const yaml_node_t *c, const char *path, struct kube_container *out,
            struct pcon_err *err)
{
    static const char *const known[] = { "containerPort", "hostPort", "protocol", "hostIP", NULL };
    static const char *const ignored[] = { "name", NULL };
    yaml_node_t *ports = yget(d, c, "ports");
    cleanup_free char *at = NULL;

    if (ports && !yseq(ports))
        return bad(err, path, "ports is not a list");
    for (size_t i = 0; i < ylen(ports); i++) {
        yaml_node_t *p = yitem(d, ports, i);
        struct kube_port kp = { 0 };
        int64_t cp = 0, hp = 0;
        const char *proto, *ip;
        free(at);
        at = xasprintf("%s.ports[%zu]", path, i);
        if (keys_check(d, p, at, known, ignored, err) < 0
            || int_field(d, p, "containerPort", at, 1, 65535, &cp, err) < 0
            || int_field(d, p, "hostPort", at, 1, 65535, &hp, err) < 0)
            return -1;
        if (cp == 0)
            return bad(err, at, "containerPort is required");
        proto = yscalar(yget(d, p, "protocol"));
        if (proto && strcmp(proto, "TCP") != 0 && strcmp(proto, "UDP") != 0)
            return bad(err, at, "protocol is TCP or UDP");
        ip = yscalar(yget(d, p, "hostIP"));
        if (ip && strlen(ip) >= sizeof kp.host_ip)
            return bad(err, at, "hostIP too long");
        kp.container_port = (uint16_t) cp;
        kp.host_port = (uint16_t) hp;
        kp.udp = proto && strcmp(proto, "UDP") == 0;
        if (ip)
            strcpy(kp.host_ip, ip);
        out->ports = xrealloc(out->ports, (out->nports + 1) * sizeof *out->ports);
        out->ports[out->nports++] = kp;
    }
    return 0;
}

static int
mounts_parse(ydoc *d, const yaml_node_t *c, const char *path, struct kube_container *out,
             struct pcon_err *err)
{
    static const char *const known[] = { "name", "mountPath", "readOnly", NULL };
    static const char *const ignored[] = { "mountPropagation", NULL };
    yaml_node_t *mounts = yget(d, c, "volumeMounts");
    cleanup_free char *at = NULL;

    if (mounts && !yseq(mounts))
        return bad(err, path, "volumeMounts is not a list");
    for (size_t i = 0; i < ylen(mounts); i++) {
        yaml_node_t *m = yitem(d, mounts, i);
        struct kube_mount km = { 0 };
        free(at);
        at = xasprintf("%s.volumeMounts[%zu]", path, i);
        if (keys_check(d, m, at, known, ignored, err) < 0
            || bool_field(d, m, "readOnly", at, &km.ro, err) < 0)
            return -1;
        if (yscalar(yget(d, m, "name")) == NULL || yscalar(yget(d, m, "mountPath")) == NULL
            || yscalar(yget(d, m, "mountPath"))[0] != '/')
            return bad(err, at, "name and an absolute mountPath are required");
        km.name = xstrdup(yscalar(yget(d, m, "name")));
        km.path = xstrdup(yscalar(yget(d, m, "mountPath")));
        out->mounts = xrealloc(out->mounts, (out->nmounts + 1) * sizeof *out->mounts);
        out->mounts[out->nmounts++] = km;
    }
    return 0;
}

static int
security_parse(ydoc *d, const yaml_node_t *c, const char *path, struct kube_container *out,
               struct pcon_err *err)
{
    static const char *const known[] = { "runAsUser",    "runAsGroup",
                                         "capabilities", "readOnlyRootFilesystem",
                                         "privileged",   NULL };
    static const char *const ignored[] = { "allowPrivilegeEscalation", "runAsNonRoot",
                                           "seLinuxOptions",           "procMount",
                                           "seccompProfile",           NULL };
    static const char *const caps_known[] = { "add", "drop", NULL };
    yaml_node_t *sc = yget(d, c, "securityContext"), *caps;
    cleanup_free char *at = xasprintf("%s.securityContext", path);

    if (sc == NULL)
        return 0;
    if (keys_check(d, sc, at, known, ignored, err) < 0
        || int_field(d, sc, "runAsUser", at, 0, 0xfffffffe, &out->run_as_user, err) < 0
        || int_field(d, sc, "runAsGroup", at, 0, 0xfffffffe, &out->run_as_group, err) < 0
        || bool_field(d, sc, "readOnlyRootFilesystem", at, &out->read_only_root, err) < 0
        || bool_field(d, sc, "privileged", at, &out->privileged, err) < 0)
        return -1;
    if ((caps = yget(d, sc, "capabilities")) != NULL) {
        cleanup_free char *cat = xasprintf("%s.capabilities", at);
        if (keys_check(d, caps, cat, caps_known, NULL, err) < 0
            || strv_field(d, caps, "add", cat, &out->cap_add, err) < 0
            || strv_field(d, caps, "drop", cat, &out->cap_drop, err) < 0)
            return -1;
    }
    return 0;
}

static int
container_parse(ydoc *d, const yaml_node_t *c, const char *path, const struct cmaps *cm,
                struct kube_container *out, struct pcon_err *err)
{
    static const char *const known[] = { "name",         "image",           "command",    "args",
                                         "env",          "envFrom",         "workingDir", "ports",
                                         "volumeMounts", "securityContext", NULL };
    static const char *const ignored[] = { "resources",
                                           "imagePullPolicy",
                                           "terminationMessagePath",
                                           "terminationMessagePolicy",
                                           "tty",
                                           "stdin",
                                           "stdinOnce",
                                           NULL };

    memset(out, 0, sizeof *out);
    out->run_as_user = out->run_as_group = -1;
    if (keys_check(d, c, path, known, ignored, err) < 0
        || str_field(d, c, "name", path, &out->name, err) < 0
        || str_field(d, c, "image", path, &out->image, err) < 0
        || strv_field(d, c, "command", path, &out->command, err) < 0
        || strv_field(d, c, "args", path, &out->args, err) < 0
        || str_field(d, c, "workingDir", path, &out->workdir, err) < 0
        || env_parse(d, c, path, cm, out, err) < 0 || ports_parse(d, c, path, out, err) < 0
        || mounts_parse(d, c, path, out, err) < 0 || security_parse(d, c, path, out, err) < 0)
        return -1;
    if (out->name == NULL || out->name[0] == '\0')
        return bad(err, path, "a container needs a name");
    if (out->image == NULL || out->image[0] == '\0')
        return bad(err, path, "a container needs an image");
    return 0;
}

static void
container_free(struct kube_container *c)
{
    free(c->name);
    free(c->image);
    strv_free(c->command);
    strv_free(c->args);
    strv_free(c->env);
    free(c->workdir);
    free(c->ports);
    for (size_t i = 0; i < c->nmounts; i++) {
        free(c->mounts[i].name);
        free(c->mounts[i].path);
    }
    free(c->mounts);
    strv_free(c->cap_add);
    strv_free(c->cap_drop);
}

static void
pod_free_one(struct kube_pod *p)
{
    free(p->name);
    free(p->hostname);
    strv_free(p->labels);
    strv_free(p->annotations);
    free(p->restart_policy);
    for (size_t i = 0; i < p->nctrs; i++)
        container_free(&p->ctrs[i]);
    free(p->ctrs);
    for (size_t i = 0; i < p->nvols; i++) {
        free(p->vols[i].name);
        free(p->vols[i].source);
    }
    free(p->vols);
}

static int
volumes_parse(ydoc *d, const yaml_node_t *spec, const char *path, struct kube_pod *out,
              struct pcon_err *err)
{
    static const char *const known[] = { "name", "hostPath", "persistentVolumeClaim", "emptyDir",
                                         NULL };
    yaml_node_t *vols = yget(d, spec, "volumes");
    cleanup_free char *at = NULL;

    if (vols && !yseq(vols))
        return bad(err, path, "volumes is not a list");
    for (size_t i = 0; i < ylen(vols); i++) {
        yaml_node_t *v = yitem(d, vols, i), *src;
        struct kube_volume kv = { 0 };
        free(at);
        at = xasprintf("%s.volumes[%zu]", path, i);
        if (keys_check(d, v, at, known, NULL, err) < 0)
            return -1;
        if (yscalar(yget(d, v, "name")) == NULL)
            return bad(err, at, "a volume needs a name");
        if ((src = yget(d, v, "hostPath")) != NULL) {
            static const char *const hp_known[] = { "path", "type", NULL };
            const char *p = yscalar(yget(d, src, "path"));
            if (keys_check(d, src, at, hp_known, NULL, err) < 0)
                return -1;
            if (p == NULL || p[0] != '/')
                return bad(err, at, "hostPath needs an absolute path");
            kv.kind = KUBE_HOSTPATH;
            kv.source = xstrdup(p);
        } else if ((src = yget(d, v, "persistentVolumeClaim")) != NULL) {
            static const char *const pvc_known[] = { "claimName", "readOnly", NULL };
            const char *claim = yscalar(yget(d, src, "claimName"));
            if (keys_check(d, src, at, pvc_known, NULL, err) < 0)
                return -1;
            if (claim == NULL || claim[0] == '\0')
                return bad(err, at, "persistentVolumeClaim needs a claimName");
            kv.kind = KUBE_PVC;
            kv.source = xstrdup(claim);
        } else if (yget(d, v, "emptyDir") != NULL) {
            kv.kind = KUBE_EMPTYDIR;
        } else
            return bad(err, at, "hostPath, persistentVolumeClaim or emptyDir is required");
        kv.name = xstrdup(yscalar(yget(d, v, "name")));
        out->vols = xrealloc(out->vols, (out->nvols + 1) * sizeof *out->vols);
        out->vols[out->nvols++] = kv;
    }
    return 0;
}

/* a Pod's metadata and spec (or a Deployment template's) */
static int
pod_parse(ydoc *d, const yaml_node_t *meta, const yaml_node_t *spec, const char *name,
          const char *path, const struct cmaps *cm, struct kube_pod *out, struct pcon_err *err)
{
    static const char *const meta_known[] = { "name", "labels", "annotations", NULL };
    static const char *const meta_ignored[] = { "creationTimestamp", "namespace", "uid",
                                                "resourceVersion", NULL };
    static const char *const spec_known[] = { "containers", "volumes", "hostname", "restartPolicy",
                                              NULL };
    static const char *const spec_ignored[] = {
        "automountServiceAccountToken",  "enableServiceLinks", "dnsPolicy",
        "terminationGracePeriodSeconds", "securityContext",    NULL
    };
    yaml_node_t *ctrs = yget(d, spec, "containers");
    cleanup_free char *mpath = xasprintf("%s.metadata", path), *spath = xasprintf("%s.spec", path);
    cleanup_free char *at = NULL;

    memset(out, 0, sizeof *out);
    if ((meta && keys_check(d, meta, mpath, meta_known, meta_ignored, err) < 0)
        || keys_check(d, spec, spath, spec_known, spec_ignored, err) < 0
        || map_field(d, meta, "labels", mpath, &out->labels, err) < 0
        || map_field(d, meta, "annotations", mpath, &out->annotations, err) < 0
        || str_field(d, spec, "hostname", spath, &out->hostname, err) < 0
        || str_field(d, spec, "restartPolicy", spath, &out->restart_policy, err) < 0)
        return -1;
    if (out->restart_policy && strcmp(out->restart_policy, "Always") != 0
        && strcmp(out->restart_policy, "OnFailure") != 0
        && strcmp(out->restart_policy, "Never") != 0)
        return bad(err, spath, "restartPolicy is Always, OnFailure or Never");
    if (name == NULL || name[0] == '\0')
        return bad(err, mpath, "a name is required");
    out->name = xstrdup(name);
    if (!yseq(ctrs) || ylen(ctrs) == 0)
        return bad(err, spath, "containers: at least one is required");
    out->ctrs = xzalloc(ylen(ctrs) * sizeof *out->ctrs);
    for (size_t i = 0; i < ylen(ctrs); i++) {
        free(at);
        at = xasprintf("%s.containers[%zu]", spath, i);
        if (container_parse(d, yitem(d, ctrs, i), at, cm, &out->ctrs[i], err) < 0) {
            out->nctrs = i + 1;
            return -1;
        }
        out->nctrs = i + 1;
    }
    if (volumes_parse(d, spec, spath, out, err) < 0)
        return -1;
    /* every mount names a volume */
    for (size_t i = 0; i < out->nctrs; i++)
        for (size_t k = 0; k < out->ctrs[i].nmounts; k++) {
            bool found = false;
            for (size_t v = 0; v < out->nvols && !found; v++)
                found = strcmp(out->vols[v].name, out->ctrs[i].mounts[k].name) == 0;
            if (!found) {
                free(at);
                at = xasprintf("%s.containers[%zu].volumeMounts[%zu]", spath, i, k);
                return bad(err, at, "names no volume of the pod");
            }
        }
    return 0;
}

static int
doc_kind(ydoc *d, const yaml_node_t *root, const char **kind, const char *path,
         struct pcon_err *err)
{
    const char *api = yscalar(yget(d, root, "apiVersion"));

    *kind = yscalar(yget(d, root, "kind"));
    if (*kind == NULL || api == NULL)
        return bad(err, path, "apiVersion and kind are required");
    if (strcmp(api, "v1") != 0 && strcmp(api, "apps/v1") != 0)
        return bad(err, path, "apiVersion is v1 (apps/v1 for a Deployment)");
    return 0;
}

/* the ConfigMaps of one YAML text */
static int
configmaps_collect(const char *text, size_t len, struct cmaps *cm, struct pcon_err *err)
{
    yaml_parser_t p;
    int r = 0;

    if (!yaml_parser_initialize(&p))
        return pcon_fail(err, ENOMEM, "kube: parse");
    yaml_parser_set_input_string(&p, (const unsigned char *) text, len);
    for (int n = 0; r == 0 && n < KUBE_MAX_DOCS; n++) {
        ydoc d;
        yaml_node_t *root;
        const char *kind;
        if (!yaml_parser_load(&p, &d)) {
            r = pcon_fail_kind(err, PCON_ERR_USAGE, 0, "kube: YAML: %s at line %zu",
                               p.problem ? p.problem : "invalid", p.problem_mark.line + 1);
            break;
        }
        root = yaml_document_get_root_node(&d);
        if (root == NULL) {
            yaml_document_delete(&d);
            break;
        }
        kind = yscalar(yget(&d, root, "kind"));
        if (kind && strcmp(kind, "ConfigMap") == 0) {
            static const char *const known[] = { "apiVersion", "kind", "metadata", "data", NULL };
            const char *name = yscalar(yget(&d, yget(&d, root, "metadata"), "name"));
            char **data = NULL;
            if (keys_check(&d, root, "ConfigMap", known, NULL, err) < 0
                || map_field(&d, root, "data", "ConfigMap", &data, err) < 0 || name == NULL) {
                if (err->msg == NULL)
                    bad(err, "ConfigMap.metadata", "a name is required");
                strv_free(data);
                r = -1;
            } else {
                cm->names = xrealloc(cm->names, (cm->n + 1) * sizeof *cm->names);
                cm->data = xrealloc(cm->data, (cm->n + 1) * sizeof *cm->data);
                cm->names[cm->n] = xstrdup(name);
                cm->data[cm->n++] = data;
            }
        }
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&p);
    return r;
}

static int
doc_parse(ydoc *d, const yaml_node_t *root, size_t idx, const struct cmaps *cm,
          struct kube_file *out, struct pcon_err *err)
{
    static const char *const top[] = { "apiVersion", "kind", "metadata", "spec", NULL };
    static const char *const top_ignored[] = { "status", NULL };
    char path[32];
    const char *kind;
    yaml_node_t *meta = yget(d, root, "metadata"), *spec = yget(d, root, "spec");
    struct kube_pod pod;

    snprintf(path, sizeof path, "document %zu", idx + 1);
    if (!ymap(root))
        return bad(err, path, "not a mapping");
    if (doc_kind(d, root, &kind, path, err) < 0)
        return -1;
    if (strcmp(kind, "ConfigMap") == 0 || strcmp(kind, "Service") == 0)
        return 0; /* read before; a Service: its ports are the pod's hostPorts */
    if (keys_check(d, root, path, top, top_ignored, err) < 0)
        return -1;
    if (strcmp(kind, "PersistentVolumeClaim") == 0) {
        const char *name = yscalar(yget(d, meta, "name"));
        if (name == NULL)
            return bad(err, path, "a PersistentVolumeClaim needs a name");
        strv_push(&out->claims, name);
        return 0;
    }
    if (strcmp(kind, "Pod") == 0) {
        if (pod_parse(d, meta, spec, yscalar(yget(d, meta, "name")), path, cm, &pod, err) < 0) {
            pod_free_one(&pod);
            return -1;
        }
    } else if (strcmp(kind, "Deployment") == 0) {
        static const char *const dspec[] = { "replicas", "template", NULL };
        static const char *const dspec_ignored[] = { "selector", "strategy", NULL };
        static const char *const tmpl[] = { "metadata", "spec", NULL };
        yaml_node_t *t = yget(d, spec, "template");
        int64_t replicas = 1;
        cleanup_free char *name = NULL;
        const char *dn = yscalar(yget(d, meta, "name"));
        if (keys_check(d, spec, path, dspec, dspec_ignored, err) < 0
            || int_field(d, spec, "replicas", path, 0, 1000, &replicas, err) < 0
            || keys_check(d, t, path, tmpl, NULL, err) < 0)
            return -1;
        if (replicas != 1)
            return bad(err, path, "a Deployment of one replica only");
        if (dn == NULL)
            return bad(err, path, "a Deployment needs a name");
        name = xasprintf("%s-pod-0", dn); /* as podman names it */
        if (pod_parse(d, yget(d, t, "metadata"), yget(d, t, "spec"), name, path, cm, &pod, err)
            < 0) {
            pod_free_one(&pod);
            return -1;
        }
    } else {
        cleanup_free char *what = xasprintf("kind %s not supported by pcon", kind);
        return bad(err, path, what);
    }
    out->pods = xrealloc(out->pods, (out->npods + 1) * sizeof *out->pods);
    out->pods[out->npods++] = pod;
    return 0;
}

void
kube_file_free(struct kube_file *f)
{
    for (size_t i = 0; i < f->npods; i++)
        pod_free_one(&f->pods[i]);
    free(f->pods);
    strv_free(f->claims);
    memset(f, 0, sizeof *f);
}

int
kube_parse(const char *text, size_t len, const char *configmaps, struct kube_file *out,
           struct pcon_err *err)
{
    struct cmaps cm = { 0 };
    yaml_parser_t p;
    int r = 0;
    size_t n;

    memset(out, 0, sizeof *out);
    if (configmaps && configmaps_collect(configmaps, strlen(configmaps), &cm, err) < 0)
        r = -1;
    if (r == 0 && configmaps_collect(text, len, &cm, err) < 0)
        r = -1;
    if (r == 0 && !yaml_parser_initialize(&p))
        r = pcon_fail(err, ENOMEM, "kube: parse");
    if (r == 0) {
        yaml_parser_set_input_string(&p, (const unsigned char *) text, len);
        for (n = 0; r == 0; n++) {
            ydoc d;
            yaml_node_t *root;
            if (n == KUBE_MAX_DOCS) {
                r = bad(err, "file", "too many documents");
                break;
            }
            if (!yaml_parser_load(&p, &d)) {
                r = pcon_fail_kind(err, PCON_ERR_USAGE, 0, "kube: YAML: %s at line %zu",
                                   p.problem ? p.problem : "invalid", p.problem_mark.line + 1);
                break;
            }
            root = yaml_document_get_root_node(&d);
            if (root == NULL) {
                yaml_document_delete(&d);
                break;
            }
            r = doc_parse(&d, root, n, &cm, out, err);
            yaml_document_delete(&d);
        }
        yaml_parser_delete(&p);
    }
    for (size_t i = 0; i < cm.n; i++) {
        free(cm.names[i]);
        strv_free(cm.data[i]);
    }
    free(cm.names);
    free(cm.data);
    if (r == 0 && out->npods == 0)
        r = bad(err, "file", "no Pod or Deployment in it");
    if (r < 0)
        kube_file_free(out);
    return r;
}

char *
kube_yaml_scalar(const char *s)
{
    static const char *const special[] = { "true", "false", "yes",   "no",    "on", "off", "null",
                                           "~",    "True",  "False", "Null",  "y",  "n",   "Y",
                                           "N",    "NULL",  "TRUE",  "FALSE", NULL };
    bool plain = *s != '\0'
                 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789/._-:=@+,")
                        == strlen(s);
    char *out, *o;

    plain = plain && strchr("-:.@+,=", s[0]) == NULL && strstr(s, ": ") == NULL
            && s[strlen(s) - 1] != ':' && strspn(s, "0123456789.+-eE") != strlen(s);
    for (size_t i = 0; special[i] && plain; i++)
        plain = strcmp(s, special[i]) != 0;
    if (plain)
        return xstrdup(s);
    out = o = xmalloc(strlen(s) * 6 + 3);
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *) s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *o++ = '\\';
            *o++ = (char) *c;
        } else if (*c < 0x20 || *c == 0x7f) {
            o += sprintf(o, "\\x%02x", *c);
        } else
            *o++ = (char) *c;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

#define SECCOMP_POD_KEY "seccomp.security.alpha.kubernetes.io/pod"
#define SECCOMP_CTR_KEY "container.seccomp.security.alpha.kubernetes.io"

int
kube_seccomp_profile(const struct kube_pod *kp, const char *ctr, const char *root, char **out,
                     struct pcon_err *err)
{
    size_t kl = strlen(SECCOMP_CTR_KEY), pl = strlen(SECCOMP_POD_KEY), cl = strlen(ctr);
    const char *pod = NULL, *own = NULL, *v;

    *out = NULL;
    for (size_t i = 0; kp->annotations && kp->annotations[i]; i++) {
        const char *a = kp->annotations[i], *eq = strchr(a, '='), *name = a + kl + 1;
        if (eq == NULL)
            continue;
        if ((size_t) (eq - a) == pl && strncmp(a, SECCOMP_POD_KEY, pl) == 0) {
            pod = eq + 1;
            continue;
        }
        if (strncmp(a, SECCOMP_CTR_KEY, kl) != 0 || (a[kl] != '=' && a[kl] != '/'))
            continue;
        /* as podman: the key must be PREFIX/CONTAINER */
        if (a[kl] == '=' || name == eq || memchr(name, '/', (size_t) (eq - name)))
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid seccomp path: %.*s",
                                  (int) (eq - a), a);
        if ((size_t) (eq - name) == cl && strncmp(name, ctr, cl) == 0)
            own = eq + 1;
    }
    v = own ? own : pod;
    if (v == NULL || strcmp(v, "runtime/default") == 0 || strcmp(v, "docker/default") == 0)
        return 0;
    if (strcmp(v, "unconfined") == 0) {
        *out = xstrdup("seccomp=unconfined");
        return 0;
    }
    if (strncmp(v, "localhost/", 10) == 0 && v[10] != '\0' && v[10] != '/') {
        bool up = false; /* a ".." component: out of the root */
        for (const char *c = v + 10; *c && !up; c += strcspn(c, "/"), c += *c == '/')
            up = strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0');
        if (!up) {
            *out = xasprintf("seccomp=%s/%s", root, v + 10);
            return 0;
        }
    }
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid seccomp path: %s", v);
}
