/* GET /metrics: Prometheus text format (version 0.0.4) for the people who keep the servers.
 *
 * Counted here, per server: HTTP requests by route pattern (never the raw path, so ids do
 * not become labels), method and status; their latency as a histogram per route. Read from
 * the database at each scrape (store_metrics_read): events, articles and reports stored,
 * alerts open by level, webhook deliveries by state, feeds and failing feeds, the database's
 * size. Counters are relaxed atomics: recording costs a few increments on the request's
 * thread and no lock.
 *
 * Who may read: a client on this machine (loopback, and no Forwarded / X-Forwarded-For
 * header: a request relayed by a local proxy is not local), or anyone presenting
 * "Authorization: Bearer <metrics_token>" when a token is configured. Others get 403.
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "http/http_internal.h"
#include "store/store.h"

/* Statuses counted one by one; any other goes into the last slot (label "other"). */
static const unsigned status_codes[] = {200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404,
                                        405, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504};
#define NSTATUS (WSP_ARRAY_LEN(status_codes) + 1)
/* Upper bounds of the latency buckets, microseconds (and +Inf): 0.25 ms to 10 s. */
static const unsigned bucket_us[] = {250,   500,    1000,   2500,   5000,    10000,   25000,
                                     50000, 100000, 250000, 500000, 1000000, 2500000, 10000000};
#define NBUCKET (WSP_ARRAY_LEN(bucket_us) + 1)

struct route_metrics {
    atomic_uint_fast64_t status[NSTATUS];
    atomic_uint_fast64_t bucket[NBUCKET]; /* not cumulative; summed when written */
    atomic_uint_fast64_t sum_us;
};

struct http_metrics {
    size_t nroutes;          /* API routes; then "/metrics", unmatched API paths, files */
    struct route_metrics *r; /* nroutes + 3 */
};

enum { EXTRA_METRICS, EXTRA_API_OTHER, EXTRA_FILES, NEXTRA };

struct http_metrics *http_metrics_new(void)
{
    struct http_metrics *m = xcalloc(1, sizeof(*m));
    m->nroutes = http_route_count();
    m->r = xcalloc(m->nroutes + NEXTRA, sizeof(*m->r));
    return m;
}

void http_metrics_free(struct http_metrics *m)
{
    if (!m)
        return;
    free(m->r);
    free(m);
}

static bool is_api(const char *path)
{
    return path && (str_eq(path, "/api") || str_starts_with(path, "/api/"));
}

void http_metrics_record(struct http_metrics *m, const struct http_request *rq, int64_t us)
{
    if (!m || !rq->started)
        return;
    size_t i;
    if (rq->route_index > 0 && (size_t)rq->route_index <= m->nroutes)
        i = (size_t)rq->route_index - 1;
    else if (str_eq(rq->path, "/metrics"))
        i = m->nroutes + EXTRA_METRICS;
    else
        i = m->nroutes + (is_api(rq->path) ? EXTRA_API_OTHER : EXTRA_FILES);
    struct route_metrics *r = &m->r[i];
    size_t s = NSTATUS - 1;
    unsigned status = rq->queued ? rq->status : 0;
    for (size_t k = 0; k < WSP_ARRAY_LEN(status_codes); k++)
        if (status_codes[k] == status) {
            s = k;
            break;
        }
    atomic_fetch_add_explicit(&r->status[s], 1, memory_order_relaxed);
    size_t b = NBUCKET - 1;
    for (size_t k = 0; k < WSP_ARRAY_LEN(bucket_us); k++)
        if (us <= (int64_t)bucket_us[k]) {
            b = k;
            break;
        }
    atomic_fetch_add_explicit(&r->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_us, (uint_fast64_t)(us < 0 ? 0 : us), memory_order_relaxed);
}

/* ---- who may read ----------------------------------------------------------------------- */

static bool loopback(const char *addr)
{
    return str_starts_with(addr, "127.") || str_eq(addr, "::1") ||
           str_starts_with(addr, "::ffff:127.");
}

bool http_metrics_allowed(const char *client, bool proxied, const char *authorization,
                          const char *token)
{
    if (token && *token && authorization && str_starts_with(authorization, "Bearer ")) {
        const char *given = authorization + 7;
        size_t n = strlen(token);
        if (strlen(given) == n && sodium_memcmp(given, token, n) == 0)
            return true;
    }
    return client && loopback(client) && !proxied;
}

/* ---- the text format ---------------------------------------------------------------------- */

static void header(struct buf *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(struct buf *b, const char *name, const char *help, int64_t v)
{
    header(b, name, "gauge", help);
    buf_printf(b, "%s %lld\n", name, (long long)v);
}

static void route_label(const struct http_metrics *m, size_t i, const char **method,
                        const char **route)
{
    if (i < m->nroutes) {
        http_route_label(i, method, route);
        return;
    }
    static const char *const names[NEXTRA] = {"/metrics", "/api/(unmatched)", "(files)"};
    *method = "";
    *route = names[i - m->nroutes];
}

static void write_http(struct buf *b, const struct http_metrics *m)
{
    header(b, "waspada_http_requests_total", "counter",
           "HTTP requests answered by this server, by route pattern, method and status.");
    for (size_t i = 0; i < m->nroutes + NEXTRA; i++) {
        const char *method, *route;
        route_label(m, i, &method, &route);
        for (size_t s = 0; s < NSTATUS; s++) {
            uint_fast64_t n = atomic_load_explicit(&m->r[i].status[s], memory_order_relaxed);
            if (!n)
                continue;
            char code[8];
            if (s < WSP_ARRAY_LEN(status_codes))
                snprintf(code, sizeof(code), "%u", status_codes[s]);
            else
                str_copy(code, "other", sizeof(code));
            buf_printf(
                b, "waspada_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                route, method, code, (unsigned long long)n);
        }
    }
    header(b, "waspada_http_request_duration_seconds", "histogram",
           "Time from a request's first byte to its answer, by route pattern.");
    for (size_t i = 0; i < m->nroutes + NEXTRA; i++) {
        uint_fast64_t c[NBUCKET], total = 0;
        for (size_t k = 0; k < NBUCKET; k++)
            total += c[k] = atomic_load_explicit(&m->r[i].bucket[k], memory_order_relaxed);
        if (!total)
            continue;
        const char *method, *route;
        route_label(m, i, &method, &route);
        uint_fast64_t cum = 0;
        for (size_t k = 0; k < NBUCKET; k++) {
            cum += c[k];
            if (k < WSP_ARRAY_LEN(bucket_us))
                buf_printf(b,
                           "waspada_http_request_duration_seconds_bucket{route=\"%s\","
                           "method=\"%s\",le=\"%g\"} %llu\n",
                           route, method, bucket_us[k] / 1e6, (unsigned long long)cum);
            else
                buf_printf(b,
                           "waspada_http_request_duration_seconds_bucket{route=\"%s\","
                           "method=\"%s\",le=\"+Inf\"} %llu\n",
                           route, method, (unsigned long long)cum);
        }
        uint_fast64_t us = atomic_load_explicit(&m->r[i].sum_us, memory_order_relaxed);
        buf_printf(b,
                   "waspada_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
                   route, method, (double)us / 1e6);
        buf_printf(b,
                   "waspada_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
                   route, method, (unsigned long long)cum);
    }
}

static void write_store(struct buf *b, const struct store_metrics *s)
{
    gauge(b, "waspada_events_stored", "Conflict events in the database.", s->events);
    gauge(b, "waspada_articles_stored", "Articles (news and community reports) in the database.",
          s->articles);
    gauge(b, "waspada_reports_stored", "Community reports in the database.", s->reports);
    header(b, "waspada_alerts_open", "gauge", "Open alerts by their current level.");
    buf_printf(b, "waspada_alerts_open{level=\"waspada\"} %lld\n",
               (long long)s->alerts_open_waspada);
    buf_printf(b, "waspada_alerts_open{level=\"siaga\"} %lld\n", (long long)s->alerts_open_siaga);
    buf_printf(b, "waspada_alerts_open{level=\"awas\"} %lld\n", (long long)s->alerts_open_awas);
    header(b, "waspada_webhook_deliveries", "gauge", "Webhook deliveries by state.");
    buf_printf(b, "waspada_webhook_deliveries{state=\"pending\"} %lld\n",
               (long long)s->deliveries_pending);
    buf_printf(b, "waspada_webhook_deliveries{state=\"delivered\"} %lld\n",
               (long long)s->deliveries_delivered);
    buf_printf(b, "waspada_webhook_deliveries{state=\"failed\"} %lld\n",
               (long long)s->deliveries_failed);
    gauge(b, "waspada_webhook_deliveries_retried",
          "Webhook deliveries that failed at least once (retried or given up).",
          s->deliveries_retried);
    gauge(b, "waspada_feeds", "News feeds polled by ingest --feeds.", s->feeds);
    gauge(b, "waspada_feeds_failing", "Feeds whose last poll failed.", s->feeds_failing);
    gauge(b, "waspada_feeds_last_poll_timestamp_seconds", "When a feed was last polled (0: never).",
          s->feeds_last_poll);
    gauge(b, "waspada_database_size_bytes", "The database's size.", s->db_bytes);
}

void http_handle_metrics(struct http_request *rq)
{
    if (!str_eq(rq->method, "GET") && !str_eq(rq->method, "HEAD")) {
        http_reply_method_not_allowed(rq, "GET, HEAD");
        return;
    }
    bool proxied = http_header(rq, "Forwarded") || http_header(rq, "X-Forwarded-For");
    if (!http_metrics_allowed(rq->client, proxied, http_header(rq, "Authorization"),
                              rq->srv->cfg.metrics_token)) {
        http_reply_error(rq, WSP_EPERM,
                         "metrics are for this machine, or with the configured metrics_token");
        return;
    }
    struct store *s = http_store(rq);
    struct store_metrics sm;
    struct error err = {0};
    if (!s || store_metrics_read(s, &sm, &err) != 0) {
        http_reply_error(rq, WSP_EIO, "cannot read the database: %s", err.msg);
        return;
    }
    struct buf b;
    buf_init(&b, (size_t)16 << 20);
    write_http(&b, rq->srv->metrics);
    write_store(&b, &sm);
    gauge(&b, "waspada_up_since_timestamp_seconds", "When this server started.",
          rq->srv->started_at);
    if (b.oom) {
        buf_release(&b);
        http_reply_error(rq, WSP_ENOMEM, "metrics do not fit in memory");
        return;
    }
    http_reply_raw(rq, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_release(&b);
}
