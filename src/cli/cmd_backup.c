/* waspada backup FILE: online copy of the live database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada backup FILE\n"
    "\n"
    "Copy the database to FILE with SQLite's online backup API. Safe while the server is\n"
    "running. FILE must not exist yet.\n";

int cmd_backup(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("backup", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("backup", "expected exactly one FILE");
    const char *dest = argv[optind];

    struct error err = {0};
    struct store *s = NULL;
    int rc = store_open(&s, ctx->cfg.db, &err);
    if (rc == 0) {
        int64_t t0 = time_mono_ms();
        rc = store_backup(s, dest, &err);
        if (rc == 0)
            printf("backed up %s to %s in %lld ms\n", ctx->cfg.db, dest,
                   (long long)(time_mono_ms() - t0));
    }
    if (s)
        store_close(s);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}
