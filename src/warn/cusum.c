/*
 * warn: Poisson CUSUM for slow build-ups, which the 28-day baseline adapts to before it fires.
 *
 *   lambda0 = events per day in the reference year [t-lag-364, t-lag], at least cusum_floor[geo]
 *   lambda1 = cusum_shift * lambda0                        (tuned to detect a doubling)
 *   S_t     = max(0, S_{t-1} + c_t ln(lambda1/lambda0) - (lambda1 - lambda0)),
 *             c_t = min(events on day t, cusum_cap)
 *
 * S is the log-likelihood ratio of "the rate went up by cusum_shift" against "it did not" since
 * the last time it was zero; cusum_h_<level> are thresholds on it, with hysteresis: a level
 * reached holds until S falls below 3/4 of its threshold, so it does not flicker between
 * events. The floors (0.1 events a day for a regency) bound the CUSUM's memory: below them a
 * region is quiet and clusters are the baseline test's job. A state's first cusum_lag +
 * baseline_days days have no reference yet and no CUSUM (warm-up). Counts, not weights, are
 * used and capped per day so that one deadly day (the rules' and the baseline test's job) does
 * not look like a build-up.
 */
#include <math.h>

#include "warn/warn_internal.h"

double warn__cusum_rate(const struct warn_params *p, const struct wregion *r, int32_t t)
{
    int32_t e = t - (int32_t)p->cusum_lag;
    int32_t a = e - (int32_t)p->long_days + 1;
    if (a < 0)
        a = 0;
    double lam = e >= a ? (double)warn__sum_n(r, a, e) / (double)(e - a + 1) : 0;
    return lam < p->cusum_floor[r->geo] ? p->cusum_floor[r->geo] : lam;
}

enum warn_level warn__cusum(const struct warn_params *p, const struct wregion *r, int32_t t,
                            double *s, uint16_t *run)
{
    double prev = t ? r->d[t - 1].cusum : 0;
    uint16_t prun = t ? r->d[t - 1].run : 0;
    int plevel = t ? r->d[t - 1].clevel : 0;
    if (t - p->cusum_lag + 1 < p->baseline_days) { /* warm-up: no reference yet */
        *s = 0;
        *run = 0;
        return WARN_NORMAL;
    }
    double l0 = warn__cusum_rate(p, r, t);
    double l1 = p->cusum_shift * l0;
    int32_t c = r->d[t].n < p->cusum_cap ? r->d[t].n : (int32_t)p->cusum_cap;
    double v = prev + (double)c * log(p->cusum_shift) - (l1 - l0);
    if (v <= 0) {
        *s = 0;
        *run = 0;
    } else {
        *s = v;
        *run = prun < UINT16_MAX ? (uint16_t)(prun + 1) : prun;
    }
    for (int lv = WARN_AWAS; lv >= WARN_WASPADA; lv--)
        if (p->cusum_h[lv] > 0 &&
            (*s >= p->cusum_h[lv] || (plevel >= lv && *s >= 0.75 * p->cusum_h[lv])))
            return (enum warn_level)lv;
    return WARN_NORMAL;
}
