/*
 * One API call for integration tests that link cmocka and jansson (header only: support.c
 * itself uses neither). The answer must have the expected status, a JSON body, and, for an
 * error, the JSON error envelope {"error": {"code", "message"}}; anything else fails the
 * test. check (may be NULL) looks at the raw response too. Returns the body; caller decrefs.
 * Include after <cmocka.h> and <jansson.h>.
 */
#ifndef WSP_TEST_API_CALL_H
#define WSP_TEST_API_CALL_H

#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "support.h"

static inline json_t *support_api_call(struct support_http *c, const char *method, const char *path,
                                       const char *body, const char *csrf, long expect_status,
                                       void (*check)(const struct support_response *))
{
    struct support_response r;
    char hdr[128];
    const char *headers[] = {hdr, NULL};
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", csrf ? csrf : "");
    long status = support_http(c, method, path, body, (size_t)-1, csrf ? headers : NULL, &r);
    if (status != expect_status)
        fail_msg("%s %s: expected %ld, got %ld: %s", method, path, expect_status, status, r.body);
    if (check)
        check(&r);
    json_error_t jerr;
    json_t *v = json_loads(r.body, 0, &jerr);
    if (!v)
        fail_msg("%s %s: body is not JSON (%s): %s", method, path, jerr.text, r.body);
    if (status >= 400) {
        json_t *e = json_object_get(v, "error");
        if (!json_is_object(e) || !json_is_string(json_object_get(e, "code")) ||
            !json_is_string(json_object_get(e, "message")))
            fail_msg("%s %s: %ld without the error envelope: %s", method, path, status, r.body);
    }
    support_response_free(&r);
    return v;
}

/* A fresh client for base_url logged in as user; its CSRF token into csrf (65 bytes) unless
 * NULL. Any other answer than 200 with a token fails the test. */
static inline void support_api_login(struct support_http *c, const char *base_url, const char *user,
                                     const char *password, char *csrf)
{
    if (support_http_init(c, base_url) != 0)
        fail_msg("cannot start an HTTP client for %s", base_url);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    json_t *v = support_api_call(c, "POST", "/api/v1/auth/login", body, NULL, 200, NULL);
    json_t *t = json_object_get(v, "csrf_token");
    if (!json_is_string(t))
        fail_msg("login as %s: no csrf_token", user);
    if (csrf)
        str_copy(csrf, json_string_value(t), 65);
    json_decref(v);
    free(body);
}

#endif
