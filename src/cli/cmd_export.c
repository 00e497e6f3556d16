/* waspada export compliance|plans|reports: a thin CLI over the plan module's exports
 * (src/plan/export.c), which the HTTP export endpoints share, so both write the same file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "events/events.h"
#include "export/export.h"
#include "geo/geo.h"
#include "plan/plan.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada export compliance --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                                 [--date YYYY-MM-DD] --format csv|xlsx [--output FILE]\n"
    "       waspada export plans --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                            --format csv|xlsx [--output FILE]\n"
    "       waspada export reports --year YEAR [--type pks|p3aks] [--region CODE]\n"
    "                              --format csv|xlsx [--output FILE]\n"
    "       waspada export events [--format csv|xlsx|geojson] [--region CODE]\n"
    "                             [--category CAT] [--from DATE] [--to DATE] [--status S]\n"
    "                             [--min-confidence X] [--public] [--output FILE]\n"
    "\n"
    "compliance: one row per region (every province, or a province and its regencies/cities\n"
    "with --region) with region_code, region, timdu, rad_status ('belum' when there is no\n"
    "plan), expected, submitted, on_time, late, reporting_rate, on_time_rate, score, rank\n"
    "and the verified alerts of the year answered (alerts, answered_24h, answered_72h,\n"
    "answered, unanswered: as the compliance view counts them, not in the score),\n"
    "as of --date (default today). Score: Timdu 20 + RAD (disetujui 30, diajukan or\n"
    "dikembalikan 15, draft 7.5) + 30 x reporting rate + 20 x on-time rate. With --type p3aks\n"
    "the P3AKS figures of the same region, year and date follow (after an empty line in CSV,\n"
    "on a second sheet in XLSX; see docs/p3aks.md).\n"
    "plans: one row per action of every plan. reports: one row per progress report.\n"
    "--type defaults to pks for compliance and to all types otherwise. Without --output the\n"
    "file goes to standard output.\n"
    "events: one row per event in ACLED's columns (event_id_cnty, event_date, year,\n"
    "time_precision, disorder_type, event_type, sub_event_type, actor1, actor2, admin1..3\n"
    "with their codes, latitude/longitude of the regency's or province's centroid,\n"
    "geo_precision, source, notes, fatalities, ...) plus category, snpk_issue, injured,\n"
    "status, confidence and women_children_victims; newest first, streamed (constant memory\n"
    "however many events). The filters are the events list's; --format defaults to csv;\n"
    "geojson is a FeatureCollection of points. --public writes what the public export\n"
    "shows: verified events only, no actors, admin3, location, source, notes, confidence\n"
    "or women_children_victims. See docs/export.md for the crosswalk and what it loses.\n";

/* waspada export events: the export module's stream into the file or standard output. */
static int export_events_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"region", required_argument, NULL, 'r'},
        {"category", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"status", required_argument, NULL, 's'},
        {"min-confidence", required_argument, NULL, 'm'},
        {"public", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct export_events_opts o = {0};
    const char *format = NULL, *output = NULL, *conf = NULL;
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'r':
            o.q.region = optarg;
            break;
        case 'c':
            o.q.category = optarg;
            break;
        case 'F':
            o.q.from = optarg;
            break;
        case 'T':
            o.q.to = optarg;
            break;
        case 's':
            o.q.status = optarg;
            break;
        case 'm':
            conf = optarg;
            break;
        case 'p':
            o.public_view = true;
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
    if (export_format_parse(format, &o.format) != 0)
        return cli_usage_error("export", "--format must be csv, xlsx or geojson");
    if (o.q.region && !geo_code_valid(o.q.region))
        return cli_usage_error("export", "--region '%s' is not a region code", o.q.region);
    if (o.q.category && !event_category_valid(o.q.category))
        return cli_usage_error("export", "unknown --category '%s'", o.q.category);
    if (o.q.status && !event_status_valid(o.q.status))
        return cli_usage_error("export", "unknown --status '%s'", o.q.status);
    if ((o.q.from && !event_date_valid(o.q.from)) || (o.q.to && !event_date_valid(o.q.to)))
        return cli_usage_error("export", "--from and --to are dates YYYY-MM-DD");
    if (conf) {
        char *end = NULL;
        o.q.min_confidence = strtod(conf, &end);
        if (!*conf || *end || !(o.q.min_confidence >= 0 && o.q.min_confidence <= 1))
            return cli_usage_error("export", "--min-confidence must be a number in 0..1");
    }
    if (o.public_view && (o.q.status || conf))
        return cli_usage_error("export", "--public takes no --status or --min-confidence");
    if (o.format == EXPORT_XLSX && !output && isatty(STDOUT_FILENO))
        return cli_usage_error("export", "xlsx is binary: use --output FILE or redirect");

    struct error err = {0};
    struct store *s = NULL;
    struct geo_gazetteer *g = NULL;
    struct export_events *x = NULL;
    FILE *f = NULL;
    int rc = geo_load(&g, &err);
    if (!rc)
        rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc)
        rc = export_events_open(s, g, &o, &x, &err);
    if (!rc) {
        f = output ? fopen(output, "wb") : stdout;
        if (!f)
            rc = error_set(&err, WSP_EIO, "cannot create '%s'", output);
    }
    static char chunk[1 << 16];
    ssize_t n = 0;
    while (!rc && (n = export_events_read(x, chunk, sizeof(chunk), &err)) > 0)
        if (fwrite(chunk, 1, (size_t)n, f) != (size_t)n)
            rc = error_set(&err, WSP_EIO, "cannot write '%s'", output ? output : "stdout");
    if (!rc && n < 0)
        rc = (int)n;
    bool unflushed = false;
    if (f && output)
        unflushed = fclose(f) != 0;
    else if (f)
        unflushed = fflush(f) != 0;
    if (unflushed && !rc)
        rc = error_set(&err, WSP_EIO, "cannot write '%s'", output ? output : "stdout");
    size_t rows = x ? export_events_rows(x) : 0;
    export_events_free(x);
    store_close(s);
    geo_free(g);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    if (output)
        fprintf(stderr, "waspada: wrote %zu events to %s\n", rows, output);
    return CLI_OK;
}

/* Write the whole of data to output (NULL = standard output). */
static int write_out(const char *data, size_t len, const char *output, struct error *err)
{
    FILE *f = output ? fopen(output, "wb") : stdout;
    if (!f)
        return error_set(err, WSP_EIO, "cannot create '%s'", output);
    bool ok = fwrite(data, 1, len, f) == len;
    if (output)
        ok = fclose(f) == 0 && ok;
    else
        ok = fflush(stdout) == 0 && ok;
    if (!ok)
        return error_set(err, WSP_EIO, "cannot write '%s'", output ? output : "stdout");
    return 0;
}

static int emit(const struct plan_table *t, const char *format, const char *output,
                struct error *err)
{
    if (str_eq(format, "xlsx") && output)
        return plan_table_xlsx(t, output, err);
    struct buf b;
    buf_init(&b, 0);
    int rc = str_eq(format, "csv") ? plan_table_csv(t, &b, err) : plan_table_xlsx_buf(t, &b, err);
    if (!rc)
        rc = write_out(buf_cstr(&b), b.len, output, err);
    buf_release(&b);
    return rc;
}

int cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h")) {
        if (argc >= 2) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("export",
                               "missing what to export (compliance, plans, reports, events)");
    }
    const char *what = argv[1], *format = NULL, *output = NULL;
    struct plan_export_query q = {0};
    if (str_eq(what, "events"))
        return export_events_cmd(ctx, argc - 1, argv + 1);
    if (!str_eq(what, "compliance") && !str_eq(what, "plans") && !str_eq(what, "reports"))
        return cli_usage_error("export", "unknown export '%s' (compliance, plans, reports, events)",
                               what);
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
            q.plan_type = optarg;
            break;
        case 'r':
            q.region = optarg;
            break;
        case 'd':
            q.date = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'o':
            output = optarg;
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
    long year = 0;
    if (!year_s || str_to_long(year_s, 2000, 2100, &year) != 0)
        return cli_usage_error("export", "--year YEAR (2000-2100) is required");
    q.year = (int)year;
    if (!str_eq(format, "csv") && !str_eq(format, "xlsx"))
        return cli_usage_error("export", "--format must be csv or xlsx");
    if (q.plan_type && !plan_type_valid(q.plan_type))
        return cli_usage_error("export", "--type '%s' is not pks or p3aks", q.plan_type);
    if (str_eq(format, "xlsx") && !output && isatty(STDOUT_FILENO))
        return cli_usage_error("export", "xlsx is binary: use --output FILE or redirect");

    struct error err = {0};
    struct store *s = NULL;
    struct plan_table t = {0};
    int rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc) {
        if (str_eq(what, "compliance"))
            rc = plan_export_compliance(s, &q, &t, &err);
        else if (str_eq(what, "plans"))
            rc = plan_export_plans(s, &q, &t, &err);
        else
            rc = plan_export_reports(s, &q, &t, &err);
    }
    if (!rc)
        rc = emit(&t, format, output, &err);
    size_t nrows = t.nrows;
    plan_table_release(&t);
    store_close(s);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    if (output)
        fprintf(stderr, "waspada: wrote %zu rows to %s\n", nrows, output);
    return CLI_OK;
}
