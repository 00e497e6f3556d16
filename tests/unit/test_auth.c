/* Unit tests for src/auth: roles, scope, passwords, tokens, CSRF, login throttling and write
 * rate limits (on values, with the clock passed in). */
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

/* The role families, in one place (the handlers had three copies each). */
static void test_role_families(void **state)
{
    (void)state;
    static const struct {
        enum auth_role r;
        bool national, officer;
    } want[] = {
        {AUTH_ROLE_NONE, false, false},   {AUTH_ROLE_ADMIN, true, true},
        {AUTH_ROLE_PUSAT, true, true},    {AUTH_ROLE_PROVINSI, false, true},
        {AUTH_ROLE_KABKOTA, false, true}, {AUTH_ROLE_PELAPOR, false, false},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(want); i++) {
        assert_int_equal(auth_role_national(want[i].r), want[i].national);
        assert_int_equal(auth_role_officer(want[i].r), want[i].officer);
    }
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
    assert_string_equal(err.msg, "password must have at least 10 characters");
    assert_int_equal(auth_password_policy("sembilan9", &err), WSP_EINVAL); /* 9 */
    assert_string_equal(err.msg, "password must have at least 10 characters");
    /* characters, not bytes: 5 two-byte letters are 5 characters */
    assert_int_equal(auth_password_policy("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4", &err),
                     WSP_EINVAL);
    assert_string_equal(err.msg, "password must have at least 10 characters");
    assert_int_equal(auth_password_policy("kata \xc3\xa4 sandi", &err), 0); /* 12 */
    assert_int_equal(auth_password_policy("bad\tpassword", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "password contains control characters");
    assert_int_equal(auth_password_policy("\xff\xfe password", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "password is not valid UTF-8");
    assert_int_equal(auth_password_policy("kata sandi panjang", &err), 0);
    /* the 10,000 most common passwords, ignoring case: the first and last of the list, and
     * its most common ones that are long enough */
    static const char *const common[] = {"qwertyuiop",  "QwertyUIOP", "1234567890", "password123",
                                         "PASSWORD123", "q1w2e3r4t5", "basketball", "manchester"};
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
        error_clear(&err);
        if (auth_password_policy(common[i], &err) != WSP_EINVAL)
            fail_msg("'%s' passed as not common", common[i]);
        assert_string_equal(err.msg,
                            "password is one of the 10,000 most common passwords; choose another");
    }
    /* the demo password, and one a letter away from a common one */
    assert_int_equal(auth_password_policy("waspada-demo", &err), 0);
    assert_int_equal(auth_password_policy("qwertyuiopx", &err), 0);
    assert_int_equal(auth_password_policy("password1234567", &err), 0);

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

/* ---- throttling rules, on values with an injected clock ---------------------------------- */

#define S(x) ((int64_t)(x)*1000)

static void test_login_policy(void **state)
{
    (void)state;
    struct auth_login_policy p;
    auth_login_policy_init(&p, 5, 900);
    assert_int_equal(p.free_pair, 5);
    assert_int_equal(p.free_address, 20);
    assert_int_equal(p.free_user, 20);
    assert_int_equal(p.window_ms, S(900));
    assert_int_equal(p.delay_base_ms, S(1));
    assert_int_equal(p.delay_max_ms, S(900));
    assert_int_equal(p.slow_max_ms, S(30));
    assert_int_equal(p.known_ms, S(30L * 86400));
    auth_login_policy_init(&p, 0, 0); /* clamped */
    assert_int_equal(p.free_pair, 1);
    assert_int_equal(p.window_ms, S(1));

    assert_int_equal(auth_wait_seconds(1), 1);
    assert_int_equal(auth_wait_seconds(1000), 1);
    assert_int_equal(auth_wait_seconds(1001), 2);
    assert_int_equal(auth_wait_seconds(S(180)), 180);
}

/* An attacker's address gets growing waits; the same user from another address does not. */
static void test_login_pair_backoff(void **state)
{
    (void)state;
    struct auth_login_policy p;
    auth_login_policy_init(&p, 5, 900);
    struct auth_login_pair bad = {0}, good = {0};
    struct auth_fails bad_addr = {0}, good_addr = {0};
    struct auth_login_user admin = {0};
    int64_t t = S(10000);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(auth_login_admit(&p, &bad, &bad_addr, &admin, t + S(i)), 0);
        auth_login_record(&p, &bad, &bad_addr, &admin, false, t + S(i));
    }
    /* 5 failures, the last at t+4 s: 1 s to wait, then 2, 4, 8 ... */
    assert_int_equal(auth_login_admit(&p, &bad, &bad_addr, &admin, t + S(4)), S(1));
    assert_int_equal(auth_login_admit(&p, &bad, &bad_addr, &admin, t + S(4) + 300), 700);
    int64_t now = t + S(5);
    int64_t expect[] = {S(2), S(4), S(8), S(16), S(32)};
    for (size_t i = 0; i < WSP_ARRAY_LEN(expect); i++) {
        assert_int_equal(auth_login_admit(&p, &bad, &bad_addr, &admin, now), 0);
        auth_login_record(&p, &bad, &bad_addr, &admin, false, now);
        assert_int_equal(auth_login_admit(&p, &bad, &bad_addr, &admin, now), expect[i]);
        now += expect[i];
    }
    assert_int_equal(bad.fails.n, 10);
    assert_int_equal(admin.fails.n, 10);
    /* The right password from an address that did not fail: in at once. */
    assert_int_equal(auth_login_admit(&p, &good, &good_addr, &admin, now), 0);
    auth_login_record(&p, &good, &good_addr, &admin, true, now);
    assert_int_equal(good.good_ms, now);
    /* A success does not clear the user's or the attacker's counters. */
    assert_int_equal(admin.fails.n, 10);
    assert_int_equal(bad.fails.n, 10);

    /* The doubling stops at delay_max (the window): 5 + 20 failures wait 900 s, not 2^20. */
    struct auth_login_pair many = {.fails = {25, t}};
    struct auth_fails a0 = {0};
    struct auth_login_user u0 = {0};
    assert_int_equal(auth_login_admit(&p, &many, &a0, &u0, t + S(1)), S(899));
    /* Forgotten a window after the last failure. */
    assert_int_equal(auth_login_admit(&p, &many, &a0, &u0, t + S(900)), 0);
    assert_int_equal(many.fails.n, 0);
    struct auth_login_pair huge = {.fails = {UINT32_MAX, t}};
    assert_int_equal(auth_login_admit(&p, &huge, &a0, &u0, t), S(900));

    /* A success clears the pair (the user's own typos). */
    struct auth_login_pair typo = {.fails = {5, t}};
    auth_login_record(&p, &typo, &a0, &u0, true, t + S(2));
    assert_int_equal(typo.fails.n, 0);
    assert_int_equal(auth_login_admit(&p, &typo, &a0, &u0, t + S(2)), 0);
}

/* One address trying many usernames is held back after 4 x login_max_failures failures. */
static void test_login_address_backoff(void **state)
{
    (void)state;
    struct auth_login_policy p;
    auth_login_policy_init(&p, 5, 900);
    struct auth_fails addr = {0};
    int64_t t = S(500);
    for (int i = 0; i < 20; i++) {
        struct auth_login_pair pair = {0};
        struct auth_login_user user = {0};
        assert_int_equal(auth_login_admit(&p, &pair, &addr, &user, t), 0);
        auth_login_record(&p, &pair, &addr, &user, false, t);
        assert_int_equal(pair.fails.n, 1);
    }
    struct auth_login_pair fresh = {0};
    struct auth_login_user other = {0};
    assert_int_equal(auth_login_admit(&p, &fresh, &addr, &other, t), S(1));
    assert_int_equal(auth_login_admit(&p, &fresh, &addr, &other, t + S(1)), 0);
    auth_login_record(&p, &fresh, &addr, &other, false, t + S(1));
    assert_int_equal(auth_login_admit(&p, &fresh, &addr, &other, t + S(1)), S(2));
}

/* Many addresses against one user: the slow path bounds the rate, never locks. */
static void test_login_slow_path(void **state)
{
    (void)state;
    struct auth_login_policy p;
    auth_login_policy_init(&p, 5, 900);
    struct auth_login_user user = {0};
    int64_t t = S(100000);
    /* 20 failures, 4 each from 5 addresses (below every pair and address threshold). */
    for (int a = 0; a < 5; a++) {
        struct auth_login_pair pair = {0};
        struct auth_fails addr = {0};
        for (int i = 0; i < 4; i++) {
            assert_int_equal(auth_login_admit(&p, &pair, &addr, &user, t), 0);
            auth_login_record(&p, &pair, &addr, &user, false, t);
        }
    }
    assert_int_equal(user.fails.n, 20);
    assert_int_equal(user.slot_ms, 0);
    /* Clean address c1 takes the slot (free again in 1 s); c2 waits for it. */
    struct auth_login_pair c1 = {0}, c2 = {0}, c3 = {0};
    struct auth_fails a1 = {0}, a2 = {0}, a3 = {0};
    assert_int_equal(auth_login_admit(&p, &c1, &a1, &user, t), 0);
    assert_int_equal(user.slot_ms, t + S(1));
    assert_int_equal(auth_login_admit(&p, &c2, &a2, &user, t + 10), 990);
    auth_login_record(&p, &c1, &a1, &user, false, t + 20); /* the 21st failure */
    assert_int_equal(auth_login_admit(&p, &c2, &a2, &user, t + S(1)), 0);
    assert_int_equal(user.slot_ms, t + S(3)); /* 2 s after 21 failures */
    /* c2 has the right password: it gets in; the slot stays taken for c3. */
    auth_login_record(&p, &c2, &a2, &user, true, t + S(1));
    assert_int_equal(auth_login_admit(&p, &c3, &a3, &user, t + S(2)), S(1));
    /* c2 is now known for this user: it skips the slot (for 30 days). */
    assert_int_equal(auth_login_admit(&p, &c2, &a2, &user, t + S(2)), 0);
    assert_int_equal(auth_login_admit(&p, &c2, &a2, &user, t + S(1) + S(30L * 86400) - 1), 0);
    assert_int_equal(user.fails.n, 0); /* forgotten meanwhile: quiet for far over the window */
    user.fails = (struct auth_fails){21, t + S(30L * 86400)}; /* under attack again */
    user.slot_ms = t + S(30L * 86400) + S(5);
    assert_int_equal(auth_login_admit(&p, &c2, &a2, &user, t + S(1) + S(30L * 86400)), S(4));
    /* The slot interval doubles with the failures and stops at 30 s. */
    struct auth_login_user hot = {.fails = {30, t}};
    struct auth_login_pair c4 = {0};
    struct auth_fails a4 = {0};
    assert_int_equal(auth_login_admit(&p, &c4, &a4, &hot, t), 0);
    assert_int_equal(hot.slot_ms, t + S(30));
    /* Quiet for the window: back to normal. */
    assert_int_equal(auth_login_admit(&p, &c4, &a4, &hot, t + S(900)), 0);
    assert_int_equal(hot.fails.n, 0);
}

static void test_bucket(void **state)
{
    (void)state;
    struct auth_rate r = {5, 60};
    struct auth_bucket b = {0};
    int64_t t = S(1000);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(auth_bucket_wait(&b, r, t), 0);
        auth_bucket_take(&b, r, t);
    }
    /* empty: one request back every 12 s */
    assert_int_equal(auth_bucket_wait(&b, r, t), S(12));
    assert_int_equal(auth_bucket_wait(&b, r, t + S(6)), S(6));
    assert_int_equal(auth_bucket_wait(&b, r, t + S(12)), 0);
    auth_bucket_take(&b, r, t + S(12));
    assert_int_equal(auth_bucket_wait(&b, r, t + S(12)), S(12));
    /* after a quiet minute it is full again: 5 at once, not more */
    t += S(200);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(auth_bucket_wait(&b, r, t), 0);
        auth_bucket_take(&b, r, t);
    }
    assert_int_equal(auth_bucket_wait(&b, r, t), S(12));
    /* reports: 20 an hour */
    struct auth_rate rep = {20, 3600};
    struct auth_bucket rb = {0};
    for (int i = 0; i < 20; i++) {
        assert_int_equal(auth_bucket_wait(&rb, rep, S(7)), 0);
        auth_bucket_take(&rb, rep, S(7));
    }
    assert_int_equal(auth_bucket_wait(&rb, rep, S(7)), S(180));
    assert_int_equal(auth_bucket_wait(&rb, rep, S(17)), S(170));
    /* no limit */
    struct auth_rate none = {0, 60};
    auth_bucket_take(&rb, none, S(8));
    assert_int_equal(auth_bucket_wait(&rb, none, S(8)), 0);
}

/* The in-memory state: keys, case variants, several buckets at once, eviction. */
static void test_ratelimit(void **state)
{
    (void)state;
    struct auth_ratelimit *rl = auth_ratelimit_new(3, 60, 100);
    int64_t t = S(50);
    const char *names[] = {"Budi", "BUDI", "budi"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(auth_ratelimit_login_admit(rl, names[i], "10.0.0.1", t), 0);
        auth_ratelimit_login_record(rl, names[i], "10.0.0.1", false, t);
    }
    /* case variants are one user */
    assert_int_equal(auth_ratelimit_login_admit(rl, "bUdI", "10.0.0.1", t + 400), 600);
    /* the same user from another address, another user from the same address: free */
    assert_int_equal(auth_ratelimit_login_admit(rl, "budi", "10.0.0.2", t), 0);
    assert_int_equal(auth_ratelimit_login_admit(rl, "siti", "10.0.0.1", t), 0);
    /* "budi" at "10.0.0.1" and "budi1" at "0.0.0.1" are different pairs */
    assert_int_equal(auth_ratelimit_login_admit(rl, "budi1", "0.0.0.1", t), 0);
    auth_ratelimit_login_record(rl, "budi", "10.0.0.1", true, t + S(1));
    assert_int_equal(auth_ratelimit_login_admit(rl, "budi", "10.0.0.1", t + S(1)), 0);

    struct auth_write_limits lim = {{2, 60}, {3, 60}, {1, 3600}, {0, 3600}};
    assert_int_equal(auth_ratelimit_write(rl, &lim, 7, "10.0.0.9", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 7, "10.0.0.9", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 7, "10.0.0.9", false, t), S(30));
    /* another user at the address has its own bucket, but shares the address's 3 */
    assert_int_equal(auth_ratelimit_write(rl, &lim, 8, "10.0.0.9", true, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 8, "10.0.0.9", false, t), S(20));
    /* user 9 elsewhere: one report an hour; a refused report takes from no bucket */
    assert_int_equal(auth_ratelimit_write(rl, &lim, 9, "10.0.0.8", true, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 9, "10.0.0.8", true, t), S(3600));
    assert_int_equal(auth_ratelimit_write(rl, &lim, 9, "10.0.0.8", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 9, "10.0.0.8", false, t), S(30));
    /* not logged in: the address only */
    assert_int_equal(auth_ratelimit_write(rl, &lim, 0, "10.0.0.7", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 0, "10.0.0.7", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 0, "10.0.0.7", false, t), 0);
    assert_int_equal(auth_ratelimit_write(rl, &lim, 0, "10.0.0.7", false, t), S(20));
    auth_ratelimit_free(rl);

    /* Bounded: 4 keys a table; the key used longest ago goes first. */
    rl = auth_ratelimit_new(1, 60, 4);
    struct auth_write_limits one = {{1, 60}, {0, 60}, {0, 3600}, {0, 3600}};
    for (int64_t u = 1; u <= 4; u++)
        assert_int_equal(auth_ratelimit_write(rl, &one, u, "a", false, t + u), 0);
    assert_int_equal(auth_ratelimit_write(rl, &one, 1, "a", false, t + 10), S(60) - 9);
    /* user 5 evicts user 2 (user 1 was used again at t+10) */
    assert_int_equal(auth_ratelimit_write(rl, &one, 5, "a", false, t + 11), 0);
    assert_int_equal(auth_ratelimit_write(rl, &one, 1, "a", false, t + 12), S(60) - 11);
    assert_int_equal(auth_ratelimit_write(rl, &one, 3, "a", false, t + 13), S(60) - 10);
    assert_int_equal(auth_ratelimit_write(rl, &one, 2, "a", false, t + 14), 0);
    /* thousands of keys through a table of 4 keep it consistent */
    for (int64_t u = 100; u < 5000; u++)
        assert_int_equal(auth_ratelimit_write(rl, &one, u, "a", false, t + u), 0);
    assert_int_equal(auth_ratelimit_write(rl, &one, 4999, "a", false, t + 5000), S(60) - 1);
    /* login states are a table of their own: the writes above evicted none */
    assert_int_equal(auth_ratelimit_login_admit(rl, "x", "a", t), 0);
    auth_ratelimit_login_record(rl, "x", "a", false, t);
    for (int64_t u = 1; u < 50; u++)
        assert_int_equal(auth_ratelimit_write(rl, &one, 10000 + u, "a", false, t), 0);
    assert_int_equal(auth_ratelimit_login_admit(rl, "x", "a", t), S(1));
    auth_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_role_families),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_login_policy),
        cmocka_unit_test(test_login_pair_backoff),
        cmocka_unit_test(test_login_address_backoff),
        cmocka_unit_test(test_login_slow_path),
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_ratelimit),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
