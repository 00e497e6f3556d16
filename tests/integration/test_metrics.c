/*
 * Integration tests of GET /metrics (issue 15, item 2) on a real server: the Prometheus text
 * format; requests counted by route pattern (not the raw path), method and status; a latency
 * histogram whose buckets add up; the database's totals; who may read it (this machine, not
 * a request relayed by a proxy, or the configured token).
 */
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
#include "http/http_internal.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define TOKEN "rahasia-metrik-0123456789"

static char *tmpdir, *db_path;
static struct support_server server;
static bool server_running;

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo-accounts", NULL};
    int rc = support_run(&r, NULL, init);
    support_run_free(&r);
    if (rc != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    setenv("WASPADA_METRICS_TOKEN", TOKEN, 1);
    rc = support_server_start(&server, db_path, NULL, log);
    unsetenv("WASPADA_METRICS_TOKEN");
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
    support_rmtree(tmpdir);
    free(tmpdir);
    free(db_path);
    return rc;
}

static long get(const char *path, const char *h1, struct support_response *r)
{
    struct support_http c;
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    const char *headers[2] = {h1, NULL};
    long status = support_http(&c, "GET", path, NULL, 0, h1 ? headers : NULL, r);
    support_http_cleanup(&c);
    return status;
}

/* The value of the sample whose name and labels are exactly `series`, or -1. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static void test_allowed_on_values(void **state)
{
    WSP_UNUSED(state);
    assert_true(http_metrics_allowed("127.0.0.1", false, NULL, NULL));
    assert_true(http_metrics_allowed("::1", false, NULL, ""));
    assert_true(http_metrics_allowed("::ffff:127.0.0.1", false, NULL, NULL));
    assert_false(http_metrics_allowed("127.0.0.1", true, NULL, NULL)); /* via a proxy */
    assert_false(http_metrics_allowed("10.1.2.3", false, NULL, NULL));
    assert_false(http_metrics_allowed("10.1.2.3", false, "Bearer x", NULL));
    assert_true(http_metrics_allowed("10.1.2.3", true, "Bearer " TOKEN, TOKEN));
    assert_false(http_metrics_allowed("10.1.2.3", false, "Bearer " TOKEN "x", TOKEN));
    assert_false(http_metrics_allowed("10.1.2.3", false, "Basic " TOKEN, TOKEN));
    assert_false(http_metrics_allowed("10.1.2.3", false, "Bearer ", ""));
}

static void test_counts_and_format(void **state)
{
    WSP_UNUSED(state);
    struct support_response r;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get("/api/v1/health", NULL, &r), 200);
        support_response_free(&r);
    }
    assert_int_equal(get("/api/v1/regions/32", NULL, &r), 200);
    support_response_free(&r);
    assert_int_equal(get("/api/v1/regions/99.99", NULL, &r), 404);
    support_response_free(&r);
    assert_int_equal(get("/api/v1/events", NULL, &r), 401);
    support_response_free(&r);
    assert_int_equal(get("/api/v1/no-such-thing", NULL, &r), 404);
    support_response_free(&r);

    /* A request is counted when the server has finished with it, which may be just after the
     * client has its answer: wait until the last one is in. */
    for (int tries = 0;; tries++) {
        assert_int_equal(get("/metrics", NULL, &r), 200);
        if (sample(r.body, "waspada_http_requests_total{route=\"/api/(unmatched)\",method=\"\","
                           "status=\"404\"}") == 1 &&
            sample(r.body, "waspada_http_requests_total{route=\"/api/v1/health\",method=\"GET\","
                           "status=\"200\"}") == 3)
            break;
        assert_true(tries < 100);
        support_response_free(&r);
        usleep(20 * 1000);
    }
    char *type = support_response_header(&r, "Content-Type");
    assert_non_null(type);
    assert_string_equal(type, "text/plain; version=0.0.4; charset=utf-8");
    free(type);
    const char *t = r.body;
    assert_non_null(strstr(t, "# TYPE waspada_http_requests_total counter\n"));
    assert_non_null(strstr(t, "# TYPE waspada_http_request_duration_seconds histogram\n"));
    assert_true(sample(t, "waspada_http_requests_total{route=\"/api/v1/health\",method=\"GET\","
                          "status=\"200\"}") == 3);
    /* the pattern, not the path: ids never become labels */
    assert_true(sample(t, "waspada_http_requests_total{route=\"/api/v1/regions/{code}\","
                          "method=\"GET\",status=\"200\"}") == 1);
    assert_true(sample(t, "waspada_http_requests_total{route=\"/api/v1/regions/{code}\","
                          "method=\"GET\",status=\"404\"}") == 1);
    assert_true(sample(t, "waspada_http_requests_total{route=\"/api/v1/events\",method=\"GET\","
                          "status=\"401\"}") == 1);
    assert_true(sample(t, "waspada_http_requests_total{route=\"/api/(unmatched)\",method=\"\","
                          "status=\"404\"}") == 1);
    assert_null(strstr(t, "99.99"));
    assert_null(strstr(t, "no-such-thing"));
    /* the histogram: cumulative buckets ending at +Inf = count, a sum */
    const char *h = "waspada_http_request_duration_seconds";
    char series[256];
    snprintf(series, sizeof(series),
             "%s_bucket{route=\"/api/v1/health\",method=\"GET\",le=\"+Inf\"}", h);
    assert_true(sample(t, series) == 3);
    snprintf(series, sizeof(series), "%s_count{route=\"/api/v1/health\",method=\"GET\"}", h);
    assert_true(sample(t, series) == 3);
    snprintf(series, sizeof(series),
             "%s_bucket{route=\"/api/v1/health\",method=\"GET\",le=\"0.001\"}", h);
    double fast = sample(t, series);
    assert_true(fast >= 0 && fast <= 3);
    snprintf(series, sizeof(series),
             "%s_bucket{route=\"/api/v1/health\",method=\"GET\",le=\"0.00025\"}", h);
    assert_true(sample(t, series) >= 0 && sample(t, series) <= fast); /* cumulative */
    /* microseconds: three requests took some time, and not seconds */
    snprintf(series, sizeof(series), "%s_sum{route=\"/api/v1/health\",method=\"GET\"}", h);
    assert_true(sample(t, series) > 0 && sample(t, series) < 3);
    /* the database's totals */
    assert_true(sample(t, "waspada_events_stored") == 0);
    assert_true(sample(t, "waspada_alerts_open{level=\"siaga\"}") == 0);
    assert_true(sample(t, "waspada_webhook_deliveries{state=\"failed\"}") == 0);
    assert_true(sample(t, "waspada_feeds") == 0);
    assert_true(sample(t, "waspada_database_size_bytes") > 0);
    assert_true(sample(t, "waspada_up_since_timestamp_seconds") > 1.7e9);
    support_response_free(&r);

    /* /metrics counts itself from the next scrape on */
    double self = 0;
    for (int tries = 0; tries < 100 && self < 1; tries++) {
        assert_int_equal(get("/metrics", NULL, &r), 200);
        self = sample(r.body, "waspada_http_requests_total{route=\"/metrics\",method=\"\","
                              "status=\"200\"}");
        support_response_free(&r);
        if (self < 1)
            usleep(20 * 1000);
    }
    assert_true(self >= 1);
}

static void test_who_may_read(void **state)
{
    WSP_UNUSED(state);
    struct support_response r;
    assert_int_equal(get("/metrics", "X-Forwarded-For: 203.0.113.9", &r), 403);
    assert_non_null(strstr(r.body, "metrics_token"));
    support_response_free(&r);
    assert_int_equal(get("/metrics", "Forwarded: for=203.0.113.9", &r), 403);
    support_response_free(&r);
    assert_int_equal(get("/metrics", "Authorization: Bearer salah", &r), 200); /* local */
    support_response_free(&r);
    /* relayed, with the token: allowed */
    struct support_http c;
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    const char *hs[] = {"X-Forwarded-For: 203.0.113.9", "Authorization: Bearer " TOKEN, NULL};
    assert_int_equal(support_http(&c, "GET", "/metrics", NULL, 0, hs, &r), 200);
    support_response_free(&r);
    const char *bad[] = {"X-Forwarded-For: 203.0.113.9", "Authorization: Bearer " TOKEN "0", NULL};
    assert_int_equal(support_http(&c, "GET", "/metrics", NULL, 0, bad, &r), 403);
    support_response_free(&r);
    assert_int_equal(support_http(&c, "POST", "/metrics", "{}", (size_t)-1, NULL, &r), 405);
    support_response_free(&r);
    support_http_cleanup(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_on_values),
        cmocka_unit_test(test_counts_and_format),
        cmocka_unit_test(test_who_may_read),
    };
    return cmocka_run_group_tests_name("metrics", tests, group_setup, group_teardown);
}
