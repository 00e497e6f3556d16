/* The API routing table: {method, pattern, handler, flags}, with {name} path parameters. */
#include <stdio.h>
#include <string.h>

#include "http/http_internal.h"

enum route_flags {
    ROUTE_PUBLIC = 0,
    ROUTE_SESSION = 1 << 0, /* needs a logged-in user (401 otherwise) */
    ROUTE_NO_CSRF = 1 << 1, /* state-changing but exempt from CSRF (login has no session) */
    ROUTE_UPLOAD = 1 << 2,  /* a file upload: body cap HTTP_UPLOAD_MAX instead of body_max */
    /* A machine's request signed with a shared secret (the intake webhook): no session, no
     * CSRF token, and its own rate limit, counted by the handler once the signature holds. */
    ROUTE_SIGNED = 1 << 3,
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
    {"GET", "/api/v1/events", http_handle_events_list, ROUTE_SESSION},
    {"GET", "/api/v1/events/export", http_handle_events_export, ROUTE_SESSION}, /* before {id} */
    {"GET", "/api/v1/events/{id}", http_handle_event_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/events/{id}", http_handle_event_patch, ROUTE_SESSION},
    {"POST", "/api/v1/reports", http_handle_reports_add, ROUTE_SESSION},
    /* plan and control (handlers_plan*.c) */
    {"GET", "/api/v1/calendar", http_handle_plan_calendar, ROUTE_SESSION},
    {"PUT", "/api/v1/calendar/{type}", http_handle_plan_calendar_set, ROUTE_SESSION},
    {"GET", "/api/v1/timdu", http_handle_timdu_list, ROUTE_SESSION},
    {"POST", "/api/v1/timdu", http_handle_timdu_add, ROUTE_SESSION},
    {"GET", "/api/v1/timdu/{id}", http_handle_timdu_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/timdu/{id}", http_handle_timdu_patch, ROUTE_SESSION},
    {"DELETE", "/api/v1/timdu/{id}", http_handle_timdu_delete, ROUTE_SESSION},
    {"POST", "/api/v1/timdu/{id}/members", http_handle_timdu_member_add, ROUTE_SESSION},
    {"DELETE", "/api/v1/timdu/{id}/members/{member}", http_handle_timdu_member_delete,
     ROUTE_SESSION},
    {"GET", "/api/v1/forums", http_handle_forums_list, ROUTE_SESSION},
    {"POST", "/api/v1/forums", http_handle_forum_add, ROUTE_SESSION},
    {"GET", "/api/v1/forums/{id}", http_handle_forum_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/forums/{id}", http_handle_forum_patch, ROUTE_SESSION},
    {"DELETE", "/api/v1/forums/{id}", http_handle_forum_delete, ROUTE_SESSION},
    {"GET", "/api/v1/rad", http_handle_rad_list, ROUTE_SESSION},
    {"POST", "/api/v1/rad", http_handle_rad_add, ROUTE_SESSION},
    {"GET", "/api/v1/rad/export", http_handle_rad_export, ROUTE_SESSION}, /* before {id} */
    {"GET", "/api/v1/rad/{id}", http_handle_rad_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/rad/{id}", http_handle_rad_patch, ROUTE_SESSION},
    {"POST", "/api/v1/rad/{id}/submit", http_handle_rad_submit, ROUTE_SESSION},
    {"POST", "/api/v1/rad/{id}/return", http_handle_rad_return, ROUTE_SESSION},
    {"POST", "/api/v1/rad/{id}/approve", http_handle_rad_approve, ROUTE_SESSION},
    {"GET", "/api/v1/rad/{id}/versions", http_handle_rad_versions, ROUTE_SESSION},
    {"GET", "/api/v1/rad/{id}/versions/{version}", http_handle_rad_version, ROUTE_SESSION},
    {"POST", "/api/v1/rad/{id}/actions", http_handle_rad_action_add, ROUTE_SESSION},
    {"POST", "/api/v1/rad/{id}/pokja", http_handle_pokja_add, ROUTE_SESSION},
    {"DELETE", "/api/v1/rad/{id}/pokja/{member}", http_handle_pokja_delete, ROUTE_SESSION},
    {"PATCH", "/api/v1/actions/{id}", http_handle_action_patch, ROUTE_SESSION},
    {"DELETE", "/api/v1/actions/{id}", http_handle_action_delete, ROUTE_SESSION},
    {"POST", "/api/v1/actions/{id}/progress", http_handle_progress_add, ROUTE_SESSION},
    {"GET", "/api/v1/opd", http_handle_opd, ROUTE_SESSION},
    {"GET", "/api/v1/progress", http_handle_progress_list, ROUTE_SESSION},
    {"GET", "/api/v1/progress/export", http_handle_progress_export, ROUTE_SESSION},
    {"GET", "/api/v1/progress/{id}", http_handle_progress_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/progress/{id}", http_handle_progress_patch, ROUTE_SESSION},
    {"POST", "/api/v1/progress/{id}/evidence", http_handle_evidence_add,
     ROUTE_SESSION | ROUTE_UPLOAD},
    {"GET", "/api/v1/evidence/{id}", http_handle_evidence_get, ROUTE_SESSION},
    {"GET", "/api/v1/compliance", http_handle_compliance, ROUTE_SESSION},
    {"GET", "/api/v1/compliance/report", http_handle_compliance_report, ROUTE_SESSION},
    {"GET", "/api/v1/compliance/export", http_handle_compliance_export, ROUTE_SESSION},
    {"GET", "/api/v1/cases", http_handle_cases_list, ROUTE_SESSION},
    {"POST", "/api/v1/cases", http_handle_case_add, ROUTE_SESSION},
    {"GET", "/api/v1/cases/{id}", http_handle_case_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/cases/{id}", http_handle_case_patch, ROUTE_SESSION},
    {"POST", "/api/v1/cases/{id}/actions", http_handle_case_action_add, ROUTE_SESSION},
    {"PUT", "/api/v1/cases/{id}/victims", http_handle_case_victims, ROUTE_SESSION},
    {"GET", "/api/v1/victims/{id}/services", http_handle_victim_services, ROUTE_SESSION},
    {"POST", "/api/v1/victims/{id}/services", http_handle_victim_service_add, ROUTE_SESSION},
    {"PATCH", "/api/v1/services/{id}", http_handle_service_patch, ROUTE_SESSION},
    /* safe public spaces for women and children (handlers_spaces.c) */
    {"GET", "/api/v1/spaces", http_handle_spaces_list, ROUTE_SESSION},
    {"POST", "/api/v1/spaces", http_handle_space_add, ROUTE_SESSION},
    {"GET", "/api/v1/spaces/{id}", http_handle_space_get, ROUTE_SESSION},
    {"PATCH", "/api/v1/spaces/{id}", http_handle_space_patch, ROUTE_SESSION},
    {"DELETE", "/api/v1/spaces/{id}", http_handle_space_delete, ROUTE_SESSION},
    /* region boundaries for the map (handlers_geo.c) */
    {"GET", "/api/v1/geo/provinces", http_handle_geo_provinces, ROUTE_PUBLIC},
    {"GET", "/api/v1/geo/regencies", http_handle_geo_regencies, ROUTE_PUBLIC},
    /* early warning (handlers_alerts.c); the stream before {id} */
    {"GET", "/api/v1/alerts", http_handle_alerts_list, ROUTE_SESSION},
    {"GET", "/api/v1/alerts/stream", http_handle_alerts_stream, ROUTE_SESSION},
    {"GET", "/api/v1/alerts/{id}", http_handle_alert_get, ROUTE_SESSION},
    {"POST", "/api/v1/alerts/{id}/ack", http_handle_alert_ack, ROUTE_SESSION},
    {"POST", "/api/v1/alerts/{id}/close", http_handle_alert_close, ROUTE_SESSION},
    {"POST", "/api/v1/alerts/{id}/responses", http_handle_alert_response, ROUTE_SESSION},
    {"GET", "/api/v1/risk", http_handle_risk, ROUTE_SESSION},
    {"GET", "/api/v1/public/risk", http_handle_public_risk, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/cases", http_handle_public_cases, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/events/export", http_handle_public_events_export, ROUTE_PUBLIC},
    /* P3AKS figures (handlers_p3aks.c) */
    {"GET", "/api/v1/p3aks", http_handle_p3aks, ROUTE_SESSION},
    {"GET", "/api/v1/public/p3aks", http_handle_public_p3aks, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/spaces", http_handle_public_spaces, ROUTE_PUBLIC},
    {"GET", "/api/v1/webhooks", http_handle_webhooks_list, ROUTE_SESSION},
    {"POST", "/api/v1/webhooks", http_handle_webhooks_add, ROUTE_SESSION},
    {"DELETE", "/api/v1/webhooks/{id}", http_handle_webhook_delete, ROUTE_SESSION},
    {"GET", "/api/v1/webhooks/{id}/deliveries", http_handle_webhook_deliveries, ROUTE_SESSION},
    /* field messages in (handlers_intake.c) */
    {"POST", "/api/v1/intake/{channel}", http_handle_intake, ROUTE_SIGNED},
    {"GET", "/api/v1/intake-channels", http_handle_intake_channels_list, ROUTE_SESSION},
    {"POST", "/api/v1/intake-channels", http_handle_intake_channels_add, ROUTE_SESSION},
    {"PATCH", "/api/v1/intake-channels/{name}", http_handle_intake_channel_patch, ROUTE_SESSION},
    {"GET", "/api/v1/intake-leads", http_handle_intake_leads_list, ROUTE_SESSION},
    {"GET", "/api/v1/intake-leads/{id}", http_handle_intake_lead_get, ROUTE_SESSION},
    {"POST", "/api/v1/intake-leads/{id}/promote", http_handle_intake_lead_promote, ROUTE_SESSION},
    {"POST", "/api/v1/intake-leads/{id}/discard", http_handle_intake_lead_discard, ROUTE_SESSION},
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

/* A route that reads a JSON body: every state-changing one except file uploads. */
static bool reads_json(const struct route *r)
{
    return state_changing(r->method) && !(r->flags & ROUTE_UPLOAD);
}

static void reply_unsupported_type(struct http_request *rq)
{
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", "unsupported_media_type", "message",
                             "request body must be JSON (Content-Type: application/json)");
    http_reply_json(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, body);
}

size_t http_route_count(void)
{
    return WSP_ARRAY_LEN(routes);
}

void http_route_label(size_t i, const char **method, const char **pattern)
{
    *method = i < WSP_ARRAY_LEN(routes) ? routes[i].method : "";
    *pattern = i < WSP_ARRAY_LEN(routes) ? routes[i].pattern : "";
}

int http_route_check(struct http_request *rq)
{
    if (rq->route)
        return 0;
    const struct route *found = NULL;
    char allow[128] = "";
    bool head = str_eq(rq->method, "HEAD");
    for (size_t i = 0; i < WSP_ARRAY_LEN(routes); i++) {
        const struct route *r = &routes[i];
        if (!match(r->pattern, rq->path, NULL))
            continue;
        if (str_eq(r->method, rq->method) || (head && str_eq(r->method, "GET"))) {
            found = r;
            break;
        }
        /* HEAD goes wherever GET goes, and is listed right after it. */
        const char *add = str_eq(r->method, "GET") ? "GET, HEAD" : r->method;
        if (!strstr(allow, r->method)) {
            size_t n = strlen(allow);
            snprintf(allow + n, sizeof(allow) - n, "%s%s", n ? ", " : "", add);
        }
    }
    if (found)
        rq->route_index = (int)(found - routes) + 1;
    if (!found) {
        if (allow[0])
            http_reply_method_not_allowed(rq, allow);
        else
            http_reply_error(rq, WSP_ENOTFOUND, "no such API endpoint");
        return WSP_ENOTFOUND;
    }
    if (!match(found->pattern, rq->path, rq))
        return http_reply_error(rq, WSP_ENOMEM, "request arena exhausted while routing");
    rq->spool = (found->flags & ROUTE_UPLOAD) != 0;
    size_t cap = rq->srv->cfg.body_max;
    if (rq->spool && cap < HTTP_UPLOAD_MAX)
        cap = HTTP_UPLOAD_MAX;
    rq->body_cap = cap;
    /* Refuse an announced oversized body before reading any of it (a chunked one is capped
     * while it is read). */
    if (rq->body_length > 0 && (uint64_t)rq->body_length > cap)
        return http_reply_error(rq, WSP_ETOOBIG, "request body over %zu bytes", cap);
    /* JSON only: a form or text/plain body is what a cross-site <form> can send. */
    if (reads_json(found)) {
        const char *type = http_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
        bool has_body = rq->body_length > 0 || rq->body_chunked;
        if (type ? !http_content_type_json(type) : has_body) {
            reply_unsupported_type(rq);
            return WSP_EINVAL;
        }
    }
    /* Every state-changing request needs a session and its CSRF token, except login. */
    bool changing = state_changing(rq->method) && !(found->flags & (ROUTE_NO_CSRF | ROUTE_SIGNED));
    if ((found->flags & ROUTE_SESSION) || changing) {
        int rc = http_require_session(rq);
        if (rc != 0)
            return rc;
    }
    if (changing) {
        int rc = http_require_csrf(rq);
        if (rc != 0)
            return rc;
    }
    /* Write rate limits, once the user is known (reports have lower ones). */
    if (state_changing(rq->method) && !(found->flags & ROUTE_SIGNED) &&
        http_require_write_quota(rq, found->handler == http_handle_reports_add) != 0)
        return WSP_ERATE;
    rq->route = found;
    return 0;
}

void http_route(struct http_request *rq)
{
    if (http_route_check(rq) != 0)
        return;
    const struct route *found = rq->route;
    found->handler(rq);
}
