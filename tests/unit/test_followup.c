/* Follow-ups on values: which stored event a later article follows (ingest_followup_*), and
 * what a reconciliation proposes for the event's case (plan_case_reconciliation_proposal,
 * plan_case_proposal_accept). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "ingest/ingest.h"
#include "plan/plan.h"

/* Two texts' SimHashes a given number of bits apart. */
#define H0 0x0123456789abcdefULL
static uint64_t bits_away(int n)
{
    uint64_t h = H0;
    for (int i = 0; i < n; i++)
        h ^= 1ULL << (i * 2);
    return h;
}

static const char *const no_actors[1] = {NULL};

/* "Polisi tangkap 4 pelaku bentrok di Desa Sukamaju, Kabupaten Garut", published 2021-03-11. */
static struct ingest_followup arrest(void)
{
    return (struct ingest_followup){
        .province_code = "32",
        .regency_code = "32.05",
        .category = "none",
        .form = "bentrok",
        .date = "2021-03-11",
        .simhash = bits_away(20),
        .actors = no_actors,
        .nactors = 0,
    };
}

/* The clash it follows: Garut, 2021-03-06. */
static struct ingest_followed clash(int64_t id)
{
    return (struct ingest_followed){
        .id = id,
        .province_code = "32",
        .regency_code = "32.05",
        .category = "land_resource",
        .event_date = "2021-03-06",
        .simhash = H0,
        .has_simhash = true,
        .actors = no_actors,
        .nactors = 0,
    };
}

static void test_same_regency_fits(void **state)
{
    WSP_UNUSED(state);
    struct ingest_followup f = arrest();
    struct ingest_followed e = clash(7);
    struct ingest_followup_match m;
    assert_true(ingest_followup_fits(&f, &e, &m));
    assert_int_equal(m.precision, 2);
    assert_int_equal(m.days, 5);
    assert_int_equal(m.distance, 20);
    assert_int_equal(m.shared, 0);
    assert_non_null(strstr(m.why, "same regency, 5 days after"));
    /* 2 (regency) + 1 - 5/60 (recency) + 1.5 * 12/32 (text) */
    assert_true(m.score > 3.47 && m.score < 3.48);
    /* m may be NULL */
    assert_true(ingest_followup_fits(&f, &e, NULL));
}

static void test_place_rules(void **state)
{
    WSP_UNUSED(state);
    struct ingest_followup f = arrest();
    struct ingest_followed e = clash(1);
    /* Another regency of the same province: no. */
    e.regency_code = "32.06";
    assert_false(ingest_followup_fits(&f, &e, NULL));
    /* Another province: no. */
    e = clash(1);
    e.province_code = "33";
    e.regency_code = "33.74";
    assert_false(ingest_followup_fits(&f, &e, NULL));
    /* The event knows only the province: a province-level match needs corroboration. */
    e = clash(1);
    e.regency_code = NULL;
    f.simhash = bits_away(30); /* not similar, no shared actor */
    assert_false(ingest_followup_fits(&f, &e, NULL));
    f.simhash = bits_away(INGEST_FOLLOWUP_NEAR); /* similar enough */
    struct ingest_followup_match m;
    assert_true(ingest_followup_fits(&f, &e, &m));
    assert_int_equal(m.precision, 1);
    f.simhash = bits_away(30);
    const char *fa[] = {"warga Desa Sukamaju"}, *ea[] = {"TNI", "warga Desa Sukamaju"};
    f.actors = fa;
    f.nactors = 1;
    e.actors = ea;
    e.nactors = 2;
    assert_true(ingest_followup_fits(&f, &e, &m)); /* a shared actor corroborates */
    assert_int_equal(m.shared, 1);
    /* The article knows only the province. */
    f = arrest();
    f.regency_code = "";
    f.simhash = H0;
    e = clash(1);
    assert_true(ingest_followup_fits(&f, &e, &m));
    assert_int_equal(m.precision, 1);
    /* An article with no place at all follows nothing. */
    f.province_code = NULL;
    assert_false(ingest_followup_fits(&f, &e, NULL));
}

static void test_time_window(void **state)
{
    WSP_UNUSED(state);
    struct ingest_followup f = arrest();
    struct ingest_followed e = clash(1);
    e.event_date = "2021-03-11"; /* the same day */
    assert_true(ingest_followup_fits(&f, &e, NULL));
    e.event_date = "2021-03-12"; /* after the article: not the event it follows */
    assert_false(ingest_followup_fits(&f, &e, NULL));
    e.event_date = "2021-01-10"; /* exactly 60 days before */
    assert_true(ingest_followup_fits(&f, &e, NULL));
    e.event_date = "2021-01-09"; /* 61 */
    assert_false(ingest_followup_fits(&f, &e, NULL));
    e.event_date = "2020-12-11"; /* 90 */
    assert_false(ingest_followup_fits(&f, &e, NULL));
    e.event_date = NULL;
    assert_false(ingest_followup_fits(&f, &e, NULL));
    e.event_date = "2021-03-06";
    f.date = NULL;
    assert_false(ingest_followup_fits(&f, &e, NULL));
    f.date = "2021-13-01";
    assert_false(ingest_followup_fits(&f, &e, NULL));
}

static void test_categories(void **state)
{
    WSP_UNUSED(state);
    /* Collective violence is one family: SNPK codes the issue, a later article names the
     * form only. */
    assert_true(ingest_followup_categories_agree("inter_group_clash", "land_resource"));
    assert_true(ingest_followup_categories_agree("riot_protest", "political_election"));
    assert_true(ingest_followup_categories_agree("none", "separatist_armed"));
    assert_true(ingest_followup_categories_agree(NULL, "vigilante"));
    assert_true(ingest_followup_categories_agree("other_violence", "separatist_armed"));
    assert_true(ingest_followup_categories_agree("vigilante", "other_violence"));
    assert_true(ingest_followup_categories_agree("separatist_armed", "separatist_armed"));
    assert_false(ingest_followup_categories_agree("separatist_armed", "inter_group_clash"));
    assert_false(ingest_followup_categories_agree("vigilante", "land_resource"));
    assert_false(ingest_followup_categories_agree("identity_religious_ethnic", "vigilante"));

    /* Cues of a follow-up without a category. */
    const char *kkb[] = {"warga", "KKB"}, *plain[] = {"warga Desa Roka"};
    assert_string_equal(ingest_followup_hint("ditembak", kkb, 2), "separatist_armed");
    assert_string_equal(ingest_followup_hint("amuk massa", plain, 1), "vigilante");
    assert_null(ingest_followup_hint("bentrok", plain, 1));
    assert_null(ingest_followup_hint(NULL, NULL, 0));
    const char *word[] = {"kelompok Kakbaru"}; /* "kkb" only as a whole word */
    assert_null(ingest_followup_hint(NULL, word, 1));

    /* An arrest of KKB members does not follow a clash between villages... */
    struct ingest_followup f = arrest();
    f.actors = kkb;
    f.nactors = 2;
    struct ingest_followed e = clash(1);
    assert_false(ingest_followup_fits(&f, &e, NULL));
    /* ... but does follow an armed attack. */
    e.category = "separatist_armed";
    assert_true(ingest_followup_fits(&f, &e, NULL));
    /* The follow-up's own category, when it has one, decides over the cues. */
    f.category = "inter_group_clash";
    assert_false(ingest_followup_fits(&f, &e, NULL));
    e.category = "identity_religious_ethnic";
    assert_true(ingest_followup_fits(&f, &e, NULL));
}

static void test_generic_actors_not_shared(void **state)
{
    WSP_UNUSED(state);
    struct ingest_followup f = arrest();
    struct ingest_followed e = clash(1);
    const char *fa[] = {"warga", "TNI", "Polri", "massa", "ormas FBR"};
    const char *ea[] = {"Warga", "tni", "POLRI", "Massa", "ormas fbr"};
    f.actors = fa;
    f.nactors = 5;
    e.actors = ea;
    e.nactors = 5;
    struct ingest_followup_match m;
    assert_true(ingest_followup_fits(&f, &e, &m));
    assert_int_equal(m.shared, 1); /* only "ormas FBR", case-insensitively */
}

static void test_best(void **state)
{
    WSP_UNUSED(state);
    struct ingest_followup f = arrest();
    struct ingest_followed ev[5];
    ev[0] = clash(10); /* the clash, 5 days before */
    ev[1] = clash(11); /* an older clash in the same regency, 40 days before */
    ev[1].event_date = "2021-01-30";
    ev[2] = clash(12); /* a closer text, but only province-level */
    ev[2].regency_code = NULL;
    ev[2].simhash = bits_away(2);
    ev[3] = clash(13); /* another province */
    ev[3].province_code = "33";
    ev[3].regency_code = "33.74";
    ev[4] = clash(14); /* same regency, date after the article */
    ev[4].event_date = "2021-03-20";
    struct ingest_followup_match m;
    /* Regency precision outweighs the closer text of a province-level match; among the
     * regency matches the recent one wins. */
    assert_int_equal(ingest_followup_best(&f, ev, 5, &m), 0);
    assert_int_equal(m.precision, 2);
    /* Text similarity and shared actors move the choice between two regency matches. */
    ev[1].simhash = f.simhash; /* the same text */
    const char *fa[] = {"warga Desa Sukamaju"};
    f.actors = fa;
    f.nactors = 1;
    ev[1].actors = fa;
    ev[1].nactors = 1;
    assert_int_equal(ingest_followup_best(&f, ev, 5, &m), 1);
    assert_int_equal(m.shared, 1);
    assert_int_equal(m.days, 40);
    /* A tie goes to the later event, then the higher id. */
    f = arrest();
    struct ingest_followed tie[3] = {clash(2), clash(9), clash(3)};
    tie[1].event_date = "2021-01-20"; /* 50 days before: 45/60 less recency than the others */
    tie[1].simhash = bits_away(16);   /* ... made up by a closer text: 1.5 * 16/32 */
    struct ingest_followup_match m0, m1;
    assert_true(ingest_followup_fits(&f, &tie[0], &m0));
    assert_true(ingest_followup_fits(&f, &tie[1], &m1));
    assert_true(fabs(m0.score - m1.score) < 1e-9);
    assert_int_equal(ingest_followup_best(&f, tie, 2, NULL), 0); /* the later event */
    assert_int_equal(ingest_followup_best(&f, tie, 3, NULL), 2); /* same day: higher id */
    /* Nothing fits. */
    assert_int_equal(ingest_followup_best(&f, &ev[3], 2, &m), -1);
    assert_int_equal(ingest_followup_best(&f, ev, 0, NULL), -1);
}

static void test_proposal_note(void **state)
{
    WSP_UNUSED(state);
    char note[400];
    ingest_proposal_note(note, sizeof(note), "Dua Desa di Garut Sepakat Berdamai", "2021-03-20",
                         "ikrar damai");
    assert_string_equal(note, "Berita perdamaian (ikrar damai): \"Dua Desa di Garut Sepakat "
                              "Berdamai\" (2021-03-20). Usul: kasus masuk fase pemulihan "
                              "(perlu keputusan petugas).");
    ingest_proposal_note(note, sizeof(note), NULL, NULL, NULL);
    assert_string_equal(note, "Berita perdamaian: \"tanpa judul\". Usul: kasus masuk fase "
                              "pemulihan (perlu keputusan petugas).");
    /* A long title is cut on a character boundary (never inside "é"). */
    char title[400];
    memset(title, 'a', 299);
    memcpy(title + 299, "\xc3\xa9", 3);
    ingest_proposal_note(note, sizeof(note), title, NULL, NULL);
    assert_true(utf8_valid(note, strlen(note)));
    assert_non_null(strstr(note, "aaa\". Usul"));
}

static void test_reconciliation_proposal(void **state)
{
    WSP_UNUSED(state);
    /* No case yet: the proposal waits on the event. */
    assert_string_equal(plan_case_reconciliation_proposal(NULL), "pemulihan");
    assert_string_equal(plan_case_reconciliation_proposal("potensi"), "pemulihan");
    assert_string_equal(plan_case_reconciliation_proposal("aktif"), "pemulihan");
    assert_string_equal(plan_case_reconciliation_proposal("dihentikan"), "pemulihan");
    /* Nothing to propose. */
    assert_null(plan_case_reconciliation_proposal("pemulihan"));
    assert_null(plan_case_reconciliation_proposal("selesai"));

    const char *to = "x";
    struct error err = {0};
    assert_int_equal(plan_case_proposal_accept("dihentikan", "pemulihan", &to, &err), 0);
    assert_string_equal(to, "pemulihan");
    assert_int_equal(plan_case_proposal_accept("aktif", "pemulihan", &to, &err), 0);
    assert_string_equal(to, "pemulihan");
    assert_int_equal(plan_case_proposal_accept("potensi", "pemulihan", &to, &err), WSP_EEXIST);
    assert_null(to);
    assert_non_null(strstr(err.msg, "'potensi'"));
    assert_int_equal(plan_case_proposal_accept("pemulihan", "pemulihan", &to, &err), WSP_EEXIST);
    assert_int_equal(plan_case_proposal_accept("selesai", "pemulihan", &to, &err), WSP_EEXIST);
    assert_int_equal(plan_case_proposal_accept("aktif", "pencegahan", &to, &err), WSP_EINVAL);
    assert_int_equal(plan_case_proposal_accept("aktif", NULL, &to, &err), WSP_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_regency_fits),
        cmocka_unit_test(test_place_rules),
        cmocka_unit_test(test_time_window),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_generic_actors_not_shared),
        cmocka_unit_test(test_best),
        cmocka_unit_test(test_proposal_note),
        cmocka_unit_test(test_reconciliation_proposal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
