/*
 * auth: roles, region scope, passwords, session tokens, CSRF tokens, login throttling and
 * write rate limits.
 * Pure helpers (libsodium), no SQL and no HTTP, so they are unit-tested on values.
 *
 * Roles (ARCHITECTURE.md): admin (system), pusat (Kemendagri national desk: reads all, reviews
 * plans), provinsi (Kesbangpol/Timdu operator of one province), kabkota (operator of one
 * regency/city), pelapor (FKDM community reporter: submits reports, sees own).
 *
 * Scope is a region code prefix on whole segments: "32" covers "32", "32.73" and
 * "32.73.01.1001" but not "320"; "" (national) covers everything.
 *
 * Secrets: session tokens are 256-bit random values sent to the browser as 64 hex chars and
 * stored only as their SHA-256. The CSRF token of a session is derived from the session token
 * (HMAC), so it needs no storage and dies with the session. Comparisons are constant-time.
 *
 * auth_init() must be called once before anything else (it initializes libsodium).
 */
#ifndef WSP_AUTH_H
#define WSP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

enum auth_role {
    AUTH_ROLE_NONE = 0, /* anonymous public */
    AUTH_ROLE_ADMIN,
    AUTH_ROLE_PUSAT,
    AUTH_ROLE_PROVINSI,
    AUTH_ROLE_KABKOTA,
    AUTH_ROLE_PELAPOR
};

int auth_init(struct error *err);

/* "admin" -> AUTH_ROLE_ADMIN; AUTH_ROLE_NONE when unknown. */
enum auth_role auth_role_parse(const char *s);
const char *auth_role_name(enum auth_role r); /* "" for NONE */
/* Check that a role and a region scope fit together: admin and pusat are national (scope ""),
 * provinsi needs a province code ("32"), kabkota a regency code ("32.73"), pelapor a province or
 * regency code. Does not check that the region exists (the caller asks the gazetteer). */
int auth_role_scope_valid(enum auth_role r, const char *scope, struct error *err);

/* admin and pusat: the national roles, whose scope is the whole country. */
bool auth_role_national(enum auth_role r);
/* The officers: the national roles, provinsi and kabkota (not pelapor). */
bool auth_role_officer(enum auth_role r);
/* True when scope covers code (segment-wise prefix; "" covers all). */
bool auth_scope_covers(const char *scope, const char *code);
/* May a user with role/scope read data of region `code`? admin and pusat read all; others
 * read inside their scope. */
bool auth_may_read(enum auth_role r, const char *scope, const char *code);
/* May a user write data of region `code`? admin anywhere; pusat anywhere (review actions);
 * provinsi and kabkota inside their scope; pelapor only reports inside their scope (the caller
 * decides what a report is); anonymous never. */
bool auth_may_write(enum auth_role r, const char *scope, const char *code);

/* ---- passwords -------------------------------------------------------------------------- */

#define AUTH_HASH_MAX 128    /* >= crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MIN 10 /* NIST SP 800-63B asks for at least 8; we ask for 10 */
#define AUTH_PASSWORD_MAX 256

enum auth_cost { AUTH_COST_INTERACTIVE = 0, AUTH_COST_MIN = 1 };
/* AUTH_COST_MIN exists for tests only: argon2id with the smallest allowed limits. */
void auth_set_cost(enum auth_cost c);

/* Check a new password: at least AUTH_PASSWORD_MIN characters (code points), at most
 * AUTH_PASSWORD_MAX bytes, valid UTF-8 without
 * control characters, and not one of the 10,000 most common passwords (data file
 * auth/common-passwords.txt, compared ignoring ASCII case), as NIST SP 800-63B asks. WSP_EINVAL
 * with a message for the user; WSP_EIO when the list cannot be read (then nothing passes). */
int auth_password_policy(const char *password, struct error *err);
/* argon2id hash string into out (AUTH_HASH_MAX bytes). */
int auth_password_hash(const char *password, char *out, size_t outsz, struct error *err);
/* True when password matches the stored argon2id string. */
bool auth_password_verify(const char *hash, const char *password);

/* ---- tokens ----------------------------------------------------------------------------- */

#define AUTH_TOKEN_HEX 65 /* 64 hex chars + NUL */

/* New random 256-bit session token as hex. */
void auth_token_new(char out[AUTH_TOKEN_HEX]);
/* SHA-256 of the token, hex: what the store keeps. */
void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX]);
/* CSRF token belonging to a session token. */
void auth_csrf_for(const char *session_token, char out[AUTH_TOKEN_HEX]);
/* Constant-time check of a CSRF header value against the session token. */
bool auth_csrf_check(const char *session_token, const char *csrf);
/* Constant-time string equality. */
bool auth_equal(const char *a, const char *b);

/* ---- throttling: the rules (throttle.c, pure: values in, values out) ------------------- */

/*
 * Failed logins. Three counters of failures, each forgotten window_ms after its last failure:
 *  - per (user, address): after free_pair failures each further failure doubles a wait
 *    (delay_base_ms, 2x, 4x ... at most delay_max_ms) before that pair may try again;
 *  - per address, whatever the username: the same after free_address failures (one address
 *    spraying many usernames);
 *  - per user, from all addresses: after free_user failures the user is on the slow path:
 *    attempts from addresses where the user has not logged in lately (known_ms) share one slot
 *    per user, free again 1 s, 2 s, 4 s ... at most slow_max_ms after it was taken. That bounds
 *    the guessing rate per user however many addresses guess, and a correct password from a
 *    clean address still gets in after at most slow_max_ms: never a hard lock.
 * An address that did not fail is never held back by another address's failures (except on
 * the slow path, by at most slow_max_ms). A success clears its pair and marks the address as
 * known for the user; it does not clear the user and address counters (an attacker who owns an
 * account must not be able to reset them). Users are keyed by their lower-cased name, so case
 * variants are one user, known or not.
 *
 * The state of one key is a small value (struct auth_fails, auth_login_pair, auth_login_user),
 * zero-initialised when new, so it can live in memory (ratelimit.c) or in a database row.
 * Times are milliseconds on any clock that does not go backwards (the caller's choice).
 */
struct auth_login_policy {
    unsigned free_pair, free_address, free_user; /* failures before waits start */
    int64_t window_ms;                           /* failures forgotten after this quiet time */
    int64_t delay_base_ms, delay_max_ms;         /* first wait, and the cap of the doubling */
    int64_t slow_max_ms;                         /* cap of the per-user slot on the slow path */
    int64_t known_ms;                            /* an address with a success counts as known */
};

#define AUTH_LOGIN_ADDRESS_FACTOR 4 /* free_address = 4 x free_pair */
#define AUTH_LOGIN_USER_FACTOR 4    /* free_user = 4 x free_pair */
#define AUTH_LOGIN_SLOW_MAX_S 30
#define AUTH_LOGIN_KNOWN_S (30L * 86400)

/* The policy of the `login_max_failures` and `login_window` settings: free_pair =
 * max_failures, the address and user thresholds AUTH_LOGIN_*_FACTOR times that, waits from 1 s
 * doubling up to the window, slow-path slots up to AUTH_LOGIN_SLOW_MAX_S. */
void auth_login_policy_init(struct auth_login_policy *p, unsigned max_failures, unsigned window_s);

struct auth_fails {
    uint32_t n;      /* failures since the counter was last forgotten */
    int64_t last_ms; /* time of the last failure */
};
struct auth_login_pair {
    struct auth_fails fails;
    int64_t good_ms; /* last successful login of this user from this address, 0 = never */
};
struct auth_login_user {
    struct auth_fails fails;
    int64_t slot_ms; /* slow path: the shared slot is free again at this time */
};

/* May (user, address) try a password now? 0 = yes; otherwise the wait in ms. On yes, when the
 * user is on the slow path and the address is not known, takes the user's slot. Expired
 * counters are forgotten (the states are updated in place; save them all). */
int64_t auth_login_admit(const struct auth_login_policy *p, struct auth_login_pair *pair,
                         struct auth_fails *address, struct auth_login_user *user, int64_t now_ms);
/* Record the outcome of an admitted attempt. */
void auth_login_record(const struct auth_login_policy *p, struct auth_login_pair *pair,
                       struct auth_fails *address, struct auth_login_user *user, bool ok,
                       int64_t now_ms);

/*
 * Write rates: token buckets of `n` requests per `period_s`, holding at most n (so a burst of
 * n, then one every period_s/n seconds). n == 0 means no limit. A bucket is a zero-initialised
 * value (full); `debt` is the used capacity in units where one request costs period_ms and
 * each millisecond gives back n.
 */
struct auth_rate {
    unsigned n;
    unsigned period_s;
};
struct auth_bucket {
    int64_t debt;
    int64_t t_ms; /* time of the last update */
};
/* 0 when one request fits now, else the wait in ms until it does. Does not change b. */
int64_t auth_bucket_wait(const struct auth_bucket *b, struct auth_rate r, int64_t now_ms);
/* Take one request (call only after auth_bucket_wait() said 0). */
void auth_bucket_take(struct auth_bucket *b, struct auth_rate r, int64_t now_ms);

/* Limits on state-changing requests: every write counts against its user (when logged in)
 * and its address; a community report counts against the report limits too. */
struct auth_write_limits {
    struct auth_rate user, address;
    struct auth_rate report_user, report_address;
};

/* Whole seconds to announce in Retry-After for a wait in ms (rounded up, at least 1). */
unsigned auth_wait_seconds(int64_t wait_ms);

/* ---- throttling: the state, in memory (ratelimit.c) --------------------------------------- */

/*
 * One server's throttle state: the login counters and the write buckets in two bounded tables
 * (capacity keys each; when full, the key touched longest ago is dropped). Thread-safe. Another
 * backend (the database) can keep the same values: every rule is in throttle.c.
 */
struct auth_ratelimit;

/* NULL only when capacity is 0. Login policy from auth_login_policy_init(). */
struct auth_ratelimit *auth_ratelimit_new(unsigned max_failures, unsigned window_s,
                                          size_t capacity);
void auth_ratelimit_free(struct auth_ratelimit *rl);
/* auth_login_admit() on the counters of (username lower-cased, address). */
int64_t auth_ratelimit_login_admit(struct auth_ratelimit *rl, const char *username,
                                   const char *address, int64_t now_ms);
/* auth_login_record() on the same counters. */
void auth_ratelimit_login_record(struct auth_ratelimit *rl, const char *username,
                                 const char *address, bool ok, int64_t now_ms);
/* One state-changing request: user_id 0 = not logged in (address only); report adds the
 * report limits. 0 = allowed and counted in every bucket; otherwise the wait in ms and no
 * bucket changed. */
int64_t auth_ratelimit_write(struct auth_ratelimit *rl, const struct auth_write_limits *lim,
                             int64_t user_id, const char *address, bool report, int64_t now_ms);

#endif
