/* store, schema v8: events imported from other datasets (store_event_import), keyed on the
 * dataset's name and id, against real databases on either engine (testdb.h: files in a temp
 * dir, or fresh PostgreSQL databases); what the early-warning
 * service reads of them (alertd_load_events). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alertd/alertd.h"
#include "base/base.h"
#include "store/db.h"
#include "store/store.h"
#include "../support/testdb.h"

#define T0 1800000000 /* frozen clock */

struct fixture {
    char dir[64];
    char *path; /* the database: a file in dir or a PostgreSQL URL */
    struct store *s;
};

static const struct store_actor cli = {0, "cli", NULL};

static const struct store_region regions[] = {
    {"32", NULL, 1, "Jawa Barat"},        {"32.73", "32", 2, "Kota Bandung"},
    {"32.73.01", "32.73", 3, "Sukasari"}, {"72", NULL, 1, "Sulawesi Tengah"},
    {"72.02", "72", 2, "Kabupaten Poso"},
};

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-import-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "w.db");
    time_set_override(T0);
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0 ||
        store_regions_sync(f->s, regions, WSP_ARRAY_LEN(regions), NULL, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    remove_dir(f->dir);
    free(f->path);
    free(f);
    time_set_override(0);
    return 0;
}

/* One value (as text) of a query on a separate connection; "" for NULL. Caller frees. */
static char *raw_text(const char *path, const char *sql)
{
    return testdb_text(path, sql);
}

static void assert_raw(const char *path, const char *sql, const char *want)
{
    char *got = raw_text(path, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  got  '%s'\n  want '%s'", sql, got, want);
    free(got);
}

/* A row of each kind: a verified regency event with a link, an unverified province event, a
 * district event at a house of worship. */
static void rows3(struct store_event_import r[3])
{
    r[0] = (struct store_event_import){.source_id = 7,
                                       .region_code = "72.02",
                                       .event_date = "2000-05-23",
                                       .category = "identity_religious_ethnic",
                                       .killed = 3,
                                       .injured = 1,
                                       .verified = true,
                                       .source_url = "https://example.org/ged/7"};
    r[1] = (struct store_event_import){.source_id = 8,
                                       .region_code = "32",
                                       .event_date = "2021-02-23",
                                       .category = "riot_protest"};
    r[2] = (struct store_event_import){.source_id = 9,
                                       .region_code = "32.73.01",
                                       .event_date = "2021-02-20",
                                       .verified = true,
                                       .house_of_worship = true};
}

/* An imported event's columns in one line; confidence as SQLite writes a REAL ("1.0"). */
#define EVENT_SQL_(conf, id)                                                                       \
    "SELECT category || '|' || province_code || '|' || COALESCE(regency_code, '-') || '|' ||"      \
    " COALESCE(place_code, '-') || '|' || region_code || '|' || event_date || '|' || killed ||"    \
    " '|' || injured || '|' || " conf " || '|' || status || '|' || detail_json || '|' ||"          \
    " created_at || '|' || updated_at FROM events WHERE import_source = 'ucdp' AND import_id "     \
    "= " id
#define EVENT_SQL(id)                                                                              \
    testdb_sql(EVENT_SQL_("confidence", id), EVENT_SQL_("to_char(confidence, 'FM0.099')", id))

static void test_import_and_again(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_event_import r[3];
    rows3(r);
    struct store_import_stats st;
    assert_int_equal(store_event_import(f->s, "ucdp", "ged.jsonl", r, 3, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, 3);
    assert_int_equal(st.updated, 0);
    assert_int_equal(st.unchanged, 0);
    assert_raw(f->path, EVENT_SQL("7"),
               "identity_religious_ethnic|72|72.02|-|72.02|2000-05-23|3|1|1.0|terverifikasi|"
               "{\"import\":{\"source\":\"ucdp\",\"id\":7,\"verified\":true},"
               "\"source_url\":\"https://example.org/ged/7\"}|1800000000|1800000000");
    assert_raw(f->path, EVENT_SQL("8"),
               "riot_protest|32|-|-|32|2021-02-23|0|0|1.0|menunggu|"
               "{\"import\":{\"source\":\"ucdp\",\"id\":8,\"verified\":false}}|1800000000|"
               "1800000000");
    assert_raw(f->path, EVENT_SQL("9"),
               "none|32|32.73|32.73.01|32.73|2021-02-20|0|0|1.0|terverifikasi|"
               "{\"import\":{\"source\":\"ucdp\",\"id\":9,\"verified\":true},"
               "\"house_of_worship\":true}|1800000000|1800000000");
    /* written in date order: the ids follow the dates */
    assert_raw(
        f->path,
        testdb_sql("SELECT group_concat(import_id) FROM"
                   " (SELECT import_id FROM events ORDER BY id)",
                   "SELECT string_agg(CAST(import_id AS TEXT), ',' ORDER BY id) FROM events"),
        "7,9,8");
    assert_raw(f->path,
               testdb_sql("SELECT count(*) || ' ' || group_concat(after_json) FROM audit_log"
                          " WHERE action = 'event.import' AND object_type = 'import'"
                          " AND object_id = 'ucdp'",
                          "SELECT count(*) || ' ' || string_agg(after_json, ',') FROM audit_log"
                          " WHERE action = 'event.import' AND object_type = 'import'"
                          " AND object_id = 'ucdp'"),
               "1 {\"source\":\"ucdp\",\"label\":\"ged.jsonl\",\"rows\":3,\"inserted\":3,"
               "\"updated\":0,\"unchanged\":0}");
    char *feed = raw_text(f->path, "SELECT max(seq) || '/' || count(*) FROM event_changes");
    assert_string_equal(feed, "3/3");

    /* Again, an hour later: nothing changes, not even a timestamp, the feed or the audit log. */
    time_set_override(T0 + 3600);
    assert_int_equal(store_event_import(f->s, "ucdp", "ged.jsonl", r, 3, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, 0);
    assert_int_equal(st.updated, 0);
    assert_int_equal(st.unchanged, 3);
    assert_raw(f->path, "SELECT max(seq) || '/' || count(*) FROM event_changes", feed);
    assert_raw(f->path, "SELECT count(*) FROM audit_log WHERE action = 'event.import'", "1");
    assert_raw(f->path, "SELECT max(updated_at) FROM events", "1800000000");
    free(feed);

    /* The same ids under another source are other events. */
    assert_int_equal(store_event_import(f->s, "snpk", NULL, r, 2, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, 2);
    assert_raw(f->path, "SELECT count(*) FROM events", "5");
    /* The partial unique index serves the lookup by key (on PostgreSQL, five rows are read
     * faster without it: with sequential scans off, it is the index the planner can take). */
    struct db *db;
    struct db_stmt *q;
    char msg[256];
    assert_int_equal(db_open(&db, f->path, msg, sizeof(msg)), DB_OK);
    if (testdb_pg())
        assert_int_equal(db_exec(db, "SET enable_seqscan = off"), DB_OK);
    assert_int_equal(db_prepare(db,
                                testdb_sql("EXPLAIN QUERY PLAN SELECT category FROM events"
                                           " WHERE import_source = 'ucdp' AND import_id = 7",
                                           "EXPLAIN SELECT category FROM events"
                                           " WHERE import_source = 'ucdp' AND import_id = 7"),
                                false, &q),
                     DB_OK);
    assert_int_equal(db_step(q), DB_ROW);
    if (testdb_pg())
        assert_non_null(strstr(db_column_text(q, 0), "Index Scan using events_import_idx"));
    else
        assert_string_equal(db_column_text(q, 3),
                            "SEARCH events USING INDEX events_import_idx (import_source=? AND "
                            "import_id=?)");
    if (!testdb_pg())
        assert_int_equal(db_step(q), DB_DONE);
    db_finalize(q);
    db_close(db);
}

static void test_changed_rows(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_event_import r[3];
    rows3(r);
    struct store_import_stats st;
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), 0);
    char *id8 = raw_text(f->path, "SELECT id FROM events WHERE import_id = 8");
    char *id9 = raw_text(f->path, "SELECT id FROM events WHERE import_id = 9");
    /* An officer takes up event 9 (verified by the dataset). */
    assert_int_equal(store_event_set_status(f->s, atoll(id9), "dalam_penanganan", NULL, &cli, &err),
                     0);

    time_set_override(T0 + 60);
    r[0].killed = 4;                /* corrected figure */
    r[0].source_url = NULL;         /* link dropped */
    r[1].verified = true;           /* menunggu -> terverifikasi */
    r[1].region_code = "32.73";     /* placed more precisely */
    r[2].verified = false;          /* the officer's dalam_penanganan stays */
    r[2].event_date = "2021-02-21"; /* and the change is written */
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, 0);
    assert_int_equal(st.updated, 3);
    assert_int_equal(st.unchanged, 0);
    assert_raw(f->path, EVENT_SQL("7"),
               "identity_religious_ethnic|72|72.02|-|72.02|2000-05-23|4|1|1.0|terverifikasi|"
               "{\"import\":{\"source\":\"ucdp\",\"id\":7,\"verified\":true}}|1800000000|"
               "1800000060");
    assert_raw(f->path, EVENT_SQL("8"),
               "riot_protest|32|32.73|-|32.73|2021-02-23|0|0|1.0|terverifikasi|"
               "{\"import\":{\"source\":\"ucdp\",\"id\":8,\"verified\":true}}|1800000000|"
               "1800000060");
    assert_raw(f->path, "SELECT status || ' ' || event_date FROM events WHERE import_id = 9",
               "dalam_penanganan 2021-02-21");
    /* the same events, moved up the change feed */
    assert_raw(f->path, "SELECT count(*) FROM events", "3");
    assert_raw(f->path, "SELECT count(*) FROM event_changes", "3");
    assert_raw(f->path, "SELECT count(*) FROM audit_log WHERE action = 'event.import'", "2");
    assert_raw(f->path,
               "SELECT after_json FROM audit_log WHERE action = 'event.import' ORDER BY id DESC",
               "{\"source\":\"ucdp\",\"rows\":3,\"inserted\":0,\"updated\":3,\"unchanged\":0}");

    /* The dataset takes back the verification of 8, which it had given: menunggu again. */
    r[1].verified = false;
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, &r[1], 1, &cli, &st, &err), 0);
    assert_int_equal(st.updated, 1);
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT status FROM events WHERE id = %s", id8);
    assert_raw(f->path, sql, "menunggu");
    free(id8);
    free(id9);
}

static void test_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_event_import r[3];
    rows3(r);
    r[2].region_code = "32.99"; /* not in this database */
    struct store_import_stats st = {9, 9, 9};
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown region code in an imported event");
    assert_int_equal(st.inserted + st.updated + st.unchanged, 0);
    r[2].region_code = "32.73.01";
    r[1].category = "war";
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "imported event 8: unknown event category 'war'");
    r[1].category = NULL;
    r[1].event_date = "2021-02-30";
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "imported event 8: bad event date '2021-02-30' (want YYYY-MM-DD)");
    r[1].event_date = "2021-02-23";
    r[1].source_id = 9; /* the same id twice */
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, &st, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "an imported event is there twice");
    assert_int_equal(store_event_import(f->s, "UCDP", NULL, r, 3, &cli, &st, &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "bad import source name 'UCDP' (1..32 of a-z, 0-9, '.', '_', '-')");
    assert_raw(f->path, "SELECT count(*) FROM events", "0");
    assert_raw(f->path, "SELECT count(*) FROM event_changes", "0");
    assert_raw(f->path, "SELECT count(*) FROM audit_log WHERE action = 'event.import'", "0");

    assert_true(store_import_source_valid("snpk"));
    assert_true(store_import_source_valid("ucdp-ged_24.1"));
    assert_true(store_import_source_valid("0123456789abcdefghijklmnopqrstuv"));
    assert_false(store_import_source_valid("0123456789abcdefghijklmnopqrstuvw"));
    assert_false(store_import_source_valid(""));
    assert_false(store_import_source_valid(NULL));
    assert_false(store_import_source_valid("-snpk"));
    assert_false(store_import_source_valid("snpk 2"));
}

/* The early-warning service reads imported events like any other: verified ones as verified,
 * the others as leads (confidence 1 clears any lead_min_confidence). */
static void test_warning_engine_sees_them(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_event_import r[3];
    rows3(r);
    assert_int_equal(store_event_import(f->s, "ucdp", NULL, r, 3, &cli, NULL, &err), 0);
    struct warn_event_list l;
    assert_int_equal(alertd_load_events(f->s, 1.0, &l, &err), 0);
    assert_int_equal(l.n, 3); /* by day */
    assert_string_equal(l.items[0].region, "72.02");
    assert_int_equal(l.items[0].killed, 3);
    assert_int_equal(l.items[0].injured, 1);
    assert_true(l.items[0].verified);
    assert_string_equal(l.items[0].category, "identity_religious_ethnic");
    assert_string_equal(l.items[1].region, "32.73"); /* a district counts for its regency */
    assert_true(l.items[1].verified);
    assert_int_equal(l.items[1].flags, WARN_F_HOUSE_OF_WORSHIP);
    assert_string_equal(l.items[1].category, "none");
    assert_string_equal(l.items[2].region, "32");
    assert_false(l.items[2].verified);
    warn_event_list_release(&l);
}

/* A database at v7 with an event moves to v8: the event has no import key, imports work. */
static void test_migrate_v7_to_v8(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "v7.db");
    struct error err = {0};
    struct store *s;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 7, &err), 0);
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), NULL, &err), 0);
    struct store_event e = {.category = "riot_protest",
                            .province_code = "32",
                            .regency_code = "32.73",
                            .event_date = "2021-02-23",
                            .killed = -1,
                            .injured = -1,
                            .confidence = 0.8};
    int64_t id = 0;
    assert_int_equal(store_event_create(s, &e, 0, &cli, &id, &err), 0);
    assert_int_equal(store_migrate(s, 8, &err), 0);
    struct store_event_import r[3];
    rows3(r);
    struct store_import_stats st;
    assert_int_equal(store_event_import(s, "ucdp", NULL, r, 3, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, 3);
    store_close(s);
    assert_raw(p,
               "SELECT COALESCE(import_source, 'null') || ' ' ||"
               " COALESCE(CAST(import_id AS TEXT), 'null') FROM events WHERE id = 1",
               "null null");
    assert_raw(p, "SELECT count(*) FROM events WHERE import_source = 'ucdp'", "3");
    assert_raw(p, "SELECT description FROM schema_migrations WHERE version = 8",
               "events imported from other datasets: their source and id there");
    free(p);
}

/* A big import into a database with fewer events (SQLite's bulk path: foreign keys off, each
 * region code checked once, events indexed again after the insert, the change feed written in
 * one statement): the same answers as row by row, and on failure the database as it was.
 * PostgreSQL keeps its indexes, trigger and foreign keys and takes the rows in batches: the
 * same answers, and its schema (indexes, triggers and whether they are enabled) the same
 * before and after. */
#define BULK_N 12000 /* above IMPORT_BIG_ROWS */

#define EVENTS_SCHEMA_SQL                                                                          \
    testdb_sql(                                                                                    \
        "SELECT group_concat(type || ' ' || name || ' ' || IFNULL(sql, '-'), '\n') FROM"           \
        " (SELECT * FROM sqlite_master WHERE tbl_name IN ('events', 'event_changes')"              \
        " ORDER BY name)",                                                                         \
        "SELECT string_agg(x, E'\\n' ORDER BY x) FROM (SELECT 'index ' || indexname || ' ' ||"     \
        " indexdef AS x FROM pg_indexes WHERE schemaname = current_schema()"                       \
        " AND tablename IN ('events', 'event_changes') UNION ALL"                                  \
        " SELECT 'trigger ' || tgname || ' ' || CAST(tgenabled AS TEXT) FROM pg_trigger"           \
        " WHERE NOT tgisinternal AND tgrelid IN ('events'::regclass,"                              \
        " 'event_changes'::regclass)) s")

static void bulk_rows(struct store_event_import *r, size_t n)
{
    static const char *const codes[] = {"32", "32.73", "32.73.01", "72", "72.02"};
    static char dates[BULK_N][11];
    for (size_t i = 0; i < n; i++) {
        snprintf(dates[i], sizeof(dates[i]), "20%02zu-%02zu-%02zu", 10 + i % 13, 1 + i % 12,
                 1 + i % 28);
        r[i] = (struct store_event_import){.source_id = (int64_t)(n - i), /* against date order */
                                           .region_code = codes[i % 5],
                                           .event_date = dates[i],
                                           .category = i % 3 ? "riot_protest" : NULL,
                                           .killed = (long)(i % 4),
                                           .verified = i % 2 == 0};
    }
}

static void test_bulk_import(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_event e = {.category = "riot_protest",
                            .province_code = "72",
                            .event_date = "2021-02-23",
                            .killed = -1,
                            .injured = -1,
                            .confidence = 0.8};
    int64_t first = 0; /* an event there before: its change-feed row stays */
    assert_int_equal(store_event_create(f->s, &e, 0, &cli, &first, &err), 0);
    char *schema = raw_text(f->path, EVENTS_SCHEMA_SQL);
    struct store_event_import *r = xcalloc(BULK_N, sizeof(*r));
    bulk_rows(r, BULK_N);
    struct store_import_stats st;

    /* Failures change nothing, the indexes and the trigger included. */
    r[BULK_N - 7].region_code = "32.99";
    assert_int_equal(store_event_import(f->s, "snpk", NULL, r, BULK_N, &cli, &st, &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, "unknown region code in an imported event");
    r[BULK_N - 7].region_code = "32.73";
    r[5].source_id = r[4].source_id;
    assert_int_equal(store_event_import(f->s, "snpk", NULL, r, BULK_N, &cli, &st, &err),
                     WSP_EEXIST);
    assert_string_equal(err.msg, "an imported event is there twice");
    r[5].source_id = (int64_t)(BULK_N - 5);
    assert_raw(f->path, EVENTS_SCHEMA_SQL, schema);
    assert_raw(f->path, "SELECT count(*) FROM events", "1");
    assert_raw(f->path, "SELECT count(*) FROM event_changes", "1");
    /* and the foreign keys are on again */
    e.province_code = "99";
    assert_int_equal(store_event_create(f->s, &e, 0, &cli, NULL, &err), WSP_EINVAL);

    assert_int_equal(store_event_import(f->s, "snpk", "big.jsonl", r, BULK_N, &cli, &st, &err), 0);
    assert_int_equal(st.inserted, BULK_N);
    assert_raw(f->path, EVENTS_SCHEMA_SQL, schema);
    if (!testdb_pg()) {
        assert_raw(f->path, "PRAGMA integrity_check", "ok"); /* every index holds every row */
        assert_raw(f->path, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    } else {
        /* PostgreSQL never drops the indexes nor turns the foreign keys off: that they are
         * all still valid is what can be asked without the amcheck extension */
        assert_raw(f->path,
                   "SELECT count(*) FROM pg_index WHERE indrelid = 'events'::regclass"
                   " AND NOT (indisvalid AND indisready)",
                   "0");
    }
    assert_raw(f->path,
               "SELECT count(*) || ' ' || min(event_date) FROM events WHERE import_source = 'snpk'",
               "12000 2010-01-01");
    /* the change feed as the trigger writes it: one row per event, in id order */
    assert_raw(f->path,
               "SELECT count(*) || ' ' || sum(deleted) || ' ' || count(DISTINCT event_id) FROM"
               " event_changes",
               "12001 0 12001");
    assert_raw(f->path,
               "SELECT count(*) FROM (SELECT event_id - lag(event_id) OVER (ORDER BY seq) AS d"
               " FROM event_changes) x WHERE d <= 0",
               "0");
    assert_raw(f->path, "SELECT after_json FROM audit_log WHERE action = 'event.import'",
               "{\"source\":\"snpk\",\"label\":\"big.jsonl\",\"rows\":12000,"
               "\"inserted\":12000,\"updated\":0,\"unchanged\":0}");
    /* rows from a full batch of the insert and from the last, partial one */
    assert_raw(f->path,
               testdb_sql("SELECT group_concat(category || ' ' || province_code || ' ' ||"
                          " IFNULL(regency_code, '-') || ' ' || region_code || ' ' ||"
                          " event_date || ' ' || killed || ' ' || injured || ' ' || status ||"
                          " ' ' || detail_json, '|') FROM (SELECT * FROM events"
                          " WHERE import_source = 'snpk' AND import_id IN (1, 12000)"
                          " ORDER BY import_id)",
                          "SELECT string_agg(category || ' ' || province_code || ' ' ||"
                          " COALESCE(regency_code, '-') || ' ' || region_code || ' ' ||"
                          " event_date || ' ' || killed || ' ' || injured || ' ' || status ||"
                          " ' ' || detail_json, '|' ORDER BY import_id) FROM events"
                          " WHERE import_source = 'snpk' AND import_id IN (1, 12000)"),
               "riot_protest 72 72.02 72.02 2010-12-16 3 0 menunggu"
               " {\"import\":{\"source\":\"snpk\",\"id\":1,\"verified\":false}}|"
               "none 32 - 32 2010-01-01 0 0 terverifikasi"
               " {\"import\":{\"source\":\"snpk\",\"id\":12000,\"verified\":true}}");
    /* the list indexes answer as the table does (PostgreSQL has no INDEXED BY; its indexes
     * were kept up to date row by row) */
    assert_raw(f->path,
               testdb_sql("SELECT count(*) FROM events INDEXED BY events_province_status_idx"
                          " WHERE province_code = '32' AND status = 'terverifikasi'",
                          "SELECT count(*) FROM events"
                          " WHERE province_code = '32' AND status = 'terverifikasi'"),
               "3600");
    /* the trigger is back: a new event is in the feed */
    e.province_code = "32";
    int64_t id = 0;
    assert_int_equal(store_event_create(f->s, &e, 0, &cli, &id, &err), 0);
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)id);
    assert_raw(f->path, "SELECT event_id FROM event_changes ORDER BY seq DESC LIMIT 1", want);

    /* Again: nothing changes. */
    assert_int_equal(store_event_import(f->s, "snpk", NULL, r, BULK_N, &cli, &st, &err), 0);
    assert_int_equal(st.unchanged, BULK_N);
    assert_raw(f->path, "SELECT count(*) FROM audit_log WHERE action = 'event.import'", "1");
    free(r);
    free(schema);
}

int main(void)
{
    log_set_level(LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_and_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warning_engine_sees_them, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v7_to_v8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_import, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
