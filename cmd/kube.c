// SPDX-License-Identifier: Apache-2.0
/* pcon kube play|down|generate (and podman's older names play kube,
 * generate kube): pods from Kubernetes YAML, and YAML from pods. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../builder/build.h"
#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../pod/kube.h"
#include "../pod/pod.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../storage/volume.h"
#include "cmd.h"
#include "ctr_report.h"
#include "ctr_opts.h"

#define KUBE_FILE_MAX (8 << 20)

enum {
    KUBE_DOWN = 0x900,
    KUBE_REPLACE,
    KUBE_START,
    KUBE_NETWORK,
    KUBE_CONFIGMAP,
    KUBE_LOG_DRIVER,
    KUBE_SERVICE,
    KUBE_FILENAME,
    KUBE_BUILD,
    KUBE_CONTEXT_DIR,
    KUBE_SECCOMP_ROOT,
};

/* kube play's options for every container (registry, log, annotations)
 * and for the pod (its infra's network options, user namespace) */
struct play_extra {
    struct {
        int id;
        const char *arg;
    } member[64], pod[16];
    size_t nmember, npod;
    int build;                /* --build: 1 always, 0 never, -1 (default) when missing */
    const char *context_dir;  /* where a container's image may have its build directory */
    const char *seccomp_root; /* --seccomp-profile-root: localhost/NAME profiles' directory */
    bool quiet;
};

static char *
file_read(const char *path, size_t *len, struct pcon_err *err)
{
    char *text = strcmp(path, "-") == 0 ? fs_read_fd(0, KUBE_FILE_MAX, len, err)
                                        : fs_read_all(AT_FDCWD, path, KUBE_FILE_MAX, len, err);

    if (text == NULL)
        pcon_prefix(err, "read %s", path);
    return text;
}

/* the name of a volume made for an emptyDir of a pod */
static char *
empty_dir_volume(const char *pod, const char *vol)
{
    return xasprintf("%s-%s", pod, vol);
}

static const struct kube_volume *
volume_of(const struct kube_pod *p, const char *name)
{
    for (size_t i = 0; i < p->nvols; i++)
        if (strcmp(p->vols[i].name, name) == 0)
            return &p->vols[i];
    return NULL;
}

static int
opt(struct create_args *a, int id, const char *arg, struct pcon_err *err)
{
    return cmd_create_opt(a, id, arg, err) < 0 ? -1 : 0;
}

/* one container of the pod, made through the same options run takes */
static int
member_create(struct cmd_ctx *ctx, const struct kube_pod *kp, const struct kube_container *kc,
              const char *pod_id, const char *log_driver, const struct play_extra *x, char **out_id,
              struct pcon_err *err)
{
    struct create_args a;
    struct container c;
    cleanup_free char *name = xasprintf("%s-%s", kp->name, kc->name), *user = NULL;
    cleanup_free char *seccomp = NULL;
    cleanup_strv char **operands = NULL;
    const char *restart = "always";
    int r = -1;

    cmd_create_args_init(&a);
    if (kp->restart_policy && strcmp(kp->restart_policy, "OnFailure") == 0)
        restart = "on-failure";
    else if (kp->restart_policy && strcmp(kp->restart_policy, "Never") == 0)
        restart = "no";
    if (opt(&a, CO_NAME, name, err) < 0 || opt(&a, CO_POD, pod_id, err) < 0
        || opt(&a, CO_RESTART, restart, err) < 0
        || (log_driver && opt(&a, CO_LOG_DRIVER, log_driver, err) < 0)
        || (kc->workdir && opt(&a, 'w', kc->workdir, err) < 0))
        goto out;
    for (size_t i = 0; kc->env && kc->env[i]; i++)
        if (opt(&a, 'e', kc->env[i], err) < 0)
            goto out;
    for (size_t i = 0; i < x->nmember; i++)
        if (opt(&a, x->member[i].id, x->member[i].arg, err) < 0)
            goto out;
    for (size_t i = 0; kc->cap_add && kc->cap_add[i]; i++)
        if (opt(&a, CO_CAP_ADD, kc->cap_add[i], err) < 0)
            goto out;
    for (size_t i = 0; kc->cap_drop && kc->cap_drop[i]; i++)
        if (opt(&a, CO_CAP_DROP, kc->cap_drop[i], err) < 0)
            goto out;
    if (kc->read_only_root && opt(&a, CO_READ_ONLY, NULL, err) < 0)
        goto out;
    if (kc->privileged && opt(&a, CO_PRIVILEGED, NULL, err) < 0)
        goto out;
    if (kube_seccomp_profile(kp, kc->name, x->seccomp_root, &seccomp, err) < 0
        || (seccomp && opt(&a, CO_SECURITY_OPT, seccomp, err) < 0))
        goto out;
    /* (the options keep pointers to their values: user lives as long) */
    if (kc->run_as_user >= 0) {
        user = kc->run_as_group >= 0 ? xasprintf("%lld:%lld", (long long) kc->run_as_user,
                                                 (long long) kc->run_as_group)
                                     : xasprintf("%lld", (long long) kc->run_as_user);
        if (opt(&a, 'u', user, err) < 0)
            goto out;
    }
    for (size_t i = 0; i < kc->nmounts; i++) {
        const struct kube_volume *v = volume_of(kp, kc->mounts[i].name);
        cleanup_free char *src =
            v->kind == KUBE_EMPTYDIR ? empty_dir_volume(kp->name, v->name) : xstrdup(v->source);
        cleanup_free char *spec =
            xasprintf("%s:%s%s", src, kc->mounts[i].path, kc->mounts[i].ro ? ":ro" : "");
        if (opt(&a, 'v', spec, err) < 0)
            goto out;
    }
    /* command: the entrypoint and its first arguments; args: the rest */
    strv_push(&operands, kc->image);
    if (kc->command && kc->command[0]) {
        a.o.entrypoint = kc->command[0];
        a.o.entrypoint_set = true;
        for (size_t i = 1; kc->command[i]; i++)
            strv_push(&operands, kc->command[i]);
    }
    for (size_t i = 0; kc->args && kc->args[i]; i++)
        strv_push(&operands, kc->args[i]);
    a.o.pull = PULL_MISSING;
    r = cmd_create_container(ctx, &a, operands, &c, err);
    if (r == 0) {
        *out_id = xstrdup(c.cfg.id);
        engine_ctr_free(&c);
    }
out:
    cmd_create_args_free(&a);
    return r;
}

/* the pod (its infra publishing the containers' hostPorts), its volumes,
 * its containers; nothing of it stays when one fails */
/* --build: the image of a container built from the directory of its name
 * beside the YAML (or in --context-dir), when it has a Containerfile */
static int
image_build(struct cmd_ctx *ctx, const struct kube_container *kc, const struct play_extra *x,
            struct pcon_err *err)
{
    const char *slash = strrchr(kc->image, '/');
    cleanup_free char *base = xstrdup(slash ? slash + 1 : kc->image), *dir = NULL;
    cleanup_free char *canon = NULL;
    struct stat st;
    bool have = false;
    char *colon = strchr(base, ':');

    if (x->build == 0)
        return 0;
    if (colon)
        *colon = '\0';
    dir = xasprintf("%s/%s", x->context_dir, base);
    if (!(stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    {
        cleanup_free char *cf = xasprintf("%s/Containerfile", dir),
                          *df = xasprintf("%s/Dockerfile", dir);
        if (access(cf, F_OK) < 0 && access(df, F_OK) < 0)
            return 0;
    }
    if (x->build < 0) {
        struct image img = { 0 };
        cleanup_close int lock = storage_lock(&ctx->st, false, NULL);
        have = lock >= 0 && storage_image_lookup(&ctx->st, kc->image, &img, NULL) == 0;
        storage_image_free(&img);
        if (have)
            return 0;
    }
    {
        char id[65];
        int status = 0;
        char *tags[] = { (char *) kc->image, NULL };
        struct build_opts bo = { .context = dir,
                                 .tags = tags,
                                 .timestamp = -1,
                                 .out = x->quiet ? NULL : stderr,
                                 .quiet = x->quiet,
                                 .run_status = &status,
                                 .skip_unused = true };
        FILE *null = NULL;
        int r;
        if (bo.out == NULL)
            bo.out = null = fopen("/dev/null", "we");
        r = bo.out ? builder_build(&ctx->st, &bo, id, err)
                   : pcon_fail(err, errno, "open /dev/null");
        if (null)
            fclose(null);
        if (r < 0)
            return pcon_prefix(err, "build %s from %s", kc->image, dir);
    }
    return 0;
}

static int
pod_play(struct cmd_ctx *ctx, const struct kube_pod *kp, const char *network,
         const char *log_driver, bool replace, bool start, const struct play_extra *x, char ***ids,
         struct pcon_err *err)
{
    struct create_args a;
    struct pod_create_opts po = { 0 };
    struct pod p, old;
    cleanup_strv char **command = NULL;
    int r = 0;

    if (pod_load(&ctx->st, kp->name, &old, NULL) == 0) {
        if (!replace) {
            pod_free(&old);
            return pcon_fail(err, 0, "pod %s already exists (kube play --replace replaces it)",
                             kp->name);
        }
        r = pod_remove(&ctx->st, &old, true, 0, err);
        pod_free(&old);
        if (r < 0)
            return -1;
    }
    cmd_create_args_init(&a);
    strv_push(&command, "pcon");
    strv_push(&command, "pod");
    strv_push(&command, "create");
    strv_push(&command, "--name");
    strv_push(&command, kp->name);
    if (network) {
        strv_push(&command, "--network");
        strv_push(&command, network);
        r = opt(&a, CO_NETWORK, network, err);
    }
    for (size_t i = 0; r == 0 && i < kp->nctrs; i++)
        for (size_t k = 0; r == 0 && k < kp->ctrs[i].nports; k++) {
            const struct kube_port *pt = &kp->ctrs[i].ports[k];
            cleanup_free char *spec = NULL;
            if (pt->host_port == 0)
                continue;
            spec = pt->host_ip[0]
                       ? xasprintf("%s%s%s:%u:%u/%s", strchr(pt->host_ip, ':') ? "[" : "",
                                   pt->host_ip, strchr(pt->host_ip, ':') ? "]" : "", pt->host_port,
                                   pt->container_port, pt->udp ? "udp" : "tcp")
                       : xasprintf("%u:%u/%s", pt->host_port, pt->container_port,
                                   pt->udp ? "udp" : "tcp");
            strv_push(&command, "-p");
            strv_push(&command, spec);
            r = opt(&a, 'p', spec, err);
        }
    for (size_t i = 0; r == 0 && i < x->npod; i++)
        r = opt(&a, x->pod[i].id, x->pod[i].arg, err);
    for (size_t i = 0; r == 0 && i < kp->nctrs; i++)
        r = image_build(ctx, &kp->ctrs[i], x, err);
    if (r == 0)
        r = cmd_create_net_finish(&a, err);
    if (r < 0) {
        cmd_create_args_free(&a);
        return -1;
    }
    /* the claims and emptyDirs: volumes, made once */
    for (size_t i = 0; i < kp->nvols; i++) {
        const struct kube_volume *v = &kp->vols[i];
        cleanup_free char *name = NULL;
        struct volume_rec rec;
        if (v->kind == KUBE_HOSTPATH)
            continue;
        name = v->kind == KUBE_EMPTYDIR ? empty_dir_volume(kp->name, v->name) : xstrdup(v->source);
        if (storage_volume_create(&ctx->st, name, NULL, NULL, true, false, &rec, err) < 0) {
            cmd_create_args_free(&a);
            return -1;
        }
        storage_volume_free(&rec);
    }
    po.name = kp->name;
    po.hostname = kp->hostname ? kp->hostname : kp->name;
    po.labels = kp->labels;
    po.share = POD_SHARE_DEFAULT;
    po.argv = command;
    po.infra = a.o;
    po.infra.net_aliases = a.aliases;
    r = pod_create(&ctx->st, &po, &p, err);
    cmd_create_args_free(&a);
    if (r < 0)
        return -1;
    strv_push(ids, p.cfg.id);
    for (size_t i = 0; r == 0 && i < kp->nctrs; i++) {
        char *id = NULL;
        r = member_create(ctx, kp, &kp->ctrs[i], p.cfg.id, log_driver, x, &id, err);
        if (r == 0)
            strv_push_take(ids, id);
    }
    if (r == 0 && start)
        r = pod_start(&ctx->st, &p, err);
    if (r < 0) {
        cleanup_err struct pcon_err e2 = { 0 };
        (void) pod_remove(&ctx->st, &p, true, 0, &e2); /* nothing half-made stays */
    }
    pod_free(&p);
    return r;
}

/* kube down: the file's pods removed (their claims' volumes stay) */
static int
kube_down(struct cmd_ctx *ctx, const struct kube_file *f, struct pcon_err *err)
{
    cleanup_strv char **stopped = NULL;
    int code = 0;

    for (size_t i = 0; i < f->npods; i++) {
        struct pod p;
        if (pod_load(&ctx->st, f->pods[i].name, &p, NULL) < 0)
            continue;
        if (pod_remove(&ctx->st, &p, true, -1, err) < 0) {
            code = cmd_report(err);
            pcon_err_clear(err);
        } else
            strv_push(&stopped, p.cfg.id);
        for (size_t k = 0; k < f->pods[i].nvols; k++)
            if (f->pods[i].vols[k].kind == KUBE_EMPTYDIR) {
                cleanup_free char *v = empty_dir_volume(f->pods[i].name, f->pods[i].vols[k].name);
                (void) storage_volume_remove(&ctx->st, v, NULL);
            }
        pod_free(&p);
    }
    if (stopped) {
        printf("Pods stopped:\n");
        for (size_t i = 0; stopped[i]; i++)
            printf("%s\n", stopped[i]);
        printf("Pods removed:\n");
        for (size_t i = 0; stopped[i]; i++)
            printf("%s\n", stopped[i]);
    }
    return code;
}

static const struct cmd_opt play_opts[] = {
    { KUBE_CONFIGMAP, "configmap", 0, "FILE", "A YAML file of ConfigMaps for the pods' env" },
    { KUBE_DOWN, "down", 0, NULL, "Stop and remove the pods the file describes" },
    { KUBE_LOG_DRIVER, "log-driver", 0, "DRIVER", "Logging driver for the containers" },
    { KUBE_NETWORK, "network", 0, "NET", "The pods' network (a user network, or a mode)" },
    { KUBE_REPLACE, "replace", 0, NULL, "Replace pods that exist already" },
    { KUBE_START, "start", 0, "BOOL", "Start the pods (default true)" },
    { CO_ANNOTATION, "annotation", 0, "KEY=VALUE", "An annotation on every container" },
    { KUBE_BUILD, "build", 0, NULL,
      "Build a container's image from the directory of its name (default: when missing; false:"
      " never)" },
    { KUBE_CONTEXT_DIR, "context-dir", 0, "DIR",
      "Where those directories are (default: the YAML file's)" },
    { CO_IP, "ip", 0, "IP", "The pod's static IP address on its network" },
    { CO_LOG_OPT, "log-opt", 0, "KEY=VALUE", "A logging option of every container" },
    { CO_MAC_ADDRESS, "mac-address", 0, "MAC", "The pod's static MAC address" },
    { CO_NO_HOSTS, "no-hosts", 0, NULL, "Do not create /etc/hosts for the pods" },
    { 'q', "quiet", 'q', NULL, "Pull and build without progress" },
    { CO_USERNS, "userns", 0, "MODE", "The pods' user namespace (as pod create's)" },
    { KUBE_SECCOMP_ROOT, "seccomp-profile-root", 0, "DIR",
      "Where the seccomp annotations' localhost/NAME profiles are"
      " (default /var/lib/kubelet/seccomp)" },
    CMD_REG_OPTS,
    { 0 },
};

static int
play_or_down(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv, bool down)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *text = NULL, *cmaps = NULL;
    const char *network = NULL, *log_driver = NULL, *configmap = NULL;
    bool replace = false, start = true;
    struct kube_file f;
    struct play_extra x = { .build = -1, .seccomp_root = "/var/lib/kubelet/seccomp" };
    cleanup_free char *yaml_dir = NULL;
    size_t len = 0;
    char *arg;
    int o, code = 0;

    while ((o = cmd_getopt(def, argc, argv, &arg)) != -1) {
        if ((o == CO_ANNOTATION || o == CO_LOG_OPT || o == CMD_OPT_AUTHFILE || o == CMD_OPT_CERT_DIR
             || o == CMD_OPT_CREDS || o == CMD_OPT_TLS_VERIFY || o == 'q')
            && x.nmember < 64) {
            x.member[x.nmember].id = o == 'q' ? CO_QUIET : o;
            x.member[x.nmember++].arg = arg;
            if (o == 'q')
                x.quiet = cmd_flag_value(arg);
            continue;
        }
        if ((o == CO_IP || o == CO_MAC_ADDRESS || o == CO_NO_HOSTS || o == CO_USERNS)
            && x.npod < 16) {
            x.pod[x.npod].id = o;
            x.pod[x.npod++].arg = arg;
            continue;
        }
        switch (o) {
        case KUBE_BUILD:
            x.build = cmd_flag_value(arg) ? 1 : 0;
            break;
        case KUBE_CONTEXT_DIR:
            x.context_dir = arg;
            break;
        case KUBE_SECCOMP_ROOT:
            x.seccomp_root = arg;
            break;
        case KUBE_DOWN:
            down = cmd_flag_value(arg);
            break;
        case KUBE_REPLACE:
            replace = cmd_flag_value(arg);
            break;
        case KUBE_START:
            start = cmd_flag_value(arg);
            break;
        case KUBE_NETWORK:
            network = arg;
            break;
        case KUBE_CONFIGMAP:
            configmap = arg;
            break;
        case KUBE_LOG_DRIVER:
            log_driver = arg;
            break;
        default:
            return o == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind != 1)
        return cmd_usage_error(def, "accepts 1 arg(s), received %d", argc - optind);
    if ((text = file_read(argv[optind], &len, &err)) == NULL
        || (configmap && (cmaps = file_read(configmap, NULL, &err)) == NULL)
        || kube_parse(text, len, cmaps, &f, &err) < 0 || cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (x.context_dir == NULL) {
        const char *sl = strrchr(argv[optind], '/');
        yaml_dir = sl ? xstrndup(argv[optind], (size_t) (sl - argv[optind])) : xstrdup(".");
        x.context_dir = *yaml_dir ? yaml_dir : "/";
    }
    if (down) {
        code = kube_down(ctx, &f, &err);
    } else {
        for (size_t i = 0; i < f.npods; i++) {
            cleanup_strv char **ids = NULL;
            if (pod_play(ctx, &f.pods[i], network, log_driver, replace, start, &x, &ids, &err)
                < 0) {
                code = cmd_report(&err);
                break;
            }
            printf("Pod:\n%s\nContainer:\n", ids[0]); /* podman 4.3 says Container */
            for (size_t k = 1; ids[k]; k++)
                printf("%s\n", ids[k]);
            printf("\n");
        }
    }
    kube_file_free(&f);
    return code;
}

static int
cmd_kube_play(struct cmd_ctx *ctx, int argc, char **argv)
{
    return play_or_down(ctx, &cmd_kube_play_def, argc, argv, false);
}

const struct cmd_def cmd_kube_play_def = {
    "kube play",        cmd_kube_play, "Play a pod and its containers from a Kubernetes YAML file",
    "[options] FILE|-", play_opts,
};

static int
cmd_kube_down(struct cmd_ctx *ctx, int argc, char **argv)
{
    return play_or_down(ctx, &cmd_kube_down_def, argc, argv, true);
}

const struct cmd_def cmd_kube_down_def = {
    "kube down", cmd_kube_down, "Remove the pods a Kubernetes YAML file describes", "FILE|-", NULL,
};

/* ------------------------------------------------------------------ */
/* kube generate                                                       */

/* "key: scalar" at the indent */
static void
y_kv(char **text, int indent, const char *key, const char *value)
{
    cleanup_free char *v = kube_yaml_scalar(value);

    xappendf(text, "%*s%s: %s\n", indent, "", key, v);
}

static void
y_list(char **text, int indent, const char *key, char *const *v)
{
    if (v == NULL || v[0] == NULL)
        return;
    xappendf(text, "%*s%s:\n", indent, "", key);
    for (size_t i = 0; v[i]; i++) {
        cleanup_free char *s = kube_yaml_scalar(v[i]);
        xappendf(text, "%*s- %s\n", indent, "", s);
    }
}

/* a name of Kubernetes' (a DNS label) made of s */
static char *
k8s_name(const char *s)
{
    char *out = xstrdup(s[0] == '/' ? s + 1 : s);

    for (char *c = out; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            *c = (*c >= 'A' && *c <= 'Z') ? (char) (*c - 'A' + 'a') : '-';
    if (out[0] == '\0') {
        free(out);
        out = xstrdup("root");
    }
    return out;
}

static bool
env_default(const char *kv)
{
    static const char *const skip[] = {
        "PATH=", "TERM=", "container=", "HOSTNAME=", "HOME=", NULL
    };

    for (size_t i = 0; skip[i]; i++)
        if (strncmp(kv, skip[i], strlen(skip[i])) == 0)
            return true;
    return false;
}

/* --user's numeric UID[:GID] (-1 for what is a name, or not given) */
static void
user_ids(const char *user, long *uid, long *gid)
{
    char *end;
    long v;

    *uid = *gid = -1;
    if (user == NULL || *user == '\0')
        return;
    v = strtol(user, &end, 10);
    if (end != user && (*end == '\0' || *end == ':'))
        *uid = v;
    if (*end == ':' && end[1]) {
        const char *g = end + 1;
        v = strtol(g, &end, 10);
        if (end != g && *end == '\0')
            *gid = v;
    }
}

struct gen_vol {
    char *name, *source;
    bool host; /* hostPath, else a claim */
};

/* a container's name in its Pod: kube play names them POD-NAME, so NAME
 * again */
static const char *
member_name(const struct ctr_config *g, const char *pod)
{
    size_t pl = strlen(pod);

    return strncmp(g->name, pod, pl) == 0 && g->name[pl] == '-' && g->name[pl + 1]
               ? g->name + pl + 1
               : g->name;
}

static void
container_yaml(char **text, const struct container *c, const char *pod,
               const struct netns_port *ports, size_t np, struct gen_vol **vols, size_t *nvols)
{
    long uid = -1, gid = -1;
    const char *cname = member_name(&c->cfg, pod);
    cleanup_free char *qname = kube_yaml_scalar(cname);

    xappendf(text, "  - name: %s\n", qname);
    y_kv(text, 4, "image", c->cfg.image_name);
    y_list(text, 4, "command", c->cfg.args);
    if (c->cfg.env) {
        bool any = false;
        for (size_t i = 0; c->cfg.env[i]; i++) {
            const char *eq = strchr(c->cfg.env[i], '=');
            cleanup_free char *k = NULL;
            if (eq == NULL || env_default(c->cfg.env[i]))
                continue;
            if (!any)
                xappendf(text, "    env:\n");
            any = true;
            k = xstrndup(c->cfg.env[i], (size_t) (eq - c->cfg.env[i]));
            y_kv(text, 4, "- name", k);
            y_kv(text, 6, "value", eq + 1);
        }
    }
    if (np) {
        xappendf(text, "    ports:\n");
        for (size_t i = 0; i < np; i++) {
            xappendf(text, "    - containerPort: %u\n", ports[i].ctr_port);
            if (ports[i].host_port)
                xappendf(text, "      hostPort: %u\n", ports[i].host_port);
            if (ports[i].host_ip[0])
                y_kv(text, 6, "hostIP", ports[i].host_ip);
            if (ports[i].udp)
                xappendf(text, "      protocol: UDP\n");
        }
    }
    user_ids(c->cfg.user, &uid, &gid);
    if (uid > 0 || gid > 0 || c->cfg.cap_add || c->cfg.cap_drop || c->cfg.read_only
        || c->cfg.privileged) {
        xappendf(text, "    securityContext:\n");
        if (c->cfg.privileged)
            xappendf(text, "      privileged: true\n");
        if (gid > 0)
            xappendf(text, "      runAsGroup: %ld\n", gid);
        if (uid > 0)
            xappendf(text, "      runAsUser: %ld\n", uid);
        if ((c->cfg.cap_add || c->cfg.cap_drop) && !c->cfg.privileged) {
            xappendf(text, "      capabilities:\n");
            y_list(text, 8, "add", c->cfg.cap_add);
            y_list(text, 8, "drop", c->cfg.cap_drop);
        }
        if (c->cfg.read_only)
            xappendf(text, "      readOnlyRootFilesystem: true\n");
    }
    if (c->cfg.volumes) {
        bool head = false;
        for (size_t i = 0; c->cfg.volumes[i]; i++) {
            cleanup_free char *buf = xstrdup(c->cfg.volumes[i]);
            char *dst = strchr(buf, ':'), *ro;
            cleanup_free char *vname = NULL;
            bool host;
            if (dst == NULL)
                continue;
            *dst++ = '\0';
            ro = strchr(dst, ':');
            if (ro)
                *ro++ = '\0';
            host = buf[0] == '/';
            if (!head)
                xappendf(text, "    volumeMounts:\n");
            head = true;
            {
                cleanup_free char *base = k8s_name(buf);
                vname = xasprintf("%s-%s", base, host ? "host" : "pvc");
            }
            y_kv(text, 4, "- mountPath", dst);
            y_kv(text, 6, "name", vname);
            if (ro && strcmp(ro, "ro") == 0)
                xappendf(text, "      readOnly: true\n");
            bool seen = false;
            for (size_t k = 0; k < *nvols && !seen; k++)
                seen = strcmp((*vols)[k].name, vname) == 0;
            if (!seen) {
                *vols = xrealloc(*vols, (*nvols + 1) * sizeof **vols);
                (*vols)[(*nvols)++] = (struct gen_vol){ xstrdup(vname), xstrdup(buf), host };
            }
        }
    }
    if (c->cfg.workdir && strcmp(c->cfg.workdir, "/") != 0)
        y_kv(text, 4, "workingDir", c->cfg.workdir);
}

static const char *
k8s_restart(const struct container *c)
{
    return c->cfg.restart == RESTART_NO           ? "Never"
           : c->cfg.restart == RESTART_ON_FAILURE ? "OnFailure"
                                                  : "Always";
}

/* podman's annotations of each container, sorted: its TTY, --rm, --init,
 * --privileged, -P; in a pod, its type and the pod's id (63 characters, as
 * Kubernetes allows) */
static void
annotations_yaml(char **text, const struct container *v, size_t n, const char *pod,
                 const char *pod_id)
{
    cleanup_strv char **lines = NULL;

    for (size_t i = 0; i < n; i++) {
        const struct ctr_config *g = &v[i].cfg;
        const char *name = member_name(g, pod);
        cleanup_strv char **own = cmd_ctr_podman_annotations(g);
        if (pod_id) {
            strv_push_take(&lines,
                           xasprintf("io.kubernetes.cri-o.ContainerType/%s: container", name));
            strv_push_take(&lines,
                           xasprintf("io.kubernetes.cri-o.SandboxID/%s: %.63s", name, pod_id));
        }
        /* KEY=VALUE as KEY/NAME: "VALUE" */
        for (size_t k = 0; own[k]; k++) {
            const char *eq = strchr(own[k], '=');
            strv_push_take(&lines,
                           xasprintf("%.*s/%s: \"%s\"", (int) (eq - own[k]), own[k], name, eq + 1));
        }
    }
    if (lines == NULL)
        return;
    strv_sort(lines);
    xappendf(text, "  annotations:\n");
    for (size_t i = 0; lines[i]; i++)
        xappendf(text, "    %s\n", lines[i]);
}

/* a v1 Pod of the containers members (of a pod, pod_id; or containers
 * alone, oldest last), ports the pod's published ones (NULL: each
 * container's own) */
static char *
pod_yaml(const char *name, const char *pod_id, const char *hostname, char *const *labels,
         const struct container *v, size_t n, const struct netns_port *ports, size_t np)
{
    char now[64];
    char *text = NULL;
    struct gen_vol *vols = NULL;
    size_t nvols = 0;
    cleanup_free char *app = kube_yaml_scalar(name);

    time_t t = time(NULL);
    struct tm tm;

    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    xappendf(&text, "apiVersion: v1\nkind: Pod\nmetadata:\n");
    annotations_yaml(&text, v, n, name, pod_id);
    xappendf(&text, "  creationTimestamp: \"%s\"\n", now);
    xappendf(&text, "  labels:\n    app: %s\n", app);
    for (size_t i = 0; labels && labels[i]; i++) {
        const char *eq = strchr(labels[i], '=');
        cleanup_free char *k = eq ? xstrndup(labels[i], (size_t) (eq - labels[i])) : NULL;
        cleanup_free char *kq = k ? kube_yaml_scalar(k) : NULL;
        if (k && strcmp(k, "app") != 0) {
            cleanup_free char *vq = kube_yaml_scalar(eq + 1);
            xappendf(&text, "    %s: %s\n", kq, vq);
        }
    }
    y_kv(&text, 2, "name", name);
    xappendf(&text, "spec:\n  automountServiceAccountToken: false\n  containers:\n");
    /* oldest first, as they were made; the pod's ports on the first */
    for (size_t i = n; i-- > 0;) {
        cleanup_free struct netns_port *own = NULL;
        size_t nown = 0;
        if (ports == NULL)
            engine_ctr_ports(&v[i].cfg, &own, &nown);
        container_yaml(&text, &v[i], name, ports ? (i == n - 1 ? ports : NULL) : own,
                       ports ? (i == n - 1 ? np : 0) : nown, &vols, &nvols);
    }
    xappendf(&text, "  enableServiceLinks: false\n");
    if (hostname)
        y_kv(&text, 2, "hostname", hostname);
    xappendf(&text, "  restartPolicy: %s\n", n ? k8s_restart(&v[0]) : "Always");
    if (nvols) {
        xappendf(&text, "  volumes:\n");
        for (size_t i = 0; i < nvols; i++) {
            if (vols[i].host) {
                xappendf(&text, "  - hostPath:\n");
                y_kv(&text, 6, "path", vols[i].source);
                xappendf(&text, "      type: Directory\n");
            } else {
                xappendf(&text, "  - persistentVolumeClaim:\n");
                y_kv(&text, 6, "claimName", vols[i].source);
            }
            y_kv(&text, 4, "name", vols[i].name);
            free(vols[i].name);
            free(vols[i].source);
        }
    }
    free(vols);
    xappendf(&text, "status: {}\n");
    return text;
}

static char *
service_yaml(const char *name, const struct netns_port *ports, size_t np)
{
    char *text = NULL;
    cleanup_free char *q = kube_yaml_scalar(name);

    xappendf(&text,
             "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: %s\n  name: %s\n", q,
             q);
    xappendf(&text, "spec:\n  ports:\n");
    for (size_t i = 0; i < np; i++)
        xappendf(&text, "  - name: \"%u\"\n    port: %u\n    protocol: %s\n    targetPort: %u\n",
                 ports[i].ctr_port, ports[i].host_port ? ports[i].host_port : ports[i].ctr_port,
                 ports[i].udp ? "UDP" : "TCP", ports[i].ctr_port);
    xappendf(&text, "  selector:\n    app: %s\n  type: NodePort\nstatus:\n  loadBalancer: {}\n", q);
    return text;
}

/* a pod's ports when it publishes none */
static const struct netns_port no_port;

/* whether any of names is a pod's */
static bool
any_pod(struct cmd_ctx *ctx, char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        struct pod p;
        if (pod_load(&ctx->st, names[i], &p, NULL) == 0) {
            pod_free(&p);
            return true;
        }
    }
    return false;
}

static int
yaml_write(const char *file, const char *out)
{
    cleanup_err struct pcon_err err = { 0 };

    if (file == NULL) {
        fputs(out, stdout);
        return 0;
    }
    if (fs_write_atomic_path(file, out, strlen(out), 0644, true, &err) < 0)
        return cmd_report(&err);
    return 0;
}

/* containers alone, several: one Pod of them all, named after the first
 * (as podman's), each with its own ports, in the order given */
static int
containers_generate(struct cmd_ctx *ctx, char *const *names, const char *file, bool service,
                    const char *head)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *out = xstrdup(head), *doc = NULL, *pod = NULL;
    struct netns_port *all = NULL;
    size_t n = 0, nall = 0, count = 0;
    struct container *v;
    int code = 0;

    while (names[count])
        count++;
    v = xzalloc(count * sizeof *v);
    for (; n < count; n++) /* the first given last: pod_yaml prints the oldest (last) first */
        if (engine_ctr_load(&ctx->st, names[n], &v[count - 1 - n], &err) < 0) {
            if (err.kind == PCON_ERR_NOTFOUND) {
                pcon_err_clear(&err);
                pcon_fail(&err, 0,
                          "%s does not refer to a container or pod: no such pod or container",
                          names[n]);
            }
            code = cmd_report(&err);
            break;
        }
    if (code == 0) {
        pod = xasprintf("%s-pod", v[count - 1].cfg.name);
        doc = pod_yaml(pod, NULL, NULL, v[count - 1].cfg.labels, v, count, NULL, 0);
        xappendf(&out, "---\n%s", doc);
        for (size_t i = count; i-- > 0;) {
            struct netns_port *p = NULL;
            size_t np = 0;
            engine_ctr_ports(&v[i].cfg, &p, &np);
            all = xrealloc(all, (nall + np + 1) * sizeof *all);
            memcpy(all + nall, p, np * sizeof *p);
            nall += np;
            free(p);
        }
        if (service && nall) {
            cleanup_free char *svc = service_yaml(pod, all, nall);
            xappendf(&out, "---\n%s", svc);
        }
        code = yaml_write(file, out);
    }
    for (size_t i = 0; i < count; i++)
        if (v[i].cfg.id[0])
            engine_ctr_free(&v[i]);
    free(v);
    free(all);
    return code;
}

static const struct cmd_opt generate_opts[] = {
    { KUBE_FILENAME, "filename", 'f', "FILE", "Write the output to FILE" },
    { KUBE_SERVICE, "service", 's', NULL, "Generate a Service too" },
    { 0 },
};

static int
cmd_kube_generate(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *out = NULL;
    const char *file = NULL;
    bool service = false;
    char *arg;
    int o;

    while ((o = cmd_getopt(&cmd_kube_generate_def, argc, argv, &arg)) != -1) {
        if (o == KUBE_FILENAME)
            file = arg;
        else if (o == KUBE_SERVICE)
            service = cmd_flag_value(arg);
        else
            return o == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind >= argc)
        return cmd_usage_error(&cmd_kube_generate_def, "requires at least 1 arg(s), only"
                                                       " received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    xappendf(&out,
             "# Save the output of this file and use kubectl create -f to import\n"
             "# it into Kubernetes.\n#\n# Created with pcon-%s\n",
             PCON_VERSION);
    if (argc - optind > 1 && !any_pod(ctx, argv + optind))
        return containers_generate(ctx, argv + optind, file, service, out);
    for (int i = optind; i < argc; i++) {
        struct pod p;
        struct container c, *v = NULL;
        cleanup_free struct netns_port *ports = NULL;
        cleanup_free char *doc = NULL, *svc = NULL;
        size_t n = 0, np = 0;

        if (pod_load(&ctx->st, argv[i], &p, NULL) == 0) {
            if (pod_containers(&ctx->st, &p, &v, &n, &err) < 0) {
                pod_free(&p);
                return cmd_report(&err);
            }
            bool infra = n && v[0].cfg.infra;
            if (infra)
                engine_ctr_ports(&v[0].cfg, &ports, &np);
            /* without infra, each member publishes its own */
            doc = pod_yaml(p.cfg.name, p.cfg.id, p.cfg.no_infra ? NULL : p.cfg.hostname,
                           p.cfg.labels, infra ? v + 1 : v, infra ? n - 1 : n,
                           !infra  ? NULL
                           : ports ? ports
                                   : &no_port,
                           np);
            if (service && np)
                svc = service_yaml(p.cfg.name, ports, np);
            engine_ctr_list_free(v, n);
            pod_free(&p);
        } else if (engine_ctr_load(&ctx->st, argv[i], &c, &err) == 0) {
            cleanup_free char *name = xasprintf("%s-pod", c.cfg.name);
            engine_ctr_ports(&c.cfg, &ports, &np);
            doc = pod_yaml(name, NULL, NULL, c.cfg.labels, &c, 1, ports ? ports : &no_port, np);
            if (service && np)
                svc = service_yaml(name, ports, np);
            engine_ctr_free(&c);
        } else {
            pcon_err_clear(&err);
            pcon_fail(&err, 0, "%s does not refer to a container or pod: no such pod or container",
                      argv[i]);
            return cmd_report(&err);
        }
        xappendf(&out, "---\n%s", doc);
        if (svc)
            xappendf(&out, "---\n%s", svc);
    }
    if (file) {
        if (fs_write_atomic_path(file, out, strlen(out), 0644, true, &err) < 0)
            return cmd_report(&err);
    } else
        fputs(out, stdout);
    return 0;
}

const struct cmd_def cmd_kube_generate_def = {
    "kube generate",        cmd_kube_generate, "Generate Kubernetes YAML from pods or containers",
    "[options] POD|CTR...", generate_opts,
};

static const struct cmd_def *const kube_subcommands[] = {
    &cmd_kube_down_def,
    &cmd_kube_generate_def,
    &cmd_kube_play_def,
};

static int
cmd_kube(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_subcommand(ctx, argc, argv, "kube", "Play and generate Kubernetes YAML",
                          kube_subcommands, sizeof kube_subcommands / sizeof kube_subcommands[0],
                          NULL);
}

const struct cmd_def cmd_kube_def = {
    "kube",
    cmd_kube,
    "Play containers, pods or volumes from Kubernetes YAML",
    "COMMAND",
    NULL,
    false,
    kube_subcommands,
    sizeof kube_subcommands / sizeof kube_subcommands[0],
};

/* podman's older names: play kube FILE, generate kube POD */
static const struct cmd_def *const play_subcommands[] = {
    &cmd_kube_play_def,
};

static int
cmd_play(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "kube", "play", NULL };

    return cmd_subcommand(ctx, argc, argv, "play", "Play containers, pods or volumes",
                          play_subcommands, 1, aliases);
}

const struct cmd_def cmd_play_def = {
    "play",
    cmd_play,
    "Play containers, pods or volumes from a structured file (play kube)",
    "kube",
    NULL,
    false,
    play_subcommands,
    sizeof play_subcommands / sizeof play_subcommands[0],
};
