/* Accounts: GET/POST /users, GET/PATCH /users/{id}, POST /users/{id}/password.
 *
 * Who may do what: admin manages everyone; a provinsi operator manages kabkota and pelapor
 * accounts inside its province, a kabkota operator pelapor accounts inside its regency
 * (http_may_manage); everyone may change their own password. */
#include <stdint.h>
#include <string.h>

#include "http/http_internal.h"

#define USERNAME_MAX 63
#define FULL_NAME_MAX 127

static bool username_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > USERNAME_MAX)
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* The {id} path parameter, loaded with the user; replies and returns < 0 on failure. */
static int load_target(struct http_request *rq, struct store *st, struct store_user *target)
{
    long id;
    if (str_to_long(rq->params[0], 1, INT32_MAX, &id) != 0)
        return http_reply_error(rq, WSP_EINVAL, "user id must be a positive integer");
    struct error err = {0};
    int rc = store_user_get(st, (int64_t)id, target, &err);
    if (rc == WSP_ENOTFOUND)
        return http_reply_error(rq, WSP_ENOTFOUND, "no user with id %ld", id);
    if (rc)
        return http_reply_err(rq, &err);
    return 0;
}

static bool may_manage_user(const struct http_request *rq, const struct store_user *target)
{
    return http_may_manage(rq->role, rq->user.region, auth_role_parse(target->role),
                           target->region);
}

static void reply_user(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_user u;
    struct error err = {0};
    if (store_user_get(st, id, &u, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    /* The number for those who may see the account (the caller checked), opened. */
    char phone[32];
    if (store_user_phone(st, id, phone, sizeof(phone), &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *ju = http_json_user(&u);
    json_object_set_new(ju, "phone", phone[0] ? json_string(phone) : json_null());
    http_reply_json(rq, status, json_pack("{s:o}", "user", ju));
}

void http_handle_users_list(struct http_request *rq)
{
    if (rq->role != AUTH_ROLE_ADMIN && rq->role != AUTH_ROLE_PROVINSI &&
        rq->role != AUTH_ROLE_KABKOTA) {
        http_reply_error(rq, WSP_EPERM, "not allowed to list users");
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_user *users = NULL;
    size_t n = 0;
    struct error err = {0};
    if (store_user_list(st, &rq->arena, &users, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        if (http_may_view_user(rq->role, rq->user.region, users[i].region))
            json_array_append_new(items, http_json_user(&users[i]));
    http_reply_json(
        rq, MHD_HTTP_OK,
        json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(items), "items", items));
}

void http_handle_users_add(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    struct error err = {0};
    const char *username, *password, *role_name, *region, *full_name;
    if (http_json_string(body, "username", true, USERNAME_MAX, &username, &err) ||
        http_json_string(body, "password", true, AUTH_PASSWORD_MAX, &password, &err) ||
        http_json_string(body, "role", true, 16, &role_name, &err) ||
        http_json_string(body, "region", false, 31, &region, &err) ||
        http_json_string(body, "full_name", false, FULL_NAME_MAX, &full_name, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (!region)
        region = "";
    if (!full_name)
        full_name = "";
    if (!username_valid(username)) {
        http_reply_error(rq, WSP_EINVAL, "username must be 2-%d letters, digits, '.', '_' or '-'",
                         USERNAME_MAX);
        return;
    }
    enum auth_role role = auth_role_parse(role_name);
    if (role == AUTH_ROLE_NONE) {
        http_reply_error(rq, WSP_EINVAL, "unknown role '%s'", role_name);
        return;
    }
    if (region[0] && !geo_code_valid(region)) {
        http_reply_error(rq, WSP_EINVAL, "'%s' is not a region code", region);
        return;
    }
    if (!http_may_manage(rq->role, rq->user.region, role, region)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to create a %s user in '%s'",
                         auth_role_name(role), region[0] ? region : "national scope");
        return;
    }
    if (auth_role_scope_valid(role, region, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (region[0] && !geo_get(rq->srv->geo, region)) {
        http_reply_error(rq, WSP_EINVAL, "unknown region '%s'", region);
        return;
    }
    if (auth_password_policy(password, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    char hash[AUTH_HASH_MAX];
    if (auth_password_hash(password, hash, sizeof(hash), &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_user u;
    memset(&u, 0, sizeof(u));
    str_copy(u.username, username, sizeof(u.username));
    str_copy(u.role, auth_role_name(role), sizeof(u.role));
    str_copy(u.region, region, sizeof(u.region));
    str_copy(u.full_name, full_name, sizeof(u.full_name));
    struct store_actor actor;
    http_actor(rq, &actor);
    int64_t id = 0;
    if (store_user_add(st, &u, hash, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_user(rq, st, MHD_HTTP_CREATED, id);
}

void http_handle_user_get(struct http_request *rq)
{
    struct store *st = http_store(rq);
    struct store_user target = {0};
    if (!st || load_target(rq, st, &target))
        return;
    if (target.id != rq->user.id && !http_may_view_user(rq->role, rq->user.region, target.region)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to see this user");
        return;
    }
    reply_user(rq, st, MHD_HTTP_OK, target.id); /* with the phone */
}

void http_handle_user_patch(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    struct store_user target = {0};
    if (!st || load_target(rq, st, &target))
        return;
    if (!may_manage_user(rq, &target)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to change this user");
        return;
    }
    /* {"disabled": true|false} and/or {"phone": "+62..." | "08..." | null}: the reporter's
     * number for field messages (POST /intake/{channel}), normalised, sealed and hashed. */
    json_t *disabled = json_object_get(body, "disabled");
    json_t *phone = json_object_get(body, "phone");
    size_t known = (disabled ? 1 : 0) + (phone ? 1 : 0);
    if (known == 0 || json_object_size(body) != known || (disabled && !json_is_boolean(disabled)) ||
        (phone && !json_is_string(phone) && !json_is_null(phone))) {
        http_reply_error(rq, WSP_EINVAL,
                         "body must be {\"disabled\": true|false} and/or {\"phone\": \"+62...\" "
                         "| null}");
        return;
    }
    if (target.id == rq->user.id && json_is_true(disabled)) {
        http_reply_error(rq, WSP_EINVAL, "cannot disable your own account");
        return;
    }
    struct store_actor actor;
    http_actor(rq, &actor);
    struct error err = {0};
    if (phone && http_user_phone_set(rq, st, target.id, json_string_value(phone), &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (disabled &&
        store_user_set_disabled(st, target.id, json_is_true(disabled), &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (json_is_true(disabled)) /* the store ended the sessions; their streams end too */
        http_alerts_end_streams(rq->srv, target.id, NULL);
    reply_user(rq, st, MHD_HTTP_OK, target.id);
}

void http_handle_user_password(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    struct store_user target = {0};
    if (!st || load_target(rq, st, &target))
        return;
    if (target.id != rq->user.id && !may_manage_user(rq, &target)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to change this user's password");
        return;
    }
    struct error err = {0};
    const char *password, *current = NULL;
    bool own = target.id == rq->user.id;
    if (http_json_string(body, "password", true, AUTH_PASSWORD_MAX, &password, &err) ||
        http_json_string(body, "current_password", own, AUTH_PASSWORD_MAX, &current, &err) ||
        auth_password_policy(password, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    /* Changing one's own password needs the current one: a session left open on a shared
     * computer must not be enough to take the account over. */
    if (own) {
        /* Guessing it is throttled like a login of this user from this address. */
        int64_t wait;
        if (http_login_admit(rq, st, target.username, &wait) != 0)
            return;
        if (wait) {
            char retry[16];
            snprintf(retry, sizeof(retry), "%u", auth_wait_seconds(wait));
            http_reply_error(rq, WSP_ERATE, "too many wrong passwords; try again in %s s", retry);
            http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, retry);
            return;
        }
        struct store_user auth;
        if (store_user_get_auth(st, target.username, &auth, &err) != 0) {
            http_reply_err(rq, &err);
            return;
        }
        bool ok = auth_password_verify(auth.password_hash, current);
        memset(auth.password_hash, 0, sizeof(auth.password_hash));
        http_login_record(rq, st, target.username, ok);
        if (!ok) {
            http_reply_error(rq, WSP_EPERM, "current password is wrong");
            return;
        }
    }
    char hash[AUTH_HASH_MAX];
    if (auth_password_hash(password, hash, sizeof(hash), &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_actor actor;
    http_actor(rq, &actor);
    if (store_user_set_password(st, target.id, hash, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_alerts_end_streams(rq->srv, target.id, NULL);
    /* The store ended all of the target's sessions, this one too when it was their own. */
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b, s:b}", "ok", 1, "logged_out", own));
    if (own)
        http_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, http_session_cookie(rq, NULL, 0));
}
