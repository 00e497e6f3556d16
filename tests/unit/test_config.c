/* Unit tests for the table-driven config: defaults < file < env < flags, and bad values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static char path[64];

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    int fd;
    str_copy(path, "/tmp/wsp-conf-XXXXXX", sizeof(path));
    fd = mkstemp(path);
    close(fd);
    unsetenv("WASPADA_CONFIG");
    unsetenv("WASPADA_DB");
    unsetenv("WASPADA_THREADS");
    unsetenv("WASPADA_LEAD_MIN_CONFIDENCE");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unsetenv("WASPADA_DB");
    unsetenv("WASPADA_THREADS");
    unsetenv("WASPADA_LEAD_MIN_CONFIDENCE");
    log_set_level(LOG_OFF);
    return 0;
}

static void test_defaults(void **state)
{
    (void)state;
    struct cli_config c;
    struct error err = {0};
    assert_int_equal(config_load(&c, NULL, &err), 0);
    assert_string_equal(c.db, "waspada.db");
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.threads, 4);
    assert_int_equal(c.body_max, 1048576);
    assert_int_equal(c.login_max_failures, 5);
    assert_int_equal(c.body_budget, 67108864);
    assert_int_equal(c.max_conns_per_address, 64);
    assert_false(c.cookie_secure);
    assert_true(c.access_log);
    assert_true(c.lead_min_confidence == 0.5);
    assert_null(c.config_file);
    config_release(&c);
}

static void test_precedence(void **state)
{
    (void)state;
    struct cli_config c;
    struct error err = {0};
    write_file("# comment\n[waspada]\ndb = /var/lib/waspada/file.db\nthreads = 8\n"
               "listen = 0.0.0.0:9000\ncookie_secure = ya\n");
    setenv("WASPADA_DB", "/env.db", 1);
    assert_int_equal(config_load(&c, path, &err), 0);
    assert_string_equal(c.config_file, path);
    assert_string_equal(c.db, "/env.db"); /* env beats file */
    assert_int_equal(c.threads, 8);       /* file beats default */
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_true(c.cookie_secure);
    assert_int_equal(config_set(&c, "db", "/flag.db", &err), 0); /* flag beats env */
    assert_string_equal(c.db, "/flag.db");
    config_release(&c);
}

static void test_errors(void **state)
{
    (void)state;
    struct cli_config c;
    struct error err = {0};
    write_file("threads = many\n");
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    assert_string_equal(strchr(err.msg, ' ') + 1,
                        "setting 'threads': 'many' is not a number in 1..256");
    config_release(&c);

    write_file("db = x\nthis line has no equals sign\n");
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    assert_non_null(strstr(err.msg, " line 2: syntax error"));
    config_release(&c);

    write_file("colour = blue\n");
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    assert_non_null(strstr(err.msg, "unknown setting 'colour'"));
    config_release(&c);

    write_file("[other]\ndb = x\n");
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    assert_non_null(strstr(err.msg, "unknown section 'other'"));
    config_release(&c);

    write_file("");
    setenv("WASPADA_THREADS", "0", 1);
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "environment WASPADA_THREADS: setting 'threads': '0' is not a number "
                        "in 1..256");
    config_release(&c);
    unsetenv("WASPADA_THREADS");

    assert_int_equal(config_load(&c, "/nonexistent/waspada.conf", &err), WSP_EIO);
    config_release(&c);

    /* The HTTP caps of issue 10: bounds, and 0 = no cap for connections per address. */
    write_file("body_budget = 2097152\nmax_conns_per_address = 0\n");
    assert_int_equal(config_load(&c, path, &err), 0);
    assert_int_equal(c.body_budget, 2097152);
    assert_int_equal(c.max_conns_per_address, 0);
    assert_int_equal(config_set(&c, "body_budget", "1023", &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "setting 'body_budget': '1023' is not a number in 1024..17179869184");
    assert_int_equal(config_set(&c, "max_conns_per_address", "65536", &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "setting 'max_conns_per_address': '65536' is not a number in 0..65535");
    config_release(&c);

    assert_int_equal(config_load(&c, NULL, &err), 0);
    assert_int_equal(config_set(&c, "cookie_secure", "maybe", &err), WSP_EINVAL);
    assert_int_equal(config_set(&c, "log_level", "loud", &err), WSP_EINVAL);
    config_release(&c);
}

/* lead_min_confidence: a number in 0..1 from the file, the environment or a flag. */
static void test_confidence(void **state)
{
    (void)state;
    struct cli_config c;
    struct error err = {0};
    write_file("[waspada]\nlead_min_confidence = 0.7\n");
    assert_int_equal(config_load(&c, path, &err), 0);
    assert_true(c.lead_min_confidence == 0.7);
    assert_int_equal(config_set(&c, "lead_min_confidence", "0", &err), 0);
    assert_true(c.lead_min_confidence == 0.0);
    assert_int_equal(config_set(&c, "lead_min_confidence", "1", &err), 0);
    assert_true(c.lead_min_confidence == 1.0);
    static const char *const bad[] = {"1.01", "-0.1", "0,5", "",    " 0.5",
                                      "0.5x", "nan",  "inf", "half"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (config_set(&c, "lead_min_confidence", bad[i], &err) != WSP_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_true(c.lead_min_confidence == 1.0); /* unchanged */
    }
    assert_string_equal(err.msg, "setting 'lead_min_confidence': 'half' is not a number in 0..1");
    config_release(&c);

    write_file("");
    setenv("WASPADA_LEAD_MIN_CONFIDENCE", "0.25", 1);
    assert_int_equal(config_load(&c, path, &err), 0);
    assert_true(c.lead_min_confidence == 0.25);
    config_release(&c);
    setenv("WASPADA_LEAD_MIN_CONFIDENCE", "2", 1);
    assert_int_equal(config_load(&c, path, &err), WSP_EINVAL);
    config_release(&c);
    unsetenv("WASPADA_LEAD_MIN_CONFIDENCE");
}

static void test_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(cli_exit_for(WSP_OK), CLI_OK);
    assert_int_equal(cli_exit_for(WSP_EINVAL), CLI_INVALID);
    assert_int_equal(cli_exit_for(WSP_ENOTFOUND), CLI_NOTFOUND);
    assert_int_equal(cli_exit_for(WSP_EEXIST), CLI_EXISTS);
    assert_int_equal(cli_exit_for(WSP_EPERM), CLI_DENIED);
    assert_int_equal(cli_exit_for(WSP_EDB), CLI_FAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confidence, setup, teardown),
        cmocka_unit_test(test_exit_codes),
    };
    /* config_load reads ./waspada.conf when present: run from a directory without one. */
    if (chdir("/tmp") != 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
