/* sg17_buf (bounded growable buffer) and sg17_rd (bounds-checked cursor). */
#include <stdlib.h>
#include <string.h>

#include "sg17/buf.h"
#include "tap.h"

static void test_append_and_cap(void)
{
    sg17_buf b;
    sg17_buf_init(&b, 10);
    tap_int_eq(sg17_buf_append_u8(&b, 0xAB), 0, "append_u8");
    tap_int_eq(sg17_buf_append_u16(&b, 0x0102), 0, "append_u16");
    tap_int_eq(sg17_buf_append_u32(&b, 0x03040506), 0, "append_u32");
    static const uint8_t want[] = {0xAB, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
    tap_int_eq(b.len, sizeof want, "length after appends");
    tap_mem_eq(b.data, want, sizeof want, "big-endian layout");
    tap_ok(b.alloc <= b.cap, "allocation never exceeds the cap (%zu <= %zu)", b.alloc, b.cap);

    /* 7 + 4 > 10: refused, contents untouched. */
    tap_int_eq(sg17_buf_append_u32(&b, 0xFFFFFFFFU), SG17_E_LIMIT, "u32 over the cap -> LIMIT");
    tap_int_eq(b.len, 7, "length unchanged after LIMIT");
    tap_mem_eq(b.data, want, sizeof want, "contents unchanged after LIMIT");
    static const uint8_t three[3] = {7, 8, 9};
    tap_int_eq(sg17_buf_append(&b, three, 3), 0, "exactly filling the cap is allowed");
    tap_int_eq(b.len, 10, "length == cap");
    tap_int_eq(sg17_buf_append_u8(&b, 1), SG17_E_LIMIT, "one byte past the cap -> LIMIT");
    tap_int_eq(sg17_buf_append(&b, NULL, 0), 0, "empty append at the cap is fine");
    tap_int_eq(sg17_buf_append(&b, three, SIZE_MAX), SG17_E_LIMIT, "SIZE_MAX append -> LIMIT");

    sg17_buf_reset(&b);
    tap_int_eq(b.len, 0, "reset empties");
    tap_ok(b.data != NULL && b.data[0] == 0, "reset wipes the used bytes");
    tap_int_eq(sg17_buf_append_u8(&b, 5), 0, "append after reset");
    sg17_buf_free(&b, 1);
    tap_ok(b.data == NULL && b.len == 0 && b.alloc == 0, "free leaves an empty buffer");
    sg17_buf_free(NULL, 1);
}

static void test_growth(void)
{
    sg17_buf b;
    sg17_buf_init(&b, 100000);
    uint8_t *ref = malloc(100000);
    int ok = ref != NULL;
    for (size_t i = 0; ok && i < 100000; i++) {
        ref[i] = (uint8_t)(i * 7 + 3);
        ok = sg17_buf_append_u8(&b, ref[i]) == 0;
    }
    tap_ok(ok, "100000 single-byte appends up to the cap");
    tap_int_eq(b.len, 100000, "length after growth");
    tap_ok(ref != NULL && memcmp(b.data, ref, 100000) == 0, "contents survive reallocation");
    tap_ok(b.alloc == 100000, "final allocation clamped to the cap (alloc=%zu)", b.alloc);
    tap_int_eq(sg17_buf_append_u8(&b, 0), SG17_E_LIMIT, "full buffer refuses more");
    tap_int_eq(sg17_buf_append_u64(&b, 1), SG17_E_LIMIT, "full buffer refuses u64");
    free(ref);
    sg17_buf_free(&b, 0);

    sg17_buf_init(&b, 0);
    tap_int_eq(sg17_buf_append_u8(&b, 1), SG17_E_LIMIT, "zero-cap buffer accepts nothing");
    tap_int_eq(sg17_buf_reserve(&b, 0), 0, "zero-cap reserve of 0 is fine");
    sg17_buf_free(&b, 0);

    sg17_buf_init(&b, 16);
    tap_int_eq(sg17_buf_append_u64(&b, 0x0102030405060708ULL), 0, "append_u64");
    static const uint8_t w64[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    tap_mem_eq(b.data, w64, 8, "u64 big-endian");
    sg17_buf_free(&b, 1);
}

static void test_reader(void)
{
    static const uint8_t in[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
    sg17_rd r;
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    sg17_rd_init(&r, in, sizeof in);
    tap_int_eq(sg17_rd_get_u8(&r, &u8), 0, "get_u8");
    tap_int_eq(u8, 0x01, "u8 value");
    tap_int_eq(sg17_rd_get_u16(&r, &u16), 0, "get_u16");
    tap_int_eq(u16, 0x0203, "u16 big-endian");
    tap_int_eq(sg17_rd_get_u32(&r, &u32), 0, "get_u32");
    tap_int_eq(u32, 0x04050607, "u32 big-endian");
    tap_int_eq(sg17_rd_remaining(&r), 8, "remaining");
    tap_int_eq(sg17_rd_expect_end(&r), SG17_E_FORMAT, "expect_end with bytes left");

    sg17_rd save = r;
    tap_int_eq(sg17_rd_get_bytes(&r, (uint8_t[16]){0}, 9), SG17_E_FORMAT, "9 of 8 -> FORMAT");
    tap_ok(r.off == save.off, "cursor unchanged after underrun");
    tap_int_eq(sg17_rd_skip(&r, SIZE_MAX), SG17_E_FORMAT, "skip SIZE_MAX -> FORMAT");
    tap_int_eq(sg17_rd_get_u64(&r, &u64), 0, "get_u64");
    tap_ok(u64 == 0x08090A0B0C0D0E0FULL, "u64 big-endian");
    tap_int_eq(sg17_rd_get_u8(&r, &u8), SG17_E_FORMAT, "u8 at end -> FORMAT");
    tap_int_eq(sg17_rd_get_u16(&r, &u16), SG17_E_FORMAT, "u16 at end -> FORMAT");
    tap_int_eq(sg17_rd_get_u32(&r, &u32), SG17_E_FORMAT, "u32 at end -> FORMAT");
    tap_int_eq(sg17_rd_expect_end(&r), 0, "expect_end at end");

    /* Partial multi-byte reads fail and do not consume. */
    sg17_rd_init(&r, in, 3);
    tap_int_eq(sg17_rd_get_u32(&r, &u32), SG17_E_FORMAT, "u32 from 3 bytes -> FORMAT");
    tap_int_eq(sg17_rd_remaining(&r), 3, "nothing consumed");
    const uint8_t *ref = NULL;
    tap_int_eq(sg17_rd_get_ref(&r, &ref, 2), 0, "get_ref");
    tap_ok(ref == in, "ref points into the input");
    tap_int_eq(sg17_rd_get_ref(&r, &ref, 2), SG17_E_FORMAT, "get_ref past end");
    tap_ok(ref == NULL, "ref NULL on error");
    uint8_t one = 0;
    tap_int_eq(sg17_rd_get_bytes(&r, &one, 1), 0, "last byte");
    tap_int_eq(one, 3, "last byte value");

    sg17_rd_init(&r, NULL, 0);
    tap_int_eq(sg17_rd_remaining(&r), 0, "empty reader");
    tap_int_eq(sg17_rd_get_u8(&r, &u8), SG17_E_FORMAT, "empty reader underrun");
    tap_int_eq(sg17_rd_skip(&r, 0), 0, "skip 0 on empty reader");
}

static void test_self_append(void)
{
    sg17_buf b;
    sg17_buf_init(&b, 1 << 20);
    static const uint8_t seed[5] = {1, 2, 3, 4, 5};
    int ok = sg17_buf_append(&b, seed, sizeof seed) == 0;
    /* Doubling by appending the buffer to itself forces reallocations. */
    for (int i = 0; ok && i < 12; i++)
        ok = sg17_buf_append(&b, b.data, b.len) == 0;
    tap_ok(ok, "self-append across reallocations");
    tap_int_eq(b.len, 5 << 12, "length doubled 12 times");
    int same = 1;
    for (size_t i = 0; i < b.len; i++)
        same &= b.data[i] == seed[i % 5];
    tap_ok(same, "contents intact after self-appends");
    tap_int_eq(sg17_buf_append(&b, b.data + 1, 3), 0, "append of an interior slice");
    tap_ok(b.data[b.len - 3] == 2 && b.data[b.len - 1] == 4, "slice copied");
    sg17_buf_free(&b, 1);
}

int main(void)
{
    test_self_append();
    test_append_and_cap();
    test_growth();
    test_reader();
    return tap_done();
}
