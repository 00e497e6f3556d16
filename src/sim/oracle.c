/*
 * sim: the oracle, a bound on what any detector can do in the harness's world.
 *
 * For a change from one known Poisson rate to another, the CUSUM that knows both rates is the
 * optimal detector (Lorden 1971, Moustakides 1986: no detector with as few false alarms finds
 * the change sooner on average). The harness knows every region's rate and the planted change,
 * so it can run that CUSUM on the same events the engine saw, its threshold set for a given
 * false-alarm rate on background generated the same way (pairs included). What the oracle does
 * not find in time at that false-alarm rate, no engine will; the engine, which knows neither
 * the rates nor the change, can only come close.
 *
 *   S_t = max(0, S_{t-1} + c_t ln(l1/l0) - (l1 - l0)), an alarm when S_t >= h, then S = 0
 *
 * Pure: arrays in, days out.
 */
#include <math.h>

#include "sim/sim.h"

int sim_cusum_alarms(const int *counts, int32_t n, double l0, double l1, double h, int32_t from,
                     int32_t *first_after, int32_t after)
{
    double s = 0, up = log(l1 / l0), down = l1 - l0;
    int alarms = 0;
    if (first_after)
        *first_after = -1;
    for (int32_t t = from; t < n; t++) {
        s += counts[t] * up - down;
        if (s < 0)
            s = 0;
        if (s < h)
            continue;
        s = 0;
        alarms++;
        if (first_after && *first_after < 0 && t >= after) {
            *first_after = t;
            return alarms;
        }
    }
    return alarms;
}

double sim_cusum_threshold(const struct sim_series *bg, size_t nbg, double l1_factor,
                           double l1_fixed, double target)
{
    /* alarms per series-year fall as h rises: bisection on [0.1, 60] */
    double lo = 0.1, hi = 60;
    for (int it = 0; it < 40; it++) {
        double h = (lo + hi) / 2;
        double alarms = 0, years = 0;
        for (size_t i = 0; i < nbg; i++) {
            double l1 = l1_fixed > 0 ? l1_fixed : l1_factor * bg[i].rate;
            alarms += sim_cusum_alarms(bg[i].counts, bg[i].n, bg[i].rate, l1, h, 0, NULL, 0);
            years += bg[i].n / 365.0;
        }
        if (alarms / years > target)
            lo = h;
        else
            hi = h;
    }
    return hi;
}
