/*
 * make bench: measure what the closing notes of issues report. Not a test: it prints numbers
 * and never fails on them. Each benchmark reports median and p99 over repeated runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "auth/auth.h"
#include "geo/geo.h"
#include "store/store.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *samples, size_t n, const char *unit, double scale)
{
    qsort(samples, n, sizeof(*samples), cmp_double);
    printf("  %-44s median %9.3f %s   p99 %9.3f %s   (n=%zu)\n", name, samples[n / 2] / scale, unit,
           samples[(n * 99) / 100] / scale, unit, n);
}

static void bench_geo(struct geo_gazetteer **out)
{
    double t[5];
    struct error err = {0};
    for (int i = 0; i < 5; i++) {
        struct geo_gazetteer *g = NULL;
        double t0 = now_us();
        if (geo_load(&g, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            exit(1);
        }
        t[i] = now_us() - t0;
        if (i < 4)
            geo_free(g);
        else
            *out = g;
    }
    report("geo_load (91,599 regions)", t, 5, "ms", 1000);

    static const char *queries[] = {"bandung", "Kab. Bandung", "jabar", "kota surabaya", "poso",
                                    "ambon",   "sukamaju",     "x",     "tanah abang",   "DIY"};
    const struct geo_region *res[20];
    enum { N = 2000 };
    static double s[N];
    for (size_t i = 0; i < N; i++) {
        struct geo_query q = {.q = queries[i % WSP_ARRAY_LEN(queries)], .limit = 20};
        double t0 = now_us();
        geo_find(*out, &q, res, 20);
        s[i] = now_us() - t0;
    }
    report("geo_find (mixed queries, limit 20)", s, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        struct geo_query q = {.q = "bandung", .limit = 20};
        double t0 = now_us();
        geo_find(*out, &q, res, 20);
        s[i] = now_us() - t0;
    }
    report("geo_find \"bandung\"", s, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        double t0 = now_us();
        geo_get(*out, "32.73.01.1001");
        s[i] = now_us() - t0;
    }
    report("geo_get village code", s, N, "us", 1);
}

static void bench_store(struct geo_gazetteer *g)
{
    char dir[] = "/tmp/wsp-bench-XXXXXX";
    if (!mkdtemp(dir))
        return;
    char *path = xasprintf("%s/bench.db", dir);
    struct error err = {0};
    struct store *s = NULL;
    if (store_open(&s, path, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    size_t n = geo_count(g, 0), k = 0;
    struct store_region *rows = xcalloc(n, sizeof(*rows));
    for (int level = GEO_PROVINCE; level <= GEO_VILLAGE; level++)
        for (size_t i = 0; i < geo_count(g, (enum geo_level)level); i++, k++) {
            const struct geo_region *r = geo_at(g, (enum geo_level)level, i);
            rows[k] =
                (struct store_region){r->code, r->parent ? r->parent->code : NULL, level, r->name};
        }
    double t0 = now_us();
    size_t inserted = 0;
    store_regions_sync(s, rows, n, &inserted, &err);
    double sync_t = now_us() - t0;
    report("store_regions_sync (all regions, one tx)", &sync_t, 1, "ms", 1000);
    free(rows);

    auth_set_cost(AUTH_COST_MIN);
    char hash[AUTH_HASH_MAX];
    auth_password_hash("bench-password", hash, sizeof(hash), &err);
    struct store_user u = {0};
    str_copy(u.username, "bench", sizeof(u.username));
    str_copy(u.role, "provinsi", sizeof(u.role));
    str_copy(u.region, "32", sizeof(u.region));
    struct store_actor actor = {0, "bench", NULL};
    int64_t id = 0;
    store_user_add(s, &u, hash, &actor, &id, &err);
    char token[AUTH_TOKEN_HEX], th[AUTH_TOKEN_HEX];
    auth_token_new(token);
    auth_token_hash(token, th);
    store_session_create(s, th, id, time_now() + 3600, "127.0.0.1", &err);

    enum { N = 5000 };
    static double t[N];
    for (size_t i = 0; i < N; i++) {
        struct store_session sess;
        struct store_user out;
        double t1 = now_us();
        store_session_get(s, th, time_now(), &sess, &out, &err);
        t[i] = now_us() - t1;
    }
    report("store_session_get (per request)", t, N, "us", 1);
    for (size_t i = 0; i < N; i++) {
        struct store_user out;
        double t1 = now_us();
        store_user_get_auth(s, "bench", &out, &err);
        t[i] = now_us() - t1;
    }
    report("store_user_get_auth", t, N, "us", 1);
    for (size_t i = 0; i < 500; i++) {
        double t1 = now_us();
        store_audit_add(s, &actor, "bench.write", "bench", "1", NULL, "{\"n\":1}", &err);
        t[i] = now_us() - t1;
    }
    report("store_audit_add (own transaction)", t, 500, "us", 1);
    store_close(s);

    auth_set_cost(AUTH_COST_INTERACTIVE);
    double h[5];
    for (int i = 0; i < 5; i++) {
        double t1 = now_us();
        auth_password_hash("bench-password", hash, sizeof(hash), &err);
        h[i] = now_us() - t1;
    }
    report("argon2id hash (interactive cost)", h, 5, "ms", 1000);

    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: cannot remove %s\n", dir);
    free(cmd);
    free(path);
}

int main(int argc, char **argv)
{
    struct error err = {0};
    log_set_level(LOG_WARN);
    if (auth_init(&err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    printf("waspada %s benchmarks\n", WSP_VERSION);
    struct geo_gazetteer *g = NULL;
    bench_geo(&g);
    bench_store(g);
    bench_warn();
    if (argc > 1) {
        printf("import events (binary %s)\n", argv[1]);
        bench_import(argv[1], g);
        printf("pipeline (binary %s)\n", argv[1]);
        bench_pipeline(argv[1]);
    }
    geo_free(g);
    return 0;
}
