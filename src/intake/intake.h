/*
 * intake: field messages in (issue 16, item 3), the pure rules. An SMS or WhatsApp gateway
 * posts each message it receives to POST /api/v1/intake/{channel} (src/http/handlers_intake.c);
 * this module decides, on values alone (no SQL, no HTTP; libsodium for the MACs):
 *
 *  - whether a request is signed by the channel's secret (intake_verify): the header
 *    X-Waspada-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the
 *    secret>, X-Waspada-Timestamp: <Unix seconds>, within INTAKE_MAX_SKEW_S of now either way
 *    (a replayed request older than that is refused; the gateway's message id makes a replay
 *    inside the window harmless), compared in constant time;
 *  - how a phone number is written once normalised (intake_phone_normalise: E.164, "+62..."),
 *    and its keyed hash for lookup (intake_phone_hash: BLAKE2b keyed with the database's
 *    phone key, so the numbers' small space cannot be searched without that key);
 *  - what a message says (intake_parse): the keyword format for weak signal,
 *        LAPOR <kode wilayah> <teks>     e.g. "LAPOR 32.73 bentrok warga di pasar"
 *        LAPOR <teks>                    (no region: the reporter's own, or the detector's)
 *        INFO | BANTUAN | HELP           (the format, as a reply)
 *    or free text (a WhatsApp message), which is the report's text as it is;
 *  - the reply text (Indonesian) the gateway sends back (intake_reply).
 *
 * Ownership: results point into the caller's input or buffers; nothing is allocated.
 * Errors: 0 or a negative WSP_E* code with err filled (messages never hold a number or a
 * secret).
 */
#ifndef WSP_INTAKE_H
#define WSP_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define INTAKE_SIGNATURE_HEADER "X-Waspada-Signature"
#define INTAKE_TIMESTAMP_HEADER "X-Waspada-Timestamp"
#define INTAKE_MAX_SKEW_S 300 /* a signed request is good for 5 minutes either way */
#define INTAKE_PHONE_MAX 17   /* "+" and at most 15 digits, NUL */
#define INTAKE_HASH_HEX 65    /* 32 bytes in hex, NUL */
#define INTAKE_KEY_BYTES 32   /* the phone key */
#define INTAKE_SECRET_HEX 65  /* a channel secret: 32 random bytes in hex, NUL */
#define INTAKE_REPLY_MAX 320

/* Check a request's signature: ts the X-Waspada-Timestamp value (decimal seconds), sig the
 * X-Waspada-Signature value ("sha256=" and 64 hex digits), body the raw body. WSP_EAUTH when
 * a header is missing or malformed, the time is more than INTAKE_MAX_SKEW_S from now, or the
 * MAC differs (the message says which, never the expected value). */
int intake_verify(const char *secret, const char *ts, const char *sig, const void *body, size_t len,
                  int64_t now, struct error *err);
/* The signature value for ts and body ("sha256=<hex>", 72 bytes with the NUL): what a gateway
 * computes; for tests and docs. */
void intake_sign(const char *secret, const char *ts, const void *body, size_t len, char out[72]);
/* A new channel secret: 64 hex digits of 32 random bytes. */
void intake_secret_new(char out[INTAKE_SECRET_HEX]);

/* Normalise a phone number to E.164 into out: spaces, '-', '.', '(' and ')' dropped, a
 * WhatsApp suffix "@..." dropped; "+CC..." and "00CC..." kept as international; Indonesian
 * forms "08..." / "8..." (national) and "628..." become "+628...". WSP_EINVAL when what is
 * left is not 8..15 digits, or a "+62" number's national part starts with 0 or is outside
 * 8..13 digits. */
int intake_phone_normalise(const char *in, char out[INTAKE_PHONE_MAX], struct error *err);
/* The lookup hash of a normalised number: hex of BLAKE2b-256 keyed with key. */
void intake_phone_hash(const unsigned char key[INTAKE_KEY_BYTES], const char *e164,
                       char out[INTAKE_HASH_HEX]);
/* The number for lists: country code and the last 3 digits, the rest '*' ("+62*******890"). */
void intake_phone_mask(const char *e164, char *out, size_t outsz);

enum intake_kind {
    INTAKE_REPORT, /* a report: text (and a region code when given) */
    INTAKE_HELP,   /* INFO, BANTUAN, HELP or "?": answer with the format */
    INTAKE_ERROR,  /* see error */
};

enum intake_error {
    INTAKE_OK,
    INTAKE_EMPTY,    /* nothing but white space */
    INTAKE_NO_TEXT,  /* "LAPOR" or "LAPOR 32.73" with nothing to report */
    INTAKE_BAD_CODE, /* "LAPOR 32.7x ..." : a token of digits and dots that is no region code */
};

struct intake_message {
    enum intake_kind kind;
    enum intake_error error;
    bool keyword;     /* began with LAPOR */
    char region[40];  /* the region code given ("32.73"), "" when none */
    const char *text; /* the report's words, pointing into the input (not NUL-terminated at */
    size_t text_len;  /* text_len when trailing white space was cut) */
    char bad[40];     /* INTAKE_BAD_CODE: the token, cut to fit */
};

/* Parse a message (UTF-8 text). Never fails: errors are in out->kind/error. Leading and
 * trailing white space is ignored; the keyword is matched in any case. A region code is a
 * token of digits and dots with at least one dot: "32.73", "32.73.01", "32.73.01.1001" (a
 * regency, district or village; a province alone is left out, the detector and the
 * reporter's area place it), so that "LAPOR 12 rumah dibakar" reads 12 as words. */
void intake_parse(const char *msg, struct intake_message *out);

enum intake_reply_kind {
    INTAKE_REPLY_ACCEPTED,  /* id: the report's number */
    INTAKE_REPLY_LEAD,      /* an unknown number: kept for an officer to check */
    INTAKE_REPLY_HELP,      /* the format */
    INTAKE_REPLY_EMPTY,     /* INTAKE_EMPTY */
    INTAKE_REPLY_NO_TEXT,   /* INTAKE_NO_TEXT */
    INTAKE_REPLY_BAD_CODE,  /* arg: the token */
    INTAKE_REPLY_UNKNOWN,   /* arg: a well-formed code with no region */
    INTAKE_REPLY_OUT_SCOPE, /* arg: the code outside the reporter's area */
    INTAKE_REPLY_TOO_LONG,  /* the text is over the report limit */
};

/* The reply text for the gateway to send back (Indonesian, at most INTAKE_REPLY_MAX - 1
 * bytes; SMS-sized where it can be). arg and id as the kind says (others ignored). */
void intake_reply(enum intake_reply_kind kind, const char *arg, int64_t id, char *out,
                  size_t outsz);
/* The reply for a parse error (INTAKE_ERROR) or help. */
enum intake_reply_kind intake_reply_for(const struct intake_message *m);

#endif
