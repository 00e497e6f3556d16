/* intake: signatures, phone numbers, the keyword format and the replies (intake.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "intake/intake.h"

/* ---- signatures ---------------------------------------------------------------------------- */

static void mac_of(const char *secret, const char *ts, const void *body, size_t len,
                   unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&h, body, len);
    crypto_auth_hmacsha256_final(&h, mac);
    sodium_memzero(&h, sizeof(h));
}

void intake_sign(const char *secret, const char *ts, const void *body, size_t len, char out[72])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    mac_of(secret, ts, body, len, mac);
    snprintf(out, 8, "sha256="); /* sodium_bin2hex then writes over its NUL */
    sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}

int intake_verify(const char *secret, const char *ts, const char *sig, const void *body, size_t len,
                  int64_t now, struct error *err)
{
    if (!ts || !*ts)
        return error_set(err, WSP_EAUTH, "missing header %s", INTAKE_TIMESTAMP_HEADER);
    if (!sig || !*sig)
        return error_set(err, WSP_EAUTH, "missing header %s", INTAKE_SIGNATURE_HEADER);
    int64_t t = 0;
    size_t n = strlen(ts);
    if (n > 12)
        return error_set(err, WSP_EAUTH, "%s must be Unix seconds", INTAKE_TIMESTAMP_HEADER);
    for (size_t i = 0; i < n; i++) {
        if (ts[i] < '0' || ts[i] > '9')
            return error_set(err, WSP_EAUTH, "%s must be Unix seconds", INTAKE_TIMESTAMP_HEADER);
        t = t * 10 + (ts[i] - '0');
    }
    if (t < now - INTAKE_MAX_SKEW_S || t > now + INTAKE_MAX_SKEW_S)
        return error_set(err, WSP_EAUTH,
                         "%s is more than %d s from the server's clock (a stale or replayed "
                         "request, or a clock to set right)",
                         INTAKE_TIMESTAMP_HEADER, INTAKE_MAX_SKEW_S);
    unsigned char given[crypto_auth_hmacsha256_BYTES], want[crypto_auth_hmacsha256_BYTES];
    size_t glen = 0;
    if (strncmp(sig, "sha256=", 7) != 0 || strlen(sig + 7) != 2 * sizeof(given) ||
        sodium_hex2bin(given, sizeof(given), sig + 7, strlen(sig + 7), NULL, &glen, NULL) != 0 ||
        glen != sizeof(given))
        return error_set(err, WSP_EAUTH, "%s must be sha256=<64 hex digits>",
                         INTAKE_SIGNATURE_HEADER);
    mac_of(secret, ts, body, len, want);
    int diff = sodium_memcmp(given, want, sizeof(want)); /* constant time */
    sodium_memzero(want, sizeof(want));
    if (diff != 0)
        return error_set(err, WSP_EAUTH, "the signature does not match the channel's secret");
    return 0;
}

void intake_secret_new(char out[INTAKE_SECRET_HEX])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, INTAKE_SECRET_HEX, b, sizeof(b));
    sodium_memzero(b, sizeof(b));
}

/* ---- phone numbers ------------------------------------------------------------------------- */

int intake_phone_normalise(const char *in, char out[INTAKE_PHONE_MAX], struct error *err)
{
    out[0] = '\0';
    char digits[32];
    size_t n = 0;
    bool plus = false;
    const char *p = in ? in : "";
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '+') {
        plus = true;
        p++;
    }
    for (; *p && *p != '@'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof(digits))
                return error_set(err, WSP_EINVAL, "a phone number has at most 15 digits");
            digits[n++] = *p;
        } else if (!strchr(" \t-.()", *p)) {
            return error_set(err, WSP_EINVAL,
                             "a phone number holds digits, a leading '+', spaces, '-', '.' and "
                             "brackets only");
        }
    }
    digits[n] = '\0';
    const char *d = digits;
    if (!plus && strncmp(d, "00", 2) == 0) { /* international call prefix */
        plus = true;
        d += 2;
    }
    char e164[40];
    if (plus)
        snprintf(e164, sizeof(e164), "+%s", d);
    else if (d[0] == '0')
        snprintf(e164, sizeof(e164), "+62%s", d + 1);
    else if (strncmp(d, "62", 2) == 0)
        snprintf(e164, sizeof(e164), "+%s", d);
    else if (d[0] == '8')
        snprintf(e164, sizeof(e164), "+62%s", d);
    else
        return error_set(err, WSP_EINVAL,
                         "a phone number is +<country code><number>, or Indonesian as 08... or "
                         "628...");
    size_t len = strlen(e164 + 1);
    if (len < 8 || len > 15 || e164[1] == '0')
        return error_set(err, WSP_EINVAL,
                         "a phone number has 8 to 15 digits with its country code");
    if (strncmp(e164, "+62", 3) == 0) {
        size_t national = len - 2;
        if (e164[3] == '0' || national < 8 || national > 13)
            return error_set(err, WSP_EINVAL,
                             "an Indonesian number has 8 to 13 digits after +62 (0812... or "
                             "+62812...)");
    }
    str_copy(out, e164, INTAKE_PHONE_MAX);
    return 0;
}

void intake_phone_hash(const unsigned char key[INTAKE_KEY_BYTES], const char *e164,
                       char out[INTAKE_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)e164, strlen(e164), key,
                       INTAKE_KEY_BYTES);
    sodium_bin2hex(out, INTAKE_HASH_HEX, h, sizeof(h));
}

void intake_phone_mask(const char *e164, char *out, size_t outsz)
{
    size_t n = strlen(e164), keep_head = strncmp(e164, "+62", 3) == 0 ? 3 : 2, keep_tail = 3;
    if (outsz == 0)
        return;
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < outsz; i++)
        out[j++] = i < keep_head || i + keep_tail >= n ? e164[i] : '*';
    out[j] = '\0';
}

/* ---- the keyword format -------------------------------------------------------------------- */

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether [s, s+n) is the word w, in any case. */
static bool word_is(const char *s, size_t n, const char *w)
{
    return n == strlen(w) && strncasecmp(s, w, n) == 0;
}

/* A region code below a province: 2 digits, then 1..3 groups ".dd", ".dd", ".dddd". */
static bool code_shaped(const char *s, size_t n)
{
    static const size_t group[] = {2, 2, 2, 4};
    size_t g = 0, i = 0;
    while (i < n && g < WSP_ARRAY_LEN(group)) {
        if (g > 0) {
            if (s[i] != '.')
                return false;
            i++;
        }
        for (size_t k = 0; k < group[g]; k++, i++)
            if (i >= n || s[i] < '0' || s[i] > '9')
                return false;
        g++;
    }
    return i == n && g >= 2;
}

void intake_parse(const char *msg, struct intake_message *out)
{
    memset(out, 0, sizeof(*out));
    const char *s = msg ? msg : "";
    while (space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && space(s[n - 1]))
        n--;
    if (n == 0) {
        out->kind = INTAKE_ERROR;
        out->error = INTAKE_EMPTY;
        return;
    }
    size_t w = 0;
    while (w < n && !space(s[w]))
        w++;
    if (word_is(s, w, "INFO") || word_is(s, w, "BANTUAN") || word_is(s, w, "HELP") ||
        word_is(s, w, "?")) {
        if (w == n) {
            out->kind = INTAKE_HELP;
            return;
        }
    }
    out->kind = INTAKE_REPORT;
    if (!word_is(s, w, "LAPOR")) { /* free text: the whole message is the report */
        out->text = s;
        out->text_len = n;
        return;
    }
    out->keyword = true;
    const char *p = s + w;
    const char *end = s + n;
    while (p < end && space(*p))
        p++;
    size_t t = 0;
    while (p + t < end && !space(p[t]))
        t++;
    bool digits_dots = t > 0 && strchr("0123456789", p[0]);
    bool has_dot = false;
    for (size_t i = 0; i < t && digits_dots; i++) {
        if (p[i] == '.')
            has_dot = true;
        else if (p[i] < '0' || p[i] > '9')
            digits_dots = false;
    }
    if (digits_dots && has_dot) {
        if (!code_shaped(p, t)) {
            out->kind = INTAKE_ERROR;
            out->error = INTAKE_BAD_CODE;
            snprintf(out->bad, sizeof(out->bad), "%.*s", (int)(t < 39 ? t : 39), p);
            return;
        }
        memcpy(out->region, p, t);
        out->region[t] = '\0';
        p += t;
        while (p < end && space(*p))
            p++;
    }
    if (p >= end) {
        out->kind = INTAKE_ERROR;
        out->error = INTAKE_NO_TEXT;
        return;
    }
    out->text = p;
    out->text_len = (size_t)(end - p);
}

/* ---- replies ------------------------------------------------------------------------------- */

#define FORMAT_HINT "Format: LAPOR <kode wilayah> <isi laporan>, contoh: LAPOR 32.73 bentrok warga"

void intake_reply(enum intake_reply_kind kind, const char *arg, int64_t id, char *out, size_t outsz)
{
    const char *a = arg ? arg : "";
    switch (kind) {
    case INTAKE_REPLY_ACCEPTED:
        snprintf(out, outsz,
                 "Laporan diterima, nomor %" PRId64 ". Terima kasih, petugas akan "
                 "memeriksanya.",
                 id);
        break;
    case INTAKE_REPLY_LEAD:
        snprintf(out, outsz,
                 "Pesan diterima dan akan diperiksa petugas. Nomor Anda belum terdaftar sebagai "
                 "pelapor FKDM: hubungi Kesbangpol setempat untuk mendaftar.");
        break;
    case INTAKE_REPLY_HELP:
        snprintf(out, outsz, "%s di pasar. Kode wilayah boleh dilewati.", FORMAT_HINT);
        break;
    case INTAKE_REPLY_EMPTY:
        snprintf(out, outsz, "Pesan kosong. %s di pasar.", FORMAT_HINT);
        break;
    case INTAKE_REPLY_NO_TEXT:
        snprintf(out, outsz, "Isi laporan kosong. %s di pasar.", FORMAT_HINT);
        break;
    case INTAKE_REPLY_BAD_CODE:
        snprintf(out, outsz, "Kode wilayah \"%.40s\" salah tulis (contoh 32.73). %s.", a,
                 FORMAT_HINT);
        break;
    case INTAKE_REPLY_UNKNOWN:
        snprintf(out, outsz, "Kode wilayah %.40s tidak dikenal. %s.", a, FORMAT_HINT);
        break;
    case INTAKE_REPLY_OUT_SCOPE:
        snprintf(out, outsz,
                 "Kode wilayah %.40s di luar wilayah Anda. Kirim ulang dengan kode wilayah Anda "
                 "atau tanpa kode.",
                 a);
        break;
    case INTAKE_REPLY_TOO_LONG:
        snprintf(out, outsz,
                 "Laporan terlalu panjang. Kirim dalam beberapa pesan yang lebih "
                 "pendek.");
        break;
    }
}

enum intake_reply_kind intake_reply_for(const struct intake_message *m)
{
    if (m->kind == INTAKE_HELP)
        return INTAKE_REPLY_HELP;
    switch (m->error) {
    case INTAKE_EMPTY:
        return INTAKE_REPLY_EMPTY;
    case INTAKE_NO_TEXT:
        return INTAKE_REPLY_NO_TEXT;
    case INTAKE_BAD_CODE:
        return INTAKE_REPLY_BAD_CODE;
    case INTAKE_OK:
        break;
    }
    return INTAKE_REPLY_HELP;
}
