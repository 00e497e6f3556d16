/*
 * `waspada warn` as a real process: the backtest on the fixture (JSON and text), misuse, the
 * reader's line numbers, the scenario harness, and the params dump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "../support/support.h"

#define FIXTURE "tests/fixtures/warn/events.jsonl"

static void test_backtest_json(void **state)
{
    (void)state;
    struct support_run r;
    const char *args[] = {"warn", "backtest", "--events", FIXTURE, "--json", NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    json_error_t je;
    json_t *doc = json_loads(r.out, 0, &je);
    assert_non_null(doc);
    json_t *alerts = json_object_get(doc, "alerts");
    assert_int_equal(json_array_size(alerts), 3);
    json_t *a = json_array_get(alerts, 0);
    assert_string_equal(json_string_value(json_object_get(a, "region_code")), "72.02");
    assert_string_equal(json_string_value(json_object_get(a, "first_day")), "2000-05-23");
    assert_string_equal(json_string_value(json_object_get(a, "level")), "awas");
    assert_int_equal(json_integer_value(json_object_get(a, "lead_days")), 5);
    assert_true(json_is_true(json_object_get(a, "escalation")));
    assert_string_equal(json_string_value(json_object_get(a, "explanation_id")),
                        "5 kejadian dalam 3 hari, biasanya hampir tidak ada; 3 tewas, 9 luka");
    assert_int_equal(json_array_size(json_object_get(a, "event_ids")), 5);
    a = json_array_get(alerts, 1);
    assert_string_equal(json_string_value(json_object_get(a, "region_code")), "72");
    a = json_array_get(alerts, 2);
    assert_string_equal(json_string_value(json_object_get(a, "region_code")), "81.71");
    assert_string_equal(json_string_value(json_object_get(a, "level")), "siaga");
    assert_false(json_is_true(json_object_get(a, "escalation")));
    json_t *tot = json_object_get(doc, "totals");
    assert_int_equal(json_integer_value(json_object_get(tot, "alerts")), 3);
    assert_int_equal(json_integer_value(json_object_get(tot, "real_escalations")), 2);
    assert_int_equal(json_integer_value(json_object_get(tot, "false_alarms")), 1);
    json_decref(doc);
    support_run_free(&r);

    /* provinces only; a window that leaves the alerts out */
    const char *prov[] = {"warn",   "backtest",         "--events", FIXTURE,
                          "--json", "--level-province", NULL};
    assert_int_equal(support_run(&r, NULL, prov), 0);
    doc = json_loads(r.out, 0, &je);
    assert_int_equal(json_array_size(json_object_get(doc, "alerts")), 1);
    json_decref(doc);
    support_run_free(&r);
    const char *win[] = {"warn",   "backtest",   "--events", FIXTURE,      "--json",
                         "--from", "2000-06-01", "--to",     "2000-06-30", NULL};
    assert_int_equal(support_run(&r, NULL, win), 0);
    doc = json_loads(r.out, 0, &je);
    assert_int_equal(json_array_size(json_object_get(doc, "alerts")), 0);
    json_decref(doc);
    support_run_free(&r);
}

static void test_backtest_text(void **state)
{
    (void)state;
    struct support_run r;
    const char *args[] = {"warn", "backtest", "--events", FIXTURE, NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    assert_non_null(strstr(r.out, "2000-05-23  72.02  Kabupaten Poso"));
    assert_non_null(strstr(r.out, "alerts 3 (waspada 0, siaga 1, awas 2): 2 real escalations, 1 "
                                  "false alarms\n"));
    support_run_free(&r);
}

static void test_misuse(void **state)
{
    (void)state;
    struct support_run r;
    const char *none[] = {"--db", "/nonexistent/waspada.db", "warn", "backtest", NULL};
    assert_int_equal(support_run(&r, NULL, none), 3);
    /* events from the database (phase 2): none here, and none is created */
    assert_non_null(strstr(r.err, "does not exist: give --db"));
    support_run_free(&r);
    const char *nosub[] = {"warn", NULL};
    assert_int_equal(support_run(&r, NULL, nosub), 2);
    support_run_free(&r);
    const char *help[] = {"warn", "--help", NULL};
    assert_int_equal(support_run(&r, NULL, help), 0);
    assert_true(str_starts_with(r.out, "usage: waspada warn backtest"));
    support_run_free(&r);
    const char *baddate[] = {"warn", "backtest", "--events", FIXTURE, "--from", "kemarin", NULL};
    assert_int_equal(support_run(&r, NULL, baddate), 2);
    support_run_free(&r);

    char *dir = support_tmpdir();
    char *path = support_path(dir, "bad.jsonl");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"region_code\": \"72.02\", \"date\": \"2000-05-23\"}\n\n"
          "{\"region_code\": \"72.02\", \"date\": \"2000-05-32\"}\n",
          f);
    fclose(f);
    const char *bad[] = {"warn", "backtest", "--events", path, NULL};
    assert_int_equal(support_run(&r, NULL, bad), 3);
    char *want = xasprintf("waspada: %s: line 3: \"date\" must be a YYYY-MM-DD string\n", path);
    assert_string_equal(r.err, want);
    free(want);
    support_run_free(&r);
    f = fopen(path, "w");
    fputs("{\"region_code\": \"99.99\", \"date\": \"2000-05-23\"}\n", f);
    fclose(f);
    assert_int_equal(support_run(&r, NULL, bad), 3);
    want = xasprintf("waspada: %s: line 1: unknown region code '99.99'\n", path);
    assert_string_equal(r.err, want);
    free(want);
    support_run_free(&r);
    support_rmtree(dir);
    free(path);
    free(dir);
}

/* The scenario harness: JSON per seed and in total, --check, misuse. */
static void test_simulate(void **state)
{
    (void)state;
    struct support_run r;
    const char *args[] = {"warn", "simulate", "--seeds", "1", "--cases", "3", "--json", NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    json_error_t je;
    json_t *doc = json_loads(r.out, 0, &je);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "seeds")), 1);
    json_t *b =
        json_object_get(json_object_get(json_object_get(doc, "total"), "scenarios"), "buildup");
    assert_int_equal(json_integer_value(json_object_get(b, "cases")), 3);
    assert_int_equal(json_integer_value(json_object_get(b, "detected")), 3);
    assert_string_equal(json_string_value(json_object_get(b, "expected_level")), "waspada");
    assert_int_equal(json_integer_value(json_object_get(b, "expected_days")), 10);
    json_t *o =
        json_object_get(json_object_get(json_object_get(doc, "total"), "scenarios"), "outlet");
    assert_int_equal(json_integer_value(json_object_get(o, "alarmed")), 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(doc, "total"), "outlet_merged")), 27);
    json_decref(doc);
    support_run_free(&r);

    const char *range[] = {"warn", "simulate", "--seeds", "1-2,5", "--cases", "1", "--json", NULL};
    assert_int_equal(support_run(&r, NULL, range), 0);
    doc = json_loads(r.out, 0, &je);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "seeds")), 3);
    assert_int_equal(json_integer_value(
                         json_object_get(json_array_get(json_object_get(doc, "seeds"), 2), "seed")),
                     5);
    json_decref(doc);
    support_run_free(&r);

    const char *orc[] = {"warn", "simulate", "--seeds", "2", "--cases", "2", "--oracle", NULL};
    assert_int_equal(support_run(&r, NULL, orc), 0);
    assert_non_null(strstr(r.out, "total  oracle: step "));
    assert_non_null(strstr(r.out, "/2 within 90; seasonal "));
    support_run_free(&r);

    const char *text[] = {"warn", "simulate", "--seeds", "1", "--cases", "3", NULL};
    assert_int_equal(support_run(&r, NULL, text), 0);
    assert_non_null(strstr(r.out, "total  buildup      3/3      1.00    8.0 d"));
    support_run_free(&r);

    /* a check that cannot pass: buildup_p_waspada 0 turns the build-up test off, and the
     * regencies' rare-rise CUSUM threshold 0 turns off the test that would catch them next */
    char *pf = support_path(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", "wsp-sim-params.ini");
    FILE *f = fopen(pf, "w");
    assert_non_null(f);
    fputs("buildup_p_waspada = 0\nrare_h_waspada_regency = 0\n", f);
    fclose(f);
    const char *off[] = {"warn", "simulate", "--seeds", "1",       "--cases",
                         "3",    "--params", pf,        "--check", NULL};
    assert_int_equal(support_run(&r, NULL, off), 1);
    assert_non_null(strstr(r.err, "waspada: targets missed: buildup detected in 0 of 3"));
    support_run_free(&r);
    remove(pf);
    free(pf);

    const char *bad[] = {"warn", "simulate", "--seeds", "x", NULL};
    assert_int_equal(support_run(&r, NULL, bad), 2);
    assert_non_null(strstr(r.err, "--seeds needs up to 1000 seeds like 1,2,3 or 1-30, not 'x'"));
    support_run_free(&r);
    const char *down[] = {"warn", "simulate", "--seeds", "5-3", NULL};
    assert_int_equal(support_run(&r, NULL, down), 2);
    assert_non_null(strstr(r.err, "not '5-3'"));
    support_run_free(&r);
    const char *few[] = {"warn", "simulate", "--regencies", "10", NULL};
    assert_int_equal(support_run(&r, NULL, few), 2);
    support_run_free(&r);
}

static void test_params(void **state)
{
    (void)state;
    struct support_run r;
    const char *args[] = {"warn", "params", NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    assert_non_null(strstr(r.out, "p_waspada = 0.001\n"));
    assert_non_null(strstr(r.out, "death_level = siaga\n"));
    support_run_free(&r);
}

int main(void)
{
    unsetenv("WASPADA_CONFIG");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backtest_json), cmocka_unit_test(test_backtest_text),
        cmocka_unit_test(test_misuse),        cmocka_unit_test(test_simulate),
        cmocka_unit_test(test_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
