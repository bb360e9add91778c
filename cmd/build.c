// SPDX-License-Identifier: Apache-2.0
/* pcon build */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../builder/build.h"
#include "../lib/cleanup.h"
#include "../lib/timefmt.h"
#include "cmd.h"
#include "ctr_opts.h"

enum {
    BUILD_ARG = 0x300,
    BUILD_TARGET,
    BUILD_NO_CACHE,
    BUILD_IIDFILE,
    BUILD_LABEL,
    BUILD_NETWORK,
    BUILD_TIMESTAMP,
    BUILD_LAYERS,
    BUILD_PULL,
    BUILD_FORMAT,
    BUILD_SQUASH,
    BUILD_RM,
    BUILD_PULL_ALWAYS,
    BUILD_ULIMIT,
    BUILD_SECRET,
    BUILD_SQUASH_ALL,
    BUILD_ENV,
    BUILD_UNSETENV,
    BUILD_FROM,
    BUILD_IGNOREFILE,
    BUILD_OMIT_HISTORY,
    BUILD_SKIP_UNUSED,
    BUILD_CONTEXT,
    BUILD_LOGFILE,
    BUILD_JOBS,
    BUILD_ACCEPTED,
    BUILD_ISOLATION,
    BUILD_OS_VERSION,
    BUILD_OS_FEATURE,
    BUILD_CACHE_TTL,
    BUILD_CPP_FLAG,
    BUILD_RETRY,
    BUILD_RETRY_DELAY,
    BUILD_MANIFEST,
    BUILD_OUTPUT,
};

static const struct cmd_opt build_opts[] = {
    { BUILD_ARG, "build-arg", 0, "KEY=VALUE",
      "A build argument (KEY alone: from the environment)" },
    { 'f', "file", 'f', "PATH",
      "The Containerfile (default: Containerfile or Dockerfile in the context; *.in: through "
      "cpp)" },
    { BUILD_CPP_FLAG, "cpp-flag", 0, "FLAG", "A flag for cpp(1), for a Containerfile named *.in" },
    { BUILD_FORMAT, "format", 0, "FORMAT", "oci or docker (pcon stores OCI; both accepted)" },
    { BUILD_IIDFILE, "iidfile", 0, "FILE", "Write the image's id to the file" },
    { BUILD_LABEL, "label", 0, "KEY=VALUE", "A label on the image" },
    { BUILD_LAYERS, "layers", 0, "BOOL",
      "Cache each step's image (default true); false: no cache, one new layer" },
    { BUILD_NETWORK, "network", 0, "MODE",
      "RUN's network: slirp4netns (default), none, host, ..." },
    { BUILD_MANIFEST, "manifest", 0, "LIST",
      "Add the image to this manifest list (made when there is none)" },
    { BUILD_NO_CACHE, "no-cache", 0, NULL, "Use no cached step: build every one again" },
    { BUILD_CACHE_TTL, "cache-ttl", 0, "DURATION",
      "Use only cached steps made less than DURATION ago (1h30m; 0: none)" },
    { BUILD_PULL, "pull", 0, NULL, "Accepted: a missing base image is pulled" },
    { BUILD_PULL_ALWAYS, "pull-always", 0, NULL, "Accepted: a missing base image is pulled" },
    { 'q', "quiet", 'q', NULL, "Print only the image's id" },
    { BUILD_RETRY, "retry", 0, "N",
      "Times a failed pull of a FROM image is tried again (default 3)" },
    { BUILD_RETRY_DELAY, "retry-delay", 0, "DURATION", "Time between those tries (default 2s)" },
    { BUILD_RM, "rm", 0, "BOOL", "Accepted: the step containers are always removed" },
    { BUILD_SECRET, "secret", 0, "id=ID,src=PATH", "A secret for RUN --mount=type=secret" },
    { BUILD_SQUASH, "squash", 0, NULL, "Squash the layers the build makes into one new layer" },
    { BUILD_SQUASH_ALL, "squash-all", 0, NULL, "Squash every layer, the base's too, into one" },
    { BUILD_ENV, "env", 0, "KEY=VALUE", "Set an environment variable in the image (RUN sees it)" },
    { BUILD_UNSETENV, "unsetenv", 0, "NAME", "Unset an environment variable in the image" },
    { BUILD_FROM, "from", 0, "IMAGE", "The image of the first FROM instead of the one it names" },
    { BUILD_IGNOREFILE, "ignorefile", 0, "PATH",
      "The ignore file (default .containerignore or .dockerignore in the context)" },
    { BUILD_OMIT_HISTORY, "omit-history", 0, NULL, "Write no history into the image" },
    { 'o', "output", 'o', "type=local|tar,dest=PATH",
      "The image's files also into a directory or a tar (PATH alone: a directory; -: a tar on"
      " stdout, the steps on stderr)" },
    { BUILD_OS_VERSION, "os-version", 0, "VERSION",
      "The OS version the image needs (its config's os.version)" },
    { BUILD_OS_FEATURE, "os-feature", 0, "FEATURE",
      "An OS feature the image needs (os.features; FEATURE-: removed)" },
    { BUILD_SKIP_UNUSED, "skip-unused-stages", 0, "BOOL",
      "Skip the stages the target does not need (default true)" },
    { BUILD_CONTEXT, "build-context", 0, "NAME=DIR|docker-image://IMAGE",
      "Another context, for COPY --from=NAME and FROM NAME" },
    { BUILD_LOGFILE, "logfile", 0, "FILE", "Write the build's output to FILE" },
    { BUILD_JOBS, "jobs", 0, "N",
      "Stages built at once, each when those it needs are (default 1: one after another)" },
    { BUILD_ACCEPTED, "force-rm", 0, "BOOL", "Accepted: the step containers are always removed" },
    { BUILD_ACCEPTED, "disable-compression", 'D', NULL,
      "Accepted: pcon stores layers uncompressed and compresses them to push" },
    { BUILD_ACCEPTED, "compress", 0, NULL, "Accepted: layers are compressed when pushed" },
    { BUILD_ACCEPTED, "identity-label", 0, "BOOL", "Accepted: pcon adds no io.buildah.version" },
    { BUILD_ACCEPTED, "stdin", 0, NULL, "Accepted: RUN's stdin is the build's" },
    { BUILD_ISOLATION, "isolation", 0, "TYPE", "oci or rootless: RUN runs as a pcon container" },
    /* RUN's containers, as run's */
    { CO_ADD_HOST, "add-host", 0, "HOST:IP", "Add a host to RUN's /etc/hosts" },
    { CO_CAP_ADD, "cap-add", 0, "CAP", "Add capabilities to RUN's commands" },
    { CO_CAP_DROP, "cap-drop", 0, "CAP", "Drop capabilities from RUN's commands" },
    { CO_CGROUPNS, "cgroupns", 0, "host|private", "RUN's cgroup namespace" },
    { 'c', "cpu-shares", 'c', "N", "RUN's CPU shares" },
    { CO_CPU_PERIOD, "cpu-period", 0, "USEC", "RUN's CPU CFS period" },
    { CO_CPU_QUOTA, "cpu-quota", 0, "USEC", "RUN's CPU CFS quota" },
    { CO_CPUSET_CPUS, "cpuset-cpus", 0, "LIST", "CPUs RUN's commands may run on" },
    { CO_CPUSET_MEMS, "cpuset-mems", 0, "LIST", "Memory nodes RUN's commands may use" },
    { CO_DEVICE, "device", 0, "HOST[:CTR][:PERMS]", "A host device for RUN's commands" },
    { CO_DNS, "dns", 0, "IP", "A DNS server for RUN's commands" },
    { CO_DNS_OPTION, "dns-option", 0, "OPT", "A DNS option for RUN's commands" },
    { CO_DNS_SEARCH, "dns-search", 0, "DOMAIN", "A DNS search domain for RUN's commands" },
    { CO_HTTP_PROXY, "http-proxy", 0, NULL, "Pass the proxy variables to RUN (default true)" },
    { CO_IPC, "ipc", 0, "MODE", "RUN's IPC namespace" },
    { 'm', "memory", 'm', "SIZE", "RUN's memory limit" },
    { CO_MEMORY_SWAP, "memory-swap", 0, "SIZE", "RUN's memory plus swap limit" },
    { CO_NO_HOSTS, "no-hosts", 0, NULL, "Do not write RUN's /etc/hosts" },
    { CO_PID, "pid", 0, "MODE", "RUN's PID namespace" },
    { CO_SECURITY_OPT, "security-opt", 0, "OPT", "Security options for RUN (as run's)" },
    { CO_SHM_SIZE, "shm-size", 0, "SIZE", "Size of RUN's /dev/shm" },
    { CO_USERNS, "userns", 0, "MODE", "RUN's user namespace (as run's --userns)" },
    { CO_UIDMAP, "userns-uid-map", 0, "CTR:HOST:SIZE",
      "UID map of RUN's user namespace (as run's --uidmap)" },
    { CO_GIDMAP, "userns-gid-map", 0, "CTR:HOST:SIZE",
      "GID map of RUN's user namespace (as run's --gidmap)" },
    { CO_SUBUIDNAME, "userns-uid-map-user", 0, "NAME",
      "UID map of RUN's user namespace from NAME's /etc/subuid ranges" },
    { CO_SUBGIDNAME, "userns-gid-map-group", 0, "NAME",
      "GID map of RUN's user namespace from NAME's /etc/subgid ranges" },
    { CO_CGROUP_PARENT, "cgroup-parent", 0, "PATH", "RUN's cgroups below this one" },
    { CO_UTS, "uts", 0, "MODE", "RUN's UTS namespace" },
    { 'v', "volume", 'v', "HOST:CTR[:ro]", "Bind mount for RUN's commands (not in the image)" },
    CMD_REG_OPTS,
    CMD_CONTENT_TRUST_OPT,
    CMD_PLATFORM_OPTS,
    { 't', "tag", 't', "NAME", "A name for the image" },
    { BUILD_TARGET, "target", 0, "STAGE", "Build the stage of that name, and what it needs" },
    { BUILD_TIMESTAMP, "timestamp", 0, "SECONDS", "Every time in the image (reproducible builds)" },
    { BUILD_ULIMIT, "ulimit", 0, "NAME=SOFT[:HARD]", "A resource limit for RUN's commands" },
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_build(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **tags = NULL, **args = NULL, **labels = NULL, **ulimits = NULL,
                      **secrets = NULL, **env = NULL, **unsetenv = NULL, **contexts = NULL,
                      **os_features = NULL, **cpp_flags = NULL;
    int run_status = 0;
    struct build_opts o = {
        .timestamp = -1,
        .out = stdout,
        .run_status = &run_status,
        .skip_unused = true,
        .cache_ttl = -1,
    };
    struct create_args ca;
    const char *logfile = NULL, *manifest = NULL;
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char id[65];
    char *arg;
    int opt;

    if (epoch && *epoch)
        o.timestamp = strtoll(epoch, NULL, 10);
    cmd_create_args_init(&ca);
    ca.reg.tls_verify = -1;
    while ((opt = cmd_getopt(&cmd_build_def, argc, argv, &arg)) != -1) {
        /* RUN's container options, the registry's and the platform: run's */
        bool run_opt = (opt >= 0x200 && opt < 0x300) || opt >= 0x1000 || opt == 'c' || opt == 'm'
                       || opt == 'v';
        int r = run_opt ? cmd_create_opt(&ca, opt, arg, &err) : 0;
        if (r < 0) {
            cmd_create_args_free(&ca);
            return cmd_report(&err);
        }
        if (r > 0)
            continue;
        switch (opt) {
        case BUILD_ARG:
            strv_push(&args, arg);
            break;
        case 'f':
            o.file = arg;
            break;
        case BUILD_IIDFILE:
            o.iidfile = arg;
            break;
        case BUILD_LABEL:
            strv_push(&labels, arg);
            break;
        case BUILD_LAYERS:
            /* buildah's --layers=false: no step cached, one layer of all
             * the steps' changes */
            o.layers_off = !cmd_flag_value(arg);
            break;
        case BUILD_NETWORK:
            o.network = arg;
            break;
        case BUILD_NO_CACHE:
            o.no_cache = cmd_flag_value(arg);
            break;
        case 'q':
            o.quiet = cmd_flag_value(arg);
            break;
        case 't':
            strv_push(&tags, arg);
            break;
        case BUILD_TARGET:
            o.target = arg;
            break;
        case BUILD_TIMESTAMP: {
            char *end;
            errno = 0;
            o.timestamp = strtoll(arg, &end, 10);
            if (*arg == '\0' || *end || errno || o.timestamp < 0)
                return cmd_usage_error(&cmd_build_def, "invalid --timestamp \"%s\"", arg);
            break;
        }
        case BUILD_SQUASH:
            o.squash = cmd_flag_value(arg);
            break;
        case BUILD_SQUASH_ALL:
            o.squash_all = cmd_flag_value(arg);
            break;
        case BUILD_ENV:
            strv_push(&env, arg);
            break;
        case BUILD_UNSETENV:
            strv_push(&unsetenv, arg);
            break;
        case BUILD_FROM:
            o.from = arg;
            break;
        case BUILD_IGNOREFILE:
            o.ignorefile = arg;
            break;
        case BUILD_OMIT_HISTORY:
            o.omit_history = cmd_flag_value(arg);
            break;
        case BUILD_RETRY: {
            char *end;
            long n = strtol(arg, &end, 10);
            if (*arg == '\0' || *end || n < 0 || n > 100) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --retry \"%s\"", arg);
            }
            o.retries = (int) n;
            o.retries_set = true;
            break;
        }
        case BUILD_RETRY_DELAY:
            o.retry_delay = time_parse_duration(arg);
            if (o.retry_delay <= 0 || o.retry_delay > 3600000000000LL) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --retry-delay \"%s\"", arg);
            }
            break;
        case BUILD_MANIFEST:
            manifest = arg;
            break;
        case 'o':
            o.output = arg;
            break;
        case BUILD_CPP_FLAG:
            strv_push(&cpp_flags, arg);
            break;
        case BUILD_CACHE_TTL:
            o.cache_ttl = time_parse_duration(arg);
            if (o.cache_ttl < 0) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --cache-ttl \"%s\"", arg);
            }
            o.no_cache |= o.cache_ttl == 0; /* every cached step too old */
            break;
        case BUILD_OS_VERSION:
            o.os_version = arg;
            break;
        case BUILD_OS_FEATURE:
            if (*arg == '\0' || strcmp(arg, "-") == 0) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --os-feature \"%s\"", arg);
            }
            strv_push(&os_features, arg);
            break;
        case BUILD_SKIP_UNUSED:
            o.skip_unused = cmd_flag_value(arg);
            break;
        case BUILD_CONTEXT:
            if (strchr(arg, '=') == NULL || arg[0] == '=' || strchr(arg, '=')[1] == '\0') {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --build-context \"%s\": NAME=VALUE",
                                       arg);
            }
            strv_push(&contexts, arg);
            break;
        case BUILD_LOGFILE:
            logfile = arg;
            break;
        case BUILD_ISOLATION:
            if (strcmp(arg, "oci") != 0 && strcmp(arg, "rootless") != 0) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def,
                                       "--isolation %s: pcon's RUN is a container (oci, rootless)",
                                       arg);
            }
            break;
        case BUILD_JOBS: {
            char *end;
            long j = strtol(arg, &end, 10);
            if (*arg == '\0' || *end || j < 0 || j > 64) {
                cmd_create_args_free(&ca);
                return cmd_usage_error(&cmd_build_def, "invalid --jobs \"%s\"", arg);
            }
            o.jobs = (int) j;
            break;
        }
        case BUILD_ACCEPTED:
            break;
        case BUILD_ULIMIT:
            strv_push(&ulimits, arg);
            break;
        case BUILD_SECRET:
            strv_push(&secrets, arg);
            break;
        case BUILD_FORMAT:
        case BUILD_PULL:
        case BUILD_PULL_ALWAYS:
        case BUILD_RM:
            break;
        default:
            cmd_create_args_free(&ca);
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (argc - optind > 1) {
        cmd_create_args_free(&ca);
        return cmd_usage_error(&cmd_build_def, "accepts at most 1 arg(s), received %d",
                               argc - optind);
    }
    if (cmd_create_run_template(&ca, &err) < 0) {
        cmd_create_args_free(&ca);
        return cmd_report(&err);
    }
    if (logfile) {
        int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
            pcon_fail_kind(&err, PCON_ERR_USAGE, errno, "--logfile %s", logfile);
            if (fd >= 0)
                close(fd);
            cmd_create_args_free(&ca);
            return cmd_report(&err);
        }
        close(fd);
    }
    /* checked before the build; a tar on stdout: the steps (and the id) to stderr */
    if (o.output) {
        cleanup_free char *dest = NULL;
        bool tar;
        if (builder_output_parse(o.output, &tar, &dest, &err) < 0) {
            cmd_create_args_free(&ca);
            return cmd_report(&err);
        }
        if (tar && strcmp(dest, "-") == 0)
            o.out = stderr;
    }
    o.context = optind < argc ? argv[optind] : ".";
    o.tags = tags;
    o.build_args = args;
    o.labels = labels;
    o.ulimits = ulimits;
    o.secrets = secrets;
    if (o.layers_off) {
        o.no_cache = true;
        o.squash = true;
    }
    o.env = env;
    o.unsetenv = unsetenv;
    o.contexts = contexts;
    o.os_features = os_features;
    o.cpp_flags = cpp_flags;
    o.run = &ca.o;
    o.reg = &ca.reg;
    if (cmd_store_open(ctx, &err) < 0 || builder_build(&ctx->st, &o, id, &err) < 0) {
        int code = cmd_report(&err);
        cmd_create_args_free(&ca);
        return run_status > 0 ? run_status : code; /* a RUN's own failure: its status, as podman */
    }
    cmd_create_args_free(&ca);
    if (manifest && cmd_manifest_add_local(ctx, manifest, id, &err) < 0)
        return cmd_report(&err);
    fprintf(o.out, "%s\n", id);
    return 0;
}

const struct cmd_def cmd_build_def = {
    "build", cmd_build, "Build an image from a Containerfile", "[options] [CONTEXT]", build_opts,
};
