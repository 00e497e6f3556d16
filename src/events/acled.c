/* events: the crosswalk from our categories (and the form of the violence) to ACLED's
 * disorder, event and sub-event types, and to SNPK's issues (events.h). A pure table;
 * docs/export.md says why each row is what it is and what the mapping loses. */
#include <string.h>

#include "events/events.h"

/* By category, in event_category_names' order. ACLED codes collective violence without
 * organised armed groups (brawls between villages, clashes over land, attacks by a crowd on a
 * place of worship, mob justice) as Riots / Mob violence, a crowd's violence at a demonstration
 * or an election office as Riots / Violent demonstration, and fighting of an armed group with
 * the security forces as Battles / Armed clash. */
static const struct {
    const char *snpk;
    struct event_acled acled;
} by_category[EVENT_NCATEGORIES] = {
    {"", {"Strategic developments", "Strategic developments", "Other"}}, /* none */
    {"Sumber Daya", {"Political violence", "Riots", "Mob violence"}},    /* land */
    {"Identitas", {"Political violence", "Riots", "Mob violence"}},      /* clash */
    {"Tata Kelola Pemerintahan", {"Demonstrations", "Riots", "Violent demonstration"}},
    {"Identitas", {"Political violence", "Riots", "Mob violence"}}, /* identity */
    {"Pemilihan dan Jabatan", {"Demonstrations", "Riots", "Violent demonstration"}},
    {"Separatisme", {"Political violence", "Battles", "Armed clash"}},       /* separatist */
    {"Main Hakim Sendiri", {"Political violence", "Riots", "Mob violence"}}, /* vigilante */
    {"Kekerasan lainnya", {"Political violence", "Riots", "Mob violence"}},  /* other */
};

/* Forms (the detector's strongest violence cue, detail "form") that tell a one-sided attack
 * or an abduction by an armed group from a fight: only for separatist_armed, where ACLED
 * tells Battles from Violence against civilians; a crowd's attack stays a riot. */
static const struct {
    const char *form;
    struct event_acled acled;
} armed_forms[] = {
    {"ditembak", {"Political violence", "Violence against civilians", "Attack"}},
    {"penembakan", {"Political violence", "Violence against civilians", "Attack"}},
    {"tertembak", {"Political violence", "Violence against civilians", "Attack"}},
    {"dibacok", {"Political violence", "Violence against civilians", "Attack"}},
    {"pembacokan", {"Political violence", "Violence against civilians", "Attack"}},
    {"dibakar", {"Political violence", "Violence against civilians", "Attack"}},
    {"pembakaran", {"Political violence", "Violence against civilians", "Attack"}},
    {"dipanah", {"Political violence", "Violence against civilians", "Attack"}},
    {"dianiaya", {"Political violence", "Violence against civilians", "Attack"}},
    {"disandera",
     {"Political violence", "Violence against civilians", "Abduction/forced disappearance"}},
};

void event_acled_types(const char *category, const char *form, struct event_acled *out)
{
    int c = event_category_index(category);
    if (c < 0)
        c = event_category_index("other_violence");
    *out = by_category[c].acled;
    if (!form || !str_eq(category, "separatist_armed"))
        return;
    for (size_t i = 0; i < WSP_ARRAY_LEN(armed_forms); i++)
        if (str_eq(form, armed_forms[i].form)) {
            *out = armed_forms[i].acled;
            return;
        }
}

const char *event_snpk_issue(const char *category)
{
    int c = event_category_index(category);
    return c < 0 ? "" : by_category[c].snpk;
}
