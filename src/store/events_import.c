/* Events imported in bulk from other datasets (`waspada import events`), keyed on the dataset's
 * name and its own id so that importing again changes only what changed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define IMPORT_SOURCE_MAX 32
#define IMPORT_BIG_ROWS 10000
#define IMPORT_CACHE_KIB (256L << 10) /* 256 MiB: a million imported events' indexes */

bool store_import_source_valid(const char *source)
{
    size_t n = source ? strlen(source) : 0;
    if (n == 0 || n > IMPORT_SOURCE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = source[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

/* The province, regency and finer place of a region code, cut on whole segments. */
struct import_codes {
    char province[8], regency[16];
    const char *place; /* the code itself when finer than a regency, else NULL */
};

static void split_code(const char *code, struct import_codes *c)
{
    size_t p = strcspn(code, ".");
    size_t r = code[p] ? p + 1 + strcspn(code + p + 1, ".") : p;
    str_copy(c->province, code, p + 1 < sizeof(c->province) ? p + 1 : sizeof(c->province));
    c->regency[0] = '\0';
    if (code[p])
        str_copy(c->regency, code, r + 1 < sizeof(c->regency) ? r + 1 : sizeof(c->regency));
    c->place = code[r] ? code : NULL;
}

/* detail_json of an imported row, appended to b: fixed key order, so an unchanged row gives
 * the same text. */
static int import_detail(struct buf *b, const char *source, const struct store_event_import *r,
                         struct error *err)
{
    buf_printf(b, "{\"import\":{\"source\":\"%s\",\"id\":%" PRId64 ",\"verified\":%s}", source,
               r->source_id, r->verified ? "true" : "false");
    if (r->source_url) {
        json_t *u = json_string(r->source_url);
        char *q = u ? json_dumps(u, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        json_decref(u);
        if (!q)
            return error_set(err, WSP_EINVAL,
                             "imported event %" PRId64 ": source_url is not UTF-8 text",
                             r->source_id);
        buf_puts(b, ",\"source_url\":");
        buf_puts(b, q);
        free(q);
    }
    if (r->house_of_worship)
        buf_puts(b, ",\"house_of_worship\":true");
    buf_putc(b, '}');
    if (b->oom)
        return error_set(err, WSP_ENOMEM, "imported event %" PRId64 ": detail too long",
                         r->source_id);
    return 0;
}

static bool col_eq(sqlite3_stmt *st, int col, const char *v)
{
    const char *c = (const char *)sqlite3_column_text(st, col);
    return c ? v && strcmp(c, v) == 0 : v == NULL;
}

/* The dataset's verified flag as the last import wrote it into detail_json. */
static bool detail_import_verified(const char *detail)
{
    json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
    bool v = json_is_true(json_object_get(json_object_get(d, "import"), "verified"));
    json_decref(d);
    return v;
}

/* The status after a changed row (see store.h): the dataset's verification moves only a
 * waiting event, or one its own earlier import verified; an officer's decisions stay. */
static const char *updated_status(const char *status, bool was_verified, bool verified)
{
    if (verified && str_eq(status, "menunggu"))
        return "terverifikasi";
    if (!verified && was_verified && str_eq(status, "terverifikasi"))
        return "menunggu";
    return status;
}

/* A row checked and turned into an event's columns. */
struct import_row {
    const struct store_event_import *in;
    struct import_codes codes;
    struct store_event e; /* points into codes and in */
    const char *key;      /* region key: regency, else province */
};

/* row from r, and its detail_json into detail. */
static int import_prepare(const char *source, const struct store_event_import *r,
                          struct import_row *row, struct buf *detail, struct error *err)
{
    row->in = r;
    split_code(r->region_code ? r->region_code : "", &row->codes);
    const struct import_codes *c = &row->codes;
    row->e = (struct store_event){.category = r->category ? r->category : "none",
                                  .province_code = c->province[0] ? c->province : NULL,
                                  .regency_code = c->regency[0] ? c->regency : NULL,
                                  .place_code = c->place,
                                  .event_date = r->event_date,
                                  .killed = r->killed,
                                  .injured = r->injured,
                                  .confidence = 1.0,
                                  .status = r->verified ? "terverifikasi" : "menunggu"};
    row->key = row->e.regency_code ? row->e.regency_code : row->e.province_code;
    struct error e2 = {0};
    if (!row->e.province_code || !row->e.event_date || r->killed < 0 || r->injured < 0 ||
        store_event_check(&row->e, &e2) != 0)
        return error_set(err, WSP_EINVAL, "imported event %" PRId64 ": %s", r->source_id,
                         e2.msg[0] ? e2.msg : "needs a region code, a date and victims >= 0");
    return import_detail(detail, source, r, err);
}

/* Bind row's columns from parameter base + 1 on: category, province, regency, place, region
 * key, date, killed, injured, status, detail (10 values). */
static void bind_row(sqlite3_stmt *st, int base, const struct import_row *row, const char *detail)
{
    stmt_bind_text(st, base + 1, row->e.category);
    stmt_bind_text(st, base + 2, row->e.province_code);
    stmt_bind_text(st, base + 3, row->e.regency_code);
    stmt_bind_text(st, base + 4, row->e.place_code);
    stmt_bind_text(st, base + 5, row->key);
    stmt_bind_text(st, base + 6, row->e.event_date);
    sqlite3_bind_int64(st, base + 7, row->e.killed);
    sqlite3_bind_int64(st, base + 8, row->e.injured);
    stmt_bind_text(st, base + 9, row->e.status);
    stmt_bind_text(st, base + 10, detail);
}

/* New rows are staged in a temporary table and go into events by one INSERT ... SELECT: each
 * insert fires the change-feed trigger, so SQLite journals every statement's pages to be able
 * to roll that statement back alone, and one statement per event cost twice the insert. */
static int stage_begin(struct store *s, struct error *err)
{
    char *msg = NULL;
    int src = sqlite3_exec(s->db,
                           "CREATE TEMP TABLE IF NOT EXISTS import_rows (category TEXT,"
                           " province_code TEXT, regency_code TEXT, place_code TEXT,"
                           " region_code TEXT, event_date TEXT, killed INTEGER, injured INTEGER,"
                           " status TEXT, detail_json TEXT, import_id INTEGER);"
                           "DELETE FROM temp.import_rows",
                           NULL, NULL, &msg);
    sqlite3_free(msg);
    return src == SQLITE_OK ? 0 : store_fail(s, src, err, "stage imported events", NULL, NULL);
}

static int stage_row(struct store *s, const struct import_row *row, const char *detail,
                     struct error *err)
{
    sqlite3_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_STAGE,
                      "INSERT INTO temp.import_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                      " ?10, ?11)",
                      &st, err);
    if (rc != 0)
        return rc;
    bind_row(st, 0, row, detail);
    sqlite3_bind_int64(st, 11, row->in->source_id);
    int src = sqlite3_step(st);
    stmt_done(st);
    return src == SQLITE_DONE ? 0 : store_fail(s, src, err, "stage imported event", NULL, NULL);
}

/* The staged rows into events, in the order staged (by date), and the stage emptied. */
static int stage_insert(struct store *s, const char *source, int64_t now, struct error *err)
{
    sqlite3_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_INSERT,
                      "INSERT INTO events (category, province_code, regency_code, place_code,"
                      " region_code, event_date, killed, injured, status, detail_json,"
                      " import_source, import_id, confidence, created_at, updated_at)"
                      " SELECT category, province_code, regency_code, place_code, region_code,"
                      " event_date, killed, injured, status, detail_json, ?1, import_id, 1, ?2, ?2"
                      " FROM temp.import_rows ORDER BY rowid",
                      &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    sqlite3_bind_int64(st, 2, now);
    int src = sqlite3_step(st);
    stmt_done(st);
    if (src != SQLITE_DONE)
        return store_fail(s, src, err, "add imported events", "an imported event is there twice",
                          "unknown region code in an imported event");
    char *msg = NULL;
    src = sqlite3_exec(s->db, "DELETE FROM temp.import_rows", NULL, NULL, &msg);
    sqlite3_free(msg);
    return src == SQLITE_OK ? 0 : store_fail(s, src, err, "stage imported events", NULL, NULL);
}

/* The stored event of row's key, when there is one: unchanged (*what 2), or updated (1).
 * *what 0: not there yet. */
static int import_existing(struct store *s, const char *source, struct import_row *row,
                           const char *detail, int64_t now, int *what, struct error *err)
{
    *what = 0;
    sqlite3_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_FIND,
                      "SELECT id, category, province_code, regency_code, place_code, event_date,"
                      " killed, injured, status, detail_json FROM events"
                      " WHERE import_source = ?1 AND import_id = ?2",
                      &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    sqlite3_bind_int64(st, 2, row->in->source_id);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        stmt_done(st);
        return src == SQLITE_DONE ? 0 : store_fail(s, src, err, "find imported event", NULL, NULL);
    }
    const struct store_event *e = &row->e;
    int64_t id = sqlite3_column_int64(st, 0);
    bool same = col_eq(st, 1, e->category) && col_eq(st, 2, e->province_code) &&
                col_eq(st, 3, e->regency_code) && col_eq(st, 4, e->place_code) &&
                col_eq(st, 5, e->event_date) && sqlite3_column_type(st, 6) != SQLITE_NULL &&
                sqlite3_column_int64(st, 6) == e->killed &&
                sqlite3_column_type(st, 7) != SQLITE_NULL &&
                sqlite3_column_int64(st, 7) == e->injured && col_eq(st, 9, detail);
    if (same) {
        stmt_done(st);
        *what = 2;
        return 0;
    }
    char status[24];
    stmt_column_copy(st, 8, status, sizeof(status));
    bool was_verified = detail_import_verified((const char *)sqlite3_column_text(st, 9));
    stmt_done(st);
    row->e.status = updated_status(status, was_verified, row->in->verified);
    rc = stmt_get(s, STMT_EVENT_IMPORT_UPDATE,
                  "UPDATE events SET category = ?1, province_code = ?2, regency_code = ?3,"
                  " place_code = ?4, region_code = ?5, event_date = ?6, killed = ?7,"
                  " injured = ?8, status = ?9, detail_json = ?10, updated_at = ?11"
                  " WHERE id = ?12",
                  &st, err);
    if (rc != 0)
        return rc;
    bind_row(st, 0, row, detail);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_int64(st, 12, id);
    src = sqlite3_step(st);
    stmt_done(st);
    if (src != SQLITE_DONE)
        return store_fail(s, src, err, "update imported event", NULL,
                          "unknown region code in an imported event");
    *what = 1;
    return 0;
}

/* Whether source has imported events already (when not, every row is new). */
static int source_known(struct store *s, const char *source, bool *known, struct error *err)
{
    sqlite3_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_ANY,
                      "SELECT 1 FROM events WHERE import_source = ?1 LIMIT 1", &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    int src = sqlite3_step(st);
    stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return store_fail(s, src, err, "find imported events", NULL, NULL);
    *known = src == SQLITE_ROW;
    return 0;
}

/* Rows by date (then as given): written in that order, the date-keyed indexes on events take
 * their new entries at a few places that move forward instead of all over the tree (a million
 * events: 38 s against 44 s in file order, on a busy 2-core machine). */
static int cmp_row_date(const void *a, const void *b, void *ctx)
{
    const struct store_event_import *rows = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(rows[x].event_date ? rows[x].event_date : "",
                   rows[y].event_date ? rows[y].event_date : "");
    return c ? c : (x > y) - (x < y);
}

static size_t *rows_by_date(const struct store_event_import *rows, size_t n)
{
    size_t *order = xmalloc((n ? n : 1) * sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof(*order), cmp_row_date, (void *)rows);
    return order;
}

/* A pragma's integer value, false when it cannot be read. */
static bool pragma_get(struct store *s, const char *name, long *out)
{
    char sql[48];
    snprintf(sql, sizeof(sql), "PRAGMA %s", name);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return ok;
}

static void pragma_set(struct store *s, const char *name, long v)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA %s = %ld", name, v);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        LOG_W("store", "cannot set %s: %s", name, sqlite3_errmsg(s->db));
}

/* The import in one transaction: rows in date order, then the audit row. */
static int import_rows(struct store *s, const char *source, const char *label,
                       const struct store_event_import *rows, size_t n,
                       const struct store_actor *actor, size_t counts[3], struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    bool known = false;
    rc = source_known(s, source, &known, err);
    if (rc == 0)
        rc = stage_begin(s, err);
    size_t *order = rows_by_date(rows, n);
    struct buf detail;
    buf_init(&detail, 0);
    int64_t now = time_now();
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct import_row row;
        buf_reset(&detail);
        rc = import_prepare(source, &rows[order[i]], &row, &detail, err);
        int what = 0;
        if (rc == 0 && known)
            rc = import_existing(s, source, &row, detail.data, now, &what, err);
        if (rc == 0 && what == 0)
            rc = stage_row(s, &row, detail.data, err);
        if (rc == 0)
            counts[what]++;
    }
    if (rc == 0 && counts[0] > 0)
        rc = stage_insert(s, source, now, err);
    buf_release(&detail);
    free(order);
    if (rc == 0 && counts[0] + counts[1] > 0) {
        json_t *o = json_object();
        json_object_set_new(o, "source", json_string(source));
        if (label)
            json_object_set_new(o, "label", json_string(label));
        json_object_set_new(o, "rows", json_integer((json_int_t)n));
        json_object_set_new(o, "inserted", json_integer((json_int_t)counts[0]));
        json_object_set_new(o, "updated", json_integer((json_int_t)counts[1]));
        json_object_set_new(o, "unchanged", json_integer((json_int_t)counts[2]));
        char *after = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!after)
            abort(); /* jansson fails here only when out of memory */
        rc = store_audit_add(s, actor, "event.import", "import", source, NULL, after, err);
        free(after);
    }
    return store_tx_end(s, rc, err);
}

int store_event_import(struct store *s, const char *source, const char *label,
                       const struct store_event_import *rows, size_t n,
                       const struct store_actor *actor, struct store_import_stats *stats,
                       struct error *err)
{
    struct store_import_stats tmp;
    if (!stats)
        stats = &tmp;
    memset(stats, 0, sizeof(*stats));
    if (!store_import_source_valid(source))
        return error_set(err, WSP_EINVAL,
                         "bad import source name '%s' (1..32 of a-z, 0-9, '.', '_', '-')",
                         source ? source : "");
    /* For a big import, a bigger page cache: the indexes it writes stay in memory (a million
     * events: 38 s against 70 s with the default 2 MiB, for 290 MiB more memory). */
    long cache = 0;
    bool big = n >= IMPORT_BIG_ROWS && pragma_get(s, "cache_size", &cache);
    if (big)
        pragma_set(s, "cache_size", -IMPORT_CACHE_KIB);
    size_t counts[3] = {0, 0, 0};
    int rc = import_rows(s, source, label, rows, n, actor, counts, err);
    if (big)
        pragma_set(s, "cache_size", cache);
    if (rc == 0) {
        stats->inserted = counts[0];
        stats->updated = counts[1];
        stats->unchanged = counts[2];
    }
    return rc;
}
