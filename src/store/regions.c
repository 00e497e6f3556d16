/* Regions: the official hierarchy of region codes (province .. village). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

#define REGION_LEVELS 4

static int check_row(const struct store_region *r, size_t i, struct error *err)
{
    if (!r->code || !*r->code)
        return error_set(err, WSP_EINVAL, "region %zu has an empty code", i);
    if (r->level < 1 || r->level > REGION_LEVELS)
        return error_set(err, WSP_EINVAL, "region '%s' has invalid level '%d'", r->code, r->level);
    if (!r->name || !*r->name)
        return error_set(err, WSP_EINVAL, "region '%s' has an empty name", r->code);
    if ((r->level == 1) != (r->parent_code == NULL || !*r->parent_code))
        return error_set(err, WSP_EINVAL, "region '%s': only provinces have no parent", r->code);
    return 0;
}

/* Rows per multi-row INSERT: a whole gazetteer (about 92,000 regions) is synced at every
 * start-up, and one statement a row is one network round trip a row on PostgreSQL (14 s
 * there, against 1 s for SQLite in-process); 128 rows bind 512 parameters, under every
 * SQLite build's limit. */
#define REGION_BATCH 128

static void bind_region(struct db_stmt *st, int k, const struct store_region *r)
{
    stmt_bind_text(st, k, r->code);
    stmt_bind_text(st, k + 1, r->level == 1 ? NULL : r->parent_code);
    db_bind_int64(st, k + 2, r->level);
    stmt_bind_text(st, k + 3, r->name);
}

/* Insert rows one by one with the cached one-row statement; *added counts the new ones. The
 * error names the row whose parent is unknown. */
static int insert_rows(struct store *s, const struct store_region *rows, const size_t *idx,
                       size_t n, size_t *added, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_REGION_INSERT,
                      "INSERT INTO regions (code, parent_code, level, name) VALUES (?1, ?2, ?3, ?4)"
                      " ON CONFLICT (code) DO NOTHING",
                      &st, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct store_region *r = &rows[idx[i]];
        bind_region(st, 1, r);
        int src = db_step(st);
        stmt_done(st);
        if (src == DB_DONE) {
            *added += (size_t)db_changes(s->db);
        } else {
            char fk[160];
            snprintf(fk, sizeof(fk), "unknown parent region '%s' of '%s'", r->parent_code, r->code);
            rc = store_fail(s, src, err, "sync regions", NULL, fk);
        }
    }
    return rc;
}

/* Insert REGION_BATCH rows in one statement (st) under a savepoint; when it fails, roll it back
 * and insert them one by one, which finds the row at fault and says which. */
static int insert_batch(struct store *s, struct db_stmt *st, const struct store_region *rows,
                        const size_t *idx, size_t *added, struct error *err)
{
    int rc = store_begin(s, err); /* inside the sync's transaction: a savepoint */
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < REGION_BATCH; i++)
        bind_region(st, (int)(4 * i + 1), &rows[idx[i]]);
    int src = db_step(st);
    stmt_done(st);
    if (src == DB_DONE) {
        *added += (size_t)db_changes(s->db);
        return store_commit(s, err);
    }
    store_rollback(s);
    return insert_rows(s, rows, idx, REGION_BATCH, added, err);
}

int store_regions_sync(struct store *s, const struct store_region *rows, size_t n, size_t *inserted,
                       struct error *err)
{
    if (inserted)
        *inserted = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = check_row(&rows[i], i, err);
        if (rc != 0)
            return rc;
    }
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    size_t added = 0;
    size_t *idx = n ? xmalloc(n * sizeof(*idx)) : NULL;
    struct db_stmt *batch = NULL;
    if (n >= REGION_BATCH) {
        struct buf sql;
        buf_init(&sql, 0);
        buf_puts(&sql, "INSERT INTO regions (code, parent_code, level, name) VALUES ");
        for (int i = 0; i < REGION_BATCH; i++)
            buf_printf(&sql, "%s(?%d, ?%d, ?%d, ?%d)", i ? ", " : "", 4 * i + 1, 4 * i + 2,
                       4 * i + 3, 4 * i + 4);
        buf_puts(&sql, " ON CONFLICT (code) DO NOTHING");
        int src = db_prepare(s->db, buf_cstr(&sql), true, &batch);
        buf_release(&sql);
        if (src != DB_OK)
            rc = store_fail(s, src, err, "sync regions", NULL, NULL);
    }
    /* Level by level, so every parent is in before its children whatever the input order. */
    for (int level = 1; rc == 0 && level <= REGION_LEVELS; level++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (rows[i].level == level)
                idx[m++] = i;
        size_t done = 0;
        for (; rc == 0 && m - done >= REGION_BATCH; done += REGION_BATCH)
            rc = insert_batch(s, batch, rows, idx + done, &added, err);
        if (rc == 0)
            rc = insert_rows(s, rows, idx + done, m - done, &added, err);
    }
    db_finalize(batch);
    free(idx);
    /* Re-syncing at every start-up is normal; only real changes are worth an audit row. */
    if (rc == 0 && added > 0) {
        char after[48];
        snprintf(after, sizeof(after), "{\"inserted\":%zu}", added);
        rc = store_audit_add(s, NULL, "regions.sync", "region", NULL, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    if (rc == 0 && inserted)
        *inserted = added;
    return rc;
}

int store_region_count(struct store *s, int level, size_t *count, struct error *err)
{
    *count = 0;
    struct db_stmt *st;
    int rc = level == 0
                 ? stmt_get(s, STMT_REGION_COUNT_ALL, "SELECT COUNT(*) FROM regions", &st, err)
                 : stmt_get(s, STMT_REGION_COUNT_LEVEL,
                            "SELECT COUNT(*) FROM regions WHERE level = ?1", &st, err);
    if (rc != 0)
        return rc;
    if (level != 0)
        db_bind_int64(st, 1, level);
    int src = db_step(st);
    if (src == DB_ROW)
        *count = (size_t)db_column_int64(st, 0);
    stmt_done(st);
    if (src != DB_ROW)
        return store_fail(s, src, err, "count regions", NULL, NULL);
    return 0;
}

int store_region_exists(struct store *s, const char *code, struct error *err)
{
    if (!code || !*code)
        return error_set(err, WSP_ENOTFOUND, "unknown region ''");
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_REGION_EXISTS, "SELECT 1 FROM regions WHERE code = ?1", &st, err);
    if (rc != 0)
        return rc;
    stmt_bind_text(st, 1, code);
    int src = db_step(st);
    stmt_done(st);
    if (src == DB_ROW)
        return 0;
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "unknown region '%s'", code);
    return store_fail(s, src, err, "look up region", NULL, NULL);
}
