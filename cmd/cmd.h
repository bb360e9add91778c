/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: one table of commands, each with a table of options
 * from which getopt_long's arrays and --help are generated. */
#ifndef PCON_CMD_CMD_H
#define PCON_CMD_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "../storage/store.h"

#define PCON_EXIT_ENGINE        125
#define PCON_EXIT_CANNOT_INVOKE 126
#define PCON_EXIT_NOT_FOUND     127

struct cmd_globals {
    char *graphroot, *runroot;
    bool runroot_fallback;          /* /tmp/pcon-$UID: no usable XDG_RUNTIME_DIR */
    bool root_given, runroot_given; /* --root, --runroot (generate systemd passes them on) */
    enum storage_driver driver;
    char *driver_conf; /* the storage.conf that chose the driver, or NULL */
    /* --cgroup-manager and --events-backend as given (info shows them) */
    const char *cgroup_manager, *events_backend;
};

struct cmd_ctx {
    struct cmd_globals g;
    struct store st;
    bool store_open;
    char **latest_argv; /* cmd_latest_insert's copy of argv */
};

/* returned by cmd_getopt after printing --help */
#define CMD_OPT_HELP 0x1000
/* --format, one id wherever it appears */
#define CMD_OPT_FORMAT 0x1001
/* the registry options of pull, push, login, run and create */
#define CMD_OPT_TLS_VERIFY 0x1002
#define CMD_OPT_AUTHFILE   0x1003
#define CMD_OPT_CREDS      0x1004
#define CMD_OPT_CERT_DIR   0x1005
/* docker's --disable-content-trust (pull, push, build): podman's no-op */
#define CMD_OPT_CONTENT_TRUST 0x100a
#define CMD_CONTENT_TRUST_OPT                                                                      \
    {                                                                                              \
        CMD_OPT_CONTENT_TRUST, "disable-content-trust", 0, NULL,                                   \
            "Docker's option, accepted and ignored as podman does"                                 \
    }
/* the platform of an image a pull picks from a manifest list (pull, run,
 * create) */
#define CMD_OPT_ARCH     0x1006
#define CMD_OPT_OS       0x1007
#define CMD_OPT_VARIANT  0x1008
#define CMD_OPT_PLATFORM 0x1009
#define CMD_PLATFORM_OPTS                                                                          \
    { CMD_OPT_ARCH, "arch", 0, "ARCH", "Architecture to pick from a manifest list" },              \
        { CMD_OPT_OS, "os", 0, "OS", "OS to pick from a manifest list" },                          \
        { CMD_OPT_VARIANT, "variant", 0, "VARIANT",                                                \
          "Variant of the architecture to pick (v7, v8, ...)" },                                   \
    {                                                                                              \
        CMD_OPT_PLATFORM, "platform", 0, "OS/ARCH[/VARIANT]", "The platform to pick, in one"       \
    }
#define CMD_REG_OPTS                                                                               \
    { CMD_OPT_AUTHFILE, "authfile", 0, "PATH",                                                     \
      "Path of the authentication file (default $XDG_RUNTIME_DIR/containers/auth.json)" },         \
        { CMD_OPT_CERT_DIR, "cert-dir", 0, "DIR",                                                  \
          "Directory with the registry's CA (*.crt) and client certificate (*.cert, *.key)" },     \
        { CMD_OPT_CREDS, "creds", 0, "USER:PASSWORD", "Credentials for the registry" },            \
    {                                                                                              \
        CMD_OPT_TLS_VERIFY, "tls-verify", 0, NULL,                                                 \
            "Require HTTPS and verify certificates (default true; registries.conf may say "        \
            "insecure)"                                                                            \
    }

struct cmd_opt {
    int id;           /* returned by cmd_getopt: the short letter or an enum value */
    const char *name; /* long name */
    char short_name;  /* 0 for long-only */
    const char *arg;  /* argument name, NULL for flags */
    const char *help; /* NULL: not shown (podman's hidden aliases, --net) */
};

struct cmd_def {
    const char *name;
    int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
    const char *summary;
    const char *usage;          /* after "pcon NAME " */
    const struct cmd_opt *opts; /* terminated by a zeroed entry; may be NULL */
    /* options end at the first operand (run's image, exec's command, the
     * global options' command); else, as podman's, they may come after
     * operands too (`inspect CTR --format ...`) */
    bool options_first;
    /* a command group's subcommands (completion and man pages list them) */
    const struct cmd_def *const *subs;
    size_t nsubs;
};

/* iterates options of def: returns the id, -1 at the end (optind at the
 * first operand), '?' after printing a usage error, CMD_OPT_HELP after
 * printing the help */
int cmd_getopt(const struct cmd_def *def, int argc, char **argv, char **optarg_out);
void cmd_help(const struct cmd_def *def);
/* prints "Error: ..." and returns the exit code the error maps to */
int cmd_report(const struct pcon_err *err);
int cmd_usage_error(const struct cmd_def *def, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* joins the user namespace and opens the store */
int cmd_store_open(struct cmd_ctx *ctx, struct pcon_err *err);

/* a flag's value: set unless given as --flag=false */
bool cmd_flag_value(const char *arg);
/* the prune commands' question: warning, then "Are you sure you want to
 * continue? [y/N] " on stderr; true for an answer starting with y */
bool cmd_confirm(const char *warning);
/* label=KEY=VALUE, or label=KEY (any value), against KEY=VALUE labels */
bool cmd_label_match(char *const *labels, const char *want);
/* whether c is on the user network named (ps's and pod ps's network=) */
struct container;
bool cmd_ctr_on_network(const struct container *c, const char *name);
/* --label-file: KEY=VALUE lines (blank and # lines skipped) appended to *labels */
int cmd_label_file_read(const char *path, char ***labels, struct pcon_err *err);
/* --preserve-fds N (run, exec): N checked, and fds 3..3+N-1 open, before
 * pcon opens anything that could take one of those numbers */
int cmd_preserve_fds_check(const char *arg, unsigned *out, struct pcon_err *err);
/* build --manifest: the stored image added to the manifest list named
 * (made when there is none), as manifest add's */
int cmd_manifest_add_local(struct cmd_ctx *ctx, const char *list, const char *image_id,
                           struct pcon_err *err);
/* a command group (container, image, pod, volume): its help, the aliases
 * (pairs of names, then NULL), and the subcommand argv[1] names, whose
 * name is the last word of its def's ("pod create" or "create") */
int cmd_subcommand(struct cmd_ctx *ctx, int argc, char **argv, const char *group, const char *title,
                   const struct cmd_def *const *subs, size_t n, const char *const *aliases);
struct registry_opts;
/* one of CMD_REG_OPTS into o: true when id was one of them */
bool cmd_reg_opt(struct registry_opts *o, int id, const char *arg);
/* one of CMD_PLATFORM_OPTS into o: 1 when id was one of them, 0 when not,
 * -1 on a bad value (one --platform a command: its parts are kept in a
 * static buffer) */
int cmd_platform_opt(struct registry_opts *o, int id, const char *arg, struct pcon_err *err);

struct container;
/* Calls fn for each named container (every container with all). Errors are
 * printed as they come; a missing container maps to missing_code (or is
 * skipped silently with ignore). Returns the exit code. */
int cmd_each_container(struct cmd_ctx *ctx, char **names, bool all, bool ignore, int missing_code,
                       int (*fn)(struct cmd_ctx *ctx, struct container *c, const char *name,
                                 void *opaque, struct pcon_err *err),
                       void *opaque);
/* prints what the container writes from now on, until it exits */
int cmd_logs_attach(struct cmd_ctx *ctx, struct container *c, off_t from, struct pcon_err *err);
/* where the container's log ends now: what attach shows starts there */
off_t cmd_logs_end(struct cmd_ctx *ctx, const struct container *c);
/* attach's session on c: its output from now on, our stdin to its (with_stdin,
 * a container made with -i; the detach keys end it), its exit code in *code
 * once it ends; release: c is initialized, and its command goes on first */
int cmd_attach_session(struct cmd_ctx *ctx, struct container *c, bool with_stdin,
                       const unsigned char *keys, size_t nkeys, bool release, int *code,
                       struct pcon_err *err);
/* reads a whole (small) file */
char *cmd_read_file(const char *path, struct pcon_err *err);
/* reads the first line of a --cidfile */
char *cmd_read_cidfile(const char *path, struct pcon_err *err);
/* The containers a command (rm, stop) names: the ids in the --cidfile
 * files (an unreadable one skipped with ignore), then the operands from
 * optind. Returns -1 to go on, else the exit code to return: naming
 * nothing without all is a usage error, or 0 with ignore. */
int cmd_names_collect(const struct cmd_def *def, char **cidfiles, bool ignore, bool all, int argc,
                      char **argv, char ***names);

extern const struct cmd_def cmd_run_def, cmd_create_def, cmd_import_def, cmd_unshare_def,
    cmd_info_def, cmd_version_def, cmd_start_def, cmd_init_def, cmd_autoupdate_def, cmd_restart_def,
    cmd_stop_def, cmd_kill_def, cmd_rm_def, cmd_wait_def, cmd_ps_def, cmd_logs_def, cmd_inspect_def,
    cmd_container_def, cmd_rename_def, cmd_clone_def, cmd_checkpoint_def, cmd_restore_def,
    cmd_exists_def, cmd_prune_def, cmd_exec_def, cmd_top_def, cmd_port_def, cmd_pause_def,
    cmd_unpause_def, cmd_cp_def, cmd_attach_def, cmd_images_def, cmd_rmi_def, cmd_tag_def,
    cmd_untag_def, cmd_image_def, cmd_image_inspect_def, cmd_image_exists_def, cmd_image_tree_def,
    cmd_image_prune_def, cmd_load_def, cmd_pull_def, cmd_search_def, cmd_mount_def, cmd_umount_def,
    cmd_unmount_def, cmd_image_mount_def, cmd_image_unmount_def, cmd_volume_mount_def,
    cmd_volume_unmount_def, cmd_cleanup_def, cmd_runlabel_def, cmd_save_def, cmd_push_def,
    cmd_login_def, cmd_logout_def, cmd_pod_def, cmd_pod_clone_def, cmd_pod_create_def,
    cmd_pod_exists_def, cmd_pod_inspect_def, cmd_pod_ps_def, cmd_pod_rm_def, cmd_pod_start_def,
    cmd_pod_stop_def, cmd_pod_kill_def, cmd_pod_restart_def, cmd_pod_top_def, cmd_pod_prune_def,
    cmd_pod_pause_def, cmd_pod_unpause_def, cmd_pod_logs_def, cmd_volume_def, cmd_volume_create_def,
    cmd_volume_exists_def, cmd_volume_export_def, cmd_volume_import_def, cmd_volume_inspect_def,
    cmd_volume_ls_def, cmd_volume_prune_def, cmd_volume_rm_def, cmd_volume_reload_def,
    cmd_network_def, cmd_network_create_def, cmd_network_exists_def, cmd_network_inspect_def,
    cmd_network_ls_def, cmd_network_prune_def, cmd_network_rm_def, cmd_network_connect_def,
    cmd_network_disconnect_def, cmd_generate_def, cmd_generate_systemd_def, cmd_kube_def,
    cmd_kube_play_def, cmd_kube_down_def, cmd_kube_generate_def, cmd_play_def, cmd_quadlet_def,
    cmd_stats_def, cmd_update_def, cmd_commit_def, cmd_diff_def, cmd_history_def, cmd_build_def,
    cmd_export_def, cmd_pod_stats_def, cmd_system_def, cmd_system_df_def, cmd_system_prune_def,
    cmd_system_migrate_def, cmd_system_renumber_def, cmd_system_reset_def, cmd_secret_def,
    cmd_secret_create_def, cmd_secret_ls_def, cmd_secret_inspect_def, cmd_secret_rm_def,
    cmd_events_def, cmd_healthcheck_def, cmd_healthcheck_run_def, cmd_manifest_def,
    cmd_manifest_add_def, cmd_manifest_annotate_def, cmd_manifest_create_def,
    cmd_manifest_exists_def, cmd_manifest_inspect_def, cmd_manifest_push_def,
    cmd_manifest_remove_def, cmd_manifest_rm_def;
/* every top-level command (*n of them), and the global options' table */
const struct cmd_def *const *cmd_commands(size_t *n);

/* --filter on the container commands: ps's keys; the ids of the matching
 * containers (a pod's infra never: it goes with its pod) */
bool cmd_ctr_filter_valid(const char *filter);
int cmd_ctr_filter_ids(struct cmd_ctx *ctx, char *const *filters, char ***ids,
                       struct pcon_err *err);
#define CMD_FILTER_OPT(id, short)                                                                  \
    {                                                                                              \
        (id), "filter", (short), "KEY=VALUE", "Act on the containers ps --filter would list"       \
    }
/* the option's value checked and kept; 0, or the exit code */
int cmd_ctr_filter_add(const char *arg, char ***filters);

/* --latest (-l): the option, and the latest container's (pod's) id put in
 * as the first operand: *argv becomes a copy (kept in ctx) that has it.
 * Without any container (pod) it fails as podman does, "no such
 * container"; returns the exit code then, else -1. */
#define CMD_LATEST_OPT                                                                             \
    {                                                                                              \
        'l', "latest", 'l', NULL, "Act on the latest container pcon knows of"                      \
    }
#define CMD_LATEST_POD_OPT                                                                         \
    {                                                                                              \
        'l', "latest", 'l', NULL, "Act on the latest pod pcon knows of"                            \
    }
int cmd_latest_insert(struct cmd_ctx *ctx, bool pod, int *argc, char ***argv);

/* prune --filter: label=K[=V], label!=K[=V] and until=TIME alone (podman's
 * keys for prunes); whether an object with labels, created then, matches */
int cmd_prune_filter_check(char *const *filters, struct pcon_err *err);
bool cmd_prune_filter_match(char *const *filters, char *const *labels, const char *created);
/* the prunes (and system prune): what they removed appended to *removed,
 * the bytes given back added to *bytes; each failure reported, the rest
 * done; returns the exit code */
int cmd_containers_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed,
                         long long *bytes);
int cmd_images_prune(struct cmd_ctx *ctx, bool all, char *const *filters, char ***removed,
                     long long *bytes);
int cmd_volumes_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed, long long *bytes);
int cmd_networks_prune(struct cmd_ctx *ctx, char *const *filters, char ***removed);
int cmd_pods_prune(struct cmd_ctx *ctx, char ***removed);
const struct cmd_def *cmd_global_def(void);
extern const struct cmd_def cmd_completion_def;
/* the quadlet generator (pcon-user-generator NORMAL_DIR ..., or --dryrun) */
int cmd_quadlet_generator(int argc, char **argv);

/* An export's output: OUTPUT made under a temporary name (*tmp), or
 * standard output (1; refused when it is a terminal); -1 on error.
 * cmd_output_finish renames it into place when r is 0, removes it
 * otherwise, and returns r (or -1 if that failed). */
int cmd_output_open(const char *output, char **tmp, struct pcon_err *err);
int cmd_output_finish(const char *output, char *tmp, int fd, int r, struct pcon_err *err);

/* every image mount image mount made, undone (system reset, before the
 * run root goes) */
void cmd_image_unmount_all(struct store *st);
/* the words args[i] takes when it is one of the flags (FLAG, FLAG=V) or
 * of the options with a value (OPT=V, or OPT V: 2), else 0: what a
 * command line kept in a record loses when it is made again */
size_t cmd_arg_words(char *const *args, size_t i, const char *const *flags,
                     const char *const *valued);
/* this pcon's own path and the --root/--runroot it was given, as a
 * command's first words (units, runlabel) */
void cmd_exe_args(struct cmd_ctx *ctx, char ***v);
/* true in a user namespace other than the host's (pcon unshare's) */
bool cmd_in_user_namespace(void);
/* container clone's: NAME-clone, or NAME-cloneN for the first N free
 * (containers' and pods' names are one namespace) */
char *cmd_clone_name(struct cmd_ctx *ctx, const char *name);
/* a copy of c made from its create arguments: name, pod (NULL: c's own),
 * image (NULL: c's), limits ("--memory=64m"...: clone's own options) */
int cmd_ctr_clone(struct cmd_ctx *ctx, const struct container *c, const char *name, const char *pod,
                  const char *image, char *const *limits, struct container *out,
                  struct pcon_err *err);

struct engine_log_opts;
/* the logs of v[0..n) as `logs` prints them, one after the other (or
 * all at once when following several), each line after its container's
 * short id when asked; returns the exit code, errors printed */
int cmd_logs_print(struct cmd_ctx *ctx, struct container *v, size_t n, bool id_prefix, bool names,
                   bool color, bool timestamps, const struct engine_log_opts *o);

/* top: the ps(1)-like rows of c's processes appended to *out; printed
 * under their header, aligned */
int cmd_top_rows(const struct container *c, char **out, struct pcon_err *err);
void cmd_top_print(const char *rows);

/* inspect of containers and images (images_only: `image inspect`) */
int cmd_inspect_objects(struct cmd_ctx *ctx, int argc, char **argv, const struct cmd_def *def,
                        bool images_only);

#endif
