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

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without timegm's locale baggage. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int time_parse_iso(const char *s, int64_t *out)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
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
    if (s[4] != '-' || s[7] != '-' || y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
        h > 23 || mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0)
        return WSP_EINVAL;
    if (d > mdays[mo - 1] + (mo == 2 && leap(y)))
        return WSP_EINVAL;
    *out = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se;
    return 0;
}
