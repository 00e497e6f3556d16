/*
 * warn: plain-language explanations of an alert step, in Indonesian and English:
 *   "5 kejadian dalam 3 hari, biasanya 0,2 per hari; 2 tewas"
 *   "5 events in 3 days, usually 0.2 per day; 2 killed"
 * The window is the one that fired (test window, CUSUM run, rule window) ending on the step's
 * source day; "usually" is the shrunk baseline count rate before it (the CUSUM reference rate
 * for a build-up), "almost none" under 0.005 per day; the build-up test says the events a year
 * of the history it compared with, as a rare region's rate is known ("8 kejadian dalam 19 hari,
 * biasanya 1-2 setahun"), and so do the CUSUMs where their reference year held fewer than
 * about 18 events (a floor is not what the region usually sees). Rules, the CUSUM and the build-up
 * test add their reason, and an episode that rests on unverified leads alone says so.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "warn/warn_internal.h"

/* Below this many events a day (about 18 a year) a region's usual rate is said per year. */
#define RARE_PER_DAY 0.05

static const struct warn_step *pick_step(const struct warn_episode *ep,
                                         const struct warn_step *step)
{
    if (step)
        return step;
    for (size_t i = 0; i < ep->nsteps; i++)
        if (ep->steps[i].level == ep->max_level)
            return &ep->steps[i];
    return ep->nsteps ? &ep->steps[0] : NULL;
}

static void put_rate(struct buf *out, double r, enum warn_lang lang)
{
    char s[32];
    if (r >= 9.95)
        snprintf(s, sizeof(s), "%.0f", r);
    else if (r >= 0.095)
        snprintf(s, sizeof(s), "%.1f", r);
    else
        snprintf(s, sizeof(s), "%.2f", r);
    if (lang == WARN_ID)
        for (char *c = s; *c; c++)
            if (*c == '.')
                *c = ',';
    buf_puts(out, s);
}

/* "0,2 per hari" / "0.2 per day", "hampir tidak ada" / "almost none" under 0.005 */
static void put_daily(struct buf *out, double r, enum warn_lang lang)
{
    bool en = lang == WARN_EN;
    if (r < 0.005) {
        buf_puts(out, en ? "almost none" : "hampir tidak ada");
        return;
    }
    put_rate(out, r, lang);
    buf_puts(out, en ? " per day" : " per hari");
}

/* A rare region's usual rate as people say it: "1-2 setahun" / "1-2 a year" (between two
 * whole numbers), "3 setahun", "kurang dari 1 setahun" / "less than 1 a year". */
static void put_yearly(struct buf *out, double y, enum warn_lang lang)
{
    bool en = lang == WARN_EN;
    const char *unit = en ? " a year" : " setahun";
    double lo = floor(y), hi = ceil(y);
    if (y < 1)
        buf_puts(out, en ? "less than 1" : "kurang dari 1");
    else if (y >= 10 || hi - y < 0.05 || y - lo < 0.05)
        buf_printf(out, "%.0f", y);
    else
        buf_printf(out, "%.0f-%.0f", lo, hi);
    buf_puts(out, unit);
}

void warn_explain(const struct warn_state *st, const struct warn_episode *ep,
                  const struct warn_step *step, enum warn_lang lang, struct buf *out)
{
    step = pick_step(ep, step);
    int32_t ri = warn__region_index(st, ep->region);
    if (!step || ri < 0)
        return;
    const struct wregion *r = &st->reg[ri];
    const struct warn_params *p = &st->p;
    int32_t t = step->source_day - st->first_day;
    int k = step->window > 0 ? step->window : 1;
    int32_t a = t - k + 1 < 0 ? 0 : t - k + 1;
    long n = 0, killed = 0, injured = 0;
    for (int32_t j = a; j <= t; j++) {
        n += r->d[j].n;
        killed += r->d[j].killed;
        injured += r->d[j].injured;
    }
    bool en = lang == WARN_EN;
    if (en)
        buf_printf(out, "%ld event%s in %d day%s, usually ", n, n == 1 ? "" : "s", k,
                   k == 1 ? "" : "s");
    else
        buf_printf(out, "%ld kejadian dalam %d hari, biasanya ", n, k);
    if (step->method == WARN_M_BUILDUP) {
        double alpha, beta, observed;
        warn__buildup_rate(p, r, t, r->d[t].bk, &alpha, &beta, &observed);
        put_yearly(out, 365.0 * observed, lang);
    } else if (step->method == WARN_M_CUSUM || step->method == WARN_M_CUSUM_RARE) {
        /* the reference year as it was, not the floor under it; a rare region's in a year */
        double observed = warn__cusum_observed(p, r, t);
        if (observed < RARE_PER_DAY)
            put_yearly(out, 365.0 * observed, lang);
        else
            put_daily(out, observed, lang);
    } else {
        put_daily(out, warn__usual_rate(p, r, t, k), lang);
    }
    if (killed || injured) {
        buf_puts(out, "; ");
        if (killed)
            buf_printf(out, "%ld %s", killed, en ? "killed" : "tewas");
        if (injured)
            buf_printf(out, "%s%ld %s", killed ? ", " : "", injured, en ? "injured" : "luka");
    }
    switch (step->method) {
    case WARN_M_CUSUM:
    case WARN_M_CUSUM_RARE:
    case WARN_M_BUILDUP:
        buf_puts(out, en ? "; gradual build-up" : "; meningkat bertahap");
        break;
    case WARN_M_RULE_DEATH:
        buf_puts(out, en ? "; rule: people were killed" : "; aturan: ada korban tewas");
        break;
    case WARN_M_RULE_WORSHIP:
        buf_puts(out, en ? "; rule: attack on a house of worship"
                         : "; aturan: serangan terhadap tempat ibadah");
        break;
    case WARN_M_RULE_MASS:
        buf_printf(out,
                   en ? "; rule: %ld or more killed within %ld days"
                      : "; aturan: %ld tewas atau lebih dalam %ld hari",
                   p->mass_killed, p->mass_window);
        break;
    case WARN_M_RULE_STATUS:
        buf_puts(out,
                 en ? "; Status Keadaan Konflik declared" : "; Status Keadaan Konflik berlaku");
        break;
    default:
        break;
    }
    if (ep->unverified)
        buf_puts(out, en ? "; not verified yet, from unverified reports only"
                         : "; belum terverifikasi, hanya dari laporan yang belum diverifikasi");
}

size_t warn_explain_events(const struct warn_state *st, const struct warn_episode *ep,
                           const struct warn_step *step, int64_t *ids, size_t max)
{
    step = pick_step(ep, step);
    int32_t ri = warn__region_index(st, ep->region);
    if (!step || ri < 0)
        return 0;
    const struct wregion *r = &st->reg[ri];
    int32_t t = step->source_day - st->first_day;
    int k = step->window > 0 ? step->window : 1;
    size_t n = 0;
    for (int32_t j = t - k + 1 < 0 ? 0 : t - k + 1; j <= t; j++) {
        size_t first = n;
        for (int32_t e = r->d[j].head; e >= 0;) {
            int32_t next = st->ev[e].next[warn__slot_of(&st->ev[e], ri)];
            if (n < max)
                ids[n] = st->ev[e].id;
            n++;
            e = next;
        }
        /* ids of one day in ascending order (insertion sort: days hold few events) */
        size_t last = n < max ? n : max;
        for (size_t x = first + 1; x < last; x++)
            for (size_t y = x; y > first && ids[y - 1] > ids[y]; y--) {
                int64_t tmp = ids[y];
                ids[y] = ids[y - 1];
                ids[y - 1] = tmp;
            }
    }
    return n;
}
