/* Unit tests for the P3AKS rules (src/p3aks), on values. One group per part: services. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "p3aks/p3aks.h"

/* ---- services of a victim ------------------------------------------------------------------ */

static int64_t day(int y, int m, int d)
{
    return date_days_from_civil(y, m, d);
}

static void test_service_types(void **state)
{
    (void)state;
    static const char *const want[] = {"kesehatan",  "psikososial", "bantuan_hukum", "rumah_aman",
                                       "pendidikan", "pemulangan",  "reintegrasi",   "lainnya"};
    assert_int_equal(P3AKS_NSERVICE_TYPES, 8);
    for (int i = 0; i < P3AKS_NSERVICE_TYPES; i++) {
        assert_string_equal(p3aks_service_types[i].code, want[i]);
        assert_true(p3aks_service_type_valid(want[i]));
        assert_non_null(p3aks_service_types[i].label_id);
        assert_non_null(p3aks_service_types[i].label_en);
    }
    assert_string_equal(p3aks_service_type_label("psikososial", false), "Dukungan psikososial");
    assert_string_equal(p3aks_service_type_label("psikososial", true), "Psychosocial support");
    assert_string_equal(p3aks_service_type_label("bantuan_hukum", true), "Legal aid");
    assert_null(p3aks_service_type_label("psikologi", false));
    assert_null(p3aks_service_type_label(NULL, true));
    assert_false(p3aks_service_type_valid("Kesehatan"));
    assert_false(p3aks_service_type_valid(""));
    struct error err = {0};
    assert_int_equal(p3aks_service_type_check("psikologi", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown service type 'psikologi' (kesehatan, psikososial, "
                                 "bantuan_hukum, rumah_aman, pendidikan, pemulangan, "
                                 "reintegrasi, lainnya)");
    assert_int_equal(p3aks_service_type_check("lainnya", &err), 0);
}

static void test_service_statuses(void **state)
{
    (void)state;
    static const char *const want[] = {"dibutuhkan", "dirujuk", "diterima", "selesai", "ditolak"};
    for (int i = 0; i < P3AKS_NSERVICE_STATUSES; i++) {
        assert_string_equal(p3aks_service_statuses[i], want[i]);
        assert_true(p3aks_service_status_valid(want[i]));
    }
    assert_string_equal(P3AKS_SERVICE_INITIAL, "dibutuhkan");
    assert_false(p3aks_service_status_valid("rujuk"));
    assert_false(p3aks_service_status_valid(NULL));
    struct error err = {0};
    assert_int_equal(p3aks_service_status_check("batal", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown service status 'batal' (dibutuhkan, dirujuk, "
                                 "diterima, selesai, ditolak)");
}

static void test_service_workflow(void **state)
{
    (void)state;
    assert_string_equal(p3aks_service_next("dibutuhkan"), "dirujuk");
    assert_string_equal(p3aks_service_next("dirujuk"), "diterima");
    assert_string_equal(p3aks_service_next("diterima"), "selesai");
    assert_null(p3aks_service_next("selesai"));
    assert_null(p3aks_service_next("ditolak"));
    assert_null(p3aks_service_next("x"));
    /* every pair: only the next step, and ditolak before the service was received */
    static const char *const allowed[][2] = {{"dibutuhkan", "dirujuk"},
                                             {"dirujuk", "diterima"},
                                             {"diterima", "selesai"},
                                             {"dibutuhkan", "ditolak"},
                                             {"dirujuk", "ditolak"}};
    size_t n = 0;
    for (int f = 0; f < P3AKS_NSERVICE_STATUSES; f++)
        for (int t = 0; t < P3AKS_NSERVICE_STATUSES; t++) {
            const char *from = p3aks_service_statuses[f], *to = p3aks_service_statuses[t];
            bool want = false;
            for (size_t k = 0; k < 5; k++)
                want |= strcmp(allowed[k][0], from) == 0 && strcmp(allowed[k][1], to) == 0;
            assert_int_equal(p3aks_service_transition_allowed(from, to), want);
            n += want;
        }
    assert_int_equal(n, 5);
    assert_false(p3aks_service_transition_allowed(NULL, "dirujuk"));
    struct error err = {0};
    assert_int_equal(p3aks_service_transition_check(7, "dibutuhkan", "diterima", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'dibutuhkan': it can go on to 'dirujuk' or "
                                 "'ditolak', not 'diterima'");
    assert_int_equal(p3aks_service_transition_check(7, "diterima", "ditolak", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'diterima': it can go on to 'selesai', not "
                                 "'ditolak'");
    assert_int_equal(p3aks_service_transition_check(7, "selesai", "dirujuk", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'selesai', a final status");
    assert_int_equal(p3aks_service_transition_check(7, "dirujuk", "diterima", &err), 0);
}

static struct p3aks_service received(void)
{
    return (struct p3aks_service){.type = "psikososial",
                                  .status = "diterima",
                                  .provider = "UPTD PPA Kota Bandung",
                                  .needed_on = "2026-11-02",
                                  .referred_on = "2026-11-03",
                                  .received_on = "2026-11-10"};
}

static void expect(const struct p3aks_service *s, int64_t today, int code, const char *msg)
{
    struct error err = {0};
    assert_int_equal(p3aks_service_check(s, today, &err), code);
    if (msg)
        assert_string_equal(err.msg, msg);
}

static void test_service_check(void **state)
{
    (void)state;
    int64_t today = day(2026, 12, 6);
    struct p3aks_service s = received();
    expect(&s, today, 0, NULL);
    struct p3aks_service need = {
        .type = "kesehatan", .status = "dibutuhkan", .needed_on = "2026-12-06"};
    expect(&need, today, 0, NULL); /* no provider needed before a referral */
    need.needed_on = "2026-12-07"; /* UTC's tomorrow is Jayapura's today */
    expect(&need, today, 0, NULL);
    need.needed_on = "2026-12-08";
    expect(&need, today, WSP_EINVAL, "needed_on '2026-12-08' is in the future");
    need.needed_on = "2026-02-30";
    expect(&need, today, WSP_EINVAL, "needed_on '2026-02-30' is not a date (YYYY-MM-DD)");
    need.needed_on = NULL;
    expect(&need, today, WSP_EINVAL,
           "a service in status 'dibutuhkan' needs the day of step 'dibutuhkan' (needed_on)");
    s.type = "psikologi";
    expect(&s, today, WSP_EINVAL, NULL);
    s = received();
    s.status = "diterimaa";
    expect(&s, today, WSP_EINVAL, NULL);
    s = received();
    s.received_on = NULL;
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' needs the day of step 'diterima' (received_on)");
    s = received();
    s.completed_on = "2026-11-20";
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' has no step 'selesai' yet: completed_on must be empty");
    s = received();
    s.referred_on = "2026-11-01";
    expect(&s, today, WSP_EINVAL, "referred_on '2026-11-01' is before needed_on '2026-11-02'");
    s = received();
    s.received_on = "2026-11-03"; /* the same day is fine */
    expect(&s, today, 0, NULL);
    s.provider = "";
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' needs its provider (UPTD PPA, Dinas Sosial, "
           "puskesmas, LBH, ...)");
    char big[P3AKS_NOTE_MAX + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    s = received();
    s.note = big;
    expect(&s, today, WSP_EINVAL, "note is longer than 2000 bytes");
    big[P3AKS_NOTE_MAX] = '\0';
    expect(&s, today, 0, NULL);
    big[P3AKS_PROVIDER_MAX + 1] = '\0';
    s.provider = big;
    expect(&s, today, WSP_EINVAL, "provider is longer than 200 bytes");
    s = received();
    s.refusal_reason = "tidak mau";
    expect(&s, today, WSP_EINVAL, "only a refused service (ditolak) has a reason of refusal");
    /* refused: with or without a referral before, never after receiving it */
    struct p3aks_service r = {.type = "rumah_aman",
                              .status = "ditolak",
                              .needed_on = "2026-11-02",
                              .refused_on = "2026-11-04",
                              .refusal_reason = "keluarga menolak"};
    expect(&r, today, 0, NULL);
    r.referred_on = "2026-11-03";
    expect(&r, today, 0, NULL);
    r.referred_on = "2026-11-05";
    expect(&r, today, WSP_EINVAL, "refused_on '2026-11-04' is before referred_on '2026-11-05'");
    r.referred_on = "2026-11-03";
    r.received_on = "2026-11-04";
    expect(&r, today, WSP_EINVAL,
           "a service in status 'ditolak' has no step 'diterima' yet: received_on must be empty");
    r.received_on = NULL;
    r.refusal_reason = "";
    expect(&r, today, WSP_EINVAL, "a refused service (ditolak) needs a reason");
}

static void test_service_apply(void **state)
{
    (void)state;
    int64_t today = day(2026, 12, 6);
    struct p3aks_service need = {
        .type = "psikososial", .status = "dibutuhkan", .needed_on = "2026-12-01"};
    struct p3aks_service out;
    struct error err = {0};
    /* refer it, naming the provider in the same change */
    struct p3aks_service_change ch = {
        .status = "dirujuk", .day = "2026-12-02", .provider = "UPTD PPA", .set_provider = true};
    assert_int_equal(p3aks_service_apply(3, &need, &ch, today, &out, &err), 0);
    assert_string_equal(out.status, "dirujuk");
    assert_string_equal(out.referred_on, "2026-12-02");
    assert_string_equal(out.provider, "UPTD PPA");
    assert_string_equal(out.needed_on, "2026-12-01");
    assert_null(out.received_on);
    /* without a provider the referral is refused */
    ch.set_provider = false;
    assert_int_equal(p3aks_service_apply(3, &need, &ch, today, &out, &err), WSP_EINVAL);
    /* a step needs its day */
    struct p3aks_service referred = need;
    referred.status = "dirujuk";
    referred.referred_on = "2026-12-02";
    referred.provider = "UPTD PPA";
    struct p3aks_service_change next = {.status = "diterima"};
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "the step to 'diterima' needs its day (YYYY-MM-DD)");
    next.day = "2026-12-01";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "received_on '2026-12-01' is before referred_on '2026-12-02'");
    next.day = "2026-12-09";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "received_on '2026-12-09' is in the future");
    next.day = "2026-12-05";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), 0);
    assert_string_equal(out.status, "diterima");
    assert_string_equal(out.received_on, "2026-12-05");
    /* skipping a step */
    struct p3aks_service_change skip = {.status = "selesai", .day = "2026-12-05"};
    assert_int_equal(p3aks_service_apply(3, &referred, &skip, today, &out, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 3 is 'dirujuk': it can go on to 'diterima' or "
                                 "'ditolak', not 'selesai'");
    /* refusing needs a reason, which then is kept */
    struct p3aks_service_change refuse = {.status = "ditolak", .day = "2026-12-03"};
    assert_int_equal(p3aks_service_apply(3, &referred, &refuse, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "the step to 'ditolak' needs a reason");
    refuse.refusal_reason = "korban pindah ke luar daerah";
    assert_int_equal(p3aks_service_apply(3, &referred, &refuse, today, &out, &err), 0);
    assert_string_equal(out.status, "ditolak");
    assert_string_equal(out.refused_on, "2026-12-03");
    assert_string_equal(out.refusal_reason, "korban pindah ke luar daerah");
    next.refusal_reason = "x";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "a reason of refusal goes with the step to 'ditolak'");
    /* no step: only provider and note change, a day alone is a mistake */
    struct p3aks_service_change note = {.note = "dijadwalkan ulang", .set_note = true};
    assert_int_equal(p3aks_service_apply(3, &referred, &note, today, &out, &err), 0);
    assert_string_equal(out.status, "dirujuk");
    assert_string_equal(out.note, "dijadwalkan ulang");
    note.day = "2026-12-04";
    assert_int_equal(p3aks_service_apply(3, &referred, &note, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "a day is given for a step, but the status stays 'dirujuk'");
    struct p3aks_service_change clear = {.provider = NULL, .set_provider = true};
    assert_int_equal(p3aks_service_apply(3, &referred, &clear, today, &out, &err), WSP_EINVAL);
    struct p3aks_service_change bad = {.status = "batal", .day = "2026-12-04"};
    assert_int_equal(p3aks_service_apply(3, &referred, &bad, today, &out, &err), WSP_EINVAL);
}

static void test_service_victim(void **state)
{
    (void)state;
    assert_true(p3aks_victim_is_woman_or_child("p", 34));
    assert_true(p3aks_victim_is_woman_or_child("p", -1));
    assert_true(p3aks_victim_is_woman_or_child("l", 12));
    assert_true(p3aks_victim_is_woman_or_child("l", 17));
    assert_true(p3aks_victim_is_woman_or_child(NULL, 0));
    assert_false(p3aks_victim_is_woman_or_child("l", 18));
    assert_false(p3aks_victim_is_woman_or_child("l", -1));
    assert_false(p3aks_victim_is_woman_or_child(NULL, -1));
}

/* ---- figures ------------------------------------------------------------------------------- */

/* Three cases of Jawa Barat groups 32.73 and 32.04, one at the province itself and one at a
 * code that only looks like it is under 32.73; named victims of each kind; services of every
 * status around the 14-day limit. The expected figures are worked out in the comments. */
static const struct p3aks_fig_case fig_cases[] = {
    /* counted: boys 2 + girls 1 + women 3 + 1 = 7 (the 5 grown men are not) */
    {1, "32.73", {2, 5, 0, 1, 3, 1}},
    {2, "32.04.01", {0, 0, 0, 0, 2, 0}}, /* a district: counts in 32.04 */
    {3, "32", {1, 0, 0, 0, 0, 0}},       /* the province itself: rest */
    {4, "32.730", {0, 0, 0, 2, 0, 0}},   /* not under 32.73: rest */
};

static const struct p3aks_fig_victim fig_victims[] = {
    {10, 1, "p", 30},   {11, 1, "l", 12}, {12, 1, "l", 40}, /* a grown man: not counted */
    {13, 1, "p", -1},                                       /* a woman with no need */
    {20, 2, NULL, 8},   {21, 2, "p", 25}, {30, 3, "l", 10},
    {99, 999, "p", 20}, /* of no listed case */
};

static const struct p3aks_fig_service fig_services[] = {
    /* 32.73: victim 10 one of two served, victim 11 both; days 3, 10, 1 -> median 3 */
    {100, 10, "psikososial", "UPTD PPA", "dirujuk", "2026-11-01", "2026-11-10", NULL}, /* 26 days */
    {101, 10, "kesehatan", "UPTD PPA", "selesai", "2026-10-01", "2026-10-02", "2026-10-04"},
    {110, 11, "kesehatan", "UPTD PPA", "diterima", "2026-10-01", "2026-10-01", "2026-10-11"},
    {111, 11, "pendidikan", "UPTD PPA", "selesai", "2026-10-02", "2026-10-02", "2026-10-03"},
    /* a grown man's: not counted */
    {120, 12, "kesehatan", "UPTD PPA", "dirujuk", "2026-01-01", "2026-01-02", NULL},
    /* 32.04: victim 20 waits, victim 21 refused once; days 7 (the receipt before its need
     * is left out) */
    {200, 20, "rumah_aman", "UPTD PPA", "dibutuhkan", "2026-11-15", NULL, NULL}, /* 21 days */
    /* 8 days */
    {201, 20, "bantuan_hukum", "UPTD PPA", "dirujuk", "2026-11-25", "2026-11-28", NULL},
    {202, 20, "pendidikan", "UPTD PPA", "dibutuhkan", "2026-11-22", NULL, NULL},      /* 14 days */
    {203, 20, "pemulangan", "UPTD PPA", "dirujuk", "2026-11-20", "2026-11-21", NULL}, /* 15 days */
    {210, 21, "psikososial", "UPTD PPA", "ditolak", "2026-09-01", "2026-09-02", NULL},
    {211, 21, "kesehatan", "UPTD PPA", "selesai", "2026-09-01", "2026-09-01", "2026-09-08"},
    {212, 21, "lainnya", "UPTD PPA", "diterima", "2026-09-10", "2026-09-01", "2026-09-05"},
    /* rest: victim 30 received once (5 days) and waits on a referral with no referral day */
    {300, 30, "kesehatan", "UPTD PPA", "diterima", "2026-08-01", "2026-08-02", "2026-08-06"},
    {301, 30, "reintegrasi", "UPTD PPA", "dirujuk", "2026-11-01", NULL, NULL}, /* 35 days */
    {999, 99, "kesehatan", "UPTD PPA", "dirujuk", "2026-01-01", "2026-01-01", NULL},
    {998, 77, "kesehatan", "UPTD PPA", "dirujuk", "2026-01-01", "2026-01-01", NULL}, /* no victim */
};

static const struct p3aks_fig_rows fig_rows = {
    fig_cases,    WSP_ARRAY_LEN(fig_cases),    fig_victims, WSP_ARRAY_LEN(fig_victims),
    fig_services, WSP_ARRAY_LEN(fig_services),
};

static void expect_figures(const struct p3aks_figures *f, long counted, long named, long with_need,
                           long all_served, long received, long received_victims, double median,
                           long open_referrals, long waiting_needs)
{
    assert_int_equal(f->counted, counted);
    assert_int_equal(f->named, named);
    assert_int_equal(f->with_need, with_need);
    assert_int_equal(f->all_served, all_served);
    assert_int_equal(f->received, received);
    assert_int_equal(f->received_victims, received_victims);
    assert_true(f->median_days == median);
    assert_int_equal(f->open_referrals, open_referrals);
    assert_int_equal(f->waiting_needs, waiting_needs);
}

static void test_figures_values(void **state)
{
    (void)state;
    static const char *const groups[] = {"32.73", "32.04"};
    struct p3aks_figures per[2], rest, total;
    struct arena a;
    arena_init(&a, 0);
    struct error err = {0};
    assert_int_equal(
        p3aks_figures_compute(&fig_rows, groups, 2, day(2026, 12, 6), &a, per, &rest, &total, &err),
        0);
    expect_figures(&per[0], 7, 3, 2, 1, 3, 2, 3.0, 1, 0);
    assert_int_equal(per[0].counted_boys, 2);
    assert_int_equal(per[0].counted_girls, 1);
    assert_int_equal(per[0].counted_women, 4);
    expect_figures(&per[1], 2, 2, 2, 0, 1, 1, 7.0, 1, 1);
    expect_figures(&rest, 3, 1, 1, 0, 1, 1, 5.0, 1, 0);
    expect_figures(&total, 12, 6, 5, 1, 5, 4, 5.0, 3, 1);
    assert_int_equal(total.counted_boys, 3);
    assert_int_equal(total.counted_girls, 3);
    assert_int_equal(total.counted_women, 6);
    assert_true(p3aks_share_served(&per[0]) == 50.0);
    assert_true(p3aks_share_served(&total) == 20.0);
    assert_true(p3aks_share_served(&rest) == 0.0);

    /* No groups: everything is rest; rest may be NULL. */
    struct p3aks_figures rest2, total2;
    assert_int_equal(p3aks_figures_compute(&fig_rows, NULL, 0, day(2026, 12, 6), &a, NULL, &rest2,
                                           &total2, &err),
                     0);
    expect_figures(&rest2, 12, 6, 5, 1, 5, 4, 5.0, 3, 1);
    assert_int_equal(
        p3aks_figures_compute(&fig_rows, NULL, 0, day(2026, 12, 6), &a, NULL, NULL, &total2, &err),
        0);
    expect_figures(&total2, 12, 6, 5, 1, 5, 4, 5.0, 3, 1);

    /* A week later the 14-day need and the 8-day referral are overdue too. */
    assert_int_equal(p3aks_figures_compute(&fig_rows, groups, 2, day(2026, 12, 13), &a, per, &rest,
                                           &total, &err),
                     0);
    assert_int_equal(per[1].open_referrals, 2);
    assert_int_equal(per[1].waiting_needs, 2);
    assert_int_equal(total.open_referrals, 4);
    arena_release(&a);
}

static void test_figures_median_even(void **state)
{
    (void)state;
    static const struct p3aks_fig_case c[] = {{1, "31.71", {0}}};
    static const struct p3aks_fig_victim v[] = {{1, 1, "p", 9}, {2, 1, "p", 10}};
    static const struct p3aks_fig_service s[] = {
        {1, 1, "kesehatan", "", "selesai", "2026-01-01", "2026-01-01", "2026-01-03"},
        {2, 2, "kesehatan", "", "diterima", "2026-01-01", "2026-01-01", "2026-01-06"},
        {3, 2, "kesehatan", "", "diterima", "bukan-tanggal", NULL, "2026-01-06"},
    };
    struct p3aks_fig_rows rows = {c, 1, v, 2, s, 3};
    struct p3aks_figures total;
    struct arena a;
    arena_init(&a, 0);
    assert_int_equal(
        p3aks_figures_compute(&rows, NULL, 0, day(2026, 2, 1), &a, NULL, NULL, &total, NULL), 0);
    expect_figures(&total, 0, 2, 2, 2, 2, 2, 3.5, 0, 0);
    assert_true(p3aks_share_served(&total) == 100.0);

    /* Nothing at all. */
    struct p3aks_fig_rows none = {0};
    assert_int_equal(
        p3aks_figures_compute(&none, NULL, 0, day(2026, 2, 1), &a, NULL, NULL, &total, NULL), 0);
    expect_figures(&total, 0, 0, 0, 0, 0, 0, 0.0, 0, 0);
    assert_true(p3aks_share_served(&total) == -1);
    struct p3aks_overdue *list;
    size_t n;
    assert_int_equal(p3aks_overdue_list(&none, day(2026, 2, 1), &a, &list, &n, NULL), 0);
    assert_null(list);
    assert_int_equal(n, 0);
    arena_release(&a);

    /* A full arena. */
    arena_init(&a, 64);
    struct error err = {0};
    assert_int_equal(
        p3aks_figures_compute(&fig_rows, NULL, 0, day(2026, 2, 1), &a, NULL, NULL, &total, &err),
        WSP_ENOMEM);
    arena_release(&a);
}

static void test_figures_overdue(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct p3aks_overdue *list;
    size_t n;
    assert_int_equal(p3aks_overdue_list(&fig_rows, day(2026, 12, 6), &a, &list, &n, NULL), 0);
    assert_int_equal(n, 4);
    static const struct {
        int64_t service, kase, victim;
        const char *status, *region;
        long days;
    } want[] = {
        {301, 3, 30, "dirujuk", "32", 35},
        {100, 1, 10, "dirujuk", "32.73", 26},
        {200, 2, 20, "dibutuhkan", "32.04.01", 21},
        {203, 2, 20, "dirujuk", "32.04.01", 15},
    };
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(list[i].service_id, want[i].service);
        assert_int_equal(list[i].case_id, want[i].kase);
        assert_int_equal(list[i].victim_id, want[i].victim);
        assert_string_equal(list[i].status, want[i].status);
        assert_string_equal(list[i].region, want[i].region);
        assert_int_equal(list[i].days_open, want[i].days);
        assert_string_equal(list[i].provider, "UPTD PPA");
    }
    assert_string_equal(list[0].type, "reintegrasi");
    arena_release(&a);
}

static void test_figures_public(void **state)
{
    (void)state;
    assert_null(p3aks_public_count_label(0));
    assert_string_equal(p3aks_public_count_label(1), "<3");
    assert_string_equal(p3aks_public_count_label(2), "<3");
    assert_null(p3aks_public_count_label(3));
    assert_null(p3aks_public_count_label(120));

    struct p3aks_figures f = {.with_need = 3, .all_served = 2};
    assert_false(p3aks_public_share_ok(&f)); /* 66.7% of 3 would tell the "<3" is 2 */
    f.all_served = 3;
    assert_true(p3aks_public_share_ok(&f));
    f.all_served = 0;
    assert_true(p3aks_public_share_ok(&f));
    f.with_need = 2;
    assert_false(p3aks_public_share_ok(&f));

    f = (struct p3aks_figures){.received = 5, .received_victims = 2};
    assert_false(p3aks_public_median_ok(&f));
    f.received_victims = 3;
    assert_true(p3aks_public_median_ok(&f));
    f = (struct p3aks_figures){0};
    assert_false(p3aks_public_median_ok(&f));

    assert_true(p3aks_public_region_ok(""));
    assert_true(p3aks_public_region_ok("32"));
    assert_true(p3aks_public_region_ok("32.73"));
    assert_false(p3aks_public_region_ok("32.73.01"));
    assert_false(p3aks_public_region_ok("32.73.01.1001"));
    assert_false(p3aks_public_region_ok(NULL));
}

int main(void)
{
    const struct CMUnitTest services[] = {
        cmocka_unit_test(test_service_types),    cmocka_unit_test(test_service_statuses),
        cmocka_unit_test(test_service_workflow), cmocka_unit_test(test_service_check),
        cmocka_unit_test(test_service_apply),    cmocka_unit_test(test_service_victim),
    };
    int failed = cmocka_run_group_tests_name("services", services, NULL, NULL);
    const struct CMUnitTest figures[] = {
        cmocka_unit_test(test_figures_values),
        cmocka_unit_test(test_figures_median_even),
        cmocka_unit_test(test_figures_overdue),
        cmocka_unit_test(test_figures_public),
    };
    failed += cmocka_run_group_tests_name("figures", figures, NULL, NULL);
    return failed;
}
