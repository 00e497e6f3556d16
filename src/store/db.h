/*
 * The store's database engines behind one statement interface (issue 13): SQLite (a file, the
 * default) and PostgreSQL (a postgresql:// URL). The store's files speak only this interface;
 * which engine runs is chosen once, when the database is opened.
 *
 * The interface is SQLite's statement model: prepare SQL with numbered parameters (?1, ?2, ...),
 * bind values, step through rows, read columns, reset to run again. SQL is written once for
 * both engines where it can be (COALESCE, RETURNING, ON CONFLICT, CAST(x AS BIGINT)); where the
 * dialects differ, the caller picks the text with db_engine(). The PostgreSQL driver rewrites
 * ?N to $N (outside string literals and quoted names) and lets the server infer the
 * parameters' types, so a parameter whose type cannot be inferred needs a CAST.
 *
 * Values: integers, doubles, text (UTF-8, no NUL bytes) and NULL. A bound text pointer must
 * stay valid until the statement is reset or stepped to its end (SQLite's SQLITE_STATIC).
 * Column text is valid until the next step, reset or finalize of the statement.
 *
 * Results of db_step: DB_ROW (a row is ready), DB_DONE (finished), or one of the DB_E* codes
 * below (negative); db_errmsg() then says what the engine said. A failed statement inside a
 * transaction: SQLite keeps the transaction usable, PostgreSQL aborts it until the enclosing
 * savepoint or transaction is rolled back; callers that go on after an error therefore run
 * the statement under their own savepoint (store_tx_begin nests one).
 *
 * One connection is used by one thread at a time.
 */
#ifndef WSP_STORE_DB_H
#define WSP_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_engine { DB_SQLITE, DB_POSTGRES };

enum db_status {
    DB_OK = 0,
    DB_ROW = 100,
    DB_DONE = 101,
    DB_EUNIQUE = -1,     /* unique or primary key constraint */
    DB_EFOREIGN = -2,    /* foreign key constraint */
    DB_ECONSTRAINT = -3, /* CHECK or NOT NULL constraint */
    DB_EBUSY = -4,       /* locked, busy, serialization failure or deadlock: try again */
    DB_EMISUSE = -5,     /* a bad call: a parameter out of range, a step after an error */
    DB_ENOMEM = -6,
    DB_ERROR = -7, /* anything else (I/O, syntax, connection lost, ...) */
};

struct db;
struct db_stmt;

/* Open target: a postgresql:// or postgres:// URL (libpq's connection URI) selects PostgreSQL,
 * anything else is a SQLite file path (created when missing). DB_OK, or an error code with the
 * message in msg (msgsz bytes); *out is NULL on failure. */
int db_open(struct db **out, const char *target, char *msg, size_t msgsz);
void db_close(struct db *d);
/* Whether target names a PostgreSQL database (a postgresql:// or postgres:// URL). */
bool db_target_is_postgres(const char *target);

enum db_engine db_engine(const struct db *d);
/* The engine's last message on this connection ("" when none). */
const char *db_errmsg(const struct db *d);

/* Prepare sql (one statement). persistent: kept for many runs (SQLite's
 * SQLITE_PREPARE_PERSISTENT; a named server-side statement on PostgreSQL). */
int db_prepare(struct db *d, const char *sql, bool persistent, struct db_stmt **out);
int db_step(struct db_stmt *st);
/* Ready to run again, bindings cleared. NULL-safe. */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st); /* NULL-safe */

/* Parameters count from 1. Text NULL binds SQL NULL. */
int db_bind_text(struct db_stmt *st, int idx, const char *v);
/* The same, with the text copied at once (v need not outlive the call). */
int db_bind_text_copy(struct db_stmt *st, int idx, const char *v);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_null(struct db_stmt *st, int idx);

/* Columns count from 0, of the current row. */
enum db_type { DB_TYPE_NULL, DB_TYPE_INTEGER, DB_TYPE_FLOAT, DB_TYPE_TEXT };
int db_column_count(struct db_stmt *st);
/* The column's name in the result ("" when there is none). */
const char *db_column_name(struct db_stmt *st, int col);
/* The value's type: SQLite's storage class of this row's value; PostgreSQL's column type
 * (integers and booleans INTEGER, float and numeric FLOAT, anything else TEXT), NULL for a
 * NULL value. */
enum db_type db_column_type(struct db_stmt *st, int col);
bool db_column_is_null(struct db_stmt *st, int col);
const char *db_column_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
int64_t db_column_int64(struct db_stmt *st, int col);    /* 0 for NULL */
double db_column_double(struct db_stmt *st, int col);    /* 0 for NULL */

/* Run one or more statements without parameters or results (schema scripts, BEGIN, ...). */
int db_exec(struct db *d, const char *sql);
/* Rows changed by the last INSERT, UPDATE or DELETE run on this connection. */
int64_t db_changes(const struct db *d);
/* How long a statement waits for another connection's lock before DB_EBUSY (SQLite's busy
 * timeout, PostgreSQL's lock_timeout). */
int db_busy_timeout(struct db *d, int ms);
/* Whether a transaction is open on this connection (false after the engine rolled it back). */
bool db_in_transaction(const struct db *d);

/* PostgreSQL notifications (LISTEN/NOTIFY), for several servers on one database: db_listen
 * subscribes this connection to channel (a plain identifier); db_wait_notify waits up to
 * timeout_ms for a notification on a listening connection: 1 when at least one arrived (all
 * are consumed), 0 on time-out, an error code when the connection failed (after a reconnect
 * LISTEN must be sent again). SQLite has none: DB_EMISUSE. */
int db_listen(struct db *d, const char *channel);
int db_wait_notify(struct db *d, int timeout_ms);

/* The SQLite handle of a SQLite connection (for what only SQLite has: backup, pragmas, bulk
 * loading), NULL for PostgreSQL. */
struct sqlite3 *db_sqlite_handle(struct db *d);

#endif
