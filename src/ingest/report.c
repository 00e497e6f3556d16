/*
 * ingest: the rules of a community (FKDM) report, pure (values in, values out): how its fields
 * become the one text the detector reads, where its lead is placed, which victims and date it
 * keeps, and the article officers read. POST /api/v1/reports (src/http/handlers_reports.c)
 * checks the request, runs the detector and stores; the decisions are here.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "auth/auth.h"
#include "events/events.h"
#include "ingest/ingest.h"
#include "warn/warn.h"

bool ingest_report_date_shaped(const char *s)
{
    if (!s || strlen(s) != 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return false;
    return true;
}

bool ingest_report_date_plausible(const char *s, const char *today)
{
    int32_t day, now;
    return s && today && warn_day_parse(s, &day) == 0 && warn_day_parse(today, &now) == 0 &&
           warn_event_day_plausible(day, now);
}

char *ingest_report_text(const struct ingest_report *r, size_t max, struct arena *a, size_t *len)
{
    struct buf b;
    buf_init(&b, max);
    buf_printf(&b, "%s.\n", r->what);
    if (r->given) {
        char chain[512];
        geo_format_chain(r->given, chain, sizeof(chain));
        buf_printf(&b, "Lokasi: %s.\n", chain);
    } else if (r->where && *r->where) {
        buf_printf(&b, "Lokasi: %s.\n", r->where);
    }
    if (r->when && *r->when)
        buf_printf(&b, "Waktu: %s.\n", r->when);
    if (r->who && *r->who)
        buf_printf(&b, "Pihak yang terlibat: %s.\n", r->who);
    if (r->text && *r->text)
        buf_printf(&b, "%s\n", r->text);
    char *out = b.oom ? NULL : arena_strndup(a, buf_cstr(&b), b.len);
    *len = out ? b.len : 0;
    buf_release(&b);
    return out;
}

/* Set the event's place to region g (province, regency and place codes from its chain). */
static void place_event(struct store_event *e, const struct geo_region *g)
{
    const struct geo_region *prov = geo_ancestor(g, GEO_PROVINCE);
    const struct geo_region *reg = geo_ancestor(g, GEO_REGENCY);
    e->province_code = prov ? prov->code : NULL;
    e->regency_code = reg ? reg->code : NULL;
    e->place_code = g->level > GEO_REGENCY ? g->code : NULL;
}

const char *ingest_report_place(const struct ingest_report *r, const struct geo_region *own,
                                struct store_event *lead)
{
    if (r->given) {
        place_event(lead, r->given);
        return "reporter";
    }
    const char *k = lead->regency_code ? lead->regency_code : lead->province_code;
    if (k && (!r->scope || !*r->scope || auth_scope_covers(r->scope, k)))
        return "text";
    /* nothing found, or a place outside the reporter's area: the report is from the
     * reporter's own region */
    if (own) {
        place_event(lead, own);
        return "reporter_scope";
    }
    lead->province_code = lead->regency_code = lead->place_code = NULL;
    return "unknown";
}

void ingest_report_lead(const struct ingest_report *r, const char *place_from, bool detector_event,
                        struct arena *a, struct store_event *lead)
{
    long text_killed = lead->killed, text_injured = lead->injured; /* the detector's reading */
    if (r->killed >= 0)
        lead->killed = r->killed;
    if (r->injured >= 0)
        lead->injured = r->injured;
    if (r->women_children)
        lead->women_children_victims = true;
    if (ingest_report_date_shaped(r->when))
        lead->event_date = r->when; /* the caller checked it is plausible */
    else if (lead->event_date && !ingest_report_date_plausible(lead->event_date, r->today))
        lead->event_date = arena_strdup(a, r->today); /* the detector's own fallback */
    lead->status = EVENT_STATUS_INITIAL;              /* a report waits for an officer */
    json_t *detail = lead->detail_json ? json_loads(lead->detail_json, 0, NULL) : NULL;
    if (!json_is_object(detail)) {
        json_decref(detail);
        detail = json_object();
    }
    json_object_set_new(detail, "source", json_string("report"));
    json_object_set_new(detail, "place_from", json_string(place_from));
    json_object_set_new(detail, "detector_is_event", json_boolean(detector_event));
    json_object_set_new(detail, "detector_killed",
                        text_killed >= 0 ? json_integer(text_killed) : json_null());
    json_object_set_new(detail, "detector_injured",
                        text_injured >= 0 ? json_integer(text_injured) : json_null());
    char *dj = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    lead->detail_json = dj ? arena_strdup(a, dj) : NULL;
    free(dj);
}

char *ingest_report_article(const struct ingest_report *r, const char *read_text, size_t max,
                            struct arena *a)
{
    struct buf b;
    buf_init(&b, max);
    buf_puts(&b, read_text ? read_text : "");
    if (r->killed >= 0 || r->injured >= 0)
        buf_puts(&b, b.len && b.data[b.len - 1] != '\n' ? "\n" : "");
    if (r->killed >= 0)
        buf_printf(&b, "Korban meninggal dunia %ld orang.\n", r->killed);
    if (r->injured >= 0)
        buf_printf(&b, "Korban luka-luka %ld orang.\n", r->injured);
    char *out = b.oom ? NULL : arena_strndup(a, buf_cstr(&b), b.len);
    buf_release(&b);
    return out;
}
