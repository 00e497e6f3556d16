/*
 * Shared helpers of the plan-and-control handlers (handlers_plan*.c). Not a public interface.
 *
 * Who may do what (src/plan/plan.h has the rules): pelapor and anonymous users get 403 on
 * every plan endpoint; admin and pusat read everything; provinsi reads its province and its
 * regencies/cities, kabkota its own regency/city; writes to plans, Timdu and forums are for the
 * region's own officers (provinsi of the province itself, kabkota of its regency) and admin;
 * pusat reviews plans (return, approve) and sets the reporting calendar. Objects outside the
 * caller's reach answer 403. Every helper that returns < 0 has already replied.
 */
#ifndef WSP_HTTP_PLAN_HTTP_H
#define WSP_HTTP_PLAN_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http_internal.h"
#include "plan/plan.h"

/* 0 when the caller may use plan endpoints at all (admin, pusat, provinsi, kabkota). */
int plan_http_officer(struct http_request *rq);
/* The caller's scope ("" for national roles). */
const char *plan_http_scope(const struct http_request *rq);
/* Path parameter idx as a positive id. */
int plan_http_id(struct http_request *rq, size_t idx, const char *what, int64_t *out);
/* 403 unless the caller may read / edit data of region. */
int plan_http_may_read(struct http_request *rq, const char *region);
int plan_http_may_edit(struct http_request *rq, const char *region);
/* A region filter from the query (?region=): must be a known code the caller may read. NULL
 * when absent. */
int plan_http_region_filter(struct http_request *rq, const char **out);
/* ?year= as a year (0 when absent and not required). */
int plan_http_year(struct http_request *rq, bool required, int *out);
/* The query of a compliance request (JSON, report or export): ?year= (required), ?type=
 * (default pks), ?region= (in reach; default: the caller's own region for provinsi and
 * kabkota, every province for national roles) and ?date=. Strings are borrowed from rq. */
int plan_http_compliance_query(struct http_request *rq, struct plan_export_query *q);

/* Body fields. present (may be NULL) tells whether the key was there. */
int plan_json_str(struct http_request *rq, json_t *body, const char *key, bool required,
                  size_t maxlen, const char **out);
int plan_json_int(struct http_request *rq, json_t *body, const char *key, bool required,
                  long long min, long long max, long long *out, bool *present);
int plan_json_num(struct http_request *rq, json_t *body, const char *key, bool required, double min,
                  double max, double *out, bool *present);
int plan_json_bool(struct http_request *rq, json_t *body, const char *key, bool *out,
                   bool *present);
/* A "YYYY-MM-DD" field (NULL allowed unless required). */
int plan_json_date(struct http_request *rq, json_t *body, const char *key, bool required,
                   const char **out);
/* Region code field that must be a known region. */
int plan_json_region(struct http_request *rq, json_t *body, const char *key, const char **out);

/* Store and audit helpers. */
void plan_http_actor(struct http_request *rq, struct store_actor *actor);
json_t *plan_jstr_or_null(const char *s);

#endif
