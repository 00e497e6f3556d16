/*
 * Place resolution: where the event happened, as official regions.
 *
 * 1. Mentions: capitalized word n-grams (or any words after an administrative prefix such as
 *    "Kabupaten", "Kec.", "Desa", "Distrik") whose normalized name is in the place index (every
 *    official region name, the gazetteer's aliases and data/detect/places.tsv).
 * 2. Each mention gets a weight from where it stands: title and lead sentences weigh more, a
 *    sentence that describes the violence more still, "di X" and an explicit prefix more; the
 *    dateline ("JAKARTA, Kompas.com -") and the publisher's home weigh almost nothing.
 * 3. Provinces and regencies/cities are taken on their own; a district or village needs an
 *    explicit prefix or an ancestor mentioned elsewhere in the article (hierarchy support), and
 *    among places sharing a name only those consistent with the other mentions survive. Common
 *    words that are also region names ("Serang", "Batu", "Puncak") need a prefix or "di".
 * 4. Votes go up to the regency and province; the best province wins, then the best regency
 *    inside it if it has enough support. Unknown rather than guessed.
 * 5. Places abroad (data/geo/foreign-places.tsv: "Papua Nugini", "Enga", "Gaza") vote for their
 *    country with the same weights, unless the mention also names an Indonesian region that
 *    takes the vote, or stands after "asal", "warga negara", "WNA" (a person's origin, not the
 *    scene). Indonesian places win when both occur; the event is abroad only when there is no
 *    Indonesian province or the foreign places outweigh it more than twice (a dateline
 *    "JAKARTA -" over a story from Enga). An event abroad has no Indonesian region at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "detect/detect_internal.h"

/* ---- index ----------------------------------------------------------------------------- */

static size_t pi_slot(const struct place_index *pi, const char *key)
{
    uint64_t h = lex_hash_bytes(LEX_HASH_INIT, key, strlen(key));
    size_t s = (size_t)h & (pi->nslots - 1);
    while (pi->keys[s] && strcmp(pi->keys[s], key) != 0)
        s = (s + 1) & (pi->nslots - 1);
    return s;
}

const struct place_list *place_lookup(const struct place_index *pi, const char *norm)
{
    if (!pi->nslots)
        return NULL;
    size_t s = pi_slot(pi, norm);
    return pi->keys[s] ? &pi->vals[s] : NULL;
}

static struct place_list *pi_add_key(struct detect_model *m, const char *key)
{
    struct place_index *pi = &m->places;
    size_t s = pi_slot(pi, key);
    if (!pi->keys[s]) {
        pi->keys[s] = arena_strdup(&m->mem, key);
        unsigned words = 1;
        for (const char *p = key; *p; p++)
            words += *p == ' ';
        if (words > pi->maxwords)
            pi->maxwords = words;
    }
    return &pi->vals[s];
}

static void pi_add(struct detect_model *m, const char *key, const struct geo_region *r)
{
    if (!*key)
        return;
    /* mark word prefixes so mention search stops when no longer name continues */
    char pre[256];
    for (size_t i = 0; i < sizeof(pre) && key[i]; i++)
        if (key[i] == ' ') {
            memcpy(pre, key, i);
            pre[i] = '\0';
            pi_add_key(m, pre)->prefix = true;
        }
    struct place_list *l = pi_add_key(m, key);
    for (uint32_t i = 0; i < l->n; i++)
        if (l->r[i] == r)
            return;
    /* Grow at powers of two. l->r is an array of pointers, so sizeof(*l->r) is meant
     * (a clang-tidy 14 false positive on pointers to pointers to structs). */
    if ((l->n & (l->n - 1)) == 0 || l->n == 0)
        // NOLINTNEXTLINE(bugprone-sizeof-expression)
        l->r = xrealloc(l->r, (l->n ? l->n * 2 : 1) * sizeof(*l->r));
    l->r[l->n++] = r;
}

static void add_normalized(struct detect_model *m, const char *name, const struct geo_region *r)
{
    char norm[256];
    geo_normalize_name(name, strlen(name), norm, sizeof(norm));
    pi_add(m, norm, r);
}

static int row_place(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct detect_model *m = vctx;
    WSP_UNUSED(line);
    if (nf < 2)
        return error_set(err, WSP_EINVAL, "expected name, code or 'weak'");
    char norm[256];
    geo_normalize_name(f[0], strlen(f[0]), norm, sizeof(norm));
    if (!*norm)
        return error_set(err, WSP_EINVAL, "empty name");
    if (strcmp(f[1], "weak") == 0) {
        pi_add_key(m, norm)->weak = true;
        return 0;
    }
    const struct geo_region *r = geo_get(m->geo, f[1]);
    if (!r)
        return error_set(err, WSP_EINVAL, "unknown region code '%s'", f[1]);
    pi_add(m, norm, r);
    return 0;
}

struct alias_csv {
    struct detect_model *m;
    char code[32];
    char alias[256];
    int field;
    bool header;
};

static void alias_field(void *data, size_t len, void *ctx)
{
    struct alias_csv *c = ctx;
    char *dst = c->field == 0 ? c->code : c->alias;
    size_t cap = c->field == 0 ? sizeof(c->code) : sizeof(c->alias);
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, data, len);
    dst[len] = '\0';
    c->field++;
}

static void alias_row(int ch, void *ctx)
{
    struct alias_csv *c = ctx;
    WSP_UNUSED(ch);
    if (c->header) {
        c->header = false;
    } else if (c->field >= 2) {
        const struct geo_region *r = geo_get(c->m->geo, c->code);
        if (r)
            add_normalized(c->m, c->alias, r);
    }
    c->field = 0;
}

int place_index_build(struct detect_model *m, struct error *err)
{
    struct place_index *pi = &m->places;
    size_t total = geo_count(m->geo, 0);
    size_t nslots = 1024;
    while (nslots < total * 2)
        nslots *= 2;
    pi->nslots = nslots;
    pi->keys = xcalloc(nslots, sizeof(*pi->keys));
    pi->vals = xcalloc(nslots, sizeof(*pi->vals));
    for (int lv = GEO_PROVINCE; lv <= GEO_VILLAGE; lv++) {
        const struct geo_region *r;
        for (size_t i = 0; (r = geo_at(m->geo, (enum geo_level)lv, i)); i++) {
            pi_add(m, r->norm, r);
            /* "Kota Administrasi Jakarta Selatan" is written "Jakarta Selatan" */
            if (str_starts_with(r->norm, "administrasi "))
                pi_add(m, r->norm + strlen("administrasi "), r);
        }
    }
    struct data_blob b;
    if (data_read("geo/region-aliases.csv", &b, NULL) == 0) {
        struct csv_parser p;
        struct alias_csv c = {.m = m, .header = true};
        if (csv_init(&p, CSV_APPEND_NULL) == 0) {
            csv_parse(&p, b.data, b.len, alias_field, alias_row, &c);
            csv_fini(&p, alias_field, alias_row, &c);
            csv_free(&p);
        }
        data_blob_free(&b);
    }
    int rc = detect_read_tsv("detect/places.tsv", row_place, m, err);
    if (rc)
        return rc;
    /* places abroad last: a name an Indonesian province or regency carries stays Indonesian */
    const struct geo_foreign *f;
    for (size_t i = 0; (f = geo_foreign_at(m->geo, i)); i++) {
        const struct place_list *have = place_lookup(pi, f->norm);
        bool big = false;
        for (uint32_t j = 0; have && j < have->n; j++)
            big |= have->r[j]->level <= GEO_REGENCY;
        if (big)
            continue;
        char pre[256];
        for (size_t k = 0; k < sizeof(pre) && f->norm[k]; k++)
            if (f->norm[k] == ' ') {
                memcpy(pre, f->norm, k);
                pre[k] = '\0';
                pi_add_key(m, pre)->prefix = true;
            }
        struct place_list *l = pi_add_key(m, f->norm);
        if (!l->foreign)
            l->foreign = f;
    }
    return 0;
}

/* ---- mentions -------------------------------------------------------------------------- */

enum pfx { P_NONE, P_PROV, P_KAB, P_KOTA, P_DIST, P_VILL, P_DUSUN };

static enum pfx prefix_of(const char *lower)
{
    /* cheap filter: every prefix word starts with one of these and is short */
    if (!strchr("pkdng", lower[0]) || strlen(lower) > 9)
        return P_NONE;
    static const struct {
        const char *w;
        enum pfx p;
    } t[] = {
        {"provinsi", P_PROV}, {"prov", P_PROV},      {"kabupaten", P_KAB},  {"kab", P_KAB},
        {"kota", P_KOTA},     {"kecamatan", P_DIST}, {"kec", P_DIST},       {"distrik", P_DIST},
        {"desa", P_VILL},     {"ds", P_VILL},        {"kelurahan", P_VILL}, {"kel", P_VILL},
        {"kampung", P_VILL},  {"nagari", P_VILL},    {"gampong", P_VILL},   {"dusun", P_DUSUN},
        {"dukuh", P_DUSUN},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(t); i++)
        if (strcmp(t[i].w, lower) == 0)
            return t[i].p;
    return P_NONE;
}

#define MAX_MENTIONS 256
#define MAX_CANDS 24

struct mention {
    uint32_t tok, ntok, sent;
    enum pfx pfx;
    float w;
    bool locative, title, dateline, weak;
    bool origin; /* after "asal", "warga negara", "WNA": where a person is from */
    const struct place_list *l;
    const struct mention *next; /* the mention right after ", " (chains like "Desa X, Kec Y") */
};

static bool is_word_tok(const struct text_token *t)
{
    return t->kind == TOK_WORD;
}

/* Capitalized in the original text (the tokenizer flag, checked again on the bytes so that a
 * missing flag does not hide names). */
static bool tok_cap(const struct ddoc *d, uint32_t i)
{
    const struct text_token *t = &d->t[i];
    if (t->capitalized)
        return true;
    unsigned char c = (unsigned char)d->text[t->off];
    return c >= 'A' && c <= 'Z';
}

static bool in_title(const struct ddoc *d, uint32_t i)
{
    return d->has_title && d->t[i].off < d->title_len;
}

static float mention_weight(const struct ddoc *d, const struct mention *mt)
{
    float w = 1.0f;
    if (mt->title)
        w = 1.6f;
    else if (mt->sent <= d->body_first_sent + 2)
        w = 1.5f;
    if (mt->sent < d->nsent && d->sent_event[mt->sent])
        w += 1.0f;
    if (mt->locative)
        w *= 1.3f;
    if (mt->pfx != P_NONE)
        w *= 1.4f;
    if (mt->dateline)
        w = 0.25f;
    return w;
}

static bool accept_level(enum pfx p, const struct geo_region *r)
{
    switch (p) {
    case P_PROV:
        return r->level == GEO_PROVINCE;
    case P_KAB:
        return r->level == GEO_REGENCY && r->kind != GEO_KIND_KOTA;
    case P_KOTA:
        return r->level == GEO_REGENCY && r->kind != GEO_KIND_KABUPATEN;
    case P_DIST:
        return r->level == GEO_DISTRICT;
    case P_VILL:
    case P_DUSUN:
        return r->level == GEO_VILLAGE;
    case P_NONE:
        return true;
    }
    return false;
}

/* Words before a place name that make it a person's (or a thing's) origin, not the scene:
 * "mahasiswa asal Malaysia", "warga negara Prancis", "WNA Tiongkok", "KBRI Kuala Lumpur". */
static bool origin_word(const char *lower)
{
    static const char *const ow[] = {"asal",
                                     "negara",
                                     "wna",
                                     "tka",
                                     "kebangsaan",
                                     "kewarganegaraan",
                                     "berkewarganegaraan",
                                     "buatan",
                                     "produksi",
                                     "impor",
                                     "ekspor",
                                     "kbri",
                                     "kjri",
                                     "dubes",
                                     "kedubes",
                                     "kedutaan",
                                     "duta",
                                     "besar"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(ow); i++)
        if (strcmp(ow[i], lower) == 0)
            return true;
    return false;
}

static size_t collect_mentions(const struct detect_model *m, struct ddoc *d, struct mention *out,
                               size_t max)
{
    size_t n = 0;
    unsigned maxw = m->places.maxwords ? m->places.maxwords : 1;
    if (maxw > 6)
        maxw = 6;
    for (uint32_t i = 0; i < d->n && n < max; i++) {
        if (!is_word_tok(&d->t[i]))
            continue;
        enum pfx pfx = P_NONE;
        uint32_t start = i;
        enum pfx p0 = prefix_of(d->t[i].lower);
        if (p0 != P_NONE && i + 1 < d->n && is_word_tok(&d->t[i + 1])) {
            pfx = p0;
            start = i + 1;
            /* "Kota Administrasi Jakarta Selatan", "Kabupaten Kepulauan ..." stay whole */
        } else if (!tok_cap(d, i)) {
            continue;
        }
        /* longest n-gram that is a place name */
        char joined[256], norm[256];
        const struct place_list *best = NULL;
        uint32_t bestlen = 0;
        size_t jl = 0;
        for (uint32_t k = 0; k < maxw && start + k < d->n; k++) {
            const struct text_token *t = &d->t[start + k];
            if (!is_word_tok(t))
                break;
            if (k > 0 && !tok_cap(d, start + k) && pfx == P_NONE)
                break;
            if (k > 0 && prefix_of(t->lower) != P_NONE)
                break;
            size_t wl = t->len;
            if (jl + wl + 2 >= sizeof(joined))
                break;
            if (k)
                joined[jl++] = ' ';
            memcpy(joined + jl, d->text + t->off, wl);
            jl += wl;
            /* ASCII letters and spaces normalize to their lower case: skip the full
             * normalizer (Unicode, punctuation, prefixes) in that common case */
            bool plain = true;
            for (size_t q = 0; q < jl && plain; q++) {
                unsigned char ch = (unsigned char)joined[q];
                plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' ';
            }
            if (plain && k == 0 && prefix_of(t->lower) != P_NONE)
                plain = false;
            if (plain) {
                for (size_t q = 0; q < jl; q++)
                    norm[q] =
                        (char)((joined[q] >= 'A' && joined[q] <= 'Z') ? joined[q] + 32 : joined[q]);
                norm[jl] = '\0';
            } else {
                geo_normalize_name(joined, jl, norm, sizeof(norm));
            }
            const struct place_list *l = place_lookup(&m->places, norm);
            if (!l)
                break;
            if (l->n || l->foreign) {
                best = l;
                bestlen = k + 1;
            }
            if (!l->prefix)
                break;
        }
        if (!best)
            continue;
        struct mention *mt = &out[n++];
        memset(mt, 0, sizeof(*mt));
        mt->tok = start;
        mt->ntok = bestlen;
        mt->sent = d->d[start].sent;
        mt->pfx = pfx;
        mt->l = best;
        mt->weak = best->weak;
        mt->title = in_title(d, start);
        mt->dateline = d->dateline_end && start >= d->dateline_start && start < d->dateline_end;
        uint32_t before = pfx != P_NONE ? i : start;
        if (before > 0) {
            const char *pl = d->t[before - 1].lower;
            mt->locative = d->t[before - 1].kind == TOK_WORD &&
                           (strcmp(pl, "di") == 0 || strcmp(pl, "wilayah") == 0 ||
                            strcmp(pl, "daerah") == 0 || strcmp(pl, "kawasan") == 0);
        }
        if (before > 0 && d->t[before - 1].kind == TOK_WORD)
            mt->origin = origin_word(d->t[before - 1].lower);
        mt->w = mention_weight(d, mt);
        i = start + bestlen - 1;
    }
    /* chains: mention followed by "," and another mention */
    for (size_t k = 0; k + 1 < n; k++) {
        uint32_t end = out[k].tok + out[k].ntok;
        uint32_t nx = out[k + 1].tok - (out[k + 1].pfx != P_NONE ? 1 : 0);
        if (nx == end + 1 && d->t[end].kind == TOK_PUNCT && d->text[d->t[end].off] == ',')
            out[k].next = &out[k + 1];
        else if (nx == end) /* "Desa Roka Kecamatan Belo" */
            out[k].next = &out[k + 1];
    }
    return n;
}

/* ---- voting ---------------------------------------------------------------------------- */

struct vote {
    const struct geo_region *r;
    float w;
};

struct votes {
    struct vote v[512];
    size_t n;
};

static void vote_add(struct votes *vs, const struct geo_region *r, float w)
{
    if (!r || w <= 0)
        return;
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].r == r) {
            vs->v[i].w += w;
            return;
        }
    if (vs->n < WSP_ARRAY_LEN(vs->v))
        vs->v[vs->n++] = (struct vote){r, w};
}

/* Is r (district/village) supported by another mention naming one of its ancestors? */
static bool supported(const struct mention *ms, size_t n, size_t self, const struct geo_region *r,
                      bool *adjacent)
{
    *adjacent = false;
    bool any = false;
    for (size_t k = 0; k < n; k++) {
        if (k == self)
            continue;
        const struct place_list *l = ms[k].l;
        for (uint32_t j = 0; j < l->n; j++) {
            const struct geo_region *a = l->r[j];
            if (a->level >= r->level || !accept_level(ms[k].pfx, a))
                continue;
            if (geo_ancestor(r, a->level) == a) {
                any = true;
                if (ms[self].next == &ms[k] || (ms[self].next && ms[self].next->next == &ms[k]))
                    *adjacent = true;
            }
        }
    }
    return any;
}

void place_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev)
{
    ev->province = ev->regency = ev->place = NULL;
    ev->abroad = NULL;
    ev->geo_precision = 0;
    if (!m->geo)
        return;
    struct mention *ms = arena_alloc(d->a, MAX_MENTIONS * sizeof(*ms));
    if (!ms)
        return;
    size_t n = collect_mentions(m, d, ms, MAX_MENTIONS);
    struct votes *prov = arena_alloc(d->a, sizeof(*prov));
    struct votes *reg = arena_alloc(d->a, sizeof(*reg));
    struct votes *fine = arena_alloc(d->a, sizeof(*fine));
    if (!prov || !reg || !fine)
        return;
    struct foreign_vote {
        const char *country;
        float w;
        const struct mention *m;
    } fv[16];
    size_t nfv = 0;

    for (size_t k = 0; k < n; k++) {
        struct mention *mt = &ms[k];
        const struct place_list *l = mt->l;
        const struct geo_region *big[MAX_CANDS];
        size_t nbig = 0;
        const struct geo_region *small[MAX_CANDS];
        size_t nsmall = 0, nsmall_all = 0;
        bool adj_any = false;
        for (uint32_t j = 0; j < l->n; j++) {
            const struct geo_region *r = l->r[j];
            if (!accept_level(mt->pfx, r))
                continue;
            if (r->level <= GEO_REGENCY) {
                if (mt->weak && mt->pfx == P_NONE && !mt->locative)
                    continue;
                if (mt->title && mt->weak)
                    continue;
                if (nbig < MAX_CANDS)
                    big[nbig++] = r;
            } else {
                nsmall_all++;
                bool adj;
                if (supported(ms, n, k, r, &adj)) {
                    if (adj && !adj_any) {
                        nsmall = 0; /* chain support beats distant support */
                        adj_any = true;
                    }
                    if ((adj || !adj_any) && nsmall < MAX_CANDS)
                        small[nsmall++] = r;
                }
            }
        }
        float w = mt->w;
        bool indonesian = nbig || nsmall ||
                          (mt->pfx != P_NONE && mt->pfx != P_DUSUN && nsmall_all > 0 &&
                           nsmall_all <= 2 && !mt->title);
        if (!indonesian && l->foreign && !mt->origin) {
            size_t j = 0;
            while (j < nfv && strcmp(fv[j].country, l->foreign->country) != 0)
                j++;
            if (j == nfv && nfv < WSP_ARRAY_LEN(fv))
                fv[nfv++] = (struct foreign_vote){l->foreign->country, 0, mt};
            if (j < nfv) {
                fv[j].w += w;
                if (w > fv[j].m->w)
                    fv[j].m = mt;
            }
            continue;
        }
        if (nbig) {
            /* a name that is both a province and a regency (Bengkulu, Gorontalo): both */
            for (size_t j = 0; j < nbig; j++) {
                if (big[j]->level == GEO_PROVINCE)
                    vote_add(prov, big[j], w);
                else
                    vote_add(reg, big[j], w / (float)nbig);
            }
            continue;
        }
        if (nsmall) {
            float sw = (mt->pfx != P_NONE ? 0.9f : 0.6f) * w / (float)nsmall;
            for (size_t j = 0; j < nsmall; j++) {
                vote_add(reg, geo_ancestor(small[j], GEO_REGENCY), sw);
                vote_add(fine, small[j], sw);
            }
        } else if (mt->pfx != P_NONE && mt->pfx != P_DUSUN && nsmall_all > 0 && nsmall_all <= 2 &&
                   !mt->title) {
            /* explicit "Desa X" / "Kecamatan X" that only a few places carry */
            float sw = 0.5f * w / (float)nsmall_all;
            for (uint32_t j = 0; j < l->n; j++)
                if (accept_level(mt->pfx, l->r[j]) && l->r[j]->level > GEO_REGENCY) {
                    vote_add(reg, geo_ancestor(l->r[j], GEO_REGENCY), sw);
                    vote_add(fine, l->r[j], sw);
                }
        }
    }

    /* province totals: direct mentions plus their regencies. "Papua" and "Papua Barat" also
     * name the provinces split from them in 2022 (UU 14-16/2022 and 29/2022), so a regency of
     * Papua Tengah under the words "Kabupaten Mimika, Papua" counts for Papua Tengah. */
    static const char *const split[][4] = {{"91", "93", "94", "95"}, {"92", "96", NULL, NULL}};
    struct votes *ptot = arena_alloc(d->a, sizeof(*ptot));
    if (!ptot)
        return;
    for (size_t i = 0; i < prov->n; i++) {
        vote_add(ptot, prov->v[i].r, prov->v[i].w);
        for (size_t s = 0; s < WSP_ARRAY_LEN(split); s++)
            if (strcmp(prov->v[i].r->code, split[s][0]) == 0)
                for (size_t k = 1; k < 4 && split[s][k]; k++) {
                    /* only when a regency of the new province is named */
                    bool named = false;
                    for (size_t r = 0; r < reg->n; r++)
                        named |= strcmp(reg->v[r].r->parent->code, split[s][k]) == 0;
                    if (named)
                        vote_add(ptot, geo_get(m->geo, split[s][k]), prov->v[i].w);
                }
    }
    for (size_t i = 0; i < reg->n; i++)
        vote_add(ptot, reg->v[i].r->parent, reg->v[i].w);
    const struct geo_region *bp = NULL;
    float bw = 0, second = 0;
    for (size_t i = 0; i < ptot->n; i++) {
        /* ties: the province with the larger regency support */
        if (ptot->v[i].w > bw + 1e-4f) {
            second = bw;
            bw = ptot->v[i].w;
            bp = ptot->v[i].r;
        } else if (ptot->v[i].w > second) {
            second = ptot->v[i].w;
        }
    }
    /* abroad: foreign places and no Indonesian province, or foreign places that outweigh the
     * Indonesian ones more than twice */
    const struct foreign_vote *fbest = NULL;
    float ftotal = 0;
    for (size_t j = 0; j < nfv; j++) {
        ftotal += fv[j].w;
        if (!fbest || fv[j].w > fbest->w)
            fbest = &fv[j];
    }
    float home = bp ? bw : 0;
    if (fbest && ftotal >= 0.9f && (home < 0.5f || ftotal > 2.0f * home)) {
        ev->abroad = fbest->country;
        const struct text_token *a = &d->t[fbest->m->tok];
        const struct text_token *z = &d->t[fbest->m->tok + fbest->m->ntok - 1];
        evidence_add(d, ev, a->off, z->off + z->len - a->off,
                     arena_printf(d->a, "place abroad: %s", fbest->country));
        return;
    }
    if (!bp || bw < 0.5f)
        return;
    ev->province = bp;
    ev->geo_precision = 3;
    /* best regency inside the province */
    const struct geo_region *br = NULL;
    float brw = 0;
    for (size_t i = 0; i < reg->n; i++) {
        const struct geo_region *r = reg->v[i].r;
        if (r->parent != bp)
            continue;
        float w = reg->v[i].w;
        bool better = w > brw + 1e-4f;
        if (!better && br && w > brw - 1e-4f) {
            /* same-name Kota/Kabupaten tie: the one with finer support, else Kabupaten when
             * the article talks about desa, else the city */
            float fr = 0, fb = 0;
            for (size_t j = 0; j < fine->n; j++) {
                if (geo_ancestor(fine->v[j].r, GEO_REGENCY) == r)
                    fr += fine->v[j].w;
                if (geo_ancestor(fine->v[j].r, GEO_REGENCY) == br)
                    fb += fine->v[j].w;
            }
            better = fr > fb || (fr == fb && r->kind == GEO_KIND_KOTA);
        }
        if (better) {
            brw = w;
            br = r;
        }
    }
    if (br && brw >= 0.5f) {
        ev->regency = br;
        ev->geo_precision = 2;
        const struct geo_region *bf = NULL;
        float bfw = 0;
        for (size_t j = 0; j < fine->n; j++)
            if (geo_ancestor(fine->v[j].r, GEO_REGENCY) == br && fine->v[j].w > bfw) {
                bfw = fine->v[j].w;
                bf = fine->v[j].r;
            }
        if (bf) {
            ev->place = bf;
            ev->geo_precision = 1;
        }
    }
    /* evidence: the heaviest mention of the chosen place */
    const struct geo_region *target = ev->place ? ev->place : ev->regency ? ev->regency : bp;
    const struct mention *em = NULL;
    for (size_t k = 0; k < n; k++) {
        const struct place_list *l = ms[k].l;
        for (uint32_t j = 0; j < l->n; j++)
            if ((l->r[j] == target || geo_ancestor(target, l->r[j]->level) == l->r[j]) &&
                accept_level(ms[k].pfx, l->r[j]) && (!em || ms[k].w > em->w))
                em = &ms[k];
    }
    if (em) {
        const struct text_token *a = &d->t[em->tok];
        const struct text_token *z = &d->t[em->tok + em->ntok - 1];
        char chain[256];
        geo_format_chain(ev->regency ? ev->regency : bp, chain, sizeof(chain));
        char *why = arena_printf(d->a, "place: %s", chain);
        evidence_add(d, ev, a->off, z->off + z->len - a->off, why);
    }
    WSP_UNUSED(second);
}
