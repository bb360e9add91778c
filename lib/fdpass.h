/* SPDX-License-Identifier: Apache-2.0 */
/* A message and, with it, a file descriptor over a unix socket
 * (SCM_RIGHTS). */
#ifndef PCON_LIB_FDPASS_H
#define PCON_LIB_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* sends len bytes of buf and fd (-1: none); the bytes sent, or -1 and
 * errno (no SIGPIPE: a peer gone is EPIPE) */
ssize_t fdpass_send(int sock, const void *buf, size_t len, int fd);
/* receives into buf (at most len bytes) and the fd the message carries,
 * close-on-exec, in *fd (-1: none); the bytes received (0: end), or -1
 * and errno; EINTR retried */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fd, int flags);

#endif
