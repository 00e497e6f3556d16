/*
 * Feed polling that scales (issue 15): `waspada ingest --feeds` against small libmicrohttpd
 * servers inside this test, on several hosts (127.0.0.1 and localhost count as two, as do two
 * ports):
 *  - feed 1 (127.0.0.1:A) has 40 items whose pages each take 0.5 s to answer, spread over the
 *    hosts 127.0.0.1:A, localhost:A, 127.0.0.1:B and localhost:B. One request at a time that
 *    is 20 s; with 2 at once per host and the hosts in parallel, about 2.5 s;
 *  - feed 2 (localhost:B) has an item that robots.txt disallows (its summary is stored, the
 *    page never fetched) and one whose host answers 429 with Retry-After: 1 once;
 *  - feed 3 is on a port where nothing listens (connection refused): recorded as a failure;
 *  - feed 4 (127.0.0.1:C) links 10 pages on that dead port: its summaries are stored, after
 *    one failed robots.txt request there, not 10 pages' retries.
 * The servers count requests per Host header, and the most at once per host.
 *
 * Benchmark: the time is printed. To compare with fetching one page at a time, run this
 * program with WASPADA_FEED_POLL_ARGS set to the fetch options to use instead of the test's
 * (e.g. "--fetch-concurrency 1 --per-host 1 --host-delay 0", or "" with WASPADA_BIN pointing
 * at a build from before the fetch pool); then only the time is printed, nothing is asserted
 * about it or the robots.txt rules; WASPADA_FEED_POLL_ONLY_SLOW=1 polls feed 1 alone.
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

#define SLOW_PAGES 40
#define SLOW_MS 500
#define DEAD_PAGES 10
#define ALL_ARTICLES (SLOW_PAGES + 2 + DEAD_PAGES)
#define MAX_HOSTS 8

static char *tmpdir;
static char *db_path;
static const char *self; /* argv[0], for the line that reproduces the benchmark */

/* ---- the servers ------------------------------------------------------------------------ */

struct host_count {
    char host[64]; /* the Host header: "127.0.0.1:PORT" or "localhost:PORT" */
    int requests, robots, in_flight, max_in_flight;
};

static struct {
    struct MHD_Daemon *a, *b, *c;
    unsigned port_a, port_b, port_c, port_dead;
    pthread_mutex_t mu;
    struct host_count hosts[MAX_HOSTS];
    size_t nhosts;
    int in_flight, max_in_flight; /* slow pages, all hosts */
    int slow_requests, private_requests, busy_requests;
    int64_t busy_first_ms, busy_second_ms;
    int fast_requests;
    int64_t fast_last_ms; /* when the last /cepat/ page was asked for */
    int silent_fd;        /* listens, never accepts */
    unsigned port_silent;
} srv;

enum { SERVER_A = 1, SERVER_B, SERVER_C };
static const int server_ids[] = {0, SERVER_A, SERVER_B, SERVER_C};

static struct host_count *host_count(const char *host)
{
    for (size_t i = 0; i < srv.nhosts; i++)
        if (str_eq(srv.hosts[i].host, host))
            return &srv.hosts[i];
    if (srv.nhosts == MAX_HOSTS)
        return &srv.hosts[MAX_HOSTS - 1];
    struct host_count *h = &srv.hosts[srv.nhosts++];
    str_copy(h->host, host, sizeof(h->host));
    return h;
}

/* Page i of the slow feed is on one of four hosts, in turn. */
static char *slow_url(int i)
{
    static const char *const names[] = {"127.0.0.1", "localhost"};
    unsigned port = (i / 2) % 2 ? srv.port_b : srv.port_a;
    return xasprintf("http://%s:%u/berita/%d.html", names[i % 2], port, i + 1);
}

static char *slow_feed(void)
{
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
               "<title>Kabar Lambat</title><link>http://127.0.0.1:%u/</link>",
               srv.port_a);
    for (int i = 0; i < SLOW_PAGES; i++) {
        char *u = slow_url(i);
        buf_printf(&b,
                   "<item><title>Kabar Kampung %d</title><link>%s</link><guid>lambat-%d</guid>"
                   "<pubDate>Mon, 01 Mar 2021 08:00:00 +0700</pubDate></item>",
                   i + 1, u, i + 1);
        free(u);
    }
    buf_puts(&b, "</channel></rss>");
    return buf_detach(&b, NULL);
}

static char *other_feed(void)
{
    return xasprintf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
        "<title>Kabar Lain</title><link>http://localhost:%u/</link>"
        "<item><title>Rapat Tertutup Desa</title><link>http://localhost:%u/private/rapat.html"
        "</link><guid>lain-1</guid><pubDate>Tue, 02 Mar 2021 08:00:00 +0700</pubDate>"
        "<description>Warga Desa Sukamaju menggelar rapat membahas pembagian air irigasi "
        "untuk musim tanam berikutnya.</description></item>"
        "<item><title>Pasar Sibuk Menjelang Lebaran</title>"
        "<link>http://127.0.0.1:%u/sibuk.html</link><guid>lain-2</guid>"
        "<pubDate>Wed, 03 Mar 2021 08:00:00 +0700</pubDate></item>"
        "</channel></rss>",
        srv.port_b, srv.port_a, srv.port_c);
}

/* Items whose pages are on the dead port: their summaries are all there is. */
static char *dead_pages_feed(void)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                 "<title>Kabar Mati</title>");
    for (int i = 0; i < DEAD_PAGES; i++)
        buf_printf(&b,
                   "<item><title>Kabar Mati %d</title><link>http://127.0.0.1:%u/mati/%d.html"
                   "</link><description>Ringkasan kabar nomor %d tentang panen padi di desa "
                   "yang ke-%d.</description></item>",
                   i + 1, srv.port_dead, i + 1, i + 1, i + 1);
    buf_puts(&b, "</channel></rss>");
    return buf_detach(&b, NULL);
}

static char *page_html(const char *title, const char *host, const char *path)
{
    return xasprintf("<!DOCTYPE html><html><head><title>%s</title></head><body>"
                     "<nav><a href=\"/\">Beranda</a></nav><article><h1>%s</h1>"
                     "<p>Warga kampung berkumpul di balai desa untuk membahas rencana perbaikan "
                     "jalan dan saluran air yang rusak sejak musim hujan lalu (%s%s).</p>"
                     "<p>Kepala desa mengatakan pekerjaan dimulai bulan depan dengan gotong "
                     "royong, dan dana desa dipakai untuk membeli semen dan pasir.</p>"
                     "</article></body></html>",
                     title, title, host, path);
}

static int64_t now_ms(void)
{
    return time_mono_ms();
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
    int server = *(const int *)cls;
    WSP_UNUSED(method);
    WSP_UNUSED(version);
    WSP_UNUSED(upload_data);
    WSP_UNUSED(upload_data_size);
    WSP_UNUSED(con_cls);
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (!host)
        host = "?";
    unsigned status = MHD_HTTP_OK;
    char *body = NULL;
    const char *type = "text/html; charset=utf-8";
    bool retry_after = false;
    pthread_mutex_lock(&srv.mu);
    struct host_count *hc = host_count(host);
    hc->requests++;
    pthread_mutex_unlock(&srv.mu);
    if (str_eq(url, "/robots.txt")) {
        pthread_mutex_lock(&srv.mu);
        hc->robots++;
        pthread_mutex_unlock(&srv.mu);
        if (server == SERVER_C) {
            status = MHD_HTTP_NOT_FOUND;
            body = xstrdup("tidak ada");
        } else {
            type = "text/plain";
            body = xstrdup("# test\nUser-agent: *\nDisallow: /private/\n\n"
                           "User-agent: otherbot\nDisallow: /\n");
        }
    } else if (str_eq(url, "/feed.xml") && server == SERVER_A) {
        type = "application/rss+xml";
        body = slow_feed();
    } else if (str_eq(url, "/lain.xml") && server == SERVER_B) {
        type = "application/rss+xml";
        body = other_feed();
    } else if (str_eq(url, "/mati.xml") && server == SERVER_C) {
        type = "application/rss+xml";
        body = dead_pages_feed();
    } else if (str_starts_with(url, "/berita/")) {
        pthread_mutex_lock(&srv.mu);
        srv.slow_requests++;
        if (++hc->in_flight > hc->max_in_flight)
            hc->max_in_flight = hc->in_flight;
        if (++srv.in_flight > srv.max_in_flight)
            srv.max_in_flight = srv.in_flight;
        pthread_mutex_unlock(&srv.mu);
        usleep(SLOW_MS * 1000);
        pthread_mutex_lock(&srv.mu);
        hc->in_flight--;
        srv.in_flight--;
        pthread_mutex_unlock(&srv.mu);
        char *title = xasprintf("Kabar Kampung %s", url + 8);
        body = page_html(title, host, url);
        free(title);
    } else if (str_starts_with(url, "/cepat/")) {
        pthread_mutex_lock(&srv.mu);
        srv.fast_requests++;
        srv.fast_last_ms = now_ms();
        pthread_mutex_unlock(&srv.mu);
        body = page_html("Kabar Cepat", host, url);
    } else if (str_starts_with(url, "/private/")) {
        pthread_mutex_lock(&srv.mu);
        srv.private_requests++;
        pthread_mutex_unlock(&srv.mu);
        body = page_html("Rahasia", host, url);
    } else if (str_eq(url, "/sibuk.html") && server == SERVER_C) {
        pthread_mutex_lock(&srv.mu);
        int n = ++srv.busy_requests;
        if (n == 1)
            srv.busy_first_ms = now_ms();
        else if (n == 2)
            srv.busy_second_ms = now_ms();
        pthread_mutex_unlock(&srv.mu);
        if (n == 1) {
            status = MHD_HTTP_TOO_MANY_REQUESTS;
            retry_after = true;
            body = xstrdup("pelan-pelan");
        } else {
            body = page_html("Pasar Sibuk Menjelang Lebaran", host, url);
        }
    } else {
        status = MHD_HTTP_NOT_FOUND;
        body = xstrdup("tidak ada");
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", type);
    if (retry_after)
        MHD_add_response_header(resp, "Retry-After", "1");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static unsigned listen_port(int fd)
{
    struct sockaddr_in got;
    socklen_t len = sizeof(got);
    if (getsockname(fd, (struct sockaddr *)&got, &len) != 0)
        return 0;
    return ntohs(got.sin_port);
}

/* A daemon on 127.0.0.1, a thread per connection so that slow answers overlap. */
static struct MHD_Daemon *start_daemon(int id, unsigned *port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler,
        (void *)&server_ids[id], MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_END);
    if (!d)
        return NULL;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    *port = info ? listen_port(info->listen_fd) : 0;
    return d;
}

/* A socket that listens and never accepts: connections hang, nothing ever answers. */
static int silent_socket(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 1) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = listen_port(fd);
    return fd;
}

/* A port where nothing listens: bound, then closed. */
static unsigned dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    unsigned port = listen_port(fd);
    close(fd);
    return port;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static int most_per_host(void)
{
    int most = 0;
    for (size_t i = 0; i < srv.nhosts; i++)
        if (srv.hosts[i].max_in_flight > most)
            most = srv.hosts[i].max_in_flight;
    return most;
}

static int run(struct support_run *r, const char *const args[])
{
    const char *full[48] = {"--db", db_path};
    size_t n = 2;
    for (size_t i = 0; args[i] && n + 1 < WSP_ARRAY_LEN(full); i++)
        full[n++] = args[i];
    full[n] = NULL;
    return support_run(r, NULL, full);
}

static void add_feed(const char *url)
{
    struct support_run r;
    const char *args[] = {"feed", "add", url, NULL};
    if (run(&r, args) != 0)
        fail_msg("feed add %s: %d %s", url, r.status, r.err);
    support_run_free(&r);
}

static json_int_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return json_integer_value(v);
}

/* `waspada ingest --feeds --json` with the fetch options (split on spaces); its summary, the
 * wall time in *ms. */
static json_t *poll_feeds(const char *fetch_args, int64_t *ms, char **err_out)
{
    const char *args[40] = {"ingest", "--feeds", "--json", "--threads", "2"};
    size_t n = 5;
    char *copy = xstrdup(fetch_args);
    for (char *p = copy; *p && n + 1 < WSP_ARRAY_LEN(args);) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        args[n++] = p;
        while (*p && *p != ' ')
            p++;
    }
    args[n] = NULL;
    struct support_run r;
    int64_t t0 = now_ms();
    run(&r, args);
    *ms = now_ms() - t0;
    free(copy);
    /* Errors (the dead feed) make the exit status 1; anything else is a failure. */
    if (r.status != 0 && r.status != 1)
        fail_msg("ingest: exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
    json_t *v = json_loads(r.out, 0, NULL);
    if (!v)
        fail_msg("ingest summary is not JSON: %s\nstderr: %s", r.out, r.err);
    if (err_out)
        *err_out = xstrdup(r.err ? r.err : "");
    support_run_free(&r);
    return v;
}

/* ---- setup ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    pthread_mutex_init(&srv.mu, NULL);
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"init", NULL};
    if (run(&r, init) != 0) {
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    srv.a = start_daemon(SERVER_A, &srv.port_a);
    srv.b = start_daemon(SERVER_B, &srv.port_b);
    srv.c = start_daemon(SERVER_C, &srv.port_c);
    srv.port_dead = dead_port();
    srv.silent_fd = silent_socket(&srv.port_silent);
    if (srv.silent_fd < 0)
        return -1;
    if (!srv.a || !srv.b || !srv.c || !srv.port_a || !srv.port_b || !srv.port_c || !srv.port_dead)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    WSP_UNUSED(state);
    if (srv.a)
        MHD_stop_daemon(srv.a);
    if (srv.b)
        MHD_stop_daemon(srv.b);
    if (srv.c)
        MHD_stop_daemon(srv.c);
    if (srv.silent_fd > 0)
        close(srv.silent_fd);
    if (getenv("WASPADA_KEEP_TMP"))
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    else
        support_rmtree(tmpdir);
    free(db_path);
    free(tmpdir);
    return 0;
}

/* ---- the poll --------------------------------------------------------------------------- */

static void test_poll_many_hosts(void **state)
{
    WSP_UNUSED(state);
    char *url = xasprintf("http://127.0.0.1:%u/feed.xml", srv.port_a);
    add_feed(url);
    free(url);
    /* WASPADA_FEED_POLL_ONLY_SLOW=1: the benchmark of the 40 slow pages alone. */
    const char *custom = getenv("WASPADA_FEED_POLL_ARGS");
    bool only_slow = custom && getenv("WASPADA_FEED_POLL_ONLY_SLOW");
    char *dead = xasprintf("http://127.0.0.1:%u/feed.xml", srv.port_dead);
    if (!only_slow) {
        url = xasprintf("http://localhost:%u/lain.xml", srv.port_b);
        add_feed(url);
        free(url);
        add_feed(dead);
        url = xasprintf("http://127.0.0.1:%u/mati.xml", srv.port_c);
        add_feed(url);
        free(url);
    }

    const char *fetch_args = custom ? custom : "--host-delay 50 --fetch-timeout 10";
    int64_t ms;
    char *err = NULL;
    json_t *s = poll_feeds(fetch_args, &ms, &err);
    printf("feed poll: %d pages of %d ms on 4 hosts%s: %.2f s wall, %.2f s in ingest "
           "(%s, ingest --feeds %s)\n"
           "  most at once to one host %d, to all hosts %d\n"
           "  reproduce: WASPADA_BIN=%s %s; one page at a time: "
           "WASPADA_FEED_POLL_ARGS='--fetch-concurrency 1 --per-host 1 --host-delay 0'\n",
           SLOW_PAGES, SLOW_MS,
           only_slow ? ", their feed alone"
                     : ", and 3 more feeds (one dead, one linking to it, one 429 with "
                       "Retry-After: 1)",
           (double)ms / 1000.0, (double)jint(s, "elapsed_ms") / 1000.0, testdb_engine(), fetch_args,
           most_per_host(), srv.max_in_flight, support_bin(), self);
    for (size_t i = 0; i < srv.nhosts; i++)
        printf("  host %-22s %3d requests, robots.txt %d, most at once %d\n", srv.hosts[i].host,
               srv.hosts[i].requests, srv.hosts[i].robots, srv.hosts[i].max_in_flight);
    fflush(stdout);
    if (custom) {
        json_decref(s);
        free(err);
        free(dead);
        return; /* a benchmark run: only the time */
    }

    /* Fast: the 40 slow pages in parallel, the dead and busy sites not holding them up. */
    assert_true(jint(s, "elapsed_ms") < 8000);
    assert_true(ms < 10000);
    /* Polite: never more than 2 at once to one host; but truly concurrent overall. */
    int slow_hosts = 0;
    for (size_t i = 0; i < srv.nhosts; i++) {
        assert_true(srv.hosts[i].max_in_flight <= 2);
        /* robots.txt read once per host and run. */
        assert_int_equal(srv.hosts[i].robots, 1);
        if (srv.hosts[i].max_in_flight == 2)
            slow_hosts++;
    }
    assert_int_equal(slow_hosts, 4);
    assert_true(srv.max_in_flight >= 4);
    assert_int_equal(srv.slow_requests, SLOW_PAGES);
    /* robots.txt: the disallowed page was never asked for; its summary was stored. */
    assert_int_equal(srv.private_requests, 0);
    assert_non_null(strstr(err, "disallowed by robots.txt"));
    /* 429 with Retry-After: 1: asked again, a second later. */
    assert_int_equal(srv.busy_requests, 2);
    assert_true(srv.busy_second_ms - srv.busy_first_ms >= 900);

    /* 40 pages, the summary of the disallowed one, the busy page and the summaries of the
     * pages on the dead port; the dead feed failed. */
    assert_int_equal(jint(s, "read"), ALL_ARTICLES);
    assert_int_equal(jint(s, "new"), ALL_ARTICLES);
    assert_int_equal(jint(s, "feeds_polled"), 3);
    assert_int_equal(jint(s, "feeds_failed"), 1);
    assert_int_equal(jint(s, "errors"), 1);
    assert_int_equal(testdb_int(db_path, "SELECT count(*) FROM articles"), ALL_ARTICLES);
    char *sql = xasprintf("SELECT failures FROM feeds WHERE url = '%s'", dead);
    assert_int_equal(testdb_int(db_path, sql), 1);
    free(sql);
    sql = xasprintf("SELECT last_error FROM feeds WHERE url = '%s'", dead);
    char *why = testdb_text(db_path, sql);
    assert_non_null(strstr(why, "robots.txt unreachable"));
    free(why);
    free(sql);
    assert_int_equal(testdb_int(db_path, "SELECT count(*) FROM feeds WHERE failures > 0"), 1);
    sql = xasprintf("SELECT count(*) FROM articles WHERE url = 'http://localhost:%u/private/"
                    "rapat.html' AND body LIKE '%%irigasi%%'",
                    srv.port_a);
    assert_int_equal(testdb_int(db_path, sql), 1);
    free(sql);

    /* Stored in input order (the feeds' as the store lists them, then each feed's items'),
     * whoever answered first. */
    struct buf want;
    buf_init(&want, 0);
    struct support_run fl;
    const char *list[] = {"feed", "list", "--json", NULL};
    assert_int_equal(run(&fl, list), 0);
    json_t *feeds = json_loads(fl.out, 0, NULL);
    assert_non_null(feeds);
    for (size_t f = 0; f < json_array_size(feeds); f++) {
        const char *fu = json_string_value(json_object_get(json_array_get(feeds, f), "url"));
        assert_non_null(fu);
        if (strstr(fu, "/feed.xml") && !str_eq(fu, dead)) {
            for (int i = 0; i < SLOW_PAGES; i++) {
                char *u = slow_url(i);
                buf_printf(&want, " %s", u);
                free(u);
            }
        } else if (strstr(fu, "/lain.xml")) {
            buf_printf(&want, " http://localhost:%u/private/rapat.html", srv.port_a);
            buf_printf(&want, " http://127.0.0.1:%u/sibuk.html", srv.port_c);
        } else if (strstr(fu, "/mati.xml")) {
            for (int i = 0; i < DEAD_PAGES; i++)
                buf_printf(&want, " http://127.0.0.1:%u/mati/%d.html", srv.port_dead, i + 1);
        }
    }
    json_decref(feeds);
    support_run_free(&fl);
    char *got = testdb_text(
        db_path, testdb_sql("SELECT group_concat(url, ' ') FROM (SELECT url FROM articles "
                            "ORDER BY id)",
                            "SELECT string_agg(url, ' ' ORDER BY id) FROM articles"));
    assert_string_equal(got, buf_cstr(&want) + 1);
    free(got);
    buf_release(&want);
    json_decref(s);
    free(err);

    /* Again: every page is known, so no page is fetched; the dead feed waits its turn. */
    int before = srv.slow_requests;
    s = poll_feeds(fetch_args, &ms, NULL);
    assert_int_equal(jint(s, "duplicates"), ALL_ARTICLES);
    assert_int_equal(jint(s, "new"), 0);
    assert_int_equal(jint(s, "feeds_failed"), 0);
    assert_int_equal(srv.slow_requests, before);
    json_decref(s);
    free(dead);
}

/* A site that never answers holds up nobody: pages given as URLs, two on a socket that never
 * answers (between and before the others), three on a quick site. The quick ones are all
 * asked for at once, not after the silent site's timeouts; the silent site costs one
 * robots.txt request's attempts (3 x 1 s, plus 0.5 s and 1 s of backoff), and its pages fail
 * then without being tried. */
static void test_silent_site(void **state)
{
    WSP_UNUSED(state);
    if (getenv("WASPADA_FEED_POLL_ARGS"))
        skip();
    char *urls[5];
    urls[0] = xasprintf("http://127.0.0.1:%u/diam/1.html", srv.port_silent);
    urls[1] = xasprintf("http://127.0.0.1:%u/cepat/a.html", srv.port_c);
    urls[2] = xasprintf("http://127.0.0.1:%u/diam/2.html", srv.port_silent);
    urls[3] = xasprintf("http://127.0.0.1:%u/cepat/b.html", srv.port_c);
    urls[4] = xasprintf("http://127.0.0.1:%u/cepat/c.html", srv.port_c);
    const char *args[] = {"ingest",
                          "--json",
                          "--threads",
                          "2",
                          "--host-delay",
                          "50",
                          "--fetch-timeout",
                          "1",
                          "--connect-timeout",
                          "1",
                          urls[0],
                          urls[1],
                          urls[2],
                          urls[3],
                          urls[4],
                          NULL};
    struct support_run r;
    int64_t t0 = now_ms();
    run(&r, args);
    int64_t ms = now_ms() - t0;
    printf("silent site: %.2f s in all; the quick pages were all asked for after %.2f s\n",
           (double)ms / 1000.0, (double)(srv.fast_last_ms - t0) / 1000.0);
    if (r.status != 1)
        fail_msg("ingest: exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
    json_t *s = json_loads(r.out, 0, NULL);
    assert_non_null(s);
    assert_int_equal(jint(s, "read"), 5);
    assert_int_equal(jint(s, "new"), 3);
    assert_int_equal(jint(s, "errors"), 2);
    assert_non_null(strstr(r.err, "robots.txt unreachable"));
    assert_int_equal(srv.fast_requests, 3);
    /* The quick site did not wait for the silent one (its robots.txt alone takes 4.5 s). */
    assert_true(srv.fast_last_ms - t0 < 3000);
    assert_true(ms < 12000);
    /* Still stored in the order given. */
    char *sql = xasprintf("SELECT count(*) FROM articles WHERE url IN ('%s', '%s', '%s')", urls[1],
                          urls[3], urls[4]);
    assert_int_equal(testdb_int(db_path, sql), 3);
    free(sql);
    sql = xasprintf("SELECT url FROM articles WHERE id = (SELECT max(id) FROM articles)");
    char *last = testdb_text(db_path, sql);
    assert_string_equal(last, urls[4]);
    free(last);
    free(sql);
    json_decref(s);
    support_run_free(&r);
    for (size_t i = 0; i < 5; i++)
        free(urls[i]);
}

int main(int argc, char **argv)
{
    WSP_UNUSED(argc);
    self = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_many_hosts),
        cmocka_unit_test(test_silent_site),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
