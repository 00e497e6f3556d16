/*
 * http: the HTTP API server (libmicrohttpd, thread pool), its router, JSON in and out, sessions,
 * CSRF, role and region scope checks, login rate limits and the access log. The only module that
 * speaks HTTP.
 *
 * Every request gets an arena (capped) freed when the request completes; handlers allocate from
 * it and never free. Each worker thread opens its own store connection on first use.
 *
 * Errors are always {"error":{"code":"...","message":"..."}} with the status from
 * http_status_for() (the one mapping from WSP_E* codes to HTTP statuses).
 *
 * A request is decided from its request line and headers before any of its body is read:
 * 400 (malformed URL: bad %-escape or %00), 404, 405, 413 (Content-Length over body_max, or
 * over 10 MiB on upload routes), 415 (JSON routes need Content-Type: application/json), 401,
 * 403 (CSRF) and 503 (over body_budget) are answered at once and the connection is closed
 * without reading the body. A chunked body over its cap gets 413 after the rest is drained
 * unread (the connection is cut after 8 MiB more). Upload bodies go to a nameless temporary
 * file beside the database, never whole into memory. HEAD works wherever GET does.
 *
 * Security: sessions are an HttpOnly SameSite=Strict cookie; every state-changing request
 * except login also needs the X-CSRF-Token header of its session (auth_csrf_for). Failed
 * logins bring growing waits per (lower-cased username, address) and per address, and a slow
 * path per user (auth_login_admit); every state-changing request counts against the write
 * rate limits of its user and address (429 with Retry-After).
 *
 * Ownership: http_server_start() copies cfg but borrows its strings and the gazetteer; they
 * must outlive the server.
 */
#ifndef WSP_HTTP_H
#define WSP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "geo/geo.h"

struct http_config {
    const char *db_path;            /* SQLite file or postgresql:// URL */
    const char *node_name;          /* this server in /api/v1/health; NULL = host:port */
    const char *files_dir;          /* evidence files and upload spool; NULL = beside a SQLite
                                       file ("<db>.files"), ./waspada-files for PostgreSQL */
    const char *listen;             /* "127.0.0.1:8080"; port 0 picks a free port */
    const char *web_dir;            /* static files for "/", NULL = none yet */
    unsigned threads;               /* worker threads in the pool (>= 1) */
    size_t body_max;                /* request body cap in bytes; larger bodies get 413 */
    size_t body_budget;             /* bodies held in memory by all requests at once (>= body_max);
                                       a request that would go over it, or over its client
                                       address's share (a quarter, >= body_max), gets 503 +
                                       Retry-After */
    unsigned max_conns_per_address; /* concurrent connections per client address, 0 = no cap */
    size_t arena_max;               /* per-request memory cap */
    unsigned session_ttl_s;         /* session lifetime */
    bool cookie_secure;             /* add "Secure" to the cookie (behind TLS) */
    unsigned login_max_failures;    /* failures per (user, address) before waits start */
    unsigned login_window_s;        /* failures are forgotten after this quiet time, s */
    bool access_log;                /* "METHOD path status bytes ms" per request (no query) */
    /* Write rate limits (token buckets: a burst of n, then n spread over the period); 0 = no
     * limit, which http_config_defaults() leaves: `waspada serve` sets them from the config. */
    unsigned write_limit_user;     /* state-changing requests per minute per logged-in user */
    unsigned write_limit_address;  /* the same per client address */
    unsigned report_limit_user;    /* community reports per hour per reporter */
    unsigned report_limit_address; /* community reports per hour per client address */
    /* Early warning: an alert nobody acknowledged goes to the province desk, then to the
     * national desk, this many seconds after it was raised; 0 = never. */
    long escalate_province_after;
    long escalate_national_after;
    /* Unverified leads below this confidence (0..1) do not count for warnings, and the web
     * app shows them only on request; verified events count whatever their confidence. */
    double lead_min_confidence;
    /* GET /metrics: besides loopback clients, who presents "Authorization: Bearer <token>";
     * NULL or "" = loopback only. */
    const char *metrics_token;
};

/* Defaults for every field (db "waspada.db", listen 127.0.0.1:8080, 4 threads, 1 MiB body,
 * 64 MiB body budget, 64 connections per address, 16 MiB request arena, 8 h sessions, 5 failures
 * per 15 minutes, access log on, leads counted from confidence 0.5). */
void http_config_defaults(struct http_config *cfg);

struct http_server;

/* Bind and start serving in background threads. On success *out is running and
 * http_server_port() tells the bound port. The database must exist (waspada init): workers open
 * their connections to cfg->db_path lazily. WSP_EINVAL for a bad config or listen address,
 * WSP_EIO when the address cannot be bound or web_dir does not exist. */
int http_server_start(struct http_server **out, const struct http_config *cfg,
                      const struct geo_gazetteer *gazetteer, struct error *err);
unsigned http_server_port(const struct http_server *srv);
/* Stop accepting, give in-flight requests up to a second to finish, close every worker's store
 * connection and free everything. NULL is a no-op. */
void http_server_stop(struct http_server *srv);

/* WSP_E* status -> HTTP status code (WSP_EINVAL -> 400, ...). */
unsigned http_status_for(int wsp_status);

#endif
