/* Sessions (cookie -> store), CSRF, write rate limits, request accessors and the
 * account-management rules. */
#include <stdio.h>
#include <string.h>

#include "http/http_internal.h"

static bool is_token(const char *s)
{
    if (!s || strlen(s) != AUTH_TOKEN_HEX - 1)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

const char *http_query(struct http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

int http_session_load(struct http_request *rq)
{
    if (rq->session_loaded)
        return rq->authed ? 0 : WSP_EAUTH;
    rq->session_loaded = true;
    const char *token = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    if (!is_token(token))
        return WSP_EAUTH;
    struct store *st = http_store(rq);
    if (!st)
        return WSP_EBUSY;
    char hash[AUTH_TOKEN_HEX];
    auth_token_hash(token, hash);
    struct error err = {0};
    int rc = store_session_get(st, hash, time_now(), &rq->session, &rq->user, &err);
    if (rc == WSP_ENOTFOUND)
        return WSP_EAUTH;
    if (rc) {
        http_reply_err(rq, &err);
        return rc;
    }
    str_copy(rq->token, token, sizeof(rq->token));
    rq->role = auth_role_parse(rq->user.role);
    rq->authed = rq->role != AUTH_ROLE_NONE;
    return rq->authed ? 0 : WSP_EAUTH;
}

int http_require_session(struct http_request *rq)
{
    int rc = http_session_load(rq);
    if (rc == 0)
        return 0;
    if (!rq->replied)
        http_reply_error(rq, WSP_EAUTH, "login required");
    return rc;
}

int http_session_full_name(struct http_request *rq)
{
    if (!rq->authed)
        return http_reply_error(rq, WSP_EAUTH, "login required");
    struct store *st = http_store(rq);
    if (!st)
        return WSP_EBUSY;
    struct store_user u;
    struct error err = {0};
    int rc = store_user_get(st, rq->user.id, &u, &err);
    if (rc)
        return http_reply_err(rq, &err);
    str_copy(rq->user.full_name, u.full_name, sizeof(rq->user.full_name));
    return 0;
}

int http_require_csrf(struct http_request *rq)
{
    const char *csrf = http_header(rq, HTTP_CSRF_HEADER);
    if (!rq->authed || !csrf || !auth_csrf_check(rq->token, csrf))
        return http_reply_error(rq, WSP_EPERM, "missing or invalid CSRF token");
    return 0;
}

const char *http_session_cookie(struct http_request *rq, const char *token, unsigned max_age)
{
    return arena_printf(&rq->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
                        HTTP_SESSION_COOKIE, token ? token : "", token ? max_age : 0,
                        rq->srv->cfg.cookie_secure ? "; Secure" : "");
}

bool http_may_manage(enum auth_role me, const char *scope, enum auth_role target,
                     const char *region)
{
    switch (me) {
    case AUTH_ROLE_ADMIN:
        return true;
    case AUTH_ROLE_PROVINSI:
        return (target == AUTH_ROLE_KABKOTA || target == AUTH_ROLE_PELAPOR) && region &&
               region[0] && auth_scope_covers(scope, region) && auth_may_write(me, scope, region);
    case AUTH_ROLE_KABKOTA:
        return target == AUTH_ROLE_PELAPOR && region && region[0] &&
               auth_scope_covers(scope, region) && auth_may_write(me, scope, region);
    default:
        return false;
    }
}

bool http_may_view_user(enum auth_role me, const char *scope, const char *region)
{
    switch (me) {
    case AUTH_ROLE_ADMIN:
        return true;
    case AUTH_ROLE_PROVINSI:
    case AUTH_ROLE_KABKOTA:
        return scope && scope[0] && region && region[0] && auth_scope_covers(scope, region);
    default:
        return false;
    }
}

/* Whether the throttles' state is the database's (PostgreSQL: several servers) rather than
 * this server's memory (SQLite). */
static bool throttle_shared(struct store *st)
{
    return str_eq(store_engine_name(st), "postgresql");
}

/* The shared state could not be read: refuse (never admit unthrottled) and say why. */
static int reply_throttle_down(struct http_request *rq, const char *what, const struct error *err)
{
    LOG_E("http", "%s throttle state unavailable, refusing: %s", what, err->msg);
    int rc =
        http_reply_error(rq, WSP_EBUSY, "cannot check the %s rate limit, try again later", what);
    http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, HTTP_THROTTLE_RETRY_S);
    return rc;
}

int http_require_write_quota(struct http_request *rq, bool report)
{
    const struct http_config *c = &rq->srv->cfg;
    const struct auth_write_limits lim = {
        .user = {c->write_limit_user, 60},
        .address = {c->write_limit_address, 60},
        .report_user = {c->report_limit_user, 3600},
        .report_address = {c->report_limit_address, 3600},
    };
    int64_t user_id = rq->authed ? rq->user.id : 0, wait;
    struct store *st = http_store(rq);
    if (!st)
        return WSP_EBUSY;
    if (throttle_shared(st)) {
        struct error err = {0};
        if (store_throttle_write(st, &lim, user_id, rq->client, report, store_throttle_now_ms(),
                                 &wait, &err) != 0)
            return reply_throttle_down(rq, "write", &err);
    } else {
        wait = auth_ratelimit_write(rq->srv->ratelimit, &lim, user_id, rq->client, report,
                                    time_mono_ms());
    }
    if (wait == 0)
        return 0;
    char retry[16];
    snprintf(retry, sizeof(retry), "%u", auth_wait_seconds(wait));
    LOG_D("http", "%s refused by the write rate limit for %s s", report ? "report" : "write",
          retry);
    int rc = http_reply_error(rq, WSP_ERATE, "too many %s, try again in %s s",
                              report ? "reports" : "changes", retry);
    http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, retry);
    return rc;
}

int http_login_admit(struct http_request *rq, struct store *st, const char *username,
                     int64_t *wait_ms)
{
    struct http_server *srv = rq->srv;
    if (!throttle_shared(st)) {
        *wait_ms = auth_ratelimit_login_admit(srv->ratelimit, username, rq->client, time_mono_ms());
        return 0;
    }
    struct auth_login_policy p;
    auth_login_policy_init(&p, srv->cfg.login_max_failures, srv->cfg.login_window_s);
    struct error err = {0};
    if (store_throttle_login_admit(st, &p, username, rq->client, store_throttle_now_ms(), wait_ms,
                                   &err) != 0)
        return reply_throttle_down(rq, "login", &err);
    return 0;
}

void http_login_record(struct http_request *rq, struct store *st, const char *username, bool ok)
{
    struct http_server *srv = rq->srv;
    if (!throttle_shared(st)) {
        auth_ratelimit_login_record(srv->ratelimit, username, rq->client, ok, time_mono_ms());
        return;
    }
    struct auth_login_policy p;
    auth_login_policy_init(&p, srv->cfg.login_max_failures, srv->cfg.login_window_s);
    struct error err = {0};
    if (store_throttle_login_record(st, &p, username, rq->client, ok, store_throttle_now_ms(),
                                    &err) != 0)
        LOG_E("http", "cannot record a %s login in the throttle state: %s",
              ok ? "successful" : "failed", err.msg);
}
