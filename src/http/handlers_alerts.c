/* Alerts, their workflow and stream, the risk views and webhook subscriptions.
 *
 * Visibility: officers (admin, pusat, provinsi, kabkota) see alerts; admin and pusat every
 * alert, provinsi and kabkota the alerts of regions inside their scope (a kabkota user of
 * 32.73 sees Kota Bandung's alerts, not Jawa Barat's or another regency's). An invisible alert
 * answers 404 like a missing one. Acknowledging and closing need the same visibility (and
 * CSRF, checked by the router). pelapor and the public see only GET /public/risk.
 *
 * Which events: the risk views list and count only events that count for warnings
 * (warn_record_admit, with the server's lead_min_confidence). An alert's events carry their
 * confidence so that the web app can hide leads below lead_min_confidence until asked.
 *
 * Belum terverifikasi: an alert resting on unverified leads alone carries "unverified": true
 * (and the mark in its explanation); it is not escalated and sends no webhook until an officer
 * verifies an event behind it ("verified_at", history "verified").
 *
 * GET /public/risk: no login; per province and regency the current level and counts of
 * verified events only (by category, with killed/injured) over 30 days. Levels come from the
 * engine's state of verified events (alertd_public_state), so an unverified lead or report
 * moves neither the public levels nor the counts. No names, texts, places below the regency
 * or single events. Built once per change of the public state (and at least every
 * PUBLIC_RISK_TTL_MS), kept plain and gzip with an ETag, served from memory (public_cache.c).
 *
 * Responses (issue 16): GET /alerts/{id} carries the approved RAD actions that answer the
 * alert (src/plan: plan_alert_suggestions_load, ranked, with their OPD and this period's
 * progress) and the responses recorded; POST /alerts/{id}/responses records one (the actions
 * activated, a note) with the same visibility as acknowledging it. An action may be any of
 * the candidates (the approved plans of the alert's region and its province), not only the
 * suggested ones: an officer may know better.
 *
 * Webhooks: admin only. The secret is shown once, when the subscription is created. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/alerts_http.h"
#include "http/http_internal.h"
#include "plan/plan.h"
#include "warn/warn.h"

#define ALERTS_LIMIT_DEFAULT 50
#define ALERTS_LIMIT_MAX 500
#define ALERT_NOTE_MAX 1000
#define RISK_DAYS 30
#define RISK_LATEST 10
#define RISK_LATEST_SCAN 200     /* newest events read to find RISK_LATEST that count */
#define RISK_LATEST_PAGE 15      /* read this many at a time */
#define PUBLIC_RISK_TTL_MS 60000 /* rebuilt at least this often, changed or not */

static bool may_see_region(const struct http_request *rq, const char *region)
{
    if (auth_role_national(rq->role))
        return true;
    return auth_role_officer(rq->role) && rq->user.region[0] && region &&
           auth_scope_covers(rq->user.region, region);
}

static int require_officer(struct http_request *rq)
{
    if (!auth_role_officer(rq->role))
        return http_reply_error(rq, WSP_EPERM,
                                "alerts are for officers (provinsi, kabkota, "
                                "pusat, admin)");
    if (!auth_role_national(rq->role) && !rq->user.region[0])
        return http_reply_error(rq, WSP_EPERM, "your account has no region scope");
    return 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? http_json_str(s) : json_null();
}

static const char *region_name(struct http_server *srv, const char *code)
{
    if (str_eq(code, WARN_NATIONAL))
        return "Indonesia";
    const struct geo_region *r = code ? geo_get(srv->geo, code) : NULL;
    return r ? r->name : NULL;
}

json_t *http_json_alert(struct http_server *srv, const struct store_alert *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "region_code", json_string(a->region_code));
    json_object_set_new(o, "region", str_or_null(region_name(srv, a->region_code)));
    json_object_set_new(o, "level", json_string(a->level));
    json_object_set_new(o, "max_level", json_string(a->max_level));
    json_object_set_new(o, "status", json_string(a->status));
    json_object_set_new(o, "open", json_boolean(a->is_open));
    json_object_set_new(o, "retracted", json_boolean(a->retracted));
    json_object_set_new(o, "first_day", json_string(a->first_day));
    json_object_set_new(o, "last_day", json_string(a->last_day));
    json_object_set_new(o, "close_day", str_or_null(a->close_day));
    json_object_set_new(o, "score", json_real(round(a->score * 1000.0) / 1000.0));
    json_object_set_new(o, "method", str_or_null(a->method));
    json_object_set_new(o, "explanation",
                        json_pack("{s:o,s:o}", "id", str_or_null(a->explanation_id), "en",
                                  str_or_null(a->explanation_en)));
    json_t *ids = a->event_ids_json ? json_loads(a->event_ids_json, 0, NULL) : NULL;
    json_object_set_new(o, "event_ids", json_is_array(ids) ? ids : json_array());
    if (ids && !json_is_array(ids))
        json_decref(ids);
    json_object_set_new(o, "escalated_to", str_or_null(a->escalated_to));
    json_object_set_new(o, "escalated_at", http_json_time(a->escalated_at));
    json_object_set_new(o, "acked_at", http_json_time(a->acked_at));
    json_object_set_new(o, "acked_by", str_or_null(a->acked_by));
    json_object_set_new(o, "closed_at", http_json_time(a->closed_at));
    json_object_set_new(o, "closed_by", str_or_null(a->closed_by));
    json_object_set_new(o, "created_at", http_json_time(a->created_at));
    json_object_set_new(o, "updated_at", http_json_time(a->updated_at));
    json_object_set_new(o, "unverified", json_boolean(a->unverified));
    json_object_set_new(o, "verified_at", http_json_time(a->verified_at));
    json_object_set_new(o, "responded_at", http_json_time(a->responded_at));
    return o;
}

static json_t *suggestion_json(const struct plan_suggestion *x, bool ranked)
{
    json_t *o = json_pack("{s:I,s:I,s:s,s:o,s:s,s:i,s:i,s:s,s:s,s:s,s:o,s:s,s:o,s:b}", "action_id",
                          (json_int_t)x->action_id, "rad_id", (json_int_t)x->rad_id, "rad_region",
                          x->rad_region, "rad_region_name", str_or_null(x->rad_region_name),
                          "plan_type", x->plan_type, "rad_year", x->rad_year, "seq", x->seq,
                          "phase", x->phase, "program", x->program, "kegiatan", x->kegiatan,
                          "focus", str_or_null(x->focus), "opd", x->opd, "instansi_terkait",
                          str_or_null(x->instansi_terkait), "p3aks", x->p3aks);
    if (ranked) {
        json_object_set_new(o, "score", json_integer(x->score));
        json_object_set_new(o, "fit", json_string(x->fit));
    }
    json_object_set_new(o, "progress",
                        json_pack("{s:s,s:b,s:o,s:o,s:o}", "period", x->period, "reported",
                                  x->reported, "physical_pct",
                                  x->reported ? json_real(x->physical_pct) : json_null(),
                                  "last_period", str_or_null(x->last_period), "last_physical_pct",
                                  x->last_period ? json_real(x->last_physical_pct) : json_null()));
    return o;
}

int http_alert_suggestions(struct store *st, const struct store_alert *a, struct arena *arena,
                           json_t *into, struct error *err)
{
    struct plan_alert_view v;
    int rc = plan_alert_suggestions_load(st, a, plan_day_of_time(time_now()), arena, &v, err);
    if (rc)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < v.n; i++)
        json_array_append_new(items, suggestion_json(&v.items[i], true));
    json_object_set_new(into, "response_phase", str_or_null(v.phase));
    json_object_set_new(into, "status_keadaan_konflik", json_boolean(v.skk));
    json_object_set_new(into, "suggested_actions", items);
    return 0;
}

static int query_text(struct http_request *rq, const char *name, size_t max, const char **out)
{
    const char *s = http_query(rq, name);
    *out = s && s[0] ? s : NULL;
    if (*out && strlen(*out) > max)
        return http_reply_error(rq, WSP_EINVAL, "'%s' is longer than %zu bytes", name, max);
    return 0;
}

static int query_long(struct http_request *rq, const char *name, long min, long max, long dflt,
                      long *out)
{
    const char *s = http_query(rq, name);
    *out = dflt;
    if (s && s[0] && str_to_long(s, min, max, out) != 0)
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be an integer in %ld..%ld", name, min,
                                max);
    return 0;
}

static bool region_ok(const char *code)
{
    return str_eq(code, WARN_NATIONAL) || geo_code_valid(code);
}

/* ---- GET /alerts ------------------------------------------------------------------------ */

void http_handle_alerts_list(struct http_request *rq)
{
    if (require_officer(rq))
        return;
    struct store_alert_query q = {.open = -1};
    long offset, limit;
    const char *open = NULL, *answered = NULL;
    int32_t day;
    if (query_long(rq, "offset", 0, 10000000, 0, &offset) ||
        query_long(rq, "limit", 1, ALERTS_LIMIT_MAX, ALERTS_LIMIT_DEFAULT, &limit) ||
        query_text(rq, "region", 31, &q.region) || query_text(rq, "level", 10, &q.min_level) ||
        query_text(rq, "status", 20, &q.status) || query_text(rq, "from", 10, &q.from) ||
        query_text(rq, "to", 10, &q.to) || query_text(rq, "open", 5, &open) ||
        query_text(rq, "answered", 5, &answered))
        return;
    if (q.region && !region_ok(q.region)) {
        http_reply_error(rq, WSP_EINVAL, "'region' is not a region code");
        return;
    }
    if (q.min_level && warn_level_parse(q.min_level) < 0) {
        http_reply_error(rq, WSP_EINVAL, "'level' must be normal, waspada, siaga or awas");
        return;
    }
    if (q.status && !store_alert_status_valid(q.status)) {
        http_reply_error(rq, WSP_EINVAL, "'status' must be baru, ditindaklanjuti or selesai");
        return;
    }
    if ((q.from && warn_day_parse(q.from, &day)) || (q.to && warn_day_parse(q.to, &day)) ||
        (q.from && strlen(q.from) != 10) || (q.to && strlen(q.to) != 10)) {
        http_reply_error(rq, WSP_EINVAL, "'from' and 'to' must be dates YYYY-MM-DD");
        return;
    }
    if (open && !str_eq(open, "true") && !str_eq(open, "false")) {
        http_reply_error(rq, WSP_EINVAL, "'open' must be true or false");
        return;
    }
    if (open)
        q.open = str_eq(open, "true") ? 1 : 0;
    if (answered && !str_eq(answered, "true") && !str_eq(answered, "false")) {
        http_reply_error(rq, WSP_EINVAL, "'answered' must be true or false");
        return;
    }
    if (answered)
        q.answered = str_eq(answered, "true") ? 1 : 2;
    if (!auth_role_national(rq->role))
        q.scope = rq->user.region;
    q.offset = (size_t)offset;
    q.limit = (size_t)limit;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_alert *rows;
    size_t n, total;
    struct error err = {0};
    if (store_alert_list(st, &q, &rq->arena, &rows, &n, &total, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, http_json_alert(rq->srv, &rows[i]));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
                              "offset", (json_int_t)offset, "limit", (json_int_t)limit));
}

void http_handle_alerts_stream(struct http_request *rq)
{
    if (require_officer(rq))
        return;
    http_alerts_stream(rq);
}

/* ---- GET /alerts/{id} ------------------------------------------------------------------- */

static int load_alert(struct http_request *rq, struct store *st, struct store_alert *a)
{
    long id;
    if (str_to_long(rq->params[0], 1, LONG_MAX, &id) != 0)
        return http_reply_error(rq, WSP_EINVAL, "alert id must be a positive integer");
    struct error err = {0};
    int rc = store_alert_get(st, (int64_t)id, &rq->arena, a, &err);
    if (rc == WSP_ENOTFOUND || (rc == 0 && !may_see_region(rq, a->region_code)))
        return http_reply_error(rq, WSP_ENOTFOUND, "no alert with id %ld", id);
    if (rc)
        return http_reply_err(rq, &err);
    return 0;
}

static json_t *alert_full(struct http_request *rq, struct store *st, const struct store_alert *a)
{
    json_t *o = http_json_alert(rq->srv, a);
    struct store_alert_history *h;
    size_t n;
    struct error err = {0};
    json_t *hist = json_array();
    if (store_alert_history_list(st, a->id, &rq->arena, &h, &n, &err) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                hist, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "kind", h[i].kind, "at",
                                http_json_time(h[i].at), "level", str_or_null(h[i].level), "day",
                                str_or_null(h[i].day), "note", str_or_null(h[i].note), "by",
                                str_or_null(h[i].username)));
    json_object_set_new(o, "history", hist);
    /* The driving events, as far as the caller may see them. */
    json_t *events = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "event_ids"), i, v)
    {
        struct store_event e;
        if (store_event_get(st, json_integer_value(v), &rq->arena, &e, NULL, NULL, &err) != 0)
            continue;
        const char *key = e.regency_code ? e.regency_code : e.province_code;
        if (!may_see_region(rq, key))
            continue;
        json_array_append_new(
            events, json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:f}", "id", (json_int_t)e.id,
                              "category", e.category, "status", e.status, "event_date",
                              str_or_null(e.event_date), "region_code", str_or_null(key), "region",
                              str_or_null(region_name(rq->srv, key)), "killed",
                              e.killed < 0 ? json_null() : json_integer(e.killed), "injured",
                              e.injured < 0 ? json_null() : json_integer(e.injured), "confidence",
                              round(e.confidence * 1000.0) / 1000.0));
    }
    json_object_set_new(o, "events", events);
    if (http_alert_suggestions(st, a, &rq->arena, o, &err) != 0) {
        LOG_W("http", "suggested actions of alert %" PRId64 ": %s", a->id, err.msg);
        json_object_set_new(o, "suggested_actions", json_array());
    }
    struct store_alert_response *r;
    size_t nr;
    json_t *resp = json_array();
    if (store_alert_responses(st, a->id, &rq->arena, &r, &nr, &err) == 0)
        for (size_t k = 0; k < nr; k++) {
            json_t *acts = json_array();
            for (size_t j = 0; j < r[k].nactions; j++)
                json_array_append_new(acts, json_pack("{s:o,s:s,s:s,s:s}", "action_id",
                                                      r[k].actions[j].action_id
                                                          ? json_integer(r[k].actions[j].action_id)
                                                          : json_null(),
                                                      "phase", r[k].actions[j].phase, "kegiatan",
                                                      r[k].actions[j].kegiatan, "opd",
                                                      r[k].actions[j].opd));
            json_array_append_new(
                resp, json_pack("{s:I,s:o,s:s,s:o,s:o}", "id", (json_int_t)r[k].id, "note",
                                str_or_null(r[k].note), "by", r[k].username, "at",
                                http_json_time(r[k].created_at), "actions", acts));
        }
    json_object_set_new(o, "responses", resp);
    return o;
}

void http_handle_alert_get(struct http_request *rq)
{
    if (require_officer(rq))
        return;
    struct store *st = http_store(rq);
    struct store_alert a;
    if (!st || load_alert(rq, st, &a))
        return;
    http_reply_json(rq, MHD_HTTP_OK, alert_full(rq, st, &a));
}

/* ---- POST /alerts/{id}/ack, /close ------------------------------------------------------- */

static void workflow(struct http_request *rq, bool close)
{
    if (require_officer(rq))
        return;
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!str_eq(key, "note")) {
            http_reply_error(rq, WSP_EINVAL, "unknown field '%s': send {\"note\"}", key);
            return;
        }
    }
    struct error err = {0};
    const char *note;
    if (http_json_string(body, "note", false, ALERT_NOTE_MAX, &note, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    struct store *st = http_store(rq);
    struct store_alert a;
    if (!st || load_alert(rq, st, &a))
        return;
    struct store_actor actor;
    http_actor(rq, &actor);
    int rc = close ? store_alert_close(st, a.id, note, &actor, &err)
                   : store_alert_ack(st, a.id, note, &actor, &err);
    if (rc != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (load_alert(rq, st, &a))
        return;
    http_alerts_publish(rq->srv, st, close ? "close" : "ack", &a);
    http_reply_json(rq, MHD_HTTP_OK, alert_full(rq, st, &a));
}

void http_handle_alert_ack(struct http_request *rq)
{
    workflow(rq, false);
}

void http_handle_alert_close(struct http_request *rq)
{
    workflow(rq, true);
}

/* ---- POST /alerts/{id}/responses ---------------------------------------------------------- */

#define RESPONSE_ACTIONS_MAX 100

void http_handle_alert_response(struct http_request *rq)
{
    if (require_officer(rq))
        return;
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!str_eq(key, "note") && !str_eq(key, "action_ids")) {
            http_reply_error(rq, WSP_EINVAL,
                             "unknown field '%s': send {\"action_ids\": [...], \"note\"}", key);
            return;
        }
    }
    struct error err = {0};
    const char *note;
    if (http_json_string(body, "note", false, ALERT_NOTE_MAX, &note, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *ids = json_object_get(body, "action_ids");
    if (ids && !json_is_array(ids)) {
        http_reply_error(rq, WSP_EINVAL, "'action_ids' must be an array of action ids");
        return;
    }
    size_t nids = json_array_size(ids);
    if (nids > RESPONSE_ACTIONS_MAX) {
        http_reply_error(rq, WSP_EINVAL, "at most %d actions in one response",
                         RESPONSE_ACTIONS_MAX);
        return;
    }
    if (nids == 0 && (!note || !*note)) {
        http_reply_error(rq, WSP_EINVAL, "a response names the actions activated or has a note");
        return;
    }
    struct store *st = http_store(rq);
    struct store_alert a;
    if (!st || load_alert(rq, st, &a))
        return;
    /* The actions a response may name: the candidates of the alert's plans. */
    struct plan_alert_view pv;
    if (plan_alert_suggestions_load(st, &a, plan_day_of_time(time_now()), &rq->arena, &pv, &err) !=
        0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_alert_response r = {.alert_id = a.id, .note = note, .nactions = nids};
    r.actions = arena_alloc(&rq->arena, (nids ? nids : 1) * sizeof(*r.actions));
    if (!r.actions) {
        http_reply_error(rq, WSP_ENOMEM, "response too large");
        return;
    }
    for (size_t i = 0; i < nids; i++) {
        json_t *x = json_array_get(ids, i);
        const struct plan_suggestion *found = NULL;
        for (size_t k = 0; json_is_integer(x) && k < pv.nall && !found; k++)
            if (pv.all[k].action_id == json_integer_value(x))
                found = &pv.all[k];
        if (!found) {
            if (json_is_integer(x))
                http_reply_error(rq, WSP_EINVAL,
                                 "action %" JSON_INTEGER_FORMAT
                                 " is not an action of an approved plan of %s or its province",
                                 json_integer_value(x), a.region_code);
            else
                http_reply_error(rq, WSP_EINVAL, "'action_ids' must hold action ids");
            return;
        }
        r.actions[i] = (struct store_alert_response_action){found->action_id, found->phase,
                                                            found->kegiatan, found->opd};
    }
    struct store_actor actor;
    http_actor(rq, &actor);
    int64_t id;
    if (store_alert_response_add(st, a.id, &r, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (load_alert(rq, st, &a))
        return;
    http_alerts_publish(rq->srv, st, "response", &a);
    json_t *o = alert_full(rq, st, &a);
    json_object_set_new(o, "response_id", json_integer(id));
    http_reply_json(rq, MHD_HTTP_CREATED, o);
}

/* ---- GET /risk -------------------------------------------------------------------------- */

/* Is code a direct child of parent in the engine's tree (nation > province > regency)? */
static bool child_of(const char *parent, const char *code)
{
    if (str_eq(code, WARN_NATIONAL) || str_eq(code, parent))
        return false;
    if (str_eq(parent, WARN_NATIONAL))
        return !strchr(code, '.');
    return warn_geo_of(parent) == WARN_GEO_PROVINCE && auth_scope_covers(parent, code);
}

static void risk_region(const struct warn_state *ws, const char *code, int32_t today,
                        enum warn_level *level, double *weight, long *events, json_t *trend)
{
    *level = WARN_NORMAL;
    *weight = 0;
    *events = 0;
    for (int32_t d = today - RISK_DAYS + 1; d <= today; d++) {
        struct warn_day_info info;
        memset(&info, 0, sizeof(info));
        info.day = d;
        bool known = warn_state_day(ws, code, d, &info) == 0;
        if (known) {
            *weight += info.weight;
            *events += info.events;
            if (d == today)
                *level = info.level;
        }
        if (trend) {
            char ds[16];
            warn_day_format(d, ds, sizeof(ds));
            json_array_append_new(
                trend,
                json_pack("{s:s,s:i,s:i,s:i,s:f,s:s}", "day", ds, "events", known ? info.events : 0,
                          "killed", known ? info.killed : 0, "injured", known ? info.injured : 0,
                          "weight", known ? round(info.weight * 1000.0) / 1000.0 : 0.0, "level",
                          warn_level_name(known ? info.level : WARN_NORMAL)));
        }
    }
}

void http_handle_risk(struct http_request *rq)
{
    if (require_officer(rq))
        return;
    const char *region;
    if (query_text(rq, "region", 31, &region))
        return;
    if (!region)
        region = auth_role_national(rq->role) ? WARN_NATIONAL : rq->user.region;
    if (!region_ok(region)) {
        http_reply_error(rq, WSP_EINVAL, "'region' is not a region code");
        return;
    }
    if (!may_see_region(rq, region) ||
        (str_eq(region, WARN_NATIONAL) && !auth_role_national(rq->role))) {
        http_reply_error(rq, WSP_EPERM, "region '%s' is outside your scope", region);
        return;
    }
    char code[WARN_CODE_MAX];
    str_copy(code, region, sizeof(code));
    if (warn_geo_of(code) == WARN_GEO_REGENCY) { /* districts and villages: their regency */
        char *dot = strchr(code, '.');
        if (dot && (dot = strchr(dot + 1, '.')))
            *dot = '\0';
    }
    int32_t today = (int32_t)(time_now() / 86400);
    json_t *trend = json_array(), *children = json_array();
    enum warn_level level;
    double weight;
    long events;
    const struct warn_state *ws = http_alerts_lock(rq->srv);
    if (!ws) {
        json_decref(trend);
        json_decref(children);
        http_reply_error(rq, WSP_EBUSY, "early warning is unavailable");
        return;
    }
    risk_region(ws, code, today, &level, &weight, &events, trend);
    for (size_t i = 0;; i++) {
        const char *c = warn_state_region_at(ws, i);
        if (!c)
            break;
        if (!child_of(code, c))
            continue;
        enum warn_level cl;
        double cw;
        long ce;
        risk_region(ws, c, today, &cl, &cw, &ce, NULL);
        json_array_append_new(children,
                              json_pack("{s:s,s:o,s:s,s:I,s:f}", "region_code", c, "region",
                                        str_or_null(region_name(rq->srv, c)), "level",
                                        warn_level_name(cl), "events_30d", (json_int_t)ce,
                                        "weight_30d", round(cw * 1000.0) / 1000.0));
    }
    http_alerts_unlock(rq->srv);

    struct store *st = http_store(rq);
    if (!st) {
        json_decref(trend);
        json_decref(children);
        return;
    }
    struct error err = {0};
    struct store_alert_query aq = {.region = str_eq(code, WARN_NATIONAL) ? NULL : code,
                                   .scope = auth_role_national(rq->role) ? NULL : rq->user.region,
                                   .open = 1,
                                   .limit = 50};
    struct store_alert *al;
    size_t na;
    json_t *alerts = json_array();
    if (store_alert_list(st, &aq, &rq->arena, &al, &na, NULL, &err) == 0)
        for (size_t i = 0; i < na; i++)
            json_array_append_new(alerts, http_json_alert(rq->srv, &al[i]));
    /* The newest events that count, read a page at a time (leads below the confidence floor
     * are left out by the query; rejected and undated ones by warn_record_admit). */
    struct store_event_query eq = {.region = str_eq(code, WARN_NATIONAL) ? NULL : code,
                                   .scope = auth_role_national(rq->role) ? NULL : rq->user.region,
                                   .min_confidence = rq->srv->cfg.lead_min_confidence,
                                   .limit = RISK_LATEST_PAGE,
                                   .no_total = true};
    json_t *latest = json_array();
    for (size_t scanned = 0; scanned < RISK_LATEST_SCAN && json_array_size(latest) < RISK_LATEST;) {
        struct store_event_page page;
        if (store_event_page(st, &eq, &rq->arena, &page, &err) != 0 || page.n == 0)
            break;
        const struct store_event *ev = page.rows;
        for (size_t i = 0; i < page.n && json_array_size(latest) < RISK_LATEST; i++) {
            struct warn_record wr = {.province_code = ev[i].province_code,
                                     .regency_code = ev[i].regency_code,
                                     .event_date = ev[i].event_date,
                                     .status = ev[i].status,
                                     .confidence = ev[i].confidence};
            const char *key;
            if (warn_record_admit(&wr, rq->srv->cfg.lead_min_confidence, &key, NULL) !=
                WARN_ADMIT_COUNTS)
                continue;
            json_array_append_new(
                latest,
                json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)ev[i].id,
                          "category", ev[i].category, "status", ev[i].status, "event_date",
                          str_or_null(ev[i].event_date), "region_code", str_or_null(key), "region",
                          str_or_null(region_name(rq->srv, key)), "killed",
                          ev[i].killed < 0 ? json_null() : json_integer(ev[i].killed), "injured",
                          ev[i].injured < 0 ? json_null() : json_integer(ev[i].injured)));
        }
        scanned += page.n;
        if (!page.more)
            break;
        const struct store_event *last = &ev[page.n - 1];
        eq.after = (struct store_event_after){.id = last->id, .date = last->event_date};
    }
    char ds[16];
    warn_day_format(today, ds, sizeof(ds));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:s,s:o,s:s,s:s,s:I,s:f,s:o,s:o,s:o,s:o}", "region_code", code,
                              "region", str_or_null(region_name(rq->srv, code)), "day", ds, "level",
                              warn_level_name(level), "events_30d", (json_int_t)events,
                              "weight_30d", round(weight * 1000.0) / 1000.0, "trend", trend,
                              "open_alerts", alerts, "regions", children, "latest_events", latest));
}

/* ---- GET /public/risk ------------------------------------------------------------------- */

static json_t *public_row(json_t *map, struct http_server *srv, const char *code)
{
    json_t *o = json_object_get(map, code);
    if (o)
        return o;
    o = json_pack("{s:s,s:o,s:s,s:i,s:i,s:i,s:{}}", "region_code", code, "region",
                  str_or_null(region_name(srv, code)), "level", "normal", "verified_events", 0,
                  "killed", 0, "injured", 0, "by_category");
    json_object_set_new(map, code, o);
    return o;
}

static void add_int(json_t *o, const char *key, long v)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + v));
}

struct public_counts {
    struct http_server *srv;
    json_t *prov, *reg;
};

/* One region and category of verified events: into its province's row and, for a regency,
 * its own. */
static void public_count(void *ud, const struct warn_count *c)
{
    struct public_counts *pc = ud;
    char pcode[4];
    str_copy(pcode, c->region, sizeof(pcode));
    char *dot = strchr(pcode, '.');
    if (dot)
        *dot = '\0';
    json_t *rows[2] = {public_row(pc->prov, pc->srv, pcode),
                       strchr(c->region, '.') ? public_row(pc->reg, pc->srv, c->region) : NULL};
    for (int k = 0; k < 2; k++) {
        if (!rows[k])
            continue;
        add_int(rows[k], "verified_events", c->events);
        add_int(rows[k], "killed", c->killed);
        add_int(rows[k], "injured", c->injured);
        add_int(json_object_get(rows[k], "by_category"), c->category, c->events);
    }
}

/* The public document from the public engine state, levels and counts alike: verified
 * events only, from memory, no database (public_cache.c stamps generated_at and serves it
 * until *version moves). NULL after replying an error. */
static json_t *public_risk_build(struct http_request *rq, uint64_t *version)
{
    int32_t today = (int32_t)(time_now() / 86400);
    char from[16], to[16];
    warn_day_format(today - RISK_DAYS + 1, from, sizeof(from));
    warn_day_format(today, to, sizeof(to));
    json_t *prov = json_object(), *reg = json_object();
    enum warn_level national_level = WARN_NORMAL;
    const struct warn_state *ws = http_alerts_lock_public(rq->srv, version);
    if (!ws) {
        json_decref(prov);
        json_decref(reg);
        http_reply_error(rq, WSP_EBUSY, "early warning is unavailable");
        return NULL;
    }
    for (size_t i = 0;; i++) {
        const char *c = warn_state_region_at(ws, i);
        if (!c)
            break;
        struct warn_day_info info;
        if (warn_state_day(ws, c, today, &info) != 0)
            continue;
        if (str_eq(c, WARN_NATIONAL)) {
            national_level = info.level;
            continue;
        }
        if (info.level == WARN_NORMAL)
            continue;
        json_t *row = public_row(strchr(c, '.') ? reg : prov, rq->srv, c);
        json_object_set_new(row, "level", json_string(warn_level_name(info.level)));
    }
    struct public_counts pc = {rq->srv, prov, reg};
    warn_state_counts(ws, today - RISK_DAYS + 1, today, public_count, &pc);
    http_alerts_unlock(rq->srv);

    json_t *plist = json_array(), *rlist = json_array();
    const char *k;
    json_t *v;
    /* Braced bodies: cppcheck does not see jansson.h and reads an unbraced body as an
     * unknown macro. */
    json_object_foreach(prov, k, v)
    {
        json_array_append(plist, v);
    }
    json_object_foreach(reg, k, v)
    {
        json_array_append(rlist, v);
    }
    json_decref(prov);
    json_decref(reg);
    return json_pack("{s:s,s:s,s:i,s:s,s:o,s:o,s:s}", "from", from, "to", to, "window_days",
                     RISK_DAYS, "national_level", warn_level_name(national_level), "provinces",
                     plist, "regencies", rlist, "note",
                     "levels from the early-warning engine over verified events only; counts of "
                     "verified events only, by category");
}

const struct http_public_doc http_public_risk_doc = {
    .name = "public risk",
    .version = http_alerts_public_version,
    .build = public_risk_build,
    .cache_control = HTTP_PUBLIC_CACHE_CONTROL,
    .ttl_ms = PUBLIC_RISK_TTL_MS,
    .stamp = true,
};

void http_handle_public_risk(struct http_request *rq)
{
    http_public_reply(rq, &rq->srv->public_risk);
}

/* ---- webhooks --------------------------------------------------------------------------- */

static int require_admin(struct http_request *rq)
{
    if (rq->role != AUTH_ROLE_ADMIN)
        return http_reply_error(rq, WSP_EPERM, "webhooks are managed by admins");
    return 0;
}

static json_t *webhook_json(const struct store_webhook *w)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:o}", "id", (json_int_t)w->id, "url", w->url,
                     "region_prefix", w->region_prefix, "min_level", w->min_level, "active",
                     w->active, "created_by", str_or_null(w->created_by), "created_at",
                     http_json_time(w->created_at));
}

void http_handle_webhooks_list(struct http_request *rq)
{
    if (require_admin(rq))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_webhook *w;
    size_t n;
    struct error err = {0};
    if (store_webhook_list(st, false, &rq->arena, &w, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, webhook_json(&w[i]));
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "items", items));
}

void http_handle_webhooks_add(struct http_request *rq)
{
    if (require_admin(rq))
        return;
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!str_eq(key, "url") && !str_eq(key, "secret") && !str_eq(key, "region_prefix") &&
            !str_eq(key, "min_level")) {
            http_reply_error(rq, WSP_EINVAL,
                             "unknown field '%s': send {\"url\", \"secret\", \"region_prefix\", "
                             "\"min_level\"}",
                             key);
            return;
        }
    }
    struct error err = {0};
    struct store_webhook w = {0};
    if (http_json_string(body, "url", true, 2000, &w.url, &err) ||
        http_json_string(body, "secret", false, 200, &w.secret, &err) ||
        http_json_string(body, "region_prefix", false, 31, &w.region_prefix, &err) ||
        http_json_string(body, "min_level", false, 10, &w.min_level, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (w.region_prefix && w.region_prefix[0] && !geo_code_valid(w.region_prefix)) {
        http_reply_error(rq, WSP_EINVAL, "'region_prefix' is not a region code");
        return;
    }
    char secret[65];
    if (!w.secret || !w.secret[0]) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(secret, sizeof(secret), raw, sizeof(raw));
        w.secret = secret;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_actor actor;
    http_actor(rq, &actor);
    int64_t id;
    if (store_webhook_add(st, &w, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_webhook got;
    if (store_webhook_get(st, id, &rq->arena, &got, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *o = webhook_json(&got);
    json_object_set_new(o, "secret", json_string(got.secret));
    http_reply_json(rq, MHD_HTTP_CREATED, o);
}

static int webhook_id(struct http_request *rq, int64_t *id)
{
    long v;
    if (str_to_long(rq->params[0], 1, LONG_MAX, &v) != 0)
        return http_reply_error(rq, WSP_EINVAL, "webhook id must be a positive integer");
    *id = v;
    return 0;
}

void http_handle_webhook_delete(struct http_request *rq)
{
    int64_t id = 0;
    if (require_admin(rq) || webhook_id(rq, &id))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_actor actor;
    http_actor(rq, &actor);
    struct error err = {0};
    if (store_webhook_remove(st, id, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:I,s:b}", "id", (json_int_t)id, "active", 0));
}

void http_handle_webhook_deliveries(struct http_request *rq)
{
    int64_t id = 0;
    long limit;
    if (require_admin(rq) || webhook_id(rq, &id) || query_long(rq, "limit", 1, 1000, 100, &limit))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct error err = {0};
    struct store_webhook w;
    if (store_webhook_get(st, id, &rq->arena, &w, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_delivery *d;
    size_t n;
    if (store_delivery_list(st, id, (size_t)limit, &rq->arena, &d, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, json_pack("{s:I,s:o,s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)d[i].id,
                             "alert_id", d[i].alert_id ? json_integer(d[i].alert_id) : json_null(),
                             "event", d[i].event, "state", d[i].state, "attempts", d[i].attempt,
                             "status_code",
                             d[i].status_code ? json_integer(d[i].status_code) : json_null(),
                             "error", str_or_null(d[i].error), "next_attempt_at",
                             http_json_time(d[i].next_attempt_at), "delivered_at",
                             http_json_time(d[i].delivered_at), "created_at",
                             http_json_time(d[i].created_at)));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:o,s:o}", "webhook", webhook_json(&w), "items", items));
}
