/* GET /api/v1/audit: the audit log, newest first, admin only. */
#include <stdint.h>
#include <string.h>

#include "http/http_internal.h"

#define AUDIT_LIMIT_DEFAULT 100
#define AUDIT_LIMIT_MAX 500
#define AUDIT_FILTER_MAX 128

/* Stored before/after JSON back as JSON (a string when it does not parse). */
static json_t *embedded_json(const char *text)
{
    if (!text)
        return json_null();
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : http_json_str(text);
}

static int query_long(struct http_request *rq, const char *name, long min, long max, long dflt,
                      long *out)
{
    const char *s = http_query(rq, name);
    *out = dflt;
    if (s && s[0] && str_to_long(s, min, max, out) != 0)
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be an integer in %ld..%ld", name, min,
                                max);
    return 0;
}

static int query_filter(struct http_request *rq, const char *name, const char **out)
{
    const char *s = http_query(rq, name);
    *out = s && s[0] ? s : NULL;
    if (*out && strlen(*out) > AUDIT_FILTER_MAX)
        return http_reply_error(rq, WSP_EINVAL, "'%s' is longer than %d bytes", name,
                                AUDIT_FILTER_MAX);
    return 0;
}

void http_handle_audit(struct http_request *rq)
{
    if (rq->role != AUTH_ROLE_ADMIN) {
        http_reply_error(rq, WSP_EPERM, "the audit log is for administrators");
        return;
    }
    struct store_audit_query q = {0};
    long offset, limit, user_id;
    if (query_long(rq, "offset", 0, 100000000, 0, &offset) ||
        query_long(rq, "limit", 1, AUDIT_LIMIT_MAX, AUDIT_LIMIT_DEFAULT, &limit) ||
        query_long(rq, "user_id", 1, INT32_MAX, 0, &user_id) ||
        query_filter(rq, "action", &q.action) || query_filter(rq, "object_type", &q.object_type) ||
        query_filter(rq, "object_id", &q.object_id))
        return;
    q.offset = (size_t)offset;
    q.limit = (size_t)limit;
    q.user_id = user_id;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_audit *rows = NULL;
    size_t n = 0, total = 0;
    struct error err = {0};
    if (store_audit_list(st, &q, &rq->arena, &rows, &n, &total, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct store_audit *a = &rows[i];
        json_array_append_new(
            items,
            json_pack("{s:I,s:o,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)a->id, "at",
                      http_json_time(a->at), "user_id", (json_int_t)a->user_id, "username",
                      http_json_str(a->username), "client", http_json_str(a->client), "action",
                      http_json_str(a->action), "object_type", http_json_str(a->object_type),
                      "object_id", http_json_str(a->object_id), "before",
                      embedded_json(a->before_json), "after", embedded_json(a->after_json)));
    }
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
                              "offset", (json_int_t)offset, "limit", (json_int_t)limit));
}
