// SPDX-License-Identifier: Apache-2.0
/* pcon: global options, the command table, dispatch. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "cmd.h"

static const struct cmd_def *const commands[] = {
    &cmd_attach_def,   &cmd_build_def,   &cmd_commit_def, &cmd_completion_def, &cmd_container_def,
    &cmd_cp_def,       &cmd_create_def,  &cmd_diff_def,   &cmd_exec_def,       &cmd_export_def,
    &cmd_generate_def, &cmd_history_def, &cmd_image_def,  &cmd_images_def,     &cmd_import_def,
    &cmd_info_def,     &cmd_inspect_def, &cmd_kill_def,   &cmd_kube_def,       &cmd_load_def,
    &cmd_login_def,    &cmd_logout_def,  &cmd_logs_def,   &cmd_network_def,    &cmd_pause_def,
    &cmd_play_def,     &cmd_pod_def,     &cmd_port_def,   &cmd_ps_def,         &cmd_pull_def,
    &cmd_push_def,     &cmd_quadlet_def, &cmd_rename_def, &cmd_restart_def,    &cmd_rm_def,
    &cmd_rmi_def,      &cmd_run_def,     &cmd_save_def,   &cmd_start_def,      &cmd_stats_def,
    &cmd_stop_def,     &cmd_system_def,  &cmd_tag_def,    &cmd_top_def,        &cmd_unpause_def,
    &cmd_unshare_def,  &cmd_untag_def,   &cmd_update_def, &cmd_version_def,    &cmd_volume_def,
    &cmd_wait_def,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

enum { G_ROOT = 0x100, G_RUNROOT, G_DRIVER, G_HELP, G_VERSION };

static const struct cmd_opt global_opts[] = {
    { G_ROOT, "root", 0, "DIR", "Storage root directory (default $XDG_DATA_HOME/pcon/storage)" },
    { G_RUNROOT, "runroot", 0, "DIR", "Run state directory (default $XDG_RUNTIME_DIR/pcon)" },
    { G_DRIVER, "storage-driver", 0, "NAME", "Storage driver: overlay, fuse-overlayfs or vfs" },
    { G_VERSION, "version", 'v', NULL, "Print the version" },
    { 0 },
};

static const struct cmd_def global_def = { "", NULL, "", "", global_opts, true };

const struct cmd_def *const *
cmd_commands(size_t *n)
{
    *n = NCOMMANDS;
    return commands;
}

const struct cmd_def *
cmd_global_def(void)
{
    return &global_def;
}

static void
usage(FILE *f)
{
    fprintf(f, "Manage pods, containers and images, rootless and without a daemon\n\n"
               "Usage:\n  pcon [options] COMMAND\n\nAvailable Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\nOptions:\n");
    for (size_t i = 0; global_opts[i].name; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", global_opts[i].short_name ? "-" : " ",
                 global_opts[i].short_name ? global_opts[i].short_name : ' ',
                 global_opts[i].short_name ? ", " : "  ", global_opts[i].name,
                 global_opts[i].arg ? " " : "", global_opts[i].arg ? global_opts[i].arg : "");
        fprintf(f, "  %-30s %s\n", left, global_opts[i].help);
    }
    fprintf(f, "  -h, --help                     Show this help\n");
}

static char *
absolute(const char *p)
{
    char cwd[PATH_MAX];

    if (p[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
        return xstrdup(p);
    return xasprintf("%s/%s", cwd, p);
}

/* $HOME, else the passwd entry's: never a directory shared by every user
 * (a store under /tmp/.local would be anyone's to fill) */
static const char *
user_home(const char *home)
{
    struct passwd *pw;

    if (home && *home == '/')
        return home;
    pw = getpwuid(getuid());
    if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
        return pw->pw_dir;
    return "/nonexistent"; /* fails with the path in the error, shares nothing */
}

static void
default_paths(struct cmd_globals *g)
{
    const char *xdg_data = getenv("XDG_DATA_HOME");
    const char *xdg_run = getenv("XDG_RUNTIME_DIR");
    const char *home = getenv("HOME");

    if (g->graphroot == NULL) {
        if (xdg_data && *xdg_data == '/')
            g->graphroot = xasprintf("%s/pcon/storage", xdg_data);
        else
            g->graphroot = xasprintf("%s/.local/share/pcon/storage", user_home(home));
    }
    if (g->runroot == NULL) {
        if (xdg_run && *xdg_run == '/' && access(xdg_run, W_OK) == 0) {
            g->runroot = xasprintf("%s/pcon", xdg_run);
        } else {
            g->runroot = xasprintf("/tmp/pcon-%u", (unsigned) getuid());
            g->runroot_fallback = true;
        }
    }
}

static int
dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    char *arg;
    int c;

    while ((c = cmd_getopt(&global_def, argc, argv, &arg)) != -1) {
        switch (c) {
        case G_ROOT:
            free(ctx->g.graphroot);
            ctx->g.graphroot = absolute(arg);
            ctx->g.root_given = true;
            break;
        case G_RUNROOT:
            free(ctx->g.runroot);
            ctx->g.runroot = absolute(arg);
            ctx->g.runroot_given = true;
            break;
        case G_DRIVER:
            if (storage_driver_parse(arg, &ctx->g.driver, &err) < 0)
                return cmd_report(&err);
            break;
        case 'v':
        case G_VERSION:
            printf("pcon version %s\n", PCON_VERSION);
            return 0;
        case CMD_OPT_HELP:
            usage(stdout);
            return 0;
        default:
            return PCON_EXIT_ENGINE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return PCON_EXIT_ENGINE;
    }
    default_paths(&ctx->g);
    /* --storage-driver wins over storage.conf */
    if (ctx->g.driver == STORAGE_DRIVER_AUTO
        && storage_conf_driver(&ctx->g.driver, &ctx->g.driver_conf, &err) < 0)
        return cmd_report(&err);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[optind], commands[i]->name) != 0)
            continue;
        argc -= optind;
        argv += optind;
        optind = 0; /* restart getopt (0: anew, with its ordering) for the command's own options */
        return commands[i]->fn(ctx, argc, argv);
    }
    fprintf(stderr,
            "Error: unrecognized command `pcon %s`\nTry 'pcon --help' for more information\n",
            argv[optind]);
    return PCON_EXIT_ENGINE;
}

int
main(int argc, char **argv)
{
    struct cmd_ctx ctx = { 0 };
    const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    int code;

    /* installed as systemd's user generator, pcon is quadlet */
    if (strcmp(self, "pcon-user-generator") == 0 || strcmp(self, "pcon-systemd-generator") == 0)
        return cmd_quadlet_generator(argc, argv);
    code = dispatch(&ctx, argc, argv);

    if (ctx.store_open)
        storage_store_close(&ctx.st);
    free(ctx.g.graphroot);
    free(ctx.g.runroot);
    free(ctx.g.driver_conf);
    return code;
}
