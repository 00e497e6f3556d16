/* Alert -> response (issue 16, item 1): which approved RAD actions answer an alert, ranked
 * (plan_alert_suggest, pure), loaded for one alert (plan_alert_suggestions_load), and how
 * soon alerts were answered (plan_answer_count, pure). The rules are in plan.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/base.h"
#include "plan/plan.h"
#include "store/store.h"

#define ANSWER_24H ((int64_t)24 * 3600)
#define ANSWER_72H ((int64_t)72 * 3600)
#define SUGGEST_EVENTS_MAX 50

const char *plan_alert_phase(const char *max_level, bool skk)
{
    bool known =
        str_eq(max_level, "waspada") || str_eq(max_level, "siaga") || str_eq(max_level, "awas");
    if (!known)
        return NULL;
    if (skk || str_eq(max_level, "awas"))
        return "penghentian";
    return "pencegahan";
}

/* Event category -> SNPK issue slug (the vocabulary of cases, plan_case_issue_valid). */
static const struct {
    const char *category, *issue;
} issue_of[] = {
    {"land_resource", "sumber_daya"},
    {"inter_group_clash", "identitas"},
    {"riot_protest", "tata_kelola"},
    {"identity_religious_ethnic", "identitas"},
    {"political_election", "pemilihan_jabatan"},
    {"separatist_armed", "separatisme"},
    {"vigilante", "main_hakim_sendiri"},
    {"other_violence", "lainnya"},
};

const char *plan_issue_of_category(const char *category)
{
    for (size_t i = 0; category && i < WSP_ARRAY_LEN(issue_of); i++)
        if (str_eq(category, issue_of[i].category))
            return issue_of[i].issue;
    return "lainnya";
}

bool plan_skk_covers(const char *status_region, const char *start, const char *end,
                     const char *alert_region, const char *first_day, const char *last_day)
{
    int64_t s0, s1, a0, a1;
    if (!status_region || !alert_region || plan_date_parse(start, &s0) != 0 ||
        plan_date_parse(first_day, &a0) != 0 || plan_date_parse(last_day, &a1) != 0)
        return false;
    if (!end || plan_date_parse(end, &s1) != 0)
        s1 = s0 + PLAN_SKK_MAX_DAYS - 1;
    bool region = auth_scope_covers(status_region, alert_region) ||
                  auth_scope_covers(alert_region, status_region);
    return region && s0 <= a1 && a0 <= s1;
}

/* The general focus values (the rest are themes). */
static bool general_focus(const char *f)
{
    return str_eq(f, "potensi_konflik") || str_eq(f, "konflik_faktual");
}

static bool theme_matches(const struct plan_alert_facts *f, const char *focus)
{
    for (size_t i = 0; i < f->ncategories; i++)
        if (str_eq(focus, f->categories[i]) ||
            str_eq(focus, plan_issue_of_category(f->categories[i])))
            return true;
    return false;
}

/* <0 when pick a ranks before b (see plan.h). */
static int pick_cmp(const struct plan_alert_facts *f, const struct plan_alert_candidate *c,
                    const struct plan_alert_pick *a, const struct plan_alert_pick *b)
{
    const struct plan_alert_candidate *x = &c[a->index], *y = &c[b->index];
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    bool xo = str_eq(x->rad_region, f->region), yo = str_eq(y->rad_region, f->region);
    if (xo != yo)
        return xo ? -1 : 1;
    bool xp = str_eq(x->plan_type, "pks"), yp = str_eq(y->plan_type, "pks");
    if (xp != yp)
        return xp ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

int plan_alert_suggest(const struct plan_alert_facts *f, const struct plan_alert_candidate *c,
                       size_t n, struct arena *arena, struct plan_alert_pick **out, size_t *nout,
                       struct error *err)
{
    *out = NULL;
    *nout = 0;
    const char *phase = plan_alert_phase(f->max_level, f->skk);
    if (!phase || n == 0)
        return 0;
    struct plan_alert_pick *p = arena_alloc(arena, n * sizeof(*p));
    if (!p)
        return error_set(err, WSP_ENOMEM, "suggested actions do not fit in memory limit");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!str_eq(c[i].phase, phase))
            continue;
        const char *focus = c[i].focus && *c[i].focus ? c[i].focus : NULL;
        int score = 0;
        const char *fit = "fase";
        if (focus && !general_focus(focus)) {
            if (!theme_matches(f, focus))
                continue; /* another theme: not this alert's */
            score += 4;
            fit = "tema";
        }
        if (c[i].p3aks && f->women_children) {
            score += 2;
            if (!str_eq(fit, "tema"))
                fit = "p3aks";
        }
        if (focus &&
            str_eq(focus, str_eq(phase, "pencegahan") ? "potensi_konflik" : "konflik_faktual")) {
            score += 1;
            if (str_eq(fit, "fase"))
                fit = "fokus";
        }
        p[k++] = (struct plan_alert_pick){i, score, fit};
    }
    /* Insertion sort: a plan holds tens of actions, and the comparison needs the facts. */
    for (size_t i = 1; i < k; i++) {
        struct plan_alert_pick x = p[i];
        size_t j = i;
        for (; j > 0 && pick_cmp(f, c, &x, &p[j - 1]) < 0; j--)
            p[j] = p[j - 1];
        p[j] = x;
    }
    *out = k ? p : NULL;
    *nout = k;
    return 0;
}

void plan_answer_count(const char *region, const struct plan_alert_answer *a, size_t n,
                       struct plan_answer_counts *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (region && *region && !auth_scope_covers(region, a[i].region))
            continue;
        out->alerts++;
        if (!a[i].first_response_at) {
            out->unanswered++;
            continue;
        }
        out->answered++;
        int64_t took = a[i].first_response_at - a[i].start_at;
        if (took <= ANSWER_72H)
            out->answered_72h++;
        if (took <= ANSWER_24H)
            out->answered_24h++;
    }
}

/* ---- loading ------------------------------------------------------------------------------ */

struct loaded_plan {
    struct store_rad rad;
    struct store_rad_action *acts;
    size_t nacts;
    struct store_progress *reps;
    size_t nreps;
    struct plan_calendar cal;
    const char *region_name;
};

static int calendar_of(struct store *s, const char *plan_type, struct plan_calendar *cal,
                       struct error *err)
{
    struct store_calendar sc;
    int rc = store_calendar_get(s, plan_type, &sc, err);
    if (rc)
        return rc;
    memset(cal, 0, sizeof(*cal));
    str_copy(cal->plan_type, sc.plan_type, sizeof(cal->plan_type));
    int pt = plan_period_type_parse(sc.period_type);
    cal->period_type = pt < 0 ? PLAN_PERIOD_B4 : (enum plan_period_type)pt;
    cal->deadline_days = sc.deadline_days;
    cal->grace_days = sc.grace_days;
    return 0;
}

/* The approved plan of region and type for year, else of the year before; *found false when
 * neither is approved. */
static int find_plan(struct store *s, const char *region, const char *type, int year,
                     struct arena *arena, struct loaded_plan *out, bool *found, struct error *err)
{
    *found = false;
    for (int y = year; y >= year - 1; y--) {
        struct error e = {0};
        int rc = store_rad_find(s, region, y, type, arena, &out->rad, &e);
        if (rc == WSP_ENOTFOUND)
            continue;
        if (rc)
            return error_set(err, rc, "%s", e.msg);
        if (!str_eq(out->rad.status, "disetujui"))
            continue;
        *found = true;
        break;
    }
    if (!*found)
        return 0;
    int rc = store_rad_actions(s, out->rad.id, arena, &out->acts, &out->nacts, err);
    struct store_progress_query q = {.rad_id = out->rad.id};
    if (!rc)
        rc = store_progress_list(s, &q, arena, &out->reps, &out->nreps, err);
    if (!rc)
        rc = calendar_of(s, type, &out->cal, err);
    if (!rc && store_region_name(s, region, arena, &out->region_name, NULL) != 0)
        out->region_name = NULL;
    return rc;
}

/* Fill a suggestion's plan, action and progress fields. */
static void describe(const struct loaded_plan *lp, const struct store_rad_action *act,
                     int64_t today, struct arena *arena, struct plan_suggestion *out)
{
    memset(out, 0, sizeof(*out));
    out->action_id = act->id;
    out->rad_id = lp->rad.id;
    out->rad_region = lp->rad.region_code;
    out->rad_region_name = lp->region_name;
    out->plan_type = lp->rad.plan_type;
    out->rad_year = lp->rad.year;
    out->seq = act->seq;
    out->phase = act->phase;
    out->program = act->program;
    out->kegiatan = act->kegiatan;
    out->focus = act->focus;
    out->opd = act->opd;
    out->instansi_terkait = act->instansi_terkait;
    out->p3aks = act->p3aks;
    out->fit = "fase";
    int y, idx;
    plan_period_of(lp->cal.period_type, today, &y, &idx);
    if (lp->rad.year < y)
        idx = plan_period_count(lp->cal.period_type) - 1;
    else if (lp->rad.year > y)
        idx = 0;
    char code[8];
    plan_period_code(lp->cal.period_type, idx, code, sizeof(code));
    out->period = arena_strdup(arena, code);
    int last = -1;
    for (size_t i = 0; i < lp->nreps; i++) {
        const struct store_progress *r = &lp->reps[i];
        if (r->action_id != act->id)
            continue;
        int p = plan_period_parse(lp->cal.period_type, r->period);
        if (p == idx) {
            out->reported = true;
            out->physical_pct = r->physical_pct;
        }
        if (p > last) {
            last = p;
            out->last_period = r->period;
            out->last_physical_pct = r->physical_pct;
        }
    }
}

int plan_alert_suggestions_load(struct store *s, const struct store_alert *a, int64_t today,
                                struct arena *arena, struct plan_alert_view *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    int64_t lastd;
    if (!a->region_code || plan_date_parse(a->last_day, &lastd) != 0)
        return 0;
    int month, mday;
    date_civil_from_days(lastd, &out->year, &month, &mday);
    /* The facts: the events' categories and victims, the declared statuses. */
    const char *cats[SUGGEST_EVENTS_MAX];
    struct plan_alert_facts f = {
        .region = a->region_code, .max_level = a->max_level, .categories = cats};
    json_t *ids = a->event_ids_json ? json_loads(a->event_ids_json, 0, NULL) : NULL;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        struct store_event e;
        if (f.ncategories >= SUGGEST_EVENTS_MAX)
            break;
        if (!json_is_integer(v) ||
            store_event_get(s, json_integer_value(v), arena, &e, NULL, NULL, NULL) != 0)
            continue;
        bool seen = false;
        for (size_t k = 0; k < f.ncategories; k++)
            seen |= str_eq(cats[k], e.category);
        if (!seen && e.category)
            cats[f.ncategories++] = e.category;
        f.women_children |= e.women_children_victims;
    }
    json_decref(ids);
    struct store_declared_status *ds;
    size_t nds;
    int rc = store_declared_statuses(s, arena, &ds, &nds, err);
    if (rc)
        return rc;
    const char *last = a->close_day ? a->close_day : a->last_day;
    for (size_t k = 0; k < nds && !f.skk; k++)
        f.skk = plan_skk_covers(ds[k].region_code, ds[k].start, ds[k].end, a->region_code,
                                a->first_day, last);
    out->skk = f.skk;
    out->phase = plan_alert_phase(a->max_level, f.skk);

    /* The plans: the alert's region and, for a regency, its province. */
    const char *regions[2] = {a->region_code, NULL};
    char province[8];
    const char *dot = strchr(a->region_code, '.');
    if (dot && (size_t)(dot - a->region_code) < sizeof(province)) {
        memcpy(province, a->region_code, (size_t)(dot - a->region_code));
        province[dot - a->region_code] = '\0';
        regions[1] = province;
    }
    if (str_eq(a->region_code, "ID"))
        return 0; /* the nation has no RAD here */
    static const char *const types[] = {"pks", "p3aks"};
    struct loaded_plan plans[4];
    size_t nplans = 0, ncand = 0;
    for (size_t r = 0; r < 2 && regions[r]; r++)
        for (size_t t = 0; t < WSP_ARRAY_LEN(types); t++) {
            bool found;
            if ((rc = find_plan(s, regions[r], types[t], out->year, arena, &plans[nplans], &found,
                                err)) != 0)
                return rc;
            if (found)
                ncand += plans[nplans++].nacts;
        }
    if (ncand == 0)
        return 0;
    struct plan_alert_candidate *c = arena_alloc(arena, ncand * sizeof(*c));
    out->all = arena_alloc(arena, ncand * sizeof(*out->all));
    if (!c || !out->all)
        return error_set(err, WSP_ENOMEM, "suggested actions do not fit in memory limit");
    size_t k = 0;
    for (size_t p = 0; p < nplans; p++)
        for (size_t j = 0; j < plans[p].nacts; j++, k++) {
            const struct store_rad_action *act = &plans[p].acts[j];
            c[k] = (struct plan_alert_candidate){act->id,
                                                 plans[p].rad.region_code,
                                                 plans[p].rad.plan_type,
                                                 act->seq,
                                                 act->phase,
                                                 act->focus,
                                                 act->p3aks};
            describe(&plans[p], act, today, arena, &out->all[k]);
        }
    out->nall = ncand;
    struct plan_alert_pick *picks;
    size_t npicks;
    if ((rc = plan_alert_suggest(&f, c, ncand, arena, &picks, &npicks, err)) != 0)
        return rc;
    if (npicks == 0)
        return 0;
    out->items = arena_alloc(arena, npicks * sizeof(*out->items));
    if (!out->items)
        return error_set(err, WSP_ENOMEM, "suggested actions do not fit in memory limit");
    for (size_t j = 0; j < npicks; j++) {
        out->items[j] = out->all[picks[j].index];
        out->items[j].score = picks[j].score;
        out->items[j].fit = picks[j].fit;
    }
    out->n = npicks;
    return 0;
}
