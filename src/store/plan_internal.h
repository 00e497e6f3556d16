/*
 * Internals of the plan-and-control part of the store (plan_*.c): statement numbering inside
 * the STMT_PLAN_FIRST..STMT_PLAN_LAST range of the shared cache, and small helpers for
 * inserts and audit rows. Lists and single rows are read with store_collect() and
 * store_get_row() (store_internal.h). Not part of the public interface.
 */
#ifndef WSP_STORE_PLAN_INTERNAL_H
#define WSP_STORE_PLAN_INTERNAL_H

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

enum plan_stmt {
    PS_CAL_LIST,
    PS_CAL_GET,
    PS_CAL_SET,
    PS_REGION_NAME,
    PS_REGIONS_PROV,
    PS_REGIONS_CHILDREN,
    PS_STATUS_TIMDU,
    PS_STATUS_RAD,
    PS_STATUS_ACTIONS,
    PS_STATUS_REPORTS,
    PS_TIMDU_INSERT,
    PS_TIMDU_UPDATE,
    PS_TIMDU_DELETE,
    PS_TIMDU_GET,
    PS_TIMDU_LIST,
    PS_TIMDU_MEMBERS,
    PS_TIMDU_MEMBER_INSERT,
    PS_TIMDU_MEMBER_DELETE,
    PS_FORUM_INSERT,
    PS_FORUM_UPDATE,
    PS_FORUM_DELETE,
    PS_FORUM_GET,
    PS_FORUM_LIST,
    PS_P3AKS_CASES, /* p3aks.c: the rows of the P3AKS figures */
    PS_P3AKS_VICTIMS,
    PS_P3AKS_SERVICES,
    PS_RAD_INSERT,
    PS_RAD_GET,
    PS_RAD_FIND,
    PS_RAD_LIST,
    PS_RAD_TITLE,
    PS_RAD_STATUS,
    PS_RAD_BUMP,
    PS_RAD_VERSION_INSERT,
    PS_RAD_VERSIONS,
    PS_RAD_VERSION_GET,
    PS_ACTIONS_OF,
    PS_ACTION_CASES,
    PS_ACTION_GET,
    PS_ACTION_INSERT,
    PS_ACTION_UPDATE,
    PS_ACTION_DELETE,
    PS_ACTION_DELETE_ALL,
    PS_ACTION_CASE_INSERT,
    PS_ACTION_CASE_CLEAR,
    PS_ACTION_NEXT_SEQ,
    PS_POKJA_LIST,
    PS_POKJA_INSERT,
    PS_POKJA_DELETE,
    PS_OPD_ACTIONS,
    PS_SPACE_INSERT, /* spaces.c: safe public spaces */
    PS_SPACE_GET,
    PS_SPACE_UPDATE,
    PS_SPACE_DELETE,
    PS_SPACE_LIST,
    PS_SPACE_ACTION,
    PS_PROGRESS_INSERT,
    PS_PROGRESS_UPDATE,
    PS_PROGRESS_GET,
    PS_PROGRESS_LIST,
    PS_EVIDENCE_INSERT,
    PS_EVIDENCE_GET,
    PS_EVIDENCE_LIST,
    PS_CASE_INSERT,
    PS_CASE_UPDATE,
    PS_CASE_GET,
    PS_CASE_LIST,
    PS_CASE_REGIONS,
    PS_CASE_REGION_INSERT,
    PS_CASE_REGION_CLEAR,
    PS_CASE_ACTION_INSERT,
    PS_CASE_ACTIONS,
    PS_VICTIM_COUNTS,
    PS_VICTIM_COUNT_INSERT,
    PS_VICTIM_COUNT_CLEAR,
    PS_VICTIMS,
    PS_VICTIM_INSERT,
    PS_VICTIM_DELETE,
    PS_CASE_EXISTS,
    PS_VICTIM_IDS,
    PS_VICTIM_UPDATE,
    PS_VICTIM_CASE,
    PS_SERVICE_INSERT,
    PS_SERVICE_GET,
    PS_SERVICE_LIST,
    PS_SERVICE_UPDATE,
    PS_COUNT
};

_Static_assert(STMT_PLAN_FIRST + PS_COUNT <= STMT_PLAN_LAST + 1, "plan statement range too small");

/* Prepare (once) plan statement k. */
#define PSTMT(s, k, sql, st, err)                                                                  \
    stmt_get((s), (enum store_stmt_id)(STMT_PLAN_FIRST + (k)), (sql), (st), (err))

/* SQL fragment: ?N is a scope/region prefix on whole segments of column col (NULL or ""
 * matches everything). The CAST types the parameter for PostgreSQL, which cannot infer it from
 * "? IS NULL" (an optional filter's usual form here: CAST(?N AS TEXT) IS NULL, and
 * CAST(?N AS BIGINT) = 0 for a number, which would otherwise be a 32-bit integer there). */
#define PLAN_PREFIX(col, n)                                                                        \
    "(CAST(?" #n " AS TEXT) IS NULL OR ?" #n " = '' OR " col " = ?" #n " OR " col " LIKE ?" #n     \
    " || '.%')"

/* Step a statement that returns no rows; stmt_done; map failures. */
int plan_step_done(struct store *s, struct db_stmt *st, const char *what, struct error *err);
/* Step an INSERT ... RETURNING id. exists/fk: messages for uniqueness/foreign-key failures. */
int plan_step_id(struct store *s, struct db_stmt *st, const char *what, const char *exists,
                 const char *fk, int64_t *id, struct error *err);
/* The number of rows the last statement changed, ENOTFOUND with msg when 0. */
int plan_changed(struct store *s, const char *what, int64_t id, struct error *err);
/* Audit row with JSON values (stolen, may be NULL); object id as a number. */
int plan_audit(struct store *s, const struct store_actor *actor, const char *action,
               const char *object_type, int64_t id, json_t *before, json_t *after,
               struct error *err);
/* JSON string or null. */
json_t *plan_jstr(const char *s);
/* Column text into the arena (NULL for SQL NULL); sets *oom. */
const char *plan_col(struct arena *a, struct db_stmt *st, int col, bool *oom);
/* Bind int64 or NULL when 0. */
void plan_bind_id(struct db_stmt *st, int idx, int64_t v);

/* plan_rad.c: record a new version of a RAD (inside the caller's transaction). */
int plan_rad_bump(struct store *s, int64_t rad_id, const char *change, const char *note,
                  const struct store_actor *actor, struct error *err);

#endif
