/*
 * Indonesian dates. detect_find_dates() scans raw bytes (it has its own small scanner, so it
 * can run on any input and be fuzzed on its own) for:
 *   [Hari][,] D Bulan YYYY      "Selasa, 23 Februari 2021", "23 Agt 2021"
 *   [Hari] [(]D/M[/YY[YY]][)]    "Senin (1/3/2021)", "Rabu (31/10) malam", "23/2/2021"
 *   D Bulan                      "23 Februari" (year from published)
 *   Hari [pagi|malam|...]        "Minggu malam": the most recent such day on or before published
 *   kemarin, hari ini, tadi malam, N hari (yang) lalu, pekan lalu (approximate)
 * A day and month without a year take the latest such day not after published ("28 Desember"
 * published 2024-01-03 is 2023-12-28); a day name next to them may move them by a day, never
 * past published. Words (months with abbreviations, day names, relative words, number words)
 * come from data/detect/dates.tsv.
 *
 * date_resolve() picks the date of the event among them. Publication stamps, photo captions,
 * earlier incidents and days after publication are no date of the event; when the text gives
 * no other, the event date is the published date (without one, a publication stamp in the
 * text) with time_precision 2, as the article reports something recent; else null.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"

/* ---- calendar -------------------------------------------------------------------------- */

/* The detector's plausible years; the arithmetic is base's (date_*). */
static bool valid_ymd(int y, int m, int d)
{
    return y >= 1900 && y <= 2100 && date_ymd_valid(y, m, d);
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool parse_pub(const char *pub, long *days)
{
    if (!pub || strlen(pub) < 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? pub[i] != '-' : !isdigit((unsigned char)pub[i]))
            return false;
    int y = digits(pub, 4), m = digits(pub + 5, 2), d = digits(pub + 8, 2);
    if (!valid_ymd(y, m, d))
        return false;
    *days = date_days_from_civil(y, m, d);
    return true;
}

/* ---- scanner --------------------------------------------------------------------------- */

enum stok_kind { ST_WORD, ST_NUM, ST_PUNCT };

struct stok {
    enum stok_kind kind;
    size_t off, len;
    char w[24]; /* lower-case word (truncated) */
    int num;    /* value of a number of up to 4 digits, else -1 */
    bool cap;
};

static size_t scan(const char *s, size_t len, struct stok *t, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        unsigned char c = (unsigned char)s[i];
        if (isalpha(c)) {
            struct stok *k = &t[n++];
            k->kind = ST_WORD;
            k->off = i;
            k->cap = isupper(c);
            size_t wl = 0;
            while (i < len && (isalpha((unsigned char)s[i]) || s[i] == '\'')) {
                if (wl + 1 < sizeof(k->w) && s[i] != '\'')
                    k->w[wl++] = (char)tolower((unsigned char)s[i]);
                i++;
            }
            k->w[wl] = '\0';
            k->len = i - k->off;
            k->num = -1;
        } else if (isdigit(c)) {
            struct stok *k = &t[n++];
            k->kind = ST_NUM;
            k->off = i;
            while (i < len && isdigit((unsigned char)s[i]))
                i++;
            k->len = i - k->off;
            k->num = k->len <= 4 ? digits(s + k->off, k->len) : -1;
            k->w[0] = '\0';
            k->cap = false;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c >= 0x80) {
            i++;
        } else {
            struct stok *k = &t[n++];
            k->kind = ST_PUNCT;
            k->off = i;
            k->len = 1;
            k->w[0] = (char)c;
            k->w[1] = '\0';
            k->num = -1;
            k->cap = false;
            i++;
        }
    }
    return n;
}

/* Date word at token i (longest multi-word match), kind and value. */
static int dword(const struct detect_model *m, const struct stok *t, size_t n, size_t i, int *value,
                 size_t *nw)
{
    if (i >= n || t[i].kind != ST_WORD)
        return DW_NONE;
    const struct lexicon *lx = &m->dates.lx;
    char key[96];
    size_t kl = 0;
    int kind = DW_NONE;
    for (size_t k = 0; k < 3 && i + k < n && t[i + k].kind == ST_WORD; k++) {
        size_t wl = strlen(t[i + k].w);
        if (kl + wl + 2 >= sizeof(key))
            break;
        if (k)
            key[kl++] = ' ';
        memcpy(key + kl, t[i + k].w, wl);
        kl += wl;
        key[kl] = '\0';
        const struct lex_entry *e = lex_find(lx, key, kl);
        if (!e)
            break; /* no term starts with these words (lex_add indexes every word prefix) */
        if (e->real) {
            kind = e->cat;
            *value = (int)e->sig_w;
            *nw = k + 1;
        }
        if (!e->prefix)
            break;
    }
    return kind;
}

static bool is_p(const struct stok *t, size_t n, size_t i, char c)
{
    return i < n && t[i].kind == ST_PUNCT && t[i].w[0] == c;
}

/* Time of day words between a day name and its date: "Senin malam (1/3)". */
static bool time_of_day(const char *w)
{
    static const char *const tod[] = {"pagi", "siang", "sore", "malam",   "petang",  "dini",
                                      "hari", "subuh", "lalu", "kemarin", "sekitar", "pukul"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(tod); i++)
        if (strcmp(tod[i], w) == 0)
            return true;
    return false;
}

static int year_of(int v, size_t ndig)
{
    if (ndig == 2)
        return v <= 69 ? 2000 + v : 1900 + v;
    return ndig == 4 ? v : -1;
}

/* Year for a day and month written without one: the latest such date not after published
 * ("28 Desember" published 2024-01-03 is 2023-12-28, "3 Januari" is 2024-01-03), or -1 when
 * neither that year nor the one before has the day (29/2, 31/9). */
static int infer_year(long pub, int m, int d)
{
    int py, pm, pd;
    date_civil_from_days(pub, &py, &pm, &pd);
    for (int y = py; y >= py - 1; y--)
        if (valid_ymd(y, m, d) && date_days_from_civil(y, m, d) <= pub)
            return y;
    return -1;
}

/* After a date: ", 17:58 WIB", " 17:58", " | 20:43" or " - 19:12" makes it a publication
 * stamp. */
static bool stamp_after(const struct stok *t, size_t n, size_t j)
{
    if (is_p(t, n, j, ',') || is_p(t, n, j, '|') || is_p(t, n, j, '-'))
        j++;
    if (j + 2 < n && t[j].kind == ST_NUM && t[j].len <= 2 &&
        (is_p(t, n, j + 1, ':') || is_p(t, n, j + 1, '.')) && t[j + 2].kind == ST_NUM &&
        t[j + 2].len == 2)
        return true;
    return false;
}

/* A day name that does not fit the date: the day number is often off by one ("Kamis (8/3)"
 * for Thursday 7 March), and the day name is the better witness. Returns the fitted day. */
static long fit_weekday(long days, int wd)
{
    if (wd < 0 || date_weekday(days) == wd)
        return days;
    if (date_weekday(days - 1) == wd)
        return days - 1;
    if (date_weekday(days + 1) == wd)
        return days + 1;
    return days;
}

/* The day y-m-d, or the day before or after it, whose day name is wd (the number is often off
 * by one: "Kamis (8/3)" for Thursday 7 March), not after pub; -1 when none. */
static long weekday_fit_by(int y, int m, int d, int wd, long pub)
{
    if (!valid_ymd(y, m, d))
        return -1;
    long days = date_days_from_civil(y, m, d);
    static const int shift[] = {0, -1, 1};
    for (size_t k = 0; k < WSP_ARRAY_LEN(shift); k++)
        if (days + shift[k] <= pub && date_weekday(days + shift[k]) == wd)
            return days + shift[k];
    return -1;
}

/* A day and month without a year, with day name wd (or -1), in an article published on pub:
 * the latest such day not after pub (infer_year). The day name may move it by a day, never
 * past pub, and breaks the tie between this year and last year when this year's day is just
 * after pub ("Kamis (8/3)" published Thursday 2013-03-07 is that day, not 2012-03-08). When
 * the day name fits neither, the latest day stands. -1 when there is no such day. */
static long infer_day_pub(long pub, int m, int d, int wd)
{
    int y = infer_year(pub, m, d);
    if (y < 0)
        return -1;
    if (wd < 0)
        return date_days_from_civil(y, m, d);
    int py, pm, pd;
    date_civil_from_days(pub, &py, &pm, &pd);
    long fit = weekday_fit_by(py, m, d, wd, pub);
    if (fit < 0 && y != py)
        fit = weekday_fit_by(y, m, d, wd, pub);
    return fit >= 0 ? fit : date_days_from_civil(y, m, d);
}

/* Year for a day and month without one when the anchor is not a publication date but the
 * latest date written in the text or the month of the URL: the event may come after it, so
 * take the year around the anchor whose calendar fits the day name. */
static int infer_year_weekday(long anchor, int m, int d, int wd)
{
    int ay, am, ad;
    date_civil_from_days(anchor, &ay, &am, &ad);
    int best = -1;
    long bestdist = 0;
    for (int y = ay - 1; y <= ay + 1; y++) {
        if (!valid_ymd(y, m, d) || date_weekday(date_days_from_civil(y, m, d)) != wd)
            continue;
        long dist = labs(date_days_from_civil(y, m, d) - anchor);
        if (best < 0 || dist < bestdist) {
            best = y;
            bestdist = dist;
        }
    }
    return best;
}

/* A day and month without a year resolved against pub: a publication date (infer_day_pub)
 * or a loose anchor (infer_year_weekday, else the latest such day not after it). -1 when
 * there is no such day. */
static long relative_day(long pub, bool loose, int m, int d, int wd)
{
    if (!loose)
        return infer_day_pub(pub, m, d, wd);
    int y = wd >= 0 ? infer_year_weekday(pub, m, d, wd) : -1;
    if (y < 0)
        y = infer_year(pub, m, d);
    return y < 0 ? -1 : fit_weekday(date_days_from_civil(y, m, d), wd);
}

static bool emit(struct detect_date *out, size_t max, size_t *nout, long days, int precision,
                 size_t off, size_t end, bool weekday, bool relative, bool stamp)
{
    int y, m, d;
    date_civil_from_days(days, &y, &m, &d);
    if (!valid_ymd(y, m, d) || *nout >= max)
        return false;
    struct detect_date *o = &out[(*nout)++];
    o->y = y;
    o->m = m;
    o->d = d;
    o->precision = precision;
    o->off = off;
    o->len = end - off;
    /* a day name that does not fit even after fit_weekday: the date is inconsistent */
    o->weekday = weekday;
    o->relative = relative;
    o->stamp = stamp;
    return true;
}

#define SCAN_MAX 4096

/* loose: published is only an approximate anchor (a date of the text, the month of the URL),
 * so expressions relative to the publication day ("kemarin", "Senin") are not resolved. */
static size_t find_dates(const struct detect_model *m, const char *s, size_t len,
                         const char *published, bool loose, struct detect_date *out, size_t max)
{
    if (!m || !s || !out || !max)
        return 0;
    long pub = 0;
    bool have_pub = parse_pub(published, &pub);
    size_t nout = 0;
    struct stok *t = xmalloc(SCAN_MAX * sizeof(*t));
    size_t base = 0;
    while (base < len && nout < max) {
        /* scan in windows so memory stays bounded on huge inputs */
        size_t chunk = len - base;
        if (chunk > 32768) {
            chunk = 32768;
            while (chunk > 16384 && s[base + chunk] != '\n' && s[base + chunk] != '.')
                chunk--;
        }
        size_t n = scan(s + base, chunk, t, SCAN_MAX);
        for (size_t k = 0; k < n; k++)
            t[k].off += base;
        size_t consumed_until = n;
        for (size_t i = 0; i < n && nout < max; i++) {
            int val = 0, wd = -1;
            size_t nw = 0, start = i, j = i;
            int kind = dword(m, t, n, i, &val, &nw);
            /* "Pasar Minggu", "Jalan Senin": a place named after a day */
            if (kind == DW_WEEKDAY && i > 0 && t[i - 1].cap &&
                t[i - 1].off + t[i - 1].len < t[i].off) {
                int pv = 0;
                size_t pn = 0;
                if (dword(m, t, n, i - 1, &pv, &pn) == DW_PLACE_HEAD && pn == 1)
                    kind = DW_NONE;
            }
            /* optional day name */
            if (kind == DW_WEEKDAY && (t[i].cap || strcmp(t[i].w, "minggu") != 0)) {
                wd = val;
                j = i + nw;
                if (is_p(t, n, j, ','))
                    j++;
                while (j < n && t[j].kind == ST_WORD && time_of_day(t[j].w) && j < i + 4)
                    j++;
                if (is_p(t, n, j, ','))
                    j++;
            } else if (kind == DW_WEEKDAY) {
                /* lower-case "minggu": a week ("dua minggu lalu"), not Sunday */
                kind = DW_NONE;
            }
            bool paren = is_p(t, n, j, '(');
            size_t p = paren ? j + 1 : j;
            /* D/M[/Y] or D-M-Y */
            if (p + 2 < n && t[p].kind == ST_NUM && t[p].len <= 2 &&
                (is_p(t, n, p + 1, '/') || is_p(t, n, p + 1, '-')) && t[p + 2].kind == ST_NUM &&
                t[p + 2].len <= 2) {
                char sep = t[p + 1].w[0];
                int dd = t[p].num, mm = t[p + 2].num, yy = -1;
                size_t e = p + 3;
                if (is_p(t, n, e, sep) && e + 1 < n && t[e + 1].kind == ST_NUM &&
                    (t[e + 1].len == 4 || t[e + 1].len == 2)) {
                    yy = year_of(t[e + 1].num, t[e + 1].len);
                    e += 2;
                } else if (sep == '-' && wd < 0) {
                    i = p + 2; /* "3-2" is a score or a range, not a date */
                    continue;
                }
                if (paren && is_p(t, n, e, ')'))
                    e++;
                bool relative = yy < 0;
                long days = -1;
                if (!relative && valid_ymd(yy, mm, dd)) {
                    days = date_days_from_civil(yy, mm, dd);
                    /* a day name that does not fit: the year next to it may be a typo */
                    if (wd >= 0 && date_weekday(days) != wd && have_pub) {
                        for (int dy = 1; dy >= -1; dy -= 2)
                            if (valid_ymd(yy + dy, mm, dd) &&
                                date_weekday(date_days_from_civil(yy + dy, mm, dd)) == wd &&
                                date_days_from_civil(yy + dy, mm, dd) <= pub + 1) {
                                days = date_days_from_civil(yy + dy, mm, dd);
                                break;
                            }
                    }
                    days = fit_weekday(days, wd);
                } else if (relative && have_pub) {
                    days = relative_day(pub, loose, mm, dd, wd);
                }
                if (days >= 0) {
                    bool st = stamp_after(t, n, e);
                    emit(out, max, &nout, days, 1, t[start].off, t[e - 1].off + t[e - 1].len,
                         wd >= 0, relative, st);
                    i = e - 1;
                    continue;
                }
                i = e - 1;
                continue;
            }
            /* D Bulan [YYYY] */
            if (p + 1 < n && t[p].kind == ST_NUM && t[p].len <= 2) {
                int mv = 0;
                size_t mw = 0;
                if (dword(m, t, n, p + 1, &mv, &mw) == DW_MONTH) {
                    int dd = t[p].num, yy = -1;
                    size_t e = p + 1 + mw;
                    if (is_p(t, n, e, '.')) /* "Agt." */
                        e++;
                    if (e < n && t[e].kind == ST_NUM && t[e].len == 4) {
                        yy = t[e].num;
                        e++;
                    }
                    bool relative = yy < 0;
                    long days = -1;
                    if (!relative && valid_ymd(yy, mv, dd))
                        days = fit_weekday(date_days_from_civil(yy, mv, dd), wd);
                    else if (relative && have_pub)
                        days = relative_day(pub, loose, mv, dd, wd);
                    if (paren && is_p(t, n, e, ')'))
                        e++;
                    if (days >= 0) {
                        bool st = stamp_after(t, n, e);
                        emit(out, max, &nout, days, 1, t[start].off, t[e - 1].off + t[e - 1].len,
                             wd >= 0, relative, st);
                    }
                    i = e - 1;
                    continue;
                }
            }
            /* ISO YYYY-MM-DD (metadata, stamps) */
            if (kind == DW_NONE && t[i].kind == ST_NUM && t[i].len == 4 && i + 4 < n &&
                is_p(t, n, i + 1, '-') && t[i + 2].kind == ST_NUM && t[i + 2].len == 2 &&
                is_p(t, n, i + 3, '-') && t[i + 4].kind == ST_NUM && t[i + 4].len == 2) {
                int yy = t[i].num, mm = t[i + 2].num, dd = t[i + 4].num;
                if (valid_ymd(yy, mm, dd))
                    emit(out, max, &nout, date_days_from_civil(yy, mm, dd), 1, t[i].off,
                         t[i + 4].off + t[i + 4].len, false, false, true);
                i += 4;
                continue;
            }
            if (!have_pub || loose)
                continue;
            /* a day name alone: the most recent such day on or before published */
            if (wd >= 0) {
                long days = pub - ((date_weekday(pub) - wd + 7) % 7);
                size_t e = i + nw;
                emit(out, max, &nout, days, 1, t[i].off, t[e - 1].off + t[e - 1].len, true, true,
                     false);
                i = e - 1;
                continue;
            }
            if (kind == DW_REL_DAY || kind == DW_REL_WEEK) {
                size_t e = i + nw;
                emit(out, max, &nout, pub - val, kind == DW_REL_WEEK ? 2 : 1, t[i].off,
                     t[e - 1].off + t[e - 1].len, false, true, false);
                i = e - 1;
                continue;
            }
            /* N hari (yang) lalu */
            int nval = -1;
            size_t nn = 0;
            if (t[i].kind == ST_NUM && t[i].len <= 2) {
                nval = t[i].num;
                nn = 1;
            } else if (kind == DW_NUMBER) {
                nval = val;
                nn = nw;
            }
            if (nval >= 0 && nval <= 31) {
                int uv = 0, av = 0;
                size_t un = 0, an = 0;
                int uk = dword(m, t, n, i + nn, &uv, &un);
                if (uk == DW_UNIT_DAY || uk == DW_REL_WEEK) {
                    int ak = dword(m, t, n, i + nn + un, &av, &an);
                    if (ak == DW_AGO) {
                        size_t e = i + nn + un + an;
                        long back = uk == DW_UNIT_DAY ? nval : nval * 7L;
                        emit(out, max, &nout, pub - back, uk == DW_UNIT_DAY ? 1 : 2, t[i].off,
                             t[e - 1].off + t[e - 1].len, false, true, false);
                        i = e - 1;
                        continue;
                    }
                }
            }
        }
        if (consumed_until == SCAN_MAX && n > 0) {
            /* token buffer full: continue after the last token scanned */
            size_t next = t[n - 1].off + t[n - 1].len;
            base = next > base ? next : base + chunk;
        } else {
            base += chunk;
        }
    }
    free(t);
    return nout;
}

size_t detect_find_dates(const struct detect_model *m, const char *s, size_t len,
                         const char *published, struct detect_date *out, size_t max)
{
    return find_dates(m, s, len, published, false, out, max);
}

/* ---- the event's date ------------------------------------------------------------------ */

static uint32_t sent_of_off(const struct ddoc *d, size_t off)
{
    /* last token starting at or before off */
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

#define MAX_DATES 64

/* First token at or after byte off. */
static size_t tok_at(const struct ddoc *d, size_t off)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->t[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Context kind of the date words starting at token k ("bermula dari" is two). */
static int ctx_kind(const struct detect_model *m, const struct ddoc *d, size_t k)
{
    if (d->t[k].kind != TOK_WORD)
        return DW_NONE;
    size_t nw = 1;
    const struct lex_entry *e = lex_match(&m->dates.lx, d->t, d->n, k, &nw);
    return e ? e->cat : DW_NONE;
}

/* What the words before a date (token ti, sentence starting at token sb) say about it. */
struct date_ctx {
    bool report;  /* "..., kata Kapolres Budi kepada wartawan, Senin (1/3)" */
    bool occur;   /* "bentrok terjadi pada Senin (1/3)" */
    bool cause;   /* "dipicu pengeroyokan terhadap anggota TNI, Sabtu (22/2)" */
    bool until;   /* "hingga Ahad (29/8)" */
    bool caption; /* "Ilustrasi: ..." */
    bool past;    /* "bentrokan juga pernah terjadi pada 21 September": an earlier incident */
    bool misfit;  /* a day name that fits neither the date nor a day next to it */
};

#define CTX_WINDOW 24

/* "Foto:" (also "Foto :"): the label of a photo caption. The word alone is not one ("foto
 * bersama", "merekam foto"). */
static bool photo_label(const struct ddoc *d, size_t k, size_t se)
{
    return d->t[k].kind == TOK_WORD && strcmp(d->t[k].lower, "foto") == 0 && k + 1 < se &&
           d->t[k + 1].kind == TOK_PUNCT && d->text[d->t[k + 1].off] == ':';
}

static void date_context(const struct detect_model *m, const struct ddoc *d, size_t sb, size_t se,
                         size_t ti, long days, struct date_ctx *c)
{
    memset(c, 0, sizeof(*c));
    /* a statement: back over names, punctuation and attribution words to a statement verb */
    int other = 0;
    for (size_t k = ti; k-- > sb && k + CTX_WINDOW > ti;) {
        const struct text_token *t = &d->t[k];
        if (t->kind == TOK_PUNCT) {
            char ch = d->text[t->off];
            if (ch == '.' || ch == '!' || ch == '?' || ch == ';' || ch == ':')
                break;
            continue;
        }
        int kd = ctx_kind(m, d, k);
        if (kd == DW_REPORT) {
            c->report = true;
            break;
        }
        if (kd == DW_OCCUR || kd == DW_CAUSE)
            break;
        if (kd == DW_ATTRIB || kd == DW_WEEKDAY || kd == DW_UNIT_DAY || kd == DW_REL_DAY ||
            (t->capitalized && !t->sentence_start) || t->kind == TOK_NUMBER)
            continue;
        if (++other > 1)
            break;
    }
    /* the nearest occurrence or trigger word before the date in its clause */
    for (size_t k = ti; k-- > sb && k + CTX_WINDOW > ti;) {
        int kd = ctx_kind(m, d, k);
        if (kd == DW_OCCUR) {
            c->occur = true;
            break;
        }
        if (kd == DW_CAUSE) {
            c->cause = true;
            break;
        }
        if (kd == DW_REPORT)
            break;
    }
    /* "juga pernah terjadi pada ...": an earlier incident, whatever the verb; but "bentrokan
     * serupa kembali terjadi pada ..." is this one, happening again */
    for (size_t k = ti; k-- > sb && k + CTX_WINDOW > ti;) {
        if (d->t[k].kind == TOK_WORD && strcmp(d->t[k].lower, "kembali") == 0)
            break;
        if (ctx_kind(m, d, k) == DW_PAST) {
            c->past = true;
            c->occur = false;
            break;
        }
    }
    /* "hingga [pada] Ahad (29/8)" */
    for (size_t k = ti; k-- > sb && k + 3 > ti;) {
        int kd = ctx_kind(m, d, k);
        if (kd == DW_UNTIL) {
            c->until = true;
            break;
        }
        if (kd != DW_ATTRIB)
            break;
    }
    /* the day name of the expression and the calendar disagree even after fit_weekday */
    if (ti < se && d->t[ti].kind == TOK_WORD) {
        size_t nw = 1;
        const struct lex_entry *e = lex_match(&m->dates.lx, d->t, d->n, ti, &nw);
        c->misfit = e && e->cat == DW_WEEKDAY && (int)e->sig_w != date_weekday(days);
    }
    for (size_t k = sb; k < se; k++)
        if (ctx_kind(m, d, k) == DW_CAPTION || photo_label(d, k, se)) {
            c->caption = true;
            break;
        }
}

/* The month of an address like ".../2015/05/slug" or ".../2015/05/11/slug": the last day of
 * that month (or that day) as YYYY-MM-DD in buf, or false. */
static bool url_anchor(const char *url, char *buf, size_t cap, bool *exact)
{
    if (!url)
        return false;
    size_t n = strlen(url);
    for (size_t i = 0; i + 8 <= n; i++) {
        const char *p = url + i;
        if (p[0] != '/' || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) ||
            !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]) || p[5] != '/' ||
            !isdigit((unsigned char)p[6]) || !isdigit((unsigned char)p[7]) ||
            (i + 8 < n && p[8] != '/'))
            continue;
        int y = digits(p + 1, 4), mo = digits(p + 6, 2);
        if (y < 1990 || y > 2100 || mo < 1 || mo > 12)
            continue;
        int dd = date_month_days(y, mo);
        *exact = false;
        if (i + 11 <= n && isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) &&
            (i + 11 == n || p[11] == '/')) {
            int v = digits(p + 9, 2);
            if (v >= 1 && v <= dd) {
                dd = v;
                *exact = true;
            }
        }
        snprintf(buf, cap, "%04d-%02d-%02d", y, mo, dd);
        return true;
    }
    return false;
}

void date_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev)
{
    ev->event_date = NULL;
    ev->time_precision = 0;
    struct detect_date *ds = arena_alloc(d->a, MAX_DATES * sizeof(*ds));
    if (!ds)
        return;
    const char *anchor = d->published;
    char anchor_buf[16];
    long pubdays = 0;
    bool loose = false;
    if (!parse_pub(anchor, &pubdays)) {
        bool exact = false;
        anchor = NULL;
        if (url_anchor(d->url, anchor_buf, sizeof(anchor_buf), &exact) &&
            parse_pub(anchor_buf, &pubdays)) {
            /* the address dates the article: its day, or its month */
            anchor = anchor_buf;
            loose = !exact;
        } else {
            /* no published date: anchor on the latest full date written in the text */
            size_t n0 = detect_find_dates(m, d->text, d->len, NULL, ds, MAX_DATES);
            long best = -1;
            for (size_t i = 0; i < n0; i++) {
                long dd = date_days_from_civil(ds[i].y, ds[i].m, ds[i].d);
                if (dd > best)
                    best = dd;
            }
            if (best >= 0) {
                int y, mo, da;
                date_civil_from_days(best, &y, &mo, &da);
                snprintf(anchor_buf, sizeof(anchor_buf), "%04d-%02d-%02d", y, mo, da);
                anchor = anchor_buf;
                pubdays = best;
                loose = true;
            }
        }
    }
    size_t n = find_dates(m, d->text, d->len, anchor, loose, ds, MAX_DATES);
    /* the article's own publication date, not a stand-in from its address or its text */
    bool published = anchor && anchor == d->published;
    int bi = -1, stamp = -1;
    double bs = -1e9;
    for (size_t i = 0; i < n; i++) {
        const struct detect_date *x = &ds[i];
        uint32_t s = sent_of_off(d, x->off);
        long days = date_days_from_civil(x->y, x->m, x->d);
        /* No date of this event: a publication stamp, a photo caption, an earlier incident or
         * (against a publication date) a day after publication. When the text gives only such
         * dates, it gives no date of the event. */
        if (x->stamp) {
            if (stamp < 0)
                stamp = (int)i;
            continue;
        }
        if (published && days > pubdays + 1)
            continue;
        double sc = 0;
        if (s < d->nsent && d->sent_event[s])
            sc += 3;
        bool witness = x->weekday; /* a day name that fits the date */
        if (s < d->nsent && d->n) {
            struct date_ctx c;
            date_context(m, d, ddoc_sent_begin(d, s), ddoc_sent_end(d, s), tok_at(d, x->off), days,
                         &c);
            /* (a statement's date is no earlier incident's: "korban pernah melapor, kata
             * Kapolres, Rabu (3/4)") */
            if (c.caption || (c.past && !c.report))
                continue;
            if (c.report)
                sc -= 3.5;
            if (c.past)
                sc -= 3;
            if (c.occur)
                sc += 2;
            if (c.cause)
                sc -= 3;
            if (c.until)
                sc -= 2.5;
            if (c.misfit) {
                witness = false;
                sc -= 1.5;
            }
        }
        if (s <= d->body_first_sent + 2)
            sc += 1.5;
        if (anchor) {
            /* a loose anchor is no upper bound for a date placed by its day name */
            if (days > pubdays + 1) {
                if (!(loose && x->relative && witness))
                    sc -= 6;
            } else if (days < pubdays - 400)
                sc -= 3;
            else if (days < pubdays - 45)
                sc -= 1.5;
        }
        if (x->relative && !x->weekday && x->precision == 1)
            sc += 0.5; /* "kemarin" is about the event almost always */
        if (x->precision == 2)
            sc -= 1;
        if (witness)
            sc += 2;
        sc -= (double)i * 0.01; /* earlier first on ties */
        if (sc > bs) {
            bs = sc;
            bi = (int)i;
        }
    }
    long ed;
    if (bi >= 0) {
        const struct detect_date *x = &ds[bi];
        ev->event_date = arena_printf(d->a, "%04d-%02d-%02d", x->y, x->m, x->d);
        ev->time_precision = x->precision;
        evidence_add(d, ev, x->off, x->len, arena_printf(d->a, "date: %s", ev->event_date));
        ed = date_days_from_civil(x->y, x->m, x->d);
    } else if (published) {
        /* the text gives no date of the event: it happened shortly before publication */
        ev->event_date = arena_strndup(d->a, d->published, 10);
        ev->time_precision = 2;
        evidence_add(d, ev, 0, 0,
                     arena_printf(d->a,
                                  "date: %s, the published date (the text gives no date of the "
                                  "event)",
                                  d->published));
        ed = pubdays;
    } else if (stamp >= 0) {
        /* no publication date but a stamp in the text ("19/06/2022, 17:58 WIB"): the same */
        const struct detect_date *x = &ds[stamp];
        ev->event_date = arena_printf(d->a, "%04d-%02d-%02d", x->y, x->m, x->d);
        ev->time_precision = 2;
        evidence_add(d, ev, x->off, x->len,
                     arena_printf(d->a,
                                  "date: %s, the publication stamp (the text gives no date of "
                                  "the event)",
                                  ev->event_date));
        ed = date_days_from_civil(x->y, x->m, x->d);
    } else {
        return;
    }
    if (!ev->event_date) {
        ev->time_precision = 0;
        return;
    }
    /* sentences dated more than a week away from the event are about another incident */
    if (!d->sent_background)
        d->sent_background = arena_alloc(d->a, (d->nsent ? d->nsent : 1) * sizeof(bool));
    if (!d->sent_background)
        return;
    for (size_t i = 0; i < n; i++) {
        long dd = date_days_from_civil(ds[i].y, ds[i].m, ds[i].d);
        uint32_t s = sent_of_off(d, ds[i].off);
        if (!ds[i].stamp && s < d->nsent && labs(dd - ed) > 7)
            d->sent_background[s] = true;
    }
    for (size_t i = 0; i < n; i++) {
        long dd = date_days_from_civil(ds[i].y, ds[i].m, ds[i].d);
        uint32_t s = sent_of_off(d, ds[i].off);
        if (s < d->nsent && labs(dd - ed) <= 1)
            d->sent_background[s] = false;
    }
}
