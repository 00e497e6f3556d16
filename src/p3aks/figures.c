/* p3aks figures: access to and quality of the services for women and child victims per region
 * and period, and the rule of what the public may see of them. The definitions are in
 * p3aks.h ("figures") and docs/p3aks.md. Pure: rows in, numbers out. */
#include <stdlib.h>
#include <string.h>

#include "p3aks/p3aks.h"

/* ---- small rules ------------------------------------------------------------------------- */

/* "YYYY-MM-DD" -> days; false for NULL or anything that is not a real day. */
static bool day_of(const char *s, int64_t *out)
{
    if (!s || !date_iso_valid(s))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    *out = date_days_from_civil(y, m, d);
    return true;
}

/* Whether scope covers code on whole segments ("32" covers "32" and "32.73", not "320"). */
static bool covers(const char *scope, const char *code)
{
    size_t n = strlen(scope);
    return code && strncmp(scope, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

static bool served(const char *status)
{
    return str_eq(status, "diterima") || str_eq(status, "selesai");
}

/* How long service s is open at ref_day when it is overdue (dirujuk or dibutuhkan for more
 * than P3AKS_OVERDUE_DAYS days), else -1. */
static long overdue_days(const struct p3aks_fig_service *s, int64_t ref_day)
{
    int64_t since;
    if (str_eq(s->status, "dirujuk")) {
        if (!day_of(s->referred_on, &since) && !day_of(s->needed_on, &since))
            return -1;
    } else if (str_eq(s->status, "dibutuhkan")) {
        if (!day_of(s->needed_on, &since))
            return -1;
    } else {
        return -1;
    }
    int64_t open = ref_day - since;
    return open > P3AKS_OVERDUE_DAYS ? (long)open : -1;
}

double p3aks_share_served(const struct p3aks_figures *f)
{
    if (f->with_need <= 0)
        return -1;
    return 100.0 * (double)f->all_served / (double)f->with_need;
}

const char *p3aks_public_count_label(long n)
{
    return n > 0 && n < P3AKS_PUBLIC_MIN ? "<3" : NULL;
}

bool p3aks_public_median_ok(const struct p3aks_figures *f)
{
    return f->received > 0 && f->received_victims >= P3AKS_PUBLIC_MIN;
}

bool p3aks_public_share_ok(const struct p3aks_figures *f)
{
    return f->with_need >= P3AKS_PUBLIC_MIN && !p3aks_public_count_label(f->all_served);
}

bool p3aks_public_region_ok(const char *code)
{
    if (!code)
        return false;
    if (!*code)
        return true;
    const char *dot = strchr(code, '.');
    return !dot || !strchr(dot + 1, '.');
}

/* ---- lookups by id ------------------------------------------------------------------------- */

struct id_index {
    int64_t id;
    size_t at; /* position in the caller's array */
};

static int id_cmp(const void *a, const void *b)
{
    const struct id_index *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Position of id in a sorted index, or -1. */
static long id_find(const struct id_index *ix, size_t n, int64_t id)
{
    struct id_index key = {id, 0};
    const struct id_index *hit = n ? bsearch(&key, ix, n, sizeof(*ix), id_cmp) : NULL;
    return hit ? (long)hit->at : -1;
}

/* Where each named woman or child victim stands: its case and group, and what its needs
 * came to. */
struct victim_state {
    long case_at; /* -1: not a woman or child, or of no listed case */
    long needs, served;
    bool received;
};

/* The shared pass of both entry points: indexes, each victim's case and each counted
 * service's victim. *vs[i] for victims[i]; svc_victim[k] the position of services[k]'s victim
 * (-1 when the service does not count). */
struct pass {
    struct id_index *cases, *victims;
    struct victim_state *vs;
    long *svc_victim;
};

static int pass_build(const struct p3aks_fig_rows *rows, struct arena *a, struct pass *p,
                      struct error *err)
{
    p->cases = arena_alloc(a, (rows->ncases + 1) * sizeof(*p->cases));
    p->victims = arena_alloc(a, (rows->nvictims + 1) * sizeof(*p->victims));
    p->vs = arena_alloc(a, (rows->nvictims + 1) * sizeof(*p->vs));
    p->svc_victim = arena_alloc(a, (rows->nservices + 1) * sizeof(*p->svc_victim));
    if (!p->cases || !p->victims || !p->vs || !p->svc_victim)
        return error_set(err, WSP_ENOMEM, "p3aks figures of %zu services do not fit in memory",
                         rows->nservices);
    for (size_t i = 0; i < rows->ncases; i++)
        p->cases[i] = (struct id_index){rows->cases[i].id, i};
    qsort(p->cases, rows->ncases, sizeof(*p->cases), id_cmp);
    for (size_t i = 0; i < rows->nvictims; i++) {
        const struct p3aks_fig_victim *v = &rows->victims[i];
        p->victims[i] = (struct id_index){v->id, i};
        p->vs[i].case_at = p3aks_victim_is_woman_or_child(v->sex, v->age)
                               ? id_find(p->cases, rows->ncases, v->case_id)
                               : -1;
    }
    qsort(p->victims, rows->nvictims, sizeof(*p->victims), id_cmp);
    for (size_t k = 0; k < rows->nservices; k++) {
        long at = id_find(p->victims, rows->nvictims, rows->services[k].victim_id);
        p->svc_victim[k] = at >= 0 && p->vs[at].case_at >= 0 ? at : -1;
    }
    return 0;
}

/* ---- the figures ---------------------------------------------------------------------------- */

struct sample {
    long group; /* ngroups = rest */
    int64_t days;
};

static int sample_cmp(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->days < y->days ? -1 : x->days > y->days;
}

static int days_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_of(const int64_t *d, size_t n)
{
    if (n == 0)
        return 0;
    size_t mid = n / 2;
    if (n % 2)
        return (double)d[mid];
    return ((double)d[mid - 1] + (double)d[mid]) / 2.0;
}

int p3aks_figures_compute(const struct p3aks_fig_rows *rows, const char *const *groups,
                          size_t ngroups, int64_t ref_day, struct arena *a,
                          struct p3aks_figures *per, struct p3aks_figures *rest,
                          struct p3aks_figures *total, struct error *err)
{
    struct p3aks_figures spare;
    if (!rest)
        rest = &spare;
    if (ngroups)
        memset(per, 0, ngroups * sizeof(*per));
    memset(rest, 0, sizeof(*rest));
    memset(total, 0, sizeof(*total));
    struct pass p;
    int rc = pass_build(rows, a, &p, err);
    if (rc)
        return rc;
    long *case_group = arena_alloc(a, (rows->ncases + 1) * sizeof(*case_group));
    struct sample *samples = arena_alloc(a, (rows->nservices + 1) * sizeof(*samples));
    int64_t *all_days = arena_alloc(a, (rows->nservices + 1) * sizeof(*all_days));
    if (!case_group || !samples || !all_days)
        return error_set(err, WSP_ENOMEM, "p3aks figures of %zu services do not fit in memory",
                         rows->nservices);
#define FIG(g) ((g) < (long)ngroups ? &per[(g)] : rest)

    /* Cases: their group and the counts tables. */
    for (size_t i = 0; i < rows->ncases; i++) {
        const struct p3aks_fig_case *c = &rows->cases[i];
        long g = (long)ngroups;
        for (size_t k = 0; k < ngroups; k++)
            if (covers(groups[k], c->region)) {
                g = (long)k;
                break;
            }
        case_group[i] = g;
        long boys = c->counts[0], girls = c->counts[3], women = c->counts[4] + c->counts[5];
        struct p3aks_figures *dst[2] = {FIG(g), total};
        for (int k = 0; k < 2; k++) {
            dst[k]->counted_boys += boys;
            dst[k]->counted_girls += girls;
            dst[k]->counted_women += women;
            dst[k]->counted += boys + girls + women;
        }
    }

    /* Services: needs, served, overdue, days to receipt. */
    size_t nsamples = 0;
    for (size_t k = 0; k < rows->nservices; k++) {
        long v = p.svc_victim[k];
        if (v < 0)
            continue;
        const struct p3aks_fig_service *s = &rows->services[k];
        struct victim_state *st = &p.vs[v];
        long g = case_group[st->case_at];
        st->needs++;
        if (served(s->status))
            st->served++;
        if (overdue_days(s, ref_day) >= 0) {
            bool referral = str_eq(s->status, "dirujuk");
            FIG(g)->open_referrals += referral;
            FIG(g)->waiting_needs += !referral;
            total->open_referrals += referral;
            total->waiting_needs += !referral;
        }
        int64_t need, got;
        if (day_of(s->needed_on, &need) && day_of(s->received_on, &got) && got >= need) {
            samples[nsamples] = (struct sample){g, got - need};
            all_days[nsamples++] = got - need;
            st->received = true;
        }
    }

    /* Victims. */
    for (size_t i = 0; i < rows->nvictims; i++) {
        const struct victim_state *st = &p.vs[i];
        if (st->case_at < 0)
            continue;
        struct p3aks_figures *dst[2] = {FIG(case_group[st->case_at]), total};
        for (int k = 0; k < 2; k++) {
            dst[k]->named++;
            dst[k]->with_need += st->needs > 0;
            dst[k]->all_served += st->needs > 0 && st->served == st->needs;
            dst[k]->received_victims += st->received;
        }
    }

    /* Medians: per group from the samples sorted by group, then in total. */
    qsort(samples, nsamples, sizeof(*samples), sample_cmp);
    for (size_t i = 0; i < nsamples;) {
        size_t j = i;
        while (j < nsamples && samples[j].group == samples[i].group)
            j++;
        for (size_t k = i; k < j; k++)
            all_days[k] = samples[k].days; /* reused: sorted within the group */
        struct p3aks_figures *f = FIG(samples[i].group);
        f->received = (long)(j - i);
        f->median_days = median_of(&all_days[i], j - i);
        i = j;
    }
    for (size_t k = 0; k < nsamples; k++)
        all_days[k] = samples[k].days;
    qsort(all_days, nsamples, sizeof(*all_days), days_cmp);
    total->received = (long)nsamples;
    total->median_days = median_of(all_days, nsamples);
#undef FIG
    return 0;
}

/* ---- the overdue list ------------------------------------------------------------------------ */

static int overdue_cmp(const void *a, const void *b)
{
    const struct p3aks_overdue *x = a, *y = b;
    if (x->days_open != y->days_open)
        return x->days_open > y->days_open ? -1 : 1;
    return x->service_id < y->service_id ? -1 : x->service_id > y->service_id;
}

int p3aks_overdue_list(const struct p3aks_fig_rows *rows, int64_t ref_day, struct arena *a,
                       struct p3aks_overdue **out, size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct pass p;
    int rc = pass_build(rows, a, &p, err);
    if (rc)
        return rc;
    size_t cnt = 0;
    for (size_t k = 0; k < rows->nservices; k++)
        cnt += p.svc_victim[k] >= 0 && overdue_days(&rows->services[k], ref_day) >= 0;
    if (cnt == 0)
        return 0;
    struct p3aks_overdue *list = arena_alloc(a, cnt * sizeof(*list));
    if (!list)
        return error_set(err, WSP_ENOMEM, "%zu overdue services do not fit in memory", cnt);
    size_t m = 0;
    for (size_t k = 0; k < rows->nservices; k++) {
        long v = p.svc_victim[k];
        const struct p3aks_fig_service *s = &rows->services[k];
        long days = v >= 0 ? overdue_days(s, ref_day) : -1;
        if (days < 0)
            continue;
        const struct p3aks_fig_victim *vic = &rows->victims[v];
        const struct p3aks_fig_case *c = &rows->cases[p.vs[v].case_at];
        list[m++] = (struct p3aks_overdue){.service_id = s->id,
                                           .case_id = c->id,
                                           .victim_id = vic->id,
                                           .type = s->type,
                                           .provider = s->provider,
                                           .status = s->status,
                                           .region = c->region,
                                           .days_open = days};
    }
    qsort(list, m, sizeof(*list), overdue_cmp);
    *out = list;
    *n = m;
    return 0;
}
