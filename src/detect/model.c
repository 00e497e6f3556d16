/*
 * detect model: loading the knowledge files under data/detect/ into read-only lexicons, the
 * logistic weights, and the per-thread worker (stemmer + stem cache).
 *
 * File format (all data/detect/ TSV files): UTF-8, one record per line, fields separated by TABs,
 * '#' starts a comment line, blank lines are ignored. Terms are matched case-insensitively on
 * the text stage's lower-case tokens; several words separated by one space match consecutive
 * words; a leading '~' matches the Snowball stem ("~bakar" matches membakar, dibakar,
 * pembakaran).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "events/events.h"

/* ---- lexicon --------------------------------------------------------------------------- */

uint64_t lex_hash_bytes(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void lex_rehash(struct lexicon *lx, size_t nslots)
{
    free(lx->slots);
    lx->slots = xcalloc(nslots, sizeof(*lx->slots));
    lx->nslots = nslots;
    for (size_t i = 0; i < lx->n; i++) {
        const char *t = lx->e[i].term;
        /* only the first entry of a term is indexed; later ones follow it in e[] */
        if (i > 0 && strcmp(lx->e[i - 1].term, t) == 0)
            continue;
        uint64_t h = lex_hash_bytes(LEX_HASH_INIT, t, strlen(t));
        size_t s = (size_t)h & (nslots - 1);
        while (lx->slots[s])
            s = (s + 1) & (nslots - 1);
        lx->slots[s] = (uint32_t)(i + 1);
    }
}

static const struct lex_entry *lex_find_hash(const struct lexicon *lx, uint64_t h, const char *term,
                                             size_t len)
{
    if (!lx->nslots)
        return NULL;
    size_t s = (size_t)h & (lx->nslots - 1);
    while (lx->slots[s]) {
        const struct lex_entry *e = &lx->e[lx->slots[s] - 1];
        if (e->len == len && memcmp(e->term, term, len) == 0)
            return e;
        s = (s + 1) & (lx->nslots - 1);
    }
    return NULL;
}

const struct lex_entry *lex_find(const struct lexicon *lx, const char *term, size_t len)
{
    return lex_find_hash(lx, lex_hash_bytes(LEX_HASH_INIT, term, len), term, len);
}

const struct lex_entry *lex_get(const struct lexicon *lx, const char *term)
{
    size_t len = strlen(term);
    const struct lex_entry *e =
        lex_find_hash(lx, lex_hash_bytes(LEX_HASH_INIT, term, len), term, len);
    return e && e->real ? e : NULL;
}

/* Find or create the entry of a normalized term (not yet marked real). */
static struct lex_entry *lex_intern(struct lexicon *lx, struct arena *a, const char *tmp, size_t n)
{
    uint64_t h = lex_hash_bytes(LEX_HASH_INIT, tmp, n);
    const struct lex_entry *found = lex_find_hash(lx, h, tmp, n);
    if (found)
        return (struct lex_entry *)found;
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 256;
        lx->e = xrealloc(lx->e, lx->cap * sizeof(*lx->e));
    }
    struct lex_entry *e = &lx->e[lx->n++];
    memset(e, 0, sizeof(*e));
    e->term = arena_strndup(a, tmp, n);
    e->len = (uint16_t)n;
    unsigned words = 1;
    for (size_t i = 0; i < n; i++)
        words += tmp[i] == ' ';
    e->nwords = (uint8_t)words;
    if (words > lx->maxwords)
        lx->maxwords = words;
    if (lx->n * 2 > lx->nslots) {
        lex_rehash(lx, lx->nslots ? lx->nslots * 2 : 1024);
    } else {
        size_t s = (size_t)h & (lx->nslots - 1);
        while (lx->slots[s])
            s = (s + 1) & (lx->nslots - 1);
        lx->slots[s] = (uint32_t)lx->n;
    }
    return e;
}

/* Add (or find) the entry for term; the caller fills the payload. Terms are normalized to
 * lower case with single spaces; every shorter word prefix of a multi-word term is marked so
 * that lex_match can stop as soon as no term continues. A term is both a signal and a category
 * cue when both files name it (one entry, two payloads). */
int lex_add(struct lexicon *lx, struct arena *a, const char *term, size_t len,
            struct lex_entry **out)
{
    char tmp[256];
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < len && n + 2 < sizeof(tmp); i++) {
        unsigned char c = (unsigned char)term[i];
        if (c == ' ' || c == '\t') {
            space = n > 0;
            continue;
        }
        if (space) {
            tmp[n++] = ' ';
            space = false;
        }
        tmp[n++] = (char)tolower(c);
    }
    tmp[n] = '\0';
    if (n == 0)
        return WSP_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (tmp[i] == ' ')
            lex_intern(lx, a, tmp, i)->prefix = true;
    struct lex_entry *e = lex_intern(lx, a, tmp, n);
    e->real = true;
    *out = e;
    return 0;
}

static void lex_release(struct lexicon *lx)
{
    free(lx->e);
    free(lx->slots);
    memset(lx, 0, sizeof(*lx));
}

const struct lex_entry *lex_match(const struct lexicon *lx, const struct text_token *t, size_t n,
                                  size_t i, size_t *nwords)
{
    const struct lex_entry *best = NULL;
    if (t[i].kind != TOK_WORD || !lx->nslots)
        return NULL;
    char key[256];
    size_t klen = 0;
    for (size_t k = 0; k < lx->maxwords && i + k < n; k++) {
        const struct text_token *tk = &t[i + k];
        if (tk->kind != TOK_WORD)
            break;
        size_t wl = strlen(tk->lower);
        if (klen + wl + 2 >= sizeof(key))
            break;
        if (k)
            key[klen++] = ' ';
        memcpy(key + klen, tk->lower, wl);
        klen += wl;
        const struct lex_entry *e =
            lex_find_hash(lx, lex_hash_bytes(LEX_HASH_INIT, key, klen), key, klen);
        if (!e)
            break;
        if (e->real) {
            best = e;
            *nwords = k + 1;
        }
        if (!e->prefix)
            break;
    }
    return best;
}

/* ---- TSV reading ----------------------------------------------------------------------- */

int detect_read_tsv(const char *name,
                    int (*row)(void *ctx, char **f, size_t nf, size_t line, struct error *err),
                    void *ctx, struct error *err)
{
    return data_read_tsv(name, row, ctx, err);
}

static const char *const sig_names[SIG_COUNT] = {
    NULL,    "violence", "group",   "casualty", "meeting", "sport",    "disaster", "accident",
    "court", "peace",    "economy", "crime",    "prevent", "analysis", "foreign",  "policy",
};

static int parse_double(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return WSP_EINVAL;
    *out = v;
    return 0;
}

struct load_ctx {
    struct detect_model *m;
    struct lexicon *lx;
};

static int row_signal(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct load_ctx *c = vctx;
    WSP_UNUSED(line);
    double w;
    if (nf < 3 || parse_double(f[2], &w))
        return error_set(err, WSP_EINVAL, "expected term, class, weight");
    bool cause_back = strcmp(f[1], "cause_both") == 0;
    if (cause_back || strcmp(f[1], "cause") == 0) {
        if (w < 1 || w > 20)
            return error_set(err, WSP_EINVAL, "cause window must be 1..20 words");
        struct lex_entry *e;
        if (lex_add(c->lx, &c->m->mem, f[0], strlen(f[0]), &e))
            return error_set(err, WSP_EINVAL, "empty term");
        e->cause = (uint8_t)w;
        e->cause_back = cause_back;
        return 0;
    }
    int sig = 0, cat = -1;
    for (int i = 1; i < SIG_COUNT; i++)
        if (strcmp(sig_names[i], f[1]) == 0)
            sig = i;
    if (!sig)
        cat = detect_category_parse(f[1]);
    if (!sig && cat <= 0)
        return error_set(err, WSP_EINVAL, "unknown class '%s'", f[1]);
    struct lex_entry *e;
    if (lex_add(c->lx, &c->m->mem, f[0], strlen(f[0]), &e))
        return error_set(err, WSP_EINVAL, "empty term");
    if (sig) {
        e->sig = (uint8_t)sig;
        e->sig_w = (float)w;
    } else {
        e->cat = (uint8_t)cat;
        e->cat_w = (float)w;
    }
    return 0;
}

static const char *const vic_names[] = {
    NULL,     "killed",     "injured", "zero_killed", "zero_injured", "nonperson", "women_child",
    "not_wc", "victim_ctx", "person",  "wound",       "group",        "ident",     "background"};

static int row_victim(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct load_ctx *c = vctx;
    WSP_UNUSED(line);
    if (nf < 2)
        return error_set(err, WSP_EINVAL, "expected term, kind");
    int kind = 0;
    for (size_t i = 1; i < WSP_ARRAY_LEN(vic_names); i++)
        if (strcmp(vic_names[i], f[1]) == 0)
            kind = (int)i;
    if (!kind)
        return error_set(err, WSP_EINVAL, "unknown kind '%s'", f[1]);
    struct lex_entry *e;
    if (lex_add(c->lx, &c->m->mem, f[0], strlen(f[0]), &e))
        return error_set(err, WSP_EINVAL, "empty term");
    e->cat = (uint8_t)kind;
    return 0;
}

static int row_actor(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct load_ctx *c = vctx;
    WSP_UNUSED(line);
    if (nf < 2)
        return error_set(err, WSP_EINVAL, "expected term, kind");
    int kind = strcmp(f[1], "head") == 0 ? 1 : strcmp(f[1], "name") == 0 ? 2 : 0;
    if (!kind)
        return error_set(err, WSP_EINVAL, "unknown kind '%s' (head or name)", f[1]);
    struct lex_entry *e;
    if (lex_add(c->lx, &c->m->mem, f[0], strlen(f[0]), &e))
        return error_set(err, WSP_EINVAL, "empty term");
    e->cat = (uint8_t)kind;
    return 0;
}

static int row_date(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct load_ctx *c = vctx;
    WSP_UNUSED(line);
    static const char *const kinds[] = {
        NULL,     "month", "weekday", "rel_day", "rel_week", "ago",        "unit_day", "number",
        "report", "occur", "cause",   "until",   "caption",  "place_head", "attrib",   "past"};
    double v = 0;
    if (nf < 3 || parse_double(f[2], &v))
        return error_set(err, WSP_EINVAL, "expected word, kind, value");
    int kind = 0;
    for (size_t i = 1; i < WSP_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i], f[1]) == 0)
            kind = (int)i;
    if (!kind)
        return error_set(err, WSP_EINVAL, "unknown kind '%s'", f[1]);
    struct lex_entry *e;
    if (lex_add(c->lx, &c->m->mem, f[0], strlen(f[0]), &e))
        return error_set(err, WSP_EINVAL, "empty term");
    e->cat = (uint8_t)kind;
    e->sig_w = (float)v;
    return 0;
}

static int row_model(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct load_ctx *c = vctx;
    struct detect_model *m = c->m;
    WSP_UNUSED(line);
    double w;
    if (nf < 2 || parse_double(f[1], &w))
        return error_set(err, WSP_EINVAL, "expected feature, weight");
    if (strcmp(f[0], "bias") == 0) {
        m->bias = w;
        return 0;
    }
    if (strcmp(f[0], "threshold") == 0) {
        m->threshold = w;
        return 0;
    }
    for (size_t i = 0; i < m->nfeat; i++)
        if (strcmp(m->feat_name[i], f[0]) == 0) {
            m->feat_w[i] = w;
            return 0;
        }
    return error_set(err, WSP_EINVAL, "unknown feature '%s'", f[0]);
}

/* The classifier's features, in the order classify.c fills them. Keep in sync. */
static const char *const feature_names[] = {
    "violence", "violence_title", "group",          "casualty",    "event_sentences", "event_lead",
    "meeting",  "meeting_title",  "sport",          "disaster",    "accident",        "court",
    "peace",    "economy",        "crime",          "prevent",     "analysis",        "foreign",
    "policy",   "negative_title", "violence_ratio", "place_found",
};

size_t detect_model_features(const struct detect_model *m, const char **names, size_t max)
{
    WSP_UNUSED(m);
    size_t n = WSP_ARRAY_LEN(feature_names);
    for (size_t i = 0; i < n && i < max && names; i++)
        names[i] = feature_names[i];
    return n;
}

static const char *const snpk_names[CAT_COUNT] = {
    NULL,
    "Sumber Daya",
    "Identitas (bentrok antarkelompok)",
    "Tata Kelola Pemerintahan",
    "Identitas",
    "Pemilihan dan Jabatan",
    "Separatisme",
    "Main Hakim Sendiri",
    "Kekerasan lainnya",
};

int detect_model_load(struct detect_model **out, const struct text_resources *res,
                      const struct geo_gazetteer *g, struct error *err)
{
    *out = NULL;
    struct detect_model *m = xcalloc(1, sizeof(*m));
    arena_init(&m->mem, 0);
    m->res = res;
    m->geo = g;
    m->threshold = 0.5;
    m->nfeat = WSP_ARRAY_LEN(feature_names);
    for (size_t i = 0; i < m->nfeat; i++)
        m->feat_name[i] = arena_strdup(&m->mem, feature_names[i]);
    for (int i = 0; i < CAT_COUNT; i++)
        m->cat_snpk[i] = snpk_names[i];

    struct load_ctx c = {.m = m, .lx = &m->lex};
    int rc = detect_read_tsv("detect/signals.tsv", row_signal, &c, err);
    if (!rc)
        rc = detect_read_tsv("detect/categories.tsv", row_signal, &c, err);
    c.lx = &m->victims;
    if (!rc)
        rc = detect_read_tsv("detect/victims.tsv", row_victim, &c, err);
    c.lx = &m->actors;
    if (!rc)
        rc = detect_read_tsv("detect/actors.tsv", row_actor, &c, err);
    if (!rc)
        rc = role_lexicon_load(m, err);
    c.lx = &m->dates.lx;
    if (!rc)
        rc = detect_read_tsv("detect/dates.tsv", row_date, &c, err);
    c.lx = NULL;
    if (!rc)
        rc = detect_read_tsv("detect/model.tsv", row_model, &c, err);
    if (!rc)
        rc = calibrate_load(m, err);
    if (!rc && g)
        rc = place_index_build(m, err);
    if (rc) {
        detect_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void detect_model_free(struct detect_model *m)
{
    if (!m)
        return;
    lex_release(&m->lex);
    lex_release(&m->victims);
    lex_release(&m->actors);
    lex_release(&m->roles);
    lex_release(&m->dates.lx);
    for (size_t i = 0; i < m->places.nslots; i++)
        free(m->places.vals[i].r);
    free(m->places.keys);
    free(m->places.vals);
    arena_release(&m->mem);
    free(m);
}

/* ---- worker ---------------------------------------------------------------------------- */

/* Per-thread memo of word -> stem: news reuses words a lot and Snowball is the costly part
 * of the signal scan. Cleared when full. */
#define STEM_CACHE_SLOTS 32768
#define STEM_CACHE_MAX (STEM_CACHE_SLOTS / 2)

struct stem_cache {
    char *word[STEM_CACHE_SLOTS];
    char *stem[STEM_CACHE_SLOTS];
    size_t n;
};

static void stem_cache_clear(struct stem_cache *c)
{
    for (size_t i = 0; i < STEM_CACHE_SLOTS; i++) {
        free(c->word[i]);
        c->word[i] = NULL;
        c->stem[i] = NULL; /* stem shares the word allocation */
    }
    c->n = 0;
}

const char *worker_stem(struct detect_worker *w, const char *lower, struct arena *a)
{
    size_t len = strlen(lower);
    if (len > 40)
        return text_stem(w->stemmer, lower, a);
    struct stem_cache *c = w->cache;
    uint64_t h = lex_hash_bytes(LEX_HASH_INIT, lower, len);
    size_t s = (size_t)h & (STEM_CACHE_SLOTS - 1);
    while (c->word[s]) {
        if (strcmp(c->word[s], lower) == 0)
            return c->stem[s];
        s = (s + 1) & (STEM_CACHE_SLOTS - 1);
    }
    const char *st = text_stem(w->stemmer, lower, a);
    if (!st)
        return NULL;
    if (c->n >= STEM_CACHE_MAX) {
        stem_cache_clear(c);
        s = (size_t)h & (STEM_CACHE_SLOTS - 1);
    }
    size_t sl = strlen(st);
    char *both = xmalloc(len + sl + 2);
    memcpy(both, lower, len + 1);
    memcpy(both + len + 1, st, sl + 1);
    c->word[s] = both;
    c->stem[s] = both + len + 1;
    c->n++;
    return c->stem[s];
}

struct detect_worker *detect_worker_new(const struct detect_model *m)
{
    struct detect_worker *w = xcalloc(1, sizeof(*w));
    w->m = m;
    w->stemmer = text_stemmer_new();
    w->cache = xcalloc(1, sizeof(*w->cache));
    return w;
}

void detect_worker_free(struct detect_worker *w)
{
    if (!w)
        return;
    stem_cache_clear(w->cache);
    free(w->cache);
    text_stemmer_free(w->stemmer);
    free(w);
}

/* ---- categories ------------------------------------------------------------------------ */

/* The detector's categories are the events' (events.h), in the same order. */
_Static_assert((int)CAT_COUNT == (int)EVENT_NCATEGORIES, "detect and events categories differ");

const char *detect_category_name(enum detect_category c)
{
    if ((int)c < 0 || c >= CAT_COUNT)
        return "none";
    return event_category_names[c];
}

int detect_category_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < CAT_COUNT; i++)
        if (strcmp(event_category_names[i], s) == 0)
            return i;
    return -1;
}

int detect_simhash_distance(uint64_t a, uint64_t b)
{
    return event_simhash_distance(a, b);
}
