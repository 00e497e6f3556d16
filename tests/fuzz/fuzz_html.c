/*
 * libFuzzer target for documents: text_from_html, text_from_plain and text_parse_feed must be
 * safe on any bytes and keep their promises: 0 or a WSP_E* code, a body that is NUL-terminated
 * valid UTF-8 of body_len bytes, dates as real "YYYY-MM-DD" days, everything in the arena (released
 * each run, so LeakSanitizer sees any leak).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct text_resources *res;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct error err = {0};
    WSP_UNUSED(argc);
    WSP_UNUSED(argv);
    if (text_resources_load(&res, &err) != 0) {
        fprintf(stderr, "text_resources_load: %s\n", err.msg);
        abort();
    }
    return 0;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_rc(int rc)
{
    CHECK(rc == 0 || (rc <= WSP_EINVAL && rc >= WSP_EINTERNAL));
}

static void check_str(const char *s)
{
    if (s)
        CHECK(utf8_valid(s, strlen(s)));
}

/* "YYYY-MM-DD" and a real calendar day (not "2026-02-31") */
static void check_date(const char *d)
{
    if (!d)
        return;
    CHECK(strlen(d) == 10 && d[4] == '-' && d[7] == '-');
    for (int i = 0; i < 10; i++)
        CHECK(i == 4 || i == 7 || (d[i] >= '0' && d[i] <= '9'));
    int64_t t;
    char back[32];
    CHECK(time_parse_iso(d, &t) == 0);
    time_format_iso(t, back, sizeof(back));
    CHECK(memcmp(back, d, 10) == 0);
}

static void check_doc(int rc, const struct text_doc *d)
{
    check_rc(rc);
    CHECK(d->body != NULL);
    CHECK(strlen(d->body) == d->body_len);
    CHECK(utf8_valid(d->body, d->body_len));
    CHECK(d->body_len == 0 || (d->body[0] != ' ' && d->body[0] != '\n'));
    check_str(d->title);
    check_str(d->url);
    check_date(d->published);
    if (rc)
        CHECK(d->body_len == 0 && !d->title);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct arena a;
    struct error err = {0};
    struct text_doc d;

    arena_init(&a, 64u << 20);
    check_doc(text_from_html(res, in, size, &a, &d, &err), &d);
    check_doc(text_from_plain(res, in, size, &a, &d, &err), &d);

    struct text_feed_item *items = NULL;
    size_t n = 0;
    int rc = text_parse_feed(in, size, &a, &items, &n, &err);
    check_rc(rc);
    CHECK(rc == 0 || n == 0);
    for (size_t i = 0; i < n; i++) {
        CHECK(items[i].summary != NULL);
        check_str(items[i].title);
        check_str(items[i].url);
        check_str(items[i].summary);
        check_str(items[i].guid);
        check_date(items[i].published);
    }
    arena_release(&a);

    /* a small arena: running out is an error code, never a crash or a leak */
    arena_init(&a, 1024 + (size > 0 ? data[0] * 64u : 0));
    rc = text_from_html(res, in, size, &a, &d, &err);
    check_doc(rc, &d);
    arena_release(&a);
    return 0;
}
