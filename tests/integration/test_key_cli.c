/*
 * The key that seals personal fields (issue 14, item 4), with the real binary: `waspada init`
 * creates it (mode 0600) and says where; the server reads the sealed names back; without the
 * key, or with another, the server and the commands refuse; `key status` shows counts and no
 * name; `key rotate` changes the key and keeps the names; a `waspada backup` holds no name
 * and says where the key is; a lost key is given up only with `key init --discard-sealed`.
 * On SQLite (the key beside the database) and on PostgreSQL (testdb.h: $WASPADA_KEY_FILE).
 */
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
#include <jansson.h>

#include "base/base.h"
#include "../support/api_call.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define FULL_NAME "Rahmawati Sulistyaningsih"
#define PASSWORD "rahasia-pelapor-1"

struct fixture {
    char *dir;
    char *db;
    char *key; /* where the key file is */
};

static struct fixture fx;

#define RUN(r, stdin_text, ...)                                                                    \
    do {                                                                                           \
        const char *args_[] = {"--db", fx.db, __VA_ARGS__, NULL};                                  \
        support_run((r), (stdin_text), args_);                                                     \
    } while (0)

static int setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    unsetenv("WASPADA_CONFIG");
    unsetenv("WASPADA_DB");
    unsetenv("WASPADA_KEY_FILE");
    fx.dir = support_tmpdir();
    fx.db = testdb_new(fx.dir, "key.db");
    fx.key = testdb_pg() ? support_path(fx.dir, "waspada.key") : xasprintf("%s.key", fx.db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    support_rmtree(fx.dir);
    free(fx.dir);
    free(fx.db);
    free(fx.key);
    return 0;
}

/* Whether needle occurs in the file at path. */
static bool file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    bool found = b.len && memmem(b.data, b.len, needle, strlen(needle)) != NULL;
    buf_release(&b);
    return found;
}

/* The key id `key status` shows. */
static char *status_key_id(void)
{
    struct support_run r;
    RUN(&r, NULL, "key", "status");
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, FULL_NAME));
    const char *p = strstr(r.out, "\nkey id: ");
    assert_non_null(p);
    char *id = xstrndup(p + 9, 16);
    support_run_free(&r);
    return id;
}

/* The full name the server gives for the user, after logging in as them. */
static char *served_full_name(void)
{
    struct support_server srv;
    char *log = support_path(fx.dir, "serve.log");
    if (support_server_start(&srv, fx.db, NULL, log) != 0)
        fail_msg("server did not start: %s", support_read_file(log));
    free(log);
    struct support_http c;
    support_http_init(&c, srv.base_url);
    json_t *v =
        support_api_call(&c, "POST", "/api/v1/auth/login",
                         "{\"username\":\"rahma\",\"password\":\"" PASSWORD "\"}", NULL, 200, NULL);
    json_decref(v);
    v = support_api_call(&c, "GET", "/api/v1/auth/me", NULL, NULL, 200, NULL);
    json_t *user = json_object_get(v, "user");
    const char *name = json_string_value(json_object_get(user ? user : v, "full_name"));
    char *out = xstrdup(name ? name : "(none)");
    json_decref(v);
    support_http_cleanup(&c);
    support_server_stop(&srv);
    return out;
}

static void test_key_lifecycle(void **state)
{
    (void)state;
    struct support_run r;

    /* init makes the key, mode 0600, and says where. */
    RUN(&r, NULL, "init");
    assert_int_equal(r.status, 0);
    char *said = xasprintf("kunci enkripsi dibuat: %s;", fx.key);
    assert_non_null(strstr(r.out, said));
    assert_non_null(strstr(r.out, "tanpa kunci ini nama korban tidak dapat dibuka"));
    assert_non_null(strstr(r.out, "encryption key created"));
    free(said);
    support_run_free(&r);
    struct stat st;
    assert_int_equal(stat(fx.key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* A second init keeps it. */
    char *before = support_read_file(fx.key);
    RUN(&r, NULL, "init");
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "kunci enkripsi dibuat"));
    support_run_free(&r);
    char *after = support_read_file(fx.key);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* key init refuses to replace it. */
    RUN(&r, NULL, "key", "init");
    assert_int_equal(r.status, 5);
    assert_non_null(strstr(r.err, "already exists"));
    support_run_free(&r);

    RUN(&r, PASSWORD "\n", "user", "add", "--username", "rahma", "--role", "pelapor", "--region",
        "32.73", "--name", FULL_NAME, "--password-stdin");
    assert_int_equal(r.status, 0);
    support_run_free(&r);
    char *raw = testdb_text(fx.db, "SELECT full_name FROM users WHERE username = 'rahma'");
    assert_true(str_starts_with(raw, "s1:"));
    free(raw);

    /* status: the key, sealed, counts, no name. */
    RUN(&r, NULL, "key", "status");
    assert_int_equal(r.status, 0);
    char *kf = xasprintf("key file: %s\n", fx.key);
    assert_non_null(strstr(r.out, kf));
    free(kf);
    assert_non_null(strstr(r.out, "sealed database: yes\n"));
    assert_non_null(strstr(r.out, "(the key file holds it)"));
    assert_non_null(strstr(r.out, "users.full_name                         1        0\n"));
    assert_null(strstr(r.out, FULL_NAME));
    support_run_free(&r);
    char *old_id = status_key_id();

    /* The server opens the name. */
    char *name = served_full_name();
    assert_string_equal(name, FULL_NAME);
    free(name);

    /* Without the key: the server and the commands refuse, naming the key file. */
    char *moved = support_path(fx.dir, "moved.key");
    assert_int_equal(rename(fx.key, moved), 0);
    struct support_server srv;
    char *log = support_path(fx.dir, "refused.log");
    assert_int_equal(support_server_start(&srv, fx.db, NULL, log), -1);
    char *logtext = support_read_file(log);
    assert_non_null(strstr(logtext, "holds sealed personal fields"));
    assert_non_null(strstr(logtext, fx.key));
    free(logtext);
    free(log);
    RUN(&r, NULL, "user", "list");
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "docs/deployment.md"));
    assert_null(strstr(r.out, FULL_NAME));
    support_run_free(&r);
    /* ... and key init will not make a new key over a lost one without being told. */
    RUN(&r, NULL, "key", "init");
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "--discard-sealed"));
    support_run_free(&r);
    assert_int_not_equal(access(fx.key, F_OK), 0);
    assert_int_equal(rename(moved, fx.key), 0);

    /* Another database's key: refused, naming both key ids. */
    char *dir2 = support_tmpdir();
    char *db2 = testdb_new(dir2, "other.db");
    char *key2 = testdb_pg() ? support_path(dir2, "waspada.key") : xasprintf("%s.key", db2);
    if (testdb_pg()) { /* testdb_new pointed these at dir2 */
        char *files = support_path(fx.dir, "files");
        setenv("WASPADA_FILES_DIR", files, 1);
        setenv("WASPADA_KEY_FILE", fx.key, 1);
        free(files);
    }
    {
        const char *args[] = {"--db", db2, "--key-file", key2, "init", NULL};
        assert_int_equal(support_run(&r, NULL, args), 0);
        support_run_free(&r);
        const char *list[] = {"--db", fx.db, "--key-file", key2, "user", "list", NULL};
        assert_int_equal(support_run(&r, NULL, list), 6);
        char *want = xasprintf("this database was sealed with key %s; the key file '%s' holds ",
                               old_id, key2);
        if (!strstr(r.err, want))
            fail_msg("'%s' lacks '%s'", r.err, want);
        free(want);
        support_run_free(&r);
    }
    support_rmtree(dir2);
    free(dir2);
    free(db2);
    free(key2);
    char *other = support_path(fx.dir, "other.key");

    /* rotate: a new key id, one key in the file, the name unchanged, an audit row. */
    RUN(&r, NULL, "key", "rotate");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "key rotated: "));
    support_run_free(&r);
    char *new_id = status_key_id();
    assert_string_not_equal(new_id, old_id);
    char *text = support_read_file(fx.key);
    assert_null(strstr(text, old_id));
    assert_non_null(strstr(text, new_id));
    free(text);
    assert_int_equal(stat(fx.key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(
        testdb_int(fx.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.rotate'"), 1);
    name = served_full_name();
    assert_string_equal(name, FULL_NAME);
    free(name);

    /* A backup holds no name, and says where the key is (SQLite: 'waspada backup'). */
    if (!testdb_pg()) {
        char *bak = support_path(fx.dir, "backup.db");
        RUN(&r, NULL, "backup", bak);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "the key is NOT in the backup: it is in "));
        assert_non_null(strstr(r.out, fx.key));
        support_run_free(&r);
        assert_false(file_has(bak, FULL_NAME));
        assert_false(file_has(bak, "Sulistyaningsih"));
        assert_false(file_has(fx.db, "Sulistyaningsih"));
        char *wal = xasprintf("%s-wal", fx.db);
        assert_false(file_has(wal, "Sulistyaningsih"));
        free(wal);
        free(bak);
    }

    /* The key lost for good: --discard-sealed gives the names up, a new key seals. */
    assert_int_equal(rename(fx.key, other), 0);
    RUN(&r, NULL, "key", "init", "--discard-sealed");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "discarded 1 values sealed with the lost key"));
    assert_non_null(strstr(r.out, "kunci enkripsi dibuat"));
    support_run_free(&r);
    RUN(&r, NULL, "user", "list");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "(terkunci: kunci hilang)"));
    support_run_free(&r);
    assert_int_equal(
        testdb_int(fx.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.discard_sealed'"), 1);
    /* Now the key is there: --discard-sealed refuses. */
    RUN(&r, NULL, "key", "init", "--discard-sealed");
    assert_int_equal(r.status, 5);
    support_run_free(&r);
    free(other);
    free(moved);
    free(old_id);
    free(new_id);
}

/* PostgreSQL has no default key file: serve refuses without key_file. */
static void test_pg_needs_key_file(void **state)
{
    (void)state;
    if (!testdb_pg())
        skip();
    struct support_run r;
    RUN(&r, NULL, "init");
    assert_int_equal(r.status, 0);
    support_run_free(&r);
    struct support_server srv;
    char *log = support_path(fx.dir, "nokey.log");
    const char *extra[] = {NULL};
    setenv("WASPADA_KEY_FILE", "", 1); /* set, and empty: none (support.c gives none either) */
    assert_int_equal(support_server_start(&srv, fx.db, extra, log), -1);
    char *text = support_read_file(log);
    assert_non_null(strstr(text, "a PostgreSQL database needs a key file"));
    free(text);
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_needs_key_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
