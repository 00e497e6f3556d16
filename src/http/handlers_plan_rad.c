/* Plan and control API, part 2: regional action plans (RAD), their actions, Pokja, workflow,
 * version history and the per-OPD view.
 *
 *   GET  /api/v1/rad?region=&year=&type=&status=       plans in reach
 *   POST /api/v1/rad                                   {region, year, type, title}: own region
 *   GET|PATCH /api/v1/rad/{id}                         plan with actions and Pokja; title
 *   POST /api/v1/rad/{id}/submit                       own region: draft|dikembalikan -> diajukan
 *   POST /api/v1/rad/{id}/return {notes}               pusat, admin: diajukan -> dikembalikan
 *   POST /api/v1/rad/{id}/approve {notes?}             pusat, admin: diajukan -> disetujui
 *   GET  /api/v1/rad/{id}/versions[/{version}]         history, snapshot of one version
 *   POST /api/v1/rad/{id}/actions, PATCH|DELETE /api/v1/actions/{id}
 *   POST /api/v1/rad/{id}/pokja, DELETE /api/v1/rad/{id}/pokja/{member}
 *   GET  /api/v1/opd?region=&year=                     what each agency owes across the plans
 * Content changes only while a plan is draft or dikembalikan (409 otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/plan_http.h"

#define J plan_jstr_or_null

static json_t *rad_json(const struct store_rad *r)
{
    return json_pack("{s:I,s:o,s:i,s:o,s:o,s:o,s:o,s:i,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:b}", "id",
                     (json_int_t)r->id, "region", J(r->region_code), "year", r->year, "type",
                     J(r->plan_type), "title", J(r->title), "status", J(r->status), "review_notes",
                     J(r->review_notes), "version", r->version, "submitted_at",
                     http_json_time(r->submitted_at), "reviewed_at", http_json_time(r->reviewed_at),
                     "reviewed_by", J(r->reviewed_by), "actions", (json_int_t)r->nactions,
                     "anggaran", (json_int_t)r->anggaran, "created_at",
                     http_json_time(r->created_at), "updated_at", http_json_time(r->updated_at),
                     "editable", plan_rad_editable(r->status));
}

static json_t *action_json(const struct store_rad_action *a)
{
    json_t *cases = json_array();
    for (size_t i = 0; i < a->ncases; i++)
        json_array_append_new(cases, json_integer(a->case_ids[i]));
    json_t *targets = a->targets_json ? json_loads(a->targets_json, 0, NULL) : NULL;
    return json_pack("{s:I,s:I,s:i,s:o,s:o,s:o,s:o,s:f,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:b,s:o,s:o,"
                     "s:o}",
                     "id", (json_int_t)a->id, "rad_id", (json_int_t)a->rad_id, "seq", a->seq,
                     "phase", J(a->phase), "program", J(a->program), "kegiatan", J(a->kegiatan),
                     "indikator", J(a->indikator), "target", a->target, "unit", J(a->unit),
                     "targets", targets ? targets : json_null(), "anggaran",
                     (json_int_t)a->anggaran, "sumber_dana", J(a->sumber_dana), "opd", J(a->opd),
                     "instansi_terkait", J(a->instansi_terkait), "focus", J(a->focus), "p3aks",
                     a->p3aks, "start_date", J(a->start_date), "end_date", J(a->end_date), "cases",
                     cases);
}

static void reply_rad(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_rad r;
    struct store_rad_action *acts;
    struct store_pokja *pk;
    size_t na, np;
    struct error err = {0};
    if (store_rad_get(st, id, &rq->arena, &r, &err) != 0 ||
        store_rad_actions(st, id, &rq->arena, &acts, &na, &err) != 0 ||
        store_pokja_list(st, id, &rq->arena, &pk, &np, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *o = rad_json(&r);
    json_t *ja = json_array(), *jp = json_array();
    for (size_t i = 0; i < na; i++)
        json_array_append_new(ja, action_json(&acts[i]));
    for (size_t i = 0; i < np; i++)
        json_array_append_new(jp, json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)pk[i].id, "name",
                                            J(pk[i].name), "agency", J(pk[i].agency), "role",
                                            J(pk[i].role)));
    json_object_set_new(o, "action_list", ja);
    json_object_set_new(o, "pokja", jp);
    http_reply_json(rq, status, json_pack("{s:o}", "rad", o));
}

static int load_rad(struct http_request *rq, struct store *st, size_t idx, bool edit,
                    struct store_rad *r)
{
    int64_t id = 0;
    if (plan_http_id(rq, idx, "plan", &id))
        return -1;
    struct error err = {0};
    if (store_rad_get(st, id, &rq->arena, r, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, r->region_code))
        return -1;
    return edit ? plan_http_may_edit(rq, r->region_code) : 0;
}

void http_handle_rad_list(struct http_request *rq)
{
    const char *region = NULL;
    int year = 0;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region) ||
        plan_http_year(rq, false, &year))
        return;
    struct store_rad_query q = {.scope = plan_http_scope(rq),
                                .region = region,
                                .year = year,
                                .plan_type = http_query(rq, "type"),
                                .status = http_query(rq, "status")};
    if (q.plan_type && !plan_type_valid(q.plan_type)) {
        http_reply_error(rq, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)", q.plan_type);
        return;
    }
    if (q.status && !plan_rad_status_valid(q.status)) {
        http_reply_error(rq, WSP_EINVAL, "unknown plan status '%s'", q.status);
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_rad *list;
    size_t n;
    struct error err = {0};
    if (store_rad_list(st, &q, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, rad_json(&list[i]));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

void http_handle_rad_add(struct http_request *rq)
{
    json_t *body;
    const char *region, *type, *title;
    long long year = 0;
    if (plan_http_officer(rq) || http_request_json(rq, &body) ||
        plan_json_region(rq, body, "region", &region) ||
        plan_json_int(rq, body, "year", true, 2000, 2100, &year, NULL) ||
        plan_json_str(rq, body, "type", true, 8, &type) ||
        plan_json_str(rq, body, "title", true, 300, &title))
        return;
    if (!plan_type_valid(type)) {
        http_reply_error(rq, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)", type);
        return;
    }
    if (plan_http_may_edit(rq, region))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_rad r = {
        .region_code = region, .year = (int)year, .plan_type = type, .title = title};
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_rad_create(st, &r, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_rad(rq, st, MHD_HTTP_CREATED, id);
}

void http_handle_rad_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_rad(rq, st, 0, false, &r))
        return;
    reply_rad(rq, st, MHD_HTTP_OK, r.id);
}

void http_handle_rad_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    json_t *body;
    const char *title;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_rad(rq, st, 0, true, &r) || plan_json_str(rq, body, "title", true, 300, &title))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_rad_set_title(st, r.id, title, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_rad(rq, st, MHD_HTTP_OK, r.id);
}

static void rad_workflow(struct http_request *rq, enum plan_rad_action action)
{
    static const char *const names[] = {"submit", "return", "approve"};
    struct store *st = NULL;
    struct store_rad r;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_rad(rq, st, 0, false, &r))
        return;
    const char *notes = NULL;
    if (rq->body.len > 0) {
        json_t *body;
        if (http_request_json(rq, &body) || plan_json_str(rq, body, "notes", false, 4000, &notes))
            return;
    }
    const char *to;
    struct error err = {0};
    if (plan_rad_transition(action, r.status, rq->role, plan_http_scope(rq), r.region_code, notes,
                            &to, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    if (store_rad_set_status(st, r.id, r.status, to, names[action], notes, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_rad(rq, st, MHD_HTTP_OK, r.id);
}

void http_handle_rad_submit(struct http_request *rq)
{
    rad_workflow(rq, PLAN_RAD_SUBMIT);
}

void http_handle_rad_return(struct http_request *rq)
{
    rad_workflow(rq, PLAN_RAD_RETURN);
}

void http_handle_rad_approve(struct http_request *rq)
{
    rad_workflow(rq, PLAN_RAD_APPROVE);
}

void http_handle_rad_versions(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_rad(rq, st, 0, false, &r))
        return;
    struct store_rad_version *v;
    size_t n;
    struct error err = {0};
    if (store_rad_versions(st, r.id, &rq->arena, &v, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:i,s:o,s:o,s:o,s:o,s:o}", "version", v[i].version,
                                               "status", J(v[i].status), "change", J(v[i].change),
                                               "note", J(v[i].note), "username", J(v[i].username),
                                               "at", http_json_time(v[i].at)));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

void http_handle_rad_version(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    long ver;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_rad(rq, st, 0, false, &r))
        return;
    if (str_to_long(rq->params[1], 1, INT32_MAX, &ver) != 0) {
        http_reply_error(rq, WSP_EINVAL, "version must be a positive integer");
        return;
    }
    struct store_rad_version v;
    struct error err = {0};
    if (store_rad_version_get(st, r.id, (int)ver, &rq->arena, &v, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *snap = json_loads(v.snapshot_json, 0, NULL);
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "version", v.version, "status",
                              J(v.status), "change", J(v.change), "note", J(v.note), "username",
                              J(v.username), "at", http_json_time(v.at), "snapshot",
                              snap ? snap : json_null()));
}

/* ---- actions ---------------------------------------------------------------------------- */

/* Fields of an action from a body (create: required ones must be there). */
static int action_fields(struct http_request *rq, json_t *body, bool create,
                         struct store_rad_action *a)
{
    const char *v;
#define AF(key, field, req, max)                                                                   \
    if (plan_json_str(rq, body, key, req, max, &v))                                                \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        a->field = v;
    AF("phase", phase, create, 20)
    AF("program", program, create, 500)
    AF("kegiatan", kegiatan, create, 1000)
    AF("indikator", indikator, false, 1000)
    AF("unit", unit, false, 100)
    AF("sumber_dana", sumber_dana, false, 200)
    AF("opd", opd, create, 300)
    AF("instansi_terkait", instansi_terkait, false, 1000)
    AF("focus", focus, false, 40)
#undef AF
    if (plan_json_date(rq, body, "start_date", false, &v))
        return -1;
    if (v || json_object_get(body, "start_date"))
        a->start_date = v;
    if (plan_json_date(rq, body, "end_date", false, &v))
        return -1;
    if (v || json_object_get(body, "end_date"))
        a->end_date = v;
    long long ang = 0;
    bool present;
    if (plan_json_int(rq, body, "anggaran", false, 0, 1000000000000000LL, &ang, &present))
        return -1;
    if (present)
        a->anggaran = ang;
    if (plan_json_num(rq, body, "target", false, 0, 1e12, &a->target, NULL) ||
        plan_json_bool(rq, body, "p3aks", &a->p3aks, NULL))
        return -1;
    if (!plan_phase_valid(a->phase))
        return http_reply_error(rq, WSP_EINVAL,
                                "unknown phase '%s' (pencegahan, penghentian, pemulihan)",
                                a->phase ? a->phase : "");
    if (a->focus && !plan_focus_valid(a->focus))
        return http_reply_error(rq, WSP_EINVAL,
                                "unknown focus '%s' (konflik_faktual, potensi_konflik or a "
                                "lower-case theme)",
                                a->focus);
    json_t *targets = json_object_get(body, "targets");
    if (targets && !json_is_null(targets)) {
        if (!json_is_object(targets))
            return http_reply_error(rq, WSP_EINVAL, "field 'targets' must be an object");
        const char *k;
        json_t *x;
        json_object_foreach(targets, k, x)
        {
            if (strlen(k) > 8 || !json_is_number(x) || json_number_value(x) < 0)
                return http_reply_error(rq, WSP_EINVAL,
                                        "targets: '%s' must be a period code with a number", k);
        }
        char *s = json_dumps(targets, JSON_COMPACT | JSON_SORT_KEYS);
        a->targets_json = s ? arena_strdup(&rq->arena, s) : NULL;
        free(s);
    } else if (targets) {
        a->targets_json = NULL;
    }
    json_t *cases = json_object_get(body, "cases");
    if (cases && !json_is_null(cases)) {
        if (!json_is_array(cases) || json_array_size(cases) > 100)
            return http_reply_error(rq, WSP_EINVAL, "field 'cases' must be a list of case ids");
        size_t n = json_array_size(cases);
        int64_t *ids = arena_alloc(&rq->arena, (n ? n : 1) * sizeof(*ids));
        if (!ids)
            return http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        for (size_t i = 0; i < n; i++) {
            json_t *x = json_array_get(cases, i);
            if (!json_is_integer(x) || json_integer_value(x) <= 0)
                return http_reply_error(rq, WSP_EINVAL, "field 'cases' must hold case ids");
            ids[i] = json_integer_value(x);
        }
        a->case_ids = ids;
        a->ncases = n;
    }
    return 0;
}

/* Cases named in the body's "cases" must be ones the caller may read (403 otherwise, as for
 * any object out of reach): an action must not cite, or probe for, another region's cases.
 * Unknown ids are left to the store (400). */
static int check_cases(struct http_request *rq, struct store *st, json_t *body,
                       const struct store_rad_action *a)
{
    json_t *cases = json_object_get(body, "cases");
    if (!cases || json_is_null(cases))
        return 0;
    for (size_t i = 0; i < a->ncases; i++) {
        struct store_case c;
        struct error err = {0};
        int rc = store_case_get(st, a->case_ids[i], &rq->arena, &c, &err);
        if (rc == WSP_ENOTFOUND)
            continue;
        if (rc)
            return http_reply_err(rq, &err);
        if (!plan_may_read(rq->role, plan_http_scope(rq), c.region_code))
            return http_reply_error(rq, WSP_EPERM, "case %lld is outside your scope",
                                    (long long)a->case_ids[i]);
    }
    return 0;
}

void http_handle_rad_action_add(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_rad(rq, st, 0, true, &r))
        return;
    struct store_rad_action a = {0};
    if (action_fields(rq, body, true, &a) || check_cases(rq, st, body, &a))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_rad_action_add(st, r.id, &a, &actor, &id, &err) != 0 ||
        store_rad_action_get(st, id, &rq->arena, &a, NULL, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_CREATED, json_pack("{s:o}", "action", action_json(&a)));
}

static int load_action(struct http_request *rq, struct store *st, struct store_rad_action *a,
                       struct store_rad *r)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "action", &id))
        return -1;
    struct error err = {0};
    if (store_rad_action_get(st, id, &rq->arena, a, r, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, r->region_code))
        return -1;
    return 0;
}

void http_handle_action_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    struct store_rad_action a;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_action(rq, st, &a, &r) || plan_http_may_edit(rq, r.region_code) ||
        action_fields(rq, body, false, &a) || check_cases(rq, st, body, &a))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_rad_action_update(st, &a, &actor, &err) != 0 ||
        store_rad_action_get(st, a.id, &rq->arena, &a, NULL, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "action", action_json(&a)));
}

void http_handle_action_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    struct store_rad_action a;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_action(rq, st, &a, &r) ||
        plan_http_may_edit(rq, r.region_code))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_rad_action_delete(st, a.id, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b}", "deleted", 1));
}

void http_handle_pokja_add(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_rad(rq, st, 0, true, &r))
        return;
    struct store_pokja p = {.rad_id = r.id};
    if (plan_json_str(rq, body, "name", true, 200, &p.name) ||
        plan_json_str(rq, body, "agency", false, 200, &p.agency) ||
        plan_json_str(rq, body, "role", false, 100, &p.role))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_pokja_add(st, &p, &actor, NULL, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_rad(rq, st, MHD_HTTP_CREATED, r.id);
}

void http_handle_pokja_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_rad r;
    int64_t pid = 0;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_rad(rq, st, 0, true, &r) ||
        plan_http_id(rq, 1, "pokja member", &pid))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_pokja_delete(st, r.id, pid, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_rad(rq, st, MHD_HTTP_OK, r.id);
}

/* ---- per-OPD view ----------------------------------------------------------------------- */

/* Agencies named in instansi_terkait, split on ',' and ';'. Calls fn for each trimmed name. */
static bool names_contain(const char *list, const char *name)
{
    if (!list)
        return false;
    size_t n = strlen(name);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == ';')
            p++;
        size_t len = strcspn(p, ",;");
        size_t t = len;
        while (t > 0 && p[t - 1] == ' ')
            t--;
        if (t == n && strncmp(p, name, n) == 0)
            return true;
        p += len;
    }
    return false;
}

void http_handle_opd(struct http_request *rq)
{
    const char *region = NULL;
    int year = 0;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region) ||
        plan_http_year(rq, true, &year))
        return;
    if (!region) {
        http_reply_error(rq, WSP_EINVAL, "missing query parameter 'region'");
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_opd_action *rows;
    size_t n;
    struct error err = {0};
    if (store_opd_actions(st, region, year, &rq->arena, &rows, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    /* One entry per lead agency (rows come ordered by OPD), with the actions it leads and the
     * actions of other agencies it supports (named in instansi_terkait). */
    json_t *items = json_array();
    for (size_t i = 0; i < n;) {
        const char *opd = rows[i].action.opd;
        json_t *lead = json_array(), *support = json_array();
        long long total = 0, realized = 0;
        size_t j = i;
        for (; j < n && str_eq(rows[j].action.opd, opd); j++) {
            json_t *a = action_json(&rows[j].action);
            json_object_set_new(a, "plan_type", J(rows[j].plan_type));
            json_object_set_new(a, "plan_status", J(rows[j].plan_status));
            json_object_set_new(a, "last_period", J(rows[j].last_period));
            json_object_set_new(a, "last_physical_pct",
                                rows[j].last_period ? json_real(rows[j].last_physical_pct)
                                                    : json_null());
            json_object_set_new(a, "budget_realized", json_integer(rows[j].budget_realized));
            json_array_append_new(lead, a);
            total += rows[j].action.anggaran;
            realized += rows[j].budget_realized;
        }
        for (size_t k = 0; k < n; k++)
            if (!str_eq(rows[k].action.opd, opd) &&
                names_contain(rows[k].action.instansi_terkait, opd))
                json_array_append_new(
                    support, json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)rows[k].action.id,
                                       "kegiatan", J(rows[k].action.kegiatan), "lead_opd",
                                       J(rows[k].action.opd), "plan_type", J(rows[k].plan_type)));
        json_array_append_new(items,
                              json_pack("{s:o,s:I,s:I,s:I,s:o,s:o}", "opd", J(opd), "actions",
                                        (json_int_t)(j - i), "anggaran", total, "budget_realized",
                                        realized, "lead", lead, "supporting", support));
        i = j;
    }
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:s,s:i,s:I,s:o}", "region", region, "year", year, "total",
                              (json_int_t)json_array_size(items), "items", items));
}
