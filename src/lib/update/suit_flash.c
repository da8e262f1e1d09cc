/*
 * File-backed flash model of an X.1368 device core: A/B image slots and a
 * two-sector metadata journal (see sg17/suit.h). Power-fail safety argument:
 * - slot writes only touch the inactive slot, which no committed record
 *   tells the boot to use until install_commit's record write lands;
 * - install_commit fsyncs the slot before that record; the digest it records
 *   (and the one condition-image-match sees) is the running SHA-256 of the
 *   bytes programmed since install_begin, in order from offset 0; writes out
 *   of order or a failed write drop the running hash and the slot is read back
 *   instead. A power cut ends the install: the next one starts at
 *   install_begin with a fresh hash. Every boot re-reads a slot and checks it
 *   against the recorded digest before using it, which is where bytes that
 *   the flash stored wrongly are caught;
 * - a record write goes to the sector NOT holding the newest record, so a
 *   torn write destroys at most an older record (its SHA-256 fails);
 * - the trial is tried once (attempts recorded before booting it); confirm
 *   moves active slot and counter in the same record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "update_internal.h"

#define PAGE 4096U
#define SECTOR 256U
#define REC_BODY 120U
static const uint8_t MAGIC[8] = {'S', 'G', '1', '7', 'F', 'L', 'S', 'H'};

struct sg17_suit_flash {
    int fd_slot[2];
    int fd_meta;
    size_t slot_size;
    sg17_suit_flash_state st;
    long budget; /* flash writes left before the power cut; < 0: no cut */
    int dead;
    unsigned long writes;
    int installing;
    uint64_t install_size;
    int booted; /* slot booted last, -1 none */
    sg17_sha256_ctx wh; /* running SHA-256 of the bytes programmed since install_begin */
    uint64_t wh_len;    /* bytes it covers: always the prefix [0, wh_len) */
    int wh_ok;          /* 0: out-of-order or failed write: read the slot back */
    uint64_t slot_read_bytes;
    long corrupt; /* slot page writes left before one lands corrupted; < 0: none */
};

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* One flash write; the power cut tears it (the first half lands). */
static int flash_write(sg17_suit_flash *f, int fd, uint64_t off, const uint8_t *p, size_t n)
{
    if (f->dead)
        return SG17_E_IO;
    if (f->budget == 0) {
        f->dead = 1;
        (void)!pwrite(fd, p, n / 2, (off_t)off);
        return SG17_E_IO;
    }
    if (f->budget > 0)
        f->budget--;
    f->writes++;
    ssize_t w = pwrite(fd, p, n, (off_t)off);
    return w == (ssize_t)n ? 0 : SG17_E_IO;
}

static void rec_encode(uint8_t out[SECTOR], const sg17_suit_flash_state *st)
{
    memset(out, 0, SECTOR);
    memcpy(out, MAGIC, 8);
    put64(out + 8, st->generation);
    out[16] = (uint8_t)st->active;
    out[17] = (uint8_t)st->trial;
    out[18] = (uint8_t)st->attempts;
    put64(out + 24, st->committed_seq);
    put64(out + 32, st->pending_seq);
    put64(out + 40, st->size[0]);
    put64(out + 48, st->size[1]);
    memcpy(out + 56, st->digest[0], 32);
    memcpy(out + 88, st->digest[1], 32);
    sg17_sha256(out + REC_BODY, out, REC_BODY);
}

static int rec_decode(const uint8_t in[SECTOR], sg17_suit_flash_state *st)
{
    uint8_t h[32];
    sg17_sha256(h, in, REC_BODY);
    if (memcmp(in, MAGIC, 8) != 0 || memcmp(h, in + REC_BODY, 32) != 0 || in[16] > 1 ||
        in[17] > 1)
        return SG17_E_FORMAT;
    st->generation = get64(in + 8);
    st->active = in[16];
    st->trial = in[17];
    st->attempts = in[18];
    st->committed_seq = get64(in + 24);
    st->pending_seq = get64(in + 32);
    st->size[0] = get64(in + 40);
    st->size[1] = get64(in + 48);
    memcpy(st->digest[0], in + 56, 32);
    memcpy(st->digest[1], in + 88, 32);
    return 0;
}

/* Write st as the next record (generation + 1) into the older sector. */
static int rec_write(sg17_suit_flash *f, sg17_suit_flash_state *st)
{
    uint8_t sec[SECTOR];
    sg17_suit_flash_state n = *st;
    n.generation = f->st.generation + 1;
    rec_encode(sec, &n);
    int rc = flash_write(f, f->fd_meta, (n.generation % 2) * SECTOR, sec, sizeof sec);
    if (rc == 0 && fsync(f->fd_meta) != 0)
        rc = SG17_E_IO;
    if (rc == 0)
        f->st = n;
    return rc;
}

static int rec_load(sg17_suit_flash *f)
{
    uint8_t sec[2][SECTOR];
    sg17_suit_flash_state s[2];
    int ok[2];
    for (int i = 0; i < 2; i++) {
        ok[i] = pread(f->fd_meta, sec[i], SECTOR, (off_t)i * SECTOR) == (ssize_t)SECTOR &&
                rec_decode(sec[i], &s[i]) == 0 && s[i].generation % 2 == (uint64_t)i;
    }
    if (!ok[0] && !ok[1])
        return SG17_E_FORMAT;
    f->st = !ok[1] || (ok[0] && s[0].generation > s[1].generation) ? s[0] : s[1];
    return 0;
}

static int slot_hash(sg17_suit_flash *f, int slot, uint64_t size, uint8_t out[32])
{
    uint8_t *b = malloc(PAGE);
    sg17_sha256_ctx c;
    int rc = 0;
    if (b == NULL)
        return SG17_E_NOMEM;
    sg17_sha256_init(&c);
    for (uint64_t off = 0; off < size && rc == 0; off += PAGE) {
        size_t n = size - off < PAGE ? (size_t)(size - off) : PAGE;
        if (pread(f->fd_slot[slot], b, n, (off_t)off) != (ssize_t)n)
            rc = SG17_E_IO;
        else
            sg17_sha256_update(&c, b, n);
        f->slot_read_bytes += n;
    }
    sg17_sha256_final(&c, out);
    free(b);
    return rc;
}

static int open_file(const char *dir, const char *name, int *fd)
{
    char p[4096];
    int w = snprintf(p, sizeof p, "%s/%s", dir, name);
    if (w < 0 || (size_t)w >= sizeof p)
        return SG17_E_INVAL;
    *fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    return *fd < 0 ? SG17_E_IO : 0;
}

static int slot_program(sg17_suit_flash *f, int slot, uint64_t off, const uint8_t *p, size_t n)
{
    if (off > f->slot_size || n > f->slot_size - off)
        return SG17_E_LIMIT;
    for (size_t done = 0; done < n;) {
        size_t chunk = n - done < PAGE ? n - done : PAGE;
        const uint8_t *src = p + done;
        uint8_t bad[PAGE];
        if (f->corrupt == 0 && chunk > 0) {
            /* test hook: this page lands with one bit flipped, silently */
            memcpy(bad, src, chunk);
            bad[chunk / 2] ^= 0x10;
            src = bad;
        }
        if (f->corrupt >= 0)
            f->corrupt--;
        int rc = flash_write(f, f->fd_slot[slot], off + done, src, chunk);
        if (rc != 0)
            return rc;
        done += chunk;
    }
    return 0;
}

int sg17_suit_flash_open(const char *dir, size_t slot_size, const uint8_t *factory,
                         size_t factory_len, uint64_t factory_seq, sg17_suit_flash **out)
{
    sg17_suit_flash *f;
    struct stat sb;
    int rc;
    if (dir == NULL || out == NULL || slot_size == 0 || (factory == NULL && factory_len > 0))
        return SG17_E_INVAL;
    *out = NULL;
    f = calloc(1, sizeof *f);
    if (f == NULL)
        return SG17_E_NOMEM;
    f->fd_slot[0] = f->fd_slot[1] = f->fd_meta = -1;
    f->slot_size = slot_size;
    f->budget = -1;
    f->booted = -1;
    f->corrupt = -1;
    rc = open_file(dir, "slot0.bin", &f->fd_slot[0]);
    if (rc == 0)
        rc = open_file(dir, "slot1.bin", &f->fd_slot[1]);
    if (rc == 0)
        rc = open_file(dir, "meta.bin", &f->fd_meta);
    if (rc == 0 && fstat(f->fd_meta, &sb) != 0)
        rc = SG17_E_IO;
    if (rc == 0 && sb.st_size == 0) {
        /* Factory provisioning: image into slot 0, then the first record. */
        sg17_suit_flash_state st;
        memset(&st, 0, sizeof st);
        if (factory_len > slot_size)
            rc = SG17_E_LIMIT;
        if (rc == 0)
            rc = slot_program(f, 0, 0, factory, factory_len);
        if (rc == 0 && fsync(f->fd_slot[0]) != 0)
            rc = SG17_E_IO;
        st.committed_seq = factory_seq;
        st.size[0] = factory_len;
        sg17_sha256(st.digest[0], factory, factory_len);
        if (rc == 0)
            rc = rec_write(f, &st);
    } else if (rc == 0) {
        rc = rec_load(f);
    }
    if (rc != 0) {
        sg17_suit_flash_close(f);
        return rc;
    }
    *out = f;
    return 0;
}

void sg17_suit_flash_close(sg17_suit_flash *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < 2; i++)
        if (f->fd_slot[i] >= 0)
            close(f->fd_slot[i]);
    if (f->fd_meta >= 0)
        close(f->fd_meta);
    free(f);
}

void sg17_suit_flash_cut_after(sg17_suit_flash *f, long n)
{
    f->budget = n < 0 ? -1 : n;
}

unsigned long sg17_suit_flash_writes(const sg17_suit_flash *f)
{
    return f->writes;
}

void sg17_suit_flash_corrupt_after(sg17_suit_flash *f, long n)
{
    f->corrupt = n < 0 ? -1 : n;
}

uint64_t sg17_suit_flash_slot_read_bytes(const sg17_suit_flash *f)
{
    return f->slot_read_bytes;
}

void sg17_suit_flash_state_get(const sg17_suit_flash *f, sg17_suit_flash_state *st)
{
    *st = f->st;
}

int sg17_suit_flash_install_begin(sg17_suit_flash *f)
{
    if (f->st.trial)
        return SG17_E_STATE;
    f->installing = 1;
    f->install_size = 0;
    sg17_sha256_init(&f->wh); /* a restarted write restarts the hash */
    f->wh_len = 0;
    f->wh_ok = 1;
    return 0;
}

int sg17_suit_flash_install_write(sg17_suit_flash *f, uint64_t off, const uint8_t *p, size_t n)
{
    if (!f->installing || (p == NULL && n > 0))
        return SG17_E_STATE;
    int rc = slot_program(f, 1 - f->st.active, off, p, n);
    if (rc == 0 && off + n > f->install_size)
        f->install_size = off + n;
    /* hash what was just programmed if it extends the covered prefix;
     * anything else (a gap, a rewrite, a failed write) loses the running hash */
    if (rc == 0 && f->wh_ok && off == f->wh_len) {
        sg17_sha256_update(&f->wh, p, n);
        f->wh_len += n;
    } else if (n > 0 || rc != 0) {
        f->wh_ok = 0;
    }
    return rc;
}

/* Digest of the install so far: the running hash if it covers every byte
 * written, else a read-back of the slot. */
static int install_digest(sg17_suit_flash *f, uint8_t out[32])
{
    if (f->wh_ok && f->wh_len == f->install_size) {
        sg17_sha256_ctx c = f->wh;
        sg17_sha256_final(&c, out);
        return 0;
    }
    return slot_hash(f, 1 - f->st.active, f->install_size, out);
}

int sg17_suit_flash_install_commit(sg17_suit_flash *f, uint64_t seq, const uint8_t *want)
{
    int target = 1 - f->st.active;
    uint8_t md[32];
    if (!f->installing)
        return SG17_E_STATE;
    if (seq <= f->st.committed_seq)
        return SG17_E_STATE; /* anti-rollback */
    if (fsync(f->fd_slot[target]) != 0)
        return SG17_E_IO;
    int rc = install_digest(f, md);
    if (rc != 0)
        return rc;
    if (want != NULL && memcmp(md, want, 32) != 0)
        return SG17_E_VERIFY;
    sg17_suit_flash_state st = f->st;
    st.trial = 1;
    st.attempts = 0;
    st.pending_seq = seq;
    st.size[target] = f->install_size;
    memcpy(st.digest[target], md, 32);
    rc = rec_write(f, &st);
    if (rc == 0)
        f->installing = 0;
    return rc;
}

static int slot_ok(sg17_suit_flash *f, int slot)
{
    uint8_t md[32];
    return f->st.size[slot] <= f->slot_size &&
           slot_hash(f, slot, f->st.size[slot], md) == 0 &&
           memcmp(md, f->st.digest[slot], 32) == 0;
}

int sg17_suit_flash_boot(sg17_suit_flash *f, int *slot, int *trial)
{
    int rc = 0;
    f->installing = 0;
    *trial = 0;
    if (f->st.trial) {
        sg17_suit_flash_state st = f->st;
        int target = 1 - st.active;
        if (st.attempts == 0 && slot_ok(f, target)) {
            st.attempts = 1; /* recorded before the trial runs: a crash now reverts */
            rc = rec_write(f, &st);
            if (rc != 0)
                return rc;
            f->booted = *slot = target;
            *trial = 1;
            return 0;
        }
        st.trial = 0; /* second boot without confirm, or the trial image is bad */
        st.attempts = 0;
        rc = rec_write(f, &st);
        if (rc != 0)
            return rc;
    }
    if (!slot_ok(f, f->st.active))
        return SG17_E_VERIFY;
    f->booted = *slot = f->st.active;
    return 0;
}

int sg17_suit_flash_confirm(sg17_suit_flash *f)
{
    if (!f->st.trial || f->st.attempts == 0 || f->booted != 1 - f->st.active)
        return SG17_E_STATE;
    sg17_suit_flash_state st = f->st;
    st.active = 1 - st.active;
    st.trial = 0;
    st.attempts = 0;
    st.committed_seq = st.pending_seq;
    return rec_write(f, &st);
}

int sg17_suit_flash_revert(sg17_suit_flash *f)
{
    if (!f->st.trial)
        return SG17_E_STATE;
    sg17_suit_flash_state st = f->st;
    st.trial = 0;
    st.attempts = 0;
    return rec_write(f, &st);
}

int sg17_suit_flash_read(sg17_suit_flash *f, int slot, sg17_buf *out)
{
    uint64_t size = f->installing && slot == 1 - f->st.active ? f->install_size
                                                              : f->st.size[slot & 1];
    if (slot < 0 || slot > 1 || size > f->slot_size)
        return SG17_E_INVAL;
    int rc = sg17_buf_reserve(out, (size_t)size);
    if (rc != 0)
        return rc;
    if (size > 0 && pread(f->fd_slot[slot], out->data + out->len, (size_t)size, 0) !=
                        (ssize_t)size)
        return SG17_E_IO;
    f->slot_read_bytes += size;
    out->len += (size_t)size;
    return 0;
}

/* ---- sg17_suit_ops glue ---------------------------------------------------- */

static int fo_slot_for_read(sg17_suit_flash *f)
{
    return f->installing ? 1 - f->st.active : (f->booted >= 0 ? f->booted : f->st.active);
}

static int fo_write(void *ctx, size_t comp, const uint8_t *d, size_t n)
{
    sg17_suit_flash *f = ctx;
    if (comp != 0)
        return SG17_E_UNSUPPORTED;
    int rc = sg17_suit_flash_install_begin(f);
    return rc != 0 ? rc : sg17_suit_flash_install_write(f, 0, d, n);
}

static int fo_read(void *ctx, size_t comp, sg17_buf *out)
{
    sg17_suit_flash *f = ctx;
    return comp != 0 ? SG17_E_UNSUPPORTED : sg17_suit_flash_read(f, fo_slot_for_read(f), out);
}

static int fo_digest(void *ctx, size_t comp, uint8_t out[32], uint64_t *size)
{
    sg17_suit_flash *f = ctx;
    if (comp != 0)
        return SG17_E_UNSUPPORTED;
    int s = fo_slot_for_read(f);
    *size = f->installing ? f->install_size : f->st.size[s];
    return f->installing ? install_digest(f, out) : slot_hash(f, s, *size, out);
}

static int fo_invoke(void *ctx, size_t comp, const uint8_t *a, size_t n)
{
    (void)ctx, (void)a, (void)n;
    return comp == 0 ? 0 : SG17_E_UNSUPPORTED;
}

void sg17_suit_flash_ops(sg17_suit_flash *f, sg17_suit_ops *ops)
{
    memset(ops, 0, sizeof *ops);
    ops->ctx = f;
    ops->write = fo_write;
    ops->read = fo_read;
    ops->digest = fo_digest;
    ops->invoke = fo_invoke;
}
