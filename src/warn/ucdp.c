/*
 * warn: UCDP GED (Uppsala Conflict Data Program, Georeferenced Event Dataset, CC BY 4.0) rows as
 * backtest events. UCDP names provinces as they were (adm_1); a small mapping file gives
 * today's Kemendagri code, and provinces split since are resolved by the nearest province
 * centroid among the successors (a simple rule: good for events with coordinates, which GED
 * gives for every row, coarser for events only placed at province level).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "warn/warn_internal.h"

struct rows {
    char **f; /* fields of the current record */
    size_t nf, capf;
    long record;
    int (*on_row)(struct rows *r, void *ud);
    void *ud;
    int rc;
};

static void on_field(void *s, size_t len, void *data)
{
    struct rows *r = data;
    if (r->nf == r->capf) {
        r->capf = r->capf ? 2 * r->capf : 64;
        r->f = xrealloc(r->f, r->capf * sizeof(*r->f));
    }
    r->f[r->nf++] = xstrndup(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data)
{
    (void)c;
    struct rows *r = data;
    r->record++;
    if (!r->rc)
        r->rc = r->on_row(r, r->ud);
    for (size_t i = 0; i < r->nf; i++)
        free(r->f[i]);
    r->nf = 0;
}

static int parse_csv(const char *text, size_t len, int (*fn)(struct rows *, void *), void *ud,
                     const char *what, struct error *err)
{
    struct csv_parser p;
    struct rows r = {.on_row = fn, .ud = ud};
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return error_set(err, WSP_ENOMEM, "cannot start the CSV parser");
    if (csv_parse(&p, text, len, on_field, on_row, &r) != len)
        r.rc = r.rc ? r.rc
                    : error_set(err, WSP_EINVAL, "%s record %ld: %s", what, r.record + 1,
                                csv_strerror(csv_error(&p)));
    csv_fini(&p, on_field, on_row, &r);
    csv_free(&p);
    for (size_t i = 0; i < r.nf; i++)
        free(r.f[i]);
    free(r.f);
    return r.rc;
}

/* ---- the adm_1 mapping ----------------------------------------------------------------- */

struct map {
    char **adm1, **code;
    size_t n;
    int col_adm1, col_code;
    struct error *err;
};

static int map_row(struct rows *r, void *ud)
{
    struct map *m = ud;
    if (r->record == 1) {
        m->col_adm1 = m->col_code = -1;
        for (size_t i = 0; i < r->nf; i++) {
            if (strcmp(r->f[i], "ucdp_adm_1") == 0)
                m->col_adm1 = (int)i;
            if (strcmp(r->f[i], "kemendagri_province_code") == 0)
                m->col_code = (int)i;
        }
        if (m->col_adm1 < 0 || m->col_code < 0)
            return error_set(m->err, WSP_EINVAL,
                             "mapping: needs columns ucdp_adm_1 and kemendagri_province_code");
        return 0;
    }
    if ((size_t)m->col_adm1 >= r->nf || (size_t)m->col_code >= r->nf)
        return error_set(m->err, WSP_EINVAL, "mapping record %ld: too few fields", r->record);
    m->adm1 = xrealloc(m->adm1, (m->n + 1) * sizeof(*m->adm1));
    m->code = xrealloc(m->code, (m->n + 1) * sizeof(*m->code));
    m->adm1[m->n] = xstrdup(r->f[m->col_adm1]);
    m->code[m->n] = xstrdup(r->f[m->col_code]);
    m->n++;
    return 0;
}

/* ---- GED rows -------------------------------------------------------------------------- */

enum { C_ID, C_TYPE, C_ADM1, C_LAT, C_LNG, C_DATE, C_BEST, C_N };
static const char *const ged_cols[C_N] = {"id",        "type_of_violence", "adm_1", "latitude",
                                          "longitude", "date_start",       "best"};

struct ged {
    struct map *map;
    const struct warn_centroid *cent;
    size_t ncent;
    int col[C_N];
    struct warn_event_list *out;
    struct error *err;
};

/* Successor provinces of an old province, by today's code of its core. */
static const char *const *successors(const char *code, const char *adm1)
{
    static const char *const irian[] = {"91", "92", "93", "94", "95", "96", NULL};
    static const char *const papua[] = {"91", "93", "94", "95", NULL};
    static const char *const papua_barat[] = {"92", "96", NULL};
    static const char *const maluku[] = {"81", "82", NULL};
    static const char *const sulsel[] = {"73", "76", NULL};
    static const char *const jabar[] = {"32", "36", NULL};
    if (strcmp(code, "91") == 0)
        return str_starts_with(adm1, "Irian") ? irian : papua;
    if (strcmp(code, "92") == 0)
        return papua_barat;
    if (strcmp(code, "81") == 0)
        return maluku;
    if (strcmp(code, "73") == 0)
        return sulsel;
    if (strcmp(code, "32") == 0)
        return jabar;
    return NULL;
}

static const char *nearest(const struct ged *g, const char *const *cands, double lat, double lng)
{
    const char *best = NULL;
    double bd = INFINITY;
    for (size_t i = 0; i < g->ncent; i++) {
        for (const char *const *c = cands; *c; c++) {
            if (strcmp(g->cent[i].code, *c) != 0)
                continue;
            double dy = g->cent[i].lat - lat;
            double dx = (g->cent[i].lng - lng) * cos(lat * M_PI / 180);
            double d = dx * dx + dy * dy;
            if (d < bd) {
                bd = d;
                best = g->cent[i].code;
            }
        }
    }
    return best;
}

static int ged_row(struct rows *r, void *ud)
{
    struct ged *g = ud;
    if (r->record == 1) {
        for (int c = 0; c < C_N; c++) {
            g->col[c] = -1;
            for (size_t i = 0; i < r->nf; i++)
                if (strcmp(r->f[i], ged_cols[c]) == 0)
                    g->col[c] = (int)i;
            if (g->col[c] < 0)
                return error_set(g->err, WSP_EINVAL, "UCDP CSV: no column '%s'", ged_cols[c]);
        }
        return 0;
    }
    const char *f[C_N];
    for (int c = 0; c < C_N; c++) {
        if ((size_t)g->col[c] >= r->nf)
            return error_set(g->err, WSP_EINVAL, "UCDP record %ld: too few fields", r->record);
        f[c] = r->f[g->col[c]];
    }
    const char *code = NULL;
    for (size_t i = 0; i < g->map->n; i++)
        if (strcmp(g->map->adm1[i], f[C_ADM1]) == 0)
            code = g->map->code[i];
    if (!code || !*code) {
        g->out->dropped++;
        return 0;
    }
    struct warn_event e = {.verified = true, .injured = 0};
    long v;
    if (str_to_long(f[C_ID], 0, INT32_MAX, &v))
        return error_set(g->err, WSP_EINVAL, "UCDP record %ld: bad id '%s'", r->record, f[C_ID]);
    e.id = v;
    if (warn_day_parse(f[C_DATE], &e.day))
        return error_set(g->err, WSP_EINVAL, "UCDP record %ld: bad date_start '%s'", r->record,
                         f[C_DATE]);
    if (str_to_long(f[C_BEST], 0, 1000000, &e.killed))
        return error_set(g->err, WSP_EINVAL, "UCDP record %ld: bad best '%s'", r->record,
                         f[C_BEST]);
    long type = 0;
    str_to_long(f[C_TYPE], 1, 3, &type);
    e.category = type == 1   ? "separatist_armed"
                 : type == 2 ? "inter_group_clash"
                             : "other_violence";
    const char *const *cands = successors(code, f[C_ADM1]);
    if (cands && g->ncent) {
        char *end1, *end2;
        double lat = strtod(f[C_LAT], &end1), lng = strtod(f[C_LNG], &end2);
        if (end1 != f[C_LAT] && end2 != f[C_LNG]) {
            const char *n = nearest(g, cands, lat, lng);
            if (n)
                code = n;
        }
    }
    e.region = xstrdup(code);
    struct warn_event_list *l = g->out;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->n++] = e;
    return 0;
}

int warn_ucdp_convert(const char *csv, size_t len, const char *map_csv, size_t map_len,
                      const struct warn_centroid *centroids, size_t ncentroids,
                      struct warn_event_list *out, struct error *err)
{
    struct map m = {.err = err};
    int rc = parse_csv(map_csv, map_len, map_row, &m, "mapping", err);
    if (!rc) {
        struct ged g = {.map = &m, .cent = centroids, .ncent = ncentroids, .out = out, .err = err};
        rc = parse_csv(csv, len, ged_row, &g, "UCDP", err);
    }
    for (size_t i = 0; i < m.n; i++) {
        free(m.adm1[i]);
        free(m.code[i]);
    }
    free(m.adm1);
    free(m.code);
    return rc;
}

void warn_event_list_release(struct warn_event_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((char *)l->items[i].region);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

int warn_load_centroids(struct warn_centroid **out, size_t *n, struct error *err)
{
    struct data_blob b;
    *out = NULL;
    *n = 0;
    int rc = data_read("geo/indonesia-provinces.geojson", &b, err);
    if (rc)
        return rc;
    json_error_t je;
    json_t *root = json_loadb(b.data, b.len, 0, &je);
    data_blob_free(&b);
    json_t *feats = root ? json_object_get(root, "features") : NULL;
    if (!json_is_array(feats)) {
        json_decref(root);
        return error_set(err, WSP_EINVAL, "geo/indonesia-provinces.geojson: no features");
    }
    size_t nf = json_array_size(feats);
    struct warn_centroid *c = xcalloc(nf ? nf : 1, sizeof(*c));
    size_t k = 0;
    for (size_t i = 0; i < nf; i++) {
        json_t *props = json_object_get(json_array_get(feats, i), "properties");
        json_t *code = json_object_get(props, "code");
        json_t *lat = json_object_get(props, "centroid_lat");
        json_t *lng = json_object_get(props, "centroid_lng");
        if (!json_is_string(code) || !json_is_number(lat) || !json_is_number(lng))
            continue;
        str_copy(c[k].code, json_string_value(code), sizeof(c[k].code));
        c[k].lat = json_number_value(lat);
        c[k].lng = json_number_value(lng);
        k++;
    }
    json_decref(root);
    *out = c;
    *n = k;
    return 0;
}
