// SPDX-License-Identifier: Apache-2.0
/* pcon: global options, the command table, dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/log.h"
#include "../storage/events.h"
#include "cmd.h"

static const struct cmd_def *const commands[] = {
    &cmd_attach_def,     &cmd_autoupdate_def,  &cmd_build_def,   &cmd_commit_def,
    &cmd_completion_def, &cmd_container_def,   &cmd_cp_def,      &cmd_create_def,
    &cmd_diff_def,       &cmd_events_def,      &cmd_exec_def,    &cmd_export_def,
    &cmd_generate_def,   &cmd_healthcheck_def, &cmd_history_def, &cmd_image_def,
    &cmd_images_def,     &cmd_import_def,      &cmd_info_def,    &cmd_init_def,
    &cmd_inspect_def,    &cmd_kill_def,        &cmd_kube_def,    &cmd_load_def,
    &cmd_login_def,      &cmd_logout_def,      &cmd_logs_def,    &cmd_manifest_def,
    &cmd_mount_def,      &cmd_network_def,     &cmd_pause_def,   &cmd_play_def,
    &cmd_pod_def,        &cmd_port_def,        &cmd_ps_def,      &cmd_pull_def,
    &cmd_push_def,       &cmd_quadlet_def,     &cmd_rename_def,  &cmd_restart_def,
    &cmd_rm_def,         &cmd_rmi_def,         &cmd_run_def,     &cmd_secret_def,
    &cmd_save_def,       &cmd_search_def,      &cmd_start_def,   &cmd_stats_def,
    &cmd_stop_def,       &cmd_system_def,      &cmd_tag_def,     &cmd_top_def,
    &cmd_umount_def,     &cmd_unmount_def,     &cmd_unpause_def, &cmd_unshare_def,
    &cmd_untag_def,      &cmd_update_def,      &cmd_version_def, &cmd_volume_def,
    &cmd_wait_def,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

enum {
    G_ROOT = 0x100,
    G_RUNROOT,
    G_DRIVER,
    G_HELP,
    G_VERSION,
    G_LOG_LEVEL,
    G_CGROUP_MANAGER,
    G_EVENTS_BACKEND,
    G_ACCEPTED, /* accepted, nothing to do: pcon is its own runtime and monitor */
    G_REMOTE,
    G_NOOUT,
    G_STORAGE_OPT,
    /* refused, each with its reason (its help) */
    G_REFUSED_HOOKS,
    G_REFUSED_NAMESPACE,
    G_REFUSED_NETCMD,
    G_REFUSED_NETCONF,
    G_REFUSED_VOLPATH,
};

static const struct cmd_opt global_opts[] = {
    { G_CGROUP_MANAGER, "cgroup-manager", 0, "MANAGER",
      "cgroupfs or systemd (accepted: pcon writes its delegated cgroup tree itself)" },
    { G_ACCEPTED, "conmon", 0, "PATH", "Accepted: pcon's own monitor watches containers" },
    { G_REMOTE, "connection", 'c', "NAME", "Refused: pcon runs no service to connect to" },
    { G_EVENTS_BACKEND, "events-backend", 0, "BACKEND", "file, journald or none" },
    { G_REFUSED_HOOKS, "hooks-dir", 0, "DIR", "Refused: pcon runs no OCI hooks" },
    { G_REMOTE, "identity", 0, "PATH", "Refused: pcon runs no service to connect to" },
    { G_LOG_LEVEL, "log-level", 0, "LEVEL",
      "trace, debug, info, warn, warning, error, fatal or panic (default warn; above warn:"
      " no warnings)" },
    { G_REFUSED_NAMESPACE, "namespace", 0, "NAME", "Refused: pcon's store has one view" },
    { G_REFUSED_NETCMD, "network-cmd-path", 0, "PATH",
      "Refused: pcon's user-mode network is its own (libslirp), not a command" },
    { G_REFUSED_NETCONF, "network-config-dir", 0, "DIR",
      "Refused: networks are kept in pcon's store (--root)" },
    { G_NOOUT, "noout", 0, NULL, "Do not output to stdout" },
    { G_REMOTE, "remote", 'r', NULL, "Refused: pcon runs no service to connect to" },
    { G_ROOT, "root", 0, "DIR", "Storage root directory (default $XDG_DATA_HOME/pcon/storage)" },
    { G_RUNROOT, "runroot", 0, "DIR", "Run state directory (default $XDG_RUNTIME_DIR/pcon)" },
    { G_ACCEPTED, "runtime", 0, "PATH", "Accepted: pcon is its own OCI runtime" },
    { G_ACCEPTED, "runtime-flag", 0, "FLAG", "Accepted: pcon is its own OCI runtime" },
    { G_REMOTE, "ssh", 0, "MODE", "Refused: pcon runs no service to connect to" },
    { G_DRIVER, "storage-driver", 0, "NAME", "Storage driver: overlay, fuse-overlayfs or vfs" },
    { G_STORAGE_OPT, "storage-opt", 0, "OPT",
      "overlay.mount_program=PATH (fuse-overlayfs); others accepted" },
    { G_ACCEPTED, "syslog", 0, NULL, "Accepted: messages go to stderr" },
    { G_ACCEPTED, "tmpdir", 0, "DIR", "Accepted: pcon's state is in its run root" },
    { G_REMOTE, "url", 0, "URL", "Refused: pcon runs no service to connect to" },
    { G_VERSION, "version", 'v', NULL, "Print the version" },
    { G_REFUSED_VOLPATH, "volumepath", 0, "DIR",
      "Refused: volumes are kept in pcon's store (--root)" },
    { 0 },
};

/* a refused option: its name and its reason */
static int
global_refused(int id)
{
    for (size_t i = 0; global_opts[i].name; i++)
        if (global_opts[i].id == id) {
            const char *why = global_opts[i].help;
            if (strncmp(why, "Refused: ", 9) == 0)
                why += 9;
            fprintf(stderr, "Error: --%s is not supported: %s\n", global_opts[i].name, why);
            break;
        }
    return PCON_EXIT_ENGINE;
}

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
        case G_LOG_LEVEL: {
            static const char *const levels[] = { "trace", "debug", "info",  "warn", "warning",
                                                  "error", "fatal", "panic", NULL };
            size_t k = 0;
            while (levels[k] && strcmp(levels[k], arg) != 0)
                k++;
            if (levels[k] == NULL) {
                fprintf(stderr,
                        "Error: log level \"%s\" is not supported, choose from: trace, debug,"
                        " info, warn, warning, error, fatal, panic\n",
                        arg);
                return PCON_EXIT_ENGINE;
            }
            if (k >= 5)
                pcon_log_quiet();
            break;
        }
        case G_CGROUP_MANAGER:
            if (strcmp(arg, "cgroupfs") != 0 && strcmp(arg, "systemd") != 0) {
                fprintf(stderr, "Error: cgroup manager must be one of cgroupfs and systemd\n");
                return PCON_EXIT_ENGINE;
            }
            ctx->g.cgroup_manager = arg;
            break;
        case G_EVENTS_BACKEND:
            if (strcmp(arg, "file") != 0 && strcmp(arg, "journald") != 0
                && strcmp(arg, "none") != 0) {
                fprintf(stderr, "Error: \"%s\" is not a valid events backend\n", arg);
                return PCON_EXIT_ENGINE;
            }
            ctx->g.events_backend = arg;
            if (strcmp(arg, "none") == 0)
                storage_events_disable();
            break;
        case G_NOOUT: {
            int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
                fprintf(stderr, "Error: --noout: /dev/null: %s\n", strerror(errno));
                return PCON_EXIT_ENGINE;
            }
            close(fd);
            break;
        }
        case G_STORAGE_OPT:
            if (strncmp(arg, "overlay.mount_program=", 22) == 0 && strstr(arg, "fuse-overlayfs")
                && ctx->g.driver == STORAGE_DRIVER_AUTO)
                ctx->g.driver = STORAGE_DRIVER_FUSE;
            break;
        case G_ACCEPTED:
            break;
        case G_REMOTE:
            fprintf(stderr,
                    "Error: remote connections are not supported: pcon runs no service, each"
                    " command is the engine itself\n");
            return PCON_EXIT_ENGINE;
        case G_REFUSED_HOOKS:
        case G_REFUSED_NAMESPACE:
        case G_REFUSED_NETCMD:
        case G_REFUSED_NETCONF:
        case G_REFUSED_VOLPATH:
            return global_refused(c);
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
    strv_free(ctx.latest_argv);
    return code;
}
