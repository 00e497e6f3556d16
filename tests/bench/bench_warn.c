/*
 * Early-warning engine: full recompute over 514 regencies x 5 years of daily data and the
 * incremental update per ingested event (synthetic events, fixed seed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "warn/warn.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *s, size_t n, const char *unit, double scale)
{
    qsort(s, n, sizeof(*s), cmp_double);
    printf("  %-44s median %9.3f %s   p99 %9.3f %s   (n=%zu)\n", name, s[n / 2] / scale, unit,
           s[(n * 99) / 100] / scale, unit, n);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

enum { NREG = 514, DAYS = 5 * 365 + 1 };
static char codes[NREG][8];

static struct warn_event random_event(int64_t id, int32_t day)
{
    struct warn_event e = {.id = id,
                           .region = codes[rnd() % NREG],
                           .day = day,
                           .killed = rnd() % 10 == 0 ? (long)(1 + rnd() % 3) : 0,
                           .injured = rnd() % 4 == 0 ? (long)(rnd() % 6) : 0,
                           .category = warn_category_names[1 + rnd() % 8],
                           .verified = rnd() % 3 != 0};
    return e;
}

void bench_warn(void)
{
    struct warn_params p;
    warn_params_default(&p);
    /* 514 regency codes over 38 provinces (real-looking, 11.01 .. 96.xx) */
    for (int i = 0; i < NREG; i++)
        snprintf(codes[i], sizeof(codes[i]), "%02d.%02d", 11 + (i % 38) * 2, 1 + i / 38);
    int32_t d0 = 18262; /* 2020-01-01 */
    struct warn_state *st = warn_state_new(&p, d0);
    warn_state_set_notify(st, false);
    /* about 0.03 events a day per regency, with bursts: ~30,000 events */
    int64_t id = 1;
    for (int32_t t = 0; t < DAYS; t++) {
        int n = (int)(rnd() % 31); /* 15 a day on average */
        if (rnd() % 50 == 0)
            n += 40; /* a bad day somewhere */
        for (int k = 0; k < n; k++) {
            struct warn_event e = random_event(id++, d0 + t);
            warn_state_add(st, &e, NULL);
        }
    }
    warn_state_advance(st, d0 + DAYS - 1);
    printf("warn (%zu regions, %d days, %zu events)\n", warn_state_region_count(st), DAYS,
           warn_state_event_count(st));
    double full[5];
    for (int i = 0; i < 5; i++) {
        double t0 = now_us();
        warn_state_recompute(st);
        full[i] = now_us() - t0;
    }
    report("full recompute (553 series x 5 years)", full, 5, "ms", 1000);

    enum { N = 2000 };
    static double s[N];
    warn_state_set_notify(st, true);
    int32_t last = warn_state_last_day(st);
    for (size_t i = 0; i < N; i++) {
        struct warn_event e = random_event(id++, last);
        double t0 = now_us();
        warn_state_add(st, &e, NULL);
        s[i] = now_us() - t0;
    }
    report("incremental add, event of today", s, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        struct warn_event e = random_event(id++, last - (int32_t)(rnd() % 30));
        double t0 = now_us();
        warn_state_add(st, &e, NULL);
        s[i] = now_us() - t0;
    }
    report("incremental add, event of the last 30 days", s, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        struct warn_event e = random_event(id++, d0 + (int32_t)(rnd() % DAYS));
        double t0 = now_us();
        warn_state_add(st, &e, NULL);
        s[i] = now_us() - t0;
    }
    report("incremental add, event of any day (5 years)", s, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        int64_t victim = 1 + (int64_t)(rnd() % 25000);
        double t0 = now_us();
        warn_state_remove(st, victim, NULL);
        s[i] = now_us() - t0;
    }
    report("incremental remove (rejected lead, any day)", s, N, "us", 1);
    warn_state_free(st);
}
