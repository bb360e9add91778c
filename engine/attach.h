/* SPDX-License-Identifier: Apache-2.0 */
/* attach: clients of a detached -i container type into its stdin through
 * the monitor's socket, rundir/attach (output comes from the log). The
 * server runs on the monitor's loop; the client is `pcon attach`'s. */
#ifndef PCON_ENGINE_ATTACH_H
#define PCON_ENGINE_ATTACH_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/err.h"
#include "../lib/loop.h"

#define ATTACH_MAX_CLIENTS 4

struct attach_server {
    int listen_fd;
    int clients[ATTACH_MAX_CLIENTS];
    int stdin_w;       /* the container's stdin: a pipe, or its terminal; -1 */
    bool stdin_is_pty; /* a client's EOF does not end a terminal */
    struct loop *loop;
};

void engine_attach_init(struct attach_server *s);
/* listens on rundir/attach and serves on l */
int engine_attach_listen(struct attach_server *s, const char *rundir, struct loop *l,
                         struct pcon_err *err);
/* the container's stdin is fd from now on (a restart makes a new one);
 * the server owns it */
void engine_attach_set_stdin(struct attach_server *s, int fd, bool is_pty);
void engine_attach_close(struct attach_server *s);

/* The client: a child copying our stdin to the socket of the container
 * whose run directory is rundir; its end shuts the socket down, so the
 * container's stdin ends too. The detach keys (ndetach of them; 0: none)
 * are not copied: they end the child, which tells its parent with SIGUSR1.
 * Returns the child's pid. */
pid_t engine_attach_feed_stdin(const char *rundir, const unsigned char *detach, size_t ndetach,
                               struct pcon_err *err);
/* The detach keys in a stream of typed bytes: what of in is the
 * container's goes to out (room for n + 32: a partial sequence held back
 * from an earlier call comes first when it did not go on); *hit when the
 * whole sequence came (what followed it is dropped). */
struct detach_match {
    unsigned char keys[32];
    size_t n, matched;
};
size_t engine_detach_filter(struct detach_match *d, const char *in, size_t n, char *out, bool *hit);
/* podman's --detach-keys: "ctrl-p,ctrl-q" (its default), keys each a
 * character or ctrl-KEY, "" none; into out (room for 32), their count in
 * *n, else -1 and the error */
int engine_detach_keys_parse(const char *spec, unsigned char out[32], size_t *n,
                             struct pcon_err *err);

#endif
