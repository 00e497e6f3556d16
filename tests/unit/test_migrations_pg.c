/*
 * The PostgreSQL dialect of the migrations (store/migrations_pg.c) against SQLite's
 * (migrations.c): migrations 1..N applied to a private PostgreSQL server with libpq, one
 * transaction each as the store applies them, and to a SQLite file with store_migrate. The
 * two schemas are read back from each engine's catalog and compared (tables, columns, keys,
 * foreign keys, indexes, CHECK counts, triggers), and the same writes on both engines must
 * leave the same rows (change feed, data migrations, full-text matches). Skipped, with the
 * reason printed, when PostgreSQL is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/base.h"
#include "store/migrations_pg.h"
#include "store/store.h"
#include "../support/pgcluster.h"
#include "../support/support.h"

static struct pgcluster cluster;
static bool pg_available;

/* One case's two databases: a SQLite file and a PostgreSQL database of its own. */
struct pair {
    char *dir;
    char *path;
    sqlite3 *lite; /* open between migrations */
    PGconn *pg;
    char url[PGCLUSTER_URL_MAX];
};

static void quiet(void *arg, const char *msg)
{
    (void)arg, (void)msg; /* "relation schema_migrations already exists, skipping" */
}

static PGconn *pg_connect(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("connect %s: %s", url, PQerrorMessage(c));
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

/* Run sql (one parameter or none); true when it succeeded, else its error in *why. */
static bool pg_try(PGconn *c, const char *sql, const char *param, char **why)
{
    PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok && why)
        *why = xstrdup(PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

/* Run sql, which may hold several statements (simple query protocol, as the store runs a
 * migration). */
static void pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("postgresql: %s\nin: %.300s", PQresultErrorMessage(r), sql);
    PQclear(r);
}

/* The rows of a query as text: cells joined by '|', rows ended by '\n', NULL as "NULL".
 * Caller frees. */
static char *pg_text(PGconn *c, const char *sql, const char *param)
{
    PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("postgresql: %s\nin: %.300s", PQresultErrorMessage(r), sql);
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < PQntuples(r); i++) {
        for (int j = 0; j < PQnfields(r); j++)
            buf_printf(&b, "%s%s", j ? "|" : "",
                       PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
        buf_putc(&b, '\n');
    }
    PQclear(r);
    char *s = xstrdup(buf_cstr(&b));
    buf_release(&b);
    return s;
}

static bool lite_try(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void lite_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sqlite: %s\nin: %.300s", msg ? msg : "?", sql);
}

/* As pg_text, from SQLite. */
static char *lite_text(sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("sqlite: %s\nin: %.300s", sqlite3_errmsg(db), sql);
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    struct buf b;
    buf_init(&b, 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int j = 0; j < sqlite3_column_count(st); j++) {
            const char *v = (const char *)sqlite3_column_text(st, j);
            buf_printf(&b, "%s%s", j ? "|" : "", v ? v : "NULL");
        }
        buf_putc(&b, '\n');
    }
    if (rc != SQLITE_DONE)
        fail_msg("sqlite: %s\nin: %.300s", sqlite3_errmsg(db), sql);
    sqlite3_finalize(st);
    char *s = xstrdup(buf_cstr(&b));
    buf_release(&b);
    return s;
}

/* Migrations from..to on PostgreSQL, each in one transaction in the order the store's
 * apply_one runs them: lock, bookkeeping table, the migration, its row. */
static void pg_migrate(PGconn *c, int from, int to)
{
    for (int v = from; v <= to; v++) {
        const char *sql = store_migration_pg_sql(v);
        if (!sql)
            fail_msg("migration %d has no PostgreSQL text", v);
        pg_exec(c, "BEGIN");
        pg_exec(c, "SELECT pg_advisory_xact_lock(7263001)");
        pg_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version BIGINT PRIMARY KEY,"
                   " description TEXT NOT NULL,"
                   " applied_at BIGINT NOT NULL)");
        pg_exec(c, sql);
        char *row = xasprintf("INSERT INTO schema_migrations (version, description, applied_at)"
                              " VALUES (%d, 'v%d', 0)",
                              v, v);
        pg_exec(c, row);
        free(row);
        pg_exec(c, "COMMIT");
    }
}

/* The SQLite file to version `target` with the store's own runner; p->lite is closed around
 * it and reopened after. */
static void lite_migrate(struct pair *p, int target)
{
    if (p->lite)
        sqlite3_close(p->lite);
    p->lite = NULL;
    struct store *s;
    struct error err = {0};
    if (store_open_raw(&s, p->path, &err) != 0 || store_migrate(s, target, &err) != 0)
        fail_msg("sqlite migrate to %d: %s", target, err.msg);
    store_close(s);
    if (sqlite3_open(p->path, &p->lite) != SQLITE_OK)
        fail_msg("open %s", p->path);
    lite_exec(p->lite, "PRAGMA foreign_keys = ON");
}

/* Both engines to `target` (from `from`). */
static void both_migrate(struct pair *p, int from, int target)
{
    lite_migrate(p, target);
    pg_migrate(p->pg, from, target);
}

static void both_exec(struct pair *p, const char *sql)
{
    lite_exec(p->lite, sql);
    pg_exec(p->pg, sql);
}

/* The same rows from both engines. */
static void both_same(struct pair *p, const char *sql)
{
    char *a = lite_text(p->lite, sql, NULL), *b = pg_text(p->pg, sql, NULL);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "sqlite:\n%spostgresql:\n%s", a, b);
        fail_msg("rows differ: %s", sql);
    }
    free(a);
    free(b);
}

static int setup(void **state)
{
    if (!pg_available)
        return 0;
    struct pair *p = xcalloc(1, sizeof(*p));
    p->dir = support_tmpdir();
    if (!p->dir)
        return -1;
    p->path = support_path(p->dir, "lite.db");
    if (pgcluster_create_db(&cluster, "mig", p->url) != 0) {
        fprintf(stderr, "create database: %s\n", cluster.why);
        return -1;
    }
    p->pg = pg_connect(p->url);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    if (!p)
        return 0;
    if (p->lite)
        sqlite3_close(p->lite);
    PQfinish(p->pg);
    support_rmtree(p->dir);
    free(p->dir);
    free(p->path);
    free(p);
    return 0;
}

static struct pair *pair_of(void **state)
{
    if (!pg_available)
        skip();
    return *state;
}

/* ---- the schemas compared ------------------------------------------------------------------ */

/* Lines of text sorted, so that two catalogs' listings compare whatever their order. */
static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted(char *text)
{
    size_t n = 0, cap = 16;
    char **lines = xmalloc(cap * sizeof(*lines));
    for (char *s = text, *nl; *s; s = nl + 1) {
        nl = strchr(s, '\n');
        *nl = '\0';
        if (n == cap)
            lines = xrealloc(lines, (cap *= 2) * sizeof(*lines));
        lines[n++] = s;
    }
    qsort(lines, n, sizeof(*lines), cmp_line);
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s\n", lines[i]);
    free(lines);
    free(text);
    char *s = xstrdup(buf_cstr(&b));
    buf_release(&b);
    return s;
}

/* SQLite's own tables: not its internals, not FTS5's virtual table and shadow tables (which
 * PostgreSQL replaces by the column articles.fts). */
#define LITE_OWN                                                                                   \
    "m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE 'articles_fts%'"
#define PG_SCHEMA "current_schema()::regnamespace"
/* The names of a key's columns in order: a constraint's (c.conkey of table t), the columns
 * its foreign key references (c.confkey of table r), an index's (x.indkey of table t). */
#define PG_COLS_FROM "(SELECT string_agg(a.attname, ',' ORDER BY u.n) FROM unnest("
#define PG_COLS_JOIN ") WITH ORDINALITY u(attnum, n) JOIN pg_attribute a ON a.attnum = u.attnum"
#define PG_CONKEY PG_COLS_FROM "c.conkey" PG_COLS_JOIN " AND a.attrelid = t.oid)"
#define PG_CONFKEY PG_COLS_FROM "c.confkey" PG_COLS_JOIN " AND a.attrelid = r.oid)"
#define PG_INDKEY PG_COLS_FROM "x.indkey" PG_COLS_JOIN " AND a.attrelid = t.oid)"

/* Columns: "table.column type[ not null][ default]", type in PostgreSQL's words, "identity"
 * for a rowid alias (an INTEGER PRIMARY KEY; not schema_migrations' version, always given). */
static const char lite_columns[] =
    "SELECT m.name || '.' || c.name || ' ' ||"
    " CASE WHEN c.pk = 1 AND c.type = 'INTEGER' AND m.name <> 'schema_migrations'"
    "  AND (SELECT COUNT(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1 THEN 'identity'"
    "  WHEN c.type = 'INTEGER' THEN 'bigint' WHEN c.type = 'REAL' THEN 'double precision'"
    "  WHEN c.type = 'TEXT' THEN 'text' ELSE c.type END ||"
    " CASE WHEN c.\"notnull\" OR c.pk > 0 THEN ' not null' ELSE '' END ||"
    " CASE WHEN c.dflt_value IS NOT NULL THEN ' default' ELSE '' END"
    " FROM sqlite_master m, pragma_table_info(m.name) c WHERE " LITE_OWN;
static const char pg_columns[] =
    "SELECT c.table_name || '.' || c.column_name || ' ' ||"
    " CASE WHEN c.is_identity = 'YES' THEN 'identity' ELSE c.data_type END ||"
    " CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END ||"
    " CASE WHEN c.column_default IS NOT NULL THEN ' default' ELSE '' END"
    " FROM information_schema.columns c JOIN information_schema.tables t"
    "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
    " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
    "  AND NOT (c.table_name = 'articles' AND c.column_name = 'fts')";

/* Primary keys and UNIQUE constraints: "table(columns) pk|unique". */
static const char lite_keys[] =
    "SELECT m.name || '(' || (SELECT group_concat(name, ',') FROM"
    "  (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || ') ' ||"
    " CASE l.origin WHEN 'pk' THEN 'pk' ELSE 'unique' END"
    " FROM sqlite_master m, pragma_index_list(m.name) l"
    " WHERE " LITE_OWN " AND l.origin IN ('pk', 'u')"
    " UNION ALL "
    "SELECT m.name || '(' || c.name || ') pk' FROM sqlite_master m, pragma_table_info(m.name) c"
    " WHERE " LITE_OWN " AND c.pk = 1 AND c.type = 'INTEGER'"
    " AND (SELECT COUNT(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1";
static const char pg_keys[] = "SELECT t.relname || '(' || " PG_CONKEY " || ') ' ||"
                              " CASE c.contype WHEN 'p' THEN 'pk' ELSE 'unique' END"
                              " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                              " WHERE c.contype IN ('p', 'u') AND t.relnamespace = " PG_SCHEMA;

/* Foreign keys: "table(columns) -> table(columns) on delete". */
static const char lite_fks[] =
    "SELECT m.name || '(' || group_concat(f.\"from\", ',') || ') -> ' || f.\"table\" || '(' ||"
    " group_concat(f.\"to\", ',') || ') ' || lower(f.on_delete)"
    " FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE " LITE_OWN
    " GROUP BY m.name, f.id";
static const char pg_fks[] =
    "SELECT t.relname || '(' || " PG_CONKEY " || ') -> ' || r.relname || '(' || " PG_CONFKEY
    " || ') ' || CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict'"
    "  WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END"
    " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
    " JOIN pg_class r ON r.oid = c.confrelid"
    " WHERE c.contype = 'f' AND t.relnamespace = " PG_SCHEMA;

/* How many CHECK constraints each table has: "table n" (SQLite keeps them only in the text of
 * CREATE TABLE, with ALTER TABLE ADD COLUMN's appended). */
static const char lite_checks[] =
    "SELECT m.name || ' ' || ((length(m.sql) - length(replace(upper(m.sql), 'CHECK (', ''))) / 7)"
    " FROM sqlite_master m WHERE " LITE_OWN " AND m.sql LIKE '%CHECK (%'";
static const char pg_checks[] =
    "SELECT t.relname || ' ' || COUNT(*)"
    " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
    " WHERE c.contype = 'c' AND t.relnamespace = " PG_SCHEMA " GROUP BY t.relname";

/* Named indexes (not a constraint's): name|table|columns|unique|partial. */
static const char lite_indexes[] =
    "SELECT m.name, m.tbl_name, (SELECT group_concat(name, ',') FROM"
    "  (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno)), l.\"unique\", l.partial"
    " FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name"
    " WHERE m.type = 'index' AND m.sql IS NOT NULL ORDER BY m.name";
static const char pg_indexes[] =
    "SELECT i.relname, t.relname, " PG_INDKEY ","
    " x.indisunique::int, (x.indpred IS NOT NULL)::int"
    " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
    " JOIN pg_class t ON t.oid = x.indrelid"
    " WHERE t.relnamespace = " PG_SCHEMA " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
    "  WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
    "  AND c.contype IN ('p', 'u'))"
    " ORDER BY i.relname COLLATE \"C\"";

static const char lite_triggers[] =
    "SELECT name || ' on ' || tbl_name FROM sqlite_master"
    " WHERE type = 'trigger' AND name NOT LIKE 'articles_fts%'"
    " UNION ALL SELECT 'events_change_lock on events'" /* PostgreSQL's commit-order lock */
    /* and its notifications to the servers (v12; SQLite's single server polls) */
    " UNION ALL SELECT 'event_changes_notify on event_changes' WHERE"
    "  (SELECT MAX(version) FROM schema_migrations) >= 12"
    " UNION ALL SELECT 'alert_history_notify on alert_history' WHERE"
    "  (SELECT MAX(version) FROM schema_migrations) >= 12";
static const char pg_triggers[] =
    "SELECT tgname || ' on ' || tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal";

static void same_listing(struct pair *p, const char *what, const char *lite_sql, const char *pg_sql)
{
    char *a = sorted(lite_text(p->lite, lite_sql, NULL));
    char *b = sorted(pg_text(p->pg, pg_sql, NULL));
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "sqlite:\n%spostgresql:\n%s", a, b); /* cmocka cuts long messages */
        fail_msg("%s differ", what);
    }
    free(a);
    free(b);
}

/* The line of listing whose first cell is name, split into its five cells (in line[]), or
 * false. */
static bool index_line(const char *listing, const char *name, char line[512], char *cell[5])
{
    size_t nlen = strlen(name);
    for (const char *s = listing; *s; s = strchr(s, '\n') + 1) {
        if (strncmp(s, name, nlen) != 0 || s[nlen] != '|')
            continue;
        size_t len = (size_t)(strchr(s, '\n') - s);
        assert_true(len < 512);
        memcpy(line, s, len);
        line[len] = '\0';
        char *c = line;
        for (int i = 0; i < 5; i++) {
            cell[i] = c;
            char *bar = strchr(c, '|');
            assert_true(i == 4 || bar != NULL);
            if (bar) {
                *bar = '\0';
                c = bar + 1;
            }
        }
        return true;
    }
    return false;
}

/* Every SQLite index is there under its name, on the same table, as unique and as partial,
 * on the same columns, or on them and then id (PostgreSQL's btree has no implicit rowid: see
 * migrations_pg.c). PostgreSQL has no other named index than the full-text one (from v3). */
static void same_indexes(struct pair *p, int version)
{
    char *a = lite_text(p->lite, lite_indexes, NULL), *b = pg_text(p->pg, pg_indexes, NULL);
    size_t n_lite = 0, n_pg = 0;
    for (const char *s = a; *s; s = strchr(s, '\n') + 1, n_lite++) {
        char name[128], line[512], pline[512], *l[5], *r[5];
        size_t len = strcspn(s, "|");
        assert_true(len < sizeof(name));
        memcpy(name, s, len);
        name[len] = '\0';
        assert_true(index_line(a, name, line, l));
        if (!index_line(b, name, pline, r))
            fail_msg("index %s is missing on postgresql", name);
        assert_string_equal(r[1], l[1]); /* table */
        assert_string_equal(r[3], l[3]); /* unique */
        assert_string_equal(r[4], l[4]); /* partial */
        char *with_id = xasprintf("%s,id", l[2]);
        if (!str_eq(r[2], l[2]) && !(str_eq(r[3], "0") && str_eq(r[2], with_id)))
            fail_msg("index %s: sqlite (%s), postgresql (%s)", name, l[2], r[2]);
        free(with_id);
    }
    for (const char *s = b; *s; s = strchr(s, '\n') + 1)
        n_pg++;
    bool fts = version >= 3; /* articles and their full-text index came in v3 */
    if (fts)
        assert_non_null(strstr(b, "articles_fts_idx|articles|fts|0|0\n"));
    assert_int_equal(n_pg, n_lite + fts);
    free(a);
    free(b);
}

static void test_texts(void **state)
{
    (void)state;
    assert_null(store_migration_pg_sql(0));
    assert_null(store_migration_pg_sql(-1));
    for (int v = 1; v <= store_schema_latest(); v++)
        assert_non_null(store_migration_pg_sql(v));
    assert_null(store_migration_pg_sql(store_schema_latest() + 1));
}

/* After every version, not just the last: each PostgreSQL text must alter what the ones
 * before it made as SQLite's does. */
static void test_schema_same(void **state)
{
    struct pair *p = pair_of(state);
    for (int v = 1; v <= store_schema_latest(); v++) {
        both_migrate(p, v, v);
        same_listing(p, "columns", lite_columns, pg_columns);
        same_listing(p, "keys", lite_keys, pg_keys);
        same_listing(p, "foreign keys", lite_fks, pg_fks);
        same_listing(p, "checks", lite_checks, pg_checks);
        same_indexes(p, v);
        if (v >= 5)
            same_listing(p, "triggers", lite_triggers, pg_triggers);
    }
    both_same(p, "SELECT MAX(version) FROM schema_migrations");
    /* the full-text column follows title and body by itself */
    char *gen = pg_text(p->pg,
                        "SELECT is_generated FROM information_schema.columns"
                        " WHERE table_name = 'articles' AND column_name = 'fts'",
                        NULL);
    assert_string_equal(gen, "ALWAYS\n");
    free(gen);
    /* text compares as bytes, as SQLite's does, whatever the database's collation */
    char *other = pg_text(p->pg,
                          "SELECT table_name || '.' || column_name FROM information_schema.columns"
                          " WHERE table_schema = current_schema() AND data_type = 'text'"
                          " AND collation_name IS DISTINCT FROM 'C'"
                          " AND table_name <> 'schema_migrations'",
                          NULL);
    assert_string_equal(other, "");
    free(other);
}

/* Data moved by migrations (v5's change feed of the events already there, v7's verified_at
 * and alert_history's rows) and the change-feed triggers, the same on both engines. */
static void test_data_same(void **state)
{
    struct pair *p = pair_of(state);
    both_migrate(p, 1, 4);
    both_exec(p, "INSERT INTO regions (code, parent_code, level, name) VALUES"
                 " ('81', NULL, 1, 'Maluku'), ('81.71', '81', 2, 'Kota Ambon')");
    both_exec(p, "INSERT INTO events (category, province_code, regency_code, region_code,"
                 " event_date, confidence, created_at, updated_at) VALUES"
                 " ('riot_protest', '81', '81.71', '81.71', '2024-03-01', 0.9, 10, 10),"
                 " ('inter_group_clash', '81', NULL, '81', NULL, 0.5, 11, 11),"
                 " ('vigilante', '81', '81.71', '81.71', '2024-02-01', 1, 12, 12)");
    both_migrate(p, 5, 5);
    both_same(p, "SELECT seq, event_id, deleted FROM event_changes ORDER BY seq");

    /* each write moves the event's row to a new sequence number */
    both_exec(p, "INSERT INTO events (category, province_code, region_code, confidence,"
                 " created_at, updated_at) VALUES ('none', '81', '81', 0.1, 13, 13)");
    both_exec(p, "UPDATE events SET status = 'terverifikasi' WHERE id = 1");
    both_exec(p, "DELETE FROM events WHERE id = 2");
    both_exec(p, "UPDATE events SET killed = 2 WHERE id = 4");
    both_exec(p, "UPDATE events SET injured = 1 WHERE id = 1");
    both_same(p, "SELECT seq, event_id, deleted FROM event_changes ORDER BY seq");
    char *feed =
        pg_text(p->pg, "SELECT seq, event_id, deleted FROM event_changes ORDER BY seq", NULL);
    assert_string_equal(feed, "3|3|0\n6|2|1\n7|4|0\n8|1|0\n");
    free(feed);

    both_exec(p, "INSERT INTO alerts (region_code, level, max_level, first_day, last_day,"
                 " created_at, updated_at) VALUES ('81.71', 'siaga', 'siaga', '2024-03-01',"
                 " '2024-03-02', 100, 100), ('81', 'waspada', 'awas', '2024-01-01', '2024-01-09',"
                 " 200, 300)");
    both_exec(p, "INSERT INTO alert_history (alert_id, at, kind, level, username) VALUES"
                 " (1, 100, 'opened', 'siaga', 'engine'), (2, 200, 'level', 'awas', 'engine'),"
                 " (2, 300, 'ack', NULL, 'ani')");
    both_exec(p, "DELETE FROM alert_history WHERE id = 3");
    assert_false(lite_try(p->lite, "INSERT INTO alert_history (alert_id, at, kind, username)"
                                   " VALUES (1, 1, 'verified', 'x')"));
    assert_false(pg_try(p->pg,
                        "INSERT INTO alert_history (alert_id, at, kind, username)"
                        " VALUES (1, 1, 'verified', 'x')",
                        NULL, NULL));
    both_migrate(p, 6, store_schema_latest());
    both_same(p, "SELECT id, created_at, verified_at, unverified FROM alerts ORDER BY id");
    both_same(p, "SELECT id, alert_id, at, kind, level, day, note, username FROM alert_history"
                 " ORDER BY id");
    /* (the new row's id: SQLite's rowid takes the largest + 1, 3 again after the delete;
     * PostgreSQL's identity never reuses one, 4) */
    both_exec(p, "INSERT INTO alert_history (alert_id, at, kind, username)"
                 " VALUES (1, 400, 'verified', 'ani')");
    both_same(p, "SELECT alert_id, at, kind FROM alert_history ORDER BY id");
    const char *bogus = "INSERT INTO alert_history (alert_id, at, kind, username)"
                        " VALUES (1, 1, 'bogus', 'x')";
    assert_false(lite_try(p->lite, bogus));
    assert_false(pg_try(p->pg, bogus, NULL, NULL));

    /* constraints reject the same rows */
    const char *bad[] = {
        "INSERT INTO events (category, confidence, created_at, updated_at)"
        " VALUES ('none', 1.5, 1, 1)",
        "INSERT INTO events (category, confidence, created_at, updated_at)"
        " VALUES ('flood', 1, 1, 1)",
        "INSERT INTO events (category, region_code, confidence, created_at, updated_at)"
        " VALUES ('none', '99', 1, 1, 1)",
        "INSERT INTO users (username, role, password_hash, created_at, updated_at)"
        " VALUES ('a', 'raja', 'h', 1, 1)",
        "INSERT INTO events (category, confidence, created_at, updated_at, import_source,"
        " import_id) VALUES ('none', 1, 1, 1, 'acled', 7), ('none', 1, 1, 1, 'acled', 7)",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        if (lite_try(p->lite, bad[i]))
            fail_msg("sqlite took %s", bad[i]);
        if (pg_try(p->pg, bad[i], NULL, NULL))
            fail_msg("postgresql took %s", bad[i]);
    }
    /* the partial unique index: events not imported are never in it */
    both_exec(p, "INSERT INTO events (category, confidence, created_at, updated_at, import_id)"
                 " VALUES ('none', 1, 1, 1, 7), ('none', 1, 1, 1, 7)");
    both_same(p, "SELECT COUNT(*) FROM events WHERE import_id = 7");
    /* cascades */
    both_exec(p, "DELETE FROM alerts WHERE id = 1");
    both_same(p, "SELECT id, alert_id FROM alert_history ORDER BY id");
}

/* ---- full-text search ---------------------------------------------------------------------- */

/* A search text in the two query languages, split as the store's fts_query splits it (words
 * of ASCII letters and digits and bytes >= 0x80; '*' right after a word makes it a prefix):
 * FTS5's "w1" "w2"* and the tsquery 'w1' & 'w2':* that migrations_pg.c documents. */
static void fts_forms(const char *q, struct buf *fts5, struct buf *tsq)
{
    const unsigned char *s = (const unsigned char *)q;
    for (int terms = 0;; terms++) {
        while (*s && !(*s >= 0x80 || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
                       (*s >= 'A' && *s <= 'Z')))
            s++;
        const unsigned char *start = s;
        while (*s && (*s >= 0x80 || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
                      (*s >= 'A' && *s <= 'Z')))
            s++;
        if (s == start)
            break;
        int n = (int)(s - start);
        bool prefix = *s == '*';
        buf_printf(fts5, "%s\"%.*s\"%s", terms ? " " : "", n, (const char *)start,
                   prefix ? "*" : "");
        buf_printf(tsq, "%s'%.*s'%s", terms ? " & " : "", n, (const char *)start,
                   prefix ? ":*" : "");
    }
}

static void same_matches(struct pair *p, const char *q, const char *expect)
{
    struct buf fts5, tsq;
    buf_init(&fts5, 0);
    buf_init(&tsq, 0);
    fts_forms(q, &fts5, &tsq);
    char *a = lite_text(p->lite,
                        "SELECT articles_fts.rowid FROM articles_fts WHERE articles_fts MATCH ?1"
                        " ORDER BY articles_fts.rowid DESC",
                        buf_cstr(&fts5));
    char *b = pg_text(p->pg,
                      "SELECT a.id FROM articles a WHERE a.fts @@ to_tsquery('simple', $1)"
                      " ORDER BY a.id DESC",
                      buf_cstr(&tsq));
    if (strcmp(a, b) != 0)
        fail_msg("search '%s' (%s / %s)\nsqlite:\n%spostgresql:\n%s", q, buf_cstr(&fts5),
                 buf_cstr(&tsq), a, b);
    if (strcmp(a, expect) != 0)
        fail_msg("search '%s': got\n%sexpected\n%s", q, a, expect);
    /* the store's count of matches (search_capped) */
    char *n = pg_text(p->pg,
                      "SELECT COUNT(*) FROM (SELECT 1 FROM articles"
                      " WHERE fts @@ to_tsquery('simple', $1) LIMIT 500) m",
                      buf_cstr(&tsq));
    size_t rows = 0;
    for (const char *s = a; *s; s++)
        rows += *s == '\n';
    char want[32];
    snprintf(want, sizeof(want), "%zu\n", rows);
    assert_string_equal(n, want);
    free(n);
    free(a);
    free(b);
    buf_release(&fts5);
    buf_release(&tsq);
}

static void test_fts_same(void **state)
{
    struct pair *p = pair_of(state);
    both_migrate(p, 1, store_schema_latest());
    both_exec(p, "INSERT INTO articles (source_type, content_hash, title, body, fetched_at)"
                 " VALUES"
                 " ('news', 'h1', 'Kerusuhan di Ambon', 'Bentrok warga-polisi di kota Ambon;"
                 "  12.5 persen warga mengungsi. Sumber: kompas.com', 1),"
                 " ('news', 'h2', NULL, 'Jum''at malam (pukul 21.00) terjadi KERUSUHAN;"
                 "  humas@polri.go.id melapor lewat a/b', 2),"
                 " ('news', 'h3', 'Damai', 'Warga dan TNI berdamai setelah bentrokan', 3),"
                 " ('feed', 'h4', 'Banjir', 'Tidak ada konflik', 4),"
                 " ('news', 'h5', 'Hapus', 'kerusuhan yang dihapus', 5),"
                 " ('report', 'h6', 'Laporan', 'Laporan_warga tentang kerusuhan', 6)");
    /* the triggers of SQLite and the generated column of PostgreSQL follow these */
    both_exec(p, "UPDATE articles SET body = 'Konflik lahan di Ambon' WHERE id = 4");
    both_exec(p, "UPDATE articles SET role = 'event' WHERE id = 1");
    both_exec(p, "DELETE FROM articles WHERE id = 5");

    same_matches(p, "kerusuhan", "6\n2\n1\n");
    same_matches(p, "KERUSUHAN", "6\n2\n1\n");
    same_matches(p, "ambon", "4\n1\n");
    same_matches(p, "kompas", "1\n");
    same_matches(p, "kompas.com", "1\n");
    same_matches(p, "polisi", "1\n");
    same_matches(p, "warga-polisi", "1\n");
    same_matches(p, "bentr*", "3\n1\n");
    same_matches(p, "12.5", "1\n");
    same_matches(p, "21", "2\n");
    same_matches(p, "jum'at", "2\n");
    same_matches(p, "polri", "2\n");
    same_matches(p, "humas@polri.go.id", "2\n");
    same_matches(p, "b", "2\n");
    same_matches(p, "warga", "6\n3\n1\n");
    same_matches(p, "tidak", "");
    same_matches(p, "konflik lahan", "4\n");
    same_matches(p, "damai tni", "3\n");
    same_matches(p, "dam*", "3\n");
    same_matches(p, "hapus", "");
    same_matches(p, "laporan warga", "6\n");
}

/* A body far past what a tsvector holds (1 MB): stored, its start searchable. */
static void test_fts_large_body(void **state)
{
    struct pair *p = pair_of(state);
    pg_migrate(p->pg, 1, store_schema_latest());
    pg_exec(p->pg, "INSERT INTO articles (source_type, content_hash, body, fetched_at)"
                   " SELECT 'file', 'big', string_agg(md5(i::text), ' ' ORDER BY i), 0"
                   " FROM generate_series(1, 60000) i");
    char *n = pg_text(p->pg, "SELECT COUNT(*) FROM articles WHERE fts @@ to_tsquery('simple', $1)",
                      "'c4ca4238a0b923820dcc509a6f75849b'"); /* md5('1'), the first word */
    assert_string_equal(n, "1\n");
    free(n);
}

/* ---- the change feed's commit order -------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A writer of events waits for another's transaction to end, so sequence numbers commit in
 * order and a reader's cursor never passes one still to come; readers are not held up. */
static void test_feed_commit_order(void **state)
{
    struct pair *p = pair_of(state);
    pg_migrate(p->pg, 1, store_schema_latest());
    PGconn *a = pg_connect(p->url), *b = pg_connect(p->url);
    const char *add = "INSERT INTO events (category, confidence, created_at, updated_at)"
                      " VALUES ('none', 1, 1, 1)";
    pg_exec(a, "BEGIN");
    pg_exec(a, add); /* event 1, seq 1, not committed */
    assert_int_equal(PQsendQuery(b, add), 1);

    char *q = xasprintf("SELECT COUNT(*) FROM pg_stat_activity"
                        " WHERE pid = %d AND wait_event_type = 'Lock'",
                        PQbackendPID(b));
    bool waited = false;
    for (int i = 0; i < 250 && !waited; i++) {
        char *w = pg_text(p->pg, q, NULL);
        waited = str_eq(w, "1\n");
        free(w);
        if (!waited)
            sleep_ms(20);
    }
    free(q);
    assert_true(waited);
    char *seen = pg_text(p->pg, "SELECT COUNT(*) FROM event_changes", NULL);
    assert_string_equal(seen, "0\n");
    free(seen);

    pg_exec(a, "COMMIT");
    PGresult *r;
    while ((r = PQgetResult(b)) != NULL) {
        assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
    }
    char *feed = pg_text(p->pg, "SELECT seq, event_id FROM event_changes ORDER BY seq", NULL);
    assert_string_equal(feed, "1|1\n2|2\n");
    free(feed);
    PQfinish(a);
    PQfinish(b);
}

int main(void)
{
    log_set_level(LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts),
        cmocka_unit_test_setup_teardown(test_schema_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_large_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_commit_order, setup, teardown),
    };
    int failed = 0;
    int rc = pgcluster_start(&cluster);
    if (rc == PGCLUSTER_OK) {
        pg_available = true;
    } else if (rc == PGCLUSTER_ABSENT) {
        fprintf(stderr, "test_migrations_pg: PostgreSQL cases skipped: %s\n", cluster.why);
    } else {
        fprintf(stderr, "test_migrations_pg: PostgreSQL did not start: %s\n", cluster.why);
        failed++;
    }
    failed += cmocka_run_group_tests(tests, NULL, NULL);
    pgcluster_stop(&cluster);
    return failed;
}
