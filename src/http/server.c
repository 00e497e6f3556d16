/* The libmicrohttpd daemon: request lifecycle, body cap, response headers, access log and the
 * per-thread store connections. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "warn/warn.h"

#define HTTP_STOP_WAIT_MS 1000
#define HTTP_DRAIN_MAX ((size_t)8 << 20) /* oversized chunked body read and dropped */
#define HTTP_BUSY_RETRY_S "5"            /* Retry-After of 503 over the body budget */
/* Caps below libmicrohttpd's own (its 32 KiB connection pool), so that a long target or a big
 * header block mostly gets our JSON 414 / 431 rather than the library's HTML page. */
#define HTTP_URI_MAX ((size_t)8 << 10)
#define HTTP_HEADERS_MAX ((size_t)16 << 10)

void http_config_defaults(struct http_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->db_path = "waspada.db";
    cfg->listen = "127.0.0.1:8080";
    cfg->web_dir = NULL;
    cfg->threads = 4;
    cfg->body_max = (size_t)1 << 20;
    cfg->body_budget = (size_t)64 << 20;
    cfg->max_conns_per_address = 64;
    cfg->arena_max = (size_t)16 << 20;
    cfg->session_ttl_s = 8 * 3600;
    cfg->cookie_secure = false;
    cfg->login_max_failures = 5;
    cfg->login_window_s = 15 * 60;
    cfg->access_log = true;
    cfg->escalate_province_after = 3600;
    cfg->escalate_national_after = 4L * 3600;
    cfg->lead_min_confidence = WARN_LEAD_MIN_CONFIDENCE;
}

unsigned http_status_for(int wsp_status)
{
    switch (wsp_status) {
    case WSP_OK:
        return MHD_HTTP_OK;
    case WSP_EINVAL:
        return MHD_HTTP_BAD_REQUEST;
    case WSP_EAUTH:
        return MHD_HTTP_UNAUTHORIZED;
    case WSP_EPERM:
        return MHD_HTTP_FORBIDDEN;
    case WSP_ENOTFOUND:
        return MHD_HTTP_NOT_FOUND;
    case WSP_EEXIST:
        return MHD_HTTP_CONFLICT;
    case WSP_ETOOBIG:
        return MHD_HTTP_CONTENT_TOO_LARGE;
    case WSP_ERATE:
        return MHD_HTTP_TOO_MANY_REQUESTS;
    case WSP_EBUSY:
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    default:
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* ---- per-thread store ------------------------------------------------------------------- */

static void store_key_destroy(void *p)
{
    store_close(p);
}

struct store *http_store(struct http_request *rq)
{
    struct http_server *srv = rq->srv;
    struct store *st = pthread_getspecific(srv->store_key);
    if (st)
        return st;
    struct error err = {0};
    if (store_open(&st, srv->cfg.db_path, &err) != 0) {
        LOG_E("http", "cannot open database '%s': %s", srv->cfg.db_path, err.msg);
        http_reply_error(rq, WSP_EBUSY, "database unavailable");
        return NULL;
    }
    if (pthread_setspecific(srv->store_key, st) != 0) {
        store_close(st);
        http_reply_error(rq, WSP_EINTERNAL, "cannot keep store connection");
        return NULL;
    }
    return st;
}

void http_actor(const struct http_request *rq, struct store_actor *actor)
{
    actor->user_id = rq->authed ? rq->user.id : 0;
    actor->username = rq->authed ? rq->user.username : "anonymous";
    actor->client = rq->client[0] ? rq->client : NULL;
}

const struct detect_model *http_detect_model(struct http_request *rq)
{
    struct http_server *srv = rq->srv;
    pthread_mutex_lock(&srv->detect_mu);
    if (!srv->detect_model) {
        struct error err = {0};
        int64_t t0 = time_mono_ms();
        int rc = srv->text_res ? 0 : text_resources_load(&srv->text_res, &err);
        if (rc == 0)
            rc = detect_model_load(&srv->detect_model, srv->text_res, srv->geo, &err);
        if (rc != 0)
            LOG_E("http", "cannot load the detection model: %s", err.msg);
        else
            LOG_I("http", "detection model loaded in %lld ms", (long long)(time_mono_ms() - t0));
    }
    const struct detect_model *m = srv->detect_model;
    pthread_mutex_unlock(&srv->detect_mu);
    if (!m)
        http_reply_error(rq, WSP_EBUSY, "event detection is unavailable");
    return m;
}

/* ---- request lifecycle ------------------------------------------------------------------ */

static void client_address(struct MHD_Connection *conn, char *out, size_t outsz)
{
    out[0] = '\0';
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)outsz);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)outsz);
}

/* Called by libmicrohttpd with the request target exactly as sent (before it decodes the path
 * or splits off the query): the request starts here, so the raw target can be checked. */
static void *request_new(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_server *srv = cls;
    struct http_request *rq = xcalloc(1, sizeof(*rq));
    rq->srv = srv;
    rq->conn = conn;
    rq->start_us = time_mono_us();
    rq->resp_fd = -1;
    rq->spool_fd = -1;
    rq->body_length = -1;
    rq->method = "-";
    rq->path = "-";
    arena_init(&rq->arena, srv->cfg.arena_max);
    buf_init(&rq->body, 1);
    rq->bad_uri = http_uri_malformed(uri);
    rq->uri_len = strlen(uri);
    atomic_fetch_add(&srv->requests_in_flight, 1);
    return rq;
}

/* The first access-handler call: the request line and headers are complete. */
static void request_start(struct http_request *rq, const char *method, const char *url)
{
    rq->started = true;
    /* The URL from MHD is already decoded and has no query string. Copied so that the
     * strings stay valid in the completion callback. */
    rq->method = arena_strdup(&rq->arena, method);
    rq->path = arena_strdup(&rq->arena, url);
    if (!rq->method)
        rq->method = "?";
    if (!rq->path)
        rq->path = "/";
    client_address(rq->conn, rq->client, sizeof(rq->client));
    rq->body_cap = rq->srv->cfg.body_max;
    rq->body_chunked = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
    /* libmicrohttpd has refused a malformed Content-Length itself; one past LONG_MAX is read
     * as "too big". */
    const char *cl =
        MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    long n;
    if (cl && !rq->body_chunked)
        rq->body_length = str_to_long(cl, 0, LONG_MAX, &n) == 0 ? n : LONG_MAX;
}

/* One client address's share of the body budget: a quarter, and at least one whole body. */
static size_t budget_share(const struct http_server *srv)
{
    size_t share = srv->cfg.body_budget / 4;
    return share < srv->cfg.body_max ? srv->cfg.body_max : share;
}

/* The address's entry (addr_mu held); NULL when it has none and add is false. */
static struct http_addr_bytes *addr_entry(struct http_server *srv, const char *addr, bool add)
{
    for (size_t i = 0; i < srv->naddr; i++)
        if (strcmp(srv->addr_bytes[i].addr, addr) == 0)
            return &srv->addr_bytes[i];
    if (!add)
        return NULL;
    if (srv->naddr == srv->capaddr) {
        srv->capaddr = srv->capaddr ? srv->capaddr * 2 : 64;
        srv->addr_bytes = xrealloc(srv->addr_bytes, srv->capaddr * sizeof(*srv->addr_bytes));
    }
    struct http_addr_bytes *e = &srv->addr_bytes[srv->naddr++];
    str_copy(e->addr, addr, sizeof(e->addr));
    e->bytes = 0;
    return e;
}

static void budget_release(struct http_request *rq)
{
    struct http_server *srv = rq->srv;
    if (!rq->body_reserved)
        return;
    pthread_mutex_lock(&srv->addr_mu);
    struct http_addr_bytes *e = addr_entry(srv, rq->client, false);
    if (e) {
        e->bytes -= e->bytes < rq->body_reserved ? e->bytes : rq->body_reserved;
        if (e->bytes == 0) /* the last one moves into its place */
            *e = srv->addr_bytes[--srv->naddr];
    }
    pthread_mutex_unlock(&srv->addr_mu);
    atomic_fetch_sub(&srv->body_bytes, rq->body_reserved);
    rq->body_reserved = 0;
}

/* Take n more bytes from the server-wide budget of request bodies in memory, within the
 * client address's share of it. */
static bool budget_reserve(struct http_request *rq, size_t n)
{
    struct http_server *srv = rq->srv;
    bool ok = false;
    pthread_mutex_lock(&srv->addr_mu);
    struct http_addr_bytes *e = addr_entry(srv, rq->client, true);
    if (n <= budget_share(srv) && e->bytes <= budget_share(srv) - n) {
        size_t cur = atomic_load(&srv->body_bytes);
        do {
            if (n > srv->cfg.body_budget || cur > srv->cfg.body_budget - n)
                break;
            ok = atomic_compare_exchange_weak(&srv->body_bytes, &cur, cur + n);
        } while (!ok);
    }
    if (ok)
        e->bytes += n;
    else if (e->bytes == 0)
        *e = srv->addr_bytes[--srv->naddr];
    pthread_mutex_unlock(&srv->addr_mu);
    if (ok)
        rq->body_reserved += n;
    return ok;
}

static void request_free(struct http_request *rq)
{
    if (rq->json)
        json_decref(rq->json);
    free(rq->resp_body);
    if (rq->resp_fd >= 0)
        close(rq->resp_fd);
    if (rq->spool_map)
        munmap(rq->spool_map, rq->spool_len);
    if (rq->spool_fd >= 0)
        close(rq->spool_fd);
    budget_release(rq);
    http_snapshot_release(rq->resp_snapshot);
    buf_release(&rq->body);
    arena_release(&rq->arena);
    atomic_fetch_sub(&rq->srv->requests_in_flight, 1);
    free(rq);
}

/* Path for the access log: printable ASCII only, bounded. */
static void log_path(const char *path, char *out, size_t outsz)
{
    size_t j = 0;
    for (size_t i = 0; path[i] && j + 1 < outsz; i++) {
        unsigned char c = (unsigned char)path[i];
        out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out[j] = '\0';
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_request *rq = *con_cls;
    WSP_UNUSED(conn);
    if (!rq)
        return;
    int64_t us = time_mono_us() - rq->start_us;
    if (srv->cfg.access_log && !rq->started) {
        /* Headers refused by libmicrohttpd itself (it answered), or the client left. */
        LOG_I("http", "- - 0 0 %lldms (headers incomplete or refused)", (long long)(us / 1000));
    } else if (srv->cfg.access_log) {
        char path[256];
        log_path(rq->path, path, sizeof(path));
        LOG_I("http", "%s %s %u %zu %lldms%s", rq->method, path, rq->queued ? rq->status : 0,
              rq->queued ? rq->resp_bytes : (size_t)0, (long long)(us / 1000),
              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    }
    http_metrics_record(srv->metrics, rq, us);
    request_free(rq);
    *con_cls = NULL;
}

/* True when the handler set header `name` itself (names compare case-insensitively). */
static bool handler_set_header(const struct http_request *rq, const char *name)
{
    for (const struct http_header *h = rq->resp_headers; h; h = h->next)
        if (strcasecmp(h->name, name) == 0)
            return true;
    return false;
}

static void add_base_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

void http_response_api_headers(struct MHD_Response *resp, bool own_cache_control)
{
    add_base_headers(resp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    /* API answers are private and fresh, unless a public endpoint says otherwise
     * (boundaries, public risk): then only the handler's Cache-Control is sent. */
    if (!own_cache_control)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static void add_security_headers(struct MHD_Response *resp, const struct http_request *rq)
{
    if (rq->api)
        http_response_api_headers(resp, handler_set_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL));
    else
        add_base_headers(resp);
}

/* Turn the reply recorded on rq into an MHD response and queue it. */
static enum MHD_Result queue_reply(struct http_request *rq)
{
    if (!rq->replied)
        http_reply_error(rq, WSP_EINTERNAL, "handler gave no answer for %s %s", rq->method,
                         rq->path);
    struct MHD_Response *resp;
    rq->resp_bytes = rq->resp_fd >= 0 ? rq->resp_fd_size : rq->resp_len;
    if (rq->resp_shared) {
        /* Made once with all its headers (public_cache.c); the request's snapshot keeps it
         * alive, and libmicrohttpd holds it while sending. */
        enum MHD_Result r = MHD_queue_response(rq->conn, rq->status, rq->resp_shared);
        if (r == MHD_YES)
            rq->queued = true;
        return r;
    }
    if (rq->resp_reader) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, rq->resp_reader,
                                                 rq->resp_reader_cls, rq->resp_reader_free);
        if (!resp)
            rq->resp_reader_free(rq->resp_reader_cls);
        rq->resp_reader = NULL; /* the response owns the stream now */
    } else if (rq->resp_fd >= 0) {
        resp = MHD_create_response_from_fd(rq->resp_fd_size, rq->resp_fd);
        if (resp)
            rq->resp_fd = -1; /* MHD closes it now */
    } else {
        resp = MHD_create_response_from_buffer(rq->resp_len, rq->resp_body ? rq->resp_body : "",
                                               MHD_RESPMEM_MUST_COPY);
    }
    if (!resp)
        return MHD_NO;
    add_security_headers(resp, rq);
    if (!rq->api && rq->resp_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rq->resp_type);
    /* Headers were prepended; add them in the order the handler gave them. */
    struct http_header *rev = NULL;
    for (struct http_header *h = rq->resp_headers, *next; h; h = next) {
        next = h->next;
        h->next = rev;
        rev = h;
    }
    rq->resp_headers = rev;
    for (struct http_header *h = rq->resp_headers; h; h = h->next)
        MHD_add_response_header(resp, h->name, h->value);
    enum MHD_Result r = MHD_queue_response(rq->conn, rq->status, resp);
    MHD_destroy_response(resp);
    if (r == MHD_YES)
        rq->queued = true;
    return r;
}

static bool is_api_path(const char *path)
{
    return str_eq(path, "/api") || str_starts_with(path, "/api/");
}

static bool hexdigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool http_uri_malformed(const char *raw)
{
    for (const char *p = raw; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            return true;
        if (c != '%')
            continue;
        if (!hexdigit(p[1]) || !hexdigit(p[2]) || (p[1] == '0' && p[2] == '0'))
            return true;
        p += 2;
    }
    return false;
}

bool http_content_type_json(const char *value)
{
    static const char json[] = "application/json";
    const char *p = value;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, json, sizeof(json) - 1) != 0)
        return false;
    p += sizeof(json) - 1;
    /* Parameters: ; name=value or ; name="value". Only charset has a meaning here. */
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return true;
        if (*p++ != ';')
            return false;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t nlen = strcspn(p, "=; \t");
        bool charset = nlen == 7 && strncasecmp(p, "charset", 7) == 0;
        p += nlen;
        if (*p != '=')
            return false;
        p++;
        const char *v = p;
        size_t vlen;
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end)
                return false;
            v = p + 1;
            vlen = (size_t)(end - v);
            p = end + 1;
        } else {
            vlen = strcspn(p, "; \t");
            p += vlen;
        }
        if (nlen == 0 || (charset && !(vlen == 5 && strncasecmp(v, "utf-8", 5) == 0)))
            return false;
    }
}

int http_request_upload(struct http_request *rq, const void **data, size_t *len)
{
    *data = "";
    *len = 0;
    if (!rq->spool) {
        *data = buf_cstr(&rq->body);
        *len = rq->body.len;
        return 0;
    }
    if (rq->spool_len == 0)
        return 0;
    if (!rq->spool_map) {
        void *m = mmap(NULL, rq->spool_len, PROT_READ, MAP_PRIVATE, rq->spool_fd, 0);
        if (m == MAP_FAILED)
            return http_reply_error(rq, WSP_EIO, "cannot map the uploaded body: %s",
                                    strerror(errno));
        rq->spool_map = m;
    }
    *data = rq->spool_map;
    *len = rq->spool_len;
    return 0;
}

/* A nameless temporary file for an upload body in the spool directory (the evidence files'
 * filesystem, see http_server.spool_dir): unlinked at once, so it goes away with the request
 * even when the process is killed. */
static int spool_open(struct http_request *rq)
{
    char tmpl[4096];
    int n = snprintf(tmpl, sizeof(tmpl), "%s/.waspada-upload-XXXXXX", rq->srv->spool_dir);
    if (n < 0 || (size_t)n >= sizeof(tmpl))
        return http_reply_error(rq, WSP_EIO, "files directory path too long for upload files");
    int fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0)
        return http_reply_error(rq, WSP_EIO, "cannot create upload file '%s': %s", tmpl,
                                strerror(errno));
    unlink(tmpl);
    rq->spool_fd = fd;
    return 0;
}

static void spool_write(struct http_request *rq, const char *data, size_t n)
{
    if (rq->spool_failed)
        return;
    if (n > rq->body_cap - rq->spool_len) {
        rq->body_too_big = true;
        return;
    }
    while (n > 0) {
        ssize_t w = write(rq->spool_fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            LOG_E("http", "%s %s: cannot write upload file: %s", rq->method, rq->path,
                  strerror(errno));
            rq->spool_failed = true;
            return;
        }
        data += w;
        n -= (size_t)w;
        rq->spool_len += (size_t)w;
    }
}

/* The error envelope for statuses without a WSP_E* code (and without an error log line). */
static int reply_status(struct http_request *rq, unsigned status, const char *code, const char *msg)
{
    http_reply_json(rq, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
    return WSP_EINVAL;
}

/* 503 with Retry-After. */
static void reply_busy(struct http_request *rq)
{
    reply_status(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
                 "too many request bodies in flight, try again later");
    http_add_header(rq, "Retry-After", HTTP_BUSY_RETRY_S);
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    size_t *sum = cls;
    WSP_UNUSED(kind);
    *sum += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/*
 * Everything decided before the body: 400 for a malformed URL, the router's 404 / 405 / 413 /
 * 415 / 401 / 403, 413 and 405 for non-API paths, 503 over the body budget. 0 when the body
 * may be read; otherwise the reply is set.
 */
static int request_admit(struct http_request *rq)
{
    if (atomic_load(&rq->srv->stopping)) {
        reply_status(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down",
                     "the server is shutting down, try again later");
        http_add_header(rq, "Retry-After", HTTP_BUSY_RETRY_S);
        http_add_header(rq, MHD_HTTP_HEADER_CONNECTION, "close");
        return WSP_EBUSY;
    }
    if (rq->bad_uri)
        return http_reply_error(rq, WSP_EINVAL,
                                "malformed URL: bad %%-escape, NUL or control character");
    if (rq->uri_len > HTTP_URI_MAX)
        return reply_status(rq, MHD_HTTP_URI_TOO_LONG, "uri_too_long",
                            "request target over 8192 bytes");
    size_t header_bytes = 0;
    MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, add_header_size, &header_bytes);
    if (header_bytes > HTTP_HEADERS_MAX)
        return reply_status(rq, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "header_fields_too_large",
                            "request headers over 16384 bytes");
    if (is_api_path(rq->path)) {
        int rc = http_route_check(rq);
        if (rc != 0)
            return rc;
    } else if (!str_eq(rq->method, "GET") && !str_eq(rq->method, "HEAD")) {
        http_reply_method_not_allowed(rq, "GET, HEAD");
        return WSP_EINVAL;
    } else if (rq->body_length > 0 && (uint64_t)rq->body_length > rq->body_cap) {
        return http_reply_error(rq, WSP_ETOOBIG, "request body over %zu bytes", rq->body_cap);
    }
    if (rq->spool)
        return rq->body_length > 0 || rq->body_chunked ? spool_open(rq) : 0;
    if (rq->body_length > 0) {
        if (!budget_reserve(rq, (size_t)rq->body_length)) {
            reply_busy(rq);
            return WSP_EBUSY;
        }
        buf_init(&rq->body, (size_t)rq->body_length); /* grows to the announced size at most */
    } else {
        buf_init(&rq->body, rq->body_cap);
    }
    return 0;
}

static void body_append(struct http_request *rq, const char *data, size_t n)
{
    if (rq->body_too_big || rq->body_over_budget)
        return;
    if (rq->spool) {
        spool_write(rq, data, n);
        return;
    }
    /* A chunked body takes from the budget as it grows. */
    size_t need = rq->body.len + n;
    if (need > rq->body_reserved && need <= rq->body_cap &&
        !budget_reserve(rq, need - rq->body_reserved)) {
        rq->body_over_budget = true;
        buf_release(&rq->body);
        budget_release(rq);
        return;
    }
    buf_append(&rq->body, data, n);
    if (rq->body.oom) {
        rq->body_too_big = true;
        buf_release(&rq->body);
        budget_release(rq);
    }
}

static void dispatch(struct http_request *rq)
{
    if (rq->body_too_big) {
        http_reply_error(rq, WSP_ETOOBIG, "request body over %zu bytes", rq->body_cap);
        return;
    }
    if (rq->body_over_budget) {
        reply_busy(rq);
        return;
    }
    if (rq->spool_failed) {
        http_reply_error(rq, WSP_EIO, "cannot store the request body");
        return;
    }
    if (is_api_path(rq->path)) {
        http_route(rq);
        return;
    }
    if (str_eq(rq->path, "/metrics")) {
        http_handle_metrics(rq);
        return;
    }
    http_static(rq);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    struct http_server *srv = cls;
    struct http_request *rq = *con_cls;
    WSP_UNUSED(version);

    if (!rq) { /* the URI callback always comes first; this is only a fallback */
        rq = request_new(srv, "", conn);
        *con_cls = rq;
    }
    if (!rq->started) {
        /* Decide from the headers alone; answering now makes libmicrohttpd skip the body
         * and close the connection. */
        request_start(rq, method, url);
        /* A refusal with a body to skip goes out now (libmicrohttpd then closes the
         * connection); one without waits for the next call, which keeps the connection. */
        if (request_admit(rq) != 0 && (rq->body_length > 0 || rq->body_chunked))
            return queue_reply(rq);
        return MHD_YES;
    }
    if (rq->queued) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->replied) /* refused in request_admit, no body */
        return queue_reply(rq);
    if (*upload_data_size > 0) {
        body_append(rq, upload_data, *upload_data_size);
        /* libmicrohttpd 0.9.75 refuses a response while a body is being received, so a body
         * refused on the way (chunked and too big, over the budget, unwritable) is drained
         * unread and answered at its end; one that goes on for long is cut off. */
        if (rq->body_too_big || rq->body_over_budget || rq->spool_failed) {
            rq->drained += *upload_data_size;
            if (rq->drained > HTTP_DRAIN_MAX) {
                LOG_W("http", "closing connection: refused body of %s %s goes on", rq->method,
                      rq->path);
                return MHD_NO;
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    dispatch(rq);
    return queue_reply(rq);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    WSP_UNUSED(cls);
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    LOG_W("http", "libmicrohttpd: %s", line);
}

/* ---- start / stop ----------------------------------------------------------------------- */

/* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0", ":8080" (all IPv4 addresses). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen,
                        bool *ipv6, struct error *err)
{
    char host[128];
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (!colon)
        return error_set(err, WSP_EINVAL, "listen address '%s' has no port", listen);
    size_t hostlen = (size_t)(colon - listen);
    if (hostlen >= sizeof(host))
        return error_set(err, WSP_EINVAL, "listen address '%s' is too long", listen);
    memcpy(host, listen, hostlen);
    host[hostlen] = '\0';
    long port;
    if (str_to_long(colon + 1, 0, 65535, &port) != 0)
        return error_set(err, WSP_EINVAL, "bad port in listen address '%s'", listen);
    memset(ss, 0, sizeof(*ss));
    if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        host[hostlen - 1] = '\0';
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) != 1)
            return error_set(err, WSP_EINVAL, "bad IPv6 address in '%s'", listen);
        *sslen = sizeof(*sin6);
        *ipv6 = true;
        return 0;
    }
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    if (hostlen == 0 || str_eq(host, "*"))
        sin->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (str_eq(host, "localhost"))
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
        return error_set(err, WSP_EINVAL, "bad IPv4 address in '%s'", listen);
    *sslen = sizeof(*sin);
    *ipv6 = false;
    return 0;
}

static unsigned bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    if (!info)
        return 0;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len = sizeof(ss);
    if (getsockname(info->listen_fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

static void server_free(struct http_server *srv)
{
    if (srv->store_key_ok)
        pthread_key_delete(srv->store_key);
    if (srv->ratelimit)
        auth_ratelimit_free(srv->ratelimit);
    http_alerts_stop(srv->alerts);
    http_p3aks_public_free(srv->p3aks_public);
    detect_model_free(srv->detect_model);
    text_resources_free(srv->text_res);
    http_metrics_free(srv->metrics);
    pthread_mutex_destroy(&srv->detect_mu);
    pthread_mutex_destroy(&srv->addr_mu);
    free(srv->addr_bytes);
    http_public_cache_release(&srv->public_risk);
    http_public_cache_release(&srv->public_cases);
    http_public_cache_release(&srv->public_spaces);
    free(srv->web_root);
    free(srv);
}

int http_server_start(struct http_server **out, const struct http_config *cfg,
                      const struct geo_gazetteer *gazetteer, struct error *err)
{
    *out = NULL;
    if (!cfg || !gazetteer || !cfg->db_path)
        return error_set(err, WSP_EINVAL, "http server needs a config, a gazetteer and a db");
    if (cfg->threads < 1 || cfg->threads > 1024)
        return error_set(err, WSP_EINVAL, "thread count %u out of range 1..1024", cfg->threads);
    if (cfg->login_max_failures < 1 || cfg->login_window_s < 1)
        return error_set(err, WSP_EINVAL, "login rate limit needs at least 1 failure and 1 s");
    if (cfg->body_budget < cfg->body_max)
        return error_set(err, WSP_EINVAL, "body budget %zu is below the body cap %zu",
                         cfg->body_budget, cfg->body_max);
    if (!(cfg->lead_min_confidence >= 0 && cfg->lead_min_confidence <= 1))
        return error_set(err, WSP_EINVAL, "lead_min_confidence %g out of range 0..1",
                         cfg->lead_min_confidence);

    struct sockaddr_storage ss;
    socklen_t sslen;
    bool ipv6 = false;
    int rc = parse_listen(cfg->listen, &ss, &sslen, &ipv6, err);
    if (rc)
        return rc;

    struct http_server *srv = xcalloc(1, sizeof(*srv));
    pthread_mutex_init(&srv->detect_mu, NULL);
    pthread_mutex_init(&srv->addr_mu, NULL);
    srv->p3aks_public = http_p3aks_public_new();
    http_public_cache_init(&srv->public_risk, &http_public_risk_doc);
    http_public_cache_init(&srv->public_cases, &http_public_cases_doc);
    http_public_cache_init(&srv->public_spaces, &http_public_spaces_doc);
    srv->cfg = *cfg;
    srv->metrics = http_metrics_new();
    srv->started_at = time_now();
    if (srv->cfg.arena_max == 0)
        srv->cfg.arena_max = (size_t)16 << 20;
    srv->geo = gazetteer;
    /* Evidence files and upload spools: files_dir, or beside a SQLite database ("<db>.files",
     * spooled in the database's directory), or for PostgreSQL (no file of its own) in
     * ./waspada-files, which several servers must share to see each other's evidence. */
    bool pg = store_target_is_postgres(cfg->db_path);
    if ((cfg->files_dir && *cfg->files_dir) || pg) {
        const char *dir = cfg->files_dir && *cfg->files_dir ? cfg->files_dir : "waspada-files";
        snprintf(srv->files_dir, sizeof(srv->files_dir), "%s", dir);
        snprintf(srv->spool_dir, sizeof(srv->spool_dir), "%s", dir);
        if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
            rc = error_set(err, WSP_EIO, "files directory '%s': %s", dir, strerror(errno));
            goto fail;
        }
        if (dir != cfg->files_dir)
            LOG_W("http", "evidence files in ./%s: set files_dir to a directory all servers share",
                  dir);
    } else {
        const char *slash = strrchr(cfg->db_path, '/');
        snprintf(srv->files_dir, sizeof(srv->files_dir), "%s.files", cfg->db_path);
        if (slash)
            snprintf(srv->spool_dir, sizeof(srv->spool_dir), "%.*s",
                     (int)(slash - cfg->db_path) ? (int)(slash - cfg->db_path) : 1, cfg->db_path);
        else
            str_copy(srv->spool_dir, ".", sizeof(srv->spool_dir));
    }
    if (cfg->web_dir) {
        srv->web_root = realpath(cfg->web_dir, NULL);
        if (!srv->web_root) {
            rc = error_set(err, WSP_EIO, "web directory '%s': %s", cfg->web_dir, strerror(errno));
            goto fail;
        }
    }
    srv->ratelimit =
        auth_ratelimit_new(cfg->login_max_failures, cfg->login_window_s, HTTP_RATELIMIT_KEYS);
    if (!srv->ratelimit) {
        rc = error_set(err, WSP_ENOMEM, "cannot create login rate limiter");
        goto fail;
    }
    if (pthread_key_create(&srv->store_key, store_key_destroy) != 0) {
        rc = error_set(err, WSP_EINTERNAL, "cannot create thread key");
        goto fail;
    }
    srv->store_key_ok = true;

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME; /* SSE streams */
    if (ipv6)
        flags |= MHD_USE_IPv6;
    struct MHD_OptionItem pool[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    http_alerts_start(srv); /* early warning; NULL (logged) leaves its endpoints at 503 */
    struct MHD_OptionItem limits[] = {
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->max_conns_per_address, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK, request_new, srv,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_ARRAY, cfg->threads > 1 ? pool : pool + 1, MHD_OPTION_ARRAY,
        cfg->max_conns_per_address ? limits : limits + 1, MHD_OPTION_END);
    if (!srv->daemon) {
        rc = error_set(err, WSP_EIO, "cannot listen on '%s' (address in use or not local?)",
                       cfg->listen);
        goto fail;
    }
    srv->port = bound_port(srv->daemon);
    if (cfg->node_name) {
        str_copy(srv->node, cfg->node_name, sizeof(srv->node));
    } else {
        char host[64] = "";
        if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
            str_copy(host, "localhost", sizeof(host));
        snprintf(srv->node, sizeof(srv->node), "%s:%u", host, srv->port);
    }
    LOG_I("http", "serving on %s (port %u, %u threads) as node %s", cfg->listen, srv->port,
          cfg->threads, srv->node);
    *out = srv;
    return 0;
fail:
    server_free(srv);
    return rc;
}

unsigned http_server_port(const struct http_server *srv)
{
    return srv ? srv->port : 0;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    /* End the alert streams (resuming suspended ones), stop accepting, give in-flight
     * requests a moment, then shut down. */
    http_alerts_close_streams(srv);
    /* Not MHD_quiesce_daemon: in libmicrohttpd 0.9.75 it takes the listen socket out of each
     * worker's epoll set while the worker may be doing the same, and the loser aborts the
     * process ("Failed to remove listen FD from epoll set"). New requests are refused
     * instead while those in flight finish. */
    atomic_store(&srv->stopping, true);
    for (int waited = 0; waited < HTTP_STOP_WAIT_MS; waited += 10) {
        if (atomic_load(&srv->requests_in_flight) == 0)
            break;
        usleep(10 * 1000);
    }
    /* Joins the worker threads; their store connections close in the key destructor. */
    MHD_stop_daemon(srv->daemon);
    LOG_I("http", "stopped");
    server_free(srv);
}
