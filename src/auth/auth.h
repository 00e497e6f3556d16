/*
 * auth: roles, region scope, passwords, session tokens, CSRF tokens and login rate limits.
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

#define AUTH_HASH_MAX 128 /* >= crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 256

enum auth_cost { AUTH_COST_INTERACTIVE = 0, AUTH_COST_MIN = 1 };
/* AUTH_COST_MIN exists for tests only: argon2id with the smallest allowed limits. */
void auth_set_cost(enum auth_cost c);

/* Check length bounds and that it is valid UTF-8 without control characters. */
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

/* ---- login rate limiting ---------------------------------------------------------------- */

/*
 * Failed logins counted per key ("user:NAME" and "ip:ADDR") in a sliding window. After
 * `max_failures` failures inside `window_s` seconds the key is blocked until the oldest
 * failure leaves the window. A success clears the user key (not the address key). Bounded
 * memory: at most `capacity` keys, the stalest evicted first. Thread-safe.
 */
struct auth_ratelimit;

struct auth_ratelimit *auth_ratelimit_new(unsigned max_failures, unsigned window_s,
                                          size_t capacity);
void auth_ratelimit_free(struct auth_ratelimit *rl);
/* 0 when allowed; otherwise the number of seconds until the key may try again. */
unsigned auth_ratelimit_check(struct auth_ratelimit *rl, const char *key, int64_t now);
void auth_ratelimit_fail(struct auth_ratelimit *rl, const char *key, int64_t now);
void auth_ratelimit_clear(struct auth_ratelimit *rl, const char *key);

#endif
