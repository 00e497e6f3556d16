/* Plan and control API, part 5: exports, the files of `waspada export` over HTTP (the same
 * writer, src/plan/export.c, so the CSV is byte for byte the CLI's).
 *
 *   GET /api/v1/compliance/export?year=&type=&region=&date=&format=csv|xlsx
 *   GET /api/v1/rad/export?year=&type=&region=&format=csv|xlsx        one row per plan action
 *   GET /api/v1/progress/export?year=&type=&region=&format=csv|xlsx   one row per report
 *
 * Who may: exactly as the JSON lists (GET /api/v1/compliance, /rad, /progress): officers only,
 * ?region= must be in the caller's reach, and rows never leave the caller's scope (compliance
 * without ?region= is the caller's own region for provinsi and kabkota). year is required, as
 * on the CLI; format defaults to csv. The answer is an attachment named after what it holds
 * ("kepatuhan-2026-pks.xlsx", "rad-2026-32.csv", "laporan-kemajuan-2026-pks-32.73.csv") and
 * never cached. Reads are not audited, as elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "http/plan_http.h"

/* Largest export file kept in memory for the answer. */
#define EXPORT_MAX ((size_t)64 << 20)

/* ?format=: csv (default) or xlsx. */
static int export_format(struct http_request *rq, bool *xlsx)
{
    const char *f = http_query(rq, "format");
    *xlsx = str_eq(f, "xlsx");
    if (!f || !*f || str_eq(f, "csv") || *xlsx)
        return 0;
    return http_reply_error(rq, WSP_EINVAL, "format '%s' is not csv or xlsx", f);
}

/* The query of a plan or report export, checked as the JSON lists check theirs. */
static int list_query(struct http_request *rq, struct plan_export_query *q)
{
    *q = (struct plan_export_query){0};
    if (plan_http_officer(rq) || plan_http_year(rq, true, &q->year) ||
        plan_http_region_filter(rq, &q->region))
        return -1;
    q->scope = plan_http_scope(rq);
    q->plan_type = http_query(rq, "type");
    if (q->plan_type && !*q->plan_type)
        q->plan_type = NULL;
    if (q->plan_type && !plan_type_valid(q->plan_type))
        return http_reply_error(rq, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)",
                                q->plan_type);
    return 0;
}

/* "<stem>-<year>[-<type>][-<region>].<ext>"; the region is the filter, else the caller's
 * scope. Every part is a checked code, so the name needs no quoting. */
static const char *file_name(struct http_request *rq, const char *stem,
                             const struct plan_export_query *q, bool xlsx)
{
    const char *region = q->region ? q->region : plan_http_scope(rq);
    return arena_printf(&rq->arena, "%s-%d%s%s%s%s.%s", stem, q->year, q->plan_type ? "-" : "",
                        q->plan_type ? q->plan_type : "", region && *region ? "-" : "",
                        region ? region : "", xlsx ? "xlsx" : "csv");
}

/* Load the table with fill() and answer with it as a file download. */
static void reply_export(struct http_request *rq, const char *stem,
                         const struct plan_export_query *q, bool xlsx,
                         int (*fill)(struct store *, const struct plan_export_query *,
                                     struct plan_table *, struct error *))
{
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct plan_table t = {0};
    struct buf b;
    buf_init(&b, EXPORT_MAX);
    struct error err = {0};
    int rc = fill(st, q, &t, &err);
    if (!rc)
        rc = xlsx ? plan_table_xlsx_buf(&t, &b, &err) : plan_table_csv(&t, &b, &err);
    plan_table_release(&t);
    if (rc) {
        buf_release(&b);
        http_reply_err(rq, &err);
        return;
    }
    const char *name = file_name(rq, stem, q, xlsx);
    http_reply_raw(rq, MHD_HTTP_OK, xlsx ? PLAN_XLSX_TYPE : PLAN_CSV_TYPE, buf_cstr(&b), b.len);
    buf_release(&b);
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
    http_add_header(rq, "Content-Disposition",
                    arena_printf(&rq->arena, "attachment; filename=\"%s\"", name ? name : ""));
}

void http_handle_compliance_export(struct http_request *rq)
{
    struct plan_export_query q;
    bool xlsx = false;
    if (plan_http_compliance_query(rq, &q) || export_format(rq, &xlsx))
        return;
    reply_export(rq, "kepatuhan", &q, xlsx, plan_export_compliance);
}

void http_handle_rad_export(struct http_request *rq)
{
    struct plan_export_query q;
    bool xlsx = false;
    if (list_query(rq, &q) || export_format(rq, &xlsx))
        return;
    reply_export(rq, "rad", &q, xlsx, plan_export_plans);
}

void http_handle_progress_export(struct http_request *rq)
{
    struct plan_export_query q;
    bool xlsx = false;
    if (list_query(rq, &q) || export_format(rq, &xlsx))
        return;
    reply_export(rq, "laporan-kemajuan", &q, xlsx, plan_export_reports);
}
