/* Conflict cases: registry, further regions, handling actions by phase, victims (counts by sex
 * and age group; named victims kept apart and never written to the audit log). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

#define CASE_COLS                                                                                  \
    "id, title, region_code, issue, parties, status, origin, event_id, alert_ref, skk_level,"      \
    " skk_decree, skk_start, skk_end, public_summary, created_at, updated_at,"                     \
    " (SELECT p.phase FROM phase_proposals p WHERE p.event_id = cases.event_id"                    \
    " AND p.state = 'open')"

static const char *const sexes[2] = {"l", "p"};
static const char *const ages[3] = {"anak", "dewasa", "lansia"};

/* A store_row_fn for struct store_case (without its further regions). */
static void case_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct store_case *c = row;
    memset(c, 0, sizeof(*c));
    c->id = db_column_int64(st, 0);
    c->title = plan_col(ar, st, 1, oom);
    c->region_code = plan_col(ar, st, 2, oom);
    c->issue = plan_col(ar, st, 3, oom);
    c->parties = plan_col(ar, st, 4, oom);
    c->status = plan_col(ar, st, 5, oom);
    c->origin = plan_col(ar, st, 6, oom);
    c->event_id = db_column_int64(st, 7);
    c->alert_ref = plan_col(ar, st, 8, oom);
    c->skk_level = plan_col(ar, st, 9, oom);
    c->skk_decree = plan_col(ar, st, 10, oom);
    c->skk_start = plan_col(ar, st, 11, oom);
    c->skk_end = plan_col(ar, st, 12, oom);
    c->public_summary = plan_col(ar, st, 13, oom);
    c->created_at = db_column_int64(st, 14);
    c->updated_at = db_column_int64(st, 15);
    c->proposed_phase = plan_col(ar, st, 16, oom);
}

static json_t *case_json(const struct store_case *c)
{
    json_t *regions = json_array();
    for (size_t i = 0; i < c->nregions; i++)
        json_array_append_new(regions, json_string(c->regions[i]));
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                     (json_int_t)c->id, "title", plan_jstr(c->title), "region",
                     plan_jstr(c->region_code), "regions", regions, "issue", plan_jstr(c->issue),
                     "parties", plan_jstr(c->parties), "status", plan_jstr(c->status), "origin",
                     plan_jstr(c->origin), "skk_level", plan_jstr(c->skk_level), "skk_decree",
                     plan_jstr(c->skk_decree), "skk_start", plan_jstr(c->skk_start), "skk_end",
                     plan_jstr(c->skk_end), "public_summary", plan_jstr(c->public_summary));
}

/* A store_row_fn for a region code (const char *). */
static void region_code_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    *(const char **)row = plan_col(ar, st, 0, oom);
}

static int case_regions_read(struct store *s, struct arena *ar, struct store_case *c,
                             struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CASE_REGIONS,
                   "SELECT region_code FROM case_regions WHERE case_id = ?1 ORDER BY region_code",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, c->id);
    void *list;
    size_t n;
    rc = store_collect(s, st, ar, &list, &n, sizeof(*c->regions), region_code_read,
                       "read case regions", "case does not fit in memory limit", err);
    if (!rc) {
        c->regions = list;
        c->nregions = n;
    }
    return rc;
}

static int case_regions_write(struct store *s, const struct store_case *c, int64_t id,
                              struct error *err)
{
    struct db_stmt *st;
    int rc =
        PSTMT(s, PS_CASE_REGION_CLEAR, "DELETE FROM case_regions WHERE case_id = ?1", &st, err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        rc = plan_step_done(s, st, "clear case regions", err);
    }
    for (size_t i = 0; !rc && i < c->nregions; i++) {
        rc = PSTMT(s, PS_CASE_REGION_INSERT,
                   "INSERT INTO case_regions (case_id, region_code) VALUES (?1, ?2)"
                   " ON CONFLICT DO NOTHING",
                   &st, err);
        if (rc)
            break;
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, c->regions[i]);
        int src = db_step(st);
        stmt_done(st);
        if (src != DB_DONE) {
            char fk[96];
            snprintf(fk, sizeof(fk), "unknown region '%s'", c->regions[i]);
            rc = store_fail(s, src, err, "add case region", NULL, fk);
        }
    }
    return rc;
}

/* Bind the case's columns to ?k.. ?k+13 in the order of the insert and the update (the insert
 * starts at ?1, the update at ?2 after the id: PostgreSQL refuses a gap in the numbers). */
static void case_bind(struct db_stmt *st, const struct store_case *c, int k)
{
    stmt_bind_text(st, k, c->title);
    stmt_bind_text(st, k + 1, c->region_code);
    stmt_bind_text(st, k + 2, c->issue);
    stmt_bind_text(st, k + 3, c->parties);
    stmt_bind_text(st, k + 4, c->status ? c->status : "potensi");
    stmt_bind_text(st, k + 5, c->origin ? c->origin : "manual");
    plan_bind_id(st, k + 6, c->event_id);
    stmt_bind_text(st, k + 7, c->alert_ref);
    stmt_bind_text(st, k + 8, c->skk_level);
    stmt_bind_text(st, k + 9, c->skk_decree);
    stmt_bind_text(st, k + 10, c->skk_start);
    stmt_bind_text(st, k + 11, c->skk_end);
    stmt_bind_text(st, k + 12, c->public_summary);
    db_bind_int64(st, k + 13, time_now());
}

int store_case_add(struct store *s, const struct store_case *c, const struct store_actor *actor,
                   int64_t *id, struct error *err)
{
    if (!c->title || !*c->title)
        return error_set(err, WSP_EINVAL, "missing case title");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0;
    rc = PSTMT(s, PS_CASE_INSERT,
               "INSERT INTO cases (title, region_code, issue, parties, status, origin, event_id,"
               " alert_ref, skk_level, skk_decree, skk_start, skk_end, public_summary, created_at,"
               " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
               " ?14, ?14) RETURNING id",
               &st, err);
    if (!rc) {
        case_bind(st, c, 1);
        char fk[96];
        snprintf(fk, sizeof(fk), "unknown region '%s'", c->region_code ? c->region_code : "");
        rc = plan_step_id(s, st, "add case", NULL, fk, &nid, err);
    }
    if (!rc)
        rc = case_regions_write(s, c, nid, err);
    if (!rc) {
        struct store_case x = *c;
        x.id = nid;
        if (!x.status)
            x.status = "potensi";
        rc = plan_audit(s, actor, "case.add", "case", nid, NULL, case_json(&x), err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

int store_case_get(struct store *s, int64_t id, struct arena *arena, struct store_case *out,
                   struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CASE_GET, "SELECT " CASE_COLS " FROM cases WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = store_get_row(s, st, arena, out, case_read, "case", id, "read case",
                       "case does not fit in memory limit", err);
    if (rc)
        return rc;
    return case_regions_read(s, arena, out, err);
}

int store_case_update(struct store *s, const struct store_case *c, const char *old_status,
                      const struct store_actor *actor, struct error *err)
{
    if (!c->title || !*c->title)
        return error_set(err, WSP_EINVAL, "missing case title");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_case old;
    rc = store_case_get(s, c->id, &ar, &old, err);
    if (!rc && old_status && !str_eq(old.status, old_status))
        rc = error_set(err, WSP_EEXIST, "case %" PRId64 " is '%s', not '%s'", c->id, old.status,
                       old_status);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_CASE_UPDATE,
                   "UPDATE cases SET title = ?2, region_code = ?3, issue = ?4, parties = ?5,"
                   " status = ?6, origin = ?7, event_id = ?8, alert_ref = ?9, skk_level = ?10,"
                   " skk_decree = ?11, skk_start = ?12, skk_end = ?13, public_summary = ?14,"
                   " updated_at = ?15 WHERE id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, c->id);
        case_bind(st, c, 2);
        rc = plan_step_done(s, st, "update case", err);
    }
    if (!rc)
        rc = case_regions_write(s, c, c->id, err);
    if (!rc)
        rc = plan_audit(s, actor, "case.update", "case", c->id, case_json(&old), case_json(c), err);
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_case_list(struct store *s, const struct store_case_query *q, struct arena *arena,
                    struct store_case **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CASE_LIST,
                   "SELECT " CASE_COLS
                   " FROM cases WHERE " PLAN_PREFIX("region_code", 1) " AND " PLAN_PREFIX(
                       "region_code", 2) " AND (CAST(?3 AS TEXT) IS NULL OR status = ?3)"
                                         " AND (CAST(?4 AS TEXT) IS NULL OR issue = ?4)"
                                         " ORDER BY updated_at DESC, id DESC",
                   &st, err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, q->scope);
    stmt_bind_text(st, 2, q->region);
    stmt_bind_text(st, 3, q->status);
    stmt_bind_text(st, 4, q->issue);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), case_read, "list cases",
                       "case list does not fit in memory limit", err);
    *out = rows;
    for (size_t i = 0; !rc && i < *n; i++)
        rc = case_regions_read(s, arena, &(*out)[i], err);
    return rc;
}

int store_case_of_event(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_case *out, struct error *err)
{
    /* Prepared per call: looked up once per reconciliation follow-up. */
    struct db_stmt *st = NULL;
    int src = db_prepare(s->db,
                         "SELECT " CASE_COLS " FROM cases WHERE event_id = ?1"
                         " ORDER BY created_at DESC, id DESC LIMIT 1",
                         false, &st);
    if (src != DB_OK) {
        db_finalize(st);
        return store_fail(s, src, err, "find the case of an event", NULL, NULL);
    }
    db_bind_int64(st, 1, event_id);
    int rc = store_get_row(s, st, arena, out, case_read, "case for event", event_id, "read case",
                           "case does not fit in memory limit", err);
    db_finalize(st);
    if (rc)
        return rc;
    return case_regions_read(s, arena, out, err);
}

/* Prepare sql, bind its parameters with bind(st, arg), step once and finalize. */
static int exec_once(struct store *s, const char *sql, const char *what,
                     void (*bind)(struct db_stmt *, const void *), const void *arg,
                     struct error *err)
{
    struct db_stmt *st = NULL;
    int src = db_prepare(s->db, sql, false, &st);
    if (src == DB_OK) {
        bind(st, arg);
        src = db_step(st);
    }
    db_finalize(st);
    return src == DB_DONE || src == DB_OK ? 0 : store_fail(s, src, err, what, NULL, NULL);
}

struct decision {
    int64_t case_id, proposal_id;
    const char *state, *status, *note, *by;
};

static void bind_status(struct db_stmt *st, const void *arg)
{
    const struct decision *d = arg;
    db_bind_int64(st, 1, d->case_id);
    stmt_bind_text(st, 2, d->status);
    db_bind_int64(st, 3, time_now());
}

static void bind_decision(struct db_stmt *st, const void *arg)
{
    const struct decision *d = arg;
    db_bind_int64(st, 1, d->proposal_id);
    stmt_bind_text(st, 2, d->state);
    db_bind_int64(st, 3, d->case_id);
    stmt_bind_text(st, 4, d->by);
    db_bind_int64(st, 5, time_now());
    stmt_bind_text(st, 6, d->note && *d->note ? d->note : NULL);
}

int store_case_decide_proposal(struct store *s, int64_t case_id, int64_t proposal_id,
                               const char *old_status, const char *new_status, const char *note,
                               const struct store_actor *actor, struct error *err)
{
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct store_case old;
    struct store_proposal p = {0};
    rc = store_case_get(s, case_id, &ar, &old, err);
    if (!rc && !old.event_id) {
        rc = error_set(err, WSP_ENOTFOUND,
                       "case %" PRId64 " was not opened from an event, so it has no proposals",
                       case_id);
    } else if (!rc) {
        rc = store_proposal_open(s, old.event_id, &ar, &p, err);
        if (rc == WSP_ENOTFOUND)
            rc = error_set(err, WSP_EEXIST, "the event of case %" PRId64 " has no open proposal",
                           case_id);
    }
    if (!rc && p.id != proposal_id)
        rc = error_set(err, WSP_EEXIST,
                       "proposal %" PRId64 " is not the open proposal of case %" PRId64
                       " (that is %" PRId64 ")",
                       proposal_id, case_id, p.id);
    if (!rc && new_status && old_status && !str_eq(old.status, old_status))
        rc = error_set(err, WSP_EEXIST, "case %" PRId64 " is '%s', not '%s'", case_id, old.status,
                       old_status);
    struct decision d = {.case_id = case_id,
                         .proposal_id = proposal_id,
                         .state = new_status ? "accepted" : "dismissed",
                         .status = new_status,
                         .note = note,
                         .by = store_actor_name(actor)};
    if (!rc && new_status && !str_eq(new_status, old.status)) {
        rc = exec_once(s, "UPDATE cases SET status = ?2, updated_at = ?3 WHERE id = ?1",
                       "update case status", bind_status, &d, err);
        if (!rc) {
            struct store_case now = old;
            now.status = new_status;
            rc = plan_audit(s, actor, "case.update", "case", case_id, case_json(&old),
                            case_json(&now), err);
        }
    }
    if (!rc)
        rc = exec_once(s,
                       "UPDATE phase_proposals SET state = ?2, case_id = ?3, decided_by = ?4,"
                       " decided_at = ?5, decision_note = ?6 WHERE id = ?1 AND state = 'open'",
                       "decide proposal", bind_decision, &d, err);
    if (!rc && db_changes(s->db) == 0)
        rc = error_set(err, WSP_EEXIST, "proposal %" PRId64 " was decided meanwhile", proposal_id);
    if (!rc) {
        json_t *after = json_pack(
            "{s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "proposal_id", (json_int_t)proposal_id, "event_id",
            (json_int_t)old.event_id, "phase", plan_jstr(p.phase), "status_from",
            plan_jstr(old.status), "status_to", plan_jstr(new_status ? new_status : old.status),
            "article_id", p.article_id ? json_integer(p.article_id) : json_null(), "note",
            plan_jstr(note && *note ? note : NULL));
        rc = plan_audit(s, actor, new_status ? "proposal.accept" : "proposal.dismiss", "case",
                        case_id, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    arena_release(&ar);
    return rc;
}

int store_case_action_add(struct store *s, const struct store_case_action *a,
                          const struct store_actor *actor, int64_t *id, struct error *err)
{
    if (!a->description || !*a->description)
        return error_set(err, WSP_EINVAL, "missing description of the handling action");
    if (!date_iso_valid(a->action_date))
        return error_set(err, WSP_EINVAL, "action date '%s' is not a date (YYYY-MM-DD)",
                         a->action_date ? a->action_date : "");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t nid = 0;
    rc = PSTMT(s, PS_CASE_ACTION_INSERT,
               "INSERT INTO case_actions (case_id, phase, action_date, description, agency,"
               " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
               &st, err);
    if (!rc) {
        db_bind_int64(st, 1, a->case_id);
        stmt_bind_text(st, 2, a->phase);
        stmt_bind_text(st, 3, a->action_date);
        stmt_bind_text(st, 4, a->description);
        stmt_bind_text(st, 5, a->agency ? a->agency : "");
        db_bind_int64(st, 6, time_now());
        char fk[64];
        snprintf(fk, sizeof(fk), "no case with id '%" PRId64 "'", a->case_id);
        rc = plan_step_id(s, st, "add case action", NULL, fk, &nid, err);
    }
    if (!rc) {
        json_t *after =
            json_pack("{s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)nid, "phase", plan_jstr(a->phase),
                      "action_date", plan_jstr(a->action_date), "description",
                      plan_jstr(a->description), "agency", plan_jstr(a->agency));
        rc = plan_audit(s, actor, "case.action.add", "case", a->case_id, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

/* A store_row_fn for struct store_case_action. */
static void case_action_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct store_case_action *a = row;
    a->id = db_column_int64(st, 0);
    a->case_id = db_column_int64(st, 1);
    a->phase = plan_col(ar, st, 2, oom);
    a->action_date = plan_col(ar, st, 3, oom);
    a->description = plan_col(ar, st, 4, oom);
    a->agency = plan_col(ar, st, 5, oom);
    a->created_at = db_column_int64(st, 6);
}

int store_case_actions(struct store *s, int64_t case_id, struct arena *arena,
                       struct store_case_action **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CASE_ACTIONS,
                   "SELECT id, case_id, phase, action_date, description, agency, created_at"
                   " FROM case_actions WHERE case_id = ?1 ORDER BY action_date, id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, case_id);
    void *rows;
    rc = store_collect(s, st, arena, &rows, n, sizeof(**out), case_action_read, "list case actions",
                       "case actions do not fit in memory limit", err);
    *out = rows;
    return rc;
}

static int case_exists(struct store *s, int64_t id, struct error *err)
{
    struct db_stmt *st;
    int rc = PSTMT(s, PS_CASE_EXISTS, "SELECT 1 FROM cases WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    int src = db_step(st);
    stmt_done(st);
    if (src == DB_ROW)
        return 0;
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "no case with id '%" PRId64 "'", id);
    return store_fail(s, src, err, "look up case", NULL, NULL);
}

/* Bind a personal field sealed (store_internal.h): 0 or a WSP_E* code with err filled. */
static int bind_sealed(struct store *s, struct db_stmt *st, int idx, const char *field,
                       const char *plain, struct error *err)
{
    int rc = store_bind_sealed(s, st, idx, field, plain, err);
    if (rc == 0)
        return 0;
    if (err && err->code)
        return err->code;
    return store_fail(s, rc, err, "seal a victim's field", NULL, NULL);
}

/* Bind a victim's name, sex, age, address and condition to ?k .. ?k+4. */
static int victim_bind(struct store *s, struct db_stmt *st, int k, const struct store_victim *v,
                       struct error *err)
{
    int rc = bind_sealed(s, st, k, "case_victims.name", v->name, err);
    stmt_bind_text(st, k + 1, v->sex);
    if (v->age >= 0)
        db_bind_int64(st, k + 2, v->age);
    else
        db_bind_null(st, k + 2);
    if (!rc)
        rc = bind_sealed(s, st, k + 3, "case_victims.address", v->address, err);
    if (!rc)
        rc = bind_sealed(s, st, k + 4, "case_victims.condition", v->condition, err);
    return rc;
}

/* A store_row_fn for a row's id (int64_t). */
static void id_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    (void)ar;
    (void)oom;
    *(int64_t *)row = db_column_int64(st, 0);
}

static bool id_in(int64_t id, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* The named victims: the given ids must be the case's, each once (checked before any write). */
static int victims_write(struct store *s, int64_t case_id, const struct store_victim *v, size_t n,
                         json_t *ids_after, json_t *removed, struct error *err)
{
    struct arena ar;
    arena_init(&ar, 1 << 20);
    struct db_stmt *st;
    void *rows = NULL;
    size_t nold = 0;
    int rc = PSTMT(s, PS_VICTIM_IDS, "SELECT id FROM case_victims WHERE case_id = ?1 ORDER BY id",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, case_id);
        rc = store_collect(s, st, &ar, &rows, &nold, sizeof(int64_t), id_read, "read victims",
                           "victims do not fit in memory limit", err);
    }
    const int64_t *old = rows;
    int64_t *given = arena_alloc(&ar, (n ? n : 1) * sizeof(*given));
    size_t ngiven = 0;
    if (!rc && !given)
        rc = error_set(err, WSP_ENOMEM, "victims do not fit in memory limit");
    for (size_t i = 0; !rc && i < n; i++) {
        if (!v[i].id)
            continue;
        if (!id_in(v[i].id, old, nold))
            rc = error_set(err, WSP_EINVAL, "case %" PRId64 " has no victim with id %" PRId64,
                           case_id, v[i].id);
        else if (id_in(v[i].id, given, ngiven))
            rc = error_set(err, WSP_EINVAL, "victim %" PRId64 " is given twice", v[i].id);
        else
            given[ngiven++] = v[i].id;
    }
    /* The victims left out go, and their services with them (ON DELETE CASCADE). */
    for (size_t i = 0; !rc && i < nold; i++) {
        if (id_in(old[i], given, ngiven))
            continue;
        rc = PSTMT(s, PS_VICTIM_DELETE, "DELETE FROM case_victims WHERE id = ?1", &st, err);
        if (!rc) {
            db_bind_int64(st, 1, old[i]);
            rc = plan_step_done(s, st, "delete victim", err);
        }
        if (!rc)
            json_array_append_new(removed, json_integer(old[i]));
    }
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t id = v[i].id;
        if (id) {
            rc = PSTMT(s, PS_VICTIM_UPDATE,
                       "UPDATE case_victims SET name = ?2, sex = ?3, age = ?4, address = ?5,"
                       " condition = ?6 WHERE id = ?1",
                       &st, err);
            if (rc)
                break;
            db_bind_int64(st, 1, id);
            rc = victim_bind(s, st, 2, &v[i], err);
            if (rc)
                stmt_done(st);
            else
                rc = plan_step_done(s, st, "update victim", err);
        } else {
            rc = PSTMT(s, PS_VICTIM_INSERT,
                       "INSERT INTO case_victims (case_id, name, sex, age, address, condition)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                       &st, err);
            if (rc)
                break;
            db_bind_int64(st, 1, case_id);
            rc = victim_bind(s, st, 2, &v[i], err);
            if (rc)
                stmt_done(st);
            else
                rc = plan_step_id(s, st, "add victim", NULL, NULL, &id, err);
        }
        if (!rc)
            json_array_append_new(ids_after, json_integer(id));
    }
    arena_release(&ar);
    return rc;
}

int store_case_victims_set(struct store *s, int64_t case_id, const long counts[STORE_VICTIM_GROUPS],
                           const struct store_victim *v, size_t n, const struct store_actor *actor,
                           struct error *err)
{
    for (size_t i = 0; i < STORE_VICTIM_GROUPS; i++)
        if (counts[i] < 0)
            return error_set(err, WSP_EINVAL, "victim counts must not be negative");
    for (size_t i = 0; i < n; i++)
        if (!v[i].name || !*v[i].name)
            return error_set(err, WSP_EINVAL, "victim %zu has no name", i + 1);
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    rc = case_exists(s, case_id, err);
    struct db_stmt *st;
    if (!rc)
        rc = PSTMT(s, PS_VICTIM_COUNT_CLEAR, "DELETE FROM case_victim_counts WHERE case_id = ?1",
                   &st, err);
    if (!rc) {
        db_bind_int64(st, 1, case_id);
        rc = plan_step_done(s, st, "clear victim counts", err);
    }
    for (size_t i = 0; !rc && i < STORE_VICTIM_GROUPS; i++) {
        rc = PSTMT(s, PS_VICTIM_COUNT_INSERT,
                   "INSERT INTO case_victim_counts (case_id, sex, age_group, count)"
                   " VALUES (?1, ?2, ?3, ?4)",
                   &st, err);
        if (rc)
            break;
        db_bind_int64(st, 1, case_id);
        stmt_bind_text(st, 2, sexes[i / 3]);
        stmt_bind_text(st, 3, ages[i % 3]);
        db_bind_int64(st, 4, counts[i]);
        rc = plan_step_done(s, st, "add victim count", err);
    }
    json_t *ids = json_array(), *removed = json_array();
    if (!rc)
        rc = victims_write(s, case_id, v, n, ids, removed, err);
    if (!rc) {
        json_t *c = json_object();
        for (size_t i = 0; i < STORE_VICTIM_GROUPS; i++) {
            char key[16];
            snprintf(key, sizeof(key), "%s_%s", sexes[i / 3], ages[i % 3]);
            json_object_set_new(c, key, json_integer(counts[i]));
        }
        json_t *after = json_pack("{s:o,s:I,s:O,s:O}", "counts", c, "named", (json_int_t)n, "ids",
                                  ids, "removed", removed);
        rc = plan_audit(s, actor, "case.victims", "case", case_id, NULL, after, err);
    }
    json_decref(ids);
    json_decref(removed);
    return store_tx_end(s, rc, err);
}

/* Read the current row of st into *x (age -1 when unknown), opening the sealed fields. */
static void victim_read(struct store *s, struct arena *ar, struct db_stmt *st,
                        struct store_victim *x, bool *oom)
{
    x->id = db_column_int64(st, 0);
    x->name = store_col_sealed(s, ar, st, 1, "case_victims.name", oom);
    x->sex = plan_col(ar, st, 2, oom);
    x->age = db_column_is_null(st, 3) ? -1 : (int)db_column_int64(st, 3);
    x->address = store_col_sealed(s, ar, st, 4, "case_victims.address", oom);
    x->condition = store_col_sealed(s, ar, st, 5, "case_victims.condition", oom);
}

int store_case_victims_get(struct store *s, int64_t case_id, long counts[STORE_VICTIM_GROUPS],
                           struct arena *arena, struct store_victim **v, size_t *n,
                           struct error *err)
{
    for (size_t i = 0; i < STORE_VICTIM_GROUPS; i++)
        counts[i] = 0;
    struct db_stmt *st;
    int rc =
        PSTMT(s, PS_VICTIM_COUNTS,
              "SELECT sex, age_group, count FROM case_victim_counts WHERE case_id = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, case_id);
    int src;
    while ((src = db_step(st)) == DB_ROW) {
        const char *sx = db_column_text(st, 0);
        const char *ag = db_column_text(st, 1);
        for (size_t i = 0; i < STORE_VICTIM_GROUPS; i++)
            if (str_eq(sx, sexes[i / 3]) && str_eq(ag, ages[i % 3]))
                counts[i] = (long)db_column_int64(st, 2);
    }
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "read victim counts", NULL, NULL);
    if (!v)
        return 0;
    *v = NULL;
    *n = 0;
    rc = PSTMT(s, PS_VICTIMS,
               "SELECT id, name, sex, age, address, condition FROM case_victims"
               " WHERE case_id = ?1 ORDER BY id",
               &st, err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, case_id);
    bool oom = false;
    size_t cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        struct store_victim *grown = store_grow(arena, *v, &cap, *n, sizeof(**v));
        if (!grown) {
            oom = true;
            break;
        }
        *v = grown;
        victim_read(s, arena, st, &(*v)[(*n)++], &oom);
    }
    stmt_done(st);
    if (oom || src != DB_DONE) {
        *v = NULL;
        *n = 0;
        if (oom)
            return error_set(err, WSP_ENOMEM, "victims do not fit in memory limit");
        return store_fail(s, src, err, "read victims", NULL, NULL);
    }
    return 0;
}
