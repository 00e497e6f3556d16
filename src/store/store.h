/*
 * store: the only module that speaks SQL. Everything Waspada keeps (regions, users, sessions,
 * audit log; later articles, events, alerts, plans) goes through this interface.
 *
 * Backend-neutral: callers see domain operations, never SQL, statements or rows. SQLite (WAL,
 * foreign keys, FTS5) is the embedded backend; a PostgreSQL backend can implement the same
 * functions later without touching detect, warn, plan or http.
 *
 * Concurrency: a `struct store` is one connection and must be used by one thread at a time.
 * Threads each open their own (store_open is cheap after the first migration). Never carry a
 * store across fork().
 *
 * Writes: every function that changes data runs in one transaction and writes its audit row
 * (who, when, action, object, before/after JSON) in that same transaction. When the caller
 * already holds a transaction (store_begin), nested calls join it instead.
 *
 * Memory: results with variable-size fields are allocated from a caller-supplied arena and
 * live as long as that arena; fixed-size results are copied into caller structs.
 *
 * Errors: 0 ok or a negative WSP_E* code with err filled: WSP_ENOTFOUND for a missing object,
 * WSP_EEXIST for a uniqueness conflict, WSP_EINVAL for a bad value, WSP_EBUSY when the
 * database stayed locked past the busy timeout, WSP_EDB for anything else.
 */
#ifndef WSP_STORE_H
#define WSP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct store; /* opaque: one connection */

/* Latest schema version this build knows. */
int store_schema_latest(void);

/* Open (creating if needed) the database and migrate it to the latest schema. path is a
 * SQLite file (WAL mode, foreign keys on, a busy timeout) or a postgresql:// URL. */
int store_open(struct store **out, const char *path, struct error *err);
/* "sqlite" or "postgresql". */
const char *store_engine_name(const struct store *s);
/* Whether a --db value names a PostgreSQL database (a postgresql:// or postgres:// URL). */
bool store_target_is_postgres(const char *target);
/* Open without migrating (for tests and `waspada init` diagnostics). */
int store_open_raw(struct store **out, const char *path, struct error *err);
void store_close(struct store *s);

/* Current schema version of the open database (0 for an empty file). */
int store_schema_version(struct store *s, int *version, struct error *err);
/* Apply migrations up to `target` (store_schema_latest() for all), each in one transaction.
 * Refuses (WSP_EINVAL) a database newer than this build. */
int store_migrate(struct store *s, int target, struct error *err);

/* Explicit transactions, for callers that group several store calls. Writes inside join it.
 * They nest: the outermost is BEGIN IMMEDIATE (takes the write lock at once; WSP_EBUSY after
 * the busy timeout), inner levels are savepoints, so a write that fails inside a caller's
 * transaction undoes only its own changes. store_rollback with none open is a no-op. */
int store_begin(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
void store_rollback(struct store *s);

/* The early-warning leader lock, for several servers on one PostgreSQL database: one of them
 * (the holder) writes alerts and delivers webhooks. PostgreSQL: a session advisory lock on
 * this connection, released when the connection ends (a server that dies loses it within
 * the server's TCP keep-alive or at once when its process is gone). SQLite: one writer,
 * always granted. store_leader_try takes it when free; store_leader_held says whether this
 * connection still holds it (false after the driver reconnected). */
int store_leader_try(struct store *s, bool *got, struct error *err);
int store_leader_held(struct store *s, bool *held, struct error *err);

/* Copy every table of src into dst (`waspada db copy`; either engine to either): dst must be
 * at the same schema version and hold no rows (a new database opened with store_open); rows
 * keep their ids; one transaction on dst, so a failure leaves it empty; then the row counts
 * of every table are compared (WSP_EINTERNAL names a table that differs). progress (may be
 * NULL) hears each table with its rows once it is copied. */
typedef void store_copy_progress_fn(void *ud, const char *table, int64_t rows);
int store_copy(struct store *src, struct store *dst, store_copy_progress_fn *progress, void *ud,
               struct error *err);
/* The tables store_copy copies, in its order. */
const char *const *store_copy_tables(size_t *n);

/* News between the servers of one PostgreSQL database: store_listen subscribes this
 * connection to it (events written, alert history grown: schema v12's triggers notify at
 * commit); store_wait_news waits up to timeout_ms and sets *news when some arrived. After an
 * error (the connection was lost) call store_listen again. SQLite has no news (one server,
 * which polls): WSP_EINVAL. */
int store_listen(struct store *s, struct error *err);
int store_wait_news(struct store *s, int timeout_ms, bool *news, struct error *err);

/* Long operations (an import, a backup, a key rotation) tell fn how far they are: phase names
 * the step ("writing", "indexing", "copying"), done and total count its units (rows, pages;
 * total 0 when unknown). Called often and on the caller's thread: fn decides how often to
 * show anything. NULL removes the hook. */
typedef void (*store_progress_fn)(void *ud, const char *phase, int64_t done, int64_t total);
void store_set_progress(struct store *s, store_progress_fn fn, void *ud);

/* What GET /metrics reports from the database (store/metrics.c): totals every server of the
 * database sees alike. No personal field is read. */
struct store_metrics {
    int64_t events, articles, reports;
    int64_t alerts_open_waspada, alerts_open_siaga, alerts_open_awas;
    int64_t deliveries_pending, deliveries_delivered, deliveries_failed, deliveries_retried;
    int64_t feeds, feeds_failing, feeds_last_poll; /* last poll: seconds since the epoch, 0 */
    int64_t db_bytes;                              /* the database's size on disk */
    int64_t regions;
    int64_t alerts_last_change; /* the last alert history row's time, 0 = none */
};
int store_metrics_read(struct store *s, struct store_metrics *m, struct error *err);

/* Copy the live database to dest with the online backup API (safe while serving).
 * WSP_EEXIST when dest exists; the copy is written to a temporary name next to dest and
 * linked into place only when complete. */
int store_backup(struct store *s, const char *dest, struct error *err);

/* ---- who is acting (for the audit log) -------------------------------------------------- */

struct store_actor {
    int64_t user_id;      /* 0 = system or command line */
    const char *username; /* "system", "cli" or the user's name */
    const char *client;   /* client address or NULL */
};

/* ---- regions ---------------------------------------------------------------------------- */

struct store_region {
    const char *code;        /* "32.73" */
    const char *parent_code; /* NULL for provinces */
    int level;               /* 1 province .. 4 village, as enum geo_level */
    const char *name;
};

/* Insert regions that are not there yet (by code); one transaction. *inserted may be NULL.
 * Rows may come in any order (parents are inserted first); existing rows are not changed.
 * An unknown parent or a bad level is WSP_EINVAL and nothing is inserted. Writes one audit
 * row "regions.sync" {"inserted":N} as "system" when N > 0 (re-syncing at start-up is quiet). */
int store_regions_sync(struct store *s, const struct store_region *rows, size_t n, size_t *inserted,
                       struct error *err);
/* Number of regions at a level (0 = all). */
int store_region_count(struct store *s, int level, size_t *count, struct error *err);
/* WSP_ENOTFOUND when the code is not a known region. */
int store_region_exists(struct store *s, const char *code, struct error *err);

/* ---- users ------------------------------------------------------------------------------ */

struct store_user {
    int64_t id;
    char username[64];
    char role[16];   /* admin, pusat, provinsi, kabkota, pelapor */
    char region[32]; /* scope: region code prefix; "" = national */
    char full_name[128];
    bool disabled;
    int64_t created_at; /* seconds since epoch */
    int64_t updated_at;
    char password_hash[160]; /* argon2id string; only filled by store_user_get_auth */
};

/* Create a user; on success *id is the new id (id may be NULL). WSP_EEXIST when the username
 * is taken. Usernames are case-insensitive: 1..63 of [A-Za-z0-9._@-], stored lower-cased.
 * WSP_EINVAL for a bad username, unknown role, empty hash or unknown region (u->region "" =
 * national). Audit: "user.add", object "user"/id, after = the user as JSON without hash. */
int store_user_add(struct store *s, const struct store_user *u, const char *password_hash,
                   const struct store_actor *actor, int64_t *id, struct error *err);
/* Look up without the password hash. */
int store_user_get(struct store *s, int64_t id, struct store_user *out, struct error *err);
int store_user_get_by_name(struct store *s, const char *username, struct store_user *out,
                           struct error *err);
/* Look up with the password hash, for login. Disabled users are returned too: check
 * out->disabled. */
int store_user_get_auth(struct store *s, const char *username, struct store_user *out,
                        struct error *err);
/* Set a new password hash and end all of the user's sessions (they log in again). */
int store_user_set_password(struct store *s, int64_t id, const char *password_hash,
                            const struct store_actor *actor, struct error *err);
/* WSP_ENOTFOUND for an unknown id. Audit: "user.passwd" with after {"password_changed":true}
 * (never the hash). Existing sessions are kept (the caller decides whether to end them). */
/* Disabling a user also ends all their sessions. Audit: "user.disable" / "user.enable" with
 * before/after {"disabled":...}. WSP_ENOTFOUND for an unknown id. */
int store_user_set_disabled(struct store *s, int64_t id, bool disabled,
                            const struct store_actor *actor, struct error *err);
/* All users ordered by username, allocated from arena. */
int store_user_list(struct store *s, struct arena *arena, struct store_user **out, size_t *n,
                    struct error *err);

/* ---- sessions --------------------------------------------------------------------------- */

struct store_session {
    int64_t user_id;
    int64_t created_at;
    int64_t expires_at;
    int64_t last_seen_at;
};

/* token_hash: hex SHA-256 of the session token (the token itself is never stored).
 * created_at = last_seen_at = time_now(). WSP_EINVAL for an unknown user, WSP_EEXIST for a
 * token hash already in use. No audit row (the HTTP layer audits logins). */
int store_session_create(struct store *s, const char *token_hash, int64_t user_id,
                         int64_t expires_at, const char *client, struct error *err);
/* Session and its (enabled) user; WSP_ENOTFOUND when missing, expired, or the user is
 * disabled. Touches last_seen_at at most once a minute. This runs on every request, so user
 * comes without the full name (full_name ""; it is sealed, and opening it was more than half of
 * the lookup's cost): store_user_get reads it where it is shown. */
int store_session_get(struct store *s, const char *token_hash, int64_t now,
                      struct store_session *sess, struct store_user *user, struct error *err);
/* 0 also when there is no such session (logout is idempotent). */
int store_session_delete(struct store *s, const char *token_hash, struct error *err);
/* Remove expired sessions; *removed may be NULL. */
int store_session_purge(struct store *s, int64_t now, size_t *removed, struct error *err);

/* ---- audit log -------------------------------------------------------------------------- */

struct store_audit {
    int64_t id;
    int64_t at;
    int64_t user_id;
    const char *username;
    const char *client;
    const char *action;      /* "user.add", "user.passwd", "auth.login", ... */
    const char *object_type; /* "user", "session", ... */
    const char *object_id;
    const char *before_json; /* NULL when none */
    const char *after_json;  /* NULL when none */
};

/* Append an audit row at time_now(). Joins the caller's transaction when one is open
 * (store_begin). actor NULL = "system"; user_id 0 is read back as 0. action and object_type
 * must be non-empty; the other strings may be NULL. */
int store_audit_add(struct store *s, const struct store_actor *actor, const char *action,
                    const char *object_type, const char *object_id, const char *before_json,
                    const char *after_json, struct error *err);

struct store_audit_query {
    const char *action;      /* exact, or NULL */
    const char *object_type; /* exact, or NULL */
    const char *object_id;   /* exact, or NULL */
    int64_t user_id;         /* 0 = any */
    size_t offset;
    size_t limit; /* 0 = 100 */
};

/* Newest first; strings allocated from arena; *total = rows matching the filters. */
int store_audit_list(struct store *s, const struct store_audit_query *q, struct arena *arena,
                     struct store_audit **out, size_t *n, size_t *total, struct error *err);

/* ==== articles, events, reports, feeds (schema v3; owner: ingest/events work of issue 3) ==== */

/*
 * Articles: what was read (a news page, a feed item, a community report, a local file), with
 * a full-text index over title and body kept in step in the same transaction.
 *
 * Idempotent by two keys: the canonical URL (when there is one) and the content hash, SHA-256
 * of the body normalized the one way store_content_hash() defines (ASCII case-folded,
 * whitespace collapsed). Putting an article that exists by either key changes nothing and
 * returns the existing id with *existed = true.
 */
struct store_article {
    const char *source_type;   /* "news", "feed", "report" or "file" */
    const char *url;           /* as given or fetched, or NULL */
    const char *canonical_url; /* dedup key, or NULL (the caller canonicalizes) */
    const char *title;         /* or NULL */
    const char *body;          /* required, non-empty UTF-8 */
    const char *published;     /* "YYYY-MM-DD" or NULL */
    const char *lang;          /* NULL = "id" */
    int64_t fetched_at;        /* 0 = time_now() */
};

/* Hex SHA-256 (65 bytes with NUL) of the normalized body: the content dedup key. */
void store_content_hash(const char *body, size_t len, char out[65]);

/* Insert an article (audit "article.add") or find the existing one. WSP_EINVAL for an unknown
 * source type, an empty body or a bad date. existed may be NULL. */
int store_article_put(struct store *s, const struct store_article *a,
                      const struct store_actor *actor, int64_t *id, bool *existed,
                      struct error *err);
/* Id of the article with this canonical URL; WSP_ENOTFOUND when none. */
int store_article_find_url(struct store *s, const char *canonical_url, int64_t *id,
                           struct error *err);
/* Number of articles (for summaries and tests). */
int store_article_count(struct store *s, size_t *count, struct error *err);

/*
 * Events: conflict events (or community-report leads) with the verification workflow
 * menunggu (waiting) -> terverifikasi (verified) / ditolak (rejected) -> dalam_penanganan
 * (being handled) -> selesai (closed); ditolak -> menunggu reopens. Each event links to one or
 * more source articles; the same event told by several outlets is one event.
 *
 * The region key of an event is its regency code, or its province code when the regency is
 * unknown (NULL when both are). Region filters and scopes apply to that key on whole code
 * segments, so a regency scope ("32.73") does not see events known only to the province.
 */
struct store_event {
    int64_t id;
    const char *category;      /* detect category name ("inter_group_clash", ... "none") */
    const char *province_code; /* NULL = unknown */
    const char *regency_code;  /* NULL = unknown; inside province_code */
    const char *place_code;    /* district or village, NULL = unknown */
    const char *event_date;    /* "YYYY-MM-DD" or NULL */
    long killed;               /* -1 = not stated */
    long injured;              /* -1 = not stated */
    bool women_children_victims;
    double confidence; /* 0..1 */
    const char *status;
    const char *status_note;
    int64_t verified_by; /* user id of the last verify/reject decision, 0 = none */
    uint64_t simhash;
    bool has_simhash;
    const char *evidence_json; /* JSON array, or NULL */
    const char *detail_json;   /* JSON object of richer fields, or NULL */
    int64_t created_at, updated_at;
    size_t nsources; /* filled by list and get */
};

/* The rules of events (vocabularies, workflow, checks, merging) live in events/events.h; the
 * store applies them. These two are the same as event_status_valid and
 * event_transition_allowed. */
bool store_event_status_valid(const char *status);
bool store_event_transition_allowed(const char *from, const char *to);

/* Create an event from e (id, status when NULL = "menunggu", timestamps and nsources are
 * set by the store) with article_id as its first source (0 = none). Audit "event.add". */
int store_event_create(struct store *s, const struct store_event *e, int64_t article_id,
                       const struct store_actor *actor, int64_t *id, struct error *err);

/* Near-duplicate candidates for an incoming event: same province (both unknown counts as
 * same), event dates within +-days of each other (or both unknown), and SimHash Hamming
 * distance <= max_distance. Sorted by distance, then newest first; at most max_out.
 * out[i] is the event (without nsources, left 0); dist[i] its distance. Both arrays come
 * from arena. */
int store_event_candidates(struct store *s, const char *province_code, const char *event_date,
                           int days, uint64_t simhash, int max_distance, size_t max_out,
                           struct arena *arena, struct store_event **out, int **dist, size_t *n,
                           struct error *err);

/* Merge a new report of event_id from article_id: confidence becomes the maximum; unknown
 * fields (regency inside the same province, place, date) are filled from the new source;
 * killed/injured come from the most confident source that states them; women/children is
 * OR-ed; every source's own figures are kept in detail_json "sources". Adds the source link.
 * Audit "event.merge" with before/after. WSP_ENOTFOUND for an unknown event. */
int store_event_merge(struct store *s, int64_t event_id, const struct store_event *incoming,
                      int64_t article_id, const struct store_actor *actor, struct error *err);
/* Link one more source article (no other change). Adding an existing link is a no-op. */
int store_event_add_source(struct store *s, int64_t event_id, int64_t article_id,
                           const struct store_actor *actor, struct error *err);

enum store_event_sort {
    STORE_EVENT_SORT_DATE = 0, /* event_date newest first (unknown dates last), then id */
    STORE_EVENT_SORT_CONFIDENCE,
    STORE_EVENT_SORT_CREATED
};

/* A position in a list's order (keyset pagination): the list goes on after the row with this
 * sort key and id, however many rows were added before it meanwhile. */
struct store_event_after {
    int64_t id;         /* 0 = from the first row */
    const char *date;   /* SORT_DATE: that row's event_date, NULL when it had none */
    double confidence;  /* SORT_CONFIDENCE */
    int64_t created_at; /* SORT_CREATED */
};

/* Every scope x filter x order a query can ask for is served by an index in its order (no
 * sort of all matches): a scope or region is equality on events.province_code (a province
 * code) or events.region_code (a regency code: the region key is never finer than a regency),
 * so the walk stops after limit rows that pass the other filters. */
struct store_event_query {
    const char *scope;     /* visibility: NULL or "" (national) = everything; else a code
                            * prefix on the region key (events without one are excluded) */
    const char *region;    /* filter: code prefix on the region key, or NULL */
    const char *category;  /* or NULL */
    const char *from;      /* event_date >= from ("YYYY-MM-DD"), or NULL */
    const char *to;        /* event_date <= to, or NULL */
    const char *q;         /* words that must all occur in a source article (full text), or NULL;
                            * only the newest STORE_EVENT_SEARCH_MAX matching articles count */
    bool q_skip_reports;   /* q searches news only, not the words of community reports */
    double min_confidence; /* hides unverified leads (menunggu) below it; 0 = none */
    const char *status;    /* or NULL */
    bool verified_only;    /* only terverifikasi, dalam_penanganan and selesai (what the public
                            * sees as verified) */
    enum store_event_sort sort;
    struct store_event_after after; /* keyset position (after.id 0 = none); offset is ignored */
    size_t offset;                  /* rows skipped (costs as many index steps: prefer after) */
    size_t limit;                   /* 0 = 50 */
    bool no_total;                  /* the caller needs no total: no count is run */
};

#define STORE_EVENT_TOTAL_MAX 1000  /* totals are counted up to this, flagged inexact beyond */
#define STORE_EVENT_SEARCH_MAX 5000 /* full text: the newest matching articles looked at */

/* One page of a list. rows from the arena. */
struct store_event_page {
    struct store_event *rows;
    size_t n;
    bool more;          /* rows follow the last one (its key is the next page's after) */
    size_t total;       /* all matches, at most STORE_EVENT_TOTAL_MAX */
    bool total_exact;   /* false: there are more than total (or the search was capped) */
    bool search_capped; /* q matched more than STORE_EVENT_SEARCH_MAX articles */
};

/* A page of the events matching q; strings from arena. The total costs at most
 * STORE_EVENT_TOTAL_MAX + 1 index steps; none when the first page is not full. */
int store_event_page(struct store *s, const struct store_event_query *q, struct arena *arena,
                     struct store_event_page *out, struct error *err);

/* The same as a plain list: *total as store_event_page's total (may be NULL). */
int store_event_list(struct store *s, const struct store_event_query *q, struct arena *arena,
                     struct store_event **out, size_t *n, size_t *total, struct error *err);

/* The engine's plan for every statement store_event_page would run for q (SQLite: the
 * EXPLAIN QUERY PLAN details, one a line, each statement's after a line "--"), appended to
 * out. For the tests that hold every scope x filter x order to an index. */
int store_event_list_plan(struct store *s, const struct store_event_query *q, struct buf *out,
                          struct error *err);

/* Where the events of a page come from, in one query (exports): for each of ids[0..n) its
 * source articles' type and URL, ordered by event id then article id, at most
 * STORE_EVENT_REFS_MAX per event. Strings and *out from arena. */
#define STORE_EVENT_REFS_MAX 8
struct store_event_ref {
    int64_t event_id;
    const char *source_type; /* "news", "report", ... */
    const char *url;         /* NULL for a report */
};
int store_event_source_refs(struct store *s, const int64_t *ids, size_t n, struct arena *arena,
                            struct store_event_ref **out, size_t *nout, struct error *err);

/* One source of an event. Reporter identity is filled only for non-anonymous reports; the
 * caller decides who may see it. */
struct store_event_source {
    int64_t article_id;
    const char *source_type;
    const char *url;
    const char *title;
    const char *published;
    int64_t fetched_at;
    int64_t added_at;
    /* reports only (report_id 0 otherwise) */
    int64_t report_id;
    bool anonymous;
    const char *report_region;     /* region code given with the report, or NULL */
    const char *report_fields;     /* the structured fields as JSON */
    const char *report_text;       /* the composed report text (article body) */
    int64_t reporter_user_id;      /* 0 when anonymous */
    const char *reporter_username; /* NULL when anonymous */
    const char *reporter_name;     /* NULL when anonymous */
};

/* Event with its sources (oldest first); strings and the array from arena. The sources are
 * read only when both sources and nsources are non-NULL. */
int store_event_get(struct store *s, int64_t id, struct arena *arena, struct store_event *out,
                    struct store_event_source **sources, size_t *nsources, struct error *err);

/* Move an event to a new status with a note (NULL = none). WSP_EINVAL for an unknown status,
 * WSP_ENOTFOUND for an unknown event, WSP_EEXIST when the workflow does not allow the move
 * (err says which moves are allowed). Sets verified_by to the actor on terverifikasi/ditolak.
 * Audit "event.status" with before/after {"status","note"}. */
int store_event_set_status(struct store *s, int64_t id, const char *status, const char *note,
                           const struct store_actor *actor, struct error *err);

/*
 * Community reports (FKDM field reports): the report's text is an article (source type
 * "report") and its lead an event; who reported is kept only here, apart from both.
 */
struct store_report {
    int64_t reporter_user_id; /* required */
    bool anonymous;           /* identity hidden from everyone, the audit log included */
    const char *region_code;  /* region given by the reporter, or NULL */
    const char *fields_json;  /* {"what","where","when","who","victims"} as JSON */
};

/* Store a report in one transaction: its article (deduplicated per reporter: the same text
 * sent again by the same reporter is the same report), the report row and a new lead event
 * (lead->status NULL = "menunggu"). On a resend *existed is true and the ids are those of the
 * first report; a resend with r->anonymous makes a named first report anonymous and takes the
 * reporter out of its audit rows (audit "report.anonymous"). Audit "report.add" and
 * "event.add", by actor (the caller passes no name for an anonymous report). */
int store_report_create(struct store *s, const struct store_article *a,
                        const struct store_report *r, const struct store_event *lead,
                        const struct store_actor *actor, int64_t *report_id, int64_t *event_id,
                        bool *existed, struct error *err);

/* ==== field messages in (schema v15, issue 16 item 3; src/intake, store/intake.c) ==== */

/* A gateway that posts SMS/WhatsApp messages to POST /api/v1/intake/{name}. */
struct store_intake_channel {
    int64_t id;
    char name[64];
    char secret[80];         /* opened; "" when discarded with a lost key (accepts nothing) */
    int64_t rate_per_minute; /* messages a minute, 0 = no limit */
    bool disabled;
    int64_t created_at, updated_at;
};
/* Add a channel with its secret (sealed). Names: 1..63 of [a-z0-9_-]. WSP_EEXIST when taken.
 * Audit "intake_channel.add" (the name and rate, never the secret). */
int store_intake_channel_add(struct store *s, const char *name, const char *secret,
                             int64_t rate_per_minute, const struct store_actor *actor, int64_t *id,
                             struct error *err);
/* By name, secret opened. WSP_ENOTFOUND when there is none. */
int store_intake_channel_get(struct store *s, const char *name, struct store_intake_channel *out,
                             struct error *err);
/* Every channel, by name, without secrets (arena array). */
int store_intake_channel_list(struct store *s, struct arena *a, struct store_intake_channel **out,
                              size_t *n, struct error *err);
/* Disable or enable; a new secret (secret not NULL) at the same time. Audit
 * "intake_channel.update". WSP_ENOTFOUND. */
int store_intake_channel_update(struct store *s, const char *name, bool disabled,
                                const char *secret, const struct store_actor *actor,
                                struct error *err);

/* The key of the phones' lookup hashes (32 bytes), made on first use and kept sealed in the
 * database (phone_key); after `key init --discard-sealed` lost it, a new one is made and the
 * phones that went with the old one are forgotten. */
int store_phone_key(struct store *s, unsigned char key[32], struct error *err);
/* Set (phone and hash given: the normalised number and its intake_phone_hash) or clear
 * (phone NULL) a user's number. WSP_EEXIST when another user has it. Audit "user.phone"
 * (set or cleared, never the number). */
int store_user_set_phone(struct store *s, int64_t user_id, const char *phone, const char *hash,
                         const struct store_actor *actor, struct error *err);
/* A user's number opened into out ("" when none). */
int store_user_phone(struct store *s, int64_t user_id, char *out, size_t outsz, struct error *err);
/* The user with this phone hash, without the full name (full_name ""). WSP_ENOTFOUND when
 * none. */
int store_user_by_phone(struct store *s, const char *hash, struct store_user *out,
                        struct error *err);

/* The first answer to a gateway's message (channel, message id): *found false when none. The
 * answer (JSON text) is copied into the arena. */
int store_intake_answer_get(struct store *s, int64_t channel_id, const char *message_id,
                            struct arena *a, bool *found, int *status, const char **answer,
                            struct error *err);
/* Record the answer to a message inside the caller's transaction (or its own). WSP_EEXIST when
 * the message id is already answered (a concurrent resend: read that answer). */
int store_intake_answer_put(struct store *s, int64_t channel_id, const char *message_id, int status,
                            const char *answer, int64_t report_id, int64_t lead_id,
                            struct error *err);

/* A message from a number no active reporter has: an unverified lead, never public. */
struct store_intake_lead {
    int64_t id;
    int64_t channel_id;
    const char *channel; /* the channel's name */
    const char *phone;   /* opened; NULL when discarded with a lost key */
    const char *phone_hash;
    const char *region_code; /* the code the message gave, or NULL */
    const char *text;
    const char *via; /* "sms", "whatsapp", ... or NULL */
    int64_t received_at;
    const char *status;     /* baru, dipromosikan, dibuang */
    int64_t report_id;      /* 0 unless promoted */
    const char *decided_by; /* or NULL */
    int64_t decided_at;
    const char *note; /* the decision's note, or NULL */
    int64_t created_at;
};
/* Add a lead (phone sealed). Audit "intake_lead.add" by actor, without the number or text. */
int store_intake_lead_add(struct store *s, const struct store_intake_lead *l,
                          const struct store_actor *actor, int64_t *id, struct error *err);
struct store_intake_lead_query {
    const char *scope;  /* "" or NULL: every lead (admin); else leads with a region inside it */
    bool regional_only; /* only leads that gave a region (a national desk that is not admin) */
    const char *status; /* or NULL for all */
    int64_t before_id;  /* keyset page: ids below it (0 = from the newest) */
    int limit;          /* 1..200 */
};
/* Leads, newest first (arena array). */
int store_intake_lead_list(struct store *s, const struct store_intake_lead_query *q,
                           struct arena *a, struct store_intake_lead **out, size_t *n,
                           struct error *err);
int store_intake_lead_get(struct store *s, int64_t id, struct arena *a,
                          struct store_intake_lead *out, struct error *err);
/* Decide a new lead: status "dipromosikan" (report_id the report made from it) or "dibuang".
 * WSP_EEXIST when it was decided already. Audit "intake_lead.promote" / "intake_lead.discard"
 * with the note. Inside the caller's transaction when there is one. */
int store_intake_lead_decide(struct store *s, int64_t id, const char *status, int64_t report_id,
                             const char *note, const struct store_actor *actor, struct error *err);

/* Feeds polled by `waspada ingest --feeds`, with their HTTP cache validators. */
struct store_feed {
    int64_t id;
    const char *url;
    const char *title;         /* or NULL */
    const char *etag;          /* or NULL */
    const char *last_modified; /* or NULL */
    int64_t last_polled_at;    /* 0 = never */
    int64_t next_poll_at;      /* 0 = now */
    int failures;              /* consecutive failed polls */
    const char *last_error;    /* or NULL */
    int64_t created_at;
};

/* WSP_EEXIST when the URL is already a feed. Audit "feed.add". */
int store_feed_add(struct store *s, const char *url, const char *title,
                   const struct store_actor *actor, int64_t *id, struct error *err);
/* All feeds by URL; strings from arena. */
int store_feed_list(struct store *s, struct arena *arena, struct store_feed **out, size_t *n,
                    struct error *err);
/* WSP_ENOTFOUND when no feed has this URL. Audit "feed.remove". */
int store_feed_remove(struct store *s, const char *url, const struct store_actor *actor,
                      struct error *err);
/* Record a poll: validators (NULL keeps the old ones), times, failure count, last error
 * (NULL = clear). Audit "feed.poll" with the outcome. */
int store_feed_update_poll(struct store *s, int64_t id, const struct store_feed *poll,
                           const struct store_actor *actor, struct error *err);

/* ==== plan and control (schema v4; owner: plan work of issue 5) ============================ */

/*
 * Timdu registry, forums, regional action plans (RAD) with actions, Pokja and version history,
 * the reporting calendar, progress reports with evidence metadata, conflict cases, and the
 * queries behind compliance. The domain rules (who may, which transitions, scores) live in
 * src/plan; the store keeps data consistent: every change is one transaction with its audit
 * row (before/after JSON), and a RAD's content (title, actions, Pokja) changes only while its
 * status is "draft" or "dikembalikan" (WSP_EEXIST otherwise). Dates are "YYYY-MM-DD" text.
 * Strings of results come from the caller's arena. Lists are filtered by `scope` (a region
 * code prefix on whole segments, NULL or "" = national) and optional filters.
 */

struct store_calendar {
    char plan_type[8];    /* "pks", "p3aks" */
    char period_type[12]; /* "b4", "quarter", "month" */
    int deadline_days;
    int grace_days;
    int64_t updated_at;
};

/* Every plan type's calendar (at most max rows). */
int store_calendar_list(struct store *s, struct store_calendar *out, size_t max, size_t *n,
                        struct error *err);
int store_calendar_get(struct store *s, const char *plan_type, struct store_calendar *out,
                       struct error *err);
/* Audit "calendar.set". WSP_EINVAL for an unknown period type or out-of-range days. */
int store_calendar_set(struct store *s, const struct store_calendar *c,
                       const struct store_actor *actor, struct error *err);

struct store_timdu {
    int64_t id;
    const char *region_code;
    const char *sk_number, *sk_date, *signed_by;
    const char *valid_until; /* NULL = until replaced */
    const char *chair_name, *chair_title, *notes;
    int64_t created_at, updated_at;
    size_t nmembers; /* filled by list */
};

struct store_timdu_member {
    int64_t id, timdu_id;
    const char *name, *position, *agency;
    const char *agency_type;   /* opd, polri, tni, kejaksaan, pengadilan, kemenag, masyarakat,
                                * lainnya */
    const char *subteam;       /* pencegahan, penghentian, pemulihan or NULL */
    const char *phone, *email; /* personal contact data */
};

/* Audit "timdu.add" / "timdu.update" / "timdu.delete". */
int store_timdu_add(struct store *s, const struct store_timdu *t, const struct store_actor *actor,
                    int64_t *id, struct error *err);
/* Replace the fields of timdu t->id (region cannot change). */
int store_timdu_update(struct store *s, const struct store_timdu *t,
                       const struct store_actor *actor, struct error *err);
int store_timdu_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err);
/* One Timdu and its members (members may be NULL when not wanted). */
int store_timdu_get(struct store *s, int64_t id, struct arena *arena, struct store_timdu *out,
                    struct store_timdu_member **members, size_t *nmembers, struct error *err);
/* Newest SK first. region: filter prefix or NULL. */
int store_timdu_list(struct store *s, const char *scope, const char *region, struct arena *arena,
                     struct store_timdu **out, size_t *n, struct error *err);
/* Audit "timdu.member.add" / "timdu.member.delete" (object: the timdu). */
int store_timdu_member_add(struct store *s, const struct store_timdu_member *m,
                           const struct store_actor *actor, int64_t *id, struct error *err);
int store_timdu_member_delete(struct store *s, int64_t timdu_id, int64_t member_id,
                              const struct store_actor *actor, struct error *err);

struct store_forum {
    int64_t id;
    const char *region_code;
    const char *kind; /* fkdm, forkopimda, fkub, fkb */
    const char *name, *sk_number;
    const char *contact_name, *contact_phone, *contact_email; /* personal contact data */
    int64_t created_at, updated_at;
};

/* Audit "forum.add" / "forum.update" / "forum.delete". */
int store_forum_add(struct store *s, const struct store_forum *f, const struct store_actor *actor,
                    int64_t *id, struct error *err);
int store_forum_update(struct store *s, const struct store_forum *f,
                       const struct store_actor *actor, struct error *err);
int store_forum_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err);
int store_forum_get(struct store *s, int64_t id, struct arena *arena, struct store_forum *out,
                    struct error *err);
int store_forum_list(struct store *s, const char *scope, const char *region, struct arena *arena,
                     struct store_forum **out, size_t *n, struct error *err);

struct store_rad {
    int64_t id;
    const char *region_code;
    int year;
    const char *plan_type; /* "pks", "p3aks" */
    const char *title;
    const char *status; /* draft, diajukan, dikembalikan, disetujui */
    const char *review_notes;
    int version;
    int64_t submitted_at, reviewed_at; /* 0 = never */
    const char *reviewed_by;
    int64_t created_at, updated_at;
    size_t nactions;  /* filled by get and list */
    int64_t anggaran; /* sum over actions, filled by get and list */
};

struct store_rad_action {
    int64_t id, rad_id;
    int seq; /* order in the plan, 1-based; set by the store on add */
    const char *phase, *program, *kegiatan, *indikator;
    double target;
    const char *unit;
    const char *targets_json; /* per-period targets {"B-04": 2, ...} or NULL */
    int64_t anggaran;         /* rupiah */
    const char *sumber_dana, *opd, *instansi_terkait, *focus;
    bool p3aks;
    const char *start_date, *end_date; /* or NULL = the plan year */
    const int64_t *case_ids;           /* linked conflict cases */
    size_t ncases;
    int64_t created_at, updated_at;
};

struct store_pokja {
    int64_t id, rad_id;
    const char *name, *agency, *role;
};

struct store_rad_version {
    int64_t id;
    int version;
    const char *status;
    const char *change; /* "create", "update", "action.add", "submit", "return", ... */
    const char *note;
    const char *username;
    int64_t at;
    const char *snapshot_json; /* only from store_rad_version_get */
};

struct store_rad_query {
    const char *scope, *region; /* prefixes or NULL */
    int year;                   /* 0 = any */
    const char *plan_type, *status;
};

/* New draft plan (version 1). WSP_EEXIST when the region already has one for that year and
 * type. Audit "rad.add". */
int store_rad_create(struct store *s, const struct store_rad *r, const struct store_actor *actor,
                     int64_t *id, struct error *err);
int store_rad_get(struct store *s, int64_t id, struct arena *arena, struct store_rad *out,
                  struct error *err);
/* WSP_ENOTFOUND when the region has no plan of that year and type. */
int store_rad_find(struct store *s, const char *region, int year, const char *plan_type,
                   struct arena *arena, struct store_rad *out, struct error *err);
/* Ordered by year (newest first), region code, type. */
int store_rad_list(struct store *s, const struct store_rad_query *q, struct arena *arena,
                   struct store_rad **out, size_t *n, struct error *err);
/* Change the title (editable plans only). Audit "rad.update". */
int store_rad_set_title(struct store *s, int64_t id, const char *title,
                        const struct store_actor *actor, struct error *err);
/* Workflow move from -> to (compare-and-set: WSP_EEXIST when the plan is no longer in `from`).
 * change names the move ("submit", "return", "approve"); notes are kept as review notes
 * (NULL clears them on submit). Sets submitted_at or reviewed_at/by. Audit "rad.<change>". */
int store_rad_set_status(struct store *s, int64_t id, const char *from, const char *to,
                         const char *change, const char *notes, const struct store_actor *actor,
                         struct error *err);
/* Actions of a plan in order, with their linked case ids. */
int store_rad_actions(struct store *s, int64_t rad_id, struct arena *arena,
                      struct store_rad_action **out, size_t *n, struct error *err);
/* One action and (rad may be NULL) its plan. */
int store_rad_action_get(struct store *s, int64_t id, struct arena *arena,
                         struct store_rad_action *out, struct store_rad *rad, struct error *err);
/* Audit "action.add" / "action.update" / "action.delete"; each adds a plan version. */
int store_rad_action_add(struct store *s, int64_t rad_id, const struct store_rad_action *a,
                         const struct store_actor *actor, int64_t *id, struct error *err);
int store_rad_action_update(struct store *s, const struct store_rad_action *a,
                            const struct store_actor *actor, struct error *err);
int store_rad_action_delete(struct store *s, int64_t id, const struct store_actor *actor,
                            struct error *err);
/* Import a whole action matrix in one transaction: creates the plan (draft) when missing,
 * otherwise replaces all its actions (editable plans only: WSP_EEXIST otherwise). Nothing is
 * written when anything fails. Audit "rad.import" {"actions":N}; one plan version. */
int store_rad_import(struct store *s, const struct store_rad *r, const struct store_rad_action *a,
                     size_t n, const struct store_actor *actor, int64_t *rad_id, bool *created,
                     struct error *err);
int store_pokja_list(struct store *s, int64_t rad_id, struct arena *arena, struct store_pokja **out,
                     size_t *n, struct error *err);
/* Audit "pokja.add" / "pokja.delete"; each adds a plan version. */
int store_pokja_add(struct store *s, const struct store_pokja *p, const struct store_actor *actor,
                    int64_t *id, struct error *err);
int store_pokja_delete(struct store *s, int64_t rad_id, int64_t id, const struct store_actor *actor,
                       struct error *err);
/* Version history, newest first (without snapshots). */
int store_rad_versions(struct store *s, int64_t rad_id, struct arena *arena,
                       struct store_rad_version **out, size_t *n, struct error *err);
int store_rad_version_get(struct store *s, int64_t rad_id, int version, struct arena *arena,
                          struct store_rad_version *out, struct error *err);

/* One row of the per-OPD view: an action with its plan and latest progress. */
struct store_opd_action {
    struct store_rad_action action;
    const char *plan_type, *plan_status;
    int64_t rad_id;
    const char *last_period; /* latest progress report period, or NULL */
    double last_physical_pct;
    int64_t budget_realized; /* sum over reports */
};

/* Every action of every plan of region (exactly) and year, ordered by OPD. */
int store_opd_actions(struct store *s, const char *region, int year, struct arena *arena,
                      struct store_opd_action **out, size_t *n, struct error *err);

/* ---- safe public spaces (spaces.c; issue 14 item 3) -------------------------------------
 * Ruang publik ramah perempuan dan anak of a region's RAD P3AKS (the rules: src/p3aks). A
 * space belongs to the plan of region_code (a province or regency, which never changes after
 * it is added) and lies in village_code (a desa/kelurahan inside it). Writes are checked with
 * p3aks_space_check, and a linked action with p3aks_space_action_check (WSP_EINVAL "unknown
 * action <id>" when there is none); each is one transaction with its audit row
 * "space.add" / "space.update" / "space.delete" (object "space", every field, before/after).
 * Deleting the action leaves the space without one (ON DELETE SET NULL). */

struct store_space {
    int64_t id;
    const char *region_code;
    const char *village_code; /* NULL = not given */
    const char *name, *kind;
    const char *status; /* NULL on add = "direncanakan" */
    int64_t action_id;  /* 0 = none */
    bool has_coords;
    double latitude, longitude;
    const char *notes;
    int64_t created_at, updated_at;
    /* filled by get and list */
    const char *region_name, *village_name; /* village_name NULL without a village */
    const char *action_kegiatan;            /* NULL without an action */
    int64_t rad_id;
    const char *rad_region, *rad_type;
    int rad_year;
};

#define STORE_SPACE_LIMIT_DEFAULT 100

struct store_space_query {
    /* Prefixes on whole segments (NULL or "" = any): a space matches when its region_code or
     * its village_code lies inside both. */
    const char *scope, *region;
    const char *status, *kind; /* exact, NULL = any */
    int64_t action_id, rad_id; /* 0 = any: linked to that action / an action of that plan */
    int64_t after_id;          /* keyset: spaces with a larger id (0 = from the start) */
    size_t limit;              /* 0 = STORE_SPACE_LIMIT_DEFAULT */
};

int store_space_add(struct store *s, const struct store_space *sp, const struct store_actor *actor,
                    int64_t *id, struct error *err);
int store_space_get(struct store *s, int64_t id, struct arena *arena, struct store_space *out,
                    struct error *err);
/* Replace every field of sp->id but its region. */
int store_space_update(struct store *s, const struct store_space *sp,
                       const struct store_actor *actor, struct error *err);
int store_space_delete(struct store *s, int64_t id, const struct store_actor *actor,
                       struct error *err);
/* In id order, at most q->limit; *next_after (may be NULL) is the after_id of the next page,
 * 0 when this one is the last. */
int store_space_list(struct store *s, const struct store_space_query *q, struct arena *arena,
                     struct store_space **out, size_t *n, int64_t *next_after, struct error *err);

struct store_progress {
    int64_t id, action_id;
    const char *period;  /* "B-04", "TW2", "M07" */
    double physical_pct; /* 0..100 */
    int64_t budget_realized;
    const char *narrative, *kendala, *tindak_lanjut;
    int64_t submitted_at;
    const char *submitted_by;
    int64_t updated_at;
    /* filled by get and list */
    int64_t rad_id;
    const char *region_code, *plan_type, *kegiatan, *opd;
    int year;
    size_t nevidence;
};

struct store_progress_query {
    const char *scope, *region;
    int year;
    const char *plan_type, *period;
    int64_t rad_id, action_id; /* 0 = any */
};

/* WSP_EEXIST when the action already has a report for the period. submitted_at is
 * p->submitted_at when non-zero (imports, demo), else now. Audit "progress.add". */
int store_progress_add(struct store *s, const struct store_progress *p,
                       const struct store_actor *actor, int64_t *id, struct error *err);
/* Replace the values (period and submission time stay). Audit "progress.update". */
int store_progress_update(struct store *s, const struct store_progress *p,
                          const struct store_actor *actor, struct error *err);
int store_progress_get(struct store *s, int64_t id, struct arena *arena, struct store_progress *out,
                       struct error *err);
int store_progress_list(struct store *s, const struct store_progress_query *q, struct arena *arena,
                        struct store_progress **out, size_t *n, struct error *err);

struct store_evidence {
    int64_t id, report_id;
    const char *filename, *content_type, *sha256;
    int64_t size;
    int64_t created_at;
    const char *created_by;
};

/* Metadata of a file already written to disk. Audit "evidence.add". */
int store_evidence_add(struct store *s, const struct store_evidence *e,
                       const struct store_actor *actor, int64_t *id, struct error *err);
int store_evidence_get(struct store *s, int64_t id, struct arena *arena, struct store_evidence *out,
                       struct error *err);
int store_evidence_list(struct store *s, int64_t report_id, struct arena *arena,
                        struct store_evidence **out, size_t *n, struct error *err);

struct store_case {
    int64_t id;
    const char *title;
    const char *region_code; /* primary region (scope key) */
    const char **regions;    /* further regions */
    size_t nregions;
    const char *issue; /* SNPK typology */
    const char *parties;
    const char *status; /* potensi, aktif, dihentikan, pemulihan, selesai */
    const char *origin; /* manual, event, alert */
    int64_t event_id;   /* 0 = none */
    const char *alert_ref;
    const char *skk_level, *skk_decree, *skk_start, *skk_end; /* Status Keadaan Konflik */
    const char *public_summary;
    int64_t created_at, updated_at;
    const char *proposed_phase; /* phase of the event's open proposal (read only), or NULL */
};

struct store_case_action {
    int64_t id, case_id;
    const char *phase, *action_date, *description, *agency;
    int64_t created_at;
};

/* Counts by sex ("l"/"p") and age group ("anak", "dewasa", "lansia"): index sex*3 + age. */
#define STORE_VICTIM_GROUPS 6

struct store_victim {
    int64_t id;
    const char *name;
    const char *sex; /* "l", "p" or NULL */
    int age;         /* -1 = unknown */
    const char *address, *condition;
};

struct store_case_query {
    const char *scope, *region, *status, *issue;
};

/* Audit "case.add" / "case.update" (with before/after). */
int store_case_add(struct store *s, const struct store_case *c, const struct store_actor *actor,
                   int64_t *id, struct error *err);
/* Replace every field of c->id (and its further regions). old_status: compare-and-set on the
 * status (WSP_EEXIST when it changed meanwhile). */
int store_case_update(struct store *s, const struct store_case *c, const char *old_status,
                      const struct store_actor *actor, struct error *err);
int store_case_get(struct store *s, int64_t id, struct arena *arena, struct store_case *out,
                   struct error *err);
int store_case_list(struct store *s, const struct store_case_query *q, struct arena *arena,
                    struct store_case **out, size_t *n, struct error *err);
/* The newest case opened from event_id (cases.event_id); WSP_ENOTFOUND when none. */
int store_case_of_event(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_case *out, struct error *err);
/* Decide the open proposal proposal_id of case case_id's event in one transaction: accept
 * (new_status non-NULL: the case moves old_status -> new_status by compare-and-set, as
 * store_case_update) or dismiss (new_status NULL). The proposal must be open and belong to the
 * case's event (WSP_EEXIST when it is not that event's open proposal, e.g. decided
 * meanwhile; WSP_ENOTFOUND when the case was not opened from an event). Audit "proposal.accept" /
 * "proposal.dismiss" (object: the case) with the proposal, and "case.update" for the status move.
 * note may be NULL. */
int store_case_decide_proposal(struct store *s, int64_t case_id, int64_t proposal_id,
                               const char *old_status, const char *new_status, const char *note,
                               const struct store_actor *actor, struct error *err);
/* Audit "case.action.add". */
int store_case_action_add(struct store *s, const struct store_case_action *a,
                          const struct store_actor *actor, int64_t *id, struct error *err);
int store_case_actions(struct store *s, int64_t case_id, struct arena *arena,
                       struct store_case_action **out, size_t *n, struct error *err);
/* Replace counts and set the named victims: one with an id (it must be one of the case's, at
 * most once: WSP_EINVAL otherwise) keeps its row and its services, one without is added, and
 * the case's victims left out are deleted with their services. Names, addresses and
 * conditions are sealed (store_bind_sealed). The audit row "case.victims" holds the counts,
 * the number of named victims and the ids kept or added and removed, never personal data. */
int store_case_victims_set(struct store *s, int64_t case_id, const long counts[STORE_VICTIM_GROUPS],
                           const struct store_victim *v, size_t n, const struct store_actor *actor,
                           struct error *err);
/* v may be NULL when only counts are wanted. */
int store_case_victims_get(struct store *s, int64_t case_id, long counts[STORE_VICTIM_GROUPS],
                           struct arena *arena, struct store_victim **v, size_t *n,
                           struct error *err);

/* ---- services of a named victim (schema v13; services.c) ---- */

/* A need of a named victim and the service that answers it (src/p3aks has the rules, which
 * the caller applies before writing: p3aks_service_check). Days are "YYYY-MM-DD" or NULL;
 * provider "" = not known yet; note and refusal_reason are sealed like the victim's name. */
struct store_service {
    int64_t id, victim_id;
    const char *type, *status, *provider;
    const char *needed_on, *referred_on, *received_on, *completed_on, *refused_on;
    const char *refusal_reason, *note;
    const char *created_by; /* username of the officer who recorded the need */
    int64_t created_at, updated_at;
};

/* The case of named victim victim_id; WSP_ENOTFOUND "no victim with id '<id>'". */
int store_victim_case(struct store *s, int64_t victim_id, int64_t *case_id, struct error *err);
/* Add a service to sv->victim_id (status NULL = "dibutuhkan"). Audit "service.add" (object
 * "victim_service") with type, status, provider and days: no name, note or reason. WSP_EINVAL
 * for an unknown victim. */
int store_service_add(struct store *s, const struct store_service *sv,
                      const struct store_actor *actor, int64_t *id, struct error *err);
/* Oldest first. */
int store_service_list(struct store *s, int64_t victim_id, struct arena *arena,
                       struct store_service **out, size_t *n, struct error *err);
int store_service_get(struct store *s, int64_t id, struct arena *arena, struct store_service *out,
                      struct error *err);
/* Write status, provider, the days, refusal reason and note of sv->id; old_status is a
 * compare-and-set on the status (WSP_EEXIST when it changed meanwhile). Audit
 * "service.update" with before and after as for service.add. */
int store_service_update(struct store *s, const struct store_service *sv, const char *old_status,
                         const struct store_actor *actor, struct error *err);

/* Compliance input for one region, year and plan type (see plan_compliance_compute). */
struct store_plan_status {
    bool timdu;             /* a Timdu SK dated <= ref_date and valid on it */
    const char *rad_status; /* NULL = no plan */
    struct {
        int64_t id;
        const char *start_date, *end_date;
    } * actions; /* actions of the plan when it is approved */
    size_t nactions;
    struct {
        int64_t action_id;
        const char *period;
        int64_t submitted_at;
    } * reports; /* reports of those actions */
    size_t nreports;
};

int store_plan_status(struct store *s, const char *region, int year, const char *plan_type,
                      const char *ref_date, struct arena *arena, struct store_plan_status *out,
                      struct error *err);
/* Regions of a compliance view: every province (region NULL or ""), a province and its
 * regencies/cities, or one regency. WSP_ENOTFOUND for an unknown code. */
int store_plan_regions(struct store *s, const char *region, struct arena *arena,
                       struct store_region **out, size_t *n, struct error *err);
/* Name of a region (from arena); WSP_ENOTFOUND when unknown. */
int store_region_name(struct store *s, const char *code, struct arena *arena, const char **name,
                      struct error *err);

/* ==== early warning (schema v5; owner: early-warning work of issue 4, phase 2) =============== */

/*
 * Alerts: one per region and episode of the early-warning engine (src/warn). The engine's side
 * (level, highest level, open or closed, days, score, explanation, driving events) is written
 * by the warn service; the human workflow baru -> ditindaklanjuti -> selesai and escalation by
 * people and the escalation timer. Every write adds an alert_history row and an audit row in
 * one transaction. Strings of results come from the caller's arena. Levels are the engine's
 * names ("normal", "waspada", "siaga", "awas"); days "YYYY-MM-DD".
 */
struct store_alert {
    int64_t id;
    const char *region_code; /* regency, province or "ID" */
    const char *level;       /* current shown level ("normal" once the episode closed) */
    const char *max_level;   /* highest level reached */
    const char *status;      /* baru, ditindaklanjuti, selesai */
    bool is_open;            /* the engine's episode is still open */
    bool retracted;          /* corrected or rejected events took the episode away */
    const char *first_day, *last_day, *close_day; /* close_day NULL while open */
    double score;
    const char *method; /* warn_method_name of the step that set the highest level */
    const char *explanation_id, *explanation_en;
    const char *event_ids_json;                /* JSON array of event ids that drove it */
    const char *escalated_to;                  /* NULL, "province" or "national" */
    int64_t escalated_at, acked_at, closed_at; /* 0 = never */
    const char *acked_by, *closed_by;
    int64_t created_at, updated_at;
    /* Belum terverifikasi (schema v7): the episode rests on unverified leads alone (engine
     * field, warn_episode.unverified); verified_at: when it last became a verified alert, 0
     * while unverified. Escalation counts from verified_at. */
    bool unverified;
    int64_t verified_at;
    /* The first response recorded on it (schema v14, store_alert_response_add), 0 = none. */
    int64_t responded_at;
};

struct store_alert_history {
    int64_t id, alert_id, at;
    const char *kind; /* opened, level, closed, reopened, retracted, ack, close, escalate,
                       * verified, unverified, response */
    const char *level, *day, *note; /* or NULL */
    const char *username;
};

/* "baru", "ditindaklanjuti", "selesai"; true when known. */
bool store_alert_status_valid(const char *status);

/* Insert a new alert from the engine fields of a (status "baru"; verified_at now unless
 * a->unverified) with a history row "opened" (level = a->level, day = a->first_day). Audit
 * "alert.open". */
int store_alert_create(struct store *s, const struct store_alert *a,
                       const struct store_actor *actor, int64_t *id, struct error *err);
/* Replace the engine fields of alert a->id (level, max_level, is_open, retracted, days, score,
 * method, explanations, event ids, unverified; verified_at is set when unverified clears and
 * emptied when it comes back) and add a history row of kind (opened, level, closed, reopened,
 * retracted, verified, unverified; NULL = none, for quiet reconciliation) with level and day.
 * Audit "alert.<kind>" or "alert.sync". WSP_ENOTFOUND for an unknown id. */
int store_alert_update_engine(struct store *s, const struct store_alert *a, const char *kind,
                              const char *level, const char *day, const struct store_actor *actor,
                              struct error *err);
/* Workflow: ack moves baru -> ditindaklanjuti, close moves baru or ditindaklanjuti -> selesai;
 * WSP_EEXIST when the alert is not in such a status (err says which it is). History "ack" /
 * "close" with the note and the actor; audit "alert.ack" / "alert.close". */
int store_alert_ack(struct store *s, int64_t id, const char *note, const struct store_actor *actor,
                    struct error *err);
int store_alert_close(struct store *s, int64_t id, const char *note,
                      const struct store_actor *actor, struct error *err);
/* Escalate an alert nobody answered yet (status baru or ditindaklanjuti, no response recorded)
 * to "province" or "national" (compare-and-set on the current escalated_to: from NULL or
 * "province"; WSP_EEXIST when it changed or the alert was answered or closed meanwhile).
 * History "escalate"; audit "alert.escalate". */
int store_alert_escalate(struct store *s, int64_t id, const char *from, const char *to,
                         const char *note, const struct store_actor *actor, struct error *err);
int store_alert_get(struct store *s, int64_t id, struct arena *arena, struct store_alert *out,
                    struct error *err);

struct store_alert_query {
    const char *scope;     /* visibility prefix on region_code (whole segments); NULL = all */
    const char *region;    /* filter prefix, or NULL; "ID" = only national alerts */
    const char *min_level; /* highest level at least this, or NULL */
    const char *status;    /* or NULL */
    const char *from, *to; /* episodes overlapping [from, to] ("YYYY-MM-DD"), or NULL */
    int open;              /* -1 any, 0 closed episodes, 1 open episodes */
    bool with_retracted;   /* include retracted alerts */
    int answered;          /* -1 or 0 any; 1 with a response; 2 without (schema v14) */
    size_t offset;
    size_t limit; /* 0 = 50 */
};

/* Newest first (first_day, then id); *total = all matches (may be NULL). */
int store_alert_list(struct store *s, const struct store_alert_query *q, struct arena *arena,
                     struct store_alert **out, size_t *n, size_t *total, struct error *err);
/* History of an alert, oldest first. */
int store_alert_history_list(struct store *s, int64_t alert_id, struct arena *arena,
                             struct store_alert_history **out, size_t *n, struct error *err);

/* ---- responses to alerts (schema v14; responses.c; issue 16) ----
 * An officer's response: the RAD actions it activated (each with its phase, kegiatan and OPD
 * as they read then; action_id 0 once the action was deleted), a note, who and when. Which
 * actions may be named is the caller's rule (src/plan: plan_alert_suggestions_load). */
struct store_alert_response_action {
    int64_t action_id;
    const char *phase, *kegiatan, *opd;
};

struct store_alert_response {
    int64_t id, alert_id;
    const char *note; /* or NULL */
    const char *username;
    int64_t created_at;
    struct store_alert_response_action *actions;
    size_t nactions;
};

/* Record a response on alert_id in one transaction: the response and its actions, a history
 * row "response" with the note, the alert acknowledged by the same officer when it was still
 * baru (status ditindaklanjuti, acked_at/acked_by), audit "alert.response" with the action
 * ids and the note. WSP_ENOTFOUND for an unknown alert, WSP_EEXIST for a retracted one,
 * WSP_EINVAL for an action named twice or an unknown action id. */
int store_alert_response_add(struct store *s, int64_t alert_id,
                             const struct store_alert_response *r, const struct store_actor *actor,
                             int64_t *id, struct error *err);
/* Responses of an alert, oldest first, with their actions. */
int store_alert_responses(struct store *s, int64_t alert_id, struct arena *arena,
                          struct store_alert_response **out, size_t *n, struct error *err);

/* One verified, not retracted alert whose first day lies in [from, to] under scope, with when
 * its clock started (verified_at, else created_at) and its first response (0 = none). */
struct store_alert_answer {
    int64_t alert_id;
    const char *region_code;
    int64_t start_at, first_response_at;
};
int store_alert_answers(struct store *s, const char *scope, const char *from, const char *to,
                        struct arena *arena, struct store_alert_answer **out, size_t *n,
                        struct error *err);

/* The alert feed: alert_history rows in id order (ids grow and commit in the same order, so
 * they survive restarts and serve as SSE event ids), each with its alert as stored now. */
struct store_alert_change {
    int64_t id; /* alert_history id */
    int64_t at;
    const char *kind; /* as in struct store_alert_history */
    struct store_alert alert;
};

/* History rows with after < id (and id <= upto when upto > 0) whose alert lies in scope
 * (visibility prefix on region_code, whole segments; NULL = all), oldest first, at most max
 * (0 = 500). */
int store_alert_feed(struct store *s, int64_t after, int64_t upto, const char *scope, size_t max,
                     struct arena *arena, struct store_alert_change **out, size_t *n,
                     struct error *err);
/* The newest alert_history id (0 when there is none). */
int store_alert_feed_last(struct store *s, int64_t *id, struct error *err);

/* Event change feed: events written (created, merged, status changed) after cursor `after`,
 * in commit order, at most max. ev.id is set for every change; the other fields only when
 * !deleted. *next is the cursor to pass next time (unchanged when none). */
struct store_event_change {
    int64_t seq;
    bool deleted;
    struct store_event ev; /* without nsources */
};
int store_event_changes(struct store *s, int64_t after, size_t max, struct arena *arena,
                        struct store_event_change **out, size_t *n, int64_t *next,
                        struct error *err);

/* ==== follow-ups and phase proposals (schema v6; owner: issue 9, "follow-ups join their event")
 */

/*
 * Article roles: what kind of news the detector said an article is ("event", "followup",
 * "prevention", "crime", "abroad", "not_article", "other"); NULL for older articles and
 * community reports.
 *
 * Follow-ups: later news of an event (arrests, funerals, trials, peace and reconciliation),
 * linked to the event apart from its sources: they never count as sources and never change
 * the event (counts, status, confidence). Which event a follow-up belongs to is decided by
 * ingest (ingest_followup_match); the store only saves and loads.
 *
 * Phase proposals: a move of the event's conflict case to another phase (pemulihan after a
 * reconciliation), proposed by ingest and accepted or dismissed by an officer through the case.
 * A proposal sits on the event, so a case opened from the event later shows it; at most one is
 * open per event.
 */

/* Set the role (and the cue that set it, or NULL) of a stored article. WSP_EINVAL for an
 * unknown role, WSP_ENOTFOUND for an unknown article. No audit row: the role is part of the
 * article's "article.add", written in the same transaction by ingest. */
int store_article_set_role(struct store *s, int64_t article_id, const char *role, const char *cue,
                           struct error *err);
/* Number of articles with this role (NULL = without a role). */
int store_article_count_role(struct store *s, const char *role, size_t *count, struct error *err);

struct store_followup {
    int64_t event_id, article_id;
    const char *article_date; /* "YYYY-MM-DD" the match used, or NULL */
    bool reconciliation;      /* the follow-up reports peace or reconciliation */
    const char *cue;          /* the detector's cue ("ikrar damai"), or NULL */
    const char *why;          /* why it joined this event ("same regency, 5 days after"), or NULL */
    double score;
    int64_t added_at;
    /* filled by store_followup_list: the article */
    const char *role; /* article role, normally "followup" */
    const char *source_type, *url, *title, *published;
};

/* Link article f->article_id to event f->event_id as a follow-up. Linking again is a no-op.
 * WSP_EINVAL for an unknown event or article. Audit "event.followup" (object: the event). */
int store_followup_add(struct store *s, const struct store_followup *f,
                       const struct store_actor *actor, struct error *err);
/* Follow-ups of an event, oldest article date first (unknown dates last); strings from arena. */
int store_followup_list(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_followup **out, size_t *n, struct error *err);

struct store_proposal {
    int64_t id, event_id;
    int64_t article_id; /* the article behind it, 0 = none (or deleted) */
    const char *phase;  /* pencegahan, penghentian, pemulihan */
    const char *note;
    const char *state; /* open, accepted, dismissed */
    const char *proposed_by;
    int64_t created_at;
    int64_t case_id; /* the case it was decided on, 0 = none */
    const char *decided_by, *decision_note;
    int64_t decided_at; /* 0 = open */
    /* the article, filled by get/list */
    const char *article_title, *article_url;
};

/* Add an open proposal for event p->event_id (phase, note, article_id; state, times and
 * decision are set by the store). When the event already has an open proposal nothing is
 * written and *existed is true (existed may be NULL), *id the open one. WSP_EINVAL for an
 * unknown phase or event. Audit "proposal.add" (object: the event). */
int store_proposal_add(struct store *s, const struct store_proposal *p,
                       const struct store_actor *actor, int64_t *id, bool *existed,
                       struct error *err);
/* The open proposal of an event; WSP_ENOTFOUND when there is none. */
int store_proposal_open(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_proposal *out, struct error *err);
/* Every proposal of an event, newest first. */
int store_proposal_list(struct store *s, int64_t event_id, struct arena *arena,
                        struct store_proposal **out, size_t *n, struct error *err);

/* Declared Status Keadaan Konflik of conflict cases (cases.skk_start/skk_end), by case. */
struct store_declared_status {
    const char *region_code;
    const char *start, *end; /* "YYYY-MM-DD"; end NULL = open (the engine caps it at 90 days) */
};
int store_declared_statuses(struct store *s, struct arena *arena,
                            struct store_declared_status **out, size_t *n, struct error *err);

/* Webhook subscriptions. */
struct store_webhook {
    int64_t id;
    const char *url;
    const char *secret;        /* filled only by store_webhook_get */
    const char *region_prefix; /* "" = every region */
    const char *min_level;     /* waspada, siaga, awas */
    bool active;
    const char *created_by;
    int64_t created_at, updated_at;
};
/* WSP_EINVAL for a URL that is not http(s), an unknown level or a bad region prefix.
 * Audit "webhook.add" (without the secret). */
int store_webhook_add(struct store *s, const struct store_webhook *w,
                      const struct store_actor *actor, int64_t *id, struct error *err);
/* Active ones only when active_only. Secrets are not filled. */
int store_webhook_list(struct store *s, bool active_only, struct arena *arena,
                       struct store_webhook **out, size_t *n, struct error *err);
int store_webhook_get(struct store *s, int64_t id, struct arena *arena, struct store_webhook *out,
                      struct error *err);
/* Deactivate (the delivery log stays). WSP_ENOTFOUND for an unknown or inactive id. Pending
 * deliveries fail. Audit "webhook.remove". */
int store_webhook_remove(struct store *s, int64_t id, const struct store_actor *actor,
                         struct error *err);

struct store_delivery {
    int64_t id, webhook_id, alert_id;
    const char *event;   /* "alert.opened", ... */
    const char *payload; /* the JSON body */
    const char *state;   /* pending, delivered, failed */
    int attempt;         /* attempts made */
    int status_code;     /* of the last attempt, 0 = none */
    const char *error;   /* of the last attempt, or NULL */
    int64_t next_attempt_at, delivered_at, created_at, updated_at;
    /* filled by store_delivery_due: the subscription */
    const char *url, *secret;
};
/* Queue a delivery (pending, due now). No audit row (the delivery log is the record). */
int store_delivery_add(struct store *s, int64_t webhook_id, int64_t alert_id, const char *event,
                       const char *payload, int64_t *id, struct error *err);
/* Pending deliveries due at now of active subscriptions, oldest first, at most max. */
int store_delivery_due(struct store *s, int64_t now, size_t max, struct arena *arena,
                       struct store_delivery **out, size_t *n, struct error *err);
/* Record an attempt: state "delivered", "pending" (retry at next_attempt_at) or "failed". */
int store_delivery_record(struct store *s, int64_t id, const char *state, int status_code,
                          const char *error, int64_t next_attempt_at, struct error *err);
/* Delivery log of a subscription, newest first, at most limit (0 = 100). */
int store_delivery_list(struct store *s, int64_t webhook_id, size_t limit, struct arena *arena,
                        struct store_delivery **out, size_t *n, struct error *err);

/* ==== P3AKS figures (schema v13; owner: issue 14, item 2) ================================== */

/*
 * The rows behind the figures of access to and quality of services for women and child
 * victims (p3aks_figures_compute in src/p3aks, which decides every rule). Read only what the
 * figures need: never a victim's name, address or condition, nor a service's note or refusal
 * reason.
 */
struct p3aks_fig_rows;

/* The cases recorded in year (created_at in that year in WIB, UTC+7) whose primary region is
 * region or lies under it on whole segments (NULL or "" = every region), with their counts
 * tables; their named victims (id, case, sex, age); and those victims' services (id, victim,
 * type, provider, status, needed_on, referred_on, received_on); each ordered by id. Strings
 * and arrays come from arena. WSP_EINVAL for a year outside 1900..9999. */
int store_p3aks_rows(struct store *s, const char *region, int year, struct arena *arena,
                     struct p3aks_fig_rows *out, struct error *err);

/* ==== events imported from other datasets (schema v8; owner: issue 12, `import events`) ==== */

/*
 * Historical events from a dataset (SNPK, ACLED or UCDP exports) written in bulk. Each keeps
 * the name the importer gave its dataset (`source`) and its id there: (source, source_id) is
 * the key, so importing the same rows again changes nothing and a changed row updates its
 * event. An imported event is an ordinary event (no source article; confidence 1) that the
 * early-warning service reads through the event change feed like any other. Its status starts
 * as terverifikasi when the dataset says verified, else menunggu (a lead that counts); on a
 * later import a row that turned verified moves a waiting event to terverifikasi and a row
 * that is no longer verified moves an event the import had verified back to menunggu, while
 * an officer's later decisions (ditolak, dalam_penanganan, selesai) stay. detail_json holds
 * {"import": {"source", "id", "verified"}, "source_url", "house_of_worship"} (the last two
 * only when given).
 */
struct store_event_import {
    int64_t source_id;       /* the event's id in its dataset */
    const char *region_code; /* province, regency or finer ("32", "32.73", "32.73.01") */
    const char *event_date;  /* "YYYY-MM-DD" */
    const char *category;    /* detect category name; NULL = "none" */
    long killed, injured;    /* >= 0 */
    bool verified;           /* the dataset says a person confirmed it */
    bool house_of_worship;   /* a house of worship was attacked */
    const char *source_url;  /* http(s) link to the source, or NULL */
};

struct store_import_stats {
    size_t inserted, updated, unchanged;
};

/* "snpk", "acled-2024": 1..32 of [a-z0-9._-], starting with a letter or digit. */
bool store_import_source_valid(const char *source);

/* Write rows as events of source in one transaction (all or nothing) with one audit row
 * "event.import" (object "import"/source, after {"source", "label", "rows", "inserted",
 * "updated", "unchanged"}; label names the input, e.g. the file, or NULL) when anything
 * changed. Rows are written in date order (it keeps a big import's index writes local);
 * callers pass each source_id once (two new rows with one id are WSP_EEXIST). WSP_EINVAL for
 * a bad source name or row (the message names the row's source_id), including a region code
 * the database does not know; nothing is written then. stats may be NULL. */
int store_event_import(struct store *s, const char *source, const char *label,
                       const struct store_event_import *rows, size_t n,
                       const struct store_actor *actor, struct store_import_stats *stats,
                       struct error *err);

/* ==== throttle state shared by the servers of one database (schema v11; owner: issue 13) ==== */

/*
 * The login counters and write buckets of auth (auth.h) in the table throttle, so that the
 * servers of one PostgreSQL database throttle an attacker together, whichever server each
 * attempt reaches, and a restart forgets nothing. (A SQLite database has one server, which
 * keeps this state in memory: auth_ratelimit.) The rules are auth's (auth_login_admit,
 * auth_login_record, auth_bucket_wait/take); here each call loads its keys' states, applies
 * the rule and saves what changed, in one transaction that locks the rows first: PostgreSQL
 * inserts the missing keys (ON CONFLICT DO NOTHING) and reads them FOR UPDATE in key order,
 * so two servers serialise on a shared key; SQLite's BEGIN IMMEDIATE takes the database. Call
 * them outside a transaction (inside one, the rows stay locked until it ends).
 *
 * The states, keyed as auth_ratelimit keys them: "lp:<user>|<address>" (auth_login_pair),
 * "la:<address>" (auth_fails), "lu:<user>" (auth_login_user), the user being the name
 * lower-cased (ASCII) and cut at 64 bytes (at a UTF-8 character's end); write buckets
 * "wu:<user id>", "wa:<address>", report buckets "ru:<user id>", "ra:<address>".
 *
 * now_ms: wall-clock milliseconds since the epoch (store_throttle_now_ms()), the clock every
 * server shares. A clock stepped back lengthens waits by the step, never shortens them; a
 * server whose clock runs ahead by d sees others' waits shorter by d (keep clocks in NTP).
 * About once a minute a call also deletes expired rows (store_throttle_purge).
 */
struct auth_login_policy;
struct auth_write_limits;

/* Wall-clock milliseconds since the epoch (CLOCK_REALTIME). */
int64_t store_throttle_now_ms(void);
/* auth_login_admit() on the shared states of (user, addr): *wait_ms 0 = may try now, else
 * the wait. On an error *wait_ms is 0 but nothing was admitted: callers must refuse. */
int store_throttle_login_admit(struct store *s, const struct auth_login_policy *p, const char *user,
                               const char *addr, int64_t now_ms, int64_t *wait_ms,
                               struct error *err);
/* auth_login_record() of an admitted attempt's outcome on the same states. */
int store_throttle_login_record(struct store *s, const struct auth_login_policy *p,
                                const char *user, const char *addr, bool ok, int64_t now_ms,
                                struct error *err);
/* One state-changing request against the write buckets (as auth_ratelimit_write: user_id 0
 * = not logged in, report adds the report limits; unlimited rates keep no state): *wait_ms 0
 * = allowed and taken from every bucket, else the wait and no bucket changed. */
int store_throttle_write(struct store *s, const struct auth_write_limits *lim, int64_t user_id,
                         const char *addr, bool report, int64_t now_ms, int64_t *wait_ms,
                         struct error *err);
/* Delete the rows expired more than a minute before now_ms (the minute allows for servers'
 * clocks that differ), in batches, skipping rows another transaction holds. purged may be
 * NULL. */
int store_throttle_purge(struct store *s, int64_t now_ms, size_t *purged, struct error *err);

/* ==== sealed personal fields (schema v13, issue 14 item 4; src/seal, store/sealed.c) ==== */

/*
 * Victims' names, addresses, conditions and service notes, Timdu members' and forums'
 * contacts and users' full names are sealed before they are written and opened after they
 * are read, with the key ring attached to the store. The key ring belongs to the caller and
 * must outlive every store it is attached to.
 *
 * A database is sealed once seal_state has its row (the key id and a verifier): from then on
 * a store without the key, or with another key, refuses to write these fields, and
 * store_seal_check refuses to start. A value written before the database was sealed reads
 * as it is.
 */
struct seal_keyring;

/* What a value sealed with a lost key becomes in a NOT NULL column (store_seal_discard), and
 * what a user's full name that does not open reads as. */
#define STORE_SEALED_DISCARDED "(terkunci: kunci hilang)"
#define STORE_SEALED_UNREADABLE "(tidak dapat dibuka)"

/* The key ring of this connection (NULL: none). */
void store_set_keyring(struct store *s, const struct seal_keyring *kr);
/* The key ring every store opened from now on gets (set once at start-up, before threads
 * open stores: the HTTP server's, the early-warning service's and ingest's connections). */
void store_seal_default(const struct seal_keyring *kr);
const struct seal_keyring *store_seal_default_keyring(void);
/* The "table.column" names of the sealed fields, in one fixed order. */
const char *const *store_sealed_fields(size_t *n);

/* Whether the database is sealed, and with which key id (17 bytes, "" when not). */
int store_seal_state(struct store *s, bool *sealed, char key_id[17], struct error *err);

struct store_seal_report {
    bool sealed;           /* the database is sealed (now) */
    bool initialised;      /* this call sealed it (store_seal_check, store_seal_discard) */
    bool purged;           /* SQLite: old pages rebuilt away and the WAL emptied */
    char key_id[17];       /* the key id it is sealed with */
    int64_t sealed_values; /* values sealed or re-sealed by this call */
    int64_t discarded;     /* values given up (store_seal_discard) */
};

/* The start-up check (every command that serves or writes personal fields calls it once,
 * before other stores are opened). key_file names the expected key file in messages (may be
 * NULL). With the store's key ring (store_set_keyring):
 *  - sealed database, no key: WSP_EPERM naming the key file and the docs;
 *  - sealed with a key id the ring does not hold, or a verifier that does not open:
 *    WSP_EPERM ("this database was sealed with key X; the key file holds Y");
 *  - not sealed, no key: 0 (plaintext, as before sealing existed);
 *  - not sealed, a key: seals every existing value of every sealed field and writes
 *    seal_state in one transaction (audit "key.seal"; old audit rows of users and forums lose
 *    their personal keys), then on SQLite rebuilds the file and empties the WAL so no
 *    plaintext survives there.
 * rep (may be NULL) says what was found and done. */
int store_seal_check(struct store *s, const char *key_file, const struct store_actor *actor,
                     struct store_seal_report *rep, struct error *err);
/* Re-seal every sealed value under the ring's first key and record it in seal_state, in one
 * transaction (audit "key.rotate" with the key ids, never key material), then purge old pages
 * as store_seal_check. The ring must hold the database's current key too (it opens the old
 * values). WSP_EINVAL when the database is not sealed. */
int store_seal_rotate(struct store *s, const struct store_actor *actor,
                      struct store_seal_report *rep, struct error *err);
/* The key is lost: every value sealed with it becomes NULL, or STORE_SEALED_DISCARDED in a
 * NOT NULL column (victims' names, users' full names); the rest is sealed under the ring's
 * first key, a new key: one transaction, audit "key.discard_sealed" with the counts.
 * WSP_EEXIST when the ring holds the database's key (nothing is lost), WSP_EINVAL when the
 * database is not sealed. */
int store_seal_discard(struct store *s, const struct store_actor *actor,
                       struct store_seal_report *rep, struct error *err);

struct store_seal_count {
    const char *field; /* "table.column", static */
    int64_t sealed;    /* values in sealed form */
    int64_t plain;     /* values not sealed (before the database was sealed) */
};
/* The counts per sealed field, at most max of them (all: store_sealed_fields' n). */
int store_seal_counts(struct store *s, struct store_seal_count *out, size_t max, size_t *n,
                      struct error *err);

#endif
