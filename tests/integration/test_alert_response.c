/*
 * Integration tests of alert -> response (issue 16, item 1) in the real server, on SQLite and
 * (make test-pg) PostgreSQL: approved RAD actions of Kota Bandung (32.73) and Jawa Barat (32)
 * of this year, an event with a death in Kota Bandung (verified, women and children among the
 * victims) that the engine turns into a siaga alert; the alert's suggested actions with exact
 * ids, order, phase and reason (a theme of its category's SNPK issue, the province's action
 * naming the category, a P3AKS action, the general focus, an action of the phase alone;
 * another theme and another phase left out) and this period's progress; a response recorded
 * by the regency's officer (refused for a pelapor, for a Semarang officer, without the CSRF
 * token, for an action of no plan of the region), which acknowledges the alert and shows in
 * its history, its audit row and the compliance view (answered within 24 h); a second alert
 * in Kabupaten Bandung (32.04) acknowledged without a response escalates to the province and
 * the nation (escalation after 6 and 7 s), while the answered one never does; the webhook
 * payload (signed) carries the suggested actions.
 *
 * Accounts: admin, jabar, bandung, pelapor (demo accounts); added: semarang (kabkota 33.74).
 * Tests run in order and build on each other.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "store/store.h"
#include "../support/support.h"
#include "../support/testdb.h"
#include "../support/api_call.h"

#define DEMO_PASSWORD "waspada-demo"
#define HOOK_SECRET "rahasia-respons"

static char *tmpdir, *db_path;
static struct support_server server;
static bool server_running;
static struct support_http admin, bandung, pelapor, semarang, jabar;
static char admin_csrf[65], bandung_csrf[65], pelapor_csrf[65], semarang_csrf[65], jabar_csrf[65];
static char today[16];
static int year;
/* actions: a[] of Kota Bandung's plan, b[] of Jawa Barat's, c1 of Jawa Barat's P3AKS plan */
static json_int_t a[6], b[3], c1;
static json_int_t alert_id, alert2_id;

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *api(struct support_http *c, const char *method, const char *path, const char *body,
                   const char *csrf, long expect_status)
{
    return support_api_call(c, method, path, body, csrf, expect_status, NULL);
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", key);
    return json_string_value(v);
}

static void login(struct support_http *c, const char *user, char *csrf)
{
    support_api_login(c, server.base_url, user, DEMO_PASSWORD, csrf);
}

/* POST path as admin; the id of the object under key. */
static json_int_t create(const char *path, const char *body, const char *key)
{
    json_t *v = api(&admin, "POST", path, body, admin_csrf, 201);
    json_int_t id = jint(json_object_get(v, key), "id");
    json_decref(v);
    return id;
}

/* An approved plan of region and type with the given actions (JSON objects); ids to out. */
static void approved_plan(const char *region, const char *type, const char *const *actions,
                          size_t n, json_int_t *out)
{
    char *body = xasprintf("{\"region\":\"%s\",\"year\":%d,\"type\":\"%s\",\"title\":\"RAD %s\"}",
                           region, year, type, region);
    json_int_t rad = create("/api/v1/rad", body, "rad");
    free(body);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/rad/%lld/actions", (long long)rad);
    for (size_t i = 0; i < n; i++)
        out[i] = create(path, actions[i], "action");
    snprintf(path, sizeof(path), "/api/v1/rad/%lld/submit", (long long)rad);
    json_decref(api(&admin, "POST", path, NULL, admin_csrf, 200));
    snprintf(path, sizeof(path), "/api/v1/rad/%lld/approve", (long long)rad);
    json_decref(api(&admin, "POST", path, NULL, admin_csrf, 200));
}

/* An event as `waspada ingest` or an officer's verification leaves it: written by another
 * process, which the server's engine follows. */
static void write_event(const char *regency, const char *category, bool women_children)
{
    struct store *s = NULL;
    struct error err = {0};
    if (store_open(&s, db_path, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    char province[4];
    memcpy(province, regency, 2);
    province[2] = '\0';
    struct store_event e = {.category = category,
                            .province_code = province,
                            .regency_code = regency,
                            .event_date = today,
                            .killed = 1,
                            .injured = 2,
                            .women_children_victims = women_children,
                            .confidence = 0.9,
                            .status = "terverifikasi"};
    struct store_actor actor = {0, "cli", NULL};
    int64_t id = 0;
    if (store_event_create(s, &e, 0, &actor, &id, &err) != 0)
        fail_msg("store_event_create: %s", err.msg);
    store_close(s);
}

/* The newest alert of region (exact code), waiting up to ms; 0 when none came. */
static json_int_t wait_alert(const char *region, long ms)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts?region=%s&status=&limit=50", region);
    int64_t t0 = time_mono_ms();
    do {
        json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
        json_int_t id = 0;
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(v, "items"), i, it)
        {
            if (!id && strcmp(jstr(it, "region_code"), region) == 0)
                id = jint(it, "id");
        }
        json_decref(v);
        if (id)
            return id;
        usleep(50 * 1000);
    } while (time_mono_ms() - t0 < ms);
    return 0;
}

static json_t *alert_get(struct support_http *c, json_int_t id, long expect)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)id);
    return api(c, "GET", path, NULL, NULL, expect);
}

/* ---- webhook receiver ----------------------------------------------------------------------- */

struct hook_req {
    struct buf body;
};

static struct {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int bad_signatures;
    char *opened; /* the body of the first alert.opened */
} rx;

static bool signature_ok(const char *sig, const char *body, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)HOOK_SECRET, strlen(HOOK_SECRET));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&h, mac);
    char want[80] = "sha256=";
    sodium_bin2hex(want + 7, 65, mac, sizeof(mac));
    return sig && strcmp(sig, want) == 0;
}

static enum MHD_Result hook_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    WSP_UNUSED(cls);
    WSP_UNUSED(url);
    WSP_UNUSED(method);
    WSP_UNUSED(version);
    struct hook_req *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof(*r));
        buf_init(&r->body, 0);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_data_size) {
        buf_append(&r->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Waspada-Signature");
    const char *ev = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Waspada-Event");
    pthread_mutex_lock(&rx.mu);
    if (!signature_ok(sig, buf_cstr(&r->body), r->body.len))
        rx.bad_signatures++;
    else if (ev && strcmp(ev, "alert.opened") == 0 && !rx.opened)
        rx.opened = xstrdup(buf_cstr(&r->body));
    pthread_mutex_unlock(&rx.mu);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    buf_release(&r->body);
    free(r);
    *con_cls = NULL;
    return ret;
}

static int receiver_start(void)
{
    pthread_mutex_init(&rx.mu, NULL);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rx.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, hook_handler, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_END);
    if (!rx.d)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t len = sizeof(got);
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&got, &len) != 0)
        return -1;
    rx.port = ntohs(got.sin_port);
    return 0;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    setenv("WASPADA_ESCALATE_PROVINCE_AFTER", "6", 1);
    setenv("WASPADA_ESCALATE_NATIONAL_AFTER", "7", 1);
    if (sodium_init() < 0 || receiver_start() != 0)
        return -1;
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo-accounts", NULL};
    int rc = support_run(&r, NULL, init);
    support_run_free(&r);
    const char *add[] = {"--db",   db_path,   "user",     "add",   "--username",       "semarang",
                         "--role", "kabkota", "--region", "33.74", "--password-stdin", NULL};
    if (rc == 0)
        rc = support_run(&r, DEMO_PASSWORD "\n", add);
    if (rc == 0)
        support_run_free(&r);
    if (rc != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", NULL};
    rc = support_server_start(&server, db_path, extra, log);
    free(log);
    server_running = rc == 0;
    char iso[32];
    time_format_iso(time(NULL), iso, sizeof(iso));
    memcpy(today, iso, 10);
    long y = 0;
    char ys[8];
    memcpy(ys, today, 4);
    ys[4] = '\0';
    if (str_to_long(ys, 2000, 2200, &y) != 0)
        return -1;
    year = (int)y;
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    support_http_cleanup(&admin);
    support_http_cleanup(&bandung);
    support_http_cleanup(&pelapor);
    support_http_cleanup(&semarang);
    support_http_cleanup(&jabar);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (rx.d)
        MHD_stop_daemon(rx.d);
    free(rx.opened);
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- tests ------------------------------------------------------------------------------ */

#define ACT(phase, kegiatan, opd, focus, p3aks)                                                    \
    "{\"phase\":\"" phase "\",\"program\":\"Program\",\"kegiatan\":\"" kegiatan                    \
    "\",\"opd\":\"" opd "\",\"focus\":\"" focus "\",\"p3aks\":" p3aks "}"

static void test_suggestions(void **state)
{
    WSP_UNUSED(state);
    login(&admin, "admin", admin_csrf);
    login(&bandung, "bandung", bandung_csrf);
    login(&pelapor, "pelapor", pelapor_csrf);
    login(&semarang, "semarang", semarang_csrf);
    login(&jabar, "jabar", jabar_csrf);

    /* A webhook for Jawa Barat's alerts, to the receiver. */
    char *body = xasprintf("{\"url\":\"http://127.0.0.1:%u/hook\",\"secret\":\"%s\","
                           "\"region_prefix\":\"32\",\"min_level\":\"waspada\"}",
                           rx.port, HOOK_SECRET);
    json_decref(api(&admin, "POST", "/api/v1/webhooks", body, admin_csrf, 201));
    free(body);

    const char *kota[] = {
        ACT("pencegahan", "Patroli dialogis", "Satpol PP", "potensi_konflik", "false"),
        ACT("pencegahan", "Dialog tokoh lintas kelompok", "Badan Kesbangpol", "identitas", "false"),
        ACT("pencegahan", "Mediasi sengketa lahan", "Dinas Pertanahan", "sumber_daya", "false"),
        ACT("penghentian", "Pengamanan lokasi", "Satpol PP", "konflik_faktual", "false"),
        ACT("pencegahan", "Posko pengaduan", "Dinas Sosial", "konflik_faktual", "false"),
        ACT("pemulihan", "Rehabilitasi rumah", "Dinas Perkim", "konflik_faktual", "false"),
    };
    approved_plan("32.73", "pks", kota, 6, a);
    const char *prov[] = {
        ACT("pencegahan", "Pemetaan wilayah rawan", "Badan Kesbangpol", "potensi_konflik", "false"),
        ACT("pencegahan", "Rapat koordinasi FKUB", "Kanwil Kemenag", "inter_group_clash", "false"),
        ACT("pencegahan", "Sosialisasi pilkada damai", "KPU", "pemilihan_jabatan", "false"),
    };
    approved_plan("32", "pks", prov, 3, b);
    const char *p3[] = {
        ACT("pencegahan", "Pendampingan perempuan dan anak", "DP3A", "potensi_konflik", "true"),
    };
    approved_plan("32", "p3aks", p3, 1, &c1);
    write_event("32.73", "inter_group_clash", true);
    alert_id = wait_alert("32.73", 5000);
    assert_true(alert_id > 0);
    json_t *v = alert_get(&bandung, alert_id, 200);
    assert_string_equal(jstr(v, "max_level"), "siaga");
    assert_string_equal(jstr(v, "response_phase"), "pencegahan");
    assert_true(json_is_false(json_object_get(v, "status_keadaan_konflik")));
    assert_true(json_is_null(json_object_get(v, "responded_at")));
    json_t *s = json_object_get(v, "suggested_actions");
    /* theme (own region), theme (province: the category), P3AKS with women and children,
     * general focus (own, then province), the phase alone; sumber_daya, pemilihan_jabatan,
     * penghentian and pemulihan left out */
    json_int_t want[] = {a[1], b[1], c1, a[0], b[0], a[4]};
    const char *fit[] = {"tema", "tema", "p3aks", "fokus", "fokus", "fase"};
    int score[] = {4, 4, 3, 1, 1, 0};
    assert_int_equal(json_array_size(s), WSP_ARRAY_LEN(want));
    for (size_t i = 0; i < WSP_ARRAY_LEN(want); i++) {
        json_t *x = json_array_get(s, i);
        assert_int_equal(jint(x, "action_id"), want[i]);
        assert_string_equal(jstr(x, "phase"), "pencegahan");
        assert_string_equal(jstr(x, "fit"), fit[i]);
        assert_int_equal(jint(x, "score"), score[i]);
        assert_int_equal(jint(x, "rad_year"), year);
        json_t *p = json_object_get(x, "progress");
        assert_true(json_is_string(json_object_get(p, "period")));
        assert_true(json_is_false(json_object_get(p, "reported")));
        assert_true(json_is_null(json_object_get(p, "last_period")));
    }
    assert_string_equal(jstr(json_array_get(s, 0), "opd"), "Badan Kesbangpol");
    assert_string_equal(jstr(json_array_get(s, 0), "rad_region"), "32.73");
    assert_string_equal(jstr(json_array_get(s, 1), "rad_region"), "32");
    assert_string_equal(jstr(json_array_get(s, 2), "plan_type"), "p3aks");
    assert_int_equal(json_array_size(json_object_get(v, "responses")), 0);
    /* this period's progress of the first: reported once its officer reports it */
    char period[16], path[96];
    str_copy(period, jstr(json_object_get(json_array_get(s, 0), "progress"), "period"),
             sizeof(period));
    json_decref(v);
    snprintf(path, sizeof(path), "/api/v1/actions/%lld/progress", (long long)a[1]);
    body = xasprintf("{\"period\":\"%s\",\"physical_pct\":40}", period);
    json_decref(api(&bandung, "POST", path, body, bandung_csrf, 201));
    free(body);
    v = alert_get(&bandung, alert_id, 200);
    json_t *p0 =
        json_object_get(json_array_get(json_object_get(v, "suggested_actions"), 0), "progress");
    assert_true(json_is_true(json_object_get(p0, "reported")));
    assert_true(json_real_value(json_object_get(p0, "physical_pct")) == 40.0);
    assert_string_equal(jstr(p0, "last_period"), period);
    json_decref(v);
    /* the province's officer sees the same alert and list */
    v = alert_get(&jabar, alert_id, 200);
    assert_int_equal(json_array_size(json_object_get(v, "suggested_actions")), 6);
    json_decref(v);
    /* pelapor: no alerts; Semarang: not its region */
    json_decref(alert_get(&pelapor, alert_id, 403));
    json_decref(alert_get(&semarang, alert_id, 404));
}

static void test_record_response(void **state)
{
    WSP_UNUSED(state);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/responses", (long long)alert_id);
    char *body = xasprintf("{\"action_ids\":[%lld,%lld],\"note\":\"Dialog digelar di kelurahan; "
                           "FKUB mendampingi\"}",
                           (long long)a[1], (long long)b[1]);
    json_decref(api(&pelapor, "POST", path, body, pelapor_csrf, 403));
    json_decref(api(&semarang, "POST", path, body, semarang_csrf, 404));
    json_decref(api(&bandung, "POST", path, body, "salah", 403));
    json_decref(api(&bandung, "POST", path, "{\"action_ids\":[999999]}", bandung_csrf, 400));
    json_decref(api(&bandung, "POST", path, "{}", bandung_csrf, 400));
    json_decref(api(&bandung, "POST", path, "{\"aksi\":[]}", bandung_csrf, 400));
    int64_t before = time(NULL);
    json_t *v = api(&bandung, "POST", path, body, bandung_csrf, 201);
    free(body);
    assert_true(jint(v, "response_id") > 0);
    /* answering acknowledges */
    assert_string_equal(jstr(v, "status"), "ditindaklanjuti");
    assert_string_equal(jstr(v, "acked_by"), "bandung");
    assert_true(json_is_string(json_object_get(v, "responded_at")));
    json_t *r = json_object_get(v, "responses");
    assert_int_equal(json_array_size(r), 1);
    json_t *r0 = json_array_get(r, 0);
    assert_string_equal(jstr(r0, "by"), "bandung");
    assert_string_equal(jstr(r0, "note"), "Dialog digelar di kelurahan; FKUB mendampingi");
    json_t *acts = json_object_get(r0, "actions");
    assert_int_equal(json_array_size(acts), 2);
    assert_int_equal(jint(json_array_get(acts, 0), "action_id"), a[1]);
    assert_string_equal(jstr(json_array_get(acts, 0), "kegiatan"), "Dialog tokoh lintas kelompok");
    assert_string_equal(jstr(json_array_get(acts, 0), "opd"), "Badan Kesbangpol");
    assert_int_equal(jint(json_array_get(acts, 1), "action_id"), b[1]);
    json_t *h = json_object_get(v, "history");
    assert_string_equal(jstr(json_array_get(h, json_array_size(h) - 1), "kind"), "response");
    json_decref(v);
    /* an action of another phase of the region's plans may be named too; a second response */
    body = xasprintf("{\"action_ids\":[%lld]}", (long long)a[3]);
    v = api(&jabar, "POST", path, body, jabar_csrf, 201);
    free(body);
    assert_int_equal(json_array_size(json_object_get(v, "responses")), 2);
    json_decref(v);
    /* audited */
    v = api(&admin, "GET", "/api/v1/audit?action=alert.response", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "items")), 2);
    json_decref(v);
    /* the list filter */
    v = api(&admin, "GET", "/api/v1/alerts?status=&answered=true", NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    assert_int_equal(jint(json_array_get(json_object_get(v, "items"), 0), "id"), alert_id);
    json_decref(v);
    assert_true(time(NULL) - before < 24 * 3600);
}

static void test_unanswered_escalates(void **state)
{
    WSP_UNUSED(state);
    write_event("32.04", "land_resource", false);
    alert2_id = wait_alert("32.04", 5000);
    assert_true(alert2_id > 0);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/ack", (long long)alert2_id);
    json_t *v = api(&admin, "POST", path, "{\"note\":\"diterima\"}", admin_csrf, 200);
    assert_string_equal(jstr(v, "status"), "ditindaklanjuti");
    json_decref(v);
    /* acknowledged, no response: to the province after 6 s, the nation after 7 s */
    bool national = false;
    for (int i = 0; i < 150 && !national; i++) {
        v = alert_get(&admin, alert2_id, 200);
        json_t *e = json_object_get(v, "escalated_to");
        if (json_is_string(e) && strcmp(json_string_value(e), "national") == 0) {
            national = true;
            json_t *h = json_object_get(v, "history");
            int esc = 0;
            size_t k;
            json_t *it;
            json_array_foreach(h, k, it)
            {
                if (strcmp(jstr(it, "kind"), "escalate") == 0) {
                    esc++;
                    assert_non_null(strstr(jstr(it, "note"), "acknowledged, no response"));
                }
            }
            assert_int_equal(esc, 2);
        }
        json_decref(v);
        if (!national)
            usleep(100 * 1000);
    }
    assert_true(national);
    /* the answered alert, older, was never escalated */
    v = alert_get(&admin, alert_id, 200);
    assert_true(json_is_null(json_object_get(v, "escalated_to")));
    json_decref(v);
    v = api(&admin, "GET", "/api/v1/alerts?status=&answered=false&region=32", NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    json_decref(v);
}

static json_t *row_of(json_t *doc, const char *code)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "items"), i, it)
    {
        if (strcmp(jstr(it, "region_code"), code) == 0)
            return json_object_get(it, "alerts");
    }
    fail_msg("no compliance row for %s", code);
    return NULL;
}

static void expect_counts(json_t *c, long alerts, long a24, long a72, long answered,
                          long unanswered)
{
    assert_int_equal(jint(c, "alerts"), alerts);
    assert_int_equal(jint(c, "answered_24h"), a24);
    assert_int_equal(jint(c, "answered_72h"), a72);
    assert_int_equal(jint(c, "answered"), answered);
    assert_int_equal(jint(c, "unanswered"), unanswered);
}

static void test_compliance_counts(void **state)
{
    WSP_UNUSED(state);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/compliance?year=%d&type=pks", year);
    /* national: one row per province; Jawa Barat holds both alerts */
    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    expect_counts(row_of(v, "32"), 2, 1, 1, 1, 1);
    expect_counts(row_of(v, "33"), 0, 0, 0, 0, 0);
    expect_counts(json_object_get(json_object_get(v, "totals"), "alerts"), 2, 1, 1, 1, 1);
    json_decref(v);
    /* the province's view: the province and its regencies */
    v = api(&jabar, "GET", path, NULL, NULL, 200);
    expect_counts(row_of(v, "32"), 2, 1, 1, 1, 1);
    expect_counts(row_of(v, "32.73"), 1, 1, 1, 1, 0);
    expect_counts(row_of(v, "32.04"), 1, 0, 0, 0, 1);
    json_decref(v);
    /* a regency's officer: its own */
    v = api(&bandung, "GET", path, NULL, NULL, 200);
    expect_counts(json_object_get(json_object_get(v, "totals"), "alerts"), 1, 1, 1, 1, 0);
    json_decref(v);
}

static void test_webhook_payload(void **state)
{
    WSP_UNUSED(state);
    char *body = NULL;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&rx.mu);
        body = rx.opened ? xstrdup(rx.opened) : NULL;
        pthread_mutex_unlock(&rx.mu);
        if (body)
            break;
        usleep(100 * 1000);
    }
    assert_non_null(body);
    assert_int_equal(rx.bad_signatures, 0);
    json_t *v = json_loads(body, 0, NULL);
    assert_non_null(v);
    free(body);
    json_t *al = json_object_get(v, "alert");
    assert_int_equal(jint(al, "id"), alert_id);
    assert_string_equal(jstr(v, "response_phase"), "pencegahan");
    json_t *s = json_object_get(v, "suggested_actions");
    json_int_t want[] = {a[1], b[1], c1, a[0], b[0], a[4]};
    assert_int_equal(json_array_size(s), WSP_ARRAY_LEN(want));
    for (size_t i = 0; i < WSP_ARRAY_LEN(want); i++)
        assert_int_equal(jint(json_array_get(s, i), "action_id"), want[i]);
    assert_string_equal(jstr(json_array_get(s, 0), "opd"), "Badan Kesbangpol");
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggestions),          cmocka_unit_test(test_record_response),
        cmocka_unit_test(test_unanswered_escalates), cmocka_unit_test(test_compliance_counts),
        cmocka_unit_test(test_webhook_payload),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
