/*
 * libFuzzer target for the JSON request reader (http_json_read) and the field accessor the
 * handlers use on its result.
 *
 * Invariants: never crash or leak; the result is either a JSON object (0) or a 400-class
 * error (WSP_EINVAL -> 400 "invalid JSON: ...", WSP_ETOOBIG -> 413) whose message is printable
 * ASCII, so it always fits in the error envelope; an accepted object survives a
 * dump/load round trip unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

#define FUZZ_BODY_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *v = (json_t *)1;
    struct error err = {0};
    int rc = http_json_read((const char *)data, size, FUZZ_BODY_MAX, &v, &err);
    if (rc != 0) {
        check(v == NULL);
        check(err.code == rc);
        unsigned status = http_status_for(rc);
        check(status == 400 || status == 413);
        check(status == 413 || str_starts_with(err.msg, "invalid JSON: "));
        for (const char *p = err.msg; *p; p++)
            check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
        json_t *s = json_string(err.msg);
        check(s != NULL);
        json_decref(s);
        return 0;
    }
    check(json_is_object(v));
    check(size <= FUZZ_BODY_MAX);

    /* What the login handler does with the body. */
    const char *username = NULL, *password = NULL;
    struct error ferr = {0};
    if (http_json_string(v, "username", true, 1024, &username, &ferr) == 0)
        check(username != NULL && strlen(username) <= 1024);
    else
        check(username == NULL && ferr.code == WSP_EINVAL);
    if (http_json_string(v, "password", false, 4096, &password, &ferr) == 0 && password)
        check(utf8_valid(password, strlen(password)));

    /* Round trip: what we accept, we can write back and read again. */
    char *text = json_dumps(v, JSON_COMPACT);
    check(text != NULL);
    json_t *again = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    check(again != NULL && json_equal(v, again));
    json_decref(again);
    free(text);
    json_decref(v);
    return 0;
}
