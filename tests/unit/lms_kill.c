/*
 * Real crashes of a signer: a child process loads the HSS key file and signs
 * in a loop (sometimes reserving a range first), writing every released
 * signature to a pipe; the parent SIGKILLs it at a random moment, then starts
 * the next child on the same key file, until the key is exhausted. No
 * injected hooks: the kill lands anywhere (mid-write, mid-fsync, mid-rename,
 * mid-signature). Across all children every released (q0, q1) is unique and
 * every released signature verifies.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pqc/lms/lms_internal.h"
#include "sg17/lms.h"
#include "tap.h"

#define H       5
#define TOTAL   (1u << (2 * H))
#define MSG_LEN 16

static const sg17_hss_params params = {2,
                                       {SG17_LMS_SHA256_M24_H5, SG17_LMS_SHA256_M24_H5},
                                       {SG17_LMOTS_SHA256_N24_W2, SG17_LMOTS_SHA256_N24_W2}};

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Child: sign until killed or exhausted. Record = msg || sig. */
static _Noreturn void child(const char *path, int fd, uint64_t seed)
{
    sg17_hss_key *k;
    size_t cap = sg17_hss_signature_len(&params), sl;
    uint8_t *rec = malloc(MSG_LEN + cap);
    alarm(120); /* never outlive a stuck parent */
    if (rec == NULL || sg17_hss_key_load(&k, path) != 0)
        _exit(3);
    tap_rand_seed(seed);
    for (;;) {
        uint64_t r = tap_rand_u64();
        if (r % 3 == 0) {
            int rc = sg17_hss_reserve(k, 1 + (r >> 8) % 8);
            if (rc != 0 && rc != SG17_E_STATE)
                _exit(4);
        }
        tap_rand_bytes(rec, MSG_LEN);
        int rc = sg17_hss_sign(k, rec, MSG_LEN, rec + MSG_LEN, cap, &sl);
        if (rc == SG17_E_STATE)
            _exit(0); /* exhausted */
        if (rc != 0 || sl != cap || write_all(fd, rec, MSG_LEN + cap) != 0)
            _exit(5);
    }
}

int main(void)
{
    char dir[] = "/tmp/sg17_lms_kill_XXXXXX";
    if (mkdtemp(dir) == NULL)
        tap_skip_all("no temp dir");
    char path[256], lock[300];
    snprintf(path, sizeof path, "%s/hss.key", dir);
    snprintf(lock, sizeof lock, "%s.lock", path);
    uint8_t pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    size_t pk_len, cap = sg17_hss_signature_len(&params), rec_len = MSG_LEN + cap;
    if (tap_int_eq(sg17_hss_keygen(path, &params, NULL, 0, NULL, pk, sizeof pk, &pk_len), 0,
                   "keygen") == 0)
        return tap_done();
    size_t up_len = sg17_lms_signature_len(params.lms_type[0], params.ots_type[0]) + 24 + 24;
    uint8_t *used = calloc(TOTAL, 1), *rec = malloc(rec_len);
    unsigned released = 0, reuse = 0, bad = 0, kills = 0, clean_exit = 0, partial = 0;
    tap_rand_seed(77);
    /* 80 killed signers, then one that runs until the key is exhausted. */
    for (int round = 0; round <= 80; round++) {
        int fds[2];
        if (pipe(fds) != 0)
            break;
        uint64_t cseed = tap_rand_u64();
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            child(path, fds[1], cseed);
        }
        close(fds[1]);
        /* Let it run 0-40 ms, then kill it wherever it is. */
        struct timespec ts = {0, (long)(tap_rand_u64() % 40000000)};
        nanosleep(&ts, NULL);
        if (round < 80)
            kill(pid, SIGKILL);
        /* Read the complete records the child released before dying
         * (until EOF: the pipe must not fill up and block the last child). */
        for (;;) {
            size_t got = 0;
            while (got < rec_len) {
                ssize_t n = read(fds[0], rec + got, rec_len - got);
                if (n <= 0)
                    break;
                got += (size_t)n;
            }
            if (got < rec_len) {
                partial += got > 0;
                break;
            }
            released++;
            const uint8_t *sig = rec + MSG_LEN;
            uint32_t q0 = lms_strtou32(sig + 4), q1 = lms_strtou32(sig + 4 + up_len);
            uint32_t g = (q0 << H) | (q1 & ((1u << H) - 1));
            if (q0 >= (1u << H) || q1 >= (1u << H) || used[g])
                reuse++;
            else
                used[g] = 1;
            bad += sg17_hss_verify(pk, pk_len, rec, MSG_LEN, sig, cap) != 0;
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (WIFSIGNALED(st))
            kills++;
        else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            clean_exit++;
        else
            tap_ok(0, "child failed with status %d", st);
        close(fds[0]);
        if (clean_exit)
            break; /* the key is exhausted (possibly before the last round) */
    }
    tap_diag("%u children killed, %u signatures released (%u partial records dropped)", kills,
             released, partial);
    tap_ok(clean_exit == 1, "the key was used up to exhaustion");
    tap_ok(kills >= 40, "at least 40 signers killed (%u)", kills);
    tap_int_eq(reuse, 0, "no (q0, q1) released twice across killed signers");
    tap_int_eq(bad, 0, "every released signature verifies");
    tap_ok(released > TOTAL / 4, "%u of %u indices released", released, TOTAL);
    sg17_hss_key *k;
    tap_int_eq(sg17_hss_key_load(&k, path), 0, "reload after the last kill");
    tap_int_eq((long long)sg17_hss_key_remaining(k), 0, "nothing left");
    sg17_hss_key_free(k);
    free(used);
    free(rec);
    /* stray temps from killed writers, the key and its lock */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
