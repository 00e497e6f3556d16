/* JSON in (the request body reader) and out (responses and the error envelope). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

/* API bodies are flat records; anything nested deeper is refused before a handler sees it. */
#define HTTP_JSON_MAX_DEPTH 32

/* Copy msg keeping printable ASCII only: parser messages quote the offending input, which
 * may be invalid UTF-8 and must not break the JSON error envelope. */
static void ascii_only(char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f)
            *s = '?';
    }
}

static bool depth_ok(const json_t *v, int depth)
{
    if (depth > HTTP_JSON_MAX_DEPTH)
        return false;
    if (json_is_object(v)) {
        const char *key;
        json_t *member;
        json_object_foreach((json_t *)v, key, member)
        {
            if (!depth_ok(member, depth + 1))
                return false;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (!depth_ok(item, depth + 1))
                return false;
        }
    }
    return true;
}

int http_json_read(const char *data, size_t len, size_t max, json_t **out, struct error *err)
{
    *out = NULL;
    if (max && len > max)
        return error_set(err, WSP_ETOOBIG, "request body over %zu bytes", max);
    if (!data || len == 0)
        return error_set(err, WSP_EINVAL, "invalid JSON: empty body");
    json_error_t jerr;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        char text[JSON_ERROR_TEXT_LENGTH];
        str_copy(text, jerr.text, sizeof(text));
        ascii_only(text);
        return error_set(err, WSP_EINVAL, "invalid JSON: %s at line %d column %d", text, jerr.line,
                         jerr.column);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return error_set(err, WSP_EINVAL, "invalid JSON: body must be an object");
    }
    if (!depth_ok(v, 1)) {
        json_decref(v);
        return error_set(err, WSP_EINVAL, "invalid JSON: nested deeper than %d levels",
                         HTTP_JSON_MAX_DEPTH);
    }
    *out = v;
    return 0;
}

int http_json_string(json_t *obj, const char *key, bool required, size_t maxlen, const char **out,
                     struct error *err)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v || (json_is_null(v) && !required)) {
        if (required)
            return error_set(err, WSP_EINVAL, "missing field '%s'", key);
        return 0;
    }
    if (!json_is_string(v))
        return error_set(err, WSP_EINVAL, "field '%s' must be a string", key);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > maxlen)
        return error_set(err, WSP_EINVAL, "field '%s' is longer than %zu bytes", key, maxlen);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return error_set(err, WSP_EINVAL, "field '%s' contains control characters", key);
    *out = s;
    return 0;
}

int http_request_json(struct http_request *rq, json_t **out)
{
    *out = NULL;
    if (rq->json) {
        *out = rq->json;
        return 0;
    }
    struct error err = {0};
    int rc = http_json_read(rq->body.data, rq->body.len, rq->srv->cfg.body_max, &rq->json, &err);
    if (rc)
        return http_reply_err(rq, &err);
    *out = rq->json;
    return 0;
}

/* ---- responses -------------------------------------------------------------------------- */

static void reply_reset(struct http_request *rq)
{
    free(rq->resp_body);
    rq->resp_body = NULL;
    rq->resp_len = 0;
    http_snapshot_release(rq->resp_snapshot); /* a later answer replaces a shared one */
    rq->resp_snapshot = NULL;
    rq->resp_shared = NULL;
}

void http_reply_json(struct http_request *rq, unsigned status, json_t *value)
{
    /* 10 significant digits: 91.3 prints as 91.3, not 91.299999999999997 */
    char *text =
        value ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
    if (value)
        json_decref(value);
    if (!text) {
        /* Only reached on out-of-memory or a handler bug (NULL from a json_pack). */
        LOG_E("http", "cannot encode response for %s %s", rq->method, rq->path);
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        text = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
    }
    reply_reset(rq);
    rq->replied = true;
    rq->api = true;
    rq->status = status;
    rq->resp_body = text;
    rq->resp_len = strlen(text);
}

json_t *http_json_str(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s);
    if (utf8_valid(s, n))
        return json_stringn(s, n);
    char *copy = xstrndup(s, n);
    ascii_only(copy);
    json_t *v = json_string(copy);
    free(copy);
    return v;
}

static int reply_error_msg(struct http_request *rq, int code, const char *msg)
{
    unsigned status = http_status_for(code);
    if (status >= 500) {
        /* Details stay in the log; the client gets the category only. */
        LOG_E("http", "%s %s: %s", rq->method, rq->path, msg);
        msg = code == WSP_EBUSY ? "service busy, try again" : "internal error";
    }
    json_t *body = json_pack("{s:{s:s,s:o}}", "error", "code", error_code_name(code), "message",
                             http_json_str(msg));
    http_reply_json(rq, status, body);
    return code;
}

/* Parenthesised names here: not the analyzer-only macros of the same names (http_internal.h). */
int(http_reply_error)(struct http_request *rq, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    if (code >= 0)
        code = WSP_EINTERNAL;
    return reply_error_msg(rq, code, msg);
}

int(http_reply_err)(struct http_request *rq, const struct error *err)
{
    int code = err->code < 0 ? err->code : WSP_EINTERNAL;
    return reply_error_msg(rq, code, err->msg[0] ? err->msg : "unknown error");
}

void http_reply_method_not_allowed(struct http_request *rq, const char *allow)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "method %s not allowed here (allowed: %s)", rq->method, allow);
    json_t *body = json_pack("{s:{s:s,s:o}}", "error", "code", "method_not_allowed", "message",
                             http_json_str(msg));
    http_reply_json(rq, MHD_HTTP_METHOD_NOT_ALLOWED, body);
    http_add_header(rq, "Allow", allow);
}

void http_reply_raw(struct http_request *rq, unsigned status, const char *content_type,
                    const char *body, size_t len)
{
    reply_reset(rq);
    rq->replied = true;
    rq->api = false;
    rq->status = status;
    rq->resp_type = content_type;
    rq->resp_body = xmalloc(len + 1);
    memcpy(rq->resp_body, body, len);
    rq->resp_body[len] = '\0';
    rq->resp_len = len;
}

void http_add_header(struct http_request *rq, const char *name, const char *value)
{
    struct http_header *h = arena_alloc(&rq->arena, sizeof(*h));
    if (!h)
        return;
    h->name = arena_strdup(&rq->arena, name);
    h->value = arena_strdup(&rq->arena, value);
    if (!h->name || !h->value)
        return;
    h->next = rq->resp_headers;
    rq->resp_headers = h;
}

json_t *http_json_time(int64_t t)
{
    if (t == 0)
        return json_null();
    char iso[32];
    time_format_iso(t, iso, sizeof(iso));
    return json_string(iso);
}

json_t *http_json_user(const struct store_user *u)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:b,s:o,s:o}", "id", (json_int_t)u->id, "username",
                     http_json_str(u->username), "role", http_json_str(u->role), "region",
                     http_json_str(u->region), "full_name", http_json_str(u->full_name), "disabled",
                     u->disabled, "created_at", http_json_time(u->created_at), "updated_at",
                     http_json_time(u->updated_at));
}
