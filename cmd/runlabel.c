// SPDX-License-Identifier: Apache-2.0
/* pcon container runlabel: the command an image's label holds (RUN,
 * INSTALL, ...), as podman runs it: its words split, the first made pcon
 * (it names the engine the image expects), IMAGE and NAME (bare, $NAME,
 * ${NAME}) replaced, then executed directly, no shell, on this store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "../lib/unitfile.h"
#include "../storage/image.h"
#include "../storage/lock.h"
#include "cmd.h"

extern char **environ;

enum { RL_DISPLAY = 0x700, RL_NAME, RL_REPLACE };

static const struct cmd_opt runlabel_opts[] = {
    { RL_DISPLAY, "display", 0, NULL, "Preview the command that the label would run" },
    { 'n', "name", 'n', "NAME", "The name of the container (NAME in the label)" },
    { 'q', "quiet", 'q', NULL, "Suppress output information when pulling images" },
    { RL_REPLACE, "replace", 0, NULL, "Replace a container of the name first" },
    CMD_REG_OPTS,
    { 0 },
};

/* podman's substitutions: a word IMAGE or NAME, IMAGE=IMAGE and
 * NAME=NAME, and the variables $IMAGE, ${IMAGE}, $NAME, ${NAME} */
static char *
substitute(const char *word, const char *image, const char *name)
{
    static const char *const keys[] = { "${IMAGE}", "$IMAGE", "${NAME}", "$NAME" };
    char *out = xstrdup("");

    if (strcmp(word, "IMAGE") == 0 || strcmp(word, "NAME") == 0) {
        free(out);
        return xstrdup(word[0] == 'I' ? image : name);
    }
    if (strcmp(word, "IMAGE=IMAGE") == 0 || strcmp(word, "NAME=NAME") == 0) {
        free(out);
        return word[0] == 'I' ? xasprintf("IMAGE=%s", image) : xasprintf("NAME=%s", name);
    }
    for (const char *p = word; *p;) {
        bool hit = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !hit; k++) {
            size_t kl = strlen(keys[k]);
            if (strncmp(p, keys[k], kl) == 0) {
                xappendf(&out, "%s", k < 2 ? image : name);
                p += kl;
                hit = true;
            }
        }
        if (!hit)
            xappendf(&out, "%c", *p++);
    }
    return out;
}

static int
cmd_runlabel(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **words = NULL, **args = NULL;
    cleanup_free char *raw = NULL, *name = NULL, *image = NULL, *shown = NULL;
    cleanup_yajl_val yajl_val root = NULL;
    const char *label, *value;
    bool display = false, replace = false;
    struct image img;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_runlabel_def, argc, argv, &arg)) != -1) {
        if (opt == RL_DISPLAY)
            display = cmd_flag_value(arg);
        else if (opt == 'n') {
            free(name);
            name = xstrdup(arg);
        } else if (opt == RL_REPLACE)
            replace = cmd_flag_value(arg);
        else if (opt != 'q' && opt != CMD_OPT_AUTHFILE && opt != CMD_OPT_CERT_DIR
                 && opt != CMD_OPT_CREDS && opt != CMD_OPT_TLS_VERIFY)
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind < 2)
        return cmd_usage_error(&cmd_runlabel_def, "requires at least 2 arg(s), only received %d",
                               argc - optind);
    label = argv[optind];
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    {
        cleanup_close int lock = storage_lock(&ctx->st, false, &err);
        if (lock < 0 || storage_image_lookup(&ctx->st, argv[optind + 1], &img, &err) < 0)
            return cmd_report(&err);
        raw = storage_image_raw(&ctx->st, &img, "config.json", &err);
        image = xstrdup(img.names && img.names[0] ? img.names[0] : img.id);
        storage_image_free(&img);
    }
    if (raw == NULL || (root = json_parse(raw, &err)) == NULL)
        return cmd_report(&err);
    {
        const char *path[] = { "config", "Labels", label, NULL };
        yajl_val v = yajl_tree_get(root, path, yajl_t_string);
        value = v ? YAJL_GET_STRING(v) : NULL;
    }
    if (value == NULL || *value == '\0') {
        pcon_fail(&err, 0, "cannot find the value of label: %s in image: %s", label,
                  argv[optind + 1]);
        return cmd_report(&err);
    }
    if ((words = unitfile_words(value, &err)) == NULL || words[0] == NULL) {
        if (err.msg == NULL)
            pcon_fail(&err, 0, "label %s of image %s holds no command", label, argv[optind + 1]);
        return cmd_report(&err);
    }
    if (name == NULL) {
        /* podman's default: the image's name, no registry, no tag */
        const char *slash = strrchr(image, '/');
        name = xstrdup(slash ? slash + 1 : image);
        char *colon = strchr(name, ':');
        if (colon)
            *colon = '\0';
    }
    /* the first word names the engine the image expects: this one */
    cmd_exe_args(ctx, &args);
    shown = xstrdup("pcon");
    for (size_t i = 1; words[i]; i++) {
        char *w = substitute(words[i], image, name);
        xappendf(&shown, " %s", w);
        strv_push_take(&args, w);
    }
    for (int i = optind + 2; i < argc; i++) {
        xappendf(&shown, " %s", argv[i]);
        strv_push(&args, argv[i]);
    }
    if (display) {
        printf("command: %s\n", shown);
        return 0;
    }
    if (replace) {
        struct container c;
        if (engine_ctr_load(&ctx->st, name, &c, NULL) == 0) {
            int r = engine_ctr_remove(&ctx->st, &c, true, &err);
            engine_ctr_free(&c);
            if (r < 0)
                return cmd_report(&err);
        }
    }
    fflush(stdout);
    /* it runs inside pcon's namespaces now, on the roots checked from outside */
    setenv("PCON_GRAPHROOT", ctx->g.graphroot, 1);
    setenv("PCON_RUNROOT", ctx->g.runroot, 1);
    pcon_fail_kind(&err, PCON_ERR_EXEC, proc_execvpe(args[0], args, environ, getenv("PATH")),
                   "exec \"%s\"", args[0]);
    return cmd_report(&err);
}

const struct cmd_def cmd_runlabel_def = {
    "runlabel",
    cmd_runlabel,
    "Execute the command described by an image label",
    "[options] LABEL IMAGE [ARG...]",
    runlabel_opts,
};
