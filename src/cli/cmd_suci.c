/*
 * sg17 suci <command>: 5G SUCI concealment and the SIDF (TS 33.501 Annex C,
 * X.1811 cl. 7.2.1.1; docs/SUCI.md).
 *   keygen --profile A|B|mlkem768|xwing [--key-id N] -o KEY   KEY (0600) + KEY.pub
 *   conceal (--hn-pub KEY.pub | --null) --supi SUPI [--routing RI] [--key-id N]
 *           [--mnc-digits 2|3] [--form string|nai|ie]         prints the SUCI
 *   deconceal --hn-key KEY [--hn-key KEY...] [--no-null] [--json] SUCI   SUPI
 *           (exit 1 if it does not de-conceal)
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/suci.h"

static void suci_usage(FILE *f)
{
    fprintf(f, "usage: sg17 suci <command> [options]\n"
               "commands:\n"
               "  keygen --profile A|B|mlkem768|xwing [--key-id N] -o KEY\n"
               "         write KEY (private, 0600) and KEY.pub; key id 1..255 (default 1)\n"
               "  conceal (--hn-pub KEY.pub | --null) --supi imsi-DIGITS|nai-USER@REALM\n"
               "          [--routing RI] [--key-id N] [--mnc-digits 2|3] [--form string|nai|ie]\n"
               "         print a SUCI (string form for IMSI, NAI form for NAI; ie = hex of\n"
               "         the 5GS mobile identity value); routing default 0000, MNC 2 digits\n"
               "  deconceal --hn-key KEY [--hn-key KEY...] [--no-null] [--json] SUCI\n"
               "         SIDF: print the SUPI; SUCI in string or NAI form, or ie:HEX;\n"
               "         exit 1 if it does not de-conceal\n"
               "schemes: null 0x0, A 0x1 (X25519), B 0x2 (P-256), mlkem768 0xC, xwing 0xD\n");
}

enum {
    O_PROFILE = 1,
    O_KEYID,
    O_OUT,
    O_HNPUB,
    O_HNKEY,
    O_SUPI,
    O_ROUTING,
    O_MNC,
    O_FORM,
    O_NULL,
    O_NONULL,
    O_JSON,
    O_HELP
};

#define MAX_KEYS 16

typedef struct suci_opts {
    const char *profile, *out, *hn_pub, *supi, *routing, *form;
    const char *hn_key[MAX_KEYS];
    size_t n_keys;
    long key_id;
    unsigned mnc_digits;
    int null_scheme, no_null, json;
    const char *arg;
} suci_opts;

static int parse_long(const char *s, long lo, long hi, long *v)
{
    char *end = NULL;
    if (!s || !*s)
        return -1;
    long x = strtol(s, &end, 10);
    if (*end || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

static int parse_opts(int argc, char **argv, suci_opts *o, int max_args)
{
    static const struct option opts[] = {
        {"profile", required_argument, NULL, O_PROFILE},
        {"key-id", required_argument, NULL, O_KEYID},
        {"out", required_argument, NULL, O_OUT},
        {"hn-pub", required_argument, NULL, O_HNPUB},
        {"hn-key", required_argument, NULL, O_HNKEY},
        {"supi", required_argument, NULL, O_SUPI},
        {"routing", required_argument, NULL, O_ROUTING},
        {"mnc-digits", required_argument, NULL, O_MNC},
        {"form", required_argument, NULL, O_FORM},
        {"null", no_argument, NULL, O_NULL},
        {"no-null", no_argument, NULL, O_NONULL},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    long v;
    memset(o, 0, sizeof *o);
    o->key_id = -1;
    o->mnc_digits = 2;
    o->routing = "0000";
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_PROFILE: o->profile = optarg; break;
        case O_KEYID:
            if (parse_long(optarg, 1, 255, &o->key_id)) {
                fprintf(stderr, "sg17 suci: --key-id must be 1..255\n");
                return CLI_USAGE;
            }
            break;
        case 'o':
        case O_OUT: o->out = optarg; break;
        case O_HNPUB: o->hn_pub = optarg; break;
        case O_HNKEY:
            if (o->n_keys == MAX_KEYS) {
                fprintf(stderr, "sg17 suci: at most %d --hn-key options\n", MAX_KEYS);
                return CLI_USAGE;
            }
            o->hn_key[o->n_keys++] = optarg;
            break;
        case O_SUPI: o->supi = optarg; break;
        case O_ROUTING: o->routing = optarg; break;
        case O_MNC:
            if (parse_long(optarg, 2, 3, &v)) {
                fprintf(stderr, "sg17 suci: --mnc-digits must be 2 or 3\n");
                return CLI_USAGE;
            }
            o->mnc_digits = (unsigned)v;
            break;
        case O_FORM: o->form = optarg; break;
        case O_NULL: o->null_scheme = 1; break;
        case O_NONULL: o->no_null = 1; break;
        case O_JSON: o->json = 1; break;
        case 'h':
        case O_HELP: suci_usage(stdout); return -1;
        default: suci_usage(stderr); return CLI_USAGE;
        }
    }
    if (argc - optind > max_args) {
        fprintf(stderr, "sg17 suci: too many arguments\n");
        return CLI_USAGE;
    }
    if (optind < argc)
        o->arg = argv[optind];
    return 0;
}

static int lib_fail(const char *what, const char *path, int rc)
{
    fprintf(stderr, "sg17 suci: %s%s%s: %s\n", what, path ? " " : "", path ? path : "",
            sg17_strerror(rc));
    return CLI_FAIL;
}

static int suci_keygen(int argc, char **argv)
{
    suci_opts o;
    unsigned scheme = 0;
    sg17_suci_key *k = NULL;
    int rc = parse_opts(argc, argv, &o, 0);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.profile || !o.out) {
        fprintf(stderr, "sg17 suci keygen: --profile and -o KEY are required\n");
        return CLI_USAGE;
    }
    if (sg17_suci_scheme_from_name(o.profile, &scheme) || scheme == SG17_SUCI_SCHEME_NULL) {
        fprintf(stderr, "sg17 suci keygen: unknown profile '%s' (A, B, mlkem768, xwing)\n",
                o.profile);
        return CLI_USAGE;
    }
    rc = sg17_suci_key_generate(scheme, o.key_id < 0 ? 1u : (unsigned)o.key_id, &k);
    if (rc)
        return lib_fail("keygen failed", NULL, rc);
    rc = sg17_suci_key_save(k, o.out);
    sg17_suci_key_free(k);
    if (rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17 suci keygen: %s or %s.pub exists; refusing to overwrite\n", o.out,
                o.out);
        return CLI_FAIL;
    }
    return rc ? lib_fail("cannot write", o.out, rc) : CLI_OK;
}

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static int suci_conceal(int argc, char **argv)
{
    suci_opts o;
    sg17_suci_key *k = NULL, *k2 = NULL;
    sg17_supi supi;
    static sg17_suci s;
    static char text[SG17_SUCI_MAX_TEXT];
    int rc = parse_opts(argc, argv, &o, 0);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.supi || (!o.hn_pub == !o.null_scheme)) {
        fprintf(stderr, "sg17 suci conceal: --supi and one of --hn-pub KEY.pub / --null are "
                        "required\n");
        return CLI_USAGE;
    }
    if (sg17_supi_parse(o.supi, o.mnc_digits, &supi)) {
        fprintf(stderr,
                "sg17 suci conceal: --supi '%s': expected imsi-<5..15 digits> "
                "or nai-<user>@<realm>\n",
                o.supi);
        return CLI_USAGE;
    }
    if (o.hn_pub) {
        rc = sg17_suci_key_load(o.hn_pub, &k);
        if (rc)
            return lib_fail("cannot load key", o.hn_pub, rc);
        if (o.key_id > 0) {
            size_t n = 0;
            const uint8_t *p = sg17_suci_key_public(k, &n);
            rc =
                sg17_suci_key_import_public(sg17_suci_key_scheme(k), (unsigned)o.key_id, p, n, &k2);
            sg17_suci_key_free(k);
            k = k2;
            if (rc)
                return lib_fail("cannot use key", o.hn_pub, rc);
        }
    }
    rc = sg17_suci_conceal(k, &supi, o.routing, &s);
    sg17_suci_key_free(k);
    if (rc == SG17_E_FORMAT) {
        fprintf(stderr, "sg17 suci conceal: invalid SUPI or routing indicator (1..4 digits)\n");
        return CLI_USAGE;
    }
    if (rc)
        return lib_fail("conceal failed", NULL, rc);
    const char *form = o.form ? o.form : (supi.type == SG17_SUCI_SUPI_IMSI ? "string" : "nai");
    if (strcmp(form, "ie") == 0) {
        static uint8_t ie[SG17_SUCI_MAX_TEXT];
        size_t n = 0;
        rc = sg17_suci_encode_ie(&s, ie, sizeof ie, &n);
        if (rc)
            return lib_fail("encode failed", NULL, rc);
        print_hex(ie, n);
        return CLI_OK;
    }
    if (strcmp(form, "string") && strcmp(form, "nai")) {
        fprintf(stderr, "sg17 suci conceal: --form must be string, nai or ie\n");
        return CLI_USAGE;
    }
    rc = sg17_suci_format(&s, strcmp(form, "nai") == 0 ? SG17_SUCI_FORM_NAI : SG17_SUCI_FORM_STRING,
                          text, sizeof text, NULL);
    if (rc == SG17_E_FORMAT) {
        fprintf(stderr, "sg17 suci conceal: the string form exists for IMSI SUPIs only; "
                        "use --form nai\n");
        return CLI_USAGE;
    }
    if (rc)
        return lib_fail("format failed", NULL, rc);
    printf("%s\n", text);
    return CLI_OK;
}

static int parse_ie_hex(const char *h, sg17_suci *s)
{
    static uint8_t buf[SG17_SUCI_MAX_TEXT];
    size_t n = strlen(h);
    if (n % 2 || n / 2 > sizeof buf)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", h[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", h[2 * i + 1]))
            return SG17_E_FORMAT;
        buf[i] = (uint8_t)v;
    }
    return sg17_suci_decode_ie(buf, n / 2, s);
}

static int suci_deconceal(int argc, char **argv)
{
    suci_opts o;
    sg17_suci_keystore *ks = NULL;
    static sg17_suci s;
    sg17_supi supi;
    char out[SG17_SUCI_MAX_SUPI_TEXT];
    const char *reason = NULL;
    int rc = parse_opts(argc, argv, &o, 1);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.n_keys == 0 || !o.arg) {
        fprintf(stderr, "sg17 suci deconceal: --hn-key KEY and a SUCI are required\n");
        return CLI_USAGE;
    }
    rc = sg17_suci_keystore_new(&ks);
    if (rc)
        return lib_fail("key store", NULL, rc);
    sg17_suci_keystore_allow_null(ks, !o.no_null);
    for (size_t i = 0; i < o.n_keys; i++) {
        rc = sg17_suci_keystore_add_file(ks, o.hn_key[i]);
        if (rc) {
            sg17_suci_keystore_free(ks);
            if (rc == SG17_E_EXISTS) {
                fprintf(stderr, "sg17 suci deconceal: %s: key id already loaded\n", o.hn_key[i]);
                return CLI_USAGE;
            }
            return lib_fail("cannot load private key", o.hn_key[i], rc);
        }
    }
    if (strncmp(o.arg, "ie:", 3) == 0)
        rc = parse_ie_hex(o.arg + 3, &s);
    else
        rc = sg17_suci_parse(o.arg, strlen(o.arg), &s);
    if (rc == 0)
        rc = sg17_suci_deconceal(ks, &s, &supi, &reason);
    else
        reason = "SUCI is malformed";
    if (rc == 0)
        rc = sg17_supi_format(&supi, out, sizeof out);
    sg17_suci_keystore_free(ks);
    if (rc == SG17_E_FORMAT || rc == SG17_E_VERIFY) {
        const char *why = reason ? reason : sg17_strerror(rc);
        /* reasons are fixed ASCII texts without quotes: safe in JSON as is */
        if (o.json)
            printf("{\"error\":\"%s\"}\n", why);
        fprintf(stderr, "sg17 suci deconceal: %s\n", why);
        return CLI_NEGATIVE;
    }
    if (rc)
        return lib_fail("deconceal failed", NULL, rc);
    if (o.json) {
        /* SUPI text is digits or a NAI of printable ASCII without '"' or '\\' */
        printf("{\"supi\":\"");
        for (const char *p = out; *p; p++)
            printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
        printf("\"}\n");
    } else {
        printf("%s\n", out);
    }
    return CLI_OK;
}

int cmd_suci(int argc, char **argv)
{
    if (argc < 2) {
        suci_usage(stderr);
        return CLI_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        suci_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(c, "keygen") == 0)
        return suci_keygen(argc - 1, argv + 1);
    if (strcmp(c, "conceal") == 0)
        return suci_conceal(argc - 1, argv + 1);
    if (strcmp(c, "deconceal") == 0)
        return suci_deconceal(argc - 1, argv + 1);
    fprintf(stderr, "sg17 suci: unknown command '%s'\n", c);
    suci_usage(stderr);
    return CLI_USAGE;
}
