/* Roles, scope, passwords (argon2id, length and common-password rules), tokens and CSRF.
 * Throttling rules are in throttle.c, their in-memory state in ratelimit.c. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"

static _Atomic int hash_cost = AUTH_COST_INTERACTIVE;

int auth_init(struct error *err)
{
    if (sodium_init() < 0)
        return error_set(err, WSP_EINTERNAL, "cannot initialize libsodium");
    return 0;
}

static const char *const role_names[] = {"", "admin", "pusat", "provinsi", "kabkota", "pelapor"};

enum auth_role auth_role_parse(const char *s)
{
    if (!s)
        return AUTH_ROLE_NONE;
    for (size_t i = 1; i < WSP_ARRAY_LEN(role_names); i++)
        if (strcmp(s, role_names[i]) == 0)
            return (enum auth_role)i;
    return AUTH_ROLE_NONE;
}

const char *auth_role_name(enum auth_role r)
{
    return (unsigned)r < WSP_ARRAY_LEN(role_names) ? role_names[r] : "";
}

/* Number of dotted segments of a code: "32" -> 1, "32.73" -> 2; 0 for "". */
static int code_depth(const char *code)
{
    if (!*code)
        return 0;
    int n = 1;
    for (const char *p = code; *p; p++)
        n += *p == '.';
    return n;
}

int auth_role_scope_valid(enum auth_role r, const char *scope, struct error *err)
{
    int depth = code_depth(scope ? scope : "");
    switch (r) {
    case AUTH_ROLE_ADMIN:
    case AUTH_ROLE_PUSAT:
        if (depth != 0)
            return error_set(err, WSP_EINVAL, "role '%s' is national and takes no region",
                             auth_role_name(r));
        return 0;
    case AUTH_ROLE_PROVINSI:
        if (depth != 1)
            return error_set(err, WSP_EINVAL, "role 'provinsi' needs a province code (e.g. '32')");
        return 0;
    case AUTH_ROLE_KABKOTA:
        if (depth != 2)
            return error_set(err, WSP_EINVAL,
                             "role 'kabkota' needs a regency/city code (e.g. '32.73')");
        return 0;
    case AUTH_ROLE_PELAPOR:
        if (depth != 1 && depth != 2)
            return error_set(err, WSP_EINVAL,
                             "role 'pelapor' needs a province or regency/city code");
        return 0;
    default:
        return error_set(err, WSP_EINVAL, "unknown role");
    }
}

bool auth_role_national(enum auth_role r)
{
    return r == AUTH_ROLE_ADMIN || r == AUTH_ROLE_PUSAT;
}

bool auth_role_officer(enum auth_role r)
{
    return auth_role_national(r) || r == AUTH_ROLE_PROVINSI || r == AUTH_ROLE_KABKOTA;
}

bool auth_scope_covers(const char *scope, const char *code)
{
    if (!scope || !*scope)
        return true;
    if (!code)
        return false;
    size_t n = strlen(scope);
    return strncmp(scope, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

bool auth_may_read(enum auth_role r, const char *scope, const char *code)
{
    switch (r) {
    case AUTH_ROLE_ADMIN:
    case AUTH_ROLE_PUSAT:
        return true;
    case AUTH_ROLE_PROVINSI:
    case AUTH_ROLE_KABKOTA:
    case AUTH_ROLE_PELAPOR:
        return auth_scope_covers(scope, code);
    default:
        return false;
    }
}

bool auth_may_write(enum auth_role r, const char *scope, const char *code)
{
    switch (r) {
    case AUTH_ROLE_ADMIN:
    case AUTH_ROLE_PUSAT:
        return true;
    case AUTH_ROLE_PROVINSI:
    case AUTH_ROLE_KABKOTA:
    case AUTH_ROLE_PELAPOR:
        return scope && *scope && auth_scope_covers(scope, code);
    default:
        return false;
    }
}

/* ---- passwords -------------------------------------------------------------------------- */

void auth_set_cost(enum auth_cost c)
{
    hash_cost = (int)c;
}

/* The common-password list, loaded once: lower-cased copies, sorted for bsearch. Process
 * lifetime (read-only after the pthread_once). */
#define COMMON_PASSWORDS_FILE "auth/common-passwords.txt"
static pthread_once_t common_once = PTHREAD_ONCE_INIT;
static char **common_list;
static size_t common_count;
static char common_error[sizeof(((struct error *)0)->msg)];

static void ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void common_load(void)
{
    struct data_blob b;
    struct error err = {0};
    if (data_read(COMMON_PASSWORDS_FILE, &b, &err) != 0) {
        str_copy(common_error, err.msg, sizeof(common_error));
        return;
    }
    size_t cap = 1;
    for (size_t i = 0; i < b.len; i++)
        cap += b.data[i] == '\n';
    char **list = xcalloc(cap, sizeof(*list));
    size_t n = 0;
    const char *p = b.data, *end = b.data + b.len;
    while (p < end && n < cap) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len) {
            list[n] = xstrndup(p, len);
            ascii_lower(list[n++]);
        }
        p = nl ? nl + 1 : end;
    }
    data_blob_free(&b);
    qsort(list, n, sizeof(*list), cmp_str);
    common_list = list;
    common_count = n;
    if (n == 0)
        str_copy(common_error, "the list of common passwords is empty", sizeof(common_error));
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

int auth_password_policy(const char *password, struct error *err)
{
    size_t len = strlen(password);
    if (len > AUTH_PASSWORD_MAX)
        return error_set(err, WSP_EINVAL, "password must have at most %d characters",
                         AUTH_PASSWORD_MAX);
    if (!utf8_valid(password, len))
        return error_set(err, WSP_EINVAL, "password is not valid UTF-8");
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return error_set(err, WSP_EINVAL, "password contains control characters");
    if (utf8_chars(password) < AUTH_PASSWORD_MIN)
        return error_set(err, WSP_EINVAL, "password must have at least %d characters",
                         AUTH_PASSWORD_MIN);
    pthread_once(&common_once, common_load);
    if (common_count == 0)
        return error_set(err, WSP_EIO, "cannot check the password: %s", common_error);
    char lower[AUTH_PASSWORD_MAX + 1];
    str_copy(lower, password, sizeof(lower));
    ascii_lower(lower);
    const char *key = lower;
    bool common = bsearch(&key, common_list, common_count, sizeof(*common_list), cmp_str) != NULL;
    sodium_memzero(lower, sizeof(lower));
    if (common)
        return error_set(err, WSP_EINVAL,
                         "password is one of the 10,000 most common passwords; choose another");
    return 0;
}

int auth_password_hash(const char *password, char *out, size_t outsz, struct error *err)
{
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (hash_cost == AUTH_COST_MIN) {
        ops = crypto_pwhash_OPSLIMIT_MIN;
        mem = crypto_pwhash_MEMLIMIT_MIN;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (outsz < sizeof(hash))
        return error_set(err, WSP_EINTERNAL, "hash buffer too small");
    if (crypto_pwhash_str_alg(hash, password, strlen(password), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return error_set(err, WSP_ENOMEM, "cannot hash password (out of memory)");
    str_copy(out, hash, outsz);
    sodium_memzero(hash, sizeof(hash));
    return 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || !*hash)
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- tokens ----------------------------------------------------------------------------- */

static void to_hex(const unsigned char *bin, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, bin, n);
}

void auth_token_new(char out[AUTH_TOKEN_HEX])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    to_hex(raw, sizeof(raw), out);
    sodium_memzero(raw, sizeof(raw));
}

void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    to_hex(h, sizeof(h), out);
}

void auth_csrf_for(const char *session_token, char out[AUTH_TOKEN_HEX])
{
    /* HMAC keyed by the session token: unguessable without the (HttpOnly) cookie, and it
     * changes with every session. The label separates it from any other derived value. */
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    static const char label[] = "waspada-csrf-v1";
    crypto_hash_sha256(key, (const unsigned char *)session_token, strlen(session_token));
    crypto_auth_hmacsha256(mac, (const unsigned char *)label, sizeof(label) - 1, key);
    to_hex(mac, sizeof(mac), out);
    sodium_memzero(key, sizeof(key));
}

bool auth_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}

bool auth_csrf_check(const char *session_token, const char *csrf)
{
    if (!session_token || !csrf || !*csrf)
        return false;
    char want[AUTH_TOKEN_HEX];
    auth_csrf_for(session_token, want);
    return auth_equal(want, csrf);
}
