/* waspada init [--demo]: create or upgrade the database, load regions, add demo content. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "geo/geo.h"
#include "plan/plan.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada init [--demo]\n"
    "\n"
    "Create the database (or upgrade it to this version's schema) and load the official\n"
    "Kemendagri region codes: 38 provinces, 514 regencies/cities, districts and villages.\n"
    "Safe to run again: nothing already there is changed.\n"
    "\n"
    "  --demo   also add the demo accounts (one per role, password 'waspada-demo') and\n"
    "           demo content used by 'make demo'. Never use on a real deployment.\n";

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

static int load_regions(struct store *s, size_t *inserted, size_t counts[5], struct error *err)
{
    struct geo_gazetteer *g = NULL;
    int rc = geo_load(&g, err);
    if (rc)
        return rc;
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
    rc = store_regions_sync(s, rows, n, inserted, err);
    free(rows);
    geo_free(g);
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
    static const struct option opts[] = {
        {"demo", no_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool demo = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            demo = true;
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

    struct error err = {0};
    struct store *s = NULL;
    size_t inserted = 0, counts[5] = {0}, added = 0;
    int version = 0;
    int64_t t0 = time_mono_ms();
    int rc = auth_init(&err);
    if (!rc)
        rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc)
        rc = store_schema_version(s, &version, &err);
    if (!rc)
        rc = load_regions(s, &inserted, counts, &err);
    if (!rc && demo)
        rc = add_demo_users(s, &added, &err);
    if (!rc && demo)
        rc = plan_demo_seed(s, &err); /* plans, reports, cases; idempotent */
    if (s)
        store_close(s);
    if (rc)
        return cli_error(rc, "%s", err.msg);

    printf("database %s: schema version %d\n", ctx->cfg.db, version);
    printf("regions: %zu provinces, %zu regencies/cities, %zu districts, %zu villages "
           "(%zu new)\n",
           counts[GEO_PROVINCE], counts[GEO_REGENCY], counts[GEO_DISTRICT], counts[GEO_VILLAGE],
           inserted);
    if (demo) {
        printf("demo accounts (%zu new), password '%s':\n", added, DEMO_PASSWORD);
        for (size_t i = 0; i < WSP_ARRAY_LEN(demo_users); i++)
            printf("  %-8s %-9s %s\n", demo_users[i].username, demo_users[i].role,
                   *demo_users[i].region ? demo_users[i].region : "(national)");
    }
    printf("done in %lld ms\n", (long long)(time_mono_ms() - t0));
    return CLI_OK;
}
