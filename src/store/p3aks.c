/* The rows behind the P3AKS figures (issue 14, item 2): the cases of a region and year with
 * their counts tables, their named victims and those victims' services, for
 * p3aks_figures_compute. Only what the figures need is read: ids, region, counts, sex, age,
 * type, provider, status and days. Never a victim's name, address or condition, nor a
 * service's note or refusal reason (sealed personal text). */
#include <string.h>

#include <jansson.h> /* before base.h (banned.h), for plan_internal.h */

#include "base/base.h"
#include "p3aks/p3aks.h"
#include "store/plan_internal.h"
#include "store/store.h"
#include "store/store_internal.h"

/* The cases of the year (created_at in it, WIB) whose primary region is ?3 or lies under it
 * (?4 <= code < ?5, store_prefix_bounds); ?3 NULL = every region. */
#define P3AKS_CASES_WHERE                                                                          \
    " WHERE c.created_at >= ?1 AND c.created_at < ?2"                                              \
    " AND (CAST(?3 AS TEXT) IS NULL OR c.region_code = ?3"                                         \
    "  OR (c.region_code >= ?4 AND c.region_code < ?5))"

/* The counts table of a case in P3AKS_COUNT_GROUPS order (0 without a row). */
#define COUNT_COLS                                                                                 \
    " SUM(CASE WHEN k.sex = 'l' AND k.age_group = 'anak' THEN k.count ELSE 0 END),"                \
    " SUM(CASE WHEN k.sex = 'l' AND k.age_group = 'dewasa' THEN k.count ELSE 0 END),"              \
    " SUM(CASE WHEN k.sex = 'l' AND k.age_group = 'lansia' THEN k.count ELSE 0 END),"              \
    " SUM(CASE WHEN k.sex = 'p' AND k.age_group = 'anak' THEN k.count ELSE 0 END),"                \
    " SUM(CASE WHEN k.sex = 'p' AND k.age_group = 'dewasa' THEN k.count ELSE 0 END),"              \
    " SUM(CASE WHEN k.sex = 'p' AND k.age_group = 'lansia' THEN k.count ELSE 0 END)"

static void case_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct p3aks_fig_case *c = row;
    c->id = db_column_int64(st, 0);
    c->region = plan_col(ar, st, 1, oom);
    for (int i = 0; i < P3AKS_COUNT_GROUPS; i++)
        c->counts[i] = (long)db_column_int64(st, 2 + i);
}

static void victim_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct p3aks_fig_victim *v = row;
    v->id = db_column_int64(st, 0);
    v->case_id = db_column_int64(st, 1);
    v->sex = plan_col(ar, st, 2, oom);
    v->age = db_column_is_null(st, 3) ? -1 : (int)db_column_int64(st, 3);
}

static void service_read(struct arena *ar, struct db_stmt *st, void *row, bool *oom)
{
    struct p3aks_fig_service *x = row;
    x->id = db_column_int64(st, 0);
    x->victim_id = db_column_int64(st, 1);
    x->type = plan_col(ar, st, 2, oom);
    x->provider = plan_col(ar, st, 3, oom);
    x->status = plan_col(ar, st, 4, oom);
    x->needed_on = plan_col(ar, st, 5, oom);
    x->referred_on = plan_col(ar, st, 6, oom);
    x->received_on = plan_col(ar, st, 7, oom);
}

/* Bind the year and region of P3AKS_CASES_WHERE. */
static void bind_where(struct db_stmt *st, int64_t from, int64_t to, const char *region,
                       const char *lo, const char *hi)
{
    db_bind_int64(st, 1, from);
    db_bind_int64(st, 2, to);
    if (region) {
        stmt_bind_text(st, 3, region);
        stmt_bind_text(st, 4, lo);
        stmt_bind_text(st, 5, hi);
    }
}

int store_p3aks_rows(struct store *s, const char *region, int year, struct arena *arena,
                     struct p3aks_fig_rows *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (region && !*region)
        region = NULL;
    if (region && strlen(region) > 30)
        return error_set(err, WSP_EINVAL, "bad region code");
    if (year < 1900 || year > 9999)
        return error_set(err, WSP_EINVAL, "year %d is out of range", year);
    char lo[40] = "", hi[40] = "";
    if (region)
        store_prefix_bounds(region, lo, hi);
    /* The year in WIB (UTC+7), the national office time plan_day_of_time uses. */
    const int64_t wib = (int64_t)7 * 3600;
    int64_t from = date_days_from_civil(year, 1, 1) * 86400 - wib;
    int64_t to = date_days_from_civil(year + 1, 1, 1) * 86400 - wib;

    struct db_stmt *st;
    int rc =
        PSTMT(s, PS_P3AKS_CASES,
              "SELECT c.id, c.region_code," COUNT_COLS
              " FROM cases c LEFT JOIN case_victim_counts k ON k.case_id = c.id" P3AKS_CASES_WHERE
              " GROUP BY c.id, c.region_code ORDER BY c.id",
              &st, err);
    if (rc)
        return rc;
    bind_where(st, from, to, region, lo, hi);
    void *rows;
    rc = store_collect(s, st, arena, &rows, &out->ncases, sizeof(*out->cases), case_read,
                       "read p3aks cases", "p3aks cases do not fit in memory limit", err);
    out->cases = rows;
    if (rc)
        return rc;

    rc = PSTMT(s, PS_P3AKS_VICTIMS,
               "SELECT v.id, v.case_id, v.sex, v.age FROM case_victims v"
               " JOIN cases c ON c.id = v.case_id" P3AKS_CASES_WHERE " ORDER BY v.id",
               &st, err);
    if (rc)
        return rc;
    bind_where(st, from, to, region, lo, hi);
    rc = store_collect(s, st, arena, &rows, &out->nvictims, sizeof(*out->victims), victim_read,
                       "read p3aks victims", "p3aks victims do not fit in memory limit", err);
    out->victims = rows;
    if (rc)
        return rc;

    rc = PSTMT(s, PS_P3AKS_SERVICES,
               "SELECT x.id, x.victim_id, x.type, x.provider, x.status, x.needed_on,"
               " x.referred_on, x.received_on FROM victim_services x"
               " JOIN case_victims v ON v.id = x.victim_id"
               " JOIN cases c ON c.id = v.case_id" P3AKS_CASES_WHERE " ORDER BY x.id",
               &st, err);
    if (rc)
        return rc;
    bind_where(st, from, to, region, lo, hi);
    rc = store_collect(s, st, arena, &rows, &out->nservices, sizeof(*out->services), service_read,
                       "read p3aks services", "p3aks services do not fit in memory limit", err);
    out->services = rows;
    return rc;
}
