/* The store's connection (either engine, db.h), statement cache, transactions, error mapping, and
 * SQLite's pragmas and backup. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

/* ---- statement cache ---------------------------------------------------------------------- */

int stmt_get_slot(struct store *s, struct db_stmt **slot, const char *sql, struct error *err)
{
    if (*slot)
        return 0;
    int rc = db_prepare(s->db, sql, true, slot);
    if (rc != DB_OK) {
        *slot = NULL;
        return store_fail(s, rc, err, "prepare statement", NULL, NULL);
    }
    return 0;
}

int stmt_get(struct store *s, enum store_stmt_id id, const char *sql, struct db_stmt **out,
             struct error *err)
{
    int rc = stmt_get_slot(s, &s->stmts[id], sql, err);
    *out = s->stmts[id];
    return rc;
}

void stmt_done(struct db_stmt *st)
{
    db_reset(st);
}

int stmt_bind_text(struct db_stmt *st, int idx, const char *v)
{
    return db_bind_text(st, idx, v);
}

void stmt_column_copy(struct db_stmt *st, int col, char *dst, size_t dstsz)
{
    const char *v = db_column_text(st, col);
    str_copy(dst, v ? v : "", dstsz);
}

/* ---- reading rows ------------------------------------------------------------------------- */

void *store_grow(struct arena *a, void *arr, size_t *cap, size_t len, size_t elem)
{
    if (len < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *n = arena_alloc(a, ncap * elem);
    if (!n)
        return NULL;
    if (len)
        memcpy(n, arr, len * elem);
    *cap = ncap;
    return n;
}

int store_collect(struct store *s, struct db_stmt *st, struct arena *a, void **rows, size_t *n,
                  size_t elem_size, store_row_fn *read_row, const char *what, const char *oom_msg,
                  struct error *err)
{
    unsigned char *arr = NULL;
    size_t len = 0, cap = 0;
    bool oom = false;
    int src = DB_DONE;
    *rows = NULL;
    *n = 0;
    while (!oom && (src = db_step(st)) == DB_ROW) {
        unsigned char *g = store_grow(a, arr, &cap, len, elem_size);
        if (!g) {
            oom = true;
            break;
        }
        arr = g;
        read_row(a, st, arr + len * elem_size, &oom);
        len++;
    }
    stmt_done(st);
    if (oom)
        return store_seal_oom(s, oom_msg, err);
    if (src != DB_DONE)
        return store_fail(s, src, err, what, NULL, NULL);
    *rows = arr;
    *n = len;
    return 0;
}

int store_get_row(struct store *s, struct db_stmt *st, struct arena *a, void *row,
                  store_row_fn *read_row, const char *noun, int64_t id, const char *what,
                  const char *oom_msg, struct error *err)
{
    bool oom = false;
    int src = db_step(st);
    if (src == DB_ROW)
        read_row(a, st, row, &oom);
    stmt_done(st);
    if (src == DB_DONE)
        return error_set(err, WSP_ENOTFOUND, "no %s with id '%" PRId64 "'", noun, id);
    if (src != DB_ROW)
        return store_fail(s, src, err, what, NULL, NULL);
    if (oom)
        return store_seal_oom(s, oom_msg, err);
    return 0;
}

void store_set_progress(struct store *s, store_progress_fn fn, void *ud)
{
    s->progress = fn;
    s->progress_ud = ud;
}

void store_progress(struct store *s, const char *phase, int64_t done, int64_t total)
{
    if (s->progress)
        s->progress(s->progress_ud, phase, done, total);
}

int store_query_int(struct store *s, const char *sql, int64_t *out, const char *what,
                    struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(s->db, sql, false, &st);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_ROW)
        *out = db_column_int64(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 0 : store_fail(s, rc, err, what, NULL, NULL);
}

/* ---- errors ------------------------------------------------------------------------------- */

/* Parenthesised name: not the analyzer-only macro of the same name in store_internal.h. */
int(store_fail)(struct store *s, int rc, struct error *err, const char *what,
                const char *exists_msg, const char *fk_msg)
{
    const char *detail = s && s->db ? db_errmsg(s->db) : "";
    switch (rc) {
    case DB_EUNIQUE:
        if (exists_msg)
            return error_set(err, WSP_EEXIST, "%s", exists_msg);
        return error_set(err, WSP_EEXIST, "%s: already exists (%s)", what, detail);
    case DB_EFOREIGN:
        if (fk_msg)
            return error_set(err, WSP_EINVAL, "%s", fk_msg);
        return error_set(err, WSP_EINVAL, "%s: unknown reference (%s)", what, detail);
    case DB_ECONSTRAINT:
        return error_set(err, WSP_EINVAL, "%s: invalid value (%s)", what, detail);
    case DB_EBUSY:
        return error_set(err, WSP_EBUSY, "%s: database is busy", what);
    case DB_ENOMEM:
        return error_set(err, WSP_ENOMEM, "%s: out of memory", what);
    default:
        return error_set(err, WSP_EDB, "%s: %s", what, detail);
    }
}

/* ---- open / close ------------------------------------------------------------------------- */

static int exec_simple(struct store *s, const char *sql, struct error *err)
{
    int rc = db_exec(s->db, sql);
    if (rc != DB_OK)
        return store_fail(s, rc, err, sql, NULL, NULL);
    return 0;
}

static int set_wal(struct store *s, struct error *err)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(s->db, "PRAGMA journal_mode=WAL", false, &st);
    if (rc == DB_OK) {
        rc = db_step(st);
        if (rc == DB_ROW) {
            const char *mode = db_column_text(st, 0);
            /* ":memory:" databases report "memory"; anything else is a real problem. */
            if (mode && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
                LOG_W("store", "journal mode is '%s', not 'wal'", mode);
            rc = DB_OK;
        }
    }
    db_finalize(st);
    if (rc != DB_OK)
        return store_fail(s, rc, err, "set journal mode", NULL, NULL);
    return 0;
}

int store_open_raw(struct store **out, const char *target, struct error *err)
{
    *out = NULL;
    if (!target || !*target)
        return error_set(err, WSP_EINVAL, "empty database path");

    struct store *s = xcalloc(1, sizeof(*s));
    char msg[512] = "";
    int rc = db_open(&s->db, target, msg, sizeof(msg));
    if (rc != DB_OK) {
        int code = error_set(err, WSP_EDB, "cannot open database '%s': %s",
                             db_target_is_postgres(target) ? "(PostgreSQL URL)" : target, msg);
        store_close(s);
        return code;
    }
    s->engine = db_engine(s->db);
    s->keyring = store_seal_default_keyring();
    if (s->engine == DB_SQLITE) {
        rc = set_wal(s, err);
        if (rc == 0)
            rc = exec_simple(s, "PRAGMA foreign_keys=ON", err);
        if (rc == 0)
            rc = exec_simple(s, "PRAGMA synchronous=NORMAL", err);
    } else {
        /* SQLite's driver waits STORE_BUSY_TIMEOUT_MS for a lock from the start; PostgreSQL
         * would wait for ever (lock_timeout 0), so a write stuck behind another connection's
         * long transaction would hang its request instead of failing as busy. */
        rc = db_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
        if (rc != DB_OK)
            rc = store_fail(s, rc, err, "set lock timeout", NULL, NULL);
    }
    if (rc != 0) {
        store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

int store_open(struct store **out, const char *path, struct error *err)
{
    struct store *s;
    int rc = store_open_raw(&s, path, err);
    if (rc != 0) {
        *out = NULL;
        return rc;
    }
    rc = store_migrate(s, store_schema_latest(), err);
    if (rc != 0) {
        store_close(s);
        *out = NULL;
        return rc;
    }
    *out = s;
    return 0;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->depth > 0 && s->db && db_in_transaction(s->db)) {
        LOG_W("store", "closing with an open transaction: rolling back");
        db_exec(s->db, "ROLLBACK");
    }
    for (size_t i = 0; i < STMT_COUNT; i++)
        db_finalize(s->stmts[i]);
    for (size_t i = 0; i < STORE_AUDIT_VARIANTS; i++) {
        db_finalize(s->audit_list[i]);
        db_finalize(s->audit_count[i]);
    }
    db_close(s->db);
    free(s);
}

/* ---- transactions ------------------------------------------------------------------------- */

static int run_stmt(struct store *s, enum store_stmt_id id, const char *sql, struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, id, sql, &st, err);
    if (rc != 0)
        return rc;
    rc = db_step(st);
    stmt_done(st);
    if (rc != DB_DONE)
        return store_fail(s, rc, err, sql, NULL, NULL);
    return 0;
}

int store_begin(struct store *s, struct error *err)
{
    int rc;
    if (s->depth == 0)
        /* IMMEDIATE takes the write lock now, so a busy database fails here (after the busy
         * timeout) instead of deadlocking on a read-to-write upgrade later. */
        rc = run_stmt(s, STMT_BEGIN, s->engine == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", err);
    else
        rc = run_stmt(s, STMT_SAVEPOINT, "SAVEPOINT wsp_nested", err);
    if (rc == 0)
        s->depth++;
    return rc;
}

int store_commit(struct store *s, struct error *err)
{
    if (s->depth <= 0)
        return error_set(err, WSP_EINTERNAL, "commit without a transaction");
    if (!db_in_transaction(s->db)) {
        /* SQLite already rolled everything back (e.g. after an I/O error). */
        s->depth = 0;
        return error_set(err, WSP_EDB, "transaction was rolled back by the database");
    }
    if (s->depth > 1) {
        int rc = run_stmt(s, STMT_RELEASE, "RELEASE wsp_nested", err);
        if (rc != 0) {
            store_rollback(s);
            return rc;
        }
        s->depth--;
        return 0;
    }
    int rc = run_stmt(s, STMT_COMMIT, "COMMIT", err);
    if (rc != 0) {
        store_rollback(s);
        return rc;
    }
    s->depth = 0;
    return 0;
}

void store_rollback(struct store *s)
{
    if (s->depth <= 0)
        return;
    if (!db_in_transaction(s->db)) {
        s->depth = 0;
        return;
    }
    struct error e = {0};
    if (s->depth > 1) {
        if (run_stmt(s, STMT_ROLLBACK_TO, "ROLLBACK TO wsp_nested", &e) != 0 ||
            run_stmt(s, STMT_RELEASE, "RELEASE wsp_nested", &e) != 0)
            LOG_E("store", "rollback to savepoint: %s", e.msg);
        s->depth--;
        return;
    }
    if (run_stmt(s, STMT_ROLLBACK, "ROLLBACK", &e) != 0)
        LOG_E("store", "rollback: %s", e.msg);
    s->depth = 0;
}

int store_tx_begin(struct store *s, struct error *err)
{
    return store_begin(s, err);
}

int store_tx_end(struct store *s, int rc, struct error *err)
{
    if (rc != 0) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

const char *store_actor_name(const struct store_actor *a)
{
    return a && a->username && *a->username ? a->username : "system";
}

/* ---- backup ------------------------------------------------------------------------------- */

int store_backup(struct store *s, const char *dest, struct error *err)
{
    if (!dest || !*dest)
        return error_set(err, WSP_EINVAL, "empty backup path");
    if (s->engine != DB_SQLITE)
        return error_set(err, WSP_EINVAL,
                         "a PostgreSQL database is backed up with PostgreSQL's own tools"
                         " (pg_dump, pg_basebackup), not 'waspada backup'");
    struct stat st;
    if (stat(dest, &st) == 0)
        return error_set(err, WSP_EEXIST, "backup file '%s' already exists", dest);

    char tmp[4096];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dest, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return error_set(err, WSP_EINVAL, "backup path '%s' is too long", dest);
    unlink(tmp);

    int code = 0;
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        code = error_set(err, WSP_EIO, "cannot create backup '%s': %s", tmp,
                         dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", db_sqlite_handle(s->db), "main");
    if (!b) {
        code = error_set(err, WSP_EDB, "backup to '%s': %s", dest, sqlite3_errmsg(dst));
        goto out;
    }
    /* Copy in steps so writers on other connections are not blocked for the whole copy; a
     * write by another connection restarts the copy, which sqlite handles. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
        int total = sqlite3_backup_pagecount(b);
        store_progress(s, "copying", total - sqlite3_backup_remaining(b), total);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE || frc != SQLITE_OK) {
        code = error_set(err, (rc & 0xff) == SQLITE_BUSY ? WSP_EBUSY : WSP_EDB,
                         "backup to '%s': %s", dest, sqlite3_errstr(rc != SQLITE_DONE ? rc : frc));
        goto out;
    }
    rc = sqlite3_close(dst);
    dst = NULL;
    if (rc != SQLITE_OK) {
        code = error_set(err, WSP_EIO, "close backup '%s': %s", tmp, sqlite3_errstr(rc));
        goto out;
    }
    /* link() refuses to replace an existing file, so a dest created meanwhile is kept. */
    if (link(tmp, dest) != 0) {
        if (errno == EEXIST)
            code = error_set(err, WSP_EEXIST, "backup file '%s' already exists", dest);
        else if (rename(tmp, dest) != 0) /* filesystems without hard links */
            code = error_set(err, WSP_EIO, "rename '%s' to '%s': %s", tmp, dest, strerror(errno));
    }
out:
    if (dst)
        sqlite3_close(dst);
    unlink(tmp);
    return code;
}

void store_prefix_bounds(const char *code, char *lo, char *hi)
{
    snprintf(lo, 40, "%s.", code);
    snprintf(hi, 40, "%s/", code);
}

void store_where_add(struct buf *w, const char *cond)
{
    buf_puts(w, w->len ? " AND " : " WHERE ");
    buf_puts(w, cond);
}
