/* Safe public spaces for women and children (ruang publik ramah perempuan dan anak): their
 * kinds and statuses, the checks of a space before it is written and of the P3AKS action it
 * is linked to. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "p3aks/p3aks.h"

const struct p3aks_space_label p3aks_space_kinds[P3AKS_SPACE_NKINDS] = {
    {"ruang_bermain_ramah_anak", "Ruang bermain ramah anak", "Child-friendly playground"},
    {"taman", "Taman", "Park"},
    {"pusat_pembelajaran_keluarga", "Pusat pembelajaran keluarga", "Family learning centre"},
    {"pos_pelayanan", "Pos pelayanan", "Service post"},
    {"balai_warga", "Balai warga", "Community hall"},
    {"rumah_ibadah", "Rumah ibadah", "House of worship"},
    {"sekolah", "Sekolah", "School"},
    {"lainnya", "Lainnya", "Other"},
};

const struct p3aks_space_label p3aks_space_statuses[P3AKS_SPACE_NSTATUSES] = {
    {"direncanakan", "Direncanakan", "Planned"},
    {"aktif", "Aktif", "Open"},
    {"tidak_aktif", "Tidak aktif", "Closed"},
};

static const struct p3aks_space_label *find(const struct p3aks_space_label *list, size_t n,
                                            const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (str_eq(code, list[i].code))
            return &list[i];
    return NULL;
}

/* "a, b, c" of the codes into out. */
static void join_codes(const struct p3aks_space_label *list, size_t n, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", list[i].code);
        if (k > 0 && (size_t)k < outsz - len)
            len += (size_t)k;
    }
}

bool p3aks_space_kind_valid(const char *kind)
{
    return find(p3aks_space_kinds, P3AKS_SPACE_NKINDS, kind) != NULL;
}

bool p3aks_space_status_valid(const char *status)
{
    return find(p3aks_space_statuses, P3AKS_SPACE_NSTATUSES, status) != NULL;
}

int p3aks_space_kind_check(const char *kind, struct error *err)
{
    if (p3aks_space_kind_valid(kind))
        return 0;
    char known[200];
    join_codes(p3aks_space_kinds, P3AKS_SPACE_NKINDS, known, sizeof(known));
    return error_set(err, WSP_EINVAL, "unknown space kind '%s' (%s)", kind ? kind : "", known);
}

int p3aks_space_status_check(const char *status, struct error *err)
{
    if (p3aks_space_status_valid(status))
        return 0;
    char known[64];
    join_codes(p3aks_space_statuses, P3AKS_SPACE_NSTATUSES, known, sizeof(known));
    return error_set(err, WSP_EINVAL, "unknown space status '%s' (%s)", status ? status : "",
                     known);
}

const char *p3aks_space_kind_label(const char *kind, bool english)
{
    const struct p3aks_space_label *l = find(p3aks_space_kinds, P3AKS_SPACE_NKINDS, kind);
    return l ? (english ? l->label_en : l->label_id) : NULL;
}

const char *p3aks_space_status_label(const char *status, bool english)
{
    const struct p3aks_space_label *l = find(p3aks_space_statuses, P3AKS_SPACE_NSTATUSES, status);
    return l ? (english ? l->label_en : l->label_id) : NULL;
}

/* The number of segments of a region code whose segments are digits: "32" 1, "32.73" 2,
 * "32.73.01.1001" 4; 0 when it is not such a code. The segments' widths are the gazetteer's
 * business (geo_code_valid); here only their count matters. */
static int code_segments(const char *code)
{
    if (!code || !*code)
        return 0;
    int segs = 1;
    size_t run = 0;
    for (const char *p = code; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            run++;
        } else if (*p == '.' && run > 0) {
            segs++;
            run = 0;
        } else {
            return 0;
        }
    }
    return run > 0 ? segs : 0;
}

/* True when code lies inside prefix on whole segments. */
static bool covers(const char *prefix, const char *code)
{
    size_t n = strlen(prefix);
    return strncmp(prefix, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

int p3aks_space_check(const struct p3aks_space *sp, struct error *err)
{
    int segs = code_segments(sp->region_code);
    if (segs != 1 && segs != 2)
        return error_set(err, WSP_EINVAL, "region '%s' is not a province or regency code",
                         sp->region_code ? sp->region_code : "");
    if (blank(sp->name))
        return error_set(err, WSP_EINVAL, "missing space name");
    if (strlen(sp->name) > P3AKS_SPACE_NAME_MAX)
        return error_set(err, WSP_EINVAL, "space name is longer than %d bytes",
                         P3AKS_SPACE_NAME_MAX);
    int rc = p3aks_space_kind_check(sp->kind, err);
    if (!rc && sp->status)
        rc = p3aks_space_status_check(sp->status, err);
    if (rc)
        return rc;
    const char *v = sp->village_code;
    if (v && *v) {
        if (code_segments(v) != 4)
            return error_set(err, WSP_EINVAL,
                             "village '%s' is not a village code (desa/kelurahan: NN.NN.NN.NNNN)",
                             v);
        if (!covers(sp->region_code, v))
            return error_set(err, WSP_EINVAL, "village '%s' is not inside region '%s'", v,
                             sp->region_code);
    }
    if (sp->has_coords) {
        double lat = sp->latitude, lng = sp->longitude;
        if (!(lat >= -90.0 && lat <= 90.0))
            return error_set(err, WSP_EINVAL, "latitude %g is outside -90..90", lat);
        if (!(lng >= -180.0 && lng <= 180.0))
            return error_set(err, WSP_EINVAL, "longitude %g is outside -180..180", lng);
        if (lat < P3AKS_LAT_MIN || lat > P3AKS_LAT_MAX || lng < P3AKS_LNG_MIN ||
            lng > P3AKS_LNG_MAX)
            return error_set(err, WSP_EINVAL,
                             "coordinates %g, %g are outside Indonesia (latitude %g..%g,"
                             " longitude %g..%g): swapped?",
                             lat, lng, P3AKS_LAT_MIN, P3AKS_LAT_MAX, P3AKS_LNG_MIN, P3AKS_LNG_MAX);
    }
    if (sp->notes && strlen(sp->notes) > P3AKS_SPACE_NOTES_MAX)
        return error_set(err, WSP_EINVAL, "notes are longer than %d bytes", P3AKS_SPACE_NOTES_MAX);
    return 0;
}

bool p3aks_space_action_is_p3aks(const struct p3aks_space_action *a)
{
    return a->p3aks || str_eq(a->rad_type, "p3aks");
}

bool p3aks_space_plan_covers(const char *plan_region, const char *space_region)
{
    if (!plan_region || !space_region || !*plan_region)
        return false;
    if (str_eq(plan_region, space_region))
        return true;
    /* A province's plan holds the spaces of its regencies. */
    return code_segments(plan_region) == 1 && code_segments(space_region) == 2 &&
           covers(plan_region, space_region);
}

int p3aks_space_action_check(const char *space_region, const struct p3aks_space_action *a,
                             struct error *err)
{
    if (!p3aks_space_action_is_p3aks(a))
        return error_set(err, WSP_EINVAL, "action %" PRId64 " is not a P3AKS action", a->id);
    if (!p3aks_space_plan_covers(a->rad_region, space_region))
        return error_set(
            err, WSP_EINVAL,
            "action %" PRId64 " belongs to the plan of region '%s', not of '%s' or its province",
            a->id, a->rad_region ? a->rad_region : "", space_region ? space_region : "");
    return 0;
}
