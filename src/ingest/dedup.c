/*
 * ingest: the near-duplicate rule, which decides whether a new conflict event is one more
 * report of an event already stored. Pure: values in, a decision out (the store only finds the
 * candidates: same province or both unplaced, dates within merge_days).
 */
#include "ingest/ingest.h"

static bool regencies_agree(const struct store_event *a, const struct store_event *b)
{
    return !a->regency_code || !b->regency_code || str_eq(a->regency_code, b->regency_code);
}

static bool categories_agree(const struct store_event *a, const struct store_event *b)
{
    return str_eq(a->category, b->category) || str_eq(a->category, "none") ||
           str_eq(b->category, "none");
}

bool ingest_same_event(const struct store_event *cand, int dist, const struct store_event *e,
                       int near_bits)
{
    if (!regencies_agree(cand, e) || !categories_agree(cand, e))
        return false;
    if (e->has_simhash && dist <= near_bits)
        return true;
    int64_t a, b;
    return cand->regency_code && e->regency_code && str_eq(cand->category, e->category) &&
           cand->event_date && e->event_date && time_parse_iso(cand->event_date, &a) == 0 &&
           time_parse_iso(e->event_date, &b) == 0 && (a > b ? a - b : b - a) <= 86400; /* a day */
}
