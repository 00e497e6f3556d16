/*
 * libFuzzer target for RSS 2.0, RSS 1.0/RDF and Atom feeds (text_parse_feed), on its own so
 * the fuzzer's effort goes to the feed reader (fuzz_html also feeds it HTML).
 *
 * Invariants: never crash, leak or fetch anything (no network, no DTD); 0 or a WSP_E* code,
 * and no items on error; every field valid UTF-8; a summary on every item; published dates
 * are real calendar days "YYYY-MM-DD" (the date of an article and of its events is counted
 * from it); a small arena runs out with an error code, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_str(const char *s)
{
    if (s)
        CHECK(utf8_valid(s, strlen(s)));
}

static void check_date(const char *d)
{
    if (!d)
        return;
    int64_t t;
    CHECK(strlen(d) == 10 && time_parse_iso(d, &t) == 0);
    char back[32];
    time_format_iso(t, back, sizeof(back));
    CHECK(memcmp(back, d, 10) == 0);
}

static void parse(const char *in, size_t size, size_t arena_cap)
{
    struct arena a;
    struct error err = {0};
    struct text_feed_item *items = NULL;
    size_t n = 0;
    arena_init(&a, arena_cap);
    int rc = text_parse_feed(in, size, &a, &items, &n, &err);
    CHECK(rc == 0 || (rc <= WSP_EINVAL && rc >= WSP_EINTERNAL));
    if (rc)
        CHECK(n == 0 && err.code == rc);
    for (size_t i = 0; i < n; i++) {
        CHECK(items[i].summary != NULL);
        check_str(items[i].title);
        check_str(items[i].url);
        check_str(items[i].summary);
        check_str(items[i].guid);
        check_date(items[i].published);
    }
    arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size heap copy so ASan sees any read past the end */
    char *in = malloc(size ? size : 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    parse(in, size, 64u << 20);
    parse(in, size, 512 + (size > 0 ? data[size - 1] * 32u : 0));
    free(in);
    return 0;
}
