/*
 * Integration tests of safe public spaces for women and children (issue 14, item 3): the real
 * server on a demo database (`waspada init --demo`), libcurl as the client, on SQLite or on
 * PostgreSQL (WASPADA_TEST_ENGINE=postgresql, testdb.h).
 *
 * Users: the demo's admin, pusat, jabar (provinsi 32), bandung (kabkota 32.73), pelapor
 * (32.73), and jakarta, an officer of a foreign province (provinsi 31) made here.
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
#include "../support/api_call.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define PW "waspada-demo"

enum { ADMIN, PUSAT, JABAR, BANDUNG, PELAPOR, JAKARTA, NUSERS };

static const char *const users[NUSERS] = {"admin",   "pusat",   "jabar",
                                          "bandung", "pelapor", "jakarta"};
static char *tmpdir, *db_path;
static struct support_server server;
static bool running;
static struct support_http clients[NUSERS];
static char csrf[NUSERS][65];
/* The demo's RAD P3AKS of Jawa Barat and its first action (flagged P3AKS); an action of Kota
 * Bandung's RAD PKS that is not a P3AKS action. */
static json_int_t rad_jabar, act_jabar, act_pks;

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *as(int u, const char *method, const char *path, const char *body, long expect)
{
    return support_api_call(&clients[u], method, path, body, csrf[u], expect, NULL);
}

/* The error message of a refused call. */
static void expect_error(int u, const char *method, const char *path, const char *body, long status,
                         const char *message)
{
    json_t *v = as(u, method, path, body, status);
    const char *m = json_string_value(json_object_get(json_object_get(v, "error"), "message"));
    if (!str_eq(m, message))
        fail_msg("%s %s %s: message '%s', want '%s'", users[u], method, path, m ? m : "", message);
    json_decref(v);
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

static void login(int u, const char *password)
{
    support_http_init(&clients[u], server.base_url);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", users[u], password);
    json_t *v = support_api_call(&clients[u], "POST", "/api/v1/auth/login", body, NULL, 200, NULL);
    free(body);
    str_copy(csrf[u], jstr(v, "csrf_token"), sizeof(csrf[u]));
    json_decref(v);
}

/* POST /spaces as u (201): the new space's id. */
static json_int_t add_space(int u, const char *body)
{
    json_t *v = as(u, "POST", "/api/v1/spaces", body, 201);
    json_int_t id = jint(json_object_get(v, "space"), "id");
    json_decref(v);
    return id;
}

static char *space_path(json_int_t id)
{
    return xasprintf("/api/v1/spaces/%lld", (long long)id);
}

/* Whether a list answer holds the space with this id. */
static bool lists(json_t *v, json_int_t id)
{
    json_t *items = json_object_get(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (jint(json_array_get(items, i), "id") == id)
            return true;
    return false;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "spaces.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed: %s\n", r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "3", "--login-max-failures", "50", NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    running = rc == 0;
    if (rc)
        return rc;
    for (int u = 0; u < JAKARTA; u++)
        login(u, PW);
    json_decref(as(ADMIN, "POST", "/api/v1/users",
                   "{\"username\":\"jakarta\",\"password\":\"rahasia-jakarta-31\","
                   "\"role\":\"provinsi\",\"region\":\"31\"}",
                   201));
    login(JAKARTA, "rahasia-jakarta-31");

    json_t *v = as(ADMIN, "GET", "/api/v1/rad?region=32&type=p3aks", NULL, 200);
    rad_jabar = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);
    char *path = xasprintf("/api/v1/rad/%lld", (long long)rad_jabar);
    v = as(ADMIN, "GET", path, NULL, 200);
    free(path);
    json_t *a0 = json_array_get(json_object_get(json_object_get(v, "rad"), "action_list"), 0);
    act_jabar = jint(a0, "id");
    assert_true(json_is_true(json_object_get(a0, "p3aks")));
    assert_string_equal(jstr(a0, "kegiatan"), "Sosialisasi pencegahan kekerasan");
    json_decref(v);
    v = as(ADMIN, "GET", "/api/v1/rad?region=32.73&type=pks", NULL, 200);
    json_int_t rad_bdg = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);
    path = xasprintf("/api/v1/rad/%lld", (long long)rad_bdg);
    v = as(ADMIN, "GET", path, NULL, 200);
    free(path);
    act_pks =
        jint(json_array_get(json_object_get(json_object_get(v, "rad"), "action_list"), 0), "id");
    json_decref(v);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int u = 0; u < NUSERS; u++)
        support_http_cleanup(&clients[u]);
    int rc = running && support_server_stop(&server) != 0 ? -1 : 0;
    if (rc || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_add_read_update_delete(void **state)
{
    (void)state;
    char *body = xasprintf(
        "{\"region\":\"32.73\",\"village\":\"32.73.01.1002\",\"name\":\"RBRA Gegerkalong\","
        "\"kind\":\"ruang_bermain_ramah_anak\",\"status\":\"aktif\",\"action_id\":%lld,"
        "\"latitude\":-6.8705,\"longitude\":107.5862,\"notes\":\"Dikelola kader PKK\"}",
        (long long)act_jabar);
    json_t *v = as(BANDUNG, "POST", "/api/v1/spaces", body, 201);
    free(body);
    json_t *sp = json_object_get(v, "space");
    json_int_t id = jint(sp, "id");
    assert_string_equal(jstr(sp, "region"), "32.73");
    assert_string_equal(jstr(sp, "region_name"), "Kota Bandung");
    assert_string_equal(jstr(sp, "village"), "32.73.01.1002");
    assert_string_equal(jstr(sp, "village_name"), "Gegerkalong");
    assert_string_equal(jstr(sp, "name"), "RBRA Gegerkalong");
    assert_string_equal(jstr(sp, "kind"), "ruang_bermain_ramah_anak");
    assert_string_equal(jstr(json_object_get(sp, "kind_label"), "id"), "Ruang bermain ramah anak");
    assert_string_equal(jstr(json_object_get(sp, "kind_label"), "en"), "Child-friendly playground");
    assert_string_equal(jstr(sp, "status"), "aktif");
    assert_string_equal(jstr(json_object_get(sp, "status_label"), "id"), "Aktif");
    assert_true(json_real_value(json_object_get(sp, "latitude")) == -6.8705);
    assert_true(json_real_value(json_object_get(sp, "longitude")) == 107.5862);
    assert_string_equal(jstr(sp, "notes"), "Dikelola kader PKK");
    assert_int_equal(jint(sp, "action_id"), act_jabar);
    json_t *act = json_object_get(sp, "action");
    assert_int_equal(jint(act, "id"), act_jabar);
    assert_string_equal(jstr(act, "kegiatan"), "Sosialisasi pencegahan kekerasan");
    assert_int_equal(jint(act, "rad_id"), rad_jabar);
    assert_string_equal(jstr(act, "rad_region"), "32");
    assert_string_equal(jstr(act, "rad_type"), "p3aks");
    assert_true(json_is_true(json_object_get(sp, "may_edit")));
    json_decref(v);

    /* every signed-in role reads it inside its scope; only writers see may_edit */
    char *path = space_path(id);
    for (int u = ADMIN; u <= PELAPOR; u++) {
        v = as(u, "GET", path, NULL, 200);
        bool edit = json_is_true(json_object_get(json_object_get(v, "space"), "may_edit"));
        assert_int_equal(edit, u == ADMIN || u == JABAR || u == BANDUNG);
        json_decref(v);
    }
    /* the plan view: the spaces of the province's RAD P3AKS, and of its action */
    char *q = xasprintf("/api/v1/spaces?rad_id=%lld", (long long)rad_jabar);
    v = as(JABAR, "GET", q, NULL, 200);
    free(q);
    assert_true(lists(v, id));
    json_decref(v);
    q = xasprintf("/api/v1/spaces?action_id=%lld&status=aktif&kind=ruang_bermain_ramah_anak",
                  (long long)act_jabar);
    v = as(PUSAT, "GET", q, NULL, 200);
    free(q);
    assert_true(lists(v, id));
    json_decref(v);
    v = as(BANDUNG, "GET", "/api/v1/spaces?region=32.73.01&status=direncanakan", NULL, 200);
    assert_false(lists(v, id));
    json_decref(v);

    /* the province's officer changes it (inside its scope); null clears */
    v = as(JABAR, "PATCH", path,
           "{\"status\":\"tidak_aktif\",\"notes\":null,\"latitude\":null,\"longitude\":null,"
           "\"action_id\":null}",
           200);
    sp = json_object_get(v, "space");
    assert_string_equal(jstr(sp, "status"), "tidak_aktif");
    assert_string_equal(jstr(sp, "name"), "RBRA Gegerkalong");
    assert_string_equal(jstr(sp, "village"), "32.73.01.1002");
    assert_true(json_is_null(json_object_get(sp, "notes")));
    assert_true(json_is_null(json_object_get(sp, "latitude")));
    assert_true(json_is_null(json_object_get(sp, "action")));
    json_decref(v);

    /* the audit log has each write */
    v = as(ADMIN, "GET", "/api/v1/audit?action=space.update", NULL, 200);
    json_t *row = json_array_get(json_object_get(v, "items"), 0);
    assert_non_null(row);
    assert_string_equal(jstr(row, "username"), "jabar");
    json_decref(v);

    json_decref(as(ADMIN, "DELETE", path, NULL, 200));
    json_decref(as(ADMIN, "GET", path, NULL, 404));
    free(path);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *post = "/api/v1/spaces";
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"kolam\"}", 400,
                 "unknown space kind 'kolam' (ruang_bermain_ramah_anak, taman, "
                 "pusat_pembelajaran_keluarga, pos_pelayanan, balai_warga, rumah_ibadah, sekolah, "
                 "lainnya)");
    expect_error(BANDUNG, "POST", post, "{\"region\":\"32.73\",\"kind\":\"taman\"}", 400,
                 "missing field 'name'");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\",\"status\":\"buka\"}",
                 400, "unknown space status 'buka' (direncanakan, aktif, tidak_aktif)");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"village\":\"32.04.05.2001\"}",
                 400, "village '32.04.05.2001' is not inside region '32.73'");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"village\":\"32.73.01\"}",
                 400, "'32.73.01' is a district, not a village (desa/kelurahan)");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"village\":\"32.73.01.9999\"}",
                 400, "unknown village '32.73.01.9999'");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"latitude\":-6.9}",
                 400, "give 'latitude' and 'longitude' together (or both null)");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"latitude\":6.9,\"longitude\":107.6}",
                 400,
                 "coordinates 6.9, 107.6 are outside Indonesia (latitude -11.5..6.5, longitude "
                 "94.5..141.5): swapped?");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"latitude\":107.6,\"longitude\":-6.9}",
                 400, "field 'latitude' must be a number from -90 to 90");
    expect_error(BANDUNG, "POST", post,
                 "{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\","
                 "\"action_id\":99999}",
                 400, "unknown action 99999");
    char *body =
        xasprintf("{\"region\":\"32.73\",\"name\":\"Taman\",\"kind\":\"taman\",\"action_id\":%lld}",
                  (long long)act_pks);
    char *msg = xasprintf("action %lld is not a P3AKS action", (long long)act_pks);
    expect_error(BANDUNG, "POST", post, body, 400, msg);
    free(body);
    free(msg);
    expect_error(ADMIN, "POST", post,
                 "{\"region\":\"32.99\",\"name\":\"Taman\",\"kind\":\"taman\"}", 400,
                 "unknown region '32.99'");
    expect_error(ADMIN, "POST", post,
                 "{\"region\":\"32.73.01\",\"name\":\"Taman\",\"kind\":\"taman\"}", 400,
                 "region '32.73.01' is not a province or regency code");
    /* a space stays with its region */
    json_int_t id = add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Taman Isola\","
                                       "\"kind\":\"taman\",\"village\":\"32.73.01.1003\"}");
    char *path = space_path(id);
    expect_error(JABAR, "PATCH", path, "{\"region\":\"32\"}", 400,
                 "a space stays with the plan of region '32.73': 'region' cannot change");
    expect_error(JABAR, "PATCH", path, "{\"status\":null}", 400, "field 'status' must not be null");
    json_decref(as(JABAR, "PATCH", path, "{\"region\":\"32.73\",\"kind\":\"balai_warga\"}", 200));
    free(path);
    /* list parameters */
    expect_error(ADMIN, "GET", "/api/v1/spaces?limit=501", NULL, 400,
                 "'limit' must be an integer from 1 to 500");
    expect_error(ADMIN, "GET", "/api/v1/spaces?status=buka", NULL, 400,
                 "unknown space status 'buka' (direncanakan, aktif, tidak_aktif)");
    expect_error(ADMIN, "GET", "/api/v1/spaces?region=99", NULL, 400, "unknown region '99'");
    expect_error(ADMIN, "GET", "/api/v1/spaces?action_id=x", NULL, 400,
                 "'action_id' must be an integer from 1");
    expect_error(ADMIN, "GET", "/api/v1/spaces/abc", NULL, 400,
                 "space id must be a positive integer");
}

static void test_scope(void **state)
{
    (void)state;
    json_int_t id = add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Pos Sukarasa\","
                                       "\"kind\":\"pos_pelayanan\",\"village\":\"32.73.01.1001\"}");
    char *path = space_path(id);
    char *outside = xasprintf("space %lld is outside your scope", (long long)id);
    const char *patch = "{\"status\":\"aktif\"}";
    const char *in_bandung = "{\"region\":\"32.73\",\"name\":\"Taman X\",\"kind\":\"taman\"}";

    /* an officer of a foreign province neither reads nor writes it */
    expect_error(JAKARTA, "GET", path, NULL, 403, outside);
    expect_error(JAKARTA, "PATCH", path, patch, 403, outside);
    expect_error(JAKARTA, "DELETE", path, NULL, 403, outside);
    expect_error(JAKARTA, "POST", "/api/v1/spaces", in_bandung, 403,
                 "region '32.73' is outside your scope");
    expect_error(JAKARTA, "GET", "/api/v1/spaces?region=32.73", NULL, 403,
                 "region '32.73' is outside your scope");
    json_t *v = as(JAKARTA, "GET", "/api/v1/spaces", NULL, 200);
    assert_false(lists(v, id));
    assert_int_equal(jint(v, "count"), 0);
    json_decref(v);

    /* pelapor and pusat read but never write */
    const char *no = "safe spaces are registered by admin and the regions' officers";
    json_decref(as(PELAPOR, "GET", path, NULL, 200));
    v = as(PELAPOR, "GET", "/api/v1/spaces", NULL, 200);
    assert_true(lists(v, id));
    json_decref(v);
    expect_error(PELAPOR, "POST", "/api/v1/spaces", in_bandung, 403, no);
    expect_error(PELAPOR, "PATCH", path, patch, 403, no);
    expect_error(PELAPOR, "DELETE", path, NULL, 403, no);
    expect_error(PUSAT, "POST", "/api/v1/spaces", in_bandung, 403, no);
    expect_error(PUSAT, "PATCH", path, patch, 403, no);

    /* a regency's officer does not write its province's spaces; the province writes its
     * regencies' */
    expect_error(BANDUNG, "POST", "/api/v1/spaces",
                 "{\"region\":\"32\",\"name\":\"Taman Provinsi\",\"kind\":\"taman\"}", 403,
                 "region '32' is outside your scope");
    json_int_t mine = add_space(JABAR, in_bandung);
    char *mpath = space_path(mine);
    json_decref(as(BANDUNG, "PATCH", mpath, patch, 200));
    json_decref(as(JABAR, "DELETE", mpath, NULL, 200));
    free(mpath);

    /* nobody signed in: 401 */
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    json_decref(support_api_call(&anon, "GET", "/api/v1/spaces", NULL, NULL, 401, NULL));
    json_decref(support_api_call(&anon, "GET", path, NULL, NULL, 401, NULL));
    support_http_cleanup(&anon);
    free(outside);
    free(path);
}

/* The public item named name, or NULL. */
static json_t *public_item(json_t *v, const char *name)
{
    json_t *items = json_object_get(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (str_eq(jstr(json_array_get(items, i), "name"), name))
            return json_array_get(items, i);
    return NULL;
}

static json_t *public_get(void)
{
    struct support_http anon;
    support_http_init(&anon, server.base_url);
    json_t *v = support_api_call(&anon, "GET", "/api/v1/public/spaces", NULL, NULL, 200, NULL);
    support_http_cleanup(&anon);
    return v;
}

static void test_public(void **state)
{
    (void)state;
    add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Taman Cipaganti\",\"kind\":\"taman\","
                       "\"status\":\"aktif\",\"village\":\"32.73.02.1001\",\"latitude\":-6.8930,"
                       "\"longitude\":107.6040,\"notes\":\"catatan-internal-petugas\"}");
    add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Puspaga Lebak Gede\","
                       "\"kind\":\"pusat_pembelajaran_keluarga\",\"status\":\"aktif\","
                       "\"village\":\"32.73.02.1002\"}");
    json_int_t planned =
        add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Taman Rencana Sadang\","
                           "\"kind\":\"taman\",\"village\":\"32.73.02.1003\"}");
    add_space(BANDUNG, "{\"region\":\"32.73\",\"name\":\"Balai Tutup\",\"kind\":\"balai_warga\","
                       "\"status\":\"tidak_aktif\"}");

    struct support_http anon;
    support_http_init(&anon, server.base_url);
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/public/spaces", NULL, 0, NULL, &r), 200);
    /* neither notes nor spaces that are not open */
    assert_null(strstr(r.body, "catatan-internal-petugas"));
    assert_null(strstr(r.body, "\"notes\""));
    assert_null(strstr(r.body, "Taman Rencana Sadang"));
    assert_null(strstr(r.body, "Balai Tutup"));
    char *cc = support_response_header(&r, "Cache-Control");
    assert_string_equal(cc, "public, max-age=30");
    free(cc);
    support_response_free(&r);
    support_http_cleanup(&anon);

    json_t *v = public_get();
    json_t *it = public_item(v, "Taman Cipaganti");
    assert_non_null(it);
    assert_int_equal(json_object_size(it), 10);
    assert_string_equal(jstr(it, "kind"), "taman");
    assert_string_equal(jstr(json_object_get(it, "kind_label"), "en"), "Park");
    assert_string_equal(jstr(it, "village"), "Cipaganti");
    assert_string_equal(jstr(it, "regency_code"), "32.73");
    assert_string_equal(jstr(it, "regency"), "Kota Bandung");
    assert_string_equal(jstr(it, "province"), "Jawa Barat");
    assert_true(json_real_value(json_object_get(it, "latitude")) == -6.8930);
    assert_true(json_real_value(json_object_get(it, "longitude")) == 107.6040);
    assert_string_equal(jstr(it, "location"), "exact");
    /* without coordinates: the centroid of its regency */
    it = public_item(v, "Puspaga Lebak Gede");
    assert_non_null(it);
    assert_string_equal(jstr(it, "location"), "regency");
    assert_true(json_real_value(json_object_get(it, "latitude")) == -6.91924);
    assert_true(json_real_value(json_object_get(it, "longitude")) == 107.6366);
    json_int_t total = jint(v, "total");
    assert_int_equal(json_array_size(json_object_get(v, "items")), (size_t)total);
    json_int_t taman = jint(json_object_get(v, "by_kind"), "taman");
    assert_true(taman >= 1);
    json_decref(v);

    /* opened: shown at once (this server's write moves the cached answer's version) */
    char *path = space_path(planned);
    json_decref(as(BANDUNG, "PATCH", path, "{\"status\":\"aktif\"}", 200));
    v = public_get();
    assert_non_null(public_item(v, "Taman Rencana Sadang"));
    assert_int_equal(jint(v, "total"), total + 1);
    assert_int_equal(jint(json_object_get(v, "by_kind"), "taman"), taman + 1);
    json_decref(v);
    json_decref(as(BANDUNG, "DELETE", path, NULL, 200));
    v = public_get();
    assert_null(public_item(v, "Taman Rencana Sadang"));
    json_decref(v);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_read_update_delete),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_public),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
