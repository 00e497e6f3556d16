/*
 * libFuzzer target for the Indonesian date parser (detect_find_dates) on arbitrary bytes with a
 * fixed published date, and again without one.
 *
 * Invariants: never crash or read out of bounds; at most `max` dates; every date is a valid
 * calendar date in 1900..2100 with precision 1 or 2; every span lies inside the input and the
 * spans come in text order without overlapping.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct detect_model *model;

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void check_dates(const struct detect_date *d, size_t n, size_t max, size_t size)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    check(n <= max);
    size_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        check(d[i].y >= 1900 && d[i].y <= 2100);
        check(d[i].m >= 1 && d[i].m <= 12);
        check(d[i].d >= 1 && d[i].d <= mdays[d[i].m - 1]);
        check(d[i].precision == 1 || d[i].precision == 2);
        check(d[i].off <= size && d[i].len <= size - d[i].off);
        check(d[i].off >= prev_end);
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
    free(copy);
    return 0;
}
