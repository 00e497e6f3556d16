/* Unit tests for the crosswalk of our categories to ACLED's types and SNPK's issues
 * (src/events/acled.c, docs/export.md), on values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "events/events.h"

static void expect(const char *category, const char *form, const char *disorder, const char *event,
                   const char *sub)
{
    struct event_acled a;
    event_acled_types(category, form, &a);
    if (!str_eq(a.disorder_type, disorder) || !str_eq(a.event_type, event) ||
        !str_eq(a.sub_event_type, sub))
        fail_msg("%s / %s: got %s / %s / %s, want %s / %s / %s", category ? category : "(null)",
                 form ? form : "(null)", a.disorder_type, a.event_type, a.sub_event_type, disorder,
                 event, sub);
}

static void test_categories(void **state)
{
    (void)state;
    expect("land_resource", NULL, "Political violence", "Riots", "Mob violence");
    expect("inter_group_clash", "tawuran", "Political violence", "Riots", "Mob violence");
    expect("riot_protest", "ricuh", "Demonstrations", "Riots", "Violent demonstration");
    expect("identity_religious_ethnic", "dibakar", "Political violence", "Riots", "Mob violence");
    expect("political_election", NULL, "Demonstrations", "Riots", "Violent demonstration");
    expect("separatist_armed", NULL, "Political violence", "Battles", "Armed clash");
    expect("separatist_armed", "kontak tembak", "Political violence", "Battles", "Armed clash");
    expect("vigilante", "dihakimi massa", "Political violence", "Riots", "Mob violence");
    expect("other_violence", NULL, "Political violence", "Riots", "Mob violence");
    expect("none", NULL, "Strategic developments", "Strategic developments", "Other");
    /* unknown categories count as other violence */
    expect("riot", NULL, "Political violence", "Riots", "Mob violence");
    expect(NULL, NULL, "Political violence", "Riots", "Mob violence");
}

/* The form decides between Battles and Violence against civilians for armed groups only. */
static void test_forms(void **state)
{
    (void)state;
    expect("separatist_armed", "ditembak", "Political violence", "Violence against civilians",
           "Attack");
    expect("separatist_armed", "pembakaran", "Political violence", "Violence against civilians",
           "Attack");
    expect("separatist_armed", "disandera", "Political violence", "Violence against civilians",
           "Abduction/forced disappearance");
    expect("inter_group_clash", "ditembak", "Political violence", "Riots", "Mob violence");
    expect("vigilante", "disandera", "Political violence", "Riots", "Mob violence");
    expect("separatist_armed", "Ditembak", "Political violence", "Battles", "Armed clash");
}

/* Every category has ACLED's names (one of its six event types) and an SNPK issue. */
static void test_every_category(void **state)
{
    (void)state;
    static const char *const acled_types[] = {
        "Battles", "Violence against civilians", "Explosions/Remote violence", "Protests",
        "Riots",   "Strategic developments"};
    for (int i = 0; i < EVENT_NCATEGORIES; i++) {
        struct event_acled a;
        event_acled_types(event_category_names[i], NULL, &a);
        assert_non_null(a.disorder_type);
        assert_non_null(a.sub_event_type);
        bool known = false;
        for (size_t k = 0; k < sizeof(acled_types) / sizeof(*acled_types); k++)
            known |= str_eq(a.event_type, acled_types[k]);
        assert_true(known);
        assert_int_equal(*event_snpk_issue(event_category_names[i]) == '\0', i == 0);
    }
    assert_string_equal(event_snpk_issue("land_resource"), "Sumber Daya");
    assert_string_equal(event_snpk_issue("riot_protest"), "Tata Kelola Pemerintahan");
    assert_string_equal(event_snpk_issue("political_election"), "Pemilihan dan Jabatan");
    assert_string_equal(event_snpk_issue("vigilante"), "Main Hakim Sendiri");
    assert_string_equal(event_snpk_issue("separatist_armed"), "Separatisme");
    assert_string_equal(event_snpk_issue("identity_religious_ethnic"), "Identitas");
    assert_string_equal(event_snpk_issue("bogus"), "");
    assert_string_equal(event_snpk_issue(NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_every_category),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
