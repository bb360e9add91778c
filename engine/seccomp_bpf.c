// SPDX-License-Identifier: Apache-2.0
/* A seccomp program's dispatch on (architecture, syscall number) followed
 * down every path, as boxes of inputs that end at one return or at the
 * first read of anything else (an argument); emitted again as a binary
 * search over runs of numbers that end alike, the code after those first
 * reads copied as it was.
 *
 * Why: loading a filter costs the kernel in proportion to its length (its
 * checks, the conversion to eBPF and the JIT) and to the length of the path
 * of each syscall number (the action cache walks the filter for each one).
 * libseccomp's tree compares every syscall number on its own: 1426
 * instructions for podman's profile, 330 as runs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/mem.h"
#include "seccomp_bpf.h"

/* offsets in struct seccomp_data */
#define OFF_NR   0
#define OFF_ARCH 4

#define MAX_BOXES 16384 /* paths followed before giving up */
#define MAX_JUMP  255   /* a conditional jump's reach */
#define MAX_EXC   16    /* numbers compared one by one in a run */
#define SHORT_RUN 2     /* the longest run that can be such numbers */

enum end_kind {
    END_RET,  /* val: the return value */
    END_CODE, /* val: the pc in the original program */
    END_SUB,  /* val: the number search of one architecture */
};

struct end {
    enum end_kind kind;
    uint32_t val;
};

struct range {
    uint32_t lo, hi;
};

/* all inputs with arch in a and nr in nr end at end */
struct box {
    struct range a, nr;
    struct end end;
};

/* a number compared on its own */
struct lone {
    uint32_t nr;
    struct end end;
};

/* a run of numbers (from lo to the next run's lo) that end alike but for
 * a few, each compared on its own: a search over runs costs about two
 * instructions a run, a number on its own one and its end's */
struct run {
    uint32_t lo;
    struct end end;
    unsigned nexc;
    struct lone exc[MAX_EXC];
};

struct walk {
    const struct sock_filter *f;
    size_t n;
    struct box *boxes;
    size_t nboxes, cap;
};

enum holds { HOLDS_NOTHING, HOLDS_ARCH, HOLDS_NR };

static int
box_add(struct walk *w, struct range a, struct range nr, enum end_kind kind, uint32_t val)
{
    if (w->nboxes == MAX_BOXES)
        return -1;
    if (w->nboxes == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->boxes = xrealloc(w->boxes, w->cap * sizeof *w->boxes);
    }
    w->boxes[w->nboxes++] = (struct box){ a, nr, { kind, val } };
    return 0;
}

/* the parts of r where a jump of op k is taken (t) and not (f) */
static int
range_split(uint16_t op, uint32_t k, struct range r, struct range t[2], size_t *nt,
            struct range f[2], size_t *nf)
{
    *nt = *nf = 0;
    switch (op) {
    case BPF_JEQ:
        if (k < r.lo || k > r.hi) {
            f[(*nf)++] = r;
            break;
        }
        t[(*nt)++] = (struct range){ k, k };
        if (k > r.lo)
            f[(*nf)++] = (struct range){ r.lo, k - 1 };
        if (k < r.hi)
            f[(*nf)++] = (struct range){ k + 1, r.hi };
        break;
    case BPF_JGT:
        if (k < r.hi)
            t[(*nt)++] = (struct range){ k + 1 > r.lo ? k + 1 : r.lo, r.hi };
        if (r.lo <= k)
            f[(*nf)++] = (struct range){ r.lo, k < r.hi ? k : r.hi };
        break;
    case BPF_JGE:
        if (k <= r.hi)
            t[(*nt)++] = (struct range){ k > r.lo ? k : r.lo, r.hi };
        if (k > r.lo)
            f[(*nf)++] = (struct range){ r.lo, k - 1 < r.hi ? k - 1 : r.hi };
        break;
    case BPF_JSET:
        /* decided only where the value is known */
        if (k != 0 && r.lo != r.hi)
            return -1;
        if (r.lo & k)
            t[(*nt)++] = r;
        else
            f[(*nf)++] = r;
        break;
    default:
        return -1;
    }
    return 0;
}

/* every path from pc with the architecture in a and the number in nr */
static int
walk(struct walk *w, size_t pc, enum holds holds, struct range a, struct range nr)
{
    for (;;) {
        const struct sock_filter *i = pc < w->n ? &w->f[pc] : NULL;
        struct range t[2] = { { 0, 0 } }, f[2] = { { 0, 0 } };
        size_t nt, nf;

        if (i == NULL)
            return -1;
        if (i->code == (BPF_LD | BPF_W | BPF_ABS) && (i->k == OFF_NR || i->k == OFF_ARCH)) {
            holds = i->k == OFF_NR ? HOLDS_NR : HOLDS_ARCH;
            pc++;
            continue;
        }
        if (i->code == (BPF_LD | BPF_W | BPF_ABS))
            return box_add(w, a, nr, END_CODE, (uint32_t) pc);
        if (i->code == (BPF_RET | BPF_K))
            return box_add(w, a, nr, END_RET, i->k);
        if (i->code == (BPF_JMP | BPF_JA)) {
            pc += 1 + (size_t) i->k;
            continue;
        }
        /* a comparison of what A holds, else something not followed */
        if (BPF_CLASS(i->code) != BPF_JMP || BPF_SRC(i->code) != BPF_K || holds == HOLDS_NOTHING)
            return -1;
        if (range_split(BPF_OP(i->code), i->k, holds == HOLDS_NR ? nr : a, t, &nt, f, &nf) < 0)
            return -1;
        for (size_t k = 0; k < nt + nf; k++) {
            struct range part = k < nt ? t[k] : f[k - nt];
            size_t to = pc + 1 + (k < nt ? i->jt : i->jf);
            if (walk(w, to, holds, holds == HOLDS_ARCH ? part : a, holds == HOLDS_NR ? part : nr)
                < 0)
                return -1;
        }
        return 0;
    }
}

static int
u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *) x, b = *(const uint32_t *) y;
    return a < b ? -1 : a > b;
}

static int
box_by_nr(const void *x, const void *y)
{
    return u32_cmp(&((const struct box *) x)->nr.lo, &((const struct box *) y)->nr.lo);
}

static bool
end_eq(struct end x, struct end y)
{
    return x.kind == y.kind && x.val == y.val;
}

/* the runs of numbers of the architectures from alo: the boxes that hold
 * alo tile the numbers (each input is on one path) */
static int
runs_of(const struct walk *w, uint32_t alo, struct run **runs, size_t *nruns)
{
    cleanup_free struct box *mine = xmalloc(w->nboxes * sizeof *mine);
    size_t n = 0, m = 0;
    uint64_t next = 0;

    for (size_t i = 0; i < w->nboxes; i++)
        if (w->boxes[i].a.lo <= alo && alo <= w->boxes[i].a.hi)
            mine[n++] = w->boxes[i];
    qsort(mine, n, sizeof *mine, box_by_nr);
    *runs = xmalloc((n ? n : 1) * sizeof **runs);
    for (size_t i = 0; i < n; i++) {
        if (mine[i].nr.lo != next)
            goto broken;
        next = (uint64_t) mine[i].nr.hi + 1;
        if (m > 0 && end_eq((*runs)[m - 1].end, mine[i].end))
            continue;
        (*runs)[m++] = (struct run){ .lo = mine[i].nr.lo, .end = mine[i].end };
    }
    if (next != UINT64_C(1) << 32)
        goto broken;
    *nruns = m;
    return 0;
broken:
    free(*runs);
    *runs = NULL;
    return -1;
}

struct out {
    struct sock_filter *f;
    size_t n, cap;
    /* the ja instructions that go to an end, placed when all is laid out */
    struct fix {
        size_t at;
        struct end to;
    } * fixes;
    size_t nfixes, fixcap;
};

static void
put(struct out *o, struct sock_filter i)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 512;
        o->f = xrealloc(o->f, o->cap * sizeof *o->f);
    }
    o->f[o->n++] = i;
}

static void
put_end(struct out *o, struct end e)
{
    if (e.kind == END_RET) {
        put(o, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, e.val));
        return;
    }
    if (o->nfixes == o->fixcap) {
        o->fixcap = o->fixcap ? o->fixcap * 2 : 64;
        o->fixes = xrealloc(o->fixes, o->fixcap * sizeof *o->fixes);
    }
    o->fixes[o->nfixes++] = (struct fix){ o->n, e };
    put(o, (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, 0));
}

/* the ends of r's numbers on their own, but r's own end, each once */
static size_t
run_exc_ends(const struct run *r, struct end *ends)
{
    size_t n = 0;

    for (unsigned k = 0; k < r->nexc; k++) {
        size_t e = 0;
        while (e < n && !end_eq(ends[e], r->exc[k].end))
            e++;
        if (e == n)
            ends[n++] = r->exc[k].end;
    }
    return n;
}

static size_t
run_size(const struct run *r)
{
    struct end ends[MAX_EXC];

    return r->nexc + 1 + run_exc_ends(r, ends);
}

/* its numbers on their own, each to its end after the run's own */
static void
run_put(struct out *o, const struct run *r)
{
    struct end ends[MAX_EXC];
    size_t nends = run_exc_ends(r, ends);

    for (unsigned k = 0; k < r->nexc; k++) {
        size_t e = 0;
        while (!end_eq(ends[e], r->exc[k].end))
            e++;
        /* over the other numbers and the run's own end */
        put(o, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->exc[k].nr,
                                             (uint8_t) (r->nexc - k - 1 + 1 + e), 0));
    }
    put_end(o, r->end);
    for (size_t e = 0; e < nends; e++)
        put_end(o, ends[e]);
}

static size_t
search_size(const struct run *r, size_t i, size_t j)
{
    size_t mid = i + (j - i + 1) / 2, left, right;

    if (i == j)
        return run_size(&r[i]);
    left = search_size(r, i, mid - 1);
    right = search_size(r, mid, j);
    return 1 + (left > MAX_JUMP) + left + right;
}

/* a binary search of runs i..j for the value in A: at each step "A >= the
 * middle run's lo" goes right, over the left half laid out first */
static void
search_put(struct out *o, const struct run *r, size_t i, size_t j)
{
    size_t mid = i + (j - i + 1) / 2, left;

    if (i == j) {
        run_put(o, &r[i]);
        return;
    }
    left = search_size(r, i, mid - 1);
    if (left > MAX_JUMP) {
        put(o, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r[mid].lo, 0, 1));
        put(o, (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, (uint32_t) left));
    } else
        put(o,
            (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r[mid].lo, (uint8_t) left, 0));
    search_put(o, r, i, mid - 1);
    search_put(o, r, mid, j);
}

/* short runs between two runs that end alike become numbers on their own
 * in one run; r[0..*n) in place */
static void
runs_fold(struct run *r, size_t *n)
{
    size_t m = 0, i = 0;

    while (i < *n) {
        struct run seg = r[i];
        size_t j = i + 1;

        for (;;) {
            size_t k = j, values = seg.nexc;
            /* r[j..k) short, r[k] ending as seg */
            while (k + 1 < *n && !end_eq(r[k].end, seg.end) && r[k + 1].lo - r[k].lo <= SHORT_RUN
                   && values + (r[k + 1].lo - r[k].lo) <= MAX_EXC) {
                values += r[k + 1].lo - r[k].lo;
                k++;
            }
            if (k == j || k >= *n || !end_eq(r[k].end, seg.end))
                break;
            for (size_t x = j; x < k; x++)
                for (uint32_t nr = r[x].lo; nr < r[x + 1].lo; nr++)
                    seg.exc[seg.nexc++] = (struct lone){ nr, r[x].end };
            j = k + 1;
        }
        r[m++] = seg;
        i = j;
    }
    *n = m;
}

static bool
runs_eq(const struct run *x, size_t nx, const struct run *y, size_t ny)
{
    if (nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++)
        if (x[i].lo != y[i].lo || !end_eq(x[i].end, y[i].end))
            return false;
    return true;
}

/* the architectures' runs, each ending at one end or at a number search
 * (subs[k], nsubs[k] runs) */
struct plan {
    struct run *arches;
    size_t narches;
    struct run **subs;
    size_t *nsubs, count;
};

static void
plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->subs[i]);
    free(p->subs);
    free(p->nsubs);
    free(p->arches);
}

static int
plan_make(const struct walk *w, struct plan *p)
{
    cleanup_free uint32_t *cuts = xmalloc((2 * w->nboxes + 1) * sizeof *cuts);
    struct run *last = NULL; /* the runs of the architectures before */
    size_t ncuts = 0, nlast = 0;
    bool last_ours = false;

    memset(p, 0, sizeof *p);
    /* the architecture values where some box starts or ends */
    cuts[ncuts++] = 0;
    for (size_t i = 0; i < w->nboxes; i++) {
        cuts[ncuts++] = w->boxes[i].a.lo;
        if (w->boxes[i].a.hi != UINT32_MAX)
            cuts[ncuts++] = w->boxes[i].a.hi + 1;
    }
    qsort(cuts, ncuts, sizeof *cuts, u32_cmp);
    p->arches = xmalloc(ncuts * sizeof *p->arches);
    p->subs = xmalloc(ncuts * sizeof *p->subs);
    p->nsubs = xmalloc(ncuts * sizeof *p->nsubs);
    for (size_t i = 0; i < ncuts; i++) {
        struct run *runs;
        size_t nruns;

        if (i > 0 && cuts[i] == cuts[i - 1])
            continue;
        if (runs_of(w, cuts[i], &runs, &nruns) < 0) {
            if (last_ours)
                free(last);
            plan_free(p);
            return -1;
        }
        /* next to architectures that end alike: theirs */
        if (last && runs_eq(last, nlast, runs, nruns)) {
            free(runs);
            continue;
        }
        if (last_ours)
            free(last);
        last = runs;
        nlast = nruns;
        last_ours = nruns == 1;
        if (nruns == 1) {
            p->arches[p->narches++] = (struct run){ .lo = cuts[i], .end = runs[0].end };
            continue;
        }
        p->arches[p->narches++] =
            (struct run){ .lo = cuts[i], .end = { END_SUB, (uint32_t) p->count } };
        p->subs[p->count] = runs;
        p->nsubs[p->count++] = nruns;
    }
    if (last_ours)
        free(last);
    for (size_t s = 0; s < p->count; s++)
        runs_fold(p->subs[s], &p->nsubs[s]);
    return 0;
}

/* the original code reached from the ends that go into it, in its order:
 * map[pc] its place after base, or SIZE_MAX */
static int
code_keep(const struct sock_filter *f, size_t n, const struct walk *w, size_t base, size_t *map,
          size_t *kept)
{
    cleanup_free bool *reach = xzalloc(n * sizeof *reach);

    for (size_t i = 0; i < w->nboxes; i++)
        if (w->boxes[i].end.kind == END_CODE)
            reach[w->boxes[i].end.val] = true;
    *kept = 0;
    /* jumps go forward only: one pass finds all */
    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *i = &f[pc];
        size_t to[2], nto = 0;

        map[pc] = SIZE_MAX;
        if (!reach[pc])
            continue;
        map[pc] = base + (*kept)++;
        if (BPF_CLASS(i->code) == BPF_RET)
            continue;
        if (i->code == (BPF_JMP | BPF_JA))
            to[nto++] = pc + 1 + (size_t) i->k;
        else if (BPF_CLASS(i->code) == BPF_JMP) {
            to[nto++] = pc + 1 + i->jt;
            to[nto++] = pc + 1 + i->jf;
        } else
            to[nto++] = pc + 1;
        for (size_t k = 0; k < nto; k++) {
            if (to[k] >= n)
                return -1;
            reach[to[k]] = true;
        }
    }
    return 0;
}

/* the kept code at the end of o, its jumps to their new places */
static void
code_put(struct out *o, const struct sock_filter *f, size_t n, const size_t *map)
{
    for (size_t pc = 0; pc < n; pc++) {
        struct sock_filter i = f[pc];

        if (map[pc] == SIZE_MAX)
            continue;
        if (i.code == (BPF_JMP | BPF_JA))
            i.k = (uint32_t) (map[pc + 1 + i.k] - map[pc] - 1);
        else if (BPF_CLASS(i.code) == BPF_JMP) {
            /* no further than before: only instructions between are dropped */
            i.jt = (uint8_t) (map[pc + 1 + i.jt] - map[pc] - 1);
            i.jf = (uint8_t) (map[pc + 1 + i.jf] - map[pc] - 1);
        }
        put(o, i);
    }
}

int
engine_seccomp_bpf_shrink(const struct sock_filter *in, size_t n, struct sock_filter **out,
                          size_t *outn)
{
    struct walk w = { .f = in, .n = n };
    struct out o = { 0 };
    struct plan p;
    cleanup_free size_t *map = NULL, *subs_at = NULL;
    size_t kept, head, base;
    int r = -1;

    if (n == 0
        || walk(&w, 0, HOLDS_NOTHING, (struct range){ 0, UINT32_MAX },
                (struct range){ 0, UINT32_MAX })
               < 0) {
        free(w.boxes);
        return -1;
    }
    if (plan_make(&w, &p) < 0) {
        free(w.boxes);
        return -1;
    }
    /* the layout: the architecture search, each number search, the code */
    head = 1 + search_size(p.arches, 0, p.narches - 1);
    base = head;
    subs_at = xmalloc((p.count + 1) * sizeof *subs_at);
    for (size_t s = 0; s < p.count; s++) {
        subs_at[s] = base;
        base += 1 + search_size(p.subs[s], 0, p.nsubs[s] - 1);
    }
    map = xmalloc(n * sizeof *map);
    if (code_keep(in, n, &w, base, map, &kept) < 0 || base + kept > BPF_MAXINSNS)
        goto out;
    put(&o, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH));
    search_put(&o, p.arches, 0, p.narches - 1);
    for (size_t s = 0; s < p.count; s++) {
        put(&o, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR));
        search_put(&o, p.subs[s], 0, p.nsubs[s] - 1);
    }
    code_put(&o, in, n, map);
    for (size_t i = 0; i < o.nfixes; i++) {
        struct fix *x = &o.fixes[i];
        size_t to = x->to.kind == END_SUB ? subs_at[x->to.val] : map[x->to.val];
        o.f[x->at].k = (uint32_t) (to - x->at - 1);
    }
    *out = steal_ptr(&o.f);
    *outn = o.n;
    r = 0;
out:
    free(o.f);
    free(o.fixes);
    free(w.boxes);
    plan_free(&p);
    return r;
}
