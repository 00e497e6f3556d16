/*
 * alertd: keeps an early-warning state (src/warn) in step with the store. It reads the stored
 * events into the engine, follows the store's event change feed, turns the engine's episode
 * changes into stored alerts with their history, records declared conflict statuses
 * (Status Keadaan Konflik of conflict cases) and escalates alerts nobody acknowledged. No SQL
 * (that is the store's) and no HTTP (the server and the CLI drive it).
 *
 * Which events the engine sees: those warn_record_admit() admits (src/warn: an Indonesian
 * regency or province, a date, not rejected, and an unverified lead only at or above
 * cfg.lead_min_confidence); terverifikasi, dalam_penanganan and selesai count as verified,
 * menunggu as an unverified lead. A stored event that stops counting (rejected, or its place
 * or confidence changed) leaves the engine on the next poll. detail_json
 * {"house_of_worship": true} marks an attack on a house of worship. An unverified community
 * report (detail_json {"source": "report"}) counts the victims the detector read in its text
 * (detail_json detector_killed / detector_injured, none when absent), not the numbers the
 * reporter typed (warn_record_victims). Days are UTC days of time_now().
 *
 * Two states. The alerts come from a state of every event that counts; public levels come
 * from a second state of the verified events only (alertd_public_state), kept in step the
 * same way, so nothing unverified moves what the public sees. A second state rather than
 * levels computed from the verified subset on request: the engine is incremental (an event
 * costs microseconds to a millisecond, see make bench), a rebuild costs a full recompute
 * per public request, and the public state costs only what verified events cost again.
 *
 * Belum terverifikasi. An alert whose episode rests on hard rules fired by unverified leads
 * alone (warn_episode.unverified) is stored with unverified set: it is internal (officers in
 * scope see it with the mark), never escalated, and the escalation clock starts when an
 * officer verifies an event behind it (verified_at). The change is a history row "verified"
 * (or "unverified" when the event is a lead again).
 *
 * Start-up (alertd_open): the state covers the last history_days days (default 730: the
 * baseline's long window of a year plus the year before it as the CUSUM reference), is built
 * with notifications off, then reconciled with the stored alerts: an episode matches the
 * stored alert of the same region whose days overlap it; matched alerts get the engine's
 * current fields (quietly when nothing changed), unmatched episodes become new alerts, and
 * stored alerts that no episode matches any more (inside the covered days) are retracted.
 * Reconciliation notifies nobody: it repairs the record, it is not news.
 *
 * Escalation (alertd_poll): an open, verified alert nobody answered (no response recorded,
 * store_alert_response_add; acknowledging alone is not an answer, so "baru" and
 * "ditindaklanjuti" alike, not "selesai") escalated_to nobody is escalated to the province
 * desk escalate_province_after seconds after it was created or verified (verified_at; regency
 * alerts only), and to the national desk escalate_national_after seconds after (regency and
 * province alerts). 0 disables a step. Each step is a history row and a notification
 * ("escalate"); its note says whether the alert was not acknowledged or acknowledged without
 * a response.
 *
 * Leader and followers. Several servers on one PostgreSQL database each keep both states in
 * step with the events (their risk views need them), but only one writes alerts: the leader
 * (the server holding the store's leader lock, see store_leader_try). A follower
 * (cfg.follower) builds and polls its states like the leader and writes nothing: no alert,
 * history row, escalation or notification; the leader's changes reach its clients through
 * the store's alert feed. alertd_set_leading(true) makes it the leader: the stored alerts are
 * reconciled with its state as at start-up (what the old leader left half-done is repaired,
 * nobody is notified), and from then on it writes. With SQLite there is one writer and every
 * alertd leads.
 *
 * Threads: an alertd is used by one thread at a time (the caller locks); the notify callback
 * runs inside alertd_poll on that thread with the store it was given.
 */
#ifndef WSP_ALERTD_H
#define WSP_ALERTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"
#include "warn/warn.h"

#define ALERTD_HISTORY_DAYS 730

/* kind: opened, level, closed, reopened, retracted, verified, unverified, escalate. a: the
 * alert as stored now. */
typedef void (*alertd_notify_fn)(void *ud, struct store *s, const char *kind,
                                 const struct store_alert *a);

struct alertd_config {
    struct warn_params params;
    int64_t escalate_province_after; /* seconds; 0 = never */
    int64_t escalate_national_after; /* seconds; 0 = never */
    int history_days;                /* 0 = ALERTD_HISTORY_DAYS */
    /* Unverified leads below this confidence do not count (0 = every lead counts; the
     * setting lead_min_confidence, default WARN_LEAD_MIN_CONFIDENCE). */
    double lead_min_confidence;
    bool follower;           /* start as a follower (see above) */
    alertd_notify_fn notify; /* may be NULL */
    void *ud;
};

struct alertd_stats {
    size_t events;    /* events in the engine */
    size_t created;   /* alerts created (start-up and since) */
    size_t updated;   /* alerts whose engine fields changed */
    size_t retracted; /* alerts retracted */
    size_t escalated;
};

struct alertd;

/* Build the state from the stored events and reconcile the alerts (see above). */
int alertd_open(struct alertd **out, struct store *s, const struct alertd_config *cfg,
                struct error *err);
void alertd_free(struct alertd *d);
/* Feed the events written since the last call, refresh declared statuses, advance to today,
 * write the resulting alert changes (notifying each) and escalate what is due. */
int alertd_poll(struct alertd *d, struct store *s, struct error *err);
/* Lead (reconcile the stored alerts, then write changes) or follow (write nothing). */
int alertd_set_leading(struct alertd *d, struct store *s, bool leading, struct error *err);
bool alertd_leading(const struct alertd *d);
/* Read-only access for risk views (under the caller's lock): every counted event, and the
 * verified ones only (public levels). */
const struct warn_state *alertd_state(const struct alertd *d);
const struct warn_state *alertd_public_state(const struct alertd *d);
/* Grows whenever the public state may have changed (a verified event came, changed or went,
 * a declared status, a new day), before the alerts of that change are written: a cache of
 * public levels is fresh while it stays. May be read without the caller's lock. */
uint64_t alertd_public_version(const struct alertd *d);
void alertd_get_stats(const struct alertd *d, struct alertd_stats *out);
/* UTC day of time_now(). */
int32_t alertd_today(void);

/* The engine's view of a stored event; false when it does not count (warn_record_admit).
 * region_buf has WARN_CODE_MAX bytes; out->category points at the engine's static names. */
bool alertd_event_from_store(const struct store_event *e, double lead_min_confidence,
                             struct warn_event *out, char *region_buf);
/* Every stored event the engine would see, sorted by day then id; items own their region. */
int alertd_load_events(struct store *s, double lead_min_confidence, struct warn_event_list *out,
                       struct error *err);

/* Fill an alert's engine fields from an episode (strings from arena). */
void alertd_alert_from_episode(const struct warn_state *st, const struct warn_episode *ep,
                               struct arena *arena, struct store_alert *out);

#endif
