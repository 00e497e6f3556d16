/* waspada export compliance|plans|reports: tables as CSV (RFC 4180) or XLSX (libxlsxwriter). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cli/cli.h"
#include "plan/plan.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada export compliance --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                                 [--date YYYY-MM-DD] --format csv|xlsx [--output FILE]\n"
    "       waspada export plans --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                            --format csv|xlsx [--output FILE]\n"
    "       waspada export reports --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                              --format csv|xlsx [--output FILE]\n"
    "\n"
    "compliance: one row per region (every province, or a province and its regencies/cities\n"
    "with --region) with region_code, region, timdu, rad_status ('belum' when there is no\n"
    "plan), expected, submitted, on_time, late, reporting_rate, on_time_rate, score and rank,\n"
    "as of --date (default today). Score: Timdu 20 + RAD (disetujui 30, diajukan or\n"
    "dikembalikan 15, draft 7.5) + 30 x reporting rate + 20 x on-time rate.\n"
    "plans: one row per action of every plan. reports: one row per progress report.\n"
    "--type defaults to pks for compliance and to all types otherwise. Without --output the\n"
    "file goes to standard output.\n";

enum cell_kind { CELL_TEXT, CELL_NUM };

struct table {
    const char *sheet;
    size_t ncols;
    const char *const *head;
    const enum cell_kind *kinds;
    char **cells; /* rows * ncols, malloc'd strings */
    size_t nrows, cap;
};

static void table_row(struct table *t, const char *const *vals)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = xstrdup(vals[i] ? vals[i] : "");
    t->nrows++;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
}

static void csv_cell(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static int write_csv(const struct table *t, FILE *f)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            fputc(',', f);
        csv_cell(f, t->head[i]);
    }
    fputs("\r\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncols; i++) {
            if (i)
                fputc(',', f);
            csv_cell(f, t->cells[r * t->ncols + i]);
        }
        fputs("\r\n", f);
    }
    return ferror(f) ? WSP_EIO : 0;
}

static int write_xlsx(const struct table *t, const char *path, struct error *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return error_set(err, WSP_EIO, "cannot create '%s'", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
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
            if (t->kinds[i] == CELL_NUM && *v && !*end)
                worksheet_write_number(ws, row, (lxw_col_t)i, d, NULL);
            else if (*v)
                worksheet_write_string(ws, row, (lxw_col_t)i, v, NULL);
        }
    }
    if (t->nrows > 0)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1));
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return error_set(err, WSP_EIO, "cannot write '%s': %s", path, lxw_strerror(e));
    return 0;
}

static int copy_to_stdout(const char *path, struct error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, WSP_EIO, "cannot read '%s'", path);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
    return fflush(stdout) == 0 ? 0 : error_set(err, WSP_EIO, "cannot write standard output");
}

static int emit(const struct table *t, const char *format, const char *output, struct error *err)
{
    if (str_eq(format, "csv")) {
        FILE *f = output ? fopen(output, "wb") : stdout;
        if (!f)
            return error_set(err, WSP_EIO, "cannot create '%s'", output);
        /* A BOM so that spreadsheet programs read the UTF-8 names right. */
        fputs("\xEF\xBB\xBF", f);
        int rc = write_csv(t, f);
        if (output && fclose(f) != 0)
            rc = WSP_EIO;
        if (rc)
            return error_set(err, WSP_EIO, "cannot write '%s'", output ? output : "stdout");
        return 0;
    }
    if (output)
        return write_xlsx(t, output, err);
    char tmp[] = "/tmp/waspada-export-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0)
        return error_set(err, WSP_EIO, "cannot create a temporary file");
    close(fd);
    int rc = write_xlsx(t, tmp, err);
    if (!rc)
        rc = copy_to_stdout(tmp, err);
    unlink(tmp);
    return rc;
}

struct export_opts {
    const char *what, *type, *region, *date, *format, *output;
    long year;
};

static int export_compliance(struct store *s, const struct export_opts *o, struct table *t,
                             struct error *err)
{
    static const char *const head[] = {"region_code",    "region",       "timdu",   "rad_status",
                                       "expected",       "submitted",    "on_time", "late",
                                       "reporting_rate", "on_time_rate", "score",   "rank"};
    static const enum cell_kind kinds[] = {CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
                                           CELL_NUM,  CELL_NUM,  CELL_NUM,  CELL_NUM,
                                           CELL_NUM,  CELL_NUM,  CELL_NUM,  CELL_NUM};
    t->sheet = "Kepatuhan";
    t->ncols = WSP_ARRAY_LEN(head);
    t->head = head;
    t->kinds = kinds;
    struct arena a;
    arena_init(&a, 0);
    struct plan_compliance c;
    int rc = plan_compliance_load(s, (int)o->year, o->type ? o->type : "pks", o->region, o->date,
                                  &a, &c, err);
    for (size_t i = 0; !rc && i < c.n; i++) {
        const struct plan_comp_row *r = &c.rows[i];
        char e[24], sub[24], ot[24], late[24], rr[24], otr[24], sc[24], rank[24];
        snprintf(e, sizeof(e), "%ld", r->expected);
        snprintf(sub, sizeof(sub), "%ld", r->submitted);
        snprintf(ot, sizeof(ot), "%ld", r->on_time);
        snprintf(late, sizeof(late), "%ld", r->late);
        snprintf(rr, sizeof(rr), "%.1f", r->reporting_rate);
        snprintf(otr, sizeof(otr), "%.1f", r->on_time_rate);
        snprintf(sc, sizeof(sc), "%.1f", r->score);
        snprintf(rank, sizeof(rank), "%d", r->rank);
        const char *vals[] = {
            r->code, r->name, r->timdu ? "ya" : "tidak", r->rad_status, e, sub, ot, late, rr, otr,
            sc,      rank};
        table_row(t, vals);
    }
    arena_release(&a);
    return rc;
}

static int export_plans(struct store *s, const struct export_opts *o, struct table *t,
                        struct error *err)
{
    static const char *const head[] = {
        "region_code", "region",   "year",        "plan_type", "plan_status",      "plan_version",
        "no",          "fase",     "program",     "kegiatan",  "indikator",        "target",
        "satuan",      "anggaran", "sumber_dana", "opd",       "instansi_terkait", "fokus",
        "p3aks",       "mulai",    "selesai"};
    static const enum cell_kind kinds[] = {
        CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_NUM,
        CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_TEXT, CELL_NUM,
        CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT};
    t->sheet = "Rencana Aksi";
    t->ncols = WSP_ARRAY_LEN(head);
    t->head = head;
    t->kinds = kinds;
    struct arena a;
    arena_init(&a, 0);
    struct store_rad_query q = {.region = o->region, .year = (int)o->year, .plan_type = o->type};
    struct store_rad *plans = NULL;
    size_t n = 0;
    int rc = store_rad_list(s, &q, &a, &plans, &n, err);
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
            table_row(t, vals);
        }
    }
    arena_release(&a);
    return rc;
}

static int export_reports(struct store *s, const struct export_opts *o, struct table *t,
                          struct error *err)
{
    static const char *const head[] = {
        "region_code", "year",          "plan_type",    "action_id",       "kegiatan",
        "opd",         "period",        "physical_pct", "budget_realized", "narrative",
        "kendala",     "tindak_lanjut", "submitted_at", "submitted_by",    "evidence_files"};
    static const enum cell_kind kinds[] = {CELL_TEXT, CELL_NUM,  CELL_TEXT, CELL_NUM,  CELL_TEXT,
                                           CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_NUM,  CELL_TEXT,
                                           CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_NUM};
    t->sheet = "Laporan Kemajuan";
    t->ncols = WSP_ARRAY_LEN(head);
    t->head = head;
    t->kinds = kinds;
    struct arena a;
    arena_init(&a, 0);
    struct store_progress_query q = {
        .region = o->region, .year = (int)o->year, .plan_type = o->type};
    struct store_progress *ps = NULL;
    size_t n = 0;
    int rc = store_progress_list(s, &q, &a, &ps, &n, err);
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
        table_row(t, vals);
    }
    arena_release(&a);
    return rc;
}

int cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h")) {
        if (argc >= 2) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("export", "missing what to export (compliance, plans, reports)");
    }
    struct export_opts o = {.what = argv[1]};
    if (!str_eq(o.what, "compliance") && !str_eq(o.what, "plans") && !str_eq(o.what, "reports"))
        return cli_usage_error("export", "unknown export '%s' (compliance, plans, reports)",
                               o.what);
    static const struct option opts[] = {
        {"year", required_argument, NULL, 'y'},   {"type", required_argument, NULL, 't'},
        {"region", required_argument, NULL, 'r'}, {"date", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *year_s = NULL;
    int c;
    opterr = 0;
    optind = 0;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_s = optarg;
            break;
        case 't':
            o.type = optarg;
            break;
        case 'r':
            o.region = optarg;
            break;
        case 'd':
            o.date = optarg;
            break;
        case 'f':
            o.format = optarg;
            break;
        case 'o':
            o.output = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("export", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (!year_s || str_to_long(year_s, 2000, 2100, &o.year) != 0)
        return cli_usage_error("export", "--year YEAR (2000-2100) is required");
    if (!str_eq(o.format, "csv") && !str_eq(o.format, "xlsx"))
        return cli_usage_error("export", "--format must be csv or xlsx");
    if (o.type && !plan_type_valid(o.type))
        return cli_usage_error("export", "--type '%s' is not pks or p3aks", o.type);
    if (str_eq(o.format, "xlsx") && !o.output && isatty(STDOUT_FILENO))
        return cli_usage_error("export", "xlsx is binary: use --output FILE or redirect");

    struct error err = {0};
    struct store *s = NULL;
    struct table t = {0};
    int rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc) {
        if (str_eq(o.what, "compliance"))
            rc = export_compliance(s, &o, &t, &err);
        else if (str_eq(o.what, "plans"))
            rc = export_plans(s, &o, &t, &err);
        else
            rc = export_reports(s, &o, &t, &err);
    }
    if (!rc)
        rc = emit(&t, o.format, o.output, &err);
    table_free(&t);
    store_close(s);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    if (o.output)
        fprintf(stderr, "waspada: wrote %zu rows to %s\n", t.nrows, o.output);
    return CLI_OK;
}
