/*
 * Victims: killed, injured, women and children among them, and the actors of the event.
 *
 * A casualty cue (data/detect/victims.tsv: "tewas", "meninggal dunia", "luka-luka",
 * "dirawat" ...) takes the count written just before it ("dua siswa luka", "5 anggota KKB tewas",
 * "Seorang tewas") or just after it ("menewaskan 6 orang", "korban tewas sebanyak 3 orang"),
 * read with text_read_count. Vague counts ("puluhan") give nothing. Within one sentence the
 * counts of separate cues add up (parties listed separately); across sentences the largest
 * sentence total wins (the same toll is repeated by title, lead and quotes). "Tidak ada korban
 * jiwa" gives 0 when no count is found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect_internal.h"

static int vkind(const struct detect_model *m, const struct ddoc *d, size_t i, size_t *nw)
{
    *nw = 1;
    const struct lex_entry *e = lex_match(&m->victims, d->t, d->n, i, nw);
    return e ? e->cat : VIC_NONE;
}

static bool word_is(const struct ddoc *d, size_t j, const char *w)
{
    return j < d->n && d->t[j].kind == TOK_WORD && strcmp(d->t[j].lower, w) == 0;
}

static bool punct_is(const struct ddoc *d, size_t j, char c)
{
    return j < d->n && d->t[j].kind == TOK_PUNCT && d->text[d->t[j].off] == c;
}

/* A name part inside a person phrase: a capitalized word that does not start the sentence
 * ("warga Desa Renda", "perawat bernama Gabriella"). */
static bool name_word(const struct ddoc *d, size_t j)
{
    return d->t[j].kind == TOK_WORD && d->t[j].capitalized && !d->t[j].sentence_start;
}

/* The count at j is not a count of people: "RW 12", "2 ormas", "(22)" after a name. */
static bool count_of_people(const struct detect_model *m, const struct ddoc *d, size_t j,
                            const struct text_count *c)
{
    size_t nw;
    if (j > 0 && vkind(m, d, j - 1, &nw) == VIC_IDENT)
        return false;
    size_t after = j + c->ntoks;
    if (after < d->n && d->t[after].kind == TOK_WORD) {
        int k = vkind(m, d, after, &nw);
        if (k == VIC_GROUP || k == VIC_NONPERSON)
            return false;
    }
    return true;
}

#define BEFORE_WORDS 6   /* plain words between a count and its cue */
#define BEFORE_TOKENS 14 /* all tokens, names and ages included */

/* Count ending right before token `end` with at most BEFORE_WORDS plain words in between that
 * are not things (rumah, unit) or other counts; names ("warga Desa Renda", "bernama Gabriella
 * Meilani (22)") do not use up the words. Coordinated counts add up: "4 perawat dan 1 dokter
 * terluka" is 5. */
static bool count_before(const struct detect_model *m, const struct ddoc *d, size_t sb, size_t end,
                         bool wound, struct text_count *out, size_t *at)
{
    size_t lim = end > sb + BEFORE_TOKENS ? end - BEFORE_TOKENS : sb;
    int plain = 0;
    for (size_t j = end; j-- > lim;) {
        const struct text_token *t = &d->t[j];
        if (t->kind == TOK_PUNCT) {
            char c = d->text[t->off];
            if (c != '(' && c != ')' && c != '-')
                return false;
            continue;
        }
        size_t nw;
        int k = vkind(m, d, j, &nw);
        if ((k == VIC_NONPERSON && !name_word(d, j)) || k == VIC_KILLED || k == VIC_INJURED ||
            k == VIC_WOUND)
            return false;
        struct text_count c;
        if (text_read_count(d->t, d->n, j, &c) && c.ntoks > 0 && j + c.ntoks <= end) {
            /* "(22)" right after a name is an age: part of the name phrase */
            if (j > 0 && punct_is(d, j - 1, '(') && j + 1 < d->n && d->t[j + 1].kind == TOK_PUNCT)
                continue;
            if (c.value > 5000 && !c.vague)
                return false;
            if (!count_of_people(m, d, j, &c))
                return false;
            /* "7 luka tusuk": a count of wounds */
            if (wound && j + c.ntoks == end)
                return false;
            /* coordination: "empat polisi dan seorang petugas terluka" */
            size_t first = j;
            while (!c.vague && first >= sb + 3 &&
                   (word_is(d, first - 1, "dan") || word_is(d, first - 1, "serta"))) {
                size_t q = first - 1, found = 0;
                bool ok = false;
                struct text_count c2 = {0};
                for (size_t r = q; r-- > sb && r + 4 >= q;) {
                    if (d->t[r].kind == TOK_PUNCT)
                        break;
                    if (text_read_count(d->t, d->n, r, &c2) && c2.ntoks > 0 && r + c2.ntoks < q) {
                        ok = !c2.vague && count_of_people(m, d, r, &c2);
                        found = r;
                        break;
                    }
                    /* between: the noun of that count ("polisi", "petugas kebersihan") */
                    int kr = vkind(m, d, r, &nw);
                    if (kr == VIC_KILLED || kr == VIC_INJURED || kr == VIC_WOUND ||
                        kr == VIC_NONPERSON || kr == VIC_ZERO_KILLED || kr == VIC_ZERO_INJURED)
                        break;
                }
                if (!ok)
                    break;
                c.value += c2.value;
                first = found;
            }
            *out = c;
            *at = first;
            return true;
        }
        /* "seorang pria menikam tetangganya hingga tewas": the count is the agent of another
         * verb (an active me- verb between it and the cue) */
        if (t->kind == TOK_WORD && !t->capitalized && strncmp(t->lower, "me", 2) == 0 &&
            strlen(t->lower) > 5 && (t->lower[2] == 'n' || t->lower[2] == 'm'))
            return false;
        if (!name_word(d, j) && !word_is(d, j, "bernama") && !word_is(d, j, "berinisial") &&
            ++plain > BEFORE_WORDS)
            return false;
    }
    return false;
}

/* Count after the cue: "menewaskan 6 orang", "tewas sebanyak 3 orang", "luka 2 orang". */
static bool count_after(const struct detect_model *m, const struct ddoc *d, size_t start, size_t se,
                        struct text_count *out)
{
    for (size_t j = start; j < se && j < start + 4; j++) {
        const struct text_token *t = &d->t[j];
        if (t->kind == TOK_PUNCT)
            return false;
        size_t nw;
        int k = vkind(m, d, j, &nw);
        if (k == VIC_KILLED || k == VIC_INJURED || k == VIC_WOUND)
            return false;
        struct text_count c;
        if (text_read_count(d->t, d->n, j, &c) && c.ntoks > 0) {
            if (!count_of_people(m, d, j, &c))
                return false;
            size_t after = j + c.ntoks;
            /* the count must be of people: "6 orang", "3 warga", "2 anggota", or end */
            if (after < se) {
                size_t nw2;
                int k2 = vkind(m, d, after, &nw2);
                if (k2 == VIC_NONPERSON)
                    return false;
                if (k2 != VIC_PERSON && d->t[after].kind == TOK_WORD && !d->t[after].capitalized)
                    return false;
            }
            if (c.value > 5000 && !c.vague)
                return false;
            *out = c;
            return true;
        }
    }
    return false;
}

static bool is_age(const struct ddoc *d, size_t j, long *age)
{
    /* "(17)" or "berusia 14 tahun" */
    const struct text_token *t = &d->t[j];
    if (t->kind != TOK_NUMBER || t->len > 2)
        return false;
    long v = 0;
    for (size_t k = 0; k < t->len; k++)
        v = v * 10 + (d->text[t->off + k] - '0');
    bool paren = j > 0 && j + 1 < d->n && d->t[j - 1].kind == TOK_PUNCT &&
                 d->text[d->t[j - 1].off] == '(' && d->t[j + 1].kind == TOK_PUNCT &&
                 d->text[d->t[j + 1].off] == ')';
    bool usia = j > 0 && d->t[j - 1].kind == TOK_WORD &&
                (strcmp(d->t[j - 1].lower, "berusia") == 0 ||
                 strcmp(d->t[j - 1].lower, "usia") == 0 || strcmp(d->t[j - 1].lower, "umur") == 0);
    if (!paren && !usia)
        return false;
    *age = v;
    return true;
}

void victims_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev)
{
    /* [0] sentences about the event, [1] about another incident or a rumour (fallback) */
    long best_k[2] = {-1, -1}, best_i[2] = {-1, -1};
    bool zero_k = false, zero_i = false;
    bool wc = false;
    size_t ev_k_off[2] = {0}, ev_k_len[2] = {0}, ev_i_off[2] = {0}, ev_i_len[2] = {0};
    for (uint32_t s = 0; s < d->nsent; s++) {
        uint32_t sb = ddoc_sent_begin(d, s), se = ddoc_sent_end(d, s);
        long sum_k = -1, sum_i = -1;
        bool victim_sentence = false, wc_word = false, minor = false;
        int bg = d->sent_background && d->sent_background[s];
        bool phrase_bg = false;
        size_t k_off = 0, k_end = 0, i_off = 0, i_end = 0;
        long last_k = -1, last_i = -1;
        for (size_t i = sb; i < se; i++) {
            if (d->t[i].kind != TOK_WORD && d->t[i].kind != TOK_NUMBER)
                continue;
            long age;
            if (is_age(d, i, &age) && age > 0 && age < 18)
                minor = true;
            if (d->t[i].kind != TOK_WORD)
                continue;
            size_t nw;
            int k = vkind(m, d, i, &nw);
            if (k == VIC_NONE)
                continue;
            if (k == VIC_WOMEN_CHILD)
                wc_word = true;
            if (k == VIC_VICTIM_CTX)
                victim_sentence = true;
            if (k == VIC_BACKGROUND)
                phrase_bg = true;
            if (k == VIC_ZERO_KILLED) {
                zero_k = true;
                victim_sentence = true;
            }
            if (k == VIC_ZERO_INJURED) {
                zero_i = true;
                victim_sentence = true;
            }
            if (k == VIC_KILLED || k == VIC_INJURED || k == VIC_WOUND) {
                victim_sentence = true;
                bool wound = k == VIC_WOUND;
                if (wound)
                    k = VIC_INJURED;
                struct text_count c = {0};
                size_t at = i;
                bool got = count_before(m, d, sb, i, wound, &c, &at);
                if (!got)
                    got = count_after(m, d, i + nw, se, &c);
                if (got && !c.vague) {
                    long *sum = k == VIC_KILLED ? &sum_k : &sum_i;
                    long *last = k == VIC_KILLED ? &last_k : &last_i;
                    /* the same count right again ("dua orang tewas, keduanya tewas") once */
                    /* ... but "seorang lainnya", "dua lagi" are other people */
                    size_t nx = at + c.ntoks;
                    bool other = word_is(d, nx, "lainnya") || word_is(d, nx, "lain") ||
                                 word_is(d, nx, "lagi");
                    if (*last != c.value || at == i || other)
                        *sum = (*sum < 0 ? 0 : *sum) + c.value;
                    *last = c.value;
                    size_t off = d->t[at < i ? at : i].off;
                    size_t end = d->t[i + nw - 1].off + d->t[i + nw - 1].len;
                    if (k == VIC_KILLED) {
                        k_off = off;
                        k_end = end;
                    } else {
                        i_off = off;
                        i_end = end;
                    }
                }
            }
            i += nw - 1;
        }
        /* "juga pernah terjadi", "informasi yang beredar": not the event's toll at all */
        if (phrase_bg)
            sum_k = sum_i = -1;
        if (sum_k > best_k[bg]) {
            best_k[bg] = sum_k;
            ev_k_off[bg] = k_off;
            ev_k_len[bg] = k_end - k_off;
        }
        if (sum_i > best_i[bg]) {
            best_i[bg] = sum_i;
            ev_i_off[bg] = i_off;
            ev_i_len[bg] = i_end - i_off;
        }
        if (victim_sentence && (wc_word || minor))
            wc = true;
    }
    int fk = best_k[0] >= 0 || zero_k ? 0 : 1, fi = best_i[0] >= 0 || zero_i ? 0 : 1;
    ev->killed = best_k[fk] >= 0 ? best_k[fk] : zero_k ? 0 : -1;
    ev->injured = best_i[fi] >= 0 ? best_i[fi] : zero_i ? 0 : -1;
    ev->women_children_victims = wc;
    if (ev->killed > 0)
        evidence_add(d, ev, ev_k_off[fk], ev_k_len[fk],
                     arena_printf(d->a, "killed: %ld", ev->killed));
    if (ev->injured > 0)
        evidence_add(d, ev, ev_i_off[fi], ev_i_len[fi],
                     arena_printf(d->a, "injured: %ld", ev->injured));
}

/* ---- actors ---------------------------------------------------------------------------- */

#define MAX_ACTORS 8

static bool add_actor(struct detect_event *ev, const char **list, const char *s)
{
    for (size_t i = 0; i < ev->nactors; i++)
        if (strcasecmp(list[i], s) == 0)
            return false;
    if (ev->nactors >= MAX_ACTORS)
        return false;
    list[ev->nactors++] = s;
    return true;
}

void actors_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev)
{
    const char **list = arena_alloc(d->a, MAX_ACTORS * sizeof(*list));
    ev->actors = list;
    ev->nactors = 0;
    if (!list)
        return;
    for (uint32_t s = 0; s < d->nsent && ev->nactors < MAX_ACTORS; s++) {
        bool useful = d->sent_event[s] || s <= d->body_first_sent + 1;
        if (!useful)
            continue;
        uint32_t sb = ddoc_sent_begin(d, s), se = ddoc_sent_end(d, s);
        for (size_t i = sb; i < se; i++) {
            size_t nw = 1;
            const struct lex_entry *e = lex_match(&m->actors, d->t, d->n, i, &nw);
            if (!e)
                continue;
            size_t end = i + nw;
            if (e->cat == 1) {
                /* head: take following names ("warga Desa Roka", "ormas Forkabi") */
                size_t j = end;
                while (j < se && j < end + 4 && d->t[j].kind == TOK_WORD &&
                       (d->t[j].capitalized || strcmp(d->t[j].lower, "desa") == 0 ||
                        strcmp(d->t[j].lower, "kampung") == 0))
                    j++;
                end = j;
            }
            const struct text_token *a = &d->t[i], *z = &d->t[end - 1];
            char *span = arena_strndup(d->a, d->text + a->off, z->off + z->len - a->off);
            if (span)
                add_actor(ev, list, span);
            i = end - 1;
        }
    }
}
