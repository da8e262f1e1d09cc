/* Internal to the STIX pattern engine (stix_pattern_*.c): tokens, AST, parser
 * state, observations and evaluation context, and the functions the files
 * share. STIX 2.1 Patterning (CS02 section 9). */
#ifndef SG17_STIX_PATTERN_INTERNAL_H
#define SG17_STIX_PATTERN_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <pcre2.h>

#include "sg17/stix.h"
#include "sg17/stix_pattern.h"

/* ---- tokens ---------------------------------------------------------------- */

typedef enum {
    T_EOF, T_IDENT, T_IDENT_H, T_STR, T_INT_POS, T_INT_NEG, T_FLOAT_POS, T_FLOAT_NEG, T_HEX,
    T_BIN, T_BOOL, T_TS, T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUPERSET,
    T_ISSUBSET, T_EXISTS, T_LAST, T_IN, T_START, T_STOP, T_SECONDS, T_WITHIN, T_REPEATS,
    T_TIMES, T_EQ, T_NEQ, T_LT, T_LE, T_GT, T_GE, T_COLON, T_DOT, T_COMMA, T_RPAREN, T_LPAREN,
    T_RBRACK, T_LBRACK, T_ASTERISK, T_OTHER
} tok_type;

typedef struct tok {
    tok_type t;
    size_t pos, len;
} tok;
typedef struct lexer {
    const char *s;
    size_t n;
    tok *toks;
    size_t nt, cap;
} lexer;
/* ---- AST ------------------------------------------------------------------ */

typedef enum { L_INT, L_FLOAT, L_STR, L_BOOL, L_BIN, L_TS, L_SET } lit_kind;

typedef struct lit {
    lit_kind k;
    int64_t i;
    double f;
    char *s; /* string / bytes (binary, hex) */
    size_t slen;
    int64_t ts_s;
    uint32_t ts_ns;
    struct lit *set;
    size_t nset;
} lit;

typedef enum { ST_KEY, ST_INDEX, ST_STAR } step_kind;

typedef struct step {
    step_kind k;
    char *key;
    long idx;
} step;

typedef enum {
    OP_EQ, OP_NEQ, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_LIKE, OP_MATCHES, OP_ISSUBSET,
    OP_ISSUPERSET, OP_EXISTS
} op_kind;

typedef enum {
    N_CMP_AND, N_CMP_OR, N_TEST, N_OBS, N_OBS_AND, N_OBS_OR, N_OBS_FB, N_WITHIN, N_REPEATS,
    N_STARTSTOP
} node_kind;

typedef struct node {
    node_kind k;
    struct node *a, *b;
    /* test */
    char *otype;
    step *steps;
    size_t nsteps;
    op_kind op;
    int neg;
    lit lv;
    pcre2_code *re;
    int re_bytes; /* regex compiled without UTF for binary values */
    pcre2_code *re_b;
    /* qualifiers */
    double within;
    long repeats;
    int64_t start_s, stop_s;
    uint32_t start_ns, stop_ns;
    int simple_qual; /* qualifier applied directly to a [..] chain */
    int nfc_done;    /* LIKE/MATCHES literal normalised to NFC */
    unsigned height; /* 1 for a leaf */
    char *optext;    /* operator as written, "NOT " prefixed when negated */
    char *littext;   /* literal (or set) as written */
    char *qtext;     /* qualifier as written, tokens joined by one space */
} node;

struct sg17_stix_pattern {
    node *root;
    char *text;
};

typedef struct parser {
    lexer L;
    size_t p;
    unsigned depth;
    char *err;
    size_t errlen;
    int failed;
    int nomem;
    int dupcheck; /* the validator's one-qualifier-per-type rule */
} parser;

/* The current token. */
static inline tok *stix_pat_cur(parser *P)
{
    return &P->L.toks[P->p];
}
/* Chains of one associative operator (a AND b AND c ...) are built as balanced
 * trees: the tree height, and so every recursive walk over it, grows with the
 * logarithm of the chain length; the total height is capped (AST_MAX_HEIGHT). */
#define AST_MAX_HEIGHT 1024U
/* ---- observations ------------------------------------------------------- */

typedef struct obs {
    const json_t *od;
    const char *id;
    int64_t fs, ls; /* first/last observed, seconds */
    uint32_t fns, lns;
    long number;
    const json_t **roots;
    size_t nroots;
    const json_t *scope; /* deprecated "objects" dict, or NULL */
} obs;

struct sg17_stix_observations {
    obs *o;
    size_t n, cap;
    json_t *ids; /* id -> object */
};
/* ---- evaluation: values ----------------------------------------------------- */

#define MAXVALS 4096

typedef struct vals {
    const json_t *v[MAXVALS];
    const char *key[MAXVALS]; /* last key on the way (binary hints) */
    size_t n;
} vals;

typedef struct ectx {
    const sg17_stix_observations *O;
    const obs *cur;
    int error;
    char *err;
    size_t errlen;
    vals *vb;
} ectx;
/* Comparison result over one observation: a bit per root, the single type tested
 * (or NULL when several types are involved). */
typedef struct cres {
    uint8_t *m;
    const char *type;
    int any;
} cres;

/* ---- functions shared between the pattern files --------------------------- */

/* stix_pattern_lex.c: tokenise L->s[0..n) into L->toks (ends with T_EOF). 0 or SG17_E_NOMEM. */
int stix_pat_lex(lexer *L);

/* stix_pattern_ast.c: parser support, AST release and literals. */

/* Record the first syntax error (ANTLR-style message with the token position). */
void stix_pat_perr(parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A zeroed node of kind k (NULL, with P->nomem set, when out of memory). */
node *stix_pat_nnew(parser *P, node_kind k);

/* Release a literal's buffers (and a set's members); a tree and its regexes. */
void stix_pat_lit_free(lit *l);

void stix_pat_node_free(node *n);

/* Copies of the pattern text [from, to) and of a token's text (NULL: out of memory). */
char *stix_pat_spandup(parser *P, size_t from, size_t to);

char *stix_pat_tokdup(parser *P, const tok *t);

/* Unescape a quoted string literal '...' (\\' and \\\\). */
char *stix_pat_unquote(parser *P, const tok *t, size_t *len);

/* Base64 (RFC 4648) of s[0..n) into a new buffer; 0, SG17_E_FORMAT or SG17_E_NOMEM. */
int stix_pat_b64_decode(const char *s, size_t n, char **out, size_t *olen);

/* Value of a hex digit, -1 if c is none. */
int stix_pat_hexv(int c);

/* The literal at the current token into l; 0 or -1 (error recorded with stix_pat_perr). */
int stix_pat_parse_literal(parser *P, lit *l, int allow_bool);

/* stix_pattern_parse.c: UTF-8 check, lex and parse a whole pattern into *out. */
int stix_pat_do_parse(const char *pattern, node **out, char *err, size_t errlen, int dupcheck);

/* stix_pattern_sem.c: NFC and regex compilation. */
/* NFC of UTF-8 text into a new buffer; ASCII is returned as a copy. NULL on
 * invalid UTF-8 or allocation failure. */
char *stix_pat_nfc_dup(const char *s, size_t n, size_t *olen);

/* NFC of LIKE/MATCHES literals and PCRE2 compilation of MATCHES; 0 or an SG17_E_* code. */
int stix_pat_compile_regexes(node *n, unsigned depth, char *err, size_t errlen);

/* stix_pattern_cmp.c: evaluate a comparison expression over the current observation. */
int stix_pat_eval_cmp(ectx *E, const node *n, cres *r, unsigned depth);

#endif
