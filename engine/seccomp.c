// SPDX-License-Identifier: Apache-2.0
/* seccomp profiles, podman's format, compiled with libseccomp. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../storage/store.h"
#include "caps.h"
#include "container.h"
#include "seccomp.h"
#include "seccomp_bpf.h"

#define SECCOMP_MAX_ARGS 6

/* pcon's own profile for hosts without podman's: everything allowed but
 * what loads code into the kernel, reads its memory or state, or reaches
 * the host's keys, swap and accounting */
static const char builtin_profile[] =
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
    "\"acct\",\"add_key\",\"bpf\",\"delete_module\",\"finit_module\",\"init_module\","
    "\"ioperm\",\"iopl\",\"kcmp\",\"kexec_file_load\",\"kexec_load\",\"keyctl\","
    "\"lookup_dcookie\",\"move_pages\",\"nfsservctl\",\"open_by_handle_at\",\"perf_event_open\","
    "\"quotactl\",\"request_key\",\"swapoff\",\"swapon\",\"sysfs\",\"uselib\",\"userfaultfd\","
    "\"ustat\",\"vm86\",\"vm86old\",\"vmsplice\"],"
    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";

/* the machine as podman's profiles name it */
static const char *
native_arch(void)
{
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__i386__)
    return "x86";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#else
    return "";
#endif
}

static int
action_parse(const char *s, yajl_val rule, uint32_t dflt_errno, uint32_t *out)
{
    int64_t e;
    uint32_t errnum =
        json_get_int(rule, "errnoRet", &e) && e >= 0 && e < 65536 ? (uint32_t) e : dflt_errno;

    if (s == NULL)
        return -1;
    if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
        *out = SCMP_ACT_ALLOW;
    else if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
        *out = SCMP_ACT_ERRNO(errnum);
    else if (strcmp(s, "SCMP_ACT_KILL") == 0 || strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
        *out = SCMP_ACT_KILL;
    else if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
        *out = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(s, "SCMP_ACT_TRAP") == 0)
        *out = SCMP_ACT_TRAP;
    else if (strcmp(s, "SCMP_ACT_TRACE") == 0)
        *out = SCMP_ACT_TRACE(errnum);
    else if (strcmp(s, "SCMP_ACT_LOG") == 0)
        *out = SCMP_ACT_LOG;
    else
        return -1;
    return 0;
}

static bool
number(yajl_val v, uint64_t *out)
{
    char *end;

    if (v == NULL || !YAJL_IS_NUMBER(v) || v->u.number.r == NULL || v->u.number.r[0] == '-')
        return false;
    errno = 0;
    *out = strtoull(v->u.number.r, &end, 10);
    return errno == 0 && *end == '\0';
}

static int
op_parse(const char *s, enum scmp_compare *out)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE },
        { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE },
        { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
    };

    for (size_t i = 0; s && i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(s, ops[i].name) == 0) {
            *out = ops[i].op;
            return 0;
        }
    return -1;
}

/* "4.8" <= this kernel */
static bool
kernel_at_least(const char *min)
{
    struct utsname u;
    unsigned a = 0, b = 0, x = 0, y = 0;

    if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &x, &y) < 1 || sscanf(min, "%u.%u", &a, &b) < 1)
        return true;
    return x > a || (x == a && y >= b);
}

static bool
caps_have(char *const *names, uint64_t caps, bool all)
{
    bool any = false;

    for (size_t i = 0; names && names[i]; i++) {
        cleanup_strv char **one = NULL;
        uint64_t set, added;
        bool has;

        if (engine_caps_normalize((char *[]){ names[i], NULL }, &one, NULL) < 0 || one == NULL)
            has = false;
        else {
            engine_caps_compute(one, (char *[]){ (char *) "ALL", NULL }, &set, &added);
            has = (caps & set) == set && set != 0;
        }
        if (all && !has)
            return false;
        any |= has;
    }
    return all ? true : any;
}

/* whether a rule applies here: its includes all hold, no exclude does */
static int
rule_applies(yajl_val rule, uint64_t caps, bool *yes, struct pcon_err *err)
{
    yajl_val inc = json_get_obj(rule, "includes"), exc = json_get_obj(rule, "excludes");
    cleanup_strv char **icaps = NULL, **iarch = NULL, **ecaps = NULL, **earch = NULL;
    const char *minkernel = inc ? json_get_str(inc, "minKernel") : NULL;

    if ((inc
         && (json_get_strv(inc, "caps", &icaps, err) < 0
             || json_get_strv(inc, "arches", &iarch, err) < 0))
        || (exc
            && (json_get_strv(exc, "caps", &ecaps, err) < 0
                || json_get_strv(exc, "arches", &earch, err) < 0)))
        return -1;
    *yes = (!icaps || caps_have(icaps, caps, true))
           && (!iarch || strv_contains(iarch, native_arch()))
           && (!ecaps || !caps_have(ecaps, caps, false))
           && (!earch || !strv_contains(earch, native_arch()))
           && (!minkernel || kernel_at_least(minkernel));
    return 0;
}

static int
args_parse(yajl_val args, struct scmp_arg_cmp *cmp, unsigned *n, bool *same_index,
           struct pcon_err *err)
{
    unsigned seen = 0;

    *n = 0;
    *same_index = false;
    if (args == NULL || YAJL_IS_NULL(args))
        return 0;
    if (!YAJL_IS_ARRAY(args) || args->u.array.len > SECCOMP_MAX_ARGS)
        return pcon_fail(err, EINVAL, "args: at most %d comparisons", SECCOMP_MAX_ARGS);
    for (size_t i = 0; i < args->u.array.len; i++) {
        yajl_val a = args->u.array.values[i];
        uint64_t index, value = 0, two = 0;
        enum scmp_compare op;

        if (!YAJL_IS_OBJECT(a) || !number(json_get(a, "index"), &index) || index >= 6
            || (json_get(a, "value") && !number(json_get(a, "value"), &value))
            || (json_get(a, "valueTwo") && !number(json_get(a, "valueTwo"), &two))
            || op_parse(json_get_str(a, "op"), &op) < 0)
            return pcon_fail(err, EINVAL, "invalid argument comparison");
        *same_index |= (seen & (1u << index)) != 0;
        seen |= 1u << index;
        cmp[(*n)++] = (struct scmp_arg_cmp){ (unsigned) index, op, value, two };
    }
    return 0;
}

/* one rule of the profile into ctx */
static int
rule_add(scmp_filter_ctx ctx, yajl_val rule, uint32_t dflt_action, uint32_t dflt_errno,
         uint64_t caps, struct pcon_err *err)
{
    cleanup_strv char **names = NULL;
    struct scmp_arg_cmp cmp[SECCOMP_MAX_ARGS];
    const char *name = json_get_str(rule, "name");
    uint32_t action;
    unsigned n;
    bool applies, same_index;

    if (!YAJL_IS_OBJECT(rule) || json_get_strv(rule, "names", &names, err) < 0)
        return pcon_fail(err, EINVAL, "invalid syscall rule");
    if (name)
        strv_push(&names, name);
    if (action_parse(json_get_str(rule, "action"), rule, dflt_errno, &action) < 0)
        return pcon_fail(err, EINVAL, "invalid action \"%s\"",
                         json_get_str(rule, "action") ? json_get_str(rule, "action") : "");
    if (args_parse(json_get(rule, "args"), cmp, &n, &same_index, err) < 0
        || rule_applies(rule, caps, &applies, err) < 0)
        return -1;
    if (!applies || action == dflt_action)
        return 0; /* libseccomp refuses rules that do what the default does */
    for (size_t i = 0; names && names[i]; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        int r = 0;

        if (nr == __NR_SCMP_ERROR)
            continue; /* a name this architecture does not have */
        /* comparisons of one argument together cannot be one rule: each
         * its own, as podman adds them */
        if (same_index)
            for (unsigned k = 0; k < n && r == 0; k++)
                r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[k]);
        else
            r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
        if (r < 0 && r != -EEXIST)
            return pcon_fail(err, -r, "add the rule for %s", names[i]);
    }
    return 0;
}

static int
arches_add(scmp_filter_ctx ctx, yajl_val root, struct pcon_err *err)
{
    yajl_val map = json_get_arr(root, "archMap");
    uint32_t native = seccomp_arch_native();

    for (size_t i = 0; map && i < map->u.array.len; i++) {
        yajl_val m = map->u.array.values[i];
        const char *a = YAJL_IS_OBJECT(m) ? json_get_str(m, "architecture") : NULL;
        cleanup_strv char **subs = NULL;

        if (a == NULL || strncmp(a, "SCMP_ARCH_", 10) != 0)
            return pcon_fail(err, EINVAL, "invalid archMap");
        if (json_get_strv(m, "subArchitectures", &subs, err) < 0)
            return -1;
        {
            cleanup_free char *lower = xstrdup(a + 10);
            for (char *c = lower; *c; c++)
                *c = (char) (*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            if (seccomp_arch_resolve_name(lower) != native)
                continue;
        }
        for (size_t k = 0; subs && subs[k]; k++) {
            cleanup_free char *lower = NULL;
            uint32_t arch;
            int r;
            if (strncmp(subs[k], "SCMP_ARCH_", 10) != 0)
                return pcon_fail(err, EINVAL, "invalid archMap");
            lower = xstrdup(subs[k] + 10);
            for (char *c = lower; *c; c++)
                *c = (char) (*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            arch = seccomp_arch_resolve_name(lower);
            if (arch == 0)
                continue;
            r = seccomp_arch_add(ctx, arch);
            if (r < 0 && r != -EEXIST)
                return pcon_fail(err, -r, "add architecture %s", subs[k]);
        }
    }
    return 0;
}

int
engine_seccomp_compile(const char *profile, uint64_t caps, int fd, struct pcon_err *err)
{
    return engine_seccomp_compile_opt(profile, caps, 3, fd, err);
}

/* libseccomp's program (optimize 1 or 2) written to fd */
static int
compile_libseccomp(const char *profile, uint64_t caps, int optimize, int fd, struct pcon_err *err)
{
    cleanup_yajl_val yajl_val root = json_parse(profile, err);
    yajl_val rules;
    scmp_filter_ctx ctx = NULL;
    uint32_t dflt;
    int64_t e;
    uint32_t dflt_errno;
    int r = -1;

    if (root == NULL)
        return -1;
    if (!YAJL_IS_OBJECT(root))
        return pcon_fail(err, EINVAL, "a seccomp profile is a JSON object");
    dflt_errno =
        json_get_int(root, "defaultErrnoRet", &e) && e >= 0 && e < 65536 ? (uint32_t) e : EPERM;
    if (action_parse(json_get_str(root, "defaultAction"), root, dflt_errno, &dflt) < 0)
        return pcon_fail(err, EINVAL, "invalid defaultAction");
    /* rules may not name the default's errno as their own */
    if (json_get_int(root, "defaultErrnoRet", &e) && e >= 0 && e < 65536)
        dflt = (dflt & 0xffff0000U) == SCMP_ACT_ERRNO(0) ? SCMP_ACT_ERRNO((uint32_t) e) : dflt;
    rules = json_get(root, "syscalls");
    if (rules && !YAJL_IS_NULL(rules) && !YAJL_IS_ARRAY(rules))
        return pcon_fail(err, EINVAL, "syscalls must be an array");
    ctx = seccomp_init(dflt);
    if (ctx == NULL)
        return pcon_fail(err, ENOMEM, "create the seccomp filter");
    /* a binary tree of the syscall numbers, not a list: loading a filter
     * costs the kernel a walk of it for every syscall number (its action
     * cache), so a list of podman's ~370 rules cost ~1 ms at each start,
     * the tree a third of that. Older libseccomp: the list. */
    (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t) optimize);
    if (arches_add(ctx, root, err) < 0)
        goto out;
    for (size_t i = 0; rules && YAJL_IS_ARRAY(rules) && i < rules->u.array.len; i++)
        if (rule_add(ctx, rules->u.array.values[i], dflt, EPERM, caps, err) < 0) {
            pcon_prefix(err, "syscall rule %zu", i + 1);
            goto out;
        }
    r = seccomp_export_bpf(ctx, fd);
    if (r < 0) {
        pcon_fail(err, -r, "export the seccomp filter");
        r = -1;
    }
out:
    seccomp_release(ctx);
    return r < 0 ? -1 : 0;
}

/* libseccomp's program (optimize 1 or 2) in memory */
static void *
compile_to_memory(const char *profile, uint64_t caps, int optimize, size_t *len,
                  struct pcon_err *err)
{
    cleanup_close int fd = memfd_create("pcon-seccomp", MFD_CLOEXEC);
    struct stat sb;
    void *buf;

    if (fd < 0)
        return pcon_fail(err, errno, "create a memory file"), NULL;
    if (compile_libseccomp(profile, caps, optimize, fd, err) < 0)
        return NULL;
    if (fstat(fd, &sb) < 0 || sb.st_size <= 0 || sb.st_size % 8 != 0)
        return pcon_fail(err, errno ? errno : EINVAL, "read the seccomp filter"), NULL;
    buf = xmalloc((size_t) sb.st_size);
    if (pread(fd, buf, (size_t) sb.st_size, 0) != sb.st_size) {
        free(buf);
        return pcon_fail(err, errno, "read the seccomp filter"), NULL;
    }
    *len = (size_t) sb.st_size;
    return buf;
}

/* the program at an optimization level (engine_seccomp_compile_opt's) */
static void *
program_make(const char *profile, uint64_t caps, int optimize, size_t *len, struct pcon_err *err)
{
    void *tree = compile_to_memory(profile, caps, optimize < 3 ? optimize : 2, len, err);
    struct sock_filter *small;
    size_t n;

    if (tree == NULL || optimize < 3)
        return tree;
    /* libseccomp's tree with its dispatch as runs of syscall numbers; the
     * tree itself when that is no shorter (a profile of a few rules) or its
     * dispatch is not one that can be followed */
    if (engine_seccomp_bpf_shrink(tree, *len / sizeof *small, &small, &n) < 0)
        return tree;
    if (n >= *len / sizeof *small) {
        free(small);
        return tree;
    }
    free(tree);
    *len = n * sizeof *small;
    return small;
}

int
engine_seccomp_compile_opt(const char *profile, uint64_t caps, int optimize, int fd,
                           struct pcon_err *err)
{
    size_t len;
    cleanup_free void *prog = program_make(profile, caps, optimize, &len, err);

    if (prog == NULL)
        return -1;
    if (fs_write_all(fd, prog, len) < 0)
        return pcon_fail(err, errno, "write the seccomp filter");
    return 0;
}

int
engine_seccomp_program(struct store *st, const char *profile, uint64_t caps, void **prog,
                       size_t *len, struct pcon_err *err)
{
    cleanup_free char *text = NULL, *key = NULL, *path = NULL;
    cleanup_free char *cached = NULL;
    struct digest_ctx *d;
    char digest[72];
    size_t n = 0;

    if (profile == NULL) {
        text = fs_read_all(AT_FDCWD, ENGINE_SECCOMP_DEFAULT, ENGINE_SECCOMP_MAX, NULL, NULL);
        profile = text ? text : builtin_profile;
    }
    /* the program depends on the profile, the capabilities and the machine */
    d = digest_new();
    key = xasprintf("%016llx %s runs\n", (unsigned long long) caps, native_arch());
    digest_update(d, key, strlen(key));
    digest_update(d, profile, strlen(profile));
    digest_final(d, digest);
    path = xasprintf("seccomp/%s.bpf", digest + 7);
    cached = fs_read_all(st->run_dfd, path, 1 << 22, &n, NULL);
    if (cached && n > 0 && n % 8 == 0) {
        *prog = steal_ptr(&cached);
        *len = n;
        return 0;
    }
    *prog = program_make(profile, caps, 3, len, err);
    if (*prog == NULL)
        return pcon_prefix(err, "seccomp profile");
    /* a cache: a failure to keep it costs the next start a compilation */
    if (mkdirat(st->run_dfd, "seccomp", 0700) == 0 || errno == EEXIST) {
        cleanup_close int dfd =
            openat(st->run_dfd, "seccomp", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd >= 0)
            (void) fs_write_atomic(dfd, strchr(path, '/') + 1, *prog, *len, 0600, false, NULL);
    }
    return 0;
}

int
engine_seccomp_for(struct store *st, const struct ctr_config *c, uint64_t caps, void **prog,
                   size_t *len, struct pcon_err *err)
{
    cleanup_free char *path = NULL, *text = NULL;

    *prog = NULL;
    *len = 0;
    /* --privileged: none, unless a profile is asked for too (podman) */
    if ((c->seccomp && strcmp(c->seccomp, "unconfined") == 0) || (c->privileged && !c->seccomp))
        return 0;
    if (c->seccomp) {
        path = xasprintf("%s/seccomp.json", c->id);
        text = fs_read_all(st->containers_dfd, path, ENGINE_SECCOMP_MAX, NULL, err);
        if (text == NULL)
            return pcon_prefix(err, "the container's seccomp profile");
    }
    return engine_seccomp_program(st, text, caps, prog, len, err);
}
