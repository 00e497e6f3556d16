/* warn: parameters (table-driven, like the config), names of levels and methods, days. */
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warn/warn_internal.h"

const char *const *const warn_category_names = event_category_names;

static const char *const level_names[WARN_NLEVELS] = {"normal", "waspada", "siaga", "awas"};

const char *warn_level_name(enum warn_level l)
{
    return (unsigned)l < WARN_NLEVELS ? level_names[l] : "normal";
}

int warn_level_parse(const char *s)
{
    for (int i = 0; i < WARN_NLEVELS; i++)
        if (s && strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

const char *warn_method_name(enum warn_method m)
{
    static const char *const names[WARN_M_COUNT] = {"none",        "baseline",     "cusum",
                                                    "rule_death",  "rule_worship", "rule_mass",
                                                    "rule_status", "buildup",      "cusum_rare"};
    return (unsigned)m < WARN_M_COUNT ? names[m] : "none";
}

const char *warn_change_kind_name(enum warn_change_kind k)
{
    static const char *const names[] = {"opened",   "level",     "closed",
                                        "reopened", "retracted", "verified"};
    return (unsigned)k < WSP_ARRAY_LEN(names) ? names[k] : "unknown";
}

enum warn_geo warn_geo_of(const char *code)
{
    if (strcmp(code, WARN_NATIONAL) == 0)
        return WARN_GEO_NATIONAL;
    return strchr(code, '.') ? WARN_GEO_REGENCY : WARN_GEO_PROVINCE;
}

/* ---- days (base's calendar) --------------------------------------------------------------- */

void warn_day_format(int32_t z, char *out, size_t outsz)
{
    date_format(z, out, outsz);
}

int warn_day_parse(const char *s, int32_t *out)
{
    if (!s || strlen(s) < 10)
        return WSP_EINVAL;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return WSP_EINVAL;
        } else if (s[i] < '0' || s[i] > '9') {
            return WSP_EINVAL;
        }
    }
    if (s[10] && s[10] != 'T' && s[10] != ' ')
        return WSP_EINVAL;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2200 || !date_ymd_valid(y, m, d))
        return WSP_EINVAL;
    *out = (int32_t)date_days_from_civil(y, m, d);
    return 0;
}

/* ---- parameters ------------------------------------------------------------------------ */

enum ptype { P_DOUBLE, P_LONG, P_LEVEL, P_BOOL, P_WINDOWS };

struct prow {
    const char *name;
    enum ptype type;
    size_t off;
    double min, max;
    const char *def;
    const char *doc;
};

#define OFF(f) offsetof(struct warn_params, f)
static const struct prow rows[] = {
    {"weight_killed", P_DOUBLE, OFF(weight_killed), 0, 100, "1.0",
     "weight added per person killed"},
    {"weight_injured", P_DOUBLE, OFF(weight_injured), 0, 100, "0.25",
     "weight added per person injured"},
    {"weight_unverified", P_DOUBLE, OFF(weight_unverified), 0, 1, "0.5",
     "factor for leads not yet verified"},
    {"victims_cap", P_LONG, OFF(victims_cap), 0, 100000, "50",
     "killed and injured counted at most per event"},
    {"category.none", P_DOUBLE, OFF(category_weight[0]), 0, 10, "0.5", "category weights"},
    {"category.land_resource", P_DOUBLE, OFF(category_weight[1]), 0, 10, "0.8", NULL},
    {"category.inter_group_clash", P_DOUBLE, OFF(category_weight[2]), 0, 10, "1.0", NULL},
    {"category.riot_protest", P_DOUBLE, OFF(category_weight[3]), 0, 10, "0.8", NULL},
    {"category.identity_religious_ethnic", P_DOUBLE, OFF(category_weight[4]), 0, 10, "1.2", NULL},
    {"category.political_election", P_DOUBLE, OFF(category_weight[5]), 0, 10, "0.8", NULL},
    {"category.separatist_armed", P_DOUBLE, OFF(category_weight[6]), 0, 10, "1.0", NULL},
    {"category.vigilante", P_DOUBLE, OFF(category_weight[7]), 0, 10, "0.7", NULL},
    {"category.other_violence", P_DOUBLE, OFF(category_weight[8]), 0, 10, "0.7", NULL},
    {"windows", P_WINDOWS, OFF(windows), 1, 60, "1,3,7", "baseline test windows (days)"},
    {"baseline_days", P_LONG, OFF(baseline_days), 1, 365, "28", "baseline length (days)"},
    {"guard_days", P_LONG, OFF(guard_days), 0, 60, "2", "gap between baseline and window"},
    {"long_days", P_LONG, OFF(long_days), 1, 3650, "365", "long baseline the short one shrinks to"},
    {"prior_days", P_LONG, OFF(prior_days), 0, 3650, "14", "weight of the long baseline (days)"},
    {"nb_size", P_DOUBLE, OFF(nb_size), 0.01, 1e6, "5", "negative-binomial size per day"},
    {"floor_national", P_DOUBLE, OFF(floor_rate[0]), 0.0001, 1e6, "0.5",
     "least baseline weight per day"},
    {"floor_province", P_DOUBLE, OFF(floor_rate[1]), 0.0001, 1e6, "0.1", NULL},
    {"floor_regency", P_DOUBLE, OFF(floor_rate[2]), 0.0001, 1e6, "0.02", NULL},
    {"p_waspada", P_DOUBLE, OFF(p_level[1]), 0, 1, "0.001", "p-value thresholds"},
    {"p_siaga", P_DOUBLE, OFF(p_level[2]), 0, 1, "0.0001", NULL},
    {"p_awas", P_DOUBLE, OFF(p_level[3]), 0, 1, "0.000001", NULL},
    {"min_events_waspada", P_LONG, OFF(min_events[1]), 1, 1000, "3", "events needed in window"},
    {"min_events_siaga", P_LONG, OFF(min_events[2]), 1, 1000, "3", NULL},
    {"min_events_awas", P_LONG, OFF(min_events[3]), 1, 1000, "5", NULL},
    {"cusum_shift", P_DOUBLE, OFF(cusum_shift), 1.01, 100, "2", "rate ratio to detect"},
    {"cusum_cap", P_LONG, OFF(cusum_cap), 1, 1000, "3", "events per day counted at most"},
    {"cusum_lag", P_LONG, OFF(cusum_lag), 0, 3650, "60", "reference year ends this long ago"},
    {"cusum_floor_national", P_DOUBLE, OFF(cusum_floor[0]), 0.0001, 1e6, "1",
     "least reference events per day"},
    {"cusum_floor_province", P_DOUBLE, OFF(cusum_floor[1]), 0.0001, 1e6, "0.3", NULL},
    {"cusum_floor_regency", P_DOUBLE, OFF(cusum_floor[2]), 0.0001, 1e6, "0.1", NULL},
    {"cusum_h_waspada", P_DOUBLE, OFF(cusum_h[1]), 0, 1e6, "4", "CUSUM thresholds (0 = off)"},
    {"cusum_h_siaga", P_DOUBLE, OFF(cusum_h[2]), 0, 1e6, "7", NULL},
    {"cusum_h_awas", P_DOUBLE, OFF(cusum_h[3]), 0, 1e6, "0", NULL},
    {"rare_shift_province", P_DOUBLE, OFF(rare_shift[1]), 1.01, 100, "3", "rate ratio to detect"},
    {"rare_shift_regency", P_DOUBLE, OFF(rare_shift[2]), 1.01, 100, "6", NULL},
    {"rare_cap_province", P_LONG, OFF(rare_cap[1]), 1, 1000, "3", "events per day counted at most"},
    {"rare_cap_regency", P_LONG, OFF(rare_cap[2]), 1, 1000, "1", NULL},
    {"rare_floor_province", P_DOUBLE, OFF(rare_floor[1]), 0.0001, 1e6, "0.05",
     "least reference events per day"},
    {"rare_floor_regency", P_DOUBLE, OFF(rare_floor[2]), 0.0001, 1e6, "0.005", NULL},
    {"rare_memory", P_LONG, OFF(rare_memory), 7, 3650, "90", "days of evidence kept"},
    {"rare_h_waspada_province", P_DOUBLE, OFF(rare_h[1][1]), 0, 1e6, "6", "thresholds (0 = off)"},
    {"rare_h_siaga_province", P_DOUBLE, OFF(rare_h[1][2]), 0, 1e6, "0", NULL},
    {"rare_h_awas_province", P_DOUBLE, OFF(rare_h[1][3]), 0, 1e6, "0", NULL},
    {"rare_h_waspada_regency", P_DOUBLE, OFF(rare_h[2][1]), 0, 1e6, "6.5", NULL},
    {"rare_h_siaga_regency", P_DOUBLE, OFF(rare_h[2][2]), 0, 1e6, "0", NULL},
    {"rare_h_awas_regency", P_DOUBLE, OFF(rare_h[2][3]), 0, 1e6, "0", NULL},
    {"buildup_windows_province", P_WINDOWS, OFF(buildup_windows[1]), 1, 60, "7,10,14,28",
     "build-up test windows (days)"},
    {"buildup_windows_regency", P_WINDOWS, OFF(buildup_windows[2]), 1, 60, "7,10,14", NULL},
    {"buildup_guard", P_LONG, OFF(buildup_guard), 0, 365, "7", "gap between window and history"},
    {"buildup_year", P_LONG, OFF(buildup_year), 30, 3650, "365", "long history (days)"},
    {"buildup_recent", P_LONG, OFF(buildup_recent), 7, 3650, "91", "recent history (days)"},
    {"buildup_prior_province", P_DOUBLE, OFF(buildup_prior[1]), 0.001, 1e7, "20",
     "events a year a region has without history"},
    {"buildup_prior_regency", P_DOUBLE, OFF(buildup_prior[2]), 0.001, 1e7, "1", NULL},
    {"buildup_prior_shape", P_DOUBLE, OFF(buildup_prior_shape), 0.01, 1000, "1",
     "weight of that prior (events)"},
    {"buildup_nb_size", P_DOUBLE, OFF(buildup_nb_size), 0.01, 1e6, "5",
     "negative-binomial size per day"},
    {"buildup_p_waspada", P_DOUBLE, OFF(buildup_p[1]), 0, 1, "0.00015",
     "build-up p-value thresholds (0 = never)"},
    {"buildup_p_siaga", P_DOUBLE, OFF(buildup_p[2]), 0, 1, "0", NULL},
    {"buildup_p_awas", P_DOUBLE, OFF(buildup_p[3]), 0, 1, "0", NULL},
    {"buildup_min_events", P_LONG, OFF(buildup_min_events), 1, 1000, "3",
     "events needed in the window"},
    {"death_level", P_LEVEL, OFF(death_level), 0, 3, "siaga", "level of a death"},
    {"worship_level", P_LEVEL, OFF(worship_level), 0, 3, "siaga",
     "level of an attack on a house of worship"},
    {"status_level", P_LEVEL, OFF(status_level), 0, 3, "siaga",
     "level under a declared Status Keadaan Konflik"},
    {"mass_level", P_LEVEL, OFF(mass_level), 0, 3, "awas", "level of mass casualties"},
    {"mass_killed", P_LONG, OFF(mass_killed), 1, 100000, "10", "killed for mass casualties"},
    {"mass_window", P_LONG, OFF(mass_window), 1, 365, "7", "within this many days"},
    {"rules_need_verified", P_BOOL, OFF(rules_need_verified), 0, 1, "false",
     "hard rules ignore unverified leads"},
    {"hold_days", P_LONG, OFF(hold_days), 1, 60, "7", "days a hard rule's level is shown"},
    {"quiet_days", P_LONG, OFF(quiet_days), 1, 365, "14", "normal days that close an episode"},
    {"escalation_window", P_LONG, OFF(escalation_window), 1, 365, "30",
     "backtest: days after the first day"},
    {"escalation_events", P_LONG, OFF(escalation_events), 1, 100000, "5",
     "backtest: events that make a real escalation"},
    {"escalation_killed", P_LONG, OFF(escalation_killed), 1, 100000, "10", "backtest: or killed"},
};

static int set_row(struct warn_params *p, const struct prow *r, const char *v, struct error *err)
{
    char *base = (char *)p + r->off;
    char *end;
    switch (r->type) {
    case P_DOUBLE: {
        double d = strtod(v, &end);
        if (end == v || *end || !isfinite(d) || d < r->min || d > r->max)
            return error_set(err, WSP_EINVAL, "'%s' must be a number in [%g, %g], not '%s'",
                             r->name, r->min, r->max, v);
        *(double *)(void *)base = d;
        return 0;
    }
    case P_LONG: {
        long l;
        if (str_to_long(v, (long)r->min, (long)r->max, &l))
            return error_set(err, WSP_EINVAL, "'%s' must be a whole number in [%g, %g], not '%s'",
                             r->name, r->min, r->max, v);
        *(long *)(void *)base = l;
        return 0;
    }
    case P_LEVEL: {
        int l = warn_level_parse(v);
        if (l < 0)
            return error_set(err, WSP_EINVAL,
                             "'%s' must be normal, waspada, siaga or awas, not '%s'", r->name, v);
        *(int *)(void *)base = l;
        return 0;
    }
    case P_BOOL:
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0)
            *(bool *)(void *)base = true;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0)
            *(bool *)(void *)base = false;
        else
            return error_set(err, WSP_EINVAL, "'%s' must be true or false, not '%s'", r->name, v);
        return 0;
    case P_WINDOWS: {
        long w[WARN_NWINDOWS_MAX] = {0};
        size_t n = 0;
        const char *s = v;
        while (*s) {
            char tmp[16];
            size_t k = strcspn(s, ",");
            if (k == 0 || k >= sizeof(tmp) || n == WARN_NWINDOWS_MAX)
                goto bad;
            memcpy(tmp, s, k);
            tmp[k] = '\0';
            char *t = tmp;
            while (*t == ' ')
                t++;
            for (char *e = t + strlen(t); e > t && e[-1] == ' ';)
                *--e = '\0';
            if (str_to_long(t, (long)r->min, (long)r->max, &w[n]) || (n && w[n] <= w[n - 1]))
                goto bad;
            n++;
            s += k;
            if (*s == ',')
                s++;
        }
        if (n == 0)
            goto bad;
        memcpy(base, w, sizeof(w));
        return 0;
    bad:
        return error_set(err, WSP_EINVAL,
                         "'%s' must be 1 to %d ascending day counts like 1,3,7, not '%s'", r->name,
                         WARN_NWINDOWS_MAX, v);
    }
    }
    return error_set(err, WSP_EINTERNAL, "bad parameter type");
}

void warn_params_default(struct warn_params *p)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        int rc = set_row(p, &rows[i], rows[i].def, NULL);
        (void)rc; /* the defaults are valid: test_warn checks it */
    }
}

struct pctx {
    struct warn_params *p;
    struct error *err;
    int rc;
};

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct pctx *c = user;
    (void)section;
    if (c->rc)
        return 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        if (strcmp(rows[i].name, name) == 0) {
            struct error e = {0};
            if (set_row(c->p, &rows[i], value, &e)) {
                c->rc = error_set(c->err, WSP_EINVAL, "%s", e.msg);
                return 0;
            }
            return 1;
        }
    }
    c->rc = error_set(c->err, WSP_EINVAL, "unknown parameter '%s'", name);
    return 0;
}

int warn_params_parse(struct warn_params *p, const char *text, struct error *err)
{
    struct warn_params tmp = *p;
    struct pctx c = {&tmp, err, 0};
    int line = ini_parse_string(text, on_value, &c);
    if (c.rc) {
        /* the handler stops at the first error; inih reports its line */
        if (line > 0 && err) {
            char msg[sizeof(err->msg)];
            str_copy(msg, err->msg, sizeof(msg));
            error_set(err, WSP_EINVAL, "line %d: %s", line, msg);
        }
        return c.rc;
    }
    if (line != 0)
        return error_set(err, WSP_EINVAL, "line %d: syntax error", line);
    for (int l = 2; l < WARN_NLEVELS; l++)
        if (tmp.p_level[l] > tmp.p_level[l - 1])
            return error_set(err, WSP_EINVAL, "p thresholds must not rise with the level");
    *p = tmp;
    return 0;
}

int warn_params_load(struct warn_params *p, struct error *err)
{
    warn_params_default(p);
    struct data_blob b;
    int rc = data_read("warn/params.ini", &b, err);
    if (rc)
        return rc;
    struct error e = {0};
    rc = warn_params_parse(p, b.data, &e);
    data_blob_free(&b);
    if (rc)
        return error_set(err, rc, "warn/params.ini: %s", e.msg);
    return 0;
}

char *warn_params_dump(const struct warn_params *p)
{
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        const struct prow *r = &rows[i];
        const char *base = (const char *)p + r->off;
        buf_printf(&b, "%s = ", r->name);
        switch (r->type) {
        case P_DOUBLE:
            buf_printf(&b, "%g", *(const double *)(const void *)base);
            break;
        case P_LONG:
            buf_printf(&b, "%ld", *(const long *)(const void *)base);
            break;
        case P_LEVEL:
            buf_puts(&b, warn_level_name(*(const int *)(const void *)base));
            break;
        case P_BOOL:
            buf_puts(&b, *(const bool *)(const void *)base ? "true" : "false");
            break;
        case P_WINDOWS: {
            const long *w = (const long *)(const void *)base;
            for (int k = 0; k < WARN_NWINDOWS_MAX && w[k]; k++)
                buf_printf(&b, "%s%ld", k ? "," : "", w[k]);
            break;
        }
        }
        buf_putc(&b, '\n');
    }
    return buf_detach(&b, NULL);
}
