/* Golden tests of the detect pipeline: tests/golden/cases.jsonl (short Indonesian texts written
 * for the project: two or more per category and one per hard negative) against
 * tests/golden/expected.jsonl (the key fields, compared exactly). Plus the dev-set gate: when
 * ../shared/data/news/news-dev.jsonl exists, F1 of is_conflict_event and province accuracy over
 * the true events must both be at least 0.90 (skipped cleanly when the file is absent).
 * Tests run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "detect/detect.h"

#define GOLDEN_CASES "tests/golden/cases.jsonl"
#define GOLDEN_EXPECTED "tests/golden/expected.jsonl"
#define DEV_SET "../shared/data/news/news-dev.jsonl"

static struct text_resources *res;
static struct geo_gazetteer *gz;
static struct detect_model *model;
static struct detect_worker *worker;

static int group_setup(void **state)
{
    struct error err = {0};
    WSP_UNUSED(state);
    if (text_resources_load(&res, &err) || geo_load(&gz, &err) ||
        detect_model_load(&model, res, gz, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    worker = detect_worker_new(model);
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    detect_worker_free(worker);
    detect_model_free(model);
    geo_free(gz);
    text_resources_free(res);
    return 0;
}

/* Run one JSON line through the pipeline; returns the output object (caller decrefs). */
static json_t *extract_line(const char *line, size_t len)
{
    struct arena a;
    arena_init(&a, 0);
    struct detect_article in;
    struct detect_event ev;
    struct error err = {0};
    json_t *o = NULL;
    if (detect_article_from_json(line, len, &a, &in, &err) == 0 &&
        detect_article(worker, &in, &a, &ev, &err) == 0) {
        char *s = detect_event_to_json(&ev, false);
        o = json_loads(s, 0, NULL);
        free(s);
    } else {
        fprintf(stderr, "extract: %s\n", err.msg);
    }
    arena_release(&a);
    return o;
}

static void test_golden(void **state)
{
    WSP_UNUSED(state);
    FILE *fc = fopen(GOLDEN_CASES, "r");
    FILE *fe = fopen(GOLDEN_EXPECTED, "r");
    assert_non_null(fc);
    assert_non_null(fe);
    char *lc = NULL, *le = NULL;
    size_t cc = 0, ce = 0;
    ssize_t nc, ne;
    int n = 0, failures = 0;
    int per_category[CAT_COUNT] = {0};
    while ((nc = getline(&lc, &cc, fc)) > 0) {
        ne = getline(&le, &ce, fe);
        assert_true(ne > 0);
        json_t *want = json_loads(le, 0, NULL);
        assert_non_null(want);
        json_t *got = extract_line(lc, (size_t)nc);
        assert_non_null(got);
        const char *key;
        json_t *wv;
        json_object_foreach(want, key, wv)
        {
            json_t *gv = json_object_get(got, key);
            if (!gv || !json_equal(wv, gv)) {
                char *ws = json_dumps(wv, JSON_ENCODE_ANY);
                char *gs = gv ? json_dumps(gv, JSON_ENCODE_ANY) : NULL;
                fprintf(stderr, "%s: %s want %s, got %s\n",
                        json_string_value(json_object_get(want, "id")), key, ws,
                        gs ? gs : "(missing)");
                free(ws);
                free(gs);
                failures++;
            }
        }
        int cat = detect_category_parse(json_string_value(json_object_get(want, "category")));
        if (cat >= 0)
            per_category[cat]++;
        json_decref(want);
        json_decref(got);
        n++;
    }
    free(lc);
    free(le);
    fclose(fc);
    fclose(fe);
    assert_true(n >= 25);
    for (int c = 0; c < CAT_COUNT; c++)
        assert_true(per_category[c] >= 2);
    assert_int_equal(failures, 0);
}

static void test_dev_set_gate(void **state)
{
    WSP_UNUSED(state);
    FILE *f = fopen(DEV_SET, "r");
    if (!f) {
        skip();
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int tp = 0, fp = 0, fn = 0, ntrue = 0, prov_ok = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o);
        json_t *label = json_object_get(o, "label");
        bool gold = json_is_true(json_object_get(label, "is_conflict_event"));
        const char *gprov = json_string_value(json_object_get(label, "province"));
        json_t *got = extract_line(line, (size_t)n);
        assert_non_null(got);
        bool pred = json_is_true(json_object_get(got, "is_conflict_event"));
        const char *pprov = json_string_value(json_object_get(got, "province"));
        tp += gold && pred;
        fp += !gold && pred;
        fn += gold && !pred;
        if (gold) {
            ntrue++;
            prov_ok += (!gprov && !pprov) || (gprov && pprov && strcmp(gprov, pprov) == 0);
        }
        json_decref(got);
        json_decref(o);
    }
    free(line);
    fclose(f);
    double p = tp + fp ? (double)tp / (tp + fp) : 0;
    double r = tp + fn ? (double)tp / (tp + fn) : 0;
    double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    double pa = ntrue ? (double)prov_ok / ntrue : 0;
    fprintf(stderr, "dev set: F1 %.3f, province accuracy %.3f\n", f1, pa);
    assert_true(f1 >= 0.90);
    assert_true(pa >= 0.90);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_dev_set_gate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
