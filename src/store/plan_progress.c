/* Progress reports per action per period, and the metadata of their evidence files (the files
 * themselves are on disk, written by src/plan). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define PROGRESS_COLS                                                                              \
    "p.id, p.action_id, p.period, p.physical_pct, p.budget_realized, p.narrative, p.kendala,"      \
    " p.tindak_lanjut, p.submitted_at, p.submitted_by, p.updated_at, r.id, r.region_code,"         \
    " r.plan_type, a.kegiatan, a.opd, r.year,"                                                     \
    " (SELECT COUNT(*) FROM evidence_files e WHERE e.report_id = p.id)"
#define PROGRESS_FROM                                                                              \
    " FROM progress_reports p JOIN rad_actions a ON a.id = p.action_id"                            \
    " JOIN rad r ON r.id = a.rad_id"

/* A store_row_fn for struct store_progress. */
static void progress_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct store_progress *p = row;
    memset(p, 0, sizeof(*p));
    p->id = db_column_int64(st, 0);
    p->action_id = db_column_int64(st, 1);
    p->period = plan_col(ar, st, 2, oom);
    p->physical_pct = db_column_double(st, 3);
    p->budget_realized = db_column_int64(st, 4);
    p->narrative = plan_col(ar, st, 5, oom);
    p->kendala = plan_col(ar, st, 6, oom);
    p->tindak_lanjut = plan_col(ar, st, 7, oom);
    p->submitted_at = db_column_int64(st, 8);
    p->submitted_by = plan_col(ar, st, 9, oom);
    p->updated_at = db_column_int64(st, 10);
    p->rad_id = db_column_int64(st, 11);
    p->region_code = plan_col(ar, st, 12, oom);
    p->plan_type = plan_col(ar, st, 13, oom);
    p->kegiatan = plan_col(ar, st, 14, oom);
    p->opd = plan_col(ar, st, 15, oom);
    p->year = (int)db_column_int64(st, 16);
    p->nevidence = (size_t)db_column_int64(st, 17);
}

static json_t *progress_json(const struct store_progress *p)
{
    return json_pack("{s:I,s:I,s:o,s:f,s:I,s:o,s:o,s:o}", "id", (json_int_t)p->id, "action_id",
                     (json_int_t)p->action_id, "period", plan_jstr(p->period), "physical_pct",
                     p->physical_pct, "budget_realized", (json_int_t)p->budget_realized,
                     "narrative", plan_jstr(p->narrative), "kendala", plan_jstr(p->kendala),
                     "tindak_lanjut", plan_jstr(p->tindak_lanjut));
}

static int progress_check(const struct store_progress *p, struct error *err)
{
    if (p->physical_pct < 0 || p->physical_pct > 100)
        return error_set(err, WSP_EINVAL, "physical realization must be 0 to 100 percent");
    if (p->budget_realized < 0)
        return error_set(err, WSP_EINVAL, "budget realization must not be negative");
    return 0;
}

int store_progress_get(struct store *s, int64_t id, struct arena *arena, struct store_progress *out,
                       struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_PROGRESS_GET, "SELECT " PROGRESS_COLS PROGRESS_FROM " WHERE p.id = ?1",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, arena, out, progress_read, "progress report", id,
                         "read progress report", "progress report does not fit in memory limit",
                         err);
}

int store_progress_add(struct store *s, const struct store_progress *p,
                       const struct store_actor *actor, int64_t *id, struct error *err)
{
    int rc = progress_check(p, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0, now = time_now();
    rc = PSTMT(s, PS_PROGRESS_INSERT,
               "INSERT INTO progress_reports (action_id, period, physical_pct, budget_realized,"
               " narrative, kendala, tindak_lanjut, submitted_at, submitted_by, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8) RETURNING id",
               &st, err);
    if (!rc) {
        db_bind_int64(st, 1, p->action_id);
        stmt_bind_text(st, 2, p->period);
        db_bind_double(st, 3, p->physical_pct);
        db_bind_int64(st, 4, p->budget_realized);
        stmt_bind_text(st, 5, p->narrative);
        stmt_bind_text(st, 6, p->kendala);
        stmt_bind_text(st, 7, p->tindak_lanjut);
        db_bind_int64(st, 8, p->submitted_at ? p->submitted_at : now);
        stmt_bind_text(st, 9, store_actor_name(actor));
        char exists[96], fk[64];
        snprintf(exists, sizeof(exists), "action %" PRId64 " already has a report for '%s'",
                 p->action_id, p->period ? p->period : "");
        snprintf(fk, sizeof(fk), "no action with id '%" PRId64 "'", p->action_id);
        rc = plan_step_id(s, st, "add progress report", exists, fk, &nid, err);
    }
    if (!rc) {
        struct store_progress c = *p;
        c.id = nid;
        rc = plan_audit(s, actor, "progress.add", "progress", nid, NULL, progress_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_progress_update(struct store *s, const struct store_progress *p,
                          const struct store_actor *actor, struct error *err)
{
    int rc = progress_check(p, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_progress old;
    rc = store_progress_get(s, p->id, &ar, &old, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_PROGRESS_UPDATE,
                   "UPDATE progress_reports SET physical_pct = ?2, budget_realized = ?3,"
                   " narrative = ?4, kendala = ?5, tindak_lanjut = ?6, updated_at = ?7"
                   " WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, p->id);
        db_bind_double(st, 2, p->physical_pct);
        db_bind_int64(st, 3, p->budget_realized);
        stmt_bind_text(st, 4, p->narrative);
        stmt_bind_text(st, 5, p->kendala);
        stmt_bind_text(st, 6, p->tindak_lanjut);
        db_bind_int64(st, 7, time_now());
        rc = plan_step_done(s, st, "update progress report", err);
    }
    if (!rc) {
        struct store_progress c = *p;
        c.action_id = old.action_id;
        c.period = old.period;
        rc = plan_audit(s, actor, "progress.update", "progress", p->id, progress_json(&old),
                        progress_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_progress_list(struct store *s, const struct store_progress_query *q, struct arena *arena,
                        struct store_progress **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_PROGRESS_LIST,
                   "SELECT " PROGRESS_COLS PROGRESS_FROM
                   " WHERE " PLAN_PREFIX("r.region_code", 1) " AND " PLAN_PREFIX(
                       "r.region_code",
                       2) " AND (CAST(?3 AS BIGINT) = 0 OR r.year = ?3)"
                          " AND (CAST(?4 AS TEXT) IS NULL OR r.plan_type = ?4)"
                          " AND (CAST(?5 AS TEXT) IS NULL OR p.period = ?5)"
                          " AND (CAST(?6 AS BIGINT) = 0 OR r.id = ?6)"
                          " AND (CAST(?7 AS BIGINT) = 0 OR a.id = ?7)"
                          " ORDER BY r.year DESC, r.region_code, r.plan_type, a.seq, p.period",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, q->scope);
    stmt_bind_text(st, 2, q->region);
    db_bind_int64(st, 3, q->year);
    stmt_bind_text(st, 4, q->plan_type);
    stmt_bind_text(st, 5, q->period);
    db_bind_int64(st, 6, q->rad_id);
    db_bind_int64(st, 7, q->action_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), progress_read,
                       "list progress reports", "report list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

/* ---- evidence --------------------------------------------------------------------------- */

#define EVIDENCE_COLS "id, report_id, filename, content_type, size, sha256, created_at, created_by"

/* A store_row_fn for struct store_evidence. */
static void evidence_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct store_evidence *e = row;
    memset(e, 0, sizeof(*e));
    e->id = db_column_int64(st, 0);
    e->report_id = db_column_int64(st, 1);
    e->filename = plan_col(ar, st, 2, oom);
    e->content_type = plan_col(ar, st, 3, oom);
    e->size = db_column_int64(st, 4);
    e->sha256 = plan_col(ar, st, 5, oom);
    e->created_at = db_column_int64(st, 6);
    e->created_by = plan_col(ar, st, 7, oom);
}

int store_evidence_add(struct store *s, const struct store_evidence *e,
                       const struct store_actor *actor, int64_t *id, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0;
    rc = PSTMT(s, PS_EVIDENCE_INSERT,
               "INSERT INTO evidence_files (report_id, filename, content_type, size, sha256,"
               " created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
               &st, err);
    if (!rc) {
        db_bind_int64(st, 1, e->report_id);
        stmt_bind_text(st, 2, e->filename);
        stmt_bind_text(st, 3, e->content_type);
        db_bind_int64(st, 4, e->size);
        stmt_bind_text(st, 5, e->sha256);
        db_bind_int64(st, 6, time_now());
        stmt_bind_text(st, 7, store_actor_name(actor));
        char fk[64];
        snprintf(fk, sizeof(fk), "no progress report with id '%" PRId64 "'", e->report_id);
        rc = plan_step_id(s, st, "add evidence", NULL, fk, &nid, err);
    }
    if (!rc) {
        json_t *after = json_pack("{s:I,s:I,s:o,s:o,s:I,s:o}", "id", (json_int_t)nid, "report_id",
                                  (json_int_t)e->report_id, "filename", plan_jstr(e->filename),
                                  "content_type", plan_jstr(e->content_type), "size",
                                  (json_int_t)e->size, "sha256", plan_jstr(e->sha256));
        rc = plan_audit(s, actor, "evidence.add", "evidence", nid, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_evidence_get(struct store *s, int64_t id, struct arena *arena, struct store_evidence *out,
                       struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_EVIDENCE_GET, "SELECT " EVIDENCE_COLS " FROM evidence_files WHERE id = ?1",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, arena, out, evidence_read, "evidence file", id, "read evidence",
                         "evidence does not fit in memory limit", err);
}

int store_evidence_list(struct store *s, int64_t report_id, struct arena *arena,
                        struct store_evidence **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_EVIDENCE_LIST,
                   "SELECT " EVIDENCE_COLS " FROM evidence_files WHERE report_id = ?1 ORDER BY id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, report_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), evidence_read, "list evidence",
                       "evidence list does not fit in memory limit", err);
    *out = rows;
    return rc;
}
