/*
 * Integration tests of field messages in (issue 16, item 3): the real server on a demo
 * database, SMS/WhatsApp gateway posts signed with a channel's secret, on SQLite or on
 * PostgreSQL (WASPADA_TEST_ENGINE=postgresql, testdb.h).
 *
 * Set-up by the command line, as an administrator would: `waspada intake channel add` (its
 * secret read from the output) and `waspada user phone` for the demo's pelapor (Kota Bandung).
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "intake/intake.h"
#include "../support/api_call.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"
#define PELAPOR_PHONE "+6281234567890"
#define STRANGER "0899 111 2222" /* +628991112222: nobody's */

enum { ADMIN, PUSAT, JABAR, BANDUNG, PELAPOR, NUSERS };

static const char *const users[NUSERS] = {"admin", "pusat", "jabar", "bandung", "pelapor"};
static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static struct support_http clients[NUSERS], gateway;
static char csrf[NUSERS][65];
static char secret[INTAKE_SECRET_HEX], slow_secret[INTAKE_SECRET_HEX];

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *as(int u, const char *method, const char *path, const char *body, long expect)
{
    return support_api_call(&clients[u], method, path, body, csrf[u], expect, NULL);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", k);
    return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", k);
    return json_integer_value(v);
}

static void login(int u)
{
    support_http_init(&clients[u], server.base_url);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[u], PW);
    json_t *v = support_api_call(&clients[u], "POST", "/api/v1/auth/login", body, NULL, 200, NULL);
    free(body);
    str_copy(csrf[u], jstr(v, "csrf_token"), sizeof(csrf[u]));
    json_decref(v);
}

/* POST body to the channel as a gateway, signed with key at time ts (0 = now); sig_override
 * replaces the signature header's value when not NULL. */
static long post_signed(const char *channel, const char *key, const char *body, int64_t ts,
                        const char *sig_override, struct support_response *r)
{
    char tsv[24], sig[72], h1[64], h2[128];
    snprintf(tsv, sizeof(tsv), "%lld", (long long)(ts ? ts : time_now()));
    intake_sign(key, tsv, body, strlen(body), sig);
    snprintf(h1, sizeof(h1), "X-Waspada-Timestamp: %s", tsv);
    snprintf(h2, sizeof(h2), "X-Waspada-Signature: %s", sig_override ? sig_override : sig);
    const char *headers[] = {h1, h2, NULL};
    char *path = xasprintf("/api/v1/intake/%s", channel);
    long st = support_http(&gateway, "POST", path, body, (size_t)-1, headers, r);
    free(path);
    return st;
}

/* A signed message on the main channel; the answer must have status expect. */
static json_t *send_msg(const char *message_id, const char *from, const char *text, long expect)
{
    json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "message_id", message_id, "from", from, "text", text,
                          "via", "sms");
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    struct support_response r;
    long st = post_signed("sms-test", secret, body, 0, NULL, &r);
    free(body);
    if (st != expect)
        fail_msg("message %s: expected %ld, got %ld: %s", message_id, expect, st, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    support_response_free(&r);
    if (!v)
        fail_msg("message %s: the answer is not JSON", message_id);
    return v;
}

static int64_t count(const char *sql)
{
    return testdb_int(db_path, sql);
}

/* Run the binary on the test database; its stdout (caller frees) or a failed test. */
static char *run_ok(const char *const args[])
{
    struct support_run r;
    if (support_run(&r, NULL, args) != 0)
        fail_msg("%s %s: %s", args[2], args[3] ? args[3] : "", r.err);
    char *out = r.out;
    r.out = NULL;
    support_run_free(&r);
    return out;
}

/* The secret printed by `intake channel add`: its last line. */
static void read_secret(const char *out, char dst[INTAKE_SECRET_HEX])
{
    const char *nl = strrchr(out, '\n');
    const char *p = nl;
    while (p > out && p[-1] != '\n')
        p--;
    if (!nl || nl - p != 64)
        fail_msg("no secret in: %s", out);
    memcpy(dst, p, 64);
    dst[64] = '\0';
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "intake.db");
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    free(run_ok(init));
    const char *add[] = {"--db",     db_path,  "intake", "channel", "add",
                         "sms-test", "--rate", "1000",   NULL};
    char *out = run_ok(add);
    read_secret(out, secret);
    free(out);
    const char *slow[] = {"--db", db_path, "intake", "channel", "add", "slow", "--rate", "2", NULL};
    out = run_ok(slow);
    read_secret(out, slow_secret);
    free(out);
    const char *phone[] = {"--db",    db_path,   "user",           "phone", "--username",
                           "pelapor", "--phone", "0812-3456-7890", NULL};
    out = run_ok(phone);
    assert_non_null(strstr(out, "phone of pelapor set to " PELAPOR_PHONE));
    free(out);

    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "3", "--login-max-failures", "50", NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    running = rc == 0;
    if (rc)
        return rc;
    for (int u = 0; u < NUSERS; u++)
        login(u);
    support_http_init(&gateway, server.base_url);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int u = 0; u < NUSERS; u++)
        support_http_cleanup(&clients[u]);
    support_http_cleanup(&gateway);
    if (running)
        support_server_stop(&server);
    support_rmtree(tmpdir);
    free(tmpdir);
    free(db_path);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------------ */

/* A registered pelapor's message becomes a community report, as the web form makes one. */
static void test_report_from_pelapor(void **state)
{
    (void)state;
    int64_t pelapor_id = count("SELECT id FROM users WHERE username = 'pelapor'");
    json_t *v = send_msg("r-1", "0812 3456 7890",
                         "LAPOR 32.73 bentrok warga di pasar Kiaracondong, 2 orang luka", 201);
    assert_string_equal(jstr(v, "outcome"), "report");
    assert_string_equal(jstr(v, "message_id"), "r-1");
    json_int_t report = jint(v, "report_id"), event = jint(v, "event_id");
    assert_true(json_is_null(json_object_get(v, "lead_id")));
    char *reply = xasprintf("Laporan diterima, nomor %lld. Terima kasih, petugas akan "
                            "memeriksanya.",
                            (long long)report);
    assert_string_equal(jstr(v, "reply"), reply);
    free(reply);
    json_decref(v);

    char *sql =
        xasprintf("SELECT reporter_user_id FROM reports WHERE id = %lld", (long long)report);
    assert_int_equal(count(sql), pelapor_id);
    free(sql);
    sql = xasprintf("SELECT region_code FROM reports WHERE id = %lld", (long long)report);
    char *region = testdb_text(db_path, sql);
    assert_string_equal(region, "32.73");
    free(region);
    free(sql);
    sql = xasprintf("SELECT fields_json FROM reports WHERE id = %lld", (long long)report);
    char *fj = testdb_text(db_path, sql);
    free(sql);
    json_t *fields = json_loads(fj, 0, NULL);
    free(fj);
    assert_string_equal(jstr(fields, "what"), "bentrok warga di pasar Kiaracondong, 2 orang luka");
    assert_string_equal(jstr(fields, "where"), "32.73");
    assert_string_equal(jstr(fields, "channel"), "sms-test");
    assert_string_equal(jstr(fields, "message_id"), "r-1");
    assert_string_equal(jstr(fields, "via"), "sms");
    json_decref(fields);

    /* The event: a lead waiting for an officer, in Kota Bandung; the officer sees it. */
    char *path = xasprintf("/api/v1/events/%lld", (long long)event);
    v = as(BANDUNG, "GET", path, NULL, 200);
    free(path);
    json_t *e = json_object_get(v, "event");
    if (!e)
        e = v;
    assert_string_equal(jstr(e, "status"), "menunggu");
    assert_string_equal(jstr(e, "regency_code"), "32.73");
    json_decref(v);

    /* Without a code, the report is placed as the web form places it (the reporter's area). */
    v = send_msg("r-2", PELAPOR_PHONE, "Ada tawuran pelajar di dekat terminal Cicaheum", 201);
    assert_string_equal(jstr(v, "outcome"), "report");
    json_decref(v);
}

/* A bad signature: 401, nothing stored. */
static void test_bad_signature(void **state)
{
    (void)state;
    int64_t reports = count("SELECT COUNT(*) FROM reports"),
            answers = count("SELECT COUNT(*) FROM intake_messages"),
            leads = count("SELECT COUNT(*) FROM intake_leads");
    const char *body =
        "{\"message_id\":\"bad-1\",\"from\":\"" PELAPOR_PHONE "\",\"text\":\"LAPOR 32.73 palsu\"}";
    struct support_response r;
    /* the wrong secret */
    char other[INTAKE_SECRET_HEX];
    intake_secret_new(other);
    assert_int_equal(post_signed("sms-test", other, body, 0, NULL, &r), 401);
    assert_non_null(strstr(r.body, "does not match"));
    support_response_free(&r);
    /* the other channel's secret */
    assert_int_equal(post_signed("sms-test", slow_secret, body, 0, NULL, &r), 401);
    support_response_free(&r);
    /* a malformed signature */
    assert_int_equal(post_signed("sms-test", secret, body, 0, "sha256=00", &r), 401);
    support_response_free(&r);
    /* no headers at all */
    assert_int_equal(
        support_http(&gateway, "POST", "/api/v1/intake/sms-test", body, (size_t)-1, NULL, &r), 401);
    support_response_free(&r);
    /* signed, then the body changed on the way */
    char tsv[24], sig[72], h1[64], h2[128];
    snprintf(tsv, sizeof(tsv), "%lld", (long long)time_now());
    intake_sign(secret, tsv, body, strlen(body), sig);
    snprintf(h1, sizeof(h1), "X-Waspada-Timestamp: %s", tsv);
    snprintf(h2, sizeof(h2), "X-Waspada-Signature: %s", sig);
    const char *headers[] = {h1, h2, NULL};
    const char *tampered =
        "{\"message_id\":\"bad-1\",\"from\":\"" PELAPOR_PHONE "\",\"text\":\"LAPOR 32.73 diubah\"}";
    assert_int_equal(support_http(&gateway, "POST", "/api/v1/intake/sms-test", tampered, (size_t)-1,
                                  headers, &r),
                     401);
    support_response_free(&r);
    /* an unknown channel */
    assert_int_equal(post_signed("nope", secret, body, 0, NULL, &r), 404);
    support_response_free(&r);
    assert_int_equal(count("SELECT COUNT(*) FROM reports"), reports);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_messages"), answers);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_leads"), leads);
    /* and the same message, signed right, goes through */
    assert_int_equal(post_signed("sms-test", secret, body, 0, NULL, &r), 201);
    support_response_free(&r);
}

/* A timestamp more than 5 minutes old (a replay) or ahead: 401, nothing stored. */
static void test_stale_timestamp(void **state)
{
    (void)state;
    int64_t answers = count("SELECT COUNT(*) FROM intake_messages");
    const char *body = "{\"message_id\":\"old-1\",\"from\":\"" PELAPOR_PHONE
                       "\",\"text\":\"LAPOR 32.73 kemarin\"}";
    struct support_response r;
    assert_int_equal(post_signed("sms-test", secret, body, time_now() - 301, NULL, &r), 401);
    assert_non_null(strstr(r.body, "more than 300 s"));
    support_response_free(&r);
    assert_int_equal(post_signed("sms-test", secret, body, time_now() + 400, NULL, &r), 401);
    support_response_free(&r);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_messages"), answers);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_messages WHERE message_id = 'old-1'"), 0);
    /* four minutes old is still good */
    assert_int_equal(post_signed("sms-test", secret, body, time_now() - 240, NULL, &r), 201);
    support_response_free(&r);
}

/* The gateway resends: the same answer, stored once. */
static void test_duplicate(void **state)
{
    (void)state;
    int64_t reports = count("SELECT COUNT(*) FROM reports");
    const char *body = "{\"message_id\":\"dup-1\",\"from\":\"" PELAPOR_PHONE
                       "\",\"text\":\"LAPOR 32.73 pembakaran rumah warga di Cibiru\"}";
    struct support_response r1, r2, r3;
    assert_int_equal(post_signed("sms-test", secret, body, 0, NULL, &r1), 201);
    char *replayed = support_response_header(&r1, "Idempotent-Replayed");
    assert_null(replayed);
    assert_int_equal(post_signed("sms-test", secret, body, 0, NULL, &r2), 201);
    assert_string_equal(r1.body, r2.body);
    replayed = support_response_header(&r2, "Idempotent-Replayed");
    assert_string_equal(replayed, "true");
    free(replayed);
    /* The same id with other words is still the message answered (the id is the key). */
    const char *other =
        "{\"message_id\":\"dup-1\",\"from\":\"" PELAPOR_PHONE "\",\"text\":\"LAPOR 32.73 lain\"}";
    assert_int_equal(post_signed("sms-test", secret, other, 0, NULL, &r3), 201);
    assert_string_equal(r1.body, r3.body);
    support_response_free(&r1);
    support_response_free(&r2);
    support_response_free(&r3);
    assert_int_equal(count("SELECT COUNT(*) FROM reports"), reports + 1);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_messages WHERE message_id = 'dup-1'"), 1);
    /* A lead's resend too. */
    json_t *a = send_msg("dup-lead", STRANGER, "ada keributan di balai desa", 202);
    json_t *b = send_msg("dup-lead", STRANGER, "ada keributan di balai desa", 202);
    assert_int_equal(jint(a, "lead_id"), jint(b, "lead_id"));
    json_decref(a);
    json_decref(b);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_leads WHERE text = 'ada keributan di balai "
                           "desa'"),
                     1);
}

/* Does any public answer mention s? */
static bool public_mentions(const char *s)
{
    static const char *const paths[] = {"/api/v1/public/risk", "/api/v1/public/cases",
                                        "/api/v1/public/spaces", "/api/v1/public/p3aks"};
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    bool found = false;
    for (size_t i = 0; i < WSP_ARRAY_LEN(paths); i++) {
        struct support_response r;
        support_http(&anon, "GET", paths[i], NULL, 0, NULL, &r);
        found |= r.body && strstr(r.body, s) != NULL;
        support_response_free(&r);
    }
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/intake-leads", NULL, 0, NULL, &r), 401);
    support_response_free(&r);
    support_http_cleanup(&anon);
    return found;
}

/* Whether a list answer holds the lead with this id. */
static bool lists(json_t *v, json_int_t id)
{
    json_t *items = json_object_get(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (jint(json_array_get(items, i), "id") == id)
            return true;
    return false;
}

/* An unknown number: a lead in its queue, for officers of its region and admin only. */
static void test_unknown_sender_lead(void **state)
{
    (void)state;
    int64_t reports = count("SELECT COUNT(*) FROM reports"),
            events = count("SELECT COUNT(*) FROM events");
    json_t *v =
        send_msg("lead-1", STRANGER, "LAPOR 32.73 tawuran pelajar di Jalan Asia Afrika", 202);
    assert_string_equal(jstr(v, "outcome"), "lead");
    json_int_t lead = jint(v, "lead_id");
    assert_true(json_is_null(json_object_get(v, "report_id")));
    assert_true(str_starts_with(jstr(v, "reply"), "Pesan diterima dan akan diperiksa petugas."));
    json_decref(v);
    v = send_msg("lead-2", "+62 899 111 2222", "ada yang membakar ban di perempatan", 202);
    json_int_t lead_noregion = jint(v, "lead_id");
    json_decref(v);
    assert_int_equal(count("SELECT COUNT(*) FROM reports"), reports);
    assert_int_equal(count("SELECT COUNT(*) FROM events"), events);
    assert_false(public_mentions("Asia Afrika"));
    assert_false(public_mentions("membakar ban"));

    /* Officers of Kota Bandung and Jawa Barat see the lead with a region, admin both. */
    v = as(BANDUNG, "GET", "/api/v1/intake-leads?status=baru", NULL, 200);
    assert_true(lists(v, lead));
    assert_false(lists(v, lead_noregion));
    json_t *first = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(jstr(first, "phone"), "+62*******222"); /* masked in lists */
    json_decref(v);
    v = as(JABAR, "GET", "/api/v1/intake-leads", NULL, 200);
    assert_true(lists(v, lead));
    assert_false(lists(v, lead_noregion));
    json_decref(v);
    v = as(ADMIN, "GET", "/api/v1/intake-leads", NULL, 200);
    assert_true(lists(v, lead));
    assert_true(lists(v, lead_noregion));
    json_decref(v);
    json_decref(as(PELAPOR, "GET", "/api/v1/intake-leads", NULL, 403));
    char *path = xasprintf("/api/v1/intake-leads/%lld", (long long)lead);
    v = as(BANDUNG, "GET", path, NULL, 200);
    json_t *l = json_object_get(v, "lead");
    assert_string_equal(jstr(l, "phone"), "+628991112222");
    assert_string_equal(jstr(l, "region_code"), "32.73");
    assert_string_equal(jstr(l, "text"), "tawuran pelajar di Jalan Asia Afrika");
    assert_string_equal(jstr(l, "channel"), "sms-test");
    assert_string_equal(jstr(l, "status"), "baru");
    json_decref(v);
    char *path2 = xasprintf("/api/v1/intake-leads/%lld", (long long)lead_noregion);
    json_decref(as(BANDUNG, "GET", path2, NULL, 404));

    /* The officer promotes it: a report of theirs, the lead marked, audited. */
    char *promote = xasprintf("%s/promote", path);
    v = as(BANDUNG, "POST", promote, NULL, 201);
    json_int_t report = jint(v, "report_id");
    assert_string_equal(jstr(json_object_get(v, "lead"), "status"), "dipromosikan");
    assert_int_equal(jint(json_object_get(v, "lead"), "report_id"), report);
    json_decref(v);
    char *sql =
        xasprintf("SELECT reporter_user_id FROM reports WHERE id = %lld", (long long)report);
    assert_int_equal(count(sql), count("SELECT id FROM users WHERE username = 'bandung'"));
    free(sql);
    json_decref(as(BANDUNG, "POST", promote, NULL, 409));
    free(promote);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'intake_lead.promote'"),
                     1);

    /* The one without a region is admin's: bandung may not, admin discards it. */
    char *discard = xasprintf("%s/discard", path2);
    json_decref(as(BANDUNG, "POST", discard, "{\"note\":\"x\"}", 404));
    v = as(ADMIN, "POST", discard, "{\"note\":\"bukan laporan konflik\"}", 200);
    assert_string_equal(jstr(json_object_get(v, "lead"), "status"), "dibuang");
    json_decref(v);
    json_decref(as(ADMIN, "POST", discard, NULL, 409));
    free(discard);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'intake_lead.discard'"),
                     1);
    free(path);
    free(path2);
}

/* The keyword format's errors: a reply, no report, no lead. */
static void test_keyword_errors(void **state)
{
    (void)state;
    int64_t reports = count("SELECT COUNT(*) FROM reports"),
            leads = count("SELECT COUNT(*) FROM intake_leads");
    static const struct {
        const char *id, *text, *reply;
    } cases[] = {
        {"k-1", "LAPOR 32.733 ada bentrok",
         "Kode wilayah \"32.733\" salah tulis (contoh 32.73). Format: LAPOR <kode wilayah> <isi "
         "laporan>, contoh: LAPOR 32.73 bentrok warga."},
        {"k-2", "LAPOR",
         "Isi laporan kosong. Format: LAPOR <kode wilayah> <isi laporan>, contoh: "
         "LAPOR 32.73 bentrok warga di pasar."},
        {"k-3", "   ",
         "Pesan kosong. Format: LAPOR <kode wilayah> <isi laporan>, contoh: LAPOR "
         "32.73 bentrok warga di pasar."},
        {"k-4", "info",
         "Format: LAPOR <kode wilayah> <isi laporan>, contoh: LAPOR 32.73 bentrok "
         "warga di pasar. Kode wilayah boleh dilewati."},
        {"k-5", "LAPOR 32.99 ribut",
         "Kode wilayah 32.99 tidak dikenal. Format: LAPOR <kode wilayah> <isi laporan>, contoh: "
         "LAPOR 32.73 bentrok warga."},
        {"k-6", "LAPOR 33.74 ribut di pasar",
         "Kode wilayah 33.74 di luar wilayah Anda. Kirim ulang dengan kode wilayah Anda atau tanpa "
         "kode."},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        json_t *v = send_msg(cases[i].id, PELAPOR_PHONE, cases[i].text, 200);
        assert_string_equal(jstr(v, "outcome"), "reply");
        if (!str_eq(jstr(v, "reply"), cases[i].reply))
            fail_msg("%s: reply '%s'", cases[i].text, jstr(v, "reply"));
        assert_true(json_is_null(json_object_get(v, "report_id")));
        json_decref(v);
    }
    assert_int_equal(count("SELECT COUNT(*) FROM reports"), reports);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_leads"), leads);
    /* A sender's number the gateway garbled: 400, nothing stored. */
    struct support_response r;
    assert_int_equal(post_signed("sms-test", secret,
                                 "{\"message_id\":\"k-7\",\"from\":\"12ab\",\"text\":\"x\"}", 0,
                                 NULL, &r),
                     400);
    support_response_free(&r);
    assert_int_equal(post_signed("sms-test", secret,
                                 "{\"message_id\":\"k-8\",\"from\":\"" PELAPOR_PHONE
                                 "\",\"text\":\"x\",\"extra\":1}",
                                 0, NULL, &r),
                     400);
    support_response_free(&r);
}

/* Phones through the API: set, shown to who may see the account, unique, cleared. */
static void test_user_phone_api(void **state)
{
    (void)state;
    json_t *v = as(BANDUNG, "POST", "/api/v1/users",
                   "{\"username\":\"pelapor2\",\"password\":\"rahasia-pelapor-2\","
                   "\"role\":\"pelapor\",\"region\":\"32.73\"}",
                   201);
    json_int_t id = jint(json_object_get(v, "user"), "id");
    assert_true(json_is_null(json_object_get(json_object_get(v, "user"), "phone")));
    json_decref(v);
    char *path = xasprintf("/api/v1/users/%lld", (long long)id);
    v = as(BANDUNG, "PATCH", path, "{\"phone\":\"0813 2222 3333\"}", 200);
    assert_string_equal(jstr(json_object_get(v, "user"), "phone"), "+6281322223333");
    json_decref(v);
    v = as(ADMIN, "GET", path, NULL, 200);
    assert_string_equal(jstr(json_object_get(v, "user"), "phone"), "+6281322223333");
    json_decref(v);
    /* the pelapor's number is taken; a bad number is refused */
    json_decref(as(BANDUNG, "PATCH", path, "{\"phone\":\"+62 812 3456 7890\"}", 409));
    json_decref(as(BANDUNG, "PATCH", path, "{\"phone\":\"12ab\"}", 400));
    json_decref(as(PELAPOR, "PATCH", path, "{\"phone\":\"081322223334\"}", 403));
    /* Its messages are reports now. */
    v = send_msg("p2-1", "6281322223333", "LAPOR 32.73 warga memblokir jalan menolak tambang", 201);
    json_decref(v);
    json_decref(as(BANDUNG, "PATCH", path, "{\"phone\":null}", 200));
    v = send_msg("p2-2", "6281322223333", "LAPOR 32.73 warga memblokir jalan lagi", 202);
    json_decref(v);
    free(path);
}

/* The channel's rate, and a disabled channel. */
static void test_rate_and_disabled(void **state)
{
    (void)state;
    struct support_response r;
    for (int i = 0; i < 3; i++) {
        char *body = xasprintf(
            "{\"message_id\":\"slow-%d\",\"from\":\"" PELAPOR_PHONE "\",\"text\":\"info\"}", i);
        long st = post_signed("slow", slow_secret, body, 0, NULL, &r);
        free(body);
        if (i < 2) {
            assert_int_equal(st, 200);
        } else {
            assert_int_equal(st, 429);
            char *retry = support_response_header(&r, "Retry-After");
            assert_non_null(retry);
            free(retry);
        }
        support_response_free(&r);
    }
    json_decref(as(JABAR, "PATCH", "/api/v1/intake-channels/slow", "{\"disabled\":true}", 403));
    json_t *v = as(ADMIN, "PATCH", "/api/v1/intake-channels/slow", "{\"disabled\":true}", 200);
    assert_true(json_is_true(json_object_get(json_object_get(v, "channel"), "disabled")));
    assert_null(json_object_get(v, "secret"));
    json_decref(v);
    assert_int_equal(post_signed("slow", slow_secret,
                                 "{\"message_id\":\"slow-9\",\"from\":\"" PELAPOR_PHONE
                                 "\",\"text\":\"info\"}",
                                 0, NULL, &r),
                     403);
    support_response_free(&r);
    /* Channels through the API: admin only, the secret shown once. */
    v = as(ADMIN, "POST", "/api/v1/intake-channels", "{\"name\":\"wa-jabar\"}", 201);
    assert_int_equal(strlen(jstr(v, "secret")), 64);
    json_decref(v);
    json_decref(as(ADMIN, "POST", "/api/v1/intake-channels", "{\"name\":\"wa-jabar\"}", 409));
    json_decref(as(ADMIN, "POST", "/api/v1/intake-channels", "{\"name\":\"Bad Name\"}", 400));
    json_decref(as(BANDUNG, "GET", "/api/v1/intake-channels", NULL, 403));
    v = as(ADMIN, "GET", "/api/v1/intake-channels", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "items")), 3);
    char *text = json_dumps(v, 0);
    assert_null(strstr(text, secret)); /* never the secret */
    free(text);
    json_decref(v);
}

/* The numbers and secrets at rest: sealed; with SQLite not as bytes in the file or its WAL. */
static void test_numbers_at_rest(void **state)
{
    (void)state;
    assert_int_equal(count("SELECT COUNT(*) FROM user_phones WHERE phone NOT LIKE 's1:%'"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_leads WHERE phone NOT LIKE 's1:%'"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM intake_channels WHERE secret NOT LIKE 's1:%'"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM phone_key WHERE key NOT LIKE 's1:%'"), 0);
    assert_true(count("SELECT COUNT(*) FROM intake_leads") > 0);
    if (testdb_pg())
        return;
    static const char *const files[] = {"", "-wal"};
    static const char *const needles[] = {"6281234567890", "81234567890", "628991112222",
                                          "8991112222", "6281322223333"};
    for (size_t f = 0; f < WSP_ARRAY_LEN(files); f++) {
        char *p = xasprintf("%s%s", db_path, files[f]);
        FILE *fp = fopen(p, "rb");
        free(p);
        if (!fp)
            continue;
        struct buf b;
        buf_init(&b, 0);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            buf_append(&b, chunk, n);
        fclose(fp);
        for (size_t i = 0; i < WSP_ARRAY_LEN(needles); i++)
            if (memmem(b.data, b.len, needles[i], strlen(needles[i])))
                fail_msg("'%s' in the database file%s", needles[i], files[f]);
        if (memmem(b.data, b.len, secret, strlen(secret)))
            fail_msg("the channel's secret in the database file%s", files[f]);
        buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_from_pelapor), cmocka_unit_test(test_bad_signature),
        cmocka_unit_test(test_stale_timestamp),     cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_unknown_sender_lead), cmocka_unit_test(test_keyword_errors),
        cmocka_unit_test(test_user_phone_api),      cmocka_unit_test(test_rate_and_disabled),
        cmocka_unit_test(test_numbers_at_rest),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
