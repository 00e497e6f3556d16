/* Unit tests for src/sim: the planted-scenario harness of the early-warning engine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "sim/sim.h"

static struct geo_gazetteer *gaz;
static const char **codes;
static size_t ncodes;

static int setup(void **state)
{
    (void)state;
    struct error err = {0};
    if (geo_load(&gaz, &err) != 0)
        return -1;
    ncodes = geo_count(gaz, GEO_REGENCY);
    codes = xcalloc(ncodes, sizeof(*codes));
    for (size_t i = 0; i < ncodes; i++)
        codes[i] = geo_at(gaz, GEO_REGENCY, i)->code;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(codes);
    geo_free(gaz);
    return 0;
}

static void run(uint64_t seed, int cases, struct sim_result *r)
{
    struct warn_params p;
    warn_params_default(&p);
    struct sim_config c;
    sim_config_default(&c);
    c.seed = seed;
    c.cases = cases;
    c.regencies = codes;
    c.nregencies = ncodes;
    struct error err = {0};
    assert_int_equal(sim_run(&p, &c, r, &err), 0);
}

static void test_median(void **state)
{
    (void)state;
    int a[] = {9, 1, 5};
    assert_true(sim_median(a, 3) == 5);
    int b[] = {4, 1, 8, 2};
    assert_true(sim_median(b, 4) == 3);
    assert_true(sim_median(b, 0) == -1);
}

/* The same seed gives the same world and the same verdicts; another seed another world. */
static void test_deterministic(void **state)
{
    (void)state;
    struct sim_result a, b, c;
    run(7, 3, &a);
    run(7, 3, &b);
    run(8, 3, &c);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_true(a.events != c.events);
    /* 514 regencies, about 1.5 events a year each (a tenth 5x), 2 years, plus the cases */
    assert_in_range(a.events, 1500, 4500);
}

/* The scenarios on the default parameters, two seeds of five cases each. Before the build-up
 * test no slow build-up was found within 10 days (0 of 30 in `warn simulate`). */
static void test_scenarios(void **state)
{
    (void)state;
    struct sim_result r[2];
    run(1, 5, &r[0]);
    run(2, 5, &r[1]);
    int det[SIM_NKINDS] = {0}, cases[SIM_NKINDS] = {0}, alarmed_outlet = 0;
    int fa_quiet = 0, quiet = 0;
    for (int s = 0; s < 2; s++) {
        for (int k = 0; k < SIM_NKINDS; k++) {
            det[k] += r[s].kind[k].detected;
            cases[k] += r[s].kind[k].cases;
        }
        alarmed_outlet += r[s].kind[SIM_OUTLET].alarmed;
        fa_quiet += r[s].fa_quiet;
        quiet += r[s].quiet_regions;
        /* every copy after the first merged by the near-duplicate rule */
        assert_int_equal(r[s].outlet_copies, 50);
        assert_int_equal(r[s].outlet_merged, 45);
        assert_true(r[s].kind[SIM_BUILDUP].max_delay <= 10);
    }
    for (int k = 0; k < SIM_NKINDS; k++)
        assert_int_equal(cases[k], 10);
    assert_int_equal(det[SIM_SPIKE], 10);
    assert_int_equal(det[SIM_KILLING], 10);
    assert_int_equal(det[SIM_BUILDUP], 10);
    assert_int_equal(det[SIM_OUTLET], 10);
    assert_int_equal(alarmed_outlet, 0);
    assert_true(det[SIM_SEASONAL] >= 7);
    assert_true(det[SIM_STEP] >= 9);
    assert_true(quiet > 500);
    assert_true((double)fa_quiet / quiet <= 0.02);
}

/* The oracle's CUSUM on values: three events on day 2 against 0.01 -> 0.1 a day give
 * S = 3 ln 10 - 0.09 = 6.82 >= 5, an alarm, then S restarts; one event on day 6 gives 2.21. */
static void test_oracle_cusum(void **state)
{
    (void)state;
    int counts[10] = {0, 0, 3, 0, 0, 0, 1, 0, 0, 0};
    int32_t first;
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 5, 0, NULL, 0), 1);
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 5, 0, &first, 0), 1);
    assert_int_equal(first, 2);
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 5, 0, &first, 3), 1);
    assert_int_equal(first, -1);
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 2, 0, &first, 3), 2);
    assert_int_equal(first, 6);
    /* without the restart S would carry on: 6.82 - 4 x 0.09 + 2.30 = 8.77 on day 6 */
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 8.5, 0, NULL, 0), 1);
    assert_int_equal(sim_cusum_alarms(counts, 10, 0.01, 0.1, 9, 0, NULL, 0), 0);
    /* no alarm at all on a year with one event: the threshold just above its S */
    int year[365] = {0};
    year[100] = 1;
    struct sim_series bg = {.counts = year, .n = 365, .rate = 0.01};
    double h = sim_cusum_threshold(&bg, 1, 10, 0, 0);
    assert_true(fabs(h - (log(10) - 0.09)) < 1e-6);
    assert_true(sim_cusum_threshold(&bg, 1, 0, 0.1, 2.0) < h); /* one a year allowed */
}

/* The oracle on one seed: every step and seasonal case judged, and (a known change being the
 * easiest to find) at least as many within the long deadlines as within the short ones. */
static void test_oracle_run(void **state)
{
    (void)state;
    struct warn_params p;
    warn_params_default(&p);
    struct sim_config c;
    sim_config_default(&c);
    c.regencies = codes;
    c.nregencies = ncodes;
    c.seed = 3;
    c.cases = 3;
    c.oracle = true;
    struct sim_result r;
    struct error err = {0};
    assert_int_equal(sim_run(&p, &c, &r, &err), 0);
    assert_int_equal(r.oracle.step, 3);
    assert_int_equal(r.oracle.seasonal, 3);
    assert_true(r.oracle.step60 <= r.oracle.step90 && r.oracle.step90 >= 2);
    assert_true(r.oracle.seasonal45 <= r.oracle.seasonal59 && r.oracle.seasonal59 >= 2);
    c.oracle = false;
    assert_int_equal(sim_run(&p, &c, &r, &err), 0);
    assert_int_equal(r.oracle.step, 0);
}

static void test_bad_config(void **state)
{
    (void)state;
    struct warn_params p;
    warn_params_default(&p);
    struct sim_config c;
    sim_config_default(&c);
    c.regencies = codes;
    c.nregencies = 10;
    struct sim_result r;
    struct error err = {0};
    assert_int_equal(sim_run(&p, &c, &r, &err), WSP_EINVAL);
    const char *bad[60];
    for (int i = 0; i < 60; i++)
        bad[i] = i == 30 ? "32" : codes[i];
    c.regencies = bad;
    c.nregencies = 60;
    assert_int_equal(sim_run(&p, &c, &r, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "'32' is not a regency code");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median),     cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_scenarios),  cmocka_unit_test(test_oracle_cusum),
        cmocka_unit_test(test_oracle_run), cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
