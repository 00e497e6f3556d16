/* store, schema v5 (alerts, history, webhooks, deliveries, event change feed) and v7 (alerts
 * resting on unverified leads) and the alertd service core on a real database of either
 * engine (testdb.h: a SQLite file or a fresh PostgreSQL database): migration
 * from v4 with events already there and from v6 with alerts there, alert workflow, escalation
 * with a frozen clock (from verification for a belum terverifikasi alert), the delivery log,
 * the change cursor, the public state of verified events and a reporter's numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alertd/alertd.h"
#include "base/base.h"
#include "store/db.h"
#include "store/store.h"
#include "warn/warn.h"
#include "../support/testdb.h"

#define T0 1800000000 /* frozen clock: 2027-01-15 */

struct fixture {
    char dir[64];
    char *path; /* the database: a file in dir or a PostgreSQL URL */
    struct store *s;
    struct arena a;
};

static const struct store_actor cli = {0, "cli", NULL};

static const struct store_region regions[] = {
    {"32", NULL, 1, "Jawa Barat"},     {"32.73", "32", 2, "Kota Bandung"},
    {"33", NULL, 1, "Jawa Tengah"},    {"33.74", "33", 2, "Kota Semarang"},
    {"32.04", "32", 2, "Kab Bandung"},
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    time_set_override(T0);
    snprintf(f->dir, sizeof(f->dir), "/tmp/wsp-alerts-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "t.db");
    struct error err = {0};
    if (store_open_raw(&f->s, f->path, &err) || store_migrate(f->s, 4, &err) ||
        store_regions_sync(f->s, regions, WSP_ARRAY_LEN(regions), NULL, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    arena_release(&f->a);
    char p[200];
    const char *names[] = {"t.db", "t.db-wal", "t.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f->path);
    free(f);
    time_set_override(0);
    return 0;
}

static int64_t add_event(struct store *s, const char *reg, const char *date, long killed,
                         const char *status)
{
    struct store_event e = {0};
    e.category = "inter_group_clash";
    e.province_code = reg[0] == '3' && reg[1] == '2' ? "32" : "33";
    e.regency_code = reg;
    e.event_date = date;
    e.killed = killed;
    e.injured = -1;
    e.confidence = 0.9;
    e.status = status;
    struct error err = {0};
    int64_t id = 0;
    if (store_event_create(s, &e, 0, &cli, &id, &err) != 0)
        fail_msg("add event: %s", err.msg);
    return id;
}

static void today_str(int offset, char *out)
{
    warn_day_format((int32_t)(T0 / 86400) + offset, out, 16);
}

static void test_migration_and_changes(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    char d[16];
    today_str(-3, d);
    int64_t e1 = add_event(f->s, "32.73", d, 0, NULL); /* written at v4 */
    assert_int_equal(store_migrate(f->s, 5, &err), 0);
    int v;
    assert_int_equal(store_schema_version(f->s, &v, &err), 0);
    assert_int_equal(v, 5);

    /* The v4 event is in the feed (backfilled), then new writes come in commit order. */
    struct store_event_change *ch;
    size_t n;
    int64_t cur;
    assert_int_equal(store_event_changes(f->s, 0, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ch[0].ev.id, e1);
    assert_false(ch[0].deleted);
    assert_string_equal(ch[0].ev.regency_code, "32.73");
    int64_t c1 = cur;
    int64_t e2 = add_event(f->s, "33.74", d, 1, NULL);
    assert_int_equal(store_event_set_status(f->s, e1, "terverifikasi", NULL, &cli, &err), 0);
    assert_int_equal(store_event_changes(f->s, c1, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ch[0].ev.id, e2);
    assert_int_equal(ch[1].ev.id, e1);
    assert_string_equal(ch[1].ev.status, "terverifikasi");
    assert_true(cur > c1);
    /* Nothing new: the cursor stays. */
    int64_t c2 = cur;
    assert_int_equal(store_event_changes(f->s, c2, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(cur, c2);
    /* A deleted event shows as deleted. */
    char sql[64];
    snprintf(sql, sizeof(sql), "DELETE FROM events WHERE id = %lld", (long long)e2);
    testdb_exec(f->path, sql);
    assert_int_equal(store_event_changes(f->s, c2, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(n, 1);
    assert_true(ch[0].deleted);
    assert_int_equal(ch[0].ev.id, e2);
}

static void test_alert_crud_workflow(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    struct store_alert a = {.region_code = "32.73",
                            .level = "siaga",
                            .max_level = "siaga",
                            .is_open = true,
                            .first_day = "2027-01-10",
                            .last_day = "2027-01-10",
                            .method = "rule_death",
                            .explanation_id = "1 kejadian; 1 tewas",
                            .explanation_en = "1 event; 1 killed",
                            .event_ids_json = "[7]"};
    int64_t id;
    assert_int_equal(store_alert_create(f->s, &a, &cli, &id, &err), 0);
    struct store_alert got;
    assert_int_equal(store_alert_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "baru");
    assert_string_equal(got.event_ids_json, "[7]");
    assert_true(got.is_open);
    assert_null(got.escalated_to);
    /* bad values */
    struct store_alert bad = a;
    bad.level = "merah";
    assert_int_equal(store_alert_create(f->s, &bad, &cli, NULL, &err), WSP_EINVAL);

    /* engine update: closed */
    got.level = "normal";
    got.is_open = false;
    got.close_day = "2027-01-30";
    assert_int_equal(
        store_alert_update_engine(f->s, &got, "closed", "normal", "2027-01-30", &cli, &err), 0);
    /* workflow: close before ack is allowed; ack after close is not */
    assert_int_equal(store_alert_ack(f->s, id, "dicek ke lapangan", &cli, &err), 0);
    assert_int_equal(store_alert_ack(f->s, id, NULL, &cli, &err), WSP_EEXIST);
    /* acknowledged without a response: still escalated (v14); answered: no longer */
    assert_int_equal(store_alert_escalate(f->s, id, NULL, "province", NULL, &cli, &err), 0);
    struct store_alert_response resp = {.note = "dialog warga"};
    int64_t rid = 0;
    assert_int_equal(store_alert_response_add(f->s, id, &resp, &cli, &rid, &err), 0);
    assert_true(rid > 0);
    assert_int_equal(store_alert_escalate(f->s, id, "province", "national", NULL, &cli, &err),
                     WSP_EEXIST);
    assert_int_equal(store_alert_close(f->s, id, "aman", &cli, &err), 0);
    assert_int_equal(store_alert_close(f->s, id, NULL, &cli, &err), WSP_EEXIST);
    assert_int_equal(store_alert_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "selesai");
    assert_string_equal(got.acked_by, "cli");
    assert_false(got.is_open);
    struct store_alert_history *h;
    size_t n, na_resp;
    assert_int_equal(store_alert_history_list(f->s, id, &f->a, &h, &n, &err), 0);
    assert_int_equal(n, 6);
    assert_string_equal(h[0].kind, "opened");
    assert_string_equal(h[1].kind, "closed");
    assert_string_equal(h[2].kind, "ack");
    assert_string_equal(h[2].note, "dicek ke lapangan");
    assert_string_equal(h[3].kind, "escalate");
    assert_string_equal(h[4].kind, "response");
    assert_string_equal(h[4].note, "dialog warga");
    assert_string_equal(h[5].kind, "close");
    assert_int_equal(got.responded_at, time_now());
    struct store_alert_response *rs;
    assert_int_equal(store_alert_responses(f->s, id, &f->a, &rs, &na_resp, &err), 0);
    assert_int_equal(na_resp, 1);
    assert_int_equal(rs[0].id, rid);
    assert_string_equal(rs[0].username, "cli");
    assert_int_equal(rs[0].nactions, 0);
    /* audit rows */
    struct store_audit *au;
    size_t na, total;
    struct store_audit_query aq = {.object_type = "alert"};
    assert_int_equal(store_audit_list(f->s, &aq, &f->a, &au, &na, &total, &err), 0);
    assert_int_equal(total, 6);

    /* escalation compare-and-set, list filters and scope */
    int64_t id2;
    a.region_code = "33.74";
    a.first_day = a.last_day = "2027-01-12";
    assert_int_equal(store_alert_create(f->s, &a, &cli, &id2, &err), 0);
    assert_int_equal(store_alert_escalate(f->s, id2, NULL, "province", NULL, &cli, &err), 0);
    assert_int_equal(store_alert_escalate(f->s, id2, NULL, "province", NULL, &cli, &err),
                     WSP_EEXIST);
    assert_int_equal(store_alert_escalate(f->s, id2, "province", "national", NULL, &cli, &err), 0);
    struct store_alert *rows;
    struct store_alert_query q = {.scope = "32.73", .open = -1};
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, id);
    q = (struct store_alert_query){.open = 1, .min_level = "siaga", .from = "2027-01-11"};
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, id2);
    assert_string_equal(rows[0].escalated_to, "national");
    q = (struct store_alert_query){.open = -1, .status = "selesai"};
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);

    /* belum terverifikasi: stored with the mark and no verified_at; verified later (history
     * "verified", verified_at then), a lead again ("unverified", verified_at emptied) */
    struct store_alert u = a;
    u.region_code = "32.04";
    u.unverified = true;
    int64_t id3;
    time_set_override(T0 + 5);
    assert_int_equal(store_alert_create(f->s, &u, &cli, &id3, &err), 0);
    assert_int_equal(store_alert_get(f->s, id3, &f->a, &got, &err), 0);
    assert_true(got.unverified);
    assert_int_equal(got.verified_at, 0);
    assert_int_equal(store_alert_get(f->s, id2, &f->a, &got, &err), 0);
    assert_false(got.unverified);
    assert_int_equal(got.verified_at, T0); /* born verified */
    time_set_override(T0 + 30);
    assert_int_equal(store_alert_get(f->s, id3, &f->a, &got, &err), 0);
    got.unverified = false;
    assert_int_equal(
        store_alert_update_engine(f->s, &got, "verified", "siaga", "2027-01-12", &cli, &err), 0);
    assert_int_equal(store_alert_get(f->s, id3, &f->a, &got, &err), 0);
    assert_false(got.unverified);
    assert_int_equal(got.verified_at, T0 + 30);
    time_set_override(T0 + 40); /* a quiet sync keeps the time of verification */
    assert_int_equal(store_alert_update_engine(f->s, &got, NULL, NULL, NULL, &cli, &err), 0);
    assert_int_equal(store_alert_get(f->s, id3, &f->a, &got, &err), 0);
    assert_int_equal(got.verified_at, T0 + 30);
    got.unverified = true;
    assert_int_equal(
        store_alert_update_engine(f->s, &got, "unverified", "siaga", "2027-01-12", &cli, &err), 0);
    assert_int_equal(store_alert_get(f->s, id3, &f->a, &got, &err), 0);
    assert_true(got.unverified);
    assert_int_equal(got.verified_at, 0);
    assert_int_equal(store_alert_history_list(f->s, id3, &f->a, &h, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(h[1].kind, "verified");
    assert_string_equal(h[2].kind, "unverified");
    /* the feed carries the mark with the alert */
    struct store_alert_change *feed;
    assert_int_equal(store_alert_feed(f->s, 0, 0, "32.04", 0, &f->a, &feed, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(feed[2].kind, "unverified");
    assert_true(feed[2].alert.unverified);
    assert_int_equal(feed[2].alert.id, id3);
    time_set_override(T0);
}

/* v6 -> v7: alerts already there keep their rows and history and count as verified from
 * their creation; the history takes the new kinds. */
static void test_migrate_v6_to_v7(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, 6, &err), 0);
    testdb_exec(f->path,
                "INSERT INTO alerts (id, region_code, level, max_level, first_day, last_day,"
                " created_at, updated_at) VALUES (41, '32.73', 'siaga', 'siaga',"
                " '2027-01-10', '2027-01-10', 1799990000, 1799990000);"
                "INSERT INTO alert_history (id, alert_id, at, kind, level, username) VALUES"
                " (77, 41, 1799990000, 'opened', 'siaga', 'system'),"
                " (78, 41, 1799990100, 'escalate', NULL, 'system');");
    struct db *db;
    char msg[256];
    assert_int_equal(db_open(&db, f->path, msg, sizeof(msg)), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO alert_history (alert_id, at, kind, username)"
                                 " VALUES (41, 1, 'verified', 'x')"),
                     DB_ECONSTRAINT); /* not a kind at v6 */
    db_close(db);
    /* Rows written with their ids, as a copy between engines writes them: on PostgreSQL the
     * identity then moves past them, as the copy does (migrations_pg.c) and as SQLite's
     * AUTOINCREMENT does by itself; here after the refused insert, which took a number of
     * the sequence (PostgreSQL's sequences do not roll back). */
    if (testdb_pg())
        testdb_exec(f->path, "SELECT setval(pg_get_serial_sequence('alerts', 'id'), 41);"
                             "SELECT setval(pg_get_serial_sequence('alert_history', 'id'), 78)");
    /* to the latest schema: the store reads alerts with their responses (v14) */
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    struct store_alert got;
    assert_int_equal(store_alert_get(f->s, 41, &f->a, &got, &err), 0);
    assert_false(got.unverified);
    assert_int_equal(got.verified_at, 1799990000);
    struct store_alert_history *h;
    size_t n;
    assert_int_equal(store_alert_history_list(f->s, 41, &f->a, &h, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].id, 77);
    assert_string_equal(h[1].kind, "escalate");
    got.unverified = true;
    assert_int_equal(
        store_alert_update_engine(f->s, &got, "unverified", "siaga", "2027-01-10", &cli, &err), 0);
    assert_int_equal(store_alert_history_list(f->s, 41, &f->a, &h, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(h[2].id, 79); /* ids go on from where they were */
    int64_t last;
    assert_int_equal(store_alert_feed_last(f->s, &last, &err), 0);
    assert_int_equal(last, 79);
}

static void test_webhooks_deliveries(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    struct store_webhook w = {.url = "ftp://x", .secret = "s"};
    assert_int_equal(store_webhook_add(f->s, &w, &cli, NULL, &err), WSP_EINVAL);
    w.url = "http://127.0.0.1:9/hook";
    w.region_prefix = "32";
    w.min_level = "siaga";
    int64_t wid;
    assert_int_equal(store_webhook_add(f->s, &w, &cli, &wid, &err), 0);
    struct store_webhook *list;
    size_t n;
    assert_int_equal(store_webhook_list(f->s, true, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_null(list[0].secret);
    int64_t did;
    assert_int_equal(store_delivery_add(f->s, wid, 0, "alert.opened", "{}", &did, &err), 0);
    struct store_delivery *d;
    assert_int_equal(store_delivery_due(f->s, T0, 10, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].secret, "s");
    assert_string_equal(d[0].url, "http://127.0.0.1:9/hook");
    /* a 500: retried later */
    assert_int_equal(store_delivery_record(f->s, did, "pending", 500, "HTTP 500", T0 + 2, &err), 0);
    assert_int_equal(store_delivery_due(f->s, T0 + 1, 10, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_delivery_due(f->s, T0 + 2, 10, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].attempt, 1);
    assert_int_equal(store_delivery_record(f->s, did, "delivered", 200, NULL, 0, &err), 0);
    assert_int_equal(store_delivery_list(f->s, wid, 0, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].state, "delivered");
    assert_int_equal(d[0].attempt, 2);
    assert_int_equal(d[0].status_code, 200);
    assert_int_equal(d[0].delivered_at, T0);
    /* removing keeps the log, fails what is pending */
    assert_int_equal(store_delivery_add(f->s, wid, 0, "alert.level", "{}", &did, &err), 0);
    assert_int_equal(store_webhook_remove(f->s, wid, &cli, &err), 0);
    assert_int_equal(store_webhook_remove(f->s, wid, &cli, &err), WSP_ENOTFOUND);
    assert_int_equal(store_delivery_list(f->s, wid, 0, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].state, "failed");
}

/* Several servers on one PostgreSQL database: the due deliveries one takes are claimed for a
 * minute, so another server's look at the queue skips them; a claim that was never recorded
 * (its server died) runs out. SQLite (one server) reads without claiming. */
static void test_delivery_claims(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    struct store_webhook w = {.url = "http://127.0.0.1:9/hook", .secret = "s"};
    int64_t wid, did[3];
    assert_int_equal(store_webhook_add(f->s, &w, &cli, &wid, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_delivery_add(f->s, wid, 0, "alert.opened", "{}", &did[i], &err), 0);
    struct store *other;
    assert_int_equal(store_open(&other, f->path, &err), 0);
    struct store_delivery *d;
    size_t n;
    assert_int_equal(store_delivery_due(f->s, T0, 2, &f->a, &d, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].id, did[0]);
    assert_int_equal(d[1].id, did[1]);
    assert_int_equal(store_delivery_due(other, T0, 10, &f->a, &d, &n, &err), 0);
    if (testdb_pg()) {
        assert_int_equal(n, 1); /* the one nobody holds */
        assert_int_equal(d[0].id, did[2]);
        assert_int_equal(store_delivery_due(f->s, T0 + 59, 10, &f->a, &d, &n, &err), 0);
        assert_int_equal(n, 0);
        /* recorded: the first is done; the others' claims run out after a minute */
        assert_int_equal(store_delivery_record(f->s, did[0], "delivered", 200, NULL, 0, &err), 0);
        assert_int_equal(store_delivery_due(other, T0 + 60, 10, &f->a, &d, &n, &err), 0);
        assert_int_equal(n, 2);
        assert_int_equal(d[0].id, did[1]);
        assert_int_equal(d[1].id, did[2]);
    } else {
        assert_int_equal(n, 3);
    }
    store_close(other);
}

/* ---- alertd: engine <-> store ------------------------------------------------------------- */

struct notes {
    char kinds[32][16];
    int64_t ids[32];
    size_t n;
};

static void note(void *ud, struct store *s, const char *kind, const struct store_alert *a)
{
    struct notes *nt = ud;
    WSP_UNUSED(s);
    if (nt->n < 32) {
        str_copy(nt->kinds[nt->n], kind, 16);
        nt->ids[nt->n++] = a->id;
    }
}

/* Several servers on one database: a follower keeps its states in step and writes no alert
 * and notifies nobody; made the leader, it reconciles the stored alerts (what was raised
 * while nobody led is written, quietly) and then writes as a leader does. */
static void test_alertd_follower(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    char d5[16], d1[16];
    today_str(-5, d5);
    today_str(-1, d1);
    add_event(f->s, "32.73", d5, 2, "terverifikasi");
    struct notes nt = {0};
    struct alertd_config cfg = {.follower = true, .notify = note, .ud = &nt};
    warn_params_default(&cfg.params);
    struct alertd *d;
    assert_int_equal(alertd_open(&d, f->s, &cfg, &err), 0);
    assert_false(alertd_leading(d));
    struct store_alert *rows;
    size_t n;
    struct store_alert_query q = {.open = -1};
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, NULL, &err), 0);
    assert_int_equal(n, 0); /* nothing written at start */
    add_event(f->s, "33.74", d1, 1, "terverifikasi");
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, NULL, &err), 0);
    assert_int_equal(n, 0); /* nor when polling */
    assert_int_equal(nt.n, 0);
    int32_t today = (int32_t)(T0 / 86400);
    struct warn_day_info di; /* but its risk state follows the events */
    assert_int_equal(warn_state_day(alertd_state(d), "33.74", today, &di), 0);
    assert_int_equal(di.level, WARN_SIAGA);

    assert_int_equal(alertd_set_leading(d, f->s, true, &err), 0);
    assert_true(alertd_leading(d));
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, NULL, &err), 0);
    assert_int_equal(n, 2);    /* both, written on taking over */
    assert_int_equal(nt.n, 0); /* quietly: repairing the record is no news */
    add_event(f->s, "32.04", d1, 1, "terverifikasi");
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 1); /* a leader's new alert is news */
    assert_string_equal(nt.kinds[0], "opened");
    /* stepping down: nothing more is written (a mass killing there would raise the level) */
    assert_int_equal(alertd_set_leading(d, f->s, false, &err), 0);
    char *before = testdb_text(f->path, "SELECT COUNT(*) || ' ' || MAX(id) FROM alert_history");
    add_event(f->s, "32.04", d1, 6, "terverifikasi");
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    char *after = testdb_text(f->path, "SELECT COUNT(*) || ' ' || MAX(id) FROM alert_history");
    assert_string_equal(after, before);
    assert_int_equal(nt.n, 1);
    free(before);
    free(after);
    alertd_free(d);
}

static void test_alertd_service(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, store_schema_latest(), &err), 0);
    char d5[16], d1[16];
    today_str(-5, d5);
    today_str(-1, d1);
    add_event(f->s, "32.73", d5, 2, "terverifikasi"); /* a death 5 days ago */

    struct notes nt = {0};
    struct alertd_config cfg = {
        .escalate_province_after = 60, .escalate_national_after = 120, .notify = note, .ud = &nt};
    warn_params_default(&cfg.params);
    struct alertd *d;
    assert_int_equal(alertd_open(&d, f->s, &cfg, &err), 0);
    struct alertd_stats st;
    alertd_get_stats(d, &st);
    assert_int_equal(st.created, 1); /* reconciled quietly */
    assert_int_equal(nt.n, 0);
    struct store_alert *rows;
    size_t n;
    struct store_alert_query q = {.open = -1};
    assert_int_equal(store_alert_list(f->s, &q, &f->a, &rows, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].region_code, "32.73");
    assert_string_equal(rows[0].max_level, "siaga");
    assert_string_equal(rows[0].first_day, d5);
    int64_t first = rows[0].id;

    /* Reopening the service matches the stored alert: nothing new. */
    alertd_free(d);
    assert_int_equal(alertd_open(&d, f->s, &cfg, &err), 0);
    alertd_get_stats(d, &st);
    assert_int_equal(st.created, 0);
    assert_int_equal(st.retracted, 0);

    /* A new death in another regency, an unverified lead: opened through the poll, notified,
     * marked belum terverifikasi; not in the public state. */
    int64_t lead = add_event(f->s, "33.74", d1, 1, NULL);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 1);
    assert_string_equal(nt.kinds[0], "opened");
    int64_t second = nt.ids[0];
    struct store_alert a;
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_true(a.unverified);
    assert_int_equal(a.verified_at, 0);
    assert_non_null(strstr(a.explanation_id, "belum terverifikasi"));
    assert_non_null(strstr(a.explanation_en, "not verified yet"));
    int32_t today = (int32_t)(T0 / 86400);
    struct warn_day_info di;
    assert_int_equal(warn_state_day(alertd_state(d), "33.74", today, &di), 0);
    assert_int_equal(di.level, WARN_SIAGA);
    const struct warn_state *pub = alertd_public_state(d);
    assert_int_equal(warn_state_day(pub, "33.74", today, &di), WSP_ENOTFOUND);
    assert_int_equal(warn_state_day(pub, "33", today, &di), WSP_ENOTFOUND);
    assert_int_equal(warn_state_day(pub, "32.73", today, &di), 0); /* the verified death */
    assert_int_equal(di.level, WARN_SIAGA);
    uint64_t pv = alertd_public_version(d);

    /* Escalation with a frozen clock: an unverified alert is never escalated; the first one
     * is answered (a response, which acknowledges it too). */
    struct store_alert_response resp = {.note = "ditangani"};
    assert_int_equal(store_alert_response_add(f->s, first, &resp, &cli, NULL, &err), 0);
    time_set_override(T0 + 200);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 1);
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_null(a.escalated_to);
    assert_int_equal(alertd_public_version(d), pv); /* nothing public moved */

    /* An officer verifies the lead at +300 s: the same alert, now verified (notified), in the
     * public state; the escalation clock starts then: province at +360 s, national at +420 s;
     * an answered alert is left alone. */
    time_set_override(T0 + 300);
    assert_int_equal(store_event_set_status(f->s, lead, "terverifikasi", NULL, &cli, &err), 0);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 2);
    assert_string_equal(nt.kinds[1], "verified");
    assert_int_equal(nt.ids[1], second);
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_false(a.unverified);
    assert_int_equal(a.verified_at, T0 + 300);
    assert_null(strstr(a.explanation_id, "terverifikasi"));
    assert_true(alertd_public_version(d) > pv);
    assert_int_equal(warn_state_day(pub, "33.74", today, &di), 0);
    assert_int_equal(di.level, WARN_SIAGA);
    time_set_override(T0 + 359);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 2);
    time_set_override(T0 + 360);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 3);
    assert_string_equal(nt.kinds[2], "escalate");
    assert_int_equal(nt.ids[2], second);
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_string_equal(a.escalated_to, "province");
    time_set_override(T0 + 420);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 4);
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_string_equal(a.escalated_to, "national");
    assert_int_equal(store_alert_get(f->s, first, &f->a, &a, &err), 0);
    assert_null(a.escalated_to);
    time_set_override(T0 + 500);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 4);

    /* Rejecting the event retracts its alert and takes it out of the public state. */
    assert_int_equal(store_event_set_status(f->s, lead, "ditolak", NULL, &cli, &err), 0);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 5);
    assert_string_equal(nt.kinds[4], "retracted");
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_true(a.retracted);
    assert_int_equal(warn_state_day(pub, "33.74", today, &di), 0);
    assert_int_equal(di.level, WARN_NORMAL);
    assert_int_equal(di.events, 0);

    /* A community report typed "killed": 5 but its text names no death: the engine counts
     * the detector's reading (none) and raises nothing; verified, the typed 5 count. */
    struct store_event rep = {.category = "inter_group_clash",
                              .province_code = "32",
                              .regency_code = "32.04",
                              .event_date = d1,
                              .killed = 5,
                              .injured = -1,
                              .confidence = 0.9,
                              .detail_json = "{\"source\":\"report\",\"detector_killed\":null,"
                                             "\"detector_injured\":null}"};
    int64_t rid = 0;
    assert_int_equal(store_event_create(f->s, &rep, 0, &cli, &rid, &err), 0);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 5); /* no alert */
    assert_int_equal(warn_state_day(alertd_state(d), "32.04", today - 1, &di), 0);
    assert_int_equal(di.events, 1);
    assert_int_equal(di.killed, 0);
    assert_int_equal(store_event_set_status(f->s, rid, "terverifikasi", NULL, &cli, &err), 0);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 6);
    assert_string_equal(nt.kinds[5], "opened");
    assert_int_equal(store_alert_get(f->s, nt.ids[5], &f->a, &a, &err), 0);
    assert_string_equal(a.region_code, "32.04");
    assert_false(a.unverified);
    assert_non_null(strstr(a.explanation_id, "5 tewas"));
    assert_int_equal(warn_state_day(alertd_state(d), "32.04", today - 1, &di), 0);
    assert_int_equal(di.killed, 5);
    alertd_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migration_and_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_crud_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v6_to_v7, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhooks_deliveries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delivery_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alertd_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alertd_follower, setup, teardown),
    };
    log_set_level(LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
