/*
 * http internals shared by the files of src/http (not part of the public interface).
 *
 * A request (struct http_request) lives from the first call of the access handler until the
 * completion callback. Everything a handler allocates comes from rq->arena (capped at
 * cfg.arena_max) or is owned by the request (body, parsed JSON, response), so handlers never
 * free. A handler answers with exactly one http_reply_* call; the server queues that answer
 * when the handler returns.
 *
 * The JSON reader (http_json_read) needs no server so the fuzzer and unit tests can call it.
 */
#ifndef WSP_HTTP_INTERNAL_H
#define WSP_HTTP_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/base.h"
#include "detect/detect.h"
#include "geo/geo.h"
#include "http/http.h"
#include "store/store.h"
#include "text/text.h"

#define HTTP_SESSION_COOKIE "waspada_session"
#define HTTP_CSRF_HEADER "X-CSRF-Token"
#define HTTP_MAX_PARAMS 4
#define HTTP_RATELIMIT_KEYS 10000
#define HTTP_THROTTLE_RETRY_S "5" /* Retry-After when the shared throttle state is down */

/* ---- public_cache.c: public answers built once per change ------------------------------- */

struct http_server;
struct http_request;
struct http_snapshot;

/* Cache-Control of the public answers: shared caches and browsers may keep them 30 s. */
#define HTTP_PUBLIC_CACHE_CONTROL "public, max-age=30"

/* One public answer (see public_cache.c): how to tell its data changed and how to build it. */
struct http_public_doc {
    const char *name; /* for error messages: "public risk" */
    /* The version of its data now; cheap, without locks (runs on every request). */
    uint64_t (*version)(struct http_server *srv);
    /* The document (without generated_at), *version set to the version of the data it was
     * made from. NULL after replying an error. */
    json_t *(*build)(struct http_request *rq, uint64_t *version);
    const char *cache_control;
    int64_t ttl_ms; /* rebuilt at least this often (what no version tracks) */
    bool stamp;     /* add "generated_at": when this content was first built */
};

struct http_public_cache {
    const struct http_public_doc *doc; /* NULL: not initialised */
    pthread_mutex_t mu;                /* guards the fields below */
    pthread_mutex_t build_mu;          /* one build at a time */
    struct http_snapshot *cur;         /* one reference held here; NULL before the first build */
    uint64_t version;                  /* data version cur was built from or confirmed at */
    int64_t checked_ms;                /* time_mono_ms() of that */
    int32_t day;                       /* UTC day of that */
};

void http_public_cache_init(struct http_public_cache *c, const struct http_public_doc *doc);
/* Drop the current snapshot (requests still holding it keep it alive). */
void http_public_cache_release(struct http_public_cache *c);
/* Answer rq (GET or HEAD) from the cache, rebuilding it first when stale: 200 plain or gzip
 * (Accept-Encoding), or 304 when If-None-Match names the ETag of that representation. */
void http_public_reply(struct http_request *rq, struct http_public_cache *c);
/* Drop a reference taken for a request (request_free). NULL is a no-op. */
void http_snapshot_release(struct http_snapshot *s);
/* Accept-Encoding allows gzip (named without q=0, or "*" without q=0 and gzip not named). */
bool http_accepts_gzip(const char *accept_encoding);
/* An If-None-Match value matches etag (a quoted strong tag): "*", or etag in its list, with
 * or without W/. */
bool http_etag_matches(const char *if_none_match, const char *etag);

struct http_server {
    struct http_config cfg; /* copied; its strings are borrowed from the caller */
    const struct geo_gazetteer *geo;
    struct MHD_Daemon *daemon;
    struct auth_ratelimit *ratelimit;
    pthread_key_t store_key; /* per worker thread: struct store *, closed at thread exit */
    bool store_key_ok;
    char *web_root; /* realpath of cfg.web_dir, or NULL */
    unsigned port;
    char node[128]; /* cfg.node_name, or host name:port (/api/v1/health) */
    /* Where evidence files are kept and upload bodies spooled (http_server_start). */
    char files_dir[4096], spool_dir[4096];
    /* Detection for community reports, loaded on the first report (http_detect_model). */
    pthread_mutex_t detect_mu;
    struct text_resources *text_res;
    struct detect_model *detect_model;
    /* Early warning: engine service, SSE streams, webhooks (alerts_service.c); NULL when it
     * could not start. */
    struct http_alerts *alerts;
    /* The public P3AKS figures, one cached answer per (year, region) asked (handlers_p3aks.c);
     * p3aks_version grows when this server writes a victim's service. */
    struct http_p3aks_public *p3aks_public;
    atomic_uint_fast64_t p3aks_version;
    /* Bytes of request bodies held in memory across all requests, reserved from
     * cfg.body_budget when a request's headers are accepted (server.c). */
    atomic_size_t body_bytes;
    /* The same per client address (budget_reserve): one address holds at most
     * http_budget_share() of it, so one client cannot take the budget from all others. */
    pthread_mutex_t addr_mu;
    struct http_addr_bytes *addr_bytes; /* addresses with bytes reserved, unordered */
    size_t naddr, capaddr;
    /* Shutdown without MHD_quiesce_daemon (its epoll bookkeeping races the pool's workers in
     * libmicrohttpd 0.9.75 and aborts): new requests get 503 while these drain. */
    atomic_bool stopping;
    atomic_int requests_in_flight;
    /* Public answers built once per change (public_cache.c); cases_version grows when this
     * server writes a case (what /public/cases shows). */
    struct http_public_cache public_risk, public_cases;
    /* GET /metrics (metrics.c): this server's request counters, and when it started. */
    struct http_metrics *metrics;
    int64_t started_at;
    atomic_uint_fast64_t cases_version;
    /* /public/spaces (handlers_spaces.c); spaces_version grows when this server writes a
     * safe space. */
    struct http_public_cache public_spaces;
    atomic_uint_fast64_t spaces_version;
};

struct http_addr_bytes {
    char addr[64];
    size_t bytes;
};

struct http_header {
    const char *name;
    const char *value;
    struct http_header *next;
};

struct http_request {
    struct http_server *srv;
    struct MHD_Connection *conn;
    struct arena arena; /* request lifetime, capped */
    const char *method;
    const char *path; /* decoded path without the query string */
    char client[64];  /* client address, "" when unknown */
    int64_t start_us; /* time_mono_us() at its first byte (access log, metrics.c) */

    /* Set from the request line and headers on the first access-handler call. */
    bool started;        /* method, path and the fields below are filled */
    bool bad_uri;        /* raw URL has %00, a malformed %-escape or a control byte */
    size_t uri_len;      /* length of the raw request target */
    int64_t body_length; /* Content-Length, or -1 when absent (no body, or chunked) */
    bool body_chunked;   /* Transfer-Encoding: the length is known only at the end */
    const void *route;   /* the matched API route (router.c), NULL before routing */
    int route_index;     /* 1 + the index of the API route the path and method matched, even
                            when the request was then refused (metrics.c); 0 for none */

    struct buf body; /* request body, capped at body_cap */
    size_t body_cap; /* cfg.body_max, or HTTP_UPLOAD_MAX for upload routes */
    bool body_too_big;
    bool body_over_budget; /* a chunked body outgrew cfg.body_budget: 503 at its end */
    size_t body_reserved;  /* bytes of srv->body_bytes held by this request */
    size_t drained;        /* bytes of an oversized body dropped so far */
    json_t *json;          /* parsed body (http_request_json), freed with the request */
    /* Upload routes: the body goes to a nameless temporary file beside the database instead
     * of memory (http_request_upload maps it for the handler). */
    bool spool;
    int spool_fd; /* -1 when none */
    size_t spool_len;
    bool spool_failed; /* a write failed: 500 at the body's end */
    void *spool_map;   /* mapping of spool_fd, or NULL */

    const char *params[HTTP_MAX_PARAMS]; /* path parameters of the matched route, in order */
    size_t nparams;

    /* Session, filled by http_session_load(). */
    bool session_loaded;
    bool authed;
    char token[AUTH_TOKEN_HEX];
    struct store_session session;
    struct store_user user; /* without full_name: http_session_full_name reads it */
    enum auth_role role;

    /* Response, filled by http_reply_*. */
    bool replied;
    unsigned status;
    bool api;              /* JSON API response: JSON content type and no-store */
    const char *resp_type; /* content type for non-API responses */
    char *resp_body;       /* malloc'd, or NULL */
    size_t resp_len;
    int resp_fd; /* file to send instead of resp_body, or -1 */
    size_t resp_fd_size;
    struct http_header *resp_headers;
    size_t resp_bytes; /* body size of the queued response, for the access log */
    bool queued;
    /* Streaming response (SSE): a content reader instead of a body; the free callback owns
     * resp_reader_cls once set (alerts_service.c). */
    MHD_ContentReaderCallback resp_reader;
    void *resp_reader_cls;
    MHD_ContentReaderFreeCallback resp_reader_free;
    /* A response made once and shared by many requests (public_cache.c): queued as it is,
     * with the headers it has; resp_snapshot keeps it alive until the request ends. */
    struct MHD_Response *resp_shared;
    struct http_snapshot *resp_snapshot;
};

typedef void (*http_handler)(struct http_request *rq);

/* ---- server.c --------------------------------------------------------------------------- */

/* This worker thread's store connection, opened on first use. NULL after replying 503. */
struct store *http_store(struct http_request *rq);
/* Fill a store_actor for audit rows from the request's session (or "anonymous"). */
void http_actor(const struct http_request *rq, struct store_actor *actor);
/* The detection model (text resources and gazetteer inside), loaded once on first use and
 * shared read-only by all workers. NULL after replying 503 when it cannot be loaded. */
const struct detect_model *http_detect_model(struct http_request *rq);
/* The body of an upload route (read-only, valid until the request ends; len 0 gives ""). 0, or
 * replies 500 and returns the error code. */
int http_request_upload(struct http_request *rq, const void **data, size_t *len);
/* True when raw (a request target as sent, with its query) has a malformed %-escape, %00 or a
 * control byte: such requests get 400 before routing. */
bool http_uri_malformed(const char *raw);
/* The headers every API answer gets (nosniff, referrer and frame policy, JSON content type),
 * and Cache-Control: no-store unless own_cache_control (the caller adds its own). */
void http_response_api_headers(struct MHD_Response *resp, bool own_cache_control);
/* True when a Content-Type header value is application/json, with at most a charset=utf-8
 * parameter besides others. */
bool http_content_type_json(const char *value);

/* ---- router.c --------------------------------------------------------------------------- */

/* Largest accepted body for a request: cfg.body_max, or HTTP_UPLOAD_MAX (when larger) for
 * routes that take file uploads (evidence files). */
#define HTTP_UPLOAD_MAX ((size_t)10 << 20)
/*
 * Decide an /api/ request from its request line and headers alone, before any of its body is
 * read: 404 / 405 (HEAD is allowed wherever GET is), 413 (Content-Length over the route's
 * cap), 415 (a body without application/json on a route that reads JSON), 401, 403 (CSRF).
 * 0 when the request may go on (sets rq->route, rq->body_cap and rq->spool); otherwise it
 * replied. Idempotent: 0 at once when rq->route is set.
 */
int http_route_check(struct http_request *rq);
/* Route an /api/ request to its handler (after http_route_check, which it calls again). */
void http_route(struct http_request *rq);

/* ---- static.c --------------------------------------------------------------------------- */

/* Serve a non-API GET/HEAD request from the web directory. */
void http_static(struct http_request *rq);

/* ---- json.c ----------------------------------------------------------------------------- */

/*
 * Parse a request body into a JSON object. 0 with *out set (caller decrefs); otherwise
 * *out is NULL and the result is WSP_ETOOBIG when len > max (max 0 = no cap) or WSP_EINVAL
 * with err->msg "invalid JSON: ..." (printable ASCII only). Rejects empty bodies, non-objects,
 * duplicate keys, NUL escapes, invalid UTF-8 and numbers that do not fit.
 */
int http_json_read(const char *data, size_t len, size_t max, json_t **out, struct error *err);

/* String member `key` of obj into *out (borrowed from obj). Missing: WSP_EINVAL when
 * required, else *out = NULL. Wrong type, longer than maxlen bytes or containing control
 * characters: WSP_EINVAL. */
int http_json_string(json_t *obj, const char *key, bool required, size_t maxlen, const char **out,
                     struct error *err);

/* The request body as a JSON object (cached on rq). On failure replies 400/413 and returns
 * the error code. */
int http_request_json(struct http_request *rq, json_t **out);

/* Answer with a JSON value (stolen; NULL means 500). */
void http_reply_json(struct http_request *rq, unsigned status, json_t *value);
/* Answer with the error envelope. 5xx messages are logged and replaced by a generic one. */
int http_reply_error(struct http_request *rq, int code, const char *fmt, ...) WSP_PRINTF(3, 4);
/* Same from a struct error filled by a lower layer. */
int http_reply_err(struct http_request *rq, const struct error *err);
#ifdef __clang_analyzer__ /* both never return 0: see error_set() in base.h */
#define http_reply_error(...) WSP_ANALYZER_FAILS(http_reply_error(__VA_ARGS__))
#define http_reply_err(...) WSP_ANALYZER_FAILS(http_reply_err(__VA_ARGS__))
#endif
/* 405 with an Allow header listing the methods the path supports. */
void http_reply_method_not_allowed(struct http_request *rq, const char *allow);
/* ---- metrics (metrics.c) ------------------------------------------------------------------ */

struct http_metrics;
struct http_metrics *http_metrics_new(void);
void http_metrics_free(struct http_metrics *m);
/* Count a finished request (route, status, microseconds from its first byte). Thread-safe,
 * lock-free. */
void http_metrics_record(struct http_metrics *m, const struct http_request *rq, int64_t us);
/* Whether a client may read /metrics: a valid "Bearer <token>" when token is set, or a
 * loopback address not relayed by a proxy. */
bool http_metrics_allowed(const char *client, bool proxied, const char *authorization,
                          const char *token);
void http_handle_metrics(struct http_request *rq);
/* The API routes (router.c), for metrics' labels: how many, and route i's method and pattern. */
size_t http_route_count(void);
void http_route_label(size_t i, const char **method, const char **pattern);

/* Non-API answer: body is copied. */
void http_reply_raw(struct http_request *rq, unsigned status, const char *content_type,
                    const char *body, size_t len);
/* Add a response header (both strings copied into the request arena). */
void http_add_header(struct http_request *rq, const char *name, const char *value);

/* The policy of every HTML page we send, the app's and the printable reports' (see
 * web/README.md): `default-src 'self'` covers scripts, styles, images, fonts and
 * fetch/EventSource; no 'unsafe-inline' anywhere (pages set styles through the CSSOM, which
 * CSP does not restrict). */
#define HTTP_PAGE_CSP                                                                              \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

/* {"id","username","role","region","full_name","disabled","created_at","updated_at"} */
json_t *http_json_user(const struct store_user *u);
/* ISO-8601 UTC string value, or null for 0. */
json_t *http_json_time(int64_t t);
/* JSON string from bytes that may not be UTF-8 (invalid bytes become '?'). */
json_t *http_json_str(const char *s);

/* ---- session.c -------------------------------------------------------------------------- */

/* Look up the session cookie once per request; sets rq->authed, rq->user, rq->role.
 * Returns 0 when authenticated, WSP_EAUTH when not, or a store error (not replied). */
int http_session_load(struct http_request *rq);
/* 0 when the request has a valid session; otherwise replies 401 (or 5xx) and returns < 0. */
int http_require_session(struct http_request *rq);
/* Fill rq->user.full_name, which the session lookup leaves out (it is sealed, and opening it
 * was more than half of the lookup's cost on every request), for a handler that shows it.
 * Needs a session. 0, or replies and returns the error code. */
int http_session_full_name(struct http_request *rq);
/* 0 when X-CSRF-Token belongs to the session; otherwise replies 403 and returns WSP_EPERM. */
int http_require_csrf(struct http_request *rq);
/*
 * Throttles (rules in auth: auth_login_admit/record, auth_bucket_*): their state is the
 * server's memory (srv->ratelimit) on SQLite, one server per file, and the database's
 * (store_throttle_*) on PostgreSQL, so that the servers of one database count every attempt
 * together. When the database cannot answer they fail closed: 503 with Retry-After, logged.
 */
/* Count a state-changing request against the write rate limits of its user (when logged in)
 * and address, and the report limits too when report (cfg.write_limit_*, report_limit_*).
 * 0 when allowed; otherwise replies 429 with Retry-After and returns WSP_ERATE (or 503 and
 * WSP_EBUSY when the shared state cannot be read). */
int http_require_write_quota(struct http_request *rq, bool report);
/* May rq's client try a password of username now (a login, or a password change that needs
 * the current one)? 0 with *wait_ms 0 = yes, or the wait in ms; < 0 after replying 503 when
 * the shared state cannot be read (nothing is admitted then). */
int http_login_admit(struct http_request *rq, struct store *st, const char *username,
                     int64_t *wait_ms);
/* Record the outcome of an attempt http_login_admit admitted (a failure is logged). */
void http_login_record(struct http_request *rq, struct store *st, const char *username, bool ok);
/* Session cookie header value for token (NULL token = expire the cookie), arena-allocated. */
const char *http_session_cookie(struct http_request *rq, const char *token, unsigned max_age);
/* Query-string argument, or NULL. */
const char *http_query(struct http_request *rq, const char *name);
/* Request header, or NULL. */
const char *http_header(struct http_request *rq, const char *name);

/* May `me` (role, scope) create or administer an account with role `target` in `region`?
 * admin: anything; provinsi: kabkota/pelapor inside its province; kabkota: pelapor inside
 * its regency; nobody else. */
bool http_may_manage(enum auth_role me, const char *scope, enum auth_role target,
                     const char *region);
/* May `me` see the account of a user with `region`? admin all; provinsi/kabkota inside
 * their scope. (Users always see themselves; the caller checks that.) */
bool http_may_view_user(enum auth_role me, const char *scope, const char *region);

/* ---- handlers_*.c ----------------------------------------------------------------------- */

void http_handle_health(struct http_request *rq);
void http_handle_regions(struct http_request *rq);
void http_handle_region(struct http_request *rq);
void http_handle_login(struct http_request *rq);
void http_handle_logout(struct http_request *rq);
void http_handle_me(struct http_request *rq);
void http_handle_users_list(struct http_request *rq);
void http_handle_users_add(struct http_request *rq);
void http_handle_user_get(struct http_request *rq);
void http_handle_user_patch(struct http_request *rq);
void http_handle_user_password(struct http_request *rq);
void http_handle_audit(struct http_request *rq);
/* handlers_events.c / handlers_reports.c (issue 3: events API and community reports) */
void http_handle_events_list(struct http_request *rq);
void http_handle_event_get(struct http_request *rq);
void http_handle_event_patch(struct http_request *rq);
void http_handle_events_export(struct http_request *rq);
void http_handle_public_events_export(struct http_request *rq);
void http_handle_reports_add(struct http_request *rq);
/* A community report as POST /reports makes it (handlers_reports.c), for the web form and the
 * intake of field messages alike: the same checks, detection, place and deduplication. */
struct http_report_out {
    int64_t report_id, event_id;
    bool existed;         /* the same text from the same reporter: the first report's ids */
    const char *category; /* the detector's, in the request arena */
    double confidence;
};
struct http_report_in {
    const struct store_user *user; /* the reporter */
    enum auth_role role;
    const struct store_actor *actor; /* the audit rows' actor (replaced when anonymous) */
    const char *what, *where, *when, *who, *text; /* as POST /reports; what required */
    long killed, injured;                         /* -1 = not given */
    bool women_children, anonymous;
    json_t *extra_fields; /* merged into the report's fields (borrowed), or NULL */
    /* Called inside the report's transaction once it is stored (NULL: none): what the caller
     * records of it commits or rolls back with it. */
    int (*in_tx)(struct store *s, const struct http_report_out *out, void *ud, struct error *err);
    void *ud;
};
/* 0 with *out filled, or a WSP_E* code with err filled and nothing replied, unless
 * rq->replied (503: no detection model or no database). */
int http_report_submit(struct http_request *rq, const struct http_report_in *in,
                       struct http_report_out *out, struct error *err);
/* handlers_intake.c: field messages in (issue 16, item 3) */
void http_handle_intake(struct http_request *rq);
void http_handle_intake_channels_list(struct http_request *rq);
void http_handle_intake_channels_add(struct http_request *rq);
void http_handle_intake_channel_patch(struct http_request *rq);
void http_handle_intake_leads_list(struct http_request *rq);
void http_handle_intake_lead_get(struct http_request *rq);
void http_handle_intake_lead_promote(struct http_request *rq);
void http_handle_intake_lead_discard(struct http_request *rq);
/* Set (normalised, hashed with the database's phone key, sealed) or clear (phone NULL or "")
 * a user's number (handlers_intake.c, for PATCH /users/{id}). 0 or WSP_E* with err filled. */
int http_user_phone_set(struct http_request *rq, struct store *st, int64_t user_id,
                        const char *phone, struct error *err);

/* handlers_plan*.c: plan and control (Timdu, forums, RAD, progress, compliance, cases) */
void http_handle_plan_calendar(struct http_request *rq);
void http_handle_plan_calendar_set(struct http_request *rq);
void http_handle_timdu_list(struct http_request *rq);
void http_handle_timdu_add(struct http_request *rq);
void http_handle_timdu_get(struct http_request *rq);
void http_handle_timdu_patch(struct http_request *rq);
void http_handle_timdu_delete(struct http_request *rq);
void http_handle_timdu_member_add(struct http_request *rq);
void http_handle_timdu_member_delete(struct http_request *rq);
void http_handle_forums_list(struct http_request *rq);
void http_handle_forum_add(struct http_request *rq);
void http_handle_forum_get(struct http_request *rq);
void http_handle_forum_patch(struct http_request *rq);
void http_handle_forum_delete(struct http_request *rq);
void http_handle_rad_list(struct http_request *rq);
void http_handle_rad_add(struct http_request *rq);
void http_handle_rad_get(struct http_request *rq);
void http_handle_rad_patch(struct http_request *rq);
void http_handle_rad_submit(struct http_request *rq);
void http_handle_rad_return(struct http_request *rq);
void http_handle_rad_approve(struct http_request *rq);
void http_handle_rad_versions(struct http_request *rq);
void http_handle_rad_version(struct http_request *rq);
void http_handle_rad_action_add(struct http_request *rq);
void http_handle_action_patch(struct http_request *rq);
void http_handle_action_delete(struct http_request *rq);
void http_handle_pokja_add(struct http_request *rq);
void http_handle_pokja_delete(struct http_request *rq);
void http_handle_opd(struct http_request *rq);
void http_handle_progress_list(struct http_request *rq);
void http_handle_progress_add(struct http_request *rq);
void http_handle_progress_get(struct http_request *rq);
void http_handle_progress_patch(struct http_request *rq);
void http_handle_evidence_add(struct http_request *rq);
void http_handle_evidence_get(struct http_request *rq);
void http_handle_compliance(struct http_request *rq);
void http_handle_compliance_report(struct http_request *rq);
void http_handle_compliance_export(struct http_request *rq);
void http_handle_rad_export(struct http_request *rq);
void http_handle_progress_export(struct http_request *rq);
void http_handle_cases_list(struct http_request *rq);
void http_handle_case_add(struct http_request *rq);
void http_handle_case_get(struct http_request *rq);
void http_handle_case_patch(struct http_request *rq);
void http_handle_case_action_add(struct http_request *rq);
void http_handle_case_victims(struct http_request *rq);
/* handlers_services.c: the services of a named victim (P3AKS) */
struct store_service;
/* A service as the API shows it (with its type's labels and the next step). */
json_t *http_json_service(const struct store_service *sv);
void http_handle_victim_services(struct http_request *rq);
void http_handle_victim_service_add(struct http_request *rq);
void http_handle_service_patch(struct http_request *rq);

/* ---- early warning (alerts_service.c, handlers_alerts.c) -------------------------------- */

struct store_alert;
struct warn_state;
/* Start the warn service, the webhook thread and the SSE hub (sets srv->alerts). NULL when the
 * engine cannot be built (logged; the alert endpoints then answer 503). */
struct http_alerts *http_alerts_start(struct http_server *srv);
/* End every SSE stream (before the daemon stops: suspended connections must be resumed). */
void http_alerts_close_streams(struct http_server *srv);
/* End the SSE streams of a session (token_hash, the stored hash of its token) or, with
 * token_hash NULL, of every session of the user: after logout, a new password or disabling. */
void http_alerts_end_streams(struct http_server *srv, int64_t user_id, const char *token_hash);
/* Stop the threads and free (after the daemon stopped). NULL is a no-op. */
void http_alerts_stop(struct http_alerts *a);
/* Events were written by this server: poll the change feed now. */
void http_alerts_kick(struct http_server *srv);
/* Whether this server leads early warning (writes alerts, delivers webhooks): always with
 * SQLite; with PostgreSQL the server holding the leader lock (store_leader_try). */
bool http_alerts_leading(struct http_server *srv);
/* Tell SSE subscribers who may see the alert's region and queue matching webhooks (through
 * the caller's store s). kind: opened, level, closed, reopened, retracted, ack, close,
 * escalate. */
void http_alerts_publish(struct http_server *srv, struct store *s, const char *kind,
                         const struct store_alert *a);
/* Reply with an SSE stream of the alerts the session may see; replies 503 itself. */
int http_alerts_stream(struct http_request *rq);
size_t http_alerts_stream_count(struct http_server *srv);
/* The engine state, locked for reading (NULL when unavailable: then do not unlock). */
const struct warn_state *http_alerts_lock(struct http_server *srv);
void http_alerts_unlock(struct http_server *srv);
/* "sha256=<hex HMAC-SHA256 of body with secret>" into out. */
void http_webhook_sign(const char *secret, const char *body, size_t len, char out[72]);
/* An alert as JSON (with the region's name). */
json_t *http_json_alert(struct http_server *srv, const struct store_alert *a);
void http_handle_alerts_list(struct http_request *rq);
void http_handle_alerts_stream(struct http_request *rq);
void http_handle_alert_get(struct http_request *rq);
void http_handle_alert_ack(struct http_request *rq);
void http_handle_alert_close(struct http_request *rq);
void http_handle_alert_response(struct http_request *rq);
/* Set "response_phase", "status_keadaan_konflik" and "suggested_actions" of alert a on into
 * (issue 16; the alert page and the webhooks). Strings from arena. */
int http_alert_suggestions(struct store *st, const struct store_alert *a, struct arena *arena,
                           json_t *into, struct error *err);
void http_handle_risk(struct http_request *rq);
void http_handle_public_risk(struct http_request *rq);
void http_handle_public_cases(struct http_request *rq);
/* The public answers' recipes (handlers_alerts.c, handlers_public.c) for public_cache.c. */
extern const struct http_public_doc http_public_risk_doc;
extern const struct http_public_doc http_public_cases_doc;
/* A case was written: /public/cases is rebuilt on its next request. */
void http_public_cases_changed(struct http_server *srv);
/* handlers_spaces.c: safe public spaces for women and children (P3AKS) */
void http_handle_spaces_list(struct http_request *rq);
void http_handle_space_add(struct http_request *rq);
void http_handle_space_get(struct http_request *rq);
void http_handle_space_patch(struct http_request *rq);
void http_handle_space_delete(struct http_request *rq);
void http_handle_public_spaces(struct http_request *rq);
extern const struct http_public_doc http_public_spaces_doc;
void http_handle_webhooks_list(struct http_request *rq);
void http_handle_webhooks_add(struct http_request *rq);
void http_handle_webhook_delete(struct http_request *rq);
void http_handle_webhook_deliveries(struct http_request *rq);

/* handlers_geo.c: region boundaries (GeoJSON) for the web map, public and cached */
void http_handle_geo_provinces(struct http_request *rq);
void http_handle_geo_regencies(struct http_request *rq);

/* handlers_p3aks.c: the P3AKS figures for officers and the public */
void http_handle_p3aks(struct http_request *rq);
void http_handle_public_p3aks(struct http_request *rq);
struct http_p3aks_public *http_p3aks_public_new(void);
void http_p3aks_public_free(struct http_p3aks_public *p); /* NULL-safe */
/* A victim's service was written: the public P3AKS figures are rebuilt on their next request
 * (a case's counts or victims: http_public_cases_changed does it). */
void http_p3aks_changed(struct http_server *srv);

#endif
