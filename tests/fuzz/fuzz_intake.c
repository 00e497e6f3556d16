/*
 * libFuzzer target for the rules of field messages in (src/intake): what any sender may text
 * and any gateway may post. The input's first line is a phone number as a gateway sends it,
 * the rest a message (and, for the signature check, a body).
 *
 * Invariants: never crash or read out of bounds; a parsed report's text lies inside the
 * message, is not empty and has no white space at either end; a region code given has the
 * shape 2.2[.2[.4]]; every parse has a reply, NUL-terminated inside its buffer; a normalised
 * number is "+" and 8..15 digits, and normalising it again gives it back; its hash is 64 hex
 * digits; a body signed with a secret verifies, and the same body with one byte changed or
 * another timestamp does not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "intake/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void check_parse(const char *msg)
{
    struct intake_message m;
    intake_parse(msg, &m);
    size_t n = strlen(msg);
    if (m.kind == INTAKE_REPORT) {
        CHECK(m.text >= msg && m.text + m.text_len <= msg + n);
        CHECK(m.text_len > 0);
        CHECK(!is_space(m.text[0]) && !is_space(m.text[m.text_len - 1]));
    }
    if (m.region[0]) {
        size_t r = strlen(m.region), digits = 0, dots = 0;
        for (size_t i = 0; i < r; i++)
            m.region[i] == '.' ? dots++ : digits++;
        CHECK(dots >= 1 && dots <= 3 && m.region[2] == '.');
        CHECK(digits == 4 || digits == 6 || digits == 10);
    }
    char reply[INTAKE_REPLY_MAX];
    if (m.kind != INTAKE_REPORT) {
        intake_reply(intake_reply_for(&m), m.bad, 0, reply, sizeof(reply));
        CHECK(memchr(reply, '\0', sizeof(reply)) != NULL && reply[0]);
    }
}

static void check_phone(const char *in)
{
    char out[INTAKE_PHONE_MAX], again[INTAKE_PHONE_MAX];
    struct error err = {0};
    if (intake_phone_normalise(in, out, &err) != 0) {
        CHECK(err.code == WSP_EINVAL && out[0] == '\0');
        return;
    }
    size_t n = strlen(out);
    CHECK(out[0] == '+' && n >= 9 && n <= 16);
    for (size_t i = 1; i < n; i++)
        CHECK(out[i] >= '0' && out[i] <= '9');
    CHECK(intake_phone_normalise(out, again, &err) == 0 && str_eq(out, again));
    unsigned char key[INTAKE_KEY_BYTES] = {7};
    char hash[INTAKE_HASH_HEX], masked[32];
    intake_phone_hash(key, out, hash);
    CHECK(strlen(hash) == 64);
    intake_phone_mask(out, masked, sizeof(masked));
    CHECK(strlen(masked) == n);
}

static void check_signature(const uint8_t *body, size_t len)
{
    static const char secret[] = "fuzz-secret-fuzz-secret-fuzz-secret-0123";
    char sig[72];
    struct error err = {0};
    intake_sign(secret, "1796000000", body, len, sig);
    CHECK(intake_verify(secret, "1796000000", sig, body, len, 1796000000, &err) == 0);
    CHECK(intake_verify(secret, "1796000001", sig, body, len, 1796000000, &err) == WSP_EAUTH);
    if (len > 0) {
        uint8_t *copy = malloc(len);
        memcpy(copy, body, len);
        copy[len / 2] ^= 1;
        CHECK(intake_verify(secret, "1796000000", sig, copy, len, 1796000000, &err) == WSP_EAUTH);
        free(copy);
    }
    /* The body used as the headers: malformed ones are refused, never a crash. */
    char *hdr = malloc(len + 1);
    memcpy(hdr, body, len);
    hdr[len] = '\0';
    (void)intake_verify(secret, hdr, hdr, body, len, 1796000000, &err);
    free(hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char *nl = memchr(s, '\n', size);
    const char *msg = "";
    if (nl) {
        *nl = '\0';
        msg = nl + 1;
    }
    check_phone(s);
    check_parse(msg);
    free(s);
    check_signature(data, size);
    return 0;
}
