/*
 * GET /api/v1/public/cases: the handling status of conflict cases for the public portal.
 * No login. Only what a head of region would say in public: counts by status, and for cases
 * whose officers wrote a public summary, the region (regency at most), status, issue and that
 * summary. Never titles, parties, victims, actions or decrees: those may carry names.
 *
 * Served from memory like /public/risk (public_cache.c): rebuilt when this server writes a
 * case (http_public_cases_changed) and at least every PUBLIC_CASES_TTL_MS (cases written by
 * another process).
 */
#include <stdatomic.h>
#include <string.h>

#include <jansson.h>

#include "http/http_internal.h"
#include "store/store.h"

#define PUBLIC_CASES_MAX 200
#define PUBLIC_CASES_TTL_MS 30000

/* The regency (or province) a code belongs to: public outputs are regency level at most. */
static const struct geo_region *public_region(const struct geo_gazetteer *g, const char *code)
{
    const struct geo_region *r = code ? geo_get(g, code) : NULL;
    if (r && r->level > GEO_REGENCY)
        r = geo_ancestor(r, GEO_REGENCY);
    return r;
}

static uint64_t public_cases_version(struct http_server *srv)
{
    return atomic_load(&srv->cases_version);
}

void http_public_cases_changed(struct http_server *srv)
{
    atomic_fetch_add(&srv->cases_version, 1);
}

/* NULL after replying an error. */
static json_t *public_cases_build(struct http_request *rq, uint64_t *version)
{
    /* Read before the cases: a write during the build moves it past what we saw. */
    *version = public_cases_version(rq->srv);
    struct store *st = http_store(rq);
    if (!st)
        return NULL;
    struct store_case_query q = {.scope = NULL, .region = NULL, .status = NULL, .issue = NULL};
    struct store_case *cases = NULL;
    size_t n = 0;
    struct error err = {0};
    if (store_case_list(st, &q, &rq->arena, &cases, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return NULL;
    }
    static const char *const statuses[] = {"potensi", "aktif", "dihentikan", "pemulihan",
                                           "selesai"};
    json_int_t counts[WSP_ARRAY_LEN(statuses)] = {0};
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < WSP_ARRAY_LEN(statuses); k++)
            if (str_eq(cases[i].status, statuses[k]))
                counts[k]++;
        if (!cases[i].public_summary || !*cases[i].public_summary ||
            json_array_size(items) >= PUBLIC_CASES_MAX)
            continue;
        const struct geo_region *r = public_region(rq->srv->geo, cases[i].region_code);
        json_array_append_new(items, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s}", "region_code",
                                               r ? r->code : NULL, "region", r ? r->name : NULL,
                                               "status", cases[i].status, "issue", cases[i].issue,
                                               "public_summary", cases[i].public_summary));
    }
    json_t *by_status = json_object();
    for (size_t k = 0; k < WSP_ARRAY_LEN(statuses); k++)
        json_object_set_new(by_status, statuses[k], json_integer(counts[k]));
    return json_pack("{s:o, s:o, s:I}", "by_status", by_status, "items", items, "total",
                     (json_int_t)n);
}

const struct http_public_doc http_public_cases_doc = {
    .name = "public cases",
    .version = public_cases_version,
    .build = public_cases_build,
    .cache_control = HTTP_PUBLIC_CACHE_CONTROL,
    .ttl_ms = PUBLIC_CASES_TTL_MS,
    .stamp = false,
};

void http_handle_public_cases(struct http_request *rq)
{
    http_public_reply(rq, &rq->srv->public_cases);
}
