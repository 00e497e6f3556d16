/*
 * `waspada db copy SOURCE DEST` (issue 13, item 4) as a real process: the demo database copied
 * from a SQLite file to PostgreSQL and back to a second file holds every row of every table,
 * byte for byte; a server on the PostgreSQL copy logs the demo users in; a destination that
 * already holds rows is refused and left as it was; the copied tables are all the schema's.
 *
 * PostgreSQL comes from tests/support/pgcluster; without it installed the test says so and
 * passes without running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "store/db.h"
#include "store/store.h"
#include "../support/api_call.h"
#include "../support/pgcluster.h"
#include "../support/support.h"
#include "../support/testdb.h"

static struct pgcluster pg;
static char *dir, *lite_a, *lite_b;

static int run(const char *const args[], struct support_run *r)
{
    int rc = support_run(r, NULL, args);
    return rc;
}

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    dir = support_tmpdir();
    lite_a = support_path(dir, "a.db");
    lite_b = support_path(dir, "b.db");
    struct support_run r;
    const char *init[] = {"--db", lite_a, "--log-level", "warn", "init", "--demo", NULL};
    int rc = run(init, &r);
    if (rc != 0)
        fprintf(stderr, "init failed: %s\n", r.err);
    support_run_free(&r);
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    support_rmtree(dir);
    free(dir);
    free(lite_a);
    free(lite_b);
    return 0;
}

/* Every row of table in SQLite file path, as text, in the order of its first column. */
static char *dump(const char *path, const char *table)
{
    struct db *d;
    char msg[256];
    assert_int_equal(db_open(&d, path, msg, sizeof(msg)), DB_OK);
    char *sql = xasprintf("SELECT * FROM %s ORDER BY 1", table);
    struct db_stmt *st;
    assert_int_equal(db_prepare(d, sql, false, &st), DB_OK);
    struct buf b;
    buf_init(&b, 0);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        for (int c = 0; c < db_column_count(st); c++) {
            const char *v = db_column_text(st, c);
            buf_printf(&b, "%d:%s|", (int)db_column_type(st, c), v ? v : "NULL");
        }
        buf_putc(&b, '\n');
    }
    assert_int_equal(rc, DB_DONE);
    db_finalize(st);
    db_close(d);
    free(sql);
    return buf_detach(&b, NULL);
}

static void test_round_trip(void **state)
{
    WSP_UNUSED(state);
    char url[PGCLUSTER_URL_MAX];
    assert_int_equal(pgcluster_create_db(&pg, "copy", url), 0);
    struct support_run r;
    const char *to_pg[] = {"--log-level", "warn", "db", "copy", lite_a, url, NULL};
    assert_int_equal(run(to_pg, &r), 0);
    assert_non_null(strstr(r.out, "events: 11 rows\n")); /* the demo articles' events */
    assert_non_null(strstr(r.out, "regions: 91599 rows\n"));
    assert_non_null(strstr(r.out, "tables in "));
    assert_non_null(strstr(r.out, "every count matches\n"));
    assert_non_null(strstr(r.out, "needs the same key file"));
    support_run_free(&r);
    const char *back[] = {"--log-level", "warn", "db", "copy", url, lite_b, NULL};
    assert_int_equal(run(back, &r), 0);
    support_run_free(&r);

    /* Every table of the schema is copied, and holds the same rows, value for value. */
    size_t n;
    const char *const *tables = store_copy_tables(&n);
    char *all = testdb_text(lite_a, "SELECT group_concat(name, ' ') FROM (SELECT name FROM"
                                    " sqlite_master WHERE type = 'table' AND name NOT LIKE"
                                    " 'sqlite_%' AND name NOT LIKE 'articles_fts%' AND name <>"
                                    " 'schema_migrations' ORDER BY name)");
    size_t listed = 0;
    for (char *t = all, *end; *t; t = *end ? end + 1 : end) {
        end = t + strcspn(t, " ");
        char name[64];
        str_copy(name, t,
                 (size_t)(end - t) + 1 < sizeof(name) ? (size_t)(end - t) + 1 : sizeof(name));
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found = found || str_eq(tables[i], name);
        if (!found)
            fail_msg("table %s is not copied by db copy", name);
        listed++;
    }
    free(all);
    assert_int_equal(listed, n);
    for (size_t i = 0; i < n; i++) {
        char *a = dump(lite_a, tables[i]), *b = dump(lite_b, tables[i]);
        if (strcmp(a, b) != 0)
            fail_msg("table %s differs after the round trip", tables[i]);
        free(a);
        free(b);
    }
    /* full-text search works on both copies */
    char *q = xasprintf("SELECT COUNT(*) FROM articles WHERE id IN (SELECT rowid FROM articles_fts"
                        " WHERE articles_fts MATCH 'bentrok')");
    assert_true(testdb_int(lite_b, q) > 0);
    assert_int_equal(testdb_int(lite_b, q), testdb_int(lite_a, q));
    free(q);
    assert_int_equal(
        testdb_int(url,
                   "SELECT COUNT(*) FROM articles WHERE fts @@ to_tsquery('simple', 'bentrok')"),
        testdb_int(lite_a, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'bentrok'"));
    /* new rows on PostgreSQL get ids after the copied ones */
    testdb_exec(url, "INSERT INTO audit_log (at, username, action, object_type) VALUES (0,"
                     " 'uji', 'test.copy', 'test')");
    assert_int_equal(testdb_int(url, "SELECT MAX(id) FROM audit_log"),
                     testdb_int(lite_a, "SELECT MAX(id) FROM audit_log") + 1);

    /* A server on the PostgreSQL copy: the demo users log in with their passwords. The sealed
     * fields were copied as they were: the copy opens with the source's key. */
    struct support_server srv;
    char *log = support_path(dir, "serve.log");
    char *key = xasprintf("%s.key", lite_a);
    setenv("WASPADA_KEY_FILE", key, 1);
    free(key);
    assert_int_equal(support_server_start(&srv, url, NULL, log), 0);
    unsetenv("WASPADA_KEY_FILE");
    struct support_http c;
    assert_int_equal(support_http_init(&c, srv.base_url), 0);
    json_t *v =
        support_api_call(&c, "POST", "/api/v1/auth/login",
                         "{\"username\":\"admin\",\"password\":\"waspada-demo\"}", NULL, 200, NULL);
    json_decref(v);
    v = support_api_call(&c, "GET", "/api/v1/events?limit=50", NULL, NULL, 200, NULL);
    assert_int_equal(json_integer_value(json_object_get(v, "total")), 11);
    json_decref(v);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&srv), 0);
    free(log);
}

/* A destination with rows is refused and keeps them; misuse is a usage error. */
static void test_refusals(void **state)
{
    WSP_UNUSED(state);
    struct support_run r;
    int64_t before = testdb_int(lite_b, "SELECT COUNT(*) FROM audit_log");
    const char *again[] = {"--log-level", "warn", "db", "copy", lite_a, lite_b, NULL};
    assert_int_equal(run(again, &r), 5); /* exists */
    char *want = xasprintf("waspada: copy %s to %s: the destination is not empty (table regions"
                           " has 91599 rows): copy into a new database\n",
                           lite_a, lite_b);
    assert_string_equal(r.err, want);
    free(want);
    support_run_free(&r);
    assert_int_equal(testdb_int(lite_b, "SELECT COUNT(*) FROM audit_log"), before);

    const char *same[] = {"db", "copy", lite_a, lite_a, NULL};
    assert_int_equal(run(same, &r), 2);
    assert_non_null(strstr(r.err, "SOURCE and DEST are the same database"));
    support_run_free(&r);
    const char *one[] = {"db", "copy", lite_a, NULL};
    assert_int_equal(run(one, &r), 2);
    support_run_free(&r);
    const char *help[] = {"db", "--help", NULL};
    assert_int_equal(run(help, &r), 0);
    assert_true(str_starts_with(r.out, "usage: waspada db copy SOURCE DEST\n"));
    support_run_free(&r);
}

int main(void)
{
    int rc = pgcluster_start(&pg);
    if (rc == PGCLUSTER_ABSENT) {
        fprintf(stderr, "test_db_copy: skipped: %s\n", pg.why);
        return 0;
    }
    if (rc != PGCLUSTER_OK) {
        fprintf(stderr, "test_db_copy: PostgreSQL did not start: %s\n", pg.why);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
    };
    rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    pgcluster_stop(&pg);
    return rc;
}
