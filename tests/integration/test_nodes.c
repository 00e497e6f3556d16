/*
 * Two `waspada serve` nodes on one PostgreSQL database (issue 13, item 3): a session made on
 * one works on the other, failed logins on both are throttled as one, a report sent to one is an
 * event on the other, exactly one node leads early warning, each webhook delivery is made once, and
 * when the leader is killed with SIGKILL the other goes on serving and takes over alerting.
 *
 * PostgreSQL comes from tests/support/pgcluster ($WASPADA_TEST_PG_URL's server, or a private
 * one); without PostgreSQL installed the test says so and passes without running.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>

#include "base/base.h"
#include "../support/api_call.h"
#include "../support/pgcluster.h"
#include "../support/support.h"

#define DEMO_PASSWORD "waspada-demo"
#define TAKEOVER_MAX_MS 60000

static struct pgcluster pg;
static char *tmpdir;
static struct support_server node[2];
static bool running[2];
static struct support_http admin[2]; /* the same session, used on node 0 and node 1 */
static char csrf[65];
static char today[11];
static json_int_t hook;

/* ---- webhook receiver: counts what arrives ------------------------------------------------ */

static struct {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int requests;
    char deliveries[64][24]; /* X-Waspada-Delivery of each request */
} rx;

static enum MHD_Result hook_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    WSP_UNUSED(cls);
    WSP_UNUSED(url);
    WSP_UNUSED(method);
    WSP_UNUSED(version);
    WSP_UNUSED(upload_data);
    if (!*con_cls) {
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    const char *id = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Waspada-Delivery");
    pthread_mutex_lock(&rx.mu);
    if (rx.requests < 64)
        str_copy(rx.deliveries[rx.requests], id ? id : "", sizeof(rx.deliveries[0]));
    rx.requests++;
    pthread_mutex_unlock(&rx.mu);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
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

static int received(void)
{
    pthread_mutex_lock(&rx.mu);
    int n = rx.requests;
    pthread_mutex_unlock(&rx.mu);
    return n;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static json_t *api(int n, const char *method, const char *path, const char *body, long expect)
{
    return support_api_call(&admin[n], method, path, body, body ? csrf : NULL, expect, NULL);
}

static bool leads(int n)
{
    json_t *v = api(n, "GET", "/api/v1/health", NULL, 200);
    bool l = json_is_true(json_object_get(v, "leader"));
    json_decref(v);
    return l;
}

/* A community report of a death in region, sent to node n and verified there (an alert
 * resting on an unverified lead sends no webhook). */
static json_int_t report_death(int n, const char *where)
{
    char *body = xasprintf("{\"what\":\"Bentrok antarwarga, seorang pemuda tewas dibacok\","
                           "\"where\":\"%s\",\"when\":\"%s\",\"killed\":1}",
                           where, today);
    json_t *v = api(n, "POST", "/api/v1/reports", body, 201);
    json_int_t id = json_integer_value(json_object_get(v, "event_id"));
    json_decref(v);
    free(body);
    assert_true(id > 0);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)id);
    json_decref(api(n, "PATCH", path, "{\"status\":\"terverifikasi\"}", 200));
    return id;
}

/* The number of alerts of region (any state), as node n sees them. */
static json_int_t alerts_of(int n, const char *region)
{
    char *path = xasprintf("/api/v1/alerts?region=%s", region);
    json_t *v = api(n, "GET", path, NULL, 200);
    json_int_t total = json_integer_value(json_object_get(v, "total"));
    json_decref(v);
    free(path);
    return total;
}

/* Each delivery the store recorded for the webhook arrived exactly once, none twice and
 * none unrecorded; the number of deliveries. */
static int deliveries_once(int n)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld/deliveries?limit=100", (long long)hook);
    json_t *v = api(n, "GET", path, NULL, 200);
    json_t *items = json_object_get(v, "items");
    size_t count = json_array_size(items), i;
    json_t *it;
    pthread_mutex_lock(&rx.mu);
    int got = rx.requests;
    json_array_foreach(items, i, it)
    {
        assert_string_equal(json_string_value(json_object_get(it, "state")), "delivered");
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(it, "id")));
        int seen = 0;
        for (int k = 0; k < got && k < 64; k++)
            seen += str_eq(rx.deliveries[k], id);
        if (seen != 1)
            fail_msg("delivery %s arrived %d times", id, seen);
    }
    pthread_mutex_unlock(&rx.mu);
    json_decref(v);
    assert_int_equal(got, (int)count);
    return (int)count;
}

/* Wait up to ms for the receiver to have at least want requests; the count then. */
static int wait_received(int want, long ms)
{
    int64_t end = time_mono_ms() + ms;
    while (received() < want && time_mono_ms() < end)
        usleep(50 * 1000);
    return received();
}

static int start_node(int n)
{
    char name[16], *log;
    snprintf(name, sizeof(name), "node-%c", 'a' + n);
    log = xasprintf("%s/%s.log", tmpdir, name);
    const char *extra[] = {"--threads", "2", "--node-name", name, "--login-max-failures",
                           "3",         NULL};
    int rc = support_server_start(&node[n], pg.url, extra, log);
    free(log);
    running[n] = rc == 0;
    return rc;
}

/* ---- setup -------------------------------------------------------------------------------- */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    struct support_run r;
    const char *init[] = {"--db", pg.url, "init", "--demo", NULL};
    int rc = support_run(&r, NULL, init);
    if (rc != 0)
        fprintf(stderr, "init on PostgreSQL failed (%d): %s\n", r.status, r.err);
    support_run_free(&r);
    if (rc != 0 || receiver_start() != 0 || start_node(0) != 0 || start_node(1) != 0)
        return -1;
    char iso[32];
    time_format_iso(time_now(), iso, sizeof(iso));
    memcpy(today, iso, 10);
    /* one login, on node 0 */
    assert_int_equal(support_http_init(&admin[0], node[0].base_url), 0);
    json_t *v = support_api_call(&admin[0], "POST", "/api/v1/auth/login",
                                 "{\"username\":\"admin\",\"password\":\"" DEMO_PASSWORD "\"}",
                                 NULL, 200, NULL);
    str_copy(csrf, json_string_value(json_object_get(v, "csrf_token")), sizeof(csrf));
    json_decref(v);
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    support_http_cleanup(&admin[0]);
    support_http_cleanup(&admin[1]);
    int rc = 0;
    for (int i = 0; i < 2; i++)
        if (running[i] && support_server_stop(&node[i]) != 0)
            rc = -1;
    if (rx.d)
        MHD_stop_daemon(rx.d);
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(tmpdir);
    return rc;
}

/* ---- tests -------------------------------------------------------------------------------- */

/* The session cookie made on node 0 is good on node 1 (sessions are the database's). */
static void test_session_on_both(void **state)
{
    WSP_UNUSED(state);
    char *cookie = support_http_cookie(&admin[0], "waspada_session");
    assert_non_null(cookie);
    assert_int_equal(support_http_init(&admin[1], node[1].base_url), 0);
    char *hdr = xasprintf("Cookie: waspada_session=%s", cookie);
    const char *headers[] = {hdr, NULL};
    struct support_response r;
    assert_int_equal(support_http(&admin[1], "GET", "/api/v1/auth/me", NULL, 0, headers, &r), 200);
    json_t *v = json_loads(r.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "user"), "username")),
                        "admin");
    json_decref(v);
    support_response_free(&r);
    /* and without it node 1 knows nobody */
    struct support_http anon;
    assert_int_equal(support_http_init(&anon, node[1].base_url), 0);
    assert_int_equal(support_http(&anon, "GET", "/api/v1/auth/me", NULL, 0, NULL, &r), 401);
    support_response_free(&r);
    support_http_cleanup(&anon);
    /* from now on node 1's client carries the cookie itself */
    support_http_cleanup(&admin[1]);
    assert_int_equal(support_http_init(&admin[1], node[1].base_url), 0);
    /* Netscape cookie-file line: domain, subdomains, path, secure, expiry, name, value */
    char *set = xasprintf("127.0.0.1\tFALSE\t/\tFALSE\t0\twaspada_session\t%s", cookie);
    curl_easy_setopt(admin[1].curl, CURLOPT_COOKIELIST, set);
    free(set);
    json_decref(api(1, "GET", "/api/v1/auth/me", NULL, 200));
    free(hdr);
    free(cookie);
}

/* Failed logins spread over both nodes are throttled as one (--login-max-failures 3 on each;
 * the counters are the database's): three failures on node 0, and node 1 holds the same user
 * and address back. Other users and the right password elsewhere are not held back. */
static void test_login_throttle_shared(void **state)
{
    WSP_UNUSED(state);
    struct support_http c[2];
    struct support_response r;
    for (int i = 0; i < 2; i++)
        assert_int_equal(support_http_init(&c[i], node[i].base_url), 0);
    const char *bad = "{\"username\":\"Penebak\",\"password\":\"bukan-sandinya\"}";
    for (int i = 0; i < 3; i++) {
        assert_int_equal(
            support_http(&c[0], "POST", "/api/v1/auth/login", bad, (size_t)-1, NULL, &r), 401);
        support_response_free(&r);
    }
    /* the same user (in another case) from the same address, on the other node */
    assert_int_equal(support_http(&c[1], "POST", "/api/v1/auth/login",
                                  "{\"username\":\"penebak\",\"password\":\"lagi-lagi-salah\"}",
                                  (size_t)-1, NULL, &r),
                     429);
    char *retry = support_response_header(&r, "Retry-After");
    assert_non_null(retry);
    assert_string_equal(retry, "1"); /* the first wait: 1 s after the third failure */
    assert_non_null(strstr(r.body, "too many failed logins"));
    free(retry);
    support_response_free(&r);
    assert_int_equal(support_http(&c[0], "POST", "/api/v1/auth/login", bad, (size_t)-1, NULL, &r),
                     429);
    support_response_free(&r);
    /* another user from that address is not held back */
    json_decref(support_api_call(&c[1], "POST", "/api/v1/auth/login",
                                 "{\"username\":\"admin\",\"password\":\"" DEMO_PASSWORD "\"}",
                                 NULL, 200, NULL));
    for (int i = 0; i < 2; i++)
        support_http_cleanup(&c[i]);
}

/* Exactly one node leads; a report sent to one is an event on the other; the leader opens
 * the alert and its webhook is delivered once. */
static void test_report_alert_webhook(void **state)
{
    WSP_UNUSED(state);
    bool l0 = leads(0), l1 = leads(1);
    assert_true(l0 != l1);
    char *body = xasprintf("{\"url\":\"http://127.0.0.1:%u/hook\",\"secret\":\"rahasia-node\","
                           "\"region_prefix\":\"\",\"min_level\":\"siaga\"}",
                           rx.port);
    json_t *h = api(0, "POST", "/api/v1/webhooks", body, 201);
    hook = json_integer_value(json_object_get(h, "id"));
    json_decref(h);
    free(body);

    json_int_t event = report_death(1, "33.74"); /* to node 1 */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)event);
    json_t *v = api(0, "GET", path, NULL, 200); /* seen on node 0 */
    assert_string_equal(json_string_value(json_object_get(v, "regency_code")), "33.74");
    json_decref(v);

    int64_t t0 = time_mono_ms();
    assert_true(wait_received(1, 10000) >= 1);
    /* node 1 wrote the event, node 0 (the leader) heard the database's news, raised the
     * alert and delivered it */
    fprintf(stderr,
            "webhook of an event sent to the other node arrived %lld ms after its"
            " verification\n",
            (long long)(time_mono_ms() - t0));
    usleep(1500 * 1000); /* time for a second sending of it, from either node */
    assert_true(deliveries_once(0) >= 1);
    assert_int_equal(alerts_of(0, "33.74"), 1);
    assert_int_equal(alerts_of(1, "33.74"), 1);
}

/* SIGKILL the leader: the other node goes on serving, takes over within a minute, and its
 * next alert is delivered once. */
static void test_leader_killed(void **state)
{
    WSP_UNUSED(state);
    int leader = leads(0) ? 0 : 1, other = 1 - leader;
    assert_int_equal(kill(node[leader].pid, SIGKILL), 0);
    int st;
    waitpid(node[leader].pid, &st, 0);
    running[leader] = false;
    int64_t t0 = time_mono_ms();
    while (!leads(other) && time_mono_ms() - t0 < TAKEOVER_MAX_MS)
        usleep(200 * 1000);
    long took = (long)(time_mono_ms() - t0);
    fprintf(stderr, "node %c took over early warning %ld ms after node %c was killed\n",
            'a' + other, took, 'a' + leader);
    assert_true(leads(other));
    assert_true(took < TAKEOVER_MAX_MS);
    /* taking over repaired nothing and sent nothing again */
    int before = deliveries_once(other);
    assert_int_equal(alerts_of(other, "33.74"), 1);

    report_death(other, "32.73");
    assert_true(wait_received(before + 1, 10000) > before);
    usleep(1500 * 1000);
    assert_true(deliveries_once(other) > before);
    assert_int_equal(alerts_of(other, "32.73"), 1);
}

int main(void)
{
    int rc = pgcluster_start(&pg);
    if (rc == PGCLUSTER_ABSENT) {
        fprintf(stderr, "test_nodes: skipped: %s\n", pg.why);
        return 0;
    }
    if (rc != PGCLUSTER_OK) {
        fprintf(stderr, "test_nodes: PostgreSQL did not start: %s\n", pg.why);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_on_both),
        cmocka_unit_test(test_login_throttle_shared),
        cmocka_unit_test(test_report_alert_webhook),
        cmocka_unit_test(test_leader_killed),
    };
    rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    pgcluster_stop(&pg);
    return rc;
}
