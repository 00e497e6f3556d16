/* Regions: the official hierarchy of region codes (province .. village). */
#include <stdio.h>
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
    struct db_stmt *st;
    rc = stmt_get(s, STMT_REGION_INSERT,
                  "INSERT INTO regions (code, parent_code, level, name) VALUES (?1, ?2, ?3, ?4)"
                  " ON CONFLICT (code) DO NOTHING",
                  &st, err);
    size_t added = 0;
    /* Level by level, so every parent is in before its children whatever the input order. */
    for (int level = 1; rc == 0 && level <= REGION_LEVELS; level++) {
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const struct store_region *r = &rows[i];
            if (r->level != level)
                continue;
            stmt_bind_text(st, 1, r->code);
            stmt_bind_text(st, 2, level == 1 ? NULL : r->parent_code);
            db_bind_int64(st, 3, r->level);
            stmt_bind_text(st, 4, r->name);
            int src = db_step(st);
            stmt_done(st);
            if (src == DB_DONE) {
                added += (size_t)db_changes(s->db);
            } else {
                char fk[160];
                snprintf(fk, sizeof(fk), "unknown parent region '%s' of '%s'", r->parent_code,
                         r->code);
                rc = store_fail(s, src, err, "sync regions", NULL, fk);
            }
        }
    }
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
