/*
 * The `waspada` command line, run as a real process: help and misuse exit codes, init,
 * region lookup, user management, backup, config precedence, --data-dir and the eval report.
 */
#include <math.h>
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
    /* The backup's personal fields are sealed: it opens with the database's key only. */
    const char *nokey[] = {"--db", dest, "user", "list", NULL};
    assert_int_equal(support_run(&r, NULL, nokey), 6);
    support_run_free(&r);
    char *key = xasprintf("%s.key", fx.db);
    const char *users[] = {"--db", dest, "--key-file", key, "user", "list", NULL};
    assert_int_equal(support_run(&r, NULL, users), 0);
    assert_non_null(strstr(r.out, "siti"));
    support_run_free(&r);
    free(key);
    RUN(&r, NULL, "backup");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
    free(dest);
}

/* backup --dir --keep: timestamped names, the oldest deleted beyond N, other files untouched. */
static void test_backup_dir_keep(void **state)
{
    (void)state;
    struct support_run r;
    char *dir = support_path(fx.dir, "backups");
    char *other = support_path(fx.dir, "backups/notes.txt");
    char *made[3] = {0};
    for (int i = 0; i < 3; i++) {
        RUN(&r, NULL, "backup", "--dir", dir, "--keep", "2");
        assert_int_equal(r.status, 0);
        const char *p = strstr(r.out, " to ");
        assert_non_null(p);
        made[i] = strndup(p + 4, strcspn(p + 4, " "));
        assert_non_null(strstr(made[i], "/backups/waspada-"));
        assert_non_null(strstr(made[i], ".db"));
        if (i == 0) {
            FILE *f = fopen(other, "w");
            assert_non_null(f);
            fputs("not a backup\n", f);
            fclose(f);
        }
        if (i == 2)
            assert_non_null(strstr(r.out, "deleted old backup"));
        support_run_free(&r);
    }
    assert_int_not_equal(access(made[0], F_OK), 0); /* the oldest went */
    assert_int_equal(access(made[1], F_OK), 0);
    assert_int_equal(access(made[2], F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    const char *list[] = {"--db", made[2], "region", "show", "32", NULL};
    assert_int_equal(support_run(&r, NULL, list), 0);
    support_run_free(&r);
    RUN(&r, NULL, "backup", "--keep", "2", "x.db");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--keep needs --dir"));
    support_run_free(&r);
    RUN(&r, NULL, "backup", "--dir", dir, "--keep", "0");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
    for (int i = 0; i < 3; i++)
        free(made[i]);
    free(other);
    free(dir);
}

/* status: exit 0 when all is well, 1 with what needs attention; --json. */
static void test_status(void **state)
{
    (void)state;
    struct support_run r;
    char *backups = support_path(fx.dir, "backups"); /* test_backup_dir_keep wrote there */
    char *empty = support_path(fx.dir, "no-backups");
    RUN(&r, NULL, "status", "--backup-dir", backups);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "schema version"));
    assert_non_null(strstr(r.out, "91599 regions"));
    assert_non_null(strstr(r.out, "backups   "));
    assert_null(strstr(r.out, "ATTENTION"));
    support_run_free(&r);
    RUN(&r, NULL, "status", "--backup-dir", empty);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "ATTENTION no backup in"));
    support_run_free(&r);
    RUN(&r, NULL, "status", "--json", "--backup-dir", backups);
    assert_int_equal(r.status, 0);
    json_t *v = json_loads(r.out, 0, NULL);
    assert_non_null(v);
    json_t *db = json_object_get(v, "database");
    assert_string_equal(json_string_value(json_object_get(db, "engine")), "sqlite");
    assert_int_equal(json_integer_value(json_object_get(db, "schema_version")),
                     json_integer_value(json_object_get(db, "schema_latest")));
    assert_int_equal(json_integer_value(json_object_get(db, "regions")), 91599);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "backups"), "count")),
                     2);
    assert_int_equal(json_array_size(json_object_get(v, "attention")), 0);
    json_decref(v);
    support_run_free(&r);
    RUN(&r, NULL, "status", "--bogus");
    assert_int_equal(r.status, 2);
    support_run_free(&r);
    free(backups);
    free(empty);
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

/* Labelled articles written for this test: two clashes, a meeting about preventing conflict and
 * a flood, each with the "section" of the news stream. */
static const char eval_jsonl[] =
    "{\"id\": \"ev-1\", \"section\": \"conflict\", \"published\": \"2023-04-04\", \"title\": "
    "\"Bentrok Antarwarga di Maluku Tengah, Dua Tewas\", \"text\": \"Bentrok antarwarga dua desa "
    "di Kabupaten Maluku Tengah pecah pada Senin (3/4/2023). Dua warga tewas dan lima luka-luka "
    "dalam bentrokan yang dipicu sengketa lahan. Massa membakar tiga rumah.\", \"label\": "
    "{\"is_conflict_event\": true, \"category\": \"land_resource\", \"province\": \"Maluku\", "
    "\"regency\": \"Kabupaten Maluku Tengah\", \"event_date\": \"2023-04-03\", \"killed\": 2, "
    "\"injured\": 5}}\n"
    "{\"id\": \"ev-2\", \"section\": \"conflict\", \"published\": \"2023-05-10\", \"title\": "
    "\"Tawuran Pelajar di Kota Bandung\", \"text\": \"Tawuran antarpelajar pecah di Kota Bandung "
    "pada Selasa (9/5/2023). Seorang pelajar luka bacok dan puluhan siswa diamankan polisi "
    "setelah kedua kelompok saling serang.\", \"label\": {\"is_conflict_event\": true, "
    "\"category\": \"inter_group_clash\", \"province\": \"Jawa Barat\", \"regency\": \"Kota "
    "Bandung\", \"event_date\": \"2023-05-09\", \"killed\": null, \"injured\": 1}}\n"
    "{\"id\": \"ev-3\", \"section\": \"followup_prevention\", \"published\": \"2023-06-01\", "
    "\"title\": \"Rapat Koordinasi Timdu Sintang\", \"text\": \"Kesbangpol Kabupaten Sintang "
    "menggelar rapat koordinasi tim terpadu penanganan konflik sosial untuk deteksi dini.\", "
    "\"label\": {\"is_conflict_event\": false, \"category\": null}}\n"
    "{\"id\": \"ev-4\", \"section\": \"accident_disaster\", \"published\": \"2023-01-02\", "
    "\"title\": \"Banjir Rendam Bekasi\", \"text\": \"Banjir merendam ratusan rumah warga di "
    "Kabupaten Bekasi setelah hujan deras semalaman. BPBD mengevakuasi warga.\", \"label\": "
    "{\"is_conflict_event\": false, \"category\": null}}\n";

/* eval: the report keys (false events per 1,000, reliability table, Brier, roles by section)
 * in --json, one report per file, and --fit-calibration writing a map with its header. */
static void test_eval_reports(void **state)
{
    (void)state;
    struct support_run r;
    write_text(fx.dir, "eval.jsonl", eval_jsonl);
    char *file = support_path(fx.dir, "eval.jsonl");
    const char *one[] = {"eval", "--json", "--threads", "2", file, NULL};
    assert_int_equal(support_run(&r, NULL, one), 0);
    json_t *v = json_loads(r.out, 0, NULL);
    assert_non_null(v);
    assert_true(json_is_object(v));
    assert_string_equal(json_string_value(json_object_get(v, "file")), file);
    assert_int_equal(json_integer_value(json_object_get(v, "articles")), 4);
    json_t *ice = json_object_get(v, "is_conflict_event");
    json_t *fp = json_object_get(ice, "fp"), *tn = json_object_get(ice, "tn");
    double per1000 = json_real_value(json_object_get(ice, "false_events_per_1000"));
    assert_true(json_is_real(json_object_get(ice, "false_events_per_1000")));
    assert_true(fabs(per1000 - 1000.0 * (double)json_integer_value(fp) /
                                   (double)(json_integer_value(fp) + json_integer_value(tn))) <
                1e-9);
    json_t *cal = json_object_get(v, "calibration");
    assert_true(json_is_object(cal));
    double brier = json_real_value(json_object_get(cal, "brier"));
    assert_true(brier >= 0 && brier <= 1);
    assert_true(json_is_real(json_object_get(cal, "brier_raw")));
    assert_true(json_is_real(json_object_get(cal, "ece")));
    json_t *rel = json_object_get(cal, "reliability");
    assert_int_equal(json_array_size(rel), 7);
    json_int_t binned = 0;
    for (size_t i = 0; i < json_array_size(rel); i++) {
        json_t *bin = json_array_get(rel, i);
        static const char *const keys[] = {"from", "to",         "events",
                                           "real", "real_share", "mean_confidence"};
        for (size_t k = 0; k < WSP_ARRAY_LEN(keys); k++)
            assert_non_null(json_object_get(bin, keys[k]));
        binned += json_integer_value(json_object_get(bin, "events"));
    }
    assert_int_equal(binned,
                     json_integer_value(json_object_get(ice, "tp")) + json_integer_value(fp));
    assert_true(json_real_value(json_object_get(json_array_get(rel, 6), "to")) == 1.0);
    json_t *roles = json_object_get(v, "roles");
    assert_true(json_is_object(roles));
    assert_int_equal(json_object_size(roles), 3);
    json_t *conflict = json_object_get(roles, "conflict");
    json_int_t in_row = 0;
    const char *key;
    json_t *cell;
    json_object_foreach(conflict, key, cell) in_row += json_integer_value(cell);
    assert_int_equal(in_row, 2);
    assert_int_equal(json_object_size(conflict), 7);
    assert_non_null(json_object_get(json_object_get(roles, "accident_disaster"), "not_article"));
    json_decref(v);
    support_run_free(&r);

    /* text report: the new sections */
    const char *text[] = {"eval", file, NULL};
    assert_int_equal(support_run(&r, NULL, text), 0);
    assert_non_null(strstr(r.out, "false events per 1,000 non-event articles"));
    assert_non_null(strstr(r.out, "reliability of the confidence"));
    assert_non_null(strstr(r.out, "roles (rows section, columns predicted role):"));
    support_run_free(&r);

    /* two files: an array of two reports; without sections no "roles" */
    write_text(fx.dir, "plain.jsonl",
               "{\"id\": \"p-1\", \"text\": \"Harga cabai naik di pasar.\", \"label\": "
               "{\"is_conflict_event\": false}}\n");
    char *plain = support_path(fx.dir, "plain.jsonl");
    const char *two[] = {"eval", "--json", file, plain, NULL};
    assert_int_equal(support_run(&r, NULL, two), 0);
    v = json_loads(r.out, 0, NULL);
    assert_true(json_is_array(v));
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "file")), plain);
    assert_null(json_object_get(json_array_get(v, 1), "roles"));
    assert_non_null(json_object_get(json_array_get(v, 0), "roles"));
    json_decref(v);
    support_run_free(&r);

    /* fitting the calibration */
    char *out = support_path(fx.dir, "calibration.tsv");
    const char *fit[] = {"eval", "--fit-calibration", out, "--json", file, plain, NULL};
    assert_int_equal(support_run(&r, NULL, fit), 0);
    v = json_loads(r.out, 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "written")), out);
    assert_int_equal(json_array_size(json_object_get(v, "cross_validated")), 3);
    assert_true(json_is_array(json_object_get(json_object_get(v, "points"), "event")));
    json_decref(v);
    support_run_free(&r);
    char *tsv = support_read_file(out);
    assert_non_null(tsv);
    assert_true(str_starts_with(tsv, "# Confidence calibration"));
    assert_non_null(strstr(tsv, "waspada eval --fit-calibration data/detect/calibration.tsv"));
    size_t rows = 0;
    for (char *line = tsv; line && *line;) {
        char *nl = strchr(line, '\n');
        if (line[0] != '#') {
            int tabs = 0;
            for (char *p = line; p < (nl ? nl : line + strlen(line)); p++)
                tabs += *p == '\t';
            assert_int_equal(tabs, 2);
            assert_true(str_starts_with(line, "event\t") || str_starts_with(line, "nonevent\t"));
            rows++;
        }
        line = nl ? nl + 1 : NULL;
    }
    assert_true(rows >= 1);
    free(tsv);

    const char *misuse[] = {"eval", "--fit-calibration", out, "--features", file, NULL};
    assert_int_equal(support_run(&r, NULL, misuse), 2);
    support_run_free(&r);
    const char *nofile[] = {"eval", "--json", NULL};
    assert_int_equal(support_run(&r, NULL, nofile), 2);
    support_run_free(&r);
    free(out);
    free(plain);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_misuse),
        cmocka_unit_test(test_init_idempotent),
        cmocka_unit_test(test_region),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_backup_dir_keep),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_config_precedence),
        cmocka_unit_test(test_data_dir_and_serve_needs_init),
        cmocka_unit_test(test_eval_reports),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
