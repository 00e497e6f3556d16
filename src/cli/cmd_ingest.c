/* waspada ingest: store articles from files, stdin, URLs and feeds, with the events found. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "geo/geo.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "text/text.h"

static const char usage_text[] =
    "usage: waspada ingest [--threads N] [--source-type T] [--near BITS] [--json] PATH... | "
    "URL...\n"
    "                      | -\n"
    "       waspada ingest --feeds [--threads N] [--json]\n"
    "       (and, with URLs or --feeds: [--fetch-concurrency N] [--per-host N] [--host-delay MS]\n"
    "        [--fetch-timeout S] [--connect-timeout S])\n"
    "\n"
    "Read articles, detect conflict events in them and store both. Inputs:\n"
    "  FILE.jsonl   JSON Lines as for 'waspada extract': one article per line with \"id\" and\n"
    "               \"text\" or \"html\", optional \"title\", \"url\", \"published\"\n"
    "  FILE.txt     one article in plain text;  FILE.html  one web page\n"
    "  URL          an http(s) page, fetched (timeouts, size cap, retries)\n"
    "  -            JSON Lines on standard input\n"
    "  --feeds      poll every feed added with 'waspada feed add' (conditional GET), then\n"
    "               fetch each new item (its summary when the page cannot be fetched)\n"
    "\n"
    "Pages and feeds are fetched concurrently, politely: robots.txt is read once per site\n"
    "(scheme, host and port) and obeyed for the agent 'waspada' (a 5xx or unreachable\n"
    "robots.txt means nothing is fetched there in this run); at most --per-host transfers\n"
    "to one site, --host-delay between the starts of two of them (a longer Crawl-delay, up\n"
    "to 10 s, wins); 5xx, 429 and timeouts are retried after a growing delay or the site's\n"
    "Retry-After (up to 120 s), holding back only that site; a site unreachable after its\n"
    "retries is skipped for the rest of the run. Articles are still stored in input order.\n"
    "\n"
    "An article already stored (same canonical URL or same text) is counted as a duplicate.\n"
    "A conflict event joins an existing event when it is the same one told by another outlet\n"
    "(same province, dates within 3 days, and near-identical text or the same regency,\n"
    "category and date give or take a day), else it becomes a new event waiting for\n"
    "verification. A broken article is reported with its file and line and\n"
    "skipped. A summary follows at the end; a progress line is shown on a terminal.\n"
    "\n"
    "  --threads N        detection threads (default: all cores)\n"
    "  --source-type T    store the articles as news, feed or file (default: file for files\n"
    "                     and stdin, news for URLs, feed for feed items)\n"
    "  --near BITS        SimHash distance for near duplicates (default 12 of 64)\n"
    "  --json             print the summary as one JSON object\n"
    "  --fetch-concurrency N  transfers at once, all sites (1..256, default 16)\n"
    "  --per-host N       transfers at once to one site (1..16, default 2)\n"
    "  --host-delay MS    between the starts of two requests to one site, milliseconds\n"
    "                     (0..60000, default 250)\n"
    "  --fetch-timeout S  whole transfer, seconds (default 20)\n"
    "  --connect-timeout S  connecting, seconds (default 10)\n"
    "The defaults of the last five come from the settings fetch_concurrency, fetch_per_host,\n"
    "fetch_host_delay_ms, fetch_timeout and fetch_connect_timeout.\n"
    "\n"
    "Exit status: 0 when every article was read, 1 when some failed (the others are stored),\n"
    "2 for misuse, 3 when the database has no regions (run 'waspada init').\n";

static void print_summary(const struct ingest_stats *s, bool feeds, bool json)
{
    double secs = (double)s->elapsed_ms / 1000.0;
    if (json) {
        json_t *o = json_pack(
            "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "read", (json_int_t)s->read,
            "new", (json_int_t)s->stored, "duplicates", (json_int_t)s->duplicates, "events_new",
            (json_int_t)s->events_new, "events_merged", (json_int_t)s->events_merged, "followups",
            (json_int_t)s->followups, "proposals", (json_int_t)s->proposals, "non_events",
            (json_int_t)s->non_events, "errors", (json_int_t)s->errors, "feeds_polled",
            (json_int_t)s->feeds_polled, "feeds_unchanged", (json_int_t)s->feeds_unchanged,
            "feeds_failed", (json_int_t)s->feeds_failed, "elapsed_ms", (json_int_t)s->elapsed_ms);
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(text ? text : "{}");
        free(text);
        json_decref(o);
        return;
    }
    printf("read %zu, new %zu, duplicates %zu, events new %zu, merged %zu, follow-ups %zu "
           "(%zu proposals), not events %zu, errors %zu\n",
           s->read, s->stored, s->duplicates, s->events_new, s->events_merged, s->followups,
           s->proposals, s->non_events, s->errors);
    if (feeds)
        printf("feeds: %zu with news, %zu unchanged, %zu failed\n", s->feeds_polled,
               s->feeds_unchanged, s->feeds_failed);
    printf("%.1f s, %.0f articles/s\n", secs, secs > 0 ? (double)s->read / secs : 0.0);
}

int cmd_ingest(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 't'},
        {"source-type", required_argument, NULL, 's'},
        {"near", required_argument, NULL, 'n'},
        {"feeds", no_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"fetch-concurrency", required_argument, NULL, 'C'},
        {"per-host", required_argument, NULL, 'P'},
        {"host-delay", required_argument, NULL, 'D'},
        {"fetch-timeout", required_argument, NULL, 'T'},
        {"connect-timeout", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ingest_config cfg;
    ingest_config_defaults(&cfg);
    cfg.fetch_concurrency = (unsigned)ctx->cfg.fetch_concurrency;
    cfg.per_host = (unsigned)ctx->cfg.fetch_per_host;
    cfg.host_delay_ms = ctx->cfg.fetch_host_delay_ms;
    cfg.timeout_s = ctx->cfg.fetch_timeout;
    cfg.connect_timeout_s = ctx->cfg.fetch_connect_timeout;
    bool feeds = false, json = false;
    long v;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (str_to_long(optarg, 1, 256, &v) != 0)
                return cli_usage_error("ingest", "--threads must be 1..256, not '%s'", optarg);
            cfg.threads = (unsigned)v;
            break;
        case 's':
            if (!str_eq(optarg, "news") && !str_eq(optarg, "feed") && !str_eq(optarg, "file"))
                return cli_usage_error("ingest", "--source-type must be news, feed or file");
            cfg.source_type = optarg;
            break;
        case 'n':
            if (str_to_long(optarg, 0, 32, &v) != 0)
                return cli_usage_error("ingest", "--near must be 0..32, not '%s'", optarg);
            cfg.near_bits = (int)v;
            break;
        case 'f':
            feeds = true;
            break;
        case 'j':
            json = true;
            break;
        case 'C':
            if (str_to_long(optarg, 1, 256, &v) != 0)
                return cli_usage_error("ingest", "--fetch-concurrency must be 1..256, not '%s'",
                                       optarg);
            cfg.fetch_concurrency = (unsigned)v;
            break;
        case 'P':
            if (str_to_long(optarg, 1, 16, &v) != 0)
                return cli_usage_error("ingest", "--per-host must be 1..16, not '%s'", optarg);
            cfg.per_host = (unsigned)v;
            break;
        case 'D':
            if (str_to_long(optarg, 0, 60000, &v) != 0)
                return cli_usage_error("ingest", "--host-delay must be 0..60000 ms, not '%s'",
                                       optarg);
            cfg.host_delay_ms = v;
            break;
        case 'T':
            if (str_to_long(optarg, 1, 3600, &v) != 0)
                return cli_usage_error("ingest", "--fetch-timeout must be 1..3600 s, not '%s'",
                                       optarg);
            cfg.timeout_s = v;
            break;
        case 'K':
            if (str_to_long(optarg, 1, 600, &v) != 0)
                return cli_usage_error("ingest", "--connect-timeout must be 1..600 s, not '%s'",
                                       optarg);
            cfg.connect_timeout_s = v;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("ingest", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc && !feeds)
        return cli_usage_error("ingest", "give files, URLs, '-' or --feeds");
    if (optind < argc && feeds)
        return cli_usage_error("ingest", "--feeds takes no other inputs");
    cfg.db_path = ctx->cfg.db;
    cfg.progress = isatty(STDERR_FILENO) != 0;

    struct error err = {0};
    struct store *s = NULL;
    struct geo_gazetteer *g = NULL;
    struct text_resources *res = NULL;
    struct detect_model *model = NULL;
    size_t regions = 0;
    int rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc)
        rc = store_region_count(s, 0, &regions, &err);
    if (!rc && regions == 0)
        rc = error_set(&err, WSP_EINVAL,
                       "database '%s' has no regions: run 'waspada --db %s init' first",
                       ctx->cfg.db, ctx->cfg.db);
    store_close(s);
    if (!rc)
        rc = geo_load(&g, &err);
    if (!rc)
        rc = text_resources_load(&res, &err);
    if (!rc)
        rc = detect_model_load(&model, res, g, &err);
    struct ingest_stats st;
    memset(&st, 0, sizeof(st));
    if (!rc)
        rc = ingest_run(&cfg, model, res, (const char *const *)argv + optind,
                        (size_t)(argc - optind), feeds, &st, &err);
    detect_model_free(model);
    text_resources_free(res);
    geo_free(g);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    print_summary(&st, feeds, json);
    return st.errors ? CLI_FAIL : CLI_OK;
}
