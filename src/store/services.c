/* The services of a named victim (schema v13): needs, referrals and what was received. The
 * rules are src/p3aks's; here the rows, their transactions and audit rows, which name the
 * service's type, status, provider and days and never the victim's name, a note or a reason. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define SERVICE_COLS                                                                               \
    "id, victim_id, type, status, provider, needed_on, referred_on, received_on, completed_on,"    \
    " refused_on, refusal_reason, note, created_by, created_at, updated_at"

/* Read the current row of st (SERVICE_COLS) into *x, opening the sealed fields. */
static void service_read(struct store *s, struct arena *ar, struct db_stmt *st,
                         struct store_service *x, bool *oom)
{
    memset(x, 0, sizeof(*x));
    x->id = db_column_int64(st, 0);
    x->victim_id = db_column_int64(st, 1);
    x->type = plan_col(ar, st, 2, oom);
    x->status = plan_col(ar, st, 3, oom);
    x->provider = plan_col(ar, st, 4, oom);
    x->needed_on = plan_col(ar, st, 5, oom);
    x->referred_on = plan_col(ar, st, 6, oom);
    x->received_on = plan_col(ar, st, 7, oom);
    x->completed_on = plan_col(ar, st, 8, oom);
    x->refused_on = plan_col(ar, st, 9, oom);
    x->refusal_reason = store_col_sealed(s, ar, st, 10, "victim_services.refusal_reason", oom);
    x->note = store_col_sealed(s, ar, st, 11, "victim_services.note", oom);
    x->created_by = plan_col(ar, st, 12, oom);
    x->created_at = db_column_int64(st, 13);
    x->updated_at = db_column_int64(st, 14);
}

/* What the audit log keeps of a service: no note, no reason (the victim is not in it). */
static json_t *service_audit_json(const struct store_service *x)
{
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "type", plan_jstr(x->type), "status",
                     plan_jstr(x->status), "provider", plan_jstr(x->provider), "needed_on",
                     plan_jstr(x->needed_on), "referred_on", plan_jstr(x->referred_on),
                     "received_on", plan_jstr(x->received_on), "completed_on",
                     plan_jstr(x->completed_on), "refused_on", plan_jstr(x->refused_on));
}

static const char *nonempty(const char *v)
{
    return v && *v ? v : NULL;
}

/* Bind a sealed field: 0 or a WSP_E* code with err filled. */
static int bind_sealed(struct store *s, struct db_stmt *st, int idx, const char *field,
                       const char *plain, struct error *err)
{
    int rc = store_bind_sealed(s, st, idx, field, nonempty(plain), err);
    if (rc == 0)
        return 0;
    if (err && err->code)
        return err->code;
    return store_fail(s, rc, err, "seal a service's field", NULL, NULL);
}

int store_victim_case(struct store *s, int64_t victim_id, int64_t *case_id, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_VICTIM_CASE, "SELECT case_id FROM case_victims WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, victim_id);
    int src = db_step(st);
    if (src == DB_ROW)
        *case_id = db_column_int64(st, 0);
    stmt_done(st);
    if (src == DB_ROW)
        return 0;
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "no victim with id '%" PRId64 "'", victim_id);
    return store_fail(s, src, err, "look up victim", NULL, NULL);
}

int store_service_add(struct store *s, const struct store_service *sv,
                      const struct store_actor *actor, int64_t *id, struct error *err)
{
    if (!sv->type || !sv->needed_on)
        return error_set(err, WSP_EINVAL, "a service needs its type and the day of the need");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct store_service x = *sv;
    if (!x.status)
        x.status = "dibutuhkan";
    if (!x.provider)
        x.provider = "";
    struct db_stmt *st;
    int64_t nid = 0;
    rc = PSTMT(s, PS_SERVICE_INSERT,
               "INSERT INTO victim_services (victim_id, type, status, provider, needed_on,"
               " referred_on, received_on, completed_on, refused_on, refusal_reason, note,"
               " created_at, created_by, updated_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12) RETURNING id",
               &st, err);
    if (!rc) {
        db_bind_int64(st, 1, x.victim_id);
        stmt_bind_text(st, 2, x.type);
        stmt_bind_text(st, 3, x.status);
        stmt_bind_text(st, 4, x.provider);
        stmt_bind_text(st, 5, x.needed_on);
        stmt_bind_text(st, 6, x.referred_on);
        stmt_bind_text(st, 7, x.received_on);
        stmt_bind_text(st, 8, x.completed_on);
        stmt_bind_text(st, 9, x.refused_on);
        db_bind_int64(st, 12, time_now());
        stmt_bind_text(st, 13, store_actor_name(actor));
        rc = bind_sealed(s, st, 10, "victim_services.refusal_reason", x.refusal_reason, err);
        if (!rc)
            rc = bind_sealed(s, st, 11, "victim_services.note", x.note, err);
        if (rc) {
            stmt_done(st);
        } else {
            char fk[64];
            snprintf(fk, sizeof(fk), "no victim with id '%" PRId64 "'", x.victim_id);
            rc = plan_step_id(s, st, "add service", NULL, fk, &nid, err);
        }
    }
    if (!rc)
        rc = plan_audit(s, actor, "service.add", "victim_service", nid, NULL,
                        service_audit_json(&x), err);
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

/* Step st and read its rows into an arena array (NULL and 0 for none); stmt_done(st). */
static int services_collect(struct store *s, struct db_stmt *st, struct arena *arena,
                            struct store_service **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    bool oom = false;
    size_t cap = 0;
    int src;
    while ((src = db_step(st)) == DB_ROW) {
        struct store_service *grown = store_grow(arena, *out, &cap, *n, sizeof(**out));
        if (!grown) {
            oom = true;
            break;
        }
        *out = grown;
        service_read(s, arena, st, &(*out)[(*n)++], &oom);
    }
    stmt_done(st);
    if (!oom && src == DB_DONE)
        return 0;
    *out = NULL;
    *n = 0;
    if (oom)
        return error_set(err, WSP_ENOMEM, "services do not fit in memory limit");
    return store_fail(s, src, err, "read services", NULL, NULL);
}

int store_service_list(struct store *s, int64_t victim_id, struct arena *arena,
                       struct store_service **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_SERVICE_LIST,
                   "SELECT " SERVICE_COLS " FROM victim_services WHERE victim_id = ?1 ORDER BY id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, victim_id);
    return services_collect(s, st, arena, out, n, err);
}

int store_service_get(struct store *s, int64_t id, struct arena *arena, struct store_service *out,
                      struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_SERVICE_GET, "SELECT " SERVICE_COLS " FROM victim_services WHERE id = ?1",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    struct store_service *rows;
    size_t n;
    rc = services_collect(s, st, arena, &rows, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return error_set(err, WSP_ENOTFOUND, "no service with id '%" PRId64 "'", id);
    *out = rows[0];
    return 0;
}

int store_service_update(struct store *s, const struct store_service *sv, const char *old_status,
                         const struct store_actor *actor, struct error *err)
{
    if (!sv->status)
        return error_set(err, WSP_EINVAL, "a service needs its status");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_service old;
    rc = store_service_get(s, sv->id, &ar, &old, err);
    if (!rc && old_status && !str_eq(old.status, old_status))
        rc = error_set(err, WSP_EEXIST, "service %" PRId64 " is '%s', not '%s'", sv->id, old.status,
                       old_status);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_SERVICE_UPDATE,
                   "UPDATE victim_services SET status = ?2, provider = ?3, referred_on = ?4,"
                   " received_on = ?5, completed_on = ?6, refused_on = ?7, refusal_reason = ?8,"
                   " note = ?9, updated_at = ?10 WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, sv->id);
        stmt_bind_text(st, 2, sv->status);
        stmt_bind_text(st, 3, sv->provider ? sv->provider : "");
        stmt_bind_text(st, 4, sv->referred_on);
        stmt_bind_text(st, 5, sv->received_on);
        stmt_bind_text(st, 6, sv->completed_on);
        stmt_bind_text(st, 7, sv->refused_on);
        db_bind_int64(st, 10, time_now());
        rc = bind_sealed(s, st, 8, "victim_services.refusal_reason", sv->refusal_reason, err);
        if (!rc)
            rc = bind_sealed(s, st, 9, "victim_services.note", sv->note, err);
        if (rc)
            stmt_done(st);
        else
            rc = plan_step_done(s, st, "update service", err);
    }
    if (!rc) {
        struct store_service now = old;
        now.status = sv->status;
        now.provider = sv->provider ? sv->provider : "";
        now.referred_on = sv->referred_on;
        now.received_on = sv->received_on;
        now.completed_on = sv->completed_on;
        now.refused_on = sv->refused_on;
        rc = plan_audit(s, actor, "service.update", "victim_service", sv->id,
                        service_audit_json(&old), service_audit_json(&now), err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}
