/* Field messages in (issue 16, item 3): SMS/WhatsApp gateways post what they receive; the rules
 * are src/intake (signature, numbers, keyword format, replies), the report is made as the web
 * form makes it (http_report_submit).
 *
 * POST /api/v1/intake/{channel}: no session and no CSRF token; the channel's secret signs the
 * request (X-Waspada-Timestamp, X-Waspada-Signature: sha256=<HMAC-SHA256 of
 * "<timestamp>.<body>">, at most 5 minutes off the server's clock). 401 and nothing stored
 * when it does not verify. Body {"message_id", "from", "text", "received_at"?, "via"?}. Each
 * message id of a channel is answered once: the answer is stored with what the message made
 * (one transaction), and a resend gets the same status and body again, with the header
 * Idempotent-Replayed: true, storing nothing. Answers: 201 a report (the sender's number is a
 * registered, active user's), 202 a lead (an unknown number: kept for an officer, never
 * public), 200 a reply only (the format asked for, or a message that is not a report). Each
 * answer has the reply text for the gateway to send back. The channel's rate (messages a
 * minute, counted after the signature) answers 429 with Retry-After beyond it.
 *
 * GET/POST /api/v1/intake-channels, PATCH /api/v1/intake-channels/{name}: admin only; the
 * secret is shown once, when made.
 * GET /api/v1/intake-leads[/{id}], POST /api/v1/intake-leads/{id}/promote|discard: admin, and
 * officers for the leads that gave a region inside their scope (the national desk reads them
 * all but decides none of them; a lead without a region is admin's). A promoted lead becomes
 * a report of the officer who promoted it (the report's fields say it came from the lead).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "http/http_internal.h"
#include "intake/intake.h"

#define INTAKE_MESSAGE_ID_MAX 128
#define INTAKE_TEXT_MAX 4096 /* a long WhatsApp message; SMS are 160 characters a part */
#define INTAKE_WHAT_MAX 300  /* the start of a message that becomes the report's "what" */

/* ---- numbers ------------------------------------------------------------------------------- */

/* The lookup hash of a normalised number with this database's phone key. */
static int phone_hash(struct store *st, const char *e164, char out[INTAKE_HASH_HEX],
                      struct error *err)
{
    unsigned char key[INTAKE_KEY_BYTES];
    int rc = store_phone_key(st, key, err);
    if (!rc)
        intake_phone_hash(key, e164, out);
    sodium_memzero(key, sizeof(key));
    return rc;
}

int http_user_phone_set(struct http_request *rq, struct store *st, int64_t user_id,
                        const char *phone, struct error *err)
{
    struct store_actor actor;
    http_actor(rq, &actor);
    if (!phone || !*phone)
        return store_user_set_phone(st, user_id, NULL, NULL, &actor, err);
    char e164[INTAKE_PHONE_MAX], hash[INTAKE_HASH_HEX];
    int rc = intake_phone_normalise(phone, e164, err);
    if (!rc)
        rc = phone_hash(st, e164, hash, err);
    if (!rc)
        rc = store_user_set_phone(st, user_id, e164, hash, &actor, err);
    return rc;
}

/* ---- the webhook --------------------------------------------------------------------------- */

/* The channel's rate: a bucket of the write throttle keyed by the channel, in the server's
 * memory (SQLite) or the database (PostgreSQL, shared by the servers), as session.c counts
 * writes. 0 when allowed; otherwise replied (429 or 503). */
static int channel_quota(struct http_request *rq, struct store *st,
                         const struct store_intake_channel *c)
{
    if (c->rate_per_minute <= 0)
        return 0;
    struct auth_write_limits lim = {.address = {(unsigned)c->rate_per_minute, 60}};
    char key[80];
    snprintf(key, sizeof(key), "intake/%s", c->name);
    int64_t wait = 0;
    if (str_eq(store_engine_name(st), "postgresql")) {
        struct error err = {0};
        if (store_throttle_write(st, &lim, 0, key, false, store_throttle_now_ms(), &wait, &err)) {
            LOG_E("http", "intake throttle state unavailable, refusing: %s", err.msg);
            int rc = http_reply_error(rq, WSP_EBUSY, "cannot check the channel's rate, try later");
            http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, HTTP_THROTTLE_RETRY_S);
            return rc;
        }
    } else {
        wait = auth_ratelimit_write(rq->srv->ratelimit, &lim, 0, key, false, time_mono_ms());
    }
    if (wait == 0)
        return 0;
    char retry[16];
    snprintf(retry, sizeof(retry), "%u", auth_wait_seconds(wait));
    int rc = http_reply_error(rq, WSP_ERATE,
                              "channel '%s' is over its rate of %" PRId64
                              " messages a minute, try again in %s s",
                              c->name, c->rate_per_minute, retry);
    http_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, retry);
    return rc;
}

/* A text member that may hold line breaks (which http_json_string refuses). */
static int json_text(json_t *body, const char *key, size_t max, const char **out, struct error *err)
{
    json_t *v = json_object_get(body, key);
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return error_set(err, WSP_EINVAL, "'%s' must be a string", key);
    if (json_string_length(v) > max)
        return error_set(err, WSP_ETOOBIG, "'%s' is over %zu bytes", key, max);
    *out = json_string_value(v);
    return 0;
}

/* Reply with a stored answer (the same bytes the first time and on every resend). */
static void reply_answer(struct http_request *rq, int status, const char *answer, bool replayed)
{
    json_t *v = json_loads(answer, 0, NULL);
    http_reply_json(rq, (unsigned)status, v);
    if (replayed)
        http_add_header(rq, "Idempotent-Replayed", "true");
}

struct answer {
    int64_t channel_id;
    const char *message_id;
    int status;
    const char *outcome; /* report, lead, reply */
    char reply[INTAKE_REPLY_MAX];
    int64_t report_id, event_id, lead_id;
    char *text; /* the answer as stored (malloc'd by make_answer) */
};

static char *make_answer(const struct answer *a)
{
    json_t *v =
        json_pack("{s:s,s:s,s:o,s:o,s:o,s:s}", "message_id", a->message_id, "outcome", a->outcome,
                  "report_id", a->report_id ? json_integer(a->report_id) : json_null(), "event_id",
                  a->event_id ? json_integer(a->event_id) : json_null(), "lead_id",
                  a->lead_id ? json_integer(a->lead_id) : json_null(), "reply", a->reply);
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    return s;
}

/* Record the answer (inside the caller's transaction when there is one). */
static int put_answer(struct store *st, struct answer *a, struct error *err)
{
    free(a->text);
    a->text = make_answer(a);
    if (!a->text)
        return error_set(err, WSP_ENOMEM, "out of memory");
    return store_intake_answer_put(st, a->channel_id, a->message_id, a->status, a->text,
                                   a->report_id, a->lead_id, err);
}

static int report_in_tx(struct store *st, const struct http_report_out *out, void *ud,
                        struct error *err)
{
    struct answer *a = ud;
    a->report_id = out->report_id;
    a->event_id = out->event_id;
    intake_reply(INTAKE_REPLY_ACCEPTED, NULL, out->report_id, a->reply, sizeof(a->reply));
    return put_answer(st, a, err);
}

/* Split a message into the report's "what" (its start, cut at a space) and the rest. */
static void split_text(struct http_request *rq, const char *text, size_t len, const char **what,
                       const char **rest)
{
    *rest = NULL;
    if (len <= INTAKE_WHAT_MAX) {
        *what = arena_strndup(&rq->arena, text, len);
        return;
    }
    size_t cut = INTAKE_WHAT_MAX;
    while (cut > 0 && text[cut] != ' ' && text[cut] != '\n')
        cut--;
    if (cut == 0) { /* one long word: cut at a character boundary */
        cut = INTAKE_WHAT_MAX;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--;
    }
    *what = arena_strndup(&rq->arena, text, cut);
    *rest = arena_strndup(&rq->arena, text + cut, len - cut);
}

/* The reply's text for a message that goes no further; recorded and answered 200. */
static void answer_reply(struct http_request *rq, struct store *st, struct answer *a)
{
    struct error err = {0};
    a->status = MHD_HTTP_OK;
    a->outcome = "reply";
    int rc = put_answer(st, a, &err);
    bool found = false;
    int status;
    const char *stored;
    if (rc == 0)
        reply_answer(rq, a->status, a->text, false);
    else if (rc == WSP_EEXIST &&
             store_intake_answer_get(st, a->channel_id, a->message_id, &rq->arena, &found, &status,
                                     &stored, &err) == 0 &&
             found)
        reply_answer(rq, status, stored, true); /* a concurrent resend answered first */
    else
        http_reply_err(rq, &err);
}

void http_handle_intake(struct http_request *rq)
{
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct error err = {0};
    struct store_intake_channel ch;
    int rc = store_intake_channel_get(st, rq->params[0], &ch, &err);
    if (rc) {
        http_reply_err(rq, &err);
        return;
    }
    if (ch.disabled || !ch.secret[0]) {
        sodium_memzero(ch.secret, sizeof(ch.secret));
        http_reply_error(rq, WSP_EPERM, "intake channel '%s' is %s", ch.name,
                         ch.disabled ? "disabled" : "without a secret: give it a new one");
        return;
    }
    /* The signature covers the body as sent, before any parsing. */
    rc = intake_verify(ch.secret, http_header(rq, INTAKE_TIMESTAMP_HEADER),
                       http_header(rq, INTAKE_SIGNATURE_HEADER), rq->body.data ? rq->body.data : "",
                       rq->body.len, time_now(), &err);
    sodium_memzero(ch.secret, sizeof(ch.secret));
    if (rc) {
        LOG_I("http", "intake channel '%s': refused: %s", ch.name, err.msg);
        http_reply_err(rq, &err);
        return;
    }
    if (channel_quota(rq, st, &ch))
        return;
    json_t *body;
    if (http_request_json(rq, &body))
        return;
    static const char *const known[] = {"message_id", "from", "text", "received_at", "via"};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < WSP_ARRAY_LEN(known); i++)
            ok |= str_eq(key, known[i]);
        if (!ok) {
            http_reply_error(rq, WSP_EINVAL, "unknown field '%s'", key);
            return;
        }
    }
    const char *message_id = NULL, *from = NULL, *text = NULL, *received = NULL, *via = NULL;
    if (http_json_string(body, "message_id", true, INTAKE_MESSAGE_ID_MAX, &message_id, &err) ||
        http_json_string(body, "from", true, 64, &from, &err) ||
        json_text(body, "text", (size_t)INTAKE_TEXT_MAX * 4, &text, &err) ||
        http_json_string(body, "received_at", false, 40, &received, &err) ||
        http_json_string(body, "via", false, 32, &via, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (!message_id[0]) {
        http_reply_error(rq, WSP_EINVAL, "'message_id' must not be empty");
        return;
    }
    int64_t received_at = time_now();
    if (received && time_parse_iso(received, &received_at) != 0) {
        http_reply_error(rq, WSP_EINVAL, "'received_at' must be an ISO-8601 time");
        return;
    }
    char e164[INTAKE_PHONE_MAX], hash[INTAKE_HASH_HEX];
    if (intake_phone_normalise(from, e164, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }

    /* A resend: the first answer again, nothing stored. */
    bool found;
    int status;
    const char *stored;
    if (store_intake_answer_get(st, ch.id, message_id, &rq->arena, &found, &status, &stored,
                                &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (found) {
        reply_answer(rq, status, stored, true);
        return;
    }

    struct answer a = {.channel_id = ch.id, .message_id = message_id};
    struct intake_message m;
    intake_parse(text, &m);
    if (m.kind != INTAKE_REPORT) {
        intake_reply(intake_reply_for(&m), m.bad, 0, a.reply, sizeof(a.reply));
        answer_reply(rq, st, &a);
        goto out;
    }
    if (m.text_len > INTAKE_TEXT_MAX) {
        intake_reply(INTAKE_REPLY_TOO_LONG, NULL, 0, a.reply, sizeof(a.reply));
        answer_reply(rq, st, &a);
        goto out;
    }
    const struct geo_region *given = m.region[0] ? geo_get(rq->srv->geo, m.region) : NULL;
    if (phone_hash(st, e164, hash, &err) != 0) {
        http_reply_err(rq, &err);
        goto out;
    }
    struct store_user user;
    rc = store_user_by_phone(st, hash, &user, &err);
    if (rc && rc != WSP_ENOTFOUND) {
        http_reply_err(rq, &err);
        goto out;
    }
    enum auth_role role = rc ? AUTH_ROLE_NONE : auth_role_parse(user.role);
    bool reporter = rc == 0 && !user.disabled && role != AUTH_ROLE_NONE &&
                    (auth_role_national(role) || user.region[0]);

    if (!reporter) {
        /* An unknown number (or a disabled account): a lead for an officer, never a report. */
        struct store_intake_lead lead = {.channel_id = ch.id,
                                         .phone = e164,
                                         .phone_hash = hash,
                                         .region_code = given ? given->code : NULL,
                                         .text = arena_strndup(&rq->arena, m.text, m.text_len),
                                         .via = via,
                                         .received_at = received_at};
        struct store_actor actor = {0, "intake", NULL};
        char who[96];
        snprintf(who, sizeof(who), "intake:%s", ch.name);
        actor.username = who;
        a.status = MHD_HTTP_ACCEPTED;
        a.outcome = "lead";
        intake_reply(INTAKE_REPLY_LEAD, NULL, 0, a.reply, sizeof(a.reply));
        rc = lead.text ? store_begin(st, &err) : error_set(&err, WSP_ENOMEM, "out of memory");
        if (!rc) {
            rc = store_intake_lead_add(st, &lead, &actor, &a.lead_id, &err);
            if (!rc)
                rc = put_answer(st, &a, &err);
            if (!rc)
                rc = store_commit(st, &err);
            else
                store_rollback(st);
        }
        goto done;
    }

    if (m.region[0] && !given) {
        intake_reply(INTAKE_REPLY_UNKNOWN, m.region, 0, a.reply, sizeof(a.reply));
        answer_reply(rq, st, &a);
        goto out;
    }
    if (given && !auth_may_write(role, user.region, given->code)) {
        intake_reply(INTAKE_REPLY_OUT_SCOPE, given->code, 0, a.reply, sizeof(a.reply));
        answer_reply(rq, st, &a);
        goto out;
    }
    const char *what, *rest;
    split_text(rq, m.text, m.text_len, &what, &rest);
    json_t *extra = json_pack("{s:s,s:s,s:o}", "channel", ch.name, "message_id", message_id, "via",
                              http_json_str(via));
    struct store_actor actor = {user.id, user.username, NULL};
    struct http_report_in in = {.user = &user,
                                .role = role,
                                .actor = &actor,
                                .what = what,
                                .where = given ? given->code : NULL,
                                .text = rest,
                                .killed = -1,
                                .injured = -1,
                                .extra_fields = extra,
                                .in_tx = report_in_tx,
                                .ud = &a};
    a.status = MHD_HTTP_CREATED;
    a.outcome = "report";
    struct http_report_out out;
    rc = what ? http_report_submit(rq, &in, &out, &err)
              : error_set(&err, WSP_ENOMEM, "request arena exhausted");
    json_decref(extra);
    if (rc && rq->replied)
        goto out;
done:
    if (rc == WSP_EEXIST &&
        store_intake_answer_get(st, ch.id, message_id, &rq->arena, &found, &status, &stored,
                                &err) == 0 &&
        found) {
        reply_answer(rq, status, stored, true); /* a concurrent resend answered first */
        goto out;
    }
    if (rc)
        http_reply_err(rq, &err);
    else
        reply_answer(rq, a.status, a.text, false);
out:
    free(a.text);
}

/* ---- channels ------------------------------------------------------------------------------ */

static json_t *json_channel(const struct store_intake_channel *c)
{
    return json_pack("{s:I,s:s,s:I,s:b,s:o,s:o}", "id", (json_int_t)c->id, "name", c->name,
                     "rate_per_minute", (json_int_t)c->rate_per_minute, "disabled", c->disabled,
                     "created_at", http_json_time(c->created_at), "updated_at",
                     http_json_time(c->updated_at));
}

static bool admin_only(struct http_request *rq)
{
    if (rq->role == AUTH_ROLE_ADMIN)
        return true;
    http_reply_error(rq, WSP_EPERM, "only admin manages intake channels");
    return false;
}

void http_handle_intake_channels_list(struct http_request *rq)
{
    struct store *st = admin_only(rq) ? http_store(rq) : NULL;
    if (!st)
        return;
    struct store_intake_channel *cs;
    size_t n;
    struct error err = {0};
    if (store_intake_channel_list(st, &rq->arena, &cs, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_channel(&cs[i]));
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "items", items));
}

/* The channel and, when made now, its secret (shown this once). */
static void reply_channel(struct http_request *rq, struct store *st, unsigned status,
                          const char *name, const char *secret)
{
    struct store_intake_channel c;
    struct error err = {0};
    if (store_intake_channel_get(st, name, &c, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    sodium_memzero(c.secret, sizeof(c.secret));
    json_t *v = json_pack("{s:o}", "channel", json_channel(&c));
    if (secret)
        json_object_set_new(v, "secret", json_string(secret));
    http_reply_json(rq, status, v);
}

void http_handle_intake_channels_add(struct http_request *rq)
{
    json_t *body;
    if (!admin_only(rq) || http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct error err = {0};
    const char *name;
    json_t *rate = json_object_get(body, "rate_per_minute");
    if (http_json_string(body, "name", true, 63, &name, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (json_object_size(body) != (rate ? 2u : 1u) ||
        (rate && (!json_is_integer(rate) || json_integer_value(rate) < 0))) {
        http_reply_error(rq, WSP_EINVAL,
                         "body must be {\"name\": \"...\", \"rate_per_minute\": N (optional)}");
        return;
    }
    char secret[INTAKE_SECRET_HEX];
    intake_secret_new(secret);
    struct store_actor actor;
    http_actor(rq, &actor);
    if (store_intake_channel_add(st, name, secret, rate ? json_integer_value(rate) : 60, &actor,
                                 NULL, &err) != 0)
        http_reply_err(rq, &err);
    else
        reply_channel(rq, st, MHD_HTTP_CREATED, name, secret);
    sodium_memzero(secret, sizeof(secret));
}

void http_handle_intake_channel_patch(struct http_request *rq)
{
    json_t *body;
    if (!admin_only(rq) || http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct error err = {0};
    struct store_intake_channel c;
    if (store_intake_channel_get(st, rq->params[0], &c, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    sodium_memzero(c.secret, sizeof(c.secret));
    json_t *disabled = json_object_get(body, "disabled");
    json_t *renew = json_object_get(body, "new_secret");
    size_t known = (disabled ? 1 : 0) + (renew ? 1 : 0);
    if (known == 0 || json_object_size(body) != known || (disabled && !json_is_boolean(disabled)) ||
        (renew && !json_is_boolean(renew))) {
        http_reply_error(rq, WSP_EINVAL,
                         "body must be {\"disabled\": true|false} and/or {\"new_secret\": true}");
        return;
    }
    char secret[INTAKE_SECRET_HEX] = "";
    bool fresh = json_is_true(renew);
    if (fresh)
        intake_secret_new(secret);
    struct store_actor actor;
    http_actor(rq, &actor);
    if (store_intake_channel_update(st, c.name, disabled ? json_is_true(disabled) : c.disabled,
                                    fresh ? secret : NULL, &actor, &err) != 0)
        http_reply_err(rq, &err);
    else
        reply_channel(rq, st, MHD_HTTP_OK, c.name, fresh ? secret : NULL);
    sodium_memzero(secret, sizeof(secret));
}

/* ---- leads --------------------------------------------------------------------------------- */

/* May the caller see this lead? admin all; officers those with a region they may read. */
static bool may_see_lead(const struct http_request *rq, const char *region)
{
    if (rq->role == AUTH_ROLE_ADMIN)
        return true;
    return auth_role_officer(rq->role) && region && *region &&
           auth_may_read(rq->role, rq->user.region, region);
}

/* May the caller promote or discard it? admin; provinsi and kabkota inside their scope. */
static bool may_decide_lead(const struct http_request *rq, const char *region)
{
    if (rq->role == AUTH_ROLE_ADMIN)
        return true;
    return (rq->role == AUTH_ROLE_PROVINSI || rq->role == AUTH_ROLE_KABKOTA) && region && *region &&
           auth_scope_covers(rq->user.region, region);
}

static json_t *json_lead(struct http_request *rq, const struct store_intake_lead *l, bool full)
{
    char masked[32] = "";
    if (l->phone)
        intake_phone_mask(l->phone, masked, sizeof(masked));
    const struct geo_region *g = l->region_code ? geo_get(rq->srv->geo, l->region_code) : NULL;
    json_t *v = json_pack(
        "{s:I,s:s,s:o,s:o,s:o,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)l->id,
        "channel", l->channel ? l->channel : "", "phone",
        l->phone ? json_string(full ? l->phone : masked) : json_null(), "region_code",
        http_json_str(l->region_code), "region_name", g ? http_json_str(g->name) : json_null(),
        "text", l->text ? l->text : "", "via", http_json_str(l->via), "received_at",
        http_json_time(l->received_at), "status", l->status ? l->status : "", "report_id",
        l->report_id ? json_integer(l->report_id) : json_null(), "decided_by",
        http_json_str(l->decided_by), "decided_at", http_json_time(l->decided_at), "note",
        http_json_str(l->note), "created_at", http_json_time(l->created_at));
    return v;
}

void http_handle_intake_leads_list(struct http_request *rq)
{
    if (rq->role != AUTH_ROLE_ADMIN && !auth_role_officer(rq->role)) {
        http_reply_error(rq, WSP_EPERM, "leads are for officers");
        return;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_intake_lead_query q = {.limit = 50};
    if (rq->role != AUTH_ROLE_ADMIN) {
        q.scope = rq->user.region;
        q.regional_only = true;
    }
    const char *status = http_query(rq, "status"), *before = http_query(rq, "before"),
               *limit = http_query(rq, "limit");
    long lv;
    if (status && *status) {
        if (!str_eq(status, "baru") && !str_eq(status, "dipromosikan") &&
            !str_eq(status, "dibuang")) {
            http_reply_error(rq, WSP_EINVAL, "status is baru, dipromosikan or dibuang");
            return;
        }
        q.status = status;
    }
    if (before && *before) {
        if (str_to_long(before, 1, INT32_MAX, &lv) != 0) {
            http_reply_error(rq, WSP_EINVAL, "before must be a lead id");
            return;
        }
        q.before_id = lv;
    }
    if (limit && *limit) {
        if (str_to_long(limit, 1, 200, &lv) != 0) {
            http_reply_error(rq, WSP_EINVAL, "limit must be 1..200");
            return;
        }
        q.limit = (int)lv;
    }
    struct store_intake_lead *ls;
    size_t n;
    struct error err = {0};
    if (store_intake_lead_list(st, &q, &rq->arena, &ls, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_lead(rq, &ls[i], false));
    json_t *next = n == (size_t)q.limit && n > 0 ? json_integer(ls[n - 1].id) : json_null();
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o,s:o}", "items", items, "next_before", next));
}

/* The {id} lead, if the caller may see it; replies and returns false otherwise. */
static bool load_lead(struct http_request *rq, struct store *st, struct store_intake_lead *l)
{
    long id;
    struct error err = {0};
    if (str_to_long(rq->params[0], 1, INT32_MAX, &id) != 0) {
        http_reply_error(rq, WSP_EINVAL, "lead id must be a positive integer");
        return false;
    }
    int rc = store_intake_lead_get(st, id, &rq->arena, l, &err);
    /* Someone else's lead reads as no lead: its existence says something too. */
    if (rc == 0 && !may_see_lead(rq, l->region_code))
        rc = error_set(&err, WSP_ENOTFOUND, "no lead with id '%ld'", id);
    if (rc) {
        http_reply_err(rq, &err);
        return false;
    }
    return true;
}

void http_handle_intake_lead_get(struct http_request *rq)
{
    struct store *st = http_store(rq);
    struct store_intake_lead l;
    if (!st || !load_lead(rq, st, &l))
        return;
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "lead", json_lead(rq, &l, true)));
}

struct promote_ud {
    int64_t lead_id;
    const struct store_actor *actor;
};

static int promote_in_tx(struct store *st, const struct http_report_out *out, void *ud,
                         struct error *err)
{
    struct promote_ud *p = ud;
    return store_intake_lead_decide(st, p->lead_id, "dipromosikan", out->report_id, NULL, p->actor,
                                    err);
}

static void reply_lead(struct http_request *rq, struct store *st, unsigned status, int64_t id,
                       const struct http_report_out *out)
{
    struct store_intake_lead l;
    struct error err = {0};
    if (store_intake_lead_get(st, id, &rq->arena, &l, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *v = json_pack("{s:o}", "lead", json_lead(rq, &l, false));
    if (out) {
        json_object_set_new(v, "report_id", json_integer(out->report_id));
        json_object_set_new(v, "event_id", json_integer(out->event_id));
    }
    http_reply_json(rq, status, v);
}

void http_handle_intake_lead_promote(struct http_request *rq)
{
    json_t *body = NULL; /* the body is optional */
    if (rq->body.len > 0 && http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    struct store_intake_lead l;
    if (!st || !load_lead(rq, st, &l))
        return;
    struct error err = {0};
    const char *where = NULL, *what = NULL;
    if (http_json_string(body, "where", false, 40, &where, &err) ||
        http_json_string(body, "what", false, 500, &what, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    size_t given = (where ? 1u : 0u) + (what ? 1u : 0u);
    if (json_object_size(body) != given) {
        http_reply_error(rq, WSP_EINVAL, "body may have \"where\" (a region code) and \"what\"");
        return;
    }
    if (!where || !*where)
        where = l.region_code;
    if (!may_decide_lead(rq, l.region_code) ||
        (where && rq->role != AUTH_ROLE_ADMIN && !auth_scope_covers(rq->user.region, where))) {
        http_reply_error(rq, WSP_EPERM, "not allowed to promote this lead");
        return;
    }
    if (!str_eq(l.status, "baru")) {
        http_reply_error(rq, WSP_EEXIST, "lead %" PRId64 " was decided already (%s)", l.id,
                         l.status);
        return;
    }
    const char *w = what && *what ? what : NULL, *rest = NULL;
    if (!w)
        split_text(rq, l.text, strlen(l.text), &w, &rest);
    else
        rest = l.text;
    struct store_actor actor;
    http_actor(rq, &actor);
    json_t *extra = json_pack("{s:I,s:s,s:o}", "lead_id", (json_int_t)l.id, "channel",
                              l.channel ? l.channel : "", "via", http_json_str(l.via));
    struct promote_ud ud = {l.id, &actor};
    struct http_report_in in = {.user = &rq->user,
                                .role = rq->role,
                                .actor = &actor,
                                .what = w,
                                .where = where,
                                .text = rest,
                                .killed = -1,
                                .injured = -1,
                                .extra_fields = extra,
                                .in_tx = promote_in_tx,
                                .ud = &ud};
    struct http_report_out out;
    int rc = w ? http_report_submit(rq, &in, &out, &err)
               : error_set(&err, WSP_ENOMEM, "request arena exhausted");
    json_decref(extra);
    if (rc) {
        if (!rq->replied)
            http_reply_err(rq, &err);
        return;
    }
    reply_lead(rq, st, MHD_HTTP_CREATED, l.id, &out);
}

void http_handle_intake_lead_discard(struct http_request *rq)
{
    json_t *body = NULL; /* the body is optional */
    if (rq->body.len > 0 && http_request_json(rq, &body))
        return;
    struct store *st = http_store(rq);
    struct store_intake_lead l;
    if (!st || !load_lead(rq, st, &l))
        return;
    struct error err = {0};
    const char *note = NULL;
    if (http_json_string(body, "note", false, 500, &note, &err)) {
        http_reply_err(rq, &err);
        return;
    }
    if (json_object_size(body) != (note ? 1u : 0u)) {
        http_reply_error(rq, WSP_EINVAL, "body may have \"note\" only");
        return;
    }
    if (!may_decide_lead(rq, l.region_code)) {
        http_reply_error(rq, WSP_EPERM, "not allowed to discard this lead");
        return;
    }
    struct store_actor actor;
    http_actor(rq, &actor);
    if (store_intake_lead_decide(st, l.id, "dibuang", 0, note, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_lead(rq, st, MHD_HTTP_OK, l.id, NULL);
}
