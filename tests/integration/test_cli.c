/*
 * The `waspada` command line, run as a real process: help and misuse exit codes, init,
 * region lookup, user management, backup, config precedence and --data-dir.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "../support/support.h"

struct fixture {
    char *dir;
    char *db;
};

static struct fixture fx;

/* Run with --db fx.db prepended; returns the exit status and keeps output in r. */
#define RUN(r, stdin_text, ...)                                                                    \
    do {                                                                                           \
        const char *args_[] = {"--db", fx.db, __VA_ARGS__, NULL};                                  \
        support_run((r), (stdin_text), args_);                                                     \
    } while (0)

static int group_setup(void **state)
{
    (void)state;
    setenv("WASPADA_FAST_HASH", "1", 1);
    unsetenv("WASPADA_CONFIG");
    unsetenv("WASPADA_DB");
    fx.dir = support_tmpdir();
    fx.db = support_path(fx.dir, "cli.db");
    struct support_run r;
    RUN(&r, NULL, "init");
    int ok = r.status == 0;
    support_run_free(&r);
    return ok ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    support_rmtree(fx.dir);
    free(fx.dir);
    free(fx.db);
    return 0;
}

static void test_help_and_misuse(void **state)
{
    (void)state;
    struct support_run r;
    const char *version[] = {"--version", NULL};
    assert_int_equal(support_run(&r, NULL, version), 0);
    assert_string_equal(r.out, "waspada " WSP_VERSION "\n");
    support_run_free(&r);

    static const char *cmds[] = {"init", "serve", "user",   "region", "extract",
                                 "eval", "warn",  "backup", "config"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(cmds); i++) {
        const char *args[] = {cmds[i], "--help", NULL};
        assert_int_equal(support_run(&r, NULL, args), 0);
        char *want = xasprintf("usage: waspada %s", cmds[i]);
        assert_true(str_starts_with(r.out, want));
        assert_string_equal(r.err, "");
        free(want);
        support_run_free(&r);
    }
    const char *help[] = {"--help", NULL};
    assert_int_equal(support_run(&r, NULL, help), 0);
    assert_non_null(strstr(r.out, "  region   look up official region codes and names"));
    support_run_free(&r);

    const char *none[] = {NULL};
    assert_int_equal(support_run(&r, NULL, none), 2);
    assert_true(str_starts_with(r.err, "usage: waspada"));
    support_run_free(&r);
    const char *unknown[] = {"frobnicate", NULL};
    assert_int_equal(support_run(&r, NULL, unknown), 2);
    assert_string_equal(r.err, "waspada: 'frobnicate' is not a command; try 'waspada --help'\n");
    support_run_free(&r);
    const char *badopt[] = {"init", "--bogus", NULL};
    assert_int_equal(support_run(&r, NULL, badopt), 2);
    assert_true(str_starts_with(r.err, "waspada init: unknown option '--bogus'"));
    support_run_free(&r);
    const char *badglobal[] = {"--nope", "init", NULL};
    assert_int_equal(support_run(&r, NULL, badglobal), 2);
    support_run_free(&r);
}

static void test_init_idempotent(void **state)
{
    (void)state;
    struct support_run r;
    RUN(&r, NULL, "init");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "regions: 38 provinces, 514 regencies/cities, 7285 districts, "
                                  "83762 villages (0 new)\n"));
    support_run_free(&r);
}

static void test_region(void **state)
{
    (void)state;
    struct support_run r;
    RUN(&r, NULL, "region", "find", "bandung");
    assert_int_equal(r.status, 0);
    assert_true(str_starts_with(r.out, "32.04 Kabupaten Bandung, Jawa Barat (regency)\n"
                                       "32.73 Kota Bandung, Jawa Barat (regency)\n"
                                       "32.17 Kabupaten Bandung Barat, Jawa Barat (regency)\n"));
    support_run_free(&r);

    RUN(&r, NULL, "region", "find", "kab.", "bandung", "--limit", "1");
    assert_string_equal(r.out, "32.04 Kabupaten Bandung, Jawa Barat (regency)\n"
                               "... 93 more (use --limit)\n");
    support_run_free(&r);

    RUN(&r, NULL, "region", "find", "--json", "Jabar");
    assert_int_equal(r.status, 0);
    json_t *v = json_loads(r.out, 0, NULL);
    assert_non_null(v);
    json_t *first = json_array_get(json_object_get(v, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "32");
    assert_string_equal(json_string_value(json_object_get(first, "level")), "province");
    json_decref(v);
    support_run_free(&r);

    RUN(&r, NULL, "region", "find", "--level", "province", "--limit", "0", "a");
    assert_int_equal(r.status, 0);
    support_run_free(&r);

    RUN(&r, NULL, "region", "show", "32.73.01.1001");
    assert_string_equal(r.out,
                        "32.73.01.1001 Sukarasa, Sukasari, Kota Bandung, Jawa Barat (village)\n");
    support_run_free(&r);
    RUN(&r, NULL, "region", "show", "99.99");
    assert_int_equal(r.status, 4);
    assert_string_equal(r.err, "waspada: no region with code '99.99'\n");
    support_run_free(&r);
    RUN(&r, NULL, "region", "find", "qqzzxxyy");
    assert_int_equal(r.status, 4);
    support_run_free(&r);
    RUN(&r, NULL, "region", "find", "--level", "kingdom", "x");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
}

static void test_users(void **state)
{
    (void)state;
    struct support_run r;
    RUN(&r, "rahasia-sekali\n", "user", "add", "--username", "siti", "--role", "provinsi",
        "--region", "32", "--name", "Siti Aminah", "--password-stdin");
    assert_int_equal(r.status, 0);
    assert_true(str_starts_with(r.out, "added user siti (id "));
    support_run_free(&r);

    RUN(&r, "rahasia-sekali\n", "user", "add", "--username", "siti", "--role", "provinsi",
        "--region", "32", "--password-stdin");
    assert_int_equal(r.status, 5);
    assert_string_equal(r.err, "waspada: username 'siti' already exists\n");
    support_run_free(&r);

    RUN(&r, "rahasia-sekali\n", "user", "add", "--username", "raja", "--role", "raja",
        "--password-stdin");
    assert_int_equal(r.status, 3);
    support_run_free(&r);
    RUN(&r, "rahasia-sekali\n", "user", "add", "--username", "op-one", "--role", "provinsi",
        "--region", "32.73", "--password-stdin");
    assert_int_equal(r.status, 3);
    assert_string_equal(r.err, "waspada: role 'provinsi' needs a province code (e.g. '32')\n");
    support_run_free(&r);
    RUN(&r, "rahasia-sekali\n", "user", "add", "--username", "op-two", "--role", "kabkota",
        "--region", "99.99", "--password-stdin");
    assert_int_equal(r.status, 3);
    assert_string_equal(r.err, "waspada: unknown region '99.99'\n");
    support_run_free(&r);
    RUN(&r, "pendek\n", "user", "add", "--username", "op-three", "--role", "pusat",
        "--password-stdin");
    assert_int_equal(r.status, 3);
    support_run_free(&r);
    RUN(&r, NULL, "user", "add", "--username", "op-four", "--role", "pusat");
    assert_int_equal(r.status, 2); /* never a password on the command line */
    support_run_free(&r);

    RUN(&r, NULL, "user", "disable", "--username", "siti");
    assert_string_equal(r.out, "user siti disabled\n");
    support_run_free(&r);
    RUN(&r, NULL, "user", "list", "--json");
    json_t *v = json_loads(r.out, 0, NULL);
    assert_non_null(v);
    assert_int_equal(json_array_size(v), 1);
    json_t *u = json_array_get(v, 0);
    assert_string_equal(json_string_value(json_object_get(u, "username")), "siti");
    assert_string_equal(json_string_value(json_object_get(u, "region")), "32");
    assert_string_equal(json_string_value(json_object_get(u, "full_name")), "Siti Aminah");
    assert_true(json_is_true(json_object_get(u, "disabled")));
    assert_null(strstr(r.out, "argon2"));
    json_decref(v);
    support_run_free(&r);
    RUN(&r, NULL, "user", "enable", "--username", "siti");
    assert_int_equal(r.status, 0);
    support_run_free(&r);
    RUN(&r, "password-baru-1\n", "user", "passwd", "--username", "siti", "--password-stdin");
    assert_string_equal(r.out, "password of siti changed\n");
    support_run_free(&r);
    RUN(&r, "password-baru-1\n", "user", "passwd", "--username", "nobody", "--password-stdin");
    assert_int_equal(r.status, 4);
    assert_string_equal(r.err, "waspada: no user 'nobody'\n");
    support_run_free(&r);
}

static void test_backup(void **state)
{
    (void)state;
    struct support_run r;
    char *dest = support_path(fx.dir, "copy.db");
    RUN(&r, NULL, "backup", dest);
    assert_int_equal(r.status, 0);
    support_run_free(&r);
    RUN(&r, NULL, "backup", dest);
    assert_int_equal(r.status, 5);
    support_run_free(&r);
    const char *list[] = {"--db", dest, "region", "show", "32", NULL};
    assert_int_equal(support_run(&r, NULL, list), 0);
    support_run_free(&r);
    const char *users[] = {"--db", dest, "user", "list", NULL};
    assert_int_equal(support_run(&r, NULL, users), 0);
    assert_non_null(strstr(r.out, "siti"));
    support_run_free(&r);
    RUN(&r, NULL, "backup");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
    free(dest);
}

static void test_config_precedence(void **state)
{
    (void)state;
    struct support_run r;
    char *conf = support_path(fx.dir, "waspada.conf");
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs("[waspada]\nthreads = 3\nlisten = 127.0.0.1:9999\n", f);
    fclose(f);
    setenv("WASPADA_LISTEN", "127.0.0.1:7777", 1);
    const char *args[] = {"--config", conf, "--db", "flag.db", "config", NULL};
    assert_int_equal(support_run(&r, NULL, args), 0);
    assert_non_null(strstr(r.out, "threads              = 3"));
    assert_non_null(strstr(r.out, "# file;"));
    assert_non_null(strstr(r.out, "listen               = 127.0.0.1:7777"));
    assert_non_null(strstr(r.out, "# env;"));
    assert_non_null(strstr(r.out, "db                   = flag.db"));
    assert_non_null(strstr(r.out, "# flag;"));
    support_run_free(&r);
    unsetenv("WASPADA_LISTEN");

    f = fopen(conf, "w");
    fputs("threads = lots\n", f);
    fclose(f);
    assert_int_equal(support_run(&r, NULL, args), 2);
    assert_non_null(strstr(r.err, "setting 'threads': 'lots' is not a number in 1..256"));
    support_run_free(&r);
    free(conf);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char *path = support_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

static void test_data_dir_and_serve_needs_init(void **state)
{
    (void)state;
    struct support_run r;
    /* A tiny gazetteer in a data directory replaces the built-in one. */
    char *data = support_path(fx.dir, "data");
    char *wil = support_path(data, "wilayah"), *geo = support_path(data, "geo");
    assert_int_equal(mkdir(data, 0700), 0);
    assert_int_equal(mkdir(wil, 0700), 0);
    assert_int_equal(mkdir(geo, 0700), 0);
    write_text(wil, "provinces.csv", "code,name\n99,Provinsi Uji\n");
    write_text(wil, "regencies.csv", "code,province_code,name\n99.01,99,Kabupaten Contoh\n");
    write_text(wil, "districts.csv", "code,regency_code,name\n");
    write_text(wil, "villages.csv", "code,district_code,name\n");
    write_text(geo, "region-aliases.csv", "code,alias\n99,Ujiland\n");
    const char *find[] = {"--data-dir", data, "region", "find", "ujiland", NULL};
    assert_int_equal(support_run(&r, NULL, find), 0);
    assert_string_equal(r.out, "99 Provinsi Uji (province)\n");
    support_run_free(&r);
    const char *bad[] = {"--data-dir", "/nonexistent", "region", "find", "x", NULL};
    assert_int_equal(support_run(&r, NULL, bad), 4);
    assert_non_null(strstr(r.err, "cannot open '/nonexistent/wilayah/provinces.csv'"));
    support_run_free(&r);

    /* serve refuses a database without regions, with a hint */
    char *empty = support_path(fx.dir, "empty.db");
    const char *serve[] = {"--db", empty, "serve", "--listen", "127.0.0.1:0", NULL};
    assert_int_equal(support_run(&r, NULL, serve), 3);
    assert_non_null(strstr(r.err, "has no regions: run 'waspada --db"));
    support_run_free(&r);
    const char *badlisten[] = {"--db", fx.db, "serve", "--threads", "0", NULL};
    assert_int_equal(support_run(&r, NULL, badlisten), 2);
    support_run_free(&r);
    free(empty);
    free(data);
    free(wil);
    free(geo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_misuse),
        cmocka_unit_test(test_init_idempotent),
        cmocka_unit_test(test_region),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_config_precedence),
        cmocka_unit_test(test_data_dir_and_serve_needs_init),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
