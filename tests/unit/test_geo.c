/* Unit tests of the geo module: gazetteer loading, lookup, search, normalization. Expected
 * counts were taken from the CSVs with grep/awk, not from this code. */
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

#include "geo/geo.h"

static struct geo_gazetteer *gz; /* loaded once for the group */

static int group_setup(void **state)
{
    struct error err = {0};
    WSP_UNUSED(state);
    if (geo_load(&gz, &err) != 0) {
        fprintf(stderr, "geo_load: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    geo_free(gz);
    gz = NULL;
    return 0;
}

/* ---- helpers --------------------------------------------------------------------------- */

static const char *norm(const char *in)
{
    static char out[256];
    geo_normalize_name(in, strlen(in), out, sizeof(out));
    return out;
}

#define MAXR 128

struct found {
    size_t total, n;
    const struct geo_region *r[MAXR];
};

static void find(struct found *f, const char *q, enum geo_level level, const char *parent,
                 size_t offset, size_t limit)
{
    struct geo_query query = {
        .q = q, .level = level, .parent = parent, .offset = offset, .limit = limit};
    memset(f, 0, sizeof(*f));
    f->total = geo_find(gz, &query, f->r, MAXR);
    size_t avail = f->total > offset ? f->total - offset : 0;
    size_t cap = limit && limit < MAXR ? limit : MAXR;
    f->n = avail < cap ? avail : cap;
}

static const char *code_at(const struct found *f, size_t i)
{
    return i < f->n ? f->r[i]->code : "(none)";
}

/* ---- loading and lookup ---------------------------------------------------------------- */

static void test_counts(void **state)
{
    WSP_UNUSED(state);
    assert_int_equal(geo_count(gz, GEO_PROVINCE), 38);
    assert_int_equal(geo_count(gz, GEO_REGENCY), 514);
    assert_int_equal(geo_count(gz, GEO_DISTRICT), 7285);
    assert_int_equal(geo_count(gz, GEO_VILLAGE), 83762);
    assert_int_equal(geo_count(gz, 0), 38 + 514 + 7285 + 83762);
    assert_int_equal(geo_count(NULL, 0), 0);
}

static void test_get(void **state)
{
    WSP_UNUSED(state);
    const struct geo_region *p = geo_get(gz, "32");
    assert_non_null(p);
    assert_string_equal(p->name, "Jawa Barat");
    assert_string_equal(p->norm, "jawa barat");
    assert_int_equal(p->level, GEO_PROVINCE);
    assert_int_equal(p->kind, GEO_KIND_NONE);
    assert_null(p->parent);

    const struct geo_region *r = geo_get(gz, "32.73");
    assert_non_null(r);
    assert_string_equal(r->code, "32.73");
    assert_string_equal(r->name, "Kota Bandung");
    assert_string_equal(r->norm, "bandung");
    assert_int_equal(r->level, GEO_REGENCY);
    assert_int_equal(r->kind, GEO_KIND_KOTA);
    assert_ptr_equal(r->parent, p);

    const struct geo_region *k = geo_get(gz, "32.04");
    assert_string_equal(k->name, "Kabupaten Bandung");
    assert_int_equal(k->kind, GEO_KIND_KABUPATEN);
    assert_string_equal(geo_get(gz, "31.71")->norm, "administrasi jakarta pusat");
    assert_int_equal(geo_get(gz, "31.71")->kind, GEO_KIND_KOTA);
    assert_string_equal(geo_get(gz, "71.74")->norm, "kotamobagu");

    const struct geo_region *d = geo_get(gz, "32.73.01");
    assert_string_equal(d->name, "Sukasari");
    assert_int_equal(d->level, GEO_DISTRICT);
    assert_int_equal(d->kind, GEO_KIND_NONE);
    assert_ptr_equal(d->parent, r);

    const struct geo_region *v = geo_get(gz, "32.73.01.1001");
    assert_string_equal(v->name, "Sukarasa");
    assert_int_equal(v->level, GEO_VILLAGE);
    assert_ptr_equal(v->parent, d);

    /* quoted CSV fields with commas and doubled quotes */
    assert_string_equal(geo_get(gz, "12.07.28.1007")->name, "Lubuk Pakam I,II");
    assert_string_equal(geo_get(gz, "12.07.28.1007")->norm, "lubuk pakam i ii");
    assert_string_equal(geo_get(gz, "35.29.22")->name, "Ra\"as");
    assert_string_equal(geo_get(gz, "35.29.22")->norm, "raas");
    assert_string_equal(geo_get(gz, "53.07.01.2021")->norm, "regapuu"); /* Regapu’u */
    /* a district whose name starts with "Kota" */
    assert_string_equal(geo_get(gz, "15.71.07")->name, "Kota Baru");
    assert_string_equal(geo_get(gz, "15.71.07")->norm, "baru");

    assert_null(geo_get(gz, "99"));
    assert_null(geo_get(gz, "32.99"));
    assert_null(geo_get(gz, "32.73.01.9999"));
    assert_null(geo_get(gz, "3273"));
    assert_null(geo_get(gz, ""));
    assert_null(geo_get(gz, NULL));
    assert_null(geo_get(NULL, "32"));

    assert_string_equal(geo_at(gz, GEO_PROVINCE, 0)->code, "11");
    assert_string_equal(geo_at(gz, GEO_PROVINCE, 37)->code, "96");
    assert_null(geo_at(gz, GEO_PROVINCE, 38));
    assert_string_equal(geo_at(gz, GEO_REGENCY, 0)->code, "11.01");
    assert_string_equal(geo_at(gz, GEO_VILLAGE, 0)->code, "11.01.01.2001");
    assert_string_equal(geo_at(gz, 0, 38)->code, "11.01");
    assert_null(geo_at(gz, 0, geo_count(gz, 0)));
}

static void test_parent_chain(void **state)
{
    WSP_UNUSED(state);
    const struct geo_region *v = geo_get(gz, "32.73.01.1001");
    assert_string_equal(geo_ancestor(v, GEO_VILLAGE)->code, "32.73.01.1001");
    assert_string_equal(geo_ancestor(v, GEO_DISTRICT)->code, "32.73.01");
    assert_string_equal(geo_ancestor(v, GEO_REGENCY)->code, "32.73");
    assert_string_equal(geo_ancestor(v, GEO_PROVINCE)->code, "32");
    assert_null(geo_ancestor(geo_get(gz, "32.73"), GEO_DISTRICT));
    assert_null(geo_ancestor(v, 0));
    assert_null(geo_ancestor(NULL, GEO_PROVINCE));

    char buf[256];
    geo_format_chain(geo_get(gz, "32.73"), buf, sizeof(buf));
    assert_string_equal(buf, "Kota Bandung, Jawa Barat");
    geo_format_chain(v, buf, sizeof(buf));
    assert_string_equal(buf, "Sukarasa, Sukasari, Kota Bandung, Jawa Barat");
    geo_format_chain(geo_get(gz, "32"), buf, sizeof(buf));
    assert_string_equal(buf, "Jawa Barat");
    geo_format_chain(NULL, buf, sizeof(buf));
    assert_string_equal(buf, "");
    geo_format_chain(geo_get(gz, "32.73"), buf, 10);
    assert_string_equal(buf, "Kota Band");
    geo_format_chain(geo_get(gz, "32.73"), buf, 1);
    assert_string_equal(buf, "");
}

/* Invariants over every region: hierarchy by code, lookups agree, norm is the normalizer's. */
static void test_invariants(void **state)
{
    WSP_UNUSED(state);
    size_t n = geo_count(gz, 0), kab = 0, kota = 0;
    const struct geo_region *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct geo_region *r = geo_at(gz, 0, i);
        assert_true(geo_code_valid(r->code));
        assert_ptr_equal(geo_get(gz, r->code), r);
        assert_string_equal(r->norm, norm(r->name));
        assert_true(r->norm[0] != '\0');
        if (r->level == GEO_PROVINCE) {
            assert_null(r->parent);
        } else {
            size_t plen = strlen(r->parent->code);
            assert_int_equal(r->parent->level, r->level - 1);
            assert_memory_equal(r->code, r->parent->code, plen);
            assert_int_equal(r->code[plen], '.');
        }
        if (r->level == GEO_REGENCY) {
            kab += r->kind == GEO_KIND_KABUPATEN;
            kota += r->kind == GEO_KIND_KOTA;
        } else {
            assert_int_equal(r->kind, GEO_KIND_NONE);
        }
        if (prev && prev->level == r->level)
            assert_true(strcmp(prev->code, r->code) < 0);
        else if (prev)
            assert_int_equal(r->level, prev->level + 1);
        prev = r;
    }
    assert_int_equal(kab + kota, 514);
    assert_int_equal(kota, 98); /* grep -c ',Kota ' regencies.csv */
}

/* ---- search ---------------------------------------------------------------------------- */

static void test_find_bandung(void **state)
{
    WSP_UNUSED(state);
    struct found f;
    find(&f, "bandung", 0, NULL, 0, 0);
    /* 19 exact (2 regencies, 2 districts, 15 villages), 41 prefix, 34 whole-word */
    assert_int_equal(f.total, 94);
    assert_int_equal(f.n, 94);
    /* provinces and regencies first (exact, then prefix), then districts and villages */
    assert_string_equal(code_at(&f, 0), "32.04");
    assert_string_equal(code_at(&f, 1), "32.73");
    assert_string_equal(code_at(&f, 2), "32.17"); /* Kabupaten Bandung Barat: prefix */
    assert_string_equal(code_at(&f, 3), "35.04.17");
    assert_string_equal(code_at(&f, 4), "36.04.34");
    assert_string_equal(code_at(&f, 5), "33.05.12.2019");
    assert_string_equal(code_at(&f, 19), "36.04.34.2001");
    /* local prefix rank: districts, then villages */
    assert_string_equal(code_at(&f, 20), "32.73.09");
    assert_string_equal(code_at(&f, 21), "32.73.15");
    assert_string_equal(code_at(&f, 22), "32.73.21");
    assert_string_equal(code_at(&f, 23), "33.22.20"); /* Bandungan */
    assert_string_equal(code_at(&f, 24), "11.16.01.2035");
    /* whole-word containment: Sumur Bandung (district) leads the last rank */
    assert_string_equal(code_at(&f, 60), "32.73.19");
    assert_string_equal(code_at(&f, 93), "61.11.03.2002");
    for (size_t i = 0; i < 20; i++)
        if (i != 2)
            assert_string_equal(f.r[i]->norm, "bandung");
    for (size_t i = 20; i < 60; i++)
        assert_true(strncmp(f.r[i]->norm, "bandung", 7) == 0 && f.r[i]->norm[7] != '\0');

    /* case and punctuation do not matter */
    struct found g;
    find(&g, "  BANDUNG!! ", 0, NULL, 0, 0);
    assert_int_equal(g.total, 94);
    assert_memory_equal(g.r, f.r, 94 * sizeof(f.r[0]));
}

static void test_find_prefix_words(void **state)
{
    WSP_UNUSED(state);
    struct found f;
    find(&f, "Kota Bandung", 0, NULL, 0, 0);
    assert_int_equal(f.total, 94);
    assert_string_equal(code_at(&f, 0), "32.73");
    assert_string_equal(code_at(&f, 1), "32.04");
    find(&f, "Kab. Bandung", 0, NULL, 0, 0);
    assert_string_equal(code_at(&f, 0), "32.04");
    assert_string_equal(code_at(&f, 1), "32.73");
    find(&f, "kabupaten bandung", 0, NULL, 0, 0);
    assert_string_equal(code_at(&f, 0), "32.04");
    find(&f, "Kab Bandung Barat", 0, NULL, 0, 0);
    assert_string_equal(code_at(&f, 0), "32.17");
    find(&f, "Provinsi Jawa Barat", 0, NULL, 0, 0);
    assert_int_equal(f.total, 1);
    assert_string_equal(code_at(&f, 0), "32");
    /* "Kota" belongs to the district's name: Kota Baru districts before villages named Baru */
    find(&f, "Kota Baru", GEO_DISTRICT, NULL, 0, 0);
    assert_string_equal(code_at(&f, 0), "15.71.07");
    /* "Kota" must not eat the start of Kotamobagu */
    find(&f, "Kotamobagu", 0, NULL, 0, 0);
    assert_int_equal(f.total, 6); /* the city, a village, 4 districts "Kotamobagu ..." */
    assert_string_equal(code_at(&f, 0), "71.74");
    assert_string_equal(code_at(&f, 1), "71.74.04.1005");
    assert_string_equal(code_at(&f, 2), "71.74.01");
    find(&f, "Kota Kotamobagu", 0, NULL, 0, 0);
    assert_string_equal(code_at(&f, 0), "71.74");
    /* a query that is only a prefix word is a name: the villages called "Kota" */
    find(&f, "Kota", GEO_VILLAGE, NULL, 0, 0);
    assert_true(f.total >= 1);
    assert_string_equal(f.r[0]->name, "Kota");
}

static void test_find_aliases(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *q, *first;
    } cases[] = {
        {"Jabar", "32"},
        {"jateng", "33"},
        {"JATIM", "35"},
        {"dki", "31"},
        {"DKI Jakarta", "31"},
        {"Jakarta", "31"},
        {"DIY", "34"},
        {"D.I. Yogyakarta", "34"},
        {"Jogja", "34"},
        {"Yogyakarta", "34"},
        {"NTB", "52"},
        {"NTT", "53"},
        {"NAD", "11"},
        {"Sumut", "12"},
        {"Sumbar", "13"},
        {"Sumsel", "16"},
        {"Babel", "19"},
        {"Kepri", "21"},
        {"Kalbar", "61"},
        {"Kalteng", "62"},
        {"Kalsel", "63"},
        {"Kaltim", "64"},
        {"Kaltara", "65"},
        {"Sulut", "71"},
        {"Sulteng", "72"},
        {"Sulsel", "73"},
        {"Sultra", "74"},
        {"Sulbar", "76"},
        {"Malut", "82"},
        {"Pabar", "92"},
        {"Papteng", "94"},
        {"Papua Barat Daya", "96"},
        {"West Java", "32"},
        {"Jaksel", "31.74"},
        {"Jakarta Pusat", "31.71"},
        {"Kota Jakarta Timur", "31.75"},
        {"Tangsel", "36.74"},
        {"Kota Jogja", "34.71"},
    };
    struct found f;
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        find(&f, cases[i].q, 0, NULL, 0, 0);
        if (f.n == 0 || strcmp(f.r[0]->code, cases[i].first) != 0)
            fail_msg("query '%s': first '%s', expected '%s'", cases[i].q, code_at(&f, 0),
                     cases[i].first);
    }
    find(&f, "dki", 0, NULL, 0, 0);
    assert_int_equal(f.total, 1);
    find(&f, "Jogja", 0, NULL, 0, 0); /* the province, the city, the village Jogja (Aceh) */
    assert_int_equal(f.total, 4);
    assert_string_equal(code_at(&f, 1), "34.71");
    assert_string_equal(code_at(&f, 2), "11.15.01.2004");
    assert_string_equal(code_at(&f, 3), "17.03.06.2006"); /* Jogja Baru: prefix */
    find(&f, "Jabar", 0, NULL, 0, 0); /* the alias, then the village Jabaran (prefix) */
    assert_int_equal(f.total, 2);
    assert_string_equal(code_at(&f, 1), "35.15.12.2013");
}

static void test_find_filters(void **state)
{
    WSP_UNUSED(state);
    struct found f;
    find(&f, "bandung", GEO_DISTRICT, NULL, 0, 0);
    assert_int_equal(f.total, 7);
    assert_string_equal(code_at(&f, 0), "35.04.17");
    assert_string_equal(code_at(&f, 1), "36.04.34");
    assert_string_equal(code_at(&f, 2), "32.73.09");
    assert_string_equal(code_at(&f, 5), "33.22.20");
    assert_string_equal(code_at(&f, 6), "32.73.19");

    static const char *const in32[] = {"32.04",    "32.73",    "32.17",   "32.73.09",
                                       "32.73.15", "32.73.21", "32.73.19"};
    find(&f, "bandung", 0, "32", 0, 0);
    assert_int_equal(f.total, WSP_ARRAY_LEN(in32));
    for (size_t i = 0; i < WSP_ARRAY_LEN(in32); i++)
        assert_string_equal(code_at(&f, i), in32[i]);
    find(&f, "bandung", 0, "32.73", 0, 0); /* the parent itself is under its own code */
    assert_int_equal(f.total, 5);
    assert_string_equal(code_at(&f, 0), "32.73");
    find(&f, "bandung", GEO_REGENCY, "32", 0, 0);
    assert_int_equal(f.total, 3);
    find(&f, "bandung", 0, "3", 0, 0); /* whole segments only */
    assert_int_equal(f.total, 0);
    find(&f, "bandung", 0, "320", 0, 0);
    assert_int_equal(f.total, 0);
    find(&f, "bandung", 0, "", 0, 0); /* empty parent = anywhere */
    assert_int_equal(f.total, 94);
}

static void test_find_pagination(void **state)
{
    WSP_UNUSED(state);
    struct found f;
    find(&f, "bandung", 0, NULL, 1, 2);
    assert_int_equal(f.total, 94);
    assert_int_equal(f.n, 2);
    assert_string_equal(code_at(&f, 0), "32.73");
    assert_string_equal(code_at(&f, 1), "32.17");
    find(&f, "bandung", 0, NULL, 93, 10);
    assert_int_equal(f.total, 94);
    assert_int_equal(f.n, 1);
    assert_string_equal(code_at(&f, 0), "61.11.03.2002");
    find(&f, "bandung", 0, NULL, 94, 10);
    assert_int_equal(f.total, 94);
    assert_int_equal(f.n, 0);

    /* max caps what is stored when smaller than limit; out NULL counts only */
    const struct geo_region *out[3] = {NULL, NULL, NULL};
    struct geo_query q = {.q = "bandung", .limit = 10};
    assert_int_equal(geo_find(gz, &q, out, 2), 94);
    assert_string_equal(out[1]->code, "32.73");
    assert_null(out[2]);
    assert_int_equal(geo_find(gz, &q, NULL, 0), 94);
    assert_int_equal(geo_find(NULL, &q, out, 2), 0);
    assert_int_equal(geo_find(gz, NULL, out, 2), 0);
}

static void test_find_empty_query(void **state)
{
    WSP_UNUSED(state);
    struct found f;
    find(&f, "", GEO_PROVINCE, NULL, 0, 0);
    assert_int_equal(f.total, 38);
    assert_string_equal(code_at(&f, 0), "11");
    assert_string_equal(code_at(&f, 37), "96");
    find(&f, NULL, GEO_PROVINCE, NULL, 37, 5);
    assert_int_equal(f.total, 38);
    assert_int_equal(f.n, 1);
    assert_string_equal(code_at(&f, 0), "96");

    find(&f, NULL, 0, NULL, 0, 3);
    assert_int_equal(f.total, 91599);
    assert_string_equal(code_at(&f, 0), "11");

    /* under 32: itself, 27 regencies, 627 districts, 5957 villages; by level, then code */
    find(&f, "", 0, "32", 0, 3);
    assert_int_equal(f.total, 1 + 27 + 627 + 5957);
    assert_string_equal(code_at(&f, 0), "32");
    assert_string_equal(code_at(&f, 1), "32.01");
    assert_string_equal(code_at(&f, 2), "32.02");
    find(&f, "", 0, "32", 28, 1);
    assert_string_equal(code_at(&f, 0), "32.01.01");

    find(&f, "", GEO_DISTRICT, "32.73", 0, 0);
    assert_int_equal(f.total, 30);
    assert_string_equal(code_at(&f, 0), "32.73.01");
    find(&f, "", GEO_VILLAGE, "32.73", 0, 0);
    assert_int_equal(f.total, 151);
    find(&f, "", 0, "32.73.01.1001", 0, 0);
    assert_int_equal(f.total, 1);
    find(&f, "", 0, "320", 0, 0);
    assert_int_equal(f.total, 0);
    find(&f, "", 0, "99", 0, 0);
    assert_int_equal(f.total, 0);

    /* a query of punctuation only matches nothing */
    find(&f, "!!! ...", 0, NULL, 0, 0);
    assert_int_equal(f.total, 0);
}

struct thread_arg {
    const char *q;
    const struct geo_region *expect[MAXR];
    size_t total;
    int bad;
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    for (int k = 0; k < 200; k++) {
        const struct geo_region *out[MAXR];
        struct geo_query q = {.q = a->q};
        size_t total = geo_find(gz, &q, out, MAXR);
        size_t n = total < MAXR ? total : MAXR;
        if (total != a->total || memcmp(out, a->expect, n * sizeof(out[0])) != 0)
            a->bad++;
    }
    return NULL;
}

/* Lookups share the gazetteer with no locks. */
static void test_find_threads(void **state)
{
    WSP_UNUSED(state);
    static const char *const qs[] = {"bandung", "Kota Baru", "Jabar", "sukamaju"};
    struct thread_arg args[WSP_ARRAY_LEN(qs)];
    pthread_t th[WSP_ARRAY_LEN(qs)];
    for (size_t i = 0; i < WSP_ARRAY_LEN(qs); i++) {
        struct geo_query q = {.q = qs[i]};
        memset(&args[i], 0, sizeof(args[i]));
        args[i].q = qs[i];
        args[i].total = geo_find(gz, &q, args[i].expect, MAXR);
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
    }
    for (size_t i = 0; i < WSP_ARRAY_LEN(qs); i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].bad, 0);
    }
}

/* ---- normalization --------------------------------------------------------------------- */

static void test_normalize_examples(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Kab. Bandung Barat", "bandung barat"},
        {"KOTA  Bandung!", "bandung"},
        {"Provinsi D.I. Yogyakarta", "di yogyakarta"},
        {"Kabupaten Bandung", "bandung"},
        {"Kab Bandung", "bandung"},
        {"Kab.Bandung", "bandung"},
        {"Prov. Jawa Barat", "jawa barat"},
        {"Kecamatan Coblong", "coblong"},
        {"Kec. Coblong", "coblong"},
        {"Desa Sukamaju", "sukamaju"},
        {"Ds. Sukamaju", "sukamaju"},
        {"Kelurahan Cihapit", "cihapit"},
        {"Kel. Cihapit", "cihapit"},
        {"Kota Kotamobagu", "kotamobagu"},
        {"Kotamobagu", "kotamobagu"},
        {"Kota", "kota"}, /* a name that is just a prefix word stays */
        {"Kab.", "kab"},
        {"Kabupaten Kota", "kota"},       /* the last one stays */
        {"Kabupaten Kota Baru", "baru"},  /* all leading prefixes go: idempotent */
        {"Bandung Kota", "bandung kota"}, /* only leading words are prefixes */
        {"Ra\"as", "raas"},
        {"Regapu\xe2\x80\x99u", "regapuu"}, /* right single quotation mark */
        {"Jum'at", "jumat"},
        {"Lubuk Pakam I,II", "lubuk pakam i ii"},
        {"Toli-Toli", "toli toli"},
        {"\xc3\x89ire \xc3\x91"
         "and\xc3\xba",
         "eire nandu"}, /* Éire Ñandú */
        {"Stra\xc3\x9f"
         "e",
         "strasse"}, /* Straße */
        {"\xef\xac\x81"
         "ji",
         "fiji"}, /* U+FB01 ligature */
        {"Bandung\xc2\xa0"
         "Barat",
         "bandung barat"},                    /* no-break space */
        {"Soft\xc2\xadhyphen", "softhyphen"}, /* ignorable */
        {"\t Jawa\n\nBarat \r\n", "jawa barat"},
        {"", ""},
        {"   ", ""},
        {"!?.,;", ""},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        const char *got = norm(cases[i].in);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("normalize '%s': got '%s', expected '%s'", cases[i].in, got, cases[i].out);
        /* idempotent */
        char again[256];
        size_t n = geo_normalize_name(got, strlen(got), again, sizeof(again));
        assert_int_equal(n, strlen(got));
        assert_string_equal(again, got);
    }
    char out[16];
    assert_int_equal(geo_normalize_name("Kota Bandung", 12, out, sizeof(out)), 7);
    /* inlen is honoured, NUL bytes are separators */
    assert_int_equal(geo_normalize_name("Bandung Barat", 7, out, sizeof(out)), 7);
    assert_string_equal(out, "bandung");
    assert_int_equal(geo_normalize_name("ab\0cd", 5, out, sizeof(out)), 5);
    assert_string_equal(out, "ab cd");
    assert_int_equal(geo_normalize_name(NULL, 0, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void test_normalize_invalid_utf8(void **state)
{
    WSP_UNUSED(state);
    char out[64];
    static const char in1[] = "Band\xffung \xc3";
    assert_int_equal(geo_normalize_name(in1, sizeof(in1) - 1, out, sizeof(out)), 7);
    assert_string_equal(out, "bandung");
    static const char in2[] = "\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xfe";
    assert_int_equal(geo_normalize_name(in2, sizeof(in2) - 1, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    static const char in3[] = "Caf\xc3\xa9\x80 Kopi"; /* stray continuation byte */
    assert_int_equal(geo_normalize_name(in3, sizeof(in3) - 1, out, sizeof(out)), 9);
    assert_string_equal(out, "cafe kopi");
    assert_true(utf8_valid(out, strlen(out)));
}

static void test_normalize_truncation(void **state)
{
    WSP_UNUSED(state);
    char out[8];
    memset(out, 'x', sizeof(out));
    assert_int_equal(geo_normalize_name("Kota Bandung", 12, out, 5), 4);
    assert_string_equal(out, "band");
    assert_int_equal(out[5], 'x'); /* nothing written past outsz */
    /* never a trailing space */
    assert_int_equal(geo_normalize_name("ab cd", 5, out, 4), 2);
    assert_string_equal(out, "ab");
    /* a 2-byte character that does not fit is left out whole */
    static const char lodz[] = "\xc5\x81odz"; /* Łodz: ł has no decomposition */
    assert_int_equal(geo_normalize_name(lodz, sizeof(lodz) - 1, out, 2), 0);
    assert_string_equal(out, "");
    assert_int_equal(geo_normalize_name(lodz, sizeof(lodz) - 1, out, 3), 2);
    assert_string_equal(out, "\xc5\x82");
    assert_int_equal(geo_normalize_name(lodz, sizeof(lodz) - 1, out, 4), 3);
    assert_string_equal(out, "\xc5\x82o");
    assert_int_equal(geo_normalize_name("Bandung", 7, out, 1), 0);
    assert_string_equal(out, "");
    out[0] = 'x';
    assert_int_equal(geo_normalize_name("Bandung", 7, out, 0), 0);
    assert_int_equal(out[0], 'x');

    /* a long input is cut, the cut is a prefix of the full result */
    char big[4096], full[8192], cut[100];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = "Kab. \xc3\x89ire "[i % 12];
    size_t nf = geo_normalize_name(big, sizeof(big), full, sizeof(full));
    size_t nc = geo_normalize_name(big, sizeof(big), cut, sizeof(cut));
    assert_true(nc < sizeof(cut) && nc + 5 >= sizeof(cut) - 1);
    assert_true(nf > nc);
    assert_memory_equal(full, cut, nc);
    assert_true(utf8_valid(cut, nc));
}

/* ---- small things ---------------------------------------------------------------------- */

static void test_code_valid(void **state)
{
    WSP_UNUSED(state);
    assert_true(geo_code_valid("32"));
    assert_true(geo_code_valid("32.73"));
    assert_true(geo_code_valid("32.73.01"));
    assert_true(geo_code_valid("32.73.01.1001"));
    assert_true(geo_code_valid("99.99.99.9999")); /* shape only */
    static const char *const bad[] = {
        NULL,
        "",
        "3",
        "320",
        "32.",
        "32.7",
        "32.730",
        "32.73.",
        "32.73.1",
        "32.73.01.100",
        "32.73.01.10010",
        "32.73.01.1001.",
        "32-73",
        "3a",
        "32.73.01.01",
        "32.73.01.1001.1",
        " 32",
        "32 ",
        "+32",
        "32..73",
        "٣٢",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++)
        if (geo_code_valid(bad[i]))
            fail_msg("'%s' should not be a valid code", bad[i] ? bad[i] : "(null)");
}

static void test_level_names(void **state)
{
    WSP_UNUSED(state);
    assert_string_equal(geo_level_name(GEO_PROVINCE), "province");
    assert_string_equal(geo_level_name(GEO_REGENCY), "regency");
    assert_string_equal(geo_level_name(GEO_DISTRICT), "district");
    assert_string_equal(geo_level_name(GEO_VILLAGE), "village");
    assert_string_equal(geo_level_name(0), "unknown");
    assert_string_equal(geo_level_name(9), "unknown");
    for (int l = GEO_PROVINCE; l <= GEO_VILLAGE; l++)
        assert_int_equal(geo_parse_level(geo_level_name(l)), l);
    assert_int_equal(geo_parse_level("kecamatan"), GEO_DISTRICT);
    assert_int_equal(geo_parse_level("desa"), GEO_VILLAGE);
    assert_int_equal(geo_parse_level("Province"), 0);
    assert_int_equal(geo_parse_level(""), 0);
    assert_int_equal(geo_parse_level("unknown"), 0);
    assert_int_equal(geo_parse_level(NULL), 0);
}

/* ---- load errors, from a data directory of small files --------------------------------- */

static char fixture_dir[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define GOOD_PROV "code,name\n32,Jawa Barat\n33,Jawa Tengah\n"
#define GOOD_REG "code,province_code,name\n32.73,32,Kota Bandung\n33.01,33,Kabupaten Cilacap\n"
#define GOOD_DIST "code,regency_code,name\n32.73.01,32.73,Sukasari\n"
#define GOOD_VIL "code,district_code,name\n32.73.01.1001,32.73.01,\"Suka, \"\"rasa\"\"\"\n"
#define GOOD_ALIAS "code,alias\n32,Jabar\n"

static void write_fixture(const char *prov, const char *reg, const char *dist, const char *vil,
                          const char *alias)
{
    write_file("wilayah/provinces.csv", prov);
    write_file("wilayah/regencies.csv", reg);
    write_file("wilayah/districts.csv", dist);
    write_file("wilayah/villages.csv", vil);
    write_file("geo/region-aliases.csv", alias);
}

static void expect_load_error(const char *msg)
{
    struct geo_gazetteer *g = (struct geo_gazetteer *)1;
    struct error err = {0};
    int rc = geo_load(&g, &err);
    assert_int_not_equal(rc, 0);
    assert_int_equal(err.code, rc);
    assert_null(g);
    if (strcmp(err.msg, msg) != 0)
        fail_msg("error '%s', expected '%s'", err.msg, msg);
}

static void test_load_errors(void **state)
{
    WSP_UNUSED(state);
    char sub[128];
    snprintf(fixture_dir, sizeof(fixture_dir), "/tmp/wsp-geo-test-XXXXXX");
    assert_non_null(mkdtemp(fixture_dir));
    snprintf(sub, sizeof(sub), "%s/wilayah", fixture_dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/geo", fixture_dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    data_set_dir(fixture_dir);

    /* the good fixture loads */
    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST, GOOD_VIL, GOOD_ALIAS);
    struct geo_gazetteer *g;
    struct error err = {0};
    assert_int_equal(geo_load(&g, &err), 0);
    assert_int_equal(geo_count(g, 0), 6);
    assert_string_equal(geo_get(g, "32.73.01.1001")->name, "Suka, \"rasa\"");
    assert_string_equal(geo_get(g, "32.73.01.1001")->norm, "suka rasa");
    const struct geo_region *out[4];
    struct geo_query q = {.q = "jabar"};
    assert_int_equal(geo_find(g, &q, out, 4), 1);
    assert_string_equal(out[0]->code, "32");
    geo_free(g);

    write_fixture(GOOD_PROV, "code,province_code,name\n32.73,32,Kota Bandung\n99.01,99,Kota X\n",
                  GOOD_DIST, GOOD_VIL, GOOD_ALIAS);
    expect_load_error("wilayah/regencies.csv line 3: unknown province '99'");

    write_fixture(GOOD_PROV, "code,province_code,name\n32.73,32,Kota Bandung\n32.74,33,Kota X\n",
                  GOOD_DIST, GOOD_VIL, GOOD_ALIAS);
    expect_load_error("wilayah/regencies.csv line 3: code '32.74' is not under its parent '33'");

    write_fixture("code,name\n33,Jawa Tengah\n32,Jawa Barat\n", GOOD_REG, GOOD_DIST, GOOD_VIL,
                  GOOD_ALIAS);
    expect_load_error("wilayah/provinces.csv line 3: code '32' is a duplicate or out of order");

    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST, GOOD_VIL, "code,alias\n32,Jabar\n32.99,X\n");
    expect_load_error("geo/region-aliases.csv line 3: unknown region '32.99'");

    write_fixture("kode,nama\n32,Jawa Barat\n", GOOD_REG, GOOD_DIST, GOOD_VIL, GOOD_ALIAS);
    expect_load_error("wilayah/provinces.csv line 1: bad header field 'kode', expected 'code'");

    write_fixture(GOOD_PROV, "code,province_code,name\n32.73,32,Bandung\n", GOOD_DIST, GOOD_VIL,
                  GOOD_ALIAS);
    expect_load_error("wilayah/regencies.csv line 2: regency name 'Bandung' starts with "
                      "neither Kabupaten nor Kota");

    write_fixture(GOOD_PROV, GOOD_REG, "code,regency_code,name\n32.73.01,32.73\n", GOOD_VIL,
                  GOOD_ALIAS);
    expect_load_error("wilayah/districts.csv line 2: 2 fields, expected 3");

    write_fixture(GOOD_PROV, GOOD_REG, "code,regency_code,name\n32.73.1,32.73,Sukasari\n", GOOD_VIL,
                  GOOD_ALIAS);
    expect_load_error("wilayah/districts.csv line 2: bad district code '32.73.1'");

    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST,
                  "code,district_code,name\n32.73.01.1001,32.73.01,\"Sukarasa\n", GOOD_ALIAS);
    expect_load_error("wilayah/villages.csv line 2: malformed CSV: error parsing data while "
                      "strict checking enabled");

    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST,
                  "code,district_code,name\n32.73.01.1001,32.73.01,\xff\xfe\n", GOOD_ALIAS);
    expect_load_error("wilayah/villages.csv line 2: name is not valid UTF-8");

    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST, "", GOOD_ALIAS);
    expect_load_error("wilayah/villages.csv: empty file");

    char path[256];
    snprintf(path, sizeof(path), "%s/geo/region-aliases.csv", fixture_dir);
    unlink(path);
    write_fixture(GOOD_PROV, GOOD_REG, GOOD_DIST, GOOD_VIL, GOOD_ALIAS);
    unlink(path);
    struct geo_gazetteer *g2;
    assert_int_equal(geo_load(&g2, &err), WSP_ENOTFOUND);
    assert_null(g2);

    data_set_dir(NULL);
    static const char *const files[] = {"wilayah/provinces.csv", "wilayah/regencies.csv",
                                        "wilayah/districts.csv", "wilayah/villages.csv"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", fixture_dir, files[i]);
        unlink(path);
    }
    snprintf(sub, sizeof(sub), "%s/wilayah", fixture_dir);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/geo", fixture_dir);
    rmdir(sub);
    rmdir(fixture_dir);
}

/* Centroids of provinces and regencies from the boundary files; none below a regency. */
static void test_centroids(void **state)
{
    (void)state;
    double lat = 0, lng = 0;
    assert_true(geo_centroid("32.73", &lat, &lng)); /* Kota Bandung */
    assert_true(lat > -7.0 && lat < -6.8 && lng > 107.5 && lng < 107.8);
    assert_true(geo_centroid("32", &lat, &lng)); /* Jawa Barat */
    assert_true(lat > -7.5 && lat < -6.0 && lng > 106.0 && lng < 109.0);
    assert_true(geo_centroid("91.01", &lat, &lng) || geo_centroid("94.01", &lat, &lng));
    assert_true(lng > 130); /* Papua is east */
    assert_false(geo_centroid("32.73.01", &lat, &lng));
    assert_false(geo_centroid("99", &lat, &lng));
    assert_false(geo_centroid(NULL, &lat, &lng));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_parent_chain),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_find_bandung),
        cmocka_unit_test(test_find_prefix_words),
        cmocka_unit_test(test_find_aliases),
        cmocka_unit_test(test_find_filters),
        cmocka_unit_test(test_find_pagination),
        cmocka_unit_test(test_find_empty_query),
        cmocka_unit_test(test_find_threads),
        cmocka_unit_test(test_normalize_examples),
        cmocka_unit_test(test_normalize_invalid_utf8),
        cmocka_unit_test(test_normalize_truncation),
        cmocka_unit_test(test_code_valid),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_centroids),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
