/* Unit tests for the rules of safe public spaces for women and children (src/p3aks/spaces.c),
 * on values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "p3aks/p3aks.h"

static void test_vocabularies(void **state)
{
    (void)state;
    static const char *const kinds[] = {"ruang_bermain_ramah_anak",
                                        "taman",
                                        "pusat_pembelajaran_keluarga",
                                        "pos_pelayanan",
                                        "balai_warga",
                                        "rumah_ibadah",
                                        "sekolah",
                                        "lainnya"};
    assert_int_equal(P3AKS_SPACE_NKINDS, 8);
    for (int i = 0; i < P3AKS_SPACE_NKINDS; i++) {
        assert_string_equal(p3aks_space_kinds[i].code, kinds[i]);
        assert_true(p3aks_space_kind_valid(kinds[i]));
        assert_non_null(p3aks_space_kinds[i].label_id);
        assert_non_null(p3aks_space_kinds[i].label_en);
    }
    assert_string_equal(p3aks_space_kind_label("ruang_bermain_ramah_anak", false),
                        "Ruang bermain ramah anak");
    assert_string_equal(p3aks_space_kind_label("ruang_bermain_ramah_anak", true),
                        "Child-friendly playground");
    assert_string_equal(p3aks_space_kind_label("pusat_pembelajaran_keluarga", true),
                        "Family learning centre");
    assert_null(p3aks_space_kind_label("kolam", false));
    assert_null(p3aks_space_kind_label(NULL, true));
    assert_false(p3aks_space_kind_valid("Taman"));
    assert_false(p3aks_space_kind_valid(""));
    assert_false(p3aks_space_kind_valid(NULL));

    assert_int_equal(P3AKS_SPACE_NSTATUSES, 3);
    assert_string_equal(p3aks_space_statuses[0].code, "direncanakan");
    assert_string_equal(p3aks_space_statuses[1].code, "aktif");
    assert_string_equal(p3aks_space_statuses[2].code, "tidak_aktif");
    assert_string_equal(p3aks_space_status_label("tidak_aktif", false), "Tidak aktif");
    assert_string_equal(p3aks_space_status_label("aktif", true), "Open");
    assert_string_equal(P3AKS_SPACE_INITIAL, "direncanakan");
    assert_string_equal(P3AKS_SPACE_PUBLIC, "aktif");
    assert_true(p3aks_space_status_valid(P3AKS_SPACE_INITIAL));
    assert_false(p3aks_space_status_valid("selesai"));

    struct error err = {0};
    assert_int_equal(p3aks_space_kind_check("taman", &err), 0);
    assert_int_equal(p3aks_space_kind_check("kolam", &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown space kind 'kolam' (ruang_bermain_ramah_anak, taman,"
                                 " pusat_pembelajaran_keluarga, pos_pelayanan, balai_warga,"
                                 " rumah_ibadah, sekolah, lainnya)");
    assert_int_equal(p3aks_space_status_check(NULL, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "unknown space status '' (direncanakan, aktif, tidak_aktif)");
}

/* A valid space of Kota Bandung in a kelurahan of Kecamatan Sukasari. */
static struct p3aks_space good(void)
{
    return (struct p3aks_space){.region_code = "32.73",
                                .village_code = "32.73.01.1001",
                                .name = "RBRA Taman Sukasari",
                                .kind = "ruang_bermain_ramah_anak",
                                .status = "aktif",
                                .has_coords = true,
                                .latitude = -6.8712,
                                .longitude = 107.5853,
                                .notes = "Buka setiap hari 07.00-17.00"};
}

static void expect(const struct p3aks_space *sp, int rc, const char *msg)
{
    struct error err = {0};
    assert_int_equal(p3aks_space_check(sp, &err), rc);
    if (msg)
        assert_string_equal(err.msg, msg);
}

static void test_check_space(void **state)
{
    (void)state;
    struct p3aks_space sp = good();
    expect(&sp, 0, NULL);
    /* optional fields */
    sp.village_code = NULL;
    sp.has_coords = false;
    sp.notes = NULL;
    sp.status = NULL;
    expect(&sp, 0, NULL);
    sp.village_code = "";
    expect(&sp, 0, NULL);
    /* a province's space */
    sp = good();
    sp.region_code = "32";
    expect(&sp, 0, NULL);

    /* region */
    sp = good();
    sp.region_code = "32.73.01";
    expect(&sp, WSP_EINVAL, "region '32.73.01' is not a province or regency code");
    sp.region_code = "";
    expect(&sp, WSP_EINVAL, "region '' is not a province or regency code");
    sp.region_code = NULL;
    expect(&sp, WSP_EINVAL, "region '' is not a province or regency code");
    sp.region_code = "32.";
    expect(&sp, WSP_EINVAL, "region '32.' is not a province or regency code");
    sp.region_code = "3a";
    expect(&sp, WSP_EINVAL, "region '3a' is not a province or regency code");

    /* name */
    sp = good();
    sp.name = " \t ";
    expect(&sp, WSP_EINVAL, "missing space name");
    sp.name = NULL;
    expect(&sp, WSP_EINVAL, "missing space name");
    char name[P3AKS_SPACE_NAME_MAX + 2];
    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    sp.name = name;
    expect(&sp, WSP_EINVAL, "space name is longer than 200 bytes");
    name[P3AKS_SPACE_NAME_MAX] = '\0';
    expect(&sp, 0, NULL);

    /* kind and status */
    sp = good();
    sp.kind = "kolam";
    expect(&sp, WSP_EINVAL, NULL);
    sp.kind = NULL;
    expect(&sp, WSP_EINVAL, NULL);
    sp = good();
    sp.status = "selesai";
    expect(&sp, WSP_EINVAL, "unknown space status 'selesai' (direncanakan, aktif, tidak_aktif)");

    /* the village lies inside the region, on whole segments */
    sp = good();
    sp.village_code = "32.73.01";
    expect(&sp, WSP_EINVAL,
           "village '32.73.01' is not a village code (desa/kelurahan: NN.NN.NN.NNNN)");
    sp.village_code = "32.04.01.2001";
    expect(&sp, WSP_EINVAL, "village '32.04.01.2001' is not inside region '32.73'");
    sp.region_code = "32.7";
    sp.village_code = "32.73.01.1001"; /* "32.7" is a prefix of the text, not of the code */
    expect(&sp, WSP_EINVAL, "village '32.73.01.1001' is not inside region '32.7'");
    sp.region_code = "32";
    expect(&sp, 0, NULL);
    sp.region_code = "33";
    expect(&sp, WSP_EINVAL, "village '32.73.01.1001' is not inside region '33'");

    /* coordinates */
    sp = good();
    sp.latitude = 91;
    expect(&sp, WSP_EINVAL, "latitude 91 is outside -90..90");
    sp.latitude = NAN;
    expect(&sp, WSP_EINVAL, "latitude nan is outside -90..90");
    sp = good();
    sp.longitude = -180.5;
    expect(&sp, WSP_EINVAL, "longitude -180.5 is outside -180..180");
    sp.longitude = INFINITY;
    expect(&sp, WSP_EINVAL, "longitude inf is outside -180..180");
    sp = good();
    sp.latitude = 107.5853; /* swapped: latitude out of range */
    sp.longitude = -6.8712;
    expect(&sp, WSP_EINVAL, "latitude 107.585 is outside -90..90");
    sp.latitude = 6.8712; /* the sign lost: north of Aceh's tip */
    sp.longitude = 107.5853;
    expect(&sp, WSP_EINVAL,
           "coordinates 6.8712, 107.585 are outside Indonesia (latitude -11.5..6.5, longitude"
           " 94.5..141.5): swapped?");
    sp.latitude = -6.5;
    sp.longitude = 141.5; /* the edge is inside */
    expect(&sp, 0, NULL);
    sp.has_coords = false; /* not looked at without coordinates */
    sp.latitude = 1000;
    expect(&sp, 0, NULL);

    /* notes */
    sp = good();
    char notes[P3AKS_SPACE_NOTES_MAX + 2];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    sp.notes = notes;
    expect(&sp, WSP_EINVAL, "notes are longer than 2000 bytes");
    notes[P3AKS_SPACE_NOTES_MAX] = '\0';
    expect(&sp, 0, NULL);
}

static void test_action_link(void **state)
{
    (void)state;
    struct error err = {0};
    /* an action of the regency's own RAD P3AKS */
    struct p3aks_space_action a = {
        .id = 5, .p3aks = true, .rad_region = "32.73", .rad_type = "p3aks"};
    assert_true(p3aks_space_action_is_p3aks(&a));
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), 0);
    /* of its province's plan */
    a.rad_region = "32";
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), 0);
    assert_int_equal(p3aks_space_action_check("32", &a, &err), 0);
    /* a regency's plan holds neither its province's spaces nor another regency's */
    a.rad_region = "32.73";
    assert_int_equal(p3aks_space_action_check("32", &a, &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "action 5 belongs to the plan of region '32.73', not of '32' or its "
                        "province");
    assert_int_equal(p3aks_space_action_check("32.04", &a, &err), WSP_EINVAL);
    /* another province */
    a.rad_region = "31";
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), WSP_EINVAL);
    assert_string_equal(err.msg,
                        "action 5 belongs to the plan of region '31', not of '32.73' or its "
                        "province");
    a.rad_region = "3";
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), WSP_EINVAL);

    /* P3AKS: an action of a RAD P3AKS, or one flagged P3AKS in a RAD PKS */
    a.rad_region = "32";
    a.p3aks = false;
    assert_true(p3aks_space_action_is_p3aks(&a));
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), 0);
    a.rad_type = "pks";
    a.p3aks = true;
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), 0);
    a.p3aks = false;
    assert_false(p3aks_space_action_is_p3aks(&a));
    assert_int_equal(p3aks_space_action_check("32.73", &a, &err), WSP_EINVAL);
    assert_string_equal(err.msg, "action 5 is not a P3AKS action");

    assert_true(p3aks_space_plan_covers("32", "32"));
    assert_true(p3aks_space_plan_covers("32", "32.73"));
    assert_true(p3aks_space_plan_covers("32.73", "32.73"));
    assert_false(p3aks_space_plan_covers("32.73", "32"));
    assert_false(p3aks_space_plan_covers("3", "32.73"));
    assert_false(p3aks_space_plan_covers("32", "320.73"));
    assert_false(p3aks_space_plan_covers("", "32"));
    assert_false(p3aks_space_plan_covers(NULL, "32"));
    assert_false(p3aks_space_plan_covers("32", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_check_space),
        cmocka_unit_test(test_action_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
