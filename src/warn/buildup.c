/*
 * warn: the build-up test, for slow rises where events are rare. A regency that sees one or two
 * incidents a year and then eight land disputes in three weeks is the pattern of agrarian and
 * communal conflicts that simmer before they explode; the 28-day baseline test absorbs such a
 * rise (its baseline is last month, already part of it) and the CUSUM's floor is far above a
 * quiet regency's rate. Here a region's usual rate comes from its own history before the rise,
 * with the uncertainty of a rate estimated from a handful of events:
 *
 *   n      events in the window [t-k+1, t], k in buildup_windows (7, 14, 28 days)
 *   history   the year [e-364, e] and the quarter [e-90, e], e = t-k-buildup_guard: the
 *          rise itself stays out of its own baseline
 *   rate   Poisson-Gamma: the prior is what a region of its level sees in a year without
 *          knowing more (buildup_prior_regency: 1 event a year, buildup_prior_province 20) with
 *          the weight of buildup_prior_shape events (alpha0 = shape, beta0 = shape / rate,
 *          in days: a year for a regency, weeks for a province), updated with the history's
 *          events and days: alpha = alpha0 + events, beta = beta0 + days. Alarm once, then
 *          adapt: once this test has raised an alert within the last buildup_recent days,
 *          and those days hold buildup_min_events events at a higher rate than the year,
 *          their rate is taken instead (with the prior in proportion). A rate that rose
 *          quietly, below the thresholds, is still judged against the year.
 *   p      P(N >= n) under the posterior predictive, a negative binomial with mean k*alpha/beta
 *          and size 1/(1/alpha + 1/(k*buildup_nb_size)): the rate's uncertainty (a region with
 *          little history is judged cautiously) and the days' own overdispersion
 *   level  waspada when p < buildup_p_waspada and n >= buildup_min_events (siaga and awas
 *          likewise when their thresholds are set; by default a build-up is a warning, and
 *          the spike test and the rules raise more). A level reached holds while p stays
 *          under ten times its threshold, so it does not flicker between events
 *
 * Warm-up: a window needs half of buildup_year of history before it (the state's first days
 * know nothing of a region's usual rate; a server starts from two years of stored events).
 * Counts, not weights: a build-up of land disputes without victims is what this test is for;
 * severity is the baseline test's and the rules' job. The smallest p over the windows wins;
 * the explanation's window runs from the first event in it to t ("8 kejadian dalam 19 hari").
 */
#include <math.h>

#include "warn/warn_internal.h"

double warn__buildup_rate(const struct warn_params *p, const struct wregion *r, int32_t t, int k,
                          double *alpha, double *beta, double *observed)
{
    int32_t e = t - k - (int32_t)p->buildup_guard;
    int32_t ys = e - (int32_t)p->buildup_year + 1, rs = e - (int32_t)p->buildup_recent + 1;
    /* the prior: shape events over the time they take at the prior rate; the recent history
     * gets the same prior per day of history, so it can outweigh the prior once the rate rose */
    double a0 = p->buildup_prior_shape;
    double b0 = p->buildup_prior_shape * 365.0 / p->buildup_prior[r->geo];
    double f = (double)p->buildup_recent / (double)p->buildup_year;
    double ay = a0 + warn__sum_n(r, ys, e), by = b0 + warn__clip_len(ys, e);
    int32_t nr = warn__sum_n(r, rs, e);
    double ar = f * a0 + nr, br = f * b0 + warn__clip_len(rs, e);
    /* alarm once, then adapt: the recent rate replaces the year's only after this test has
     * raised an alert in the recent history (a rate that rose quietly, below the thresholds,
     * is still judged against the year), and it needs as many events as an alert does */
    bool recent = false;
    if (t > 0 && nr >= p->buildup_min_events && ar / br > ay / by) {
        /* the last day before t the level was up: t-1-bago (never when saturated) */
        const struct wday *prev = &r->d[t - 1];
        recent = prev->bago < UINT16_MAX && t - 1 - (int32_t)prev->bago >= rs;
    }
    *alpha = recent ? ar : ay;
    *beta = recent ? br : by;
    int32_t len = recent ? warn__clip_len(rs, e) : warn__clip_len(ys, e);
    *observed = len > 0 ? (recent ? nr : warn__sum_n(r, ys, e)) / (double)len : 0;
    return *alpha / *beta;
}

enum warn_level warn__buildup(const struct warn_params *p, const struct wregion *r, int32_t t,
                              double *pv, int *span, int *window)
{
    enum warn_level best = WARN_NORMAL;
    double bestp = 1;
    int bestspan = 0, bestk = 0;
    int plevel = t ? r->d[t - 1].blevel : 0;
    *pv = 1;
    *span = 0;
    *window = 0;
    /* the nation is never quiet: its rises are the baseline test's and the CUSUM's */
    if (r->geo == WARN_GEO_NATIONAL)
        return WARN_NORMAL;
    const long *windows = p->buildup_windows[r->geo];
    for (int i = 0; i < WARN_NWINDOWS_MAX && windows[i]; i++) {
        int32_t k = (int32_t)windows[i];
        int32_t a = t - k + 1 < 0 ? 0 : t - k + 1;
        int32_t n = warn__sum_n(r, a, t);
        if (n < p->buildup_min_events)
            continue;
        /* warm-up: a region's usual rate needs half a year of history behind the window */
        if (t - k - p->buildup_guard + 1 < p->buildup_year / 2)
            continue;
        double alpha, beta, observed;
        double rate = warn__buildup_rate(p, r, t, k, &alpha, &beta, &observed);
        double mu = (double)k * rate;
        double size = 1.0 / (1.0 / alpha + 1.0 / ((double)k * p->buildup_nb_size));
        if ((double)n <= mu)
            continue;
        double pk = warn__nb_sf((double)n, mu, size);
        if (!(pk < bestp))
            continue;
        bestp = pk;
        bestk = k;
        int32_t first = a;
        while (first < t && r->d[first].n == 0)
            first++;
        bestspan = t - first + 1;
        best = WARN_NORMAL;
        for (int lv = WARN_AWAS; lv >= WARN_WASPADA; lv--) {
            /* hysteresis: a level reached holds while p stays within 10 times its threshold */
            double limit = p->buildup_p[lv] * (plevel >= lv ? 10 : 1);
            if (p->buildup_p[lv] > 0 && pk < limit) {
                best = (enum warn_level)lv;
                break;
            }
        }
    }
    *pv = bestp;
    *span = bestspan;
    *window = bestk;
    return best;
}
