/*
 * warn: the early-warning engine on synthetic series with planted outbreaks (exact days and
 * levels), quiet regions with background noise (a bound on false alarms), episodes and their
 * change records, incremental update against full recompute, explanations, parameters, the
 * backtest readers and scoring, the rule of which recorded events count and with which
 * victims, and episodes resting on unverified leads alone (belum terverifikasi).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "warn/warn.h"

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(warn_day_parse(s, &d), 0);
    return d;
}

static int64_t next_id = 1;

static void add(struct warn_state *st, const char *region, int32_t day, long killed,
                const char *cat)
{
    struct warn_event e = {.id = next_id++,
                           .region = region,
                           .day = day,
                           .killed = killed,
                           .injured = 0,
                           .category = cat,
                           .verified = true};
    struct error err = {0};
    assert_int_equal(warn_state_add(st, &e, &err), 0);
}

/* Shown levels of region over [a, b] as digits, "0012333210". */
static char *levels(const struct warn_state *st, const char *region, int32_t a, int32_t b)
{
    static char s[4096];
    size_t n = 0;
    for (int32_t d = a; d <= b && n + 1 < sizeof(s); d++) {
        struct warn_day_info di;
        s[n++] = warn_state_day(st, region, d, &di) == 0 ? (char)('0' + di.level) : '-';
    }
    s[n] = '\0';
    return s;
}

static struct warn_state *new_state(int32_t first)
{
    struct warn_params p;
    warn_params_default(&p);
    return warn_state_new(&p, first);
}

/* ---- parameters and days --------------------------------------------------------------- */

static void test_params(void **state)
{
    (void)state;
    struct warn_params def, file;
    struct error err = {0};
    warn_params_default(&def);
    assert_int_equal(warn_params_load(&file, &err), 0);
    assert_memory_equal(&def, &file, sizeof(def)); /* params.ini documents the defaults */
    assert_int_equal(def.windows[0], 1);
    assert_int_equal(def.windows[2], 7);
    assert_int_equal(def.windows[3], 0);
    assert_true(def.p_level[WARN_WASPADA] == 0.001);
    assert_int_equal(def.death_level, WARN_SIAGA);
    assert_int_equal(def.mass_level, WARN_AWAS);

    struct warn_params p = def;
    assert_int_equal(warn_params_parse(&p,
                                       "[levels]\np_waspada = 0.05\nwindows = 2, 5\n"
                                       "death_level = awas\ncategory.vigilante = 2\n",
                                       &err),
                     0);
    assert_true(p.p_level[WARN_WASPADA] == 0.05);
    assert_int_equal(p.windows[0], 2);
    assert_int_equal(p.windows[1], 5);
    assert_int_equal(p.windows[2], 0);
    assert_int_equal(p.death_level, WARN_AWAS);
    assert_true(p.category_weight[7] == 2.0);

    p = def;
    assert_int_equal(warn_params_parse(&p, "; c\n[a]\nhold_days = 3\nbogus = 1\n", &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, "line 4: unknown parameter 'bogus'");
    assert_int_equal(warn_params_parse(&p, "quiet_days = 0\n", &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "line 1: 'quiet_days' must be a whole number in [1, 365], not '0'");
    assert_int_equal(warn_params_parse(&p, "x\n", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "line 1: syntax error");
    assert_int_equal(warn_params_parse(&p, "windows = 7,3\n", &err), WSP_EINVAL);
    assert_int_equal(warn_params_parse(&p, "mass_level = merah\n", &err), WSP_EINVAL);
    assert_int_equal(warn_params_parse(&p, "p_awas = 0.5\n", &err), WSP_EINVAL);
    assert_memory_equal(&p, &def, sizeof(p)); /* failed parses change nothing */

    /* the dump parses back to the same parameters */
    char *dump = warn_params_dump(&def);
    assert_non_null(strstr(dump, "p_siaga = 0.0001\n"));
    assert_non_null(strstr(dump, "windows = 1,3,7\n"));
    warn_params_default(&p);
    p.hold_days = 9;
    assert_int_equal(warn_params_parse(&p, dump, &err), 0);
    assert_memory_equal(&p, &def, sizeof(p));
    free(dump);
}

static void test_days(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(warn_day_parse("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(warn_day_parse("2000-03-01", &d), 0);
    assert_int_equal(d, 11017);
    assert_int_equal(warn_day_parse("1999-12-31 00:00:00.000", &d), 0);
    assert_int_equal(d, 10956);
    char s[16];
    for (int32_t x = -25000; x < 80000; x += 37) {
        warn_day_format(x, s, sizeof(s));
        assert_int_equal(warn_day_parse(s, &d), 0);
        assert_int_equal(d, x);
    }
    assert_int_equal(warn_day_parse("2001-02-29", &d), WSP_EINVAL);
    assert_int_equal(warn_day_parse("2000-02-29", &d), 0);
    assert_int_equal(warn_day_parse("2000-13-01", &d), WSP_EINVAL);
    assert_int_equal(warn_day_parse("2000-1-01", &d), WSP_EINVAL);
    assert_int_equal(warn_day_parse("2000-01-01x", &d), WSP_EINVAL);
    assert_int_equal(warn_day_parse(NULL, &d), WSP_EINVAL);
    assert_string_equal(warn_level_name(WARN_SIAGA), "siaga");
    assert_int_equal(warn_level_parse("awas"), WARN_AWAS);
    assert_int_equal(warn_level_parse("merah"), -1);
    assert_int_equal(warn_geo_of("72.02"), WARN_GEO_REGENCY);
    assert_int_equal(warn_geo_of("72"), WARN_GEO_PROVINCE);
    assert_int_equal(warn_geo_of("ID"), WARN_GEO_NATIONAL);
}

static void test_weights(void **state)
{
    (void)state;
    struct warn_params p;
    warn_params_default(&p);
    struct warn_event e = {
        .killed = 2, .injured = 4, .category = "inter_group_clash", .verified = true};
    assert_true(warn_event_weight(&p, &e) == 1.0 * (1 + 2 + 1));
    e.verified = false;
    assert_true(warn_event_weight(&p, &e) == 0.5 * 4);
    e.category = "identity_religious_ethnic";
    e.killed = -1; /* not stated */
    e.injured = 1000;
    e.verified = true;
    assert_true(warn_event_weight(&p, &e) == 1.2 * (1 + 0.25 * 50));
    e.category = "no such thing";
    e.injured = 0;
    assert_true(warn_event_weight(&p, &e) == 0.5);
}

/* ---- which recorded events count ------------------------------------------------------- */

static void test_admit(void **state)
{
    (void)state;
    static const struct {
        const char *province, *regency, *date, *status;
        double confidence;
        enum warn_admit want;
        const char *key;
    } cases[] = {
        /* a placed, dated lead at or above the threshold counts, coded to its regency */
        {"32", "32.73", "2024-03-01", "menunggu", 0.9, WARN_ADMIT_COUNTS, "32.73"},
        {"32", NULL, "2024-03-01", "menunggu", 0.5, WARN_ADMIT_COUNTS, "32"},
        {"32", "", "2024-03-01", "menunggu", 0.5, WARN_ADMIT_COUNTS, "32"},
        {NULL, "32.73.01", "2024-03-01T10:00:00Z", "menunggu", 0.7, WARN_ADMIT_COUNTS, "32.73.01"},
        /* no Indonesian place: never, however confident or verified */
        {NULL, NULL, "2024-03-01", "menunggu", 1.0, WARN_ADMIT_NO_PLACE, NULL},
        {"", "", "2024-03-01", "terverifikasi", 1.0, WARN_ADMIT_NO_PLACE, NULL},
        {"ID", NULL, "2024-03-01", "selesai", 0.9, WARN_ADMIT_NO_PLACE, NULL},
        {"MY", NULL, "2024-03-01", "menunggu", 0.9, WARN_ADMIT_NO_PLACE, NULL},
        {"3", NULL, "2024-03-01", "menunggu", 0.9, WARN_ADMIT_NO_PLACE, NULL},
        {"32", "32.7", "2024-03-01", "menunggu", 0.9, WARN_ADMIT_NO_PLACE, NULL},
        {"32", "32-73", "2024-03-01", "menunggu", 0.9, WARN_ADMIT_NO_PLACE, NULL},
        /* no date */
        {"32", "32.73", NULL, "terverifikasi", 0.9, WARN_ADMIT_NO_DATE, NULL},
        {"32", "32.73", "kemarin", "terverifikasi", 0.9, WARN_ADMIT_NO_DATE, NULL},
        /* rejected never counts, nor an unknown status */
        {"32", "32.73", "2024-03-01", "ditolak", 1.0, WARN_ADMIT_REJECTED, NULL},
        {"32", "32.73", "2024-03-01", "verified", 1.0, WARN_ADMIT_REJECTED, NULL},
        {"32", "32.73", "2024-03-01", NULL, 1.0, WARN_ADMIT_REJECTED, NULL},
        /* an unverified lead below the threshold does not count */
        {"32", "32.73", "2024-03-01", "menunggu", 0.3, WARN_ADMIT_LOW_CONFIDENCE, NULL},
        {"32", "32.73", "2024-03-01", "menunggu", 0.4999, WARN_ADMIT_LOW_CONFIDENCE, NULL},
        {"32", "32.73", "2024-03-01", "menunggu", 0.0, WARN_ADMIT_LOW_CONFIDENCE, NULL},
        /* verified events count whatever their confidence */
        {"32", "32.73", "2024-03-01", "terverifikasi", 0.1, WARN_ADMIT_COUNTS, "32.73"},
        {"32", "32.73", "2024-03-01", "dalam_penanganan", 0.0, WARN_ADMIT_COUNTS, "32.73"},
        {"32", NULL, "2024-03-01", "selesai", 0.2, WARN_ADMIT_COUNTS, "32"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct warn_record r = {.province_code = cases[i].province,
                                .regency_code = cases[i].regency,
                                .event_date = cases[i].date,
                                .status = cases[i].status,
                                .confidence = cases[i].confidence};
        const char *key = "unset";
        int32_t day = -7;
        enum warn_admit got = warn_record_admit(&r, WARN_LEAD_MIN_CONFIDENCE, &key, &day);
        if (got != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, warn_admit_name(got),
                     warn_admit_name(cases[i].want));
        if (cases[i].key) {
            assert_string_equal(key, cases[i].key);
            assert_int_equal(day, D("2024-03-01"));
        } else {
            assert_string_equal(key, "unset"); /* untouched when it does not count */
            assert_int_equal(day, -7);
        }
    }
    assert_string_equal(warn_admit_name(WARN_ADMIT_LOW_CONFIDENCE), "low_confidence");
    assert_true(warn_status_verified("terverifikasi"));
    assert_false(warn_status_verified("menunggu"));
    assert_false(warn_status_verified("ditolak"));
    assert_false(warn_status_verified(NULL));

    /* The threshold: 0 lets every placed lead count, 1 only certain ones; out of range is
     * clamped; NULL outputs are allowed. */
    struct warn_record lead = {.province_code = "73",
                               .regency_code = "73.71",
                               .event_date = "2024-03-01",
                               .status = "menunggu",
                               .confidence = 0.0};
    assert_int_equal(warn_record_admit(&lead, 0, NULL, NULL), WARN_ADMIT_COUNTS);
    assert_int_equal(warn_record_admit(&lead, -3, NULL, NULL), WARN_ADMIT_COUNTS);
    lead.confidence = 0.99;
    assert_int_equal(warn_record_admit(&lead, 1, NULL, NULL), WARN_ADMIT_LOW_CONFIDENCE);
    assert_int_equal(warn_record_admit(&lead, 7, NULL, NULL), WARN_ADMIT_LOW_CONFIDENCE);
    lead.confidence = 1.0;
    assert_int_equal(warn_record_admit(&lead, 7, NULL, NULL), WARN_ADMIT_COUNTS);
    lead.confidence = 0.6;
    assert_int_equal(warn_record_admit(&lead, 0.6, NULL, NULL), WARN_ADMIT_COUNTS);
    assert_int_equal(warn_record_admit(&lead, 0.61, NULL, NULL), WARN_ADMIT_LOW_CONFIDENCE);
    /* The same lead once verified counts at any threshold; rejected at none. */
    lead.status = "terverifikasi";
    assert_int_equal(warn_record_admit(&lead, 1, NULL, NULL), WARN_ADMIT_COUNTS);
    lead.status = "ditolak";
    assert_int_equal(warn_record_admit(&lead, 0, NULL, NULL), WARN_ADMIT_REJECTED);
    /* A place-less lead stays out at any threshold. */
    lead.status = "menunggu";
    lead.province_code = lead.regency_code = NULL;
    assert_int_equal(warn_record_admit(&lead, 0, NULL, NULL), WARN_ADMIT_NO_PLACE);
}

/* A reporter's typed numbers count only once an officer verified the event; until then the
 * detector's reading of the report's text does (or nothing). News leads and verified events
 * count their stored numbers. */
static void test_record_victims(void **state)
{
    (void)state;
    static const struct {
        bool report;
        const char *status;
        long killed, injured, text_killed, text_injured;
        long want_killed, want_injured;
    } cases[] = {
        /* an unverified report: "killed": 5 typed, the text says one died, nobody hurt */
        {true, "menunggu", 5, 2, 1, -1, 1, -1},
        /* ... the text says nothing: nothing counts */
        {true, "menunggu", 5, 2, -1, -1, -1, -1},
        /* ... garbage below -1 is "not stated" */
        {true, "menunggu", 5, 2, -9, 3, -1, 3},
        /* verified (any of the three statuses): the stored numbers, as the officer left them */
        {true, "terverifikasi", 5, 2, 1, -1, 5, 2},
        {true, "dalam_penanganan", 4, -1, 1, 1, 4, -1},
        {true, "selesai", 0, 0, 3, 3, 0, 0},
        /* a news lead's numbers are the detector's own: as stored, verified or not */
        {false, "menunggu", 3, 1, -1, -1, 3, 1},
        {false, "terverifikasi", 3, 1, 7, 7, 3, 1},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        struct warn_record r = {.status = cases[i].status,
                                .from_report = cases[i].report,
                                .killed = cases[i].killed,
                                .injured = cases[i].injured,
                                .text_killed = cases[i].text_killed,
                                .text_injured = cases[i].text_injured};
        long k = 99, inj = 99;
        warn_record_victims(&r, &k, &inj);
        if (k != cases[i].want_killed || inj != cases[i].want_injured)
            fail_msg("case %zu: got %ld/%ld, want %ld/%ld", i, k, inj, cases[i].want_killed,
                     cases[i].want_injured);
    }
}

/* Dates a person may give for an event: 1945-01-01 to tomorrow. */
static void test_event_day_plausible(void **state)
{
    (void)state;
    int32_t today = D("2026-12-06");
    assert_true(warn_event_day_plausible(D("1945-01-01"), today));
    assert_false(warn_event_day_plausible(D("1944-12-31"), today));
    assert_false(warn_event_day_plausible(D("1900-01-01"), today));
    assert_true(warn_event_day_plausible(today, today));
    assert_true(warn_event_day_plausible(D("2026-12-07"), today));
    assert_false(warn_event_day_plausible(D("2026-12-08"), today));
    assert_false(warn_event_day_plausible(D("2200-01-01"), today));
    /* years 0001 and 9999 are not even days to the engine */
    int32_t d;
    assert_int_equal(warn_day_parse("0001-01-01", &d), WSP_EINVAL);
    assert_int_equal(warn_day_parse("9999-12-31", &d), WSP_EINVAL);
}

/* ---- planted outbreaks ----------------------------------------------------------------- */

/* A quiet regency: one minor event is nothing; three on a day is siaga, three more the next
 * day awas (6 events in 3 days against the floor rate) while the 7-day window holds five or
 * more of them; on day 127 three events in 7 days (p = 0.0011) are no longer significant. */
static void test_spike(void **state)
{
    (void)state;
    int32_t d0 = D("2020-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "72.02", d0 + 100, 0, "inter_group_clash");
    for (int i = 0; i < 3; i++)
        add(st, "72.02", d0 + 120, 0, "inter_group_clash");
    for (int i = 0; i < 3; i++)
        add(st, "72.02", d0 + 121, 0, "inter_group_clash");
    warn_state_advance(st, d0 + 200);

    assert_string_equal(levels(st, "72.02", d0 + 95, d0 + 105), "00000000000");
    /*                                          118  120        130 */
    assert_string_equal(levels(st, "72.02", d0 + 118, d0 + 132), "002333333000000");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->first_day, d0 + 120);
    assert_int_equal(ep->max_level, WARN_AWAS);
    assert_int_equal(ep->max_day, d0 + 121);
    assert_int_equal(ep->last_day, d0 + 126);
    assert_int_equal(ep->close_day, d0 + 126 + 14);
    assert_int_equal(ep->peak_day, d0 + 121);
    assert_int_equal(ep->nsteps, 3);
    assert_int_equal(ep->steps[0].method, WARN_M_BASELINE);
    assert_int_equal(ep->steps[0].window, 1);
    assert_true(ep->steps[0].p < 1e-4 && ep->steps[0].p > 1e-6);
    assert_int_equal(ep->steps[1].window, 3);
    assert_true(ep->steps[1].p < 1e-6);
    assert_int_equal(ep->steps[2].level, WARN_NORMAL);
    assert_int_equal(ep->steps[2].day, d0 + 127);

    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, NULL, WARN_ID, &b);
    assert_string_equal(buf_cstr(&b), "6 kejadian dalam 3 hari, biasanya 0,03 per hari");
    buf_reset(&b);
    warn_explain(st, ep, NULL, WARN_EN, &b);
    assert_string_equal(buf_cstr(&b), "6 events in 3 days, usually 0.03 per day");
    buf_release(&b);
    int64_t ids[10];
    assert_int_equal(warn_explain_events(st, ep, NULL, ids, 10), 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(ids[i], next_id - 6 + i);
    assert_int_equal(warn_explain_events(st, ep, NULL, ids, 2), 6); /* counts past max */

    /* the province and the nation see it through their series, with higher floors */
    ep = warn_state_episodes(st, "72", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->max_level, WARN_SIAGA);    /* floor 0.1 a day: p = 1e-6 over 3 days */
    assert_null(warn_state_episodes(st, "ID", &n)); /* floor 0.5 a day: six is not enough */
    warn_state_free(st);
}

/* "5 kejadian dalam 3 hari, biasanya 0,2 per hari; 2 tewas": a regency with one event every
 * five days for more than a year, then five in three days, one of them deadly. The death rule
 * opens the alert at siaga; the baseline test says waspada on the third day. */
static void test_explain_with_background(void **state)
{
    (void)state;
    int32_t d0 = D("2021-01-01");
    struct warn_state *st = new_state(d0);
    for (int32_t t = 0; t < 400; t += 5)
        add(st, "91.03", d0 + t, 0, "separatist_armed");
    add(st, "91.03", d0 + 401, 0, "separatist_armed");
    add(st, "91.03", d0 + 402, 2, "separatist_armed");
    add(st, "91.03", d0 + 402, 0, "separatist_armed");
    add(st, "91.03", d0 + 403, 0, "separatist_armed");
    add(st, "91.03", d0 + 403, 0, "separatist_armed");
    warn_state_advance(st, d0 + 430);
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "91.03", &n);
    assert_int_equal(n, 1); /* a steady background raises nothing, even while warming up */
    assert_int_equal(ep->first_day, d0 + 402);
    assert_int_equal(ep->steps[0].method, WARN_M_RULE_DEATH);
    assert_int_equal(ep->max_level, WARN_SIAGA);
    struct warn_day_info di;
    assert_int_equal(warn_state_day(st, "91.03", d0 + 403, &di), 0);
    assert_int_equal(di.raw, WARN_WASPADA); /* 5 events in 3 days against 0.2 a day */
    assert_int_equal(di.level, WARN_SIAGA); /* the death of the day before, held */
    assert_int_equal(di.method, WARN_M_RULE_DEATH);
    assert_int_equal(di.events, 2);

    struct buf b;
    buf_init(&b, 0);
    const struct warn_step step = {.day = d0 + 403,
                                   .source_day = d0 + 403,
                                   .level = WARN_WASPADA,
                                   .method = WARN_M_BASELINE,
                                   .window = 3};
    warn_explain(st, ep, &step, WARN_ID, &b);
    assert_string_equal(buf_cstr(&b), "5 kejadian dalam 3 hari, biasanya 0,2 per hari; 2 tewas");
    buf_reset(&b);
    warn_explain(st, ep, &step, WARN_EN, &b);
    assert_string_equal(buf_cstr(&b), "5 events in 3 days, usually 0.2 per day; 2 killed");
    buf_reset(&b);
    warn_explain(st, ep, NULL, WARN_EN, &b); /* the step that reached the highest level */
    assert_string_equal(
        buf_cstr(&b), "2 events in 1 day, usually 0.2 per day; 2 killed; rule: people were killed");
    buf_reset(&b);
    warn_explain(st, ep, &ep->steps[0], WARN_ID, &b);
    assert_string_equal(buf_cstr(&b),
                        "2 kejadian dalam 1 hari, biasanya 0,2 per hari; 2 tewas; aturan: ada "
                        "korban tewas");
    buf_release(&b);
    int64_t ids[10];
    assert_int_equal(warn_explain_events(st, ep, &step, ids, 10), 5);
    assert_int_equal(ids[0], next_id - 5);
    assert_int_equal(ids[4], next_id - 1);
    warn_state_free(st);
}

/* A slow build-up the baseline test adapts to: a steady event every 10 days for 500 days, then
 * one every 3 days. The CUSUM raises waspada (10 events in 28 days against 36 a year), then
 * siaga; the baseline test stays quiet, and the build-up test (no 28-day window for a regency)
 * and the rare-rise CUSUM (tuned to a sixfold rise) are not faster. */
static void test_slow_buildup(void **state)
{
    (void)state;
    int32_t d0 = D("2018-01-01");
    struct warn_state *st = new_state(d0);
    for (int32_t t = 0; t < 500; t += 10)
        add(st, "94.01", d0 + t, 0, "land_resource");
    for (int32_t t = 500; t < 600; t += 3)
        add(st, "94.01", d0 + t, 0, "land_resource");
    warn_state_advance(st, d0 + 600);
    assert_string_equal(levels(st, "94.01", d0, d0 + 499), levels(st, "94.01", d0 + 500, d0 + 999));
    char want[501];
    memset(want, '0', 500);
    want[500] = '\0';
    assert_string_equal(levels(st, "94.01", d0, d0 + 499), want);
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "94.01", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->first_day, d0 + 527);
    assert_int_equal(ep->steps[0].method, WARN_M_CUSUM);
    assert_int_equal(ep->steps[0].level, WARN_WASPADA);
    assert_int_equal(ep->nsteps, 2); /* no flicker between events: hysteresis */
    assert_int_equal(ep->steps[1].method, WARN_M_CUSUM);
    assert_int_equal(ep->steps[1].level, WARN_SIAGA);
    assert_int_equal(ep->max_level, WARN_SIAGA);
    assert_int_equal(ep->max_day, d0 + 551);
    assert_int_equal(ep->close_day, -1);
    for (int32_t d = d0 + 500; d <= d0 + 600; d++) {
        struct warn_day_info di;
        assert_int_equal(warn_state_day(st, "94.01", d, &di), 0);
        assert_true(di.method != WARN_M_BASELINE || di.raw == WARN_NORMAL);
    }
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, &ep->steps[0], WARN_EN, &b);
    assert_string_equal(buf_cstr(&b),
                        "10 events in 28 days, usually 0.1 per day; gradual build-up");
    buf_release(&b);
    warn_state_free(st);
}

/* The build-up the warning exists for: a regency with one incident a year for two years, then
 * eight land disputes in three weeks, gaps shrinking from 4 days to 1, nobody hurt. Before
 * the build-up test no alert came at all (the baseline's floor and the CUSUM's are far above
 * one a year); now waspada on the third incident, day 8. */
static void test_quiet_buildup(void **state)
{
    (void)state;
    int32_t d0 = D("2022-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "33.01", d0 + 100, 0, "land_resource");
    add(st, "33.01", d0 + 480, 0, "riot_protest");
    static const int days[] = {0, 4, 8, 11, 14, 16, 18, 19};
    int32_t s0 = d0 + 760;
    for (size_t i = 0; i < WSP_ARRAY_LEN(days); i++)
        add(st, "33.01", s0 + days[i], 0, "land_resource");
    warn_state_advance(st, s0 + 60);
    assert_string_equal(levels(st, "33.01", s0 - 2, s0 + 9), "000000000011");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "33.01", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->first_day, s0 + 8);
    assert_int_equal(ep->steps[0].method, WARN_M_BUILDUP);
    assert_int_equal(ep->steps[0].window, 9);
    assert_int_equal(ep->nsteps, 1); /* a build-up is a warning, whichever test sees it */
    assert_int_equal(ep->max_level, WARN_WASPADA);
    assert_true(ep->steps[0].p < 2e-4 && ep->steps[0].p > 1e-6);
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, &ep->steps[0], WARN_ID, &b);
    assert_string_equal(buf_cstr(&b),
                        "3 kejadian dalam 9 hari, biasanya 1 setahun; meningkat bertahap");
    buf_reset(&b);
    warn_explain(st, ep, &ep->steps[0], WARN_EN, &b);
    assert_string_equal(buf_cstr(&b), "3 events in 9 days, usually 1 a year; gradual build-up");
    buf_release(&b);
    int64_t ids[8];
    assert_int_equal(warn_explain_events(st, ep, &ep->steps[0], ids, 8), 3);
    assert_int_equal(ids[0], next_id - 8);
    /* its province has no other events here: it sees the same build-up */
    ep = warn_state_episodes(st, "33", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->max_level, WARN_WASPADA);
    assert_true(ep->first_day >= s0 + 8);
    warn_state_free(st);
}

/* A quiet regency (one incident a year) that turns to one every ten days for good: the rare-rise
 * CUSUM alarms on the fifth (S = 5 ln 6 - 40 days x 5 x 0.005 = 7.96 >= 6.5), one alert that
 * stays open while the incidents go on; when they stop, its evidence leaves the 90-day memory
 * and the alert closes, not half a year later. */
static void test_quiet_step(void **state)
{
    (void)state;
    int32_t d0 = D("2022-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "33.01", d0 + 100, 0, "land_resource");
    add(st, "33.01", d0 + 400, 0, "riot_protest");
    int32_t s0 = d0 + 730, last = s0 + 150;
    for (int32_t t = s0; t <= last; t += 10)
        add(st, "33.01", t, 0, "land_resource");
    warn_state_advance(st, last + 200);
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "33.01", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->first_day, s0 + 40);
    assert_int_equal(ep->steps[0].method, WARN_M_CUSUM_RARE);
    assert_int_equal(ep->steps[0].level, WARN_WASPADA);
    assert_int_equal(ep->max_level, WARN_WASPADA);
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, &ep->steps[0], WARN_ID, &b);
    assert_string_equal(buf_cstr(&b),
                        "5 kejadian dalam 41 hari, biasanya 1 setahun; meningkat bertahap");
    buf_release(&b);
    /* normal 20 days after the last incident (S under 3/4 of 6.5), closed 14 days later: not
     * half a year later, as a CUSUM without memory would */
    assert_int_equal(ep->last_day, last + 19);
    assert_int_equal(ep->close_day, last + 33);
    struct warn_day_info di;
    assert_int_equal(warn_state_day(st, "33.01", last + 90, &di), 0);
    assert_int_equal(di.level, WARN_NORMAL);
    warn_state_free(st);
}

/* One killing in a quiet regency: siaga by rule for hold_days (7) days, closed after quiet_days;
 * its province and the nation stay normal (one event, and rules are the regency's). */
static void test_single_killing(void **state)
{
    (void)state;
    int32_t d0 = D("2022-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "33.01", d0 + 50, 1, "vigilante");
    warn_state_advance(st, d0 + 100);
    assert_string_equal(levels(st, "33.01", d0 + 48, d0 + 59), "002222222000");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "33.01", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->first_day, d0 + 50);
    assert_int_equal(ep->last_day, d0 + 56);
    assert_int_equal(ep->close_day, d0 + 70);
    assert_int_equal(ep->steps[0].method, WARN_M_RULE_DEATH);
    assert_null(warn_state_episodes(st, "33", &n));
    assert_null(warn_state_episodes(st, "ID", &n));
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, NULL, WARN_ID, &b);
    assert_string_equal(buf_cstr(&b), "1 kejadian dalam 1 hari, biasanya hampir tidak ada; 1 "
                                      "tewas; aturan: ada korban tewas");
    buf_release(&b);

    /* an unverified lead fires the rule unless rules_need_verified */
    struct warn_params p;
    warn_params_default(&p);
    p.rules_need_verified = true;
    struct warn_state *s2 = warn_state_new(&p, d0);
    struct warn_event e = {
        .id = 1, .region = "33.01", .day = d0 + 50, .killed = 3, .verified = false};
    assert_int_equal(warn_state_add(s2, &e, NULL), 0);
    warn_state_advance(s2, d0 + 60);
    assert_null(warn_state_episodes(s2, "33.01", &n));
    e.verified = true;
    assert_int_equal(warn_state_change(s2, &e, NULL), 0);
    assert_non_null(warn_state_episodes(s2, "33.01", &n));
    warn_state_free(s2);
    warn_state_free(st);
}

/* Worship attacks, mass casualties and a declared Status Keadaan Konflik. */
static void test_rules(void **state)
{
    (void)state;
    int32_t d0 = D("2022-01-01");
    struct warn_state *st = new_state(d0);
    struct warn_event e = {.id = 1,
                           .region = "73.71.01",
                           .day = d0 + 10,
                           .category = "riot_protest",
                           .verified = true,
                           .flags = WARN_F_HOUSE_OF_WORSHIP};
    assert_int_equal(warn_state_add(st, &e, NULL), 0); /* a district code counts in its regency */
    /* mass casualties: 6 then 5 killed, four days apart */
    add(st, "73.72", d0 + 20, 6, "inter_group_clash");
    add(st, "73.72", d0 + 24, 5, "inter_group_clash");
    warn_state_advance(st, d0 + 40);
    assert_string_equal(levels(st, "73.71", d0 + 9, d0 + 18), "0222222200");
    /* siaga from the first deaths, awas for a week from the day the total reached 11 */
    assert_string_equal(levels(st, "73.72", d0 + 19, d0 + 32), "02222333333300");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "73.71", &n);
    assert_int_equal(ep->steps[0].method, WARN_M_RULE_WORSHIP);
    ep = warn_state_episodes(st, "73.72", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->steps[1].method, WARN_M_RULE_MASS);
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, NULL, WARN_EN, &b);
    assert_string_equal(buf_cstr(&b), "2 events in 7 days, usually almost none; 11 killed; rule: "
                                      "10 or more killed within 7 days");
    buf_release(&b);
    /* the province's series holds 11 killed in 7 days too */
    ep = warn_state_episodes(st, "73", &n);
    assert_int_equal(ep->max_level, WARN_AWAS);

    /* status: siaga for its days (not held after), awas while a death's siaga is shown */
    assert_int_equal(warn_state_set_status(st, "73.73", d0 + 30, d0 + 34, NULL), 0);
    assert_string_equal(levels(st, "73.73", d0 + 29, d0 + 38), "0222220000");
    add(st, "73.73", d0 + 32, 1, "inter_group_clash");
    assert_string_equal(levels(st, "73.73", d0 + 29, d0 + 40), "022333222200");
    ep = warn_state_episodes(st, "73.73", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->steps[0].method, WARN_M_RULE_STATUS);
    assert_int_equal(ep->max_level, WARN_AWAS);
    /* lifting the status leaves the death's siaga */
    assert_int_equal(warn_state_set_status(st, "73.73", 0, -1, NULL), 0);
    assert_string_equal(levels(st, "73.73", d0 + 29, d0 + 40), "000222222200");
    assert_int_equal(warn_state_set_status(st, "bad", 0, 1, NULL), WSP_EINVAL);
    warn_state_free(st);
}

/* Hard rules on unverified leads: the episode opens (officers must see it) but is marked
 * unverified until a verified event backs it; verifying the event takes the mark away (a
 * "verified" change), making it a lead again puts it back. What backs an episode: a verified
 * event's rule, the statistics, a declared status. */
struct vrec {
    char log[1024];
};

static void on_vchange(void *ud, const struct warn_change *c)
{
    struct vrec *r = ud;
    if (strcmp(c->region, "33.74") != 0)
        return;
    char d[16];
    warn_day_format(c->day, d, sizeof(d));
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof(r->log) - n, "%s %s %s %s%s\n", warn_change_kind_name(c->kind),
             d + 5, warn_level_name(c->to), warn_method_name(c->method),
             c->unverified ? " unverified" : "");
}

static void test_unverified_rules(void **state)
{
    (void)state;
    int32_t d0 = D("2022-01-01");
    struct warn_state *st = new_state(d0);
    struct vrec r = {{0}};
    warn_state_set_callback(st, on_vchange, &r);
    warn_state_advance(st, d0 + 40);
    /* one unverified report: 1 killed (the detector's reading) in a quiet regency */
    struct warn_event e = {.id = 500,
                           .region = "33.74",
                           .day = d0 + 40,
                           .killed = 1,
                           .category = "inter_group_clash",
                           .verified = false};
    assert_int_equal(warn_state_add(st, &e, NULL), 0);
    assert_string_equal(r.log, "opened 02-10 siaga rule_death unverified\n");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "33.74", &n);
    assert_int_equal(n, 1);
    assert_true(ep->unverified);
    assert_int_equal(ep->level, WARN_SIAGA);
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, NULL, WARN_ID, &b);
    assert_string_equal(buf_cstr(&b), "1 kejadian dalam 1 hari, biasanya hampir tidak ada; 1 "
                                      "tewas; aturan: ada korban tewas; belum terverifikasi, "
                                      "hanya dari laporan yang belum diverifikasi");
    buf_reset(&b);
    warn_explain(st, ep, NULL, WARN_EN, &b);
    assert_string_equal(buf_cstr(&b), "1 event in 1 day, usually almost none; 1 killed; rule: "
                                      "people were killed; not verified yet, from unverified "
                                      "reports only");
    /* the province and the nation see it through their series only: no episode there */
    assert_null(warn_state_episodes(st, "33", &n));

    /* an officer verifies it: the same episode, no longer marked; the level is the same */
    r.log[0] = '\0';
    e.verified = true;
    assert_int_equal(warn_state_change(st, &e, NULL), 0);
    assert_string_equal(r.log, "verified 02-10 siaga rule_death\n");
    ep = warn_state_episodes(st, "33.74", &n);
    assert_int_equal(n, 1);
    assert_false(ep->unverified);
    buf_reset(&b);
    warn_explain(st, ep, NULL, WARN_EN, &b);
    assert_null(strstr(buf_cstr(&b), "verified"));
    /* set back to a lead: marked again */
    r.log[0] = '\0';
    e.verified = false;
    assert_int_equal(warn_state_change(st, &e, NULL), 0);
    assert_string_equal(r.log, "verified 02-10 siaga rule_death unverified\n");
    assert_true(warn_state_episodes(st, "33.74", &n)->unverified);
    /* a verified death two days later in the same episode backs it */
    r.log[0] = '\0';
    struct warn_event v = e;
    v.id = 501;
    v.day = d0 + 42;
    v.verified = true;
    assert_int_equal(warn_state_add(st, &v, NULL), 0);
    assert_string_equal(r.log, "verified 02-12 siaga rule_death\n");
    assert_false(warn_state_episodes(st, "33.74", &n)->unverified);
    assert_int_equal(warn_state_remove(st, 501, NULL), 0);
    assert_true(warn_state_episodes(st, "33.74", &n)->unverified);

    /* a house of worship attacked, unverified: marked; verified: not */
    struct warn_event w = {.id = 600,
                           .region = "73.71",
                           .day = d0 + 40,
                           .category = "riot_protest",
                           .verified = false,
                           .flags = WARN_F_HOUSE_OF_WORSHIP};
    assert_int_equal(warn_state_add(st, &w, NULL), 0);
    assert_true(warn_state_episodes(st, "73.71", &n)->unverified);
    w.verified = true;
    assert_int_equal(warn_state_change(st, &w, NULL), 0);
    assert_false(warn_state_episodes(st, "73.71", &n)->unverified);

    /* mass killing by unverified leads: awas shown, marked; the statistics would not back
     * two events, so only verification does */
    struct warn_event m1 = {
        .id = 700, .region = "81.71", .day = d0 + 30, .killed = 6, .category = "inter_group_clash"};
    struct warn_event m2 = m1;
    m2.id = 701;
    m2.day = d0 + 33;
    m2.killed = 5;
    assert_int_equal(warn_state_add(st, &m1, NULL), 0);
    assert_int_equal(warn_state_add(st, &m2, NULL), 0);
    ep = warn_state_episodes(st, "81.71", &n);
    assert_int_equal(ep->max_level, WARN_AWAS);
    assert_true(ep->unverified);

    /* statistics back an episode even from leads: six unverified events without deaths in
     * three days in a quiet regency are a baseline alert, not marked */
    for (int k = 0; k < 6; k++) {
        struct warn_event q = {.id = 800 + k,
                               .region = "94.01",
                               .day = d0 + 38 + k / 2,
                               .category = "inter_group_clash",
                               .verified = false};
        assert_int_equal(warn_state_add(st, &q, NULL), 0);
    }
    ep = warn_state_episodes(st, "94.01", &n);
    assert_non_null(ep);
    assert_int_equal(ep->steps[0].method, WARN_M_BASELINE);
    assert_false(ep->unverified);

    /* a declared status backs an episode: an unverified death under it is not marked */
    assert_int_equal(warn_state_set_status(st, "72.02", d0 + 35, d0 + 45, NULL), 0);
    struct warn_event sd = {.id = 900, .region = "72.02", .day = d0 + 38, .killed = 1};
    assert_int_equal(warn_state_add(st, &sd, NULL), 0);
    ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_false(ep->unverified);

    /* with rules_need_verified, an unverified death raises nothing to mark */
    struct warn_params p;
    warn_params_default(&p);
    p.rules_need_verified = true;
    struct warn_state *s2 = warn_state_new(&p, d0);
    assert_int_equal(warn_state_add(s2, &e, NULL), 0);
    warn_state_advance(s2, d0 + 50);
    assert_null(warn_state_episodes(s2, "33.74", &n));
    warn_state_free(s2);
    buf_release(&b);
    warn_state_free(st);
}

/* ---- quiet regions with background noise ----------------------------------------------- */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static double unif(void)
{
    return (rnd() & 0xffffff) / (double)0x1000000;
}

static void test_quiet_noise(void **state)
{
    (void)state;
    rng = 88172645463325252ull;
    int32_t d0 = D("2015-01-01");
    enum { NREG = 200, DAYS = 3 * 365 };
    struct warn_state *st = new_state(d0);
    long nev = 0;
    for (int r = 0; r < NREG; r++) {
        char code[16];
        snprintf(code, sizeof(code), "%02d.%02d", 11 + r / 20, 1 + r % 20);
        double rate = 0.01 + 0.03 * unif(); /* 3.7 to 15 minor events a year */
        for (int t = 0; t < DAYS; t++) {
            while (unif() < rate) { /* Poisson-ish: a second event now and then */
                add(st, code, d0 + t, 0, warn_category_names[1 + rnd() % 8]);
                nev++;
                if (unif() > rate)
                    break;
            }
        }
    }
    warn_state_advance(st, d0 + DAYS - 1);
    size_t alerts = 0, siaga = 0;
    for (size_t i = 0; i < warn_state_region_count(st); i++) {
        const char *code = warn_state_region_at(st, i);
        if (warn_geo_of(code) != WARN_GEO_REGENCY)
            continue;
        size_t n;
        const struct warn_episode *ep = warn_state_episodes(st, code, &n);
        alerts += n;
        for (size_t j = 0; j < n; j++)
            siaga += ep[j].max_level >= WARN_SIAGA;
    }
    double region_years = NREG * 3.0;
    print_message("quiet noise: %ld events, %zu alerts (%zu siaga+) in %.0f region-years\n", nev,
                  alerts, siaga, region_years);
    assert_true(nev > 4000);
    /* at most one alert per 10 region-years, and almost never siaga */
    assert_true((double)alerts / region_years < 0.1);
    assert_true((double)siaga / region_years < 0.01);
    warn_state_free(st);
}

/* An episode's region is a pointer into the state's region array, which moves when it grows
 * past 64 regions. Before the fix the alerts of the first regions read freed memory once a
 * database held events of more regions (found by `make bench-api`: the server's early warning
 * failed with "bad alert region 'x'" on 20,000 imported events). */
static void test_episode_region_after_growth(void **state)
{
    (void)state;
    int32_t d0 = D("2020-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "72.02", d0 + 10, 1, "inter_group_clash"); /* a death: an episode, 3 regions */
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    for (int p = 11; p < 45; p++) /* 34 provinces x 3 regencies: the array grows twice */
        for (int k = 1; k <= 3; k++) {
            char code[32];
            snprintf(code, sizeof(code), "%02d.%02d", p, k);
            add(st, code, d0 + 20, 0, "riot_protest");
        }
    assert_true(warn_state_region_count(st) > 128);
    ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_string_equal(ep->region, "72.02");
    assert_string_equal(warn_state_episode(st, ep->id)->region, "72.02");
    warn_state_free(st);
}

struct counted {
    char log[512];
};

static void on_count(void *ud, const struct warn_count *c)
{
    struct counted *k = ud;
    size_t n = strlen(k->log);
    snprintf(k->log + n, sizeof(k->log) - n, "%s %s %ld/%ld/%ld\n", c->region, c->category,
             c->events, c->killed, c->injured);
}

/* The public counts from memory (they came from a GROUP BY over the events): a region's own
 * events by category in a window, its children's not. */
static void test_counts(void **state)
{
    (void)state;
    int32_t d0 = D("2024-01-01");
    struct warn_state *st = new_state(d0);
    add(st, "32.73", d0 + 5, 2, "land_resource");
    add(st, "32.73", d0 + 6, 0, "land_resource");
    add(st, "32.73", d0 + 7, 1, "riot_protest");
    add(st, "32", d0 + 7, 0, "unknown_category"); /* -> none */
    add(st, "32.04", d0 + 40, 0, "riot_protest"); /* after the window */
    struct counted k = {{0}};
    warn_state_counts(st, d0 + 1, d0 + 30, on_count, &k);
    assert_string_equal(k.log, "32 none 1/0/0\n" /* regions in the state's order */
                               "32.73 land_resource 2/2/0\n"
                               "32.73 riot_protest 1/1/0\n");
    memset(&k, 0, sizeof(k));
    warn_state_counts(st, d0 + 7, d0 + 99, on_count, &k);
    assert_string_equal(k.log, "32 none 1/0/0\n"
                               "32.73 riot_protest 1/1/0\n"
                               "32.04 riot_protest 1/0/0\n");
    warn_state_free(st);
}

/* ---- episodes and change records ------------------------------------------------------- */

struct rec {
    char log[8192];
};

static void on_change(void *ud, const struct warn_change *c)
{
    struct rec *r = ud;
    if (strcmp(c->region, "72.02") != 0)
        return;
    char d[16];
    warn_day_format(c->day, d, sizeof(d));
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof(r->log) - n, "%s %s %s>%s %s #%llu\n",
             warn_change_kind_name(c->kind), d + 5, warn_level_name(c->from),
             warn_level_name(c->to), warn_method_name(c->method),
             (unsigned long long)c->episode_id);
}

static void test_episodes(void **state)
{
    (void)state;
    int32_t d0 = D("2020-01-01");
    struct warn_state *st = new_state(d0);
    struct rec r = {{0}};
    warn_state_set_callback(st, on_change, &r);
    warn_state_advance(st, d0 + 9);
    /* a death on 01-11, more deaths every 5 days for a month (and 9 killed on 01-31): one
     * episode, not one per event; siaga held between the deaths, awas for a week from each
     * death that makes 10 killed within 7 days (01-31, 02-05), normal a week after the last
     * death, closed 14 normal days later */
    int64_t first = next_id;
    for (int t = 10; t <= 40; t += 5)
        add(st, "72.02", d0 + t, 1, "identity_religious_ethnic");
    add(st, "72.02", d0 + 30, 9, "identity_religious_ethnic");
    warn_state_advance(st, d0 + 80);
    assert_string_equal(r.log, "opened 01-11 normal>siaga rule_death #1\n"
                               "level 01-31 siaga>awas rule_mass #1\n"
                               "level 02-12 awas>siaga rule_death #1\n"
                               "level 02-17 siaga>normal none #1\n"
                               "closed 03-01 normal>normal none #1\n");
    size_t n;
    const struct warn_episode *ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->nsteps, 4);
    assert_int_equal(ep->max_level, WARN_AWAS);
    assert_int_equal(ep->max_day, d0 + 30);

    /* a late report inside the quiet days extends the closed episode: reopened, same id */
    r.log[0] = '\0';
    add(st, "72.02", d0 + 50, 1, "identity_religious_ethnic");
    assert_string_equal(r.log, "reopened 02-20 normal>siaga rule_death #1\n"
                               "level 02-27 siaga>normal none #1\n"
                               "closed 03-11 normal>normal none #1\n");
    ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->close_day, d0 + 70);

    /* rejecting it puts the episode back as it was */
    r.log[0] = '\0';
    assert_int_equal(warn_state_remove(st, next_id - 1, NULL), 0);
    assert_string_equal(r.log, "closed 03-01 normal>normal none #1\n");
    ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(ep->close_day, d0 + 60);
    assert_int_equal(ep->nsteps, 4);

    /* a new event after the close is a new episode (ids are per state: #2 is the province's) */
    r.log[0] = '\0';
    add(st, "72.02", d0 + 70, 2, "identity_religious_ethnic");
    assert_string_equal(r.log, "opened 03-11 normal>siaga rule_death #3\n"
                               "level 03-18 siaga>normal none #3\n");

    /* rejecting every event of the first one retracts it */
    r.log[0] = '\0';
    for (int64_t id = first; id < first + 8; id++)
        assert_int_equal(warn_state_remove(st, id, NULL), 0);
    /* each rejection re-derives the alert (its start moves, its steps shrink) until nothing
     * is left of it: never a second alert, and the last word is the retraction */
    assert_null(strstr(r.log, "opened"));
    assert_true(strlen(r.log) > 40);
    assert_string_equal(strstr(r.log, "retracted"), "retracted 01-31 normal>normal none #1\n");
    ep = warn_state_episodes(st, "72.02", &n);
    assert_int_equal(n, 1);
    assert_int_equal(ep->id, 3);
    assert_non_null(warn_state_episode(st, 3));
    assert_null(warn_state_episode(st, 1));

    struct error err = {0};
    assert_int_equal(warn_state_remove(st, 999999, &err), WSP_ENOTFOUND);
    struct warn_event e = {.id = next_id - 1, .region = "72.02", .day = d0 + 70};
    assert_int_equal(warn_state_add(st, &e, &err), WSP_EEXIST);
    e.id = 424242;
    e.region = "7.2";
    assert_int_equal(warn_state_add(st, &e, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "'7.2' is not a region code");
    /* events before the state's first day are known but ignored */
    e.region = "72.02";
    e.day = d0 - 5;
    e.killed = 9;
    assert_int_equal(warn_state_add(st, &e, &err), 0);
    assert_int_equal(warn_state_remove(st, 424242, &err), 0);
    warn_state_free(st);
}

/* ---- incremental update equals full recompute ------------------------------------------ */

static void compare_states(const struct warn_state *a, const struct warn_state *b)
{
    assert_int_equal(warn_state_region_count(a), warn_state_region_count(b));
    assert_int_equal(warn_state_last_day(a), warn_state_last_day(b));
    for (size_t i = 0; i < warn_state_region_count(a); i++) {
        const char *code = warn_state_region_at(a, i);
        assert_string_equal(code, warn_state_region_at(b, i));
        for (int32_t d = warn_state_first_day(a); d <= warn_state_last_day(a); d++) {
            struct warn_day_info x, y;
            assert_int_equal(warn_state_day(a, code, d, &x), 0);
            assert_int_equal(warn_state_day(b, code, d, &y), 0);
            assert_memory_equal(&x, &y, sizeof(x));
        }
        size_t n1, n2;
        const struct warn_episode *e1 = warn_state_episodes(a, code, &n1);
        const struct warn_episode *e2 = warn_state_episodes(b, code, &n2);
        assert_int_equal(n1, n2);
        for (size_t j = 0; j < n1; j++) {
            assert_int_equal(e1[j].first_day, e2[j].first_day);
            assert_int_equal(e1[j].last_day, e2[j].last_day);
            assert_int_equal(e1[j].close_day, e2[j].close_day);
            assert_int_equal(e1[j].peak_day, e2[j].peak_day);
            assert_int_equal(e1[j].max_level, e2[j].max_level);
            assert_int_equal(e1[j].nsteps, e2[j].nsteps);
            assert_int_equal(e1[j].unverified, e2[j].unverified);
            assert_memory_equal(e1[j].steps, e2[j].steps, e1[j].nsteps * sizeof(*e1[j].steps));
        }
    }
}

static void test_incremental_equals_full(void **state)
{
    (void)state;
    rng = 12345;
    int32_t d0 = D("2019-01-01");
    enum { N = 1500, DAYS = 700 };
    static const char *regs[] = {"72.02", "72.03", "72.04", "72", "81.71", "81.01", "94.01"};
    struct warn_event ev[N];
    bool live[N];
    struct warn_params p;
    warn_params_default(&p);
    struct warn_state *inc = warn_state_new(&p, d0);
    for (int i = 0; i < N; i++) {
        /* bursts: half the events fall in a few hot weeks */
        int32_t t = rnd() % 2 ? (int32_t)(rnd() % DAYS) : (int32_t)(100 * (rnd() % 6) + rnd() % 20);
        ev[i] = (struct warn_event){.id = 1000 + i,
                                    .region = regs[rnd() % WSP_ARRAY_LEN(regs)],
                                    .day = d0 + t,
                                    .killed = rnd() % 10 == 0 ? (long)(rnd() % 4) : 0,
                                    .injured = rnd() % 3 ? -1 : (long)(rnd() % 5),
                                    .category = warn_category_names[rnd() % WARN_NCATEGORIES],
                                    .verified = rnd() % 4 != 0,
                                    .flags = rnd() % 50 == 0 ? WARN_F_HOUSE_OF_WORSHIP : 0u};
        live[i] = true;
        assert_int_equal(warn_state_add(inc, &ev[i], NULL), 0);
        /* now and then correct or reject an earlier event */
        if (i > 10 && rnd() % 7 == 0) {
            int j = (int)(rnd() % (uint32_t)i);
            if (live[j] && rnd() % 2) {
                assert_int_equal(warn_state_remove(inc, ev[j].id, NULL), 0);
                live[j] = false;
            } else {
                ev[j].verified = !ev[j].verified;
                ev[j].killed = (long)(rnd() % 3);
                ev[j].day = d0 + (int32_t)(rnd() % DAYS);
                live[j] = true;
                assert_int_equal(warn_state_change(inc, &ev[j], NULL), 0);
            }
        }
    }
    assert_int_equal(warn_state_set_status(inc, "72.03", d0 + 300, d0 + 330, NULL), 0);
    warn_state_advance(inc, d0 + DAYS + 30);

    /* the same final events in day order, then a full recompute */
    struct warn_state *full = warn_state_new(&p, d0);
    warn_state_advance(full, d0 + DAYS + 30);
    warn_state_set_notify(full, false);
    size_t nlive = 0;
    for (int i = N - 1; i >= 0; i--) /* reverse order: late days first */
        if (live[i]) {
            assert_int_equal(warn_state_add(full, &ev[i], NULL), 0);
            nlive++;
        }
    assert_int_equal(warn_state_set_status(full, "72.03", d0 + 300, d0 + 330, NULL), 0);
    warn_state_recompute(full);
    assert_int_equal(warn_state_event_count(inc), nlive);
    compare_states(inc, full);
    size_t n;
    assert_non_null(warn_state_episodes(inc, "72", &n));
    assert_true(n > 3);
    warn_state_recompute(inc);
    compare_states(inc, full);

    /* bulk loading, as the server does at start: the same events recorded, evaluated once */
    struct warn_state *bulk = warn_state_new(&p, d0);
    warn_state_set_notify(bulk, false);
    warn_state_set_bulk(bulk, true);
    for (int i = 0; i < N; i++)
        if (live[i])
            assert_int_equal(warn_state_add(bulk, &ev[i], NULL), 0);
    warn_state_set_bulk(bulk, false);
    assert_int_equal(warn_state_set_status(bulk, "72.03", d0 + 300, d0 + 330, NULL), 0);
    warn_state_advance(bulk, d0 + DAYS + 30);
    assert_int_equal(warn_state_event_count(bulk), nlive);
    compare_states(inc, bulk);
    warn_state_free(bulk);
    warn_state_free(inc);
    warn_state_free(full);
}

/* ---- backtest readers and scoring ------------------------------------------------------ */

static void test_jsonl(void **state)
{
    (void)state;
    struct warn_event e;
    char reg[WARN_CODE_MAX], cat[32];
    struct error err = {0};
    const char *ok = "{\"region_code\": \"72.02\", \"date\": \"2000-05-23\", \"killed\": 3, "
                     "\"injured\": null, \"category\": \"identity_religious_ethnic\"}";
    assert_int_equal(warn_event_from_json(ok, strlen(ok), 4, &e, reg, cat, &err), 0);
    assert_string_equal(e.region, "72.02");
    assert_int_equal(e.day, D("2000-05-23"));
    assert_int_equal(e.killed, 3);
    assert_int_equal(e.injured, 0);
    assert_int_equal(e.id, 4);
    assert_true(e.verified);
    assert_string_equal(e.category, "identity_religious_ethnic");
    const char *ok2 = "{\"id\": 77, \"region_code\": \"72\", \"date\": \"2000-05-23\", "
                      "\"verified\": false, \"house_of_worship\": true}";
    assert_int_equal(warn_event_from_json(ok2, strlen(ok2), 5, &e, reg, cat, &err), 0);
    assert_int_equal(e.id, 77);
    assert_false(e.verified);
    assert_int_equal(e.flags, WARN_F_HOUSE_OF_WORSHIP);
    assert_null(e.category);

    static const struct {
        const char *line, *msg;
    } bad[] = {
        {"{\"region_code\": \"72.02\"", "line 9: not JSON: "},
        {"[1]", "line 9: not a JSON object"},
        {"{\"date\": \"2000-05-23\"}", "line 9: \"region_code\" must be a region code string"},
        {"{\"region_code\": \"72\", \"date\": \"23/5/2000\"}",
         "line 9: \"date\" must be a YYYY-MM-DD string"},
        {"{\"region_code\": \"72\", \"date\": \"2000-05-23\", \"killed\": -1}",
         "line 9: \"killed\" must be a whole number >= 0 or null"},
        {"{\"region_code\": \"72\", \"date\": \"2000-05-23\", \"injured\": \"2\"}",
         "line 9: \"injured\" must be a whole number >= 0 or null"},
        {"{\"region_code\": \"72\", \"date\": \"2000-05-23\", \"category\": \"war\"}",
         "line 9: unknown category 'war'"},
        {"{\"region_code\": \"72\", \"date\": \"2000-05-23\", \"verified\": 1}",
         "line 9: \"verified\" must be true or false"},
        {"{\"region_code\": \"72\", \"date\": \"2000-05-23\", \"id\": \"x\"}",
         "line 9: \"id\" must be an integer"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        assert_int_equal(
            warn_event_from_json(bad[i].line, strlen(bad[i].line), 9, &e, reg, cat, &err),
            WSP_EINVAL);
        assert_true(str_starts_with(err.msg, bad[i].msg));
    }
}

static void test_ucdp(void **state)
{
    (void)state;
    const char *map = "ucdp_adm_1,events,kemendagri_province_code,kemendagri_province_name,note\n"
                      "Maluku Province,1,81,Maluku,\"split, see note\"\n"
                      "Timor Timur Province,1,,,\"East Timor\"\n"
                      "Aceh Province,1,11,Aceh,\n";
    const char *csv =
        "id,type_of_violence,adm_1,latitude,longitude,date_start,best,where_description\n"
        "1,2,Maluku Province,-3.695,128.18,1999-01-19 00:00:00.000,5,\"Ambon, \"\"city\"\"\"\n"
        "2,2,Maluku Province,1.0,127.9,1999-12-26 00:00:00.000,7,\"Halmahera\nnorth\"\n"
        "3,3,Timor Timur Province,-8.55,125.57,1999-09-06 00:00:00.000,10,Dili\n"
        "4,1,Aceh Province,5.2,96.7,2001-05-01 00:00:00.000,2,x\n"
        "5,1,Nowhere Province,0,0,2001-05-01 00:00:00.000,2,x\n";
    struct warn_centroid *c;
    size_t nc;
    struct error err = {0};
    assert_int_equal(warn_load_centroids(&c, &nc, &err), 0);
    assert_int_equal(nc, 38);
    struct warn_event_list l = {0};
    assert_int_equal(warn_ucdp_convert(csv, strlen(csv), map, strlen(map), c, nc, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.dropped, 2);
    assert_string_equal(l.items[0].region, "81"); /* Ambon */
    assert_string_equal(l.items[1].region, "82"); /* Halmahera: Maluku Utara today */
    assert_string_equal(l.items[2].region, "11");
    assert_int_equal(l.items[1].killed, 7);
    assert_int_equal(l.items[1].day, D("1999-12-26"));
    assert_string_equal(l.items[0].category, "inter_group_clash");
    assert_string_equal(l.items[2].category, "separatist_armed");
    warn_event_list_release(&l);
    const char *badcsv = "id,type_of_violence,adm_1,latitude,longitude,date_start,best\n"
                         "1,2,Aceh Province,5,96,someday,5\n";
    assert_int_equal(warn_ucdp_convert(badcsv, strlen(badcsv), map, strlen(map), c, nc, &l, &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, "UCDP record 2: bad date_start 'someday'");
    warn_event_list_release(&l);
    assert_int_equal(warn_ucdp_convert("a,b\n1,2\n", 8, map, strlen(map), c, nc, &l, &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, "UCDP CSV: no column 'id'");
    warn_event_list_release(&l);
    free(c);
}

static void test_backtest(void **state)
{
    (void)state;
    int32_t d0 = D("2000-01-01");
    struct warn_state *st = new_state(d0);
    /* a real escalation: a killing, then 6 more events within the month */
    add(st, "72.02", d0 + 10, 1, "identity_religious_ethnic");
    for (int t = 0; t < 6; t++)
        add(st, "72.02", d0 + 14 + 2 * t, t == 4 ? 3 : 0, "identity_religious_ethnic");
    /* a false alarm: one killing elsewhere */
    add(st, "81.71", d0 + 100, 1, "inter_group_clash");
    warn_state_advance(st, d0 + 200);
    struct warn_bt_result res;
    warn_backtest(st, d0, d0 + 364, 1u << WARN_GEO_REGENCY, 100, &res);
    assert_int_equal(res.nalerts, 2);
    assert_string_equal(res.alerts[0].ep->region, "72.02");
    assert_int_equal(res.alerts[0].ep->first_day, d0 + 10);
    assert_true(res.alerts[0].escalation);
    assert_int_equal(res.alerts[0].events, 7);
    assert_int_equal(res.alerts[0].killed, 4);
    /* weighted 7-day sums: 1.2 x (1+1+1+4) on day 22 and again on day 24: the first wins */
    assert_int_equal(res.alerts[0].peak_day, d0 + 22);
    assert_int_equal(res.alerts[0].lead_days, 12);
    assert_false(res.alerts[1].escalation);
    assert_int_equal(res.real, 1);
    assert_int_equal(res.false_alarms, 1);
    assert_true(res.region_years > 99.9 && res.region_years < 100.0);
    assert_true(res.false_alarm_rate > 0.0099 && res.false_alarm_rate < 0.0101);
    assert_true(res.median_lead == 12);
    warn_bt_result_release(&res);
    /* the province level only: its own series, no rules from regency events */
    warn_backtest(st, d0, d0 + 365, 1u << WARN_GEO_PROVINCE, 38, &res);
    for (size_t i = 0; i < res.nalerts; i++)
        assert_int_equal(warn_geo_of(res.alerts[i].ep->region), WARN_GEO_PROVINCE);
    warn_bt_result_release(&res);
    warn_state_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_admit), /* which recorded events count */
        cmocka_unit_test(test_record_victims),
        cmocka_unit_test(test_event_day_plausible),
        cmocka_unit_test(test_spike),
        cmocka_unit_test(test_explain_with_background),
        cmocka_unit_test(test_slow_buildup),
        cmocka_unit_test(test_quiet_buildup),
        cmocka_unit_test(test_quiet_step),
        cmocka_unit_test(test_single_killing),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_unverified_rules),
        cmocka_unit_test(test_quiet_noise),
        cmocka_unit_test(test_episodes),
        cmocka_unit_test(test_episode_region_after_growth),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_incremental_equals_full),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_ucdp),
        cmocka_unit_test(test_backtest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
