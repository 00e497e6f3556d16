/* GET /events, GET /events/{id}, PATCH /events/{id}: conflict events and their verification.
 *
 * Visibility: an event belongs to its region key (regency, else province). admin and pusat see
 * every event; other users see the events whose key lies inside their scope. So a kabkota user
 * of 32.73 sees the events placed in Kota Bandung (or below), but not events known only as
 * "somewhere in Jawa Barat" (those are for the province's operators and the national desk),
 * and events without any place are for national roles only. An invisible event answers 404,
 * like a missing one.
 *
 * Privacy (DOMAIN.md): the reporter of a community report is shown only to officers (provinsi,
 * kabkota, pusat, admin) whose scope covers the event, never for an anonymous report; the
 * report's own words (structured fields, text) and the evidence quoted from them likewise.
 *
 * Follow-ups (later news of the event: arrests, funerals, trials, peace) are listed apart from
 * the sources ("followups") and, with the sources, in date order ("timeline"); they never
 * change the event. An open phase proposal (pemulihan after a reconciliation) is shown as
 * "proposal" until an officer decides it through a case opened from the event.
 *
 * Changing status: officers whose scope covers the event, along the workflow menunggu ->
 * terverifikasi | ditolak, terverifikasi -> dalam_penanganan | ditolak, dalam_penanganan ->
 * selesai, ditolak -> menunggu; other moves are 409. Audited by the store. */
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "events/events.h"
#include "export/export.h"
#include "http/http_internal.h"

#define EVENTS_LIMIT_DEFAULT 50
#define EVENTS_LIMIT_MAX 500
#define EVENTS_OFFSET_MAX 10000000
#define EVENTS_Q_MAX 200
#define EVENTS_CURSOR_MAX 96 /* base64url of "d|2024-01-31|9223372036854775807" and the like */
#define EVENT_NOTE_MAX 1000

static const char *event_key(const struct store_event *e)
{
    return e->regency_code ? e->regency_code : e->province_code;
}

static bool may_see(const struct http_request *rq, const struct store_event *e)
{
    if (auth_role_national(rq->role))
        return true;
    const char *key = event_key(e);
    return key && rq->user.region[0] && auth_scope_covers(rq->user.region, key);
}

static bool officer_covers(const struct http_request *rq, const struct store_event *e)
{
    return auth_role_officer(rq->role) && may_see(rq, e);
}

/* "<name>_code" and "<name>" (the official name) of a region, null when unknown. */
static void set_region(struct http_request *rq, json_t *o, const char *code_key,
                       const char *name_key, const char *code)
{
    const struct geo_region *r = code ? geo_get(rq->srv->geo, code) : NULL;
    json_object_set_new(o, code_key, code ? json_string(code) : json_null());
    json_object_set_new(o, name_key, r ? http_json_str(r->name) : json_null());
}

static json_t *count_or_null(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

/* Stored JSON text back as JSON (null when absent or unreadable). */
static json_t *stored_json(const char *text)
{
    if (!text)
        return json_null();
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

/* The public fields of an event. */
static json_t *event_json(struct http_request *rq, const struct store_event *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "category", json_string(e->category));
    json_object_set_new(o, "status", json_string(e->status));
    json_object_set_new(o, "status_note", http_json_str(e->status_note));
    set_region(rq, o, "province_code", "province", e->province_code);
    set_region(rq, o, "regency_code", "regency", e->regency_code);
    set_region(rq, o, "place_code", "place", e->place_code);
    json_object_set_new(o, "event_date", e->event_date ? json_string(e->event_date) : json_null());
    json_object_set_new(o, "killed", count_or_null(e->killed));
    json_object_set_new(o, "injured", count_or_null(e->injured));
    json_object_set_new(o, "women_children_victims", json_boolean(e->women_children_victims));
    json_object_set_new(o, "confidence", json_real(round(e->confidence * 1000.0) / 1000.0));
    json_object_set_new(o, "source_count", json_integer((json_int_t)e->nsources));
    json_object_set_new(o, "created_at", http_json_time(e->created_at));
    json_object_set_new(o, "updated_at", http_json_time(e->updated_at));
    return o;
}

static json_t *source_json(const struct store_event_source *s, bool identity)
{
    json_t *o = json_object();
    json_object_set_new(o, "article_id", json_integer(s->article_id));
    json_object_set_new(o, "source_type", json_string(s->source_type));
    json_object_set_new(o, "title", http_json_str(s->title));
    json_object_set_new(o, "url", http_json_str(s->url));
    json_object_set_new(o, "published", http_json_str(s->published));
    json_object_set_new(o, "fetched_at", http_json_time(s->fetched_at));
    if (!s->report_id)
        return o;
    json_object_set_new(o, "report_id", json_integer(s->report_id));
    json_object_set_new(o, "anonymous", json_boolean(s->anonymous));
    if (!identity)
        return o;
    json_object_set_new(o, "region_code", http_json_str(s->report_region));
    json_object_set_new(o, "fields", stored_json(s->report_fields));
    json_object_set_new(o, "text", http_json_str(s->report_text));
    if (!s->anonymous && s->reporter_user_id)
        json_object_set_new(o, "reporter",
                            json_pack("{s:I,s:o,s:o}", "id", (json_int_t)s->reporter_user_id,
                                      "username", http_json_str(s->reporter_username), "full_name",
                                      http_json_str(s->reporter_name)));
    return o;
}

/* One follow-up of the event (the same shape as a case's "event_followups"). */
static json_t *followup_json(const struct store_followup *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "article_id", json_integer(f->article_id));
    json_object_set_new(o, "date", http_json_str(f->article_date));
    json_object_set_new(o, "title", http_json_str(f->title));
    json_object_set_new(o, "url", http_json_str(f->url));
    json_object_set_new(o, "source_type", http_json_str(f->source_type));
    json_object_set_new(o, "role", http_json_str(f->role ? f->role : "followup"));
    json_object_set_new(o, "reconciliation", json_boolean(f->reconciliation));
    json_object_set_new(o, "note", http_json_str(f->cue));
    json_object_set_new(o, "why", http_json_str(f->why));
    json_object_set_new(o, "added_at", http_json_time(f->added_at));
    return o;
}

static json_t *proposal_json(const struct store_proposal *p)
{
    if (!p)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "phase", http_json_str(p->phase));
    json_object_set_new(o, "state", http_json_str(p->state));
    json_object_set_new(o, "note", http_json_str(p->note));
    json_object_set_new(o, "proposed_by", http_json_str(p->proposed_by));
    json_object_set_new(o, "created_at", http_json_time(p->created_at));
    json_object_set_new(o, "article_id", p->article_id ? json_integer(p->article_id) : json_null());
    json_object_set_new(o, "article_title", http_json_str(p->article_title));
    json_object_set_new(o, "article_url", http_json_str(p->article_url));
    return o;
}

struct timeline_item {
    const char *date; /* NULL sorts last */
    int kind;         /* 0 source, 1 follow-up: sources first on the same day */
    size_t index;
};

static int cmp_timeline(const void *pa, const void *pb)
{
    const struct timeline_item *a = pa, *b = pb;
    if (!a->date != !b->date)
        return a->date ? -1 : 1;
    int c = a->date && b->date ? strcmp(a->date, b->date) : 0;
    if (c)
        return c;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Sources (dated by their published date) and follow-ups (by the date they were matched on)
 * in date order, undated last: {date, kind, role, title, url, article_id, note}. */
static json_t *timeline_json(struct http_request *rq, const struct store_event_source *src,
                             size_t n, const struct store_followup *fu, size_t nfu)
{
    struct timeline_item *items = arena_alloc(&rq->arena, (n + nfu + 1) * sizeof(*items));
    json_t *arr = json_array();
    if (!items)
        return arr;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        items[k++] = (struct timeline_item){src[i].published, 0, i};
    for (size_t i = 0; i < nfu; i++)
        items[k++] = (struct timeline_item){fu[i].article_date, 1, i};
    qsort(items, k, sizeof(*items), cmp_timeline);
    for (size_t i = 0; i < k; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "date", http_json_str(items[i].date));
        if (items[i].kind == 0) {
            const struct store_event_source *x = &src[items[i].index];
            json_object_set_new(o, "kind", json_string("source"));
            json_object_set_new(o, "role", json_string("event"));
            json_object_set_new(o, "title", http_json_str(x->title));
            json_object_set_new(o, "url", http_json_str(x->url));
            json_object_set_new(o, "article_id", json_integer(x->article_id));
            json_object_set_new(o, "note", json_null());
        } else {
            const struct store_followup *x = &fu[items[i].index];
            json_object_set_new(o, "kind", json_string("followup"));
            json_object_set_new(o, "role", http_json_str(x->role ? x->role : "followup"));
            json_object_set_new(o, "title", http_json_str(x->title));
            json_object_set_new(o, "url", http_json_str(x->url));
            json_object_set_new(o, "article_id", json_integer(x->article_id));
            json_object_set_new(o, "note", http_json_str(x->cue));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The event with its sources, evidence and richer fields, as the caller may see it. */
static json_t *event_full_json(struct http_request *rq, const struct store_event *e,
                               const struct store_event_source *src, size_t n,
                               const struct store_followup *fu, size_t nfu,
                               const struct store_proposal *proposal)
{
    bool identity = officer_covers(rq, e);
    bool from_report = false;
    json_t *o = event_json(rq, e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        from_report |= src[i].report_id != 0;
        json_array_append_new(arr, source_json(&src[i], identity));
    }
    json_object_set_new(o, "sources", arr);
    /* Evidence quotes the sources; a report's words stay with the officers. */
    json_object_set_new(o, "evidence",
                        from_report && !identity ? json_array() : stored_json(e->evidence_json));
    json_object_set_new(o, "detail", stored_json(e->detail_json));
    json_object_set_new(o, "verified_by",
                        e->verified_by && identity ? json_integer(e->verified_by) : json_null());
    json_t *followups = json_array();
    for (size_t i = 0; i < nfu; i++)
        json_array_append_new(followups, followup_json(&fu[i]));
    json_object_set_new(o, "followups", followups);
    json_object_set_new(o, "timeline", timeline_json(rq, src, n, fu, nfu));
    json_object_set_new(o, "proposal", proposal_json(proposal));
    return o;
}

/* Reply with the event, its follow-ups and its open proposal. */
static void reply_event(struct http_request *rq, struct store *st, const struct store_event *e,
                        const struct store_event_source *src, size_t n)
{
    struct store_followup *fu = NULL;
    size_t nfu = 0;
    struct store_proposal p;
    struct error err = {0};
    if (store_followup_list(st, e->id, &rq->arena, &fu, &nfu, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    int rc = store_proposal_open(st, e->id, &rq->arena, &p, &err);
    if (rc != 0 && rc != WSP_ENOTFOUND) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, event_full_json(rq, e, src, n, fu, nfu, rc == 0 ? &p : NULL));
}

/* ---- GET /events -------------------------------------------------------------------------- */

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

static bool date_ok(const char *s)
{
    int64_t t;
    return s && strlen(s) == 10 && time_parse_iso(s, &t) == 0;
}

/* Keyset cursors ("after"): opaque to clients, base64url (no padding) of "<sort>|<key>|<id>"
 * where sort is d (date: key YYYY-MM-DD, empty when undated), c (confidence: key as %.17g,
 * which reads back as the same double) or t (created: key in epoch seconds). The row's own
 * key, so a cursor stays a place in the order however many rows are added before it. */
static const char cursor_sort[] = {'d', 'c', 't'}; /* by enum store_event_sort */

static json_t *cursor_json(const struct store_event *e, enum store_event_sort sort)
{
    char raw[64], out[EVENTS_CURSOR_MAX + 1];
    if (sort == STORE_EVENT_SORT_CONFIDENCE)
        snprintf(raw, sizeof(raw), "c|%.17g|%lld", e->confidence, (long long)e->id);
    else if (sort == STORE_EVENT_SORT_CREATED)
        snprintf(raw, sizeof(raw), "t|%lld|%lld", (long long)e->created_at, (long long)e->id);
    else
        snprintf(raw, sizeof(raw), "d|%s|%lld", e->event_date ? e->event_date : "",
                 (long long)e->id);
    sodium_bin2base64(out, sizeof(out), (const unsigned char *)raw, strlen(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return json_string(out);
}

/* Read the cursor s for sort into after (strings from the request arena); -1 when it is not
 * one of ours, or was made for another sort. */
static int cursor_parse(struct http_request *rq, const char *s, enum store_event_sort sort,
                        struct store_event_after *after)
{
    unsigned char raw[EVENTS_CURSOR_MAX];
    size_t n = 0;
    if (strlen(s) > EVENTS_CURSOR_MAX ||
        sodium_base642bin(raw, sizeof(raw) - 1, s, strlen(s), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[n] = '\0';
    char *text = (char *)raw, *bar1 = strchr(text, '|'),
         *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    if (n < 4 || memchr(raw, '\0', n) || text[0] != cursor_sort[sort] || bar1 != text + 1 || !bar2)
        return -1;
    *bar2 = '\0';
    const char *key = bar1 + 1;
    long id;
    if (str_to_long(bar2 + 1, 1, LONG_MAX, &id) != 0)
        return -1;
    after->id = id;
    if (sort == STORE_EVENT_SORT_CONFIDENCE) {
        char *end = NULL;
        double v = strtod(key, &end);
        if (!key[0] || !end || *end || !(v >= 0.0 && v <= 1.0))
            return -1;
        after->confidence = v;
    } else if (sort == STORE_EVENT_SORT_CREATED) {
        long t;
        if (str_to_long(key, 0, LONG_MAX, &t) != 0)
            return -1;
        after->created_at = t;
    } else if (key[0]) {
        if (!date_ok(key))
            return -1;
        after->date = arena_strdup(&rq->arena, key);
        if (!after->date)
            return -1;
    }
    return 0;
}

/* The filters of GET /events, shared by its export: region, category, from, to, q, status,
 * min_confidence into q, checked, and the caller's visibility (scope, reports' words). The
 * public export takes region, category, from and to only, and no scope. -1 after replying
 * 400 or 403. */
static int events_filters(struct http_request *rq, bool public_view, struct store_event_query *q)
{
    const char *conf = NULL;
    if (query_text(rq, "region", 31, &q->region) || query_text(rq, "category", 32, &q->category) ||
        query_text(rq, "from", 10, &q->from) || query_text(rq, "to", 10, &q->to) ||
        query_text(rq, "q", EVENTS_Q_MAX, &q->q) || query_text(rq, "status", 20, &q->status) ||
        query_text(rq, "min_confidence", 10, &conf))
        return -1;
    if (public_view && (q->q || q->status || conf))
        return http_reply_error(rq, WSP_EINVAL,
                                "the public export takes region, category, from and to only");
    if (q->region && !geo_code_valid(q->region))
        return http_reply_error(rq, WSP_EINVAL, "'region' is not a region code");
    if (q->category && detect_category_parse(q->category) < 0)
        return http_reply_error(rq, WSP_EINVAL, "unknown category '%s'", q->category);
    if (q->status && !event_status_valid(q->status))
        return http_reply_error(rq, WSP_EINVAL,
                                "'status' must be menunggu, terverifikasi, ditolak, "
                                "dalam_penanganan or selesai");
    if ((q->from && !date_ok(q->from)) || (q->to && !date_ok(q->to)))
        return http_reply_error(rq, WSP_EINVAL, "'from' and 'to' must be dates YYYY-MM-DD");
    if (conf) {
        char *end = NULL;
        double v = strtod(conf, &end);
        if (!end || *end || !(v >= 0.0 && v <= 1.0))
            return http_reply_error(rq, WSP_EINVAL, "'min_confidence' must be a number in 0..1");
        q->min_confidence = v;
    }
    if (public_view)
        return 0;
    if (!auth_role_national(rq->role)) {
        if (!rq->user.region[0])
            return http_reply_error(rq, WSP_EPERM, "your account has no region scope");
        q->scope = rq->user.region;
    }
    /* A report's own words are for the officers covering it: others search news only. */
    q->q_skip_reports = !auth_role_officer(rq->role);
    return 0;
}

void http_handle_events_list(struct http_request *rq)
{
    struct store_event_query q = {0};
    long offset, limit;
    const char *sort = NULL, *after = NULL;
    if (query_long(rq, "offset", 0, EVENTS_OFFSET_MAX, 0, &offset) ||
        query_long(rq, "limit", 1, EVENTS_LIMIT_MAX, EVENTS_LIMIT_DEFAULT, &limit) ||
        query_text(rq, "sort", 16, &sort) || query_text(rq, "after", EVENTS_CURSOR_MAX, &after) ||
        events_filters(rq, false, &q))
        return;
    if (!sort || str_eq(sort, "date")) {
        q.sort = STORE_EVENT_SORT_DATE;
    } else if (str_eq(sort, "confidence")) {
        q.sort = STORE_EVENT_SORT_CONFIDENCE;
    } else if (str_eq(sort, "created")) {
        q.sort = STORE_EVENT_SORT_CREATED;
    } else {
        http_reply_error(rq, WSP_EINVAL, "'sort' must be date, confidence or created");
        return;
    }
    if (after && offset) {
        http_reply_error(rq, WSP_EINVAL, "give either 'after' or 'offset', not both");
        return;
    }
    if (after && cursor_parse(rq, after, q.sort, &q.after) != 0) {
        http_reply_error(rq, WSP_EINVAL,
                         "'after' is not a cursor of this list (take 'next' of the page before, "
                         "with the same sort)");
        return;
    }
    q.offset = (size_t)offset;
    q.limit = (size_t)limit;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_event_page page;
    struct error err = {0};
    if (store_event_page(st, &q, &rq->arena, &page, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, event_json(rq, &page.rows[i]));
    json_t *next = page.more && page.n ? cursor_json(&page.rows[page.n - 1], q.sort) : json_null();
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:o,s:I,s:b,s:b,s:o,s:I,s:I}", "items", items, "total",
                              (json_int_t)page.total, "total_exact", page.total_exact,
                              "search_capped", page.search_capped, "next", next, "offset",
                              (json_int_t)offset, "limit", (json_int_t)limit));
}

/* ---- GET /events/{id} --------------------------------------------------------------------- */

/* Load the {id} event with its sources; replies 400/404 (also for invisible events). */
static int load_event(struct http_request *rq, struct store *st, struct store_event *e,
                      struct store_event_source **src, size_t *n)
{
    long id;
    if (str_to_long(rq->params[0], 1, LONG_MAX, &id) != 0)
        return http_reply_error(rq, WSP_EINVAL, "event id must be a positive integer");
    struct error err = {0};
    int rc = store_event_get(st, (int64_t)id, &rq->arena, e, src, n, &err);
    if (rc == WSP_ENOTFOUND || (rc == 0 && !may_see(rq, e)))
        return http_reply_error(rq, WSP_ENOTFOUND, "no event with id %ld", id);
    if (rc)
        return http_reply_err(rq, &err);
    return 0;
}

void http_handle_event_get(struct http_request *rq)
{
    struct store *st = http_store(rq);
    struct store_event e = {0};
    struct store_event_source *src = NULL;
    size_t n = 0;
    if (!st || load_event(rq, st, &e, &src, &n))
        return;
    reply_event(rq, st, &e, src, n);
}

/* ---- PATCH /events/{id} ------------------------------------------------------------------- */

void http_handle_event_patch(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!str_eq(key, "status") && !str_eq(key, "note")) {
            http_reply_error(rq, WSP_EINVAL, "unknown field '%s': send {\"status\", \"note\"}",
                             key);
            return;
        }
    }
    struct error err = {0};
    const char *status, *note;
    if (http_json_string(body, "status", true, 20, &status, &err) ||
        http_json_string(body, "note", false, EVENT_NOTE_MAX, &note, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (event_status_check(status, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    struct store *st = http_store(rq);
    struct store_event e = {0};
    struct store_event_source *src = NULL;
    size_t n = 0;
    if (!st || load_event(rq, st, &e, &src, &n))
        return;
    if (!officer_covers(rq, &e)) {
        http_reply_error(rq, WSP_EPERM,
                         "only officers whose region covers the event may change "
                         "its status");
        return;
    }
    struct store_actor actor;
    http_actor(rq, &actor);
    if (store_event_set_status(st, e.id, status, note, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_alerts_kick(rq->srv); /* early warning sees the new status at once */
    if (load_event(rq, st, &e, &src, &n))
        return;
    reply_event(rq, st, &e, src, n);
}

/* ---- GET /events/export, GET /public/events/export ---------------------------------------- */

/* Public exports streaming at once, for the whole process: each walks every verified event,
 * so a few at a time are served and the others told to come back (503, Retry-After); shared
 * caches (nginx in front) may keep an answer for five minutes. */
#define EVENTS_PUBLIC_EXPORTS_MAX 2
#define EVENTS_PUBLIC_EXPORT_CACHE "public, max-age=300"
static atomic_int public_exports;
/* An XLSX export writes its whole workbook before the first byte (export.h), holding its
 * worker thread meanwhile (about 5 s per 100k events): one at a time per process, so the
 * other worker threads keep serving; more get 503 and Retry-After. */
#define EVENTS_XLSX_BUILDS_MAX 1
static atomic_int xlsx_builds;

struct export_stream {
    struct export_events *x;
    bool public_view;
    int64_t start_ms;
};

static ssize_t export_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct export_stream *es = cls;
    struct error err = {0};
    ssize_t n = export_events_read(es->x, buf, max, &err);
    if (n > 0)
        return n;
    if (n == 0) {
        LOG_I("http", "events export: %zu rows in %lld ms", export_events_rows(es->x),
              (long long)(time_mono_ms() - es->start_ms));
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    LOG_E("http", "events export cut short after %zu rows: %s", export_events_rows(es->x), err.msg);
    return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void export_stream_free(void *cls)
{
    struct export_stream *es = cls;
    export_events_free(es->x);
    if (es->public_view)
        atomic_fetch_sub(&public_exports, 1);
    free(es);
}

/* Answer with the export of the events q selects as a streamed attachment. */
static void reply_export(struct http_request *rq, const struct store_event_query *q,
                         bool public_view)
{
    struct export_events_opts o = {.q = *q, .public_view = public_view};
    if (export_format_parse(http_query(rq, "format"), &o.format) != 0) {
        http_reply_error(rq, WSP_EINVAL, "'format' must be csv, xlsx or geojson");
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    if (public_view && atomic_fetch_add(&public_exports, 1) >= EVENTS_PUBLIC_EXPORTS_MAX) {
        atomic_fetch_sub(&public_exports, 1);
        http_reply_error(rq, WSP_EBUSY, "too many public exports at once, try again shortly");
        http_add_header(rq, "Retry-After", "10");
        return;
    }
    struct export_stream *es = xcalloc(1, sizeof(*es));
    es->public_view = public_view;
    es->start_ms = time_mono_ms();
    bool xlsx = o.format == EXPORT_XLSX;
    if (xlsx && atomic_fetch_add(&xlsx_builds, 1) >= EVENTS_XLSX_BUILDS_MAX) {
        atomic_fetch_sub(&xlsx_builds, 1);
        export_stream_free(es);
        http_reply_error(rq, WSP_EBUSY,
                         "another XLSX export is being written, try again shortly (or take csv)");
        http_add_header(rq, "Retry-After", "10");
        return;
    }
    struct error err = {0};
    /* The connection stays on this worker thread, and with it the thread's store. */
    int rc = export_events_open(st, rq->srv->geo, &o, &es->x, &err);
    if (xlsx)
        atomic_fetch_sub(&xlsx_builds, 1);
    if (rc != 0) {
        export_stream_free(es);
        http_reply_err(rq, &err);
        return;
    }
    const char *region = q->region ? q->region : q->scope;
    const char *name =
        arena_printf(&rq->arena, "kejadian%s%s%s.%s", public_view ? "-publik" : "",
                     region ? "-" : "", region ? region : "", export_format_name(o.format));
    rq->replied = true;
    rq->status = MHD_HTTP_OK;
    rq->api = false;
    rq->resp_type = export_content_type(o.format);
    rq->resp_reader = export_stream_read;
    rq->resp_reader_cls = es;
    rq->resp_reader_free = export_stream_free;
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL,
                    public_view ? EVENTS_PUBLIC_EXPORT_CACHE : "private, no-store");
    http_add_header(rq, "Content-Disposition",
                    arena_printf(&rq->arena, "attachment; filename=\"%s\"", name ? name : ""));
}

void http_handle_events_export(struct http_request *rq)
{
    struct store_event_query q = {0};
    if (!auth_role_officer(rq->role)) {
        http_reply_error(rq, WSP_EPERM, "only officers may export events");
        return;
    }
    if (events_filters(rq, false, &q))
        return;
    reply_export(rq, &q, false);
}

void http_handle_public_events_export(struct http_request *rq)
{
    struct store_event_query q = {0};
    if (events_filters(rq, true, &q))
        return;
    reply_export(rq, &q, true);
}
