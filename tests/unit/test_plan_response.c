/* The alert -> response rules (src/plan/response.c), on values: the phase an alert calls for,
 * a declared status covering it, the ranking of actions and the answer-time counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "plan/plan.h"

static void test_phase(void **state)
{
    (void)state;
    assert_null(plan_alert_phase("normal", false));
    assert_null(plan_alert_phase("normal", true));
    assert_null(plan_alert_phase(NULL, false));
    assert_string_equal(plan_alert_phase("waspada", false), "pencegahan");
    assert_string_equal(plan_alert_phase("siaga", false), "pencegahan");
    assert_string_equal(plan_alert_phase("awas", false), "penghentian");
    assert_string_equal(plan_alert_phase("waspada", true), "penghentian");
    assert_string_equal(plan_alert_phase("siaga", true), "penghentian");
    assert_string_equal(plan_issue_of_category("land_resource"), "sumber_daya");
    assert_string_equal(plan_issue_of_category("political_election"), "pemilihan_jabatan");
    assert_string_equal(plan_issue_of_category("inter_group_clash"), "identitas");
    assert_string_equal(plan_issue_of_category("bogus"), "lainnya");
    assert_string_equal(plan_issue_of_category(NULL), "lainnya");
}

static void test_skk_covers(void **state)
{
    (void)state;
    /* the regency's own status, its province's, and a regency's for its province's alert */
    assert_true(
        plan_skk_covers("72.02", "2026-03-02", "2026-05-30", "72.02", "2026-05-30", "2026-06-10"));
    assert_true(plan_skk_covers("72", "2026-03-02", NULL, "72.02", "2026-05-01", "2026-05-03"));
    assert_true(plan_skk_covers("72.02", "2026-03-02", NULL, "72", "2026-04-01", "2026-04-03"));
    /* another regency, the days apart, the 90 days of a status without an end */
    assert_false(plan_skk_covers("72.02", "2026-03-02", NULL, "72.03", "2026-03-05", "2026-03-06"));
    assert_false(
        plan_skk_covers("72.02", "2026-03-02", "2026-03-31", "72.02", "2026-04-01", "2026-04-02"));
    assert_true(plan_skk_covers("72.02", "2026-03-02", NULL, "72.02", "2026-05-30",
                                "2026-06-01")); /* day 90 */
    assert_false(plan_skk_covers("72.02", "2026-03-02", NULL, "72.02", "2026-05-31",
                                 "2026-06-01")); /* day 91 */
    assert_false(plan_skk_covers("72.02", "bukan", NULL, "72.02", "2026-05-31", "2026-06-01"));
}

static void test_suggest(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *cats[] = {"inter_group_clash"};
    struct plan_alert_facts f = {.region = "32.73",
                                 .max_level = "siaga",
                                 .categories = cats,
                                 .ncategories = 1,
                                 .women_children = true};
    const struct plan_alert_candidate c[] = {
        {1, "32.73", "pks", 1, "pencegahan", "potensi_konflik", false},  /* fokus 1 */
        {2, "32.73", "pks", 2, "pencegahan", "identitas", false},        /* tema 4 */
        {3, "32.73", "pks", 3, "pencegahan", "sumber_daya", false},      /* other theme */
        {4, "32.73", "pks", 4, "penghentian", "konflik_faktual", false}, /* other phase */
        {5, "32.73", "pks", 5, "pencegahan", "konflik_faktual", false},  /* fase 0 */
        {6, "32", "pks", 1, "pencegahan", "potensi_konflik", false},     /* fokus 1, province */
        {7, "32", "pks", 2, "pencegahan", "inter_group_clash", false},   /* tema 4, province */
        {8, "32", "p3aks", 1, "pencegahan", "potensi_konflik", true},    /* p3aks 3 */
        {9, "32", "pks", 3, "pencegahan", "covid19", false},             /* other theme */
        {10, "32.73", "p3aks", 1, "pencegahan", NULL, false},            /* fase 0, p3aks plan */
    };
    struct plan_alert_pick *p;
    size_t n;
    struct error err = {0};
    assert_int_equal(plan_alert_suggest(&f, c, WSP_ARRAY_LEN(c), &a, &p, &n, &err), 0);
    const int64_t want[] = {2, 7, 8, 1, 6, 5, 10};
    const char *fit[] = {"tema", "tema", "p3aks", "fokus", "fokus", "fase", "fase"};
    assert_int_equal(n, WSP_ARRAY_LEN(want));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[p[i].index].id, want[i]);
        assert_string_equal(p[i].fit, fit[i]);
    }
    /* without women and children the P3AKS action is only its focus */
    f.women_children = false;
    assert_int_equal(plan_alert_suggest(&f, c, WSP_ARRAY_LEN(c), &a, &p, &n, &err), 0);
    assert_int_equal(c[p[2].index].id, 1);
    assert_int_equal(c[p[3].index].id, 6);
    assert_int_equal(c[p[4].index].id, 8);
    /* awas: penghentian, konflik_faktual is the fitting focus */
    f.max_level = "awas";
    assert_int_equal(plan_alert_suggest(&f, c, WSP_ARRAY_LEN(c), &a, &p, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(c[p[0].index].id, 4);
    assert_string_equal(p[0].fit, "fokus");
    /* normal: nothing */
    f.max_level = "normal";
    assert_int_equal(plan_alert_suggest(&f, c, WSP_ARRAY_LEN(c), &a, &p, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(p);
    arena_release(&a);
}

static void test_answer_count(void **state)
{
    (void)state;
    const int64_t t = 1800000000, h = 3600;
    const struct plan_alert_answer a[] = {
        {"32.73", t, t + 24 * h},     /* within 24 h, exactly */
        {"32.73", t, t + 24 * h + 1}, /* within 72 h */
        {"32.04", t, t + 72 * h},     /* within 72 h, exactly */
        {"32.04", t, t + 72 * h + 1}, /* later */
        {"32.04", t, 0},              /* none */
        {"32", t, t - 60},            /* before its clock started: at once */
        {"33.74", t, 0},
    };
    struct plan_answer_counts c;
    plan_answer_count("32", a, WSP_ARRAY_LEN(a), &c);
    assert_int_equal(c.alerts, 6);
    assert_int_equal(c.answered_24h, 2);
    assert_int_equal(c.answered_72h, 4);
    assert_int_equal(c.answered, 5);
    assert_int_equal(c.unanswered, 1);
    plan_answer_count("32.73", a, WSP_ARRAY_LEN(a), &c);
    assert_int_equal(c.alerts, 2);
    assert_int_equal(c.answered_24h, 1);
    assert_int_equal(c.answered_72h, 2);
    plan_answer_count(NULL, a, WSP_ARRAY_LEN(a), &c);
    assert_int_equal(c.alerts, 7);
    assert_int_equal(c.unanswered, 2);
    plan_answer_count("3", a, WSP_ARRAY_LEN(a), &c); /* whole segments: not 32 or 33 */
    assert_int_equal(c.alerts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phase),
        cmocka_unit_test(test_skk_covers),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_answer_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
