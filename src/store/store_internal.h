/*
 * store internals shared by the store's files (store.c, migrations.c, users.c, sessions.c,
 * audit.c, regions.c, articles.c, events.c, reports.c, feeds.c, ...), which speak to either
 * database engine through db.h. Not part of the public interface.
 *
 * Statement cache: every SQL statement has an id in enum store_stmt_id. The first use prepares
 * it (persistent) and keeps it until store_close(). Statements are prepared
 * lazily so that a database at an older schema version (store_open_raw + store_migrate) can
 * still use the statements whose tables exist. After use, a statement must be released with
 * stmt_done() so it does not hold a read snapshot open (which would stall WAL checkpoints).
 *
 * Transactions: depth 0 -> BEGIN IMMEDIATE; deeper levels are SAVEPOINTs, so a write that
 * fails inside a caller's transaction undoes only its own changes (and its audit row).
 */
#ifndef WSP_STORE_INTERNAL_H
#define WSP_STORE_INTERNAL_H

#include "base/base.h"
#include "store/db.h"
#include "store/store.h"

#define STORE_BUSY_TIMEOUT_MS 5000

/* PostgreSQL advisory lock keys (one bigint space per database, shared by every node). */
#define STORE_PG_LOCK_MIGRATE "7263001" /* a migration being applied */
#define STORE_PG_LOCK_LEADER "7263002"  /* the early-warning leader (leader.c) */
#define STORE_PG_LOCK_SEAL "7263003"    /* sealing or re-sealing every value (sealed.c) */
/* How long a server's claim on a webhook delivery holds (webhooks.c): longer than one
 * attempt (10 s timeout) and its record. */
#define STORE_DELIVERY_LEASE_SQL "60"

enum store_stmt_id {
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_SAVEPOINT,
    STMT_RELEASE,
    STMT_ROLLBACK_TO,
    STMT_HAS_MIGRATIONS,
    STMT_VERSION,
    STMT_MIGRATION_INSERT,
    STMT_REGION_INSERT,
    STMT_REGION_COUNT_ALL,
    STMT_REGION_COUNT_LEVEL,
    STMT_REGION_EXISTS,
    STMT_USER_INSERT,
    STMT_USER_BY_ID,
    STMT_USER_BY_NAME,
    STMT_USER_AUTH,
    STMT_USER_SET_PASSWORD,
    STMT_USER_SET_DISABLED,
    STMT_USER_LIST,
    STMT_SESSION_INSERT,
    STMT_SESSION_GET,
    STMT_SESSION_TOUCH,
    STMT_SESSION_DELETE,
    STMT_SESSION_DELETE_USER,
    STMT_SESSION_PURGE,
    STMT_AUDIT_INSERT,
    /* schema v3: articles, events, reports, feeds */
    STMT_ARTICLE_INSERT,
    STMT_ARTICLE_BY_URL,
    STMT_ARTICLE_BY_HASH,
    STMT_ARTICLE_COUNT,
    STMT_EVENT_INSERT,
    STMT_EVENT_SOURCE_INSERT,
    STMT_EVENT_BY_ID,
    STMT_EVENT_BY_ID_NOCOUNT,
    STMT_EVENT_CAND_PROV_DATE,
    STMT_EVENT_CAND_PROV_NODATE,
    STMT_EVENT_CAND_NOPROV_DATE,
    STMT_EVENT_CAND_NOPROV_NODATE,
    STMT_EVENT_UPDATE_MERGE,
    STMT_EVENT_SET_STATUS,
    STMT_EVENT_SOURCES,
    STMT_EVENT_OF_ARTICLE,
    STMT_REPORT_INSERT,
    STMT_REPORT_BY_ARTICLE,
    STMT_FEED_INSERT,
    STMT_FEED_LIST,
    STMT_FEED_DELETE,
    STMT_FEED_BY_URL,
    STMT_FEED_UPDATE,
    /* schema v4: plan and control; plan_*.c number their statements inside this range */
    STMT_PLAN_FIRST,
    STMT_PLAN_LAST = STMT_PLAN_FIRST + 159,
    /* schema v5: early warning (alerts.c, webhooks.c) */
    STMT_ALERT_INSERT,
    STMT_ALERT_HISTORY_INSERT,
    STMT_ALERT_BY_ID,
    STMT_ALERT_UPDATE_EPISODE,
    STMT_ALERT_ACK,
    STMT_ALERT_CLOSE,
    STMT_ALERT_ESCALATE,
    STMT_ALERT_HISTORY,
    STMT_ALERT_CHANGES,
    STMT_ALERT_FEED,
    STMT_ALERT_FEED_LAST,
    STMT_ALERT_CHANGE_CURSOR,
    STMT_ALERT_DECLARED,
    STMT_ALERT_EVENT_COUNTS,
    STMT_ALERT_WEBHOOK_INSERT,
    STMT_ALERT_WEBHOOK_LIST,
    STMT_ALERT_WEBHOOK_BY_ID,
    STMT_ALERT_WEBHOOK_DEACTIVATE,
    STMT_ALERT_WEBHOOK_FAIL_PENDING,
    STMT_ALERT_DELIVERY_INSERT,
    STMT_ALERT_DELIVERY_DUE,
    STMT_ALERT_DELIVERY_RECORD,
    STMT_ALERT_DELIVERY_LIST,
    /* schema v8: imported events (events_import.c) */
    STMT_EVENT_IMPORT_ANY,
    STMT_EVENT_IMPORT_FIND,
    STMT_EVENT_IMPORT_STAGE,
    STMT_EVENT_IMPORT_INSERT,
    STMT_EVENT_IMPORT_DIRECT,
    STMT_EVENT_IMPORT_UPDATE,
    /* schema v11: throttle state (throttle.c numbers its statements inside this range) */
    STMT_THROTTLE_FIRST,
    STMT_THROTTLE_LAST = STMT_THROTTLE_FIRST + 15,
    /* schema v13: the seal state (sealed.c) */
    STMT_SEAL_STATE,
    STMT_COUNT
};

/* The audit list has four optional filters; one cached statement per combination. */
#define STORE_AUDIT_FILTERS 4
#define STORE_AUDIT_VARIANTS (1 << STORE_AUDIT_FILTERS)

struct store {
    struct db *db;
    enum db_engine engine;
    int depth; /* open transaction levels: 0 none, 1 BEGIN, >1 savepoints */
    struct db_stmt *stmts[STMT_COUNT];
    struct db_stmt *audit_list[STORE_AUDIT_VARIANTS];
    struct db_stmt *audit_count[STORE_AUDIT_VARIANTS];
    const struct seal_keyring *keyring; /* seals and opens personal fields; NULL = none */
    bool seal_failed;           /* a sealed field did not open since the last store_seal_oom() */
    bool seal_schema;           /* the schema has seal_state (v13): known once seen */
    store_progress_fn progress; /* long operations report here (store_set_progress) */
    void *progress_ud;
};

/* Report the progress of a long operation to the hook, if any (cheap without one). */
void store_progress(struct store *s, const char *phase, int64_t done, int64_t total);

/* Prepare (once) statement id with SQL text sql and store it in *out. The same id must always
 * be used with the same text. 0 or a WSP_E* code with err filled. */
int stmt_get(struct store *s, enum store_stmt_id id, const char *sql, struct db_stmt **out,
             struct error *err);
/* Prepare (once) a statement kept in *slot (for statements built from fixed fragments). */
int stmt_get_slot(struct store *s, struct db_stmt **slot, const char *sql, struct error *err);
/* Reset and clear bindings after use. NULL-safe. */
void stmt_done(struct db_stmt *st);

/* Bind a C string, NULL as SQL NULL. Returns a db_status. */
int stmt_bind_text(struct db_stmt *st, int idx, const char *v);
/* Column text copied into a fixed buffer ("" for NULL). */
void stmt_column_copy(struct db_stmt *st, int col, char *dst, size_t dstsz);

/* Personal fields (victims' names, addresses and notes, reporters' and contacts' names, phones
 * and e-mails) are sealed before they are written and opened after they are read (src/seal,
 * store/sealed.c). field names the column, "table.column": it is bound into the sealed text,
 * so a value cannot be moved to another column. NULL stays NULL. */
int store_bind_sealed(struct store *s, struct db_stmt *st, int idx, const char *field,
                      const char *plain, struct error *err);
/* The opened text of column col in the arena (NULL for SQL NULL); *oom set when it cannot be
 * allocated or opened. */
const char *store_col_sealed(struct store *s, struct arena *a, struct db_stmt *st, int col,
                             const char *field, bool *oom);
/* The opened text of column col copied into a fixed buffer ("" for NULL). A value that does
 * not open is logged and reads as STORE_SEALED_UNREADABLE (users' full names: one damaged
 * row must not keep its user out of every request). */
void store_col_sealed_copy(struct store *s, struct db_stmt *st, int col, const char *field,
                           char *dst, size_t dstsz);
/* Open text already read (a row reader without the store copied it): the opened text in the
 * arena, text itself when it is not sealed, NULL for NULL; on failure NULL and *oom set. */
const char *store_unseal(struct store *s, struct arena *a, const char *field, const char *text,
                         bool *oom);
/* The error for a read that set *oom: a sealed field that did not open (logged; WSP_EDB), or
 * else WSP_ENOMEM with oom_msg. */
int store_seal_oom(struct store *s, const char *oom_msg, struct error *err);

/* Map a failed db_status (db.h) to a WSP_E* status and message. `what` names the operation
 * ("add user 'budi'"). exists_msg / fk_msg, when non-NULL, are the full messages used for a
 * uniqueness / foreign-key violation. */
int store_fail(struct store *s, int rc, struct error *err, const char *what, const char *exists_msg,
               const char *fk_msg);
#ifdef __clang_analyzer__ /* store_fail() never returns 0: see error_set() in base.h */
#define store_fail(...) WSP_ANALYZER_FAILS(store_fail(__VA_ARGS__))
#endif

/* The first column of the one row sql (no parameters) returns, as an integer; store_fail()
 * for `what` when it cannot be read. */
int store_query_int(struct store *s, const char *sql, int64_t *out, const char *what,
                    struct error *err);

/* Start a write: begins a transaction or a savepoint inside the caller's. */
int store_tx_begin(struct store *s, struct error *err);
/* Finish a write started by store_tx_begin: commit when rc == 0, roll back otherwise.
 * Returns rc, or the commit failure. */
int store_tx_end(struct store *s, int rc, struct error *err);

/* The columns of a user (without hash) that store_user_read reads, each prefixed with t ("" or
 * a table alias such as "u."): the account, STORE_USER_NCOLS of them, then the full name in
 * STORE_USER_COLS_NAMED. The full name is sealed, so reading it decrypts it: the session
 * lookup, on every request, leaves it out. */
#define STORE_USER_COLS(t)                                                                         \
    t "id, " t "username, " t "role, " t "region_code, " t "disabled, " t "created_at, " t         \
      "updated_at"
#define STORE_USER_COLS_NAMED(t) STORE_USER_COLS(t) ", " t "full_name"
#define STORE_USER_NCOLS 7
/* Read a user from the columns STORE_USER_COLS_NAMED (with_name) or STORE_USER_COLS (full_name
 * left "") starting at col. */
void store_user_read(struct store *s, struct db_stmt *st, int col, bool with_name,
                     struct store_user *out);

/* Actor fields with defaults for NULL. */
const char *store_actor_name(const struct store_actor *a);

/* articles.c: insert an article inside the caller's transaction, hashing the normalized body
 * with an optional key prefix (reports use "report:<user id>:" so that only the same
 * reporter's resend is a duplicate). */
int store_article_put_keyed(struct store *s, const struct store_article *a, const char *key_prefix,
                            const struct store_actor *actor, int64_t *id, bool *existed,
                            struct error *err);
/* events.c: link a source inside the caller's transaction (no audit row). */
int store_event_link(struct store *s, int64_t event_id, int64_t article_id, struct error *err);
/* events.c: the checks of an event's fields before it is written (category, status, date,
 * confidence, victims, a regency inside its province and a place inside both). */
int store_event_check(const struct store_event *e, struct error *err);
/* events.c: insert an event inside the caller's transaction, with its audit row. */
int store_event_insert(struct store *s, const struct store_event *e, int64_t article_id,
                       const struct store_actor *actor, int64_t *id, struct error *err);
/* Copy a nullable text column into the arena; sets *oom when the arena is full. */
char *store_column_arena(struct arena *a, struct db_stmt *st, int col, bool *oom);

/* Grow an arena array to hold len+1 elements of size elem (capacity 16, then doubling); NULL
 * when the arena is full. The old copy stays in the arena until the arena is released. */
void *store_grow(struct arena *a, void *arr, size_t *cap, size_t len, size_t elem);

/* Reads the current row of st into *row (one element of the caller's type), copying strings
 * into the arena; sets *oom when the arena is full. Each file wraps its typed reader in one. */
typedef void store_row_fn(struct arena *a, struct db_stmt *st, void *row, bool *oom);

/* Step st to the end and collect its rows into an arena array of elem_size elements (grown
 * by doubling from 16), reading each with read_row; stmt_done(st) in every case. On success
 * *rows and *n hold the array (NULL and 0 for no rows). On failure *rows is NULL, *n is 0 and
 * the result is WSP_ENOMEM with oom_msg (the whole message, "case list does not fit in
 * memory limit") when the arena is full, else store_fail() for `what` ("list cases").
 * rows must point at a real `void *`: the caller assigns it to its typed pointer. */
/* Bounds of the codes strictly below `code` in the region hierarchy: every code c with
 * lo <= c < hi ("32." .. "32/") lies under "32" on whole segments ('/' follows '.'), so
 * "32.73" is inside and "320" is not. lo and hi hold at least 40 bytes. */
void store_prefix_bounds(const char *code, char *lo, char *hi);
/* Append one condition to a WHERE clause being built from fixed fragments. */
void store_where_add(struct buf *w, const char *cond);

int store_collect(struct store *s, struct db_stmt *st, struct arena *a, void **rows, size_t *n,
                  size_t elem_size, store_row_fn *read_row, const char *what, const char *oom_msg,
                  struct error *err);

/* Step st once and read its row into *row with read_row; stmt_done(st). WSP_ENOTFOUND
 * "no <noun> with id '<id>'" when there is no row, store_fail() for `what` ("read case") on
 * a step error, WSP_ENOMEM with oom_msg when the strings do not fit in the arena. */
int store_get_row(struct store *s, struct db_stmt *st, struct arena *a, void *row,
                  store_row_fn *read_row, const char *noun, int64_t id, const char *what,
                  const char *oom_msg, struct error *err);

#endif
