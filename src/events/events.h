/* events: the rules of a conflict event, pure and tested on values (no SQL, no HTTP).
 *
 * One place each for the vocabularies of an event (categories, statuses, article roles,
 * phases), the verification workflow, the checks of an event's fields before it is written,
 * and what a merge of a new report of the same event decides. The store saves and loads what
 * these rules decide; the warning engine weighs the same category names.
 *
 * Region codes are compared as plain strings on whole segments: "32" covers "32" and "32.73",
 * not "320". Every returned string points into the caller's values or into static tables,
 * except the JSON texts of the detail functions, which the caller frees.
 */
#ifndef WSP_EVENTS_H
#define WSP_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- vocabularies ------------------------------------------------------------------------ */

/* Event categories as detect names them; "none" (no conflict) is index 0, the order the
 * warning engine's weights follow. */
enum { EVENT_NCATEGORIES = 9 };
extern const char *const event_category_names[EVENT_NCATEGORIES];
/* Index into event_category_names, -1 when unknown (or NULL). */
int event_category_index(const char *name);
bool event_category_valid(const char *name);

/* Statuses of the verification workflow: menunggu (waiting), terverifikasi (verified), ditolak
 * (rejected), dalam_penanganan (being handled), selesai (closed). A new event waits. */
#define EVENT_STATUS_INITIAL "menunggu"
bool event_status_valid(const char *status);
/* 0 when status is known, else WSP_EINVAL "unknown status '<s>' (menunggu, ..., selesai)". */
int event_status_check(const char *status, struct error *err);
/* True for the moves that decide a lead (terverifikasi, ditolak): the officer who makes one
 * is kept as the event's verifier. */
bool event_status_is_decision(const char *status);

/* Article roles the detector gives: event, followup, prevention, crime, abroad, not_article,
 * other. */
bool event_role_valid(const char *role);
/* 0 when known, else WSP_EINVAL "unknown article role '<r>'". */
int event_role_check(const char *role, struct error *err);

/* Phases a conflict case moves through: pencegahan (prevention), penghentian (stopping),
 * pemulihan (recovery). */
bool event_phase_valid(const char *phase);
/* 0 when known, else WSP_EINVAL "unknown phase '<p>' (pencegahan, penghentian, pemulihan)". */
int event_phase_check(const char *phase, struct error *err);

/* ---- workflow ---------------------------------------------------------------------------- */

/* menunggu -> terverifikasi | ditolak, terverifikasi -> dalam_penanganan | ditolak,
 * dalam_penanganan -> selesai, ditolak -> menunggu (reopened). True when from -> to is one. */
bool event_transition_allowed(const char *from, const char *to);
/* The statuses reachable from `from` for a message: "'terverifikasi', 'ditolak'", or
 * "none (final status)"; cut to outsz. */
void event_transitions_from(const char *from, char *out, size_t outsz);
/* 0 when event id may move from -> to, else WSP_EEXIST "cannot change status of event <id>
 * from '<from>' to '<to>'; allowed from '<from>': <event_transitions_from>". */
int event_transition_check(int64_t id, const char *from, const char *to, struct error *err);

/* ---- fields and checks ------------------------------------------------------------------- */

/* The fields of an event the rules look at. Empty strings count as unknown codes. */
struct event {
    const char *category;      /* one of event_category_names */
    const char *province_code; /* NULL = unknown */
    const char *regency_code;  /* NULL = unknown; inside province_code */
    const char *place_code;    /* district or village, NULL = unknown */
    const char *event_date;    /* "YYYY-MM-DD" or NULL */
    long killed, injured;      /* -1 = not stated */
    bool women_children_victims;
    double confidence; /* 0..1 */
    const char *status;
    uint64_t simhash;
    bool has_simhash;
    const char *evidence_json; /* JSON array, or NULL */
    const char *detail_json;   /* JSON object of richer fields, or NULL */
};

/* s, or NULL when s is NULL or empty. */
const char *event_nonempty(const char *s);
/* "YYYY-MM-DD", a day the month has. */
bool event_date_valid(const char *s);
/* True when code lies inside prefix on whole segments ("32" covers "32.73", not "320"). */
bool event_code_covers(const char *prefix, const char *code);
/* The region key of an event: its regency code, else its province code, else NULL. */
const char *event_region_key(const char *province_code, const char *regency_code);
/* The one region condition of a list narrowed to both scope and region (either NULL = none):
 * the narrower of the two, or NULL; *disjoint is set when both are given and do not overlap
 * (nothing can match). */
const char *event_region_narrow(const char *scope, const char *region, bool *disjoint);

/* The checks before an event is written, in this order, each WSP_EINVAL:
 * "unknown event category '<c>'", "unknown event status '<s>'" (status NULL passes),
 * "bad event date '<d>' (want YYYY-MM-DD)", "confidence <c> is outside 0..1",
 * "negative victim count" (below -1), "regency '<r>' is not inside province '<p>|(none)'",
 * "place '<x>' is not inside '<regency|province|(none)>'". */
int event_check(const struct event *e, struct error *err);

/* ---- merging a new report of the same event ---------------------------------------------- */

/* Per-source figures kept in detail_json "sources" at most. */
#define EVENT_SOURCES_KEPT 64

/* What a merge of incoming into stored decides, into *out (which starts as a copy of stored;
 * strings point into stored or incoming):
 *  - a province is taken when the stored event has neither province nor regency; a regency
 *    when it has none and the incoming one lies inside the (possibly new) province; a place
 *    when it has none and the incoming one lies inside its regency, else its province;
 *  - the date when it has none;
 *  - killed, injured: the incoming figure when it states one and the stored one does not or
 *    incoming is more confident (strictly);
 *  - women/children victims: OR;
 *  - category: the incoming one when the stored is "none", or when incoming is more
 *    confident and not "none";
 *  - confidence and evidence (when incoming has any): incoming's when more confident;
 *  - the SimHash when the stored event has none;
 *  - status and detail_json stay (the detail is merged by event_merge_detail). */
void event_merge(const struct event *stored, const struct event *incoming, struct event *out);

/* The detail of a new event: e's detail_json (an object, else {}) with "sources" set to
 * [figures of article_id] (empty when article_id is 0). Compact JSON; caller frees. */
char *event_detail_new(const struct event *e, int64_t article_id);
/* The detail after a merge: stored_detail with the keys of incoming->detail_json it lacks
 * (never "sources"), and incoming's figures from article_id appended to "sources" while it
 * holds fewer than EVENT_SOURCES_KEPT. Figures: article_id, category, confidence, event_date,
 * regency_code, killed, injured (null when not stated), women_children_victims. Compact JSON
 * (reals to 4 digits); caller frees. */
char *event_merge_detail(const char *stored_detail, const struct event *incoming,
                         int64_t article_id);

/* ---- merge candidates -------------------------------------------------------------------- */

/* The dates [lo, hi] of candidates for an event on date (valid "YYYY-MM-DD"): days (negative
 * counts as 0) either side. lo and hi hold 11 bytes. */
void event_candidate_window(const char *date, int days, char lo[11], char hi[11]);
/* Hamming distance of two SimHashes. */
int event_simhash_distance(uint64_t a, uint64_t b);
/* Order of candidates: nearer first, then the newer (higher id) first. <0, 0, >0 as strcmp. */
int event_candidate_cmp(int dist_a, int64_t id_a, int dist_b, int64_t id_b);

/* ---- ACLED and SNPK (acled.c; docs/export.md) --------------------------------------------- */

/* ACLED's types of an event (static strings). */
struct event_acled {
    const char *disorder_type;  /* "Political violence", "Demonstrations", ... */
    const char *event_type;     /* "Riots", "Battles", "Violence against civilians", ... */
    const char *sub_event_type; /* "Mob violence", "Armed clash", "Attack", ... */
};
/* The crosswalk: ACLED's types for an event of category (an unknown one counts as
 * other_violence) whose violence the detector read as form (detail "form"; NULL = unknown),
 * which decides only between Battles and Violence against civilians for separatist_armed. */
void event_acled_types(const char *category, const char *form, struct event_acled *out);
/* SNPK's issue of category ("Sumber Daya", "Identitas", ...), "" for none or unknown. */
const char *event_snpk_issue(const char *category);

#endif
