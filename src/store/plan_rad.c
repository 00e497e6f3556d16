/* Regional action plans (RAD): plans, actions with their case links, Pokja, version history,
 * import of a whole action matrix, and the per-OPD view. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define RAD_COLS                                                                                   \
    "r.id, r.region_code, r.year, r.plan_type, r.title, r.status, r.review_notes, r.version,"      \
    " r.submitted_at, r.reviewed_at, r.reviewed_by, r.created_at, r.updated_at,"                   \
    " (SELECT COUNT(*) FROM rad_actions a WHERE a.rad_id = r.id),"                                 \
    " (SELECT COALESCE(SUM(a.anggaran), 0) FROM rad_actions a WHERE a.rad_id = r.id)"

#define ACTION_COLS                                                                                \
    "a.id, a.rad_id, a.seq, a.phase, a.program, a.kegiatan, a.indikator, a.target, a.unit,"        \
    " a.targets_json, a.anggaran, a.sumber_dana, a.opd, a.instansi_terkait, a.focus, a.p3aks,"     \
    " a.start_date, a.end_date, a.created_at, a.updated_at"

#define SNAPSHOT_ARENA (8u << 20)

static void rad_read(struct arena *a, struct db_stmt *st, struct store_rad *r, bool *oom)
{
    memset(r, 0, sizeof(*r));
    r->id = db_column_int64(st, 0);
    r->region_code = plan_col(a, st, 1, oom);
    r->year = (int)db_column_int64(st, 2);
    r->plan_type = plan_col(a, st, 3, oom);
    r->title = plan_col(a, st, 4, oom);
    r->status = plan_col(a, st, 5, oom);
    r->review_notes = plan_col(a, st, 6, oom);
    r->version = (int)db_column_int64(st, 7);
    r->submitted_at = db_column_int64(st, 8);
    r->reviewed_at = db_column_int64(st, 9);
    r->reviewed_by = plan_col(a, st, 10, oom);
    r->created_at = db_column_int64(st, 11);
    r->updated_at = db_column_int64(st, 12);
    r->nactions = (size_t)db_column_int64(st, 13);
    r->anggaran = db_column_int64(st, 14);
}

static void rad_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    rad_read(a, st, row, oom);
}

static json_t *rad_json(const struct store_rad *r)
{
    return json_pack("{s:I,s:o,s:i,s:o,s:o,s:o,s:o,s:i}", "id", (json_int_t)r->id, "region",
                     plan_jstr(r->region_code), "year", r->year, "plan_type",
                     plan_jstr(r->plan_type), "title", plan_jstr(r->title), "status",
                     plan_jstr(r->status), "review_notes", plan_jstr(r->review_notes), "version",
                     r->version);
}

static json_t *action_json(const struct store_rad_action *a)
{
    json_t *cases = json_array();
    for (size_t i = 0; i < a->ncases; i++)
        json_array_append_new(cases, json_integer(a->case_ids[i]));
    json_t *o =
        json_pack("{s:I,s:i,s:o,s:o,s:o,s:o,s:f,s:o,s:I,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o}", "id",
                  (json_int_t)a->id, "seq", a->seq, "phase", plan_jstr(a->phase), "program",
                  plan_jstr(a->program), "kegiatan", plan_jstr(a->kegiatan), "indikator",
                  plan_jstr(a->indikator), "target", a->target, "unit", plan_jstr(a->unit),
                  "anggaran", (json_int_t)a->anggaran, "sumber_dana", plan_jstr(a->sumber_dana),
                  "opd", plan_jstr(a->opd), "instansi_terkait", plan_jstr(a->instansi_terkait),
                  "focus", plan_jstr(a->focus), "p3aks", a->p3aks, "start_date",
                  plan_jstr(a->start_date), "end_date", plan_jstr(a->end_date), "cases", cases);
    if (o && a->targets_json) {
        json_t *t = json_loads(a->targets_json, 0, NULL);
        json_object_set_new(o, "targets", t ? t : json_null());
    }
    return o;
}

static int rad_get_stmt(struct store *s, struct db_stmt *st, struct arena *arena,
                        struct store_rad *out, const char *missing, struct error *err)
{
    bool oom = false;
    int src = db_step(st);
    if (src == DB_ROW)
        rad_read(arena, st, out, &oom);
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "%s", missing);
    if (src != DB_ROW)
        return store_fail(s, src, err, "read plan", NULL, NULL);
    return oom ? error_set(err, WSP_ENOMEM, "plan does not fit in memory limit") : 0;
}

int store_rad_get(struct store *s, int64_t id, struct arena *arena, struct store_rad *out,
                  struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_GET, "SELECT " RAD_COLS " FROM rad r WHERE r.id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    char missing[64];
    snprintf(missing, sizeof(missing), "no plan with id '%" PRId64 "'", id);
    return rad_get_stmt(s, st, arena, out, missing, err);
}

int store_rad_find(struct store *s, const char *region, int year, const char *plan_type,
                   struct arena *arena, struct store_rad *out, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_FIND,
                   "SELECT " RAD_COLS " FROM rad r WHERE r.region_code = ?1 AND r.year = ?2"
                   " AND r.plan_type = ?3",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, region);
    db_bind_int64(st, 2, year);
    stmt_bind_text(st, 3, plan_type);
    char missing[128];
    snprintf(missing, sizeof(missing), "region '%s' has no %s plan for %d", region ? region : "",
             plan_type ? plan_type : "", year);
    return rad_get_stmt(s, st, arena, out, missing, err);
}

int store_rad_list(struct store *s, const struct store_rad_query *q, struct arena *arena,
                   struct store_rad **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_LIST,
                   "SELECT " RAD_COLS
                   " FROM rad r WHERE " PLAN_PREFIX("r.region_code", 1) " AND " PLAN_PREFIX(
                       "r.region_code", 2) " AND (CAST(?3 AS BIGINT) = 0 OR r.year = ?3)"
                                           " AND (CAST(?4 AS TEXT) IS NULL OR r.plan_type = ?4)"
                                           " AND (CAST(?5 AS TEXT) IS NULL OR r.status = ?5)"
                                           " ORDER BY r.year DESC, r.region_code, r.plan_type",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, q->scope);
    stmt_bind_text(st, 2, q->region);
    db_bind_int64(st, 3, q->year);
    stmt_bind_text(st, 4, q->plan_type);
    stmt_bind_text(st, 5, q->status);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), rad_row, "list plans",
                       "plan list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

/* ---- actions ---------------------------------------------------------------------------- */

static void case_id_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    (void)a;
    (void)oom;
    *(int64_t *)row = db_column_int64(st, 0);
}

static int action_cases(struct store *s, struct arena *arena, struct store_rad_action *a,
                        struct error *err)
{
    struct db_stmt *st;
    int rc =
        PSTMT(s, PS_ACTION_CASES,
              "SELECT case_id FROM action_cases WHERE action_id = ?1 ORDER BY case_id", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, a->id);
    void *ids;
    size_t n;
    rc = store_collect(s, st, arena, &ids, &n, sizeof(*a->case_ids), case_id_read,
                       "read action cases", "action does not fit in memory limit", err);
    if (!rc) {
        a->case_ids = ids;
        a->ncases = n;
    }
    return rc;
}

static void action_read(struct arena *ar, struct db_stmt *st, struct store_rad_action *a, bool *oom)
{
    memset(a, 0, sizeof(*a));
    a->id = db_column_int64(st, 0);
    a->rad_id = db_column_int64(st, 1);
    a->seq = (int)db_column_int64(st, 2);
    a->phase = plan_col(ar, st, 3, oom);
    a->program = plan_col(ar, st, 4, oom);
    a->kegiatan = plan_col(ar, st, 5, oom);
    a->indikator = plan_col(ar, st, 6, oom);
    a->target = db_column_double(st, 7);
    a->unit = plan_col(ar, st, 8, oom);
    a->targets_json = plan_col(ar, st, 9, oom);
    a->anggaran = db_column_int64(st, 10);
    a->sumber_dana = plan_col(ar, st, 11, oom);
    a->opd = plan_col(ar, st, 12, oom);
    a->instansi_terkait = plan_col(ar, st, 13, oom);
    a->focus = plan_col(ar, st, 14, oom);
    a->p3aks = (int)db_column_int64(st, 15) != 0;
    a->start_date = plan_col(ar, st, 16, oom);
    a->end_date = plan_col(ar, st, 17, oom);
    a->created_at = db_column_int64(st, 18);
    a->updated_at = db_column_int64(st, 19);
}

static void action_row(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    action_read(ar, st, row, oom);
}

int store_rad_actions(struct store *s, int64_t rad_id, struct arena *arena,
                      struct store_rad_action **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_ACTIONS_OF,
                   "SELECT " ACTION_COLS " FROM rad_actions a WHERE a.rad_id = ?1"
                   " ORDER BY a.seq, a.id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), action_row, "list actions",
                       "action list does not fit in memory limit", err);
    *out = rows;
    for (size_t i = 0; i < *n && !rc; i++)
        rc = action_cases(s, arena, &(*out)[i], err);
    return rc;
}

int store_rad_action_get(struct store *s, int64_t id, struct arena *arena,
                         struct store_rad_action *out, struct store_rad *rad, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_ACTION_GET, "SELECT " ACTION_COLS " FROM rad_actions a WHERE a.id = ?1",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = store_get_row(s, st, arena, out, action_row, "action", id, "read action",
                       "action does not fit in memory limit", err);
    if (!rc)
        rc = action_cases(s, arena, out, err);
    if (!rc && rad)
        rc = store_rad_get(s, out->rad_id, arena, rad, err);
    return rc;
}

/* A store_row_fn for struct store_pokja. */
static void pokja_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_pokja *p = row;
    p->id = db_column_int64(st, 0);
    p->rad_id = db_column_int64(st, 1);
    p->name = plan_col(a, st, 2, oom);
    p->agency = plan_col(a, st, 3, oom);
    p->role = plan_col(a, st, 4, oom);
}

int store_pokja_list(struct store *s, int64_t rad_id, struct arena *arena, struct store_pokja **out,
                     size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_POKJA_LIST,
                   "SELECT id, rad_id, name, agency, role FROM pokja_members WHERE rad_id = ?1"
                   " ORDER BY id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), pokja_read, "list pokja",
                       "pokja list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

/* ---- versions --------------------------------------------------------------------------- */

/* The whole plan as JSON: plan fields, actions, pokja. Caller frees. */
static int snapshot(struct store *s, int64_t rad_id, char **out, struct error *err)
{
    struct arena a;
    arena_init(&a, SNAPSHOT_ARENA);
    struct store_rad r;
    struct store_rad_action *acts = NULL;
    struct store_pokja *pk = NULL;
    size_t na = 0, np = 0;
    int rc = store_rad_get(s, rad_id, &a, &r, err);
    if (!rc)
        rc = store_rad_actions(s, rad_id, &a, &acts, &na, err);
    if (!rc)
        rc = store_pokja_list(s, rad_id, &a, &pk, &np, err);
    if (!rc) {
        json_t *o = rad_json(&r);
        json_t *ja = json_array(), *jp = json_array();
        for (size_t i = 0; i < na; i++)
            json_array_append_new(ja, action_json(&acts[i]));
        for (size_t i = 0; i < np; i++)
            json_array_append_new(jp, json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)pk[i].id,
                                                "name", plan_jstr(pk[i].name), "agency",
                                                plan_jstr(pk[i].agency), "role",
                                                plan_jstr(pk[i].role)));
        json_object_set_new(o, "actions", ja);
        json_object_set_new(o, "pokja", jp);
        *out = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!*out)
            rc = error_set(err, WSP_ENOMEM, "cannot encode plan snapshot");
    }
    arena_release(&a);
    return rc;
}

int plan_rad_bump(struct store *s, int64_t rad_id, const char *change, const char *note,
                  const struct store_actor *actor, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_BUMP,
                   "UPDATE rad SET version = version + 1, updated_at = ?2 WHERE id = ?1"
                   " RETURNING version, status",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    db_bind_int64(st, 2, time_now());
    int version = 0;
    char status[16] = "";
    int src = db_step(st);
    if (src == DB_ROW) {
        version = (int)db_column_int64(st, 0);
        stmt_column_copy(st, 1, status, sizeof(status));
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "update plan version", NULL, NULL);
    if (version == 0)
        return error_set(err, WSP_ENOTFOUND, "no plan with id '%" PRId64 "'", rad_id);
    char *snap = NULL;
    rc = snapshot(s, rad_id, &snap, err);
    if (!rc)
        rc = PSTMT(s, PS_RAD_VERSION_INSERT,
                   "INSERT INTO rad_versions (rad_id, version, status, change, note, username, at,"
                   " snapshot_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, rad_id);
        db_bind_int64(st, 2, version);
        stmt_bind_text(st, 3, status);
        stmt_bind_text(st, 4, change);
        stmt_bind_text(st, 5, note);
        stmt_bind_text(st, 6, store_actor_name(actor));
        db_bind_int64(st, 7, time_now());
        stmt_bind_text(st, 8, snap);
        rc = plan_step_done(s, st, "record plan version", err);
    }
    free(snap);
    return rc;
}

/* A store_row_fn for struct store_rad_version, without the snapshot. */
static void version_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_rad_version *v = row;
    memset(v, 0, sizeof(*v));
    v->id = db_column_int64(st, 0);
    v->version = (int)db_column_int64(st, 1);
    v->status = plan_col(a, st, 2, oom);
    v->change = plan_col(a, st, 3, oom);
    v->note = plan_col(a, st, 4, oom);
    v->username = plan_col(a, st, 5, oom);
    v->at = db_column_int64(st, 6);
}

int store_rad_versions(struct store *s, int64_t rad_id, struct arena *arena,
                       struct store_rad_version **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_VERSIONS,
                   "SELECT id, version, status, change, note, username, at FROM rad_versions"
                   " WHERE rad_id = ?1 ORDER BY version DESC",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), version_read, "list plan versions",
                       "version list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

int store_rad_version_get(struct store *s, int64_t rad_id, int version, struct arena *arena,
                          struct store_rad_version *out, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_VERSION_GET,
                   "SELECT id, version, status, change, note, username, at, snapshot_json"
                   " FROM rad_versions WHERE rad_id = ?1 AND version = ?2",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    db_bind_int64(st, 2, version);
    bool oom = false;
    int src = db_step(st);
    if (src == DB_ROW) {
        version_read(arena, st, out, &oom);
        out->snapshot_json = plan_col(arena, st, 7, &oom);
    }
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "plan '%" PRId64 "' has no version %d", rad_id,
                         version);
    if (src != DB_ROW)
        return store_fail(s, src, err, "read plan version", NULL, NULL);
    return oom ? error_set(err, WSP_ENOMEM, "plan version does not fit in memory limit") : 0;
}

/* ---- writes ----------------------------------------------------------------------------- */

/* Load the plan and refuse when its content is locked (inside the caller's transaction). */
static int editable_plan(struct store *s, int64_t rad_id, struct arena *a, struct store_rad *r,
                         struct error *err)
{
    int rc = store_rad_get(s, rad_id, a, r, err);
    if (rc)
        return rc;
    if (!str_eq(r->status, "draft") && !str_eq(r->status, "dikembalikan"))
        return error_set(err, WSP_EEXIST,
                         "plan %" PRId64 " is '%s': its content can change only while it is "
                         "draft or dikembalikan",
                         rad_id, r->status);
    return 0;
}

static int rad_insert(struct store *s, const struct store_rad *r, int64_t *id, struct error *err)
{
    if (!str_eq(r->plan_type, "pks") && !str_eq(r->plan_type, "p3aks"))
        return error_set(err, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)",
                         r->plan_type ? r->plan_type : "");
    if (r->year < 2000 || r->year > 2100)
        return error_set(err, WSP_EINVAL, "plan year '%d' out of range", r->year);
    if (!r->title || !*r->title)
        return error_set(err, WSP_EINVAL, "missing plan title");
    struct db_stmt *st;
    int rc = PSTMT(s, PS_RAD_INSERT,
                   "INSERT INTO rad (region_code, year, plan_type, title, status, version,"
                   " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'draft', 0, ?5, ?5)"
                   " RETURNING id",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, r->region_code);
    db_bind_int64(st, 2, r->year);
    stmt_bind_text(st, 3, r->plan_type);
    stmt_bind_text(st, 4, r->title);
    db_bind_int64(st, 5, time_now());
    char exists[128], fk[96];
    snprintf(exists, sizeof(exists), "region '%s' already has a %s plan for %d",
             r->region_code ? r->region_code : "", r->plan_type, r->year);
    snprintf(fk, sizeof(fk), "unknown region '%s'", r->region_code ? r->region_code : "");
    return plan_step_id(s, st, "add plan", exists, fk, id, err);
}

int store_rad_create(struct store *s, const struct store_rad *r, const struct store_actor *actor,
                     int64_t *id, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    int64_t nid = 0;
    rc = rad_insert(s, r, &nid, err);
    if (!rc)
        rc = plan_rad_bump(s, nid, "create", NULL, actor, err);
    if (!rc) {
        struct store_rad c = *r;
        c.id = nid;
        c.status = "draft";
        c.version = 1;
        rc = plan_audit(s, actor, "rad.add", "rad", nid, NULL, rad_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_rad_set_title(struct store *s, int64_t id, const char *title,
                        const struct store_actor *actor, struct error *err)
{
    if (!title || !*title)
        return error_set(err, WSP_EINVAL, "missing plan title");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_rad r;
    rc = editable_plan(s, id, &a, &r, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_RAD_TITLE, "UPDATE rad SET title = ?2 WHERE id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, title);
        rc = plan_step_done(s, st, "update plan", err);
    }
    if (!rc)
        rc = plan_rad_bump(s, id, "update", NULL, actor, err);
    if (!rc) {
        json_t *before = json_pack("{s:o}", "title", plan_jstr(r.title));
        json_t *after = json_pack("{s:o}", "title", plan_jstr(title));
        rc = plan_audit(s, actor, "rad.update", "rad", id, before, after, err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&a);
    return rc;
}

int store_rad_set_status(struct store *s, int64_t id, const char *from, const char *to,
                         const char *change, const char *notes, const struct store_actor *actor,
                         struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    bool review = !str_eq(to, "diajukan");
    rc = PSTMT(s, PS_RAD_STATUS,
               "UPDATE rad SET status = ?3, review_notes = ?4,"
               " submitted_at = CASE WHEN ?5 = 0 THEN ?6 ELSE submitted_at END,"
               " reviewed_at = CASE WHEN ?5 = 1 THEN ?6 ELSE reviewed_at END,"
               " reviewed_by = CASE WHEN ?5 = 1 THEN ?7 ELSE reviewed_by END"
               " WHERE id = ?1 AND status = ?2",
               &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, from);
        stmt_bind_text(st, 3, to);
        stmt_bind_text(st, 4, notes && *notes ? notes : NULL);
        db_bind_int64(st, 5, review ? 1 : 0);
        db_bind_int64(st, 6, time_now());
        stmt_bind_text(st, 7, store_actor_name(actor));
        rc = plan_step_done(s, st, "change plan status", err);
    }
    if (!rc && db_changes(s->db) == 0) {
        struct arena a;
        arena_init(&a, 1 << 16);
        struct store_rad r;
        rc = store_rad_get(s, id, &a, &r, err);
        if (!rc)
            rc = error_set(err, WSP_EEXIST, "plan %" PRId64 " is '%s', not '%s'", id, r.status,
                           from);
        arena_release(&a);
    }
    if (!rc)
        rc = plan_rad_bump(s, id, change, notes, actor, err);
    if (!rc) {
        char action[32];
        snprintf(action, sizeof(action), "rad.%s", change);
        json_t *before = json_pack("{s:s}", "status", from);
        json_t *after = json_pack("{s:s,s:o}", "status", to, "review_notes", plan_jstr(notes));
        rc = plan_audit(s, actor, action, "rad", id, before, after, err);
    }
    return store_tx_end(s, rc, err);
}

static int link_cases(struct store *s, int64_t action_id, const struct store_rad_action *a,
                      bool clear, struct error *err)
{
    struct db_stmt *st;
    int rc = 0;
    if (clear) {
        rc = PSTMT(s, PS_ACTION_CASE_CLEAR, "DELETE FROM action_cases WHERE action_id = ?1", &st,
                   err);
        if (!rc) {
            db_bind_int64(st, 1, action_id);
            rc = plan_step_done(s, st, "unlink cases", err);
        }
    }
    for (size_t i = 0; !rc && i < a->ncases; i++) {
        rc = PSTMT(s, PS_ACTION_CASE_INSERT,
                   "INSERT INTO action_cases (action_id, case_id) VALUES (?1, ?2)"
                   " ON CONFLICT DO NOTHING",
                   &st, err);
        if (!rc) {
            db_bind_int64(st, 1, action_id);
            db_bind_int64(st, 2, a->case_ids[i]);
            int src = db_step(st);
            stmt_done(st);
            if (src != DB_DONE) {
                char fk[64];
                snprintf(fk, sizeof(fk), "no case with id '%" PRId64 "'", a->case_ids[i]);
                rc = store_fail(s, src, err, "link case", NULL, fk);
            }
        }
    }
    return rc;
}

static void bind_action(struct db_stmt *st, const struct store_rad_action *a)
{
    /* ?2.. are the same for insert and update. */
    stmt_bind_text(st, 2, a->phase);
    stmt_bind_text(st, 3, a->program);
    stmt_bind_text(st, 4, a->kegiatan);
    stmt_bind_text(st, 5, a->indikator ? a->indikator : "");
    db_bind_double(st, 6, a->target);
    stmt_bind_text(st, 7, a->unit ? a->unit : "");
    stmt_bind_text(st, 8, a->targets_json);
    db_bind_int64(st, 9, a->anggaran);
    stmt_bind_text(st, 10, a->sumber_dana);
    stmt_bind_text(st, 11, a->opd);
    stmt_bind_text(st, 12, a->instansi_terkait);
    stmt_bind_text(st, 13, a->focus ? a->focus : "potensi_konflik");
    db_bind_int64(st, 14, a->p3aks ? 1 : 0);
    stmt_bind_text(st, 15, a->start_date);
    stmt_bind_text(st, 16, a->end_date);
    db_bind_int64(st, 17, time_now());
}

static int action_check(const struct store_rad_action *a, struct error *err)
{
    if (!a->program || !*a->program || !a->kegiatan || !*a->kegiatan || !a->opd || !*a->opd)
        return error_set(err, WSP_EINVAL, "an action needs program, kegiatan and opd");
    if (a->anggaran < 0)
        return error_set(err, WSP_EINVAL, "anggaran must not be negative");
    if ((a->start_date && !date_iso_valid(a->start_date)) ||
        (a->end_date && !date_iso_valid(a->end_date)))
        return error_set(err, WSP_EINVAL, "start and end dates must be YYYY-MM-DD");
    if (a->start_date && a->end_date && strcmp(a->end_date, a->start_date) < 0)
        return error_set(err, WSP_EINVAL, "end date '%s' is before start date '%s'", a->end_date,
                         a->start_date);
    return 0;
}

/* Insert one action at the end of the plan (inside the caller's transaction). */
static int action_insert(struct store *s, int64_t rad_id, const struct store_rad_action *a,
                         int64_t *id, struct error *err)
{
    int rc = action_check(a, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    rc = PSTMT(s, PS_ACTION_INSERT,
               "INSERT INTO rad_actions (rad_id, phase, program, kegiatan, indikator, target, unit,"
               " targets_json, anggaran, sumber_dana, opd, instansi_terkait, focus, p3aks,"
               " start_date, end_date, created_at, updated_at, seq)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
               " ?17, ?17, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rad_actions WHERE rad_id = ?1))"
               " RETURNING id",
               &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rad_id);
    bind_action(st, a);
    rc = plan_step_id(s, st, "add action", NULL, NULL, id, err);
    if (!rc)
        rc = link_cases(s, *id, a, false, err);
    return rc;
}

int store_rad_action_add(struct store *s, int64_t rad_id, const struct store_rad_action *a,
                         const struct store_actor *actor, int64_t *id, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad r;
    int64_t nid = 0;
    rc = editable_plan(s, rad_id, &ar, &r, err);
    if (!rc)
        rc = action_insert(s, rad_id, a, &nid, err);
    if (!rc)
        rc = plan_rad_bump(s, rad_id, "action.add", NULL, actor, err);
    if (!rc) {
        struct store_rad_action c;
        rc = store_rad_action_get(s, nid, &ar, &c, NULL, err);
        if (!rc)
            rc = plan_audit(s, actor, "action.add", "action", nid, NULL, action_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_rad_action_update(struct store *s, const struct store_rad_action *a,
                            const struct store_actor *actor, struct error *err)
{
    int rc = action_check(a, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad_action old, now;
    struct store_rad r;
    rc = store_rad_action_get(s, a->id, &ar, &old, NULL, err);
    if (!rc)
        rc = editable_plan(s, old.rad_id, &ar, &r, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_ACTION_UPDATE,
                   "UPDATE rad_actions SET phase = ?2, program = ?3, kegiatan = ?4, indikator = ?5,"
                   " target = ?6, unit = ?7, targets_json = ?8, anggaran = ?9, sumber_dana = ?10,"
                   " opd = ?11, instansi_terkait = ?12, focus = ?13, p3aks = ?14, start_date = ?15,"
                   " end_date = ?16, updated_at = ?17 WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, a->id);
        bind_action(st, a);
        rc = plan_step_done(s, st, "update action", err);
    }
    if (!rc)
        rc = link_cases(s, a->id, a, true, err);
    if (!rc)
        rc = plan_rad_bump(s, old.rad_id, "action.update", NULL, actor, err);
    if (!rc)
        rc = store_rad_action_get(s, a->id, &ar, &now, NULL, err);
    if (!rc)
        rc = plan_audit(s, actor, "action.update", "action", a->id, action_json(&old),
                        action_json(&now), err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_rad_action_delete(struct store *s, int64_t id, const struct store_actor *actor,
                            struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad_action old;
    struct store_rad r;
    rc = store_rad_action_get(s, id, &ar, &old, NULL, err);
    if (!rc)
        rc = editable_plan(s, old.rad_id, &ar, &r, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_ACTION_DELETE, "DELETE FROM rad_actions WHERE id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        rc = plan_step_done(s, st, "delete action", err);
    }
    if (!rc)
        rc = plan_rad_bump(s, old.rad_id, "action.delete", NULL, actor, err);
    if (!rc)
        rc = plan_audit(s, actor, "action.delete", "action", id, action_json(&old), NULL, err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_rad_import(struct store *s, const struct store_rad *r, const struct store_rad_action *a,
                     size_t n, const struct store_actor *actor, int64_t *rad_id, bool *created,
                     struct error *err)
{
    if (created)
        *created = false;
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad cur;
    int64_t id = 0;
    bool made = false;
    size_t replaced = 0;
    rc = store_rad_find(s, r->region_code, r->year, r->plan_type, &ar, &cur, err);
    if (rc == WSP_ENOTFOUND) {
        error_clear(err);
        rc = rad_insert(s, r, &id, err);
        made = rc == 0;
    } else if (!rc) {
        id = cur.id;
        replaced = cur.nactions;
        rc = editable_plan(s, id, &ar, &cur, err);
        struct db_stmt *st;
        if (!rc)
            rc = PSTMT(s, PS_ACTION_DELETE_ALL, "DELETE FROM rad_actions WHERE rad_id = ?1", &st,
                       err);
        if (!rc) {
            db_bind_int64(st, 1, id);
            rc = plan_step_done(s, st, "replace actions", err);
        }
    }
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t aid;
        rc = action_insert(s, id, &a[i], &aid, err);
    }
    if (!rc)
        rc = plan_rad_bump(s, id, made ? "create" : "import", made ? "import" : NULL, actor, err);
    if (!rc) {
        json_t *after = json_pack("{s:s,s:i,s:s,s:I,s:I,s:b}", "region", r->region_code, "year",
                                  r->year, "plan_type", r->plan_type, "actions", (json_int_t)n,
                                  "replaced", (json_int_t)replaced, "created", made);
        rc = plan_audit(s, actor, "rad.import", "rad", id, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    if (!rc) {
        if (rad_id)
            *rad_id = id;
        if (created)
            *created = made;
    }
    return rc;
}

int store_pokja_add(struct store *s, const struct store_pokja *p, const struct store_actor *actor,
                    int64_t *id, struct error *err)
{
    if (!p->name || !*p->name)
        return error_set(err, WSP_EINVAL, "missing pokja member name");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad r;
    int64_t nid = 0;
    rc = editable_plan(s, p->rad_id, &ar, &r, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_POKJA_INSERT,
                   "INSERT INTO pokja_members (rad_id, name, agency, role) VALUES (?1, ?2, ?3, ?4)"
                   " RETURNING id",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, p->rad_id);
        stmt_bind_text(st, 2, p->name);
        stmt_bind_text(st, 3, p->agency ? p->agency : "");
        stmt_bind_text(st, 4, p->role && *p->role ? p->role : "anggota");
        rc = plan_step_id(s, st, "add pokja member", NULL, NULL, &nid, err);
    }
    if (!rc)
        rc = plan_rad_bump(s, p->rad_id, "pokja.add", NULL, actor, err);
    if (!rc) {
        json_t *after =
            json_pack("{s:I,s:o,s:o,s:o}", "id", (json_int_t)nid, "name", plan_jstr(p->name),
                      "agency", plan_jstr(p->agency), "role", plan_jstr(p->role));
        rc = plan_audit(s, actor, "pokja.add", "rad", p->rad_id, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_pokja_delete(struct store *s, int64_t rad_id, int64_t id, const struct store_actor *actor,
                       struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_rad r;
    rc = editable_plan(s, rad_id, &ar, &r, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_POKJA_DELETE, "DELETE FROM pokja_members WHERE id = ?1 AND rad_id = ?2",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, rad_id);
        rc = plan_step_done(s, st, "delete pokja member", err);
    }
    if (!rc)
        rc = plan_changed(s, "pokja member", id, err);
    if (!rc)
        rc = plan_rad_bump(s, rad_id, "pokja.delete", NULL, actor, err);
    if (!rc)
        rc = plan_audit(s, actor, "pokja.delete", "rad", rad_id,
                        json_pack("{s:I}", "member_id", (json_int_t)id), NULL, err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

/* ---- per-OPD view ----------------------------------------------------------------------- */

/* A store_row_fn for struct store_opd_action: the action, then its plan and progress. */
static void opd_action_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_opd_action *o = row;
    memset(o, 0, sizeof(*o));
    action_read(a, st, &o->action, oom);
    o->plan_type = plan_col(a, st, 20, oom);
    o->plan_status = plan_col(a, st, 21, oom);
    o->rad_id = db_column_int64(st, 22);
    o->last_period = plan_col(a, st, 23, oom);
    o->last_physical_pct = db_column_double(st, 24);
    o->budget_realized = db_column_int64(st, 25);
}

int store_opd_actions(struct store *s, const char *region, int year, struct arena *arena,
                      struct store_opd_action **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_OPD_ACTIONS,
                   "SELECT " ACTION_COLS ", r.plan_type, r.status, r.id,"
                   " (SELECT p.period FROM progress_reports p WHERE p.action_id = a.id"
                   "  ORDER BY p.submitted_at DESC, p.id DESC LIMIT 1),"
                   " (SELECT p.physical_pct FROM progress_reports p WHERE p.action_id = a.id"
                   "  ORDER BY p.submitted_at DESC, p.id DESC LIMIT 1),"
                   " (SELECT COALESCE(SUM(p.budget_realized), 0) FROM progress_reports p"
                   "  WHERE p.action_id = a.id)"
                   " FROM rad_actions a JOIN rad r ON r.id = a.rad_id"
                   " WHERE r.region_code = ?1 AND r.year = ?2"
                   " ORDER BY a.opd, r.plan_type, a.seq",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, region);
    db_bind_int64(st, 2, year);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), opd_action_read, "list OPD actions",
                       "OPD view does not fit in memory limit", err);
    *out = rows;
    return rc;
}
