/*
 * Table-driven configuration (after redis's config.c): one row per setting. The example file
 * waspada.conf.example documents every row; keep them in step.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "cli/cli.h"

enum cfg_type { CFG_STRING, CFG_LONG, CFG_BOOL, CFG_DOUBLE };

struct cfg_row {
    const char *name;
    enum cfg_type type;
    size_t offset;
    long min, max; /* inclusive bounds of CFG_LONG and CFG_DOUBLE */
    const char *def;
    const char *help;
};

#define ROW_S(n, d, h)                                                                             \
    {                                                                                              \
#n, CFG_STRING, offsetof(struct cli_config, n), 0, 0, d, h                                 \
    }
#define ROW_L(n, lo, hi, d, h)                                                                     \
    {                                                                                              \
#n, CFG_LONG, offsetof(struct cli_config, n), lo, hi, d, h                                 \
    }
#define ROW_D(n, lo, hi, d, h)                                                                     \
    {                                                                                              \
#n, CFG_DOUBLE, offsetof(struct cli_config, n), lo, hi, d, h                               \
    }
#define ROW_B(n, d, h)                                                                             \
    {                                                                                              \
#n, CFG_BOOL, offsetof(struct cli_config, n), 0, 1, d, h                                   \
    }

static const struct cfg_row rows[] = {
    ROW_S(db, "waspada.db", "SQLite database file, or a postgresql:// URL"),
    ROW_S(key_file, "",
          "key file sealing personal fields; empty = <db>.key beside a SQLite file, none for "
          "PostgreSQL (then required once the database is sealed)"),
    ROW_S(data_dir, "", "reference data directory; empty = the copy built into the binary"),
    ROW_S(web_dir, "", "web UI files; empty = installed share dir or source tree"),
    ROW_S(listen, "127.0.0.1:8080", "address:port the server listens on"),
    ROW_S(log_level, "info", "debug, info, warn, error or off"),
    ROW_S(node_name, "", "this server's name in /api/v1/health; empty = host name and port"),
    ROW_S(files_dir, "",
          "evidence files (shared by all servers of one database); empty = <db>.files beside a "
          "SQLite file, ./waspada-files for PostgreSQL"),
    ROW_S(metrics_token, "",
          "GET /metrics for whoever presents it as a Bearer token; empty = this machine only"),
    ROW_L(threads, 1, 256, "4", "HTTP worker threads"),
    ROW_L(body_max, 1024, 1L << 30, "1048576", "largest accepted request body, bytes"),
    ROW_L(body_budget, 1024, 1L << 34, "67108864",
          "request bodies held in memory by all requests at once, bytes; beyond it 503"),
    ROW_L(max_conns_per_address, 0, 65535, "64",
          "concurrent connections per client address; 0 = no cap"),
    ROW_L(session_ttl, 60, 30L * 86400, "28800", "session lifetime, seconds"),
    ROW_L(login_max_failures, 1, 64, "5",
          "failed logins per user and address before growing waits (x4 per address)"),
    ROW_L(login_window, 1, 86400, "900",
          "failed logins are forgotten after this quiet time; the longest wait, seconds"),
    ROW_B(cookie_secure, "false", "add Secure to the session cookie (serve behind TLS)"),
    ROW_B(access_log, "true", "one log line per HTTP request"),
    ROW_L(write_limit_user, 0, 1000000, "300",
          "changes (POST/PUT/PATCH/DELETE) per minute per user, as a burst; 0 = no limit"),
    ROW_L(write_limit_address, 0, 1000000, "600",
          "changes per minute per client address, as a burst; 0 = no limit"),
    ROW_L(report_limit_user, 0, 1000000, "20",
          "community reports per hour per reporter, as a burst; 0 = no limit"),
    ROW_L(report_limit_address, 0, 1000000, "60",
          "community reports per hour per client address, as a burst; 0 = no limit"),
    ROW_L(escalate_province_after, 0, 30L * 86400, "3600",
          "unacknowledged alert to the province desk after, seconds; 0 = never"),
    ROW_L(escalate_national_after, 0, 30L * 86400, "14400",
          "unacknowledged alert to the national desk after, seconds; 0 = never"),
    ROW_D(lead_min_confidence, 0, 1, "0.5",
          "unverified leads below this confidence do not count for warnings and are shown "
          "only on request"),
    ROW_L(fetch_concurrency, 1, 256, "16", "ingest: page and feed transfers at once, all sites"),
    ROW_L(fetch_per_host, 1, 16, "2", "ingest: transfers at once to one site"),
    ROW_L(fetch_host_delay_ms, 0, 60000, "250",
          "ingest: between the starts of two requests to one site, ms (a longer robots.txt "
          "Crawl-delay wins)"),
    ROW_L(fetch_timeout, 1, 3600, "20", "ingest: whole transfer, seconds"),
    ROW_L(fetch_connect_timeout, 1, 600, "10", "ingest: connecting, seconds"),
};

enum origin { ORIGIN_DEFAULT, ORIGIN_FILE, ORIGIN_ENV, ORIGIN_FLAG };
static const char *origin_names[] = {"default", "file", "env", "flag"};
static enum origin origins[WSP_ARRAY_LEN(rows)];
static enum origin current_origin;

static const struct cfg_row *find_row(const char *name)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"1", "true", "yes", "on", "ya"};
    static const char *no[] = {"0", "false", "no", "off", "tidak"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, 0;
    }
    return WSP_EINVAL;
}

int config_set(struct cli_config *cfg, const char *name, const char *value, struct error *err)
{
    const struct cfg_row *r = find_row(name);
    if (!r)
        return error_set(err, WSP_EINVAL, "unknown setting '%s'", name);
    void *field = (char *)cfg + r->offset;
    switch (r->type) {
    case CFG_STRING: {
        char **s = field;
        free(*s);
        *s = xstrdup(value);
        break;
    }
    case CFG_LONG: {
        long v;
        if (str_to_long(value, r->min, r->max, &v) != 0)
            return error_set(err, WSP_EINVAL, "setting '%s': '%s' is not a number in %ld..%ld",
                             name, value, r->min, r->max);
        *(long *)field = v;
        break;
    }
    case CFG_DOUBLE: {
        /* strtod reads the C locale (the program never calls setlocale): "0.5", not "0,5". */
        char *end = NULL;
        double v = strtod(value, &end);
        if (!*value || isspace((unsigned char)*value) || !end || *end || !isfinite(v) ||
            v < (double)r->min || v > (double)r->max)
            return error_set(err, WSP_EINVAL, "setting '%s': '%s' is not a number in %ld..%ld",
                             name, value, r->min, r->max);
        *(double *)field = v;
        break;
    }
    case CFG_BOOL:
        if (parse_bool(value, field) != 0)
            return error_set(err, WSP_EINVAL, "setting '%s': '%s' is not true or false", name,
                             value);
        break;
    }
    origins[r - rows] = current_origin;
    if (strcmp(name, "log_level") == 0) {
        int lvl = log_parse_level(value);
        if (lvl < 0)
            return error_set(err, WSP_EINVAL, "setting 'log_level': unknown level '%s'", value);
        log_set_level((enum log_level)lvl);
    }
    return 0;
}

struct ini_ctx {
    struct cli_config *cfg;
    struct error *err;
    const char *file;
    int rc;
};

/* Debian's libinih is built without line numbers for handlers, so semantic errors name the
 * file and the setting; syntax errors (from ini_parse's return value) name the line. */
static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *c = user;
    struct error e = {0};
    if (c->rc) /* keep the first error */
        return 0;
    /* Settings live in the unnamed section or [waspada]; other sections are for later. */
    if (*section && strcmp(section, "waspada") != 0) {
        c->rc = error_set(c->err, WSP_EINVAL, "%s: unknown section '%s'", c->file, section);
        return 0;
    }
    if (config_set(c->cfg, name, value, &e) != 0) {
        c->rc = error_set(c->err, WSP_EINVAL, "%s: %s", c->file, e.msg);
        return 0;
    }
    return 1;
}

int config_load(struct cli_config *cfg, const char *explicit_file, struct error *err)
{
    memset(cfg, 0, sizeof(*cfg));
    current_origin = ORIGIN_DEFAULT;
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        int rc = config_set(cfg, rows[i].name, rows[i].def, err);
        if (rc)
            return rc;
    }

    const char *file = explicit_file;
    if (!file)
        file = getenv("WASPADA_CONFIG");
    if (!file && access("waspada.conf", R_OK) == 0)
        file = "waspada.conf";
    if (file) {
        current_origin = ORIGIN_FILE;
        struct ini_ctx c = {cfg, err, file, 0};
        int rc = ini_parse(file, on_ini_value, &c);
        if (rc == -1)
            return error_set(err, WSP_EIO, "cannot read config file '%s'", file);
        if (c.rc)
            return c.rc;
        if (rc > 0)
            return error_set(err, WSP_EINVAL, "%s line %d: syntax error", file, rc);
        cfg->config_file = xstrdup(file);
    }

    current_origin = ORIGIN_ENV;
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        char env[64] = "WASPADA_";
        size_t n = strlen(env);
        for (const char *p = rows[i].name; *p && n + 1 < sizeof(env); p++)
            env[n++] = (char)toupper((unsigned char)*p);
        env[n] = '\0';
        const char *v = getenv(env);
        if (v) {
            struct error e = {0};
            if (config_set(cfg, rows[i].name, v, &e) != 0)
                return error_set(err, WSP_EINVAL, "environment %s: %s", env, e.msg);
        }
    }
    current_origin = ORIGIN_FLAG;
    return 0;
}

void config_release(struct cli_config *cfg)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        if (rows[i].type == CFG_STRING) {
            char **s = (char **)((char *)cfg + rows[i].offset);
            free(*s);
            *s = NULL;
        }
    }
    free(cfg->config_file);
    cfg->config_file = NULL;
}

void config_dump(const struct cli_config *cfg)
{
    printf("# config file: %s\n", cfg->config_file ? cfg->config_file : "(none)");
    for (size_t i = 0; i < WSP_ARRAY_LEN(rows); i++) {
        const void *field = (const char *)cfg + rows[i].offset;
        switch (rows[i].type) {
        case CFG_STRING:
            printf("%-20s = %-24s", rows[i].name, *(char *const *)field);
            break;
        case CFG_LONG:
            printf("%-20s = %-24ld", rows[i].name, *(const long *)field);
            break;
        case CFG_BOOL:
            printf("%-20s = %-24s", rows[i].name, *(const bool *)field ? "true" : "false");
            break;
        case CFG_DOUBLE:
            printf("%-20s = %-24g", rows[i].name, *(const double *)field);
            break;
        }
        printf(" # %s; %s\n", origin_names[origins[i]], rows[i].help);
    }
}
