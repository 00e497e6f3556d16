/* waspada: git-style dispatch to one function per subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "seal/seal.h"
#include "store/store.h"

struct command {
    const char *name;
    int (*run)(struct cli_ctx *ctx, int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create or upgrade the database and load the region gazetteer"},
    {"serve", cmd_serve, "run the HTTP API and web server"},
    {"user", cmd_user, "add, list, disable users and set passwords"},
    {"region", cmd_region, "look up official region codes and names"},
    {"extract", cmd_extract, "detect conflict events in articles (JSON Lines in, JSON Lines out)"},
    {"eval", cmd_eval, "measure detection against labelled articles"},
    {"ingest", cmd_ingest, "store articles and the events found in them"},
    {"feed", cmd_feed, "manage the RSS/Atom feeds that ingest --feeds polls"},
    {"warn", cmd_warn, "early-warning series, alert levels and backtests"},
    {"import", cmd_import, "import action plans (RAD) from CSV, historical events from JSON Lines"},
    {"export", cmd_export, "export compliance, plans and reports as CSV or XLSX"},
    {"backup", cmd_backup, "copy the live database to a file"},
    {"db", cmd_db, "copy a whole database between SQLite and PostgreSQL"},
    {"key", cmd_key, "create, rotate and show the key that seals personal fields"},
    {"intake", cmd_intake, "register the SMS/WhatsApp gateways that post field messages"},
    {"status", cmd_status, "summarise the database, alerts, feeds, key and backups"},
    {"config", cmd_config, "show the effective configuration and where each value came from"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: waspada [--db PATH] [--key-file PATH] [--data-dir DIR] [--config FILE]\n"
                 "               [--log-level L] <command> [<args>]\n"
                 "\n"
                 "Waspada: early warning and action plans for handling social conflict.\n"
                 "\n"
                 "commands:\n");
    for (size_t i = 0; i < WSP_ARRAY_LEN(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n"
                 "global options:\n"
                 "  --db PATH          database file or postgresql:// URL (default ./waspada.db,\n"
                 "                     env WASPADA_DB)\n"
                 "  --key-file PATH    key sealing personal fields (default <db>.key beside a\n"
                 "                     SQLite file; needed for PostgreSQL; env WASPADA_KEY_FILE)\n"
                 "  --data-dir DIR     read reference data from DIR instead of the built-in copy\n"
                 "  --config FILE      config file (default $WASPADA_CONFIG or ./waspada.conf)\n"
                 "  --log-level LEVEL  debug, info, warn, error or off\n"
                 "  --version          print the version and exit\n"
                 "  --help             print this help and exit\n"
                 "\n"
                 "'waspada <command> --help' describes a command; 'man waspada' has it all.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"key-file", required_argument, NULL, 'k'},
        {"data-dir", required_argument, NULL, 'D'},
        {"config", required_argument, NULL, 'c'},
        {"log-level", required_argument, NULL, 'l'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config_file = NULL;
    struct {
        const char *name, *value;
    } flags[8];
    size_t nflags = 0;
    int c;

    opterr = 0;
    /* "+" stops at the command name: what follows belongs to the command. */
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (nflags == WSP_ARRAY_LEN(flags)) {
            fprintf(stderr, "waspada: too many global options\n");
            return CLI_USAGE;
        }
        switch (c) {
        case 'd':
            flags[nflags].name = "db", flags[nflags++].value = optarg;
            break;
        case 'D':
            flags[nflags].name = "data_dir", flags[nflags++].value = optarg;
            break;
        case 'k':
            flags[nflags].name = "key_file", flags[nflags++].value = optarg;
            break;
        case 'l':
            flags[nflags].name = "log_level", flags[nflags++].value = optarg;
            break;
        case 'c':
            config_file = optarg;
            break;
        case 'V':
            printf("waspada %s\n", WSP_VERSION);
            return CLI_OK;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            if (optopt)
                fprintf(stderr, "waspada: option '-%c' is unknown or needs a value\n", optopt);
            else
                fprintf(stderr, "waspada: unknown option '%s'\n", argv[optind - 1]);
            fprintf(stderr, "try 'waspada --help'\n");
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }

    const char *name = argv[optind];
    const struct command *cmd = NULL;
    for (size_t i = 0; i < WSP_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            cmd = &commands[i];
    if (strcmp(name, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "version") == 0) {
        printf("waspada %s\n", WSP_VERSION);
        return CLI_OK;
    }
    if (!cmd) {
        fprintf(stderr, "waspada: '%s' is not a command; try 'waspada --help'\n", name);
        return CLI_USAGE;
    }

    struct cli_ctx ctx = {.argv0 = argv[0]};
    struct error err = {0};
    if (config_load(&ctx.cfg, config_file, &err) != 0) {
        fprintf(stderr, "waspada: %s\n", err.msg);
        config_release(&ctx.cfg);
        return err.code == WSP_EIO ? CLI_FAIL : CLI_USAGE;
    }
    for (size_t i = 0; i < nflags; i++) {
        if (config_set(&ctx.cfg, flags[i].name, flags[i].value, &err) != 0) {
            fprintf(stderr, "waspada: %s\n", err.msg);
            config_release(&ctx.cfg);
            return CLI_USAGE;
        }
    }
    cli_apply_data_dir(&ctx);
    /* Test suites only: new password hashes with argon2id's minimum cost, for speed. */
    if (getenv("WASPADA_FAST_HASH"))
        auth_set_cost(AUTH_COST_MIN);

    /* The command sees argv starting at its own name, so getopt works as usual. */
    int first = optind;
    optind = 0; /* glibc: 0 fully re-initializes getopt for the command's own parsing */
    int rc = cmd->run(&ctx, argc - first, argv + first);
    store_seal_default(NULL);
    seal_keyring_free(ctx.keyring);
    config_release(&ctx.cfg);
    return rc;
}
