/* The libmicrohttpd daemon: request lifecycle, body cap, response headers, access log and the
 * per-thread store connections. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "warn/warn.h"

#define HTTP_STOP_WAIT_MS 1000
#define HTTP_DRAIN_MAX ((size_t)8 << 20) /* oversized chunked body read and dropped */

void http_config_defaults(struct http_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->db_path = "waspada.db";
    cfg->listen = "127.0.0.1:8080";
    cfg->web_dir = NULL;
    cfg->threads = 4;
    cfg->body_max = (size_t)1 << 20;
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

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *conn,
                                        const char *method, const char *url)
{
    struct http_request *rq = xcalloc(1, sizeof(*rq));
    rq->srv = srv;
    rq->conn = conn;
    rq->start_ms = time_mono_ms();
    rq->resp_fd = -1;
    arena_init(&rq->arena, srv->cfg.arena_max);
    rq->body_cap = http_route_body_cap(srv, method, url);
    buf_init(&rq->body, rq->body_cap ? rq->body_cap : 1);
    /* The URL from MHD is already decoded and has no query string. Copied so that the
     * strings stay valid in the completion callback. */
    rq->method = arena_strdup(&rq->arena, method);
    rq->path = arena_strdup(&rq->arena, url);
    if (!rq->method)
        rq->method = "?";
    if (!rq->path)
        rq->path = "/";
    client_address(conn, rq->client, sizeof(rq->client));
    return rq;
}

static void request_free(struct http_request *rq)
{
    if (rq->json)
        json_decref(rq->json);
    free(rq->resp_body);
    if (rq->resp_fd >= 0)
        close(rq->resp_fd);
    buf_release(&rq->body);
    arena_release(&rq->arena);
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
    if (srv->cfg.access_log) {
        char path[256];
        log_path(rq->path, path, sizeof(path));
        LOG_I("http", "%s %s %u %zu %lldms%s", rq->method, path, rq->queued ? rq->status : 0,
              rq->queued ? rq->resp_bytes : (size_t)0, (long long)(time_mono_ms() - rq->start_ms),
              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    }
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

static void add_security_headers(struct MHD_Response *resp, const struct http_request *rq)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (rq->api) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json; charset=utf-8");
        /* API answers are private and fresh, unless a public endpoint says otherwise
         * (boundaries, public risk): then only the handler's Cache-Control is sent. */
        if (!handler_set_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL))
            MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
}

/* Turn the reply recorded on rq into an MHD response and queue it. */
static enum MHD_Result queue_reply(struct http_request *rq)
{
    if (!rq->replied)
        http_reply_error(rq, WSP_EINTERNAL, "handler gave no answer for %s %s", rq->method,
                         rq->path);
    struct MHD_Response *resp;
    rq->resp_bytes = rq->resp_fd >= 0 ? rq->resp_fd_size : rq->resp_len;
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

static void dispatch(struct http_request *rq)
{
    if (rq->body_too_big) {
        http_reply_error(rq, WSP_ETOOBIG, "request body over %zu bytes", rq->body_cap);
        return;
    }
    if (is_api_path(rq->path)) {
        http_route(rq);
        return;
    }
    if (str_eq(rq->method, "GET") || str_eq(rq->method, "HEAD")) {
        http_static(rq);
        return;
    }
    http_reply_method_not_allowed(rq, "GET, HEAD");
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    struct http_server *srv = cls;
    struct http_request *rq = *con_cls;
    WSP_UNUSED(version);

    if (!rq) {
        rq = request_new(srv, conn, method, url);
        *con_cls = rq;
        /* Refuse an announced oversized body before reading any of it. */
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        long n;
        if (cl && rq->body_cap && str_to_long(cl, 0, LONG_MAX, &n) == 0 &&
            (unsigned long)n > rq->body_cap) {
            rq->body_too_big = true;
            dispatch(rq);
            return queue_reply(rq);
        }
        return MHD_YES;
    }
    if (rq->queued) {
        /* Answered early (413): drop whatever body still arrives. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!rq->body_too_big) {
            buf_append(&rq->body, upload_data, *upload_data_size);
            if (rq->body.oom) {
                rq->body_too_big = true;
                buf_release(&rq->body);
            }
        }
        /* libmicrohttpd 0.9.75 refuses a response while a body is being received, so an
         * oversized body without Content-Length (chunked) is drained unread and answered
         * with 413 at its end; one that goes on for long is cut off. */
        if (rq->body_too_big) {
            rq->drained += *upload_data_size;
            if (rq->drained > HTTP_DRAIN_MAX) {
                LOG_W("http", "closing connection: oversized body of %s %s goes on", rq->method,
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
    detect_model_free(srv->detect_model);
    text_resources_free(srv->text_res);
    pthread_mutex_destroy(&srv->detect_mu);
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
    srv->cfg = *cfg;
    if (srv->cfg.arena_max == 0)
        srv->cfg.arena_max = (size_t)16 << 20;
    srv->geo = gazetteer;
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
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
        request_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_ARRAY,
        cfg->threads > 1 ? pool : pool + 1, MHD_OPTION_END);
    if (!srv->daemon) {
        rc = error_set(err, WSP_EIO, "cannot listen on '%s' (address in use or not local?)",
                       cfg->listen);
        goto fail;
    }
    srv->port = bound_port(srv->daemon);
    LOG_I("http", "serving on %s (port %u, %u threads)", cfg->listen, srv->port, cfg->threads);
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
    /* The quiesced listen socket stays open until the daemon has stopped: the pool's worker
     * threads take it out of their epoll sets asynchronously, and libmicrohttpd aborts the
     * process ("Failed to remove listen FD from epoll set") when it was closed under them. */
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET) {
        for (int waited = 0; waited < HTTP_STOP_WAIT_MS; waited += 10) {
            const union MHD_DaemonInfo *info =
                MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
            if (!info || info->num_connections == 0)
                break;
            usleep(10 * 1000);
        }
    }
    /* Joins the worker threads; their store connections close in the key destructor. */
    MHD_stop_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    LOG_I("http", "stopped");
    server_free(srv);
}
