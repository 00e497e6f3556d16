/* Unit tests of the event date (detect/date.c, date_resolve through detect_article): the date
 * the text gives, the year of a day and month written without one (the latest such day not
 * after the published date), and the published date with time_precision 2 when the text gives
 * no date of the event (only a publication stamp, a photo caption, another incident, or
 * nothing). Also a feed item's pubDate carried into the event. All texts are short Indonesian
 * sentences written for these tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

static struct text_resources *res;
static struct geo_gazetteer *gz;
static struct detect_model *model;
static struct detect_worker *worker;
static struct arena arena;

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
    arena_init(&arena, 0);
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    arena_release(&arena);
    detect_worker_free(worker);
    detect_model_free(model);
    geo_free(gz);
    text_resources_free(res);
    return 0;
}

static struct detect_event run(const char *title, const char *text, const char *pub)
{
    struct detect_article in = {.id = "t", .title = title, .text = text, .published = pub};
    struct detect_event ev;
    struct error err = {0};
    arena_release(&arena);
    int rc = detect_article(worker, &in, &arena, &ev, &err);
    if (rc)
        fprintf(stderr, "detect_article: %s\n", err.msg);
    assert_int_equal(rc, 0);
    return ev;
}

/* The evidence item about the date, or NULL. */
static const struct detect_evidence *date_evidence(const struct detect_event *ev)
{
    for (size_t i = 0; i < ev->nevidence; i++)
        if (strncmp(ev->evidence[i].why, "date: ", 6) == 0)
            return &ev->evidence[i];
    return NULL;
}

static void assert_date(const struct detect_event *ev, const char *want, int precision)
{
    if (!want) {
        assert_null(ev->event_date);
    } else {
        assert_non_null(ev->event_date);
        assert_string_equal(ev->event_date, want);
    }
    assert_int_equal(ev->time_precision, precision);
}

/* The published date stands in, with precision 2 and an evidence item that says so. */
static void assert_published(const struct detect_event *ev, const char *pub)
{
    assert_date(ev, pub, 2);
    const struct detect_evidence *e = date_evidence(ev);
    assert_non_null(e);
    assert_non_null(strstr(e->why, "published date"));
    assert_non_null(strstr(e->why, "no date of the event"));
}

/* A clash told without any date. */
static const char *const NO_DATE =
    "Warga dua desa di Kecamatan Woha, Kabupaten Bima, terlibat bentrok. Massa saling serang "
    "dengan batu dan senjata tajam sehingga tiga orang luka-luka. Polisi masih berjaga di "
    "perbatasan kedua desa.";

static void test_no_date_uses_published(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run("Warga Dua Desa di Bima Bentrok", NO_DATE, "2024-05-14");
    assert_true(ev.is_conflict_event);
    assert_published(&ev, "2024-05-14");
    /* the date part of a date-time */
    ev = run(NULL, NO_DATE, "2024-05-14T23:10:00+07:00");
    assert_published(&ev, "2024-05-14");
}

static void test_no_date_no_published(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run("Warga Dua Desa di Bima Bentrok", NO_DATE, NULL);
    assert_date(&ev, NULL, 0);
    assert_null(date_evidence(&ev));
    /* a day and month without a year need a published date too */
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima bentrok pada 28 Desember. Tiga orang luka-luka "
             "terkena lemparan batu.",
             NULL);
    assert_date(&ev, NULL, 0);
}

static void test_day_month_across_new_year(void **state)
{
    WSP_UNUSED(state);
    const char *text = "Bentrokan antarwarga terjadi di Kabupaten Bima pada 28 Desember malam. "
                       "Tiga orang luka-luka terkena lemparan batu.";
    struct detect_event ev = run(NULL, text, "2024-01-03");
    assert_date(&ev, "2023-12-28", 1);
    ev = run(NULL,
             "Bentrokan antarwarga terjadi di Kabupaten Bima, Kamis (28/12) malam. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2024-01-03");
    assert_date(&ev, "2023-12-28", 1);
}

static void test_day_month_on_published_day(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run(NULL,
                                 "Bentrokan antarwarga terjadi di Kabupaten Bima pada 3 Januari "
                                 "pagi. Tiga orang luka-luka terkena lemparan batu.",
                                 "2024-01-03");
    assert_date(&ev, "2024-01-03", 1);
    ev = run(NULL,
             "Bentrokan antarwarga terjadi di Kabupaten Bima, Rabu (3/1) pagi. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2024-01-03");
    assert_date(&ev, "2024-01-03", 1);
    /* never after the published date: the day after it is last year's */
    ev = run(NULL,
             "Bentrokan antarwarga terjadi di Kabupaten Bima pada 4 Januari pagi. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2024-01-03");
    assert_date(&ev, "2023-01-04", 1);
}

static void test_day_month_weekday(void **state)
{
    WSP_UNUSED(state);
    /* 7 August 2022 was a Sunday */
    struct detect_event ev = run(NULL,
                                 "Tawuran antarkelompok pemuda pecah di Kota Makassar, Minggu, "
                                 "7 Agustus dini hari. Dua remaja luka bacok.",
                                 "2022-08-09");
    assert_date(&ev, "2022-08-07", 1);
    /* the day number off by one, the day name fits the day before: that day (Thursday
     * 7 March 2013 is the published day; 8 March 2013 would be after it) */
    ev = run(NULL,
             "Sekelompok orang menyerang markas polisi di Kabupaten Ogan Komering Ulu, Kamis pagi "
             "(8/3). Bangunan dan kendaraan dibakar massa.",
             "2013-03-07");
    assert_date(&ev, "2013-03-07", 1);
    /* a day name that fits only a day after published: never a future date (Thursday
     * 4 January 2024 is after 3 January; last year's 4 January was a Wednesday, the Thursday
     * next to it was the 5th) */
    ev = run(NULL,
             "Bentrokan antarwarga terjadi di Kabupaten Bima, Kamis (4/1) pagi. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2024-01-03");
    assert_date(&ev, "2023-01-05", 1);
    /* a day name that fits no day near this year's date does not send it a year back
     * (1 March 2024 was a Friday, 1 March 2023 a Wednesday) */
    ev = run(NULL,
             "Bentrokan antarwarga terjadi di Kabupaten Bima, Rabu (1/3) pagi. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2024-03-10");
    assert_date(&ev, "2024-03-01", 1);
}

static void test_full_date_wins(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run(NULL,
                                 "Bentrok antarwarga terjadi di Kabupaten Bima, Nusa Tenggara "
                                 "Barat, Senin (1/3/2021) malam. Warga saling serang dengan batu.",
                                 "2021-03-05");
    assert_date(&ev, "2021-03-01", 1);
    const struct detect_evidence *e = date_evidence(&ev);
    assert_non_null(e);
    assert_string_equal(e->why, "date: 2021-03-01");
    ev = run(NULL,
             "Pada 12 Februari 2021 warga dua kampung di Kabupaten Bima bentrok dan dua rumah "
             "dibakar massa.",
             "2021-03-05");
    assert_date(&ev, "2021-02-12", 1);
}

static void test_kemarin(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run(NULL,
                                 "Warga dua desa di Kabupaten Bima bentrok kemarin sore. Tiga "
                                 "orang luka-luka terkena lemparan batu.",
                                 "2021-03-02");
    assert_date(&ev, "2021-03-01", 1);
    /* no anchor, no date */
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima bentrok kemarin sore. Tiga orang luka-luka "
             "terkena lemparan batu.",
             NULL);
    assert_date(&ev, NULL, 0);
}

static void test_stamp_is_not_event_date(void **state)
{
    WSP_UNUSED(state);
    const char *text = "Warta Desa - 19/06/2022, 17:58 WIB\nWarga dua desa di Kabupaten Bima "
                       "terlibat bentrok. Massa saling serang dengan batu sehingga tiga orang "
                       "luka-luka.";
    struct detect_event ev = run(NULL, text, "2022-06-20");
    assert_published(&ev, "2022-06-20");
    /* without a published date the stamp is the publication date */
    ev = run(NULL, text, NULL);
    assert_date(&ev, "2022-06-19", 2);
    const struct detect_evidence *e = date_evidence(&ev);
    assert_non_null(e);
    assert_non_null(strstr(e->why, "publication stamp"));
    /* a stamp does not hide the date of the event */
    ev = run(NULL,
             "Warta Desa - 19/06/2022, 17:58 WIB\nWarga dua desa di Kabupaten Bima terlibat "
             "bentrok, Jumat (17/6/2022) malam. Tiga orang luka-luka.",
             "2022-06-19");
    assert_date(&ev, "2022-06-17", 1);
}

static void test_caption_is_not_event_date(void **state)
{
    WSP_UNUSED(state);
    /* (a line that starts with "Ilustrasi:" or "Foto:" is dropped by the text stage; these
     * captions stay in the text) */
    struct detect_event ev =
        run(NULL,
            "Ilustrasi warga berkumpul di balai desa, Senin (13/6). Warga dua desa di Kabupaten "
            "Bima terlibat bentrok. Massa saling serang dengan batu sehingga tiga orang "
            "luka-luka.",
            "2022-06-20");
    assert_published(&ev, "2022-06-20");
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima terlibat bentrok. Massa saling serang dengan batu "
             "sehingga tiga orang luka-luka. Polisi berjaga di perbatasan desa, Senin (13/6) "
             "(Foto: Dok. Polres Bima)",
             "2022-06-20");
    assert_published(&ev, "2022-06-20");
    /* the word alone is no caption */
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima terlibat bentrok, Senin (13/6) malam, dan warga "
             "merekam foto kejadian itu. Tiga orang luka-luka.",
             "2022-06-20");
    assert_date(&ev, "2022-06-13", 1);
}

static void test_other_incident_is_not_event_date(void **state)
{
    WSP_UNUSED(state);
    /* only an earlier incident is dated */
    struct detect_event ev = run(NULL,
                                 "Warga dua desa di Kabupaten Bima kembali bentrok. Tiga orang "
                                 "luka-luka. Bentrokan serupa pernah terjadi pada 2 Mei 2022.",
                                 "2022-06-20");
    assert_published(&ev, "2022-06-20");
    /* "serupa kembali terjadi": this incident, happening again */
    ev = run(NULL,
             "Bentrokan serupa kembali terjadi di Kabupaten Bima, Senin (13/6) malam. Tiga orang "
             "luka-luka terkena lemparan batu.",
             "2022-06-20");
    assert_date(&ev, "2022-06-13", 1);
    /* a statement's date is no earlier incident's, even after "pernah" */
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima bentrok dan tiga orang luka-luka. Pelaku mengaku "
             "dendam karena korban pernah melaporkannya ke polisi, ungkap Kapolres Bima, Rabu "
             "(15/6).",
             "2022-06-20");
    assert_date(&ev, "2022-06-15", 1);
    /* only a later plan is dated (after the published date) */
    ev = run(NULL,
             "Warga dua desa di Kabupaten Bima bentrok dan tiga orang luka-luka. Mediasi "
             "dijadwalkan pada 1 Juli 2022.",
             "2022-06-20");
    assert_published(&ev, "2022-06-20");
}

/* A feed item (RSS 2.0, pubDate in RFC 822) through text_parse_feed into detect_article. */
static void test_feed_pubdate(void **state)
{
    WSP_UNUSED(state);
    static const char rss[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\"><channel><title>Warta Desa</title>\n"
        "<item><title>Warga Dua Desa di Bima Bentrok</title>\n"
        "<link>https://warta.example/bima-bentrok</link>\n"
        "<pubDate>Tue, 14 May 2024 21:05:00 +0700</pubDate>\n"
        "<description>Warga dua desa di Kecamatan Woha, Kabupaten Bima, terlibat bentrok. Massa "
        "saling serang dengan batu sehingga tiga orang luka-luka.</description></item>\n"
        "<item><title>Bentrok Susulan di Bima</title>\n"
        "<link>https://warta.example/bima-susulan</link>\n"
        "<pubDate>Wed, 15 May 2024 08:00:00 +0700</pubDate>\n"
        "<description>Warga dua desa di Kabupaten Bima kembali bentrok kemarin malam. Dua "
        "rumah dibakar massa.</description></item>\n"
        "</channel></rss>\n";
    struct arena fa;
    arena_init(&fa, 0);
    struct text_feed_item *items = NULL;
    size_t n = 0;
    struct error err = {0};
    assert_int_equal(text_parse_feed(rss, sizeof(rss) - 1, &fa, &items, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].published, "2024-05-14");
    struct detect_event ev = run(items[0].title, items[0].summary, items[0].published);
    assert_published(&ev, "2024-05-14");
    ev = run(items[1].title, items[1].summary, items[1].published);
    assert_date(&ev, "2024-05-14", 1);
    arena_release(&fa);
}

/* The year rule on the date finder itself. */
static void test_find_dates_year(void **state)
{
    WSP_UNUSED(state);
    struct detect_date d[4];
    const char *s = "pada 31 Desember";
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2024-01-01", d, 4), 1);
    assert_int_equal(d[0].y, 2023);
    assert_true(d[0].relative);
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2023-12-31", d, 4), 1);
    assert_int_equal(d[0].y, 2023);
    s = "pada 1 Januari";
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2023-12-31", d, 4), 1);
    assert_int_equal(d[0].y, 2023);
    assert_int_equal(d[0].m, 1);
    /* 29 February: the latest one, or none when neither this year nor the last has it */
    s = "pada 29/2";
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2025-01-10", d, 4), 1);
    assert_int_equal(d[0].y, 2024);
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2023-05-01", d, 4), 0);
    /* no published date: no year */
    assert_int_equal(detect_find_dates(model, s, strlen(s), NULL, d, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_date_uses_published),
        cmocka_unit_test(test_no_date_no_published),
        cmocka_unit_test(test_day_month_across_new_year),
        cmocka_unit_test(test_day_month_on_published_day),
        cmocka_unit_test(test_day_month_weekday),
        cmocka_unit_test(test_full_date_wins),
        cmocka_unit_test(test_kemarin),
        cmocka_unit_test(test_stamp_is_not_event_date),
        cmocka_unit_test(test_caption_is_not_event_date),
        cmocka_unit_test(test_other_incident_is_not_event_date),
        cmocka_unit_test(test_feed_pubdate),
        cmocka_unit_test(test_find_dates_year),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
