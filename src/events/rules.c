/* events: vocabularies, workflow, checks and merge rules of a conflict event (events.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events/events.h"

const char *const event_category_names[EVENT_NCATEGORIES] = {
    "none",
    "land_resource",
    "inter_group_clash",
    "riot_protest",
    "identity_religious_ethnic",
    "political_election",
    "separatist_armed",
    "vigilante",
    "other_violence",
};

static const char *const statuses[] = {"menunggu", "terverifikasi", "ditolak", "dalam_penanganan",
                                       "selesai"};

static const char *const roles[] = {"event",  "followup",    "prevention", "crime",
                                    "abroad", "not_article", "other"};

static const char *const phases[] = {"pencegahan", "penghentian", "pemulihan"};

/* The verification workflow (DOMAIN.md): a lead waits, is verified or rejected, verified
 * events are handled and closed; a rejected lead can be reopened. */
static const struct {
    const char *from, *to;
} transitions[] = {
    {"menunggu", "terverifikasi"},         {"menunggu", "ditolak"},
    {"terverifikasi", "dalam_penanganan"}, {"terverifikasi", "ditolak"},
    {"dalam_penanganan", "selesai"},       {"ditolak", "menunggu"},
};

static int list_index(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (str_eq(s, list[i]))
            return (int)i;
    return -1;
}

/* "a, b, c" into out. */
static void list_join(const char *const *list, size_t n, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", list[i]);
        if (k > 0 && (size_t)k < outsz - len)
            len += (size_t)k;
    }
}

/* ---- vocabularies ------------------------------------------------------------------------ */

int event_category_index(const char *name)
{
    return list_index(name, event_category_names, EVENT_NCATEGORIES);
}

bool event_category_valid(const char *name)
{
    return event_category_index(name) >= 0;
}

bool event_status_valid(const char *status)
{
    return list_index(status, statuses, WSP_ARRAY_LEN(statuses)) >= 0;
}

int event_status_check(const char *status, struct error *err)
{
    if (event_status_valid(status))
        return 0;
    char known[96];
    list_join(statuses, WSP_ARRAY_LEN(statuses), known, sizeof(known));
    return error_set(err, WSP_EINVAL, "unknown status '%s' (%s)", status ? status : "", known);
}

bool event_status_is_decision(const char *status)
{
    return str_eq(status, "terverifikasi") || str_eq(status, "ditolak");
}

bool event_role_valid(const char *role)
{
    return list_index(role, roles, WSP_ARRAY_LEN(roles)) >= 0;
}

int event_role_check(const char *role, struct error *err)
{
    if (event_role_valid(role))
        return 0;
    return error_set(err, WSP_EINVAL, "unknown article role '%s'", role ? role : "");
}

bool event_phase_valid(const char *phase)
{
    return list_index(phase, phases, WSP_ARRAY_LEN(phases)) >= 0;
}

int event_phase_check(const char *phase, struct error *err)
{
    if (event_phase_valid(phase))
        return 0;
    char known[64];
    list_join(phases, WSP_ARRAY_LEN(phases), known, sizeof(known));
    return error_set(err, WSP_EINVAL, "unknown phase '%s' (%s)", phase ? phase : "", known);
}

/* ---- workflow ---------------------------------------------------------------------------- */

bool event_transition_allowed(const char *from, const char *to)
{
    for (size_t i = 0; from && to && i < WSP_ARRAY_LEN(transitions); i++)
        if (str_eq(transitions[i].from, from) && str_eq(transitions[i].to, to))
            return true;
    return false;
}

void event_transitions_from(const char *from, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; from && i < WSP_ARRAY_LEN(transitions); i++) {
        if (!str_eq(transitions[i].from, from))
            continue;
        int k = snprintf(out + len, outsz - len, "%s'%s'", len ? ", " : "", transitions[i].to);
        if (k > 0 && (size_t)k < outsz - len)
            len += (size_t)k;
    }
    if (!len)
        str_copy(out, "none (final status)", outsz);
}

int event_transition_check(int64_t id, const char *from, const char *to, struct error *err)
{
    if (event_transition_allowed(from, to))
        return 0;
    char allowed[160];
    event_transitions_from(from, allowed, sizeof(allowed));
    return error_set(err, WSP_EEXIST,
                     "cannot change status of event %" PRId64
                     " from '%s' to '%s'; allowed from '%s': %s",
                     id, from ? from : "", to ? to : "", from ? from : "", allowed);
}

/* ---- fields and checks ------------------------------------------------------------------- */

const char *event_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool event_date_valid(const char *s)
{
    return date_iso_valid(s);
}

bool event_code_covers(const char *prefix, const char *code)
{
    size_t n = strlen(prefix);
    return strncmp(prefix, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

const char *event_region_key(const char *province_code, const char *regency_code)
{
    return event_nonempty(regency_code) ? regency_code : event_nonempty(province_code);
}

const char *event_region_narrow(const char *scope, const char *region, bool *disjoint)
{
    scope = event_nonempty(scope);
    region = event_nonempty(region);
    const char *key = scope && region ? (event_code_covers(scope, region)   ? region
                                         : event_code_covers(region, scope) ? scope
                                                                            : NULL)
                      : scope         ? scope
                                      : region;
    *disjoint = scope && region && !key;
    return key;
}

int event_check(const struct event *e, struct error *err)
{
    if (!event_category_valid(e->category))
        return error_set(err, WSP_EINVAL, "unknown event category '%s'",
                         e->category ? e->category : "");
    if (e->status && !event_status_valid(e->status))
        return error_set(err, WSP_EINVAL, "unknown event status '%s'", e->status);
    if (e->event_date && !event_date_valid(e->event_date))
        return error_set(err, WSP_EINVAL, "bad event date '%s' (want YYYY-MM-DD)", e->event_date);
    if (!(e->confidence >= 0.0 && e->confidence <= 1.0))
        return error_set(err, WSP_EINVAL, "confidence %g is outside 0..1", e->confidence);
    if (e->killed < -1 || e->injured < -1)
        return error_set(err, WSP_EINVAL, "negative victim count");
    const char *prov = event_nonempty(e->province_code), *reg = event_nonempty(e->regency_code),
               *place = event_nonempty(e->place_code);
    if (reg && (!prov || !event_code_covers(prov, reg)))
        return error_set(err, WSP_EINVAL, "regency '%s' is not inside province '%s'", reg,
                         prov ? prov : "(none)");
    if (place && (!prov || !event_code_covers(reg ? reg : prov, place)))
        return error_set(err, WSP_EINVAL, "place '%s' is not inside '%s'", place,
                         reg    ? reg
                         : prov ? prov
                                : "(none)");
    return 0;
}

/* ---- merging ----------------------------------------------------------------------------- */

void event_merge(const struct event *stored, const struct event *incoming, struct event *out)
{
    struct event m = *stored;
    bool more_confident = incoming->confidence > stored->confidence;
    const char *prov = event_nonempty(stored->province_code);
    if (!prov && event_nonempty(incoming->province_code) && !event_nonempty(stored->regency_code)) {
        m.province_code = incoming->province_code;
        prov = m.province_code;
    }
    if (!event_nonempty(m.regency_code) && event_nonempty(incoming->regency_code) && prov &&
        event_code_covers(prov, incoming->regency_code))
        m.regency_code = incoming->regency_code;
    const char *within = event_nonempty(m.regency_code) ? m.regency_code : prov;
    if (!event_nonempty(m.place_code) && event_nonempty(incoming->place_code) && within &&
        event_code_covers(within, incoming->place_code))
        m.place_code = incoming->place_code;
    if (!m.event_date && incoming->event_date)
        m.event_date = incoming->event_date;
    /* Figures from the most confident source that states them. */
    if (incoming->killed >= 0 && (m.killed < 0 || more_confident))
        m.killed = incoming->killed;
    if (incoming->injured >= 0 && (m.injured < 0 || more_confident))
        m.injured = incoming->injured;
    m.women_children_victims = stored->women_children_victims || incoming->women_children_victims;
    if (str_eq(stored->category, "none") || (more_confident && !str_eq(incoming->category, "none")))
        m.category = incoming->category;
    if (more_confident) {
        m.confidence = incoming->confidence;
        if (incoming->evidence_json)
            m.evidence_json = incoming->evidence_json;
    }
    if (!m.has_simhash && incoming->has_simhash) {
        m.has_simhash = true;
        m.simhash = incoming->simhash;
    }
    *out = m;
}

static json_t *nullable_count(long v)
{
    return v < 0 ? json_null() : json_integer(v);
}

static json_t *nullable_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* What one source said about the event, kept in detail_json "sources". */
static json_t *source_figures(const struct event *e, int64_t article_id)
{
    json_t *o = json_object();
    json_object_set_new(o, "article_id", json_integer(article_id));
    json_object_set_new(o, "category", json_string(e->category));
    json_object_set_new(o, "confidence", json_real(e->confidence));
    json_object_set_new(o, "event_date", nullable_str(e->event_date));
    json_object_set_new(o, "regency_code", nullable_str(e->regency_code));
    json_object_set_new(o, "killed", nullable_count(e->killed));
    json_object_set_new(o, "injured", nullable_count(e->injured));
    json_object_set_new(o, "women_children_victims", json_boolean(e->women_children_victims));
    return o;
}

/* Parse a stored JSON object, or a new empty one. */
static json_t *object_or_new(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(v)) {
        json_decref(v);
        v = json_object();
    }
    return v;
}

static char *dump_or_abort(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(4));
    if (!s)
        abort(); /* jansson fails here only when out of memory */
    return s;
}

char *event_detail_new(const struct event *e, int64_t article_id)
{
    json_t *d = object_or_new(e->detail_json);
    json_t *arr = json_array();
    if (article_id)
        json_array_append_new(arr, source_figures(e, article_id));
    json_object_set_new(d, "sources", arr);
    char *s = dump_or_abort(d);
    json_decref(d);
    return s;
}

/* Richer fields of the new source fill keys the event's detail does not have yet. */
char *event_merge_detail(const char *stored_detail, const struct event *incoming,
                         int64_t article_id)
{
    json_t *d = object_or_new(stored_detail);
    json_t *inc = object_or_new(incoming->detail_json);
    const char *key;
    json_t *v;
    json_object_foreach(inc, key, v)
    {
        if (!str_eq(key, "sources") && !json_object_get(d, key))
            json_object_set(d, key, v);
    }
    json_decref(inc);
    json_t *arr = json_object_get(d, "sources");
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(d, "sources", arr);
    }
    if (json_array_size(arr) < EVENT_SOURCES_KEPT)
        json_array_append_new(arr, source_figures(incoming, article_id));
    char *s = dump_or_abort(d);
    json_decref(d);
    return s;
}

/* ---- merge candidates -------------------------------------------------------------------- */

/* "YYYY-MM-DD" shifted by days into out (11 bytes). */
static void date_shift(const char *date, int days, char out[11])
{
    int64_t t = 0;
    time_parse_iso(date, &t);
    char iso[32];
    time_format_iso(t + (int64_t)days * 86400, iso, sizeof(iso));
    memcpy(out, iso, 10);
    out[10] = '\0';
}

void event_candidate_window(const char *date, int days, char lo[11], char hi[11])
{
    if (days < 0)
        days = 0;
    date_shift(date, -days, lo);
    date_shift(date, days, hi);
}

int event_simhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

int event_candidate_cmp(int dist_a, int64_t id_a, int dist_b, int64_t id_b)
{
    if (dist_a != dist_b)
        return dist_a < dist_b ? -1 : 1;
    return id_a > id_b ? -1 : id_a < id_b ? 1 : 0;
}
