/*
 * libFuzzer target for request bodies as the HTTP handlers read them: every route that takes a
 * JSON body (users, events, reports, calendar, Timdu, forums, RAD, actions, progress, cases,
 * victims' services, safe spaces, alerts and their responses, webhooks, intake channels and
 * leads) is called directly with a fuzzed body, as one of the demo roles, on a
 * fresh copy of a small database (regions, one user per role, the demo plans and cases), so
 * each input runs alone and a crash reproduces.
 *
 * Input: byte 0 picks the route, byte 1 the caller, byte 2 the path parameter; the rest is
 * the body. The route table, CSRF, rate limits and the session are not exercised here (the
 * router decides those before a handler runs); fuzz_json covers the JSON reader alone.
 *
 * Invariants: never crash, leak or read out of bounds; the handler answers exactly once; the
 * status is a 2xx or a 4xx a client can act on (400, 403, 404, 409, 413, 415, 422, 429), never
 * 500 or 503: bad input must never look like a server fault; a JSON answer parses, and an
 * error answer is the envelope {"error":{"code","message"}}.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "plan/plan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const struct route {
    const char *method, *path;
    http_handler handler;
    bool param; /* one path parameter */
} routes[] = {
    {"POST", "/api/v1/users", http_handle_users_add, false},
    {"PATCH", "/api/v1/users/{id}", http_handle_user_patch, true},
    {"POST", "/api/v1/users/{id}/password", http_handle_user_password, true},
    {"PATCH", "/api/v1/events/{id}", http_handle_event_patch, true},
    {"POST", "/api/v1/reports", http_handle_reports_add, false},
    {"PUT", "/api/v1/calendar/{type}", http_handle_plan_calendar_set, true},
    {"POST", "/api/v1/timdu", http_handle_timdu_add, false},
    {"PATCH", "/api/v1/timdu/{id}", http_handle_timdu_patch, true},
    {"POST", "/api/v1/timdu/{id}/members", http_handle_timdu_member_add, true},
    {"POST", "/api/v1/forums", http_handle_forum_add, false},
    {"PATCH", "/api/v1/forums/{id}", http_handle_forum_patch, true},
    {"POST", "/api/v1/rad", http_handle_rad_add, false},
    {"PATCH", "/api/v1/rad/{id}", http_handle_rad_patch, true},
    {"POST", "/api/v1/rad/{id}/return", http_handle_rad_return, true},
    {"POST", "/api/v1/rad/{id}/actions", http_handle_rad_action_add, true},
    {"POST", "/api/v1/rad/{id}/pokja", http_handle_pokja_add, true},
    {"PATCH", "/api/v1/actions/{id}", http_handle_action_patch, true},
    {"POST", "/api/v1/actions/{id}/progress", http_handle_progress_add, true},
    {"PATCH", "/api/v1/progress/{id}", http_handle_progress_patch, true},
    {"POST", "/api/v1/cases", http_handle_case_add, false},
    {"PATCH", "/api/v1/cases/{id}", http_handle_case_patch, true},
    {"POST", "/api/v1/cases/{id}/actions", http_handle_case_action_add, true},
    {"PUT", "/api/v1/cases/{id}/victims", http_handle_case_victims, true},
    {"POST", "/api/v1/alerts/{id}/ack", http_handle_alert_ack, true},
    {"POST", "/api/v1/alerts/{id}/close", http_handle_alert_close, true},
    {"POST", "/api/v1/webhooks", http_handle_webhooks_add, false},
    {"POST", "/api/v1/victims/{id}/services", http_handle_victim_service_add, true},
    {"PATCH", "/api/v1/services/{id}", http_handle_service_patch, true},
    {"POST", "/api/v1/spaces", http_handle_space_add, false},
    {"PATCH", "/api/v1/spaces/{id}", http_handle_space_patch, true},
    {"POST", "/api/v1/alerts/{id}/responses", http_handle_alert_response, true},
    {"POST", "/api/v1/intake-channels", http_handle_intake_channels_add, false},
    {"POST", "/api/v1/intake-leads/{id}/promote", http_handle_intake_lead_promote, true},
};

/* The callers: the demo accounts of `waspada init --demo`, and nobody. */
static const struct caller {
    const char *username, *role, *region;
} callers[] = {
    {"admin", "admin", ""},          {"pusat", "pusat", ""},          {"jabar", "provinsi", "32"},
    {"bandung", "kabkota", "32.73"}, {"pelapor", "pelapor", "32.73"}, {NULL, NULL, NULL},
};
static int64_t caller_ids[WSP_ARRAY_LEN(callers)];

/* Path parameters: ids of demo objects, and some that are not ids. */
static const char *const ids[] = {"1",  "2",  "3",  "4",  "5",  "6",          "7",
                                  "8",  "9",  "10", "11", "12", "13",         "14",
                                  "15", "16", "0",  "-1", "x",  "2147483648", "99999"};
static const char *const types[] = {"pks", "p3aks", "", "PKS", "pks\x01"};

static struct http_server srv;
static struct geo_gazetteer *gz;
static char dir[64];
static char *template_path, *work_path;
static char *template_data;
static size_t template_len;

static void unlink_db(const char *path)
{
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
}

static void remove_files(void)
{
    unlink_db(template_path);
    unlink_db(work_path);
    rmdir(dir);
}

static void die(const char *what, const struct error *err)
{
    fprintf(stderr, "fuzz_request: %s: %s\n", what, err ? err->msg : "");
    abort();
}

static unsigned run(const uint8_t *data, size_t size, bool verbose);

/* A database with the regions down to regencies, the demo users, the demo plans and cases
 * (plans 1-9: 6 is a draft of 33, 3 the approved plan of 32.73 with actions 7 and 8) and
 * event 1, a lead in 32.73. */
static void make_template(void)
{
    struct error err = {0};
    struct store *st = NULL;
    if (store_open(&st, template_path, &err) != 0)
        die("store_open", &err);
    size_t total = 0, n = 0;
    for (int level = GEO_PROVINCE; level <= GEO_REGENCY; level++)
        total += geo_count(gz, (enum geo_level)level);
    struct store_region *rows = xcalloc(total, sizeof(*rows));
    for (int level = GEO_PROVINCE; level <= GEO_REGENCY; level++) {
        for (size_t i = 0; i < geo_count(gz, (enum geo_level)level); i++) {
            const struct geo_region *r = geo_at(gz, (enum geo_level)level, i);
            rows[n].code = r->code;
            rows[n].parent_code = r->parent ? r->parent->code : NULL;
            rows[n].level = level;
            rows[n].name = r->name;
            n++;
        }
    }
    size_t inserted;
    if (store_regions_sync(st, rows, n, &inserted, &err) != 0)
        die("store_regions_sync", &err);
    free(rows);
    char hash[256];
    if (auth_password_hash("waspada-demo", hash, sizeof(hash), &err) != 0)
        die("auth_password_hash", &err);
    const struct store_actor actor = {0, "fuzz", NULL};
    for (size_t i = 0; callers[i].username; i++) {
        struct store_user u = {0};
        str_copy(u.username, callers[i].username, sizeof(u.username));
        str_copy(u.role, callers[i].role, sizeof(u.role));
        str_copy(u.region, callers[i].region, sizeof(u.region));
        str_copy(u.full_name, callers[i].username, sizeof(u.full_name));
        if (store_user_add(st, &u, hash, &actor, &caller_ids[i], &err) != 0)
            die("store_user_add", &err);
    }
    if (plan_demo_seed(st, &err) != 0)
        die("plan_demo_seed", &err);
    store_close(st);
    /* event 1: a reporter's lead in 32.73, through the handler itself */
    static const char report[] =
        "{\"what\":\"Bentrok antarwarga di Pasar Kosambi, dua orang luka\","
        "\"where\":\"32.73\",\"injured\":2}";
    uint8_t input[3 + sizeof(report) - 1] = {4, 4, 0};
    memcpy(input + 3, report, sizeof(report) - 1);
    if (run(input, sizeof(input), false) != 201)
        die("cannot add the seed report", NULL);

    FILE *f = fopen(template_path, "rb");
    if (!f)
        die("cannot read the template", NULL);
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, got);
    fclose(f);
    template_data = buf_detach(&b, &template_len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    WSP_UNUSED(argc);
    WSP_UNUSED(argv);
    struct error err = {0};
    log_set_level(LOG_OFF);
    auth_set_cost(AUTH_COST_MIN);
    if (auth_init(&err) != 0)
        die("auth_init", &err);
    if (geo_load(&gz, &err) != 0)
        die("geo_load", &err);
    /* /dev/shm when there is one: the database is copied afresh for every input */
    snprintf(dir, sizeof(dir), "%s/waspada-fuzz-request-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        die("mkdtemp", NULL);
    atexit(remove_files);
    template_path = xasprintf("%s/template.db", dir);
    work_path = xasprintf("%s/work.db", dir);

    http_config_defaults(&srv.cfg);
    srv.cfg.db_path = template_path;
    srv.cfg.access_log = false;
    srv.geo = gz;
    pthread_mutex_init(&srv.detect_mu, NULL);
    srv.ratelimit =
        auth_ratelimit_new(srv.cfg.login_max_failures, srv.cfg.login_window_s, HTTP_RATELIMIT_KEYS);
    if (!srv.ratelimit || pthread_key_create(&srv.store_key, NULL) != 0)
        die("server state", NULL);
    srv.store_key_ok = true;
    make_template();
    srv.cfg.db_path = work_path;
    return 0;
}

static void fresh_database(void)
{
    unlink_db(work_path);
    int fd = open(work_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, template_data, template_len) != (ssize_t)template_len)
        die("cannot write the work database", NULL);
    close(fd);
}

static void check_answer(const struct http_request *rq)
{
    CHECK(rq->replied);
    static const unsigned ok[] = {200, 201, 204, 400, 403, 404, 409, 413, 415, 422, 429};
    bool known = false;
    for (size_t i = 0; i < WSP_ARRAY_LEN(ok); i++)
        known |= rq->status == ok[i];
    if (!known)
        fprintf(stderr, "status %u: %.*s\n", rq->status, (int)rq->resp_len,
                rq->resp_body ? rq->resp_body : "");
    CHECK(known);
    if (!rq->api || rq->status == 204)
        return;
    CHECK(rq->resp_body != NULL);
    json_error_t jerr;
    json_t *v = json_loadb(rq->resp_body, rq->resp_len, 0, &jerr);
    CHECK(v != NULL);
    if (rq->status >= 400) {
        json_t *e = json_object_get(v, "error");
        CHECK(json_is_string(json_object_get(e, "code")));
        CHECK(json_is_string(json_object_get(e, "message")));
    } else {
        CHECK(json_is_object(v));
    }
    json_decref(v);
}

/* Call the route data[0] picks, as data[1], with data[2]'s parameter and the rest as the
 * body, on the database at srv.cfg.db_path; returns the status. */
static unsigned run(const uint8_t *data, size_t size, bool verbose)
{
    const struct route *r = &routes[data[0] % WSP_ARRAY_LEN(routes)];
    size_t who = data[1] % WSP_ARRAY_LEN(callers);

    struct http_request rq;
    memset(&rq, 0, sizeof(rq));
    rq.srv = &srv;
    arena_init(&rq.arena, srv.cfg.arena_max);
    rq.method = r->method;
    rq.path = r->path;
    str_copy(rq.client, "192.0.2.7", sizeof(rq.client));
    rq.resp_fd = -1;
    rq.body_cap = srv.cfg.body_max;
    buf_init(&rq.body, rq.body_cap);
    buf_append(&rq.body, data + 3, size - 3);
    if (r->param) {
        bool type = strstr(r->path, "{type}") != NULL;
        rq.params[0] =
            type ? types[data[2] % WSP_ARRAY_LEN(types)] : ids[data[2] % WSP_ARRAY_LEN(ids)];
        rq.nparams = 1;
    }
    if (callers[who].username) {
        rq.session_loaded = true;
        rq.authed = true;
        rq.user.id = caller_ids[who];
        str_copy(rq.user.username, callers[who].username, sizeof(rq.user.username));
        str_copy(rq.user.role, callers[who].role, sizeof(rq.user.role));
        str_copy(rq.user.region, callers[who].region, sizeof(rq.user.region));
        rq.role = auth_role_parse(callers[who].role);
    } else {
        rq.session_loaded = true;
    }

    r->handler(&rq);
    if (verbose) /* for writing seeds: what each one reached */
        fprintf(stderr, "%s %s as %s: %u %.200s\n", r->method, r->path,
                callers[who].username ? callers[who].username : "anonymous", rq.status,
                rq.resp_body ? rq.resp_body : "");
    check_answer(&rq);

    struct store *st = pthread_getspecific(srv.store_key);
    if (st) {
        store_close(st);
        pthread_setspecific(srv.store_key, NULL);
    }
    unsigned status = rq.status;
    free(rq.resp_body);
    json_decref(rq.json);
    buf_release(&rq.body);
    arena_release(&rq.arena);
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    fresh_database();
    run(data, size, getenv("FUZZ_REQUEST_VERBOSE") != NULL);
    return 0;
}
