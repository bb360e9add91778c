// SPDX-License-Identifier: Apache-2.0
/* lib/loop.c: fd callbacks, unwatching inside a round, timers in order,
 * signals through the signalfd. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../../lib/loop.h"
#include "tap.h"

struct seen {
    char order[16];
    size_t n;
    int pipes[2][2];
    int reads;
    int signo;
};

static void
note(struct seen *s, char c)
{
    if (s->n + 1 < sizeof s->order)
        s->order[s->n++] = c;
}

/* the first ready pipe unwatches the other: its event of this round must
 * not be delivered */
static void
pipe_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct seen *s = opaque;
    char buf[8];

    (void) events;
    if (read(fd, buf, sizeof buf) > 0)
        s->reads++;
    loop_unwatch(l, fd == s->pipes[0][0] ? s->pipes[1][0] : s->pipes[0][0]);
    loop_unwatch(l, fd);
}

static void
timer_a_cb(struct loop *l, void *opaque)
{
    (void) l;
    note(opaque, 'a');
}

static void
timer_b_cb(struct loop *l, void *opaque)
{
    note(opaque, 'b');
    loop_quit(l);
}

static void
signal_cb(struct loop *l, const struct signalfd_siginfo *si, void *opaque)
{
    struct seen *s = opaque;

    s->signo = (int) si->ssi_signo;
    loop_quit(l);
}

int
main(void)
{
    struct loop l;
    struct seen s = { 0 };
    struct loop_timer a = { .cb = timer_a_cb, .opaque = &s };
    struct loop_timer b = { .cb = timer_b_cb, .opaque = &s };
    struct loop_timer never = { .cb = timer_a_cb, .opaque = &s };
    struct pcon_err err = { 0 };
    int64_t start;

    ok(loop_init(&l, &err) == 0, "loop_init");
    ok(pipe(s.pipes[0]) == 0 && pipe(s.pipes[1]) == 0, "pipes");
    ok(loop_watch(&l, s.pipes[0][0], EPOLLIN, pipe_cb, &s, &err) == 0, "watch pipe 0");
    ok(loop_watch(&l, s.pipes[1][0], EPOLLIN, pipe_cb, &s, &err) == 0, "watch pipe 1");
    ok(loop_watch(&l, -5, EPOLLIN, pipe_cb, &s, &err) < 0, "a bad fd is refused");
    pcon_err_clear(&err);
    ok(write(s.pipes[0][1], "x", 1) == 1 && write(s.pipes[1][1], "y", 1) == 1, "both ready");
    /* b (later) armed first, a sooner; never is disarmed before it is due */
    start = loop_now_ns();
    loop_timer_arm(&l, &b, start + 30000000);
    loop_timer_arm(&l, &a, start + 10000000);
    loop_timer_arm(&l, &never, start + 20000000);
    loop_timer_disarm(&l, &never);
    ok(loop_run(&l, &err) == 0, "loop_run");
    is_int(s.reads, 1, "an fd unwatched within the round gets no callback");
    is_str(s.order, "ab", "timers fire soonest first; a disarmed one never");
    ok(loop_now_ns() - start >= 30000000, "the last timer waited its time");
    ok(!a.armed && !b.armed && !never.armed, "fired timers are disarmed");

    {
        int sigs[] = { SIGUSR1 };
        ok(loop_signals(&l, sigs, 1, signal_cb, &s, &err) == 0, "loop_signals");
        ok(loop_signals(&l, sigs, 1, signal_cb, &s, &err) < 0, "signals are watched once");
        pcon_err_clear(&err);
        ok(kill(getpid(), SIGUSR1) == 0, "raise SIGUSR1 (blocked: queued)");
        ok(loop_run(&l, &err) == 0, "loop_run with a signal");
        is_int(s.signo, SIGUSR1, "the signal came through the signalfd");
        ok(!sigismember(loop_saved_mask(&l), SIGUSR1), "the saved mask is the one before");
    }
    loop_fini(&l);
    {
        sigset_t now;
        sigprocmask(SIG_SETMASK, NULL, &now);
        ok(!sigismember(&now, SIGUSR1), "loop_fini gives the signal mask back");
    }
    return tap_done();
}
