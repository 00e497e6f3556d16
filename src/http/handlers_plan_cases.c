/* Plan and control API, part 4: conflict cases.
 *
 *   GET  /api/v1/cases?region=&status=&issue=
 *   POST /api/v1/cases                        admin; provinsi/kabkota inside their scope
 *   GET|PATCH /api/v1/cases/{id}              PATCH moves the status along the case workflow
 *                                             and records a Status Keadaan Konflik (<= 90 days);
 *                                             {"proposal": "accept"|"dismiss"} decides the open
 *                                             phase proposal of the case's event
 *   POST /api/v1/cases/{id}/actions           handling action {phase, date, description, agency}
 *   PUT  /api/v1/cases/{id}/victims           counts by sex and age group, named victims (one
 *                                             with an id keeps its record and services; the
 *                                             case's victims left out are deleted)
 * Victims' personal data is served only to admin and the officers whose scope covers the
 * case's region (pusat gets the counts), each named victim with its services; every answer
 * that shows named victims is audited ("victim.read"). pusat reads cases but does not write
 * them.
 *
 * event_id must name an existing event (404) inside the case's region (403,
 * plan_case_event_in_region).
 *
 * A case opened from an event (event_id) shows that event's follow-ups (later news: arrests,
 * trials, peace) and its open phase proposal, which ingest makes when a follow-up reports a
 * reconciliation; nothing moves until an officer accepts it (plan_case_proposal_accept).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/plan_http.h"
#include "p3aks/p3aks.h"

#define J plan_jstr_or_null

static bool may_write_case(const struct http_request *rq, const char *region)
{
    if (rq->role == AUTH_ROLE_ADMIN)
        return true;
    return (rq->role == AUTH_ROLE_PROVINSI || rq->role == AUTH_ROLE_KABKOTA) &&
           auth_scope_covers(rq->user.region, region);
}

static json_t *case_json(const struct store_case *c)
{
    json_t *regions = json_array();
    for (size_t i = 0; i < c->nregions; i++)
        json_array_append_new(regions, json_string(c->regions[i]));
    json_t *skk = c->skk_start
                      ? json_pack("{s:o,s:o,s:o,s:o}", "level", J(c->skk_level), "decree",
                                  J(c->skk_decree), "start", J(c->skk_start), "end", J(c->skk_end))
                      : json_null();
    return json_pack(
        "{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)c->id,
        "title", J(c->title), "region", J(c->region_code), "regions", regions, "issue", J(c->issue),
        "parties", J(c->parties), "status", J(c->status), "origin", J(c->origin), "event_id",
        c->event_id ? json_integer(c->event_id) : json_null(), "alert_ref", J(c->alert_ref),
        "status_keadaan_konflik", skk, "public_summary", J(c->public_summary), "created_at",
        http_json_time(c->created_at), "updated_at", http_json_time(c->updated_at),
        "proposed_phase", J(c->proposed_phase));
}

/* The same shapes as the follow-ups and proposal of GET /events/{id}. */
static json_t *followup_json(const struct store_followup *f)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o}", "article_id",
                     (json_int_t)f->article_id, "date", J(f->article_date), "title", J(f->title),
                     "url", J(f->url), "source_type", J(f->source_type), "role",
                     J(f->role ? f->role : "followup"), "reconciliation", f->reconciliation, "note",
                     J(f->cue), "why", J(f->why), "added_at", http_json_time(f->added_at));
}

static json_t *proposal_json(const struct store_proposal *p)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)p->id, "phase",
                     J(p->phase), "state", J(p->state), "note", J(p->note), "proposed_by",
                     J(p->proposed_by), "created_at", http_json_time(p->created_at), "article_id",
                     p->article_id ? json_integer(p->article_id) : json_null(), "article_title",
                     J(p->article_title), "article_url", J(p->article_url));
}

/* "event_followups" and "proposal" of a case opened from an event (empty and null else). */
static int case_event_parts(struct http_request *rq, struct store *st, const struct store_case *c,
                            json_t *o)
{
    json_t *list = json_array();
    json_object_set_new(o, "event_followups", list);
    json_object_set_new(o, "proposal", json_null());
    if (!c->event_id)
        return 0;
    struct store_followup *fu;
    size_t n;
    struct store_proposal p;
    struct error err = {0};
    if (store_followup_list(st, c->event_id, &rq->arena, &fu, &n, &err) != 0)
        return http_reply_err(rq, &err);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, followup_json(&fu[i]));
    int rc = store_proposal_open(st, c->event_id, &rq->arena, &p, &err);
    if (rc == 0)
        json_object_set_new(o, "proposal", proposal_json(&p));
    else if (rc != WSP_ENOTFOUND)
        return http_reply_err(rq, &err);
    return 0;
}

void http_handle_cases_list(struct http_request *rq)
{
    const char *region = NULL;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region))
        return;
    struct store_case_query q = {.scope = plan_http_scope(rq),
                                 .region = region,
                                 .status = http_query(rq, "status"),
                                 .issue = http_query(rq, "issue")};
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_case *list;
    size_t n;
    struct error err = {0};
    if (store_case_list(st, &q, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, case_json(&list[i]));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

/* "people" of victims: the named victims with their services (http_json_service). Showing
 * them is a read of victim records: the audit row "victim.read" (the case, the victims' and
 * services' ids, no names) is written first, and without it nothing is shown. */
static int people_json(struct http_request *rq, struct store *st, int64_t case_id,
                       const struct store_victim *v, size_t nv, json_t *victims)
{
    json_t *names = json_array(), *vids = json_array(), *sids = json_array();
    json_object_set_new(victims, "people", names);
    struct error err = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < nv; i++) {
        struct store_service *sv;
        size_t ns;
        rc = store_service_list(st, v[i].id, &rq->arena, &sv, &ns, &err);
        if (rc)
            break;
        json_t *services = json_array();
        for (size_t k = 0; k < ns; k++) {
            json_array_append_new(services, http_json_service(&sv[k]));
            json_array_append_new(sids, json_integer(sv[k].id));
        }
        json_array_append_new(vids, json_integer(v[i].id));
        json_array_append_new(
            names,
            json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:b,s:o}", "id", (json_int_t)v[i].id, "name",
                      J(v[i].name), "sex", J(v[i].sex), "age",
                      v[i].age >= 0 ? json_integer(v[i].age) : json_null(), "address",
                      J(v[i].address), "condition", J(v[i].condition), "woman_or_child",
                      p3aks_victim_is_woman_or_child(v[i].sex, v[i].age), "services", services));
    }
    if (!rc && nv) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%lld", (long long)case_id);
        json_t *what = json_pack("{s:O,s:O}", "victims", vids, "services", sids);
        char *after = json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(what);
        struct store_actor actor;
        plan_http_actor(rq, &actor);
        rc = after ? store_audit_add(st, &actor, "victim.read", "case", oid, NULL, after, &err)
                   : error_set(&err, WSP_ENOMEM, "out of memory");
        free(after);
    }
    json_decref(vids);
    json_decref(sids);
    return rc ? http_reply_err(rq, &err) : 0;
}

static void reply_case(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_case c;
    struct store_case_action *acts;
    size_t na, nv = 0;
    long counts[STORE_VICTIM_GROUPS];
    struct store_victim *v = NULL;
    struct error err = {0};
    if (store_case_get(st, id, &rq->arena, &c, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    bool personal = plan_may_see_victims(rq->role, plan_http_scope(rq), c.region_code);
    if (store_case_actions(st, id, &rq->arena, &acts, &na, &err) != 0 ||
        store_case_victims_get(st, id, counts, &rq->arena, personal ? &v : NULL, &nv, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *o = case_json(&c);
    json_t *phases = json_pack("{s:[],s:[],s:[]}", "pencegahan", "penghentian", "pemulihan");
    for (size_t i = 0; i < na; i++) {
        json_t *list = json_object_get(phases, acts[i].phase);
        if (list)
            json_array_append_new(list,
                                  json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)acts[i].id,
                                            "date", J(acts[i].action_date), "description",
                                            J(acts[i].description), "agency", J(acts[i].agency)));
    }
    json_object_set_new(o, "handling", phases);
    json_t *jc = json_pack("{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I}}", "l", "anak", (json_int_t)counts[0],
                           "dewasa", (json_int_t)counts[1], "lansia", (json_int_t)counts[2], "p",
                           "anak", (json_int_t)counts[3], "dewasa", (json_int_t)counts[4], "lansia",
                           (json_int_t)counts[5]);
    long total = 0;
    for (size_t i = 0; i < STORE_VICTIM_GROUPS; i++)
        total += counts[i];
    json_t *victims = json_pack("{s:o,s:I,s:b}", "counts", jc, "total", (json_int_t)total,
                                "personal_data_visible", personal);
    json_object_set_new(o, "victims", victims);
    if (personal && people_json(rq, st, c.id, v, nv, victims)) {
        json_decref(o);
        return;
    }
    if (case_event_parts(rq, st, &c, o)) {
        json_decref(o);
        return;
    }
    http_reply_json(rq, status, json_pack("{s:o}", "case", o));
}

/* Fields of a case; c holds current values for PATCH. */
static int case_fields(struct http_request *rq, json_t *body, bool create, struct store_case *c)
{
    const char *v;
#define CF(key, field, req, max)                                                                   \
    if (plan_json_str(rq, body, key, req, max, &v))                                                \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        c->field = v;
    CF("title", title, create, 500)
    CF("issue", issue, create, 40)
    CF("parties", parties, false, 2000)
    CF("origin", origin, false, 10)
    CF("alert_ref", alert_ref, false, 100)
    CF("public_summary", public_summary, false, 4000)
    CF("status", status, false, 20)
#undef CF
    long long ev = 0;
    bool present;
    if (plan_json_int(rq, body, "event_id", false, 1, INT64_MAX, &ev, &present))
        return -1;
    if (present) {
        /* The event must exist (404) and lie in the case's region (403): a case shows its
         * event's follow-ups and proposals. */
        struct store *st = http_store(rq);
        if (!st)
            return -1;
        struct store_event e;
        struct error err = {0};
        int rc = store_event_get(st, (int64_t)ev, &rq->arena, &e, NULL, NULL, &err);
        if (rc == WSP_ENOTFOUND)
            return http_reply_error(rq, WSP_ENOTFOUND, "no event with id %lld", ev);
        if (rc != 0)
            return http_reply_err(rq, &err);
        const char *at = e.place_code     ? e.place_code
                         : e.regency_code ? e.regency_code
                                          : e.province_code;
        if (!plan_case_event_in_region(c->region_code, at))
            return http_reply_error(rq, WSP_EPERM, "event %lld is not in the case's region '%s'",
                                    ev, c->region_code);
        c->event_id = ev;
    }
    if (!plan_case_issue_valid(c->issue))
        return http_reply_error(rq, WSP_EINVAL,
                                "unknown issue '%s' (sumber_daya, tata_kelola, pemilihan_jabatan,"
                                " identitas, main_hakim_sendiri, separatisme, lainnya)",
                                c->issue ? c->issue : "");
    if (c->origin && !str_eq(c->origin, "manual") && !str_eq(c->origin, "event") &&
        !str_eq(c->origin, "alert"))
        return http_reply_error(rq, WSP_EINVAL, "unknown origin '%s' (manual, event, alert)",
                                c->origin);
    if (c->status && !plan_case_status_valid(c->status))
        return http_reply_error(rq, WSP_EINVAL,
                                "unknown status '%s' (potensi, aktif, dihentikan, pemulihan, "
                                "selesai)",
                                c->status);
    json_t *regions = json_object_get(body, "regions");
    if (regions && !json_is_null(regions)) {
        if (!json_is_array(regions) || json_array_size(regions) > 50)
            return http_reply_error(rq, WSP_EINVAL, "field 'regions' must be a list of codes");
        size_t n = json_array_size(regions);
        const char **list = arena_alloc(&rq->arena, (n ? n : 1) * sizeof(*list));
        if (!list)
            return http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        for (size_t i = 0; i < n; i++) {
            const char *code = json_string_value(json_array_get(regions, i));
            if (!code || !geo_code_valid(code) || !geo_get(rq->srv->geo, code))
                return http_reply_error(rq, WSP_EINVAL, "unknown region '%s' in 'regions'",
                                        code ? code : "");
            list[i] = code;
        }
        c->regions = list;
        c->nregions = n;
    }
    json_t *skk = json_object_get(body, "status_keadaan_konflik");
    if (skk && json_is_null(skk)) {
        c->skk_level = c->skk_decree = c->skk_start = c->skk_end = NULL;
    } else if (skk) {
        if (!json_is_object(skk))
            return http_reply_error(rq, WSP_EINVAL,
                                    "status_keadaan_konflik must be {level, decree, start, end}");
        if (plan_json_str(rq, skk, "level", true, 20, &c->skk_level) ||
            plan_json_str(rq, skk, "decree", true, 300, &c->skk_decree) ||
            plan_json_str(rq, skk, "start", true, 10, &c->skk_start) ||
            plan_json_str(rq, skk, "end", true, 10, &c->skk_end))
            return -1;
        if (!plan_skk_level_valid(c->skk_level))
            return http_reply_error(rq, WSP_EINVAL,
                                    "unknown level '%s' (kabupaten_kota, provinsi, nasional)",
                                    c->skk_level);
        struct error err = {0};
        if (plan_skk_validate(c->skk_start, c->skk_end, &err) != 0)
            return http_reply_err(rq, &err);
    }
    return 0;
}

void http_handle_case_add(struct http_request *rq)
{
    json_t *body;
    const char *region = NULL;
    if (plan_http_officer(rq) || http_request_json(rq, &body) ||
        plan_json_region(rq, body, "region", &region))
        return;
    if (!may_write_case(rq, region)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to record cases in '%s'", region);
        return;
    }
    struct store_case c = {.region_code = region};
    struct store *st = NULL;
    if (case_fields(rq, body, true, &c) || !(st = http_store(rq)))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_case_add(st, &c, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_public_cases_changed(rq->srv);
    reply_case(rq, st, MHD_HTTP_CREATED, id);
}

static int load_case(struct http_request *rq, struct store *st, bool edit, struct store_case *c)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "case", &id))
        return -1;
    struct error err = {0};
    if (store_case_get(st, id, &rq->arena, c, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, c->region_code))
        return -1;
    if (edit && !may_write_case(rq, c->region_code))
        return http_reply_error(rq, WSP_EPERM, "not allowed to change cases of '%s'",
                                c->region_code);
    return 0;
}

void http_handle_case_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_case c;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_case(rq, st, false, &c))
        return;
    reply_case(rq, st, MHD_HTTP_OK, c.id);
}

/* PATCH {"proposal": "accept"|"dismiss", "proposal_id"?, "proposal_note"?}: decide the open
 * phase proposal of the case's event. Accepting moves the case as plan_case_proposal_accept
 * says; dismissing leaves it. 409 when there is no open proposal (or not proposal_id), or the
 * case's status does not allow the move. */
static void decide_proposal(struct http_request *rq, struct store *st, const struct store_case *c,
                            json_t *body)
{
    const char *key, *decision, *note;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!str_eq(key, "proposal") && !str_eq(key, "proposal_id") &&
            !str_eq(key, "proposal_note")) {
            http_reply_error(rq, WSP_EINVAL,
                             "field '%s' cannot be changed together with a proposal decision", key);
            return;
        }
    }
    long long want = 0;
    bool present = false;
    if (plan_json_str(rq, body, "proposal", true, 10, &decision) ||
        plan_json_int(rq, body, "proposal_id", false, 1, INT64_MAX, &want, &present) ||
        plan_json_str(rq, body, "proposal_note", false, 1000, &note))
        return;
    bool accept = str_eq(decision, "accept");
    if (!accept && !str_eq(decision, "dismiss")) {
        http_reply_error(rq, WSP_EINVAL, "'proposal' must be 'accept' or 'dismiss'");
        return;
    }
    struct store_proposal p;
    struct error err = {0};
    int rc =
        c->event_id ? store_proposal_open(st, c->event_id, &rq->arena, &p, &err) : WSP_ENOTFOUND;
    if (rc == WSP_ENOTFOUND || (rc == 0 && present && p.id != (int64_t)want)) {
        http_reply_error(rq, WSP_EEXIST, "case %lld has no open proposal%s", (long long)c->id,
                         present ? " with that id" : "");
        return;
    }
    if (rc != 0) {
        http_reply_err(rq, &err);
        return;
    }
    const char *to = NULL;
    if (accept && plan_case_proposal_accept(c->status, p.phase, &to, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    if (store_case_decide_proposal(st, c->id, p.id, c->status, to, note, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_public_cases_changed(rq->srv); /* the status may have moved */
    reply_case(rq, st, MHD_HTTP_OK, c->id);
}

void http_handle_case_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_case c;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_case(rq, st, true, &c))
        return;
    if (json_object_get(body, "proposal")) {
        decide_proposal(rq, st, &c, body);
        return;
    }
    const char *old = c.status;
    if (case_fields(rq, body, false, &c))
        return;
    if (!str_eq(old, c.status) && !plan_case_transition_allowed(old, c.status)) {
        http_reply_error(rq, WSP_EEXIST, "a case cannot go from '%s' to '%s'", old, c.status);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_case_update(st, &c, old, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_public_cases_changed(rq->srv);
    reply_case(rq, st, MHD_HTTP_OK, c.id);
}

void http_handle_case_action_add(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_case c;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_case(rq, st, true, &c))
        return;
    struct store_case_action a = {.case_id = c.id};
    if (plan_json_str(rq, body, "phase", true, 20, &a.phase) ||
        plan_json_date(rq, body, "date", true, &a.action_date) ||
        plan_json_str(rq, body, "description", true, 4000, &a.description) ||
        plan_json_str(rq, body, "agency", false, 300, &a.agency))
        return;
    if (!plan_phase_valid(a.phase)) {
        http_reply_error(rq, WSP_EINVAL, "unknown phase '%s'", a.phase);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_case_action_add(st, &a, &actor, NULL, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_case(rq, st, MHD_HTTP_CREATED, c.id);
}

void http_handle_case_victims(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_case c;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_case(rq, st, true, &c))
        return;
    static const char *const sex[2] = {"l", "p"}, *const age[3] = {"anak", "dewasa", "lansia"};
    long counts[STORE_VICTIM_GROUPS] = {0};
    json_t *jc = json_object_get(body, "counts");
    if (jc && !json_is_object(jc)) {
        http_reply_error(rq, WSP_EINVAL, "counts must be {\"l\":{\"anak\":n,...},\"p\":{...}}");
        return;
    }
    for (size_t i = 0; jc && i < STORE_VICTIM_GROUPS; i++) {
        json_t *x = json_object_get(json_object_get(jc, sex[i / 3]), age[i % 3]);
        if (x &&
            (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 1000000)) {
            http_reply_error(rq, WSP_EINVAL, "counts.%s.%s must be a non-negative integer",
                             sex[i / 3], age[i % 3]);
            return;
        }
        counts[i] = x ? (long)json_integer_value(x) : 0;
    }
    json_t *people = json_object_get(body, "people");
    size_t n = json_is_array(people) ? json_array_size(people) : 0;
    if ((people && !json_is_array(people)) || n > 1000) {
        http_reply_error(rq, WSP_EINVAL, "people must be a list of at most 1000 victims");
        return;
    }
    struct store_victim *v = arena_alloc(&rq->arena, (n ? n : 1) * sizeof(*v));
    if (!v) {
        http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(people, i);
        long long a = -1, vid = 0;
        bool present;
        if (!json_is_object(p)) {
            http_reply_error(rq, WSP_EINVAL, "people[%zu] must be an object", i);
            return;
        }
        /* A victim with an id keeps its record and its services; one without is new. */
        if (plan_json_int(rq, p, "id", false, 1, INT64_MAX, &vid, NULL) ||
            plan_json_str(rq, p, "name", true, 200, &v[i].name) ||
            plan_json_str(rq, p, "sex", false, 1, &v[i].sex) ||
            plan_json_int(rq, p, "age", false, 0, 130, &a, &present) ||
            plan_json_str(rq, p, "address", false, 500, &v[i].address) ||
            plan_json_str(rq, p, "condition", false, 200, &v[i].condition))
            return;
        if (v[i].sex && !str_eq(v[i].sex, "l") && !str_eq(v[i].sex, "p")) {
            http_reply_error(rq, WSP_EINVAL, "people[%zu].sex must be 'l' or 'p'", i);
            return;
        }
        v[i].age = present ? (int)a : -1;
        v[i].id = vid;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_case_victims_set(st, c.id, counts, v, n, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_p3aks_changed(rq->srv); /* the public figures count victims */
    reply_case(rq, st, MHD_HTTP_OK, c.id);
}
