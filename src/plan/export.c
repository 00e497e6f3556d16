/* Exports: compliance, plans and progress reports as tables, written as CSV or XLSX. The one
 * writer behind `waspada export` and the HTTP export endpoints. Cells that a spreadsheet would
 * run as a formula get a leading ' in CSV (csv_cell); XLSX needs none, because
 * worksheet_write_string always writes a string cell (only worksheet_write_formula writes a
 * formula, and nothing here calls it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/base.h"
#include "plan/plan.h"
#include "store/store.h"

/* ---- the table -------------------------------------------------------------------------- */

static void table_start(struct plan_table *t, const char *sheet, const char *const *head,
                        const enum plan_cell_kind *kinds, size_t ncols)
{
    t->sheet = sheet;
    t->head = head;
    t->kinds = kinds;
    t->ncols = ncols;
}

static void table_row(struct plan_table *t, const char *const *vals)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = xstrdup(vals[i] ? vals[i] : "");
    t->nrows++;
}

void plan_table_release(struct plan_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
    if (t->next) {
        plan_table_release(t->next);
        free(t->next);
        t->next = NULL;
    }
}

/* ---- filling it from the store ---------------------------------------------------------- */

static int export_p3aks(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                        struct error *err);

int plan_export_compliance(struct store *s, const struct plan_export_query *q,
                           struct plan_table *out, struct error *err)
{
    /* The last five: the alerts of the year answered, as the compliance JSON's "alerts". */
    static const char *const head[] = {
        "region_code", "region",       "timdu",          "rad_status",   "expected",  "submitted",
        "on_time",     "late",         "reporting_rate", "on_time_rate", "score",     "rank",
        "alerts",      "answered_24h", "answered_72h",   "answered",     "unanswered"};
    static const enum plan_cell_kind kinds[] = {
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM,
        PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,
        PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM,
        PLAN_CELL_NUM,  PLAN_CELL_NUM};
    _Static_assert(WSP_ARRAY_LEN(head) == WSP_ARRAY_LEN(kinds), "a kind per column");
    table_start(out, "Kepatuhan", head, kinds, WSP_ARRAY_LEN(head));
    struct arena a;
    arena_init(&a, 0);
    struct plan_compliance c;
    int rc = plan_compliance_load(s, q->year, q->plan_type ? q->plan_type : "pks", q->region,
                                  q->date, &a, &c, err);
    for (size_t i = 0; !rc && i < c.n; i++) {
        const struct plan_comp_row *r = &c.rows[i];
        const struct plan_answer_counts *ans = &c.answers[i];
        char n[13][24];
        snprintf(n[0], sizeof(n[0]), "%ld", r->expected);
        snprintf(n[1], sizeof(n[1]), "%ld", r->submitted);
        snprintf(n[2], sizeof(n[2]), "%ld", r->on_time);
        snprintf(n[3], sizeof(n[3]), "%ld", r->late);
        snprintf(n[4], sizeof(n[4]), "%.1f", r->reporting_rate);
        snprintf(n[5], sizeof(n[5]), "%.1f", r->on_time_rate);
        snprintf(n[6], sizeof(n[6]), "%.1f", r->score);
        snprintf(n[7], sizeof(n[7]), "%d", r->rank);
        snprintf(n[8], sizeof(n[8]), "%ld", ans->alerts);
        snprintf(n[9], sizeof(n[9]), "%ld", ans->answered_24h);
        snprintf(n[10], sizeof(n[10]), "%ld", ans->answered_72h);
        snprintf(n[11], sizeof(n[11]), "%ld", ans->answered);
        snprintf(n[12], sizeof(n[12]), "%ld", ans->unanswered);
        const char *timdu = r->timdu ? "ya" : "tidak";
        const char *vals[] = {r->code, r->name, timdu, r->rad_status, n[0], n[1],
                              n[2],    n[3],    n[4],  n[5],          n[6], n[7],
                              n[8],    n[9],    n[10], n[11],         n[12]};
        table_row(out, vals);
    }
    arena_release(&a);
    if (!rc && str_eq(q->plan_type, "p3aks")) {
        out->next = xcalloc(1, sizeof(*out->next));
        rc = export_p3aks(s, q, out->next, err);
    }
    return rc;
}

int plan_export_plans(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                      struct error *err)
{
    static const char *const head[] = {
        "region_code", "region",   "year",        "plan_type", "plan_status",      "plan_version",
        "no",          "fase",     "program",     "kegiatan",  "indikator",        "target",
        "satuan",      "anggaran", "sumber_dana", "opd",       "instansi_terkait", "fokus",
        "p3aks",       "mulai",    "selesai"};
    static const enum plan_cell_kind kinds[] = {
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_TEXT, PLAN_CELL_TEXT,
        PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT,
        PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_TEXT,
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT,
        PLAN_CELL_TEXT};
    table_start(out, "Rencana Aksi", head, kinds, WSP_ARRAY_LEN(head));
    struct arena a;
    arena_init(&a, 0);
    struct store_rad_query sq = {
        .scope = q->scope, .region = q->region, .year = q->year, .plan_type = q->plan_type};
    struct store_rad *plans = NULL;
    size_t n = 0;
    int rc = store_rad_list(s, &sq, &a, &plans, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct store_rad_action *acts;
        size_t na;
        const char *name = NULL;
        rc = store_region_name(s, plans[i].region_code, &a, &name, err);
        if (!rc)
            rc = store_rad_actions(s, plans[i].id, &a, &acts, &na, err);
        for (size_t k = 0; !rc && k < na; k++) {
            const struct store_rad_action *x = &acts[k];
            char y[16], v[16], no[16], tg[32], ag[32];
            snprintf(y, sizeof(y), "%d", plans[i].year);
            snprintf(v, sizeof(v), "%d", plans[i].version);
            snprintf(no, sizeof(no), "%d", x->seq);
            snprintf(tg, sizeof(tg), "%g", x->target);
            snprintf(ag, sizeof(ag), "%lld", (long long)x->anggaran);
            const char *vals[] = {plans[i].region_code,
                                  name,
                                  y,
                                  plans[i].plan_type,
                                  plans[i].status,
                                  v,
                                  no,
                                  x->phase,
                                  x->program,
                                  x->kegiatan,
                                  x->indikator,
                                  tg,
                                  x->unit,
                                  ag,
                                  x->sumber_dana,
                                  x->opd,
                                  x->instansi_terkait,
                                  x->focus,
                                  x->p3aks ? "ya" : "tidak",
                                  x->start_date,
                                  x->end_date};
            table_row(out, vals);
        }
    }
    arena_release(&a);
    return rc;
}

int plan_export_reports(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                        struct error *err)
{
    static const char *const head[] = {
        "region_code", "year",          "plan_type",    "action_id",       "kegiatan",
        "opd",         "period",        "physical_pct", "budget_realized", "narrative",
        "kendala",     "tindak_lanjut", "submitted_at", "submitted_by",    "evidence_files"};
    static const enum plan_cell_kind kinds[] = {
        PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_TEXT,
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_TEXT,
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM};
    table_start(out, "Laporan Kemajuan", head, kinds, WSP_ARRAY_LEN(head));
    struct arena a;
    arena_init(&a, 0);
    struct store_progress_query sq = {
        .scope = q->scope, .region = q->region, .year = q->year, .plan_type = q->plan_type};
    struct store_progress *ps = NULL;
    size_t n = 0;
    int rc = store_progress_list(s, &sq, &a, &ps, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        const struct store_progress *p = &ps[i];
        char y[16], aid[24], pct[24], bud[32], at[32], ne[16];
        snprintf(y, sizeof(y), "%d", p->year);
        snprintf(aid, sizeof(aid), "%lld", (long long)p->action_id);
        snprintf(pct, sizeof(pct), "%g", p->physical_pct);
        snprintf(bud, sizeof(bud), "%lld", (long long)p->budget_realized);
        time_format_iso(p->submitted_at, at, sizeof(at));
        snprintf(ne, sizeof(ne), "%zu", p->nevidence);
        const char *vals[] = {p->region_code,
                              y,
                              p->plan_type,
                              aid,
                              p->kegiatan,
                              p->opd,
                              p->period,
                              pct,
                              bud,
                              p->narrative,
                              p->kendala,
                              p->tindak_lanjut,
                              at,
                              p->submitted_by,
                              ne};
        table_row(out, vals);
    }
    arena_release(&a);
    return rc;
}

/* ---- P3AKS figures ---------------------------------------------------------------------- */

int plan_p3aks_load(struct store *s, const char *region, int year, int64_t ref_day,
                    struct arena *arena, struct plan_p3aks_view *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (!region)
        region = "";
    if (!p3aks_public_region_ok(region))
        return error_set(err, WSP_EINVAL,
                         "region '%s' is below regency level: P3AKS figures go down to "
                         "regencies/cities",
                         region);
    out->year = year;
    out->ref_day = ref_day;
    out->region = region;
    out->region_name = "Indonesia";
    struct store_region *regs = NULL;
    size_t nregs = 0;
    int rc = store_plan_regions(s, region, arena, &regs, &nregs, err);
    if (rc)
        return rc;
    out->codes = arena_alloc(arena, (nregs + 1) * sizeof(*out->codes));
    out->names = arena_alloc(arena, (nregs + 1) * sizeof(*out->names));
    out->rows = arena_alloc(arena, (nregs + 1) * sizeof(*out->rows));
    if (!out->codes || !out->names || !out->rows)
        return error_set(err, WSP_ENOMEM, "p3aks figures do not fit in memory limit");
    /* The nation: its provinces. A province: its regencies (store_plan_regions lists the
     * province first). A regency: itself. */
    int level = 0;
    for (size_t i = 0; i < nregs; i++)
        if (*region && str_eq(regs[i].code, region)) {
            out->region_name = regs[i].name;
            level = regs[i].level;
        }
    for (size_t i = 0; i < nregs; i++) {
        if (level == 1 && str_eq(regs[i].code, region))
            continue;
        out->codes[out->n] = regs[i].code;
        out->names[out->n++] = regs[i].name;
    }
    struct p3aks_fig_rows rows;
    rc = store_p3aks_rows(s, region, year, arena, &rows, err);
    if (!rc)
        rc = p3aks_figures_compute(&rows, out->codes, out->n, ref_day, arena, out->rows, &out->own,
                                   &out->total, err);
    if (!rc)
        rc = p3aks_overdue_list(&rows, ref_day, arena, &out->overdue, &out->noverdue, err);
    return rc;
}

/* One row of the P3AKS sheet. */
static void p3aks_row(struct plan_table *t, const char *code, const char *name,
                      const struct p3aks_figures *f)
{
    char v[12][32];
    snprintf(v[0], sizeof(v[0]), "%ld", f->counted);
    snprintf(v[1], sizeof(v[1]), "%ld", f->counted_women);
    snprintf(v[2], sizeof(v[2]), "%ld", f->counted_girls);
    snprintf(v[3], sizeof(v[3]), "%ld", f->counted_boys);
    snprintf(v[4], sizeof(v[4]), "%ld", f->named);
    snprintf(v[5], sizeof(v[5]), "%ld", f->with_need);
    snprintf(v[6], sizeof(v[6]), "%ld", f->all_served);
    double share = p3aks_share_served(f);
    if (share >= 0)
        snprintf(v[7], sizeof(v[7]), "%.1f", share);
    else
        v[7][0] = '\0';
    snprintf(v[8], sizeof(v[8]), "%ld", f->received);
    if (f->received > 0)
        snprintf(v[9], sizeof(v[9]), "%.1f", f->median_days);
    else
        v[9][0] = '\0';
    snprintf(v[10], sizeof(v[10]), "%ld", f->open_referrals);
    snprintf(v[11], sizeof(v[11]), "%ld", f->waiting_needs);
    const char *vals[] = {code, name, v[0], v[1], v[2], v[3],  v[4],
                          v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
    table_row(t, vals);
}

/* Sheet "P3AKS" of the compliance export of plan type p3aks (see plan.h). */
static int export_p3aks(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                        struct error *err)
{
    static const char *const head[] = {"region_code",
                                       "region",
                                       "women_children_victims",
                                       "women",
                                       "girls",
                                       "boys",
                                       "named_victims",
                                       "with_need",
                                       "all_needs_served",
                                       "share_served",
                                       "services_received",
                                       "median_days_to_receipt",
                                       "open_referrals_14d",
                                       "waiting_needs_14d"};
    static const enum plan_cell_kind kinds[] = {
        PLAN_CELL_TEXT, PLAN_CELL_TEXT, PLAN_CELL_NUM, PLAN_CELL_NUM, PLAN_CELL_NUM,
        PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM, PLAN_CELL_NUM, PLAN_CELL_NUM,
        PLAN_CELL_NUM,  PLAN_CELL_NUM,  PLAN_CELL_NUM, PLAN_CELL_NUM};
    table_start(out, "P3AKS", head, kinds, WSP_ARRAY_LEN(head));
    int64_t ref = plan_day_of_time(time_now());
    if (q->date && plan_date_parse(q->date, &ref) != 0)
        return error_set(err, WSP_EINVAL, "date '%s' is not a date (YYYY-MM-DD)", q->date);
    struct arena a;
    arena_init(&a, 0);
    struct plan_p3aks_view v;
    int rc = plan_p3aks_load(s, q->region, q->year, ref, &a, &v, err);
    for (size_t i = 0; !rc && i < v.n; i++)
        p3aks_row(out, v.codes[i], v.names[i], &v.rows[i]);
    if (!rc && (v.own.counted || v.own.named)) {
        /* Only a province has cases of its own level outside its rows. */
        const char *own = arena_printf(&a, "%s (tingkat provinsi)", v.region_name);
        p3aks_row(out, v.region, own ? own : v.region_name, &v.own);
    }
    if (!rc) {
        const char *sum = arena_printf(&a, "Jumlah %s", v.region_name);
        p3aks_row(out, v.region, sum ? sum : "Jumlah", &v.total);
    }
    arena_release(&a);
    return rc;
}

/* ---- CSV -------------------------------------------------------------------------------- */

/* A plain number: an optional sign, digits with at most one decimal point or comma, an
 * optional exponent ("-5", "+3.2", "-2,5", "-1e+06"). A spreadsheet reads it as a number,
 * never as a formula. */
static bool csv_plain_number(const char *v)
{
    const char *p = v + (*v == '+' || *v == '-');
    size_t digits = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.' || *p == ',')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* CSV injection (OWASP): a spreadsheet program runs a cell that starts with = + - @ tab or CR
 * as a formula (=HYPERLINK(...) sends data away, =cmd|... ran programs), so such a cell gets
 * a leading ' and is read as text; plain numbers ("-5", "+3.2") stay as they are. Leading
 * spaces do not hide a formula (an import that trims spaces would run " =1+1"). A phone
 * number "+62 812 3456 7890" is not a plain number (a spreadsheet would evaluate it) and gets
 * the ': "'+62 812 3456 7890"; "+6281234567890" is one and stays. */
static bool csv_needs_quote_prefix(const char *v)
{
    v += strspn(v, " ");
    switch (v[0]) {
    case '=':
    case '@':
    case '\t':
    case '\r':
        return true;
    case '+':
    case '-':
        return !csv_plain_number(v);
    default:
        return false;
    }
}

static void csv_cell(struct buf *b, const char *v)
{
    const char *prefix = csv_needs_quote_prefix(v) ? "'" : "";
    if (!strpbrk(v, ",\"\r\n")) {
        buf_puts(b, prefix);
        buf_puts(b, v);
        return;
    }
    buf_putc(b, '"');
    buf_puts(b, prefix);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

void plan_csv_cell(struct buf *b, const char *v)
{
    csv_cell(b, v);
}

static void csv_line(struct buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        csv_cell(b, cells[i]);
    }
    buf_puts(b, "\r\n");
}

int plan_table_csv(const struct plan_table *t, struct buf *out, struct error *err)
{
    buf_puts(out, "\xEF\xBB\xBF");
    size_t rows = 0;
    for (const struct plan_table *x = t; x; x = x->next) {
        if (x != t)
            buf_puts(out, "\r\n");
        csv_line(out, x->head, x->ncols);
        for (size_t r = 0; r < x->nrows; r++)
            csv_line(out, (const char *const *)&x->cells[r * x->ncols], x->ncols);
        rows += x->nrows;
    }
    if (out->oom)
        return error_set(err, WSP_ENOMEM, "export of %zu rows does not fit in memory limit", rows);
    return 0;
}

/* ---- XLSX ------------------------------------------------------------------------------- */

/* One sheet of the workbook: table t. */
static void xlsx_sheet(lxw_workbook *wb, lxw_format *bold, const struct plan_table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
    for (size_t i = 0; i < t->ncols; i++) {
        worksheet_write_string(ws, 0, (lxw_col_t)i, t->head[i], bold);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 ? 40 : 14, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncols; i++) {
            const char *v = t->cells[r * t->ncols + i];
            lxw_row_t row = (lxw_row_t)(r + 1);
            char *end;
            double d = strtod(v, &end);
            if (t->kinds[i] == PLAN_CELL_NUM && *v && !*end)
                worksheet_write_number(ws, row, (lxw_col_t)i, d, NULL);
            else if (*v)
                worksheet_write_string(ws, row, (lxw_col_t)i, v, NULL);
        }
    }
    if (t->nrows > 0)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1));
}

int plan_table_xlsx(const struct plan_table *t, const char *path, struct error *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return error_set(err, WSP_EIO, "cannot create '%s'", path);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (const struct plan_table *x = t; x; x = x->next)
        xlsx_sheet(wb, bold, x);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return error_set(err, WSP_EIO, "cannot write '%s': %s", path, lxw_strerror(e));
    return 0;
}

int plan_table_xlsx_buf(const struct plan_table *t, struct buf *out, struct error *err)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/waspada-export-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        int rc = error_set(err, WSP_EIO, "cannot create a temporary file like '%s'", path);
        free(path);
        return rc;
    }
    close(fd);
    int rc = plan_table_xlsx(t, path, err);
    FILE *f = rc ? NULL : fopen(path, "rb");
    if (!rc && !f)
        rc = error_set(err, WSP_EIO, "cannot read '%s'", path);
    if (f) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !out->oom)
            buf_append(out, chunk, n);
        if (ferror(f))
            rc = error_set(err, WSP_EIO, "cannot read '%s'", path);
        else if (out->oom)
            rc = error_set(err, WSP_ENOMEM, "export of %zu rows does not fit in memory limit",
                           t->nrows);
        fclose(f);
    }
    unlink(path);
    free(path);
    return rc;
}
