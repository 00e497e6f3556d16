/*
 * Sealed personal fields: the store's side of src/seal (store_internal.h, store.h).
 *
 * The columns that hold personal data are listed once, in sealed_columns[] below: written
 * through store_bind_sealed, read through store_col_sealed / store_unseal, and the ones the
 * start-up check seals, `key rotate` re-seals and `key init --discard-sealed` gives up. A
 * value written before the database was sealed (text without the "s1:" prefix) reads as it
 * is until the start-up check seals it.
 *
 * seal_state (schema v13) holds one row once the database is sealed: the id of the key the
 * values were sealed with and a sealed known text (the verifier), so a store given no key or
 * another key refuses instead of writing fields nobody could open.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "seal/seal.h"
#include "store_internal.h"

#define VERIFIER_FIELD "seal_state.verifier"
#define VERIFIER_TEXT "waspada"
#define DOCS_HINT "see docs/deployment.md, 'The key'"
#define SEAL_SCHEMA_VERSION 13 /* the migration that made seal_state */

static const struct sealed_column {
    const char *table, *column, *field;
    bool not_null; /* what --discard-sealed leaves: NULL, or the marker for NOT NULL columns */
} sealed_columns[] = {
    {"case_victims", "name", "case_victims.name", true},
    {"case_victims", "address", "case_victims.address", false},
    {"case_victims", "condition", "case_victims.condition", false},
    {"victim_services", "note", "victim_services.note", false},
    {"victim_services", "refusal_reason", "victim_services.refusal_reason", false},
    {"timdu_members", "phone", "timdu_members.phone", false},
    {"timdu_members", "email", "timdu_members.email", false},
    {"forums", "contact_name", "forums.contact_name", false},
    {"forums", "contact_phone", "forums.contact_phone", false},
    {"forums", "contact_email", "forums.contact_email", false},
    {"users", "full_name", "users.full_name", true},
    /* schema v15 (field messages in): a channel's secret (NULL once discarded: a channel
     * without one accepts nothing), the key of the phones' lookup hashes, reporters' and
     * unknown senders' numbers */
    {"intake_channels", "secret", "intake_channels.secret", false},
    {"phone_key", "key", "phone_key.key", false},
    {"user_phones", "phone", "user_phones.phone", false},
    {"intake_leads", "phone", "intake_leads.phone", false},
};

/* Keys of audit JSON that held personal fields before they were sealed (users' full names,
 * forums' contact persons): the start-up sealing takes them out of the old audit rows. */
static const char *const audit_personal_keys[] = {"full_name", "contact_name", "contact_phone",
                                                  "contact_email"};

static const struct seal_keyring *default_keyring;

const char *const *store_sealed_fields(size_t *n)
{
    static const char *fields[WSP_ARRAY_LEN(sealed_columns)];
    for (size_t i = 0; i < WSP_ARRAY_LEN(sealed_columns); i++)
        fields[i] = sealed_columns[i].field;
    *n = WSP_ARRAY_LEN(sealed_columns);
    return fields;
}

static bool field_known(const char *field)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(sealed_columns); i++)
        if (str_eq(sealed_columns[i].field, field))
            return true;
    return false;
}

void store_seal_default(const struct seal_keyring *kr)
{
    default_keyring = kr;
}

const struct seal_keyring *store_seal_default_keyring(void)
{
    return default_keyring;
}

void store_set_keyring(struct store *s, const struct seal_keyring *kr)
{
    s->keyring = kr;
}

/* ---- seal state ----------------------------------------------------------------------------- */

/* The seal_state row: *found false when there is none. key_id has SEAL_ID_LEN + 1 bytes;
 * verifier (may be NULL) is malloc'd. */
static int read_state(struct store *s, bool *found, char *key_id, char **verifier,
                      struct error *err)
{
    *found = false;
    key_id[0] = '\0';
    if (verifier)
        *verifier = NULL;
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_SEAL_STATE, "SELECT key_id, verifier FROM seal_state WHERE id = 1",
                      &st, err);
    if (rc)
        return rc;
    int src = db_step(st);
    if (src == DB_ROW) {
        *found = true;
        stmt_column_copy(st, 0, key_id, SEAL_ID_LEN + 1);
        if (verifier) {
            const char *v = db_column_text(st, 1);
            *verifier = xstrdup(v ? v : "");
        }
    }
    stmt_done(st);
    if (src != DB_ROW && src != DB_DONE)
        return store_fail(s, src, err, "read the seal state", NULL, NULL);
    return 0;
}

int store_seal_state(struct store *s, bool *sealed, char key_id[17], struct error *err)
{
    return read_state(s, sealed, key_id, NULL, err);
}

/* Before a personal field is written: refuse a write the keys at hand would get wrong. */
static int write_guard(struct store *s, struct error *err)
{
    /* A database still being migrated (store_open_raw) may have no seal_state yet; asking
     * would abort the caller's transaction on PostgreSQL. */
    if (!s->seal_schema) {
        int version = 0;
        int rc = store_schema_version(s, &version, err);
        if (rc)
            return rc;
        if (version < SEAL_SCHEMA_VERSION && !s->keyring)
            return 0;
        s->seal_schema = version >= SEAL_SCHEMA_VERSION;
    }
    bool sealed;
    char key_id[SEAL_ID_LEN + 1];
    int rc = read_state(s, &sealed, key_id, NULL, err);
    if (rc)
        return rc;
    if (!s->keyring) {
        if (sealed)
            return error_set(err, WSP_EPERM,
                             "this database holds sealed personal fields (key %s) and no key was "
                             "given: set key_file (%s)",
                             key_id, DOCS_HINT);
        return 0;
    }
    if (!sealed)
        return error_set(err, WSP_EINTERNAL,
                         "a key is given but the database is not sealed yet (store_seal_check)");
    if (!seal_keyring_has(s->keyring, key_id))
        return error_set(err, WSP_EPERM,
                         "this database was sealed with key %s since the key file was read "
                         "(it holds %s): restart with the current key file",
                         key_id, seal_keyring_id(s->keyring, 0));
    return 0;
}

/* ---- write and read ----------------------------------------------------------------------- */

int store_bind_sealed(struct store *s, struct db_stmt *st, int idx, const char *field,
                      const char *plain, struct error *err)
{
    if (!field_known(field))
        return error_set(err, WSP_EINTERNAL, "'%s' is not a sealed field (sealed.c)", field);
    int rc = write_guard(s, err);
    if (rc)
        return rc;
    if (!plain || !s->keyring) {
        rc = stmt_bind_text(st, idx, plain);
        return rc == DB_OK ? 0 : store_fail(s, rc, err, "bind a field", NULL, NULL);
    }
    char *sealed = NULL;
    rc = seal_text(s->keyring, field, plain, strlen(plain), &sealed, err);
    if (rc)
        return rc;
    rc = db_bind_text_copy(st, idx, sealed);
    free(sealed);
    return rc == DB_OK ? 0 : store_fail(s, rc, err, "bind a sealed field", NULL, NULL);
}

/* Open text of field into a malloc'd string (*n its size, to wipe); NULL when it does not
 * open, logged without the value. */
static char *open_alloc(struct store *s, const char *field, const char *text, size_t *n)
{
    *n = seal_open_max(text) + 1;
    char *p = xmalloc(*n);
    struct error e = {0};
    if (!s->keyring) {
        error_set(&e, WSP_EPERM, "field '%s' is sealed and no key was given", field);
    } else if (seal_open(s->keyring, field, text, p, *n, NULL, &e) == 0) {
        return p;
    }
    LOG_E("store", "%s", e.msg);
    seal_wipe_free(p, *n);
    s->seal_failed = true;
    return NULL;
}

const char *store_unseal(struct store *s, struct arena *a, const char *field, const char *text,
                         bool *oom)
{
    if (!text || !seal_is_sealed(text))
        return text;
    size_t n;
    char *p = open_alloc(s, field, text, &n);
    if (!p) {
        *oom = true;
        return NULL;
    }
    char *r = arena_strdup(a, p);
    seal_wipe_free(p, n);
    if (!r)
        *oom = true;
    return r;
}

const char *store_col_sealed(struct store *s, struct arena *a, struct db_stmt *st, int col,
                             const char *field, bool *oom)
{
    const char *v = db_column_text(st, col);
    if (!v)
        return NULL;
    if (!seal_is_sealed(v)) {
        char *r = arena_strdup(a, v);
        if (!r)
            *oom = true;
        return r;
    }
    return store_unseal(s, a, field, v, oom);
}

void store_col_sealed_copy(struct store *s, struct db_stmt *st, int col, const char *field,
                           char *dst, size_t dstsz)
{
    const char *v = db_column_text(st, col);
    if (!v || !seal_is_sealed(v)) {
        str_copy(dst, v ? v : "", dstsz);
        return;
    }
    size_t n;
    char *p = open_alloc(s, field, v, &n);
    /* Lenient: a name that does not open reads as a marker (logged), so one damaged user
     * row does not lock every user out of their session. */
    str_copy(dst, p ? p : STORE_SEALED_UNREADABLE, dstsz);
    if (!p)
        s->seal_failed = false;
    seal_wipe_free(p, n);
}

int store_seal_oom(struct store *s, const char *oom_msg, struct error *err)
{
    if (s->seal_failed) {
        s->seal_failed = false;
        return error_set(err, WSP_EDB,
                         "a sealed personal field does not open (the key does not match or the "
                         "value was altered): see the server log");
    }
    return error_set(err, WSP_ENOMEM, "%s", oom_msg);
}

/* ---- sealing every value --------------------------------------------------------------------- */

struct pending {
    int64_t id;
    char *text;
};

/* Seal under the ring's first key every value of column c that is not sealed with it yet.
 * init: values that look sealed but do not open are plaintext that happens to look sealed
 * (the database had no seal yet), and are sealed as they are; otherwise such a value is an
 * error (it would be lost). *changed += values rewritten. */
static int reseal_column(struct store *s, const struct sealed_column *c,
                         const struct seal_keyring *kr, bool init, int64_t *changed,
                         struct error *err)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT id, %s FROM %s WHERE %s IS NOT NULL ORDER BY id", c->column,
             c->table, c->column);
    struct db_stmt *st = NULL;
    int src = db_prepare(s->db, sql, false, &st);
    if (src != DB_OK)
        return store_fail(s, src, err, "read sealed fields", NULL, NULL);
    const char *first = seal_keyring_id(kr, 0);
    struct pending *todo = NULL;
    size_t n = 0, cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        const char *v = db_column_text(st, 1);
        char id[SEAL_ID_LEN + 1];
        if (seal_text_key_id(v, id) && str_eq(id, first))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            todo = xrealloc(todo, cap * sizeof(*todo));
        }
        todo[n].id = db_column_int64(st, 0);
        todo[n].text = xstrdup(v ? v : "");
        n++;
    }
    db_finalize(st);
    int rc = 0;
    if (src != DB_DONE)
        rc = store_fail(s, src, err, "read sealed fields", NULL, NULL);

    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?2 WHERE id = ?1", c->table, c->column);
    st = NULL;
    if (!rc && n > 0 && (src = db_prepare(s->db, sql, false, &st)) != DB_OK)
        rc = store_fail(s, src, err, "seal fields", NULL, NULL);
    for (size_t i = 0; i < n && !rc; i++) {
        const char *plain = todo[i].text;
        size_t olen = 0;
        char *opened = NULL;
        if (seal_is_sealed(todo[i].text)) {
            olen = seal_open_max(todo[i].text) + 1;
            opened = xmalloc(olen);
            struct error e = {0};
            if (seal_open(kr, c->field, todo[i].text, opened, olen, NULL, &e) == 0)
                plain = opened;
            else if (!init)
                rc = error_set(err, e.code, "%s row %" PRId64 ": %s", c->table, todo[i].id, e.msg);
        }
        char *sealed = NULL;
        if (!rc)
            rc = seal_text(kr, c->field, plain, strlen(plain), &sealed, err);
        if (!rc) {
            db_bind_int64(st, 1, todo[i].id);
            db_bind_text(st, 2, sealed);
            src = db_step(st);
            db_reset(st);
            if (src != DB_DONE)
                rc = store_fail(s, src, err, "seal fields", NULL, NULL);
            else
                (*changed)++;
        }
        free(sealed);
        seal_wipe_free(opened, olen);
    }
    db_finalize(st);
    for (size_t i = 0; i < n; i++)
        seal_wipe_free(todo[i].text, strlen(todo[i].text));
    free(todo);
    return rc;
}

/* Drop the personal keys from one audit JSON text; NULL when nothing changed (else malloc'd). */
static char *audit_scrub(const char *text)
{
    if (!text)
        return NULL;
    json_t *o = json_loads(text, 0, NULL);
    bool changed = false;
    for (size_t i = 0; o && json_is_object(o) && i < WSP_ARRAY_LEN(audit_personal_keys); i++)
        if (json_object_del(o, audit_personal_keys[i]) == 0)
            changed = true;
    char *r = changed ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return r;
}

/* The old audit rows of users and forums, written before the fields were sealed, lose the
 * personal keys (full_name, contact_*): a sealed database holds no name in the clear. */
static int scrub_audit(struct store *s, int64_t *changed, struct error *err)
{
    struct db_stmt *st = NULL;
    int src = db_prepare(s->db,
                         "SELECT id, before_json, after_json FROM audit_log"
                         " WHERE object_type IN ('user', 'forum') ORDER BY id",
                         false, &st);
    if (src != DB_OK)
        return store_fail(s, src, err, "read the audit log", NULL, NULL);
    struct scrub {
        int64_t id;
        char *before, *after;
        bool b, a;
    } *todo = NULL;
    size_t n = 0, cap = 0;
    while ((src = db_step(st)) == DB_ROW) {
        char *b = audit_scrub(db_column_text(st, 1)), *a = audit_scrub(db_column_text(st, 2));
        if (!b && !a)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            todo = xrealloc(todo, cap * sizeof(*todo));
        }
        const char *ob = db_column_text(st, 1), *oa = db_column_text(st, 2);
        todo[n].id = db_column_int64(st, 0);
        todo[n].before = b ? b : (ob ? xstrdup(ob) : NULL);
        todo[n].after = a ? a : (oa ? xstrdup(oa) : NULL);
        n++;
    }
    db_finalize(st);
    int rc = src == DB_DONE ? 0 : store_fail(s, src, err, "read the audit log", NULL, NULL);
    st = NULL;
    if (!rc && n > 0 &&
        (src = db_prepare(s->db,
                          "UPDATE audit_log SET before_json = ?2, after_json = ?3"
                          " WHERE id = ?1",
                          false, &st)) != DB_OK)
        rc = store_fail(s, src, err, "update the audit log", NULL, NULL);
    for (size_t i = 0; i < n && !rc; i++) {
        db_bind_int64(st, 1, todo[i].id);
        db_bind_text(st, 2, todo[i].before);
        db_bind_text(st, 3, todo[i].after);
        src = db_step(st);
        db_reset(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "update the audit log", NULL, NULL);
        else
            (*changed)++;
    }
    db_finalize(st);
    for (size_t i = 0; i < n; i++) {
        free(todo[i].before);
        free(todo[i].after);
    }
    free(todo);
    return rc;
}

/* seal_state <- the ring's first key and a new verifier. */
static int write_state(struct store *s, const struct seal_keyring *kr, struct error *err)
{
    char *verifier = NULL;
    int rc = seal_text(kr, VERIFIER_FIELD, VERIFIER_TEXT, strlen(VERIFIER_TEXT), &verifier, err);
    if (rc)
        return rc;
    struct db_stmt *st = NULL;
    int src = db_prepare(s->db,
                         "INSERT INTO seal_state (id, key_id, verifier, updated_at)"
                         " VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET"
                         " key_id = excluded.key_id, verifier = excluded.verifier,"
                         " updated_at = excluded.updated_at",
                         false, &st);
    if (src == DB_OK) {
        db_bind_text(st, 1, seal_keyring_id(kr, 0));
        db_bind_text(st, 2, verifier);
        db_bind_int64(st, 3, time_now());
        src = db_step(st);
    }
    db_finalize(st);
    free(verifier);
    return src == DB_DONE ? 0 : store_fail(s, src, err, "write the seal state", NULL, NULL);
}

/* Every sealed column resealed under kr's first key, inside the caller's transaction. */
static int reseal_all(struct store *s, const struct seal_keyring *kr, bool init, int64_t *changed,
                      struct error *err)
{
    int rc = 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(sealed_columns) && !rc; i++)
        rc = reseal_column(s, &sealed_columns[i], kr, init, changed, err);
    if (!rc)
        rc = write_state(s, kr, err);
    return rc;
}

static int exec_sql(struct store *s, const char *sql, struct error *err)
{
    int rc = db_exec(s->db, sql);
    return rc == DB_OK ? 0 : store_fail(s, rc, err, sql, NULL, NULL);
}

/* SQLite keeps the old page images of rewritten rows in the WAL and in free space of the
 * file: after sealing, rebuild the file (VACUUM) and empty the WAL (checkpoint TRUNCATE), so
 * the plaintext (or the old key's text) survives in neither. *purged false when another
 * connection kept the WAL from being emptied. PostgreSQL: nothing to do here (its old row
 * versions go with VACUUM, which autovacuum runs; see docs/deployment.md). */
static int purge_old_pages(struct store *s, bool *purged, struct error *err)
{
    *purged = true;
    if (s->engine != DB_SQLITE)
        return 0;
    int rc = exec_sql(s, "VACUUM", err);
    if (rc)
        return rc;
    int log = 0, ckpt = 0;
    int src = sqlite3_wal_checkpoint_v2(db_sqlite_handle(s->db), NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                        &log, &ckpt);
    if (src != SQLITE_OK) {
        *purged = false;
        LOG_W("store", "the WAL could not be emptied after sealing (another connection is "
                       "reading): it is emptied at the next checkpoint");
    }
    return 0;
}

/* Run one sealing change in a transaction with SQLite's secure_delete and full sync on (the
 * key file's old keys are dropped only after this commit, so it must survive a power cut),
 * then purge the old pages. */
typedef int seal_step_fn(struct store *s, const struct seal_keyring *kr, void *ud,
                         struct error *err);

static int sealing_tx(struct store *s, const struct seal_keyring *kr, seal_step_fn *step, void *ud,
                      bool *purged, struct error *err)
{
    if (s->depth > 0)
        return error_set(err, WSP_EINTERNAL, "sealing runs outside any transaction");
    int rc = 0;
    if (s->engine == DB_SQLITE)
        rc = exec_sql(s, "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL", err);
    if (!rc)
        rc = store_begin(s, err);
    /* Servers of one PostgreSQL database starting together: one seals, the others wait here
     * and then find the database sealed (SQLite's BEGIN IMMEDIATE already serialises). */
    if (!rc && s->engine == DB_POSTGRES) {
        rc = exec_sql(s, "SELECT pg_advisory_xact_lock(" STORE_PG_LOCK_SEAL ")", err);
        if (rc)
            store_rollback(s);
    }
    if (!rc) {
        rc = step(s, kr, ud, err);
        rc = store_tx_end(s, rc, err);
    }
    if (s->engine == DB_SQLITE)
        db_exec(s->db, "PRAGMA synchronous = NORMAL");
    if (!rc)
        rc = purge_old_pages(s, purged, err);
    return rc;
}

struct init_ud {
    struct store_seal_report *rep;
    const struct store_actor *actor;
};

static int init_step(struct store *s, const struct seal_keyring *kr, void *ud, struct error *err)
{
    struct init_ud *u = ud;
    int64_t audits = 0;
    bool sealed;
    char key_id[SEAL_ID_LEN + 1];
    int rc = read_state(s, &sealed, key_id, NULL, err);
    if (!rc && sealed)
        return error_set(err, WSP_EBUSY,
                         "the database was sealed meanwhile (key %s) by another process: start "
                         "again",
                         key_id);
    if (!rc)
        rc = reseal_all(s, kr, true, &u->rep->sealed_values, err);
    if (!rc)
        rc = scrub_audit(s, &audits, err);
    if (!rc) {
        char after[160];
        snprintf(after, sizeof(after),
                 "{\"key_id\":\"%s\",\"values_sealed\":%" PRId64 ",\"audit_rows_scrubbed\":%" PRId64
                 "}",
                 seal_keyring_id(kr, 0), u->rep->sealed_values, audits);
        rc = store_audit_add(s, u->actor, "key.seal", "seal_state", "1", NULL, after, err);
    }
    return rc;
}

/* ---- start-up check, rotation, discarding ---------------------------------------------------- */

int store_seal_check(struct store *s, const char *key_file, const struct store_actor *actor,
                     struct store_seal_report *rep, struct error *err)
{
    struct store_seal_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof(*rep));
    bool sealed;
    char key_id[SEAL_ID_LEN + 1];
    char *verifier = NULL;
    int rc = read_state(s, &sealed, key_id, &verifier, err);
    if (rc)
        return rc;
    const struct seal_keyring *kr = s->keyring;
    str_copy(rep->key_id, key_id, sizeof(rep->key_id));
    rep->sealed = sealed;
    if (!sealed && !kr)
        goto out; /* a database without sealed fields, and no key: plaintext, as before */
    if (sealed && !kr) {
        if (key_file && *key_file)
            rc = error_set(err, WSP_EPERM,
                           "this database holds sealed personal fields (key %s) and the key file "
                           "'%s' is not there: restore it from your copy, or give its place with "
                           "key_file / --key-file (%s)",
                           key_id, key_file, DOCS_HINT);
        else
            rc = error_set(err, WSP_EPERM,
                           "this database holds sealed personal fields (key %s) and no key file "
                           "is set: give it with key_file / --key-file (%s)",
                           key_id, DOCS_HINT);
        goto out;
    }
    if (sealed) {
        if (!seal_keyring_has(kr, key_id)) {
            rc = error_set(err, WSP_EPERM,
                           "this database was sealed with key %s; the key file '%s' holds %s%s: "
                           "give the right key file (%s)",
                           key_id, key_file ? key_file : "(given)", seal_keyring_id(kr, 0),
                           seal_keyring_count(kr) > 1 ? " and older keys" : "", DOCS_HINT);
            goto out;
        }
        char plain[64];
        struct error e = {0};
        if (seal_open_max(verifier) + 1 > sizeof(plain) ||
            seal_open(kr, VERIFIER_FIELD, verifier, plain, sizeof(plain), NULL, &e) != 0 ||
            strcmp(plain, VERIFIER_TEXT) != 0) {
            rc = error_set(err, WSP_EPERM,
                           "the key file '%s' has key id %s but does not open this database's "
                           "seal: the file or the database was altered (%s)",
                           key_file ? key_file : "(given)", key_id, DOCS_HINT);
            goto out;
        }
        if (!str_eq(key_id, seal_keyring_id(kr, 0)) || seal_keyring_count(kr) > 1)
            LOG_W("store",
                  "the key file holds %zu keys: a key rotation did not finish; run "
                  "'waspada key rotate' again",
                  seal_keyring_count(kr));
        goto out;
    }
    /* A key and no seal yet: seal what is there, in one transaction. */
    struct init_ud u = {rep, actor};
    rc = sealing_tx(s, kr, init_step, &u, &rep->purged, err);
    if (!rc) {
        rep->initialised = true;
        rep->sealed = true;
        str_copy(rep->key_id, seal_keyring_id(kr, 0), sizeof(rep->key_id));
    }
out:
    free(verifier);
    return rc;
}

struct rotate_ud {
    struct store_seal_report *rep;
    const struct store_actor *actor;
    const char *old_id;
};

static int rotate_step(struct store *s, const struct seal_keyring *kr, void *ud, struct error *err)
{
    struct rotate_ud *u = ud;
    int rc = reseal_all(s, kr, false, &u->rep->sealed_values, err);
    if (!rc) {
        char before[64], after[128];
        snprintf(before, sizeof(before), "{\"key_id\":\"%s\"}", u->old_id);
        snprintf(after, sizeof(after), "{\"key_id\":\"%s\",\"values_resealed\":%" PRId64 "}",
                 seal_keyring_id(kr, 0), u->rep->sealed_values);
        rc = store_audit_add(s, u->actor, "key.rotate", "seal_state", "1", before, after, err);
    }
    return rc;
}

int store_seal_rotate(struct store *s, const struct store_actor *actor,
                      struct store_seal_report *rep, struct error *err)
{
    memset(rep, 0, sizeof(*rep));
    const struct seal_keyring *kr = s->keyring;
    if (!kr)
        return error_set(err, WSP_EINTERNAL, "no key to rotate to");
    bool sealed;
    char key_id[SEAL_ID_LEN + 1];
    int rc = read_state(s, &sealed, key_id, NULL, err);
    if (rc)
        return rc;
    if (!sealed)
        return error_set(err, WSP_EINVAL, "this database is not sealed yet: nothing to rotate");
    if (!seal_keyring_has(kr, key_id))
        return error_set(err, WSP_EPERM,
                         "this database was sealed with key %s, not in the key file", key_id);
    struct rotate_ud u = {rep, actor, key_id};
    rc = sealing_tx(s, kr, rotate_step, &u, &rep->purged, err);
    if (!rc) {
        rep->sealed = true;
        str_copy(rep->key_id, seal_keyring_id(kr, 0), sizeof(rep->key_id));
    }
    return rc;
}

struct discard_ud {
    struct store_seal_report *rep;
    const struct store_actor *actor;
    const char *old_id;
};

/* Give up every value sealed with the lost key: NULL, or the marker in a NOT NULL column
 * (a victim's name, a user's full name), then seal what is left under the new key. */
static int discard_step(struct store *s, const struct seal_keyring *kr, void *ud, struct error *err)
{
    struct discard_ud *u = ud;
    int rc = 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(sealed_columns) && !rc; i++) {
        const struct sealed_column *c = &sealed_columns[i];
        char sql[256];
        snprintf(sql, sizeof(sql), "UPDATE %s SET %s = %s WHERE %s LIKE 's1:%%'", c->table,
                 c->column, c->not_null ? "'" STORE_SEALED_DISCARDED "'" : "NULL", c->column);
        struct db_stmt *st = NULL;
        int src = db_prepare(s->db, sql, false, &st);
        if (src == DB_OK)
            src = db_step(st);
        if (src == DB_DONE)
            u->rep->discarded += db_changes(s->db);
        db_finalize(st);
        if (src != DB_DONE)
            rc = store_fail(s, src, err, "discard sealed fields", NULL, NULL);
    }
    if (!rc)
        rc = exec_sql(s, "DELETE FROM seal_state", err);
    if (!rc)
        rc = reseal_all(s, kr, true, &u->rep->sealed_values, err);
    if (!rc) {
        char before[64], after[160];
        snprintf(before, sizeof(before), "{\"key_id\":\"%s\"}", u->old_id);
        snprintf(after, sizeof(after),
                 "{\"key_id\":\"%s\",\"values_discarded\":%" PRId64 ",\"values_sealed\":%" PRId64
                 "}",
                 seal_keyring_id(kr, 0), u->rep->discarded, u->rep->sealed_values);
        rc = store_audit_add(s, u->actor, "key.discard_sealed", "seal_state", "1", before, after,
                             err);
    }
    return rc;
}

int store_seal_discard(struct store *s, const struct store_actor *actor,
                       struct store_seal_report *rep, struct error *err)
{
    memset(rep, 0, sizeof(*rep));
    const struct seal_keyring *kr = s->keyring;
    if (!kr)
        return error_set(err, WSP_EINTERNAL, "no new key to seal with");
    bool sealed;
    char key_id[SEAL_ID_LEN + 1];
    int rc = read_state(s, &sealed, key_id, NULL, err);
    if (rc)
        return rc;
    if (!sealed)
        return error_set(err, WSP_EINVAL,
                         "this database holds no sealed fields: nothing to discard");
    if (seal_keyring_has(kr, key_id))
        return error_set(err, WSP_EEXIST,
                         "the key file holds this database's key %s: nothing is lost, nothing "
                         "discarded",
                         key_id);
    struct discard_ud u = {rep, actor, key_id};
    rc = sealing_tx(s, kr, discard_step, &u, &rep->purged, err);
    if (!rc) {
        rep->sealed = rep->initialised = true;
        str_copy(rep->key_id, seal_keyring_id(kr, 0), sizeof(rep->key_id));
    }
    return rc;
}

int store_seal_counts(struct store *s, struct store_seal_count *out, size_t max, size_t *n,
                      struct error *err)
{
    *n = 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(sealed_columns) && i < max; i++) {
        const struct sealed_column *c = &sealed_columns[i];
        char sql[320];
        snprintf(sql, sizeof(sql),
                 "SELECT COALESCE(SUM(CASE WHEN %s LIKE 's1:%%' THEN 1 ELSE 0 END), 0),"
                 " COALESCE(SUM(CASE WHEN %s IS NOT NULL AND %s NOT LIKE 's1:%%' THEN 1 ELSE 0"
                 " END), 0) FROM %s",
                 c->column, c->column, c->column, c->table);
        struct db_stmt *st = NULL;
        int src = db_prepare(s->db, sql, false, &st);
        if (src == DB_OK)
            src = db_step(st);
        if (src == DB_ROW) {
            out[i].field = c->field;
            out[i].sealed = db_column_int64(st, 0);
            out[i].plain = db_column_int64(st, 1);
        }
        db_finalize(st);
        if (src != DB_ROW)
            return store_fail(s, src, err, "count sealed fields", NULL, NULL);
        (*n)++;
    }
    return 0;
}
