/* Versioned schema migrations and their runner.
 *
 * Each migration is applied in one transaction together with its schema_migrations row, so a
 * database is always exactly at some version. Migrations are append-only: never edit one that
 * has shipped; add a new version instead. The SQL sticks to types and syntax PostgreSQL also
 * understands (INTEGER, TEXT, CHECK, REFERENCES ... ON DELETE); timestamps are integer seconds
 * since the epoch supplied by the program (time_now()), never CURRENT_TIMESTAMP. A PostgreSQL
 * backend keeps its own list with the same versions (it spells "INTEGER PRIMARY KEY" row ids
 * as identity columns).
 */
#include <stdio.h>

#include <sqlite3.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

struct migration {
    int version;
    const char *description;
    const char *sql;
};

static const struct migration migrations[] = {
    {1, "regions, users, audit log",
     /* Official region codes (Kemendagri): 1 provinsi, 2 kabupaten/kota, 3 kecamatan,
      * 4 desa/kelurahan. Names are matched in memory by geo, so no normalized-name column. */
     "CREATE TABLE regions ("
     " code TEXT PRIMARY KEY,"
     " parent_code TEXT REFERENCES regions(code),"
     " level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
     " name TEXT NOT NULL);"
     "CREATE INDEX regions_parent_idx ON regions(parent_code);"
     "CREATE INDEX regions_level_idx ON regions(level);"
     /* username is stored lower-cased by the store (ASCII), so a plain UNIQUE gives
      * case-insensitive uniqueness on every backend. region_code NULL = national scope. */
     "CREATE TABLE users ("
     " id INTEGER PRIMARY KEY,"
     " username TEXT NOT NULL UNIQUE,"
     " role TEXT NOT NULL"
     "  CHECK (role IN ('admin', 'pusat', 'provinsi', 'kabkota', 'pelapor')),"
     " region_code TEXT REFERENCES regions(code),"
     " full_name TEXT NOT NULL DEFAULT '',"
     " password_hash TEXT NOT NULL,"
     " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX users_region_idx ON users(region_code);"
     /* No foreign key on user_id: the log outlives users. user_id NULL = system/cli. */
     "CREATE TABLE audit_log ("
     " id INTEGER PRIMARY KEY,"
     " at INTEGER NOT NULL,"
     " user_id INTEGER,"
     " username TEXT NOT NULL,"
     " client TEXT,"
     " action TEXT NOT NULL,"
     " object_type TEXT NOT NULL,"
     " object_id TEXT,"
     " before_json TEXT,"
     " after_json TEXT);"
     "CREATE INDEX audit_log_action_idx ON audit_log(action, id);"
     "CREATE INDEX audit_log_object_idx ON audit_log(object_type, object_id, id);"
     "CREATE INDEX audit_log_user_idx ON audit_log(user_id, id);"
     "CREATE INDEX audit_log_at_idx ON audit_log(at);"},
    {2, "sessions",
     /* token_hash: hex SHA-256 of the session token; the token itself is never stored. */
     "CREATE TABLE sessions ("
     " token_hash TEXT PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " created_at INTEGER NOT NULL,"
     " expires_at INTEGER NOT NULL,"
     " last_seen_at INTEGER NOT NULL,"
     " client TEXT);"
     "CREATE INDEX sessions_expires_idx ON sessions(expires_at);"
     "CREATE INDEX sessions_user_idx ON sessions(user_id);"},
};

int store_schema_latest(void)
{
    return migrations[WSP_ARRAY_LEN(migrations) - 1].version;
}

int store_schema_version(struct store *s, int *version, struct error *err)
{
    *version = 0;
    sqlite3_stmt *st;
    int rc = stmt_get(s, STMT_HAS_MIGRATIONS,
                      "SELECT COUNT(*) FROM sqlite_master"
                      " WHERE type = 'table' AND name = 'schema_migrations'",
                      &st, err);
    if (rc != 0)
        return rc;
    rc = sqlite3_step(st);
    int have = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    stmt_done(st);
    if (rc != SQLITE_ROW)
        return store_fail(s, rc, err, "read schema version", NULL, NULL);
    if (!have)
        return 0;

    rc = stmt_get(s, STMT_VERSION, "SELECT MAX(version) FROM schema_migrations", &st, err);
    if (rc != 0)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0); /* NULL (no rows) reads as 0 */
    stmt_done(st);
    if (rc != SQLITE_ROW)
        return store_fail(s, rc, err, "read schema version", NULL, NULL);
    return 0;
}

static int check_not_newer(int version, struct error *err)
{
    if (version > store_schema_latest())
        return error_set(err, WSP_EINVAL,
                         "database schema version %d is newer than this program supports "
                         "(%d): upgrade waspada",
                         version, store_schema_latest());
    return 0;
}

static int apply_one(struct store *s, const struct migration *m, struct error *err)
{
    int rc = store_begin(s, err);
    if (rc != 0)
        return rc;

    /* Read the version again under the write lock: another process may have migrated
     * between our first look and BEGIN IMMEDIATE. */
    int version;
    rc = store_schema_version(s, &version, err);
    if (rc == 0)
        rc = check_not_newer(version, err);
    if (rc != 0 || version >= m->version)
        goto out;

    char *errmsg = NULL;
    int src = sqlite3_exec(s->db,
                           "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY,"
                           " description TEXT NOT NULL,"
                           " applied_at INTEGER NOT NULL)",
                           NULL, NULL, &errmsg);
    if (src == SQLITE_OK)
        src = sqlite3_exec(s->db, m->sql, NULL, NULL, &errmsg);
    if (src != SQLITE_OK) {
        rc = error_set(err, (src & 0xff) == SQLITE_BUSY ? WSP_EBUSY : WSP_EDB,
                       "migration %d ('%s'): %s", m->version, m->description,
                       errmsg ? errmsg : sqlite3_errstr(src));
        sqlite3_free(errmsg);
        goto out;
    }

    sqlite3_stmt *st;
    rc = stmt_get(s, STMT_MIGRATION_INSERT,
                  "INSERT INTO schema_migrations (version, description, applied_at)"
                  " VALUES (?1, ?2, ?3)",
                  &st, err);
    if (rc != 0)
        goto out;
    sqlite3_bind_int(st, 1, m->version);
    stmt_bind_text(st, 2, m->description);
    sqlite3_bind_int64(st, 3, time_now());
    src = sqlite3_step(st);
    stmt_done(st);
    if (src != SQLITE_DONE)
        rc = store_fail(s, src, err, "record migration", NULL, NULL);
out:
    if (rc == 0) {
        rc = store_commit(s, err);
        if (rc == 0 && version < m->version)
            LOG_I("store", "applied migration %d (%s)", m->version, m->description);
    } else {
        store_rollback(s);
    }
    return rc;
}

int store_migrate(struct store *s, int target, struct error *err)
{
    if (target < 0 || target > store_schema_latest())
        return error_set(err, WSP_EINVAL, "unknown schema version '%d' (latest is %d)", target,
                         store_schema_latest());
    if (s->depth != 0)
        return error_set(err, WSP_EINVAL, "cannot migrate inside a transaction");

    int version;
    int rc = store_schema_version(s, &version, err);
    if (rc != 0)
        return rc;
    rc = check_not_newer(version, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < WSP_ARRAY_LEN(migrations) && rc == 0; i++) {
        const struct migration *m = &migrations[i];
        if (m->version > version && m->version <= target)
            rc = apply_one(s, m, err);
    }
    return rc;
}
