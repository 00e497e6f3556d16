/* warn: private types shared by the engine's files. */
#ifndef WSP_WARN_INTERNAL_H
#define WSP_WARN_INTERNAL_H

#include "warn/warn.h"

/* Weights are kept in thousandths (WARN_MILLI) so sums are exact integers. */
#define WARN_MILLI 1000

/* One region-day. Inputs (sums of the events of the day), a prefix sum, and the derived
 * evaluation of the day (raw = the day's own level, level = shown after the hold). */
struct wday {
    int64_t y;  /* weight, thousandths */
    int64_t q;  /* sum of squared event weights, thousandths */
    int64_t cy; /* prefix sum of y through this day */
    double cusum;
    double rare_s; /* the rare-rise CUSUM's S (window-limited) */
    int32_t n, killed, injured;
    int32_t rk;               /* killed in rule-eligible events (all events of the region) */
    int32_t own_killed;       /* killed in rule-eligible events coded to this very region */
    int32_t vrk, vown_killed; /* the same over verified events only */
    int32_t cn;               /* prefix sum of n */
    int32_t head;             /* first event of this day in this region, -1 */
    float p;                  /* raw baseline p-value (1 when none) */
    float bp;                 /* build-up p-value (1 when none) */
    uint16_t bspan;           /* build-up: days from the first event in its window to t */
    uint8_t bk;               /* build-up: the window (days) behind bp */
    uint8_t blevel;           /* the build-up test's level that day */
    uint16_t bago;            /* days since the build-up test's level was last up (saturated) */
    uint16_t run;             /* days since the CUSUM was last zero */
    uint16_t window, rwindow;
    uint8_t raw, level, method, src_off;
    uint8_t own_flags;     /* WARN_F_* of rule-eligible own events; << 4: of verified ones */
    uint8_t rule, rmethod; /* the hard rules' own level and method that day (held) */
    uint8_t clevel;        /* the CUSUM's level that day */
    uint8_t rare_level;    /* the rare-rise CUSUM's level that day */
    uint16_t rare_run;     /* its run: days from the first day of its evidence to t */
    uint8_t vrule;         /* the hard rules' level over verified events only */
    uint8_t backed;        /* the shown level without rules fired by unverified leads alone */
};

/* own_flags keeps the flags of verified own events shifted by this (WARN_F_* fit in 4 bits). */
#define WARN_VFLAGS_SHIFT 4

/* p-value and score of the test behind a step (src: the source day): -log10(p) for the
 * baseline and build-up tests, S for the CUSUM, p = 1 and score 0 for rules. */
static inline double warn__method_p(const struct wday *src, enum warn_method m)
{
    return m == WARN_M_BASELINE ? src->p : m == WARN_M_BUILDUP ? src->bp : 1;
}

double warn__method_score(const struct wday *src, enum warn_method m);

/* Method and window behind the shown level of day d: the day's own when src_off is 0, else
 * the held rule of the source day. */
static inline void warn__source(const struct wday *d, enum warn_method *m, int *w)
{
    const struct wday *s = d - d->src_off;
    *m = (enum warn_method)(d->src_off ? s->rmethod : s->method);
    *w = d->src_off ? s->rwindow : s->window;
}

struct wregion {
    char code[WARN_CODE_MAX];
    enum warn_geo geo;
    int32_t parent;                 /* region index, -1 for the nation */
    struct wday *d;                 /* st->cap days */
    int32_t status_from, status_to; /* declared Status Keadaan Konflik, to < from = none */
    struct warn_episode *eps;
    size_t neps, capeps;
};

struct wevent {
    int64_t id;
    int32_t day;      /* absolute day */
    int32_t chain[3]; /* regions it counts in: own, then parents; -1 past the end */
    int32_t next[3];  /* next event of the same day in chain[i]'s list */
    int64_t w, w2;    /* weight and squared weight, thousandths */
    int32_t killed, injured;
    bool rule_ok;     /* may trigger hard rules */
    bool verified;    /* a human confirmed it */
    bool live;        /* false for free slots and events before first_day */
    uint8_t category; /* index into warn_category_names */
    unsigned flags;
};

struct warn_state {
    struct warn_params p;
    int32_t first_day;
    int32_t ndays, cap; /* days evaluated: [first_day, first_day + ndays) */
    struct wregion *reg;
    size_t nreg, capreg;
    int32_t *rhash; /* region index + 1 by code hash, 0 = empty */
    size_t rhcap;
    int32_t *sorted; /* region indices in code order, rebuilt lazily */
    bool sorted_ok;
    struct wevent *ev;
    size_t nev, capev, nlive;
    int32_t freelist;
    int32_t *ehash; /* event index + 1 by id hash, 0 = empty, -1 = deleted */
    size_t ehcap, ehused;
    uint64_t next_id;
    warn_change_fn fn;
    void *ud;
    bool notify;
    bool bulk; /* adding without evaluating (warn_state_set_bulk) */
};

/* Days in [a, e] that lie in the state (a before day 0 is clipped), 0 when e < 0. */
static inline int32_t warn__clip_len(int32_t a, int32_t e)
{
    if (e < 0)
        return 0;
    return e - (a < 0 ? 0 : a) + 1;
}

/* Slot of region ri in event e's chain (its next[] link in ri's day lists). */
static inline int warn__slot_of(const struct wevent *e, int32_t ri)
{
    for (int s = 0; s < 3; s++)
        if (e->chain[s] == ri)
            return s;
    return 0;
}

/* series.c */
int32_t warn__region_index(const struct warn_state *st, const char *code);
/* Sum of field over days [a, b] (relative, clipped to the state). */
int64_t warn__sum_y(const struct wregion *r, int32_t a, int32_t b);
int32_t warn__sum_n(const struct wregion *r, int32_t a, int32_t b);

/* baseline.c */
/* P(X >= x) for a negative binomial with mean mu and size (continuous in x > 0). */
double warn__nb_sf(double x, double mu, double size);
/* Evaluate the baseline test for region day t; returns the level, sets *p, *window. */
enum warn_level warn__baseline(const struct warn_params *p, const struct wregion *r, int32_t t,
                               double *pv, int *window);
/* Count rate of the baseline before a window of k days ending at t (events per day). */
double warn__usual_rate(const struct warn_params *p, const struct wregion *r, int32_t t, int k);

/* cusum.c */
enum warn_level warn__cusum(const struct warn_params *p, const struct wregion *r, int32_t t,
                            double *s, uint16_t *run);
/* events per day in the CUSUM's reference year, and that at least the level's floor */
double warn__cusum_observed(const struct warn_params *p, const struct wregion *r, int32_t t);
double warn__cusum_rate(const struct warn_params *p, const struct wregion *r, int32_t t);
enum warn_level warn__cusum_rare(const struct warn_params *p, const struct wregion *r, int32_t t,
                                 double *s, uint16_t *run);

/* buildup.c: the build-up test's level for day t; *pv its p-value, *span the days from the
 * first event of the window that fired to t, *window that window */
enum warn_level warn__buildup(const struct warn_params *p, const struct wregion *r, int32_t t,
                              double *pv, int *span, int *window);
/* The usual rate (events a day) the build-up test compares window k at day t with, its Gamma
 * posterior (alpha, beta) and the rate observed in the history it chose (events a day; what
 * the explanation says). */
double warn__buildup_rate(const struct warn_params *p, const struct wregion *r, int32_t t, int k,
                          double *alpha, double *beta, double *observed);

/* rules.c: the day's hard-rule level (the status is applied in levels.c), over the
 * rule-eligible events or (verified_only) over the verified ones */
enum warn_level warn__rules(const struct warn_params *p, const struct wregion *r, int32_t t,
                            bool verified_only, enum warn_method *method, int *window);

/* levels.c */
void warn__eval_day(const struct warn_state *st, struct wregion *r, int32_t t);

/* episode.c */
void warn__derive_episodes(struct warn_state *st, int32_t ri, int32_t from);
void warn__episodes_free(struct wregion *r);

#endif
