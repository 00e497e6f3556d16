/*
 * warn: two Poisson CUSUMs for sustained rises, which the 28-day baseline adapts to before it
 * fires.
 *
 * The CUSUM of busy regions (method "cusum"):
 *   lambda0 = events per day in the reference year [t-lag-364, t-lag], at least cusum_floor[geo]
 *   lambda1 = cusum_shift * lambda0                        (tuned to detect a doubling)
 *   S_t     = max(0, S_{t-1} + c_t ln(lambda1/lambda0) - (lambda1 - lambda0)),
 *             c_t = min(events on day t, cusum_cap)
 * S is the log-likelihood ratio of "the rate went up by cusum_shift" against "it did not" since
 * the last time it was zero; cusum_h_<level> are thresholds on it. Its floors (0.1 events a
 * day for a regency) keep it to busy regions.
 *
 * The CUSUM of rises from a low rate (method "cusum_rare"; provinces and regencies): the same
 * statistic against the region's own reference year with a low floor (rare_floor: 0.005 a day
 * for a regency, under two events a year) tuned to a larger rise (rare_shift: sixfold for a
 * regency, threefold for a province), counting at most rare_cap events a day (one for a
 * regency: a day of many events is the spike test's), and window-limited (Lai 1995): S is the
 * largest log-likelihood ratio of any run of days ending today that began within the last
 * rare_memory days. In a quiet region the drift that empties an ordinary CUSUM is tiny (a few
 * hundredths a day), so without the window a cluster would hold the level for half a year; with
 * it, evidence older than a quarter is forgotten. It finds a quiet regency that turned to three
 * events a month (the step of `warn simulate`) and a province-wide fourfold rise before a vote.
 *
 * Both: a level reached holds until S falls below 3/4 of its threshold, so it does not flicker
 * between events; a state's first cusum_lag + baseline_days days have no reference yet and no
 * CUSUM (warm-up); counts, not weights, so that one deadly day (the rules' and the baseline
 * test's job) does not look like a build-up.
 */
#include <math.h>

#include "warn/warn_internal.h"

double warn__cusum_observed(const struct warn_params *p, const struct wregion *r, int32_t t)
{
    int32_t e = t - (int32_t)p->cusum_lag;
    int32_t a = e - (int32_t)p->long_days + 1;
    if (a < 0)
        a = 0;
    return e >= a ? (double)warn__sum_n(r, a, e) / (double)(e - a + 1) : 0;
}

double warn__cusum_rate(const struct warn_params *p, const struct wregion *r, int32_t t)
{
    double lam = warn__cusum_observed(p, r, t);
    return lam < p->cusum_floor[r->geo] ? p->cusum_floor[r->geo] : lam;
}

static enum warn_level level_of(const double *h, double s, int plevel)
{
    for (int lv = WARN_AWAS; lv >= WARN_WASPADA; lv--)
        if (h[lv] > 0 && (s >= h[lv] || (plevel >= lv && s >= 0.75 * h[lv])))
            return (enum warn_level)lv;
    return WARN_NORMAL;
}

/* the first day with a reference year behind it */
static int32_t warm_up(const struct warn_params *p)
{
    return (int32_t)p->cusum_lag + (int32_t)p->baseline_days - 1;
}

enum warn_level warn__cusum(const struct warn_params *p, const struct wregion *r, int32_t t,
                            double *s, uint16_t *run)
{
    double prev = t ? r->d[t - 1].cusum : 0;
    uint16_t prun = t ? r->d[t - 1].run : 0;
    int plevel = t ? r->d[t - 1].clevel : 0;
    if (t < warm_up(p)) {
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
    return level_of(p->cusum_h, *s, plevel);
}

/* The rare-rise CUSUM's term of day u: its capped count against the alternative, less the rise
 * of the rate it expects (lk = ln k). */
static double rare_term(const struct warn_params *p, const struct wregion *r, int32_t u, double k,
                        double lk)
{
    double l0 = warn__cusum_observed(p, r, u), fl = p->rare_floor[r->geo];
    int32_t cap = (int32_t)p->rare_cap[r->geo];
    int32_t c = r->d[u].n < cap ? r->d[u].n : cap;
    return (double)c * lk - (k - 1) * (l0 < fl ? fl : l0);
}

enum warn_level warn__cusum_rare(const struct warn_params *p, const struct wregion *r, int32_t t,
                                 double *s, uint16_t *run)
{
    int plevel = t ? r->d[t - 1].rare_level : 0;
    int32_t t0 = warm_up(p);
    *s = 0;
    *run = 0;
    /* the nation is never quiet */
    if (r->geo == WARN_GEO_NATIONAL || t < t0)
        return WARN_NORMAL;
    double k = p->rare_shift[r->geo], lk = log(k);
    double prev = t > t0 ? r->d[t - 1].rare_s : 0;
    uint16_t prun = t > t0 ? r->d[t - 1].rare_run : 0;
    if (prev > 0 && prun >= p->rare_memory) {
        /* yesterday's strongest run began on the day that leaves the memory today: find the
         * strongest run that began within it (the latest start among equals) */
        int32_t lo = t - (int32_t)p->rare_memory + 1;
        if (lo < t0)
            lo = t0;
        double sum = 0;
        for (int32_t u = t; u >= lo; u--) {
            sum += rare_term(p, r, u, k, lk);
            if (sum > *s) {
                *s = sum;
                *run = (uint16_t)(t - u + 1);
            }
        }
    } else {
        /* otherwise the strongest run within the memory is yesterday's, one day longer, or
         * today alone: the CUSUM's recursion */
        double v = prev + rare_term(p, r, t, k, lk);
        if (v > 0) {
            *s = v;
            *run = prev > 0 ? (uint16_t)(prun + 1) : 1;
        }
    }
    return level_of(p->rare_h[r->geo], *s, plevel);
}
