/* Webhook subscriptions for alerts and their delivery log (schema v5). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define WEBHOOK_COLS                                                                               \
    "id, url, region_prefix, min_level, active, created_by, created_at, updated_at, secret"
#define DELIVERY_COLS                                                                              \
    "d.id, d.webhook_id, d.alert_id, d.event, d.payload, d.state, d.attempt, d.status_code,"       \
    " d.error, d.next_attempt_at, d.delivered_at, d.created_at, d.updated_at"

static bool prefix_ok(const char *p)
{
    if (!p)
        return true;
    if (strlen(p) > 30)
        return false;
    for (const char *c = p; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '.'))
            return false;
    return true;
}

int store_webhook_add(struct store *s, const struct store_webhook *w,
                      const struct store_actor *actor, int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    *id = 0;
    if (!w->url || (!str_starts_with(w->url, "http://") && !str_starts_with(w->url, "https://")) ||
        strlen(w->url) > 2000)
        return error_set(err, WSP_EINVAL, "webhook url must start with http:// or https://");
    if (!w->secret || !*w->secret || strlen(w->secret) > 200)
        return error_set(err, WSP_EINVAL, "webhook secret must be 1..200 bytes");
    const char *lvl = w->min_level ? w->min_level : "waspada";
    if (!str_eq(lvl, "waspada") && !str_eq(lvl, "siaga") && !str_eq(lvl, "awas"))
        return error_set(err, WSP_EINVAL, "min_level must be waspada, siaga or awas, not '%s'",
                         lvl);
    if (!prefix_ok(w->region_prefix))
        return error_set(err, WSP_EINVAL, "bad region prefix '%s'", w->region_prefix);
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_ALERT_WEBHOOK_INSERT,
                  "INSERT INTO webhooks (url, secret, region_prefix, min_level, active,"
                  " created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?6)"
                  " RETURNING id",
                  &st, err);
    if (rc == 0) {
        stmt_bind_text(st, 1, w->url);
        stmt_bind_text(st, 2, w->secret);
        stmt_bind_text(st, 3, w->region_prefix ? w->region_prefix : "");
        stmt_bind_text(st, 4, lvl);
        stmt_bind_text(st, 5, store_actor_name(actor));
        db_bind_int64(st, 6, time_now());
        int src = db_step(st);
        if (src == DB_ROW) {
            *id = db_column_int64(st, 0);
            src = db_step(st);
        }
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "add webhook", NULL, NULL);
    }
    if (rc == 0) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "url", w->url, "region_prefix",
                              w->region_prefix ? w->region_prefix : "", "min_level", lvl);
        char *after = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, *id);
        rc = store_audit_add(s, actor, "webhook.add", "webhook", oid, NULL, after, err);
        free(after);
    }
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
    return rc;
}

static void read_webhook(struct db_stmt *st, struct arena *a, struct store_webhook *w, bool secret,
                         bool *oom)
{
    memset(w, 0, sizeof(*w));
    w->id = db_column_int64(st, 0);
    w->url = store_column_arena(a, st, 1, oom);
    w->region_prefix = store_column_arena(a, st, 2, oom);
    w->min_level = store_column_arena(a, st, 3, oom);
    w->active = (int)db_column_int64(st, 4) != 0;
    w->created_by = store_column_arena(a, st, 5, oom);
    w->created_at = db_column_int64(st, 6);
    w->updated_at = db_column_int64(st, 7);
    if (secret)
        w->secret = store_column_arena(a, st, 8, oom);
}

/* store_row_fn for lists (no secret) and for one webhook (with its secret). */
static void webhook_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    read_webhook(st, a, row, false, oom);
}

static void webhook_row_secret(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    read_webhook(st, a, row, true, oom);
}

int store_webhook_list(struct store *s, bool active_only, struct arena *arena,
                       struct store_webhook **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_ALERT_WEBHOOK_LIST,
                 "SELECT " WEBHOOK_COLS " FROM webhooks WHERE active >= ?1 ORDER BY id", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, active_only ? 1 : 0);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), webhook_row, "list webhooks",
                       "webhook list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

int store_webhook_get(struct store *s, int64_t id, struct arena *arena, struct store_webhook *out,
                      struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_WEBHOOK_BY_ID,
                      "SELECT " WEBHOOK_COLS " FROM webhooks WHERE id = ?1", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, arena, out, webhook_row_secret, "webhook", id, "read webhook",
                         "webhook does not fit in memory limit", err);
}

int store_webhook_remove(struct store *s, int64_t id, const struct store_actor *actor,
                         struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_ALERT_WEBHOOK_DEACTIVATE,
                  "UPDATE webhooks SET active = 0, updated_at = ?2 WHERE id = ?1 AND active = 1",
                  &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, time_now());
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "remove webhook", NULL, NULL);
        else if (db_changes(s->db) == 0)
            rc = error_set(err, WSP_ENOTFOUND, "no active webhook with id '%" PRId64 "'", id);
    }
    if (rc == 0)
        rc = stmt_get(
            s, STMT_ALERT_WEBHOOK_FAIL_PENDING,
            "UPDATE webhook_deliveries SET state = 'failed', error = 'subscription removed'"
            " WHERE webhook_id = ?1 AND state = 'pending'",
            &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "fail pending deliveries", NULL, NULL);
    }
    if (rc == 0) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        rc = store_audit_add(s, actor, "webhook.remove", "webhook", oid, "{\"active\":true}",
                             "{\"active\":false}", err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- deliveries --------------------------------------------------------------------------- */

int store_delivery_add(struct store *s, int64_t webhook_id, int64_t alert_id, const char *event,
                       const char *payload, int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    *id = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_DELIVERY_INSERT,
                      "INSERT INTO webhook_deliveries (webhook_id, alert_id, event, payload,"
                      " state, attempt, next_attempt_at, created_at, updated_at)"
                      " VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5, ?5) RETURNING id",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, webhook_id);
    if (alert_id)
        db_bind_int64(st, 2, alert_id);
    else
        db_bind_null(st, 2);
    stmt_bind_text(st, 3, event);
    stmt_bind_text(st, 4, payload);
    db_bind_int64(st, 5, time_now());
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "queue webhook delivery", NULL,
                          "unknown webhook or alert for the delivery");
    return 0;
}

static void read_delivery(struct db_stmt *st, struct arena *a, struct store_delivery *d, bool *oom)
{
    memset(d, 0, sizeof(*d));
    d->id = db_column_int64(st, 0);
    d->webhook_id = db_column_int64(st, 1);
    d->alert_id = db_column_int64(st, 2);
    d->event = store_column_arena(a, st, 3, oom);
    d->payload = store_column_arena(a, st, 4, oom);
    d->state = store_column_arena(a, st, 5, oom);
    d->attempt = (int)db_column_int64(st, 6);
    d->status_code = (int)db_column_int64(st, 7);
    d->error = store_column_arena(a, st, 8, oom);
    d->next_attempt_at = db_column_int64(st, 9);
    d->delivered_at = db_column_int64(st, 10);
    d->created_at = db_column_int64(st, 11);
    d->updated_at = db_column_int64(st, 12);
}

static int read_deliveries(struct store *s, struct db_stmt *st, size_t max, bool with_hook,
                           struct arena *arena, struct store_delivery **out, size_t *n,
                           struct error *err)
{
    struct store_delivery *rows = arena_alloc(arena, (max ? max : 1) * sizeof(*rows));
    bool oom = rows == NULL;
    size_t len = 0;
    int src = DB_DONE;
    while (!oom && len < max && (src = db_step(st)) == DB_ROW) {
        read_delivery(st, arena, &rows[len], &oom);
        if (with_hook) {
            rows[len].url = store_column_arena(arena, st, 13, &oom);
            rows[len].secret = store_column_arena(arena, st, 14, &oom);
        }
        len++;
    }
    stmt_done(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "deliveries do not fit in memory limit");
    if (len < max && src != DB_DONE)
        return store_fail(s, src, err, "read deliveries", NULL, NULL);
    *out = rows;
    *n = len;
    return 0;
}

static int cmp_due(const void *a, const void *b)
{
    const struct store_delivery *x = a, *y = b;
    if (x->next_attempt_at != y->next_attempt_at)
        return x->next_attempt_at < y->next_attempt_at ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

int store_delivery_due(struct store *s, int64_t now, size_t max, struct arena *arena,
                       struct store_delivery **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    if (max == 0)
        max = 16;
    struct db_stmt *st;
    /* PostgreSQL (several servers): the due rows are claimed in the same statement, each for
     * STORE_DELIVERY_LEASE_S seconds, skipping rows another server holds, so a delivery is
     * sent by one server; the sender records the outcome (store_delivery_record), and one
     * that died leaves its claim to run out. SQLite has one writer: a plain read. */
    int rc = stmt_get(s, STMT_ALERT_DELIVERY_DUE,
                      s->engine == DB_SQLITE
                          ? "SELECT " DELIVERY_COLS ", w.url, w.secret FROM webhook_deliveries d"
                            " JOIN webhooks w ON w.id = d.webhook_id"
                            " WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 AND"
                            " w.active = 1 ORDER BY d.next_attempt_at, d.id LIMIT ?2"
                          : "UPDATE webhook_deliveries d SET next_attempt_at = CAST(?1 AS BIGINT)"
                            " + " STORE_DELIVERY_LEASE_SQL " FROM webhooks w"
                            " WHERE w.id = d.webhook_id AND d.id IN (SELECT c.id FROM"
                            " webhook_deliveries c JOIN webhooks cw ON cw.id = c.webhook_id"
                            " WHERE c.state = 'pending' AND c.next_attempt_at <= CAST(?1 AS"
                            " BIGINT) AND cw.active = 1 ORDER BY c.next_attempt_at, c.id"
                            " LIMIT ?2 FOR UPDATE OF c SKIP LOCKED)"
                            " RETURNING " DELIVERY_COLS ", w.url, w.secret",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, now);
    db_bind_int64(st, 2, (int64_t)max);
    rc = read_deliveries(s, st, max, true, arena, out, n, err);
    if (rc == 0 && s->engine != DB_SQLITE) {
        /* RETURNING gives no order (and next_attempt_at is where the claim ends) */
        qsort(*out, *n, sizeof(**out), cmp_due);
    }
    return rc;
}

int store_delivery_record(struct store *s, int64_t id, const char *state, int status_code,
                          const char *error, int64_t next_attempt_at, struct error *err)
{
    if (!str_eq(state, "delivered") && !str_eq(state, "pending") && !str_eq(state, "failed"))
        return error_set(err, WSP_EINVAL, "unknown delivery state '%s'", state ? state : "");
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_DELIVERY_RECORD,
                      "UPDATE webhook_deliveries SET state = ?2, attempt = attempt + 1,"
                      " status_code = ?3, error = ?4, next_attempt_at = ?5,"
                      " delivered_at = CASE WHEN ?2 = 'delivered' THEN ?6 ELSE delivered_at END,"
                      " updated_at = ?6 WHERE id = ?1",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, id);
    stmt_bind_text(st, 2, state);
    if (status_code)
        db_bind_int64(st, 3, status_code);
    else
        db_bind_null(st, 3);
    stmt_bind_text(st, 4, error);
    db_bind_int64(st, 5, next_attempt_at);
    db_bind_int64(st, 6, time_now());
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "record delivery", NULL, NULL);
    if (db_changes(s->db) == 0)
        return error_set(err, WSP_ENOTFOUND, "no delivery with id '%" PRId64 "'", id);
    return 0;
}

int store_delivery_list(struct store *s, int64_t webhook_id, size_t limit, struct arena *arena,
                        struct store_delivery **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    if (limit == 0)
        limit = 100;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ALERT_DELIVERY_LIST,
                      "SELECT " DELIVERY_COLS " FROM webhook_deliveries d WHERE d.webhook_id = ?1"
                      " ORDER BY d.id DESC LIMIT ?2",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, webhook_id);
    db_bind_int64(st, 2, (int64_t)limit);
    return read_deliveries(s, st, limit, false, arena, out, n, err);
}
