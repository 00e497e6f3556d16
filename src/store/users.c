/* Users: accounts with a role and a region scope. Usernames are case-insensitive: the store
 * keeps them lower-cased (ASCII), so lookups and the UNIQUE constraint agree everywhere. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define USER_COLS STORE_USER_COLS_NAMED("")

static const char *const roles[] = {"admin", "pusat", "provinsi", "kabkota", "pelapor"};

/* Lower-case and check a username: 1..63 bytes of [a-z0-9._@-] after lower-casing. */
static bool username_normalize(const char *in, char out[64])
{
    size_t n = in ? strlen(in) : 0;
    if (n == 0 || n >= 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-' || c == '@';
        if (!ok)
            return false;
        out[i] = c;
    }
    out[n] = '\0';
    return true;
}

static bool role_valid(const char *role)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(roles); i++)
        if (str_eq(role, roles[i]))
            return true;
    return false;
}

void store_user_read(struct store *s, struct db_stmt *st, int col, bool with_name,
                     struct store_user *out)
{
    memset(out, 0, sizeof(*out));
    out->id = db_column_int64(st, col);
    stmt_column_copy(st, col + 1, out->username, sizeof(out->username));
    stmt_column_copy(st, col + 2, out->role, sizeof(out->role));
    stmt_column_copy(st, col + 3, out->region, sizeof(out->region));
    out->disabled = (int)db_column_int64(st, col + 4) != 0;
    out->created_at = db_column_int64(st, col + 5);
    out->updated_at = db_column_int64(st, col + 6);
    if (with_name)
        store_col_sealed_copy(s, st, col + STORE_USER_NCOLS, "users.full_name", out->full_name,
                              sizeof(out->full_name));
}

/* The user as audit JSON, without the password hash and the full name. Caller frees. */
static char *user_json(const struct store_user *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "username", json_string(u->username));
    json_object_set_new(o, "role", json_string(u->role));
    json_object_set_new(o, "region", json_string(u->region));
    /* Not the full name: it is sealed in the users table, and the audit log is not. */
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "created_at", json_integer(u->created_at));
    json_object_set_new(o, "updated_at", json_integer(u->updated_at));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort(); /* jansson only fails here when out of memory, like xmalloc */
    return s;
}

static int get_one(struct store *s, enum store_stmt_id id, const char *sql, int64_t uid,
                   const char *name, bool with_hash, struct store_user *out, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, id, sql, &st, err);
    if (rc != 0)
        return rc;
    if (name)
        stmt_bind_text(st, 1, name);
    else
        db_bind_int64(st, 1, uid);
    int src = db_step(st);
    if (src == DB_ROW) {
        store_user_read(s, st, 0, true, out);
        if (with_hash)
            stmt_column_copy(st, STORE_USER_NCOLS + 1, out->password_hash,
                             sizeof(out->password_hash));
        rc = 0;
    } else if (src == DB_DONE) {
        if (name)
            rc = error_set(err, WSP_ENOTFOUND, "no user named '%s'", name);
        else
            rc = error_set(err, WSP_ENOTFOUND, "no user with id '%" PRId64 "'", uid);
    } else {
        rc = store_fail(s, src, err, "read user", NULL, NULL);
    }
    stmt_done(st);
    return rc;
}

int store_user_get(struct store *s, int64_t id, struct store_user *out, struct error *err)
{
    return get_one(s, STMT_USER_BY_ID, "SELECT " USER_COLS " FROM users WHERE id = ?1", id, NULL,
                   false, out, err);
}

static int get_by_name(struct store *s, const char *username, bool with_hash,
                       struct store_user *out, struct error *err)
{
    char name[64];
    if (!username_normalize(username, name))
        return error_set(err, WSP_ENOTFOUND, "no user named '%s'", username ? username : "");
    if (with_hash)
        return get_one(s, STMT_USER_AUTH,
                       "SELECT " USER_COLS ", password_hash FROM users WHERE username = ?1", 0,
                       name, true, out, err);
    return get_one(s, STMT_USER_BY_NAME, "SELECT " USER_COLS " FROM users WHERE username = ?1", 0,
                   name, false, out, err);
}

int store_user_get_by_name(struct store *s, const char *username, struct store_user *out,
                           struct error *err)
{
    return get_by_name(s, username, false, out, err);
}

int store_user_get_auth(struct store *s, const char *username, struct store_user *out,
                        struct error *err)
{
    return get_by_name(s, username, true, out, err);
}

static int check_hash(const char *password_hash, struct error *err)
{
    if (!password_hash || !*password_hash)
        return error_set(err, WSP_EINVAL, "empty password hash");
    if (strlen(password_hash) >= sizeof(((struct store_user *)0)->password_hash))
        return error_set(err, WSP_EINVAL, "password hash is too long");
    return 0;
}

int store_user_add(struct store *s, const struct store_user *u, const char *password_hash,
                   const struct store_actor *actor, int64_t *id, struct error *err)
{
    struct store_user nu;
    memset(&nu, 0, sizeof(nu));
    if (id)
        *id = 0;
    if (!username_normalize(u->username, nu.username))
        return error_set(err, WSP_EINVAL,
                         "invalid username '%s': use 1 to 63 letters, digits, '.', '_', '-', '@'",
                         u->username);
    if (!role_valid(u->role))
        return error_set(err, WSP_EINVAL, "unknown role '%s'", u->role);
    int rc = check_hash(password_hash, err);
    if (rc != 0)
        return rc;
    if (strnlen(u->region, sizeof(u->region)) >= sizeof(u->region) ||
        strnlen(u->full_name, sizeof(u->full_name)) >= sizeof(u->full_name))
        return error_set(err, WSP_EINVAL, "unterminated field in user '%s'", nu.username);
    if (!utf8_valid(u->full_name, strlen(u->full_name)))
        return error_set(err, WSP_EINVAL, "full name of '%s' is not valid utf-8", nu.username);
    str_copy(nu.role, u->role, sizeof(nu.role));
    str_copy(nu.region, u->region, sizeof(nu.region));
    str_copy(nu.full_name, u->full_name, sizeof(nu.full_name));
    nu.disabled = u->disabled;
    nu.created_at = nu.updated_at = time_now();

    rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;

    char *after = NULL;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_USER_INSERT,
                  "INSERT INTO users (username, role, region_code, full_name, password_hash,"
                  " disabled, created_at, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                  &st, err);
    if (rc != 0)
        goto out;
    stmt_bind_text(st, 1, nu.username);
    stmt_bind_text(st, 2, nu.role);
    stmt_bind_text(st, 3, nu.region[0] ? nu.region : NULL);
    rc = store_bind_sealed(s, st, 4, "users.full_name", nu.full_name, err);
    if (rc != 0) {
        stmt_done(st);
        goto out;
    }
    stmt_bind_text(st, 5, password_hash);
    db_bind_int64(st, 6, nu.disabled ? 1 : 0);
    db_bind_int64(st, 7, nu.created_at);
    db_bind_int64(st, 8, nu.updated_at);
    int src = db_step(st);
    if (src == DB_ROW) {
        nu.id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE) {
        char exists[128], fk[128];
        snprintf(exists, sizeof(exists), "username '%s' already exists", nu.username);
        snprintf(fk, sizeof(fk), "unknown region '%s'", nu.region);
        rc = store_fail(s, src, err, "add user", exists, fk);
        goto out;
    }

    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, nu.id);
    after = user_json(&nu);
    rc = store_audit_add(s, actor, "user.add", "user", oid, NULL, after, err);
out:
    free(after);
    rc = store_tx_end(s, rc, err);
    if (rc == 0 && id)
        *id = nu.id;
    return rc;
}

/* Update one user inside a write transaction; ENOTFOUND when no row changed. */
static int update_user(struct store *s, struct db_stmt *st, int64_t id, struct error *err)
{
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "update user", NULL, NULL);
    if (db_changes(s->db) == 0)
        return error_set(err, WSP_ENOTFOUND, "no user with id '%" PRId64 "'", id);
    return 0;
}

/* End every session of a user (inside the caller's transaction). */
static int end_sessions(struct store *s, int64_t id, struct error *err)
{
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_SESSION_DELETE_USER, "DELETE FROM sessions WHERE user_id = ?1", &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "end sessions of user", NULL, NULL);
    }
    return rc;
}

int store_user_set_password(struct store *s, int64_t id, const char *password_hash,
                            const struct store_actor *actor, struct error *err)
{
    int rc = check_hash(password_hash, err);
    if (rc != 0)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_USER_SET_PASSWORD,
                  "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, password_hash);
        db_bind_int64(st, 3, time_now());
        rc = update_user(s, st, id, err);
    }
    /* A new password logs out every session: one of them may be the reason for the change. */
    if (rc == 0)
        rc = end_sessions(s, id, err);
    if (rc == 0) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        /* Never the hash itself, not even in the audit log. */
        rc = store_audit_add(s, actor, "user.passwd", "user", oid, NULL,
                             "{\"password_changed\":true}", err);
    }
    return store_tx_end(s, rc, err);
}

int store_user_set_disabled(struct store *s, int64_t id, bool disabled,
                            const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct store_user old = {0};
    rc = store_user_get(s, id, &old, err);
    struct db_stmt *st;
    if (rc == 0)
        rc = stmt_get(s, STMT_USER_SET_DISABLED,
                      "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1", &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, disabled ? 1 : 0);
        db_bind_int64(st, 3, time_now());
        rc = update_user(s, st, id, err);
    }
    if (rc == 0 && disabled)
        rc = end_sessions(s, id, err);
    if (rc == 0) {
        char oid[24], before[32], after[32];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        snprintf(before, sizeof(before), "{\"disabled\":%s}", old.disabled ? "true" : "false");
        snprintf(after, sizeof(after), "{\"disabled\":%s}", disabled ? "true" : "false");
        rc = store_audit_add(s, actor, disabled ? "user.disable" : "user.enable", "user", oid,
                             before, after, err);
    }
    return store_tx_end(s, rc, err);
}

int store_user_list(struct store *s, struct arena *arena, struct store_user **out, size_t *n,
                    struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_USER_LIST, "SELECT " USER_COLS " FROM users ORDER BY username", &st, err);
    if (rc != 0)
        return rc;
    struct store_user *tmp = NULL;
    size_t len = 0, cap = 0;
    int src;
    while ((src = db_step(st)) == DB_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            tmp = xrealloc(tmp, cap * sizeof(*tmp));
        }
        store_user_read(s, st, 0, true, &tmp[len++]);
    }
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "list users", NULL, NULL);
    } else if (len > 0) {
        struct store_user *res = arena_alloc(arena, len * sizeof(*res));
        if (!res) {
            rc = error_set(err, WSP_ENOMEM, "user list does not fit in memory limit");
        } else {
            memcpy(res, tmp, len * sizeof(*res));
            *out = res;
            *n = len;
        }
    }
    free(tmp);
    return rc;
}
