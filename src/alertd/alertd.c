/* The early-warning service core: stored events -> engine -> stored alerts (see alertd.h). */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alertd/alertd.h"

#define ALERTD_BATCH 2000
#define ALERTD_EVENT_IDS_MAX 50
#define ALERTD_STATUS_DAYS 90 /* a Status Keadaan Konflik lasts at most 90 days */

struct link {
    uint64_t episode;
    int64_t alert;
};

struct pending {
    enum warn_change_kind kind;
    uint64_t episode;
    int32_t day;
    enum warn_level to;
    bool unverified;
};

struct alertd {
    struct alertd_config cfg;
    struct warn_state *st;
    struct warn_state *pub;       /* verified events only: the public levels */
    _Atomic uint64_t pub_version; /* bumped whenever pub may have changed, before the
                                   * alerts of that change are written */
    int64_t cursor;
    struct link *links;
    size_t nlinks, caplinks;
    struct pending *pend;
    size_t npend, cappend;
    char *status_print; /* fingerprint of the declared statuses last applied */
    char **status_regions;
    size_t nstatus_regions;
    int64_t last_escalation_check;
    bool leading; /* writes alerts (see alertd.h: leader and followers) */
    struct alertd_stats stats;
};

static const struct store_actor system_actor = {0, "system", NULL};

int32_t alertd_today(void)
{
    int64_t t = time_now();
    return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

/* A count from detail_json: a whole number >= 0, else -1 (absent, null, anything else). */
static long detail_count(json_t *d, const char *key)
{
    json_t *v = json_object_get(d, key);
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 1000000
               ? (long)json_integer_value(v)
               : -1;
}

bool alertd_event_from_store(const struct store_event *e, double lead_min_confidence,
                             struct warn_event *out, char *region_buf)
{
    memset(out, 0, sizeof(*out));
    struct warn_record r = {.province_code = e->province_code,
                            .regency_code = e->regency_code,
                            .event_date = e->event_date,
                            .status = e->status,
                            .confidence = e->confidence,
                            .killed = e->killed,
                            .injured = e->injured,
                            .text_killed = -1,
                            .text_injured = -1};
    const char *key;
    if (warn_record_admit(&r, lead_min_confidence, &key, &out->day) != WARN_ADMIT_COUNTS)
        return false;
    /* Most events (news leads) have no detail worth parsing: look before loading it. */
    if (e->detail_json &&
        (strstr(e->detail_json, "house_of_worship") || strstr(e->detail_json, "\"report\""))) {
        json_t *d = json_loads(e->detail_json, 0, NULL);
        if (json_is_true(json_object_get(d, "house_of_worship")))
            out->flags |= WARN_F_HOUSE_OF_WORSHIP;
        if (str_eq(json_string_value(json_object_get(d, "source")), "report")) {
            r.from_report = true;
            r.text_killed = detail_count(d, "detector_killed");
            r.text_injured = detail_count(d, "detector_injured");
        }
        json_decref(d);
    }
    str_copy(region_buf, key, WARN_CODE_MAX);
    out->id = e->id;
    out->region = region_buf;
    warn_record_victims(&r, &out->killed, &out->injured);
    out->category = NULL;
    for (int i = 0; i < WARN_NCATEGORIES; i++)
        if (e->category && strcmp(e->category, warn_category_names[i]) == 0)
            out->category = warn_category_names[i];
    out->verified = warn_status_verified(e->status);
    return true;
}

static int cmp_event(const void *a, const void *b)
{
    const struct warn_event *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Read the whole change feed from `after`; *cursor is where it ended. */
static int load_all(struct store *s, int64_t after, double lead_min_confidence,
                    struct warn_event_list *out, int64_t *cursor, struct error *err)
{
    memset(out, 0, sizeof(*out));
    *cursor = after;
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        struct store_event_change *ch;
        size_t n;
        int64_t next;
        int rc = store_event_changes(s, *cursor, ALERTD_BATCH, &a, &ch, &n, &next, err);
        if (rc != 0) {
            arena_release(&a);
            warn_event_list_release(out);
            return rc;
        }
        for (size_t i = 0; i < n; i++) {
            char region[WARN_CODE_MAX];
            struct warn_event e;
            if (ch[i].deleted ||
                !alertd_event_from_store(&ch[i].ev, lead_min_confidence, &e, region))
                continue;
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 256;
                out->items = xrealloc(out->items, out->cap * sizeof(*out->items));
            }
            e.region = xstrdup(region);
            out->items[out->n++] = e;
        }
        *cursor = next;
        arena_release(&a);
        if (n < ALERTD_BATCH)
            break;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), cmp_event);
    return 0;
}

int alertd_load_events(struct store *s, double lead_min_confidence, struct warn_event_list *out,
                       struct error *err)
{
    int64_t cursor;
    return load_all(s, 0, lead_min_confidence, out, &cursor, err);
}

/* ---- episode <-> alert -------------------------------------------------------------------- */

static void day_str(struct arena *a, int32_t day, const char **out)
{
    char d[16];
    warn_day_format(day, d, sizeof(d));
    *out = arena_strdup(a, d);
}

void alertd_alert_from_episode(const struct warn_state *st, const struct warn_episode *ep,
                               struct arena *arena, struct store_alert *out)
{
    memset(out, 0, sizeof(*out));
    out->region_code = arena_strdup(arena, ep->region);
    out->level = warn_level_name(ep->close_day >= 0 ? WARN_NORMAL : ep->level);
    out->max_level = warn_level_name(ep->max_level);
    out->is_open = ep->close_day < 0;
    day_str(arena, ep->first_day, &out->first_day);
    day_str(arena, ep->last_day, &out->last_day);
    if (ep->close_day >= 0)
        day_str(arena, ep->close_day, &out->close_day);
    const struct warn_step *top = NULL;
    for (size_t i = 0; i < ep->nsteps && !top; i++)
        if (ep->steps[i].level == ep->max_level)
            top = &ep->steps[i];
    out->score = top ? top->score : 0;
    out->method = warn_method_name(top ? top->method : WARN_M_NONE);
    out->unverified = ep->unverified;
    struct buf b;
    buf_init(&b, 0);
    warn_explain(st, ep, NULL, WARN_ID, &b);
    out->explanation_id = arena_strdup(arena, buf_cstr(&b));
    buf_reset(&b);
    warn_explain(st, ep, NULL, WARN_EN, &b);
    out->explanation_en = arena_strdup(arena, buf_cstr(&b));
    buf_reset(&b);
    int64_t ids[ALERTD_EVENT_IDS_MAX];
    size_t n = warn_explain_events(st, ep, NULL, ids, ALERTD_EVENT_IDS_MAX);
    buf_putc(&b, '[');
    for (size_t i = 0; i < n && i < ALERTD_EVENT_IDS_MAX; i++)
        buf_printf(&b, "%s%" PRId64, i ? "," : "", ids[i]);
    buf_putc(&b, ']');
    out->event_ids_json = arena_strdup(arena, buf_cstr(&b));
    buf_release(&b);
}

static int64_t link_get(const struct alertd *d, uint64_t episode)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (d->links[i].episode == episode)
            return d->links[i].alert;
    return 0;
}

static void link_set(struct alertd *d, uint64_t episode, int64_t alert)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (d->links[i].episode == episode) {
            d->links[i].alert = alert;
            return;
        }
    if (d->nlinks == d->caplinks) {
        d->caplinks = d->caplinks ? d->caplinks * 2 : 64;
        d->links = xrealloc(d->links, d->caplinks * sizeof(*d->links));
    }
    d->links[d->nlinks++] = (struct link){episode, alert};
}

static void link_drop(struct alertd *d, uint64_t episode)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (d->links[i].episode == episode) {
            d->links[i] = d->links[--d->nlinks];
            return;
        }
}

static void notify(struct alertd *d, struct store *s, const char *kind, int64_t id)
{
    if (!d->cfg.notify)
        return;
    struct arena a;
    arena_init(&a, 0);
    struct store_alert al;
    struct error err = {0};
    if (store_alert_get(s, id, &a, &al, &err) == 0)
        d->cfg.notify(d->cfg.ud, s, kind, &al);
    else
        LOG_W("alertd", "cannot read alert %" PRId64 " to notify: %s", id, err.msg);
    arena_release(&a);
}

static bool engine_differs(const struct store_alert *a, const struct store_alert *b)
{
    return !str_eq(a->level, b->level) || !str_eq(a->max_level, b->max_level) ||
           a->is_open != b->is_open || a->retracted != b->retracted ||
           !str_eq(a->first_day, b->first_day) || !str_eq(a->last_day, b->last_day) ||
           !str_eq(a->close_day, b->close_day) || !str_eq(a->method, b->method) ||
           !str_eq(a->explanation_id, b->explanation_id) ||
           !str_eq(a->event_ids_json, b->event_ids_json) || a->unverified != b->unverified;
}

static void on_change(void *ud, const struct warn_change *c)
{
    struct alertd *d = ud;
    if (d->npend == d->cappend) {
        d->cappend = d->cappend ? d->cappend * 2 : 64;
        d->pend = xrealloc(d->pend, d->cappend * sizeof(*d->pend));
    }
    d->pend[d->npend++] = (struct pending){c->kind, c->episode_id, c->day, c->to, c->unverified};
}

/* Write the episode changes collected while feeding the engine. */
static int apply_pending(struct alertd *d, struct store *s, struct error *err)
{
    if (!d->leading) { /* a follower's episodes are the leader's to write */
        d->npend = 0;
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < d->npend && rc == 0; i++) {
        const struct pending *p = &d->pend[i];
        struct arena a;
        arena_init(&a, 0);
        int64_t id = link_get(d, p->episode);
        char day[16];
        warn_day_format(p->day, day, sizeof(day));
        if (p->kind == WARN_RETRACTED) {
            struct store_alert al;
            if (id && (rc = store_alert_get(s, id, &a, &al, err)) == 0) {
                al.retracted = true;
                al.is_open = false;
                al.level = "normal";
                rc = store_alert_update_engine(s, &al, "retracted", "normal", day, &system_actor,
                                               err);
                if (rc == 0) {
                    d->stats.retracted++;
                    notify(d, s, "retracted", id);
                }
            }
            link_drop(d, p->episode);
            arena_release(&a);
            continue;
        }
        const struct warn_episode *ep = warn_state_episode(d->st, p->episode);
        if (!ep) {
            arena_release(&a);
            continue;
        }
        struct store_alert al;
        alertd_alert_from_episode(d->st, ep, &a, &al);
        if (!id) {
            rc = store_alert_create(s, &al, &system_actor, &id, err);
            if (rc == 0) {
                link_set(d, p->episode, id);
                d->stats.created++;
                notify(d, s, "opened", id);
            }
        } else {
            static const char *const kinds[] = {
                [WARN_OPENED] = "opened",       [WARN_LEVEL] = "level",
                [WARN_CLOSED] = "closed",       [WARN_REOPENED] = "reopened",
                [WARN_RETRACTED] = "retracted", [WARN_VERIFIED] = "verified"};
            const char *kind = kinds[p->kind];
            if (p->kind == WARN_VERIFIED && p->unverified)
                kind = "unverified"; /* the event behind it is a lead again */
            al.id = id;
            rc = store_alert_update_engine(s, &al, kind, warn_level_name(p->to), day, &system_actor,
                                           err);
            if (rc == 0) {
                d->stats.updated++;
                notify(d, s, kind, id);
            }
        }
        arena_release(&a);
    }
    d->npend = 0;
    return rc;
}

/* ---- declared statuses -------------------------------------------------------------------- */

/* Cut a code to its regency ("32.73.01" -> "32.73"). */
static void regency_of(const char *code, char *out)
{
    str_copy(out, code, WARN_CODE_MAX);
    char *dot = strchr(out, '.');
    if (dot && (dot = strchr(dot + 1, '.')))
        *dot = '\0';
}

static int refresh_statuses(struct alertd *d, struct store *s, struct error *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct store_declared_status *ds;
    size_t n;
    int rc = store_declared_statuses(s, &a, &ds, &n, err);
    if (rc != 0) {
        arena_release(&a);
        return rc;
    }
    struct buf fp;
    buf_init(&fp, 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&fp, "%s:%s:%s;", ds[i].region_code, ds[i].start, ds[i].end ? ds[i].end : "");
    if (str_eq(buf_cstr(&fp), d->status_print ? d->status_print : "")) {
        buf_release(&fp);
        arena_release(&a);
        return 0;
    }
    /* Clear what was set, then set each region's latest status (rows come by region, start).
     * A declared status is a human decision: public as much as internal. */
    for (size_t i = 0; i < d->nstatus_regions; i++) {
        warn_state_set_status(d->st, d->status_regions[i], 1, 0, NULL);
        warn_state_set_status(d->pub, d->status_regions[i], 1, 0, NULL);
        free(d->status_regions[i]);
    }
    d->pub_version++;
    free(d->status_regions);
    d->status_regions = xcalloc(n ? n : 1, sizeof(char *));
    d->nstatus_regions = 0;
    for (size_t i = 0; i < n; i++) {
        char code[WARN_CODE_MAX];
        regency_of(ds[i].region_code, code);
        if (i + 1 < n) {
            char next[WARN_CODE_MAX];
            regency_of(ds[i + 1].region_code, next);
            if (str_eq(code, next))
                continue; /* a later status of the same region replaces this one */
        }
        int32_t from, to;
        if (warn_day_parse(ds[i].start, &from) != 0)
            continue;
        if (!ds[i].end || warn_day_parse(ds[i].end, &to) != 0)
            to = from + ALERTD_STATUS_DAYS - 1;
        struct error e = {0};
        if (warn_state_set_status(d->st, code, from, to, &e) != 0) {
            LOG_W("alertd", "declared status of '%s' ignored: %s", code, e.msg);
            continue;
        }
        warn_state_set_status(d->pub, code, from, to, NULL);
        d->status_regions[d->nstatus_regions++] = xstrdup(code);
    }
    free(d->status_print);
    d->status_print = buf_detach(&fp, NULL);
    if (!d->status_print)
        d->status_print = xstrdup("");
    arena_release(&a);
    return apply_pending(d, s, err);
}

/* ---- reconciliation ----------------------------------------------------------------------- */

static bool overlaps(const struct store_alert *a, const struct store_alert *e)
{
    const char *a_end = a->close_day ? a->close_day : a->last_day;
    const char *e_end = e->close_day ? e->close_day : e->last_day;
    return str_eq(a->region_code, e->region_code) && strcmp(a->first_day, e_end) <= 0 &&
           strcmp(e->first_day, a_end) <= 0;
}

static int reconcile(struct alertd *d, struct store *s, struct error *err)
{
    struct arena a;
    arena_init(&a, 0);
    char from[16];
    warn_day_format(warn_state_first_day(d->st), from, sizeof(from));
    struct store_alert_query q = {.from = from, .open = -1, .limit = 1000000};
    struct store_alert *stored;
    size_t n;
    int rc = store_alert_list(s, &q, &a, &stored, &n, NULL, err);
    if (rc != 0) {
        arena_release(&a);
        return rc;
    }
    bool *used = xcalloc(n ? n : 1, sizeof(bool));
    for (size_t r = 0; rc == 0; r++) {
        const char *region = warn_state_region_at(d->st, r);
        if (!region)
            break;
        size_t ne;
        const struct warn_episode *eps = warn_state_episodes(d->st, region, &ne);
        for (size_t i = 0; i < ne && rc == 0; i++) {
            struct store_alert al;
            alertd_alert_from_episode(d->st, &eps[i], &a, &al);
            size_t k = n;
            for (size_t j = 0; j < n; j++)
                if (!used[j] && overlaps(&stored[j], &al)) {
                    k = j;
                    break;
                }
            int64_t id = 0;
            if (k < n) {
                used[k] = true;
                id = stored[k].id;
                al.id = id;
                if (engine_differs(&stored[k], &al)) {
                    rc = store_alert_update_engine(s, &al, NULL, NULL, NULL, &system_actor, err);
                    d->stats.updated++;
                }
            } else {
                rc = store_alert_create(s, &al, &system_actor, &id, err);
                d->stats.created++;
            }
            if (rc == 0)
                link_set(d, eps[i].id, id);
        }
    }
    /* Stored alerts no episode matches any more, except near the start of the covered days
     * (the engine's baselines warm up there, so it cannot judge them). */
    char judged[16];
    warn_day_format(warn_state_first_day(d->st) + 60, judged, sizeof(judged));
    for (size_t j = 0; j < n && rc == 0; j++) {
        if (used[j] || strcmp(stored[j].first_day, judged) < 0)
            continue;
        stored[j].retracted = true;
        stored[j].is_open = false;
        stored[j].level = "normal";
        rc = store_alert_update_engine(s, &stored[j], "retracted", "normal", NULL, &system_actor,
                                       err);
        d->stats.retracted++;
    }
    free(used);
    arena_release(&a);
    return rc;
}

int alertd_set_leading(struct alertd *d, struct store *s, bool leading, struct error *err)
{
    if (leading == d->leading)
        return 0;
    d->npend = 0;
    d->nlinks = 0; /* the episodes' alerts are found again by reconciling */
    if (!leading) {
        d->leading = false;
        return 0;
    }
    size_t created = d->stats.created, updated = d->stats.updated, retracted = d->stats.retracted;
    int rc = reconcile(d, s, err);
    if (rc != 0) {
        d->nlinks = 0;
        return rc;
    }
    d->leading = true;
    LOG_I("alertd", "leading early warning: alerts %zu new, %zu updated, %zu retracted",
          d->stats.created - created, d->stats.updated - updated, d->stats.retracted - retracted);
    return 0;
}

bool alertd_leading(const struct alertd *d)
{
    return d->leading;
}

/* ---- life cycle --------------------------------------------------------------------------- */

int alertd_open(struct alertd **out, struct store *s, const struct alertd_config *cfg,
                struct error *err)
{
    *out = NULL;
    struct alertd *d = xcalloc(1, sizeof(*d));
    d->cfg = *cfg;
    d->leading = !cfg->follower;
    if (d->cfg.history_days <= 0)
        d->cfg.history_days = ALERTD_HISTORY_DAYS;
    int32_t today = alertd_today();
    d->st = warn_state_new(&d->cfg.params, today - d->cfg.history_days);
    warn_state_set_callback(d->st, on_change, d);
    warn_state_set_notify(d->st, false);
    d->pub = warn_state_new(&d->cfg.params, today - d->cfg.history_days);
    warn_state_set_notify(d->pub, false); /* levels only: its episodes make no alerts */
    int64_t t0 = time_mono_ms();
    struct warn_event_list ev;
    int rc = load_all(s, 0, d->cfg.lead_min_confidence, &ev, &d->cursor, err);
    /* years of events: recorded first, evaluated once (the same state as one by one) */
    warn_state_set_bulk(d->st, true);
    warn_state_set_bulk(d->pub, true);
    for (size_t i = 0; rc == 0 && i < ev.n; i++) {
        struct error e = {0};
        if (warn_state_add(d->st, &ev.items[i], &e) != 0)
            LOG_W("alertd", "event %" PRId64 " ignored: %s", ev.items[i].id, e.msg);
        else if (ev.items[i].verified)
            warn_state_add(d->pub, &ev.items[i], NULL);
    }
    warn_event_list_release(&ev);
    warn_state_set_bulk(d->st, false);
    warn_state_set_bulk(d->pub, false);
    if (rc == 0)
        rc = refresh_statuses(d, s, err);
    if (rc == 0) {
        warn_state_advance(d->st, today);
        warn_state_advance(d->pub, today);
        d->npend = 0;
        if (d->leading)
            rc = reconcile(d, s, err);
    }
    if (rc != 0) {
        alertd_free(d);
        return rc;
    }
    warn_state_set_notify(d->st, true);
    d->stats.events = warn_state_event_count(d->st);
    LOG_I("alertd",
          "early warning ready in %lld ms: %zu events (%zu verified), %zu regions; alerts %zu "
          "new, %zu updated, %zu retracted",
          (long long)(time_mono_ms() - t0), d->stats.events, warn_state_event_count(d->pub),
          warn_state_region_count(d->st), d->stats.created, d->stats.updated, d->stats.retracted);
    *out = d;
    return 0;
}

void alertd_free(struct alertd *d)
{
    if (!d)
        return;
    warn_state_free(d->st);
    warn_state_free(d->pub);
    free(d->links);
    free(d->pend);
    free(d->status_print);
    for (size_t i = 0; i < d->nstatus_regions; i++)
        free(d->status_regions[i]);
    free(d->status_regions);
    free(d);
}

const struct warn_state *alertd_state(const struct alertd *d)
{
    return d->st;
}

const struct warn_state *alertd_public_state(const struct alertd *d)
{
    return d->pub;
}

uint64_t alertd_public_version(const struct alertd *d)
{
    return atomic_load(&d->pub_version);
}

void alertd_get_stats(const struct alertd *d, struct alertd_stats *out)
{
    *out = d->stats;
}

static int escalate(struct alertd *d, struct store *s, struct error *err)
{
    int64_t pa = d->cfg.escalate_province_after, na = d->cfg.escalate_national_after;
    if (pa <= 0 && na <= 0)
        return 0;
    struct arena a;
    arena_init(&a, 0);
    /* Nobody answered yet: no response recorded, acknowledged or not (issue 16). */
    struct store_alert_query q = {.open = 1, .answered = 2, .limit = 100000};
    struct store_alert *al;
    size_t n;
    int rc = store_alert_list(s, &q, &a, &al, &n, NULL, err);
    int64_t now = time_now();
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (al[i].unverified || str_eq(al[i].status, "selesai"))
            continue; /* belum terverifikasi: the clock starts when it is verified */
        enum warn_geo g = warn_geo_of(al[i].region_code);
        int64_t age = now - (al[i].verified_at ? al[i].verified_at : al[i].created_at);
        const char *from = al[i].escalated_to, *to = NULL;
        if (g == WARN_GEO_REGENCY && !from && pa > 0 && age >= pa)
            to = "province";
        else if (g != WARN_GEO_NATIONAL && !str_eq(from, "national") && na > 0 && age >= na)
            to = "national";
        if (!to)
            continue;
        char note[128];
        snprintf(note, sizeof(note), "%s after %lld s: to the %s desk",
                 str_eq(al[i].status, "baru") ? "not acknowledged"
                                              : "acknowledged, no response recorded",
                 (long long)age, to);
        struct error e = {0};
        int r = store_alert_escalate(s, al[i].id, from, to, note, &system_actor, &e);
        if (r == WSP_EEXIST)
            continue; /* answered, closed or escalated meanwhile */
        if (r != 0) {
            rc = error_set(err, r, "%s", e.msg);
            break;
        }
        d->stats.escalated++;
        notify(d, s, "escalate", al[i].id);
    }
    arena_release(&a);
    return rc;
}

int alertd_poll(struct alertd *d, struct store *s, struct error *err)
{
    int rc = 0;
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        struct store_event_change *ch;
        size_t n;
        int64_t next;
        rc = store_event_changes(s, d->cursor, ALERTD_BATCH, &a, &ch, &n, &next, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            char region[WARN_CODE_MAX];
            struct warn_event e;
            struct error e2 = {0};
            bool counts = !ch[i].deleted && alertd_event_from_store(
                                                &ch[i].ev, d->cfg.lead_min_confidence, &e, region);
            if (counts && warn_state_change(d->st, &e, &e2) != 0) {
                LOG_W("alertd", "event %" PRId64 " ignored: %s", e.id, e2.msg);
                counts = false;
            }
            if (!counts)
                warn_state_remove(d->st, ch[i].ev.id, NULL);
            /* the public state follows the verified ones */
            if (counts && e.verified) {
                warn_state_change(d->pub, &e, NULL);
                d->pub_version++;
            } else if (warn_state_remove(d->pub, ch[i].ev.id, NULL) == 0) {
                d->pub_version++;
            }
            rc = apply_pending(d, s, err);
        }
        if (rc == 0)
            d->cursor = next;
        arena_release(&a);
        if (rc != 0 || n < ALERTD_BATCH)
            break;
    }
    if (rc == 0)
        rc = refresh_statuses(d, s, err);
    if (rc == 0) {
        int32_t today = alertd_today();
        warn_state_advance(d->st, today);
        if (warn_state_last_day(d->pub) < today) {
            warn_state_advance(d->pub, today);
            d->pub_version++;
        }
        rc = apply_pending(d, s, err);
    }
    d->stats.events = warn_state_event_count(d->st);
    int64_t now = time_now();
    if (rc == 0 && d->leading && now != d->last_escalation_check) {
        d->last_escalation_check = now;
        rc = escalate(d, s, err);
    }
    return rc;
}
