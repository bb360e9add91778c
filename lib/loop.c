// SPDX-License-Identifier: Apache-2.0
/* The event loop: epoll for fds, a signalfd for signals, a sorted list of
 * caller-owned timers whose soonest sets epoll_wait's timeout. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "mem.h"

#define MAX_EVENTS 32

int64_t
loop_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
loop_init(struct loop *l, struct pcon_err *err)
{
    memset(l, 0, sizeof *l);
    l->sigfd = -1;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0)
        return pcon_fail(err, errno, "create the event loop");
    return 0;
}

void
loop_fini(struct loop *l)
{
    if (l->sigfd >= 0) {
        close(l->sigfd);
        (void) sigprocmask(SIG_SETMASK, &l->saved_mask, NULL); /* as it was before */
    }
    if (l->epfd >= 0)
        close(l->epfd);
    free(l->watches);
    memset(l, 0, sizeof *l);
    l->epfd = l->sigfd = -1;
}

static struct loop_watch *
watch_find(struct loop *l, int fd)
{
    for (size_t i = 0; i < l->nwatches; i++)
        if (l->watches[i].fd == fd)
            return &l->watches[i];
    return NULL;
}

/* the event's data: the slot and its generation, so that a slot freed and
 * taken again within one round does not get the old fd's event */
static uint64_t
watch_key(const struct loop *l, const struct loop_watch *w)
{
    return (uint64_t) w->gen << 32 | (uint64_t) (w - l->watches);
}

int
loop_watch(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *opaque,
           struct pcon_err *err)
{
    struct loop_watch *w = watch_find(l, fd);
    struct epoll_event ev = { .events = events };
    int op = EPOLL_CTL_MOD;

    if (w == NULL) {
        op = EPOLL_CTL_ADD;
        w = watch_find(l, -1);
        if (w == NULL) {
            l->watches = xrealloc(l->watches, (l->nwatches + 1) * sizeof *l->watches);
            w = &l->watches[l->nwatches++];
            w->gen = 0;
        }
        w->fd = fd;
    }
    w->cb = cb;
    w->opaque = opaque;
    ev.data.u64 = watch_key(l, w);
    if (epoll_ctl(l->epfd, op, fd, &ev) < 0) {
        int e = errno;
        if (op == EPOLL_CTL_ADD) {
            w->fd = -1;
            w->gen++;
        }
        return pcon_fail(err, e, "watch fd %d", fd);
    }
    return 0;
}

void
loop_unwatch(struct loop *l, int fd)
{
    struct loop_watch *w = fd >= 0 ? watch_find(l, fd) : NULL;

    if (w == NULL)
        return;
    (void) epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL); /* fails only for a closed fd: gone */
    w->fd = -1;
    w->gen++;
}

static void
signal_ready_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
    struct signalfd_siginfo si;

    (void) events;
    (void) opaque;
    /* drained: several signals may wait behind one wakeup */
    while (read(fd, &si, sizeof si) == (ssize_t) sizeof si)
        l->sig_cb(l, &si, l->sig_opaque);
}

int
loop_signals(struct loop *l, const int *signals, size_t n, loop_signal_cb cb, void *opaque,
             struct pcon_err *err)
{
    sigset_t set;

    if (l->sigfd >= 0)
        return pcon_fail(err, EBUSY, "signals are already watched");
    sigemptyset(&set);
    for (size_t i = 0; i < n; i++)
        sigaddset(&set, signals[i]);
    /* blocked first: a signal arriving from now on is queued, not lost */
    if (sigprocmask(SIG_BLOCK, &set, &l->saved_mask) < 0)
        return pcon_fail(err, errno, "block signals");
    l->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (l->sigfd < 0) {
        int e = errno;
        (void) sigprocmask(SIG_SETMASK, &l->saved_mask, NULL);
        return pcon_fail(err, e, "create signalfd");
    }
    l->sig_cb = cb;
    l->sig_opaque = opaque;
    return loop_watch(l, l->sigfd, EPOLLIN, signal_ready_cb, NULL, err);
}

const sigset_t *
loop_saved_mask(const struct loop *l)
{
    return &l->saved_mask;
}

void
loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
    for (struct loop_timer **p = &l->timers; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->armed = false;
    t->next = NULL;
}

void
loop_timer_arm(struct loop *l, struct loop_timer *t, int64_t due_ns)
{
    struct loop_timer **p = &l->timers;

    if (t->armed)
        loop_timer_disarm(l, t);
    t->due_ns = due_ns;
    while (*p && (*p)->due_ns <= due_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->armed = true;
}

/* epoll_wait's timeout: until the soonest timer, rounded up to a ms */
static int
next_timeout(const struct loop *l)
{
    int64_t left;

    if (l->timers == NULL)
        return -1;
    left = l->timers->due_ns - loop_now_ns();
    if (left <= 0)
        return 0;
    if (left > (int64_t) 1000000 * 86400000)
        return 86400000;
    return (int) ((left + 999999) / 1000000);
}

static void
timers_run(struct loop *l)
{
    int64_t now = loop_now_ns();

    while (!l->quit && l->timers && l->timers->due_ns <= now) {
        struct loop_timer *t = l->timers;

        loop_timer_disarm(l, t);
        t->cb(l, t->opaque); /* may arm it again */
    }
}

int
loop_run(struct loop *l, struct pcon_err *err)
{
    struct epoll_event evs[MAX_EVENTS];

    l->quit = false;
    while (!l->quit) {
        int n = epoll_wait(l->epfd, evs, MAX_EVENTS, next_timeout(l));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return pcon_fail(err, errno, "wait for events");
        }
        for (int i = 0; i < n && !l->quit; i++) {
            size_t idx = (size_t) (evs[i].data.u64 & 0xffffffffu);
            uint32_t gen = (uint32_t) (evs[i].data.u64 >> 32);
            struct loop_watch *w = idx < l->nwatches ? &l->watches[idx] : NULL;

            if (w == NULL || w->fd < 0 || w->gen != gen)
                continue; /* unwatched earlier in this round */
            w->cb(l, w->fd, evs[i].events, w->opaque);
        }
        timers_run(l);
    }
    return 0;
}

void
loop_quit(struct loop *l)
{
    l->quit = true;
}
