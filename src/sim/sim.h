/*
 * sim: a planted-scenario harness for the early-warning engine (`waspada warn simulate`).
 *
 * It generates background years of conflict events for a list of regencies, plants outbreaks
 * of known shape at known days, runs everything day by day through the real engine (src/warn)
 * as the server does, and measures what an officer would see: which outbreaks raised an alert
 * at the level they deserve, how many days after their onset, and how many alerts came from
 * background alone.
 *
 * Background. Each regency has a rate of events a year: quiet_rate (spread uniformly over
 * 0.5x..1.5x of it), and a share noisy_share of regencies noisy_factor times that. Events are a
 * Poisson process; a share cluster_share of them is followed by a second event in the same
 * regency 1-7 days later (retaliation, a second clash: real counts are overdispersed). A third
 * are verified; categories follow a fixed mix; 30% have 1-4 injured; nobody is killed (deaths
 * are a scenario of their own, and the hard rules alarm on them by design).
 *
 * Scenarios, planted in the last year, `cases` of each kind, each in a different regency with
 * no other scenario (the seasonal rise: a province with none):
 *   spike     5-8 inter-group clashes in 3 days, some injured            siaga   within 2 days
 *   buildup   8 land disputes, gaps shrinking from 4 days to 1 (+-1 day),
 *             no victims, in a quiet regency                            waspada within 10 days
 *   killing   one event, 1 killed                                       siaga   same day
 *   seasonal  every regency of a province 4x its rate for 60 days
 *             (before an election), seen in the province's series       waspada while it lasts
 *   outlet    one protest told 10 times in 3 days by a noisy outlet; each copy goes through
 *             the near-duplicate rule (ingest_same_event) as ingest does  must raise nothing
 *   step      a quiet regency goes to step_rate events a year for good  waspada within 90 days,
 *             then adapts: one alert, not one per cluster
 * A case is detected when an alert of its region reaches the expected level within the
 * expected days of its onset (the first planted event); its delay is the day that happened,
 * less the onset. An outlet case or a step case that alarms more than once counts as
 * extra alarms.
 *
 * False alarms are alerts opened in the last year in regions without a scenario: per quiet
 * regency-year, per noisy regency-year, per province-year (provinces holding a scenario
 * left out).
 *
 * The oracle (optional, oracle.c): the CUSUM that knows each region's rate and the planted
 * change, its threshold set on background generated the same way for oracle_fa_* false alarms
 * a year, run on the same events: how many step and seasonal cases the best possible detector
 * finds by the first round's deadlines (60 and 45 days) and by today's (90 and 59).
 *
 * Pure: no I/O, no clock; the same seed gives the same result.
 */
#ifndef WSP_SIM_H
#define WSP_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "warn/warn.h"

enum sim_kind {
    SIM_SPIKE = 0,
    SIM_BUILDUP,
    SIM_KILLING,
    SIM_SEASONAL,
    SIM_OUTLET,
    SIM_STEP,
    SIM_NKINDS
};

/* "spike", "buildup", "killing", "seasonal", "outlet", "step". */
const char *sim_kind_name(enum sim_kind k);
/* The level a case must reach (WARN_NORMAL for the outlet: none) and within how many days of
 * its onset. */
enum warn_level sim_expected_level(enum sim_kind k);
int sim_expected_days(enum sim_kind k);

struct sim_config {
    uint64_t seed;
    const char *const *regencies; /* regency codes ("32.73"), at least 50 */
    size_t nregencies;
    int years;                 /* simulated years, >= 2: scenarios go in the last (default 2) */
    int start_year;            /* calendar year of the first day (default 2023) */
    double quiet_rate;         /* events per regency per year (default 1.5) */
    double noisy_share;        /* share of noisy regencies (default 0.1) */
    double noisy_factor;       /* their rate factor (default 5) */
    double cluster_share;      /* events followed by a second one within a week (default 0.1) */
    double step_rate;          /* events a year after a step (default 36) */
    int cases;                 /* cases per scenario kind (default 10) */
    int near_bits;             /* near-duplicate rule's SimHash distance (default 12, as ingest) */
    bool oracle;               /* also run the oracle (sim_result.oracle) */
    double oracle_fa_regency;  /* its false alarms a quiet regency-year (default 0.02) */
    double oracle_fa_province; /* and a province-year (default 0.07) */
};

void sim_config_default(struct sim_config *c);

#define SIM_MAX_CASES 100

struct sim_kind_result {
    int cases;
    int detected;        /* reached the expected level in time (outlet: raised nothing) */
    int alarmed;         /* raised any alert from the onset on */
    int extra;           /* alerts beyond the first (outlet: every alert) */
    double median_delay; /* days from onset to the expected level, over detected; -1 = none */
    int max_delay;       /* -1 = none */
    int held_cases;      /* cases with a last planted event before the end (not the step) */
    long held_days; /* their days at waspada or above right after that event: the alert's memory */
    int delay[SIM_MAX_CASES]; /* days from onset, of the detected cases (detected of them) */
};

/* Median of n values (n > 0), as the mean of the middle two for even n. v is sorted. */
double sim_median(int *v, size_t n);

struct sim_result {
    struct sim_kind_result kind[SIM_NKINDS];
    size_t events;        /* events fed to the engine */
    size_t outlet_copies; /* outlet reports, and how many the near-duplicate rule merged */
    size_t outlet_merged;
    int quiet_regions, fa_quiet; /* regencies without a scenario, one year each; their alerts */
    int noisy_regions, fa_noisy;
    int provinces, fa_province;
    int fa_national; /* alerts of the nation in the last year */
    /* the oracle: step cases found within 60 and 90 days, seasonal within 45 and 59 */
    struct {
        int step, step60, step90, seasonal, seasonal45, seasonal59;
    } oracle;
};

/* ---- the oracle (oracle.c): the known-change CUSUM, a bound on any detector ------------ */

/* One region's daily event counts and its known rate (events a day). */
struct sim_series {
    const int *counts;
    int32_t n;
    double rate;
};

/* Alarms of the CUSUM of rate l0 against l1 (events a day) with threshold h over counts[from,
 * n), restarting after each; with first_after, stops at the first alarm on or after day after
 * and sets it (-1 when none). */
int sim_cusum_alarms(const int *counts, int32_t n, double l0, double l1, double h, int32_t from,
                     int32_t *first_after, int32_t after);
/* The threshold that gives at most target alarms a series-year over the background series
 * (each against its own rate, the alternative l1_fixed or l1_factor x the rate). */
double sim_cusum_threshold(const struct sim_series *bg, size_t nbg, double l1_factor,
                           double l1_fixed, double target);

/* Run one seed. WSP_EINVAL for a bad configuration (too few regencies for the cases). */
int sim_run(const struct warn_params *p, const struct sim_config *c, struct sim_result *out,
            struct error *err);

#endif
