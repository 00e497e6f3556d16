/* waspada db copy SOURCE DEST: a whole database from one engine to another. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada db copy SOURCE DEST\n"
    "\n"
    "Copy a whole database, every table with its ids, from SOURCE to DEST: a SQLite file\n"
    "or a postgresql:// URL each, in either direction (a province office moving onto the\n"
    "national PostgreSQL cluster, or a PostgreSQL database taken home as one file). Both are\n"
    "brought to this program's schema first; DEST must hold no rows yet (a new file, or a\n"
    "new PostgreSQL database). The copy is one transaction on DEST: a failure leaves it\n"
    "empty. Afterwards every table's row count is compared, and each is printed:\n"
    "    events: 1024 rows\n"
    "Stop the servers on SOURCE first, or rows written during the copy are not in it.\n"
    "Evidence files are not in the database: copy the files directory (files_dir) too.\n"
    "Sealed personal fields are copied as they are: DEST needs the same key file.\n";

struct progress {
    int64_t tables, rows;
};

static void on_table(void *ud, const char *table, int64_t rows)
{
    struct progress *p = ud;
    p->tables++;
    p->rows += rows;
    printf("%s: %" PRId64 " rows\n", table, rows);
    fflush(stdout);
}

/* A database for messages: a URL is named by its engine only (it may hold a password). */
static const char *shown(const char *target)
{
    return store_target_is_postgres(target) ? "the PostgreSQL database" : target;
}

static int db_copy(const char *from, const char *to)
{
    struct error err = {0};
    struct store *src = NULL, *dst = NULL;
    int rc = store_open(&src, from, &err);
    if (rc)
        return cli_error(rc, "%s: %s", shown(from), err.msg);
    rc = store_open(&dst, to, &err);
    if (rc) {
        store_close(src);
        return cli_error(rc, "%s: %s", shown(to), err.msg);
    }
    struct progress p = {0};
    int64_t t0 = time_mono_ms();
    bool sealed = false;
    char key_id[17] = "";
    store_seal_state(src, &sealed, key_id, NULL);
    rc = store_copy(src, dst, on_table, &p, &err);
    store_close(src);
    store_close(dst);
    if (rc)
        return cli_error(rc, "copy %s to %s: %s", shown(from), shown(to), err.msg);
    printf("copied %" PRId64 " rows of %" PRId64 " tables in %lld ms; every count matches\n",
           p.rows, p.tables, (long long)(time_mono_ms() - t0));
    if (sealed)
        printf("personal fields were copied sealed (key %s): %s needs the same key file%s\n",
               key_id, shown(to),
               store_target_is_postgres(to) ? " (key_file)"
                                            : " (<DEST>.key beside it, or key_file)");
    return CLI_OK;
}

int cmd_db(struct cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind >= argc || strcmp(argv[optind], "copy") != 0)
        return cli_usage_error("db", "expected 'copy SOURCE DEST'");
    if (argc - optind != 3)
        return cli_usage_error("db", "copy needs exactly SOURCE and DEST");
    if (strcmp(argv[optind + 1], argv[optind + 2]) == 0)
        return cli_usage_error("db", "SOURCE and DEST are the same database");
    return db_copy(argv[optind + 1], argv[optind + 2]);
}
