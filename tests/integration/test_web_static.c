/*
 * Integration tests of what the web UI needs from the server: Leaflet served from Debian's
 * libjs-leaflet at /vendor/leaflet/ (precompressed gzip, caching, no way out of the
 * directory), validators (ETag, 304) on static files, and the region boundaries at
 * /api/v1/geo/provinces and /api/v1/geo/regencies?province= (GeoJSON, ETag, public caching).
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "base/base.h"
#include "../support/support.h"

#define LEAFLET_DIR "/usr/share/javascript/leaflet"

static char *tmpdir;
static struct support_server server;
static bool server_running;
static struct support_http client;

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    char *db = support_path(tmpdir, "waspada.db");
    char *web = support_path(tmpdir, "web");
    char *index = support_path(web, "index.html");
    struct support_run r;
    const char *init[] = {"--db", db, "init", NULL};
    int rc = support_run(&r, NULL, init);
    if (rc != 0)
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
    support_run_free(&r);
    FILE *f = NULL;
    if (rc == 0 && mkdir(web, 0755) == 0 && (f = fopen(index, "w")) != NULL) {
        fputs("<p>app</p>", f);
        fclose(f);
    } else {
        rc = -1;
    }
    if (rc == 0) {
        char *log = support_path(tmpdir, "server.log");
        const char *extra[] = {"--web-dir", web, NULL};
        rc = support_server_start(&server, db, extra, log);
        free(log);
        server_running = rc == 0;
    }
    if (rc == 0)
        rc = support_http_init(&client, server.base_url);
    free(index);
    free(web);
    free(db);
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    support_http_cleanup(&client);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(tmpdir);
    return rc;
}

/* GET path with optional extra header lines; checks the status, returns the response. */
static void get(const char *path, const char *h1, const char *h2, long status,
                struct support_response *r)
{
    const char *headers[3] = {h1, h2, NULL};
    long got = support_http(&client, "GET", path, NULL, 0, h1 ? headers : NULL, r);
    if (got != status)
        fail_msg("GET %s: expected %ld, got %ld: %.200s", path, status, got, r->body);
}

static void expect_header(const struct support_response *r, const char *name, const char *value)
{
    char *v = support_response_header(r, name);
    if (!v)
        fail_msg("missing header %s in:\n%s", name, r->headers);
    if (value)
        assert_string_equal(v, value);
    free(v);
}

static bool have_leaflet(void)
{
    return access(LEAFLET_DIR "/leaflet.js", R_OK) == 0;
}

static void test_leaflet(void **state)
{
    WSP_UNUSED(state);
    if (!have_leaflet()) {
        fprintf(stderr, "libjs-leaflet is not installed: only the 404 is checked\n");
        struct support_response r;
        get("/vendor/leaflet/leaflet.js", NULL, NULL, 404, &r);
        support_response_free(&r);
        return;
    }
    struct support_response r;
    get("/vendor/leaflet/leaflet.js", NULL, NULL, 200, &r);
    expect_header(&r, "Content-Type", "text/javascript; charset=utf-8");
    expect_header(&r, "Cache-Control", "public, max-age=604800");
    expect_header(&r, "X-Content-Type-Options", "nosniff");
    assert_non_null(strstr(r.body, "Leaflet"));
    char *etag = support_response_header(&r, "ETag");
    assert_non_null(etag);
    assert_null(support_response_header(&r, "Content-Encoding"));
    support_response_free(&r);

    /* Revalidation. */
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    get("/vendor/leaflet/leaflet.js", inm, NULL, 304, &r);
    support_response_free(&r);
    free(etag);

    get("/vendor/leaflet/leaflet.css", NULL, NULL, 200, &r);
    expect_header(&r, "Content-Type", "text/css; charset=utf-8");
    support_response_free(&r);
    get("/vendor/leaflet/images/layers.png", NULL, NULL, 200, &r);
    expect_header(&r, "Content-Type", "image/png");
    support_response_free(&r);

    /* The precompressed copy for clients that take gzip. */
    if (access(LEAFLET_DIR "/leaflet.min.js.gz", R_OK) == 0) {
        get("/vendor/leaflet/leaflet.min.js", "Accept-Encoding: gzip, deflate", NULL, 200, &r);
        expect_header(&r, "Content-Encoding", "gzip");
        expect_header(&r, "Vary", "Accept-Encoding");
        expect_header(&r, "Content-Type", "text/javascript; charset=utf-8");
        support_response_free(&r);
    }

    /* Nothing outside the directory, no listing, no missing files. */
    static const char *const bad[] = {
        "/vendor/leaflet/",
        "/vendor/leaflet/missing.js",
        "/vendor/leaflet/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/vendor/leaflet/images/%2e%2e/%2e%2e/jquery/jquery.js",
        "/vendor/leaflet/images",
        "/vendor/leaflet/..%2fleaflet/leaflet.js",
        "/vendor/leafletx/leaflet.js",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        get(bad[i], NULL, NULL, 404, &r);
        support_response_free(&r);
    }
}

static void test_static_validators(void **state)
{
    WSP_UNUSED(state);
    struct support_response r;
    get("/", NULL, NULL, 200, &r);
    assert_string_equal(r.body, "<p>app</p>");
    expect_header(&r, "Cache-Control", "no-cache");
    char *etag = support_response_header(&r, "ETag");
    assert_non_null(etag);
    support_response_free(&r);
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    get("/index.html", inm, NULL, 304, &r);
    support_response_free(&r);
    get("/index.html", "If-None-Match: \"other\"", NULL, 200, &r);
    support_response_free(&r);
    free(etag);
}

static json_t *geo(const char *path, long status, char **etag)
{
    struct support_response r;
    get(path, NULL, NULL, status, &r);
    json_t *v = json_loads(r.body, 0, NULL);
    if (!v)
        fail_msg("GET %s: not JSON", path);
    if (status == 200) {
        expect_header(&r, "Content-Type", "application/geo+json");
        expect_header(&r, "Cache-Control", "public, max-age=86400");
        if (etag)
            *etag = support_response_header(&r, "ETag");
    } else {
        assert_true(json_is_object(json_object_get(v, "error")));
    }
    support_response_free(&r);
    return v;
}

/* gunzip src into a malloc'd buffer; *outlen its length; NULL when src is not gzip. */
static char *gunzip(const char *src, size_t len, size_t *outlen)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return NULL;
    size_t cap = 8 * len + 1024;
    char *out = xmalloc(cap);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    *outlen = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* Browsers that accept gzip get the boundaries compressed (a quarter of the bytes), with
 * their own ETag; the content is the same document. */
static void test_geo_gzip(void **state)
{
    WSP_UNUSED(state);
    struct support_response plain, gz;
    get("/api/v1/geo/provinces", NULL, NULL, 200, &plain);
    get("/api/v1/geo/provinces", "Accept-Encoding: gzip", NULL, 200, &gz);
    expect_header(&gz, "Content-Encoding", "gzip");
    expect_header(&gz, "Vary", "Accept-Encoding");
    assert_true(gz.len * 3 < plain.len);
    size_t n = 0;
    char *body = gunzip(gz.body, gz.len, &n);
    assert_non_null(body);
    assert_int_equal(n, plain.len);
    assert_memory_equal(body, plain.body, n);
    free(body);
    char *etag = support_response_header(&gz, "ETag"),
         *petag = support_response_header(&plain, "ETag");
    assert_string_not_equal(etag, petag);
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    struct support_response r;
    get("/api/v1/geo/provinces", "Accept-Encoding: gzip", inm, 304, &r);
    support_response_free(&r);
    free(etag);
    free(petag);
    support_response_free(&plain);
    support_response_free(&gz);
}

static void test_geo(void **state)
{
    WSP_UNUSED(state);
    char *etag = NULL;
    json_t *fc = geo("/api/v1/geo/provinces", 200, &etag);
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    json_t *features = json_object_get(fc, "features");
    assert_int_equal(json_array_size(features), 38);
    json_t *props = json_object_get(json_array_get(features, 0), "properties");
    assert_true(json_is_string(json_object_get(props, "code")));
    assert_true(json_is_string(json_object_get(props, "name")));
    json_decref(fc);
    assert_non_null(etag);
    struct support_response r;
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    get("/api/v1/geo/provinces", inm, NULL, 304, &r);
    support_response_free(&r);
    free(etag);

    /* Regencies of Jawa Barat: 27, all inside 32; a different ETag from another province. */
    char *etag32 = NULL, *etag33 = NULL;
    fc = geo("/api/v1/geo/regencies?province=32", 200, &etag32);
    features = json_object_get(fc, "features");
    assert_int_equal(json_array_size(features), 27);
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f)
    {
        json_t *p = json_object_get(f, "properties");
        assert_string_equal(json_string_value(json_object_get(p, "province_code")), "32");
        assert_true(str_starts_with(json_string_value(json_object_get(p, "code")), "32."));
    }
    json_decref(fc);
    fc = geo("/api/v1/geo/regencies?province=33", 200, &etag33);
    assert_true(json_array_size(json_object_get(fc, "features")) > 0);
    json_decref(fc);
    assert_string_not_equal(etag32, etag33);
    free(etag32);
    free(etag33);

    /* Every regency when no province is given. */
    fc = geo("/api/v1/geo/regencies", 200, NULL);
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 514);
    json_decref(fc);

    json_decref(geo("/api/v1/geo/regencies?province=99", 404, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=3", 400, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=32.73", 400, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=..", 400, NULL));

    /* Public: no session needed, and read-only. */
    long got = support_http(&client, "POST", "/api/v1/geo/provinces", "{}", (size_t)-1, NULL, &r);
    assert_int_equal(got, 405);
    support_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaflet),
        cmocka_unit_test(test_static_validators),
        cmocka_unit_test(test_geo),
        cmocka_unit_test(test_geo_gzip),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
