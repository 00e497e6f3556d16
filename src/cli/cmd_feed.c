/* waspada feed add|list|remove: the RSS/Atom feeds that 'waspada ingest --feeds' polls. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada feed add URL [--title TITLE]\n"
    "       waspada feed list [--json]\n"
    "       waspada feed remove URL\n"
    "\n"
    "Manage the RSS 2.0 / Atom feeds that 'waspada ingest --feeds' polls. Polling uses\n"
    "conditional GET (ETag, Last-Modified), so an unchanged feed costs one small request; a\n"
    "failing feed is retried later with a growing delay (see 'list').\n";

static const struct store_actor cli_actor = {0, "cli", NULL};

static void time_or_never(int64_t t, char *out, size_t outsz)
{
    if (t)
        time_format_iso(t, out, outsz);
    else
        str_copy(out, "never", outsz);
}

static int feed_list(struct store *s, bool json, struct error *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct store_feed *feeds = NULL;
    size_t n = 0;
    int rc = store_feed_list(s, &a, &feeds, &n, err);
    if (!rc && json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            const struct store_feed *f = &feeds[i];
            json_array_append_new(
                arr, json_pack("{s:I,s:s,s:s?,s:s?,s:s?,s:I,s:I,s:i,s:s?}", "id", (json_int_t)f->id,
                               "url", f->url, "title", f->title, "etag", f->etag, "last_modified",
                               f->last_modified, "last_polled_at", (json_int_t)f->last_polled_at,
                               "next_poll_at", (json_int_t)f->next_poll_at, "failures", f->failures,
                               "last_error", f->last_error));
        }
        char *text = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(text ? text : "[]");
        free(text);
        json_decref(arr);
    } else if (!rc) {
        for (size_t i = 0; i < n; i++) {
            const struct store_feed *f = &feeds[i];
            char polled[32];
            time_or_never(f->last_polled_at, polled, sizeof(polled));
            printf("%s\t%s\tpolled %s", f->url, f->title ? f->title : "-", polled);
            if (f->failures)
                printf("\t%d failures: %s", f->failures, f->last_error ? f->last_error : "?");
            putchar('\n');
        }
    }
    arena_release(&a);
    return rc;
}

int cmd_feed(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"title", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *title = NULL;
    bool json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            title = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("feed", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("feed", "missing action: add, list or remove");
    const char *action = argv[optind++];
    int nargs = argc - optind;
    bool is_add = str_eq(action, "add"), is_list = str_eq(action, "list"),
         is_remove = str_eq(action, "remove");
    if (!is_add && !is_list && !is_remove)
        return cli_usage_error("feed", "unknown action '%s'", action);
    if ((is_list && nargs != 0) || (!is_list && nargs != 1))
        return cli_usage_error(
            "feed", is_list ? "'list' takes no argument" : "'%s' takes exactly one URL", action);
    if (title && !is_add)
        return cli_usage_error("feed", "--title goes with 'add'");
    if (json && !is_list)
        return cli_usage_error("feed", "--json goes with 'list'");

    struct error err = {0};
    struct store *s = NULL;
    int rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc) {
        if (is_add) {
            int64_t id = 0;
            rc = store_feed_add(s, argv[optind], title, &cli_actor, &id, &err);
            if (!rc)
                printf("added feed %s (id %lld)\n", argv[optind], (long long)id);
        } else if (is_remove) {
            rc = store_feed_remove(s, argv[optind], &cli_actor, &err);
            if (!rc)
                printf("removed feed %s\n", argv[optind]);
        } else {
            rc = feed_list(s, json, &err);
        }
    }
    store_close(s);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    return CLI_OK;
}
