/*
 * Integration tests of the public answers served from memory (issue 12, item 4): GET
 * /api/v1/public/risk and /public/cases carry a strong ETag that stays while the answer does,
 * If-None-Match answers 304 without a body, Accept-Encoding: gzip gets the gzip bytes of
 * exactly the plain answer, Cache-Control is public for 30 s and Vary names Accept-Encoding,
 * HEAD gives the headers alone. An unverified community report changes nothing public; once
 * an officer verifies it, the ETag and the body change (within the engine's poll). A case's
 * public summary written through the API shows at once. Threads hammer both endpoints while
 * they are rebuilt (run under ASan by the asan variant: snapshots swapped under requests).
 *
 * Demo accounts: admin. Tests run in order and build on each other.
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#define ZLIB_CONST
#include <zlib.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"
#include "../support/api_call.h"

#define DEMO_PASSWORD "waspada-demo"
#define RISK "/api/v1/public/risk"
#define CASES "/api/v1/public/cases"
#define HAMMER_THREADS 4
#define HAMMER_MIN 20 /* requests per thread at least, while the writes go on */

static char *tmpdir, *db_path;
static struct support_server server;
static bool server_running;
static struct support_http admin;
static char admin_csrf[65];
static char today[16];

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *api(struct support_http *c, const char *method, const char *path, const char *body,
                   const char *csrf, long expect_status)
{
    return support_api_call(c, method, path, body, csrf, expect_status, NULL);
}

/* An anonymous GET (or HEAD) with up to two extra headers (NULL for none). */
static long anon(const char *method, const char *path, const char *h1, const char *h2,
                 struct support_response *r)
{
    struct support_http c;
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    const char *headers[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (h1)
        headers[n++] = h1;
    if (h2)
        headers[n++] = h2;
    long status = support_http(&c, method, path, NULL, 0, n ? headers : NULL, r);
    support_http_cleanup(&c);
    return status;
}

static char *header(const struct support_response *r, const char *name)
{
    return support_response_header(r, name);
}

static void expect_header(const struct support_response *r, const char *name, const char *want)
{
    char *v = header(r, name);
    if (!v)
        fail_msg("no %s header in:\n%s", name, r->headers);
    if (strcmp(v, want) != 0)
        fail_msg("%s: expected '%s', got '%s'", name, want, v);
    free(v);
}

static void expect_no_header(const struct support_response *r, const char *name)
{
    char *v = header(r, name);
    if (v)
        fail_msg("unexpected %s: %s", name, v);
}

/* The caching headers every public answer has, whatever its status. */
static void expect_public_headers(const struct support_response *r, const char *etag)
{
    expect_header(r, "Cache-Control", "public, max-age=30");
    expect_header(r, "Vary", "Accept-Encoding");
    expect_header(r, "ETag", etag);
    expect_header(r, "Content-Type", "application/json; charset=utf-8");
    expect_header(r, "X-Content-Type-Options", "nosniff");
    expect_header(r, "X-Frame-Options", "DENY");
    expect_header(r, "Referrer-Policy", "same-origin");
}

/* gunzip of data into a NUL-terminated malloc'd string (*out_len bytes), or NULL. */
static char *gunzip(const char *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return NULL;
    size_t cap = len * 4 + 1024, n = 0;
    char *out = xmalloc(cap);
    z.next_in = (const Bytef *)data;
    z.avail_in = (uInt)len;
    int rc;
    do {
        if (cap - n < 1024) {
            cap *= 2;
            out = xrealloc(out, cap);
        }
        z.next_out = (Bytef *)out + n;
        z.avail_out = (uInt)(cap - n - 1);
        rc = inflate(&z, Z_NO_FLUSH);
        n = z.total_out;
    } while (rc == Z_OK);
    inflateEnd(&z);
    if (rc != Z_STREAM_END || z.avail_in != 0) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* "\"hex\"" -> "\"hex-gz\"" */
static char *gz_etag(const char *etag)
{
    size_t n = strlen(etag);
    return xasprintf("%.*s-gz\"", (int)(n - 1), etag);
}

/* GET path plain: 200 and its ETag (caller frees both; body into *body). */
static char *get_plain(const char *path, char **body)
{
    struct support_response r;
    assert_int_equal(anon("GET", path, NULL, NULL, &r), 200);
    char *etag = header(&r, "ETag");
    if (!etag)
        fail_msg("GET %s: no ETag:\n%s", path, r.headers);
    expect_public_headers(&r, etag);
    expect_no_header(&r, "Content-Encoding");
    *body = xstrdup(r.body);
    support_response_free(&r);
    return etag;
}

/* The public document's row for regency code, or NULL (borrowed from doc). */
static json_t *regency_row(json_t *doc, const char *code)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "regencies"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "region_code")), code) == 0)
            return it;
    }
    return NULL;
}

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    int rc = support_run(&r, NULL, init);
    support_run_free(&r);
    if (rc != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "4", "--max-conns-per-address", "0", NULL};
    rc = support_server_start(&server, db_path, extra, log);
    free(log);
    server_running = rc == 0;
    char iso[32];
    time_format_iso(time(NULL), iso, sizeof(iso));
    memcpy(today, iso, 10);
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    if (admin.curl)
        support_http_cleanup(&admin);
    int rc = 0;
    /* A server that crashed or leaked (ASan) exits non-zero. */
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    support_rmtree(tmpdir);
    free(tmpdir);
    free(db_path);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------------ */

/* Two requests: the same strong ETag and the same bytes; the document is what it was. */
static void test_etag_stable(void **state)
{
    WSP_UNUSED(state);
    char *b1, *b2;
    char *e1 = get_plain(RISK, &b1);
    char *e2 = get_plain(RISK, &b2);
    assert_string_equal(e1, e2);
    assert_string_equal(b1, b2);
    /* strong: a quoted tag, no W/ */
    assert_true(e1[0] == '"' && e1[strlen(e1) - 1] == '"' && strlen(e1) == 34);
    json_t *doc = json_loads(b1, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "window_days")), 30);
    assert_string_equal(json_string_value(json_object_get(doc, "to")), today);
    assert_true(json_is_string(json_object_get(doc, "generated_at")));
    assert_true(json_is_array(json_object_get(doc, "regencies")));
    assert_null(regency_row(doc, "33.74"));
    json_decref(doc);
    free(e1);
    free(e2);
    free(b1);
    free(b2);
}

/* If-None-Match with the ETag (alone, in a list, weak, "*"): 304 and no body; another tag:
 * 200 with the body. */
static void test_not_modified(void **state)
{
    WSP_UNUSED(state);
    char *body;
    char *etag = get_plain(RISK, &body);
    char *inm[] = {
        xasprintf("If-None-Match: %s", etag),
        xasprintf("If-None-Match: \"0123\", %s", etag),
        xasprintf("If-None-Match: W/%s", etag),
        xstrdup("If-None-Match: *"),
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(inm); i++) {
        struct support_response r;
        long st = anon("GET", RISK, inm[i], NULL, &r);
        if (st != 304)
            fail_msg("%s: expected 304, got %ld", inm[i], st);
        assert_int_equal(r.len, 0);
        expect_public_headers(&r, etag);
        /* the length of the answer it stands for, never 0 */
        char *cl = xasprintf("%zu", strlen(body));
        expect_header(&r, "Content-Length", cl);
        free(cl);
        support_response_free(&r);
        free(inm[i]);
    }
    struct support_response r;
    assert_int_equal(anon("GET", RISK, "If-None-Match: \"0123\"", NULL, &r), 200);
    assert_string_equal(r.body, body);
    expect_header(&r, "ETag", etag);
    support_response_free(&r);
    /* The gzip tag does not stand for the plain answer. */
    char *gz = gz_etag(etag);
    char *h = xasprintf("If-None-Match: %s", gz);
    assert_int_equal(anon("GET", RISK, h, NULL, &r), 200);
    assert_string_equal(r.body, body);
    support_response_free(&r);
    free(h);
    free(gz);
    free(etag);
    free(body);
}

/* Accept-Encoding: gzip gets gzip bytes that inflate to exactly the plain body, with an ETag
 * of their own; without it (or with gzip refused), plain. */
static void test_gzip(void **state)
{
    WSP_UNUSED(state);
    char *plain;
    char *etag = get_plain(RISK, &plain);
    char *gz = gz_etag(etag);
    static const char *const yes[] = {"Accept-Encoding: gzip", "Accept-Encoding: br, gzip",
                                      "Accept-Encoding: gzip, deflate, br",
                                      "Accept-Encoding: GZIP;q=0.5", "Accept-Encoding: *"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(yes); i++) {
        struct support_response r;
        assert_int_equal(anon("GET", RISK, yes[i], NULL, &r), 200);
        expect_header(&r, "Content-Encoding", "gzip");
        expect_public_headers(&r, gz);
        char *cl = xasprintf("%zu", r.len);
        expect_header(&r, "Content-Length", cl);
        free(cl);
        size_t n = 0;
        char *inflated = gunzip(r.body, r.len, &n);
        if (!inflated)
            fail_msg("%s: the body is not gzip", yes[i]);
        assert_int_equal(n, strlen(plain));
        assert_memory_equal(inflated, plain, n);
        free(inflated);
        support_response_free(&r);
    }
    static const char *const no[] = {"Accept-Encoding: identity", "Accept-Encoding: gzip;q=0",
                                     "Accept-Encoding: br, gzip; q=0.0",
                                     "Accept-Encoding: *, gzip;q=0", "Accept-Encoding: gzipx"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(no); i++) {
        struct support_response r;
        assert_int_equal(anon("GET", RISK, no[i], NULL, &r), 200);
        expect_no_header(&r, "Content-Encoding");
        expect_public_headers(&r, etag);
        assert_string_equal(r.body, plain);
        support_response_free(&r);
    }
    /* The gzip tag with gzip accepted: 304. */
    char *h = xasprintf("If-None-Match: %s", gz);
    struct support_response r;
    assert_int_equal(anon("GET", RISK, "Accept-Encoding: gzip", h, &r), 304);
    assert_int_equal(r.len, 0);
    expect_public_headers(&r, gz);
    support_response_free(&r);
    free(h);
    free(gz);
    free(etag);
    free(plain);
}

/* HEAD: the headers of GET (same ETag and length), no body; and If-None-Match too. */
static void test_head(void **state)
{
    WSP_UNUSED(state);
    char *plain;
    char *etag = get_plain(RISK, &plain);
    struct support_response r;
    assert_int_equal(anon("HEAD", RISK, NULL, NULL, &r), 200);
    assert_int_equal(r.len, 0);
    expect_public_headers(&r, etag);
    char *cl = xasprintf("%zu", strlen(plain));
    expect_header(&r, "Content-Length", cl);
    free(cl);
    support_response_free(&r);
    char *h = xasprintf("If-None-Match: %s", etag);
    assert_int_equal(anon("HEAD", RISK, h, NULL, &r), 304);
    support_response_free(&r);
    free(h);
    free(etag);
    free(plain);
}

/* An unverified report moves nothing public (same ETag); verified by an officer, the public
 * answer changes: a new ETag, the regency with its verified event, the old tag gets 200. */
static void test_change_after_verification(void **state)
{
    WSP_UNUSED(state);
    assert_int_equal(support_http_init(&admin, server.base_url), 0);
    char *login = xasprintf("{\"username\":\"admin\",\"password\":\"%s\"}", DEMO_PASSWORD);
    json_t *v = api(&admin, "POST", "/api/v1/auth/login", login, NULL, 200);
    str_copy(admin_csrf, json_string_value(json_object_get(v, "csrf_token")), sizeof(admin_csrf));
    json_decref(v);
    free(login);

    char *b0;
    char *e0 = get_plain(RISK, &b0);
    char *report = xasprintf("{\"what\":\"Bentrok antarwarga, seorang pemuda tewas dibacok\","
                             "\"where\":\"33.74\",\"when\":\"%s\",\"killed\":1}",
                             today);
    v = api(&admin, "POST", "/api/v1/reports", report, admin_csrf, 201);
    json_int_t event = json_integer_value(json_object_get(v, "event_id"));
    assert_true(event > 0);
    json_decref(v);
    free(report);
    usleep(600 * 1000); /* past the engine's poll (250 ms): the lead is in its state */
    char *b1;
    char *e1 = get_plain(RISK, &b1);
    assert_string_equal(e1, e0); /* unverified: nothing public changed */
    assert_string_equal(b1, b0);

    char path[64];
    snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)event);
    json_decref(api(&admin, "PATCH", path, "{\"status\":\"terverifikasi\"}", admin_csrf, 200));
    char *e2 = NULL, *b2 = NULL;
    for (int i = 0; i < 50; i++) { /* the engine picks the change up within its poll */
        free(e2);
        free(b2);
        e2 = get_plain(RISK, &b2);
        if (strcmp(e2, e0) != 0)
            break;
        usleep(100 * 1000);
    }
    if (strcmp(e2, e0) == 0)
        fail_msg("the ETag did not change after the verification: %s", e2);
    json_t *doc = json_loads(b2, 0, NULL);
    json_t *row = regency_row(doc, "33.74");
    if (!row)
        fail_msg("no row for 33.74 after the verification: %s", b2);
    assert_int_equal(json_integer_value(json_object_get(row, "verified_events")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "killed")), 1);
    assert_string_equal(json_string_value(json_object_get(row, "region")), "Kota Semarang");
    json_decref(doc);
    /* The old tag: the new answer. The new tag: 304. Stable again. */
    struct support_response r;
    char *h = xasprintf("If-None-Match: %s", e0);
    assert_int_equal(anon("GET", RISK, h, NULL, &r), 200);
    assert_string_equal(r.body, b2);
    expect_header(&r, "ETag", e2);
    support_response_free(&r);
    free(h);
    h = xasprintf("If-None-Match: %s", e2);
    assert_int_equal(anon("GET", RISK, h, NULL, &r), 304);
    support_response_free(&r);
    free(h);
    char *b3;
    char *e3 = get_plain(RISK, &b3);
    assert_string_equal(e3, e2);
    assert_string_equal(b3, b2);
    /* The gzip answer is of the new document. */
    assert_int_equal(anon("GET", RISK, "Accept-Encoding: gzip", NULL, &r), 200);
    size_t n = 0;
    char *inflated = gunzip(r.body, r.len, &n);
    assert_non_null(inflated);
    assert_string_equal(inflated, b2);
    free(inflated);
    support_response_free(&r);
    free(e0);
    free(b0);
    free(e1);
    free(b1);
    free(e2);
    free(b2);
    free(e3);
    free(b3);
}

/* /public/cases: ETag, 304, gzip; a public summary written through the API shows at once. */
static void test_public_cases(void **state)
{
    WSP_UNUSED(state);
    char *b0;
    char *e0 = get_plain(CASES, &b0);
    struct support_response r;
    char *h = xasprintf("If-None-Match: %s", e0);
    assert_int_equal(anon("GET", CASES, h, NULL, &r), 304);
    assert_int_equal(r.len, 0);
    support_response_free(&r);
    free(h);
    assert_int_equal(anon("GET", CASES, "Accept-Encoding: gzip", NULL, &r), 200);
    expect_header(&r, "Content-Encoding", "gzip");
    size_t n = 0;
    char *inflated = gunzip(r.body, r.len, &n);
    assert_non_null(inflated);
    assert_string_equal(inflated, b0);
    free(inflated);
    support_response_free(&r);

    json_t *v = api(&admin, "GET", "/api/v1/cases", NULL, NULL, 200);
    json_t *first = json_array_get(json_object_get(v, "items"), 0);
    assert_non_null(first);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%lld",
             (long long)json_integer_value(json_object_get(first, "id")));
    json_decref(v);
    json_decref(api(&admin, "PATCH", path,
                    "{\"public_summary\":\"Mediasi tokoh adat berjalan; situasi kondusif.\"}",
                    admin_csrf, 200));
    char *b1;
    char *e1 = get_plain(CASES, &b1);
    assert_string_not_equal(e1, e0);
    assert_non_null(strstr(b1, "Mediasi tokoh adat berjalan; situasi kondusif."));
    assert_null(strstr(b0, "Mediasi tokoh adat berjalan"));
    free(e0);
    free(b0);
    free(e1);
    free(b1);
}

/* Requests on several connections for as long as the answers are being rebuilt: every answer
 * is 200 and whole JSON (the server runs under ASan in the asan variant, and its exit
 * status, checked at teardown, catches a use after free or a leak of a snapshot). */
struct hammer {
    pthread_t t;
    int id;
    atomic_int *stop;
    int bad;
    int done;
};

static void *hammer_main(void *arg)
{
    struct hammer *h = arg;
    struct support_http c;
    if (support_http_init(&c, server.base_url) != 0) {
        h->bad++;
        return NULL;
    }
    for (int i = 0; !atomic_load(h->stop); i++) {
        const char *path = (i + h->id) % 3 == 0 ? CASES : RISK;
        bool gz = (i + h->id) % 2 == 0;
        const char *headers[] = {gz ? "Accept-Encoding: gzip" : "Accept-Encoding: identity", NULL};
        struct support_response r;
        long st = support_http(&c, (i % 7 == 0) ? "HEAD" : "GET", path, NULL, 0, headers, &r);
        if (st != 200) {
            h->bad++;
        } else if (i % 7 != 0) {
            size_t n = r.len;
            char *text = gz ? gunzip(r.body, r.len, &n) : xstrdup(r.body);
            json_t *doc = text ? json_loadb(text, n, 0, NULL) : NULL;
            if (!doc)
                h->bad++;
            json_decref(doc);
            free(text);
        }
        support_response_free(&r);
        h->done++;
    }
    support_http_cleanup(&c);
    return NULL;
}

static void test_concurrent_rebuilds(void **state)
{
    WSP_UNUSED(state);
    atomic_int stop;
    atomic_init(&stop, 0);
    struct hammer hs[HAMMER_THREADS];
    for (int i = 0; i < HAMMER_THREADS; i++) {
        hs[i] = (struct hammer){.id = i, .stop = &stop};
        assert_int_equal(pthread_create(&hs[i].t, NULL, hammer_main, &hs[i]), 0);
    }
    /* Meanwhile: case summaries rebuild /public/cases, reports verified rebuild /public/risk. */
    json_t *v = api(&admin, "GET", "/api/v1/cases", NULL, NULL, 200);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%lld",
             (long long)json_integer_value(
                 json_object_get(json_array_get(json_object_get(v, "items"), 0), "id")));
    json_decref(v);
    /* Kota Surabaya, Malang, Kediri, Blitar, Probolinggo, Pasuruan: one report each (the
     * same report twice in one place is one event). */
    static const char *const places[] = {"35.78", "35.73", "35.71", "35.72", "35.74", "35.75"};
    for (size_t k = 0; k < WSP_ARRAY_LEN(places); k++) {
        char *body = xasprintf("{\"public_summary\":\"Pertemuan ke-%zu berjalan baik.\"}", k);
        json_decref(api(&admin, "PATCH", path, body, admin_csrf, 200));
        free(body);
        char *report = xasprintf("{\"what\":\"Dua kelompok bentrok, seorang warga luka\","
                                 "\"where\":\"%s\",\"when\":\"%s\",\"injured\":1}",
                                 places[k], today);
        v = api(&admin, "POST", "/api/v1/reports", report, admin_csrf, 201);
        char epath[64];
        snprintf(epath, sizeof(epath), "/api/v1/events/%lld",
                 (long long)json_integer_value(json_object_get(v, "event_id")));
        json_decref(v);
        free(report);
        json_decref(api(&admin, "PATCH", epath, "{\"status\":\"terverifikasi\"}", admin_csrf, 200));
        usleep(150 * 1000);
    }
    atomic_store(&stop, 1);
    int bad = 0, done = 0;
    for (int i = 0; i < HAMMER_THREADS; i++) {
        pthread_join(hs[i].t, NULL);
        bad += hs[i].bad;
        done += hs[i].done;
    }
    assert_int_equal(bad, 0);
    if (done < HAMMER_THREADS * HAMMER_MIN)
        fail_msg("only %d requests during the rebuilds", done);
    /* Every verification shows: Jawa Timur has the six events and their injured. */
    char *b = NULL, *e = NULL;
    json_t *row = NULL, *doc = NULL;
    for (int i = 0; i < 50 && !row; i++) {
        free(b);
        free(e);
        json_decref(doc);
        e = get_plain(RISK, &b);
        doc = json_loads(b, 0, NULL);
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(doc, "provinces"), k, it)
        {
            if (strcmp(json_string_value(json_object_get(it, "region_code")), "35") == 0 &&
                json_integer_value(json_object_get(it, "verified_events")) == 6)
                row = it;
        }
        if (!row)
            usleep(100 * 1000);
    }
    if (!row)
        fail_msg("Jawa Timur does not show its 6 verified events: %s", b);
    assert_int_equal(json_integer_value(json_object_get(row, "injured")), 6);
    json_decref(doc);
    free(b);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_etag_stable),
        cmocka_unit_test(test_not_modified),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_change_after_verification),
        cmocka_unit_test(test_public_cases),
        cmocka_unit_test(test_concurrent_rebuilds),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
