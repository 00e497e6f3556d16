/*
 * Integration tests of article roles and follow-ups: `waspada ingest` against a small
 * libmicrohttpd server inside this test (RSS feeds with pubDate, article pages, an index page),
 * a real SQLite database in a temp dir, and the real `waspada serve` for the events and cases
 * API. Texts are our own, in Indonesian.
 *
 *  (a) violence abroad and personal crime: stored as articles, no event;
 *  (b) a home/index page of violent-sounding headlines: an article, no event;
 *  (c) a clash, then its follow-ups: a victim's funeral five days later joins the event's
 *      timeline without changing it; a reconciliation proposes phase pemulihan, shown on the
 *      event and on a case opened from it, and accepted by an officer; a trial in another
 *      province and one 91 days later stay articles only.
 *
 * Tests run in order and build on each other.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"
#include "../support/api_call.h"

#define DEMO_PASSWORD "waspada-demo"

static char *tmpdir;
static char *db_path;
static struct support_server server;
static bool server_running;
static struct MHD_Daemon *feed_daemon;
static unsigned feed_port;
static json_int_t garut_id, case_id;

/* ---- the articles ----------------------------------------------------------------------- */

struct page {
    const char *path;
    const char *title;
    const char *pub_date; /* RFC 822, for the feed */
    const char *text;
};

/* (a) violence abroad and personal crime. */
static const struct page abroad_crime[] = {
    {"/luar/perang-suku-enga.html", "Perang Suku di Provinsi Enga, Papua Nugini, Tewaskan 20 Orang",
     "Mon, 19 Feb 2024 09:00:00 +0700",
     "Port Moresby - Sedikitnya 20 orang tewas dalam perang suku di Provinsi Enga, Papua Nugini, "
     "Minggu (18/2/2024). Dua kelompok suku saling serang dengan senapan dan parang di dekat kota "
     "Wabag. Polisi Papua Nugini mengatakan jenazah para korban ditemukan di pinggir jalan dan di "
     "semak-semak. Perdana Menteri Papua Nugini James Marape mengirim tambahan pasukan ke Enga "
     "untuk menghentikan pertikaian antarsuku itu."},
    {"/luar/kerusuhan-paris.html",
     "Kerusuhan di Paris, Prancis: Massa Bakar Mobil dan Serang Polisi",
     "Wed, 28 Jun 2023 07:30:00 +0700",
     "Paris - Kerusuhan pecah di pinggiran kota Paris, Prancis, Selasa (27/6/2023) malam, setelah "
     "seorang remaja tewas ditembak polisi dalam pemeriksaan lalu lintas. Ratusan orang membakar "
     "mobil, merusak toko dan melempari polisi dengan batu dan petasan. Sebanyak 150 orang "
     "ditangkap dan puluhan polisi luka-luka, kata Menteri Dalam Negeri Prancis Gerald Darmanin."},
    {"/daerah/kukar-bunuh-kakak.html", "Pria di Kutai Kartanegara Bunuh Kakak Kandung karena Utang",
     "Thu, 07 Mar 2024 10:15:00 +0700",
     "Tenggarong - Seorang pria berinisial AS (35) membunuh kakak kandungnya sendiri di Desa Loa "
     "Kulu Kota, Kecamatan Loa Kulu, Kabupaten Kutai Kartanegara, Kalimantan Timur, Rabu "
     "(6/3/2024). Pelaku menikam korban dengan pisau dapur setelah keduanya cekcok soal utang "
     "sebesar Rp 5 juta. Korban tewas di tempat kejadian. Pelaku kemudian menyerahkan diri ke "
     "Polsek Loa Kulu. Kapolsek mengatakan motif pembunuhan itu adalah masalah utang piutang "
     "dalam keluarga."},
    {"/daerah/ayah-aniaya-anak.html", "Ayah di Bekasi Aniaya Dua Anak Kandungnya",
     "Tue, 05 Mar 2024 08:00:00 +0700",
     "Bekasi - Seorang ayah berinisial RH (41) ditangkap polisi karena menganiaya dua anak "
     "kandungnya yang berusia 7 dan 9 tahun di rumah mereka di Kecamatan Tambun Selatan, "
     "Kabupaten Bekasi, Jawa Barat, Senin (4/3/2024). Kedua anak mengalami luka memar di wajah "
     "dan punggung. Kasus kekerasan dalam rumah tangga itu terungkap setelah tetangga melapor ke "
     "polisi. Pelaku dijerat dengan Undang-Undang Perlindungan Anak."},
};

/* (c) a clash in Garut and the news after it, in the order a feed lists them. */
enum { GARUT_CLASH, GARUT_FUNERAL, SUMBAWA_TRIAL, GARUT_LATE_TRIAL, GARUT_PEACE, NEWS };
static const struct page news[NEWS] = {
    [GARUT_CLASH] = {"/berita/bentrok-cikajang.html",
                     "Bentrok Warga Dua Desa di Cikajang Garut, Tiga Orang Luka",
                     "Sun, 07 Mar 2021 08:00:00 +0700",
                     "Garut - Warga Desa Cikandang dan warga Desa Mekarjaya di Kecamatan Cikajang, "
                     "Kabupaten Garut, Jawa Barat, terlibat bentrok pada Sabtu (6/3/2021) sore. "
                     "Bentrokan dipicu sengketa batas desa yang sudah lama tidak selesai. Kedua "
                     "kelompok warga saling serang dengan batu dan senjata tajam. Tiga warga "
                     "luka-luka dan dua rumah rusak dibakar massa. Polres Garut menambah personel "
                     "untuk berjaga di perbatasan kedua desa."},
    /* five days later: a victim's funeral (the event's own figures stay as reported) */
    [GARUT_FUNERAL] = {"/berita/korban-bentrok-cikajang-dimakamkan.html",
                       "Korban Bentrok Antarwarga di Cikajang Garut Dimakamkan",
                       "Thu, 11 Mar 2021 16:00:00 +0700",
                       "Garut - Jenazah Ujang (45), warga Desa Mekarjaya yang menjadi korban "
                       "bentrok antarwarga di Kecamatan Cikajang, Kabupaten Garut, dimakamkan di "
                       "tempat pemakaman umum desa setempat, Kamis (11/3/2021), setelah empat hari "
                       "dirawat di rumah sakit. Keluarga meminta polisi mengusut tuntas kasus itu. "
                       "Bupati Garut yang hadir di pemakaman meminta warga kedua desa menahan "
                       "diri."},
    /* a trial in another province, where no event is stored */
    [SUMBAWA_TRIAL] =
        {"/berita/sidang-bentrok-sumbawa.html",
         "Sidang Kasus Bentrok Antarkampung di Sumbawa Digelar", "Fri, 12 Mar 2021 10:00:00 +0700",
         "Sumbawa Besar - Pengadilan Negeri Sumbawa Besar menggelar sidang perdana "
         "kasus bentrok antarkampung di Kecamatan Moyo Hilir, Kabupaten Sumbawa, Nusa "
         "Tenggara Barat, Kamis (11/3/2021). Tiga terdakwa didakwa melakukan "
         "kekerasan bersama-sama terhadap orang. Sidang dilanjutkan pekan depan "
         "dengan mendengarkan keterangan saksi."},
    /* the Garut trial, 91 days after the clash: past the 60-day window */
    [GARUT_LATE_TRIAL] = {"/berita/sidang-bentrok-cikajang.html",
                          "Sidang Kasus Bentrok Antarwarga Cikajang Garut Digelar",
                          "Sat, 05 Jun 2021 09:00:00 +0700",
                          "Garut - Pengadilan Negeri Garut menggelar sidang perdana kasus bentrok "
                          "antarwarga Desa Cikandang dan Desa Mekarjaya di Kecamatan Cikajang, "
                          "Kabupaten Garut, Jumat (4/6/2021). Empat terdakwa didakwa melakukan "
                          "kekerasan bersama-sama terhadap orang. Sidang dilanjutkan pekan depan "
                          "dengan mendengarkan keterangan saksi."},
    [GARUT_PEACE] = {"/berita/dua-desa-cikajang-sepakat-berdamai.html",
                     "Dua Desa yang Bentrok di Cikajang Garut Sepakat Berdamai",
                     "Sat, 20 Mar 2021 08:00:00 +0700",
                     "Garut - Warga Desa Cikandang dan warga Desa Mekarjaya di Kecamatan Cikajang, "
                     "Kabupaten Garut, yang sempat bentrok awal Maret lalu, sepakat berdamai. "
                     "Ikrar damai dibacakan tokoh masyarakat kedua desa di Pendopo Kabupaten "
                     "Garut, Jumat (19/3/2021), disaksikan Bupati Garut, Kapolres dan Dandim. "
                     "Kedua pihak sepakat menyelesaikan sengketa batas desa lewat musyawarah dan "
                     "tidak saling menyerang lagi."},
};

/* (b) a regional portal's home page: headlines only, no article. */
static const char index_html[] =
    "<!DOCTYPE html><html lang=\"id\"><head><title>Kabar Nusantara - Berita Terkini Hari "
    "Ini</title></head><body>"
    "<header><a href=\"/\">Kabar Nusantara</a><nav><a href=\"/nasional\">Nasional</a> "
    "<a href=\"/daerah\">Daerah</a> <a href=\"/hukum\">Hukum</a> <a "
    "href=\"/olahraga\">Olahraga</a> "
    "<a href=\"/indeks\">Indeks</a></nav></header><main><h2>Berita Terkini</h2><ul>"
    "<li><a href=\"/daerah/1\">Bentrok Warga Dua Desa di Maluku Tengah, 3 Orang Tewas</a></li>"
    "<li><a href=\"/daerah/2\">Tawuran Pelajar di Jakarta Timur, Satu Siswa Luka Bacok</a></li>"
    "<li><a href=\"/daerah/3\">Kerusuhan Usai Pilkada, Kantor KPU Dibakar Massa</a></li>"
    "<li><a href=\"/daerah/4\">KKB Tembak Warga Sipil di Intan Jaya</a></li>"
    "<li><a href=\"/daerah/5\">Massa Serang Polsek, Lima Polisi Terluka</a></li>"
    "<li><a href=\"/daerah/6\">Rumah Warga Dibakar dalam Sengketa Lahan Sawit</a></li>"
    "<li><a href=\"/daerah/7\">Dua Kelompok Pemuda Saling Serang di Makassar</a></li>"
    "<li><a href=\"/daerah/8\">Pencuri Motor Tewas Dihakimi Massa</a></li>"
    "<li><a href=\"/daerah/9\">Bentrok Ormas di Bekasi, Belasan Orang Diamankan</a></li>"
    "<li><a href=\"/daerah/10\">Rumah Ibadah Dirusak Sekelompok Orang Tak Dikenal</a></li>"
    "<li><a href=\"/daerah/11\">Demo Tolak Tambang Berujung Ricuh</a></li>"
    "<li><a href=\"/daerah/12\">Tawuran Antarkampung Pecah Lagi di Kota Medan</a></li>"
    "<li><a href=\"/daerah/13\">Warga Adat dan Perusahaan Bentrok, Enam Terluka</a></li>"
    "<li><a href=\"/daerah/14\">Suporter Sepak Bola Rusak Fasilitas Stadion</a></li>"
    "<li><a href=\"/daerah/15\">Perang Antarsuku di Mimika, Dua Orang Tewas Terkena Panah</a></li>"
    "<li><a href=\"/daerah/16\">Aksi Pembakaran Pos Polisi di Wamena</a></li>"
    "<li><a href=\"/daerah/17\">Bentrokan Dua Perguruan Silat di Jember</a></li>"
    "<li><a href=\"/daerah/18\">Kantor Bupati Diserang Massa Pendukung Calon Kalah</a></li>"
    "</ul><h2>Terpopuler</h2><ol>"
    "<li><a href=\"/hukum/1\">Polisi Buru Pelaku Pembacokan di Pasar</a></li>"
    "<li><a href=\"/hukum/2\">Ricuh Eksekusi Lahan, Warga Hadang Petugas</a></li>"
    "<li><a href=\"/hukum/3\">Tiga Rumah Rusak Akibat Amuk Massa</a></li>"
    "<li><a href=\"/hukum/4\">Geng Motor Serang Warung, Pemilik Luka Parah</a></li>"
    "</ol></main><footer>&copy; 2024 Kabar Nusantara. Redaksi | Pedoman Media Siber | "
    "Kontak</footer></body></html>";

/* ---- the feed server -------------------------------------------------------------------- */

static char *page_html(const struct page *p)
{
    return xasprintf("<!DOCTYPE html><html lang=\"id\"><head><title>%s</title></head><body>"
                     "<nav><a href=\"/\">Beranda</a> | <a href=\"/daerah\">Daerah</a></nav>"
                     "<article><h1>%s</h1><p>%s</p></article>"
                     "<div class=\"share\">Bagikan: Facebook Twitter</div></body></html>",
                     p->title, p->title, p->text);
}

static char *rss(const struct page *pages, size_t n)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
               "<title>Kabar Nusantara</title><link>http://127.0.0.1:%u/</link>",
               feed_port);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b,
                   "<item><title>%s</title><link>http://127.0.0.1:%u%s</link><guid>%s</guid>"
                   "<pubDate>%s</pubDate><description>%s</description></item>",
                   pages[i].title, feed_port, pages[i].path, pages[i].path, pages[i].pub_date,
                   pages[i].title);
    buf_puts(&b, "</channel></rss>");
    char *s = xstrdup(buf_cstr(&b));
    buf_release(&b);
    return s;
}

static const struct page *find_page(const char *url)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(abroad_crime); i++)
        if (str_eq(url, abroad_crime[i].path))
            return &abroad_crime[i];
    for (size_t i = 0; i < NEWS; i++)
        if (str_eq(url, news[i].path))
            return &news[i];
    return NULL;
}

static enum MHD_Result feed_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    WSP_UNUSED(cls);
    WSP_UNUSED(method);
    WSP_UNUSED(version);
    WSP_UNUSED(upload_data);
    WSP_UNUSED(upload_data_size);
    WSP_UNUSED(con_cls);
    unsigned status = MHD_HTTP_OK;
    const char *type = "text/html; charset=utf-8";
    char *body;
    const struct page *p;
    if (str_eq(url, "/luar-dan-kriminal.xml")) {
        type = "application/rss+xml; charset=utf-8";
        body = rss(abroad_crime, WSP_ARRAY_LEN(abroad_crime));
    } else if (str_eq(url, "/garut.xml")) {
        type = "application/rss+xml; charset=utf-8";
        body = rss(news, NEWS);
    } else if (str_eq(url, "/")) {
        body = xstrdup(index_html);
    } else if ((p = find_page(url)) != NULL) {
        body = page_html(p);
    } else {
        status = MHD_HTTP_NOT_FOUND;
        body = xstrdup("tidak ada");
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static int feed_server_start(void)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    feed_daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, feed_handler, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_END);
    if (!feed_daemon)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(feed_daemon, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t len = sizeof(got);
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&got, &len) != 0)
        return -1;
    feed_port = ntohs(got.sin_port);
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static int run(struct support_run *r, const char *stdin_text, const char *const args[])
{
    const char *full[32] = {"--db", db_path};
    size_t n = 2;
    for (size_t i = 0; args[i] && n + 1 < WSP_ARRAY_LEN(full); i++)
        full[n++] = args[i];
    full[n] = NULL;
    return support_run(r, stdin_text, full);
}

static void cli_ok(const char *const args[])
{
    struct support_run r;
    if (run(&r, NULL, args) != 0)
        fail_msg("%s %s: exit %d: %s", args[0], args[1] ? args[1] : "", r.status, r.err);
    support_run_free(&r);
}

/* `waspada ingest --json ARGS`: the summary. */
static json_t *ingest(const char *const args[])
{
    const char *full[16] = {"ingest", "--json", "--threads", "2"};
    size_t n = 4;
    for (size_t i = 0; args[i] && n + 1 < WSP_ARRAY_LEN(full); i++)
        full[n++] = args[i];
    full[n] = NULL;
    struct support_run r;
    run(&r, NULL, full);
    if (r.status != 0)
        fail_msg("ingest: exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
    json_t *v = json_loads(r.out, 0, NULL);
    if (!v)
        fail_msg("ingest summary is not JSON: %s", r.out);
    support_run_free(&r);
    return v;
}

/* Poll exactly one feed: add it, ingest --feeds, remove it. */
static json_t *ingest_feed(const char *path)
{
    char *url = xasprintf("http://127.0.0.1:%u%s", feed_port, path);
    const char *add[] = {"feed", "add", url, NULL};
    cli_ok(add);
    const char *feeds[] = {"--feeds", NULL};
    json_t *s = ingest(feeds);
    const char *rm[] = {"feed", "remove", url, NULL};
    cli_ok(rm);
    free(url);
    return s;
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", key);
    return json_string_value(v);
}

static void expect_summary(json_t *s, json_int_t nw, json_int_t events, json_int_t non_events)
{
    char *text = json_dumps(s, JSON_COMPACT);
    if (jint(s, "new") != nw || jint(s, "events_new") != events || jint(s, "events_merged") != 0 ||
        jint(s, "non_events") != non_events || jint(s, "errors") != 0)
        fail_msg("summary %s: want new %lld, events %lld, merged 0, non-events %lld, errors 0",
                 text, (long long)nw, (long long)events, (long long)non_events);
    free(text);
    json_decref(s);
}

/* One integer from the database (read-only, beside the writers). */
static long long db_int(const char *fmt, ...) WSP_PRINTF(1, 2);

static long long db_int(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = NULL;
    if (vasprintf(&sql, fmt, ap) < 0)
        sql = NULL;
    va_end(ap);
    assert_non_null(sql);
    long long v = (long long)testdb_int(db_path, sql);
    free(sql);
    return v;
}

/* The role stored for the article fetched from path ("" when none, "?" when no article). */
static const char *role_of(const char *path)
{
    static char out[32];
    char *url = xasprintf("http://127.0.0.1:%u%s", feed_port, path);
    /* the url is ours (loopback and a fixed path): no quote to escape */
    char *sql = xasprintf("SELECT COALESCE(role, '') FROM articles WHERE url = '%s'", url);
    char *role = testdb_text(db_path, sql);
    str_copy(out, str_eq(role, "(no row)") ? "?" : role, sizeof(out));
    free(role);
    free(sql);
    free(url);
    return out;
}

static json_t *api(struct support_http *c, const char *method, const char *path, const char *body,
                   const char *csrf, long expect_status)
{
    return support_api_call(c, method, path, body, csrf, expect_status, NULL);
}

static void login(struct support_http *c, const char *user, char *csrf)
{
    support_api_login(c, server.base_url, user, DEMO_PASSWORD, csrf);
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"init", "--demo-accounts", NULL};
    if (run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    if (feed_server_start() != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", NULL};
    int rc = support_server_start(&server, db_path, extra, log);
    free(log);
    server_running = rc == 0;
    return rc;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    int rc = 0;
    if (server_running && support_server_stop(&server) != 0)
        rc = -1;
    if (feed_daemon)
        MHD_stop_daemon(feed_daemon);
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- (a) abroad and personal crime -------------------------------------------------------- */

static void test_abroad_and_crime_store_no_event(void **state)
{
    WSP_UNUSED(state);
    expect_summary(ingest_feed("/luar-dan-kriminal.xml"), 4, 0, 4);
    assert_int_equal(db_int("SELECT COUNT(*) FROM events"), 0);
    /* Every item is an article with its publication date and its role. */
    assert_int_equal(db_int("SELECT COUNT(*) FROM articles WHERE published IS NOT NULL"), 4);
    assert_string_equal(role_of(abroad_crime[0].path), "abroad");
    assert_string_equal(role_of(abroad_crime[1].path), "abroad");
    assert_string_equal(role_of(abroad_crime[2].path), "crime");
    assert_string_equal(role_of(abroad_crime[3].path), "crime");
    assert_int_equal(db_int("SELECT COUNT(*) FROM articles WHERE published = '2024-02-19'"), 1);
}

/* ---- (b) an index page -------------------------------------------------------------------- */

static void test_index_page_stores_no_event(void **state)
{
    WSP_UNUSED(state);
    char *url = xasprintf("http://127.0.0.1:%u/", feed_port);
    const char *args[] = {url, NULL};
    expect_summary(ingest(args), 1, 0, 1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM events"), 0);
    assert_string_equal(role_of("/"), "not_article");
    free(url);
}

/* ---- (c) an event and its follow-ups ------------------------------------------------------ */

static void test_followups_join_their_event(void **state)
{
    WSP_UNUSED(state);
    json_t *summary = ingest_feed("/garut.xml");
    garut_id = db_int("SELECT es.event_id FROM event_sources es JOIN articles a"
                      " ON a.id = es.article_id WHERE a.url LIKE '%%%s'",
                      news[GARUT_CLASH].path);
    /* One event (the clash); four follow-ups, two of which find it. */
    expect_summary(summary, NEWS, 1, NEWS - 1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM events"), 1);
    for (size_t i = GARUT_FUNERAL; i < NEWS; i++)
        assert_string_equal(role_of(news[i].path), "followup");
    assert_string_equal(role_of(news[GARUT_CLASH].path), "event");

    struct support_http c;
    login(&c, "jabar", NULL);
    json_t *list = api(&c, "GET", "/api/v1/events?region=32.05", NULL, NULL, 200);
    assert_int_equal(jint(list, "total"), 1);
    assert_int_equal(jint(json_array_get(json_object_get(list, "items"), 0), "id"), garut_id);
    json_decref(list);

    char *path = xasprintf("/api/v1/events/%lld", (long long)garut_id);
    json_t *v = api(&c, "GET", path, NULL, NULL, 200);
    /* The follow-ups never changed the event: one source, the clash's own figures. */
    assert_int_equal(jint(v, "source_count"), 1);
    assert_int_equal(json_array_size(json_object_get(v, "sources")), 1);
    assert_string_equal(jstr(v, "event_date"), "2021-03-06");
    assert_int_equal(jint(v, "injured"), 3);
    assert_string_equal(jstr(v, "status"), "menunggu");
    assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'event.merge'"), 0);

    /* The funeral (5 days later) and the peace (14 days later) are on its timeline. */
    json_t *fu = json_object_get(v, "followups");
    assert_int_equal(json_array_size(fu), 2);
    json_t *funeral = json_array_get(fu, 0), *peace = json_array_get(fu, 1);
    assert_string_equal(jstr(funeral, "title"), news[GARUT_FUNERAL].title);
    assert_string_equal(jstr(funeral, "date"), "2021-03-11");
    assert_string_equal(jstr(funeral, "role"), "followup");
    assert_non_null(strstr(jstr(funeral, "url"), news[GARUT_FUNERAL].path));
    assert_false(json_is_true(json_object_get(funeral, "reconciliation")));
    assert_non_null(strstr(jstr(funeral, "why"), "same regency, 5 days after"));
    assert_string_equal(jstr(peace, "title"), news[GARUT_PEACE].title);
    assert_string_equal(jstr(peace, "date"), "2021-03-20");
    assert_true(json_is_true(json_object_get(peace, "reconciliation")));
    assert_non_null(strstr(jstr(peace, "note"), "damai"));
    json_t *tl = json_object_get(v, "timeline");
    assert_int_equal(json_array_size(tl), 3);
    assert_string_equal(jstr(json_array_get(tl, 0), "kind"), "source");
    assert_string_equal(jstr(json_array_get(tl, 0), "date"), "2021-03-07");
    assert_string_equal(jstr(json_array_get(tl, 1), "kind"), "followup");
    assert_string_equal(jstr(json_array_get(tl, 1), "title"), news[GARUT_FUNERAL].title);
    assert_string_equal(jstr(json_array_get(tl, 2), "title"), news[GARUT_PEACE].title);

    /* The reconciliation proposes pemulihan; with no case yet it waits on the event. */
    json_t *p = json_object_get(v, "proposal");
    assert_true(json_is_object(p));
    assert_string_equal(jstr(p, "phase"), "pemulihan");
    assert_string_equal(jstr(p, "state"), "open");
    assert_string_equal(jstr(p, "proposed_by"), "ingest");
    assert_string_equal(jstr(p, "article_title"), news[GARUT_PEACE].title);
    assert_non_null(strstr(jstr(p, "note"), "pemulihan"));
    json_decref(v);
    free(path);
    support_http_cleanup(&c);
    assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.add'"
                            " AND username = 'ingest'"),
                     1);

    /* The other province's trial and the one 91 days later are articles only. */
    assert_int_equal(db_int("SELECT COUNT(*) FROM event_followups"), 2);
    assert_int_equal(db_int("SELECT COUNT(*) FROM event_sources"), 1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM articles a WHERE a.role = 'followup' AND"
                            " NOT EXISTS (SELECT 1 FROM event_followups f"
                            " WHERE f.article_id = a.id)"),
                     2);
}

static void test_proposal_on_case(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    char csrf[65];
    login(&c, "jabar", csrf);
    /* A case opened from the event shows its follow-ups and the waiting proposal. */
    char *body = xasprintf("{\"title\":\"Bentrok batas desa Cikandang - Mekarjaya\","
                           "\"region\":\"32.05\",\"issue\":\"sumber_daya\",\"status\":\"aktif\","
                           "\"origin\":\"event\",\"event_id\":%lld}",
                           (long long)garut_id);
    json_t *v = api(&c, "POST", "/api/v1/cases", body, csrf, 201);
    free(body);
    json_t *cs = json_object_get(v, "case");
    case_id = jint(cs, "id");
    assert_string_equal(jstr(cs, "proposed_phase"), "pemulihan");
    assert_int_equal(json_array_size(json_object_get(cs, "event_followups")), 2);
    json_t *p = json_object_get(cs, "proposal");
    assert_string_equal(jstr(p, "phase"), "pemulihan");
    json_int_t pid = jint(p, "id");
    json_decref(v);
    char *path = xasprintf("/api/v1/cases/%lld", (long long)case_id);

    /* Nothing moved by itself. */
    v = api(&c, "GET", path, NULL, NULL, 200);
    assert_string_equal(jstr(json_object_get(v, "case"), "status"), "aktif");
    json_decref(v);
    /* A decision is alone in its request, names an open proposal, and says accept or dismiss. */
    json_decref(api(&c, "PATCH", path, "{\"proposal\":\"accept\",\"title\":\"x\"}", csrf, 400));
    json_decref(api(&c, "PATCH", path, "{\"proposal\":\"ya\"}", csrf, 400));
    json_decref(
        api(&c, "PATCH", path, "{\"proposal\":\"accept\",\"proposal_id\":999999}", csrf, 409));
    json_decref(api(&c, "PATCH", path, "{\"proposal\":\"accept\"}", NULL, 403)); /* CSRF */
    support_http_cleanup(&c);
    /* Another city's operator may not decide it. */
    login(&c, "bandung", csrf);
    json_decref(api(&c, "PATCH", path, "{\"proposal\":\"accept\"}", csrf, 403));
    support_http_cleanup(&c);

    login(&c, "jabar", csrf);
    body = xasprintf("{\"proposal\":\"accept\",\"proposal_id\":%lld,"
                     "\"proposal_note\":\"ikrar damai dikonfirmasi Kesbangpol\"}",
                     (long long)pid);
    v = api(&c, "PATCH", path, body, csrf, 200);
    free(body);
    cs = json_object_get(v, "case");
    assert_string_equal(jstr(cs, "status"), "pemulihan");
    assert_true(json_is_null(json_object_get(cs, "proposal")));
    assert_true(json_is_null(json_object_get(cs, "proposed_phase")));
    json_decref(v);
    /* Decided: nothing left to accept. */
    json_decref(api(&c, "PATCH", path, "{\"proposal\":\"dismiss\"}", csrf, 409));
    /* The event no longer shows an open proposal; its figures are still the clash's. */
    char *epath = xasprintf("/api/v1/events/%lld", (long long)garut_id);
    v = api(&c, "GET", epath, NULL, NULL, 200);
    assert_true(json_is_null(json_object_get(v, "proposal")));
    assert_int_equal(jint(v, "source_count"), 1);
    assert_int_equal(jint(v, "injured"), 3);
    json_decref(v);
    free(epath);
    support_http_cleanup(&c);

    /* Audited: the case move and the decision, by the officer. */
    assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.accept'"
                            " AND username = 'jabar' AND object_id = '%lld'",
                            (long long)case_id),
                     1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'case.update'"
                            " AND object_id = '%lld' AND after_json LIKE '%%pemulihan%%'",
                            (long long)case_id),
                     1);
    free(path);
}

/* Ingesting the same feed again changes nothing: no second proposal, no second link. */
static void test_again_is_idempotent(void **state)
{
    WSP_UNUSED(state);
    json_t *s = ingest_feed("/garut.xml");
    assert_int_equal(jint(s, "new"), 0);
    assert_int_equal(jint(s, "events_new"), 0);
    json_decref(s);
    assert_int_equal(db_int("SELECT COUNT(*) FROM event_followups"), 2);
    assert_int_equal(db_int("SELECT COUNT(*) FROM phase_proposals"), 1);
}

static void test_shutdown(void **state)
{
    WSP_UNUSED(state);
    assert_true(server_running);
    server_running = false;
    assert_int_equal(support_server_stop(&server), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abroad_and_crime_store_no_event),
        cmocka_unit_test(test_index_page_stores_no_event),
        cmocka_unit_test(test_followups_join_their_event),
        cmocka_unit_test(test_proposal_on_case),
        cmocka_unit_test(test_again_is_idempotent),
        cmocka_unit_test(test_shutdown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
