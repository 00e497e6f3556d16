/* The database interface (db.h): SQLite here, PostgreSQL through db_pg.c's driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/db_internal.h"

#define DB_BUSY_TIMEOUT_MS 5000 /* as store_internal.h's STORE_BUSY_TIMEOUT_MS */

bool db_target_is_postgres(const char *target)
{
    return target &&
           (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0);
}

/* A SQLite result code as a db_status. */
static int lite_status(int rc)
{
    switch (rc) {
    case SQLITE_OK:
        return DB_OK;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return DB_EUNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return DB_EFOREIGN;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return DB_ECONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_EBUSY;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return DB_EMISUSE;
    case SQLITE_NOMEM:
        return DB_ENOMEM;
    default:
        return DB_ERROR;
    }
}

int db_open(struct db **out, const char *target, char *msg, size_t msgsz)
{
    *out = NULL;
    struct db *d = xcalloc(1, sizeof(*d));
    int rc;
    if (db_target_is_postgres(target)) {
        d->engine = DB_POSTGRES;
        rc = pgd_open(d, target);
        if (rc != DB_OK)
            snprintf(msg, msgsz, "%s", d->msg);
    } else {
        d->engine = DB_SQLITE;
        /* NOMUTEX: one connection is used by one thread at a time. */
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        int src = sqlite3_open_v2(target, &d->lite, flags, NULL);
        rc = lite_status(src);
        if (src != SQLITE_OK) {
            snprintf(msg, msgsz, "%s", d->lite ? sqlite3_errmsg(d->lite) : sqlite3_errstr(src));
        } else {
            sqlite3_extended_result_codes(d->lite, 1);
            sqlite3_busy_timeout(d->lite, DB_BUSY_TIMEOUT_MS);
        }
    }
    if (rc != DB_OK) {
        db_close(d);
        return rc;
    }
    *out = d;
    return DB_OK;
}

void db_close(struct db *d)
{
    if (!d)
        return;
    if (d->engine == DB_POSTGRES)
        pgd_close(d);
    else if (d->lite && sqlite3_close(d->lite) != SQLITE_OK)
        LOG_E("store", "close database: %s", sqlite3_errmsg(d->lite));
    free(d);
}

enum db_engine db_engine(const struct db *d)
{
    return d->engine;
}

const char *db_errmsg(const struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return d->msg;
    return d->lite ? sqlite3_errmsg(d->lite) : "";
}

struct sqlite3 *db_sqlite_handle(struct db *d)
{
    return d && d->engine == DB_SQLITE ? d->lite : NULL;
}

int db_prepare(struct db *d, const char *sql, bool persistent, struct db_stmt **out)
{
    *out = NULL;
    struct db_stmt *st = xcalloc(1, sizeof(*st));
    st->engine = d->engine;
    st->db = d;
    int rc;
    if (d->engine == DB_POSTGRES) {
        rc = pgd_prepare(d, sql, persistent, &st->pg);
    } else {
        rc = lite_status(sqlite3_prepare_v3(
            d->lite, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st->lite, NULL));
        if (rc == DB_OK && !st->lite) /* only a comment or white space */
            rc = DB_EMISUSE;
    }
    if (rc != DB_OK) {
        db_finalize(st);
        return rc;
    }
    *out = st;
    return DB_OK;
}

int db_step(struct db_stmt *st)
{
    if (st->engine == DB_POSTGRES)
        return pgd_step(st->pg);
    return lite_status(sqlite3_step(st->lite));
}

void db_reset(struct db_stmt *st)
{
    if (!st)
        return;
    if (st->engine == DB_POSTGRES) {
        pgd_reset(st->pg);
        return;
    }
    sqlite3_reset(st->lite);
    sqlite3_clear_bindings(st->lite);
}

void db_finalize(struct db_stmt *st)
{
    if (!st)
        return;
    if (st->engine == DB_POSTGRES)
        pgd_finalize(st->pg);
    else
        sqlite3_finalize(st->lite);
    free(st);
}

int db_bind_text(struct db_stmt *st, int idx, const char *v)
{
    if (st->engine == DB_POSTGRES)
        return pgd_bind_text(st->pg, idx, v);
    return lite_status(v ? sqlite3_bind_text(st->lite, idx, v, -1, SQLITE_STATIC)
                         : sqlite3_bind_null(st->lite, idx));
}

int db_bind_text_copy(struct db_stmt *st, int idx, const char *v)
{
    if (st->engine == DB_POSTGRES)
        return pgd_bind_text(st->pg, idx, v); /* copies */
    return lite_status(v ? sqlite3_bind_text(st->lite, idx, v, -1, SQLITE_TRANSIENT)
                         : sqlite3_bind_null(st->lite, idx));
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    if (st->engine == DB_POSTGRES)
        return pgd_bind_int64(st->pg, idx, v);
    return lite_status(sqlite3_bind_int64(st->lite, idx, v));
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
    if (st->engine == DB_POSTGRES)
        return pgd_bind_double(st->pg, idx, v);
    return lite_status(sqlite3_bind_double(st->lite, idx, v));
}

int db_bind_null(struct db_stmt *st, int idx)
{
    if (st->engine == DB_POSTGRES)
        return pgd_bind_null(st->pg, idx);
    return lite_status(sqlite3_bind_null(st->lite, idx));
}

int db_column_count(struct db_stmt *st)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_count(st->pg);
    return sqlite3_column_count(st->lite);
}

const char *db_column_name(struct db_stmt *st, int col)
{
    const char *n = st->engine == DB_POSTGRES ? pgd_column_name(st->pg, col)
                                              : sqlite3_column_name(st->lite, col);
    return n ? n : "";
}

enum db_type db_column_type(struct db_stmt *st, int col)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_type(st->pg, col);
    switch (sqlite3_column_type(st->lite, col)) {
    case SQLITE_NULL:
        return DB_TYPE_NULL;
    case SQLITE_INTEGER:
        return DB_TYPE_INTEGER;
    case SQLITE_FLOAT:
        return DB_TYPE_FLOAT;
    default:
        return DB_TYPE_TEXT;
    }
}

bool db_column_is_null(struct db_stmt *st, int col)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_is_null(st->pg, col);
    return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
}

const char *db_column_text(struct db_stmt *st, int col)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_text(st->pg, col);
    return (const char *)sqlite3_column_text(st->lite, col);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_int64(st->pg, col);
    return sqlite3_column_int64(st->lite, col);
}

double db_column_double(struct db_stmt *st, int col)
{
    if (st->engine == DB_POSTGRES)
        return pgd_column_double(st->pg, col);
    return sqlite3_column_double(st->lite, col);
}

int db_exec(struct db *d, const char *sql)
{
    if (d->engine == DB_POSTGRES)
        return pgd_exec(d, sql);
    return lite_status(sqlite3_exec(d->lite, sql, NULL, NULL, NULL));
}

int64_t db_changes(const struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return pgd_changes(d);
    return sqlite3_changes64(d->lite);
}

bool db_in_transaction(const struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return pgd_in_transaction(d);
    return !sqlite3_get_autocommit(d->lite);
}

int db_busy_timeout(struct db *d, int ms)
{
    if (d->engine == DB_POSTGRES) {
        char sql[48];
        snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
        return pgd_exec(d, sql);
    }
    return lite_status(sqlite3_busy_timeout(d->lite, ms));
}

int db_listen(struct db *d, const char *channel)
{
    if (d->engine != DB_POSTGRES)
        return DB_EMISUSE;
    for (const char *p = channel; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return DB_EMISUSE;
    char sql[96];
    if (snprintf(sql, sizeof(sql), "LISTEN %s", channel) >= (int)sizeof(sql))
        return DB_EMISUSE;
    return pgd_exec(d, sql);
}

int db_wait_notify(struct db *d, int timeout_ms)
{
    if (d->engine != DB_POSTGRES)
        return DB_EMISUSE;
    return pgd_wait_notify(d, timeout_ms);
}
