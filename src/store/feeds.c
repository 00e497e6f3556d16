/* Feeds: RSS/Atom URLs polled by `waspada ingest --feeds`, with HTTP cache validators and the
 * poll state (when, how often it failed, why). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define FEED_URL_MAX 2048

static int check_url(const char *url, struct error *err)
{
    if (!url || !*url)
        return error_set(err, WSP_EINVAL, "empty feed url");
    if (strlen(url) > FEED_URL_MAX)
        return error_set(err, WSP_EINVAL, "feed url is longer than %d bytes", FEED_URL_MAX);
    if (!str_starts_with(url, "http://") && !str_starts_with(url, "https://"))
        return error_set(err, WSP_EINVAL, "feed url '%s' must start with http:// or https://", url);
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return error_set(err, WSP_EINVAL, "feed url contains spaces or control characters");
    return 0;
}

static char *feed_json(const char *url, const char *title)
{
    json_t *o = json_pack("{s:s}", "url", url);
    if (title)
        json_object_set_new(o, "title", json_string(title));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort();
    return s;
}

int store_feed_add(struct store *s, const char *url, const char *title,
                   const struct store_actor *actor, int64_t *id, struct error *err)
{
    int64_t tmp;
    if (!id)
        id = &tmp;
    *id = 0;
    int rc = check_url(url, err);
    if (rc != 0)
        return rc;
    if (title && !utf8_valid(title, strlen(title)))
        return error_set(err, WSP_EINVAL, "feed title is not valid utf-8");
    rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    char *after = NULL;
    rc = stmt_get(s, STMT_FEED_INSERT,
                  "INSERT INTO feeds (url, title, next_poll_at, failures, created_at)"
                  " VALUES (?1, ?2, 0, 0, ?3) RETURNING id",
                  &st, err);
    if (rc != 0)
        goto out;
    stmt_bind_text(st, 1, url);
    stmt_bind_text(st, 2, title && *title ? title : NULL);
    db_bind_int64(st, 3, time_now());
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE) {
        char exists[FEED_URL_MAX + 64];
        snprintf(exists, sizeof(exists), "feed '%s' already exists", url);
        rc = store_fail(s, src, err, "add feed", exists, NULL);
        goto out;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, *id);
    after = feed_json(url, title);
    rc = store_audit_add(s, actor, "feed.add", "feed", oid, NULL, after, err);
out:
    free(after);
    rc = store_tx_end(s, rc, err);
    if (rc != 0)
        *id = 0;
    return rc;
}

/* A store_row_fn for struct store_feed. */
static void feed_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_feed *f = row;
    f->id = db_column_int64(st, 0);
    f->url = store_column_arena(a, st, 1, oom);
    f->title = store_column_arena(a, st, 2, oom);
    f->etag = store_column_arena(a, st, 3, oom);
    f->last_modified = store_column_arena(a, st, 4, oom);
    f->last_polled_at = db_column_int64(st, 5);
    f->next_poll_at = db_column_int64(st, 6);
    f->failures = (int)db_column_int64(st, 7);
    f->last_error = store_column_arena(a, st, 8, oom);
    f->created_at = db_column_int64(st, 9);
}

int store_feed_list(struct store *s, struct arena *arena, struct store_feed **out, size_t *n,
                    struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_FEED_LIST,
                      "SELECT id, url, title, etag, last_modified, last_polled_at, next_poll_at,"
                      " failures, last_error, created_at FROM feeds ORDER BY url",
                      &st, err);
    if (rc != 0)
        return rc;
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), feed_read, "list feeds",
                       "feed list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

int store_feed_remove(struct store *s, const char *url, const struct store_actor *actor,
                      struct error *err)
{
    if (!url || !*url)
        return error_set(err, WSP_EINVAL, "empty feed url");
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    int64_t id = 0;
    char *before = NULL;
    rc = stmt_get(s, STMT_FEED_BY_URL, "SELECT id, title FROM feeds WHERE url = ?1", &st, err);
    if (rc != 0)
        goto out;
    stmt_bind_text(st, 1, url);
    int src = db_step(st);
    if (src == DB_ROW) {
        id = db_column_int64(st, 0);
        before = feed_json(url, db_column_text(st, 1));
    }
    stmt_done(st);
    if (src == DB_DONE) {
        rc = error_set(err, WSP_ENOTFOUND, "no feed '%s'", url);
        goto out;
    }
    if (src != DB_ROW) {
        rc = store_fail(s, src, err, "find feed", NULL, NULL);
        goto out;
    }
    rc = stmt_get(s, STMT_FEED_DELETE, "DELETE FROM feeds WHERE id = ?1", &st, err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, id);
    src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "remove feed", NULL, NULL);
        goto out;
    }
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, id);
    rc = store_audit_add(s, actor, "feed.remove", "feed", oid, before, NULL, err);
out:
    free(before);
    return store_tx_end(s, rc, err);
}

int store_feed_update_poll(struct store *s, int64_t id, const struct store_feed *poll,
                           const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    struct db_stmt *st;
    rc = stmt_get(s, STMT_FEED_UPDATE,
                  "UPDATE feeds SET etag = COALESCE(?2, etag),"
                  " last_modified = COALESCE(?3, last_modified), last_polled_at = ?4,"
                  " next_poll_at = ?5, failures = ?6, last_error = ?7 WHERE id = ?1",
                  &st, err);
    if (rc == 0) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, poll->etag);
        stmt_bind_text(st, 3, poll->last_modified);
        db_bind_int64(st, 4, poll->last_polled_at ? poll->last_polled_at : time_now());
        db_bind_int64(st, 5, poll->next_poll_at);
        db_bind_int64(st, 6, poll->failures);
        stmt_bind_text(st, 7, poll->last_error);
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "update feed", NULL, NULL);
        else if (db_changes(s->db) == 0)
            rc = error_set(err, WSP_ENOTFOUND, "no feed with id '%" PRId64 "'", id);
    }
    if (rc == 0) {
        json_t *o = json_pack("{s:i,s:o}", "failures", poll->failures, "error",
                              poll->last_error ? json_string(poll->last_error) : json_null());
        char *after = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        rc = store_audit_add(s, actor, "feed.poll", "feed", oid, NULL, after, err);
        free(after);
    }
    return store_tx_end(s, rc, err);
}
