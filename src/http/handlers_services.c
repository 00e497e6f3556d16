/* The services of a named victim (P3AKS, issue 14):
 *
 *   GET   /api/v1/victims/{id}/services   the victim's needs and services, oldest first
 *   POST  /api/v1/victims/{id}/services   a need {type, needed_on?, provider?, note?}
 *   PATCH /api/v1/services/{id}           a step {status, day, refusal_reason?} and/or
 *                                         {provider, note}
 *
 * Like the victims' personal data on a case: admin and the provinsi/kabkota officers whose
 * scope covers the case's region (plan_may_see_victims), for reading and writing. pusat,
 * pelapor and the others get 403 before anything is looked up; an officer outside the case's
 * region gets 403 as for the case itself (GET /cases/{id}). Every read writes an audit row
 * "victim.read" (who, when, the victim and service ids; no names) before the answer leaves.
 * The rules of a service are src/p3aks's; days are checked against today in UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/plan_http.h"
#include "p3aks/p3aks.h"

#define J plan_jstr_or_null

json_t *http_json_service(const struct store_service *sv)
{
    const char *next = p3aks_service_next(sv->status);
    bool refusable = p3aks_service_transition_allowed(sv->status, "ditolak");
    return json_pack(
        "{s:I,s:I,s:o,s:{s:o,s:o},s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o}", "id",
        (json_int_t)sv->id, "victim_id", (json_int_t)sv->victim_id, "type", J(sv->type),
        "type_label", "id", J(p3aks_service_type_label(sv->type, false)), "en",
        J(p3aks_service_type_label(sv->type, true)), "status", J(sv->status), "provider",
        J(sv->provider && *sv->provider ? sv->provider : NULL), "needed_on", J(sv->needed_on),
        "referred_on", J(sv->referred_on), "received_on", J(sv->received_on), "completed_on",
        J(sv->completed_on), "refused_on", J(sv->refused_on), "refusal_reason",
        J(sv->refusal_reason), "note", J(sv->note), "next_status", J(next), "may_refuse", refusable,
        "created_by", J(sv->created_by), "created_at", http_json_time(sv->created_at), "updated_at",
        http_json_time(sv->updated_at));
}

/* 0 when the caller may see victims' personal data at all (403 otherwise). */
static int victims_role(struct http_request *rq)
{
    if (rq->role == AUTH_ROLE_ADMIN || rq->role == AUTH_ROLE_PROVINSI ||
        rq->role == AUTH_ROLE_KABKOTA)
        return 0;
    return http_reply_error(rq, WSP_EPERM,
                            "victims' services are for admin and the officers of the case's "
                            "region only");
}

/* The case of victim_id, which the caller must be allowed to see the victims of. */
static int victim_case(struct http_request *rq, struct store *st, int64_t victim_id,
                       struct store_case *c)
{
    int64_t case_id = 0;
    struct error err = {0};
    if (store_victim_case(st, victim_id, &case_id, &err) != 0 ||
        store_case_get(st, case_id, &rq->arena, c, &err) != 0)
        return http_reply_err(rq, &err);
    if (!plan_may_see_victims(rq->role, plan_http_scope(rq), c->region_code))
        return http_reply_error(rq, WSP_EPERM, "victim %lld is outside your scope",
                                (long long)victim_id);
    return 0;
}

static int64_t today_days(void)
{
    return plan_day_of_time(time_now());
}

void http_handle_victim_services(struct http_request *rq)
{
    struct store *st = NULL;
    int64_t vid = 0;
    struct store_case c;
    if (victims_role(rq) || plan_http_id(rq, 0, "victim", &vid) || !(st = http_store(rq)) ||
        victim_case(rq, st, vid, &c))
        return;
    struct store_service *list;
    size_t n;
    struct error err = {0};
    if (store_service_list(st, vid, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array(), *ids = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(items, http_json_service(&list[i]));
        json_array_append_new(ids, json_integer(list[i].id));
    }
    /* The read is on the record before the answer leaves. */
    char oid[24];
    snprintf(oid, sizeof(oid), "%lld", (long long)vid);
    json_t *what = json_pack("{s:I,s:o}", "case_id", (json_int_t)c.id, "services", ids);
    char *after = json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(what);
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    int rc = after ? store_audit_add(st, &actor, "victim.read", "victim", oid, NULL, after, &err)
                   : error_set(&err, WSP_ENOMEM, "out of memory");
    free(after);
    if (rc != 0) {
        json_decref(items);
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:I,s:I,s:o}", "victim_id", (json_int_t)vid, "case_id",
                              (json_int_t)c.id, "total", (json_int_t)n, "items", items));
}

/* Reply with service id as it now is. */
static void reply_service(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_service sv;
    struct error err = {0};
    if (store_service_get(st, id, &rq->arena, &sv, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, status, json_pack("{s:o}", "service", http_json_service(&sv)));
}

static void to_rules(const struct store_service *sv, struct p3aks_service *r)
{
    *r = (struct p3aks_service){.type = sv->type,
                                .status = sv->status,
                                .provider = sv->provider,
                                .needed_on = sv->needed_on,
                                .referred_on = sv->referred_on,
                                .received_on = sv->received_on,
                                .completed_on = sv->completed_on,
                                .refused_on = sv->refused_on,
                                .refusal_reason = sv->refusal_reason,
                                .note = sv->note};
}

void http_handle_victim_service_add(struct http_request *rq)
{
    struct store *st = NULL;
    int64_t vid = 0;
    struct store_case c;
    json_t *body;
    if (victims_role(rq) || plan_http_id(rq, 0, "victim", &vid) || http_request_json(rq, &body) ||
        !(st = http_store(rq)) || victim_case(rq, st, vid, &c))
        return;
    struct store_service sv = {.victim_id = vid};
    const char *status = NULL;
    if (plan_json_str(rq, body, "type", true, 40, &sv.type) ||
        plan_json_str(rq, body, "status", false, 20, &status) ||
        plan_json_date(rq, body, "needed_on", false, &sv.needed_on) ||
        plan_json_str(rq, body, "provider", false, P3AKS_PROVIDER_MAX, &sv.provider) ||
        plan_json_str(rq, body, "note", false, P3AKS_NOTE_MAX, &sv.note))
        return;
    if (status && !str_eq(status, P3AKS_SERVICE_INITIAL)) {
        http_reply_error(rq, WSP_EINVAL,
                         "a new service starts as 'dibutuhkan'; move it on with PATCH "
                         "/api/v1/services/{id}");
        return;
    }
    char day[16];
    if (!sv.needed_on) {
        plan_date_format(today_days(), day, sizeof(day));
        sv.needed_on = day;
    }
    sv.status = P3AKS_SERVICE_INITIAL;
    struct p3aks_service r;
    to_rules(&sv, &r);
    struct error err = {0};
    if (p3aks_service_check(&r, today_days(), &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    int64_t id = 0;
    if (store_service_add(st, &sv, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_p3aks_changed(rq->srv); /* the public figures count services */
    reply_service(rq, st, MHD_HTTP_CREATED, id);
}

/* A key of the body that PATCH knows. */
static bool patch_key(const char *key)
{
    static const char *const keys[] = {"status", "day", "refusal_reason", "provider", "note"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(keys); i++)
        if (str_eq(key, keys[i]))
            return true;
    return false;
}

void http_handle_service_patch(struct http_request *rq)
{
    struct store *st = NULL;
    int64_t id = 0;
    json_t *body;
    if (victims_role(rq) || plan_http_id(rq, 0, "service", &id) || http_request_json(rq, &body) ||
        !(st = http_store(rq)))
        return;
    struct store_service old;
    struct store_case c;
    struct error err = {0};
    if (store_service_get(st, id, &rq->arena, &old, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (victim_case(rq, st, old.victim_id, &c))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!patch_key(key)) {
            http_reply_error(rq, WSP_EINVAL,
                             "unknown field '%s' (status, day, refusal_reason, provider, note)",
                             key);
            return;
        }
    }
    struct p3aks_service_change ch = {.set_provider = json_object_get(body, "provider") != NULL,
                                      .set_note = json_object_get(body, "note") != NULL};
    if (plan_json_str(rq, body, "status", false, 20, &ch.status) ||
        plan_json_date(rq, body, "day", false, &ch.day) ||
        plan_json_str(rq, body, "refusal_reason", false, P3AKS_REASON_MAX, &ch.refusal_reason) ||
        plan_json_str(rq, body, "provider", false, P3AKS_PROVIDER_MAX, &ch.provider) ||
        plan_json_str(rq, body, "note", false, P3AKS_NOTE_MAX, &ch.note))
        return;
    struct p3aks_service before, after;
    to_rules(&old, &before);
    if (p3aks_service_apply(id, &before, &ch, today_days(), &after, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_service sv = old;
    sv.status = after.status;
    sv.provider = after.provider;
    sv.referred_on = after.referred_on;
    sv.received_on = after.received_on;
    sv.completed_on = after.completed_on;
    sv.refused_on = after.refused_on;
    sv.refusal_reason = after.refusal_reason;
    sv.note = after.note;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    if (store_service_update(st, &sv, old.status, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_p3aks_changed(rq->srv);
    reply_service(rq, st, MHD_HTTP_OK, id);
}
