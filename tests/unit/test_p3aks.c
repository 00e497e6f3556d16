/* Unit tests for the P3AKS rules (src/p3aks), on values. One group per part: services. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "p3aks/p3aks.h"

/* ---- services of a victim ------------------------------------------------------------------ */

static int64_t day(int y, int m, int d)
{
    return date_days_from_civil(y, m, d);
}

static void test_service_types(void **state)
{
    (void)state;
    static const char *const want[] = {"kesehatan",  "psikososial", "bantuan_hukum", "rumah_aman",
                                       "pendidikan", "pemulangan",  "reintegrasi",   "lainnya"};
    assert_int_equal(P3AKS_NSERVICE_TYPES, 8);
    for (int i = 0; i < P3AKS_NSERVICE_TYPES; i++) {
        assert_string_equal(p3aks_service_types[i].code, want[i]);
        assert_true(p3aks_service_type_valid(want[i]));
        assert_non_null(p3aks_service_types[i].label_id);
        assert_non_null(p3aks_service_types[i].label_en);
    }
    assert_string_equal(p3aks_service_type_label("psikososial", false), "Dukungan psikososial");
    assert_string_equal(p3aks_service_type_label("psikososial", true), "Psychosocial support");
    assert_string_equal(p3aks_service_type_label("bantuan_hukum", true), "Legal aid");
    assert_null(p3aks_service_type_label("psikologi", false));
    assert_null(p3aks_service_type_label(NULL, true));
    assert_false(p3aks_service_type_valid("Kesehatan"));
    assert_false(p3aks_service_type_valid(""));
    struct error err = {0};
    assert_int_equal(p3aks_service_type_check("psikologi", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown service type 'psikologi' (kesehatan, psikososial, "
                                 "bantuan_hukum, rumah_aman, pendidikan, pemulangan, "
                                 "reintegrasi, lainnya)");
    assert_int_equal(p3aks_service_type_check("lainnya", &err), 0);
}

static void test_service_statuses(void **state)
{
    (void)state;
    static const char *const want[] = {"dibutuhkan", "dirujuk", "diterima", "selesai", "ditolak"};
    for (int i = 0; i < P3AKS_NSERVICE_STATUSES; i++) {
        assert_string_equal(p3aks_service_statuses[i], want[i]);
        assert_true(p3aks_service_status_valid(want[i]));
    }
    assert_string_equal(P3AKS_SERVICE_INITIAL, "dibutuhkan");
    assert_false(p3aks_service_status_valid("rujuk"));
    assert_false(p3aks_service_status_valid(NULL));
    struct error err = {0};
    assert_int_equal(p3aks_service_status_check("batal", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown service status 'batal' (dibutuhkan, dirujuk, "
                                 "diterima, selesai, ditolak)");
}

static void test_service_workflow(void **state)
{
    (void)state;
    assert_string_equal(p3aks_service_next("dibutuhkan"), "dirujuk");
    assert_string_equal(p3aks_service_next("dirujuk"), "diterima");
    assert_string_equal(p3aks_service_next("diterima"), "selesai");
    assert_null(p3aks_service_next("selesai"));
    assert_null(p3aks_service_next("ditolak"));
    assert_null(p3aks_service_next("x"));
    /* every pair: only the next step, and ditolak before the service was received */
    static const char *const allowed[][2] = {{"dibutuhkan", "dirujuk"},
                                             {"dirujuk", "diterima"},
                                             {"diterima", "selesai"},
                                             {"dibutuhkan", "ditolak"},
                                             {"dirujuk", "ditolak"}};
    size_t n = 0;
    for (int f = 0; f < P3AKS_NSERVICE_STATUSES; f++)
        for (int t = 0; t < P3AKS_NSERVICE_STATUSES; t++) {
            const char *from = p3aks_service_statuses[f], *to = p3aks_service_statuses[t];
            bool want = false;
            for (size_t k = 0; k < 5; k++)
                want |= strcmp(allowed[k][0], from) == 0 && strcmp(allowed[k][1], to) == 0;
            assert_int_equal(p3aks_service_transition_allowed(from, to), want);
            n += want;
        }
    assert_int_equal(n, 5);
    assert_false(p3aks_service_transition_allowed(NULL, "dirujuk"));
    struct error err = {0};
    assert_int_equal(p3aks_service_transition_check(7, "dibutuhkan", "diterima", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'dibutuhkan': it can go on to 'dirujuk' or "
                                 "'ditolak', not 'diterima'");
    assert_int_equal(p3aks_service_transition_check(7, "diterima", "ditolak", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'diterima': it can go on to 'selesai', not "
                                 "'ditolak'");
    assert_int_equal(p3aks_service_transition_check(7, "selesai", "dirujuk", &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 7 is 'selesai', a final status");
    assert_int_equal(p3aks_service_transition_check(7, "dirujuk", "diterima", &err), 0);
}

static struct p3aks_service received(void)
{
    return (struct p3aks_service){.type = "psikososial",
                                  .status = "diterima",
                                  .provider = "UPTD PPA Kota Bandung",
                                  .needed_on = "2026-11-02",
                                  .referred_on = "2026-11-03",
                                  .received_on = "2026-11-10"};
}

static void expect(const struct p3aks_service *s, int64_t today, int code, const char *msg)
{
    struct error err = {0};
    assert_int_equal(p3aks_service_check(s, today, &err), code);
    if (msg)
        assert_string_equal(err.msg, msg);
}

static void test_service_check(void **state)
{
    (void)state;
    int64_t today = day(2026, 12, 6);
    struct p3aks_service s = received();
    expect(&s, today, 0, NULL);
    struct p3aks_service need = {
        .type = "kesehatan", .status = "dibutuhkan", .needed_on = "2026-12-06"};
    expect(&need, today, 0, NULL); /* no provider needed before a referral */
    need.needed_on = "2026-12-07"; /* UTC's tomorrow is Jayapura's today */
    expect(&need, today, 0, NULL);
    need.needed_on = "2026-12-08";
    expect(&need, today, WSP_EINVAL, "needed_on '2026-12-08' is in the future");
    need.needed_on = "2026-02-30";
    expect(&need, today, WSP_EINVAL, "needed_on '2026-02-30' is not a date (YYYY-MM-DD)");
    need.needed_on = NULL;
    expect(&need, today, WSP_EINVAL,
           "a service in status 'dibutuhkan' needs the day of step 'dibutuhkan' (needed_on)");
    s.type = "psikologi";
    expect(&s, today, WSP_EINVAL, NULL);
    s = received();
    s.status = "diterimaa";
    expect(&s, today, WSP_EINVAL, NULL);
    s = received();
    s.received_on = NULL;
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' needs the day of step 'diterima' (received_on)");
    s = received();
    s.completed_on = "2026-11-20";
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' has no step 'selesai' yet: completed_on must be empty");
    s = received();
    s.referred_on = "2026-11-01";
    expect(&s, today, WSP_EINVAL, "referred_on '2026-11-01' is before needed_on '2026-11-02'");
    s = received();
    s.received_on = "2026-11-03"; /* the same day is fine */
    expect(&s, today, 0, NULL);
    s.provider = "";
    expect(&s, today, WSP_EINVAL,
           "a service in status 'diterima' needs its provider (UPTD PPA, Dinas Sosial, "
           "puskesmas, LBH, ...)");
    char big[P3AKS_NOTE_MAX + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    s = received();
    s.note = big;
    expect(&s, today, WSP_EINVAL, "note is longer than 2000 bytes");
    big[P3AKS_NOTE_MAX] = '\0';
    expect(&s, today, 0, NULL);
    big[P3AKS_PROVIDER_MAX + 1] = '\0';
    s.provider = big;
    expect(&s, today, WSP_EINVAL, "provider is longer than 200 bytes");
    s = received();
    s.refusal_reason = "tidak mau";
    expect(&s, today, WSP_EINVAL, "only a refused service (ditolak) has a reason of refusal");
    /* refused: with or without a referral before, never after receiving it */
    struct p3aks_service r = {.type = "rumah_aman",
                              .status = "ditolak",
                              .needed_on = "2026-11-02",
                              .refused_on = "2026-11-04",
                              .refusal_reason = "keluarga menolak"};
    expect(&r, today, 0, NULL);
    r.referred_on = "2026-11-03";
    expect(&r, today, 0, NULL);
    r.referred_on = "2026-11-05";
    expect(&r, today, WSP_EINVAL, "refused_on '2026-11-04' is before referred_on '2026-11-05'");
    r.referred_on = "2026-11-03";
    r.received_on = "2026-11-04";
    expect(&r, today, WSP_EINVAL,
           "a service in status 'ditolak' has no step 'diterima' yet: received_on must be empty");
    r.received_on = NULL;
    r.refusal_reason = "";
    expect(&r, today, WSP_EINVAL, "a refused service (ditolak) needs a reason");
}

static void test_service_apply(void **state)
{
    (void)state;
    int64_t today = day(2026, 12, 6);
    struct p3aks_service need = {
        .type = "psikososial", .status = "dibutuhkan", .needed_on = "2026-12-01"};
    struct p3aks_service out;
    struct error err = {0};
    /* refer it, naming the provider in the same change */
    struct p3aks_service_change ch = {
        .status = "dirujuk", .day = "2026-12-02", .provider = "UPTD PPA", .set_provider = true};
    assert_int_equal(p3aks_service_apply(3, &need, &ch, today, &out, &err), 0);
    assert_string_equal(out.status, "dirujuk");
    assert_string_equal(out.referred_on, "2026-12-02");
    assert_string_equal(out.provider, "UPTD PPA");
    assert_string_equal(out.needed_on, "2026-12-01");
    assert_null(out.received_on);
    /* without a provider the referral is refused */
    ch.set_provider = false;
    assert_int_equal(p3aks_service_apply(3, &need, &ch, today, &out, &err), WSP_EINVAL);
    /* a step needs its day */
    struct p3aks_service referred = need;
    referred.status = "dirujuk";
    referred.referred_on = "2026-12-02";
    referred.provider = "UPTD PPA";
    struct p3aks_service_change next = {.status = "diterima"};
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "the step to 'diterima' needs its day (YYYY-MM-DD)");
    next.day = "2026-12-01";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "received_on '2026-12-01' is before referred_on '2026-12-02'");
    next.day = "2026-12-09";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "received_on '2026-12-09' is in the future");
    next.day = "2026-12-05";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), 0);
    assert_string_equal(out.status, "diterima");
    assert_string_equal(out.received_on, "2026-12-05");
    /* skipping a step */
    struct p3aks_service_change skip = {.status = "selesai", .day = "2026-12-05"};
    assert_int_equal(p3aks_service_apply(3, &referred, &skip, today, &out, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "service 3 is 'dirujuk': it can go on to 'diterima' or "
                                 "'ditolak', not 'selesai'");
    /* refusing needs a reason, which then is kept */
    struct p3aks_service_change refuse = {.status = "ditolak", .day = "2026-12-03"};
    assert_int_equal(p3aks_service_apply(3, &referred, &refuse, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "the step to 'ditolak' needs a reason");
    refuse.refusal_reason = "korban pindah ke luar daerah";
    assert_int_equal(p3aks_service_apply(3, &referred, &refuse, today, &out, &err), 0);
    assert_string_equal(out.status, "ditolak");
    assert_string_equal(out.refused_on, "2026-12-03");
    assert_string_equal(out.refusal_reason, "korban pindah ke luar daerah");
    next.refusal_reason = "x";
    assert_int_equal(p3aks_service_apply(3, &referred, &next, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "a reason of refusal goes with the step to 'ditolak'");
    /* no step: only provider and note change, a day alone is a mistake */
    struct p3aks_service_change note = {.note = "dijadwalkan ulang", .set_note = true};
    assert_int_equal(p3aks_service_apply(3, &referred, &note, today, &out, &err), 0);
    assert_string_equal(out.status, "dirujuk");
    assert_string_equal(out.note, "dijadwalkan ulang");
    note.day = "2026-12-04";
    assert_int_equal(p3aks_service_apply(3, &referred, &note, today, &out, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "a day is given for a step, but the status stays 'dirujuk'");
    struct p3aks_service_change clear = {.provider = NULL, .set_provider = true};
    assert_int_equal(p3aks_service_apply(3, &referred, &clear, today, &out, &err), WSP_EINVAL);
    struct p3aks_service_change bad = {.status = "batal", .day = "2026-12-04"};
    assert_int_equal(p3aks_service_apply(3, &referred, &bad, today, &out, &err), WSP_EINVAL);
}

static void test_service_victim(void **state)
{
    (void)state;
    assert_true(p3aks_victim_is_woman_or_child("p", 34));
    assert_true(p3aks_victim_is_woman_or_child("p", -1));
    assert_true(p3aks_victim_is_woman_or_child("l", 12));
    assert_true(p3aks_victim_is_woman_or_child("l", 17));
    assert_true(p3aks_victim_is_woman_or_child(NULL, 0));
    assert_false(p3aks_victim_is_woman_or_child("l", 18));
    assert_false(p3aks_victim_is_woman_or_child("l", -1));
    assert_false(p3aks_victim_is_woman_or_child(NULL, -1));
}

int main(void)
{
    const struct CMUnitTest services[] = {
        cmocka_unit_test(test_service_types),    cmocka_unit_test(test_service_statuses),
        cmocka_unit_test(test_service_workflow), cmocka_unit_test(test_service_check),
        cmocka_unit_test(test_service_apply),    cmocka_unit_test(test_service_victim),
    };
    int failed = cmocka_run_group_tests_name("services", services, NULL, NULL);
    return failed;
}
