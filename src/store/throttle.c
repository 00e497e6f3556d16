/*
 * Throttle state in the database (store.h, schema v11): the states of auth's login counters and
 * write buckets as rows of the table throttle. This file only maps keys to rows and back and
 * locks them; every rule is auth's (throttle.c there), applied here to the loaded values.
 *
 * Row layout: key, n, t1_ms, t2_ms, expires_ms:
 *   pair "lp:"     n = fails.n, t1 = fails.last_ms, t2 = good_ms
 *   address "la:"  n = n,       t1 = last_ms
 *   user "lu:"     n = fails.n, t1 = fails.last_ms, t2 = slot_ms
 *   bucket "w?:", "r?:"  n = debt, t1 = t_ms
 * A missing row is a zero state (what auth_ratelimit creates for a new key), and expires_ms
 * is the time from which the row's state acts as a zero one, so expired rows may go.
 */
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "store/store.h"
#include "store/store_internal.h"

#define TH_KEY_MAX 160
#define TH_KEYS_MAX 4  /* keys of one call (the write limits have four) */
#define TH_NAME_MAX 64 /* usernames cut here, as auth_ratelimit does */
#define TH_ADDR_MAX 64 /* addresses too */
#define TH_PURGE_EVERY_MS 60000
#define TH_PURGE_GRACE_MS 60000
#define TH_PURGE_BATCH 5000
#define TH_PURGE_ROUNDS 20

/* Statement ids inside STMT_THROTTLE_FIRST..LAST: one per number of keys (1..4). */
enum { TH_INSERT = 0, TH_SELECT = TH_KEYS_MAX, TH_SAVE = 2 * TH_KEYS_MAX, TH_PURGE = 12 };
_Static_assert(STMT_THROTTLE_FIRST + TH_PURGE <= STMT_THROTTLE_LAST, "throttle statement ids");

struct th_row {
    char key[TH_KEY_MAX];
    int64_t n, t1, t2, expires;
    int64_t was[4]; /* n, t1, t2, expires as loaded: saved only when changed */
};

/* When the minute's purge last ran in this process (any connection). */
static _Atomic int64_t th_last_purge;

int64_t store_throttle_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- rows ----------------------------------------------------------------------------------- */

static int cmp_row_key(const void *a, const void *b)
{
    return strcmp((*(struct th_row *const *)a)->key, (*(struct th_row *const *)b)->key);
}

/* "?1, ?2, ..." style lists for n keys into a statement text. */
static void sql_of(struct store *s, int kind, size_t n, char *sql, size_t sqlsz)
{
    size_t len = 0;
#define PUT(...) len += (size_t)snprintf(sql + len, len < sqlsz ? sqlsz - len : 0, __VA_ARGS__)
    switch (kind) {
    case TH_INSERT:
        PUT("INSERT INTO throttle (key) VALUES ");
        for (size_t i = 0; i < n; i++)
            PUT("%s(?%zu)", i ? ", " : "", i + 1);
        PUT(" ON CONFLICT (key) DO NOTHING");
        break;
    case TH_SELECT:
        PUT("SELECT key, n, t1_ms, t2_ms, expires_ms FROM throttle WHERE key IN (");
        for (size_t i = 0; i < n; i++)
            PUT("%s?%zu", i ? ", " : "", i + 1);
        /* locked in key order, the order every call takes its keys in */
        PUT(") ORDER BY key%s", s->engine == DB_POSTGRES ? " FOR UPDATE" : "");
        break;
    default: /* TH_SAVE */
        PUT("INSERT INTO throttle (key, n, t1_ms, t2_ms, expires_ms) VALUES ");
        for (size_t i = 0; i < n; i++)
            PUT("%s(?%zu, ?%zu, ?%zu, ?%zu, ?%zu)", i ? ", " : "", 5 * i + 1, 5 * i + 2, 5 * i + 3,
                5 * i + 4, 5 * i + 5);
        PUT(" ON CONFLICT (key) DO UPDATE SET n = excluded.n, t1_ms = excluded.t1_ms,"
            " t2_ms = excluded.t2_ms, expires_ms = excluded.expires_ms");
        break;
    }
#undef PUT
}

static int th_stmt(struct store *s, int kind, size_t n, struct db_stmt **st, struct error *err)
{
    char sql[1024];
    sql_of(s, kind, n, sql, sizeof(sql));
    return stmt_get(s, (enum store_stmt_id)(STMT_THROTTLE_FIRST + kind + (int)n - 1), sql, st, err);
}

/* Lock and load the rows of n distinct keys (inside the caller's transaction). Missing rows
 * read as zero. */
static int th_load(struct store *s, struct th_row *rows, size_t n, struct error *err)
{
    struct th_row *sorted[TH_KEYS_MAX];
    for (size_t i = 0; i < n; i++) {
        sorted[i] = &rows[i];
        rows[i].n = rows[i].t1 = rows[i].t2 = rows[i].expires = 0;
    }
    qsort(sorted, n, sizeof(sorted[0]), cmp_row_key);

    struct db_stmt *st;
    int rc = th_stmt(s, TH_INSERT, n, &st, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        stmt_bind_text(st, (int)i + 1, sorted[i]->key);
    int src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "add throttle keys", NULL, NULL);

    rc = th_stmt(s, TH_SELECT, n, &st, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        stmt_bind_text(st, (int)i + 1, sorted[i]->key);
    while ((src = db_step(st)) == DB_ROW) {
        const char *key = db_column_text(st, 0);
        for (size_t i = 0; i < n; i++) {
            if (key && strcmp(key, rows[i].key) == 0) {
                rows[i].n = db_column_int64(st, 1);
                rows[i].t1 = db_column_int64(st, 2);
                rows[i].t2 = db_column_int64(st, 3);
                rows[i].expires = db_column_int64(st, 4);
            }
        }
    }
    stmt_done(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "read throttle state", NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        rows[i].was[0] = rows[i].n;
        rows[i].was[1] = rows[i].t1;
        rows[i].was[2] = rows[i].t2;
        rows[i].was[3] = rows[i].expires;
    }
    return 0;
}

/* Save the rows whose values changed (all in one statement). */
static int th_save(struct store *s, struct th_row *rows, size_t n, struct error *err)
{
    struct th_row *changed[TH_KEYS_MAX];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].n != rows[i].was[0] || rows[i].t1 != rows[i].was[1] ||
            rows[i].t2 != rows[i].was[2] || rows[i].expires != rows[i].was[3])
            changed[m++] = &rows[i];
    if (m == 0)
        return 0;
    qsort(changed, m, sizeof(changed[0]), cmp_row_key);
    struct db_stmt *st;
    int rc = th_stmt(s, TH_SAVE, m, &st, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < m; i++) {
        int at = 5 * (int)i;
        stmt_bind_text(st, at + 1, changed[i]->key);
        db_bind_int64(st, at + 2, changed[i]->n);
        db_bind_int64(st, at + 3, changed[i]->t1);
        db_bind_int64(st, at + 4, changed[i]->t2);
        db_bind_int64(st, at + 5, changed[i]->expires);
    }
    int src = db_step(st);
    stmt_done(st);
    return src == DB_DONE ? 0 : store_fail(s, src, err, "save throttle state", NULL, NULL);
}

/* The later of two times. */
static int64_t later(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* ---- states <-> rows ------------------------------------------------------------------------- */

static uint32_t count_of(int64_t n)
{
    return n <= 0 ? 0 : n >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* When a failure counter is forgotten (auth_login_admit's window), 0 when it holds none. */
static int64_t fails_expiry(const struct auth_login_policy *p, const struct auth_fails *f)
{
    return f->n ? f->last_ms + p->window_ms : 0;
}

static void pair_get(const struct th_row *r, struct auth_login_pair *v)
{
    v->fails.n = count_of(r->n);
    v->fails.last_ms = r->t1;
    v->good_ms = r->t2;
}

static void pair_put(const struct auth_login_policy *p, const struct auth_login_pair *v,
                     struct th_row *r)
{
    r->n = v->fails.n;
    r->t1 = v->fails.last_ms;
    r->t2 = v->good_ms;
    /* the address stays known for the user known_ms after the success */
    r->expires = later(fails_expiry(p, &v->fails), v->good_ms ? v->good_ms + p->known_ms : 0);
}

static void fails_get(const struct th_row *r, struct auth_fails *v)
{
    v->n = count_of(r->n);
    v->last_ms = r->t1;
}

static void fails_put(const struct auth_login_policy *p, const struct auth_fails *v,
                      struct th_row *r)
{
    r->n = v->n;
    r->t1 = v->last_ms;
    r->t2 = 0;
    r->expires = fails_expiry(p, v);
}

static void user_get(const struct th_row *r, struct auth_login_user *v)
{
    v->fails.n = count_of(r->n);
    v->fails.last_ms = r->t1;
    v->slot_ms = r->t2;
}

static void user_put(const struct auth_login_policy *p, const struct auth_login_user *v,
                     struct th_row *r)
{
    r->n = v->fails.n;
    r->t1 = v->fails.last_ms;
    r->t2 = v->slot_ms;
    /* the slow path's slot only matters while it is taken */
    r->expires = later(fails_expiry(p, &v->fails), v->slot_ms);
}

static void bucket_get(const struct th_row *r, struct auth_bucket *b)
{
    b->debt = r->n > 0 ? r->n : 0;
    b->t_ms = r->t1;
}

static void bucket_put(const struct auth_bucket *b, struct auth_rate rate, struct th_row *r)
{
    r->n = b->debt;
    r->t1 = b->t_ms;
    r->t2 = 0;
    /* the debt is paid back at rate.n a millisecond (auth_bucket_wait) */
    r->expires = b->debt > 0 ? b->t_ms + (b->debt + rate.n - 1) / rate.n : 0;
}

/* The user's name as auth_ratelimit keys it: lower-cased (ASCII), cut at TH_NAME_MAX bytes,
 * back to the end of a UTF-8 character (PostgreSQL refuses text that is not UTF-8). */
static void user_name(const char *username, char out[TH_NAME_MAX + 1])
{
    size_t n = 0;
    for (; n < TH_NAME_MAX && username[n]; n++)
        out[n] = (char)tolower((unsigned char)username[n]);
    if (username[n])
        while (n > 0 && ((unsigned char)username[n] & 0xC0) == 0x80)
            n--;
    out[n] = '\0';
}

/* Rows 0..2: pair, address, user. '|' cannot be in an address (inet_ntop's digits, hex
 * letters, '.' and ':'), so the last '|' of a pair's key ends the name: no two pairs share a
 * key, whatever the names hold. */
static void login_rows(struct th_row r[3], const char *username, const char *addr)
{
    char name[TH_NAME_MAX + 1];
    user_name(username, name);
    memset(r, 0, 3 * sizeof(*r));
    snprintf(r[0].key, TH_KEY_MAX, "lp:%s|%.*s", name, TH_ADDR_MAX, addr);
    snprintf(r[1].key, TH_KEY_MAX, "la:%.*s", TH_ADDR_MAX, addr);
    snprintf(r[2].key, TH_KEY_MAX, "lu:%s", name);
}

/* ---- calls ---------------------------------------------------------------------------------- */

/* The minute's purge, after a call's own transaction (never inside a caller's). */
static void maybe_purge(struct store *s, int64_t now_ms)
{
    int64_t last = atomic_load(&th_last_purge);
    if (s->depth != 0 || (now_ms - last < TH_PURGE_EVERY_MS && now_ms >= last) ||
        !atomic_compare_exchange_strong(&th_last_purge, &last, now_ms))
        return;
    struct error err = {0};
    size_t n = 0;
    if (store_throttle_purge(s, now_ms, &n, &err) != 0)
        LOG_W("store", "cannot purge expired throttle state: %s", err.msg);
    else if (n)
        LOG_D("store", "purged %zu expired throttle rows", n);
}

/* One login call on the three states of (user, addr): loaded and locked, admitted (ok NULL:
 * auth_login_admit, its wait in *wait_ms) or recorded (auth_login_record of *ok), saved,
 * in one transaction. */
static int login_call(struct store *s, const struct auth_login_policy *p, const char *user,
                      const char *addr, const bool *ok, int64_t now_ms, int64_t *wait_ms,
                      struct error *err)
{
    *wait_ms = 0;
    struct th_row r[3];
    login_rows(r, user, addr);
    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    rc = th_load(s, r, 3, err);
    int64_t wait = 0;
    if (rc == 0) {
        struct auth_login_pair pair;
        struct auth_fails address;
        struct auth_login_user u;
        pair_get(&r[0], &pair);
        fails_get(&r[1], &address);
        user_get(&r[2], &u);
        if (ok)
            auth_login_record(p, &pair, &address, &u, *ok, now_ms);
        else
            wait = auth_login_admit(p, &pair, &address, &u, now_ms);
        pair_put(p, &pair, &r[0]);
        fails_put(p, &address, &r[1]);
        user_put(p, &u, &r[2]);
        rc = th_save(s, r, 3, err);
    }
    rc = store_tx_end(s, rc, err);
    if (rc == 0) {
        *wait_ms = wait;
        maybe_purge(s, now_ms);
    }
    return rc;
}

int store_throttle_login_admit(struct store *s, const struct auth_login_policy *p, const char *user,
                               const char *addr, int64_t now_ms, int64_t *wait_ms,
                               struct error *err)
{
    return login_call(s, p, user, addr, NULL, now_ms, wait_ms, err);
}

int store_throttle_login_record(struct store *s, const struct auth_login_policy *p,
                                const char *user, const char *addr, bool ok, int64_t now_ms,
                                struct error *err)
{
    int64_t unused;
    return login_call(s, p, user, addr, &ok, now_ms, &unused, err);
}

int store_throttle_write(struct store *s, const struct auth_write_limits *lim, int64_t user_id,
                         const char *addr, bool report, int64_t now_ms, int64_t *wait_ms,
                         struct error *err)
{
    *wait_ms = 0;
    struct th_row r[TH_KEYS_MAX];
    struct auth_rate rates[TH_KEYS_MAX];
    size_t n = 0;
    memset(r, 0, sizeof(r));
    /* The buckets auth_ratelimit_write counts, in its order; unlimited ones keep no state. */
    const struct {
        bool on;
        struct auth_rate rate;
        const char *prefix;
        bool by_user;
    } want[TH_KEYS_MAX] = {
        {user_id > 0, lim->user, "wu", true},
        {true, lim->address, "wa", false},
        {report && user_id > 0, lim->report_user, "ru", true},
        {report, lim->report_address, "ra", false},
    };
    for (size_t i = 0; i < TH_KEYS_MAX; i++) {
        if (!want[i].on || !want[i].rate.n || !want[i].rate.period_s)
            continue;
        if (want[i].by_user)
            snprintf(r[n].key, TH_KEY_MAX, "%s:%lld", want[i].prefix, (long long)user_id);
        else
            snprintf(r[n].key, TH_KEY_MAX, "%s:%.*s", want[i].prefix, TH_ADDR_MAX, addr);
        rates[n++] = want[i].rate;
    }
    if (n == 0)
        return 0;

    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    rc = th_load(s, r, n, err);
    int64_t wait = 0;
    if (rc == 0) {
        struct auth_bucket b[TH_KEYS_MAX];
        /* Every bucket must have room: a refused request takes from none. */
        for (size_t i = 0; i < n; i++) {
            bucket_get(&r[i], &b[i]);
            wait = later(wait, auth_bucket_wait(&b[i], rates[i], now_ms));
        }
        if (wait == 0) {
            for (size_t i = 0; i < n; i++) {
                auth_bucket_take(&b[i], rates[i], now_ms);
                bucket_put(&b[i], rates[i], &r[i]);
            }
            rc = th_save(s, r, n, err);
        }
    }
    rc = store_tx_end(s, rc, err);
    if (rc == 0) {
        *wait_ms = wait;
        maybe_purge(s, now_ms);
    }
    return rc;
}

int store_throttle_purge(struct store *s, int64_t now_ms, size_t *purged, struct error *err)
{
    if (purged)
        *purged = 0;
    struct db_stmt *st;
    /* A batch at a time, each its own transaction; PostgreSQL skips the rows a call holds
     * (it would otherwise wait for them, or deadlock with a call that locks in key order). */
    int rc = stmt_get(s, (enum store_stmt_id)(STMT_THROTTLE_FIRST + TH_PURGE),
                      s->engine == DB_POSTGRES
                          ? "DELETE FROM throttle WHERE key IN (SELECT key FROM throttle"
                            " WHERE expires_ms < ?1 LIMIT ?2 FOR UPDATE SKIP LOCKED)"
                          : "DELETE FROM throttle WHERE key IN (SELECT key FROM throttle"
                            " WHERE expires_ms < ?1 LIMIT ?2)",
                      &st, err);
    for (int round = 0; rc == 0 && round < TH_PURGE_ROUNDS; round++) {
        rc = store_tx_begin(s, err);
        if (rc != 0)
            break;
        db_bind_int64(st, 1, now_ms - TH_PURGE_GRACE_MS);
        db_bind_int64(st, 2, TH_PURGE_BATCH);
        int src = db_step(st);
        stmt_done(st);
        int64_t n = src == DB_DONE ? db_changes(s->db) : 0;
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "purge throttle state", NULL, NULL);
        rc = store_tx_end(s, rc, err);
        if (rc == 0 && purged)
            *purged += (size_t)n;
        if (n < TH_PURGE_BATCH)
            break;
    }
    return rc;
}
