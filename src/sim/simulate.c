/* sim: planted scenarios through the early-warning engine (see sim.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "sim/sim.h"

#define YEAR 365
/* An episode is the same outbreak while it lasts; after it, this many days still belong to
 * the scenario (its region's alert may close and late echoes follow). */
#define SIM_TAIL_DAYS 30
/* A seasonal rise is planted in provinces with at least this many regencies: in smaller ones
 * a fourfold rise of one or two events a regency a year is a handful of events. */
#define SIM_SEASONAL_REGENCIES 10
/* The outlet's regency has no other event this many days either side of the protest. */
#define OUTLET_CLEAR 60

const char *sim_kind_name(enum sim_kind k)
{
    static const char *const names[SIM_NKINDS] = {"spike",    "buildup", "killing",
                                                  "seasonal", "outlet",  "step"};
    return (unsigned)k < SIM_NKINDS ? names[k] : "?";
}

enum warn_level sim_expected_level(enum sim_kind k)
{
    switch (k) {
    case SIM_SPIKE:
    case SIM_KILLING:
        return WARN_SIAGA;
    case SIM_OUTLET:
        return WARN_NORMAL;
    default:
        return WARN_WASPADA;
    }
}

/* Deadlines from the onset. A seasonal rise must be seen while it lasts (its 60 days: after
 * them the warning is history); a step within a quarter. Shorter ones are beyond any detector
 * at these false-alarm rates: the oracle (oracle.c, --oracle), the CUSUM that knows the
 * change, finds about 90% of steps within 60 days and of seasonal rises within 45. */
int sim_expected_days(enum sim_kind k)
{
    static const int days[SIM_NKINDS] = {2, 10, 0, 59, 0, 90};
    return (unsigned)k < SIM_NKINDS ? days[k] : 0;
}

void sim_config_default(struct sim_config *c)
{
    memset(c, 0, sizeof(*c));
    c->seed = 1;
    c->years = 2;
    c->start_year = 2023;
    c->quiet_rate = 1.5;
    c->noisy_share = 0.1;
    c->noisy_factor = 5;
    c->cluster_share = 0.1;
    c->step_rate = 36;
    c->cases = 10;
    c->near_bits = 12;
    c->oracle_fa_regency = 0.02;
    c->oracle_fa_province = 0.07;
}

/* ---- random numbers (splitmix64: small, fast, reproducible everywhere) ------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unit(struct rng *r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int rng_int(struct rng *r, int n) /* [0, n) */
{
    return (int)(rng_unit(r) * n);
}

static bool rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* ---- events ------------------------------------------------------------------------------ */

struct sev {
    int32_t day; /* relative to the first day */
    int32_t reg; /* index into the regency list */
    int killed, injured;
    const char *category;
    bool verified;
};

struct evlist {
    struct sev *v;
    size_t n, cap;
};

static void ev_push(struct evlist *l, struct sev e)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = e;
}

static const char *background_category(struct rng *r)
{
    static const struct {
        const char *name;
        int share; /* percent */
    } mix[] = {
        {"land_resource", 25},           {"inter_group_clash", 20}, {"riot_protest", 20},
        {"other_violence", 15},          {"vigilante", 10},         {"political_election", 5},
        {"identity_religious_ethnic", 5}};
    int x = rng_int(r, 100);
    for (size_t i = 0; i < WSP_ARRAY_LEN(mix); i++) {
        if (x < mix[i].share)
            return mix[i].name;
        x -= mix[i].share;
    }
    return "none";
}

static struct sev background_event(struct rng *r, int32_t day, int32_t reg)
{
    struct sev e = {.day = day, .reg = reg, .category = background_category(r)};
    e.verified = rng_chance(r, 1.0 / 3);
    if (rng_chance(r, 0.3))
        e.injured = 1 + rng_int(r, 4);
    return e;
}

/* A Poisson process of `rate` events a year over days [from, to), with clusters. */
static void poisson_events(struct evlist *l, struct rng *r, int32_t reg, double rate, int32_t from,
                           int32_t to, double cluster, const char *category)
{
    if (rate <= 0)
        return;
    double t = from;
    for (;;) {
        t += -log(1 - rng_unit(r)) * YEAR / rate;
        if (t >= to)
            break;
        struct sev e = background_event(r, (int32_t)t, reg);
        if (category)
            e.category = category;
        ev_push(l, e);
        if (rng_chance(r, cluster)) {
            int32_t d = (int32_t)t + 1 + rng_int(r, 7);
            if (d < to) {
                struct sev f = background_event(r, d, reg);
                if (category)
                    f.category = category;
                ev_push(l, f);
            }
        }
    }
}

/* ---- scenarios --------------------------------------------------------------------------- */

struct scase {
    enum sim_kind kind;
    int32_t reg;       /* regency index, or -1 for a province case */
    char province[4];  /* the case's province */
    int32_t onset;     /* relative day of the first planted event (seasonal: of the rise) */
    int32_t end;       /* relative day of the last planted event */
    bool province_lvl; /* judged on the province's series */
};

struct world {
    const struct sim_config *c;
    struct rng rng;
    int32_t first_day;        /* absolute day of relative day 0 */
    int32_t ndays, eval_from; /* relative days; the last year is [eval_from, ndays) */
    double *rate;             /* per regency */
    bool *noisy;
    int *scenario; /* per regency: kind + 1 of its case, 0 = none; -1 = in a seasonal province */
    struct evlist ev;
    struct scase *cases;
    size_t ncases;
    size_t outlet_copies, outlet_merged;
};

static void province_of(const char *code, char out[4])
{
    out[0] = code[0];
    out[1] = code[1];
    out[2] = '\0';
}

static int32_t onset_day(struct world *w, int32_t room_after)
{
    int32_t lo = w->eval_from + 30, hi = w->ndays - room_after;
    return lo + rng_int(&w->rng, hi > lo ? hi - lo : 1);
}

static void plant_spike(struct world *w, struct scase *sc)
{
    int n = 5 + rng_int(&w->rng, 4);
    for (int i = 0; i < n; i++) {
        struct sev e = {.day = sc->onset + (i ? rng_int(&w->rng, 3) : 0),
                        .reg = sc->reg,
                        .category = "inter_group_clash",
                        .verified = rng_chance(&w->rng, 1.0 / 3)};
        if (rng_chance(&w->rng, 0.5))
            e.injured = 1 + rng_int(&w->rng, 3);
        if (e.day > sc->end)
            sc->end = e.day;
        ev_push(&w->ev, e);
    }
}

static void plant_buildup(struct world *w, struct scase *sc)
{
    static const int gaps[] = {4, 4, 3, 3, 2, 2, 1};
    int32_t d = sc->onset;
    for (size_t i = 0; i <= WSP_ARRAY_LEN(gaps); i++) {
        struct sev e = {.day = d,
                        .reg = sc->reg,
                        .category = "land_resource",
                        .verified = rng_chance(&w->rng, 1.0 / 3)};
        ev_push(&w->ev, e);
        sc->end = d;
        if (i < WSP_ARRAY_LEN(gaps)) {
            int g = gaps[i] + rng_int(&w->rng, 3) - 1;
            d += g < 1 ? 1 : g;
        }
    }
}

static void plant_killing(struct world *w, struct scase *sc)
{
    struct sev e = {.day = sc->onset,
                    .reg = sc->reg,
                    .killed = 1,
                    .category = rng_chance(&w->rng, 0.5) ? "inter_group_clash" : "other_violence",
                    .verified = rng_chance(&w->rng, 1.0 / 3)};
    sc->end = sc->onset;
    ev_push(&w->ev, e);
}

static void plant_seasonal(struct world *w, struct scase *sc)
{
    const struct sim_config *c = w->c;
    sc->end = sc->onset + 59;
    for (size_t i = 0; i < c->nregencies; i++)
        if (strncmp(c->regencies[i], sc->province, 2) == 0)
            poisson_events(&w->ev, &w->rng, (int32_t)i, 3 * w->rate[i], sc->onset, sc->onset + 60,
                           c->cluster_share, "political_election");
}

/* One protest told ten times in three days. Each copy is a report with its own reading of the
 * date and its own wording (a SimHash some bits away); the near-duplicate rule decides, as
 * ingest does, whether it is one more source of an event already made from earlier copies. */
static void plant_outlet(struct world *w, struct scase *sc)
{
    /* a regency with no other event within OUTLET_CLEAR days: what is judged is the
     * repetition, not the protest itself meeting background events by chance */
    size_t keep = 0;
    for (size_t i = 0; i < w->ev.n; i++) {
        const struct sev *e = &w->ev.v[i];
        if (e->reg == sc->reg && abs(e->day - sc->onset) <= OUTLET_CLEAR)
            continue;
        w->ev.v[keep++] = *e;
    }
    w->ev.n = keep;
    const char *region = w->c->regencies[sc->reg];
    uint64_t base = rng_next(&w->rng);
    struct {
        int32_t day;
        uint64_t simhash;
        char date[11];
    } made[10];
    size_t nmade = 0;
    sc->end = sc->onset;
    for (int i = 0; i < 10; i++) {
        int32_t day = sc->onset + (i && rng_chance(&w->rng, 0.3) ? rng_int(&w->rng, 3) - 1 : 0);
        if (day < sc->onset)
            day = sc->onset;
        uint64_t h = base;
        for (int k = rng_int(&w->rng, 21); k > 0; k--)
            h ^= 1ull << rng_int(&w->rng, 64);
        struct store_event e = {
            .regency_code = region, .category = "riot_protest", .simhash = h, .has_simhash = true};
        char date[11];
        warn_day_format(w->first_day + day, date, sizeof(date));
        e.event_date = date;
        bool merged = false;
        for (size_t j = 0; j < nmade && !merged; j++) {
            if (abs(made[j].day - day) > 3) /* the store's candidates: within merge_days */
                continue;
            struct store_event cand = {.regency_code = region,
                                       .category = "riot_protest",
                                       .event_date = made[j].date,
                                       .simhash = made[j].simhash,
                                       .has_simhash = true};
            merged = ingest_same_event(&cand, detect_simhash_distance(made[j].simhash, h), &e,
                                       w->c->near_bits);
        }
        w->outlet_copies++;
        if (merged) {
            w->outlet_merged++;
            continue;
        }
        made[nmade].day = day;
        made[nmade].simhash = h;
        memcpy(made[nmade].date, date, sizeof(date));
        nmade++;
        struct sev ev = {.day = day, .reg = sc->reg, .category = "riot_protest"};
        if (day > sc->end)
            sc->end = day;
        ev_push(&w->ev, ev);
    }
}

static void plant_step(struct world *w, struct scase *sc)
{
    double extra = w->c->step_rate - w->rate[sc->reg];
    size_t before = w->ev.n;
    poisson_events(&w->ev, &w->rng, sc->reg, extra, sc->onset, w->ndays, 0, NULL);
    /* the onset is the first event of the new rate */
    int32_t first = w->ndays;
    for (size_t i = before; i < w->ev.n; i++)
        if (w->ev.v[i].day < first)
            first = w->ev.v[i].day;
    sc->onset = first < w->ndays ? first : sc->onset;
    sc->end = w->ndays - 1;
}

/* ---- the world --------------------------------------------------------------------------- */

static int pick_regency(struct world *w)
{
    const struct sim_config *c = w->c;
    for (int tries = 0; tries < 100000; tries++) {
        int32_t i = (int32_t)rng_int(&w->rng, (int)c->nregencies);
        if (!w->noisy[i] && w->scenario[i] == 0)
            return i;
    }
    return -1;
}

/* A province of the regency list with at least SIM_SEASONAL_REGENCIES regencies, none in a
 * scenario yet. */
static int pick_province(struct world *w, char out[4])
{
    const struct sim_config *c = w->c;
    for (int tries = 0; tries < 10000; tries++) {
        char pc[4];
        province_of(c->regencies[rng_int(&w->rng, (int)c->nregencies)], pc);
        int n = 0;
        bool taken = false;
        for (size_t i = 0; i < c->nregencies; i++) {
            if (strncmp(c->regencies[i], pc, 2) != 0)
                continue;
            n++;
            taken |= w->scenario[i] != 0;
        }
        if (n >= SIM_SEASONAL_REGENCIES && !taken) {
            memcpy(out, pc, 3);
            for (size_t i = 0; i < c->nregencies; i++)
                if (strncmp(c->regencies[i], pc, 2) == 0)
                    w->scenario[i] = -1;
            return 0;
        }
    }
    return -1;
}

static int build_world(struct world *w, struct error *err)
{
    const struct sim_config *c = w->c;
    size_t n = c->nregencies;
    w->rate = xcalloc(n, sizeof(*w->rate));
    w->noisy = xcalloc(n, sizeof(*w->noisy));
    w->scenario = xcalloc(n, sizeof(*w->scenario));
    for (size_t i = 0; i < n; i++) {
        w->noisy[i] = rng_chance(&w->rng, c->noisy_share);
        w->rate[i] =
            c->quiet_rate * (0.5 + rng_unit(&w->rng)) * (w->noisy[i] ? c->noisy_factor : 1);
    }
    w->cases = xcalloc((size_t)c->cases * SIM_NKINDS, sizeof(*w->cases));
    /* seasonal provinces first: a whole province each */
    for (int k = 0; k < c->cases; k++) {
        struct scase *sc = &w->cases[w->ncases];
        sc->kind = SIM_SEASONAL;
        sc->reg = -1;
        sc->province_lvl = true;
        if (pick_province(w, sc->province) != 0)
            return error_set(err, WSP_EINVAL,
                             "not enough provinces with %d regencies for %d seasonal cases",
                             SIM_SEASONAL_REGENCIES, c->cases);
        sc->onset = onset_day(w, 90);
        w->ncases++;
    }
    static const enum sim_kind regency_kinds[] = {SIM_SPIKE, SIM_BUILDUP, SIM_KILLING, SIM_OUTLET,
                                                  SIM_STEP};
    for (size_t k = 0; k < WSP_ARRAY_LEN(regency_kinds); k++) {
        for (int j = 0; j < c->cases; j++) {
            struct scase *sc = &w->cases[w->ncases];
            sc->kind = regency_kinds[k];
            sc->reg = pick_regency(w);
            if (sc->reg < 0)
                return error_set(err, WSP_EINVAL, "not enough quiet regencies for %d cases",
                                 c->cases);
            w->scenario[sc->reg] = (int)sc->kind + 1;
            province_of(c->regencies[sc->reg], sc->province);
            sc->onset = onset_day(w, sc->kind == SIM_STEP ? 240 : 90);
            w->ncases++;
        }
    }
    for (size_t i = 0; i < n; i++)
        poisson_events(&w->ev, &w->rng, (int32_t)i, w->rate[i], 0, w->ndays, c->cluster_share,
                       NULL);
    for (size_t i = 0; i < w->ncases; i++) {
        struct scase *sc = &w->cases[i];
        switch (sc->kind) {
        case SIM_SPIKE:
            plant_spike(w, sc);
            break;
        case SIM_BUILDUP:
            plant_buildup(w, sc);
            break;
        case SIM_KILLING:
            plant_killing(w, sc);
            break;
        case SIM_SEASONAL:
            plant_seasonal(w, sc);
            break;
        case SIM_OUTLET:
            plant_outlet(w, sc);
            break;
        case SIM_STEP:
            plant_step(w, sc);
            break;
        case SIM_NKINDS:
            break;
        }
    }
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    const struct sev *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/* Feed the events day by day, as the server sees them, evaluating every region each day. */
static int replay(struct world *w, struct warn_state *st, struct error *err)
{
    qsort(w->ev.v, w->ev.n, sizeof(*w->ev.v), cmp_day);
    size_t i = 0;
    for (int32_t d = 0; d < w->ndays; d++) {
        for (; i < w->ev.n && w->ev.v[i].day == d; i++) {
            const struct sev *s = &w->ev.v[i];
            struct warn_event e = {.id = (int64_t)i + 1,
                                   .region = w->c->regencies[s->reg],
                                   .day = w->first_day + d,
                                   .killed = s->killed,
                                   .injured = s->injured,
                                   .category = s->category,
                                   .verified = s->verified};
            int rc = warn_state_add(st, &e, err);
            if (rc != 0)
                return rc;
        }
        warn_state_advance(st, w->first_day + d);
    }
    return 0;
}

/* ---- judging ----------------------------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

double sim_median(int *v, size_t n)
{
    if (n == 0)
        return -1;
    qsort(v, n, sizeof(*v), cmp_int);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Alerts of region opened in [from, to] (absolute days). */
static int alerts_opened(const struct warn_state *st, const char *region, int32_t from, int32_t to)
{
    size_t n;
    const struct warn_episode *eps = warn_state_episodes(st, region, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (eps[i].first_day >= from && eps[i].first_day <= to)
            k++;
    return k;
}

/* Whether an alert was open on day (absolute), or opened on it. */
static bool alert_open_on(const struct warn_state *st, const char *region, int32_t day)
{
    size_t n;
    const struct warn_episode *eps = warn_state_episodes(st, region, &n);
    for (size_t i = 0; i < n; i++)
        if (eps[i].first_day <= day && (eps[i].close_day < 0 || eps[i].close_day >= day))
            return true;
    return false;
}

static void judge(struct world *w, const struct warn_state *st, struct sim_result *out)
{
    const struct sim_config *c = w->c;
    for (int k = 0; k < SIM_NKINDS; k++) {
        out->kind[k].median_delay = -1;
        out->kind[k].max_delay = -1;
    }
    for (size_t i = 0; i < w->ncases; i++) {
        const struct scase *sc = &w->cases[i];
        struct sim_kind_result *kr = &out->kind[sc->kind];
        const char *region = sc->province_lvl ? sc->province : c->regencies[sc->reg];
        int32_t onset = w->first_day + sc->onset;
        int32_t until =
            w->first_day + (sc->kind == SIM_STEP ? w->ndays - 1 : sc->end + SIM_TAIL_DAYS);
        if (until > w->first_day + w->ndays - 1)
            until = w->first_day + w->ndays - 1;
        kr->cases++;
        int opened = alerts_opened(st, region, onset, until);
        bool open_before = alert_open_on(st, region, onset - 1);
        kr->alarmed += opened > 0 || open_before;
        kr->extra += sc->kind == SIM_OUTLET ? opened : (opened > 1 ? opened - 1 : 0);
        if (sc->kind != SIM_STEP && sc->kind != SIM_OUTLET) {
            /* how long the region stays up once the outbreak is over */
            kr->held_cases++;
            struct warn_day_info info;
            for (int32_t d = w->first_day + sc->end + 1; d < w->first_day + w->ndays; d++) {
                if (warn_state_day(st, region, d, &info) != 0 || info.level < WARN_WASPADA)
                    break;
                kr->held_days++;
            }
        }
        enum warn_level want = sim_expected_level(sc->kind);
        if (want == WARN_NORMAL) {
            kr->detected += opened == 0;
            continue;
        }
        for (int d = 0; d <= sim_expected_days(sc->kind); d++) {
            struct warn_day_info info;
            if (warn_state_day(st, region, onset + d, &info) == 0 && info.level >= want) {
                kr->delay[kr->detected++] = d;
                if (d > kr->max_delay)
                    kr->max_delay = d;
                break;
            }
        }
    }
    for (int k = 0; k < SIM_NKINDS; k++) {
        struct sim_kind_result *kr = &out->kind[k];
        if (sim_expected_level((enum sim_kind)k) != WARN_NORMAL)
            kr->median_delay = sim_median(kr->delay, (size_t)kr->detected);
    }

    /* false alarms in the last year */
    int32_t from = w->first_day + w->eval_from, to = w->first_day + w->ndays - 1;
    for (size_t i = 0; i < c->nregencies; i++) {
        if (w->scenario[i] != 0)
            continue;
        int a = alerts_opened(st, c->regencies[i], from, to);
        if (w->noisy[i]) {
            out->noisy_regions++;
            out->fa_noisy += a;
        } else {
            out->quiet_regions++;
            out->fa_quiet += a;
        }
    }
    /* provinces: alerts that no scenario of theirs explains */
    for (size_t i = 0; i < c->nregencies; i++) {
        char pc[4];
        province_of(c->regencies[i], pc);
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = strncmp(c->regencies[j], pc, 2) != 0;
        if (!first)
            continue;
        out->provinces++;
        size_t n;
        const struct warn_episode *eps = warn_state_episodes(st, pc, &n);
        for (size_t e = 0; e < n; e++) {
            if (eps[e].first_day < from || eps[e].first_day > to)
                continue;
            bool explained = false;
            for (size_t k = 0; k < w->ncases && !explained; k++) {
                const struct scase *sc = &w->cases[k];
                explained = strcmp(sc->province, pc) == 0 &&
                            eps[e].first_day >= w->first_day + sc->onset &&
                            eps[e].first_day <= w->first_day + sc->end + SIM_TAIL_DAYS;
            }
            out->fa_province += !explained;
        }
    }
    out->fa_national = alerts_opened(st, WARN_NATIONAL, from, to);
}

/* ---- the oracle (see oracle.c) ------------------------------------------------------------ */

/* Background for the thresholds: quiet regency-years for the step's, province-years for the
 * seasonal rise's (each province its own: its rate decides). */
#define ORACLE_REGENCY_SERIES 1000 /* of two years */
#define ORACLE_PROVINCE_YEARS 300

/* Daily counts over the world's days of one regency, or of every regency of a province. */
static int *world_counts(const struct world *w, int32_t reg, const char *province)
{
    int *n = xcalloc((size_t)w->ndays, sizeof(*n));
    for (size_t i = 0; i < w->ev.n; i++) {
        const struct sev *e = &w->ev.v[i];
        bool in = reg >= 0 ? e->reg == reg : strncmp(w->c->regencies[e->reg], province, 2) == 0;
        if (in && e->day >= 0 && e->day < w->ndays)
            n[e->day]++;
    }
    return n;
}

/* Daily counts of background events (the world's generator, pairs included) of the regencies
 * with the given yearly rates, over ndays. */
static int *background_counts(struct rng *r, double cluster, const double *rates, size_t nrates,
                              int32_t ndays)
{
    struct evlist l = {0};
    for (size_t i = 0; i < nrates; i++)
        poisson_events(&l, r, 0, rates[i], 0, ndays, cluster, NULL);
    int *n = xcalloc((size_t)ndays, sizeof(*n));
    for (size_t i = 0; i < l.n; i++)
        n[l.v[i].day]++;
    free(l.v);
    return n;
}

static void run_oracle(const struct world *w, struct sim_result *out)
{
    const struct sim_config *c = w->c;
    struct rng r = {c->seed ^ 0x6f7261636c65ull}; /* its own stream: the world is not touched */

    /* the step: quiet regencies' background, against the step's rate */
    struct sim_series *bg = xcalloc(ORACLE_REGENCY_SERIES, sizeof(*bg));
    for (size_t i = 0; i < ORACLE_REGENCY_SERIES; i++) {
        double rate = c->quiet_rate * (0.5 + rng_unit(&r));
        bg[i].counts = background_counts(&r, c->cluster_share, &rate, 1, 2 * YEAR);
        bg[i].n = 2 * YEAR;
        bg[i].rate = rate / YEAR;
    }
    double l1 = c->step_rate / YEAR;
    double h = sim_cusum_threshold(bg, ORACLE_REGENCY_SERIES, 0, l1, c->oracle_fa_regency);
    for (size_t i = 0; i < ORACLE_REGENCY_SERIES; i++)
        free((void *)bg[i].counts);
    free(bg);
    for (size_t i = 0; i < w->ncases; i++) {
        const struct scase *sc = &w->cases[i];
        if (sc->kind != SIM_STEP)
            continue;
        int *n = world_counts(w, sc->reg, NULL);
        int32_t first;
        sim_cusum_alarms(n, w->ndays, w->rate[sc->reg] / YEAR, l1, h, 0, &first, sc->onset);
        free(n);
        out->oracle.step++;
        out->oracle.step60 += first >= 0 && first - sc->onset <= 60;
        out->oracle.step90 += first >= 0 && first - sc->onset <= 90;
    }

    /* the seasonal rise: each province against four times its rate */
    for (size_t i = 0; i < w->ncases; i++) {
        const struct scase *sc = &w->cases[i];
        if (sc->kind != SIM_SEASONAL)
            continue;
        double *rates = xcalloc(c->nregencies, sizeof(*rates)), total = 0;
        size_t nr = 0;
        for (size_t j = 0; j < c->nregencies; j++)
            if (strncmp(c->regencies[j], sc->province, 2) == 0) {
                rates[nr++] = w->rate[j];
                total += w->rate[j];
            }
        struct sim_series pb = {.counts = background_counts(&r, c->cluster_share, rates, nr,
                                                            ORACLE_PROVINCE_YEARS * YEAR),
                                .n = ORACLE_PROVINCE_YEARS * YEAR,
                                .rate = total / YEAR};
        double hp = sim_cusum_threshold(&pb, 1, 4, 0, c->oracle_fa_province);
        free((void *)pb.counts);
        free(rates);
        int *n = world_counts(w, -1, sc->province);
        int32_t first;
        sim_cusum_alarms(n, w->ndays, total / YEAR, 4 * total / YEAR, hp, 0, &first, sc->onset);
        free(n);
        out->oracle.seasonal++;
        out->oracle.seasonal45 += first >= 0 && first - sc->onset <= 45;
        out->oracle.seasonal59 += first >= 0 && first - sc->onset <= 59;
    }
}

int sim_run(const struct warn_params *p, const struct sim_config *c, struct sim_result *out,
            struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (c->nregencies < 50 || c->years < 2 || c->years > 20 || c->cases < 1 ||
        c->cases > SIM_MAX_CASES || c->quiet_rate <= 0 || c->noisy_share < 0 ||
        c->noisy_share > 0.5 || c->noisy_factor < 1 || c->cluster_share < 0 ||
        c->cluster_share > 1 || c->step_rate <= c->quiet_rate * 1.5 ||
        (c->oracle && (c->oracle_fa_regency <= 0 || c->oracle_fa_province <= 0)))
        return error_set(err, WSP_EINVAL,
                         "bad simulation: at least 50 regencies, 2..20 years, 1..100 cases, "
                         "positive rates, a step rate above 1.5 x the quiet rate");
    for (size_t i = 0; i < c->nregencies; i++)
        if (warn_geo_of(c->regencies[i]) != WARN_GEO_REGENCY)
            return error_set(err, WSP_EINVAL, "'%s' is not a regency code", c->regencies[i]);
    char jan1[16];
    snprintf(jan1, sizeof(jan1), "%04d-01-01", c->start_year);
    struct world w = {.c = c, .rng = {c->seed * 0x2545f4914f6cdd1dull + 1}};
    if (warn_day_parse(jan1, &w.first_day) != 0)
        return error_set(err, WSP_EINVAL, "bad start year %d", c->start_year);
    w.ndays = c->years * YEAR;
    w.eval_from = w.ndays - YEAR;
    int rc = build_world(&w, err);
    struct warn_state *st = NULL;
    if (rc == 0) {
        st = warn_state_new(p, w.first_day);
        warn_state_set_notify(st, false);
        rc = replay(&w, st, err);
    }
    if (rc == 0) {
        judge(&w, st, out);
        if (c->oracle)
            run_oracle(&w, out);
        out->events = w.ev.n;
        out->outlet_copies = w.outlet_copies;
        out->outlet_merged = w.outlet_merged;
    }
    warn_state_free(st);
    free(w.rate);
    free(w.noisy);
    free(w.scenario);
    free(w.cases);
    free(w.ev.v);
    return rc;
}
