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

/* Open (creating if needed) the database at path and migrate it to the latest schema.
 * Sets WAL mode, foreign keys on and a busy timeout. */
int store_open(struct store **out, const char *path, struct error *err);
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
 * disabled. Touches last_seen_at at most once a minute. */
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

#endif
