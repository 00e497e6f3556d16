/* Plan and control: shared helpers, the reporting calendar, region lists and the per-region
 * status behind compliance. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

int plan_step_done(struct store *s, struct db_stmt *st, const char *what, struct error *err)
{
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, what, NULL, NULL);
    return 0;
}

int plan_step_id(struct store *s, struct db_stmt *st, const char *what, const char *exists,
                 const char *fk, int64_t *id, struct error *err)
{
    int src = db_step(st);
    if (src == DB_ROW) {
        *id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, what, exists, fk);
    return 0;
}

int plan_changed(struct store *s, const char *what, int64_t id, struct error *err)
{
    if (db_changes(s->db) == 0)
        return error_set(err, WSP_ENOTFOUND, "no %s with id '%" PRId64 "'", what, id);
    return 0;
}

int plan_audit(struct store *s, const struct store_actor *actor, const char *action,
               const char *object_type, int64_t id, json_t *before, json_t *after,
               struct error *err)
{
    char oid[24];
    snprintf(oid, sizeof(oid), "%" PRId64, id);
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(before);
    json_decref(after);
    int rc = store_audit_add(s, actor, action, object_type, oid, b, a, err);
    free(b);
    free(a);
    return rc;
}

json_t *plan_jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

const char *plan_col(struct arena *a, struct db_stmt *st, int col, bool *oom)
{
    return store_column_arena(a, st, col, oom);
}

void plan_bind_id(struct db_stmt *st, int idx, int64_t v)
{
    if (v)
        db_bind_int64(st, idx, v);
    else
        db_bind_null(st, idx);
}

/* ---- calendar --------------------------------------------------------------------------- */

static void cal_read(struct db_stmt *st, struct store_calendar *c)
{
    memset(c, 0, sizeof(*c));
    stmt_column_copy(st, 0, c->plan_type, sizeof(c->plan_type));
    stmt_column_copy(st, 1, c->period_type, sizeof(c->period_type));
    c->deadline_days = (int)db_column_int64(st, 2);
    c->grace_days = (int)db_column_int64(st, 3);
    c->updated_at = db_column_int64(st, 4);
}

#define CAL_COLS "plan_type, period_type, deadline_days, grace_days, updated_at"

int store_calendar_list(struct store *s, struct store_calendar *out, size_t max, size_t *n,
                        struct error *err)
{
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CAL_LIST, "SELECT " CAL_COLS " FROM plan_calendar ORDER BY plan_type", &st,
                   err);
    if (rc)
        return rc;
    int src = DB_DONE;
    while ((src = db_step(st)) == DB_ROW && *n < max)
        cal_read(st, &out[(*n)++]);
    stmt_done(st);
    if (src != DB_ROW && src != DB_DONE)
        return store_fail(s, src, err, "list calendar", NULL, NULL);
    return 0;
}

int store_calendar_get(struct store *s, const char *plan_type, struct store_calendar *out,
                       struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CAL_GET, "SELECT " CAL_COLS " FROM plan_calendar WHERE plan_type = ?1",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, plan_type);
    int src = db_step(st);
    if (src == DB_ROW)
        cal_read(st, out);
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "no reporting calendar for plan type '%s'",
                         plan_type ? plan_type : "");
    if (src != DB_ROW)
        return store_fail(s, src, err, "read calendar", NULL, NULL);
    return 0;
}

static json_t *cal_json(const struct store_calendar *c)
{
    return json_pack("{s:s,s:s,s:i,s:i}", "plan_type", c->plan_type, "period_type", c->period_type,
                     "deadline_days", c->deadline_days, "grace_days", c->grace_days);
}

int store_calendar_set(struct store *s, const struct store_calendar *c,
                       const struct store_actor *actor, struct error *err)
{
    if (!str_eq(c->period_type, "b4") && !str_eq(c->period_type, "quarter") &&
        !str_eq(c->period_type, "month"))
        return error_set(err, WSP_EINVAL, "unknown period type '%s' (b4, quarter, month)",
                         c->period_type);
    if (c->deadline_days < 0 || c->deadline_days > 120 || c->grace_days < 0 || c->grace_days > 120)
        return error_set(err, WSP_EINVAL, "deadline and grace days must be 0 to 120");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct store_calendar old;
    rc = store_calendar_get(s, c->plan_type, &old, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_CAL_SET,
                   "UPDATE plan_calendar SET period_type = ?2, deadline_days = ?3,"
                   " grace_days = ?4, updated_at = ?5 WHERE plan_type = ?1",
                   &st, err);
    if (!rc) {
        stmt_bind_text(st, 1, c->plan_type);
        stmt_bind_text(st, 2, c->period_type);
        db_bind_int64(st, 3, c->deadline_days);
        db_bind_int64(st, 4, c->grace_days);
        db_bind_int64(st, 5, time_now());
        rc = plan_step_done(s, st, "set calendar", err);
    }
    if (!rc) {
        json_t *bj = cal_json(&old), *aj = cal_json(c);
        rc = plan_audit(s, actor, "calendar.set", "calendar", 0, bj, aj, err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- regions ---------------------------------------------------------------------------- */

int store_region_name(struct store *s, const char *code, struct arena *arena, const char **name,
                      struct error *err)
{
    *name = NULL;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_REGION_NAME, "SELECT name FROM regions WHERE code = ?1", &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, code);
    int src = db_step(st);
    bool oom = false;
    if (src == DB_ROW)
        *name = plan_col(arena, st, 0, &oom);
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "unknown region '%s'", code ? code : "");
    if (src != DB_ROW)
        return store_fail(s, src, err, "read region", NULL, NULL);
    if (oom)
        return error_set(err, WSP_ENOMEM, "region name does not fit in memory limit");
    return 0;
}

/* A store_row_fn for struct store_region. */
static void region_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_region *r = row;
    r->code = plan_col(a, st, 0, oom);
    r->parent_code = plan_col(a, st, 1, oom);
    r->level = (int)db_column_int64(st, 2);
    r->name = plan_col(a, st, 3, oom);
}

static int read_regions(struct store *s, struct db_stmt *st, struct arena *arena,
                        struct store_region **out, size_t *n, struct error *err)
{
    void *rows;
    int rc = store_collect(s, st, arena, &rows, n, sizeof(**out), region_read, "list regions",
                           "region list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

int store_plan_regions(struct store *s, const char *region, struct arena *arena,
                       struct store_region **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc;
    if (!region || !*region) {
        rc = PSTMT(s, PS_REGIONS_PROV,
                   "SELECT code, parent_code, level, name FROM regions WHERE level = 1"
                   " ORDER BY code",
                   &st, err);
        if (rc)
            return rc;
        return read_regions(s, st, arena, out, n, err);
    }
    rc = store_region_exists(s, region, err);
    if (rc)
        return rc;
    /* The region itself, then its regencies/cities when it is a province. */
    rc = PSTMT(s, PS_REGIONS_CHILDREN,
               "SELECT code, parent_code, level, name FROM regions"
               " WHERE (code = ?1 OR (parent_code = ?1 AND level = 2)) AND level <= 2"
               " ORDER BY level, code",
               &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, region);
    return read_regions(s, st, arena, out, n, err);
}

/* ---- compliance input ------------------------------------------------------------------- */

int store_plan_status(struct store *s, const char *region, int year, const char *plan_type,
                      const char *ref_date, struct arena *arena, struct store_plan_status *out,
                      struct error *err)
{
    memset(out, 0, sizeof(*out));
    bool oom = false;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_STATUS_TIMDU,
                   "SELECT COUNT(*) FROM timdu WHERE region_code = ?1 AND sk_date <= ?2"
                   " AND (valid_until IS NULL OR valid_until >= ?2)",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, region);
    stmt_bind_text(st, 2, ref_date);
    int src = db_step(st);
    if (src == DB_ROW)
        out->timdu = db_column_int64(st, 0) > 0;
    stmt_done(st);
    if (src != DB_ROW)
        return store_fail(s, src, err, "check timdu", NULL, NULL);

    rc = PSTMT(s, PS_STATUS_RAD,
               "SELECT id, status FROM rad WHERE region_code = ?1 AND year = ?2"
               " AND plan_type = ?3",
               &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, region);
    db_bind_int64(st, 2, year);
    stmt_bind_text(st, 3, plan_type);
    int64_t rad_id = 0;
    src = db_step(st);
    if (src == DB_ROW) {
        rad_id = db_column_int64(st, 0);
        out->rad_status = plan_col(arena, st, 1, &oom);
    }
    stmt_done(st);
    if (src != DB_ROW && src != DB_DONE)
        return store_fail(s, src, err, "read plan status", NULL, NULL);
    if (oom)
        return error_set(err, WSP_ENOMEM, "plan status does not fit in memory limit");
    if (!rad_id || !str_eq(out->rad_status, "disetujui"))
        return 0;

    rc = PSTMT(s, PS_STATUS_ACTIONS,
               "SELECT id, start_date, end_date FROM rad_actions WHERE rad_id = ?1 ORDER BY id",
               &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    size_t cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        void *g = store_grow(arena, out->actions, &cap, out->nactions, sizeof(*out->actions));
        if (!g) {
            oom = true;
            break;
        }
        out->actions = g;
        out->actions[out->nactions].id = db_column_int64(st, 0);
        out->actions[out->nactions].start_date = plan_col(arena, st, 1, &oom);
        out->actions[out->nactions].end_date = plan_col(arena, st, 2, &oom);
        out->nactions++;
    }
    stmt_done(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "plan actions do not fit in memory limit");
    if (src != DB_DONE)
        return store_fail(s, src, err, "read plan actions", NULL, NULL);

    rc = PSTMT(s, PS_STATUS_REPORTS,
               "SELECT p.action_id, p.period, p.submitted_at FROM progress_reports p"
               " JOIN rad_actions a ON a.id = p.action_id WHERE a.rad_id = ?1 ORDER BY p.id",
               &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        void *g = store_grow(arena, out->reports, &cap, out->nreports, sizeof(*out->reports));
        if (!g) {
            oom = true;
            break;
        }
        out->reports = g;
        out->reports[out->nreports].action_id = db_column_int64(st, 0);
        out->reports[out->nreports].period = plan_col(arena, st, 1, &oom);
        out->reports[out->nreports].submitted_at = db_column_int64(st, 2);
        out->nreports++;
    }
    stmt_done(st);
    if (oom)
        return error_set(err, WSP_ENOMEM, "plan reports do not fit in memory limit");
    if (src != DB_DONE)
        return store_fail(s, src, err, "read plan reports", NULL, NULL);
    return 0;
}
