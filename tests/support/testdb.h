/*
 * Databases for tests, on either engine (issue 13: one suite, SQLite and PostgreSQL). The
 * engine is SQLite unless $WASPADA_TEST_ENGINE is "postgresql": then each database is a fresh
 * one on a PostgreSQL server ($WASPADA_TEST_PG_URL's, or a private one started on first use
 * and stopped when the program exits, see pgcluster.h).
 *
 * The helpers read and write through the store's own engine-neutral interface (db.h) on a
 * connection of their own, for set-up and inspection. Nothing here calls cmocka: failures
 * print what went wrong and abort, as a broken test database leaves nothing to test.
 */
#ifndef WSP_TEST_TESTDB_H
#define WSP_TEST_TESTDB_H

#include <stdbool.h>
#include <stdint.h>

/* Whether this run's databases are PostgreSQL's. */
bool testdb_pg(void);
/* "sqlite" or "postgresql", for messages. */
const char *testdb_engine(void);
/* A new, empty database: the file dir/name for SQLite, a fresh database named after name on
 * the server for PostgreSQL. The target (a path or a URL) to pass as --db; caller frees.
 * For PostgreSQL it also sets $WASPADA_KEY_FILE to dir/waspada.key (a PostgreSQL database has
 * no default key file; `waspada init` creates it there). */
char *testdb_new(const char *dir, const char *name);
/* Where a server on target keeps its evidence files (`waspada serve --files-dir`): beside a
 * SQLite file ("<target>.files"), or dir/files for PostgreSQL (testdb_new sets
 * $WASPADA_FILES_DIR to it). Caller frees. */
char *testdb_files_dir(const char *dir, const char *target);
/* Run sql (one or more statements, no results). */
void testdb_exec(const char *target, const char *sql);
/* The first column of the first row of sql as text ("" for NULL, "(no row)" for none);
 * caller frees. */
char *testdb_text(const char *target, const char *sql);
/* ... as an integer (0 for NULL or no row). */
int64_t testdb_int(const char *target, const char *sql);
/* sql for this engine: the first for SQLite, the second for PostgreSQL (for the few
 * inspections whose SQL differs, such as the schema catalogue). */
const char *testdb_sql(const char *sqlite, const char *postgresql);

#endif
