/*
 * Integration test of the P3AKS figures (issue 14, item 2) through the real server, on either
 * engine (make test / make test-pg): GET /api/v1/p3aks for officers, GET /api/v1/public/p3aks
 * for everyone, and the P3AKS sheet of the compliance export.
 *
 * Seeded through the API (the services workflow of item 1): in Jawa Barat, a case in Kota
 * Bandung (32.73) with a girl of 12 served twice (10 and 2 days from need to receipt), a boy
 * of 9 whose safe-house referral has been open 20 days, a woman served in 6 days and a grown
 * man whose open referral does not count; a case in Kabupaten Bandung (32.04) with a woman of
 * unknown age waiting 16 days and a 15-year-old whose need was refused; a case of the province
 * itself with a girl of 7 whose need is 3 days old. The demo adds a case in Poso (72.02) with
 * counts and a named girl of 14 without needs. Days are counted back from today in WIB, the
 * figures' reference day.
 *
 * The public answers are served from memory: the next one after a case is added through the
 * server has it; threads asking for several years and regions while cases are written get
 * whole answers; past the 64 (year, region) pairs kept, answers are built on each request.
 *
 * Demo accounts, and an officer of Kota Semarang (33.74, Jawa Tengah). Tests run in order.
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"
/* Distinctive names: found in any figures' answer, they are victims' data leaking. */
#define NAME_GIRL "Laras Wicaksani Pramudita"
#define NAME_BOY "Bima Aryasatya Nugraha"

enum { ADMIN, PUSAT, JABAR, BANDUNG, PELAPOR, SEMARANG, NUSERS };
static const char *const users[NUSERS] = {"admin",   "pusat",   "jabar",
                                          "bandung", "pelapor", "semarang"};

static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static struct support_http clients[NUSERS];
static char csrf[NUSERS][65];
static int64_t ref_day; /* today in WIB */
static int year;
static json_int_t boy_referral, woman_need, boy_case, boy_id;

/* ---- helpers ---------------------------------------------------------------------------- */

static long req(int i, const char *method, const char *path, const char *body,
                struct support_response *r)
{
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf[i]);
    const char *headers[] = {hdr, NULL};
    return support_http(&clients[i], method, path, body, body ? strlen(body) : 0,
                        csrf[i][0] ? headers : NULL, r);
}

/* As user i: fails unless the status is expected; the JSON answer (caller decrefs). */
static json_t *as(int i, const char *method, const char *path, const char *body, long expect)
{
    struct support_response r;
    long st = req(i, method, path, body, &r);
    if (st != expect)
        fail_msg("%s %s %s: expected %ld, got %ld: %s", users[i], method, path, expect, st,
                 r.body ? r.body : "");
    if (strstr(r.body ? r.body : "", NAME_GIRL) || strstr(r.body ? r.body : "", NAME_BOY))
        if (strstr(path, "/p3aks") || strstr(path, "/compliance"))
            fail_msg("a victim's name in %s: %s", path, r.body);
    json_t *v = r.body ? json_loads(r.body, 0, NULL) : NULL;
    support_response_free(&r);
    return v;
}

static json_int_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", k);
    return json_integer_value(v);
}

static long login(int i)
{
    support_http_init(&clients[i], server.base_url);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[i],
                           i == SEMARANG ? "rahasia-semarang" : PW);
    csrf[i][0] = '\0';
    struct support_response r;
    long st = req(i, "POST", "/api/v1/auth/login", body, &r);
    free(body);
    json_t *v = st == 200 ? json_loads(r.body, 0, NULL) : NULL;
    if (v)
        str_copy(csrf[i], json_string_value(json_object_get(v, "csrf_token")), 65);
    json_decref(v);
    support_response_free(&r);
    return st;
}

/* "YYYY-MM-DD" of ago days before the reference day (static buffers, four in turn). */
static const char *ago(int days)
{
    static char buf[4][11];
    static int k;
    char *b = buf[k++ % 4];
    date_format(ref_day - days, b, 11);
    return b;
}

/* A new case of region as user i; its id. */
static json_int_t add_case(int i, const char *region)
{
    char *body = xasprintf("{\"title\":\"Kasus P3AKS %s\",\"region\":\"%s\","
                           "\"issue\":\"identitas\"}",
                           region, region);
    json_t *v = as(i, "POST", "/api/v1/cases", body, 201);
    free(body);
    json_int_t id = jint(json_object_get(v, "case"), "id");
    json_decref(v);
    return id;
}

/* Set a case's counts and named victims (JSON texts); the victims' ids into ids. */
static void set_victims(json_int_t case_id, const char *counts, const char *people, json_int_t *ids,
                        size_t n)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%lld/victims", (long long)case_id);
    char *body = xasprintf("{\"counts\":%s,\"people\":%s}", counts, people);
    json_t *v = as(ADMIN, "PUT", path, body, 200);
    free(body);
    json_t *list =
        json_object_get(json_object_get(json_object_get(v, "case"), "victims"), "people");
    assert_int_equal(json_array_size(list), n);
    for (size_t i = 0; i < n; i++)
        ids[i] = jint(json_array_get(list, i), "id");
    json_decref(v);
}

/* A need of victim recorded ago days back, then the steps given as (status, days ago) pairs
 * (NULL ends); referrals go to the UPTD PPA, refusals with a reason. Its id. */
static json_int_t add_service(json_int_t victim, const char *type, int needed_ago, ...)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/victims/%lld/services", (long long)victim);
    char *body = xasprintf("{\"type\":\"%s\",\"needed_on\":\"%s\"}", type, ago(needed_ago));
    json_t *v = as(ADMIN, "POST", path, body, 201);
    free(body);
    json_int_t id = jint(json_object_get(v, "service"), "id");
    json_decref(v);
    snprintf(path, sizeof(path), "/api/v1/services/%lld", (long long)id);
    va_list ap;
    va_start(ap, needed_ago);
    const char *status;
    while ((status = va_arg(ap, const char *)) != NULL) {
        int days = va_arg(ap, int);
        body = xasprintf("{\"status\":\"%s\",\"day\":\"%s\"%s}", status, ago(days),
                         str_eq(status, "dirujuk")   ? ",\"provider\":\"UPTD PPA\""
                         : str_eq(status, "ditolak") ? ",\"refusal_reason\":\"menolak\""
                                                     : "");
        json_decref(as(ADMIN, "PATCH", path, body, 200));
        free(body);
    }
    va_end(ap);
    return id;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    int64_t now = (int64_t)time(NULL);
    ref_day = (now + 7 * 3600) / 86400;
    int m, d;
    date_civil_from_days(ref_day, &year, &m, &d);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "p3aks-figures.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed: %s\n", r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    const char *add[] = {
        "--db",    db_path,    "user",  "add",    "--username", "semarang",         "--role",
        "kabkota", "--region", "33.74", "--name", "Semarang",   "--password-stdin", NULL};
    if (support_run(&r, "rahasia-semarang\n", add) != 0) {
        fprintf(stderr, "user add failed: %s\n", r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", "--login-max-failures", "50", NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    running = rc == 0;
    if (rc)
        return rc;
    for (int i = 0; i < NUSERS; i++)
        if (login(i) != 200) {
            fprintf(stderr, "login of %s failed\n", users[i]);
            return -1;
        }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NUSERS; i++)
        support_http_cleanup(&clients[i]);
    int rc = running && support_server_stop(&server) != 0 ? -1 : 0;
    if (rc || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- the figures -------------------------------------------------------------------------- */

static void test_seed(void **state)
{
    (void)state;
    json_int_t a[4], b[2], c[1];
    /* Kota Bandung: counted 1 boy + 2 girls + 1 woman = 4 (2 grown men not). */
    boy_case = add_case(BANDUNG, "32.73");
    set_victims(boy_case, "{\"l\":{\"anak\":1,\"dewasa\":2},\"p\":{\"anak\":2,\"dewasa\":1}}",
                "[{\"name\":\"" NAME_GIRL "\",\"sex\":\"p\",\"age\":12,\"address\":\"Jl. X\"},"
                "{\"name\":\"" NAME_BOY "\",\"sex\":\"l\",\"age\":9},"
                "{\"name\":\"Ibu Sartika Wening\",\"sex\":\"p\",\"age\":30},"
                "{\"name\":\"Pak Darmo Sugih\",\"sex\":\"l\",\"age\":35}]",
                a, 4);
    boy_id = a[1];
    add_service(a[0], "psikososial", 30, "dirujuk", 29, "diterima", 20, NULL); /* 10 days */
    add_service(a[0], "kesehatan", 30, "dirujuk", 30, "diterima", 28, "selesai", 25, NULL);
    boy_referral = add_service(a[1], "rumah_aman", 40, "dirujuk", 20, NULL);   /* open 20 days */
    add_service(a[2], "bantuan_hukum", 10, "dirujuk", 9, "diterima", 4, NULL); /* 6 days */
    add_service(a[3], "kesehatan", 30, "dirujuk", 25, NULL); /* a grown man's: not counted */
    /* Kabupaten Bandung: counted 5 + 1 women + 3 boys = 9. */
    json_int_t kb = add_case(ADMIN, "32.04");
    set_victims(kb, "{\"l\":{\"anak\":3},\"p\":{\"dewasa\":5,\"lansia\":1}}",
                "[{\"name\":\"Ibu Tanpa Umur\",\"sex\":\"p\"},"
                "{\"name\":\"Remaja Lima Belas\",\"age\":15}]",
                b, 2);
    woman_need = add_service(b[0], "pendidikan", 16, NULL); /* waiting 16 days */
    add_service(b[1], "psikososial", 12, "dirujuk", 11, "ditolak", 10, NULL);
    /* The province itself: counted 1 girl. */
    json_int_t pc = add_case(JABAR, "32");
    set_victims(pc, "{\"p\":{\"anak\":1}}", "[{\"name\":\"Anak Tujuh\",\"sex\":\"p\",\"age\":7}]",
                c, 1);
    add_service(c[0], "kesehatan", 3, NULL);
}

/* The figures of a row as officers see them. */
static void expect_row(json_t *row, const char *code, long counted, long women, long girls,
                       long boys, long named, long with_need, long all_served, double share,
                       long received, long received_victims, double median, long open, long waiting)
{
    if (!row)
        fail_msg("no row %s", code);
    assert_string_equal(json_string_value(json_object_get(row, "region_code")), code);
    assert_int_equal(jint(row, "women_children_victims"), counted);
    assert_int_equal(jint(row, "women"), women);
    assert_int_equal(jint(row, "girls"), girls);
    assert_int_equal(jint(row, "boys"), boys);
    assert_int_equal(jint(row, "named_victims"), named);
    assert_int_equal(jint(row, "with_need"), with_need);
    assert_int_equal(jint(row, "all_needs_served"), all_served);
    json_t *s = json_object_get(row, "share_served");
    if (share < 0)
        assert_true(json_is_null(s));
    else if (!json_is_number(s) || json_number_value(s) != share)
        fail_msg("%s: share %g, want %g", code, json_number_value(s), share);
    assert_int_equal(jint(row, "services_received"), received);
    assert_int_equal(jint(row, "received_victims"), received_victims);
    json_t *m = json_object_get(row, "median_days_to_receipt");
    if (median < 0)
        assert_true(json_is_null(m));
    else if (!json_is_number(m) || json_number_value(m) != median)
        fail_msg("%s: median %g, want %g", code, json_number_value(m), median);
    assert_int_equal(jint(row, "open_referrals"), open);
    assert_int_equal(jint(row, "waiting_needs"), waiting);
}

static json_t *row_of(json_t *doc, const char *code)
{
    json_t *rows = json_object_get(doc, "rows"), *r;
    size_t i;
    json_array_foreach(rows, i, r)
    {
        if (str_eq(json_string_value(json_object_get(r, "region_code")), code))
            return r;
    }
    return NULL;
}

static void test_officer_province(void **state)
{
    (void)state;
    /* jabar: its province by default, one row per regency/city. */
    json_t *v = as(JABAR, "GET", "/api/v1/p3aks", NULL, 200);
    assert_int_equal(jint(v, "year"), year);
    char today[11];
    date_format(ref_day, today, sizeof(today));
    assert_string_equal(json_string_value(json_object_get(v, "reference_day")), today);
    assert_string_equal(json_string_value(json_object_get(v, "region_code")), "32");
    assert_string_equal(json_string_value(json_object_get(v, "region")), "Jawa Barat");
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 27);
    expect_row(row_of(v, "32.73"), "32.73", 4, 1, 2, 1, 3, 3, 2, 66.7, 3, 2, 6, 1, 0);
    expect_row(row_of(v, "32.04"), "32.04", 9, 6, 0, 3, 2, 2, 0, 0.0, 0, 0, -1, 0, 1);
    expect_row(row_of(v, "32.01"), "32.01", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 0);
    expect_row(json_object_get(v, "own"), "32", 1, 0, 1, 0, 1, 1, 0, 0.0, 0, 0, -1, 0, 0);
    expect_row(json_object_get(v, "total"), "32", 14, 7, 3, 4, 6, 6, 2, 33.3, 3, 2, 6, 1, 1);
    /* The lists: ids, type, provider and days; no names. */
    assert_true(json_is_true(json_object_get(v, "list_visible")));
    json_t *refs = json_object_get(json_object_get(v, "open_referrals"), "items");
    assert_int_equal(jint(json_object_get(v, "open_referrals"), "count"), 1);
    assert_int_equal(json_array_size(refs), 1);
    json_t *x = json_array_get(refs, 0);
    assert_int_equal(jint(x, "service_id"), boy_referral);
    assert_int_equal(jint(x, "case_id"), boy_case);
    assert_int_equal(jint(x, "victim_id"), boy_id);
    assert_string_equal(json_string_value(json_object_get(x, "type")), "rumah_aman");
    assert_string_equal(json_string_value(json_object_get(x, "provider")), "UPTD PPA");
    assert_string_equal(json_string_value(json_object_get(x, "region_code")), "32.73");
    assert_int_equal(jint(x, "days_open"), 20);
    assert_int_equal(json_object_size(x), 8);
    json_t *wait = json_object_get(json_object_get(v, "waiting_needs"), "items");
    assert_int_equal(json_array_size(wait), 1);
    assert_int_equal(jint(json_array_get(wait, 0), "service_id"), woman_need);
    assert_int_equal(jint(json_array_get(wait, 0), "days_open"), 16);
    assert_string_equal(json_string_value(json_object_get(json_array_get(wait, 0), "status")),
                        "dibutuhkan");
    json_decref(v);

    /* Another year: nothing. */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/p3aks?region=32&year=%d", year - 1);
    v = as(JABAR, "GET", path, NULL, 200);
    expect_row(json_object_get(v, "total"), "32", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 0);
    assert_true(json_is_null(json_object_get(v, "own")));
    json_decref(v);
}

static void test_officer_regency_and_nation(void **state)
{
    (void)state;
    /* bandung: its own regency, one row, and its list. */
    json_t *v = as(BANDUNG, "GET", "/api/v1/p3aks", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 1);
    expect_row(row_of(v, "32.73"), "32.73", 4, 1, 2, 1, 3, 3, 2, 66.7, 3, 2, 6, 1, 0);
    expect_row(json_object_get(v, "total"), "32.73", 4, 1, 2, 1, 3, 3, 2, 66.7, 3, 2, 6, 1, 0);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(v, "open_referrals"), "items")), 1);
    json_decref(v);
    json_decref(as(BANDUNG, "GET", "/api/v1/p3aks?region=32", NULL, 403));
    json_decref(as(BANDUNG, "GET", "/api/v1/p3aks?region=32.04", NULL, 403));

    /* admin: the nation, a row per province, and the lists. */
    v = as(ADMIN, "GET", "/api/v1/p3aks", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(v, "region")), "Indonesia");
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 38);
    expect_row(row_of(v, "32"), "32", 14, 7, 3, 4, 6, 6, 2, 33.3, 3, 2, 6, 1, 1);
    /* the demo's case in Poso: 1 boy, 2 girls, 3 + 1 women; a named girl without needs */
    expect_row(row_of(v, "72"), "72", 7, 4, 2, 1, 1, 0, 0, -1, 0, 0, -1, 0, 0);
    expect_row(json_object_get(v, "total"), "", 21, 11, 5, 5, 7, 6, 2, 33.3, 3, 2, 6, 1, 1);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(v, "open_referrals"), "items")), 1);
    json_decref(v);

    /* pusat: the same figures, the counts of the overdue services, not the list. */
    v = as(PUSAT, "GET", "/api/v1/p3aks?region=32", NULL, 200);
    expect_row(json_object_get(v, "total"), "32", 14, 7, 3, 4, 6, 6, 2, 33.3, 3, 2, 6, 1, 1);
    assert_true(json_is_false(json_object_get(v, "list_visible")));
    json_t *refs = json_object_get(v, "open_referrals");
    assert_int_equal(jint(refs, "count"), 1);
    assert_null(json_object_get(refs, "items"));
    assert_int_equal(jint(json_object_get(v, "waiting_needs"), "count"), 1);
    assert_null(json_object_get(json_object_get(v, "waiting_needs"), "items"));
    char *text = json_dumps(v, 0);
    assert_null(strstr(text, "service_id"));
    assert_null(strstr(text, "victim_id"));
    free(text);
    json_decref(v);
}

static void test_refused(void **state)
{
    (void)state;
    json_decref(as(PELAPOR, "GET", "/api/v1/p3aks", NULL, 403));
    json_decref(as(PELAPOR, "GET", "/api/v1/p3aks?region=32.73", NULL, 403));
    /* An officer of Jawa Tengah: not Jawa Barat, nor one of its regencies. */
    json_decref(as(SEMARANG, "GET", "/api/v1/p3aks?region=32", NULL, 403));
    json_decref(as(SEMARANG, "GET", "/api/v1/p3aks?region=32.73", NULL, 403));
    json_t *v = as(SEMARANG, "GET", "/api/v1/p3aks", NULL, 200);
    expect_row(json_object_get(v, "total"), "33.74", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 0);
    json_decref(v);
    /* Not logged in: 401. Bad queries: 400. */
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/p3aks", NULL, 0, NULL, &r), 401);
    support_response_free(&r);
    support_http_cleanup(&anon);
    json_decref(as(ADMIN, "GET", "/api/v1/p3aks?region=99", NULL, 400));
    json_decref(as(ADMIN, "GET", "/api/v1/p3aks?region=32.73.01", NULL, 400));
    json_decref(as(ADMIN, "GET", "/api/v1/p3aks?year=1999", NULL, 400));
}

/* ---- the public ------------------------------------------------------------------------------ */

static json_t *anon_get(const char *path, long expect, char **etag)
{
    struct support_http c;
    support_http_init(&c, server.base_url);
    struct support_response r;
    long st = support_http(&c, "GET", path, NULL, 0, NULL, &r);
    if (st != expect)
        fail_msg("GET %s: expected %ld, got %ld: %s", path, expect, st, r.body);
    if (strstr(r.body, NAME_GIRL) || strstr(r.body, NAME_BOY))
        fail_msg("a victim's name in %s", path);
    if (etag)
        *etag = support_response_header(&r, "ETag");
    if (st == 200) {
        char *cc = support_response_header(&r, "Cache-Control");
        assert_string_equal(cc, "public, max-age=30");
        free(cc);
    }
    json_t *v = json_loads(r.body, 0, NULL);
    support_response_free(&r);
    support_http_cleanup(&c);
    return v;
}

/* A public figure: the number n, or the text s ("<3"), or null when n < 0 and !s. */
static void expect_pub(json_t *row, const char *key, long n, const char *s)
{
    json_t *v = json_object_get(row, key);
    if (s) {
        if (!json_is_string(v) || !str_eq(json_string_value(v), s))
            fail_msg("%s: expected \"%s\"", key, s);
    } else if (n < 0) {
        if (!json_is_null(v))
            fail_msg("%s: expected null", key);
    } else if (!json_is_integer(v) || json_integer_value(v) != n) {
        fail_msg("%s: expected %ld", key, n);
    }
}

static void test_public(void **state)
{
    (void)state;
    char *etag = NULL, *etag2 = NULL;
    json_t *v = anon_get("/api/v1/public/p3aks?region=32", 200, &etag);
    assert_non_null(etag);
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 27);
    json_t *kb = row_of(v, "32.73");
    expect_pub(kb, "women_children_victims", 4, NULL);
    expect_pub(kb, "women", 0, "<3");
    expect_pub(kb, "girls", 0, "<3");
    expect_pub(kb, "boys", 0, "<3");
    expect_pub(kb, "named_victims", 3, NULL);
    expect_pub(kb, "with_need", 3, NULL);
    expect_pub(kb, "all_needs_served", 0, "<3");
    expect_pub(kb, "share_served", -1, NULL);           /* 2 of 3 would tell the "<3" */
    expect_pub(kb, "median_days_to_receipt", -1, NULL); /* rests on 2 victims */
    expect_pub(kb, "open_referrals", 0, "<3");
    expect_pub(kb, "waiting_needs", 0, NULL);
    json_t *kab = row_of(v, "32.04");
    expect_pub(kab, "women_children_victims", 9, NULL);
    expect_pub(kab, "women", 6, NULL);
    expect_pub(kab, "named_victims", 0, "<3");
    expect_pub(kab, "all_needs_served", 0, NULL);
    expect_pub(kab, "share_served", -1, NULL);
    expect_pub(kab, "waiting_needs", 0, "<3");
    json_t *total = json_object_get(v, "total");
    expect_pub(total, "women_children_victims", 14, NULL);
    expect_pub(total, "with_need", 6, NULL);
    expect_pub(total, "all_needs_served", 0, "<3");
    expect_pub(total, "share_served", -1, NULL);
    /* Counts only: no list, no ids, no region below regency. */
    char *text = json_dumps(v, 0);
    static const char *const never[] = {"items",    "service_id", "victim_id",   "case_id",
                                        "provider", "UPTD",       "list_visible"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(never); i++)
        if (strstr(text, never[i]))
            fail_msg("'%s' in the public figures", never[i]);
    free(text);
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(v, "rows"), i, r)
    {
        const char *code = json_string_value(json_object_get(r, "region_code"));
        assert_non_null(code);
        const char *dot = strchr(code, '.');
        assert_true(!dot || !strchr(dot + 1, '.'));
    }
    json_decref(v);

    /* The same answer again, from memory. */
    v = anon_get("/api/v1/public/p3aks?region=32", 200, &etag2);
    assert_string_equal(etag, etag2);
    json_decref(v);
    free(etag2);

    /* The nation by default: the provinces. */
    v = anon_get("/api/v1/public/p3aks", 200, NULL);
    assert_int_equal(json_array_size(json_object_get(v, "rows")), 38);
    expect_pub(row_of(v, "72"), "women_children_victims", 7, NULL);
    expect_pub(row_of(v, "72"), "named_victims", 0, "<3");
    expect_pub(json_object_get(v, "total"), "women_children_victims", 21, NULL);
    json_decref(v);

    /* Below regency, unknown, bad year: 400. */
    json_decref(anon_get("/api/v1/public/p3aks?region=32.73.01", 400, NULL));
    json_decref(anon_get("/api/v1/public/p3aks?region=32.73.01.1001", 400, NULL));
    json_decref(anon_get("/api/v1/public/p3aks?region=99", 400, NULL));
    json_decref(anon_get("/api/v1/public/p3aks?year=abc", 400, NULL));

    /* A case added through this server (then its victims): the next public answer has it. */
    json_int_t ids[4];
    char counts[160];
    snprintf(counts, sizeof(counts),
             "{\"l\":{\"anak\":1,\"dewasa\":2},\"p\":{\"anak\":2,\"dewasa\":%d}}", 3);
    json_int_t extra = add_case(BANDUNG, "32.73");
    set_victims(extra, counts, "[]", ids, 0);
    v = anon_get("/api/v1/public/p3aks?region=32", 200, &etag2);
    assert_string_not_equal(etag, etag2);
    expect_pub(row_of(v, "32.73"), "women_children_victims", 10, NULL);
    json_decref(v);
    free(etag);
    free(etag2);
}

/* ---- the compliance export ------------------------------------------------------------------ */

static void test_export(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&type=p3aks", year);
    struct support_response r;
    assert_int_equal(req(JABAR, "GET", path, NULL, &r), 200);
    if (strstr(r.body, NAME_GIRL))
        fail_msg("a victim's name in the export");
    const char *sheet = strstr(r.body, "\r\n\r\nregion_code,region,women_children_victims,women,"
                                       "girls,boys,named_victims,with_need,all_needs_served,"
                                       "share_served,services_received,median_days_to_receipt,"
                                       "open_referrals_14d,waiting_needs_14d\r\n");
    if (!sheet)
        fail_msg("no P3AKS section in:\n%s", r.body);
    /* 32.73 now counts the case added by test_public too (6 more). */
    assert_non_null(strstr(sheet, "\r\n32.73,Kota Bandung,10,4,4,2,3,3,2,66.7,3,6.0,1,0\r\n"));
    assert_non_null(strstr(sheet, "\r\n32.04,Kabupaten Bandung,9,6,0,3,2,2,0,0.0,0,,0,1\r\n"));
    assert_non_null(
        strstr(sheet, "\r\n32,Jawa Barat (tingkat provinsi),1,0,1,0,1,1,0,0.0,0,,0,0\r\n"));
    assert_non_null(strstr(sheet, "\r\n32,Jumlah Jawa Barat,20,10,5,5,6,6,2,33.3,3,6.0,1,1\r\n"));
    support_response_free(&r);
    /* The pks export has no such section. */
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&type=pks", year);
    assert_int_equal(req(JABAR, "GET", path, NULL, &r), 200);
    assert_null(strstr(r.body, "women_children_victims"));
    support_response_free(&r);
    /* XLSX: a second sheet. */
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&type=p3aks&format=xlsx", year);
    assert_int_equal(req(JABAR, "GET", path, NULL, &r), 200);
    assert_true(r.len > 4);
    assert_memory_equal(r.body, "PK\x03\x04", 4);
    bool sheet2 = false;
    for (size_t i = 0; i + 24 <= r.len && !sheet2; i++)
        sheet2 = memcmp(r.body + i, "xl/worksheets/sheet2.xml", 24) == 0;
    assert_true(sheet2);
    support_response_free(&r);
}

/* ---- the public answers under load ------------------------------------------------------------
 */

#define HAMMER_THREADS 4
#define HAMMER_REQUESTS 30

static void *hammer(void *arg)
{
    long k = (long)(intptr_t)arg, bad = 0;
    static const char *const regions[] = {"", "32", "32.73", "72", "32.04"};
    struct support_http c;
    support_http_init(&c, server.base_url);
    for (int i = 0; i < HAMMER_REQUESTS; i++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/public/p3aks?year=%d&region=%s",
                 year - (int)((k + i) % 2), regions[(k + i) % 5]);
        struct support_response r;
        long st = support_http(&c, "GET", path, NULL, 0, NULL, &r);
        bad += st != 200 || !r.body || !strstr(r.body, "\"total\"");
        support_response_free(&r);
    }
    support_http_cleanup(&c);
    return (void *)(intptr_t)bad;
}

/* Threads ask for several years and regions while cases are written: every answer whole
 * (under ASan in the asan variant: slots added and snapshots swapped under requests). */
static void test_public_hammer(void **state)
{
    (void)state;
    pthread_t th[HAMMER_THREADS];
    for (long k = 0; k < HAMMER_THREADS; k++)
        assert_int_equal(pthread_create(&th[k], NULL, hammer, (void *)(intptr_t)k), 0);
    for (int i = 0; i < 3; i++) {
        json_int_t ids[1];
        json_int_t c = add_case(BANDUNG, "32.73");
        set_victims(c, "{\"p\":{\"anak\":1}}", "[]", ids, 0);
    }
    long bad = 0;
    for (int k = 0; k < HAMMER_THREADS; k++) {
        void *r;
        pthread_join(th[k], &r);
        bad += (long)(intptr_t)r;
    }
    assert_int_equal(bad, 0);
    /* After a case's write (as after a victims' or services' one), the answer holds every
     * victim written before it. */
    add_case(BANDUNG, "32.73");
    json_t *v = anon_get("/api/v1/public/p3aks?region=32", 200, NULL);
    expect_pub(row_of(v, "32.73"), "women_children_victims", 13, NULL);
    json_decref(v);
}

/* More (year, region) pairs than the cache keeps: the others are built on every request, with
 * the same caching headers but no ETag. */
static void test_public_slots(void **state)
{
    (void)state;
    bool uncached = false;
    for (int y = 2000; y < 2000 + 70; y++) {
        char path[64], *etag = NULL;
        snprintf(path, sizeof(path), "/api/v1/public/p3aks?year=%d", y);
        json_t *v = anon_get(path, 200, &etag);
        assert_int_equal(jint(v, "year"), y);
        uncached = uncached || !etag;
        free(etag);
        json_decref(v);
    }
    assert_true(uncached);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_officer_province),
        cmocka_unit_test(test_officer_regency_and_nation),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_public),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_public_hammer),
        cmocka_unit_test(test_public_slots),
    };
    return cmocka_run_group_tests_name(testdb_engine(), tests, group_setup, group_teardown);
}
