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

#endif
