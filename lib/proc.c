// SPDX-License-Identifier: Apache-2.0
/* Process helpers. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "proc.h"

extern char **environ;

int
proc_stat_read(pid_t pid, struct proc_stat *out)
{
    char path[64], buf[1024];
    cleanup_close int fd = -1;
    ssize_t n;
    char *p;

    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* comm may hold spaces and parentheses: fields restart after the last ')' */
    p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return -1;
    /* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
     * cutime cstime priority nice num_threads itrealvalue starttime */
    if (sscanf(p + 2,
               "%c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
               &out->state, &out->ppid, &out->tty_nr, &out->utime, &out->stime, &out->starttime)
        != 6)
        return -1;
    return 0;
}

int
proc_starttime(pid_t pid, unsigned long long *out)
{
    struct proc_stat ps;

    if (proc_stat_read(pid, &ps) < 0)
        return -1;
    *out = ps.starttime;
    return 0;
}

bool
proc_alive(pid_t pid, unsigned long long starttime)
{
    struct proc_stat ps;

    if (pid <= 0 || proc_stat_read(pid, &ps) < 0)
        return false;
    /* a zombie is dead, only not yet reaped */
    return ps.starttime == starttime && ps.state != 'Z' && ps.state != 'X';
}

const char *
proc_host_arch(void)
{
    static struct utsname u;

    /* uname fails only for a bad buffer */
    if (u.machine[0] == '\0' && uname(&u) < 0)
        return "";
    if (strcmp(u.machine, "x86_64") == 0)
        return "amd64";
    if (strcmp(u.machine, "aarch64") == 0)
        return "arm64";
    return u.machine;
}

int
proc_wait_exit(pid_t pid, struct pcon_err *err)
{
    int status;

    if (TEMP_FAILURE_RETRY_INT(waitpid(pid, &status, 0)) < 0)
        return pcon_fail(err, errno, "wait for process %d", (int) pid);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

int
proc_run(char *const argv[], struct pcon_err *err)
{
    posix_spawn_file_actions_t fa;
    char out[1024];
    size_t len = 0;
    int p[2];
    pid_t pid;
    int r, code;

    /* the helper's chatter is kept, and shown only when it fails */
    if (pipe2(p, O_CLOEXEC) < 0)
        return pcon_fail(err, errno, "create pipe");
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (r != 0) {
        close(p[0]);
        return pcon_fail(err, r, "run %s", argv[0]);
    }
    for (;;) {
        ssize_t n = read(p[0], out + len, sizeof out - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t) n;
        if (len == sizeof out - 1) {
            char sink[4096]; /* keep draining so the helper never blocks */
            while (read(p[0], sink, sizeof sink) > 0)
                ;
            break;
        }
    }
    close(p[0]);
    out[len] = '\0';
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
        out[--len] = '\0';
    for (char *nl = strchr(out, '\n'); nl; nl = strchr(nl, '\n'))
        *nl = ' ';
    code = proc_wait_exit(pid, err);
    if (code < 0)
        return -1;
    if (code != 0)
        return pcon_fail(err, 0, "%s exited with status %d%s%s", argv[0], code, len ? ": " : "",
                         out);
    return 0;
}

int
proc_execvpe(const char *file, char *const argv[], char *const envp[], const char *path)
{
    cleanup_free char *buf = NULL;
    int saved = ENOENT;

    if (strchr(file, '/')) {
        execve(file, argv, envp);
        return errno;
    }
    buf = xstrdup(path ? path : PROC_DEFAULT_PATH);
    for (char *dir = buf, *next; dir; dir = next) {
        cleanup_free char *full = NULL;

        next = strchr(dir, ':');
        if (next)
            *next++ = '\0';
        if (*dir == '\0')
            dir = ".";
        /* a directory we cannot search is not where the command is */
        if (access(dir, X_OK) < 0)
            continue;
        full = xasprintf("%s/%s", dir, file);
        execve(full, argv, envp);
        if (errno != ENOENT && errno != ENOTDIR)
            saved = errno;
    }
    return saved;
}

bool
proc_in_userns(void)
{
    cleanup_free char *map = fs_read_all(AT_FDCWD, "/proc/self/uid_map", 4096, NULL, NULL);
    unsigned long a, b, c;

    if (map == NULL || sscanf(map, "%lu %lu %lu", &a, &b, &c) != 3)
        return true;
    return !(a == 0 && b == 0 && c == 4294967295UL);
}

void
proc_trim_resident(void)
{
    struct range {
        unsigned long start, end;
    } v[256];
    size_t n = 0;
    unsigned long start = 0, end = 0, inode = 0;
    /* the stack below this frame (and a margin for the calls below) holds
     * nothing live: its pages may go, to come back zeroed when touched */
    unsigned long sp = ((unsigned long) __builtin_frame_address(0) & ~4095UL) - 16384;
    bool candidate = false, clean = false, stack = false;
    char line[512];
    FILE *f;

    (void) malloc_trim(0);
    f = fopen("/proc/self/smaps", "re");
    if (f == NULL)
        return;
    /* the ranges first, the madvise after: smaps is read from a stable map */
    for (;;) {
        bool more = fgets(line, sizeof line, f) != NULL;
        unsigned long s, e, kb;
        char perms[8];
        if (!more || sscanf(line, "%lx-%lx %7s %*s %*s %lu", &s, &e, perms, &inode) == 4) {
            /* the previous mapping ends here */
            if (candidate && clean && n < sizeof v / sizeof v[0])
                v[n++] = (struct range){ start, end };
            if (!more)
                break;
            stack = strstr(line, "[stack]") != NULL;
            if (stack && s < sp && sp < e && n < sizeof v / sizeof v[0])
                v[n++] = (struct range){ s, sp };
            start = s;
            end = e;
            /* a private mapping of a file, never written (no copy of its
             * own, checked below) */
            candidate = inode != 0 && perms[3] == 'p' && perms[1] != 'w';
            clean = true;
        } else if (sscanf(line, "Anonymous: %lu", &kb) == 1 && kb != 0) {
            clean = false;
        } else if (sscanf(line, "Private_Dirty: %lu", &kb) == 1 && kb != 0) {
            clean = false;
        }
    }
    fclose(f);
    for (size_t i = 0; i < n; i++)
        (void) madvise((void *) v[i].start, v[i].end - v[i].start, MADV_DONTNEED);
}

static int
cmp_int(const void *a, const void *b)
{
    return *(const int *) a - *(const int *) b;
}

int
proc_close_fds_except(const int *keep, size_t n)
{
    return proc_close_fds_from_except(3, keep, n);
}

int
proc_close_fds_from_except(unsigned int first, const int *keep, size_t n)
{
    int sorted[64];
    unsigned int from = first;

    if (n > 64) {
        errno = EINVAL;
        return -1;
    }
    memcpy(sorted, keep, n * sizeof *keep);
    qsort(sorted, n, sizeof *sorted, cmp_int);
    for (size_t i = 0; i < n; i++) {
        if (sorted[i] < (int) from)
            continue; /* stdio, -1 placeholders, duplicates */
        if ((unsigned int) sorted[i] > from
            && syscall(SYS_close_range, from, (unsigned int) sorted[i] - 1, 0) < 0)
            return -1;
        from = (unsigned int) sorted[i] + 1;
    }
    return (int) syscall(SYS_close_range, from, ~0U, 0);
}
