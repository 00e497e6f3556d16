/*
 * Public answers built once per change (issue 12, item 4). GET /public/risk and /public/cases
 * are what everyone hits during a crisis, so each is served like a static file: a snapshot
 * built when its data changed and then sent as it is, plain or gzip, with a strong ETag.
 *
 * A snapshot holds four libmicrohttpd responses made once (200 plain, 200 gzip, and a 304 for
 * each), with the server's usual API headers and the caching ones already added. A response
 * object may be queued on many connections at once (libmicrohttpd counts its users and never
 * writes to it after it was made), so a request costs a lookup under a mutex, two atomic
 * counts and MHD_queue_response: no database, no JSON, no copy, no allocation of ours.
 *
 * Lifetime. The cache holds one reference to its current snapshot; a request takes one in the
 * handler and drops it when it ends (http_snapshot_release from request_free). A rebuild swaps
 * the pointer under the mutex and drops the cache's reference: the old snapshot goes when its
 * last request ends, and each response's bytes (owned by the response, freed by
 * libmicrohttpd) when the last connection sending it is done.
 *
 * Freshness. The current snapshot serves while the data version it was built from is still
 * the version now (for /public/risk the public engine state's version, which grows before the
 * alert of a change is written), the UTC day is the same (windows end today) and it was built
 * or confirmed less than ttl_ms ago (a backstop for what no version tracks). A stale snapshot
 * is rebuilt by the first request that sees it, one build at a time; while one runs, requests
 * for a snapshot stale only by age or day get it at once, and those whose version moved wait
 * for the build. A rebuild whose content (without generated_at) equals the current one keeps
 * the current snapshot, so its ETag stays as long as the answer does.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZLIB_CONST /* next_in is const: the text is not ours to change */
#include <zlib.h>

#include "http/http_internal.h"

#define SNAP_HASH_BYTES 16 /* BLAKE2b-128: ETag and content identity */

enum snap_response { SNAP_PLAIN, SNAP_GZIP, SNAP_PLAIN_304, SNAP_GZIP_304, SNAP_NRESP };

struct http_snapshot {
    atomic_int refs;                       /* the cache's, and one per request using it */
    struct MHD_Response *resp[SNAP_NRESP]; /* the gzip pair is NULL when compression failed */
    size_t len, gzlen;
    char etag[2 * SNAP_HASH_BYTES + 3];     /* "<hex>" of the plain bytes */
    char gz_etag[2 * SNAP_HASH_BYTES + 6];  /* "<hex>-gz" */
    unsigned char content[SNAP_HASH_BYTES]; /* hash of the document without generated_at */
};

/* ---- request headers ---------------------------------------------------------------------- */

static bool token_eq(const char *p, size_t n, const char *token)
{
    return strlen(token) == n && strncasecmp(p, token, n) == 0;
}

/* q=0 (0, 0.0, 0.00, 0.000) among the parameters p[0..n) of one coding. */
static bool q_zero(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if ((p[i] != 'q' && p[i] != 'Q') || p[i + 1] != '=')
            continue;
        if (i > 0 && p[i - 1] != ';' && p[i - 1] != ' ' && p[i - 1] != '\t')
            continue;
        size_t j = i + 2;
        if (j >= n || p[j] != '0')
            return false;
        for (j++; j < n && (p[j] == '.' || p[j] == '0'); j++)
            ;
        return j == n || p[j] == ' ' || p[j] == '\t' || p[j] == ';';
    }
    return false;
}

bool http_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    bool star = false;
    const char *p = accept_encoding;
    while (*p) {
        size_t item = strcspn(p, ",");
        const char *s = p;
        size_t n = item;
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        size_t name = strcspn(s, ";, \t");
        if (name > n)
            name = n;
        bool refused = q_zero(s + name, n - name);
        if (token_eq(s, name, "gzip") || token_eq(s, name, "x-gzip"))
            return !refused; /* named: its own q decides, whatever "*" says */
        if (token_eq(s, name, "*"))
            star = !refused;
        p += item;
        if (*p == ',')
            p++;
    }
    return star;
}

bool http_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    size_t elen = strlen(etag);
    const char *p = if_none_match;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return false;
        if (*p == '*')
            return true;
        /* If-None-Match compares weakly (RFC 9110, 13.1.2): W/"x" matches "x". */
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
        if (end && (size_t)(end + 1 - p) == elen && memcmp(p, etag, elen) == 0)
            return true;
        /* Not this one (or not an entity-tag): on to the next list item. */
        p = end ? end + 1 : p;
        p += strcspn(p, ",");
    }
}

/* ---- snapshots ------------------------------------------------------------------------------ */

void http_snapshot_release(struct http_snapshot *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (int i = 0; i < SNAP_NRESP; i++)
        if (s->resp[i])
            MHD_destroy_response(s->resp[i]);
    free(s);
}

/* gzip (RFC 1952) of text, malloc'd, or NULL (then only plain is served). */
static char *gzip_bytes(const char *text, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    char *out = xmalloc(cap);
    z.next_in = (const Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
        *out_len = z.total_out;
    } else {
        free(out);
        out = NULL;
    }
    deflateEnd(&z);
    return out;
}

/* Bytes shared by a 200 and its 304 (which sends the same Content-Length and no body): freed
 * by libmicrohttpd through the last response using them, which may outlive the snapshot. */
struct snap_bytes {
    atomic_int refs;
    char data[];
};

static void bytes_unref(void *cls)
{
    struct snap_bytes *b = cls;
    if (atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

/* A response of b (len bytes; one reference taken for it), with the API headers and the
 * caching ones. NULL on failure. */
static struct MHD_Response *snap_response(struct snap_bytes *b, size_t len, const char *etag,
                                          bool gz, const char *cache_control)
{
    atomic_fetch_add(&b->refs, 1);
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(len, b->data, bytes_unref, b);
    if (!r) {
        bytes_unref(b);
        return NULL;
    }
    http_response_api_headers(r, true);
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control) != MHD_YES ||
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES ||
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING) !=
            MHD_YES ||
        (gz && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip") != MHD_YES)) {
        MHD_destroy_response(r);
        return NULL;
    }
    return r;
}

/* The 200 and 304 responses of one representation into r[0] and r[2]; false on failure. */
static bool snap_pair(struct MHD_Response **r, const char *bytes, size_t len, const char *etag,
                      bool gz, const char *cache_control)
{
    struct snap_bytes *b = xmalloc(sizeof(*b) + (len ? len : 1));
    atomic_init(&b->refs, 1);
    memcpy(b->data, bytes, len);
    r[0] = snap_response(b, len, etag, gz, cache_control);
    r[2] = snap_response(b, len, etag, gz, cache_control);
    bytes_unref(b);
    return r[0] && r[2];
}

static void hex_etag(char *out, size_t outsz, const unsigned char *h, const char *suffix)
{
    char hex[2 * SNAP_HASH_BYTES + 1];
    sodium_bin2hex(hex, sizeof(hex), h, SNAP_HASH_BYTES);
    snprintf(out, outsz, "\"%s%s\"", hex, suffix);
}

/* A snapshot of text (len bytes) with one reference, or NULL. */
static struct http_snapshot *snapshot_new(const char *text, size_t len,
                                          const unsigned char content[SNAP_HASH_BYTES],
                                          const char *cache_control)
{
    struct http_snapshot *s = xcalloc(1, sizeof(*s));
    atomic_init(&s->refs, 1);
    memcpy(s->content, content, SNAP_HASH_BYTES);
    unsigned char h[SNAP_HASH_BYTES];
    crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, NULL, 0);
    hex_etag(s->etag, sizeof(s->etag), h, "");
    hex_etag(s->gz_etag, sizeof(s->gz_etag), h, "-gz");
    s->len = len;
    bool ok = snap_pair(&s->resp[SNAP_PLAIN], text, len, s->etag, false, cache_control);
    char *gz = ok ? gzip_bytes(text, len, &s->gzlen) : NULL;
    if (gz && !snap_pair(&s->resp[SNAP_GZIP], gz, s->gzlen, s->gz_etag, true, cache_control)) {
        for (int i = SNAP_GZIP; i < SNAP_NRESP; i += 2)
            if (s->resp[i])
                MHD_destroy_response(s->resp[i]);
        s->resp[SNAP_GZIP] = s->resp[SNAP_GZIP_304] = NULL;
    }
    free(gz);
    if (!ok) {
        http_snapshot_release(s);
        return NULL;
    }
    return s;
}

/* ---- the cache ---------------------------------------------------------------------------- */

void http_public_cache_init(struct http_public_cache *c, const struct http_public_doc *doc)
{
    memset(c, 0, sizeof(*c));
    c->doc = doc;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->build_mu, NULL);
}

void http_public_cache_release(struct http_public_cache *c)
{
    if (!c->doc)
        return;
    http_snapshot_release(c->cur);
    c->cur = NULL;
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->build_mu);
    c->doc = NULL;
}

static int32_t utc_day(void)
{
    int64_t t = time_now();
    return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

/* The current snapshot with a reference for the caller: when fresh for version, or (any_age)
 * when built from version however old. NULL otherwise. */
static struct http_snapshot *cache_take(struct http_public_cache *c, uint64_t version, bool any_age)
{
    int64_t now = time_mono_ms();
    int32_t day = utc_day();
    pthread_mutex_lock(&c->mu);
    struct http_snapshot *s = c->cur;
    if (s && c->version == version &&
        (any_age || (c->day == day && now - c->checked_ms < c->doc->ttl_ms)))
        atomic_fetch_add(&s->refs, 1);
    else
        s = NULL;
    pthread_mutex_unlock(&c->mu);
    return s;
}

/* Build a new snapshot (build_mu held) and make it current; a reference for the caller, or
 * NULL after the builder replied an error. */
static struct http_snapshot *cache_build(struct http_request *rq, struct http_public_cache *c)
{
    const struct http_public_doc *d = c->doc;
    int32_t day = utc_day();
    uint64_t version = 0;
    json_t *doc = d->build(rq, &version);
    if (!doc)
        return NULL;
    /* Same flags as http_reply_json: the bytes are what the handler used to send. */
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10);
    char *text = json_dumps(doc, flags);
    unsigned char content[SNAP_HASH_BYTES];
    if (text)
        crypto_generichash(content, sizeof(content), (const unsigned char *)text, strlen(text),
                           NULL, 0);
    struct http_snapshot *s = NULL;
    pthread_mutex_lock(&c->mu);
    if (text && c->cur && memcmp(c->cur->content, content, sizeof(content)) == 0) {
        s = c->cur; /* the same answer: keep it and its ETag */
        c->version = version;
        c->day = day;
        c->checked_ms = time_mono_ms();
        atomic_fetch_add(&s->refs, 1);
    }
    pthread_mutex_unlock(&c->mu);
    if (s || !text) {
        free(text);
        json_decref(doc);
        if (!s)
            http_reply_error(rq, WSP_ENOMEM, "cannot encode %s", d->name);
        return s;
    }
    if (d->stamp) {
        char gen[32];
        time_format_iso(time_now(), gen, sizeof(gen));
        json_object_set_new(doc, "generated_at", json_string(gen));
        free(text);
        text = json_dumps(doc, flags);
    }
    json_decref(doc);
    s = text ? snapshot_new(text, strlen(text), content, d->cache_control) : NULL;
    free(text);
    if (!s) {
        http_reply_error(rq, WSP_ENOMEM, "cannot prepare %s", d->name);
        return NULL;
    }
    atomic_fetch_add(&s->refs, 1); /* the caller's; the one from snapshot_new is the cache's */
    pthread_mutex_lock(&c->mu);
    struct http_snapshot *old = c->cur;
    c->cur = s;
    c->version = version;
    c->day = day;
    c->checked_ms = time_mono_ms();
    pthread_mutex_unlock(&c->mu);
    http_snapshot_release(old);
    return s;
}

/* Answer rq from s (the request keeps the reference until it ends). */
static void snapshot_reply(struct http_request *rq, struct http_snapshot *s)
{
    bool gz =
        s->resp[SNAP_GZIP] && http_accepts_gzip(http_header(rq, MHD_HTTP_HEADER_ACCEPT_ENCODING));
    bool not_modified = http_etag_matches(http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH),
                                          gz ? s->gz_etag : s->etag);
    rq->replied = true;
    rq->api = true;
    rq->status = not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
    rq->resp_shared = s->resp[(gz ? SNAP_GZIP : SNAP_PLAIN) + (not_modified ? 2 : 0)];
    rq->resp_snapshot = s;
    rq->resp_len = not_modified ? 0 : gz ? s->gzlen : s->len;
}

void http_public_reply(struct http_request *rq, struct http_public_cache *c)
{
    const struct http_public_doc *d = c->doc;
    uint64_t version = d->version(rq->srv);
    struct http_snapshot *s = cache_take(c, version, false);
    if (!s) {
        if (pthread_mutex_trylock(&c->build_mu) != 0) {
            /* Someone is rebuilding. Stale by age or day only: serve that meanwhile; the data
             * changed: wait for the new one. */
            s = cache_take(c, version, true);
            if (!s)
                pthread_mutex_lock(&c->build_mu);
        }
        if (!s) {
            s = cache_take(c, d->version(rq->srv), false); /* built while we waited? */
            if (!s)
                s = cache_build(rq, c);
            pthread_mutex_unlock(&c->build_mu);
        }
    }
    if (s)
        snapshot_reply(rq, s);
}
