/* store throttle (store.h, schema v11): the login counters and write buckets kept in the
 * database give the same waits as the in-memory auth_ratelimit for the same attempts, two
 * connections (two servers) count together, and expired rows go without changing an answer.
 * On SQLite files, or on fresh PostgreSQL databases when WASPADA_TEST_ENGINE=postgresql
 * (testdb.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "base/base.h"
#include "store/store.h"
#include "../support/support.h"
#include "../support/testdb.h"

#define T0 1800000000000LL /* milliseconds */
#define MAX_FAILURES 3
#define WINDOW_S 60

struct fixture {
    char *dir;
    char *db;            /* a file in dir, or a PostgreSQL URL */
    struct store *a, *b; /* two connections: two servers of one database */
    struct auth_login_policy policy;
    struct auth_ratelimit *mem; /* what one server would keep in memory */
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->dir = support_tmpdir();
    f->db = testdb_new(f->dir, "throttle.db");
    struct error err = {0};
    if (store_open(&f->a, f->db, &err) != 0 || store_open(&f->b, f->db, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    auth_login_policy_init(&f->policy, MAX_FAILURES, WINDOW_S);
    f->mem = auth_ratelimit_new(MAX_FAILURES, WINDOW_S, 10000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->a);
    store_close(f->b);
    auth_ratelimit_free(f->mem);
    support_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static int64_t admit(struct store *s, const struct fixture *f, const char *user, const char *addr,
                     int64_t now)
{
    struct error err = {0};
    int64_t wait = -1;
    if (store_throttle_login_admit(s, &f->policy, user, addr, now, &wait, &err) != 0)
        fail_msg("admit: %s", err.msg);
    return wait;
}

static void record(struct store *s, const struct fixture *f, const char *user, const char *addr,
                   bool ok, int64_t now)
{
    struct error err = {0};
    if (store_throttle_login_record(s, &f->policy, user, addr, ok, now, &err) != 0)
        fail_msg("record: %s", err.msg);
}

static int64_t write_req(struct store *s, const struct auth_write_limits *lim, int64_t user_id,
                         const char *addr, bool report, int64_t now)
{
    struct error err = {0};
    int64_t wait = -1;
    if (store_throttle_write(s, lim, user_id, addr, report, now, &wait, &err) != 0)
        fail_msg("write: %s", err.msg);
    return wait;
}

/* A row's values, "n,t1_ms,t2_ms,expires_ms", or "(no row)". Caller frees. */
static char *row_of(const struct fixture *f, const char *key)
{
    char *sql = xasprintf("SELECT n || ',' || t1_ms || ',' || t2_ms || ',' || expires_ms"
                          " FROM throttle WHERE key = '%s'",
                          key);
    char *v = testdb_text(f->db, sql);
    free(sql);
    return v;
}

static void assert_row(const struct fixture *f, const char *key, const char *want)
{
    char *got = row_of(f, key);
    if (!str_eq(got, want))
        fail_msg("row %s: %s, want %s", key, got, want);
    free(got);
}

/* The rule's own numbers, by hand: free failures, then 1 s, 2 s ... from the last failure. */
static void test_login_waits(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < MAX_FAILURES; i++) {
        assert_int_equal(admit(f->a, f, "Budi", "10.0.0.1", T0 + i), 0);
        record(f->a, f, "Budi", "10.0.0.1", false, T0 + i);
    }
    assert_int_equal(admit(f->a, f, "budi", "10.0.0.1", T0 + 3), 999);
    assert_int_equal(admit(f->a, f, "BUDI", "10.0.0.1", T0 + 1002), 0);
    record(f->a, f, "budi", "10.0.0.1", false, T0 + 1002);
    assert_int_equal(admit(f->a, f, "budi", "10.0.0.1", T0 + 1003), 1999);
    /* another address is not held back by these failures */
    assert_int_equal(admit(f->a, f, "budi", "10.0.0.2", T0 + 1003), 0);
    /* the rows, as the header of store/throttle.c lays them out */
    assert_row(f, "lp:budi|10.0.0.1", "4,1800000001002,0,1800000061002");
    assert_row(f, "la:10.0.0.1", "4,1800000001002,0,1800000061002");
    assert_row(f, "lu:budi", "4,1800000001002,0,1800000061002");
    /* a success clears the pair and keeps the address known for 30 days */
    record(f->a, f, "budi", "10.0.0.2", true, T0 + 2000);
    assert_row(f, "lp:budi|10.0.0.2", "0,0,1800000002000,1802592002000");
    /* the window forgets the failures */
    assert_int_equal(admit(f->a, f, "budi", "10.0.0.1", T0 + 1002 + WINDOW_S * 1000), 0);
}

/* Failures on one server hold the next attempt back on the other. */
static void test_two_servers_login(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < MAX_FAILURES; i++) {
        assert_int_equal(admit(i % 2 ? f->b : f->a, f, "ani", "10.0.0.9", T0 + 10 * i), 0);
        record(i % 2 ? f->b : f->a, f, "ani", "10.0.0.9", false, T0 + 10 * i);
    }
    assert_int_equal(admit(f->b, f, "Ani", "10.0.0.9", T0 + 100), 920);
    assert_int_equal(admit(f->a, f, "ani", "10.0.0.9", T0 + 100), 920);
}

/* xorshift: the same attempts every run */
static uint64_t rnd_state = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

/* Many attempts of a few users from a few addresses, spread over both connections, against
 * one in-memory limiter: the same wait every time, expired rows deleted as they expire (the
 * answers must not change). Covers the pair, address and per-user slow-path waits. */
static void test_login_same_as_memory(void **state)
{
    struct fixture *f = *state;
    static const char *const users[] = {"budi", "Budi", "ani", "siti", "root", "Ani"};
    static const char *const addrs[] = {"10.0.0.1",    "10.0.0.2", "10.0.0.3", "2001:db8::5",
                                        "192.168.1.7", "10.0.0.4", "10.0.0.5", "10.0.0.6"};
    int64_t now = T0;
    size_t held = 0, slow = 0, purged_rows = 0;
    for (int step = 0; step < 1500; step++) {
        now += rnd(4) == 0 ? rnd(20000) : rnd(400);
        const char *user = users[rnd(WSP_ARRAY_LEN(users))];
        const char *addr = addrs[rnd(WSP_ARRAY_LEN(addrs))];
        struct store *s = rnd(2) ? f->a : f->b;
        int64_t want = auth_ratelimit_login_admit(f->mem, user, addr, now);
        int64_t got = admit(s, f, user, addr, now);
        if (got != want)
            fail_msg("step %d (%s from %s at +%lld): wait %lld, in memory %lld", step, user, addr,
                     (long long)(now - T0), (long long)got, (long long)want);
        held += want > 0;
        if (want == 0) {
            bool ok = rnd(10) == 0; /* now and then the right password */
            auth_ratelimit_login_record(f->mem, user, addr, ok, now);
            record(rnd(2) ? f->a : f->b, f, user, addr, ok, now);
        }
        if (step % 25 == 0) {
            /* what has expired means nothing any more */
            char *sql = xasprintf("DELETE FROM throttle WHERE expires_ms <= %lld", (long long)now);
            int64_t before = testdb_int(f->db, "SELECT COUNT(*) FROM throttle");
            testdb_exec(f->db, sql);
            purged_rows += (size_t)(before - testdb_int(f->db, "SELECT COUNT(*) FROM throttle"));
            free(sql);
        }
        slow += testdb_int(f->db, "SELECT COUNT(*) FROM throttle WHERE key LIKE 'lu:%'"
                                  " AND t2_ms > 0") > 0;
    }
    /* the sequence reached every kind of wait */
    assert_true(held > 100);
    assert_true(slow > 0);
    assert_true(purged_rows > 0);
}

/* Names are cut as auth_ratelimit cuts them, at the end of a UTF-8 character (PostgreSQL
 * refuses a cut one). */
static void test_long_names(void **state)
{
    struct fixture *f = *state;
    char name[128] = "a"; /* then 40 times é: 81 bytes in all, byte 64 inside a character */
    for (int i = 0; i < 40; i++)
        memcpy(name + 1 + 2 * i, "\xc3\xa9", 3);
    for (int i = 0; i < MAX_FAILURES; i++) {
        assert_int_equal(admit(f->a, f, name, "10.0.0.1", T0 + i), 0);
        record(f->b, f, name, "10.0.0.1", false, T0 + i);
    }
    assert_int_equal(admit(f->b, f, name, "10.0.0.1", T0 + 3), 999);
    char *key = testdb_text(f->db, "SELECT key FROM throttle WHERE key LIKE 'lu:%'");
    assert_int_equal(strlen(key), 3 + 63);
    free(key);
}

/* Write buckets over both connections against one in-memory limiter, with exact waits. */
static void test_write_buckets(void **state)
{
    struct fixture *f = *state;
    const struct auth_write_limits lim = {
        .user = {5, 60}, .address = {8, 60}, .report_user = {2, 3600}, .report_address = {3, 3600}};
    /* a burst of 5, then one every 12 s per user */
    for (int i = 0; i < 5; i++)
        assert_int_equal(write_req(i % 2 ? f->b : f->a, &lim, 7, "10.0.0.1", false, T0), 0);
    assert_int_equal(write_req(f->b, &lim, 7, "10.0.0.1", false, T0), 12000);
    assert_int_equal(write_req(f->a, &lim, 7, "10.0.0.1", false, T0 + 11999), 1);
    assert_int_equal(write_req(f->a, &lim, 7, "10.0.0.1", false, T0 + 12000), 0);
    /* the address bucket took 6 (refused requests take nothing), paid back 8 a ms */
    assert_row(f, "wa:10.0.0.1", "264000,1800000012000,0,1800000045000");
    assert_row(f, "wu:7", "300000,1800000012000,0,1800000072000");
    /* reports: 2 a user an hour, and the address's third... */
    assert_int_equal(write_req(f->a, &lim, 8, "10.0.0.2", true, T0), 0);
    assert_int_equal(write_req(f->b, &lim, 8, "10.0.0.2", true, T0), 0);
    assert_int_equal(write_req(f->a, &lim, 8, "10.0.0.2", true, T0), 1800000);
    assert_int_equal(write_req(f->a, &lim, 9, "10.0.0.2", true, T0), 0);
    assert_int_equal(write_req(f->b, &lim, 0, "10.0.0.2", true, T0), 1200000);
    /* unlimited rates keep no state */
    const struct auth_write_limits none = {0};
    int64_t rows = testdb_int(f->db, "SELECT COUNT(*) FROM throttle");
    assert_int_equal(write_req(f->a, &none, 7, "10.0.0.3", true, T0), 0);
    assert_int_equal(testdb_int(f->db, "SELECT COUNT(*) FROM throttle"), rows);

    /* and a random sequence: the same as one server's memory */
    int64_t now = T0 + 100000;
    size_t refused = 0;
    for (int step = 0; step < 800; step++) {
        now += rnd(3) == 0 ? rnd(30000) : rnd(2000);
        int64_t user = rnd(4);
        const char *addr = rnd(2) ? "10.1.0.1" : "10.1.0.2";
        bool report = rnd(4) == 0;
        int64_t want = auth_ratelimit_write(f->mem, &lim, user, addr, report, now);
        int64_t got = write_req(rnd(2) ? f->a : f->b, &lim, user, addr, report, now);
        if (got != want)
            fail_msg("step %d: wait %lld, in memory %lld", step, (long long)got, (long long)want);
        refused += want > 0;
        if (step % 50 == 0) {
            char *sql = xasprintf("DELETE FROM throttle WHERE expires_ms <= %lld", (long long)now);
            testdb_exec(f->db, sql);
            free(sql);
        }
    }
    assert_true(refused > 50);
}

/* Servers failing the same user at once: no failure is lost (each call locks the rows it
 * reads; PostgreSQL's rows, SQLite's whole database). */
enum { RACERS = 4, RACES = 25 };

struct racer {
    const struct fixture *f;
    int failed;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct store *s;
    struct error err = {0};
    if (store_open(&s, r->f->db, &err) != 0) {
        r->failed = 1;
        return NULL;
    }
    for (int i = 0; i < RACES; i++)
        if (store_throttle_login_record(s, &r->f->policy, "budi", "10.0.0.1", false, T0 + i,
                                        &err) != 0)
            r->failed++;
    store_close(s);
    return NULL;
}

static void test_concurrent_records(void **state)
{
    struct fixture *f = *state;
    pthread_t t[RACERS];
    struct racer r[RACERS];
    for (int i = 0; i < RACERS; i++) {
        r[i] = (struct racer){f, 0};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].failed, 0);
    }
    char *n = testdb_text(f->db, "SELECT n FROM throttle WHERE key = 'lu:budi'");
    assert_string_equal(n, "100");
    free(n);
    n = testdb_text(f->db, "SELECT n FROM throttle WHERE key = 'lp:budi|10.0.0.1'");
    assert_string_equal(n, "100");
    free(n);
}

/* The purge deletes what expired more than a minute ago, and only that. */
static void test_purge(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    size_t n = 99;
    /* the rows a failure of budi, a success of ani and a write leave (test_login_waits and
     * test_write_buckets check those values) */
    char *rows = xasprintf("INSERT INTO throttle (key, n, t1_ms, t2_ms, expires_ms) VALUES"
                           " ('lp:budi|10.0.0.1', 1, %lld, 0, %lld), ('la:10.0.0.1', 1, %lld, 0,"
                           " %lld), ('lu:budi', 1, %lld, 0, %lld), ('lp:ani|10.0.0.2', 0, 0,"
                           " %lld, %lld), ('la:10.0.0.2', 0, 0, 0, 0), ('lu:ani', 0, 0, 0, 0),"
                           " ('wa:10.0.0.3', 60000, %lld, 0, %lld)",
                           T0, T0 + 60000, T0, T0 + 60000, T0, T0 + 60000, T0, T0 + 2592000000LL,
                           T0, T0 + 6000);
    testdb_exec(f->db, rows);
    free(rows);

    assert_int_equal(store_throttle_purge(f->a, T0 + 60000, &n, &err), 0);
    assert_int_equal(n, 2); /* the zero rows of ani's success */
    assert_int_equal(store_throttle_purge(f->b, T0 + 6000 + 60001, &n, &err), 0);
    assert_int_equal(n, 1); /* wa: */
    assert_int_equal(store_throttle_purge(f->a, T0 + 120000, &n, &err), 0);
    assert_int_equal(n, 0); /* expired a minute ago, not more */
    assert_int_equal(store_throttle_purge(f->a, T0 + 120001, &n, &err), 0);
    assert_int_equal(n, 3);
    char *left = testdb_text(f->db, "SELECT key FROM throttle");
    assert_string_equal(left, "lp:ani|10.0.0.2");
    free(left);
    /* batches: more rows than one batch holds */
    testdb_exec(f->db, "DELETE FROM throttle");
    char *fill = xasprintf(testdb_sql("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                                      " FROM c WHERE i < 12000) INSERT INTO throttle (key, n,"
                                      " expires_ms) SELECT 'la:' || i, 1, %lld FROM c",
                                      "INSERT INTO throttle (key, n, expires_ms) SELECT 'la:' || i,"
                                      " 1, %lld FROM generate_series(1, 12000) i"),
                           (long long)T0);
    testdb_exec(f->db, fill);
    free(fill);
    assert_int_equal(store_throttle_purge(f->a, T0 + 60001, &n, &err), 0);
    assert_int_equal(n, 12000);
    assert_int_equal(testdb_int(f->db, "SELECT COUNT(*) FROM throttle"), 0);
}

int main(void)
{
    log_set_level(LOG_WARN);
    struct error err = {0};
    if (auth_init(&err) != 0) {
        fprintf(stderr, "auth_init: %s\n", err.msg);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_servers_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_same_as_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_buckets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
