/* SPDX-License-Identifier: Apache-2.0 */
/* Processes: start times (to tell a live pid from a recycled one) and
 * running helper programs. */
#ifndef PCON_LIB_PROC_H
#define PCON_LIB_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

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
/* true when this process is not in the initial user namespace */
bool proc_in_userns(void);

#endif
