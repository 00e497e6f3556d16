/* Unit tests of src/intake: the keyword format, phone numbers, signatures, replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "base/base.h"
#include "intake/intake.h"

/* ---- the keyword format ------------------------------------------------------------------- */

static const struct parse_case {
    const char *in;
    enum intake_kind kind;
    enum intake_error error;
    bool keyword;
    const char *region;
    const char *text; /* the report's words, or the bad token for INTAKE_BAD_CODE */
} parse_cases[] = {
    {"LAPOR 32.73 bentrok warga di pasar", INTAKE_REPORT, INTAKE_OK, true, "32.73",
     "bentrok warga di pasar"},
    {"  lapor   32.73.01   tawuran pelajar \n", INTAKE_REPORT, INTAKE_OK, true, "32.73.01",
     "tawuran pelajar"},
    {"Lapor 32.73.01.1001 rumah dibakar", INTAKE_REPORT, INTAKE_OK, true, "32.73.01.1001",
     "rumah dibakar"},
    {"LAPOR 12 rumah dibakar", INTAKE_REPORT, INTAKE_OK, true, "", "12 rumah dibakar"},
    {"LAPOR warga bentrok", INTAKE_REPORT, INTAKE_OK, true, "", "warga bentrok"},
    {"LAPOR\t32.73\tada\nbentrok", INTAKE_REPORT, INTAKE_OK, true, "32.73", "ada\nbentrok"},
    {"Ada bentrok warga di Garut", INTAKE_REPORT, INTAKE_OK, false, "",
     "Ada bentrok warga di Garut"},
    {"LAPORAN bentrok", INTAKE_REPORT, INTAKE_OK, false, "", "LAPORAN bentrok"},
    {"LAPOR 32.7 ada bentrok", INTAKE_ERROR, INTAKE_BAD_CODE, true, "", "32.7"},
    {"LAPOR 32.733 ada", INTAKE_ERROR, INTAKE_BAD_CODE, true, "", "32.733"},
    {"LAPOR 32..73 ada", INTAKE_ERROR, INTAKE_BAD_CODE, true, "", "32..73"},
    {"LAPOR 32.73.01.10011 ada", INTAKE_ERROR, INTAKE_BAD_CODE, true, "", "32.73.01.10011"},
    {"LAPOR", INTAKE_ERROR, INTAKE_NO_TEXT, true, "", NULL},
    {"lapor 32.73   ", INTAKE_ERROR, INTAKE_NO_TEXT, true, "32.73", NULL},
    {"", INTAKE_ERROR, INTAKE_EMPTY, false, "", NULL},
    {" \n\t ", INTAKE_ERROR, INTAKE_EMPTY, false, "", NULL},
    {"INFO", INTAKE_HELP, INTAKE_OK, false, "", NULL},
    {" bantuan ", INTAKE_HELP, INTAKE_OK, false, "", NULL},
    {"?", INTAKE_HELP, INTAKE_OK, false, "", NULL},
    {"info bentrok di pasar", INTAKE_REPORT, INTAKE_OK, false, "", "info bentrok di pasar"},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < WSP_ARRAY_LEN(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        struct intake_message m;
        intake_parse(c->in, &m);
        if (m.kind != c->kind || m.error != c->error || m.keyword != c->keyword ||
            !str_eq(m.region, c->region))
            fail_msg("case %zu '%s': kind %d error %d keyword %d region '%s'", i, c->in, m.kind,
                     m.error, m.keyword, m.region);
        if (c->kind == INTAKE_REPORT) {
            if (m.text_len != strlen(c->text) || memcmp(m.text, c->text, m.text_len) != 0)
                fail_msg("case %zu '%s': text '%.*s'", i, c->in, (int)m.text_len, m.text);
        } else if (c->error == INTAKE_BAD_CODE) {
            assert_string_equal(m.bad, c->text);
        }
    }
    intake_parse(NULL, &(struct intake_message){0});
}

static void test_replies(void **state)
{
    (void)state;
    char r[INTAKE_REPLY_MAX];
    intake_reply(INTAKE_REPLY_ACCEPTED, NULL, 123, r, sizeof(r));
    assert_string_equal(r, "Laporan diterima, nomor 123. Terima kasih, petugas akan memeriksanya.");
    struct intake_message m;
    intake_parse("LAPOR 32.7 x", &m);
    intake_reply(intake_reply_for(&m), m.bad, 0, r, sizeof(r));
    assert_string_equal(r, "Kode wilayah \"32.7\" salah tulis (contoh 32.73). Format: LAPOR "
                           "<kode wilayah> <isi laporan>, contoh: LAPOR 32.73 bentrok warga.");
    intake_parse("LAPOR", &m);
    intake_reply(intake_reply_for(&m), NULL, 0, r, sizeof(r));
    assert_string_equal(r, "Isi laporan kosong. Format: LAPOR <kode wilayah> <isi laporan>, "
                           "contoh: LAPOR 32.73 bentrok warga di pasar.");
    intake_parse("", &m);
    intake_reply(intake_reply_for(&m), NULL, 0, r, sizeof(r));
    assert_true(str_starts_with(r, "Pesan kosong. Format: LAPOR"));
    intake_parse("bantuan", &m);
    intake_reply(intake_reply_for(&m), NULL, 0, r, sizeof(r));
    assert_true(str_starts_with(r, "Format: LAPOR <kode wilayah> <isi laporan>"));
    intake_reply(INTAKE_REPLY_UNKNOWN, "99.99", 0, r, sizeof(r));
    assert_true(str_starts_with(r, "Kode wilayah 99.99 tidak dikenal."));
    intake_reply(INTAKE_REPLY_OUT_SCOPE, "33.74", 0, r, sizeof(r));
    assert_true(str_starts_with(r, "Kode wilayah 33.74 di luar wilayah Anda."));
    intake_reply(INTAKE_REPLY_LEAD, NULL, 0, r, sizeof(r));
    assert_true(str_starts_with(r, "Pesan diterima dan akan diperiksa petugas."));
    /* Every reply fits the buffer, and a short buffer cuts without overflow. */
    char small[8];
    intake_reply(INTAKE_REPLY_HELP, NULL, 0, small, sizeof(small));
    assert_int_equal(strlen(small), 7);
}

/* ---- phone numbers ------------------------------------------------------------------------- */

static const struct phone_case {
    const char *in, *out; /* out NULL: refused */
} phone_cases[] = {
    {"+6281234567890", "+6281234567890"},
    {"081234567890", "+6281234567890"},
    {"0812-3456-7890", "+6281234567890"},
    {"0812 3456 7890", "+6281234567890"},
    {"(0812) 3456.7890", "+6281234567890"},
    {"6281234567890", "+6281234567890"},
    {"6281234567890@c.us", "+6281234567890"},
    {"81234567890", "+6281234567890"},
    {"006281234567890", "+6281234567890"},
    {"+62 22 4231234", "+62224231234"},
    {"022-4231234", "+62224231234"},
    {"+60123456789", "+60123456789"},
    {"+62081234567890", NULL},   /* a 0 after +62 */
    {"0812", NULL},              /* too short */
    {"+621234567", NULL},        /* +62 and 8 digits only... 1234567 is 7 */
    {"08123456789012345", NULL}, /* too long */
    {"12345678", NULL},          /* no country code, not Indonesian */
    {"0812abc4567", NULL},
    {"", NULL},
    {"+", NULL},
};

static void test_phone_normalise(void **state)
{
    (void)state;
    for (size_t i = 0; i < WSP_ARRAY_LEN(phone_cases); i++) {
        const struct phone_case *c = &phone_cases[i];
        char out[INTAKE_PHONE_MAX];
        struct error err = {0};
        int rc = intake_phone_normalise(c->in, out, &err);
        if (c->out ? rc != 0 || !str_eq(out, c->out) : rc != WSP_EINVAL)
            fail_msg("case %zu '%s': rc %d out '%s' (%s)", i, c->in, rc, out, err.msg);
        if (!c->out)
            assert_null(strstr(err.msg, c->in[0] ? c->in : "\x01"));
    }
}

static void test_phone_hash_mask(void **state)
{
    (void)state;
    unsigned char k1[INTAKE_KEY_BYTES], k2[INTAKE_KEY_BYTES];
    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    char a[INTAKE_HASH_HEX], b[INTAKE_HASH_HEX], c[INTAKE_HASH_HEX];
    intake_phone_hash(k1, "+6281234567890", a);
    intake_phone_hash(k1, "+6281234567890", b);
    assert_string_equal(a, b); /* a lookup key */
    intake_phone_hash(k2, "+6281234567890", c);
    assert_string_not_equal(a, c); /* another database's key, another hash */
    intake_phone_hash(k1, "+6281234567891", c);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 64);
    char m[32];
    intake_phone_mask("+6281234567890", m, sizeof(m));
    assert_string_equal(m, "+62********890");
    intake_phone_mask("+60123456789", m, sizeof(m));
    assert_string_equal(m, "+6*******789");
}

/* ---- signatures ---------------------------------------------------------------------------- */

static void test_verify(void **state)
{
    (void)state;
    const char *secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const char *body = "{\"message_id\":\"m1\",\"from\":\"+6281234567890\",\"text\":\"LAPOR\"}";
    char sig[72];
    intake_sign(secret, "1796000000", body, strlen(body), sig);
    /* The value openssl gives for the same input:
     * printf '%s.%s' 1796000000 "$BODY" | openssl dgst -sha256 -hmac "$SECRET" */
    assert_string_equal(sig,
                        "sha256=3e4c979aa363f80b0c304b65cf65ac375aaccdc70b926ad337f2a39ac0071f12");
    struct error err = {0};
    assert_int_equal(intake_verify(secret, "1796000000", sig, body, strlen(body), 1796000000, &err),
                     0);
    /* within 5 minutes either way */
    assert_int_equal(intake_verify(secret, "1796000000", sig, body, strlen(body), 1796000300, &err),
                     0);
    assert_int_equal(intake_verify(secret, "1796000000", sig, body, strlen(body), 1795999700, &err),
                     0);
    /* stale or from the future */
    assert_int_equal(intake_verify(secret, "1796000000", sig, body, strlen(body), 1796000301, &err),
                     WSP_EAUTH);
    assert_non_null(strstr(err.msg, "more than 300 s"));
    assert_int_equal(intake_verify(secret, "1796000000", sig, body, strlen(body), 1795999699, &err),
                     WSP_EAUTH);
    /* another body, another timestamp, another secret */
    assert_int_equal(intake_verify(secret, "1796000000", sig, "{}", 2, 1796000000, &err),
                     WSP_EAUTH);
    assert_string_equal(err.msg, "the signature does not match the channel's secret");
    char sig2[72];
    intake_sign(secret, "1796000001", body, strlen(body), sig2);
    assert_int_equal(
        intake_verify(secret, "1796000000", sig2, body, strlen(body), 1796000000, &err), WSP_EAUTH);
    assert_int_equal(intake_verify("another-secret-another-secret-xx", "1796000000", sig, body,
                                   strlen(body), 1796000000, &err),
                     WSP_EAUTH);
    /* malformed headers */
    assert_int_equal(intake_verify(secret, NULL, sig, body, strlen(body), 1796000000, &err),
                     WSP_EAUTH);
    assert_non_null(strstr(err.msg, "X-Waspada-Timestamp"));
    assert_int_equal(
        intake_verify(secret, "1796000000", NULL, body, strlen(body), 1796000000, &err), WSP_EAUTH);
    assert_non_null(strstr(err.msg, "X-Waspada-Signature"));
    assert_int_equal(intake_verify(secret, "17960000x0", sig, body, strlen(body), 1796000000, &err),
                     WSP_EAUTH);
    assert_int_equal(
        intake_verify(secret, "1796000000", sig + 7, body, strlen(body), 1796000000, &err),
        WSP_EAUTH);
    char upper[72];
    str_copy(upper, sig, sizeof(upper));
    upper[70] = upper[70] == '0' ? '1' : '0';
    assert_int_equal(
        intake_verify(secret, "1796000000", upper, body, strlen(body), 1796000000, &err),
        WSP_EAUTH);
    /* new secrets: 64 hex digits, never the same */
    char s1[INTAKE_SECRET_HEX], s2[INTAKE_SECRET_HEX];
    intake_secret_new(s1);
    intake_secret_new(s2);
    assert_int_equal(strlen(s1), 64);
    assert_string_not_equal(s1, s2);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),           cmocka_unit_test(test_replies),
        cmocka_unit_test(test_phone_normalise), cmocka_unit_test(test_phone_hash_mask),
        cmocka_unit_test(test_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
