/*
 * Early warning inside the server: the warn service thread, the Server-Sent Events hub and the
 * webhook delivery thread.
 *
 * Warn service. At start the engine state is built from the stored events and reconciled with
 * the stored alerts (alertd_open). A thread then follows the store's event change feed every
 * ALERTS_POLL_MS (events written by `waspada ingest` in another process), or at once when a
 * handler of this server wrote events (http_alerts_kick). Alert changes go to the store
 * (alertd) and from there to http_alerts_publish: SSE subscribers and the webhook queue.
 *
 * SSE events are the alert_history rows (the alert feed, store_alert_feed): every event carries
 * `id: <history id>`, which grows with every change and survives restarts. One feed cursor
 * (feed_last, under feed_mu) is the newest row already broadcast; publishing (and the service
 * thread's poll, which also catches changes written by other processes) reads the rows after
 * it from the store and broadcasts them in id order, so two writers publishing at once cannot
 * reorder the stream. A client reconnecting with Last-Event-ID gets, before the live events,
 * the rows after that id up to feed_last that lie in its scope (same events, names and JSON
 * as live ones; the alert as stored now), read while holding feed_mu and subscribing before
 * letting it go: the next broadcast starts right after feed_last, so nothing is lost or sent
 * twice. More than SSE_REPLAY_MAX missed events (or an id the feed never reached) give one
 * `event: resync` with id feed_last instead: the client reloads its list.
 *
 * SSE. A stream is a callback response. libmicrohttpd's pool threads each multiplex many
 * connections with epoll, so a stream must never block its thread: when a subscriber has
 * nothing to send, the content reader suspends the connection (MHD_suspend_connection, allowed
 * from a content reader) and returns 0; publishing appends to the subscriber's buffer and
 * resumes it (MHD_resume_connection, woken through the daemon's ITC). A suspended connection
 * costs no thread and no polling; keep-alive comments every ALERTS_KEEPALIVE_MS resume every
 * stream, which is also how a closed client is noticed. A subscriber whose buffer grows past
 * SSE_BUFFER_MAX (a client that stopped reading) is ended.
 *
 * Webhooks. Deliveries are rows (store_delivery_*); a thread posts the due ones with libcurl,
 * signing the body with HMAC-SHA256 of the subscription's secret in X-Waspada-Signature:
 * sha256=<hex>. A 2xx answer delivers; anything else is retried after 1, 2, 4, 8 and 16
 * seconds (WEBHOOK_ATTEMPTS attempts in all), then the delivery fails. Each attempt is logged
 * on the delivery row.
 */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/alertd.h"
#include "http/alerts_http.h"
#include "http/http_internal.h"

#define ALERTS_POLL_MS 250
#define ALERTS_KEEPALIVE_MS 15000
#define SSE_BUFFER_MAX ((size_t)1 << 20)
#define SSE_REPLAY_MAX 500
#define FEED_BATCH 500
#define WEBHOOK_ATTEMPTS 6
#define WEBHOOK_TIMEOUT_S 10L
#define WEBHOOK_BATCH 16
#define LEADER_CHECK_MS 1000
/* With PostgreSQL's news (LISTEN/NOTIFY, news_main) the poll is only a safety net. */
#define ALERTS_POLL_NEWS_MS 2000
#define NEWS_WAIT_MS 500

struct sse_sub {
    struct http_alerts *owner;
    struct MHD_Connection *conn;
    /* The session the stream belongs to: it ends with it (http_alerts_end_streams, expiry). */
    int64_t user_id;
    int64_t expires_at;
    char token_hash[AUTH_TOKEN_HEX];
    bool national;
    char scope[32];
    struct buf out;
    size_t sent;
    bool suspended, closed;
    struct sse_sub *prev, *next;
};

struct http_alerts {
    struct http_server *srv;
    /* engine */
    pthread_mutex_t mu; /* guards d (the engine state) */
    struct alertd *d;
    struct store *store; /* the service thread's connection */
    pthread_t thread;
    /* wake-ups */
    pthread_mutex_t wake_mu;
    pthread_cond_t wake_cv;
    /* webhooks */
    pthread_t wh_thread;
    pthread_cond_t wh_cv;
    /* SSE */
    pthread_mutex_t feed_mu; /* guards feed_last; taken before sse_mu */
    int64_t feed_last;       /* newest alert_history id broadcast */
    pthread_mutex_t sse_mu;
    struct sse_sub *subs;
    size_t nsubs;
    /* the flags of the groups above, kept together (no padding between them) */
    bool thread_ok;    /* engine */
    bool kicked, stop; /* wake-ups */
    bool wh_ok;        /* webhooks */
    bool wh_kicked;
    bool sse_closed;       /* SSE */
    _Atomic bool leading;  /* this server writes alerts and delivers webhooks */
    pthread_t news_thread; /* PostgreSQL: wakes the service thread on the database's news */
    bool news_ok;
    _Atomic bool news_listening;
    int64_t leader_checked; /* time_mono_ms() of the last look at the leader lock */
};

/* ---- SSE ------------------------------------------------------------------------------- */

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct sse_sub *sub = cls;
    WSP_UNUSED(pos);
    struct http_alerts *a = sub->owner;
    pthread_mutex_lock(&a->sse_mu);
    if (sub->sent < sub->out.len) {
        size_t n = sub->out.len - sub->sent;
        if (n > max)
            n = max;
        memcpy(out, sub->out.data + sub->sent, n);
        sub->sent += n;
        if (sub->sent == sub->out.len) {
            buf_reset(&sub->out);
            sub->sent = 0;
        }
        pthread_mutex_unlock(&a->sse_mu);
        return (ssize_t)n;
    }
    if (sub->closed) {
        pthread_mutex_unlock(&a->sse_mu);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    sub->suspended = true;
    MHD_suspend_connection(sub->conn);
    pthread_mutex_unlock(&a->sse_mu);
    return 0;
}

static void sse_free(void *cls)
{
    struct sse_sub *sub = cls;
    struct http_alerts *a = sub->owner;
    pthread_mutex_lock(&a->sse_mu);
    if (sub->prev)
        sub->prev->next = sub->next;
    else
        a->subs = sub->next;
    if (sub->next)
        sub->next->prev = sub->prev;
    a->nsubs--;
    pthread_mutex_unlock(&a->sse_mu);
    buf_release(&sub->out);
    free(sub);
}

/* Append to a subscriber (sse_mu held) and wake it. */
static void sse_push(struct sse_sub *sub, const char *text, size_t len)
{
    if (sub->closed)
        return;
    if (sub->out.len - sub->sent + len > SSE_BUFFER_MAX) {
        LOG_W("http", "alert stream of a slow client ended (buffer full)");
        sub->closed = true;
    } else {
        buf_append(&sub->out, text, len);
    }
    if (sub->suspended) {
        sub->suspended = false;
        MHD_resume_connection(sub->conn);
    }
}

static bool sub_sees(const struct sse_sub *sub, const char *region)
{
    return sub->national || (sub->scope[0] && auth_scope_covers(sub->scope, region));
}

static void sse_broadcast(struct http_alerts *a, const char *region, const char *text)
{
    size_t len = strlen(text);
    pthread_mutex_lock(&a->sse_mu);
    for (struct sse_sub *s = a->subs; s; s = s->next)
        if (!region || sub_sees(s, region))
            sse_push(s, text, len);
    pthread_mutex_unlock(&a->sse_mu);
}

/* End a subscriber's stream (sse_mu held): what is buffered is sent, then the stream ends. */
static void sse_end(struct sse_sub *sub)
{
    sub->closed = true;
    if (sub->suspended) {
        sub->suspended = false;
        MHD_resume_connection(sub->conn);
    }
}

void http_alerts_end_streams(struct http_server *srv, int64_t user_id, const char *token_hash)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return;
    pthread_mutex_lock(&a->sse_mu);
    for (struct sse_sub *s = a->subs; s; s = s->next)
        if (s->user_id == user_id && (!token_hash || str_eq(s->token_hash, token_hash)))
            sse_end(s);
    pthread_mutex_unlock(&a->sse_mu);
}

/* End the streams whose session has expired. */
static void sse_expire(struct http_alerts *a, int64_t now)
{
    pthread_mutex_lock(&a->sse_mu);
    for (struct sse_sub *s = a->subs; s; s = s->next)
        if (s->expires_at <= now)
            sse_end(s);
    pthread_mutex_unlock(&a->sse_mu);
}

void http_alerts_close_streams(struct http_server *srv)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return;
    pthread_mutex_lock(&a->sse_mu);
    a->sse_closed = true;
    for (struct sse_sub *s = a->subs; s; s = s->next) {
        s->closed = true;
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
    }
    pthread_mutex_unlock(&a->sse_mu);
}

/* Last-Event-ID as a history id, or -1 when absent or not a number. */
static int64_t last_event_id(struct http_request *rq)
{
    const char *v = http_header(rq, "Last-Event-ID");
    if (!v || !*v || strlen(v) > 18)
        return -1;
    int64_t id = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        id = id * 10 + (*p - '0');
    }
    return id;
}

static char *sse_frame(struct http_server *srv, const struct store_alert_change *c);

/* Append to sub->out the events after `after` it missed (feed_mu held). */
static int sse_replay(struct http_alerts *a, struct store *s, struct sse_sub *sub, int64_t after,
                      struct error *err)
{
    int64_t upto = a->feed_last;
    if (after >= upto) {
        if (after == upto)
            return 0;
    } else if (!sub->national && !sub->scope[0]) {
        return 0;
    } else {
        struct arena ar;
        arena_init(&ar, 0);
        struct store_alert_change *rows;
        size_t n;
        int rc = store_alert_feed(s, after, upto, sub->national ? NULL : sub->scope,
                                  SSE_REPLAY_MAX + 1, &ar, &rows, &n, err);
        if (rc == 0 && n <= SSE_REPLAY_MAX) {
            for (size_t i = 0; i < n; i++) {
                if (!sub_sees(sub, rows[i].alert.region_code))
                    continue;
                char *frame = sse_frame(a->srv, &rows[i]);
                if (frame)
                    buf_puts(&sub->out, frame);
                free(frame);
            }
        }
        arena_release(&ar);
        if (rc != 0 || n <= SSE_REPLAY_MAX)
            return rc;
    }
    /* Too much missed, or an id this feed never reached (another database): start over. */
    buf_printf(&sub->out,
               "event: resync\nid: %" PRId64 "\ndata: {\"event\":\"resync\",\"last_id\":%" PRId64
               "}\n\n",
               upto, upto);
    return 0;
}

int http_alerts_stream(struct http_request *rq)
{
    struct http_alerts *a = rq->srv->alerts;
    if (!a)
        return http_reply_error(rq, WSP_EBUSY, "early warning is unavailable");
    int64_t after = last_event_id(rq);
    struct store *store = NULL;
    if (after >= 0 && !(store = http_store(rq)))
        return -1;
    struct sse_sub *sub = xcalloc(1, sizeof(*sub));
    sub->owner = a;
    sub->conn = rq->conn;
    sub->user_id = rq->user.id;
    sub->expires_at = rq->session.expires_at;
    auth_token_hash(rq->token, sub->token_hash);
    sub->national = auth_role_national(rq->role);
    str_copy(sub->scope, rq->user.region, sizeof(sub->scope));
    buf_init(&sub->out, 0);
    buf_puts(&sub->out, "retry: 3000\n: waspada alert stream\n\n");
    /* Replay and subscribe under feed_mu: live events start right after what was replayed. */
    pthread_mutex_lock(&a->feed_mu);
    struct error err = {0};
    if (after >= 0 && sse_replay(a, store, sub, after, &err) != 0) {
        pthread_mutex_unlock(&a->feed_mu);
        buf_release(&sub->out);
        free(sub);
        return http_reply_err(rq, &err);
    }
    pthread_mutex_lock(&a->sse_mu);
    if (a->sse_closed) {
        pthread_mutex_unlock(&a->sse_mu);
        pthread_mutex_unlock(&a->feed_mu);
        buf_release(&sub->out);
        free(sub);
        return http_reply_error(rq, WSP_EBUSY, "server is shutting down");
    }
    sub->next = a->subs;
    if (a->subs)
        a->subs->prev = sub;
    a->subs = sub;
    a->nsubs++;
    pthread_mutex_unlock(&a->sse_mu);
    pthread_mutex_unlock(&a->feed_mu);
    rq->replied = true;
    rq->status = MHD_HTTP_OK;
    rq->api = false;
    rq->resp_type = "text/event-stream; charset=utf-8";
    rq->resp_reader = sse_read;
    rq->resp_reader_cls = sub;
    rq->resp_reader_free = sse_free;
    http_add_header(rq, "Cache-Control", "no-store");
    http_add_header(rq, "X-Accel-Buffering", "no");
    return 0;
}

size_t http_alerts_stream_count(struct http_server *srv)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return 0;
    pthread_mutex_lock(&a->sse_mu);
    size_t n = a->nsubs;
    pthread_mutex_unlock(&a->sse_mu);
    return n;
}

/* ---- publishing -------------------------------------------------------------------------- */

static const char *event_name(const char *kind)
{
    static const struct {
        const char *kind, *name;
    } names[] = {
        {"opened", "alert.opened"},       {"level", "alert.level"},
        {"closed", "alert.closed"},       {"reopened", "alert.reopened"},
        {"retracted", "alert.retracted"}, {"ack", "alert.ack"},
        {"close", "alert.closed"},        {"escalate", "alert.escalated"},
        {"verified", "alert.verified"},   {"unverified", "alert.unverified"},
        {"response", "alert.response"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(names); i++)
        if (str_eq(kind, names[i].kind))
            return names[i].name;
    return "alert.changed";
}

static int level_rank(const char *s)
{
    int r = warn_level_parse(s);
    return r < 0 ? 0 : r;
}

/* One SSE event of the feed: `event: <name>`, `id: <history id>`, the JSON document. */
/* The JSON document of one change, as sent on the stream and to webhooks. Caller frees. */
static char *feed_json(struct http_server *srv, const struct store_alert_change *c)
{
    json_t *doc = json_pack("{s:s,s:s,s:o,s:o}", "event", event_name(c->kind), "kind", c->kind,
                            "alert", http_json_alert(srv, &c->alert), "at", http_json_time(c->at));
    char *data = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return data;
}

/* The webhook's document: the stream's, with the approved RAD actions that answer the alert
 * (issue 16: "response_phase", "status_keadaan_konflik", "suggested_actions", as on GET
 * /alerts/{id}). Caller frees. */
static char *webhook_json(struct http_server *srv, struct store *s,
                          const struct store_alert_change *c, struct arena *ar)
{
    json_t *doc = json_pack("{s:s,s:s,s:o,s:o}", "event", event_name(c->kind), "kind", c->kind,
                            "alert", http_json_alert(srv, &c->alert), "at", http_json_time(c->at));
    struct error err = {0};
    if (http_alert_suggestions(s, &c->alert, ar, doc, &err) != 0) {
        LOG_W("http", "suggested actions of alert %" PRId64 ": %s", c->alert.id, err.msg);
        json_object_set_new(doc, "suggested_actions", json_array());
    }
    char *data = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return data;
}

static char *sse_frame(struct http_server *srv, const struct store_alert_change *c)
{
    char *data = feed_json(srv, c);
    if (!data)
        return NULL;
    char *frame =
        xasprintf("event: %s\nid: %" PRId64 "\ndata: %s\n\n", event_name(c->kind), c->id, data);
    free(data);
    return frame;
}

/* Queue webhook deliveries for one change: subscriptions whose region prefix covers the alert
 * and whose minimum level the alert reached (its highest level, so closing is told to the
 * same subscribers). Called in history order from feed_pump, so every subscriber gets one
 * alert's changes in the order they happened, whichever thread made them.
 *
 * Webhooks leave the system (partner agencies, message gateways), so an alert that is belum
 * terverifikasi sends them nothing, not even "opened": one unverified report must not reach
 * them. Subscribers first hear of such an alert when an officer verifies an event behind it
 * (alert.verified, with the whole alert), and hear alert.unverified if it goes back. */
static bool webhooks_queue(struct http_alerts *a, struct store *s,
                           const struct store_alert_change *c)
{
    if (c->alert.unverified && !str_eq(c->kind, "unverified"))
        return false;
    struct arena ar;
    arena_init(&ar, 0);
    struct store_webhook *hooks;
    size_t n;
    struct error err = {0};
    bool queued = false;
    char *data = NULL;
    if (store_webhook_list(s, true, &ar, &hooks, &n, &err) != 0) {
        LOG_W("http", "cannot read webhooks: %s", err.msg);
        n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!auth_scope_covers(hooks[i].region_prefix, c->alert.region_code) ||
            level_rank(c->alert.max_level) < level_rank(hooks[i].min_level))
            continue;
        if (!data && !(data = webhook_json(a->srv, s, c, &ar)))
            break;
        if (store_delivery_add(s, hooks[i].id, c->alert.id, event_name(c->kind), data, NULL,
                               &err) != 0)
            LOG_W("http", "cannot queue webhook %" PRId64 ": %s", hooks[i].id, err.msg);
        else
            queued = true;
    }
    free(data);
    arena_release(&ar);
    return queued;
}

/* Broadcast the feed rows after feed_last, in id order, reading them through s. */
static void feed_pump(struct http_alerts *a, struct store *s)
{
    bool queued = false;
    pthread_mutex_lock(&a->feed_mu);
    for (;;) {
        struct arena ar;
        arena_init(&ar, 0);
        struct store_alert_change *rows;
        size_t n = 0;
        struct error err = {0};
        if (store_alert_feed(s, a->feed_last, 0, NULL, FEED_BATCH, &ar, &rows, &n, &err) != 0)
            LOG_W("http", "cannot read the alert feed: %s", err.msg);
        for (size_t i = 0; i < n; i++) {
            char *frame = sse_frame(a->srv, &rows[i]);
            if (frame)
                sse_broadcast(a, rows[i].alert.region_code, frame);
            free(frame);
            queued |= webhooks_queue(a, s, &rows[i]);
            a->feed_last = rows[i].id;
        }
        arena_release(&ar);
        if (n < FEED_BATCH)
            break;
    }
    pthread_mutex_unlock(&a->feed_mu);
    if (queued) {
        pthread_mutex_lock(&a->wake_mu);
        a->wh_kicked = true;
        pthread_cond_broadcast(&a->wh_cv);
        pthread_mutex_unlock(&a->wake_mu);
    }
}

void http_alerts_publish(struct http_server *srv, struct store *s, const char *kind,
                         const struct store_alert *al)
{
    struct http_alerts *a = srv->alerts;
    WSP_UNUSED(kind);
    WSP_UNUSED(al);
    if (!a)
        return;
    /* The history row this change wrote, with any others not yet sent: to the streams and
     * to the webhooks, in history order. */
    feed_pump(a, s);
}

static void on_alert(void *ud, struct store *s, const char *kind, const struct store_alert *al)
{
    struct http_alerts *a = ud;
    http_alerts_publish(a->srv, s, kind, al);
}

/* ---- the service thread ------------------------------------------------------------------ */

static void wait_ms(struct http_alerts *a, pthread_cond_t *cv, bool *flag, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&a->wake_mu);
    while (!a->stop && !*flag)
        if (pthread_cond_timedwait(cv, &a->wake_mu, &ts) == ETIMEDOUT)
            break;
    *flag = false;
    pthread_mutex_unlock(&a->wake_mu);
}

static bool stopping(struct http_alerts *a)
{
    pthread_mutex_lock(&a->wake_mu);
    bool s = a->stop;
    pthread_mutex_unlock(&a->wake_mu);
    return s;
}

/* Several servers on one PostgreSQL database: take the leader lock when it is free, and step
 * down when this connection lost it (the driver reconnected). With SQLite this server leads. */
static void leader_check(struct http_alerts *a)
{
    int64_t now = time_mono_ms();
    if (now - a->leader_checked < LEADER_CHECK_MS)
        return;
    a->leader_checked = now;
    struct error err = {0};
    bool leading = alertd_leading(a->d), ok;
    int rc =
        leading ? store_leader_held(a->store, &ok, &err) : store_leader_try(a->store, &ok, &err);
    if (rc != 0) {
        LOG_W("http", "early-warning leader lock: %s", err.msg);
        ok = false;
    }
    if (ok == leading)
        return;
    rc = alertd_set_leading(a->d, a->store, ok, &err);
    if (rc != 0) {
        LOG_E("http", "cannot take over early warning: %s", err.msg);
        alertd_set_leading(a->d, a->store, false, &err);
        ok = false;
    }
    a->leading = ok;
    LOG_I("http", "node %s %s early warning", a->srv->node, ok ? "now leads" : "no longer leads");
    if (ok) {
        pthread_mutex_lock(&a->wake_mu);
        a->wh_kicked = true;
        pthread_cond_broadcast(&a->wh_cv);
        pthread_mutex_unlock(&a->wake_mu);
    }
}

static void *service_main(void *arg)
{
    struct http_alerts *a = arg;
    int64_t last_keepalive = time_mono_ms(), last_error_log = 0;
    while (!stopping(a)) {
        struct error err = {0};
        pthread_mutex_lock(&a->mu);
        leader_check(a);
        int rc = alertd_poll(a->d, a->store, &err);
        pthread_mutex_unlock(&a->mu);
        feed_pump(a, a->store); /* changes written by other processes */
        int64_t now = time_mono_ms();
        if (rc != 0 && now - last_error_log > 10000) {
            LOG_E("http", "early warning: %s", err.msg);
            last_error_log = now;
        }
        if (now - last_keepalive >= ALERTS_KEEPALIVE_MS) {
            sse_expire(a, time_now());
            sse_broadcast(a, NULL, ": keep-alive\n\n");
            last_keepalive = now;
        }
        wait_ms(a, &a->wake_cv, &a->kicked,
                a->news_listening ? ALERTS_POLL_NEWS_MS : ALERTS_POLL_MS);
    }
    return NULL;
}

/* PostgreSQL: wait for the database's news (events written or alerts changed by any server or
 * `waspada ingest`) on a connection of its own, and wake the service thread at once; on a
 * lost connection the service thread goes back to polling every ALERTS_POLL_MS until this
 * one listens again. */
static void *news_main(void *arg)
{
    struct http_alerts *a = arg;
    struct store *s = NULL;
    int64_t last_log = 0;
    while (!stopping(a)) {
        struct error err = {0};
        bool news = false;
        int rc = 0;
        if (!s)
            rc = store_open(&s, a->srv->cfg.db_path, &err);
        if (rc == 0 && !a->news_listening && (rc = store_listen(s, &err)) == 0)
            a->news_listening = true;
        if (rc == 0 && (rc = store_wait_news(s, NEWS_WAIT_MS, &news, &err)) == 0 && news)
            http_alerts_kick(a->srv);
        if (rc != 0) {
            a->news_listening = false;
            if (time_mono_ms() - last_log > 10000) {
                LOG_W("http", "database news: %s (polling meanwhile)", err.msg);
                last_log = time_mono_ms();
            }
            bool never = false;
            wait_ms(a, &a->wake_cv, &never, 1000); /* the driver reconnects on the next try */
        }
    }
    store_close(s);
    return NULL;
}

bool http_alerts_leading(struct http_server *srv)
{
    return srv->alerts && srv->alerts->leading;
}

void http_alerts_kick(struct http_server *srv)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return;
    pthread_mutex_lock(&a->wake_mu);
    a->kicked = true;
    pthread_cond_broadcast(&a->wake_cv);
    pthread_mutex_unlock(&a->wake_mu);
}

const struct warn_state *http_alerts_lock(struct http_server *srv)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return NULL;
    pthread_mutex_lock(&a->mu);
    return alertd_state(a->d);
}

const struct warn_state *http_alerts_lock_public(struct http_server *srv, uint64_t *version)
{
    struct http_alerts *a = srv->alerts;
    if (!a)
        return NULL;
    pthread_mutex_lock(&a->mu);
    if (version)
        *version = alertd_public_version(a->d);
    return alertd_public_state(a->d);
}

void http_alerts_unlock(struct http_server *srv)
{
    if (srv->alerts)
        pthread_mutex_unlock(&srv->alerts->mu);
}

uint64_t http_alerts_public_version(struct http_server *srv)
{
    /* Without the engine's lock: a flood of public requests never waits for the engine. */
    return srv->alerts ? alertd_public_version(srv->alerts->d) : 0;
}

/* ---- webhook delivery -------------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    WSP_UNUSED(p);
    WSP_UNUSED(ud);
    return size * n;
}

void http_webhook_sign(const char *secret, const char *body, size_t len, char out[72])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&h, mac);
    str_copy(out, "sha256=", 8); /* bin2hex then overwrites the NUL at out[7] */
    sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}

/* POST one delivery; returns the HTTP status (0 on a transport error, message in errbuf). */
static long post(CURL *c, const struct store_delivery *d, char *errbuf)
{
    char sig[72], h1[128], h2[96], h3[96];
    http_webhook_sign(d->secret, d->payload, strlen(d->payload), sig);
    snprintf(h1, sizeof(h1), "X-Waspada-Signature: %s", sig);
    snprintf(h2, sizeof(h2), "X-Waspada-Event: %s", d->event);
    snprintf(h3, sizeof(h3), "X-Waspada-Delivery: %" PRId64, d->id);
    struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
    hl = curl_slist_append(hl, h1);
    hl = curl_slist_append(hl, h2);
    hl = curl_slist_append(hl, h3);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, d->url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->payload);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(d->payload));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "waspada/" WSP_VERSION);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, WEBHOOK_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    errbuf[0] = '\0';
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else if (!errbuf[0])
        str_copy(errbuf, curl_easy_strerror(cc), CURL_ERROR_SIZE);
    curl_slist_free_all(hl);
    return status;
}

static void *webhook_main(void *arg)
{
    struct http_alerts *a = arg;
    struct store *s = NULL;
    CURL *c = curl_easy_init();
    struct error err = {0};
    if (store_open(&s, a->srv->cfg.db_path, &err) != 0 || !c) {
        LOG_E("http", "webhook delivery disabled: %s", c ? err.msg : "no HTTP client");
        store_close(s);
        if (c)
            curl_easy_cleanup(c);
        return NULL;
    }
    while (!stopping(a)) {
        struct arena ar;
        arena_init(&ar, 0);
        struct store_delivery *due;
        size_t n = 0;
        if (!a->leading) /* the leader delivers */
            ;
        else if (store_delivery_due(s, time_now(), WEBHOOK_BATCH, &ar, &due, &n, &err) != 0)
            LOG_W("http", "webhook queue: %s", err.msg);
        for (size_t i = 0; i < n && !stopping(a); i++) {
            char errbuf[CURL_ERROR_SIZE];
            long status = post(c, &due[i], errbuf);
            int attempt = due[i].attempt + 1;
            const char *state;
            char msg[CURL_ERROR_SIZE + 32];
            int64_t next = 0;
            if (status >= 200 && status < 300) {
                state = "delivered";
                msg[0] = '\0';
            } else {
                if (status)
                    snprintf(msg, sizeof(msg), "HTTP %ld", status);
                else
                    str_copy(msg, errbuf, sizeof(msg));
                state = attempt < WEBHOOK_ATTEMPTS ? "pending" : "failed";
                next = time_now() + ((int64_t)1 << (attempt - 1));
            }
            if (store_delivery_record(s, due[i].id, state, (int)status, msg[0] ? msg : NULL, next,
                                      &err) != 0)
                LOG_W("http", "cannot record delivery %" PRId64 ": %s", due[i].id, err.msg);
            LOG_I("http", "webhook delivery %" PRId64 " attempt %d: %s%s%s", due[i].id, attempt,
                  state, msg[0] ? " " : "", msg);
        }
        arena_release(&ar);
        if (n < WEBHOOK_BATCH)
            wait_ms(a, &a->wh_cv, &a->wh_kicked, ALERTS_POLL_MS);
    }
    curl_easy_cleanup(c);
    store_close(s);
    return NULL;
}

/* ---- start / stop ------------------------------------------------------------------------ */

struct http_alerts *http_alerts_start(struct http_server *srv)
{
    struct http_alerts *a = xcalloc(1, sizeof(*a));
    a->srv = srv;
    pthread_mutex_init(&a->mu, NULL);
    pthread_mutex_init(&a->wake_mu, NULL);
    pthread_cond_init(&a->wake_cv, NULL);
    pthread_cond_init(&a->wh_cv, NULL);
    pthread_mutex_init(&a->feed_mu, NULL);
    pthread_mutex_init(&a->sse_mu, NULL);
    struct error err = {0};
    struct alertd_config cfg = {0};
    int rc = warn_params_load(&cfg.params, &err);
    cfg.escalate_province_after = srv->cfg.escalate_province_after;
    cfg.escalate_national_after = srv->cfg.escalate_national_after;
    cfg.lead_min_confidence = srv->cfg.lead_min_confidence;
    cfg.notify = on_alert;
    cfg.ud = a;
    if (rc == 0)
        rc = store_open(&a->store, srv->cfg.db_path, &err);
    /* Several servers may share a PostgreSQL database: start as a follower and lead once the
     * leader lock is ours (leader_check, at the first poll). */
    bool lock = false;
    if (rc == 0 && (rc = store_leader_try(a->store, &lock, &err)) == 0)
        cfg.follower = !lock;
    if (rc == 0)
        rc = alertd_open(&a->d, a->store, &cfg, &err);
    if (rc == 0) /* start-up reconciliation is no news: the feed starts after it */
        rc = store_alert_feed_last(a->store, &a->feed_last, &err);
    if (rc == 0) {
        a->leading = alertd_leading(a->d);
        a->leader_checked = time_mono_ms();
        LOG_I("http", "node %s %s early warning (%s)", srv->node, a->leading ? "leads" : "follows",
              store_engine_name(a->store));
        curl_global_init(CURL_GLOBAL_DEFAULT);
        srv->alerts = a;
        a->thread_ok = pthread_create(&a->thread, NULL, service_main, a) == 0;
        a->wh_ok = pthread_create(&a->wh_thread, NULL, webhook_main, a) == 0;
        if (str_eq(store_engine_name(a->store), "postgresql"))
            a->news_ok = pthread_create(&a->news_thread, NULL, news_main, a) == 0;
        if (!a->thread_ok || !a->wh_ok)
            LOG_E("http", "cannot start the early-warning threads");
        return a;
    }
    LOG_E("http", "early warning is unavailable: %s", err.msg);
    http_alerts_stop(a);
    return NULL;
}

void http_alerts_stop(struct http_alerts *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->wake_mu);
    a->stop = true;
    pthread_cond_broadcast(&a->wake_cv);
    pthread_cond_broadcast(&a->wh_cv);
    pthread_mutex_unlock(&a->wake_mu);
    if (a->thread_ok)
        pthread_join(a->thread, NULL);
    if (a->wh_ok)
        pthread_join(a->wh_thread, NULL);
    if (a->news_ok)
        pthread_join(a->news_thread, NULL);
    alertd_free(a->d);
    store_close(a->store);
    pthread_mutex_destroy(&a->mu);
    pthread_mutex_destroy(&a->wake_mu);
    pthread_cond_destroy(&a->wake_cv);
    pthread_cond_destroy(&a->wh_cv);
    pthread_mutex_destroy(&a->feed_mu);
    pthread_mutex_destroy(&a->sse_mu);
    free(a);
}
