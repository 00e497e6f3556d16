/* waspada init [--demo]: create or upgrade the database, load regions, add demo content. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "detect/detect.h"
#include "geo/geo.h"
#include "ingest/ingest.h"
#include "plan/plan.h"
#include "store/store.h"
#include "text/text.h"

static const char usage_text[] =
    "usage: waspada init [--demo | --demo-accounts]\n"
    "\n"
    "Create the database (or upgrade it to this version's schema) and load the official\n"
    "Kemendagri region codes: 38 provinces, 514 regencies/cities, districts and villages.\n"
    "Safe to run again: nothing already there is changed.\n"
    "\n"
    "  --demo           also add the demo accounts (one per role, password 'waspada-demo')\n"
    "                   and the demo content used by 'make demo': action plans, reports,\n"
    "                   cases, and invented news articles run through ingest (the\n"
    "                   events of some verified, so the public portal has figures).\n"
    "  --demo-accounts  only the demo accounts (for tests and trying the API on an\n"
    "                   otherwise empty database).\n"
    "Never use either on a real deployment.\n";

#define DEMO_PASSWORD "waspada-demo"

/* Demo accounts, one per role. Written by us; the names are invented. */
static const struct {
    const char *username, *role, *region, *full_name;
} demo_users[] = {
    {"admin", "admin", "", "Admin Sistem"},
    {"pusat", "pusat", "", "Desk Nasional Ditjen Polpum"},
    {"jabar", "provinsi", "32", "Operator Kesbangpol Jawa Barat"},
    {"bandung", "kabkota", "32.73", "Operator Kesbangpol Kota Bandung"},
    {"pelapor", "pelapor", "32.73", "Relawan FKDM Kota Bandung"},
};

static int load_regions(struct store *s, const struct geo_gazetteer *g, size_t *inserted,
                        size_t counts[5], struct error *err)
{
    size_t total = geo_count(g, 0), n = 0;
    struct store_region *rows = xcalloc(total, sizeof(*rows));
    for (int level = GEO_PROVINCE; level <= GEO_VILLAGE; level++) {
        counts[level] = geo_count(g, (enum geo_level)level);
        for (size_t i = 0; i < counts[level]; i++) {
            const struct geo_region *r = geo_at(g, (enum geo_level)level, i);
            rows[n].code = r->code;
            rows[n].parent_code = r->parent ? r->parent->code : NULL;
            rows[n].level = level;
            rows[n].name = r->name;
            n++;
        }
    }
    int rc = store_regions_sync(s, rows, n, inserted, err);
    free(rows);
    return rc;
}

/* The demo articles (data/demo/articles.jsonl, written by us) go through the real ingest
 * pipeline, so the demo has events, merged duplicates and rejected hard negatives. Ingest is
 * idempotent: a second run finds only duplicates. */
static int ingest_demo_articles(const char *db, const struct geo_gazetteer *g,
                                struct ingest_stats *stats, struct error *err)
{
    struct data_blob blob;
    struct text_resources *res = NULL;
    struct detect_model *model = NULL;
    char path[] = "/tmp/waspada-demo-XXXXXX";
    int fd = -1;
    int rc = data_read("demo/articles.jsonl", &blob, err);
    if (rc)
        return rc;
    fd = mkstemp(path);
    if (fd < 0 || write(fd, blob.data, blob.len) != (ssize_t)blob.len) {
        rc = error_set(err, WSP_EIO, "cannot write a temporary file for the demo articles");
        goto out;
    }
    if ((rc = text_resources_load(&res, err)) || (rc = detect_model_load(&model, res, g, err)))
        goto out;
    struct ingest_config cfg;
    ingest_config_defaults(&cfg);
    cfg.db_path = db;
    cfg.source_type = "news";
    const char *inputs[] = {path};
    rc = ingest_run(&cfg, model, res, inputs, 1, false, stats, err);
out:
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    detect_model_free(model);
    text_resources_free(res);
    data_blob_free(&blob);
    return rc;
}

static int add_demo_users(struct store *s, size_t *added, struct error *err)
{
    const struct store_actor actor = {0, "cli", NULL};
    *added = 0;
    for (size_t i = 0; i < WSP_ARRAY_LEN(demo_users); i++) {
        struct store_user u = {0};
        if (store_user_get_by_name(s, demo_users[i].username, &u, NULL) == 0)
            continue;
        str_copy(u.username, demo_users[i].username, sizeof(u.username));
        str_copy(u.role, demo_users[i].role, sizeof(u.role));
        str_copy(u.region, demo_users[i].region, sizeof(u.region));
        str_copy(u.full_name, demo_users[i].full_name, sizeof(u.full_name));
        char hash[AUTH_HASH_MAX];
        int rc = auth_password_hash(DEMO_PASSWORD, hash, sizeof(hash), err);
        int64_t id;
        if (!rc)
            rc = store_user_add(s, &u, hash, &actor, &id, err);
        if (rc)
            return rc;
        (*added)++;
    }
    return 0;
}

int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"demo", no_argument, NULL, 'd'},
                                         {"demo-accounts", no_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool demo = false, accounts_only = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            demo = true;
            break;
        case 'a':
            accounts_only = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    if (demo && accounts_only)
        return cli_usage_error("init", "--demo already includes --demo-accounts");
    bool accounts = demo || accounts_only;

    struct error err = {0};
    struct store *s = NULL;
    struct geo_gazetteer *g = NULL;
    struct ingest_stats stats = {0};
    size_t inserted = 0, counts[5] = {0}, added = 0;
    int version = 0;
    int64_t t0 = time_mono_ms();
    int rc = auth_init(&err);
    if (!rc)
        rc = cli_store_open(ctx, CLI_KEY_CREATE, true, &s, &err);
    if (!rc)
        rc = store_schema_version(s, &version, &err);
    if (!rc)
        rc = geo_load(&g, &err);
    if (!rc)
        rc = load_regions(s, g, &inserted, counts, &err);
    if (!rc && accounts)
        rc = add_demo_users(s, &added, &err);
    if (!rc && demo)
        rc = plan_demo_seed(s, &err); /* plans, reports, cases; idempotent */
    if (s)
        store_close(s);
    if (!rc && demo)
        rc = ingest_demo_articles(ctx->cfg.db, g, &stats, &err);
    if (!rc && demo) /* some demo events verified: /publik has figures */
        rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc && demo) {
        rc = plan_demo_verify(s, &err);
        store_close(s);
    }
    geo_free(g);
    if (rc)
        return cli_error(rc, "%s", err.msg);

    printf("database %s: schema version %d\n", ctx->cfg.db, version);
    printf("regions: %zu provinces, %zu regencies/cities, %zu districts, %zu villages "
           "(%zu new)\n",
           counts[GEO_PROVINCE], counts[GEO_REGENCY], counts[GEO_DISTRICT], counts[GEO_VILLAGE],
           inserted);
    if (accounts) {
        printf("demo accounts (%zu new), password '%s':\n", added, DEMO_PASSWORD);
        for (size_t i = 0; i < WSP_ARRAY_LEN(demo_users); i++)
            printf("  %-8s %-9s %s\n", demo_users[i].username, demo_users[i].role,
                   *demo_users[i].region ? demo_users[i].region : "(national)");
    }
    if (demo) {
        printf("demo articles: %zu read, %zu new, %zu duplicates, %zu events (%zu merged into "
               "another outlet's), %zu not events\n",
               stats.read, stats.stored, stats.duplicates, stats.events_new, stats.events_merged,
               stats.non_events);
    }
    printf("done in %lld ms\n", (long long)(time_mono_ms() - t0));
    return CLI_OK;
}
