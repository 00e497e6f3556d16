/*
 * Inside the database interface (db.h): the connection and statement of either engine, and
 * the PostgreSQL driver's entry points (db_pg.c), which db.c calls for a PostgreSQL
 * connection. Only db.c and db_pg.c include this.
 */
#ifndef WSP_STORE_DB_INTERNAL_H
#define WSP_STORE_DB_INTERNAL_H

#include <sqlite3.h>

#include "store/db.h"

struct pgd_conn;
struct pgd_stmt;

struct db {
    enum db_engine engine;
    sqlite3 *lite;
    struct pgd_conn *pg;
    char msg[512]; /* the last message of the PostgreSQL driver */
};

struct db_stmt {
    enum db_engine engine;
    struct db *db;
    sqlite3_stmt *lite;
    struct pgd_stmt *pg;
};

/* The PostgreSQL driver: the same contracts as the db_* functions of the same name. */
int pgd_open(struct db *d, const char *url);
void pgd_close(struct db *d);
int pgd_prepare(struct db *d, const char *sql, bool persistent, struct pgd_stmt **out);
int pgd_step(struct pgd_stmt *st);
void pgd_reset(struct pgd_stmt *st);
void pgd_finalize(struct pgd_stmt *st);
int pgd_bind_text(struct pgd_stmt *st, int idx, const char *v);
int pgd_bind_int64(struct pgd_stmt *st, int idx, int64_t v);
int pgd_bind_double(struct pgd_stmt *st, int idx, double v);
int pgd_bind_null(struct pgd_stmt *st, int idx);
int pgd_column_count(struct pgd_stmt *st);
const char *pgd_column_name(struct pgd_stmt *st, int col);
enum db_type pgd_column_type(struct pgd_stmt *st, int col);
bool pgd_column_is_null(struct pgd_stmt *st, int col);
const char *pgd_column_text(struct pgd_stmt *st, int col);
int64_t pgd_column_int64(struct pgd_stmt *st, int col);
double pgd_column_double(struct pgd_stmt *st, int col);
int pgd_exec(struct db *d, const char *sql);
int pgd_wait_notify(struct db *d, int timeout_ms);
int64_t pgd_changes(const struct db *d);
bool pgd_in_transaction(const struct db *d);

#endif
