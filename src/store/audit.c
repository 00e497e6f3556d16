/* Audit log: who did what to which object, with before/after JSON, written in the same
 * transaction as the change it records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define AUDIT_COLS                                                                                 \
    "id, at, user_id, username, client, action, object_type, object_id, before_json, after_json"
#define AUDIT_DEFAULT_LIMIT 100

int store_audit_add(struct store *s, const struct store_actor *actor, const char *action,
                    const char *object_type, const char *object_id, const char *before_json,
                    const char *after_json, struct error *err)
{
    if (!action || !*action)
        return error_set(err, WSP_EINVAL, "empty audit action");
    if (!object_type || !*object_type)
        return error_set(err, WSP_EINVAL, "empty object type in audit action '%s'", action);
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_AUDIT_INSERT,
                      "INSERT INTO audit_log (at, user_id, username, client, action, object_type,"
                      " object_id, before_json, after_json)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, time_now());
    if (actor && actor->user_id > 0)
        db_bind_int64(st, 2, actor->user_id);
    else
        db_bind_null(st, 2);
    stmt_bind_text(st, 3, store_actor_name(actor));
    stmt_bind_text(st, 4, actor ? actor->client : NULL);
    stmt_bind_text(st, 5, action);
    stmt_bind_text(st, 6, object_type);
    stmt_bind_text(st, 7, object_id);
    stmt_bind_text(st, 8, before_json);
    stmt_bind_text(st, 9, after_json);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "write audit row", NULL, NULL);
    return 0;
}

/* Filter bits; the SQL of each combination is built from these fixed fragments only (values
 * are always bound), and cached per combination so each one gets its own index plan. */
enum { F_ACTION = 1, F_OBJECT_TYPE = 2, F_OBJECT_ID = 4, F_USER = 8 };

/* The WHERE of the filters in mask, their parameters numbered ?1, ?2, ... in filter order
 * without gaps (PostgreSQL refuses a statement whose parameter numbers skip one). The number
 * of parameters used goes to *nparams. */
static void build_where(char *out, size_t outsz, unsigned mask, int *nparams)
{
    static const char *const column[STORE_AUDIT_FILTERS] = {"action", "object_type", "object_id",
                                                            "user_id"};
    size_t len = 0;
    int k = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < STORE_AUDIT_FILTERS; i++) {
        if (!(mask & (1u << i)))
            continue;
        int n = snprintf(out + len, outsz - len, "%s%s = ?%d", len ? " AND " : " WHERE ", column[i],
                         ++k);
        if (n > 0)
            len += (size_t)n;
    }
    *nparams = k;
}

/* Bind the filters in mask in build_where's order. */
static void bind_filters(struct db_stmt *st, const struct store_audit_query *q, unsigned mask)
{
    int k = 0;
    if (mask & F_ACTION)
        stmt_bind_text(st, ++k, q->action);
    if (mask & F_OBJECT_TYPE)
        stmt_bind_text(st, ++k, q->object_type);
    if (mask & F_OBJECT_ID)
        stmt_bind_text(st, ++k, q->object_id);
    if (mask & F_USER)
        db_bind_int64(st, ++k, q->user_id);
}

static char *arena_text(struct arena *a, struct db_stmt *st, int col, bool *oom)
{
    const char *v = db_column_text(st, col);
    if (!v)
        return NULL;
    char *r = arena_strdup(a, v);
    if (!r)
        *oom = true;
    return r;
}

int store_audit_list(struct store *s, const struct store_audit_query *q, struct arena *arena,
                     struct store_audit **out, size_t *n, size_t *total, struct error *err)
{
    *out = NULL;
    *n = 0;
    if (total)
        *total = 0;
    struct store_audit_query none = {0};
    if (!q)
        q = &none;
    unsigned mask = (q->action ? F_ACTION : 0) | (q->object_type ? F_OBJECT_TYPE : 0) |
                    (q->object_id ? F_OBJECT_ID : 0) | (q->user_id ? F_USER : 0);
    size_t limit = q->limit ? q->limit : AUDIT_DEFAULT_LIMIT;

    char where[160], sql[512];
    int nparams;
    build_where(where, sizeof(where), mask, &nparams);

    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log%s", where);
    int rc = stmt_get_slot(s, &s->audit_count[mask], sql, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st = s->audit_count[mask];
    bind_filters(st, q, mask);
    int src = db_step(st);
    int64_t count = src == DB_ROW ? db_column_int64(st, 0) : 0;
    stmt_done(st);
    if (src != DB_ROW)
        return store_fail(s, src, err, "count audit rows", NULL, NULL);
    if (total)
        *total = (size_t)count;
    if (count == 0 || q->offset >= (size_t)count)
        return 0;

    snprintf(sql, sizeof(sql),
             "SELECT " AUDIT_COLS " FROM audit_log%s ORDER BY id DESC LIMIT ?%d OFFSET ?%d", where,
             nparams + 1, nparams + 2);
    rc = stmt_get_slot(s, &s->audit_list[mask], sql, err);
    if (rc != 0)
        return rc;
    st = s->audit_list[mask];
    bind_filters(st, q, mask);
    db_bind_int64(st, nparams + 1,
                  (int64_t)(limit > (size_t)INT64_MAX ? (size_t)INT64_MAX : limit));
    db_bind_int64(st, nparams + 2, (int64_t)q->offset);

    size_t cap = (size_t)count - q->offset;
    if (cap > limit)
        cap = limit;
    struct store_audit *rows = arena_alloc(arena, cap * sizeof(*rows));
    bool oom = rows == NULL;
    size_t len = 0;
    while (!oom && len < cap && (src = db_step(st)) == DB_ROW) {
        struct store_audit *r = &rows[len++];
        r->id = db_column_int64(st, 0);
        r->at = db_column_int64(st, 1);
        r->user_id = db_column_int64(st, 2);
        r->username = arena_text(arena, st, 3, &oom);
        r->client = arena_text(arena, st, 4, &oom);
        r->action = arena_text(arena, st, 5, &oom);
        r->object_type = arena_text(arena, st, 6, &oom);
        r->object_id = arena_text(arena, st, 7, &oom);
        r->before_json = arena_text(arena, st, 8, &oom);
        r->after_json = arena_text(arena, st, 9, &oom);
    }
    stmt_done(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "audit list does not fit in memory limit");
    if (len < cap && src != DB_DONE)
        return store_fail(s, src, err, "list audit rows", NULL, NULL);
    *out = rows;
    *n = len;
    return 0;
}
