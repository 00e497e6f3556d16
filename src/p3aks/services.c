/* The services of a named victim: their types, the workflow dibutuhkan -> dirujuk -> diterima
 * -> selesai (or ditolak with a reason) and the checks of a service before it is written. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "p3aks/p3aks.h"

const struct p3aks_service_type p3aks_service_types[P3AKS_NSERVICE_TYPES] = {
    {"kesehatan", "Layanan kesehatan", "Health care"},
    {"psikososial", "Dukungan psikososial", "Psychosocial support"},
    {"bantuan_hukum", "Bantuan hukum", "Legal aid"},
    {"rumah_aman", "Rumah aman", "Safe house"},
    {"pendidikan", "Pendidikan", "Education"},
    {"pemulangan", "Pemulangan", "Return home"},
    {"reintegrasi", "Reintegrasi sosial", "Social reintegration"},
    {"lainnya", "Lainnya", "Other"},
};

/* The way to selesai in order, then ditolak. */
const char *const p3aks_service_statuses[P3AKS_NSERVICE_STATUSES] = {
    "dibutuhkan", "dirujuk", "diterima", "selesai", "ditolak"};
enum { STEPS = 4, REFUSED = 4 };

static const char *const day_names[P3AKS_NSERVICE_STATUSES] = {
    "needed_on", "referred_on", "received_on", "completed_on", "refused_on"};

static int status_index(const char *status)
{
    for (int i = 0; status && i < P3AKS_NSERVICE_STATUSES; i++)
        if (str_eq(status, p3aks_service_statuses[i]))
            return i;
    return -1;
}

bool p3aks_service_type_valid(const char *type)
{
    return p3aks_service_type_label(type, false) != NULL;
}

int p3aks_service_type_check(const char *type, struct error *err)
{
    if (p3aks_service_type_valid(type))
        return 0;
    char known[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < P3AKS_NSERVICE_TYPES && len < sizeof(known); i++)
        len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
                                p3aks_service_types[i].code);
    return error_set(err, WSP_EINVAL, "unknown service type '%s' (%s)", type ? type : "", known);
}

const char *p3aks_service_type_label(const char *type, bool english)
{
    for (size_t i = 0; type && i < P3AKS_NSERVICE_TYPES; i++)
        if (str_eq(type, p3aks_service_types[i].code))
            return english ? p3aks_service_types[i].label_en : p3aks_service_types[i].label_id;
    return NULL;
}

bool p3aks_service_status_valid(const char *status)
{
    return status_index(status) >= 0;
}

int p3aks_service_status_check(const char *status, struct error *err)
{
    if (p3aks_service_status_valid(status))
        return 0;
    return error_set(err, WSP_EINVAL,
                     "unknown service status '%s' (dibutuhkan, dirujuk, diterima, selesai, "
                     "ditolak)",
                     status ? status : "");
}

const char *p3aks_service_next(const char *status)
{
    int i = status_index(status);
    return i >= 0 && i + 1 < STEPS ? p3aks_service_statuses[i + 1] : NULL;
}

bool p3aks_service_transition_allowed(const char *from, const char *to)
{
    int f = status_index(from), t = status_index(to);
    if (f < 0 || t < 0)
        return false;
    if (t == REFUSED)
        return f <= 1; /* refused before it was received */
    return f < STEPS && t == f + 1;
}

int p3aks_service_transition_check(int64_t id, const char *from, const char *to, struct error *err)
{
    if (p3aks_service_transition_allowed(from, to))
        return 0;
    const char *next = p3aks_service_next(from);
    int f = status_index(from);
    if (!next)
        return error_set(err, WSP_EEXIST, "service %" PRId64 " is '%s', a final status", id,
                         from ? from : "");
    return error_set(err, WSP_EEXIST,
                     "service %" PRId64 " is '%s': it can go on to '%s'%s, not '%s'", id, from,
                     next, f <= 1 ? " or 'ditolak'" : "", to ? to : "");
}

const char **p3aks_service_day_field(struct p3aks_service *s, const char *status)
{
    switch (status_index(status)) {
    case 0:
        return &s->needed_on;
    case 1:
        return &s->referred_on;
    case 2:
        return &s->received_on;
    case 3:
        return &s->completed_on;
    case REFUSED:
        return &s->refused_on;
    default:
        return NULL;
    }
}

static bool empty(const char *s)
{
    return !s || !*s;
}

static int check_length(const char *what, const char *v, size_t max, struct error *err)
{
    if (v && strlen(v) > max)
        return error_set(err, WSP_EINVAL, "%s is longer than %zu bytes", what, max);
    return 0;
}

int p3aks_service_check(const struct p3aks_service *s, int64_t today, struct error *err)
{
    int rc;
    if ((rc = p3aks_service_type_check(s->type, err)) ||
        (rc = p3aks_service_status_check(s->status, err)) ||
        (rc = check_length("provider", s->provider, P3AKS_PROVIDER_MAX, err)) ||
        (rc = check_length("note", s->note, P3AKS_NOTE_MAX, err)) ||
        (rc = check_length("refusal reason", s->refusal_reason, P3AKS_REASON_MAX, err)))
        return rc;
    int at = status_index(s->status);
    struct p3aks_service c = *s;
    const char *days[P3AKS_NSERVICE_STATUSES];
    for (int i = 0; i < P3AKS_NSERVICE_STATUSES; i++)
        days[i] = *p3aks_service_day_field(&c, p3aks_service_statuses[i]);
    char max[11];
    date_format(today + 1, max, sizeof(max));
    const char *prev = NULL;
    int prev_i = -1;
    /* The steps taken are 0..at on the way to selesai; a refusal comes after 0 and maybe 1. */
    for (int i = 0; i < P3AKS_NSERVICE_STATUSES; i++) {
        const char *d = days[i];
        bool taken = at == REFUSED ? (i == 0 || i == REFUSED) : i <= at;
        bool optional = at == REFUSED && i == 1; /* refused before or after a referral */
        if (empty(d)) {
            if (taken)
                return error_set(err, WSP_EINVAL,
                                 "a service in status '%s' needs the day of step '%s' (%s)",
                                 s->status, p3aks_service_statuses[i], day_names[i]);
            continue;
        }
        if (!taken && !optional)
            return error_set(err, WSP_EINVAL,
                             "a service in status '%s' has no step '%s' yet: %s must be empty",
                             s->status, p3aks_service_statuses[i], day_names[i]);
        if (!date_iso_valid(d))
            return error_set(err, WSP_EINVAL, "%s '%s' is not a date (YYYY-MM-DD)", day_names[i],
                             d);
        if (strcmp(d, max) > 0)
            return error_set(err, WSP_EINVAL, "%s '%s' is in the future", day_names[i], d);
        if (prev && strcmp(d, prev) < 0)
            return error_set(err, WSP_EINVAL, "%s '%s' is before %s '%s'", day_names[i], d,
                             day_names[prev_i], prev);
        prev = d;
        prev_i = i;
    }
    if (at >= 1 && at != REFUSED && empty(s->provider))
        return error_set(err, WSP_EINVAL,
                         "a service in status '%s' needs its provider (UPTD PPA, Dinas Sosial, "
                         "puskesmas, LBH, ...)",
                         s->status);
    if (at == REFUSED && empty(s->refusal_reason))
        return error_set(err, WSP_EINVAL, "a refused service (ditolak) needs a reason");
    if (at != REFUSED && !empty(s->refusal_reason))
        return error_set(err, WSP_EINVAL,
                         "only a refused service (ditolak) has a reason of refusal");
    return 0;
}

int p3aks_service_apply(int64_t id, const struct p3aks_service *old,
                        const struct p3aks_service_change *ch, int64_t today,
                        struct p3aks_service *out, struct error *err)
{
    *out = *old;
    if (ch->set_provider)
        out->provider = ch->provider;
    if (ch->set_note)
        out->note = ch->note;
    if (!ch->status || str_eq(ch->status, old->status)) {
        if (!empty(ch->day))
            return error_set(err, WSP_EINVAL,
                             "a day is given for a step, but the status stays '%s'",
                             old->status ? old->status : "");
        if (!empty(ch->refusal_reason))
            return error_set(err, WSP_EINVAL,
                             "a reason of refusal goes with the step to 'ditolak'");
        return p3aks_service_check(out, today, err);
    }
    int rc;
    if ((rc = p3aks_service_status_check(ch->status, err)) ||
        (rc = p3aks_service_transition_check(id, old->status, ch->status, err)))
        return rc;
    if (empty(ch->day))
        return error_set(err, WSP_EINVAL, "the step to '%s' needs its day (YYYY-MM-DD)",
                         ch->status);
    bool refuse = str_eq(ch->status, "ditolak");
    if (refuse && empty(ch->refusal_reason))
        return error_set(err, WSP_EINVAL, "the step to 'ditolak' needs a reason");
    if (!refuse && !empty(ch->refusal_reason))
        return error_set(err, WSP_EINVAL, "a reason of refusal goes with the step to 'ditolak'");
    out->status = ch->status;
    *p3aks_service_day_field(out, ch->status) = ch->day;
    if (refuse)
        out->refusal_reason = ch->refusal_reason;
    return p3aks_service_check(out, today, err);
}

bool p3aks_victim_is_woman_or_child(const char *sex, int age)
{
    return str_eq(sex, "p") || (age >= 0 && age < 18);
}
