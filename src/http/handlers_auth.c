/* POST /auth/login, POST /auth/logout, GET /auth/me. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

#define LOGIN_USERNAME_MAX 64

/* A real argon2id string for unknown users, so that "no such user" costs the same time as
 * "wrong password" and does not reveal which usernames exist. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[AUTH_HASH_MAX];

static void dummy_hash_init(void)
{
    char pw[AUTH_TOKEN_HEX];
    auth_token_new(pw);
    if (auth_password_hash(pw, dummy_hash, sizeof(dummy_hash), NULL) != 0)
        dummy_hash[0] = '\0';
}

/* {"user":{...},"csrf_token":"..."}: what login and /auth/me answer. */
static json_t *me_json(const struct store_user *u, const char *token)
{
    char csrf[AUTH_TOKEN_HEX];
    auth_csrf_for(token, csrf);
    return json_pack("{s:o,s:s}", "user", http_json_user(u), "csrf_token", csrf);
}

static void audit_failed(struct http_request *rq, struct store *st, const char *username,
                         const char *reason)
{
    struct store_actor actor;
    http_actor(rq, &actor);
    json_t *after = json_pack("{s:o,s:s}", "username", http_json_str(username), "reason", reason);
    char *after_text = after ? json_dumps(after, JSON_COMPACT) : NULL;
    struct error err = {0};
    if (store_audit_add(st, &actor, "auth.login_failed", "user", NULL, NULL, after_text, &err))
        LOG_W("http", "cannot audit failed login: %s", err.msg);
    free(after_text);
    json_decref(after);
}

void http_handle_login(struct http_request *rq)
{
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    struct error err = {0};
    const char *username, *password;
    if (http_json_string(body, "username", true, 1024, &username, &err) ||
        http_json_string(body, "password", true, 4096, &password, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;

    /* Throttle first, so a held-back caller cannot keep guessing (and costs no hash). The
     * rules (auth_login_admit): waits grow per (user, address) and per address, and a user
     * guessed at from many addresses gets one shared slot; never a lock for everyone. */
    int64_t wait;
    if (http_login_admit(rq, st, username, &wait) != 0)
        return;
    if (wait) {
        char retry[16];
        snprintf(retry, sizeof(retry), "%u", auth_wait_seconds(wait));
        LOG_W("http", "login held back by the throttle for %s s", retry);
        http_reply_error(rq, WSP_ERATE, "too many failed logins, try again in %s s", retry);
        http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, retry);
        return;
    }

    struct store_user user;
    const char *reason = NULL;
    int rc = strlen(username) > LOGIN_USERNAME_MAX ? WSP_ENOTFOUND
                                                   : store_user_get_auth(st, username, &user, &err);
    if (rc == WSP_ENOTFOUND) {
        pthread_once(&dummy_once, dummy_hash_init);
        if (dummy_hash[0])
            (void)auth_password_verify(dummy_hash, password);
        reason = "unknown_user";
    } else if (rc) {
        http_reply_err(rq, &err);
        return;
    } else if (!auth_password_verify(user.password_hash, password)) {
        reason = "bad_password";
    } else if (user.disabled) {
        reason = "disabled";
    }
    memset(user.password_hash, 0, sizeof(user.password_hash));
    if (reason) {
        http_login_record(rq, st, username, false);
        audit_failed(rq, st, username, reason);
        LOG_I("http", "failed login from %s", rq->client);
        http_reply_error(rq, WSP_EAUTH, "wrong username or password");
        return;
    }
    http_login_record(rq, st, username, true);

    char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX];
    auth_token_new(token);
    auth_token_hash(token, hash);
    unsigned ttl = rq->srv->cfg.session_ttl_s;
    int64_t now = time_now();
    struct store_actor actor = {user.id, user.username, rq->client[0] ? rq->client : NULL};
    char object_id[32];
    snprintf(object_id, sizeof(object_id), "%lld", (long long)user.id);
    /* A session this browser still holds ends with the new login, whoever it belonged to:
     * one browser, one session, and no forgotten session lives on beside the new one. */
    const char *old_token =
        MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    char old_hash[AUTH_TOKEN_HEX] = "";
    if (old_token && strlen(old_token) == AUTH_TOKEN_HEX - 1)
        auth_token_hash(old_token, old_hash);
    rc = store_begin(st, &err);
    if (!rc && old_hash[0])
        rc = store_session_delete(st, old_hash, &err);
    if (!rc)
        rc = store_session_create(st, hash, user.id, now + (int64_t)ttl, actor.client, &err);
    if (!rc)
        rc = store_audit_add(st, &actor, "auth.login", "user", object_id, NULL, NULL, &err);
    if (!rc)
        rc = store_commit(st, &err);
    if (rc) {
        store_rollback(st);
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK, me_json(&user, token));
    http_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, http_session_cookie(rq, token, ttl));
}

void http_handle_logout(struct http_request *rq)
{
    struct store *st = http_store(rq);
    if (!st)
        return;
    char hash[AUTH_TOKEN_HEX], object_id[32];
    auth_token_hash(rq->token, hash);
    snprintf(object_id, sizeof(object_id), "%lld", (long long)rq->user.id);
    struct store_actor actor;
    http_actor(rq, &actor);
    struct error err = {0};
    int rc = store_begin(st, &err);
    if (!rc)
        rc = store_session_delete(st, hash, &err);
    if (rc == WSP_ENOTFOUND)
        rc = 0; /* ended concurrently: still logged out */
    if (!rc)
        rc = store_audit_add(st, &actor, "auth.logout", "user", object_id, NULL, NULL, &err);
    if (!rc)
        rc = store_commit(st, &err);
    if (rc) {
        store_rollback(st);
        http_reply_err(rq, &err);
        return;
    }
    http_alerts_end_streams(rq->srv, rq->user.id, hash);
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b}", "ok", 1));
    http_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, http_session_cookie(rq, NULL, 0));
}

void http_handle_me(struct http_request *rq)
{
    if (http_session_full_name(rq))
        return;
    http_reply_json(rq, MHD_HTTP_OK, me_json(&rq->user, rq->token));
}
