/* Articles: what was read, deduplicated by canonical URL and by a hash of the normalized body,
 * with an FTS5 index kept in step by triggers (migration 3). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

static const char *const source_types[] = {"news", "feed", "report", "file"};

static bool source_type_valid(const char *t)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(source_types); i++)
        if (str_eq(t, source_types[i]))
            return true;
    return false;
}

char *store_column_arena(struct arena *a, struct db_stmt *st, int col, bool *oom)
{
    const char *v = db_column_text(st, col);
    if (!v)
        return NULL;
    char *r = arena_strdup(a, v);
    if (!r)
        *oom = true;
    return r;
}

/* Feed the normalized form of body into the hash: ASCII letters lower-cased, every run of
 * whitespace one space, no leading or trailing space. Non-ASCII bytes pass unchanged (the
 * text stage has already NFC-normalized them). */
static void hash_normalized(crypto_hash_sha256_state *h, const char *body, size_t len)
{
    unsigned char chunk[512];
    size_t n = 0;
    bool space = false, started = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)body[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = started;
            continue;
        }
        if (space) {
            chunk[n++] = ' ';
            space = false;
            if (n == sizeof(chunk)) {
                crypto_hash_sha256_update(h, chunk, n);
                n = 0;
            }
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        chunk[n++] = c;
        started = true;
        if (n == sizeof(chunk)) {
            crypto_hash_sha256_update(h, chunk, n);
            n = 0;
        }
    }
    if (n)
        crypto_hash_sha256_update(h, chunk, n);
}

static void content_hash(const char *prefix, const char *body, size_t len, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    if (prefix)
        crypto_hash_sha256_update(&h, (const unsigned char *)prefix, strlen(prefix));
    hash_normalized(&h, body, len);
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

void store_content_hash(const char *body, size_t len, char out[65])
{
    content_hash(NULL, body, len, out);
}

/* Look up an article id by one text key; 0 found, WSP_ENOTFOUND, or an error. */
static int find_by(struct store *s, enum store_stmt_id id, const char *sql, const char *key,
                   int64_t *out, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, id, sql, &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, key);
    int src = db_step(st);
    if (src == DB_ROW) {
        *out = db_column_int64(st, 0);
        rc = 0;
    } else if (src == DB_DONE) {
        rc = error_set(err, WSP_ENOTFOUND, "no article with this key");
    } else {
        rc = store_fail(s, src, err, "find article", NULL, NULL);
    }
    stmt_done(st);
    return rc;
}

int store_article_find_url(struct store *s, const char *canonical_url, int64_t *id,
                           struct error *err)
{
    *id = 0;
    if (!canonical_url || !*canonical_url)
        return error_set(err, WSP_ENOTFOUND, "no article with an empty url");
    return find_by(s, STMT_ARTICLE_BY_URL, "SELECT id FROM articles WHERE canonical_url = ?1",
                   canonical_url, id, err);
}

static int find_by_hash(struct store *s, const char *hash, int64_t *id, struct error *err)
{
    return find_by(s, STMT_ARTICLE_BY_HASH, "SELECT id FROM articles WHERE content_hash = ?1", hash,
                   id, err);
}

static int check_article(const struct store_article *a, struct error *err)
{
    if (!source_type_valid(a->source_type))
        return error_set(err, WSP_EINVAL, "unknown source type '%s' (news, feed, report, file)",
                         a->source_type ? a->source_type : "");
    if (!a->body || !*a->body)
        return error_set(err, WSP_EINVAL, "article has an empty body");
    if (!utf8_valid(a->body, strlen(a->body)) ||
        (a->title && !utf8_valid(a->title, strlen(a->title))))
        return error_set(err, WSP_EINVAL, "article text is not valid utf-8");
    if (a->published && !date_iso_valid(a->published))
        return error_set(err, WSP_EINVAL, "bad publication date '%s' (want YYYY-MM-DD)",
                         a->published);
    return 0;
}

static char *article_json(const struct store_article *a, const char *hash)
{
    json_t *o = json_object();
    json_object_set_new(o, "source_type", json_string(a->source_type));
    if (a->url)
        json_object_set_new(o, "url", json_string(a->url));
    if (a->title)
        json_object_set_new(o, "title", json_string(a->title));
    json_object_set_new(o, "content_hash", json_string(hash));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort(); /* jansson fails here only when out of memory */
    return s;
}

int store_article_put_keyed(struct store *s, const struct store_article *a, const char *key_prefix,
                            const struct store_actor *actor, int64_t *id, bool *existed,
                            struct error *err)
{
    *id = 0;
    if (existed)
        *existed = false;
    int rc = check_article(a, err);
    if (rc != 0)
        return rc;
    char hash[65];
    content_hash(key_prefix, a->body, strlen(a->body), hash);
    const char *canon = a->canonical_url && *a->canonical_url ? a->canonical_url : NULL;

    rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    char *after = NULL;
    /* Inside the write lock, so two writers cannot both miss and then collide. */
    if (canon) {
        rc = store_article_find_url(s, canon, id, err);
        if (rc != WSP_ENOTFOUND)
            goto found;
    }
    rc = find_by_hash(s, hash, id, err);
    if (rc != WSP_ENOTFOUND)
        goto found;
    error_clear(err);

    struct db_stmt *st;
    rc = stmt_get(s, STMT_ARTICLE_INSERT,
                  "INSERT INTO articles (source_type, url, canonical_url, content_hash, title,"
                  " body, published, fetched_at, lang)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                  &st, err);
    if (rc != 0)
        goto out;
    stmt_bind_text(st, 1, a->source_type);
    stmt_bind_text(st, 2, a->url);
    stmt_bind_text(st, 3, canon);
    stmt_bind_text(st, 4, hash);
    stmt_bind_text(st, 5, a->title);
    stmt_bind_text(st, 6, a->body);
    stmt_bind_text(st, 7, a->published);
    db_bind_int64(st, 8, a->fetched_at ? a->fetched_at : time_now());
    stmt_bind_text(st, 9, a->lang && *a->lang ? a->lang : "id");
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "add article", NULL, NULL);
        goto out;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, *id);
    after = article_json(a, hash);
    rc = store_audit_add(s, actor, "article.add", "article", oid, NULL, after, err);
    goto out;
found:
    if (rc == 0 && existed)
        *existed = true;
out:
    free(after);
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
    return rc;
}

int store_article_put(struct store *s, const struct store_article *a,
                      const struct store_actor *actor, int64_t *id, bool *existed,
                      struct error *err)
{
    if (!a)
        return error_set(err, WSP_EINVAL, "no article");
    if (str_eq(a->source_type, "report"))
        return error_set(err, WSP_EINVAL, "reports are stored with store_report_create");
    return store_article_put_keyed(s, a, NULL, actor, id, existed, err);
}

int store_article_count(struct store *s, size_t *count, struct error *err)
{
    *count = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_ARTICLE_COUNT, "SELECT COUNT(*) FROM articles", &st, err);
    if (rc != 0)
        return rc;
    int src = db_step(st);
    if (src == DB_ROW)
        *count = (size_t)db_column_int64(st, 0);
    stmt_done(st);
    if (src != DB_ROW)
        return store_fail(s, src, err, "count articles", NULL, NULL);
    return 0;
}
