/* Unit tests for the rules of a community report (src/ingest/report.c), on values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "geo/geo.h"
#include "ingest/ingest.h"

static struct geo_gazetteer *gaz;

static int setup(void **state)
{
    (void)state;
    struct error err = {0};
    return geo_load(&gaz, &err);
}

static int teardown(void **state)
{
    (void)state;
    geo_free(gaz);
    return 0;
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(ingest_report_date_shaped("2026-12-01"));
    assert_false(ingest_report_date_shaped("kemarin"));
    assert_false(ingest_report_date_shaped("2026-12-1"));
    assert_false(ingest_report_date_shaped(NULL));
    assert_true(ingest_report_date_plausible("2026-12-07", "2026-12-06")); /* UTC+9: tomorrow */
    assert_false(ingest_report_date_plausible("2026-12-08", "2026-12-06"));
    assert_true(ingest_report_date_plausible("1945-01-01", "2026-12-06"));
    assert_false(ingest_report_date_plausible("1944-12-31", "2026-12-06"));
    assert_false(ingest_report_date_plausible("2026-02-30", "2026-12-06"));
}

static void test_text(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct ingest_report r = {.what = "Bentrok warga",
                              .where = "32.73",
                              .when = "kemarin malam",
                              .who = "dua kampung",
                              .text = "Rumah dibakar.",
                              .killed = 3,
                              .injured = -1,
                              .given = geo_get(gaz, "32.73")};
    size_t len;
    char *t = ingest_report_text(&r, 4096, &a, &len);
    assert_string_equal(t, "Bentrok warga.\nLokasi: Kota Bandung, Jawa Barat.\n"
                           "Waktu: kemarin malam.\nPihak yang terlibat: dua kampung.\n"
                           "Rumah dibakar.\n");
    assert_int_equal(len, strlen(t));
    assert_null(strstr(t, "3")); /* the typed numbers are not in what the detector reads */
    r.given = NULL;
    r.where = "dekat pasar";
    r.when = r.who = r.text = NULL;
    t = ingest_report_text(&r, 4096, &a, &len);
    assert_string_equal(t, "Bentrok warga.\nLokasi: dekat pasar.\n");
    assert_null(ingest_report_text(&r, 10, &a, &len)); /* over max */
    arena_release(&a);
}

static void test_place(void **state)
{
    (void)state;
    const struct geo_region *own = geo_get(gaz, "32.04");
    struct ingest_report r = {.what = "x", .scope = "32.04"};
    struct store_event lead = {.province_code = "32", .regency_code = "32.73"};
    /* the detector's place outside the reporter's regency: the reporter's own */
    assert_string_equal(ingest_report_place(&r, own, &lead), "reporter_scope");
    assert_string_equal(lead.regency_code, "32.04");
    assert_string_equal(lead.province_code, "32");
    /* inside: kept */
    lead = (struct store_event){.province_code = "32", .regency_code = "32.04"};
    assert_string_equal(ingest_report_place(&r, own, &lead), "text");
    /* national: anywhere */
    r.scope = "";
    lead = (struct store_event){.province_code = "91", .regency_code = "91.01"};
    assert_string_equal(ingest_report_place(&r, NULL, &lead), "text");
    assert_string_equal(lead.regency_code, "91.01");
    /* nothing found, no own region */
    lead = (struct store_event){0};
    assert_string_equal(ingest_report_place(&r, NULL, &lead), "unknown");
    assert_null(lead.province_code);
    /* a region code given wins, down to a village */
    r.given = geo_get(gaz, "32.73.01.1001");
    assert_non_null(r.given);
    lead = (struct store_event){.province_code = "11", .regency_code = "11.01"};
    assert_string_equal(ingest_report_place(&r, own, &lead), "reporter");
    assert_string_equal(lead.regency_code, "32.73");
    assert_string_equal(lead.place_code, "32.73.01.1001");
}

static void test_lead_and_article(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct ingest_report r = {
        .what = "x", .when = "2026-12-01", .killed = 5, .injured = -1, .today = "2026-12-06"};
    struct store_event lead = {.killed = 1, .injured = 2, .event_date = "2026-11-30"};
    ingest_report_lead(&r, "text", true, &a, &lead);
    assert_int_equal(lead.killed, 5); /* typed */
    assert_int_equal(lead.injured, 2);
    assert_string_equal(lead.event_date, "2026-12-01");
    assert_string_equal(lead.status, "menunggu");
    json_t *d = json_loads(lead.detail_json, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(d, "detector_killed")), 1);
    assert_int_equal(json_integer_value(json_object_get(d, "detector_injured")), 2);
    assert_string_equal(json_string_value(json_object_get(d, "place_from")), "text");
    assert_true(json_is_true(json_object_get(d, "detector_is_event")));
    json_decref(d);
    /* free text in "when", and the detector read an impossible date: today */
    r.when = "kemarin";
    lead = (struct store_event){.killed = -1, .injured = -1, .event_date = "2031-01-01"};
    ingest_report_lead(&r, "unknown", false, &a, &lead);
    assert_string_equal(lead.event_date, "2026-12-06");
    d = json_loads(lead.detail_json, 0, NULL);
    assert_true(json_is_null(json_object_get(d, "detector_killed")));
    json_decref(d);

    char *art = ingest_report_article(&r, "Bentrok warga.", 4096, &a);
    assert_string_equal(art, "Bentrok warga.\nKorban meninggal dunia 5 orang.\n");
    r.killed = -1;
    art = ingest_report_article(&r, "Bentrok warga.\n", 4096, &a);
    assert_string_equal(art, "Bentrok warga.\n");
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_place),
        cmocka_unit_test(test_lead_and_article),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
