/* POST /api/v1/reports: a community (FKDM) report becomes an event lead. This file checks the
 * request and stores; the rules below (text, place, victims, date, article) are the pure
 * functions of src/ingest/report.c.
 *
 * Body: {"what" (required), "where" (a region code, or free text), "when" (YYYY-MM-DD or free
 * text such as "kemarin malam"), "who", "killed", "injured", "women_children", "text",
 * "anonymous"}. Any logged-in role may report (pelapor and above), inside its scope.
 *
 * The structured fields are composed into one text that runs through the same extractor as
 * news (text -> detect). A community report is always a lead: it becomes a new event with
 * status "menunggu" even when the detector is unsure (its confidence is the detector's; its
 * category "none" when the detector saw no event). Place: a region code in "where" wins (403
 * when outside the reporter's scope); else the place the detector found, when inside the
 * scope; else the reporter's own region. A date given in "when" wins over the extracted one
 * and must lie in 1945-01-01..tomorrow (warn_event_day_plausible; 400 otherwise), and so must
 * an extracted one (else the detector's fallback, today).
 *
 * Victims. The detector reads the report without the typed "killed"/"injured" fields, so
 * its numbers are what the report's words say; the event stores the reporter's typed numbers
 * (officers check them when they verify) and detail_json keeps the detector's
 * (detector_killed, detector_injured; null when it read none). Until the event is verified
 * the warning engine counts the detector's (warn_record_victims): one person's number alone
 * raises no hard rule. The typed numbers stay in the article text for the officers.
 *
 * Identity: the article (the composed text) and the event know nothing of the reporter; the
 * reports table does (see handlers_events.c for who may see it). The article title is generic
 * so that nothing the reporter wrote shows in source lists. The same text sent again by the
 * same reporter (a retry, a resend by a gateway) answers 200 with the first report's ids; sent
 * again with "anonymous": true it makes the first report anonymous. The audit rows of an
 * anonymous report name nobody: no username, no user id, no address (rate limits keep their
 * own counters). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/http_internal.h"
#include "ingest/ingest.h"
#include "warn/warn.h"

#define REPORT_FIELD_MAX 500
#define REPORT_TEXT_MAX 20000
#define REPORT_COUNT_MAX 100000

static int optional_count(struct http_request *rq, json_t *body, const char *key, long *out)
{
    json_t *v = json_object_get(body, key);
    *out = -1;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > REPORT_COUNT_MAX)
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be a whole number 0..%d", key,
                                REPORT_COUNT_MAX);
    *out = (long)json_integer_value(v);
    return 0;
}

static int optional_bool(struct http_request *rq, json_t *body, const char *key, bool *out)
{
    json_t *v = json_object_get(body, key);
    *out = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int http_report_submit(struct http_request *rq, const struct http_report_in *in,
                       struct http_report_out *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    const struct store_user *user = in->user;
    const char *what = in->what, *where = in->where, *when = in->when, *who = in->who,
               *text = in->text;
    long killed = in->killed, injured = in->injured;
    bool wc = in->women_children, anonymous = in->anonymous;
    if (!what || !what[0])
        return error_set(err, WSP_EINVAL, "'what' must say what happened");
    if (!auth_role_national(in->role) && !user->region[0])
        return error_set(err, WSP_EPERM, "your account has no region scope");
    char today[32];
    time_format_iso(time_now(), today, sizeof(today));
    today[10] = '\0';
    if (ingest_report_date_shaped(when) && !ingest_report_date_plausible(when, today))
        return error_set(err, WSP_EINVAL, "'when' must be a date from %s to tomorrow",
                         WARN_EVENT_DAY_MIN);

    /* A region code in "where" wins, and must be inside the reporter's scope. */
    const struct geo_region *given = NULL;
    if (where && geo_code_valid(where)) {
        given = geo_get(rq->srv->geo, where);
        if (!given)
            return error_set(err, WSP_EINVAL, "unknown region '%s'", where);
        if (!auth_may_write(in->role, user->region, given->code))
            return error_set(err, WSP_EPERM, "region '%s' is outside your scope '%s'", given->code,
                             user->region);
    }
    const struct detect_model *model = http_detect_model(rq);
    if (!model)
        return error_set(err, WSP_EBUSY, "event detection is unavailable"); /* replied */
    struct store *st = http_store(rq);
    if (!st)
        return error_set(err, WSP_EBUSY, "the database is unavailable"); /* replied */

    struct ingest_report report = {.what = what,
                                   .where = where,
                                   .when = when,
                                   .who = who,
                                   .text = text,
                                   .killed = killed,
                                   .injured = injured,
                                   .women_children = wc,
                                   .given = given,
                                   .scope = auth_role_national(in->role) ? "" : user->region,
                                   .today = today};
    size_t composed_len;
    char *composed =
        ingest_report_text(&report, (size_t)REPORT_TEXT_MAX * 2, &rq->arena, &composed_len);
    if (!composed)
        return error_set(err, WSP_ETOOBIG, "report is too long");

    struct detect_worker *w = detect_worker_new(model);
    if (!w)
        return error_set(err, WSP_ENOMEM, "cannot start event detection");
    struct detect_article article_in = {.id = "report",
                                        .title = what,
                                        .text = composed,
                                        .text_len = composed_len,
                                        .published = today};
    struct detect_event ev;
    memset(&ev, 0, sizeof(ev));
    int rc = detect_article(w, &article_in, &rq->arena, &ev, err);
    detect_worker_free(w);
    if (rc != 0)
        return rc;

    struct store_event lead;
    ingest_event_from_detect(&ev, &rq->arena, &lead);
    const struct geo_region *own = user->region[0] ? geo_get(rq->srv->geo, user->region) : NULL;
    const char *place_from = ingest_report_place(&report, own, &lead);
    ingest_report_lead(&report, place_from, ev.is_conflict_event, &rq->arena, &lead);

    json_t *fields =
        json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:b}", "what", what, "where", http_json_str(where),
                  "when", http_json_str(when), "who", http_json_str(who), "killed",
                  killed >= 0 ? json_integer(killed) : json_null(), "injured",
                  injured >= 0 ? json_integer(injured) : json_null(), "women_children", wc);
    if (in->extra_fields) /* the intake's channel, medium and message id */
        json_object_update(fields, in->extra_fields);
    char *fj = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(fields);
    const struct geo_region *title_region =
        lead.regency_code    ? geo_get(rq->srv->geo, lead.regency_code)
        : lead.province_code ? geo_get(rq->srv->geo, lead.province_code)
                             : NULL;
    char title[256];
    snprintf(title, sizeof(title), "Laporan masyarakat%s%s", title_region ? ", " : "",
             title_region ? title_region->name : "");
    /* The article: what the detector read, then the typed numbers for the officers. */
    char *article_body = ingest_report_article(&report, ev.body && *ev.body ? ev.body : composed,
                                               (size_t)REPORT_TEXT_MAX * 3, &rq->arena);
    if (!article_body) {
        free(fj);
        return error_set(err, WSP_ENOMEM, "request arena exhausted");
    }
    struct store_article a = {
        .source_type = "report", .title = title, .body = article_body, .published = today};
    struct store_report rep = {.reporter_user_id = user->id,
                               .anonymous = anonymous,
                               .region_code = given ? given->code : NULL,
                               .fields_json = fj};
    struct store_actor actor = *in->actor;
    if (anonymous) /* the audit log keeps no name, no id and no address of the reporter */
        actor = (struct store_actor){0, "anonymous", NULL};
    /* With a hook, the report and what the caller records of it are one transaction. */
    rc = in->in_tx ? store_begin(st, err) : 0;
    if (!rc)
        rc = store_report_create(st, &a, &rep, &lead, &actor, &out->report_id, &out->event_id,
                                 &out->existed, err);
    if (in->in_tx) {
        if (!rc)
            rc = in->in_tx(st, out, in->ud, err);
        if (!rc)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    free(fj);
    if (rc != 0)
        return rc;
    out->category = lead.category ? arena_strdup(&rq->arena, lead.category) : "none";
    out->confidence = lead.confidence;
    http_alerts_kick(rq->srv); /* early warning sees the new lead at once */
    return 0;
}

void http_handle_reports_add(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    static const char *const known[] = {"what",    "where",          "when", "who",      "killed",
                                        "injured", "women_children", "text", "anonymous"};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < WSP_ARRAY_LEN(known); i++)
            ok |= str_eq(key, known[i]);
        if (!ok) {
            http_reply_error(rq, WSP_EINVAL, "unknown field '%s'", key);
            return;
        }
    }
    struct error err = {0};
    const char *what, *where, *when, *who, *text;
    long killed, injured;
    bool wc, anonymous;
    if (http_json_string(body, "what", true, REPORT_FIELD_MAX, &what, &err) ||
        http_json_string(body, "where", false, REPORT_FIELD_MAX, &where, &err) ||
        http_json_string(body, "when", false, 100, &when, &err) ||
        http_json_string(body, "who", false, REPORT_FIELD_MAX, &who, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    /* The free text may have line breaks, which http_json_string refuses. */
    json_t *jt = json_object_get(body, "text");
    text = NULL;
    if (jt && !json_is_null(jt)) {
        if (!json_is_string(jt) || json_string_length(jt) > REPORT_TEXT_MAX ||
            strlen(json_string_value(jt)) != json_string_length(jt)) {
            http_reply_error(rq, WSP_EINVAL, "'text' must be a string of at most %d bytes",
                             REPORT_TEXT_MAX);
            return;
        }
        text = json_string_value(jt);
    }
    if (optional_count(rq, body, "killed", &killed) ||
        optional_count(rq, body, "injured", &injured) ||
        optional_bool(rq, body, "women_children", &wc) ||
        optional_bool(rq, body, "anonymous", &anonymous))
        return;
    struct store_actor actor;
    http_actor(rq, &actor);
    struct http_report_in in = {.user = &rq->user,
                                .role = rq->role,
                                .actor = &actor,
                                .what = what,
                                .where = where,
                                .when = when,
                                .who = who,
                                .text = text,
                                .killed = killed,
                                .injured = injured,
                                .women_children = wc,
                                .anonymous = anonymous};
    struct http_report_out out;
    if (http_report_submit(rq, &in, &out, &err) != 0) {
        if (!rq->replied)
            http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, out.existed ? MHD_HTTP_OK : MHD_HTTP_CREATED,
                    json_pack("{s:I,s:I,s:s,s:s,s:f,s:b}", "report_id", (json_int_t)out.report_id,
                              "event_id", (json_int_t)out.event_id, "status", "menunggu",
                              "category", out.category, "confidence", out.confidence, "duplicate",
                              out.existed));
}
