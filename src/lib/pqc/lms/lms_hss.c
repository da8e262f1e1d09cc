/*
 * HSS stateful private keys (RFC 8554 §6.1, §6.2) with crash-safe state.
 *
 * State: one index per level, read as a mixed-radix counter (level 0 most
 * significant, digit i in [0, 2^h_i)). `next` is the next unused signature;
 * `limit` is what the key file says: every index below it may have been
 * used. Signing uses only indices in [next, limit); when next == limit the
 * new limit is written with sg17_file_write_atomic (fsync'ed) BEFORE the
 * signature is computed. A reload starts at the file's limit, so a crash
 * can lose reserved indices but never reuse one.
 *
 * Lower levels: the tree of level i+1 under index q of level i has
 *   SEED' = H(I || u32str(q) || u16str(0xFFFE) || u8str(0xff) || SEED)
 *   I'    = H(I || u32str(q) || u16str(0xFFFF) || u8str(0xff) || SEED)[0..16)
 * (the Appendix A shape, with i values no LM-OTS type uses), so the file
 * holds only the top SEED and I; the child tree, its public key and the
 * parent's signature over it are the same after any reload. The LM-OTS
 * randomizer C is derived likewise (u16str(0xFFFD)), so re-signing the same
 * child public key after a crash reuses nothing but the identical signature.
 *
 * Only one handle may have a key file loaded at a time (flock on
 * "<path>.lock", see lock_key).
 *
 * Key file (all integers big-endian):
 *   "SG17HSS1" | u32 L | L x (u32 lms_type, u32 ots_type) | u8 seed_len |
 *   SEED | I[16] | L x u32 limit digit | u8 exhausted | SHA-256 of all before
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ct_internal.h"
#include "file_internal.h"
#include "pqc/lms/lms_internal.h"
#include "sg17/file.h"

int (*sg17_lms_test_hook)(void *ctx, int step) = NULL;
void *sg17_lms_test_hook_ctx = NULL;

#define HSS_MAGIC    "SG17HSS1"
#define HSS_FILE_MAX 512

typedef struct hss_ctr {
    uint32_t d[SG17_HSS_MAX_LEVELS];
    uint8_t end; /* 1: past the last index (all used) */
} hss_ctr;

struct sg17_hss_key {
    char *path;  /* NULL: volatile key (tests only) */
    int lock_fd; /* flock'ed "<path>.lock" while loaded, -1 if none */
    sg17_hss_params params;
    const lms_param *lp[SG17_HSS_MAX_LEVELS];
    const lmots_param *op[SG17_HSS_MAX_LEVELS];
    uint8_t seed[LMS_MAX_N];
    uint8_t I[16];
    hss_ctr next, limit;
    lms_tree tree[SG17_HSS_MAX_LEVELS];
    /* tree i was built for digits built[0..i-1] of the levels above it */
    uint32_t built[SG17_HSS_MAX_LEVELS][SG17_HSS_MAX_LEVELS];
    uint8_t valid[SG17_HSS_MAX_LEVELS];
    /* usig[i] (i >= 1): level i-1's LMS signature over tree i's public key */
    uint8_t *usig[SG17_HSS_MAX_LEVELS];
    size_t usig_len[SG17_HSS_MAX_LEVELS];
};

static int hook(int step)
{
    return sg17_lms_test_hook != NULL && sg17_lms_test_hook(sg17_lms_test_hook_ctx, step);
}

static int file_hook(void *ctx, int step)
{
    (void)ctx;
    return hook(LMS_STEP_FILE_BASE + step);
}

/* ---- mixed-radix counter --------------------------------------------------- */
static int ctr_cmp(const sg17_hss_key *k, const hss_ctr *a, const hss_ctr *b)
{
    if (a->end != b->end)
        return a->end ? 1 : -1;
    for (uint32_t i = 0; i < k->params.levels; i++)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    uint64_t r;
    /* overflow check without a division (kept out of the object code) */
    if (__builtin_mul_overflow(a, b, &r))
        return UINT64_MAX;
    return r;
}

static uint64_t ctr_remaining(const sg17_hss_key *k, const hss_ctr *c)
{
    if (c->end)
        return 0;
    uint64_t r = 1, mult = 1;
    for (uint32_t i = k->params.levels; i-- > 0;) {
        uint64_t base = (uint64_t)1 << k->lp[i]->h;
        r = sat_add(r, sat_mul(base - 1 - c->d[i], mult));
        mult = sat_mul(mult, base);
    }
    return r;
}

/* c += n; the caller has checked n <= remaining. */
static void ctr_add(const sg17_hss_key *k, hss_ctr *c, uint64_t n)
{
    uint64_t carry = n;
    for (uint32_t i = k->params.levels; i-- > 0 && carry != 0;) {
        unsigned h = k->lp[i]->h;
        uint64_t sum = (uint64_t)c->d[i] + (carry & (((uint64_t)1 << h) - 1));
        carry = (carry >> h) + (sum >> h);
        c->d[i] = (uint32_t)(sum & (((uint64_t)1 << h) - 1));
    }
    if (carry != 0) {
        memset(c->d, 0, sizeof c->d);
        c->end = 1;
    }
}

/* ---- file ----------------------------------------------------------------- */
static size_t serialize(const sg17_hss_key *k, const hss_ctr *limit, uint8_t *out)
{
    size_t o = 0;
    uint32_t L = k->params.levels;
    memcpy(out, HSS_MAGIC, 8); /* NOLINT(bugprone-not-null-terminated-result): binary magic */
    o = 8;
    lms_u32str(out + o, L);
    o += 4;
    for (uint32_t i = 0; i < L; i++) {
        lms_u32str(out + o, k->params.lms_type[i]);
        lms_u32str(out + o + 4, k->params.ots_type[i]);
        o += 8;
    }
    out[o++] = k->op[0]->n;
    memcpy(out + o, k->seed, k->op[0]->n);
    o += k->op[0]->n;
    memcpy(out + o, k->I, 16);
    o += 16;
    for (uint32_t i = 0; i < L; i++, o += 4)
        lms_u32str(out + o, limit->d[i]);
    out[o++] = limit->end;
    sg17_sha256(out + o, out, o);
    return o + 32;
}

static int persist(sg17_hss_key *k, const hss_ctr *limit)
{
    if (k->path == NULL)
        return 0;
    uint8_t buf[HSS_FILE_MAX];
    size_t len = serialize(k, limit, buf);
    int (*saved)(void *, int) = sg17_file_test_hook;
    if (sg17_lms_test_hook != NULL)
        sg17_file_test_hook = file_hook;
    int rc = sg17_file_write_atomic(k->path, buf, len, 0600);
    sg17_file_test_hook = saved;
    sg17_memzero(buf, sizeof buf);
    return rc;
}

static int set_params(sg17_hss_key *k, const sg17_hss_params *p)
{
    if (sg17_hss_signature_len(p) == 0)
        return SG17_E_INVAL;
    k->params = *p;
    for (uint32_t i = 0; i < p->levels; i++) {
        k->lp[i] = sg17_lms_param(p->lms_type[i]);
        k->op[i] = sg17_lmots_param(p->ots_type[i]);
    }
    for (uint32_t i = p->levels; i < SG17_HSS_MAX_LEVELS; i++) {
        k->params.lms_type[i] = 0;
        k->params.ots_type[i] = 0;
    }
    return 0;
}

static int parse(sg17_hss_key *k, const uint8_t *b, size_t len)
{
    sg17_hss_params p;
    uint8_t sum[32];
    memset(&p, 0, sizeof p);
    if (len < 8 + 4 + 32 || memcmp(b, HSS_MAGIC, 8) != 0)
        return SG17_E_FORMAT;
    sg17_sha256(sum, b, len - 32);
    if (!sg17_ct_memeq(sum, b + len - 32, 32))
        return SG17_E_FORMAT;
    size_t o = 8, body = len - 32;
    p.levels = lms_strtou32(b + o);
    o += 4;
    if (p.levels < 1 || p.levels > SG17_HSS_MAX_LEVELS || body < o + 8 * (size_t)p.levels + 1)
        return SG17_E_FORMAT;
    for (uint32_t i = 0; i < p.levels; i++, o += 8) {
        p.lms_type[i] = lms_strtou32(b + o);
        p.ots_type[i] = lms_strtou32(b + o + 4);
    }
    if (set_params(k, &p) != 0)
        return SG17_E_FORMAT;
    size_t n = b[o++];
    if (n != k->op[0]->n || body != o + n + 16 + 4 * (size_t)p.levels + 1)
        return SG17_E_FORMAT;
    memcpy(k->seed, b + o, n);
    o += n;
    memcpy(k->I, b + o, 16);
    o += 16;
    for (uint32_t i = 0; i < p.levels; i++, o += 4) {
        k->limit.d[i] = lms_strtou32(b + o);
        if ((k->limit.d[i] >> k->lp[i]->h) != 0)
            return SG17_E_FORMAT;
    }
    k->limit.end = b[o];
    if (k->limit.end > 1)
        return SG17_E_FORMAT;
    k->next = k->limit;
    return 0;
}

/* ---- trees ---------------------------------------------------------------- */
/* Make tree i current for the digits of `next` (levels above i). */
static int ensure_tree(sg17_hss_key *k, uint32_t i)
{
    const uint32_t *d = k->next.d;
    if (k->valid[i] && memcmp(k->built[i], d, sizeof(uint32_t) * i) == 0)
        return 0;
    k->valid[i] = 0;
    sg17_lms_tree_free(&k->tree[i]);
    free(k->usig[i]);
    k->usig[i] = NULL;
    int rc;
    if (i == 0)
        return (rc = sg17_lms_tree_build(&k->tree[0], k->lp[0], k->op[0], k->I, k->seed, d[0]))
                   ? rc
                   : (k->valid[0] = 1, 0);
    const lms_tree *up = &k->tree[i - 1];
    uint8_t seed[32], Ibuf[32];
    sg17_lms_derive(up->op->shake, up->I, d[i - 1], LMS_DERIVE_CHILD_SEED, up->seed, up->op->n,
                    seed, 32);
    sg17_lms_derive(up->op->shake, up->I, d[i - 1], LMS_DERIVE_CHILD_I, up->seed, up->op->n, Ibuf,
                    32);
    /* The child's I is public (in its public key). */
    SG17_CT_DECLASSIFY(Ibuf, 16);
    rc = sg17_lms_tree_build(&k->tree[i], k->lp[i], k->op[i], Ibuf, seed, d[i]);
    sg17_memzero(seed, sizeof seed);
    if (rc != 0)
        return rc;
    size_t slen = sg17_lms_signature_len(k->params.lms_type[i - 1], k->params.ots_type[i - 1]);
    k->usig[i] = malloc(slen);
    if (k->usig[i] == NULL)
        return SG17_E_NOMEM;
    rc = sg17_lms_tree_sign(&k->tree[i - 1], d[i - 1], k->tree[i].pub, k->tree[i].pub_len,
                            k->usig[i]);
    if (rc != 0)
        return rc;
    k->usig_len[i] = slen;
    memcpy(k->built[i], d, sizeof(uint32_t) * i);
    k->valid[i] = 1;
    return 0;
}

static int ensure_trees(sg17_hss_key *k)
{
    for (uint32_t i = 0; i < k->params.levels; i++) {
        int rc = ensure_tree(k, i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- public API ------------------------------------------------------------ */
static sg17_hss_key *key_alloc(void)
{
    sg17_hss_key *k = calloc(1, sizeof(sg17_hss_key));
    if (k != NULL)
        k->lock_fd = -1;
    return k;
}

/*
 * One signer per key file: two processes (or two handles in one process)
 * signing from the same file would hand out the same indices. The lock is an
 * flock on a sidecar "<path>.lock" (the key file itself is replaced by
 * rename on every persist, so a lock on it would not stick); the kernel
 * drops it when the holder dies, so a crash never leaves the key locked.
 */
static int lock_key(sg17_hss_key *k, const char *path)
{
    size_t n = strlen(path);
    char *lp = malloc(n + sizeof ".lock");
    if (lp == NULL)
        return SG17_E_NOMEM;
    memcpy(lp, path, n); /* NOLINT(bugprone-not-null-terminated-result): suffix + NUL next */
    memcpy(lp + n, ".lock", sizeof ".lock");
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(lp);
    if (fd < 0)
        return SG17_E_IO;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        close(fd);
        return busy ? SG17_E_STATE : SG17_E_IO;
    }
    k->lock_fd = fd;
    return 0;
}

void sg17_hss_key_free(sg17_hss_key *key)
{
    if (key == NULL)
        return;
    for (uint32_t i = 0; i < SG17_HSS_MAX_LEVELS; i++) {
        sg17_lms_tree_free(&key->tree[i]);
        free(key->usig[i]);
    }
    free(key->path);
    if (key->lock_fd >= 0)
        close(key->lock_fd); /* releases the flock */
    sg17_memzero(key, sizeof *key);
    free(key);
}

static int init_key(sg17_hss_key *k, const sg17_hss_params *p, const uint8_t *seed, size_t seed_len,
                    const uint8_t *I)
{
    int rc = set_params(k, p);
    if (rc != 0)
        return rc;
    size_t n = k->op[0]->n;
    if (seed != NULL) {
        if (seed_len != n)
            return SG17_E_INVAL;
        memcpy(k->seed, seed, n);
    } else if (sg17_randombytes(k->seed, n) != 0) {
        return SG17_E_RNG;
    }
    if (I != NULL)
        memcpy(k->I, I, 16);
    else if (sg17_randombytes(k->I, 16) != 0)
        return SG17_E_RNG;
    return 0;
}

int sg17_hss_key_new_volatile(sg17_hss_key **key, const sg17_hss_params *p, const uint8_t *seed,
                              size_t seed_len, const uint8_t I[16])
{
    sg17_hss_key *k = key_alloc();
    if (k == NULL)
        return SG17_E_NOMEM;
    int rc = init_key(k, p, seed, seed_len, I);
    if (rc == 0)
        rc = ensure_trees(k);
    if (rc != 0) {
        sg17_hss_key_free(k);
        return rc;
    }
    k->limit.end = 1; /* nothing to persist: every index is usable */
    *key = k;
    return 0;
}

int sg17_hss_keygen(const char *key_path, const sg17_hss_params *p, const uint8_t *seed,
                    size_t seed_len, const uint8_t *I, uint8_t *pk, size_t pk_cap, size_t *pk_len)
{
    if (key_path == NULL || pk == NULL || pk_len == NULL)
        return SG17_E_INVAL;
    size_t need = sg17_hss_public_key_len(p);
    if (need == 0 || pk_cap < need)
        return SG17_E_INVAL;
    sg17_hss_key *k = key_alloc();
    if (k == NULL)
        return SG17_E_NOMEM;
    int rc = init_key(k, p, seed, seed_len, I);
    if (rc == 0)
        rc = sg17_lms_tree_build(&k->tree[0], k->lp[0], k->op[0], k->I, k->seed, 0);
    if (rc == 0) {
        /* Claim the name first: never overwrite an existing (stateful!) key. */
        int fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
            rc = errno == EEXIST ? SG17_E_EXISTS : SG17_E_IO;
        } else {
            close(fd);
            k->path = strdup(key_path);
            rc = k->path == NULL ? SG17_E_NOMEM : persist(k, &k->limit);
            if (rc != 0)
                unlink(key_path);
        }
    }
    if (rc == 0) {
        lms_u32str(pk, p->levels);
        memcpy(pk + 4, k->tree[0].pub, k->tree[0].pub_len);
        *pk_len = 4 + k->tree[0].pub_len;
    }
    sg17_hss_key_free(k);
    return rc;
}

int sg17_hss_key_load(sg17_hss_key **key, const char *key_path)
{
    if (key == NULL || key_path == NULL)
        return SG17_E_INVAL;
    *key = NULL;
    uint8_t *buf;
    size_t len;
    if (access(key_path, F_OK) != 0)
        return errno == ENOENT ? SG17_E_NOTFOUND : SG17_E_IO; /* no stray .lock */
    sg17_hss_key *k = key_alloc();
    if (k == NULL)
        return SG17_E_NOMEM;
    /* Lock before reading, so that the state read is the latest one. */
    int rc = lock_key(k, key_path);
    if (rc != 0) {
        sg17_hss_key_free(k);
        return rc;
    }
    rc = sg17_file_read(key_path, &buf, &len, HSS_FILE_MAX);
    if (rc != 0) {
        sg17_hss_key_free(k);
        return rc;
    }
    rc = parse(k, buf, len);
    if (rc == 0)
        rc = (k->path = strdup(key_path)) == NULL ? SG17_E_NOMEM : 0;
    if (rc == 0 && !k->next.end)
        rc = ensure_trees(k);
    sg17_memzero(buf, len);
    free(buf);
    if (rc != 0) {
        sg17_hss_key_free(k);
        return rc;
    }
    *key = k;
    return 0;
}

void sg17_hss_key_params(const sg17_hss_key *key, sg17_hss_params *p)
{
    *p = key->params;
}

void sg17_hss_key_next(const sg17_hss_key *key, uint32_t q[SG17_HSS_MAX_LEVELS])
{
    memcpy(q, key->next.d, sizeof key->next.d);
}

int sg17_hss_key_public(const sg17_hss_key *key, uint8_t *pk, size_t pk_cap, size_t *pk_len)
{
    if (key == NULL || pk == NULL || pk_len == NULL)
        return SG17_E_INVAL;
    size_t need = sg17_hss_public_key_len(&key->params);
    if (pk_cap < need)
        return SG17_E_INVAL;
    uint8_t tmp[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    if (!key->valid[0]) {
        /* an exhausted key was loaded without trees: rebuild level 0 root */
        lms_tree t;
        int rc = sg17_lms_tree_build(&t, key->lp[0], key->op[0], key->I, key->seed, 0);
        if (rc != 0)
            return rc;
        memcpy(tmp + 4, t.pub, t.pub_len);
        sg17_lms_tree_free(&t);
    } else {
        memcpy(tmp + 4, key->tree[0].pub, key->tree[0].pub_len);
    }
    lms_u32str(tmp, key->params.levels);
    memcpy(pk, tmp, need);
    *pk_len = need;
    return 0;
}

uint64_t sg17_hss_key_remaining(const sg17_hss_key *key)
{
    return ctr_remaining(key, &key->next);
}

/* Persist limit = next + n if that is beyond the current limit. */
static int reserve(sg17_hss_key *k, uint64_t n)
{
    if (n == 0)
        return 0;
    if (ctr_remaining(k, &k->next) < n)
        return SG17_E_STATE;
    hss_ctr want = k->next;
    ctr_add(k, &want, n);
    if (ctr_cmp(k, &want, &k->limit) <= 0)
        return 0;
    if (hook(LMS_STEP_BEFORE_PERSIST))
        return SG17_E_IO;
    int rc = persist(k, &want);
    if (rc != 0)
        return rc; /* the file holds the old or the new limit; both are >= ours */
    if (hook(LMS_STEP_PERSISTED))
        return SG17_E_IO;
    k->limit = want;
    return 0;
}

int sg17_hss_reserve(sg17_hss_key *key, uint64_t n)
{
    if (key == NULL)
        return SG17_E_INVAL;
    return reserve(key, n);
}

int sg17_hss_sign(sg17_hss_key *key, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                  size_t sig_cap, size_t *sig_len)
{
    if (key == NULL || sig == NULL || sig_len == NULL || (msg == NULL && msg_len > 0))
        return SG17_E_INVAL;
    size_t total = sg17_hss_signature_len(&key->params);
    if (sig_cap < total)
        return SG17_E_INVAL;
    if (key->next.end)
        return SG17_E_STATE;
    int rc = reserve(key, 1); /* no-op while inside a reserved range */
    if (rc != 0)
        return rc;
    if ((rc = ensure_trees(key)) != 0)
        return rc;
    if (hook(LMS_STEP_TREES_READY))
        return SG17_E_IO;
    uint32_t L = key->params.levels;
    size_t last_len =
        sg17_lms_signature_len(key->params.lms_type[L - 1], key->params.ots_type[L - 1]);
    uint8_t *last = malloc(last_len);
    if (last == NULL)
        return SG17_E_NOMEM;
    rc = sg17_lms_tree_sign(&key->tree[L - 1], key->next.d[L - 1], msg, msg_len, last);
    if (rc == 0 && hook(LMS_STEP_SIGNED))
        rc = SG17_E_IO;
    if (rc == 0) {
        /* Only now is the index consumed in memory and the signature released. */
        ctr_add(key, &key->next, 1);
        size_t o = 0;
        lms_u32str(sig, L - 1);
        o = 4;
        for (uint32_t i = 1; i < L; i++) {
            memcpy(sig + o, key->usig[i], key->usig_len[i]);
            o += key->usig_len[i];
            memcpy(sig + o, key->tree[i].pub, key->tree[i].pub_len);
            o += key->tree[i].pub_len;
        }
        memcpy(sig + o, last, last_len);
        *sig_len = o + last_len;
    }
    free(last);
    return rc;
}
