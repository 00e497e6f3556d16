/*
 * Integration test of issue 14 (P3AKS): the services of a named child victim through the
 * real server on loopback, on either engine (make test / make test-pg).
 *
 * A case in Kota Bandung (32.73) with a named 12-year-old girl; a psychosocial need recorded,
 * referred to the UPTD PPA and received. The officers of the case's region read it (and every
 * read is audited, without names); the national desk, a reporter and an officer of another
 * region do not. The audit log holds no name, address or note.
 *
 * The public summary holds counts only (test_public_summary), and the victim's identity is
 * absent from the database file, its WAL and a backup (test_identity_at_rest).
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
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"

/* Distinctive strings: found anywhere, they are the victim's data leaking. */
#define VICTIM_NAME "Kirana Puspitasari Wulandaru"
#define VICTIM_ADDRESS "Gang Kenanga Tersembunyi 47 RT 09"
#define SERVICE_NOTE "Konseling ketiga dijadwalkan bersama ibunya"
#define PROVIDER "UPTD PPA Kota Bandung"

enum { ADMIN, PUSAT, JABAR, BANDUNG, PELAPOR, SEMARANG, NUSERS };
static const char *const users[NUSERS] = {"admin",   "pusat",   "jabar",
                                          "bandung", "pelapor", "semarang"};

static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static struct support_http clients[NUSERS];
static char csrf[NUSERS][65];

/* The objects the tests share: made by test_referral_received. */
static json_int_t case_id, victim_id, service_id;

/* ---- helpers ---------------------------------------------------------------------------- */

static long req(int i, const char *method, const char *path, const char *body, json_t **out)
{
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf[i]);
    const char *headers[] = {hdr, NULL};
    struct support_response r;
    long status = support_http(&clients[i], method, path, body, body ? strlen(body) : 0,
                               csrf[i][0] ? headers : NULL, &r);
    if (out)
        *out = r.body ? json_loads(r.body, 0, NULL) : NULL;
    support_response_free(&r);
    return status;
}

/* As user i; fails the test unless the status is expected; returns the JSON (or NULL). */
static json_t *as(int i, const char *method, const char *path, const char *body, long expect)
{
    json_t *v = NULL;
    long st = req(i, method, path, body, &v);
    if (st != expect) {
        char *dump = v ? json_dumps(v, 0) : NULL;
        fail_msg("%s %s %s: expected %ld, got %ld: %s", users[i], method, path, expect, st,
                 dump ? dump : "");
    }
    return v;
}

static json_int_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", k);
    return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", k);
    return json_string_value(v);
}

static void assert_null_field(json_t *o, const char *k)
{
    if (!json_is_null(json_object_get(o, k)))
        fail_msg("field '%s' is not null", k);
}

/* Fail when any of the victim's strings occurs in text. */
static void assert_no_personal(const char *text, const char *where)
{
    static const char *const secrets[] = {VICTIM_NAME, "Kirana",     VICTIM_ADDRESS,
                                          "Kenanga",   SERVICE_NOTE, "Konseling ketiga"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(secrets); i++)
        if (text && strstr(text, secrets[i]))
            fail_msg("'%s' found in %s", secrets[i], where);
}

static long login(int i)
{
    support_http_init(&clients[i], server.base_url);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[i],
                           i == SEMARANG ? "rahasia-semarang" : PW);
    csrf[i][0] = '\0';
    json_t *v = NULL;
    long st = req(i, "POST", "/api/v1/auth/login", body, &v);
    free(body);
    if (st == 200 && v)
        str_copy(csrf[i], json_string_value(json_object_get(v, "csrf_token")), 65);
    json_decref(v);
    return st;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "p3aks.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed: %s\n", r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    /* An officer of Kota Semarang (33.74, Jawa Tengah): another region. */
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

/* ---- the services of a named child victim ----------------------------------------------- */

/* The need's record as every reader must get it (received, not completed). */
static void assert_received(json_t *s)
{
    assert_int_equal(jint(s, "id"), service_id);
    assert_int_equal(jint(s, "victim_id"), victim_id);
    assert_string_equal(jstr(s, "type"), "psikososial");
    assert_string_equal(jstr(json_object_get(s, "type_label"), "id"), "Dukungan psikososial");
    assert_string_equal(jstr(json_object_get(s, "type_label"), "en"), "Psychosocial support");
    assert_string_equal(jstr(s, "status"), "diterima");
    assert_string_equal(jstr(s, "provider"), PROVIDER);
    assert_string_equal(jstr(s, "needed_on"), "2026-11-16");
    assert_string_equal(jstr(s, "referred_on"), "2026-11-17");
    assert_string_equal(jstr(s, "received_on"), "2026-11-24");
    assert_null_field(s, "completed_on");
    assert_null_field(s, "refused_on");
    assert_null_field(s, "refusal_reason");
    assert_string_equal(jstr(s, "note"), SERVICE_NOTE);
    assert_string_equal(jstr(s, "next_status"), "selesai");
    assert_true(json_is_false(json_object_get(s, "may_refuse")));
    assert_string_equal(jstr(s, "created_by"), "bandung");
}

static void test_referral_received(void **state)
{
    (void)state;
    json_t *v = as(BANDUNG, "POST", "/api/v1/cases",
                   "{\"title\":\"Perundungan anak pengungsi\",\"region\":\"32.73\","
                   "\"issue\":\"identitas\"}",
                   201);
    case_id = jint(json_object_get(v, "case"), "id");
    json_decref(v);
    char p[128];
    snprintf(p, sizeof(p), "/api/v1/cases/%lld/victims", (long long)case_id);
    v = as(BANDUNG, "PUT", p,
           "{\"counts\":{\"p\":{\"anak\":1}},\"people\":[{\"name\":\"" VICTIM_NAME "\","
           "\"sex\":\"p\",\"age\":12,\"address\":\"" VICTIM_ADDRESS "\","
           "\"condition\":\"trauma\"}]}",
           200);
    json_t *person = json_array_get(
        json_object_get(json_object_get(json_object_get(v, "case"), "victims"), "people"), 0);
    victim_id = jint(person, "id");
    assert_string_equal(jstr(person, "name"), VICTIM_NAME);
    assert_true(json_is_true(json_object_get(person, "woman_or_child")));
    assert_int_equal(json_array_size(json_object_get(person, "services")), 0);
    json_decref(v);

    /* the need, the referral, the receipt */
    snprintf(p, sizeof(p), "/api/v1/victims/%lld/services", (long long)victim_id);
    v = as(BANDUNG, "POST", p,
           "{\"type\":\"psikososial\",\"needed_on\":\"2026-11-16\",\"note\":\"" SERVICE_NOTE "\"}",
           201);
    json_t *s = json_object_get(v, "service");
    service_id = jint(s, "id");
    assert_string_equal(jstr(s, "status"), "dibutuhkan");
    assert_null_field(s, "provider");
    assert_string_equal(jstr(s, "next_status"), "dirujuk");
    assert_true(json_is_true(json_object_get(s, "may_refuse")));
    json_decref(v);
    snprintf(p, sizeof(p), "/api/v1/services/%lld", (long long)service_id);
    /* a referral needs its provider and its day; steps go one at a time */
    json_decref(as(BANDUNG, "PATCH", p, "{\"status\":\"dirujuk\",\"day\":\"2026-11-17\"}", 400));
    json_decref(
        as(BANDUNG, "PATCH", p, "{\"status\":\"dirujuk\",\"provider\":\"" PROVIDER "\"}", 400));
    json_decref(as(BANDUNG, "PATCH", p, "{\"status\":\"diterima\",\"day\":\"2026-11-17\"}", 409));
    v = as(BANDUNG, "PATCH", p,
           "{\"status\":\"dirujuk\",\"day\":\"2026-11-17\",\"provider\":\"" PROVIDER "\"}", 200);
    assert_string_equal(jstr(json_object_get(v, "service"), "status"), "dirujuk");
    json_decref(v);
    /* jabar, the province, may move it on too; the day may not come before the referral */
    json_decref(as(JABAR, "PATCH", p, "{\"status\":\"diterima\",\"day\":\"2026-11-10\"}", 400));
    v = as(JABAR, "PATCH", p, "{\"status\":\"diterima\",\"day\":\"2026-11-24\"}", 200);
    assert_string_equal(jstr(json_object_get(v, "service"), "status"), "diterima");
    json_decref(v);
    /* received: no refusal any more */
    json_decref(as(BANDUNG, "PATCH", p,
                   "{\"status\":\"ditolak\",\"day\":\"2026-11-25\",\"refusal_reason\":\"x\"}",
                   409));
}

/* The public figures of the region: counts only ("<3" for one victim), nothing of the victim,
 * the service's provider or the case; at once after the writes above. */
static void test_public_summary(void **state)
{
    (void)state;
    struct support_http c;
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    struct support_response r;
    assert_int_equal(
        support_http(&c, "GET", "/api/v1/public/p3aks?region=32.73", NULL, 0, NULL, &r), 200);
    json_t *v = json_loads(r.body, 0, NULL);
    assert_non_null(v);
    json_t *total = json_object_get(v, "total");
    assert_non_null(total);
    assert_string_equal(jstr(total, "women_children_victims"), "<3");
    assert_string_equal(jstr(total, "named_victims"), "<3");
    assert_string_equal(jstr(total, "with_need"), "<3");
    assert_string_equal(jstr(total, "all_needs_served"), "<3");
    assert_null_field(total, "median_days_to_receipt"); /* on one victim */
    assert_no_personal(r.body, "the public P3AKS figures");
    static const char *const never[] = {PROVIDER,  "UPTD",       "victim_id",
                                        "case_id", "service_id", "Perundungan"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(never); i++)
        if (strstr(r.body, never[i]))
            fail_msg("'%s' in the public figures", never[i]);
    json_decref(v);
    support_response_free(&r);
    support_http_cleanup(&c);
}

static void test_officer_reads(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof(p), "/api/v1/victims/%lld/services", (long long)victim_id);
    json_t *v = as(BANDUNG, "GET", p, NULL, 200);
    assert_int_equal(jint(v, "victim_id"), victim_id);
    assert_int_equal(jint(v, "case_id"), case_id);
    assert_int_equal(jint(v, "total"), 1);
    assert_int_equal(json_array_size(json_object_get(v, "items")), 1);
    assert_received(json_array_get(json_object_get(v, "items"), 0));
    json_decref(v);
    /* the same on the case page, under the victim */
    snprintf(p, sizeof(p), "/api/v1/cases/%lld", (long long)case_id);
    v = as(BANDUNG, "GET", p, NULL, 200);
    json_t *people =
        json_object_get(json_object_get(json_object_get(v, "case"), "victims"), "people");
    assert_int_equal(json_array_size(people), 1);
    json_t *services = json_object_get(json_array_get(people, 0), "services");
    assert_int_equal(json_array_size(services), 1);
    assert_received(json_array_get(services, 0));
    json_decref(v);

    /* each read is on record: who, which victim and services, and no name */
    snprintf(p, sizeof(p), "/api/v1/audit?action=victim.read&object_type=victim&object_id=%lld",
             (long long)victim_id);
    v = as(ADMIN, "GET", p, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    json_t *row = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(jstr(row, "username"), "bandung");
    json_t *after = json_object_get(row, "after");
    assert_int_equal(jint(after, "case_id"), case_id);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(after, "services"), 0)),
                     service_id);
    char *dump = json_dumps(v, 0);
    assert_no_personal(dump, "the audit of a read");
    free(dump);
    json_decref(v);
    snprintf(p, sizeof(p), "/api/v1/audit?action=victim.read&object_type=case&object_id=%lld",
             (long long)case_id);
    v = as(ADMIN, "GET", p, NULL, 200);
    /* the PUT's answer showed the victim, and so did the GET */
    assert_int_equal(jint(v, "total"), 2);
    row = json_array_get(json_object_get(v, "items"), 0);
    after = json_object_get(row, "after");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(after, "victims"), 0)),
                     victim_id);
    dump = json_dumps(v, 0);
    assert_no_personal(dump, "the audit of a case read");
    free(dump);
    json_decref(v);
}

static void test_others_refused(void **state)
{
    (void)state;
    char list[128], one[128];
    snprintf(list, sizeof(list), "/api/v1/victims/%lld/services", (long long)victim_id);
    snprintf(one, sizeof(one), "/api/v1/services/%lld", (long long)service_id);
    const char *step = "{\"status\":\"selesai\",\"day\":\"2026-11-30\"}";
    const char *need = "{\"type\":\"kesehatan\"}";
    static const int others[] = {PUSAT, PELAPOR, SEMARANG};
    int64_t reads = testdb_int(db_path, "SELECT count(*) FROM audit_log"
                                        " WHERE action = 'victim.read'");
    for (size_t i = 0; i < WSP_ARRAY_LEN(others); i++) {
        int u = others[i];
        json_t *v = NULL;
        long st = req(u, "GET", list, NULL, &v);
        if (st != 403 && st != 404)
            fail_msg("%s GET %s: %ld", users[u], list, st);
        char *dump = v ? json_dumps(v, 0) : NULL;
        assert_no_personal(dump, "a refusal");
        free(dump);
        json_decref(v);
        st = req(u, "PATCH", one, step, NULL);
        if (st != 403 && st != 404)
            fail_msg("%s PATCH %s: %ld", users[u], one, st);
        st = req(u, "POST", list, need, NULL);
        if (st != 403 && st != 404)
            fail_msg("%s POST %s: %ld", users[u], list, st);
    }
    /* the officer of the case without the CSRF token: refused too */
    struct support_response r;
    long st = support_http(&clients[BANDUNG], "PATCH", one, step, strlen(step), NULL, &r);
    support_response_free(&r);
    assert_int_equal(st, 403);
    st = support_http(&clients[BANDUNG], "POST", list, need, strlen(need), NULL, &r);
    support_response_free(&r);
    assert_int_equal(st, 403);
    /* pusat reads the case, not the victim */
    char p[128];
    snprintf(p, sizeof(p), "/api/v1/cases/%lld", (long long)case_id);
    json_t *v = as(PUSAT, "GET", p, NULL, 200);
    char *dump = json_dumps(v, 0);
    assert_no_personal(dump, "pusat's case");
    assert_null(strstr(dump, "psikososial"));
    free(dump);
    json_decref(v);
    json_decref(as(SEMARANG, "GET", p, NULL, 403));
    /* nothing was read, nothing changed */
    assert_int_equal(testdb_int(db_path, "SELECT count(*) FROM audit_log"
                                         " WHERE action = 'victim.read'"),
                     reads);
    v = as(BANDUNG, "GET", list, NULL, 200);
    json_t *s = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(jstr(s, "status"), "diterima");
    assert_int_equal(jint(v, "total"), 1);
    json_decref(v);
}

static void test_bad_input(void **state)
{
    (void)state;
    char list[128], one[128];
    snprintf(list, sizeof(list), "/api/v1/victims/%lld/services", (long long)victim_id);
    snprintf(one, sizeof(one), "/api/v1/services/%lld", (long long)service_id);
    json_t *v = as(BANDUNG, "POST", list, "{\"type\":\"psikologi\"}", 400);
    assert_non_null(
        strstr(jstr(json_object_get(v, "error"), "message"), "unknown service type 'psikologi'"));
    json_decref(v);
    json_decref(as(BANDUNG, "POST", list, "{}", 400));
    json_decref(
        as(BANDUNG, "POST", list, "{\"type\":\"kesehatan\",\"needed_on\":\"2026-13-01\"}", 400));
    json_decref(
        as(BANDUNG, "POST", list, "{\"type\":\"kesehatan\",\"needed_on\":\"2999-01-01\"}", 400));
    json_decref(as(BANDUNG, "POST", list, "{\"type\":\"kesehatan\",\"status\":\"diterima\"}", 400));
    json_decref(
        as(BANDUNG, "POST", "/api/v1/victims/999999/services", "{\"type\":\"lainnya\"}", 404));
    json_decref(as(BANDUNG, "GET", "/api/v1/victims/abc/services", NULL, 400));
    json_decref(as(BANDUNG, "PATCH", "/api/v1/services/999999", "{\"note\":\"x\"}", 404));
    json_decref(as(BANDUNG, "PATCH", one, "{\"colour\":\"red\"}", 400));
    json_decref(as(BANDUNG, "PATCH", one, "{\"day\":\"2026-11-30\"}", 400));
    json_decref(as(BANDUNG, "PATCH", one, "{\"status\":\"selesai\"}", 400));
    json_decref(as(BANDUNG, "PATCH", one, "{\"status\":\"selesai\",\"day\":\"2999-01-01\"}", 400));
    /* a refusal needs its reason; then it is final */
    v = as(BANDUNG, "POST", list, "{\"type\":\"rumah_aman\",\"needed_on\":\"2026-11-20\"}", 201);
    json_int_t sid = jint(json_object_get(v, "service"), "id");
    json_decref(v);
    char p[128];
    snprintf(p, sizeof(p), "/api/v1/services/%lld", (long long)sid);
    json_decref(as(BANDUNG, "PATCH", p, "{\"status\":\"ditolak\",\"day\":\"2026-11-21\"}", 400));
    v = as(BANDUNG, "PATCH", p,
           "{\"status\":\"ditolak\",\"day\":\"2026-11-21\",\"refusal_reason\":"
           "\"keluarga memilih tinggal bersama kerabat\"}",
           200);
    json_t *s = json_object_get(v, "service");
    assert_string_equal(jstr(s, "status"), "ditolak");
    assert_string_equal(jstr(s, "refused_on"), "2026-11-21");
    assert_string_equal(jstr(s, "refusal_reason"), "keluarga memilih tinggal bersama kerabat");
    assert_null_field(s, "next_status");
    json_decref(v);
    json_decref(as(BANDUNG, "PATCH", p, "{\"status\":\"dirujuk\",\"day\":\"2026-11-22\"}", 409));
}

/* Victims keep their records (and services) when the list is saved again; one left out goes
 * with its services. */
static void test_victims_keep_ids(void **state)
{
    (void)state;
    json_t *v = as(BANDUNG, "POST", "/api/v1/cases",
                   "{\"title\":\"Kasus kedua\",\"region\":\"32.73\",\"issue\":\"identitas\"}", 201);
    json_int_t cid = jint(json_object_get(v, "case"), "id");
    json_decref(v);
    char p[128], q[128];
    snprintf(p, sizeof(p), "/api/v1/cases/%lld/victims", (long long)cid);
    v = as(BANDUNG, "PUT", p, "{\"people\":[{\"name\":\"Korban Satu\",\"sex\":\"l\",\"age\":40}]}",
           200);
    json_int_t vid = jint(
        json_array_get(
            json_object_get(json_object_get(json_object_get(v, "case"), "victims"), "people"), 0),
        "id");
    json_decref(v);
    snprintf(q, sizeof(q), "/api/v1/victims/%lld/services", (long long)vid);
    json_decref(
        as(BANDUNG, "POST", q, "{\"type\":\"kesehatan\",\"needed_on\":\"2026-11-20\"}", 201));
    /* the same victim (by id), a changed condition, and a new one */
    char *body = xasprintf("{\"people\":[{\"id\":%lld,\"name\":\"Korban Satu\",\"sex\":\"l\","
                           "\"age\":40,\"condition\":\"dirawat\"},{\"name\":\"Korban Dua\"}]}",
                           (long long)vid);
    v = as(BANDUNG, "PUT", p, body, 200);
    free(body);
    json_t *people =
        json_object_get(json_object_get(json_object_get(v, "case"), "victims"), "people");
    assert_int_equal(json_array_size(people), 2);
    assert_int_equal(jint(json_array_get(people, 0), "id"), vid);
    assert_string_equal(jstr(json_array_get(people, 0), "condition"), "dirawat");
    assert_int_equal(json_array_size(json_object_get(json_array_get(people, 0), "services")), 1);
    json_int_t vid2 = jint(json_array_get(people, 1), "id");
    assert_true(vid2 != vid);
    json_decref(v);
    /* an id of another case's victim is refused, as is one given twice */
    body = xasprintf("{\"people\":[{\"id\":%lld,\"name\":\"X\"}]}", (long long)victim_id);
    json_decref(as(BANDUNG, "PUT", p, body, 400));
    free(body);
    body = xasprintf("{\"people\":[{\"id\":%lld,\"name\":\"X\"},{\"id\":%lld,\"name\":\"Y\"}]}",
                     (long long)vid, (long long)vid);
    json_decref(as(BANDUNG, "PUT", p, body, 400));
    free(body);
    /* leaving the first out deletes it and its services */
    body = xasprintf("{\"people\":[{\"id\":%lld,\"name\":\"Korban Dua\"}]}", (long long)vid2);
    json_decref(as(BANDUNG, "PUT", p, body, 200));
    free(body);
    json_decref(as(BANDUNG, "GET", q, NULL, 404));
    char *sql =
        xasprintf("SELECT count(*) FROM victim_services WHERE victim_id = %lld", (long long)vid);
    assert_int_equal(testdb_int(db_path, sql), 0);
    free(sql);
    /* the victim of the first case was not touched */
    snprintf(q, sizeof(q), "/api/v1/victims/%lld/services", (long long)victim_id);
    v = as(BANDUNG, "GET", q, NULL, 200);
    assert_int_equal(jint(v, "total"), 2);
    json_decref(v);
}

/* The audit rows of the services and victims hold no name, address or note: every row of
 * the log, as the database keeps it. */
static void test_audit_holds_no_personal_data(void **state)
{
    (void)state;
    assert_true(testdb_int(db_path, "SELECT count(*) FROM audit_log WHERE action = 'service.add'"
                                    " AND object_type = 'victim_service'") >= 3);
    assert_true(testdb_int(db_path, "SELECT count(*) FROM audit_log"
                                    " WHERE action = 'service.update'") >= 3);
    static const char *const like[] = {"%Kirana%", "%Kenanga%", "%Konseling ketiga%",
                                       "%keluarga memilih%", "%Korban Satu%"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(like); i++) {
        char *sql = xasprintf("SELECT count(*) FROM audit_log WHERE coalesce(before_json, '')"
                              " || coalesce(after_json, '') || coalesce(object_id, '') LIKE '%s'",
                              like[i]);
        int64_t n = testdb_int(db_path, sql);
        free(sql);
        if (n)
            fail_msg("%lld audit rows hold '%s'", (long long)n, like[i]);
    }
    /* what service.update keeps: type, status, provider, days */
    char *sql = xasprintf("SELECT after_json FROM audit_log WHERE action = 'service.update'"
                          " AND object_id = '%lld' ORDER BY id DESC LIMIT 1",
                          (long long)service_id);
    char *after = testdb_text(db_path, sql);
    free(sql);
    assert_string_equal(after, "{\"completed_on\":null,\"needed_on\":\"2026-11-16\","
                               "\"provider\":\"" PROVIDER "\",\"received_on\":\"2026-11-24\","
                               "\"referred_on\":\"2026-11-17\",\"refused_on\":null,"
                               "\"status\":\"diterima\",\"type\":\"psikososial\"}");
    free(after);
}

/* Whole file into *len bytes (may hold NULs); NULL when it cannot be read. */
static char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 1u << 30);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? b.data : xstrdup("");
}

/* Fail when a secret occurs as bytes in the file at path (a missing file holds none). */
static void assert_file_clean(const char *path, const char *what)
{
    size_t len = 0;
    char *bytes = read_bytes(path, &len);
    static const char *const secrets[] = {VICTIM_NAME, VICTIM_ADDRESS, SERVICE_NOTE};
    for (size_t i = 0; bytes && i < WSP_ARRAY_LEN(secrets); i++)
        if (memmem(bytes, len, secrets[i], strlen(secrets[i])))
            fail_msg("'%s' occurs in %s (%s)", secrets[i], what, path);
    free(bytes);
}

/* The victim's identity at rest (issue 14, item 4): once the database is sealed (a key and
 * its seal_state row), the name, the address and the note hold no plaintext in their columns
 * and, with SQLite, occur as bytes neither in the database file, nor its WAL, nor a
 * `waspada backup` file. Skipped while the database has no key (then personal fields are
 * stored as given). */
static void test_identity_at_rest(void **state)
{
    (void)state;
    if (testdb_int(db_path, "SELECT count(*) FROM seal_state") == 0) {
        fprintf(stderr, "the database is not sealed (no key): nothing to check at rest\n");
        skip();
    }
    assert_int_equal(testdb_int(db_path, "SELECT count(*) FROM case_victims WHERE name LIKE"
                                         " '%Kirana%' OR address LIKE '%Kenanga%'"),
                     0);
    assert_int_equal(testdb_int(db_path, "SELECT count(*) FROM victim_services"
                                         " WHERE note LIKE '%Konseling%'"),
                     0);
    if (testdb_pg())
        return; /* the files are the PostgreSQL server's */
    assert_file_clean(db_path, "the database file");
    char *wal = xasprintf("%s-wal", db_path);
    assert_file_clean(wal, "the WAL");
    free(wal);
    char *backup = support_path(tmpdir, "backup.db");
    const char *args[] = {"--db", db_path, "backup", backup, NULL};
    struct support_run r;
    int rc = support_run(&r, NULL, args);
    if (rc != 0)
        fail_msg("backup failed: %s", r.err);
    support_run_free(&r);
    assert_file_clean(backup, "the backup");
    free(backup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_referral_received),
        cmocka_unit_test(test_public_summary),
        cmocka_unit_test(test_officer_reads),
        cmocka_unit_test(test_others_refused),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_victims_keep_ids),
        cmocka_unit_test(test_audit_holds_no_personal_data),
        cmocka_unit_test(test_identity_at_rest),
    };
    return cmocka_run_group_tests_name("p3aks", tests, group_setup, group_teardown);
}
