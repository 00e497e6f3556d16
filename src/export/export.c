/* export: events as CSV, XLSX or GeoJSON in ACLED's columns, streamed page by page (export.h).
 *
 * A row is built once as text cells (build_row), then written by the format's writer: CSV
 * through the plan module's cell writer (formula prefixes neutralised, plan_csv_cell), GeoJSON
 * as one Feature per event, XLSX as one worksheet row. Coordinates are region centroids from
 * data/geo (the regency's, else the province's): the data holds no finer points. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "events/events.h"
#include "export/export.h"
#include "plan/plan.h"

#define EXPORT_OUT_MAX ((size_t)64 << 20)   /* one formatted page, with room to spare */
#define EXPORT_ARENA_MAX ((size_t)64 << 20) /* one page of events */
#define EXPORT_NOTES_SPANS 3                /* evidence quotes in notes */
#define EXPORT_SOURCES_MAX 5                /* outlets named in source */
#define EXPORT_XLSX_SHEET "Kejadian"

/* ---- columns ---------------------------------------------------------------------------- */

enum col_kind { COL_TEXT = 0, COL_NUM };

enum col {
    C_EVENT_ID_CNTY,
    C_EVENT_DATE,
    C_YEAR,
    C_TIME_PRECISION,
    C_DISORDER_TYPE,
    C_EVENT_TYPE,
    C_SUB_EVENT_TYPE,
    C_ACTOR1,
    C_ACTOR2,
    C_ISO,
    C_COUNTRY,
    C_ADMIN1,
    C_ADMIN1_CODE,
    C_ADMIN2,
    C_ADMIN2_CODE,
    C_ADMIN3,
    C_ADMIN3_CODE,
    C_LOCATION,
    C_LATITUDE,
    C_LONGITUDE,
    C_GEO_PRECISION,
    C_SOURCE,
    C_NOTES,
    C_FATALITIES,
    C_TIMESTAMP,
    /* ours */
    C_CATEGORY,
    C_SNPK_ISSUE,
    C_INJURED,
    C_STATUS,
    C_CONFIDENCE,
    C_WOMEN_CHILDREN,
    C_NCOLS
};

static const struct {
    const char *name;
    enum col_kind kind;
    bool public_col; /* in the public export */
} cols[C_NCOLS] = {
    [C_EVENT_ID_CNTY] = {"event_id_cnty", COL_TEXT, true},
    [C_EVENT_DATE] = {"event_date", COL_TEXT, true},
    [C_YEAR] = {"year", COL_NUM, true},
    [C_TIME_PRECISION] = {"time_precision", COL_NUM, true},
    [C_DISORDER_TYPE] = {"disorder_type", COL_TEXT, true},
    [C_EVENT_TYPE] = {"event_type", COL_TEXT, true},
    [C_SUB_EVENT_TYPE] = {"sub_event_type", COL_TEXT, true},
    [C_ACTOR1] = {"actor1", COL_TEXT, false},
    [C_ACTOR2] = {"actor2", COL_TEXT, false},
    [C_ISO] = {"iso", COL_NUM, true},
    [C_COUNTRY] = {"country", COL_TEXT, true},
    [C_ADMIN1] = {"admin1", COL_TEXT, true},
    [C_ADMIN1_CODE] = {"admin1_code", COL_TEXT, true},
    [C_ADMIN2] = {"admin2", COL_TEXT, true},
    [C_ADMIN2_CODE] = {"admin2_code", COL_TEXT, true},
    [C_ADMIN3] = {"admin3", COL_TEXT, false},
    [C_ADMIN3_CODE] = {"admin3_code", COL_TEXT, false},
    [C_LOCATION] = {"location", COL_TEXT, false},
    [C_LATITUDE] = {"latitude", COL_NUM, true},
    [C_LONGITUDE] = {"longitude", COL_NUM, true},
    [C_GEO_PRECISION] = {"geo_precision", COL_NUM, true},
    [C_SOURCE] = {"source", COL_TEXT, false},
    [C_NOTES] = {"notes", COL_TEXT, false},
    [C_FATALITIES] = {"fatalities", COL_NUM, true},
    [C_TIMESTAMP] = {"timestamp", COL_NUM, true},
    [C_CATEGORY] = {"category", COL_TEXT, true},
    [C_SNPK_ISSUE] = {"snpk_issue", COL_TEXT, true},
    [C_INJURED] = {"injured", COL_NUM, true},
    [C_STATUS] = {"status", COL_TEXT, true},
    [C_CONFIDENCE] = {"confidence", COL_NUM, false},
    [C_WOMEN_CHILDREN] = {"women_children_victims", COL_NUM, false},
};

int export_format_parse(const char *s, enum export_format *out)
{
    if (!s || !*s || str_eq(s, "csv"))
        *out = EXPORT_CSV;
    else if (str_eq(s, "xlsx"))
        *out = EXPORT_XLSX;
    else if (str_eq(s, "geojson"))
        *out = EXPORT_GEOJSON;
    else
        return -1;
    return 0;
}

const char *export_format_name(enum export_format f)
{
    return f == EXPORT_XLSX ? "xlsx" : f == EXPORT_GEOJSON ? "geojson" : "csv";
}

const char *export_content_type(enum export_format f)
{
    return f == EXPORT_XLSX      ? PLAN_XLSX_TYPE
           : f == EXPORT_GEOJSON ? "application/geo+json"
                                 : PLAN_CSV_TYPE;
}

/* ---- the export ------------------------------------------------------------------------- */

struct export_events {
    struct store *s;
    const struct geo_gazetteer *g;
    struct store_event_query q; /* strings point into copies */
    char *copies[7];
    char after_date[11];
    enum export_format format;
    bool public_view;
    struct arena page; /* the current page's events */
    struct buf out;    /* formatted bytes not yet read */
    size_t out_pos;
    bool walked; /* the last page has been read */
    bool ended;  /* the trailer is in out */
    size_t rows;
    /* XLSX: the finished workbook, read back */
    FILE *xlsx;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    size_t sheet_rows, sheets;
};

static bool col_wanted(const struct export_events *x, enum col c)
{
    return !x->public_view || cols[c].public_col;
}

/* The host of an http(s) URL ("www.kompas.com"), into arena; NULL when none. */
static const char *url_host(struct arena *a, const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return NULL;
    p += 3;
    size_t n = strcspn(p, "/?#:");
    return n ? arena_strndup(a, p, n) : NULL;
}

/* "a; b" (distinct, in order) of the source outlets of event e: refs[0..n) are its refs. */
static const char *sources_text(struct arena *a, const struct store_event_ref *refs, size_t n)
{
    struct buf b;
    buf_init(&b, 4096);
    const char *seen[EXPORT_SOURCES_MAX];
    size_t nseen = 0;
    for (size_t i = 0; i < n && nseen < EXPORT_SOURCES_MAX; i++) {
        const char *name =
            str_eq(refs[i].source_type, "report") ? "laporan FKDM" : url_host(a, refs[i].url);
        if (!name)
            name = refs[i].source_type;
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = str_eq(seen[k], name);
        if (dup || !name)
            continue;
        seen[nseen++] = name;
        buf_printf(&b, "%s%s", b.len ? "; " : "", name);
    }
    const char *r = arena_strdup(a, buf_cstr(&b));
    buf_release(&b);
    return r;
}

static const char *json_text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

/* The cells of event e (strings from a; "" = empty). refs: its sources. */
static void build_row(struct export_events *x, struct arena *a, const struct store_event *e,
                      const struct store_event_ref *refs, size_t nrefs, const char *cell[C_NCOLS])
{
    for (int i = 0; i < C_NCOLS; i++)
        cell[i] = "";
    json_t *d = e->detail_json ? json_loads(e->detail_json, 0, NULL) : NULL;
    json_t *imp = json_object_get(d, "import");
    cell[C_EVENT_ID_CNTY] = arena_printf(a, "IDN%" PRId64, e->id);
    if (e->event_date) {
        cell[C_EVENT_DATE] = e->event_date;
        cell[C_YEAR] = arena_strndup(a, e->event_date, 4);
        /* an imported dataset's date is its own coding: the day */
        json_int_t tp = json_integer_value(json_object_get(d, "time_precision"));
        if (tp >= 1 && tp <= 3)
            cell[C_TIME_PRECISION] = arena_printf(a, "%d", (int)tp);
        else if (imp)
            cell[C_TIME_PRECISION] = "1";
    }
    struct event_acled t;
    event_acled_types(e->category, json_text(d, "form"), &t);
    cell[C_DISORDER_TYPE] = t.disorder_type;
    cell[C_EVENT_TYPE] = t.event_type;
    cell[C_SUB_EVENT_TYPE] = t.sub_event_type;
    json_t *actors = json_object_get(d, "actors");
    const char *a1 = json_string_value(json_array_get(actors, 0));
    const char *a2 = json_string_value(json_array_get(actors, 1));
    cell[C_ACTOR1] = a1 ? arena_strdup(a, a1) : "";
    cell[C_ACTOR2] = a2 ? arena_strdup(a, a2) : "";
    cell[C_ISO] = "360";
    cell[C_COUNTRY] = "Indonesia";

    const struct geo_region *prov = e->province_code ? geo_get(x->g, e->province_code) : NULL;
    const struct geo_region *reg = e->regency_code ? geo_get(x->g, e->regency_code) : NULL;
    const struct geo_region *place = e->place_code ? geo_get(x->g, e->place_code) : NULL;
    const struct geo_region *dist = place ? geo_ancestor(place, GEO_DISTRICT) : NULL;
    cell[C_ADMIN1_CODE] = e->province_code ? e->province_code : "";
    cell[C_ADMIN1] = prov ? prov->name : "";
    cell[C_ADMIN2_CODE] = e->regency_code ? e->regency_code : "";
    cell[C_ADMIN2] = reg ? reg->name : "";
    cell[C_ADMIN3_CODE] = dist ? dist->code : "";
    cell[C_ADMIN3] = dist ? dist->name : "";
    const struct geo_region *loc = place ? place : reg ? reg : prov;
    cell[C_LOCATION] = loc ? loc->name : "";
    /* coordinates: the regency's centroid, else the province's (geo_precision 2, 3) */
    double lat, lng;
    int precision = 0;
    if (geo_centroid(e->regency_code, &lat, &lng))
        precision = 2;
    else if (geo_centroid(e->province_code, &lat, &lng))
        precision = 3;
    if (precision) {
        cell[C_LATITUDE] = arena_printf(a, "%.5f", lat);
        cell[C_LONGITUDE] = arena_printf(a, "%.5f", lng);
        cell[C_GEO_PRECISION] = precision == 2 ? "2" : "3";
    }

    if (imp) {
        const char *host = url_host(a, json_text(d, "source_url"));
        const char *ds = json_text(imp, "source");
        cell[C_SOURCE] = host ? arena_printf(a, "%s (%s)", ds ? ds : "import", host)
                              : arena_strdup(a, ds ? ds : "import");
    } else {
        cell[C_SOURCE] = sources_text(a, refs, nrefs);
    }
    /* notes: the detector's evidence quotes */
    json_t *ev = e->evidence_json ? json_loads(e->evidence_json, 0, NULL) : NULL;
    struct buf nb;
    buf_init(&nb, 4096);
    for (size_t i = 0; i < json_array_size(ev) && i < EXPORT_NOTES_SPANS; i++) {
        const char *span = json_text(json_array_get(ev, i), "span");
        bool dup = false; /* the title is often quoted twice */
        for (size_t k = 0; span && k < i && !dup; k++)
            dup = str_eq(span, json_text(json_array_get(ev, k), "span"));
        if (span && !dup)
            buf_printf(&nb, "%s%s", nb.len ? " | " : "", span);
    }
    json_decref(ev);
    cell[C_NOTES] = arena_strdup(a, buf_cstr(&nb));
    buf_release(&nb);

    cell[C_FATALITIES] = e->killed >= 0 ? arena_printf(a, "%ld", e->killed) : "";
    cell[C_TIMESTAMP] = arena_printf(a, "%" PRId64, e->updated_at);
    cell[C_CATEGORY] = e->category ? e->category : "";
    const char *snpk = json_text(d, "snpk_issue");
    cell[C_SNPK_ISSUE] = snpk ? arena_strdup(a, snpk) : event_snpk_issue(e->category);
    cell[C_INJURED] = e->injured >= 0 ? arena_printf(a, "%ld", e->injured) : "";
    cell[C_STATUS] = e->status ? e->status : "";
    cell[C_CONFIDENCE] = arena_printf(a, "%.3f", e->confidence);
    cell[C_WOMEN_CHILDREN] = e->women_children_victims ? "1" : "0";
    json_decref(d);
    for (int i = 0; i < C_NCOLS; i++)
        if (!cell[i]) /* the arena's cap: an empty cell rather than a crash */
            cell[i] = "";
}

/* ---- writers ---------------------------------------------------------------------------- */

static void csv_head(struct export_events *x)
{
    buf_puts(&x->out, "\xEF\xBB\xBF"); /* spreadsheets read UTF-8 names right */
    bool first = true;
    for (int i = 0; i < C_NCOLS; i++) {
        if (!col_wanted(x, (enum col)i))
            continue;
        if (!first)
            buf_putc(&x->out, ',');
        buf_puts(&x->out, cols[i].name);
        first = false;
    }
    buf_puts(&x->out, "\r\n");
}

static void csv_row(struct export_events *x, const char *const *cell)
{
    bool first = true;
    for (int i = 0; i < C_NCOLS; i++) {
        if (!col_wanted(x, (enum col)i))
            continue;
        if (!first)
            buf_putc(&x->out, ',');
        plan_csv_cell(&x->out, cell[i]);
        first = false;
    }
    buf_puts(&x->out, "\r\n");
}

/* s as a JSON string (UTF-8 passes; the store keeps valid UTF-8). */
static void json_str(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)*p);
        } else if (*p < 0x20) {
            buf_printf(b, "\\u%04x", *p);
        } else {
            buf_putc(b, (char)*p);
        }
    }
    buf_putc(b, '"');
}

static void geojson_head(struct export_events *x)
{
    buf_puts(&x->out, "{\"type\":\"FeatureCollection\",\"features\":[");
}

static void geojson_row(struct export_events *x, const char *const *cell)
{
    struct buf *b = &x->out;
    buf_puts(b, x->rows ? ",\n" : "\n");
    buf_puts(b, "{\"type\":\"Feature\",\"id\":");
    json_str(b, cell[C_EVENT_ID_CNTY]);
    if (*cell[C_LATITUDE])
        buf_printf(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%s,%s]}",
                   cell[C_LONGITUDE], cell[C_LATITUDE]);
    else
        buf_puts(b, ",\"geometry\":null");
    buf_puts(b, ",\"properties\":{");
    bool first = true;
    for (int i = 0; i < C_NCOLS; i++) {
        if (!col_wanted(x, (enum col)i))
            continue;
        if (!first)
            buf_putc(b, ',');
        first = false;
        json_str(b, cols[i].name);
        buf_putc(b, ':');
        if (!*cell[i])
            buf_puts(b, "null");
        else if (cols[i].kind == COL_NUM) /* our own digits */
            buf_puts(b, cell[i]);
        else
            json_str(b, cell[i]);
    }
    buf_puts(b, "}}");
}

static void xlsx_sheet(struct export_events *x)
{
    char name[32];
    x->sheets++;
    if (x->sheets == 1)
        str_copy(name, EXPORT_XLSX_SHEET, sizeof(name));
    else
        snprintf(name, sizeof(name), "%s %zu", EXPORT_XLSX_SHEET, x->sheets);
    x->ws = workbook_add_worksheet(x->wb, name);
    lxw_col_t c = 0;
    for (int i = 0; i < C_NCOLS; i++)
        if (col_wanted(x, (enum col)i))
            worksheet_write_string(x->ws, 0, c++, cols[i].name, x->bold);
    worksheet_freeze_panes(x->ws, 1, 0);
    x->sheet_rows = 0;
}

/* A sheet holds LXW_ROW_MAX rows with its header: more events go on a sheet of their own. */
static void xlsx_row(struct export_events *x, const char *const *cell)
{
    if (!x->ws || x->sheet_rows + 1 >= LXW_ROW_MAX)
        xlsx_sheet(x);
    lxw_row_t r = (lxw_row_t)++x->sheet_rows;
    lxw_col_t c = 0;
    for (int i = 0; i < C_NCOLS; i++) {
        if (!col_wanted(x, (enum col)i))
            continue;
        const char *v = cell[i];
        char *end;
        double d = cols[i].kind == COL_NUM && *v ? strtod(v, &end) : 0;
        if (cols[i].kind == COL_NUM && *v && !*end)
            worksheet_write_number(x->ws, r, c, d, NULL);
        else if (*v) /* a string cell, never a formula */
            worksheet_write_string(x->ws, r, c, v, NULL);
        c++;
    }
}

/* ---- the walk --------------------------------------------------------------------------- */

/* Read the next page and write its rows; sets walked after the last one. */
static int next_page(struct export_events *x, struct error *err)
{
    arena_release(&x->page);
    arena_init(&x->page, EXPORT_ARENA_MAX);
    struct store_event_page pg;
    int rc = store_event_page(x->s, &x->q, &x->page, &pg, err);
    if (rc != 0)
        return rc;
    int64_t ids[EXPORT_PAGE];
    size_t nids = 0;
    for (size_t i = 0; i < pg.n && nids < EXPORT_PAGE; i++)
        if (pg.rows[i].nsources > 0 && !x->public_view)
            ids[nids++] = pg.rows[i].id;
    struct store_event_ref *refs = NULL;
    size_t nrefs = 0;
    rc = store_event_source_refs(x->s, ids, nids, &x->page, &refs, &nrefs, err);
    if (rc != 0)
        return rc;
    /* refs come in event id order: find each event's by binary search */
    for (size_t i = 0; i < pg.n; i++) {
        const struct store_event *e = &pg.rows[i];
        size_t lo = 0, hi = nrefs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (refs[mid].event_id < e->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t k = lo;
        while (k < nrefs && refs[k].event_id == e->id)
            k++;
        const char *cell[C_NCOLS];
        build_row(x, &x->page, e, refs + lo, k - lo, cell);
        if (x->format == EXPORT_CSV)
            csv_row(x, cell);
        else if (x->format == EXPORT_GEOJSON)
            geojson_row(x, cell);
        else
            xlsx_row(x, cell);
        x->rows++;
    }
    if (x->out.oom)
        return error_set(err, WSP_ENOMEM, "a page of the export does not fit in memory limit");
    if (!pg.more || pg.n == 0) {
        x->walked = true;
        return 0;
    }
    const struct store_event *last = &pg.rows[pg.n - 1];
    x->q.after.id = last->id;
    x->q.after.date = NULL;
    if (last->event_date) {
        str_copy(x->after_date, last->event_date, sizeof(x->after_date));
        x->q.after.date = x->after_date;
    }
    return 0;
}

static char *copy_opt(struct export_events *x, int i, const char *s)
{
    x->copies[i] = s ? xstrdup(s) : NULL;
    return x->copies[i];
}

/* The whole workbook into a temporary file, kept open for reading and unlinked. */
static int xlsx_write(struct export_events *x, struct error *err)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/waspada-events-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    int rc = 0;
    if (fd < 0) {
        rc = error_set(err, WSP_EIO, "cannot create a temporary file like '%s'", path);
        free(path);
        return rc;
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb) {
        rc = error_set(err, WSP_EIO, "cannot create '%s'", path);
        goto out;
    }
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    xlsx_sheet(x);
    while (rc == 0 && !x->walked)
        rc = next_page(x, err);
    lxw_error le = workbook_close(x->wb);
    x->wb = NULL;
    if (rc == 0 && le != LXW_NO_ERROR)
        rc = error_set(err, WSP_EIO, "cannot write '%s': %s", path, lxw_strerror(le));
    if (rc == 0) {
        x->xlsx = fopen(path, "rb");
        if (!x->xlsx)
            rc = error_set(err, WSP_EIO, "cannot read '%s'", path);
    }
out:
    unlink(path);
    free(path);
    arena_release(&x->page);
    return rc;
}

int export_events_open(struct store *s, const struct geo_gazetteer *g,
                       const struct export_events_opts *o, struct export_events **out,
                       struct error *err)
{
    *out = NULL;
    struct export_events *x = xcalloc(1, sizeof(*x));
    x->s = s;
    x->g = g;
    x->format = o->format;
    x->public_view = o->public_view;
    x->q = o->q;
    x->q.scope = copy_opt(x, 0, o->q.scope);
    x->q.region = copy_opt(x, 1, o->q.region);
    x->q.category = copy_opt(x, 2, o->q.category);
    x->q.from = copy_opt(x, 3, o->q.from);
    x->q.to = copy_opt(x, 4, o->q.to);
    x->q.q = copy_opt(x, 5, o->q.q);
    x->q.status = copy_opt(x, 6, o->q.status);
    if (x->public_view)
        x->q.verified_only = true;
    x->q.sort = STORE_EVENT_SORT_DATE;
    x->q.after = (struct store_event_after){0};
    x->q.offset = 0;
    x->q.limit = EXPORT_PAGE;
    x->q.no_total = true;
    arena_init(&x->page, EXPORT_ARENA_MAX);
    buf_init(&x->out, EXPORT_OUT_MAX);
    int rc;
    if (x->format == EXPORT_XLSX) {
        rc = xlsx_write(x, err);
    } else {
        if (x->format == EXPORT_CSV)
            csv_head(x);
        else
            geojson_head(x);
        rc = next_page(x, err);
    }
    if (rc != 0) {
        export_events_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

ssize_t export_events_read(struct export_events *x, char *dst, size_t max, struct error *err)
{
    if (x->xlsx) {
        size_t n = fread(dst, 1, max, x->xlsx);
        if (n == 0 && ferror(x->xlsx))
            return error_set(err, WSP_EIO, "cannot read the workbook back");
        return (ssize_t)n;
    }
    while (x->out_pos >= x->out.len) {
        buf_reset(&x->out);
        x->out_pos = 0;
        if (x->ended)
            return 0;
        if (!x->walked) {
            int rc = next_page(x, err);
            if (rc != 0)
                return rc;
        } else {
            if (x->format == EXPORT_GEOJSON)
                buf_puts(&x->out, x->rows ? "\n]}\n" : "]}\n");
            x->ended = true;
        }
    }
    size_t n = x->out.len - x->out_pos;
    if (n > max)
        n = max;
    memcpy(dst, x->out.data + x->out_pos, n);
    x->out_pos += n;
    return (ssize_t)n;
}

size_t export_events_rows(const struct export_events *x)
{
    return x->rows;
}

void export_events_free(struct export_events *x)
{
    if (!x)
        return;
    if (x->wb)
        workbook_close(x->wb);
    if (x->xlsx)
        fclose(x->xlsx);
    for (size_t i = 0; i < WSP_ARRAY_LEN(x->copies); i++)
        free(x->copies[i]);
    arena_release(&x->page);
    buf_release(&x->out);
    free(x);
}
