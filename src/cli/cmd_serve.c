/* waspada serve: run the HTTP server until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "geo/geo.h"
#include "http/http.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada serve [--listen ADDR:PORT] [--threads N] [--web-dir DIR]\n"
    "                     [--body-max BYTES] [--body-budget BYTES] [--max-conns-per-address N]\n"
    "                     [--login-max-failures N] [--login-window SECONDS] [--node-name NAME]\n"
    "                     [--files-dir DIR]\n"
    "\n"
    "Serve the HTTP API (under /api/v1) and the web UI until SIGINT or SIGTERM. The\n"
    "database must have been created with 'waspada init'. Port 0 picks a free port; the\n"
    "first line on standard output tells the address:\n"
    "    waspada: listening on http://127.0.0.1:8080\n"
    "\n"
    "  --listen ADDR:PORT        default 127.0.0.1:8080 (config 'listen')\n"
    "  --threads N               worker threads (default 4)\n"
    "  --web-dir DIR             web UI files (default: installed or source tree)\n"
    "  --body-max BYTES          largest request body (default 1048576); larger gets 413\n"
    "  --body-budget BYTES       bodies in memory across all requests (default 67108864);\n"
    "                            a request that would go over it, or over its address's\n"
    "                            share (a quarter, at least --body-max), gets 503\n"
    "  --max-conns-per-address N concurrent connections per client address (default 64,\n"
    "                            0 = no cap); more are closed at once\n"
    "  --login-max-failures N    failed logins per user and per address (default 5) ...\n"
    "  --login-window SECONDS    ... within this window (default 900); then 429\n"
    "  --node-name NAME          this server's name in /api/v1/health (default host:port)\n"
    "  --files-dir DIR           evidence files (default <db>.files; ./waspada-files for a\n"
    "                            PostgreSQL database: servers of one database share it)\n"
    "\n"
    "Several servers may share one PostgreSQL database (--db postgresql://...): sessions,\n"
    "reports and events are the database's, and one server at a time leads early warning\n"
    "(writes alerts, delivers webhooks); when it stops, another takes over within seconds.\n";

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"web-dir", required_argument, NULL, 'w'},
        {"body-max", required_argument, NULL, 'b'},
        {"body-budget", required_argument, NULL, 'B'},
        {"max-conns-per-address", required_argument, NULL, 'c'},
        {"login-max-failures", required_argument, NULL, 'f'},
        {"login-window", required_argument, NULL, 'W'},
        {"node-name", required_argument, NULL, 'n'},
        {"files-dir", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *names[128] = {['l'] = "listen",
                                     ['t'] = "threads",
                                     ['w'] = "web_dir",
                                     ['b'] = "body_max",
                                     ['B'] = "body_budget",
                                     ['c'] = "max_conns_per_address",
                                     ['f'] = "login_max_failures",
                                     ['W'] = "login_window",
                                     ['n'] = "node_name",
                                     ['F'] = "files_dir"};
    struct error err = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        if (c <= 0 || c >= 128 || !names[c])
            return cli_usage_error("serve", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        if (config_set(&ctx->cfg, names[c], optarg, &err))
            return cli_usage_error("serve", "%s", err.msg);
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);

    /* Block the signals before any thread starts, so only sigwait() below receives them. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    int64_t t0 = time_mono_ms();
    struct geo_gazetteer *g = NULL;
    struct store *s = NULL;
    struct http_server *srv = NULL;
    size_t regions = 0;
    int rc = auth_init(&err);
    if (!rc)
        rc = cli_store_open(ctx, CLI_KEY_SERVE, false, &s, &err);
    if (!rc)
        rc = store_region_count(s, 0, &regions, &err);
    if (!rc && regions == 0)
        rc = error_set(&err, WSP_EINVAL,
                       "database '%s' has no regions: run 'waspada --db %s init' first",
                       ctx->cfg.db, ctx->cfg.db);
    if (s)
        store_close(s);
    if (!rc)
        rc = geo_load(&g, &err);

    struct http_config hc;
    http_config_defaults(&hc);
    hc.db_path = ctx->cfg.db;
    hc.listen = ctx->cfg.listen;
    hc.web_dir = cli_find_web_dir(ctx);
    hc.threads = (unsigned)ctx->cfg.threads;
    hc.body_max = (size_t)ctx->cfg.body_max;
    hc.body_budget = (size_t)ctx->cfg.body_budget;
    hc.max_conns_per_address = (unsigned)ctx->cfg.max_conns_per_address;
    hc.session_ttl_s = (unsigned)ctx->cfg.session_ttl;
    hc.cookie_secure = ctx->cfg.cookie_secure;
    hc.login_max_failures = (unsigned)ctx->cfg.login_max_failures;
    hc.login_window_s = (unsigned)ctx->cfg.login_window;
    hc.access_log = ctx->cfg.access_log;
    hc.write_limit_user = (unsigned)ctx->cfg.write_limit_user;
    hc.write_limit_address = (unsigned)ctx->cfg.write_limit_address;
    hc.report_limit_user = (unsigned)ctx->cfg.report_limit_user;
    hc.report_limit_address = (unsigned)ctx->cfg.report_limit_address;
    hc.escalate_province_after = ctx->cfg.escalate_province_after;
    hc.escalate_national_after = ctx->cfg.escalate_national_after;
    hc.lead_min_confidence = ctx->cfg.lead_min_confidence;
    hc.metrics_token = ctx->cfg.metrics_token;
    hc.node_name = ctx->cfg.node_name && *ctx->cfg.node_name ? ctx->cfg.node_name : NULL;
    hc.files_dir = ctx->cfg.files_dir && *ctx->cfg.files_dir ? ctx->cfg.files_dir : NULL;
    if (!rc)
        rc = http_server_start(&srv, &hc, g, &err);
    if (rc) {
        geo_free(g);
        return cli_error(rc, "%s", err.msg);
    }

    char host[256];
    str_copy(host, ctx->cfg.listen, sizeof(host));
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    printf("waspada: listening on http://%s:%u\n", host, http_server_port(srv));
    fflush(stdout);
    LOG_I("serve", "ready in %lld ms (db %s, %u threads, web %s)", (long long)(time_mono_ms() - t0),
          ctx->cfg.db, hc.threads, hc.web_dir ? hc.web_dir : "(none)");

    int sig = 0;
    sigwait(&sigs, &sig);
    LOG_I("serve", "received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_server_stop(srv);
    geo_free(g);
    LOG_I("serve", "stopped");
    return CLI_OK;
}
