/* Unit tests for src/auth: roles, scope, passwords, tokens, CSRF, rate limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/auth.h"

static int setup(void **state)
{
    (void)state;
    auth_set_cost(AUTH_COST_MIN);
    return auth_init(NULL);
}

static void test_roles(void **state)
{
    (void)state;
    assert_int_equal(auth_role_parse("admin"), AUTH_ROLE_ADMIN);
    assert_int_equal(auth_role_parse("pelapor"), AUTH_ROLE_PELAPOR);
    assert_int_equal(auth_role_parse("Admin"), AUTH_ROLE_NONE);
    assert_int_equal(auth_role_parse(NULL), AUTH_ROLE_NONE);
    assert_string_equal(auth_role_name(AUTH_ROLE_KABKOTA), "kabkota");
    assert_string_equal(auth_role_name(AUTH_ROLE_NONE), "");

    struct error err = {0};
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_ADMIN, "", &err), 0);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_PUSAT, "32", &err), WSP_EINVAL);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_PROVINSI, "32", &err), 0);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_PROVINSI, "32.73", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "role 'provinsi' needs a province code (e.g. '32')");
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_KABKOTA, "32.73", &err), 0);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_KABKOTA, "", &err), WSP_EINVAL);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_PELAPOR, "32", &err), 0);
    assert_int_equal(auth_role_scope_valid(AUTH_ROLE_PELAPOR, "32.73.01", &err), WSP_EINVAL);
}

static void test_scope(void **state)
{
    (void)state;
    assert_true(auth_scope_covers("", "32.73"));
    assert_true(auth_scope_covers("32", "32"));
    assert_true(auth_scope_covers("32", "32.73"));
    assert_true(auth_scope_covers("32", "32.73.01.1001"));
    assert_false(auth_scope_covers("32", "33"));
    assert_false(auth_scope_covers("3", "32"));
    assert_false(auth_scope_covers("32.7", "32.73"));
    assert_false(auth_scope_covers("32.73", "32"));
    assert_false(auth_scope_covers("32", NULL));

    assert_true(auth_may_read(AUTH_ROLE_PUSAT, "", "91.01"));
    assert_true(auth_may_read(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(auth_may_read(AUTH_ROLE_PROVINSI, "32", "33.01"));
    assert_false(auth_may_read(AUTH_ROLE_NONE, "", "32"));
    assert_true(auth_may_write(AUTH_ROLE_ADMIN, "", "33"));
    assert_true(auth_may_write(AUTH_ROLE_PROVINSI, "32", "32.73"));
    assert_false(auth_may_write(AUTH_ROLE_PROVINSI, "32", "33.01"));
    assert_false(auth_may_write(AUTH_ROLE_KABKOTA, "32.73", "32.04"));
    assert_false(auth_may_write(AUTH_ROLE_KABKOTA, "32.73", "32"));
    /* a provinsi account with no scope must never write everywhere */
    assert_false(auth_may_write(AUTH_ROLE_PROVINSI, "", "32"));
    assert_false(auth_may_write(AUTH_ROLE_NONE, "", "32"));
}

static void test_password(void **state)
{
    (void)state;
    struct error err = {0};
    char hash[AUTH_HASH_MAX];
    assert_int_equal(auth_password_policy("short", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "password must have at least 8 characters");
    assert_int_equal(auth_password_policy("bad\tpassword", &err), WSP_EINVAL);
    assert_int_equal(auth_password_policy("\xff\xfe password", &err), WSP_EINVAL);
    assert_int_equal(auth_password_policy("kata sandi panjang", &err), 0);

    assert_int_equal(auth_password_hash("rahasia-123", hash, sizeof(hash), &err), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(auth_password_verify(hash, "rahasia-123"));
    assert_false(auth_password_verify(hash, "rahasia-124"));
    assert_false(auth_password_verify(hash, ""));
    assert_false(auth_password_verify("", "rahasia-123"));

    char hash2[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("rahasia-123", hash2, sizeof(hash2), &err), 0);
    assert_string_not_equal(hash, hash2); /* salted */
}

static void test_tokens(void **state)
{
    (void)state;
    char a[AUTH_TOKEN_HEX], b[AUTH_TOKEN_HEX], h[AUTH_TOKEN_HEX], c[AUTH_TOKEN_HEX];
    auth_token_new(a);
    auth_token_new(b);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);

    auth_token_hash("abc", h); /* SHA-256("abc") */
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    auth_csrf_for(a, c);
    assert_int_equal(strlen(c), 64);
    assert_true(auth_csrf_check(a, c));
    assert_false(auth_csrf_check(b, c));
    assert_false(auth_csrf_check(a, ""));
    assert_false(auth_csrf_check(a, NULL));
    c[0] = c[0] == 'a' ? 'b' : 'a';
    assert_false(auth_csrf_check(a, c));

    assert_true(auth_equal("abc", "abc"));
    assert_false(auth_equal("abc", "abd"));
    assert_false(auth_equal("abc", "abcd"));
}

static void test_ratelimit(void **state)
{
    (void)state;
    struct auth_ratelimit *rl = auth_ratelimit_new(3, 60, 2);
    int64_t t = 1000;
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t), 0);
    auth_ratelimit_fail(rl, "user:budi", t);
    auth_ratelimit_fail(rl, "user:budi", t + 10);
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 10), 0);
    auth_ratelimit_fail(rl, "user:budi", t + 20);
    /* blocked until the first failure (t) leaves the 60 s window */
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 20), 40);
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 59), 1);
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 60), 0);
    assert_int_equal(auth_ratelimit_check(rl, "user:other", t + 20), 0);

    auth_ratelimit_fail(rl, "user:budi", t + 61);
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 61), 9); /* t+10 expires at t+70 */
    auth_ratelimit_clear(rl, "user:budi");
    assert_int_equal(auth_ratelimit_check(rl, "user:budi", t + 61), 0);

    /* capacity 2: a third key evicts the stalest */
    auth_ratelimit_fail(rl, "ip:a", t + 100);
    auth_ratelimit_fail(rl, "ip:b", t + 101);
    auth_ratelimit_fail(rl, "ip:c", t + 102);
    for (int i = 0; i < 2; i++) {
        auth_ratelimit_fail(rl, "ip:b", t + 103);
        auth_ratelimit_fail(rl, "ip:c", t + 103);
    }
    assert_int_equal(auth_ratelimit_check(rl, "ip:b", t + 103), 58);
    assert_int_equal(auth_ratelimit_check(rl, "ip:c", t + 103), 59);
    assert_int_equal(auth_ratelimit_check(rl, "ip:a", t + 103), 0);
    auth_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),     cmocka_unit_test(test_scope),
        cmocka_unit_test(test_password),  cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_ratelimit),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
