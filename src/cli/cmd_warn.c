/* waspada warn backtest|params: replay history through the early-warning engine (src/warn). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alertd/alertd.h"
#include "cli/cli.h"
#include "geo/geo.h"
#include "store/store.h"
#include "warn/warn.h"

static const char usage_text[] =
    "usage: waspada warn backtest [--events FILE.jsonl | --ucdp FILE.csv [--ucdp-map FILE.csv]]\n"
    "                             [--from DATE] [--to DATE] [--level-regency] [--level-province]\n"
    "                             [--level-national] [--params FILE] [--json]\n"
    "       waspada warn recompute [--params FILE]\n"
    "       waspada warn params [--params FILE]\n"
    "\n"
    "backtest replays events day by day through the early-warning engine and prints every alert\n"
    "(episode) whose first day is in [--from, --to]: region, first day, highest level, the\n"
    "peak (the day of the largest weighted 7-day sum in the episode) and the lead time before\n"
    "it, with an explanation; then totals. An alert is a real escalation when its region saw\n"
    "escalation_events events or escalation_killed killed within escalation_window days of its\n"
    "first day (params); the others are false alarms, reported per region-year.\n"
    "\n"
    "  --events FILE   JSON Lines: {\"region_code\": \"72.02\", \"date\": \"2000-05-23\", "
    "\"killed\": 3,\n"
    "                  \"injured\": 0, \"category\": \"identity_religious_ethnic\"} and optional\n"
    "                  \"verified\" (default true), \"house_of_worship\", \"id\"\n"
    "  --ucdp FILE     UCDP GED CSV (Indonesia); provinces by adm_1 and, where provinces split\n"
    "                  since (Papua, Maluku), by the nearest province centroid; East Timor "
    "dropped\n"
    "  --ucdp-map FILE adm_1 -> province code mapping (default: the built-in\n"
    "                  events/ucdp-adm1-to-kemendagri.csv)\n"
    "  --from, --to    YYYY-MM-DD (default: the first and last event day); earlier events still\n"
    "                  feed the baselines\n"
    "  --level-*       alerts of regencies, provinces, the nation (default regency + province)\n"
    "  --params FILE   parameters on top of data/warn/params.ini\n"
    "  --json          one JSON document with \"alerts\" and \"totals\"\n"
    "\n"
    "Without --events or --ucdp the events come from the database (--db), the ones that\n"
    "count for warnings: events without an Indonesian regency or province, rejected ones and\n"
    "unverified leads (menunggu) below the setting lead_min_confidence are left out; the\n"
    "other leads weigh less (weight_unverified).\n"
    "\n"
    "recompute rebuilds the stored alerts from the stored events of the last two years, as\n"
    "the server does when it starts (for deployments where the server was down): new\n"
    "episodes become alerts, changed ones are updated, alerts no episode supports any more\n"
    "are retracted. It sends no notifications.\n"
    "\n"
    "params prints the effective parameters (thresholds, weights) as an INI file.\n";

static int read_file(const char *path, char **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, WSP_EIO, "cannot open '%s'", path);
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        buf_release(&b);
        return error_set(err, WSP_EIO, "cannot read '%s'", path);
    }
    *out = buf_detach(&b, len);
    if (!*out)
        *out = xstrdup("");
    return 0;
}

/* Reading the database must not create one. */
static int db_exists(const struct cli_ctx *ctx, struct error *err)
{
    if (access(ctx->cfg.db, F_OK) != 0)
        return error_set(err, WSP_EINVAL,
                         "database '%s' does not exist: give --db, or --events FILE.jsonl or "
                         "--ucdp FILE.csv",
                         ctx->cfg.db);
    return 0;
}

int cli_warn_params(struct warn_params *p, const char *file, struct error *err)
{
    int rc = warn_params_load(p, err);
    if (rc || !file)
        return rc;
    char *text;
    size_t len;
    if ((rc = read_file(file, &text, &len, err)))
        return rc;
    struct error e = {0};
    rc = warn_params_parse(p, text, &e);
    free(text);
    if (rc)
        return error_set(err, rc, "%s: %s", file, e.msg);
    return 0;
}

struct evlist {
    struct warn_event_list l;
    long *lineno; /* per event, for messages (JSONL only) */
};

static int read_jsonl(const char *path, struct evlist *ev, struct error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        return error_set(err, WSP_EIO, "cannot open '%s'", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        char region[WARN_CODE_MAX], cat[32];
        struct warn_event e;
        struct error e2 = {0};
        if ((rc = warn_event_from_json(line, len, lineno, &e, region, cat, &e2))) {
            rc = error_set(err, rc, "%s: %s", path, e2.msg);
            break;
        }
        struct warn_event_list *l = &ev->l;
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 256;
            l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
            ev->lineno = xrealloc(ev->lineno, l->cap * sizeof(*ev->lineno));
        }
        e.region = xstrdup(region);
        /* categories point at the engine's static names (unknown ones weigh as "none") */
        const char *given = e.category; /* points into cat, which the next line reuses */
        e.category = NULL;
        for (int i = 0; i < WARN_NCATEGORIES; i++)
            if (given && strcmp(given, warn_category_names[i]) == 0)
                e.category = warn_category_names[i];
        ev->lineno[l->n] = lineno;
        l->items[l->n++] = e;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int cmp_event(const void *a, const void *b)
{
    const struct warn_event *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static json_t *alert_json(const struct warn_state *st, const struct geo_gazetteer *g,
                          const struct warn_bt_alert *a)
{
    const struct warn_episode *ep = a->ep;
    char d1[16], d2[16], d3[16], d4[16];
    warn_day_format(ep->first_day, d1, sizeof(d1));
    warn_day_format(ep->last_day, d2, sizeof(d2));
    warn_day_format(a->peak_day, d3, sizeof(d3));
    if (ep->close_day >= 0)
        warn_day_format(ep->close_day, d4, sizeof(d4));
    const struct geo_region *r = geo_get(g, ep->region);
    struct buf id, en;
    buf_init(&id, 0);
    buf_init(&en, 0);
    warn_explain(st, ep, NULL, WARN_ID, &id);
    warn_explain(st, ep, NULL, WARN_EN, &en);
    json_t *ids = json_array();
    int64_t buf[50];
    size_t n = warn_explain_events(st, ep, NULL, buf, WSP_ARRAY_LEN(buf));
    for (size_t i = 0; i < n && i < WSP_ARRAY_LEN(buf); i++)
        json_array_append_new(ids, json_integer(buf[i]));
    json_t *hist = json_array();
    for (size_t i = 0; i < ep->nsteps; i++) {
        char d[16];
        warn_day_format(ep->steps[i].day, d, sizeof(d));
        json_array_append_new(hist, json_pack("{s:s, s:s, s:s}", "day", d, "level",
                                              warn_level_name(ep->steps[i].level), "method",
                                              warn_method_name(ep->steps[i].method)));
    }
    json_t *o = json_pack(
        "{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s, s:s, s:i, s:b, s:i, s:i, s:s, s:s, s:o, s:o}",
        "region_code", ep->region, "region_name", r ? r->name : NULL, "first_day", d1, "level",
        warn_level_name(ep->max_level), "last_day", d2, "close_day", ep->close_day >= 0 ? d4 : NULL,
        "peak_day", d3, "method", warn_method_name(ep->steps[0].method), "lead_days", a->lead_days,
        "escalation", a->escalation, "events", a->events, "killed", a->killed, "explanation_id",
        buf_cstr(&id), "explanation_en", buf_cstr(&en), "event_ids", ids, "history", hist);
    buf_release(&id);
    buf_release(&en);
    return o;
}

static void print_alert(const struct warn_state *st, const struct geo_gazetteer *g,
                        const struct warn_bt_alert *a)
{
    const struct warn_episode *ep = a->ep;
    char d1[16], d3[16];
    warn_day_format(ep->first_day, d1, sizeof(d1));
    warn_day_format(a->peak_day, d3, sizeof(d3));
    const struct geo_region *r = geo_get(g, ep->region);
    struct buf en;
    buf_init(&en, 0);
    warn_explain(st, ep, NULL, WARN_EN, &en);
    printf("%s  %-6s %-28.28s %-8s peak %s lead %4d d  %3d ev %4d killed  %-9s %s\n", d1,
           ep->region, r ? r->name : (strcmp(ep->region, WARN_NATIONAL) ? "?" : "Indonesia"),
           warn_level_name(ep->max_level), d3, a->lead_days, a->events, a->killed,
           a->escalation ? "real" : "false", buf_cstr(&en));
    buf_release(&en);
}

static int backtest(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"events", required_argument, NULL, 'e'},   {"ucdp", required_argument, NULL, 'u'},
        {"ucdp-map", required_argument, NULL, 'm'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},       {"level-regency", no_argument, NULL, 'R'},
        {"level-province", no_argument, NULL, 'P'}, {"level-national", no_argument, NULL, 'N'},
        {"params", required_argument, NULL, 'p'},   {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *events = NULL, *ucdp = NULL, *map = NULL, *pfile = NULL;
    int32_t from = INT32_MIN, to = INT32_MIN;
    unsigned mask = 0;
    bool json = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
            events = optarg;
            break;
        case 'u':
            ucdp = optarg;
            break;
        case 'm':
            map = optarg;
            break;
        case 'f':
        case 't':
            if (warn_day_parse(optarg, c == 'f' ? &from : &to))
                return cli_usage_error("warn", "--%s needs a YYYY-MM-DD date, not '%s'",
                                       c == 'f' ? "from" : "to", optarg);
            break;
        case 'R':
            mask |= 1u << WARN_GEO_REGENCY;
            break;
        case 'P':
            mask |= 1u << WARN_GEO_PROVINCE;
            break;
        case 'N':
            mask |= 1u << WARN_GEO_NATIONAL;
            break;
        case 'p':
            pfile = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("warn", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("warn", "unexpected argument '%s'", argv[optind]);
    if (events && ucdp)
        return cli_usage_error("warn", "give --events or --ucdp, not both");
    if (map && !ucdp)
        return cli_usage_error("warn", "--ucdp-map goes with --ucdp");
    if (!mask)
        mask = (1u << WARN_GEO_REGENCY) | (1u << WARN_GEO_PROVINCE);

    struct error err = {0};
    struct warn_params p;
    struct geo_gazetteer *g = NULL;
    struct evlist ev = {0};
    struct warn_state *st = NULL;
    struct warn_bt_result res = {0};
    char *text = NULL, *mtext = NULL;
    struct warn_centroid *cent = NULL;
    int rc = cli_warn_params(&p, pfile, &err);
    if (rc)
        goto out;
    if ((rc = geo_load(&g, &err)))
        goto out;
    if (events) {
        rc = read_jsonl(events, &ev, &err);
    } else if (!ucdp) {
        struct store *db = NULL;
        rc = db_exists(ctx, &err);
        if (rc == 0)
            rc = store_open(&db, ctx->cfg.db, &err);
        if (rc == 0)
            rc = alertd_load_events(db, ctx->cfg.lead_min_confidence, &ev.l, &err);
        store_close(db);
    } else {
        size_t len, mlen = 0, ncent = 0;
        struct data_blob mb = {0};
        if ((rc = read_file(ucdp, &text, &len, &err)))
            goto out;
        if (map) {
            rc = read_file(map, &mtext, &mlen, &err);
        } else {
            rc = data_read("events/ucdp-adm1-to-kemendagri.csv", &mb, &err);
            if (!rc) {
                mtext = xstrndup(mb.data, mb.len);
                mlen = mb.len;
                data_blob_free(&mb);
            }
        }
        if (rc || (rc = warn_load_centroids(&cent, &ncent, &err)))
            goto out;
        rc = warn_ucdp_convert(text, len, mtext, mlen, cent, ncent, &ev.l, &err);
        if (!rc && ev.l.dropped)
            fprintf(stderr,
                    "waspada: %zu UCDP events outside today's provinces dropped "
                    "(East Timor, no adm_1)\n",
                    ev.l.dropped);
    }
    if (rc)
        goto out;
    for (size_t i = 0; i < ev.l.n; i++) {
        const char *code = ev.l.items[i].region;
        const struct geo_region *r = geo_get(g, code);
        if (!r || r->level > GEO_REGENCY) {
            if (ev.lineno)
                rc = error_set(&err, WSP_EINVAL, "%s: line %ld: unknown region code '%s'", events,
                               ev.lineno[i], code);
            else
                rc = error_set(&err, WSP_EINVAL, "unknown region code '%s'", code);
            goto out;
        }
    }
    if (ev.l.n == 0) {
        rc = error_set(&err, WSP_EINVAL, "no events to replay");
        goto out;
    }
    qsort(ev.l.items, ev.l.n, sizeof(*ev.l.items), cmp_event);
    int32_t first = ev.l.items[0].day, last = ev.l.items[ev.l.n - 1].day;
    if (from == INT32_MIN)
        from = first;
    if (to == INT32_MIN)
        to = last;
    if (to < from) {
        rc = error_set(&err, WSP_EINVAL, "--to is before --from");
        goto out;
    }
    /* Replay day by day: events in date order, the engine advancing as days pass. Alerts
     * starting in the last quiet_days days may still be open at --to; we run on past it so
     * they close as they would have. */
    st = warn_state_new(&p, first < from ? first : from);
    warn_state_set_notify(st, false);
    for (size_t i = 0; i < ev.l.n; i++) {
        if (ev.l.items[i].day > to + p.quiet_days + p.escalation_window)
            break;
        if ((rc = warn_state_add(st, &ev.l.items[i], &err))) {
            if (ev.lineno)
                error_set(&err, rc, "%s: line %ld: %s", events, ev.lineno[i], err.msg);
            goto out;
        }
    }
    warn_state_advance(st, to + (int32_t)(p.quiet_days + p.escalation_window));

    size_t nregions = 0;
    if (mask & (1u << WARN_GEO_NATIONAL))
        nregions++;
    if (mask & (1u << WARN_GEO_PROVINCE))
        nregions += geo_count(g, GEO_PROVINCE);
    if (mask & (1u << WARN_GEO_REGENCY))
        nregions += geo_count(g, GEO_REGENCY);
    warn_backtest(st, from, to, mask, nregions, &res);

    char df[16], dt[16];
    warn_day_format(from, df, sizeof(df));
    warn_day_format(to, dt, sizeof(dt));
    if (json) {
        json_t *alerts = json_array();
        for (size_t i = 0; i < res.nalerts; i++)
            json_array_append_new(alerts, alert_json(st, g, &res.alerts[i]));
        json_t *levels = json_array();
        if (mask & (1u << WARN_GEO_REGENCY))
            json_array_append_new(levels, json_string("regency"));
        if (mask & (1u << WARN_GEO_PROVINCE))
            json_array_append_new(levels, json_string("province"));
        if (mask & (1u << WARN_GEO_NATIONAL))
            json_array_append_new(levels, json_string("national"));
        json_t *doc = json_pack(
            "{s:s, s:s, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:f, s:f, s:f}}", "from", df, "to", dt,
            "levels", levels, "events", (json_int_t)warn_state_event_count(st), "alerts", alerts,
            "totals", "alerts", (json_int_t)res.nalerts, "real_escalations", (json_int_t)res.real,
            "false_alarms", (json_int_t)res.false_alarms, "region_years", res.region_years,
            "false_alarm_rate", res.false_alarm_rate, "median_lead_days", res.median_lead);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        puts(s);
        free(s);
        json_decref(doc);
    } else {
        printf("backtest %s .. %s: %zu events\n", df, dt, warn_state_event_count(st));
        printf("first day   region name                         level    peak            lead"
               "      events killed  escalation explanation\n");
        for (size_t i = 0; i < res.nalerts; i++)
            print_alert(st, g, &res.alerts[i]);
        size_t by[WARN_NLEVELS] = {0};
        for (size_t i = 0; i < res.nalerts; i++)
            by[res.alerts[i].ep->max_level]++;
        printf("alerts %zu (waspada %zu, siaga %zu, awas %zu): %zu real escalations, %zu false "
               "alarms\n",
               res.nalerts, by[WARN_WASPADA], by[WARN_SIAGA], by[WARN_AWAS], res.real,
               res.false_alarms);
        printf("false-alarm rate %.4f per region-year (%.0f region-years); median lead before "
               "the peak %.1f days\n",
               res.false_alarm_rate, res.region_years, res.median_lead);
    }
out:
    warn_bt_result_release(&res);
    warn_state_free(st);
    warn_event_list_release(&ev.l);
    free(ev.lineno);
    free(text);
    free(mtext);
    free(cent);
    geo_free(g);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}

static int recompute(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"params", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *pfile = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'p') {
            pfile = optarg;
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return CLI_OK;
        } else {
            return cli_usage_error("warn", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("warn", "unexpected argument '%s'", argv[optind]);
    struct error err = {0};
    struct alertd_config cfg = {0};
    struct store *db = NULL;
    struct alertd *d = NULL;
    cfg.lead_min_confidence = ctx->cfg.lead_min_confidence;
    int rc = cli_warn_params(&cfg.params, pfile, &err);
    if (rc == 0)
        rc = db_exists(ctx, &err);
    if (rc == 0)
        rc = store_open(&db, ctx->cfg.db, &err);
    if (rc == 0)
        rc = alertd_open(&d, db, &cfg, &err);
    if (rc == 0) {
        struct alertd_stats st;
        alertd_get_stats(d, &st);
        printf("recomputed from %zu events: %zu alerts created, %zu updated, %zu retracted\n",
               st.events, st.created, st.updated, st.retracted);
    }
    alertd_free(d);
    store_close(db);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}

static int params_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"params", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *pfile = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'p') {
            pfile = optarg;
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return CLI_OK;
        } else {
            return cli_usage_error("warn", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("warn", "unexpected argument '%s'", argv[optind]);
    struct warn_params p;
    struct error err = {0};
    int rc = cli_warn_params(&p, pfile, &err);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    char *s = warn_params_dump(&p);
    fputs(s, stdout);
    free(s);
    return CLI_OK;
}

int cmd_warn(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("warn",
                               "expected a subcommand: backtest, simulate, recompute or params");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "backtest") == 0)
        return backtest(ctx, argc - 1, argv + 1);
    if (strcmp(argv[1], "recompute") == 0)
        return recompute(ctx, argc - 1, argv + 1);
    if (strcmp(argv[1], "params") == 0)
        return params_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "simulate") == 0)
        return cmd_warn_simulate(argc - 1, argv + 1);
    return cli_usage_error("warn", "unknown subcommand '%s'", argv[1]);
}
