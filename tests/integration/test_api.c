/*
 * Integration tests of the HTTP API: a fresh database from `waspada init --demo`, the real
 * `waspada serve` on a loopback port, libcurl as the client.
 *
 * The tests of one group share a server and run in order (later tests use users created by
 * earlier ones). The login rate limit gets its own server with a small limit, because on
 * loopback every request comes from the same address and the per-address key would otherwise
 * lock out the other tests.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "store/store.h"
#include "../support/support.h"
#include "../support/testdb.h"
#include "../support/api_call.h"

#define DEMO_PASSWORD "waspada-demo"

static char *tmpdir;
static char *db_path;
static struct support_server server;
static bool server_running;

/* ---- helpers ---------------------------------------------------------------------------- */

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* Check the headers every API response carries. */
static void assert_api_headers(const struct support_response *r)
{
    static const char *const expect[][2] = {
        {"Content-Type", "application/json; charset=utf-8"},
        {"X-Content-Type-Options", "nosniff"},
        {"Cache-Control", "no-store"},
        {"Referrer-Policy", "same-origin"},
        {"X-Frame-Options", "DENY"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(expect); i++) {
        char *v = support_response_header(r, expect[i][0]);
        if (!v)
            fail_msg("missing header %s in:\n%s", expect[i][0], r->headers);
        assert_string_equal(v, expect[i][1]);
        free(v);
    }
}

/*
 * Send a request and check the status; returns the parsed JSON body (caller decrefs). Error
 * statuses must carry the envelope {"error":{"code","message"}}. csrf may be NULL.
 */
static json_t *api(struct support_http *c, const char *method, const char *path, const char *body,
                   const char *csrf, long expect_status)
{
    return support_api_call(c, method, path, body, csrf, expect_status, assert_api_headers);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return json_integer_value(v);
}

static const char *error_code(json_t *v)
{
    return jstr(json_object_get(v, "error"), "code");
}

/* Log in on client c; returns the CSRF token into csrf (65 bytes). */
static void login(struct support_http *c, const char *user, const char *password, char *csrf)
{
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    json_t *v = api(c, "POST", "/api/v1/auth/login", body, NULL, 200);
    str_copy(csrf, jstr(v, "csrf_token"), 65);
    json_decref(v);
    free(body);
}

static void client(struct support_http *c)
{
    assert_int_equal(support_http_init(c, server.base_url), 0);
}

static long region_total(const char *query)
{
    struct support_http c;
    client(&c);
    char *path = xasprintf("/api/v1/regions?%s", query);
    json_t *v = api(&c, "GET", path, NULL, NULL, 200);
    long total = (long)jint(v, "total");
    json_decref(v);
    free(path);
    support_http_cleanup(&c);
    return total;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    /* A user added through the CLI, as an operator would. */
    const char *add[] = {"--db",
                         db_path,
                         "user",
                         "add",
                         "--username",
                         "siti",
                         "--role",
                         "pelapor",
                         "--region",
                         "32.73",
                         "--name",
                         "Siti Aminah",
                         "--password-stdin",
                         NULL};
    if (support_run(&r, "siti-password-1\n", add) != 0) {
        fprintf(stderr, "user add failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "3",           "--body-max", "4096", "--login-max-failures",
                           "50",        "--node-name", "api-1",      NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    server_running = rc == 0;
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (rc != 0 || getenv("WASPADA_KEEP_TMP")) {
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    } else {
        support_rmtree(tmpdir);
    }
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_health(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "GET", "/api/v1/health", NULL, NULL, 200);
    assert_string_equal(jstr(v, "status"), "ok");
    assert_string_equal(jstr(v, "version"), WSP_VERSION);
    assert_int_equal(jint(v, "schema_version"), store_schema_latest());
    /* Two ways to count the regions: the database and the gazetteer. */
    assert_int_equal(jint(v, "regions"), region_total("limit=1"));
    assert_true(jint(v, "regions") > 90000);
    /* which server answered, on which engine, and that it leads early warning (the only one) */
    assert_string_equal(jstr(v, "node"), "api-1");
    assert_string_equal(jstr(v, "database"), testdb_engine());
    assert_true(json_is_true(json_object_get(v, "leader")));
    json_decref(v);
    support_http_cleanup(&c);
}

/* init --demo verifies the events of six demo articles (as the demo officer), so the public
 * portal has figures after `make demo`; the others stay leads (menunggu) to verify. Counted two
 * ways: the events list by status, and the public export, which holds verified events only. */
static void test_demo_verified(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    char csrf[65];
    client(&c);
    login(&c, "pusat", DEMO_PASSWORD, csrf);
    json_t *v = api(&c, "GET", "/api/v1/events?status=terverifikasi&limit=100", NULL, NULL, 200);
    json_t *items = json_object_get(v, "items");
    size_t i, verified = json_array_size(items);
    json_t *it;
    assert_int_equal(verified, 6);
    json_array_foreach(items, i, it)
        assert_string_equal(jstr(it, "status_note"), "Demo: diverifikasi oleh init --demo");
    json_decref(v);
    v = api(&c, "GET", "/api/v1/events?status=menunggu&limit=100", NULL, NULL, 200);
    assert_true(json_array_size(json_object_get(v, "items")) >= 4);
    json_decref(v);
    support_http_cleanup(&c);

    struct support_http anon;
    struct support_response r;
    client(&anon);
    assert_int_equal(
        support_http(&anon, "GET", "/api/v1/public/events/export?format=csv", NULL, 0, NULL, &r),
        200);
    size_t lines = 0;
    for (const char *p = r.body; p && *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + verified); /* the header and one row per verified event */
    support_response_free(&r);
    support_http_cleanup(&anon);
}

static bool items_have_code(json_t *items, const char *code)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (str_eq(jstr(it, "code"), code))
            return true;
    }
    return false;
}

static void test_regions_search(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "GET", "/api/v1/regions?q=bandung", NULL, NULL, 200);
    json_t *items = json_object_get(v, "items");
    assert_true(items_have_code(items, "32.73"));
    assert_true(items_have_code(items, "32.04"));
    assert_int_equal(jint(v, "offset"), 0);
    assert_int_equal(jint(v, "limit"), 50);
    json_t *first = json_array_get(items, 0);
    assert_true(json_is_string(json_object_get(first, "chain")));
    assert_true(json_is_string(json_object_get(first, "level")));
    json_decref(v);

    v = api(&c, "GET", "/api/v1/regions?q=Jabar", NULL, NULL, 200);
    first = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(jstr(first, "code"), "32");
    assert_string_equal(jstr(first, "level"), "province");
    assert_true(json_is_null(json_object_get(first, "parent_code")));
    json_decref(v);

    assert_int_equal(region_total("level=province"), 38);
    assert_int_equal(region_total("level=regency"), 514);
    assert_int_equal(region_total("parent=32&level=regency"), 27);

    /* Pagination: limit and offset are honoured. */
    v = api(&c, "GET", "/api/v1/regions?level=province&limit=5&offset=35", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "items")), 3);
    assert_int_equal(jint(v, "total"), 38);
    json_decref(v);

    static const char *const bad[] = {
        "/api/v1/regions?level=bogus", "/api/v1/regions?limit=0",   "/api/v1/regions?limit=501",
        "/api/v1/regions?limit=abc",   "/api/v1/regions?offset=-1", "/api/v1/regions?parent=x",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        v = api(&c, "GET", bad[i], NULL, NULL, 400);
        assert_string_equal(error_code(v), "invalid");
        json_decref(v);
    }
    support_http_cleanup(&c);
}

static void test_region_detail(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "GET", "/api/v1/regions/32.73", NULL, NULL, 200);
    assert_string_equal(jstr(v, "code"), "32.73");
    assert_string_equal(jstr(v, "name"), "Kota Bandung");
    assert_string_equal(jstr(v, "level"), "regency");
    assert_string_equal(jstr(v, "parent_code"), "32");
    assert_string_equal(jstr(v, "chain"), "Kota Bandung, Jawa Barat");
    json_t *parents = json_object_get(v, "parents");
    assert_int_equal(json_array_size(parents), 1);
    assert_string_equal(jstr(json_array_get(parents, 0), "code"), "32");
    json_t *children = json_object_get(v, "children");
    assert_true(jint(children, "district") > 0);
    assert_true(jint(children, "village") > jint(children, "district"));
    json_decref(v);

    v = api(&c, "GET", "/api/v1/regions/32", NULL, NULL, 200);
    assert_int_equal(jint(json_object_get(v, "children"), "regency"), 27);
    assert_int_equal(json_array_size(json_object_get(v, "parents")), 0);
    json_decref(v);

    v = api(&c, "GET", "/api/v1/regions/99.99", NULL, NULL, 404);
    assert_string_equal(error_code(v), "not_found");
    json_decref(v);
    v = api(&c, "GET", "/api/v1/regions/abc", NULL, NULL, 400);
    assert_string_equal(error_code(v), "invalid");
    json_decref(v);
    support_http_cleanup(&c);
}

static void test_login_success(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    struct support_response r;
    long status = support_http(&c, "POST", "/api/v1/auth/login",
                               "{\"username\":\"jabar\",\"password\":\"" DEMO_PASSWORD "\"}",
                               (size_t)-1, NULL, &r);
    assert_int_equal(status, 200);
    assert_api_headers(&r);
    char *cookie = support_response_header(&r, "Set-Cookie");
    assert_non_null(cookie);
    assert_true(str_starts_with(cookie, "waspada_session="));
    char token[65];
    str_copy(token, cookie + strlen("waspada_session="), sizeof(token));
    assert_true(is_hex64(token));
    assert_non_null(strstr(cookie, "; HttpOnly"));
    assert_non_null(strstr(cookie, "; SameSite=Strict"));
    assert_non_null(strstr(cookie, "; Path=/"));
    assert_non_null(strstr(cookie, "; Max-Age="));
    assert_null(strstr(cookie, "Secure"));
    free(cookie);
    char *jar = support_http_cookie(&c, "waspada_session");
    assert_non_null(jar);
    assert_string_equal(jar, token);
    free(jar);

    json_t *v = json_loads(r.body, 0, NULL);
    assert_non_null(v);
    json_t *user = json_object_get(v, "user");
    assert_string_equal(jstr(user, "username"), "jabar");
    assert_string_equal(jstr(user, "role"), "provinsi");
    assert_string_equal(jstr(user, "region"), "32");
    assert_true(json_is_string(json_object_get(user, "full_name")));
    assert_true(jint(user, "id") > 0);
    assert_null(json_object_get(user, "password_hash"));
    char csrf[65];
    str_copy(csrf, jstr(v, "csrf_token"), sizeof(csrf));
    assert_int_equal(strlen(csrf), 64);
    assert_true(is_hex64(csrf));
    assert_string_not_equal(csrf, token);
    json_decref(v);
    support_response_free(&r);

    /* A reloaded page gets the same CSRF token from /auth/me. */
    v = api(&c, "GET", "/api/v1/auth/me", NULL, NULL, 200);
    assert_string_equal(jstr(v, "csrf_token"), csrf);
    assert_string_equal(jstr(json_object_get(v, "user"), "username"), "jabar");
    /* The session lookup leaves the sealed full name out; /auth/me reads it. */
    assert_string_equal(jstr(json_object_get(v, "user"), "full_name"),
                        "Operator Kesbangpol Jawa Barat");
    json_decref(v);

    /* The user added through the CLI can log in too. */
    struct support_http c2;
    client(&c2);
    login(&c2, "siti", "siti-password-1", csrf);
    support_http_cleanup(&c2);
    support_http_cleanup(&c);
}

static void test_login_failure(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "POST", "/api/v1/auth/login",
                    "{\"username\":\"jabar\",\"password\":\"wrong-password\"}", NULL, 401);
    assert_string_equal(error_code(v), "unauthorized");
    char *msg1 = xstrdup(jstr(json_object_get(v, "error"), "message"));
    json_decref(v);
    /* Unknown user: the same answer (no user enumeration). */
    v = api(&c, "POST", "/api/v1/auth/login",
            "{\"username\":\"nobody-here\",\"password\":\"wrong-password\"}", NULL, 401);
    assert_string_equal(jstr(json_object_get(v, "error"), "message"), msg1);
    json_decref(v);
    free(msg1);
    /* Missing fields and wrong types are bad requests, not failed logins. */
    v = api(&c, "POST", "/api/v1/auth/login", "{\"username\":\"jabar\"}", NULL, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/auth/login", "{\"username\":1,\"password\":\"x\"}", NULL, 400);
    json_decref(v);
    assert_null(support_http_cookie(&c, "waspada_session"));
    support_http_cleanup(&c);
}

static void test_me_without_session(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "GET", "/api/v1/auth/me", NULL, NULL, 401);
    assert_string_equal(error_code(v), "unauthorized");
    json_decref(v);
    /* A made-up token is no session either. */
    struct support_response r;
    const char *h[] = {"Cookie: waspada_session="
                       "0000000000000000000000000000000000000000000000000000000000000000",
                       NULL};
    assert_int_equal(support_http(&c, "GET", "/api/v1/auth/me", NULL, 0, h, &r), 401);
    support_response_free(&r);
    v = api(&c, "GET", "/api/v1/users", NULL, NULL, 401);
    json_decref(v);
    support_http_cleanup(&c);
}

static const char new_kabkota[] = "{\"username\":\"cimahi-op\",\"password\":\"long-enough-pw\","
                                  "\"role\":\"kabkota\",\"region\":\"32.77\","
                                  "\"full_name\":\"Operator Cimahi\"}";

static void test_csrf_required(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    /* No session at all: 401 before anything else. */
    json_t *v = api(&c, "POST", "/api/v1/users", new_kabkota, NULL, 401);
    json_decref(v);
    char csrf[65];
    login(&c, "admin", DEMO_PASSWORD, csrf);
    v = api(&c, "POST", "/api/v1/users", new_kabkota, NULL, 403);
    assert_string_equal(error_code(v), "forbidden");
    assert_string_equal(jstr(json_object_get(v, "error"), "message"),
                        "missing or invalid CSRF token");
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users", new_kabkota,
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 403);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users", new_kabkota, "", 403);
    json_decref(v);
    /* The CSRF token of another session does not fit this one. */
    struct support_http other;
    client(&other);
    char other_csrf[65];
    login(&other, "admin", DEMO_PASSWORD, other_csrf);
    v = api(&c, "POST", "/api/v1/users", new_kabkota, other_csrf, 403);
    json_decref(v);
    support_http_cleanup(&other);
    /* Nothing was created by the refused requests. */
    v = api(&c, "GET", "/api/v1/users", NULL, NULL, 200);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        assert_string_not_equal(jstr(it, "username"), "cimahi-op");
    }
    json_decref(v);
    support_http_cleanup(&c);
}

static void test_user_scope(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    char csrf[65];
    login(&c, "jabar", DEMO_PASSWORD, csrf);
    /* Outside the province (33 is Jawa Tengah). */
    json_t *v = api(&c, "POST", "/api/v1/users",
                    "{\"username\":\"cilacap-op\",\"password\":\"long-enough-pw\","
                    "\"role\":\"kabkota\",\"region\":\"33.01\"}",
                    csrf, 403);
    assert_string_equal(error_code(v), "forbidden");
    json_decref(v);
    /* A role above its own. */
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"boss\",\"password\":\"long-enough-pw\",\"role\":\"admin\"}", csrf,
            403);
    json_decref(v);
    /* Inside: 201 with the new user. */
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"bdg-op2\",\"password\":\"long-enough-pw\",\"role\":\"kabkota\","
            "\"region\":\"32.73\",\"full_name\":\"Operator Dua\"}",
            csrf, 201);
    json_t *user = json_object_get(v, "user");
    assert_string_equal(jstr(user, "username"), "bdg-op2");
    assert_string_equal(jstr(user, "role"), "kabkota");
    assert_string_equal(jstr(user, "region"), "32.73");
    assert_string_equal(jstr(user, "full_name"), "Operator Dua");
    json_decref(v);
    /* Taken username: 409. */
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"bdg-op2\",\"password\":\"long-enough-pw\",\"role\":\"kabkota\","
            "\"region\":\"32.73\"}",
            csrf, 409);
    assert_string_equal(error_code(v), "conflict");
    json_decref(v);
    /* Well-formed code that does not exist, role/scope mismatch, weak password: 400. */
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"ghost\",\"password\":\"long-enough-pw\",\"role\":\"kabkota\","
            "\"region\":\"32.99\"}",
            csrf, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"ghost\",\"password\":\"long-enough-pw\",\"role\":\"kabkota\","
            "\"region\":\"32.73.01\"}",
            csrf, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"ghost\",\"password\":\"short\",\"role\":\"pelapor\","
            "\"region\":\"32.73\"}",
            csrf, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"ghost\",\"password\":\"long-enough-pw\",\"role\":\"chief\","
            "\"region\":\"32.73\"}",
            csrf, 400);
    json_decref(v);

    /* The provinsi operator lists users of its province only. */
    v = api(&c, "GET", "/api/v1/users", NULL, NULL, 200);
    size_t i;
    json_t *it;
    bool saw_new = false;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        assert_true(str_starts_with(jstr(it, "region"), "32"));
        saw_new |= str_eq(jstr(it, "username"), "bdg-op2");
    }
    assert_true(saw_new);
    json_decref(v);
    support_http_cleanup(&c);

    /* A reporter may not list users. */
    client(&c);
    login(&c, "pelapor", DEMO_PASSWORD, csrf);
    v = api(&c, "GET", "/api/v1/users", NULL, NULL, 403);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/users",
            "{\"username\":\"ghost\",\"password\":\"long-enough-pw\",\"role\":\"pelapor\","
            "\"region\":\"32.73\"}",
            csrf, 403);
    json_decref(v);
    support_http_cleanup(&c);
}

static json_int_t user_id(struct support_http *c, const char *username)
{
    json_t *v = api(c, "GET", "/api/v1/users", NULL, NULL, 200);
    size_t i;
    json_t *it;
    json_int_t id = 0;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        if (str_eq(jstr(it, "username"), username))
            id = jint(it, "id");
    }
    json_decref(v);
    if (!id)
        fail_msg("no user '%s'", username);
    return id;
}

static void test_user_disable_and_password(void **state)
{
    WSP_UNUSED(state);
    struct support_http admin, u;
    char acsrf[65], ucsrf[65];
    client(&admin);
    client(&u);
    login(&admin, "admin", DEMO_PASSWORD, acsrf);
    json_int_t id = user_id(&admin, "bdg-op2");
    char *path = xasprintf("/api/v1/users/%lld", (long long)id);
    char *pw_path = xasprintf("/api/v1/users/%lld/password", (long long)id);

    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    assert_string_equal(jstr(json_object_get(v, "user"), "username"), "bdg-op2");
    json_decref(v);
    v = api(&admin, "GET", "/api/v1/users/999999", NULL, NULL, 404);
    json_decref(v);
    v = api(&admin, "GET", "/api/v1/users/abc", NULL, NULL, 400);
    json_decref(v);

    /* Disabled users cannot log in; the answer is the usual 401. */
    v = api(&admin, "PATCH", path, "{\"disabled\":true}", acsrf, 200);
    assert_true(json_is_true(json_object_get(json_object_get(v, "user"), "disabled")));
    json_decref(v);
    v = api(&u, "POST", "/api/v1/auth/login",
            "{\"username\":\"bdg-op2\",\"password\":\"long-enough-pw\"}", NULL, 401);
    json_decref(v);
    v = api(&admin, "PATCH", path, "{\"disabled\":\"no\"}", acsrf, 400);
    json_decref(v);
    v = api(&admin, "PATCH", path, "{\"disabled\":false}", acsrf, 200);
    json_decref(v);

    /* The user changes their own password; the old one stops working. */
    login(&u, "bdg-op2", "long-enough-pw", ucsrf);
    v = api(&u, "POST", pw_path, "{\"password\":\"x\"}", ucsrf, 400);
    json_decref(v);
    /* their own password needs the current one */
    v = api(&u, "POST", pw_path, "{\"password\":\"a-new-password\"}", ucsrf, 400);
    json_decref(v);
    v = api(&u, "POST", pw_path,
            "{\"password\":\"a-new-password\",\"current_password\":\"not-my-password\"}", ucsrf,
            403);
    json_decref(v);
    v = api(&u, "POST", pw_path,
            "{\"password\":\"a-new-password\",\"current_password\":\"long-enough-pw\"}", ucsrf,
            200);
    assert_true(json_is_true(json_object_get(v, "logged_out")));
    json_decref(v);
    /* A new password ends every session of the user, including this one. */
    v = api(&u, "GET", "/api/v1/auth/me", NULL, NULL, 401);
    json_decref(v);
    v = api(&u, "POST", "/api/v1/auth/login",
            "{\"username\":\"bdg-op2\",\"password\":\"long-enough-pw\"}", NULL, 401);
    json_decref(v);
    login(&u, "bdg-op2", "a-new-password", ucsrf);
    /* A kabkota operator may not disable itself nor touch the admin. */
    v = api(&u, "PATCH", path, "{\"disabled\":true}", ucsrf, 403);
    json_decref(v);
    v = api(&u, "POST", "/api/v1/users/1/password", "{\"password\":\"hijacked-password\"}", ucsrf,
            403);
    json_decref(v);

    free(path);
    free(pw_path);
    support_http_cleanup(&admin);
    support_http_cleanup(&u);
}

static void test_audit(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    char csrf[65];
    login(&c, "admin", DEMO_PASSWORD, csrf);

    json_t *v = api(&c, "GET", "/api/v1/audit?action=user.add&limit=500", NULL, NULL, 200);
    size_t i;
    json_t *it;
    bool found = false;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        assert_string_equal(jstr(it, "action"), "user.add");
        char *dump = json_dumps(it, JSON_COMPACT);
        assert_null(strstr(dump, "password"));
        assert_null(strstr(dump, "long-enough-pw"));
        if (strstr(dump, "bdg-op2")) {
            found = true;
            assert_string_equal(jstr(it, "username"), "jabar"); /* who did it */
            assert_string_equal(jstr(it, "client"), "127.0.0.1");
        }
        free(dump);
    }
    assert_true(found);
    assert_true(jint(v, "total") >= 1);
    json_decref(v);

    v = api(&c, "GET", "/api/v1/audit?action=auth.login", NULL, NULL, 200);
    assert_true(jint(v, "total") >= 3);
    json_decref(v);

    v = api(&c, "GET", "/api/v1/audit?action=auth.login_failed", NULL, NULL, 200);
    assert_true(jint(v, "total") >= 2);
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        char *dump = json_dumps(it, JSON_COMPACT);
        assert_null(strstr(dump, "wrong-password"));
        assert_null(strstr(dump, "\"password\""));
        free(dump);
    }
    json_decref(v);

    v = api(&c, "GET", "/api/v1/audit?limit=0", NULL, NULL, 400);
    json_decref(v);
    support_http_cleanup(&c);

    client(&c);
    login(&c, "jabar", DEMO_PASSWORD, csrf);
    v = api(&c, "GET", "/api/v1/audit", NULL, NULL, 403);
    json_decref(v);
    support_http_cleanup(&c);
}

static void test_bad_bodies(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "POST", "/api/v1/auth/login", "{\"username\":", NULL, 400);
    assert_true(str_starts_with(jstr(json_object_get(v, "error"), "message"), "invalid JSON: "));
    json_decref(v);
    v = api(&c, "POST", "/api/v1/auth/login", "[1,2,3]", NULL, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/auth/login", "{\"username\":\"a\",\"username\":\"b\"}", NULL, 400);
    json_decref(v);
    v = api(&c, "POST", "/api/v1/auth/login", "", NULL, 400);
    json_decref(v);
    /* Invalid UTF-8 in the body: still a JSON error envelope. */
    v = api(&c, "POST", "/api/v1/auth/login", "{\"username\":\"\xff\xfe\"}", NULL, 400);
    json_decref(v);

    /* Over --body-max 4096: 413, announced by Content-Length and chunked. */
    size_t n = 10000;
    char *big = xmalloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    v = api(&c, "POST", "/api/v1/auth/login", big, NULL, 413);
    assert_string_equal(error_code(v), "too_large");
    json_decref(v);
    support_http_cleanup(&c);
    client(&c);
    struct support_response r;
    const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
    assert_int_equal(support_http(&c, "POST", "/api/v1/auth/login", big, n, chunked, &r), 413);
    support_response_free(&r);
    free(big);
    support_http_cleanup(&c);

    /* The server is still fine. */
    client(&c);
    v = api(&c, "GET", "/api/v1/health", NULL, NULL, 200);
    json_decref(v);
    support_http_cleanup(&c);
}

static void test_routes(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    json_t *v = api(&c, "GET", "/api/v1/nope", NULL, NULL, 404);
    assert_string_equal(error_code(v), "not_found");
    json_decref(v);
    v = api(&c, "GET", "/api/v2/health", NULL, NULL, 404);
    json_decref(v);
    v = api(&c, "GET", "/api/v1/health/", NULL, NULL, 404);
    json_decref(v);

    struct support_response r;
    assert_int_equal(support_http(&c, "DELETE", "/api/v1/health", NULL, 0, NULL, &r), 405);
    char *allow = support_response_header(&r, "Allow");
    assert_string_equal(allow, "GET, HEAD");
    free(allow);
    assert_api_headers(&r);
    support_response_free(&r);
    assert_int_equal(support_http(&c, "PUT", "/api/v1/users", "{}", (size_t)-1, NULL, &r), 405);
    allow = support_response_header(&r, "Allow");
    assert_string_equal(allow, "GET, HEAD, POST");
    free(allow);
    support_response_free(&r);

    /* Non-API paths: the web UI (or its placeholder) and plain 404s. */
    assert_int_equal(support_http(&c, "GET", "/", NULL, 0, NULL, &r), 200);
    char *type = support_response_header(&r, "Content-Type");
    assert_string_equal(type, "text/html; charset=utf-8");
    free(type);
    char *nosniff = support_response_header(&r, "X-Content-Type-Options");
    assert_string_equal(nosniff, "nosniff");
    free(nosniff);
    support_response_free(&r);
    assert_int_equal(support_http(&c, "GET", "/no-such-file.html", NULL, 0, NULL, &r), 404);
    support_response_free(&r);
    assert_int_equal(support_http(&c, "GET", "/%2e%2e/%2e%2e/etc/passwd", NULL, 0, NULL, &r), 404);
    assert_null(strstr(r.body, "root:"));
    support_response_free(&r);
    assert_int_equal(support_http(&c, "POST", "/index.html", "{}", (size_t)-1, NULL, &r), 405);
    support_response_free(&r);
    support_http_cleanup(&c);
}

/* Logging in again from a browser that still holds a session ends the old session. */
static void test_login_replaces_session(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    char csrf[65];
    login(&c, "jabar", DEMO_PASSWORD, csrf);
    char *old = support_http_cookie(&c, "waspada_session");
    assert_non_null(old);
    login(&c, "bandung", DEMO_PASSWORD, csrf);
    char *now = support_http_cookie(&c, "waspada_session");
    assert_string_not_equal(old, now);
    json_t *v = api(&c, "GET", "/api/v1/auth/me", NULL, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "user"), "username")),
                        "bandung");
    json_decref(v);
    struct support_http replay;
    client(&replay);
    char *ch = xasprintf("Cookie: waspada_session=%s", old);
    const char *h[] = {ch, NULL};
    struct support_response r;
    assert_int_equal(support_http(&replay, "GET", "/api/v1/auth/me", NULL, 0, h, &r), 401);
    support_response_free(&r);
    free(ch);
    free(old);
    free(now);
    support_http_cleanup(&replay);
    support_http_cleanup(&c);
}

static void test_logout(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    client(&c);
    char csrf[65];
    login(&c, "bandung", DEMO_PASSWORD, csrf);
    char *token = support_http_cookie(&c, "waspada_session");
    assert_non_null(token);
    json_t *v = api(&c, "POST", "/api/v1/auth/logout", NULL, NULL, 403); /* CSRF needed */
    json_decref(v);

    struct support_response r;
    char hdr[100];
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf);
    const char *h[] = {hdr, NULL};
    assert_int_equal(support_http(&c, "POST", "/api/v1/auth/logout", NULL, 0, h, &r), 200);
    char *cookie = support_response_header(&r, "Set-Cookie");
    assert_non_null(cookie);
    assert_true(str_starts_with(cookie, "waspada_session=;"));
    assert_non_null(strstr(cookie, "Max-Age=0"));
    free(cookie);
    support_response_free(&r);

    v = api(&c, "GET", "/api/v1/auth/me", NULL, NULL, 401);
    json_decref(v);
    /* Replaying the old token does not work either: the session is gone on the server. */
    struct support_http replay;
    client(&replay);
    char *ch = xasprintf("Cookie: waspada_session=%s", token);
    const char *h2[] = {ch, NULL};
    assert_int_equal(support_http(&replay, "GET", "/api/v1/auth/me", NULL, 0, h2, &r), 401);
    support_response_free(&r);
    free(ch);
    free(token);
    support_http_cleanup(&replay);
    support_http_cleanup(&c);
}

/* Several clients at once: every worker thread opens its own store connection. */
struct hammer {
    int ok;
};

static void *hammer_run(void *arg)
{
    struct hammer *h = arg;
    struct support_http c;
    if (support_http_init(&c, server.base_url) != 0)
        return NULL;
    for (int i = 0; i < 40; i++) {
        struct support_response r;
        const char *path = i % 2 ? "/api/v1/health" : "/api/v1/regions?q=bandung&limit=5";
        if (support_http(&c, "GET", path, NULL, 0, NULL, &r) == 200)
            h->ok++;
        support_response_free(&r);
    }
    support_http_cleanup(&c);
    return NULL;
}

static void test_concurrent_clients(void **state)
{
    WSP_UNUSED(state);
    pthread_t th[6];
    struct hammer h[6];
    memset(h, 0, sizeof(h));
    for (int i = 0; i < 6; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hammer_run, &h[i]), 0);
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(h[i].ok, 40);
    }
}

/*
 * Login throttle, on a server of its own with --login-max-failures 3. Design (auth_login_admit,
 * issue 10 item 3): failures count per (lower-cased username, client address), per address and
 * per user, checked before the password. After 3 failures of Pelapor from 127.0.0.1 that pair
 * waits (1 s, then longer), even with the right password; another username from the same
 * address is not held back (the address waits only after 4 x 3 failures). The throttle's own
 * tests are in test_hardening_auth.c.
 */
static void test_login_rate_limit(void **state)
{
    WSP_UNUSED(state);
    struct support_server rl;
    char *log = support_path(tmpdir, "server-ratelimit.log");
    const char *extra[] = {"--login-max-failures", "3", "--login-window", "60", NULL};
    assert_int_equal(support_server_start(&rl, db_path, extra, log), 0);
    free(log);
    struct support_http c;
    assert_int_equal(support_http_init(&c, rl.base_url), 0);

    json_t *v;
    for (int i = 0; i < 3; i++) {
        v = api(&c, "POST", "/api/v1/auth/login",
                "{\"username\":\"Pelapor\",\"password\":\"not-the-password\"}", NULL, 401);
        json_decref(v);
    }
    struct support_response r;
    long status = support_http(&c, "POST", "/api/v1/auth/login",
                               "{\"username\":\"pelapor\",\"password\":\"" DEMO_PASSWORD "\"}",
                               (size_t)-1, NULL, &r);
    assert_int_equal(status, 429);
    assert_api_headers(&r);
    char *retry = support_response_header(&r, "Retry-After");
    assert_non_null(retry);
    long secs = 0;
    assert_int_equal(str_to_long(retry, 1, 60, &secs), 0);
    free(retry);
    v = json_loads(r.body, 0, NULL);
    assert_string_equal(error_code(v), "rate_limited");
    json_decref(v);
    support_response_free(&r);
    assert_null(support_http_cookie(&c, "waspada_session"));

    /* Another username from the same address: not held back by pelapor's failures. */
    v = api(&c, "POST", "/api/v1/auth/login",
            "{\"username\":\"bandung\",\"password\":\"" DEMO_PASSWORD "\"}", NULL, 200);
    json_decref(v);
    /* Other endpoints are not affected. */
    v = api(&c, "GET", "/api/v1/health", NULL, NULL, 200);
    json_decref(v);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&rl), 0);
}

/* Static files from --web-dir: content types, index.html, and no way out of the directory. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = support_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

static void expect_static(struct support_http *c, const char *path, long status, const char *type,
                          const char *body)
{
    struct support_response r;
    long got = support_http(c, "GET", path, NULL, 0, NULL, &r);
    if (got != status)
        fail_msg("GET %s: expected %ld, got %ld", path, status, got);
    if (type) {
        char *t = support_response_header(&r, "Content-Type");
        assert_non_null(t);
        assert_string_equal(t, type);
        free(t);
    }
    if (body)
        assert_string_equal(r.body, body);
    char *v = support_response_header(&r, "X-Frame-Options");
    assert_string_equal(v, "DENY");
    free(v);
    support_response_free(&r);
}

static void test_static_files(void **state)
{
    WSP_UNUSED(state);
    char *web = support_path(tmpdir, "web");
    char *sub = support_path(web, "sub");
    assert_int_equal(mkdir(web, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    write_file(web, "index.html", "<p>home</p>");
    write_file(web, "app.js", "export {};");
    write_file(web, "style.css", "p{}");
    write_file(web, "map.geojson", "{}");
    write_file(sub, "index.html", "<p>sub</p>");
    write_file(tmpdir, "secret.txt", "secret");
    char *outside = support_path(tmpdir, "secret.txt");
    char *link = support_path(web, "leak.txt");
    assert_int_equal(symlink(outside, link), 0);

    struct support_server ws;
    const char *extra[] = {"--web-dir", web, NULL};
    char *log = support_path(tmpdir, "server-web.log");
    assert_int_equal(support_server_start(&ws, db_path, extra, log), 0);
    free(log);
    struct support_http c;
    assert_int_equal(support_http_init(&c, ws.base_url), 0);
    expect_static(&c, "/", 200, "text/html; charset=utf-8", "<p>home</p>");
    expect_static(&c, "/index.html", 200, "text/html; charset=utf-8", "<p>home</p>");
    expect_static(&c, "/app.js", 200, "text/javascript; charset=utf-8", "export {};");
    expect_static(&c, "/style.css", 200, "text/css; charset=utf-8", "p{}");
    expect_static(&c, "/map.geojson", 200, "application/geo+json", "{}");
    expect_static(&c, "/sub/", 200, NULL, "<p>sub</p>");
    expect_static(&c, "/sub", 200, NULL, "<p>sub</p>");
    expect_static(&c, "/leak.txt", 404, NULL, NULL);
    expect_static(&c, "/%2e%2e/secret.txt", 404, NULL, NULL);
    expect_static(&c, "/sub/%2e%2e/%2e%2e/secret.txt", 404, NULL, NULL);
    expect_static(&c, "/missing.png", 404, NULL, NULL);
    /* The API is unaffected by the web directory. */
    json_t *v = api(&c, "GET", "/api/v1/health", NULL, NULL, 200);
    json_decref(v);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&ws), 0);
    free(link);
    free(outside);
    free(sub);
    free(web);
}

/* Last: SIGTERM stops the server cleanly with exit status 0. */
static void test_shutdown(void **state)
{
    WSP_UNUSED(state);
    assert_true(server_running);
    server_running = false;
    assert_int_equal(support_server_stop(&server), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_demo_verified),
        cmocka_unit_test(test_regions_search),
        cmocka_unit_test(test_region_detail),
        cmocka_unit_test(test_login_success),
        cmocka_unit_test(test_login_failure),
        cmocka_unit_test(test_me_without_session),
        cmocka_unit_test(test_csrf_required),
        cmocka_unit_test(test_user_scope),
        cmocka_unit_test(test_user_disable_and_password),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_login_replaces_session),
        cmocka_unit_test(test_logout),
        cmocka_unit_test(test_concurrent_clients),
        cmocka_unit_test(test_login_rate_limit),
        cmocka_unit_test(test_static_files),
        cmocka_unit_test(test_shutdown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
