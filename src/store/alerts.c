/* Alerts of the early-warning engine, their history and workflow, the event change feed the
 * server's warn service follows, declared conflict statuses and event counts for the risk
 * views (schema v5; the unverified mark, v7; the first response, v14). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define ALERT_COLS                                                                                 \
    "id, region_code, level, max_level, status, is_open, retracted, first_day, last_day,"          \
    " close_day, score, method, explanation_id, explanation_en, event_ids, escalated_to,"          \
    " escalated_at, acked_at, acked_by, closed_at, closed_by, created_at, updated_at,"             \
    " unverified, verified_at,"                                                                    \
    " (SELECT MIN(r.created_at) FROM alert_responses r WHERE r.alert_id = alerts.id)"
#define ALERT_LIMIT_DEFAULT 50

static const char *const levels[] = {"normal", "waspada", "siaga", "awas"};
static const char *const statuses[] = {"baru", "ditindaklanjuti", "selesai"};

static int level_rank(const char *s)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(levels); i++)
        if (str_eq(s, levels[i]))
            return (int)i;
    return -1;
}

bool store_alert_status_valid(const char *status)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(statuses); i++)
        if (str_eq(status, statuses[i]))
            return true;
    return false;
}

static bool code_ok(const char *c)
{
    if (!c || !*c || strlen(c) > 30)
        return false;
    for (const char *p = c; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == 'I' || *p == 'D'))
            return false;
    return true;
}

static int check_engine(const struct store_alert *a, struct error *err)
{
    if (!code_ok(a->region_code))
        return error_set(err, WSP_EINVAL, "bad alert region '%s'",
                         a->region_code ? a->region_code : "");
    if (level_rank(a->level) < 0 || level_rank(a->max_level) < 0)
        return error_set(err, WSP_EINVAL, "unknown alert level '%s'", a->level ? a->level : "");
    if (!date_iso_valid(a->first_day) || !date_iso_valid(a->last_day) ||
        (a->close_day && !date_iso_valid(a->close_day)))
        return error_set(err, WSP_EINVAL, "alert days must be YYYY-MM-DD");
    return 0;
}

static char *alert_audit_json(const struct store_alert *a)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:b}", "region_code", a->region_code, "level",
                          a->level, "max_level", a->max_level, "open", a->is_open, "first_day",
                          a->first_day, "last_day", a->last_day, "unverified", a->unverified);
    if (a->status)
        json_object_set_new(o, "status", json_string(a->status));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort();
    return s;
}

static int history_add(struct store *s, int64_t alert_id, const char *kind, const char *level,
                       const char *day, const char *note, const struct store_actor *actor,
                       struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_HISTORY_INSERT,
                      "INSERT INTO alert_history (alert_id, at, kind, level, day, note, username)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, alert_id);
    db_bind_int64(st, 2, time_now());
    stmt_bind_text(st, 3, kind);
    stmt_bind_text(st, 4, level);
    stmt_bind_text(st, 5, day);
    stmt_bind_text(st, 6, note && *note ? note : NULL);
    stmt_bind_text(st, 7, store_actor_name(actor));
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "add alert history", NULL, "unknown alert");
    return 0;
}

static int audit(struct store *s, const struct store_actor *actor, const char *action, int64_t id,
                 const char *before, const char *after, struct error *err)
{
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, id);
    return store_audit_add(s, actor, action, "alert", oid, before, after, err);
}

int store_alert_create(struct store *s, const struct store_alert *a,
                       const struct store_actor *actor, int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    *id = 0;
    int rc = check_engine(a, err);
    if (rc != 0)
        return rc;
    if ((rc = store_tx_begin(s, err)) != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_ALERT_INSERT,
                  "INSERT INTO alerts (region_code, level, max_level, status, is_open, retracted,"
                  " first_day, last_day, close_day, score, method, explanation_id,"
                  " explanation_en, event_ids, created_at, updated_at, unverified, verified_at)"
                  " VALUES (?1, ?2, ?3, 'baru', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                  " ?14, ?15, CASE WHEN CAST(?15 AS BIGINT) = 1 THEN NULL"
                  " ELSE CAST(?14 AS BIGINT) END) RETURNING id",
                  &st, err);
    if (rc == 0) {
        stmt_bind_text(st, 1, a->region_code);
        stmt_bind_text(st, 2, a->level);
        stmt_bind_text(st, 3, a->max_level);
        db_bind_int64(st, 4, a->is_open ? 1 : 0);
        db_bind_int64(st, 5, a->retracted ? 1 : 0);
        stmt_bind_text(st, 6, a->first_day);
        stmt_bind_text(st, 7, a->last_day);
        stmt_bind_text(st, 8, a->close_day);
        db_bind_double(st, 9, a->score);
        stmt_bind_text(st, 10, a->method ? a->method : "none");
        stmt_bind_text(st, 11, a->explanation_id ? a->explanation_id : "");
        stmt_bind_text(st, 12, a->explanation_en ? a->explanation_en : "");
        stmt_bind_text(st, 13, a->event_ids_json ? a->event_ids_json : "[]");
        db_bind_int64(st, 14, time_now());
        db_bind_int64(st, 15, a->unverified ? 1 : 0);
        int src = db_step(st);
        if (src == DB_ROW) {
            *id = db_column_int64(st, 0);
            src = db_step(st);
        }
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "add alert", NULL, NULL);
    }
    if (rc == 0)
        rc = history_add(s, *id, "opened", a->level, a->first_day, NULL, actor, err);
    if (rc == 0) {
        struct store_alert row = *a;
        row.status = "baru";
        char *after = alert_audit_json(&row);
        rc = audit(s, actor, "alert.open", *id, NULL, after, err);
        free(after);
    }
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

static void read_alert(struct db_stmt *st, struct arena *ar, struct store_alert *a, bool *oom)
{
    memset(a, 0, sizeof(*a));
    a->id = db_column_int64(st, 0);
    a->region_code = store_column_arena(ar, st, 1, oom);
    a->level = store_column_arena(ar, st, 2, oom);
    a->max_level = store_column_arena(ar, st, 3, oom);
    a->status = store_column_arena(ar, st, 4, oom);
    a->is_open = (int)db_column_int64(st, 5) != 0;
    a->retracted = (int)db_column_int64(st, 6) != 0;
    a->first_day = store_column_arena(ar, st, 7, oom);
    a->last_day = store_column_arena(ar, st, 8, oom);
    a->close_day = store_column_arena(ar, st, 9, oom);
    a->score = db_column_double(st, 10);
    a->method = store_column_arena(ar, st, 11, oom);
    a->explanation_id = store_column_arena(ar, st, 12, oom);
    a->explanation_en = store_column_arena(ar, st, 13, oom);
    a->event_ids_json = store_column_arena(ar, st, 14, oom);
    a->escalated_to = store_column_arena(ar, st, 15, oom);
    a->escalated_at = db_column_int64(st, 16);
    a->acked_at = db_column_int64(st, 17);
    a->acked_by = store_column_arena(ar, st, 18, oom);
    a->closed_at = db_column_int64(st, 19);
    a->closed_by = store_column_arena(ar, st, 20, oom);
    a->created_at = db_column_int64(st, 21);
    a->updated_at = db_column_int64(st, 22);
    a->unverified = (int)db_column_int64(st, 23) != 0;
    a->verified_at = db_column_int64(st, 24);
    a->responded_at = db_column_is_null(st, 25) ? 0 : db_column_int64(st, 25);
}

static void alert_row(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    read_alert(st, ar, row, oom);
}

int store_alert_get(struct store *s, int64_t id, struct arena *arena, struct store_alert *out,
                    struct error *err)
{
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_ALERT_BY_ID, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?1", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, arena, out, alert_row, "alert", id, "read alert",
                         "alert does not fit in memory limit", err);
}

/* ---- engine updates ----------------------------------------------------------------------- */

int store_alert_update_engine(struct store *s, const struct store_alert *a, const char *kind,
                              const char *level, const char *day, const struct store_actor *actor,
                              struct error *err)
{
    int rc = check_engine(a, err);
    if (rc != 0)
        return rc;
    if ((rc = store_tx_begin(s, err)) != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_ALERT_UPDATE_EPISODE,
                  "UPDATE alerts SET level = ?2, max_level = ?3, is_open = ?4, retracted = ?5,"
                  " first_day = ?6, last_day = ?7, close_day = ?8, score = ?9, method = ?10,"
                  " explanation_id = ?11, explanation_en = ?12, event_ids = ?13, updated_at = ?14,"
                  " unverified = ?15,"
                  " verified_at = CASE WHEN CAST(?15 AS BIGINT) = 1 THEN NULL"
                  " ELSE COALESCE(verified_at, ?14) END"
                  " WHERE id = ?1",
                  &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, a->id);
        stmt_bind_text(st, 2, a->level);
        stmt_bind_text(st, 3, a->max_level);
        db_bind_int64(st, 4, a->is_open ? 1 : 0);
        db_bind_int64(st, 5, a->retracted ? 1 : 0);
        stmt_bind_text(st, 6, a->first_day);
        stmt_bind_text(st, 7, a->last_day);
        stmt_bind_text(st, 8, a->close_day);
        db_bind_double(st, 9, a->score);
        stmt_bind_text(st, 10, a->method ? a->method : "none");
        stmt_bind_text(st, 11, a->explanation_id ? a->explanation_id : "");
        stmt_bind_text(st, 12, a->explanation_en ? a->explanation_en : "");
        stmt_bind_text(st, 13, a->event_ids_json ? a->event_ids_json : "[]");
        db_bind_int64(st, 14, time_now());
        db_bind_int64(st, 15, a->unverified ? 1 : 0);
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "update alert", NULL, NULL);
        else if (db_changes(s->db) == 0)
            rc = error_set(err, WSP_ENOTFOUND, "no alert with id '%" PRId64 "'", a->id);
    }
    if (rc == 0 && kind)
        rc = history_add(s, a->id, kind, level, day, NULL, actor, err);
    if (rc == 0) {
        char *after = alert_audit_json(a);
        char action[32];
        snprintf(action, sizeof(action), "alert.%s", kind ? kind : "sync");
        rc = audit(s, actor, action, a->id, NULL, after, err);
        free(after);
    }
    return store_tx_end(s, rc, err);
}

/* ---- workflow ----------------------------------------------------------------------------- */

static int workflow(struct store *s, int64_t id, enum store_stmt_id sid, const char *sql,
                    const char *kind, const char *want, const char *to, const char *note,
                    const struct store_actor *actor, struct error *err)
{
    if (note && !utf8_valid(note, strlen(note)))
        return error_set(err, WSP_EINVAL, "note is not valid utf-8");
    struct arena ar;
    arena_init(&ar, 0);
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        goto done;
    struct store_alert old;
    if ((rc = store_alert_get(s, id, &ar, &old, err)) != 0)
        goto out;
    if (!strstr(want, old.status) || str_eq(old.status, to)) {
        rc = error_set(err, WSP_EEXIST, "alert %" PRId64 " is '%s'; %s needs %s", id, old.status,
                       kind, want);
        goto out;
    }
    struct db_stmt *st;
    if ((rc = stmt_get(s, sid, sql, &st, err)) != 0)
        goto out;
    int64_t now = time_now();
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, now);
    stmt_bind_text(st, 3, store_actor_name(actor));
    stmt_bind_text(st, 4, old.status);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "change alert status", NULL, NULL);
        goto out;
    }
    if (db_changes(s->db) == 0) {
        rc = error_set(err, WSP_EEXIST, "alert %" PRId64 " changed meanwhile", id);
        goto out;
    }
    if ((rc = history_add(s, id, kind, NULL, NULL, note, actor, err)) != 0)
        goto out;
    json_t *b = json_pack("{s:s}", "status", old.status);
    json_t *a = json_pack("{s:s,s:o}", "status", to, "note",
                          note && *note ? json_string(note) : json_null());
    char *bs = json_dumps(b, JSON_COMPACT), *as = json_dumps(a, JSON_COMPACT);
    json_decref(b);
    json_decref(a);
    char action[32];
    snprintf(action, sizeof(action), "alert.%s", kind);
    rc = audit(s, actor, action, id, bs, as, err);
    free(bs);
    free(as);
out:
    rc = store_tx_end(s, rc, err);
done:
    arena_release(&ar);
    return rc;
}

int store_alert_ack(struct store *s, int64_t id, const char *note, const struct store_actor *actor,
                    struct error *err)
{
    return workflow(s, id, STMT_ALERT_ACK,
                    "UPDATE alerts SET status = 'ditindaklanjuti', acked_at = ?2, acked_by = ?3,"
                    " updated_at = ?2 WHERE id = ?1 AND status = ?4",
                    "ack", "'baru'", "ditindaklanjuti", note, actor, err);
}

int store_alert_close(struct store *s, int64_t id, const char *note,
                      const struct store_actor *actor, struct error *err)
{
    return workflow(s, id, STMT_ALERT_CLOSE,
                    "UPDATE alerts SET status = 'selesai', closed_at = ?2, closed_by = ?3,"
                    " updated_at = ?2 WHERE id = ?1 AND status = ?4",
                    "close", "'baru' or 'ditindaklanjuti'", "selesai", note, actor, err);
}

int store_alert_escalate(struct store *s, int64_t id, const char *from, const char *to,
                         const char *note, const struct store_actor *actor, struct error *err)
{
    if (!str_eq(to, "province") && !str_eq(to, "national"))
        return error_set(err, WSP_EINVAL, "cannot escalate to '%s'", to ? to : "");
    if (from && !str_eq(from, "province"))
        return error_set(err, WSP_EINVAL, "cannot escalate from '%s'", from);
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_ALERT_ESCALATE,
                  "UPDATE alerts SET escalated_to = ?2, escalated_at = ?3, updated_at = ?3"
                  " WHERE id = ?1 AND COALESCE(escalated_to, '') = ?4"
                  " AND status IN ('baru', 'ditindaklanjuti') AND NOT EXISTS"
                  " (SELECT 1 FROM alert_responses r WHERE r.alert_id = alerts.id)",
                  &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, to);
        db_bind_int64(st, 3, time_now());
        stmt_bind_text(st, 4, from ? from : "");
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "escalate alert", NULL, NULL);
        else if (db_changes(s->db) == 0)
            rc = error_set(err, WSP_EEXIST,
                           "alert %" PRId64 " is unknown, answered, closed or no longer"
                           " escalated to '%s'",
                           id, from ? from : "nobody");
    }
    if (rc == 0)
        rc = history_add(s, id, "escalate", NULL, NULL, note ? note : to, actor, err);
    if (rc == 0) {
        char before[48], after[48];
        snprintf(before, sizeof(before), "{\"escalated_to\":%s%s%s}", from ? "\"" : "",
                 from ? from : "null", from ? "\"" : "");
        snprintf(after, sizeof(after), "{\"escalated_to\":\"%s\"}", to);
        rc = audit(s, actor, "alert.escalate", id, before, after, err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- list --------------------------------------------------------------------------------- */

int store_alert_list(struct store *s, const struct store_alert_query *q, struct arena *arena,
                     struct store_alert **out, size_t *n, size_t *total, struct error *err)
{
    *out = NULL;
    *n = 0;
    if (total)
        *total = 0;
    struct store_alert_query none = {.open = -1};
    if (!q)
        q = &none;
    size_t limit = q->limit ? q->limit : ALERT_LIMIT_DEFAULT;
    const char *scope = q->scope && *q->scope ? q->scope : NULL;
    const char *region = q->region && *q->region ? q->region : NULL;
    if ((scope && !code_ok(scope)) || (region && !code_ok(region)))
        return error_set(err, WSP_EINVAL, "bad region code");
    int minl = q->min_level ? level_rank(q->min_level) : -1;
    if (q->min_level && minl < 0)
        return error_set(err, WSP_EINVAL, "unknown level '%s'", q->min_level);
    if (q->status && !store_alert_status_valid(q->status))
        return error_set(err, WSP_EINVAL, "unknown alert status '%s'", q->status);
    if ((q->from && !date_iso_valid(q->from)) || (q->to && !date_iso_valid(q->to)))
        return error_set(err, WSP_EINVAL, "dates must be YYYY-MM-DD");
    char slo[40], shi[40], rlo[40], rhi[40];
    struct buf where, sql;
    buf_init(&where, 4096);
    buf_init(&sql, 8192);
    /* The filters' parameters are numbered in order, none left out: PostgreSQL cannot type a
     * parameter the statement does not use. */
    int np = 0, p_scope = 0, p_region = 0, p_minl = 0, p_status = 0, p_from = 0, p_to = 0,
        p_open = 0;
    char cond[160];
    if (scope) {
        store_prefix_bounds(scope, slo, shi);
        p_scope = np + 1;
        np += 3;
        snprintf(cond, sizeof(cond),
                 "(region_code = ?%d OR (region_code >= ?%d AND region_code < ?%d))", p_scope,
                 p_scope + 1, p_scope + 2);
        store_where_add(&where, cond);
    }
    if (region) {
        store_prefix_bounds(region, rlo, rhi);
        p_region = np + 1;
        np += 3;
        snprintf(cond, sizeof(cond),
                 "(region_code = ?%d OR (region_code >= ?%d AND region_code < ?%d))", p_region,
                 p_region + 1, p_region + 2);
        store_where_add(&where, cond);
    }
    if (minl > 0) {
        snprintf(cond, sizeof(cond),
                 "(CASE max_level WHEN 'waspada' THEN 1 WHEN 'siaga' THEN 2"
                 " WHEN 'awas' THEN 3 ELSE 0 END) >= ?%d",
                 p_minl = ++np);
        store_where_add(&where, cond);
    }
    if (q->status) {
        snprintf(cond, sizeof(cond), "status = ?%d", p_status = ++np);
        store_where_add(&where, cond);
    }
    if (q->from) {
        snprintf(cond, sizeof(cond), "COALESCE(close_day, last_day) >= ?%d", p_from = ++np);
        store_where_add(&where, cond);
    }
    if (q->to) {
        snprintf(cond, sizeof(cond), "first_day <= ?%d", p_to = ++np);
        store_where_add(&where, cond);
    }
    if (q->open >= 0) {
        snprintf(cond, sizeof(cond), "is_open = ?%d", p_open = ++np);
        store_where_add(&where, cond);
    }
    if (!q->with_retracted)
        store_where_add(&where, "retracted = 0");
    if (q->answered == 1 || q->answered == 2)
        store_where_add(&where, q->answered == 1 ? "EXISTS (SELECT 1 FROM alert_responses r"
                                                   " WHERE r.alert_id = alerts.id)"
                                                 : "NOT EXISTS (SELECT 1 FROM alert_responses r"
                                                   " WHERE r.alert_id = alerts.id)");
    int rc = 0;
    struct db_stmt *st = NULL;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        buf_reset(&sql);
        if (pass == 0)
            buf_printf(&sql, "SELECT COUNT(*) FROM alerts%s", buf_cstr(&where));
        else
            buf_printf(&sql,
                       "SELECT " ALERT_COLS " FROM alerts%s ORDER BY first_day DESC, id DESC"
                       " LIMIT ?%d OFFSET ?%d",
                       buf_cstr(&where), np + 1, np + 2);
        int src = db_prepare(s->db, buf_cstr(&sql), false, &st);
        if (src != DB_OK) {
            rc = store_fail(s, src, err, "list alerts", NULL, NULL);
            break;
        }
        if (scope) {
            stmt_bind_text(st, p_scope, scope);
            stmt_bind_text(st, p_scope + 1, slo);
            stmt_bind_text(st, p_scope + 2, shi);
        }
        if (region) {
            stmt_bind_text(st, p_region, region);
            stmt_bind_text(st, p_region + 1, rlo);
            stmt_bind_text(st, p_region + 2, rhi);
        }
        if (p_minl)
            db_bind_int64(st, p_minl, minl);
        if (p_status)
            stmt_bind_text(st, p_status, q->status);
        if (p_from)
            stmt_bind_text(st, p_from, q->from);
        if (p_to)
            stmt_bind_text(st, p_to, q->to);
        if (p_open)
            db_bind_int64(st, p_open, q->open ? 1 : 0);
        if (pass == 0) {
            src = db_step(st);
            int64_t count = src == DB_ROW ? db_column_int64(st, 0) : 0;
            if (src != DB_ROW)
                rc = store_fail(s, src, err, "count alerts", NULL, NULL);
            else if (total)
                *total = (size_t)count;
            db_finalize(st);
            st = NULL;
            if (rc == 0 && (count == 0 || q->offset >= (size_t)count))
                break;
            continue;
        }
        db_bind_int64(st, np + 1, (int64_t)(limit > (size_t)INT32_MAX ? INT32_MAX : limit));
        db_bind_int64(st, np + 2, (int64_t)q->offset);
        struct store_alert *rows = arena_alloc(arena, limit * sizeof(*rows));
        bool oom = rows == NULL;
        size_t len = 0;
        while (!oom && len < limit && (src = db_step(st)) == DB_ROW)
            read_alert(st, arena, &rows[len++], &oom);
        if (oom)
            rc = error_set(err, WSP_ENOMEM, "alert list does not fit in memory limit");
        else if (len < limit && src != DB_DONE)
            rc = store_fail(s, src, err, "list alerts", NULL, NULL);
        if (rc == 0) {
            *out = rows;
            *n = len;
        }
    }
    db_finalize(st);
    buf_release(&where);
    buf_release(&sql);
    return rc;
}

/* A store_row_fn for struct store_alert_history. */
static void history_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_alert_history *h = row;
    h->id = db_column_int64(st, 0);
    h->alert_id = db_column_int64(st, 1);
    h->at = db_column_int64(st, 2);
    h->kind = store_column_arena(a, st, 3, oom);
    h->level = store_column_arena(a, st, 4, oom);
    h->day = store_column_arena(a, st, 5, oom);
    h->note = store_column_arena(a, st, 6, oom);
    h->username = store_column_arena(a, st, 7, oom);
}

int store_alert_history_list(struct store *s, int64_t alert_id, struct arena *arena,
                             struct store_alert_history **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_HISTORY,
                      "SELECT id, alert_id, at, kind, level, day, note, username FROM alert_history"
                      " WHERE alert_id = ?1 ORDER BY id",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, alert_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), history_read, "read alert history",
                       "alert history does not fit in memory limit", err);
    *out = rows;
    return rc;
}

/* ---- alert feed --------------------------------------------------------------------------- */

#define ALERT_FEED_DEFAULT 500

/* A store_row_fn for struct store_alert_change: the alert's columns, then the history row's. */
static void feed_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_alert_change *c = row;
    read_alert(st, a, &c->alert, oom);
    c->id = db_column_int64(st, 26);
    c->at = db_column_int64(st, 27);
    c->kind = store_column_arena(a, st, 28, oom);
}

int store_alert_feed(struct store *s, int64_t after, int64_t upto, const char *scope, size_t max,
                     struct arena *arena, struct store_alert_change **out, size_t *n,
                     struct error *err)
{
    *out = NULL;
    *n = 0;
    if (max == 0)
        max = ALERT_FEED_DEFAULT;
    if (scope && !*scope)
        scope = NULL;
    if (scope && !code_ok(scope))
        return error_set(err, WSP_EINVAL, "bad region code");
    char lo[40], hi[40];
    if (scope)
        store_prefix_bounds(scope, lo, hi);
    struct db_stmt *st;
    int rc = stmt_get(
        s, STMT_ALERT_FEED,
        "SELECT a.id, a.region_code, a.level, a.max_level, a.status, a.is_open, a.retracted,"
        " a.first_day, a.last_day, a.close_day, a.score, a.method, a.explanation_id,"
        " a.explanation_en, a.event_ids, a.escalated_to, a.escalated_at, a.acked_at, a.acked_by,"
        " a.closed_at, a.closed_by, a.created_at, a.updated_at, a.unverified, a.verified_at,"
        " (SELECT MIN(r.created_at) FROM alert_responses r WHERE r.alert_id = a.id),"
        " h.id, h.at, h.kind"
        " FROM alert_history h JOIN alerts a ON a.id = h.alert_id"
        " WHERE h.id > ?1 AND (CAST(?2 AS BIGINT) <= 0 OR h.id <= ?2)"
        " AND (CAST(?3 AS TEXT) IS NULL OR a.region_code = ?3"
        "  OR (a.region_code >= ?4 AND a.region_code < ?5))"
        " ORDER BY h.id LIMIT ?6",
        &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, after);
    db_bind_int64(st, 2, upto);
    if (scope) {
        stmt_bind_text(st, 3, scope);
        stmt_bind_text(st, 4, lo);
        stmt_bind_text(st, 5, hi);
    }
    db_bind_int64(st, 6, (int64_t)(max > (size_t)INT32_MAX ? INT32_MAX : max));
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), feed_read, "read alert feed",
                       "alert feed does not fit in memory limit", err);
    *out = rows;
    return rc;
}

int store_alert_feed_last(struct store *s, int64_t *id, struct error *err)
{
    *id = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_FEED_LAST, "SELECT COALESCE(MAX(id), 0) FROM alert_history",
                      &st, err);
    if (rc != 0)
        return rc;
    int src = db_step(st);
    if (src == DB_ROW)
        *id = db_column_int64(st, 0);
    stmt_done(st);
    if (src != DB_ROW)
        return store_fail(s, src, err, "read alert feed", NULL, NULL);
    return 0;
}

/* ---- event change feed -------------------------------------------------------------------- */

int store_event_changes(struct store *s, int64_t after, size_t max, struct arena *arena,
                        struct store_event_change **out, size_t *n, int64_t *next,
                        struct error *err)
{
    *out = NULL;
    *n = 0;
    *next = after;
    if (max == 0)
        max = 1000;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_ALERT_CHANGES,
                 "SELECT c.seq, c.deleted, c.event_id, e.category, e.province_code, e.regency_code,"
                 " e.place_code, e.event_date, e.killed, e.injured, e.women_children_victims,"
                 " e.confidence, e.status, e.detail_json, e.created_at, e.updated_at"
                 " FROM event_changes c LEFT JOIN events e ON e.id = c.event_id"
                 " WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2",
                 &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, after);
    db_bind_int64(st, 2, (int64_t)(max > (size_t)INT32_MAX ? INT32_MAX : max));
    struct store_event_change *rows = arena_alloc(arena, max * sizeof(*rows));
    bool oom = rows == NULL;
    size_t len = 0;
    int src = DB_DONE;
    while (!oom && len < max && (src = db_step(st)) == DB_ROW) {
        struct store_event_change *c = &rows[len++];
        memset(c, 0, sizeof(*c));
        c->seq = db_column_int64(st, 0);
        c->ev.id = db_column_int64(st, 2);
        c->deleted = (int)db_column_int64(st, 1) != 0 || db_column_is_null(st, 3);
        if (c->deleted)
            continue;
        struct store_event *e = &c->ev;
        e->category = store_column_arena(arena, st, 3, &oom);
        e->province_code = store_column_arena(arena, st, 4, &oom);
        e->regency_code = store_column_arena(arena, st, 5, &oom);
        e->place_code = store_column_arena(arena, st, 6, &oom);
        e->event_date = store_column_arena(arena, st, 7, &oom);
        e->killed = db_column_is_null(st, 8) ? -1 : (long)db_column_int64(st, 8);
        e->injured = db_column_is_null(st, 9) ? -1 : (long)db_column_int64(st, 9);
        e->women_children_victims = (int)db_column_int64(st, 10) != 0;
        e->confidence = db_column_double(st, 11);
        e->status = store_column_arena(arena, st, 12, &oom);
        e->detail_json = store_column_arena(arena, st, 13, &oom);
        e->created_at = db_column_int64(st, 14);
        e->updated_at = db_column_int64(st, 15);
    }
    stmt_done(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "event changes do not fit in memory limit");
    if (len < max && src != DB_DONE)
        return store_fail(s, src, err, "read event changes", NULL, NULL);
    *out = rows;
    *n = len;
    if (len)
        *next = rows[len - 1].seq;
    return 0;
}

/* A store_row_fn for struct store_declared_status. */
static void declared_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_declared_status *d = row;
    d->region_code = store_column_arena(a, st, 0, oom);
    d->start = store_column_arena(a, st, 1, oom);
    d->end = store_column_arena(a, st, 2, oom);
}

int store_declared_statuses(struct store *s, struct arena *arena,
                            struct store_declared_status **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_DECLARED,
                      "SELECT region_code, skk_start, skk_end FROM cases"
                      " WHERE skk_start IS NOT NULL ORDER BY region_code, skk_start, id",
                      &st, err);
    if (rc != 0)
        return rc;
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), declared_read,
                       "read declared statuses", "declared statuses do not fit in memory limit",
                       err);
    *out = rows;
    return rc;
}
