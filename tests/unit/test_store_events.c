/* store, schema v3: articles (dedup, full text), events (near duplicates, merging, filters,
 * verification workflow), reports and feeds, against real databases on either engine
 * (testdb.h: files in a temp dir, or fresh PostgreSQL databases). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "store/db.h"
#include "store/store.h"
#include "../support/testdb.h"

#define T0 1800000000 /* frozen clock */

struct fixture {
    char dir[64];
    char *path; /* the database: a file in dir or a PostgreSQL URL */
    struct store *s;
    struct arena a;
};

static const struct store_actor cli = {0, "cli", NULL};

static const struct store_region regions[] = {
    {"32", NULL, 1, "Jawa Barat"},        {"32.73", "32", 2, "Kota Bandung"},
    {"32.73.01", "32.73", 3, "Sukasari"}, {"32.04", "32", 2, "Kabupaten Bandung"},
    {"33", NULL, 1, "Jawa Tengah"},       {"33.74", "33", 2, "Kota Semarang"},
    {"31", NULL, 1, "DKI Jakarta"},
};

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int64_t add_user(struct store *s, const char *name, const char *role, const char *region)
{
    struct store_user u;
    memset(&u, 0, sizeof(u));
    str_copy(u.username, name, sizeof(u.username));
    str_copy(u.role, role, sizeof(u.role));
    str_copy(u.region, region, sizeof(u.region));
    snprintf(u.full_name, sizeof(u.full_name), "Nama %s", name);
    struct error err = {0};
    int64_t id = 0;
    if (store_user_add(s, &u, "$argon2id$hash", &cli, &id, &err) != 0)
        fail_msg("add user '%s': %s", name, err.msg);
    return id;
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    str_copy(f->dir, "/tmp/wsp-events-XXXXXX", sizeof(f->dir));
    if (!mkdtemp(f->dir))
        return -1;
    f->path = testdb_new(f->dir, "w.db");
    time_set_override(T0);
    struct error err = {0};
    if (store_open(&f->s, f->path, &err) != 0 ||
        store_regions_sync(f->s, regions, WSP_ARRAY_LEN(regions), NULL, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    arena_release(&f->a);
    remove_dir(f->dir);
    free(f->path);
    free(f);
    time_set_override(0);
    return 0;
}

static int64_t raw_int(const char *path, const char *sql)
{
    return testdb_int(path, sql);
}

/* How many of the tables, views or virtual tables (what) named in the SQL list names exist:
 * "'events', 'feeds'". */
static int64_t schema_count(const char *path, const char *what, const char *names)
{
    char sql[512];
    if (str_eq(what, "index"))
        snprintf(sql, sizeof(sql),
                 testdb_sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                            " AND name IN (%s)",
                            "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()"
                            " AND indexname IN (%s)"),
                 names);
    else
        snprintf(sql, sizeof(sql),
                 testdb_sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                            " AND name IN (%s)",
                            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"
                            " AND tablename IN (%s)"),
                 names);
    return testdb_int(path, sql);
}

/* Articles the full-text index finds for "bentrok", on either engine. */
#define FTS_BENTROK                                                                                \
    testdb_sql("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'bentrok'",             \
               "SELECT COUNT(*) FROM articles WHERE fts @@ to_tsquery('simple', 'bentrok')")

static size_t audit_count(struct store *s, const char *action)
{
    struct arena a;
    arena_init(&a, 0);
    struct store_audit_query q = {.action = action};
    struct store_audit *rows;
    size_t n, total;
    assert_int_equal(store_audit_list(s, &q, &a, &rows, &n, &total, NULL), 0);
    arena_release(&a);
    return total;
}

static int64_t put_article(struct store *s, const char *url, const char *title, const char *body,
                           bool *existed)
{
    struct store_article a = {.source_type = "news",
                              .url = url,
                              .canonical_url = url,
                              .title = title,
                              .body = body,
                              .published = "2021-02-23"};
    struct error err = {0};
    int64_t id = 0;
    if (store_article_put(s, &a, &cli, &id, existed, &err) != 0)
        fail_msg("put article: %s", err.msg);
    assert_true(id > 0);
    return id;
}

static struct store_event event(const char *cat, const char *prov, const char *reg,
                                const char *date, double conf, uint64_t simhash)
{
    struct store_event e;
    memset(&e, 0, sizeof(e));
    e.category = cat;
    e.province_code = prov;
    e.regency_code = reg;
    e.event_date = date;
    e.killed = -1;
    e.injured = -1;
    e.confidence = conf;
    e.simhash = simhash;
    e.has_simhash = true;
    e.evidence_json = "[{\"span\":\"bentrok\",\"why\":\"conflict verb\"}]";
    e.detail_json = "{\"form\":\"bentrok\"}";
    return e;
}

static int64_t create_event(struct store *s, const struct store_event *e, int64_t article)
{
    struct error err = {0};
    int64_t id = 0;
    if (store_event_create(s, e, article, &cli, &id, &err) != 0)
        fail_msg("create event: %s", err.msg);
    return id;
}

/* ---- migration ---------------------------------------------------------------------------- */

static void test_migrate_v2_to_v3(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "old.db");
    struct error err = {0};
    struct store *s;
    int v = 0;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 2, &err), 0);
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), NULL, &err), 0);
    int64_t uid = add_user(s, "budi", "provinsi", "32");
    store_close(s);
    assert_int_equal(schema_count(p, "table", "'events'"), 0);

    assert_int_equal(store_open(&s, p, &err), 0);
    assert_int_equal(store_schema_version(s, &v, &err), 0);
    assert_int_equal(v, store_schema_latest());
    assert_true(store_schema_latest() >= 3);
    assert_int_equal(
        schema_count(p, "table", "'articles', 'events', 'event_sources', 'reports', 'feeds'"), 5);
    /* full text: FTS5's table on SQLite, articles.fts on PostgreSQL */
    assert_int_equal(raw_int(p, testdb_sql("SELECT COUNT(*) FROM sqlite_master"
                                           " WHERE name = 'articles_fts'",
                                           "SELECT COUNT(*) FROM information_schema.columns"
                                           " WHERE table_schema = current_schema()"
                                           " AND table_name = 'articles' AND column_name = 'fts'")),
                     1);
    /* Old data is kept and new tables work. */
    struct store_user u;
    assert_int_equal(store_user_get_by_name(s, "budi", &u, &err), 0);
    assert_int_equal(u.id, uid);
    int64_t a = put_article(s, "https://example.id/a", "Judul", "Isi berita.", NULL);
    struct store_event e = event("riot_protest", "32", NULL, NULL, 0.8, 1);
    assert_true(create_event(s, &e, a) > 0);
    store_close(s);
    /* Events filtered by region, date, category, status use indexes. */
    assert_true(raw_int(p, testdb_sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                                      " AND tbl_name = 'events'",
                                      "SELECT COUNT(*) FROM pg_indexes"
                                      " WHERE schemaname = current_schema()"
                                      " AND tablename = 'events'")) >= 6);
    free(p);
}

/* ---- articles ----------------------------------------------------------------------------- */

static void test_article_dedup(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    bool existed = true;
    int64_t a1 =
        put_article(f->s, "https://berita.id/1", "Bentrok", "Warga bentrok di desa.", &existed);
    assert_false(existed);
    /* Same canonical URL, other text (an updated page): the same article. */
    int64_t again = put_article(f->s, "https://berita.id/1", "Bentrok (update)",
                                "Warga bentrok di desa, dua luka.", &existed);
    assert_true(existed);
    assert_int_equal(again, a1);
    /* Other URL, same text up to case and spacing: the same article by content hash. */
    again =
        put_article(f->s, "https://mirror.id/x", NULL, "  WARGA bentrok\n\tdi  desa. ", &existed);
    assert_true(existed);
    assert_int_equal(again, a1);
    /* No URL, new text: new. */
    int64_t a2 = put_article(f->s, NULL, NULL, "Rapat koordinasi di hotel.", &existed);
    assert_false(existed);
    assert_true(a2 > a1);
    /* Two articles without URL never collide on the URL key. */
    int64_t a3 = put_article(f->s, NULL, NULL, "Seminar kebangsaan.", &existed);
    assert_false(existed);
    assert_true(a3 > a2);

    size_t n = 0;
    assert_int_equal(store_article_count(f->s, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(audit_count(f->s, "article.add"), 3);
    int64_t found = 0;
    assert_int_equal(store_article_find_url(f->s, "https://berita.id/1", &found, &err), 0);
    assert_int_equal(found, a1);
    assert_int_equal(store_article_find_url(f->s, "https://berita.id/2", &found, &err),
                     WSP_ENOTFOUND);

    /* The hash is of the normalized body. */
    char h1[65], h2[65];
    store_content_hash("A  b\nC", 6, h1);
    store_content_hash("a b c", 5, h2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);

    struct store_article bad = {.source_type = "tv", .body = "x"};
    int64_t id;
    assert_int_equal(store_article_put(f->s, &bad, &cli, &id, NULL, &err), WSP_EINVAL);
    bad.source_type = "file";
    bad.body = "";
    assert_int_equal(store_article_put(f->s, &bad, &cli, &id, NULL, &err), WSP_EINVAL);
    bad.body = "ok";
    bad.published = "2021-02-30";
    assert_int_equal(store_article_put(f->s, &bad, &cli, &id, NULL, &err), WSP_EINVAL);
    bad.published = NULL;
    bad.source_type = "report";
    assert_int_equal(store_article_put(f->s, &bad, &cli, &id, NULL, &err), WSP_EINVAL);
    assert_int_equal(store_article_count(f->s, &n, &err), 0);
    assert_int_equal(n, 3);
    /* The full-text index follows the table. */
    assert_int_equal(raw_int(f->path, FTS_BENTROK), 1);
}

/* ---- near duplicates and merging ---------------------------------------------------------- */

static void test_candidates_and_merge(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    const uint64_t h = 0x0123456789abcdefULL;
    int64_t a1 =
        put_article(f->s, "https://a.id/1", "Tawuran", "Tawuran pelajar di Sukasari.", NULL);
    int64_t a2 =
        put_article(f->s, "https://b.id/1", "Tawuran", "Pelajar tawuran di Sukasari.", NULL);
    int64_t a3 = put_article(f->s, "https://c.id/1", "Tawuran", "Tawuran, satu tewas.", NULL);
    struct store_event e1 = event("inter_group_clash", "32", "32.73", "2021-02-23", 0.7, h);
    e1.killed = 1;
    int64_t ev = create_event(f->s, &e1, a1);
    /* Another province, same text: never a candidate. */
    struct store_event other = event("inter_group_clash", "33", "33.74", "2021-02-23", 0.7, h);
    int64_t ev_other = create_event(f->s, &other, 0);
    assert_true(ev_other > ev);

    struct store_event *c;
    int *dist;
    size_t n;
    assert_int_equal(store_event_candidates(f->s, "32", "2021-02-26", 3, h ^ 0x7, 3, 5, &f->a, &c,
                                            &dist, &n, &err),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].id, ev);
    assert_int_equal(dist[0], 3);
    assert_string_equal(c[0].regency_code, "32.73");
    /* Four days apart, or too different, or another province: nothing. */
    assert_int_equal(
        store_event_candidates(f->s, "32", "2021-02-27", 3, h, 3, 5, &f->a, &c, &dist, &n, &err),
        0);
    assert_int_equal(n, 0);
    assert_int_equal(store_event_candidates(f->s, "32", "2021-02-23", 3, h ^ 0xff, 3, 5, &f->a, &c,
                                            &dist, &n, &err),
                     0);
    assert_int_equal(n, 0);
    assert_int_equal(
        store_event_candidates(f->s, "31", "2021-02-23", 3, h, 3, 5, &f->a, &c, &dist, &n, &err),
        0);
    assert_int_equal(n, 0);
    /* An unknown date matches only unknown dates. */
    assert_int_equal(
        store_event_candidates(f->s, "32", NULL, 3, h, 3, 5, &f->a, &c, &dist, &n, &err), 0);
    assert_int_equal(n, 0);

    /* A more confident source: figures and confidence from it, unknown place filled. */
    struct store_event in = event("inter_group_clash", "32", "32.73", "2021-02-24", 0.9, h ^ 1);
    in.place_code = "32.73.01";
    in.killed = 2;
    in.injured = 5;
    in.women_children_victims = true;
    in.detail_json = "{\"form\":\"tawuran\",\"actors\":[\"pelajar\"]}";
    assert_int_equal(store_event_merge(f->s, ev, &in, a2, &cli, &err), 0);
    /* A less confident one: its figures are recorded but do not win. */
    struct store_event low = event("riot_protest", "32", NULL, NULL, 0.5, h ^ 3);
    low.killed = 7;
    assert_int_equal(store_event_merge(f->s, ev, &low, a3, &cli, &err), 0);

    struct store_event got;
    struct store_event_source *src;
    size_t nsrc;
    assert_int_equal(store_event_get(f->s, ev, &f->a, &got, &src, &nsrc, &err), 0);
    assert_int_equal(got.nsources, 3);
    assert_int_equal(nsrc, 3);
    assert_int_equal(src[0].article_id, a1);
    assert_int_equal(src[1].article_id, a2);
    assert_string_equal(src[0].url, "https://a.id/1");
    assert_string_equal(src[0].source_type, "news");
    assert_int_equal(src[0].report_id, 0);
    assert_int_equal(got.killed, 2);
    assert_int_equal(got.injured, 5);
    assert_true(got.women_children_victims);
    assert_true(got.confidence > 0.89 && got.confidence < 0.91);
    assert_string_equal(got.category, "inter_group_clash");
    assert_string_equal(got.place_code, "32.73.01");
    assert_string_equal(got.event_date, "2021-02-23"); /* known date kept */
    assert_int_equal(got.simhash, h);
    json_t *d = json_loads(got.detail_json, 0, NULL);
    assert_non_null(d);
    json_t *sources = json_object_get(d, "sources");
    assert_int_equal(json_array_size(sources), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(sources, 2), "killed")), 7);
    assert_string_equal(json_string_value(json_object_get(d, "form")), "bentrok");
    assert_true(json_is_array(json_object_get(d, "actors"))); /* filled from the new source */
    json_decref(d);
    assert_int_equal(audit_count(f->s, "event.merge"), 2);
    assert_int_equal(audit_count(f->s, "event.add"), 2);

    /* Merging the same source twice links it once. */
    assert_int_equal(store_event_add_source(f->s, ev, a3, &cli, &err), 0);
    assert_int_equal(store_event_get(f->s, ev, &f->a, &got, NULL, NULL, &err), 0);
    assert_int_equal(got.nsources, 3);
    assert_int_equal(store_event_merge(f->s, 9999, &in, a2, &cli, &err), WSP_ENOTFOUND);

    /* An event nobody placed or dated merges only with its own kind. */
    struct store_event nowhere = event("other_violence", NULL, NULL, NULL, 0.6, 42);
    int64_t ev_nowhere = create_event(f->s, &nowhere, 0);
    assert_int_equal(
        store_event_candidates(f->s, NULL, NULL, 3, 43, 3, 5, &f->a, &c, &dist, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].id, ev_nowhere);
}

/* A failing write leaves nothing behind: no row, no audit row. */
static void test_event_atomic(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    size_t before = audit_count(f->s, NULL);
    struct store_event bad = event("riot_protest", "32", "33.74", NULL, 0.5, 1);
    int64_t id = 1;
    assert_int_equal(store_event_create(f->s, &bad, 0, &cli, &id, &err), WSP_EINVAL);
    assert_int_equal(id, 0);
    bad = event("riot_protest", "99", NULL, NULL, 0.5, 1); /* unknown region: foreign key */
    assert_int_equal(store_event_create(f->s, &bad, 0, &cli, &id, &err), WSP_EINVAL);
    bad = event("riot_protest", "32", NULL, NULL, 0.5, 1);
    assert_int_equal(store_event_create(f->s, &bad, 12345, &cli, &id, &err), WSP_EINVAL);
    bad = event("war", "32", NULL, NULL, 0.5, 1);
    assert_int_equal(store_event_create(f->s, &bad, 0, &cli, &id, &err), WSP_EINVAL);
    bad = event("riot_protest", "32", NULL, NULL, 1.5, 1);
    assert_int_equal(store_event_create(f->s, &bad, 0, &cli, &id, &err), WSP_EINVAL);
    assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM events"), 0);
    assert_int_equal(audit_count(f->s, NULL), before);

    /* Inside a caller's transaction, a rolled-back article takes its event with it. */
    assert_int_equal(store_begin(f->s, &err), 0);
    int64_t a = put_article(f->s, NULL, NULL, "Bentrok warga.", NULL);
    struct store_event ok = event("riot_protest", "32", NULL, NULL, 0.5, 1);
    create_event(f->s, &ok, a);
    store_rollback(f->s);
    assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM events"), 0);
    assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM articles"), 0);
    assert_int_equal(raw_int(f->path, FTS_BENTROK), 0);
    assert_int_equal(audit_count(f->s, NULL), before);
}

/* ---- list and filters --------------------------------------------------------------------- */

struct seed {
    const char *cat, *prov, *reg, *date, *status, *body;
    double conf;
};

static const struct seed seeds[] = {
    {"inter_group_clash", "32", "32.73", "2021-02-23", NULL, "Tawuran pelajar di Bandung.", 0.9},
    {"land_resource", "32", "32.04", "2021-03-01", NULL, "Sengketa lahan perkebunan memanas.", 0.6},
    {"riot_protest", "32", NULL, "2021-01-10", NULL, "Demo ricuh di Jawa Barat.", 0.8},
    {"riot_protest", "33", "33.74", "2021-02-20", NULL, "Demo ricuh di Semarang.", 0.7},
    {"vigilante", "33", NULL, NULL, NULL, "Pencuri dihakimi massa.", 0.4},
    {"other_violence", NULL, NULL, "2021-02-01", NULL, "Pembakaran rumah warga.", 0.5},
};

static int64_t seed_ids[WSP_ARRAY_LEN(seeds)];

static void add_seeds(struct fixture *f)
{
    for (size_t i = 0; i < WSP_ARRAY_LEN(seeds); i++) {
        const struct seed *s = &seeds[i];
        int64_t a = put_article(f->s, NULL, NULL, s->body, NULL);
        struct store_event e = event(s->cat, s->prov, s->reg, s->date, s->conf, i);
        time_set_override(T0 + (int64_t)i);
        seed_ids[i] = create_event(f->s, &e, a);
    }
}

/* Ids of a list query, in order, as a string "1,2,3" (and the total). */
static const char *list_ids(struct fixture *f, const struct store_event_query *q, size_t *total)
{
    static char out[256];
    struct store_event *ev;
    size_t n, t;
    struct error err = {0};
    if (store_event_list(f->s, q, &f->a, &ev, &n, &t, &err) != 0)
        fail_msg("list: %s", err.msg);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, sizeof(out) - len, "%s%lld", i ? "," : "", (long long)ev[i].id);
    }
    if (total)
        *total = t;
    return out;
}

static void test_event_list_filters(void **state)
{
    struct fixture *f = *state;
    add_seeds(f);
    size_t total;
    struct store_event_query q = {0};
    /* Default sort: event date, newest first, unknown dates last. */
    assert_string_equal(list_ids(f, &q, &total), "2,1,4,6,3,5");
    assert_int_equal(total, 6);
    q.sort = STORE_EVENT_SORT_CONFIDENCE;
    assert_string_equal(list_ids(f, &q, NULL), "1,3,4,2,6,5");
    q.sort = STORE_EVENT_SORT_CREATED;
    assert_string_equal(list_ids(f, &q, NULL), "6,5,4,3,2,1");
    q.sort = STORE_EVENT_SORT_DATE;

    /* Scope: a regency sees its regency only; a province all of it (also province-only
     * events); events without a place only national users. */
    q.scope = "32.73";
    assert_string_equal(list_ids(f, &q, &total), "1");
    q.scope = "32";
    assert_string_equal(list_ids(f, &q, &total), "2,1,3");
    q.scope = "33";
    assert_string_equal(list_ids(f, &q, &total), "4,5");
    q.scope = "3";
    assert_string_equal(list_ids(f, &q, &total), ""); /* whole segments only */
    q.scope = "";
    assert_int_equal(strlen(list_ids(f, &q, &total)), strlen("2,1,4,6,3,5"));

    /* Filters. */
    struct store_event_query r = {.region = "32"};
    assert_string_equal(list_ids(f, &r, NULL), "2,1,3");
    r.region = "32.04";
    assert_string_equal(list_ids(f, &r, NULL), "2");
    r = (struct store_event_query){.category = "riot_protest"};
    assert_string_equal(list_ids(f, &r, NULL), "4,3");
    r = (struct store_event_query){.from = "2021-02-01", .to = "2021-02-23"};
    assert_string_equal(list_ids(f, &r, NULL), "1,4,6");
    r = (struct store_event_query){.min_confidence = 0.7};
    assert_string_equal(list_ids(f, &r, NULL), "1,4,3");
    r = (struct store_event_query){.q = "demo ricuh"};
    assert_string_equal(list_ids(f, &r, NULL), "4,3");
    r.q = "Ricuh Semarang";
    assert_string_equal(list_ids(f, &r, NULL), "4");
    r.q = "semar*";
    assert_string_equal(list_ids(f, &r, NULL), "4");
    r.q = "\"OR\" NEAR(";
    assert_string_equal(list_ids(f, &r, NULL), ""); /* operators are just words */
    r = (struct store_event_query){.q = "demo", .scope = "32"};
    assert_string_equal(list_ids(f, &r, NULL), "3");

    struct error err = {0};
    assert_int_equal(store_event_set_status(f->s, seed_ids[3], "terverifikasi", NULL, &cli, &err),
                     0);
    r = (struct store_event_query){.status = "terverifikasi"};
    assert_string_equal(list_ids(f, &r, NULL), "4");
    r.status = "menunggu";
    assert_string_equal(list_ids(f, &r, &total), "2,1,6,3,5");
    /* the confidence floor hides unverified leads only: a verified event below it stays */
    assert_int_equal(store_event_set_status(f->s, seed_ids[1], "terverifikasi", NULL, &cli, &err),
                     0);
    r = (struct store_event_query){.min_confidence = 0.7};
    assert_string_equal(list_ids(f, &r, NULL), "2,1,4,3");

    /* Pagination: total counts all matches. */
    r = (struct store_event_query){.offset = 2, .limit = 2};
    assert_string_equal(list_ids(f, &r, &total), "4,6");
    assert_int_equal(total, 6);
    r.offset = 10;
    assert_string_equal(list_ids(f, &r, &total), "");
    assert_int_equal(total, 6);

    /* Bad filters. */
    struct store_event *ev;
    size_t n;
    r = (struct store_event_query){.category = "war"};
    assert_int_equal(store_event_list(f->s, &r, &f->a, &ev, &n, &total, &err), WSP_EINVAL);
    r = (struct store_event_query){.status = "done"};
    assert_int_equal(store_event_list(f->s, &r, &f->a, &ev, &n, &total, &err), WSP_EINVAL);
    r = (struct store_event_query){.from = "2021-13-01"};
    assert_int_equal(store_event_list(f->s, &r, &f->a, &ev, &n, &total, &err), WSP_EINVAL);
    r = (struct store_event_query){.q = "!!!"};
    assert_int_equal(store_event_list(f->s, &r, &f->a, &ev, &n, &total, &err), WSP_EINVAL);
}

/* ---- keyset pages, totals, plans (issue 12) ----------------------------------------------- */

/* Seeds plus imported events that tie on date and on confidence (all imported ones have 1),
 * one more undated lead, and a national event; created_at ties too (one import, one second). */
static void add_many(struct fixture *f, size_t n)
{
    add_seeds(f);
    static const char *const codes[] = {"32.73", "32.04", "33.74", "32", "33", "32.73.01"};
    static const char *const dates[] = {"2021-02-23", "2021-03-01", "2020-12-31"};
    static const char *const cats[] = {"riot_protest", "land_resource", "vigilante"};
    struct store_event_import *r = xcalloc(n, sizeof(*r));
    for (size_t i = 0; i < n; i++)
        r[i] = (struct store_event_import){.source_id = (int64_t)i + 1,
                                           .region_code = codes[i % WSP_ARRAY_LEN(codes)],
                                           .event_date = dates[i % WSP_ARRAY_LEN(dates)],
                                           .category = cats[i % WSP_ARRAY_LEN(cats)],
                                           .verified = i % 2 == 0};
    struct error err = {0};
    time_set_override(T0 + 100);
    if (store_event_import(f->s, "test", NULL, r, n, &cli, NULL, &err) != 0)
        fail_msg("import: %s", err.msg);
    free(r);
    time_set_override(T0 + 200);
    struct store_event e = event("vigilante", "32", "32.73", NULL, 0.9, 99);
    create_event(f->s, &e, 0);
}

/* The position after row e in q's order. */
static struct store_event_after after_row(const struct store_event *e)
{
    return (struct store_event_after){.id = e->id,
                                      .date = e->event_date,
                                      .confidence = e->confidence,
                                      .created_at = e->created_at};
}

/* Ids of all of q in one page, and again page by page of size k through the cursor: the same
 * rows in the same order (two ways to compute one answer). */
static void check_pages(struct fixture *f, struct store_event_query q, size_t k)
{
    struct error err = {0};
    struct store_event_page all, page;
    q.limit = 500;
    if (store_event_page(f->s, &q, &f->a, &all, &err) != 0)
        fail_msg("list: %s", err.msg);
    assert_false(all.more);
    q.limit = k;
    size_t seen = 0, pages = 0;
    for (;;) {
        if (store_event_page(f->s, &q, &f->a, &page, &err) != 0)
            fail_msg("page: %s", err.msg);
        for (size_t i = 0; i < page.n; i++, seen++) {
            assert_true(seen < all.n);
            if (page.rows[i].id != all.rows[seen].id)
                fail_msg("sort %d scope %s region %s page %zu row %zu: id %lld, want %lld",
                         (int)q.sort, q.scope ? q.scope : "-", q.region ? q.region : "-", pages, i,
                         (long long)page.rows[i].id, (long long)all.rows[seen].id);
        }
        pages++;
        assert_true(page.total_exact);
        assert_int_equal(page.total, all.n);
        if (!page.more)
            break;
        assert_int_equal(page.n, k);
        q.after = after_row(&page.rows[page.n - 1]);
    }
    assert_int_equal(seen, all.n);
}

static void test_event_list_keyset(void **state)
{
    struct fixture *f = *state;
    add_many(f, 60);
    static const char *const scopes[] = {NULL, "32", "32.73", "33", "31"};
    for (int sort = 0; sort < 3; sort++)
        for (size_t i = 0; i < WSP_ARRAY_LEN(scopes); i++)
            for (size_t k = 1; k <= 7; k += 3) {
                struct store_event_query q = {.sort = (enum store_event_sort)sort,
                                              .scope = scopes[i]};
                check_pages(f, q, k);
                q.category = "riot_protest";
                check_pages(f, q, k);
                q = (struct store_event_query){
                    .sort = (enum store_event_sort)sort, .region = scopes[i], .from = "2021-01-01"};
                check_pages(f, q, k);
                q = (struct store_event_query){.sort = (enum store_event_sort)sort,
                                               .scope = "32",
                                               .region = scopes[i],
                                               .min_confidence = 0.95};
                check_pages(f, q, k);
            }

    /* Stable: an event added before the cursor's place changes nothing after it. */
    struct error err = {0};
    struct store_event_query q = {.scope = "32", .limit = 5};
    struct store_event_page p1, p2, again;
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p1, &err), 0);
    q.after = after_row(&p1.rows[p1.n - 1]);
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p2, &err), 0);
    struct store_event e = event("riot_protest", "32", "32.73", "2030-01-01", 0.9, 7);
    create_event(f->s, &e, 0);
    assert_int_equal(store_event_page(f->s, &q, &f->a, &again, &err), 0);
    assert_int_equal(again.n, p2.n);
    for (size_t i = 0; i < p2.n; i++)
        assert_int_equal(again.rows[i].id, p2.rows[i].id);
    /* Offset paging still works: the same second page as the cursor's, before the new event. */
    q = (struct store_event_query){.scope = "32", .limit = 5, .offset = 6};
    struct store_event_page off;
    assert_int_equal(store_event_page(f->s, &q, &f->a, &off, &err), 0);
    assert_int_equal(off.rows[0].id, p2.rows[0].id);

    /* A bad position is refused. */
    q = (struct store_event_query){.after = {.id = 3, .date = "2021-02-30"}};
    assert_int_equal(store_event_page(f->s, &q, &f->a, &off, &err), WSP_EINVAL);
}

static void test_event_list_totals(void **state)
{
    struct fixture *f = *state;
    add_many(f, STORE_EVENT_TOTAL_MAX + 200);
    struct error err = {0};
    struct store_event_page p;
    /* Past the cap the total says so. */
    struct store_event_query q = {.limit = 20};
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p, &err), 0);
    assert_int_equal(p.n, 20);
    assert_true(p.more);
    assert_int_equal(p.total, STORE_EVENT_TOTAL_MAX);
    assert_false(p.total_exact);
    /* Below it, exact; a first page that is not full is its own total. */
    q.scope = "31";
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p, &err), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.total, 0);
    assert_true(p.total_exact);
    q = (struct store_event_query){.scope = "32.73", .category = "vigilante", .limit = 5};
    size_t want = (size_t)raw_int(f->path, "SELECT COUNT(*) FROM events WHERE region_code ="
                                           " '32.73' AND category = 'vigilante'");
    assert_true(want > 5 && want < STORE_EVENT_TOTAL_MAX);
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p, &err), 0);
    assert_int_equal(p.total, want);
    assert_true(p.total_exact);
    assert_true(p.more);
    q.after = after_row(&p.rows[p.n - 1]);
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p, &err), 0);
    assert_int_equal(p.total, want); /* all matches, not those after the cursor */
    /* Scope and region that do not overlap: nothing, without a query. */
    q = (struct store_event_query){.scope = "32", .region = "33.74"};
    assert_int_equal(store_event_page(f->s, &q, &f->a, &p, &err), 0);
    assert_int_equal(p.n, 0);
    assert_true(p.total_exact);
}

/* The list filters test_event_list_plans goes through. */
enum { F_NONE, F_REGION, F_CATEGORY, F_STATUS, F_DATES, F_CONF, F_CAT_STATUS, F_Q, F_N };

/* q with filter fl for scope index sc (of NULL, "32", "32.73"). */
static void plan_filter(struct store_event_query *q, int fl, size_t sc)
{
    if (fl == F_REGION)
        q->region = sc == 1 ? "32.73" : "32";
    if (fl == F_CATEGORY || fl == F_CAT_STATUS)
        q->category = "riot_protest";
    if (fl == F_STATUS || fl == F_CAT_STATUS)
        q->status = "selesai";
    if (fl == F_DATES) {
        q->from = "2021-01-01";
        q->to = "2021-03-01";
    }
    if (fl == F_CONF)
        q->min_confidence = 0.7;
    if (fl == F_Q)
        q->q = "demo ricuh";
}

#define PG_PLAN_EVENTS 20000

/* The most rows PostgreSQL's plan text t expects a Sort node to sort, up to end. */
static long pg_sorted_rows(const char *t, const char *end)
{
    long most = 0;
    for (const char *c = t; (c = strstr(c, "Sort  (cost=")) != NULL && c < end; c++) {
        const char *r = strstr(c, " rows=");
        long n = r ? strtol(r + 6, NULL, 10) : 0;
        most = n > most ? n : most;
    }
    return most;
}

/* PostgreSQL plans by its statistics, so its plans are checked at a realistic size (the
 * seeds, PG_PLAN_EVENTS imported events over 15 years and as many other articles,
 * analyzed): every statement of every
 * scope x filter x order x page kind reads events by an index, none reads the whole table,
 * and the list's pages (not their counts, which may read up to STORE_EVENT_TOTAL_MAX + 1 rows
 * and sort them) come in the index's order, or sort rows the planner knows to be few (no more
 * than STORE_EVENT_TOTAL_MAX: it knows from its statistics that no event is 'selesai' here,
 * where SQLite has no statistics and is held to its order's index). A search reads its events by
 * id; at 20,000 articles the planner finds the matching ones by reading them all (a few ms), and
 * takes articles_fts_idx from about ten times as many. */
static void test_event_list_plans_pg(struct fixture *f)
{
    add_seeds(f);
    static const char *const codes[] = {"32.73", "32.04", "33.74", "32", "33", "32.73.01"};
    static const char *const cats[] = {"riot_protest", "land_resource", "vigilante",
                                       "inter_group_clash", "other_violence"};
    struct store_event_import *r = xcalloc(PG_PLAN_EVENTS, sizeof(*r));
    static char dates[PG_PLAN_EVENTS][11];
    for (size_t i = 0; i < PG_PLAN_EVENTS; i++) {
        snprintf(dates[i], sizeof(dates[i]), "20%02zu-%02zu-%02zu", 10 + i % 15, 1 + i / 7 % 12,
                 1 + i % 28);
        r[i] = (struct store_event_import){.source_id = (int64_t)i + 1,
                                           .region_code = codes[i % WSP_ARRAY_LEN(codes)],
                                           .event_date = dates[i],
                                           .category = cats[i % WSP_ARRAY_LEN(cats)],
                                           .verified = i % 3 == 0};
    }
    struct error err = {0};
    int64_t t0 = time_mono_ms();
    if (store_event_import(f->s, "test", NULL, r, PG_PLAN_EVENTS, &cli, NULL, &err) != 0)
        fail_msg("import: %s", err.msg);
    free(r);
    int64_t t1 = time_mono_ms();
    /* articles for the search to walk: none of them says "demo ricuh" */
    testdb_exec(f->path, "INSERT INTO articles (source_type, content_hash, body, fetched_at)"
                         " SELECT 'news', 'plan-' || g, 'Berita nomor ' || g || ' dari daerah.', 0"
                         " FROM generate_series(1, 20000) g;"
                         "ANALYZE");
    static const char *const scopes[] = {NULL, "32", "32.73"};
    static const struct store_event_after afters[] = {
        {0}, {.id = 5, .date = "2021-02-01", .confidence = 0.5, .created_at = T0}, {.id = 5}};
    struct buf plan;
    buf_init(&plan, 0);
    size_t checked = 0;
    for (int sort = 0; sort < 3; sort++)
        for (size_t sc = 0; sc < WSP_ARRAY_LEN(scopes); sc++)
            for (int fl = 0; fl < F_N; fl++)
                for (size_t af = 0; af < WSP_ARRAY_LEN(afters); af++) {
                    struct store_event_query q = {.sort = (enum store_event_sort)sort,
                                                  .scope = scopes[sc],
                                                  .after = afters[af],
                                                  .limit = 20};
                    plan_filter(&q, fl, sc);
                    buf_reset(&plan);
                    if (store_event_list_plan(f->s, &q, &plan, &err) != 0)
                        fail_msg("plan: %s", err.msg);
                    const char *t = buf_cstr(&plan);
                    bool bad = strstr(t, "Seq Scan on events") != NULL;
                    /* the statements before the last "--" are the pages, the last the count */
                    const char *count = t;
                    for (const char *c = t; (c = strstr(c, "--\n")) != NULL && c[3]; c += 3)
                        count = c + 3;
                    if (fl == F_Q) /* the matches' events by id (their articles: below) */
                        bad |= !strstr(t, "Index Scan using events_pkey on events e");
                    else
                        bad |= pg_sorted_rows(t, count) > STORE_EVENT_TOTAL_MAX;
                    if (bad) {
                        fprintf(stderr, "%s", t); /* longer than cmocka's message */
                        fail_msg("sort %d scope %s filter %d after %zu", sort,
                                 q.scope ? q.scope : "-", fl, af);
                    }
                    checked++;
                }
    assert_int_equal(checked, 3 * 3 * F_N * 3);
    buf_release(&plan);

    /* How long a page takes at this size, for the record. */
    struct store_event_query q = {.limit = 50};
    struct store_event_page pg;
    int64_t t2 = time_mono_ms();
    for (int i = 0; i < 20; i++)
        assert_int_equal(store_event_page(f->s, &q, &f->a, &pg, &err), 0);
    q.scope = "32.73";
    q.category = "riot_protest";
    int64_t t3 = time_mono_ms();
    for (int i = 0; i < 20; i++)
        assert_int_equal(store_event_page(f->s, &q, &f->a, &pg, &err), 0);
    int64_t t4 = time_mono_ms();
    fprintf(stderr,
            "postgresql: %d events imported in %lld ms; a first page of 50 (and its total) in"
            " %.1f ms, in a regency and a category %.1f ms\n",
            PG_PLAN_EVENTS, (long long)(t1 - t0), (double)(t3 - t2) / 20, (double)(t4 - t3) / 20);
}

/* Every scope x filter x order x page kind: its statements walk an index in the list's order
 * (no full table scan, no sort of the matches); a search reads at most
 * STORE_EVENT_SEARCH_MAX articles and sorts only their events. */
static void test_event_list_plans(void **state)
{
    struct fixture *f = *state;
    if (testdb_pg()) {
        test_event_list_plans_pg(f);
        return;
    }
    add_seeds(f);
    static const char *const scopes[] = {NULL, "32", "32.73"};
    static const struct store_event_after afters[] = {
        {0}, {.id = 5, .date = "2021-02-01", .confidence = 0.5, .created_at = T0}, {.id = 5}};
    struct buf plan;
    buf_init(&plan, 0);
    size_t checked = 0;
    for (int sort = 0; sort < 3; sort++)
        for (size_t sc = 0; sc < WSP_ARRAY_LEN(scopes); sc++)
            for (int fl = 0; fl < F_N; fl++)
                for (size_t af = 0; af < WSP_ARRAY_LEN(afters); af++) {
                    struct store_event_query q = {.sort = (enum store_event_sort)sort,
                                                  .scope = scopes[sc],
                                                  .after = afters[af],
                                                  .limit = 20};
                    plan_filter(&q, fl, sc);
                    buf_reset(&plan);
                    struct error err = {0};
                    if (store_event_list_plan(f->s, &q, &plan, &err) != 0)
                        fail_msg("plan: %s", err.msg);
                    const char *t = buf_cstr(&plan);
                    bool bad = strstr(t, "SCAN e\n") != NULL || strstr(t, "SCAN events") != NULL;
                    if (fl == F_Q)
                        bad |= !strstr(t, "SEARCH e USING INTEGER PRIMARY KEY") ||
                               !strstr(t, "VIRTUAL TABLE INDEX");
                    else
                        bad |= strstr(t, "TEMP B-TREE") != NULL;
                    /* a scope (in any order) or an equality filter (in date order, which its
                     * index has) is searched, not walked past */
                    if (fl != F_Q && (q.scope || q.region ||
                                      (sort == STORE_EVENT_SORT_DATE && (q.category || q.status))))
                        bad |= strstr(t, "SCAN e USING") != NULL;
                    /* inside a scope too (v10): the filter is in the index's key, so neither
                     * the list nor its count walks the scope's other events */
                    if (fl != F_Q && sort == STORE_EVENT_SORT_DATE && (q.category || q.status))
                        bad |= !strstr(t, "category=?") && !strstr(t, "status=?");
                    if (bad)
                        fail_msg("sort %d scope %s filter %d after %zu:\n%s", sort,
                                 q.scope ? q.scope : "-", fl, af, t);
                    checked++;
                }
    assert_int_equal(checked, 3 * 3 * F_N * 3);
    buf_release(&plan);
}

/* A database at v8 with events moves to v9: the new indexes, and lists by them. */
static void test_migrate_v8_to_v9(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "v8.db");
    struct error err = {0};
    struct store *s;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 8, &err), 0);
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), NULL, &err), 0);
    struct store_event a = event("riot_protest", "32", "32.73", "2021-02-23", 0.8, 1);
    struct store_event b = event("riot_protest", "32", "32.04", "2021-02-24", 0.6, 2);
    create_event(s, &a, 0);
    create_event(s, &b, 0);
    assert_int_equal(raw_int(p, testdb_sql("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE"
                                           " 'events_%_confidence_idx'",
                                           "SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE"
                                           " 'events_%_confidence_idx'")),
                     0);
    assert_int_equal(store_migrate(s, 9, &err), 0);
    assert_int_equal(schema_count(p, "index",
                                  "'events_province_confidence_idx',"
                                  " 'events_region_confidence_idx', 'events_province_created_idx',"
                                  " 'events_region_created_idx'"),
                     4);
    struct store_event_query q = {.scope = "32", .sort = STORE_EVENT_SORT_CONFIDENCE};
    struct store_event_page pg;
    assert_int_equal(store_event_page(s, &q, &f->a, &pg, &err), 0);
    assert_int_equal(pg.n, 2);
    assert_float_equal(pg.rows[0].confidence, 0.8, 1e-9);
    /* SQLite takes the new index at any size; PostgreSQL's planner reads two rows without
     * one (test_event_list_plans checks its plans at a realistic size) */
    struct buf plan;
    buf_init(&plan, 0);
    assert_int_equal(store_event_list_plan(s, &q, &plan, &err), 0);
    if (!testdb_pg())
        assert_non_null(strstr(buf_cstr(&plan), "events_province_confidence_idx"));
    buf_release(&plan);
    store_close(s);
    free(p);
}

/* A database at v9 with events moves to v10: a category or status inside a scope from its
 * own index. */
static void test_migrate_v9_to_v10(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "v9.db");
    struct error err = {0};
    struct store *s;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 9, &err), 0);
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), NULL, &err), 0);
    struct store_event a = event("riot_protest", "32", "32.73", "2021-02-23", 0.8, 1);
    struct store_event b = event("vigilante", "32", "32.04", "2021-02-24", 0.6, 2);
    create_event(s, &a, 0);
    create_event(s, &b, 0);
    assert_int_equal(store_migrate(s, 10, &err), 0);
    assert_int_equal(schema_count(p, "index",
                                  "'events_province_category_idx',"
                                  " 'events_region_category_idx', 'events_province_status_idx',"
                                  " 'events_region_status_idx'"),
                     4);
    static const struct {
        const char *scope, *category, *status, *index;
        size_t n;
    } cases[] = {
        {"32", "vigilante", NULL, "events_province_category_idx", 1},
        {"32.04", "vigilante", NULL, "events_region_category_idx", 1},
        {"32", NULL, "menunggu", "events_province_status_idx", 2},
        {"32.73", NULL, "menunggu", "events_region_status_idx", 1},
    };
    struct buf plan;
    buf_init(&plan, 0);
    for (size_t i = 0; i < WSP_ARRAY_LEN(cases); i++) {
        struct store_event_query q = {
            .scope = cases[i].scope, .category = cases[i].category, .status = cases[i].status};
        struct store_event_page pg;
        assert_int_equal(store_event_page(s, &q, &f->a, &pg, &err), 0);
        assert_int_equal(pg.n, cases[i].n);
        if (cases[i].category)
            assert_string_equal(pg.rows[0].category, cases[i].category);
        buf_reset(&plan);
        assert_int_equal(store_event_list_plan(s, &q, &plan, &err), 0);
        if (!testdb_pg() && !strstr(buf_cstr(&plan), cases[i].index)) /* as in v8 -> v9 */
            fail_msg("%s: want %s in\n%s", cases[i].scope, cases[i].index, buf_cstr(&plan));
    }
    buf_release(&plan);
    store_close(s);
    free(p);
}

/* ---- verification workflow ---------------------------------------------------------------- */

static void test_status_workflow(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int64_t uid = add_user(f->s, "jabar", "provinsi", "32");
    struct store_actor op = {uid, "jabar", "127.0.0.1"};
    struct store_event e = event("riot_protest", "32", "32.73", "2021-02-23", 0.8, 5);
    int64_t id = create_event(f->s, &e, 0);

    assert_int_equal(store_event_set_status(f->s, id, "selesai", "x", &op, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "cannot change status of event 1 from 'menunggu' to 'selesai'; "
                                 "allowed from 'menunggu': 'terverifikasi', 'ditolak'");
    assert_int_equal(store_event_set_status(f->s, id, "done", NULL, &op, &err), WSP_EINVAL);
    assert_int_equal(store_event_set_status(f->s, 777, "ditolak", NULL, &op, &err), WSP_ENOTFOUND);
    assert_int_equal(audit_count(f->s, "event.status"), 0);

    assert_int_equal(
        store_event_set_status(f->s, id, "terverifikasi", "dikonfirmasi polres", &op, &err), 0);
    struct store_event got;
    assert_int_equal(store_event_get(f->s, id, &f->a, &got, NULL, NULL, &err), 0);
    assert_string_equal(got.status, "terverifikasi");
    assert_string_equal(got.status_note, "dikonfirmasi polres");
    assert_int_equal(got.verified_by, uid);

    struct arena a;
    arena_init(&a, 0);
    struct store_audit_query q = {.action = "event.status"};
    struct store_audit *rows;
    size_t n, total;
    assert_int_equal(store_audit_list(f->s, &q, &a, &rows, &n, &total, &err), 0);
    assert_int_equal(total, 1);
    assert_string_equal(rows[0].username, "jabar");
    assert_string_equal(rows[0].object_type, "event");
    assert_string_equal(rows[0].object_id, "1");
    assert_string_equal(rows[0].before_json, "{\"status\":\"menunggu\",\"note\":null}");
    assert_string_equal(rows[0].after_json,
                        "{\"status\":\"terverifikasi\",\"note\":\"dikonfirmasi polres\"}");
    arena_release(&a);

    static const char *const path[] = {"dalam_penanganan", "selesai"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(path); i++)
        assert_int_equal(store_event_set_status(f->s, id, path[i], NULL, &op, &err), 0);
    assert_int_equal(store_event_set_status(f->s, id, "menunggu", NULL, &op, &err), WSP_EEXIST);
    assert_non_null(strstr(err.msg, "none (final status)"));
    assert_int_equal(audit_count(f->s, "event.status"), 3);

    /* Rejected leads can be reopened. */
    int64_t id2 = create_event(f->s, &e, 0);
    assert_int_equal(store_event_set_status(f->s, id2, "ditolak", "hoaks", &op, &err), 0);
    assert_int_equal(store_event_set_status(f->s, id2, "menunggu", NULL, &op, &err), 0);
    assert_int_equal(store_event_get(f->s, id2, &f->a, &got, NULL, NULL, &err), 0);
    assert_string_equal(got.status, "menunggu");
    assert_null(got.status_note);

    assert_true(store_event_transition_allowed("menunggu", "ditolak"));
    assert_false(store_event_transition_allowed("menunggu", "menunggu"));
    assert_false(store_event_transition_allowed("selesai", "menunggu"));
}

/* ---- reports ------------------------------------------------------------------------------ */

static void test_reports(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int64_t siti = add_user(f->s, "siti", "pelapor", "32.73");
    int64_t anon = add_user(f->s, "rahasia", "pelapor", "32.73");
    struct store_actor actor = {siti, "siti", NULL};
    struct store_article a = {.source_type = "report",
                              .title = "Laporan masyarakat",
                              .body = "Tawuran antarwarga di Sukasari, dua orang luka."};
    struct store_report r = {
        .reporter_user_id = siti, .region_code = "32.73", .fields_json = "{\"what\":\"tawuran\"}"};
    struct store_event lead = event("inter_group_clash", "32", "32.73", "2021-02-23", 0.6, 9);
    int64_t rid, eid, rid2, eid2;
    bool existed = true;
    assert_int_equal(store_report_create(f->s, &a, &r, &lead, &actor, &rid, &eid, &existed, &err),
                     0);
    assert_false(existed);
    assert_true(rid > 0 && eid > 0);
    /* The same reporter resending: the same report. */
    assert_int_equal(store_report_create(f->s, &a, &r, &lead, &actor, &rid2, &eid2, &existed, &err),
                     0);
    assert_true(existed);
    assert_int_equal(rid2, rid);
    assert_int_equal(eid2, eid);
    /* Another reporter with the same words: a separate report. */
    r.reporter_user_id = anon;
    r.anonymous = true;
    struct store_actor actor2 = {anon, "rahasia", NULL};
    assert_int_equal(
        store_report_create(f->s, &a, &r, &lead, &actor2, &rid2, &eid2, &existed, &err), 0);
    assert_false(existed);
    assert_true(rid2 != rid && eid2 != eid);

    struct store_event got;
    struct store_event_source *src;
    size_t n;
    assert_int_equal(store_event_get(f->s, eid, &f->a, &got, &src, &n, &err), 0);
    assert_string_equal(got.status, "menunggu");
    assert_int_equal(n, 1);
    assert_string_equal(src[0].source_type, "report");
    assert_int_equal(src[0].report_id, rid);
    assert_false(src[0].anonymous);
    assert_string_equal(src[0].reporter_username, "siti");
    assert_string_equal(src[0].reporter_name, "Nama siti");
    assert_int_equal(src[0].reporter_user_id, siti);
    assert_string_equal(src[0].report_fields, "{\"what\":\"tawuran\"}");
    assert_non_null(strstr(src[0].report_text, "Sukasari"));

    assert_int_equal(store_event_get(f->s, eid2, &f->a, &got, &src, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(src[0].anonymous);
    assert_null(src[0].reporter_username);
    assert_null(src[0].reporter_name);
    assert_int_equal(src[0].reporter_user_id, 0);

    /* Identity is in the reports table only. */
    assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM articles WHERE body LIKE '%siti%'"
                                      " OR title LIKE '%siti%'"),
                     0);
    assert_int_equal(audit_count(f->s, "report.add"), 2);

    /* Bad input stores nothing. */
    r.reporter_user_id = 0;
    assert_int_equal(store_report_create(f->s, &a, &r, &lead, &actor, &rid, &eid, NULL, &err),
                     WSP_EINVAL);
    r.reporter_user_id = siti;
    a.body = "Laporan lain yang baru.";
    lead.category = "war";
    size_t before = 0, after = 0;
    assert_int_equal(store_article_count(f->s, &before, &err), 0);
    assert_int_equal(store_report_create(f->s, &a, &r, &lead, &actor, &rid, &eid, NULL, &err),
                     WSP_EINVAL);
    assert_int_equal(store_article_count(f->s, &after, &err), 0);
    assert_int_equal(after, before);
    assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM reports"), 2);
}

/* ---- feeds -------------------------------------------------------------------------------- */

static void test_feeds(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int64_t id1 = 0, id2 = 0;
    assert_int_equal(store_feed_add(f->s, "https://b.id/rss", "Berita B", &cli, &id1, &err), 0);
    assert_int_equal(store_feed_add(f->s, "https://a.id/feed.xml", NULL, &cli, &id2, &err), 0);
    assert_int_equal(store_feed_add(f->s, "https://b.id/rss", NULL, &cli, NULL, &err), WSP_EEXIST);
    assert_string_equal(err.msg, "feed 'https://b.id/rss' already exists");
    assert_int_equal(store_feed_add(f->s, "ftp://x.id/rss", NULL, &cli, NULL, &err), WSP_EINVAL);
    assert_int_equal(store_feed_add(f->s, "https://x.id/a b", NULL, &cli, NULL, &err), WSP_EINVAL);

    struct store_feed *feeds;
    size_t n;
    assert_int_equal(store_feed_list(f->s, &f->a, &feeds, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(feeds[0].url, "https://a.id/feed.xml"); /* by url */
    assert_null(feeds[0].title);
    assert_string_equal(feeds[1].title, "Berita B");
    assert_int_equal(feeds[1].created_at, T0);
    assert_int_equal(feeds[1].last_polled_at, 0);

    struct store_feed poll = {.etag = "\"v1\"",
                              .last_modified = "Tue, 23 Feb 2021 10:00:00 GMT",
                              .last_polled_at = T0 + 10,
                              .next_poll_at = T0 + 910};
    assert_int_equal(store_feed_update_poll(f->s, id1, &poll, &cli, &err), 0);
    /* A failed poll keeps the validators and records the error. */
    struct store_feed fail = {.last_polled_at = T0 + 20,
                              .next_poll_at = T0 + 1000,
                              .failures = 1,
                              .last_error = "HTTP 503"};
    assert_int_equal(store_feed_update_poll(f->s, id1, &fail, &cli, &err), 0);
    assert_int_equal(store_feed_list(f->s, &f->a, &feeds, &n, &err), 0);
    assert_string_equal(feeds[1].etag, "\"v1\"");
    assert_string_equal(feeds[1].last_modified, "Tue, 23 Feb 2021 10:00:00 GMT");
    assert_int_equal(feeds[1].last_polled_at, T0 + 20);
    assert_int_equal(feeds[1].next_poll_at, T0 + 1000);
    assert_int_equal(feeds[1].failures, 1);
    assert_string_equal(feeds[1].last_error, "HTTP 503");
    assert_int_equal(store_feed_update_poll(f->s, 999, &poll, &cli, &err), WSP_ENOTFOUND);

    assert_int_equal(store_feed_remove(f->s, "https://b.id/rss", &cli, &err), 0);
    assert_int_equal(store_feed_remove(f->s, "https://b.id/rss", &cli, &err), WSP_ENOTFOUND);
    assert_int_equal(store_feed_list(f->s, &f->a, &feeds, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(audit_count(f->s, "feed.add"), 2);
    assert_int_equal(audit_count(f->s, "feed.poll"), 2);
    assert_int_equal(audit_count(f->s, "feed.remove"), 1);
}

/* ---- follow-ups and phase proposals (schema v6) ------------------------------------------ */

/* A database at v5 with articles and an event moves to v6: old articles have no role, the
 * new tables work. */
static void test_migrate_v5_to_v6(void **state)
{
    struct fixture *f = *state;
    char *p = testdb_new(f->dir, "v5.db");
    struct error err = {0};
    struct store *s;
    assert_int_equal(store_open_raw(&s, p, &err), 0);
    assert_int_equal(store_migrate(s, 5, &err), 0);
    assert_int_equal(store_regions_sync(s, regions, WSP_ARRAY_LEN(regions), NULL, &err), 0);
    int64_t a = put_article(s, "https://example.id/lama", "Bentrok lama", "Warga bentrok.", NULL);
    struct store_event e = event("inter_group_clash", "32", "32.73", "2021-02-23", 0.8, 1);
    int64_t ev = create_event(s, &e, a);
    assert_int_equal(store_migrate(s, store_schema_latest(), &err), 0);
    int v = 0;
    assert_int_equal(store_schema_version(s, &v, &err), 0);
    assert_true(v >= 6);
    size_t n = 0;
    assert_int_equal(store_article_count_role(s, NULL, &n, &err), 0);
    assert_int_equal(n, 1);
    int64_t b = put_article(s, "https://example.id/tangkap", "Pelaku ditangkap",
                            "Polisi menangkap pelaku bentrok.", NULL);
    assert_int_equal(store_article_set_role(s, b, "followup", "tangkap", &err), 0);
    struct store_followup fu = {.event_id = ev, .article_id = b, .article_date = "2021-02-28"};
    assert_int_equal(store_followup_add(s, &fu, &cli, &err), 0);
    struct store_followup *list;
    assert_int_equal(store_followup_list(s, ev, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].role, "followup");
    store_close(s);
    free(p);
}

static void test_article_roles(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int64_t a1 = put_article(f->s, "https://berita.id/png", "Perang suku di Enga",
                             "Perang suku di Provinsi Enga, Papua Nugini.", NULL);
    int64_t a2 = put_article(f->s, "https://berita.id/kdrt", "Ayah aniaya anak",
                             "Seorang ayah menganiaya dua anaknya.", NULL);
    size_t n = 9;
    assert_int_equal(store_article_count_role(f->s, NULL, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_article_set_role(f->s, a1, "abroad", "Papua Nugini", &err), 0);
    assert_int_equal(store_article_set_role(f->s, a2, "crime", NULL, &err), 0);
    assert_int_equal(store_article_count_role(f->s, "abroad", &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_article_count_role(f->s, "crime", &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_article_count_role(f->s, NULL, &n, &err), 0);
    assert_int_equal(n, 0);
    char sql[128];
    snprintf(sql, sizeof(sql),
             "SELECT CASE WHEN role_cue = 'Papua Nugini' THEN 1 ELSE 0 END"
             " FROM articles WHERE id = %lld",
             (long long)a1);
    assert_int_equal(raw_int(f->path, sql), 1);
    assert_int_equal(store_article_set_role(f->s, a1, "perang", NULL, &err), WSP_EINVAL);
    assert_int_equal(store_article_set_role(f->s, a1, NULL, NULL, &err), WSP_EINVAL);
    assert_int_equal(store_article_set_role(f->s, 9999, "other", NULL, &err), WSP_ENOTFOUND);
    /* The schema refuses an unknown role even past the store's own check. */
    struct db *db;
    char msg[256];
    assert_int_equal(db_open(&db, f->path, msg, sizeof(msg)), DB_OK);
    assert_int_equal(db_exec(db, "UPDATE articles SET role = 'perang'"), DB_ECONSTRAINT);
    db_close(db);
    assert_int_equal(schema_count(f->path, "index", "'articles_role_idx'"), 1);
}

static void test_followups(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int64_t src = put_article(f->s, "https://berita.id/bentrok", "Bentrok di Cibiru",
                              "Warga dua kampung bentrok di Cibiru.", NULL);
    struct store_event e = event("inter_group_clash", "32", "32.73", "2021-02-23", 0.9, 7);
    e.killed = 2;
    e.injured = 5;
    int64_t ev = create_event(f->s, &e, src);
    int64_t fu1 = put_article(f->s, "https://berita.id/tangkap", "Polisi tangkap 4 pelaku",
                              "Polisi menangkap empat pelaku bentrok Cibiru.", NULL);
    int64_t fu2 = put_article(f->s, "https://berita.id/damai", "Dua kampung sepakat berdamai",
                              "Warga dua kampung di Cibiru sepakat berdamai.", NULL);
    struct store_event before;
    assert_int_equal(store_event_get(f->s, ev, &f->a, &before, NULL, NULL, &err), 0);
    size_t audits = audit_count(f->s, "event.followup");

    /* Added out of order; listed by article date. */
    struct store_followup l2 = {.event_id = ev,
                                .article_id = fu2,
                                .article_date = "2021-03-10",
                                .reconciliation = true,
                                .cue = "sepakat berdamai",
                                .why = "same regency, 15 days after",
                                .score = 3.2};
    struct store_followup l1 = {.event_id = ev,
                                .article_id = fu1,
                                .article_date = "2021-02-28",
                                .cue = "tangkap",
                                .why = "same regency, 5 days after",
                                .score = 3.6};
    assert_int_equal(store_followup_add(f->s, &l2, &cli, &err), 0);
    assert_int_equal(store_followup_add(f->s, &l1, &cli, &err), 0);
    assert_int_equal(store_followup_add(f->s, &l1, &cli, &err), 0); /* again: a no-op */
    assert_int_equal(audit_count(f->s, "event.followup"), audits + 2);
    struct store_followup *list;
    size_t n;
    assert_int_equal(store_followup_list(f->s, ev, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].article_id, fu1);
    assert_string_equal(list[0].title, "Polisi tangkap 4 pelaku");
    assert_string_equal(list[0].url, "https://berita.id/tangkap");
    assert_string_equal(list[0].article_date, "2021-02-28");
    assert_string_equal(list[0].why, "same regency, 5 days after");
    assert_false(list[0].reconciliation);
    assert_int_equal(list[1].article_id, fu2);
    assert_true(list[1].reconciliation);
    assert_string_equal(list[1].cue, "sepakat berdamai");

    /* A follow-up is not a source and changes nothing on the event. */
    struct store_event after;
    struct store_event_source *sources;
    size_t ns;
    assert_int_equal(store_event_get(f->s, ev, &f->a, &after, &sources, &ns, &err), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(after.nsources, 1);
    assert_int_equal(after.killed, 2);
    assert_int_equal(after.injured, 5);
    assert_string_equal(after.status, before.status);
    assert_true(after.confidence == before.confidence);
    assert_int_equal(after.updated_at, before.updated_at);

    /* Unknown event or article, bad date. */
    struct store_followup bad = {.event_id = 9999, .article_id = fu1};
    assert_int_equal(store_followup_add(f->s, &bad, &cli, &err), WSP_EINVAL);
    bad = (struct store_followup){.event_id = ev, .article_id = 9999};
    assert_int_equal(store_followup_add(f->s, &bad, &cli, &err), WSP_EINVAL);
    bad = (struct store_followup){.event_id = ev, .article_id = fu1, .article_date = "28/2"};
    assert_int_equal(store_followup_add(f->s, &bad, &cli, &err), WSP_EINVAL);
    assert_int_equal(store_followup_list(f->s, 9999, &f->a, &list, &n, &err), 0);
    assert_int_equal(n, 0);
}

static int64_t add_case(struct store *s, const char *status, int64_t event_id)
{
    struct store_case c = {.title = "Bentrok Cibiru",
                           .region_code = "32.73",
                           .issue = "identitas",
                           .status = status,
                           .origin = event_id ? "event" : "manual",
                           .event_id = event_id};
    struct error err = {0};
    int64_t id = 0;
    if (store_case_add(s, &c, &cli, &id, &err) != 0)
        fail_msg("add case: %s", err.msg);
    return id;
}

static void test_proposals(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    const struct store_actor ingest = {0, "ingest", NULL};
    const struct store_actor officer = {0, "bandung", NULL};
    int64_t src = put_article(f->s, "https://berita.id/b", "Bentrok", "Warga bentrok.", NULL);
    struct store_event e = event("inter_group_clash", "32", "32.73", "2021-02-23", 0.9, 7);
    int64_t ev = create_event(f->s, &e, src);
    int64_t peace = put_article(f->s, "https://berita.id/damai", "Sepakat berdamai",
                                "Dua kampung sepakat berdamai.", NULL);

    /* No case yet: the proposal sits on the event. */
    struct store_proposal open;
    assert_int_equal(store_proposal_open(f->s, ev, &f->a, &open, &err), WSP_ENOTFOUND);
    struct store_proposal p = {
        .event_id = ev, .article_id = peace, .phase = "pemulihan", .note = "Berita perdamaian"};
    int64_t pid = 0;
    bool existed = true;
    assert_int_equal(store_proposal_add(f->s, &p, &ingest, &pid, &existed, &err), 0);
    assert_true(pid > 0);
    assert_false(existed);
    /* One open proposal per event: a second reconciliation adds nothing. */
    int64_t pid2 = 0;
    assert_int_equal(store_proposal_add(f->s, &p, &ingest, &pid2, &existed, &err), 0);
    assert_true(existed);
    assert_int_equal(pid2, pid);
    assert_int_equal(audit_count(f->s, "proposal.add"), 1);
    assert_int_equal(store_proposal_open(f->s, ev, &f->a, &open, &err), 0);
    assert_int_equal(open.id, pid);
    assert_string_equal(open.phase, "pemulihan");
    assert_string_equal(open.state, "open");
    assert_string_equal(open.proposed_by, "ingest");
    assert_string_equal(open.article_title, "Sepakat berdamai");
    assert_string_equal(open.article_url, "https://berita.id/damai");
    assert_int_equal(open.decided_at, 0);

    struct store_proposal bad = p;
    bad.phase = "damai";
    assert_int_equal(store_proposal_add(f->s, &bad, &ingest, NULL, NULL, &err), WSP_EINVAL);
    bad = p;
    bad.note = "";
    assert_int_equal(store_proposal_add(f->s, &bad, &ingest, NULL, NULL, &err), WSP_EINVAL);
    bad = p;
    bad.event_id = 9999;
    assert_int_equal(store_proposal_add(f->s, &bad, &ingest, NULL, NULL, &err), WSP_EINVAL);

    /* A case opened from the event shows it; one without an event does not. */
    int64_t other = add_case(f->s, "aktif", 0);
    int64_t cid = add_case(f->s, "aktif", ev);
    struct store_case c;
    assert_int_equal(store_case_get(f->s, cid, &f->a, &c, &err), 0);
    assert_string_equal(c.proposed_phase, "pemulihan");
    assert_int_equal(store_case_get(f->s, other, &f->a, &c, &err), 0);
    assert_null(c.proposed_phase);
    assert_int_equal(store_case_of_event(f->s, ev, &f->a, &c, &err), 0);
    assert_int_equal(c.id, cid);
    assert_int_equal(store_case_of_event(f->s, 9999, &f->a, &c, &err), WSP_ENOTFOUND);

    /* Deciding: the wrong proposal id, a stale status and the other case are refused. */
    assert_int_equal(
        store_case_decide_proposal(f->s, cid, pid + 1, "aktif", "pemulihan", NULL, &officer, &err),
        WSP_EEXIST);
    assert_int_equal(
        store_case_decide_proposal(f->s, cid, pid, "dihentikan", "pemulihan", NULL, &officer, &err),
        WSP_EEXIST);
    assert_int_equal(
        store_case_decide_proposal(f->s, other, pid, "aktif", "pemulihan", NULL, &officer, &err),
        WSP_ENOTFOUND);
    assert_int_equal(store_proposal_open(f->s, ev, &f->a, &open, &err), 0);
    /* Accept: the case moves, the proposal closes, both audited. */
    size_t updates = audit_count(f->s, "case.update");
    assert_int_equal(store_case_decide_proposal(f->s, cid, pid, "aktif", "pemulihan",
                                                "ikrar damai dihadiri Forkopimda", &officer, &err),
                     0);
    assert_int_equal(store_case_get(f->s, cid, &f->a, &c, &err), 0);
    assert_string_equal(c.status, "pemulihan");
    assert_null(c.proposed_phase);
    assert_int_equal(audit_count(f->s, "case.update"), updates + 1);
    assert_int_equal(audit_count(f->s, "proposal.accept"), 1);
    assert_int_equal(store_proposal_open(f->s, ev, &f->a, &open, &err), WSP_ENOTFOUND);
    struct store_proposal *all;
    size_t n;
    assert_int_equal(store_proposal_list(f->s, ev, &f->a, &all, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(all[0].state, "accepted");
    assert_string_equal(all[0].decided_by, "bandung");
    assert_string_equal(all[0].decision_note, "ikrar damai dihadiri Forkopimda");
    assert_int_equal(all[0].case_id, cid);
    assert_int_equal(all[0].decided_at, T0);
    /* Decided already. */
    assert_int_equal(store_case_decide_proposal(f->s, cid, pid, NULL, NULL, NULL, &officer, &err),
                     WSP_EEXIST);

    /* A new proposal can be made and dismissed: the case stays as it is. */
    assert_int_equal(store_proposal_add(f->s, &p, &ingest, &pid2, &existed, &err), 0);
    assert_false(existed);
    assert_true(pid2 != pid);
    assert_int_equal(store_case_decide_proposal(f->s, cid, pid2, NULL, NULL, NULL, &officer, &err),
                     0);
    assert_int_equal(store_case_get(f->s, cid, &f->a, &c, &err), 0);
    assert_string_equal(c.status, "pemulihan");
    assert_int_equal(audit_count(f->s, "proposal.dismiss"), 1);
    assert_int_equal(audit_count(f->s, "case.update"), updates + 1);
    assert_int_equal(store_proposal_list(f->s, ev, &f->a, &all, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(all[0].state, "dismissed"); /* newest first */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_v2_to_v3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_candidates_and_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_list_keyset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_list_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_list_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v8_to_v9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v9_to_v10, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feeds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v5_to_v6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_followups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proposals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
