/* Unit tests of the text module: normalization, tokens, sentences, stems, counts, HTML main
 * content, index pages, plain text and feeds. Every snippet here was written for these tests;
 * test_pages_dev reads real saved pages from ../shared/data/news/pages-dev when present. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/text.h"
#include "text/text_internal.h" /* text_url_kind, text_url_date */

static struct text_resources *res; /* loaded once for the group */
static struct arena arena;

static int group_setup(void **state)
{
    struct error err = {0};
    WSP_UNUSED(state);
    if (text_resources_load(&res, &err) != 0) {
        fprintf(stderr, "text_resources_load: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    text_resources_free(res);
    res = NULL;
    return 0;
}

static int setup(void **state)
{
    WSP_UNUSED(state);
    arena_init(&arena, 0);
    return 0;
}

static int teardown(void **state)
{
    WSP_UNUSED(state);
    arena_release(&arena);
    return 0;
}

/* ---- helpers --------------------------------------------------------------------------- */

static const char *norm(const char *s)
{
    return text_normalize(s, strlen(s), &arena, NULL);
}

struct toks {
    const char *s;
    struct text_token *t;
    size_t n;
};

static struct toks tok(const char *s)
{
    struct toks r = {.s = s};
    struct error err = {0};
    assert_int_equal(text_tokenize(res, s, strlen(s), &arena, &r.t, &r.n, &err), 0);
    return r;
}

/* The lower forms joined by '|', to compare a whole tokenization at once. */
static const char *lowers(const struct toks *k)
{
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < k->n; i++) {
        if (i)
            buf_putc(&b, '|');
        buf_puts(&b, k->t[i].lower);
    }
    char *r = arena_strdup(&arena, buf_cstr(&b));
    buf_release(&b);
    return r;
}

/* Sentences joined by " / ". */
static const char *sentences(const char *s)
{
    struct toks k = tok(s);
    struct text_span *sp;
    size_t n;
    assert_int_equal(text_sentences(s, strlen(s), k.t, k.n, &arena, &sp, &n), 0);
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, " / ");
        buf_append(&b, s + sp[i].off, sp[i].len);
    }
    char *r = arena_strdup(&arena, buf_cstr(&b));
    buf_release(&b);
    return r;
}

/* ---- normalization --------------------------------------------------------------------- */

static void test_normalize(void **state)
{
    WSP_UNUSED(state);
    /* typographic quotes, dashes, ellipsis, nbsp, narrow nbsp */
    assert_string_equal(norm("\xe2\x80\x9cKami siap,\xe2\x80\x9d kata\xc2\xa0"
                             "Budi \xe2\x80\x94 "
                             "warga\xe2\x80\x99s \xe2\x80\x93 RT\xe2\x80\xaf"
                             "05\xe2\x80\xa6"),
                        "\"Kami siap,\" kata Budi - warga's - RT 05...");
    /* NFC: e + combining acute becomes one code point */
    assert_string_equal(norm("Caf\x65\xcc\x81 di Ambon"), "Caf\xc3\xa9 di Ambon");
    /* invalid bytes and control characters are dropped; soft hyphen and zero-width space too */
    assert_string_equal(norm("Po\xffso\x01 dan \xc3(Sigi) ber\xc2\xad"
                             "api\xe2\x80\x8b!"),
                        "Poso dan (Sigi) berapi!");
    /* whitespace: one space, one newline between paragraphs, trimmed */
    assert_string_equal(norm("  Warga   berkumpul.\t\r\n\r\n\n  Polisi datang.  \n"),
                        "Warga berkumpul.\nPolisi datang.");
    assert_string_equal(norm(""), "");
    size_t n = 99;
    assert_string_equal(text_normalize("\xe2\x80\x8b \x7f", 5, &arena, &n), "");
    assert_int_equal(n, 0);
    /* a character that NFC maps to one we replace (U+0387 -> U+00B7 -> '-'): found by
     * fuzz_numbers, the second normalization used to differ */
    assert_string_equal(norm("a\xce\x87"
                             "b"),
                        "a-b");
    /* idempotent */
    const char *once = norm("\xe2\x80\x98"
                            "Bentrok\xe2\x80\x99 \xc2\xa0 antarwarga\xe2\x80\xa8"
                            "lagi");
    assert_string_equal(once, "'Bentrok' antarwarga\nlagi");
    assert_string_equal(norm(once), once);
}

/* ---- tokens ---------------------------------------------------------------------------- */

static void test_tokens_kinds_offsets(void **state)
{
    WSP_UNUSED(state);
    const char *s = "Warga Kab. Poso luka-luka, 1.500 rumah (3,5 ha) rusak!";
    struct toks k = tok(s);
    assert_string_equal(lowers(&k),
                        "warga|kabupaten|poso|luka-luka|,|1.500|rumah|(|3,5|ha|)|rusak|!");
    static const struct {
        enum text_token_kind kind;
        size_t off, len;
        bool cap;
    } want[] = {
        {TOK_WORD, 0, 5, true},    {TOK_WORD, 6, 4, true},    {TOK_WORD, 11, 4, true},
        {TOK_WORD, 16, 9, false},  {TOK_PUNCT, 25, 1, false}, {TOK_NUMBER, 27, 5, false},
        {TOK_WORD, 33, 5, false},  {TOK_PUNCT, 39, 1, false}, {TOK_NUMBER, 40, 3, false},
        {TOK_WORD, 44, 2, false},  {TOK_PUNCT, 46, 1, false}, {TOK_WORD, 48, 5, false},
        {TOK_PUNCT, 53, 1, false},
    };
    assert_int_equal(k.n, WSP_ARRAY_LEN(want));
    for (size_t i = 0; i < k.n; i++) {
        assert_int_equal(k.t[i].kind, want[i].kind);
        assert_int_equal(k.t[i].off, want[i].off);
        assert_int_equal(k.t[i].len, want[i].len);
        assert_int_equal(k.t[i].capitalized, want[i].cap);
        assert_int_equal(k.t[i].sentence_start, i == 0);
    }
}

static void test_tokens_slang(void **state)
{
    WSP_UNUSED(state);
    struct toks k = tok("Yg tdk ikut dgn massa gak ditangkap, udah pulang krn blm makan");
    assert_string_equal(lowers(&k), "yang|tidak|ikut|dengan|massa|tidak|ditangkap|,|sudah|pulang|"
                                    "karena|belum|makan");
    assert_true(k.t[0].capitalized);
    k = tok("Kec. Lage, Ds. Tiwaa, Kel. Gebangrejo, Prov. Sulteng, Jl. Pulau Irian");
    assert_string_equal(lowers(&k), "kecamatan|lage|,|desa|tiwaa|,|kelurahan|gebangrejo|,|"
                                    "provinsi|sulteng|,|jalan|pulau|irian");
    assert_int_equal(k.t[0].len, 4); /* "Kec." with its dot */
    /* abbreviation without its dot, dotted title, multiword expansion */
    k = tok("kab Sigi, dr. Ani, rumah dll");
    assert_string_equal(lowers(&k), "kabupaten|sigi|,|dokter|ani|,|rumah|dan lain-lain");
    /* "dr" without a dot is the SMS spelling of "dari" */
    k = tok("pulang dr pasar");
    assert_string_equal(lowers(&k), "pulang|dari|pasar");
    /* accents and non-Latin letters are word letters; case folding beyond ASCII */
    k = tok("\xc3\x89LISE Jum'at \xc3\x96zil");
    assert_string_equal(lowers(&k), "\xc3\xa9lise|jum'at|\xc3\xb6zil");
    assert_true(k.t[0].capitalized && k.t[2].capitalized);
    /* Rp and digits split, "2x24" is three tokens, dangling hyphens are punctuation */
    k = tok("Rp10.000 2x24 -bentrok- anti-");
    assert_string_equal(lowers(&k), "rp|10.000|2|x|24|-|bentrok|-|anti|-");
    /* invalid bytes are skipped without a token */
    k = tok("a\xff\xfe b");
    assert_string_equal(lowers(&k), "a|b");
    /* empty input */
    k = tok("");
    assert_int_equal(k.n, 0);
}

static void test_sentences(void **state)
{
    WSP_UNUSED(state);
    assert_string_equal(sentences("Bentrok terjadi di Kab. Poso, Jl. A. Yani No. 5. Dua orang "
                                  "luka. Polisi tiba pukul 18.30 WIB. Situasi kondusif."),
                        "Bentrok terjadi di Kab. Poso, Jl. A. Yani No. 5. / Dua orang luka. / "
                        "Polisi tiba pukul 18.30 WIB. / Situasi kondusif.");
    /* dates, decimals, titles, a quote closing after the dot, "dll." ending a sentence */
    assert_string_equal(
        sentences("Pada 23/2/2021 sekitar 3,5 ha lahan dibakar dr. Budi. "
                  "\"Kami siap.\" Warga membawa parang, batu, dll. Aparat "
                  "berjaga!Situasi tegang? ya"),
        "Pada 23/2/2021 sekitar 3,5 ha lahan dibakar dr. Budi. / \"Kami siap.\" "
        "/ Warga membawa parang, batu, dll. / Aparat berjaga! / Situasi tegang? ya");
    /* newlines always end a sentence; an unknown abbreviation before a lower-case word not */
    assert_string_equal(sentences("Judul berita\nIsi pertama ket. foto lanjut. Kedua."),
                        "Judul berita / Isi pertama ket. foto lanjut. / Kedua.");
    struct toks k = tok("Satu. Dua.");
    assert_true(k.t[0].sentence_start);
    assert_false(k.t[1].sentence_start);
    assert_true(k.t[2].sentence_start);
}

static void test_stopwords(void **state)
{
    WSP_UNUSED(state);
    assert_true(text_is_stopword(res, "yang"));
    assert_true(text_is_stopword(res, "dan"));
    assert_true(text_is_stopword(res, "adalah"));
    assert_false(text_is_stopword(res, "bentrok"));
    assert_false(text_is_stopword(res, "poso"));
    assert_false(text_is_stopword(res, "yg")); /* slang is expanded before: lower is "yang" */
    assert_false(text_is_stopword(res, ""));
    assert_false(text_is_stopword(res, NULL));
}

static void test_stem(void **state)
{
    WSP_UNUSED(state);
    struct text_stemmer *st = text_stemmer_new();
    assert_non_null(st);
    /* what Snowball's Indonesian stemmer really gives */
    static const char *const cases[][2] = {
        {"penyerangan", "serang"},     {"menyerang", "serang"},  {"pembakaran", "bakar"},
        {"dibakar", "bakar"},          {"kerusuhan", "rusuh"},   {"tawuran", "tawur"},
        {"pengeroyokan", "eroyok"},    {"ditembak", "tembak"},   {"tewas", "tewas"},
        {"bentrokan", "bentro"}, /* Snowball reads -kan: a known quirk */
        {"luka-luka", "luka"},         {"orang-orang", "orang"}, {"bentrok-bentrokan", "bentrok"},

        {"serba-serbi", "serba-serb"}, {"anti-", "anti-"},       {"", ""},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++)
        assert_string_equal(text_stem(st, cases[i][0], &arena), cases[i][1]);
    assert_null(text_stem(st, NULL, &arena));
    text_stemmer_free(st);
    text_stemmer_free(NULL);
}

/* ---- counts ---------------------------------------------------------------------------- */

static void test_counts(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *text;
        size_t at;
        bool found;
        long value;
        bool vague;
        size_t ntoks;
    } cases[] = {
        {"12 orang", 0, true, 12, false, 1},
        {"1.500 warga", 0, true, 1500, false, 1},
        {"1.250.000 jiwa", 0, true, 1250000, false, 1},
        {"dua orang", 0, true, 2, false, 1},
        {"sebelas rumah", 0, true, 11, false, 1},
        {"dua belas rumah", 0, true, 12, false, 2},
        {"dua puluh tiga warga", 0, true, 23, false, 3},
        {"seratus orang", 0, true, 100, false, 1},
        {"seribu orang", 0, true, 1000, false, 1},
        {"seratus dua puluh lima", 0, true, 125, false, 4},
        {"dua ratus lima puluh ribu", 0, true, 250000, false, 5},
        {"seribu dua ratus", 0, true, 1200, false, 3},
        {"sepuluh ribu", 0, true, 10000, false, 2},
        {"seorang pria", 0, true, 1, false, 1},
        {"satu rumah", 0, true, 1, false, 1},
        {"sebuah motor", 0, true, 1, false, 1},
        {"Tiga polisi", 0, true, 3, false, 1},
        {"2 ribu", 0, true, 2000, false, 2},
        {"1,5 juta", 0, true, 1500000, false, 2},
        {"belasan pemuda", 0, true, 11, true, 1},
        {"puluhan warga", 0, true, 20, true, 1},
        {"ratusan massa", 0, true, 100, true, 1},
        {"ribuan orang", 0, true, 1000, true, 1},
        {"puluhan ribu orang", 0, true, 20000, true, 2},
        {"beberapa orang", 0, true, 2, true, 1},
        {"bbrp org", 0, true, 2, true, 1}, /* slang expansion counts too */
        {"beberapa ratus", 0, true, 200, true, 2},
        {"sejumlah warga", 0, true, 2, true, 1},
        {"sejumlah 5 warga", 0, true, 5, false, 2},
        {"sebanyak tiga orang", 0, true, 3, false, 2},
        {"sebanyak itu", 0, false, 0, false, 0},
        {"nol korban", 0, true, 0, false, 1},
        /* not counts */
        {"23/2/2021", 0, false, 0, false, 0},
        {"23/2/2021", 2, false, 0, false, 0},
        {"23/2/2021", 4, false, 0, false, 0},
        {"pukul 10:30", 1, false, 0, false, 0},
        {"pukul 18.30 WIB", 1, false, 0, false, 0},
        {"3,5 ha", 0, false, 0, false, 0},
        {"puluh orang", 0, false, 0, false, 0},
        {"ribu", 0, false, 0, false, 0},
        {"warga", 0, false, 0, false, 0},
        {"kedua", 0, false, 0, false, 0},
        {"satu-satunya", 0, false, 0, false, 0},
        {"99999999999999 orang", 0, false, 0, false, 0},
        {", 5", 0, false, 0, false, 0},
        {"5", 1, false, 0, false, 0}, /* past the end */
        /* a number after a date's slash is not read, but one after a space is */
        {"2/3 5 orang", 3, true, 5, false, 1},
        {"dua tiga", 0, true, 2, false, 1},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        struct toks k = tok(cases[i].text);
        struct text_count c;
        bool f = text_read_count(k.t, k.n, cases[i].at, &c);
        if (f != cases[i].found || c.value != cases[i].value || c.vague != cases[i].vague ||
            c.ntoks != cases[i].ntoks)
            fail_msg("'%s' at %zu: found %d value %ld vague %d ntoks %zu", cases[i].text,
                     cases[i].at, f, c.value, c.vague, c.ntoks);
    }
    assert_false(text_read_count(NULL, 0, 0, NULL));
}

/* ---- HTML ------------------------------------------------------------------------------ */

static const char news_page[] =
    "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">\n"
    "<title>Warga Dua Desa Bentrok di Sigi, Tiga Orang Luka - Kabar Palu</title>\n"
    "<meta property=\"og:title\" content=\"Warga Dua Desa Bentrok di Sigi, Tiga Orang Luka\">\n"
    "<meta property=\"og:site_name\" content=\"Kabar Palu\">\n"
    "<meta property=\"og:url\" content=\"https://kabarpalu.example/berita/123?utm=x\">\n"
    "<link rel=\"canonical\" href=\"https://kabarpalu.example/berita/123\">\n"
    "<meta property=\"article:published_time\" content=\"2024-03-07T21:15:00+08:00\">\n"
    "<script>var ads = '<p>bukan isi</p>';</script><style>p{color:red}</style>\n"
    "</head><body>\n"
    "<header class=\"site-header\"><a href=\"/\">Kabar Palu</a><nav><ul><li><a href=\"/\">"
    "Beranda</a></li><li><a href=\"/daerah\">Daerah</a></li><li><a href=\"/hukum\">Hukum</a>"
    "</li></ul></nav></header>\n"
    "<div class=\"breadcrumb\"><a href=\"/\">Home</a> &raquo; <a href=\"/daerah\">Daerah</a>"
    "</div>\n"
    "<main><article class=\"post\">\n"
    "<h1 class=\"post-title\">Warga Dua Desa Bentrok di Sigi, Tiga Orang Luka</h1>\n"
    "<div class=\"byline\">Penulis: Rina | <time datetime=\"2024-03-07\">Kamis, 7 Maret 2024"
    "</time></div>\n"
    "<div class=\"share-buttons\"><a href=\"#\">Bagikan</a> <a href=\"#\">Facebook</a> "
    "<a href=\"#\">WhatsApp</a></div>\n"
    "<div class=\"post-content\">\n"
    "<p><strong>SIGI</strong> &ndash; Bentrokan antarwarga pecah di perbatasan Desa Lembah "
    "dan Desa Bukit, Kecamatan Dolo, Kabupaten Sigi, Kamis (7/3/2024) malam.</p>\n"
    "<p>Kapolres Sigi mengatakan tiga orang mengalami luka akibat lemparan batu, sementara "
    "dua rumah dan sebuah sepeda motor dibakar massa.</p>\n"
    "<p><strong>Baca juga:</strong> <a href=\"/berita/99\">Polisi Amankan Lima Pemuda "
    "Usai Tawuran di Palu</a></p>\n"
    "<p>Menurut warga, bentrok dipicu oleh sengketa batas lahan kebun yang sudah "
    "berlangsung bertahun-tahun, ditambah &#8220;saling ejek&#8221; di media sosial.</p>\n"
    "<div class=\"ads iklan\"><p>ADVERTISEMENT</p><p>Pasang iklan Anda di sini, hubungi "
    "kami sekarang juga untuk harga spesial.</p></div>\n"
    "<p>Sekitar 200 personel gabungan TNI dan Polri kini berjaga di lokasi untuk mencegah "
    "bentrokan susulan.</p>\n"
    "<p>Baca Juga: Kisah Warga Sigi Membangun Kembali Rumah Usai Gempa</p>\n"
    "<p>Editor: Dedi</p>\n"
    "</div>\n"
    "<div class=\"tags\"><a href=\"/tag/sigi\">Sigi</a> <a href=\"/tag/bentrok\">bentrok</a>"
    "</div>\n"
    "<section class=\"related-posts\"><h3>Berita Terkait</h3><ul>"
    "<li><a href=\"/b/1\">Dua Kelompok Pemuda Bentrok di Kota Palu, Satu Orang Luka</a></li>"
    "<li><a href=\"/b/2\">Sengketa Lahan di Donggala Berujung Pembakaran Pondok Kebun</a></li>"
    "</ul></section>\n"
    "</article></main>\n"
    "<div id=\"comments\"><h3>Komentar</h3><div class=\"comment\"><p>Semoga cepat damai, "
    "kasihan warga yang tidak tahu apa-apa jadi korban.</p></div></div>\n"
    "<aside class=\"sidebar\"><h3>Terpopuler</h3><ol><li><a href=\"/x\">Harga Cabai di Pasar "
    "Inpres Naik Lagi Menjelang Ramadan</a></li></ol></aside>\n"
    "<footer><p>Copyright &copy; 2024 Kabar Palu. All rights reserved.</p><p>Redaksi | "
    "Pedoman Media Siber | Kontak</p></footer>\n"
    "</body></html>\n";

static void test_html_news(void **state)
{
    WSP_UNUSED(state);
    struct text_doc d;
    struct error err = {0};
    assert_int_equal(text_from_html(res, news_page, strlen(news_page), &arena, &d, &err), 0);
    assert_string_equal(d.title, "Warga Dua Desa Bentrok di Sigi, Tiga Orang Luka");
    assert_string_equal(d.published, "2024-03-07");
    assert_string_equal(d.url, "https://kabarpalu.example/berita/123");
    assert_string_equal(
        d.body,
        "SIGI - Bentrokan antarwarga pecah di perbatasan Desa Lembah dan Desa Bukit, Kecamatan "
        "Dolo, Kabupaten Sigi, Kamis (7/3/2024) malam.\n"
        "Kapolres Sigi mengatakan tiga orang mengalami luka akibat lemparan batu, sementara dua "
        "rumah dan sebuah sepeda motor dibakar massa.\n"
        "Menurut warga, bentrok dipicu oleh sengketa batas lahan kebun yang sudah berlangsung "
        "bertahun-tahun, ditambah \"saling ejek\" di media sosial.\n"
        "Sekitar 200 personel gabungan TNI dan Polri kini berjaga di lokasi untuk mencegah "
        "bentrokan susulan.");
    assert_int_equal(d.body_len, strlen(d.body));
}

static void test_html_fallbacks(void **state)
{
    WSP_UNUSED(state);
    struct text_doc d;
    struct error err = {0};
    /* no og:title: <title> with its site suffix cut; no paragraph long enough to score: all
     * blocks kept; <br> separates paragraphs; dates from <time>; url from og:url */
    const char *p = "<html><head><title>Rumah Ibadah Dirusak OTK | Berita Sulsel</title>"
                    "<meta property=\"og:url\" content=\" https://x.example/a \"></head>"
                    "<body><div>Kaca pecah.<br><br>Polisi selidiki.</div>"
                    "<time datetime=\"2023-11-02T08:00:00Z\">2 Nov</time></body></html>";
    assert_int_equal(text_from_html(res, p, strlen(p), &arena, &d, &err), 0);
    assert_string_equal(d.title, "Rumah Ibadah Dirusak OTK");
    assert_string_equal(d.body, "Kaca pecah.\nPolisi selidiki.\n2 Nov");
    assert_string_equal(d.published, "2023-11-02");
    assert_string_equal(d.url, "https://x.example/a");

    /* text directly in a div with <br>s, JSON-LD date, " - Site.com" suffix, no h1 */
    p = "<html><head><title>Tawuran Pelajar di Makassar Dibubarkan - Sulsel.com</title>"
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"datePublished\": \"2022-08-15T10:00:00+08:00\"}</script></head><body>"
        "<div id=\"menu\"><a href=\"/\">Beranda</a></div>"
        "<div class=\"detail-text\">Puluhan pelajar dari dua sekolah terlibat tawuran di Jalan "
        "Perintis, Senin sore.<br/><br/>Polisi membubarkan mereka dan menyita beberapa senjata "
        "tajam, kata kapolsek setempat.<br>Bagikan</div></body></html>";
    assert_int_equal(text_from_html(res, p, strlen(p), &arena, &d, &err), 0);
    assert_string_equal(d.title, "Tawuran Pelajar di Makassar Dibubarkan");
    assert_string_equal(d.published, "2022-08-15");
    assert_null(d.url);
    assert_string_equal(d.body, "Puluhan pelajar dari dua sekolah terlibat tawuran di Jalan "
                                "Perintis, Senin sore.\nPolisi membubarkan mereka dan menyita "
                                "beberapa senjata tajam, kata kapolsek setempat.");

    /* a UTF-8 page without a declared charset keeps its accents */
    p = "<p>Caf\xc3\xa9 di Ambon \xe2\x80\x9c"
        "dibakar\xe2\x80\x9d</p>";
    assert_int_equal(text_from_html(res, p, strlen(p), &arena, &d, &err), 0);
    assert_string_equal(d.body, "Caf\xc3\xa9 di Ambon \"dibakar\"");
    assert_null(d.title);
    assert_null(d.published);
}

static void test_html_errors(void **state)
{
    WSP_UNUSED(state);
    struct text_doc d;
    struct error err = {0};
    assert_int_equal(text_from_html(res, "", 0, &arena, &d, &err), WSP_EINVAL);
    assert_string_equal(d.body, "");
    assert_int_equal(text_from_html(res, "x", TEXT_MAX_INPUT + 1, &arena, &d, &err), WSP_ETOOBIG);
    /* junk is not an error */
    static const char junk[] = "\x00\xff<<</p><div <a href=>>&#xffffff;&bogus;<script>";
    assert_int_equal(text_from_html(res, junk, sizeof(junk) - 1, &arena, &d, &err), 0);
    assert_true(utf8_valid(d.body, d.body_len));
    /* a tiny arena: out of memory is reported, not a crash */
    struct arena tiny;
    arena_init(&tiny, 512);
    assert_int_equal(text_from_html(res, news_page, strlen(news_page), &tiny, &d, &err),
                     WSP_ENOMEM);
    assert_string_equal(d.body, "");
    arena_release(&tiny);
    arena_init(&tiny, 64);
    struct text_token *t;
    size_t n;
    assert_int_equal(text_tokenize(res, news_page, strlen(news_page), &tiny, &t, &n, &err),
                     WSP_ENOMEM);
    arena_release(&tiny);
}

/* ---- plain text ------------------------------------------------------------------------ */

static void test_plain(void **state)
{
    WSP_UNUSED(state);
    static const char txt[] = "Palu - Dua kelompok pemuda terlibat bentrok, Sabtu (4/5).\n"
                              "Baca Juga: Polisi Tangkap Provokator Tawuran\n"
                              "\n"
                              "Bagikan\n"
                              "Komentar Kapolresta soal bentrok itu disampaikan kemarin.\n"
                              "ADVERTISEMENT\n"
                              "SCROLL TO CONTINUE WITH CONTENT\n"
                              "Komentar (0)\n"
                              "Print Friendly, PDF & Email\n"
                              "Editor : Andi\n"
                              "Copyright \xc2\xa9 2024 Kabar Palu\n"
                              "Ikuti perkembangan dengan tertib, kata dia.\n";
    struct text_doc d;
    struct error err = {0};
    assert_int_equal(text_from_plain(res, txt, sizeof(txt) - 1, &arena, &d, &err), 0);
    assert_string_equal(d.body, "Palu - Dua kelompok pemuda terlibat bentrok, Sabtu (4/5).\n"
                                "Komentar Kapolresta soal bentrok itu disampaikan kemarin.\n"
                                "Ikuti perkembangan dengan tertib, kata dia.");
    assert_int_equal(d.body_len, strlen(d.body));
    assert_null(d.title);
    assert_int_equal(text_from_plain(res, "", 0, &arena, &d, &err), WSP_EINVAL);
    assert_int_equal(text_from_plain(res, "Bagikan", 7, &arena, &d, &err), 0);
    assert_string_equal(d.body, "");
}

/* ---- index pages ----------------------------------------------------------------------- */

/* Violent-sounding headlines, as a home or tag page of a regional portal would list them:
 * their words must not make the page an article. */
static const char *const headlines[] = {
    "Bentrok Warga di Desa Kolbano, 2 Tewas",
    "Tawuran Pelajar di Jalan Perintis Makassar, Satu Luka Bacok",
    "Massa Bakar Pos Ronda Usai Pencurian Ternak di Desa Oebobo",
    "Dua Kelompok Pemuda Saling Serang di Ambon, Tiga Rumah Rusak",
    "Sengketa Lahan Sawit Berujung Bentrok, Lima Warga Terluka",
    "Kantor Desa Dirusak Massa Usai Pemilihan Kepala Desa",
    "Polisi Amankan 12 Orang Usai Bentrok Antarkampung di Maluku Tengah",
    "Ricuh Eksekusi Lahan di Deli Serdang, Warga Hadang Aparat",
    "Pembakaran Rumah Warga di Puncak Jaya, Ratusan Mengungsi",
    "Perang Antarsuku di Mimika Kembali Pecah, Satu Orang Tewas",
    "Demo Tolak Tambang di Kendeng Berujung Ricuh",
    "Warga Dua Dusun Bentrok Gara-Gara Batas Kebun di Seram",
    "Geng Motor Serang Warung Kopi di Bandung, Pemilik Luka Parah",
    "Suporter Bentrok Usai Laga Derbi, Belasan Orang Diamankan",
    "Rumah Ibadah di Kampung Baru Dirusak Orang Tak Dikenal",
    "Aksi Saling Lempar Batu Warnai Sengketa Tapal Batas Desa",
    "Bentrokan Ormas di Bekasi Dipicu Perebutan Lahan Parkir",
    "Kapolda Turun Tangan Redam Bentrok Warga di Lombok Timur",
    "Dua Perguruan Silat Bentrok di Jember, Motor Warga Dirusak",
    "Konflik Nelayan Dua Desa Memanas, Perahu Dibakar di Pantai",
    "Pemuda Tewas Ditikam dalam Keributan Pesta di Sikka",
    "Mediasi Gagal, Warga Blokade Jalan Menuju Lokasi Tambang",
};

/* A teaser under a headline: long enough to look like a paragraph on its own. */
static const char teaser[] =
    "Warga di lokasi mengatakan keributan dimulai sejak sore hari, sementara aparat keamanan "
    "masih berjaga di perbatasan dan meminta semua pihak menahan diri, kata seorang tokoh "
    "masyarakat setempat kepada wartawan.";

static const char page_head[] = "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">";
static const char site_header[] =
    "<header class=\"site-header\"><a href=\"/\">Kabar Nusantara</a><nav><a href=\"/\">Beranda"
    "</a> <a href=\"/daerah\">Daerah</a> <a href=\"/hukum\">Hukum</a> <a href=\"/indeks\">Indeks"
    "</a></nav></header>";
static const char site_footer[] =
    "<footer><p>&copy; 2024 Kabar Nusantara. Redaksi | Pedoman Media Siber | Kontak</p>"
    "</footer></body></html>";

/* The headlines from..to as items: "li" (a link and a time), "teaser" (h3 link, teaser
 * paragraph and time in an <article>), "result" (link, short snippet and date). */
static void put_items(struct buf *b, const char *style, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const char *h = headlines[i % WSP_ARRAY_LEN(headlines)];
        if (strcmp(style, "li") == 0)
            buf_printf(b,
                       "<li><a href=\"/daerah/%zu/berita-%zu\">%s</a> <span class=\"time\">"
                       "%zu jam lalu</span></li>",
                       100 + i, i, h, i + 1);
        else if (strcmp(style, "teaser") == 0)
            buf_printf(b,
                       "<article class=\"item\"><h3><a href=\"/berita/%zu\">%s</a></h3>"
                       "<p>%s</p><time>%zu jam lalu</time></article>",
                       200 + i, h, teaser, i + 1);
        else
            buf_printf(b,
                       "<div class=\"result\"><a href=\"/berita/%zu/hasil\">%s</a><p>...warga "
                       "mengaku mendengar suara ribut...</p><span>Senin, %zu Mei 2024</span>"
                       "</div>",
                       300 + i, h, i + 1);
    }
}

static struct text_doc html_doc(const char *html)
{
    struct text_doc d;
    struct error err = {0};
    assert_int_equal(text_from_html(res, html, strlen(html), &arena, &d, &err), 0);
    return d;
}

/* A buf's text copied into the arena (the buf is released). */
static const char *page_of(struct buf *b)
{
    char *s = arena_strdup(&arena, buf_cstr(b));
    buf_release(b);
    return s;
}

static void test_html_index_pages(void **state)
{
    WSP_UNUSED(state);
    struct buf b;

    /* a home page: a lead story with its teaser, a list of the latest headlines, the most
     * read; it even says og:type "article" (home pages often do), but no date, and its
     * canonical URL is the site's root */
    buf_init(&b, 0);
    buf_printf(&b,
               "%s<title>Kabar Nusantara - Berita Terkini Hari Ini</title>"
               "<meta property=\"og:type\" content=\"article\">"
               "<link rel=\"canonical\" href=\"https://kabarnusantara.example/\"></head><body>%s"
               "<main><section class=\"lead\"><h2><a href=\"/daerah/1/bentrok\">%s</a></h2>"
               "<p>%s</p></section><h2>Berita Terkini</h2><ul>",
               page_head, site_header, headlines[0], teaser);
    put_items(&b, "li", 1, 18);
    buf_puts(&b, "</ul><h2>Terpopuler</h2><ol>");
    put_items(&b, "li", 18, 22);
    buf_printf(&b, "</ol></main>%s", site_footer);
    struct text_doc d = html_doc(page_of(&b));
    assert_true(d.not_article);
    assert_null(d.published);
    assert_string_equal(d.title, "Kabar Nusantara - Berita Terkini Hari Ini");

    /* a home page of teasers: every headline has a paragraph under it, long enough to pass
     * for article text, and a <time>; no metadata, no URL */
    buf_init(&b, 0);
    buf_printf(&b, "%s<title>Kabar Nusantara</title></head><body>%s<main>", page_head, site_header);
    put_items(&b, "teaser", 0, 10);
    buf_printf(&b, "</main>%s", site_footer);
    d = html_doc(page_of(&b));
    assert_true(d.not_article);

    /* a tag page */
    buf_init(&b, 0);
    buf_printf(&b,
               "%s<title>Berita tentang bentrok | Kabar Nusantara</title>"
               "<meta property=\"og:url\" content=\"https://kabarnusantara.example/tag/"
               "bentrok\"></head><body>%s<main><h1>Tag: bentrok</h1><div class=\"list\">",
               page_head, site_header);
    put_items(&b, "li", 3, 15);
    buf_printf(&b, "</div><div class=\"paging\"><a href=\"?page=2\">2</a></div></main>%s",
               site_footer);
    d = html_doc(page_of(&b));
    assert_true(d.not_article);
    assert_string_equal(d.url, "https://kabarnusantara.example/tag/bentrok");

    /* a search page: results with snippets and dates shown, no metadata date */
    buf_init(&b, 0);
    buf_printf(&b,
               "%s<title>Hasil pencarian: tawuran</title><link rel=\"canonical\" "
               "href=\"https://kabarnusantara.example/search?q=tawuran\"></head><body>%s"
               "<main><h1>Hasil pencarian untuk \"tawuran\"</h1>",
               page_head, site_header);
    put_items(&b, "result", 0, 10);
    buf_printf(&b, "</main>%s", site_footer);
    d = html_doc(page_of(&b));
    assert_true(d.not_article);
    assert_null(d.published); /* the dates shown are the results', not the page's */

    /* the same search page without its URL: the results alone make it an index */
    buf_init(&b, 0);
    buf_printf(&b, "%s<title>Hasil pencarian</title></head><body><main>", page_head);
    put_items(&b, "result", 0, 10);
    buf_puts(&b, "</main></body></html>");
    d = html_doc(page_of(&b));
    assert_true(d.not_article);

    /* the article of test_html_news, with its "Baca juga" and related links, stays one */
    d = html_doc(news_page);
    assert_false(d.not_article);
    /* and so does a page without any link */
    d = html_doc("<p>Kaca jendela balai desa pecah dilempar batu.</p>");
    assert_false(d.not_article);
}

/* An article with "Baca juga" lines, a related-links box inside its body and sidebars full of
 * headlines; then one that has no metadata at all. */
static void test_html_articles_with_link_boxes(void **state)
{
    WSP_UNUSED(state);
    static const char *const paras[] = {
        "MALUKU TENGAH - Bentrok antarwarga dua desa bertetangga di Kecamatan Leihitu, "
        "Kabupaten Maluku Tengah, pecah pada Senin (6/5/2024) dini hari.",
        "Menurut keterangan polisi, dua orang meninggal dunia akibat luka senjata tajam, "
        "sementara empat warga lainnya dirawat di rumah sakit daerah.",
        "Bentrokan dipicu oleh perselisihan antarpemuda di sebuah acara hiburan malam yang "
        "kemudian meluas menjadi aksi saling serang antardesa.",
        "Sebanyak 300 personel gabungan TNI dan Polri diterjunkan ke lokasi untuk memisahkan "
        "kedua kelompok dan mencegah bentrokan susulan.",
        "Kapolres Maluku Tengah meminta warga tidak terpancing isu di media sosial dan "
        "menyerahkan penanganan kasus kepada aparat penegak hukum.",
        "Pemerintah kabupaten berencana mempertemukan tokoh adat dan tokoh agama kedua desa "
        "dalam waktu dekat untuk membicarakan perdamaian.",
    };
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b,
               "%s<title>Bentrok Dua Desa di Leihitu, 2 Warga Tewas - Kabar Nusantara</title>"
               "<meta property=\"og:type\" content=\"article\">"
               "<meta property=\"article:published_time\" content=\"2024-05-06T09:00:00+09:00\">"
               "<link rel=\"canonical\" href=\"https://kabarnusantara.example/daerah/2024/05/06/"
               "bentrok-dua-desa-di-leihitu\"></head><body>%s<main><article>"
               "<h1>Bentrok Dua Desa di Leihitu, 2 Warga Tewas</h1><div class=\"content\">",
               page_head, site_header);
    for (size_t i = 0; i < WSP_ARRAY_LEN(paras); i++) {
        buf_printf(&b, "<p>%s</p>", paras[i]);
        if (i == 1 || i == 3)
            buf_printf(&b, "<p><strong>Baca juga:</strong> <a href=\"/daerah/%zu\">%s</a></p>", i,
                       headlines[i + 5]);
    }
    buf_puts(&b, "<div class=\"box-terkait\"><h3>Berita Terkait</h3><ul>");
    put_items(&b, "li", 8, 13);
    buf_puts(&b, "</ul></div></div></article><aside><h3>Terpopuler</h3><ol>");
    put_items(&b, "li", 13, 22);
    buf_printf(&b, "</ol></aside></main>%s", site_footer);
    struct text_doc d = html_doc(page_of(&b));
    assert_false(d.not_article);
    assert_string_equal(d.title, "Bentrok Dua Desa di Leihitu, 2 Warga Tewas");
    assert_string_equal(d.published, "2024-05-06");
    assert_non_null(strstr(d.body, paras[0]));
    assert_non_null(strstr(d.body, paras[5]));
    assert_null(strstr(d.body, "Baca juga"));
    assert_null(strstr(d.body, headlines[6]));

    /* no metadata, no URL, a plain list of related headlines in the text's own container and
     * a "Baca juga" after every paragraph: the text still carries it */
    buf_init(&b, 0);
    buf_printf(&b, "%s<title>Bentrok Dua Desa di Leihitu</title></head><body><div id=\"isi\">",
               page_head);
    for (size_t i = 0; i < WSP_ARRAY_LEN(paras); i++)
        buf_printf(&b, "<p>%s</p><p>Baca juga: <a href=\"/b/%zu\">%s</a></p>", paras[i], i,
                   headlines[i]);
    buf_puts(&b, "<ul>");
    put_items(&b, "li", 10, 18);
    buf_puts(&b, "</ul></div></body></html>");
    d = html_doc(page_of(&b));
    assert_false(d.not_article);
    assert_null(d.published);

    /* a photo story: a caption is all its text, the sidebars list many headlines, but the
     * page says it is an article with a date, and its URL names it; the description is the
     * better body */
    buf_init(&b, 0);
    buf_printf(&b,
               "%s<title>FOTO: Warga Leihitu Gelar Doa Bersama Usai Bentrok</title>"
               "<meta property=\"og:type\" content=\"article\">"
               "<meta property=\"og:description\" content=\"Warga dua desa di Leihitu, Maluku "
               "Tengah, menggelar doa bersama di balai desa sebagai tanda damai setelah "
               "bentrokan pekan lalu.\">"
               "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
               "\"datePublished\":\"2024-05-13T10:00:00+09:00\"}</script>"
               "<meta property=\"og:url\" content=\"https://foto.kabarnusantara.example/"
               "warga-leihitu-gelar-doa-bersama-usai-bentrok-88231\"></head><body>%s<main>"
               "<h1>FOTO: Warga Leihitu Gelar Doa Bersama Usai Bentrok</h1>"
               "<figure><img src=\"/f/1.jpg\" alt=\"\"><figcaption>Doa bersama di balai desa."
               "</figcaption></figure><aside><ol>",
               page_head, site_header);
    put_items(&b, "li", 0, 16);
    buf_printf(&b, "</ol></aside></main>%s", site_footer);
    d = html_doc(page_of(&b));
    assert_false(d.not_article);
    assert_string_equal(d.published, "2024-05-13");
    assert_string_equal(d.body, "Warga dua desa di Leihitu, Maluku Tengah, menggelar doa bersama "
                                "di balai desa sebagai tanda damai setelah bentrokan pekan lalu.");
}

static void test_plain_index(void **state)
{
    WSP_UNUSED(state);
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "Berita Terkini\n");
    for (size_t i = 0; i < 12; i++)
        buf_printf(&b, "%s\n%zu menit yang lalu\n", headlines[i], 5 * i + 3);
    const char *txt = page_of(&b);
    struct text_doc d;
    struct error err = {0};
    assert_int_equal(text_from_plain(res, txt, strlen(txt), &arena, &d, &err), 0);
    assert_true(d.not_article);
    assert_non_null(strstr(d.body, headlines[11]));

    /* a short introduction does not make it an article */
    buf_init(&b, 0);
    buf_printf(&b, "%s\n", teaser);
    for (size_t i = 0; i < 8; i++)
        buf_printf(&b, "%s\n", headlines[i]);
    txt = page_of(&b);
    assert_int_equal(text_from_plain(res, txt, strlen(txt), &arena, &d, &err), 0);
    assert_true(d.not_article);

    /* an article with a headline on its first line and subheads is one */
    static const char art[] =
        "Bentrok Warga di Desa Kolbano, 2 Tewas\n"
        "KOLBANO - Bentrok antarwarga pecah di Desa Kolbano, Kabupaten Timor Tengah Selatan, "
        "pada Sabtu malam setelah perselisihan soal batas kebun.\n"
        "Polisi Kirim Pasukan Tambahan ke Lokasi\n"
        "Kapolres mengatakan dua orang meninggal dunia dan tiga lainnya luka-luka, sementara "
        "sejumlah rumah rusak dilempari batu oleh massa.\n"
        "Tokoh Adat Diminta Turun Tangan Mendamaikan\n"
        "Bupati meminta tokoh adat dan tokoh agama membantu meredam ketegangan.\n";
    assert_int_equal(text_from_plain(res, art, strlen(art), &arena, &d, &err), 0);
    assert_false(d.not_article);
    /* an excerpt whose paragraphs are followed by a list of other stories is an article */
    buf_init(&b, 0);
    buf_printf(&b, "%s\n%s\n%s\nBerita Lainnya\n", art, teaser, teaser);
    for (size_t i = 0; i < 12; i++)
        buf_printf(&b, "%s\nSenin, 1 Januari 2024 | 10:%02zu\n", headlines[i], i);
    txt = page_of(&b);
    assert_int_equal(text_from_plain(res, txt, strlen(txt), &arena, &d, &err), 0);
    assert_false(d.not_article);
    /* so is prose wrapped at a fixed width (no line ends with a period) */
    static const char wrapped[] = "Forum Kerukunan Umat Beragama Kabupaten Melawi\n"
                                  "menginisiasi temu tokoh lintas agama, suku dan organisasi\n"
                                  "melalui diskusi terfokus sebagai bentuk memperkuat\n"
                                  "silaturahmi dan menjaga serta merawat toleransi di daerah\n"
                                  "itu, kata ketua forum kepada wartawan pada hari Senin\n"
                                  "di aula kantor bupati yang dihadiri puluhan tokoh masyarakat\n"
                                  "dan pemuda dari enam kecamatan di kabupaten tersebut\n";
    assert_int_equal(text_from_plain(res, wrapped, strlen(wrapped), &arena, &d, &err), 0);
    assert_false(d.not_article);
    /* nor is the text of test_plain a list */
    static const char few[] = "Dua kelompok pemuda terlibat bentrok.\nBagikan\nKata dia.\n";
    assert_int_equal(text_from_plain(res, few, strlen(few), &arena, &d, &err), 0);
    assert_false(d.not_article);
}

/* What a page's own URL says: only ever a supporting hint. */
static void test_url_hints(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *url;
        int kind;
    } cases[] = {
        {"https://kabar.example/", TEXT_URL_HOME},
        {"https://kabar.example", TEXT_URL_HOME},
        {"https://kabar.example/index.php", TEXT_URL_HOME},
        {"https://kabar.example/tag/bentrok-warga-di-sigi", TEXT_URL_INDEX},
        {"https://kabar.example/search?q=tawuran", TEXT_URL_INDEX},
        {"https://kabar.example/?s=bentrok", TEXT_URL_INDEX},
        {"https://news.kabar.example/indeks", TEXT_URL_INDEX},
        {"http://indeks.kabar.example/", TEXT_URL_INDEX},
        {"https://kabar.example/berita/page/2", TEXT_URL_INDEX},
        {"https://kabar.example/nasional", TEXT_URL_SECTION},
        {"https://kabar.example/daerah/jawa-barat", TEXT_URL_SECTION},
        {"https://kabar.example/read/2016/02/16/14382361/Warga.Bentrok", TEXT_URL_ARTICLE},
        {"https://kabar.example/berita/warga-dua-desa-bentrok-di-sigi", TEXT_URL_ARTICLE},
        {"https://kabar.example/2024/05/06/bentrok/index.html", TEXT_URL_ARTICLE},
        {"/berita/123456", TEXT_URL_ARTICLE},
        {"https://kabar.example/p/12", TEXT_URL_NONE},
        {NULL, TEXT_URL_NONE},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++)
        if (text_url_kind(cases[i].url) != cases[i].kind)
            fail_msg("%s: kind %d, want %d", cases[i].url ? cases[i].url : "(null)",
                     text_url_kind(cases[i].url), cases[i].kind);
    char d[11];
    assert_true(text_url_date("http://x.example/read/2016/02/16/14382361/judul", d));
    assert_string_equal(d, "2016-02-16");
    assert_true(text_url_date("/2015/11/5/berita", d));
    assert_string_equal(d, "2015-11-05");
    assert_false(text_url_date("http://x.example/berita/16/02/23/judul", d)); /* 2-digit year */
    assert_false(text_url_date("http://x.example/2016/13/01/judul", d));
    assert_false(text_url_date("http://x.example/?d=2016/02/16", d));
    assert_false(text_url_date(NULL, d));
}

/* ---- HTML as real pages write it ------------------------------------------------------- */

static void test_html_page_quirks(void **state)
{
    WSP_UNUSED(state);
    static const char body[] =
        "<p>Puluhan warga dari dua kampung terlibat saling lempar batu di Jalan Trans Seram, "
        "Minggu sore, hingga polisi datang membubarkan mereka.</p>"
        "<p>Tidak ada korban jiwa dalam kejadian itu, namun beberapa kendaraan rusak.</p>";

    /* a script that writes "<\/script>" as "</script\>" in a string: libxml2 would end the
     * script there and spill the rest of the code into the text */
    const char *p = arena_printf(
        &arena,
        "<html><head><script>var s = `<script>jalan();</script\\>`; var t = \"$('head')"
        ".append(s)\";</script></head><body><div class=\"content\">%s</div></body></html>",
        body);
    struct text_doc d = html_doc(p);
    assert_null(strstr(d.body, "append"));
    assert_non_null(strstr(d.body, "Puluhan warga"));

    /* a page re-saved as UTF-8 that still declares Latin-1 keeps its characters, while a
     * real Latin-1 page is still read as Latin-1 */
    p = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=iso-8859-1\"></head><body><p>Kafe \xc2\xa9 di Ambon dibakar "
        "\xe2\x80\x9cmassa\xe2\x80\x9d</p></body></html>";
    d = html_doc(p);
    assert_string_equal(d.body, "Kafe \xc2\xa9 di Ambon dibakar \"massa\"");
    p = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 di Ambon</p></body>"
        "</html>";
    d = html_doc(p);
    assert_string_equal(d.body, "Caf\xc3\xa9 di Ambon");

    /* the whole page sits in a wrapper whose class says "ads", and the article is cut into
     * sections: the element marked itemprop=articleBody holds them all */
    p = arena_printf(
        &arena,
        "<html><body><div class=\"layout__ads\"><div class=\"main\"><h1>Dua Kampung Bentrok "
        "di Seram</h1><div itemprop=\"articleBody\" class=\"article-body\">"
        "<div class=\"section\"><div class=\"raw\">%s</div></div>"
        "<div class=\"section\"><h2>Polisi Berjaga</h2><div class=\"raw\"><p>Sebanyak 100 "
        "personel, dibantu TNI, berjaga di perbatasan kedua kampung sampai Senin pagi.</p>"
        "</div></div></div></div></div></body></html>",
        body);
    d = html_doc(p);
    assert_non_null(strstr(d.body, "Puluhan warga"));
    assert_non_null(strstr(d.body, "Sebanyak 100 personel"));

    /* no metadata date: the date shown under the <h1> in an element that says so (the header
     * shows today's date before it), or else the page's own URL */
    p = arena_printf(&arena,
                     "<html><body><div class=\"top-date\">Rabu, 15 Mei 2024</div><h1>Dua Kampung "
                     "Bentrok di Seram</h1><div class=\"date-detail\">Minggu , 12 Mei 2024, 18:30 "
                     "WIB</div><div class=\"content\">%s</div></body></html>",
                     body);
    d = html_doc(p);
    assert_string_equal(d.published, "2024-05-12");
    p = arena_printf(&arena,
                     "<html><head><link rel=\"canonical\" href=\"https://x.example/read/2024/05/12/"
                     "0815/dua-kampung-bentrok\"></head><body><div class=\"date\">Rabu, 15 Mei "
                     "2024</div><div class=\"content\">%s</div></body></html>",
                     body);
    d = html_doc(p);
    assert_string_equal(d.published, "2024-05-12");

    /* "Site: headline" titles lose the site */
    p = arena_printf(&arena,
                     "<html><head><meta property=\"og:title\" content=\"KabarSeram.com: FOTO: Dua "
                     "Kampung Bentrok\"></head><body><div class=\"content\">%s</div></body></html>",
                     body);
    d = html_doc(p);
    assert_string_equal(d.title, "FOTO: Dua Kampung Bentrok");

    /* a short hidden message is no content; the hidden rest of a paginated article is */
    p = arena_printf(&arena,
                     "<html><body><span style=\"display: none\">File Not Found</span><div "
                     "class=\"content\">%s<div class=\"page-2\" style=\"display:none\"><p>Kapolres "
                     "mengatakan situasi sudah kondusif dan warga diminta kembali beraktivitas "
                     "seperti biasa.</p><p>Kedua kampung sepakat menyelesaikan masalah lewat "
                     "musyawarah adat.</p></div></div></body></html>",
                     body);
    d = html_doc(p);
    assert_null(strstr(d.body, "File Not Found"));
    assert_non_null(strstr(d.body, "situasi sudah kondusif"));
}

/* ---- feeds ----------------------------------------------------------------------------- */

static void test_rss(void **state)
{
    WSP_UNUSED(state);
    static const char rss[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
        "<channel><title>Kabar Palu</title><link>https://kabarpalu.example/</link>\n"
        "<item><title>Bentrok Warga di Sigi</title>"
        "<link> https://kabarpalu.example/berita/123 </link>"
        "<pubDate>Thu, 07 Mar 2024 21:15:00 +0800</pubDate>"
        "<description><![CDATA[<p>Tiga orang <b>luka</b> &amp; dua rumah dibakar.</p>"
        "<p>Polisi berjaga.</p>]]></description>"
        "<guid isPermaLink=\"false\">kp-123</guid></item>\n"
        "<item><title>Rapat FKDM &amp; Kesbangpol</title><link>https://kabarpalu.example/b/124"
        "</link><pubDate>Sel, 5 Des 2023 08:00:00 WITA</pubDate>"
        "<description>Rapat koordinasi &lt;i&gt;rutin&lt;/i&gt;</description></item>\n"
        "<item><title>Tanpa tanggal</title><pubDate>kemarin</pubDate></item>\n"
        "</channel></rss>";
    struct text_feed_item *it;
    size_t n;
    struct error err = {0};
    assert_int_equal(text_parse_feed(rss, sizeof(rss) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(it[0].title, "Bentrok Warga di Sigi");
    assert_string_equal(it[0].url, "https://kabarpalu.example/berita/123");
    assert_string_equal(it[0].published, "2024-03-07");
    assert_string_equal(it[0].summary, "Tiga orang luka & dua rumah dibakar.\nPolisi berjaga.");
    assert_string_equal(it[0].guid, "kp-123");
    assert_string_equal(it[1].title, "Rapat FKDM & Kesbangpol");
    assert_string_equal(it[1].published, "2023-12-05");
    assert_string_equal(it[1].summary, "Rapat koordinasi rutin");
    assert_null(it[1].guid);
    assert_string_equal(it[2].title, "Tanpa tanggal");
    assert_null(it[2].url);
    assert_null(it[2].published);
    assert_string_equal(it[2].summary, "");
}

static void test_atom(void **state)
{
    WSP_UNUSED(state);
    static const char atom[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Warta Maluku</title>"
        "<entry><title type=\"html\">Pertikaian &lt;b&gt;antarkampung&lt;/b&gt; di Maluku "
        "Tengah</title>"
        "<link rel=\"self\" href=\"https://wm.example/self/1\"/>"
        "<link rel=\"alternate\" href=\"https://wm.example/2024/01/pertikaian\"/>"
        "<id>tag:wm.example,2024:1</id>"
        "<updated>2024-01-12T09:00:00Z</updated><published>2024-01-11T23:30:00+09:00</published>"
        "<summary>Dua kampung bertikai soal batas tanah.</summary></entry>"
        "<entry><title>Kedua</title><link href=\"https://wm.example/2\"/>"
        "<updated>2024-01-13T00:00:00Z</updated>"
        "<content type=\"html\">&lt;p&gt;Isi &lt;em&gt;lengkap&lt;/em&gt;&lt;/p&gt;</content>"
        "</entry></feed>";
    struct text_feed_item *it;
    size_t n;
    struct error err = {0};
    assert_int_equal(text_parse_feed(atom, sizeof(atom) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(it[0].title, "Pertikaian antarkampung di Maluku Tengah");
    assert_string_equal(it[0].url, "https://wm.example/2024/01/pertikaian");
    assert_string_equal(it[0].published, "2024-01-11");
    assert_string_equal(it[0].summary, "Dua kampung bertikai soal batas tanah.");
    assert_string_equal(it[0].guid, "tag:wm.example,2024:1");
    assert_string_equal(it[1].url, "https://wm.example/2");
    assert_string_equal(it[1].published, "2024-01-13");
    assert_string_equal(it[1].summary, "Isi lengkap");
    assert_null(it[1].guid);
}

static void test_feed_hostile(void **state)
{
    WSP_UNUSED(state);
    struct text_feed_item *it;
    size_t n;
    struct error err = {0};
    /* entity expansion bomb: not expanded */
    static const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">"
                               "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
                               "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                               "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e "
                               "\"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                               "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g "
                               "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
                               "]><rss><channel><item><title>x&g;y</title></item></channel></rss>";
    int rc = text_parse_feed(bomb, sizeof(bomb) - 1, &arena, &it, &n, &err);
    if (rc == 0) {
        assert_int_equal(n, 1);
        assert_true(strlen(it[0].title) < 100);
    }
    /* external entity: never fetched or read */
    static const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM "
                              "\"file:///etc/passwd\">]><rss><channel><item><title>a&x;b</title>"
                              "</item></channel></rss>";
    assert_int_equal(text_parse_feed(xxe, sizeof(xxe) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].title, "ab");
    /* not a feed, empty, broken */
    assert_int_equal(text_parse_feed("<html><p>x</p></html>", 21, &arena, &it, &n, &err),
                     WSP_EINVAL);
    assert_int_equal(text_parse_feed("", 0, &arena, &it, &n, &err), WSP_EINVAL);
    assert_int_equal(text_parse_feed("\xff\xfe<", 3, &arena, &it, &n, &err), WSP_EINVAL);
    /* unclosed but recoverable */
    static const char cut[] = "<rss><channel><item><title>Potongan";
    assert_int_equal(text_parse_feed(cut, sizeof(cut) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].title, "Potongan");
}

/* Links the web app may put into href: only absolute http(s) URLs come out of a feed item or
 * a page's canonical URL; javascript:, data:, other schemes and relative links become NULL. */
static void test_url_schemes(void **state)
{
    WSP_UNUSED(state);
    static const char rss[] =
        "<rss><channel>"
        "<item><title>a</title><link>javascript:alert(1)</link><description>x</description>"
        "</item>"
        "<item><title>b</title><link> JavaScript:alert(document.cookie) </link></item>"
        "<item><title>c</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link>"
        "</item>"
        "<item><title>d</title><link>vbscript:msgbox(1)</link></item>"
        "<item><title>e</title><link>/berita/relatif</link></item>"
        "<item><title>f</title><link>HTTPS://Kabar.example/ok</link></item>"
        "<item><title>g</title><link>http://kabar.example/ok2</link></item>"
        "</channel></rss>";
    struct text_feed_item *it;
    size_t n;
    struct error err = {0};
    assert_int_equal(text_parse_feed(rss, sizeof(rss) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < 5; i++)
        if (it[i].url)
            fail_msg("item %s: url '%s' kept", it[i].title, it[i].url);
    assert_string_equal(it[0].summary, "x");
    assert_string_equal(it[5].url, "HTTPS://Kabar.example/ok");
    assert_string_equal(it[6].url, "http://kabar.example/ok2");

    static const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                               "<entry><title>a</title><link href=\"javascript:alert(1)\"/></entry>"
                               "<entry><title>b</title><link href=\"data:,x\"/></entry>"
                               "<entry><title>c</title><link href=\" \"/></entry>"
                               "<entry><title>d</title><link href=\"https://wm.example/3\"/>"
                               "</entry></feed>";
    assert_int_equal(text_parse_feed(atom, sizeof(atom) - 1, &arena, &it, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_null(it[0].url);
    assert_null(it[1].url);
    assert_null(it[2].url);
    assert_string_equal(it[3].url, "https://wm.example/3");

    /* A page's canonical URL and og:url. */
    static const char *const pages[][2] = {
        {"<link rel=\"canonical\" href=\"javascript:alert(1)\">", NULL},
        {"<meta property=\"og:url\" content=\"data:text/html;base64,PHNjcmlwdD4=\">", NULL},
        {"<meta property=\"og:url\" content=\"/relatif.html\">", NULL},
        {"<link rel=\"canonical\" href=\"https://x.example/a\">", "https://x.example/a"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(pages); i++) {
        char *html = xasprintf("<html><head><title>Judul</title>%s</head><body><p>Warga "
                               "bentrok di pasar.</p></body></html>",
                               pages[i][0]);
        struct text_doc d;
        assert_int_equal(text_from_html(res, html, strlen(html), &arena, &d, &err), 0);
        if (pages[i][1])
            assert_string_equal(d.url, pages[i][1]);
        else if (d.url)
            fail_msg("%s: url '%s' kept", pages[i][0], d.url);
        free(html);
    }
}

/* ---- threads and tuning ---------------------------------------------------------------- */

struct job {
    const char *html;
    size_t len;
    char *body;
    size_t ntok;
    char *stems;
};

static void *run_job(void *p)
{
    struct job *j = p;
    struct arena a;
    struct text_doc d;
    struct text_token *t;
    struct error err = {0};
    struct text_stemmer *st = text_stemmer_new();
    struct buf b;
    buf_init(&b, 0);
    arena_init(&a, 0);
    for (int round = 0; round < 20; round++) {
        if (text_from_html(res, j->html, j->len, &a, &d, &err) != 0 ||
            text_tokenize(res, d.body, d.body_len, &a, &t, &j->ntok, &err) != 0)
            break;
        buf_reset(&b);
        for (size_t i = 0; i < j->ntok; i++)
            if (t[i].kind == TOK_WORD)
                buf_printf(&b, "%s ", text_stem(st, t[i].lower, &a));
        free(j->body);
        j->body = xstrdup(d.body);
        arena_release(&a);
    }
    j->stems = buf_detach(&b, NULL);
    arena_release(&a);
    text_stemmer_free(st);
    return NULL;
}

/* The pipeline is pure: four threads on the same page get the same result as one. */
static void test_threads(void **state)
{
    WSP_UNUSED(state);
    struct job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){.html = news_page, .len = strlen(news_page)};
        assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_non_null(jobs[0].body);
    assert_true(jobs[0].ntok > 50);
    assert_non_null(strstr(jobs[0].stems, "sigi bentro antarwarga pecah"));
    for (int i = 1; i < 4; i++) {
        assert_string_equal(jobs[i].body, jobs[0].body);
        assert_string_equal(jobs[i].stems, jobs[0].stems);
        assert_int_equal(jobs[i].ntok, jobs[0].ntok);
    }
    for (int i = 0; i < 4; i++) {
        free(jobs[i].body);
        free(jobs[i].stems);
    }
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

/* Analysts tune the lists with --data-dir: a directory with the same layout wins. */
static void test_data_dir(void **state)
{
    WSP_UNUSED(state);
    char dir[] = "/tmp/wsp-text-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/text", dir), *lang = xasprintf("%s/lang", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(lang, 0700), 0);
    char *f1 = xasprintf("%s/slang.tsv", sub), *f2 = xasprintf("%s/numbers.tsv", sub),
         *f3 = xasprintf("%s/boilerplate.txt", sub), *f4 = xasprintf("%s/stopwords-id.txt", lang);
    write_file(f1, "# tuned\nbgs\tbagus\nkab.\tkab\n");
    write_file(f2, "dua\tunit\t2\npuluh\tmult\t10\n");
    write_file(f3, "=selesai\n");
    write_file(f4, "bagus\n");
    data_set_dir(dir);
    struct text_resources *r2 = NULL;
    struct error err = {0};
    int rc = text_resources_load(&r2, &err);
    /* a broken file is an error with its line */
    write_file(f2, "dua\tunit\n");
    struct text_resources *r3 = NULL;
    int rc3 = text_resources_load(&r3, &err);
    data_set_dir(NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(rc3, WSP_EINVAL);
    assert_null(r3);
    assert_string_equal(err.msg, "line 1 of 'text/numbers.tsv': expected word<TAB>kind<TAB>value");

    struct text_token *t;
    size_t n;
    const char *s = "bgs Kab. dua puluh";
    assert_int_equal(text_tokenize(r2, s, strlen(s), &arena, &t, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].lower, "bagus");
    assert_string_equal(t[1].lower, "kab");
    struct text_count c;
    assert_true(text_read_count(t, n, 2, &c));
    assert_int_equal(c.value, 20);
    assert_true(text_is_stopword(r2, "bagus"));
    assert_false(text_is_stopword(r2, "yang"));
    struct text_doc d;
    assert_int_equal(text_from_plain(r2, "a\nSelesai.\nBaca juga: x", 24, &arena, &d, &err), 0);
    assert_string_equal(d.body, "a\nBaca juga: x");
    text_resources_free(r2);

    unlink(f1);
    unlink(f2);
    unlink(f3);
    unlink(f4);
    rmdir(sub);
    rmdir(lang);
    rmdir(dir);
    free(f1);
    free(f2);
    free(f3);
    free(f4);
    free(sub);
    free(lang);
}

/* ---- real pages ------------------------------------------------------------------------ */

/* Saved news pages (other people's writing: read at test time, never copied here) with an
 * index.tsv of: file, outlet, language, headline, page_type, published, violent_conflict. */
#define PAGES_DEV "../shared/data/news/pages-dev"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

/* The date of a published cell: "2016-02-16", "2016-02" (a month), "crawl 2026-01-20" (the
 * page metadata agrees with the crawl date). NULL for approximations ("~2023") and empty
 * cells. A note after the date ("2025-10-21 (Selasa 21/10)") marks a dateline read from the
 * text, which the metadata may not repeat: see date_exceptions. */
static const char *cell_date(char *cell)
{
    if (strncmp(cell, "crawl ", 6) == 0)
        cell += 6;
    size_t n = strspn(cell, "0123456789-");
    if (n != 4 && n != 7 && n != 10)
        return NULL;
    cell[n] = '\0';
    return cell;
}

/* Where the index gives the dateline and the page's metadata another day. */
static const struct {
    const char *file, *published;
} date_exceptions[] = {
    /* the text says "Selasa (21/10)"; JSON-LD datePublished is 2025-10-22T06:59+07:00 */
    {"001.html", "2025-10-22"},
};

static void test_pages_dev(void **state)
{
    WSP_UNUSED(state);
    size_t tlen;
    char *tsv = slurp(PAGES_DEV "/index.tsv", &tlen);
    if (!tsv)
        skip();
    size_t articles = 0, articles_ok = 0, lists = 0, lists_ok = 0, dated = 0, dated_ok = 0;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char *col[7] = {0};
        size_t nc = 0;
        for (char *c = line; c && nc < 7; nc++) {
            col[nc] = c;
            c = strchr(c, '\t');
            if (c)
                *c++ = '\0';
        }
        assert_int_equal(nc, 7);
        char *path = xasprintf("%s/%s", PAGES_DEV, col[0]);
        size_t len;
        char *html = slurp(path, &len);
        free(path);
        assert_non_null(html);
        struct arena a;
        arena_init(&a, 0);
        struct text_doc d;
        struct error err = {0};
        assert_int_equal(text_from_html(res, html, len, &a, &d, &err), 0);
        bool article = strncmp(col[4], "article", 7) == 0;
        const char *want = NULL;
        if (article) {
            articles++;
            articles_ok += !d.not_article;
            /* a title and a body of text, no script spilled into it */
            assert_non_null(d.title);
            assert_true(d.body_len >= 150);
            assert_null(strstr(d.body, "function("));
            want = cell_date(col[5]);
            for (size_t i = 0; i < WSP_ARRAY_LEN(date_exceptions); i++)
                if (strcmp(col[0], date_exceptions[i].file) == 0)
                    want = date_exceptions[i].published;
        } else {
            lists++;
            lists_ok += d.not_article;
            /* the dates shown on a list page are its teasers', not the page's */
            assert_null(d.published);
        }
        if (want) {
            dated++;
            bool ok = d.published && strncmp(d.published, want, strlen(want)) == 0;
            dated_ok += ok;
            if (!ok)
                print_message("%s: published %s, index says %s\n", col[0],
                              d.published ? d.published : "none", want);
        }
        if (article == d.not_article)
            print_message("%s: %s taken for %s\n", col[0], col[4],
                          d.not_article ? "an index page" : "an article");
        arena_release(&a);
        free(html);
    }
    free(tsv);
    assert_int_equal(articles, 24);
    assert_int_equal(articles_ok, 24);
    assert_int_equal(lists, 7);
    assert_int_equal(lists_ok, 7);
    assert_int_equal(dated, 23);
    assert_int_equal(dated_ok, 23);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_normalize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens_kinds_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens_slang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_news, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_fallbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_index_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_articles_with_link_boxes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_hints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_page_quirks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_schemes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages_dev, setup, teardown),
    };
    return cmocka_run_group_tests_name("text", tests, group_setup, group_teardown);
}
