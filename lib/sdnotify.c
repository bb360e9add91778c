// SPDX-License-Identifier: Apache-2.0
/* sd_notify(3) without libsystemd. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "sdnotify.h"

int
sdnotify_send(const char *text, struct pcon_err *err)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    cleanup_close int fd = -1;
    size_t n, len;

    if (path == NULL || path[0] == '\0')
        return 0;
    n = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || n >= sizeof sun.sun_path)
        return pcon_fail(err, EINVAL, "NOTIFY_SOCKET=%s: not a socket path", path);
    memcpy(sun.sun_path, path, n);
    if (path[0] == '@')
        sun.sun_path[0] = '\0'; /* abstract */
    len = offsetof(struct sockaddr_un, sun_path) + n;
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0
        || sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *) &sun, (socklen_t) len)
               < 0)
        return pcon_fail(err, errno, "notify the service manager at %s", path);
    return 0;
}
