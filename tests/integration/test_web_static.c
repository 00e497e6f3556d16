/*
 * Integration tests of what the web UI needs from the server: Leaflet served from Debian's
 * libjs-leaflet at /vendor/leaflet/ (precompressed gzip, caching, no way out of the
 * directory), validators (ETag, 304) on static files, the region boundaries at
 * /api/v1/geo/provinces and /api/v1/geo/regencies?province= (GeoJSON, ETag, public caching),
 * and hardening (issue 10): only the web app's own files are served (an allow-list; no
 * README.md, dotfiles, source maps, symlinks out of the root), every page carries a strict
 * Content-Security-Policy, and no page of web/ needs inline script or style.
 *
 * Two servers: one over a made-up web directory in a temporary directory (files the app
 * must not serve, symlinks), one over the real web/ of the repository (tests run from the
 * repository's root).
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
#include <ftw.h>
#include <zlib.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define LEAFLET_DIR "/usr/share/javascript/leaflet"
#define REPO_WEB "web"
#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

static char *tmpdir;
static struct support_server server, app_server;
static bool server_running, app_server_running;
static struct support_http client, app_client;

/* The made-up web directory: what the app serves, and what it must not. */
static const struct {
    const char *path;
    const char *content;
} fixture_files[] = {
    {"web/README.md", "# notes for developers\n"},
    {"web/.env", "SECRET=1\n"},
    {"web/.git/config", "[core]\n"},
    {"web/.hidden.js", "hidden();\n"},
    {"web/app.js", "app();\n"},
    {"web/app.js.map", "{\"version\":3}\n"},
    {"web/notes.txt", "notes\n"},
    {"web/data.json", "{}\n"},
    {"web/index.html.bak", "<p>old</p>"},
    {"web/index.html~", "<p>older</p>"},
    {"web/i18n/id.json", "{\"a\":\"b\"}"},
    {"web/css/site.css", "p{color:red}"},
    {"web/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
    {"web/img/logo.png", "PNG"},
    {"web/favicon.ico", "ICO"},
    {"web/fonts/a.woff2", "WOFF2"},
    {"web/geo/batas.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}"},
    {"web/geo/batas.geojson.gz", "GZ"},
    {"web/sub/index.html", "<p>sub</p>"},
    {"web/my file.js", "space();\n"},
    {"outside.js", "outside();\n"},
    {"outside-dir/x.js", "outside_dir();\n"},
};

/* Symlinks in the made-up web directory: {link, target}. */
static const char *const fixture_links[][2] = {
    {"web/out.js", "../outside.js"},  /* a file outside the root */
    {"web/outdir", "../outside-dir"}, /* a directory outside the root */
    {"web/alias.js", "app.js"},       /* inside and allowed: served */
    {"web/readme.js", "README.md"},   /* inside, but the file is not the app's */
    {"web/dot.js", ".hidden.js"},     /* inside, a dotfile */
    {"web/abs.js", "/etc/passwd"},    /* absolute, outside */
};

static int write_file(const char *path, const char *content)
{
    char *dir = xstrdup(path);
    for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
    free(dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(content, f);
    return fclose(f) == 0 ? 0 : -1;
}

static int make_fixture(void)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(fixture_files); i++) {
        char *p = support_path(tmpdir, fixture_files[i].path);
        int rc = write_file(p, fixture_files[i].content);
        free(p);
        if (rc)
            return -1;
    }
    for (size_t i = 0; i < WSP_ARRAY_LEN(fixture_links); i++) {
        char *p = support_path(tmpdir, fixture_links[i][0]);
        int rc = symlink(fixture_links[i][1], p);
        free(p);
        if (rc)
            return -1;
    }
    return 0;
}

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    char *db = testdb_new(tmpdir, "waspada.db");
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
    if (rc == 0)
        rc = make_fixture();
    if (rc == 0) {
        char *log = support_path(tmpdir, "server.log");
        const char *extra[] = {"--web-dir", web, NULL};
        rc = support_server_start(&server, db, extra, log);
        free(log);
        server_running = rc == 0;
    }
    if (rc == 0)
        rc = support_http_init(&client, server.base_url);
    if (rc == 0) {
        char *log = support_path(tmpdir, "app-server.log");
        const char *extra[] = {"--web-dir", REPO_WEB, NULL};
        rc = support_server_start(&app_server, db, extra, log);
        free(log);
        app_server_running = rc == 0;
    }
    if (rc == 0)
        rc = support_http_init(&app_client, app_server.base_url);
    free(index);
    free(web);
    free(db);
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    support_http_cleanup(&client);
    support_http_cleanup(&app_client);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (app_server_running && support_server_stop(&app_server) != 0)
        rc = -1;
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(tmpdir);
    return rc;
}

/* GET path from client c with optional extra header lines; checks the status. */
static void get_from(struct support_http *c, const char *path, const char *h1, const char *h2,
                     long status, struct support_response *r)
{
    const char *headers[3] = {h1, h2, NULL};
    long got = support_http(c, "GET", path, NULL, 0, h1 ? headers : NULL, r);
    if (got != status)
        fail_msg("GET %s: expected %ld, got %ld: %.200s", path, status, got, r->body);
}

/* GET path from the server over the made-up web directory. */
static void get(const char *path, const char *h1, const char *h2, long status,
                struct support_response *r)
{
    get_from(&client, path, h1, h2, status, r);
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

    /* The province is required (the API spec says so): never all 514 regencies at once. */
    fc = geo("/api/v1/geo/regencies", 400, NULL);
    json_t *e = json_object_get(fc, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "province is required (a two-digit province code)");
    json_decref(fc);
    fc = geo("/api/v1/geo/regencies?province=", 400, NULL);
    e = json_object_get(fc, "error");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "province must be a two-digit province code");
    json_decref(fc);
    json_decref(geo("/api/v1/geo/regencies?provinsi=32", 400, NULL));

    json_decref(geo("/api/v1/geo/regencies?province=99", 404, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=3", 400, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=32.73", 400, NULL));
    json_decref(geo("/api/v1/geo/regencies?province=..", 400, NULL));

    /* Public: no session needed, and read-only. */
    long got = support_http(&client, "POST", "/api/v1/geo/provinces", "{}", (size_t)-1, NULL, &r);
    assert_int_equal(got, 405);
    support_response_free(&r);
}

/* ---- only the app's own files ----------------------------------------------------------- */

static void expect_body(const struct support_response *r, const char *body)
{
    if (r->len != strlen(body) || memcmp(r->body, body, r->len) != 0)
        fail_msg("body '%.*s', want '%s'", (int)r->len, r->body, body);
}

/* Files of the app's types are served with their type; everything else under the web
 * directory, and everything outside it, is a 404 (the same page as a missing file). */
static void test_allow_list(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *path, *type, *body;
    } ok[] = {
        {"/", "text/html; charset=utf-8", "<p>app</p>"},
        {"/app.js", "text/javascript; charset=utf-8", "app();\n"},
        {"/alias.js", "text/javascript; charset=utf-8", "app();\n"},
        {"/i18n/id.json", "application/json; charset=utf-8", "{\"a\":\"b\"}"},
        {"/css/site.css", "text/css; charset=utf-8", "p{color:red}"},
        {"/img/logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
        {"/img/logo.png", "image/png", "PNG"},
        {"/favicon.ico", "image/x-icon", "ICO"},
        {"/fonts/a.woff2", "font/woff2", "WOFF2"},
        {"/geo/batas.geojson", "application/geo+json",
         "{\"type\":\"FeatureCollection\",\"features\":[]}"},
        {"/sub/", "text/html; charset=utf-8", "<p>sub</p>"},
        {"/sub", "text/html; charset=utf-8", "<p>sub</p>"},
    };
    struct support_response r;
    for (size_t i = 0; i < WSP_ARRAY_LEN(ok); i++) {
        get(ok[i].path, NULL, NULL, 200, &r);
        expect_header(&r, "Content-Type", ok[i].type);
        expect_body(&r, ok[i].body);
        support_response_free(&r);
    }
    /* The boundaries' precompressed copy goes to clients that take gzip, never by its name. */
    get("/geo/batas.geojson", "Accept-Encoding: gzip", NULL, 200, &r);
    expect_header(&r, "Content-Encoding", "gzip");
    expect_header(&r, "Content-Type", "application/geo+json");
    expect_body(&r, "GZ");
    support_response_free(&r);

    static const char *const missing[] = {
        /* in the web directory, but not the app's */
        "/README.md", "/.env", "/.git/config", "/.git/", "/.git", "/.hidden.js", "/app.js.map",
        "/notes.txt", "/data.json", "/index.html.bak", "/index.html~", "/my%20file.js",
        "/geo/batas.geojson.gz", "/i18n/", "/css/", "/nothing.html",
        /* symlinks: out of the root, or to a file the app does not serve */
        "/out.js", "/outdir/x.js", "/outdir/", "/readme.js", "/dot.js", "/abs.js",
        /* traversal, encoded dots and slashes, backslashes, empty segments */
        "/%2e%2e/outside.js", "/..%2foutside.js", "/sub/%2e%2e/%2e%2e/outside.js",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd", "/..%5coutside.js", "/sub%5c..%5c..%5coutside.js",
        "/%2eenv", "/%2Egit/config", "/app.js%2emap", "/sub/%2e/index.html", "/%2e/app.js",
        "//app.js", "/sub//index.html", "/README%2emd"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(missing); i++) {
        get(missing[i], NULL, NULL, 404, &r);
        expect_header(&r, "Content-Type", "text/html; charset=utf-8");
        if (!strstr(r.body, "404 Not found"))
            fail_msg("GET %s: not the 404 page: %.200s", missing[i], r.body);
        support_response_free(&r);
    }

    /* The repository's web/ has a README.md for developers: not served either. */
    get_from(&app_client, "/README.md", NULL, NULL, 404, &r);
    support_response_free(&r);
    get_from(&app_client, "/js/app.js", NULL, NULL, 200, &r);
    expect_header(&r, "Content-Type", "text/javascript; charset=utf-8");
    support_response_free(&r);
    get_from(&app_client, "/i18n/id.json", NULL, NULL, 200, &r);
    support_response_free(&r);

    /* Leaflet's directory: the library, not its source maps or other builds. */
    if (have_leaflet()) {
        static const char *const vendor_missing[] = {
            "/vendor/leaflet/leaflet.js.map", "/vendor/leaflet/leaflet.min.js.gz",
            "/vendor/leaflet/leaflet.css.brotli", "/vendor/leaflet/.hidden"};
        for (size_t i = 0; i < WSP_ARRAY_LEN(vendor_missing); i++) {
            get(vendor_missing[i], NULL, NULL, 404, &r);
            support_response_free(&r);
        }
    }
}

/* ---- Content-Security-Policy ------------------------------------------------------------ */

#define MAX_PAGES 64
static char *pages[MAX_PAGES]; /* every .html below REPO_WEB, as "/panduan/id/x.html" */
static size_t npages;

static int collect_page(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    WSP_UNUSED(st);
    WSP_UNUSED(ftw);
    size_t n = strlen(path);
    if (type == FTW_F && n > 5 && strcmp(path + n - 5, ".html") == 0 && npages < MAX_PAGES)
        pages[npages++] = xstrdup(path + strlen(REPO_WEB));
    return 0;
}

static void collect_pages(void)
{
    if (npages)
        return;
    assert_int_equal(nftw(REPO_WEB, collect_page, 16, FTW_PHYS), 0);
    /* the app shell, the public portal and the guide's fragments (id and en) */
    if (npages < 10)
        fail_msg("only %zu HTML files under %s", npages, REPO_WEB);
}

static void expect_page_headers(const struct support_response *r, const char *path)
{
    char *csp = support_response_header(r, "Content-Security-Policy");
    if (!csp)
        fail_msg("%s: no Content-Security-Policy", path);
    if (!strstr(csp, "default-src 'self'") || strstr(csp, "unsafe-inline") ||
        strstr(csp, "unsafe-eval"))
        fail_msg("%s: weak policy '%s'", path, csp);
    assert_string_equal(csp, CSP);
    free(csp);
    expect_header(r, "X-Content-Type-Options", "nosniff");
    expect_header(r, "Referrer-Policy", "same-origin");
}

/* Every HTML page of web/ as served: text/html with the policy; also the entry points by their
 * directory, a missing page, a 304 and a script. */
static void test_csp(void **state)
{
    WSP_UNUSED(state);
    collect_pages();
    struct support_response r;
    for (size_t i = 0; i < npages; i++) {
        get_from(&app_client, pages[i], NULL, NULL, 200, &r);
        expect_header(&r, "Content-Type", "text/html; charset=utf-8");
        expect_page_headers(&r, pages[i]);
        support_response_free(&r);
    }
    static const struct {
        const char *path;
        long status;
    } more[] = {{"/", 200},          {"/publik/", 200},  {"/publik", 200}, {"/missing.html", 404},
                {"/README.md", 404}, {"/js/app.js", 200}};
    for (size_t i = 0; i < WSP_ARRAY_LEN(more); i++) {
        get_from(&app_client, more[i].path, NULL, NULL, more[i].status, &r);
        expect_page_headers(&r, more[i].path);
        support_response_free(&r);
    }
    get_from(&app_client, "/", NULL, NULL, 200, &r);
    char *etag = support_response_header(&r, "ETag");
    assert_non_null(etag);
    support_response_free(&r);
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    get_from(&app_client, "/", inm, NULL, 304, &r);
    expect_page_headers(&r, "/ (304)");
    support_response_free(&r);
    free(etag);
}

/* A small scanner of the tags of an HTML file: what the policy would block or what invites
 * script: inline <script> bodies, <script> without src, on* handler attributes, style
 * attributes and <style> elements, and javascript:/data: URLs in href/src/action. Returns the
 * first problem (static buffer) or NULL. */
static const char *html_problem(const char *html)
{
    static char why[200];
    for (const char *p = html; (p = strchr(p, '<')) != NULL;) {
        if (strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p, "-->");
            p = end ? end + 3 : p + strlen(p);
            continue;
        }
        p++;
        if (*p == '/' || *p == '!')
            continue;
        char tag[16] = "";
        size_t tl = 0;
        while (*p && !strchr(" \t\r\n/>", *p)) {
            if (tl + 1 < sizeof(tag))
                tag[tl++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            p++;
        }
        tag[tl] = '\0';
        bool has_src = false;
        for (;;) {
            while (*p && strchr(" \t\r\n/", *p))
                p++;
            if (!*p || *p == '>')
                break;
            char name[32] = "";
            size_t nl = 0;
            while (*p && !strchr(" \t\r\n/>=", *p)) {
                if (nl + 1 < sizeof(name))
                    name[nl++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
                p++;
            }
            name[nl] = '\0';
            char value[256] = "";
            while (*p && strchr(" \t\r\n", *p))
                p++;
            if (*p == '=') {
                p++;
                while (*p && strchr(" \t\r\n", *p))
                    p++;
                char q = (*p == '"' || *p == '\'') ? *p++ : 0;
                size_t vl = 0;
                while (*p && (q ? *p != q : !strchr(" \t\r\n>", *p))) {
                    if (vl + 1 < sizeof(value))
                        value[vl++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
                    p++;
                }
                value[vl] = '\0';
                if (q && *p == q)
                    p++;
            }
            const char *v = value;
            while (*v == ' ')
                v++;
            if (nl > 2 && name[0] == 'o' && name[1] == 'n')
                snprintf(why, sizeof(why), "<%s %s=...>: an inline event handler", tag, name);
            else if (str_eq(name, "style"))
                snprintf(why, sizeof(why), "<%s style=...>: an inline style", tag);
            else if ((str_eq(name, "href") || str_eq(name, "src") || str_eq(name, "action")) &&
                     (str_starts_with(v, "javascript:") || str_starts_with(v, "data:")))
                snprintf(why, sizeof(why), "<%s %s=\"%.40s\">: not a URL of this origin", tag, name,
                         value);
            else
                why[0] = '\0';
            if (why[0])
                return why;
            if (str_eq(name, "src"))
                has_src = true;
        }
        if (str_eq(tag, "style"))
            return "a <style> element";
        if (str_eq(tag, "script")) {
            if (!has_src)
                return "a <script> without src";
            const char *body = *p ? p + 1 : p;
            const char *end = strstr(body, "</script");
            if (!end)
                end = body + strlen(body);
            for (const char *b = body; b < end; b++)
                if (!strchr(" \t\r\n", *b))
                    return "an inline <script> body";
        }
    }
    return NULL;
}

/* The scanner finds what it is meant to find (so a clean result below means something). */
static void test_html_scanner(void **state)
{
    WSP_UNUSED(state);
    static const char *const bad[] = {
        "<script>alert(1)</script>",
        "<script type=\"module\">import './x.js';</script>",
        "<script src=\"/a.js\">alert(1)</script>",
        "<img src=x onerror=\"alert(1)\">",
        "<body ONLOAD='x()'>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href='JavaScript:alert(1)'>x</a>",
        "<link rel=\"icon\" href=\"data:,\">",
        "<p style=\"color:red\">x</p>",
        "<style>p{}</style>",
        "<form action=\"javascript:x()\"></form>",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++)
        if (!html_problem(bad[i]))
            fail_msg("not found in %s", bad[i]);
    static const char *const good[] = {
        "<!doctype html><script type=\"module\" src=\"/js/app.js\"></script>",
        "<a href=\"#/panduan\" data-i18n=\"nav.panduan\">Panduan</a> <p>one=two</p>",
        "<!-- <script>x()</script> --><p>x</p>",
        "<p>Tulis \"on=\" di sini</p><button type=\"button\">ok</button>",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(good); i++)
        if (html_problem(good[i]))
            fail_msg("%s: %s", good[i], html_problem(good[i]));
}

/* No page or guide fragment of web/ needs 'unsafe-inline': no inline script or handler, no
 * style attribute, no data: or javascript: URL. */
static void test_pages_inline_free(void **state)
{
    WSP_UNUSED(state);
    collect_pages();
    for (size_t i = 0; i < npages; i++) {
        char *path = xasprintf("%s%s", REPO_WEB, pages[i]);
        char *html = support_read_file(path);
        if (!html)
            fail_msg("cannot read %s", path);
        const char *why = html_problem(html);
        if (why)
            fail_msg("%s: %s", path, why);
        free(html);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaflet),      cmocka_unit_test(test_static_validators),
        cmocka_unit_test(test_geo),          cmocka_unit_test(test_geo_gzip),
        cmocka_unit_test(test_allow_list),   cmocka_unit_test(test_csp),
        cmocka_unit_test(test_html_scanner), cmocka_unit_test(test_pages_inline_free),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    for (size_t i = 0; i < npages; i++)
        free(pages[i]);
    return rc;
}
