/*
 * Events out (issue 16, item 2): 100k events imported with `waspada import events`, exported
 * through GET /api/v1/events/export as CSV and GeoJSON and read back with libcsv and jansson
 * (row counts, exact values), the server's peak memory not growing with the export (a 10k
 * export against the 100k one), a kabkota officer's export holding its regency's rows only,
 * the public export holding verified rows without actors, admin3, source or notes, and the
 * CLI's `export events`. On SQLite, or PostgreSQL with WASPADA_TEST_ENGINE=postgresql.
 *
 * Prints the 100k export's speed and the server's peak RSS.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <cmocka.h>
#include <csv.h>

#include "base/base.h"
#include "events/events.h"
#include "geo/geo.h"
#include "../support/api_call.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"
/* 100k events; under AddressSanitizer (make check's second run, which looks for memory errors,
 * not speed) a fifth of them, so that the run stays short. */
#ifdef __SANITIZE_ADDRESS__
#define NIMPORT 20000L
#else
#define NIMPORT 100000L
#endif
#define RSS_GROWTH_MAX_KB (8L * 1024) /* "a few MB" */

enum { ADMIN, BANDUNG, PELAPOR, ANON, NUSERS };
static const char *const users[NUSERS] = {"admin", "bandung", "pelapor", NULL};

static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static struct support_http clients[NUSERS];

/* ---- set-up: 100k events ------------------------------------------------------------------ */

/* Event i of the file: mostly regencies in turn, every 50th in Kota Bandung (a district of
 * it every 100th), every 20th known only to its province; dates over ten years. Event 1 is
 * the one whose values are checked. */
static int write_events(const char *path)
{
    struct geo_gazetteer *g = NULL;
    struct error err = {0};
    if (geo_load(&g, &err) != 0)
        return -1;
    FILE *f = fopen(path, "w");
    if (!f) {
        geo_free(g);
        return -1;
    }
    size_t nreg = geo_count(g, GEO_REGENCY), nprov = geo_count(g, GEO_PROVINCE);
    fputs("{\"id\": 1, \"region_code\": \"32.73.01\", \"date\": \"2020-02-29\", \"category\": "
          "\"separatist_armed\", \"killed\": 3, \"injured\": 2, \"verified\": true, "
          "\"source_url\": \"https://data.example.org/e/1\"}\n",
          f);
    for (long id = 2; id <= NIMPORT; id++) {
        const char *code = id % 100 == 0  ? "32.73.05"
                           : id % 50 == 0 ? "32.73"
                           : id % 20 == 0 ? geo_at(g, GEO_PROVINCE, (size_t)id % nprov)->code
                                          : geo_at(g, GEO_REGENCY, (size_t)id % nreg)->code;
        int64_t day = date_days_from_civil(2015, 1, 1) + id % 3653;
        int y, m, d;
        date_civil_from_days(day, &y, &m, &d);
        fprintf(f,
                "{\"id\": %ld, \"region_code\": \"%s\", \"date\": \"%04d-%02d-%02d\", "
                "\"category\": \"%s\", \"killed\": %ld, \"injured\": %ld, \"verified\": %s}\n",
                id, code, y, m, d, event_category_names[1 + id % (EVENT_NCATEGORIES - 1)], id % 7,
                id % 5, id % 3 ? "true" : "false");
    }
    geo_free(g);
    return fclose(f);
}

static void login(int u)
{
    support_http_init(&clients[u], server.base_url);
    if (!users[u])
        return;
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[u], PW);
    json_decref(support_api_call(&clients[u], "POST", "/api/v1/auth/login", body, NULL, 200, NULL));
    free(body);
}

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "export.db");
    char *file = support_path(tmpdir, "events.jsonl");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    const char *imp[] = {"--db", db_path, "import", "events", "--source", "acled", file, NULL};
    int rc = write_events(file);
    if (rc == 0 && (rc = support_run(&r, NULL, init)) != 0)
        fprintf(stderr, "init failed: %s\n", r.err);
    if (rc == 0) {
        support_run_free(&r);
        int64_t t0 = time_mono_ms();
        if ((rc = support_run(&r, NULL, imp)) != 0)
            fprintf(stderr, "import failed: %s\n", r.err);
        else
            printf("  import of %ld events (%s): %.1f s\n", NIMPORT, testdb_engine(),
                   (double)(time_mono_ms() - t0) / 1000.0);
    }
    support_run_free(&r);
    free(file);
    if (rc)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", "--login-max-failures", "50", NULL};
    rc = support_server_start(&server, db_path, extra, log);
    free(log);
    running = rc == 0;
    if (rc)
        return rc;
    for (int u = 0; u < NUSERS; u++)
        login(u);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int u = 0; u < NUSERS; u++)
        support_http_cleanup(&clients[u]);
    int rc = running && support_server_stop(&server) != 0 ? -1 : 0;
    if (rc || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* A /proc/<server>/status field in kB ("VmHWM", "VmRSS"). */
static long server_kb(const char *field)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)server.pid);
    char *s = support_read_file(path);
    if (!s)
        return -1;
    char key[32];
    snprintf(key, sizeof(key), "\n%s:", field);
    const char *p = strstr(s, key);
    long kb = p ? strtol(p + strlen(key), NULL, 10) : -1;
    free(s);
    return kb;
}

/* The largest RssAnon and VmRSS of the server while an export runs, sampled every 10 ms on a
 * thread of the test: anonymous memory is what an export could grow (file-backed pages are the
 * binary's embedded data and libraries, paged in once). */
struct sampler {
    pthread_t th;
    atomic_bool stop;
    long anon_max, rss_max;
};

static void *sample(void *arg)
{
    struct sampler *s = arg;
    while (!atomic_load(&s->stop)) {
        long a = server_kb("RssAnon"), r = server_kb("VmRSS");
        s->anon_max = a > s->anon_max ? a : s->anon_max;
        s->rss_max = r > s->rss_max ? r : s->rss_max;
        usleep(10000);
    }
    return NULL;
}

static void sampler_start(struct sampler *s)
{
    memset(s, 0, sizeof(*s));
    atomic_init(&s->stop, false);
    assert_int_equal(pthread_create(&s->th, NULL, sample, s), 0);
}

static void sampler_stop(struct sampler *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->th, NULL);
}

/* Wait (at most 90 s) until the server's anonymous memory has not changed for 2 s: after
 * start-up the early-warning service reads every event into its series on a thread of its
 * own, which must not be counted as the export's. */
static void settle(void)
{
    long last = -1;
    int same = 0;
    for (int i = 0; i < 360 && same < 8; i++) {
        long a = server_kb("RssAnon");
        same = a == last ? same + 1 : 0;
        last = a;
        usleep(250000);
    }
}

static int64_t count(const char *where)
{
    char *sql =
        xasprintf("SELECT COUNT(*) FROM events%s%s", where ? " WHERE " : "", where ? where : "");
    int64_t n = testdb_int(db_path, sql);
    free(sql);
    return n;
}

/* GET path as u: 200 with the content type, the body kept in r. */
static void get_file(int u, const char *path, const char *type, struct support_response *r)
{
    long st = support_http(&clients[u], "GET", path, NULL, 0, NULL, r);
    if (st != 200)
        fail_msg("GET %s: %ld %s", path, st, r->body);
    char *ct = support_response_header(r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, type);
    free(ct);
}

/* A CSV file read back with libcsv: the header's names, the number of rows, and the cells
 * of the row whose first cell is `want` (the event_id_cnty looked for). A callback of each
 * row may look at every row (all_rows). */
#define CSV_COLS_MAX 40
struct csv_read {
    char *head[CSV_COLS_MAX];
    size_t nhead;
    char *cur[CSV_COLS_MAX];
    size_t ncur;
    size_t rows; /* not counting the header */
    const char *want;
    char *found[CSV_COLS_MAX];
    void (*each)(struct csv_read *c);
    int col_of_interest;
    const char *must_equal; /* each row's col_of_interest cell, when set */
    size_t mismatches;
    size_t verified_bad; /* rows whose status is not a verified one */
    int status_col;
};

static void csv_field(void *s, size_t len, void *data)
{
    struct csv_read *c = data;
    if (c->ncur < CSV_COLS_MAX)
        c->cur[c->ncur++] = xstrndup(s ? s : "", s ? len : 0);
}

static int col_index(const struct csv_read *c, const char *name)
{
    for (size_t i = 0; i < c->nhead; i++)
        if (str_eq(c->head[i], name))
            return (int)i;
    return -1;
}

static void csv_row(int ch, void *data)
{
    (void)ch;
    struct csv_read *c = data;
    if (!c->nhead) {
        for (size_t i = 0; i < c->ncur; i++)
            c->head[i] = c->cur[i];
        c->nhead = c->ncur;
        c->ncur = 0;
        return;
    }
    c->rows++;
    if (c->ncur != c->nhead)
        c->mismatches++;
    if (c->must_equal && c->col_of_interest >= 0 &&
        !str_eq(c->cur[c->col_of_interest], c->must_equal))
        c->mismatches++;
    if (c->status_col >= 0) {
        const char *st = c->cur[c->status_col];
        if (!str_eq(st, "terverifikasi") && !str_eq(st, "dalam_penanganan") &&
            !str_eq(st, "selesai"))
            c->verified_bad++;
    }
    bool keep = c->want && c->ncur && str_eq(c->cur[0], c->want);
    for (size_t i = 0; i < c->ncur; i++) {
        if (keep)
            c->found[i] = c->cur[i];
        else
            free(c->cur[i]);
    }
    c->ncur = 0;
}

/* Parse body (after its BOM) into c. */
static void csv_parse_body(const char *body, size_t len, struct csv_read *c)
{
    assert_true(len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0);
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_APPEND_NULL), 0);
    assert_int_equal(csv_parse(&p, body + 3, len - 3, csv_field, csv_row, c), len - 3);
    csv_fini(&p, csv_field, csv_row, c);
    csv_free(&p);
    assert_int_equal(c->mismatches, 0);
}

static void csv_release(struct csv_read *c)
{
    for (size_t i = 0; i < CSV_COLS_MAX; i++) {
        free(c->head[i]);
        free(c->found[i]);
    }
    for (size_t i = 0; i < c->ncur; i++)
        free(c->cur[i]);
}

static const char *cell(const struct csv_read *c, const char *name)
{
    int i = col_index(c, name);
    if (i < 0)
        fail_msg("no column '%s'", name);
    assert_non_null(c->found[i]);
    return c->found[i];
}

static char *event1_id(void)
{
    int64_t id = testdb_int(db_path, "SELECT id FROM events WHERE import_source = 'acled'"
                                     " AND import_id = 1");
    assert_true(id > 0);
    return xasprintf("IDN%lld", (long long)id);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_csv_national_and_memory(void **state)
{
    (void)state;
    struct support_response r;
    /* a first small export loads what every export needs once (centroids) */
    get_file(ADMIN, "/api/v1/events/export?format=csv&region=32.73&from=2015-01-01&to=2015-03-31",
             "text/csv; charset=utf-8", &r);
    support_response_free(&r);
    settle();
    /* a year of the ten: about 10k events */
    struct sampler s10, s100;
    sampler_start(&s10);
    get_file(ADMIN, "/api/v1/events/export?format=csv&from=2016-01-01&to=2016-12-31",
             "text/csv; charset=utf-8", &r);
    sampler_stop(&s10);
    struct csv_read c10 = {.col_of_interest = -1, .status_col = -1};
    csv_parse_body(r.body, r.len, &c10);
    assert_int_equal(c10.rows, count("event_date BETWEEN '2016-01-01' AND '2016-12-31'"));
    size_t rows10 = c10.rows;
    csv_release(&c10);
    support_response_free(&r);
    long hwm10 = server_kb("VmHWM");

    sampler_start(&s100);
    int64_t t0 = time_mono_ms();
    get_file(ADMIN, "/api/v1/events/export?format=csv", "text/csv; charset=utf-8", &r);
    int64_t ms = time_mono_ms() - t0;
    sampler_stop(&s100);
    long hwm100 = server_kb("VmHWM");
    char *disp = support_response_header(&r, "Content-Disposition");
    assert_non_null(disp);
    assert_non_null(strstr(disp, "attachment; filename=\"kejadian.csv\""));
    free(disp);
    char *want = event1_id();
    struct csv_read c = {.want = want, .col_of_interest = -1, .status_col = -1};
    csv_parse_body(r.body, r.len, &c);
    size_t bytes = r.len;
    support_response_free(&r);
    int64_t all = count(NULL);
    assert_true(all >= NIMPORT);
    assert_int_equal(c.rows, all);
    printf("  csv export (%s): %zu rows, %.1f MB in %lld ms = %.0f rows/s; server during the "
           "export of %zu: RSS %ld kB (anon %ld kB), during the %zu: RSS %ld kB (anon %ld kB); "
           "peak RSS (VmHWM) %ld kB after the %zu, %ld kB after all\n",
           testdb_engine(), c.rows, (double)bytes / 1e6, (long long)ms,
           ms ? (double)c.rows * 1000.0 / (double)ms : 0.0, rows10, s10.rss_max, s10.anon_max,
           c.rows, s100.rss_max, s100.anon_max, hwm10, rows10, hwm100);

    /* the ACLED columns, then ours */
    static const char *const head[] = {"event_id_cnty",
                                       "event_date",
                                       "year",
                                       "time_precision",
                                       "disorder_type",
                                       "event_type",
                                       "sub_event_type",
                                       "actor1",
                                       "actor2",
                                       "iso",
                                       "country",
                                       "admin1",
                                       "admin1_code",
                                       "admin2",
                                       "admin2_code",
                                       "admin3",
                                       "admin3_code",
                                       "location",
                                       "latitude",
                                       "longitude",
                                       "geo_precision",
                                       "source",
                                       "notes",
                                       "fatalities",
                                       "timestamp",
                                       "category",
                                       "snpk_issue",
                                       "injured",
                                       "status",
                                       "confidence",
                                       "women_children_victims"};
    assert_int_equal(c.nhead, WSP_ARRAY_LEN(head));
    for (size_t i = 0; i < WSP_ARRAY_LEN(head); i++)
        assert_string_equal(c.head[i], head[i]);
    assert_string_equal(cell(&c, "event_date"), "2020-02-29");
    assert_string_equal(cell(&c, "year"), "2020");
    assert_string_equal(cell(&c, "time_precision"), "1");
    assert_string_equal(cell(&c, "disorder_type"), "Political violence");
    assert_string_equal(cell(&c, "event_type"), "Battles");
    assert_string_equal(cell(&c, "sub_event_type"), "Armed clash");
    assert_string_equal(cell(&c, "actor1"), "");
    assert_string_equal(cell(&c, "iso"), "360");
    assert_string_equal(cell(&c, "admin1"), "Jawa Barat");
    assert_string_equal(cell(&c, "admin1_code"), "32");
    assert_string_equal(cell(&c, "admin2"), "Kota Bandung");
    assert_string_equal(cell(&c, "admin2_code"), "32.73");
    assert_string_equal(cell(&c, "admin3_code"), "32.73.01");
    assert_string_equal(cell(&c, "geo_precision"), "2");
    assert_true(strlen(cell(&c, "latitude")) > 3 && cell(&c, "latitude")[0] == '-');
    assert_string_equal(cell(&c, "source"), "acled (data.example.org)");
    assert_string_equal(cell(&c, "fatalities"), "3");
    assert_string_equal(cell(&c, "injured"), "2");
    assert_string_equal(cell(&c, "category"), "separatist_armed");
    assert_string_equal(cell(&c, "snpk_issue"), "Separatisme");
    assert_string_equal(cell(&c, "status"), "terverifikasi");
    assert_string_equal(cell(&c, "confidence"), "1.000");
    assert_string_equal(cell(&c, "women_children_victims"), "0");
    free(want);
    csv_release(&c);
    /* Under AddressSanitizer freed memory waits in a quarantine (256 MB) before reuse, so the
     * server's memory grows with every allocation made: the numbers above are printed, the
     * bound holds for the other builds. */
#ifndef __SANITIZE_ADDRESS__
    if (s100.anon_max - s10.anon_max > RSS_GROWTH_MAX_KB)
        fail_msg("the server's anonymous memory grew by %ld kB from a 10k to a 100k export",
                 s100.anon_max - s10.anon_max);
#endif
}

static void test_geojson(void **state)
{
    (void)state;
    struct support_response r;
    int64_t t0 = time_mono_ms();
    get_file(ADMIN, "/api/v1/events/export?format=geojson", "application/geo+json", &r);
    int64_t ms = time_mono_ms() - t0;
    json_error_t je;
    json_t *fc = json_loadb(r.body, r.len, 0, &je);
    if (!fc)
        fail_msg("not JSON: %s at %d", je.text, je.line);
    json_t *feats = json_object_get(fc, "features");
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    assert_int_equal(json_array_size(feats), count(NULL));
    printf("  geojson export (%s): %zu features, %.1f MB in %lld ms = %.0f rows/s\n",
           testdb_engine(), json_array_size(feats), (double)r.len / 1e6, (long long)ms,
           ms ? (double)json_array_size(feats) * 1000.0 / (double)ms : 0.0);
    char *want = event1_id();
    json_t *f = NULL;
    for (size_t i = 0; i < json_array_size(feats) && !f; i++)
        if (str_eq(json_string_value(json_object_get(json_array_get(feats, i), "id")), want))
            f = json_array_get(feats, i);
    assert_non_null(f);
    json_t *geom = json_object_get(f, "geometry");
    assert_string_equal(json_string_value(json_object_get(geom, "type")), "Point");
    json_t *props = json_object_get(f, "properties");
    json_t *xy = json_object_get(geom, "coordinates");
    assert_true(json_number_value(json_array_get(xy, 0)) ==
                json_number_value(json_object_get(props, "longitude")));
    assert_true(json_number_value(json_array_get(xy, 1)) ==
                json_number_value(json_object_get(props, "latitude")));
    /* Kota Bandung's centroid, about 107.6 E 6.9 S */
    assert_true(json_number_value(json_array_get(xy, 0)) > 107.5 &&
                json_number_value(json_array_get(xy, 0)) < 107.8);
    assert_true(json_number_value(json_array_get(xy, 1)) > -7.0 &&
                json_number_value(json_array_get(xy, 1)) < -6.8);
    assert_int_equal(json_integer_value(json_object_get(props, "fatalities")), 3);
    assert_int_equal(json_integer_value(json_object_get(props, "year")), 2020);
    assert_string_equal(json_string_value(json_object_get(props, "admin2")), "Kota Bandung");
    assert_string_equal(json_string_value(json_object_get(props, "event_type")), "Battles");
    assert_true(json_is_null(json_object_get(props, "actor1")));
    free(want);
    json_decref(fc);
    support_response_free(&r);
}

static void test_scope(void **state)
{
    (void)state;
    struct support_response r;
    get_file(BANDUNG, "/api/v1/events/export?format=csv", "text/csv; charset=utf-8", &r);
    struct csv_read c = {.col_of_interest = -1, .status_col = -1};
    /* find admin2_code's column from the header first */
    csv_parse_body(r.body, r.len, &c);
    int col = col_index(&c, "admin2_code");
    assert_true(col >= 0);
    size_t rows = c.rows;
    csv_release(&c);
    struct csv_read c2 = {.col_of_interest = col, .must_equal = "32.73", .status_col = -1};
    csv_parse_body(r.body, r.len, &c2);
    assert_int_equal(c2.mismatches, 0);
    assert_int_equal(rows, count("region_code = '32.73'"));
    assert_true(rows >= NIMPORT / 50);
    csv_release(&c2);
    support_response_free(&r);
    /* another region than its own: nothing */
    get_file(BANDUNG, "/api/v1/events/export?format=csv&region=33", "text/csv; charset=utf-8", &r);
    struct csv_read c3 = {.col_of_interest = -1, .status_col = -1};
    csv_parse_body(r.body, r.len, &c3);
    assert_int_equal(c3.rows, 0);
    csv_release(&c3);
    support_response_free(&r);
    /* reporters and the public may not; bad filters are 400 */
    json_decref(
        support_api_call(&clients[PELAPOR], "GET", "/api/v1/events/export", NULL, NULL, 403, NULL));
    json_decref(
        support_api_call(&clients[ANON], "GET", "/api/v1/events/export", NULL, NULL, 401, NULL));
    json_decref(support_api_call(&clients[ADMIN], "GET", "/api/v1/events/export?format=pdf", NULL,
                                 NULL, 400, NULL));
    json_decref(support_api_call(&clients[ADMIN], "GET", "/api/v1/events/export?from=2020-13-01",
                                 NULL, NULL, 400, NULL));
    /* XLSX: a workbook (a zip) */
    get_file(BANDUNG, "/api/v1/events/export?format=xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &r);
    assert_true(r.len > 1000 && memcmp(r.body, "PK", 2) == 0);
    support_response_free(&r);
}

static void test_public(void **state)
{
    (void)state;
    struct support_response r;
    get_file(ANON, "/api/v1/public/events/export?format=csv", "text/csv; charset=utf-8", &r);
    char *cc = support_response_header(&r, "Cache-Control");
    assert_non_null(cc);
    assert_non_null(strstr(cc, "public"));
    free(cc);
    struct csv_read c = {.col_of_interest = -1, .status_col = -1};
    csv_parse_body(r.body, r.len, &c);
    static const char *const hidden[] = {"actor1",      "actor2",     "admin3",
                                         "admin3_code", "location",   "source",
                                         "notes",       "confidence", "women_children_victims"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(hidden); i++)
        if (col_index(&c, hidden[i]) >= 0)
            fail_msg("the public export has a column '%s'", hidden[i]);
    assert_true(col_index(&c, "admin2_code") >= 0 && col_index(&c, "latitude") >= 0);
    int status_col = col_index(&c, "status");
    size_t rows = c.rows;
    csv_release(&c);
    struct csv_read c2 = {.col_of_interest = -1, .status_col = status_col};
    csv_parse_body(r.body, r.len, &c2);
    assert_int_equal(c2.verified_bad, 0);
    assert_int_equal(rows, count("status IN ('terverifikasi', 'dalam_penanganan', 'selesai')"));
    assert_true(rows < (size_t)count(NULL));
    csv_release(&c2);
    support_response_free(&r);
    /* GeoJSON, one province: the same redaction */
    get_file(ANON, "/api/v1/public/events/export?format=geojson&region=32", "application/geo+json",
             &r);
    json_t *fc = json_loadb(r.body, r.len, 0, NULL);
    assert_non_null(fc);
    json_t *feats = json_object_get(fc, "features");
    assert_true(json_array_size(feats) > 0);
    for (size_t i = 0; i < json_array_size(feats); i++) {
        json_t *p = json_object_get(json_array_get(feats, i), "properties");
        assert_null(json_object_get(p, "notes"));
        assert_null(json_object_get(p, "admin3"));
        assert_string_equal(json_string_value(json_object_get(p, "admin1_code")), "32");
    }
    json_decref(fc);
    support_response_free(&r);
    /* no searching the sources' text, no other statuses */
    json_decref(support_api_call(&clients[ANON], "GET", "/api/v1/public/events/export?q=bentrok",
                                 NULL, NULL, 400, NULL));
    json_decref(support_api_call(&clients[ANON], "GET",
                                 "/api/v1/public/events/export?status=menunggu", NULL, NULL, 400,
                                 NULL));
}

static void test_cli(void **state)
{
    (void)state;
    char *out = support_path(tmpdir, "bandung.geojson");
    struct support_run r;
    const char *args[] = {"--db",     db_path, "export", "events", "--format", "geojson",
                          "--region", "32.73", "-o",     out,      NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    assert_non_null(strstr(r.err, "events to"));
    support_run_free(&r);
    json_t *fc = json_load_file(out, 0, NULL);
    assert_non_null(fc);
    assert_int_equal(json_array_size(json_object_get(fc, "features")),
                     count("region_code = '32.73'"));
    json_decref(fc);
    free(out);
    const char *bad[] = {"--db", db_path, "export", "events", "--format", "pdf", NULL};
    assert_int_equal(support_run(&r, NULL, bad), 2);
    support_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_national_and_memory),
        cmocka_unit_test(test_geojson),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_public),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
