/* Compliance: DHIS2-style completeness (expected, submitted, on-time reports), Timdu and RAD
 * status per region, the score and the ranking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "plan/plan.h"
#include "store/store.h"

int plan_score_rad_tenths(const char *rad_status)
{
    if (str_eq(rad_status, "disetujui"))
        return 300;
    if (str_eq(rad_status, "diajukan") || str_eq(rad_status, "dikembalikan"))
        return 150;
    if (str_eq(rad_status, "draft"))
        return 75;
    return 0;
}

/* round(num * scale / den) for non-negative values, halves up, in integers. */
static long ratio_round(long num, long den, long scale)
{
    if (den <= 0)
        return 0;
    return (2 * num * scale + den) / (2 * den);
}

/* Percent with one decimal, computed in integers so tests can expect exact values. */
static double pct1(long num, long den)
{
    return (double)ratio_round(num, den, 1000) / 10.0;
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct plan_comp_row *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    if (a->reporting_rate != b->reporting_rate)
        return a->reporting_rate < b->reporting_rate ? 1 : -1;
    return strcmp(a->code, b->code);
}

int plan_compliance_compute(const struct plan_calendar *cal, int year, int64_t ref_day,
                            const struct plan_comp_region *regions, size_t nregions,
                            const struct plan_comp_action *actions, size_t nactions,
                            const struct plan_comp_report *reports, size_t nreports,
                            struct arena *arena, struct plan_comp_row **out, struct error *err)
{
    *out = NULL;
    struct plan_comp_row *rows = arena_alloc(arena, (nregions ? nregions : 1) * sizeof(*rows));
    if (!rows)
        return error_set(err, WSP_ENOMEM, "compliance does not fit in memory limit");
    int np = plan_period_count(cal->period_type);
    int64_t first[12], last[12], due[12];
    for (int p = 0; p < np; p++) {
        plan_period_bounds(cal->period_type, year, p, &first[p], &last[p]);
        due[p] = plan_period_due(cal, year, p);
    }
    for (size_t r = 0; r < nregions; r++) {
        rows[r].code = regions[r].code;
        rows[r].name = regions[r].name;
        rows[r].timdu = regions[r].timdu;
        rows[r].rad_status = regions[r].rad_status ? regions[r].rad_status : "belum";
    }
    for (size_t i = 0; i < nactions; i++) {
        const struct plan_comp_action *a = &actions[i];
        if (a->region >= nregions)
            return error_set(err, WSP_EINTERNAL, "action %zu has no region", i);
        struct plan_comp_row *row = &rows[a->region];
        for (int p = 0; p < np; p++) {
            /* Expected only for closed periods the action is active in. */
            if (due[p] >= ref_day || a->first > last[p] || a->last < first[p])
                continue;
            row->expected++;
            for (size_t k = 0; k < nreports; k++) {
                const struct plan_comp_report *rep = &reports[k];
                if (rep->action_id != a->id || rep->period != p)
                    continue;
                row->submitted++;
                if (rep->submitted_day <= due[p])
                    row->on_time++;
                break; /* one report per action and period */
            }
        }
    }
    for (size_t r = 0; r < nregions; r++) {
        struct plan_comp_row *row = &rows[r];
        row->late = row->submitted - row->on_time;
        row->reporting_rate = pct1(row->submitted, row->expected);
        row->on_time_rate = pct1(row->on_time, row->expected);
        long tenths = (row->timdu ? 200 : 0) + plan_score_rad_tenths(regions[r].rad_status) +
                      ratio_round(row->submitted, row->expected, 300) +
                      ratio_round(row->on_time, row->expected, 200);
        row->score = (double)tenths / 10.0;
    }
    qsort(rows, nregions, sizeof(*rows), row_cmp);
    for (size_t r = 0; r < nregions; r++)
        rows[r].rank = r > 0 && rows[r].score == rows[r - 1].score ? rows[r - 1].rank : (int)r + 1;
    *out = rows;
    return 0;
}

/* The alerts of the year answered, per row and in all (plan_answer_count). */
static int answers_load(struct store *s, int year, const char *region, struct arena *arena,
                        struct plan_compliance *out, struct error *err)
{
    char from[16], to[16];
    snprintf(from, sizeof(from), "%04d-01-01", year);
    snprintf(to, sizeof(to), "%04d-12-31", year);
    struct store_alert_answer *rows;
    size_t n;
    int rc = store_alert_answers(s, region, from, to, arena, &rows, &n, err);
    if (rc)
        return rc;
    struct plan_alert_answer *a = arena_alloc(arena, (n ? n : 1) * sizeof(*a));
    out->answers = arena_alloc(arena, (out->n ? out->n : 1) * sizeof(*out->answers));
    if (!a || !out->answers)
        return error_set(err, WSP_ENOMEM, "compliance does not fit in memory limit");
    for (size_t i = 0; i < n; i++)
        a[i] = (struct plan_alert_answer){rows[i].region_code, rows[i].start_at,
                                          rows[i].first_response_at};
    for (size_t j = 0; j < out->n; j++)
        plan_answer_count(out->rows[j].code, a, n, &out->answers[j]);
    plan_answer_count(region, a, n, &out->answers_total);
    return 0;
}

int plan_compliance_load(struct store *s, int year, const char *plan_type, const char *region,
                         const char *ref_date, struct arena *arena, struct plan_compliance *out,
                         struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (!plan_type_valid(plan_type))
        return error_set(err, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)",
                         plan_type ? plan_type : "");
    if (year < 2000 || year > 2100)
        return error_set(err, WSP_EINVAL, "year '%d' out of range", year);
    int64_t ref;
    if (ref_date) {
        if (plan_date_parse(ref_date, &ref) != 0)
            return error_set(err, WSP_EINVAL, "date '%s' is not a date (YYYY-MM-DD)", ref_date);
    } else {
        ref = plan_day_of_time(time_now());
    }
    /* The Timdu check looks at the end of the year for past years. */
    int64_t year_end = date_days_from_civil(year, 12, 31);
    char timdu_ref[11];
    plan_date_format(ref < year_end ? ref : year_end, timdu_ref, sizeof(timdu_ref));

    struct store_calendar sc;
    int rc = store_calendar_get(s, plan_type, &sc, err);
    if (rc)
        return rc;
    out->year = year;
    str_copy(out->plan_type, plan_type, sizeof(out->plan_type));
    plan_date_format(ref, out->ref_date, sizeof(out->ref_date));
    str_copy(out->cal.plan_type, sc.plan_type, sizeof(out->cal.plan_type));
    int pt = plan_period_type_parse(sc.period_type);
    out->cal.period_type = pt < 0 ? PLAN_PERIOD_B4 : (enum plan_period_type)pt;
    out->cal.deadline_days = sc.deadline_days;
    out->cal.grace_days = sc.grace_days;

    struct store_region *regs = NULL;
    size_t nregs = 0;
    rc = store_plan_regions(s, region, arena, &regs, &nregs, err);
    if (rc)
        return rc;
    struct plan_comp_region *cr = arena_alloc(arena, (nregs ? nregs : 1) * sizeof(*cr));
    if (!cr)
        return error_set(err, WSP_ENOMEM, "compliance does not fit in memory limit");
    struct plan_comp_action *acts = NULL;
    struct plan_comp_report *reps = NULL;
    size_t na = 0, nr = 0, capa = 0, capr = 0;
    int64_t year_first = date_days_from_civil(year, 1, 1);
    for (size_t i = 0; i < nregs; i++) {
        struct store_plan_status ps;
        rc = store_plan_status(s, regs[i].code, year, plan_type, timdu_ref, arena, &ps, err);
        if (rc)
            goto out;
        cr[i].code = regs[i].code;
        cr[i].name = regs[i].name;
        cr[i].timdu = ps.timdu;
        cr[i].rad_status = ps.rad_status;
        for (size_t k = 0; k < ps.nactions; k++) {
            if (na == capa) {
                capa = capa ? capa * 2 : 64;
                acts = xrealloc(acts, capa * sizeof(*acts));
            }
            int64_t f = year_first, l = year_end;
            if (ps.actions[k].start_date)
                plan_date_parse(ps.actions[k].start_date, &f);
            if (ps.actions[k].end_date)
                plan_date_parse(ps.actions[k].end_date, &l);
            acts[na++] = (struct plan_comp_action){i, ps.actions[k].id, f, l};
        }
        for (size_t k = 0; k < ps.nreports; k++) {
            int p = plan_period_parse(out->cal.period_type, ps.reports[k].period);
            if (p < 0)
                continue; /* reported under another calendar: not counted */
            if (nr == capr) {
                capr = capr ? capr * 2 : 64;
                reps = xrealloc(reps, capr * sizeof(*reps));
            }
            reps[nr++] = (struct plan_comp_report){ps.reports[k].action_id, p,
                                                   plan_day_of_time(ps.reports[k].submitted_at)};
        }
    }
    rc = plan_compliance_compute(&out->cal, year, ref, cr, nregs, acts, na, reps, nr, arena,
                                 &out->rows, err);
    if (rc)
        goto out;
    out->n = nregs;
    out->no_rad = arena_alloc(arena, (nregs ? nregs : 1) * sizeof(size_t));
    out->no_timdu = arena_alloc(arena, (nregs ? nregs : 1) * sizeof(size_t));
    if (!out->no_rad || !out->no_timdu) {
        rc = error_set(err, WSP_ENOMEM, "compliance does not fit in memory limit");
        goto out;
    }
    /* The "belum" lists in region-code order, as the desk reads them. */
    for (size_t pass = 0; pass < nregs; pass++) {
        const char *code = cr[pass].code;
        for (size_t j = 0; j < nregs; j++) {
            if (!str_eq(out->rows[j].code, code))
                continue;
            if (str_eq(out->rows[j].rad_status, "belum"))
                out->no_rad[out->n_no_rad++] = j;
            if (!out->rows[j].timdu)
                out->no_timdu[out->n_no_timdu++] = j;
        }
    }
    for (size_t j = 0; j < nregs; j++) {
        out->expected += out->rows[j].expected;
        out->submitted += out->rows[j].submitted;
        out->on_time += out->rows[j].on_time;
    }
    rc = answers_load(s, year, region, arena, out, err);
out:
    free(acts);
    free(reps);
    return rc;
}
