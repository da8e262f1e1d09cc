/*
 * The CAN profile's text file: sg17_can_profile_save / _load (format
 * "sg17-can-profile 8"; versions 2 to 7 still load), docs/VEHICLE.md section 2.
 */
#include <math.h> /* isfinite only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "vehicle_internal.h"

/* ---- save / load --------------------------------------------------------- */

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

int sg17_can_profile_save(const sg17_can_profile *p, const char *path)
{
    if (!p || !path || !p->finished)
        return SG17_E_INVAL;
    FILE *f = fopen(path, "w");
    if (!f)
        return SG17_E_IO;
    fprintf(f, "sg17-can-profile 8\nhas_time %d\nload_max %u\nobserved_s %.6f\ntr_thr %u\n",
            p->has_time > 0, p->load_max, p->observed_s, p->has_tr ? p->tr_thr : 0);
    for (size_t s = 0; s < p->n; s++) {
        const idprof *ip = &p->ids[s];
        fprintf(f, "id %x %u %llu %x %u %.9g %.9g %.9g %.9g %u %x ",
                (unsigned)(ip->key & 0x1fffffffu), (unsigned)(ip->key >> 31),
                (unsigned long long)ip->count, ip->lenmask, ip->periodic, ip->period, ip->min_gap,
                ip->max_gap, ip->tol, ip->rate_max, ip->ctrmask);
        put_hex(f, ip->minv, 8);
        fputc(' ', f);
        put_hex(f, ip->maxv, 8);
        fputc(' ', f);
        put_hex(f, ip->constmask, 64);
        fputc(' ', f);
        put_hex(f, ip->constval, 64);
        fprintf(f, " %u %u %u %x %x %llx %llx ", ip->ck_alg, ip->ck_byte, ip->ck_c, ip->ctr8,
                ip->ctr4, (unsigned long long)ip->rel_eq, (unsigned long long)ip->rel_not);
        put_hex(f, ip->fast, 8);
        fprintf(f, " %u %u %x %x\n", ip->iso_ok, ip->alt, ip->step_up, ip->step_dn);
    }
    for (size_t i = 0; p->has_tr && i < VEH_TR_SIZE; i++)
        if (p->trans.key[i])
            fprintf(f, "tr %u %u %u\n", (unsigned)((p->trans.key[i] - 1) >> 11),
                    (unsigned)((p->trans.key[i] - 1) & 2047u), p->trans.cnt[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return SG17_E_IO;
    return 0;
}

static int tok_u(char **s, int base, unsigned long long max, unsigned long long *v)
{
    char *e;
    while (**s == ' ')
        (*s)++;
    if (!**s || **s == '-')
        return -1;
    unsigned long long x = strtoull(*s, &e, base);
    if (e == *s || (*e != ' ' && *e != 0 && *e != '\n') || x > max)
        return -1;
    *s = e;
    *v = x;
    return 0;
}

static int tok_d(char **s, double *v)
{
    char *e;
    while (**s == ' ')
        (*s)++;
    double x = strtod(*s, &e);
    if (e == *s || (*e != ' ' && *e != 0 && *e != '\n') || !isfinite(x) || x < 0 || x > 1e9)
        return -1;
    *s = e;
    *v = x;
    return 0;
}

static int tok_hex(char **s, uint8_t *out, size_t n)
{
    while (**s == ' ')
        (*s)++;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = (*s)[0];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v << 4 | (unsigned)d;
            (*s)++;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

int sg17_can_profile_load(const char *path, sg17_can_profile **out)
{
    if (!path || !out)
        return SG17_E_INVAL;
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return SG17_E_IO;
    sg17_can_profile *p;
    int e = sg17_can_profile_new(&p);
    if (e) {
        fclose(f);
        return e;
    }
    free(p->tr);
    p->tr = NULL;
    char line[512];
    unsigned long lineno = 0;
    int version = 2;
    e = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line;
        unsigned long long v[7];
        double d[4];
        if (strchr(line, '\n') == NULL && !feof(f)) {
            e = SG17_E_FORMAT;
            break;
        }
        if (lineno == 1) {
            if (strcmp(line, "sg17-can-profile 8\n") == 0 ||
                strcmp(line, "sg17-can-profile 7\n") == 0 ||
                strcmp(line, "sg17-can-profile 6\n") == 0 ||
                strcmp(line, "sg17-can-profile 5\n") == 0 ||
                strcmp(line, "sg17-can-profile 4\n") == 0 ||
                strcmp(line, "sg17-can-profile 3\n") == 0) {
                version = line[17] - '0';
                p->has_tr = 1;
            } else if (strcmp(line, "sg17-can-profile 2\n") == 0) {
                p->observed_s = 1e9; /* version 2 had no span: never provisional */
            } else {
                e = SG17_E_FORMAT;
                break;
            }
            continue;
        }
        if (version >= 3 && strncmp(s, "observed_s ", 11) == 0) {
            s += 11;
            if (tok_d(&s, &d[0]) || (*s != '\n' && *s != 0)) {
                e = SG17_E_FORMAT;
                break;
            }
            p->observed_s = d[0];
            continue;
        }
        if (version >= 3 && strncmp(s, "tr_thr ", 7) == 0) {
            s += 7;
            if (tok_u(&s, 10, 0xffffffffu, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->tr_thr = (uint32_t)v[0];
            continue;
        }
        if (version >= 3 && strncmp(s, "tr ", 3) == 0) {
            s += 3;
            if (tok_u(&s, 10, 2047, &v[0]) || tok_u(&s, 10, 2047, &v[1]) ||
                tok_u(&s, 10, 0xffff, &v[2]) || v[0] >= p->n || v[1] >= p->n ||
                (e = veh_trans_put(&p->trans, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2])) !=
                    0) {
                if (!e)
                    e = SG17_E_FORMAT;
                break;
            }
            continue;
        }
        if (strncmp(s, "has_time ", 9) == 0) {
            s += 9;
            if (tok_u(&s, 10, 1, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->has_time = (int)v[0];
            continue;
        }
        if (strncmp(s, "load_max ", 9) == 0) {
            s += 9;
            if (tok_u(&s, 10, 0xffffffffu, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->load_max = (uint32_t)v[0];
            continue;
        }
        if (strncmp(s, "id ", 3) != 0) {
            e = SG17_E_FORMAT;
            break;
        }
        s += 3;
        if (tok_u(&s, 16, 0x1fffffff, &v[0]) || tok_u(&s, 10, 1, &v[1]) ||
            tok_u(&s, 10, ~0ull, &v[2]) || tok_u(&s, 16, 0xffff, &v[3]) ||
            tok_u(&s, 10, 2, &v[4]) || tok_d(&s, &d[0]) || tok_d(&s, &d[1]) || tok_d(&s, &d[2]) ||
            tok_d(&s, &d[3]) || tok_u(&s, 10, 0xffffffffu, &v[6]) || tok_u(&s, 16, 0xffff, &v[5])) {
            e = SG17_E_FORMAT;
            break;
        }
        uint32_t k = key_of((uint32_t)v[0], (uint8_t)v[1]);
        if (lookup(p, k) >= 0) {
            e = SG17_E_FORMAT;
            break;
        }
        int sl = insert(p, k);
        if (sl < 0) {
            e = sl;
            break;
        }
        idprof *ip = &p->ids[sl];
        ip->count = v[2];
        ip->lenmask = (uint16_t)v[3];
        ip->periodic = (uint8_t)v[4];
        ip->period = d[0];
        ip->min_gap = d[1];
        ip->max_gap = d[2];
        ip->tol = d[3];
        ip->ctrmask = (uint16_t)v[5];
        ip->rate_max = (uint32_t)v[6];
        for (unsigned i = 16; i-- > 0;)
            if (ip->lenmask >> i & 1) {
                ip->maxlen = len_codes[i];
                break;
            }
        if (tok_hex(&s, ip->minv, 8) || tok_hex(&s, ip->maxv, 8) ||
            tok_hex(&s, ip->constmask, 64) || tok_hex(&s, ip->constval, 64) ||
            (ip->periodic && !(ip->period > 0))) {
            e = SG17_E_FORMAT;
            break;
        }
        if (version >= 3) {
            if (tok_u(&s, 10, VEH_CK_N - 1, &v[0]) || tok_u(&s, 10, 7, &v[1]) ||
                tok_u(&s, 10, 255, &v[2]) || tok_u(&s, 16, 0xffff, &v[3]) ||
                tok_u(&s, 16, 0xffff, &v[4])) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->ctr8 = (uint16_t)v[3];
            ip->ctr4 = (uint16_t)v[4];
            ip->ck_alg = (uint8_t)v[0];
            ip->ck_byte = (uint8_t)v[1];
            ip->ck_c = (uint8_t)v[2];
        }
        if (version >= 4) {
            /* byte relations: bit 8a+b with a < b < 8 only */
            uint64_t pairs = 0;
            for (unsigned a = 0; a < 7; a++)
                for (unsigned b = a + 1; b < 8; b++)
                    pairs |= 1ull << (8 * a + b);
            if (tok_u(&s, 16, ~0ull, &v[0]) || tok_u(&s, 16, ~0ull, &v[1]) || (v[0] & ~pairs) ||
                (v[1] & ~pairs)) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->rel_eq = v[0];
            ip->rel_not = v[1];
        }
        if (version >= 5 && tok_hex(&s, ip->fast, 8)) {
            e = SG17_E_FORMAT;
            break;
        }
        /* version 6: the silence rule's own flag; before, it held where no
         * training gap was over ISO_K periods */
        ip->iso_ok = ip->max_gap <= ISO_K * ip->period;
        if (version >= 6) {
            if (tok_u(&s, 10, 1, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->iso_ok = (uint8_t)v[0];
        }
        if (version >= 7) { /* the alternating sender's flag */
            if (tok_u(&s, 10, 1, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->alt = (uint8_t)v[0];
        }
        if (version >= 8) { /* ramp nibbles (hamming_step) */
            if (tok_u(&s, 16, 0xffff, &v[0]) || tok_u(&s, 16, 0xffff, &v[1])) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->step_up = (uint16_t)v[0];
            ip->step_dn = (uint16_t)v[1];
        }
        if (*s != '\n' && *s != 0) {
            e = SG17_E_FORMAT;
            break;
        }
    }
    fclose(f);
    if (!e && (lineno < 3 || p->has_time < 0))
        e = SG17_E_FORMAT;
    if (e) {
        sg17_can_profile_free(p);
        return e;
    }
    p->finished = 1;
    p->pass = 2;
    *out = p;
    return 0;
}
