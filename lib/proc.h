/* SPDX-License-Identifier: Apache-2.0 */
/* Processes: their /proc/PID/stat (start times tell a live pid from a
 * recycled one), running helper programs, the host they run on. */
#ifndef PCON_LIB_PROC_H
#define PCON_LIB_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* the fields of /proc/PID/stat pcon reads (times in clock ticks; starttime
 * since boot) */
struct proc_stat {
    char state;
    int ppid, tty_nr;
    unsigned long long utime, stime, starttime;
};
int proc_stat_read(pid_t pid, struct proc_stat *out);
/* field 22 of /proc/PID/stat, in clock ticks since boot */
int proc_starttime(pid_t pid, unsigned long long *out);
/* true when pid runs and started at starttime */
bool proc_alive(pid_t pid, unsigned long long starttime);
#define PROC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* runs argv (no shell, PATH searched) and waits; fails when it could not be
 * started, was killed or exited non-zero, with its output in the message */
int proc_run(char *const argv[], struct pcon_err *err);
/* waitpid that retries EINTR; returns the exit code (128+sig when killed) */
int proc_wait_exit(pid_t pid, struct pcon_err *err);
/* execve of file searched in path (PROC_DEFAULT_PATH when NULL); returns
 * the errno that best explains the failure: ENOENT when nothing was found */
int proc_execvpe(const char *file, char *const argv[], char *const envp[], const char *path);
/* closes (really closes, not only marks close-on-exec) every fd from 3 up
 * but those in keep (at most 64; negative entries are ignored); -1 with
 * errno on failure */
int proc_close_fds_except(const int *keep, size_t n);
/* the same for the fds from first up (those below stay: inherited ones,
 * such as a socket-activated service's) */
int proc_close_fds_from_except(unsigned int first, const int *keep, size_t n);
/* the host's architecture as OCI and podman name it: "amd64" for x86_64,
 * "arm64" for aarch64, else uname's machine */
const char *proc_host_arch(void);
/* true when this process is not in the initial user namespace */
bool proc_in_userns(void);
/* A long-lived process's resident set down to what it uses from now on:
 * the page-table entries of its file mappings that hold no private copy
 * (text, read-only data: what reclaim could drop anyway) are dropped, to
 * fault back in as they are touched again, the stack below the caller
 * (with a 16 KiB margin), and free heap goes back.
 * Best effort: nothing is lost if it fails. */
void proc_trim_resident(void);

#endif
