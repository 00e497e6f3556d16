/*
 * Integration tests of early warning in the real server: community reports with a death raise
 * alerts (siaga), which reach open SSE streams over real connections within a second, filtered
 * by scope; the ack/close workflow with notes, roles and CSRF; escalation with small timeouts
 * (WASPADA_ESCALATE_PROVINCE_AFTER=3, WASPADA_ESCALATE_NATIONAL_AFTER=4 in the server's
 * environment: the clock is the real one); webhooks delivered to a libmicrohttpd receiver in
 * this test that answers the first delivery with 500 and checks every signature; the delivery
 * log; the risk views (the public one without personal data, counting verified events only);
 * /health answering while several streams are open; which leads count for warnings (none
 * without an Indonesian place, unverified ones only from lead_min_confidence 0.5 on, written
 * into the database by another process as `waspada ingest` does); one unverified community
 * report with a death stays internal (belum terverifikasi: not public, not escalated, no
 * webhook) until an officer verifies it, and the engine counts the detector's numbers, not
 * the typed ones; anonymous reports leave no name or address in the audit log; report dates
 * outside 1945-01-01..tomorrow are refused.
 *
 * Demo accounts: admin, bandung (kabkota 32.73), pelapor (32.73); added: semarang (kabkota
 * 33.74). Tests run in order and build on each other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
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
#define HOOK_SECRET "rahasia-webhook-uji"
#define NSTREAMS 5

static char *tmpdir, *db_path;
static struct support_server server;
static bool server_running;
static struct support_http admin, semarang, bandung, pelapor, fkdm;
static char admin_csrf[65], semarang_csrf[65], bandung_csrf[65], pelapor_csrf[65], fkdm_csrf[65];
static json_int_t fkdm_id;
static json_int_t alert_a, alert_b, hook_id;
static char today[16];

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

/* ---- SSE client on a raw socket ----------------------------------------------------------- */

struct stream {
    int fd;
    struct buf data;
};

static struct stream streams[NSTREAMS]; /* 0 semarang, 1 bandung, 2.. admin */

/* Open a stream as c; last_id, when not NULL, is sent as Last-Event-ID (a reconnection). */
static int stream_open(struct stream *s, struct support_http *c, const char *last_id)
{
    char *tok = support_http_cookie(c, "waspada_session");
    if (!tok)
        return -1;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server.port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        free(tok);
        return -1;
    }
    char *req = xasprintf("GET /api/v1/alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\nCookie: waspada_session=%s\r\n%s%s%s\r\n",
                          tok, last_id ? "Last-Event-ID: " : "", last_id ? last_id : "",
                          last_id ? "\r\n" : "");
    ssize_t w = write(s->fd, req, strlen(req));
    free(req);
    free(tok);
    fcntl(s->fd, F_SETFL, O_NONBLOCK);
    buf_init(&s->data, 0);
    return w > 0 ? 0 : -1;
}

/* Read what has arrived, waiting up to ms for more. */
static void stream_pump(struct stream *s, int ms)
{
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0)
        return;
    char chunk[8192];
    ssize_t n;
    while ((n = read(s->fd, chunk, sizeof(chunk))) > 0)
        buf_append(&s->data, chunk, (size_t)n);
}

/* Milliseconds until needle shows up in the stream (from offset), or -1 after timeout_ms. */
static long stream_wait(struct stream *s, size_t offset, const char *needle, long timeout_ms)
{
    int64_t t0 = time_mono_ms();
    for (;;) {
        if (s->data.len > offset && strstr(buf_cstr(&s->data) + offset, needle))
            return (long)(time_mono_ms() - t0);
        long left = timeout_ms - (long)(time_mono_ms() - t0);
        if (left <= 0)
            return -1;
        stream_pump(s, (int)(left < 50 ? left : 50));
    }
}

/* The events of a stream so far: the body is de-chunked (a chunk may split an event), then
 * split into events; comments and a last incomplete event are left out. */
struct sse_event {
    long long id;
    char name[32];
    char region[32];
};

static size_t stream_events(struct stream *s, struct sse_event *out, size_t max)
{
    const char *raw = buf_cstr(&s->data), *p = strstr(raw, "\r\n\r\n");
    if (!p)
        return 0;
    p += 4;
    const char *end = raw + s->data.len;
    struct buf body;
    buf_init(&body, 0);
    for (;;) {
        char *q;
        unsigned long size = strtoul(p, &q, 16);
        if (q == p || end - q < 2 || strncmp(q, "\r\n", 2) != 0 || size == 0)
            break;
        q += 2;
        if ((size_t)(end - q) < size + 2)
            break;
        buf_append(&body, q, size);
        p = q + size + 2;
    }
    size_t n = 0;
    const char *b = buf_cstr(&body);
    for (const char *e; n < max && (e = strstr(b, "\n\n")) != NULL; b = e + 2) {
        char *block = xasprintf("%.*s", (int)(e - b), b);
        const char *name = strstr(block, "event: "), *id = strstr(block, "id: "),
                   *reg = strstr(block, "\"region_code\":\"");
        if (name && id) {
            struct sse_event *ev = &out[n++];
            memset(ev, 0, sizeof(*ev));
            sscanf(name + 7, "%31[^\n]", ev->name);
            ev->id = strtoll(id + 4, NULL, 10);
            if (reg)
                sscanf(reg + 15, "%31[^\"]", ev->region);
        }
        free(block);
    }
    buf_release(&body);
    return n;
}

/* Wait until the admin stream shows an event named name for region after id `after`. */
static bool admin_saw(const char *name, const char *region, long long after, long timeout_ms)
{
    static struct sse_event evs[512];
    int64_t t0 = time_mono_ms();
    do {
        stream_pump(&streams[2], 50);
        size_t n = stream_events(&streams[2], evs, WSP_ARRAY_LEN(evs));
        for (size_t i = 0; i < n; i++)
            if (evs[i].id > after && strcmp(evs[i].name, name) == 0 &&
                strcmp(evs[i].region, region) == 0)
                return true;
    } while (time_mono_ms() - t0 < timeout_ms);
    return false;
}

/* ---- webhook receiver ------------------------------------------------------------------- */

struct hook_req {
    struct buf body;
};

static struct {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int requests, bad_signatures, ok_bodies;
    int other_requests; /* to other paths than /hook */
    char last_event[64];
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
    if (strcmp(url, "/hook") != 0) { /* another test's subscription: always fine */
        rx.other_requests++;
        pthread_mutex_unlock(&rx.mu);
        struct MHD_Response *ok =
            MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
        enum MHD_Result rr = MHD_queue_response(conn, MHD_HTTP_OK, ok);
        MHD_destroy_response(ok);
        buf_release(&r->body);
        free(r);
        *con_cls = NULL;
        return rr;
    }
    int n = ++rx.requests;
    if (!signature_ok(sig, buf_cstr(&r->body), r->body.len))
        rx.bad_signatures++;
    else if (n > 1)
        rx.ok_bodies++;
    str_copy(rx.last_event, ev ? ev : "", sizeof(rx.last_event));
    pthread_mutex_unlock(&rx.mu);
    unsigned status = n == 1 ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_OK;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
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
    setenv("WASPADA_ESCALATE_PROVINCE_AFTER", "3", 1);
    setenv("WASPADA_ESCALATE_NATIONAL_AFTER", "4", 1);
    if (sodium_init() < 0)
        return -1;
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    int rc = support_run(&r, NULL, init);
    support_run_free(&r);
    const char *add[] = {"--db",   db_path,   "user",     "add",   "--username",       "semarang",
                         "--role", "kabkota", "--region", "33.74", "--password-stdin", NULL};
    if (rc == 0)
        rc = support_run(&r, DEMO_PASSWORD "\n", add);
    if (rc == 0)
        support_run_free(&r);
    if (rc != 0 || receiver_start() != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", "--login-max-failures", "50", NULL};
    rc = support_server_start(&server, db_path, extra, log);
    free(log);
    server_running = rc == 0;
    int64_t now = time(NULL);
    char iso[32];
    time_format_iso(now, iso, sizeof(iso));
    memcpy(today, iso, 10);
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    for (int i = 0; i < NSTREAMS; i++)
        if (streams[i].fd > 0) {
            close(streams[i].fd);
            buf_release(&streams[i].data);
        }
    support_http_cleanup(&admin);
    support_http_cleanup(&semarang);
    support_http_cleanup(&bandung);
    support_http_cleanup(&pelapor);
    support_http_cleanup(&fkdm);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (rx.d)
        MHD_stop_daemon(rx.d);
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

static void set_status(json_int_t event, const char *status);

static json_int_t report_death(const char *where)
{
    char *body = xasprintf("{\"what\":\"Bentrok antarwarga, seorang pemuda tewas dibacok\","
                           "\"where\":\"%s\",\"when\":\"%s\",\"killed\":1,"
                           "\"who\":\"Budi Santoso dan kelompoknya\"}",
                           where, today);
    json_t *v = api(&admin, "POST", "/api/v1/reports", body, admin_csrf, 201);
    json_int_t id = jint(v, "event_id");
    json_decref(v);
    free(body);
    return id;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_stream_and_list(void **state)
{
    WSP_UNUSED(state);

    /* A webhook for Semarang's siaga and above, to the receiver. */
    char *body = xasprintf("{\"url\":\"http://127.0.0.1:%u/hook\",\"secret\":\"%s\","
                           "\"region_prefix\":\"33.74\",\"min_level\":\"siaga\"}",
                           rx.port, HOOK_SECRET);
    json_decref(api(&semarang, "POST", "/api/v1/webhooks", body, semarang_csrf, 403));
    json_t *v = api(&admin, "POST", "/api/v1/webhooks", body, admin_csrf, 201);
    hook_id = jint(v, "id");
    assert_string_equal(jstr(v, "secret"), HOOK_SECRET);
    json_decref(v);
    free(body);

    assert_int_equal(stream_open(&streams[0], &semarang, NULL), 0);
    assert_int_equal(stream_open(&streams[1], &bandung, NULL), 0);
    for (int i = 2; i < NSTREAMS; i++)
        assert_int_equal(stream_open(&streams[i], &admin, NULL), 0);
    for (int i = 0; i < NSTREAMS; i++) {
        if (stream_wait(&streams[i], 0, "waspada alert stream", 2000) < 0)
            fail_msg("stream %d did not start: %s", i, buf_cstr(&streams[i].data));
        assert_non_null(strstr(buf_cstr(&streams[i].data), "text/event-stream"));
    }
    /* The pool (2 threads) still answers while five streams are open. */
    for (int i = 0; i < 5; i++) {
        int64_t t0 = time_mono_ms();
        json_decref(api(&pelapor, "GET", "/api/v1/health", NULL, NULL, 200));
        assert_true(time_mono_ms() - t0 < 500);
    }
    /* pelapor has no stream */
    struct support_response r;
    assert_int_equal(support_http(&pelapor, "GET", "/api/v1/alerts/stream", NULL, 0, NULL, &r),
                     403);
    support_response_free(&r);

    /* A death reported in Kota Semarang: siaga, on the stream within a second. */
    size_t off0 = streams[0].data.len, off2 = streams[2].data.len;
    int64_t t0 = time_mono_ms();
    report_death("33.74");
    long ms = stream_wait(&streams[0], off0, "event: alert.opened", 1000);
    long total = (long)(time_mono_ms() - t0);
    if (ms < 0)
        fail_msg("no alert.opened on the semarang stream within 1 s: %s",
                 buf_cstr(&streams[0].data) + off0);
    fprintf(stderr, "alert.opened reached the stream %ld ms after the report was sent\n", total);
    assert_true(total < 1000);
    assert_true(stream_wait(&streams[2], off2, "\"region_code\":\"33.74\"", 1000) >= 0);

    v = api(&semarang, "GET", "/api/v1/alerts?region=33.74&status=baru", NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    json_t *a = json_array_get(json_object_get(v, "items"), 0);
    alert_a = jint(a, "id");
    assert_string_equal(jstr(a, "level"), "siaga");
    assert_string_equal(jstr(a, "region"), "Kota Semarang");
    assert_string_equal(jstr(a, "first_day"), today);
    assert_string_equal(jstr(a, "method"), "rule_death");
    json_decref(v);

    /* Scope: bandung sees none of Semarang's alerts, nor the alert itself. */
    v = api(&bandung, "GET", "/api/v1/alerts?limit=500", NULL, NULL, 200);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        const char *code = jstr(it, "region_code");
        if (strncmp(code, "32.73", 5) != 0)
            fail_msg("bandung sees alert of '%s'", code);
    }
    json_decref(v);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)alert_a);
    json_decref(api(&bandung, "GET", path, NULL, NULL, 404));
    json_decref(api(&pelapor, "GET", "/api/v1/alerts", NULL, NULL, 403));

    /* Detail: explanation in both languages, the driving event, history. The report is an
     * unverified lead: the alert is belum terverifikasi. */
    v = api(&semarang, "GET", path, NULL, NULL, 200);
    json_t *ex = json_object_get(v, "explanation");
    assert_non_null(strstr(jstr(ex, "id"), "tewas"));
    assert_non_null(strstr(jstr(ex, "en"), "killed"));
    assert_non_null(strstr(jstr(ex, "id"), "belum terverifikasi"));
    assert_true(json_is_true(json_object_get(v, "unverified")));
    assert_int_equal(json_array_size(json_object_get(v, "events")), 1);
    json_int_t ev_a = jint(json_array_get(json_object_get(v, "events"), 0), "id");
    assert_string_equal(jstr(json_array_get(json_object_get(v, "history"), 0), "kind"), "opened");
    json_decref(v);

    /* An officer verifies the event: the same alert, verified, on the stream. */
    size_t off = streams[0].data.len;
    set_status(ev_a, "terverifikasi");
    assert_true(stream_wait(&streams[0], off, "event: alert.verified", 2000) >= 0);
    v = api(&semarang, "GET", path, NULL, NULL, 200);
    assert_false(json_is_true(json_object_get(v, "unverified")));
    assert_true(json_is_integer(json_object_get(v, "verified_at")) ||
                json_is_string(json_object_get(v, "verified_at")));
    assert_null(strstr(jstr(json_object_get(v, "explanation"), "id"), "terverifikasi"));
    json_decref(v);
}

static void test_workflow(void **state)
{
    WSP_UNUSED(state);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/ack", (long long)alert_a);
    json_decref(
        api(&bandung, "POST", path, "{\"note\":\"bukan wilayah saya\"}", bandung_csrf, 404));
    json_decref(api(&semarang, "POST", path, "{\"note\":\"tanpa csrf\"}", "salah", 403));
    json_decref(api(&semarang, "POST", path, "{\"catatan\":\"x\"}", semarang_csrf, 400));
    size_t off = streams[0].data.len;
    json_t *v =
        api(&semarang, "POST", path, "{\"note\":\"Tim turun ke lokasi\"}", semarang_csrf, 200);
    assert_string_equal(jstr(v, "status"), "ditindaklanjuti");
    assert_string_equal(jstr(v, "acked_by"), "semarang");
    json_decref(v);
    assert_true(stream_wait(&streams[0], off, "event: alert.ack", 1000) >= 0);
    json_decref(api(&semarang, "POST", path, "{}", semarang_csrf, 409));
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/close", (long long)alert_a);
    v = api(&semarang, "POST", path, "{\"note\":\"Sudah damai\"}", semarang_csrf, 200);
    assert_string_equal(jstr(v, "status"), "selesai");
    json_t *h = json_object_get(v, "history");
    size_t n = json_array_size(h);
    assert_true(n >= 3);
    assert_string_equal(jstr(json_array_get(h, n - 2), "kind"), "ack");
    assert_string_equal(jstr(json_array_get(h, n - 2), "note"), "Tim turun ke lokasi");
    assert_string_equal(jstr(json_array_get(h, n - 1), "kind"), "close");
    assert_string_equal(jstr(json_array_get(h, n - 1), "by"), "semarang");
    json_decref(v);
    json_decref(api(&semarang, "POST", path, "{}", semarang_csrf, 409));
    /* audited */
    v = api(&admin, "GET", "/api/v1/audit?action=alert.close", NULL, NULL, 200);
    assert_true(json_array_size(json_object_get(v, "items")) >= 1);
    json_decref(v);
}

static void test_escalation(void **state)
{
    WSP_UNUSED(state);
    /* Nobody acknowledges the alert of Kabupaten Bandung: province after 3 s, national
     * after 4 s, each on the stream. Bandung (Kota) never sees it. */
    size_t off = streams[2].data.len;
    set_status(report_death("32.04"), "terverifikasi"); /* the clock starts when verified */
    assert_true(stream_wait(&streams[2], off, "\"region_code\":\"32.04\"", 1000) >= 0);
    json_t *v = api(&admin, "GET", "/api/v1/alerts?region=32.04", NULL, NULL, 200);
    alert_b = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)alert_b);
    const char *to = NULL;
    for (int i = 0; i < 80; i++) {
        v = api(&admin, "GET", path, NULL, NULL, 200);
        json_t *e = json_object_get(v, "escalated_to");
        if (json_is_string(e) && strcmp(json_string_value(e), "national") == 0) {
            to = "national";
            json_t *h = json_object_get(v, "history");
            int esc = 0;
            size_t k;
            json_t *it;
            json_array_foreach(h, k, it) esc += strcmp(jstr(it, "kind"), "escalate") == 0;
            assert_int_equal(esc, 2);
            json_decref(v);
            break;
        }
        json_decref(v);
        usleep(100 * 1000);
    }
    assert_non_null(to);
    assert_true(stream_wait(&streams[2], off, "event: alert.escalated", 1000) >= 0);
    /* The Kota Bandung stream got nothing of Kabupaten Bandung or Semarang. */
    stream_pump(&streams[1], 200);
    assert_null(strstr(buf_cstr(&streams[1].data), "\"region_code\":\"32.04\""));
    assert_null(strstr(buf_cstr(&streams[1].data), "\"region_code\":\"33.74\""));
    /* The Semarang stream got nothing of 32.04. */
    assert_null(strstr(buf_cstr(&streams[0].data), "\"region_code\":\"32.04\""));
}

static void test_webhook_delivery(void **state)
{
    WSP_UNUSED(state);
    /* The first delivery met a 500 and was retried; the receiver checked every signature. */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld/deliveries", (long long)hook_id);
    /* An alert belum terverifikasi sends no webhook, not even 'opened': the subscription
     * first hears of it when it is verified. The 'verified' delivery is queued by the engine
     * thread and the 'ack' by the request that acknowledged, so under load their queue order
     * may differ from the alert's history: look it up by its event name, not by position. */
    json_t *v = NULL, *first = NULL, *it_;
    size_t i_;
    for (int i = 0; i < 60; i++) {
        v = api(&admin, "GET", path, NULL, NULL, 200);
        json_t *items = json_object_get(v, "items");
        first = NULL;
        for (size_t k = 0; k < json_array_size(items); k++) {
            if (strcmp(jstr(json_array_get(items, k), "event"), "alert.opened") == 0)
                fail_msg("an unverified alert was sent to a webhook: %s",
                         json_dumps(items, JSON_COMPACT));
            if (strcmp(jstr(json_array_get(items, k), "event"), "alert.verified") == 0)
                first = json_array_get(items, k);
        }
        bool all = true; /* wait until every queued delivery went out */
        json_array_foreach(items, i_, it_) all = all && !strcmp(jstr(it_, "state"), "delivered");
        if (first && all)
            break;
        json_decref(v);
        v = NULL;
        usleep(100 * 1000);
    }
    if (!v)
        fail_msg("the first delivery was not delivered");
    assert_string_equal(jstr(first, "event"), "alert.verified");
    assert_int_equal(jint(first, "status_code"), 200);
    assert_int_equal(jint(first, "alert_id"), alert_a);
    /* The receiver answered its first request with 500: exactly one retry in all. */
    json_int_t retries = 0;
    json_array_foreach(json_object_get(v, "items"), i_, it_) retries += jint(it_, "attempts") - 1;
    assert_int_equal(retries, 1);
    /* only Semarang's alerts: verified, ack, close (escalations of 32.04 are not for it) */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
        assert_int_equal(jint(it, "alert_id"), alert_a);
    json_decref(v);
    pthread_mutex_lock(&rx.mu);
    int bad = rx.bad_signatures, reqs = rx.requests;
    pthread_mutex_unlock(&rx.mu);
    assert_int_equal(bad, 0);
    assert_true(reqs >= 2);
    /* Removing the subscription keeps its log. */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld", (long long)hook_id);
    json_decref(api(&admin, "DELETE", path, NULL, admin_csrf, 200));
    json_decref(api(&admin, "DELETE", path, NULL, admin_csrf, 404));
    v = api(&admin, "GET", "/api/v1/webhooks", NULL, NULL, 200);
    assert_false(
        json_is_true(json_object_get(json_array_get(json_object_get(v, "items"), 0), "active")));
    json_decref(v);
}

static void test_risk(void **state)
{
    WSP_UNUSED(state);
    json_t *v = api(&semarang, "GET", "/api/v1/risk?region=33.74", NULL, NULL, 200);
    assert_string_equal(jstr(v, "level"), "siaga");
    assert_int_equal(json_array_size(json_object_get(v, "trend")), 30);
    assert_true(json_array_size(json_object_get(v, "latest_events")) >= 1);
    json_decref(v);
    json_decref(api(&semarang, "GET", "/api/v1/risk?region=32.73", NULL, NULL, 403));
    json_decref(api(&semarang, "GET", "/api/v1/risk?region=ID", NULL, NULL, 403));
    v = api(&admin, "GET", "/api/v1/risk?region=33", NULL, NULL, 200);
    assert_true(json_array_size(json_object_get(v, "regions")) >= 1);
    json_decref(v);

    /* Public: no login, aggregated, nothing personal or unverified. */
    struct support_http anon;
    assert_int_equal(support_http_init(&anon, server.base_url), 0);
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/public/risk", NULL, 0, NULL, &r), 200);
    static const char *const banned[] = {"Budi",     "dibacok",   "tewas",       "Admin Sistem",
                                         "semarang", "event_ids", "explanation", "\"who\"",
                                         "33.74.",   "text"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(banned); i++)
        if (strstr(r.body, banned[i]))
            fail_msg("public risk contains '%s': %s", banned[i], r.body);
    if (strstr(r.body, "\"leads\""))
        fail_msg("public risk counts unverified leads: %s", r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    assert_non_null(doc);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "regencies"), i, it)
    {
        if (strcmp(jstr(it, "region_code"), "33.74") != 0)
            continue;
        found = true;
        assert_string_equal(jstr(it, "level"), "siaga");
        assert_int_equal(jint(it, "verified_events"), 1); /* the report, verified */
        assert_null(json_object_get(it, "leads"));        /* leads are not counted in public */
        assert_int_equal(jint(it, "killed"), 1);
    }
    assert_true(found);
    json_decref(doc);
    support_response_free(&r);
    /* cached: the same document within the minute */
    struct support_response r2;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/public/risk", NULL, 0, NULL, &r2), 200);
    support_http(&anon, "GET", "/api/v1/public/risk", NULL, 0, NULL, &r);
    assert_string_equal(r.body, r2.body);
    support_response_free(&r);
    support_response_free(&r2);
    support_http_cleanup(&anon);

    /* health still fine with the streams open */
    json_decref(api(&pelapor, "GET", "/api/v1/health", NULL, NULL, 200));
}

/* A stream that reconnects with Last-Event-ID first gets exactly what it missed in its scope,
 * with the same ids as the live events, then live events with larger ids. */
static void test_stream_replay(void **state)
{
    WSP_UNUSED(state);
    static struct sse_event got[64], all[512];
    struct stream s = {0};
    assert_int_equal(stream_open(&s, &bandung, NULL), 0);
    assert_true(stream_wait(&s, 0, "waspada alert stream", 2000) >= 0);
    json_int_t ev_c = report_death("32.73");
    assert_true(stream_wait(&s, 0, "event: alert.opened", 2000) >= 0);
    stream_pump(&s, 100);
    size_t n = stream_events(&s, got, WSP_ARRAY_LEN(got));
    assert_int_equal(n, 1);
    assert_string_equal(got[0].name, "alert.opened");
    assert_string_equal(got[0].region, "32.73");
    long long seen = got[0].id;
    assert_true(seen > 0);
    close(s.fd);
    buf_release(&s.data);

    /* While it is away: the new alert is verified, escalated (3 s after) and acknowledged,
     * and Kabupaten Bandung's alert (outside its scope) is acknowledged in between. */
    set_status(ev_c, "terverifikasi");
    if (!admin_saw("alert.escalated", "32.73", seen, 6000)) {
        size_t k = stream_events(&streams[2], all, WSP_ARRAY_LEN(all));
        fprintf(stderr, "seen %lld, %zu events\n", seen, k);
        for (size_t i = 0; i < k; i++)
            fprintf(stderr, "  %lld %s %s\n", all[i].id, all[i].name, all[i].region);
        fail_msg("the 32.73 alert was not escalated");
    }
    json_t *v = api(&admin, "GET", "/api/v1/alerts?region=32.73", NULL, NULL, 200);
    json_int_t alert_c = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/ack", (long long)alert_b);
    json_decref(api(&admin, "POST", path, "{\"note\":\"diteruskan\"}", admin_csrf, 200));
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/ack", (long long)alert_c);
    json_decref(api(&bandung, "POST", path, "{\"note\":\"ditangani\"}", bandung_csrf, 200));
    assert_true(admin_saw("alert.ack", "32.04", seen, 2000));
    assert_true(admin_saw("alert.ack", "32.73", seen, 2000));

    /* What it missed, as the national stream saw it live. */
    size_t na = stream_events(&streams[2], all, WSP_ARRAY_LEN(all)), nwant = 0, nother = 0;
    struct sse_event want[64];
    for (size_t i = 0; i < na; i++) {
        if (all[i].id <= seen)
            continue;
        if (strcmp(all[i].region, "32.73") == 0 && nwant < WSP_ARRAY_LEN(want))
            want[nwant++] = all[i];
        else
            nother++;
    }
    assert_true(nwant >= 3); /* verified, escalated (to the province, maybe the nation), ack */
    assert_true(nother >= 1);

    /* Reconnect: exactly the missed events of 32.73, in order, with their ids. */
    char last[32];
    snprintf(last, sizeof(last), "%lld", seen);
    assert_int_equal(stream_open(&s, &bandung, last), 0);
    assert_true(stream_wait(&s, 0, "event: alert.ack", 2000) >= 0);
    stream_pump(&s, 300);
    n = stream_events(&s, got, WSP_ARRAY_LEN(got));
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].id, want[i].id);
        assert_string_equal(got[i].name, want[i].name);
        assert_string_equal(got[i].region, "32.73");
    }
    assert_null(strstr(buf_cstr(&s.data), "\"region_code\":\"32.04\""));
    assert_null(strstr(buf_cstr(&s.data), "\"region_code\":\"33.74\""));

    /* Then live: closing the alert comes after the replay with a larger id. */
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld/close", (long long)alert_c);
    json_decref(api(&bandung, "POST", path, "{\"note\":\"aman\"}", bandung_csrf, 200));
    assert_true(stream_wait(&s, 0, "event: alert.closed", 2000) >= 0);
    stream_pump(&s, 100);
    n = stream_events(&s, got, WSP_ARRAY_LEN(got));
    assert_int_equal(n, nwant + 1);
    assert_string_equal(got[n - 1].name, "alert.closed");
    assert_true(got[n - 1].id > got[n - 2].id);
    long long newest = got[n - 1].id;
    close(s.fd);
    buf_release(&s.data);

    /* Nothing missed: nothing replayed. An id the feed never reached: resync at the newest. */
    snprintf(last, sizeof(last), "%lld", newest);
    assert_int_equal(stream_open(&s, &bandung, last), 0);
    assert_true(stream_wait(&s, 0, "waspada alert stream", 2000) >= 0);
    stream_pump(&s, 200);
    assert_int_equal(stream_events(&s, got, WSP_ARRAY_LEN(got)), 0);
    close(s.fd);
    buf_release(&s.data);
    assert_int_equal(stream_open(&s, &bandung, "99999999"), 0);
    assert_true(stream_wait(&s, 0, "event: resync", 2000) >= 0);
    n = stream_events(&s, got, WSP_ARRAY_LEN(got));
    assert_int_equal(n, 1);
    assert_true(got[0].id >= newest && got[0].id < 99999999);
    close(s.fd);
    buf_release(&s.data);
}

/* True when the stream ended within ms: the last chunk ("0" CRLF CRLF) came, or the server
 * closed the connection. */
static bool stream_ended(struct stream *s, long ms)
{
    int64_t t0 = time_mono_ms();
    for (;;) {
        size_t n = s->data.len;
        if (n >= 5 && memcmp(s->data.data + n - 5, "0\r\n\r\n", 5) == 0)
            return true;
        long left = ms - (long)(time_mono_ms() - t0);
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, (int)(left < 50 ? left : 50)) <= 0)
            continue;
        char chunk[4096];
        ssize_t r = read(s->fd, chunk, sizeof(chunk));
        if (r == 0)
            return true;
        if (r > 0)
            buf_append(&s->data, chunk, (size_t)r);
    }
}

/* A stream lives no longer than its session: logging out, disabling the account and a new
 * password each end the open streams of that session or user at once. */
static void test_stream_ends_with_session(void **state)
{
    WSP_UNUSED(state);
    json_t *v = api(&admin, "POST", "/api/v1/users",
                    "{\"username\":\"cimahi\",\"password\":\"" DEMO_PASSWORD "\","
                    "\"role\":\"kabkota\",\"region\":\"32.77\"}",
                    admin_csrf, 201);
    json_int_t uid = jint(json_object_get(v, "user"), "id");
    json_decref(v);
    char upath[64], ppath[80];
    snprintf(upath, sizeof(upath), "/api/v1/users/%lld", (long long)uid);
    snprintf(ppath, sizeof(ppath), "/api/v1/users/%lld/password", (long long)uid);

    for (int round = 0; round < 3; round++) {
        struct support_http c, other;
        char csrf[65], other_csrf[65];
        struct stream s = {0}, keep = {0};
        login(&c, "cimahi", csrf);
        login(&other, "cimahi", other_csrf); /* a second session of the same user */
        assert_int_equal(stream_open(&s, &c, NULL), 0);
        assert_int_equal(stream_open(&keep, &other, NULL), 0);
        assert_true(stream_wait(&s, 0, "waspada alert stream", 2000) >= 0);
        assert_true(stream_wait(&keep, 0, "waspada alert stream", 2000) >= 0);
        if (round == 0) {
            json_decref(api(&c, "POST", "/api/v1/auth/logout", NULL, csrf, 200));
            if (!stream_ended(&s, 2000))
                fail_msg("the stream went on after logout: %s", buf_cstr(&s.data));
            /* Only that session's stream: the other session is still logged in. */
            assert_false(stream_ended(&keep, 300));
            json_decref(api(&other, "POST", "/api/v1/auth/logout", NULL, other_csrf, 200));
            assert_true(stream_ended(&keep, 2000));
        } else if (round == 1) {
            json_decref(api(&admin, "PATCH", upath, "{\"disabled\":true}", admin_csrf, 200));
            if (!stream_ended(&s, 2000) || !stream_ended(&keep, 2000))
                fail_msg("a stream went on after the account was disabled");
            json_decref(api(&admin, "PATCH", upath, "{\"disabled\":false}", admin_csrf, 200));
        } else {
            json_decref(api(&admin, "POST", ppath, "{\"password\":\"" DEMO_PASSWORD "\"}",
                            admin_csrf, 200));
            if (!stream_ended(&s, 2000) || !stream_ended(&keep, 2000))
                fail_msg("a stream went on after a new password");
        }
        close(s.fd);
        close(keep.fd);
        buf_release(&s.data);
        buf_release(&keep.data);
        support_http_cleanup(&c);
        support_http_cleanup(&other);
    }
}

/* ---- which leads count ------------------------------------------------------------------ */

/* An event written straight into the database, as `waspada ingest` in another process does:
 * today, one killed, unverified. province/regency NULL = no place. */
static json_int_t write_event(const char *province, const char *regency, double confidence)
{
    struct store *s = NULL;
    struct error err = {0};
    if (store_open(&s, db_path, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    struct store_event e = {.category = "inter_group_clash",
                            .province_code = province,
                            .regency_code = regency,
                            .event_date = today,
                            .killed = 1,
                            .injured = -1,
                            .confidence = confidence};
    struct store_actor actor = {0, "cli", NULL};
    int64_t id = 0;
    if (store_event_create(s, &e, 0, &actor, &id, &err) != 0)
        fail_msg("store_event_create: %s", err.msg);
    store_close(s);
    return (json_int_t)id;
}

/* Alerts of region (exact code) as admin sees them. */
static json_t *alerts_of(const char *region)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts?region=%s&limit=500", region);
    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        if (strcmp(jstr(it, "region_code"), region) == 0)
            json_array_append(out, it);
    }
    json_decref(v);
    return out;
}

/* Wait up to ms for an alert of region (the list leaves retracted ones out); its id or 0. */
static json_int_t wait_alert(const char *region, long ms)
{
    int64_t t0 = time_mono_ms();
    do {
        json_t *a = alerts_of(region);
        json_int_t id = json_array_size(a) ? jint(json_array_get(a, 0), "id") : 0;
        json_decref(a);
        if (id)
            return id;
        usleep(50 * 1000);
    } while (time_mono_ms() - t0 < ms);
    return 0;
}

/* Wait up to ms until alert id is retracted. */
static bool wait_retracted(json_int_t id, long ms)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)id);
    int64_t t0 = time_mono_ms();
    do {
        json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
        bool r = json_is_true(json_object_get(v, "retracted"));
        json_decref(v);
        if (r)
            return true;
        usleep(50 * 1000);
    } while (time_mono_ms() - t0 < ms);
    return false;
}

/* Events in the nation's series over 30 days, as the engine counts them. */
static json_int_t national_events(void)
{
    json_t *v = api(&admin, "GET", "/api/v1/risk?region=ID", NULL, NULL, 200);
    json_int_t n = jint(v, "events_30d");
    json_decref(v);
    return n;
}

static void set_status(json_int_t event, const char *status)
{
    char path[64], *body = xasprintf("{\"status\":\"%s\"}", status);
    snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)event);
    json_decref(api(&admin, "PATCH", path, body, admin_csrf, 200));
    free(body);
}

/* A lead without an Indonesian place (however confident) and a 0.3 lead open no alert and
 * are not in the nation's series; the same lead at 0.9 with a regency opens one. Once a
 * human verifies the 0.3 lead it counts; a rejected event stops counting. */
static void test_leads_that_count(void **state)
{
    WSP_UNUSED(state);
    /* The web app reads the setting here (default 0.5). */
    json_t *h = api(&pelapor, "GET", "/api/v1/health", NULL, NULL, 200);
    assert_true(json_is_real(json_object_get(h, "lead_min_confidence")));
    assert_true(json_real_value(json_object_get(h, "lead_min_confidence")) == 0.5);
    json_decref(h);

    json_int_t before = national_events();
    json_t *none = alerts_of("35.15");
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    json_int_t placeless = write_event(NULL, NULL, 0.95);
    json_int_t low = write_event("35", "35.15", 0.3);  /* Kabupaten Sidoarjo */
    json_int_t high = write_event("35", "35.78", 0.9); /* Kota Surabaya */
    assert_true(placeless > 0 && low > 0 && high > 0);

    /* The service reads the change feed in order: once the last event has its alert, the
     * two before it were read too. */
    json_int_t alert = wait_alert("35.78", 5000);
    if (!alert)
        fail_msg("the 0.9 lead in 35.78 opened no alert");
    none = alerts_of("35.15");
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    assert_int_equal(national_events(), before + 1); /* only the placed 0.9 lead */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)alert);
    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    json_t *evs = json_object_get(v, "events");
    assert_int_equal(json_array_size(evs), 1);
    assert_int_equal(jint(json_array_get(evs, 0), "id"), high);
    assert_true(json_real_value(json_object_get(json_array_get(evs, 0), "confidence")) == 0.9);
    json_decref(v);
    /* The risk view lists the counted lead, never the other two. */
    v = api(&admin, "GET", "/api/v1/risk?region=ID", NULL, NULL, 200);
    size_t i;
    json_t *it;
    bool listed = false;
    json_array_foreach(json_object_get(v, "latest_events"), i, it)
    {
        json_int_t id = jint(it, "id");
        listed = listed || id == high;
        if (id == placeless || id == low)
            fail_msg("risk lists event %lld, which does not count", (long long)id);
    }
    assert_true(listed);
    json_decref(v);

    /* Verified, the 0.3 event counts whatever its confidence. */
    set_status(low, "terverifikasi");
    if (!wait_alert("35.15", 5000))
        fail_msg("the verified 0.3 event in 35.15 opened no alert");
    assert_int_equal(national_events(), before + 2);

    /* Rejected, the 0.9 lead stops counting: its alert is retracted. */
    set_status(high, "ditolak");
    if (!wait_retracted(alert, 5000))
        fail_msg("the alert of the rejected lead was not retracted");
    none = alerts_of("35.78");
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    assert_int_equal(national_events(), before + 1);
}

/* ---- one unverified report (issue 10, item 2) --------------------------------------------- */

/* The public document's row for a regency, or NULL. The caller frees doc. */
static json_t *public_regency(json_t **doc, const char *code)
{
    struct support_http anon;
    assert_int_equal(support_http_init(&anon, server.base_url), 0);
    struct support_response r;
    assert_int_equal(support_http(&anon, "GET", "/api/v1/public/risk", NULL, 0, NULL, &r), 200);
    *doc = json_loads(r.body, 0, NULL);
    assert_non_null(*doc);
    support_response_free(&r);
    support_http_cleanup(&anon);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(*doc, "regencies"), i, it)
    {
        if (strcmp(jstr(it, "region_code"), code) == 0)
            return it;
    }
    return NULL;
}

/* What the engine counts today in region (the internal risk view), as "events/killed". */
static void engine_today(const char *region, char *out, size_t outsz)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/risk?region=%s", region);
    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    snprintf(out, outsz, "none");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "trend"), i, it)
    {
        if (strcmp(jstr(it, "day"), today) == 0)
            snprintf(out, outsz, "%lld/%lld", (long long)jint(it, "events"),
                     (long long)jint(it, "killed"));
    }
    json_decref(v);
}

static json_t *alert_get(json_int_t id)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/alerts/%lld", (long long)id);
    return api(&admin, "GET", path, NULL, NULL, 200);
}

/* The events delivered or queued for webhook id, as a comma-separated list. */
static void deliveries(json_int_t id, char *out, size_t outsz)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld/deliveries", (long long)id);
    json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
    out[0] = '\0';
    size_t i, len = 0;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        int k = snprintf(out + len, outsz - len, "%s%s", len ? "," : "", jstr(it, "event"));
        if (k > 0 && (size_t)k < outsz - len)
            len += (size_t)k;
    }
    json_decref(v);
}

/* One FKDM report with "killed": 5 in a quiet city (Kota Banjar, 32.79): the internal alert
 * opens, marked belum terverifikasi; public risk stays normal there; nothing is escalated and
 * no webhook fires, also after the escalation timeouts (3 and 4 s) have passed; the engine
 * counts the one death the text names, not the typed 5. Once an officer verifies the event,
 * the same alert is a normal one: public risk shows siaga with the verified numbers, the
 * webhook hears alert.verified, and escalation follows from then. */
static void test_unverified_report(void **state)
{
    WSP_UNUSED(state);
    login(&admin, "admin", admin_csrf);
    login(&semarang, "semarang", semarang_csrf);
    login(&bandung, "bandung", bandung_csrf);
    login(&pelapor, "pelapor", pelapor_csrf);
    json_t *v = api(&admin, "POST", "/api/v1/users",
                    "{\"username\":\"fkdm\",\"password\":\"" DEMO_PASSWORD "\","
                    "\"role\":\"pelapor\",\"region\":\"32.79\"}",
                    admin_csrf, 201);
    fkdm_id = jint(json_object_get(v, "user"), "id");
    json_decref(v);
    login(&fkdm, "fkdm", fkdm_csrf);
    char *body = xasprintf("{\"url\":\"http://127.0.0.1:%u/hook-banjar\",\"secret\":\"%s\","
                           "\"region_prefix\":\"32.79\",\"min_level\":\"waspada\"}",
                           rx.port, HOOK_SECRET);
    v = api(&admin, "POST", "/api/v1/webhooks", body, admin_csrf, 201);
    json_int_t hook = jint(v, "id");
    json_decref(v);
    free(body);

    body = xasprintf("{\"what\":\"Bentrok antarwarga di pasar, seorang pemuda tewas dibacok\","
                     "\"where\":\"32.79\",\"when\":\"%s\",\"killed\":5,"
                     "\"who\":\"dua kelompok pemuda\"}",
                     today);
    v = api(&fkdm, "POST", "/api/v1/reports", body, fkdm_csrf, 201);
    json_int_t ev = jint(v, "event_id");
    json_decref(v);
    free(body);
    json_int_t id = wait_alert("32.79", 5000);
    if (!id)
        fail_msg("the report opened no internal alert");
    v = alert_get(id);
    assert_string_equal(jstr(v, "level"), "siaga");
    assert_string_equal(jstr(v, "method"), "rule_death");
    assert_true(json_is_true(json_object_get(v, "unverified")));
    assert_true(json_is_null(json_object_get(v, "verified_at")));
    json_t *ex = json_object_get(v, "explanation");
    assert_non_null(
        strstr(jstr(ex, "id"), "1 tewas; aturan: ada korban tewas; belum terverifikasi"));
    assert_non_null(strstr(jstr(ex, "en"), "1 killed; rule: people were killed; not verified yet"));
    json_t *e0 = json_array_get(json_object_get(v, "events"), 0);
    assert_int_equal(jint(e0, "id"), ev);
    assert_int_equal(jint(e0, "killed"), 5); /* the report keeps what the reporter typed */
    assert_string_equal(jstr(e0, "status"), "menunggu");
    json_decref(v);
    /* the engine counts the death the text names, not the typed 5 */
    char counted[32];
    engine_today("32.79", counted, sizeof(counted));
    assert_string_equal(counted, "1/1");

    /* Past both escalation timeouts: still not escalated, no webhook, not public. */
    usleep(5000 * 1000);
    v = alert_get(id);
    assert_true(json_is_null(json_object_get(v, "escalated_to")));
    assert_true(json_is_true(json_object_get(v, "unverified")));
    assert_int_equal(json_array_size(json_object_get(v, "history")), 1); /* opened */
    json_decref(v);
    char got[256];
    deliveries(hook, got, sizeof(got));
    assert_string_equal(got, "");
    pthread_mutex_lock(&rx.mu);
    int other = rx.other_requests;
    pthread_mutex_unlock(&rx.mu);
    assert_int_equal(other, 0);
    json_t *doc;
    json_t *row = public_regency(&doc, "32.79");
    if (row && strcmp(jstr(row, "level"), "normal") != 0)
        fail_msg("one unverified report moved the public level of 32.79 to %s", jstr(row, "level"));
    assert_true(!row || jint(row, "verified_events") == 0);
    json_decref(doc);

    /* An officer verifies it: the same alert, verified; public; webhook; escalated after. */
    set_status(ev, "terverifikasi");
    int64_t t0 = time_mono_ms();
    bool verified = false;
    while (!verified && time_mono_ms() - t0 < 3000) {
        v = alert_get(id);
        verified = !json_is_true(json_object_get(v, "unverified"));
        json_decref(v);
        if (!verified)
            usleep(50 * 1000);
    }
    assert_true(verified);
    assert_int_equal(wait_alert("32.79", 100), id); /* not a new alert */
    engine_today("32.79", counted, sizeof(counted));
    assert_string_equal(counted, "1/5"); /* verified: the numbers the officer kept */
    row = public_regency(&doc, "32.79");
    assert_non_null(row);
    assert_string_equal(jstr(row, "level"), "siaga");
    assert_int_equal(jint(row, "verified_events"), 1);
    assert_int_equal(jint(row, "killed"), 5);
    json_decref(doc);
    const char *to = NULL;
    for (int i = 0; i < 100 && !to; i++) {
        v = alert_get(id);
        json_t *e = json_object_get(v, "escalated_to");
        if (json_is_string(e) && strcmp(json_string_value(e), "national") == 0)
            to = "national";
        else
            usleep(100 * 1000);
        if (to) {
            json_t *h = json_object_get(v, "history");
            assert_int_equal(json_array_size(h), 4);
            assert_string_equal(jstr(json_array_get(h, 1), "kind"), "verified");
            assert_string_equal(jstr(json_array_get(h, 2), "kind"), "escalate");
            assert_string_equal(jstr(json_array_get(h, 3), "kind"), "escalate");
        }
        json_decref(v);
    }
    assert_non_null(to);
    t0 = time_mono_ms();
    do {
        deliveries(hook, got, sizeof(got));
        if (strstr(got, "alert.verified"))
            break;
        usleep(50 * 1000);
    } while (time_mono_ms() - t0 < 3000);
    assert_non_null(strstr(got, "alert.verified"));
    assert_null(strstr(got, "alert.opened"));
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld", (long long)hook);
    json_decref(api(&admin, "DELETE", path, NULL, admin_csrf, 200));
}

/* Audit rows of a report and its event as "action:username:user_id:client;", newest first
 * per object. */
static void report_audit(json_int_t report, json_int_t event, char *out, size_t outsz)
{
    out[0] = '\0';
    size_t len = 0;
    const char *types[] = {"report", "event"};
    json_int_t ids[] = {report, event};
    for (int k = 0; k < 2; k++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/audit?object_type=%s&object_id=%lld", types[k],
                 (long long)ids[k]);
        json_t *v = api(&admin, "GET", path, NULL, NULL, 200);
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(v, "items"), i, it)
        {
            json_t *c = json_object_get(it, "client");
            int n = snprintf(out + len, outsz - len, "%s:%s:%lld:%s;", jstr(it, "action"),
                             jstr(it, "username"), (long long)jint(it, "user_id"),
                             json_is_string(c) ? json_string_value(c) : "-");
            if (n > 0 && (size_t)n < outsz - len)
                len += (size_t)n;
        }
        json_decref(v);
    }
}

/* An anonymous report leaves neither the reporter's name, id nor address in the audit log;
 * a named report sent again with "anonymous": true becomes anonymous and loses them too. */
static void test_report_anonymous_audit(void **state)
{
    WSP_UNUSED(state);
    json_t *v = api(&fkdm, "POST", "/api/v1/reports",
                    "{\"what\":\"Warga resah ada provokasi di grup percakapan\","
                    "\"where\":\"32.79\",\"anonymous\":true}",
                    fkdm_csrf, 201);
    json_int_t rep = jint(v, "report_id"), ev = jint(v, "event_id");
    json_decref(v);
    char rows[2048];
    report_audit(rep, ev, rows, sizeof(rows));
    assert_string_equal(rows, "report.add:anonymous:0:-;event.add:anonymous:0:-;");
    /* nothing of it under the reporter's id either */
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/audit?user_id=%lld&limit=500", (long long)fkdm_id);
    v = api(&admin, "GET", path, NULL, NULL, 200);
    size_t i;
    json_t *it;
    char rid[24], eid[24];
    snprintf(rid, sizeof(rid), "%lld", (long long)rep);
    snprintf(eid, sizeof(eid), "%lld", (long long)ev);
    size_t mine = 0;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        const char *type = jstr(it, "object_type"), *oid = jstr(it, "object_id");
        if ((strcmp(type, "report") == 0 && strcmp(oid, rid) == 0) ||
            (strcmp(type, "event") == 0 && strcmp(oid, eid) == 0))
            fail_msg("the anonymous report's %s row names its reporter", jstr(it, "action"));
        mine += strcmp(jstr(it, "action"), "report.add") == 0;
    }
    assert_int_equal(mine, 1); /* only the named report of test_unverified_report */
    json_decref(v);

    /* Named, then the same report again with "anonymous": true. */
    const char *named = "{\"what\":\"Spanduk provokatif dipasang di dekat masjid\","
                        "\"where\":\"32.79\"}";
    v = api(&fkdm, "POST", "/api/v1/reports", named, fkdm_csrf, 201);
    rep = jint(v, "report_id");
    ev = jint(v, "event_id");
    json_decref(v);
    report_audit(rep, ev, rows, sizeof(rows));
    char want[256];
    snprintf(want, sizeof(want), "report.add:fkdm:%lld:127.0.0.1;event.add:fkdm:%lld:127.0.0.1;",
             (long long)fkdm_id, (long long)fkdm_id);
    assert_string_equal(rows, want);
    v = api(&fkdm, "POST", "/api/v1/reports",
            "{\"what\":\"Spanduk provokatif dipasang di dekat masjid\",\"where\":\"32.79\","
            "\"anonymous\":true}",
            fkdm_csrf, 200);
    assert_int_equal(jint(v, "report_id"), rep);
    assert_true(json_is_true(json_object_get(v, "duplicate")));
    json_decref(v);
    report_audit(rep, ev, rows, sizeof(rows));
    assert_string_equal(rows, "report.anonymous:anonymous:0:-;report.add:anonymous:0:-;"
                              "event.add:anonymous:0:-;"); /* newest first */
    /* and the officers no longer see who reported it */
    snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)ev);
    v = api(&admin, "GET", path, NULL, NULL, 200);
    json_t *s0 = json_array_get(json_object_get(v, "sources"), 0);
    assert_true(json_is_true(json_object_get(s0, "anonymous")));
    assert_null(json_object_get(s0, "reporter"));
    json_decref(v);
}

/* "when" is a date from 1945-01-01 to tomorrow, or free text. */
static void test_report_dates(void **state)
{
    WSP_UNUSED(state);
    char tomorrow[16], after[16];
    int64_t now = time(NULL);
    char iso[32];
    time_format_iso(now + 86400, iso, sizeof(iso));
    memcpy(tomorrow, iso, 10);
    tomorrow[10] = '\0';
    time_format_iso(now + 2 * 86400, iso, sizeof(iso));
    memcpy(after, iso, 10);
    after[10] = '\0';
    const char *bad[] = {"0001-01-01", "9999-12-31", "1944-12-31", "2021-02-30", after};
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        char *body = xasprintf("{\"what\":\"Tawuran di alun-alun\",\"where\":\"32.79\","
                               "\"when\":\"%s\"}",
                               bad[i]);
        json_t *v = api(&fkdm, "POST", "/api/v1/reports", body, fkdm_csrf, 400);
        char *text = json_dumps(v, JSON_COMPACT);
        assert_non_null(strstr(text, "1945-01-01"));
        free(text);
        json_decref(v);
        free(body);
    }
    const char *good[] = {"1945-01-01", tomorrow, "kemarin malam"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(good); i++) {
        char *body = xasprintf("{\"what\":\"Tawuran di alun-alun nomor %zu\","
                               "\"where\":\"32.79\",\"when\":\"%s\"}",
                               i, good[i]);
        json_t *v = api(&fkdm, "POST", "/api/v1/reports", body, fkdm_csrf, 201);
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)jint(v, "event_id"));
        json_decref(v);
        v = api(&fkdm, "GET", path, NULL, NULL, 200);
        if (i < 2)
            assert_string_equal(jstr(v, "event_date"), good[i]);
        json_decref(v);
        free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unverified_report), cmocka_unit_test(test_stream_and_list),
        cmocka_unit_test(test_workflow),          cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_webhook_delivery),  cmocka_unit_test(test_risk),
        cmocka_unit_test(test_stream_replay),     cmocka_unit_test(test_stream_ends_with_session),
        cmocka_unit_test(test_leads_that_count),  cmocka_unit_test(test_report_anonymous_audit),
        cmocka_unit_test(test_report_dates),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
