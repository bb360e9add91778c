// SPDX-License-Identifier: Apache-2.0
/* Process helpers. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "proc.h"

extern char **environ;

int
proc_starttime(pid_t pid, unsigned long long *out)
{
    char path[64], buf[1024];
    cleanup_close int fd = -1;
    ssize_t n;
    char *p;
    int field;

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
    if (p == NULL)
        return -1;
    for (field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (p == NULL || sscanf(p + 1, "%llu", out) != 1)
        return -1;
    return 0;
}

bool
proc_alive(pid_t pid, unsigned long long starttime)
{
    unsigned long long st;

    if (pid <= 0 || proc_starttime(pid, &st) < 0)
        return false;
    return st == starttime;
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
    pid_t pid;
    int r, code;

    r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (r != 0)
        return pcon_fail(err, r, "run %s", argv[0]);
    code = proc_wait_exit(pid, err);
    if (code < 0)
        return -1;
    if (code != 0)
        return pcon_fail(err, 0, "%s exited with status %d", argv[0], code);
    return 0;
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
