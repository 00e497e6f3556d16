/* P3AKS figures (issue 14, item 2): access to and quality of services for women and child
 * victims per region and year. The rules are p3aks's (src/p3aks, "figures"); the view (which
 * regions, which cases) is plan_p3aks_load's, shared with the compliance export.
 *
 *   GET /api/v1/p3aks?region=&year=          officers: admin, pusat, provinsi and kabkota
 *       within their scope (403 outside it; pelapor 403). region defaults to the caller's
 *       scope (the nation for admin and pusat), year to this year (WIB). One row per child
 *       region with exact figures, the region's own cases (a province's) and the total, and
 *       the overdue services (open referrals and waiting needs older than 14 days): their
 *       count for everyone, the list (service, case and victim ids, type, provider, days
 *       open; never a name) only of the cases whose victims the caller may see
 *       (plan_may_see_victims: admin, provinsi and kabkota covering the case; not pusat).
 *   GET /api/v1/public/p3aks?year=&region=   anyone: the same rows with counts only, 1 and 2
 *       shown as "<3", a median or share only where p3aks_public_* allow, no list and no
 *       region below regency (400). Served from memory like /public/cases: one cached answer
 *       per (year, region) asked, up to P3AKS_PUBLIC_SLOTS of them (further ones are built on
 *       every request), rebuilt when this server adds or changes a case
 *       (http_public_cases_changed) or writes a case's victims or a victim's services
 *       (http_p3aks_changed), and at least every P3AKS_PUBLIC_TTL_MS for changes made by
 *       the other servers of a PostgreSQL database.
 *
 * Reads are not audited: nothing personal is read (store_p3aks_rows reads no name).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/plan_http.h"
#include "p3aks/p3aks.h"

#define P3AKS_PUBLIC_SLOTS 64
#define P3AKS_PUBLIC_TTL_MS 30000

/* ---- the query ------------------------------------------------------------------------------ */

/* This year in WIB, and today. */
static int this_year(int64_t *today)
{
    *today = plan_day_of_time(time_now());
    int y, m, d;
    date_civil_from_days(*today, &y, &m, &d);
    return y;
}

/* ?year= (default this year) and ?region= (a known code at regency level at most; default
 * dflt). 0, or replied 400. */
static int figures_query(struct http_request *rq, const char *dflt, int *year, const char **region,
                         int64_t *today)
{
    int dy = this_year(today);
    if (plan_http_year(rq, false, year))
        return -1;
    if (!*year)
        *year = dy;
    const char *r = http_query(rq, "region");
    if (!r || !*r)
        r = dflt ? dflt : "";
    if (*r && (!geo_code_valid(r) || !geo_get(rq->srv->geo, r)))
        return http_reply_error(rq, WSP_EINVAL, "unknown region '%s'", r);
    if (!p3aks_public_region_ok(r))
        return http_reply_error(rq, WSP_EINVAL,
                                "region '%s' is below regency level: P3AKS figures go down to "
                                "regencies/cities",
                                r);
    *region = r;
    return 0;
}

static int load_view(struct http_request *rq, const char *region, int year, int64_t today,
                     struct plan_p3aks_view *v)
{
    struct store *st = http_store(rq);
    if (!st)
        return -1;
    struct error err = {0};
    if (plan_p3aks_load(st, region, year, today, &rq->arena, v, &err) != 0)
        return http_reply_err(rq, &err);
    return 0;
}

/* ---- officers ------------------------------------------------------------------------------- */

static json_t *share_json(const struct p3aks_figures *f)
{
    double s = p3aks_share_served(f);
    return s < 0 ? json_null() : json_real(round(s * 10) / 10);
}

static json_t *figures_json(const struct p3aks_figures *f)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:o,s:I,s:I}",
                     "women_children_victims", (json_int_t)f->counted, "women",
                     (json_int_t)f->counted_women, "girls", (json_int_t)f->counted_girls, "boys",
                     (json_int_t)f->counted_boys, "named_victims", (json_int_t)f->named,
                     "with_need", (json_int_t)f->with_need, "all_needs_served",
                     (json_int_t)f->all_served, "share_served", share_json(f), "services_received",
                     (json_int_t)f->received, "received_victims", (json_int_t)f->received_victims,
                     "median_days_to_receipt",
                     f->received ? json_real(f->median_days) : json_null(), "open_referrals",
                     (json_int_t)f->open_referrals, "waiting_needs", (json_int_t)f->waiting_needs);
}

/* A row: the region and its figures. */
static json_t *row_json(const char *code, const char *name, json_t *figures)
{
    json_t *o = json_pack("{s:s,s:s}", "region_code", code, "region", name ? name : "");
    json_object_update(o, figures);
    json_decref(figures);
    return o;
}

static json_t *overdue_json(const struct p3aks_overdue *x)
{
    return json_pack("{s:I,s:I,s:I,s:s,s:s?,s:s,s:s,s:I}", "service_id", (json_int_t)x->service_id,
                     "case_id", (json_int_t)x->case_id, "victim_id", (json_int_t)x->victim_id,
                     "type", x->type, "provider", x->provider && *x->provider ? x->provider : NULL,
                     "status", x->status, "region_code", x->region, "days_open",
                     (json_int_t)x->days_open);
}

void http_handle_p3aks(struct http_request *rq)
{
    int year;
    const char *region;
    int64_t today;
    struct plan_p3aks_view v;
    if (plan_http_officer(rq) || figures_query(rq, plan_http_scope(rq), &year, &region, &today))
        return;
    if (*region && plan_http_may_read(rq, region))
        return;
    if (!*region && !auth_role_national(rq->role)) /* never: their scope is a region */
        return (void)http_reply_error(rq, WSP_EPERM, "the nation is outside your scope");
    if (load_view(rq, region, year, today, &v))
        return;
    json_t *rows = json_array();
    for (size_t i = 0; i < v.n; i++)
        json_array_append_new(rows, row_json(v.codes[i], v.names[i], figures_json(&v.rows[i])));
    bool own = v.own.counted || v.own.named;
    /* The list: only services of cases whose victims the caller may see. */
    bool lists = false;
    json_t *referrals = json_array(), *waiting = json_array();
    for (size_t i = 0; i < v.noverdue; i++) {
        const struct p3aks_overdue *x = &v.overdue[i];
        if (!plan_may_see_victims(rq->role, plan_http_scope(rq), x->region))
            continue;
        lists = true;
        json_array_append_new(str_eq(x->status, "dirujuk") ? referrals : waiting, overdue_json(x));
    }
    lists = lists || plan_may_see_victims(rq->role, plan_http_scope(rq), region);
    char day[11];
    date_format(today, day, sizeof(day));
    json_t *o = json_pack(
        "{s:i,s:s,s:s,s:s,s:i,s:o,s:o,s:o,s:{s:I},s:{s:I},s:b}", "year", year, "reference_day", day,
        "region_code", region, "region", v.region_name, "overdue_days", P3AKS_OVERDUE_DAYS, "rows",
        rows, "own", own ? row_json(region, v.region_name, figures_json(&v.own)) : json_null(),
        "total", row_json(region, v.region_name, figures_json(&v.total)), "open_referrals", "count",
        (json_int_t)v.total.open_referrals, "waiting_needs", "count",
        (json_int_t)v.total.waiting_needs, "list_visible", lists);
    if (lists) {
        json_object_set_new(json_object_get(o, "open_referrals"), "items", referrals);
        json_object_set_new(json_object_get(o, "waiting_needs"), "items", waiting);
    } else {
        json_decref(referrals);
        json_decref(waiting);
    }
    http_reply_json(rq, MHD_HTTP_OK, o);
}

/* ---- the public ----------------------------------------------------------------------------- */

/* A count: the number, or "<3". */
static json_t *public_count(long n)
{
    const char *label = p3aks_public_count_label(n);
    return label ? json_string(label) : json_integer(n);
}

static json_t *public_figures_json(const struct p3aks_figures *f)
{
    return json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "women_children_victims",
        public_count(f->counted), "women", public_count(f->counted_women), "girls",
        public_count(f->counted_girls), "boys", public_count(f->counted_boys), "named_victims",
        public_count(f->named), "with_need", public_count(f->with_need), "all_needs_served",
        public_count(f->all_served), "share_served",
        p3aks_public_share_ok(f) ? share_json(f) : json_null(), "median_days_to_receipt",
        p3aks_public_median_ok(f) ? json_real(f->median_days) : json_null(), "open_referrals",
        public_count(f->open_referrals), "waiting_needs", public_count(f->waiting_needs));
}

/* The public document of the request's (year, region); NULL after replying. */
static json_t *public_build(struct http_request *rq, uint64_t *version)
{
    *version = atomic_load(&rq->srv->cases_version) + atomic_load(&rq->srv->p3aks_version);
    int year;
    const char *region;
    int64_t today;
    struct plan_p3aks_view v;
    if (figures_query(rq, "", &year, &region, &today) || load_view(rq, region, year, today, &v))
        return NULL;
    json_t *rows = json_array();
    for (size_t i = 0; i < v.n; i++)
        json_array_append_new(rows,
                              row_json(v.codes[i], v.names[i], public_figures_json(&v.rows[i])));
    bool own = v.own.counted || v.own.named;
    char day[11];
    date_format(today, day, sizeof(day));
    return json_pack(
        "{s:i,s:s,s:s,s:s,s:i,s:o,s:o,s:o}", "year", year, "reference_day", day, "region_code",
        region, "region", v.region_name, "overdue_days", P3AKS_OVERDUE_DAYS, "rows", rows, "own",
        own ? row_json(region, v.region_name, public_figures_json(&v.own)) : json_null(), "total",
        row_json(region, v.region_name, public_figures_json(&v.total)));
}

static uint64_t public_version(struct http_server *srv)
{
    return atomic_load(&srv->cases_version) + atomic_load(&srv->p3aks_version);
}

static const struct http_public_doc public_doc = {
    .name = "public p3aks figures",
    .version = public_version,
    .build = public_build,
    .cache_control = HTTP_PUBLIC_CACHE_CONTROL,
    .ttl_ms = P3AKS_PUBLIC_TTL_MS,
    .stamp = false,
};

/* The cached answers: a slot per (year, region) asked, kept until the server stops (a slot
 * is never reused, so a request may hold its cache without a lock). */
struct http_p3aks_public {
    pthread_mutex_t mu;
    size_t n;
    struct {
        int year;
        char region[16];
        struct http_public_cache cache;
    } slot[P3AKS_PUBLIC_SLOTS];
};

struct http_p3aks_public *http_p3aks_public_new(void)
{
    struct http_p3aks_public *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

void http_p3aks_public_free(struct http_p3aks_public *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        http_public_cache_release(&p->slot[i].cache);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void http_p3aks_changed(struct http_server *srv)
{
    atomic_fetch_add(&srv->p3aks_version, 1);
}

/* The slot of (year, region), added when missing; NULL when every slot is taken. */
static struct http_public_cache *public_slot(struct http_p3aks_public *p, int year,
                                             const char *region)
{
    struct http_public_cache *c = NULL;
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < p->n && !c; i++)
        if (p->slot[i].year == year && str_eq(p->slot[i].region, region))
            c = &p->slot[i].cache;
    if (!c && p->n < P3AKS_PUBLIC_SLOTS && strlen(region) < sizeof(p->slot[0].region)) {
        p->slot[p->n].year = year;
        str_copy(p->slot[p->n].region, region, sizeof(p->slot[0].region));
        c = &p->slot[p->n].cache;
        http_public_cache_init(c, &public_doc);
        p->n++;
    }
    pthread_mutex_unlock(&p->mu);
    return c;
}

void http_handle_public_p3aks(struct http_request *rq)
{
    int year;
    const char *region;
    int64_t today;
    if (figures_query(rq, "", &year, &region, &today))
        return;
    struct http_public_cache *c = public_slot(rq->srv->p3aks_public, year, region);
    if (c) {
        http_public_reply(rq, c);
        return;
    }
    uint64_t version;
    json_t *doc = public_build(rq, &version);
    if (!doc)
        return;
    http_reply_json(rq, MHD_HTTP_OK, doc);
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, HTTP_PUBLIC_CACHE_CONTROL);
}
