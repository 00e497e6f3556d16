/* store, field messages in (schema v15): channels, the phone key, users' phones, answers and
 * leads, on a real database (a SQLite file, or a fresh PostgreSQL database when
 * WASPADA_TEST_ENGINE=postgresql, testdb.h). No key here: the sealing itself is
 * test_intake's (integration) and test_store_seal's business. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "store/store.h"
#include "../support/testdb.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct fx {
    char dir[64];
    char *path;
    struct store *s;
    struct arena a;
    int64_t budi, sari, channel;
};

static const struct store_actor actor = {0, "tester", NULL};

static int64_t add_user(struct store *s, const char *name, const char *region)
{
    struct store_user u = {0};
    str_copy(u.username, name, sizeof(u.username));
    str_copy(u.role, "pelapor", sizeof(u.role));
    str_copy(u.region, region, sizeof(u.region));
    int64_t id = 0;
    struct error err = {0};
    if (store_user_add(s, &u, "$argon2id$x", &actor, &id, &err) != 0)
        fail_msg("add user: %s", err.msg);
    return id;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-sintake-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "s.db");
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0)
        return -1;
    const struct store_region r[] = {
        {"32", NULL, 1, "Jawa Barat"},
        {"32.73", "32", 2, "Kota Bandung"},
        {"33", NULL, 1, "Jawa Tengah"},
        {"33.74", "33", 2, "Kota Semarang"},
    };
    if (store_regions_sync(f->s, r, WSP_ARRAY_LEN(r), NULL, &err) != 0)
        return -1;
    arena_init(&f->a, 0);
    f->budi = add_user(f->s, "budi", "32.73");
    f->sari = add_user(f->s, "sari", "33.74");
    if (store_intake_channel_add(f->s, "sms-test", SECRET, 30, &actor, &f->channel, &err) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    arena_release(&f->a);
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static void test_channels(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_intake_channel c;
    assert_int_equal(store_intake_channel_get(f->s, "sms-test", &c, &err), 0);
    assert_string_equal(c.secret, SECRET);
    assert_int_equal(c.rate_per_minute, 30);
    assert_false(c.disabled);
    assert_int_equal(store_intake_channel_add(f->s, "sms-test", SECRET, 30, &actor, NULL, &err),
                     WSP_EEXIST);
    assert_int_equal(store_intake_channel_add(f->s, "Bad Name", SECRET, 30, &actor, NULL, &err),
                     WSP_EINVAL);
    assert_int_equal(store_intake_channel_add(f->s, "short", "abc", 30, &actor, NULL, &err),
                     WSP_EINVAL);
    assert_int_equal(store_intake_channel_get(f->s, "nope", &c, &err), WSP_ENOTFOUND);
    assert_int_equal(store_intake_channel_update(f->s, "sms-test", true, NULL, &actor, &err), 0);
    assert_int_equal(store_intake_channel_update(f->s, "nope", true, NULL, &actor, &err),
                     WSP_ENOTFOUND);
    const char *fresh = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    assert_int_equal(store_intake_channel_update(f->s, "sms-test", false, fresh, &actor, &err), 0);
    assert_int_equal(store_intake_channel_get(f->s, "sms-test", &c, &err), 0);
    assert_string_equal(c.secret, fresh);
    assert_false(c.disabled);
    struct store_intake_channel *cs;
    size_t n;
    assert_int_equal(store_intake_channel_list(f->s, &f->a, &cs, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(cs[0].secret, ""); /* lists carry no secret */
    /* The audit rows never hold the secret. */
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
                                         "'intake_channel.%'"),
                     3);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                                         "'%0123456789abcdef%' OR after_json LIKE '%ffffffff%'"),
                     0);
}

static void test_phones(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    unsigned char k1[32], k2[32];
    assert_int_equal(store_phone_key(f->s, k1, &err), 0);
    assert_int_equal(store_phone_key(f->s, k2, &err), 0);
    assert_memory_equal(k1, k2, 32); /* made once */
    assert_int_equal(store_user_set_phone(f->s, f->budi, "+6281234567890", HASH_A, &actor, &err),
                     0);
    struct store_user u;
    assert_int_equal(store_user_by_phone(f->s, HASH_A, &u, &err), 0);
    assert_int_equal(u.id, f->budi);
    assert_string_equal(u.username, "budi");
    assert_int_equal(store_user_by_phone(f->s, HASH_B, &u, &err), WSP_ENOTFOUND);
    char phone[32];
    assert_int_equal(store_user_phone(f->s, f->budi, phone, sizeof(phone), &err), 0);
    assert_string_equal(phone, "+6281234567890");
    assert_int_equal(store_user_phone(f->s, f->sari, phone, sizeof(phone), &err), 0);
    assert_string_equal(phone, "");
    /* one user per number; a new number replaces the old */
    assert_int_equal(store_user_set_phone(f->s, f->sari, "+6281234567890", HASH_A, &actor, &err),
                     WSP_EEXIST);
    assert_int_equal(store_user_set_phone(f->s, f->budi, "+6281299990000", HASH_B, &actor, &err),
                     0);
    assert_int_equal(store_user_by_phone(f->s, HASH_A, &u, &err), WSP_ENOTFOUND);
    assert_int_equal(store_user_set_phone(f->s, f->sari, "+6281234567890", HASH_A, &actor, &err),
                     0);
    assert_int_equal(store_user_set_phone(f->s, f->sari, NULL, NULL, &actor, &err), 0);
    assert_int_equal(store_user_by_phone(f->s, HASH_A, &u, &err), WSP_ENOTFOUND);
    assert_int_equal(store_user_set_phone(f->s, 9999, NULL, NULL, &actor, &err), WSP_ENOTFOUND);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                         "'user.phone' AND after_json LIKE '%628%'"),
                     0);
    /* The key lost with the key file (`key init --discard-sealed` leaves NULL): a new one, and
     * the numbers that went with the old one are forgotten. */
    testdb_exec(f->path, "UPDATE phone_key SET key = NULL; UPDATE user_phones SET phone = NULL");
    assert_int_equal(store_phone_key(f->s, k2, &err), 0);
    assert_memory_not_equal(k1, k2, 32);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM user_phones"), 0);
}

static void test_answers(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    bool found;
    int status;
    const char *answer;
    assert_int_equal(
        store_intake_answer_get(f->s, f->channel, "m1", &f->a, &found, &status, &answer, &err), 0);
    assert_false(found);
    assert_int_equal(
        store_intake_answer_put(f->s, f->channel, "m1", 200, "{\"reply\":\"x\"}", 0, 0, &err), 0);
    assert_int_equal(
        store_intake_answer_put(f->s, f->channel, "m1", 201, "{\"reply\":\"y\"}", 0, 0, &err),
        WSP_EEXIST);
    assert_int_equal(
        store_intake_answer_get(f->s, f->channel, "m1", &f->a, &found, &status, &answer, &err), 0);
    assert_true(found);
    assert_int_equal(status, 200);
    assert_string_equal(answer, "{\"reply\":\"x\"}");
}

static void test_leads(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_intake_lead l = {.channel_id = f->channel,
                                  .phone = "+628991112222",
                                  .phone_hash = HASH_B,
                                  .region_code = "32.73",
                                  .text = "tawuran pelajar",
                                  .via = "sms",
                                  .received_at = 1790000000};
    int64_t bdg, none, smg;
    assert_int_equal(store_intake_lead_add(f->s, &l, &actor, &bdg, &err), 0);
    l.region_code = NULL;
    assert_int_equal(store_intake_lead_add(f->s, &l, &actor, &none, &err), 0);
    l.region_code = "33.74";
    assert_int_equal(store_intake_lead_add(f->s, &l, &actor, &smg, &err), 0);
    l.region_code = "99.99";
    assert_int_not_equal(store_intake_lead_add(f->s, &l, &actor, NULL, &err), 0);

    struct store_intake_lead *ls;
    size_t n;
    struct store_intake_lead_query q = {.limit = 50};
    assert_int_equal(store_intake_lead_list(f->s, &q, &f->a, &ls, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ls[0].id, smg); /* newest first */
    assert_string_equal(ls[0].channel, "sms-test");
    assert_string_equal(ls[0].phone, "+628991112222");
    q.scope = "32";
    assert_int_equal(store_intake_lead_list(f->s, &q, &f->a, &ls, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ls[0].id, bdg);
    q.scope = NULL;
    q.regional_only = true;
    assert_int_equal(store_intake_lead_list(f->s, &q, &f->a, &ls, &n, &err), 0);
    assert_int_equal(n, 2);
    q.regional_only = false;
    q.before_id = smg;
    q.limit = 1;
    assert_int_equal(store_intake_lead_list(f->s, &q, &f->a, &ls, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ls[0].id, none);

    assert_int_equal(store_intake_lead_decide(f->s, none, "dibuang", 0, "spam", &actor, &err), 0);
    assert_int_equal(store_intake_lead_decide(f->s, none, "dibuang", 0, NULL, &actor, &err),
                     WSP_EEXIST);
    assert_int_equal(store_intake_lead_decide(f->s, 9999, "dibuang", 0, NULL, &actor, &err),
                     WSP_ENOTFOUND);
    assert_int_equal(store_intake_lead_decide(f->s, bdg, "dipromosikan", 0, NULL, &actor, &err),
                     WSP_EINVAL);
    assert_int_equal(store_intake_lead_decide(f->s, bdg, "lain", 0, NULL, &actor, &err),
                     WSP_EINVAL);
    struct store_intake_lead g;
    assert_int_equal(store_intake_lead_get(f->s, none, &f->a, &g, &err), 0);
    assert_string_equal(g.status, "dibuang");
    assert_string_equal(g.note, "spam");
    assert_string_equal(g.decided_by, "tester");
    q = (struct store_intake_lead_query){.status = "baru", .limit = 50};
    assert_int_equal(store_intake_lead_list(f->s, &q, &f->a, &ls, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_intake_lead_get(f->s, 9999, &f->a, &g, &err), WSP_ENOTFOUND);
    assert_int_equal(testdb_int(f->path, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
                                         "'intake_lead.%' AND after_json LIKE '%8991112222%'"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
