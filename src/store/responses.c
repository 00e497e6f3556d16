/* Responses to alerts (schema v14; issue 16): the RAD actions an officer activated on an
 * alert, a note, who and when; and the answer times the compliance view counts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define RESPONSE_ACTIONS_MAX 200

/* Prepare sql (not cached: these run a few times per request), or fail for `what`. */
static int prepare(struct store *s, const char *sql, const char *what, struct db_stmt **st,
                   struct error *err)
{
    int src = db_prepare(s->db, sql, false, st);
    if (src != DB_OK) {
        *st = NULL;
        return store_fail(s, src, err, what, NULL, NULL);
    }
    return 0;
}

/* Run a prepared write to its end. */
static int step_done(struct store *s, struct db_stmt *st, const char *what, const char *fk_msg,
                     struct error *err)
{
    int src = db_step(st);
    if (src == DB_ROW)
        src = db_step(st);
    return src == DB_DONE ? 0 : store_fail(s, src, err, what, NULL, fk_msg);
}

int store_alert_response_add(struct store *s, int64_t alert_id,
                             const struct store_alert_response *r, const struct store_actor *actor,
                             int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    *id = 0;
    if (r->note && !utf8_valid(r->note, strlen(r->note)))
        return error_set(err, WSP_EINVAL, "note is not valid utf-8");
    if (r->nactions > RESPONSE_ACTIONS_MAX)
        return error_set(err, WSP_EINVAL, "a response names at most %d actions",
                         RESPONSE_ACTIONS_MAX);
    for (size_t i = 0; i < r->nactions; i++) {
        const struct store_alert_response_action *a = &r->actions[i];
        if (a->action_id <= 0 || !a->phase || !a->kegiatan || !a->opd)
            return error_set(err, WSP_EINVAL, "response action %zu is incomplete", i + 1);
        for (size_t j = 0; j < i; j++)
            if (r->actions[j].action_id == a->action_id)
                return error_set(err, WSP_EINVAL, "action %" PRId64 " is named twice",
                                 a->action_id);
    }
    struct arena ar;
    arena_init(&ar, 0);
    struct db_stmt *st = NULL;
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        goto done;
    struct store_alert old;
    if ((rc = store_alert_get(s, alert_id, &ar, &old, err)) != 0)
        goto out;
    if (old.retracted) {
        rc = error_set(err, WSP_EEXIST, "alert %" PRId64 " was retracted: nothing to answer",
                       alert_id);
        goto out;
    }
    int64_t now = time_now();
    const char *who = store_actor_name(actor);
    if ((rc = prepare(s,
                      "INSERT INTO alert_responses (alert_id, note, username, created_at)"
                      " VALUES (?1, ?2, ?3, ?4) RETURNING id",
                      "add alert response", &st, err)) != 0)
        goto out;
    db_bind_int64(st, 1, alert_id);
    stmt_bind_text(st, 2, r->note && *r->note ? r->note : NULL);
    stmt_bind_text(st, 3, who);
    db_bind_int64(st, 4, now);
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    db_finalize(st);
    st = NULL;
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "add alert response", NULL, "unknown alert");
        goto out;
    }
    if ((rc = prepare(s,
                      "INSERT INTO alert_response_actions (response_id, action_id, phase,"
                      " kegiatan, opd) VALUES (?1, ?2, ?3, ?4, ?5)",
                      "add alert response action", &st, err)) != 0)
        goto out;
    json_t *ids = json_array();
    for (size_t i = 0; i < r->nactions && rc == 0; i++) {
        const struct store_alert_response_action *a = &r->actions[i];
        db_reset(st);
        db_bind_int64(st, 1, *id);
        db_bind_int64(st, 2, a->action_id);
        stmt_bind_text(st, 3, a->phase);
        stmt_bind_text(st, 4, a->kegiatan);
        stmt_bind_text(st, 5, a->opd);
        char fk[64];
        snprintf(fk, sizeof(fk), "unknown action %" PRId64, a->action_id);
        rc = step_done(s, st, "add alert response action", fk, err);
        json_array_append_new(ids, json_integer(a->action_id));
    }
    db_finalize(st);
    st = NULL;
    /* Answering is acknowledging: a baru alert is now ditindaklanjuti, by this officer. */
    if (rc == 0 && str_eq(old.status, "baru") &&
        (rc = prepare(s,
                      "UPDATE alerts SET status = 'ditindaklanjuti', acked_at = ?2, acked_by = ?3,"
                      " updated_at = ?2 WHERE id = ?1 AND status = 'baru'",
                      "acknowledge alert", &st, err)) == 0) {
        db_bind_int64(st, 1, alert_id);
        db_bind_int64(st, 2, now);
        stmt_bind_text(st, 3, who);
        rc = step_done(s, st, "acknowledge alert", NULL, err);
        db_finalize(st);
        st = NULL;
    }
    if (rc == 0 && (rc = prepare(s,
                                 "INSERT INTO alert_history (alert_id, at, kind, level, day, note,"
                                 " username) VALUES (?1, ?2, 'response', NULL, NULL, ?3, ?4)",
                                 "add alert history", &st, err)) == 0) {
        db_bind_int64(st, 1, alert_id);
        db_bind_int64(st, 2, now);
        stmt_bind_text(st, 3, r->note && *r->note ? r->note : NULL);
        stmt_bind_text(st, 4, who);
        rc = step_done(s, st, "add alert history", NULL, err);
        db_finalize(st);
        st = NULL;
    }
    if (rc == 0) {
        json_t *b = json_pack("{s:s}", "status", old.status);
        json_t *a =
            json_pack("{s:I,s:s,s:O,s:o}", "response_id", (json_int_t)*id, "status",
                      str_eq(old.status, "baru") ? "ditindaklanjuti" : old.status, "action_ids",
                      ids, "note", r->note && *r->note ? json_string(r->note) : json_null());
        char *bs = json_dumps(b, JSON_COMPACT), *as = json_dumps(a, JSON_COMPACT);
        json_decref(b);
        json_decref(a);
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, alert_id);
        rc = store_audit_add(s, actor, "alert.response", "alert", oid, bs, as, err);
        free(bs);
        free(as);
    }
    json_decref(ids);
out:
    db_finalize(st);
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
done:
    arena_release(&ar);
    return rc;
}

/* A store_row_fn for one response action with its response's id in front. */
struct action_row {
    int64_t response_id;
    struct store_alert_response_action a;
};

static void action_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct action_row *r = row;
    r->response_id = db_column_int64(st, 0);
    r->a.action_id = db_column_is_null(st, 1) ? 0 : db_column_int64(st, 1);
    r->a.phase = store_column_arena(a, st, 2, oom);
    r->a.kegiatan = store_column_arena(a, st, 3, oom);
    r->a.opd = store_column_arena(a, st, 4, oom);
}

static void response_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_alert_response *r = row;
    r->id = db_column_int64(st, 0);
    r->alert_id = db_column_int64(st, 1);
    r->note = store_column_arena(a, st, 2, oom);
    r->username = store_column_arena(a, st, 3, oom);
    r->created_at = db_column_int64(st, 4);
}

int store_alert_responses(struct store *s, int64_t alert_id, struct arena *arena,
                          struct store_alert_response **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = prepare(s,
                     "SELECT id, alert_id, note, username, created_at FROM alert_responses"
                     " WHERE alert_id = ?1 ORDER BY created_at, id",
                     "read alert responses", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, alert_id);
    void *rows;
    size_t nr;
    rc = store_collect(s, st, arena, &rows, &nr, sizeof(**out), response_read,
                       "read alert responses", "alert responses do not fit in memory limit", err);
    db_finalize(st);
    if (rc != 0 || nr == 0)
        return rc;
    struct store_alert_response *resp = rows;
    rc = prepare(s,
                 "SELECT x.response_id, x.action_id, x.phase, x.kegiatan, x.opd"
                 " FROM alert_response_actions x JOIN alert_responses r ON r.id = x.response_id"
                 " WHERE r.alert_id = ?1 ORDER BY x.response_id, x.id",
                 "read alert response actions", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, alert_id);
    size_t na;
    rc = store_collect(s, st, arena, &rows, &na, sizeof(struct action_row), action_read,
                       "read alert response actions",
                       "alert response actions do not fit in memory limit", err);
    db_finalize(st);
    if (rc != 0)
        return rc;
    struct action_row *acts = rows;
    /* Rows come by response: each response's actions are one run of the array. */
    for (size_t i = 0, k = 0; i < nr; i++) {
        size_t start = k;
        while (k < na && acts[k].response_id == resp[i].id)
            k++;
        if (k == start)
            continue;
        resp[i].actions = arena_alloc(arena, (k - start) * sizeof(*resp[i].actions));
        if (!resp[i].actions)
            return error_set(err, WSP_ENOMEM, "alert responses do not fit in memory limit");
        for (size_t j = start; j < k; j++)
            resp[i].actions[j - start] = acts[j].a;
        resp[i].nactions = k - start;
    }
    *out = resp;
    *n = nr;
    return 0;
}

static void answer_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_alert_answer *r = row;
    r->alert_id = db_column_int64(st, 0);
    r->region_code = store_column_arena(a, st, 1, oom);
    r->start_at = db_column_int64(st, 2);
    r->first_response_at = db_column_is_null(st, 3) ? 0 : db_column_int64(st, 3);
}

int store_alert_answers(struct store *s, const char *scope, const char *from, const char *to,
                        struct arena *arena, struct store_alert_answer **out, size_t *n,
                        struct error *err)
{
    *out = NULL;
    *n = 0;
    if (!date_iso_valid(from) || !date_iso_valid(to))
        return error_set(err, WSP_EINVAL, "dates must be YYYY-MM-DD");
    if (scope && !*scope)
        scope = NULL;
    char lo[40], hi[40];
    if (scope)
        store_prefix_bounds(scope, lo, hi);
    struct db_stmt *st;
    int rc = prepare(s,
                     "SELECT a.id, a.region_code, COALESCE(a.verified_at, a.created_at),"
                     " (SELECT MIN(r.created_at) FROM alert_responses r WHERE r.alert_id = a.id)"
                     " FROM alerts a WHERE a.retracted = 0 AND a.unverified = 0"
                     " AND a.first_day >= ?1 AND a.first_day <= ?2"
                     " AND (CAST(?3 AS TEXT) IS NULL OR a.region_code = ?3"
                     "  OR (a.region_code >= ?4 AND a.region_code < ?5))"
                     " ORDER BY a.id",
                     "read alert answers", &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, from);
    stmt_bind_text(st, 2, to);
    if (scope) {
        stmt_bind_text(st, 3, scope);
        stmt_bind_text(st, 4, lo);
        stmt_bind_text(st, 5, hi);
    } else {
        stmt_bind_text(st, 3, NULL);
        stmt_bind_text(st, 4, NULL);
        stmt_bind_text(st, 5, NULL);
    }
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), answer_read, "read alert answers",
                       "alert answers do not fit in memory limit", err);
    db_finalize(st);
    *out = rows;
    return rc;
}
