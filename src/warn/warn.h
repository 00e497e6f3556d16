/*
 * warn: the early-warning engine. From conflict events to daily per-region series, anomaly tests
 * for sparse counts, hard rules, four alert levels and alert episodes with plain-language
 * explanations in Indonesian and English. Pure: no SQL, no HTTP, no clock, no global mutable
 * state. Everything it knows comes from the events fed to it, so a server can rebuild a state
 * from the store at start-up and then feed events one by one.
 *
 * Regions. An event is coded to a regency ("32.73") or, when the regency is unknown, to a
 * province ("32"); longer codes (districts, villages) are cut to their regency. Every event also
 * counts in its province and in the nation (WARN_NATIONAL). Regions are created on first use.
 *
 * Days are whole days since 1970-01-01 (UTC), int32_t; warn_day_parse/format convert.
 *
 * Series. Per region and day: number of events, killed, injured, and a severity weight
 *     w = category_weight * (verified ? 1 : weight_unverified)
 *         * (1 + weight_killed * min(killed, victims_cap) + weight_injured * min(injured, cap))
 * kept in integer thousandths so that adding and removing an event is exact (incremental
 * update equals full recompute bit for bit).
 *
 * Detection, evaluated for day t from data up to t only (no look-ahead):
 *  - baseline test (baseline.c, after EARS C2/C3 and ESSENCE): for windows of 1, 3 and 7 days
 *    the weighted sum O over the window is compared with the rate lambda of the 28 days before
 *    it, a 2-day guard band apart, shrunk towards the rate of the year before and never below a
 *    per-level floor. O is tested against a negative binomial (size nb_size per day) on the
 *    scale of its own weights (a compound-Poisson approximation), giving a p-value. A window
 *    needs at least min_events_<level> events to raise <level>, so one minor event never
 *    alarms on statistics alone.
 *  - CUSUM (cusum.c): a Poisson CUSUM of daily event counts against the rate of the year
 *    ending cusum_lag days ago, tuned to a doubling, for slow build-ups the baseline adapts to
 *    in busy regions.
 *  - build-up test (buildup.c): events in the last 7, 14 and 28 days against the region's own
 *    rate from the year (or the quarter, after an alarm) before them, a Poisson-Gamma
 *    predictive with a prior of one event a year: slow build-ups in quiet regencies (and
 *    provinces; not the nation), where the baseline's floor and the CUSUM's are far above
 *    what they ever see.
 *  - hard rules (rules.c), on the events coded to the region itself: a death -> at least siaga;
 *    an attack on a house of worship -> at least siaga; mass_killed or more killed within
 *    mass_window days (regency and province series) -> awas; a declared Status Keadaan Konflik
 *    (recorded by warn_state_set_status) -> at least siaga, and awas while violence goes on
 *    under it (a death or a statistical siaga on a day of the status).
 *  - levels (levels.c): the day's raw level is the highest of the three; the shown level also
 *    keeps a hard rule's level for hold_days days after its event (statistical levels last as
 *    long as their windows show the excess), so a level does not flicker day to day.
 *  - verified backing (levels.c): each day also knows the level it would show without the hard
 *    rules that only unverified leads fired (the statistics over every counted event, the
 *    rules of verified events, a declared status). An episode none of whose days has such a
 *    level rests on unverified leads alone: it is marked unverified (*belum terverifikasi*)
 *    until a verified event backs it.
 *
 * Episodes (episode.c): an alert opens on the first day whose shown level is not normal, keeps
 * its level history while the level rises and falls, and closes after quiet_days consecutive
 * normal days (close_day is that last quiet day). New events during an open episode never open
 * a second one. Episodes are a function of the level series, so late or corrected events
 * re-derive the affected episodes; the differences are reported as warn_change records
 * (opened, level, closed, reopened, retracted, verified) through a callback.
 *
 * Ownership. A warn_state owns all its memory; it copies what it is given. Pointers returned by
 * accessors (episodes, region codes, steps) stay valid until the next call that changes the
 * state (add, change, remove, advance, recompute, set_status, free). The change callback runs
 * inside those calls and may use the read-only accessors but must not change the state.
 * A state is not thread-safe; one thread at a time.
 *
 * Errors: functions that can fail return 0 or a negative WSP_E* code and fill err.
 */
#ifndef WSP_WARN_H
#define WSP_WARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "events/events.h"

#define WARN_NATIONAL "ID"
#define WARN_CODE_MAX 16 /* region code buffer, with NUL */
#define WARN_NWINDOWS_MAX 6

enum warn_level { WARN_NORMAL = 0, WARN_WASPADA, WARN_SIAGA, WARN_AWAS, WARN_NLEVELS };

/* Which test set a day's level. */
enum warn_method {
    WARN_M_NONE = 0,
    WARN_M_BASELINE,     /* negative-binomial window test against the baseline */
    WARN_M_CUSUM,        /* slow build-up */
    WARN_M_RULE_DEATH,   /* any death */
    WARN_M_RULE_WORSHIP, /* attack on a house of worship */
    WARN_M_RULE_MASS,    /* mass_killed within mass_window days */
    WARN_M_RULE_STATUS,  /* declared Status Keadaan Konflik */
    WARN_M_BUILDUP,      /* build-up where events are rare (buildup.c) */
    WARN_M_CUSUM_RARE,   /* sustained rise from a low rate (cusum.c) */
    WARN_M_COUNT
};

/* Geographic level of a region code: 0 nation, 1 province, 2 regency. */
enum warn_geo { WARN_GEO_NATIONAL = 0, WARN_GEO_PROVINCE = 1, WARN_GEO_REGENCY = 2 };

/* "normal", "waspada", "siaga", "awas"; parse returns -1 when unknown. */
const char *warn_level_name(enum warn_level l);
int warn_level_parse(const char *s);
/* "baseline", "cusum", "rule_death", "rule_worship", "rule_mass", "rule_status", "buildup",
 * "none". */
const char *warn_method_name(enum warn_method m);
/* Geographic level of a valid region code ("ID", "32", "32.73"). */
enum warn_geo warn_geo_of(const char *code);

/* ---- days ---------------------------------------------------------------------------- */

/* "YYYY-MM-DD" (a longer ISO date-time is cut to its date) -> days since 1970-01-01.
 * 0 ok, WSP_EINVAL for anything else or a date outside 1900..2200. */
int warn_day_parse(const char *s, int32_t *out);
/* Day -> "YYYY-MM-DD" into out (at least 11 bytes). */
void warn_day_format(int32_t day, char *out, size_t outsz);

/* ---- parameters ------------------------------------------------------------------------ */

/* Category names known to the weights: the one table of events.h (event_category_names,
 * "none" first), under the name the warning engine's callers know. */
enum { WARN_NCATEGORIES = EVENT_NCATEGORIES };
extern const char *const *const warn_category_names;

struct warn_params {
    /* series weights */
    double weight_killed, weight_injured, weight_unverified;
    long victims_cap;
    double category_weight[WARN_NCATEGORIES]; /* by warn_category_names; unknown -> "none" */
    /* baseline test */
    long windows[WARN_NWINDOWS_MAX]; /* test windows in days, ascending, 0 = unused */
    long baseline_days, guard_days, long_days, prior_days;
    double nb_size;       /* negative-binomial size per day (smaller = more overdispersed) */
    double floor_rate[3]; /* minimum baseline weight per day, by enum warn_geo */
    double p_level[WARN_NLEVELS];  /* p below this raises the level ([0] unused) */
    long min_events[WARN_NLEVELS]; /* events in the window needed for the level ([0] unused) */
    /* CUSUM of busy regions */
    double cusum_shift;           /* the rate ratio it is tuned to detect */
    long cusum_cap;               /* events per day counted at most */
    long cusum_lag;               /* reference year ends this many days before the day */
    double cusum_floor[3];        /* minimum reference events per day, by enum warn_geo */
    double cusum_h[WARN_NLEVELS]; /* S at or above raises the level; 0 = never ([0] unused) */
    /* CUSUM of rises from a low rate (window-limited; provinces and regencies), by warn_geo */
    double rare_shift[3];
    long rare_cap[3];
    double rare_floor[3];
    double rare_h[3][WARN_NLEVELS];
    long rare_memory; /* days of evidence it keeps */
    /* build-up test */
    long buildup_windows[3][WARN_NWINDOWS_MAX]; /* by geo: days, ascending, 0 = unused */
    long buildup_guard;                         /* days between a window and its history */
    long buildup_year;                          /* the long history (days) */
    long buildup_recent;            /* the recent history (days), for regions whose rate rose */
    double buildup_prior[3];        /* events a year a region has without history, by warn_geo */
    double buildup_prior_shape;     /* the prior's weight, in events (over the long history) */
    double buildup_nb_size;         /* day-to-day overdispersion (negative-binomial size per day) */
    double buildup_p[WARN_NLEVELS]; /* p below this raises the level; 0 = never ([0] unused) */
    long buildup_min_events;        /* events in the window needed to raise a level */
    /* rules */
    int death_level, worship_level, status_level, mass_level; /* enum warn_level */
    long mass_killed, mass_window;
    bool rules_need_verified; /* hard rules ignore unverified leads */
    /* levels and episodes */
    long hold_days;  /* a hard rule's level is shown this many days */
    long quiet_days; /* an episode closes after this many normal days */
    /* backtest: what counts as a real escalation after an alert's first day */
    long escalation_window, escalation_events, escalation_killed;
};

/* The documented defaults (the same values as data/warn/params.ini). */
void warn_params_default(struct warn_params *p);
/* Apply "name = value" lines of an INI text (sections are ignored; names are the field names
 * above, windows as "1,3,7", levels by name, per-level values as p_waspada, min_events_siaga,
 * cusum_h_waspada, floor_regency ..., category weights as category.NAME) on top of *p.
 * WSP_EINVAL with the line for unknown names, bad values or values out of bounds. */
int warn_params_parse(struct warn_params *p, const char *text, struct error *err);
/* Defaults, then data/warn/params.ini through data_read (so --data-dir can override it). */
int warn_params_load(struct warn_params *p, struct error *err);
/* Every parameter as "name = value" lines (for --help and the params file). Caller frees. */
char *warn_params_dump(const struct warn_params *p);

/* ---- events -------------------------------------------------------------------------- */

enum {
    WARN_F_HOUSE_OF_WORSHIP = 1u << 0, /* a house of worship was attacked */
};

/* An event as the engine sees it. Strings are copied. */
struct warn_event {
    int64_t id;         /* unique; the store's event id */
    const char *region; /* regency or province code (or longer: cut to the regency) */
    int32_t day;
    long killed, injured; /* -1 = not stated (counts as 0) */
    const char *category; /* detect category name; NULL or unknown = "none" */
    bool verified;
    unsigned flags; /* WARN_F_* */
};

/* Severity weight of an event under p (as a double; the series keeps thousandths). */
double warn_event_weight(const struct warn_params *p, const struct warn_event *e);

/* ---- which recorded events count ------------------------------------------------------ */

/*
 * The one rule of which recorded events (news leads, community reports) count for warnings:
 * the series, the alerts and the risk views see exactly the events it admits.
 *  - an Indonesian place: a regency code, else a province code ("32.73", "32"; longer codes
 *    are fine). A lead without one (abroad, or never placed) never counts, not even in the
 *    nation's series;
 *  - a date;
 *  - not rejected (ditolak), and a known status;
 *  - verified events (terverifikasi, dalam_penanganan, selesai) count whatever their
 *    confidence; an unverified lead (menunggu) counts only when its confidence is at least
 *    lead_min_confidence (the setting of that name, default WARN_LEAD_MIN_CONFIDENCE).
 * The checks run in that order; the first that fails is the reason returned.
 */
#define WARN_LEAD_MIN_CONFIDENCE 0.5

struct warn_record {
    const char *province_code; /* NULL or "" = unknown */
    const char *regency_code;  /* NULL or "" = unknown */
    const char *event_date;    /* "YYYY-MM-DD" (or longer ISO), NULL = unknown */
    const char *status;        /* menunggu, terverifikasi, ditolak, dalam_penanganan, selesai */
    double confidence;         /* 0..1, the detector's */
    /* Victims (for warn_record_victims; -1 = not stated). */
    bool from_report;     /* a community (FKDM) report: killed/injured are the reporter's */
    long killed, injured; /* as stored with the event */
    long text_killed;     /* the detector's reading of a report's own text, -1 = none */
    long text_injured;
};

enum warn_admit {
    WARN_ADMIT_COUNTS = 0,
    WARN_ADMIT_NO_PLACE,       /* no Indonesian regency or province */
    WARN_ADMIT_NO_DATE,        /* no date, or not a date */
    WARN_ADMIT_REJECTED,       /* ditolak, or a status the workflow does not know */
    WARN_ADMIT_LOW_CONFIDENCE, /* an unverified lead below lead_min_confidence */
};

/* "counts", "no_place", "no_date", "rejected", "low_confidence". */
const char *warn_admit_name(enum warn_admit a);
/* terverifikasi, dalam_penanganan and selesai (a human confirmed the event). */
bool warn_status_verified(const char *status);
/* Whether r counts (see above). On WARN_ADMIT_COUNTS, *key (when key is not NULL) points at
 * r's regency code, else its province code: the region the event is coded to, and *day (when
 * not NULL) is its day. lead_min_confidence is clamped to 0..1. */
enum warn_admit warn_record_admit(const struct warn_record *r, double lead_min_confidence,
                                  const char **key, int32_t *day);

/*
 * The victims the engine counts for a recorded event. A news lead's numbers are the
 * detector's, and a verified event's are what an officer confirmed: both count as stored. The
 * numbers a reporter typed into a community report are that one person's word: until the
 * event is verified the engine counts the detector's reading of the report's own text
 * (text_killed, text_injured; -1 when it read none) instead. So one report cannot raise a
 * hard rule (a death, mass_killed) by a number alone, nor weigh more than its words say.
 */
void warn_record_victims(const struct warn_record *r, long *killed, long *injured);

/*
 * Whether day is a date a person may give for an event: from 1945-01-01 (the Republic; older
 * history is no early warning) to today + 1 (a report from UTC+9 is a day ahead of UTC).
 * today is the caller's clock as a day.
 */
#define WARN_EVENT_DAY_MIN "1945-01-01"
bool warn_event_day_plausible(int32_t day, int32_t today);

/* ---- state --------------------------------------------------------------------------- */

enum warn_change_kind {
    WARN_OPENED,    /* a new episode; to = its first level */
    WARN_LEVEL,     /* the level of an open episode rose or fell: from -> to */
    WARN_CLOSED,    /* quiet_days normal days passed; day = close day */
    WARN_REOPENED,  /* a late or corrected event extended a closed episode */
    WARN_RETRACTED, /* removed or corrected events took the episode away */
    WARN_VERIFIED   /* the episode's unverified mark changed (see warn_change.unverified) */
};
const char *warn_change_kind_name(enum warn_change_kind k);

struct warn_change {
    enum warn_change_kind kind;
    uint64_t episode_id;
    const char *region; /* owned by the state */
    int32_t day;
    enum warn_level from, to;
    enum warn_method method;
    double score;    /* -log10(p) for the baseline and build-up tests, S for CUSUM, 0 for rules */
    bool unverified; /* the episode's mark after the change */
};
typedef void (*warn_change_fn)(void *ud, const struct warn_change *c);

/* One entry of an episode's level history: the shown level from this day on. */
struct warn_step {
    int32_t day;
    int32_t source_day; /* the day whose raw level set it (<= day, within hold_days) */
    enum warn_level level;
    enum warn_method method;
    int window;      /* days of the window that fired (test window, CUSUM run, rule window) */
    double score, p; /* p = 1 for rules and CUSUM */
};

struct warn_episode {
    uint64_t id;                      /* stable for the life of the state */
    const char *region;               /* owned by the state */
    int32_t first_day;                /* first non-normal day */
    int32_t last_day;                 /* last non-normal day so far */
    int32_t close_day;                /* -1 while open */
    enum warn_level level, max_level; /* current (normal once closed) and highest */
    int32_t max_day;                  /* first day at max_level */
    int32_t peak_day; /* day of the largest weighted 7-day sum in [first_day, last_day] */
    const struct warn_step *steps; /* level history, steps[0].day == first_day */
    size_t nsteps;
    /* Belum terverifikasi: no day of [first_day, last_day] would be raised without the hard
     * rules that unverified leads alone fired (see "verified backing" above). */
    bool unverified;
};

/* What a day looks like in a region (for the risk API and tests). */
struct warn_day_info {
    int32_t day;
    int events, killed, injured;
    double weight;              /* weighted events that day */
    enum warn_level raw, level; /* the day's own level and the shown (held) level */
    enum warn_method method;
    int window;
    double p, score, cusum;
};

struct warn_state;

/* A state covering days from first_day on (earlier events are ignored; days grow as events or
 * warn_state_advance go later). p is copied. notify may be NULL. */
struct warn_state *warn_state_new(const struct warn_params *p, int32_t first_day);
void warn_state_free(struct warn_state *st);
void warn_state_set_callback(struct warn_state *st, warn_change_fn fn, void *ud);
/* Notifications on or off (off while rebuilding a state from the store). Default on. */
void warn_state_set_notify(struct warn_state *st, bool on);

/* Add, replace (same id) or remove an event; only the regions it touches are re-evaluated,
 * from its day on. An event later than the evaluated end advances every region to its day.
 * add: WSP_EEXIST when the id is known, WSP_EINVAL for a bad region code; change: like add
 * but replaces (adds when unknown); remove: WSP_ENOTFOUND when unknown. Events before
 * first_day are accepted and ignored (0 returned). */
int warn_state_add(struct warn_state *st, const struct warn_event *e, struct error *err);
int warn_state_change(struct warn_state *st, const struct warn_event *e, struct error *err);
int warn_state_remove(struct warn_state *st, int64_t id, struct error *err);
/* Record a declared Status Keadaan Konflik for region over [from, to] (at most 90 days by law;
 * not checked here). Replaces an earlier status of that region; to < from clears it. */
int warn_state_set_status(struct warn_state *st, const char *region, int32_t from, int32_t to,
                          struct error *err);
/* Bulk loading: while on, warn_state_add only records events (no evaluation, no episodes);
 * turning it off evaluates everything once, as warn_state_recompute. For a server that loads
 * years of stored events at start: the same state as adding them one by one, in one pass.
 * Only warn_state_add may be called while it is on. */
void warn_state_set_bulk(struct warn_state *st, bool on);
/* Evaluate every region through day (the clock of the caller: today). */
void warn_state_advance(struct warn_state *st, int32_t day);
/* Re-evaluate everything from first_day: the reference the incremental path must equal. */
void warn_state_recompute(struct warn_state *st);

int32_t warn_state_first_day(const struct warn_state *st);
int32_t warn_state_last_day(const struct warn_state *st); /* first_day - 1 when empty */
size_t warn_state_region_count(const struct warn_state *st);
/* i-th region in code order ("11", "11.01", ..., "ID"); NULL past the end. */
const char *warn_state_region_at(const struct warn_state *st, size_t i);
size_t warn_state_event_count(const struct warn_state *st);

/* Day info of region on day; WSP_ENOTFOUND when the region or day is not in the state. */
int warn_state_day(const struct warn_state *st, const char *region, int32_t day,
                   struct warn_day_info *out);
/* Episodes of a region in time order (*n set; NULL when none). */
const struct warn_episode *warn_state_episodes(const struct warn_state *st, const char *region,
                                               size_t *n);
/* An episode by id, NULL when unknown (or retracted). */
const struct warn_episode *warn_state_episode(const struct warn_state *st, uint64_t id);

/* Events coded to each region itself (not its children) with a day in [from, to], by
 * category: fn is called once per region and category that has any, regions in the state's
 * order. For the public counts: a verified-only state gives verified events, from memory. */
struct warn_count {
    const char *region;   /* owned by the state */
    const char *category; /* one of warn_category_names */
    long events, killed, injured;
};
typedef void (*warn_count_fn)(void *ud, const struct warn_count *c);
void warn_state_counts(const struct warn_state *st, int32_t from, int32_t to, warn_count_fn fn,
                       void *ud);

/* ---- explanations ---------------------------------------------------------------------- */

enum warn_lang { WARN_ID = 0, WARN_EN = 1 };

/* Plain-language reason for the step of an episode (NULL step = the step where it first reached
 * its highest level), e.g. "5 kejadian dalam 3 hari, biasanya 0,2 per hari; 2 tewas" /
 * "5 events in 3 days, usually 0.2 per day; 2 killed", appended to out. An unverified episode
 * adds "; belum terverifikasi, hanya dari laporan yang belum diverifikasi" / "; not verified
 * yet, from unverified reports only". */
void warn_explain(const struct warn_state *st, const struct warn_episode *ep,
                  const struct warn_step *step, enum warn_lang lang, struct buf *out);
/* Ids of the events in the window of that step, in day then id order; stores up to max,
 * returns how many there are. */
size_t warn_explain_events(const struct warn_state *st, const struct warn_episode *ep,
                           const struct warn_step *step, int64_t *ids, size_t max);

/* ---- backtest -------------------------------------------------------------------------- */

/* One line of backtest JSON Lines: {"id": 7, "region_code": "72.02", "date": "2000-05-23",
 * "killed": 3, "injured": 0, "category": "identity_religious_ethnic", "verified": true,
 * "house_of_worship": false}. id, verified (default true), house_of_worship and killed/injured
 * (default 0, null = 0) are optional; id defaults to lineno. region is copied into region_buf
 * (WARN_CODE_MAX) and category into cat_buf (32). WSP_EINVAL with "line N: ..." otherwise. */
int warn_event_from_json(const char *line, size_t len, long lineno, struct warn_event *out,
                         char *region_buf, char *cat_buf, struct error *err);

/* Events converted from the UCDP GED CSV. Each owns its strings. */
struct warn_event_list {
    struct warn_event *items;
    size_t n, cap;
    size_t dropped; /* rows without a province today (East Timor, no adm_1) */
};
void warn_event_list_release(struct warn_event_list *l);

/* Province centroid used to place UCDP events among provinces that split since. */
struct warn_centroid {
    char code[4];
    double lat, lng;
};

/* Convert UCDP GED rows (the CSV text) with the adm_1 -> province mapping (CSV text with
 * ucdp_adm_1,events,kemendagri_province_code,...): date = date_start, killed = best, category
 * by type_of_violence (1 separatist_armed, 2 inter_group_clash, 3 other_violence), verified.
 * Provinces that split since (Irian Jaya/Papua/Papua Barat -> 91..96, Maluku -> 81/82,
 * Sulawesi Selatan -> 73/76, Jawa Barat -> 32/36) are chosen by the nearest centroid among the
 * candidates (centroids may be NULL: then the mapped code is kept). Rows with no province
 * (Timor Timur, empty adm_1) are counted in dropped. WSP_EINVAL with the line on bad input. */
int warn_ucdp_convert(const char *csv, size_t len, const char *map_csv, size_t map_len,
                      const struct warn_centroid *centroids, size_t ncentroids,
                      struct warn_event_list *out, struct error *err);
/* Province centroids from data/geo/indonesia-provinces.geojson (properties code,
 * centroid_lat, centroid_lng). *out is malloc'd. */
int warn_load_centroids(struct warn_centroid **out, size_t *n, struct error *err);

struct warn_bt_alert {
    const struct warn_episode *ep;
    int32_t peak_day;
    int lead_days;      /* peak_day - first_day */
    bool escalation;    /* real escalation (see warn_backtest) */
    int events, killed; /* in [first_day, first_day + escalation_window) */
};

struct warn_bt_result {
    struct warn_bt_alert *alerts; /* malloc'd; first_day order, then region */
    size_t nalerts;
    size_t real, false_alarms;
    double region_years;     /* regions of the selected levels x years of [from, to] */
    double false_alarm_rate; /* false alarms per region-year */
    double median_lead;      /* over real escalations */
};

/*
 * Score the episodes of st whose first day is in [from, to] and whose region is at one of
 * the geographic levels in geo_mask (bit 1 << enum warn_geo). An alert is a real escalation
 * when its region saw at least escalation_events events or at least escalation_killed killed
 * in the escalation_window days from its first day. nregions is the number of regions of those
 * levels that could have alerted (for the rate). The result points into st.
 */
void warn_backtest(const struct warn_state *st, int32_t from, int32_t to, unsigned geo_mask,
                   size_t nregions, struct warn_bt_result *out);
void warn_bt_result_release(struct warn_bt_result *r);

#endif
