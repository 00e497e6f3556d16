/* waspada intake channel add|list|disable|enable|new-secret: the gateways that post field
 * messages to POST /api/v1/intake/{channel} (issue 16, item 3). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "intake/intake.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada intake channel add NAME [--rate N]\n"
    "       waspada intake channel list\n"
    "       waspada intake channel disable NAME\n"
    "       waspada intake channel enable NAME\n"
    "       waspada intake channel new-secret NAME\n"
    "\n"
    "A channel is an SMS or WhatsApp gateway that posts the messages it receives to\n"
    "POST /api/v1/intake/NAME, signed with the channel's secret (HMAC-SHA256, see\n"
    "docs/deployment.md, 'Field messages'). add and new-secret print the secret once: give it\n"
    "to the gateway; the database keeps it sealed. NAME: 1..63 of a-z, 0-9, '_' and '-'.\n"
    "--rate N: messages a minute the channel may post (default 60, 0 = no limit).\n"
    "Reporters' numbers: waspada user phone --username U --phone 0812...\n";

static const struct store_actor cli_actor = {0, "cli", NULL};

static int channel_list(struct store *s, struct error *err)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_intake_channel *cs;
    size_t n;
    int rc = store_intake_channel_list(s, &a, &cs, &n, err);
    if (!rc) {
        printf("%-24s %8s %s\n", "name", "rate/min", "state");
        for (size_t i = 0; i < n; i++)
            printf("%-24s %8lld %s\n", cs[i].name, (long long)cs[i].rate_per_minute,
                   cs[i].disabled ? "disabled" : "active");
    }
    arena_release(&a);
    return rc;
}

int cmd_intake(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return CLI_OK;
    }
    if (argc < 3 || strcmp(argv[1], "channel") != 0)
        return cli_usage_error("intake", "expected 'channel add|list|disable|enable|new-secret'");
    const char *sub = argv[2];
    long rate = 60;
    static const struct option opts[] = {
        {"rate", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 0; /* GNU getopt: start over on the new vector */
    while ((c = getopt_long(argc - 2, argv + 2, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (str_to_long(optarg, 0, 100000, &rate) != 0)
                return cli_usage_error("intake", "--rate must be 0..100000 (got '%s')", optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("intake", "unknown option or missing value in '%s'",
                                   argv[optind + 1]);
        }
    }
    const char *name = optind < argc - 2 ? argv[optind + 2] : NULL;
    bool list = strcmp(sub, "list") == 0;
    if (!list && strcmp(sub, "add") != 0 && strcmp(sub, "disable") != 0 &&
        strcmp(sub, "enable") != 0 && strcmp(sub, "new-secret") != 0)
        return cli_usage_error("intake", "unknown subcommand 'channel %s'", sub);
    if (!list && !name)
        return cli_usage_error("intake", "channel %s needs the channel's NAME", sub);
    if (optind + (name ? 1 : 0) < argc - 2)
        return cli_usage_error("intake", "unexpected argument '%s'",
                               argv[optind + 2 + (name ? 1 : 0)]);

    struct error err = {0};
    struct store *s = NULL;
    int rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    char secret[INTAKE_SECRET_HEX] = "";
    if (!rc) {
        if (list) {
            rc = channel_list(s, &err);
        } else if (strcmp(sub, "add") == 0) {
            intake_secret_new(secret);
            rc = store_intake_channel_add(s, name, secret, rate, &cli_actor, NULL, &err);
            if (!rc)
                printf("channel %s added; its secret (shown this once, give it to the gateway):\n"
                       "%s\n",
                       name, secret);
        } else {
            struct store_intake_channel ch;
            rc = store_intake_channel_get(s, name, &ch, &err);
            sodium_memzero(ch.secret, sizeof(ch.secret));
            bool fresh = strcmp(sub, "new-secret") == 0;
            if (fresh)
                intake_secret_new(secret);
            bool disabled = fresh ? ch.disabled : strcmp(sub, "disable") == 0;
            if (!rc)
                rc = store_intake_channel_update(s, name, disabled, fresh ? secret : NULL,
                                                 &cli_actor, &err);
            if (!rc && fresh)
                printf("channel %s has a new secret (shown this once; the old one no longer "
                       "signs):\n%s\n",
                       name, secret);
            else if (!rc)
                printf("channel %s %s\n", name, disabled ? "disabled" : "enabled");
        }
    }
    sodium_memzero(secret, sizeof(secret));
    if (s)
        store_close(s);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}
