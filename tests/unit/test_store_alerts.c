/* store, schema v5 (alerts, history, webhooks, deliveries, event change feed) and the alertd
 * service core on a real SQLite file: migration from v4 with events already there, alert
 * workflow, escalation with a frozen clock, the delivery log, the change cursor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "alertd/alertd.h"
#include "base/base.h"
#include "store/store.h"
#include "warn/warn.h"

#define T0 1800000000 /* frozen clock: 2027-01-15 */

struct fixture {
    char dir[64];
    char path[128];
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
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
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
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof(sql), "DELETE FROM events WHERE id = %lld", (long long)e2);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_event_changes(f->s, c2, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(n, 1);
    assert_true(ch[0].deleted);
    assert_int_equal(ch[0].ev.id, e2);
}

static void test_alert_crud_workflow(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, 5, &err), 0);
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
    assert_int_equal(store_alert_escalate(f->s, id, NULL, "province", NULL, &cli, &err),
                     WSP_EEXIST); /* acknowledged: no escalation */
    assert_int_equal(store_alert_close(f->s, id, "aman", &cli, &err), 0);
    assert_int_equal(store_alert_close(f->s, id, NULL, &cli, &err), WSP_EEXIST);
    assert_int_equal(store_alert_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "selesai");
    assert_string_equal(got.acked_by, "cli");
    assert_false(got.is_open);
    struct store_alert_history *h;
    size_t n;
    assert_int_equal(store_alert_history_list(f->s, id, &f->a, &h, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(h[0].kind, "opened");
    assert_string_equal(h[1].kind, "closed");
    assert_string_equal(h[2].kind, "ack");
    assert_string_equal(h[2].note, "dicek ke lapangan");
    assert_string_equal(h[3].kind, "close");
    /* audit rows */
    struct store_audit *au;
    size_t na, total;
    struct store_audit_query aq = {.object_type = "alert"};
    assert_int_equal(store_audit_list(f->s, &aq, &f->a, &au, &na, &total, &err), 0);
    assert_int_equal(total, 4);

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
}

static void test_webhooks_deliveries(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, 5, &err), 0);
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

static void test_alertd_service(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    assert_int_equal(store_migrate(f->s, 5, &err), 0);
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

    /* A new death in another regency: opened through the poll, notified. */
    add_event(f->s, "33.74", d1, 1, NULL);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 1);
    assert_string_equal(nt.kinds[0], "opened");
    int64_t second = nt.ids[0];

    /* Escalation with a frozen clock: nothing at +59 s, province at +60 s, national at
     * +120 s; an acknowledged alert is left alone. */
    assert_int_equal(store_alert_ack(f->s, first, "ditangani", &cli, &err), 0);
    time_set_override(T0 + 59);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 1);
    time_set_override(T0 + 60);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 2);
    assert_string_equal(nt.kinds[1], "escalate");
    assert_int_equal(nt.ids[1], second);
    struct store_alert a;
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_string_equal(a.escalated_to, "province");
    time_set_override(T0 + 120);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 3);
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_string_equal(a.escalated_to, "national");
    assert_int_equal(store_alert_get(f->s, first, &f->a, &a, &err), 0);
    assert_null(a.escalated_to);
    time_set_override(T0 + 200);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 3);

    /* Rejecting the lead retracts its alert. */
    struct store_event_change *ch;
    int64_t cur;
    assert_int_equal(store_event_changes(f->s, 0, 100, &f->a, &ch, &n, &cur, &err), 0);
    assert_int_equal(store_event_set_status(f->s, ch[n - 1].ev.id, "ditolak", NULL, &cli, &err), 0);
    assert_int_equal(alertd_poll(d, f->s, &err), 0);
    assert_int_equal(nt.n, 4);
    assert_string_equal(nt.kinds[3], "retracted");
    assert_int_equal(store_alert_get(f->s, second, &f->a, &a, &err), 0);
    assert_true(a.retracted);
    alertd_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migration_and_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_crud_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhooks_deliveries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alertd_service, setup, teardown),
    };
    log_set_level(LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
