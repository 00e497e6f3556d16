/*
 * Integration tests of the HTTP hardening of issue 10: requests decided from their headers
 * before any body is read (memory under anonymous uploads), evidence uploads through a temporary
 * file, the per-address connection cap and the budget of bodies in flight, JSON-only bodies,
 * malformed URLs, the library's own error pages and HEAD.
 *
 * Most tests speak raw HTTP over a socket, so that they can send headers without the body,
 * count status lines and see exactly what the server wrote. The main server runs with no cap
 * on connections per address (every test client is 127.0.0.1); the caps get servers of their
 * own on the same database.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>
#include <sodium.h>

#include "base/base.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define DEMO_PASSWORD "waspada-demo"
#define MIB ((size_t)1 << 20)

static char *tmpdir;
static char *db_path;
static struct support_server server;
static bool server_running;
static json_int_t big_evidence_id; /* set by test_logged_in_upload, used by test_head */
static size_t big_evidence_len;

/* ---- raw HTTP ----------------------------------------------------------------------------- */

/* A connection from a loopback source address (NULL: the default one). */
static int raw_connect_from(unsigned port, const char *from)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (from) {
        struct sockaddr_in src;
        memset(&src, 0, sizeof(src));
        src.sin_family = AF_INET;
        if (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
            bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
            close(fd);
            return -1;
        }
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int raw_connect(unsigned port)
{
    return raw_connect_from(port, NULL);
}

/* false when the peer has closed (EPIPE, ECONNRESET): no SIGPIPE. */
static bool raw_send(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* True when something (data or the end) can be read within timeout_ms. */
static bool raw_wait(int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, timeout_ms) > 0;
}

/* Everything until the peer closes, or until nothing came for timeout_ms. NUL-terminated. */
static char *raw_read(int fd, int timeout_ms, size_t *len)
{
    struct buf b;
    buf_init(&b, 0);
    char tmp[16384];
    while (raw_wait(fd, timeout_ms)) {
        ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        buf_append(&b, tmp, (size_t)n);
    }
    if (len)
        *len = b.len;
    return b.data ? buf_detach(&b, NULL) : xstrdup("");
}

/* One response on a kept-alive connection: the header block and Content-Length bytes of body
 * (none for HEAD). NULL when it did not come within timeout_ms. */
static char *raw_read_one(int fd, int timeout_ms, bool head)
{
    struct buf b;
    buf_init(&b, 0);
    size_t want = (size_t)-1;
    while (b.len < want && raw_wait(fd, timeout_ms)) {
        char c[4096];
        size_t room = want == (size_t)-1 ? 1 : want - b.len; /* byte by byte until headers */
        ssize_t n = recv(fd, c, room < sizeof(c) ? room : sizeof(c), 0);
        if (n <= 0)
            break;
        buf_append(&b, c, (size_t)n);
        const char *end = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
        if (want == (size_t)-1 && end) {
            const char *cl = strcasestr(b.data, "\r\nContent-Length:");
            size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
            want = (size_t)(end + 4 - b.data) + (head ? 0 : body);
        }
    }
    if (b.len != want) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* Connect, send req, read until the server closes (requests say Connection: close). */
static char *raw_exchange(unsigned port, const char *req, size_t len, int timeout_ms)
{
    int fd = raw_connect(port);
    if (fd < 0)
        return xstrdup("");
    char *r = raw_send(fd, req, len) ? raw_read(fd, timeout_ms, NULL) : xstrdup("");
    close(fd);
    return r;
}

static int resp_status(const char *r)
{
    int status = 0;
    if (sscanf(r, "HTTP/1.%*d %d", &status) != 1)
        return 0;
    return status;
}

/* Status lines in everything the server wrote (one per response). */
static int resp_status_lines(const char *r)
{
    int n = 0;
    for (const char *p = r; (p = strstr(p, "HTTP/1.")) != NULL; p++)
        if (p == r || p[-1] == '\n')
            n++;
    return n;
}

static const char *resp_body(const char *r)
{
    const char *end = strstr(r, "\r\n\r\n");
    return end ? end + 4 : "";
}

/* Value of header `name` in the first header block, malloc'd, or NULL. */
static char *resp_header(const char *r, const char *name)
{
    const char *end = strstr(r, "\r\n\r\n");
    size_t nlen = strlen(name);
    for (const char *line = strstr(r, "\r\n"); line && line < end;
         line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nlen) == 0 && h[nlen] == ':') {
            const char *v = h + nlen + 1;
            while (*v == ' ')
                v++;
            return xstrndup(v, strcspn(v, "\r"));
        }
    }
    return NULL;
}

static void expect_header(const char *r, const char *name, const char *value)
{
    char *v = resp_header(r, name);
    if (!v || strcmp(v, value) != 0)
        fail_msg("header %s: expected '%s', got '%s' in:\n%s", name, value, v ? v : "(none)", r);
    free(v);
}

/* Check status, a single status line and the JSON error envelope with `code`. */
static void expect_error(const char *what, const char *r, int status, const char *code)
{
    if (resp_status(r) != status)
        fail_msg("%s: expected %d, got: '%.300s'", what, status, r);
    assert_int_equal(resp_status_lines(r), 1);
    expect_header(r, "Content-Type", "application/json; charset=utf-8");
    json_error_t jerr;
    json_t *v = json_loads(resp_body(r), 0, &jerr);
    if (!v)
        fail_msg("%s: body is not JSON: %s", what, resp_body(r));
    json_t *e = json_object_get(v, "error");
    if (!json_is_string(json_object_get(e, "code")) ||
        !json_is_string(json_object_get(e, "message")))
        fail_msg("%s: no error envelope: %s", what, resp_body(r));
    if (strcmp(json_string_value(json_object_get(e, "code")), code) != 0)
        fail_msg("%s: expected code %s, got %s", what, code,
                 json_string_value(json_object_get(e, "code")));
    json_decref(v);
}

static long vmrss_kb(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    char *s = support_read_file(path);
    const char *p = s ? strstr(s, "\nVmRSS:") : NULL;
    long kb = p ? strtol(p + 7, NULL, 10) : -1;
    free(s);
    return kb;
}

/* ---- API helpers -------------------------------------------------------------------------- */

struct session {
    struct support_http c;
    char csrf[65];
    char *cookie; /* value of the session cookie */
};

static void login(struct session *s, unsigned port, const char *user)
{
    char base[64];
    snprintf(base, sizeof(base), "http://127.0.0.1:%u", port);
    assert_int_equal(support_http_init(&s->c, base), 0);
    char *body = xasprintf("{\"username\":\"%s\",\"password\":\"%s\"}", user, DEMO_PASSWORD);
    struct support_response r;
    long st = support_http(&s->c, "POST", "/api/v1/auth/login", body, (size_t)-1, NULL, &r);
    if (st != 200)
        fail_msg("login %s: %ld %s", user, st, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    str_copy(s->csrf, json_string_value(json_object_get(v, "csrf_token")), sizeof(s->csrf));
    json_decref(v);
    support_response_free(&r);
    free(body);
    s->cookie = support_http_cookie(&s->c, "waspada_session");
    assert_non_null(s->cookie);
}

static void logout_free(struct session *s)
{
    support_http_cleanup(&s->c);
    free(s->cookie);
}

/* A progress report of province 32 that jabar may edit. */
static json_int_t progress_of_32(struct session *s)
{
    struct support_response r;
    assert_int_equal(support_http(&s->c, "GET", "/api/v1/progress?region=32", NULL, 0, NULL, &r),
                     200);
    json_t *v = json_loads(r.body, 0, NULL);
    json_t *items = json_object_get(v, "items");
    json_int_t id = 0;
    for (size_t i = 0; i < json_array_size(items) && !id; i++)
        if (str_eq(json_string_value(json_object_get(json_array_get(items, i), "region")), "32"))
            id = json_integer_value(json_object_get(json_array_get(items, i), "id"));
    json_decref(v);
    support_response_free(&r);
    assert_true(id > 0);
    return id;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Whole file into *len bytes (malloc'd), or NULL. */
static char *read_binary(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 0);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_append(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return b.data ? buf_detach(&b, NULL) : xstrdup("");
}

/* Names in dir that start with prefix or contain infix (NULL = not checked). */
static int count_entries(const char *dir, const char *prefix, const char *infix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if ((prefix && str_starts_with(e->d_name, prefix)) || (infix && strstr(e->d_name, infix)))
            n++;
    closedir(d);
    return n;
}

static int start_server(struct support_server *s, const char *const extra[])
{
    char *log = support_path(tmpdir, "server-extra.log");
    int rc = support_server_start(s, db_path, extra, log);
    free(log);
    return rc;
}

/* ---- setup ---------------------------------------------------------------------------------- */

static int group_setup(void **state)
{
    WSP_UNUSED(state);
    setenv("WASPADA_FAST_HASH", "1", 1);
    if (sodium_init() < 0)
        return -1;
    tmpdir = support_tmpdir();
    if (!tmpdir)
        return -1;
    db_path = testdb_new(tmpdir, "waspada.db");
    struct support_run r;
    const char *init[] = {"--db", db_path, "init", "--demo", NULL};
    if (support_run(&r, NULL, init) != 0) {
        fprintf(stderr, "init failed (%d): %s\n", r.status, r.err);
        support_run_free(&r);
        return -1;
    }
    support_run_free(&r);
    char *log = support_path(tmpdir, "server.log");
    const char *extra[] = {"--threads", "3", "--max-conns-per-address", "0", NULL};
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
    if (rc != 0 || getenv("WASPADA_KEEP_TMP")) {
        fprintf(stderr, "test files kept in %s\n", tmpdir);
    } else {
        support_rmtree(tmpdir);
    }
    free(db_path);
    free(tmpdir);
    return rc;
}

/* ---- item 1: memory without a login --------------------------------------------------------- */

#define FLOOD_CONNS 60
#define FLOOD_BODY ((size_t)10 << 20)
#define FLOOD_RSS_MAX_KB (60L * 1024) /* growth allowed over idle */

struct flood {
    pthread_barrier_t *ready;
    atomic_int *done;
    const char *chunk; /* 64 KiB */
    bool early;        /* the answer was there before any of the body was sent */
    size_t sent;
    char *resp;
};

static void *flood_run(void *arg)
{
    struct flood *f = arg;
    static const char head[] = "POST /api/v1/progress/1/evidence?filename=bukti.pdf HTTP/1.1\r\n"
                               "Host: 127.0.0.1\r\n"
                               "Content-Type: application/pdf\r\n"
                               "Content-Length: 10485760\r\n\r\n";
    int fd = raw_connect(server.port);
    bool ok = fd >= 0 && raw_send(fd, head, sizeof(head) - 1);
    pthread_barrier_wait(f->ready); /* all connected, all headers sent */
    if (ok) {
        f->early = raw_wait(fd, 5000);
        /* Then the whole body, as the attack did; the server may have closed by now. */
        while (f->sent < FLOOD_BODY && raw_send(fd, f->chunk, 65536))
            f->sent += 65536;
        f->resp = raw_read(fd, 30000, NULL);
    }
    if (fd >= 0)
        close(fd);
    atomic_fetch_add(f->done, 1);
    return NULL;
}

/*
 * 60 anonymous connections announce 10 MiB each to the evidence route and then send it all.
 * Each gets 401 from its headers alone, before any body byte was sent, and the server's
 * resident memory stays within 60 MB of idle (before the fix: 401 only after the whole body,
 * idle 47 MB -> 685 MB).
 */
static void test_anonymous_uploads_answered_before_body(void **state)
{
    WSP_UNUSED(state);
    struct support_http c;
    assert_int_equal(support_http_init(&c, server.base_url), 0);
    struct support_response r;
    assert_int_equal(support_http(&c, "GET", "/api/v1/health", NULL, 0, NULL, &r), 200);
    support_response_free(&r);
    support_http_cleanup(&c);
    long idle = vmrss_kb(server.pid);
    assert_true(idle > 0);

    char *chunk = xmalloc(65536);
    memset(chunk, 'x', 65536);
    memcpy(chunk, "%PDF-1.4\n", 9);
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, FLOOD_CONNS);
    atomic_int done = 0;
    struct flood f[FLOOD_CONNS];
    pthread_t th[FLOOD_CONNS];
    memset(f, 0, sizeof(f));
    for (int i = 0; i < FLOOD_CONNS; i++) {
        f[i].ready = &ready;
        f[i].done = &done;
        f[i].chunk = chunk;
        assert_int_equal(pthread_create(&th[i], NULL, flood_run, &f[i]), 0);
    }
    long peak = idle;
    while (atomic_load(&done) < FLOOD_CONNS) {
        long kb = vmrss_kb(server.pid);
        if (kb > peak)
            peak = kb;
        usleep(2000);
    }
    for (int i = 0; i < FLOOD_CONNS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&ready);
    free(chunk);
    printf("# %d anonymous 10 MiB uploads: VmRSS idle %ld kB, peak %ld kB (+%ld kB)\n", FLOOD_CONNS,
           idle, peak, peak - idle);
    for (int i = 0; i < FLOOD_CONNS; i++) {
        if (!f[i].early)
            fail_msg("connection %d: no answer before the body (%zu bytes sent, got '%.60s')", i,
                     f[i].sent, f[i].resp ? f[i].resp : "");
        expect_error("anonymous upload", f[i].resp, 401, "unauthorized");
        free(f[i].resp);
    }
    if (peak - idle >= FLOOD_RSS_MAX_KB)
        fail_msg("server grew from %ld kB to %ld kB under %d anonymous uploads", idle, peak,
                 FLOOD_CONNS);
}

/* A logged-in 9 MiB upload still works, is stored and served byte-identical, and leaves no
 * temporary file behind. */
static void test_logged_in_upload(void **state)
{
    WSP_UNUSED(state);
    struct session s;
    login(&s, server.port, "jabar");
    json_int_t pid = progress_of_32(&s);

    size_t len = 9 * MIB;
    unsigned char *file = xmalloc(len);
    uint32_t x = 2463534242u; /* xorshift: every byte value, NULs included */
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        file[i] = (unsigned char)x;
    }
    memcpy(file, "%PDF-1.7\n", 9);
    char sha[65];
    sha256_hex(file, len, sha);

    char path[160], hdr[128];
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=laporan-9mb.pdf",
             (long long)pid);
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", s.csrf);
    const char *headers[] = {hdr, NULL};
    struct support_response r;
    long st = support_http(&s.c, "POST", path, (const char *)file, len, headers, &r);
    if (st != 201)
        fail_msg("upload: %ld %s", st, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    json_t *ev = json_object_get(v, "evidence");
    assert_int_equal(json_integer_value(json_object_get(ev, "size")), (json_int_t)len);
    assert_string_equal(json_string_value(json_object_get(ev, "sha256")), sha);
    assert_string_equal(json_string_value(json_object_get(ev, "content_type")), "application/pdf");
    big_evidence_id = json_integer_value(json_object_get(ev, "id"));
    big_evidence_len = len;
    json_decref(v);
    support_response_free(&r);

    /* Stored under its hash, byte for byte. */
    char *fdir = testdb_files_dir(tmpdir, db_path);
    char *stored_path = xasprintf("%s/%s", fdir, sha);
    free(fdir);
    size_t stored_len = 0;
    char *stored = read_binary(stored_path, &stored_len);
    assert_non_null(stored);
    assert_int_equal(stored_len, len);
    assert_memory_equal(stored, file, len);
    free(stored);
    free(stored_path);

    /* Served back byte for byte. */
    snprintf(path, sizeof(path), "/api/v1/evidence/%lld", (long long)big_evidence_id);
    assert_int_equal(support_http(&s.c, "GET", path, NULL, 0, NULL, &r), 200);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, file, len);
    support_response_free(&r);

    /* No temporary files: the upload file is nameless, the store's renamed into place. */
    char *files_dir = testdb_files_dir(tmpdir, db_path);
    assert_int_equal(count_entries(tmpdir, ".waspada-upload-", NULL), 0);
    assert_int_equal(count_entries(files_dir, NULL, ".tmp-"), 0);
    free(files_dir);
    free(file);
    logout_free(&s);
}

/* The evidence store's temporary name was "<hash>.tmp-<pid>": the same in every thread of the
 * server, so two uploads of one file at once wrote into one file, and a leftover of that name
 * failed every later upload of the content (500). Now the name is unique. */
static void test_evidence_temp_name_unique(void **state)
{
    WSP_UNUSED(state);
    struct session s;
    login(&s, server.port, "jabar");
    json_int_t pid = progress_of_32(&s);
    static const char pdf[] = "%PDF-1.4\n% notulen rapat tim terpadu, salinan kedua\n%%EOF\n";
    char sha[65];
    sha256_hex(pdf, sizeof(pdf) - 1, sha);
    char *files_dir = testdb_files_dir(tmpdir, db_path);
    mkdir(files_dir, 0750);
    char *stale = xasprintf("%s/%s.tmp-%d", files_dir, sha, (int)server.pid);
    assert_int_equal(mkdir(stale, 0750), 0);

    char path[160], hdr[128];
    snprintf(path, sizeof(path), "/api/v1/progress/%lld/evidence?filename=notulen-2.pdf",
             (long long)pid);
    snprintf(hdr, sizeof(hdr), "X-CSRF-Token: %s", s.csrf);
    const char *headers[] = {hdr, NULL};
    struct support_response r;
    long st = support_http(&s.c, "POST", path, pdf, sizeof(pdf) - 1, headers, &r);
    if (st != 201)
        fail_msg("upload beside a stale temporary name: %ld %s", st, r.body);
    support_response_free(&r);
    char *stored = xasprintf("%s/%s", files_dir, sha);
    char *content = support_read_file(stored);
    assert_non_null(content);
    assert_string_equal(content, pdf);
    free(content);
    free(stored);
    rmdir(stale);
    free(stale);
    free(files_dir);
    logout_free(&s);
}

/* ---- item 1: every refusal comes from the headers alone ------------------------------------- */

/*
 * Headers announcing a body the client never sends: the answer must come at once, with one
 * status line, the JSON envelope and Connection: close (the body is not read). Before the fix
 * only 413 came early; the others waited for a body that never came.
 */
static void test_refused_from_headers(void **state)
{
    WSP_UNUSED(state);
    struct session s;
    login(&s, server.port, "jabar");
    char cookie[128];
    snprintf(cookie, sizeof(cookie), "Cookie: waspada_session=%s\r\n", s.cookie);
    static const struct {
        const char *line;
        const char *type;
        const char *length;
        bool with_cookie;
        int status;
        const char *code;
    } cases[] = {
        {"POST /api/v1/nope", "application/json", "10485760", false, 404, "not_found"},
        {"PUT /api/v1/health", "application/json", "10485760", false, 405, "method_not_allowed"},
        {"POST /api/v1/auth/login", "application/json", "2097152", false, 413, "too_large"},
        {"POST /api/v1/progress/1/evidence?filename=a.pdf", "application/pdf", "10485761", false,
         413, "too_large"},
        {"POST /api/v1/auth/login", "text/plain", "1000", false, 415, "unsupported_media_type"},
        {"POST /api/v1/reports", "application/json", "1000", false, 401, "unauthorized"},
        {"POST /api/v1/progress/1/evidence?filename=a.pdf", "application/pdf", "10485760", false,
         401, "unauthorized"},
        {"POST /api/v1/reports", "application/json", "1000", true, 403, "forbidden"},
        {"POST /api/v1/progress/1/evidence?filename=a.pdf", "application/pdf", "10485760", true,
         403, "forbidden"},
        {"POST /api/v1/regions/32%00zzz", "application/json", "1000", false, 400, "invalid"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        char *req = xasprintf("%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
                              "Content-Length: %s\r\n%s\r\n",
                              cases[i].line, cases[i].type, cases[i].length,
                              cases[i].with_cookie ? cookie : "");
        int64_t t0 = time_mono_ms();
        char *r = raw_exchange(server.port, req, strlen(req), 5000);
        if (time_mono_ms() - t0 > 4000 || !r[0])
            fail_msg("%s: no answer without the body", cases[i].line);
        expect_error(cases[i].line, r, cases[i].status, cases[i].code);
        expect_header(r, "Connection", "close");
        if (cases[i].status == 405)
            expect_header(r, "Allow", "GET, HEAD");
        free(r);
        free(req);
    }
    logout_free(&s);

    /* A refusal without a body keeps the connection: two 401s on one connection. */
    int fd = raw_connect(server.port);
    assert_true(fd >= 0);
    static const char me[] = "GET /api/v1/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (int i = 0; i < 2; i++) {
        assert_true(raw_send(fd, me, sizeof(me) - 1));
        char *r = raw_read_one(fd, 5000, false);
        assert_non_null(r);
        expect_error("GET /api/v1/auth/me", r, 401, "unauthorized");
        char *conn = resp_header(r, "Connection");
        assert_null(conn);
        free(r);
    }
    close(fd);
}

/* ---- item 1: the caps ------------------------------------------------------------------------ */

/* Send headers with Expect: 100-continue and wait for "100 Continue": the server has accepted
 * the headers (and reserved the body's bytes). Returns the connection, or -1 with *refusal
 * set to what came instead. */
static int expect_continue_from(unsigned port, const char *from, size_t length, char **refusal)
{
    *refusal = NULL;
    int fd = raw_connect_from(port, from);
    assert_true(fd >= 0);
    char *req = xasprintf("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                          "Expect: 100-continue\r\n\r\n",
                          length);
    assert_true(raw_send(fd, req, strlen(req)));
    free(req);
    char got[64] = "";
    size_t n = 0;
    while (n < 25 && raw_wait(fd, 5000)) {
        ssize_t k = recv(fd, got + n, 25 - n, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    got[n] = '\0';
    if (str_starts_with(got, "HTTP/1.1 100 Continue\r\n\r\n"))
        return fd;
    char *rest = raw_read(fd, 2000, NULL);
    *refusal = xasprintf("%s%s", got, rest);
    free(rest);
    close(fd);
    return -1;
}

static int expect_continue(unsigned port, size_t length, char **refusal)
{
    return expect_continue_from(port, NULL, length, refusal);
}

/* A login body of exactly len bytes: JSON padded with spaces. */
static char *login_body(size_t len)
{
    char *b = xmalloc(len + 1);
    memset(b, ' ', len);
    b[len] = '\0';
    static const char json[] = "{\"username\":\"jabar\",\"password\":\"" DEMO_PASSWORD "\"}";
    memcpy(b, json, sizeof(json) - 1);
    return b;
}

/*
 * --body-budget 100000 with --body-max 65536: while one login holds 60000 bytes, a second
 * announcing 60000 gets 503 + Retry-After from its headers; a chunked one that outgrows the
 * budget gets 503 at its end; once the first is done the bytes are free again. And a budget
 * below the body cap does not start.
 */
/* A server with a body budget of 100000 bytes and bodies of at most 65536. */
static int start_budget_server(struct support_server *b)
{
    const char *extra[] = {"--threads",
                           "2",
                           "--body-max",
                           "65536",
                           "--body-budget",
                           "100000",
                           "--max-conns-per-address",
                           "0",
                           NULL};
    return start_server(b, extra);
}

/*
 * One client address holds at most a quarter of the body budget (and at least one whole
 * body): here 65536 of 100000. Before, one address could take it all: its second body (60000
 * + 35000) was accepted and every other client then got 503.
 */
static void test_body_budget_per_address(void **state)
{
    WSP_UNUSED(state);
    struct support_server b;
    assert_int_equal(start_budget_server(&b), 0);
    char *refusal;
    int a1 = expect_continue_from(b.port, "127.0.0.1", 60000, &refusal);
    if (a1 < 0)
        fail_msg("first body refused: %s", refusal);
    int a2 = expect_continue_from(b.port, "127.0.0.1", 35000, &refusal);
    if (a2 >= 0)
        fail_msg("a second body of the same address went over its share");
    expect_error("second body of one address", refusal, 503, "busy");
    free(refusal);
    int b1 = expect_continue_from(b.port, "127.0.0.2", 30000, &refusal);
    if (b1 < 0)
        fail_msg("another address was refused: %s", refusal);
    /* both complete */
    int fds[2] = {a1, b1};
    size_t lens[2] = {60000, 30000};
    for (int i = 0; i < 2; i++) {
        char *body = login_body(lens[i]);
        assert_true(raw_send(fds[i], body, lens[i]));
        free(body);
        char *r = raw_read_one(fds[i], 5000, false);
        assert_non_null(r);
        assert_int_equal(resp_status(r), 200);
        free(r);
        close(fds[i]);
    }
    assert_int_equal(support_server_stop(&b), 0);
}

static void test_body_budget(void **state)
{
    WSP_UNUSED(state);
    struct support_server b;
    assert_int_equal(start_budget_server(&b), 0);
    char *refusal;
    int first = expect_continue(b.port, 60000, &refusal);
    if (first < 0)
        fail_msg("first body refused: %s", refusal);

    static const char second[] = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n";
    char *r = raw_exchange(b.port, second, sizeof(second) - 1, 5000);
    expect_error("second body", r, 503, "busy");
    expect_header(r, "Retry-After", "5");
    free(r);

    /* Chunked: 45000 bytes in 5000-byte chunks go over the 40000 left. */
    int fd = raw_connect(b.port);
    assert_true(fd >= 0);
    static const char chunked[] = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Content-Type: application/json\r\n"
                                  "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    assert_true(raw_send(fd, chunked, sizeof(chunked) - 1));
    char *body = login_body(45000);
    for (size_t off = 0; off < 45000; off += 5000) {
        char size[16];
        snprintf(size, sizeof(size), "%x\r\n", 5000);
        assert_true(raw_send(fd, size, strlen(size)));
        assert_true(raw_send(fd, body + off, 5000));
        assert_true(raw_send(fd, "\r\n", 2));
    }
    assert_true(raw_send(fd, "0\r\n\r\n", 5));
    free(body);
    r = raw_read(fd, 5000, NULL);
    close(fd);
    expect_error("chunked body over the budget", r, 503, "busy");
    free(r);

    /* The first one completes. */
    body = login_body(60000);
    assert_true(raw_send(first, body, 60000));
    free(body);
    r = raw_read_one(first, 5000, false);
    assert_non_null(r);
    assert_int_equal(resp_status(r), 200);
    free(r);
    close(first);

    /* Its bytes are back (released when the request completes, just after its answer). */
    fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) {
        fd = expect_continue(b.port, 60000, &refusal);
        if (fd < 0) {
            assert_int_equal(resp_status(refusal), 503);
            free(refusal);
            usleep(20000);
        }
    }
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(support_server_stop(&b), 0);

    struct support_run run;
    const char *bad[] = {"--db",       db_path, "serve",         "--listen", "127.0.0.1:0",
                         "--body-max", "65536", "--body-budget", "1024",     NULL};
    assert_int_equal(support_run(&run, NULL, bad), 3); /* CLI_INVALID */
    if (!strstr(run.err, "body budget 1024 is below the body cap 65536"))
        fail_msg("unexpected error: %s", run.err);
    support_run_free(&run);
}

/* --max-conns-per-address 4: a fifth connection from 127.0.0.1 is closed unanswered; when one
 * of the four goes, a new one is served. */
static void test_connections_per_address(void **state)
{
    WSP_UNUSED(state);
    struct support_server c;
    const char *extra[] = {"--max-conns-per-address", "4", NULL};
    assert_int_equal(start_server(&c, extra), 0);
    static const char health[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    int fds[4];
    for (int i = 0; i < 4; i++) {
        fds[i] = raw_connect(c.port);
        assert_true(fds[i] >= 0);
        assert_true(raw_send(fds[i], health, sizeof(health) - 1));
        char *r = raw_read_one(fds[i], 5000, false);
        assert_non_null(r);
        assert_int_equal(resp_status(r), 200);
        free(r);
    }
    int fifth = raw_connect(c.port);
    assert_true(fifth >= 0);
    raw_send(fifth, health, sizeof(health) - 1);
    size_t len = 0;
    char *r = raw_read(fifth, 5000, &len);
    if (len != 0)
        fail_msg("fifth connection was served: %.80s", r);
    free(r);
    close(fifth);

    close(fds[0]);
    bool served = false;
    for (int i = 0; i < 100 && !served; i++) {
        int fd = raw_connect(c.port);
        assert_true(fd >= 0);
        raw_send(fd, health, sizeof(health) - 1);
        r = raw_read_one(fd, 2000, false);
        served = r && resp_status(r) == 200;
        free(r);
        close(fd);
        if (!served)
            usleep(20000);
    }
    assert_true(served);
    for (int i = 1; i < 4; i++)
        close(fds[i]);
    assert_int_equal(support_server_stop(&c), 0);
}

/* ---- item 6: HTTP-level bits ----------------------------------------------------------------- */

/* JSON routes take JSON only: a login posted as a form or as text/plain (what a cross-site
 * <form> can send) is refused with 415, before it could log anyone in. */
static void test_json_content_type(void **state)
{
    WSP_UNUSED(state);
    static const char body[] = "{\"username\":\"jabar\",\"password\":\"" DEMO_PASSWORD "\"}";
    static const struct {
        const char *type; /* NULL: no Content-Type header */
        int status;
    } cases[] = {
        {"text/plain", 415},
        {"text/plain; charset=utf-8", 415},
        {"application/x-www-form-urlencoded", 415},
        {"multipart/form-data; boundary=x", 415},
        {NULL, 415},
        {"application/jsonp", 415},
        {"application/json; charset=iso-8859-1", 415},
        {"application/json;", 415},
        {"application/json", 200},
        {"application/json;charset=utf-8", 200},
        {"Application/JSON; Charset=\"UTF-8\"", 200},
        {"application/json; charset=utf-8; q=1", 200},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        char type[96] = "";
        if (cases[i].type)
            snprintf(type, sizeof(type), "Content-Type: %s\r\n", cases[i].type);
        char *req = xasprintf("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                              type, sizeof(body) - 1, body);
        char *r = raw_exchange(server.port, req, strlen(req), 5000);
        if (resp_status(r) != cases[i].status)
            fail_msg("Content-Type '%s': expected %d, got '%.200s'",
                     cases[i].type ? cases[i].type : "(none)", cases[i].status, r);
        if (cases[i].status == 415)
            expect_error(cases[i].type ? cases[i].type : "(none)", r, 415,
                         "unsupported_media_type");
        free(r);
        free(req);
    }

    /* The upload route takes any type (the file's own), and a POST without body needs none. */
    struct session s;
    login(&s, server.port, "jabar");
    json_int_t pid = progress_of_32(&s);
    static const char pdf[] = "%PDF-1.4\n% daftar hadir\n%%EOF\n";
    char *req = xasprintf("POST /api/v1/progress/%lld/evidence?filename=hadir.pdf HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\nCookie: waspada_session=%s\r\nX-CSRF-Token: %s\r\n"
                          "Content-Type: application/pdf\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          (long long)pid, s.cookie, s.csrf, sizeof(pdf) - 1, pdf);
    char *r = raw_exchange(server.port, req, strlen(req), 5000);
    assert_int_equal(resp_status(r), 201);
    free(r);
    free(req);
    req = xasprintf("POST /api/v1/auth/logout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Cookie: waspada_session=%s\r\nX-CSRF-Token: %s\r\nConnection: close\r\n\r\n",
                    s.cookie, s.csrf);
    r = raw_exchange(server.port, req, strlen(req), 5000);
    assert_int_equal(resp_status(r), 200);
    free(r);
    free(req);
    logout_free(&s);
}

/* %00 and malformed %-escapes in the path or the query: 400 (before: %00 cut the path, and
 * /api/v1/regions/32%00zzz answered Jawa Barat). */
static void test_malformed_url(void **state)
{
    WSP_UNUSED(state);
    static const struct {
        const char *target;
        int status;
    } cases[] = {
        {"/api/v1/regions/32%00zzz", 400},
        {"/api/v1/regions/32%zz", 400},
        {"/api/v1/regions/32%4", 400},
        {"/api/v1/regions/32%", 400},
        {"/api/v1/regions?q=band%00ung", 400},
        {"/api/v1/regions?q=band%g0", 400},
        {"/index.html%00.png", 400},
        {"/api/v1/regions/32", 200},
        {"/api/v1/regions?q=jawa%20barat&limit=1", 200},
        {"/api/v1/regions/%33%32", 200},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        char *req = xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                              cases[i].target);
        char *r = raw_exchange(server.port, req, strlen(req), 5000);
        if (resp_status(r) != cases[i].status)
            fail_msg("%s: expected %d, got '%.300s'", cases[i].target, cases[i].status, r);
        if (cases[i].status == 400)
            expect_error(cases[i].target, r, 400, "invalid");
        free(r);
        free(req);
    }
}

/*
 * The library's own refusals. A long target or a big header block that fits the library's
 * buffers gets our JSON 414 / 431; past them, and for an unsupported HTTP version or a bad
 * Content-Length, libmicrohttpd answers with its own HTML page (0.9.75 has no hook for those):
 * one status line each, the connection closed.
 */
static void test_library_refusals(void **state)
{
    WSP_UNUSED(state);
    char *long_q = xmalloc(10001);
    memset(long_q, 'a', 10000);
    long_q[10000] = '\0';
    char *req = xasprintf("GET /api/v1/health?q=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", long_q);
    char *r = raw_exchange(server.port, req, strlen(req), 5000);
    expect_error("10000-byte target", r, 414, "uri_too_long");
    free(r);
    free(req);
    req = xasprintf("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: %s\r\n"
                    "X-Filler-2: %s\r\n\r\n",
                    long_q, long_q);
    r = raw_exchange(server.port, req, strlen(req), 5000);
    expect_error("20000-byte header block", r, 431, "header_fields_too_large");
    free(r);
    free(req);
    free(long_q);

    char *huge = xmalloc(40001);
    memset(huge, 'a', 40000);
    huge[40000] = '\0';
    static const struct {
        const char *fmt;
        int status;
    } lib[] = {
        {"GET /api/v1/health?q=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414},
        {"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: %s\r\n\r\n", 431},
        {"GET /api/v1/health%.0s HTTP/2.5\r\nHost: 127.0.0.1\r\n\r\n", 505},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(lib); i++) {
        req = xasprintf(lib[i].fmt, huge);
        r = raw_exchange(server.port, req, strlen(req), 5000);
        if (resp_status(r) != lib[i].status)
            fail_msg("expected %d, got '%.200s'", lib[i].status, r);
        assert_int_equal(resp_status_lines(r), 1);
        expect_header(r, "Connection", "close");
        free(r);
        free(req);
    }
    free(huge);

    /* A malformed Content-Length: 400 from the library. libmicrohttpd up to 0.9.75 writes its
     * header block twice here (transmit_error_response() in parse_connection_headers(), then
     * the state machine builds the reply again); no option or callback reaches that path, so
     * on those versions the test only checks that both blocks are the same 400. */
    static const char bad_cl[] = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 12abc\r\n\r\n";
    r = raw_exchange(server.port, bad_cl, sizeof(bad_cl) - 1, 5000);
    assert_int_equal(resp_status(r), 400);
#if MHD_VERSION > 0x00097500
    assert_int_equal(resp_status_lines(r), 1);
#else
    int lines = resp_status_lines(r);
    assert_true(lines == 1 || lines == 2);
    if (lines == 2)
        assert_int_equal(resp_status(strstr(r + 1, "\nHTTP/1.") + 1), 400);
#endif
    free(r);
}

/* HEAD works on every GET route: the same status and headers, no body (before: 405). */
static void test_head(void **state)
{
    WSP_UNUSED(state);
    static const char *const paths[] = {"/api/v1/health", "/api/v1/regions/32",
                                        "/api/v1/regions?q=bandung&limit=3", "/api/v1/public/risk"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(paths); i++) {
        int fd = raw_connect(server.port);
        assert_true(fd >= 0);
        char *get = xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", paths[i]);
        char *head = xasprintf("HEAD %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", paths[i]);
        assert_true(raw_send(fd, get, strlen(get)));
        char *g = raw_read_one(fd, 5000, false);
        assert_non_null(g);
        assert_true(raw_send(fd, head, strlen(head)));
        char *h = raw_read_one(fd, 5000, true);
        if (!h || resp_status(h) != 200)
            fail_msg("HEAD %s: '%.200s'", paths[i], h ? h : "(nothing)");
        assert_int_equal(resp_status(g), 200);
        char *glen = resp_header(g, "Content-Length");
        assert_non_null(glen);
        expect_header(h, "Content-Length", glen);
        assert_int_equal(strtoul(glen, NULL, 10), strlen(resp_body(g)));
        char *gtype = resp_header(g, "Content-Type");
        expect_header(h, "Content-Type", gtype);
        assert_string_equal(resp_body(h), "");
        /* Nothing follows the HEAD answer: a third request gets a fresh response. */
        assert_true(raw_send(fd, get, strlen(get)));
        char *g2 = raw_read_one(fd, 5000, false);
        assert_non_null(g2);
        assert_int_equal(resp_status(g2), 200);
        free(g2);
        free(gtype);
        free(glen);
        free(g);
        free(h);
        free(get);
        free(head);
        close(fd);
    }
    /* An anonymous HEAD on a session route: 401, without body. */
    static const char me[] =
        "HEAD /api/v1/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    char *r = raw_exchange(server.port, me, sizeof(me) - 1, 5000);
    assert_int_equal(resp_status(r), 401);
    assert_string_equal(resp_body(r), "");
    free(r);
    /* The evidence file (test_logged_in_upload): its type and size, not its bytes. */
    if (big_evidence_id) {
        struct session s;
        login(&s, server.port, "jabar");
        char *req = xasprintf("HEAD /api/v1/evidence/%lld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Cookie: waspada_session=%s\r\nConnection: close\r\n\r\n",
                              (long long)big_evidence_id, s.cookie);
        size_t len = 0;
        int fd = raw_connect(server.port);
        assert_true(fd >= 0 && raw_send(fd, req, strlen(req)));
        r = raw_read(fd, 5000, &len);
        close(fd);
        assert_int_equal(resp_status(r), 200);
        expect_header(r, "Content-Type", "application/pdf");
        char *cl = xasprintf("%zu", big_evidence_len);
        expect_header(r, "Content-Length", cl);
        assert_int_equal(len, (size_t)(resp_body(r) - r));
        free(cl);
        free(r);
        free(req);
        logout_free(&s);
    }
    /* 405 lists HEAD beside GET. */
    static const char del[] =
        "DELETE /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    r = raw_exchange(server.port, del, sizeof(del) - 1, 5000);
    expect_error("DELETE /api/v1/health", r, 405, "method_not_allowed");
    expect_header(r, "Allow", "GET, HEAD");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymous_uploads_answered_before_body),
        cmocka_unit_test(test_logged_in_upload),
        cmocka_unit_test(test_evidence_temp_name_unique),
        cmocka_unit_test(test_refused_from_headers),
        cmocka_unit_test(test_body_budget),
        cmocka_unit_test(test_body_budget_per_address),
        cmocka_unit_test(test_connections_per_address),
        cmocka_unit_test(test_json_content_type),
        cmocka_unit_test(test_malformed_url),
        cmocka_unit_test(test_library_refusals),
        cmocka_unit_test(test_head),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
