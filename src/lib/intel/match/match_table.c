/*
 * Bucketed hash tables of the matcher snapshot (match_internal.h): 64-byte
 * buckets of eight 8-byte slots, so a lookup reads one cache line (two when
 * its bucket overflowed, which the OVF flag says), and the allocations that
 * back the snapshot (huge-page friendly when large).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "match_internal.h"

/* Below this, plain aligned heap memory (and ASan sees every byte). */
#define IM_BIG_MIN ((size_t)1 << 21)

void *im_big_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 64;
    if (bytes < IM_BIG_MIN) {
        size_t r = (bytes + 63U) & ~(size_t)63U;
        void *p = aligned_alloc(64, r);
        if (p != NULL)
            memset(p, 0, r);
        return p;
    }
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: failure only costs speed */
#endif
    return p;
}

void im_big_free(void *p, size_t bytes)
{
    if (p == NULL)
        return;
    if (bytes == 0)
        bytes = 64;
    if (bytes < IM_BIG_MIN)
        free(p);
    else
        munmap(p, bytes);
}

int im_tab_init(im_tab *t, size_t n)
{
    memset(t, 0, sizeof *t);
    if (n == 0)
        return 0;
    /* load <= 0.7: n / 5.6 buckets, so at least one slot stays empty */
    size_t nb = (n * 10U + 55U) / 56U;
    if (nb >= ((size_t)1 << 32) / IM_BUCKET_SLOTS)
        return SG17_E_LIMIT;
    t->bytes = nb * IM_BUCKET_SLOTS * sizeof(im_slot);
    t->slots = im_big_alloc(t->bytes);
    if (t->slots == NULL)
        return SG17_E_NOMEM;
    t->nb = nb;
    return 0;
}

void im_tab_free(im_tab *t)
{
    im_big_free(t->slots, t->bytes);
    memset(t, 0, sizeof *t);
}

im_slot *im_tab_insert(im_tab *t, uint32_t key, uint64_t h, uint32_t ref, im_same_fn same,
                       const void *ctx, int *existed)
{
    size_t b = im_tab_bucket(t, h);
    *existed = 0;
    for (size_t step = 0; step < t->nb; step++) {
        im_slot *sl = &t->slots[b * IM_BUCKET_SLOTS];
        for (unsigned j = 0; j < IM_BUCKET_SLOTS; j++) {
            if (sl[j].ref == 0) {
                sl[j].key = key;
                sl[j].ref = ref;
                return &sl[j];
            }
            if (sl[j].key == key && (same == NULL || same(ctx, sl[j].ref))) {
                *existed = 1;
                return &sl[j];
            }
        }
        sl[IM_BUCKET_SLOTS - 1].ref |= IM_REF_OVF;
        b = b + 1 == t->nb ? 0 : b + 1;
    }
    return NULL; /* not reached: the table is sized with free slots */
}
