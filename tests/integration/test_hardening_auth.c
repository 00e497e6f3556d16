/*
 * Integration tests of issue 10, items 3, 5 and the password rule of 6, against the real
 * `waspada serve` on loopback:
 *  - failed logins hold back the address that fails, not the user everywhere (item 3);
 *  - write rate limits per user and per address, lower for community reports (item 5);
 *  - new passwords need 10 characters and must not be among the 10,000 most common (item 6).
 *
 * Clients bind to different loopback addresses (127.0.0.x, 127.0.1.x, ...) so the server sees
 * several client addresses. Each group of checks gets a server of its own, because the
 * throttle state lives in the server's memory.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define DEMO_PASSWORD "waspada-demo"
#define COMMON_MSG "password is one of the 10,000 most common passwords; choose another"
#define SHORT_MSG "password must have at least 10 characters"

static char *tmpdir;
static char *db_path;

/* ---- helpers ---------------------------------------------------------------------------- */

/* A client whose connections come from the loopback address `from` ("127.0.0.2"). */
static void client_from(struct support_http *c, const struct support_server *s, const char *from)
{
    assert_int_equal(support_http_init(c, s->base_url), 0);
    char iface[32];
    snprintf(iface, sizeof(iface), "host!%s", from);
    assert_int_equal(curl_easy_setopt((CURL *)c->curl, CURLOPT_INTERFACE, iface), CURLE_OK);
}

struct reply {
    long status;
    char code[32];  /* error code of the envelope, "" when none */
    char msg[160];  /* error message */
    char retry[16]; /* Retry-After, "" when absent */
    char csrf[65];  /* csrf_token of a login answer */
    json_int_t id;  /* "id" of {"user": {...}} answers */
};

/* Send a request; the JSON body's error envelope, Retry-After and a few fields go into *out. */
static long send_req(struct support_http *c, const char *method, const char *path, const char *body,
                     const char *csrf, struct reply *out)
{
    memset(out, 0, sizeof(*out));
    struct support_response r;
    char hdr[128];
    const char *headers[] = {hdr, NULL};
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf ? csrf : "");
    out->status = support_http(c, method, path, body, (size_t)-1, csrf ? headers : NULL, &r);
    char *retry = support_response_header(&r, "Retry-After");
    if (retry)
        str_copy(out->retry, retry, sizeof(out->retry));
    free(retry);
    json_t *v = json_loads(r.body ? r.body : "", 0, NULL);
    json_t *e = json_object_get(v, "error");
    if (json_is_object(e)) {
        str_copy(out->code, json_string_value(json_object_get(e, "code")), sizeof(out->code));
        str_copy(out->msg, json_string_value(json_object_get(e, "message")), sizeof(out->msg));
    }
    if (json_is_string(json_object_get(v, "csrf_token")))
        str_copy(out->csrf, json_string_value(json_object_get(v, "csrf_token")), sizeof(out->csrf));
    json_t *user = json_object_get(v, "user");
    if (json_is_integer(json_object_get(user, "id")))
        out->id = json_integer_value(json_object_get(user, "id"));
    if (out->status >= 400 && out->status != 0 && !json_is_object(e))
        fail_msg("%s %s: %ld without the error envelope: %s", method, path, out->status,
                 r.body ? r.body : "");
    json_decref(v);
    support_response_free(&r);
    return out->status;
}

static long try_login(struct support_http *c, const char *user, const char *password,
                      struct reply *out)
{
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    long st = send_req(c, "POST", "/api/v1/auth/login", body, NULL, out);
    free(body);
    return st;
}

/* 429 with the rate_limited envelope and exactly this Retry-After. */
static void expect_429(const struct reply *r, const char *retry)
{
    if (r->status != 429)
        fail_msg("expected 429, got %ld (%s)", r->status, r->msg);
    assert_string_equal(r->code, "rate_limited");
    assert_string_equal(r->retry, retry);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int start_server(struct support_server *s, const char *name, const char *const extra[])
{
    char *log = support_path(tmpdir, name);
    int rc = support_server_start(s, db_path, extra, log);
    free(log);
    return rc;
}

static long count_rows(const char *sql)
{
    return (long)testdb_int(db_path, sql);
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
    const char *init[] = {"--db", db_path, "init", "--demo-accounts", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    if (getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return 0;
}

/* ---- item 3: failed logins -------------------------------------------------------------- */

/*
 * 20 wrong passwords for admin from one address (the limit set to 20, so each one is really
 * checked and fails) must not keep admin out from another address. Before: the 20 failures
 * locked "user:admin" everywhere for the window, the right password from anywhere got 429.
 */
static void test_attacker_address_does_not_lock_user(void **state)
{
    WSP_UNUSED(state);
    struct support_server s;
    const char *extra[] = {"--login-max-failures", "20", "--login-window", "60", NULL};
    assert_int_equal(start_server(&s, "server-login20.log", extra), 0);
    struct support_http attacker, admin, other;
    client_from(&attacker, &s, "127.0.0.2");
    client_from(&admin, &s, "127.0.0.1");
    client_from(&other, &s, "127.0.0.3");
    struct reply r;
    static const char *const names[] = {"admin", "ADMIN", "Admin", "aDmIn"};
    for (int i = 0; i < 20; i++) {
        char pw[32];
        snprintf(pw, sizeof(pw), "tebakan-ke-%d", i);
        if (try_login(&attacker, names[i % 4], pw, &r) != 401)
            fail_msg("wrong password %d: expected 401, got %ld", i + 1, r.status);
        assert_string_equal(r.code, "unauthorized");
    }
    /* The attacker's own address now waits, even with the right password. */
    try_login(&attacker, "admin", DEMO_PASSWORD, &r);
    expect_429(&r, "1");
    assert_null(support_http_cookie(&attacker, "waspada_session"));
    /* The right password from addresses that did not fail: in at once. */
    assert_int_equal(try_login(&admin, "admin", DEMO_PASSWORD, &r), 200);
    assert_int_equal(strlen(r.csrf), 64);
    assert_int_equal(try_login(&other, "ADMIN", DEMO_PASSWORD, &r), 200);
    /* Another user from the attacker's address is not held back either (20 < 4 x 20). */
    assert_int_equal(try_login(&attacker, "pusat", DEMO_PASSWORD, &r), 200);
    support_http_cleanup(&attacker);
    support_http_cleanup(&admin);
    support_http_cleanup(&other);
    assert_int_equal(support_server_stop(&s), 0);
}

/*
 * The waits of a failing (user, address) pair grow: 1 s, 2 s, 4 s. Before: a flat block of
 * the whole window (Retry-After 60) after the third failure.
 */
static void test_retry_after_grows(void **state)
{
    WSP_UNUSED(state);
    struct support_server s;
    const char *extra[] = {"--login-max-failures", "3", "--login-window", "60", NULL};
    assert_int_equal(start_server(&s, "server-login3.log", extra), 0);
    struct support_http c;
    client_from(&c, &s, "127.0.0.4");
    struct reply r;
    for (int i = 0; i < 3; i++)
        assert_int_equal(try_login(&c, "pusat", "bukan-sandinya", &r), 401);
    static const char *const waits[] = {"1", "2", "4"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(waits); i++) {
        try_login(&c, "pusat", "bukan-sandinya", &r);
        expect_429(&r, waits[i]);
        if (i + 1 == WSP_ARRAY_LEN(waits))
            break;
        /* Once the wait is over the pair may try again, and fails again. */
        sleep_ms((long)(waits[i][0] - '0') * 1000 + 200);
        assert_int_equal(try_login(&c, "pusat", "bukan-sandinya", &r), 401);
    }
    /* Meanwhile pusat logs in from elsewhere. */
    struct support_http ok;
    client_from(&ok, &s, "127.0.0.5");
    assert_int_equal(try_login(&ok, "pusat", DEMO_PASSWORD, &r), 200);
    support_http_cleanup(&ok);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&s), 0);
}

/*
 * Many addresses against one user: after 4 x 3 = 12 failures the user is on the slow path,
 * one attempt at a time from addresses it never logged in from, so guessing stays bounded; the
 * right password from a clean address gets in after a short wait, and from the address the
 * user logged in from before at once. Before: the user was locked for the window (429, 60 s)
 * from every address.
 */
static void test_many_addresses_slow_path(void **state)
{
    WSP_UNUSED(state);
    struct support_server s;
    const char *extra[] = {"--login-max-failures", "3", "--login-window", "60", NULL};
    assert_int_equal(start_server(&s, "server-slow.log", extra), 0);
    struct support_http home;
    client_from(&home, &s, "127.0.0.6");
    struct reply r;
    assert_int_equal(try_login(&home, "jabar", DEMO_PASSWORD, &r), 200);

    for (int a = 1; a <= 4; a++) {
        char from[32];
        snprintf(from, sizeof(from), "127.0.1.%d", a);
        struct support_http bot;
        client_from(&bot, &s, from);
        for (int i = 0; i < 3; i++)
            assert_int_equal(try_login(&bot, "jabar", "coba-coba-lagi", &r), 401);
        support_http_cleanup(&bot);
    }
    /* On the slow path: a fresh address takes the slot (and fails), the next one waits. */
    struct support_http b5, b6, user;
    client_from(&b5, &s, "127.0.1.5");
    client_from(&b6, &s, "127.0.1.6");
    client_from(&user, &s, "127.0.1.7");
    assert_int_equal(try_login(&b5, "jabar", "coba-coba-lagi", &r), 401);
    try_login(&b6, "Jabar", "coba-coba-lagi", &r);
    expect_429(&r, "1");
    /* The owner from a clean address: a short wait, then in. */
    try_login(&user, "jabar", DEMO_PASSWORD, &r);
    expect_429(&r, "1");
    sleep_ms(1200);
    assert_int_equal(try_login(&user, "jabar", DEMO_PASSWORD, &r), 200);
    /* The slot is taken again (2 s now), but the address jabar used before skips it. */
    try_login(&b6, "jabar", "coba-coba-lagi", &r);
    expect_429(&r, "2");
    assert_int_equal(try_login(&home, "jabar", DEMO_PASSWORD, &r), 200);
    support_http_cleanup(&b5);
    support_http_cleanup(&b6);
    support_http_cleanup(&user);
    support_http_cleanup(&home);
    assert_int_equal(support_server_stop(&s), 0);
}

/* ---- item 5: write rate limits ---------------------------------------------------------- */

/*
 * One reporter sends 30 different reports in a few seconds: with the default limit of 20 an
 * hour, 20 are stored and 10 get 429 (Retry-After: about 180 s, the time one report takes to
 * come back). Before: all 30 stored.
 */
static void test_report_flood(void **state)
{
    WSP_UNUSED(state);
    long before = count_rows("SELECT count(*) FROM reports");
    struct support_server s;
    assert_int_equal(start_server(&s, "server-reports.log", NULL), 0);
    struct support_http c;
    client_from(&c, &s, "127.0.2.1");
    struct reply r;
    assert_int_equal(try_login(&c, "pelapor", DEMO_PASSWORD, &r), 200);
    char csrf[65];
    str_copy(csrf, r.csrf, sizeof(csrf));
    int stored = 0, limited = 0;
    for (int i = 0; i < 30; i++) {
        char *body = xasprintf("{\"what\":\"Keributan warga nomor %d di dekat pasar\","
                               "\"where\":\"32.73\",\"when\":\"2026-01-%02d\"}",
                               i + 1, i % 28 + 1);
        send_req(&c, "POST", "/api/v1/reports", body, csrf, &r);
        free(body);
        if (r.status == 201) {
            if (limited)
                fail_msg("report %d stored after a refused one", i + 1);
            stored++;
        } else if (r.status == 429) {
            assert_string_equal(r.code, "rate_limited");
            long secs = 0;
            assert_int_equal(str_to_long(r.retry, 170, 180, &secs), 0);
            limited++;
        } else {
            fail_msg("report %d: expected 201 or 429, got %ld: %s", i + 1, r.status, r.msg);
        }
    }
    assert_int_equal(stored, 20);
    assert_int_equal(limited, 10);
    assert_int_equal(count_rows("SELECT count(*) FROM reports") - before, 20);
    /* Reading is not limited, and other writes have their own (higher) limit. */
    assert_int_equal(send_req(&c, "GET", "/api/v1/auth/me", NULL, NULL, &r), 200);
    assert_int_equal(send_req(&c, "POST", "/api/v1/auth/logout", "{}", csrf, &r), 200);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&s), 0);
}

/*
 * Every write route, per user and per address, from the config table (environment here):
 * 3 changes a minute per user (one every 20 s), 6 per address (one every 10 s). Refused
 * requests are not counted. Before: no limit.
 */
static void test_write_limits(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_WRITE_LIMIT_USER", "3", 1);
    setenv("WASPADA_WRITE_LIMIT_ADDRESS", "6", 1);
    struct support_server s;
    int rc = start_server(&s, "server-writes.log", NULL);
    unsetenv("WASPADA_WRITE_LIMIT_USER");
    unsetenv("WASPADA_WRITE_LIMIT_ADDRESS");
    assert_int_equal(rc, 0);
    struct support_http bandung, jabar, jabar2;
    client_from(&bandung, &s, "127.0.3.1");
    client_from(&jabar, &s, "127.0.3.1");
    client_from(&jabar2, &s, "127.0.3.2");
    struct reply r;
    char csrf_b[65], csrf_j[65];
    assert_int_equal(try_login(&bandung, "bandung", DEMO_PASSWORD, &r), 200); /* address: 1 */
    str_copy(csrf_b, r.csrf, sizeof(csrf_b));
    /* An invalid change still counts: it cost the server a request. */
    for (int i = 0; i < 3; i++) /* user: 3, address: 4 */
        assert_int_equal(send_req(&bandung, "POST", "/api/v1/rad", "{}", csrf_b, &r), 400);
    send_req(&bandung, "POST", "/api/v1/rad", "{}", csrf_b, &r);
    expect_429(&r, "20");
    assert_int_equal(try_login(&jabar, "jabar", DEMO_PASSWORD, &r), 200); /* address: 5 */
    str_copy(csrf_j, r.csrf, sizeof(csrf_j));
    assert_int_equal(send_req(&jabar, "POST", "/api/v1/rad", "{}", csrf_j, &r), 400); /* 6 */
    send_req(&jabar, "PATCH", "/api/v1/rad/999999", "{}", csrf_j, &r);
    expect_429(&r, "10");
    /* Reading goes on; jabar from another address still has 2 changes of its 3. */
    assert_int_equal(send_req(&jabar, "GET", "/api/v1/auth/me", NULL, NULL, &r), 200);
    assert_int_equal(try_login(&jabar2, "jabar", DEMO_PASSWORD, &r), 200);
    str_copy(csrf_j, r.csrf, sizeof(csrf_j));
    assert_int_equal(send_req(&jabar2, "POST", "/api/v1/rad", "{}", csrf_j, &r), 400);
    assert_int_equal(send_req(&jabar2, "DELETE", "/api/v1/timdu/999999", NULL, csrf_j, &r), 404);
    send_req(&jabar2, "POST", "/api/v1/rad", "{}", csrf_j, &r);
    expect_429(&r, "20");
    support_http_cleanup(&bandung);
    support_http_cleanup(&jabar);
    support_http_cleanup(&jabar2);
    assert_int_equal(support_server_stop(&s), 0);
}

/* ---- item 6: password rules ------------------------------------------------------------- */

static int run_user(struct support_run *r, const char *stdin_text, const char *sub,
                    const char *username, const char *role)
{
    const char *add[] = {
        "--db", db_path, "user", sub, "--username", username, "--role", role, "--password-stdin",
        NULL};
    const char *passwd[] = {
        "--db", db_path, "user", sub, "--username", username, "--password-stdin", NULL};
    return support_run(r, stdin_text, role ? add : passwd);
}

/* Before: 8 characters were enough and common passwords were accepted. */
static void test_password_rules_cli(void **state)
{
    WSP_UNUSED(state);
    struct support_run r;
    static const struct {
        const char *password, *err;
    } bad[] = {
        {"sembilan9\n", "waspada: " SHORT_MSG "\n"},
        {"rahasia\n", "waspada: " SHORT_MSG "\n"},
        {"qwertyuiop\n", "waspada: " COMMON_MSG "\n"},
        {"Password123\n", "waspada: " COMMON_MSG "\n"},
        {"MANCHESTER\n", "waspada: " COMMON_MSG "\n"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        assert_int_equal(run_user(&r, bad[i].password, "add", "budi.s", "pusat"), 3);
        assert_string_equal(r.err, bad[i].err);
        support_run_free(&r);
    }
    assert_int_equal(run_user(&r, "sepuluh-10\n", "add", "budi.s", "pusat"), 0);
    assert_true(str_starts_with(r.out, "added user budi.s (id "));
    support_run_free(&r);
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        assert_int_equal(run_user(&r, bad[i].password, "passwd", "budi.s", NULL), 3);
        assert_string_equal(r.err, bad[i].err);
        support_run_free(&r);
    }
    assert_int_equal(run_user(&r, DEMO_PASSWORD "\n", "passwd", "budi.s", NULL), 0);
    assert_string_equal(r.out, "password of budi.s changed\n");
    support_run_free(&r);
}

static void test_password_rules_api(void **state)
{
    WSP_UNUSED(state);
    struct support_server s;
    assert_int_equal(start_server(&s, "server-passwords.log", NULL), 0);
    struct support_http c;
    client_from(&c, &s, "127.0.4.1");
    struct reply r;
    assert_int_equal(try_login(&c, "admin", DEMO_PASSWORD, &r), 200);
    char csrf[65];
    str_copy(csrf, r.csrf, sizeof(csrf));
    static const struct {
        const char *password, *msg;
    } bad[] = {
        {"pendek-12", SHORT_MSG},
        {"1234567890", COMMON_MSG},
        {"BaseBall12", "ok"}, /* not in the list: accepted below */
        {"Basketball", COMMON_MSG},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        char *body = xasprintf("{\"username\":\"op-%zu\",\"password\":\"%s\",\"role\":\"kabkota\","
                               "\"region\":\"32.73\"}",
                               i, bad[i].password);
        send_req(&c, "POST", "/api/v1/users", body, csrf, &r);
        free(body);
        if (strcmp(bad[i].msg, "ok") == 0) {
            assert_int_equal(r.status, 201);
            continue;
        }
        assert_int_equal(r.status, 400);
        assert_string_equal(r.code, "invalid");
        assert_string_equal(r.msg, bad[i].msg);
    }
    /* Setting another user's password, and one's own. */
    assert_int_equal(send_req(&c, "GET", "/api/v1/auth/me", NULL, NULL, &r), 200);
    json_int_t admin_id = r.id;
    struct support_http p;
    client_from(&p, &s, "127.0.4.2");
    assert_int_equal(try_login(&p, "op-2", "BaseBall12", &r), 200);
    json_int_t op_id = r.id;
    char *path = xasprintf("/api/v1/users/%lld/password", (long long)op_id);
    send_req(&c, "POST", path, "{\"password\":\"pendek-12\"}", csrf, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.msg, SHORT_MSG);
    send_req(&c, "POST", path, "{\"password\":\"PASSWORD123\"}", csrf, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.msg, COMMON_MSG);
    assert_int_equal(send_req(&c, "POST", path, "{\"password\":\"iloveyou12\"}", csrf, &r), 200);
    free(path);
    path = xasprintf("/api/v1/users/%lld/password", (long long)admin_id);
    send_req(&c, "POST", path,
             "{\"password\":\"Qwertyuiop\",\"current_password\":\"" DEMO_PASSWORD "\"}", csrf, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.msg, COMMON_MSG);
    free(path);
    support_http_cleanup(&p);
    support_http_cleanup(&c);
    assert_int_equal(support_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attacker_address_does_not_lock_user),
        cmocka_unit_test(test_retry_after_grows),
        cmocka_unit_test(test_many_addresses_slow_path),
        cmocka_unit_test(test_report_flood),
        cmocka_unit_test(test_write_limits),
        cmocka_unit_test(test_password_rules_cli),
        cmocka_unit_test(test_password_rules_api),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
