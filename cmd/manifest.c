// SPDX-License-Identifier: Apache-2.0
/* pcon manifest SUBCOMMAND: create, add, annotate, inspect, push, remove,
 * rm, exists. A list is kept in the store (storage/mlist.h) until pushed:
 * its local images go to the registry first, by digest, then the list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../registry/registry.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "../storage/mlist.h"
#include "../storage/ociconfig.h"
#include "../storage/reference.h"
#include "cmd.h"

enum {
    MF_ALL = 0x700,
    MF_AMEND,
    MF_ANNOTATION,
    MF_FEATURES,
    MF_OS_FEATURES,
    MF_OS_VERSION,
    MF_FORMAT,
    MF_RM,
    MF_DIGESTFILE,
    MF_QUIET,
    MF_COMPRESSION,
    MF_REMOVE_SIGNATURES,
};

/* what add and annotate set on an entry */
struct entry_opts {
    struct registry_opts reg; /* --arch, --os, --variant too */
    const char *os_version;
    char **features, **os_features, **annotations;
    bool all;
};

static int
entry_opt(struct entry_opts *o, int id, const char *arg, struct pcon_err *err)
{
    int r = cmd_platform_opt(&o->reg, id, arg, err);

    if (r != 0)
        return r;
    if (cmd_reg_opt(&o->reg, id, arg))
        return 1;
    switch (id) {
    case MF_ALL:
        o->all = cmd_flag_value(arg);
        return 1;
    case MF_ANNOTATION:
        if (strchr(arg, '=') == NULL || arg[0] == '=')
            return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                  "no value given for annotation \"%s\": KEY=VALUE", arg);
        strv_push(&o->annotations, arg);
        return 1;
    case MF_FEATURES:
        strv_push_split(&o->features, arg, ",");
        return 1;
    case MF_OS_FEATURES:
        strv_push_split(&o->os_features, arg, ",");
        return 1;
    case MF_OS_VERSION:
        o->os_version = arg;
        return 1;
    }
    return 0;
}

static void
entry_opts_free(struct entry_opts *o)
{
    strv_free(o->features);
    strv_free(o->os_features);
    strv_free(o->annotations);
}

static void
set_str(char **slot, const char *v)
{
    if (v) {
        free(*slot);
        *slot = xstrdup(v);
    }
}

/* what the options say of an entry, over what it had */
static void
entry_apply(struct mlist_entry *e, const struct entry_opts *o)
{
    set_str(&e->os, o->reg.os);
    set_str(&e->arch, o->reg.arch);
    set_str(&e->variant, o->reg.variant);
    set_str(&e->os_version, o->os_version);
    if (o->features) {
        strv_free(e->features);
        e->features = strv_dup(o->features);
    }
    if (o->os_features) {
        strv_free(e->os_features);
        e->os_features = strv_dup(o->os_features);
    }
    for (size_t i = 0; o->annotations && o->annotations[i]; i++) {
        const char *eq = strchr(o->annotations[i], '=');
        cleanup_free char *k = xstrndup(o->annotations[i], (size_t) (eq - o->annotations[i]));
        storage_oci_kv_set(&e->annotations, k, eq + 1);
    }
}

/* the list's name as the store keeps it */
static int
list_name(const char *name, char **out, struct pcon_err *err)
{
    return engine_image_name_canon(name, out, err);
}

static const char *
host_arch(void)
{
    struct utsname u;

    if (uname(&u) == 0 && strcmp(u.machine, "aarch64") == 0)
        return "arm64";
    return "amd64";
}

/* the entry of a local image: its stored manifest's descriptor, its
 * config's platform */
static int
local_entry(struct store *st, const char *name, struct mlist_entry *e, struct pcon_err *err)
{
    cleanup_close int lock = storage_lock(st, false, err);
    cleanup_free char *manifest = NULL, *config = NULL;
    cleanup_yajl_val yajl_val m = NULL, c = NULL;
    struct image img = { 0 };
    const char *mt, *v;
    int r = -1;

    memset(e, 0, sizeof *e);
    if (lock < 0 || storage_image_lookup(st, name, &img, err) < 0)
        return -1;
    if ((manifest = storage_image_raw(st, &img, "manifest.json", err)) == NULL
        || (config = storage_image_raw(st, &img, "config.json", err)) == NULL
        || storage_image_digest(st, &img, e->digest, err) < 0
        || (m = json_parse(manifest, err)) == NULL || (c = json_parse(config, err)) == NULL)
        goto out;
    mt = json_get_str(m, "mediaType");
    e->media_type = xstrdup(mt && strcmp(mt, MEDIA_DOCKER_MANIFEST) == 0 ? MEDIA_DOCKER_MANIFEST
                                                                         : MEDIA_OCI_MANIFEST);
    e->size = (long long) strlen(manifest);
    e->os = xstrdup((v = json_get_str(c, "os")) ? v : "linux");
    e->arch = xstrdup((v = json_get_str(c, "architecture")) ? v : host_arch());
    if ((v = json_get_str(c, "variant")) != NULL)
        e->variant = xstrdup(v);
    e->image_id = xstrdup(img.id);
    r = 0;
out:
    if (r < 0)
        storage_mlist_entry_free(e);
    storage_image_free(&img);
    return r;
}

/* the repository of a reference: host/path */
static char *
repo_of(const char *ref, struct pcon_err *err)
{
    struct image_ref r = { 0 };
    char *s;

    if (strncmp(ref, "docker://", 9) == 0)
        ref += 9;
    if (storage_ref_parse(ref, "docker.io", &r, err) < 0)
        return NULL;
    s = xasprintf("%s/%s", r.registry, r.path);
    storage_ref_free(&r);
    return s;
}

/* a registry's image: its manifest's descriptor (of a list, the
 * platform's entry, or with all every entry) */
static int
remote_entries(const char *ref, const struct entry_opts *o, struct mlist_entry **out, size_t *n,
               struct pcon_err *err)
{
    cleanup_free char *body = NULL, *repo = repo_of(ref, err);
    cleanup_yajl_val yajl_val v = NULL;
    char digest[72];
    const char *want_os = o->reg.os ? o->reg.os : "linux";
    const char *want_arch = o->reg.arch ? o->reg.arch : host_arch();

    *out = NULL;
    *n = 0;
    if (repo == NULL || registry_manifest_raw(ref, &o->reg, &body, digest, err) < 0
        || (v = json_parse(body, err)) == NULL)
        return -1;
    if (json_get_arr(v, "manifests")) {
        struct mlist_entry *all;
        size_t k, pick = SIZE_MAX;
        if (storage_mlist_parse_entries(body, &all, &k, err) < 0)
            return -1;
        for (size_t i = 0; i < k; i++) {
            all[i].source = xstrdup(repo);
            if (pick == SIZE_MAX && all[i].os && all[i].arch && strcmp(all[i].os, want_os) == 0
                && strcmp(all[i].arch, want_arch) == 0
                && (!o->reg.variant || (all[i].variant && !strcmp(all[i].variant, o->reg.variant))))
                pick = i;
        }
        if (o->all) {
            *out = all;
            *n = k;
            return 0;
        }
        if (pick == SIZE_MAX) {
            for (size_t i = 0; i < k; i++)
                storage_mlist_entry_free(&all[i]);
            free(all);
            return pcon_fail(err, 0, "%s: no image for %s/%s in its manifest list", ref, want_os,
                             want_arch);
        }
        *out = xzalloc(sizeof **out);
        **out = all[pick];
        memset(&all[pick], 0, sizeof all[pick]);
        for (size_t i = 0; i < k; i++)
            storage_mlist_entry_free(&all[i]);
        free(all);
        *n = 1;
        return 0;
    }
    {
        const char *mt = json_get_str(v, "mediaType");
        struct mlist_entry *e = xzalloc(sizeof *e);
        memcpy(e->digest, digest, 72);
        e->size = (long long) strlen(body);
        e->media_type = xstrdup(mt && strcmp(mt, MEDIA_DOCKER_MANIFEST) == 0 ? MEDIA_DOCKER_MANIFEST
                                                                             : MEDIA_OCI_MANIFEST);
        /* (the platform: the options', else this host's; the config is
         * not fetched) */
        e->os = xstrdup(want_os);
        e->arch = xstrdup(want_arch);
        e->source = steal_ptr(&repo);
        *out = e;
        *n = 1;
    }
    return 0;
}

/* IMAGE added to l: a local image (containers-storage:, or a name the
 * store has), else the registry's (docker://, or a name it has not) */
static int
list_add(struct store *st, struct mlist *l, const char *image, const struct entry_opts *o,
         struct pcon_err *err)
{
    struct mlist_entry *add = NULL;
    size_t n = 0;
    bool remote = strncmp(image, "docker://", 9) == 0;

    if (strncmp(image, "containers-storage:", 19) == 0)
        image += 19;
    if (!remote) {
        struct pcon_err e = { 0 };
        add = xzalloc(sizeof *add);
        if (local_entry(st, image, add, &e) == 0)
            n = 1;
        else if (e.kind != PCON_ERR_NOTFOUND || strncmp(image, "localhost/", 10) == 0) {
            free(add);
            *err = e;
            return -1;
        } else {
            free(add);
            add = NULL;
            pcon_err_clear(&e);
            remote = true;
        }
    }
    if (remote && remote_entries(image, o, &add, &n, err) < 0)
        return pcon_prefix(err, "add %s", image);
    for (size_t i = 0; i < n; i++) {
        struct mlist_entry *e = NULL;
        if (!o->all || n == 1)
            entry_apply(&add[i], o);
        for (size_t k = 0; k < l->n && !e; k++)
            if (strcmp(l->v[k].digest, add[i].digest) == 0)
                e = &l->v[k];
        if (e == NULL) {
            if (l->n >= MLIST_MAX_ENTRIES) {
                for (size_t k = i; k < n; k++)
                    storage_mlist_entry_free(&add[k]);
                free(add);
                return pcon_fail(err, E2BIG, "the manifest list is full");
            }
            l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
            e = &l->v[l->n++];
        } else
            storage_mlist_entry_free(e); /* the same image again: as added now */
        *e = add[i];
    }
    free(add);
    return 0;
}

/* the list named, loaded under the exclusive lock held in *lock */
static int
list_open(struct cmd_ctx *ctx, const char *name, struct mlist *l, int *lock, struct pcon_err *err)
{
    cleanup_free char *canon = NULL;
    struct pcon_err e = { 0 };

    if (*lock < 0 && (*lock = storage_mlist_lock(&ctx->st, err)) < 0)
        return -1;
    if (list_name(name, &canon, &e) == 0 && storage_mlist_find(&ctx->st, canon, l, &e) == 0)
        return 0;
    pcon_err_clear(&e);
    if (storage_mlist_find(&ctx->st, name, l, &e) == 0)
        return 0;
    pcon_err_clear(&e);
    return pcon_fail_kind(err, PCON_ERR_NOTFOUND, 0, "%s: image not known", name);
}

int
cmd_manifest_add_local(struct cmd_ctx *ctx, const char *list, const char *image_id,
                       struct pcon_err *err)
{
    cleanup_free char *canon = NULL;
    cleanup_close int lock = -1;
    struct entry_opts o = { .reg.tls_verify = -1, .reg.quiet = true };
    struct mlist l;
    bool made = false;
    int r;

    if (list_name(list, &canon, err) < 0)
        return -1;
    if (list_open(ctx, canon, &l, &lock, err) < 0) {
        if (err->kind != PCON_ERR_NOTFOUND)
            return -1;
        pcon_err_clear(err);
        if (storage_mlist_create(&ctx->st, canon, &l, err) < 0)
            return -1;
        made = true;
    }
    r = list_add(&ctx->st, &l, image_id, &o, err);
    if (r == 0)
        r = storage_mlist_save(&ctx->st, &l, err);
    else if (made) {
        struct pcon_err e = { 0 };
        (void) storage_mlist_remove(&ctx->st, &l, &e); /* nothing half-made */
        pcon_err_clear(&e);
    }
    storage_mlist_free(&l);
    return r;
}

/* --- create ------------------------------------------------------------ */

static const struct cmd_opt create_opts[] = {
    { MF_ALL, "all", 0, NULL, "Add every image of a list given (not only this platform's)" },
    { MF_AMEND, "amend", 'a', NULL, "Change an existing list of that name instead" },
    CMD_REG_OPTS,
    { 0 },
};

static int
cmd_manifest_create(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *canon = NULL;
    cleanup_close int lock = -1;
    struct entry_opts o = { .reg.tls_verify = -1 };
    struct mlist l;
    bool amend = false;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_manifest_create_def, argc, argv, &arg)) != -1) {
        if (opt == MF_AMEND)
            amend = cmd_flag_value(arg);
        else if ((r = entry_opt(&o, opt, arg, &err)) <= 0) {
            entry_opts_free(&o);
            return r < 0 ? cmd_report(&err) : opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc) {
        entry_opts_free(&o);
        return cmd_usage_error(&cmd_manifest_create_def,
                               "requires at least 1 arg(s), only received 0");
    }
    o.reg.quiet = true;
    if (list_name(argv[optind], &canon, &err) < 0 || cmd_store_open(ctx, &err) < 0) {
        entry_opts_free(&o);
        return cmd_report(&err);
    }
    if ((lock = storage_mlist_lock(&ctx->st, &err)) < 0) {
        entry_opts_free(&o);
        return cmd_report(&err);
    }
    if (amend && list_open(ctx, canon, &l, &lock, &err) == 0) {
        /* the one there, changed */
    } else {
        pcon_err_clear(&err);
        amend = false;
        if (storage_mlist_create(&ctx->st, canon, &l, &err) < 0) {
            entry_opts_free(&o);
            return cmd_report(&err);
        }
    }
    r = 0;
    for (int i = optind + 1; i < argc && r == 0; i++)
        r = list_add(&ctx->st, &l, argv[i], &o, &err);
    if (r == 0)
        r = storage_mlist_save(&ctx->st, &l, &err);
    else if (!amend) {
        struct pcon_err e = { 0 };
        (void) storage_mlist_remove(&ctx->st, &l, &e); /* nothing half-made */
        pcon_err_clear(&e);
    }
    if (r == 0)
        printf("%s\n", l.id);
    storage_mlist_free(&l);
    entry_opts_free(&o);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_manifest_create_def = {
    "manifest create",           cmd_manifest_create, "Create a manifest list",
    "[options] LIST [IMAGE...]", create_opts,
};

/* --- add, annotate ----------------------------------------------------- */

#define ENTRY_OPTS                                                                                 \
    { MF_ANNOTATION, "annotation", 0, "KEY=VALUE", "Set an annotation on the entry" },             \
        { MF_FEATURES, "features", 0, "LIST", "The features the image needs" },                    \
        { MF_OS_VERSION, "os-version", 0, "VERSION", "The OS version the image is for" },          \
        CMD_PLATFORM_OPTS

static const struct cmd_opt add_opts[] = {
    { MF_ALL, "all", 0, NULL, "Add every image of a list (not only this platform's)" },
    ENTRY_OPTS,
    CMD_REG_OPTS,
    { 0 },
};

/* add and annotate: the list changed, saved, its id printed */
static int
list_change(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv, bool annotate)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    struct entry_opts o = { .reg.tls_verify = -1 };
    struct mlist l;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1)
        if ((r = entry_opt(&o, opt, arg, &err)) <= 0) {
            entry_opts_free(&o);
            return r < 0 ? cmd_report(&err) : opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    if (argc - optind != 2) {
        entry_opts_free(&o);
        return cmd_usage_error(def, "accepts 2 arg(s), received %d", argc - optind);
    }
    o.reg.quiet = true;
    if (cmd_store_open(ctx, &err) < 0 || list_open(ctx, argv[optind], &l, &lock, &err) < 0) {
        entry_opts_free(&o);
        return cmd_report(&err);
    }
    if (annotate) {
        struct mlist_entry *e = NULL;
        const char *d = argv[optind + 1];
        for (size_t k = 0; k < l.n && !e; k++)
            if (strcmp(l.v[k].digest, d) == 0)
                e = &l.v[k];
        if (e == NULL)
            r = pcon_fail(&err, 0, "no instance matching digest \"%s\" found in manifest list", d);
        else {
            entry_apply(e, &o);
            r = 0;
        }
    } else {
        r = list_add(&ctx->st, &l, argv[optind + 1], &o, &err);
    }
    if (r == 0)
        r = storage_mlist_save(&ctx->st, &l, &err);
    if (r == 0)
        printf("%s\n", l.id);
    storage_mlist_free(&l);
    entry_opts_free(&o);
    return r < 0 ? cmd_report(&err) : 0;
}

static int
cmd_manifest_add(struct cmd_ctx *ctx, int argc, char **argv)
{
    return list_change(ctx, &cmd_manifest_add_def, argc, argv, false);
}

const struct cmd_def cmd_manifest_add_def = {
    "manifest add",
    cmd_manifest_add,
    "Add an image to a manifest list (a local one, or docker://REF a registry's)",
    "[options] LIST IMAGE",
    add_opts,
};

static const struct cmd_opt annotate_opts[] = {
    ENTRY_OPTS,
    { MF_OS_FEATURES, "os-features", 0, "LIST", "The OS features the image needs" },
    { 0 },
};

static int
cmd_manifest_annotate(struct cmd_ctx *ctx, int argc, char **argv)
{
    return list_change(ctx, &cmd_manifest_annotate_def, argc, argv, true);
}

const struct cmd_def cmd_manifest_annotate_def = {
    "manifest annotate",
    cmd_manifest_annotate,
    "Add or change an entry's platform and annotations",
    "[options] LIST DIGEST",
    annotate_opts,
};

/* --- inspect, exists --------------------------------------------------- */

static const struct cmd_opt inspect_opts[] = {
    CMD_REG_OPTS,
    { 0 },
};

static int
cmd_manifest_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct registry_opts reg = { .tls_verify = -1, .quiet = true };
    cleanup_free char *text = NULL;
    cleanup_close int lock = -1;
    struct mlist l;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_manifest_inspect_def, argc, argv, &arg)) != -1)
        if (!cmd_reg_opt(&reg, opt, arg))
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_manifest_inspect_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (list_open(ctx, argv[optind], &l, &lock, &err) == 0) {
        text = storage_mlist_json(&l, true);
        storage_mlist_free(&l);
    } else if (err.kind == PCON_ERR_NOTFOUND && strncmp(argv[optind], "localhost/", 10) != 0) {
        /* not one of ours: the registry's, as it has it */
        cleanup_free char *raw = NULL;
        char digest[72];
        close(lock);
        lock = -1;
        pcon_err_clear(&err);
        if (registry_manifest_raw(argv[optind], &reg, &raw, digest, &err) < 0
            || (text = json_pretty(raw, &err)) == NULL)
            return cmd_report(&err);
    } else
        return cmd_report(&err);
    printf("%s\n", text);
    return 0;
}

const struct cmd_def cmd_manifest_inspect_def = {
    "manifest inspect",
    cmd_manifest_inspect,
    "Show a manifest list (a local one, or a registry's manifest)",
    "[options] LIST",
    inspect_opts,
};

static int
cmd_manifest_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    struct mlist l;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_manifest_exists_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_manifest_exists_def, "accepts 1 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (list_open(ctx, argv[optind], &l, &lock, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    storage_mlist_free(&l);
    return 0;
}

const struct cmd_def cmd_manifest_exists_def = {
    "manifest exists",
    cmd_manifest_exists,
    "Check if a manifest list exists in local storage",
    "LIST",
    NULL,
};

/* --- remove, rm -------------------------------------------------------- */

static int
cmd_manifest_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_close int lock = -1;
    struct mlist l;
    size_t k;
    char *arg;
    int opt, r = 0;

    while ((opt = cmd_getopt(&cmd_manifest_remove_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_manifest_remove_def, "accepts 2 arg(s), received %d",
                               argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || list_open(ctx, argv[optind], &l, &lock, &err) < 0)
        return cmd_report(&err);
    for (k = 0; k < l.n && strcmp(l.v[k].digest, argv[optind + 1]) != 0; k++)
        ;
    if (k == l.n)
        r = pcon_fail(&err, 0,
                      "removing from manifest list %s: no instance matching digest \"%s\" found "
                      "in manifest list",
                      argv[optind], argv[optind + 1]);
    else {
        storage_mlist_entry_free(&l.v[k]);
        memmove(&l.v[k], &l.v[k + 1], (l.n - k - 1) * sizeof *l.v);
        l.n--;
        r = storage_mlist_save(&ctx->st, &l, &err);
    }
    if (r == 0)
        printf("%s\n", l.id);
    storage_mlist_free(&l);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_manifest_remove_def = {
    "manifest remove",
    cmd_manifest_remove,
    "Remove an entry from a manifest list",
    "LIST DIGEST",
    NULL,
};

static int
cmd_manifest_rm(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_manifest_rm_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (optind >= argc)
        return cmd_usage_error(&cmd_manifest_rm_def, "requires at least 1 arg(s), only received 0");
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    for (int i = optind; i < argc; i++) {
        cleanup_close int lock = -1;
        struct mlist l;
        if (list_open(ctx, argv[i], &l, &lock, &err) < 0
            || storage_mlist_remove(&ctx->st, &l, &err) < 0) {
            code = cmd_report(&err);
            if (err.kind == PCON_ERR_NOTFOUND)
                code = 1; /* podman's, as rmi's */
            pcon_err_clear(&err);
            if (l.names || l.v)
                storage_mlist_free(&l);
            continue;
        }
        for (size_t k = 0; l.names && l.names[k]; k++)
            printf("Untagged: %s\n", l.names[k]);
        printf("Deleted: %s\n", l.id);
        storage_mlist_free(&l);
    }
    return code;
}

const struct cmd_def cmd_manifest_rm_def = {
    "manifest rm", cmd_manifest_rm, "Remove manifest lists from local storage", "LIST [LIST...]",
    NULL,
};

/* --- push -------------------------------------------------------------- */

static const struct cmd_opt push_opts[] = {
    { MF_ALL, "all", 0, NULL,
      "Push the list's images too (pcon always pushes its local ones: the list needs them)" },
    { MF_DIGESTFILE, "digestfile", 0, "FILE", "Write the list's digest to FILE" },
    { MF_FORMAT, "format", 'f', "oci|v2s2", "The images' manifest format" },
    { MF_QUIET, "quiet", 'q', NULL, "No progress" },
    { MF_RM, "rm", 0, NULL, "Remove the list from local storage once pushed" },
    { MF_RM, "purge", 0, NULL, "The same as --rm" },
    { MF_COMPRESSION, "compression-format", 0, "gzip",
      "How the layers are compressed (gzip: pcon's one)" },
    { MF_REMOVE_SIGNATURES, "remove-signatures", 0, NULL, "Accepted: pcon copies no signatures" },
    CMD_REG_OPTS,
    { 0 },
};

static int
cmd_manifest_push(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *dest = NULL, *destrepo = NULL, *json = NULL;
    struct registry_opts reg = { .tls_verify = -1 };
    enum registry_push_format f = REGISTRY_PUSH_AS_STORED;
    const char *digestfile = NULL;
    cleanup_close int lock = -1;
    struct mlist l;
    bool rm = false;
    char digest[72], *arg;
    int opt, r = -1;

    while ((opt = cmd_getopt(&cmd_manifest_push_def, argc, argv, &arg)) != -1) {
        if (cmd_reg_opt(&reg, opt, arg))
            continue;
        switch (opt) {
        case MF_ALL:
        case MF_REMOVE_SIGNATURES:
            break;
        case MF_COMPRESSION:
            if (strcmp(arg, "gzip") != 0)
                return cmd_usage_error(&cmd_manifest_push_def,
                                       "--compression-format %s: pcon compresses layers with gzip",
                                       arg);
            break;
        case MF_DIGESTFILE:
            digestfile = arg;
            break;
        case MF_FORMAT:
            if (strcmp(arg, "oci") == 0)
                f = REGISTRY_PUSH_OCI;
            else if (strcmp(arg, "v2s2") == 0 || strcmp(arg, "docker") == 0)
                f = REGISTRY_PUSH_V2S2;
            else
                return cmd_usage_error(&cmd_manifest_push_def,
                                       "unsupported format \"%s\": oci or v2s2", arg);
            break;
        case MF_QUIET:
            reg.quiet = cmd_flag_value(arg);
            break;
        case MF_RM:
            rm = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cmd_usage_error(&cmd_manifest_push_def,
                               "accepts between 1 and 2 arg(s), received %d", argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || list_open(ctx, argv[optind], &l, &lock, &err) < 0)
        return cmd_report(&err);
    dest = xstrdup(argc - optind == 2 ? argv[optind + 1] : l.names ? l.names[0] : argv[optind]);
    if ((destrepo = repo_of(dest, &err)) == NULL)
        goto out;
    if (strncmp(destrepo, "localhost/", 10) == 0) {
        pcon_fail_kind(&err, PCON_ERR_USAGE, 0, "%s: name a registry to push to", dest);
        goto out;
    }
    /* the list's images first, by digest: what the registry then has is
     * what the list names */
    for (size_t i = 0; i < l.n; i++) {
        struct mlist_entry *e = &l.v[i];
        struct registry_pushed p = { 0 };
        if (e->image_id) {
            if (registry_push_instance(&ctx->st, e->image_id, destrepo, f, &reg, &p, &err) < 0)
                goto out;
            memcpy(e->digest, p.digest, sizeof e->digest);
            e->size = p.size;
            free(e->media_type);
            e->media_type = xstrdup(p.docker ? MEDIA_DOCKER_MANIFEST : MEDIA_OCI_MANIFEST);
        } else if (e->source && strcmp(e->source, destrepo) != 0) {
            pcon_fail(&err, 0,
                      "%s is in %s: pcon does not copy images between registries (pull it and "
                      "add the local image)",
                      e->digest, e->source);
            goto out;
        }
    }
    json = storage_mlist_json(&l, false);
    if (registry_push_list(dest, json, &reg, digest, &err) < 0)
        goto out;
    if (digestfile
        && fs_write_atomic_path(digestfile, digest, strlen(digest), 0644, false, &err) < 0)
        goto out;
    /* the local list stays as it was (its images' local digests), or goes */
    if (rm && storage_mlist_remove(&ctx->st, &l, &err) < 0)
        goto out;
    r = 0;
out:
    if (r < 0)
        pcon_prefix(&err, "pushing manifest list %s", argv[optind]);
    storage_mlist_free(&l);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_manifest_push_def = {
    "manifest push",
    cmd_manifest_push,
    "Push a manifest list and its local images to a registry",
    "[options] LIST [DESTINATION]",
    push_opts,
};

static const struct cmd_def *const manifest_subcommands[] = {
    &cmd_manifest_add_def,    &cmd_manifest_annotate_def, &cmd_manifest_create_def,
    &cmd_manifest_exists_def, &cmd_manifest_inspect_def,  &cmd_manifest_push_def,
    &cmd_manifest_remove_def, &cmd_manifest_rm_def,
};

static int
cmd_manifest(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_subcommand(ctx, argc, argv, "manifest", "Manipulate manifest lists",
                          manifest_subcommands,
                          sizeof manifest_subcommands / sizeof manifest_subcommands[0], NULL);
}

const struct cmd_def cmd_manifest_def = {
    "manifest",
    cmd_manifest,
    "Manipulate manifest lists",
    "COMMAND",
    NULL,
    false,
    manifest_subcommands,
    sizeof manifest_subcommands / sizeof manifest_subcommands[0],
};
