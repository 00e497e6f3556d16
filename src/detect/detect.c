/*
 * detect_article: the pipeline for one article. text stage (HTML or plain text -> clean title
 * and body -> tokens) -> lexicon signals -> place, date, victims, actors -> classification ->
 * evidence, SimHash. Everything is allocated from the caller's document arena.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"

/* ---- evidence -------------------------------------------------------------------------- */

#define MAX_EVIDENCE 8
#define QUOTE_MAX 200

static bool utf8_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

const char *evidence_quote(struct ddoc *d, uint32_t sent, size_t off, size_t len)
{
    size_t sb = 0, se = d->len;
    if (sent < d->nsent && d->n) {
        uint32_t tb = ddoc_sent_begin(d, sent), te = ddoc_sent_end(d, sent);
        if (tb < te) {
            sb = d->t[tb].off;
            se = d->t[te - 1].off + d->t[te - 1].len;
        }
    }
    if (off < sb)
        sb = off;
    if (off + len > se)
        se = off + len;
    if (se - sb > QUOTE_MAX) {
        /* a window of whole words around the span */
        size_t extra = len < QUOTE_MAX ? (QUOTE_MAX - len) / 2 : 0;
        size_t b = off > sb + extra ? off - extra : sb;
        size_t e = off + len + extra < se ? off + len + extra : se;
        if (len >= QUOTE_MAX)
            e = off + QUOTE_MAX;
        while (b > sb && b < off && d->text[b - 1] != ' ')
            b++;
        while (b < off && utf8_cont((unsigned char)d->text[b]))
            b++;
        while (e < se && e > off + len && d->text[e] != ' ')
            e--;
        while (e > b && e < d->len && utf8_cont((unsigned char)d->text[e]))
            e--;
        sb = b;
        se = e;
    }
    while (sb < se && (d->text[sb] == ' ' || d->text[sb] == '\n'))
        sb++;
    while (se > sb && (d->text[se - 1] == ' ' || d->text[se - 1] == '\n'))
        se--;
    char *q = arena_strndup(d->a, d->text + sb, se - sb);
    if (q)
        for (char *p = q; *p; p++)
            if (*p == '\n')
                *p = ' ';
    return q;
}

static uint32_t sent_at(const struct ddoc *d, size_t off)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->t[mid].off <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? d->d[lo - 1].sent : 0;
}

void evidence_add(struct ddoc *d, struct detect_event *ev, size_t off, size_t len, const char *why)
{
    if (!why)
        return;
    if (!ev->evidence) {
        ev->evidence = arena_alloc(d->a, MAX_EVIDENCE * sizeof(*ev->evidence));
        if (!ev->evidence)
            return;
    }
    if (ev->nevidence >= MAX_EVIDENCE)
        return;
    const char *span = len || off ? evidence_quote(d, sent_at(d, off), off, len) : "";
    if (!span)
        return;
    ev->evidence[ev->nevidence++] = (struct detect_evidence){.span = span, .why = why};
}

/* ---- SimHash --------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Per-bit counts of the 1 bits of many 64-bit words, kept bit-sliced: plane[k] holds bit k of
 * all 64 counters, so adding a word is a ripple carry through the planes (about two steps on
 * average) instead of 64 separate increments. */
#define BITCOUNT_PLANES 40 /* counts up to 2^40 */

struct bitcount {
    uint64_t plane[BITCOUNT_PLANES];
};

static void bitcount_add(struct bitcount *c, uint64_t x)
{
    for (int k = 0; x && k < BITCOUNT_PLANES; k++) {
        uint64_t carry = c->plane[k] & x;
        c->plane[k] ^= x;
        x = carry;
    }
}

/* How many of the added words had bit b set. */
static uint64_t bitcount_get(const struct bitcount *c, int b)
{
    uint64_t v = 0;
    for (int k = 0; k < BITCOUNT_PLANES; k++)
        v |= ((c->plane[k] >> b) & 1) << k;
    return v;
}

/* 64-bit SimHash over 3-word shingles of the body's lower-case words: bit b is set when more
 * shingle hashes have it set than not. */
static uint64_t simhash_doc(const struct ddoc *d, size_t first_tok)
{
    struct bitcount ones = {{0}};
    uint64_t w[3] = {0};
    size_t nw = 0, nsh = 0;
    for (size_t i = first_tok; i < d->n; i++) {
        if (d->t[i].kind != TOK_WORD && d->t[i].kind != TOK_NUMBER)
            continue;
        const char *s = d->t[i].lower;
        w[0] = w[1];
        w[1] = w[2];
        w[2] = lex_hash_bytes(LEX_HASH_INIT, s, strlen(s));
        if (++nw < 3)
            continue;
        uint64_t h = mix64(w[0] * 31 + mix64(w[1]) * 17 + mix64(w[2] + 0x9e3779b97f4a7c15ULL));
        bitcount_add(&ones, h);
        nsh++;
    }
    if (!nsh)
        return 0;
    uint64_t out = 0;
    for (int b = 0; b < 64; b++)
        if (2 * bitcount_get(&ones, b) > nsh) /* ones - zeros > 0 */
            out |= 1ULL << b;
    return out;
}

/* ---- the pipeline ---------------------------------------------------------------------- */

static bool valid_iso_date(const char *s)
{
    if (!s || strlen(s) < 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int detect_article(struct detect_worker *w, const struct detect_article *in, struct arena *a,
                   struct detect_event *out, struct error *err)
{
    const struct detect_model *m = w->m;
    memset(out, 0, sizeof(*out));
    out->killed = out->injured = -1;
    out->id = in->id ? arena_strdup(a, in->id) : NULL;

    struct text_doc doc = {0};
    int rc;
    if (in->html && (in->html_len || in->html[0])) {
        size_t n = in->html_len ? in->html_len : strlen(in->html);
        rc = text_from_html(m->res, in->html, n, a, &doc, err);
    } else if (in->text) {
        size_t n = in->text_len ? in->text_len : strlen(in->text);
        rc = text_from_plain(m->res, in->text, n, a, &doc, err);
    } else {
        return error_set(err, WSP_EINVAL, "article has neither text nor html");
    }
    if (rc)
        return rc;

    const char *title = NULL;
    size_t tlen = 0;
    char *tnorm = NULL;
    if (in->title && *in->title) {
        tnorm = text_normalize(in->title, strlen(in->title), a, &tlen);
        title = tnorm;
    } else if (doc.title && *doc.title) {
        title = doc.title;
        tlen = strlen(title);
    }
    /* drop a first body line that repeats the title */
    const char *body = doc.body ? doc.body : "";
    size_t blen = doc.body ? doc.body_len : 0;
    if (title && tlen && blen > tlen && strncmp(body, title, tlen) == 0 && body[tlen] == '\n') {
        body += tlen + 1;
        blen -= tlen + 1;
    }

    struct ddoc *d = arena_alloc(a, sizeof(*d));
    if (!d)
        return error_set(err, WSP_ENOMEM, "document arena full");
    d->a = a;
    size_t total = (title ? tlen + 1 : 0) + blen;
    char *txt = arena_alloc(a, total + 1);
    if (!txt)
        return error_set(err, WSP_ENOMEM, "document arena full");
    size_t pos = 0;
    if (title && tlen) {
        memcpy(txt, title, tlen);
        txt[tlen] = '\n';
        pos = tlen + 1;
        d->has_title = true;
        d->title_len = tlen + 1;
    }
    memcpy(txt + pos, body, blen);
    txt[total] = '\0';
    d->text = txt;
    d->len = total;
    d->url = in->url;
    if (valid_iso_date(in->published))
        d->published = arena_strndup(a, in->published, 10);
    else if (valid_iso_date(doc.published))
        d->published = arena_strndup(a, doc.published, 10);

    struct text_token *toks = NULL;
    size_t ntoks = 0;
    if (total) {
        rc = text_tokenize(m->res, txt, total, a, &toks, &ntoks, err);
        if (rc)
            return rc;
    }
    d->t = toks;
    d->n = ntoks;
    d->d = arena_alloc(a, (ntoks ? ntoks : 1) * sizeof(*d->d));
    if (!d->d)
        return error_set(err, WSP_ENOMEM, "document arena full");
    classify_prepare(w, d);

    place_resolve(m, d, out);
    date_resolve(m, d, out);
    victims_resolve(m, d, out);
    actors_resolve(m, d, out);
    double *feat = arena_alloc(a, FEAT_MAX * sizeof(double));
    if (!feat)
        return error_set(err, WSP_ENOMEM, "document arena full");
    size_t before = out->nevidence;
    classify_article(w, d, out, feat);
    role_resolve(m, d, out, doc.not_article);
    out->features = feat;
    out->nfeatures = m->nfeat;
    /* evidence order: decision first */
    if (out->nevidence > before && before > 0) {
        struct detect_evidence last = out->evidence[out->nevidence - 1];
        memmove(out->evidence + 1, out->evidence, (out->nevidence - 1) * sizeof(last));
        out->evidence[0] = last;
    }

    size_t first_body_tok =
        d->has_title && d->body_first_sent < d->nsent ? ddoc_sent_begin(d, d->body_first_sent) : 0;
    out->simhash = simhash_doc(d, first_body_tok);
    out->title = title ? arena_strndup(a, title, tlen) : NULL;
    out->body = arena_strndup(a, body, blen);
    calibrate_event(m, out); /* last: role_resolve has settled the decision */
    if (a->oom)
        return error_set(err, WSP_ENOMEM, "document arena full");
    return 0;
}
