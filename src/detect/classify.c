/*
 * Event or not, and which category.
 *
 * classify_prepare() marks every token with its longest lexicon match (data/detect/signals.tsv
 * and categories.tsv, on the lower-case form, then on the Snowball stem for "~stem" entries),
 * sums the signal weights per sentence, flags "event sentences" (a violence cue together with a
 * collective actor or a casualty cue) and finds the dateline.
 *
 * classify_article() turns the sums into the features listed in model.c (feature_names) and
 * combines them with the logistic weights of data/detect/model.tsv:
 *     p = 1 / (1 + exp(-(bias + sum_i w_i * f_i)))
 * is_conflict_event = p >= threshold. How the weights were fitted is written at the top of
 * model.tsv. The category is the arg-max of category-cue weights (title and event sentences
 * count more), unless a cause or framing trigger names a land, identity or election issue.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"

static bool is_dash(const struct ddoc *d, uint32_t i)
{
    const struct text_token *t = &d->t[i];
    if (t->kind != TOK_PUNCT)
        return false;
    unsigned char c = (unsigned char)d->text[t->off];
    if (c == '-' || c == '|')
        return true;
    /* en/em dash if the normalizer left them */
    return t->len >= 3 && c == 0xE2 && (unsigned char)d->text[t->off + 1] == 0x80 &&
           ((unsigned char)d->text[t->off + 2] == 0x93 ||
            (unsigned char)d->text[t->off + 2] == 0x94);
}

static bool all_caps_word(const struct ddoc *d, uint32_t i)
{
    const struct text_token *t = &d->t[i];
    if (t->kind != TOK_WORD || t->len < 3)
        return false;
    for (size_t k = 0; k < t->len; k++) {
        unsigned char c = (unsigned char)d->text[t->off + k];
        if (c >= 'a' && c <= 'z')
            return false;
    }
    return true;
}

static bool publisher_word(const char *lower)
{
    static const char *const pw[] = {"com",     "co",         "id",     "net",       "news",
                                     "antara",  "antaranews", "kompas", "tempo",     "detik",
                                     "tribun",  "liputan",    "viva",   "republika", "suara",
                                     "okezone", "merdeka",    "inews"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(pw); i++)
        if (strcmp(pw[i], lower) == 0)
            return true;
    return false;
}

/* Dateline: "PADANG, KOMPAS.com - ...", "Bisnis.com, JAKARTA - ...", "SINTANG, KALBAR– ...",
 * "Jakarta (ANTARA) - ...", "[JAYAPURA] ...": a short prefix of an early body sentence ending in
 * a dash, with an all-caps word or a publisher name. */
static void find_dateline(struct ddoc *d)
{
    d->dateline_start = d->dateline_end = 0;
    uint32_t last = d->body_first_sent + 10;
    if (last > d->nsent)
        last = d->nsent;
    for (uint32_t s = d->body_first_sent; s < last; s++) {
        uint32_t b = ddoc_sent_begin(d, s), e = ddoc_sent_end(d, s);
        if (b < e && d->t[b].kind == TOK_PUNCT && d->text[d->t[b].off] == '[') {
            for (uint32_t i = b + 1; i < e && i < b + 6; i++)
                if (d->t[i].kind == TOK_PUNCT && d->text[d->t[i].off] == ']') {
                    d->dateline_start = b;
                    d->dateline_end = i + 1;
                    return;
                }
        }
        for (uint32_t i = b; i < e && i < b + 10; i++) {
            if (!is_dash(d, i))
                continue;
            if (i == b)
                break;
            bool caps = false, pub = false;
            for (uint32_t k = b; k < i; k++) {
                caps |= all_caps_word(d, k);
                pub |= d->t[k].kind == TOK_WORD && publisher_word(d->t[k].lower);
            }
            /* "Kompas.com - 19/06/2022" (a stamp, no place) is harmless to mark too */
            if (caps || pub) {
                d->dateline_start = b;
                d->dateline_end = i;
                return;
            }
            break;
        }
    }
}

void classify_prepare(struct detect_worker *w, struct ddoc *d)
{
    const struct detect_model *m = w->m;
    /* sentences */
    uint32_t nsent = 0;
    for (size_t i = 0; i < d->n; i++) {
        bool title_break =
            d->has_title && i > 0 && d->t[i - 1].off < d->title_len && d->t[i].off >= d->title_len;
        if (i == 0 || d->t[i].sentence_start || title_break)
            nsent++;
        d->d[i].sent = nsent - 1;
    }
    if (nsent == 0)
        nsent = 1;
    d->nsent = nsent;
    d->sent_first = arena_alloc(d->a, (nsent + 1) * sizeof(*d->sent_first));
    d->sent_sig = arena_alloc(d->a, nsent * sizeof(*d->sent_sig));
    d->sent_event = arena_alloc(d->a, nsent * sizeof(*d->sent_event));
    if (!d->sent_first || !d->sent_sig || !d->sent_event) {
        d->n = 0;
        d->nsent = 0;
        return;
    }
    for (uint32_t s = 0; s <= nsent; s++)
        d->sent_first[s] = (uint32_t)d->n;
    for (size_t i = d->n; i-- > 0;)
        d->sent_first[d->d[i].sent] = (uint32_t)i;
    for (uint32_t s = nsent; s-- > 0;)
        if (d->sent_first[s] > d->sent_first[s + 1])
            d->sent_first[s] = d->sent_first[s + 1];
    d->body_first_sent = 0;
    if (d->has_title) {
        d->body_first_sent = nsent;
        for (size_t i = 0; i < d->n; i++)
            if (d->t[i].off >= d->title_len) {
                d->body_first_sent = d->d[i].sent;
                break;
            }
    }

    /* lexicon hits */
    bool stems = true;
    for (size_t i = 0; i < d->n; i++) {
        if (d->t[i].kind != TOK_WORD)
            continue;
        size_t nw = 0;
        const struct lex_entry *e = lex_match(&m->lex, d->t, d->n, i, &nw);
        if (!e && stems && strlen(d->t[i].lower) >= 5) {
            const char *st = worker_stem(w, d->t[i].lower, d->a);
            if (st) {
                char key[64];
                size_t sl = strlen(st);
                if (sl + 2 < sizeof(key)) {
                    key[0] = '~';
                    memcpy(key + 1, st, sl + 1);
                    e = lex_get(&m->lex, key);
                    nw = 1;
                }
            }
        }
        if (!e)
            continue;
        d->d[i].hit = e;
        d->d[i].hitlen = (uint8_t)nw;
        if (e->sig)
            d->sent_sig[d->d[i].sent][e->sig] += e->sig_w;
        i += nw - 1;
    }
    for (uint32_t s = 0; s < nsent; s++) {
        const float *sg = d->sent_sig[s];
        /* "rapat ... deteksi dini potensi bentrok antarwarga" talks about violence without
         * reporting it: a sentence whose meeting/prevention/court/sport cues outweigh its
         * violence cues is not an event sentence */
        float ctx = sg[SIG_MEETING] + sg[SIG_PREVENT] + sg[SIG_COURT] + sg[SIG_SPORT];
        d->sent_event[s] =
            sg[SIG_VIOLENCE] >= 1.0f &&
            (sg[SIG_GROUP] >= 0.5f || sg[SIG_CASUALTY] >= 0.5f || sg[SIG_VIOLENCE] >= 2.0f) &&
            ctx < sg[SIG_VIOLENCE];
    }
    find_dateline(d);
}

enum {
    F_VIOLENCE,
    F_VIOLENCE_TITLE,
    F_GROUP,
    F_CASUALTY,
    F_EVENT_SENT,
    F_EVENT_LEAD,
    F_MEETING,
    F_MEETING_TITLE,
    F_SPORT,
    F_DISASTER,
    F_ACCIDENT,
    F_COURT,
    F_PEACE,
    F_ECONOMY,
    F_CRIME,
    F_PREVENT,
    F_ANALYSIS,
    F_FOREIGN,
    F_POLICY,
    F_NEG_TITLE,
    F_VIOLENCE_RATIO,
    F_PLACE,
    F_N
};

static double lg(double x)
{
    return x > 0 ? log1p(x) : 0;
}

void classify_article(struct detect_worker *w, struct ddoc *d, struct detect_event *ev, double *f)
{
    const struct detect_model *m = w->m;
    double body[SIG_COUNT] = {0}, title[SIG_COUNT] = {0};
    uint32_t nevent = 0;
    bool lead_event = false;
    size_t nwords = 0;
    for (uint32_t s = 0; s < d->nsent; s++) {
        bool is_title = d->has_title && s < d->body_first_sent;
        for (int c = 1; c < SIG_COUNT; c++) {
            if (is_title)
                title[c] += d->sent_sig[s][c];
            else
                body[c] += d->sent_sig[s][c];
        }
        if (d->sent_event[s]) {
            nevent++;
            if (s <= d->body_first_sent + 2)
                lead_event = true;
        }
    }
    for (size_t i = 0; i < d->n; i++)
        nwords += d->t[i].kind == TOK_WORD;
    for (int i = 0; i < F_N; i++)
        f[i] = 0;
    f[F_VIOLENCE] = lg(body[SIG_VIOLENCE]);
    f[F_VIOLENCE_TITLE] = fmin(title[SIG_VIOLENCE], 3);
    f[F_GROUP] = lg(body[SIG_GROUP] + title[SIG_GROUP]);
    f[F_CASUALTY] = lg(body[SIG_CASUALTY] + title[SIG_CASUALTY]);
    f[F_EVENT_SENT] = lg(nevent);
    f[F_EVENT_LEAD] = lead_event ? 1 : 0;
    f[F_MEETING] = lg(body[SIG_MEETING]);
    f[F_MEETING_TITLE] = fmin(title[SIG_MEETING], 3);
    f[F_SPORT] = lg(body[SIG_SPORT] + title[SIG_SPORT]);
    f[F_DISASTER] = lg(body[SIG_DISASTER] + title[SIG_DISASTER]);
    f[F_ACCIDENT] = lg(body[SIG_ACCIDENT] + title[SIG_ACCIDENT]);
    f[F_COURT] = lg(body[SIG_COURT] + title[SIG_COURT]);
    f[F_PEACE] = lg(body[SIG_PEACE] + title[SIG_PEACE]);
    f[F_ECONOMY] = lg(body[SIG_ECONOMY] + title[SIG_ECONOMY]);
    f[F_CRIME] = lg(body[SIG_CRIME] + title[SIG_CRIME]);
    f[F_PREVENT] = lg(body[SIG_PREVENT] + title[SIG_PREVENT]);
    f[F_ANALYSIS] = lg(body[SIG_ANALYSIS] + title[SIG_ANALYSIS]);
    f[F_FOREIGN] = lg(body[SIG_FOREIGN] + title[SIG_FOREIGN]);
    f[F_POLICY] = lg(body[SIG_POLICY] + title[SIG_POLICY]);
    double neg_title = 0;
    for (int c = SIG_MEETING; c < SIG_COUNT; c++)
        if (c != SIG_PEACE)
            neg_title += title[c];
    f[F_NEG_TITLE] = fmin(neg_title, 3);
    f[F_VIOLENCE_RATIO] =
        nwords ? fmin(100.0 * (body[SIG_VIOLENCE] + title[SIG_VIOLENCE]) / (double)nwords, 5) : 0;
    f[F_PLACE] = ev->province ? 1 : 0;

    double z = m->bias;
    for (size_t i = 0; i < m->nfeat && i < F_N; i++)
        z += m->feat_w[i] * f[i];
    double p = 1.0 / (1.0 + exp(-z));
    ev->confidence = p;
    ev->is_conflict_event = p >= m->threshold;

    /* category: cue weights, title x2, event sentences x1.5 */
    double cat[CAT_COUNT] = {0};
    const struct lex_entry *form = NULL;
    float form_w = 0;
    uint32_t form_tok = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct lex_entry *e = d->d[i].hit;
        if (!e)
            continue;
        uint32_t s = d->d[i].sent;
        double mult = (d->has_title && s < d->body_first_sent) ? 2.0 : d->sent_event[s] ? 1.5 : 1.0;
        if (e->cat)
            cat[e->cat] += e->cat_w * mult;
        if (e->sig == SIG_VIOLENCE && e->sig_w * mult > form_w) {
            form_w = (float)(e->sig_w * mult);
            form = e;
            form_tok = (uint32_t)i;
        }
    }
    /* what the violence was about: issue cues next to a cause or framing trigger ("bentrok
     * dipicu sengketa lahan", "sengketa tanah pemicu bentrokan", "warga berlainan etnis") name the
     * issue, and SNPK codes the issue rather than the form: a clash between villages over land is
     * land_resource however often the text says "antardesa" (see categories.tsv) */
    double cause[CAT_COUNT] = {0};
    for (size_t i = 0; i < d->n; i++) {
        const struct lex_entry *e = d->d[i].hit;
        if (!e || !e->cause)
            continue;
        uint32_t s = d->d[i].sent;
        unsigned words = 0;
        for (size_t j = i + d->d[i].hitlen; j < d->n && d->d[j].sent == s && words < e->cause;
             j++) {
            if (d->t[j].kind != TOK_WORD)
                continue;
            const struct lex_entry *c = d->d[j].hit;
            words += c ? d->d[j].hitlen : 1;
            if (c && c->cat)
                cause[c->cat] += c->cat_w;
            if (c)
                j += d->d[j].hitlen - 1;
        }
        words = 0;
        for (size_t j = i; e->cause_back && j-- > 0 && d->d[j].sent == s && words < e->cause;) {
            if (d->t[j].kind != TOK_WORD)
                continue;
            words++;
            const struct lex_entry *c = d->d[j].hit;
            if (c && c->cat)
                cause[c->cat] += c->cat_w;
        }
    }
    static const enum detect_category issues[] = {CAT_LAND_RESOURCE, CAT_IDENTITY_RELIGIOUS_ETHNIC,
                                                  CAT_POLITICAL_ELECTION};
    int issue = 0;
    for (size_t k = 0; k < WSP_ARRAY_LEN(issues); k++)
        if (cause[issues[k]] >= 1.5 && cause[issues[k]] > cause[issue] + 1e-9)
            issue = (int)issues[k];
    int best = 0;
    for (int c = 1; c < CAT_COUNT; c++)
        if (cat[c] > cat[best] + 1e-9)
            best = c;
    /* separatist_armed and vigilante are defined by who acts and how (an armed separatist
     * group; a crowd punishing a suspect), not by the issue, so a stated cause does not move them
     */
    if (issue && best != CAT_SEPARATIST_ARMED && best != CAT_VIGILANTE)
        best = issue;
    if (best == 0)
        best = body[SIG_GROUP] + title[SIG_GROUP] > 0 ? CAT_INTER_GROUP_CLASH : CAT_OTHER_VIOLENCE;
    if (ev->is_conflict_event) {
        ev->category = (enum detect_category)best;
        ev->snpk_issue = m->cat_snpk[best];
    } else {
        ev->category = CAT_NONE;
        ev->snpk_issue = NULL;
    }
    if (form) {
        const struct text_token *t = &d->t[form_tok];
        ev->form = form->term[0] == '~' ? arena_strdup(d->a, t->lower) : form->term;
    }

    /* evidence: the strongest event sentence, or the strongest negative cue */
    if (ev->is_conflict_event && form) {
        const struct text_token *t = &d->t[form_tok];
        const struct text_token *z2 = &d->t[form_tok + d->d[form_tok].hitlen - 1];
        evidence_add(d, ev, t->off, z2->off + z2->len - t->off,
                     arena_printf(d->a, "violence cue '%s'%s", ev->form,
                                  d->sent_event[d->d[form_tok].sent]
                                      ? " with group actors or casualties"
                                      : ""));
    } else {
        static const char *const neg_why[SIG_COUNT] = {
            [SIG_MEETING] = "meeting or forum, not an incident",
            [SIG_SPORT] = "sports context",
            [SIG_DISASTER] = "natural disaster",
            [SIG_ACCIDENT] = "accident",
            [SIG_COURT] = "court report",
            [SIG_PEACE] = "peaceful or orderly",
            [SIG_ECONOMY] = "economy",
            [SIG_CRIME] = "individual crime",
            [SIG_PREVENT] = "prevented or planned, not happened",
            [SIG_ANALYSIS] = "analysis or study",
            [SIG_FOREIGN] = "outside Indonesia",
            [SIG_POLICY] = "policy statement",
        };
        uint32_t bi = 0;
        float bw = 0;
        for (size_t i = 0; i < d->n; i++) {
            const struct lex_entry *e = d->d[i].hit;
            if (e && e->sig >= SIG_MEETING && e->sig_w > bw) {
                bw = e->sig_w;
                bi = (uint32_t)i;
            }
        }
        if (bw > 0) {
            const struct lex_entry *e = d->d[bi].hit;
            const struct text_token *t = &d->t[bi];
            const struct text_token *z2 = &d->t[bi + d->d[bi].hitlen - 1];
            evidence_add(d, ev, t->off, z2->off + z2->len - t->off,
                         arena_printf(d->a, "%s ('%s')", neg_why[e->sig],
                                      e->term[0] == '~' ? t->lower : e->term));
        } else if (!ev->is_conflict_event) {
            evidence_add(d, ev, 0, 0, "no concrete violence between groups found");
        }
    }
}
