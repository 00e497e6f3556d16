/* Sessions: one row per login, keyed by the hash of the token (the token is never stored). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

/* last_seen_at is only written when it is older than this, so a busy user costs one write a
 * minute instead of one per request. */
#define SESSION_TOUCH_SECONDS 60
#define SESSION_TOUCH_BUSY_MS 100

/* The session's user, without the full name: this is read on every request, and opening the
 * sealed name was more than half of the lookup's cost. */
#define SESSION_USER_COLS STORE_USER_COLS("u.")

static bool token_hash_valid(const char *h)
{
    size_t n = h ? strlen(h) : 0;
    return n > 0 && n <= 128;
}

int store_session_create(struct store *s, const char *token_hash, int64_t user_id,
                         int64_t expires_at, const char *client, struct error *err)
{
    if (!token_hash_valid(token_hash))
        return error_set(err, WSP_EINVAL, "invalid session token hash");
    int64_t now = time_now();
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_SESSION_INSERT,
                      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at,"
                      " last_seen_at, client) VALUES (?1, ?2, ?3, ?4, ?3, ?5)",
                      &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, token_hash);
    db_bind_int64(st, 2, user_id);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, expires_at);
    stmt_bind_text(st, 5, client);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE) {
        char fk[64];
        snprintf(fk, sizeof(fk), "unknown user '%" PRId64 "'", user_id);
        return store_fail(s, src, err, "create session", "session already exists", fk);
    }
    return 0;
}

/* Write a session's last_seen_at, best effort: a busy database must not log the user out, so
 * a failure is logged and the session stays valid. 0 when written. */
static int touch(struct store *s, const char *token_hash, int64_t now)
{
    struct db_stmt *st;
    struct error e = {0};
    int rc = stmt_get(s, STMT_SESSION_TOUCH,
                      "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1", &st, &e);
    if (rc != 0) {
        LOG_W("store", "touch session: %s", e.msg);
        return rc;
    }
    /* On PostgreSQL a failed statement aborts the caller's transaction (SQLite's goes on):
     * inside one, the touch gets a savepoint of its own there. */
    bool savepoint = s->depth > 0 && s->engine == DB_POSTGRES;
    if (savepoint && store_begin(s, NULL) != 0)
        return -1;
    stmt_bind_text(st, 1, token_hash);
    db_bind_int64(st, 2, now);
    /* Outside a transaction the touch waits briefly for the write lock, not the full busy
     * timeout: this is on every request path and the touch can wait for the next one. */
    if (s->depth == 0)
        db_busy_timeout(s->db, SESSION_TOUCH_BUSY_MS);
    int src = db_step(st);
    stmt_done(st);
    if (s->depth == 0)
        db_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    if (src != DB_DONE)
        LOG_W("store", "touch session: %s", db_errmsg(s->db));
    if (savepoint) {
        if (src == DB_DONE && store_commit(s, NULL) == 0)
            return 0;
        if (src != DB_DONE)
            store_rollback(s);
        return -1;
    }
    return src == DB_DONE ? 0 : -1;
}

int store_session_get(struct store *s, const char *token_hash, int64_t now,
                      struct store_session *sess, struct store_user *user, struct error *err)
{
    if (!token_hash_valid(token_hash))
        return error_set(err, WSP_ENOTFOUND, "no such session");
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_SESSION_GET,
                      "SELECT s.created_at, s.expires_at, s.last_seen_at, " SESSION_USER_COLS
                      " FROM sessions s JOIN users u ON u.id = s.user_id"
                      " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                      &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, token_hash);
    db_bind_int64(st, 2, now);
    struct store_session ss = {0};
    struct store_user u;
    int src = db_step(st);
    if (src == DB_ROW) {
        ss.created_at = db_column_int64(st, 0);
        ss.expires_at = db_column_int64(st, 1);
        ss.last_seen_at = db_column_int64(st, 2);
        store_user_read(s, st, 3, false, &u);
        ss.user_id = u.id;
    }
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "no such session");
    if (src != DB_ROW)
        return store_fail(s, src, err, "read session", NULL, NULL);

    if (now - ss.last_seen_at >= SESSION_TOUCH_SECONDS && touch(s, token_hash, now) == 0)
        ss.last_seen_at = now;
    if (sess)
        *sess = ss;
    if (user)
        *user = u;
    return 0;
}

int store_session_delete(struct store *s, const char *token_hash, struct error *err)
{
    if (!token_hash_valid(token_hash))
        return 0;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_SESSION_DELETE, "DELETE FROM sessions WHERE token_hash = ?1", &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, token_hash);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "delete session", NULL, NULL);
    return 0;
}

int store_session_purge(struct store *s, int64_t now, size_t *removed, struct error *err)
{
    if (removed)
        *removed = 0;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1", &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, now);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "purge sessions", NULL, NULL);
    if (removed)
        *removed = (size_t)db_changes(s->db);
    return 0;
}
