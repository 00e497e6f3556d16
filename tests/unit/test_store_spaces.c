/* store, safe public spaces (ruang publik ramah perempuan dan anak): a real database, a SQLite
 * file in a temporary directory or a fresh PostgreSQL database when
 * WASPADA_TEST_ENGINE=postgresql (testdb.h). */
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

#include "base/base.h"
#include "p3aks/p3aks.h"
#include "store/store.h"
#include "../support/testdb.h"

#define T0 1790000000 /* 2026-09-21 21:13 WIB */

struct fx {
    char dir[64];
    char *path; /* a file in dir, or a PostgreSQL URL */
    struct store *s;
    struct arena a;
    /* actions: of the RAD P3AKS of 32, of the RAD PKS of 32.73 (flagged P3AKS and not), of
     * the RAD P3AKS of 31 */
    int64_t act_prov, act_bdg_p3aks, act_bdg_pks, act_jkt;
    int64_t rad_prov;
};

static const struct store_actor actor = {7, "tester", "127.0.0.1"};

static void sync_regions(struct store *s)
{
    const struct store_region r[] = {
        {"32", NULL, 1, "Jawa Barat"},
        {"31", NULL, 1, "DKI Jakarta"},
        {"32.73", "32", 2, "Kota Bandung"},
        {"32.04", "32", 2, "Kabupaten Bandung"},
        {"31.71", "31", 2, "Kota Adm. Jakarta Pusat"},
        {"32.73.01", "32.73", 3, "Sukasari"},
        {"32.73.01.1001", "32.73.01", 4, "Sarijadi"},
        {"32.73.01.1002", "32.73.01", 4, "Sukarasa"},
        {"32.04.05", "32.04", 3, "Cileunyi"},
        {"32.04.05.2001", "32.04.05", 4, "Cileunyi Kulon"},
        {"31.71.01", "31.71", 3, "Gambir"},
        {"31.71.01.1001", "31.71.01", 4, "Gambir"},
    };
    struct error err = {0};
    assert_int_equal(store_regions_sync(s, r, WSP_ARRAY_LEN(r), NULL, &err), 0);
}

static int64_t add_rad(struct store *s, const char *region, const char *type)
{
    struct store_rad r = {.region_code = region, .year = 2026, .plan_type = type, .title = "RAD"};
    int64_t id = 0;
    struct error err = {0};
    assert_int_equal(store_rad_create(s, &r, &actor, &id, &err), 0);
    return id;
}

static int64_t add_action(struct store *s, int64_t rad_id, const char *kegiatan, bool p3aks)
{
    struct store_rad_action a = {.phase = "pencegahan",
                                 .program = "Perlindungan Perempuan dan Anak",
                                 .kegiatan = kegiatan,
                                 .indikator = "Ruang tersedia",
                                 .target = 3,
                                 .unit = "lokasi",
                                 .anggaran = 50000000,
                                 .opd = "DP3A",
                                 .focus = "potensi_konflik",
                                 .p3aks = p3aks};
    int64_t id = 0;
    struct error err = {0};
    if (store_rad_action_add(s, rad_id, &a, &actor, &id, &err) != 0)
        fail_msg("add action: %s", err.msg);
    return id;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-sspace-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "s.db");
    time_set_override(T0);
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0)
        return -1;
    sync_regions(f->s);
    arena_init(&f->a, 0);
    f->rad_prov = add_rad(f->s, "32", "p3aks");
    f->act_prov = add_action(f->s, f->rad_prov, "Pembangunan ruang bermain ramah anak", true);
    int64_t bdg = add_rad(f->s, "32.73", "pks");
    f->act_bdg_p3aks = add_action(f->s, bdg, "Taman ramah perempuan dan anak", true);
    f->act_bdg_pks = add_action(f->s, bdg, "Rapat koordinasi FKDM", false);
    f->act_jkt = add_action(f->s, add_rad(f->s, "31", "p3aks"), "Puspaga", true);
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

static int64_t count(struct fx *f, const char *sql)
{
    return testdb_int(f->path, sql);
}

static void test_add_get_audit(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_space sp = {.region_code = "32.73",
                             .village_code = "32.73.01.1001",
                             .name = "RBRA Taman Sarijadi",
                             .kind = "ruang_bermain_ramah_anak",
                             .status = "aktif",
                             .action_id = f->act_prov,
                             .has_coords = true,
                             .latitude = -6.875,
                             .longitude = 107.5775,
                             .notes = "Buka setiap hari"};
    int64_t id = 0;
    assert_int_equal(store_space_add(f->s, &sp, &actor, &id, &err), 0);
    assert_true(id > 0);
    struct store_space got;
    assert_int_equal(store_space_get(f->s, id, &f->a, &got, &err), 0);
    assert_int_equal(got.id, id);
    assert_string_equal(got.region_code, "32.73");
    assert_string_equal(got.region_name, "Kota Bandung");
    assert_string_equal(got.village_code, "32.73.01.1001");
    assert_string_equal(got.village_name, "Sarijadi");
    assert_string_equal(got.name, "RBRA Taman Sarijadi");
    assert_string_equal(got.kind, "ruang_bermain_ramah_anak");
    assert_string_equal(got.status, "aktif");
    assert_int_equal(got.action_id, f->act_prov);
    assert_string_equal(got.action_kegiatan, "Pembangunan ruang bermain ramah anak");
    assert_int_equal(got.rad_id, f->rad_prov);
    assert_string_equal(got.rad_region, "32");
    assert_string_equal(got.rad_type, "p3aks");
    assert_int_equal(got.rad_year, 2026);
    assert_true(got.has_coords);
    assert_true(got.latitude == -6.875);
    assert_true(got.longitude == 107.5775);
    assert_string_equal(got.notes, "Buka setiap hari");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0);

    /* the fewest fields: planned, no village, action, coordinates or notes */
    struct store_space min = {.region_code = "32", .name = "Balai Warga", .kind = "balai_warga"};
    int64_t id2 = 0;
    assert_int_equal(store_space_add(f->s, &min, &actor, &id2, &err), 0);
    assert_int_equal(store_space_get(f->s, id2, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "direncanakan");
    assert_null(got.village_code);
    assert_null(got.village_name);
    assert_int_equal(got.action_id, 0);
    assert_null(got.action_kegiatan);
    assert_int_equal(got.rad_id, 0);
    assert_false(got.has_coords);
    assert_null(got.notes);

    assert_int_equal(store_space_get(f->s, 9999, &f->a, &got, &err), WSP_ENOTFOUND);
    assert_string_equal(err.msg, "no space with id '9999'");

    struct store_audit *rows;
    size_t n, total;
    struct store_audit_query q = {.action = "space.add"};
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[1].object_type, "space");
    char want[512];
    snprintf(want, sizeof(want),
             "{\"action_id\":%lld,\"id\":%lld,\"kind\":\"ruang_bermain_ramah_anak\","
             "\"latitude\":-6.875,\"longitude\":107.5775,\"name\":\"RBRA Taman Sarijadi\","
             "\"notes\":\"Buka setiap hari\",\"region\":\"32.73\",\"status\":\"aktif\","
             "\"village\":\"32.73.01.1001\"}",
             (long long)f->act_prov, (long long)id);
    assert_string_equal(rows[1].after_json, want);
    assert_null(rows[1].before_json);
    assert_string_equal(rows[1].username, "tester");
}

static void expect_refused(struct fx *f, const struct store_space *sp, int rc, const char *msg)
{
    struct error err = {0};
    int64_t before = count(f, "SELECT COUNT(*) FROM safe_spaces");
    int64_t audits = count(f, "SELECT COUNT(*) FROM audit_log");
    assert_int_equal(store_space_add(f->s, sp, &actor, NULL, &err), rc);
    assert_string_equal(err.msg, msg);
    /* nothing written: neither the space nor an audit row */
    assert_int_equal(count(f, "SELECT COUNT(*) FROM safe_spaces"), before);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log"), audits);
}

static void test_refusals(void **state)
{
    struct fx *f = *state;
    struct store_space sp = {
        .region_code = "32.73", .village_code = "32.04.05.2001", .name = "Taman", .kind = "taman"};
    expect_refused(f, &sp, WSP_EINVAL, "village '32.04.05.2001' is not inside region '32.73'");
    sp.village_code = "32.73.01.1999"; /* the right shape, but no such village */
    expect_refused(f, &sp, WSP_EINVAL, "unknown region '32.73' or village '32.73.01.1999'");
    sp.village_code = NULL;
    sp.region_code = "32.99";
    expect_refused(f, &sp, WSP_EINVAL, "unknown region '32.99' or village ''");
    sp.region_code = "32.73";
    sp.kind = "kolam";
    expect_refused(f, &sp, WSP_EINVAL,
                   "unknown space kind 'kolam' (ruang_bermain_ramah_anak, taman,"
                   " pusat_pembelajaran_keluarga, pos_pelayanan, balai_warga, rumah_ibadah,"
                   " sekolah, lainnya)");
    sp.kind = "taman";
    sp.has_coords = true;
    sp.latitude = 107.6;
    sp.longitude = -6.9;
    expect_refused(f, &sp, WSP_EINVAL, "latitude 107.6 is outside -90..90");
    sp.has_coords = false;

    /* the linked action: a P3AKS action of the region's plan or its province's */
    sp.action_id = 9999;
    expect_refused(f, &sp, WSP_EINVAL, "unknown action 9999");
    sp.action_id = f->act_bdg_pks;
    char msg[128];
    snprintf(msg, sizeof(msg), "action %lld is not a P3AKS action", (long long)f->act_bdg_pks);
    expect_refused(f, &sp, WSP_EINVAL, msg);
    sp.action_id = f->act_jkt;
    snprintf(msg, sizeof(msg),
             "action %lld belongs to the plan of region '31', not of '32.73' or its province",
             (long long)f->act_jkt);
    expect_refused(f, &sp, WSP_EINVAL, msg);
    /* a province's space and a regency's action */
    sp.region_code = "32";
    sp.action_id = f->act_bdg_p3aks;
    snprintf(msg, sizeof(msg),
             "action %lld belongs to the plan of region '32.73', not of '32' or its province",
             (long long)f->act_bdg_p3aks);
    expect_refused(f, &sp, WSP_EINVAL, msg);

    /* the ones that fit: the regency's flagged action, its province's plan */
    struct error err = {0};
    sp.region_code = "32.73";
    assert_int_equal(store_space_add(f->s, &sp, &actor, NULL, &err), 0);
    sp.action_id = f->act_prov;
    assert_int_equal(store_space_add(f->s, &sp, &actor, NULL, &err), 0);
}

/* Every kind and status of the rules is one the schema takes (the CHECK constraints of
 * migration 13 hold the same lists). */
static void test_vocabularies_fit_schema(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    for (int k = 0; k < P3AKS_SPACE_NKINDS; k++) {
        for (int st = 0; st < P3AKS_SPACE_NSTATUSES; st++) {
            struct store_space sp = {.region_code = "31.71",
                                     .name = p3aks_space_kinds[k].label_id,
                                     .kind = p3aks_space_kinds[k].code,
                                     .status = p3aks_space_statuses[st].code};
            if (store_space_add(f->s, &sp, &actor, NULL, &err) != 0)
                fail_msg("%s/%s: %s", sp.kind, sp.status, err.msg);
        }
    }
    assert_int_equal(count(f, "SELECT COUNT(*) FROM safe_spaces"),
                     P3AKS_SPACE_NKINDS * P3AKS_SPACE_NSTATUSES);
}

static void test_update_delete(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    struct store_space sp = {.region_code = "32.73",
                             .name = "Pos Sukarasa",
                             .kind = "pos_pelayanan",
                             .notes = "rencana"};
    int64_t id = 0;
    assert_int_equal(store_space_add(f->s, &sp, &actor, &id, &err), 0);
    time_set_override(T0 + 60);
    struct store_space up = {.id = id,
                             .region_code = "31", /* ignored: a space keeps its region */
                             .village_code = "32.73.01.1002",
                             .name = "Pos Pelayanan Sukarasa",
                             .kind = "pos_pelayanan",
                             .status = "aktif",
                             .action_id = f->act_bdg_p3aks,
                             .has_coords = true,
                             .latitude = -6.87,
                             .longitude = 107.59};
    assert_int_equal(store_space_update(f->s, &up, &actor, &err), 0);
    struct store_space got;
    assert_int_equal(store_space_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.region_code, "32.73");
    assert_string_equal(got.village_code, "32.73.01.1002");
    assert_string_equal(got.village_name, "Sukarasa");
    assert_string_equal(got.name, "Pos Pelayanan Sukarasa");
    assert_string_equal(got.status, "aktif");
    assert_int_equal(got.action_id, f->act_bdg_p3aks);
    assert_null(got.notes);
    assert_true(got.has_coords && got.latitude == -6.87 && got.longitude == 107.59);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0 + 60);

    struct store_audit *rows;
    size_t n, total;
    struct store_audit_query q = {.action = "space.update"};
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(rows[0].before_json, "\"status\":\"direncanakan\""));
    assert_non_null(strstr(rows[0].before_json, "\"notes\":\"rencana\""));
    assert_non_null(strstr(rows[0].after_json, "\"status\":\"aktif\""));
    assert_non_null(strstr(rows[0].after_json, "\"region\":\"32.73\""));
    assert_non_null(strstr(rows[0].after_json, "\"notes\":null"));

    /* a refused update changes nothing (the region stays 32.73, so 31's action is foreign) */
    up.action_id = f->act_jkt;
    up.status = "tidak_aktif";
    assert_int_equal(store_space_update(f->s, &up, &actor, &err), WSP_EINVAL);
    assert_int_equal(store_space_get(f->s, id, &f->a, &got, &err), 0);
    assert_string_equal(got.status, "aktif");
    up.action_id = 0;
    up.status = NULL; /* keeps the status */
    up.village_code = "32.73.01.1999";
    assert_int_equal(store_space_update(f->s, &up, &actor, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown village '32.73.01.1999'");
    up.id = 9999;
    assert_int_equal(store_space_update(f->s, &up, &actor, &err), WSP_ENOTFOUND);

    /* deleting the action unlinks the space */
    struct store_space linked = {.region_code = "32.73",
                                 .name = "Taman Baca",
                                 .kind = "taman",
                                 .action_id = f->act_bdg_p3aks};
    int64_t lid = 0;
    assert_int_equal(store_space_add(f->s, &linked, &actor, &lid, &err), 0);
    assert_int_equal(store_rad_action_delete(f->s, f->act_bdg_p3aks, &actor, &err), 0);
    assert_int_equal(store_space_get(f->s, lid, &f->a, &got, &err), 0);
    assert_int_equal(got.action_id, 0);
    assert_null(got.action_kegiatan);

    assert_int_equal(store_space_delete(f->s, id, &actor, &err), 0);
    assert_int_equal(store_space_get(f->s, id, &f->a, &got, &err), WSP_ENOTFOUND);
    assert_int_equal(store_space_delete(f->s, id, &actor, &err), WSP_ENOTFOUND);
    q.action = "space.delete";
    assert_int_equal(store_audit_list(f->s, &q, &f->a, &rows, &n, &total, &err), 0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(rows[0].before_json, "\"name\":\"Pos Pelayanan Sukarasa\""));
    assert_null(rows[0].after_json);
}

/* The names of a list, joined by ",". */
static const char *names(struct fx *f, const struct store_space_query *q, int64_t *next)
{
    struct store_space *list;
    size_t n;
    struct error err = {0};
    if (store_space_list(f->s, q, &f->a, &list, &n, next, &err) != 0)
        fail_msg("list: %s", err.msg);
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? "," : "", list[i].name);
    const char *out = arena_strdup(&f->a, buf_cstr(&b));
    buf_release(&b);
    return out;
}

static void test_list(void **state)
{
    struct fx *f = *state;
    struct error err = {0};
    const struct store_space spaces[] = {
        {.region_code = "32.73",
         .village_code = "32.73.01.1001",
         .name = "A",
         .kind = "taman",
         .status = "aktif",
         .action_id = f->act_prov},
        {.region_code = "32",
         .village_code = "32.73.01.1002",
         .name = "B",
         .kind = "sekolah",
         .status = "aktif",
         .action_id = f->act_prov},
        {.region_code = "32", .village_code = "32.04.05.2001", .name = "C", .kind = "taman"},
        {.region_code = "32.73",
         .name = "D",
         .kind = "taman",
         .status = "tidak_aktif",
         .action_id = f->act_bdg_p3aks},
        {.region_code = "31.71",
         .village_code = "31.71.01.1001",
         .name = "E",
         .kind = "taman",
         .status = "aktif",
         .action_id = f->act_jkt},
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(spaces); i++)
        assert_int_equal(store_space_add(f->s, &spaces[i], &actor, NULL, &err), 0);

    int64_t next = -1;
    struct store_space_query q = {0};
    assert_string_equal(names(f, &q, &next), "A,B,C,D,E");
    assert_int_equal(next, 0);
    /* scope and region: the plan's region or the village inside the prefix */
    q.scope = "32.73";
    assert_string_equal(names(f, &q, NULL), "A,B,D");
    q.scope = "32";
    assert_string_equal(names(f, &q, NULL), "A,B,C,D");
    q.region = "32.04";
    assert_string_equal(names(f, &q, NULL), "C");
    q.region = "31";
    assert_string_equal(names(f, &q, NULL), "");
    q.scope = "3"; /* no code lies under "3" on whole segments */
    q.region = NULL;
    assert_string_equal(names(f, &q, NULL), "");
    q = (struct store_space_query){.status = "aktif"};
    assert_string_equal(names(f, &q, NULL), "A,B,E");
    q = (struct store_space_query){.kind = "taman", .scope = "32"};
    assert_string_equal(names(f, &q, NULL), "A,C,D");
    q = (struct store_space_query){.action_id = f->act_prov};
    assert_string_equal(names(f, &q, NULL), "A,B");
    q = (struct store_space_query){.rad_id = f->rad_prov};
    assert_string_equal(names(f, &q, NULL), "A,B");

    /* pages of two */
    q = (struct store_space_query){.limit = 2};
    assert_string_equal(names(f, &q, &next), "A,B");
    assert_true(next > 0);
    q.after_id = next;
    assert_string_equal(names(f, &q, &next), "C,D");
    q.after_id = next;
    assert_string_equal(names(f, &q, &next), "E");
    assert_int_equal(next, 0);
    q = (struct store_space_query){.limit = 5};
    assert_string_equal(names(f, &q, &next), "A,B,C,D,E");
    assert_int_equal(next, 0);

    /* the joined fields come with the list too */
    struct store_space *list;
    size_t n;
    q = (struct store_space_query){.region = "31"};
    assert_int_equal(store_space_list(f->s, &q, &f->a, &list, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].region_name, "Kota Adm. Jakarta Pusat");
    assert_string_equal(list[0].village_name, "Gambir");
    assert_string_equal(list[0].action_kegiatan, "Puspaga");
    assert_string_equal(list[0].rad_region, "31");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_get_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vocabularies_fit_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
