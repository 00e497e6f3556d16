/* Timdu registry (decrees, chair, members by sub-team) and forums (FKDM, Forkopimda, FKUB,
 * Forum Kesatuan Bangsa) with their contact persons. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define TIMDU_COLS                                                                                 \
    "t.id, t.region_code, t.sk_number, t.sk_date, t.signed_by, t.valid_until, t.chair_name,"       \
    " t.chair_title, t.notes, t.created_at, t.updated_at"

static void timdu_read(struct arena *a, struct db_stmt *st, struct store_timdu *t, bool *oom)
{
    memset(t, 0, sizeof(*t));
    t->id = db_column_int64(st, 0);
    t->region_code = plan_col(a, st, 1, oom);
    t->sk_number = plan_col(a, st, 2, oom);
    t->sk_date = plan_col(a, st, 3, oom);
    t->signed_by = plan_col(a, st, 4, oom);
    t->valid_until = plan_col(a, st, 5, oom);
    t->chair_name = plan_col(a, st, 6, oom);
    t->chair_title = plan_col(a, st, 7, oom);
    t->notes = plan_col(a, st, 8, oom);
    t->created_at = db_column_int64(st, 9);
    t->updated_at = db_column_int64(st, 10);
}

static void timdu_row(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    timdu_read(a, st, row, oom);
}

/* A store_row_fn for the timdu list: the decree and its number of members. */
static void timdu_list_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_timdu *t = row;
    timdu_read(a, st, t, oom);
    t->nmembers = (size_t)db_column_int64(st, 11);
}

/* A store_row_fn for struct store_timdu_member. */
static void member_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_timdu_member *m = row;
    m->id = db_column_int64(st, 0);
    m->timdu_id = db_column_int64(st, 1);
    m->name = plan_col(a, st, 2, oom);
    m->position = plan_col(a, st, 3, oom);
    m->agency = plan_col(a, st, 4, oom);
    m->agency_type = plan_col(a, st, 5, oom);
    m->subteam = plan_col(a, st, 6, oom);
    m->phone = plan_col(a, st, 7, oom);
    m->email = plan_col(a, st, 8, oom);
}

static json_t *timdu_json(const struct store_timdu *t)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)t->id, "region",
                     plan_jstr(t->region_code), "sk_number", plan_jstr(t->sk_number), "sk_date",
                     plan_jstr(t->sk_date), "signed_by", plan_jstr(t->signed_by), "valid_until",
                     plan_jstr(t->valid_until), "chair_name", plan_jstr(t->chair_name),
                     "chair_title", plan_jstr(t->chair_title), "notes", plan_jstr(t->notes));
}

static int timdu_check(const struct store_timdu *t, struct error *err)
{
    if (!t->sk_number || !*t->sk_number)
        return error_set(err, WSP_EINVAL, "missing decree (SK) number");
    if (!date_iso_valid(t->sk_date))
        return error_set(err, WSP_EINVAL, "decree date '%s' is not a date (YYYY-MM-DD)",
                         t->sk_date ? t->sk_date : "");
    if (t->valid_until && !date_iso_valid(t->valid_until))
        return error_set(err, WSP_EINVAL, "valid_until '%s' is not a date (YYYY-MM-DD)",
                         t->valid_until);
    if (t->valid_until && strcmp(t->valid_until, t->sk_date) < 0)
        return error_set(err, WSP_EINVAL, "valid_until '%s' is before the decree date '%s'",
                         t->valid_until, t->sk_date);
    return 0;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int store_timdu_add(struct store *s, const struct store_timdu *t, const struct store_actor *actor,
                    int64_t *id, struct error *err)
{
    int rc = timdu_check(t, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0, now = time_now();
    rc = PSTMT(s, PS_TIMDU_INSERT,
               "INSERT INTO timdu (region_code, sk_number, sk_date, signed_by, valid_until,"
               " chair_name, chair_title, notes, created_at, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id",
               &st, err);
    if (!rc) {
        stmt_bind_text(st, 1, t->region_code);
        stmt_bind_text(st, 2, t->sk_number);
        stmt_bind_text(st, 3, t->sk_date);
        stmt_bind_text(st, 4, nz(t->signed_by));
        stmt_bind_text(st, 5, t->valid_until);
        stmt_bind_text(st, 6, nz(t->chair_name));
        stmt_bind_text(st, 7, nz(t->chair_title));
        stmt_bind_text(st, 8, t->notes);
        db_bind_int64(st, 9, now);
        char fk[96];
        snprintf(fk, sizeof(fk), "unknown region '%s'", nz(t->region_code));
        rc = plan_step_id(s, st, "add timdu", NULL, fk, &nid, err);
    }
    if (!rc) {
        struct store_timdu c = *t;
        c.id = nid;
        rc = plan_audit(s, actor, "timdu.add", "timdu", nid, NULL, timdu_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_timdu_get(struct store *s, int64_t id, struct arena *arena, struct store_timdu *out,
                    struct store_timdu_member **members, size_t *nmembers, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_TIMDU_GET, "SELECT " TIMDU_COLS " FROM timdu t WHERE t.id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if (members) {
        *members = NULL;
        *nmembers = 0;
    }
    rc = store_get_row(s, st, arena, out, timdu_row, "timdu", id, "read timdu",
                       "timdu does not fit in memory limit", err);
    if (rc || !members)
        return rc;
    rc = PSTMT(s, PS_TIMDU_MEMBERS,
               "SELECT id, timdu_id, name, position, agency, agency_type, subteam, phone, email"
               " FROM timdu_members WHERE timdu_id = ?1 ORDER BY id",
               &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, nmembers, sizeof(**members), member_read,
                       "read timdu members", "timdu does not fit in memory limit", err);
    *members = rows;
    /* The contacts are sealed: opened here, where the store is at hand. */
    bool oom = false;
    for (size_t i = 0; !rc && i < *nmembers; i++) {
        struct store_timdu_member *m = &(*members)[i];
        m->phone = store_unseal(s, arena, "timdu_members.phone", m->phone, &oom);
        m->email = store_unseal(s, arena, "timdu_members.email", m->email, &oom);
    }
    if (!rc && oom) {
        *members = NULL;
        *nmembers = 0;
        rc = store_seal_oom(s, "timdu does not fit in memory limit", err);
    }
    return rc;
}

int store_timdu_update(struct store *s, const struct store_timdu *t,
                       const struct store_actor *actor, struct error *err)
{
    int rc = timdu_check(t, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_timdu old;
    rc = store_timdu_get(s, t->id, &a, &old, NULL, NULL, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_TIMDU_UPDATE,
                   "UPDATE timdu SET sk_number = ?2, sk_date = ?3, signed_by = ?4,"
                   " valid_until = ?5, chair_name = ?6, chair_title = ?7, notes = ?8,"
                   " updated_at = ?9 WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, t->id);
        stmt_bind_text(st, 2, t->sk_number);
        stmt_bind_text(st, 3, t->sk_date);
        stmt_bind_text(st, 4, nz(t->signed_by));
        stmt_bind_text(st, 5, t->valid_until);
        stmt_bind_text(st, 6, nz(t->chair_name));
        stmt_bind_text(st, 7, nz(t->chair_title));
        stmt_bind_text(st, 8, t->notes);
        db_bind_int64(st, 9, time_now());
        rc = plan_step_done(s, st, "update timdu", err);
    }
    if (!rc) {
        struct store_timdu c = *t;
        c.region_code = old.region_code;
        rc = plan_audit(s, actor, "timdu.update", "timdu", t->id, timdu_json(&old), timdu_json(&c),
                        err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&a);
    return rc;
}

int store_timdu_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_timdu old;
    rc = store_timdu_get(s, id, &a, &old, NULL, NULL, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_TIMDU_DELETE, "DELETE FROM timdu WHERE id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        rc = plan_step_done(s, st, "delete timdu", err);
    }
    if (!rc)
        rc = plan_audit(s, actor, "timdu.delete", "timdu", id, timdu_json(&old), NULL, err);
    rc = store_tx_end(s, rc, err);
    arena_release(&a);
    return rc;
}

int store_timdu_list(struct store *s, const char *scope, const char *region, struct arena *arena,
                     struct store_timdu **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc =
        PSTMT(s, PS_TIMDU_LIST,
              "SELECT " TIMDU_COLS ", (SELECT COUNT(*) FROM timdu_members m"
              " WHERE m.timdu_id = t.id) FROM timdu t WHERE " PLAN_PREFIX(
                  "t.region_code",
                  1) " AND " PLAN_PREFIX("t.region_code",
                                         2) " ORDER BY t.region_code, t.sk_date DESC, t.id DESC",
              &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, scope);
    stmt_bind_text(st, 2, region);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), timdu_list_read, "list timdu",
                       "timdu list does not fit in memory limit", err);
    *out = rows;
    return rc;
}

static json_t *member_json(const struct store_timdu_member *m)
{
    /* Contact data stays out of the audit log: it records that a member changed, not how to
     * reach them. */
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)m->id, "name",
                     plan_jstr(m->name), "position", plan_jstr(m->position), "agency",
                     plan_jstr(m->agency), "agency_type", plan_jstr(m->agency_type), "subteam",
                     plan_jstr(m->subteam));
}

int store_timdu_member_add(struct store *s, const struct store_timdu_member *m,
                           const struct store_actor *actor, int64_t *id, struct error *err)
{
    if (!m->name || !*m->name)
        return error_set(err, WSP_EINVAL, "missing member name");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0;
    struct arena a;
    arena_init(&a, 1 << 16);
    struct store_timdu t;
    rc = store_timdu_get(s, m->timdu_id, &a, &t, NULL, NULL, err);
    arena_release(&a);
    if (!rc)
        rc = PSTMT(
            s, PS_TIMDU_MEMBER_INSERT,
            "INSERT INTO timdu_members (timdu_id, name, position, agency, agency_type, subteam,"
            " phone, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            &st, err);
    if (!rc) {
        db_bind_int64(st, 1, m->timdu_id);
        stmt_bind_text(st, 2, m->name);
        stmt_bind_text(st, 3, nz(m->position));
        stmt_bind_text(st, 4, nz(m->agency));
        stmt_bind_text(st, 5, m->agency_type ? m->agency_type : "opd");
        stmt_bind_text(st, 6, m->subteam);
        rc = store_bind_sealed(s, st, 7, "timdu_members.phone", m->phone, err);
        if (!rc)
            rc = store_bind_sealed(s, st, 8, "timdu_members.email", m->email, err);
        if (rc)
            stmt_done(st);
        else
            rc = plan_step_id(s, st, "add timdu member", NULL, "invalid timdu member", &nid, err);
    }
    if (!rc) {
        struct store_timdu_member c = *m;
        c.id = nid;
        rc = plan_audit(s, actor, "timdu.member.add", "timdu", m->timdu_id, NULL, member_json(&c),
                        err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_timdu_member_delete(struct store *s, int64_t timdu_id, int64_t member_id,
                              const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    rc = PSTMT(s, PS_TIMDU_MEMBER_DELETE,
               "DELETE FROM timdu_members WHERE id = ?1 AND timdu_id = ?2", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, member_id);
        db_bind_int64(st, 2, timdu_id);
        rc = plan_step_done(s, st, "delete timdu member", err);
    }
    if (!rc)
        rc = plan_changed(s, "timdu member", member_id, err);
    if (!rc) {
        json_t *b = json_pack("{s:I}", "member_id", (json_int_t)member_id);
        rc = plan_audit(s, actor, "timdu.member.delete", "timdu", timdu_id, b, NULL, err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- forums ----------------------------------------------------------------------------- */

#define FORUM_COLS                                                                                 \
    "id, region_code, kind, name, sk_number, contact_name, contact_phone, contact_email,"          \
    " created_at, updated_at"

/* A store_row_fn for struct store_forum. */
static void forum_read(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_forum *f = row;
    memset(f, 0, sizeof(*f));
    f->id = db_column_int64(st, 0);
    f->region_code = plan_col(a, st, 1, oom);
    f->kind = plan_col(a, st, 2, oom);
    f->name = plan_col(a, st, 3, oom);
    f->sk_number = plan_col(a, st, 4, oom);
    f->contact_name = plan_col(a, st, 5, oom);
    f->contact_phone = plan_col(a, st, 6, oom);
    f->contact_email = plan_col(a, st, 7, oom);
    f->created_at = db_column_int64(st, 8);
    f->updated_at = db_column_int64(st, 9);
}

/* Open a forum's sealed contact fields (forum_read has no store at hand). */
static void forum_unseal(struct store *s, struct arena *a, struct store_forum *f, bool *oom)
{
    f->contact_name = store_unseal(s, a, "forums.contact_name", f->contact_name, oom);
    f->contact_phone = store_unseal(s, a, "forums.contact_phone", f->contact_phone, oom);
    f->contact_email = store_unseal(s, a, "forums.contact_email", f->contact_email, oom);
}

/* Bind a forum's contact fields, sealed, to ?5 .. ?7. */
static int forum_bind_contact(struct store *s, struct db_stmt *st, const struct store_forum *f,
                              struct error *err)
{
    int rc = store_bind_sealed(s, st, 5, "forums.contact_name", f->contact_name, err);
    if (!rc)
        rc = store_bind_sealed(s, st, 6, "forums.contact_phone", f->contact_phone, err);
    if (!rc)
        rc = store_bind_sealed(s, st, 7, "forums.contact_email", f->contact_email, err);
    if (rc)
        stmt_done(st);
    return rc;
}

/* The contact person stays out of the audit log: it is sealed in the forums table, and the
 * audit log is not. */
static json_t *forum_json(const struct store_forum *f)
{
    return json_pack("{s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)f->id, "region",
                     plan_jstr(f->region_code), "kind", plan_jstr(f->kind), "name",
                     plan_jstr(f->name), "sk_number", plan_jstr(f->sk_number));
}

static int forum_check(const struct store_forum *f, struct error *err)
{
    if (!str_eq(f->kind, "fkdm") && !str_eq(f->kind, "forkopimda") && !str_eq(f->kind, "fkub") &&
        !str_eq(f->kind, "fkb"))
        return error_set(err, WSP_EINVAL, "unknown forum kind '%s' (fkdm, forkopimda, fkub, fkb)",
                         nz(f->kind));
    if (!f->name || !*f->name)
        return error_set(err, WSP_EINVAL, "missing forum name");
    return 0;
}

int store_forum_add(struct store *s, const struct store_forum *f, const struct store_actor *actor,
                    int64_t *id, struct error *err)
{
    int rc = forum_check(f, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0;
    rc = PSTMT(s, PS_FORUM_INSERT,
               "INSERT INTO forums (region_code, kind, name, sk_number, contact_name,"
               " contact_phone, contact_email, created_at, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id",
               &st, err);
    if (!rc) {
        stmt_bind_text(st, 1, f->region_code);
        stmt_bind_text(st, 2, f->kind);
        stmt_bind_text(st, 3, f->name);
        stmt_bind_text(st, 4, f->sk_number);
        db_bind_int64(st, 8, time_now());
        char fk[96];
        snprintf(fk, sizeof(fk), "unknown region '%s'", nz(f->region_code));
        rc = forum_bind_contact(s, st, f, err);
        if (!rc)
            rc = plan_step_id(s, st, "add forum", NULL, fk, &nid, err);
    }
    if (!rc) {
        struct store_forum c = *f;
        c.id = nid;
        rc = plan_audit(s, actor, "forum.add", "forum", nid, NULL, forum_json(&c), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_forum_get(struct store *s, int64_t id, struct arena *arena, struct store_forum *out,
                    struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_FORUM_GET, "SELECT " FORUM_COLS " FROM forums WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = store_get_row(s, st, arena, out, forum_read, "forum", id, "read forum",
                       "forum does not fit in memory limit", err);
    bool oom = false;
    if (!rc)
        forum_unseal(s, arena, out, &oom);
    return oom ? store_seal_oom(s, "forum does not fit in memory limit", err) : rc;
}

int store_forum_update(struct store *s, const struct store_forum *f,
                       const struct store_actor *actor, struct error *err)
{
    int rc = forum_check(f, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_forum old;
    rc = store_forum_get(s, f->id, &a, &old, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_FORUM_UPDATE,
                   "UPDATE forums SET kind = ?2, name = ?3, sk_number = ?4, contact_name = ?5,"
                   " contact_phone = ?6, contact_email = ?7, updated_at = ?8 WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, f->id);
        stmt_bind_text(st, 2, f->kind);
        stmt_bind_text(st, 3, f->name);
        stmt_bind_text(st, 4, f->sk_number);
        db_bind_int64(st, 8, time_now());
        rc = forum_bind_contact(s, st, f, err);
        if (!rc)
            rc = plan_step_done(s, st, "update forum", err);
    }
    if (!rc) {
        struct store_forum c = *f;
        c.region_code = old.region_code;
        rc = plan_audit(s, actor, "forum.update", "forum", f->id, forum_json(&old), forum_json(&c),
                        err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&a);
    return rc;
}

int store_forum_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_forum old;
    rc = store_forum_get(s, id, &a, &old, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_FORUM_DELETE, "DELETE FROM forums WHERE id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        rc = plan_step_done(s, st, "delete forum", err);
    }
    if (!rc)
        rc = plan_audit(s, actor, "forum.delete", "forum", id, forum_json(&old), NULL, err);
    rc = store_tx_end(s, rc, err);
    arena_release(&a);
    return rc;
}

int store_forum_list(struct store *s, const char *scope, const char *region, struct arena *arena,
                     struct store_forum **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_FORUM_LIST,
                   "SELECT " FORUM_COLS
                   " FROM forums WHERE " PLAN_PREFIX("region_code", 1) " AND " PLAN_PREFIX(
                       "region_code", 2) " ORDER BY region_code, kind, id",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, scope);
    stmt_bind_text(st, 2, region);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), forum_read, "list forums",
                       "forum list does not fit in memory limit", err);
    *out = rows;
    bool oom = false;
    for (size_t i = 0; !rc && i < *n; i++)
        forum_unseal(s, arena, &(*out)[i], &oom);
    if (!rc && oom) {
        *out = NULL;
        *n = 0;
        rc = store_seal_oom(s, "forum list does not fit in memory limit", err);
    }
    return rc;
}
