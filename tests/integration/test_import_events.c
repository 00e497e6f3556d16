/*
 * `waspada import events` as a real process (issue 12): the backtest's own event file imported,
 * again (nothing changes), with a changed line (that event is updated), a bad file (every
 * problem by line number, nothing written, exit 3), help and misuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define FIXTURE "tests/fixtures/warn/events.jsonl"

static char *dir, *db;

#define RUN(r, ...)                                                                                \
    do {                                                                                           \
        const char *args_[] = {"--db", db, __VA_ARGS__, NULL};                                     \
        support_run((r), NULL, args_);                                                             \
    } while (0)

static int group_setup(void **state)
{
    (void)state;
    unsetenv("WASPADA_CONFIG");
    unsetenv("WASPADA_DB");
    dir = support_tmpdir();
    db = testdb_new(dir, "import.db");
    struct support_run r;
    RUN(&r, "init");
    int ok = r.status == 0;
    support_run_free(&r);
    return ok ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    support_rmtree(dir);
    free(dir);
    free(db);
    return 0;
}

static char *query(const char *sql)
{
    return testdb_text(db, sql);
}

static void assert_query(const char *sql, const char *want)
{
    char *got = query(sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  got  '%s'\n  want '%s'", sql, got, want);
    free(got);
}

static char *write_file(const char *name, const char *text)
{
    char *p = support_path(dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_import_again_and_changed(void **state)
{
    (void)state;
    struct support_run r;
    RUN(&r, "import", "events", "--source", "ucdp", FIXTURE);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, FIXTURE ": 12 events from 'ucdp': 12 new, 0 updated, 0 unchanged\n");
    assert_string_equal(r.err, "");
    support_run_free(&r);
    assert_query("SELECT count(*) FROM events WHERE import_source = 'ucdp'", "12");
    assert_query("SELECT count(*) FROM events WHERE status = 'terverifikasi'", "11");
    assert_query("SELECT status || ' ' || region_code || ' ' || killed FROM events"
                 " WHERE import_id = 11",
                 "menunggu 81.71 1");
    assert_query(
        "SELECT province_code || ' ' || COALESCE(regency_code, '-') || ' ' || killed || ' '"
        " || injured FROM events WHERE import_id = 12",
        "61 - 0 0");
    assert_query("SELECT count(*) FROM event_changes", "12");

    /* Again: nothing changes. */
    RUN(&r, "import", "events", "--source", "ucdp", FIXTURE);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, FIXTURE ": 12 events from 'ucdp': 0 new, 0 updated, 12 unchanged\n");
    support_run_free(&r);
    assert_query("SELECT count(*) || ' ' || max(seq) FROM event_changes", "12 12");
    assert_query("SELECT count(*) FROM audit_log WHERE action = 'event.import'", "1");

    /* A corrected line updates its event; a new line adds one. */
    char *p = write_file(
        "changed.jsonl",
        "{\"id\": 12, \"region_code\": \"61.71\", \"date\": \"2000-08-01\", \"killed\": 2,"
        " \"category\": \"other_violence\", \"source_url\": \"https://example.org/12\"}\n"
        "{\"id\": 13, \"region_code\": \"72.02\", \"date\": \"2000-08-02\"}\n"
        "{\"id\": 11, \"region_code\": \"81.71\", \"date\": \"2000-07-15\", \"killed\": 1,"
        " \"injured\": 0, \"category\": \"inter_group_clash\", \"verified\": false}\n");
    RUN(&r, "import", "events", "--source", "ucdp", p);
    assert_int_equal(r.status, 0);
    char *want = xasprintf("%s: 3 events from 'ucdp': 1 new, 1 updated, 1 unchanged\n", p);
    assert_string_equal(r.out, want);
    free(want);
    support_run_free(&r);
    assert_query("SELECT region_code || ' ' || killed || ' ' || detail_json FROM events"
                 " WHERE import_id = 12",
                 "61.71 2 {\"import\":{\"source\":\"ucdp\",\"id\":12,\"verified\":true},"
                 "\"source_url\":\"https://example.org/12\"}");
    assert_query("SELECT count(*) FROM events", "13");
    want = xasprintf("{\"source\":\"ucdp\",\"label\":\"%s\",\"rows\":3,\"inserted\":1,"
                     "\"updated\":1,\"unchanged\":1}",
                     p);
    assert_query("SELECT after_json FROM audit_log WHERE action = 'event.import' ORDER BY id DESC",
                 want);
    free(want);
    free(p);
}

static void test_bad_file_writes_nothing(void **state)
{
    (void)state;
    char *before = query("SELECT count(*) || ' ' || (SELECT count(*) FROM audit_log) FROM events");
    char *p = write_file(
        "bad.jsonl",
        "{\"id\": 100, \"region_code\": \"72.02\", \"date\": \"2001-01-01\"}\n"
        "{\"id\": 101, \"region_code\": \"99.99\", \"date\": \"2001-01-01\"}\n"
        "\n"
        "{\"region_code\": \"72.02\", \"date\": \"2001-01-01\"}\n"
        "{\"id\": 100, \"region_code\": \"72.02\", \"date\": \"2001-01-02\"}\n"
        "{\"id\": 102, \"region_code\": \"72.02\", \"date\": \"1900-01-01\"}\n"
        "{\"id\": 103, \"region_code\": \"72.02\", \"date\": \"2001-01-01\", \"category\": "
        "\"war\"}\n"
        "{\"id\": 104, \"region_code\": \"72.02\", \"date\": \"2001-01-01\","
        " \"source_url\": \"javascript:alert(1)\"}\n"
        "{\"id\": 105, \"region_code\": \"72.02\"\n"
        "{\"id\": -3, \"region_code\": \"72.02\", \"date\": \"2001-01-01\", \"killed\": -1}\n");
    struct support_run r;
    RUN(&r, "import", "events", "--source", "ucdp", p);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    char *want = xasprintf(
        "waspada: %s: baris 2: kode wilayah '99.99' tidak ada dalam daftar wilayah Kemendagri\n"
        "waspada: %s: baris 4: \"id\" wajib ada (bilangan bulat >= 1)\n"
        "waspada: %s: baris 5: \"id\" 100 sudah ada di baris 1\n"
        "waspada: %s: baris 6: tanggal 1900-01-01 di luar 1945-01-01 sampai hari ini\n"
        "waspada: %s: baris 7: unknown category 'war'\n"
        "waspada: %s: baris 8: \"source_url\" harus tautan http:// atau https:// (paling panjang "
        "2048 bita)\n"
        "waspada: %s: baris 9: not JSON: '}' expected near end of file\n"
        "waspada: %s: baris 10: \"killed\" must be a whole number >= 0 or null\n"
        "waspada: %s: 8 kesalahan; tidak ada yang disimpan (perbaiki lalu impor ulang)\n",
        p, p, p, p, p, p, p, p, p);
    assert_string_equal(r.err, want);
    free(want);
    support_run_free(&r);
    assert_query("SELECT count(*) || ' ' || (SELECT count(*) FROM audit_log) FROM events", before);
    free(before);
    free(p);
}

/* A file big enough to be read in parts on several threads (> 2 MiB): problems anywhere are
 * printed in line order with the file's line numbers (a duplicate id found across parts
 * included), and once fixed every line is imported with its own values. */
#define BIG_LINES 30000

static char *big_file(const char *name, bool broken)
{
    char *p = support_path(dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    for (int i = 1; i <= BIG_LINES; i++) {
        const char *code = i % 2 ? "72.02" : "32.73";
        int id = i;
        char date[16];
        snprintf(date, sizeof(date), "20%02d-%02d-%02d", 10 + i % 10, 1 + i % 12, 1 + i % 28);
        if (broken && i == 3)
            code = "99.99";
        if (broken && i == 20001)
            snprintf(date, sizeof(date), "2001-02-30");
        if (broken && i == 29000)
            id = 2;
        fprintf(f,
                "{\"id\": %d, \"region_code\": \"%s\", \"date\": \"%s\", \"killed\": %d,"
                " \"injured\": %d, \"category\": \"land_resource\", \"verified\": %s,"
                " \"source_url\": \"https://example.org/bigdataset/events/%08d\"}%s",
                id, code, date, i % 3, i % 5, i % 4 ? "true" : "false", i,
                i == BIG_LINES ? "" : "\n"); /* the last line without its newline */
    }
    fclose(f);
    return p;
}

static void test_big_file_in_parts(void **state)
{
    (void)state;
    char *before = query("SELECT count(*) || ' ' || (SELECT count(*) FROM audit_log) FROM events");
    char *p = big_file("big-bad.jsonl", true);
    struct support_run r;
    RUN(&r, "import", "events", "--source", "big", p);
    assert_int_equal(r.status, 3);
    char *want = xasprintf(
        "waspada: %s: baris 3: kode wilayah '99.99' tidak ada dalam daftar wilayah Kemendagri\n"
        "waspada: %s: baris 20001: \"date\" must be a YYYY-MM-DD string\n"
        "waspada: %s: baris 29000: \"id\" 2 sudah ada di baris 2\n"
        "waspada: %s: 3 kesalahan; tidak ada yang disimpan (perbaiki lalu impor ulang)\n",
        p, p, p, p);
    assert_string_equal(r.err, want);
    free(want);
    support_run_free(&r);
    assert_query("SELECT count(*) || ' ' || (SELECT count(*) FROM audit_log) FROM events", before);
    free(before);
    free(p);

    p = big_file("big.jsonl", false);
    RUN(&r, "import", "events", "--source", "big", p);
    assert_int_equal(r.status, 0);
    char *out = xasprintf("%s: 30000 events from 'big': 30000 new, 0 updated, 0 unchanged\n", p);
    assert_string_equal(r.out, out);
    free(out);
    support_run_free(&r);
    assert_query("SELECT count(*) || ' ' || count(DISTINCT import_id) || ' ' || sum(killed) || ' '"
                 " || sum(injured) FROM events WHERE import_source = 'big'",
                 "30000 30000 30000 60000");
    /* the first line, one from the middle of the file and the last (no newline) */
    assert_query(
        testdb_sql("SELECT group_concat(import_id || ' ' || region_code || ' ' || event_date ||"
                   " ' ' || status || ' ' || json_extract(detail_json, '$.source_url'), '|')"
                   " FROM (SELECT * FROM events WHERE import_source = 'big' AND import_id IN"
                   " (1, 15001, 30000) ORDER BY import_id)",
                   "SELECT string_agg(import_id || ' ' || region_code || ' ' || event_date ||"
                   " ' ' || status || ' ' || (detail_json::json ->> 'source_url'), '|' ORDER BY"
                   " import_id) FROM events WHERE import_source = 'big' AND import_id IN"
                   " (1, 15001, 30000)"),
        "1 72.02 2011-02-02 terverifikasi https://example.org/bigdataset/events/00000001|"
        "15001 72.02 2011-02-22 terverifikasi"
        " https://example.org/bigdataset/events/00015001|"
        "30000 32.73 2010-01-13 menunggu https://example.org/bigdataset/events/00030000");
    free(p);
}

static void test_help_and_misuse(void **state)
{
    (void)state;
    struct support_run r;
    const char *help[] = {"import", "events", "--help", NULL};
    assert_int_equal(support_run(&r, NULL, help), 0);
    assert_true(
        str_starts_with(r.out, "usage: waspada import events [--source NAME] FILE.jsonl\n"));
    support_run_free(&r);
    const char *all[] = {"import", "--help", NULL};
    assert_int_equal(support_run(&r, NULL, all), 0);
    assert_true(str_starts_with(r.out, "usage: waspada import rad"));
    assert_non_null(strstr(r.out, "\nusage: waspada import events"));
    support_run_free(&r);

    RUN(&r, "import", "events");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "waspada import: events needs exactly one JSON Lines file\n"
                               "try 'waspada import --help'\n");
    support_run_free(&r);
    RUN(&r, "import", "events", "--source", "SNPK", FIXTURE);
    assert_int_equal(r.status, 2);
    assert_true(str_starts_with(r.err, "waspada import: --source 'SNPK' is not a name"));
    support_run_free(&r);
    RUN(&r, "import", "events", "no-such-file.jsonl");
    assert_int_equal(r.status, 4);
    assert_string_equal(r.err, "waspada: cannot open 'no-such-file.jsonl'\n");
    support_run_free(&r);
    RUN(&r, "import", "nothing");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_again_and_changed),
        cmocka_unit_test(test_bad_file_writes_nothing),
        cmocka_unit_test(test_big_file_in_parts),
        cmocka_unit_test(test_help_and_misuse),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
