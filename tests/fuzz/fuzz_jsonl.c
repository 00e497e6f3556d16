/*
 * libFuzzer target for the `waspada extract` JSON Lines reader (detect_article_from_json).
 *
 * Invariants: never crash or leak; on success the record has an id and text or html, and a
 * published date, when kept, is exactly "YYYY-MM-DD"; on failure the status is WSP_EINVAL with
 * a printable ASCII message (it goes into the {"id","error"} object and onto stderr).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a, 1u << 24);
    struct detect_article in;
    struct error err = {0};
    int rc = detect_article_from_json((const char *)data, size, &a, &in, &err);
    if (rc == 0) {
        check(in.id != NULL);
        check(in.text != NULL || in.html != NULL);
        if (in.text)
            check(strlen(in.text) <= in.text_len);
        if (in.published) {
            check(strlen(in.published) == 10);
            check(in.published[4] == '-' && in.published[7] == '-');
        }
    } else {
        check(rc == WSP_EINVAL || rc == WSP_ENOMEM);
        check(err.code == rc);
        for (const char *p = err.msg; *p; p++)
            check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    }
    arena_release(&a);
    return 0;
}
