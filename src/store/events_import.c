/* Events imported in bulk from other datasets (`waspada import events`), keyed on the dataset's
 * name and its own id so that importing again changes only what changed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define IMPORT_SOURCE_MAX 32
#define IMPORT_BIG_ROWS 10000
#define IMPORT_CACHE_KIB (256L << 10) /* 256 MiB: a million imported events' indexes */
/* While events are indexed again after a bulk insert: a small page cache, so that SQLite sorts
 * each index in pieces of this size on IMPORT_SORT_THREADS helper threads and merges them
 * (a million events' 16 indexes, busy 2-core machine: 18 s with one 256 MiB piece, 13 s). */
#define IMPORT_SORT_CACHE_KIB (4L << 10)
#define IMPORT_SORT_THREADS 2
/* ... and the database mapped into memory: each index reads the whole table, which is then
 * not copied page by page out of the OS cache (31 s -> 27 s for the million). */
#define IMPORT_SORT_MMAP (1L << 30)

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
    /* pieces, not buf_printf: that cost a tenth of a big import */
    buf_puts(b, "{\"import\":{\"source\":\"");
    buf_puts(b, source); /* a valid source name needs no escaping */
    buf_puts(b, "\",\"id\":");
    buf_put_i64(b, r->source_id);
    buf_puts(b, r->verified ? ",\"verified\":true}" : ",\"verified\":false}");
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

static bool col_eq(struct db_stmt *st, int col, const char *v)
{
    const char *c = db_column_text(st, col);
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
static void bind_row(struct db_stmt *st, int base, const struct import_row *row, const char *detail)
{
    stmt_bind_text(st, base + 1, row->e.category);
    stmt_bind_text(st, base + 2, row->e.province_code);
    stmt_bind_text(st, base + 3, row->e.regency_code);
    stmt_bind_text(st, base + 4, row->e.place_code);
    stmt_bind_text(st, base + 5, row->key);
    stmt_bind_text(st, base + 6, row->e.event_date);
    db_bind_int64(st, base + 7, row->e.killed);
    db_bind_int64(st, base + 8, row->e.injured);
    stmt_bind_text(st, base + 9, row->e.status);
    stmt_bind_text(st, base + 10, detail);
}

/* New rows are staged in a temporary table and go into events by one INSERT ... SELECT: each
 * insert fires the change-feed trigger, so SQLite journals every statement's pages to be able
 * to roll that statement back alone, and one statement per event cost twice the insert. */
static int stage_begin(struct store *s, struct error *err)
{
    int src = db_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS import_rows (category TEXT,"
                             " province_code TEXT, regency_code TEXT, place_code TEXT,"
                             " region_code TEXT, event_date TEXT, killed INTEGER, injured INTEGER,"
                             " status TEXT, detail_json TEXT, import_id INTEGER);"
                             "DELETE FROM temp.import_rows");
    return src == DB_OK ? 0 : store_fail(s, src, err, "stage imported events", NULL, NULL);
}

static int stage_row(struct store *s, const struct import_row *row, const char *detail,
                     struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_STAGE,
                      "INSERT INTO temp.import_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                      " ?10, ?11)",
                      &st, err);
    if (rc != 0)
        return rc;
    bind_row(st, 0, row, detail);
    db_bind_int64(st, 11, row->in->source_id);
    int src = db_step(st);
    stmt_done(st);
    return src == DB_DONE ? 0 : store_fail(s, src, err, "stage imported event", NULL, NULL);
}

/* New rows straight into events, IMPORT_BATCH at a time: for a bulk insert, when events has no
 * index and no trigger left (bulk_drop), so that staging would only copy the rows twice. One
 * statement for many rows, because each run of an INSERT builds the lists of its CHECK
 * constraints (category, status) again: a million events one row per statement took 11 s,
 * staged 8 s, in batches 2 s. */
#define IMPORT_BATCH 64

struct import_batch {
    struct import_row rows[IMPORT_BATCH];
    struct buf detail[IMPORT_BATCH];
    size_t n;
};

static char *batch_sql(size_t n)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "INSERT INTO events (category, province_code, regency_code, place_code,"
                 " region_code, event_date, killed, injured, status, detail_json,"
                 " import_source, import_id, confidence, created_at, updated_at) VALUES ");
    for (size_t i = 0; i < n; i++) {
        int p = (int)i * 11 + 2;
        buf_printf(&b, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?1, ?%d, 1, ?2, ?2)",
                   i ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9,
                   p + 10, p + 11);
    }
    if (b.oom)
        abort(); /* a few kilobytes */
    return b.data;
}

/* The batch's rows into events, and the batch emptied. */
static int batch_flush(struct store *s, struct import_batch *b, const char *source, int64_t now,
                       struct error *err)
{
    if (b->n == 0)
        return 0;
    struct db_stmt *st = NULL, *own = NULL;
    int rc = 0;
    if (b->n == IMPORT_BATCH && s->stmts[STMT_EVENT_IMPORT_DIRECT]) {
        st = s->stmts[STMT_EVENT_IMPORT_DIRECT];
    } else {
        char *sql = batch_sql(b->n);
        if (b->n == IMPORT_BATCH) {
            rc = stmt_get(s, STMT_EVENT_IMPORT_DIRECT, sql, &st, err);
        } else {
            int src = db_prepare(s->db, sql, false, &own);
            rc = src == DB_OK ? 0 : store_fail(s, src, err, "prepare statement", NULL, NULL);
            st = own;
        }
        free(sql);
    }
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    db_bind_int64(st, 2, now);
    for (size_t i = 0; i < b->n; i++) {
        int p = (int)i * 11 + 2;
        bind_row(st, p, &b->rows[i], b->detail[i].data);
        db_bind_int64(st, p + 11, b->rows[i].in->source_id);
    }
    int src = db_step(st);
    if (own)
        db_finalize(own);
    else
        stmt_done(st);
    b->n = 0;
    return src == DB_DONE
               ? 0
               : store_fail(s, src, err, "add imported events", "an imported event is there twice",
                            "unknown region code in an imported event");
}

/* The staged rows into events, in the order staged (by date), and the stage emptied. */
static int stage_insert(struct store *s, const char *source, int64_t now, struct error *err)
{
    struct db_stmt *st;
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
    db_bind_int64(st, 2, now);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "add imported events", "an imported event is there twice",
                          "unknown region code in an imported event");
    src = db_exec(s->db, "DELETE FROM temp.import_rows");
    return src == DB_OK ? 0 : store_fail(s, src, err, "stage imported events", NULL, NULL);
}

/* The stored event of row's key, when there is one: unchanged (*what 2), or updated (1).
 * *what 0: not there yet. */
static int import_existing(struct store *s, const char *source, struct import_row *row,
                           const char *detail, int64_t now, int *what, struct error *err)
{
    *what = 0;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_FIND,
                      "SELECT id, category, province_code, regency_code, place_code, event_date,"
                      " killed, injured, status, detail_json FROM events"
                      " WHERE import_source = ?1 AND import_id = ?2",
                      &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    db_bind_int64(st, 2, row->in->source_id);
    int src = db_step(st);
    if (src != DB_ROW) {
        stmt_done(st);
        return src == DB_DONE ? 0 : store_fail(s, src, err, "find imported event", NULL, NULL);
    }
    const struct store_event *e = &row->e;
    int64_t id = db_column_int64(st, 0);
    bool same = col_eq(st, 1, e->category) && col_eq(st, 2, e->province_code) &&
                col_eq(st, 3, e->regency_code) && col_eq(st, 4, e->place_code) &&
                col_eq(st, 5, e->event_date) && !db_column_is_null(st, 6) &&
                db_column_int64(st, 6) == e->killed && !db_column_is_null(st, 7) &&
                db_column_int64(st, 7) == e->injured && col_eq(st, 9, detail);
    if (same) {
        stmt_done(st);
        *what = 2;
        return 0;
    }
    char status[24];
    stmt_column_copy(st, 8, status, sizeof(status));
    bool was_verified = detail_import_verified(db_column_text(st, 9));
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
    db_bind_int64(st, 11, now);
    db_bind_int64(st, 12, id);
    src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "update imported event", NULL,
                          "unknown region code in an imported event");
    *what = 1;
    return 0;
}

/* Whether source has imported events already (when not, every row is new). */
static int source_known(struct store *s, const char *source, bool *known, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_EVENT_IMPORT_ANY,
                      "SELECT 1 FROM events WHERE import_source = ?1 LIMIT 1", &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, source);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_ROW && src != DB_DONE)
        return store_fail(s, src, err, "find imported events", NULL, NULL);
    *known = src == DB_ROW;
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
    struct db_stmt *st;
    if (s->engine != DB_SQLITE || db_prepare(s->db, sql, false, &st) != DB_OK)
        return false;
    bool ok = db_step(st) == DB_ROW;
    if (ok)
        *out = (long)db_column_int64(st, 0);
    db_finalize(st);
    return ok;
}

static void pragma_set(struct store *s, const char *name, long v)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA %s = %ld", name, v);
    if (db_exec(s->db, sql) != DB_OK)
        LOG_W("store", "cannot set %s: %s", name, db_errmsg(s->db));
}

/* Region codes found in regions, for a batch written with foreign keys off (see
 * store_event_import): each distinct code is looked up once, where the foreign keys looked up
 * three or four per row. Open addressing on the codes (copied), grows at half. */
struct code_set {
    char **codes;
    size_t cap, n;
    struct db_stmt *find; /* SELECT 1 FROM regions WHERE code = ?1 */
};

static size_t code_slot(char *const *codes, size_t cap, const char *code)
{
    uint64_t x = 1469598103934665603ull; /* FNV-1a */
    for (const char *p = code; *p; p++)
        x = (x ^ (unsigned char)*p) * 1099511628211ull;
    size_t i = (size_t)x & (cap - 1);
    while (codes[i] && strcmp(codes[i], code) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static void code_set_add(struct code_set *h, const char *code)
{
    if (2 * (h->n + 1) > h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        char **codes = xcalloc(cap, sizeof(*codes));
        for (size_t i = 0; i < h->cap; i++)
            if (h->codes[i])
                codes[code_slot(codes, cap, h->codes[i])] = h->codes[i];
        free(h->codes);
        h->codes = codes;
        h->cap = cap;
    }
    size_t i = code_slot(h->codes, h->cap, code);
    if (!h->codes[i]) {
        h->codes[i] = xstrdup(code);
        h->n++;
    }
}

static void code_set_release(struct code_set *h)
{
    for (size_t i = 0; i < h->cap; i++)
        free(h->codes[i]);
    free(h->codes);
    db_finalize(h->find);
    memset(h, 0, sizeof(*h));
}

/* 0 when code is NULL or in regions; the foreign keys' error otherwise. */
static int code_known(struct store *s, struct code_set *h, const char *code, struct error *err)
{
    if (!code || (h->cap && h->codes[code_slot(h->codes, h->cap, code)]))
        return 0;
    int src = DB_OK;
    if (!h->find)
        src = db_prepare(s->db, "SELECT 1 FROM regions WHERE code = ?1", false, &h->find);
    if (src != DB_OK)
        return store_fail(s, src, err, "find region", NULL, NULL);
    stmt_bind_text(h->find, 1, code);
    src = db_step(h->find);
    db_reset(h->find);
    if (src == DB_DONE)
        return error_set(err, WSP_EINVAL, "unknown region code in an imported event");
    if (src != DB_ROW)
        return store_fail(s, src, err, "find region", NULL, NULL);
    code_set_add(h, code);
    return 0;
}

static int row_codes_known(struct store *s, struct code_set *h, const struct import_row *row,
                           struct error *err)
{
    int rc = code_known(s, h, row->e.province_code, err);
    if (rc == 0)
        rc = code_known(s, h, row->e.regency_code, err);
    if (rc == 0)
        rc = code_known(s, h, row->e.place_code, err);
    return rc; /* region_code is the regency's or the province's */
}

/* ---- many new events at once ---------------------------------------------------------------- */

/* The index definitions of events and its change-feed insert trigger, dropped for a bulk
 * insert and created again after it, in the same transaction. */
struct bulk_schema {
    char **sql; /* CREATE INDEX ... of every index on events (not the constraints') */
    size_t n;
    char *trigger_sql; /* CREATE TRIGGER events_change_ai ..., or NULL when there is none */
    int64_t max_id;    /* events.id below the new rows */
};

static void bulk_schema_release(struct bulk_schema *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->sql[i]);
    free(b->sql);
    free(b->trigger_sql);
    memset(b, 0, sizeof(*b));
}

static int exec_sql(struct store *s, const char *sql, const char *what, const char *exists_msg,
                    struct error *err)
{
    int src = db_exec(s->db, sql);
    return src == DB_OK ? 0 : store_fail(s, src, err, what, exists_msg, NULL);
}

/* Drop events' indexes and its insert trigger, keeping their SQL in b. */
static int bulk_drop(struct store *s, struct bulk_schema *b, struct error *err)
{
    struct db_stmt *st;
    int src = db_prepare(s->db,
                         "SELECT type, name, sql FROM sqlite_master WHERE tbl_name ="
                         " 'events' AND sql IS NOT NULL AND (type = 'index' OR"
                         " (type = 'trigger' AND name = 'events_change_ai'))"
                         " UNION ALL SELECT 'max', IFNULL(MAX(id), 0), NULL FROM events",
                         false, &st);
    if (src != DB_OK)
        return store_fail(s, src, err, "read the schema of events", NULL, NULL);
    struct buf drop;
    buf_init(&drop, 0);
    size_t cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        const char *type = db_column_text(st, 0);
        const char *name = db_column_text(st, 1);
        const char *sql = db_column_text(st, 2);
        if (str_eq(type, "max")) {
            b->max_id = db_column_int64(st, 1);
            continue;
        }
        buf_puts(&drop, str_eq(type, "index") ? "DROP INDEX \"" : "DROP TRIGGER \"");
        for (const char *c = name; *c; c++) /* a quoted name: " doubled */
            buf_append(&drop, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
        buf_puts(&drop, "\";");
        if (str_eq(type, "trigger")) {
            b->trigger_sql = xstrdup(sql);
            continue;
        }
        if (b->n == cap) {
            cap = cap ? 2 * cap : 16;
            b->sql = xrealloc(b->sql, cap * sizeof(*b->sql));
        }
        b->sql[b->n++] = xstrdup(sql);
    }
    db_finalize(st);
    int rc = src == DB_DONE ? 0 : store_fail(s, src, err, "read the schema of events", NULL, NULL);
    if (rc == 0 && drop.oom)
        rc = error_set(err, WSP_ENOMEM, "drop the indexes of events: out of memory");
    if (rc == 0 && drop.len)
        rc = exec_sql(s, buf_cstr(&drop), "drop the indexes of events", NULL, err);
    buf_release(&drop);
    return rc;
}

/* Create again what bulk_drop dropped, and the change-feed rows of the new events (what the
 * trigger would have written: one per event, a new sequence number each, in id order). */
static int bulk_restore(struct store *s, const struct bulk_schema *b, struct error *err)
{
    long cache = 0, threads = 0, mmap = 0;
    bool tune = pragma_get(s, "cache_size", &cache) && pragma_get(s, "threads", &threads) &&
                pragma_get(s, "mmap_size", &mmap);
    if (tune) {
        pragma_set(s, "cache_size", -IMPORT_SORT_CACHE_KIB);
        pragma_set(s, "threads", IMPORT_SORT_THREADS);
        pragma_set(s, "mmap_size", IMPORT_SORT_MMAP);
    }
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        int64_t t = time_mono_ms();
        rc = exec_sql(s, b->sql[i], "index imported events", "an imported event is there twice",
                      err);
        LOG_D("store", "%" PRId64 " ms: %s", time_mono_ms() - t, b->sql[i]);
    }
    int64_t tf = time_mono_ms();
    if (tune) {
        pragma_set(s, "cache_size", cache);
        pragma_set(s, "threads", threads);
        pragma_set(s, "mmap_size", mmap);
    }
    if (rc != 0 || !b->trigger_sql)
        return rc;
    char fill[160];
    snprintf(fill, sizeof(fill),
             "INSERT OR REPLACE INTO event_changes (event_id, deleted)"
             " SELECT id, 0 FROM events WHERE id > %" PRId64 " ORDER BY id",
             b->max_id);
    rc = exec_sql(s, fill, "record imported events' changes", NULL, err);
    LOG_D("store", "%" PRId64 " ms: change feed", time_mono_ms() - tf);
    if (rc == 0)
        rc = exec_sql(s, b->trigger_sql, "restore the change feed of events", NULL, err);
    return rc;
}

/* The import in one transaction: rows in date order, then the audit row. bulk: foreign keys
 * are off (region codes are checked here) and events may be reindexed, when the new rows are
 * at least as many as existing, the events there before. */
static int import_rows(struct store *s, const char *source, const char *label,
                       const struct store_event_import *rows, size_t n,
                       const struct store_actor *actor, bool bulk, size_t existing,
                       size_t counts[3], struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    /* PostgreSQL: the lock each write of events takes (events.c, lock_events), before the
     * stored rows are read to be compared, so that no other node changes them meanwhile */
    if (s->engine == DB_POSTGRES)
        rc = exec_sql(s, "LOCK TABLE event_changes IN EXCLUSIVE MODE", "lock events", NULL, err);
    bool known = false;
    if (rc == 0)
        rc = source_known(s, source, &known, err);
    size_t *order = rows_by_date(rows, n);
    struct buf detail;
    buf_init(&detail, 0);
    struct code_set known_codes = {0};
    int64_t now = time_now();
    /* Many new rows into few: the indexes are built again from the sorted rows after the
     * insert, much cheaper than keeping a dozen of them up to date row by row (a million
     * events into a new database with v10's 16 indexes on this 2-core machine: 40 s with
     * v9's 12 kept up to date, 31 s rebuilt, of which 11-14 s building the indexes). A
     * source seen for the first time has only new rows, which then go straight into events
     * in batches (with the CLI's reading on two threads: 20-26 s); else the rows are
     * compared with what is stored first and only the new ones staged. PostgreSQL keeps
     * its indexes and takes every new row in batches. */
    struct bulk_schema schema = {0};
    bool straight = bulk && !known && n >= IMPORT_BIG_ROWS && n >= existing;
    bool batched = straight || s->engine != DB_SQLITE;
    bool rebuild = straight;
    int64_t t0 = time_mono_ms();
    if (rc == 0 && straight)
        rc = bulk_drop(s, &schema, err);
    if (rc == 0 && !batched)
        rc = stage_begin(s, err);
    struct import_batch *batch = NULL;
    if (batched) {
        batch = xcalloc(1, sizeof(*batch));
        for (size_t i = 0; i < IMPORT_BATCH; i++)
            buf_init(&batch->detail[i], 0);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* batched: prepared in the batch's next place (row.e points into row.codes) */
        struct import_row one, *row = batched ? &batch->rows[batch->n] : &one;
        struct buf *d = batched ? &batch->detail[batch->n] : &detail;
        buf_reset(d);
        rc = import_prepare(source, &rows[order[i]], row, d, err);
        if (rc == 0 && bulk)
            rc = row_codes_known(s, &known_codes, row, err);
        int what = 0;
        if (rc == 0 && known)
            rc = import_existing(s, source, row, d->data, now, &what, err);
        if (rc == 0 && what == 0 && batched) {
            if (++batch->n == IMPORT_BATCH)
                rc = batch_flush(s, batch, source, now, err);
        } else if (rc == 0 && what == 0) {
            rc = stage_row(s, row, d->data, err);
        }
        if (rc == 0)
            counts[what]++;
        if ((i & 1023) == 0)
            store_progress(s, known ? "comparing" : "writing", (int64_t)i, (int64_t)n);
    }
    if (rc == 0 && batched)
        rc = batch_flush(s, batch, source, now, err);
    if (batch) {
        for (size_t i = 0; i < IMPORT_BATCH; i++)
            buf_release(&batch->detail[i]);
        free(batch);
    }
    code_set_release(&known_codes);
    int64_t t1 = time_mono_ms();
    if (!batched) {
        rebuild = bulk && counts[0] >= IMPORT_BIG_ROWS && counts[0] >= existing;
        if (rc == 0 && rebuild)
            rc = bulk_drop(s, &schema, err);
        if (rc == 0 && counts[0] > 0)
            rc = stage_insert(s, source, now, err);
    }
    int64_t t2 = time_mono_ms();
    store_progress(s, rebuild ? "indexing" : "writing", (int64_t)n, (int64_t)n);
    if (rc == 0 && rebuild)
        rc = bulk_restore(s, &schema, err);
    LOG_D("store",
          "import of %zu rows: checked and %s in %" PRId64 " ms, inserted in %" PRId64
          " ms, indexed in %" PRId64 " ms",
          n, batched ? "inserted" : "staged", t1 - t0, t2 - t1, time_mono_ms() - t2);
    bulk_schema_release(&schema);
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
    int64_t t3 = time_mono_ms();
    store_progress(s, "committing", (int64_t)n, (int64_t)n);
    rc = store_tx_end(s, rc, err);
    LOG_D("store", "import of %zu rows: committed in %" PRId64 " ms", n, time_mono_ms() - t3);
    return rc;
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
    /* A bulk import (not inside the caller's transaction, where the foreign keys pragma
     * cannot change): foreign keys off, each distinct region code checked once instead. */
    int64_t existing = 0;
    long fk = 0;
    struct error ignored = {0}; /* no count: no bulk path */
    bool bulk = big && s->depth == 0 && pragma_get(s, "foreign_keys", &fk) &&
                store_query_int(s, "SELECT COUNT(*) FROM events", &existing, "count events",
                                &ignored) == 0 &&
                (size_t)existing <= n;
    if (bulk && fk) {
        pragma_set(s, "foreign_keys", 0);
        long now_fk = 1;
        bulk = pragma_get(s, "foreign_keys", &now_fk) && now_fk == 0;
    }
    size_t counts[3] = {0, 0, 0};
    int rc = import_rows(s, source, label, rows, n, actor, bulk, (size_t)existing, counts, err);
    if (fk)
        pragma_set(s, "foreign_keys", fk);
    if (big)
        pragma_set(s, "cache_size", cache);
    if (rc == 0) {
        stats->inserted = counts[0];
        stats->updated = counts[1];
        stats->unchanged = counts[2];
    }
    return rc;
}
