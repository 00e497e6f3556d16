/*
 * warn: the day's level. raw = the highest of the baseline test, the hard rules, the two CUSUMs
 * and the build-up test; at equal levels the baseline test names the method (its numbers explain
 * the most), then the rules, then the CUSUM, then the build-up test, then the rare-rise CUSUM. The
 * shown level is the highest of the day's raw level and the hard rules' levels of the last
 * hold_days days (src_off says which day set it): a rule fires on the day of its event only, and
 * this keeps its level for a week; the statistical levels last as long as their windows (up to 7
 * days) show the excess.
 *
 * Default thresholds (data/warn/params.ini), from ESSENCE's yellow p < 0.05 and red p < 0.01
 * tightened by about an order of magnitude because every region (553) is tested every day
 * over three windows:
 *   waspada  p < 0.01     and >= 2 events in the window, or CUSUM S >= 4, or a build-up
 *                         (p < 0.00015 against the region's own year, >= 3 events), or the
 *                         rare-rise CUSUM S >= 6.5 (regency; 6 province)
 *   siaga    p < 0.001    and >= 3 events, or CUSUM S >= 7, or a death, or a house of worship
 *                         attacked, or a declared Status Keadaan Konflik
 *   awas     p < 0.00001  and >= 5 events, or >= 10 killed within 7 days, or violence under a
 *                         declared status
 *
 * The day's verified backing (backed) is the shown level computed the same way with the hard
 * rules over verified events only: the statistics (which weigh unverified leads down) and a
 * declared status count as they are. Verified events are a subset of the rule-eligible ones,
 * so the verified rules never fire where the rules did not.
 */
#include <math.h>

#include "warn/warn_internal.h"

void warn__eval_day(const struct warn_state *st, struct wregion *r, int32_t t)
{
    const struct warn_params *p = &st->p;
    struct wday *d = &r->d[t];
    double pv;
    int win;
    enum warn_level lvl = warn__baseline(p, r, t, &pv, &win);
    enum warn_method m = lvl ? WARN_M_BASELINE : WARN_M_NONE;
    double s;
    uint16_t run;
    enum warn_level cl = warn__cusum(p, r, t, &s, &run);
    d->cusum = s;
    d->run = run;
    d->clevel = (uint8_t)cl;
    double rs;
    uint16_t rrun;
    enum warn_level ql = warn__cusum_rare(p, r, t, &rs, &rrun);
    d->rare_s = rs;
    d->rare_run = rrun;
    d->rare_level = (uint8_t)ql;
    d->p = (float)pv;
    double bp;
    int bspan, bk;
    enum warn_level bl = warn__buildup(p, r, t, &bp, &bspan, &bk);
    d->bp = (float)bp;
    d->bspan = (uint16_t)(bspan > 0 ? bspan : 1);
    d->bk = (uint8_t)bk;
    d->blevel = (uint8_t)bl;
    uint16_t pago = t ? r->d[t - 1].bago : UINT16_MAX;
    d->bago = bl ? 0 : pago < UINT16_MAX ? (uint16_t)(pago + 1) : UINT16_MAX;
    enum warn_method rm;
    int rw;
    enum warn_level rl = warn__rules(p, r, t, false, &rm, &rw);
    d->rule = (uint8_t)rl;
    d->rmethod = (uint8_t)rm;
    d->rwindow = (uint16_t)(rw > 0 ? rw : 1);
    enum warn_level vl = WARN_NORMAL;
    if (rl > WARN_NORMAL) {
        enum warn_method vm;
        int vw;
        vl = warn__rules(p, r, t, true, &vm, &vw);
    }
    d->vrule = (uint8_t)vl;
    uint8_t backed = (uint8_t)(lvl > cl ? lvl : cl); /* the statistics */
    if (bl > backed)
        backed = (uint8_t)bl;
    if (ql > backed)
        backed = (uint8_t)ql;
    if (vl > backed)
        backed = (uint8_t)vl;
    if (rl > lvl) {
        lvl = rl;
        m = rm;
        win = rw;
    }
    if (cl > lvl) {
        lvl = cl;
        m = WARN_M_CUSUM;
        win = run > 0 ? run : 1;
    }
    if (bl > lvl) {
        lvl = bl;
        m = WARN_M_BUILDUP;
        win = d->bspan;
    }
    if (ql > lvl) {
        lvl = ql;
        m = WARN_M_CUSUM_RARE;
        win = rrun > 0 ? rrun : 1;
    }
    d->raw = (uint8_t)lvl;
    d->method = (uint8_t)m;
    d->window = (uint16_t)(win > 0 ? win : 1);
    /* hold: a hard rule's level stays for hold_days days (the statistical levels last as long
     * as their windows show the excess); the latest such day wins */
    uint8_t best = d->raw;
    uint8_t off = 0;
    for (int32_t j = 1; j < p->hold_days && t - j >= 0; j++) {
        if (r->d[t - j].rule > best) {
            best = r->d[t - j].rule;
            off = (uint8_t)j;
        }
        if (r->d[t - j].vrule > backed)
            backed = r->d[t - j].vrule;
    }
    /* a declared Status Keadaan Konflik: at least status_level, awas under violence */
    int32_t day = st->first_day + t;
    if (day >= r->status_from && day <= r->status_to) {
        uint8_t sl = best >= WARN_SIAGA ? WARN_AWAS : (uint8_t)p->status_level;
        if (sl > best) {
            best = sl;
            off = 0;
            d->raw = sl;
            d->method = WARN_M_RULE_STATUS;
            d->window = 1;
        }
        uint8_t vsl = backed >= WARN_SIAGA ? WARN_AWAS : (uint8_t)p->status_level;
        if (vsl > backed)
            backed = vsl;
    }
    d->level = best;
    d->src_off = off;
    d->backed = backed;
}
