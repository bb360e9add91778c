// SPDX-License-Identifier: Apache-2.0
/* pcon system df (and system info, an alias of info) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../engine/spec.h"
#include "../engine/userns.h"
#include "../pod/pod.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/image.h"
#include "../storage/layer.h"
#include "../storage/lock.h"
#include "../storage/volume.h"
#include "cmd.h"
#include "format.h"
#include "image_report.h"

enum { DF_FORMAT = 0x300 };

static const struct cmd_opt df_opts[] = {
    { DF_FORMAT, "format", 0, "FORMAT", "Go template or json" },
    { 'v', "verbose", 'v', NULL, "Each image, container and volume" },
    { 0, NULL, 0, NULL, NULL },
};

/* podman's sizes here: four significant digits, no space ("77.62MB") */
static char *
df_size(long long b)
{
    return cmd_human_size_digits(b, 4, false);
}

static char *
df_row(const char *type, long long total, long long active, long long size, long long reclaim,
       bool json)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *s = df_size(size), *r = df_size(reclaim), *rs = NULL;
    int pct = size > 0 ? (int) (reclaim * 100 / size) : 0;

    rs = xasprintf("%s (%d%%)", r, pct);
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Type", type));
    JG(json_gen_kv_int(g, "Total", total));
    JG(json_gen_kv_int(g, "Active", active));
    if (json) {
        JG(json_gen_kv_int(g, "RawSize", size));
        JG(json_gen_kv_int(g, "RawReclaimable", reclaim));
    }
    JG(json_gen_kv_str(g, "Size", s));
    JG(json_gen_kv_str(g, "Reclaimable", rs));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort();
}

/* a layer's size, 0 when it cannot be read */
static long long
layer_size(struct store *st, const char *chain)
{
    struct layer_info li;

    return storage_layer_read(st, chain, &li, NULL) < 0 ? 0 : li.size;
}

/* how many of the images have the layer */
static size_t
layer_users(const struct image *imgs, size_t n, const char *chain)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += imgs[i].layers && strv_contains(imgs[i].layers, chain);
    return k;
}

/* what df counts of each container */
struct df_ctr {
    long long size; /* its writable layer's files */
    bool running;
    char **volumes; /* the named volumes it mounts */
};

static size_t
count_image_users(const struct container *cs, size_t ncs, const char *id)
{
    size_t k = 0;

    for (size_t i = 0; i < ncs; i++)
        k += cs[i].cfg.image_id && strcmp(cs[i].cfg.image_id, id) == 0;
    return k;
}

static size_t
count_volume_users(const struct df_ctr *d, size_t ncs, const char *name)
{
    size_t k = 0;

    for (size_t i = 0; i < ncs; i++)
        k += strv_contains(d[i].volumes, name);
    return k;
}

static char *
ago(const char *rfc3339)
{
    int64_t t = time_parse_rfc3339(rfc3339), now = time_now_ns();

    return time_human_duration(now - (t < 0 ? now : t));
}

/* -v: each image, container and volume, as podman lists them */
static int
df_verbose(struct store *st, const struct image *imgs, size_t nimgs, const struct container *cs,
           const struct df_ctr *d, size_t ncs, const struct volume_rec *vols, size_t nvols,
           struct pcon_err *err)
{
    static const char *const headers[] = {
        "Repository", "REPOSITORY",  "Tag",        "TAG",        "ID",           "IMAGE ID",
        "Created",    "CREATED",     "Size",       "SIZE",       "SharedSize",   "SHARED SIZE",
        "UniqueSize", "UNIQUE SIZE", "Containers", "CONTAINERS", "ContainerID",  "CONTAINER ID",
        "Image",      "IMAGE",       "Command",    "COMMAND",    "LocalVolumes", "LOCAL VOLUMES",
        "Status",     "STATUS",      "Names",      "NAMES",      "VolumeName",   "VOLUME NAME",
        "Links",      "LINKS",       NULL,
    };
    cleanup_strv char **irows = NULL, **crows = NULL, **vrows = NULL;

    for (size_t i = 0; i < nimgs; i++) {
        long long shared = 0, unique = 0;
        size_t nnames = imgs[i].names ? strv_len(imgs[i].names) : 0;
        for (size_t k = 0; imgs[i].layers && imgs[i].layers[k]; k++) {
            long long b = layer_size(st, imgs[i].layers[k]);
            if (layer_users(imgs, nimgs, imgs[i].layers[k]) > 1)
                shared += b;
            else
                unique += b;
        }
        for (size_t k = 0; k < (nnames ? nnames : 1); k++) {
            cleanup_yajl_gen yajl_gen g = json_gen_new(false);
            cleanup_free char *repo = NULL, *tag = NULL, *when = ago(imgs[i].created);
            cleanup_free char *size = df_size(shared + unique), *sh = df_size(shared);
            cleanup_free char *un = df_size(unique);
            char shortid[13];

            if (nnames) {
                cmd_image_name_split(imgs[i].names[k], &repo, &tag);
            } else {
                repo = xstrdup("<none>");
                tag = xstrdup("<none>");
            }
            snprintf(shortid, sizeof shortid, "%.12s", imgs[i].id);
            JG(yajl_gen_map_open(g));
            JG(json_gen_kv_str(g, "Repository", repo));
            JG(json_gen_kv_str(g, "Tag", tag));
            JG(json_gen_kv_str(g, "ID", shortid));
            JG(json_gen_kv_str(g, "Created", when));
            JG(json_gen_kv_str(g, "Size", size));
            JG(json_gen_kv_str(g, "SharedSize", sh));
            JG(json_gen_kv_str(g, "UniqueSize", un));
            JG(json_gen_kv_int(g, "Containers",
                               (long long) count_image_users(cs, ncs, imgs[i].id)));
            JG(yajl_gen_map_close(g));
            strv_push_take(&irows, json_gen_take(g, NULL));
        }
    }
    for (size_t i = 0; i < ncs; i++) {
        cleanup_yajl_gen yajl_gen g = json_gen_new(false);
        cleanup_free char *cmd = strv_join(cs[i].cfg.args, " "), *when = ago(cs[i].cfg.created);
        cleanup_free char *size = df_size(d[i].size);
        char shortid[13], img[13];

        snprintf(shortid, sizeof shortid, "%.12s", cs[i].cfg.id);
        snprintf(img, sizeof img, "%.12s", cs[i].cfg.image_id ? cs[i].cfg.image_id : "");
        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "ContainerID", shortid));
        JG(json_gen_kv_str(g, "Image", img));
        JG(json_gen_kv_str(g, "Command", cmd));
        JG(json_gen_kv_int(g, "LocalVolumes",
                           d[i].volumes ? (long long) strv_len(d[i].volumes) : 0));
        JG(json_gen_kv_str(g, "Size", size));
        JG(json_gen_kv_str(g, "Created", when));
        JG(json_gen_kv_str(g, "Status", engine_ctr_status_name(cs[i].state.status)));
        JG(json_gen_kv_str(g, "Names", cs[i].cfg.name));
        JG(yajl_gen_map_close(g));
        strv_push_take(&crows, json_gen_take(g, NULL));
    }
    for (size_t i = 0; i < nvols; i++) {
        cleanup_yajl_gen yajl_gen g = json_gen_new(false);
        cleanup_free char *p = storage_volume_path(st, vols[i].name);
        cleanup_free char *size = df_size(fs_path_tree_size(p));

        JG(yajl_gen_map_open(g));
        JG(json_gen_kv_str(g, "VolumeName", vols[i].name));
        JG(json_gen_kv_int(g, "Links", (long long) count_volume_users(d, ncs, vols[i].name)));
        JG(json_gen_kv_str(g, "Size", size));
        JG(yajl_gen_map_close(g));
        strv_push_take(&vrows, json_gen_take(g, NULL));
    }
    printf("Images space usage:\n\n");
    if (cmd_format_print("table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}\t"
                         "{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
                         irows, headers, err)
        < 0)
        return -1;
    printf("\nContainers space usage:\n\n");
    if (cmd_format_print("table {{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t"
                         "{{.Size}}\t{{.Created}}\t{{.Status}}\t{{.Names}}",
                         crows, headers, err)
        < 0)
        return -1;
    printf("\nLocal Volumes space usage:\n\n");
    return cmd_format_print("table {{.VolumeName}}\t{{.Links}}\t{{.Size}}", vrows, headers, err);
fail:
    abort();
}

static int
cmd_system_df(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const headers[] = { "Type",        "TYPE",        "Total", "TOTAL",
                                           "Active",      "ACTIVE",      "Size",  "SIZE",
                                           "Reclaimable", "RECLAIMABLE", NULL };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **rows = NULL, **kept = NULL, **seen = NULL;
    const char *fmt = "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
    struct container *cs = NULL;
    struct df_ctr *d = NULL;
    struct image *imgs = NULL;
    struct volume_rec *vols = NULL;
    size_t ncs = 0, nimgs = 0, nvols = 0;
    long long isize = 0, ireclaim = 0, iactive = 0, csize = 0, creclaim = 0, cactive = 0;
    long long vsize = 0, vreclaim = 0, vactive = 0;
    bool json, verbose = false;
    char *arg;
    int opt, r = -1;

    while ((opt = cmd_getopt(&cmd_system_df_def, argc, argv, &arg)) != -1) {
        if (opt == DF_FORMAT)
            fmt = arg;
        else if (opt == 'v')
            verbose = true;
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon system df` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    json = strcmp(fmt, "json") == 0;
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &cs, &ncs, &err) < 0)
        return cmd_report(&err);
    {
        cleanup_close int lock = storage_lock(&ctx->st, false, &err);
        if (lock < 0 || storage_image_list(&ctx->st, &imgs, &nimgs, &err) < 0
            || storage_volume_list(&ctx->st, &vols, &nvols, &err) < 0)
            goto out;
    }
    d = xzalloc((ncs ? ncs : 1) * sizeof *d);
    for (size_t i = 0; i < ncs; i++) {
        cleanup_free char *p = engine_ctr_upper_path(&ctx->st, cs[i].cfg.id);
        d[i].size = fs_path_tree_size(p);
        d[i].running = engine_ctr_is_active(&cs[i]);
        csize += d[i].size;
        cactive += d[i].running;
        if (!d[i].running)
            creclaim += d[i].size;
        for (size_t k = 0; cs[i].cfg.volumes && cs[i].cfg.volumes[k]; k++) {
            struct volume v;
            if (engine_spec_volume_parse(cs[i].cfg.volumes[k], &v, NULL) < 0)
                continue;
            if (v.named && !strv_contains(d[i].volumes, v.src))
                strv_push(&d[i].volumes, v.src);
            engine_spec_volume_free(&v);
        }
    }
    /* the layers of the images, each counted once; kept: those of an image
     * a container has */
    for (size_t i = 0; i < nimgs; i++)
        if (count_image_users(cs, ncs, imgs[i].id) > 0) {
            iactive++;
            for (size_t k = 0; imgs[i].layers && imgs[i].layers[k]; k++)
                if (!strv_contains(kept, imgs[i].layers[k]))
                    strv_push(&kept, imgs[i].layers[k]);
        }
    for (size_t i = 0; i < nimgs; i++)
        for (size_t k = 0; imgs[i].layers && imgs[i].layers[k]; k++) {
            long long b;
            if (strv_contains(seen, imgs[i].layers[k]))
                continue;
            strv_push(&seen, imgs[i].layers[k]);
            b = layer_size(&ctx->st, imgs[i].layers[k]);
            isize += b;
            if (!strv_contains(kept, imgs[i].layers[k]))
                ireclaim += b;
        }
    for (size_t i = 0; i < nvols; i++) {
        cleanup_free char *p = storage_volume_path(&ctx->st, vols[i].name);
        long long b = fs_path_tree_size(p);
        bool used = count_volume_users(d, ncs, vols[i].name) > 0;
        vsize += b;
        vactive += used;
        if (!used)
            vreclaim += b;
    }
    if (verbose) {
        r = df_verbose(&ctx->st, imgs, nimgs, cs, d, ncs, vols, nvols, &err);
        goto out;
    }
    strv_push_take(&rows, df_row("Images", (long long) nimgs, iactive, isize, ireclaim, json));
    strv_push_take(&rows, df_row("Containers", (long long) ncs, cactive, csize, creclaim, json));
    strv_push_take(&rows,
                   df_row("Local Volumes", (long long) nvols, vactive, vsize, vreclaim, json));
    r = cmd_format_print(fmt, rows, headers, &err);
out:
    for (size_t i = 0; d && i < ncs; i++)
        strv_free(d[i].volumes);
    free(d);
    engine_ctr_list_free(cs, ncs);
    storage_image_list_free(imgs, nimgs);
    storage_volume_list_free(vols, nvols);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_system_df_def = {
    "system df", cmd_system_df, "Show podman-style disk usage: images, containers, volumes",
    "[options]", df_opts,
};

enum { PRUNE_VOLUMES = 0x300, PRUNE_EXTERNAL, PRUNE_FILTER };

static const struct cmd_opt prune_opts[] = {
    { 'a', "all", 'a', NULL, "Remove all unused images, not only dangling ones" },
    { PRUNE_EXTERNAL, "external", 0, NULL,
      "Refused: pcon's store has no containers of other tools" },
    { PRUNE_FILTER, "filter", 0, "KEY=VALUE",
      "Only what matches: label=K[=V], label!=K[=V], until=T (containers, images, networks, "
      "volumes)" },
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { PRUNE_VOLUMES, "volumes", 0, NULL, "Remove the volumes no container uses too" },
    { 0, NULL, 0, NULL, NULL },
};

static void
print_removed(const char *title, char *const *v)
{
    if (v == NULL || v[0] == NULL)
        return;
    printf("%s\n", title);
    for (size_t i = 0; v[i]; i++)
        printf("%s\n", v[i]);
}

/* stopped pods and containers, unused networks, dangling (-a: unused)
 * images and, with --volumes, unused volumes: podman's order and words */
static int
cmd_system_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **pods = NULL, **ctrs = NULL, **vols = NULL, **imgs = NULL, **nets = NULL,
                      **filters = NULL;
    cleanup_free char *warning = NULL, *total = NULL;
    bool all = false, force = false, volumes = false;
    long long bytes = 0;
    char *arg;
    int opt, code = 0, r;

    while ((opt = cmd_getopt(&cmd_system_prune_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == PRUNE_VOLUMES)
            volumes = cmd_flag_value(arg);
        else if (opt == PRUNE_FILTER)
            strv_push(&filters, arg);
        else if (opt == PRUNE_EXTERNAL)
            return cmd_usage_error(&cmd_system_prune_def,
                                   "--external: pcon's store has no containers of other tools");
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon system prune` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    /* a bad filter prunes nothing */
    if (filters) {
        cleanup_err struct pcon_err err = { 0 };
        if (cmd_prune_filter_check(filters, &err) < 0)
            return cmd_report(&err);
    }
    warning = xasprintf("WARNING! This command removes:\n"
                        "\t- all stopped containers\n"
                        "\t- all networks not used by at least one container\n"
                        "%s"
                        "\t- %s\n"
                        "\t- %s\n",
                        volumes ? "\t- all volumes not used by at least one container\n" : "",
                        all ? "all images without at least one container associated with them"
                            : "all dangling images",
                        all ? "all build cache" : "all dangling build cache");
    if (!force && !cmd_confirm(warning))
        return 0;
    /* pods first: their containers go with them */
    if ((r = cmd_pods_prune(ctx, &pods)) != 0)
        code = r;
    if ((r = cmd_containers_prune(ctx, filters, &ctrs, &bytes)) != 0)
        code = r;
    if (volumes && (r = cmd_volumes_prune(ctx, filters, &vols, &bytes)) != 0)
        code = r;
    if ((r = cmd_images_prune(ctx, all, filters, &imgs, &bytes)) != 0)
        code = r;
    if ((r = cmd_networks_prune(ctx, filters, &nets)) != 0)
        code = r;
    print_removed("Deleted Pods", pods);
    print_removed("Deleted Containers", ctrs);
    print_removed("Deleted Volumes", vols);
    print_removed("Deleted Images", imgs);
    print_removed("Deleted Networks", nets);
    total = df_size(bytes);
    printf("Total reclaimed space: %s\n", total);
    return code;
}

const struct cmd_def cmd_system_prune_def = {
    "system prune",
    cmd_system_prune,
    "Remove unused data: stopped containers and pods, unused networks, dangling images",
    "[options]",
    prune_opts,
};

/* nothing to migrate or renumber in pcon's store: accepted, as scripts
 * written for podman call them after an upgrade */
static const struct cmd_opt migrate_opts[] = {
    { 'n', "new-runtime", 0, "RUNTIME", "Accepted: pcon is its own runtime" },
    { 0, NULL, 0, NULL, NULL },
};

static int
noop_main(const struct cmd_def *def, int argc, char **argv)
{
    char *arg;
    int opt;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1)
        if (opt != 'n')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon %s` takes no arguments\n", def->name);
        return PCON_EXIT_ENGINE;
    }
    return 0;
}

static int
cmd_system_migrate(struct cmd_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    return noop_main(&cmd_system_migrate_def, argc, argv);
}

static int
cmd_system_renumber(struct cmd_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    return noop_main(&cmd_system_renumber_def, argc, argv);
}

const struct cmd_def cmd_system_migrate_def = {
    "system migrate",
    cmd_system_migrate,
    "Accepted for podman's scripts: pcon's store needs no migration",
    "[options]",
    migrate_opts,
};

const struct cmd_def cmd_system_renumber_def = {
    "system renumber",
    cmd_system_renumber,
    "Accepted for podman's scripts: pcon has no lock numbers to renumber",
    "",
    NULL,
};

static const struct cmd_opt reset_opts[] = {
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { 0 },
};

/* Everything of this store: every pod and container stopped and removed,
 * then the graph root and the run root themselves, then the pause process
 * that held their namespaces (as podman's system reset). */
static int
cmd_system_reset(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *v = NULL;
    struct pod *pv = NULL;
    size_t n = 0, pn = 0;
    bool force = false;
    char *arg;
    int opt, code = 0;

    while ((opt = cmd_getopt(&cmd_system_reset_def, argc, argv, &arg)) != -1) {
        if (opt != 'f')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        force = cmd_flag_value(arg);
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_system_reset_def, "accepts 0 arg(s), received %d",
                               argc - optind);
    if (strcmp(ctx->g.graphroot, "/") == 0 || strcmp(ctx->g.runroot, "/") == 0) {
        pcon_fail_kind(&err, PCON_ERR_USAGE, 0, "refusing to reset a store rooted at /");
        return cmd_report(&err);
    }
    if (!force) {
        char answer[16] = "";
        printf("WARNING! This will remove:\n        - all containers\n        - all pods\n"
               "        - all images\n        - all networks\n        - all build cache\n"
               "        - all volumes\n        - all secrets\n"
               "        - the graphRoot directory: \"%s\"\n"
               "        - the runRoot directory: \"%s\"\n"
               "Are you sure you want to continue? [y/N] ",
               ctx->g.graphroot, ctx->g.runroot);
        fflush(stdout);
        if (fgets(answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
            return 0;
    }
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    /* nothing may run on a store that goes: pods (their infras, /dev/shm)
     * first, then every container left */
    if (pod_list(&ctx->st, &pv, &pn, &err) == 0)
        for (size_t i = 0; i < pn; i++)
            if (pod_remove(&ctx->st, &pv[i], true, 0, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
    pod_list_free(pv, pn);
    if (engine_ctr_list(&ctx->st, &v, &n, &err) == 0)
        for (size_t i = 0; i < n; i++)
            if (engine_ctr_remove(&ctx->st, &v[i], true, &err) < 0) {
                code = cmd_report(&err);
                pcon_err_clear(&err);
            }
    engine_ctr_list_free(v, n);
    if (code)
        return code; /* something still runs: the roots stay */
    /* the pause process first (this one stays in the namespaces it joined),
     * then, inside pcon's user namespace, the files of subordinate ids too */
    cmd_image_unmount_all(&ctx->st);
    engine_userns_pause_stop(ctx->g.runroot);
    if (fs_rm_rf_at(AT_FDCWD, ctx->g.graphroot, &err) < 0
        || fs_rm_rf_at(AT_FDCWD, ctx->g.runroot, &err) < 0) {
        code = cmd_report(&err);
        pcon_err_clear(&err);
    }
    return code;
}

const struct cmd_def cmd_system_reset_def = {
    "system reset", cmd_system_reset, "Reset pcon's storage: remove everything",
    "[options]",    reset_opts,
};

static const struct cmd_def *const system_subcommands[] = {
    &cmd_system_df_def,       &cmd_info_def,         &cmd_system_migrate_def, &cmd_system_prune_def,
    &cmd_system_renumber_def, &cmd_system_reset_def,
};

static int
cmd_system(struct cmd_ctx *ctx, int argc, char **argv)
{
    return cmd_subcommand(ctx, argc, argv, "system", "Manage pcon", system_subcommands,
                          sizeof system_subcommands / sizeof system_subcommands[0], NULL);
}

const struct cmd_def cmd_system_def = {
    "system",
    cmd_system,
    "Manage pcon",
    "COMMAND",
    NULL,
    false,
    system_subcommands,
    sizeof system_subcommands / sizeof system_subcommands[0],
};
