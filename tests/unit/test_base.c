/* Unit tests for src/base: errors, arena, buf, strings, UTF-8, time, embedded data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"

static void test_error(void **state)
{
    (void)state;
    struct error err = {0};
    assert_int_equal(error_set(&err, WSP_EINVAL, "unknown role '%s'", "raja"), WSP_EINVAL);
    assert_int_equal(err.code, WSP_EINVAL);
    assert_string_equal(err.msg, "unknown role 'raja'");
    assert_int_equal(error_set(NULL, WSP_EIO, "x"), WSP_EIO);
    assert_string_equal(error_code_name(WSP_EPERM), "forbidden");
    assert_string_equal(error_code_name(WSP_ETOOBIG), "too_large");
    assert_string_equal(error_code_name(-999), "internal");
    error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.msg, "");
}

static void test_arena(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 10000);
    char *s = arena_strdup(&a, "Kota Bandung");
    assert_string_equal(s, "Kota Bandung");
    assert_int_equal((uintptr_t)s % 16, 0);
    assert_string_equal(arena_printf(&a, "%s-%d", "32", 73), "32-73");
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    assert_null(arena_strdup(&a, NULL));
    /* a big allocation gets its own chunk */
    char *big = arena_alloc(&a, 5000);
    assert_non_null(big);
    assert_int_equal(big[4999], 0);
    /* over the cap: NULL and sticky oom */
    assert_null(arena_alloc(&a, 6000));
    assert_true(a.oom);
    arena_release(&a);
    assert_false(a.oom);
    assert_int_equal(a.used, 0);
    assert_non_null(arena_alloc(&a, 100));
    arena_release(&a);
}

static void test_buf(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 16);
    assert_string_equal(buf_cstr(&b), "");
    buf_puts(&b, "waspada");
    buf_putc(&b, ' ');
    buf_printf(&b, "%d", 2026);
    assert_string_equal(buf_cstr(&b), "waspada 2026");
    assert_int_equal(b.len, 12);
    assert_false(b.oom);
    buf_puts(&b, "-too-long"); /* 21 > 16: refused whole, sticky */
    assert_true(b.oom);
    assert_string_equal(buf_cstr(&b), "waspada 2026");
    buf_puts(&b, "x");
    assert_int_equal(b.len, 12);
    buf_reset(&b);
    assert_false(b.oom);
    assert_int_equal(b.len, 0);
    buf_put_i64(&b, 0);
    buf_putc(&b, ' ');
    buf_put_i64(&b, -42);
    assert_string_equal(buf_cstr(&b), "0 -42");
    buf_release(&b);
    buf_init(&b, 0);
    buf_put_i64(&b, INT64_MIN);
    assert_string_equal(buf_cstr(&b), "-9223372036854775808");
    buf_reset(&b);
    buf_put_i64(&b, INT64_MAX);
    assert_string_equal(buf_cstr(&b), "9223372036854775807");
    buf_reset(&b);
    buf_puts(&b, "abc");
    size_t len;
    char *p = buf_detach(&b, &len);
    assert_string_equal(p, "abc");
    assert_int_equal(len, 3);
    assert_null(b.data);
    free(p);
    buf_release(&b);

    char *s = xasprintf("%s.%s", "32", "73");
    assert_string_equal(s, "32.73");
    free(s);
}

static void test_strings(void **state)
{
    (void)state;
    char small[6];
    assert_int_equal(str_copy(small, "Jawa Barat", sizeof(small)), 10);
    assert_string_equal(small, "Jawa ");
    assert_true(str_starts_with("32.73", "32"));
    assert_false(str_starts_with("3", "32"));
    assert_true(str_eq(NULL, NULL));
    assert_false(str_eq("a", NULL));
    long v;
    assert_int_equal(str_to_long("42", 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(str_to_long("-1", 0, 100, &v), WSP_EINVAL);
    assert_int_equal(str_to_long("4x", 0, 100, &v), WSP_EINVAL);
    assert_int_equal(str_to_long("", 0, 100, &v), WSP_EINVAL);
    assert_int_equal(str_to_long("99999999999999999999", 0, 100, &v), WSP_EINVAL);

    assert_true(utf8_valid("Bandung", 7));
    assert_true(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    assert_false(utf8_valid("\xc3", 1));             /* truncated */
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(utf8_valid("\xff", 1));
}

static void test_time(void **state)
{
    (void)state;
    char s[32];
    int64_t t;
    time_format_iso(0, s, sizeof(s));
    assert_string_equal(s, "1970-01-01T00:00:00Z");
    assert_int_equal(time_parse_iso("2026-11-29", &t), 0);
    assert_int_equal(t, 1795910400);
    assert_int_equal(time_parse_iso("2024-02-29T23:59:59Z", &t), 0);
    time_format_iso(t, s, sizeof(s));
    assert_string_equal(s, "2024-02-29T23:59:59Z");
    assert_int_equal(time_parse_iso("2023-02-29", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2024-04-31", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2024-12-31T24:00:00Z", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("1899-12-31", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2000-02-29", &t), 0);
    assert_int_equal(t, 951782400);
    assert_int_equal(time_parse_iso("1900-02-29", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2023-13-01", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2023-1-01", &t), WSP_EINVAL);
    /* a sign or a space inside a field is not a digit (found by fuzz_date) */
    assert_int_equal(time_parse_iso("8024-+2-09", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2024- 2-09", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2024-02-09T-1:00:00Z", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("2024-02-09t10:00:00Z", &t), WSP_EINVAL);
    assert_int_equal(time_parse_iso("23/2/2021", &t), WSP_EINVAL);
    time_set_override(1795910400);
    assert_int_equal(time_now(), 1795910400);
    time_set_override(0);
    assert_true(time_now() > 1795910400 - 86400 * 365 * 2);
}

/* The one calendar (date_*): every day from 1900 to 2200 round-trips, formats as the C
 * library does, and known days fall on their weekdays. */
static void test_dates(void **state)
{
    (void)state;
    char s[16], want[16];
    assert_int_equal(date_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(date_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(date_days_from_civil(1945, 8, 17), -8903);
    int64_t first = date_days_from_civil(1900, 1, 1), last = date_days_from_civil(2200, 12, 31);
    for (int64_t z = first; z <= last; z++) {
        int y, m, d;
        date_civil_from_days(z, &y, &m, &d);
        assert_true(date_ymd_valid(y, m, d));
        assert_int_equal(date_days_from_civil(y, m, d), z);
        date_format(z, s, sizeof(s));
        snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
        assert_string_equal(s, want);
    }
    assert_int_equal(date_weekday(date_days_from_civil(1945, 8, 17)), 5); /* a Friday */
    assert_int_equal(date_weekday(date_days_from_civil(2026, 12, 6)), 0); /* a Sunday */
    assert_int_equal(date_weekday(-1), 3);                                /* 1969-12-31 */
    assert_true(date_leap_year(2000));
    assert_false(date_leap_year(1900));
    assert_int_equal(date_month_days(2024, 2), 29);
    assert_int_equal(date_month_days(2023, 2), 28);
    assert_false(date_ymd_valid(2023, 2, 29));
    assert_false(date_ymd_valid(2023, 13, 1));
    assert_false(date_ymd_valid(2023, 4, 0));
    date_format(date_days_from_civil(10000, 1, 1), s, sizeof(s));
    assert_string_equal(s, "");
    date_format(0, s, 10); /* too small */
    assert_string_equal(s, "");
    assert_true(date_iso_valid("2024-02-29"));
    assert_false(date_iso_valid("2023-02-29"));
    assert_false(date_iso_valid("2024-02-29T00:00:00Z")); /* a day, not a time */
    assert_false(date_iso_valid("2024-2-29"));
    assert_false(date_iso_valid(NULL));
}

static void test_data(void **state)
{
    (void)state;
    struct data_blob b;
    struct error err = {0};
    assert_true(data_embedded_count() >= 5);
    assert_int_equal(data_read("wilayah/provinces.csv", &b, &err), 0);
    assert_true(str_starts_with(b.data, "code,name\n11,Aceh\n"));
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strlen(b.data), b.len);
    data_blob_free(&b);
    assert_int_equal(data_read("nope.csv", &b, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no data file 'nope.csv' in this build");
    assert_int_equal(data_read("../etc/passwd", &b, &err), WSP_EINVAL);

    /* a directory overrides the embedded copy */
    char dir[] = "/tmp/wsp-data-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/wilayah", dir), *path = xasprintf("%s/provinces.csv", sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    FILE *f = fopen(path, "w");
    fputs("code,name\n99,Uji\n", f);
    fclose(f);
    data_set_dir(dir);
    assert_int_equal(data_read("wilayah/provinces.csv", &b, &err), 0);
    assert_string_equal(b.data, "code,name\n99,Uji\n");
    data_blob_free(&b);
    assert_int_equal(data_read("wilayah/regencies.csv", &b, &err), WSP_ENOTFOUND);
    data_set_dir(NULL);
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    free(path);
    free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error), cmocka_unit_test(test_arena),   cmocka_unit_test(test_buf),
        cmocka_unit_test(test_dates), cmocka_unit_test(test_strings), cmocka_unit_test(test_time),
        cmocka_unit_test(test_data),
    };
    log_set_level(LOG_OFF);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
