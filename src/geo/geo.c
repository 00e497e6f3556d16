/*
 * geo: the gazetteer of Kemendagri region codes and the one definition of a place name.
 *
 * Layout of a loaded gazetteer (everything in one process-lifetime arena, read-only after
 * geo_load, so lookups need no locks):
 * - regions[]: all regions, provinces first, then regencies, districts, villages; each level
 *   sorted by code (the CSVs must be sorted, which load checks). So an index into regions[]
 *   orders by (level, code), the tie-break geo_find uses, and a level/code-prefix is a range.
 * - words[]: one entry per word start of every normalized name, sorted by the rest of the name
 *   from that word. An exact or prefix match is an entry at word 0 found by binary search; a
 *   whole-word containment is an entry at a later word. Search cost is log(n) + matches.
 * - aliases[]: normalized short names (data/geo/region-aliases.csv), matched exactly.
 *
 * Everything is in one file because the normalizer's prefix detection is shared by loading and
 * searching, and geo.h has no place for a private helper.
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "geo/geo.h"

/* ---- normalization ------------------------------------------------------------------- */

/* Administrative prefix words stripped from the front of a name (after normalization, so
 * "Kab." is "kab"). The id says what kind of region the prefix announces. */
enum geo_prefix {
    PFX_NONE = 0,
    PFX_PROVINSI,
    PFX_KABUPATEN,
    PFX_KOTA,
    PFX_KECAMATAN,
    PFX_DESA,
    PFX_KELURAHAN
};

static const struct {
    const char *word;
    enum geo_prefix id;
} prefix_words[] = {
    {"provinsi", PFX_PROVINSI},   {"prov", PFX_PROVINSI}, {"kabupaten", PFX_KABUPATEN},
    {"kab", PFX_KABUPATEN},       {"kota", PFX_KOTA},     {"kecamatan", PFX_KECAMATAN},
    {"kec", PFX_KECAMATAN},       {"desa", PFX_DESA},     {"ds", PFX_DESA},
    {"kelurahan", PFX_KELURAHAN}, {"kel", PFX_KELURAHAN},
};

#define WORD_MAX 16 /* longer than any prefix word */

static enum geo_prefix prefix_lookup(const char *w, size_t n)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(prefix_words); i++)
        if (strlen(prefix_words[i].word) == n && memcmp(prefix_words[i].word, w, n) == 0)
            return prefix_words[i].id;
    return PFX_NONE;
}

enum { TOK_END, TOK_CHAR, TOK_SEP };
enum { CC_KEEP, CC_DROP, CC_DOT, CC_SEP };

#define TOK_QMAX 32 /* longest decomposition in Unicode is 18 code points */

/* Character stream of a name after NFKD, case folding, accent stripping and lumping of
 * punctuation variants. Yields kept characters (letters, digits) and word separators. */
struct tok {
    const unsigned char *p, *end;
    utf8proc_int32_t q[TOK_QMAX];
    utf8proc_ssize_t qn, qi;
    size_t run; /* characters since the last separator or dot */
};

static void tok_init(struct tok *t, const char *in, size_t inlen)
{
    t->p = (const unsigned char *)in;
    t->end = t->p + (in ? inlen : 0);
    t->qn = t->qi = 0;
    t->run = 0;
}

static int char_class(utf8proc_int32_t c)
{
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            return CC_KEEP;
        if (c == '\'' || c == '"' || c == '`') /* Ra'as, Jum'at: one word */
            return CC_DROP;
        return c == '.' ? CC_DOT : CC_SEP;
    }
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CC_KEEP;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_PI: /* quotation marks */
    case UTF8PROC_CATEGORY_PF:
        return CC_DROP;
    default:
        return CC_SEP;
    }
}

#define NORM_OPTS                                                                                  \
    (UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |               \
     UTF8PROC_IGNORE | UTF8PROC_LUMP)

static int tok_next(struct tok *t, utf8proc_int32_t *cp)
{
    for (;;) {
        if (t->qi < t->qn) {
            utf8proc_int32_t c = t->q[t->qi++];
            switch (char_class(c)) {
            case CC_KEEP:
                t->run++;
                *cp = c;
                return TOK_CHAR;
            case CC_DROP:
                continue;
            case CC_DOT:
                /* A dot after a single letter joins initials ("D.I." -> "di"); after a
                 * longer word it ends an abbreviation ("Kab.Bandung" -> "kab bandung"). */
                if (t->run == 1) {
                    t->run = 0;
                    continue;
                }
                t->run = 0;
                return TOK_SEP;
            default:
                t->run = 0;
                return TOK_SEP;
            }
        }
        if (t->p >= t->end)
            return TOK_END;
        t->qi = 0;
        if (*t->p < 0x80) { /* fast path: NFKD and case folding of ASCII is tolower */
            utf8proc_int32_t c = *t->p++;
            t->q[0] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
            t->qn = 1;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(t->p, t->end - t->p, &c);
        if (n < 1) { /* invalid UTF-8: drop one byte */
            t->p++;
            t->qn = 0;
            continue;
        }
        t->p += n;
        int boundclass = 0;
        n = utf8proc_decompose_char(c, t->q, TOK_QMAX, NORM_OPTS, &boundclass);
        if (n < 0 || n > TOK_QMAX) {
            t->q[0] = ' ';
            n = 1;
        }
        t->qn = n;
    }
}

static size_t utf8_encode(utf8proc_int32_t c, char *s)
{
    if (c < 0x80) {
        s[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    s[0] = (char)(0xF0 | (c >> 18));
    s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    s[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Next word into w (truncated at WORD_MAX bytes, *whole false then); false at the end. */
static bool tok_word(struct tok *t, char *w, size_t *wlen, bool *whole)
{
    utf8proc_int32_t c;
    int k;
    *wlen = 0;
    *whole = true;
    while ((k = tok_next(t, &c)) != TOK_END) {
        if (k == TOK_SEP) {
            if (*wlen || !*whole)
                return true;
            continue;
        }
        char enc[4];
        size_t n = utf8_encode(c, enc);
        if (*wlen + n <= WORD_MAX) {
            memcpy(w + *wlen, enc, n);
            *wlen += n;
        } else {
            *whole = false;
        }
    }
    return *wlen || !*whole;
}

/*
 * The normalizer with one more result: which prefix was stripped (the first one when there
 * were several). Leading prefix words are all stripped, except when nothing would remain: then
 * the last one is the name ("Kota" stays "kota"). Stripping repeatedly keeps the function
 * idempotent ("Kabupaten Kota Baru" -> "baru", not "kota baru").
 */
static size_t normalize(const char *in, size_t inlen, char *out, size_t outsz,
                        enum geo_prefix *stripped)
{
    struct tok t;
    char w[WORD_MAX];
    size_t wlen, nprefix = 0;
    bool whole, more = false;
    enum geo_prefix first = PFX_NONE;

    if (stripped)
        *stripped = PFX_NONE;
    if (!out || !outsz)
        return 0;
    out[0] = '\0';

    /* Pass 1: how many leading words are prefix words, and is there a word after them. */
    tok_init(&t, in, inlen);
    while (tok_word(&t, w, &wlen, &whole)) {
        enum geo_prefix p = whole ? prefix_lookup(w, wlen) : PFX_NONE;
        if (p == PFX_NONE) {
            more = true;
            break;
        }
        if (!nprefix)
            first = p;
        nprefix++;
    }
    size_t skip = more ? nprefix : (nprefix ? nprefix - 1 : 0);
    if (stripped && skip)
        *stripped = first;

    /* Pass 2: emit the words after the skipped ones, single-spaced, truncated at a character
     * boundary (never a trailing space). */
    tok_init(&t, in, inlen);
    size_t len = 0, words = 0;
    bool in_word = false, space = false;
    utf8proc_int32_t c;
    int k;
    while ((k = tok_next(&t, &c)) != TOK_END) {
        if (k == TOK_SEP) {
            if (in_word) {
                in_word = false;
                if (words > skip)
                    space = true;
            }
            continue;
        }
        if (!in_word) {
            in_word = true;
            words++;
        }
        if (words <= skip)
            continue;
        char enc[4];
        size_t n = utf8_encode(c, enc);
        if (len + n + (space ? 1 : 0) > outsz - 1)
            break;
        if (space) {
            out[len++] = ' ';
            space = false;
        }
        memcpy(out + len, enc, n);
        len += n;
    }
    out[len] = '\0';
    return len;
}

size_t geo_normalize_name(const char *in, size_t inlen, char *out, size_t outsz)
{
    return normalize(in, inlen, out, outsz, NULL);
}

/* ---- small things ---------------------------------------------------------------------- */

static const char *const level_names[] = {NULL, "province", "regency", "district", "village"};

const char *geo_level_name(enum geo_level level)
{
    return level >= GEO_PROVINCE && level <= GEO_VILLAGE ? level_names[level] : "unknown";
}

enum geo_level geo_parse_level(const char *s)
{
    static const struct {
        const char *name;
        enum geo_level level;
    } names[] = {
        {"province", GEO_PROVINCE},  {"regency", GEO_REGENCY},   {"district", GEO_DISTRICT},
        {"village", GEO_VILLAGE},    {"provinsi", GEO_PROVINCE}, {"kabkota", GEO_REGENCY},
        {"kecamatan", GEO_DISTRICT}, {"desa", GEO_VILLAGE},      {"kelurahan", GEO_VILLAGE},
    };
    if (!s)
        return 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(names); i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].level;
    return 0;
}

/* Level of a code by its shape ("32" 1, "32.73" 2, "32.73.01" 3, "32.73.01.1001" 4), 0 when
 * it has none. */
static enum geo_level code_level(const char *code)
{
    static const size_t width[] = {2, 2, 2, 4};
    if (!code)
        return 0;
    const char *p = code;
    for (size_t seg = 0; seg < WSP_ARRAY_LEN(width); seg++) {
        for (size_t i = 0; i < width[seg]; i++, p++)
            if (*p < '0' || *p > '9')
                return 0;
        if (*p == '\0')
            return (enum geo_level)(seg + 1);
        if (*p++ != '.')
            return 0;
    }
    return 0;
}

bool geo_code_valid(const char *code)
{
    return code_level(code) != 0;
}

const struct geo_region *geo_ancestor(const struct geo_region *r, enum geo_level level)
{
    if (level < GEO_PROVINCE || level > GEO_VILLAGE)
        return NULL;
    while (r && r->level > level)
        r = r->parent;
    return r && r->level == level ? r : NULL;
}

/* Append s to out, cutting at a UTF-8 character boundary; false once out is full. */
static bool append_cut(char *out, size_t outsz, size_t *len, const char *s)
{
    size_t n = strlen(s), room = outsz - 1 - *len;
    bool fits = n <= room;
    if (!fits) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return fits;
}

void geo_format_chain(const struct geo_region *r, char *out, size_t outsz)
{
    size_t len = 0;
    if (!out || !outsz)
        return;
    out[0] = '\0';
    for (const struct geo_region *p = r; p; p = p->parent)
        if ((p != r && !append_cut(out, outsz, &len, ", ")) ||
            !append_cut(out, outsz, &len, p->name))
            break;
}

/* ---- the gazetteer --------------------------------------------------------------------- */

struct geo_word {
    const char *suffix; /* the normalized name from this word on */
    uint32_t region;    /* index into regions[] */
    uint32_t pos;       /* byte offset of the word in the name; 0 = the whole name */
};

struct geo_alias {
    const char *norm;
    uint32_t region;
};

struct geo_gazetteer {
    struct arena arena;
    struct geo_region *regions;
    size_t n, cap;
    size_t off[5];   /* level L is regions[off[L-1], off[L]) */
    uint8_t *prefix; /* per region: enum geo_prefix stripped from its official name */
    struct geo_word *words;
    size_t nwords;
    struct geo_alias *aliases;
    size_t naliases, alias_cap;
    struct geo_foreign *foreign;
    size_t nforeign, foreign_cap;
};

void geo_free(struct geo_gazetteer *g)
{
    if (!g)
        return;
    free(g->foreign);
    arena_release(&g->arena);
    free(g);
}

size_t geo_count(const struct geo_gazetteer *g, enum geo_level level)
{
    if (!g)
        return 0;
    if (level == 0)
        return g->n;
    if (level < GEO_PROVINCE || level > GEO_VILLAGE)
        return 0;
    return g->off[level] - g->off[level - 1];
}

const struct geo_region *geo_at(const struct geo_gazetteer *g, enum geo_level level, size_t i)
{
    if (!g || (int)level < 0 || level > GEO_VILLAGE)
        return NULL;
    size_t lo = level ? g->off[level - 1] : 0, hi = level ? g->off[level] : g->n;
    return i < hi - lo ? &g->regions[lo + i] : NULL;
}

/* First index in [lo, hi) whose code is >= key. */
static size_t code_lower_bound(const struct geo_gazetteer *g, size_t lo, size_t hi, const char *key)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->regions[mid].code, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct geo_region *find_code(const struct geo_gazetteer *g, enum geo_level level,
                                          const char *code)
{
    size_t hi = g->off[level];
    size_t i = code_lower_bound(g, g->off[level - 1], hi, code);
    return i < hi && strcmp(g->regions[i].code, code) == 0 ? &g->regions[i] : NULL;
}

const struct geo_region *geo_get(const struct geo_gazetteer *g, const char *code)
{
    enum geo_level level = code_level(code);
    return g && level ? find_code(g, level, code) : NULL;
}

/* ---- loading --------------------------------------------------------------------------- */

#define FIELD_MAX 256
#define NAME_NORM_MAX 256

struct loader {
    struct geo_gazetteer *g;
    struct error *err;
    const char *file;
    enum geo_level level; /* level being loaded; 0 for the alias file */
    const char *const *header;
    size_t nheader;
    size_t line; /* record number; the header is line 1 */
    size_t nf;
    bool too_long;
    char f[3][FIELD_MAX];
    size_t flen[3];
    int rc;
};

static const char *const header_province[] = {"code", "name"};
static const char *const header_regency[] = {"code", "province_code", "name"};
static const char *const header_district[] = {"code", "regency_code", "name"};
static const char *const header_village[] = {"code", "district_code", "name"};
static const char *const header_alias[] = {"code", "alias"};

static void on_field(void *data, size_t len, void *ctx)
{
    struct loader *ld = ctx;
    if (ld->nf < WSP_ARRAY_LEN(ld->f)) {
        if (len < FIELD_MAX) {
            memcpy(ld->f[ld->nf], data, len);
            ld->f[ld->nf][len] = '\0';
            ld->flen[ld->nf] = len;
        } else {
            ld->too_long = true;
        }
    }
    ld->nf++;
}

static int load_row(struct loader *ld);

static void on_row(int c, void *ctx)
{
    struct loader *ld = ctx;
    WSP_UNUSED(c);
    ld->line++;
    if (!ld->rc)
        ld->rc = load_row(ld);
    ld->nf = 0;
    ld->too_long = false;
}

static int load_error(struct loader *ld, const char *fmt, ...) WSP_PRINTF(2, 3);
static int load_error(struct loader *ld, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return error_set(ld->err, WSP_EINVAL, "%s line %zu: %s", ld->file, ld->line, msg);
}

static int check_name(struct loader *ld, const char *name, size_t len)
{
    if (!len)
        return load_error(ld, "empty name");
    if (!utf8_valid(name, len))
        return load_error(ld, "name is not valid UTF-8");
    return 0;
}

static int add_region(struct loader *ld)
{
    struct geo_gazetteer *g = ld->g;
    enum geo_level level = ld->level;
    const char *code = ld->f[0];
    const char *name = ld->f[level == GEO_PROVINCE ? 1 : 2];
    size_t namelen = ld->flen[level == GEO_PROVINCE ? 1 : 2];

    if (code_level(code) != level)
        return load_error(ld, "bad %s code '%s'", geo_level_name(level), code);
    if (g->n > g->off[level - 1] && strcmp(g->regions[g->n - 1].code, code) >= 0)
        return load_error(ld, "code '%s' is a duplicate or out of order", code);
    const struct geo_region *parent = NULL;
    if (level > GEO_PROVINCE) {
        const char *pcode = ld->f[1];
        parent = find_code(g, level - 1, pcode);
        if (!parent)
            return load_error(ld, "unknown %s '%s'", geo_level_name(level - 1), pcode);
        size_t plen = ld->flen[1];
        if (strncmp(code, pcode, plen) != 0 || code[plen] != '.')
            return load_error(ld, "code '%s' is not under its parent '%s'", code, pcode);
    }
    int rc = check_name(ld, name, namelen);
    if (rc)
        return rc;

    char norm[NAME_NORM_MAX];
    enum geo_prefix pfx;
    size_t normlen = normalize(name, namelen, norm, sizeof(norm), &pfx);
    if (!normlen)
        return load_error(ld, "name '%s' has no letters or digits", name);
    enum geo_kind kind = GEO_KIND_NONE;
    if (level == GEO_REGENCY) {
        if (pfx != PFX_KABUPATEN && pfx != PFX_KOTA)
            return load_error(ld, "regency name '%s' starts with neither Kabupaten nor Kota", name);
        kind = pfx == PFX_KOTA ? GEO_KIND_KOTA : GEO_KIND_KABUPATEN;
    }
    if (g->n >= g->cap)
        return load_error(ld, "more rows than lines");

    /* One allocation per region for its three strings: arena blocks are 16-byte aligned. */
    size_t codelen = ld->flen[0];
    char *s = arena_alloc(&g->arena, codelen + 1 + namelen + 1 + normlen + 1);
    if (!s)
        return error_set(ld->err, WSP_ENOMEM, "gazetteer over its memory cap");
    struct geo_region *r = &g->regions[g->n];
    memcpy(s, code, codelen + 1);
    r->code = s;
    s += codelen + 1;
    memcpy(s, name, namelen + 1);
    r->name = s;
    s += namelen + 1;
    memcpy(s, norm, normlen + 1);
    r->norm = s;
    r->level = level;
    r->kind = kind;
    r->parent = parent;
    g->prefix[g->n] = (uint8_t)pfx;
    g->n++;
    return 0;
}

static int add_alias(struct loader *ld)
{
    struct geo_gazetteer *g = ld->g;
    const struct geo_region *r = geo_get(g, ld->f[0]);
    if (!r)
        return load_error(ld, "unknown region '%s'", ld->f[0]);
    int rc = check_name(ld, ld->f[1], ld->flen[1]);
    if (rc)
        return rc;
    char norm[NAME_NORM_MAX];
    size_t normlen = normalize(ld->f[1], ld->flen[1], norm, sizeof(norm), NULL);
    if (!normlen)
        return load_error(ld, "alias '%s' has no letters or digits", ld->f[1]);
    if (g->naliases >= g->alias_cap)
        return load_error(ld, "more rows than lines");
    char *s = arena_strndup(&g->arena, norm, normlen);
    if (!s)
        return error_set(ld->err, WSP_ENOMEM, "gazetteer over its memory cap");
    g->aliases[g->naliases].norm = s;
    g->aliases[g->naliases].region = (uint32_t)(r - g->regions);
    g->naliases++;
    return 0;
}

static int load_row(struct loader *ld)
{
    if (ld->nf != ld->nheader)
        return load_error(ld, "%zu fields, expected %zu", ld->nf, ld->nheader);
    if (ld->too_long)
        return load_error(ld, "field longer than %d bytes", FIELD_MAX - 1);
    if (ld->line == 1) {
        for (size_t i = 0; i < ld->nheader; i++)
            if (strcmp(ld->f[i], ld->header[i]) != 0)
                return load_error(ld, "bad header field '%s', expected '%s'", ld->f[i],
                                  ld->header[i]);
        return 0;
    }
    return ld->level ? add_region(ld) : add_alias(ld);
}

static size_t count_lines(const struct data_blob *b)
{
    size_t n = 1;
    for (const char *p = b->data; (p = memchr(p, '\n', (size_t)(b->data + b->len - p))); p++)
        n++;
    return n;
}

static int parse_csv(struct loader *ld, const struct data_blob *b)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return error_set(ld->err, WSP_ENOMEM, "cannot start the CSV parser");
    size_t done = csv_parse(&p, b->data, b->len, on_field, on_row, ld);
    if (!ld->rc && done == b->len)
        csv_fini(&p, on_field, on_row, ld);
    if (!ld->rc && csv_error(&p) != CSV_SUCCESS) {
        if (done < b->len) { /* stopped inside the data: count lines up to there */
            ld->line = 1;
            for (size_t i = 0; i < done; i++)
                ld->line += b->data[i] == '\n';
        } else { /* an unterminated quote: the record being read */
            ld->line++;
        }
        ld->rc = load_error(ld, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    }
    if (!ld->rc && ld->line == 0)
        ld->rc = error_set(ld->err, WSP_EINVAL, "%s: empty file", ld->file);
    csv_free(&p);
    return ld->rc;
}

static int load_file(struct geo_gazetteer *g, const char *file, enum geo_level level,
                     const char *const *header, size_t nheader, const struct data_blob *b,
                     struct error *err)
{
    struct loader *ld = xcalloc(1, sizeof(*ld));
    ld->g = g;
    ld->err = err;
    ld->file = file;
    ld->level = level;
    ld->header = header;
    ld->nheader = nheader;
    int rc = parse_csv(ld, b);
    free(ld);
    if (!rc && level)
        g->off[level] = g->n;
    return rc;
}

static int word_cmp(const void *a, const void *b)
{
    const struct geo_word *x = a, *y = b;
    int c = strcmp(x->suffix, y->suffix);
    if (c)
        return c;
    return x->region < y->region ? -1 : x->region > y->region;
}

static int build_words(struct geo_gazetteer *g, struct error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        n++;
        for (const char *p = g->regions[i].norm; *p; p++)
            n += *p == ' ';
    }
    g->words = arena_alloc(&g->arena, n * sizeof(*g->words));
    if (!g->words)
        return error_set(err, WSP_ENOMEM, "gazetteer over its memory cap");
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *norm = g->regions[i].norm;
        for (const char *p = norm; *p; p++) {
            if (p == norm || p[-1] == ' ') {
                g->words[k].suffix = p;
                g->words[k].region = (uint32_t)i;
                g->words[k].pos = (uint32_t)(p - norm);
                k++;
            }
        }
    }
    g->nwords = k;
    qsort(g->words, k, sizeof(*g->words), word_cmp);
    return 0;
}

static int foreign_row(void *ctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct geo_gazetteer *g = ctx;
    WSP_UNUSED(line);
    if (nf < 2 || !*f[0] || !*f[1])
        return error_set(err, WSP_EINVAL, "expected name <TAB> country");
    char norm[256];
    geo_normalize_name(f[0], strlen(f[0]), norm, sizeof(norm));
    if (!*norm)
        return error_set(err, WSP_EINVAL, "name '%s' is empty once normalized", f[0]);
    if (g->nforeign == g->foreign_cap) {
        g->foreign_cap = g->foreign_cap ? g->foreign_cap * 2 : 256;
        g->foreign = xrealloc(g->foreign, g->foreign_cap * sizeof(*g->foreign));
    }
    struct geo_foreign *p = &g->foreign[g->nforeign];
    p->name = arena_strdup(&g->arena, f[0]);
    p->norm = arena_strdup(&g->arena, norm);
    p->country = arena_strdup(&g->arena, f[1]);
    if (!p->name || !p->norm || !p->country)
        return error_set(err, WSP_ENOMEM, "gazetteer over its memory cap");
    g->nforeign++;
    return 0;
}

size_t geo_foreign_count(const struct geo_gazetteer *g)
{
    return g ? g->nforeign : 0;
}

const struct geo_foreign *geo_foreign_at(const struct geo_gazetteer *g, size_t i)
{
    return g && i < g->nforeign ? &g->foreign[i] : NULL;
}

int geo_load(struct geo_gazetteer **out, struct error *err)
{
    static const struct {
        const char *file;
        enum geo_level level;
        const char *const *header;
        size_t nheader;
    } files[] = {
        {"wilayah/provinces.csv", GEO_PROVINCE, header_province, 2},
        {"wilayah/regencies.csv", GEO_REGENCY, header_regency, 3},
        {"wilayah/districts.csv", GEO_DISTRICT, header_district, 3},
        {"wilayah/villages.csv", GEO_VILLAGE, header_village, 3},
        {"geo/region-aliases.csv", 0, header_alias, 2},
    };
    struct data_blob blobs[WSP_ARRAY_LEN(files)];
    struct geo_gazetteer *g = xcalloc(1, sizeof(*g));
    int rc = 0;

    *out = NULL;
    memset(blobs, 0, sizeof(blobs));
    arena_init(&g->arena, 0);
    for (size_t i = 0; i < WSP_ARRAY_LEN(files); i++) {
        rc = data_read(files[i].file, &blobs[i], err);
        if (rc)
            goto out;
        if (files[i].level)
            g->cap += count_lines(&blobs[i]);
        else
            g->alias_cap = count_lines(&blobs[i]);
    }
    g->regions = arena_alloc(&g->arena, g->cap * sizeof(*g->regions));
    g->prefix = arena_alloc(&g->arena, g->cap);
    g->aliases = arena_alloc(&g->arena, g->alias_cap * sizeof(*g->aliases));
    if (!g->regions || !g->prefix || !g->aliases) {
        rc = error_set(err, WSP_ENOMEM, "gazetteer over its memory cap");
        goto out;
    }
    for (size_t i = 0; i < WSP_ARRAY_LEN(files); i++) {
        rc = load_file(g, files[i].file, files[i].level, files[i].header, files[i].nheader,
                       &blobs[i], err);
        if (rc)
            goto out;
    }
    rc = build_words(g, err);
    /* places abroad are optional: a --data-dir with only the wilayah files has none */
    struct data_blob fb;
    if (!rc && data_read("geo/foreign-places.tsv", &fb, NULL) == 0) {
        data_blob_free(&fb);
        rc = data_read_tsv("geo/foreign-places.tsv", foreign_row, g, err);
    }

out:
    for (size_t i = 0; i < WSP_ARRAY_LEN(files); i++)
        data_blob_free(&blobs[i]);
    if (rc) {
        geo_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

/* ---- search ---------------------------------------------------------------------------- */

/* True when code is parent or below it, on whole segments ("32" covers "32.73", not "320"). */
static bool code_under(const char *code, const char *parent, size_t plen)
{
    return strncmp(code, parent, plen) == 0 && (code[plen] == '\0' || code[plen] == '.');
}

/* Does region i have the kind the query's prefix word asked for? */
static bool prefix_fits(const struct geo_gazetteer *g, size_t i, enum geo_prefix want)
{
    const struct geo_region *r = &g->regions[i];
    if (want == g->prefix[i]) /* "Kota Bandung" and Kota Baru the district alike */
        return true;
    switch (want) {
    case PFX_PROVINSI:
        return r->level == GEO_PROVINCE;
    case PFX_KECAMATAN:
        return r->level == GEO_DISTRICT;
    case PFX_DESA:
    case PFX_KELURAHAN:
        return r->level == GEO_VILLAGE;
    default:
        return false;
    }
}

struct matches {
    /* local << 35 | tier << 33 | misfit << 32 | region index: sorts into the final order.
     * `local` (district or village) comes first in the key: people searching a name mean the
     * province or regency/city far more often than one of the many villages sharing it, so
     * "bandung" lists Kabupaten Bandung Barat before the fifteen villages named Bandung. */
    uint64_t *keys;
    size_t n, cap;
};

static void matches_add(struct matches *m, bool local, unsigned tier, bool misfit, size_t region)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->keys = xrealloc(m->keys, m->cap * sizeof(*m->keys));
    }
    m->keys[m->n++] =
        (uint64_t)local << 35 | (uint64_t)tier << 33 | (uint64_t)misfit << 32 | (uint64_t)region;
}

static int key_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

enum { TIER_EXACT = 0, TIER_PREFIX = 1, TIER_WORD = 2 };

#define QUERY_NORM_MAX 512

/* An empty query lists regions by level, then code: each level's part is a range. */
static size_t list_all(const struct geo_gazetteer *g, const struct geo_query *query,
                       const char *parent, const struct geo_region **out, size_t want)
{
    char hikey[32];
    size_t plen = parent ? strlen(parent) : 0;
    size_t total = 0, skip = query->offset, got = 0;

    if (parent && plen + 2 > sizeof(hikey))
        return 0; /* longer than any code */
    if (parent) { /* codes under parent sort in [parent, parent + "/"): '/' follows '.' */
        memcpy(hikey, parent, plen);
        hikey[plen] = '/';
        hikey[plen + 1] = '\0';
    }
    for (int level = GEO_PROVINCE; level <= GEO_VILLAGE; level++) {
        if (query->level && (int)query->level != level)
            continue;
        size_t lo = g->off[level - 1], hi = g->off[level];
        if (parent) {
            lo = code_lower_bound(g, lo, hi, parent);
            hi = code_lower_bound(g, lo, hi, hikey);
        }
        total += hi - lo;
        if (skip >= hi - lo) {
            skip -= hi - lo;
            continue;
        }
        lo += skip;
        skip = 0;
        for (size_t i = lo; i < hi && got < want; i++)
            out[got++] = &g->regions[i];
    }
    return total;
}

size_t geo_find(const struct geo_gazetteer *g, const struct geo_query *query,
                const struct geo_region **out, size_t max)
{
    if (!g || !query)
        return 0;
    size_t want = out ? max : 0;
    if (query->limit && query->limit < want)
        want = query->limit;
    const char *parent = query->parent && *query->parent ? query->parent : NULL;
    size_t plen = parent ? strlen(parent) : 0;
    if ((int)query->level < 0 || query->level > GEO_VILLAGE)
        return 0;
    if (!query->q || !*query->q)
        return list_all(g, query, parent, out, want);

    char qn[QUERY_NORM_MAX];
    enum geo_prefix pfx;
    size_t qlen = normalize(query->q, strlen(query->q), qn, sizeof(qn), &pfx);
    if (!qlen)
        return 0; /* only punctuation: matches nothing */

    struct matches m = {0};
#define FILTERED(i)                                                                                \
    ((query->level && g->regions[i].level != query->level) ||                                      \
     (parent && !code_under(g->regions[i].code, parent, plen)))
#define MISFIT(i) (pfx != PFX_NONE && !prefix_fits(g, i, pfx))
#define LOCAL(i) (g->regions[i].level >= GEO_DISTRICT)

    for (size_t a = 0; a < g->naliases; a++) {
        size_t i = g->aliases[a].region;
        if (strcmp(g->aliases[a].norm, qn) == 0 && !FILTERED(i))
            matches_add(&m, LOCAL(i), TIER_EXACT, MISFIT(i), i);
    }
    size_t lo = 0, hi = g->nwords;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->words[mid].suffix, qn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t w = lo; w < g->nwords; w++) {
        const struct geo_word *e = &g->words[w];
        if (strncmp(e->suffix, qn, qlen) != 0)
            break;
        char after = e->suffix[qlen];
        unsigned tier;
        if (e->pos == 0)
            tier = after == '\0' ? TIER_EXACT : TIER_PREFIX;
        else if (after == '\0' || after == ' ')
            tier = TIER_WORD;
        else
            continue; /* starts a later word but is not the whole word */
        if (!FILTERED(e->region))
            matches_add(&m, LOCAL(e->region), tier, MISFIT(e->region), e->region);
    }
#undef FILTERED
#undef MISFIT
#undef LOCAL

    /* Best key first; a region found twice (alias and name, or a repeated word) counts once. */
    size_t total = 0;
    if (m.n) {
        qsort(m.keys, m.n, sizeof(*m.keys), key_cmp);
        uint8_t *seen = xcalloc(g->n / 8 + 1, 1);
        for (size_t k = 0; k < m.n; k++) {
            size_t i = (size_t)(m.keys[k] & 0xFFFFFFFFu);
            if (seen[i / 8] & (1u << (i % 8)))
                continue;
            seen[i / 8] |= (uint8_t)(1u << (i % 8));
            if (total >= query->offset && total - query->offset < want)
                out[total - query->offset] = &g->regions[i];
            total++;
        }
        free(seen);
    }
    free(m.keys);
    return total;
}
