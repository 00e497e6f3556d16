/* Unit tests of the detect module, stage by stage: Indonesian dates (absolute and relative),
 * victim counts, place resolution (dateline rejection, same-name disambiguation through the
 * hierarchy, province only), categories and hard negatives, JSON in and out, SimHash.
 * All texts are short sentences written for these tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* ---- dates ----------------------------------------------------------------------------- */

/* The first date in s resolved against pub, as "YYYY-MM-DD", or "" when none. */
static const char *first_date(const char *s, const char *pub, int *precision)
{
    static char out[16];
    struct detect_date d[8];
    size_t n = detect_find_dates(model, s, strlen(s), pub, d, 8);
    if (!n)
        return "";
    snprintf(out, sizeof(out), "%04d-%02d-%02d", d[0].y, d[0].m, d[0].d);
    if (precision)
        *precision = d[0].precision;
    return out;
}

static void test_date_absolute(void **state)
{
    WSP_UNUSED(state);
    assert_string_equal(first_date("terjadi pada Selasa, 23 Februari 2021 pagi", NULL, NULL),
                        "2021-02-23");
    assert_string_equal(first_date("tanggal 23/2/2021 lalu", NULL, NULL), "2021-02-23");
    assert_string_equal(first_date("Senin (1/3/2021) malam", NULL, NULL), "2021-03-01");
    assert_string_equal(first_date("pada 12 Agt 2020", NULL, NULL), "2020-08-12");
    assert_string_equal(first_date("pada 12 Agu 2020", NULL, NULL), "2020-08-12");
    assert_string_equal(first_date("5 Okt 2019", NULL, NULL), "2019-10-05");
    assert_string_equal(first_date("31 Des 2018", NULL, NULL), "2018-12-31");
    assert_string_equal(first_date("1/3/21", NULL, NULL), "2021-03-01");
    /* not dates */
    assert_string_equal(first_date("31/2/2021", NULL, NULL), "");
    assert_string_equal(first_date("skor akhir 3-2 untuk tuan rumah", "2021-03-03", NULL), "");
    assert_string_equal(first_date("dua minggu kemudian", NULL, NULL), "");
}

static void test_date_relative(void **state)
{
    WSP_UNUSED(state);
    int prec = 0;
    /* 2021-03-03 is a Wednesday */
    assert_string_equal(first_date("Minggu malam warga bentrok", "2021-03-03", NULL), "2021-02-28");
    assert_string_equal(first_date("pada Rabu sore", "2021-03-03", NULL), "2021-03-03");
    assert_string_equal(first_date("Kamis (25/2) dini hari", "2021-03-03", NULL), "2021-02-25");
    assert_string_equal(first_date("bentrok kemarin sore", "2021-03-01", NULL), "2021-02-28");
    assert_string_equal(first_date("dua hari lalu", "2021-03-01", &prec), "2021-02-27");
    assert_int_equal(prec, 1);
    assert_string_equal(first_date("3 hari yang lalu", "2021-03-01", NULL), "2021-02-26");
    assert_string_equal(first_date("pekan lalu", "2021-03-10", &prec), "2021-03-03");
    assert_int_equal(prec, 2);
    /* a day and month without a year: the latest one not after published */
    assert_string_equal(first_date("pada 30 Desember", "2021-01-02", NULL), "2020-12-30");
    assert_string_equal(first_date("Sabtu (30/12)", "2021-01-02", NULL), "2020-12-30");
    /* relative forms need an anchor */
    assert_string_equal(first_date("kemarin", NULL, NULL), "");
    /* a day name that does not fit the year written next to it: the neighbouring year */
    assert_string_equal(first_date("Senin (1/1/2023)", "2024-01-02", NULL), "2024-01-01");
}

static void test_date_stamp(void **state)
{
    WSP_UNUSED(state);
    struct detect_date d[4];
    const char *s = "Kompas.com - 19/06/2022, 17:58 WIB";
    size_t n = detect_find_dates(model, s, strlen(s), NULL, d, 4);
    assert_int_equal(n, 1);
    assert_true(d[0].stamp);
    s = "Rabu (18/6/2022) sore";
    n = detect_find_dates(model, s, strlen(s), NULL, d, 4);
    assert_int_equal(n, 1);
    assert_false(d[0].stamp);
    assert_true(d[0].weekday);
}

/* Written day names against the calendar, stamps with other separators, day-named places. */
static void test_date_day_names(void **state)
{
    WSP_UNUSED(state);
    /* the day number off by one: the day name wins (14 Nov 2019 was a Thursday) */
    assert_string_equal(first_date("Rabu (14/11)", "2019-11-15", NULL), "2019-11-13");
    assert_string_equal(first_date("Sabtu, 25 Maret 2022", "2022-03-27", NULL), "2022-03-26");
    /* a stamp separated by '|' or '-' from its time */
    struct detect_date d[4];
    const char *s = "Sabtu, 5 September 2020 | 19:40 WIB";
    assert_int_equal(detect_find_dates(model, s, strlen(s), NULL, d, 4), 1);
    assert_true(d[0].stamp);
    s = "Rabu, 11 Januari 2023 - 19:12 WIB";
    assert_int_equal(detect_find_dates(model, s, strlen(s), NULL, d, 4), 1);
    assert_true(d[0].stamp);
    /* "Pasar Minggu" is a place, not Sunday */
    s = "tawuran di Jalan Raya Pasar Minggu, Jakarta Selatan";
    assert_int_equal(detect_find_dates(model, s, strlen(s), "2023-08-09", d, 4), 0);
}

/* ---- the whole pipeline on one text ---------------------------------------------------- */

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

static const char *code(const struct geo_region *r)
{
    return r ? r->code : "null";
}

static void test_event_date_prefers_event_sentence(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev =
        run(NULL,
            "Kompas.com - 12/03/2021, 10:00 WIB\nBentrok antarwarga terjadi di Kabupaten Bima, "
            "Nusa Tenggara Barat, Rabu (10/3/2021) malam. Warga saling serang dengan batu.",
            "2021-03-12");
    assert_string_equal(ev.event_date, "2021-03-10");
    assert_int_equal(ev.time_precision, 1);
}

static void test_counts(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run(NULL,
                                 "Bentrok antarwarga di Kabupaten Sigi. Dua orang tewas dan lima "
                                 "warga luka-luka akibat lemparan batu.",
                                 "2020-01-05");
    assert_int_equal(ev.killed, 2);
    assert_int_equal(ev.injured, 5);

    ev = run(NULL, "Massa membakar kantor desa di Kabupaten Sigi. Tidak ada korban jiwa.",
             "2020-01-05");
    assert_int_equal(ev.killed, 0);
    assert_int_equal(ev.injured, -1);

    /* vague counts stay unknown */
    ev = run(NULL, "Tawuran warga di Kota Makassar. Puluhan warga terluka.", "2020-01-05");
    assert_int_equal(ev.injured, -1);

    /* counts after the cue; things are not people */
    ev = run(NULL,
             "Serangan kelompok bersenjata di Kabupaten Nduga menewaskan tiga orang. Lima rumah "
             "dibakar.",
             "2020-01-05");
    assert_int_equal(ev.killed, 3);

    /* parties counted separately in one sentence add up */
    ev = run(NULL,
             "Dalam kontak tembak di Kabupaten Intan Jaya, lima anggota KKB tewas dan seorang "
             "polisi tewas.",
             "2020-01-05");
    assert_int_equal(ev.killed, 6);

    /* women and children among the victims */
    ev = run(NULL,
             "Bentrok warga di Kabupaten Bima. Dua anak-anak terluka terkena panah dan seorang "
             "ibu dirawat di puskesmas.",
             "2020-01-05");
    assert_true(ev.women_children_victims);
    ev = run(NULL, "Bentrok warga di ibu kota Kabupaten Bima. Dua pemuda terluka.", "2020-01-05");
    assert_false(ev.women_children_victims);
}

static void test_place_dateline_rejected(void **state)
{
    WSP_UNUSED(state);
    struct detect_event ev = run(NULL,
                                 "JAKARTA, Kompas.com - Kerusuhan pecah di Kota Tanjungbalai, "
                                 "Sumatera Utara, Jumat (29/7/2016). Massa membakar vihara.",
                                 "2016-07-30");
    assert_string_equal(code(ev.province), "12");
    assert_string_equal(code(ev.regency), "12.74");

    ev = run(NULL,
             "Bisnis.com, JAKARTA - Bentrok antarwarga terjadi di Kabupaten Lampung Selatan, "
             "Lampung, Minggu. Puluhan rumah dibakar massa.",
             "2012-10-30");
    assert_string_equal(code(ev.province), "18");
    assert_string_equal(code(ev.regency), "18.01");
}

static void test_place_hierarchy(void **state)
{
    WSP_UNUSED(state);
    /* Kecamatan Sukajadi exists in Kota Pekanbaru (Riau) and Kota Bandung (Jawa Barat) */
    struct detect_event ev =
        run(NULL, "Tawuran pemuda pecah di Kecamatan Sukajadi, Riau, Sabtu malam.", "2020-01-05");
    assert_string_equal(code(ev.regency), "14.71");
    ev = run(NULL, "Tawuran pemuda pecah di Kecamatan Sukajadi, Jawa Barat, Sabtu malam.",
             "2020-01-05");
    assert_string_equal(code(ev.regency), "32.73");
    assert_int_equal(ev.geo_precision, 1);
    /* a district named with its regency maps to the regency and province */
    ev = run(NULL, "Dua kelompok warga bentrok di Desa Renda, Kecamatan Belo, Bima.", "2020-01-05");
    assert_string_equal(code(ev.regency), "52.06");
    assert_string_equal(code(ev.province), "52");
    /* province only */
    ev = run(NULL, "Bentrok antarkelompok terjadi di Maluku Utara kemarin.", "2020-01-05");
    assert_string_equal(code(ev.province), "82");
    assert_null(ev.regency);
    assert_int_equal(ev.geo_precision, 3);
    /* Papua regency written with the old province name */
    ev = run(NULL, "KKB menyerang pos TNI di Kabupaten Intan Jaya, Papua, Senin.", "2020-01-05");
    assert_string_equal(code(ev.province), "94");
    /* nothing known: unknown, not guessed; a common word is not a village */
    ev = run(NULL, "Warga bentrok di sebuah desa. Harapan warga agar damai.", "2020-01-05");
    assert_null(ev.province);
}

static void test_categories(void **state)
{
    WSP_UNUSED(state);
    struct {
        const char *title, *text;
        enum detect_category want;
    } cases[] = {
        {"Warga Bentrok dengan Karyawan Perusahaan Sawit",
         "Warga bentrok dengan karyawan perusahaan sawit karena sengketa lahan di Kabupaten "
         "Seruyan. Tiga orang terluka.",
         CAT_LAND_RESOURCE},
        {"Tawuran Antarpelajar", "Tawuran antarpelajar pecah di Kota Depok. Seorang siswa terluka.",
         CAT_INTER_GROUP_CLASH},
        {"Demo Ricuh di DPRD",
         "Unjuk rasa mahasiswa di Gedung DPRD Kota Makassar ricuh, massa membakar ban dan "
         "melempari polisi.",
         CAT_RIOT_PROTEST},
        {"Gereja Dibakar Massa", "Massa membakar gereja di Kabupaten Aceh Singkil.",
         CAT_IDENTITY_RELIGIOUS_ETHNIC},
        {"Pendukung Paslon Rusak Kantor KPU",
         "Pendukung pasangan calon merusak kantor KPU Kabupaten Yalimo setelah pleno pilkada.",
         CAT_POLITICAL_ELECTION},
        {"KKB Tembak Warga", "KKB menembak dua warga di Kabupaten Puncak hingga tewas.",
         CAT_SEPARATIST_ARMED},
        {"Maling Dihakimi Massa", "Seorang maling tewas dihakimi massa di Kabupaten Sumbawa.",
         CAT_VIGILANTE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct detect_event ev = run(cases[i].title, cases[i].text, "2020-01-05");
        if (!ev.is_conflict_event || ev.category != cases[i].want)
            fprintf(stderr, "case %zu: got %s\n", i, detect_category_name(ev.category));
        assert_true(ev.is_conflict_event);
        assert_int_equal(ev.category, cases[i].want);
        assert_true(ev.confidence >= 0.5 && ev.confidence <= 1.0);
        assert_true(ev.nevidence >= 1);
    }
}

/* An evidence quote out of a long run of text with no space after the cue: the window start
 * used to walk forward past the end of the text looking for a space (heap overflow found by
 * fuzz_request through a community report). The quote stays inside the text. */
static void test_quote_without_spaces(void **state)
{
    WSP_UNUSED(state);
    char text[1200];
    size_t n = 0;
    for (int i = 0; i < 120; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "x,");
    n += (size_t)snprintf(text + n, sizeof(text) - n, "bentrok,warga,tewas,massa,membakar");
    for (int i = 0; i < 100 && n + 3 < sizeof(text); i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "1,");
    struct detect_event ev = run(NULL, text, "2020-01-05");
    for (size_t i = 0; i < ev.nevidence; i++) {
        assert_non_null(ev.evidence[i].span);
        assert_true(strlen(ev.evidence[i].span) <= n);
    }
}

static void test_negatives(void **state)
{
    WSP_UNUSED(state);
    const char *texts[] = {
        "Kesbangpol Kabupaten Sintang menggelar rapat koordinasi tim terpadu penanganan konflik "
        "sosial untuk deteksi dini potensi bentrok antarwarga.",
        "Prediksi skor laga Persib melawan Persija di liga pekan ini, bentrokan klasik dua tim.",
        "Gempa bumi magnitudo 6,2 mengguncang Kabupaten Mamuju, BNPB mencatat 34 orang "
        "meninggal dunia.",
        "Majelis hakim Pengadilan Negeri Wamena menjatuhkan vonis kepada terdakwa kasus "
        "kerusuhan.",
        "Unjuk rasa mahasiswa di depan DPRD berjalan damai dan tertib, massa membubarkan diri.",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct detect_event ev = run(NULL, texts[i], "2020-01-05");
        if (ev.is_conflict_event)
            fprintf(stderr, "negative %zu: confidence %.2f\n", i, ev.confidence);
        assert_false(ev.is_conflict_event);
        assert_int_equal(ev.category, CAT_NONE);
    }
}

/* ---- JSON, SimHash --------------------------------------------------------------------- */

/* JSON Lines input: the direct reader and the jansson fallback give the same article, and a
 * "\u0000" inside a string never leaves a length longer than the C string. */
static void test_json_reader(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct detect_article in;
    struct error err = {0};
    static const char plain[] =
        "{\"id\":\"r1\",\"text\":\"Warga bentrok di Poso\",\"published\":\"2026-11-20\"}";
    assert_int_equal(detect_article_from_json(plain, sizeof(plain) - 1, &a, &in, &err), 0);
    assert_string_equal(in.id, "r1");
    assert_string_equal(in.text, "Warga bentrok di Poso");
    assert_int_equal(in.text_len, strlen(in.text));
    assert_string_equal(in.published, "2026-11-20");
    assert_null(in.html);

    /* escapes (a unicode escape sends the reader to jansson) */
    static const char esc[] = "{\"id\":\"r2\",\"text\":\"Kab. \\u00e9 \\\"Poso\\\"\\nBaris\"}";
    assert_int_equal(detect_article_from_json(esc, sizeof(esc) - 1, &a, &in, &err), 0);
    assert_string_equal(in.text, "Kab. \xc3\xa9 \"Poso\"\nBaris");
    assert_int_equal(in.text_len, strlen(in.text));

    static const char nul[] = "{\"id\":\"r3\",\"text\":\"Bentrok\\u0000 warga\"}";
    assert_int_equal(detect_article_from_json(nul, sizeof(nul) - 1, &a, &in, &err), 0);
    assert_string_equal(in.text, "Bentrok  warga");
    assert_int_equal(in.text_len, strlen(in.text));

    static const char bad[] = "{\"id\":\"r4\",\"text\":42}";
    assert_int_equal(detect_article_from_json(bad, sizeof(bad) - 1, &a, &in, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "\"text\" is not a string");
    arena_release(&a);
}

static void test_json_roundtrip(void **state)
{
    WSP_UNUSED(state);
    struct detect_article in;
    struct error err = {0};
    arena_release(&arena);
    const char *line = "{\"id\":\"a1\",\"text\":\"Bentrok antarwarga di Kabupaten Bima.\","
                       "\"published\":\"2021-03-02T10:00:00Z\"}";
    assert_int_equal(detect_article_from_json(line, strlen(line), &arena, &in, &err), 0);
    assert_string_equal(in.id, "a1");
    assert_string_equal(in.published, "2021-03-02");
    const char *bad[] = {"[1,2]",      "{\"id\":\"x\"}", "{\"text\":\"y\"}",
                         "{\"id\":1,", "nope",           "{\"id\":\"x\",\"text\":5}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(detect_article_from_json(bad[i], strlen(bad[i]), &arena, &in, &err),
                         WSP_EINVAL);
    }

    struct detect_event ev =
        run("Bentrok Warga", "Bentrok antarwarga di Kabupaten Bima, Senin.", "2021-03-02");
    char *s = detect_event_to_json(&ev, false);
    json_t *o = json_loads(s, 0, NULL);
    assert_non_null(o);
    const char *required[] = {"id",
                              "is_conflict_event",
                              "category",
                              "province_code",
                              "province",
                              "regency_code",
                              "regency",
                              "event_date",
                              "killed",
                              "injured",
                              "women_children_victims",
                              "confidence",
                              "evidence"};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        assert_non_null(json_object_get(o, required[i]));
    assert_true(json_is_null(json_object_get(o, "killed")));
    assert_string_equal(json_string_value(json_object_get(o, "regency_code")), "52.06");
    /* the first key is id */
    void *it = json_object_iter(o);
    assert_string_equal(json_object_iter_key(it), "id");
    json_decref(o);
    free(s);
}

static void test_simhash(void **state)
{
    WSP_UNUSED(state);
    const char *a = "Bentrok antarwarga terjadi di Desa Roka, Kecamatan Belo, Kabupaten Bima, "
                    "Selasa. Warga saling serang menggunakan batu dan senjata tajam di area "
                    "persawahan. Polisi dan TNI dikerahkan untuk meredam bentrokan itu dan "
                    "mengamankan sejumlah warga yang membawa senjata tajam.";
    const char *b = "Bentrok antarwarga terjadi di Desa Roka, Kecamatan Belo, Kabupaten Bima, "
                    "Selasa. Warga saling serang menggunakan batu dan senjata tajam di area "
                    "persawahan. Polisi dan TNI dikerahkan untuk meredam bentrokan tersebut dan "
                    "mengamankan sejumlah warga yang membawa senjata tajam.";
    const char *c = "Harga beras naik di delapan belas provinsi menurut Badan Pusat Statistik "
                    "pada pekan kedua bulan ini, sementara harga cabai turun di pasar induk.";
    uint64_t ha = run(NULL, a, NULL).simhash;
    uint64_t hb = run(NULL, b, NULL).simhash;
    uint64_t hc = run(NULL, c, NULL).simhash;
    assert_true(detect_simhash_distance(ha, ha) == 0);
    assert_true(detect_simhash_distance(ha, hb) <= 12);
    assert_true(detect_simhash_distance(ha, hc) > 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_absolute),
        cmocka_unit_test(test_date_relative),
        cmocka_unit_test(test_date_stamp),
        cmocka_unit_test(test_date_day_names),
        cmocka_unit_test(test_event_date_prefers_event_sentence),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_place_dateline_rejected),
        cmocka_unit_test(test_place_hierarchy),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_quote_without_spaces),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_json_reader),
        cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_simhash),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
