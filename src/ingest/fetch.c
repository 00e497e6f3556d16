/* HTTP fetching for ingest: libcurl with timeouts, a size cap, limited redirects (http and
 * https only), a User-Agent, conditional GET and retries with exponential backoff. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/base.h"
#include "ingest/ingest_internal.h"

struct fetcher {
    CURL *curl;
    const struct ingest_config *cfg;
};

struct sink {
    struct buf body;
    bool too_big;
    char *etag, *last_modified;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
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

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a redirect): forget the previous one's validators. */
        free(s->etag);
        free(s->last_modified);
        s->etag = s->last_modified = NULL;
        return n;
    }
    char *v;
    if ((v = header_value(data, n, "ETag"))) {
        free(s->etag);
        s->etag = v;
    } else if ((v = header_value(data, n, "Last-Modified"))) {
        free(s->last_modified);
        s->last_modified = v;
    }
    return n;
}

struct fetcher *fetcher_new(const struct ingest_config *cfg)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    struct fetcher *f = xcalloc(1, sizeof(*f));
    f->curl = c;
    f->cfg = cfg;
    return f;
}

void fetcher_free(struct fetcher *f)
{
    if (!f)
        return;
    curl_easy_cleanup(f->curl);
    free(f);
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

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int fetcher_get(struct fetcher *f, const char *url, const char *etag, const char *last_modified,
                struct fetch_result *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    const struct ingest_config *cfg = f->cfg;
    CURL *c = f->curl;
    int attempts = cfg->retries + 1;
    long delay = cfg->backoff_ms;
    char errbuf[CURL_ERROR_SIZE];
    for (int attempt = 1; attempt <= attempts; attempt++) {
        struct sink s = {0};
        buf_init(&s.body, cfg->max_bytes);
        struct curl_slist *hdrs = NULL;
        char *h = NULL;
        if (etag) {
            h = xasprintf("If-None-Match: %s", etag);
            hdrs = curl_slist_append(hdrs, h);
            free(h);
        }
        if (last_modified) {
            h = xasprintf("If-Modified-Since: %s", last_modified);
            hdrs = curl_slist_append(hdrs, h);
            free(h);
        }
        curl_easy_reset(c);
        errbuf[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, cfg->max_redirects);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout_s);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout_s);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_bytes);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "waspada/" WSP_VERSION);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
        CURLcode rc = curl_easy_perform(c);
        curl_slist_free_all(hdrs);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        out->attempts = attempt;
        if (rc == CURLE_OK && !(transient(rc, status) && attempt < attempts)) {
            char *eff = NULL, *ct = NULL;
            curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
            curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
            out->status = status;
            out->len = s.body.len;
            out->body = buf_detach(&s.body, NULL);
            out->etag = s.etag;
            out->last_modified = s.last_modified;
            out->effective_url = xstrdup(eff ? eff : url);
            out->content_type = ct ? xstrdup(ct) : NULL;
            return 0;
        }
        buf_release(&s.body);
        free(s.etag);
        free(s.last_modified);
        if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED)
            return error_set(err, WSP_ETOOBIG, "'%s': response over %zu bytes", url,
                             cfg->max_bytes);
        if (!transient(rc, status) || attempt == attempts) {
            if (rc == CURLE_OK)
                return error_set(err, WSP_EIO, "'%s': HTTP %ld after %d attempts", url, status,
                                 attempt);
            return error_set(err, WSP_EIO, "'%s': %s", url,
                             errbuf[0] ? errbuf : curl_easy_strerror(rc));
        }
        LOG_D("ingest", "retrying '%s' in %ld ms (attempt %d of %d)", url, delay, attempt + 1,
              attempts);
        sleep_ms(delay);
        delay *= 2;
    }
    return error_set(err, WSP_EINTERNAL, "unreachable");
}
