/* store: sealed personal fields (store.h, schema v13, issue 14 item 4). Values written before
 * and after a database is sealed read back as written; on SQLite no name occurs as bytes in
 * the database file or its WAL; a store without the key or with another key is refused; key
 * rotation and the deliberate discarding after a lost key. On SQLite files, or on fresh
 * PostgreSQL databases when WASPADA_TEST_ENGINE=postgresql (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "seal/seal.h"
#include "store/store.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define NAME_BEFORE "Siti Rahmawati Zulkarnain"
#define NAME_AFTER "Nur Aisyah Wulandari"
#define CONTACT "Yohanes Parinussa"
#define PHONE "+62 812 5555 0199"

static const struct store_actor actor = {0, "test", NULL};

struct fixture {
    char *dir;
    char *db;
    struct store *s;
    struct seal_keyring *kr;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->dir = support_tmpdir();
    f->db = testdb_new(f->dir, "seal.db");
    struct error err = {0};
    if (store_open(&f->s, f->db, &err) != 0 || seal_keyring_generate(&f->kr, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    const struct store_region regions[] = {{"32", NULL, 1, "Jawa Barat"}};
    if (store_regions_sync(f->s, regions, 1, NULL, &err) != 0) {
        fprintf(stderr, "regions: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    seal_keyring_free(f->kr);
    support_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static int64_t add_user(struct store *s, const char *username, const char *full_name)
{
    struct store_user u = {0};
    str_copy(u.username, username, sizeof(u.username));
    str_copy(u.role, "pelapor", sizeof(u.role));
    str_copy(u.full_name, full_name, sizeof(u.full_name));
    struct error err = {0};
    int64_t id = 0;
    if (store_user_add(s, &u, "$argon2id$test", &actor, &id, &err) != 0)
        fail_msg("add user: %s", err.msg);
    return id;
}

static int64_t add_forum(struct store *s, const char *contact)
{
    struct store_forum fo = {.region_code = "32",
                             .kind = "fkdm",
                             .name = "FKDM Jawa Barat",
                             .contact_name = contact,
                             .contact_phone = PHONE};
    struct error err = {0};
    int64_t id = 0;
    if (store_forum_add(s, &fo, &actor, &id, &err) != 0)
        fail_msg("add forum: %s", err.msg);
    return id;
}

static void check_user(struct store *s, const char *username, const char *full_name)
{
    struct store_user u;
    struct error err = {0};
    assert_int_equal(store_user_get_by_name(s, username, &u, &err), 0);
    assert_string_equal(u.full_name, full_name);
}

/* Whether needle occurs in the file at path (false when the file does not exist). */
static bool file_has(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(&b, chunk, n);
    fclose(fp);
    bool found = b.len && memmem(b.data, b.len, needle, strlen(needle)) != NULL;
    buf_release(&b);
    return found;
}

static void seal_now(struct fixture *f, struct store_seal_report *rep)
{
    struct error err = {0};
    store_set_keyring(f->s, f->kr);
    if (store_seal_check(f->s, "seal.key", &actor, rep, &err) != 0)
        fail_msg("seal check: %s", err.msg);
}

/* Values written before sealing are sealed by the check, values written after are sealed as
 * they are written; both read back; on SQLite no name is left in the file or its WAL. */
static void test_seal_existing_and_new(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_user(f->s, "siti", NAME_BEFORE);
    int64_t forum = add_forum(f->s, CONTACT);
    /* An audit row as older versions wrote them, with the full name in it. */
    assert_int_equal(store_audit_add(f->s, &actor, "user.add", "user", "99", NULL,
                                     "{\"id\":99,\"full_name\":\"" NAME_BEFORE "\"}", &err),
                     0);

    struct store_seal_report rep;
    seal_now(f, &rep);
    assert_true(rep.initialised);
    assert_true(rep.sealed);
    assert_int_equal(rep.sealed_values, 3); /* the full name, the contact's name and phone */
    assert_string_equal(rep.key_id, seal_keyring_id(f->kr, 0));
    if (!testdb_pg())
        assert_true(rep.purged);

    add_user(f->s, "nur", NAME_AFTER);
    check_user(f->s, "siti", NAME_BEFORE);
    check_user(f->s, "nur", NAME_AFTER);
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_user *users;
    size_t n;
    assert_int_equal(store_user_list(f->s, &a, &users, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(users[0].full_name, NAME_AFTER); /* nur < siti */
    struct store_forum fo;
    assert_int_equal(store_forum_get(f->s, forum, &a, &fo, &err), 0);
    assert_string_equal(fo.contact_name, CONTACT);
    assert_string_equal(fo.contact_phone, PHONE);
    assert_null(fo.contact_email);
    struct store_forum *list;
    assert_int_equal(store_forum_list(f->s, "", "", &a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].contact_name, CONTACT);
    arena_release(&a);

    /* In the tables: sealed text only; in the audit log: no name at all. */
    char *raw = testdb_text(f->db, "SELECT full_name FROM users WHERE username = 'nur'");
    assert_true(seal_is_sealed(raw));
    free(raw);
    assert_int_equal(testdb_int(f->db, "SELECT COUNT(*) FROM forums WHERE contact_name LIKE "
                                       "'s1:%' AND contact_phone LIKE 's1:%'"),
                     1);
    assert_int_equal(testdb_int(f->db,
                                "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                "'%Rahmawati%' OR after_json LIKE '%Wulandari%' OR after_json "
                                "LIKE '%Yohanes%' OR before_json LIKE '%Yohanes%'"),
                     0);
    assert_int_equal(testdb_int(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.seal'"),
                     1);
    size_t nf;
    store_sealed_fields(&nf);
    struct store_seal_count counts[32];
    assert_int_equal(store_seal_counts(f->s, counts, 32, &n, &err), 0);
    assert_int_equal(n, nf);
    int64_t sealed = 0, plain = 0;
    for (size_t i = 0; i < n; i++)
        sealed += counts[i].sealed, plain += counts[i].plain;
    assert_int_equal(sealed, 4);
    assert_int_equal(plain, 0);

    if (!testdb_pg()) {
        /* The raw bytes, with the store still open (the WAL holds the newest pages). */
        char *wal = xasprintf("%s-wal", f->db);
        const char *names[] = {NAME_BEFORE, NAME_AFTER, CONTACT, PHONE, "Rahmawati", "Wulandari"};
        for (size_t i = 0; i < WSP_ARRAY_LEN(names); i++) {
            if (file_has(f->db, names[i]) || file_has(wal, names[i]))
                fail_msg("'%s' occurs in the database file or its WAL", names[i]);
        }
        /* The check can see a name: the unsealed region name is there. */
        assert_true(file_has(f->db, "Jawa Barat") || file_has(wal, "Jawa Barat"));
        free(wal);
    }

    /* Checking again changes nothing. */
    seal_now(f, &rep);
    assert_false(rep.initialised);
    assert_int_equal(rep.sealed_values, 0);
}

/* A sealed database refuses a store with no key or another key; without the key a full name
 * reads as a marker, a forum's contact is an error, and writes are refused. */
static void test_refusals(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_seal_report rep;
    int64_t forum = add_forum(f->s, CONTACT);
    add_user(f->s, "siti", NAME_BEFORE);
    seal_now(f, &rep);

    struct store *s2;
    assert_int_equal(store_open(&s2, f->db, &err), 0);
    assert_int_equal(store_seal_check(s2, "/srv/waspada.key", &actor, &rep, &err), WSP_EPERM);
    assert_non_null(strstr(err.msg, "/srv/waspada.key"));
    assert_non_null(strstr(err.msg, "docs/deployment.md"));
    /* Without the key: reads do not open, writes are refused. */
    check_user(s2, "siti", STORE_SEALED_UNREADABLE);
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_forum fo;
    assert_int_equal(store_forum_get(s2, forum, &a, &fo, &err), WSP_EDB);
    assert_non_null(strstr(err.msg, "does not open"));
    struct store_user u = {0};
    str_copy(u.username, "budi", sizeof(u.username));
    str_copy(u.role, "pelapor", sizeof(u.role));
    str_copy(u.full_name, "Budi", sizeof(u.full_name));
    assert_int_equal(store_user_add(s2, &u, "$argon2id$x", &actor, NULL, &err), WSP_EPERM);
    assert_int_equal(testdb_int(f->db, "SELECT COUNT(*) FROM users WHERE username = 'budi'"), 0);

    /* Another key. */
    struct seal_keyring *other;
    assert_int_equal(seal_keyring_generate(&other, &err), 0);
    store_set_keyring(s2, other);
    assert_int_equal(store_seal_check(s2, "other.key", &actor, &rep, &err), WSP_EPERM);
    char want[128];
    snprintf(want, sizeof(want), "sealed with key %s; the key file 'other.key' holds %s",
             seal_keyring_id(f->kr, 0), seal_keyring_id(other, 0));
    if (!strstr(err.msg, want))
        fail_msg("'%s' lacks '%s'", err.msg, want);
    assert_int_equal(store_user_add(s2, &u, "$argon2id$x", &actor, NULL, &err), WSP_EPERM);
    /* The right key. */
    store_set_keyring(s2, f->kr);
    assert_int_equal(store_seal_check(s2, "seal.key", &actor, &rep, &err), 0);
    check_user(s2, "siti", NAME_BEFORE);
    assert_int_equal(store_forum_get(s2, forum, &a, &fo, &err), 0);
    assert_string_equal(fo.contact_name, CONTACT);
    arena_release(&a);
    seal_keyring_free(other);
    store_close(s2);

    /* A value moved to another column (or row's column) does not open there. */
    testdb_exec(f->db, "UPDATE forums SET contact_email = contact_name");
    arena_init(&a, 1 << 20);
    assert_int_equal(store_forum_get(f->s, forum, &a, &fo, &err), WSP_EDB);
    arena_release(&a);
}

/* Rotation: a new key in front, every value re-sealed, seal_state and the audit log say so;
 * the old key alone no longer opens the database. */
static void test_rotate(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_seal_report rep;
    add_user(f->s, "siti", NAME_BEFORE);
    int64_t forum = add_forum(f->s, CONTACT);
    seal_now(f, &rep);
    char old_id[17];
    str_copy(old_id, seal_keyring_id(f->kr, 0), sizeof(old_id));

    assert_int_equal(seal_keyring_add_new(f->kr, &err), 0);
    assert_int_equal(store_seal_rotate(f->s, &actor, &rep, &err), 0);
    assert_int_equal(rep.sealed_values, 3);
    assert_string_equal(rep.key_id, seal_keyring_id(f->kr, 0));
    seal_keyring_keep_first(f->kr);
    check_user(f->s, "siti", NAME_BEFORE);
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_forum fo;
    assert_int_equal(store_forum_get(f->s, forum, &a, &fo, &err), 0);
    assert_string_equal(fo.contact_phone, PHONE);
    arena_release(&a);

    char *sql = xasprintf("SELECT COUNT(*) FROM users WHERE full_name LIKE 's1:%s:%%'",
                          seal_keyring_id(f->kr, 0));
    assert_int_equal(testdb_int(f->db, sql), 1);
    free(sql);
    char *key = testdb_text(f->db, "SELECT key_id FROM seal_state");
    assert_string_equal(key, seal_keyring_id(f->kr, 0));
    free(key);
    char *after =
        testdb_text(f->db, "SELECT after_json FROM audit_log WHERE action = 'key.rotate'");
    assert_non_null(strstr(after, seal_keyring_id(f->kr, 0)));
    assert_non_null(strstr(after, "\"values_resealed\":3"));
    free(after);

    /* The old key alone: refused. */
    struct seal_keyring *old;
    assert_int_equal(seal_keyring_generate(&old, &err), 0);
    struct store *s2;
    assert_int_equal(store_open(&s2, f->db, &err), 0);
    store_set_keyring(s2, old);
    assert_int_equal(store_seal_check(s2, "old.key", &actor, &rep, &err), WSP_EPERM);
    store_close(s2);
    seal_keyring_free(old);

    /* Rotating twice in a row is fine too. */
    assert_int_equal(seal_keyring_add_new(f->kr, &err), 0);
    assert_int_equal(store_seal_rotate(f->s, &actor, &rep, &err), 0);
    check_user(f->s, "siti", NAME_BEFORE);
}

/* The key is lost: --discard-sealed empties the sealed values (a marker where the column may
 * not be NULL), seals the rest with the new key and audits it; refused while the key is at
 * hand. */
static void test_discard(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_seal_report rep;
    add_user(f->s, "siti", NAME_BEFORE);
    int64_t forum = add_forum(f->s, CONTACT);
    seal_now(f, &rep);
    /* The key ring with the database's key: nothing is lost. */
    assert_int_equal(store_seal_discard(f->s, &actor, &rep, &err), WSP_EEXIST);

    struct seal_keyring *fresh;
    assert_int_equal(seal_keyring_generate(&fresh, &err), 0);
    struct store *s2;
    assert_int_equal(store_open(&s2, f->db, &err), 0);
    store_set_keyring(s2, fresh);
    assert_int_equal(store_seal_discard(s2, &actor, &rep, &err), 0);
    assert_int_equal(rep.discarded, 3);
    assert_true(rep.sealed);
    assert_string_equal(rep.key_id, seal_keyring_id(fresh, 0));
    assert_int_equal(store_seal_check(s2, "new.key", &actor, &rep, &err), 0);
    check_user(s2, "siti", STORE_SEALED_DISCARDED);
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_forum fo;
    assert_int_equal(store_forum_get(s2, forum, &a, &fo, &err), 0);
    assert_null(fo.contact_name);
    assert_null(fo.contact_phone);
    assert_string_equal(fo.name, "FKDM Jawa Barat");
    arena_release(&a);
    /* New values are sealed with the new key. */
    add_user(s2, "nur", NAME_AFTER);
    check_user(s2, "nur", NAME_AFTER);
    char *after =
        testdb_text(f->db, "SELECT after_json FROM audit_log WHERE action = 'key.discard_sealed'");
    assert_non_null(strstr(after, "\"values_discarded\":3"));
    free(after);
    /* The old key no longer opens the database. */
    store_set_keyring(f->s, f->kr);
    assert_int_equal(store_seal_check(f->s, "seal.key", &actor, &rep, &err), WSP_EPERM);
    store_close(s2);
    seal_keyring_free(fresh);
}

/* A database never given a key stays as it was: plaintext in and out, no seal_state. */
static void test_unsealed(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_user(f->s, "siti", NAME_BEFORE);
    struct store_seal_report rep;
    assert_int_equal(store_seal_check(f->s, NULL, &actor, &rep, &err), 0);
    assert_false(rep.sealed);
    check_user(f->s, "siti", NAME_BEFORE);
    char *raw = testdb_text(f->db, "SELECT full_name FROM users");
    assert_string_equal(raw, NAME_BEFORE);
    free(raw);
    assert_int_equal(store_seal_rotate(f->s, &actor, &rep, &err), WSP_EINTERNAL);
}

/* Reading users stays cheap with sealed names: a session lookup opens one full name. */
static void test_read_cost(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_seal_report rep;
    seal_now(f, &rep);
    add_user(f->s, "siti", NAME_BEFORE);
    int64_t t0 = time_mono_ms();
    for (int i = 0; i < 2000; i++) {
        struct store_user u;
        assert_int_equal(store_user_get_by_name(f->s, "siti", &u, &err), 0);
    }
    int64_t ms = time_mono_ms() - t0;
    print_message("2000 user reads with a sealed full name: %lld ms\n", (long long)ms);
    assert_true(ms < 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seal_existing_and_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsealed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_cost, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
