/* Unit tests of the confidence calibration (detect/calibrate.c): the isotonic fit and the
 * piecewise-linear map on values, loading data/detect/calibration.tsv (bad files refused, a
 * missing one is the identity), and the pipeline invariant that calibration changes the
 * confidence but never which articles are events. Tests run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "detect/detect_internal.h"
#include "../support/support.h"

#define GOLDEN_CASES "tests/golden/cases.jsonl"

static struct text_resources *res;
static struct geo_gazetteer *gz;
static struct detect_model *model;

/* cmocka's assert_float_equal works in float; these need double */
#define assert_near(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)
static void near_(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: %.12g is not %.12g", file, line, a, b);
}

static int group_setup(void **state)
{
    struct error err = {0};
    WSP_UNUSED(state);
    if (text_resources_load(&res, &err) || geo_load(&gz, &err) ||
        detect_model_load(&model, res, gz, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    detect_model_free(model);
    geo_free(gz);
    text_resources_free(res);
    return 0;
}

static void assert_monotone(const struct detect_calibration_point *pt, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_true(pt[i].raw >= 0 && pt[i].raw <= 1);
        assert_true(pt[i].p > 0 && pt[i].p < 1);
        if (i) {
            assert_true(pt[i].raw > pt[i - 1].raw);
            assert_true(pt[i].p > pt[i - 1].p);
        }
    }
}

/* Pool adjacent violators by hand: 0.2 (real) and 0.3 (not) violate and pool to 1/2; 0.4, 0.5
 * and 0.6 are all real: ties of share 1 that the pull toward raw keeps apart. Shares are shrunk
 * to (real + prior x mean raw) / (n + prior), prior 1 here. */
static void test_fit_pav(void **state)
{
    WSP_UNUSED(state);
    const double raw[] = {0.6, 0.1, 0.3, 0.2, 0.5, 0.4}; /* order does not matter */
    const bool real[] = {true, false, false, true, true, true};
    struct detect_calibration_point pt[8];
    size_t n = detect_calibration_fit(raw, real, 6, 1, 1, pt, 8);
    assert_int_equal(n, 5);
    assert_near(pt[0].raw, 0.1, 1e-12);
    assert_near(pt[0].p, 0.1 / 2, 1e-12);
    assert_near(pt[1].raw, 0.25, 1e-12);
    assert_near(pt[1].p, 1.25 / 3, 1e-12);
    assert_near(pt[2].raw, 0.4, 1e-12);
    assert_near(pt[2].p, 1.4 / 2, 1e-12);
    assert_near(pt[3].p, 1.5 / 2, 1e-12);
    assert_near(pt[4].raw, 0.6, 1e-12);
    assert_near(pt[4].p, 1.6 / 2, 1e-12);

    /* blocks of at least 2: the lone 0.1 joins its only neighbour */
    n = detect_calibration_fit(raw, real, 6, 2, 1, pt, 8);
    assert_int_equal(n, 2);
    assert_near(pt[0].raw, 0.2, 1e-12);
    assert_near(pt[0].p, 1.2 / 4, 1e-12);
    assert_near(pt[1].raw, 0.5, 1e-12);
    assert_near(pt[1].p, 3.5 / 4, 1e-12);

    /* at most one point: everything pooled */
    n = detect_calibration_fit(raw, real, 6, 1, 1, pt, 1);
    assert_int_equal(n, 1);
    assert_near(pt[0].raw, 2.1 / 6, 1e-12);
    assert_near(pt[0].p, (4 + 2.1 / 6) / 7, 1e-12);
}

static void test_fit_edges(void **state)
{
    WSP_UNUSED(state);
    struct detect_calibration_point pt[4];
    assert_int_equal(detect_calibration_fit(NULL, NULL, 0, 10, 1, pt, 4), 0);

    /* equal raw values are one block, whatever their labels */
    const double same[] = {0.5, 0.5, 0.5, 0.5};
    const bool mixed[] = {true, false, true, false};
    assert_int_equal(detect_calibration_fit(same, mixed, 4, 1, 1, pt, 4), 1);
    assert_near(pt[0].raw, 0.5, 1e-12);
    assert_near(pt[0].p, 2.5 / 5, 1e-12);

    /* never exactly 0 or 1 inside (0, 1), even when every label agrees; the order of raw
     * stays */
    const double r[] = {0.1, 0.9, 0.5};
    const bool none[] = {false, false, false};
    assert_int_equal(detect_calibration_fit(r, none, 3, 1, 1, pt, 4), 3);
    assert_near(pt[0].p, 0.1 / 2, 1e-12);
    assert_near(pt[2].p, 0.9 / 2, 1e-12);
    /* without a prior the share is the share */
    assert_int_equal(detect_calibration_fit(same, mixed, 4, 1, 0, pt, 4), 1);
    assert_near(pt[0].p, 0.5, 1e-12);

    /* out-of-range and NaN raw values count as clamped to 0..1 */
    const double wild[] = {-3, NAN, 7};
    const bool lab[] = {false, false, true};
    assert_int_equal(detect_calibration_fit(wild, lab, 3, 1, 1, pt, 4), 2);
    assert_near(pt[0].raw, 0, 1e-12);
    assert_near(pt[1].raw, 1, 1e-12);
}

/* A few false events below a long run of real ones (the usual shape of the event map): the
 * small block at the bottom takes just enough of the run to reach min_block instead of
 * swallowing it, so low raw probabilities keep a lower confidence. */
static void test_fit_small_block_borrows(void **state)
{
    WSP_UNUSED(state);
    double raw[33];
    bool real[33];
    for (size_t i = 0; i < 33; i++) {
        raw[i] = 0.3 + (double)i / 50;
        real[i] = i != 0 && i != 2;
    }
    struct detect_calibration_point pt[8];
    size_t n = detect_calibration_fit(raw, real, 33, 10, 1, pt, 8);
    assert_int_equal(n, 2);
    assert_true(pt[0].p > 0.7 && pt[0].p < 0.9);
    assert_true(pt[1].p > 0.95);
    assert_true(pt[0].raw < 0.5 && pt[1].raw > 0.7);
}

/* Deterministic pseudo-random numbers in [0, 1). */
static double lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Labels drawn with P(real) = raw are already calibrated: the fit stays near the identity,
 * every block has at least min_block articles, and the points are monotone. Labels drawn with
 * P(real) = raw^3 (an overconfident score) are pulled down. */
static void test_fit_random(void **state)
{
    WSP_UNUSED(state);
    enum { N = 4000 };
    double *raw = calloc(N, sizeof(double));
    bool *real = calloc(N, sizeof(bool));
    bool *over = calloc(N, sizeof(bool));
    assert_non_null(raw);
    assert_non_null(real);
    assert_non_null(over);
    uint64_t s = 42;
    for (size_t i = 0; i < N; i++) {
        raw[i] = lcg(&s);
        real[i] = lcg(&s) < raw[i];
        over[i] = lcg(&s) < raw[i] * raw[i] * raw[i];
    }
    struct detect_calibration_point pt[CALIB_MAX];
    size_t n = detect_calibration_fit(raw, real, N, 100, 1, pt, CALIB_MAX);
    assert_true(n >= 5 && n <= N / 100);
    assert_monotone(pt, n);
    for (double x = 0.15; x <= 0.85; x += 0.05)
        assert_true(fabs(detect_calibration_apply(pt, n, x) - x) < 0.1);

    n = detect_calibration_fit(raw, over, N, 100, 1, pt, CALIB_MAX);
    assert_monotone(pt, n);
    for (double x = 0.2; x <= 0.8; x += 0.1)
        assert_true(fabs(detect_calibration_apply(pt, n, x) - x * x * x) < 0.1);

    n = detect_calibration_fit(raw, real, N, 10, 1, pt, 4);
    assert_true(n >= 1 && n <= 4);
    assert_monotone(pt, n);
    free(raw);
    free(real);
    free(over);
}

static void test_apply(void **state)
{
    WSP_UNUSED(state);
    /* no points: the identity, clamped */
    assert_near(detect_calibration_apply(NULL, 0, 0.3), 0.3, 1e-12);
    assert_near(detect_calibration_apply(NULL, 0, 1.7), 1, 1e-12);
    assert_near(detect_calibration_apply(NULL, 0, -0.2), 0, 1e-12);
    assert_near(detect_calibration_apply(NULL, 0, NAN), 0, 1e-12);

    const struct detect_calibration_point pt[] = {{0.2, 0.1}, {0.6, 0.5}, {0.8, 0.9}};
    assert_near(detect_calibration_apply(pt, 3, 0.0), 0.1, 1e-12); /* flat below */
    assert_near(detect_calibration_apply(pt, 3, 0.2), 0.1, 1e-12);
    assert_near(detect_calibration_apply(pt, 3, 0.4), 0.3, 1e-12);
    assert_near(detect_calibration_apply(pt, 3, 0.6), 0.5, 1e-12);
    assert_near(detect_calibration_apply(pt, 3, 0.7), 0.7, 1e-12);
    assert_near(detect_calibration_apply(pt, 3, 0.8), 0.9, 1e-12);
    assert_near(detect_calibration_apply(pt, 3, 1.0), 0.9, 1e-12); /* flat above */
    assert_near(detect_calibration_apply(pt, 3, NAN), 0.1, 1e-12);
    double prev = -1;
    for (int i = 0; i <= 1000; i++) {
        double v = detect_calibration_apply(pt, 3, i / 1000.0);
        assert_true(v >= prev);
        prev = v;
    }
    const struct detect_calibration_point one[] = {{0.5, 0.25}};
    assert_near(detect_calibration_apply(one, 1, 0.1), 0.25, 1e-12);
    assert_near(detect_calibration_apply(one, 1, 0.9), 0.25, 1e-12);
}

/* The shipped data/detect/calibration.tsv loads, is monotone, and has both maps. */
static void test_shipped_file(void **state)
{
    WSP_UNUSED(state);
    for (int k = 0; k < 2; k++) {
        assert_true(model->ncalib[k] >= 1);
        assert_monotone(model->calib[k], model->ncalib[k]);
    }
    struct detect_event ev = {.is_conflict_event = true, .confidence = 0.97};
    calibrate_event(model, &ev);
    assert_true(ev.is_conflict_event);
    assert_near(ev.raw_confidence, 0.97, 1e-12);
    assert_near(ev.confidence, detect_calibration_apply(model->calib[1], model->ncalib[1], 0.97),
                1e-12);
    ev = (struct detect_event){.is_conflict_event = false, .confidence = 0.97};
    calibrate_event(model, &ev);
    assert_false(ev.is_conflict_event);
    assert_near(ev.confidence, detect_calibration_apply(model->calib[0], model->ncalib[0], 0.97),
                1e-12);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* calibrate_load from a data directory: missing file = identity, bad files refused with the
 * file and line in the message, a good one loaded. */
static void test_load(void **state)
{
    WSP_UNUSED(state);
    char *dir = support_tmpdir();
    assert_non_null(dir);
    char *sub = support_path(dir, "detect");
    assert_int_equal(mkdir(sub, 0700), 0);
    char *file = support_path(sub, "calibration.tsv");
    struct detect_model *m = calloc(1, sizeof(*m));
    assert_non_null(m);
    struct error err = {0};
    data_set_dir(dir);

    m->ncalib[1] = 5;
    assert_int_equal(calibrate_load(m, &err), 0);
    assert_int_equal(m->ncalib[0] + m->ncalib[1], 0);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"event\t0.5\n", "expected event|nonevent"},
        {"maybe\t0.5\t0.5\n", "expected event|nonevent"},
        {"event\t0.5\t1.5\n", "'1.5' is not a probability"},
        {"event\tx\t0.5\n", "'x' is not a probability"},
        {"event\t0.5\t0.4\nevent\t0.5\t0.6\n", "raw probabilities must increase"},
        {"# c\nevent\t0.5\t0.4\nevent\t0.6\t0.3\n", "calibrated probabilities must not"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        assert_int_equal(write_file(file, bad[i].text), 0);
        memset(&err, 0, sizeof(err));
        assert_int_equal(calibrate_load(m, &err), WSP_EINVAL);
        if (!strstr(err.msg, bad[i].msg) || !strstr(err.msg, "detect/calibration.tsv:"))
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
        assert_non_null(strstr(err.msg, bad[i].msg));
        assert_non_null(strstr(err.msg, "detect/calibration.tsv:"));
        assert_int_equal(m->ncalib[0] + m->ncalib[1], 0);
    }

    assert_int_equal(write_file(file, "# header\n"
                                      "event\t0.6\t0.4\n"
                                      "event\t0.9\t0.8\n"
                                      "nonevent\t0.1\t0.01\n"),
                     0);
    assert_int_equal(calibrate_load(m, &err), 0);
    assert_int_equal(m->ncalib[1], 2);
    assert_int_equal(m->ncalib[0], 1);
    struct detect_event ev = {.is_conflict_event = true, .confidence = 0.75};
    calibrate_event(m, &ev);
    assert_near(ev.confidence, 0.6, 1e-12);
    assert_near(ev.raw_confidence, 0.75, 1e-12);

    data_set_dir(NULL);
    free(m);
    free(file);
    free(sub);
    support_rmtree(dir);
    free(dir);
}

/* Two ways to the same answer: every golden case run with the shipped calibration and with the
 * identity map gets the same decision, and the calibrated confidence is the map of the raw one
 * (the identity run's confidence). */
static void test_decision_unchanged(void **state)
{
    WSP_UNUSED(state);
    FILE *f = fopen(GOLDEN_CASES, "r");
    assert_non_null(f);
    struct detect_worker *w = detect_worker_new(model);
    struct arena a;
    arena_init(&a, 0);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int n = 0, events = 0;
    size_t saved[2] = {model->ncalib[0], model->ncalib[1]};
    while ((len = getline(&line, &cap, f)) > 0) {
        struct detect_article in;
        struct detect_event cal, idn;
        struct error err = {0};
        assert_int_equal(detect_article_from_json(line, (size_t)len, &a, &in, &err), 0);
        assert_int_equal(detect_article(w, &in, &a, &cal, &err), 0);
        model->ncalib[0] = model->ncalib[1] = 0;
        assert_int_equal(detect_article(w, &in, &a, &idn, &err), 0);
        model->ncalib[0] = saved[0];
        model->ncalib[1] = saved[1];
        assert_int_equal(cal.is_conflict_event, idn.is_conflict_event);
        assert_int_equal(cal.role, idn.role);
        assert_int_equal(cal.category, idn.category);
        assert_near(cal.raw_confidence, idn.raw_confidence, 1e-12);
        assert_near(idn.confidence, idn.raw_confidence, 1e-12);
        int k = cal.is_conflict_event ? 1 : 0;
        assert_near(cal.confidence,
                    detect_calibration_apply(model->calib[k], model->ncalib[k], cal.raw_confidence),
                    1e-12);
        events += cal.is_conflict_event;
        n++;
        arena_release(&a);
    }
    free(line);
    fclose(f);
    arena_release(&a);
    detect_worker_free(w);
    assert_true(n >= 25);
    assert_true(events >= 1 && events < n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_pav),
        cmocka_unit_test(test_fit_edges),
        cmocka_unit_test(test_fit_small_block_borrows),
        cmocka_unit_test(test_fit_random),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_shipped_file),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_decision_unchanged),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
