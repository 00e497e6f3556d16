/* HTTP fetching for ingest: a pool of concurrent transfers on one libcurl multi handle, polite
 * per host (robots.txt, a limit and a delay, Retry-After, backoff). Every transfer has
 * timeouts, a size cap, limited redirects (http and https only), a User-Agent and conditional
 * GET. See ingest_internal.h for the contract. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "ingest/ingest_internal.h"

enum robots_state { ROBOTS_NONE, ROBOTS_PENDING, ROBOTS_READY };

struct sink {
    struct buf body;
    bool too_big;
    bool truncate; /* robots.txt: keep the first bytes, drop the rest, no error */
    char *etag, *last_modified, *retry_after;
};

struct host;

struct req {
    struct req *next; /* in its host's queue (by prio), or in the finished list */
    struct host *host;
    char *url, *etag, *last_modified;
    uint64_t prio;
    bool robots;  /* the host's robots.txt */
    bool allowed; /* robots.txt has been asked, and allows it */
    int attempt;  /* attempts made */
    long backoff_ms;
    int64_t not_before; /* monotonic ms */
    fetch_done_fn done;
    void *ctx;
    /* in flight */
    struct req *anext; /* the pool's list of transfers in flight */
    CURL *easy;
    struct curl_slist *hdrs;
    struct sink sink;
    char errbuf[CURL_ERROR_SIZE];
    /* finished */
    int rc;
    struct error err;
    struct fetch_result res;
};

struct host {
    struct host *next;
    char *key;         /* "https://example.org:443" */
    struct req *queue; /* waiting, lowest prio first */
    unsigned active;
    int64_t last_start;    /* monotonic ms; 0 = never */
    int64_t backoff_until; /* monotonic ms: the host asked us to wait, or failed */
    long delay_ms;
    enum robots_state robots_state;
    struct ingest_robots robots;
    bool closed; /* given up for the run: why */
    char why[300];
};

struct fetch_pool {
    const struct ingest_config *cfg;
    CURLM *multi;
    struct host *hosts, *hosts_tail;
    struct req *finished, *finished_tail;
    struct req *inflight;
    size_t pending; /* requests added and not yet done (robots.txt not counted) */
    unsigned active;
    uint64_t max_prio;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
    if (s->truncate) {
        size_t room = s->body.max > s->body.len ? s->body.max - s->body.len : 0;
        buf_append(&s->body, data, n < room ? n : room);
        return n;
    }
    buf_append(&s->body, data, n);
    if (s->body.oom) {
        s->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Header value of "Name: value\r\n" when the line has that name, trimmed, malloc'd. */
static char *header_value(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return NULL;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    return end > v ? xstrndup(v, (size_t)(end - v)) : NULL;
}

static void replace(char **slot, char *v)
{
    free(*slot);
    *slot = v;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a redirect): forget the previous one's headers. */
        replace(&s->etag, NULL);
        replace(&s->last_modified, NULL);
        replace(&s->retry_after, NULL);
        return n;
    }
    char *v;
    if ((v = header_value(data, n, "ETag")))
        replace(&s->etag, v);
    else if ((v = header_value(data, n, "Last-Modified")))
        replace(&s->last_modified, v);
    else if ((v = header_value(data, n, "Retry-After")))
        replace(&s->retry_after, v);
    return n;
}

static void sink_release(struct sink *s)
{
    buf_release(&s->body);
    free(s->etag);
    free(s->last_modified);
    free(s->retry_after);
    memset(s, 0, sizeof(*s));
}

void fetch_result_free(struct fetch_result *r)
{
    free(r->body);
    free(r->etag);
    free(r->last_modified);
    free(r->effective_url);
    free(r->content_type);
    memset(r, 0, sizeof(*r));
}

static bool transient(CURLcode rc, long status)
{
    if (rc == CURLE_OK)
        return status >= 500 || status == 429;
    return rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
           rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
           rc == CURLE_PARTIAL_FILE || rc == CURLE_COULDNT_RESOLVE_HOST;
}

/* The site is not there: no HTTP answer at all after every attempt. */
static bool unreachable(CURLcode rc, long status)
{
    return status == 0 && (rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                           rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_GOT_NOTHING);
}

/* ---- hosts ---------------------------------------------------------------------------------- */

/* "scheme://host:port" of url, and its path with the query ("/a?b"); false when url does not
 * parse as http(s). */
static bool split_url(const char *url, char **key, char **path)
{
    *key = *path = NULL;
    CURLU *u = curl_url();
    if (!u)
        return false;
    char *scheme = NULL, *hostname = NULL, *port = NULL, *p = NULL, *q = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &hostname, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
              (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0);
    if (ok) {
        curl_url_get(u, CURLUPART_PATH, &p, 0);
        curl_url_get(u, CURLUPART_QUERY, &q, 0);
        *key = xasprintf("%s://%s:%s", scheme, hostname, port);
        for (char *c = *key; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        *path = q ? xasprintf("%s?%s", p && *p ? p : "/", q) : xstrdup(p && *p ? p : "/");
    }
    curl_free(scheme);
    curl_free(hostname);
    curl_free(port);
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    return ok;
}

static struct host *host_get(struct fetch_pool *p, const char *key)
{
    for (struct host *h = p->hosts; h; h = h->next)
        if (str_eq(h->key, key))
            return h;
    struct host *h = xcalloc(1, sizeof(*h));
    h->key = xstrdup(key);
    h->delay_ms = p->cfg->host_delay_ms;
    if (p->hosts_tail)
        p->hosts_tail->next = h;
    else
        p->hosts = h;
    p->hosts_tail = h;
    return h;
}

/* Into the host's queue, after every request of lower or equal prio. */
static void enqueue(struct host *h, struct req *r)
{
    struct req **pp = &h->queue;
    while (*pp && (*pp)->prio <= r->prio)
        pp = &(*pp)->next;
    r->next = *pp;
    *pp = r;
}

static void finish(struct fetch_pool *p, struct req *r)
{
    r->next = NULL;
    if (p->finished_tail)
        p->finished_tail->next = r;
    else
        p->finished = r;
    p->finished_tail = r;
}

static void fail(struct fetch_pool *p, struct req *r, int code, const char *fmt, ...)
    WSP_PRINTF(4, 5);

static void fail(struct fetch_pool *p, struct req *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->rc = code;
    r->err.code = code;
    vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
    va_end(ap);
    finish(p, r);
}

static void req_free(struct req *r)
{
    curl_slist_free_all(r->hdrs);
    free(r->url);
    free(r->etag);
    free(r->last_modified);
    sink_release(&r->sink);
    fetch_result_free(&r->res);
    free(r);
}

/* Give a host up for the run: its waiting requests fail with why. */
static void host_close(struct fetch_pool *p, struct host *h, const char *fmt, ...) WSP_PRINTF(3, 4);

static void host_close(struct fetch_pool *p, struct host *h, const char *fmt, ...)
{
    if (!h->closed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(h->why, sizeof(h->why), fmt, ap);
        va_end(ap);
        h->closed = true;
        LOG_I("ingest", "%s: %s; its other pages are not fetched in this run", h->key, h->why);
    }
    while (h->queue) {
        struct req *r = h->queue;
        h->queue = r->next;
        if (r->robots) {
            req_free(r);
            continue;
        }
        fail(p, r, WSP_EIO, "'%s': not fetched: %s", r->url, h->why);
    }
}

/* ---- the pool ------------------------------------------------------------------------------- */

struct fetch_pool *fetch_pool_new(const struct ingest_config *cfg)
{
    CURLM *m = curl_multi_init();
    if (!m)
        return NULL;
    struct fetch_pool *p = xcalloc(1, sizeof(*p));
    p->cfg = cfg;
    p->multi = m;
    p->max_prio = UINT64_MAX;
    return p;
}

void fetch_pool_free(struct fetch_pool *p)
{
    if (!p)
        return;
    for (struct host *h = p->hosts, *hn; h; h = hn) {
        hn = h->next;
        for (struct req *r = h->queue, *rn; r; r = rn) {
            rn = r->next;
            req_free(r);
        }
        ingest_robots_release(&h->robots);
        free(h->key);
        free(h);
    }
    for (struct req *r = p->finished, *rn; r; r = rn) {
        rn = r->next;
        req_free(r);
    }
    for (struct req *r = p->inflight, *rn; r; r = rn) {
        rn = r->anext;
        curl_multi_remove_handle(p->multi, r->easy);
        curl_easy_cleanup(r->easy);
        req_free(r);
    }
    curl_multi_cleanup(p->multi);
    free(p);
}

void fetch_pool_add(struct fetch_pool *p, const char *url, const char *etag,
                    const char *last_modified, uint64_t prio, fetch_done_fn done, void *ctx)
{
    struct req *r = xcalloc(1, sizeof(*r));
    r->url = xstrdup(url);
    r->etag = etag ? xstrdup(etag) : NULL;
    r->last_modified = last_modified ? xstrdup(last_modified) : NULL;
    r->prio = prio;
    r->done = done;
    r->ctx = ctx;
    r->backoff_ms = p->cfg->backoff_ms;
    p->pending++;
    char *key, *path;
    if (!split_url(url, &key, &path)) {
        fail(p, r, WSP_EIO, "'%s': not an http(s) URL", url);
        return;
    }
    struct host *h = host_get(p, key);
    r->host = h;
    if (h->robots_state == ROBOTS_NONE) {
        struct req *rb = xcalloc(1, sizeof(*rb));
        rb->url = xasprintf("%s/robots.txt", key);
        rb->robots = true;
        rb->host = h;
        rb->backoff_ms = p->cfg->backoff_ms;
        enqueue(h, rb); /* prio 0: first */
        h->robots_state = ROBOTS_PENDING;
    }
    enqueue(h, r);
    if (h->closed)
        host_close(p, h, "%s", h->why);
    free(key);
    free(path);
}

void fetch_pool_limit(struct fetch_pool *p, uint64_t max_prio)
{
    p->max_prio = max_prio;
}

void fetch_pool_wakeup(struct fetch_pool *p)
{
    curl_multi_wakeup(p->multi);
}

/* A request that could not even start (no memory): robots.txt then counts as unreachable. */
static void abandon(struct fetch_pool *p, struct req *r, int code, const char *why)
{
    if (r->robots) {
        r->host->robots_state = ROBOTS_READY;
        host_close(p, r->host, "robots.txt not fetched: %s", why);
        req_free(r);
        return;
    }
    fail(p, r, code, "'%s': %s", r->url, why);
}

static void start(struct fetch_pool *p, struct req *r, int64_t now)
{
    const struct ingest_config *cfg = p->cfg;
    struct host *h = r->host;
    h->queue = r->next;
    r->next = NULL;
    r->attempt++;
    sink_release(&r->sink);
    buf_init(&r->sink.body, r->robots ? INGEST_ROBOTS_MAX : cfg->max_bytes);
    r->sink.truncate = r->robots;
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    char *line;
    if (r->etag) {
        line = xasprintf("If-None-Match: %s", r->etag);
        r->hdrs = curl_slist_append(r->hdrs, line);
        free(line);
    }
    if (r->last_modified) {
        line = xasprintf("If-Modified-Since: %s", r->last_modified);
        r->hdrs = curl_slist_append(r->hdrs, line);
        free(line);
    }
    CURL *c = curl_easy_init();
    if (!c) {
        abandon(p, r, WSP_ENOMEM, "cannot create a transfer");
        return;
    }
    r->easy = c;
    r->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, cfg->max_redirects);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout_s);
    if (!r->robots)
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_bytes);
    curl_easy_setopt(c, CURLOPT_USERAGENT, FETCH_AGENT "/" WSP_VERSION);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->sink);
    if (curl_multi_add_handle(p->multi, c) != CURLM_OK) {
        curl_easy_cleanup(c);
        r->easy = NULL;
        abandon(p, r, WSP_EIO, "cannot start the transfer");
        return;
    }
    r->anext = p->inflight;
    p->inflight = r;
    h->active++;
    h->last_start = now;
    p->active++;
    LOG_D("ingest", "GET %s (attempt %d)", r->url, r->attempt);
}

/* When the front request of h may start (monotonic ms), or -1 when it waits for something
 * other than time (robots.txt, a free slot, the prio limit). Requests that robots.txt refuses
 * are failed on the way. */
static int64_t host_ready_at(struct fetch_pool *p, struct host *h)
{
    for (;;) {
        struct req *r = h->queue;
        if (!r || h->active >= p->cfg->per_host)
            return -1;
        if (!r->robots) {
            if (r->prio > p->max_prio || h->robots_state != ROBOTS_READY)
                return -1;
            if (!r->allowed) {
                char *key, *path;
                bool ok = split_url(r->url, &key, &path);
                r->allowed = ok && ingest_robots_allows(&h->robots, path);
                free(key);
                free(path);
            }
            if (!r->allowed) {
                h->queue = r->next;
                fail(p, r, WSP_EIO, "'%s': disallowed by robots.txt", r->url);
                continue;
            }
        }
        int64_t t = h->last_start ? h->last_start + h->delay_ms : 0;
        if (h->backoff_until > t)
            t = h->backoff_until;
        if (r->not_before > t)
            t = r->not_before;
        return t;
    }
}

/* Start every request the limits allow; the time of the next one that waits for its turn
 * (monotonic ms), or -1. */
static int64_t start_ready(struct fetch_pool *p)
{
    int64_t now = time_mono_ms();
    for (;;) {
        struct host *best = NULL;
        int64_t next = -1;
        for (struct host *h = p->hosts; h; h = h->next) {
            int64_t t = host_ready_at(p, h);
            if (t < 0)
                continue;
            if (t > now) {
                if (next < 0 || t < next)
                    next = t;
                continue;
            }
            if (!best || h->queue->prio < best->queue->prio)
                best = h;
        }
        if (!best || p->active >= p->cfg->fetch_concurrency)
            return next;
        start(p, best->queue, now);
    }
}

/* robots.txt of h has answered (rc as for done). */
static void robots_done(struct fetch_pool *p, struct req *r, CURLcode rc, long status,
                        const char *why)
{
    struct host *h = r->host;
    h->robots_state = ROBOTS_READY;
    if (rc == CURLE_OK && status >= 200 && status < 300) {
        ingest_robots_parse(buf_cstr(&r->sink.body), r->sink.body.len, FETCH_AGENT, &h->robots);
        long d = h->robots.crawl_delay_ms;
        if (d > INGEST_CRAWL_DELAY_MAX_MS)
            d = INGEST_CRAWL_DELAY_MAX_MS;
        if (d > h->delay_ms)
            h->delay_ms = d;
    } else if (rc == CURLE_OK && status >= 500) {
        host_close(p, h,
                   "robots.txt answered HTTP %ld, which disallows every page for now "
                   "(RFC 9309)",
                   status);
    } else if (rc == CURLE_OK && status == 429) {
        host_close(p, h, "robots.txt answered HTTP 429 after %d attempts", r->attempt);
    } else if (rc != CURLE_OK && rc != CURLE_TOO_MANY_REDIRECTS) {
        host_close(p, h, "robots.txt unreachable (%s), which disallows every page (RFC 9309)", why);
    }
    /* Other answers (4xx, too many redirects: RFC 9309 2.3.1.2-3): no robots.txt, everything
     * allowed. */
    LOG_D("ingest", "%s: robots.txt HTTP %ld, %zu rules, delay %ld ms", h->key, status,
          h->robots.nrules, h->delay_ms);
    req_free(r);
}

/* A transfer is over: retry it, or finish it. */
static void transfer_done(struct fetch_pool *p, struct req *r, CURLcode rc)
{
    const struct ingest_config *cfg = p->cfg;
    struct host *h = r->host;
    CURL *c = r->easy;
    long status = 0;
    char *eff = NULL, *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (rc == CURLE_OK) {
        r->res.effective_url = xstrdup(eff ? eff : r->url);
        r->res.content_type = ct ? xstrdup(ct) : NULL;
    }
    curl_multi_remove_handle(p->multi, c);
    curl_easy_cleanup(c);
    r->easy = NULL;
    for (struct req **pp = &p->inflight; *pp; pp = &(*pp)->anext)
        if (*pp == r) {
            *pp = r->anext;
            break;
        }
    r->anext = NULL;
    h->active--;
    p->active--;
    const char *why = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
    bool too_big = r->sink.too_big || rc == CURLE_FILESIZE_EXCEEDED;
    if (!too_big && transient(rc, status) && r->attempt <= cfg->retries && !h->closed) {
        long wait = r->backoff_ms;
        r->backoff_ms *= 2;
        long ra = -1;
        if (status == 429 || status == 503)
            ra = ingest_retry_after_s(r->sink.retry_after, time_now());
        if (ra > INGEST_RETRY_AFTER_MAX_S) {
            host_close(p, h, "HTTP %ld asking to wait %ld s (Retry-After)", status, ra);
            abandon(p, r, WSP_EIO, h->why);
            return;
        }
        if (ra >= 0)
            wait = ra * 1000;
        /* The whole host waits: a site that is busy or failing gets no other request. */
        r->not_before = time_mono_ms() + wait;
        if (h->backoff_until < r->not_before)
            h->backoff_until = r->not_before;
        fetch_result_free(&r->res);
        LOG_D("ingest", "retrying '%s' in %ld ms (attempt %d of %d)", r->url, wait, r->attempt + 1,
              cfg->retries + 1);
        enqueue(h, r);
        return;
    }
    if (r->robots) {
        robots_done(p, r, rc, status, why);
        return;
    }
    if (rc == CURLE_OK) {
        r->res.status = status;
        r->res.body = buf_detach(&r->sink.body, &r->res.len);
        r->res.etag = r->sink.etag;
        r->res.last_modified = r->sink.last_modified;
        r->sink.etag = r->sink.last_modified = NULL;
        r->rc = 0;
        finish(p, r);
    } else if (too_big) {
        fail(p, r, WSP_ETOOBIG, "'%s': response over %zu bytes", r->url, cfg->max_bytes);
    } else if (h->closed) {
        fail(p, r, WSP_EIO, "'%s': %s", r->url, h->why);
    } else {
        fail(p, r, WSP_EIO, "'%s': %s", r->url, why);
        if (unreachable(rc, status))
            host_close(p, h, "unreachable after %d attempts (%s)", r->attempt, why);
    }
}

static void call_finished(struct fetch_pool *p)
{
    while (p->finished) {
        struct req *r = p->finished;
        p->finished = r->next;
        if (!p->finished)
            p->finished_tail = NULL;
        p->pending--;
        r->res.attempts = r->attempt;
        r->done(r->ctx, r->rc, &r->res, r->rc ? &r->err : NULL);
        req_free(r);
    }
}

size_t fetch_pool_run(struct fetch_pool *p, long timeout_ms)
{
    call_finished(p);
    int64_t next = start_ready(p);
    int running = 0;
    curl_multi_perform(p->multi, &running);
    if (!p->finished) {
        long wait = timeout_ms;
        if (next >= 0) {
            int64_t d = next - time_mono_ms();
            if (d < wait)
                wait = d < 0 ? 0 : (long)d;
        }
        long ct = -1;
        curl_multi_timeout(p->multi, &ct);
        if (ct >= 0 && ct < wait)
            wait = ct;
        curl_multi_poll(p->multi, NULL, 0, (int)wait, NULL);
        curl_multi_perform(p->multi, &running);
    }
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(p->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct req *r = NULL;
        CURLcode rc = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        transfer_done(p, r, rc);
    }
    call_finished(p);
    start_ready(p);
    curl_multi_perform(p->multi, &running);
    return p->pending;
}
