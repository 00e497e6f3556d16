/* waspada import rad: import a RAD action matrix from CSV (libcsv), all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "cli/cli.h"
#include "plan/plan.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada import rad --region CODE --year YEAR --type pks|p3aks [--title TEXT] FILE.csv\n"
    "\n"
    "Import the action matrix of a regional action plan (RAD). The first row names the\n"
    "columns, in any order: fase, program, kegiatan, indikator, target, satuan, anggaran,\n"
    "sumber_dana, opd, instansi_terkait, fokus, p3aks (ya/tidak), mulai, selesai (YYYY-MM-DD).\n"
    "Values: fase is pencegahan, penghentian or pemulihan; anggaran is whole rupiah\n"
    "(150000000 or 150.000.000); target may use a decimal comma; fokus is konflik_faktual,\n"
    "potensi_konflik or a lower-case theme such as covid19. Comma or semicolon separated.\n"
    "\n"
    "Every row is checked before anything is written: on any error each problem is printed\n"
    "as 'baris N, kolom K: ...' and nothing changes (exit 3). A new plan is created as draft;\n"
    "an existing draft or returned (dikembalikan) plan has its actions replaced; a submitted\n"
    "or approved plan is refused (exit 5).\n"
    "\n"
    "  --region CODE  province or regency/city code (e.g. 32 or 32.73)\n"
    "  --year YEAR    plan year\n"
    "  --type TYPE    pks (social conflict handling) or p3aks (women and children)\n"
    "  --title TEXT   title of a new plan (default 'RAD <TYPE> <region name> <year>')\n";

#define MAX_ERRORS 50
#define MAX_ROWS 10000
#define MAX_FILE (32u << 20)

struct csv_rows {
    char ***rows;
    size_t *nfields;
    size_t n, cap;
    char **cur;
    size_t ncur, capcur;
    bool too_many;
};

static void on_field(void *s, size_t len, void *data)
{
    struct csv_rows *r = data;
    if (r->ncur == r->capcur) {
        r->capcur = r->capcur ? r->capcur * 2 : 16;
        r->cur = xrealloc(r->cur, r->capcur * sizeof(*r->cur));
    }
    r->cur[r->ncur++] = xstrndup(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data)
{
    WSP_UNUSED(c);
    struct csv_rows *r = data;
    if (r->n >= MAX_ROWS + 1) {
        r->too_many = true;
        for (size_t i = 0; i < r->ncur; i++)
            free(r->cur[i]);
        free(r->cur);
    } else {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->rows = xrealloc(r->rows, r->cap * sizeof(*r->rows));
            r->nfields = xrealloc(r->nfields, r->cap * sizeof(*r->nfields));
        }
        r->rows[r->n] = r->cur;
        r->nfields[r->n] = r->ncur;
        r->n++;
    }
    r->cur = NULL;
    r->ncur = r->capcur = 0;
}

static void rows_free(struct csv_rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        for (size_t j = 0; j < r->nfields[i]; j++)
            free(r->rows[i][j]);
        free(r->rows[i]);
    }
    for (size_t j = 0; j < r->ncur; j++)
        free(r->cur[j]);
    free(r->cur);
    free(r->rows);
    free(r->nfields);
}

static int read_file(const char *path, char **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, WSP_ENOTFOUND, "cannot open '%s'", path);
    struct buf b;
    buf_init(&b, MAX_FILE);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || b.oom) {
        buf_release(&b);
        return error_set(err, bad ? WSP_EIO : WSP_ETOOBIG, "cannot read '%s'%s", path,
                         bad ? "" : ": file over 32 MiB");
    }
    *out = buf_detach(&b, len);
    return 0;
}

static int parse_csv(const char *data, size_t len, struct csv_rows *rows, struct error *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return error_set(err, WSP_ENOMEM, "cannot start the CSV parser");
    /* Spreadsheets with a decimal comma (Indonesian locale) export ';'-separated files. */
    size_t first = strcspn(data, "\n");
    size_t commas = 0, semis = 0;
    for (size_t i = 0; i < first; i++) {
        commas += data[i] == ',';
        semis += data[i] == ';';
    }
    if (semis > commas)
        csv_set_delim(&p, ';');
    int rc = 0;
    if (csv_parse(&p, data, len, on_field, on_row, rows) != len ||
        csv_fini(&p, on_field, on_row, rows) != 0)
        rc = error_set(err, WSP_EINVAL, "berkas CSV tidak sah: %s", csv_strerror(csv_error(&p)));
    csv_free(&p);
    if (!rc && rows->too_many)
        rc = error_set(err, WSP_ETOOBIG, "berkas berisi lebih dari %d baris kegiatan", MAX_ROWS);
    return rc;
}

static int import_rad(struct cli_ctx *ctx, const char *region, long year, const char *type,
                      const char *title, const char *file)
{
    struct error err = {0};
    char *data = NULL;
    size_t len = 0;
    struct csv_rows rows = {0};
    struct store *s = NULL;
    struct store_rad_action *acts = NULL;
    struct arena arena;
    arena_init(&arena, 0);
    int code = CLI_OK;

    int rc = read_file(file, &data, &len, &err);
    if (!rc)
        rc = parse_csv(data, len, &rows, &err);
    if (!rc)
        rc = store_open(&s, ctx->cfg.db, &err);
    const char *region_name = NULL;
    if (!rc)
        rc = store_region_name(s, region, &arena, &region_name, &err);
    if (rc == WSP_ENOTFOUND && s)
        rc = error_set(&err, WSP_EINVAL, "unknown region '%s'", region);
    if (rc) {
        code = cli_error(rc, "%s", err.msg);
        goto out;
    }
    if (rows.n == 0) {
        code = cli_error(WSP_EINVAL, "%s: berkas kosong (baris 1 harus berisi nama kolom)", file);
        goto out;
    }
    struct plan_csv_map map;
    if (plan_csv_header((const char *const *)rows.rows[0], rows.nfields[0], &map, &err) != 0) {
        code = cli_error(WSP_EINVAL, "%s: %s", file, err.msg);
        goto out;
    }
    if (rows.n == 1) {
        code = cli_error(WSP_EINVAL, "%s: tidak ada baris kegiatan setelah baris 1", file);
        goto out;
    }
    acts = xcalloc(rows.n, sizeof(*acts));
    size_t nerr = 0;
    for (size_t i = 1; i < rows.n; i++) {
        struct plan_action_in in;
        error_clear(&err);
        if (plan_csv_row(i + 1, (const char *const *)rows.rows[i], rows.nfields[i], &map, (int)year,
                         &in, &err) != 0) {
            if (nerr < MAX_ERRORS)
                fprintf(stderr, "waspada: %s: %s\n", file, err.msg);
            nerr++;
            continue;
        }
        struct store_rad_action *a = &acts[i - 1];
        a->phase = in.phase;
        a->program = in.program;
        a->kegiatan = in.kegiatan;
        a->indikator = in.indikator;
        a->target = in.target;
        a->unit = in.unit;
        a->anggaran = in.anggaran;
        a->sumber_dana = in.sumber_dana;
        a->opd = in.opd;
        a->instansi_terkait = in.instansi_terkait;
        a->focus = in.focus;
        a->p3aks = in.p3aks;
        a->start_date = in.start;
        a->end_date = in.end;
    }
    if (nerr > 0) {
        if (nerr > MAX_ERRORS)
            fprintf(stderr, "waspada: %s: ... dan %zu kesalahan lain\n", file, nerr - MAX_ERRORS);
        code = cli_error(WSP_EINVAL,
                         "%s: %zu kesalahan; tidak ada yang disimpan (perbaiki lalu impor ulang)",
                         file, nerr);
        goto out;
    }
    char deftitle[256];
    snprintf(deftitle, sizeof(deftitle), "RAD %s %s %ld", str_eq(type, "pks") ? "PKS" : "P3AKS",
             region_name, year);
    struct store_rad r = {.region_code = region,
                          .year = (int)year,
                          .plan_type = type,
                          .title = title ? title : deftitle};
    const struct store_actor actor = {0, "cli", NULL};
    int64_t rad_id = 0;
    bool created = false;
    rc = store_rad_import(s, &r, acts, rows.n - 1, &actor, &rad_id, &created, &err);
    if (rc) {
        code = cli_error(rc, "%s", err.msg);
        goto out;
    }
    printf("plan %lld (%s %s %ld): %zu actions imported%s\n", (long long)rad_id, type, region, year,
           rows.n - 1, created ? ", new draft plan" : ", actions replaced");
out:
    free(acts);
    rows_free(&rows);
    free(data);
    store_close(s);
    arena_release(&arena);
    return code;
}

int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h")) {
        if (argc >= 2) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("import", "missing what to import (rad)");
    }
    if (!str_eq(argv[1], "rad"))
        return cli_usage_error("import", "unknown import '%s' (rad)", argv[1]);
    static const struct option opts[] = {
        {"region", required_argument, NULL, 'r'}, {"year", required_argument, NULL, 'y'},
        {"type", required_argument, NULL, 't'},   {"title", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *region = NULL, *year_s = NULL, *type = NULL, *title = NULL;
    int c;
    opterr = 0;
    optind = 0;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            region = optarg;
            break;
        case 'y':
            year_s = optarg;
            break;
        case 't':
            type = optarg;
            break;
        case 'T':
            title = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("import", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (!region || !year_s || !type)
        return cli_usage_error("import", "rad needs --region, --year and --type");
    if (optind + 1 != argc)
        return cli_usage_error("import", "rad needs exactly one CSV file");
    long year;
    if (str_to_long(year_s, 2000, 2100, &year) != 0)
        return cli_usage_error("import", "--year '%s' is not a year (2000-2100)", year_s);
    if (!plan_type_valid(type))
        return cli_usage_error("import", "--type '%s' is not pks or p3aks", type);
    return import_rad(ctx, region, year, type, title, argv[optind]);
}
