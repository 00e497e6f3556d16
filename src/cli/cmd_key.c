/* waspada key init | rotate | status: the key that seals personal fields (issue 14, item 4). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "seal/seal.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada key init [--discard-sealed]\n"
    "       waspada key rotate\n"
    "       waspada key status\n"
    "\n"
    "Victims' names, addresses and notes, contacts' names, phones and e-mails and users'\n"
    "full names are sealed in the database (XChaCha20-Poly1305) with a key kept in a file\n"
    "outside it: key_file, --key-file, or <db>.key beside a SQLite database. A backup of\n"
    "the database holds sealed text only; keep a copy of the key file somewhere else.\n"
    "\n"
    "  init      create the key file (mode 0600) and seal what the database holds; refused\n"
    "            when the key file exists, or when the database is sealed with a key whose\n"
    "            file is missing (restore the file from your copy instead)\n"
    "  init --discard-sealed\n"
    "            the key is lost for good: every sealed value becomes empty (a victim's\n"
    "            name and a user's full name read '" STORE_SEALED_DISCARDED "'),\n"
    "            a new key seals the rest; audited. Cannot be undone\n"
    "  rotate    seal every value again under a new key, then keep only the new key in the\n"
    "            file (stop the other servers of a PostgreSQL database first, then give them\n"
    "            the new file)\n"
    "  status    the key file, its key ids, whether the database is sealed and with which\n"
    "            key, and how many values each sealed field holds (never a value)\n";

static const struct store_actor cli_actor = {0, "cli", NULL};

static int key_path(struct cli_ctx *ctx, char *path, size_t n)
{
    cli_key_path(ctx, path, n);
    if (!*path)
        return cli_error(WSP_EINVAL, "a PostgreSQL database has no default key file: give it "
                                     "with key_file or --key-file PATH");
    return CLI_OK;
}

static int key_init(struct cli_ctx *ctx, bool discard)
{
    char path[4096];
    int code = key_path(ctx, path, sizeof(path));
    if (code)
        return code;
    struct error err = {0};
    struct store *s = NULL;
    struct seal_keyring *kr = NULL;
    struct store_seal_report rep = {0};
    bool sealed = false, created = false;
    char db_key[17] = "";
    int rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc)
        rc = store_seal_state(s, &sealed, db_key, &err);
    if (rc)
        goto out;
    bool exists = access(path, F_OK) == 0;
    if (!discard) {
        if (exists) {
            rc = error_set(&err, WSP_EEXIST, "key file '%s' already exists", path);
        } else if (sealed) {
            rc = error_set(&err, WSP_EPERM,
                           "this database is sealed with key %s and its key file '%s' is "
                           "missing: restore the file from your copy; only if it is lost for "
                           "good, 'waspada key init --discard-sealed' gives up the sealed values",
                           db_key, path);
        }
        if (rc)
            goto out;
    } else {
        if (!sealed) {
            rc = error_set(&err, WSP_EINVAL,
                           "this database holds no sealed values: nothing to discard ('waspada "
                           "key init' without --discard-sealed)");
            goto out;
        }
        /* A key file left by an earlier --discard-sealed that failed is used again; the
         * database's own key is not lost, so nothing is discarded. */
        if (exists) {
            rc = seal_keyring_read(&kr, path, &err);
            if (!rc && seal_keyring_has(kr, db_key))
                rc = error_set(&err, WSP_EEXIST,
                               "the key file '%s' holds this database's key %s: nothing is lost, "
                               "nothing discarded",
                               path, db_key);
            if (rc)
                goto out;
        }
    }
    /* The new key is on disk before any value is sealed with it. */
    if (!kr) {
        rc = seal_keyring_generate(&kr, &err);
        if (!rc)
            rc = seal_keyring_write(kr, path, false, &err);
        if (rc)
            goto out;
        created = true;
    }
    store_set_keyring(s, kr);
    if (discard)
        rc = store_seal_discard(s, &cli_actor, &rep, &err);
    else
        rc = store_seal_check(s, path, &cli_actor, &rep, &err);
out:
    if (s)
        store_close(s);
    seal_keyring_free(kr);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    if (created)
        printf("kunci enkripsi dibuat: %s; simpan salinannya di tempat lain; tanpa kunci ini nama "
               "korban tidak dapat dibuka\n"
               "encryption key created: %s; keep a copy of it elsewhere: without this key "
               "victims' names cannot be opened\n",
               path, path);
    if (discard)
        printf("discarded %lld values sealed with the lost key %s; %lld values sealed with the "
               "new key %s\n",
               (long long)rep.discarded, db_key, (long long)rep.sealed_values, rep.key_id);
    else
        printf("database sealed with key %s (%lld values sealed)\n", rep.key_id,
               (long long)rep.sealed_values);
    if (!rep.purged)
        printf("note: the WAL could not be emptied (another process has the database open); "
               "it is emptied at its next checkpoint\n");
    return CLI_OK;
}

/*
 * Rotation, crash-safe at every step (the first key of the file seals, every key opens):
 *  1. the key file is rewritten with a new key in front of the old one (temporary file,
 *     fsync, rename): a crash before leaves the old file, after leaves both keys, and both
 *     open everything;
 *  2. every value is re-sealed under the new key and seal_state says so, in one transaction
 *     (SQLite with synchronous=FULL, so the commit survives a power cut): a crash before the
 *     commit leaves the old values, which the old key in the file still opens;
 *  3. only then is the file rewritten with the new key alone. A crash before leaves a file
 *     with both keys, which works, and the next 'key rotate' finishes the job: a file that
 *     holds more than one key is an unfinished rotation, so its first key is used and no
 *     new one is added.
 */
static int key_rotate(struct cli_ctx *ctx)
{
    char path[4096];
    int code = key_path(ctx, path, sizeof(path));
    if (code)
        return code;
    struct error err = {0};
    struct store *s = NULL;
    struct seal_keyring *kr = NULL;
    struct store_seal_report rep = {0};
    char old_id[17] = "";
    bool sealed = false;
    int rc = seal_keyring_read(&kr, path, &err);
    if (!rc)
        rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc)
        rc = store_seal_state(s, &sealed, old_id, &err);
    if (!rc && !sealed)
        rc = error_set(&err, WSP_EINVAL,
                       "this database is not sealed yet: 'waspada init' or 'waspada serve' "
                       "seals it with the key file's key");
    if (rc)
        goto out;
    store_set_keyring(s, kr);
    rc = store_seal_check(s, path, &cli_actor, NULL, &err);
    if (!rc && seal_keyring_count(kr) == 1) {
        rc = seal_keyring_add_new(kr, &err);
        if (!rc)
            rc = seal_keyring_write(kr, path, true, &err); /* step 1 */
    }
    if (!rc)
        rc = store_seal_rotate(s, &cli_actor, &rep, &err); /* step 2 */
    if (!rc) {
        seal_keyring_keep_first(kr);
        rc = seal_keyring_write(kr, path, true, &err); /* step 3 */
    }
out:
    if (s)
        store_close(s);
    seal_keyring_free(kr);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    printf("key rotated: %s -> %s, %lld values sealed again; the key file '%s' holds the new "
           "key only\n"
           "copy the new key file to every server of this database and to your safe copy; the "
           "old key no longer opens anything\n",
           old_id, rep.key_id, (long long)rep.sealed_values, path);
    if (!rep.purged)
        printf("note: the WAL could not be emptied (another process has the database open); "
               "it is emptied at its next checkpoint\n");
    return CLI_OK;
}

static int key_status(struct cli_ctx *ctx)
{
    char path[4096];
    cli_key_path(ctx, path, sizeof(path));
    struct error err = {0};
    struct store *s = NULL;
    struct seal_keyring *kr = NULL;
    bool sealed = false;
    char db_key[17] = "";
    int rc = store_open(&s, ctx->cfg.db, &err);
    if (!rc)
        rc = store_seal_state(s, &sealed, db_key, &err);
    if (rc) {
        store_close(s);
        return cli_error(rc, "%s", err.msg);
    }
    printf("key file: %s\n", *path ? path : "(none set: give key_file or --key-file)");
    if (*path) {
        struct error kerr = {0};
        int krc = seal_keyring_read(&kr, path, &kerr);
        if (krc) {
            printf("key file state: %s\n", kerr.msg);
        } else {
            printf("key id: %s\n", seal_keyring_id(kr, 0));
            for (size_t i = 1; i < seal_keyring_count(kr); i++)
                printf("older key id: %s (a rotation did not finish: run 'waspada key rotate')\n",
                       seal_keyring_id(kr, i));
        }
    }
    printf("sealed database: %s\n", sealed ? "yes" : "no");
    if (sealed) {
        printf("sealed with key: %s%s\n", db_key,
               !kr                            ? " (no key file to open it)"
               : seal_keyring_has(kr, db_key) ? " (the key file holds it)"
                                              : " (NOT in the key file)");
    }
    size_t nf = 0;
    store_sealed_fields(&nf);
    struct store_seal_count counts[32];
    size_t n = 0;
    rc = store_seal_counts(s, counts, nf < 32 ? nf : 32, &n, &err);
    if (!rc) {
        printf("%-32s %8s %8s\n", "field", "sealed", "plain");
        for (size_t i = 0; i < n; i++)
            printf("%-32s %8lld %8lld\n", counts[i].field, (long long)counts[i].sealed,
                   (long long)counts[i].plain);
    }
    store_close(s);
    seal_keyring_free(kr);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}

int cmd_key(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"discard-sealed", no_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool discard = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'x':
            discard = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("key", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("key", "expected one of 'init', 'rotate', 'status'");
    const char *sub = argv[optind];
    if (discard && strcmp(sub, "init") != 0)
        return cli_usage_error("key", "--discard-sealed goes with 'init' only");
    if (strcmp(sub, "init") == 0)
        return key_init(ctx, discard);
    if (strcmp(sub, "rotate") == 0)
        return key_rotate(ctx);
    if (strcmp(sub, "status") == 0)
        return key_status(ctx);
    return cli_usage_error("key", "unknown subcommand '%s'", sub);
}
