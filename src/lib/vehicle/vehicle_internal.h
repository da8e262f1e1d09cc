/*
 * Internal to src/lib/vehicle: the payload checksum model and the
 * identifier-transition model shared by training and detection (detect.c),
 * implemented in models.c. Not part of the public API.
 */
#ifndef SG17_VEHICLE_INTERNAL_H
#define SG17_VEHICLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Checksum algorithms a byte of a payload may be learned to follow. Each is
 * taken with a learned constant c (see veh_ck_value): XOR and CRC-8 are
 * affine over GF(2), so c absorbs any init value, final XOR and constant
 * prefix (a data id, the CAN id) of a fixed-length payload; SUM's c absorbs
 * an added constant (id and length bytes). */
enum {
    VEH_CK_NONE = 0,
    VEH_CK_XOR = 1,    /* c = d[b] ^ XOR of the other bytes */
    VEH_CK_SUM = 2,    /* c = d[b] - SUM of the other bytes (mod 256) */
    VEH_CK_CRC1D = 3,  /* c = d[b] ^ CRC-8 poly 0x1D (SAE J1850), init 0, other bytes in order */
    VEH_CK_CRC2F = 4,  /* c = d[b] ^ CRC-8 poly 0x2F (AUTOSAR CRC8H2F), init 0, other bytes */
    VEH_CK_NIBSUM = 5, /* low nibble of d[b]: c = (low - sum of the other nibbles) mod 16 */
    VEH_CK_NIBNEG = 6, /* low nibble of d[b]: c = (low + sum of the other nibbles) mod 16 */
    VEH_CK_N = 7
};

/** The constant c of algorithm alg for checksum byte b of a dlc-byte payload. */
uint8_t veh_ck_value(unsigned alg, const uint8_t *d, unsigned dlc, unsigned b);
/** "xor", "sum", "crc8-j1850", "crc8-h2f", "nibble-sum", "nibble-neg" ("" for none). */
const char *veh_ck_name(unsigned alg);

/* Identifier transitions: a fixed open-addressing set of (previous slot,
 * slot) pairs with saturating counts. */
#define VEH_TR_SIZE 16384u /* power of two */
#define VEH_TR_WIN  256u   /* frames per novelty window */

typedef struct veh_trans {
    uint32_t key[VEH_TR_SIZE]; /* 0 = empty, else (a << 11 | b) + 1 */
    uint16_t cnt[VEH_TR_SIZE];
    uint32_t n;
    uint8_t full; /* a pair could not be stored: the model is off */
} veh_trans;

/** Count a pair (training). */
void veh_trans_add(veh_trans *t, unsigned a, unsigned b);
/** Training count of a pair (0 = never seen). */
unsigned veh_trans_count(const veh_trans *t, unsigned a, unsigned b);
/** Restore a saved pair; SG17_E_FORMAT on a duplicate, SG17_E_LIMIT when full. */
int veh_trans_put(veh_trans *t, unsigned a, unsigned b, unsigned cnt);

/* Sliding count of novel transitions over the last VEH_TR_WIN frames. */
typedef struct veh_trwin {
    uint8_t bits[VEH_TR_WIN / 8];
    uint32_t pos, count;
} veh_trwin;

/** Push one frame's novelty (0/1); returns the count in the window. */
uint32_t veh_trwin_push(veh_trwin *w, int novel);

#endif
