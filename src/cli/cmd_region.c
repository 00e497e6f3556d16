/* waspada region find|show: look up official region codes from the built-in gazetteer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "geo/geo.h"

static const char usage_text[] =
    "usage: waspada region find [--level L] [--parent CODE] [--limit N] [--json] NAME...\n"
    "       waspada region show [--json] CODE\n"
    "\n"
    "find prints regions whose name matches NAME (case and punctuation do not matter;\n"
    "'Kab.', 'Kabupaten', 'Kota' and 'Provinsi' are understood, and short names such as\n"
    "Jabar, Jateng, DKI, DIY, NTB, Sulsel work), best matches first, one per line:\n"
    "    32.73 Kota Bandung, Jawa Barat (regency)\n"
    "show prints one region by code with its parent chain.\n"
    "\n"
    "  --level L      province, regency, district or village\n"
    "  --parent CODE  only regions inside CODE (e.g. 32 or 32.73)\n"
    "  --limit N      at most N results (default 20, 0 = all)\n"
    "  --json         machine-readable output\n";

static json_t *region_json(const struct geo_region *r)
{
    char chain[512];
    geo_format_chain(r, chain, sizeof(chain));
    return json_pack("{s:s, s:s, s:s, s:s?, s:s}", "code", r->code, "name", r->name, "level",
                     geo_level_name(r->level), "parent_code", r->parent ? r->parent->code : NULL,
                     "chain", chain);
}

static void print_region(const struct geo_region *r)
{
    char chain[512];
    geo_format_chain(r, chain, sizeof(chain));
    printf("%s %s (%s)\n", r->code, chain, geo_level_name(r->level));
}

static void print_json(json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(v);
}

int cmd_region(struct cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    static const struct option opts[] = {
        {"level", required_argument, NULL, 'l'}, {"parent", required_argument, NULL, 'p'},
        {"limit", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc >= 2) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("region", "expected find or show");
    }
    const char *sub = argv[1];
    bool find = strcmp(sub, "find") == 0;
    if (!find && strcmp(sub, "show") != 0)
        return cli_usage_error("region", "unknown subcommand '%s'", sub);

    struct geo_query q = {.limit = 20};
    bool json = false;
    long limit = 20;
    int c;
    opterr = 0;
    argc--, argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            q.level = geo_parse_level(optarg);
            if (!q.level)
                return cli_usage_error("region", "unknown level '%s'", optarg);
            break;
        case 'p':
            if (!geo_code_valid(optarg))
                return cli_usage_error("region", "'%s' is not a region code", optarg);
            q.parent = optarg;
            break;
        case 'n':
            if (str_to_long(optarg, 0, 100000, &limit))
                return cli_usage_error("region", "--limit needs a number, not '%s'", optarg);
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("region", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("region", "%s needs %s", sub, find ? "a NAME" : "a CODE");
    if (!find && optind != argc - 1)
        return cli_usage_error("region", "show takes one CODE");

    struct error err = {0};
    struct geo_gazetteer *g = NULL;
    int rc = geo_load(&g, &err);
    if (rc)
        return cli_error(rc, "%s", err.msg);

    if (!find) {
        const struct geo_region *r = geo_get(g, argv[optind]);
        if (!r) {
            geo_free(g);
            return cli_error(WSP_ENOTFOUND, "no region with code '%s'", argv[optind]);
        }
        if (json) {
            json_t *o = region_json(r);
            json_t *parents = json_array();
            for (const struct geo_region *p = r->parent; p; p = p->parent)
                json_array_append_new(parents,
                                      json_pack("{s:s, s:s, s:s}", "code", p->code, "name", p->name,
                                                "level", geo_level_name(p->level)));
            json_object_set_new(o, "parents", parents);
            print_json(o);
        } else {
            print_region(r);
        }
        geo_free(g);
        return CLI_OK;
    }

    /* The query is all remaining words, so `region find kota bandung` works unquoted. */
    struct buf qb;
    buf_init(&qb, 4096);
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            buf_putc(&qb, ' ');
        buf_puts(&qb, argv[i]);
    }
    q.q = buf_cstr(&qb);
    q.limit = (size_t)limit;
    size_t cap = limit ? (size_t)limit : geo_count(g, 0);
    /* An array of pointers, so sizeof(*out) is meant (a clang-tidy 14 false positive on
     * pointers to pointers to structs). */
    // NOLINTNEXTLINE(bugprone-sizeof-expression)
    const struct geo_region **out = xcalloc(cap ? cap : 1, sizeof(*out));
    size_t total = geo_find(g, &q, out, cap);
    size_t shown = total - q.offset < cap ? total - q.offset : cap; /* offset is 0 here */
    if (json) {
        json_t *items = json_array();
        for (size_t i = 0; i < shown; i++)
            json_array_append_new(items, region_json(out[i]));
        print_json(json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
    } else {
        for (size_t i = 0; i < shown; i++)
            print_region(out[i]);
        if (total > shown)
            printf("... %zu more (use --limit)\n", total - shown);
    }
    rc = CLI_OK;
    if (total == 0 && !json)
        rc = cli_error(WSP_ENOTFOUND, "no region matches '%s'", q.q);
    free(out);
    buf_release(&qb);
    geo_free(g);
    return rc;
}
