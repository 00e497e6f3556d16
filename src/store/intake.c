/*
 * Field messages in (schema v15, store.h): intake channels, reporters' phones, the answers
 * given to gateway message ids, and the leads from unknown numbers.
 *
 * Secrets and numbers are personal fields (sealed.c lists them): written with
 * store_bind_sealed, read opened. Lookups never need a number: a phone is found by its keyed
 * hash, computed by the caller (intake_phone_hash) with the key store_phone_key keeps sealed.
 * The statements here are prepared per call (intake is a few requests a second at most).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "store_internal.h"

#define FIELD_SECRET "intake_channels.secret"
#define FIELD_KEY "phone_key.key"
#define FIELD_USER_PHONE "user_phones.phone"
#define FIELD_LEAD_PHONE "intake_leads.phone"

static int prepare(struct store *s, const char *sql, struct db_stmt **st, const char *what,
                   struct error *err)
{
    int src = db_prepare(s->db, sql, false, st);
    return src == DB_OK ? 0 : store_fail(s, src, err, what, NULL, NULL);
}

/* Step a write to its end and finalize; store_fail for what (exists_msg on a unique clash). */
static int step_done(struct store *s, struct db_stmt *st, const char *what, const char *exists_msg,
                     struct error *err)
{
    int src = db_step(st);
    int rc = src == DB_DONE ? 0 : store_fail(s, src, err, what, exists_msg, NULL);
    db_finalize(st);
    return rc;
}

static bool channel_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '_' || name[i] == '-'))
            return false;
    return true;
}

/* ---- channels ------------------------------------------------------------------------------ */

int store_intake_channel_add(struct store *s, const char *name, const char *secret,
                             int64_t rate_per_minute, const struct store_actor *actor, int64_t *id,
                             struct error *err)
{
    if (!channel_name_ok(name))
        return error_set(err, WSP_EINVAL,
                         "a channel name is 1..63 of a-z, 0-9, '_' and '-' (got '%.64s')",
                         name ? name : "");
    if (!secret || strlen(secret) < 32)
        return error_set(err, WSP_EINVAL, "a channel's secret has at least 32 characters");
    if (rate_per_minute < 0 || rate_per_minute > 100000)
        return error_set(err, WSP_EINVAL, "a channel's rate is 0..100000 messages a minute");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    rc = prepare(s,
                 "INSERT INTO intake_channels (name, secret, rate_per_minute, created_at,"
                 " updated_at) VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
                 &st, "add an intake channel", err);
    if (!rc) {
        stmt_bind_text(st, 1, name);
        rc = store_bind_sealed(s, st, 2, FIELD_SECRET, secret, err);
    }
    int64_t nid = 0;
    if (!rc) {
        db_bind_int64(st, 3, rate_per_minute);
        db_bind_int64(st, 4, time_now());
        int src = db_step(st);
        if (src == DB_ROW) {
            nid = db_column_int64(st, 0);
            src = db_step(st);
        }
        if (src != DB_DONE) {
            char msg[128];
            snprintf(msg, sizeof(msg), "an intake channel '%s' exists already", name);
            rc = store_fail(s, src, err, "add an intake channel", msg, NULL);
        }
    }
    db_finalize(st);
    if (!rc) {
        char oid[24], after[160];
        snprintf(oid, sizeof(oid), "%" PRId64, nid);
        snprintf(after, sizeof(after), "{\"name\":\"%s\",\"rate_per_minute\":%" PRId64 "}", name,
                 rate_per_minute);
        rc = store_audit_add(s, actor, "intake_channel.add", "intake_channel", oid, NULL, after,
                             err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

#define CHANNEL_COLS "id, name, rate_per_minute, disabled, created_at, updated_at"

static void read_channel(struct db_stmt *st, struct store_intake_channel *c)
{
    memset(c, 0, sizeof(*c));
    c->id = db_column_int64(st, 0);
    stmt_column_copy(st, 1, c->name, sizeof(c->name));
    c->rate_per_minute = db_column_int64(st, 2);
    c->disabled = db_column_int64(st, 3) != 0;
    c->created_at = db_column_int64(st, 4);
    c->updated_at = db_column_int64(st, 5);
}

int store_intake_channel_get(struct store *s, const char *name, struct store_intake_channel *out,
                             struct error *err)
{
    memset(out, 0, sizeof(*out));
    struct db_stmt *st = NULL;
    int rc = prepare(s, "SELECT " CHANNEL_COLS ", secret FROM intake_channels WHERE name = ?1", &st,
                     "read an intake channel", err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, name);
    int src = db_step(st);
    if (src == DB_ROW) {
        read_channel(st, out);
        struct arena a;
        arena_init(&a, 4096);
        bool oom = false;
        const char *p = store_col_sealed(s, &a, st, 6, FIELD_SECRET, &oom);
        if (oom)
            rc = store_seal_oom(s, "an intake channel's secret does not fit", err);
        else if (p && !str_eq(p, STORE_SEALED_DISCARDED))
            str_copy(out->secret, p, sizeof(out->secret));
        if (p)
            sodium_memzero((char *)p, strlen(p));
        arena_release(&a);
    } else if (src == DB_DONE) {
        rc = error_set(err, WSP_ENOTFOUND, "no intake channel '%.64s'", name ? name : "");
    } else {
        rc = store_fail(s, src, err, "read an intake channel", NULL, NULL);
    }
    db_finalize(st);
    return rc;
}

int store_intake_channel_list(struct store *s, struct arena *a, struct store_intake_channel **out,
                              size_t *n, struct error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st = NULL;
    int rc = prepare(s, "SELECT " CHANNEL_COLS " FROM intake_channels ORDER BY name", &st,
                     "list intake channels", err);
    if (rc)
        return rc;
    size_t cap = 0;
    int src;
    while ((src = db_step(st)) == DB_ROW) {
        struct store_intake_channel *g = store_grow(a, *out, &cap, *n, sizeof(**out));
        if (!g) {
            db_finalize(st);
            *out = NULL;
            *n = 0;
            return error_set(err, WSP_ENOMEM, "the channel list does not fit in memory");
        }
        *out = g;
        read_channel(st, &g[(*n)++]);
    }
    if (src != DB_DONE)
        rc = store_fail(s, src, err, "list intake channels", NULL, NULL);
    db_finalize(st);
    return rc;
}

int store_intake_channel_update(struct store *s, const char *name, bool disabled,
                                const char *secret, const struct store_actor *actor,
                                struct error *err)
{
    if (secret && strlen(secret) < 32)
        return error_set(err, WSP_EINVAL, "a channel's secret has at least 32 characters");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    rc = prepare(s,
                 secret ? "UPDATE intake_channels SET disabled = ?2, updated_at = ?3, secret = ?4"
                          " WHERE name = ?1 RETURNING id"
                        : "UPDATE intake_channels SET disabled = ?2, updated_at = ?3"
                          " WHERE name = ?1 RETURNING id",
                 &st, "update an intake channel", err);
    if (!rc) {
        stmt_bind_text(st, 1, name);
        db_bind_int64(st, 2, disabled ? 1 : 0);
        db_bind_int64(st, 3, time_now());
        if (secret)
            rc = store_bind_sealed(s, st, 4, FIELD_SECRET, secret, err);
    }
    int64_t id = 0;
    if (!rc) {
        int src = db_step(st);
        if (src == DB_ROW) {
            id = db_column_int64(st, 0);
            src = db_step(st);
        }
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "update an intake channel", NULL, NULL);
        else if (id == 0)
            rc = error_set(err, WSP_ENOTFOUND, "no intake channel '%.64s'", name ? name : "");
    }
    db_finalize(st);
    if (!rc) {
        char oid[24], after[96];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        snprintf(after, sizeof(after), "{\"disabled\":%s,\"new_secret\":%s}",
                 disabled ? "true" : "false", secret ? "true" : "false");
        rc = store_audit_add(s, actor, "intake_channel.update", "intake_channel", oid, NULL, after,
                             err);
    }
    return store_tx_end(s, rc, err);
}

/* ---- phones -------------------------------------------------------------------------------- */

/* The stored key (opened) into key: *found false when there is no row or it was discarded. */
static int read_phone_key(struct store *s, unsigned char key[32], bool *found, bool *row,
                          struct error *err)
{
    *found = *row = false;
    struct db_stmt *st = NULL;
    int rc = prepare(s, "SELECT key FROM phone_key WHERE id = 1", &st, "read the phone key", err);
    if (rc)
        return rc;
    int src = db_step(st);
    if (src == DB_ROW) {
        *row = true;
        const char *v = db_column_text(st, 0);
        if (v) {
            struct arena a;
            arena_init(&a, 4096);
            bool oom = false;
            const char *hex = store_unseal(s, &a, FIELD_KEY, v, &oom);
            size_t len = 0;
            if (oom || !hex)
                rc = store_seal_oom(s, "the phone key does not fit", err);
            else if (sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &len, NULL) != 0 || len != 32)
                rc = error_set(err, WSP_EDB, "the stored phone key is damaged");
            else
                *found = true;
            arena_release(&a);
        }
    } else if (src != DB_DONE) {
        rc = store_fail(s, src, err, "read the phone key", NULL, NULL);
    }
    db_finalize(st);
    return rc;
}

int store_phone_key(struct store *s, unsigned char key[32], struct error *err)
{
    bool found, row;
    int rc = read_phone_key(s, key, &found, &row, err);
    if (rc || found)
        return rc;
    /* None yet (or lost with the key file): make one. Servers racing here agree on the row
     * that lands first (ON CONFLICT DO NOTHING for a new row, "key IS NULL" for a lost one). */
    unsigned char fresh[32];
    char hex[65];
    randombytes_buf(fresh, sizeof(fresh));
    sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
    sodium_memzero(fresh, sizeof(fresh));
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    rc = prepare(s,
                 row ? "UPDATE phone_key SET key = ?1, created_at = ?2 WHERE id = 1 AND key IS NULL"
                     : "INSERT INTO phone_key (id, key, created_at) VALUES (1, ?1, ?2)"
                       " ON CONFLICT (id) DO NOTHING",
                 &st, "make the phone key", err);
    if (!rc)
        rc = store_bind_sealed(s, st, 1, FIELD_KEY, hex, err);
    if (!rc) {
        db_bind_int64(st, 2, time_now());
        rc = step_done(s, st, "make the phone key", NULL, err);
        st = NULL;
    }
    db_finalize(st);
    /* The numbers hashed with a lost key are gone with it (their sealed values too). */
    if (!rc && row && db_changes(s->db) > 0)
        rc = db_exec(s->db, "DELETE FROM user_phones WHERE phone IS NULL") == DB_OK
                 ? 0
                 : store_fail(s, DB_ERROR, err, "forget the phones of a lost key", NULL, NULL);
    sodium_memzero(hex, sizeof(hex));
    rc = store_tx_end(s, rc, err);
    if (rc)
        return rc;
    rc = read_phone_key(s, key, &found, &row, err);
    if (!rc && !found)
        rc = error_set(err, WSP_EDB, "the phone key could not be made");
    return rc;
}

int store_user_set_phone(struct store *s, int64_t user_id, const char *phone, const char *hash,
                         const struct store_actor *actor, struct error *err)
{
    if (phone && (!hash || strlen(hash) != 64))
        return error_set(err, WSP_EINTERNAL, "a phone is stored with its hash");
    struct store_user u;
    int rc = store_user_get(s, user_id, &u, err);
    if (rc)
        return rc;
    rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    if (phone) {
        rc = prepare(s,
                     "INSERT INTO user_phones (id, phone, phone_hash, updated_at)"
                     " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET"
                     " phone = excluded.phone, phone_hash = excluded.phone_hash,"
                     " updated_at = excluded.updated_at",
                     &st, "set a phone", err);
        if (!rc) {
            db_bind_int64(st, 1, user_id);
            rc = store_bind_sealed(s, st, 2, FIELD_USER_PHONE, phone, err);
        }
        if (!rc) {
            stmt_bind_text(st, 3, hash);
            db_bind_int64(st, 4, time_now());
            rc = step_done(s, st, "set a phone", "this number belongs to another user", err);
            st = NULL;
        }
    } else {
        rc = prepare(s, "DELETE FROM user_phones WHERE id = ?1", &st, "clear a phone", err);
        if (!rc) {
            db_bind_int64(st, 1, user_id);
            rc = step_done(s, st, "clear a phone", NULL, err);
            st = NULL;
        }
    }
    db_finalize(st);
    if (!rc) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, user_id);
        rc = store_audit_add(s, actor, "user.phone", "user", oid, NULL,
                             phone ? "{\"phone\":\"set\"}" : "{\"phone\":null}", err);
    }
    return store_tx_end(s, rc, err);
}

int store_user_phone(struct store *s, int64_t user_id, char *out, size_t outsz, struct error *err)
{
    out[0] = '\0';
    struct db_stmt *st = NULL;
    int rc = prepare(s, "SELECT phone FROM user_phones WHERE id = ?1", &st, "read a phone", err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    int src = db_step(st);
    if (src == DB_ROW) {
        struct arena a;
        arena_init(&a, 4096);
        bool oom = false;
        const char *p = store_col_sealed(s, &a, st, 0, FIELD_USER_PHONE, &oom);
        if (oom)
            rc = store_seal_oom(s, "a phone does not fit", err);
        else if (p)
            str_copy(out, p, outsz);
        arena_release(&a);
    } else if (src != DB_DONE) {
        rc = store_fail(s, src, err, "read a phone", NULL, NULL);
    }
    db_finalize(st);
    return rc;
}

/* The account only: the intake decides by role and region, and opening the sealed full name
 * for every message would be work for nothing. */
#define PHONE_USER_COLS STORE_USER_COLS("u.")

int store_user_by_phone(struct store *s, const char *hash, struct store_user *out,
                        struct error *err)
{
    memset(out, 0, sizeof(*out));
    struct db_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT " PHONE_USER_COLS " FROM user_phones p JOIN users u ON u.id = p.id"
                     " WHERE p.phone_hash = ?1",
                     &st, "find a user by phone", err);
    if (rc)
        return rc;
    stmt_bind_text(st, 1, hash);
    int src = db_step(st);
    if (src == DB_ROW)
        store_user_read(s, st, 0, false, out);
    else if (src == DB_DONE)
        rc = error_set(err, WSP_ENOTFOUND, "no user has this number");
    else
        rc = store_fail(s, src, err, "find a user by phone", NULL, NULL);
    db_finalize(st);
    return rc;
}

/* ---- answers ------------------------------------------------------------------------------- */

int store_intake_answer_get(struct store *s, int64_t channel_id, const char *message_id,
                            struct arena *a, bool *found, int *status, const char **answer,
                            struct error *err)
{
    *found = false;
    *status = 0;
    *answer = NULL;
    struct db_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT status, answer FROM intake_messages WHERE channel_id = ?1 AND"
                     " message_id = ?2",
                     &st, "read an intake answer", err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, channel_id);
    stmt_bind_text(st, 2, message_id);
    int src = db_step(st);
    if (src == DB_ROW) {
        bool oom = false;
        *status = (int)db_column_int64(st, 0);
        *answer = store_column_arena(a, st, 1, &oom);
        if (oom)
            rc = error_set(err, WSP_ENOMEM, "an intake answer does not fit in memory");
        else
            *found = true;
    } else if (src != DB_DONE) {
        rc = store_fail(s, src, err, "read an intake answer", NULL, NULL);
    }
    db_finalize(st);
    return rc;
}

int store_intake_answer_put(struct store *s, int64_t channel_id, const char *message_id, int status,
                            const char *answer, int64_t report_id, int64_t lead_id,
                            struct error *err)
{
    struct db_stmt *st = NULL;
    int rc = prepare(s,
                     "INSERT INTO intake_messages (channel_id, message_id, status, answer,"
                     " report_id, lead_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     &st, "record an intake answer", err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, channel_id);
    stmt_bind_text(st, 2, message_id);
    db_bind_int64(st, 3, status);
    stmt_bind_text(st, 4, answer);
    if (report_id > 0)
        db_bind_int64(st, 5, report_id);
    else
        db_bind_null(st, 5);
    if (lead_id > 0)
        db_bind_int64(st, 6, lead_id);
    else
        db_bind_null(st, 6);
    db_bind_int64(st, 7, time_now());
    return step_done(s, st, "record an intake answer", "this message was answered already", err);
}

/* ---- leads --------------------------------------------------------------------------------- */

int store_intake_lead_add(struct store *s, const struct store_intake_lead *l,
                          const struct store_actor *actor, int64_t *id, struct error *err)
{
    if (!l->text || !l->phone_hash || l->channel_id <= 0)
        return error_set(err, WSP_EINVAL, "a lead needs its channel, number and text");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    rc = prepare(s,
                 "INSERT INTO intake_leads (channel_id, phone, phone_hash, region_code, text, via,"
                 " received_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                 &st, "add a lead", err);
    if (!rc) {
        db_bind_int64(st, 1, l->channel_id);
        rc = store_bind_sealed(s, st, 2, FIELD_LEAD_PHONE, l->phone, err);
    }
    int64_t nid = 0;
    if (!rc) {
        stmt_bind_text(st, 3, l->phone_hash);
        stmt_bind_text(st, 4, l->region_code && *l->region_code ? l->region_code : NULL);
        stmt_bind_text(st, 5, l->text);
        stmt_bind_text(st, 6, l->via);
        db_bind_int64(st, 7, l->received_at);
        db_bind_int64(st, 8, time_now());
        int src = db_step(st);
        if (src == DB_ROW) {
            nid = db_column_int64(st, 0);
            src = db_step(st);
        }
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "add a lead", NULL, "unknown channel or region");
    }
    db_finalize(st);
    if (!rc) {
        char oid[24], after[128];
        snprintf(oid, sizeof(oid), "%" PRId64, nid);
        snprintf(after, sizeof(after), "{\"channel_id\":%" PRId64 ",\"region_code\":%s%s%s}",
                 l->channel_id, l->region_code ? "\"" : "",
                 l->region_code ? l->region_code : "null", l->region_code ? "\"" : "");
        rc = store_audit_add(s, actor, "intake_lead.add", "intake_lead", oid, NULL, after, err);
    }
    rc = store_tx_end(s, rc, err);
    if (!rc && id)
        *id = nid;
    return rc;
}

#define LEAD_COLS                                                                                  \
    "l.id, l.channel_id, c.name, l.phone, l.phone_hash, l.region_code, l.text, l.via,"             \
    " l.received_at, l.status, l.report_id, l.decided_by, l.decided_at, l.note, l.created_at"
#define LEAD_FROM " FROM intake_leads l JOIN intake_channels c ON c.id = l.channel_id"

static void read_lead(struct arena *a, struct db_stmt *st, void *row, bool *oom)
{
    struct store_intake_lead *l = row;
    memset(l, 0, sizeof(*l));
    l->id = db_column_int64(st, 0);
    l->channel_id = db_column_int64(st, 1);
    l->channel = store_column_arena(a, st, 2, oom);
    l->phone = store_column_arena(a, st, 3, oom); /* sealed: opened by the caller */
    l->phone_hash = store_column_arena(a, st, 4, oom);
    l->region_code = store_column_arena(a, st, 5, oom);
    l->text = store_column_arena(a, st, 6, oom);
    l->via = store_column_arena(a, st, 7, oom);
    l->received_at = db_column_int64(st, 8);
    l->status = store_column_arena(a, st, 9, oom);
    l->report_id = db_column_int64(st, 10);
    l->decided_by = store_column_arena(a, st, 11, oom);
    l->decided_at = db_column_int64(st, 12);
    l->note = store_column_arena(a, st, 13, oom);
    l->created_at = db_column_int64(st, 14);
}

static int open_phones(struct store *s, struct arena *a, struct store_intake_lead *l, size_t n,
                       struct error *err)
{
    for (size_t i = 0; i < n; i++) {
        bool oom = false;
        l[i].phone = store_unseal(s, a, FIELD_LEAD_PHONE, l[i].phone, &oom);
        if (oom)
            return store_seal_oom(s, "a lead's number does not fit in memory", err);
    }
    return 0;
}

int store_intake_lead_list(struct store *s, const struct store_intake_lead_query *q,
                           struct arena *a, struct store_intake_lead **out, size_t *n,
                           struct error *err)
{
    *out = NULL;
    *n = 0;
    /* Parameters numbered in the order they appear (PostgreSQL wants every $n typed). */
    struct buf sql, where;
    buf_init(&sql, 0);
    buf_init(&where, 0);
    bool scoped = q->scope && *q->scope;
    int np = 0;
    char cond[128];
    if (scoped) {
        snprintf(cond, sizeof(cond),
                 "(l.region_code = ?%d OR (l.region_code >= ?%d AND l.region_code < ?%d))", np + 1,
                 np + 2, np + 3);
        np += 3;
        store_where_add(&where, cond);
    } else if (q->regional_only) {
        store_where_add(&where, "l.region_code IS NOT NULL");
    }
    if (q->status) {
        snprintf(cond, sizeof(cond), "l.status = ?%d", ++np);
        store_where_add(&where, cond);
    }
    if (q->before_id > 0) {
        snprintf(cond, sizeof(cond), "l.id < ?%d", ++np);
        store_where_add(&where, cond);
    }
    buf_printf(&sql, "SELECT " LEAD_COLS LEAD_FROM "%s ORDER BY l.id DESC LIMIT ?%d",
               buf_cstr(&where), np + 1);
    struct db_stmt *st = NULL;
    int rc = sql.oom || where.oom ? error_set(err, WSP_ENOMEM, "out of memory")
                                  : prepare(s, buf_cstr(&sql), &st, "list leads", err);
    buf_release(&sql);
    buf_release(&where);
    if (rc)
        return rc;
    char lo[40], hi[40];
    int k = 0;
    if (scoped) {
        store_prefix_bounds(q->scope, lo, hi);
        stmt_bind_text(st, ++k, q->scope);
        stmt_bind_text(st, ++k, lo);
        stmt_bind_text(st, ++k, hi);
    }
    if (q->status)
        stmt_bind_text(st, ++k, q->status);
    if (q->before_id > 0)
        db_bind_int64(st, ++k, q->before_id);
    db_bind_int64(st, ++k, q->limit > 0 && q->limit <= 200 ? q->limit : 50);
    void *rows = NULL;
    rc = store_collect(s, st, a, &rows, n, sizeof(**out), read_lead, "list leads",
                       "the lead list does not fit in memory", err);
    db_finalize(st);
    *out = rows;
    if (!rc)
        rc = open_phones(s, a, *out, *n, err);
    return rc;
}

int store_intake_lead_get(struct store *s, int64_t id, struct arena *a,
                          struct store_intake_lead *out, struct error *err)
{
    struct db_stmt *st = NULL;
    int rc = prepare(s, "SELECT " LEAD_COLS LEAD_FROM " WHERE l.id = ?1", &st, "read a lead", err);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = store_get_row(s, st, a, out, read_lead, "lead", id, "read a lead",
                       "a lead does not fit in memory", err);
    db_finalize(st);
    if (!rc)
        rc = open_phones(s, a, out, 1, err);
    return rc;
}

int store_intake_lead_decide(struct store *s, int64_t id, const char *status, int64_t report_id,
                             const char *note, const struct store_actor *actor, struct error *err)
{
    bool promote = str_eq(status, "dipromosikan");
    if (!promote && !str_eq(status, "dibuang"))
        return error_set(err, WSP_EINVAL, "a lead is promoted or discarded");
    if (promote && report_id <= 0)
        return error_set(err, WSP_EINVAL, "a promoted lead names its report");
    int rc = store_tx_begin(s, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    rc = prepare(s,
                 "UPDATE intake_leads SET status = ?2, report_id = ?3, decided_by = ?4,"
                 " decided_at = ?5, note = ?6 WHERE id = ?1 AND status = 'baru'",
                 &st, "decide a lead", err);
    if (!rc) {
        db_bind_int64(st, 1, id);
        stmt_bind_text(st, 2, status);
        if (promote)
            db_bind_int64(st, 3, report_id);
        else
            db_bind_null(st, 3);
        stmt_bind_text(st, 4, store_actor_name(actor));
        db_bind_int64(st, 5, time_now());
        stmt_bind_text(st, 6, note && *note ? note : NULL);
        rc = step_done(s, st, "decide a lead", NULL, err);
        st = NULL;
        if (!rc && db_changes(s->db) == 0) {
            int64_t exists = 0;
            char sql[96];
            snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM intake_leads WHERE id = %" PRId64, id);
            rc = store_query_int(s, sql, &exists, "read a lead", err);
            if (!rc)
                rc = exists ? error_set(err, WSP_EEXIST, "lead %" PRId64 " was decided already", id)
                            : error_set(err, WSP_ENOTFOUND, "no lead with id '%" PRId64 "'", id);
        }
    }
    db_finalize(st);
    if (!rc) {
        char oid[24];
        snprintf(oid, sizeof(oid), "%" PRId64, id);
        json_t *after = json_pack("{s:s,s:o,s:o}", "status", status, "report_id",
                                  promote ? json_integer(report_id) : json_null(), "note",
                                  note && *note ? json_string(note) : json_null());
        char *aj = after ? json_dumps(after, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(after);
        rc = aj ? store_audit_add(s, actor, promote ? "intake_lead.promote" : "intake_lead.discard",
                                  "intake_lead", oid, NULL, aj, err)
                : error_set(err, WSP_ENOMEM, "out of memory");
        free(aj);
    }
    return store_tx_end(s, rc, err);
}
