/* SPDX-License-Identifier: Apache-2.0 */
/* One small event loop for pcon's long-lived processes (the monitor, the
 * exec relay, the network helper, a pod's infra): fds watched on epoll with
 * a callback each, signals through a signalfd, and timers the caller owns.
 * Single-threaded; callbacks may add and remove watches and timers. */
#ifndef PCON_LIB_LOOP_H
#define PCON_LIB_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/signalfd.h>

#include "err.h"

struct loop;
typedef void (*loop_fd_cb)(struct loop *l, int fd, uint32_t events, void *opaque);
typedef void (*loop_signal_cb)(struct loop *l, const struct signalfd_siginfo *si, void *opaque);
typedef void (*loop_timer_cb)(struct loop *l, void *opaque);

struct loop_watch {
    int fd; /* -1: a free slot */
    uint32_t gen;
    loop_fd_cb cb;
    void *opaque;
};

/* Owned by the caller (no allocation); armed on at most one loop. */
struct loop_timer {
    int64_t due_ns; /* CLOCK_MONOTONIC */
    loop_timer_cb cb;
    void *opaque;
    bool armed;
    struct loop_timer *next;
};

struct loop {
    int epfd;
    int sigfd; /* -1 until loop_signals */
    sigset_t saved_mask;
    loop_signal_cb sig_cb;
    void *sig_opaque;
    struct loop_watch *watches;
    size_t nwatches;
    struct loop_timer *timers; /* armed, soonest first */
    bool quit;
};

int loop_init(struct loop *l, struct pcon_err *err);
/* closes the loop's own fds and gives back the signal mask; watched fds
 * stay the caller's */
void loop_fini(struct loop *l);
/* watches fd for events (EPOLLIN, EPOLLOUT; level-triggered); watching a
 * watched fd again changes its events and callback */
int loop_watch(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *opaque,
               struct pcon_err *err);
/* stops watching fd (before it is closed); no callback for it follows,
 * even one already reported in the current round */
void loop_unwatch(struct loop *l, int fd);
/* blocks the signals (the old mask is kept for children: loop_saved_mask)
 * and delivers them to cb; once per loop */
int loop_signals(struct loop *l, const int *signals, size_t n, loop_signal_cb cb, void *opaque,
                 struct pcon_err *err);
const sigset_t *loop_saved_mask(const struct loop *l);
/* arms t to fire once at due_ns (re-arming moves it) */
void loop_timer_arm(struct loop *l, struct loop_timer *t, int64_t due_ns);
void loop_timer_disarm(struct loop *l, struct loop_timer *t);
/* the monotonic clock, in ns */
int64_t loop_now_ns(void);
/* dispatches until loop_quit; -1 when epoll fails */
int loop_run(struct loop *l, struct pcon_err *err);
void loop_quit(struct loop *l);

#endif
