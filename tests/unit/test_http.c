/* Unit tests of the http pieces that need no server: the JSON reader, the status mapping,
 * the account-management rules and the request headers of the public answers. The server itself is
 * tested in tests/integration/test_api.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_internal.h"

static int read_json(const char *text, size_t len, size_t max, struct error *err)
{
    json_t *v = NULL;
    error_clear(err);
    int rc = http_json_read(text, len, max, &v, err);
    if (rc == 0) {
        assert_true(json_is_object(v));
        json_decref(v);
    } else {
        assert_null(v);
    }
    return rc;
}

static void test_json_read(void **state)
{
    (void)state;
    struct error err;
    const char *ok = "{\"username\":\"admin\",\"password\":\"x\"}";
    assert_int_equal(read_json(ok, strlen(ok), 0, &err), 0);
    assert_int_equal(read_json(ok, strlen(ok), 10, &err), WSP_ETOOBIG);
    assert_int_equal(http_status_for(err.code), 413);

    static const struct {
        const char *text;
        size_t len;
    } bad[] = {
        {"", 0},
        {"{", 1},
        {"[1]", 3},
        {"\"s\"", 3},
        {"null", 4},
        {"{\"a\":1,\"a\":2}", 13},
        {"{\"a\":\"\\u0000\"}", 14},
        {"{\"a\":\"x\0y\"}", 11},
        {"{\"a\":\"\xff\"}", 8},
        {"{\"a\":1e999}", 11},
        {"{\"a\":123456789012345678901234567890}", 36},
        {"{} x", 4},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        assert_int_equal(read_json(bad[i].text, bad[i].len, 0, &err), WSP_EINVAL);
        assert_true(str_starts_with(err.msg, "invalid JSON: "));
        for (const char *p = err.msg; *p; p++)
            assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    }
    /* Nesting: API bodies are flat; deep structures are refused. */
    char deep[200];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof(deep), "{\"a\":");
    for (int i = 0; i < 40; i++)
        deep[n++] = '[';
    for (int i = 0; i < 40; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    assert_int_equal(read_json(deep, n, 0, &err), WSP_EINVAL);
}

static void test_json_string(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s,s:i,s:s,s:n}", "name", "ok", "num", 3, "ctl", "a\tb", "nul");
    struct error err = {0};
    const char *s;
    assert_int_equal(http_json_string(o, "name", true, 10, &s, &err), 0);
    assert_string_equal(s, "ok");
    assert_int_equal(http_json_string(o, "name", true, 1, &s, &err), WSP_EINVAL);
    assert_int_equal(http_json_string(o, "num", true, 10, &s, &err), WSP_EINVAL);
    assert_int_equal(http_json_string(o, "ctl", true, 10, &s, &err), WSP_EINVAL);
    assert_int_equal(http_json_string(o, "missing", true, 10, &s, &err), WSP_EINVAL);
    assert_int_equal(http_json_string(o, "missing", false, 10, &s, &err), 0);
    assert_null(s);
    assert_int_equal(http_json_string(o, "nul", false, 10, &s, &err), 0);
    assert_null(s);
    json_decref(o);
}

static void test_status_for(void **state)
{
    (void)state;
    assert_int_equal(http_status_for(WSP_OK), 200);
    assert_int_equal(http_status_for(WSP_EINVAL), 400);
    assert_int_equal(http_status_for(WSP_EAUTH), 401);
    assert_int_equal(http_status_for(WSP_EPERM), 403);
    assert_int_equal(http_status_for(WSP_ENOTFOUND), 404);
    assert_int_equal(http_status_for(WSP_EEXIST), 409);
    assert_int_equal(http_status_for(WSP_ETOOBIG), 413);
    assert_int_equal(http_status_for(WSP_ERATE), 429);
    assert_int_equal(http_status_for(WSP_EBUSY), 503);
    assert_int_equal(http_status_for(WSP_EDB), 500);
    assert_int_equal(http_status_for(WSP_EIO), 500);
    assert_int_equal(http_status_for(WSP_ENOMEM), 500);
    assert_int_equal(http_status_for(WSP_EINTERNAL), 500);
    assert_int_equal(http_status_for(-99), 500);
}

/* The raw request target: %-escapes must be complete, and %00 or control bytes never pass
 * (libmicrohttpd decodes %00 into a NUL that cut the path: issue 10). */
static void test_uri_malformed(void **state)
{
    (void)state;
    static const char *const good[] = {
        "/",
        "/api/v1/regions/32",
        "/api/v1/regions?q=jawa%20barat&limit=5",
        "/api/v1/regions/%33%32",
        "/index.html?x=%7e%7E%ff",
        "/a+b?c=d+e",
        "",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(good); i++)
        if (http_uri_malformed(good[i]))
            fail_msg("'%s' refused", good[i]);
    static const char *const bad[] = {
        "/api/v1/regions/32%00zzz",
        "/api/v1/regions?q=%00",
        "/a%",
        "/a%4",
        "/a%zz",
        "/a%g0",
        "/a%0g",
        "/a\001b",
        "/a\tb",
        "/a\177b",
        "/q?x=%%41",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++)
        if (!http_uri_malformed(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
}

/* JSON routes take application/json only (415 otherwise, issue 10); a charset, if given, must
 * be UTF-8. */
static void test_content_type_json(void **state)
{
    (void)state;
    static const char *const good[] = {
        "application/json",
        "APPLICATION/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/json; charset=\"utf-8\"",
        "application/json ; charset=utf-8",
        "application/json; charset=utf-8; foo=bar",
        "application/json; foo=bar",
        " application/json",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(good); i++)
        if (!http_content_type_json(good[i]))
            fail_msg("'%s' refused", good[i]);
    static const char *const bad[] = {
        "",
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=----x",
        "application/jsonx",
        "application/json-patch+json",
        "application/json; charset=latin1",
        "application/json; charset=\"utf-8",
        "application/json;",
        "application/json; charset",
        "application/json, text/plain",
        "json",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++)
        if (http_content_type_json(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
}

/* Accept-Encoding for the public answers: gzip named without q=0, or "*" unless gzip is
 * refused by name. */
static void test_accepts_gzip(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "gzip",      "GZIP", "gzip, deflate, br", "br;q=1.0, gzip", "x-gzip",   "gzip;q=0.5",
        "gzip; q=1", "*",    "deflate, *;q=0.1",  "gzip;q=0.001",   " gzip ,br"};
    static const char *const no[] = {
        "",      "identity", "br, deflate", "gzip;q=0",  "gzip; q=0.000",   "*, gzip;q=0",
        "*;q=0", "gzipx",    "xgzip",       "gzip;q=0.", "gzip;level=1;q=0"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(yes); i++)
        if (!http_accepts_gzip(yes[i]))
            fail_msg("'%s' should allow gzip", yes[i]);
    for (size_t i = 0; i < WSP_ARRAY_LEN(no); i++)
        if (http_accepts_gzip(no[i]))
            fail_msg("'%s' should not allow gzip", no[i]);
    assert_false(http_accepts_gzip(NULL));
}

/* If-None-Match: lists, W/, "*", junk between items; only the whole tag matches. */
static void test_etag_matches(void **state)
{
    (void)state;
    const char *etag = "\"abc123\"";
    static const char *const yes[] = {"\"abc123\"", "W/\"abc123\"",     "\"x\", \"abc123\"",
                                      "*",          "junk, \"abc123\"", "\"x\",W/\"abc123\""};
    static const char *const no[] = {"",         "\"abc12\"",   "\"abc123-gz\"",
                                     "abc123",   "\"abc1234\"", "\"x\", \"y\"",
                                     "\"abc123", "W/abc123"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(yes); i++)
        if (!http_etag_matches(yes[i], etag))
            fail_msg("'%s' should match", yes[i]);
    for (size_t i = 0; i < WSP_ARRAY_LEN(no); i++)
        if (http_etag_matches(no[i], etag))
            fail_msg("'%s' should not match", no[i]);
    assert_false(http_etag_matches(NULL, etag));
}

static void test_may_manage(void **state)
{
    (void)state;
    assert_true(http_may_manage(AUTH_ROLE_ADMIN, "", AUTH_ROLE_ADMIN, ""));
    assert_true(http_may_manage(AUTH_ROLE_PROVINSI, "32", AUTH_ROLE_KABKOTA, "32.73"));
    assert_true(http_may_manage(AUTH_ROLE_PROVINSI, "32", AUTH_ROLE_PELAPOR, "32"));
    assert_false(http_may_manage(AUTH_ROLE_PROVINSI, "32", AUTH_ROLE_KABKOTA, "33.01"));
    assert_false(http_may_manage(AUTH_ROLE_PROVINSI, "32", AUTH_ROLE_PROVINSI, "32"));
    assert_false(http_may_manage(AUTH_ROLE_PROVINSI, "32", AUTH_ROLE_PELAPOR, ""));
    assert_false(http_may_manage(AUTH_ROLE_PROVINSI, "3", AUTH_ROLE_PELAPOR, "32.73"));
    assert_true(http_may_manage(AUTH_ROLE_KABKOTA, "32.73", AUTH_ROLE_PELAPOR, "32.73"));
    assert_false(http_may_manage(AUTH_ROLE_KABKOTA, "32.73", AUTH_ROLE_PELAPOR, "32.04"));
    assert_false(http_may_manage(AUTH_ROLE_KABKOTA, "32.73", AUTH_ROLE_KABKOTA, "32.73"));
    assert_false(http_may_manage(AUTH_ROLE_PUSAT, "", AUTH_ROLE_PELAPOR, "32.73"));
    assert_false(http_may_manage(AUTH_ROLE_PELAPOR, "32.73", AUTH_ROLE_PELAPOR, "32.73"));
    assert_false(http_may_manage(AUTH_ROLE_NONE, "", AUTH_ROLE_PELAPOR, "32.73"));

    assert_true(http_may_view_user(AUTH_ROLE_ADMIN, "", ""));
    assert_true(http_may_view_user(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(http_may_view_user(AUTH_ROLE_PROVINSI, "32", ""));
    assert_false(http_may_view_user(AUTH_ROLE_KABKOTA, "32.73", "32"));
    assert_false(http_may_view_user(AUTH_ROLE_PUSAT, "", "32"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_read),     cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_status_for),    cmocka_unit_test(test_may_manage),
        cmocka_unit_test(test_uri_malformed), cmocka_unit_test(test_content_type_json),
        cmocka_unit_test(test_accepts_gzip),  cmocka_unit_test(test_etag_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
