// SPDX-License-Identifier: Apache-2.0
/* The floor of a container start with pcon's isolation and none of its
 * bookkeeping: what the kernel must do for `pcon run --rm --network none
 * IMG CMD`, done by the shortest program. No records, locks, names, events,
 * image config, pause process or monitor; the same namespaces (user, mount,
 * pid, net, ipc, uts), an overlay over the image's root with a fresh upper
 * and work dir, pcon's default mounts (proc, /dev's tmpfs, device binds,
 * devpts, shm, mqueue, read-only sysfs, /etc/hosts, /etc/hostname,
 * /run/.containerenv, the masked and read-only kernel paths), pivot_root,
 * the capability bounding set cut to the default set, pcon's seccomp
 * program when one is given, exec; after the exit, the upper, work and
 * merged dirs removed by a detached child, as pcon's deferred removal.
 *
 *   floor ROOTFS DIR [SECCOMP_FILE] -- CMD [ARG...]
 *
 * ROOTFS: the image's root (the overlay's lower dir), DIR: a directory on
 * the store's file system for this run's dirs; SECCOMP_FILE: a raw struct
 * sock_filter array (pcon's cached program). Exits with CMD's status, 125
 * on a failure of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NSD (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
    int e = errno;
    va_list ap;

    fputs("floor: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(e));
    _exit(125);
}

static void
put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t n = strlen(text);

    if (fd < 0 || write(fd, text, n) != (ssize_t) n || close(fd) < 0)
        die("write %s", path);
}

static void
make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        die("mkdir %s", path);
}

static void
make_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0 || close(fd) < 0)
        die("create %s", path);
}

static void
fs(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
    make_dir(dst, 0755);
    if (mount(src, dst, type, flags, data) < 0)
        die("mount %s", dst);
}

static void
bind(const char *src, const char *dst)
{
    make_file(dst);
    if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
        die("bind %s", dst);
}

/* pcon's engine/policy.h lists, paths relative to the new root */
static const char *const masked[] = {
    "proc/acpi",       "proc/kcore",       "proc/keys",        "proc/latency_stats",
    "proc/timer_list", "proc/timer_stats", "proc/sched_debug", "proc/scsi",
    "sys/firmware",    "sys/fs/selinux",   "sys/dev/block",    "sys/devices/virtual/powercap",
};
static const char *const readonly[] = {
    "proc/asound", "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};
static const int kept_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FOWNER,  CAP_FSETID, CAP_KILL,       CAP_NET_BIND_SERVICE,
    CAP_SETFCAP, CAP_SETGID,       CAP_SETPCAP, CAP_SETUID, CAP_SYS_CHROOT,
};

static void __attribute__((noreturn))
child(const char *rootfs, const char *base, struct sock_fprog *prog, char **cmd)
{
    char path[1100], opts[3400];
    struct stat st;

    if (sethostname("floor", 5) < 0)
        die("sethostname");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        die("make / private");
    snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr", rootfs,
             base, base);
    snprintf(path, sizeof path, "%s/merged", base);
    if (mount("overlay", path, "overlay", 0, opts) < 0)
        die("mount overlay");
    if (chdir(path) < 0)
        die("chdir %s", path);
    fs("proc", "proc", "proc", NSD, NULL);
    fs("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    bind("/dev/null", "dev/null");
    bind("/dev/zero", "dev/zero");
    bind("/dev/full", "dev/full");
    bind("/dev/random", "dev/random");
    bind("/dev/urandom", "dev/urandom");
    bind("/dev/tty", "dev/tty");
    fs("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
    fs("shm", "dev/shm", "tmpfs", NSD, "mode=1777,size=65536k");
    fs("mqueue", "dev/mqueue", "mqueue", NSD, NULL);
    if (symlink("pts/ptmx", "dev/ptmx") < 0 || symlink("/proc/self/fd", "dev/fd") < 0
        || symlink("/proc/self/fd/0", "dev/stdin") < 0
        || symlink("/proc/self/fd/1", "dev/stdout") < 0
        || symlink("/proc/self/fd/2", "dev/stderr") < 0 || symlink("/proc/kcore", "dev/core") < 0)
        die("symlink in /dev");
    fs("sysfs", "sys", "sysfs", MS_RDONLY | NSD, NULL);
    make_dir("etc", 0755);
    make_dir("run", 0755);
    snprintf(path, sizeof path, "%s/hosts", base);
    bind(path, "etc/hosts");
    snprintf(path, sizeof path, "%s/hostname", base);
    bind(path, "etc/hostname");
    snprintf(path, sizeof path, "%s/containerenv", base);
    bind(path, "run/.containerenv");
    for (size_t i = 0; i < sizeof masked / sizeof *masked; i++) {
        if (stat(masked[i], &st) < 0)
            continue; /* this kernel lacks it */
        if (S_ISDIR(st.st_mode) ? mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, "size=0") < 0
                                : mount("/dev/null", masked[i], NULL, MS_BIND, NULL) < 0)
            die("mask %s", masked[i]);
    }
    for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++) {
        if (stat(readonly[i], &st) < 0)
            continue;
        if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) < 0
            || mount(NULL, readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | NSD, NULL) < 0)
            die("read-only %s", readonly[i]);
    }
    if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        die("pivot_root");
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        bool keep = false;
        for (size_t i = 0; i < sizeof kept_caps / sizeof *kept_caps; i++)
            keep = keep || kept_caps[i] == c;
        if (!keep && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
            die("drop capability %d", c);
    }
    if (prog
        && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
            || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0))
        die("load seccomp");
    execvp(cmd[0], cmd);
    die("exec %s", cmd[0]);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove(path) < 0 ? -1 : 0;
}

static struct sock_fprog *
load_program(const char *file)
{
    static struct sock_fprog prog;
    struct stat st;
    int fd = open(file, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % 8 != 0
        || (prog.filter = malloc((size_t) st.st_size)) == NULL
        || read(fd, prog.filter, (size_t) st.st_size) != st.st_size || close(fd) < 0)
        die("read %s", file);
    prog.len = (unsigned short) (st.st_size / 8);
    return &prog;
}

int
main(int argc, char **argv)
{
    char base[1024], path[1100], map[64];
    struct sock_fprog *prog = NULL;
    uid_t uid = getuid();
    gid_t gid = getgid();
    int sep = 0, status;
    pid_t pid;

    for (int i = 1; i < argc && !sep; i++)
        if (strcmp(argv[i], "--") == 0)
            sep = i;
    if ((sep != 3 && sep != 4) || sep + 1 >= argc || strlen(argv[1]) > 1000
        || strlen(argv[2]) > 1000) {
        fprintf(stderr, "usage: floor ROOTFS DIR [SECCOMP_FILE] -- CMD [ARG...]\n");
        return 125;
    }
    if (sep == 4)
        prog = load_program(argv[3]);
    /* the user namespace: pcon joins its pause process's, made once */
    if (unshare(CLONE_NEWUSER) < 0)
        die("unshare user");
    put_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned) uid);
    put_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned) gid);
    put_file("/proc/self/gid_map", map);

    snprintf(base, sizeof base, "%s/c.%d", argv[2], (int) getpid());
    make_dir(base, 0700);
    snprintf(path, sizeof path, "%s/upper", base);
    make_dir(path, 0755);
    snprintf(path, sizeof path, "%s/work", base);
    make_dir(path, 0700);
    snprintf(path, sizeof path, "%s/merged", base);
    make_dir(path, 0700);
    snprintf(path, sizeof path, "%s/hosts", base);
    put_file(path, "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\tfloor\n");
    snprintf(path, sizeof path, "%s/hostname", base);
    put_file(path, "floor\n");
    snprintf(path, sizeof path, "%s/containerenv", base);
    put_file(path, "");

    /* as pcon's clone3: the child in its own namespaces, pid 1 of its pid one */
    pid = (pid_t) syscall(SYS_clone,
                          CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET
                              | SIGCHLD,
                          NULL, NULL, NULL, NULL);
    if (pid < 0)
        die("fork");
    if (pid == 0)
        child(argv[1], base, prog, argv + sep + 1);
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    /* removed after the exit, by a detached child */
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (fork() == 0) {
            (void) setsid();
            _exit(nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? 1 : 0);
        }
        _exit(0);
    }
    (void) waitpid(pid, NULL, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
