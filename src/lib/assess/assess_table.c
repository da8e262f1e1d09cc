/*
 * The algorithm table of the quantum-readiness assessment (X.1811 cl. 8,
 * docs/ASSESS.md): classical and quantum security per algorithm, verdict,
 * replacement and migration priority. Only names listed here are assessed;
 * anything else is reported as unknown.
 */
#include <stdio.h>
#include <string.h>

#include "sg17/assess.h"

enum kind {
    K_CIPHER, /* symmetric cipher, fixed key */
    K_MAC,    /* MAC, fixed or given key */
    K_KEY,    /* symmetric key material (K, KAUSF, ...), key_bits given */
    K_HASH,   /* hash function, fixed output */
    K_EC,     /* elliptic-curve DH / signature, fixed strength */
    K_RSA,    /* RSA, modulus given or fixed */
    K_FFDH,   /* finite-field DH, modulus given or fixed */
    K_PQ,     /* NIST PQC, category strength */
    K_HYBRID, /* classical + PQ key exchange */
    K_PROTO,  /* protocol version */
    K_NULL,   /* null algorithm: no protection */
};

typedef struct entry {
    const char *names; /* canonical first, then aliases, '|'-separated, normalised */
    enum kind kind;
    int bits; /* key/hash/strength bits if fixed; 0 = from key_bits */
    sg17_assess_use use;
    const char *kind_text;
    const char *replacement;
    const char *note;
} entry;

#define R_SYM256                                                                         \
    "256-bit algorithms once 3GPP specifies them (TR 33.841: AES-256, SNOW 5G, ZUC-256 " \
    "candidates)"
#define R_TLSKEX "X25519MLKEM768 hybrid group (TLS 1.3, draft-ietf-tls-ecdhe-mlkem)"
#define R_IKEKEX "ML-KEM-768 as additional IKEv2 key exchange (RFC 9370)"
#define R_SIG    "ML-DSA-65 (FIPS 204), or composite ML-DSA-65 + ECDSA/Ed25519 during transition"
#define R_SUCI                                                                                \
    "KEM-based SUCI: sg17 scheme 0xC (ML-KEM-768) or 0xD (X-Wing) (docs/SUCI.md) until 3GPP " \
    "assigns one"

/* clang-format off: one algorithm per line */
static const entry table[] = {
    /* 5G NAS/AS/UP algorithms (TS 33.501 Annex D) */
    {"128-NEA0|NEA0", K_NULL, 0, SG17_ASSESS_USE_ENCRYPTION, "null cipher",
     "128-NEA2 now; 256-bit later", "no confidentiality"},
    {"128-NIA0|NIA0", K_NULL, 0, SG17_ASSESS_USE_INTEGRITY, "null integrity",
     "128-NIA2 now; 256-bit later", "no integrity (allowed only for emergency calls)"},
    {"128-NEA1|NEA1", K_CIPHER, 128, SG17_ASSESS_USE_ENCRYPTION, "stream cipher (SNOW 3G)",
     R_SYM256, ""},
    {"128-NEA2|NEA2", K_CIPHER, 128, SG17_ASSESS_USE_ENCRYPTION, "block cipher (AES-128-CTR)",
     R_SYM256, ""},
    {"128-NEA3|NEA3", K_CIPHER, 128, SG17_ASSESS_USE_ENCRYPTION, "stream cipher (ZUC)", R_SYM256,
     ""},
    {"128-NIA1|NIA1", K_MAC, 128, SG17_ASSESS_USE_INTEGRITY, "MAC (SNOW 3G)", R_SYM256,
     "32-bit MAC-I per message"},
    {"128-NIA2|NIA2", K_MAC, 128, SG17_ASSESS_USE_INTEGRITY, "MAC (AES-128-CMAC)", R_SYM256,
     "32-bit MAC-I per message"},
    {"128-NIA3|NIA3", K_MAC, 128, SG17_ASSESS_USE_INTEGRITY, "MAC (ZUC)", R_SYM256,
     "32-bit MAC-I per message"},
    /* generic symmetric */
    {"AES-128|AES-128-CTR|AES-128-GCM|AES-128-CCM|AES-128-CBC", K_CIPHER, 128,
     SG17_ASSESS_USE_ENCRYPTION, "block cipher", "AES-256", ""},
    {"AES-192|AES-192-GCM|AES-192-CTR", K_CIPHER, 192, SG17_ASSESS_USE_ENCRYPTION, "block cipher",
     "AES-256", ""},
    {"AES-256|AES-256-CTR|AES-256-GCM|AES-256-CCM|AES-256-CBC", K_CIPHER, 256,
     SG17_ASSESS_USE_ENCRYPTION, "block cipher", "", ""},
    {"CHACHA20-POLY1305|CHACHA20", K_CIPHER, 256, SG17_ASSESS_USE_ENCRYPTION, "stream cipher", "",
     ""},
    {"ZUC-256", K_CIPHER, 256, SG17_ASSESS_USE_ENCRYPTION, "stream cipher", "",
     "not (yet) a 3GPP algorithm"},
    {"SNOW-V", K_CIPHER, 256, SG17_ASSESS_USE_ENCRYPTION, "stream cipher", "",
     "not (yet) a 3GPP algorithm"},
    {"3DES|DES-EDE3|TDEA", K_CIPHER, 112, SG17_ASSESS_USE_ENCRYPTION, "block cipher (64-bit block)",
     "AES-256", "64-bit block; withdrawn by NIST SP 800-131A r2"},
    {"DES", K_CIPHER, 56, SG17_ASSESS_USE_ENCRYPTION, "block cipher", "AES-256",
     "exhaustively searchable"},
    {"AES-CMAC|AES-128-CMAC|CMAC", K_MAC, 128, SG17_ASSESS_USE_INTEGRITY, "MAC",
     "AES-256-CMAC or HMAC-SHA-256 with a 256-bit key", ""},
    {"AES-256-CMAC", K_MAC, 256, SG17_ASSESS_USE_INTEGRITY, "MAC", "", ""},
    {"HMAC-SHA-256|HMAC-SHA256", K_MAC, 0, SG17_ASSESS_USE_INTEGRITY, "MAC", "a 256-bit key", ""},
    {"HMAC-SHA-384|HMAC-SHA384", K_MAC, 0, SG17_ASSESS_USE_INTEGRITY, "MAC", "a 256-bit key", ""},
    {"HMAC-SHA-512|HMAC-SHA512", K_MAC, 0, SG17_ASSESS_USE_INTEGRITY, "MAC", "a 256-bit key", ""},
    /* 5G-AKA functions and key material */
    {"MILENAGE", K_KEY, 128, SG17_ASSESS_USE_KEY, "AKA function set (K 128)",
     "TUAK with a 256-bit K (TS 35.231)", "K and OPc are 128-bit"},
    {"TUAK", K_KEY, 0, SG17_ASSESS_USE_KEY, "AKA function set (Keccak)", "a 256-bit K", ""},
    {"KDF-HMAC-SHA-256|TS33220-KDF|KDF", K_KEY, 0, SG17_ASSESS_USE_KEY,
     "key derivation (TS 33.220 Annex B)", "keep 256-bit keys end to end", ""},
    {"SYMMETRIC-KEY|KEY", K_KEY, 0, SG17_ASSESS_USE_KEY, "symmetric key", "256-bit keys", ""},
    /* hashes */
    {"SHA-1|SHA1", K_HASH, 160, SG17_ASSESS_USE_HASH, "hash", "SHA-256",
     "practical collisions since 2017 (SHAttered)"},
    {"SHA-224", K_HASH, 224, SG17_ASSESS_USE_HASH, "hash", "SHA-256 or SHA-384", ""},
    {"SHA-256|SHA256", K_HASH, 256, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"SHA-384|SHA384", K_HASH, 384, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"SHA-512|SHA512", K_HASH, 512, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"SHA3-256", K_HASH, 256, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"SHA3-384", K_HASH, 384, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"SHA3-512", K_HASH, 512, SG17_ASSESS_USE_HASH, "hash", "", ""},
    {"MD5", K_HASH, 128, SG17_ASSESS_USE_HASH, "hash", "SHA-256", "collisions in seconds"},
    /* SUCI (TS 33.501 Annex C) */
    {"SUCI-PROFILE-A|SUCI-A|ECIES-PROFILE-A", K_EC, 128, SG17_ASSESS_USE_KEY_EXCHANGE,
     "SUCI ECIES (X25519)", R_SUCI, "recorded SUCIs reveal SUPIs once a CRQC exists"},
    {"SUCI-PROFILE-B|SUCI-B|ECIES-PROFILE-B", K_EC, 128, SG17_ASSESS_USE_KEY_EXCHANGE,
     "SUCI ECIES (P-256)", R_SUCI, "recorded SUCIs reveal SUPIs once a CRQC exists"},
    {"SUCI-NULL|SUCI-NULL-SCHEME", K_NULL, 0, SG17_ASSESS_USE_ENCRYPTION, "SUCI null scheme",
     R_SUCI, "SUPI sent in clear"},
    {"SUCI-MLKEM768|SUCI-0XC", K_PQ, 192, SG17_ASSESS_USE_KEY_EXCHANGE,
     "SUCI KEM (ML-KEM-768, AES-256)", "", "sg17 HPLMN-proprietary scheme 0xC"},
    {"SUCI-XWING|SUCI-0XD", K_HYBRID, 192, SG17_ASSESS_USE_KEY_EXCHANGE,
     "SUCI hybrid KEM (X-Wing, AES-256)", "", "sg17 HPLMN-proprietary scheme 0xD"},
    /* elliptic curves */
    {"X25519|ECDHE-X25519|CURVE25519|IKEV2-GROUP-31", K_EC, 128, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (ECDH)", R_TLSKEX, ""},
    {"X448|ECDHE-X448|IKEV2-GROUP-32", K_EC, 224, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (ECDH)", R_TLSKEX, ""},
    {"ECDH-P256|ECDHE-P256|P-256|SECP256R1|PRIME256V1|ECP-256|IKEV2-GROUP-19", K_EC, 128,
     SG17_ASSESS_USE_KEY_EXCHANGE, "key exchange (ECDH)", R_TLSKEX, ""},
    {"ECDH-P384|ECDHE-P384|P-384|SECP384R1|ECP-384|IKEV2-GROUP-20", K_EC, 192,
     SG17_ASSESS_USE_KEY_EXCHANGE, "key exchange (ECDH)", R_TLSKEX, ""},
    {"ECDH-P521|ECDHE-P521|P-521|SECP521R1|ECP-521|IKEV2-GROUP-21", K_EC, 256,
     SG17_ASSESS_USE_KEY_EXCHANGE, "key exchange (ECDH)", R_TLSKEX, ""},
    {"ECDSA-P256|ES256|ECDSA-SHA256", K_EC, 128, SG17_ASSESS_USE_SIGNATURE, "signature (ECDSA)",
     R_SIG, ""},
    {"ECDSA-P384|ES384|ECDSA-SHA384", K_EC, 192, SG17_ASSESS_USE_SIGNATURE, "signature (ECDSA)",
     R_SIG, ""},
    {"ECDSA-P521|ES512", K_EC, 256, SG17_ASSESS_USE_SIGNATURE, "signature (ECDSA)", R_SIG, ""},
    {"ED25519|EDDSA", K_EC, 128, SG17_ASSESS_USE_SIGNATURE, "signature (EdDSA)", R_SIG, ""},
    {"ED448", K_EC, 224, SG17_ASSESS_USE_SIGNATURE, "signature (EdDSA)", R_SIG, ""},
    /* RSA and finite-field DH */
    {"RSA|RSA-PKCS1|RSA-PSS|RS256|RS384|RS512|PS256|PS384|PS512|SHA256WITHRSA", K_RSA, 0,
     SG17_ASSESS_USE_SIGNATURE, "RSA", R_SIG, ""},
    {"RSA-1024", K_RSA, 1024, SG17_ASSESS_USE_SIGNATURE, "RSA", R_SIG, ""},
    {"RSA-2048", K_RSA, 2048, SG17_ASSESS_USE_SIGNATURE, "RSA", R_SIG, ""},
    {"RSA-3072", K_RSA, 3072, SG17_ASSESS_USE_SIGNATURE, "RSA", R_SIG, ""},
    {"RSA-4096", K_RSA, 4096, SG17_ASSESS_USE_SIGNATURE, "RSA", R_SIG, ""},
    {"DH|FFDH|DHE|MODP", K_FFDH, 0, SG17_ASSESS_USE_KEY_EXCHANGE, "key exchange (finite-field DH)",
     R_IKEKEX, ""},
    {"MODP-768|IKEV2-GROUP-1", K_FFDH, 768, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    {"MODP-1024|IKEV2-GROUP-2", K_FFDH, 1024, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    {"MODP-1536|IKEV2-GROUP-5", K_FFDH, 1536, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    {"MODP-2048|FFDHE2048|IKEV2-GROUP-14", K_FFDH, 2048, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    {"MODP-3072|FFDHE3072|IKEV2-GROUP-15", K_FFDH, 3072, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    {"MODP-4096|FFDHE4096|IKEV2-GROUP-16", K_FFDH, 4096, SG17_ASSESS_USE_KEY_EXCHANGE,
     "key exchange (finite-field DH)", R_IKEKEX, ""},
    /* post-quantum (NIST category: 1/3/5 -> 128/192/256, 2 -> 128) */
    {"ML-KEM-512", K_PQ, 128, SG17_ASSESS_USE_KEY_EXCHANGE, "KEM (FIPS 203, category 1)",
     "ML-KEM-768", ""},
    {"ML-KEM-768|MLKEM768", K_PQ, 192, SG17_ASSESS_USE_KEY_EXCHANGE, "KEM (FIPS 203, category 3)",
     "", ""},
    {"ML-KEM-1024|MLKEM1024", K_PQ, 256, SG17_ASSESS_USE_KEY_EXCHANGE, "KEM (FIPS 203, category 5)",
     "", ""},
    {"X25519MLKEM768|SECP256R1MLKEM768|X-WING|XWING", K_HYBRID, 192, SG17_ASSESS_USE_KEY_EXCHANGE,
     "hybrid KEM (ECDH + ML-KEM-768)", "", ""},
    {"SECP384R1MLKEM1024", K_HYBRID, 256, SG17_ASSESS_USE_KEY_EXCHANGE,
     "hybrid KEM (ECDH + ML-KEM-1024)", "", ""},
    {"X25519KYBER768DRAFT00", K_HYBRID, 192, SG17_ASSESS_USE_KEY_EXCHANGE,
     "hybrid KEM (pre-standard Kyber)", "X25519MLKEM768",
     "pre-FIPS 203 draft code point, being withdrawn"},
    {"ML-DSA-44", K_PQ, 128, SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 204, category 2)",
     "ML-DSA-65", ""},
    {"ML-DSA-65", K_PQ, 192, SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 204, category 3)", "", ""},
    {"ML-DSA-87", K_PQ, 256, SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 204, category 5)", "", ""},
    {"ML-DSA-65+ED25519", K_HYBRID, 192, SG17_ASSESS_USE_SIGNATURE, "composite signature", "", ""},
    {"ML-DSA-65+ECDSA-P256", K_HYBRID, 192, SG17_ASSESS_USE_SIGNATURE, "composite signature", "",
     ""},
    {"SLH-DSA-128S|SLH-DSA-128F|SLH-DSA-SHA2-128S|SLH-DSA-SHA2-128F|SLH-DSA-SHAKE-128S|SLH-DSA-"
     "SHAKE-128F",
     K_PQ, 128, SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 205, category 1)", "", ""},
    {"SLH-DSA-192S|SLH-DSA-192F|SLH-DSA-SHA2-192S|SLH-DSA-SHA2-192F", K_PQ, 192,
     SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 205, category 3)", "", ""},
    {"SLH-DSA-256S|SLH-DSA-256F|SLH-DSA-SHA2-256S|SLH-DSA-SHA2-256F", K_PQ, 256,
     SG17_ASSESS_USE_SIGNATURE, "signature (FIPS 205, category 5)", "", ""},
    {"LMS-SHA256-N32|LMS|HSS|XMSS", K_PQ, 256, SG17_ASSESS_USE_SIGNATURE,
     "stateful hash-based signature (SP 800-208)", "", "state must never be reused"},
    {"LMS-SHA256-N24", K_PQ, 192, SG17_ASSESS_USE_SIGNATURE,
     "stateful hash-based signature (SP 800-208)", "", "state must never be reused"},
    /* protocol versions */
    {"TLS-1.3|TLS1.3|TLSV1.3|DTLS-1.3", K_PROTO, 0, SG17_ASSESS_USE_PROTOCOL, "protocol", "",
     "supports hybrid ML-KEM groups"},
    {"TLS-1.2|TLS1.2|TLSV1.2|DTLS-1.2", K_PROTO, 0, SG17_ASSESS_USE_PROTOCOL, "protocol", "TLS 1.3",
     "no standard PQ key exchange for TLS 1.2: TLS 1.3 is the prerequisite"},
    {"TLS-1.1|TLS1.1|TLS-1.0|TLS1.0|SSL-3.0|SSLV3", K_PROTO, 0, SG17_ASSESS_USE_PROTOCOL,
     "protocol", "TLS 1.3", "deprecated (RFC 8996)"},
    {"IKEV2", K_PROTO, 0, SG17_ASSESS_USE_PROTOCOL, "protocol", "",
     "RFC 9370 adds PQ key exchanges"},
    {"IKEV1", K_PROTO, 0, SG17_ASSESS_USE_PROTOCOL, "protocol", "IKEv2", "obsolete (RFC 9395)"},
    /* TLS 1.3 suites: the AEAD part */
    {"TLS-AES-128-GCM-SHA256|TLS-AES-128-CCM-SHA256", K_CIPHER, 128, SG17_ASSESS_USE_ENCRYPTION,
     "TLS 1.3 cipher suite", "TLS_AES_256_GCM_SHA384", ""},
    {"TLS-AES-256-GCM-SHA384", K_CIPHER, 256, SG17_ASSESS_USE_ENCRYPTION, "TLS 1.3 cipher suite",
     "", ""},
    {"TLS-CHACHA20-POLY1305-SHA256", K_CIPHER, 256, SG17_ASSESS_USE_ENCRYPTION,
     "TLS 1.3 cipher suite", "", ""},
    /* TLS 1.2 suites: the key exchange decides */
    {"TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256|TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256|TLS-ECDHE-"
     "ECDSA-WITH-AES-256-GCM-SHA384|TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384",
     K_EC, 128, SG17_ASSESS_USE_KEY_EXCHANGE, "TLS 1.2 cipher suite (ECDHE)",
     "TLS 1.3 with the X25519MLKEM768 hybrid group", "assessed by its key exchange"},
    {"TLS-RSA-WITH-AES-128-GCM-SHA256|TLS-RSA-WITH-AES-256-GCM-SHA384|TLS-RSA-WITH-AES-128-CBC-SHA",
     K_RSA, 2048, SG17_ASSESS_USE_KEY_EXCHANGE, "TLS 1.2 cipher suite (RSA key transport)",
     "TLS 1.3 with the X25519MLKEM768 hybrid group", "no forward secrecy; RSA-2048 assumed"},
};
/* clang-format on */
#define NTABLE (sizeof table / sizeof table[0])

/* Normalise: upper case, '_' and ' ' to '-'. Returns 0 if too long. */
static int norm(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i]; i++) {
        if (i + 1 >= cap)
            return 0;
        char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == '_' || c == ' ')
            c = '-';
        out[i] = c;
    }
    out[i] = '\0';
    return i > 0;
}

static const entry *find(const char *name, size_t *canon_len)
{
    char n[96];
    if (!norm(name, n, sizeof n))
        return NULL;
    size_t nl = strlen(n);
    for (size_t i = 0; i < NTABLE; i++) {
        const char *p = table[i].names;
        *canon_len = strcspn(p, "|");
        while (*p) {
            size_t l = strcspn(p, "|");
            if (l == nl && memcmp(p, n, l) == 0)
                return &table[i];
            p += l;
            if (*p == '|')
                p++;
        }
    }
    return NULL;
}

/* NIST SP 800-57 Pt 1 r5 Table 2 for RSA/FFDH modulus lengths; 4096 -> 140
 * is the usual interpolation (not in the table). */
static int modulus_bits(int n)
{
    if (n >= 15360)
        return 256;
    if (n >= 7680)
        return 192;
    if (n >= 4096)
        return 140;
    if (n >= 3072)
        return 128;
    if (n >= 2048)
        return 112;
    if (n >= 1024)
        return 80;
    return n >= 768 ? 64 : 0;
}

const char *sg17_assess_verdict_name(sg17_assess_verdict v)
{
    switch (v) {
    case SG17_ASSESS_WEAK: return "weak";
    case SG17_ASSESS_VULNERABLE: return "broken";
    case SG17_ASSESS_REDUCED: return "reduced";
    case SG17_ASSESS_RESISTANT: return "resistant";
    case SG17_ASSESS_INFO: return "protocol";
    default: return "unknown";
    }
}

static const char *const use_names[] = {"default",        "key-exchange", "encryption", "integrity",
                                        "authentication", "signature",    "hash",       "key",
                                        "protocol"};

const char *sg17_assess_use_name(sg17_assess_use u)
{
    return (unsigned)u < sizeof use_names / sizeof use_names[0] ? use_names[u] : "default";
}

int sg17_assess_use_from_name(const char *name, sg17_assess_use *u)
{
    if (!name || !u)
        return SG17_E_INVAL;
    for (size_t i = 0; i < sizeof use_names / sizeof use_names[0]; i++) {
        if (strcmp(name, use_names[i]) == 0) {
            *u = (sg17_assess_use)i;
            return 0;
        }
    }
    return SG17_E_FORMAT;
}

const char *sg17_assess_priority_name(int p)
{
    switch (p) {
    case 0: return "0 (fix now: classically weak)";
    case 1: return "1 (harvest-now-decrypt-later exposure)";
    case 2: return "2 (authentication: before a CRQC exists)";
    case 3: return "3 (256-bit for long-lived confidentiality)";
    case 4: return "4 (256-bit when convenient)";
    case 5: return "none";
    default: return "review (unknown)";
    }
}

static void unknown(sg17_assess_result *o, const char *why)
{
    o->verdict = SG17_ASSESS_UNKNOWN;
    o->classical_bits = o->quantum_bits = -1;
    o->attack = "n/a";
    o->priority = -1;
    o->replacement = "";
    o->note = why;
}

static int hndl_use(sg17_assess_use u)
{
    return u == SG17_ASSESS_USE_KEY_EXCHANGE || u == SG17_ASSESS_USE_ENCRYPTION ||
           u == SG17_ASSESS_USE_KEY;
}

/* Bits for the kinds that scale with a key length. */
static int bits_of(const entry *e, int key_bits, int *cl, int *qu, const char **attack)
{
    switch (e->kind) {
    case K_CIPHER:
    case K_MAC:
    case K_KEY:
        *cl = key_bits > 256 && e->kind == K_MAC ? 256 : key_bits;
        *qu = *cl / 2;
        *attack = "Grover";
        return 0;
    case K_HASH:
        /* collision n/2 classically; Grover preimage n/2 (BHT collision
         * n/3 queries is no better in realistic cost models). */
        *cl = key_bits / 2;
        *qu = key_bits / 2;
        *attack = "Grover";
        return 0;
    case K_EC:
        *cl = key_bits;
        *qu = 0;
        *attack = "Shor";
        return 0;
    case K_RSA:
    case K_FFDH:
        *cl = modulus_bits(key_bits);
        *qu = 0;
        *attack = "Shor";
        return 0;
    case K_PQ:
    case K_HYBRID:
        *cl = key_bits;
        *qu = key_bits / 2; /* as Grover on the category's AES key */
        *attack = "none known beyond Grover";
        return 0;
    case K_NULL:
        *cl = *qu = 0;
        *attack = "none needed";
        return 0;
    default:
        *cl = *qu = -1;
        *attack = "n/a";
        return 0;
    }
}

static int priority_of(const sg17_assess_result *o)
{
    switch (o->verdict) {
    case SG17_ASSESS_WEAK: return 0;
    case SG17_ASSESS_VULNERABLE: return o->hndl ? 1 : 2;
    case SG17_ASSESS_REDUCED: return o->hndl ? 3 : 4;
    case SG17_ASSESS_RESISTANT: return 5;
    case SG17_ASSESS_INFO: return o->replacement[0] ? 2 : 5;
    default: return -1;
    }
}

int sg17_assess_algorithm(const char *name, int key_bits, sg17_assess_use use,
                          sg17_assess_result *o)
{
    size_t canon_len = 0;
    if (!name || !o)
        return SG17_E_INVAL;
    memset(o, 0, sizeof *o);
    size_t nl = strnlen(name, sizeof o->algorithm - 1);
    memcpy(o->algorithm, name, nl);
    o->kind = "unknown";
    o->key_bits = key_bits > 0 ? key_bits : -1;
    o->use = use;
    const entry *e = find(name, &canon_len);
    if (!e) {
        unknown(o, "algorithm not in the assessment table (docs/ASSESS.md): not guessed");
        return 0;
    }
    if (canon_len < sizeof o->algorithm) {
        memcpy(o->algorithm, e->names, canon_len);
        o->algorithm[canon_len] = '\0';
    }
    o->kind = e->kind_text;
    if (use == SG17_ASSESS_USE_DEFAULT)
        o->use = e->use;
    int kb = e->bits;
    if (kb == 0 && e->kind != K_NULL && e->kind != K_PROTO) {
        if (key_bits <= 0) {
            unknown(o, "key length missing (key_bits) for a variable-size algorithm");
            return 0;
        }
        kb = key_bits;
    } else if (key_bits > 0 && kb > 0 && key_bits != kb && e->kind != K_PQ && e->kind != K_HYBRID &&
               e->kind != K_EC) {
        unknown(o, "key_bits contradicts the algorithm's fixed key length");
        return 0;
    }
    o->key_bits = kb > 0 ? kb : -1;
    if (e->bits == 0 && kb > 0) {
        /* variable-size algorithm: show the size with the name */
        size_t cl = strlen(o->algorithm);
        (void)snprintf(o->algorithm + cl, sizeof o->algorithm - cl, " (%d-bit)", kb);
    }
    o->hndl = hndl_use(o->use);
    o->replacement = e->replacement;
    o->note = e->note;
    if (e->kind == K_PROTO) {
        o->classical_bits = o->quantum_bits = -1;
        o->attack = "n/a";
        o->verdict = strstr(e->note, "deprecated") || strstr(e->note, "obsolete")
                         ? SG17_ASSESS_WEAK
                         : SG17_ASSESS_INFO;
        o->hndl = 0;
        o->priority = priority_of(o);
        return 0;
    }
    (void)bits_of(e, kb, &o->classical_bits, &o->quantum_bits, &o->attack);
    if (e->kind == K_NULL || o->classical_bits < 112 || strstr(e->note, "collision"))
        o->verdict = SG17_ASSESS_WEAK;
    else if (o->quantum_bits == 0)
        o->verdict = SG17_ASSESS_VULNERABLE;
    else if (o->quantum_bits >= 96)
        o->verdict = SG17_ASSESS_RESISTANT;
    else if (o->quantum_bits >= 64)
        o->verdict = SG17_ASSESS_REDUCED;
    else
        o->verdict = SG17_ASSESS_WEAK;
    if (o->verdict == SG17_ASSESS_RESISTANT)
        o->replacement = "";
    o->priority = priority_of(o);
    return 0;
}
