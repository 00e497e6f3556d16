/* The program's clock, overridable for tests, and ISO 8601 formatting in UTC. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/base.h"

static _Atomic int64_t time_override = 0;

int64_t time_now(void)
{
    int64_t o = time_override;
    return o ? o : (int64_t)time(NULL);
}

int64_t time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void time_set_override(int64_t t)
{
    time_override = t;
}

void time_format_iso(int64_t t, char *out, size_t outsz)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || !strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        if (outsz)
            out[0] = '\0';
    }
}

bool date_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_month_days(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[m - 1] + (m == 2 && date_leap_year(y));
}

bool date_ymd_valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= date_month_days(y, m);
}

int64_t date_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400) + (mm <= 2);
    *m = mm;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int date_weekday(int64_t days)
{
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

bool date_iso_valid(const char *s)
{
    int64_t t;
    /* time_parse_iso takes YYYY-MM-DD (digits where the pattern has them, a day that the
     * month has) or a full timestamp */
    return s && strlen(s) == 10 && time_parse_iso(s, &t) == 0;
}

void date_format(int64_t days, char *out, size_t outsz)
{
    int y, m, d;
    date_civil_from_days(days, &y, &m, &d);
    if (outsz < 11 || y < 0 || y > 9999) {
        if (outsz)
            out[0] = '\0';
        return;
    }
    const int v[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10};
    char *p = out;
    for (int i = 0; i < 8; i++) {
        *p++ = (char)('0' + v[i]);
        if (i == 3 || i == 5)
            *p++ = '-';
    }
    *p = '\0';
}

int time_parse_iso(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t len = strlen(s);
    /* digits exactly where the pattern has them (no sign or space inside a field, as
     * sscanf's %d would take in "8024-+2-09") */
    static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
    if (len != 10 && len != 20)
        return WSP_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (pattern[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pattern[i])
            return WSP_EINVAL;
#define DIGITS2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
    y = DIGITS2(s) * 100 + DIGITS2(s + 2);
    mo = DIGITS2(s + 5);
    d = DIGITS2(s + 8);
    if (len == 20) {
        h = DIGITS2(s + 11);
        mi = DIGITS2(s + 14);
        se = DIGITS2(s + 17);
    }
#undef DIGITS2
    if (y < 1900 || !date_ymd_valid(y, mo, d) || h > 23 || mi > 59 || se > 60)
        return WSP_EINVAL;
    *out = date_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se;
    return 0;
}
