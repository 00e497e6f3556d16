/* store: users, sessions, audit, regions, migrations and backup against real databases: files
 * in a fresh temporary directory, or fresh PostgreSQL databases when
 * WASPADA_TEST_ENGINE=postgresql (testdb.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "store/store.h"
#include "../support/testdb.h"

#define T0 1800000000 /* frozen clock for every test */

struct fixture {
    char dir[64];
    char *path; /* the database: a file in dir, or a PostgreSQL URL (testdb_new) */
    struct store *s;
};

static void path_in(const struct fixture *f, const char *name, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s/%s", f->dir, name);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-store-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "w.db");
    time_set_override(T0);
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f->path);
    free(f);
    time_set_override(0);
    return 0;
}

/* How many schema objects (tables, indexes, ...) a database has: sqlite_master's rows, or the
 * relations in PostgreSQL's current schema. */
static const char *objects_sql(void)
{
    return testdb_sql("SELECT COUNT(*) FROM sqlite_master",
                      "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                      " c.relnamespace WHERE n.nspname = current_schema()");
}

static const struct store_region regions[] = {
    /* children before parents on purpose: sync must order them itself */
    {"32.73.01", "32.73", 3, "Sukasari"},    {"32.73", "32", 2, "Kota Bandung"},
    {"32.04", "32", 2, "Kabupaten Bandung"}, {"32", NULL, 1, "Jawa Barat"},
    {"31", NULL, 1, "DKI Jakarta"},
};

static void add_regions(struct store *s)
{
    struct error err = {0};
    size_t inserted = 99;
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), &inserted, &err), 0);
    assert_int_equal(inserted, 5);
}

static int64_t add_user(struct store *s, const char *name, const char *role, const char *region)
{
    struct store_user u;
    memset(&u, 0, sizeof(u));
    str_copy(u.username, name, sizeof(u.username));
    str_copy(u.role, role, sizeof(u.role));
    str_copy(u.region, region, sizeof(u.region));
    snprintf(u.full_name, sizeof(u.full_name), "Nama %s", name);
    struct store_actor cli = {0, "cli", NULL};
    struct error err = {0};
    int64_t id = 0;
    int rc = store_user_add(s, &u, "$argon2id$hash-of-secret", &cli, &id, &err);
    if (rc != 0)
        fail_msg("add user '%s': %s", name, err.msg);
    assert_true(id > 0);
    return id;
}

static size_t audit_count(struct store *s, const char *action)
{
    struct arena a;
    arena_init(&a, 0);
    struct store_audit_query q = {.action = action};
    struct store_audit *rows;
    size_t n, total;
    struct error err = {0};
    if (store_audit_list(s, &q, &a, &rows, &n, &total, &err) != 0)
        fail_msg("audit list: %s", err.msg);
    arena_release(&a);
    return total;
}

/* The newest audit row, copied to static buffers for comparison. */
struct audit_copy {
    int64_t user_id;
    int64_t at;
    char username[64], client[64], action[64], object_type[64], object_id[64];
    char before[256], after[512];
};

static void copy_or_null(char *dst, size_t n, const char *src)
{
    str_copy(dst, src ? src : "(null)", n);
}

static struct audit_copy last_audit(struct store *s)
{
    struct arena a;
    arena_init(&a, 0);
    struct store_audit_query q = {.limit = 1};
    struct store_audit *rows;
    size_t n, total;
    struct error err = {0};
    if (store_audit_list(s, &q, &a, &rows, &n, &total, &err) != 0)
        fail_msg("audit list: %s", err.msg);
    assert_int_equal(n, 1);
    struct audit_copy c;
    c.user_id = rows[0].user_id;
    c.at = rows[0].at;
    copy_or_null(c.username, sizeof(c.username), rows[0].username);
    copy_or_null(c.client, sizeof(c.client), rows[0].client);
    copy_or_null(c.action, sizeof(c.action), rows[0].action);
    copy_or_null(c.object_type, sizeof(c.object_type), rows[0].object_type);
    copy_or_null(c.object_id, sizeof(c.object_id), rows[0].object_id);
    copy_or_null(c.before, sizeof(c.before), rows[0].before_json);
    copy_or_null(c.after, sizeof(c.after), rows[0].after_json);
    arena_release(&a);
    return c;
}

/* ---- open and migrations ------------------------------------------------------------------ */

static void test_open_fresh(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int v = -1;
    assert_true(store_schema_latest() >= 3);
    assert_int_equal(store_schema_version(f->s, &v, &err), 0);
    assert_int_equal(v, store_schema_latest());
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM schema_migrations"),
                     store_schema_latest());
    assert_int_equal(
        testdb_int(f->path, "SELECT applied_at FROM schema_migrations WHERE version = 2"), T0);

    /* A second database opened raw is empty: version 0, nothing created. */
    char *p = testdb_new(f->dir, "raw.db");
    struct store *r;
    assert_int_equal(store_open_raw(&r, p, &err), 0);
    assert_int_equal(store_schema_version(r, &v, &err), 0);
    assert_int_equal(v, 0);
    store_close(r);
    assert_int_equal(testdb_int(p, objects_sql()), 0);
    free(p);

    /* Reopening a migrated database is a no-op. */
    store_close(f->s);
    assert_int_equal(store_open(&f->s, f->path, &err), 0);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM schema_migrations"),
                     store_schema_latest());
}

static void test_pragmas(void **state)
{
    struct fixture *f = *state;
    add_regions(f->s);
    /* SQLite's pragmas only: PostgreSQL has no journal mode to set (its write-ahead log is
     * always on) and always enforces foreign keys, checked below on both. */
    if (!testdb_pg()) {
        char wal[160];
        path_in(f, "w.db-wal", wal, sizeof(wal));
        assert_true(file_exists(wal)); /* WAL mode: the write went to the -wal file */
        /* journal_mode=WAL is persistent in the file, so a raw connection sees it too */
        char *mode = testdb_text(f->path, "PRAGMA journal_mode");
        assert_string_equal(mode, "wal");
        free(mode);
    }
    /* foreign_keys=ON: a user in an unknown region is refused (see test_users too) */
    struct store_user u = {0};
    str_copy(u.username, "x", sizeof(u.username));
    str_copy(u.role, "kabkota", sizeof(u.role));
    str_copy(u.region, "99.99", sizeof(u.region));
    struct error err = {0};
    assert_int_equal(store_user_add(f->s, &u, "h", NULL, NULL, &err), WSP_EINVAL);
}

static void test_upgrade_from_v1(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "old.db");
    struct error err = {0};
    struct store *s;
    int v = -1;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 1, &err), 0);
    assert_int_equal(store_schema_version(s, &v, &err), 0);
    assert_int_equal(v, 1);
    add_regions(s);
    int64_t id = add_user(s, "budi", "provinsi", "32");
    assert_int_equal(id, 1);
    store_close(s);
    assert_int_equal(testdb_int(p, testdb_sql("SELECT COUNT(*) FROM sqlite_master"
                                              " WHERE name = 'sessions'",
                                              "SELECT COUNT(*) FROM information_schema.tables"
                                              " WHERE table_schema = current_schema()"
                                              " AND table_name = 'sessions'")),
                     0);

    assert_int_equal(store_open(&s, p, &err), 0);
    assert_int_equal(store_schema_version(s, &v, &err), 0);
    assert_int_equal(v, store_schema_latest());
    struct store_user u;
    assert_int_equal(store_user_get_by_name(s, "budi", &u, &err), 0);
    assert_int_equal(u.id, 1);
    assert_string_equal(u.region, "32");
    assert_int_equal(store_session_create(s, "abc123", 1, T0 + 3600, "127.0.0.1", &err), 0);
    struct store_session sess;
    assert_int_equal(store_session_get(s, "abc123", T0, &sess, &u, &err), 0);
    assert_int_equal(sess.user_id, 1);
    assert_string_equal(u.username, "budi");
    store_close(s);
    free(p);
}

static void test_refuse_future(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    const int latest = store_schema_latest(), future = latest + 1;
    char sql[160], want[160];
    snprintf(sql, sizeof(sql),
             "INSERT INTO schema_migrations (version, description, applied_at)"
             " VALUES (%d, 'from the future', 1)",
             future);
    testdb_exec(f->path, sql);
    struct error err = {0};
    struct store *s = (struct store *)1;
    assert_int_equal(store_open(&s, f->path, &err), WSP_EINVAL);
    assert_null(s);
    snprintf(want, sizeof(want),
             "database schema version %d is newer than this program supports (%d): upgrade "
             "waspada",
             future, latest);
    assert_string_equal(err.msg, want);
    assert_int_equal(store_open_raw(&f->s, f->path, &err), 0);
    int v;
    assert_int_equal(store_schema_version(f->s, &v, &err), 0);
    assert_int_equal(v, future);
    assert_int_equal(store_migrate(f->s, latest, &err), WSP_EINVAL);
    assert_int_equal(store_migrate(f->s, 99, &err), WSP_EINVAL);
    snprintf(want, sizeof(want), "unknown schema version '99' (latest is %d)", latest);
    assert_string_equal(err.msg, want);
}

/* ---- regions ------------------------------------------------------------------------------ */

static void test_regions_sync(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    size_t n = 99, c;
    add_regions(f->s);
    struct audit_copy a = last_audit(f->s);
    assert_string_equal(a.action, "regions.sync");
    assert_string_equal(a.object_type, "region");
    assert_string_equal(a.object_id, "(null)");
    assert_string_equal(a.before, "(null)");
    assert_string_equal(a.after, "{\"inserted\":5}");
    assert_string_equal(a.username, "system");
    assert_int_equal(a.user_id, 0);
    assert_int_equal(a.at, T0);

    /* idempotent: nothing new, no new audit row */
    assert_int_equal(store_regions_sync(f->s, regions, WSP_ARRAY_LEN(regions), &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(audit_count(f->s, "regions.sync"), 1);

    const size_t want[] = {5, 2, 2, 1, 0};
    for (int level = 0; level <= 4; level++) {
        assert_int_equal(store_region_count(f->s, level, &c, &err), 0);
        assert_int_equal(c, want[level]);
    }
    assert_int_equal(store_region_exists(f->s, "32.73", &err), 0);
    assert_int_equal(store_region_exists(f->s, "99", &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "unknown region '99'");

    /* one new row among old ones */
    const struct store_region more[] = {{"32", NULL, 1, "Jawa Barat"},
                                        {"32.73.01.1001", "32.73.01", 4, "Isola"}};
    assert_int_equal(store_regions_sync(f->s, more, 2, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(last_audit(f->s).after, "{\"inserted\":1}");

    /* unknown parent: the whole sync is rolled back */
    const struct store_region bad[] = {{"33", NULL, 1, "Jawa Tengah"},
                                       {"34.01", "34", 2, "Kulon Progo"}};
    assert_int_equal(store_regions_sync(f->s, bad, 2, &n, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown parent region '34' of '34.01'");
    assert_int_equal(n, 0);
    assert_int_equal(store_region_exists(f->s, "33", NULL), WSP_ENOTFOUND);
    assert_int_equal(store_region_count(f->s, 0, &c, &err), 0);
    assert_int_equal(c, 6);

    const struct store_region badlevel[] = {{"35", NULL, 5, "Jawa Timur"}};
    assert_int_equal(store_regions_sync(f->s, badlevel, 1, &n, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "region '35' has invalid level '5'");
    assert_int_equal(audit_count(f->s, "regions.sync"), 2);
}

/* Many regions go in by batches of rows (a whole gazetteer at each start-up): the same count,
 * rows and audit as one by one, and an unknown parent in the middle of a batch is named. */
static void test_regions_sync_many(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    enum { N = 700 };
    struct store_region *many = xcalloc(N, sizeof(*many));
    char(*codes)[32] = xcalloc(N, sizeof(*codes));
    char(*names)[32] = xcalloc(N, sizeof(*names));
    for (int i = 0; i < N; i++) {
        /* districts of 32.73 and 32.04, the last 250 villages of the first district */
        if (i < 450)
            snprintf(codes[i], sizeof(codes[i]), "%s.%03d", i % 2 ? "32.04" : "32.73", i);
        else
            snprintf(codes[i], sizeof(codes[i]), "32.73.000.%04d", i);
        snprintf(names[i], sizeof(names[i]), "Wilayah %d", i);
        many[i].code = codes[i];
        many[i].parent_code = i < 450 ? (i % 2 ? "32.04" : "32.73") : "32.73.000";
        many[i].level = i < 450 ? 3 : 4;
        many[i].name = names[i];
    }
    size_t n = 0, c = 0;
    /* an unknown parent in the middle of the batch of villages: nothing goes in */
    many[500].parent_code = "32.73.999";
    assert_int_equal(store_regions_sync(f->s, many, N, &n, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown parent region '32.73.999' of '32.73.000.0500'");
    assert_int_equal(n, 0);
    assert_int_equal(store_region_count(f->s, 0, &c, &err), 0);
    assert_int_equal(c, 5);

    many[500].parent_code = "32.73.000";
    assert_int_equal(store_regions_sync(f->s, many, N, &n, &err), 0);
    assert_int_equal(n, N);
    assert_int_equal(store_region_count(f->s, 3, &c, &err), 0);
    assert_int_equal(c, 451); /* with Sukasari */
    assert_int_equal(store_region_count(f->s, 4, &c, &err), 0);
    assert_int_equal(c, 250);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM regions WHERE parent_code = '32.04'"
                                         " AND name LIKE 'Wilayah %'"),
                     225);
    char *name = testdb_text(f->path, "SELECT name FROM regions WHERE code = '32.73.000.0699'");
    assert_string_equal(name, "Wilayah 699");
    free(name);
    assert_string_equal(last_audit(f->s).after, "{\"inserted\":700}");

    /* again, with one new row among them: one insert, one audit row */
    many[N - 1].code = "32.73.000.9999";
    assert_int_equal(store_regions_sync(f->s, many, N, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(last_audit(f->s).after, "{\"inserted\":1}");
    assert_int_equal(audit_count(f->s, "regions.sync"), 3);
    free(many);
    free(codes);
    free(names);
}

/* ---- users -------------------------------------------------------------------------------- */

static void test_users(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    time_set_override(T0 + 10);
    int64_t budi = add_user(f->s, "Budi", "provinsi", "32");
    int64_t adm = add_user(f->s, "admin", "admin", "");
    int64_t ani = add_user(f->s, "ani", "kabkota", "32.73");
    assert_int_equal(budi, 1);
    assert_int_equal(adm, 2);
    assert_int_equal(ani, 3);

    struct store_user u;
    assert_int_equal(store_user_get(f->s, budi, &u, &err), 0);
    assert_int_equal(u.id, 1);
    assert_string_equal(u.username, "budi"); /* stored lower-cased */
    assert_string_equal(u.role, "provinsi");
    assert_string_equal(u.region, "32");
    assert_string_equal(u.full_name, "Nama Budi");
    assert_false(u.disabled);
    assert_int_equal(u.created_at, T0 + 10);
    assert_int_equal(u.updated_at, T0 + 10);
    assert_string_equal(u.password_hash, "");

    assert_int_equal(store_user_get_by_name(f->s, "BUDI", &u, &err), 0);
    assert_int_equal(u.id, budi);
    assert_string_equal(u.password_hash, "");
    assert_int_equal(store_user_get_auth(f->s, "bUdI", &u, &err), 0);
    assert_int_equal(u.id, budi);
    assert_string_equal(u.password_hash, "$argon2id$hash-of-secret");
    assert_int_equal(store_user_get(f->s, adm, &u, &err), 0);
    assert_string_equal(u.region, ""); /* national */
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM users WHERE region_code IS NULL"),
                     1);

    assert_int_equal(store_user_get(f->s, 42, &u, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no user with id '42'");
    assert_int_equal(store_user_get_by_name(f->s, "nobody", &u, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no user named 'nobody'");
    assert_int_equal(store_user_get_auth(f->s, "bad name!", &u, &err), WSP_ENOTFOUND);

    struct store_user nu = {0};
    str_copy(nu.username, "BUDI", sizeof(nu.username));
    str_copy(nu.role, "pelapor", sizeof(nu.role));
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "username 'budi' already exists");
    str_copy(nu.username, "citra", sizeof(nu.username));
    str_copy(nu.region, "99.99", sizeof(nu.region));
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown region '99.99'");
    nu.region[0] = '\0';
    str_copy(nu.role, "raja", sizeof(nu.role));
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown role 'raja'");
    str_copy(nu.role, "pelapor", sizeof(nu.role));
    str_copy(nu.username, "has space", sizeof(nu.username));
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EINVAL);
    str_copy(nu.username, "citra", sizeof(nu.username));
    assert_int_equal(store_user_add(f->s, &nu, "", NULL, NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "empty password hash");

    struct arena a;
    arena_init(&a, 0);
    struct store_user *list;
    size_t n;
    assert_int_equal(store_user_list(f->s, &a, &list, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].username, "admin");
    assert_string_equal(list[1].username, "ani");
    assert_string_equal(list[2].username, "budi");
    assert_string_equal(list[1].region, "32.73");
    assert_string_equal(list[1].password_hash, "");
    arena_release(&a);

    /* audit of the adds: exact JSON, no hash and no full name (sealed in the table) */
    struct audit_copy c = last_audit(f->s);
    assert_string_equal(c.action, "user.add");
    assert_string_equal(c.object_type, "user");
    assert_string_equal(c.object_id, "3");
    assert_string_equal(c.username, "cli");
    assert_int_equal(c.user_id, 0);
    assert_string_equal(c.before, "(null)");
    assert_string_equal(c.after,
                        "{\"id\":3,\"username\":\"ani\",\"role\":\"kabkota\",\"region\":\"32.73\","
                        "\"disabled\":false,\"created_at\":1800000010,\"updated_at\":1800000010}");
    assert_int_equal(audit_count(f->s, "user.add"), 3);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                         "'%argon%' OR before_json LIKE '%argon%'"),
                     0);
}

static void test_user_password_and_disable(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    int64_t id = add_user(f->s, "budi", "provinsi", "32");
    struct store_actor admin = {7, "admin", "10.0.0.1"};

    time_set_override(T0 + 100);
    assert_int_equal(store_session_create(f->s, "p1", id, T0 + 3600, NULL, &err), 0);
    assert_int_equal(store_user_set_password(f->s, id, "$argon2id$new", &admin, &err), 0);
    /* a new password ends the user's sessions */
    assert_int_equal(store_session_get(f->s, "p1", T0 + 100, NULL, NULL, &err), WSP_ENOTFOUND);
    struct store_user u;
    assert_int_equal(store_user_get_auth(f->s, "budi", &u, &err), 0);
    assert_string_equal(u.password_hash, "$argon2id$new");
    assert_int_equal(u.updated_at, T0 + 100);
    assert_int_equal(u.created_at, T0);
    struct audit_copy c = last_audit(f->s);
    assert_string_equal(c.action, "user.passwd");
    assert_string_equal(c.object_type, "user");
    assert_string_equal(c.object_id, "1");
    assert_string_equal(c.before, "(null)");
    assert_string_equal(c.after, "{\"password_changed\":true}");
    assert_int_equal(c.user_id, 7);
    assert_string_equal(c.username, "admin");
    assert_string_equal(c.client, "10.0.0.1");
    assert_int_equal(c.at, T0 + 100);
    assert_int_equal(store_user_set_password(f->s, 99, "$x", &admin, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no user with id '99'");
    assert_int_equal(audit_count(f->s, "user.passwd"), 1);

    assert_int_equal(store_session_create(f->s, "s1", id, T0 + 3600, NULL, &err), 0);
    assert_int_equal(store_session_create(f->s, "s2", id, T0 + 3600, NULL, &err), 0);
    assert_int_equal(store_user_set_disabled(f->s, id, true, &admin, &err), 0);
    assert_int_equal(store_session_get(f->s, "s1", T0 + 100, NULL, NULL, &err), WSP_ENOTFOUND);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM sessions"), 0);
    assert_int_equal(store_user_get(f->s, id, &u, &err), 0);
    assert_true(u.disabled);
    c = last_audit(f->s);
    assert_string_equal(c.action, "user.disable");
    assert_string_equal(c.object_id, "1");
    assert_string_equal(c.before, "{\"disabled\":false}");
    assert_string_equal(c.after, "{\"disabled\":true}");

    /* a disabled user's new session is not valid either */
    assert_int_equal(store_session_create(f->s, "s3", id, T0 + 3600, NULL, &err), 0);
    assert_int_equal(store_session_get(f->s, "s3", T0 + 100, NULL, NULL, &err), WSP_ENOTFOUND);

    assert_int_equal(store_user_set_disabled(f->s, id, false, &admin, &err), 0);
    c = last_audit(f->s);
    assert_string_equal(c.action, "user.enable");
    assert_string_equal(c.before, "{\"disabled\":true}");
    assert_string_equal(c.after, "{\"disabled\":false}");
    assert_int_equal(store_session_get(f->s, "s3", T0 + 100, NULL, NULL, &err), 0);
    assert_int_equal(store_user_set_disabled(f->s, 99, true, &admin, &err), WSP_ENOTFOUND);
}

/* ---- sessions ----------------------------------------------------------------------------- */

static void test_sessions(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    int64_t id = add_user(f->s, "ani", "kabkota", "32.73");

    assert_int_equal(store_session_create(f->s, "hash-a", id, T0 + 3600, "1.2.3.4", &err), 0);
    assert_int_equal(store_session_create(f->s, "hash-a", id, T0 + 3600, NULL, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "session already exists");
    assert_int_equal(store_session_create(f->s, "hash-x", 42, T0 + 3600, NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown user '42'");

    struct store_session s;
    struct store_user u;
    assert_int_equal(store_session_get(f->s, "hash-a", T0 + 30, &s, &u, &err), 0);
    assert_int_equal(s.user_id, id);
    assert_int_equal(s.created_at, T0);
    assert_int_equal(s.expires_at, T0 + 3600);
    assert_int_equal(s.last_seen_at, T0); /* under a minute: not touched */
    assert_string_equal(u.username, "ani");
    assert_string_equal(u.role, "kabkota");
    assert_string_equal(u.region, "32.73");
    assert_string_equal(u.password_hash, "");
    /* The lookup on every request leaves the (sealed) full name out; store_user_get has it. */
    assert_string_equal(u.full_name, "");
    assert_int_equal(store_user_get(f->s, id, &u, &err), 0);
    assert_string_equal(u.full_name, "Nama ani");

    assert_int_equal(store_session_get(f->s, "hash-a", T0 + 61, &s, NULL, &err), 0);
    assert_int_equal(s.last_seen_at, T0 + 61);
    assert_int_equal(testdb_int(f->path, "SELECT last_seen_at FROM sessions"), T0 + 61);
    assert_int_equal(store_session_get(f->s, "hash-a", T0 + 100, &s, NULL, &err), 0);
    assert_int_equal(s.last_seen_at, T0 + 61);

    /* expiry: valid until expires_at, exclusive */
    assert_int_equal(store_session_get(f->s, "hash-a", T0 + 3599, &s, NULL, &err), 0);
    assert_int_equal(store_session_get(f->s, "hash-a", T0 + 3600, &s, NULL, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no such session");
    assert_int_equal(store_session_get(f->s, "nope", T0, &s, NULL, &err), WSP_ENOTFOUND);

    /* purge removes only expired ones */
    assert_int_equal(store_session_create(f->s, "hash-b", id, T0 + 100, NULL, &err), 0);
    assert_int_equal(store_session_create(f->s, "hash-c", id, T0 + 7200, NULL, &err), 0);
    size_t removed = 99;
    assert_int_equal(store_session_purge(f->s, T0 + 3600, &removed, &err), 0);
    assert_int_equal(removed, 2);
    assert_int_equal(store_session_get(f->s, "hash-c", T0 + 3600, &s, NULL, &err), 0);

    assert_int_equal(store_session_delete(f->s, "hash-c", &err), 0);
    assert_int_equal(store_session_get(f->s, "hash-c", T0, &s, NULL, &err), WSP_ENOTFOUND);
    assert_int_equal(store_session_delete(f->s, "hash-c", &err), 0); /* idempotent */
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM sessions"), 0);
    assert_int_equal(audit_count(f->s, NULL), 2); /* regions.sync + user.add only */
}

/* A session read inside the caller's transaction whose touch cannot get the row (another
 * connection holds it): the session is still valid, and the caller's transaction goes on. On
 * PostgreSQL the failed touch would abort that transaction but for its own savepoint; SQLite
 * cannot get here (the other writer's transaction keeps the caller from beginning one). */
static void test_session_touch_in_transaction(void **state)
{
    struct fixture *f = *state;
    if (!testdb_pg())
        skip();
    struct error err = {0};
    add_regions(f->s);
    int64_t id = add_user(f->s, "ani", "kabkota", "32.73");
    assert_int_equal(store_session_create(f->s, "t1", id, T0 + 3600, NULL, &err), 0);
    struct store *other;
    assert_int_equal(store_open(&other, f->path, &err), 0);
    struct store_session s;
    assert_int_equal(store_begin(other, &err), 0);
    assert_int_equal(store_session_get(other, "t1", T0 + 120, &s, NULL, &err), 0);
    assert_int_equal(s.last_seen_at, T0 + 120); /* touched: the row is locked until rollback */

    assert_int_equal(store_begin(f->s, &err), 0);
    assert_int_equal(store_session_get(f->s, "t1", T0 + 130, &s, NULL, &err), 0);
    assert_int_equal(s.last_seen_at, T0); /* not touched: waited for the lock and gave up */
    assert_int_equal(store_audit_add(f->s, NULL, "note", "test", "1", NULL, NULL, &err), 0);
    assert_int_equal(store_commit(f->s, &err), 0);
    store_rollback(other);
    store_close(other);
    assert_int_equal(audit_count(f->s, "note"), 1);
}

/* ---- audit -------------------------------------------------------------------------------- */

static void test_audit_same_transaction(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    add_user(f->s, "budi", "provinsi", "32");
    size_t before = audit_count(f->s, NULL);
    assert_int_equal(before, 2);

    /* a failed write leaves no audit row */
    struct store_user nu = {0};
    str_copy(nu.username, "budi", sizeof(nu.username));
    str_copy(nu.role, "pelapor", sizeof(nu.role));
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EEXIST);
    assert_int_equal(audit_count(f->s, NULL), 2);

    /* inside the caller's transaction: the failed write undoes only itself */
    assert_int_equal(store_begin(f->s, &err), 0);
    int64_t citra = add_user(f->s, "citra", "pelapor", "32.73");
    assert_int_equal(store_user_add(f->s, &nu, "h", NULL, NULL, &err), WSP_EEXIST);
    assert_int_equal(store_audit_add(f->s, NULL, "note", "test", "1", NULL, NULL, &err), 0);
    assert_int_equal(store_commit(f->s, &err), 0);
    struct store_user u;
    assert_int_equal(store_user_get(f->s, citra, &u, &err), 0);
    assert_int_equal(audit_count(f->s, NULL), 4);
    assert_int_equal(audit_count(f->s, "user.add"), 2);

    /* rolled back: neither the user nor its audit row */
    assert_int_equal(store_begin(f->s, &err), 0);
    int64_t dodi = add_user(f->s, "dodi", "pelapor", "32.73");
    store_rollback(f->s);
    assert_int_equal(store_user_get(f->s, dodi, &u, &err), WSP_ENOTFOUND);
    assert_int_equal(store_user_get_by_name(f->s, "dodi", &u, &err), WSP_ENOTFOUND);
    assert_int_equal(audit_count(f->s, NULL), 4);

    /* nested explicit transactions */
    assert_int_equal(store_begin(f->s, &err), 0);
    assert_int_equal(store_begin(f->s, &err), 0);
    add_user(f->s, "eko", "pelapor", "");
    store_rollback(f->s);
    add_user(f->s, "fajar", "pelapor", "");
    assert_int_equal(store_commit(f->s, &err), 0);
    assert_int_equal(store_user_get_by_name(f->s, "eko", &u, &err), WSP_ENOTFOUND);
    assert_int_equal(store_user_get_by_name(f->s, "fajar", &u, &err), 0);
    assert_int_equal(store_commit(f->s, &err), WSP_EINTERNAL);
}

static void test_audit_list(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    struct store_actor alice = {5, "alice", "10.0.0.5"};
    struct store_actor bob = {6, "bob", NULL};
    for (int i = 0; i < 25; i++) {
        char oid[16];
        snprintf(oid, sizeof(oid), "%d", i % 5);
        time_set_override(T0 + i);
        assert_int_equal(store_audit_add(f->s, i % 2 ? &bob : &alice,
                                         i % 3 ? "auth.login" : "report.add",
                                         i % 3 ? "session" : "report", oid, NULL,
                                         i % 3 ? NULL : "{\"ok\":true}", &err),
                         0);
    }
    struct arena a;
    arena_init(&a, 0);
    struct store_audit *rows;
    size_t n, total;

    struct store_audit_query all = {0};
    assert_int_equal(store_audit_list(f->s, &all, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 25);
    assert_int_equal(n, 25);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rows[i].id, 25 - (int64_t)i); /* newest first */
    assert_int_equal(rows[0].at, T0 + 24);
    assert_string_equal(rows[0].username, "alice");
    assert_string_equal(rows[0].client, "10.0.0.5");
    assert_string_equal(rows[0].action, "report.add");
    assert_string_equal(rows[0].object_type, "report");
    assert_string_equal(rows[0].object_id, "4");
    assert_null(rows[0].before_json);
    assert_string_equal(rows[0].after_json, "{\"ok\":true}");
    assert_null(rows[1].client);

    struct store_audit_query q = {.action = "report.add"};
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 9); /* i = 0, 3, ..., 24 */
    assert_int_equal(n, 9);
    assert_int_equal(rows[0].id, 25);
    assert_int_equal(rows[8].id, 1);

    q = (struct store_audit_query){.user_id = 6};
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 12);
    assert_int_equal(rows[0].id, 24);
    assert_int_equal(rows[0].user_id, 6);

    q = (struct store_audit_query){.object_type = "session", .object_id = "1", .user_id = 6};
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    /* i % 3 != 0, i odd, i % 5 == 1: i = 1, 11 */
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, 12);
    assert_int_equal(rows[1].id, 2);

    /* pagination */
    q = (struct store_audit_query){.action = "auth.login", .offset = 10, .limit = 4};
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 16);
    assert_int_equal(n, 4);
    /* auth.login ids newest first: 24,23,21,20,18,17,15,14,12,11,9,8,6,5,3,2 */
    assert_int_equal(rows[0].id, 9);
    assert_int_equal(rows[1].id, 8);
    assert_int_equal(rows[2].id, 6);
    assert_int_equal(rows[3].id, 5);
    q.offset = 14;
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[1].id, 2);
    q.offset = 16;
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(total, 16);

    q = (struct store_audit_query){.action = "nothing"};
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
    arena_release(&a);

    /* a capped arena is an error, not a truncated list */
    arena_init(&a, 64);
    assert_int_equal(store_audit_list(f->s, &all, &a, &rows, &n, &total, &err), WSP_ENOMEM);
    arena_release(&a);

    assert_int_equal(store_audit_add(f->s, NULL, "", "x", NULL, NULL, NULL, &err), WSP_EINVAL);
}

/* ---- backup ------------------------------------------------------------------------------- */

static void test_backup(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    add_regions(f->s);
    add_user(f->s, "budi", "provinsi", "32");
    add_user(f->s, "ani", "kabkota", "32.73");
    char dest[160];
    path_in(f, "backup.db", dest, sizeof(dest));
    if (testdb_pg()) {
        /* `waspada backup` copies a SQLite file; PostgreSQL has its own tools, and says so. */
        assert_int_equal(store_backup(f->s, dest, &err), WSP_EINVAL);
        assert_non_null(strstr(err.msg, "pg_dump"));
        assert_false(file_exists(dest));
        return;
    }
    assert_int_equal(store_backup(f->s, dest, &err), 0);
    assert_true(file_exists(dest));
    assert_int_equal(store_backup(f->s, dest, &err), WSP_EEXIST);
    char msg[256];
    snprintf(msg, sizeof(msg), "backup file '%s' already exists", dest);
    assert_string_equal(err.msg, msg);

    /* no temporary file left behind */
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp"));
    closedir(d);

    struct store *b;
    assert_int_equal(store_open(&b, dest, &err), 0);
    struct arena a;
    arena_init(&a, 0);
    struct store_user *list;
    size_t n;
    assert_int_equal(store_user_list(b, &a, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].username, "ani");
    size_t c;
    assert_int_equal(store_region_count(b, 0, &c, &err), 0);
    assert_int_equal(c, 5);
    arena_release(&a);
    store_close(b);

    char bad[200];
    path_in(f, "no-such-dir/backup.db", bad, sizeof(bad));
    assert_int_equal(store_backup(f->s, bad, &err), WSP_EIO);
}

int main(void)
{
    log_set_level(LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_fresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_future, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions_sync_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_password_and_disable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_touch_in_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_same_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
