// SPDX-License-Identifier: Apache-2.0
/* pcon version: podman's lines, --format json or a template over
 * {"Client": {...}} as podman has it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "cmd.h"
#include "format.h"

static const struct cmd_opt version_opts[] = {
    { 'f', "format", 'f', "FORMAT", "Change the output format to JSON or a Go template" },
    { 0, NULL, 0, NULL, NULL },
};

static char *
version_json(void)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *osarch = xasprintf("linux/%s", proc_host_arch());

    JG(yajl_gen_map_open(g));
    JG(json_gen_str(g, "Client"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "APIVersion", PCON_VERSION));
    JG(json_gen_kv_str(g, "Version", PCON_VERSION));
    JG(json_gen_kv_str(g, "GoVersion", ""));
    JG(json_gen_kv_str(g, "GitCommit", ""));
    JG(json_gen_kv_str(g, "BuiltTime", __DATE__));
    JG(json_gen_kv_int(g, "Built", 0));
    JG(json_gen_kv_str(g, "OsArch", osarch));
    JG(json_gen_kv_str(g, "Os", "linux"));
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

static int
cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *doc = NULL;
    const char *fmt = NULL;
    char *arg;
    int c;

    (void) ctx;
    while ((c = cmd_getopt(&cmd_version_def, argc, argv, &arg)) != -1) {
        if (c == 'f')
            fmt = arg;
        else
            return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon version` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    if (fmt == NULL || *fmt == '\0') {
        printf("Version:      %s\n", PCON_VERSION);
        printf("API Version:  %s\n", PCON_VERSION);
        printf("Built:        %s\n", __DATE__);
        printf("OS/Arch:      linux/%s\n", proc_host_arch());
        return 0;
    }
    doc = version_json();
    if (strcmp(fmt, "json") == 0 || strcmp(fmt, "{{json .}}") == 0) {
        printf("%s\n", doc); /* one line, as podman prints it */
        return 0;
    }
    return cmd_format_print(fmt, (char *[]){ doc, NULL }, NULL, &err) < 0 ? cmd_report(&err) : 0;
}

const struct cmd_def cmd_version_def = {
    "version", cmd_version, "Display the pcon version information", "[options]", version_opts,
};
