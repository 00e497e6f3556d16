/* Databases for tests on either engine (testdb.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/db.h"
#include "testdb.h"
#include "pgcluster.h"

static struct pgcluster cluster;
static bool cluster_up;

bool testdb_pg(void)
{
    const char *e = getenv("WASPADA_TEST_ENGINE");
    return e && strcmp(e, "postgresql") == 0;
}

const char *testdb_engine(void)
{
    return testdb_pg() ? "postgresql" : "sqlite";
}

static void cluster_stop(void)
{
    pgcluster_stop(&cluster);
}

char *testdb_new(const char *dir, const char *name)
{
    if (!testdb_pg()) {
        char *p = xasprintf("%s/%s", dir, name);
        return p;
    }
    if (!cluster_up) {
        if (pgcluster_start(&cluster) != PGCLUSTER_OK) {
            fprintf(stderr, "testdb: no PostgreSQL for WASPADA_TEST_ENGINE=postgresql: %s\n",
                    cluster.why);
            abort();
        }
        cluster_up = true;
        atexit(cluster_stop);
    }
    char url[PGCLUSTER_URL_MAX], base[64];
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < sizeof(base); p++) /* "import.db" -> "import_db" */
        base[n++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_';
    base[n] = '\0';
    /* A server on this database keeps its evidence files in the test's directory, not in
     * ./waspada-files (the default for PostgreSQL, see `waspada serve --files-dir`). */
    char *files = xasprintf("%s/files", dir);
    setenv("WASPADA_FILES_DIR", files, 1);
    free(files);
    /* A PostgreSQL database has no default key file (`waspada --key-file`): the commands and
     * servers of the test share one in its directory ('waspada init' creates it). */
    char *key = xasprintf("%s/waspada.key", dir);
    setenv("WASPADA_KEY_FILE", key, 1);
    free(key);
    if (pgcluster_create_db(&cluster, base, url) != 0) {
        fprintf(stderr, "testdb: create database '%s': %s\n", base, cluster.why);
        abort();
    }
    return xstrdup(url);
}

char *testdb_files_dir(const char *dir, const char *target)
{
    return testdb_pg() ? xasprintf("%s/files", dir) : xasprintf("%s.files", target);
}

static struct db *connect(const char *target)
{
    struct db *d;
    char msg[512];
    if (db_open(&d, target, msg, sizeof(msg)) != DB_OK) {
        fprintf(stderr, "testdb: open '%s': %s\n", target, msg);
        abort();
    }
    return d;
}

void testdb_exec(const char *target, const char *sql)
{
    struct db *d = connect(target);
    if (db_exec(d, sql) != DB_OK) {
        fprintf(stderr, "testdb: %s\n  in: %s\n", db_errmsg(d), sql);
        abort();
    }
    db_close(d);
}

/* The first row's first column of sql, copied; NULL for no row. */
static char *first_value(const char *target, const char *sql, bool *null)
{
    struct db *d = connect(target);
    struct db_stmt *st;
    int rc = db_prepare(d, sql, false, &st);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc != DB_ROW && rc != DB_DONE) {
        fprintf(stderr, "testdb: %s\n  in: %s\n", db_errmsg(d), sql);
        abort();
    }
    char *v = NULL;
    *null = true;
    if (rc == DB_ROW) {
        const char *t = db_column_text(st, 0);
        *null = t == NULL;
        v = xstrdup(t ? t : "");
    }
    db_finalize(st);
    db_close(d);
    return v;
}

char *testdb_text(const char *target, const char *sql)
{
    bool null;
    char *v = first_value(target, sql, &null);
    return v ? v : xstrdup("(no row)");
}

int64_t testdb_int(const char *target, const char *sql)
{
    bool null;
    char *v = first_value(target, sql, &null);
    int64_t n = v && !null ? strtoll(v, NULL, 10) : 0;
    free(v);
    return n;
}

const char *testdb_sql(const char *sqlite, const char *postgresql)
{
    return testdb_pg() ? postgresql : sqlite;
}
