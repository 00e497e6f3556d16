/* store, plan and control part: a real database, a SQLite file in a temporary directory or a
 * fresh PostgreSQL database when WASPADA_TEST_ENGINE=postgresql (testdb.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "plan/plan.h"
#include "store/store.h"
#include "../support/testdb.h"

#define T0 1790000000 /* 2026-09-21 21:13 WIB */

struct fx {
    char dir[64];
    char *path; /* a file in dir, or a PostgreSQL URL */
    struct store *s;
    struct arena a;
};

static const struct store_actor actor = {7, "tester", "127.0.0.1"};

static void sync_regions(struct store *s)
{
    const struct store_region r[] = {
        {"32", NULL, 1, "Jawa Barat"},       {"31", NULL, 1, "DKI Jakarta"},
        {"32.73", "32", 2, "Kota Bandung"},  {"32.04", "32", 2, "Kabupaten Bandung"},
        {"31.71", "31", 2, "Jakarta Pusat"},
    };
    struct error err = {0};
    assert_int_equal(store_regions_sync(s, r, WSP_ARRAY_LEN(r), NULL, &err), 0);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-splan-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "p.db");
    time_set_override(T0);
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0)
        return -1;
    sync_regions(f->s);
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    arena_release(&f->a);
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f->path);
    free(f);
    time_set_override(0);
    return 0;
}

static void test_migrate_from_v2_and_v3(void **state)
{
    struct fx *f = *state;
    for (int from = 2; from <= 3; from++) {
        char name[16];
        snprintf(name, sizeof(name), "m%d.db", from);
        char *path = testdb_new(f->dir, name);
        struct store *s;
        struct error err = {0};
        assert_int_equal(store_open_raw(&s, path, &err), 0);
        assert_int_equal(store_migrate(s, from, &err), 0);
        int v;
        assert_int_equal(store_schema_version(s, &v, &err), 0);
        assert_int_equal(v, from);
        assert_int_equal(store_migrate(s, store_schema_latest(), &err), 0);
        assert_int_equal(store_schema_version(s, &v, &err), 0);
        assert_true(v >= 4);
        /* The calendar is seeded by the migration, as data. */
        struct store_calendar c;
        assert_int_equal(store_calendar_get(s, "pks", &c, &err), 0);
        assert_string_equal(c.period_type, "b4");
        assert_int_equal(c.deadline_days, 10);
        assert_int_equal(c.grace_days, 5);
        assert_int_equal(store_calendar_get(s, "p3aks", &c, &err), 0);
        store_close(s);
        if (!testdb_pg()) {
            char p2[200];
            snprintf(p2, sizeof(p2), "%s-wal", path);
            unlink(p2);
            snprintf(p2, sizeof(p2), "%s-shm", path);
            unlink(p2);
            unlink(path);
        }
        free(path);
    }
}

static void test_calendar_set(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_calendar c = {
        .plan_type = "p3aks", .period_type = "quarter", .deadline_days = 15, .grace_days = 0};
    assert_int_equal(store_calendar_set(f->s, &c, &actor, &err), 0);
    struct store_calendar got;
    assert_int_equal(store_calendar_get(f->s, "p3aks", &got, &err), 0);
    assert_string_equal(got.period_type, "quarter");
    assert_int_equal(got.deadline_days, 15);
    str_copy(c.period_type, "weekly", sizeof(c.period_type));
    assert_int_equal(store_calendar_set(f->s, &c, &actor, &err), WSP_EINVAL);
    struct store_audit *rows;
    size_t n, total;
    struct store_audit_query q = {.action = "calendar.set"};
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(rows[0].before_json, "\"b4\""));
    assert_non_null(strstr(rows[0].after_json, "\"quarter\""));
}

static void test_timdu_and_forums(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_timdu t = {.region_code = "32",
                            .sk_number = "SK 1/2026",
                            .sk_date = "2026-02-01",
                            .valid_until = "2026-12-31",
                            .chair_name = "Gubernur"};
    int64_t id, mid;
    assert_int_equal(store_timdu_add(f->s, &t, &actor, &id, &err), 0);
    t.sk_date = "2026-13-01";
    assert_int_equal(store_timdu_add(f->s, &t, &actor, NULL, &err), WSP_EINVAL);
    t.sk_date = "2026-02-01";
    t.region_code = "99";
    assert_int_equal(store_timdu_add(f->s, &t, &actor, NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown region '99'");
    struct store_timdu_member m = {.timdu_id = id,
                                   .name = "Budi",
                                   .agency = "Polda",
                                   .agency_type = "polri",
                                   .subteam = "penghentian",
                                   .phone = "0812"};
    assert_int_equal(store_timdu_member_add(f->s, &m, &actor, &mid, &err), 0);
    m.timdu_id = 999;
    assert_int_equal(store_timdu_member_add(f->s, &m, &actor, NULL, &err), WSP_ENOTFOUND);
    struct store_timdu got;
    struct store_timdu_member *members;
    size_t n;
    assert_int_equal(store_timdu_get(f->s, id, &f->a, &got, &members, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(members[0].phone, "0812");
    /* Contact data stays out of the audit log. */
    struct store_audit *rows;
    size_t na, total;
    struct store_audit_query q = {.action = "timdu.member.add"};
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &na, &total, &err), 0);
    assert_int_equal(na, 1);
    assert_null(strstr(rows[0].after_json, "0812"));

    struct store_timdu *list;
    assert_int_equal(store_timdu_list(f->s, "31", NULL, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_timdu_list(f->s, "32", NULL, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].nmembers, 1);

    got.valid_until = NULL;
    assert_int_equal(store_timdu_update(f->s, &got, &actor, &err), 0);
    assert_int_equal(store_timdu_member_delete(f->s, id, mid, &actor, &err), 0);
    assert_int_equal(store_timdu_member_delete(f->s, id, mid, &actor, &err), WSP_ENOTFOUND);

    struct store_forum fo = {.region_code = "32.73", .kind = "fkdm", .name = "FKDM Kota Bandung"};
    int64_t fid;
    assert_int_equal(store_forum_add(f->s, &fo, &actor, &fid, &err), 0);
    fo.kind = "arisan";
    assert_int_equal(store_forum_add(f->s, &fo, &actor, NULL, &err), WSP_EINVAL);
    struct store_forum *fl;
    assert_int_equal(store_forum_list(f->s, "32", "32.73", &f->a, &fl, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_forum_delete(f->s, fid, &actor, &err), 0);
    assert_int_equal(store_forum_get(f->s, fid, &f->a, &fo, &err), WSP_ENOTFOUND);
    assert_int_equal(store_timdu_delete(f->s, id, &actor, &err), 0);
}

static struct store_rad_action act(const char *kegiatan)
{
    struct store_rad_action a = {.phase = "pencegahan",
                                 .program = "Program",
                                 .kegiatan = kegiatan,
                                 .opd = "Kesbangpol",
                                 .anggaran = 1000,
                                 .target = 2,
                                 .unit = "kali"};
    return a;
}

static void test_rad_workflow_and_versions(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_rad r = {
        .region_code = "32", .year = 2026, .plan_type = "pks", .title = "RAD Jabar 2026"};
    int64_t id, aid;
    assert_int_equal(store_rad_create(f->s, &r, &actor, &id, &err), 0);
    assert_int_equal(store_rad_create(f->s, &r, &actor, NULL, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "region '32' already has a pks plan for 2026");
    struct store_rad_action a = act("Pemetaan");
    assert_int_equal(store_rad_action_add(f->s, id, &a, &actor, &aid, &err), 0);
    a = act("Rapat");
    assert_int_equal(store_rad_action_add(f->s, id, &a, &actor, NULL, &err), 0);
    struct store_pokja p = {.rad_id = id, .name = "Rina", .agency = "Bappeda"};
    assert_int_equal(store_pokja_add(f->s, &p, &actor, NULL, &err), 0);

    /* draft -> diajukan; content is locked; a stale compare-and-set fails. */
    assert_int_equal(
        store_rad_set_status(f->s, id, "draft", "diajukan", "submit", NULL, &actor, &err), 0);
    assert_int_equal(
        store_rad_set_status(f->s, id, "draft", "diajukan", "submit", NULL, &actor, &err),
        WSP_EEXIST);
    assert_string_equal(err.msg, "plan 1 is 'diajukan', not 'draft'");
    a = act("Terlambat");
    assert_int_equal(store_rad_action_add(f->s, id, &a, &actor, NULL, &err), WSP_EEXIST);
    assert_int_equal(store_rad_set_title(f->s, id, "baru", &actor, &err), WSP_EEXIST);
    assert_int_equal(store_rad_set_status(f->s, id, "diajukan", "dikembalikan", "return",
                                          "lengkapi indikator", &actor, &err),
                     0);
    struct store_rad got;
    assert_int_equal(store_rad_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "dikembalikan");
    assert_string_equal(got.review_notes, "lengkapi indikator");
    assert_string_equal(got.reviewed_by, "tester");
    assert_int_equal(got.nactions, 2);
    assert_int_equal(got.anggaran, 2000);
    /* Editable again after return. */
    assert_int_equal(store_rad_action_delete(f->s, aid, &actor, &err), 0);
    assert_int_equal(
        store_rad_set_status(f->s, id, "dikembalikan", "diajukan", "submit", NULL, &actor, &err),
        0);
    assert_int_equal(
        store_rad_set_status(f->s, id, "diajukan", "disetujui", "approve", NULL, &actor, &err), 0);

    /* Version history: create, 2 actions, pokja, submit, return, delete, submit, approve. */
    struct store_rad_version *v;
    size_t n;
    assert_int_equal(store_rad_versions(f->s, id, &f->a, &v, &n, &err), 0);
    assert_int_equal(n, 9);
    static const char *const changes[] = {"approve",    "submit",     "action.delete",
                                          "return",     "submit",     "pokja.add",
                                          "action.add", "action.add", "create"};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].version, (int)(n - i));
        assert_string_equal(v[i].change, changes[i]);
    }
    struct store_rad_version one;
    assert_int_equal(store_rad_version_get(f->s, id, 4, &f->a, &one, &err), 0);
    json_t *snap = json_loads(one.snapshot_json, 0, NULL);
    assert_non_null(snap);
    assert_int_equal(json_array_size(json_object_get(snap, "actions")), 2);
    assert_int_equal(json_array_size(json_object_get(snap, "pokja")), 1);
    assert_string_equal(json_string_value(json_object_get(snap, "status")), "draft");
    json_decref(snap);
    assert_int_equal(store_rad_version_get(f->s, id, 5, &f->a, &one, &err), 0);
    assert_string_equal(one.status, "diajukan");
    assert_int_equal(store_rad_version_get(f->s, id, 99, &f->a, &one, &err), WSP_ENOTFOUND);

    /* Queries by scope. */
    struct store_rad *list;
    struct store_rad_query q = {.scope = "31"};
    assert_int_equal(store_rad_list(f->s, &q, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 0);
    q.scope = "32";
    q.status = "disetujui";
    assert_int_equal(store_rad_list(f->s, &q, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
}

static void test_import_all_or_nothing(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_rad r = {
        .region_code = "32.73", .year = 2026, .plan_type = "p3aks", .title = "RAD P3AKS Bandung"};
    struct store_rad_action acts[3] = {act("Satu"), act("Dua"), act("Tiga")};
    int64_t id;
    bool created;
    assert_int_equal(store_rad_import(f->s, &r, acts, 3, &actor, &id, &created, &err), 0);
    assert_true(created);
    /* A bad action in the middle: nothing changes. */
    acts[1].phase = "pencegahn";
    acts[0].kegiatan = "Satu baru";
    assert_int_equal(store_rad_import(f->s, &r, acts, 3, &actor, &id, &created, &err), WSP_EINVAL);
    struct store_rad_action *got;
    size_t n;
    assert_int_equal(store_rad_actions(f->s, id, &f->a, &got, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(got[0].kegiatan, "Satu");
    assert_int_equal(got[2].seq, 3);
    /* A good re-import replaces the actions. */
    acts[1].phase = "pemulihan";
    assert_int_equal(store_rad_import(f->s, &r, acts, 2, &actor, &id, &created, &err), 0);
    assert_false(created);
    assert_int_equal(store_rad_actions(f->s, id, &f->a, &got, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].kegiatan, "Satu baru");
    /* Not into a submitted plan. */
    assert_int_equal(
        store_rad_set_status(f->s, id, "draft", "diajukan", "submit", NULL, &actor, &err), 0);
    assert_int_equal(store_rad_import(f->s, &r, acts, 2, &actor, &id, &created, &err), WSP_EEXIST);
    /* Inside a caller's transaction, a failing import undoes only itself. */
    struct store_rad r2 = {.region_code = "31", .year = 2026, .plan_type = "pks", .title = "X"};
    assert_int_equal(store_begin(f->s, &err), 0);
    assert_int_equal(store_rad_import(f->s, &r2, acts, 2, &actor, &id, &created, &err), 0);
    acts[0].opd = "";
    struct store_rad r3 = {.region_code = "31.71", .year = 2026, .plan_type = "pks", .title = "Y"};
    assert_int_equal(store_rad_import(f->s, &r3, acts, 2, &actor, NULL, NULL, &err), WSP_EINVAL);
    assert_int_equal(store_commit(f->s, &err), 0);
    struct store_rad x;
    assert_int_equal(store_rad_find(f->s, "31", 2026, "pks", &f->a, &x, &err), 0);
    assert_int_equal(store_rad_find(f->s, "31.71", 2026, "pks", &f->a, &x, &err), WSP_ENOTFOUND);
}

static void test_progress_and_status(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_rad r = {.region_code = "32", .year = 2026, .plan_type = "pks", .title = "RAD"};
    int64_t id, a1, pid;
    assert_int_equal(store_rad_create(f->s, &r, &actor, &id, &err), 0);
    struct store_rad_action a = act("Satu");
    a.start_date = "2026-05-01";
    assert_int_equal(store_rad_action_add(f->s, id, &a, &actor, &a1, &err), 0);
    struct store_progress p = {.action_id = a1,
                               .period = "B-04",
                               .physical_pct = 40,
                               .budget_realized = 100,
                               .narrative = "jalan"};
    assert_int_equal(store_progress_add(f->s, &p, &actor, &pid, &err), 0);
    assert_int_equal(store_progress_add(f->s, &p, &actor, NULL, &err), WSP_EEXIST);
    p.period = "B-08";
    p.physical_pct = 140;
    assert_int_equal(store_progress_add(f->s, &p, &actor, NULL, &err), WSP_EINVAL);
    struct store_progress got;
    assert_int_equal(store_progress_get(f->s, pid, &f->a, &got, &err), 0);
    assert_string_equal(got.region_code, "32");
    assert_int_equal(got.submitted_at, T0);
    got.physical_pct = 60;
    assert_int_equal(store_progress_update(f->s, &got, &actor, &err), 0);
    struct store_evidence e = {.report_id = pid,
                               .filename = "a.pdf",
                               .content_type = "application/pdf",
                               .sha256 = "00",
                               .size = 3};
    int64_t eid;
    assert_int_equal(store_evidence_add(f->s, &e, &actor, &eid, &err), 0);
    struct store_progress *list;
    size_t n;
    struct store_progress_query q = {.scope = "32", .year = 2026};
    assert_int_equal(store_progress_list(f->s, &q, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].nevidence, 1);
    assert_true(list[0].physical_pct == 60);

    /* Compliance input: actions only of approved plans. */
    struct store_plan_status ps;
    assert_int_equal(store_plan_status(f->s, "32", 2026, "pks", "2026-09-22", &f->a, &ps, &err), 0);
    assert_false(ps.timdu);
    assert_string_equal(ps.rad_status, "draft");
    assert_int_equal(ps.nactions, 0);
    assert_int_equal(
        store_rad_set_status(f->s, id, "draft", "diajukan", "submit", NULL, &actor, &err), 0);
    assert_int_equal(
        store_rad_set_status(f->s, id, "diajukan", "disetujui", "approve", NULL, &actor, &err), 0);
    struct store_timdu t = {.region_code = "32", .sk_number = "SK", .sk_date = "2026-09-23"};
    assert_int_equal(store_timdu_add(f->s, &t, &actor, NULL, &err), 0);
    assert_int_equal(store_plan_status(f->s, "32", 2026, "pks", "2026-09-22", &f->a, &ps, &err), 0);
    assert_false(ps.timdu); /* decree dated after the reference day */
    assert_int_equal(store_plan_status(f->s, "32", 2026, "pks", "2026-09-23", &f->a, &ps, &err), 0);
    assert_true(ps.timdu);
    assert_int_equal(ps.nactions, 1);
    assert_string_equal(ps.actions[0].start_date, "2026-05-01");
    assert_int_equal(ps.nreports, 1);

    struct store_region *regs;
    assert_int_equal(store_plan_regions(f->s, "32", &f->a, &regs, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(regs[0].code, "32");
    assert_int_equal(store_plan_regions(f->s, NULL, &f->a, &regs, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_plan_regions(f->s, "77", &f->a, &regs, &n, &err), WSP_ENOTFOUND);

    /* Whole compliance through the plan module. B-04 of an action that starts in May is not
     * expected; as of 22 September B-08 is closed and has no report. */
    struct plan_compliance c;
    assert_int_equal(plan_compliance_load(f->s, 2026, "pks", "32", "2026-09-23", &f->a, &c, &err),
                     0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.rows[0].code, "32");
    assert_int_equal(c.rows[0].expected, 1);
    assert_int_equal(c.rows[0].submitted, 0);
    assert_true(c.rows[0].score == 50.0);
    assert_int_equal(c.n_no_rad, 2);
    assert_string_equal(c.rows[c.no_rad[0]].code, "32.04");
    assert_int_equal(c.n_no_timdu, 2);
}

static void test_cases(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    const char *more[] = {"32.04"};
    struct store_case c = {.title = "Sengketa",
                           .region_code = "32.73",
                           .regions = more,
                           .nregions = 1,
                           .issue = "sumber_daya"};
    int64_t id;
    assert_int_equal(store_case_add(f->s, &c, &actor, &id, &err), 0);
    struct store_case got;
    assert_int_equal(store_case_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "potensi");
    assert_int_equal(got.nregions, 1);
    got.status = "aktif";
    assert_int_equal(store_case_update(f->s, &got, "potensi", &actor, &err), 0);
    assert_int_equal(store_case_update(f->s, &got, "potensi", &actor, &err), WSP_EEXIST);
    long counts[STORE_VICTIM_GROUPS] = {1, 2, 0, 3, 0, 1};
    struct store_victim v = {0, "Nama Rahasia", "p", 12, "Jl. Contoh", NULL};
    assert_int_equal(store_case_victims_set(f->s, id, counts, &v, 1, &actor, &err), 0);
    long back[STORE_VICTIM_GROUPS];
    struct store_victim *vs;
    size_t n;
    assert_int_equal(store_case_victims_get(f->s, id, back, &f->a, &vs, &n, &err), 0);
    assert_int_equal(back[3], 3);
    assert_int_equal(n, 1);
    assert_string_equal(vs[0].name, "Nama Rahasia");
    /* Victims' names never reach the audit log. */
    struct store_audit *rows;
    size_t na, total;
    struct store_audit_query q = {.action = "case.victims"};
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &na, &total, &err), 0);
    assert_int_equal(na, 1);
    assert_null(strstr(rows[0].after_json, "Rahasia"));
    struct store_case_action ca = {.case_id = id,
                                   .phase = "penghentian",
                                   .action_date = "2026-09-01",
                                   .description = "Pengamanan"};
    assert_int_equal(store_case_action_add(f->s, &ca, &actor, NULL, &err), 0);
    ca.case_id = 999;
    assert_int_equal(store_case_action_add(f->s, &ca, &actor, NULL, &err), WSP_EINVAL);
    struct store_case *list;
    struct store_case_query cq = {.scope = "32", .status = "aktif"};
    assert_int_equal(store_case_list(f->s, &cq, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    cq.scope = "32.04";
    assert_int_equal(store_case_list(f->s, &cq, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 0);
}

static void test_demo_seed(void **state)
{
    struct fx *f = *state;
    /* The demo needs the real gazetteer codes: use a fresh database with every province. */
    char *path = testdb_new(f->dir, "demo.db");
    struct store *s;
    struct error err = {0};
    assert_int_equal(store_open(&s, path, &err), 0);
    const struct store_region r[] = {
        {"11", NULL, 1, "Aceh"},
        {"31", NULL, 1, "DKI"},
        {"32", NULL, 1, "Jawa Barat"},
        {"33", NULL, 1, "Jawa Tengah"},
        {"35", NULL, 1, "Jawa Timur"},
        {"72", NULL, 1, "Sulawesi Tengah"},
        {"73", NULL, 1, "Sulawesi Selatan"},
        {"32.73", "32", 2, "Kota Bandung"},
        {"72.02", "72", 2, "Kabupaten Poso"},
        {"72.71", "72", 2, "Kota Palu"},
    };
    assert_int_equal(store_regions_sync(s, r, WSP_ARRAY_LEN(r), NULL, &err), 0);
    assert_int_equal(plan_demo_seed(s, &err), 0);
    assert_int_equal(plan_demo_seed(s, &err), 0); /* idempotent */
    struct arena a;
    arena_init(&a, 0);
    struct store_rad *list;
    size_t n;
    struct store_rad_query q = {0};
    assert_int_equal(store_rad_list(s, &q, &a, &list, &n, &err), 0);
    assert_int_equal(n, 9);
    const char *seen[4] = {0};
    for (size_t i = 0; i < n; i++) {
        if (str_eq(list[i].status, "draft"))
            seen[0] = "draft";
        if (str_eq(list[i].status, "diajukan"))
            seen[1] = "diajukan";
        if (str_eq(list[i].status, "dikembalikan"))
            seen[2] = "dikembalikan";
        if (str_eq(list[i].status, "disetujui"))
            seen[3] = "disetujui";
    }
    for (size_t i = 0; i < 4; i++)
        assert_non_null(seen[i]);
    arena_release(&a);
    store_close(s);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_from_v2_and_v3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calendar_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timdu_and_forums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rad_workflow_and_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_seed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
