/*
 * warn: backtest scoring and its JSON Lines input.
 *
 * Definitions (stated in warn.h too):
 *   peak        the day of the largest weighted 7-day sum in [first_day, last_day]
 *   lead_days   peak - first_day: how early the alert came before the worst week
 *   real        the region saw escalation_events events or escalation_killed killed in the
 *               escalation_window days from first_day; otherwise a false alarm
 *   rate        false alarms per region-year (regions of the chosen levels x years of the range)
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "warn/warn_internal.h"

static int cmp_alert(const void *a, const void *b)
{
    const struct warn_bt_alert *x = a, *y = b;
    if (x->ep->first_day != y->ep->first_day)
        return x->ep->first_day < y->ep->first_day ? -1 : 1;
    return strcmp(x->ep->region, y->ep->region);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void warn_backtest(const struct warn_state *st, int32_t from, int32_t to, unsigned geo_mask,
                   size_t nregions, struct warn_bt_result *out)
{
    const struct warn_params *p = &st->p;
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (size_t i = 0; i < st->nreg; i++) {
        const struct wregion *r = &st->reg[i];
        if (!(geo_mask & (1u << r->geo)))
            continue;
        for (size_t j = 0; j < r->neps; j++) {
            const struct warn_episode *ep = &r->eps[j];
            if (ep->first_day < from || ep->first_day > to)
                continue;
            if (out->nalerts == cap) {
                cap = cap ? 2 * cap : 64;
                out->alerts = xrealloc(out->alerts, cap * sizeof(*out->alerts));
            }
            struct warn_bt_alert *a = &out->alerts[out->nalerts++];
            memset(a, 0, sizeof(*a));
            a->ep = ep;
            a->peak_day = ep->peak_day;
            a->lead_days = ep->peak_day - ep->first_day;
            int32_t t0 = ep->first_day - st->first_day;
            int32_t t1 = t0 + (int32_t)p->escalation_window - 1;
            if (t1 >= st->ndays)
                t1 = st->ndays - 1;
            for (int32_t t = t0; t <= t1; t++) {
                a->events += r->d[t].n;
                a->killed += r->d[t].killed;
            }
            a->escalation = a->events >= p->escalation_events || a->killed >= p->escalation_killed;
            if (a->escalation)
                out->real++;
            else
                out->false_alarms++;
        }
    }
    if (out->nalerts)
        qsort(out->alerts, out->nalerts, sizeof(*out->alerts), cmp_alert);
    out->region_years = (double)nregions * (double)(to - from + 1) / 365.25;
    out->false_alarm_rate =
        out->region_years > 0 ? (double)out->false_alarms / out->region_years : 0;
    if (out->real) {
        int *leads = xmalloc(out->real * sizeof(*leads));
        size_t k = 0;
        for (size_t i = 0; i < out->nalerts; i++)
            if (out->alerts[i].escalation)
                leads[k++] = out->alerts[i].lead_days;
        qsort(leads, k, sizeof(*leads), cmp_int);
        size_t mid = k / 2;
        out->median_lead = k % 2 ? leads[mid] : (leads[mid - 1] + leads[mid]) / 2.0;
        free(leads);
    }
}

void warn_bt_result_release(struct warn_bt_result *r)
{
    free(r->alerts);
    memset(r, 0, sizeof(*r));
}

/* ---- JSON Lines ------------------------------------------------------------------------ */

static int get_count(json_t *o, const char *key, long lineno, long *out, struct error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
        return error_set(err, WSP_EINVAL, "line %ld: \"%s\" must be a whole number >= 0 or null",
                         lineno, key);
    *out = (long)json_integer_value(v);
    return 0;
}

static int get_bool(json_t *o, const char *key, bool def, long lineno, bool *out, struct error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return error_set(err, WSP_EINVAL, "line %ld: \"%s\" must be true or false", lineno, key);
    *out = json_is_true(v);
    return 0;
}

int warn_event_from_json(const char *line, size_t len, long lineno, struct warn_event *out,
                         char *region_buf, char *cat_buf, struct error *err)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    int rc = 0;
    memset(out, 0, sizeof(*out));
    if (!o)
        return error_set(err, WSP_EINVAL, "line %ld: not JSON: %s", lineno, je.text);
    if (!json_is_object(o)) {
        rc = error_set(err, WSP_EINVAL, "line %ld: not a JSON object", lineno);
        goto out;
    }
    json_t *v = json_object_get(o, "region_code");
    if (!json_is_string(v) || json_string_length(v) >= WARN_CODE_MAX) {
        rc = error_set(err, WSP_EINVAL, "line %ld: \"region_code\" must be a region code string",
                       lineno);
        goto out;
    }
    str_copy(region_buf, json_string_value(v), WARN_CODE_MAX);
    out->region = region_buf;
    v = json_object_get(o, "date");
    if (!json_is_string(v) || warn_day_parse(json_string_value(v), &out->day)) {
        rc = error_set(err, WSP_EINVAL, "line %ld: \"date\" must be a YYYY-MM-DD string", lineno);
        goto out;
    }
    v = json_object_get(o, "category");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v) || json_string_length(v) >= 32) {
            rc = error_set(err, WSP_EINVAL, "line %ld: \"category\" must be a category name",
                           lineno);
            goto out;
        }
        str_copy(cat_buf, json_string_value(v), 32);
        out->category = cat_buf;
        if (!event_category_valid(cat_buf)) {
            rc = error_set(err, WSP_EINVAL, "line %ld: unknown category '%s'", lineno, cat_buf);
            goto out;
        }
    }
    v = json_object_get(o, "id");
    if (v && !json_is_null(v)) {
        if (!json_is_integer(v)) {
            rc = error_set(err, WSP_EINVAL, "line %ld: \"id\" must be an integer", lineno);
            goto out;
        }
        out->id = json_integer_value(v);
    } else {
        out->id = lineno;
    }
    bool how = false;
    if ((rc = get_count(o, "killed", lineno, &out->killed, err)) ||
        (rc = get_count(o, "injured", lineno, &out->injured, err)) ||
        (rc = get_bool(o, "verified", true, lineno, &out->verified, err)) ||
        (rc = get_bool(o, "house_of_worship", false, lineno, &how, err)))
        goto out;
    out->flags = how ? WARN_F_HOUSE_OF_WORSHIP : 0;
out:
    json_decref(o);
    return rc;
}
