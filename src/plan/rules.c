/* plan rules: dates, reporting periods, vocabulary, the RAD and case workflows, who may do what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/base.h"
#include "events/events.h"
#include "plan/plan.h"

/* ---- dates ------------------------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int plan_date_parse(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
        !digits(s + 8, 2))
        return WSP_EINVAL;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || !date_ymd_valid(y, m, d))
        return WSP_EINVAL;
    *days = date_days_from_civil(y, m, d);
    return 0;
}

void plan_date_format(int64_t days, char *out, size_t outsz)
{
    date_format(days, out, outsz);
}

int64_t plan_day_of_time(int64_t t)
{
    int64_t s = t + (int64_t)7 * 3600;
    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

/* ---- periods ---------------------------------------------------------------------------- */

int plan_period_type_parse(const char *s)
{
    if (str_eq(s, "b4"))
        return PLAN_PERIOD_B4;
    if (str_eq(s, "quarter"))
        return PLAN_PERIOD_QUARTER;
    if (str_eq(s, "month"))
        return PLAN_PERIOD_MONTH;
    return -1;
}

const char *plan_period_type_name(enum plan_period_type t)
{
    switch (t) {
    case PLAN_PERIOD_QUARTER:
        return "quarter";
    case PLAN_PERIOD_MONTH:
        return "month";
    default:
        return "b4";
    }
}

static int months_per_period(enum plan_period_type t)
{
    return t == PLAN_PERIOD_MONTH ? 1 : t == PLAN_PERIOD_QUARTER ? 3 : 4;
}

int plan_period_count(enum plan_period_type t)
{
    return 12 / months_per_period(t);
}

void plan_period_code(enum plan_period_type t, int idx, char *out, size_t outsz)
{
    switch (t) {
    case PLAN_PERIOD_QUARTER:
        snprintf(out, outsz, "TW%d", idx + 1);
        break;
    case PLAN_PERIOD_MONTH:
        snprintf(out, outsz, "M%02d", idx + 1);
        break;
    default: /* named after the last month of the period: B-04, B-08, B-12 */
        snprintf(out, outsz, "B-%02d", (idx + 1) * 4);
        break;
    }
}

int plan_period_parse(enum plan_period_type t, const char *code)
{
    if (!code)
        return -1;
    char buf[8];
    for (int i = 0; i < plan_period_count(t); i++) {
        plan_period_code(t, i, buf, sizeof(buf));
        if (strcmp(buf, code) == 0)
            return i;
    }
    return -1;
}

void plan_period_bounds(enum plan_period_type t, int year, int idx, int64_t *first, int64_t *last)
{
    int mp = months_per_period(t);
    int m0 = idx * mp + 1, m1 = m0 + mp - 1;
    *first = date_days_from_civil(year, m0, 1);
    *last = date_days_from_civil(year, m1, date_month_days(year, m1));
}

int plan_period_of(enum plan_period_type t, int64_t day, int *year, int *idx)
{
    int y, m, d;
    date_civil_from_days(day, &y, &m, &d);
    *year = y;
    *idx = (m - 1) / months_per_period(t);
    return 0;
}

int64_t plan_period_deadline(const struct plan_calendar *c, int year, int idx)
{
    int64_t first, last;
    plan_period_bounds(c->period_type, year, idx, &first, &last);
    return last + c->deadline_days;
}

int64_t plan_period_due(const struct plan_calendar *c, int year, int idx)
{
    return plan_period_deadline(c, year, idx) + c->grace_days;
}

bool plan_report_on_time(const struct plan_calendar *c, int year, int idx, int64_t submitted)
{
    return submitted <= plan_period_due(c, year, idx);
}

/* ---- vocabulary ------------------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define IN(s, ...)                                                                                 \
    in_list(s, (const char *const[]){__VA_ARGS__},                                                 \
            sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

bool plan_type_valid(const char *s)
{
    return IN(s, "pks", "p3aks");
}

bool plan_phase_valid(const char *s)
{
    return event_phase_valid(s); /* the one list of the three phases */
}

bool plan_subteam_valid(const char *s)
{
    return plan_phase_valid(s);
}

bool plan_focus_valid(const char *s)
{
    if (!s || !*s || strlen(s) > 40)
        return false;
    if (s[0] < 'a' || s[0] > 'z')
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

bool plan_forum_kind_valid(const char *s)
{
    return IN(s, "fkdm", "forkopimda", "fkub", "fkb");
}

bool plan_rad_status_valid(const char *s)
{
    return IN(s, "draft", "diajukan", "dikembalikan", "disetujui");
}

bool plan_case_status_valid(const char *s)
{
    return IN(s, "potensi", "aktif", "dihentikan", "pemulihan", "selesai");
}

bool plan_case_issue_valid(const char *s)
{
    return IN(s, "sumber_daya", "tata_kelola", "pemilihan_jabatan", "identitas",
              "main_hakim_sendiri", "separatisme", "lainnya");
}

bool plan_case_event_in_region(const char *case_region, const char *event_region)
{
    if (!case_region || !*case_region || !event_region || !*event_region)
        return false;
    return auth_scope_covers(case_region, event_region) ||
           (strchr(event_region, '.') && auth_scope_covers(event_region, case_region));
}

bool plan_skk_level_valid(const char *s)
{
    return IN(s, "kabupaten_kota", "provinsi", "nasional");
}

bool plan_rad_editable(const char *status)
{
    return IN(status, "draft", "dikembalikan");
}

/* ---- who may do what -------------------------------------------------------------------- */

bool plan_may_edit(enum auth_role role, const char *scope, const char *region)
{
    if (role == AUTH_ROLE_ADMIN)
        return true;
    if (role == AUTH_ROLE_PROVINSI || role == AUTH_ROLE_KABKOTA)
        return scope && *scope && str_eq(scope, region);
    return false;
}

bool plan_may_read(enum auth_role role, const char *scope, const char *region)
{
    switch (role) {
    case AUTH_ROLE_ADMIN:
    case AUTH_ROLE_PUSAT:
        return true;
    case AUTH_ROLE_PROVINSI:
    case AUTH_ROLE_KABKOTA:
        return scope && *scope && auth_scope_covers(scope, region);
    default:
        return false;
    }
}

bool plan_may_see_contacts(enum auth_role role, const char *scope, const char *region)
{
    if (auth_role_national(role))
        return true;
    if (role == AUTH_ROLE_PROVINSI || role == AUTH_ROLE_KABKOTA)
        return scope && *scope && str_eq(scope, region);
    return false;
}

bool plan_may_see_victims(enum auth_role role, const char *scope, const char *region)
{
    if (role == AUTH_ROLE_ADMIN)
        return true;
    if (role == AUTH_ROLE_PROVINSI || role == AUTH_ROLE_KABKOTA)
        return scope && *scope && auth_scope_covers(scope, region);
    return false;
}

/* ---- RAD workflow ----------------------------------------------------------------------- */

int plan_rad_action_parse(const char *s)
{
    if (str_eq(s, "submit"))
        return PLAN_RAD_SUBMIT;
    if (str_eq(s, "return"))
        return PLAN_RAD_RETURN;
    if (str_eq(s, "approve"))
        return PLAN_RAD_APPROVE;
    return -1;
}

int plan_rad_transition(enum plan_rad_action action, const char *from, enum auth_role role,
                        const char *scope, const char *region, const char *notes, const char **to,
                        struct error *err)
{
    *to = NULL;
    switch (action) {
    case PLAN_RAD_SUBMIT:
        if (!plan_may_edit(role, scope, region))
            return error_set(err, WSP_EPERM, "only the officers of region '%s' may submit its plan",
                             region);
        if (!IN(from, "draft", "dikembalikan"))
            return error_set(err, WSP_EEXIST,
                             "a plan in status '%s' cannot be submitted (only draft or "
                             "dikembalikan)",
                             from);
        *to = "diajukan";
        return 0;
    case PLAN_RAD_RETURN:
    case PLAN_RAD_APPROVE:
        if (role != AUTH_ROLE_PUSAT && role != AUTH_ROLE_ADMIN)
            return error_set(err, WSP_EPERM, "only the national desk (pusat) reviews plans");
        if (!str_eq(from, "diajukan"))
            return error_set(err, WSP_EEXIST,
                             "a plan in status '%s' cannot be reviewed (only diajukan)", from);
        if (action == PLAN_RAD_RETURN) {
            if (!notes || !*notes)
                return error_set(err, WSP_EINVAL, "returning a plan needs review notes");
            *to = "dikembalikan";
        } else {
            *to = "disetujui";
        }
        return 0;
    }
    return error_set(err, WSP_EINVAL, "unknown plan action");
}

/* ---- cases ------------------------------------------------------------------------------ */

bool plan_case_transition_allowed(const char *from, const char *to)
{
    static const char *const moves[][2] = {
        {"potensi", "aktif"},        {"potensi", "selesai"},  {"aktif", "dihentikan"},
        {"dihentikan", "pemulihan"}, {"dihentikan", "aktif"}, {"dihentikan", "selesai"},
        {"pemulihan", "selesai"},    {"pemulihan", "aktif"},  {"selesai", "aktif"},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(moves); i++)
        if (str_eq(from, moves[i][0]) && str_eq(to, moves[i][1]))
            return true;
    return false;
}

const char *plan_case_reconciliation_proposal(const char *case_status)
{
    if (case_status && (str_eq(case_status, "pemulihan") || str_eq(case_status, "selesai")))
        return NULL;
    return "pemulihan";
}

int plan_case_proposal_accept(const char *from, const char *phase, const char **to,
                              struct error *err)
{
    *to = NULL;
    if (!str_eq(phase, "pemulihan"))
        return error_set(err, WSP_EINVAL, "unknown proposed phase '%s' (only pemulihan)",
                         phase ? phase : "");
    if (str_eq(from, "dihentikan") || str_eq(from, "aktif")) {
        *to = "pemulihan";
        return 0;
    }
    if (str_eq(from, "potensi"))
        return error_set(err, WSP_EEXIST,
                         "case is 'potensi': move it to 'aktif' first or dismiss the proposal");
    return error_set(err, WSP_EEXIST, "case is already '%s': dismiss the proposal",
                     from ? from : "");
}

int plan_skk_validate(const char *start, const char *end, struct error *err)
{
    int64_t a, b;
    if (plan_date_parse(start, &a) != 0)
        return error_set(err, WSP_EINVAL, "status keadaan konflik: start '%s' is not a date",
                         start ? start : "");
    if (plan_date_parse(end, &b) != 0)
        return error_set(err, WSP_EINVAL, "status keadaan konflik: end '%s' is not a date",
                         end ? end : "");
    if (b < a)
        return error_set(err, WSP_EINVAL, "status keadaan konflik: end '%s' is before start '%s'",
                         end, start);
    if (b - a > PLAN_SKK_MAX_DAYS)
        return error_set(err, WSP_EINVAL,
                         "status keadaan konflik lasts at most %d days: '%s' to '%s' is %lld days",
                         PLAN_SKK_MAX_DAYS, start, end, (long long)(b - a));
    return 0;
}
