/*
 * warn: which recorded events count for warnings, with which victims, and which event dates a
 * person may give (see warn.h). Kept apart from the series so that the service (alertd), the
 * risk views, the report form and the CLI apply the same rules, and so that they are tested on
 * values.
 */
#include <string.h>

#include "warn/warn.h"

const char *warn_admit_name(enum warn_admit a)
{
    static const char *const names[] = {[WARN_ADMIT_COUNTS] = "counts",
                                        [WARN_ADMIT_NO_PLACE] = "no_place",
                                        [WARN_ADMIT_NO_DATE] = "no_date",
                                        [WARN_ADMIT_REJECTED] = "rejected",
                                        [WARN_ADMIT_LOW_CONFIDENCE] = "low_confidence"};
    return (unsigned)a < WSP_ARRAY_LEN(names) ? names[a] : "?";
}

bool warn_status_verified(const char *status)
{
    return str_eq(status, "terverifikasi") || str_eq(status, "dalam_penanganan") ||
           str_eq(status, "selesai");
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* An Indonesian region code: a two-digit province, then optionally ".NN" and deeper segments.
 * Not "ID" (the nation is no place) and not a foreign or free-text place. */
static bool indonesian_code(const char *c)
{
    if (!c || !is_digit(c[0]) || !is_digit(c[1]))
        return false;
    if (c[2] == '\0')
        return true;
    return c[2] == '.' && is_digit(c[3]) && is_digit(c[4]) && (c[5] == '\0' || c[5] == '.');
}

enum warn_admit warn_record_admit(const struct warn_record *r, double lead_min_confidence,
                                  const char **key, int32_t *day)
{
    const char *k = r->regency_code && *r->regency_code ? r->regency_code : r->province_code;
    if (!k || !*k || !indonesian_code(k))
        return WARN_ADMIT_NO_PLACE;
    int32_t d;
    if (!r->event_date || warn_day_parse(r->event_date, &d) != 0)
        return WARN_ADMIT_NO_DATE;
    bool verified = warn_status_verified(r->status);
    if (!verified && !str_eq(r->status, "menunggu"))
        return WARN_ADMIT_REJECTED;
    if (!(lead_min_confidence > 0)) /* also NaN */
        lead_min_confidence = 0;
    if (lead_min_confidence > 1)
        lead_min_confidence = 1;
    /* NaN confidence fails the comparison: an unknown confidence is no confidence. */
    if (!verified && !(r->confidence >= lead_min_confidence))
        return WARN_ADMIT_LOW_CONFIDENCE;
    if (key)
        *key = k;
    if (day)
        *day = d;
    return WARN_ADMIT_COUNTS;
}

void warn_record_victims(const struct warn_record *r, long *killed, long *injured)
{
    bool reporters_word = r->from_report && !warn_status_verified(r->status);
    *killed = reporters_word ? r->text_killed : r->killed;
    *injured = reporters_word ? r->text_injured : r->injured;
    if (*killed < 0)
        *killed = -1;
    if (*injured < 0)
        *injured = -1;
}

bool warn_event_day_plausible(int32_t day, int32_t today)
{
    int32_t min;
    if (warn_day_parse(WARN_EVENT_DAY_MIN, &min) != 0)
        return false;
    return day >= min && day <= today + 1;
}
