/*
 * warn: the baseline test, after EARS C2/C3 (a short baseline a guard band before the day) and
 * ESSENCE (28-day baseline, 2-day guard), adapted to sparse weighted counts:
 *
 *   O      weighted events in the window [t-k+1, t]                (k = 1, 3, 7 days)
 *   lambda weight per day in the baseline [e-27, e], e = t-k-guard, shrunk towards the rate of
 *          the long baseline [e-364, e] with prior_days of weight, never below floor_rate[geo]
 *   s      Q/O, the weight dispersion of the window (Q = sum of squared event weights), >= 1
 *   p      P(X >= O/s) for X ~ NegBin(mean k*lambda/s, size k*nb_size)
 *
 * Dividing by s is the usual scaled-Poisson (compound) approximation: k events of weight w count
 * as k events against a baseline in units of w, so heavier events make the same count more
 * significant without one deadly event counting as many. The size grows with k because a sum
 * of k independent NB(size) days is NB(k*size). The window needs min_events_<level> events.
 */
#include <math.h>

#include "warn/warn_internal.h"

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-12)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double betai(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lbt) * betacf(a, b, x) / a;
    return 1.0 - exp(lbt) * betacf(b, a, 1.0 - x) / b;
}

double warn__nb_sf(double x, double mu, double size)
{
    if (x <= 0)
        return 1;
    if (mu <= 0)
        return 0;
    /* P(X >= x) = 1 - P(X <= x-1) = 1 - I_{size/(size+mu)}(size, x) = I_{mu/(size+mu)}(x, size) */
    double p = betai(x, size, mu / (size + mu));
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* Shrunk baseline rate (per day) of the sums s_short over b days and s_long over l days. */
static double shrink(double s_short, int32_t b, double s_long, int32_t l, long prior)
{
    double lam_long = l > 0 ? s_long / l : 0;
    double den = (double)b + (double)prior;
    return den > 0 ? (s_short + (double)prior * lam_long) / den : 0;
}

enum warn_level warn__baseline(const struct warn_params *p, const struct wregion *r, int32_t t,
                               double *pv, int *window)
{
    enum warn_level best = WARN_NORMAL;
    double bestp = 1;
    int bestk = 0;
    for (int i = 0; i < WARN_NWINDOWS_MAX && p->windows[i]; i++) {
        int32_t k = (int32_t)p->windows[i];
        if (t - k + 1 < 0)
            continue;
        int32_t nobs = warn__sum_n(r, t - k + 1, t);
        if (nobs < p->min_events[WARN_WASPADA])
            continue;
        int64_t oy = warn__sum_y(r, t - k + 1, t);
        if (oy <= 0)
            continue;
        int64_t oq = 0;
        for (int32_t j = t - k + 1; j <= t; j++)
            oq += r->d[j].q;
        int32_t e = t - k - (int32_t)p->guard_days;
        int32_t bs = e - (int32_t)p->baseline_days + 1, ls = e - (int32_t)p->long_days + 1;
        double lam = shrink((double)warn__sum_y(r, bs, e) / WARN_MILLI, warn__clip_len(bs, e),
                            (double)warn__sum_y(r, ls, e) / WARN_MILLI, warn__clip_len(ls, e),
                            p->prior_days);
        if (lam < p->floor_rate[r->geo])
            lam = p->floor_rate[r->geo];
        double o = (double)oy / WARN_MILLI;
        double s = (double)oq / (double)oy;
        if (s < 1)
            s = 1;
        double x = o / s, mu = (double)k * lam / s;
        if (x <= mu)
            continue;
        double pk = warn__nb_sf(x, mu, (double)k * p->nb_size);
        enum warn_level l = WARN_NORMAL;
        for (int lv = WARN_AWAS; lv >= WARN_WASPADA; lv--) {
            if (pk < p->p_level[lv] && nobs >= p->min_events[lv]) {
                l = (enum warn_level)lv;
                break;
            }
        }
        if (l > best || (l == best && l > WARN_NORMAL && pk < bestp)) {
            best = l;
            bestp = pk;
            bestk = k;
        } else if (best == WARN_NORMAL && pk < bestp) {
            bestp = pk;
            bestk = k;
        }
    }
    *pv = bestp;
    *window = bestk;
    return best;
}

double warn__usual_rate(const struct warn_params *p, const struct wregion *r, int32_t t, int k)
{
    int32_t e = t - k - (int32_t)p->guard_days;
    int32_t bs = e - (int32_t)p->baseline_days + 1, ls = e - (int32_t)p->long_days + 1;
    return shrink(warn__sum_n(r, bs, e), warn__clip_len(bs, e), warn__sum_n(r, ls, e),
                  warn__clip_len(ls, e), p->prior_days);
}
