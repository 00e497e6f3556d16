/* waspada status: what the people who keep a server want to know at a glance. */
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli/cli.h"
#include "seal/seal.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada status [--json] [--backup-dir DIR]\n"
    "\n"
    "Summarise the database (engine, schema version, size, events, articles, reports,\n"
    "regions), the early-warning engine (open alerts by level, the last change), webhook\n"
    "deliveries, the news feeds (last poll, those failing and why), the key that seals\n"
    "personal fields, and the backups. Reads only; opens no personal field.\n"
    "\n"
    "  --json            one JSON object instead of text\n"
    "  --backup-dir DIR  where 'backup --dir' writes (default: backups/ beside a SQLite\n"
    "                    database, as the packaged timer does)\n"
    "\n"
    "Exit status: 0 when all is well, 1 when something needs attention (listed last: the\n"
    "schema is behind this program, a sealed database's key file is missing or another,\n"
    "feeds are failing, no backup in the last two days), 3 when the database cannot be\n"
    "read.\n";

#define STALE_BACKUP_S (2 * 86400)

struct backups {
    char dir[4096];
    int count;
    char newest[256];
    int64_t newest_mtime, newest_size;
};

static void find_backups(struct backups *b)
{
    DIR *d = opendir(b->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "waspada-", 8) || n < 11 || strcmp(e->d_name + n - 3, ".db"))
            continue;
        char path[4400];
        snprintf(path, sizeof(path), "%s/%s", b->dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        b->count++;
        if (strcmp(e->d_name, b->newest) > 0) {
            str_copy(b->newest, e->d_name, sizeof(b->newest));
            b->newest_mtime = st.st_mtime;
            b->newest_size = st.st_size;
        }
    }
    closedir(d);
}

/* "3 min ago", "5 h ago", "2 d ago"; "never" for 0. */
static const char *ago(int64_t t, char *buf, size_t n)
{
    if (t <= 0)
        return "never";
    int64_t d = time_now() - t;
    if (d < 0)
        d = 0;
    if (d < 120)
        snprintf(buf, n, "%" PRId64 " s ago", d);
    else if (d < 7200)
        snprintf(buf, n, "%" PRId64 " min ago", d / 60);
    else if (d < 2 * 86400)
        snprintf(buf, n, "%" PRId64 " h ago", d / 3600);
    else
        snprintf(buf, n, "%" PRId64 " d ago", d / 86400);
    return buf;
}

static const char *when(int64_t t, char *buf, size_t n)
{
    if (t <= 0)
        return "-";
    time_format_iso(t, buf, n);
    return buf;
}

static void attend(json_t *list, const char *fmt, ...) WSP_PRINTF(2, 3);

/* One thing that needs attention, into the list. */
static void attend(json_t *list, const char *fmt, ...)
{
    struct buf b;
    buf_init(&b, 0);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    json_array_append_new(list, json_string(buf_cstr(&b)));
    buf_release(&b);
}

static void size_text(int64_t bytes, char *buf, size_t n)
{
    if (bytes >= (int64_t)1 << 30)
        snprintf(buf, n, "%.1f GB", (double)bytes / (1 << 30));
    else if (bytes >= 1 << 20)
        snprintf(buf, n, "%.1f MB", (double)bytes / (1 << 20));
    else
        snprintf(buf, n, "%" PRId64 " kB", bytes / 1024);
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"backup-dir", required_argument, NULL, 'b'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool as_json = false;
    const char *backup_dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        case 'j':
            as_json = true;
            break;
        case 'b':
            backup_dir = optarg;
            break;
        default:
            return cli_usage_error("status", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("status", "unexpected argument '%s'", argv[optind]);

    const char *target = ctx->cfg.db;
    bool pg = store_target_is_postgres(target);
    struct error err = {0};
    struct store *s = NULL;
    int rc = store_open(&s, target, &err);
    int version = 0;
    struct store_metrics m;
    bool sealed = false;
    char sealed_id[17] = "";
    struct arena a;
    arena_init(&a, (size_t)64 << 20);
    struct store_feed *feeds = NULL;
    size_t nfeeds = 0;
    if (!rc)
        rc = store_schema_version(s, &version, &err);
    if (!rc)
        rc = store_metrics_read(s, &m, &err);
    if (!rc)
        rc = store_seal_state(s, &sealed, sealed_id, &err);
    if (!rc)
        rc = store_feed_list(s, &a, &feeds, &nfeeds, &err);
    if (s)
        store_close(s);
    if (rc) {
        arena_release(&a);
        return cli_error(rc, "%s: %s", pg ? "the PostgreSQL database" : target, err.msg);
    }

    /* the key file: which key it holds, without opening anything sealed */
    char key_path[4096];
    cli_key_path(ctx, key_path, sizeof(key_path));
    char key_id[17] = "";
    json_t *attention = json_array();
    if (*key_path) {
        struct seal_keyring *kr = NULL;
        struct error ke = {0};
        if (seal_keyring_read(&kr, key_path, &ke) == 0) {
            str_copy(key_id, seal_keyring_id(kr, 0), sizeof(key_id));
            if (sealed && !seal_keyring_has(kr, sealed_id))
                attend(attention, "the database is sealed with key %s, the key file holds %s",
                       sealed_id, key_id);
        } else if (sealed) {
            attend(attention, "the database is sealed and %s", ke.msg);
        }
        seal_keyring_free(kr);
    } else if (sealed) {
        attend(attention, "the database is sealed and no key_file is set");
    }

    struct backups b = {0};
    if (backup_dir) {
        str_copy(b.dir, backup_dir, sizeof(b.dir));
    } else if (!pg) {
        char *copy = xstrdup(target);
        snprintf(b.dir, sizeof(b.dir), "%s/backups", dirname(copy));
        free(copy);
    }
    if (*b.dir)
        find_backups(&b);

    /* what else needs attention */
    if (version < store_schema_latest())
        attend(attention, "schema version %d is behind this program's %d: run 'waspada init'",
               version, store_schema_latest());
    size_t failing = 0;
    for (size_t i = 0; i < nfeeds; i++)
        failing += feeds[i].failures > 0;
    if (failing)
        attend(attention, "%zu of %zu feeds failing", failing, nfeeds);
    if (*b.dir && (b.count == 0 || time_now() - b.newest_mtime > STALE_BACKUP_S))
        attend(attention, "no backup in %s in the last two days", b.dir);
    int code = json_array_size(attention) ? 1 : CLI_OK;

    char t1[32], t2[32], sz[32];
    if (as_json) {
        json_t *jf = json_array();
        for (size_t i = 0; i < nfeeds; i++)
            json_array_append_new(
                jf, json_pack("{s:s,s:I,s:i,s:s?}", "url", feeds[i].url, "last_polled_at",
                              (json_int_t)feeds[i].last_polled_at, "failures", feeds[i].failures,
                              "last_error", feeds[i].last_error));
        json_t *o = json_pack(
            "{s:{s:s,s:s?,s:i,s:i,s:I,s:I,s:I,s:I,s:I},"
            "s:{s:{s:I,s:I,s:I},s:I},"
            "s:{s:I,s:I,s:I,s:I},"
            "s:{s:I,s:I,s:I,s:o},"
            "s:{s:s?,s:s?,s:b,s:s?},"
            "s:{s:s?,s:i,s:s?,s:I},"
            "s:o}",
            "database", "engine", pg ? "postgresql" : "sqlite", "path", pg ? NULL : target,
            "schema_version", version, "schema_latest", store_schema_latest(), "size_bytes",
            (json_int_t)m.db_bytes, "events", (json_int_t)m.events, "articles",
            (json_int_t)m.articles, "reports", (json_int_t)m.reports, "regions",
            (json_int_t)m.regions, "alerts", "open", "waspada", (json_int_t)m.alerts_open_waspada,
            "siaga", (json_int_t)m.alerts_open_siaga, "awas", (json_int_t)m.alerts_open_awas,
            "last_change", (json_int_t)m.alerts_last_change, "webhooks", "pending",
            (json_int_t)m.deliveries_pending, "delivered", (json_int_t)m.deliveries_delivered,
            "failed", (json_int_t)m.deliveries_failed, "retried", (json_int_t)m.deliveries_retried,
            "feeds", "count", (json_int_t)m.feeds, "failing", (json_int_t)m.feeds_failing,
            "last_poll", (json_int_t)m.feeds_last_poll, "list", jf, "key", "file",
            *key_path ? key_path : NULL, "key_id", *key_id ? key_id : NULL, "database_sealed",
            sealed, "sealed_with", *sealed_id ? sealed_id : NULL, "backups", "dir",
            *b.dir ? b.dir : NULL, "count", b.count, "newest", *b.newest ? b.newest : NULL,
            "newest_at", (json_int_t)b.newest_mtime, "attention", attention);
        char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
        if (!text)
            abort(); /* jansson fails here only when out of memory */
        puts(text);
        free(text);
        json_decref(o);
        arena_release(&a);
        return code;
    }

    size_text(m.db_bytes, sz, sizeof(sz));
    printf("database  %s (%s, %s), schema version %d of %d\n", pg ? "PostgreSQL" : target,
           pg ? "PostgreSQL" : "SQLite", sz, version, store_schema_latest());
    printf("content   %" PRId64 " events, %" PRId64 " articles, %" PRId64 " reports; %" PRId64
           " regions\n",
           m.events, m.articles, m.reports, m.regions);
    printf("alerts    open: %" PRId64 " waspada, %" PRId64 " siaga, %" PRId64
           " awas; last change %s (%s)\n",
           m.alerts_open_waspada, m.alerts_open_siaga, m.alerts_open_awas,
           when(m.alerts_last_change, t1, sizeof(t1)), ago(m.alerts_last_change, t2, sizeof(t2)));
    printf("webhooks  %" PRId64 " pending, %" PRId64 " delivered, %" PRId64 " failed (%" PRId64
           " retried)\n",
           m.deliveries_pending, m.deliveries_delivered, m.deliveries_failed, m.deliveries_retried);
    printf("feeds     %zu, last poll %s (%s), %zu failing\n", nfeeds,
           when(m.feeds_last_poll, t1, sizeof(t1)), ago(m.feeds_last_poll, t2, sizeof(t2)),
           failing);
    for (size_t i = 0; i < nfeeds; i++)
        if (feeds[i].failures > 0)
            printf("          %s: %d failures: %s\n", feeds[i].url, feeds[i].failures,
                   feeds[i].last_error ? feeds[i].last_error : "?");
    if (*key_path)
        printf("key       %s: %s; the database is %s\n", key_path, *key_id ? "present" : "missing",
               sealed ? "sealed" : "not sealed yet");
    else
        printf("key       no key_file set; the database is %s\n",
               sealed ? "sealed" : "not sealed yet");
    if (sealed || *key_id)
        printf("          key id %s%s%s\n", *key_id ? key_id : "-",
               sealed ? ", the database sealed with " : "", sealed ? sealed_id : "");
    if (*b.dir && b.count) {
        size_text(b.newest_size, sz, sizeof(sz));
        printf("backups   %s: %d, newest %s (%s, %s)\n", b.dir, b.count, b.newest, sz,
               ago(b.newest_mtime, t2, sizeof(t2)));
    } else if (*b.dir) {
        printf("backups   %s: none\n", b.dir);
    } else {
        printf("backups   PostgreSQL's own (pg_basebackup, WAL archiving)\n");
    }
    for (size_t i = 0; i < json_array_size(attention); i++)
        printf("%s %s\n", i ? "         " : "ATTENTION",
               json_string_value(json_array_get(attention, i)));
    json_decref(attention);
    arena_release(&a);
    return code;
}
