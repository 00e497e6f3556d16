/* Plan and control API, part 1: shared helpers, the reporting calendar, the Timdu registry and
 * forums.
 *
 *   GET  /api/v1/calendar                     every plan type's reporting calendar
 *   PUT  /api/v1/calendar/{type}              admin, pusat: period type, deadline, grace days
 *   GET  /api/v1/timdu?region=                Timdu decrees in reach (no contact data)
 *   POST /api/v1/timdu                        the region's officers, admin
 *   GET|PATCH|DELETE /api/v1/timdu/{id}       members' phone/e-mail only for officers of
 *                                             exactly that region, pusat and admin
 *   POST /api/v1/timdu/{id}/members, DELETE /api/v1/timdu/{id}/members/{member}
 *   GET  /api/v1/forums?region=, POST /api/v1/forums, GET|PATCH|DELETE /api/v1/forums/{id}
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/plan_http.h"

/* ---- helpers ---------------------------------------------------------------------------- */

int plan_http_officer(struct http_request *rq)
{
    if (auth_role_officer(rq->role))
        return 0;
    return http_reply_error(rq, WSP_EPERM, "plan data is for government officers only");
}

const char *plan_http_scope(const struct http_request *rq)
{
    return rq->user.region;
}

int plan_http_id(struct http_request *rq, size_t idx, const char *what, int64_t *out)
{
    long id;
    if (idx >= rq->nparams || str_to_long(rq->params[idx], 1, INT32_MAX, &id) != 0)
        return http_reply_error(rq, WSP_EINVAL, "%s id must be a positive integer", what);
    *out = id;
    return 0;
}

int plan_http_may_read(struct http_request *rq, const char *region)
{
    if (plan_may_read(rq->role, plan_http_scope(rq), region))
        return 0;
    return http_reply_error(rq, WSP_EPERM, "region '%s' is outside your scope", region);
}

int plan_http_may_edit(struct http_request *rq, const char *region)
{
    if (plan_may_edit(rq->role, plan_http_scope(rq), region))
        return 0;
    return http_reply_error(rq, WSP_EPERM, "only the officers of region '%s' may change this",
                            region);
}

int plan_http_region_filter(struct http_request *rq, const char **out)
{
    *out = http_query(rq, "region");
    if (!*out || !**out) {
        *out = NULL;
        return 0;
    }
    if (!geo_code_valid(*out) || !geo_get(rq->srv->geo, *out))
        return http_reply_error(rq, WSP_EINVAL, "unknown region '%s'", *out);
    return plan_http_may_read(rq, *out);
}

int plan_http_year(struct http_request *rq, bool required, int *out)
{
    const char *y = http_query(rq, "year");
    long v = 0;
    *out = 0;
    if (!y || !*y) {
        if (required)
            return http_reply_error(rq, WSP_EINVAL, "missing query parameter 'year'");
        return 0;
    }
    if (str_to_long(y, 2000, 2100, &v) != 0)
        return http_reply_error(rq, WSP_EINVAL, "year '%s' is not a year (2000-2100)", y);
    *out = (int)v;
    return 0;
}

int plan_json_str(struct http_request *rq, json_t *body, const char *key, bool required,
                  size_t maxlen, const char **out)
{
    struct error err = {0};
    if (http_json_string(body, key, required, maxlen, out, &err) != 0)
        return http_reply_err(rq, &err);
    if (*out && !**out && required)
        return http_reply_error(rq, WSP_EINVAL, "field '%s' must not be empty", key);
    if (*out && !**out)
        *out = NULL;
    return 0;
}

int plan_json_int(struct http_request *rq, json_t *body, const char *key, bool required,
                  long long min, long long max, long long *out, bool *present)
{
    json_t *v = json_object_get(body, key);
    if (present)
        *present = v && !json_is_null(v);
    if (!v || json_is_null(v)) {
        if (required)
            return http_reply_error(rq, WSP_EINVAL, "missing field '%s'", key);
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return http_reply_error(rq, WSP_EINVAL, "field '%s' must be an integer from %lld to %lld",
                                key, min, max);
    *out = json_integer_value(v);
    return 0;
}

int plan_json_num(struct http_request *rq, json_t *body, const char *key, bool required, double min,
                  double max, double *out, bool *present)
{
    json_t *v = json_object_get(body, key);
    if (present)
        *present = v && !json_is_null(v);
    if (!v || json_is_null(v)) {
        if (required)
            return http_reply_error(rq, WSP_EINVAL, "missing field '%s'", key);
        return 0;
    }
    double d = json_number_value(v);
    if (!json_is_number(v) || !isfinite(d) || d < min || d > max)
        return http_reply_error(rq, WSP_EINVAL, "field '%s' must be a number from %g to %g", key,
                                min, max);
    *out = d;
    return 0;
}

int plan_json_bool(struct http_request *rq, json_t *body, const char *key, bool *out, bool *present)
{
    json_t *v = json_object_get(body, key);
    if (present)
        *present = v && !json_is_null(v);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return http_reply_error(rq, WSP_EINVAL, "field '%s' must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int plan_json_date(struct http_request *rq, json_t *body, const char *key, bool required,
                   const char **out)
{
    if (plan_json_str(rq, body, key, required, 10, out))
        return -1;
    int64_t d = 0;
    if (*out && plan_date_parse(*out, &d) != 0)
        return http_reply_error(rq, WSP_EINVAL, "field '%s': '%s' is not a date (YYYY-MM-DD)", key,
                                *out);
    return 0;
}

int plan_json_region(struct http_request *rq, json_t *body, const char *key, const char **out)
{
    if (plan_json_str(rq, body, key, true, 31, out))
        return -1;
    if (!geo_code_valid(*out) || !geo_get(rq->srv->geo, *out))
        return http_reply_error(rq, WSP_EINVAL, "unknown region '%s'", *out);
    return 0;
}

void plan_http_actor(struct http_request *rq, struct store_actor *actor)
{
    http_actor(rq, actor);
}

json_t *plan_jstr_or_null(const char *s)
{
    return s ? http_json_str(s) : json_null();
}

#define J plan_jstr_or_null

/* ---- calendar --------------------------------------------------------------------------- */

static json_t *calendar_json(const struct store_calendar *c)
{
    int pt = plan_period_type_parse(c->period_type);
    json_t *periods = json_array();
    for (int i = 0; pt >= 0 && i < plan_period_count((enum plan_period_type)pt); i++) {
        char code[8];
        plan_period_code((enum plan_period_type)pt, i, code, sizeof(code));
        json_array_append_new(periods, json_string(code));
    }
    return json_pack("{s:s,s:s,s:i,s:i,s:o,s:o}", "plan_type", c->plan_type, "period_type",
                     c->period_type, "deadline_days", c->deadline_days, "grace_days", c->grace_days,
                     "periods", periods, "updated_at", http_json_time(c->updated_at));
}

void http_handle_plan_calendar(struct http_request *rq)
{
    if (plan_http_officer(rq))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_calendar cal[4];
    size_t n = 0;
    struct error err = {0};
    if (store_calendar_list(st, cal, 4, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, calendar_json(&cal[i]));
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "items", items));
}

void http_handle_plan_calendar_set(struct http_request *rq)
{
    if (plan_http_officer(rq))
        return;
    if (rq->role != AUTH_ROLE_ADMIN && rq->role != AUTH_ROLE_PUSAT) {
        http_reply_error(rq, WSP_EPERM, "only the national desk sets the reporting calendar");
        return;
    }
    if (!plan_type_valid(rq->params[0])) {
        http_reply_error(rq, WSP_ENOTFOUND, "unknown plan type '%s'", rq->params[0]);
        return;
    }
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    const char *pt;
    long long dl = 0, gr = 0;
    if (plan_json_str(rq, body, "period_type", true, 12, &pt) ||
        plan_json_int(rq, body, "deadline_days", true, 0, 120, &dl, NULL) ||
        plan_json_int(rq, body, "grace_days", true, 0, 120, &gr, NULL))
        return;
    if (plan_period_type_parse(pt) < 0) {
        http_reply_error(rq, WSP_EINVAL, "unknown period type '%s' (b4, quarter, month)", pt);
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_calendar c = {.deadline_days = (int)dl, .grace_days = (int)gr};
    str_copy(c.plan_type, rq->params[0], sizeof(c.plan_type));
    str_copy(c.period_type, pt, sizeof(c.period_type));
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_calendar_set(st, &c, &actor, &err) != 0 ||
        store_calendar_get(st, c.plan_type, &c, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "calendar", calendar_json(&c)));
}

/* ---- timdu ------------------------------------------------------------------------------ */

static json_t *timdu_json(const struct store_timdu *t, const char *ref_date)
{
    bool valid = t->sk_date && strcmp(t->sk_date, ref_date) <= 0 &&
                 (!t->valid_until || strcmp(t->valid_until, ref_date) >= 0);
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:I,s:o,s:o}", "id",
                     (json_int_t)t->id, "region", J(t->region_code), "sk_number", J(t->sk_number),
                     "sk_date", J(t->sk_date), "signed_by", J(t->signed_by), "valid_until",
                     J(t->valid_until), "chair_name", J(t->chair_name), "chair_title",
                     J(t->chair_title), "notes", J(t->notes), "valid_today", valid, "members",
                     (json_int_t)t->nmembers, "created_at", http_json_time(t->created_at),
                     "updated_at", http_json_time(t->updated_at));
}

static void today(char out[16])
{
    plan_date_format(plan_day_of_time(time_now()), out, 16);
}

void http_handle_timdu_list(struct http_request *rq)
{
    const char *region = NULL;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_timdu *list;
    size_t n;
    struct error err = {0};
    if (store_timdu_list(st, plan_http_scope(rq), region, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    char day[16];
    today(day);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, timdu_json(&list[i], day));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

/* Fields of a Timdu from a body; for PATCH, t holds the current values. */
static int timdu_fields(struct http_request *rq, json_t *body, bool create, struct store_timdu *t)
{
    const char *v;
#define TF(key, field, req, max)                                                                   \
    if (plan_json_str(rq, body, key, req, max, &v))                                                \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        t->field = v;
    TF("sk_number", sk_number, create, 200)
    TF("signed_by", signed_by, false, 200)
    TF("chair_name", chair_name, false, 200)
    TF("chair_title", chair_title, false, 200)
    TF("notes", notes, false, 4000)
#undef TF
    if (plan_json_date(rq, body, "sk_date", create, &v))
        return -1;
    if (v)
        t->sk_date = v;
    if (plan_json_date(rq, body, "valid_until", false, &v))
        return -1;
    if (v || json_object_get(body, "valid_until"))
        t->valid_until = v;
    if (!t->sk_number)
        return http_reply_error(rq, WSP_EINVAL, "missing field 'sk_number'");
    return 0;
}

static json_t *member_json(const struct store_timdu_member *m, bool contacts)
{
    json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)m->id, "name", J(m->name),
                          "position", J(m->position), "agency", J(m->agency), "agency_type",
                          J(m->agency_type), "subteam", J(m->subteam));
    if (contacts) {
        json_object_set_new(o, "phone", J(m->phone));
        json_object_set_new(o, "email", J(m->email));
    }
    return o;
}

static void reply_timdu(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_timdu t;
    struct store_timdu_member *m;
    size_t n;
    struct error err = {0};
    if (store_timdu_get(st, id, &rq->arena, &t, &m, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (plan_http_may_read(rq, t.region_code))
        return;
    bool contacts = plan_may_see_contacts(rq->role, plan_http_scope(rq), t.region_code);
    char day[16];
    today(day);
    t.nmembers = n;
    json_t *o = timdu_json(&t, day);
    json_t *members = json_array();
    json_t *subteams =
        json_pack("{s:i,s:i,s:i}", "pencegahan", 0, "penghentian", 0, "pemulihan", 0);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(members, member_json(&m[i], contacts));
        if (m[i].subteam) {
            json_t *c = json_object_get(subteams, m[i].subteam);
            if (c)
                json_integer_set(c, json_integer_value(c) + 1);
        }
    }
    json_object_set_new(o, "member_list", members);
    json_object_set_new(o, "subteams", subteams);
    json_object_set_new(o, "contacts_visible", json_boolean(contacts));
    http_reply_json(rq, status, json_pack("{s:o}", "timdu", o));
}

void http_handle_timdu_add(struct http_request *rq)
{
    json_t *body;
    const char *region = NULL;
    if (plan_http_officer(rq) || http_request_json(rq, &body) ||
        plan_json_region(rq, body, "region", &region) || plan_http_may_edit(rq, region))
        return;
    struct store_timdu t = {.region_code = region};
    if (timdu_fields(rq, body, true, &t))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_timdu_add(st, &t, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_timdu(rq, st, MHD_HTTP_CREATED, id);
}

/* Load {id} as a Timdu the caller may read; edit additionally checks writing. */
static int load_timdu(struct http_request *rq, struct store *st, bool edit, struct store_timdu *t)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "timdu", &id))
        return -1;
    struct error err = {0};
    if (store_timdu_get(st, id, &rq->arena, t, NULL, NULL, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, t->region_code))
        return -1;
    return edit ? plan_http_may_edit(rq, t->region_code) : 0;
}

void http_handle_timdu_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_timdu t;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_timdu(rq, st, false, &t))
        return;
    reply_timdu(rq, st, MHD_HTTP_OK, t.id);
}

void http_handle_timdu_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_timdu t;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_timdu(rq, st, true, &t) || timdu_fields(rq, body, false, &t))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_timdu_update(st, &t, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_timdu(rq, st, MHD_HTTP_OK, t.id);
}

void http_handle_timdu_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_timdu t;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_timdu(rq, st, true, &t))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_timdu_delete(st, t.id, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b}", "deleted", 1));
}

void http_handle_timdu_member_add(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_timdu t;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_timdu(rq, st, true, &t))
        return;
    struct store_timdu_member m = {.timdu_id = t.id};
    if (plan_json_str(rq, body, "name", true, 200, &m.name) ||
        plan_json_str(rq, body, "position", false, 200, &m.position) ||
        plan_json_str(rq, body, "agency", false, 200, &m.agency) ||
        plan_json_str(rq, body, "agency_type", false, 20, &m.agency_type) ||
        plan_json_str(rq, body, "subteam", false, 20, &m.subteam) ||
        plan_json_str(rq, body, "phone", false, 40, &m.phone) ||
        plan_json_str(rq, body, "email", false, 200, &m.email))
        return;
    static const char *const types[] = {"opd",        "polri",   "tni",        "kejaksaan",
                                        "pengadilan", "kemenag", "masyarakat", "lainnya"};
    bool ok = !m.agency_type;
    for (size_t i = 0; !ok && i < WSP_ARRAY_LEN(types); i++)
        ok = str_eq(m.agency_type, types[i]);
    if (!ok) {
        http_reply_error(rq, WSP_EINVAL, "unknown agency type '%s'", m.agency_type);
        return;
    }
    if (m.subteam && !plan_subteam_valid(m.subteam)) {
        http_reply_error(rq, WSP_EINVAL,
                         "unknown sub-team '%s' (pencegahan, penghentian, pemulihan)", m.subteam);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_timdu_member_add(st, &m, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_timdu(rq, st, MHD_HTTP_CREATED, t.id);
}

void http_handle_timdu_member_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_timdu t;
    int64_t mid = 0;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_timdu(rq, st, true, &t) ||
        plan_http_id(rq, 1, "member", &mid))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_timdu_member_delete(st, t.id, mid, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_timdu(rq, st, MHD_HTTP_OK, t.id);
}

/* ---- forums ----------------------------------------------------------------------------- */

static json_t *forum_json(const struct store_forum *f, bool contacts)
{
    json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:b,s:o}", "id", (json_int_t)f->id, "region",
                          J(f->region_code), "kind", J(f->kind), "name", J(f->name), "sk_number",
                          J(f->sk_number), "contact_name", J(f->contact_name), "contacts_visible",
                          contacts, "updated_at", http_json_time(f->updated_at));
    if (contacts) {
        json_object_set_new(o, "contact_phone", J(f->contact_phone));
        json_object_set_new(o, "contact_email", J(f->contact_email));
    }
    return o;
}

void http_handle_forums_list(struct http_request *rq)
{
    const char *region = NULL;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_forum *list;
    size_t n;
    struct error err = {0};
    if (store_forum_list(st, plan_http_scope(rq), region, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, forum_json(&list[i], plan_may_see_contacts(rq->role, plan_http_scope(rq),
                                                              list[i].region_code)));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

static int forum_fields(struct http_request *rq, json_t *body, bool create, struct store_forum *f)
{
    const char *v;
#define FF(key, field, req, max)                                                                   \
    if (plan_json_str(rq, body, key, req, max, &v))                                                \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        f->field = v;
    FF("kind", kind, create, 20)
    FF("name", name, create, 200)
    FF("sk_number", sk_number, false, 200)
    FF("contact_name", contact_name, false, 200)
    FF("contact_phone", contact_phone, false, 40)
    FF("contact_email", contact_email, false, 200)
#undef FF
    if (!plan_forum_kind_valid(f->kind))
        return http_reply_error(rq, WSP_EINVAL,
                                "unknown forum kind '%s' (fkdm, forkopimda, fkub, fkb)",
                                f->kind ? f->kind : "");
    if (!f->name)
        return http_reply_error(rq, WSP_EINVAL, "missing field 'name'");
    return 0;
}

static void reply_forum(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_forum f;
    struct error err = {0};
    if (store_forum_get(st, id, &rq->arena, &f, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    bool contacts = plan_may_see_contacts(rq->role, plan_http_scope(rq), f.region_code);
    http_reply_json(rq, status, json_pack("{s:o}", "forum", forum_json(&f, contacts)));
}

static int load_forum(struct http_request *rq, struct store *st, bool edit, struct store_forum *f)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "forum", &id))
        return -1;
    struct error err = {0};
    if (store_forum_get(st, id, &rq->arena, f, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, f->region_code))
        return -1;
    return edit ? plan_http_may_edit(rq, f->region_code) : 0;
}

void http_handle_forum_add(struct http_request *rq)
{
    json_t *body;
    const char *region = NULL;
    if (plan_http_officer(rq) || http_request_json(rq, &body) ||
        plan_json_region(rq, body, "region", &region) || plan_http_may_edit(rq, region))
        return;
    struct store_forum f = {.region_code = region};
    struct store *st = NULL;
    if (forum_fields(rq, body, true, &f) || !(st = http_store(rq)))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_forum_add(st, &f, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_forum(rq, st, MHD_HTTP_CREATED, id);
}

void http_handle_forum_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_forum f;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_forum(rq, st, false, &f))
        return;
    reply_forum(rq, st, MHD_HTTP_OK, f.id);
}

void http_handle_forum_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_forum f;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_forum(rq, st, true, &f) || forum_fields(rq, body, false, &f))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_forum_update(st, &f, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_forum(rq, st, MHD_HTTP_OK, f.id);
}

void http_handle_forum_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_forum f;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_forum(rq, st, true, &f))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_forum_delete(st, f.id, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b}", "deleted", 1));
}
