/*
 * Integration tests of ingest and the events API: a fresh database from `waspada init
 * --demo-accounts`, `waspada ingest` on our own short Indonesian articles (tests/fixtures/ingest),
 * the real `waspada serve` on a loopback port, and a small libmicrohttpd server inside this test
 * that serves an RSS feed (with ETag / 304), article pages, a missing page and a flaky page.
 *
 * Demo accounts: admin, pusat (national), jabar (provinsi 32), bandung (kabkota 32.73),
 * pelapor (pelapor 32.73); added here: semarang (kabkota 33.74), warga (pelapor 32.73).
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
#define FIXTURES "tests/fixtures/ingest"

static char *tmpdir;
static char *db_path;
static struct support_server server;
static bool server_running;
static json_int_t cibiru_id, semarang_id, report_event_id, anon_event_id;

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *api(struct support_http *c, const char *method, const char *path, const char *body,
                   const char *csrf, long expect_status)
{
    return support_api_call(c, method, path, body, csrf, expect_status, NULL);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return json_integer_value(v);
}

static void login(struct support_http *c, const char *user, const char *password, char *csrf)
{
    support_api_login(c, server.base_url, user, password, csrf);
}

static int run(struct support_run *r, const char *stdin_text, const char *const args[])
{
    const char *full[32] = {"--db", db_path};
    size_t n = 2;
    for (size_t i = 0; args[i] && n + 1 < WSP_ARRAY_LEN(full); i++)
        full[n++] = args[i];
    full[n] = NULL;
    return support_run(r, stdin_text, full);
}

/* Run `waspada ingest ... --json` and parse its summary. */
static json_t *ingest(const char *const args[], int expect_status, char **err_out)
{
    const char *full[16] = {"ingest", "--json", "--threads", "2"};
    size_t n = 4;
    for (size_t i = 0; args[i] && n + 1 < WSP_ARRAY_LEN(full); i++)
        full[n++] = args[i];
    full[n] = NULL;
    struct support_run r;
    run(&r, NULL, full);
    if (r.status != expect_status)
        fail_msg("ingest: expected exit %d, got %d\nstdout: %s\nstderr: %s", expect_status,
                 r.status, r.out, r.err);
    json_t *v = json_loads(r.out, 0, NULL);
    if (!v)
        fail_msg("ingest summary is not JSON: %s", r.out);
    if (err_out)
        *err_out = xstrdup(r.err ? r.err : "");
    support_run_free(&r);
    return v;
}

static void expect_counts(json_t *s, json_int_t read, json_int_t nw, json_int_t dup,
                          json_int_t ev_new, json_int_t ev_merged, json_int_t errors)
{
    char *text = json_dumps(s, JSON_COMPACT);
    if (jint(s, "read") != read || jint(s, "new") != nw || jint(s, "duplicates") != dup ||
        jint(s, "events_new") != ev_new || jint(s, "events_merged") != ev_merged ||
        jint(s, "errors") != errors)
        fail_msg("summary %s: want read %lld new %lld dup %lld events %lld merged %lld errors %lld",
                 text, (long long)read, (long long)nw, (long long)dup, (long long)ev_new,
                 (long long)ev_merged, (long long)errors);
    free(text);
}

/* Ids of GET path (as user) in order, "1,2,3", and the total. */
static const char *event_ids(struct support_http *c, const char *path, json_int_t *total)
{
    static char out[512];
    json_t *v = api(c, "GET", path, NULL, NULL, 200);
    out[0] = '\0';
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(v, "items"), i, it)
    {
        size_t len = strlen(out);
        snprintf(out + len, sizeof(out) - len, "%s%lld", i ? "," : "", (long long)jint(it, "id"));
    }
    if (total)
        *total = jint(v, "total");
    json_decref(v);
    return out;
}

/* ---- a tiny feed server ----------------------------------------------------------------- */

struct feed_server {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int rss_requests, rss_304, flaky_requests, item_requests;
    char last_ua[128];
};

static struct feed_server fs;

static const char item1_html[] =
    "<!DOCTYPE html><html><head><title>Warga Dua Desa Bentrok di Garut</title>"
    "<meta property=\"og:url\" content=\"/item1.html\"></head><body>"
    "<nav><a href=\"/\">Beranda</a> | <a href=\"/daerah\">Daerah</a></nav>"
    "<article><h1>Warga Dua Desa Bentrok di Garut</h1>"
    "<p>Garut - Warga dua desa di Kecamatan Cikajang, Kabupaten Garut, Jawa Barat, terlibat "
    "bentrok pada Sabtu (6/3/2021) sore. Bentrokan dipicu sengketa batas desa yang sudah lama "
    "tidak selesai.</p><p>Tiga warga luka-luka akibat lemparan batu dan sebuah rumah rusak. "
    "Polisi menambah personel untuk berjaga di perbatasan kedua desa.</p>"
    "<p>Baca juga: Harga cabai naik menjelang Ramadan</p></article>"
    "<div class=\"share\">Bagikan: Facebook Twitter</div></body></html>";

static const char flaky_html[] =
    "<html><head><title>Perkelahian Kelompok Pemuda di Tasikmalaya</title></head><body>"
    "<article><p>Tasikmalaya - Dua kelompok pemuda terlibat perkelahian massal di Kecamatan "
    "Cihideung, Kota Tasikmalaya, Jawa Barat, Minggu (7/3/2021) dini hari. Seorang pemuda "
    "tewas dan dua lainnya luka berat terkena senjata tajam. Polres Tasikmalaya Kota menangkap "
    "enam orang.</p></article></body></html>";

static const char canon_html[] =
    "<!DOCTYPE html><html><head><title>Bentrok Warga di Pontianak Barat</title>"
    "<link rel=\"canonical\" href=\"javascript:alert(3)\">"
    "<meta property=\"og:url\" content=\"data:text/html,x\"></head><body>"
    "<article><h1>Bentrok Warga di Pontianak Barat</h1>"
    "<p>Pontianak - Dua kelompok warga terlibat bentrok di Kecamatan Pontianak Barat, Kota "
    "Pontianak, Kalimantan Barat, Minggu (11/4/2021) malam. Empat orang luka-luka terkena "
    "senjata tajam dan dua sepeda motor dibakar.</p><p>Polisi menangkap tujuh orang dan "
    "masih berjaga di lokasi.</p></article></body></html>";

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
    const char *ua = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
    pthread_mutex_lock(&fs.mu);
    str_copy(fs.last_ua, ua ? ua : "", sizeof(fs.last_ua));
    pthread_mutex_unlock(&fs.mu);
    unsigned status = MHD_HTTP_OK;
    char *body = NULL;
    const char *type = "text/html; charset=utf-8";
    bool etag = false;
    if (str_eq(url, "/rss.xml")) {
        const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
        pthread_mutex_lock(&fs.mu);
        fs.rss_requests++;
        bool fresh = inm && str_eq(inm, "\"feed-v1\"");
        if (fresh)
            fs.rss_304++;
        pthread_mutex_unlock(&fs.mu);
        etag = true;
        if (fresh) {
            status = MHD_HTTP_NOT_MODIFIED;
            body = xstrdup("");
        } else {
            type = "application/rss+xml; charset=utf-8";
            body = xasprintf(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                "<title>Kabar Priangan</title><link>http://127.0.0.1:%u/</link>"
                "<item><title>Warga Dua Desa Bentrok di Garut</title>"
                "<link>http://127.0.0.1:%u/item1.html</link><guid>item-1</guid>"
                "<pubDate>Sun, 07 Mar 2021 08:00:00 +0700</pubDate>"
                "<description>Warga dua desa di Cikajang bentrok.</description></item>"
                "<item><title>Sengketa Tapal Batas Picu Pembakaran Pos Ronda di Sumedang</title>"
                "<link>http://127.0.0.1:%u/hilang.html</link><guid>item-2</guid>"
                "<pubDate>Mon, 08 Mar 2021 09:00:00 +0700</pubDate>"
                "<description>Sumedang - Massa dari dua desa di Kecamatan Tanjungsari, "
                "Kabupaten Sumedang, Jawa Barat, membakar pos ronda dan merusak dua rumah "
                "dalam bentrok sengketa tapal batas, Minggu (7/3/2021) malam. Lima orang "
                "luka-luka.</description></item>"
                "</channel></rss>",
                fs.port, fs.port, fs.port);
        }
    } else if (str_eq(url, "/evil.xml")) {
        /* Items whose links are not web URLs, and one whose page names a javascript:
         * canonical URL (issue 10). */
        type = "application/rss+xml; charset=utf-8";
        body = xasprintf(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
            "<title>Kabar Jahil</title><link>http://127.0.0.1:%u/</link>"
            "<item><title>Bentrok Pemuda di Padang Timur</title>"
            "<link>javascript:alert(document.cookie)</link><guid>evil-1</guid>"
            "<pubDate>Sat, 10 Apr 2021 08:00:00 +0700</pubDate>"
            "<description>Padang - Dua kelompok pemuda terlibat bentrok di Kecamatan Padang "
            "Timur, Kota Padang, Sumatera Barat, Jumat (9/4/2021) malam. Tiga orang luka-luka "
            "terkena lemparan batu dan polisi mengamankan lima orang.</description></item>"
            "<item><title>Tawuran Warga di Kota Kupang</title>"
            "<link>data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==</link>"
            "<guid>evil-2</guid><pubDate>Sun, 11 Apr 2021 08:00:00 +0800</pubDate>"
            "<description>Kupang - Warga dua kelurahan di Kecamatan Oebobo, Kota Kupang, Nusa "
            "Tenggara Timur, terlibat tawuran pada Sabtu (10/4/2021) malam. Dua orang luka berat "
            "dan satu rumah dibakar massa.</description></item>"
            "<item><title>Bentrok Warga di Pontianak Barat</title>"
            "<link>http://127.0.0.1:%u/canon.html</link><guid>evil-3</guid>"
            "<pubDate>Mon, 12 Apr 2021 08:00:00 +0700</pubDate>"
            "<description>Pontianak - bentrok.</description></item>"
            "</channel></rss>",
            fs.port, fs.port);
    } else if (str_eq(url, "/canon.html")) {
        body = xstrdup(canon_html);
    } else if (str_eq(url, "/item1.html")) {
        pthread_mutex_lock(&fs.mu);
        fs.item_requests++;
        pthread_mutex_unlock(&fs.mu);
        body = xstrdup(item1_html);
    } else if (str_eq(url, "/flaky.html")) {
        pthread_mutex_lock(&fs.mu);
        int n = ++fs.flaky_requests;
        pthread_mutex_unlock(&fs.mu);
        if (n == 1) {
            status = MHD_HTTP_SERVICE_UNAVAILABLE;
            body = xstrdup("sibuk");
        } else {
            body = xstrdup(flaky_html);
        }
    } else {
        status = MHD_HTTP_NOT_FOUND;
        body = xstrdup("tidak ada");
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", type);
    if (etag)
        MHD_add_response_header(resp, "ETag", "\"feed-v1\"");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static int feed_server_start(void)
{
    pthread_mutex_init(&fs.mu, NULL);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fs.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, feed_handler, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_END);
    if (!fs.d)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(fs.d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in got;
    socklen_t len = sizeof(got);
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&got, &len) != 0)
        return -1;
    fs.port = ntohs(got.sin_port);
    return 0;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int add_cli_user(const char *name, const char *role, const char *region,
                        const char *full_name, const char *password)
{
    struct support_run r;
    const char *args[] = {"user",     "add",  "--username", name,      "--role",           role,
                          "--region", region, "--name",     full_name, "--password-stdin", NULL};
    char *pw = xasprintf("%s\n", password);
    int rc = run(&r, pw, args);
    free(pw);
    if (rc != 0)
        fprintf(stderr, "user add %s failed (%d): %s\n", name, r.status, r.err);
    support_run_free(&r);
    return rc;
}

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
    if (add_cli_user("semarang", "kabkota", "33.74", "Operator Kota Semarang", DEMO_PASSWORD) ||
        add_cli_user("warga", "pelapor", "32.73", "Relawan Kedua", DEMO_PASSWORD))
        return -1;
    if (feed_server_start() != 0)
        return -1;
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "2", "--login-max-failures", "50", NULL};
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
    if (fs.d)
        MHD_stop_daemon(fs.d);
    if (rc != 0 || getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- ingest ----------------------------------------------------------------------------- */

static void test_ingest_files(void **state)
{
    WSP_UNUSED(state);
    /* Six articles: the Cibiru clash told by two outlets (one event, two sources), a
     * coordination meeting (not an event), the first article again with another URL fragment
     * (a duplicate), a riot in Semarang and a land dispute in Kabupaten Bandung. */
    const char *args[] = {FIXTURES "/news.jsonl", NULL};
    json_t *s = ingest(args, 0, NULL);
    expect_counts(s, 6, 5, 1, 3, 1, 0);
    assert_int_equal(jint(s, "non_events"), 1);
    json_decref(s);
    /* Idempotent: everything is a duplicate the second time. */
    s = ingest(args, 0, NULL);
    expect_counts(s, 6, 0, 6, 0, 0, 0);
    json_decref(s);
}

static void test_ingest_errors(void **state)
{
    WSP_UNUSED(state);
    /* A broken line is reported with its line number and skipped; the batch goes on. */
    char *err = NULL;
    const char *args[] = {FIXTURES "/broken.jsonl", "/nonexistent/file.txt", NULL};
    json_t *s = ingest(args, 1, &err);
    expect_counts(s, 4, 1, 0, 0, 0, 3);
    json_decref(s);
    assert_non_null(strstr(err, "broken.jsonl:2: invalid JSON"));
    assert_non_null(strstr(err, "broken.jsonl:3"));
    assert_non_null(strstr(err, "/nonexistent/file.txt: cannot read"));
    free(err);

    /* Standard input, and a .txt file. */
    struct support_run r;
    const char *stdin_args[] = {"ingest", "--json", "-", NULL};
    run(&r, "{\"id\":\"s1\",\"text\":\"Lomba lari maraton digelar di Bandung.\"}\n", stdin_args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"read\":1,\"new\":1"));
    support_run_free(&r);
    char *txt = support_path(tmpdir, "catatan.txt");
    FILE *f = fopen(txt, "w");
    assert_non_null(f);
    fputs("Warga menggelar kerja bakti membersihkan saluran air di Kota Bandung.\n", f);
    fclose(f);
    const char *txt_args[] = {txt, NULL};
    s = ingest(txt_args, 0, NULL);
    expect_counts(s, 1, 1, 0, 0, 0, 0);
    json_decref(s);
    free(txt);

    /* Misuse. */
    const char *none[] = {"ingest", NULL};
    assert_int_equal(run(&r, NULL, none), 2);
    support_run_free(&r);
    const char *bad[] = {"ingest", "--threads", "0", "x.jsonl", NULL};
    assert_int_equal(run(&r, NULL, bad), 2);
    support_run_free(&r);
    const char *both[] = {"ingest", "--feeds", "x.jsonl", NULL};
    assert_int_equal(run(&r, NULL, both), 2);
    support_run_free(&r);
    const char *help[] = {"ingest", "--help", NULL};
    assert_int_equal(run(&r, NULL, help), 0);
    assert_non_null(strstr(r.out, "usage: waspada ingest"));
    support_run_free(&r);
}

static void test_feeds(void **state)
{
    WSP_UNUSED(state);
    char *url = xasprintf("http://127.0.0.1:%u/rss.xml", fs.port);
    struct support_run r;
    const char *add[] = {"feed", "add", url, "--title", "Kabar Priangan", NULL};
    assert_int_equal(run(&r, NULL, add), 0);
    support_run_free(&r);
    assert_int_equal(run(&r, NULL, add), 5); /* exists */
    support_run_free(&r);
    const char *bad[] = {"feed", "add", "ftp://x/rss", NULL};
    assert_int_equal(run(&r, NULL, bad), 3);
    support_run_free(&r);
    const char *misuse[] = {"feed", "frobnicate", NULL};
    assert_int_equal(run(&r, NULL, misuse), 2);
    support_run_free(&r);

    /* First poll: the feed, the first item's page, and the second item's summary (its page
     * is missing). */
    const char *feeds[] = {"--feeds", NULL};
    json_t *s = ingest(feeds, 0, NULL);
    expect_counts(s, 2, 2, 0, 2, 0, 0);
    assert_int_equal(jint(s, "feeds_polled"), 1);
    json_decref(s);
    assert_int_equal(fs.rss_requests, 1);
    assert_int_equal(fs.item_requests, 1);
    assert_string_equal(fs.last_ua, "waspada/" WSP_VERSION);

    /* Second poll: conditional GET, 304, nothing new. */
    s = ingest(feeds, 0, NULL);
    expect_counts(s, 0, 0, 0, 0, 0, 0);
    assert_int_equal(jint(s, "feeds_unchanged"), 1);
    json_decref(s);
    assert_int_equal(fs.rss_requests, 2);
    assert_int_equal(fs.rss_304, 1);
    assert_int_equal(fs.item_requests, 1);

    const char *list[] = {"feed", "list", "--json", NULL};
    assert_int_equal(run(&r, NULL, list), 0);
    json_t *arr = json_loads(r.out, 0, NULL);
    support_run_free(&r);
    assert_int_equal(json_array_size(arr), 1);
    assert_string_equal(jstr(json_array_get(arr, 0), "etag"), "\"feed-v1\"");
    assert_string_equal(jstr(json_array_get(arr, 0), "title"), "Kabar Priangan");
    assert_int_equal(jint(json_array_get(arr, 0), "failures"), 0);
    json_decref(arr);

    /* A URL already stored from the feed is not fetched again. */
    char *item = xasprintf("http://127.0.0.1:%u/item1.html", fs.port);
    const char *again[] = {item, NULL};
    s = ingest(again, 0, NULL);
    expect_counts(s, 1, 0, 1, 0, 0, 0);
    json_decref(s);
    assert_int_equal(fs.item_requests, 1);
    free(item);

    /* A page that answers 503 once is retried. */
    char *flaky = xasprintf("http://127.0.0.1:%u/flaky.html", fs.port);
    const char *fl[] = {flaky, NULL};
    s = ingest(fl, 0, NULL);
    expect_counts(s, 1, 1, 0, 1, 0, 0);
    json_decref(s);
    assert_int_equal(fs.flaky_requests, 2);
    free(flaky);

    const char *rm[] = {"feed", "remove", url, NULL};
    assert_int_equal(run(&r, NULL, rm), 0);
    support_run_free(&r);
    assert_int_equal(run(&r, NULL, rm), 4);
    support_run_free(&r);
    free(url);
}

/* ---- events API ------------------------------------------------------------------------- */

static void test_events_list(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    login(&c, "pusat", DEMO_PASSWORD, NULL);
    json_int_t total;
    event_ids(&c, "/api/v1/events", &total);
    assert_int_equal(total, 6); /* 3 from files, 2 from the feed, 1 flaky page */

    json_t *v = api(&c, "GET", "/api/v1/events?q=cibiru", NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    json_t *ev = json_array_get(json_object_get(v, "items"), 0);
    cibiru_id = jint(ev, "id");
    assert_string_equal(jstr(ev, "category"), "inter_group_clash");
    assert_string_equal(jstr(ev, "regency_code"), "32.73");
    assert_string_equal(jstr(ev, "regency"), "Kota Bandung");
    assert_string_equal(jstr(ev, "province"), "Jawa Barat");
    assert_string_equal(jstr(ev, "event_date"), "2021-02-23");
    assert_string_equal(jstr(ev, "status"), "menunggu");
    assert_int_equal(jint(ev, "killed"), 2);
    assert_int_equal(jint(ev, "injured"), 5);
    assert_int_equal(jint(ev, "source_count"), 2);
    json_decref(v);

    v = api(&c, "GET", "/api/v1/events?region=33", NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 1);
    semarang_id = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);

    event_ids(&c, "/api/v1/events?region=32.04", &total);
    assert_int_equal(total, 1);
    event_ids(&c, "/api/v1/events?category=riot_protest", &total);
    assert_int_equal(total, 1);
    event_ids(&c, "/api/v1/events?from=2021-03-01&to=2021-03-05", &total);
    assert_int_equal(total, 2);
    event_ids(&c, "/api/v1/events?q=cibiru&status=terverifikasi", &total);
    assert_int_equal(total, 0);
    event_ids(&c, "/api/v1/events?min_confidence=0.5&sort=confidence&limit=2", &total);
    assert_true(total >= 2);
    assert_int_equal(strchr(event_ids(&c, "/api/v1/events?limit=2&offset=1", &total), ',') != NULL,
                     1);

    /* Keyset pages: following "next" two at a time gives the whole list in order. */
    char all[512], walked[512] = "";
    str_copy(all, event_ids(&c, "/api/v1/events", &total), sizeof(all));
    char *path_next = xasprintf("/api/v1/events?limit=2");
    for (int pages = 0; path_next && pages < 10; pages++) {
        v = api(&c, "GET", path_next, NULL, NULL, 200);
        free(path_next);
        path_next = NULL;
        assert_int_equal(jint(v, "total"), 6);
        assert_true(json_is_true(json_object_get(v, "total_exact")));
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(v, "items"), i, it)
        {
            size_t len = strlen(walked);
            snprintf(walked + len, sizeof(walked) - len, "%s%lld", walked[0] ? "," : "",
                     (long long)jint(it, "id"));
        }
        const char *next = json_string_value(json_object_get(v, "next"));
        if (next)
            path_next = xasprintf("/api/v1/events?limit=2&after=%s", next);
        json_decref(v);
    }
    assert_null(path_next);
    assert_string_equal(walked, all);
    /* A cursor is for its own sort, not both with an offset, and not made up. */
    v = api(&c, "GET", "/api/v1/events?limit=1", NULL, NULL, 200);
    char *cur = xasprintf("%s", jstr(v, "next"));
    json_decref(v);
    char *other = xasprintf("/api/v1/events?sort=confidence&after=%s", cur);
    char *both = xasprintf("/api/v1/events?offset=1&after=%s", cur);
    v = api(&c, "GET", other, NULL, NULL, 400);
    assert_string_equal(jstr(json_object_get(v, "error"), "code"), "invalid");
    json_decref(v);
    json_decref(api(&c, "GET", both, NULL, NULL, 400));
    free(cur);
    free(other);
    free(both);

    static const char *const bad[] = {
        "/api/v1/events?after=bm9wZQ",
        "/api/v1/events?after=%21%21",
        "/api/v1/events?after=ZHwyMDIxLTAyLTMwfDM", /* d|2021-02-30|3 */
        "/api/v1/events?limit=0",
        "/api/v1/events?limit=501",
        "/api/v1/events?from=2021-02-30",
        "/api/v1/events?category=perang",
        "/api/v1/events?status=selesaii",
        "/api/v1/events?min_confidence=2",
        "/api/v1/events?sort=size",
        "/api/v1/events?region=abc",
        "/api/v1/events?q=%21%21",
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++)
        json_decref(api(&c, "GET", bad[i], NULL, NULL, 400));
    support_http_cleanup(&c);

    /* Scope: a kabkota user of 32.73 sees Kota Bandung only, not Semarang (33.74) nor
     * Kabupaten Bandung (32.04). */
    login(&c, "bandung", DEMO_PASSWORD, NULL);
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)cibiru_id);
    assert_string_equal(event_ids(&c, "/api/v1/events", &total), want);
    event_ids(&c, "/api/v1/events?region=33", &total);
    assert_int_equal(total, 0);
    char *path = xasprintf("/api/v1/events/%lld", (long long)semarang_id);
    json_decref(api(&c, "GET", path, NULL, NULL, 404));
    support_http_cleanup(&c);
    /* The province sees all of Jawa Barat. */
    login(&c, "jabar", DEMO_PASSWORD, NULL);
    event_ids(&c, "/api/v1/events", &total);
    assert_int_equal(total, 5);
    json_decref(api(&c, "GET", path, NULL, NULL, 404));
    support_http_cleanup(&c);
    /* Semarang's operator sees Semarang's event only. */
    login(&c, "semarang", DEMO_PASSWORD, NULL);
    snprintf(want, sizeof(want), "%lld", (long long)semarang_id);
    assert_string_equal(event_ids(&c, "/api/v1/events", &total), want);
    support_http_cleanup(&c);
    free(path);

    /* No session, no events. */
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    json_decref(api(&c, "GET", "/api/v1/events", NULL, NULL, 401));
    json_decref(api(&c, "GET", "/api/v1/events/1", NULL, NULL, 401));
    support_http_cleanup(&c);
}

static void test_event_detail(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    login(&c, "bandung", DEMO_PASSWORD, NULL);
    char *path = xasprintf("/api/v1/events/%lld", (long long)cibiru_id);
    json_t *v = api(&c, "GET", path, NULL, NULL, 200);
    json_t *src = json_object_get(v, "sources");
    assert_int_equal(json_array_size(src), 2);
    json_t *s0 = json_array_get(src, 0);
    assert_string_equal(jstr(s0, "title"), "Bentrok Warga di Cibiru, Dua Orang Tewas");
    assert_string_equal(jstr(s0, "url"),
                        "https://wartabandung.example/2021/02/24/bentrok-warga-cibiru"
                        "?utm_source=rss");
    assert_string_equal(jstr(s0, "published"), "2021-02-24");
    assert_string_equal(jstr(s0, "source_type"), "file");
    assert_null(json_object_get(s0, "reporter"));
    assert_string_equal(jstr(json_array_get(src, 1), "url"),
                        "https://kabarjabar.example/berita/7781");
    assert_true(json_array_size(json_object_get(v, "evidence")) > 0);
    json_t *detail = json_object_get(v, "detail");
    assert_int_equal(json_array_size(json_object_get(detail, "sources")), 2);
    json_decref(v);
    json_decref(api(&c, "GET", "/api/v1/events/999999", NULL, NULL, 404));
    json_decref(api(&c, "GET", "/api/v1/events/abc", NULL, NULL, 400));
    free(path);
    support_http_cleanup(&c);
}

static void test_event_patch(void **state)
{
    WSP_UNUSED(state);
    char *path = xasprintf("/api/v1/events/%lld", (long long)cibiru_id);
    struct support_http c;
    char csrf[65];
    /* A pelapor of the same city may not verify. */
    login(&c, "pelapor", DEMO_PASSWORD, csrf);
    json_decref(api(&c, "PATCH", path, "{\"status\":\"terverifikasi\"}", csrf, 403));
    support_http_cleanup(&c);
    /* Semarang's operator cannot even see it. */
    login(&c, "semarang", DEMO_PASSWORD, csrf);
    json_decref(api(&c, "PATCH", path, "{\"status\":\"terverifikasi\"}", csrf, 404));
    support_http_cleanup(&c);

    login(&c, "bandung", DEMO_PASSWORD, csrf);
    json_decref(api(&c, "PATCH", path, "{\"status\":\"terverifikasi\"}", NULL, 403)); /* CSRF */
    json_decref(api(&c, "PATCH", path, "{\"status\":\"selesai\"}", csrf, 409));
    json_decref(api(&c, "PATCH", path, "{\"status\":\"beres\"}", csrf, 400));
    json_decref(api(&c, "PATCH", path, "{\"status\":\"ditolak\",\"extra\":1}", csrf, 400));
    json_t *v =
        api(&c, "PATCH", path,
            "{\"status\":\"terverifikasi\",\"note\":\"dikonfirmasi Polsek Cibiru\"}", csrf, 200);
    assert_string_equal(jstr(v, "status"), "terverifikasi");
    assert_string_equal(jstr(v, "status_note"), "dikonfirmasi Polsek Cibiru");
    json_decref(v);
    v = api(&c, "PATCH", path, "{\"status\":\"menunggu\"}", csrf, 409);
    assert_non_null(strstr(jstr(json_object_get(v, "error"), "message"),
                           "allowed from 'terverifikasi': 'dalam_penanganan', 'ditolak'"));
    json_decref(v);
    json_decref(api(&c, "PATCH", path, "{\"status\":\"dalam_penanganan\"}", csrf, 200));
    support_http_cleanup(&c);

    /* Filter by status, and the audit log has both changes with before/after. */
    login(&c, "admin", DEMO_PASSWORD, NULL);
    json_int_t total;
    event_ids(&c, "/api/v1/events?status=dalam_penanganan", &total);
    assert_int_equal(total, 1);
    char *apath =
        xasprintf("/api/v1/audit?action=event.status&object_id=%lld", (long long)cibiru_id);
    v = api(&c, "GET", apath, NULL, NULL, 200);
    assert_int_equal(jint(v, "total"), 2);
    json_t *last = json_array_get(json_object_get(v, "items"), 1); /* newest first */
    assert_string_equal(jstr(last, "username"), "bandung");
    assert_string_equal(jstr(json_object_get(last, "before"), "status"), "menunggu");
    assert_string_equal(jstr(json_object_get(last, "after"), "status"), "terverifikasi");
    assert_string_equal(jstr(json_object_get(last, "after"), "note"), "dikonfirmasi Polsek Cibiru");
    json_decref(v);
    free(apath);
    support_http_cleanup(&c);
    free(path);
}

/* ---- community reports ------------------------------------------------------------------ */

static const char report_body[] =
    "{\"what\":\"Tawuran pelajar dua sekolah di dekat terminal\",\"where\":\"32.73.25\","
    "\"when\":\"2021-03-10\",\"who\":\"pelajar SMK\",\"injured\":3,\"killed\":0,"
    "\"text\":\"Tawuran pecah sepulang sekolah.\\nWarga sekitar melerai dan polisi datang.\"}";

static void test_report(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    char csrf[65];
    login(&c, "pelapor", DEMO_PASSWORD, csrf);
    json_decref(api(&c, "POST", "/api/v1/reports", report_body, NULL, 403)); /* no CSRF */
    json_t *v = api(&c, "POST", "/api/v1/reports", report_body, csrf, 201);
    json_int_t report_id = jint(v, "report_id");
    report_event_id = jint(v, "event_id");
    assert_true(report_id > 0 && report_event_id > 0);
    assert_string_equal(jstr(v, "status"), "menunggu");
    json_decref(v);
    /* A resend is the same report. */
    v = api(&c, "POST", "/api/v1/reports", report_body, csrf, 200);
    assert_int_equal(jint(v, "report_id"), report_id);
    assert_int_equal(jint(v, "event_id"), report_event_id);
    assert_true(json_is_true(json_object_get(v, "duplicate")));
    json_decref(v);
    /* Outside the reporter's scope, bad fields. */
    json_decref(api(&c, "POST", "/api/v1/reports", "{\"what\":\"bentrok\",\"where\":\"33.74\"}",
                    csrf, 403));
    json_decref(api(&c, "POST", "/api/v1/reports", "{\"where\":\"32.73\"}", csrf, 400));
    json_decref(api(&c, "POST", "/api/v1/reports", "{\"what\":\"x\",\"killed\":-1}", csrf, 400));
    json_decref(api(&c, "POST", "/api/v1/reports", "{\"what\":\"x\",\"nama\":\"y\"}", csrf, 400));
    json_decref(
        api(&c, "POST", "/api/v1/reports", "{\"what\":\"x\",\"where\":\"99.99\"}", csrf, 400));

    /* The reporter sees the lead, without anyone's identity. */
    char *path = xasprintf("/api/v1/events/%lld", (long long)report_event_id);
    v = api(&c, "GET", path, NULL, NULL, 200);
    assert_string_equal(jstr(v, "status"), "menunggu");
    assert_string_equal(jstr(v, "regency_code"), "32.73");
    assert_string_equal(jstr(v, "place_code"), "32.73.25");
    assert_string_equal(jstr(v, "event_date"), "2021-03-10");
    assert_int_equal(jint(v, "injured"), 3);
    assert_int_equal(jint(v, "killed"), 0);
    json_t *s0 = json_array_get(json_object_get(v, "sources"), 0);
    assert_string_equal(jstr(s0, "source_type"), "report");
    assert_null(json_object_get(s0, "reporter"));
    assert_null(json_object_get(s0, "text"));
    assert_null(strstr(jstr(s0, "title"), "Tawuran"));
    json_decref(v);
    /* An anonymous report by another reporter with free-text place: a lead in their area. */
    support_http_cleanup(&c);
    login(&c, "warga", DEMO_PASSWORD, csrf);
    v = api(&c, "POST", "/api/v1/reports",
            "{\"what\":\"Ada keributan di gang sebelah\",\"where\":\"dekat pasar\","
            "\"anonymous\":true}",
            csrf, 201);
    anon_event_id = jint(v, "event_id");
    json_decref(v);
    support_http_cleanup(&c);

    /* The city's operator and the province see the reporter of the named report. */
    login(&c, "bandung", DEMO_PASSWORD, NULL);
    v = api(&c, "GET", path, NULL, NULL, 200);
    s0 = json_array_get(json_object_get(v, "sources"), 0);
    json_t *rep = json_object_get(s0, "reporter");
    assert_string_equal(jstr(rep, "username"), "pelapor");
    assert_string_equal(jstr(rep, "full_name"), "Relawan FKDM Kota Bandung");
    assert_string_equal(jstr(json_object_get(s0, "fields"), "who"), "pelajar SMK");
    assert_non_null(strstr(jstr(s0, "text"), "sepulang sekolah"));
    json_decref(v);
    char *apath = xasprintf("/api/v1/events/%lld", (long long)anon_event_id);
    v = api(&c, "GET", apath, NULL, NULL, 200);
    assert_string_equal(jstr(v, "status"), "menunggu");
    assert_string_equal(jstr(v, "regency_code"), "32.73");
    s0 = json_array_get(json_object_get(v, "sources"), 0);
    assert_true(json_is_true(json_object_get(s0, "anonymous")));
    assert_null(json_object_get(s0, "reporter")); /* never for an anonymous report */
    json_decref(v);
    /* The lead is in the list, waiting. */
    json_int_t total;
    event_ids(&c, "/api/v1/events?status=menunggu&region=32.73", &total);
    assert_int_equal(total, 2);
    support_http_cleanup(&c);

    /* Another region's operator sees neither the event nor the reporter. */
    login(&c, "semarang", DEMO_PASSWORD, NULL);
    json_decref(api(&c, "GET", path, NULL, NULL, 404));
    support_http_cleanup(&c);
    free(apath);
    free(path);
}

/* A report's own words stay with the officers, so the text search must not let a reporter
 * probe them: another reporter of the same city sees the lead, but searching for a word only
 * in the report ("SMK", from "who") finds nothing; the city's operator finds it. */
static void test_report_search(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    json_int_t total = -1;
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)report_event_id);
    login(&c, "warga", DEMO_PASSWORD, NULL);
    event_ids(&c, "/api/v1/events?q=SMK", &total);
    assert_int_equal(total, 0);
    event_ids(&c, "/api/v1/events?q=sepulang", &total); /* the free text */
    assert_int_equal(total, 0);
    support_http_cleanup(&c);
    login(&c, "bandung", DEMO_PASSWORD, NULL);
    assert_string_equal(event_ids(&c, "/api/v1/events?q=SMK", &total), want);
    assert_int_equal(total, 1);
    support_http_cleanup(&c);
}

/* ---- only web URLs are kept (issue 10) ------------------------------------------------- */

/* Articles from a file with javascript:, data: and other scheme URLs, and a feed whose items
 * link to such URLs (or to a page whose canonical URL is one): the store keeps none of them
 * (url and canonical_url NULL) and the events API never returns them; an https URL is kept. */
static const char hostile_jsonl[] =
    "{\"id\":\"jahat-1\",\"url\":\"javascript:alert(1)\",\"title\":\"Bentrok Warga di "
    "Tambaksari\",\"published\":\"2021-04-05\",\"text\":\"Surabaya - Dua kelompok warga terlibat "
    "bentrok di Kecamatan Tambaksari, Kota Surabaya, Jawa Timur, Minggu (4/4/2021) malam. "
    "Bentrokan dipicu saling ejek antarpemuda. Dua orang tewas dan empat lainnya luka-luka "
    "terkena senjata tajam. Polisi mengamankan delapan orang.\"}\n"
    "{\"id\":\"jahat-2\",\"url\":\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\","
    "\"title\":\"Tawuran di Medan Denai\",\"published\":\"2021-04-06\",\"text\":\"Medan - Puluhan "
    "pemuda dari dua lingkungan terlibat tawuran di Kecamatan Medan Denai, Kota Medan, Sumatera "
    "Utara, Senin (5/4/2021) dini hari. Tiga orang luka berat dan sebuah warung dibakar. Polisi "
    "menangkap enam orang.\"}\n"
    "{\"id\":\"jahat-3\",\"url\":\" JaVaScRiPt:alert(2)\",\"title\":\"Bentrok Antarkelompok di "
    "Tallo\",\"published\":\"2021-04-07\",\"text\":\"Makassar - Dua kelompok warga terlibat "
    "bentrok dengan senjata tajam dan busur panah di Kecamatan Tallo, Kota Makassar, Sulawesi "
    "Selatan, Selasa (6/4/2021) malam. Seorang warga tewas dan tiga lainnya luka-luka.\"}\n"
    "{\"id\":\"jahat-4\",\"url\":\"vbscript:msgbox(1)\",\"title\":\"Keributan di Pasar "
    "Cicadas\",\"published\":\"2021-04-08\",\"text\":\"Warga menggelar kerja bakti di pasar.\"}\n"
    "{\"id\":\"aman-1\",\"url\":\"https://kabar.example/2021/04/sukun\",\"title\":\"Bentrok Warga "
    "di Sukun\",\"published\":\"2021-04-09\",\"text\":\"Malang - Dua kelompok warga terlibat "
    "bentrok di Kecamatan Sukun, Kota Malang, Jawa Timur, Kamis (8/4/2021) malam. Lima orang "
    "luka-luka terkena lemparan batu dan dua rumah rusak. Polisi menambah personel di "
    "lokasi.\"}\n";

static int64_t db_count(const char *sql)
{
    return testdb_int(db_path, sql);
}

/* The one event found by GET /events?q=word. */
static json_t *event_by_word(struct support_http *c, const char *word)
{
    char *path = xasprintf("/api/v1/events?q=%s", word);
    json_t *v = api(c, "GET", path, NULL, NULL, 200);
    if (jint(v, "total") != 1)
        fail_msg("%s: %lld events, want 1", path, (long long)jint(v, "total"));
    json_int_t id = jint(json_array_get(json_object_get(v, "items"), 0), "id");
    json_decref(v);
    free(path);
    char *epath = xasprintf("/api/v1/events/%lld", (long long)id);
    v = api(c, "GET", epath, NULL, NULL, 200);
    free(epath);
    return v;
}

static void test_url_schemes(void **state)
{
    WSP_UNUSED(state);
    struct support_run r;
    const char *args[] = {"ingest", "--json", "-", NULL};
    run(&r, hostile_jsonl, args);
    assert_int_equal(r.status, 0);
    support_run_free(&r);

    char *url = xasprintf("http://127.0.0.1:%u/evil.xml", fs.port);
    const char *add[] = {"feed", "add", url, NULL};
    assert_int_equal(run(&r, NULL, add), 0);
    support_run_free(&r);
    const char *feeds[] = {"--feeds", NULL};
    json_t *s = ingest(feeds, 0, NULL);
    expect_counts(s, 3, 3, 0, 3, 0, 0);
    json_decref(s);
    const char *rm[] = {"feed", "remove", url, NULL};
    assert_int_equal(run(&r, NULL, rm), 0);
    support_run_free(&r);
    free(url);

    /* The store: no URL with another scheme, anywhere; the articles are there, without one. */
    assert_int_equal(db_count("SELECT count(*) FROM articles WHERE "
                              "(url IS NOT NULL AND lower(ltrim(url)) NOT LIKE 'http://%' "
                              "AND lower(ltrim(url)) NOT LIKE 'https://%') OR "
                              "(canonical_url IS NOT NULL AND lower(canonical_url) NOT LIKE "
                              "'http://%' AND lower(canonical_url) NOT LIKE 'https://%')"),
                     0);
    assert_int_equal(db_count("SELECT count(*) FROM articles WHERE url IS NULL AND "
                              "canonical_url IS NULL AND title IN ('Bentrok Warga di "
                              "Tambaksari', 'Tawuran di Medan Denai', 'Bentrok Antarkelompok "
                              "di Tallo', 'Bentrok Pemuda di Padang Timur', 'Tawuran Warga "
                              "di Kota Kupang')"),
                     5);
    assert_int_equal(db_count("SELECT count(*) FROM articles WHERE body LIKE 'Warga "
                              "menggelar kerja bakti di pasar%' AND url IS NULL"),
                     1);
    assert_int_equal(db_count("SELECT count(*) FROM articles WHERE url LIKE "
                              "'http://127.0.0.1:%/canon.html' AND canonical_url LIKE "
                              "'http://127.0.0.1:%/canon.html'"),
                     1);
    assert_int_equal(db_count("SELECT count(*) FROM articles WHERE url = "
                              "'https://kabar.example/2021/04/sukun'"),
                     1);

    /* The events API: each event is there, its source has no url; the https one keeps it. */
    struct support_http c;
    login(&c, "admin", DEMO_PASSWORD, NULL);
    static const char *const words[] = {"Tambaksari", "Denai", "Tallo", "Oebobo"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(words); i++) {
        json_t *ev = event_by_word(&c, words[i]);
        json_t *src = json_array_get(json_object_get(ev, "sources"), 0);
        assert_non_null(src);
        json_t *u = json_object_get(src, "url");
        if (u && !json_is_null(u))
            fail_msg("%s: source url %s", words[i], json_string_value(u));
        json_decref(ev);
    }
    json_t *ev = event_by_word(&c, "Sukun");
    assert_string_equal(jstr(json_array_get(json_object_get(ev, "sources"), 0), "url"),
                        "https://kabar.example/2021/04/sukun");
    json_decref(ev);

    /* No answer of the events API carries such a URL. */
    json_t *list = api(&c, "GET", "/api/v1/events?limit=500", NULL, NULL, 200);
    size_t i;
    json_t *it;
    size_t checked = 0;
    json_array_foreach(json_object_get(list, "items"), i, it)
    {
        char *path = xasprintf("/api/v1/events/%lld", (long long)jint(it, "id"));
        json_t *d = api(&c, "GET", path, NULL, NULL, 200);
        char *text = json_dumps(d, JSON_COMPACT);
        if (strcasestr(text, "javascript:") || strcasestr(text, "vbscript:") ||
            strcasestr(text, "data:text"))
            fail_msg("%s: %s", path, text);
        free(text);
        json_decref(d);
        free(path);
        checked++;
    }
    char *text = json_dumps(list, JSON_COMPACT);
    assert_null(strcasestr(text, "javascript:"));
    free(text);
    json_decref(list);
    assert_true(checked >= 12);
    support_http_cleanup(&c);
}

/* Last: the server still stops cleanly. */
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
        cmocka_unit_test(test_ingest_files), cmocka_unit_test(test_ingest_errors),
        cmocka_unit_test(test_feeds),        cmocka_unit_test(test_events_list),
        cmocka_unit_test(test_event_detail), cmocka_unit_test(test_event_patch),
        cmocka_unit_test(test_report),       cmocka_unit_test(test_report_search),
        cmocka_unit_test(test_url_schemes),  cmocka_unit_test(test_shutdown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
