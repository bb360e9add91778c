// SPDX-License-Identifier: Apache-2.0
/* pcon info (system info): the host, the user namespace and the store, in
 * podman's shape: YAML by default, --format json, or a Go template (whose
 * field names, .Host.Arch or .Store.GraphRoot, find podman's JSON keys
 * whatever their case). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../engine/caps.h"
#include "../engine/cgroup.h"
#include "../engine/container.h"
#include "../engine/idmap.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/proc.h"
#include "../pod/kube.h"
#include "../storage/rootfs.h"
#include "cmd.h"
#include "format.h"

enum { INFO_FORMAT = 'f' };

static const struct cmd_opt info_opts[] = {
    { INFO_FORMAT, "format", 'f', "FORMAT", "Change the output format to JSON or a Go template" },
    { 0, NULL, 0, NULL, NULL },
};

static yajl_gen_status
gen_idmap(yajl_gen g, const char *key, const char *file)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, file, 1 << 16, NULL, NULL);
    struct idmap m = { 0 };

    JG(json_gen_str(g, key));
    JG(yajl_gen_array_open(g));
    if (text && engine_idmap_parse(text, &m, NULL) == 0)
        for (size_t i = 0; i < m.n; i++) {
            JG(yajl_gen_map_open(g));
            JG(json_gen_kv_int(g, "container_id", (long long) m.e[i].inner));
            JG(json_gen_kv_int(g, "host_id", (long long) m.e[i].outer));
            JG(json_gen_kv_int(g, "size", (long long) m.e[i].count));
            JG(yajl_gen_map_close(g));
        }
    return yajl_gen_array_close(g);
fail:
    return yajl_gen_in_error_state;
}

/* /etc/os-release, often a link to /usr/lib/os-release */
static char *
read_os_release(void)
{
    static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };

    for (size_t i = 0; i < 2; i++) {
        cleanup_close int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        char *t = fd < 0 ? NULL : fs_read_fd(fd, 1 << 16, NULL, NULL);
        if (t)
            return t;
    }
    return NULL;
}

/* KEY=VALUE of /etc/os-release, unquoted; "" when absent */
static char *
os_release(const char *text, const char *key)
{
    size_t kl = strlen(key);

    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, key, kl) == 0 && l[kl] == '=') {
            const char *v = l + kl + 1;
            size_t n = strcspn(v, "\n");
            if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                v++;
                n -= 2;
            }
            return xstrndup(v, n);
        }
    return xstrdup("");
}

/* "8h 50m 38.00s (Approximately 0.33 days)", as podman words it */
static char *
uptime_text(long secs)
{
    return xasprintf("%ldh %ldm %ld.00s (Approximately %.2f days)", secs / 3600, secs / 60 % 60,
                     secs % 60, (double) secs / 86400.0);
}

static char *
info_json(struct cmd_ctx *ctx, const char *driver_reason)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_free char *osr = read_os_release();
    cleanup_free char *dist = os_release(osr, "ID"), *ver = os_release(osr, "VERSION_ID");
    cleanup_free char *code = os_release(osr, "VERSION_CODENAME"), *why = NULL;
    cleanup_free char *cg = engine_cgroup_base(&why), *up = NULL, *caps = NULL, *self = NULL;
    cleanup_free char *volpath = xasprintf("%s/volumes", ctx->g.graphroot);
    cleanup_strv char **capv = engine_caps_names(engine_caps_default());
    struct container *cs = NULL;
    size_t ncs = 0;
    long long running = 0, paused = 0;
    struct statvfs sv;
    struct sysinfo si;
    struct utsname u;
    char host[256] = "";
    const char *tmpdir = getenv("TMPDIR");

    if (uname(&u) < 0)
        memset(&u, 0, sizeof u);
    if (sysinfo(&si) < 0)
        memset(&si, 0, sizeof si);
    if (statvfs(ctx->g.graphroot, &sv) < 0)
        memset(&sv, 0, sizeof sv);
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    up = uptime_text(si.uptime);
    caps = strv_join(capv, ",");
    {
        char buf[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        self = xstrndup(buf, n > 0 ? (size_t) n : 0);
    }
    if (engine_ctr_list(&ctx->st, &cs, &ncs, NULL) == 0)
        for (size_t i = 0; i < ncs; i++) {
            running += cs[i].state.status == CTR_RUNNING || cs[i].state.status == CTR_STOPPING;
            paused += cs[i].state.status == CTR_PAUSED;
        }
    engine_ctr_list_free(cs, ncs);

    JG(yajl_gen_map_open(g));
    JG(json_gen_str(g, "host"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "arch", proc_host_arch()));
    JG(json_gen_kv_str(g, "cgroupManager",
                       ctx->g.cgroup_manager ? ctx->g.cgroup_manager : "cgroupfs"));
    JG(json_gen_kv_str(g, "cgroupVersion", cg ? "v2" : "v1"));
    JG(json_gen_str(g, "cgroupControllers"));
    JG(yajl_gen_array_open(g));
    if (cg) {
        cleanup_free char *p = xasprintf("%s/cgroup.controllers", cg);
        cleanup_free char *t = fs_read_all(AT_FDCWD, p, 4096, NULL, NULL);
        char *save = NULL;
        for (char *w = t ? strtok_r(t, " \n", &save) : NULL; w; w = strtok_r(NULL, " \n", &save))
            JG(json_gen_str(g, w));
    }
    JG(yajl_gen_array_close(g));
    JG(json_gen_kv_int(g, "cpus", sysconf(_SC_NPROCESSORS_ONLN)));
    JG(json_gen_str(g, "distribution"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "distribution", dist));
    JG(json_gen_kv_str(g, "version", ver));
    JG(json_gen_kv_str(g, "codename", code));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "eventLogger", ctx->g.events_backend ? ctx->g.events_backend : "none"));
    JG(json_gen_kv_str(g, "hostname", host));
    JG(json_gen_str(g, "idMappings"));
    JG(yajl_gen_map_open(g));
    JG(gen_idmap(g, "gidmap", "/proc/self/gid_map"));
    JG(gen_idmap(g, "uidmap", "/proc/self/uid_map"));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "kernel", u.release));
    JG(json_gen_kv_str(g, "logDriver", "k8s-file"));
    JG(json_gen_kv_int(g, "memFree", (long long) si.freeram * si.mem_unit));
    JG(json_gen_kv_int(g, "memTotal", (long long) si.totalram * si.mem_unit));
    JG(json_gen_kv_str(g, "networkBackend", "pcon"));
    JG(json_gen_str(g, "ociRuntime"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "name", "pcon"));
    JG(json_gen_kv_str(g, "path", self ? self : ""));
    JG(json_gen_kv_str(g, "version", "pcon version " PCON_VERSION));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "os", "linux"));
    JG(json_gen_kv_bool(g, "serviceIsRemote", false));
    JG(json_gen_str(g, "security"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_bool(g, "apparmorEnabled", false));
    JG(json_gen_kv_str(g, "capabilities", caps));
    JG(json_gen_kv_bool(g, "rootless", proc_in_userns()));
    JG(json_gen_kv_bool(g, "seccompEnabled", true));
    JG(json_gen_kv_str(g, "seccompProfilePath", ""));
    JG(json_gen_kv_bool(g, "selinuxEnabled", false));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "slirp4netns"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "executable", "")); /* libslirp, linked by pcon itself */
    JG(json_gen_kv_str(g, "package", "libslirp"));
    JG(json_gen_kv_str(g, "version", "pcon's own user-mode network (libslirp)"));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_int(g, "swapFree", (long long) si.freeswap * si.mem_unit));
    JG(json_gen_kv_int(g, "swapTotal", (long long) si.totalswap * si.mem_unit));
    JG(json_gen_kv_str(g, "uptime", up));
    JG(json_gen_kv_str(g, "linkmode", "dynamic"));
    JG(yajl_gen_map_close(g));

    JG(json_gen_str(g, "store"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "configFile", ""));
    JG(json_gen_str(g, "containerStore"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_int(g, "number", (long long) ncs));
    JG(json_gen_kv_int(g, "paused", paused));
    JG(json_gen_kv_int(g, "running", running));
    JG(json_gen_kv_int(g, "stopped", (long long) ncs - running - paused));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "graphDriverName", storage_driver_name(ctx->st.driver)));
    JG(json_gen_kv_str(g, "graphDriverReason", driver_reason));
    JG(json_gen_str(g, "graphOptions"));
    JG(yajl_gen_map_open(g));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "graphRoot", ctx->g.graphroot));
    JG(json_gen_kv_int(g, "graphRootAllocated", (long long) sv.f_blocks * (long long) sv.f_frsize));
    JG(json_gen_kv_int(g, "graphRootUsed",
                       (long long) (sv.f_blocks - sv.f_bfree) * (long long) sv.f_frsize));
    JG(json_gen_str(g, "graphStatus"));
    JG(yajl_gen_map_open(g));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "imageCopyTmpDir", tmpdir && *tmpdir == '/' ? tmpdir : "/var/tmp"));
    JG(json_gen_str(g, "imageStore"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_int(g, "number", storage_count(ctx->st.images_dfd)));
    JG(yajl_gen_map_close(g));
    JG(json_gen_kv_str(g, "runRoot", ctx->g.runroot));
    JG(json_gen_kv_str(g, "volumePath", volpath));
    JG(yajl_gen_map_close(g));

    JG(json_gen_str(g, "registries"));
    JG(yajl_gen_map_open(g));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "plugins"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_strv(g, "volume", (char *[]){ "local", NULL }));
    JG(json_gen_kv_strv(g, "network", (char *[]){ "bridge", NULL }));
    JG(json_gen_kv_strv(g, "log", (char *[]){ "k8s-file", "none", "passthrough", NULL }));
    JG(json_gen_str(g, "authorization"));
    JG(yajl_gen_null(g));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "version"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "APIVersion", PCON_VERSION));
    JG(json_gen_kv_str(g, "Version", PCON_VERSION));
    JG(json_gen_kv_str(g, "GoVersion", ""));
    JG(json_gen_kv_str(g, "GitCommit", ""));
    JG(json_gen_kv_str(g, "BuiltTime", ""));
    JG(json_gen_kv_int(g, "Built", 0));
    JG(json_gen_kv_str(g, "OsArch", "linux/amd64"));
    JG(json_gen_kv_str(g, "Os", "linux"));
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

/* plain when YAML reads it back as this same string, else quoted */
static char *
yaml_scalar(const char *s)
{
    static const char *const words[] = { "true", "false", "yes", "no", "on", "off",
                                         "null", "~",     "y",   "n",  NULL };
    size_t n = strlen(s);
    char *end = NULL;
    bool plain = n > 0 && s[0] != ' ' && s[n - 1] != ' ' && s[n - 1] != ':'
                 && strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) == NULL && strstr(s, ": ") == NULL
                 && strstr(s, " #") == NULL;

    for (const char *c = s; plain && *c; c++)
        plain = (unsigned char) *c >= 0x20 && *c != 0x7f;
    for (size_t i = 0; words[i] && plain; i++)
        plain = strcasecmp(s, words[i]) != 0;
    if (plain) {
        (void) strtod(s, &end);
        plain = end == NULL || end == s || *end != '\0';
    }
    return plain ? xstrdup(s) : kube_yaml_scalar(s);
}

static int
key_cmp(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *) a, **(const char *const *const *) b);
}

/* v as YAML, keys sorted (podman's output), at indent spaces */
static void
yaml_print(yajl_val v, int indent, bool in_list)
{
    if (YAJL_IS_OBJECT(v)) {
        const char **keys[v->u.object.len ? v->u.object.len : 1];
        if (v->u.object.len == 0) {
            printf(" {}\n");
            return;
        }
        for (size_t i = 0; i < v->u.object.len; i++)
            keys[i] = &v->u.object.keys[i];
        qsort(keys, v->u.object.len, sizeof keys[0], key_cmp);
        if (!in_list)
            putchar('\n');
        for (size_t i = 0; i < v->u.object.len; i++) {
            size_t at = (size_t) (keys[i] - v->u.object.keys);
            yajl_val c = v->u.object.values[at];
            int pad = in_list && i == 0 ? 0 : indent;
            printf("%*s%s:", pad, "", *keys[i]);
            yaml_print(c, YAJL_IS_ARRAY(c) ? indent : indent + 2, false);
        }
    } else if (YAJL_IS_ARRAY(v)) {
        if (v->u.array.len == 0) {
            printf(" []\n");
            return;
        }
        putchar('\n');
        for (size_t i = 0; i < v->u.array.len; i++) {
            yajl_val c = v->u.array.values[i];
            printf("%*s- ", indent, "");
            yaml_print(c, indent + 2, true);
        }
    } else if (YAJL_IS_STRING(v)) {
        const char *s = YAJL_GET_STRING(v);
        if (strchr(s, '\n')) {
            printf(" |-\n");
            for (const char *l = s; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                printf("%*s%.*s\n", indent, "", (int) strcspn(l, "\n"), l);
        } else {
            cleanup_free char *q = yaml_scalar(s);
            printf(in_list ? "%s\n" : " %s\n", q);
        }
    } else if (YAJL_IS_NUMBER(v)) {
        printf(in_list ? "%s\n" : " %s\n", YAJL_GET_NUMBER(v));
    } else {
        const char *w = YAJL_IS_TRUE(v) ? "true" : YAJL_IS_FALSE(v) ? "false" : "null";
        printf(in_list ? "%s\n" : " %s\n", w);
    }
}

static int
cmd_info(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *reason = NULL, *text = NULL;
    cleanup_yajl_val yajl_val v = NULL;
    const char *fmt = NULL;
    char *arg;
    int c;

    while ((c = cmd_getopt(&cmd_info_def, argc, argv, &arg)) != -1) {
        if (c == INFO_FORMAT)
            fmt = arg;
        else
            return c == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon info` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    if (cmd_store_open(ctx, &err) < 0 || storage_driver_resolve(&ctx->st, &reason, &err) < 0)
        return cmd_report(&err);
    text = info_json(ctx, reason);
    if (fmt && (strcmp(fmt, "json") == 0 || strcmp(fmt, "{{json .}}") == 0)) {
        cleanup_free char *pretty = json_pretty(text, &err);
        if (pretty == NULL)
            return cmd_report(&err);
        fputs(pretty, stdout); /* its newline ends it, as podman's */
        return 0;
    }
    if (fmt && *fmt) {
        char *one[] = { text, NULL };
        return cmd_format_print(fmt, one, NULL, &err) < 0 ? cmd_report(&err) : 0;
    }
    v = json_parse(text, &err);
    if (v == NULL)
        return cmd_report(&err);
    yaml_print(v, 0, true);
    return 0;
}

const struct cmd_def cmd_info_def = {
    "info", cmd_info, "Display pcon system information", "[options]", info_opts,
};
