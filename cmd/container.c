// SPDX-License-Identifier: Apache-2.0
/* pcon container SUBCOMMAND: exists, prune, rename, and the container
 * commands also found at the top level. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "cmd.h"

static int
cmd_exists(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_exists_def, argc, argv, &arg)) != -1)
        if (opt != 'e') /* --external: pcon's build steps are containers of its own */
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_exists_def, "accepts 1 arg(s), received %d", argc - optind);
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    if (engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return err.kind == PCON_ERR_NOTFOUND ? 1 : cmd_report(&err);
    engine_ctr_free(&c);
    return 0;
}

static const struct cmd_opt exists_opts[] = {
    { 'e', "external", 0, NULL, "Containers of other tools too (pcon has none of theirs)" },
    { 0 },
};

const struct cmd_def cmd_exists_def = {
    "exists", cmd_exists, "Check if a container exists in local storage", "CONTAINER", exists_opts,
};

static const struct cmd_opt prune_opts[] = {
    { 'f', "force", 'f', NULL, "Do not prompt for confirmation" },
    { 'F', "filter", 0, "KEY=VALUE", "Only those: label=K[=V], label!=K[=V], until=TIME" },
    { 0 },
};

int
cmd_containers_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed, long long *bytes)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container *v = NULL;
    size_t n = 0;
    int code = 0;

    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_list(&ctx->st, &v, &n, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *upper = NULL;
        long long b;
        if (engine_ctr_is_active(&v[i]) || v[i].cfg.infra
            || !cmd_prune_filter_match(filters, v[i].cfg.labels, v[i].cfg.created))
            continue;
        upper = engine_ctr_upper_path(&ctx->st, v[i].cfg.id);
        b = fs_path_tree_size(upper);
        if (engine_ctr_remove(&ctx->st, &v[i], false, &err) < 0) {
            code = cmd_report(&err);
            pcon_err_clear(&err);
            continue;
        }
        *bytes += b;
        strv_push(removed, v[i].cfg.id);
    }
    engine_ctr_list_free(v, n);
    return code;
}

static int
cmd_prune(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_strv char **removed = NULL, **filters = NULL;
    cleanup_err struct pcon_err err = { 0 };
    long long bytes = 0;
    bool force = false;
    char *arg;
    int opt, code;

    while ((opt = cmd_getopt(&cmd_prune_def, argc, argv, &arg)) != -1) {
        if (opt == 'f')
            force = cmd_flag_value(arg);
        else if (opt == 'F')
            strv_push(&filters, arg);
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (cmd_prune_filter_check(filters, &err) < 0)
        return cmd_report(&err);
    if (!force && !cmd_confirm("WARNING! This will remove all non running containers."))
        return 0;
    code = cmd_containers_prune(ctx, filters, &removed, &bytes);
    for (size_t i = 0; removed && removed[i]; i++)
        printf("%s\n", removed[i]);
    return code;
}

const struct cmd_def cmd_prune_def = {
    "prune", cmd_prune, "Remove all non running containers", "[options]", prune_opts,
};

static int
cmd_rename(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    struct container c;
    char *arg;
    int opt, r;

    while ((opt = cmd_getopt(&cmd_rename_def, argc, argv, &arg)) != -1)
        return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    if (argc - optind != 2)
        return cmd_usage_error(&cmd_rename_def, "accepts 2 arg(s), received %d", argc - optind);
    if (cmd_store_open(ctx, &err) < 0 || engine_ctr_load(&ctx->st, argv[optind], &c, &err) < 0)
        return cmd_report(&err);
    r = engine_ctr_rename(&ctx->st, &c, argv[optind + 1], &err);
    engine_ctr_free(&c);
    return r < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_rename_def = {
    "rename", cmd_rename, "Rename an existing container", "CONTAINER NEW-NAME", NULL,
};

/* checkpoint and restore need CRIU with CAP_SYS_ADMIN in the initial user
 * namespace: a rootless engine has neither, and says so as podman does */
enum { CKPT_OPT = 0x700 };

static const struct cmd_opt checkpoint_opts[] = {
    { 'a', "all", 'a', NULL, "Checkpoint all running containers" },
    { 'c', "compress", 'c', "ALGO", "Compression of the checkpoint archive" },
    { CKPT_OPT, "create-image", 0, "NAME", "Create checkpoint image with specified name" },
    { 'e', "export", 'e', "FILE", "Export the checkpoint image to a tar.gz" },
    { CKPT_OPT + 1, "file-locks", 0, NULL, "Checkpoint a container with file locks" },
    { CKPT_OPT + 2, "ignore-rootfs", 0, NULL, "Do not include root file-system changes" },
    { CKPT_OPT + 3, "ignore-volumes", 0, NULL, "Do not export volumes" },
    { 'k', "keep", 'k', NULL, "Keep all temporary checkpoint files" },
    { 'l', "latest", 'l', NULL, "Act on the latest container pcon knows of" },
    { 'R', "leave-running", 'R', NULL, "Leave the container running" },
    { 'P', "pre-checkpoint", 'P', NULL, "Dump the container's memory only" },
    { CKPT_OPT + 4, "print-stats", 0, NULL, "Display checkpoint statistics" },
    { CKPT_OPT + 5, "tcp-established", 0, NULL, "Checkpoint established TCP connections" },
    { CKPT_OPT + 6, "with-previous", 0, NULL, "Checkpoint with pre-checkpoint images" },
    { 0 },
};

static const struct cmd_opt restore_opts[] = {
    { 'a', "all", 'a', NULL, "Restore all checkpointed containers" },
    { CKPT_OPT + 1, "file-locks", 0, NULL, "Restore a container with file locks" },
    { CKPT_OPT + 2, "ignore-rootfs", 0, NULL, "Do not apply root file-system changes" },
    { CKPT_OPT + 7, "ignore-static-ip", 0, NULL, "Ignore the IP address set" },
    { CKPT_OPT + 8, "ignore-static-mac", 0, NULL, "Ignore the MAC address set" },
    { CKPT_OPT + 3, "ignore-volumes", 0, NULL, "Do not import volumes" },
    { 'i', "import", 'i', "FILE", "Restore from an exported checkpoint archive" },
    { CKPT_OPT + 9, "import-previous", 0, "FILE", "Restore from a pre-checkpoint archive" },
    { 'k', "keep", 'k', NULL, "Keep all temporary checkpoint files" },
    { 'l', "latest", 'l', NULL, "Act on the latest container pcon knows of" },
    { 'n', "name", 'n', "NAME", "A new name for the restored container" },
    { CKPT_OPT + 10, "pod", 0, "POD", "Restore the container into an existing pod" },
    { CKPT_OPT + 4, "print-stats", 0, NULL, "Display restore statistics" },
    { 'p', "publish", 'p', "PORT", "Publish a port of the restored container" },
    { CKPT_OPT + 5, "tcp-established", 0, NULL, "Restore established TCP connections" },
    { 0 },
};

static int
checkpoint_refused(const struct cmd_def *def, int argc, char **argv, const char *what)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int opt;

    while ((opt = cmd_getopt(def, argc, argv, &arg)) != -1)
        if (opt == CMD_OPT_HELP || opt == '?' || opt == ':')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    pcon_fail(&err, 0, "%s a container requires root", what);
    return cmd_report(&err);
}

static int
cmd_checkpoint(struct cmd_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    return checkpoint_refused(&cmd_checkpoint_def, argc, argv, "checkpointing");
}

const struct cmd_def cmd_checkpoint_def = {
    "checkpoint",
    cmd_checkpoint,
    "Checkpoint one or more containers (needs root: refused by a rootless engine)",
    "[options] CONTAINER [CONTAINER...]",
    checkpoint_opts,
};

static int
cmd_restore(struct cmd_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    return checkpoint_refused(&cmd_restore_def, argc, argv, "restoring");
}

const struct cmd_def cmd_restore_def = {
    "restore",
    cmd_restore,
    "Restore one or more containers from a checkpoint (needs root: refused by a rootless engine)",
    "[options] CONTAINER [CONTAINER...]",
    restore_opts,
};

static const struct cmd_def *const subcommands[] = {
    &cmd_attach_def, &cmd_checkpoint_def, &cmd_cleanup_def, &cmd_clone_def,    &cmd_commit_def,
    &cmd_cp_def,     &cmd_create_def,     &cmd_diff_def,    &cmd_exec_def,     &cmd_export_def,
    &cmd_exists_def, &cmd_init_def,       &cmd_inspect_def, &cmd_kill_def,     &cmd_logs_def,
    &cmd_mount_def,  &cmd_pause_def,      &cmd_port_def,    &cmd_prune_def,    &cmd_ps_def,
    &cmd_rename_def, &cmd_restart_def,    &cmd_restore_def, &cmd_runlabel_def, &cmd_rm_def,
    &cmd_run_def,    &cmd_start_def,      &cmd_stats_def,   &cmd_stop_def,     &cmd_top_def,
    &cmd_umount_def, &cmd_unmount_def,    &cmd_unpause_def, &cmd_update_def,   &cmd_wait_def,
};

static int
cmd_container(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const aliases[] = { "ls", "ps", "list", "ps", NULL };

    return cmd_subcommand(ctx, argc, argv, "container", "Manage containers", subcommands,
                          sizeof subcommands / sizeof subcommands[0], aliases);
}

const struct cmd_def cmd_container_def = {
    "container", cmd_container, "Manage containers", "COMMAND",
    NULL,        false,         subcommands,         sizeof subcommands / sizeof subcommands[0],
};
