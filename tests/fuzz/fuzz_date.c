/*
 * libFuzzer target for the date parsers: the Indonesian dates in article text
 * (detect_find_dates) with a fixed published date and without one; the dates of feeds and page
 * metadata (text_parse_date); the strict "YYYY-MM-DD" of plans and API fields
 * (plan_date_parse); and ISO timestamps (time_parse_iso, used for report dates and the API).
 *
 * Invariants: never crash or read out of bounds. detect_find_dates: at most `max` dates; every
 * date is a valid calendar date in 1900..2100 with precision 1 or 2; every span lies inside
 * the input and the spans come in text order without overlapping. text_parse_date: a real
 * calendar day. plan_date_parse and time_parse_iso: what they accept is exactly what they
 * would write back (so a stored date string is canonical and sorts as a date).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "plan/plan.h"
#include "text/text_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct detect_model *model;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_dates(const struct detect_date *d, size_t n, size_t max, size_t size)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    CHECK(n <= max);
    size_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(d[i].y >= 1900 && d[i].y <= 2100);
        CHECK(d[i].m >= 1 && d[i].m <= 12);
        CHECK(d[i].d >= 1 && d[i].d <= mdays[d[i].m - 1]);
        CHECK(d[i].precision == 1 || d[i].precision == 2);
        CHECK(d[i].off <= size && d[i].len <= size - d[i].off);
        CHECK(d[i].off >= prev_end);
        prev_end = d[i].off + d[i].len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model) {
        struct error err = {0};
        if (detect_model_load(&model, NULL, NULL, &err) != 0)
            abort();
    }
    struct detect_date d[16];
    /* an exact-size heap copy so ASan sees any read past the end */
    char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    size_t n = detect_find_dates(model, copy, size, "2021-03-03", d, 16);
    check_dates(d, n, 16, size);
    n = detect_find_dates(model, copy, size, NULL, d, 16);
    check_dates(d, n, 16, size);
    n = detect_find_dates(model, copy, size, "2000-02-29", d, 1);
    check_dates(d, n, 1, size);

    char ymd[11];
    memset(ymd, 'x', sizeof(ymd));
    if (text_parse_date(copy, size, ymd)) {
        int64_t days;
        CHECK(ymd[10] == '\0' && plan_date_parse(ymd, &days) == 0);
        CHECK(ymd[0] == '1' || ymd[0] == '2');
    }
    free(copy);

    /* the strict parsers take C strings */
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t days;
    if (plan_date_parse(s, &days) == 0) {
        char back[16];
        plan_date_format(days, back, sizeof(back));
        CHECK(strcmp(back, s) == 0);
    }
    int64_t t;
    if (time_parse_iso(s, &t) == 0) {
        char back[32];
        time_format_iso(t, back, sizeof(back));
        size_t len = strlen(s);
        CHECK(len == 10 || len == 20);
        /* a leap second (":60Z") is read as the next second, on purpose */
        if (!(len == 20 && s[17] == '6'))
            CHECK(len == 10 ? memcmp(back, s, 10) == 0 && strcmp(back + 10, "T00:00:00Z") == 0
                            : strcmp(back, s) == 0);
    }
    free(s);
    return 0;
}
