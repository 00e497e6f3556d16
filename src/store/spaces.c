/* Safe public spaces for women and children (ruang publik ramah perempuan dan anak) of a
 * region's RAD P3AKS: the registry, checked by the rules of src/p3aks. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "p3aks/p3aks.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define SPACE_COLS                                                                                 \
    "sp.id, sp.region_code, sp.village_code, sp.name, sp.kind, sp.status, sp.action_id,"           \
    " sp.latitude, sp.longitude, sp.notes, sp.created_at, sp.updated_at, r.name, v.name,"          \
    " a.kegiatan, a.rad_id, d.region_code, d.plan_type, d.year"

#define SPACE_FROM                                                                                 \
    " FROM safe_spaces sp JOIN regions r ON r.code = sp.region_code"                               \
    " LEFT JOIN regions v ON v.code = sp.village_code"                                             \
    " LEFT JOIN rad_actions a ON a.id = sp.action_id LEFT JOIN rad d ON d.id = a.rad_id"

/* SQL fragment: the space lies inside prefix ?n (its plan's region or its village). */
#define SPACE_IN(n)                                                                                \
    "(" PLAN_PREFIX("sp.region_code", n) " OR " PLAN_PREFIX("sp.village_code", n) ")"

/* A store_row_fn for struct store_space. */
static void space_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct store_space *sp = row;
    memset(sp, 0, sizeof(*sp));
    sp->id = db_column_int64(st, 0);
    sp->region_code = plan_col(ar, st, 1, oom);
    sp->village_code = plan_col(ar, st, 2, oom);
    sp->name = plan_col(ar, st, 3, oom);
    sp->kind = plan_col(ar, st, 4, oom);
    sp->status = plan_col(ar, st, 5, oom);
    sp->action_id = db_column_int64(st, 6);
    sp->has_coords = !db_column_is_null(st, 7) && !db_column_is_null(st, 8);
    sp->latitude = sp->has_coords ? db_column_double(st, 7) : 0;
    sp->longitude = sp->has_coords ? db_column_double(st, 8) : 0;
    sp->notes = plan_col(ar, st, 9, oom);
    sp->created_at = db_column_int64(st, 10);
    sp->updated_at = db_column_int64(st, 11);
    sp->region_name = plan_col(ar, st, 12, oom);
    sp->village_name = plan_col(ar, st, 13, oom);
    sp->action_kegiatan = plan_col(ar, st, 14, oom);
    sp->rad_id = db_column_int64(st, 15);
    sp->rad_region = plan_col(ar, st, 16, oom);
    sp->rad_type = plan_col(ar, st, 17, oom);
    sp->rad_year = (int)db_column_int64(st, 18);
}

/* Every field of a space, for the audit log (no personal data is involved). */
static json_t *space_json(const struct store_space *sp)
{
    json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)sp->id, "region",
                          plan_jstr(sp->region_code), "village", plan_jstr(sp->village_code),
                          "name", plan_jstr(sp->name), "kind", plan_jstr(sp->kind), "status",
                          plan_jstr(sp->status), "notes", plan_jstr(sp->notes));
    json_object_set_new(o, "action_id",
                        sp->action_id ? json_integer((json_int_t)sp->action_id) : json_null());
    json_object_set_new(o, "latitude", sp->has_coords ? json_real(sp->latitude) : json_null());
    json_object_set_new(o, "longitude", sp->has_coords ? json_real(sp->longitude) : json_null());
    return o;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* The rules' view of a space's fields. */
static void rules_view(const struct store_space *sp, struct p3aks_space *out)
{
    *out = (struct p3aks_space){.region_code = sp->region_code,
                                .village_code = nonempty(sp->village_code),
                                .name = sp->name,
                                .kind = sp->kind,
                                .status = sp->status,
                                .has_coords = sp->has_coords,
                                .latitude = sp->latitude,
                                .longitude = sp->longitude,
                                .notes = nonempty(sp->notes)};
}

/* The action a space of region is to be linked to must exist and be a P3AKS action of a plan
 * of that region or its province. */
static int action_check(struct store *s, const char *region, int64_t action_id, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_SPACE_ACTION,
                   "SELECT a.p3aks, d.region_code, d.plan_type FROM rad_actions a"
                   " JOIN rad d ON d.id = a.rad_id WHERE a.id = ?1",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, action_id);
    int src = db_step(st);
    char rad_region[32] = "", rad_type[8] = "";
    bool p3aks = false;
    if (src == DB_ROW) {
        p3aks = db_column_int64(st, 0) != 0;
        stmt_column_copy(st, 1, rad_region, sizeof(rad_region));
        stmt_column_copy(st, 2, rad_type, sizeof(rad_type));
    }
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_EINVAL, "unknown action %" PRId64, action_id);
    if (src != DB_ROW)
        return store_fail(s, src, err, "read the action of a space", NULL, NULL);
    struct p3aks_space_action a = {
        .id = action_id, .p3aks = p3aks, .rad_region = rad_region, .rad_type = rad_type};
    return p3aks_space_action_check(region, &a, err);
}

/* The checks of a space before it is written, inside the caller's transaction. */
static int space_check(struct store *s, const struct store_space *sp, struct error *err)
{
    struct p3aks_space v;
    rules_view(sp, &v);
    int rc = p3aks_space_check(&v, err);
    if (!rc && sp->action_id)
        rc = action_check(s, sp->region_code, sp->action_id, err);
    return rc;
}

/* Bind the writable fields to ?k .. ?k+8 (name, kind, status, village, action, latitude,
 * longitude, notes, now), in the order of the insert and the update. */
static void space_bind(struct db_stmt *st, const struct store_space *sp, int k)
{
    stmt_bind_text(st, k, sp->name);
    stmt_bind_text(st, k + 1, sp->kind);
    stmt_bind_text(st, k + 2, sp->status ? sp->status : P3AKS_SPACE_INITIAL);
    stmt_bind_text(st, k + 3, nonempty(sp->village_code));
    plan_bind_id(st, k + 4, sp->action_id);
    if (sp->has_coords) {
        db_bind_double(st, k + 5, sp->latitude);
        db_bind_double(st, k + 6, sp->longitude);
    } else {
        db_bind_null(st, k + 5);
        db_bind_null(st, k + 6);
    }
    stmt_bind_text(st, k + 7, nonempty(sp->notes));
    db_bind_int64(st, k + 8, time_now());
}

int store_space_add(struct store *s, const struct store_space *sp, const struct store_actor *actor,
                    int64_t *id, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    rc = space_check(s, sp, err);
    struct db_stmt *st;
    int64_t nid = 0;
    if (!rc)
        rc = PSTMT(s, PS_SPACE_INSERT,
                   "INSERT INTO safe_spaces (name, kind, status, village_code, action_id, latitude,"
                   " longitude, notes, created_at, updated_at, region_code)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10) RETURNING id",
                   &st, err);
    if (!rc) {
        space_bind(st, sp, 1);
        stmt_bind_text(st, 10, sp->region_code);
        char fk[160];
        snprintf(fk, sizeof(fk), "unknown region '%s' or village '%s'", sp->region_code,
                 sp->village_code ? sp->village_code : "");
        rc = plan_step_id(s, st, "add space", NULL, fk, &nid, err);
    }
    if (!rc) {
        struct store_space x = *sp;
        x.id = nid;
        x.village_code = nonempty(x.village_code);
        x.notes = nonempty(x.notes);
        if (!x.status)
            x.status = P3AKS_SPACE_INITIAL;
        rc = plan_audit(s, actor, "space.add", "space", nid, NULL, space_json(&x), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_space_get(struct store *s, int64_t id, struct arena *arena, struct store_space *out,
                    struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_SPACE_GET, "SELECT " SPACE_COLS SPACE_FROM " WHERE sp.id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    return store_get_row(s, st, arena, out, space_read, "space", id, "read space",
                         "space does not fit in memory limit", err);
}

int store_space_update(struct store *s, const struct store_space *sp,
                       const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_space old;
    rc = store_space_get(s, sp->id, &ar, &old, err);
    struct store_space x = *sp;
    if (!rc) {
        x.region_code = old.region_code; /* a space stays with its region's plan */
        x.village_code = nonempty(x.village_code);
        x.notes = nonempty(x.notes);
        if (!x.status)
            x.status = old.status;
        rc = space_check(s, &x, err);
    }
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_SPACE_UPDATE,
                   "UPDATE safe_spaces SET name = ?2, kind = ?3, status = ?4, village_code = ?5,"
                   " action_id = ?6, latitude = ?7, longitude = ?8, notes = ?9, updated_at = ?10"
                   " WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, sp->id);
        space_bind(st, &x, 2);
        char fk[96];
        snprintf(fk, sizeof(fk), "unknown village '%s'", x.village_code ? x.village_code : "");
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "update space", NULL, fk);
    }
    if (!rc)
        rc = plan_audit(s, actor, "space.update", "space", sp->id, space_json(&old), space_json(&x),
                        err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_space_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_space old;
    rc = store_space_get(s, id, &ar, &old, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_SPACE_DELETE, "DELETE FROM safe_spaces WHERE id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        rc = plan_step_done(s, st, "delete space", err);
    }
    if (!rc)
        rc = plan_audit(s, actor, "space.delete", "space", id, space_json(&old), NULL, err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_space_list(struct store *s, const struct store_space_query *q, struct arena *arena,
                     struct store_space **out, size_t *n, int64_t *next_after, struct error *err)
{
    *out = NULL;
    *n = 0;
    if (next_after)
        *next_after = 0;
    size_t limit = q->limit ? q->limit : STORE_SPACE_LIMIT_DEFAULT;
    if (limit > (size_t)INT32_MAX - 1)
        limit = (size_t)INT32_MAX - 1;
    struct db_stmt *st;
    /* One row past the page tells whether another page follows. */
    int rc = PSTMT(s, PS_SPACE_LIST,
                   "SELECT " SPACE_COLS SPACE_FROM " WHERE " SPACE_IN(1) " AND " SPACE_IN(
                       2) " AND (CAST(?3 AS TEXT) IS NULL OR sp.status = ?3)"
                          " AND (CAST(?4 AS TEXT) IS NULL OR sp.kind = ?4)"
                          " AND (CAST(?5 AS BIGINT) = 0 OR sp.action_id = ?5)"
                          " AND (CAST(?6 AS BIGINT) = 0 OR a.rad_id = ?6)"
                          " AND sp.id > ?7 ORDER BY sp.id LIMIT ?8",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, nonempty(q->scope));
    stmt_bind_text(st, 2, nonempty(q->region));
    stmt_bind_text(st, 3, nonempty(q->status));
    stmt_bind_text(st, 4, nonempty(q->kind));
    db_bind_int64(st, 5, q->action_id);
    db_bind_int64(st, 6, q->rad_id);
    db_bind_int64(st, 7, q->after_id);
    db_bind_int64(st, 8, (int64_t)limit + 1);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), space_read, "list spaces",
                       "space list does not fit in memory limit", err);
    *out = rows;
    if (!rc && *n > limit) {
        *n = limit;
        if (next_after)
            *next_after = (*out)[limit - 1].id;
    }
    return rc;
}
