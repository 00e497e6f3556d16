/* Events: saving and loading conflict events and leads, their source articles, near-duplicate
 * candidates, merges, the filtered list behind GET /events and status changes. What a merge,
 * a status change or a check decides is events/events.h's; this file runs the SQL, the
 * transaction and the audit rows around it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "events/events.h"
#include "store/store.h"
#include "store/store_internal.h"

#define EVENT_COLS_BASE                                                                            \
    "e.id, e.category, e.province_code, e.regency_code, e.place_code, e.event_date, e.killed,"     \
    " e.injured, e.women_children_victims, e.confidence, e.status, e.status_note,"                 \
    " e.verified_by, e.simhash, e.evidence_json, e.detail_json, e.created_at, e.updated_at"
/* With the number of sources; without it (", 0") where it is not needed, because counting the
 * sources of a much-reported event on every incoming article made ingest quadratic. */
#define EVENT_COLS                                                                                 \
    EVENT_COLS_BASE ", (SELECT COUNT(*) FROM event_sources es WHERE es.event_id = e.id)"
#define EVENT_COLS_NOCOUNT EVENT_COLS_BASE ", 0"
#define EVENT_LIMIT_DEFAULT 50
#define EVENT_FTS_TERMS_MAX 16

bool store_event_status_valid(const char *status)
{
    return event_status_valid(status);
}

bool store_event_transition_allowed(const char *from, const char *to)
{
    return event_transition_allowed(from, to);
}

/* The fields the rules of events.h look at. */
static struct event rule_fields(const struct store_event *e)
{
    return (struct event){.category = e->category,
                          .province_code = e->province_code,
                          .regency_code = e->regency_code,
                          .place_code = e->place_code,
                          .event_date = e->event_date,
                          .killed = e->killed,
                          .injured = e->injured,
                          .women_children_victims = e->women_children_victims,
                          .confidence = e->confidence,
                          .status = e->status,
                          .simhash = e->simhash,
                          .has_simhash = e->has_simhash,
                          .evidence_json = e->evidence_json,
                          .detail_json = e->detail_json};
}

static const char *region_key(const struct store_event *e)
{
    return event_region_key(e->province_code, e->regency_code);
}

int store_event_check(const struct store_event *e, struct error *err)
{
    struct event v = rule_fields(e);
    return event_check(&v, err);
}

static json_t *nullable_count(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

static json_t *nullable_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* Compact summary of an event for audit rows. Caller frees. */
static char *event_audit_json(const struct store_event *e, int64_t article_id)
{
    json_t *o = json_object();
    json_object_set_new(o, "category", json_string(e->category));
    json_object_set_new(o, "region_code", nullable_str(region_key(e)));
    json_object_set_new(o, "event_date", nullable_str(e->event_date));
    json_object_set_new(o, "killed", nullable_count(e->killed));
    json_object_set_new(o, "injured", nullable_count(e->injured));
    json_object_set_new(o, "confidence", json_real(e->confidence));
    if (e->status)
        json_object_set_new(o, "status", json_string(e->status));
    if (article_id)
        json_object_set_new(o, "article_id", json_integer(article_id));
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));
    json_decref(o);
    if (!s)
        abort(); /* jansson fails here only when out of memory */
    return s;
}

static char *dump_or_abort(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(4));
    if (!s)
        abort();
    return s;
}

int store_event_link(struct store *s, int64_t event_id, int64_t article_id, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_SOURCE_INSERT,
                      "INSERT INTO event_sources (event_id, article_id, added_at)"
                      " VALUES (?1, ?2, ?3) ON CONFLICT (event_id, article_id) DO NOTHING",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, event_id);
    db_bind_int64(st, 2, article_id);
    db_bind_int64(st, 3, time_now());
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "link event source", NULL,
                          "unknown event or article for the source link");
    return 0;
}

static void bind_nullable_count(struct db_stmt *st, int idx, long v)
{
    if (v < 0)
        db_bind_null(st, idx);
    else
        db_bind_int64(st, idx, v);
}

int store_event_insert(struct store *s, const struct store_event *e, int64_t article_id,
                       const struct store_actor *actor, int64_t *id, struct error *err)
{
    *id = 0;
    int rc = store_event_check(e, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_EVENT_INSERT,
                  "INSERT INTO events (category, province_code, regency_code, place_code,"
                  " region_code, event_date, killed, injured, women_children_victims, confidence,"
                  " status, status_note, simhash, evidence_json, detail_json, created_at,"
                  " updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                  " ?16, ?16) RETURNING id",
                  &st, err);
    if (rc != 0)
        return rc;
    struct event v = rule_fields(e);
    char *detail = event_detail_new(&v, article_id);
    struct store_event row = *e;
    row.status = e->status ? e->status : EVENT_STATUS_INITIAL;
    stmt_bind_text(st, 1, e->category);
    stmt_bind_text(st, 2, event_nonempty(e->province_code));
    stmt_bind_text(st, 3, event_nonempty(e->regency_code));
    stmt_bind_text(st, 4, event_nonempty(e->place_code));
    stmt_bind_text(st, 5, region_key(e));
    stmt_bind_text(st, 6, e->event_date);
    bind_nullable_count(st, 7, e->killed);
    bind_nullable_count(st, 8, e->injured);
    db_bind_int64(st, 9, e->women_children_victims ? 1 : 0);
    db_bind_double(st, 10, e->confidence);
    stmt_bind_text(st, 11, row.status);
    stmt_bind_text(st, 12, e->status_note);
    if (e->has_simhash)
        db_bind_int64(st, 13, (int64_t)e->simhash);
    else
        db_bind_null(st, 13);
    stmt_bind_text(st, 14, e->evidence_json);
    stmt_bind_text(st, 15, detail);
    db_bind_int64(st, 16, time_now());
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    free(detail);
    if (src != DB_DONE)
        return store_fail(s, src, err, "add event", NULL, "unknown region code in event");
    if (article_id) {
        rc = store_event_link(s, *id, article_id, err);
        if (rc != 0)
            return rc;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, *id);
    char *after = event_audit_json(&row, article_id);
    rc = store_audit_add(s, actor, "event.add", "event", oid, NULL, after, err);
    free(after);
    return rc;
}

int store_event_create(struct store *s, const struct store_event *e, int64_t article_id,
                       const struct store_actor *actor, int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    rc = store_event_insert(s, e, article_id, actor, id, err);
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
    return rc;
}

int store_event_add_source(struct store *s, int64_t event_id, int64_t article_id,
                           const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    rc = store_event_link(s, event_id, article_id, err);
    if (rc == 0) {
        char oid[24], after[48];
        snprintf(oid, sizeof(oid), "%" PRId64, event_id);
        snprintf(after, sizeof(after), "{\"article_id\":%" PRId64 "}", article_id);
        rc = store_audit_add(s, actor, "event.source", "event", oid, NULL, after, err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* One event from the EVENT_COLS columns starting at col 0; strings from arena. */
static void read_event(struct db_stmt *st, struct arena *a, struct store_event *e, bool *oom)
{
    memset(e, 0, sizeof(*e));
    e->id = db_column_int64(st, 0);
    e->category = store_column_arena(a, st, 1, oom);
    e->province_code = store_column_arena(a, st, 2, oom);
    e->regency_code = store_column_arena(a, st, 3, oom);
    e->place_code = store_column_arena(a, st, 4, oom);
    e->event_date = store_column_arena(a, st, 5, oom);
    e->killed = db_column_is_null(st, 6) ? -1 : (long)db_column_int64(st, 6);
    e->injured = db_column_is_null(st, 7) ? -1 : (long)db_column_int64(st, 7);
    e->women_children_victims = (int)db_column_int64(st, 8) != 0;
    e->confidence = db_column_double(st, 9);
    e->status = store_column_arena(a, st, 10, oom);
    e->status_note = store_column_arena(a, st, 11, oom);
    e->verified_by = db_column_int64(st, 12);
    e->has_simhash = !db_column_is_null(st, 13);
    e->simhash = (uint64_t)db_column_int64(st, 13);
    e->evidence_json = store_column_arena(a, st, 14, oom);
    e->detail_json = store_column_arena(a, st, 15, oom);
    e->created_at = db_column_int64(st, 16);
    e->updated_at = db_column_int64(st, 17);
    e->nsources = (size_t)db_column_int64(st, 18);
}

static void event_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    read_event(st, a, row, oom);
}

/* One event; nsources is counted only when with_count. */
static int get_event(struct store *s, int64_t id, bool with_count, struct arena *a,
                     struct store_event *out, struct error *err)
{
    struct db_stmt *st;
    int rc = with_count ? stmt_get(s, STMT_EVENT_BY_ID,
                                   "SELECT " EVENT_COLS " FROM events e WHERE e.id = ?1", &st, err)
                        : stmt_get(s, STMT_EVENT_BY_ID_NOCOUNT,
                                   "SELECT " EVENT_COLS_NOCOUNT " FROM events e WHERE e.id = ?1",
                                   &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, a, out, event_row, "event", id, "read event",
                         "event does not fit in memory limit", err);
}

/* Before an event is read to be changed (merge, status) in the caller's transaction: on
 * PostgreSQL, whose transactions do not hold SQLite's one write lock, take the lock every
 * statement that writes events takes (migrations_pg.c, events_change_lock) now, so that
 * another node's change of events waits for this transaction's end and this one reads what
 * it changes. Taken before the row is read, it cannot deadlock with a writer that holds it and
 * waits for the row (as SELECT ... FOR UPDATE could). */
static int lock_events(struct store *s, struct error *err)
{
    if (s->engine != DB_POSTGRES)
        return 0;
    int src = db_exec(s->db, "LOCK TABLE event_changes IN EXCLUSIVE MODE");
    return src == DB_OK ? 0 : store_fail(s, src, err, "lock events", NULL, NULL);
}

struct candidate {
    struct store_event e;
    int dist;
};

static int cmp_candidate(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    return event_candidate_cmp(a->dist, a->e.id, b->dist, b->e.id);
}

int store_event_candidates(struct store *s, const char *province_code, const char *event_date,
                           int days, uint64_t simhash, int max_distance, size_t max_out,
                           struct arena *arena, struct store_event **out, int **dist, size_t *n,
                           struct error *err)
{
    *out = NULL;
    *dist = NULL;
    *n = 0;
    province_code = event_nonempty(province_code);
    event_date = event_nonempty(event_date);
    if (event_date && !event_date_valid(event_date))
        return error_set(err, WSP_EINVAL, "bad event date '%s' (want YYYY-MM-DD)", event_date);
    /* Four fixed statements: PostgreSQL spells "IS" on NULLs differently, so no "IS ?". */
    static const char *const sql[2][2] = {
        {"SELECT " EVENT_COLS_NOCOUNT " FROM events e WHERE e.province_code IS NULL"
         " AND e.event_date IS NULL AND e.simhash IS NOT NULL",
         "SELECT " EVENT_COLS_NOCOUNT " FROM events e WHERE e.province_code IS NULL"
         " AND e.event_date BETWEEN ?2 AND ?3 AND e.simhash IS NOT NULL"},
        {"SELECT " EVENT_COLS_NOCOUNT " FROM events e WHERE e.province_code = ?1"
         " AND e.event_date IS NULL AND e.simhash IS NOT NULL",
         "SELECT " EVENT_COLS_NOCOUNT " FROM events e WHERE e.province_code = ?1"
         " AND e.event_date BETWEEN ?2 AND ?3 AND e.simhash IS NOT NULL"},
    };
    static const enum store_stmt_id ids[2][2] = {
        {STMT_EVENT_CAND_NOPROV_NODATE, STMT_EVENT_CAND_NOPROV_DATE},
        {STMT_EVENT_CAND_PROV_NODATE, STMT_EVENT_CAND_PROV_DATE},
    };
    int pi = province_code ? 1 : 0, di = event_date ? 1 : 0;
    struct db_stmt *st;
    int rc = stmt_get(s, ids[pi][di], sql[pi][di], &st, err);
    if (rc != 0)
        return rc;
    if (pi)
        stmt_bind_text(st, 1, province_code);
    char lo[11], hi[11];
    if (di) {
        event_candidate_window(event_date, days, lo, hi);
        stmt_bind_text(st, 2, lo);
        stmt_bind_text(st, 3, hi);
    }
    struct candidate *tmp = NULL;
    size_t len = 0, cap = 0;
    bool oom = false;
    int src;
    while (!oom && (src = db_step(st)) == DB_ROW) {
        uint64_t h = (uint64_t)db_column_int64(st, 13);
        int d = event_simhash_distance(h, simhash);
        if (d > max_distance)
            continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            tmp = xrealloc(tmp, cap * sizeof(*tmp));
        }
        read_event(st, arena, &tmp[len].e, &oom);
        tmp[len++].dist = d;
    }
    stmt_done(st);
    if (oom) {
        rc = error_set(err, WSP_ENOMEM, "candidate events do not fit in memory limit");
    } else if (src != DB_DONE) {
        rc = store_fail(s, src, err, "find candidate events", NULL, NULL);
    } else if (len > 0) {
        qsort(tmp, len, sizeof(*tmp), cmp_candidate);
        if (max_out && len > max_out)
            len = max_out;
        struct store_event *ev = arena_alloc(arena, len * sizeof(*ev));
        int *dd = arena_alloc(arena, len * sizeof(*dd));
        if (!ev || !dd) {
            rc = error_set(err, WSP_ENOMEM, "candidate events do not fit in memory limit");
        } else {
            for (size_t i = 0; i < len; i++) {
                ev[i] = tmp[i].e;
                dd[i] = tmp[i].dist;
            }
            *out = ev;
            *dist = dd;
            *n = len;
        }
    }
    free(tmp);
    return rc;
}

/* ---- merging ------------------------------------------------------------------------------ */

int store_event_merge(struct store *s, int64_t event_id, const struct store_event *incoming,
                      int64_t article_id, const struct store_actor *actor, struct error *err)
{
    int rc = store_event_check(incoming, err);
    if (rc != 0)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    char *detail = NULL, *before = NULL, *after = NULL;
    rc = store_tx_begin(s, err);
    if (rc != 0)
        goto done;
    struct store_event old;
    rc = lock_events(s, err);
    if (rc == 0)
        rc = get_event(s, event_id, false, &a, &old, err);
    if (rc != 0)
        goto out;

    /* the rules decide (events.h), the store saves */
    struct event vold = rule_fields(&old), vin = rule_fields(incoming), vm;
    event_merge(&vold, &vin, &vm);
    struct store_event m = old;
    m.category = vm.category;
    m.province_code = vm.province_code;
    m.regency_code = vm.regency_code;
    m.place_code = vm.place_code;
    m.event_date = vm.event_date;
    m.killed = vm.killed;
    m.injured = vm.injured;
    m.women_children_victims = vm.women_children_victims;
    m.confidence = vm.confidence;
    m.has_simhash = vm.has_simhash;
    m.simhash = vm.simhash;
    m.evidence_json = vm.evidence_json;
    detail = event_merge_detail(old.detail_json, &vin, article_id);

    struct db_stmt *st;
    rc = stmt_get(s, STMT_EVENT_UPDATE_MERGE,
                  "UPDATE events SET category = ?2, province_code = ?3, regency_code = ?4,"
                  " place_code = ?5, region_code = ?6, event_date = ?7, killed = ?8, injured = ?9,"
                  " women_children_victims = ?10, confidence = ?11, simhash = ?12,"
                  " evidence_json = ?13, detail_json = ?14, updated_at = ?15 WHERE id = ?1",
                  &st, err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, event_id);
    stmt_bind_text(st, 2, m.category);
    stmt_bind_text(st, 3, event_nonempty(m.province_code));
    stmt_bind_text(st, 4, event_nonempty(m.regency_code));
    stmt_bind_text(st, 5, event_nonempty(m.place_code));
    stmt_bind_text(st, 6, region_key(&m));
    stmt_bind_text(st, 7, m.event_date);
    bind_nullable_count(st, 8, m.killed);
    bind_nullable_count(st, 9, m.injured);
    db_bind_int64(st, 10, m.women_children_victims ? 1 : 0);
    db_bind_double(st, 11, m.confidence);
    if (m.has_simhash)
        db_bind_int64(st, 12, (int64_t)m.simhash);
    else
        db_bind_null(st, 12);
    stmt_bind_text(st, 13, m.evidence_json);
    stmt_bind_text(st, 14, detail);
    db_bind_int64(st, 15, time_now());
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "merge event", NULL, "unknown region code in event");
        goto out;
    }
    rc = store_event_link(s, event_id, article_id, err);
    if (rc != 0)
        goto out;
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, event_id);
    before = event_audit_json(&old, 0);
    after = event_audit_json(&m, article_id);
    rc = store_audit_add(s, actor, "event.merge", "event", oid, before, after, err);
out:
    rc = store_tx_end(s, rc, err);
done:
    free(detail);
    free(before);
    free(after);
    arena_release(&a);
    return rc;
}

/* ---- list --------------------------------------------------------------------------------- */

/* Turn free text into a full-text query: every word must occur; a trailing '*' keeps a prefix
 * search. Words are quoted so that operators in user input mean nothing: FTS5's "w1" "w2"*, or
 * PostgreSQL's tsquery 'w1' & 'w2':* (pg; the words hold no quote). Returns the number of
 * terms. */
static size_t fts_query(const char *q, bool pg, struct buf *out)
{
    size_t terms = 0;
    const unsigned char *p = (const unsigned char *)q;
    while (*p && terms < EVENT_FTS_TERMS_MAX) {
        while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= 'A' && *p <= 'Z')))
            p++;
        const unsigned char *start = p;
        while (*p && (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= 'A' && *p <= 'Z')))
            p++;
        if (p == start)
            break;
        if (pg)
            buf_printf(out, "%s'%.*s'%s", terms ? " & " : "", (int)(p - start), (const char *)start,
                       *p == '*' ? ":*" : "");
        else
            buf_printf(out, "%s\"%.*s\"%s", terms ? " " : "", (int)(p - start), (const char *)start,
                       *p == '*' ? "*" : "");
        terms++;
    }
    return terms;
}

/* The statements of a list: the whole order from the start (with the offset), or from a
 * keyset position, in up to three parts each walking one index range in order: the rows with
 * the position's key and a smaller id, then the rows with a smaller key, then (date order)
 * the undated rows, which come last. SQLite cannot seek an index on (key, rowid) by a row
 * value, so "(key, id) < (?, ?)" would walk every row of the same key again on each page
 * (imported events all have confidence 1). */
enum list_part { PART_ALL, PART_SAME_KEY, PART_BELOW_KEY, PART_UNDATED, PART_COUNT };

struct list_plan {
    const struct store_event_query *q;
    bool pg;          /* PostgreSQL's dialect */
    const char *key;  /* the one region condition: scope and region narrowed, or NULL */
    bool empty;       /* scope and region do not overlap */
    struct buf where; /* the filters, " WHERE ..." (no keyset part) */
    struct buf fts;   /* the FTS5 query, empty when none */
};

static const char *list_order(enum store_event_sort sort)
{
    return sort == STORE_EVENT_SORT_CONFIDENCE ? "e.confidence DESC, e.id DESC"
           : sort == STORE_EVENT_SORT_CREATED  ? "e.created_at DESC, e.id DESC"
                                               : "e.event_date DESC NULLS LAST, e.id DESC";
}

static const char *list_key_col(enum store_event_sort sort)
{
    return sort == STORE_EVENT_SORT_CONFIDENCE ? "e.confidence"
           : sort == STORE_EVENT_SORT_CREATED  ? "e.created_at"
                                               : "e.event_date";
}

/* cond for p's engine: PostgreSQL has no unary plus on text, and its planner, which keeps
 * statistics, needs no such hint. */
static const char *unplus(const struct list_plan *p, const char *cond)
{
    return p->pg && cond[0] == '+' ? cond + 1 : cond;
}

/* Check q and build its filters. Scope and region are code prefixes on the region key
 * (regency, else province): the narrower one of the two decides (none when they do not
 * overlap), as equality on province_code for a province, else on region_code. */
static int list_plan_init(struct list_plan *p, const struct store_event_query *q, bool pg,
                          struct error *err)
{
    memset(p, 0, sizeof(*p));
    p->q = q;
    p->pg = pg;
    buf_init(&p->where, 4096);
    buf_init(&p->fts, 4096);
    const char *scope = event_nonempty(q->scope), *region = event_nonempty(q->region);
    if ((scope && strlen(scope) > 30) || (region && strlen(region) > 30))
        return error_set(err, WSP_EINVAL, "region code is too long");
    if (q->category && !event_category_valid(q->category))
        return error_set(err, WSP_EINVAL, "unknown event category '%s'", q->category);
    if (q->status && !event_status_valid(q->status))
        return error_set(err, WSP_EINVAL, "unknown event status '%s'", q->status);
    if ((q->from && !event_date_valid(q->from)) || (q->to && !event_date_valid(q->to)))
        return error_set(err, WSP_EINVAL, "dates must be YYYY-MM-DD");
    if (q->after.id < 0 || (q->after.date && !event_date_valid(q->after.date)))
        return error_set(err, WSP_EINVAL, "bad list position");
    p->key = event_region_narrow(scope, region, &p->empty);
    if (p->key)
        store_where_add(&p->where,
                        strchr(p->key, '.') ? "e.region_code = ?1" : "e.province_code = ?1");
    /* (category, event_date), (status, event_date) and (event_date) serve the date order; in
     * another order SQLite would still take them (with no statistics it guesses a few rows
     * for an equality or a range) and sort a whole category or decade: the unary plus keeps
     * such a query on its order's index. */
    bool by_date = q->sort != STORE_EVENT_SORT_CONFIDENCE && q->sort != STORE_EVENT_SORT_CREATED;
    /* In date order an equality filter has its index, nationally and (v10) inside a scope
     * or region: (category|status, event_date) and (province_code|region_code,
     * category|status, event_date). */
    bool eq_index = by_date;
    if (q->category)
        store_where_add(&p->where, unplus(p, eq_index ? "e.category = ?7" : "+e.category = ?7"));
    if (q->from)
        store_where_add(&p->where,
                        unplus(p, by_date ? "e.event_date >= ?8" : "+e.event_date >= ?8"));
    if (q->to)
        store_where_add(&p->where,
                        unplus(p, by_date ? "e.event_date <= ?9" : "+e.event_date <= ?9"));
    if (q->q && *q->q && fts_query(q->q, pg, &p->fts) == 0)
        return error_set(err, WSP_EINVAL, "search text has no words");
    /* a confidence floor is for machine leads: an officer's decision outranks the detector */
    if (q->min_confidence > 0)
        store_where_add(&p->where, "(e.status <> 'menunggu' OR e.confidence >= ?11)");
    if (q->status)
        store_where_add(&p->where, unplus(p, eq_index ? "e.status = ?12" : "+e.status = ?12"));
    if (q->verified_only) /* as warn's admit.c counts verified */
        store_where_add(&p->where, "e.status IN ('terverifikasi', 'dalam_penanganan', 'selesai')");
    if (p->where.oom || p->fts.oom)
        return error_set(err, WSP_EINVAL, "event query is too long");
    return 0;
}

static void list_plan_release(struct list_plan *p)
{
    buf_release(&p->where);
    buf_release(&p->fts);
}

/* FROM: with a search, the events of the newest STORE_EVENT_SEARCH_MAX matching articles
 * first (the FTS index walked newest first and stopped), then their rows by id: a common
 * word never makes a million candidates. */
static void list_from(const struct list_plan *p, struct buf *sql)
{
    if (!p->fts.len) {
        buf_puts(sql, " FROM events e");
        return;
    }
    if (p->pg) { /* articles.fts (migrations_pg.c); no CROSS JOIN ... ON there */
        buf_printf(sql,
                   " FROM (SELECT DISTINCT es.event_id AS id FROM event_sources es"
                   " WHERE es.article_id IN (SELECT a.id FROM articles a"
                   " WHERE a.fts @@ to_tsquery('simple', ?10)%s ORDER BY a.id DESC LIMIT ?15)) c"
                   " JOIN events e ON e.id = c.id",
                   p->q->q_skip_reports ? " AND a.source_type <> 'report'" : "");
        return;
    }
    buf_printf(sql,
               " FROM (SELECT DISTINCT es.event_id AS id FROM event_sources es"
               " WHERE es.article_id IN (SELECT articles_fts.rowid FROM articles_fts%s"
               " WHERE articles_fts MATCH ?10%s ORDER BY articles_fts.rowid DESC LIMIT ?15)) c"
               " CROSS JOIN events e ON e.id = c.id",
               p->q->q_skip_reports ? " JOIN articles a ON a.id = articles_fts.rowid" : "",
               p->q->q_skip_reports ? " AND a.source_type <> 'report'" : "");
}

static void list_sql(const struct list_plan *p, enum list_part part, struct buf *sql)
{
    const struct store_event_query *q = p->q;
    buf_reset(sql);
    if (part == PART_COUNT) {
        buf_puts(sql, "SELECT COUNT(*) FROM (SELECT 1");
        list_from(p, sql);
        /* in the list's order: the count walks the index the list walks */
        buf_printf(sql, "%s ORDER BY %s LIMIT ?13)%s", buf_cstr(&p->where), list_order(q->sort),
                   p->pg ? " n" : ""); /* PostgreSQL 15 wants the derived table named */
        return;
    }
    buf_puts(sql, "SELECT " EVENT_COLS);
    list_from(p, sql);
    buf_puts(sql, buf_cstr(&p->where));
    const char *conj = p->where.len ? " AND " : " WHERE ";
    const char *col = list_key_col(q->sort);
    if (part == PART_SAME_KEY)
        buf_printf(sql, "%s%s = ?16 AND e.id < ?17", conj, col);
    else if (part == PART_BELOW_KEY)
        buf_printf(sql, "%s%s < ?16", conj, col);
    else if (part == PART_UNDATED)
        buf_printf(sql, "%se.event_date IS NULL%s", conj,
                   q->after.id && !q->after.date ? " AND e.id < ?17" : "");
    buf_printf(sql, " ORDER BY %s LIMIT ?13%s", list_order(q->sort),
               part == PART_ALL ? " OFFSET ?14" : "");
}

/* The list statements' parameters are ?1 .. ?LIST_PARAMS, a statement using some of them. */
#define LIST_PARAMS 17

/* PostgreSQL types every parameter up to the largest number from its use, and cannot type one
 * that is not used: there sql's numbers become 1, 2, ... in their order. map[n] is the number
 * of list parameter n in the statement, 0 when it is not in it. On SQLite sql stays as it is
 * and map is the identity (binding a number the statement lacks is harmless there). */
static void list_params(const struct list_plan *p, struct buf *sql, int map[LIST_PARAMS + 1])
{
    for (int i = 0; i <= LIST_PARAMS; i++)
        map[i] = i;
    if (!p->pg)
        return;
    bool used[LIST_PARAMS + 1] = {false};
    /* the fragments hold no '?' but before a parameter's number (nor string literals with one) */
    for (const char *c = buf_cstr(sql); (c = strchr(c, '?')) != NULL; c++) {
        long n = strtol(c + 1, NULL, 10);
        if (n >= 1 && n <= LIST_PARAMS)
            used[n] = true;
    }
    int next = 0;
    for (int i = 1; i <= LIST_PARAMS; i++)
        map[i] = used[i] ? ++next : 0;
    char *text = xstrdup(buf_cstr(sql));
    buf_reset(sql);
    for (const char *c = text; *c;) {
        char *end;
        long n = *c == '?' ? strtol(c + 1, &end, 10) : 0;
        if (n >= 1 && n <= LIST_PARAMS) {
            buf_printf(sql, "?%d", map[n]);
            c = end;
        } else {
            buf_putc(sql, *c++);
        }
    }
    free(text);
}

/* Bind list parameter n of a statement numbered by map (list_params), when it has it. */
static void list_bind_text(struct db_stmt *st, const int *map, int n, const char *v)
{
    if (map[n])
        stmt_bind_text(st, map[n], v);
}

static void list_bind_int64(struct db_stmt *st, const int *map, int n, int64_t v)
{
    if (map[n])
        db_bind_int64(st, map[n], v);
}

static void list_bind_double(struct db_stmt *st, const int *map, int n, double v)
{
    if (map[n])
        db_bind_double(st, map[n], v);
}

static int list_prepare(struct store *s, const struct list_plan *p, enum list_part part,
                        bool explain, struct buf *sql, size_t limit, struct db_stmt **out,
                        struct error *err)
{
    const struct store_event_query *q = p->q;
    list_sql(p, part, sql);
    int map[LIST_PARAMS + 1];
    list_params(p, sql, map);
    if (sql->oom)
        return error_set(err, WSP_EINVAL, "event query is too long");
    char *text = explain
                     ? xasprintf("%s %s", p->pg ? "EXPLAIN" : "EXPLAIN QUERY PLAN", buf_cstr(sql))
                     : NULL;
    struct db_stmt *st;
    int src = db_prepare(s->db, text ? text : buf_cstr(sql), false, &st);
    free(text);
    if (src != DB_OK)
        return store_fail(s, src, err, "list events", NULL, NULL);
    if (p->key)
        list_bind_text(st, map, 1, p->key);
    if (q->category)
        list_bind_text(st, map, 7, q->category);
    if (q->from)
        list_bind_text(st, map, 8, q->from);
    if (q->to)
        list_bind_text(st, map, 9, q->to);
    if (p->fts.len) {
        list_bind_text(st, map, 10, buf_cstr(&p->fts));
        list_bind_int64(st, map, 15, STORE_EVENT_SEARCH_MAX);
    }
    if (q->min_confidence > 0)
        list_bind_double(st, map, 11, q->min_confidence);
    if (q->status)
        list_bind_text(st, map, 12, q->status);
    list_bind_int64(st, map, 13, (int64_t)(limit > (size_t)INT32_MAX ? INT32_MAX : limit));
    list_bind_int64(st, map, 14, (int64_t)(q->offset > (size_t)INT64_MAX ? INT64_MAX : q->offset));
    if (q->sort == STORE_EVENT_SORT_CONFIDENCE)
        list_bind_double(st, map, 16, q->after.confidence);
    else if (q->sort == STORE_EVENT_SORT_CREATED)
        list_bind_int64(st, map, 16, q->after.created_at);
    else if (q->after.date)
        list_bind_text(st, map, 16, q->after.date);
    list_bind_int64(st, map, 17, q->after.id);
    *out = st;
    return 0;
}

/* The statements q needs, in order; returns how many. */
static size_t list_parts(const struct store_event_query *q, enum list_part parts[3])
{
    if (!q->after.id) {
        parts[0] = PART_ALL;
        return 1;
    }
    bool by_date = q->sort != STORE_EVENT_SORT_CONFIDENCE && q->sort != STORE_EVENT_SORT_CREATED;
    if (by_date && !q->after.date) {
        parts[0] = PART_UNDATED;
        return 1;
    }
    size_t k = 0;
    parts[k++] = PART_SAME_KEY;
    parts[k++] = PART_BELOW_KEY;
    if (by_date && !q->from && !q->to) /* a date range leaves no undated row */
        parts[k++] = PART_UNDATED;
    return k;
}

/* Whether q's words match more than STORE_EVENT_SEARCH_MAX articles (counting one more). */
static int search_capped(struct store *s, const struct list_plan *p, bool *capped,
                         struct error *err)
{
    struct db_stmt *st;
    int src = db_prepare(s->db,
                         p->pg ? "SELECT COUNT(*) FROM (SELECT 1 FROM articles"
                                 " WHERE fts @@ to_tsquery('simple', ?1) LIMIT ?2) m"
                               : "SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts"
                                 " WHERE articles_fts MATCH ?1 LIMIT ?2)",
                         false, &st);
    if (src != DB_OK)
        return store_fail(s, src, err, "search articles", NULL, NULL);
    stmt_bind_text(st, 1, buf_cstr(&p->fts));
    db_bind_int64(st, 2, STORE_EVENT_SEARCH_MAX + 1);
    src = db_step(st);
    *capped = src == DB_ROW && db_column_int64(st, 0) > STORE_EVENT_SEARCH_MAX;
    db_finalize(st);
    return src == DB_ROW ? 0 : store_fail(s, src, err, "search articles", NULL, NULL);
}

int store_event_page(struct store *s, const struct store_event_query *q, struct arena *arena,
                     struct store_event_page *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->total_exact = true;
    struct store_event_query none = {0};
    if (!q)
        q = &none;
    size_t limit = q->limit ? q->limit : EVENT_LIMIT_DEFAULT;
    if (limit > (size_t)INT32_MAX - 1)
        limit = (size_t)INT32_MAX - 1;
    struct list_plan p;
    struct buf sql;
    buf_init(&sql, 16384);
    struct db_stmt *st = NULL;
    int rc = list_plan_init(&p, q, s->engine == DB_POSTGRES, err);
    if (rc != 0 || p.empty)
        goto out;
    if (p.fts.len && (rc = search_capped(s, &p, &out->search_capped, err)) != 0)
        goto out;

    /* One row more than asked tells whether another page follows. */
    struct store_event *rows = arena_alloc(arena, (limit + 1) * sizeof(*rows));
    if (!rows) {
        rc = error_set(err, WSP_ENOMEM, "event list does not fit in memory limit");
        goto out;
    }
    enum list_part parts[3];
    size_t nparts = list_parts(q, parts), len = 0;
    bool oom = false;
    for (size_t i = 0; i < nparts && len <= limit && rc == 0 && !oom; i++) {
        rc = list_prepare(s, &p, parts[i], false, &sql, limit + 1 - len, &st, err);
        int src = DB_DONE;
        while (rc == 0 && !oom && len <= limit && (src = db_step(st)) == DB_ROW)
            read_event(st, arena, &rows[len++], &oom);
        if (rc == 0 && !oom && src != DB_ROW && src != DB_DONE)
            rc = store_fail(s, src, err, "list events", NULL, NULL);
        db_finalize(st);
        st = NULL;
    }
    if (rc == 0 && oom)
        rc = error_set(err, WSP_ENOMEM, "event list does not fit in memory limit");
    if (rc != 0)
        goto out;
    out->rows = rows;
    out->more = len > limit;
    out->n = out->more ? limit : len;

    /* The first page, not full: it is the total. Else count, at most one past the cap. */
    if (!q->after.id && q->offset == 0 && !out->more) {
        out->total = out->n;
    } else if (q->no_total) {
        out->total = out->n;
        out->total_exact = false;
    } else {
        rc = list_prepare(s, &p, PART_COUNT, false, &sql, STORE_EVENT_TOTAL_MAX + 1, &st, err);
        int src = rc == 0 ? db_step(st) : DB_OK;
        if (rc == 0 && src != DB_ROW)
            rc = store_fail(s, src, err, "count events", NULL, NULL);
        if (rc == 0) {
            int64_t count = db_column_int64(st, 0);
            out->total = count > STORE_EVENT_TOTAL_MAX ? STORE_EVENT_TOTAL_MAX : (size_t)count;
            out->total_exact = count <= STORE_EVENT_TOTAL_MAX;
        }
    }
    if (out->search_capped)
        out->total_exact = false;
out:
    db_finalize(st);
    list_plan_release(&p);
    buf_release(&sql);
    return rc;
}

int store_event_list(struct store *s, const struct store_event_query *q, struct arena *arena,
                     struct store_event **out, size_t *n, size_t *total, struct error *err)
{
    struct store_event_page page;
    struct store_event_query qq;
    if (q && !total) { /* no total wanted: no count */
        qq = *q;
        qq.no_total = true;
        q = &qq;
    }
    int rc = store_event_page(s, q, arena, &page, err);
    *out = page.rows;
    *n = page.n;
    if (total)
        *total = page.total;
    return rc;
}

int store_event_list_plan(struct store *s, const struct store_event_query *q, struct buf *out,
                          struct error *err)
{
    struct store_event_query none = {0};
    if (!q)
        q = &none;
    struct list_plan p;
    struct buf sql;
    buf_init(&sql, 16384);
    int rc = list_plan_init(&p, q, s->engine == DB_POSTGRES, err);
    enum list_part parts[4];
    size_t nparts = list_parts(q, parts);
    parts[nparts++] = PART_COUNT;
    for (size_t i = 0; i < nparts && rc == 0 && !p.empty; i++) {
        struct db_stmt *st;
        rc = list_prepare(s, &p, parts[i], true, &sql, 1, &st, err);
        if (rc != 0)
            break;
        int src;
        while ((src = db_step(st)) == DB_ROW) /* SQLite's detail column, PostgreSQL's line */
            buf_printf(out, "%s\n", db_column_text(st, p.pg ? 0 : 3));
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "explain event list", NULL, NULL);
        db_finalize(st);
        buf_puts(out, "--\n");
    }
    list_plan_release(&p);
    buf_release(&sql);
    return rc;
}

int store_event_source_refs(struct store *s, const int64_t *ids, size_t n, struct arena *arena,
                            struct store_event_ref **out, size_t *nout, struct error *err)
{
    *out = NULL;
    *nout = 0;
    if (n == 0)
        return 0;
    /* ids are bound as parameters: a page is at most a few hundred events */
    struct buf sql;
    buf_init(&sql, 0);
    buf_puts(&sql, "SELECT es.event_id, a.source_type,"
                   " CASE WHEN a.source_type = 'report' THEN NULL ELSE a.url END"
                   " FROM event_sources es JOIN articles a ON a.id = es.article_id"
                   " WHERE es.event_id IN (");
    for (size_t i = 0; i < n; i++)
        buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 1);
    buf_puts(&sql, ") ORDER BY es.event_id, a.id");
    struct db_stmt *st;
    int src = db_prepare(s->db, buf_cstr(&sql), false, &st);
    buf_release(&sql);
    if (src != DB_OK)
        return store_fail(s, src, err, "read event sources", NULL, NULL);
    for (size_t i = 0; i < n; i++)
        db_bind_int64(st, (int)i + 1, ids[i]);
    size_t len = 0, cap = 0, same = 0;
    struct store_event_ref *rows = NULL;
    bool oom = false;
    while (!oom && (src = db_step(st)) == DB_ROW) {
        int64_t id = db_column_int64(st, 0);
        same = len && rows[len - 1].event_id == id ? same + 1 : 0;
        if (same >= STORE_EVENT_REFS_MAX)
            continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct store_event_ref *grown = arena_alloc(arena, ncap * sizeof(*grown));
            if (!grown) {
                oom = true;
                break;
            }
            if (len)
                memcpy(grown, rows, len * sizeof(*rows));
            rows = grown;
            cap = ncap;
        }
        struct store_event_ref *r = &rows[len++];
        r->event_id = id;
        r->source_type = store_column_arena(arena, st, 1, &oom);
        r->url = store_column_arena(arena, st, 2, &oom);
    }
    db_finalize(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "event sources do not fit in memory limit");
    if (src != DB_DONE)
        return store_fail(s, src, err, "read event sources", NULL, NULL);
    *out = rows;
    *nout = len;
    return 0;
}

/* ---- one event with its sources ----------------------------------------------------------- */

int store_event_get(struct store *s, int64_t id, struct arena *arena, struct store_event *out,
                    struct store_event_source **sources, size_t *nsources, struct error *err)
{
    if (sources)
        *sources = NULL;
    if (nsources)
        *nsources = 0;
    int rc = get_event(s, id, true, arena, out, err);
    if (rc != 0 || !sources || !nsources)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_EVENT_SOURCES,
                  "SELECT a.id, a.source_type, a.url, a.title, a.published, a.fetched_at,"
                  " es.added_at, r.id, r.anonymous, r.region_code, r.fields_json,"
                  " CASE WHEN r.id IS NULL THEN NULL ELSE a.body END, r.reporter_user_id,"
                  " u.username, u.full_name"
                  " FROM event_sources es JOIN articles a ON a.id = es.article_id"
                  " LEFT JOIN reports r ON r.article_id = a.id"
                  " LEFT JOIN users u ON u.id = r.reporter_user_id"
                  " WHERE es.event_id = ?1 ORDER BY es.added_at, a.id",
                  &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, id);
    size_t cap = out->nsources ? out->nsources : 1;
    struct store_event_source *rows = arena_alloc(arena, cap * sizeof(*rows));
    bool oom = rows == NULL;
    size_t len = 0;
    int src = DB_DONE;
    while (!oom && len < cap && (src = db_step(st)) == DB_ROW) {
        struct store_event_source *r = &rows[len++];
        r->article_id = db_column_int64(st, 0);
        r->source_type = store_column_arena(arena, st, 1, &oom);
        r->url = store_column_arena(arena, st, 2, &oom);
        r->title = store_column_arena(arena, st, 3, &oom);
        r->published = store_column_arena(arena, st, 4, &oom);
        r->fetched_at = db_column_int64(st, 5);
        r->added_at = db_column_int64(st, 6);
        r->report_id = db_column_int64(st, 7);
        if (!r->report_id)
            continue;
        r->anonymous = (int)db_column_int64(st, 8) != 0;
        r->report_region = store_column_arena(arena, st, 9, &oom);
        r->report_fields = store_column_arena(arena, st, 10, &oom);
        r->report_text = store_column_arena(arena, st, 11, &oom);
        /* An anonymous reporter's identity never leaves the store. */
        if (!r->anonymous) {
            r->reporter_user_id = db_column_int64(st, 12);
            r->reporter_username = store_column_arena(arena, st, 13, &oom);
            r->reporter_name = store_col_sealed(s, arena, st, 14, "users.full_name", &oom);
        }
    }
    stmt_done(st);
    if (oom)
        return store_seal_oom(s, "event sources do not fit in memory limit", err);
    if (len < cap && src != DB_DONE)
        return store_fail(s, src, err, "read event sources", NULL, NULL);
    *sources = rows;
    *nsources = len;
    return 0;
}

/* ---- verification workflow ---------------------------------------------------------------- */

static char *status_json(const char *status, const char *note)
{
    json_t *o = json_pack("{s:s,s:o}", "status", status, "note", nullable_str(note));
    char *s = dump_or_abort(o);
    json_decref(o);
    return s;
}

int store_event_set_status(struct store *s, int64_t id, const char *status, const char *note,
                           const struct store_actor *actor, struct error *err)
{
    int rc = event_status_check(status, err);
    if (rc != 0)
        return rc;
    if (note && !utf8_valid(note, strlen(note)))
        return error_set(err, WSP_EINVAL, "note is not valid utf-8");
    struct arena a;
    arena_init(&a, 0);
    char *before = NULL, *after = NULL;
    rc = store_tx_begin(s, err);
    if (rc != 0)
        goto done;
    struct store_event old;
    rc = lock_events(s, err);
    if (rc == 0)
        rc = get_event(s, id, false, &a, &old, err);
    if (rc == 0)
        rc = event_transition_check(id, old.status, status, err);
    if (rc != 0)
        goto out;
    bool decision = event_status_is_decision(status);
    struct db_stmt *st;
    rc = stmt_get(s, STMT_EVENT_SET_STATUS,
                  "UPDATE events SET status = ?2, status_note = ?3,"
                  " verified_by = CASE WHEN CAST(?4 AS BIGINT) > 0 THEN ?4 ELSE verified_by END,"
                  " updated_at = ?5"
                  " WHERE id = ?1",
                  &st, err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, id);
    stmt_bind_text(st, 2, status);
    stmt_bind_text(st, 3, event_nonempty(note));
    db_bind_int64(st, 4, decision && actor ? actor->user_id : 0);
    db_bind_int64(st, 5, time_now());
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "set event status", NULL, NULL);
        goto out;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, id);
    before = status_json(old.status, old.status_note);
    after = status_json(status, event_nonempty(note));
    rc = store_audit_add(s, actor, "event.status", "event", oid, before, after, err);
out:
    rc = store_tx_end(s, rc, err);
done:
    free(before);
    free(after);
    arena_release(&a);
    return rc;
}

/* ---- article roles, follow-ups, phase proposals (schema v6) ------------------------------- */

/* These statements run a few times per follow-up article or API request, so they are
 * prepared per call rather than cached. */
static int prepare(struct store *s, const char *sql, struct db_stmt **st, const char *what,
                   struct error *err)
{
    *st = NULL;
    int src = db_prepare(s->db, sql, false, st);
    if (src != DB_OK) {
        db_finalize(*st);
        *st = NULL;
        return store_fail(s, src, err, what, NULL, NULL);
    }
    return 0;
}

int store_article_set_role(struct store *s, int64_t article_id, const char *role, const char *cue,
                           struct error *err)
{
    int rc = event_role_check(role, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = prepare(s, "UPDATE articles SET role = ?2, role_cue = ?3 WHERE id = ?1", &st,
                 "set article role", err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, article_id);
    stmt_bind_text(st, 2, role);
    stmt_bind_text(st, 3, event_nonempty(cue));
    int src = db_step(st);
    db_finalize(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "set article role", NULL, NULL);
    if (db_changes(s->db) == 0)
        return error_set(err, WSP_ENOTFOUND, "no article with id '%" PRId64 "'", article_id);
    return 0;
}

int store_article_count_role(struct store *s, const char *role, size_t *count, struct error *err)
{
    *count = 0;
    struct db_stmt *st;
    int rc = prepare(s,
                     role ? "SELECT COUNT(*) FROM articles WHERE role = ?1"
                          : "SELECT COUNT(*) FROM articles WHERE role IS NULL",
                     &st, "count articles", err);
    if (rc != 0)
        return rc;
    if (role)
        stmt_bind_text(st, 1, role);
    int src = db_step(st);
    if (src == DB_ROW)
        *count = (size_t)db_column_int64(st, 0);
    db_finalize(st);
    return src == DB_ROW ? 0 : store_fail(s, src, err, "count articles", NULL, NULL);
}

int store_followup_add(struct store *s, const struct store_followup *f,
                       const struct store_actor *actor, struct error *err)
{
    if (f->article_date && !event_date_valid(f->article_date))
        return error_set(err, WSP_EINVAL, "bad follow-up date '%s' (want YYYY-MM-DD)",
                         f->article_date);
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = prepare(s,
                 "INSERT INTO event_followups (event_id, article_id, article_date, reconciliation,"
                 " cue, why, score, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                 " ON CONFLICT (event_id, article_id) DO NOTHING",
                 &st, "link follow-up", err);
    if (rc == 0) {
        db_bind_int64(st, 1, f->event_id);
        db_bind_int64(st, 2, f->article_id);
        stmt_bind_text(st, 3, f->article_date);
        db_bind_int64(st, 4, f->reconciliation ? 1 : 0);
        stmt_bind_text(st, 5, event_nonempty(f->cue));
        stmt_bind_text(st, 6, event_nonempty(f->why));
        db_bind_double(st, 7, f->score);
        db_bind_int64(st, 8, time_now());
        int src = db_step(st);
        db_finalize(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "link follow-up", NULL,
                            "unknown event or article for the follow-up link");
    }
    if (rc == 0 && db_changes(s->db) > 0) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, f->event_id);
        json_t *o =
            json_pack("{s:I,s:o,s:b,s:o,s:o}", "article_id", (json_int_t)f->article_id,
                      "article_date", nullable_str(f->article_date), "reconciliation",
                      f->reconciliation, "cue", nullable_str(f->cue), "why", nullable_str(f->why));
        char *after = dump_or_abort(o);
        json_decref(o);
        rc = store_audit_add(s, actor, "event.followup", "event", oid, NULL, after, err);
        free(after);
    }
    return store_tx_end(s, rc, err);
}

static void followup_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_followup *f = row;
    memset(f, 0, sizeof(*f));
    f->event_id = db_column_int64(st, 0);
    f->article_id = db_column_int64(st, 1);
    f->article_date = store_column_arena(a, st, 2, oom);
    f->reconciliation = (int)db_column_int64(st, 3) != 0;
    f->cue = store_column_arena(a, st, 4, oom);
    f->why = store_column_arena(a, st, 5, oom);
    f->score = db_column_double(st, 6);
    f->added_at = db_column_int64(st, 7);
    f->role = store_column_arena(a, st, 8, oom);
    f->source_type = store_column_arena(a, st, 9, oom);
    f->url = store_column_arena(a, st, 10, oom);
    f->title = store_column_arena(a, st, 11, oom);
    f->published = store_column_arena(a, st, 12, oom);
}

int store_followup_list(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_followup **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = prepare(s,
                     "SELECT f.event_id, f.article_id, f.article_date, f.reconciliation, f.cue,"
                     " f.why, f.score, f.added_at, a.role, a.source_type, a.url, a.title,"
                     " a.published FROM event_followups f JOIN articles a ON a.id = f.article_id"
                     " WHERE f.event_id = ?1"
                     " ORDER BY f.article_date IS NULL, f.article_date, f.added_at, f.article_id",
                     &st, "list follow-ups", err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, event_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), followup_row, "list follow-ups",
                       "follow-ups do not fit in memory limit", err);
    db_finalize(st);
    *out = rows;
    return rc;
}

#define PROPOSAL_COLS                                                                              \
    "p.id, p.event_id, p.article_id, p.phase, p.note, p.state, p.proposed_by, p.created_at,"       \
    " p.case_id, p.decided_by, p.decision_note, p.decided_at, a.title, a.url"                      \
    " FROM phase_proposals p LEFT JOIN articles a ON a.id = p.article_id"

static void proposal_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_proposal *p = row;
    memset(p, 0, sizeof(*p));
    p->id = db_column_int64(st, 0);
    p->event_id = db_column_int64(st, 1);
    p->article_id = db_column_int64(st, 2);
    p->phase = store_column_arena(a, st, 3, oom);
    p->note = store_column_arena(a, st, 4, oom);
    p->state = store_column_arena(a, st, 5, oom);
    p->proposed_by = store_column_arena(a, st, 6, oom);
    p->created_at = db_column_int64(st, 7);
    p->case_id = db_column_int64(st, 8);
    p->decided_by = store_column_arena(a, st, 9, oom);
    p->decision_note = store_column_arena(a, st, 10, oom);
    p->decided_at = db_column_int64(st, 11);
    p->article_title = store_column_arena(a, st, 12, oom);
    p->article_url = store_column_arena(a, st, 13, oom);
}

int store_proposal_open(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_proposal *out, struct error *err)
{
    struct db_stmt *st;
    int rc = prepare(s, "SELECT " PROPOSAL_COLS " WHERE p.event_id = ?1 AND p.state = 'open'", &st,
                     "read proposal", err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, event_id);
    rc = store_get_row(s, st, arena, out, proposal_row, "open proposal for event", event_id,
                       "read proposal", "proposal does not fit in memory limit", err);
    db_finalize(st);
    return rc;
}

int store_proposal_list(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_proposal **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = prepare(s, "SELECT " PROPOSAL_COLS " WHERE p.event_id = ?1 ORDER BY p.id DESC", &st,
                     "list proposals", err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, event_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), proposal_row, "list proposals",
                       "proposals do not fit in memory limit", err);
    db_finalize(st);
    *out = rows;
    return rc;
}

int store_proposal_add(struct store *s, const struct store_proposal *p,
                       const struct store_actor *actor, int64_t *id, bool *existed,
                       struct error *err)
{
    int64_t tmp_id;
    bool tmp_existed;
    if (!id)
        id = &tmp_id;
    if (!existed)
        existed = &tmp_existed;
    *id = 0;
    *existed = false;
    int rc = event_phase_check(p->phase, err);
    if (rc != 0)
        return rc;
    if (!p->note || !*p->note)
        return error_set(err, WSP_EINVAL, "a proposal needs a note");
    struct arena a;
    arena_init(&a, 1 << 20);
    rc = store_tx_begin(s, err);
    if (rc != 0)
        goto done;
    struct store_proposal open;
    struct error e2 = {0};
    rc = store_proposal_open(s, p->event_id, &a, &open, &e2);
    if (rc == 0) {
        *id = open.id;
        *existed = true;
        goto out;
    }
    if (rc != WSP_ENOTFOUND) {
        if (err)
            *err = e2;
        goto out;
    }
    struct db_stmt *st;
    rc = prepare(s,
                 "INSERT INTO phase_proposals (event_id, article_id, phase, note, state,"
                 " proposed_by, created_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6) RETURNING id",
                 &st, "add proposal", err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, p->event_id);
    if (p->article_id)
        db_bind_int64(st, 2, p->article_id);
    else
        db_bind_null(st, 2);
    stmt_bind_text(st, 3, p->phase);
    stmt_bind_text(st, 4, p->note);
    stmt_bind_text(st, 5, store_actor_name(actor));
    db_bind_int64(st, 6, time_now());
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    db_finalize(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "add proposal", NULL,
                        "unknown event or article for the proposal");
        goto out;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, p->event_id);
    json_t *o =
        json_pack("{s:I,s:s,s:s,s:o}", "proposal_id", (json_int_t)*id, "phase", p->phase, "note",
                  p->note, "article_id", p->article_id ? json_integer(p->article_id) : json_null());
    char *after = dump_or_abort(o);
    json_decref(o);
    rc = store_audit_add(s, actor, "proposal.add", "event", oid, NULL, after, err);
    free(after);
out:
    rc = store_tx_end(s, rc, err);
    if (rc != 0) {
        *id = 0;
        *existed = false;
    }
done:
    arena_release(&a);
    return rc;
}
