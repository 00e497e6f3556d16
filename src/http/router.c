/* The API routing table: {method, pattern, handler, flags}, with {name} path parameters. */
#include <stdio.h>
#include <string.h>

#include "http/http_internal.h"

enum route_flags {
    ROUTE_PUBLIC = 0,
    ROUTE_SESSION = 1 << 0, /* needs a logged-in user (401 otherwise) */
    ROUTE_NO_CSRF = 1 << 1, /* state-changing but exempt from CSRF (login has no session) */
};

struct route {
    const char *method;
    const char *pattern; /* segments; "{x}" matches one non-empty segment */
    http_handler handler;
    unsigned flags;
};

static const struct route routes[] = {
    {"GET", "/api/v1/health", http_handle_health, ROUTE_PUBLIC},
    {"GET", "/api/v1/regions", http_handle_regions, ROUTE_PUBLIC},
    {"GET", "/api/v1/regions/{code}", http_handle_region, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login", http_handle_login, ROUTE_NO_CSRF},
    {"POST", "/api/v1/auth/logout", http_handle_logout, ROUTE_SESSION},
    {"GET", "/api/v1/auth/me", http_handle_me, ROUTE_SESSION},
    {"GET", "/api/v1/users", http_handle_users_list, ROUTE_SESSION},
    {"POST", "/api/v1/users", http_handle_users_add, ROUTE_SESSION},
    {"GET", "/api/v1/users/{id}", http_handle_user_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/users/{id}", http_handle_user_patch, ROUTE_SESSION},
    {"POST", "/api/v1/users/{id}/password", http_handle_user_password, ROUTE_SESSION},
    {"GET", "/api/v1/audit", http_handle_audit, ROUTE_SESSION},
};

static bool state_changing(const char *method)
{
    return !(str_eq(method, "GET") || str_eq(method, "HEAD") || str_eq(method, "OPTIONS"));
}

/* Match path against pattern segment by segment, collecting parameters into rq (which may be
 * NULL when only testing). */
static bool match(const char *pattern, const char *path, struct http_request *rq)
{
    const char *params[HTTP_MAX_PARAMS];
    size_t nparams = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        size_t plen = strcspn(p, "/");
        size_t slen = strcspn(s, "/");
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (slen == 0 || nparams == HTTP_MAX_PARAMS)
                return false;
            if (rq) {
                params[nparams] = arena_strndup(&rq->arena, s, slen);
                if (!params[nparams])
                    return false;
            }
            nparams++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    if (*p || *s)
        return false;
    if (rq) {
        memcpy(rq->params, params, nparams * sizeof(params[0]));
        rq->nparams = nparams;
    }
    return true;
}

void http_route(struct http_request *rq)
{
    const struct route *found = NULL;
    char allow[128] = "";
    for (size_t i = 0; i < WSP_ARRAY_LEN(routes); i++) {
        const struct route *r = &routes[i];
        if (!match(r->pattern, rq->path, NULL))
            continue;
        if (str_eq(r->method, rq->method)) {
            found = r;
            break;
        }
        if (!strstr(allow, r->method)) {
            size_t n = strlen(allow);
            snprintf(allow + n, sizeof(allow) - n, "%s%s", n ? ", " : "", r->method);
        }
    }
    if (!found) {
        if (allow[0]) {
            http_reply_method_not_allowed(rq, allow);
        } else {
            http_reply_error(rq, WSP_ENOTFOUND, "no such API endpoint");
        }
        return;
    }
    if (!match(found->pattern, rq->path, rq)) {
        http_reply_error(rq, WSP_ENOMEM, "request arena exhausted while routing");
        return;
    }
    /* Every state-changing request needs a session and its CSRF token, except login. */
    bool changing = state_changing(rq->method) && !(found->flags & ROUTE_NO_CSRF);
    if ((found->flags & ROUTE_SESSION) || changing) {
        if (http_require_session(rq) != 0)
            return;
    }
    if (changing && http_require_csrf(rq) != 0)
        return;
    found->handler(rq);
}
