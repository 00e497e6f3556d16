/* Unit tests for the rules of a conflict event (src/events), on values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "events/events.h"
#include "warn/warn.h"

static void test_categories(void **state)
{
    (void)state;
    static const char *const want[] = {"none",
                                       "land_resource",
                                       "inter_group_clash",
                                       "riot_protest",
                                       "identity_religious_ethnic",
                                       "political_election",
                                       "separatist_armed",
                                       "vigilante",
                                       "other_violence"};
    assert_int_equal(EVENT_NCATEGORIES, 9);
    for (int i = 0; i < EVENT_NCATEGORIES; i++) {
        assert_string_equal(event_category_names[i], want[i]);
        assert_int_equal(event_category_index(want[i]), i);
        assert_true(event_category_valid(want[i]));
    }
    assert_int_equal(event_category_index("riot"), -1);
    assert_int_equal(event_category_index("NONE"), -1);
    assert_int_equal(event_category_index(""), -1);
    assert_int_equal(event_category_index(NULL), -1);
    assert_false(event_category_valid("vigilante "));
    /* the warning engine weighs the same table, not a copy */
    assert_int_equal(WARN_NCATEGORIES, EVENT_NCATEGORIES);
    assert_ptr_equal(warn_category_names, event_category_names);
}

static void test_statuses(void **state)
{
    (void)state;
    static const char *const known[] = {"menunggu", "terverifikasi", "ditolak", "dalam_penanganan",
                                        "selesai"};
    struct error err = {0};
    for (size_t i = 0; i < 5; i++) {
        assert_true(event_status_valid(known[i]));
        assert_int_equal(event_status_check(known[i], &err), 0);
    }
    assert_false(event_status_valid("baru"));
    assert_false(event_status_valid(NULL));
    assert_int_equal(event_status_check("baru", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown status 'baru' (menunggu, terverifikasi, ditolak, "
                                 "dalam_penanganan, selesai)");
    assert_int_equal(event_status_check(NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown status '' (menunggu, terverifikasi, ditolak, "
                                 "dalam_penanganan, selesai)");
    assert_string_equal(EVENT_STATUS_INITIAL, "menunggu");
    assert_true(event_status_is_decision("terverifikasi"));
    assert_true(event_status_is_decision("ditolak"));
    assert_false(event_status_is_decision("menunggu"));
    assert_false(event_status_is_decision("dalam_penanganan"));
    assert_false(event_status_is_decision("selesai"));
    assert_false(event_status_is_decision(NULL));
}

static void test_roles_and_phases(void **state)
{
    (void)state;
    static const char *const roles[] = {"event",  "followup",    "prevention", "crime",
                                        "abroad", "not_article", "other"};
    struct error err = {0};
    for (size_t i = 0; i < 7; i++) {
        assert_true(event_role_valid(roles[i]));
        assert_int_equal(event_role_check(roles[i], &err), 0);
    }
    assert_false(event_role_valid("opinion"));
    assert_int_equal(event_role_check("opinion", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown article role 'opinion'");
    assert_int_equal(event_role_check(NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown article role ''");

    static const char *const phases[] = {"pencegahan", "penghentian", "pemulihan"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(event_phase_valid(phases[i]));
        assert_int_equal(event_phase_check(phases[i], &err), 0);
    }
    assert_false(event_phase_valid("selesai"));
    assert_int_equal(event_phase_check("selesai", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown phase 'selesai' (pencegahan, penghentian, pemulihan)");
    assert_int_equal(event_phase_check(NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown phase '' (pencegahan, penghentian, pemulihan)");
}

static void test_workflow(void **state)
{
    (void)state;
    static const char *const st[] = {"menunggu", "terverifikasi", "ditolak", "dalam_penanganan",
                                     "selesai"};
    /* allowed[from][to], in the order of st */
    static const bool allowed[5][5] = {
        {false, true, true, false, false},   {false, false, true, true, false},
        {true, false, false, false, false},  {false, false, false, false, true},
        {false, false, false, false, false},
    };
    struct error err = {0};
    for (int f = 0; f < 5; f++)
        for (int t = 0; t < 5; t++) {
            assert_int_equal(event_transition_allowed(st[f], st[t]), allowed[f][t]);
            assert_int_equal(event_transition_check(7, st[f], st[t], &err),
                             allowed[f][t] ? 0 : WSP_EEXIST);
        }
    assert_false(event_transition_allowed(NULL, "menunggu"));
    assert_false(event_transition_allowed("menunggu", NULL));
    assert_false(event_transition_allowed("menunggu", "baru"));

    char buf[160];
    event_transitions_from("menunggu", buf, sizeof(buf));
    assert_string_equal(buf, "'terverifikasi', 'ditolak'");
    event_transitions_from("terverifikasi", buf, sizeof(buf));
    assert_string_equal(buf, "'dalam_penanganan', 'ditolak'");
    event_transitions_from("dalam_penanganan", buf, sizeof(buf));
    assert_string_equal(buf, "'selesai'");
    event_transitions_from("ditolak", buf, sizeof(buf));
    assert_string_equal(buf, "'menunggu'");
    event_transitions_from("selesai", buf, sizeof(buf));
    assert_string_equal(buf, "none (final status)");
    event_transitions_from("menunggu", buf, 20); /* cut, never overrun */
    assert_string_equal(buf, "'terverifikasi', 'd");

    assert_int_equal(event_transition_check(42, "selesai", "menunggu", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "cannot change status of event 42 from 'selesai' to 'menunggu';"
                                 " allowed from 'selesai': none (final status)");
    assert_int_equal(event_transition_check(5, "menunggu", "selesai", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "cannot change status of event 5 from 'menunggu' to 'selesai';"
                                 " allowed from 'menunggu': 'terverifikasi', 'ditolak'");
}

static void test_codes(void **state)
{
    (void)state;
    assert_true(event_code_covers("32", "32"));
    assert_true(event_code_covers("32", "32.73"));
    assert_true(event_code_covers("32.73", "32.73.01.1001"));
    assert_false(event_code_covers("32", "320"));
    assert_false(event_code_covers("32.7", "32.73"));
    assert_false(event_code_covers("32.73", "32"));

    assert_null(event_nonempty(NULL));
    assert_null(event_nonempty(""));
    assert_string_equal(event_nonempty("x"), "x");

    assert_string_equal(event_region_key("32", "32.73"), "32.73");
    assert_string_equal(event_region_key("32", ""), "32");
    assert_string_equal(event_region_key("32", NULL), "32");
    assert_null(event_region_key("", NULL));
    assert_null(event_region_key(NULL, NULL));

    bool disjoint = true;
    assert_string_equal(event_region_narrow("32", "32.73", &disjoint), "32.73");
    assert_false(disjoint);
    assert_string_equal(event_region_narrow("32.73", "32", &disjoint), "32.73");
    assert_false(disjoint);
    assert_string_equal(event_region_narrow("32", NULL, &disjoint), "32");
    assert_false(disjoint);
    assert_string_equal(event_region_narrow("", "33", &disjoint), "33");
    assert_false(disjoint);
    assert_null(event_region_narrow(NULL, "", &disjoint));
    assert_false(disjoint);
    assert_null(event_region_narrow("32", "33", &disjoint));
    assert_true(disjoint);
    assert_null(event_region_narrow("32", "320", &disjoint));
    assert_true(disjoint);

    assert_true(event_date_valid("2024-02-29"));
    assert_false(event_date_valid("2023-02-29"));
    assert_false(event_date_valid("2024-2-29"));
    assert_false(event_date_valid("2024-02-29T10:00:00Z"));
    assert_false(event_date_valid("kemarin"));
    assert_false(event_date_valid(NULL));
}

static struct event good(void)
{
    return (struct event){.category = "inter_group_clash",
                          .province_code = "32",
                          .regency_code = "32.73",
                          .place_code = "32.73.01",
                          .event_date = "2024-03-01",
                          .killed = -1,
                          .injured = 0,
                          .confidence = 0.7};
}

static void expect_refused(const struct event *e, const char *msg)
{
    struct error err = {0};
    assert_int_equal(event_check(e, &err), WSP_EINVAL);
    assert_string_equal(err.msg, msg);
}

static void test_check(void **state)
{
    (void)state;
    struct error err = {0};
    struct event e = good();
    assert_int_equal(event_check(&e, &err), 0);
    e.status = "selesai";
    e.province_code = e.regency_code = e.place_code = NULL;
    e.event_date = NULL;
    e.confidence = 1.0;
    e.killed = e.injured = -1;
    assert_int_equal(event_check(&e, &err), 0);

    e = good();
    e.category = "riot";
    expect_refused(&e, "unknown event category 'riot'");
    e.category = NULL;
    expect_refused(&e, "unknown event category ''");
    e = good();
    e.status = "baru";
    expect_refused(&e, "unknown event status 'baru'");
    e = good();
    e.event_date = "2024-02-30";
    expect_refused(&e, "bad event date '2024-02-30' (want YYYY-MM-DD)");
    e = good();
    e.confidence = 1.5;
    expect_refused(&e, "confidence 1.5 is outside 0..1");
    e.confidence = -0.25;
    expect_refused(&e, "confidence -0.25 is outside 0..1");
    e = good();
    e.killed = -2;
    expect_refused(&e, "negative victim count");
    e = good();
    e.injured = -3;
    expect_refused(&e, "negative victim count");
    e = good();
    e.regency_code = "33.01";
    expect_refused(&e, "regency '33.01' is not inside province '32'");
    e.province_code = NULL;
    expect_refused(&e, "regency '33.01' is not inside province '(none)'");
    e = good();
    e.place_code = "32.74.01";
    expect_refused(&e, "place '32.74.01' is not inside '32.73'");
    e.regency_code = "";
    e.place_code = "33.01.01";
    expect_refused(&e, "place '33.01.01' is not inside '32'");
    e.province_code = "";
    expect_refused(&e, "place '33.01.01' is not inside '(none)'");
    /* a place known to the province alone is fine */
    e = good();
    e.regency_code = NULL;
    assert_int_equal(event_check(&e, &err), 0);
}

static void test_merge_fields(void **state)
{
    (void)state;
    /* the stored event knows little; a more confident source fills and overrides */
    struct event stored = {.category = "none",
                           .province_code = NULL,
                           .regency_code = NULL,
                           .place_code = NULL,
                           .event_date = NULL,
                           .killed = 1,
                           .injured = -1,
                           .women_children_victims = false,
                           .confidence = 0.4,
                           .status = "terverifikasi",
                           .has_simhash = false,
                           .evidence_json = "[\"old\"]",
                           .detail_json = "{\"a\":1}"};
    struct event in = {.category = "riot_protest",
                       .province_code = "32",
                       .regency_code = "32.73",
                       .place_code = "32.73.01",
                       .event_date = "2024-03-02",
                       .killed = 3,
                       .injured = 5,
                       .women_children_victims = true,
                       .confidence = 0.9,
                       .status = NULL,
                       .simhash = 0xabcdu,
                       .has_simhash = true,
                       .evidence_json = "[\"new\"]",
                       .detail_json = "{\"b\":2}"};
    struct event m;
    event_merge(&stored, &in, &m);
    assert_string_equal(m.category, "riot_protest");
    assert_string_equal(m.province_code, "32");
    assert_string_equal(m.regency_code, "32.73");
    assert_string_equal(m.place_code, "32.73.01");
    assert_string_equal(m.event_date, "2024-03-02");
    assert_int_equal(m.killed, 3);
    assert_int_equal(m.injured, 5);
    assert_true(m.women_children_victims);
    assert_true(m.confidence == 0.9);
    assert_string_equal(m.status, "terverifikasi");
    assert_true(m.has_simhash);
    assert_int_equal(m.simhash, 0xabcdu);
    assert_string_equal(m.evidence_json, "[\"new\"]");
    assert_string_equal(m.detail_json, "{\"a\":1}");

    /* a less confident source only fills what is unknown */
    struct event s2 = {.category = "land_resource",
                       .province_code = "32",
                       .regency_code = NULL,
                       .place_code = NULL,
                       .event_date = "2024-03-01",
                       .killed = -1,
                       .injured = 2,
                       .women_children_victims = true,
                       .confidence = 0.8,
                       .status = "menunggu",
                       .simhash = 0x11u,
                       .has_simhash = true,
                       .evidence_json = "[\"e\"]"};
    struct event i2 = {.category = "riot_protest",
                       .province_code = "33",
                       .regency_code = "32.73",
                       .place_code = "32.73.02",
                       .event_date = "2024-03-05",
                       .killed = 4,
                       .injured = 9,
                       .women_children_victims = false,
                       .confidence = 0.5,
                       .simhash = 0x22u,
                       .has_simhash = true,
                       .evidence_json = "[\"i\"]"};
    event_merge(&s2, &i2, &m);
    assert_string_equal(m.category, "land_resource");
    assert_string_equal(m.province_code, "32"); /* a province is never replaced */
    assert_string_equal(m.regency_code, "32.73");
    assert_string_equal(m.place_code, "32.73.02");
    assert_string_equal(m.event_date, "2024-03-01");
    assert_int_equal(m.killed, 4);  /* stated by nobody before */
    assert_int_equal(m.injured, 2); /* kept: the stored source is more confident */
    assert_true(m.women_children_victims);
    assert_true(m.confidence == 0.8);
    assert_int_equal(m.simhash, 0x11u);
    assert_string_equal(m.evidence_json, "[\"e\"]");

    /* equal confidence is not more confident; "none" never overrides a category */
    struct event s3 = s2, i3 = i2;
    i3.confidence = 0.8;
    i3.category = "none";
    s3.killed = 1;
    event_merge(&s3, &i3, &m);
    assert_string_equal(m.category, "land_resource");
    assert_int_equal(m.killed, 1);
    i3.confidence = 0.95;
    i3.evidence_json = NULL;
    event_merge(&s3, &i3, &m);
    assert_string_equal(m.category, "land_resource");
    assert_int_equal(m.killed, 4);
    assert_true(m.confidence == 0.95);
    assert_string_equal(m.evidence_json, "[\"e\"]"); /* no evidence: the old stays */

    /* codes outside the event's region are not taken */
    struct event s4 = {.category = "vigilante",
                       .province_code = "32",
                       .regency_code = NULL,
                       .place_code = NULL,
                       .killed = -1,
                       .injured = -1,
                       .confidence = 0.5};
    struct event i4 = s4;
    i4.regency_code = "33.01";
    i4.place_code = "32.74.01";
    event_merge(&s4, &i4, &m);
    assert_null(m.regency_code);
    assert_string_equal(m.place_code, "32.74.01"); /* inside the province */
    /* a stored regency without a province keeps the province unknown */
    s4.province_code = NULL;
    s4.regency_code = "32.73";
    i4.province_code = "32";
    i4.place_code = "32.73.05";
    event_merge(&s4, &i4, &m);
    assert_null(m.province_code);
    assert_string_equal(m.regency_code, "32.73");
    assert_string_equal(m.place_code, "32.73.05");
    /* no province, no regency: the place has nothing to be inside */
    s4.regency_code = NULL;
    i4.province_code = NULL;
    event_merge(&s4, &i4, &m);
    assert_null(m.place_code);
}

static void test_merge_detail(void **state)
{
    (void)state;
    struct event in = {.category = "riot_protest",
                       .event_date = "2024-03-02",
                       .regency_code = "32.73",
                       .killed = 2,
                       .injured = -1,
                       .women_children_victims = true,
                       .confidence = 0.5,
                       .detail_json = "{\"actors\":[\"b\"],\"weapons\":\"golok\",\"sources\":[9]}"};
    char *d = event_merge_detail("{\"actors\":[\"a\"],\"sources\":[{\"article_id\":1}]}", &in, 7);
    assert_string_equal(d, "{\"actors\":[\"a\"],\"sources\":[{\"article_id\":1},{\"article_id\":7,"
                           "\"category\":\"riot_protest\",\"confidence\":0.5,\"event_date\":"
                           "\"2024-03-02\",\"regency_code\":\"32.73\",\"killed\":2,\"injured\":"
                           "null,\"women_children_victims\":true}],\"weapons\":\"golok\"}");
    free(d);
    /* no stored detail (or not an object): a new one */
    in.detail_json = NULL;
    in.event_date = NULL;
    in.regency_code = "";
    in.confidence = 0.123456;
    d = event_merge_detail("[1]", &in, 3);
    assert_string_equal(d, "{\"sources\":[{\"article_id\":3,\"category\":\"riot_protest\","
                           "\"confidence\":0.1235,\"event_date\":null,\"regency_code\":null,"
                           "\"killed\":2,\"injured\":null,\"women_children_victims\":true}]}");
    free(d);
    /* at most EVENT_SOURCES_KEPT sources */
    char full[1024];
    size_t len = str_copy(full, "{\"sources\":[", sizeof(full));
    for (int i = 0; i < EVENT_SOURCES_KEPT; i++)
        len += str_copy(full + len, i ? ",1" : "1", sizeof(full) - len);
    str_copy(full + len, "]}", sizeof(full) - len);
    d = event_merge_detail(full, &in, 3);
    assert_string_equal(d, full);
    free(d);

    struct event e = {.category = "vigilante",
                      .event_date = "2024-01-05",
                      .regency_code = "32.73",
                      .killed = -1,
                      .injured = 4,
                      .confidence = 1,
                      .detail_json = "{\"x\":1,\"sources\":[5]}"};
    d = event_detail_new(&e, 11);
    assert_string_equal(d, "{\"x\":1,\"sources\":[{\"article_id\":11,\"category\":\"vigilante\","
                           "\"confidence\":1.0,\"event_date\":\"2024-01-05\",\"regency_code\":"
                           "\"32.73\",\"killed\":null,\"injured\":4,\"women_children_victims\":"
                           "false}]}");
    free(d);
    d = event_detail_new(&e, 0);
    assert_string_equal(d, "{\"x\":1,\"sources\":[]}");
    free(d);
    e.detail_json = "not json";
    d = event_detail_new(&e, 0);
    assert_string_equal(d, "{\"sources\":[]}");
    free(d);
}

struct cand {
    int dist;
    int64_t id;
};

static int cmp(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;
    return event_candidate_cmp(a->dist, a->id, b->dist, b->id);
}

static void test_candidates(void **state)
{
    (void)state;
    char lo[11], hi[11];
    event_candidate_window("2024-03-01", 3, lo, hi);
    assert_string_equal(lo, "2024-02-27");
    assert_string_equal(hi, "2024-03-04");
    event_candidate_window("2024-01-01", 1, lo, hi);
    assert_string_equal(lo, "2023-12-31");
    assert_string_equal(hi, "2024-01-02");
    event_candidate_window("2024-06-15", -5, lo, hi);
    assert_string_equal(lo, "2024-06-15");
    assert_string_equal(hi, "2024-06-15");

    assert_int_equal(event_simhash_distance(0, 0), 0);
    assert_int_equal(event_simhash_distance(0xffu, 0x0fu), 4);
    assert_int_equal(event_simhash_distance(UINT64_MAX, 0), 64);

    assert_true(event_candidate_cmp(1, 5, 2, 9) < 0);
    assert_true(event_candidate_cmp(3, 5, 2, 9) > 0);
    assert_true(event_candidate_cmp(2, 9, 2, 5) < 0);
    assert_true(event_candidate_cmp(2, 5, 2, 9) > 0);
    assert_int_equal(event_candidate_cmp(2, 5, 2, 5), 0);
    struct cand c[] = {{3, 1}, {0, 2}, {3, 7}, {1, 4}, {0, 9}, {1, 3}};
    qsort(c, 6, sizeof(c[0]), cmp);
    static const struct cand want[] = {{0, 9}, {0, 2}, {1, 4}, {1, 3}, {3, 7}, {3, 1}};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(c[i].dist, want[i].dist);
        assert_int_equal(c[i].id, want[i].id);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_roles_and_phases),
        cmocka_unit_test(test_workflow),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_merge_fields),
        cmocka_unit_test(test_merge_detail),
        cmocka_unit_test(test_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
