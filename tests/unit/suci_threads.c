/*
 * The SIDF from several threads at once (as sg17d's thread pool calls it):
 * one read-only key store with four keys, valid and tampered SUCIs of every
 * profile de-concealed concurrently; every thread must get exactly the
 * single-threaded answers (SUPI or SG17_E_VERIFY).
 */
#include <pthread.h>
#include <string.h>

#include "sg17/suci.h"
#include "tap.h"

#define NS      4
#define PER     6
#define THREADS 4
#define ROUNDS  15

static sg17_suci_keystore *ks;
static sg17_suci sucis[NS * PER];
static int want_rc[NS * PER];
static sg17_supi supi;

static void *worker(void *arg)
{
    long bad = 0;
    size_t off = (size_t)(long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t j = 0; j < NS * PER; j++) {
            size_t i = (j + off * 5) % (NS * PER);
            sg17_supi got;
            const char *reason = NULL;
            int rc = sg17_suci_deconceal(ks, &sucis[i], &got, &reason);
            if (rc != want_rc[i] || (rc == 0 && memcmp(&got, &supi, sizeof got) != 0))
                bad++;
        }
    }
    return (void *)bad;
}

int main(void)
{
    static const unsigned schemes[NS] = {SG17_SUCI_SCHEME_PROFILE_A, SG17_SUCI_SCHEME_PROFILE_B,
                                         SG17_SUCI_SCHEME_MLKEM768, SG17_SUCI_SCHEME_XWING};
    pthread_t th[THREADS];
    tap_int_eq(sg17_suci_keystore_new(&ks), 0, "store");
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &supi), 0, "supi");
    for (size_t k = 0; k < NS; k++) {
        sg17_suci_key *key = NULL;
        tap_int_eq(sg17_suci_key_generate(schemes[k], (unsigned)(k + 1), &key), 0, "key");
        for (size_t i = 0; i < PER; i++) {
            sg17_suci *s = &sucis[k * PER + i];
            tap_int_eq(sg17_suci_conceal(key, &supi, "0", s), 0, "conceal");
            want_rc[k * PER + i] = 0;
            if (i % 3 == 2) { /* every third one tampered */
                s->output[s->output_len - 2] ^= 0x80;
                want_rc[k * PER + i] = SG17_E_VERIFY;
            }
        }
        tap_int_eq(sg17_suci_keystore_add(ks, key), 0, "add");
    }
    for (long t = 0; t < THREADS; t++)
        tap_int_eq(pthread_create(&th[t], NULL, worker, (void *)t), 0, "thread");
    long bad = 0;
    for (int t = 0; t < THREADS; t++) {
        void *res = NULL;
        tap_int_eq(pthread_join(th[t], &res), 0, "join");
        bad += (long)res;
    }
    tap_int_eq(bad, 0, "every concurrent de-concealment gave the expected answer");
    sg17_suci_keystore_free(ks);
    return tap_done();
}
