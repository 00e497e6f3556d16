/* Unit tests of the text module: normalization, tokens, sentences, stems, counts, HTML main
 * content, plain text and feeds. Every snippet here was written for these tests. */
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
        cmocka_unit_test_setup_teardown(test_rss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_dir, setup, teardown),
    };
    return cmocka_run_group_tests_name("text", tests, group_setup, group_teardown);
}
