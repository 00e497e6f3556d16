/*
 * `waspada import events` (issue 12): N generated events (BENCH_IMPORT_N, default 1,000,000;
 * ten years over the real regencies, some districts and provinces, a third unverified, one in
 * ten with a source link, fixed seed) imported by the real binary into a new database, then
 * the same file again (every line unchanged). The file is generated once into build/bench/ and
 * reused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "bench.h"
#include "geo/geo.h"
#include "warn/warn.h"

#define IMPORT_DIR "build/bench"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static int write_events(const char *path, long n, const struct geo_gazetteer *g)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(tmp);
        return -1;
    }
    size_t nreg = geo_count(g, GEO_REGENCY), ndist = geo_count(g, GEO_DISTRICT),
           nprov = geo_count(g, GEO_PROVINCE);
    int32_t d0;
    warn_day_parse("2015-01-01", &d0);
    for (long id = 1; id <= n; id++) {
        uint32_t k = rnd() % 100;
        const struct geo_region *r = k < 85   ? geo_at(g, GEO_REGENCY, rnd() % nreg)
                                     : k < 95 ? geo_at(g, GEO_DISTRICT, rnd() % ndist)
                                              : geo_at(g, GEO_PROVINCE, rnd() % nprov);
        char date[16];
        warn_day_format(d0 + (int32_t)(rnd() % 3653), date, sizeof(date));
        long killed = rnd() % 8 == 0 ? (long)(1 + rnd() % 4) : 0;
        long injured = rnd() % 3 == 0 ? (long)(rnd() % 10) : 0;
        fprintf(f,
                "{\"id\": %ld, \"region_code\": \"%s\", \"date\": \"%s\", \"category\": \"%s\", "
                "\"killed\": %ld, \"injured\": %ld, \"verified\": %s",
                id, r->code, date, warn_category_names[rnd() % WARN_NCATEGORIES], killed, injured,
                rnd() % 3 ? "true" : "false");
        if (rnd() % 10 == 0)
            fprintf(f, ", \"source_url\": \"https://data.example.org/events/%ld\"", id);
        fputs("}\n", f);
    }
    int rc = fclose(f) == 0 ? rename(tmp, path) : -1;
    free(tmp);
    return rc;
}

void bench_import(const char *bin, const struct geo_gazetteer *g)
{
    long n = 1000000;
    const char *env = getenv("BENCH_IMPORT_N");
    if (env && str_to_long(env, 1, 100000000, &n) != 0)
        n = 1000000;
    mkdir(IMPORT_DIR, 0755);
    char *file = xasprintf("%s/import-events-%ld.jsonl", IMPORT_DIR, n);
    char *db = xasprintf("%s/import-bench.db", IMPORT_DIR);
    struct stat st;
    if (stat(file, &st) != 0 && (write_events(file, n, g) != 0 || stat(file, &st) != 0)) {
        printf("  cannot write %s, skipping\n", file);
        goto out;
    }
    char *rm = xasprintf("rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
    int rmrc = system(rm);
    free(rm);
    double secs, rss;
    char *init[] = {(char *)bin, "--log-level", "warn", "--db", db, "init", NULL};
    if (rmrc != 0 || bench_run(init, &secs, &rss) != 0) {
        printf("  cannot create %s, skipping\n", db);
        goto out;
    }
    char *imp[] = {(char *)bin, "--log-level", "warn",  "--db", db,  "import",
                   "events",    "--source",    "bench", file,   NULL};
    static const char *const passes[] = {"new database", "again (unchanged)"};
    for (size_t i = 0; i < 2; i++) {
        int rc = bench_run(imp, &secs, &rss);
        if (rc != 0) {
            printf("  import events: exit %d\n", rc);
            break;
        }
        printf("  import %ld events, %-17s %9.0f events/s  %6.2f s  %.0f MB  peak RSS %.0f MiB\n",
               n, passes[i], (double)n / secs, secs, (double)st.st_size / 1e6, rss);
    }
out:
    free(file);
    free(db);
}
