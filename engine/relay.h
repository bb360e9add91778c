/* SPDX-License-Identifier: Apache-2.0 */
/* The stdio of a container process as pcon relays it, for the monitor and
 * for exec: the process's output (a terminal's master end, or pipes) to our
 * stdout and stderr and to a tap (the log), our stdin to the process, our
 * window size to its terminal. All on the caller's event loop. */
#ifndef PCON_ENGINE_RELAY_H
#define PCON_ENGINE_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "../lib/loop.h"
#include "attach.h"

enum relay_stream { RELAY_STDOUT = 1, RELAY_STDERR = 2 };

struct relay {
    int out, err; /* from the process (out is the terminal with -t); -1 once ended */
    int in;       /* our stdin while it is forwarded, else -1 */
    bool in_file; /* it cannot be watched (a file): read whenever `to` can take it */
    int to;       /* the process's stdin: the terminal, or a pipe */
    bool to_pipe; /* `to` is a pipe of ours: closed at our stdin's end */
    int pty;      /* the terminal, or -1 */
    bool echo;    /* copy the output to our stdout and stderr */
    bool mute[2]; /* but not this one (RELAY_STDOUT - 1, RELAY_STDERR - 1): -a */
    /* every chunk of output (the log), or NULL */
    void (*tap)(void *opaque, enum relay_stream s, const char *buf, size_t n);
    /* both outputs have ended, or NULL */
    void (*ended)(struct relay *r, void *opaque);
    /* the detach keys, looked for in our stdin (NULL: none), and what is
     * called when they came (the stdin is forwarded no more) */
    struct detach_match *detach;
    void (*detached)(struct relay *r, void *opaque);
    void *opaque;
    struct loop *loop;
    char pend[16384];  /* stdin read but not yet written: writes never block, so a */
    size_t plen, poff; /* process not reading its stdin cannot stop its output */
};

/* a relay with nothing to relay yet */
void engine_relay_init(struct relay *r);
/* watches what is set on l; the fds stay the caller's but for what ends
 * (pipes are closed at their end, the terminal is not) */
int engine_relay_start(struct relay *r, struct loop *l, struct pcon_err *err);
/* our stdin is forwarded no more (the process exited) */
void engine_relay_stdin_stop(struct relay *r);
/* reads what the output pipes hold right now, then stops watching them:
 * a process left behind may hold them open for ever */
void engine_relay_drain(struct relay *r);
bool engine_relay_done(const struct relay *r);
/* closes what the relay still holds (its outputs, the terminal, a stdin
 * pipe of its own) and makes it empty again; no longer watched first */
void engine_relay_close(struct relay *r);
/* the terminal takes the size of ours */
void engine_relay_winsize(const struct relay *r);

#endif
