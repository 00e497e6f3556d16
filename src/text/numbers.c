/*
 * Counts: digits with thousand separators, number words, vague amounts. Number words are
 * recognized by the tokenizer (token.num_kind from data/text/numbers.tsv), so this file needs
 * no resources.
 */
#include <string.h>

#include "text/text_internal.h"

#define COUNT_MAX 1000000000000L /* 10^12: more is not a count of anything we report */

static bool adjacent(const struct text_token *a, const struct text_token *b)
{
    return a->off + a->len == b->off;
}

static bool is_sep_punct(const struct text_token *t)
{
    return t->kind == TOK_PUNCT && (t->lower[0] == '/' || t->lower[0] == ':') && !t->lower[1];
}

/* Part of a date, time or ratio: NUMBER touching '/' or ':' touching NUMBER. */
static bool in_date(const struct text_token *toks, size_t n, size_t i)
{
    if (i + 2 < n && is_sep_punct(&toks[i + 1]) && toks[i + 2].kind == TOK_NUMBER &&
        adjacent(&toks[i], &toks[i + 1]) && adjacent(&toks[i + 1], &toks[i + 2]))
        return true;
    if (i >= 2 && is_sep_punct(&toks[i - 1]) && toks[i - 2].kind == TOK_NUMBER &&
        adjacent(&toks[i - 1], &toks[i]) && adjacent(&toks[i - 2], &toks[i - 1]))
        return true;
    return false;
}

/* Value of a NUMBER token in thousandths (to carry "1,5" to "1,5 juta"). Returns false for a
 * form that is not a number of things ("18.30"). *decimal says a ',' fraction was present. */
static bool digits_value(const char *s, long *milli, bool *decimal)
{
    long v = 0;
    size_t i = 0, ndig = 0;
    *decimal = false;
    while (s[i] >= '0' && s[i] <= '9') {
        if (++ndig > 13)
            return false;
        v = v * 10 + (s[i++] - '0');
    }
    while (s[i] == '.') { /* thousands: groups of exactly three digits */
        size_t g = 0;
        i++;
        while (s[i] >= '0' && s[i] <= '9') {
            if (++ndig > 13)
                return false;
            v = v * 10 + (s[i++] - '0');
            g++;
        }
        if (g != 3)
            return false;
    }
    long frac = 0;
    if (s[i] == ',') {
        size_t g = 0;
        i++;
        *decimal = true;
        while (s[i] >= '0' && s[i] <= '9') {
            if (g < 3)
                frac = frac * 10 + (s[i] - '0');
            g++;
            i++;
        }
        for (; g < 3; g++)
            frac *= 10;
    }
    if (s[i] != '\0' || v > COUNT_MAX)
        return false;
    *milli = v * 1000 + frac;
    return true;
}

static bool is_kind(const struct text_token *t, enum text_num_kind k)
{
    return t->kind == TOK_WORD && t->num_kind == k;
}

/* Number words from i: returns tokens consumed (0 when none) and the value. */
static size_t read_words(const struct text_token *toks, size_t n, size_t i, long *value)
{
    long total = 0, group = 0, unit = -1; /* unit: a digit word waiting for its multiplier */
    size_t j = i;
    for (; j < n && toks[j].kind == TOK_WORD; j++) {
        const struct text_token *t = &toks[j];
        long v = (long)t->num_value;
        switch (t->num_kind) {
        case NUM_UNIT:
            if (unit >= 0)
                goto done;
            unit = v;
            continue;
        case NUM_TEEN:
            if (unit < 1)
                goto done;
            group += unit + v;
            unit = -1;
            continue;
        case NUM_MULT:
            if (unit < 1)
                goto done;
            group += unit * v;
            unit = -1;
            continue;
        case NUM_FIXED:
            if (unit >= 0)
                goto done;
            group += v;
            continue;
        case NUM_BIG: {
            long g = group + (unit > 0 ? unit : 0);
            if (g <= 0 || g > COUNT_MAX / v)
                goto done;
            total += g * v;
            group = 0;
            unit = -1;
            continue;
        }
        case NUM_SEBIG:
            if (unit >= 0 || group)
                goto done;
            total += v;
            continue;
        default:
            goto done;
        }
    }
done:
    if (j == i)
        return 0;
    /* a trailing word that cannot stand alone ("puluh") is given back */
    if (toks[j - 1].num_kind == NUM_BIG && j - 1 == i)
        return 0;
    if (toks[i].num_kind == NUM_TEEN || toks[i].num_kind == NUM_MULT)
        return 0;
    *value = total + group + (unit > 0 ? unit : 0);
    if (unit == 0 && j == i + 1)
        *value = 0; /* "nol" */
    return *value > COUNT_MAX ? 0 : j - i;
}

static bool read_at(const struct text_token *toks, size_t n, size_t i, struct text_count *out,
                    bool allow_total);

bool text_read_count(const struct text_token *toks, size_t n, size_t i, struct text_count *out)
{
    return read_at(toks, n, i, out, true);
}

static bool read_at(const struct text_token *toks, size_t n, size_t i, struct text_count *out,
                    bool allow_total)
{
    struct text_count c = {0};
    if (out)
        *out = c;
    if (!toks || i >= n || !out)
        return false;
    const struct text_token *t = &toks[i];
    if (!t->lower)
        return false;

    if (t->kind == TOK_NUMBER) {
        long milli;
        bool dec;
        if (in_date(toks, n, i) || !digits_value(t->lower, &milli, &dec))
            return false;
        c.ntoks = 1;
        if (i + 1 < n && is_kind(&toks[i + 1], NUM_BIG)) {
            long m = (long)toks[i + 1].num_value;
            if (milli <= 0 || milli / 1000 > COUNT_MAX / m)
                return false;
            c.value = milli / 1000 * m + milli % 1000 * (m / 1000);
            c.ntoks = 2;
        } else if (dec) {
            return false;
        } else {
            c.value = milli / 1000;
        }
        *out = c;
        return true;
    }
    if (t->kind != TOK_WORD)
        return false;

    switch (t->num_kind) {
    case NUM_SINGLE:
        c.value = t->num_value;
        c.ntoks = 1;
        break;
    case NUM_TOTAL: {
        struct text_count next;
        if (allow_total && read_at(toks, n, i + 1, &next, false)) {
            c = next;
            c.ntoks++;
            break;
        }
        if (!t->num_value)
            return false;
        c.value = t->num_value;
        c.vague = true;
        c.ntoks = 1;
        break;
    }
    case NUM_VAGUE: {
        long v = t->num_value;
        size_t j = i + 1;
        if (j < n && is_kind(&toks[j], NUM_MULT) && toks[i].num_value < 10) {
            v *= (long)toks[j].num_value; /* "beberapa ratus" */
            j++;
        }
        if (j < n && is_kind(&toks[j], NUM_BIG)) {
            long m = (long)toks[j].num_value;
            if (v > COUNT_MAX / m)
                return false;
            v *= m;
            j++;
        }
        c.value = v;
        c.vague = true;
        c.ntoks = j - i;
        break;
    }
    default: {
        long v;
        size_t k = read_words(toks, n, i, &v);
        if (!k)
            return false;
        c.value = v;
        c.ntoks = k;
        break;
    }
    }
    *out = c;
    return true;
}
