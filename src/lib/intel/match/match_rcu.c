/*
 * The matcher: a pointer to the current immutable snapshot, replaced without
 * pausing readers (RCU-style). Readers announce themselves in one of two
 * counters chosen by the epoch parity and re-check the epoch; a writer
 * publishes the new pointer, then flips the epoch twice, each time waiting
 * for the counter of the previous parity to drain. After both flips no
 * reader can still hold the old snapshot, which is then freed.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "match_internal.h"

struct sg17_intel_matcher {
    _Atomic(sg17_intel_snapshot *) cur;
    atomic_uint epoch;
    atomic_ulong active[2];
    pthread_mutex_t wlock;
};

int sg17_intel_matcher_new(sg17_intel_matcher **out, sg17_intel_snapshot *s)
{
    if (out == NULL)
        return SG17_E_INVAL;
    sg17_intel_matcher *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SG17_E_NOMEM;
    atomic_init(&m->cur, s);
    atomic_init(&m->epoch, 0U);
    atomic_init(&m->active[0], 0UL);
    atomic_init(&m->active[1], 0UL);
    if (pthread_mutex_init(&m->wlock, NULL) != 0) {
        free(m);
        return SG17_E_NOMEM;
    }
    *out = m;
    return 0;
}

void sg17_intel_matcher_free(sg17_intel_matcher *m)
{
    if (m == NULL)
        return;
    sg17_intel_snapshot_free(atomic_load(&m->cur));
    pthread_mutex_destroy(&m->wlock);
    free(m);
}

sg17_intel_read sg17_intel_matcher_acquire(sg17_intel_matcher *m)
{
    sg17_intel_read r;
    for (;;) {
        unsigned e = atomic_load(&m->epoch);
        atomic_fetch_add(&m->active[e & 1U], 1UL);
        if (atomic_load(&m->epoch) == e) {
            r.slot_ = e & 1U;
            break;
        }
        atomic_fetch_sub(&m->active[e & 1U], 1UL); /* a flip raced us: retry */
    }
    r.snap = atomic_load(&m->cur);
    return r;
}

void sg17_intel_matcher_release(sg17_intel_matcher *m, sg17_intel_read r)
{
    atomic_fetch_sub(&m->active[r.slot_ & 1U], 1UL);
}

static void flip_and_drain(sg17_intel_matcher *m)
{
    unsigned e = atomic_fetch_add(&m->epoch, 1U);
    while (atomic_load(&m->active[e & 1U]) != 0)
        sched_yield();
}

void sg17_intel_matcher_swap(sg17_intel_matcher *m, sg17_intel_snapshot *s)
{
    pthread_mutex_lock(&m->wlock);
    sg17_intel_snapshot *old = atomic_exchange(&m->cur, s);
    flip_and_drain(m);
    flip_and_drain(m);
    pthread_mutex_unlock(&m->wlock);
    sg17_intel_snapshot_free(old);
}
